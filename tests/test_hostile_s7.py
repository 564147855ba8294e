"""Hostile and odd inputs, session 7: folders that hold nothing or cannot be opened, output
names near the system's limit, cells holding raw control characters or a stray ``<`` (no
spreadsheet program writes either; Excel refuses such a file), headers that are formulas
without values, and a 联户卡 that is a chart.

Each test builds its files, runs the real command through click's CliRunner and checks what a
clerk sees: the exit code, one Chinese message naming the file (and the cell), the sources
unchanged, outputs whole or absent, and the good book beside it still counted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book
from hostile import good_book, members_of, rezip, run, validated
from libreoffice import SOFFICE

# what a message must never carry: a library's English, a Python traceback
ENGLISH = re.compile(r"Error|Exception|Traceback|errno|Errno", re.I)


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


# --- folders -------------------------------------------------------------------------------------


@pytest.mark.parametrize("content", ["nothing", "other files"])
def test_validating_a_folder_without_any_workbook_says_so_and_exits_2(tmp_path, content):
    """The wrong folder (empty, or only Word files and lock files) said 共 0 个文件（） and exit 0,
    which a clerk or a script reads as every book passing."""
    folder = tmp_path / "收集"
    folder.mkdir()
    if content == "other files":
        (folder / "说明.docx").write_bytes(b"PK\x03\x04")
        (folder / "~$下营村.xlsx").write_bytes(b"\x00" * 165)  # Excel's lock file: not a submission
    result = run("validate", folder)
    assert result.exit_code == 2, result.output
    assert "没有找到任何 .xlsx 工作簿" in result.output and "Traceback" not in result.output
    assert "共 0 个文件" not in result.output


def test_a_subfolder_that_cannot_be_opened_is_named_not_skipped(tmp_path, monkeypatch):
    """os.walk passes over a folder it cannot list (no permission, a network share gone): its
    books were left out without a word and the run passed. Root reads any folder, so the
    refusal is simulated for that one folder."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    good_book(folder / "二社" / "王明.xlsx")
    real = os.scandir

    def deny(path=".", *args):
        if os.fspath(path).endswith("二社"):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path, *args)

    monkeypatch.setattr(os, "scandir", deny)
    report = validated(folder)
    [issue] = [i for i in report["issues"] if i["file"] == "二社"]
    assert issue["severity"] == "error" and issue["code"] == "folder-unreadable"
    assert "二社" in issue["message"] and "没有权限" in issue["message"] and not ENGLISH.search(issue["message"])
    assert not report["valid"]
    assert next(f for f in report["files"] if f["file"] == "好.xlsx")["counted"] == 5


# --- outputs ----------------------------------------------------------------------------------------

LONG = "下营村" * 27 + "王.xlsx"  # 82 characters, 251 bytes: a valid name, near the 255-byte limit


def test_an_output_name_near_the_limit_is_written(tmp_path):
    """The temporary file beside an output (.name.pid.tmp.xlsx) went past 255 bytes where the
    name itself did not: 程序出错 (XlsxWriter's FileCreateError: File name too long)."""
    books = tmp_path / "收集"
    write_book(books / "下营村.xlsx", [card("XY-001", 联系人类别="错")], [diary("XY-001")])
    before = digests(books)
    for command, option in (("validate", "--report"), ("consolidate", "-o")):
        out = tmp_path / "出" / LONG
        result = run(command, books, option, out)
        assert result.exit_code == 1, result.output
        assert "程序出错" not in result.output and not ENGLISH.search(result.output)
        assert out.is_file() and [p.name for p in out.parent.iterdir()] == [LONG]
        out.unlink()
    assert digests(books) == before


def test_a_book_with_a_name_near_the_limit_gets_its_annotated_copy(tmp_path):
    books = tmp_path / "收集"
    write_book(books / LONG, [card("XY-001", 联系人类别="错")], [diary("XY-001")])
    result = run("validate", books, "--annotate", tmp_path / "退回")
    assert result.exit_code == 1, result.output
    assert "没能为这个文件生成标注副本" not in result.output
    assert (tmp_path / "退回" / LONG).is_file()


def test_an_output_the_writer_cannot_create_is_said_in_chinese(tmp_path, monkeypatch):
    """XlsxWriter wraps the system's refusal (no permission, disk full) in its own
    FileCreateError, which is no OSError: it reached the clerk as 程序出错."""
    import xlsxwriter.workbook

    books = tmp_path / "收集"
    good_book(books / "好.xlsx")
    out = tmp_path / "汇总表.xlsx"
    out.write_bytes(b"old")

    def full(self, *args, **kwargs):
        raise xlsxwriter.workbook.FileCreateError(OSError(28, "No space left on device"))

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    result = run("consolidate", books, "-o", out)
    assert result.exit_code == 2, result.output
    assert "磁盘已满" in result.output and "程序出错" not in result.output
    assert out.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == ["收集", "汇总表.xlsx"]


