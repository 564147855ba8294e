"""The report workbook for township staff (``validate --report``).

Three sheets: 按文件 (which books are clean and which need fixing), 按联系人 (whom
the branch secretary should call, and about which cells), 问题清单 (one row per
issue, with the person it belongs to). Every value a cadre typed is written as
text, never as a live formula. A list longer than an Excel sheet goes on to
问题清单(2), …, and 按文件 says where.

A problem belongs to a person precisely: one on a 联户卡 row to that card's
联系人; one on a 联户日记 row to the 联系人 of the card its 卡号 names (or, when
no card has that number, to the 联系人 typed on the diary row); one about a
file or a sheet as a whole to the file's only linker, or to the file when
several people's cards are in it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from . import fast_rows
from .atomic import write_atomic
from .issues import MOVE_OUT, Issue, Report, severity_zh
from .standard import CARD_SHEET, DIARY_SHEET
from .summary import headline
from .xl_text import new_workbook

if TYPE_CHECKING:
    from .validate import Validation

FAST_ROWS = True  # 问题清单's rows as XML text (fast_rows); False: cell by cell through XlsxWriter
NO_NAME = "（联系人未填）"
NO_CARD = "（卡号找不到联户卡）"
WHOLE_FILE = "（整个文件）"
MAX_PLACES = 12
T = TypeVar("T")


@dataclass(slots=True)
class Person:
    """One linker's share of one file: rows, problems, and where they are."""

    name: str
    file: str
    village: str = ""
    cards: int = 0
    diaries: int = 0
    errors: int = 0
    warnings: int = 0
    places: list[str] = field(default_factory=list)  # the first MAX_PLACES of them
    place_count: int = 0

    def add_place(self, place: str) -> None:
        """A cell to correct: the first few are said, the rest counted (a book of 600 kept none)."""
        self.place_count += 1
        if len(self.places) < MAX_PLACES:
            self.places.append(place)

    @property
    def status(self) -> str:
        return "需改正" if self.errors else "请核对警告" if self.warnings else "通过"


@dataclass(slots=True)
class Attribution:
    """Who each issue belongs to, and everyone's share per file."""

    fallback: dict[str, str] = field(default_factory=dict)  # file -> whom its other issues go to
    people: dict[tuple[str, str], Person] = field(default_factory=dict)  # (name, file) -> Person
    by_file: dict[str, list[str]] = field(default_factory=dict)  # file -> linker names
    # (sheet, row) -> linker of the rows with an issue, one file at a time: a county's run has
    # 600,000 issues, whose rows all held cost more than the rest of the run (issues come in file order)
    rows_of: Callable[[str, list[Issue] | None], dict[tuple[str, int], str]] | None = None
    _file: str | None = None
    _at: dict[tuple[str, int], str] = field(default_factory=dict)

    def load(self, file: str, issues: list[Issue] | None = None) -> None:
        """Look up the rows of ``file``'s ``issues`` (None: all of the file's), for ``owner_of``."""
        self._file, self._at = file, self.rows_of(file, issues) if self.rows_of is not None else {}

    def owner_of(self, issue: Issue) -> str:
        """The linker whose row the issue is on; else the file's only linker, or the whole file.
        Found again from the issue each time (a run's issues kept in a file are new objects each
        time they are read: never keyed by ``id``)."""
        if issue.file != self._file:
            self.load(issue.file)
        name = self._at.get((issue.sheet or "", issue.row or 0))
        if name is None:
            name = self.fallback.get(issue.file)
            if name is None:
                names = [n for n in self.by_file.get(issue.file, []) if n not in (NO_NAME, NO_CARD)]
                name = self.fallback[issue.file] = names[0] if len(names) == 1 else WHOLE_FILE
        return name

    def person(self, name: str, file: str) -> Person:
        key = (name, file)
        if key not in self.people:
            self.people[key] = Person(name, file)
            names = self.by_file.setdefault(file, [])
            if name not in names:
                names.append(name)
        return self.people[key]


