"""Hostile and odd inputs, session 10: an absurd negative number (-inf) said at its cell as inf
is, a shared-text index that is not a whole number (read as another text), a row written twice
(its cells overwrite the first's), rows and columns made invisible by a zero size.

Each test builds its files, runs the real command through click's CliRunner and checks what a
clerk sees: the code and the cell, a Chinese message, the good book beside it still counted, the
sources unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book
from hostile import changed_part as _changed
from hostile import digests, good_book, members_of, validated
from hostile import file_entry as _file
from hostile import file_issues as _issues
from test_hostile_s7 import _marked_book, _planted

CARD_XML = "xl/worksheets/sheet1.xml"
DIARY_XML = "xl/worksheets/sheet2.xml"
ENGLISH = re.compile(r"Error|Exception|Traceback|errno|Errno|panic|TimeDelta", re.I)


# --- an absurd negative number -------------------------------------------------------------------


@pytest.mark.parametrize("typed", [b"-inf", b"-Infinity", b"-1e300", b"-123456789012"])
def test_an_absurd_negative_number_is_said_at_its_cell_as_inf_is(tmp_path, typed):
    """``inf`` in 担保贷款 was a bad-number at its cell, the rest of the book counted; ``-inf`` (or
    any number under -1e11) refused the whole book (file-corrupt): python-calamine panics turning
    such a number into a date, so the guard refused every such book. Now the reader is handed
    the cell as the text typed, and it is said at its cell like ``inf``; in a date cell (结对日期,
    date-formatted: where calamine panicked) a bad-date at its cell."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    path = write_book(folder / "负数.xlsx", [card("XY-101"), card("XY-102", 结对日期=7777003)],
                      [diary("XY-101", **{"担保贷款(元)": 7777001}), diary("XY-101", "2010-3-7", **{"担保贷款(元)": 7777002}),
                       diary("XY-101", "2010-4-1", **{"担保贷款(元)": 3000})])
    assert b"<v>7777003</v>" in members_of(path.read_bytes())[CARD_XML]  # a number in a date-formatted cell
    _changed(path, DIARY_XML, lambda b: b.replace(b"<v>7777001</v>", b"<v>%s</v>" % typed)
             .replace(b"<v>7777002</v>", b"<v>inf</v>"))
    _changed(path, CARD_XML, lambda b: b.replace(b"<v>7777003</v>", b"<v>%s</v>" % typed))
    before = digests(folder)
    report = validated(folder)
    found = {(i["sheet"], i["cell"]): i["code"] for i in _issues(report, "负数.xlsx")}
    below = "out-of-range" if typed.isdigit() or typed[1:].isdigit() else "bad-number"  # -123456789012: an amount
    assert found == {("联户日记", "M3"): below, ("联户日记", "M4"): "bad-number",
                     ("联户卡", "N4"): "bad-date"}, report["issues"]
    for issue in _issues(report, "负数.xlsx"):
        assert not ENGLISH.search(issue["message"]) and issue["cell"] in issue["message"]
    assert any(typed.decode() in i["message"] for i in _issues(report, "负数.xlsx") if i["cell"] == "M3")
    entry = _file(report, "负数.xlsx")
    assert entry["kind"] == "book" and entry["counted"] == 2 and entry["excluded"] == 3, entry  # XY-101, row 5
    assert _file(report, "好.xlsx")["counted"] == 5
    assert digests(folder) == before


def test_an_absurd_negative_number_in_a_shared_text_cell_still_refuses_at_its_cell(tmp_path):
    """Only a number cell is handed on as text; anywhere else (a shared text's index) the number
    is no text anyone typed: the book is refused at the cell, as before."""
    path = _planted(_marked_book(tmp_path / "索引.xlsx"), {}, sst=True)
    _changed(path, DIARY_XML, lambda b: re.sub(rb'(<c r="F3"[^>]*t="s"><v>)\d+', rb"\g<1>-1e300", b))
    [issue] = validated(tmp_path)["issues"]
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("file-corrupt", "联户日记", "F3"), issue


