"""A third look at broken and hostile files and collection folders (see tests/test_hostile.py
for the corpus): files saved by other programs under a workbook's name, parts missing or
pointing elsewhere, odd values written raw, and outputs aimed at the files being read.

Each test builds its files, runs the real command through click's CliRunner (or the batch
with two workers where a native reader might die) and checks what the clerk sees: one
Chinese message naming the file (and cell), the exit code, and nothing lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import sys
import zipfile
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book
from hostile import (
    DIARY_XML,
    error_value,
    formulas_without_values,
    good_book,
    good_bytes,
    members_of,
    patched,
    rezip,
    run,
    validated,
)

CJK = re.compile(r"[\u4e00-\u9fff]")
# what a message must never carry: a library's English (ParseError: "unclosed token: line 1, column 5")
ENGLISH = re.compile(r"Error|Exception|Traceback|errno|token|line \d|column \d|\bfile\b", re.I)


def issues_of(report: dict, file: str) -> list[dict]:
    return [i for i in report["issues"] if i["file"] == file]


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


# --- a value the reader hands back that no message could show ------------------------------------


def test_a_time_typed_into_the_date_column_is_an_error_at_its_cell_not_a_lost_file(tmp_path):
    """9:30 typed into 日期 is a time of day (calamine: datetime.time). Showing it in the message
    raised ValueError (time.isoformat has no separator), so the whole file was reader-crashed."""
    write_book(tmp_path / "时间.xlsx", [card("XY-001")],
               [diary("XY-001"), diary("XY-001", dt.time(9, 30)), diary("XY-001", "2010-4-2")])
    report = validated(tmp_path)
    own = issues_of(report, "时间.xlsx")
    assert [(i["code"], i["sheet"], i["cell"]) for i in own if i["severity"] == "error"] == [
        ("bad-date", "联户日记", "B4")]
    assert "“09:30”" in own[0]["message"]
    summary = report["files"][0]
    assert (summary["card_rows"], summary["diary_rows"], summary["counted"], summary["excluded"]) == (1, 3, 3, 1)


# --- outputs aimed at the files being read --------------------------------------------------------


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "收集"
    good_book(folder / "下营村.xlsx")
    write_book(folder / "江淮村.xlsx", [card("JH-001", 村="江淮村")], [diary("JH-001")])
    return folder


@pytest.mark.parametrize("command", [
    ["consolidate", "{src}", "-o", "{src}/下营村.xlsx"],
    ["consolidate", "{src}/下营村.xlsx", "{src}/江淮村.xlsx", "-o", "{src}/下营村.xlsx"],
    ["validate", "{src}", "--report", "{src}/下营村.xlsx"],
    ["validate", "{src}/下营村.xlsx", "--report", "{src}/下营村.xlsx"],
], ids=["consolidate-folder", "consolidate-files", "report-folder", "report-file"])
def test_an_output_named_like_a_source_never_replaces_it(collection, command):
    """consolidate -o and validate --report dropped the file at the output's path from the inputs
    (taking it for an earlier output) and then wrote over it: a village's register replaced by a
    汇总表 or a 问题清单. Now the run stops (exit 2) and says so."""
    before = digest(collection / "下营村.xlsx")
    result = run(*[a.format(src=collection) for a in command])
    assert result.exit_code == 2, result.output
    assert "下营村.xlsx" in result.output and "覆盖" in result.output and "Traceback" not in result.output
    assert digest(collection / "下营村.xlsx") == before
    assert sorted(p.name for p in collection.iterdir()) == ["下营村.xlsx", "江淮村.xlsx"]


def test_a_report_kept_in_the_collection_folder_is_not_read_as_a_submission(collection):
    """The second run found the first run's 问题清单.xlsx among the books: 未读取, an error, exit 1."""
    for _ in range(2):
        result = run("validate", collection, "--report", collection / "问题清单.xlsx", "--no-cache")
        assert result.exit_code == 0, result.output
        assert "问题清单.xlsx  未读取" not in result.output


def test_annotated_copies_inside_the_collection_folder_are_refused(collection):
    """Copies written to 收集/退回 were read by the next run as second submissions of the same
    cards (conflicting-card on both, every copy left out)."""
    write_book(collection / "乙.xlsx", [card("YI-001", 家庭人口="很多")], [diary("YI-001")])
    before = {p.name: digest(p) for p in collection.iterdir()}
    result = run("validate", collection, "--annotate", collection / "退回")
    assert result.exit_code == 2, result.output
    assert "--annotate" in result.output and "Traceback" not in result.output
    assert {p.name: digest(p) for p in collection.iterdir()} == before  # nothing written


