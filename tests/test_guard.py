"""The guard: sizes judged from the zip directory before anything is inflated,
and a sheet's extent never underestimated, however its cells are written."""

from __future__ import annotations

import io
import zipfile

import pytest
from hostile import MB, deflated, good_book, good_bytes, members_of, raw_zip, repeated, zip_bomb
from hypothesis import given, settings
from hypothesis import strategies as st

from lianhu_xl import guard
from lianhu_xl.guard import Refused, check_extent, col_letters, inspect

SHEET_HEAD = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              b'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>')
SHEET_TAIL = b"</sheetData></worksheet>"


def test_a_bomb_is_refused_from_the_directory_alone(tmp_path, monkeypatch):
    """Declared and compressed sizes are judged before any member is inflated."""
    zip_bomb(tmp_path / "炸.xlsx")

    def no_reading(*args, **kwargs):
        raise AssertionError("a member was read before the sizes were checked")

    monkeypatch.setattr(zipfile.ZipFile, "read", no_reading)
    monkeypatch.setattr(zipfile.ZipFile, "open", no_reading)
    with pytest.raises(Refused) as refused:
        inspect(tmp_path / "炸.xlsx")
    assert refused.value.code == "file-too-large"


def test_a_ratio_bomb_under_the_size_limits_is_refused(tmp_path):
    """30 MB of spaces in 30 KB: under every size limit, over the compression ratio."""
    parts = members_of(good_book(tmp_path / "好.xlsx").read_bytes())
    sheet = parts.pop("xl/worksheets/sheet1.xml")
    at = sheet.index(b"<sheetData>")
    members = [deflated(b, n) for n, b in parts.items()]
    members.append(repeated("xl/worksheets/sheet1.xml", sheet[:at], b" " * MB, 30, sheet[at:]))
    raw_zip(tmp_path / "比.xlsx", members)
    with pytest.raises(Refused, match="file-too-large") as refused:
        inspect(tmp_path / "比.xlsx")
    assert "压缩比" in refused.value.detail


def test_a_file_growing_past_the_limit_while_read_is_cut_off(tmp_path, monkeypatch):
    path = good_book(tmp_path / "好.xlsx")
    monkeypatch.setattr(guard, "MAX_FILE_BYTES", 100)
    with pytest.raises(Refused, match="file-too-large"):
        inspect(path)


def test_good_books_pass_and_tell_their_sheets(tmp_path):
    inspection = inspect(good_book(tmp_path / "好.xlsx"))
    assert inspection.sheets == ["联户卡", "联户日记"]


def test_the_template_passes(tmp_path):
    from click.testing import CliRunner

    from lianhu_xl.cli import cli

    assert CliRunner().invoke(cli, ["template", "-o", str(tmp_path)]).exit_code == 0
    for book in tmp_path.glob("*.xlsx"):
        assert "联户卡" in inspect(book).sheets


@pytest.mark.parametrize("rows,cols,refused", [(1562, 256, False), (1563, 256, True), (80_000, 5, False),
                                               (200_001, 1, True), (10, 257, True)])
def test_the_limits_are_where_they_say(rows, cols, refused):
    blob = SHEET_HEAD + b'<row r="1"><c r="A1"><v>1</v></c></row><row r="%d"><c r="%s%d"><v>1</v></c></row>' % (
        rows, col_letters(cols).encode(), rows) + SHEET_TAIL
    if refused:
        with pytest.raises(Refused) as err:
            check_extent("联户卡", blob)
        assert err.value.cell == f"{col_letters(cols)}{rows}" and err.value.sheet == "联户卡"
    else:
        assert check_extent("联户卡", blob) == (rows, cols)


# --- the extent is never underestimated -------------------------------------------------------

STYLES = ["double", "double", "single", "none", "prefixed", "spaced", "repeated", "glued", "broken"]
# Two addresses in one tag: calamine takes the LAST one; the guard may refuse such a file outright.
TWICE = ("repeated", "glued", "broken")


def _attr(style: str, value: str) -> bytes:
    first = "1" if value.isdigit() else "A1"
    if style == "double":
        return f' r="{value}"'.encode()
    if style == "repeated":
        return f' r="{first}" r="{value}"'.encode()
    if style == "glued":  # no space after a quote
        return f' r="{first}" s="0"r="{value}"'.encode()
    if style == "broken":  # a line break between the name and "="
        return f' r="{first}" r\n="{value}"'.encode()
    if style == "single":
        return f" r='{value}'".encode()
    if style == "spaced":
        return f' s="0"  r = "{value}" '.encode()
    return b""


cell = st.tuples(st.integers(0, 3), st.sampled_from(STYLES))  # (columns skipped, how the address is written)
row = st.tuples(st.integers(0, 4), st.sampled_from(STYLES), st.lists(cell, min_size=1, max_size=8))
sheet = st.lists(row, min_size=1, max_size=12)


