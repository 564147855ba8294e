"""The data rows of the 汇总表's long sheets, written as XML text instead of cell by cell.

A county's 汇总表 (1,000 books) holds millions of cells in its detail sheets (联户清单,
三个一, 问题, …). XlsxWriter spends several microseconds of Python on each cell (bounds
checks, a tuple per cell, every attribute escaped, every string searched three times);
writing took longer than reading and checking all the books. Here each kind of row is
compiled once into a template (``Layout``: a cell kind and a format per column, the style
ids filled in), and a row costs one ``%`` formatting, one search over its texts joined (to
escape only the rare row that needs it) and a conversion per date.

XlsxWriter still writes everything else of the sheet: titles, merged rows, header,
column widths, print setup, autofilter. The rows are collected in a temporary file while
the sheet's data is read (so a sheet reads its data once, counting as it goes, and writes
the counts above the table afterwards), then ``finish`` copies them into XlsxWriter's own
row file right after the header rows, the place where XlsxWriter would have put them.

This uses XlsxWriter's constant_memory internals, which is why pyproject.toml pins
``xlsxwriter>=3.3,<3.4`` and ``supported`` checks the version before using them:

- ``Worksheet.row_data_fh``: the temporary file a constant_memory sheet streams its
  ``<row>`` elements to, copied into ``<sheetData>`` when the workbook closes;
- ``Worksheet._write_single_row(n)``: writes out the row XlsxWriter still holds and makes
  ``n`` the next row (``previous_row``; ``table`` and ``row_info`` tell what it holds);
- ``Worksheet._check_dimensions(row, col)``: widens the used range (``<dimension ref>``);
- ``Format._get_xf_index()``: the style id a cell's ``s=""`` names (``number_styles`` assigns
  them all up front, in a fixed order);
- ``Worksheet._convert_date_time``: a date as Excel's serial number;
- ``Worksheet._write_optimized_sheet_data``: copies ``row_data_fh`` (``row_data_filename``) into the
  sheet's XML file ``fh`` at close; replaced on a sheet with fast rows by a copy as bytes
  (``_sheet_data_as_bytes``: XlsxWriter decodes and encodes the whole file again).

Cells come out as XlsxWriter writes them (``Worksheet._write_string``/``_write_cell``):
``<c r="A5" s="3" t="inlineStr"><is><t>…</t></is></c>`` for text, ``<v>`` with ``%.16G``
for numbers and dates, ``<c r="D5" s="3"/>`` for a blank with a format; text truncated to
32,767 UTF-16 units, control characters as ``_xHHHH_`` (a literal ``_xHHHH_`` as
``_x005F_xHHHH_``), ``& < >`` escaped, ``xml:space="preserve"`` for leading or trailing
white space; row heights as ``set_row`` stores them. One difference, on purpose: a text that
starts with ``<r>`` and ends with ``</r>`` is text here, where XlsxWriter copies it into the
file unescaped as rich-string XML (see ``xl_text``; ``new_workbook``'s sheets write it as
text too, as two runs). ``PlainRows`` writes the same rows through XlsxWriter's public calls:
it is the reference the tests compare with (the same bytes), and the fallback when the
internals are not there.
"""

from __future__ import annotations

import os
import pickle
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from operator import itemgetter
from types import MethodType
from typing import Any

from .guard import col_letters
from .template import text_width
from .xl_text import STRMAX, utf16_len, utf16_truncate

TESTED = ((3, 3),)  # XlsxWriter major.minor versions whose internals this module was checked against
KINDS = "sndb"  # text, number, date, blank (a formatted empty cell; the value is ignored)
CHUNK = 500  # rows joined per write to the temporary file (~0.5 MB)
ROWMAX = 1_048_576  # rows in a sheet; XlsxWriter drops cells below it: SheetRows goes on to a follow-on sheet
ROW = "\x01"  # the row number's place in a row template: never in a value written (control characters are escaped)

# anything that makes a text need more than being copied as it is (XlsxWriter's rules)
_SPECIAL = re.compile(r"[\x00-\x08\x0b-\x1f&<>\ufffe\uffff]|_x[0-9a-fA-F]{4}_|^\s|\s$")
_LITERAL = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")
_LEADING, _TRAILING = re.compile(r"^\s"), re.compile(r"\s$")


