"""lianhu merge: cadres' own books into one branch book; duplicates once, conflicts
and errors left out and listed, the merged book validated, sources untouched."""

from __future__ import annotations

import datetime as dt
import hashlib

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from conftest import needs_libreoffice

from lianhu_xl.cli import cli
from lianhu_xl.consolidate import consolidate
from lianhu_xl.merge import merge
from lianhu_xl.validate import validate
from lianhu_xl.values import id_check_char

ID17 = "62072319800101123"
ID = ID17 + id_check_char(ID17)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _two_cadres(tmp_path):
    """宋海's and 李胜's own books, and the village book holding copies of both."""
    song = write_book(tmp_path / "收集" / "宋海.xlsx",
                      [card("XY-001", 联系人="宋海", 联系人类别="村干部", 联系户类型="思想保守户", 户主="缪红",
                            身份证号=ID, 联系电话="13912345678")],
                      [diary("XY-001", "2010年3月6日", 服务类别="政策宣传"),
                       diary("XY-001", dt.date(2010, 4, 8), **{"担保贷款(元)": "3000元"})])
    li = write_book(tmp_path / "收集" / "李胜.xlsx",
                    [card("XY-002", 联系人="李胜", 联系人类别="党员", 联系户类型="经济落后户", 户主="徐学福",
                          **{"基期人均纯收入(元)": 2500})],
                    [diary("XY-002", dt.date(2010, 5, 2), **{"帮耕帮畜(次)": 3})])
    village = write_book(tmp_path / "收集" / "下营村.xlsx",
                         [card("XY-001", 联系人="宋海", 联系人类别="村干部", 联系户类型="思想保守户", 户主="缪红",
                               身份证号=ID, 联系电话="13912345678")],
                         [diary("XY-001", "2010-3-6", 服务类别="政策宣传"),  # the same entry, typed otherwise
                          diary("XY-001", dt.date(2010, 5, 9))])
    return song, li, village


def test_merge_round_trip_keeps_the_union_once(tmp_path):
    books = _two_cadres(tmp_path)
    before = [_digest(p) for p in books]
    out = tmp_path / "支部" / "下营村合并.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "收集"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "联户卡 1 张、联户日记 1 条与另一份完全相同" in result.output
    assert [_digest(p) for p in books] == before  # sources only read
    check = validate([out])
    assert check.report.valid
    # 3 card rows - 1 duplicate; 5 diary rows - 1 duplicate
    assert sorted(r.model.card_no for r in check.cards) == ["XY-001", "XY-002"]
    assert len(check.diaries) == 4
    # offered beside the cadres' own books, the merged book changes no total
    alone = consolidate(list(books), period=None)
    both = consolidate([*books, out], period=None)
    assert both.total.counts() == alone.total.counts()
    assert alone.total.loans == 3000 and alone.total.plough == 3 and alone.total.services == 1


def test_merged_book_holds_no_id_number_or_phone(tmp_path):
    _two_cadres(tmp_path)
    out = tmp_path / "合并.xlsx"
    assert CliRunner().invoke(cli, ["merge", str(tmp_path / "收集"), "-o", str(out)]).exit_code == 0
    wb = openpyxl.load_workbook(out)
    rows = [row for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]
    text = " ".join(str(v) for row in rows for v in row if v)
    assert ID not in text and "13912345678" not in text
    header = next(row for row in rows if "卡号" in row and "户主" in row)
    assert "身份证号" not in header and "联系电话" not in header