# --- a shared-text index that is not a whole number --------------------------------------------------


@pytest.mark.parametrize("index", [b"abc", b"1.5", b"-1", b" 1", b"+1", b"1&#x30;", b"1e0", b"9" * 20])
@pytest.mark.parametrize("spelt", ["usual", "t-first", "prefixed"])
def test_a_shared_text_index_that_is_not_a_whole_number_is_refused_at_its_cell(tmp_path, index, spelt):
    """``<c t="s"><v>abc</v></c>`` (1.5, -1, " 1", an entity…): calamine read the table's first
    text (the title, 联户带创登记簿 · 联户日记) or another one into 生产生活情况, exit 0, without a
    word. Refused at the cell, naming what the file holds, whether the cell is written the usual
    way, with t before s (a script), or with an x: prefix on every tag (.NET's OpenXML SDK)."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    path = _planted(_marked_book(folder / "坏.xlsx"), {}, sst=True)

    def change(blob: bytes) -> bytes:
        blob = re.sub(rb'(<c r="F3"[^>]*t="s"><v>)\d+', rb"\g<1>" + index.replace(b"\\", b"\\\\"), blob)
        if spelt == "t-first":  # every cell: <c r="A3" t="s" s="1">
            blob = re.sub(rb'<c r="([A-Z]+\d+)"( s="\d+")? t="s">', rb'<c r="\1" t="s"\2>', blob)
        elif spelt == "prefixed":
            blob = re.sub(rb"<(/?)(worksheet|sheetData|row|c|v|is|t|cols|col|dimension|sheetViews|sheetView|"
                          rb"selection|sheetFormatPr|sheetPr|outlinePr|pageSetUpPr|pageMargins)([\s/>])",
                          rb"<\1x:\2\3", blob).replace(b"<x:worksheet xmlns=", b"<x:worksheet xmlns:x=")
        return blob
    _changed(path, DIARY_XML, change)
    before = digests(folder)
    report = validated(folder)
    [issue] = _issues(report, "坏.xlsx")
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("file-corrupt", "联户日记", "F3"), issue
    assert f"“{index.decode()}”" in issue["message"] and "共享文本" in issue["message"]
    assert not ENGLISH.search(issue["message"])
    assert _file(report, "坏.xlsx")["kind"] == "unreadable" and _file(report, "好.xlsx")["counted"] == 5
    assert digests(folder) == before


@pytest.mark.parametrize("spelt", ["t-first", "spaced"])
def test_shared_text_cells_written_another_way_are_read_as_before(tmp_path, spelt):
    """Whole indexes in cells written otherwise (t before s, line breaks between the tags): the
    book is read, every row counted."""
    path = _planted(_marked_book(tmp_path / "别样.xlsx"), {}, sst=True)

    def change(blob: bytes) -> bytes:
        if spelt == "t-first":
            return re.sub(rb'<c r="([A-Z]+\d+)"( s="\d+")? t="s">', rb'<c r="\1" t="s"\2>', blob)
        return re.sub(rb't="s"><v>', b't="s">\n  <v>', blob)
    _changed(path, DIARY_XML, change)
    _changed(path, CARD_XML, change)
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "别样.xlsx")["counted"] == 4, report["issues"]


# --- a row written twice ---------------------------------------------------------------------------------


def test_a_row_written_twice_is_refused_at_the_row(tmp_path):
    """A script appending a row again (row 3 written a second time, with another card's values):
    calamine keeps the later cell of each address, so the first card was read as XY-009 with the
    other's household, exit 0, XY-001 gone without a word. Refused at the row."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    path = write_book(folder / "重行.xlsx", [card("XY-001"), card("XY-002", 户主="李进忠")], [diary("XY-002")])

    def twice(blob: bytes) -> bytes:
        row = re.search(rb'<row r="3".*?</row>', blob).group(0)
        again = row.replace(b"XY-001", b"XY-009")
        assert again != row
        return blob.replace(b"</sheetData>", again + b"</sheetData>")
    _changed(path, CARD_XML, twice)
    before = digests(folder)
    report = validated(folder)
    [issue] = _issues(report, "重行.xlsx")
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("file-corrupt", "联户卡", "A3"), issue
    assert "第 3 行" in issue["message"] and "两遍" in issue["message"] and not ENGLISH.search(issue["message"])
    assert _file(report, "好.xlsx")["counted"] == 5 and digests(folder) == before


def test_rows_out_of_order_but_each_once_are_read(tmp_path):
    """Rows in another order (row 4 before row 3) are each read at their own number by calamine:
    nothing overwritten, the book is read as before."""
    path = write_book(tmp_path / "乱序.xlsx", [card("XY-001"), card("XY-002", 户主="李进忠")], [diary("XY-002")])

    def swapped(blob: bytes) -> bytes:
        three = re.search(rb'<row r="3".*?</row>', blob).group(0)
        four = re.search(rb'<row r="4".*?</row>', blob).group(0)
        return blob.replace(three + four, four + three)
    _changed(path, CARD_XML, swapped)
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "乱序.xlsx")["counted"] == 3, report["issues"]


