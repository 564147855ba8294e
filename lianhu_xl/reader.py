"""Read a standard workbook as people fill it: find the sheets and the header
row, map columns by label in any order, skip blank and totals rows, and hand
back every other row with its sheet row number and raw values.

python-calamine does the reading (≈15× faster than openpyxl); the guard has
already checked the file. Values are parsed later, by the models.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING

from .guard import STALE, Inspection, col_letters, col_number, ref_row
from .issues import Issue, make_issue, spans
from .standard import CARD_SHEET, DIARY_SHEET, GUIDE_SHEET, MODELS, SERVICES, columns_of
from .standard_names import register_kind
from .values import (
    BLANK,
    WAN_IMPLAUSIBLE,
    PercentShown,
    StaleTitle,
    StruckOut,
    YuanInWan,
    fold,
    from_1904,
    is_footer_text,
    is_group_heading,
    is_page_title,
    is_placeholder,
    is_section_text,
    is_totals_text,
    parse_choice,
    parse_date,
    parse_many,
    parse_number,
    parse_text,
    parse_yesno,
    team_number,
    title_year,
    village_key,
    village_of_title,
    with_year,
)

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

HEADER_SCAN_ROWS = 10
_FOOTER_START = frozenset(("填", "制", "审", "统", "单", "负", "报", "以", "注", "说", "备", "复", "日", "此", "本", "(",
                           "（"))  # a cheap first look; a signature line (联系人签字：) is looked for by its 签 / 章
IGNORED_LABELS = {"序号", "编号", "NO", "NO."}
_SIGNED = re.compile(r"签|章").search  # 联系人签字：, 村支部书记（签字）, （盖章）
_SPACES = re.compile(r"\s+")
# columns a cadre fills down the empty lines of the form in advance (his own name, his 村 and 社):
# with no 卡号 and nothing else, such a line is empty, not a card or visit with eight errors
_FILLED_AHEAD = {CARD_SHEET: frozenset(("linker", "linker_kind", "position", "branch", "village", "team")),
                 DIARY_SHEET: frozenset(("linker", "reviewer"))}
# a 卡号 cell holding one of these may be a heading, not a card (四月份, 二社农户：, 下营村); looked
# for only in a 卡号 that is not all ASCII (XY-001 is most: 35 ns a row, not 140)
_HEADING_HINT = re.compile("[月年季社组队村]")
_BRACKET_UNIT = re.compile(r"\([^()]*\)$")
_SLASH_UNIT = re.compile(r"(?<=[^/(])/(万元|元|件|次|人|户|口)$")
_BARE_WAN = re.compile(r"(?<=[\u4e00-\u9fff])万元$")
_LABEL_FOLD = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "［": "(", "］": ")", "[": "(", "]": ")",
                             "〔": "(", "〕": ")", "\u3000": " ",
                             "*": "", "＊": "", "\ufeff": "", "\u200b": "", "／": "/"})


def normalise_label(text: object) -> str:
    """Trim, drop spaces and line breaks inside, fold full-width brackets, drop the
    ``*`` some clerks put on required columns."""
    if not isinstance(text, str):
        return "" if text is None or text == "" else str(text)
    norm = _SPACES.sub("", text.translate(_LABEL_FOLD)).upper()
    if norm[-1:] in ":：":  # 卡号：, 日期: as a form's labels end
        norm = norm.rstrip(":：")
    if norm.endswith("万元"):  # 担保贷款万元, the unit written without brackets: 担保贷款(万元)
        norm = _BARE_WAN.sub("(万元)", norm)
    return _SLASH_UNIT.sub(r"(\1)", norm) if "/" in norm else norm  # 担保贷款/元 is 担保贷款(元)


def label_index(sheet: str) -> dict[str, str]:
    """Normalised label (with and without its bracketed unit) -> field name."""
    cached = _LABELS.get(sheet)
    if cached is None:
        cached = {}
        for col in columns_of(MODELS[sheet]):
            full = normalise_label(col.label)
            cached[full] = col.name
            cached.setdefault(_BRACKET_UNIT.sub("", full), col.name)
        for col in columns_of(MODELS[sheet]):  # after every label: a label always wins
            for alias in col.aliases:
                cached.setdefault(normalise_label(alias), col.name)
        _LABELS[sheet] = cached
    return cached


_LABELS: dict[str, dict[str, str]] = {}


def match_label(norm: str, index: dict[str, str], sheet: str) -> str | None:
    """The field a normalised header label names, or None.

    ``担保贷款`` matches ``担保贷款(元)``; a unit added to a column the standard
    gives none (``家庭人口(人)``) matches too, and so does the standard's unit written
    the way forms write it (``担保贷款(单位：元)``, ``办实事(件数)``), and 万元 for the
    standard's 元 (``担保贷款(万元)``: the reader multiplies, ``_as_yuan``). Another unit than
    those (``担保贷款(千元)``) does not: its numbers would be read 1 000 times too small.
    """
    name = index.get(norm)
    if name is not None:
        return name
    bare = _BRACKET_UNIT.sub("", norm)
    name = index.get(bare) if bare != norm else None
    if name is None:
        return None
    standard = normalise_label(_LABEL_OF[sheet][name])
    wanted = standard[len(_BRACKET_UNIT.sub("", standard)):]  # the standard's unit, "(元)", or ""
    if not wanted:
        return name
    unit = _unit_of(norm, bare)  # the same for another name of the column (担保贷款金额（元）)
    return name if unit == wanted or (wanted == "(元)" and unit == _WAN) else None


def _unit_of(norm: str, bare: str) -> str:
    """The unit in brackets after a normalised label (``bare``: the label without it), as the
    standard writes it: (单位：元) -> (元), (件数) -> (件), (元/人) -> (元): per head or household
    is the row's own."""
    unit = _COUNT_WORD.sub(")", _UNIT_WORD.sub("(", norm[len(bare):]))
    return _SAME_UNIT.get(unit, unit)


_WAN = "(万元)"  # a money column headed in 万元 (担保贷款（万元）): read, its bare numbers times 10 000


def _wan_label(norm: str) -> bool:
    """Whether a normalised label puts its money in 万元 (担保贷款(万元), 担保贷款(单位:万元))."""
    return _unit_of(norm, _BRACKET_UNIT.sub("", norm)) == _WAN


_UNIT_WORD = re.compile(r"^\(单位[:：]?")
_COUNT_WORD = re.compile(r"(?:数|/人|/户)\)$")
# units that count the same thing as the standard's (the report: 帮耕帮畜1700余场次, 办实事76件):
# 帮耕帮畜（人次） was an unknown column, its helps kept nowhere, the 汇总 0 with only a warning
_SAME_UNIT = {"(人次)": "(次)", "(场次)": "(次)", "(回)": "(次)", "(项)": "(件)", "(个)": "(件)", "(件次)": "(件)",
              "(万)": "(万元)", "(人民币元)": "(元)", "(元人民币)": "(元)"}  # 担保贷款（万）: its loans in 万元


_LABEL_OF = {kind: {c.name: c.label for c in columns_of(model)} for kind, model in MODELS.items()}
_ALIASES = {kind: {normalise_label(a): c.name for c in columns_of(model) for a in c.aliases}
            for kind, model in MODELS.items()}  # another name a form gives a column (记录日期 for 日期)


def col_letter(index: int) -> str:
    """0-based column index -> Excel letters (0 -> A)."""
    return col_letters(index + 1)


@dataclass(slots=True)
class SheetRows:
    """The rows of one standard sheet, as read."""

    sheet: str  # the sheet's name in the workbook
    kind: str  # CARD_SHEET or DIARY_SHEET
    header_row: int = 0  # 1-based
    letters: dict[str, str] = field(default_factory=dict)  # field -> column letters
    typed: dict[str, str] = field(default_factory=dict)  # field -> its header as the sheet writes it
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)
    set_aside: int = 0  # rows read but not parsed: totals rows, formulas without values
    usable: bool = True
    moved: dict[int, dict[str, str]] = field(default_factory=dict)  # row -> letters, under a header in another order


@dataclass(slots=True)
class BookRows:
    """Everything read from one workbook, plus the issues found while reading."""

    file: str
    sheets: list[SheetRows] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    grid: dict[str, list[list[object]]] = field(default_factory=dict)
    lookalikes: dict[str, list[str]] = field(default_factory=dict)  # kind -> sheets holding its header, unread
    mixed: set[str] = field(default_factory=set)  # of those, sheets whose header names the other register's own columns too


_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def sheet_key(name: str) -> str:
    """A sheet's name as the clerk sees it on its tab: trimmed, without the invisible characters
    a name pasted from a web page or a chat brings along (a zero-width space, a byte-order mark),
    which made 联户卡 another name than 联户卡 ("没有名为联户卡的工作表（现有：联户卡、…）")."""
    return name.translate(_INVISIBLE).strip()


def find_sheet(names: list[str], wanted: str) -> str | None:
    for name in names:
        if sheet_key(name) == wanted:
            return name
    return None