def attribute(validation: Validation) -> Attribution:
    """Give every issue of the validation to the person whose row it is on (read from the
    run's store one sheet at a time: only the rows with an issue are looked up, a file at a time)."""
    out = Attribution()
    store = validation.store
    store.index_sheets()
    store.query("CREATE TEMP TABLE IF NOT EXISTS owner (card_no TEXT PRIMARY KEY, linker TEXT, village TEXT)")
    store.query("DELETE FROM owner")
    store.query("INSERT OR IGNORE INTO owner SELECT t.card_no, t.linker, coalesce(t.village, '') FROM card t "
                "JOIN sheet s ON s.id = t.sheet WHERE t.card_no IS NOT NULL AND t.card_no <> '' "
                "AND t.linker IS NOT NULL AND t.linker <> '' ORDER BY t.rejected, s.file, s.name, t.row")
    sheets: dict[str, list[tuple[int, str, str]]] = {}
    for sid, file, name, kind in store.query("SELECT id, file, name, kind FROM sheet ORDER BY id"):
        sheets.setdefault(file, []).append((sid, name, kind))
    # per sheet: each person's row count and first village, in the order they first appear
    # (GROUP BY in SQLite: a county's report need not walk 650,000 rows in Python)
    rows_sql = {
        CARD_SHEET: ("SELECT t.row AS row, coalesce(nullif(t.linker, ''), ?) AS who, coalesce(t.village, '') AS v "
                     "FROM card t WHERE t.sheet = ?", NO_NAME),
        DIARY_SHEET: ("SELECT t.row AS row, coalesce(o.linker, nullif(t.linker, ''), ?) AS who, "
                      "coalesce(o.village, '') AS v FROM diary t LEFT JOIN owner o ON o.card_no = t.card_no "
                      "WHERE t.sheet = ?", NO_CARD),
    }
    for book in validation.books:
        file = book.summary.file
        ordered = sorted(sheets.get(file, ()), key=lambda x: x[2] != CARD_SHEET)  # cards first
        for sid, _, kind in ordered:
            sql, missing = rows_sql[kind]
            for name, count, village in store.query(
                    f"SELECT who, count(*), coalesce(substr(min(CASE WHEN v <> '' THEN printf('%010d', row) || v "
                    f"END), 11), '') FROM ({sql}) GROUP BY who ORDER BY min(row)", (missing, sid)):
                p = out.person(name, file)
                p.village = p.village or village
                if kind == CARD_SHEET:
                    p.cards += count
                else:
                    p.diaries += count

    def rows_of(file: str, issues: list[Issue] | None) -> dict[tuple[str, int], str]:
        wanted: dict[str, set[int]] = {}  # the file's rows with an issue, by sheet
        for i in validation.report.issues.of_file(file) if issues is None else issues:
            if i.row is not None and i.sheet:
                wanted.setdefault(i.sheet, set()).add(i.row)
        at: dict[tuple[str, int], str] = {}
        for sid, sheet, kind in sheets.get(file, ()):
            sql, missing = rows_sql[kind]
            for row, name in store.query_in(f"SELECT row, who FROM ({sql}) WHERE row IN ({{}})", (missing, sid),
                                            sorted(wanted.get(sheet, ()))):
                at[(sheet, row)] = name
        return at

    out.rows_of = rows_of
    for file, issues in by_file(validation.report.issues):
        out.load(file, issues)
        for issue in issues:
            if issue.severity not in ("error", "warning"):
                continue
            p = out.person(out.owner_of(issue), file)
            if issue.severity == "error":
                p.errors += 1
                if issue.where:
                    p.add_place(issue.where)
            else:
                p.warnings += 1
    return out


def by_file(issues: Iterable[Issue]) -> Iterator[tuple[str, list[Issue]]]:
    """The issues a file at a time, as they come (a report's are in file order: each file once)."""
    for file, same in groupby(issues, key=attrgetter("file")):
        yield file, list(same)


def write_report(report: Report, path: Path, linkers: dict[str, str] | None = None, *,
                 validation: Validation | None = None) -> Path:
    """Write the report. With ``validation``, problems are given to the people they
    belong to; ``linkers`` (file -> names) is the coarse fallback without it."""
    who = attribute(validation) if validation is not None else None
    return write_atomic(path, lambda tmp: _write(report, tmp, linkers or {}, who))