@pytest.mark.parametrize("option", ["-o", "--report"])
def test_an_output_path_the_system_refuses_is_said_in_chinese(collection, tmp_path, option):
    """A file name past the system's limit (255 bytes: 86 Chinese characters) raised OSError
    outside write_atomic's guard: 程序出错（OSError: [Errno 36] File name too long…）."""
    out = tmp_path / ("长" * 100 + ".xlsx")
    command = "consolidate" if option == "-o" else "validate"
    result = run(command, collection, option, out)
    assert result.exit_code == 2, result.output
    assert "无法完成" in result.output and "路径太长" in result.output
    assert "Errno" not in result.output and "程序出错" not in result.output and "Traceback" not in result.output


# --- files that are something else under a workbook's name -----------------------------------------

SPREADSHEET_2003 = (  # Excel's "XML 电子表格 2003" save (File → Save As → XML Spreadsheet 2003)
    '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
    '<Worksheet ss:Name="联户卡"><Table><Row><Cell><Data ss:Type="String">卡号</Data></Cell></Row></Table>'
    '</Worksheet></Workbook>').encode()
DISGUISED = {
    "XML2003.xlsx": (SPREADSHEET_2003, "XML 电子表格 2003"),
    "XML2003改名.xls": (SPREADSHEET_2003, "XML 电子表格 2003"),
    "单个网页.xls": (b"MIME-Version: 1.0\r\nX-Document-Type: Workbook\r\nContent-Type: multipart/related; "
                 b"boundary=\"----=_NextPart_01D\"\r\n\r\n", ".mht"),
    "带BOM的网页.xlsx": (b"\xef\xbb\xbf<html><body><table><tr><td>" + "卡号".encode() + b"</td></tr></table></body></html>",
                     "网页"),
    "只有表格的网页.xls": ("<table><tr><td>卡号</td></tr></table>".encode("gbk"), "网页"),
    "Unicode文本.xlsx": ("卡号\t联系人\nXY-001\t王明\n".encode("utf-16"), "Unicode 文本"),
}


def test_files_saved_as_something_else_say_what_they_are(tmp_path):
    """Each is refused (not-a-workbook) with what it really is, so the clerk knows how it was
    saved: an Excel 2003 XML book, a web page with a byte-order mark, Excel's "Unicode 文本"
    were told "纯文本，可能是 CSV" or "无法识别"."""
    for name, (data, _) in DISGUISED.items():
        (tmp_path / name).write_bytes(data)
    good_book(tmp_path / "好.xlsx")
    report = validated(tmp_path)
    for name, (_, says) in DISGUISED.items():
        (issue,) = issues_of(report, name)
        assert issue["code"] == "not-a-workbook" and says in issue["message"], issue["message"]
        assert "CSV" not in issue["message"] and "无法识别" not in issue["message"]
    assert next(f for f in report["files"] if f["file"] == "好.xlsx")["counted"] == 5


def _strict(path: Path) -> Path:
    """The same book as Excel's "Strict Open XML 电子表格" save writes it: other namespaces."""
    parts = members_of(path.read_bytes())
    for name, blob in parts.items():
        parts[name] = blob.replace(b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
                                   b"http://purl.oclc.org/ooxml/spreadsheetml/main").replace(
            b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
            b"http://purl.oclc.org/ooxml/officeDocument/relationships")
    return rezip(path, parts)


@pytest.mark.parametrize("build,code,value", [(error_value, "cell-error", "#DIV/0!"),
                                              (formulas_without_values, "formula-no-value", "=1000*3")],
                         ids=["error-value", "formula-without-value"])
def test_a_strict_open_xml_book_says_its_cells_without_a_value(tmp_path, build, code, value):
    """calamine reads Strict books, but the guard looked for sheets under the usual namespaces
    only, found none, and so never listed the cells read as blank: a loan showing #DIV/0! was
    counted as no loan, without a word."""
    build(tmp_path / "严格.xlsx")
    _strict(tmp_path / "严格.xlsx")
    report = validated(tmp_path)
    errors = [(i["code"], i["sheet"], i["cell"], i["value"]) for i in issues_of(report, "严格.xlsx")
              if i["severity"] == "error"]
    assert errors == [(code, "联户日记", "M3", value)]
    summary = report["files"][0]
    assert (summary["card_rows"], summary["diary_rows"], summary["counted"], summary["excluded"]) == (1, 1, 1, 1)