def read_rows(display: str, inspection: Inspection, keep_sheets: tuple[str, ...] = (),
              by_content: dict[str, str] | None = None) -> BookRows:
    """Read the standard sheets of a guarded workbook.

    ``keep_sheets`` names other sheets whose raw grids are kept too (the
    consolidation reads a totals workbook's 汇总 sheet this way). ``by_content``: kind -> a
    Sheet1 to read as that register (``content_sheets``), the book guarded as a whole.
    """
    from python_calamine import CalamineWorkbook

    book = BookRows(file=display)
    wb = CalamineWorkbook.from_filelike(io.BytesIO(inspection.readable))  # #SPILL! as #N/A
    names = list(wb.sheet_names)
    for name in keep_sheets:
        actual = find_sheet(names, name)
        if actual is not None:
            book.grid[name] = wb.get_sheet_by_name(actual).to_python(skip_empty_area=False)
    read: set[str] = set()
    for kind, actual in _register_sheets(book, names, by_content or {}):
        read.add(actual)
        found = wb.get_sheet_by_name(actual)
        grid = found.to_python(skip_empty_area=False)
        if not grid and _is_chart(wb, actual):  # a chart named 联户卡: said as one, not 找不到表头
            book.issues.append(make_issue("chart-sheet", book.file, sheet=actual, cell="A1", row=1))
            book.sheets.append(SheetRows(sheet=actual, kind=kind, usable=False))
            continue
        merged = list(getattr(found, "merged_cell_ranges", None) or [])
        formulas = dict(inspection.formula_cells.get(actual, []))
        book.sheets.append(_read_sheet(book, actual, kind, grid, formulas, merged,
                                       inspection.hidden_rows.get(actual, frozenset()),
                                       inspection.percent_cells.get(actual, frozenset()),
                                       inspection.struck_cells.get(actual, frozenset())))
        if by_content and by_content.get(kind) == actual:
            at = book.sheets[-1].header_row or 1
            book.issues.append(make_issue("content-sheet", book.file, sheet=actual, cell=f"A{at}", row=at,
                                          expected=kind))
        if actual in inspection.hidden_columns:  # the same for columns
            _hidden_columns(book, book.sheets[-1], inspection.hidden_columns[actual])
        if actual in inspection.unshown_cells:  # and for cells a format shows as nothing (;;;)
            _unshown_cells(book, book.sheets[-1], inspection.unshown_cells[actual])
        if actual in inspection.same_colour_cells:  # and for text coloured like its cell (white on white)
            _unshown_cells(book, book.sheets[-1], inspection.same_colour_cells[actual], "same-colour-text")
        if actual in inspection.hidden_sheets:  # counted, yet not seen in Excel: said, as hidden rows are
            book.issues.append(make_issue("hidden-sheet", book.file, sheet=actual, cell="A1", row=1, detail=(
                "（只能用宏取消隐藏）" if inspection.hidden_sheets[actual] == "veryHidden" else "")))
    if inspection.date1904:  # old Mac Excel: bare serials count from 1904 (rare; no cost for others)
        for sheet in book.sheets:
            _dates_from_1904(sheet)
    if book.sheets or not _totals_like(book, names):  # a book of Sheet1 and Sheet2 too: said where its tables are
        _say_lookalikes(book, wb, [n for n in names if n not in read])
    return book


def _totals_like(book: BookRows, names: list[str]) -> bool:
    """A 汇总表 (its 汇总 sheet, or one renamed: book.py says so), whose 未计入 sheet lists rows
    under a diary's labels: no register left in a Sheet1."""
    return bool(book.grid) or any("汇总" in n for n in names) or {"来源", "未计入"} <= set(names)


# the names Excel, WPS and LibreOffice give a new book's sheets: they say nothing of what a sheet holds
_DEFAULT_NAME_RE = re.compile(r"^(?:SHEET|工作表)\s*\d{1,3}$", re.IGNORECASE)


def content_sheets(book: BookRows, names: list[str]) -> dict[str, str]:
    """kind -> sheet, for a book with no register sheet by name whose tables were pasted into a
    new book's Sheet1 / Sheet2: each holding the header of one register, the only sheet that
    does (``_say_lookalikes``), and every such sheet named as a new book names it. Read, the
    book first guarded whole. Beside a sheet with another name holding a header (日记草稿), or
    two Sheet1s of one kind, nothing is read: which one counts cannot be told."""
    if book.sheets:
        return _content_beside(book, names)
    if not book.lookalikes or any(register_kind(n) for n in names):
        return {}
    found = {}
    for kind, sheets in book.lookalikes.items():
        if len(sheets) != 1 or not _DEFAULT_NAME_RE.match(sheet_key(sheets[0])):
            return {}
        found[kind] = sheets[0]
    return found


def _content_beside(book: BookRows, names: list[str]) -> dict[str, str]:
    """kind -> sheet, for a book whose one register is read by its name (联户卡) and whose other
    was left in a new book's Sheet1 (the diary): the only sheet holding that register's header,
    named as a new book names it, its header naming nothing of the read register's own columns;
    no sheet of the read register's kind unread (a copy: which counts?) and no sheet named for
    the other (联户日记（作废）: what is it?). Anything else: nothing read, lookalikes said."""
    read = {s.kind for s in book.sheets}
    found = {}
    for kind, sheets in book.lookalikes.items():
        if kind in read or len(sheets) != 1 or sheets[0] in book.mixed or not _DEFAULT_NAME_RE.match(sheet_key(sheets[0])):
            return {}
        if any(kind in sheet_key(n) for n in names):
            return {}
        found[kind] = sheets[0]
    return found


def _register_sheets(book: BookRows, names: list[str], by_content: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, sheet) of the sheets to read: 联户卡 and 联户日记 by name; without one of them,
    the sheets whose names say they hold it (standard_names.register_kind: 联户日记（2010年）,
    联户卡（倪家营村）, one a month: 联户日记(3月), 联户日记(4月)), each said with a notice. Beside
    a sheet named exactly so, such a sheet stays unread (said as a lookalike): it may be a copy."""
    found = []
    for kind in (CARD_SHEET, DIARY_SHEET):
        actual = find_sheet(names, kind)
        if actual is None and kind in by_content:  # Sheet1 holding the cards, in a book of Sheet1 and Sheet2
            found.append((kind, by_content[kind]))  # said at its header once read
            continue
        if actual is None:
            for name in names:
                if register_kind(name) == kind:
                    found.append((kind, name))
                    book.issues.append(make_issue("named-sheet", book.file, sheet=name, cell="A1", row=1,
                                                  expected=kind))
            continue
        found.append((kind, actual))
        twins = [n for n in names if n != actual and sheet_key(n) == kind]
        for twin in twins:  # "联户卡" and "联户卡 ": only one is read, so the other must be said
            book.issues.append(make_issue("duplicate-sheet", book.file, sheet=twin, cell="A1", row=1,
                                          expected=actual))
    return found


def _is_chart(wb: CalamineWorkbook, name: str) -> bool:
    """Whether the sheet ``name`` is a chart (a chart moved to a sheet of its own), not cells;
    asked only of a sheet that gave no cells."""
    return any(m.name == name and "Chart" in str(m.typ) for m in wb.sheets_metadata)


_DATE_FIELDS = {kind: tuple(c.name for c in columns_of(model) if c.kind == "date") for kind, model in MODELS.items()}


def _dates_from_1904(sheet: SheetRows) -> None:
    """The date columns' bare serials of a 1904-system book turned into their dates
    (``values.from_1904``): read with the 1900 epoch, July 2010 was 2006-07-05."""
    fields = [f for f in _DATE_FIELDS[sheet.kind] if f in sheet.letters]
    for _, values in sheet.rows:
        for f in fields:
            values[f] = from_1904(values[f])


def _as_yuan(sheet: SheetRows, f: str) -> None:
    """The column ``f``, headed in 万元, as yuan: a number times 10 000, a text without a unit
    given 万 (``0.3`` is ``0.3万``); a text with its own unit (``3000元``, ``0.3万``) says it."""
    for _, values in sheet.rows:
        v = values[f]
        if v.__class__ is float or v.__class__ is int:
            # 3000 under 担保贷款（万元）: 3000万 for one household? yuan typed: an error naming both
            values[f] = YuanInWan(f"{v:g}") if v >= WAN_IMPLAUSIBLE else round(v * 10000, 6)  # type: ignore[operator]
        elif v.__class__ is str and v.strip() and v.strip()[-1:].isdigit():
            try:
                figure = parse_number(v)
            except ValueError:  # PydanticCustomError: said when the cell is parsed
                figure = None
            values[f] = YuanInWan(v) if figure is not None and figure >= WAN_IMPLAUSIBLE else f"{v.strip()}万"


def _dates_with_year(sheet: SheetRows, year: int) -> None:
    """The date columns' dates typed without a year (3月5日, 3.5 as text) as dates of the one
    year the title above the table names (``values.with_year``). When the dates typed with
    their year are none of them in that year (a sheet copied from last year's form, its title
    still 2009年), which year 4.6 is cannot be told: ``StaleTitle``, an error naming both."""
    fields = [f for f in _DATE_FIELDS[sheet.kind] if f in sheet.letters]
    seen = _years_typed(sheet, fields)
    stale = sorted(seen) if seen and year not in seen else None
    for _, values in sheet.rows:
        for f in fields:
            if values[f].__class__ is str:
                dated = with_year(values[f], year)
                if stale and dated.__class__ is str and dated != values[f]:
                    dated = StaleTitle(values[f])
                    dated.title, dated.seen = year, stale
                values[f] = dated


def _years_typed(sheet: SheetRows, fields: list[str]) -> set[int]:
    """The years of the dates the sheet's date columns hold with their year (a real date, or a
    text such as 2010-3-6); a text without one (4.6, 5月6日) says none."""
    years: set[int] = set()
    for _, values in sheet.rows:
        for f in fields:
            v = values[f]
            if isinstance(v, dt.date):
                years.add(v.year)
            elif v.__class__ is str and _HAS_YEAR.search(v):
                try:
                    day = parse_date(v)
                except ValueError:  # PydanticCustomError: said when the cell is parsed
                    continue
                if day is not None:
                    years.add(day.year)
    return years


_HAS_YEAR = re.compile(r"(?:19|20)\d{2}|[１２][０-９]{3}")  # 2010-3-6, ２０１０年: the year typed (cheap first look)


def _say_lookalikes(book: BookRows, wb: CalamineWorkbook, names: list[str]) -> None:
    """A sheet with another name whose header holds every required label of 联户卡 or 联户日记
    is a register sheet renamed (联户日记表, 联户卡 (2), the diary left in Sheet1). The standard
    ignores other sheets, so its rows are not read; said as an error, never left out silently.
    The template's own 填表说明 is no register sheet, whatever its tables show."""
    for name in names:
        if sheet_key(name) in (CARD_SHEET, DIARY_SHEET, GUIDE_SHEET):
            continue
        try:
            top = wb.get_sheet_by_name(name).to_python(skip_empty_area=False, nrows=HEADER_SCAN_ROWS)
        except Exception:  # a chart sheet or an odd part: nothing a register could hold
            continue
        for kind in (CARD_SHEET, DIARY_SHEET):
            index = label_index(kind)
            row = next((r for r, cells in enumerate(top) if _REQUIRED[kind] <= _fields_in(cells, kind, index)), None)
            if row is not None:
                book.issues.append(make_issue("lookalike-sheet", book.file, sheet=name, cell=f"A{row + 1}",
                                              row=row + 1, expected=kind))
                book.lookalikes.setdefault(kind, []).append(name)
                other = DIARY_SHEET if kind == CARD_SHEET else CARD_SHEET
                if _fields_in(top[row], other, label_index(other)) & (_REQUIRED[other] - _REQUIRED[kind]):
                    book.mixed.add(name)  # 户主 | 联系户类型 | 日期 | 形式: a table of both registers
                break