# --- rows and columns of no size ----------------------------------------------------------------------


def _sized(path: Path, height: bytes | None, width: bytes | None) -> Path:
    """联户日记 with row 4 given ``ht=height`` (no hidden="1") and 担保贷款 (M) ``width``."""
    write_book(path, [card("XY-001")], [diary("XY-001", **{"担保贷款(元)": 50000}),
                                        diary("XY-001", "2010-4-1", **{"担保贷款(元)": 30000})])

    def change(blob: bytes) -> bytes:
        if height is not None:
            blob = blob.replace(b'<row r="4"', b'<row r="4" ht="%s" customHeight="1"' % height, 1)
        if width is not None:
            blob = blob.replace(b"<sheetData>", b'<cols><col min="13" max="13" width="%s" customWidth="1"/>'
                                b"</cols><sheetData>" % width)
        return blob
    return _changed(path, DIARY_XML, change)


@pytest.mark.parametrize("height,width", [(b"0", b"0"), (b"0.0", b"0.5"), (b"0.75", b"0.00")])
def test_rows_and_columns_of_no_size_are_counted_and_said_as_hidden_ones(tmp_path, height, width):
    """A script setting a row's height to 0 (ht="0" customHeight="1") or a column's width to 0
    leaves them invisible in Excel without hidden="1": the 30,000 yuan of row 4 and the whole
    担保贷款 column were counted with nothing said. Said as hidden rows and columns are; the book
    still passes, every row counted."""
    path = _sized(tmp_path / "零.xlsx", height, width)
    before = digests(tmp_path)
    report = validated(tmp_path)
    found = {i["code"]: i for i in report["issues"]}
    assert set(found) == {"hidden-rows", "hidden-columns"}, report["issues"]
    assert (found["hidden-rows"]["sheet"], found["hidden-rows"]["cell"]) == ("联户日记", "A4")
    assert (found["hidden-columns"]["sheet"], found["hidden-columns"]["cell"]) == ("联户日记", "M2")
    assert "行高设成了 0" in found["hidden-rows"]["message"] and "第 4 行" in found["hidden-rows"]["message"]
    assert "M 列（担保贷款(元)）" in found["hidden-columns"]["message"] and "列宽" in found["hidden-columns"]["message"]
    assert report["valid"] and _file(report, path.name)["counted"] == 3
    assert digests(tmp_path) == before


def test_rows_and_columns_of_a_visible_size_say_nothing(tmp_path):
    """Heights and widths of 1 or more (ht="15", "10.5"; width="1", "12.7") are seen: nothing said."""
    _sized(tmp_path / "常规.xlsx", b"10.5", b"1")
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "常规.xlsx")["counted"] == 3, report["issues"]


# --- a stored number cut in two ------------------------------------------------------------------------


