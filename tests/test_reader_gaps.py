"""Four reader gaps the session-4 audits left open (notes/hostile-bugs-s4, notes/realworld-bugs-s4):
a book in the 1904 date system whose date cell lost its format, a NaN in a date cell, attributes
written with spaces around "=", and one broken cell or part that cost the whole file without a
word on which.

Each test builds its workbooks (openpyxl, then the zip's XML rewritten where a test needs what no
program writes) and checks what the clerk sees: the dates and totals counted, the issue's code and
cell, a Chinese message naming the part or cell.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from bookfactory import CARD_LABELS, DIARY_LABELS, card, diary, write_book
from click.testing import CliRunner
from hostile import CARD_XML, DIARY_XML, good_book, members_of, rezip
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from lianhu_xl.book import check_file
from lianhu_xl.cli import cli

CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*args: object):
    return CliRunner(env={"LIANHU_CACHE": "off"}).invoke(cli, [str(a) for a in args])


def validated(folder: Path) -> dict:
    result = run("validate", folder, "--json", "-j", "1", "--no-cache")
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


def issues_of(report: dict, file: str) -> list[dict]:
    return [i for i in report["issues"] if i["file"] == file]


def summary_of(report: dict, file: str) -> dict:
    return next(f for f in report["files"] if f["file"] == file)


def rewrite_cell(parts: dict[str, bytes], part: str, ref: str, xml: bytes) -> None:
    """Put ``xml`` in place of cell ``ref`` (which must be there) of a sheet part."""
    new, n = re.subn(rb'<c r="' + ref.encode() + rb'"[^>]*?(?:/>|>.*?</c>)', xml.replace(b"\\", b"\\\\"),
                     parts[part], count=1)
    assert n == 1, ref
    parts[part] = new


def append_row(parts: dict[str, bytes], part: str, row_xml: bytes) -> None:
    sheet = parts[part]
    at = sheet.index(b"</sheetData>")
    parts[part] = sheet[:at] + row_xml + sheet[at:]


# --- 1. the 1904 date system ------------------------------------------------------------------


def mac_book(path: Path, diaries: list[tuple[object, str]], *, epoch1904: bool = True,
             review: tuple[object, str] | None = None) -> Path:
    """One card (结对日期 2010-3-5, date-formatted) and a diary row per (value, number format) for
    日期, in a book saved with the 1904 date system (old Mac Excel) unless ``epoch1904`` is False.
    ``review``: the first diary row's 调阅日期 and its format."""
    wb = openpyxl.Workbook()
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "联户卡"
    ws.append(CARD_LABELS)
    row = card("M1", 结对日期=dt.datetime(2010, 3, 5))
    ws.append([row.get(label) for label in CARD_LABELS])
    ws.cell(2, CARD_LABELS.index("结对日期") + 1).number_format = "yyyy-mm-dd"
    d = wb.create_sheet("联户日记")
    d.append(DIARY_LABELS)
    date_col = DIARY_LABELS.index("日期") + 1
    for n, (value, fmt) in enumerate(diaries, start=2):
        extra = {"调阅人": "张书记", "调阅日期": review[0]} if review and n == 2 else {}
        row = diary("M1", value, **extra)
        d.append([row.get(label) for label in DIARY_LABELS])
        d.cell(n, date_col).number_format = fmt
        if extra:
            d.cell(n, DIARY_LABELS.index("调阅日期") + 1).number_format = review[1]  # type: ignore[index]
    wb.save(path)
    return path