_REQUIRED = {kind: frozenset(c.name for c in columns_of(model) if c.required) for kind, model in MODELS.items()}


def formula_issue(file: str, sheet: str, ref: str, row: int, column: str, text: str) -> Issue:
    """A formula cell without a stored value, read as blank (never silently 0): an error
    value (``#DIV/0!``) is shown as such, anything else as the formula's text."""
    if text.startswith(STALE):  # a stored result the guard found untrustworthy: STALE formula STALE why
        formula, why = text[1:].split(STALE, 1)
        return make_issue("formula-stale", file, sheet=sheet, cell=ref, row=row, column=column,
                          value="=" + formula, detail=why)
    error = text.startswith("#")
    return make_issue("cell-error" if error else "formula-no-value", file, sheet=sheet, cell=ref,
                      row=row, column=column, value=text if error else "=" + text)


_Block = tuple[int, int, int, int]  # a merged block: first row, first col, last row, last col (0-based)


def _merged_fill(merged: list, header: int, rows: int) -> dict[tuple[int, int], _Block]:
    """Cells hidden under a merged block below the header -> the block, whose top-left value
    they share: a 村 or 卡号 merged down over several rows belongs to each.
    Only rows the sheet has count: a block merged down to row 1048576 costs its real rows."""
    fill: dict[tuple[int, int], _Block] = {}
    for (r0, c0), (r1, c1) in merged:
        if r0 <= header or r1 <= r0:
            continue
        block = (r0, c0, r1, c1)
        for r in range(r0 + 1, min(r1, rows - 1) + 1):
            fill[(r, c0)] = block
    return fill


# Columns whose numbers the totals add (办实事, 担保贷款, 帮耕帮畜) or that describe one household
# (家庭人口, 人均纯收入 on its card): a number merged down over several rows is one deed, loan or
# household, so it counts on the block's first row only (a label such as 村 or 卡号 belongs to each).
_ONCE = {kind: frozenset(c.name for c in columns_of(model) if c.kind in ("number", "whole"))
         for kind, model in MODELS.items()}


def _read_sheet(book: BookRows, name: str, kind: str, grid: list[list[object]],
                formulas: dict[str, str], merged: list | None = None,
                hidden: frozenset[int] = frozenset(), percent: frozenset[str] = frozenset(),
                struck: frozenset[str] = frozenset()) -> SheetRows:
    sheet = SheetRows(sheet=name, kind=kind)
    index = label_index(kind)
    best, best_row = 0, -1
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits = len(_fields_in(row, kind, index))
        if hits > best:
            best, best_row = hits, r
    columns = columns_of(MODELS[kind])
    if best < 2:
        # a header of formulas without stored values (a program that never computes them) reads blank
        uncomputed = next(((ref, text) for ref, text in formulas.items() if not text.startswith(("#", STALE))
                           and ref_row(ref) <= HEADER_SCAN_ROWS), None)
        if uncomputed is not None:
            ref, text = uncomputed
            book.issues.append(make_issue("header-no-value", book.file, sheet=name, cell=ref,
                                          row=ref_row(ref), value="=" + text))
        else:
            labels = "、".join(c.label for c in columns if c.required)
            book.issues.append(make_issue("no-header", book.file, sheet=name, cell="A1", row=1,
                                          expected=labels))
        sheet.usable = False
        return sheet
    sheet.header_row = best_row + 1
    header = list(grid[best_row])
    label_rows = [sheet.header_row] * len(header)  # the sheet row each column's label stands in
    last = best_row  # the header's last row: the data start under it
    top = best_row  # and its first
    if best_row > 0:  # the header's second row won: labels merged down from the row above it
        for c, raw in enumerate(grid[best_row - 1][:len(header)]):  # (序号 too: a column with a label)
            norm = normalise_label(raw)
            if not normalise_label(header[c]) and (norm in IGNORED_LABELS or match_label(norm, index, kind) is not None):
                header[c], label_rows[c], top = raw, best_row, best_row - 1
    below = _labels_below(grid, best_row, kind, index)
    if below is not None:  # a two-row header: 帮扶成效 merged over 办实事 | 担保贷款 | 帮耕帮畜
        last += 1
        for c, raw in enumerate(below):
            if not normalise_label(raw):
                continue
            if c >= len(header):
                header.extend([""] * (c + 1 - len(header)))
                label_rows.extend([sheet.header_row] * (c + 1 - len(label_rows)))
            if match_label(normalise_label(header[c]), index, kind) is None:  # blank, merged or a group
                header[c], label_rows[c] = raw, last + 1
    if kind == DIARY_SHEET:  # 月 | 日 columns, no 日期 (or under a 日期 merged over them)
        last = _date_in_parts(grid, header, best_row, last, index)
    units = _units_below(grid, last)
    if units is not None:  # 担保贷款 over （万元）: the form's row of units, the header's last row
        last += 1
        for c, unit in units.items():
            if c < len(header) and (norm := normalise_label(header[c])) and not _BRACKET_UNIT.search(norm):
                header[c], label_rows[c] = f"{str(header[c]).strip()}（{unit}）", last + 1  # said at its unit
    positions: dict[str, int] = {}
    wan: list[tuple[str, int, str]] = []  # (field, header column, label) of money columns in 万元
    label_of = _LABEL_OF[kind]
    # a column titled by the standard's own label is that column, even after one titled by an
    # alias (记录日期 before 日期: the date written up is not the date of the contact)
    aliases = _ALIASES[kind]
    named = [(c, raw, norm, match_label(norm, index, kind)) for c, raw in enumerate(header)
             if (norm := normalise_label(raw))]
    titled = {name_ for _, _, norm, name_ in named if norm not in aliases}
    loose: list[tuple[int, object, str]] = []  # 类别, 编号: a column told by what is typed under it
    for c, raw, norm, name_ in named:
        cell = f"{col_letter(c)}{label_rows[c]}"
        if name_ is not None and aliases.get(norm) == name_ and name_ in titled:
            name_ = None  # the form's own extra column: said, kept nowhere
        if name_ is None and norm in _LOOSE[kind]:
            loose.append((c, raw, norm))
            continue
        if name_ is None:
            if norm not in IGNORED_LABELS:
                book.issues.append(make_issue("unknown-column", book.file, sheet=name, cell=cell,
                                              row=label_rows[c], column=str(raw).strip(),
                                              value=str(raw).strip()))
            continue
        if name_ in positions:
            book.issues.append(make_issue("duplicate-column", book.file, sheet=name, cell=cell,
                                          row=label_rows[c], column=label_of[name_],
                                          expected=f"{col_letter(positions[name_])} 列"))
            continue
        positions[name_] = c
        sheet.typed[name_] = _SPACES.sub("", str(raw)).strip("*＊")
        if _wan_label(norm):
            wan.append((name_, c, str(raw).strip()))
    for c, raw, norm in loose:
        cell = f"{col_letter(c)}{label_rows[c]}"
        name_, seen = _by_content(grid, last, c, _LOOSE[kind][norm], positions, kind)
        if name_ is None:
            if norm not in IGNORED_LABELS:
                book.issues.append(make_issue("unknown-column", book.file, sheet=name, cell=cell,
                                              row=label_rows[c], column=str(raw).strip(), value=str(raw).strip()))
            continue
        positions[name_] = c
        sheet.typed[name_] = _SPACES.sub("", str(raw)).strip("*＊")
        book.issues.append(make_issue("loose-column", book.file, sheet=name, cell=cell, row=label_rows[c],
                                      column=label_of[name_], value=str(raw).strip(), detail=seen))
    village = None  # a card sheet without a 村 column, under a title naming one village (下营村联户卡)
    titles = [c for row in grid[:top] for c in row if isinstance(c, str)]
    if sheet_key(name) != kind:  # 联户日记（2010年）, 下营村联户卡: the tab's name says what a title would
        titles.append(name)
    if kind == CARD_SHEET and "village" not in positions and titles:
        village = village_of_title(titles)
    for col in columns:
        if col.required and col.name not in positions and not (village and col.name == "village"):
            book.issues.append(make_issue("missing-column", book.file, sheet=name,
                                          cell=f"A{sheet.header_row}", row=sheet.header_row,
                                          column=col.label))
            sheet.usable = False
    sheet.letters = {f: col_letter(c) for f, c in positions.items()}
    if not sheet.usable:
        return sheet
    lead = 0  # 序号 columns at the left
    for c, raw in enumerate(header):
        if normalise_label(raw) not in IGNORED_LABELS or c in positions.values():  # 编号 read as the 卡号
            break
        lead += 1
    numbering = _unlabelled(book, name, grid, header, last, lead)
    while lead in numbering:  # a 序号 column nobody titled is a 序号 column: its 合计 line is one too
        lead += 1
    repeats = frozenset({header[positions["card_no"]], None})  # how a repeated header begins (卡号 merged)
    words: dict[int, set[str]] = {}  # each column's header text, group labels (帮扶成效) included
    for r in range(top, last + 1):
        for c, raw in enumerate(grid[r]):
            norm = normalise_label(raw)
            if norm:
                words.setdefault(c, set()).add(norm)
    _read_body(book, sheet, grid, last, positions, formulas, _merged_fill(merged or [], last, len(grid)), lead,
               repeats, words)
    if percent:  # 3000 typed into a 0% cell is stored 30: marked before 万元 multiplies it
        _percent_marked(sheet, percent)
    if struck:  # a line crossed out (删除线)
        _struck_marked(sheet, struck)
    detail = "没有“村”这一列"
    if (kind == CARD_SHEET and not village and "village" in positions and titles and sheet.rows
            and all(_blank(values["village"]) for _, values in sheet.rows)):
        village, detail = village_of_title(titles), "“村”这一列都空着"  # left blank: the title says it
    if kind == CARD_SHEET and "village" in positions and "team" in positions:
        _village_team_swapped(book, sheet, name)
    if village:  # every card of 下营村联户卡 is 下营村's: said once, at the title
        for _, values in sheet.rows:
            values["village"] = village
        r, c = next(((r, c) for r in range(top) for c, x in enumerate(grid[r])
                     if isinstance(x, str) and village[:-1] in x), (0, 0))
        book.issues.append(make_issue("village-from-title", book.file, sheet=name, cell=f"{col_letter(c)}{r + 1}",
                                      row=r + 1, column="村", value=village, detail=detail))
    for f, c, label in wan:  # 0.3 under 担保贷款（万元） is 3000 yuan: said once at the header
        _as_yuan(sheet, f)
        book.issues.append(make_issue("wan-column", book.file, sheet=name, cell=f"{col_letter(c)}{label_rows[c]}",
                                      row=label_rows[c], column=label))
    year = title_year(titles) if titles else None
    if year is not None:  # 3月5日 under 下营村联户日记（2010年） is 2010年3月5日
        _dates_with_year(sheet, year)
    if hidden:  # read and counted like the others, though Excel does not show them: said once
        unseen = [n for n, _ in sheet.rows if n in hidden]
        if unseen:
            book.issues.append(make_issue("hidden-rows", book.file, sheet=name, row=unseen[0],
                                          cell=f"{sheet.letters['card_no']}{unseen[0]}", detail=spans(unseen)))
    return sheet