@pytest.mark.parametrize("stored", [b"3&#48;00", b"&#51;000", b"<![CDATA[3000]]>", b"3<!-- x -->000", b"3<?x y?>000"])
def test_a_number_cut_by_a_reference_or_a_comment_is_refused_at_its_cell(tmp_path, stored):
    """``<v>3&#48;00</v>`` is XML for 3000, what Excel reads; calamine read the first piece only:
    担保贷款 3 instead of 3000, exit 0, without a word (``&#51;000`` and a CDATA section read as
    empty). Refused at the cell, quoting what the file holds."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    path = write_book(folder / "截断.xlsx", [card("XY-101")], [diary("XY-101", **{"担保贷款(元)": 7777001})])
    _changed(path, DIARY_XML, lambda b: b.replace(b"<v>7777001</v>", b"<v>%s</v>" % stored))
    before = digests(folder)
    report = validated(folder)
    [issue] = _issues(report, "截断.xlsx")
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("file-corrupt", "联户日记", "M3"), issue
    assert f"“{stored.decode()}”" in issue["message"] and not ENGLISH.search(issue["message"])
    assert _file(report, "好.xlsx")["counted"] == 5 and digests(folder) == before


def test_references_in_text_values_and_formulas_are_read_as_before(tmp_path):
    """A formula's text (``IF(A3&lt;&gt;"",2,0)``: the cached 2 read) and an inline text holding
    ``&amp;`` are no number cut in two: read as before."""
    path = write_book(tmp_path / "文字.xlsx", [card("XY-101")],
                      [diary("XY-101", 生产生活情况="MARKT", **{"担保贷款(元)": 7777001, "办实事(件)": 7777002})])
    _changed(path, DIARY_XML, lambda b: re.sub(rb'<c r="L3"([^>]*)><v>7777002</v>', rb'<c r="L3"\1><f>IF(A3&lt;&gt;"",2,0)</f><v>2</v>', b)
             .replace(b"<v>7777001</v>", b"<v>3000</v>").replace(b"<t>MARKT</t>", "<t>缺水 &amp; 缺电</t>".encode()))
    report = validated(tmp_path)
    assert [i["code"] for i in report["issues"]] == [] and _file(report, "文字.xlsx")["counted"] == 2, [i["message"] for i in report["issues"]]


# --- a formula its writer never computed -----------------------------------------------------------------


@pytest.mark.parametrize("stored,said", [(b"0", True), (b"3000", False)], ids=["left-at-0", "computed"])
def test_a_formula_its_writer_left_at_0_is_said_not_counted_as_0(tmp_path, stored, said):
    """XlsxWriter stores 0 as the result of every formula it is not given one for, and asks Excel to
    compute them all on opening (<calcPr fullCalcOnLoad="1"/>): 担保贷款 =1000*3 showed 3000 in
    Excel and was counted as 0, exit 0. Said as a formula without a result (as openpyxl's, which
    store none), the row left out; a result the writer did store (3000) is read as before."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    path = write_book(folder / "公式.xlsx", [card("XY-101")], [diary("XY-101", **{"担保贷款(元)": 7777001})])
    assert b'fullCalcOnLoad="1"' in members_of(path.read_bytes())["xl/workbook.xml"]  # as XlsxWriter writes too
    _changed(path, DIARY_XML, lambda b: b.replace(b"<v>7777001</v>", b"<f>1000*3</f><v>%s</v>" % stored))
    before = digests(folder)
    report = validated(folder)
    if said:
        [issue] = _issues(report, "公式.xlsx")
        assert (issue["code"], issue["sheet"], issue["cell"]) == ("formula-no-value", "联户日记", "M3"), issue
        assert "1000*3" in issue["message"] and not ENGLISH.search(issue["message"])
        assert _file(report, "公式.xlsx")["counted"] == 1  # the card; the diary row left out
    else:
        assert _issues(report, "公式.xlsx") == [] and _file(report, "公式.xlsx")["counted"] == 2
    assert _file(report, "好.xlsx")["counted"] == 5 and digests(folder) == before