def supported(ws: Any) -> bool:
    """Whether ``ws`` is a constant_memory sheet of an XlsxWriter this module knows."""
    import xlsxwriter

    try:
        version = tuple(int(p) for p in xlsxwriter.__version__.split(".")[:2])
    except ValueError:
        return False
    return (version in TESTED and getattr(ws, "constant_memory", False)
            and getattr(ws, "row_data_fh", None) is not None
            and not getattr(ws, "row_data_fh_closed", True)
            and all(hasattr(ws, name) for name in ("_write_single_row", "_check_dimensions", "_convert_date_time",
                                                    "previous_row", "table", "row_info", "original_row_height",
                                                    "default_row_height", "_write_optimized_sheet_data",
                                                    "row_data_filename", "dim_rowmin", "_xml_start_tag",
                                                    "_xml_end_tag")))


def number_styles(formats: Iterable[Any]) -> None:
    """Give each format its style id now, in this order, instead of at its first cell.
    Fast rows name style ids before XlsxWriter has written the rows above them; with the
    ids fixed up front a workbook comes out the same, byte for byte, whichever way its
    rows are written (a format nothing uses still gets an id: a few bytes of styles.xml)."""
    for fmt in formats:
        fmt._get_xf_index()


def open_rows(ws: Any, first_row: int, last_col: int, fast: bool = True) -> FastRows | PlainRows:
    """Rows for ``ws`` from ``first_row`` (0-based) on, columns 0..``last_col``: written as XML
    when XlsxWriter allows it, else through its public calls."""
    if fast and supported(ws):
        return FastRows(ws, first_row, last_col)
    return PlainRows(ws, first_row, last_col)


# --- text, numbers and dates as XlsxWriter writes them -------------------------------------


def inline_text(text: str) -> str:
    """What follows ``<t`` for ``text``: ``>`` or `` xml:space="preserve">``, then the text escaped."""
    if len(text) > STRMAX // 2 and utf16_len(text) > STRMAX:
        text = utf16_truncate(text, STRMAX)
    if not _SPECIAL.search(text):
        return ">" + text
    text = _LITERAL.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    head = ' xml:space="preserve">' if _LEADING.search(text) or _TRAILING.search(text) else ">"
    return head + text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def number_text(value: float) -> str:
    if value != value or value in (float("inf"), float("-inf")):
        raise TypeError("NAN/INF not supported in write_number()")
    return f"{value:.16G}"


def row_height_attrs(ws: Any, height: float | None) -> str:
    """The ``<row>`` attributes ``set_row(row, height)`` gives (points, rounded to pixels)."""
    if height is None:
        return ""
    if height <= 0:
        raise ValueError("row height must be positive")
    pixels = int(height * 4.0 / 3.0 + 0.5)
    if pixels == ws.original_row_height == ws.default_row_height:
        return ""
    return f' ht="{pixels * 0.75:.16g}" customHeight="1"'


def _datetime(day: date) -> datetime:
    return day if isinstance(day, datetime) else datetime(day.year, day.month, day.day)


class Widths:
    """``template.text_width`` remembered per text (a sheet repeats its villages, names and
    results thousands of times); forgets everything past ``limit`` texts."""

    def __init__(self, limit: int = 10_000) -> None:
        self.seen: dict[str, int] = {}
        self.limit = limit

    def __call__(self, text: str) -> int:
        width = self.seen.get(text)
        if width is None:
            width = len(text) if text.isascii() else text_width(text)
            if len(self.seen) >= self.limit:
                self.seen.clear()
            self.seen[text] = width
        return width


# --- the two writers ------------------------------------------------------------------------


class Layout:
    """One kind of row: a cell kind (``KINDS``) and a format per column."""

    def __init__(self, index: int, kinds: str, formats: Sequence[Any]) -> None:
        if len(kinds) != len(formats) or set(kinds) - set(KINDS):
            raise ValueError(f"kinds {kinds!r} do not match {len(formats)} formats")
        self.index, self.kinds, self.formats = index, kinds, tuple(formats)
        self.texts = tuple(i for i, k in enumerate(kinds) if k == "s")
        self.dates = tuple(i for i, k in enumerate(kinds) if k == "d")
        self.numbers = tuple(i for i, k in enumerate(kinds) if k == "n")
        texts = self.texts
        self.pick = (itemgetter(*texts) if len(texts) > 1 else  # the row's texts, as a tuple
                     (lambda values: (values[texts[0]],)) if texts else (lambda values: ()))
        # FastRows: the row's XML for ``%``: the height attributes, then one value per cell; ROW
        # stands for the row number. ``plain`` takes texts as they are, ``general`` through ``inline_text``
        self.plain = self.general = ""