def _village_team_swapped(book: BookRows, sheet: SheetRows, name: str) -> None:
    """Cards whose 村 holds a numbered team (四社, 5组) and whose 社 holds a village (下营村): the
    two cells typed in each other's column. Read as meant (村 下营村, 社 四社), each cell said where it
    stands (``sheet.moved``), and the rows told once: the 汇总 had a village named 四社."""
    swapped: list[int] = []
    for number, values in sheet.rows:
        v, t = values.get("village"), values.get("team")
        if v.__class__ is not str or t.__class__ is not str or team_number(v) is None:  # type: ignore[arg-type]
            continue
        folded = "".join(unicodedata.normalize("NFKC", t).split())  # type: ignore[arg-type]
        if team_number(folded) is not None or village_key(folded) == folded:  # 社 names no village (村, 村委会 …)
            continue
        values["village"], values["team"] = t, v
        layout = dict(sheet.moved.get(number) or sheet.letters)
        layout["village"], layout["team"] = layout["team"], layout["village"]
        sheet.moved[number] = layout
        swapped.append(number)
    if swapped:
        first = swapped[0]
        book.issues.append(make_issue("village-team-swapped", book.file, sheet=name, row=first,
                                      cell=f"{sheet.letters['village']}{first}", column="村",
                                      value=str(dict(sheet.rows)[first]["team"]).strip(), detail=spans(swapped)))


def _percent_marked(sheet: SheetRows, refs: frozenset[str]) -> None:
    """Each number (not 0) read from a count or an amount column out of a cell formatted as a
    percent, marked ``PercentShown``: stored 30, shown 3000%, which was typed one cannot tell
    (an error at the cell when it is parsed). Text, and a cell of another column, stay as read."""
    values_of = dict(sheet.rows)
    numeric = _ONCE[sheet.kind]
    field_of = {letters: name for name, letters in sheet.letters.items()}
    for ref in refs:
        number = ref_row(ref)
        values = values_of.get(number)
        if values is None:
            continue
        moved = sheet.moved.get(number)  # under a header printed again in another order: its letters
        name = ({letters: f for f, letters in moved.items()} if moved else field_of).get(ref.rstrip("0123456789"))
        v = values.get(name) if name in numeric else None
        if (v.__class__ is float or v.__class__ is int) and v:
            values[name] = PercentShown(str(v))  # type: ignore[index]


# the columns whose reading can carry a struck line's error (text, a choice, a number: parse_text
# and parse_number say StruckOut); the 卡号 last, so that a card's visits are told it is left out
_STRUCK_CARRIERS = {kind: tuple(c.name for c in columns_of(model) if c.kind in ("text", "choice", "number", "whole")
                                and c.name != "card_no") + ("card_no",) for kind, model in MODELS.items()}


def _struck_marked(sheet: SheetRows, refs: frozenset[str]) -> None:
    """Each line read with a struck-through cell holding something (删除线: crossed out instead of
    deleted): one of its cells marked ``StruckOut``, naming the struck cells, so that the line is
    an error and never counted (a careful clerk leaves a crossed-out line out; a stray format
    cannot be told from it). A struck cell that is empty, or outside the standard's columns, is
    nothing."""
    values_of = dict(sheet.rows)
    by_row: dict[int, list[tuple[int, str, str]]] = {}
    for ref in refs:
        number = ref_row(ref)
        values = values_of.get(number)
        if values is None:
            continue
        letters = ref.rstrip("0123456789")
        name = next((f for f, at in (sheet.moved.get(number) or sheet.letters).items() if at == letters), None)
        if name is not None and values.get(name) not in (None, ""):
            by_row.setdefault(number, []).append((col_number(letters), ref, name))
    for number, cells in by_row.items():
        values = values_of[number]
        cells.sort()
        names = {name for _, _, name in cells}
        carrier = next((f for f in _STRUCK_CARRIERS[sheet.kind] if values.get(f) is not None
                        and (f in names or f == "card_no")), None)
        if carrier is None:  # no 卡号 either: an error as it is
            continue
        v = values[carrier]
        marked = StruckOut(f"{v:g}" if v.__class__ is float or v.__class__ is int else str(v))
        marked.cells = "、".join(ref for _, ref, _ in cells[:5]) + (f" 等 {len(cells)} 格" if len(cells) > 5 else "")
        values[carrier] = marked


def _hidden_columns(book: BookRows, sheet: SheetRows, hidden: frozenset[int]) -> None:
    """Say, once a sheet, the standard columns that hold something read yet are hidden in Excel
    (担保贷款 hidden: its sums counted, nothing seen). A hidden column nothing is read from (a
    helper column, one left empty) is not said."""
    shown = sorted((col_number(letters), letters, sheet.typed.get(name) or _LABEL_OF[sheet.kind][name])
                   for name, letters in sheet.letters.items() if col_number(letters) in hidden
                   and any(values.get(name) not in (None, "") for _, values in sheet.rows))
    if shown:
        book.issues.append(make_issue("hidden-columns", book.file, sheet=sheet.sheet, row=sheet.header_row,
                                      cell=f"{shown[0][1]}{sheet.header_row}",
                                      detail="、".join(f"{letters} 列（{label}）" for _, letters, label in shown)))