def test_two_sheets_of_one_name_are_refused_not_half_read(tmp_path):
    """Excel never saves two sheets of one name; a script can. The reader took the first 联户卡
    and the other one's rows (here the diary) vanished: 通过 with 0 diary rows. The file is now
    refused whole, saying why; the book beside it is read, with two workers too."""
    patched(tmp_path / "同名.xlsx", xl_workbook_xml=lambda b: b.replace("联户日记".encode(), "联户卡".encode()))
    patched(tmp_path / "大小写.xlsx", xl_workbook_xml=lambda b: b.replace("联户日记".encode(), b"Sheet1").replace(
        "联户卡".encode(), b"SHEET1"))
    good_book(tmp_path / "好.xlsx")
    result = run("validate", tmp_path, "--json", "-j", "2", "--no-cache")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    (same,) = issues_of(report, "同名.xlsx")
    assert same["code"] == "file-corrupt" and "都叫“联户卡”" in same["message"]
    (case,) = issues_of(report, "大小写.xlsx")
    assert case["code"] == "file-corrupt" and "只差大小写" in case["message"]
    assert next(f for f in report["files"] if f["file"] == "好.xlsx")["counted"] == 5


@pytest.mark.parametrize("part", ["xl/workbook.xml", "xl/_rels/workbook.xml.rels"])
def test_a_structure_part_cut_short_is_said_in_chinese_naming_the_part(tmp_path, part):
    """ElementTree's English (“unclosed token: line 1, column 504”) was the message, and a broken
    .rels part was called workbook.xml."""
    parts = members_of(good_bytes())
    parts[part] = parts[part][:-30]
    rezip(tmp_path / "截断.xlsx", parts)
    (issue,) = issues_of(validated(tmp_path), "截断.xlsx")
    assert issue["code"] == "file-corrupt" and part in issue["message"], issue["message"]
    assert CJK.search(issue["message"]) and not ENGLISH.search(issue["message"].replace(part, "")), issue["message"]


def test_a_register_saved_as_xml_spreadsheet_2003_in_the_folder_is_named(tmp_path):
    """下营村.xml saved as “XML 电子表格 2003” was skipped without a word (only workbook suffixes
    were collected): validate said 通过 and the village was missing from the totals. Other .xml
    files (a program's settings) stay quiet."""
    (tmp_path / "下营村.xml").write_bytes(SPREADSHEET_2003)
    (tmp_path / "设置.xml").write_bytes(b'<?xml version="1.0"?><settings/>')
    good_book(tmp_path / "江淮村.xlsx")
    report = validated(tmp_path)
    assert [(i["file"], i["code"]) for i in report["issues"] if i["severity"] == "error"] == [
        ("下营村.xml", "not-a-workbook")]
    assert "XML 电子表格 2003" in issues_of(report, "下营村.xml")[0]["message"]
    result = run("consolidate", tmp_path, "-o", tmp_path.parent / "汇总表.xlsx")
    assert result.exit_code == 1 and "下营村.xml" in result.output, result.output


def test_a_county_total_named_like_a_township_total_never_replaces_it(tmp_path):
    """Rolling townships' 汇总表 up into a county's, `-o 各乡/甲乡.xlsx` (or 汇总表.xlsx, the name every
    township's totals get by default) took 甲乡's totals for an earlier output of this run: left out
    without a word (共 1 个文件) and overwritten. A county total kept in the folder is still
    replaced on the next run, and not counted as a township."""
    towns = tmp_path / "各乡"
    for town in ("甲乡", "乙乡"):
        write_book(tmp_path / town / "下营村.xlsx", [card(f"{town}-001")], [diary(f"{town}-001")])
        assert run("consolidate", tmp_path / town, "-o", towns / f"{town}.xlsx", "--title", town).exit_code == 0
    before = digest(towns / "甲乡.xlsx")
    result = run("consolidate", towns, "-o", towns / "甲乡.xlsx", "--title", "临泽县")
    assert result.exit_code == 2 and "覆盖" in result.output, result.output
    assert digest(towns / "甲乡.xlsx") == before
    for _ in range(2):
        result = run("consolidate", towns, "-o", towns / "县.xlsx", "--title", "临泽县", "--json")
        assert result.exit_code == 0, result.output
        assert sorted(f["file"] for f in json.loads(result.stdout)["files"]) == ["乙乡.xlsx", "甲乡.xlsx"]


