"""One village typed two ways across books or rows (下营村 / 下营 / 下营村委会, 倪家营乡倪家营村 /
倪家营村) is one row of the 汇总, told once per other spelling; with a 名册 it is the roster's
village, not an error. Different villages (上营 / 下营, 甲乡下营村 / 乙乡下营村) stay apart."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from bookfactory import card, diary, roster_xlsx, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli
from lianhu_xl.roster import Roster
from lianhu_xl.values import one_village_names, same_village

D = dt.date


def consolidate(*args: object):
    return CliRunner().invoke(cli, ["consolidate", *map(str, args)])


def totals_sheet(path) -> dict[str, dict[str, object]]:
    """The 汇总 sheet's rows by 单位, each by its header's labels."""
    rows = [list(r) for r in openpyxl.load_workbook(path)["汇总"].iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if r and r[0] == "单位")
    head = rows[at]
    units = {}
    for r in rows[at + 1:]:
        units[r[0]] = dict(zip(head, r, strict=False))
        if r[0] == "合计":
            return units
    raise AssertionError("no 合计 row")


def township(folder):
    """Two books of one township: 下营村 typed three ways over four cards, and 上营, another village."""
    write_book(folder / "下营村.xlsx",
               [card("XY-001", 村="下营村"),
                card("XY-002", 村="下营村", 联系人="李四", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="是")],
               [diary("XY-001", D(2010, 3, 6), 服务类别="政策宣传"), diary("XY-002", D(2010, 4, 6))])
    write_book(folder / "二社.xlsx",
               [card("XY-003", 村="下营", 联系人="赵五", 联系人类别="党员", 联系户类型="经济落后户",
                     **{"基期人均纯收入(元)": 2500}),
                card("XY-004", 村="下营村委会"),
                card("SY-001", 村="上营")],
               [diary("XY-003", D(2010, 5, 6), **{"担保贷款(元)": 5000}),
                diary("XY-004", D(2010, 6, 6), 形式="电话联系"),
                diary("SY-001", D(2010, 3, 6))])


def test_one_village_typed_three_ways_is_one_row_of_the_totals_told_at_each_other_spelling(tmp_path):
    township(tmp_path / "收集")
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "收集", "-o", out, "--period", "2010", "--json")
    assert result.exit_code == 0, result.output  # warnings only
    data = json.loads(result.output)
    units = {u["单位"]: u for u in data["units"]}
    assert list(units) == ["上营", "下营村"]  # was 上营, 下营, 下营村, 下营村委会: one village in three rows
    by_hand = {"致富明星户": 2, "思想保守户": 1, "经济落后户": 1,  # XY-001, XY-004; XY-002; XY-003
               "入户访谈": 3, "提供服务": 1, "担保贷款(元)": 5000, "转化户数": 1, "思想保守户数": 1,
               "应访谈月数": 4 * 12, "实访谈月数": 3,  # XY-001 Mar, XY-002 Apr, XY-003 May
               "应记日记月数": 48, "实记日记月数": 4}  # and XY-004's phone call in June
    assert {k: units["下营村"][k] for k in by_hand} == by_hand
    assert (units["上营"]["致富明星户"], units["上营"]["入户访谈"]) == (1, 1)
    assert (data["total"]["致富明星户"], data["total"]["入户访谈"]) == (3, 4)
    assert not [e for e in data["excluded"] if e["category"] == "未计入"]
    sheet = totals_sheet(out)  # the 汇总 sheet says what the JSON says
    assert list(sheet) == ["上营", "下营村", "合计"]
    assert {k: sheet["下营村"][k] for k in by_hand} == by_hand
    told = [i for i in data["issues"] if i["code"] == "village-name-variant"]
    assert [(i["file"], i["cell"], i["value"]) for i in told] == [("二社.xlsx", "F3", "下营"),
                                                                  ("二社.xlsx", "F4", "下营村委会")]
    for issue in told:
        assert issue["severity"] == "warning"
        assert "下营村.xlsx 联户卡!第3行等 2 张卡的“下营村”是同一个村" in issue["message"]
        assert "请统一写成“下营村”" in issue["message"]


def test_validate_tells_each_other_spelling_once_not_each_card(tmp_path):
    write_book(tmp_path / "收集" / "a.xlsx", [card("XY-001"), card("XY-002"), card("XY-003", 村="下营"),
                                            card("XY-004", 村="下营")], [])
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "收集"), "--json"])
    assert result.exit_code == 0, result.output
    told = [i for i in json.loads(result.output)["issues"] if i["code"] == "village-name-variant"]
    assert [(i["cell"], i["value"]) for i in told] == [("F5", "下营")]
    assert "联户卡!第3行等 2 张卡的“下营村”" in told[0]["message"]


def test_the_most_used_spelling_names_the_row(tmp_path):
    write_book(tmp_path / "收集" / "a.xlsx", [card("XY-001", 村="下营"), card("XY-002", 村="下营"),
                                            card("XY-003", 村="下营村")], [])
    result = consolidate(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "--json")
    data = json.loads(result.output)
    assert [(u["单位"], u["致富明星户"]) for u in data["units"]] == [("下营", 3)]
    told = [i for i in data["issues"] if i["code"] == "village-name-variant"]
    assert [(i["cell"], i["value"]) for i in told] == [("F5", "下营村")]
    assert "请统一写成“下营”" in told[0]["message"]


def test_a_township_before_the_village_is_that_village_two_townships_are_not(tmp_path):
    write_book(tmp_path / "收集" / "a.xlsx",
               [card("NJ-001", 村="倪家营村"), card("NJ-002", 村="倪家营乡倪家营村"),
                card("XY-001", 村="下营村"), card("XY-002", 村="甲乡下营村"), card("XY-003", 村="乙乡下营村")],
               [])
    result = consolidate(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "--json")
    data = json.loads(result.output)
    units = {u["单位"]: u["致富明星户"] for u in data["units"]}
    # which township's 下营村 is the plain one? Two townships prefixed: all three stay apart, untold
    assert units == {"倪家营村": 2, "下营村": 1, "甲乡下营村": 1, "乙乡下营村": 1}
    told = [(i["cell"], i["value"]) for i in data["issues"] if i["code"] == "village-name-variant"]
    assert told == [("F4", "倪家营乡倪家营村")]


def test_with_a_roster_a_variant_is_the_roster_village_not_an_error(tmp_path):
    roster = roster_xlsx(tmp_path / "名册.xlsx", [["村", "社"], ["下营村", "六社"], ["下营村", "七社"],
                                                 ["倪家营村", "一社"]])
    write_book(tmp_path / "收集" / "a.xlsx",
               [card("XY-001", 村="下营村"), card("XY-002", 村="下营", 社="6社"),
                card("NJ-001", 村="倪家营乡倪家营村", 社="1组"),
                card("SY-001", 村="上营")],  # not on the roster by any reading: still an error
               [diary("XY-002", D(2010, 3, 6)), diary("NJ-001", D(2010, 4, 6)), diary("SY-001", D(2010, 5, 6))])
    out = tmp_path / "t.xlsx"
    result = consolidate(tmp_path / "收集", "-o", out, "--roster", roster, "--period", "2010", "--json")
    assert result.exit_code == 1  # 上营
    data = json.loads(result.output)
    units = {u["单位"]: (u["致富明星户"], u["入户访谈"]) for u in data["units"]}
    assert units == {"下营村": (2, 1), "倪家营村": (1, 1)}  # was (1, 0) and (0, 0), two cards left out
    assert (data["total"]["致富明星户"], data["total"]["入户访谈"]) == (3, 2)
    left = sorted((e["cell"], e["category"]) for e in data["excluded"])
    assert left == [("A5", "未计入"), ("F6", "未计入")]  # 上营's card and its diary, nothing else
    errors = [(i["cell"], i["code"]) for i in data["issues"] if i["severity"] == "error"]
    assert errors == [("F6", "not-on-roster")]
    told = {i["value"]: i["message"] for i in data["issues"] if i["code"] == "village-name-variant"}
    assert set(told) == {"下营", "倪家营乡倪家营村"}
    assert "与乡镇名册上的“下营村”是同一个村" in told["下营"]
    sheet = totals_sheet(out)
    assert [(v, sheet[v]["致富明星户"]) for v in sheet] == [("下营村", 2), ("倪家营村", 1), ("合计", 3)]


def test_the_same_household_under_a_village_or_team_typed_another_way_is_told(tmp_path):
    write_book(tmp_path / "收集" / "a.xlsx",
               [card("XY-001", 户主="张三", 社="六社"), card("XY-002", 户主="张三", 村="下营", 社="第6社"),
                card("XY-003", 户主="张三", 社="七社")], [])  # 七社's 张三 is another household
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "收集"), "--json"])
    told = [(i["cell"], i["value"]) for i in json.loads(result.output)["issues"] if i["code"] == "duplicate-household"]
    assert told == [("H3", "下营村六社 张三"), ("H4", "下营村第6社 张三")]


def test_one_card_in_two_books_with_its_village_and_team_typed_another_way_counts_once(tmp_path):
    """The village's book and the cadre's own: 下营村 六社 there, 下营 6社 here. It was a conflicting
    card, both copies and their diaries left out (hand count 1 household, 1 visit; tool 0, 0)."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001", 村="下营村", 社="六社")], [diary("XY-001")])
    write_book(tmp_path / "收集" / "个人" / "王明.xlsx", [card("XY-001", 村="下营", 社="6社")], [diary("XY-001")])
    result = consolidate(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "--period", "2010", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(u["单位"], u["致富明星户"], u["入户访谈"]) for u in data["units"]] == [("下营村", 1, 1)]
    assert sorted(i["code"] for i in data["issues"]) == ["duplicate-card", "duplicate-diary"]