def test_a_1904_book_counts_the_visits_whose_date_format_was_cleared(tmp_path):
    """A 1904-system book (old Mac Excel) whose June date was cleared to 常规 and whose July date
    shows only the weekday: both were read 4 years and a day early (2006-06-05, 2006-07-05),
    outside the 2010 period, and only April and May were counted."""
    source = mac_book(tmp_path / "苹果.xlsx", [(dt.datetime(2010, 4, 6), "yyyy-mm-dd"),
                                              (dt.datetime(2010, 5, 6), "yyyy/m/d"),
                                              (dt.datetime(2010, 6, 6), "General"),
                                              (dt.datetime(2010, 7, 6), "[$-804]aaaa")])
    assert b'date1904="1"' in members_of(source.read_bytes())["xl/workbook.xml"]
    out = tmp_path / "汇总表.xlsx"
    result = run("consolidate", source, "-o", out, "--period", "2010", "--json", "-q", "-j", "1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["issues"] == []  # no before-link-date, nothing out of the period
    rows = list(openpyxl.load_workbook(out, read_only=True)["汇总"].iter_rows(values_only=True))
    at = next(n for n, r in enumerate(rows) if r and r[0] == "单位")
    total = dict(zip(rows[at], next(r for r in rows[at + 1:] if r and r[0] == "合计"), strict=False))
    assert (total["入户访谈"], total["实访谈月数"]) == (4, 4)


def test_dates_of_a_1904_book_are_read_as_they_show_and_a_1900_book_is_left_alone(tmp_path):
    """Dates with a date format are converted by the reader library with the book's epoch (not
    shifted twice), a bare serial is a 1904 serial, a date typed as digits is a date; the same
    bare serial in an ordinary (1900) book stays a 1900 serial."""
    values = [(dt.datetime(2010, 4, 6), "yyyy-mm-dd"), (dt.datetime(2010, 6, 6), "General"),
              (20100807, "General")]
    mac = check_file(mac_book(tmp_path / "苹果.xlsx", values, review=(dt.datetime(2010, 9, 30), "General")),
                     "苹果.xlsx")
    assert [i.code for i in mac.issues] == []
    assert [r.model.link_date for r in mac.cards] == [dt.date(2010, 3, 5)]
    assert [r.model.date for r in mac.diaries] == [dt.date(2010, 4, 6), dt.date(2010, 6, 6), dt.date(2010, 8, 7)]
    assert mac.diaries[0].model.review_date == dt.date(2010, 9, 30)

    serial = 40335  # 2010-06-06 in the 1900 system; 2014-06-07 in the 1904 one
    pc = check_file(mac_book(tmp_path / "电脑.xlsx", [(serial, "General")], epoch1904=False), "电脑.xlsx")
    assert [r.model.date for r in pc.diaries] == [dt.date(2010, 6, 6)]


# --- 2. NaN in a date cell ----------------------------------------------------------------------


def test_a_nan_in_a_date_cell_is_a_bad_date_at_its_cell_not_a_date_in_1899(tmp_path):
    """<v>NaN</v> in a date-formatted cell (a script can write it) is read by the reader library as
    1899-12-30 00:00: the card was counted as linked in 1899 (its months expected from 1899), the
    visit as one in 1899. Now each is a bad-date at its cell saying what to type."""
    book = write_book(tmp_path / "非数.xlsx", [card("XY-001"), card("XY-002")],
                      [diary("XY-002"), diary("XY-002", dt.date(2010, 4, 6))])
    parts = members_of(book.read_bytes())
    for part, ref in ((CARD_XML, "N3"), (DIARY_XML, "B3")):  # 结对日期 of XY-001, 日期 of the first visit
        style = re.search(rb'<c r="' + ref.encode() + rb'"( s="\d+")', parts[part])
        assert style, ref  # date-formatted
        rewrite_cell(parts, part, ref, b'<c r="' + ref.encode() + b'"' + style.group(1) + b"><v>NaN</v></c>")
    rezip(book, parts)
    report = validated(tmp_path)
    errors = [i for i in issues_of(report, "非数.xlsx") if i["severity"] == "error"]
    assert [(i["code"], i["sheet"], i["cell"]) for i in errors] == [("bad-date", "联户卡", "N3"),
                                                                    ("bad-date", "联户日记", "B3")]
    for issue in errors:
        assert "2010-9-6" in issue["message"] and CJK.search(issue["message"])
    summary = summary_of(report, "非数.xlsx")
    assert (summary["counted"], summary["excluded"]) == (2, 2)  # XY-002 and its April visit


# --- 3. attributes with spaces around "=" -------------------------------------------------------


@pytest.mark.parametrize("cell,code", [
    (b'<c r="M3" t = "e"><v>#DIV/0!</v></c>', "cell-error"),
    (b'<c r="M3" t= "e"><v>#N/A</v></c>', "cell-error"),
    (b'<c r="M3" t\n=\n"e"><v>#VALUE!</v></c>', "cell-error"),
    (b"<c r = 'M3' t = 'e'><v>#REF!</v></c>", "cell-error"),
    (b'<c r = "M3"><f>L3*2</f></c>', "formula-no-value"),
    (b'<c r ="M3"><f>L3*2</f><v></v></c>', "formula-no-value"),
    (b'<c r\t=\t"M3"><f>L3*2</f></c>', "formula-no-value"),
], ids=["t-spaced", "t-space-after", "t-line-breaks", "single-quoted-spaced", "r-spaced", "r-space-before",
        "r-tabs"])
def test_a_cell_read_as_blank_is_said_however_its_attributes_are_spaced(tmp_path, cell, code):
    """XML allows spaces (and tabs, line breaks) around "=": <c r="M3" t = "e">. The reader library
    reads such a cell as blank, the guard's patterns missed it: a loan showing #DIV/0! was
    counted as no loan, without a word."""
    book = write_book(tmp_path / "空格.xlsx", [card("XY-001")], [diary("XY-001", **{"担保贷款(元)": 3000})])
    parts = members_of(book.read_bytes())
    rewrite_cell(parts, DIARY_XML, "M3", cell)
    rezip(book, parts)
    report = validated(tmp_path)
    errors = [(i["code"], i["sheet"], i["cell"]) for i in issues_of(report, "空格.xlsx") if i["severity"] == "error"]
    assert errors == [(code, "联户日记", "M3")]
    summary = summary_of(report, "空格.xlsx")
    assert (summary["counted"], summary["excluded"]) == (1, 1)


def test_spaces_in_a_formula_with_its_value_are_no_problem(tmp_path):
    """A formula typed with spaces (=L3 * 3000) holds its value: read and counted, nothing said,
    though the guard now reads the sheet cell by cell. (The value is what the formula gives:
    a result that is not is formula-stale, tests/test_hostile_s11.py.)"""
    book = write_book(tmp_path / "公式.xlsx", [card("XY-001")],
                      [diary("XY-001", **{"办实事(件)": 1, "担保贷款(元)": 3000})])
    parts = members_of(book.read_bytes())
    rewrite_cell(parts, DIARY_XML, "M3", b'<c r="M3"><f>L3 * 3000</f><v>3000</v></c>')
    rezip(book, parts)
    report = validated(tmp_path)
    assert issues_of(report, "公式.xlsx") == []
    assert summary_of(report, "公式.xlsx")["counted"] == 2


def test_a_row_hidden_with_a_spaced_attribute_is_said(tmp_path):
    """<row r="4" hidden = "1">: the clerk does not see the row in Excel, it is counted; the
    hidden-rows notice looked for ``hidden=`` only."""
    book = write_book(tmp_path / "隐藏.xlsx", [card("XY-001")],
                      [diary("XY-001"), diary("XY-001", dt.date(2010, 4, 6))])
    parts = members_of(book.read_bytes())
    parts[DIARY_XML], n = re.subn(rb'<row r="4"', b'<row r="4" hidden = "1"', parts[DIARY_XML], count=1)
    assert n == 1
    rezip(book, parts)
    report = validated(tmp_path)
    assert [(i["code"], i["cell"]) for i in issues_of(report, "隐藏.xlsx")] == [("hidden-rows", "A4")]


# --- 4. one broken cell or part -----------------------------------------------------------------


def bool_two(parts):
    rewrite_cell(parts, CARD_XML, "A3", b'<c r="A3" t="b"><v>2</v></c>')


def bool_two_after_many_bs(parts):  # past the first 32 b's of the sheet, spaced and single-quoted
    append_row(parts, CARD_XML, b'<row r="89"><c r="W89" t="inlineStr"><is><t>' + b"bob " * 40 + b"</t></is></c></row>"
               b'<row r="90"><c r="A90" t = \'b\'><v>yes</v></c></row>')


def shared_strings_missing(parts):  # a text cell pointing into a shared-string table the file lacks
    append_row(parts, CARD_XML, b'<row r="90"><c r="A90" t="s"><v>0</v></c></row>')
    assert "xl/sharedStrings.xml" not in parts


def shared_string_past_the_table(parts):  # index 5 of a table of one (calamine drops the whole book)
    parts["xl/sharedStrings.xml"] = (b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                                     b'count="1" uniqueCount="1"><si><t>x</t></si></sst>')
    append_row(parts, CARD_XML, b'<row r="90"><c r="A90" t="s"><v>5</v></c></row>')


def sheet_part_missing(parts):
    parts.pop(DIARY_XML)


def relationship_outside(parts):
    rels = "xl/_rels/workbook.xml.rels"
    parts[rels] = parts[rels].replace(b"worksheets/sheet2.xml", b"../../etc/passwd")


def relationship_unknown(parts):
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b'r:id="rId2"', b'r:id="rId99"')


