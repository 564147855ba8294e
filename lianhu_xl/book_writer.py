"""Write a filled standard workbook (联户带创登记簿) in the template's layout.

``lianhu merge`` writes the branch's merged book with it and ``lianhu demo``
writes the demo township's books. XlsxWriter writes shared strings and cached
formula values the way Excel and WPS do, so these books read like the ones
clerks send in. The layout is the template's: a title row, a note row, the
header (required columns marked), dropdowns on the choice columns, a frozen
header and an A4 print setup.

Rows come either as models (``CardRow``/``DiaryRow``: written in the standard's
plain form, dates as real dates) or as mappings from field name to the cell
value exactly as a person typed it (``"2010年9月6日"``, ``"3000元"``, ``"√"``),
which the demo uses to show the reader coping with real typing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import fast_rows
from .atomic import write_atomic
from .errors import LianhuError
from .standard import (
    STANDARD_VERSION,
    CardRow,
    DiaryRow,
    StandardRow,
    columns_of,
)
from .template import (
    HEADER_ROW,
    NOTES,
    TITLES,
    _cell_format,
    _guide,
    _styles,
    _validation,
    print_a4,
)
from .xl_text import new_workbook

Row = StandardRow | Mapping[str, object]
SPARE_ROWS = 50  # empty, formatted rows below the data, so the book can be added to
# columns that never leave a cadre's own book unmasked (see issues.PERSONAL_COLUMNS)
PERSONAL_FIELDS = ("id_number", "phone")


@dataclass(slots=True)
class SheetSpec:
    """Optional touches to one sheet, the way a clerk arranges it."""

    title: str | None = None  # None: the template's title
    note: str | None = None  # None: the template's note; "" leaves the note row out
    totals_row: bool = False  # a 合计 row a clerk added under the data (SUM formulas)
    omit: tuple[str, ...] = ()  # field names whose columns are left out
    order: tuple[str, ...] = ()  # field names in the order wanted; others follow


@dataclass(slots=True)
class BookSpec:
    cards: SheetSpec = field(default_factory=SheetSpec)
    diaries: SheetSpec = field(default_factory=SheetSpec)
    guide: bool = False  # add the template's 填表说明 sheet, as a book filled from the template has
    dropdowns: bool = True  # the template's dropdowns and checks on the data rows
    properties: dict[str, str] = field(default_factory=dict)  # extra custom document properties
    created: dt.datetime = dt.datetime(2010, 1, 1)


def cells_of(model: StandardRow) -> dict[str, object]:
    """A parsed row as plain cell values: dates as dates, 是/否, services joined by 、."""
    out: dict[str, object] = {}
    for col in columns_of(type(model)):
        value = getattr(model, col.name)
        if value is None or value == () or value == "":
            continue
        if isinstance(value, bool):
            value = "是" if value else "否"
        elif isinstance(value, tuple):
            value = "、".join(value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        out[col.name] = value
    return out


def write_book(path: Path, cards: Iterable[Row] | None, diaries: Iterable[Row] | None,
               spec: BookSpec | None = None) -> Path:
    """Write the workbook atomically; ``None`` for a sheet leaves the sheet out."""
    spec = spec or BookSpec()
    card_rows = None if cards is None else [_as_cells(r) for r in cards]
    diary_rows = None if diaries is None else [_as_cells(r) for r in diaries]
    return write_atomic(Path(path), lambda tmp: _write(tmp, card_rows, diary_rows, spec))


def _as_cells(row: Row) -> Mapping[str, object]:
    return cells_of(row) if isinstance(row, StandardRow) else row


def _write(tmp: Path, cards: list[Mapping[str, object]] | None,
           diaries: list[Mapping[str, object]] | None, spec: BookSpec) -> None:
    wb = new_workbook(tmp)
    wb.set_properties({"title": "联户带创登记簿", "subject": f"联户带创登记簿 标准第{STANDARD_VERSION}版",
                       "author": "lianhu_xl", "company": "", "created": spec.created})
    wb.set_custom_property("lianhu_standard", STANDARD_VERSION)
    for name, value in spec.properties.items():
        wb.set_custom_property(name, value)
    styles = _styles(wb)
    styles["date_text"] = styles["text"]
    styles["total"] = wb.add_format({"font_name": "宋体", "font_size": 11, "bold": True, "border": 1,
                                     "num_format": "#,##0.##", "bg_color": "#F2F2F2"})
    if spec.guide:
        _guide(wb, styles)
    first_data = None
    for model, rows, sheet_spec in ((CardRow, cards, spec.cards), (DiaryRow, diaries, spec.diaries)):
        if rows is None:
            continue
        ws = _sheet(wb, styles, model, rows, sheet_spec, spec.dropdowns)
        first_data = first_data or ws
    if first_data is not None:
        first_data.activate()
    wb.close()


def column_letters(model: type[StandardRow], spec: SheetSpec | None = None) -> dict[str, str]:
    """Field name -> the column letter it is written in, for this sheet's layout."""
    from .reader import col_letter

    return {c.name: col_letter(i) for i, c in enumerate(_ordered(model, spec or SheetSpec()))}


