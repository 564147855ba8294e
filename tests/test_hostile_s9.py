"""Hostile and odd inputs, session 9: an element inside a text (``a<b/>c``: well-formed XML, so
nothing looked), parts declaring an encoding other than UTF-8 (encoding="GBK", written by some
Chinese tools over UTF-8 bytes, or over GBK bytes), an empty zip named .xlsx.

Each test builds its files, runs the real command through click's CliRunner and checks what a
clerk sees: the code and the cell, a Chinese message, the good book beside it still counted, the
sources unchanged.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from hostile import digests, good_book, members_of, rezip, run, validated
from hostile import file_entry as _file
from hostile import file_issues as _issues
from test_hostile_s7 import _marked_book, _planted

CARD_XML = "xl/worksheets/sheet1.xml"
DIARY_XML = "xl/worksheets/sheet2.xml"
ENGLISH = re.compile(r"Error|Exception|Traceback|errno|Errno|multi-byte", re.I)





def _rewritten(path: Path, change) -> Path:
    """The book with ``change(name, blob)`` applied to every part."""
    parts = members_of(path.read_bytes())
    return rezip(path, {name: change(name, blob) for name, blob in parts.items()})


# --- an element inside a text ---------------------------------------------------------------------


@pytest.mark.parametrize("sst", [False, True], ids=["inline", "shared"])
@pytest.mark.parametrize("raw,tag", [
    (b"a<b/>c", "<b/>"),
    ("长势<br/>良好".encode(), "<br/>"),
    (b"a<b>x</b>c", "<b>"),
], ids=["empty", "br", "pair"])
def test_an_element_inside_a_text_is_refused_at_its_cell(tmp_path, raw, tag, sst):
    """A script writing raw text (``<t>a<b/>c</t>``) leaves well-formed XML: the < and > balance
    and expat finds nothing, so the guard let it through and the reader read 生产生活情况 as
    ``ac`` (the element dropped), exit 0, without a word."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    _planted(_marked_book(folder / "坏.xlsx"), {b"MARKB": raw}, sst=sst)
    before = digests(folder)
    report = validated(folder)
    [issue] = _issues(report, "坏.xlsx")
    assert issue["code"] == "file-corrupt" and f"“{tag}”" in issue["message"], issue
    assert (issue["sheet"], issue["cell"]) == ("联户日记", "F3")
    assert ("共享文本表" in issue["message"]) == sst
    assert not ENGLISH.search(issue["message"])
    assert _file(report, "好.xlsx")["counted"] == 5 and _file(report, "坏.xlsx")["kind"] == "unreadable"
    assert digests(folder) == before


def test_an_element_in_a_shared_text_only_a_sheet1_shows_does_not_refuse_the_book(tmp_path):
    """As with a control character (session 8): a text only a Sheet1 beside the register shows
    changes nothing read."""
    path = _marked_book(tmp_path / "附表.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("Sheet1")["A1"] = "MARKC"
    wb.save(path)
    _planted(path, {b"MARKC": b"a<b/>c"}, sst=True)
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "附表.xlsx")["counted"] == 4, report["issues"]


def test_rich_text_phonetics_and_empty_texts_are_not_taken_for_an_element_inside_a_text(tmp_path):
    """What Excel and WPS write in the shared texts holds elements beside each <t>, never inside:
    a bold run (<rPr><b/></rPr>), a phonetic guide, an empty <t/>: read as ever."""
    path = _planted(_marked_book(tmp_path / "富文本.xlsx"), {}, sst=True)
    parts = members_of(path.read_bytes())
    strings = parts["xl/sharedStrings.xml"]
    mark = b"<si><t>MARKB</t></si>"
    assert mark in strings
    parts["xl/sharedStrings.xml"] = strings.replace(mark, (
        '<si><r><rPr><b/><sz val="11"/></rPr><t>长势</t></r><r><t xml:space="preserve">良好 </t></r>'
        '<rPh sb="0" eb="2"><t>ちょう</t></rPh><phoneticPr fontId="1"/></si>').encode()).replace(
        b"</sst>", b'<si><t/></si><si><t xml:space="preserve"/></si></sst>')
    rezip(path, parts)
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "富文本.xlsx")["counted"] == 4, report["issues"]


# --- parts declaring another encoding ---------------------------------------------------------------

_DECLARATION = re.compile(rb"^<\?xml[^>]*\?>\s*")


def _declared(encoding: bytes):
    def change(name: str, blob: bytes) -> bytes:
        if not name.endswith((".xml", ".rels")):
            return blob
        return b'<?xml version="1.0" encoding="%s"?>\n' % encoding + _DECLARATION.sub(b"", blob)
    return change