def test_a_formula_stored_as_0_in_a_book_not_left_for_excel_is_read(tmp_path):
    """Without fullCalcOnLoad (a book saved by a program that computes its formulas: LibreOffice,
    checked, drops the flag) a stored 0 is the formula's result: read as 0."""
    path = write_book(tmp_path / "已算.xlsx", [card("XY-101")], [diary("XY-101", **{"担保贷款(元)": 7777001})])
    _changed(path, DIARY_XML, lambda b: b.replace(b"<v>7777001</v>", b"<f>A3*0</f><v>0</v>"))
    _changed(path, "xl/workbook.xml", lambda b: b.replace(b' fullCalcOnLoad="1"', b""))
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, "已算.xlsx")["counted"] == 2, report["issues"]


def test_a_number_cut_in_two_is_found_after_many_references_in_texts(tmp_path):
    """Forty visits whose 生产生活情况 says 缺水 & 缺电 (``&amp;`` in each inline text) before the
    number cut in two: past the first 32 & the rest is searched in one pass, from the tag holding
    the next one, and the cut number is still found."""
    visits = [diary("XY-101", f"2010-3-{1 + i % 28}", 生产生活情况="缺水 & 缺电", 发现问题=f"问题{i}",
                    解决办法="打井", 办理结果="协调解决") for i in range(40)]
    path = write_book(tmp_path / "多符号.xlsx", [card("XY-101")],
                      visits + [diary("XY-101", "2010-4-1", **{"担保贷款(元)": 7777001})])
    assert members_of(path.read_bytes())[DIARY_XML].count(b"&amp;") == 40
    _changed(path, DIARY_XML, lambda b: b.replace(b"<v>7777001</v>", b"<v>3&#48;00</v>"))
    [issue] = validated(tmp_path)["issues"]
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("file-corrupt", "联户日记", "M43"), issue


# --- a value its format shows as nothing ------------------------------------------------------------------


@pytest.mark.parametrize("code", [";;;", ";;"])
def test_values_a_format_shows_as_nothing_are_counted_and_said(tmp_path, code):
    """担保贷款 50,000 formatted ``;;;`` (设置单元格格式 → 自定义, the classic way to hide a value):
    Excel shows an empty cell, the reader counted 50,000 with nothing said. Said once a sheet, at
    the first such cell, as hidden rows and columns are; the book still passes. A cell so
    formatted that holds nothing read (帮耕帮畜 left empty) is not said."""
    import openpyxl

    path = write_book(tmp_path / "隐形.xlsx", [card("XY-101")],
                      [diary("XY-101", **{"担保贷款(元)": 50000}), diary("XY-101", "2010-4-1", **{"担保贷款(元)": 20000})])
    wb = openpyxl.load_workbook(path)
    for ref in ("M3", "M4", "N3"):  # N3: 帮耕帮畜, empty: given the format, no value
        wb["联户日记"][ref].number_format = code
    wb.save(path)
    before = digests(tmp_path)
    report = validated(tmp_path)
    [issue] = report["issues"]
    assert (issue["code"], issue["severity"], issue["sheet"], issue["cell"]) == (
        "unshown-cells", "notice", "联户日记", "M3"), issue
    assert "M3、M4 单元格" in issue["message"] and "N3" not in issue["message"] and not ENGLISH.search(issue["message"])
    assert report["valid"] and _file(report, path.name)["counted"] == 3 and digests(tmp_path) == before


def test_formats_with_sections_that_show_something_say_nothing(tmp_path):
    """A format with empty sections that still shows the number (``#,##0;;``: zero shown blank,
    ``0;-0;;@``) is no hidden value."""
    import openpyxl

    path = write_book(tmp_path / "常规格式.xlsx", [card("XY-101")], [diary("XY-101", **{"担保贷款(元)": 50000})])
    wb = openpyxl.load_workbook(path)
    wb["联户日记"]["M3"].number_format = "#,##0;;"
    wb["联户日记"]["L3"].number_format = "0;-0;;@"
    wb.save(path)
    report = validated(tmp_path)
    assert report["issues"] == [] and _file(report, path.name)["counted"] == 2, report["issues"]