def _sheet_xml(rows) -> bytes:
    out, r = [], 0
    for gap, rstyle, cells in rows:
        r += 1 + gap
        tag = b"x:row" if rstyle == "prefixed" else b"row"
        parts, c = [], 0
        for skip, cstyle in cells:
            c += 1 + skip
            ctag = b"x:c" if cstyle == "prefixed" else b"c"
            addr = _attr("double" if cstyle == "prefixed" else cstyle, f"{col_letters(c)}{r}")
            if cstyle == "none":  # without an address the cell lands right after the previous one
                c -= skip
            parts.append(b"<" + ctag + addr + b"><v>1</v></" + ctag + b">")
        raddr = _attr("double" if rstyle == "prefixed" else rstyle, str(r))
        if rstyle == "none":  # without r a row follows the previous one
            r -= gap
        out.append(b"<" + tag + raddr + b">" + b"".join(parts) + b"</" + tag + b">")
    return SHEET_HEAD + b"".join(out) + SHEET_TAIL


@settings(max_examples=150, deadline=None)
@given(sheet)
def test_the_guard_never_sees_a_smaller_sheet_than_calamine_reads(rows):
    bound_covers_what_calamine_reads(rows, _sheet_xml(rows))


def bound_covers_what_calamine_reads(rows, xml: bytes) -> None:
    """The guard's bound of the sheet ``xml`` (made from ``rows``) is never below what calamine
    builds from it; refusing it unread is allowed only for a tag with two addresses."""
    from python_calamine import CalamineWorkbook

    try:
        max_row, max_col = check_extent("联户卡", xml)
    except Refused as refused:  # never read at all: allowed only for a tag with two addresses
        assert refused.code == "file-corrupt"
        assert any(style in TWICE for _, rstyle, cells in rows for style in [rstyle, *(c for _, c in cells)])
        return
    parts = members_of(good_bytes())
    parts["xl/worksheets/sheet1.xml"] = xml
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    grid = CalamineWorkbook.from_filelike(io.BytesIO(buf.getvalue())).get_sheet_by_name("联户卡").to_python(
        skip_empty_area=False)
    assert max_row >= len(grid)
    assert max_col >= max((len(r) for r in grid), default=0)


@pytest.mark.parametrize("tag", [b'<c r="A1" r="Z99">', b'<c r="A1"r="Z99">', b'<c r="A1" s="1"r="Z99">',
                                 b"<c r=\"A1\" s='1'r=\"Z99\">", b'<c r="A1" r\n="Z99">', b'<c r="A1" r\t="Z99">',
                                 b'<c r="A1"\nr="Z99">', b'<c r="A1" r ="Z99">'])
def test_a_cell_with_a_second_address_is_never_read_as_the_first(tag):
    """calamine places such a cell at its last address (Z99 here, XFD1048576 in an attack)."""
    xml = SHEET_HEAD + b'<row r="1">' + tag + b"<v>1</v></c></row>" + SHEET_TAIL
    try:
        assert check_extent("联户卡", xml) >= (99, 26)
    except Refused as refused:
        assert refused.code == "file-corrupt" and "两个地址" in refused.detail


def test_a_formula_with_no_value_is_found_with_or_without_a_prefix(tmp_path):
    """A formula never calculated reads as blank, however its tags are written; a data
    validation's <formula1> is not a formula cell."""
    parts = members_of(good_bytes())
    sheet = parts["xl/worksheets/sheet1.xml"]
    at = sheet.index(b"</sheetData>")
    cells = (b'<row r="40"><x:c r="B40"><x:f>SUM(B1:B5)</x:f><x:v></x:v></x:c>'
             b'<c r="C40"><f>1+1</f></c><c r="D40"><f>2+2</f><v>4</v></c></row>')
    dropdown = (b'<dataValidations count="1"><dataValidation type="list" sqref="C2:C9">'
                b'<formula1>"\xe6\x98\xaf,\xe5\x90\xa6"</formula1></dataValidation></dataValidations><pageMargins')
    parts["xl/worksheets/sheet1.xml"] = sheet[:at].replace(
        b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1
    ) + cells + sheet[at:].replace(b"<pageMargins", dropdown, 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    (tmp_path / "式.xlsx").write_bytes(buf.getvalue())
    assert b"<formula1>" in parts["xl/worksheets/sheet1.xml"]
    assert inspect(tmp_path / "式.xlsx").formula_cells == {"联户卡": [("B40", "SUM(B1:B5)"), ("C40", "1+1")]}


def test_a_filled_template_has_no_formula_cells(tmp_path):
    """Its dropdowns hold <formula1>/<formula2>: those are rules, not cells read as blank."""
    from click.testing import CliRunner

    from lianhu_xl.cli import cli

    assert CliRunner().invoke(cli, ["template", "-o", str(tmp_path)]).exit_code == 0
    for book in tmp_path.glob("*.xlsx"):
        assert any(b"<formula1>" in blob for blob in members_of(book.read_bytes()).values())
        assert inspect(book).formula_cells == {}


def test_a_file_the_system_cannot_give_is_explained_in_chinese(tmp_path):
    """The system's own reason (strerror) is English; the clerk reads Chinese."""
    import errno

    from lianhu_xl.guard import _os_detail

    with pytest.raises(Refused) as gone:
        inspect(tmp_path / "不在了.xlsx")
    assert gone.value.code == "file-unreadable" and "不在原处" in gone.value.detail
    for exc in (FileNotFoundError(errno.ENOENT, "No such file or directory"),
                OSError(errno.EIO, "Input/output error"), OSError("no errno")):
        detail = _os_detail(exc)
        assert detail and not any("a" <= ch.lower() <= "z" for ch in detail), detail