def _unshown_cells(book: BookRows, sheet: SheetRows, refs: frozenset[str], code: str = "unshown-cells") -> None:
    """Say, once a sheet, the standard cells read that a number format shows as nothing (;;;):
    their values are counted, nothing is seen in Excel. A cell of another column, or of a row
    not read, is not said."""
    field_of = {letters: name for name, letters in sheet.letters.items()}
    values_of = dict(sheet.rows)
    shown = sorted((ref_row(ref), col_number(ref.rstrip("0123456789")), ref) for ref in refs
                   if (name := field_of.get(ref.rstrip("0123456789"))) is not None
                   and values_of.get(ref_row(ref), {}).get(name) not in (None, ""))
    if shown:
        first = shown[0][2]
        detail = "、".join(ref for _, _, ref in shown[:5]) + (f" 等 {len(shown)} 个单元格" if len(shown) > 5 else " 单元格")
        book.issues.append(make_issue(code, book.file, sheet=sheet.sheet, row=shown[0][0], cell=first,
                                      detail=detail))


# Labels too loose to name a column by themselves (类别: of the linker or of the household?):
# such a column is the one standard column, of those the sheet lacks, that what is typed under it
# belongs to (乡干部 and 党员 under 类别: 联系人类别). 编号 is the 卡号 when the sheet has none
# and it holds no 1, 2, 3 … numbering.
# 姓名 is the 联系人 beside a 户主 (and the 户主 beside a 联系人); 联系户 the 联系户类型 over 致富明星户 …,
# the 户主 over names; 人均纯收入 the one of 基期 and 年末 the sheet lacks; a diary's 主要问题 是否主要问题
# over 是 / 否, 发现问题 over what was found. Where the sheet lacks both names (or both incomes)
# nothing tells which: the column stays unknown.
_LOOSE_KINDS = ("linker_kind", "household_type")
_NAMES = ("linker", "head")
_INCOMES = ("base_income", "year_end_income")
_LOOSE = {CARD_SHEET: {"类别": _LOOSE_KINDS, "类型": _LOOSE_KINDS, "身份": ("linker_kind",), "户别": ("household_type",),
                       "户类型": ("household_type",), "户类别": ("household_type",), "编号": ("card_no",),
                       "卡片编号": ("card_no",), "联户编号": ("card_no",), "姓名": _NAMES,
                       "联系户": ("household_type", "head"), "人均纯收入": _INCOMES, "人均纯收入(元)": _INCOMES,
                       "人均收入": _INCOMES, "人均收入(元)": _INCOMES, "人均纯收入(元/人)": _INCOMES},
          DIARY_SHEET: {"类别": ("services", "form"), "类型": ("form", "services"), "编号": ("card_no",),
                        "联户编号": ("card_no",), "结果": ("result",), "解决情况": ("result",), "姓名": _NAMES,
                        "联系户": ("head",), "主要问题": ("is_main_problem", "problem")}}
_CONTENT_ROWS = 200  # rows looked at to tell a loose column


def _by_content(grid: list[list[object]], last: int, c: int, candidates: tuple[str, ...], positions: dict[str, int],
                kind: str) -> tuple[str | None, str]:
    """The one field of ``candidates`` the sheet lacks that most of the cells under the header
    of column ``c`` read as (a choice of its list, services of the six, card numbers that are no
    numbering), and the first few of those cells, to say why; (None, "") when none or several."""
    if all(f in positions for f in candidates):  # 编号 beside a 卡号: a 序号, nothing to look at
        return None, ""
    cells = []
    for row in grid[last + 1:last + 1 + _CONTENT_ROWS]:
        value = row[c] if c < len(row) else None
        if value is None or (value.__class__ is str and (not value.strip() or is_footer_text(value)
                                                         or is_totals_text(value))):
            continue
        cells.append(value)
    choices = {col.name: col.choices for col in columns_of(MODELS[kind])}
    found = []
    for f in candidates:
        if f in positions or not cells:
            continue
        if f == "card_no":
            numbers = [_serial(v) for v in cells]
            good = 0 if all(n is not None for n in numbers) else len(cells)  # 1, 2, 3 …: a 序号
        elif f == "services":
            good = sum(1 for v in cells if (parts := parse_many(v)) and set(parts) <= set(SERVICES))
        elif f in _INCOMES:  # the other income column stands: this is the one it lacks
            good = len(cells) if all(g in positions for g in _INCOMES if g != f) else 0
        elif f == "is_main_problem":  # 是, 否, √ under a diary's 主要问题
            good = sum(1 for v in cells if _is_yesno(v))
        elif f in _NAMES or f == "problem":  # names, notes: text that is no choice of a list (李一, not 致富明星户)
            good = sum(1 for v in cells if v.__class__ is str and not _is_choice(v, choices))
        else:
            good = sum(1 for v in cells if _is_choice(v, {f: choices[f]}))
        if good * 2 > len(cells):
            found.append(f)
    if len(found) != 1:
        return None, ""
    shown = list(dict.fromkeys(fold(parse_text(v) or "") for v in cells))[:3]
    seen = "、".join(shown) + ("等" if len(cells) > len(shown) else "")
    pair = _INCOMES if found[0] in _INCOMES else _NAMES if found[0] in _NAMES else ()
    beside = [g for g in pair if g != found[0] and g in positions]
    if beside:  # 姓名 beside 户主: the names alone do not tell, the column beside does
        seen += f"；表里已有“{_LABEL_OF[kind][beside[0]]}”"
    return found[0], seen


def _is_yesno(value: object) -> bool:
    try:
        return parse_yesno(value) is not None
    except ValueError:
        return False


def _is_choice(value: object, choices: dict[str, tuple[str, ...] | None]) -> bool:
    """Whether ``value`` reads as a choice of any of the sheet's lists."""
    for options in choices.values():
        if options:
            try:
                if parse_choice(value, options) is not None:
                    return True
            except ValueError:
                pass
    return False


def _unlabelled(book: BookRows, name: str, grid: list[list[object]], header: list[object], last: int,
                lead: int) -> set[int]:
    """A warning for each column without a label that has something typed under it (a column the
    clerk added, or the second half of a label merged over two): what it holds is not read.
    A footer or totals line reaching into it is not such content, and a column holding only
    1, 2, 3 … (a 序号 never titled; starting again at 1 on a second page) has nothing to lose:
    such columns are returned."""
    numbering: set[int] = set()
    for c in range(lead, len(header)):
        if normalise_label(header[c]):
            continue
        first, count = None, 0  # the first cell with content; the numbering so far
        for r in range(last + 1, len(grid)):
            row = grid[r]
            value = row[c] if c < len(row) else None
            if value is None or value == "" or (value.__class__ is str and (
                    not value.strip() or is_footer_text(value) or is_totals_text(value))):
                continue
            first = r if first is None else first
            n = _serial(value)
            if n is None or not (n == count + 1 or n == 1 < count):
                count = 0  # not a numbering
                break
            count = n
        if count > 1:  # 1, 2 at least: a lone 1 is something typed on one row, not a numbering
            numbering.add(c)
        elif first is not None:
            cell = f"{col_letter(c)}{first + 1}"  # its content is not quoted: it may be an ID number or a phone
            book.issues.append(make_issue("unlabelled-column", book.file, sheet=name, cell=cell, row=first + 1,
                                          column=f"{col_letter(c)} 列", detail=cell))
    return numbering


def _serial(value: object) -> int | None:
    """A whole number as a 序号 holds it (1, 1.0 or the text "1"), else None."""
    if value.__class__ is float and value.is_integer() or value.__class__ is int:
        return int(value)
    if value.__class__ is str and value.strip().isdecimal():
        return int(value.strip())
    return None


_NOWHERE = 1 << 30  # no row reaches this column: the builder is never used, _values_of reads each row


def _moved(row: list[object], items: list[tuple[str, int]], kind: str) -> list[tuple[str, int]] | None:
    """The columns of a header printed again under the table (a second page pasted under the
    first) when its labels stand in other columns than the first header's: (field, column) by
    this header, a field it does not name kept where it was (a column read by content, 类别).
    None when the labels stand where they stood: rows below read as before. 帮耕帮畜 and 担保贷款
    swapped on page two were read into each other's column: 2 yuan and 5000 helps, silently."""
    index = label_index(kind)
    found: dict[str, int] = {}
    for c, raw in enumerate(row):
        if raw.__class__ is str and raw.strip():
            f = match_label(normalise_label(raw), index, kind)
            if f is not None and f not in found:
                found[f] = c
    if all(found.get(f, c) == c for f, c in items):
        return None
    return [(f, found.get(f, c)) for f, c in items]


def _header_again(values: dict[str, object], items: list[tuple[str, int]], words: dict[int, set[str]],
                  kind: str) -> bool:
    """Every filled cell of the row is its column's header text (either row of a two-row header,
    a group label such as 帮扶成效 too) or a label of the sheet: the header again, not a row."""
    index = label_index(kind)
    for f, c in items:
        v = values[f]
        if v is None:
            continue
        if v.__class__ is not str:
            return False
        norm = normalise_label(v)
        if norm not in words.get(c, ()) and match_label(norm, index, kind) is None:
            return False
    return True


def _labels_below(grid: list[list[object]], header: int, kind: str, index: dict[str, str]) -> list[object] | None:
    """The row under the header when it is the header's second row: only text, and a label of
    a column the header row does not name (the header row holds a group label merged over them,
    or nothing, where the columns' own labels stand one row down). None for a data row."""
    if header + 1 >= min(len(grid), HEADER_SCAN_ROWS + 1):
        return None
    below = grid[header + 1]
    if any(raw.__class__ is not str for raw in below if raw is not None):
        return None
    new = _fields_in(below, kind, index) - _fields_in(grid[header], kind, index)
    return below if new else None