def test_conflicts_and_errors_are_left_out_and_listed_with_both_places(tmp_path):
    a = write_book(tmp_path / "in" / "a.xlsx",
                   [card("XY-001"), card("XY-002", 户主="王五")],
                   [diary("XY-001", dt.date(2010, 3, 6)), diary("XY-002", dt.date(2010, 3, 7)),
                    diary("XY-001", "2010.9.31")])  # an unreadable date
    b = write_book(tmp_path / "in" / "b.xlsx",
                   [card("XY-002", 户主="赵六"), card("XY-003")],  # XY-002 says another household
                   [diary("XY-003", dt.date(2010, 4, 1)), diary("XY-001", dt.date(2010, 3, 6), **{"办实事(件)": "1件"}),
                    diary("XY-404", dt.date(2010, 4, 2))])  # conflicting entry; a card nobody sent
    out = tmp_path / "合并.xlsx"
    result = merge([a, b], out)
    assert result.exit_code == 1
    assert sorted(r.model.card_no for r in result.cards) == ["XY-001", "XY-003"]
    kept = sorted((r.model.card_no, r.model.date.isoformat()) for r in result.diaries)
    assert kept == [("XY-003", "2010-04-01"), ("XY-404", "2010-04-02")]
    codes = sorted(i.code for i in result.conflicts)
    assert codes == ["conflicting-card", "conflicting-card", "conflicting-diary", "conflicting-diary"]
    card_conflict = next(i for i in result.conflicts if i.code == "conflicting-card" and i.file == "a.xlsx")
    assert card_conflict.cell == "A4" and "b.xlsx 联户卡!第3行" in card_conflict.message
    assert {(i.file, i.cell, i.code) for i in result.errors} >= {("a.xlsx", "B5", "bad-date")}
    assert any(i.code == "card-excluded" for i in result.errors)  # XY-002's diary goes with its card
    assert [i.value for i in result.unknown_cards] == ["XY-404"]
    # the merged book is written and validated: it holds exactly what was kept
    check = result.check
    assert sorted(r.model.card_no for r in check.cards) == ["XY-001", "XY-003"]
    assert [i.code for i in check.report.errors] == ["unknown-card"]

    cli_run = CliRunner().invoke(cli, ["merge", str(a), str(b), "-o", str(tmp_path / "again.xlsx")])
    assert cli_run.exit_code == 1
    assert "内容冲突，未合并" in cli_run.output and "a.xlsx" in cli_run.output and "b.xlsx" in cli_run.output
    assert "联户日记!B5" in cli_run.output


def test_usage_errors_exit_2_and_write_nothing(tmp_path):
    book = write_book(tmp_path / "in" / "a.xlsx", [card("XY-001")], [])
    before = _digest(book)
    runner = CliRunner()
    inside = runner.invoke(cli, ["merge", str(tmp_path / "in"), "-o", str(book)])
    assert inside.exit_code == 2 and "也在要合并的文件中" in inside.output
    assert _digest(book) == before
    wrong = runner.invoke(cli, ["merge", str(book), "-o", str(tmp_path / "合并.csv")])
    assert wrong.exit_code == 2 and ".xlsx" in wrong.output
    (tmp_path / "empty").mkdir()
    nothing = runner.invoke(cli, ["merge", str(tmp_path / "empty"), "-o", str(tmp_path / "x.xlsx")])
    assert nothing.exit_code == 2
    assert not (tmp_path / "合并.csv").exists() and not (tmp_path / "x.xlsx").exists()


def test_nothing_readable_writes_no_book(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "旧表.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    out = tmp_path / "合并.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "in"), "-o", str(out)])
    assert result.exit_code == 1
    assert "没有写出合并簿" in result.output and "旧表.xls" in result.output
    assert not out.exists()


@needs_libreoffice
def test_libreoffice_opens_the_merged_book_and_it_still_validates(tmp_path):
    from libreoffice import convert

    _two_cadres(tmp_path)
    out = tmp_path / "合并.xlsx"
    merged = merge([tmp_path / "收集"], out)
    saved = convert(out, tmp_path / "lo")  # opened and saved again by a real client
    again = validate([saved])
    assert again.report.valid
    assert [r.model for r in again.cards] == [r.model for r in merged.check.cards]
    assert [r.model for r in again.diaries] == [r.model for r in merged.check.diaries]


def test_a_rerun_replaces_its_own_earlier_output_in_the_folder(tmp_path):
    _two_cadres(tmp_path)
    folder = tmp_path / "收集"
    out = folder / "合并.xlsx"
    runner = CliRunner()
    first = runner.invoke(cli, ["merge", str(folder), "-o", str(out)])
    second = runner.invoke(cli, ["merge", str(folder), "-o", str(out)])
    assert first.exit_code == second.exit_code == 0, second.output
    assert "读取 3 个文件" in second.output  # the earlier merged book is not read as a source
    assert len(validate([out]).cards) == 2


def test_a_cell_longer_than_excel_allows_is_said_not_cut_without_a_word(tmp_path):
    """A 主要问题 of 40,000 characters (LibreOffice or a script can save one; Excel cannot hold
    it): the merged book keeps the first 32,767, and the merge says where, exit 1."""
    from hostile import CARD_XML, members_of, rezip

    book = write_book(tmp_path / "收集" / "长.xlsx", [card("XY-001", 主要问题="缺水")], [diary("XY-001")])
    parts = members_of(book.read_bytes())
    parts[CARD_XML] = parts[CARD_XML].replace("缺水".encode(), "问".encode() * 40000, 1)
    rezip(book, parts)
    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "收集"), "-o", str(tmp_path / "合并.xlsx")])
    assert result.exit_code == 1, result.output
    assert "超过 Excel 一格最多 32767 个字" in result.output
    assert "长.xlsx 联户卡!P3（40000 个字）" in result.output  # 主要问题 is column P
    assert "全部合并" not in result.output
