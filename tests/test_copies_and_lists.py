"""Two readings the township settled (notes/totals-bugs-s4, items 2 and 3).

1. A cadre's own copy of a diary entry and the branch's copy after the township's 调阅 are the same
   entry when they differ only where one copy left 调阅人 · 调阅日期 · 调阅意见 · 联系人 · 户主 blank:
   counted once (the fuller copy), with the duplicate warning. Both filled and different, or blank
   against a value in any other column, is still a conflict.
2. A card linked after the period's end whose diary rows inside the period are counted is listed
   in 联户清单 (户数 0, 应访谈月数 0, a 备注 saying why), so that its columns add up to the 汇总 row.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pytest
from bookfactory import DIARY_LABELS, card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli

D = dt.date
REVIEW = {"调阅人": "乡党委", "调阅日期": D(2010, 3, 31), "调阅意见": "已阅"}
NAMES = {"联系人": "王明", "户主": "户主A"}
LOAN = {"担保贷款(元)": 3000}


def consolidate(folder: Path, out: Path, *extra: str) -> tuple[int, dict]:
    r = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "-j", "1", "--no-cache", "--json",
                                 *extra])
    assert r.exit_code in (0, 1), r.output
    return r.exit_code, json.loads(r.stdout)


def told(data: dict, code: str) -> list[dict]:
    return [i for i in data["issues"] if i["code"] == code]


def counted_rows(data: dict) -> dict[str, dict]:
    """Per file: rows counted, repeated, left out (the 来源 sheet's accounting)."""
    return {f["file"]: f["rows"] for f in data["files"]}


# --- 1. the cadre's own copy and the branch's reviewed copy ---------------------------------------

def test_a_cadres_copy_with_blank_review_and_name_cells_is_the_same_entry_as_the_reviewed_copy(tmp_path):
    """一社宋海.xlsx (his own book, 调阅 and names left blank) sorts before 下营村.xlsx (the branch's
    copy, reviewed): the visit counts once, and the copy counted is the reviewed one."""
    folder = tmp_path / "收集"
    write_book(folder / "一社宋海.xlsx", [card("A")], [diary("A", D(2010, 3, 6), **LOAN)])
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6), **LOAN, **REVIEW, **NAMES)])
    code, data = consolidate(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert code == 0
    assert not told(data, "conflicting-diary")
    assert (data["total"]["入户访谈"], data["total"]["实访谈月数"], data["total"]["担保贷款(元)"]) == (1, 1, 3000)
    # the branch's copy is counted, the cadre's is the repeat (not the first in file order)
    rows = counted_rows(data)
    assert rows["下营村.xlsx"]["duplicate"] == 1 and rows["下营村.xlsx"]["counted"] == 1  # its card repeats
    assert rows["一社宋海.xlsx"]["duplicate"] == 1 and rows["一社宋海.xlsx"]["counted"] == 1  # its diary repeats
    (warning,) = told(data, "duplicate-diary")
    assert warning["file"] == "一社宋海.xlsx" and warning["severity"] == "warning"
    message = warning["message"]
    assert "计入的是 下营村.xlsx 联户日记!第3行 那一份" in message
    letters = {label: chr(ord("A") + i) for i, label in enumerate(DIARY_LABELS)}
    for label in ("调阅人", "调阅日期", "调阅意见", "联系人", "户主"):
        assert f"{label}（联户日记!{letters[label]}3）" in message
    assert "担保贷款" not in message
    excluded = [(e["file"], e["category"]) for e in data["excluded"]]
    assert ("一社宋海.xlsx", "重复") in excluded and ("下营村.xlsx", "重复") not in [
        (e["file"], e["category"]) for e in data["excluded"] if e["sheet"] == "联户日记"]


def test_a_copy_from_an_older_form_without_review_columns_gives_way_to_the_reviewed_copy(tmp_path):
    """Without the columns at all, the reviewed copy is still the one counted, and the warning says
    the other's sheet has no such columns."""
    folder = tmp_path / "收集"
    old_form = [label for label in DIARY_LABELS if not label.startswith("调阅")]
    write_book(folder / "一社宋海.xlsx", [card("A")], [diary("A", D(2010, 3, 6))], diary_labels=old_form)
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6), **REVIEW)])
    code, data = consolidate(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert code == 0 and data["total"]["入户访谈"] == 1
    (warning,) = told(data, "duplicate-diary")
    assert warning["file"] == "一社宋海.xlsx"
    assert "没有调阅人、调阅日期、调阅意见列" in warning["message"]


def test_copies_each_filling_different_blanks_count_the_fuller_and_say_what_the_other_adds(tmp_path):
    """His copy has the names, the branch's the three review cells: the branch's (three filled) is
    counted, and his warning says his names are not in the copy counted."""
    folder = tmp_path / "收集"
    write_book(folder / "一社宋海.xlsx", [card("A")], [diary("A", D(2010, 3, 6), **NAMES)])
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6), **REVIEW)])
    code, data = consolidate(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert code == 0 and data["total"]["入户访谈"] == 1
    (warning,) = told(data, "duplicate-diary")
    assert warning["file"] == "一社宋海.xlsx"
    assert "计入的是 下营村.xlsx 联户日记!第3行 那一份" in warning["message"]
    assert "没填调阅人" in warning["message"] and "这一份填了联系人" in warning["message"]
    assert "以计入的那一份为准" in warning["message"]


@pytest.mark.parametrize("cadre, branch, column", [
    ({"调阅人": "村支部"}, {"调阅人": "乡党委"}, "调阅人"),  # both filled, different
    ({"户主": "李四"}, {"户主": "户主A"}, "户主"),
    ({}, LOAN, "担保贷款"),  # blank against a value elsewhere: another 担保贷款
    ({}, {"办实事(件)": 1, **REVIEW}, "办实事"),
    ({}, {"服务类别": "政策宣传"}, "服务类别"),
], ids=["review-differs", "head-differs", "loan-blank", "deed-blank-and-review", "service-blank"])
def test_copies_that_say_different_things_still_conflict(tmp_path, cadre, branch, column):
    folder = tmp_path / "收集"
    write_book(folder / "一社宋海.xlsx", [card("A")], [diary("A", D(2010, 3, 6), **cadre)])
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6), **branch)])
    code, data = consolidate(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert code == 1 and data["total"]["入户访谈"] == 0
    conflicts = told(data, "conflicting-diary")
    assert sorted(i["file"] for i in conflicts) == ["一社宋海.xlsx", "下营村.xlsx"]
    assert all(column in i["message"] for i in conflicts)  # the column that differs, not a blank review
    assert not told(data, "duplicate-diary")


def test_three_copies_where_two_reviewers_disagree_are_a_conflict_whatever_the_order(tmp_path):
    """The blank copy agrees with each reviewed one, but they disagree with each other."""
    folder = tmp_path / "收集"
    write_book(folder / "一社宋海.xlsx", [card("A")], [diary("A", D(2010, 3, 6))])
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6), 调阅人="村支部")])
    write_book(folder / "乡党委.xlsx", [card("A")], [diary("A", D(2010, 3, 6), 调阅人="乡党委")])
    code, data = consolidate(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert code == 1 and data["total"]["入户访谈"] == 0
    assert len(told(data, "conflicting-diary")) == 3
    assert all("调阅人" in i["message"] for i in told(data, "conflicting-diary"))


def test_a_card_blank_in_one_copy_and_filled_in_the_other_is_still_a_conflict(tmp_path):
    """The card has no review or reader's-comfort column: blank against a value is different content."""
    folder = tmp_path / "收集"
    write_book(folder / "一社宋海.xlsx", [card("A")], [])
    write_book(folder / "下营村.xlsx", [card("A", 职务="副乡长")], [])
    code, data = consolidate(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert code == 1 and data["total"]["致富明星户"] == 0
    assert len(told(data, "conflicting-card")) == 2


# --- 2. a card linked after the period, its visits inside it counted ------------------------------

def _sheet(path: Path, name: str, header_first: str) -> list[dict]:
    """The rows under the header (the row whose first cell is ``header_first``), as dicts."""
    rows = list(openpyxl.load_workbook(path, data_only=True)[name].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == header_first)
    return [dict(zip(rows[at], r, strict=False)) for r in rows[at + 1:] if r and r[0]]


SUMMED = ("应访谈月数", "入户访谈", "提供服务", "解决主要问题", "办实事", "担保贷款(元)", "帮耕帮畜")
TYPES = ("致富明星户", "思想保守户", "经济落后户")


def test_the_card_list_adds_up_to_the_summary_row_with_a_card_linked_after_the_period(tmp_path):
    """Q3: F1 (linked 10-8) was visited 9-20 and its main problem solved; C (a 思想保守户, converted,
    linked 11-1) was visited 9-1 with services, a deed, a loan and ploughing; G (linked 12-1) was
    visited only in December. F1 and C are on the 联户清单 with their visits, 户数 0 and 应访谈月数 0,
    and a 备注; G is not (nothing of it is counted). Per village and in all, a clerk adding up the
    list's columns gets the 汇总 row."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx",
               [card("A"), card("B", 联系户类型="思想保守户", 联系人类别="村干部", 是否转化="是"),
                card("C", 联系户类型="思想保守户", 联系人类别="村干部", 是否转化="是", 结对日期=D(2010, 11, 1)),
                card("F1", 结对日期=D(2010, 10, 8)), card("G", 结对日期=D(2010, 12, 1))],
               [diary("A", D(2010, 8, 1), 服务类别="政策宣传"), diary("B", D(2010, 7, 9), **{"办实事(件)": 1}),
                diary("C", D(2010, 9, 1), 服务类别="实用技术", **{"办实事(件)": 2, "担保贷款(元)": 3000, "帮耕帮畜(次)": 1}),
                diary("F1", D(2010, 9, 20), 发现问题="缺水", 是否主要问题="是", 解决办法="打井", 办理结果="当场解决"),
                diary("G", D(2010, 12, 5))])
    write_book(folder / "江淮村.xlsx", [card("J", 村="江淮村", 联系户类型="经济落后户", 联系人类别="党员")],
               [diary("J", D(2010, 9, 2), **{"担保贷款(元)": 500})])
    out = tmp_path / "汇总表.xlsx"
    code, data = consolidate(folder, out, "--period", "2010Q3")
    assert code == 0

    listed = _sheet(out, "联户清单", "村")
    assert [x["卡号"] for x in listed] == ["A", "B", "C", "F1", "J"]  # by 村, 社, 卡号, late ones among them
    late = {x["卡号"]: x for x in listed if x["户数"] == 0}
    assert sorted(late) == ["C", "F1"]
    for x in late.values():
        assert x["应访谈月数"] == 0 and x["入户访谈"] == 1
        assert x["备注"] == "结对日期在统计期末（2010-09-30）之后：户数和应访谈月数不计，期内日记照计"
    assert all(x["备注"] in ("", None) for x in listed if x["户数"] == 1)

    summary = {r["单位"]: r for r in _sheet(out, "汇总", "单位")}
    assert summary["合计"]["入户访谈"] == 5 and summary["合计"]["解决主要问题"] == 1  # late visits are counted
    for unit in ("下营村", "江淮村", "合计"):
        mine = [x for x in listed if unit == "合计" or x["村"] == unit]
        for column in SUMMED:
            assert sum(x[column] for x in mine) == summary[unit][column], (unit, column)
        for kind in TYPES:
            assert sum(x["户数"] for x in mine if x["联系户类型"] == kind) == summary[unit][kind], (unit, kind)
        assert sum(x["户数"] for x in mine if x["是否转化"] == "是") == summary[unit]["转化户数"]


def test_without_a_late_card_the_list_is_as_before(tmp_path):
    """Every card counted: 户数 1 each, no 备注, the title says nothing of late cards."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 8, 1))])
    out = tmp_path / "汇总表.xlsx"
    code, _ = consolidate(folder, out, "--period", "2010Q3")
    assert code == 0
    (x,) = _sheet(out, "联户清单", "村")
    assert (x["户数"], x["应访谈月数"], x["入户访谈"], x["备注"] or "") == (1, 3, 1, "")
    title = openpyxl.load_workbook(out)["联户清单"]["A1"].value
    assert "结对日期在统计期之后" not in title


@pytest.mark.parametrize("typed", [{"担保贷款(元)": 0}, {"办实事(件)": 0}, {"帮耕帮畜(次)": 0}, {"是否主要问题": "否"}])
def test_a_zero_or_no_against_a_blank_is_the_same_entry(tmp_path, typed):
    """The branch's copy says 0 (or 否) where the cadre left the cell blank: the standard reads the
    blank as that very value (a sum adds nothing; 是否主要问题 "default 否"), so no total depends on
    which copy is counted. The visit counts once instead of being left out as a conflict."""
    folder = tmp_path / "收集"
    write_book(folder / "一社宋海.xlsx", [card("A")], [diary("A", D(2010, 3, 6))])
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6), **typed)])
    code, data = consolidate(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert not told(data, "conflicting-diary")
    assert len(told(data, "duplicate-diary")) == 1
    assert (data["total"]["入户访谈"], data["total"]["实访谈月数"]) == (1, 1)


def test_a_number_against_a_blank_sum_still_conflicts(tmp_path):
    folder = tmp_path / "收集"
    write_book(folder / "一社宋海.xlsx", [card("A")], [diary("A", D(2010, 3, 6))])
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6), **{"担保贷款(元)": 5000})])
    code, data = consolidate(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert code == 1 and len(told(data, "conflicting-diary")) == 2
    assert data["total"]["入户访谈"] == 0
