"""Hostile and odd inputs, session 8: text a program never writes raw (``a<b>c``, a control
character in a text only a Sheet1 shows), what Excel and WPS leave behind (a formatted last row,
a shared formula never computed, a hidden sheet, an .et renamed .xlsx), and sheets whose names
only look like the standard's.

Each test builds its files, runs the real command through click's CliRunner and checks what a
clerk sees: the code and the cell, a Chinese message, the good book beside it still counted, the
sources unchanged.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from hostile import DIARY_XML, digests, good_book, members_of, ole_file, rezip, run, validated
from hostile import changed_part as _changed
from hostile import file_entry as _file
from hostile import file_issues as _issues
from hypothesis import given, settings
from test_guard import _sheet_xml, bound_covers_what_calamine_reads, sheet
from test_hostile_s7 import _marked_book, _planted

CARD_XML = "xl/worksheets/sheet1.xml"
ENGLISH = re.compile(r"Error|Exception|Traceback|errno|Errno", re.I)


# --- text no program writes raw ---------------------------------------------------------------------


@pytest.mark.parametrize("sst", [False, True], ids=["inline", "shared"])
@pytest.mark.parametrize("raw", [b"a<b>c", "长势<好>去年".encode()], ids=["a<b>c", "spaced"])
def test_a_lt_closed_by_a_later_gt_is_refused_at_its_cell(tmp_path, raw, sst):
    """``a<b>c`` typed raw: the counts of < and > agree, so it passed, and the reader took <b> for
    a tag: 生产生活情况 read ``ac`` (the text between lost) without a word."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    _planted(_marked_book(folder / "坏.xlsx"), {b"MARKB": raw}, sst=sst)
    before = digests(folder)
    report = validated(folder)
    [issue] = _issues(report, "坏.xlsx")
    assert issue["code"] == "file-corrupt" and "“<”" in issue["message"], issue
    if not sst:
        assert (issue["sheet"], issue["cell"]) == ("联户日记", "F3")
    assert not ENGLISH.search(issue["message"])
    assert _file(report, "好.xlsx")["counted"] == 5 and _file(report, "坏.xlsx")["kind"] == "unreadable"
    assert digests(folder) == before


def test_a_tag_lost_in_the_shared_texts_is_still_said_as_such(tmp_path):
    """A closing tag missing (no < typed in any text) is not said as a stray “<”."""
    path = _planted(_marked_book(tmp_path / "坏.xlsx"), {b"MARKB": b"ok"}, sst=True)
    _changed(path, "xl/sharedStrings.xml", lambda b: b.replace(b"ok</t>", b"ok", 1))
    [issue] = validated(tmp_path)["issues"]
    assert issue["code"] == "file-corrupt" and "对不上的标记" in issue["message"] and "“<”" not in issue["message"]


def _with_sheet1(path: Path, text: str) -> Path:
    """The marked book with a Sheet1 beside the register showing ``text`` in A1."""
    _marked_book(path)
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Sheet1")["A1"] = text
    wb.save(path)
    return path


def test_a_control_character_in_a_text_only_a_sheet1_shows_does_not_refuse_the_book(tmp_path):
    """The shared-text table is shared by every sheet: a raw \\x01 in a text that only a Sheet1
    pasted beside the register shows refused the whole book, though nothing read holds it."""
    path = _with_sheet1(tmp_path / "附表.xlsx", "MARKC")
    _planted(path, {b"MARKC": "备\x01注".encode()}, sst=True)
    report = validated(tmp_path)
    assert report["issues"] == [] and report["valid"], report["issues"]
    assert _file(report, "附表.xlsx")["counted"] == 4


def test_a_control_character_in_a_text_the_register_shows_is_refused_at_that_cell(tmp_path):
    """The same text shown in 联户卡 too: refused, and now said at the register's cell."""
    path = _with_sheet1(tmp_path / "附表.xlsx", "MARKA")
    _planted(path, {b"MARKA": "下营\x01村".encode()}, sst=True)
    [issue] = validated(tmp_path)["issues"]
    assert issue["code"] == "file-corrupt" and "控制字符" in issue["message"] and "共享文本表" in issue["message"]
    assert (issue["sheet"], issue["cell"]) == ("联户卡", "F3")