# a row of units under the labels, as printed forms have it: （元）, 万元, 单位：件, (人次); a hint in
# brackets (（年月日）, （是/否）) may stand beside them
_UNIT_CELL = re.compile(r"^\(?(?:单位[:：]?)?(万元|千元|元|件次|件|人次|场次|次|回|项|个|人|口|户|亩)\)?$")
_HINT_CELL = re.compile(r"^\(.*\)$|^年[.\-/]?月[.\-/]?日$|^是[/或、]否$")  # （年月日）, 年.月.日, 是/否


_PART_LABELS = {"年": "Y", "年份": "Y", "月": "M", "月份": "M", "日": "D", "日期": "D", "号": "D"}


def _date_in_parts(grid: list[list[object]], header: list[object], best_row: int, last: int,
                   index: dict[str, str]) -> int:
    """A diary whose date stands in two or three columns, as paper diaries print it: 月 | 日 (with
    年 before them, or the year in the title), side by side in the header row or under a 日期 /
    时间 merged over them. The sheet is read as if it had one 日期 column where 月 stands: each
    row's parts joined (3 | 5 is 3月5日, read with the title's year), the other parts emptied.
    Returns the header's last row (one more when the parts stood under it). Without this the
    diary lacked 日期 and was refused whole."""
    dated = "date" in _fields_in(header, DIARY_SHEET, index)
    for r in (best_row, last + 1):
        if r >= len(grid) or r > best_row + 1 or (r == best_row and dated):
            continue
        labels = [_PART_LABELS.get(normalise_label(x)) if x.__class__ is str else None for x in grid[r]]
        text = "".join(p or "." for p in labels)
        at = text.find("MD")
        if at < 0:
            continue
        year = at - 1 if at > 0 and text[at - 1] == "Y" else None
        first = at if year is None else year
        if r == best_row:  # 月 | 日 in the header row itself: 月's column is the 日期 column
            header[first] = "日期"
            for c in (at, at + 1):
                if c != first:
                    header[c] = None
        elif not (first < len(header) and match_label(normalise_label(header[first]), index, DIARY_SHEET) == "date"):
            continue  # the row under the header names 月 | 日, but no 日期 or 时间 stands over them
        else:
            last = r
        for row in grid[last + 1:]:
            if len(row) <= at + 1:
                continue
            parts = [row[c] for c in (year, at, at + 1) if c is not None]
            if all(p is None or p == "" for p in parts):
                continue
            if all(p.__class__ is str and _PART_LABELS.get(normalise_label(p)) for p in parts if p not in (None, "")):
                row[first], row[at + 1] = "日期", None  # the header printed again on a later page
                if year is not None:
                    row[at] = None
                continue
            y = _part(row[year]) if year is not None else ""
            m, d = _part(row[at]), _part(row[at + 1])
            row[first] = (f"{y}年" if y else "") + f"{m}月" + (f"{d}日" if d else "")
            for c in (at, at + 1):
                if c != first:
                    row[c] = None
        return last
    return last


def _part(value: object) -> str:
    """A part of a date as its own cell holds it: 3, 3.0, "3", "3月", "5日" -> "3" / "5"."""
    if value is None or value == "":
        return ""
    if value.__class__ is float and value.is_integer():  # type: ignore[union-attr]
        return str(int(value))  # type: ignore[arg-type]
    return str(value).strip().rstrip("年月日号").strip()


def _blank(value: object) -> bool:
    """A cell holding nothing a person sees (blank, spaces)."""
    return value is None or (value.__class__ is str and not value.strip(BLANK))  # type: ignore[union-attr]


def _units_below(grid: list[list[object]], last: int) -> dict[int, str] | None:
    """The row under the header's last row when it holds only units and bracketed hints (a form's
    row of units: 办实事 | 担保贷款 over （件） | （万元））: column -> the unit it gives. None for any
    other row (a visit, a blank line). Read as a visit, it was six errors (“（件）”不是数字)."""
    if last + 1 >= len(grid):
        return None
    units: dict[int, str] = {}
    for c, raw in enumerate(grid[last + 1]):
        if raw is None or raw == "":
            continue
        if raw.__class__ is not str:
            return None
        norm = normalise_label(raw)
        if not norm:
            continue
        unit = _UNIT_CELL.match(norm)
        if unit is not None:
            units[c] = unit.group(1)
        elif not _HINT_CELL.match(norm):
            return None
    return units if units else None


_HEADER_MEMO: dict[str, dict[object, str | None]] = {}
_HEADER_MEMO_SIZE = 4096  # distinct cells remembered per kind; header rows repeat from book to book


def _fields_in(row: list[object], kind: str, index: dict[str, str]) -> set[str]:
    """The fields a row's cells name (a header row names many): each distinct cell is
    normalised and matched once, then remembered."""
    memo = _HEADER_MEMO.setdefault(kind, {})
    found = set()
    for raw in row:
        key = raw if raw.__class__ is str else (raw.__class__, raw)  # 1 and 1.0 and True differ as text
        try:
            field_ = memo[key]
        except KeyError:
            field_ = match_label(normalise_label(raw), index, kind)
            if len(memo) >= _HEADER_MEMO_SIZE:
                memo.clear()
            memo[key] = field_
        except TypeError:  # unhashable: never from calamine, but say what it names all the same
            field_ = match_label(normalise_label(raw), index, kind)
        if field_:
            found.add(field_)
    return found


# What calamine hands back besides text; str() of each is never blank.
_PLAIN = frozenset({float, int, bool, dt.date, dt.datetime, dt.time, dt.timedelta})