# --- text a spreadsheet program never writes raw ----------------------------------------------------


def _planted(path: Path, marks: dict[bytes, bytes], sst: bool = False) -> Path:
    """The book at ``path`` with each mark's bytes replaced raw (unescaped) in its sheets, or in a
    shared-text table made of its inline texts (``sst``: how Excel, WPS and LibreOffice save)."""
    parts = members_of(path.read_bytes())
    if sst:
        texts: list[bytes] = []

        def shared(m: re.Match[bytes]) -> bytes:
            texts.append(m.group(2))
            return m.group(1) + b' t="s"><v>%d</v></c>' % (len(texts) - 1)

        for name in [n for n in parts if n.startswith("xl/worksheets/")]:
            parts[name] = re.sub(rb'(<c r="[A-Z]+\d+"(?: s="\d+")?) t="inlineStr"><is><t>(.*?)</t></is></c>', shared,
                                 parts[name])
        parts["xl/sharedStrings.xml"] = (
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
            b'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (len(texts), len(texts))
            + b"".join(b"<si><t>%s</t></si>" % t for t in texts) + b"</sst>")
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
            b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
            b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
            b"</Relationships>", b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    for name, blob in parts.items():
        for mark, raw in marks.items():
            blob = blob.replace(mark, raw)
        parts[name] = blob
    return rezip(path, parts)


def _marked_book(path: Path) -> Path:
    """Two cards and two visits, MARKA in the first card's 村 (F3), MARKB in the first visit's
    生产生活情况 (F3): the next column, 发现问题, is optional, so text pulled into it goes unnoticed."""
    return write_book(path, [card("XY-001", 村="MARKA"), card("XY-002")],
                      [diary("XY-001", 生产生活情况="MARKB", 发现问题="缺水", 解决办法="打井", 办理结果="协调解决"),
                       diary("XY-002")])