def test_a_sheet_only_named_like_the_diary_is_not_checked_as_one(tmp_path):
    """The guard took every sheet whose name held 联户日记 for one it reads: a raw control
    character in 联户日记 (2) (a copy the reader does not read, said as a lookalike) refused
    the whole book. It is read; the copy is said as before."""
    path = _marked_book(tmp_path / "副本.xlsx")
    wb = openpyxl.load_workbook(path)
    copy = wb.copy_worksheet(wb["联户日记"])
    copy.title = "联户日记 (2)"
    copy["F3"] = "MARKD"
    wb.save(path)
    parts = members_of(path.read_bytes())
    parts = {name: blob.replace(b"MARKD", "长\x02势".encode()) for name, blob in parts.items()}
    rezip(path, parts)
    report = validated(tmp_path)
    assert [i["code"] for i in report["issues"]] == ["lookalike-sheet"], report["issues"]
    assert report["issues"][0]["sheet"] == "联户日记 (2)"
    assert _file(report, "副本.xlsx")["counted"] == 4


# --- what Excel and WPS leave behind ----------------------------------------------------------------


@pytest.mark.parametrize("tail", [
    b'<row r="1048576" ht="20" customHeight="1"/>',
    b'<row r="1048570" s="3" customFormat="1"><c r="A1048570" s="1"/></row>'
    b'<row r="1048576" ht="20"><c r="A1048576" s="1"/><c r="W1048576" s="1" t="n"/></row>',
], ids=["row", "styled-cells"])
def test_an_empty_formatted_last_row_is_read_not_refused(tmp_path, tail):
    """Formatting rows or cells down to the sheet's end leaves rows holding only a format at row
    1,048,576: the sheet was refused as sheet-too-large, though the reader builds no cell there."""
    path = write_book(tmp_path / "格式到底.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001")])
    _changed(path, CARD_XML, lambda b: b.replace(b"</sheetData>", tail + b"</sheetData>"))
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "格式到底.xlsx")["counted"] == 3


def test_formatted_empty_cells_far_right_of_the_rows_are_read_not_refused(tmp_path):
    """Borders drawn over A3:ZZ4 leave a formatted empty cell beside each card out to column ZZ
    (<c r="ZZ3" s="1"/>): the sheet was refused as sheet-too-large (column 702), though the
    reader builds no cell of them."""
    path = write_book(tmp_path / "边框.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001")])

    def bordered(blob: bytes) -> bytes:
        for r in (3, 4):
            blob = re.sub(rb'(<row r="%d"[^>]*>.*?)</row>' % r, lambda m, r=r: m.group(1) + b"".join(
                b'<c r="%s%d" s="1"/>' % (c, r) for c in (b"AA", b"IV", b"ZZ")) + b"</row>", blob, flags=re.S)
        return blob
    _changed(path, CARD_XML, bordered)
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "边框.xlsx")["counted"] == 3, report["issues"]


def test_a_value_far_right_is_still_refused(tmp_path):
    """Only cells holding nothing are passed over: a value in column ZZ is refused as before."""
    path = write_book(tmp_path / "最右.xlsx", [card("XY-001")], [diary("XY-001")])
    _changed(path, CARD_XML, lambda b: re.sub(rb'(<row r="3"[^>]*>.*?)</row>', lambda m: m.group(1)
                                              + b'<c r="ZZ3"><v>1</v></c></row>', b, flags=re.S))
    [issue] = validated(tmp_path)["issues"]
    assert issue["code"] == "sheet-too-large" and issue["cell"] == "ZZ3"


def test_a_value_in_the_last_row_is_still_refused(tmp_path):
    """Only rows holding nothing are passed over: a value at row 1,048,576 is refused as before."""
    path = write_book(tmp_path / "最后一行.xlsx", [card("XY-001")], [diary("XY-001")])
    _changed(path, CARD_XML, lambda b: b.replace(
        b"</sheetData>", b'<row r="1048575"><c r="A1048575" s="1"/></row>'
                         b'<row r="1048576"><c r="A1048576"><v>1</v></c></row></sheetData>'))
    [issue] = validated(tmp_path)["issues"]
    assert issue["code"] == "sheet-too-large" and issue["cell"].endswith("1048576")