def _read_body(book: BookRows, sheet: SheetRows, grid: list[list[object]], header: int,
               positions: dict[str, int], formulas: dict[str, str],
               fill: dict[tuple[int, int], _Block], lead: int = 0,
               repeats: frozenset[object] = frozenset(), words: dict[int, set[str]] | None = None) -> None:
    """Every row under the header (``header``: its last row; ``lead``: the 序号 columns at the
    left): blank rows and the header repeated (a second page pasted under the first: its 卡号
    cell in ``repeats``, every cell a label) skipped, totals rows and rows with formulas that
    have no value set aside (each said), the rest kept with their values by field. A merged
    block's value fills the rows under it, except in a number column (``_ONCE``): there it is
    counted on its first row only, and said once.

    This loop is most of the reader's own cost for every book, so each row is turned into
    its dict by one function generated for the sheet's columns (``_row_builder``).
    """
    name = sheet.sheet
    items = list(positions.items())
    fields = tuple(f for f, _ in items)
    cols = [c for _, c in items]
    reach = max(cols)
    build = _row_builder(fields, tuple(cols))
    letters = [sheet.letters[f] for f in fields]
    label_of = _LABEL_OF[sheet.kind]
    text, plain = str, _PLAIN
    rows = sheet.rows
    once = _ONCE[sheet.kind]
    ahead = _FILLED_AHEAD[sheet.kind]
    said: set[_Block] = set()  # merged numbers already said
    formula_rows = {ref_row(ref) for ref in formulas}  # rows to look at
    prefilled: list[tuple[int, object]] = []  # (row, a value filled in advance) of rows taken as blank
    review = sheet.kind == DIARY_SHEET and any(f in positions for f in REVIEW_FIELDS[1:])  # a diary with its review
    dittos: list[int] = []  # rows with 同上 read as the row above
    layout: dict[str, str] | None = None  # field -> letter, under a header printed again in another order
    since = 0  # rows[since:]: the rows under the last line of sums (a page's subtotal)
    sums = _ColumnSums(rows)
    for r in range(header + 1, len(grid)):
        row = grid[r]
        values = build(row) if len(row) > reach else None
        if values is None:  # blank to the builder, or a short row: the rule spelt out decides
            values = _values_of(row, items)
            if values is None:
                continue  # blank; a merged block reaching into it does not make it a row
        no = values["card_no"]
        if no is None and all(is_placeholder(v) or (k in ahead and not _closes_table(v)) for k, v in values.items()):
            prefilled.append((r + 1, next(x for x in values.values() if x is not None)))
            continue  # 否, 0 or the cadre's own name filled down in advance, no 卡号: an empty line of the form
        if no is None and review and _review_only(values):
            filled = [f for f in REVIEW_FIELDS if values.get(f) is not None]
            book.issues.append(make_issue("review-row", book.file, sheet=name, row=r + 1,
                                          cell=f"{sheet.letters[filled[0]]}{r + 1}",
                                          detail="、".join(label_of[f] for f in filled)))
            continue  # 张书记 · 2010-9-30 · 已阅 under the month's visits: a review, no visit
        if no is None or (no.__class__ is text and not no.isascii() and _HEADING_HINT.search(no)):
            filled = [x for x in values.values() if x is not None]
            # a heading stands alone; a line under a merged 卡号 or 形式 is a visit (its date 2010年5月)
            if (len(filled) == 1 and filled[0].__class__ is text
                    and (is_section_text(filled[0]) or is_group_heading(filled[0]))
                    and not (fill and any((r, c) in fill for c in cols))):
                book.issues.append(make_issue("section-row", book.file, sheet=name, row=r + 1, value=filled[0].strip(),
                                              cell=f"{_column_of(row, filled[0])}{r + 1}"))
                continue  # 四月份 over April's visits: a heading, not a row (like a blank one)
        number = r + 1
        counted_above: list[tuple[str, _Block, object]] | tuple[()] = ()
        if fill:
            merged_from: dict[str, int] = {}  # field -> the first row (0-based) of the block it shares
            for f, c in items:
                top = fill.get((r, c))
                if values[f] is None and top is not None and top[0] < len(grid):
                    merged_from[f] = top[0]
                    shared = grid[top[0]][c] if c < len(grid[top[0]]) else None
                    if shared == "":
                        shared = None
                    if f in once:  # counted on the block's first row; blank here
                        if shared is not None and str(shared).strip() and top not in said:
                            counted_above = [*counted_above, (f, top, shared)]
                        continue
                    values[f] = shared
            if "card_no" in merged_from and _continues(book, sheet, values, merged_from, number):
                continue
        if not _DITTO.isdisjoint(values.values()) and rows:  # 同上 / 〃: the row above's value
            prior = rows[-1][1]
            for f, v in values.items():
                if v.__class__ is text and v in _DITTO:
                    values[f] = prior[f]
            dittos.append(number)
        no = values["card_no"]
        # the header again (a second page pasted under the first): no row, like a blank one. Its
        # 卡号 cell as page one typed it, or another way of writing the label (卡号* / 卡 号 /
        # 联户卡号: every label of that column has 号, which card numbers seldom have)
        if ((no in repeats or (no.__class__ is text and "号" in no))
                and _header_again(values, items, words or {}, sheet.kind)):
            moved = _moved(row, items, sheet.kind)
            if moved is not None:  # a page pasted with its columns in another order: read by its own header
                items, cols, reach, layout = moved, [c for _, c in moved], _NOWHERE, {
                    f: col_letter(c) for f, c in moved}
                letters = [layout[f] for f in fields]
                book.issues.append(make_issue("header-moved", book.file, sheet=name, cell=f"A{r + 1}", row=r + 1,
                                              expected=sheet.header_row, detail="、".join(
                                                  f"{label_of[f]} 在 {layout[f]} 列" for f, c in moved
                                                  if layout[f] != sheet.letters[f])))
            continue
        first = row[0] if row else None  # most rows start with text without 计, or a number
        begin = 0
        if lead and len(row) > lead and not (first.__class__ is text and ("计" in first or "共" in first)):
            # a 序号 (pre-numbered 1, 2, … down the sheet, 合计 rows too) is not the row's first
            # filled cell, as a 序号 alone makes no row
            first, begin = row[lead], lead
        if first.__class__ is text and "计" not in first and "共" not in first and first.strip() \
                or first.__class__ in plain:
            first = None
        elif first.__class__ is not text or ("计" not in first and "共" not in first):  # blank or unusual
            first = _first_filled(row, begin)
        if isinstance(first, str) and ("计" in first or "共" in first) and is_totals_text(first):
            book.issues.append(make_issue("totals-row", book.file, sheet=name, cell=f"{_column_of(row, first)}{number}",
                                          row=number, value=first.strip()))
            sheet.set_aside += 1
            since = len(rows)
            continue
        if no is None and rows and _sums_line(values, once, sums, since, partial(
                _closes, grid, r, items, repeats, words or {}, sheet.kind)):  # =SUM(J3:J20) with no 合计 before it
            filled = [(f, v) for f, v in values.items() if v is not None]
            book.issues.append(make_issue("sums-row", book.file, sheet=name, row=number,
                                          cell=f"{(layout or sheet.letters)[filled[0][0]]}{number}",
                                          detail="、".join(f"{_SHORT_LABEL.sub('', label_of[f])} {v:.15g}" for f, v in filled)))
            sheet.set_aside += 1
            since = len(rows)
            continue
        head = row[begin] if len(row) > begin else None
        if head == "" or head is None:  # merged across from the right, or under a merged 卡号
            head = _first_filled(row, begin)
        if head.__class__ is text and head[:1] == "汇" and _SPACES.sub("", head).rstrip(":：") == "汇总":
            book.issues.append(make_issue("totals-row", book.file, sheet=name, cell=f"{_column_of(row, head)}{number}",
                                          row=number, value=head.strip()))
            sheet.set_aside += 1  # an Excel table's total row (表设计 → 汇总行) says 汇总
            continue
        if head.__class__ is text and (head[:1] in _FOOTER_START or (not head.isascii() and _SIGNED(head))) \
                and is_footer_text(head):
            book.issues.append(make_issue("footer-row", book.file, sheet=name, cell=f"{_column_of(row, head)}{number}",
                                          row=number, value=head.strip()))
            continue  # 填表人：…, 以下空白: the form's footer, not a row (like a blank one)
        if (no is None or no.__class__ is text and (not no.isascii() or no[:1] == "-")) and not (
                fill and any((r, c) in fill for c in cols)):
            filled = [x for x in values.values() if x is not None]
            if len(filled) == 1 and filled[0].__class__ is text and (is_page_title(filled[0]) or (
                    row.index(filled[0]) <= min(cols)  # a title stands at the left, never in 发现问题
                    and _over_header(grid, r, items, repeats, words or {}, sheet.kind))):
                book.issues.append(make_issue("page-title", book.file, sheet=name, row=number, value=filled[0].strip(),
                                              cell=f"{_column_of(row, filled[0])}{number}"))
                continue  # 联户日记（续表） over page two's header, 第 2 页: not a row (like a blank one)
        if no is None and rows and _prose_only(values, sheet.kind):
            own = [f for f, v in values.items() if v is not None]
            book.issues.append(make_issue("text-only-row", book.file, sheet=name, row=number,
                                          cell=f"{(layout or sheet.letters)[own[0]]}{number}", expected=rows[-1][0],
                                          detail="、".join(label_of[f] for f in own),
                                          keys="、".join(label_of[f] for f in _ENTRY_KEYS[sheet.kind])))
            continue  # 缺肥 under 缺水，: the rest of the line above, typed without Alt+Enter; nothing to count
        if number in formula_rows:
            refs = [f"{letter}{number}" for letter in letters]
            bad = [(f, ref) for f, ref in zip(fields, refs, strict=True) if ref in formulas]
            if bad:
                for f, ref in bad:
                    book.issues.append(formula_issue(book.file, name, ref, number, label_of[f], formulas[ref]))
                sheet.set_aside += 1
                continue
        for f, (r0, c0, r1, c1), shared in counted_above:
            said.add((r0, c0, r1, c1))
            book.issues.append(make_issue("merged-number", book.file, sheet=name, cell=f"{col_letter(c0)}{r0 + 1}",
                                          row=r0 + 1, column=label_of[f], value=shared,
                                          detail=f"{col_letter(c0)}{r0 + 1}:{col_letter(c1)}{r1 + 1}"))
        rows.append((number, values))
        if layout is not None:  # its cells are said where they stand
            sheet.moved[number] = layout
    if dittos:  # said once per sheet, like the rows filled ahead
        book.issues.append(make_issue("ditto-cells", book.file, sheet=name, row=dittos[0],
                                      cell=f"{sheet.letters['card_no']}{dittos[0]}", detail=spans(dittos)))
    if prefilled:  # said once per sheet: a form filled down 200 rows ahead is one thing to say
        first, value = prefilled[0]
        where = spans([n for n, _ in prefilled])
        book.issues.append(make_issue("placeholder-rows", book.file, sheet=name, cell=f"{sheet.letters['card_no']}{first}",
                                      row=first, value=value.strip() if value.__class__ is text else value,
                                      detail=where))  # make_issue shows FALSE and 0 as the sheet does


def _over_header(grid: list[list[object]], r: int, items: list[tuple[str, int]], repeats: frozenset[object],
                 words: dict[int, set[str]], kind: str) -> bool:
    """Whether the next line with anything in it (two at most: a blank line between) is the
    header printed again: a lone line of text over it is that page's title (下营村联户日记（续表））."""
    for below in grid[r + 1:r + 3]:
        values = _values_of(below, items)
        if values is None:
            continue
        no = values["card_no"]
        return bool((no in repeats or (no.__class__ is str and "号" in no)) and _header_again(values, items, words, kind))
    return False


_SHORT_LABEL = re.compile(r"\(.*\)$")  # 担保贷款(元) said as 担保贷款 beside its figure


def _sums_line(values: dict[str, object], once: frozenset[str], sums: _ColumnSums, since: int,
               closes: Callable[[], bool]) -> bool:
    """A line holding only figures in number columns, each the sum of its column's figures above
    (since the last line of sums, or since the table's top; a figure typed as text, 一件, counted
    too, as a clerk adding by hand does): the clerk's =SUM(…) or a page's sums typed, with no 合计
    in front. A sum of one figure is that figure again, which a visit whose keys were forgotten
    also is: a sums line only when it closes its page or table (``closes``). A line of figures
    that are no such sum: not this."""
    filled = [(f, v) for f, v in values.items() if v is not None]
    if not filled or any(f not in once or v.__class__ not in (int, float) for f, v in filled):
        return False
    if not any(filled_v for _, filled_v in filled):
        return False
    added = 0  # the most figures a sum adds up
    for f, v in filled:
        counts = [n for total, n in sums.of(f, since) if n and abs(v - total) < 0.005]  # type: ignore[operator]
        if not counts:
            return False
        added = max(added, *counts)
    return added >= 2 or closes()