@pytest.mark.parametrize("encoding", [b"GBK", b"gb2312", b"UTF-16"])
def test_parts_declaring_another_encoding_over_ascii_are_read(tmp_path, encoding):
    """Some Chinese tools declare encoding="GBK" on every part they write. Over ASCII (the
    relationships, the styles, [Content_Types].xml) it changes nothing, and the reader reads every
    part as UTF-8 anyway; the guard's XML parser refused the declaration (ValueError: multi-byte
    encodings are not supported): 检查这个文件时本程序出了错 (tool-failed), the book lost. The
    document properties, which nothing reads, may even hold GBK bytes (the author's name)."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    declared = _declared(encoding)

    def change(name: str, blob: bytes) -> bytes:
        if name == "docProps/core.xml":
            blob = re.sub(rb"<dc:creator>[^<]*</dc:creator>", "<dc:creator>王明</dc:creator>".encode("gbk"), blob)
        return declared(name, blob) if blob.isascii() or name == "docProps/core.xml" else blob
    path = _rewritten(write_book(folder / "声明.xlsx", [card("XY-101"), card("XY-102", 家庭人口="abc")],
                                 [diary("XY-101")]), change)
    assert b'encoding="%s"' % encoding in members_of(path.read_bytes())["xl/_rels/workbook.xml.rels"]
    before = digests(folder)
    report = validated(folder)
    [issue] = _issues(report, "声明.xlsx")  # the one mistake typed in the book, at its cell
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("bad-number", "联户卡", "J4"), issue
    assert _file(report, "声明.xlsx")["counted"] == 2 and _file(report, "好.xlsx")["counted"] == 5
    assert digests(folder) == before
    result = run("consolidate", path, "-o", tmp_path / "汇总.xlsx", "--no-cache", "-j", "1")
    assert result.exit_code == 1 and "程序出" not in result.output and "Traceback" not in result.output
    assert "汇总表已保存" in result.output


@pytest.mark.parametrize("control,bom", [(False, b""), (True, b""), (False, b"\xef\xbb\xbf")],
                         ids=["gbk", "gbk-and-control", "after-a-bom"])
def test_a_sheet_saved_in_gbk_is_refused_at_its_cell_saying_so(tmp_path, control, bom):
    """A sheet written in GBK bytes (declared so): the reader reads them as UTF-8. 缺水 in GBK is
    valid UTF-8 (ȱˮ): read so, exit 0, without a word; other GBK text was reader-crashed (读取这个
    文件时出错, no place, no reason), with a control character beside it tool-failed (本程序出了错).
    Now: at the first cell holding such bytes (the title, A1), naming GBK."""
    path = write_book(tmp_path / "国标.xlsx", [card("XY-001")],
                      [diary("XY-001", 发现问题="MARKG", 解决办法="打井", 办理结果="协调解决")])

    def gbk(name: str, blob: bytes) -> bytes:
        if name != DIARY_XML:
            return blob
        text = ("缺\x01水" if control else "缺水").encode("gbk")
        return bom + b'<?xml version="1.0" encoding="GBK"?>\n' + _DECLARATION.sub(b"", blob).decode().encode(
            "gbk").replace(b"MARKG", text)
    _rewritten(path, gbk)
    [issue] = validated(tmp_path)["issues"]
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("file-corrupt", "联户日记", "A1"), issue
    assert "GBK" in issue["message"] and "UTF-8" in issue["message"]
    assert "程序出" not in issue["message"] and not ENGLISH.search(issue["message"])


def test_a_workbook_part_declaring_gbk_over_chinese_is_refused_by_its_name(tmp_path):
    """The sheets' list (xl/workbook.xml) declaring GBK over the sheet names: Excel shows them as
    the declaration says, the reader as UTF-8; which is meant cannot be known. It was tool-failed."""
    path = write_book(tmp_path / "目录.xlsx", [card("XY-001")], [diary("XY-001")])
    _rewritten(path, lambda name, blob: _declared(b"GBK")(name, blob) if name == "xl/workbook.xml" else blob)
    [issue] = validated(tmp_path)["issues"]
    assert issue["code"] == "file-corrupt" and "xl/workbook.xml" in issue["message"], issue
    assert "GBK" in issue["message"] and "程序出" not in issue["message"]


# --- not a workbook at all ---------------------------------------------------------------------------


def test_an_empty_zip_named_xlsx_is_said_as_an_empty_archive(tmp_path):
    """A zip holding nothing (a packing tool run on an empty folder) was said as 纯文本, 可能是
    CSV 改了扩展名: the clerk looked for a CSV."""
    with zipfile.ZipFile(tmp_path / "空包.xlsx", "w"):
        pass
    [issue] = validated(tmp_path)["issues"]
    assert issue["code"] == "not-a-workbook" and "空的压缩包" in issue["message"], issue
    assert "CSV" not in issue["message"]


# --- what the clerk does not see ---------------------------------------------------------------------


def _hidden_columns_book(path: Path, *letters: str) -> Path:
    write_book(path, [card("XY-001")], [diary("XY-001", **{"担保贷款(元)": 50000, "办实事(件)": 2}),
                                        diary("XY-001", "2010-4-1")])
    wb = openpyxl.load_workbook(path)
    for letter in letters:
        wb["联户日记"].column_dimensions[letter].hidden = True
    wb.save(path)
    return path


def test_hidden_columns_holding_values_are_counted_and_said(tmp_path):
    """担保贷款 and 办实事 hidden (右键→隐藏): their 50,000 yuan and 2 deeds were counted with
    nothing said, though the clerk checking the book in Excel never sees them. Said once, at the
    header, as hidden rows and sheets are; a hidden column holding nothing (帮耕帮畜) is not said,
    and the book still passes with every row counted."""
    path = _hidden_columns_book(tmp_path / "隐藏列.xlsx", "L", "M", "N")
    report = validated(tmp_path)
    [issue] = report["issues"]
    assert (issue["code"], issue["severity"], issue["sheet"], issue["cell"]) == (
        "hidden-columns", "notice", "联户日记", "L2"), issue
    assert "L 列（办实事(件)）" in issue["message"] and "M 列（担保贷款(元)）" in issue["message"]
    assert "N 列" not in issue["message"]
    assert report["valid"] and _file(report, path.name)["counted"] == 3


def test_a_book_hiding_only_an_empty_or_unread_column_says_nothing(tmp_path):
    """A hidden column nothing is read from (帮耕帮畜 left empty; a helper column past the
    standard's) changes nothing read: nothing said."""
    path = _hidden_columns_book(tmp_path / "空列.xlsx", "N", "Z")
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, path.name)["counted"] == 3