def _with_external_link(path: Path, last_row: int) -> Path:
    """The book at ``path`` linked to another workbook, as Excel saves a formula such as
    =VLOOKUP(A3,[名册.xlsx]Sheet1!$A:$B,2,0): the other book's cells cached in an
    xl/externalLinks part (its cells are <cell>, not <c>), down to ``last_row``."""
    parts = members_of(path.read_bytes())
    parts["xl/externalLinks/externalLink1.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<externalLink xmlns="http://schemas.'
        b'openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships"><externalBook r:id="rId1"><sheetNames><sheetName val="Sheet1"/></sheetNames>'
        b'<sheetDataSet><sheetData sheetId="0"><row r="2"><cell r="A2" t="str"><v>\xe4\xb8\x8b\xe8\x90\xa5</v>'
        b'</cell><cell r="B2" t="str"><v>1</v></cell></row><row r="%d"><cell r="B%d"><v>0</v></cell></row>'
        b"</sheetData></sheetDataSet></externalBook></externalLink>" % (last_row, last_row))
    parts["xl/externalLinks/_rels/externalLink1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/externalLinkPath" Target="%E5%90%8D%E5%86%8C.xlsx"'
        b' TargetMode="External"/></Relationships>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdX" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/externalLink" Target="externalLinks/externalLink1.xml"/></Relationships>')
    parts["xl/workbook.xml"] = re.sub(rb"</sheets>", b'</sheets><externalReferences><externalReference r:id="rIdX"/>'
                                      b"</externalReferences>", parts["xl/workbook.xml"])
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/externalLinks/externalLink1.xml" ContentType="application/vnd.'
        b'openxmlformats-officedocument.spreadsheetml.externalLink+xml"/></Types>')
    return rezip(path, parts)


@pytest.mark.parametrize("last_row", [3, 1048576])
def test_a_book_linked_to_another_is_read_whatever_the_link_caches(tmp_path, last_row):
    """The cache of a linked workbook holds rows but no cell the reader reads (<cell>): a cache
    reaching row 1,048,576 (a link to a big statistics book) made the book sheet-too-large,
    named by a part the clerk never sees."""
    path = write_book(tmp_path / "链接.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001")])
    assert b"externalReferences" in members_of(_with_external_link(path, last_row).read_bytes())["xl/workbook.xml"]
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "链接.xlsx")["counted"] == 3, report["issues"]


def test_a_shared_formula_never_computed_shows_each_cells_own_formula(tmp_path):
    """Excel writes a formula filled down once, in the block's first cell; the others hold
    <f t="shared" si="0"/>. Without stored values the second cell was said as 公式“=”."""
    path = write_book(tmp_path / "公式.xlsx", [card("XY-001")],
                      [diary("XY-001", **{"担保贷款(元)": 1}), diary("XY-001", "2010-4-2", **{"担保贷款(元)": 2})])

    def shared(blob: bytes) -> bytes:
        blob = re.sub(rb'<c r="M3"[^>]*>.*?</c>', b'<c r="M3"><f t="shared" ref="M3:M4" si="0">L3*1000</f></c>', blob)
        return re.sub(rb'<c r="M4"[^>]*>.*?</c>', b'<c r="M4"><f t="shared" si="0"/></c>', blob)
    _changed(path, DIARY_XML, shared)
    issues = validated(tmp_path)["issues"]
    said = {i["cell"]: (i["code"], i["value"]) for i in issues}
    assert said == {"M3": ("formula-no-value", "=L3*1000"), "M4": ("formula-no-value", "=L4*1000")}, issues


@pytest.mark.parametrize("state, words", [("hidden", "隐藏"), ("veryHidden", "宏")])
def test_a_hidden_register_sheet_is_counted_and_said(tmp_path, state, words):
    """A hidden 联户卡 was read and counted without a word, though the clerk opening the book
    does not see it; hidden rows are said (hidden-rows), so is the hidden sheet now: a notice,
    the book still passes."""
    path = write_book(tmp_path / "隐藏.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001")])
    wb = openpyxl.load_workbook(path)
    wb["联户卡"].sheet_state = state
    wb.active = 1
    wb.save(path)
    report = validated(tmp_path)
    [issue] = report["issues"]
    assert (issue["code"], issue["severity"], issue["sheet"]) == ("hidden-sheet", "notice", "联户卡")
    assert words in issue["message"] and "计入" in issue["message"]
    assert report["valid"] and _file(report, "隐藏.xlsx")["counted"] == 3
    assert _file(report, "隐藏.xlsx")["status"] == "通过"


def test_a_wps_et_renamed_xlsx_is_said_as_wps(tmp_path):
    """An .et (a compound file WPS marks as its own) renamed .xlsx was said as 旧版 .xls; an
    Excel .xls renamed stays one."""
    kso = "KSOProductBuildVer".encode("utf-16-le") + "2052-11.1.0.12358".encode("utf-16-le")
    (tmp_path / "表格.xlsx").write_bytes(ole_file("ETExtData") + kso)
    (tmp_path / "旧表.xlsx").write_bytes(ole_file("Workbook"))
    report = validated(tmp_path)
    codes = {i["file"]: i["code"] for i in report["issues"]}
    assert codes == {"表格.xlsx": "wps-et", "旧表.xlsx": "old-xls"}
    assert all("WPS" in i["message"] for i in report["issues"] if i["code"] == "wps-et")