def _write(report: Report, tmp: Path, linkers: dict[str, str], who: Attribution | None) -> None:
    # constant_memory: rows are flushed as written (all sheets are written top to bottom),
    # so a report of a county's thousands of issues stays small in memory
    wb = new_workbook(tmp, constant_memory=True)
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    red = wb.add_format({"bg_color": "#F8CBAD"})
    yellow = wb.add_format({"bg_color": "#FFF2CC"})
    green = wb.add_format({"bg_color": "#E2EFDA"})
    title = wb.add_format({"bold": True, "font_size": 14})
    fast_rows.number_styles((head, wrap, red, yellow, green, title))  # the same file whichever way rows go in

    def names_in(file: str) -> str:
        if who is not None:
            return "、".join(n for n in who.by_file.get(file, []) if not n.startswith("（"))
        return linkers.get(file, "")

    # --- 按文件: which books are clean, which need fixing ---------------------------
    ws = wb.add_worksheet("按文件")
    ws.write_string(0, 0, "校验结果：" + headline(report), title)
    need = {id(f) for f in report.files if (f.errors and f.status != MOVE_OUT) or f.kind == "unreadable"}
    moved = {f.file for f in report.files if f.status == MOVE_OUT}  # corrected in a newer book: moved out, not fixed
    people = list(who.people.values()) if who is not None else _coarse_people(report, linkers)
    ws.write_string(1, 0, f"需要退回改正的文件 {len(need)} 个，排在前面；"
                          "“联系人”一栏是文件里联户卡和日记所属的人。"
                          + _continued("按联系人", len(people)) + _continued("问题清单", len(report.issues)))
    cols = ["文件", "状态", "错误数", "警告数", "联系人", "联户卡行数", "联户日记行数", "计入行数",
            "未计入行数", "说明"]
    ws.write_row(3, 0, cols, head)
    order = sorted(report.files, key=lambda f: (0 if id(f) in need else 1 if f.warnings else 2, f.file))
    for sheet, r, f in _spread(wb, ws, 4, cols, head, order):
        fmt = red if id(f) in need else yellow if f.warnings else green
        _tall(sheet, r, (names_in(f.file), FILE_WIDTHS[4]), (f.why, FILE_WIDTHS[9]))
        sheet.write_string(r, 0, f.file)
        sheet.write_string(r, 1, f.status, fmt)
        sheet.write_number(r, 2, f.errors)
        sheet.write_number(r, 3, f.warnings)
        sheet.write_string(r, 4, names_in(f.file), wrap)
        sheet.write_number(r, 5, f.card_rows)
        sheet.write_number(r, 6, f.diary_rows)
        sheet.write_number(r, 7, f.counted)
        sheet.write_number(r, 8, f.excluded)
        sheet.write_string(r, 9, f.why, wrap)
    _finish(wb, "按文件", FILE_WIDTHS, 3, len(cols) - 1)

    # --- 按联系人: whom to call ---------------------------------------------------------
    ws = wb.add_worksheet("按联系人")
    cols = ["联系人", "村", "文件", "联户卡", "日记", "错误数", "警告数", "状态", "要改正的单元格"]
    ws.write_row(0, 0, cols, head)
    people.sort(key=lambda p: (0 if p.errors and p.file not in moved else 1 if p.errors or p.warnings else 2,
                               p.name, p.file))
    for sheet, r, p in _spread(wb, ws, 1, cols, head, people):
        calls = p.errors and p.file not in moved  # a cadre to call (the errors of a moved book are fixed)
        _tall(sheet, r, (_places(p), PEOPLE_WIDTHS[8]))
        sheet.write_string(r, 0, p.name)
        sheet.write_string(r, 1, p.village)
        sheet.write_string(r, 2, p.file)
        sheet.write_number(r, 3, p.cards)
        sheet.write_number(r, 4, p.diaries)
        sheet.write_number(r, 5, p.errors)
        sheet.write_number(r, 6, p.warnings)
        sheet.write_string(r, 7, MOVE_OUT if p.file in moved else p.status,
                           red if calls else yellow if p.errors or p.warnings else green)
        sheet.write_string(r, 8, _places(p), wrap)
    _finish(wb, "按联系人", PEOPLE_WIDTHS, 0, len(cols) - 1)

    # --- 问题清单: every issue ------------------------------------------------------------
    # one row an issue: a county's run has hundreds of thousands, written as XML text
    # (fast_rows; cell by cell through XlsxWriter they took longer than reading the books)
    ws = wb.add_worksheet("问题清单")
    cols = ["文件", "联系人", "工作表", "单元格", "列", "填写内容", "级别", "代码", "说明"]
    ws.write_row(0, 0, cols, head)

    def follow_on(n: int) -> tuple[Any, int]:
        more = wb.add_worksheet(fast_rows.part_name("问题清单", n))
        more.write_row(0, 0, cols, head)
        return more, 1

    with fast_rows.SheetRows(ws, 1, len(cols) - 1, follow_on, fast=FAST_ROWS) as rows:
        kinds = "s" * len(cols)
        by_severity = {sev: rows.layout(kinds, (*[None] * 6, fmt, None, wrap))
                       for sev, fmt in (("error", red), ("warning", yellow), ("notice", None))}
        for file, issues in by_file(report.issues):
            if who is not None:
                who.load(file, issues)
            for i in issues:
                owner = who.owner_of(i) if who is not None and i.severity in ("error", "warning") else ""
                rows.add(by_severity.get(i.severity, by_severity["notice"]),
                         (i.file, owner or "", i.sheet or "", i.cell or "", i.column or "", i.value or "",
                          severity_zh(i.severity), i.code, i.message),
                         _height((i.message, ISSUE_WIDTHS[8])))
        rows.finish()
    _finish(wb, "问题清单", ISSUE_WIDTHS, 0, len(cols) - 1)
    wb.close()