class _Rows:
    def __init__(self, ws: Any, first_row: int, last_col: int) -> None:
        self.ws, self.first, self.last_col = ws, first_row, last_col
        self.count = 0
        self.layouts: list[Layout] = []
        self._tmp = tempfile.TemporaryFile()

    def layout(self, kinds: str, formats: Sequence[Any]) -> Layout:
        """A kind of row; make each once per sheet, before the rows."""
        if len(kinds) > self.last_col + 1:
            raise ValueError("more cells than columns")
        made = Layout(len(self.layouts), kinds, formats)
        self.layouts.append(made)
        return made

    @property
    def next_row(self) -> int:
        """The 0-based row the next ``add`` writes."""
        return self.first + self.count

    @property
    def full(self) -> bool:
        """Whether the sheet has no row left (``SheetRows`` then goes on to another sheet)."""
        return self.first + self.count >= ROWMAX

    def _refuse_past_the_last_row(self) -> None:
        raise OverflowError(f"sheet full: row {self.first + self.count + 1} is past Excel's {ROWMAX}")

    def close(self) -> None:
        self._tmp.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# Texts joined by NUL go in as they are unless one holds a NUL, a character to escape, a literal
# _xHHHH_, or starts or ends with white space (XlsxWriter's rules, as in ``inline_text``), or is
# longer than a cell holds. Several plain searches: one regex with all the alternatives costs three
# times as much. ``FastRows`` asks it once for all the texts of a chunk of rows, not row by row.
_ESCAPED = re.compile(r"[\x01-\x08\x0b-\x1f&<>\ufffe\uffff]")
_SPACE_AFTER, _SPACE_BEFORE = re.compile(r"\x00\s"), re.compile(r"\s\x00")


def _as_they_are(joined: str, texts: int) -> bool:
    """Whether ``texts`` texts joined by NUL need nothing done to go into the XML."""
    return len(joined) <= STRMAX // 2 and _clean(joined, texts)


def _clean(joined: str, texts: int) -> bool:
    """``_as_they_are`` but for the length: whether no text needs escaping (and none holds a NUL)."""
    return (joined.count("\x00") == texts - 1
            and not _ESCAPED.search(joined) and not ("_x" in joined and _LITERAL.search(joined))
            and not joined[:1].isspace() and not joined[-1:].isspace()  # str.isspace is re's \s
            and not _SPACE_AFTER.search(joined) and not _SPACE_BEFORE.search(joined))


