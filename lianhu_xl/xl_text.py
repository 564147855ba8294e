"""Typed text into an XlsxWriter cell exactly as typed.

XlsxWriter copies a string that starts with ``<r>`` and ends with ``</r>`` into the
file unescaped, as rich-string XML, whatever ``strings_to_formulas`` says: a cadre's
typed text could add cells, formulas included, or leave a file Excel cannot open.
Every writer that puts someone's text into a workbook goes through ``write_text``.
"""

from __future__ import annotations

from typing import Any

STRMAX = 32767  # Excel's limit for a cell's text, in UTF-16 units


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _utf16_truncate(text: str, limit: int) -> str:
    """At most ``limit`` UTF-16 units, never half a character above U+FFFF."""
    length = 0
    for index, char in enumerate(text):
        length += 2 if ord(char) > 0xFFFF else 1
        if length > limit:
            return text[:index]
    return text


def write_text(ws: Any, row: int, col: int, text: str, fmt: Any = None) -> int:
    """``ws.write_string`` for text someone typed. XlsxWriter copies a text that starts with
    ``<r>`` and ends with ``</r>`` into the file unescaped, as rich-string XML: typed text could
    add cells, formulas included, or break the file. Such a text goes in as two plain runs in
    the cell's own font instead, so it reads back and shows exactly as typed."""
    if len(text) > STRMAX // 2 and _utf16_len(text) > STRMAX:
        text = _utf16_truncate(text, STRMAX)
    if text.startswith("<r>") and text.endswith("</r>"):
        run = fmt if fmt is not None else _plain_format()
        return ws.write_rich_string(row, col, text[:1], run, text[1:], *([fmt] if fmt is not None else []))
    return ws.write_string(row, col, text, fmt)


def _plain_format() -> Any:
    from xlsxwriter.format import Format

    return Format()