FILE_WIDTHS = [36, 10, 8, 8, 24, 10, 12, 10, 10, 60]
PEOPLE_WIDTHS = [14, 10, 32, 7, 7, 8, 8, 10, 60]
ISSUE_WIDTHS = [30, 12, 10, 8, 14, 18, 6, 18, 70]
LINE_HEIGHT = 15  # points, one line of the default 11-point font


def _tall(sheet, r: int, *texts: tuple[str, int]) -> None:
    """Give row ``r`` the height its wrapped texts need (``_height``). Set before the row's
    cells are written (constant_memory)."""
    height = _height(*texts)
    if height is not None:
        sheet.set_row(r, height)


def _height(*texts: tuple[str, int]) -> float | None:
    """The height a row's wrapped texts need (text, column width), None for one line: XlsxWriter
    cannot measure, and WPS and LibreOffice keep the stored height, so a 说明 of three lines showed
    and printed as one, cut off or written over the next row. A Chinese character is two columns
    wide: its UTF-8 is three bytes."""
    lines = 1
    for text, width in texts:
        if text:
            units = (len(text.encode("utf-8")) + len(text)) // 2
            lines = max(lines, -(-units // max(width - 2, 1)) + text.count("\n"))
    return LINE_HEIGHT * lines if lines > 1 else None


def _coarse_people(report: Report, linkers: dict[str, str]) -> list[Person]:
    """Without the validation: each file's problems go to its first listed linker."""
    out: dict[tuple[str, str], Person] = {}
    for f in report.files:
        names = (linkers.get(f.file) or WHOLE_FILE).split("、")
        for name in names:
            out.setdefault((name, f.file), Person(name, f.file))
    for issue in report.issues:
        name = (linkers.get(issue.file) or WHOLE_FILE).split("、")[0]
        p = out.setdefault((name, issue.file), Person(name, issue.file))
        if issue.severity == "error":
            p.errors += 1
            if issue.where:
                p.add_place(issue.where)
        elif issue.severity == "warning":
            p.warnings += 1
    return list(out.values())


def _places(p: Person) -> str:
    shown = "、".join(p.places[:MAX_PLACES])
    return shown + (f" 等 {p.place_count} 处" if p.place_count > MAX_PLACES else "")


def _spread(wb, ws, first_row: int, cols: list[str], head, items: Iterable[T]) -> Iterator[tuple[Any, int, T]]:
    """Each item with the sheet and row it goes on. Past Excel's last row (fast_rows.ROWMAX)
    the list goes on to “名称(2)”, “名称(3)”, … right after it, with the header on row 1:
    no row is left out."""
    name, r, n = ws.name, first_row, 1
    for item in items:
        if r >= fast_rows.ROWMAX:
            n += 1
            ws = wb.add_worksheet(fast_rows.part_name(name, n))
            ws.write_row(0, 0, cols, head)
            r = 1
        yield ws, r, item
        r += 1


def _continued(name: str, rows: int, first_row: int = 1) -> str:
    """Words for the 按文件 sheet's line when a list (header on row 1) needs more than one sheet."""
    fit = fast_rows.ROWMAX - first_row
    if rows <= fit:
        return ""
    more = -(-(rows - fit) // (fast_rows.ROWMAX - 1))
    names = "、".join(f"“{fast_rows.part_name(name, n)}”" for n in range(2, more + 2))
    return (f"“{name}”共 {rows:,} 行，Excel 一张表最多 {fast_rows.ROWMAX:,} 行，"
            f"前 {fit:,} 行在“{name}”表，其余接在{names}表。")


def _finish(wb, name: str, widths: list[int], header_row: int, last_col: int) -> None:
    """Columns, filter and print setup of every sheet of the list ``name`` (a follow-on
    sheet's header is on row 1)."""
    n = 1
    while (ws := wb.get_worksheet_by_name(fast_rows.part_name(name, n))) is not None:
        header_row = header_row if n == 1 else 0
        for c, w in enumerate(widths):
            ws.set_column(c, c, w)
        ws.freeze_panes(header_row + 1, 0)
        ws.autofilter(header_row, 0, header_row, last_col)
        ws.set_paper(9)
        ws.set_landscape()
        ws.repeat_rows(header_row)
        ws.fit_to_pages(1, 0)
        n += 1