def test_merge_writes_each_village_as_its_cadre_typed_it(tmp_path):
    write_book(tmp_path / "收集" / "a.xlsx", [card("XY-001"), card("XY-002", 村="下营")], [])
    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "收集"), "-o", str(tmp_path / "合并.xlsx")])
    assert result.exit_code == 0, result.output
    ws = openpyxl.load_workbook(tmp_path / "合并.xlsx")["联户卡"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(rows) if "村" in r)
    col = rows[at].index("村")
    assert [r[col] for r in rows[at + 1:] if r[col]] == ["下营村", "下营"]


@pytest.mark.parametrize("a, b, same", [
    ("下营村", "下营", True), ("下营村委会", "下营", True), ("下营村村委会", "下营村", True),
    ("下营行政村", "下营村", True), ("下营村民委员会", "下营", True), ("下 营村", "下营", True),
    ("下营村委员会", "下营村", True), ("下营村村委员会", "下营", True), ("委员会", "委员", False),
    ("倪家营乡倪家营村", "倪家营村", True), ("倪家营村", "倪家营乡倪家营", True),
    ("上营", "下营", False), ("沙河一村", "沙河村", False), ("甲乡下营村", "乙乡下营村", False),
    ("新乡村", "村", False), ("镇江村", "江村", False),
])
def test_which_spellings_are_one_village(a, b, same):
    assert same_village(a, b) is same
    assert same_village(b, a) is same


