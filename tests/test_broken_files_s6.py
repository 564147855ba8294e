"""Broken workbooks, each told in Chinese where it is broken: the part, the sheet the clerk
knows (联户卡, 联户日记), the cell near the fault and the parser's line and column, with what
to do. Before, a sheet that was not well-formed XML (cut short, an unclosed quote, bytes that are
not UTF-8, an undefined entity, a NUL byte…) or a part the reader needs (styles, shared texts)
ended as a generic reader-crashed (“文件内部结构不标准”) that named nothing inside the file.

Every shape is made here from a good book written by tests/bookfactory.py, put in a folder next
to a good book and checked with the real command: one issue for the broken file, the good book
still counted, the source files unchanged.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, roster_xlsx, write_book
from click.testing import CliRunner
from hostile import (
    CARD_XML,
    DIARY_XML,
    SST,
    encrypted,
    good_book,
    good_bytes,
    members_of,
    old_xls,
    rezip,
    shared_strings,
)

from lianhu_xl import batch
from lianhu_xl import book as book_module
from lianhu_xl.book import check_file
from lianhu_xl.cli import cli

GOOD = "好.xlsx"
CJK = re.compile(r"[\u4e00-\u9fff]")
# a library's English or a traceback in a message (expat: "not well-formed (invalid token): line 1, column 5")
ENGLISH = re.compile(r"Error|Exception|Traceback|errno|token|well-formed|expat|calamine|"
                     r"line \d|column \d|\bfile\b|invalid|entity", re.I)
CARD_NAME = "王明".encode()  # 联户卡!B3 of the good book


# --- building the shapes ----------------------------------------------------------------------


def _parts() -> dict[str, bytes]:
    return members_of(good_bytes())


def part_changed(part: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    """The good book with one part rewritten."""
    def build(path: Path) -> None:
        parts = _parts()
        parts[part] = change(parts[part])
        rezip(path, parts)
    return build


def card_sheet(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    return part_changed(CARD_XML, change)


def replaced(old: bytes, new: bytes) -> Callable[[bytes], bytes]:
    def change(blob: bytes) -> bytes:
        assert old in blob, old
        return blob.replace(old, new, 1)
    return change


def cut_before(marker: bytes, keep: int = 0) -> Callable[[bytes], bytes]:
    """The part cut short ``keep`` bytes into ``marker``, as a copy stopped half-way leaves it."""
    return lambda blob: blob[:blob.index(marker) + keep]


def zeros_from(marker: bytes) -> Callable[[bytes], bytes]:
    """The part's bytes from ``marker`` on turned to NUL (a block the writing program never filled)."""
    def change(blob: bytes) -> bytes:
        at = blob.index(marker)
        return blob[:at] + bytes(len(blob) - at)
    return change