@pytest.mark.parametrize("change,sheet,cell,says", [
    (bool_two, "联户卡", "A3", "“2”"),
    (bool_two_after_many_bs, "联户卡", "A90", "“yes”"),
    (shared_strings_missing, "联户卡", "A90", "xl/sharedStrings.xml"),
    (shared_string_past_the_table, "联户卡", "A90", "第 6 条共享文本"),
    (sheet_part_missing, "联户日记", None, "xl/worksheets/sheet2.xml"),
    (relationship_outside, "联户日记", None, "不在文件里"),
    (relationship_unknown, "联户日记", None, "联户日记"),
], ids=lambda x: getattr(x, "__name__", None))
def test_a_broken_cell_or_part_is_named(tmp_path, change, sheet, cell, says):
    """Each of these makes the reader library fail the whole book; it was said as a generic
    reader-crashed (“文件内部结构不标准”), so nobody knew what to look at. Now the guard names the
    sheet (and cell) as file-corrupt, and the other books of the batch are counted."""
    good_book(tmp_path / "好.xlsx")
    parts = members_of((tmp_path / "好.xlsx").read_bytes())
    change(parts)
    rezip(tmp_path / "坏.xlsx", parts)
    result = run("validate", tmp_path, "--json", "-j", "1", "--no-cache")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    [issue] = issues_of(report, "坏.xlsx")
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("file-corrupt", sheet, cell)
    assert says in issue["message"] and "Excel 或 WPS" in issue["message"], issue["message"]
    assert summary_of(report, "坏.xlsx")["kind"] == "unreadable"
    assert summary_of(report, "好.xlsx")["counted"] == 5


@pytest.mark.parametrize("value", [b"1", b"0", b"true", b"FALSE", b" 1 ", b""])
def test_true_false_cells_the_reader_takes_are_read(tmp_path, value):
    """TRUE/FALSE cells hold 0 or 1 (the reader library also takes true/false, any case, and
    spaces): such a book is read, not refused."""
    book = write_book(tmp_path / "逻辑.xlsx", [card("XY-001")], [diary("XY-001")])
    parts = members_of(book.read_bytes())
    append_row(parts, DIARY_XML, '<row r="4"><c r="A4" t="inlineStr"><is><t>XY-001</t></is></c>'
               '<c r="B4" t="inlineStr"><is><t>2010-4-6</t></is></c>'
               '<c r="E4" t="inlineStr"><is><t>电话联系</t></is></c>'.encode()
               + b'<c r="H4" t="b"><v>' + value + b"</v></c></row>")
    rezip(book, parts)
    report = validated(tmp_path)
    assert [i["code"] for i in issues_of(report, "逻辑.xlsx") if i["severity"] == "error"] == []
    assert summary_of(report, "逻辑.xlsx")["counted"] == 3