def test_spellings_counted_under_one_and_a_roster_that_cannot_tell():
    assert one_village_names({"下营": 1, "下营村": 1}) == {"下营": "下营村"}  # equals: the 村 spelling
    assert one_village_names({"上营": 5, "下营": 1}) == {}
    assert Roster({"甲乡下营村": [], "乙乡下营村": []}).village_of("下营村") is None  # which one?
    assert Roster({"下营村": ["六社"]}).problems({"village": "下营", "team": "6社"}) == []
    assert Roster({"下营村": ["六社"]}).problems({"village": "下营", "team": "八社"})[0][:2] == ("not-on-roster", "team")


def test_one_card_with_its_township_before_its_village_in_one_book_counts_once(tmp_path):
    """The cadre's own book writes 倪家营乡倪家营村, the village's book 倪家营村: one card, counted
    once with its visit, not a conflict leaving both out. Hand count: NJ-001 and the village's
    NJ-002, 2 households, 2 visits, one row 倪家营村 (the copy counted is the cadre's, the first in
    file order, so its spelling is told and counted under the village's)."""
    write_book(tmp_path / "收集" / "倪家营村.xlsx", [card("NJ-001", 村="倪家营村"), card("NJ-002", 村="倪家营村")],
               [diary("NJ-001"), diary("NJ-002")])
    write_book(tmp_path / "收集" / "个人" / "王明.xlsx", [card("NJ-001", 村="倪家营乡倪家营村")], [diary("NJ-001")])
    result = consolidate(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "--period", "2010", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert [(u["单位"], u["致富明星户"], u["入户访谈"]) for u in data["units"]] == [("倪家营村", 2, 2)]
    assert sorted(i["code"] for i in data["issues"]) == ["duplicate-card", "duplicate-diary", "village-name-variant"]


def test_one_card_number_in_two_townships_villages_is_still_a_conflict(tmp_path):
    write_book(tmp_path / "收集" / "a.xlsx", [card("NJ-001", 村="甲乡下营村")], [])
    write_book(tmp_path / "收集" / "b.xlsx", [card("NJ-001", 村="乙乡下营村")], [])
    result = consolidate(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "--period", "2010", "--json")
    data = json.loads(result.output)
    assert sorted(i["code"] for i in data["issues"]) == ["conflicting-card", "conflicting-card"]
