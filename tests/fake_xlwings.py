"""An in-memory stand-in for the parts of xlwings the console's buttons use.

It behaves like desktop xlwings on Windows where it matters for lianhu_xl.xl:
- reading: whole numbers come back as floats, dates as datetimes, empty cells
  as None; one cell gives a scalar, one row or one column a flat list, more a
  list of rows (xlwings' default conversion);
- writing: a list of rows fills from the top-left cell; a string is parsed the
  way Excel parses typed input ("3000" becomes 3000.0, "2010-9-6" a date,
  "=..." a formula) unless it starts with an apostrophe, which keeps the rest as
  text; ints become floats;
- ``expand()`` grows the range right and down to the first empty cell,
  ``sheets.add(name, after=)``, ``sheet.clear()``, ``Book.caller()`` (which,
  like the real one outside Excel, fails when no caller was set);
- ``app.alert`` records the message boxes instead of showing them.

Install it with ``monkeypatch.setitem(sys.modules, "xlwings", fake_xlwings)``.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

_caller: Book | None = None


class XlwingsError(Exception):
    pass


def _col_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _parse_address(address: str) -> tuple[int, int, int, int]:
    parts = address.replace("$", "").split(":")
    cells = []
    for p in parts:
        m = re.fullmatch(r"([A-Za-z]+)(\d+)", p)
        if not m:
            raise ValueError(f"bad address {address!r}")
        cells.append((int(m.group(2)), _col_number(m.group(1))))
    (r1, c1), (r2, c2) = cells[0], cells[-1]
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_DATE = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$")


class Formula(str):
    """A cell Excel turned into a formula (what must never happen to typed text)."""


def _as_excel_stores(value: object) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        if value.startswith("'"):
            return value[1:]  # the apostrophe prefix: text as typed
        if value.startswith("="):
            return Formula(value)
        if _NUMBER.match(value.strip()):
            return float(value)
        m = _DATE.match(value.strip())
        if m:
            return dt.datetime(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return value
    raise TypeError(f"xlwings cannot write {type(value).__name__}")


class Font:
    def __init__(self, rng: Range) -> None:
        self._rng = rng

    @property
    def bold(self) -> bool:
        return all(self._rng.sheet.bold.get(rc, False) for rc in self._rng._cells())

    @bold.setter
    def bold(self, value: bool) -> None:
        for rc in self._rng._cells():
            self._rng.sheet.bold[rc] = bool(value)


class Range:
    def __init__(self, sheet: Sheet, r1: int, c1: int, r2: int, c2: int) -> None:
        self.sheet, self.row, self.column = sheet, r1, c1
        self.last_row, self.last_column = r2, c2

    def _cells(self):
        for r in range(self.row, self.last_row + 1):
            for c in range(self.column, self.last_column + 1):
                yield (r, c)

    @property
    def shape(self) -> tuple[int, int]:
        return (self.last_row - self.row + 1, self.last_column - self.column + 1)

    @property
    def address(self) -> str:
        def a(r: int, c: int) -> str:
            letters = ""
            while c:
                c, rem = divmod(c - 1, 26)
                letters = chr(65 + rem) + letters
            return f"${letters}${r}"

        first, last = a(self.row, self.column), a(self.last_row, self.last_column)
        return first if first == last else f"{first}:{last}"

    @property
    def value(self):
        rows = [[self.sheet.cells.get((r, c)) for c in range(self.column, self.last_column + 1)]
                for r in range(self.row, self.last_row + 1)]
        nrows, ncols = self.shape
        if nrows == 1 and ncols == 1:
            return rows[0][0]
        if nrows == 1:
            return rows[0]
        if ncols == 1:
            return [r[0] for r in rows]
        return rows

    @value.setter
    def value(self, data) -> None:
        if isinstance(data, list | tuple):
            rows = [list(r) if isinstance(r, list | tuple) else [r] for r in data] \
                if data and isinstance(data[0], list | tuple) else [list(data)]
        else:
            rows = [[data]]
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                self.sheet._set(self.row + i, self.column + j, v)

    @property
    def formula(self):
        v = self.sheet.cells.get((self.row, self.column))
        return v if isinstance(v, Formula) else None

    @property
    def font(self) -> Font:
        return Font(self)

    @property
    def number_format(self) -> str:
        return self.sheet.formats.get((self.row, self.column), "General")

    @number_format.setter
    def number_format(self, fmt: str) -> None:
        for rc in self._cells():
            self.sheet.formats[rc] = fmt

    def expand(self, mode: str = "table") -> Range:
        r2, c2 = self.last_row, self.last_column
        if mode in ("table", "right", "r"):
            while self.sheet.cells.get((self.row, c2 + 1)) is not None:
                c2 += 1
        if mode in ("table", "down", "d"):
            while self.sheet.cells.get((r2 + 1, self.column)) is not None:
                r2 += 1
        return Range(self.sheet, self.row, self.column, r2, c2)

    def resize(self, row_size: int | None = None, column_size: int | None = None) -> Range:
        nrows, ncols = self.shape
        return Range(self.sheet, self.row, self.column, self.row + (row_size or nrows) - 1,
                     self.column + (column_size or ncols) - 1)

    def clear_contents(self) -> None:
        for rc in list(self._cells()):
            self.sheet.cells.pop(rc, None)


class Sheet:
    def __init__(self, book: Book, name: str) -> None:
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], object] = {}
        self.bold: dict[tuple[int, int], bool] = {}
        self.formats: dict[tuple[int, int], str] = {}
        self.autofitted = 0
        self.visible = True

    def _set(self, r: int, c: int, value: object) -> None:
        stored = _as_excel_stores(value)
        if stored is None:
            self.cells.pop((r, c), None)
        else:
            self.cells[(r, c)] = stored

    def __getitem__(self, address: str) -> Range:
        return Range(self, *_parse_address(address))

    def range(self, first, last=None) -> Range:
        if isinstance(first, str):
            r1, c1, r2, c2 = _parse_address(first)
        else:
            r1, c1 = first
            r2, c2 = last if last is not None else first
        if last is not None and isinstance(last, str):
            r2, c2 = _parse_address(last)[2:]
        return Range(self, r1, c1, r2, c2)

    @property
    def used_range(self) -> Range:
        if not self.cells:
            return Range(self, 1, 1, 1, 1)
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return Range(self, 1, 1, max(rows), max(cols))

    def clear(self) -> None:
        self.cells.clear()
        self.bold.clear()
        self.formats.clear()

    def clear_contents(self) -> None:
        self.cells.clear()

    def autofit(self, axis: str | None = None) -> None:
        self.autofitted += 1

    def activate(self) -> None:
        self.book.active = self


class Sheets:
    def __init__(self, book: Book) -> None:
        self.book = book
        self._list: list[Sheet] = []

    def __getitem__(self, key) -> Sheet:
        if isinstance(key, int):
            return self._list[key]
        for s in self._list:
            if s.name.lower() == key.lower():
                return s
        raise KeyError(key)  # real xlwings raises a COM error; either way: not there

    def __iter__(self):
        return iter(list(self._list))

    def __len__(self) -> int:
        return len(self._list)

    def add(self, name: str | None = None, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        name = name or f"Sheet{len(self._list) + 1}"
        if any(s.name.lower() == name.lower() for s in self._list):
            raise ValueError(f"Sheet named '{name}' already present in workbook")
        sheet = Sheet(self.book, name)
        if after is not None:
            self._list.insert(self._list.index(after) + 1, sheet)
        elif before is not None:
            self._list.insert(self._list.index(before), sheet)
        else:
            self._list.insert(0, sheet)  # like Excel: a new sheet goes before the active one
        return sheet


class App:
    def __init__(self) -> None:
        self.alerts: list[dict[str, object]] = []

    def alert(self, prompt: str, title: str | None = None, buttons: str = "ok", mode: str | None = None,
              callback: str | None = None) -> str:
        self.alerts.append({"prompt": prompt, "title": title, "buttons": buttons, "mode": mode})
        return "ok"


class Book:
    def __init__(self, fullname: str | Path | None = None) -> None:
        self.fullname = str(fullname or "Book1")
        self.name = Path(self.fullname).name
        self.sheets = Sheets(self)
        self.app = App()
        self.active: Sheet | None = None

    @classmethod
    def caller(cls) -> Book:
        if _caller is None:
            raise XlwingsError("Book.caller() must not be called directly. Call through Excel or set a "
                               "mock caller with Book.set_mock_caller().")
        return _caller

    def set_mock_caller(self) -> None:
        global _caller
        _caller = self

    @classmethod
    def from_xlsx(cls, path: Path) -> Book:
        """The workbook's cell values as Excel would hand them to xlwings (openpyxl reads the file)."""
        import openpyxl

        wb = openpyxl.load_workbook(path, data_only=True)
        book = cls(path)
        for ws in wb.worksheets:
            sheet = Sheet(book, ws.title)
            sheet.visible = ws.sheet_state == "visible"
            for row in ws.iter_rows():
                for cell in row:
                    if cell.value is not None and cell.value != "":
                        v = cell.value
                        if isinstance(v, str):
                            v = "'" + v  # the file's text stays text
                        sheet._set(cell.row, cell.column, v)
            book.sheets._list.append(sheet)
        return book


def reset() -> None:
    global _caller
    _caller = None