def test_the_template_never_replaces_a_filled_in_book(tmp_path):
    """Cadres keep the template's name (联户带创登记簿.xlsx); `lianhu template` run again in their
    folder replaced their filled book with an empty one, exit 0. An empty template is still
    replaced (a second run), and a new name or folder works as before."""
    assert run("template", "-o", tmp_path).exit_code == 0
    assert run("template", "-o", tmp_path).exit_code == 0  # an empty template: replaced
    book = tmp_path / "联户带创登记簿.xlsx"
    write_book(book, [card("XY-001")], [diary("XY-001"), diary("XY-001", "2010-4-2")])
    before = digest(book)
    for out in (tmp_path, book):
        result = run("template", "-o", out)
        assert result.exit_code == 2, result.output
        assert "联户卡 1 行、联户日记 2 行" in result.output and "覆盖" in result.output
        assert digest(book) == before
    (tmp_path / "其他.xlsx").write_bytes(b"not a workbook")
    assert run("template", "-o", tmp_path / "其他.xlsx").exit_code == 2
    assert run("template", "-o", tmp_path / "新.xlsx").exit_code == 0


def test_the_template_button_never_replaces_a_filled_in_book(tmp_path, monkeypatch):
    """The Excel button (汇总台 → 生成模板) writes to the 输出文件夹 of its 设置 sheet, where the
    filled books may well lie: the same refusal, in a message box."""
    import sys

    import fake_xlwings
    from test_xl import console_book

    from lianhu_xl import xl

    fake_xlwings.reset()
    monkeypatch.setitem(sys.modules, "xlwings", fake_xlwings)
    book_path = tmp_path / "发给各村" / "联户带创登记簿.xlsx"
    write_book(book_path, [card("XY-001")], [diary("XY-001")])
    before = digest(book_path)
    book = console_book(tmp_path, 输出文件夹=str(book_path.parent))
    xl.make_template()
    [box] = book.app.alerts
    assert box["mode"] == "critical" and "联户卡 1 行" in box["prompt"] and "Traceback" not in box["prompt"]
    assert digest(book_path) == before
    fake_xlwings.reset()