def header_row(spec: SheetSpec | None = None) -> int:
    """The sheet row (1-based) of the header: under the title, and the note unless left out."""
    spec = spec or SheetSpec()
    return HEADER_ROW + 1 if spec.note != "" else HEADER_ROW


def _ordered(model: type[StandardRow], spec: SheetSpec):
    cols = [c for c in columns_of(model) if c.name not in spec.omit]
    if not spec.order:
        return cols
    rank = {name: i for i, name in enumerate(spec.order)}
    return sorted(cols, key=lambda c: rank.get(c.name, len(rank)))


def _sheet(wb, styles: dict, model: type[StandardRow], rows: list[Mapping[str, object]],
           spec: SheetSpec, dropdowns: bool):
    sheet = model.SHEET
    cols = _ordered(model, spec)
    ws = wb.add_worksheet(sheet)
    last = len(cols) - 1
    ws.merge_range(0, 0, 0, last, spec.title or TITLES[sheet], styles["title"])
    ws.set_row(0, 28)
    header = header_row(spec) - 1  # 0-based
    note = NOTES[sheet] + f"（标准第{STANDARD_VERSION}版）" if spec.note is None else spec.note
    if note:
        ws.merge_range(1, 0, 1, last, note, styles["note"])
    ws.set_row(header, 36)
    for c, col in enumerate(cols):
        ws.write_string(header, c, col.label, styles["required" if col.required else "header"])
        ws.set_column(c, c, col.width, _cell_format(styles, col))
    first = header + 1
    needed = first + len(rows) + (1 if spec.totals_row and rows else 0)
    if needed > fast_rows.ROWMAX:  # XlsxWriter would leave the rest out without a word
        raise LianhuError(f"“{sheet}”有 {len(rows):,} 行，一张 Excel 表放不下（最多 {fast_rows.ROWMAX:,} 行），"
                          "没有写出这个文件。请分村或分几次合并，每次少一些文件。")
    for r, row in enumerate(rows, start=first):
        for c, col in enumerate(cols):
            value = row.get(col.name)
            if value is not None:
                _write_cell(ws, r, c, value, col.kind, styles)
    end = first + len(rows)
    if spec.totals_row and rows:
        _totals_row(ws, end, cols, rows, first, styles)
        end += 1
    last_row = min(end + SPARE_ROWS, fast_rows.ROWMAX - 1)
    for c, col in enumerate(cols):
        validation = _validation(col, None) if dropdowns else None
        if validation and validation.get("validate") != "any":
            ws.data_validation(first, c, last_row, c, validation)
    ws.freeze_panes(header + 1, 1)
    ws.autofilter(header, 0, max(header, end - 1), last)
    print_a4(ws, header)
    return ws


def _write_cell(ws, r: int, c: int, value: object, kind: str, styles: dict) -> None:
    """Strings stay strings (never formulas), dates are real dates, numbers numbers."""
    if isinstance(value, str):
        ws.write_string(r, c, value, styles["text"] if kind != "date" else styles["date_text"])
    elif isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否", styles["cell"])
    elif isinstance(value, dt.datetime | dt.date):
        when = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
        ws.write_datetime(r, c, when, styles["date"])
    elif isinstance(value, int | float):
        ws.write_number(r, c, value, styles["number"] if kind in ("number", "whole") else styles["cell"])
    else:
        ws.write_string(r, c, str(value), styles["text"])


def _totals_row(ws, r: int, cols, rows: list[Mapping[str, object]], first: int, styles: dict) -> None:
    """A 合计 row as a clerk adds one: SUM formulas over the number columns, with their values."""
    from .reader import col_letter
    from .values import parse_number

    ws.write_string(r, 0, "合计", styles["total"])
    for c, col in enumerate(cols):
        if c == 0 or col.kind not in ("number", "whole"):
            continue
        total = 0.0
        for row in rows:
            try:
                total += parse_number(row.get(col.name)) or 0.0
            except ValueError:
                pass
        letter = col_letter(c)
        ws.write_formula(r, c, f"=SUM({letter}{first + 1}:{letter}{r})", styles["total"],
                         int(total) if total.is_integer() else total)
