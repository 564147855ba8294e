"""validate --report: which books are clean, which need fixing, and whom the branch secretary calls."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli
from lianhu_xl.report_book import NO_CARD, attribute


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.setenv("LIANHU_CACHE", "off")


def rows(ws, header: str) -> list[dict]:
    """The sheet's rows under the header row whose first cell is ``header``."""
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(grid) if r[0] == header)
    return [dict(zip(grid[at], r, strict=False)) for r in grid[at + 1:] if r[0] is not None]


@pytest.fixture()
def branch(tmp_path):
    """A village book with two cadres' cards, a diary-only book, a clean book and a broken file."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx",
               [card("XY-001", 联系人="王明"),
                card("XY-002", 联系人="赵刚", 联系人类别="党员", 联系户类型="经济落后户",
                     结对日期="2010.13.5", **{"基期人均纯收入(元)": 1800})],
               [diary("XY-002", dt.date(2010, 4, 3), 形式="微信")])
    # 李华's diary rows name 王明's and 赵刚's cards: the problems belong to the cards' 联系人
    write_book(folder / "四月日记.xlsx", None,
               [diary("XY-001", "2010年4月31日"),
                diary("XY-002", dt.date(2010, 4, 9), **{"担保贷款(元)": "三千多"}),
                diary("XY-404", dt.date(2010, 4, 9), 联系人="孙丽")])
    write_book(folder / "倪家营村.xlsx", [card("NJ-001", 联系人="陈平", 村="倪家营村")],
               [diary("NJ-001", dt.date(2010, 4, 2))])
    (folder / "坏.xlsx").write_bytes(b"PK\x03\x04 broken")
    report = tmp_path / "问题清单.xlsx"
    result = CliRunner().invoke(cli, ["validate", str(folder), "--report", str(report), "-q"])
    assert result.exit_code == 1, result.output
    return openpyxl.load_workbook(report), folder


def test_per_file_view_puts_the_books_to_fix_first(branch):
    wb, _ = branch
    assert wb.sheetnames == ["按文件", "按联系人", "问题清单"]
    files = rows(wb["按文件"], "文件")
    order = [f["文件"] for f in files]
    assert set(order[:3]) == {"下营村.xlsx", "四月日记.xlsx", "坏.xlsx"} and order[3] == "倪家营村.xlsx"
    by = {f["文件"]: f for f in files}
    assert by["倪家营村.xlsx"]["状态"] == "通过" and by["倪家营村.xlsx"]["错误数"] == 0
    assert by["下营村.xlsx"]["状态"] == "需改正" and by["下营村.xlsx"]["错误数"] == 2
    assert by["坏.xlsx"]["状态"] == "未读取"
    assert by["下营村.xlsx"]["联系人"] == "王明、赵刚"
    # a diary-only book belongs to its cards' linkers (and to the name typed on a row without a card)
    assert by["四月日记.xlsx"]["联系人"] == "王明、赵刚、孙丽"
    assert "需要退回改正的文件 3 个" in wb["按文件"]["A2"].value


def test_per_linker_view_gives_each_problem_to_the_person_whose_row_it_is(branch):
    wb, _ = branch
    people = {(p["联系人"], p["文件"]): p for p in rows(wb["按联系人"], "联系人")}
    zhao = people[("赵刚", "下营村.xlsx")]  # his card's bad 结对日期 and his diary's bad 形式
    assert (zhao["错误数"], zhao["状态"]) == (2, "需改正")
    assert zhao["要改正的单元格"] == "联户卡!N4、联户日记!E3"
    wang = people[("王明", "下营村.xlsx")]
    assert (wang["错误数"], wang["警告数"], wang["状态"]) == (0, 0, "通过")
    # in the diary-only book: 4月31日 is on 王明's card, 三千多 on 赵刚's, XY-404 names no card
    assert people[("王明", "四月日记.xlsx")]["要改正的单元格"] == "联户日记!B3"
    assert "联户日记!M4" in people[("赵刚", "四月日记.xlsx")]["要改正的单元格"]
    assert people[("孙丽", "四月日记.xlsx")]["要改正的单元格"] == "联户日记!A5"
    assert people[("陈平", "倪家营村.xlsx")]["状态"] == "通过"
    assert people[("陈平", "倪家营村.xlsx")]["村"] == "倪家营村"
    first = rows(wb["按联系人"], "联系人")[0]
    assert first["状态"] == "需改正", "the people to call come first"


def test_issue_list_names_the_person(branch):
    wb, _ = branch
    issues = rows(wb["问题清单"], "文件")
    n4 = next(i for i in issues if i["文件"] == "下营村.xlsx" and i["单元格"] == "N4")
    assert n4["联系人"] == "赵刚" and n4["级别"] == "错误" and "2010.13.5" in n4["说明"]
    assert all(i["代码"] for i in issues)


def test_a_diary_without_card_or_name_is_said_plainly(tmp_path):
    from lianhu_xl.validate import validate

    write_book(tmp_path / "a.xlsx", None, [diary("XY-9")])
    v = validate([tmp_path])
    who = attribute(v)
    issue = next(i for i in v.report.issues if i.code == "unknown-card")
    assert who.owner_of(issue) == NO_CARD


def test_typed_text_that_looks_like_a_formula_stays_text(tmp_path):
    src = write_book(tmp_path / "in" / "a.xlsx", [card("XY-1", 结对日期="去年")], None)
    book = openpyxl.load_workbook(src)
    cell = book["联户卡"]["B3"]
    cell.value = "=HYPERLINK(\"x\")"
    cell.data_type = "s"  # text that a cadre typed with a leading apostrophe
    book.save(src)
    out = tmp_path / "r.xlsx"
    CliRunner().invoke(cli, ["validate", str(tmp_path / "in"), "--report", str(out), "-q"])
    wb = openpyxl.load_workbook(out)
    people = rows(wb["按联系人"], "联系人")
    assert people[0]["联系人"] == "=HYPERLINK(\"x\")"
    assert wb["按联系人"]["A2"].data_type == "s"


def test_the_problem_list_written_as_xml_text_is_the_workbook_cell_by_cell_writes(branch, tmp_path, monkeypatch):
    """问题清单's rows go in as XML text (a county's report holds hundreds of thousands; cell by
    cell through XlsxWriter its writing took longer than reading the books): the same file, byte
    for byte, as XlsxWriter's own calls write, with a message of several lines, a value needing
    escaping (<, &) and each severity's colour."""
    from lianhu_xl import report_book

    _, folder = branch
    write_book(folder / "上营村.xlsx", [card("SY-001", 户主="<李&张>")],
               [diary("SY-001", dt.date(2010, 4, 3), 形式="走访 & 座谈"),
                diary("SY-001", dt.date(2010, 5, 3), **{"担保贷款(元)": 3})])  # a warning
    fast, plain = tmp_path / "快.xlsx", tmp_path / "慢.xlsx"
    assert CliRunner().invoke(cli, ["validate", str(folder), "--report", str(fast), "-q"]).exit_code == 1
    monkeypatch.setattr(report_book, "FAST_ROWS", False)
    assert CliRunner().invoke(cli, ["validate", str(folder), "--report", str(plain), "-q"]).exit_code == 1
    with zipfile.ZipFile(fast) as a, zipfile.ZipFile(plain) as b:
        assert {n: a.read(n) for n in a.namelist() if n != "docProps/core.xml"} == {
            n: b.read(n) for n in b.namelist() if n != "docProps/core.xml"}
    listed = rows(openpyxl.load_workbook(fast)["问题清单"], "文件")
    assert {r["级别"] for r in listed} >= {"错误", "警告"}
    assert any("走访 & 座谈" == r["填写内容"] for r in listed)