def with_shared_texts(change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    """The good book with a shared-text table (cell A90 points into it), that table rewritten."""
    def build(path: Path) -> None:
        parts = shared_strings(_parts(), SST + b"<si><t>abc</t></si><si><t>def</t></si></sst>")
        parts["xl/sharedStrings.xml"] = change(parts["xl/sharedStrings.xml"])
        rezip(path, parts)
    return build


def on_lines(path: Path) -> None:
    """A sheet written one row to a line (as some tools do), its 联户卡!B3 not UTF-8."""
    card_sheet(lambda blob: blob.replace(b"<row ", b"\n<row ").replace(CARD_NAME, b"\xff\xfe", 1))(path)


def without_part(name: str) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        parts = _parts()
        del parts[name]
        rezip(path, parts)
    return build


def first_bytes(fraction: float) -> Callable[[Path], None]:
    """A file still being written (or copied) when it was collected: only its first bytes."""
    def build(path: Path) -> None:
        data = good_bytes()
        path.write_bytes(data[:int(len(data) * fraction)])
    return build


def written(text: str) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(text.encode("utf-8"))


def macro_book_with_garbage(path: Path) -> None:
    """An .xlsm whose vbaProject.bin is garbage (macros are never run, the rows are read): two
    cards and three diaries of its own, so that it is no copy of the good book."""
    write_book(path, [card("XY-101"), card("XY-102")],
               [diary("XY-101"), diary("XY-102"), diary("XY-101", "2010-4-2", 形式="电话联系")])
    parts = members_of(path.read_bytes())
    parts["xl/vbaProject.bin"] = bytes(range(256)) * 8
    rezip(path, parts)


@dataclass(frozen=True)
class Shape:
    name: str
    build: Callable[[Path], None]
    code: str
    sheet: str | None = None
    cell: str | None = None
    says: tuple[str, ...] = ()


SHAPES = [
    # a sheet that is not well-formed XML: said at its sheet and cell, with the part's line and column
    Shape("引号没配对.xlsx", card_sheet(replaced(b'<c r="B3"', b'<c r="B3 t="n"')), "file-corrupt",
          "联户卡", "B3", ("工作表“联户卡”在 B3 单元格附近", "引号没有配对", "xl/worksheets/sheet1.xml 第 1 行第")),
    Shape("工作表截断.xlsx", card_sheet(cut_before(b'<c r="I3"', 10)), "file-corrupt",
          "联户卡", "H3", ("工作表“联户卡”在 H3 单元格附近中断了", "xl/worksheets/sheet1.xml 第 1 行第")),
    Shape("日记截断.xlsx", part_changed(DIARY_XML, cut_before(b'<row r="4"')), "file-corrupt",
          "联户日记", "E3", ("工作表“联户日记”在 E3 单元格附近中断了", "xl/worksheets/sheet2.xml")),
    Shape("非UTF8文字.xlsx", card_sheet(replaced(CARD_NAME, b"\xff\xfe\xfa")), "file-corrupt",
          "联户卡", "B3", ("B3 单元格附近有无法识别的文字，不是 UTF-8 编码", "xl/worksheets/sheet1.xml")),
    Shape("未定义转义符.xlsx", card_sheet(replaced(CARD_NAME, b"&wang;")), "file-corrupt",
          "联户卡", "B3", ("无法识别的转义符“&wang;”", "xl/worksheets/sheet1.xml")),
    Shape("空字节.xlsx", card_sheet(zeros_from(b'<c r="C3"')), "file-corrupt",
          "联户卡", "B3", ("B3 单元格附近有空字节", "xl/worksheets/sheet1.xml")),
    Shape("字符编号.xlsx", card_sheet(replaced(CARD_NAME, b"&#0;")), "file-corrupt",
          "联户卡", "B3", ("不允许的字符编号“&#0;”",)),
    Shape("单独的and.xlsx", card_sheet(replaced(CARD_NAME, b"A & B")), "file-corrupt",
          "联户卡", "B3", ("单独的“&”符号",)),
    Shape("注释没结束.xlsx", card_sheet(replaced(b"<sheetData>", b"<sheetData><!-- ")), "file-corrupt",
          "联户卡", None, ("工作表“联户卡”有一处没写完的标记", "xl/worksheets/sheet1.xml 第 1 行第")),
    Shape("空工作表部件.xlsx", card_sheet(lambda blob: b""), "file-corrupt",
          "联户卡", None, ("工作表“联户卡”的内容部件 xl/worksheets/sheet1.xml 是空的",)),
    Shape("工作表是乱码.xlsx", card_sheet(lambda blob: bytes(range(128, 256)) * 20), "file-corrupt",
          "联户卡", None, ("工作表“联户卡”有无法识别的文字", "xl/worksheets/sheet1.xml 第 1 行第 1 列")),
    # an address the reader cannot follow (the guard's walk): said at its row, quoted
    Shape("行号是文字.xlsx", card_sheet(replaced(b'<row r="4">', b'<row r="abc">')), "file-corrupt",
          "联户卡", None, ("工作表“联户卡”第 4 行附近有写法异常的单元格地址“abc”",)),
    Shape("地址写反.xlsx", card_sheet(replaced(b'<c r="B3"', b'<c r="3B"')), "file-corrupt",
          "联户卡", None, ("工作表“联户卡”第 3 行附近有写法异常的单元格地址“3B”",)),
    # one cell the reader cannot take, in well-formed XML
    Shape("数字格存文字.xlsx", card_sheet(replaced(b'<c r="N3"', b'<c r="J3" t="n"><v>abc</v></c><c r="N3"')),
          "file-corrupt", "联户卡", "J3", ("这个单元格标为数字，却存着“abc”",)),
    Shape("未知类型.xlsx", card_sheet(replaced(b'<c r="N3" s="1" t="n"', b'<c r="N3" s="1" t="zz"')),
          "file-corrupt", "联户卡", "N3", ("类型“zz”不是 Excel 的写法",)),
    Shape("错误值写错.xlsx", card_sheet(replaced(b'<c r="N3" s="1" t="n"><v>40183</v>', b'<c r="N3" s="1" t="e"><v>0</v>')),
          "file-corrupt", "联户卡", "N3", ("错误值“0”不是 Excel 的写法",)),
    # #SPILL! written t='e' (single quotes: no program does, the guard's copy for the reader misses
    # it): the reader refuses the book, said at the cell (written t="e", it is read: see below)
    Shape("溢出错误.xlsx", card_sheet(replaced(b'<c r="N3" s="1" t="n"><v>40183</v>',
                                          b"<c r=\"N3\" s=\"1\" t='e'><v>#SPILL!</v>")),
          "unreadable-error-value", "联户卡", "N3", ("错误值“#SPILL!”", "整个文件没有读取", "改好这个单元格的公式")),
    Shape("范围写错.xlsx", card_sheet(replaced(b'<dimension ref="A1:W4" />', b'<dimension ref="A1:W" />')),
          "file-corrupt", "联户卡", None, ("工作表“联户卡”记录的表格范围“A1:W”不是单元格地址",)),
    Shape("合并范围写错.xlsx", card_sheet(replaced(b'<mergeCell ref="A1:F1" />', b'<mergeCell ref="A1:F" />')),
          "file-corrupt", "联户卡", None, ("工作表“联户卡”的合并单元格范围“A1:F”不是单元格地址",)),
    # a part every sheet needs
    Shape("共享文本标记错.xlsx", with_shared_texts(replaced(b"</t></si></sst>", b"</si></sst>")), "file-corrupt",
          None, None, ("存放单元格文字的共享文本表 xl/sharedStrings.xml 有开头和结尾对不上的标记", "第 1 行第")),
    Shape("共享文本截断.xlsx", with_shared_texts(lambda blob: blob[:-15]), "file-corrupt",
          None, None, ("xl/sharedStrings.xml 中断了", "第 1 行第")),
    Shape("格式表损坏.xlsx", part_changed("xl/styles.xml", lambda blob: blob[:len(blob) // 2]), "file-corrupt",
          None, None, ("单元格格式表 xl/styles.xml", "第 1 行第")),
    Shape("格式表为空.xlsx", part_changed("xl/styles.xml", lambda blob: b""), "file-corrupt",
          None, None, ("单元格格式表 xl/styles.xml 是空的",)),
    Shape("总目录损坏.xlsx", part_changed("_rels/.rels", lambda blob: blob[:len(blob) // 2]), "file-corrupt",
          None, None, ("文件总目录 _rels/.rels", "第 1 行第")),
    Shape("工作簿目录损坏.xlsx", part_changed("xl/workbook.xml", lambda blob: blob[:len(blob) // 2]), "file-corrupt",
          None, None, ("工作簿目录 xl/workbook.xml", "第 1 行第")),
    Shape("工作表目录损坏.xlsx", part_changed("xl/_rels/workbook.xml.rels", lambda blob: blob[:len(blob) // 2]),
          "file-corrupt", None, None, ("工作表目录 xl/_rels/workbook.xml.rels", "第 1 行第")),
    Shape("工作表状态写错.xlsx", part_changed("xl/workbook.xml", replaced(b'state="visible"', b'state="Hidden"')),
          "file-corrupt", "联户卡", None, ("xl/workbook.xml 写的工作表“联户卡”显示状态“Hidden”不是 Excel 的写法",)),
    Shape("缺总目录.xlsx", without_part("_rels/.rels"), "file-corrupt", None, None, ("缺少文件总目录 _rels/.rels",)),
    Shape("总目录类型写错.xlsx", part_changed("_rels/.rels", replaced(b'relationships/officeDocument"',
                                                                 b'relationships/officeDocumen"')),
          "file-corrupt", None, None, ("文件总目录 _rels/.rels 没有写明工作簿在哪里",)),
    Shape("工作表条目写坏.xlsx", part_changed("xl/_rels/workbook.xml.rels", replaced(b"Type=", b"Ty4e=")),
          "file-corrupt", "联户卡", None, ("工作表目录 xl/_rels/workbook.xml.rels 里工作表“联户卡”的条目缺失或写坏了",)),
    Shape("工作表编号对不上.xlsx", part_changed("xl/workbook.xml", replaced(b'r:id="rId1"', b'r:id="rId9"')),
          "file-corrupt", "联户卡", None, ("没有写明工作表“联户卡”的内容在哪里",)),
    Shape("缺工作表部件.xlsx", without_part(DIARY_XML), "file-corrupt",
          "联户日记", None, ("工作表“联户日记”的内容部件 xl/worksheets/sheet2.xml 不在文件里",)),
    # the file as a whole (already said well before this session: kept so)
    Shape("压缩包截断.xlsx", first_bytes(0.5), "file-corrupt", None, None, ("文件可能只传了一半",)),
    Shape("还在写入.xlsx", first_bytes(0.9), "file-corrupt", None, None, ("收集时还没保存、复制完",)),
    Shape("空文件.xlsx", lambda path: path.write_bytes(b""), "file-empty", None, None, ("0 字节",)),
    Shape("其实是xls.xlsx", old_xls, "old-xls", None, None, ("97-2003",)),
    Shape("其实是CSV.xlsx", written("卡号,联系人\nXY-001,王明\n"), "not-a-workbook", None, None, ("CSV",)),
    Shape("其实是网页.xlsx", written("<html><body><table><tr><td>卡号</td></tr></table></body></html>"),
          "not-a-workbook", None, None, ("网页",)),
    Shape("设了密码.xlsx", encrypted, "file-encrypted", None, None, ("密码",)),
]


def run(*args: object):
    return CliRunner(env={"LIANHU_CACHE": "off"}).invoke(cli, [str(a) for a in args])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def summary_of(report: dict, file: str) -> dict:
    return next(f for f in report["files"] if f["file"] == file)


# --- one shape at a time, next to a good book ------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: s.name)
def test_a_broken_book_is_said_where_it_is_broken_and_the_good_book_is_counted(tmp_path, shape):
    shape.build(tmp_path / shape.name)
    good_book(tmp_path / GOOD)
    before = {p.name: digest(p) for p in tmp_path.iterdir()}
    result = run("validate", tmp_path, "--json", "-j", "1", "--no-cache")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    [issue] = [i for i in report["issues"] if i["file"] == shape.name]
    assert (issue["code"], issue["severity"], issue["sheet"], issue["cell"]) == (
        shape.code, "error", shape.sheet, shape.cell), issue["message"]
    message = issue["message"]
    for words in shape.says:
        assert words in message, message
    if shape.cell:
        assert message.startswith(f"{shape.sheet}!{shape.cell}："), message
    assert CJK.search(message)
    if shape.code in ("file-corrupt", "unreadable-error-value"):  # what to do: open it in Excel (or WPS)
        assert "Excel" in message
    assert not ENGLISH.search(message), message
    assert summary_of(report, shape.name)["kind"] == "unreadable"
    assert summary_of(report, GOOD)["counted"] == 5
    assert [i for i in report["issues"] if i["file"] == GOOD] == []
    assert {p.name: digest(p) for p in tmp_path.iterdir()} == before  # neither source touched


def test_the_line_and_column_are_where_the_fault_is(tmp_path):
    """A sheet written a row to a line: the position named is the line and column (from 1, in
    characters as an editor counts them) of the bytes that are not UTF-8, and the cell is theirs."""
    on_lines(tmp_path / "分行.xlsx")
    with zipfile.ZipFile(tmp_path / "分行.xlsx") as zf:
        blob = zf.read(CARD_XML)
    at = blob.index(b"\xff\xfe")
    line = blob[:at].count(b"\n") + 1
    column = len(blob[blob.rfind(b"\n", 0, at) + 1:at].decode("utf-8")) + 1
    assert line == 4  # a line each for the header, the title row and the first card row
    [issue] = check_file(tmp_path / "分行.xlsx", "分行.xlsx").issues
    assert (issue.code, issue.sheet, issue.cell) == ("file-corrupt", "联户卡", "B3")
    assert f"位置在 xl/worksheets/sheet1.xml 第 {line} 行第 {column} 列" in issue.message, issue.message


def test_the_text_report_names_each_broken_file_above_its_message(tmp_path):
    """What a clerk reads without --json: each broken file by its name, its message under it
    (part and cell), the good book passed; with two workers, nothing raised."""
    shapes = [s for s in SHAPES if s.name in ("引号没配对.xlsx", "格式表损坏.xlsx", "溢出错误.xlsx")]
    for shape in shapes:
        shape.build(tmp_path / shape.name)
    good_book(tmp_path / GOOD)
    result = run("validate", tmp_path, "-j", "2", "--no-cache")
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "读取这个文件时出错" not in result.output
    lines = result.output.splitlines()
    for shape in shapes:
        at = next(n for n, text in enumerate(lines) if text.startswith(shape.name))
        assert "未读取" in lines[at]
        assert all(words in lines[at + 1] for words in shape.says), lines[at + 1]
    assert any(text.startswith(GOOD) and "通过" in text for text in lines)


def test_every_shape_in_one_folder_costs_only_its_own_file(tmp_path):
    """The whole corpus in one collection folder, two workers: each file gets its own issue, the
    good book (and a good book saved as .xlsm with a garbage macro part) are counted."""
    for shape in SHAPES:
        shape.build(tmp_path / shape.name)
    good_book(tmp_path / GOOD)
    macro_book_with_garbage(tmp_path / "宏.xlsm")
    result = run("validate", tmp_path, "--json", "-j", "2", "--no-cache")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    codes = {}
    for issue in report["issues"]:
        codes.setdefault(issue["file"], []).append(issue["code"])
    assert codes == {shape.name: [shape.code] for shape in SHAPES}
    assert summary_of(report, GOOD)["counted"] == 5
    assert summary_of(report, "宏.xlsm")["counted"] == 5


# --- flaws the reader reads through: the rows count ------------------------------------------------


def _junk_after_end(blob: bytes) -> bytes:
    return blob + b"<junk/>"


@pytest.mark.parametrize("name,build", [
    ("宏代码是乱码.xlsm", macro_book_with_garbage),
    ("内容类型损坏.xlsx", part_changed("[Content_Types].xml", lambda blob: blob[:len(blob) // 2])),
    ("文档属性损坏.xlsx", part_changed("docProps/core.xml", lambda blob: blob[:len(blob) // 2])),
    ("结束标记写错.xlsx", card_sheet(replaced(b"</row>", b"</rw>"))),
    ("结尾多余内容.xlsx", card_sheet(_junk_after_end)),
], ids=lambda x: x if isinstance(x, str) else "")
def test_a_flaw_the_reader_reads_through_costs_nothing(tmp_path, name, build):
    """Parts the reader never opens (macros, content types, document properties) or flaws it
    reads past: the book is read and its rows count, with nothing said (Excel repairs them too)."""
    build(tmp_path / name)
    result = run("validate", tmp_path, "--json", "-j", "1", "--no-cache")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["issues"] == []
    assert summary_of(report, name)["counted"] == 5


def test_a_good_book_never_pays_for_the_explanation(tmp_path, monkeypatch):
    """The explanation is looked for only after the reader failed: a good book (and one with
    ordinary mistakes in its rows) never runs it."""
    def refuse(data: bytes):
        raise AssertionError("explain_failure ran for a book the reader read")

    monkeypatch.setattr(book_module, "explain_failure", refuse)
    good_book(tmp_path / GOOD)
    write_book(tmp_path / "有错.xlsx", [card("XY-001", 村="")], [diary("XY-001", "2010-13-40")])
    assert len(check_file(tmp_path / GOOD, GOOD).cards) == 2
    assert {i.code for i in check_file(tmp_path / "有错.xlsx", "有错.xlsx").issues} >= {"required"}


# --- many small damages, as a disk, a transfer or another program leaves them ------------------------

DAMAGED_PARTS = [CARD_XML, DIARY_XML, "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml",
                 "xl/_rels/workbook.xml.rels", "_rels/.rels"]
INSERTED = [b"<", b">", b'"', b"'", b"&", b"\x00", b"=", b"/", b"\xff", b"&#0;", b"<!--", b"x"]


def damaged(seed: int) -> bytes:
    """The good book (with a shared-text table) with one part damaged once: a byte changed, a few
    bytes lost, one of INSERTED put in, or the part cut short, at a place the seed picks."""
    rng = random.Random(seed)
    parts = shared_strings(_parts(), SST + b"<si><t>abc</t></si></sst>")
    name = rng.choice(DAMAGED_PARTS)
    blob = bytearray(parts[name])
    at = rng.randrange(len(blob))
    how = rng.choice(["byte", "lost", "inserted", "cut"])
    if how == "byte":
        blob[at] = rng.randrange(256)
    elif how == "lost":
        del blob[at:at + rng.randrange(1, 20)]
    elif how == "inserted":
        blob[at:at] = rng.choice(INSERTED)
    else:
        del blob[at:]
    parts[name] = bytes(blob)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for part, data in parts.items():
            zf.writestr(part, data)
    return out.getvalue()


def test_no_damage_to_a_part_ends_as_a_generic_message(tmp_path):
    """300 damaged copies of a good book, read by two workers as a batch does: each is read, or
    refused with a message that says what is broken (never 读取时出错 or 程序出错), in Chinese."""
    files = []
    for seed in range(300):
        path = tmp_path / f"损坏{seed:03d}.xlsx"
        path.write_bytes(damaged(seed))
        files.append((path, path.name))
    results = batch.run_checks(files, jobs=2)
    assert [r.summary.file for r in results] == [name for _, name in files]
    refused = 0
    for result in results:
        for issue in result.issues:
            assert issue.code not in ("reader-crashed", "tool-failed"), (issue.file, issue.message)
            assert CJK.search(issue.message)
            assert not ENGLISH.search(re.sub(r"“[^”]*”", "", issue.message)), issue.message
        refused += result.summary.kind == "unreadable"
    assert 100 < refused < 300  # most damage is refused; some lands where the reader reads past it


# 担保贷款 of the third diary row, a formula whose result has no room
SPILL = part_changed(DIARY_XML, replaced(b"</row></sheetData>",
                                         b'<c r="M5" t="e"><f>SORT(A3:A5)</f><v>#SPILL!</v></c></row></sheetData>'))


def test_a_spill_error_costs_its_cell_not_the_book(tmp_path):
    """Excel 365 shows #SPILL! where a dynamic-array formula has no room. The reader library
    knows no such error value and refused the whole book (reader-crashed); the guard now hands it
    a copy with #N/A there: 担保贷款 is said at its cell, showing #SPILL!, every other row counts."""
    SPILL(tmp_path / "溢出.xlsx")
    before = digest(tmp_path / "溢出.xlsx")
    report = json.loads(run("validate", tmp_path, "--json", "-j", "1", "--no-cache").stdout)
    [issue] = [i for i in report["issues"] if i["file"] == "溢出.xlsx"]
    assert (issue["code"], issue["sheet"], issue["cell"]) == ("cell-error", "联户日记", "M5")
    assert "“担保贷款(元)”显示的是错误值“#SPILL!”" in issue["message"], issue["message"]
    summary = summary_of(report, "溢出.xlsx")
    assert (summary["kind"], summary["card_rows"], summary["diary_rows"]) == ("book", 2, 3)
    assert summary["counted"] == 4 and summary["excluded"] == 1  # the diary row with the error only
    assert digest(tmp_path / "溢出.xlsx") == before


def test_annotating_a_folder_with_broken_books_makes_copies_only_where_a_cell_can_be_marked(tmp_path):
    """--annotate: a book whose part is broken gets no copy and no second notice (its one message
    says what to do); a book with a #SPILL! cell gets its copy, that cell marked."""
    folder = tmp_path / "收集"
    folder.mkdir()
    next(s for s in SHAPES if s.name == "非UTF8文字.xlsx").build(folder / "非UTF8文字.xlsx")
    SPILL(folder / "溢出.xlsx")
    good_book(folder / GOOD)
    result = run("validate", folder, "--json", "-j", "1", "--no-cache", "--annotate", tmp_path / "退回")
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert [(i["file"], i["code"]) for i in report["issues"] if i["severity"] == "error"] == [
        ("溢出.xlsx", "cell-error"), ("非UTF8文字.xlsx", "file-corrupt")]
    assert sorted(p.name for p in (tmp_path / "退回").iterdir()) == ["溢出.xlsx"]
    marked = openpyxl.load_workbook(tmp_path / "退回" / "溢出.xlsx")["联户日记"]["M5"]
    assert marked.comment is not None and "#SPILL!" in marked.comment.text


def test_a_broken_roster_is_said_where_it_is_broken(tmp_path):
    """--roster with a 名册 whose sheet holds bytes that are not UTF-8: the run cannot start
    (exit 2), and says the 名册, its sheet and cell, and the part's place (was 读取时出错)."""
    roster = roster_xlsx(tmp_path / "名册.xlsx", [["村", "社", "户主"], ["下营村", "六社", "户主XY-001"]])
    parts = members_of(roster.read_bytes())
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"].replace("六社".encode(), b"\xff\xfe", 1)
    rezip(roster, parts)
    good_book(tmp_path / "收集" / GOOD)
    result = run("validate", tmp_path / "收集", "--roster", roster, "--no-cache")
    assert result.exit_code == 2, result.output
    assert "名册“名册.xlsx”无法读取：Sheet!B3：" in result.output
    assert "不是 UTF-8 编码；位置在 xl/worksheets/sheet1.xml 第 1 行第" in result.output
    assert "Traceback" not in result.output and not ENGLISH.search(result.output.replace("Sheet!", ""))