def test_a_roster_with_a_raw_control_character_is_refused(tmp_path):
    """Every sheet of a roster is read: a raw control character in its 村 made a village of its
    own (the guard looked at register sheets only)."""
    roster = tmp_path / "名册.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["村", "社"])
    wb.active.append(["MARKR", "六社"])
    wb.save(roster)
    parts = members_of(roster.read_bytes())
    rezip(roster, {name: blob.replace(b"MARKR", "下营\x01村".encode()) for name, blob in parts.items()})
    books = tmp_path / "收集"
    good_book(books / "好.xlsx")
    result = run("validate", books, "--roster", roster)
    assert result.exit_code == 2, result.output
    assert "名册" in result.output and "控制字符" in result.output and "Traceback" not in result.output


# --- zips as other tools write them -----------------------------------------------------------------


class _Unseekable(io.BytesIO):
    """A stream a zip writer cannot go back in: it puts each member's sizes after its data (a data
    descriptor, flag bit 3), as tools streaming a workbook out do."""

    def seekable(self) -> bool:
        return False

    def seek(self, *args: object) -> int:
        raise io.UnsupportedOperation("seek")


@pytest.mark.parametrize("how", ["zip64", "stored", "data-descriptor"])
def test_a_zip_written_another_way_is_read_whole(tmp_path, how):
    """The guard inflates each member straight from the file's bytes; a zip with zip64 headers
    (written for large files), members stored without compression, or sizes written after the
    data must be read as zipfile reads them: the book counted whole."""
    parts = members_of(good_book(tmp_path / "src.xlsx").read_bytes())
    (tmp_path / "src.xlsx").unlink()
    out = _Unseekable() if how == "data-descriptor" else io.BytesIO()
    method = zipfile.ZIP_STORED if how == "stored" else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(out, "w", method) as zf:
        for name, blob in parts.items():
            with zf.open(name, "w", force_zip64=how == "zip64") as member:
                member.write(blob)
    (tmp_path / "另一种压缩.xlsx").write_bytes(out.getvalue())
    if how == "data-descriptor":
        assert all(i.flag_bits & 0x08 for i in zipfile.ZipFile(io.BytesIO(out.getvalue())).infolist())
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "另一种压缩.xlsx")["counted"] == 5


# --- sheets whose tags carry a prefix (<x:c>: the .NET OpenXML SDK) ---------------------------------


def _prefixed(xml: bytes, prefix: bytes = b"x") -> bytes:
    return re.sub(rb"<(/?)(row|c)(?=[\s/>])", rb"<\1" + prefix + rb":\2", xml)


@settings(max_examples=150, deadline=None)
@given(sheet)
def test_a_prefixed_sheet_is_never_seen_smaller_than_calamine_reads(rows):
    """The guard now bounds a sheet written <x:row>/<x:c> from the same sheet with the prefix taken
    off (it walked such a sheet tag by tag, ~30 ms a 600-line diary): the bound is still never
    below what calamine builds, whatever the addresses (as tests/test_guard.py's unprefixed one)."""
    bound_covers_what_calamine_reads(rows, _prefixed(_sheet_xml(rows)))


@pytest.mark.parametrize("far", [False, True])
def test_a_book_written_with_prefixed_tags_is_read_and_a_far_cell_refused(tmp_path, far):
    """A whole book written <x:worksheet>…<x:c r="A3"> is read as before (now without the slow
    walk); one of its cells at XFD1048576 is still refused."""
    path = write_book(tmp_path / "前缀.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001")])
    parts = members_of(path.read_bytes())
    for name in (CARD_XML, DIARY_XML):
        blob = parts[name].replace(b'<worksheet xmlns="', b'<x:worksheet xmlns:x="').replace(
            b"</worksheet>", b"</x:worksheet>")
        if far and name == CARD_XML:
            blob = blob.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
        parts[name] = re.sub(rb"<(/?)(?!x:)([A-Za-z]\w*)(?=[\s/>])", rb"<\1x:\2", blob)
    rezip(path, parts)
    report = validated(tmp_path)
    if far:
        [issue] = report["issues"]
        assert (issue["code"], issue["sheet"]) == ("sheet-too-large", "联户卡") and issue["cell"].endswith("1048576")
    else:
        assert report["issues"] == [] and _file(report, "前缀.xlsx")["counted"] == 3, report["issues"]