@pytest.mark.parametrize("sst", [False, True], ids=["inline", "shared"])
@pytest.mark.parametrize("raw,sheet,cell,says", [
    ("下营\x01村".encode(), "联户卡", "F3", "控制字符"),
    ("下营\x00村".encode(), "联户卡", "F3", "空字节"),
    (b"x<y", "联户日记", "F3", "“<”"),
    ("长势 < 去年".encode(), "联户日记", "F3", "“<”"),
], ids=["control", "nul", "stray-lt", "spaced-lt"])
def test_raw_text_no_program_writes_is_refused_at_its_cell_not_read_into_other_cells(tmp_path, raw, sheet, cell,
                                                                                       says, sst):
    """Excel will not open such a file. The reader read a raw control character into the cell
    (下营\\x01村 counted as a village of its own, exit 0), and a stray < as a tag: the next cell's
    text (缺水) joined F3 and 发现问题 was read empty, without a word."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    path = _marked_book(folder / "坏.xlsx")
    mark = b"MARKA" if sheet == "联户卡" else b"MARKB"
    _planted(path, {mark: raw}, sst=sst)
    before = digests(folder)
    report = validated(folder)
    [issue] = [i for i in report["issues"] if i["file"] == "坏.xlsx"]
    assert issue["code"] == "file-corrupt" and says in issue["message"], issue
    if sst:  # the table of texts is shared by every sheet: said by its name
        assert "共享文本表" in issue["message"]
    else:
        assert (issue["sheet"], issue["cell"]) == (sheet, cell)
    assert not ENGLISH.search(issue["message"])
    assert next(f for f in report["files"] if f["file"] == "好.xlsx")["counted"] == 5
    assert next(f for f in report["files"] if f["file"] == "坏.xlsx")["kind"] == "unreadable"
    assert not report["valid"] and digests(folder) == before


def test_a_lt_in_a_comment_or_a_cdata_section_is_read_as_usual(tmp_path):
    """Where ``<`` outnumbers ``>`` in well-formed XML (a comment, a CDATA section), the book is
    read as before: the look that follows finds nothing."""
    path = _marked_book(tmp_path / "注释.xlsx")
    _planted(path, {b"MARKA": "下营村".encode(), b"MARKB": b"<![CDATA[a<b]]>",
                    b"<sheetData>": b"<!-- x<y --><sheetData>"})
    report = validated(tmp_path)
    assert report["issues"] == [] and report["files"][0]["counted"] == 4
    row = json.loads(run("validate", path, "--json").stdout)
    assert row["valid"]


def test_escaped_control_characters_are_read_and_every_output_stays_a_valid_workbook(tmp_path):
    """_x0001_ escapes are how Excel saves a control character pasted into a cell: legal, read
    (shown as �). Every output quoting them (the report, the annotated copy, the totals) is a
    workbook openpyxl opens, with no raw control character inside."""
    import zipfile

    import openpyxl

    folder = tmp_path / "收集"
    path = write_book(folder / "下营村.xlsx", [card("XY-001", 联系人类别="MARKA", 户主="MARKB")],
                      [diary("XY-001", 发现问题="MARKB", 办理结果="协调解决", 解决办法="打井")])
    _planted(path, {b"MARKA": b"_x0007_\xe4\xb9\xa1\xe5\xb9\xb2\xe9\x83\xa8", b"MARKB": b"\xe7\x8e\x8b_x0000__x001B_\xe6\x98\x8e"})
    out = tmp_path / "出"
    assert run("validate", folder, "--report", out / "问题清单.xlsx", "--annotate", out / "退回").exit_code == 1
    assert run("consolidate", folder, "-o", out / "汇总表.xlsx").exit_code == 1
    written = [out / "问题清单.xlsx", out / "退回" / "下营村.xlsx", out / "汇总表.xlsx"]
    for book in written:
        openpyxl.load_workbook(book)
        with zipfile.ZipFile(book) as zf:
            for name in zf.namelist():
                assert not re.search(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]", zf.read(name)), (book.name, name)
    report = json.loads(run("validate", folder, "--json").stdout)
    issue = next(i for i in report["issues"] if i["code"] == "bad-choice")
    assert issue["cell"] == "C3" and "�乡干部" in issue["message"]
    if SOFFICE is not None:  # LibreOffice opens each one (a file it cannot read gives no CSV)
        shown = _as_csv(written, tmp_path / "csv")
        assert all(text for text in shown), [p.name for p, text in zip(written, shown, strict=True) if not text]
        assert "下营村.xlsx" in shown[0] and "联户带创汇总表" in shown[2]  # the report's 按文件, the 汇总


def _as_csv(books: list[Path], out: Path) -> list[str]:
    """Each book's first sheet as LibreOffice saves it to CSV (UTF-8), all in one soffice call with
    a private profile (other tests run LibreOffice at the same time); "" for a book it could not open."""
    import shutil
    import subprocess
    import uuid

    assert len({book.stem for book in books}) == len(books)  # one folder for all: no two share a name
    profile = Path("/tmp") / f"lo-profile-{uuid.uuid4().hex}"
    out.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76", "--outdir", str(out),
                        *map(str, books)], capture_output=True, timeout=300, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    made = [out / f"{book.stem}.csv" for book in books]
    return [m.read_text(encoding="utf-8", errors="replace") if m.is_file() else "" for m in made]


# --- sheets a register cannot be read from, said as what they are ----------------------------------


def _formulas_in_row(row: int):
    """Every text cell of ``row`` written as a formula without a stored value, as a program
    that writes formulas and never computes them saves it (="卡号")."""
    def change(blob: bytes) -> bytes:
        return re.sub(rb'<c r="([A-Z]+)%d"( s="\d+")? t="inlineStr"><is><t>([^<]*)</t></is></c>' % row,
                      lambda m: b'<c r="%s%d"%s><f>"%s"</f></c>' % (m.group(1), row, m.group(2) or b"", m.group(3)),
                      blob)
    return change


def test_a_header_of_formulas_without_values_is_said_as_such_not_as_no_header(tmp_path):
    """A book saved by a program that writes formulas and never computes them: its header row is
    formulas with no value, read blank. It was told 前 10 行里找不到表头 (put the labels at the
    top), which they are; the clerk must be told to open and save it once."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    path = write_book(folder / "公式表头.xlsx", [card("XY-101"), card("XY-102")], [diary("XY-001", "2010-5-2")])
    parts = members_of(path.read_bytes())
    parts["xl/worksheets/sheet1.xml"] = _formulas_in_row(2)(parts["xl/worksheets/sheet1.xml"])
    rezip(path, parts)
    report = validated(folder)
    [issue] = [i for i in report["issues"] if i["file"] == "公式表头.xlsx" and i["severity"] == "error"]
    assert issue["code"] == "header-no-value" and (issue["sheet"], issue["cell"]) == ("联户卡", "A2")
    assert "公式" in issue["message"] and "保存一次" in issue["message"] and '="卡号"' in issue["message"]
    assert next(f for f in report["files"] if f["file"] == "好.xlsx")["counted"] == 5
    out = tmp_path / "汇总表.xlsx"
    result = run("consolidate", folder, "-o", out, "--json")
    assert result.exit_code == 1, result.output
    assert any(i["code"] == "header-no-value" for i in json.loads(result.stdout)["issues"])