@pytest.mark.parametrize("which", ["every-part", "sheets-only"])
def test_a_zip_with_backslash_names_is_read_and_its_error_cells_said(tmp_path, which):
    """Old Windows tools (.NET before 4.6.1) store xl\\workbook.xml. calamine reads such a book;
    the guard refused it as 不是 .xlsx 工作簿（缺少 xl/workbook.xml）, or, with only the sheets so
    named, never found their cells: a loan showing #DIV/0! was counted as no loan."""
    error_value(tmp_path / "源.xlsx")
    parts = members_of((tmp_path / "源.xlsx").read_bytes())
    (tmp_path / "源.xlsx").unlink()
    with zipfile.ZipFile(tmp_path / "反斜杠.xlsx", "w", zipfile.ZIP_DEFLATED) as zf:
        for name, blob in parts.items():
            zf.writestr(name.replace("/", "\\") if which == "every-part" or "worksheets" in name else name, blob)
    report = validated(tmp_path)
    errors = [(i["code"], i["sheet"], i["cell"]) for i in issues_of(report, "反斜杠.xlsx") if i["severity"] == "error"]
    assert errors == [("cell-error", "联户日记", "M3")]
    summary = report["files"][0]
    assert (summary["card_rows"], summary["diary_rows"], summary["counted"], summary["excluded"]) == (1, 1, 1, 1)


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA], ids=["bzip2", "lzma"])
def test_a_zip_compressed_another_way_is_said_as_such(tmp_path, method):
    """zipfile (the guard) inflates bzip2 and LZMA members, calamine does not: the file was
    reader-crashed (“读取程序无法理解”). Now it is refused as compressed in a way Excel never uses;
    the book beside it is read, with two workers."""
    with zipfile.ZipFile(tmp_path / "另一种压缩.xlsx", "w", method) as zf:
        for name, blob in members_of(good_bytes()).items():
            zf.writestr(name, blob)
    good_book(tmp_path / "好.xlsx")
    result = run("validate", tmp_path, "--json", "-j", "2", "--no-cache")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    (issue,) = issues_of(report, "另一种压缩.xlsx")
    assert issue["code"] == "file-corrupt" and "不支持的压缩方式" in issue["message"]
    assert next(f for f in report["files"] if f["file"] == "好.xlsx")["counted"] == 5


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="file names as raw bytes: Linux")
def test_two_files_whose_names_show_alike_are_counted_each_on_its_own(tmp_path):
    """下营村.xlsx saved here and 下营村.xlsx unzipped from a Chinese Windows zip (its name in GBK
    bytes) lie side by side and show as one name; so do names differing by a line break or a tab.
    Their counts were merged under that name: 计入 5 of 2 rows read, 未计入 -3. Each is now its own
    file (the second shown as 下营村（2）.xlsx), with its own counts."""
    write_book(tmp_path / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    write_book(tmp_path / os.fsdecode("下营村.xlsx".encode("gbk")), [card("XY-101"), card("XY-102")],
               [diary("XY-101")])
    write_book(tmp_path / "江淮\n村.xlsx", [card("JH-001")], [diary("JH-001")])
    write_book(tmp_path / "江淮\t村.xlsx", [card("JH-002")], [diary("JH-002"), diary("JH-002", "2010-4-2")])
    report = validated(tmp_path)
    files = {f["file"]: (f["card_rows"] + f["diary_rows"], f["counted"], f["excluded"]) for f in report["files"]}
    assert len(files) == 4, files
    assert sorted(files.values()) == [(2, 2, 0), (2, 2, 0), (3, 3, 0), (3, 3, 0)]
    assert sorted(f.rpartition("/")[2] for f in files if "下营村" in f) == ["下营村.xlsx", "下营村（2）.xlsx"]


def _odd_but_whole(path: Path) -> Path:
    """A book as clerks leave them: sheets protected with a password and the structure locked,
    the diary sheet very hidden (only VBA can show it), a 填表说明 in front, a 主要问题 of
    Excel's maximum 32,767 characters, a 备注 full of control characters Excel escapes."""
    import openpyxl
    from openpyxl.workbook.protection import WorkbookProtection

    write_book(path, [card("BH-001", 主要问题="缺" * 32_767, 备注="第一行VT第二行US完"), card("BH-002", 户主="李进忠")],
               [diary("BH-001"), diary("BH-002", 形式="电话联系")])
    wb = openpyxl.load_workbook(path)
    wb.create_sheet("填表说明", 0)
    wb["联户卡"].protection.sheet = True
    wb["联户卡"].protection.password = "1234"
    wb["联户日记"].sheet_state = "veryHidden"
    wb.security = WorkbookProtection(workbookPassword="1234", lockStructure=True)
    wb.save(path)
    parts = members_of(path.read_bytes())  # openpyxl refuses control characters; Excel writes them so
    parts["xl/worksheets/sheet2.xml"] = parts["xl/worksheets/sheet2.xml"].replace(b"VT", b"_x000B_").replace(
        b"US", b"_x001F_")
    return rezip(path, parts)


def test_protected_hidden_and_full_cells_are_read_whole(tmp_path):
    """Protection and hiding are no reason to leave a row out, nor is a cell at Excel's limit;
    a workbook renamed .xls but zipped like .xlsx is read as what it is."""
    _odd_but_whole(tmp_path / "保护隐藏.xlsx")
    (tmp_path / "改名成xls.xls").write_bytes(good_bytes())
    result = run("validate", tmp_path, "--json", "-j", "2", "--no-cache")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert {f["file"]: (f["status"], f["counted"]) for f in report["files"]} == {
        "保护隐藏.xlsx": ("通过", 4), "改名成xls.xls": ("通过", 5)}


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice is not installed")
def test_the_same_book_saved_by_libreoffice_is_read_whole(tmp_path):
    """LibreOffice writes protection, very hidden sheets and the escaped control characters its
    own way (one soffice call: the openpyxl book converted)."""
    from libreoffice import convert

    src = _odd_but_whole(tmp_path / "src" / "保护隐藏.xlsx")
    saved = convert(src, tmp_path / "lo")
    report = validated(saved.parent)
    assert [(f["file"], f["status"], f["counted"]) for f in report["files"]] == [("保护隐藏.xlsx", "通过", 4)]


@pytest.mark.parametrize("mark", ["\u200b", "\ufeff"], ids=["zero-width-space", "byte-order-mark"])
def test_a_sheet_name_with_an_invisible_character_is_read(tmp_path, mark):
    """A name pasted from a web page or a chat brings a zero-width space or a byte-order mark:
    the tab shows 联户卡, but the book was 未读取 with “没有名为“联户卡”…的工作表（现有：联户卡、联户日记）”."""
    patched(tmp_path / "看不见.xlsx", xl_workbook_xml=lambda b: b.replace(
        'name="联户卡"'.encode(), f'name="联户卡{mark}"'.encode()).replace(
        'name="联户日记"'.encode(), f'name="{mark}联户日记"'.encode()))
    report = validated(tmp_path)
    assert [(f["status"], f["card_rows"], f["diary_rows"], f["counted"]) for f in report["files"]] == [("通过", 2, 3, 5)]


@pytest.mark.parametrize("command", [
    ["consolidate", "{src}", "-o", "{keep}"],
    ["validate", "{src}", "--report", "{keep}"],
    ["merge", "{src}", "-o", "{keep}"],
], ids=["consolidate", "report", "merge"])
def test_an_output_never_replaces_a_filled_in_register_elsewhere(collection, tmp_path, command):
    """A slip of the name (`-o 备份/下营村.xlsx`, a tab completion) wrote the 汇总表, 问题清单 or
    合并簿 over a register that is not among the inputs; an earlier output there is still replaced."""
    kept = good_book(tmp_path / "备份" / "下营村.xlsx")
    before = digest(kept)
    result = run(*[a.format(src=collection, keep=kept) for a in command])
    assert result.exit_code == 2, result.output
    assert "已填写的登记簿（联户卡 2 行、联户日记 3 行）" in result.output and digest(kept) == before
    kept.unlink()
    for _ in range(2):
        assert run(*[a.format(src=collection, keep=kept) for a in command]).exit_code == 0


@pytest.mark.parametrize("which", ["relationship", "every-part"])
def test_part_names_in_another_case_are_the_same_parts(tmp_path, which):
    """A package's part names ignore case (OPC), and so do calamine's lookups: a relationship to
    Worksheets/Sheet2.XML reads xl/worksheets/sheet2.xml. The guard matched names exactly: it
    refused XL/workbook.xml as 不是 .xlsx 工作簿, and missed the cells of a sheet named in another
    case, so a loan showing #DIV/0! was counted as no loan."""
    error_value(tmp_path / "源.xlsx")
    parts = members_of((tmp_path / "源.xlsx").read_bytes())
    (tmp_path / "源.xlsx").unlink()
    rels = "xl/_rels/workbook.xml.rels"
    if which == "relationship":
        parts[rels] = parts[rels].replace(b"worksheets/sheet2.xml", b"Worksheets/Sheet2.XML")
    else:
        parts = {name.replace("xl/", "XL/"): blob for name, blob in parts.items()}
    rezip(tmp_path / "大小写.xlsx", parts)
    report = validated(tmp_path)
    errors = [(i["code"], i["sheet"], i["cell"]) for i in issues_of(report, "大小写.xlsx") if i["severity"] == "error"]
    assert errors == [("cell-error", "联户日记", "M3")]
    summary = report["files"][0]
    assert (summary["card_rows"], summary["diary_rows"], summary["counted"], summary["excluded"]) == (1, 1, 1, 1)


@pytest.mark.parametrize("cell,code", [
    (b"<c r='M3' t='e'><v>#DIV/0!</v></c>", "cell-error"),
    (b"<c r='M3'><f>L3*2</f></c>", "formula-no-value"),
    (b"<c r='M3'><f>L3*2</f><v></v></c>", "formula-no-value"),
    (b'<c r="M3"><f><![CDATA[L3*2]]></f></c>', "formula-no-value"),
], ids=["error-single-quoted", "formula-single-quoted", "empty-value-single-quoted", "formula-cdata"])
def test_a_cell_read_as_blank_is_said_however_its_xml_is_quoted(tmp_path, cell, code):
    """XML allows t='e' and r='M3' as well as double quotes, and CDATA in a formula; calamine reads
    such a cell as blank, the guard's patterns looked for double quotes only: the loan vanished
    from the totals without a word."""
    book = write_book(tmp_path / "引号.xlsx", [card("XY-001")], [diary("XY-001", **{"担保贷款(元)": 3000})])
    parts = members_of(book.read_bytes())
    parts[DIARY_XML] = re.sub(rb'<c r="M3"[^>]*>.*?</c>', cell, parts[DIARY_XML], count=1)
    rezip(book, parts)
    report = validated(tmp_path)
    errors = [(i["code"], i["sheet"], i["cell"]) for i in issues_of(report, "引号.xlsx") if i["severity"] == "error"]
    assert errors == [(code, "联户日记", "M3")]
    summary = report["files"][0]
    assert (summary["counted"], summary["excluded"]) == (1, 1)


def test_a_roll_up_where_no_township_sheet_can_be_counted_still_writes_the_county_total(tmp_path):
    """Every township's 汇总 sheet with an error (a count typed over by hand): the roll-up asked for
    the month most sheets were counted to among none, IndexError, 程序出错 (exit 2) and no county
    total. It is a total of nothing with each sheet listed as 未汇总, exit 1."""
    import openpyxl

    good_book(tmp_path / "甲乡" / "下营村.xlsx")
    township = tmp_path / "各乡" / "甲乡.xlsx"
    assert run("consolidate", tmp_path / "甲乡", "-o", township, "--title", "甲乡").exit_code == 0
    wb = openpyxl.load_workbook(township)
    wb["汇总"]["B5"] = "很多"
    wb.save(township)
    result = run("consolidate", township.parent, "-o", tmp_path / "县.xlsx", "--title", "临泽县")
    assert result.exit_code == 1, result.output
    assert "程序出错" not in result.output and "未汇总  甲乡.xlsx：汇总!B5" in result.output
    assert (tmp_path / "县.xlsx").is_file()


@pytest.mark.parametrize("cell,says", [
    (b'<c r="A2" t="e"><f>VLOOKUP(1,X:Y,2,0)</f><v>#N/A</v></c>', "名册.xlsx”的 Sheet!A2 是错误值“#N/A”"),
    (b'<c r="B2"><f>C2&amp;"X"</f></c>', '名册.xlsx”的 Sheet!B2 是公式“=C2&"X"”'),
], ids=["error-value", "formula-without-value"])
def test_a_roster_cell_read_as_blank_is_said_not_a_village_dropped(collection, tmp_path, cell, says):
    """A roster whose 村 shows #N/A (a VLOOKUP) or whose 社 is a formula never calculated: the reader
    gives blank, the village or team vanished from the list, and every card of it was an error
    “不在乡镇名册中”, left out of the totals. An error beside the list (a 户数 column) still loads."""
    import openpyxl

    wb = openpyxl.Workbook()
    for row in (["村", "社", "户数"], ["下营村", "六社", 30], ["江淮村", "六社", 20]):
        wb.active.append(row)
    wb.save(tmp_path / "名册.xlsx")
    parts = members_of((tmp_path / "名册.xlsx").read_bytes())
    sheet = "xl/worksheets/sheet1.xml"
    beside = re.sub(rb'<c r="C3"[^>]*>.*?</c>', b'<c r="C3" t="e"><v>#N/A</v></c>', parts[sheet], count=1)
    rezip(tmp_path / "名册.xlsx", {**parts, sheet: beside})
    assert run("validate", collection, "--roster", tmp_path / "名册.xlsx").exit_code == 0
    ref = cell[6:8]
    rezip(tmp_path / "名册.xlsx", {**parts, sheet: re.sub(rb'<c r="' + ref + rb'"[^>]*>.*?</c>', cell, parts[sheet], count=1)})
    result = run("validate", collection, "--roster", tmp_path / "名册.xlsx")
    assert result.exit_code == 2, result.output
    assert says in result.output and "不在乡镇名册中" not in result.output


def test_annotated_copies_that_cannot_be_written_are_not_called_unneeded(collection, tmp_path):
    """A copy that cannot be written (a folder already stands under its name): each copy failed
    with its reason, then the last line said 没有需要标注的工作簿（没有错误和警告…）, as if every book
    were clean. (--annotate under a file is refused before anything is read: test_flows_s9.)"""
    write_book(collection / "乙.xlsx", [card("YI-001", 家庭人口="很多")], [diary("YI-001")])
    (tmp_path / "退回" / "乙.xlsx").mkdir(parents=True)
    result = run("validate", collection, "--annotate", tmp_path / "退回")
    assert result.exit_code == 1, result.output
    assert "没有需要标注的工作簿" not in result.output
    assert "没有生成标注副本：1 个文件的副本没能写出" in result.output