class FastRows(_Rows):
    """Rows as XML text, copied into the sheet by ``finish``.

    A row is written at once as if its texts need no escaping (almost every row); its texts,
    joined, are kept with the chunk of rows, and ``_flush`` checks them all in one go: in the rare
    chunk where some text needs more, its rows are checked one by one and those rows made again."""

    def __init__(self, ws: Any, first_row: int, last_col: int) -> None:
        super().__init__(ws, first_row, last_col)
        self._buf: list[str] = []
        self._made: list[tuple[Layout, Sequence[Any], str, int]] = []  # each row of _buf, to make it again
        self._texts: list[str] = []  # the texts of _buf's rows, each row's joined by NUL
        self._count = 0  # texts in _texts
        self._long = False  # a row of _buf whose texts may be longer than a cell holds
        self._dates: dict[date, str] = {}
        self._heights: dict[float | None, str] = {}

    def layout(self, kinds: str, formats: Sequence[Any]) -> Layout:
        made = super().layout(kinds, formats)
        plain, general = [f'<row r="{ROW}"%s>'], [f'<row r="{ROW}"%s>']
        for col, (kind, fmt) in enumerate(zip(kinds, made.formats, strict=True)):
            ref = f'<c r="{col_letters(col + 1)}{ROW}"'
            style = f' s="{fmt._get_xf_index()}"' if fmt is not None else ""
            if kind == "s":
                plain.append(f'{ref}{style} t="inlineStr"><is><t>%s</t></is></c>')
                general.append(f'{ref}{style} t="inlineStr"><is><t%s</t></is></c>')
                continue
            if kind == "n":
                cell = f"{ref}{style}><v>%.16G</v></c>"  # as XlsxWriter formats a number
            elif kind == "d":
                cell = f"{ref}{style}><v>%s</v></c>"
            else:  # a blank is written for its format only; %.0s takes its value and writes nothing
                cell = (f"{ref}{style}/>" if fmt is not None else "") + "%.0s"
            plain.append(cell)
            general.append(cell)
        made.plain = "".join(plain) + "</row>"
        made.general = "".join(general) + "</row>"
        return made

    def _date(self, day: date) -> str:
        done = self._dates.get(day)
        if done is None:
            if not isinstance(day, date):
                raise TypeError(f"not a date: {day!r}")
            serial = self.ws._convert_date_time(_datetime(day))
            done = self._dates[day] = f"{serial:.16G}"
        return done

    def add(self, layout: Layout, values: Sequence[Any], height: float | None = None) -> None:
        """The next row: one value per cell of ``layout`` (text as str, numbers as int or float,
        dates as date; a blank's value is ignored)."""
        if len(values) != len(layout.kinds):
            raise ValueError("one value per cell")
        row = self.first + self.count
        if row >= ROWMAX:  # never dropped without a word: SheetRows goes on
            self._refuse_past_the_last_row()
        ht = self._heights.get(height)
        if ht is None:
            ht = self._heights[height] = row_height_attrs(self.ws, height)
        args: Sequence[Any] = tuple(values)  # kept until _flush: the caller may reuse its list
        if layout.dates:
            args = list(values)
            dates = self._dates
            for i in layout.dates:
                day = args[i]
                args[i] = dates.get(day) or self._date(day)
        xml = layout.plain % (ht, *args)  # as if every text goes in as it is: _flush checks
        if layout.numbers and ("NAN" in xml or "INF" in xml):  # XlsxWriter refuses them; so do we
            for i in layout.numbers:
                number_text(values[i])
        self.count += 1
        self._buf.append(xml.replace(ROW, str(row + 1)))
        self._made.append((layout, args, ht, row + 1))
        if layout.texts:
            joined = "\x00".join(layout.pick(values))
            self._texts.append(joined)
            self._count += len(layout.texts)
            if len(joined) > STRMAX // 2:
                self._long = True
        if len(self._buf) >= CHUNK:
            self._flush()

    def _flush(self) -> None:
        buf = self._buf
        if not buf:
            return
        if self._long or (self._texts and not _clean("\x00".join(self._texts), self._count)):
            for at, (layout, args, ht, row) in enumerate(self._made):  # a text to escape or cut: which rows?
                if layout.texts and not _as_they_are("\x00".join(layout.pick(args)), len(layout.texts)):
                    made = list(args)
                    for i in layout.texts:
                        made[i] = inline_text(made[i])
                    buf[at] = (layout.general % (ht, *made)).replace(ROW, str(row))
        self._tmp.write("".join(buf).encode("utf-8"))
        buf.clear()
        self._made.clear()
        self._texts.clear()
        self._count, self._long = 0, False

    def finish(self) -> int:
        """Put the rows into the sheet, after everything XlsxWriter wrote above them.
        Call it once the rows above are written; write nothing into these rows afterwards."""
        self._flush()
        ws = self.ws
        if self.count:
            held = ws.previous_row
            if held > self.first or (held == self.first and (ws.table.get(held) or held in ws.row_info)):
                raise RuntimeError("XlsxWriter already holds a row where the fast rows begin")
            ws._write_single_row(self.first)  # out goes the last row XlsxWriter holds (the header)
            fh = ws.row_data_fh
            fh.flush()
            self._tmp.seek(0)
            shutil.copyfileobj(self._tmp, fh.buffer, 1 << 20)
            fh.buffer.flush()
            last = self.first + self.count - 1
            ws._check_dimensions(self.first, 0)
            ws._check_dimensions(last, self.last_col)
            ws._write_single_row(last + 1)  # XlsxWriter's next row is below ours
            ws._write_optimized_sheet_data = MethodType(_sheet_data_as_bytes, ws)  # the rows reach the sheet as bytes
        self.close()
        return self.count