def test_a_chart_named_like_the_card_sheet_is_said_to_be_a_chart(tmp_path):
    """A chart moved to its own sheet and named 联户卡 (the cards' sheet renamed or deleted):
    it was told 前 10 行里找不到表头, which sends the clerk looking for labels in a picture."""
    import openpyxl
    from openpyxl.chart import BarChart, Reference

    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    path = write_book(folder / "图表.xlsx", None, [diary("XY-001", 办实事=2)])
    wb = openpyxl.load_workbook(path)
    chart = BarChart()
    chart.add_data(Reference(wb["联户日记"], min_col=12, min_row=2, max_row=3))
    wb.create_chartsheet("联户卡").add_chart(chart)
    wb.save(path)
    report = validated(folder)
    mine = [i for i in report["issues"] if i["file"] == "图表.xlsx"]
    assert [i["code"] for i in mine if i["severity"] == "error"] == ["chart-sheet"], mine
    assert mine[0]["sheet"] == "联户卡" and "图表" in mine[0]["message"]
    summary = next(f for f in report["files"] if f["file"] == "图表.xlsx")
    assert summary["diary_rows"] == 1 and summary["kind"] == "book"


SPREADSHEET_2003 = (
    '<?xml version="1.0"?>\n<?mso-application progid="Excel.Sheet"?>\n'
    '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet">'
    '<Worksheet ss:Name="联户卡"><Table><Row><Cell><Data ss:Type="String">卡号</Data></Cell></Row></Table>'
    '</Worksheet></Workbook>').encode()


@pytest.mark.parametrize("content,says", [
    (SPREADSHEET_2003, "XML 电子表格 2003"),
    ("<html><body><table><tr><td>卡号</td></tr></table></body></html>".encode(), "网页"),
], ids=["xml2003", "html"])
def test_a_sheet_part_holding_another_format_is_named_not_read_as_an_empty_sheet(tmp_path, content, says):
    """A package whose 联户卡 part holds an Excel 2003 XML spreadsheet or a web page (a tool that
    zipped the wrong thing): the reader found no cells in it and the clerk was told 找不到表头."""
    folder = tmp_path / "收集"
    good_book(folder / "好.xlsx")
    path = write_book(folder / "错格式.xlsx", [card("XY-101")], [diary("XY-001", "2010-5-2")])
    parts = members_of(path.read_bytes())
    parts["xl/worksheets/sheet1.xml"] = content
    rezip(path, parts)
    report = validated(folder)
    [issue] = [i for i in report["issues"] if i["file"] == "错格式.xlsx"]
    assert issue["code"] == "file-corrupt" and issue["sheet"] == "联户卡", issue
    assert "xl/worksheets/sheet1.xml" in issue["message"] and says in issue["message"]
    assert next(f for f in report["files"] if f["file"] == "好.xlsx")["counted"] == 5


@pytest.mark.parametrize("name", ["问题清单.csv", "问题清单.xls", "问题清单"])
def test_a_report_named_for_another_format_is_refused_before_anything_is_written(tmp_path, name):
    """--report 问题清单.csv wrote an .xlsx under that name (Excel then says the file is damaged),
    where consolidate -o already refused any name but .xlsx."""
    books = tmp_path / "收集"
    good_book(books / "好.xlsx")
    result = run("validate", books, "--report", tmp_path / name)
    assert result.exit_code == 2, result.output
    assert "问题清单要存成 .xlsx 文件" in result.output and "Traceback" not in result.output
    assert not (tmp_path / name).exists()


def test_raw_text_in_a_sheet_nobody_reads_costs_nothing(tmp_path):
    """A stray < or a control character in a sheet the standard ignores (data pasted into a
    Sheet1 beside the register) changes no cell that is read: the book is read and counted."""
    path = write_book(tmp_path / "旁边的表.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001")],
                      extra_sheets={"Sheet1": [["MARKA", "MARKB"]]})
    _planted(path, {b"MARKA": b"x<y", b"MARKB": b"a\x01b"})
    report = validated(tmp_path)
    assert report["valid"] and report["files"][0]["counted"] == 3, report