class _ColumnSums:
    """Each number column's figures in the rows read so far, added up as the rows come: its
    numbers (what =SUM adds), and those with the figures typed as text (3000元, 一件) read too,
    over the whole table and since the last line of sums. Added up again at every line of
    figures, a sheet of 8,000 figure-only lines took 20 s (each line adding all above it)."""

    def __init__(self, rows: list[tuple[int, dict[str, object]]]) -> None:
        self.rows = rows
        self._at: dict[str, list] = {}  # field -> [rows done, since, whole (4), since's part (4)]

    def of(self, f: str, since: int) -> list[tuple[float, int]]:
        """(total, count) of the numbers since ``since``, all figures since, the numbers of the
        whole table, all its figures: in the order the rows come, as ``sum`` adds them."""
        st = self._at.get(f)
        if st is None:
            st = self._at[f] = [0, since, [0, 0, 0, 0], [0, 0, 0, 0]]
        if st[1] != since:  # a line of sums since: the part starts again under it
            st[1], st[3] = since, [0, 0, 0, 0]
            self._add(f, st[3], range(since, st[0]))
        done, end = st[0], len(self.rows)
        if done < end:
            self._add(f, st[2], range(done, end))
            self._add(f, st[3], range(max(done, since), end))
            st[0] = end
        whole, part = st[2], st[3]
        return [(part[0], part[1]), (part[2], part[3]), (whole[0], whole[1]), (whole[2], whole[3])]

    def _add(self, f: str, acc: list, indexes: range) -> None:
        for i in indexes:
            x = self.rows[i][1][f]
            if x.__class__ in (int, float):
                acc[0] += x
                acc[1] += 1
                acc[2] += x
                acc[3] += 1
            elif x.__class__ is str:
                try:
                    figure = parse_number(x)
                except ValueError:  # PydanticCustomError: said when the cell is parsed
                    continue
                if figure is not None:
                    acc[2] += figure
                    acc[3] += 1


def _closes(grid: list[list[object]], r: int, items: list[tuple[str, int]], repeats: frozenset[object],
            words: dict[int, set[str]], kind: str) -> bool:
    """Whether the line ``r`` is the last of its page or table: the next line with anything in it
    is a title, page number, footer, 合计 or the header printed again, or there is none."""
    for at in range(r + 1, len(grid)):
        below = grid[at]
        texts = [x for x in below if x is not None and x != ""]
        if not texts:
            continue
        if len(texts) == 1 and texts[0].__class__ is str:
            text = texts[0]
            if is_page_title(text) or is_footer_text(text) or is_totals_text(text) or _over_header(
                    grid, at, items, repeats, words, kind):
                return True
        values = _values_of(below, items)
        no = values["card_no"] if values else None
        return bool(values and (no in repeats or (no.__class__ is str and "号" in no))
                    and _header_again(values, items, words, kind))
    return True


# what a clerk types for "the same as the line above" (同上, the ditto mark 〃 or a quote)
_DITTO = frozenset({"同上", "同上。", " 同上", "同上 ", "仝上", "同前", "〃", "〃 ", "″", '"', "”", "“"})
# what makes one card or one diary entry: a line whose own are all merged down from the line
# above is that card or entry again, not another
_ENTRY_KEYS = {CARD_SHEET: ("card_no",), DIARY_SHEET: ("card_no", "date", "form")}
# text that runs on over lines when it is long (帮扶措施, 生产生活情况, 发现问题 …)
_PROSE = {CARD_SHEET: frozenset(("industry", "main_problem", "measures", "remarks")),
          DIARY_SHEET: frozenset(("situation", "problem", "solution", "review_opinion"))}


def _prose_only(values: dict[str, object], kind: str) -> bool:
    """A line (no 卡号, nothing merged into it) holding only text that runs on (发现问题, 解决办法,
    帮扶措施 …): the rest of the line above, typed on the next line. Said, not read as a visit or a
    card missing its every key (four required errors, none saying what happened); nothing in it
    counts either way. Its text is not added to the line above: unmerged, that is not sure."""
    prose = _PROSE[kind]
    return all(v is None or (f in prose and v.__class__ is str) for f, v in values.items())


def _continues(book: BookRows, sheet: SheetRows, values: dict[str, object], merged_from: dict[str, int],
               number: int) -> bool:
    """A line whose 卡号 (and a diary's 日期 and 形式) are merged down from the line above and
    which has only text of its own (帮扶措施, 生产生活情况 …) continues that line: a card or a
    visit written over two lines, the rest merged over both, as a paper form is laid out. Its
    text is added to the first line's (after a line break) and it is no row of its own, said
    once; read as a second row it was a copy of the card differing in that text (every copy
    left out). A line with anything else of its own (its date, a 办理结果) is a row, as before."""
    keys = _ENTRY_KEYS[sheet.kind]
    if not sheet.rows or any(k not in merged_from for k in keys):
        return False
    first_number, first = sheet.rows[-1]
    if first_number != max(merged_from[k] for k in keys) + 1:
        return False
    own = [f for f, v in values.items() if v is not None and f not in merged_from]
    prose = _PROSE[sheet.kind]
    if not own or any(f not in prose or values[f].__class__ is not str for f in own):
        return False
    for f in own:
        before = first[f]
        first[f] = values[f] if before is None or before == "" else f"{before}\n{values[f]}"
    label_of = _LABEL_OF[sheet.kind]
    book.issues.append(make_issue("continued-row", book.file, sheet=sheet.sheet, row=number,
                                  cell=f"{sheet.letters[own[0]]}{number}", expected=first_number,
                                  detail="、".join(label_of[f] for f in own)))
    return True


# a diary's review (调阅), which the standard puts on the line of the visit reviewed
REVIEW_FIELDS = ("reviewer", "review_date", "review_opinion")
_REVIEW_LINE = frozenset((*REVIEW_FIELDS, "card_no", "linker"))  # what else a review line may hold


def _review_only(values: dict[str, object]) -> bool:
    """A line holding a review (调阅日期 or 调阅意见, with 调阅人 or the cadre's name filled ahead)
    and nothing of a visit: a branch secretary's "已阅" under the month's visits, not a visit
    missing its 卡号, 日期 and 形式."""
    return ((values.get("review_date") is not None or values.get("review_opinion") is not None)
            and all(v is None or k in _REVIEW_LINE for k, v in values.items()))


def _closes_table(value: object) -> bool:
    """合 计, 汇总, 填表人：…, 以下空白 in a column filled ahead (联系人, 村): the table's totals or
    footer line, said as such below, never an empty line of the form."""
    if value.__class__ is not str:
        return False
    text = value.strip()
    return ((("计" in text or "共" in text) and is_totals_text(text))
            or ((text[:1] in _FOOTER_START or _SIGNED(text)) and is_footer_text(text))
            or _SPACES.sub("", text).rstrip(":：") == "汇总")


def _values_of(row: list[object], items: list[tuple[str, int]]) -> dict[str, object] | None:
    """A row's values by field, text that is empty or only spaces as None; None when every
    cell is such text. A cell past the row's end, or None, is None but not blank."""
    width = len(row)
    values: dict[str, object] = {}
    filled = False
    for f, c in items:
        value = row[c] if c < width else None
        if value == "" or (value.__class__ is str and not value.strip(BLANK)):
            value = None
        else:
            filled = True
        values[f] = value
    return values if filled else None


_Builder = Callable[[list[object]], dict[str, object] | None]
_BUILDERS: dict[tuple[tuple[str, ...], tuple[int, ...]], _Builder] = {}


def _row_builder(fields: tuple[str, ...], cols: tuple[int, ...]) -> _Builder:
    """``_values_of`` for a row reaching past every column in ``cols``, generated once per
    column layout. It takes a None cell (calamine gives "" for an empty one) for blank
    text: a row it finds blank goes through ``_values_of``, which does not.

    A dict display with constant keys is built in one step and each cell is read and
    tested without a loop: twice as fast as a comprehension feeding ``dict(zip(…))``.
    ``__class__ is str``: calamine hands back plain str, float, bool and datetime types.
    The field names come from the standard's models, never from a workbook.
    """
    build = _BUILDERS.get((fields, cols))
    if build is None:
        if not all(f.isidentifier() for f in fields):
            raise ValueError(f"field names must be identifiers: {fields}")
        cells = [f"v{i}" for i in range(len(fields))]
        lines = ["def build(row):"]
        for v, c in zip(cells, cols, strict=True):
            lines.append(f"    {v} = row[{int(c)}]")
            lines.append(f"    if {v}.__class__ is str and not {v}.strip(_BLANK): {v} = None")
        lines.append(f"    if {' and '.join(f'{v} is None' for v in cells)}: return None")
        lines.append("    return {" + ", ".join(f"{f!r}: {v}" for f, v in zip(fields, cells, strict=True)) + "}")
        namespace: dict[str, _Builder] = {}
        code = compile("\n".join(lines), "<reader row builder>", "exec")  # named so in a profile
        exec(code, {"str": str, "_BLANK": BLANK}, namespace)  # noqa: S102 - code built above from field names
        if len(_BUILDERS) >= 256:  # layouts seen; a county's books share a handful
            _BUILDERS.clear()
        build = _BUILDERS[fields, cols] = namespace["build"]
    return build


def _column_of(row: list[object], cell: object) -> str:
    """The letter of the column holding ``cell`` (the very object, found in a row being set aside)."""
    return col_letter(next((i for i, x in enumerate(row) if x is cell), 0))


def _first_filled(row: list[object], begin: int = 0) -> object:
    """The row's first cell from ``begin`` on that is not blank, or None."""
    return next((x for x in row[begin:] if x != "" and x is not None and str(x).strip()), None)