def _sheet_data_as_bytes(ws: Any) -> None:
    """``Worksheet._write_optimized_sheet_data`` (how a constant_memory sheet's rows reach its XML
    file when the workbook closes), copying the row file as bytes: XlsxWriter reads it back as text,
    decoding and encoding again every byte (~200 MB in a 1,000-book 汇总表). The same bytes: the rows
    hold no carriage return (XlsxWriter and ``inline_text`` write it as ``_x000D_``), so reading as
    text changes nothing."""
    fh, rows = ws.fh, ws.row_data_fh
    if ws.dim_rowmin is None or not hasattr(fh, "buffer") or not hasattr(rows, "buffer"):
        type(ws)._write_optimized_sheet_data(ws)
        return
    ws._xml_start_tag("sheetData")
    fh.flush()
    rows.flush()
    rows.buffer.seek(0)
    shutil.copyfileobj(rows.buffer, fh.buffer, 1 << 20)
    rows.close()
    os.unlink(ws.row_data_filename)
    ws._xml_end_tag("sheetData")


class PlainRows(_Rows):
    """The same rows through XlsxWriter's public calls (kept on disk until ``finish``)."""

    def add(self, layout: Layout, values: Sequence[Any], height: float | None = None) -> None:
        if len(values) != len(layout.kinds):
            raise ValueError("one value per cell")
        if self.first + self.count >= ROWMAX:  # never dropped without a word: SheetRows goes on
            self._refuse_past_the_last_row()
        pickle.dump((layout.index, tuple(values), height), self._tmp, pickle.HIGHEST_PROTOCOL)
        self.count += 1

    def finish(self) -> int:
        ws = self.ws
        self._tmp.seek(0)
        for r in range(self.first, self.first + self.count):
            index, values, height = pickle.load(self._tmp)
            layout = self.layouts[index]
            for col, (kind, fmt, value) in enumerate(zip(layout.kinds, layout.formats, values, strict=True)):
                if kind == "s":
                    ws.write_string(r, col, value, fmt)
                elif kind == "n":
                    ws.write_number(r, col, value, fmt)
                elif kind == "d":
                    ws.write_datetime(r, col, _datetime(value), fmt)
                else:
                    ws.write_blank(r, col, None, fmt)
            if height is not None:
                ws.set_row(r, height)
        self.close()
        return self.count


def part_name(name: str, n: int) -> str:
    """The n-th sheet of a long list: 未计入, 未计入(2), … (a sheet name holds 31 characters)."""
    suffix = f"({n})" if n > 1 else ""
    return name[:31 - len(suffix)] + suffix


class SheetRows:
    """One list's rows over as many sheets as it takes, so that no row is left out: a sheet
    holds ``ROWMAX`` rows, and the rows after it go on follow-on sheets. ``follow_on(n)``
    adds sheet n (2, 3, …) right when it is needed (so it sits after the sheets before it),
    writes its title and header, and returns ``(ws, first_row)``."""

    def __init__(self, ws: Any, first_row: int, last_col: int,
                 follow_on: Callable[[int], tuple[Any, int]], fast: bool = True) -> None:
        self.last_col, self.follow_on, self.fast = last_col, follow_on, fast
        self.parts: list[FastRows | PlainRows] = [open_rows(ws, first_row, last_col, fast)]
        self._kinds: list[tuple[str, Sequence[Any]]] = []

    def layout(self, kinds: str, formats: Sequence[Any]) -> Layout:
        """A kind of row, for every sheet; make each once, before the rows."""
        if len(self.parts) > 1 or self.parts[0].count:
            raise RuntimeError("make the layouts before the rows")
        self._kinds.append((kinds, formats))
        return self.parts[0].layout(kinds, formats)

    def add(self, layout: Layout, values: Sequence[Any], height: float | None = None) -> None:
        part = self.parts[-1]
        if part.full:
            ws, first = self.follow_on(len(self.parts) + 1)
            part = open_rows(ws, first, self.last_col, self.fast)
            for kinds, formats in self._kinds:  # the same layouts, in the same order: the same indexes
                part.layout(kinds, formats)
            self.parts.append(part)
        part.add(part.layouts[layout.index], values, height)

    @property
    def count(self) -> int:
        """Rows added, on all the sheets."""
        return sum(part.count for part in self.parts)

    @property
    def sheets(self) -> list[tuple[Any, int, int]]:
        """``(ws, first_row, rows)`` of each sheet the rows are on, the first sheet first."""
        return [(part.ws, part.first, part.count) for part in self.parts]

    def finish(self) -> int:
        """Put the rows into their sheets (see ``FastRows.finish``: once the first sheet's rows
        above its table are written); return how many there are in all."""
        for part in self.parts:
            part.finish()
        return self.count

    def close(self) -> None:
        for part in self.parts:
            part.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
