"""Typed text into an XlsxWriter cell exactly as typed.

XlsxWriter copies a string that starts with ``<r>`` and ends with ``</r>`` into the
file unescaped, as rich-string XML, whatever ``strings_to_formulas`` says: a cadre's
typed text could add cells, formulas included, or leave a file Excel cannot open.
Every workbook lianhu_xl writes with XlsxWriter is made by ``new_workbook``, whose
sheets (``TextWorksheet``) write such a text as text, whichever call puts it there
(``write_string``, ``write``, ``write_row``/``write_column``, ``merge_range``, a table's
cells or a link's text all end in ``Worksheet._write_string``). The writers call
``ws.write_string`` as usual and cannot forget.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

STRMAX = 32767  # Excel's limit for a cell's text, in UTF-16 units


def text_width(text: str) -> int:
    """Columns ``text`` takes, in Excel and on a terminal alike: a Chinese character two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
# user-typed text is a string, never a formula, a number or a link (the project's rule)
TEXT_ONLY = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_truncate(text: str, limit: int) -> str:
    """At most ``limit`` UTF-16 units, never half a character above U+FFFF."""
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > limit:
            return text[:index]
    return text


def looks_rich(text: str) -> bool:
    """Whether XlsxWriter would copy ``text`` into the file as rich-string XML."""
    return text.startswith("<r>") and text.endswith("</r>")


@cache
def _workbook_class() -> type:
    """``TextWorkbook``, made on first use (XlsxWriter is imported only when a workbook is written)."""
    from xlsxwriter import Workbook
    from xlsxwriter.format import Format
    from xlsxwriter.worksheet import Worksheet

    class TextWorksheet(Worksheet):
        """A sheet whose every string cell holds its text as typed.

        ``_write_string`` is where XlsxWriter 3.3's public calls store a string cell (checked
        by tests/test_xl_text.py, which fails if a new XlsxWriter stops routing through it).
        A text that looks like rich-string XML goes in as two plain runs in the cell's own
        font instead: it reads back and shows exactly as typed."""

        def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> int:
            if isinstance(string, str) and looks_rich(string):
                if len(string) > STRMAX // 2 and utf16_len(string) > STRMAX:
                    string = utf16_truncate(string, STRMAX)  # as write_string cuts it (a rich string is refused)
                run = cell_format if cell_format is not None else Format()
                tail = (cell_format,) if cell_format is not None else ()
                return self._write_rich_string(row, col, string[:1], run, string[1:], *tail)
            return super()._write_string(row, col, string, cell_format)

    class TextWorkbook(Workbook):
        """XlsxWriter's Workbook with ``TextWorksheet`` sheets."""

        worksheet_class = TextWorksheet

    return TextWorkbook


def new_workbook(path: Path | str, **options: Any) -> Any:
    """The one way lianhu_xl makes an XlsxWriter workbook: strings stay strings (never a
    formula, number or link, whatever ``options`` says) and ``<r>…</r>`` text stays text."""
    return _workbook_class()(str(path), {**options, **TEXT_ONLY})
