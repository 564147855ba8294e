"""Session 8: a township's figures counted by hand from the standard where last session left a
question: a village whose every card is left out without a roster, and a visit whose reviewed
copy has a slip only in its review (调阅) columns.

Each test writes the books, says in comments how workbook-standard.md gives each figure, writes
the figures as literal numbers, runs ``lianhu consolidate`` as a clerk does and checks the 汇总
sheet and the JSON (helpers from tests/test_hand_counts.py), and that every row read is counted
or listed in 未计入.
"""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from test_hand_counts import Run, accounted, check, figures, terminal

from lianhu_xl.cli import cli

D = dt.date


def _all_wrong_village(tmp_path, folder="收集"):
    """汪家墩村 sent two cards, each with an error (a 联系户类型 not in the standard, a 结对日期
    that is no date), and their visits; 下营村 one good card and one visit."""
    write_book(tmp_path / folder / "汪家墩村.xlsx", [
        card("W1", 村="汪家墩村", 社="五社", 联系户类型="富裕户"),
        card("W2", 村="汪家墩村", 社="五社", 结对日期="去年"),
    ], [diary("W1", D(2010, 3, 6)), diary("W2", D(2010, 4, 6))])
    write_book(tmp_path / folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6))])


def test_without_a_roster_a_village_whose_every_card_is_left_out_keeps_its_row_of_zeros(tmp_path):
    """The standard's 汇总 has "one row per unit (a village …)". 汪家墩村 sent its book; every row
    has an error, so nothing of it counts. Without a roster it had no row at all (only 来源 and the
    red line named it): a clerk reading the 汇总 saw a township of one village. Now its row shows,
    all zeros, and a line under the table says why (not a village with nothing to do)."""
    _all_wrong_village(tmp_path)
    out = tmp_path / "汇总表.xlsx"
    run = Run(tmp_path / "收集", out, "--period", "2010")
    assert run.exit_code == 1
    # 下营村: one 致富明星户 linked 2010-01-05: Jan–Dec = 12 months expected; one 入户访谈 in March
    xy = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": xy, "汪家墩村": figures(), "合计": xy})
    accounted(run, {"汪家墩村.xlsx": 4, "下营村.xlsx": 2},
              {"汪家墩村.xlsx": {"excluded": 4}, "下营村.xlsx": {"counted": 2}})
    assert run.json["villages_left_out"] == {"汪家墩村": 2}
    summary = [str(v) for (v,) in openpyxl.load_workbook(out)["汇总"].iter_rows(min_col=1, max_col=1, values_only=True)
               if v]
    said = [v for v in summary if v.startswith("汪家墩村交来的 2 张联户卡都没有计入")]
    assert len(said) == 1 and "该村各项为 0" in said[0]
    # the terminal shows the row and says it too
    table = terminal(tmp_path / "收集", tmp_path / "再.xlsx", "--period", "2010")
    assert list(table) == ["下营村", "汪家墩村", "合计"]
    assert all(v in (0, None) for v in table["汪家墩村"].values())


def test_a_village_left_out_under_another_spelling_of_a_counted_village_gets_no_second_row(tmp_path):
    """下营村 counts a card; a second book writes the village 下营 (the same village, values.
    same_village) on a card with an error: no row 下营 of zeros beside 下营村."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6))])
    write_book(tmp_path / "收集" / "王明.xlsx", [card("B", 村="下营", 结对日期="去年")], None)
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    xy = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": xy, "合计": xy})
    assert run.json["villages_left_out"] == {}


def test_a_slip_in_the_review_columns_of_the_villages_copy_leaves_the_cadres_copy_counted(tmp_path):
    """王明's own book and 下营村's reviewed copy hold the same two visits (the review columns are
    filled later: a blank there says nothing, docs/consolidate.md). The branch typed 调阅日期 三月
    on the March visit: an error at its cell, that copy is left out. No total reads the review
    columns, and the cadre's copy of the visit is whole: the visit counts once, from it (it was
    left out with every copy, the 入户访谈 lost)."""
    write_book(tmp_path / "收集" / "王明.xlsx", [card("A")],
               [diary("A", D(2010, 3, 6), 服务类别="实用技术", **{"担保贷款(元)": 3000}), diary("A", D(2010, 4, 6))])
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [
        diary("A", D(2010, 3, 6), 服务类别="实用技术", 调阅人="李书记", 调阅日期="三月", **{"担保贷款(元)": 3000}),
        diary("A", D(2010, 4, 6), 调阅人="李书记", 调阅日期=D(2010, 4, 30)),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 1  # the slip is still an error to fix
    # one card (a duplicate of itself), two visits: March (入户访谈, a service, 3000 loan) and April
    row = figures(致富明星户=1, 入户访谈=2, 提供服务=1, 担保贷款=3000, 应访谈月数=12, 实访谈月数=2,
                  应记日记月数=12, 实记日记月数=2)
    check(run, {"下营村": row, "合计": row})
    # 王明 row 3 (March) counted; 下营村 row 3 left out by its slip; April: the reviewed copy counts
    accounted(run, {"王明.xlsx": 3, "下营村.xlsx": 3},
              {"王明.xlsx": {"counted": 1, "duplicate": 2}, "下营村.xlsx": {"counted": 2, "excluded": 1}})
    told = {(i["file"], i["cell"]): i for i in run.json["issues"] if i["code"] == "duplicate-diary-review"}
    assert list(told) == [("下营村.xlsx", "A3")]
    assert "王明.xlsx 联户日记!第3行" in told[("下营村.xlsx", "A3")]["message"]
    assert not [i for i in run.json["issues"] if i["code"] == "duplicate-diary-error"]
    left = [e for e in run.json["excluded"] if e["file"] == "下营村.xlsx"]
    assert len(left) == 1 and "三月" in left[0]["reason"] and "王明.xlsx" in left[0]["reason"]


def test_a_slip_outside_the_review_columns_still_leaves_every_copy_out(tmp_path):
    """The same two copies, but the branch's copy has 担保贷款 很多 (unreadable): which loan is
    right cannot be told, so as before (docs/consolidate.md) neither copy counts."""
    write_book(tmp_path / "收集" / "王明.xlsx", [card("A")], [diary("A", D(2010, 3, 6))])
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")],
               [diary("A", D(2010, 3, 6), 调阅人="李书记", **{"担保贷款(元)": "很多"})])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    row = figures(致富明星户=1, 应访谈月数=12, 应记日记月数=12)
    check(run, {"下营村": row, "合计": row})
    codes = sorted((i["file"], i["code"]) for i in run.json["issues"] if i["code"].startswith("duplicate-diary"))
    assert codes == [("下营村.xlsx", "duplicate-diary-error"), ("王明.xlsx", "duplicate-diary-error")]


def test_the_county_adds_the_townships_whatever_rows_of_zeros_they_hold(tmp_path):
    """甲乡 (下营村 counted, 汪家墩村 a row of zeros: every card left out) and 乙乡 (沙河村: a
    思想保守户 converted and a 经济落后户), both 2010, rolled up: the county adds each 合计 row
    ("the rates recomputed from the counts, never averaged"); the zeros row is no unit of its own
    and no village counted twice. `validate` of the county folder warns of 甲乡's rows left out only."""
    _all_wrong_village(tmp_path, "甲乡")
    write_book(tmp_path / "乙乡" / "沙河村.xlsx", [
        card("S1", 村="沙河村", 联系人="宋海", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="是",
             结对日期=D(2010, 7, 1)),
        card("S2", 村="沙河村", 联系人="李胜", 联系人类别="党员", 联系户类型="经济落后户",
             **{"基期人均纯收入(元)": 2500}),
    ], [diary("S1", D(2010, 7, 6)), diary("S1", D(2010, 8, 6), 形式="电话联系"), diary("S2", D(2010, 5, 6))])
    county = tmp_path / "县"
    for town in ("甲乡", "乙乡"):
        Run(tmp_path / town, county / f"{town}汇总表.xlsx", "--period", "2010", "--title", town)
    jia = openpyxl.load_workbook(county / "甲乡汇总表.xlsx")["汇总"]
    assert [r[0] for r in jia.iter_rows(min_row=5, max_row=7, max_col=1, values_only=True)] == ["下营村", "汪家墩村", "合计"]
    run = Run(county, tmp_path / "县汇总表.xlsx", "--title", "临泽县")
    # 甲乡 = 下营村: 1 star, 1 visit, 12 months expected, 1 met (interview and diary)
    jia_row = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    # 乙乡: S1 conservative converted, Jul–Dec 6 months, an interview in July, a call in August;
    # S2 backward, Jan–Dec 12 months, an interview in May
    yi_row = figures(思想保守户=1, 经济落后户=1, 入户访谈=2, 转化户数=1, 应访谈月数=18, 实访谈月数=2,
                     应记日记月数=18, 实记日记月数=3)
    total = figures(致富明星户=1, 思想保守户=1, 经济落后户=1, 入户访谈=3, 转化户数=1, 应访谈月数=30, 实访谈月数=3,
                    应记日记月数=30, 实记日记月数=4)
    check(run, {"乙乡": yi_row, "甲乡": jia_row, "合计": total})
    assert run.json["total"]["访谈达标率"] == 3 / 30  # 3 ÷ 30, not the mean of 1/12 and 2/18
    warned = sorted((i["file"], i["code"]) for i in run.json["issues"] if i["severity"] != "notice")
    assert warned == [("甲乡汇总表.xlsx", "totals-incomplete")]
    checked = CliRunner().invoke(cli, ["validate", str(county), "--json"])
    assert checked.exit_code == 0, checked.output  # a warning: the county may still roll up
    issues = json.loads(checked.output)["issues"]
    assert [(i["file"], i["code"]) for i in issues] == [("甲乡汇总表.xlsx", "totals-incomplete")]


def test_with_a_roster_the_zeros_of_a_village_that_sent_only_wrong_cards_are_said_too(tmp_path):
    """With a roster every village has its row; 汪家墩村's zeros looked like a village that sent
    nothing. Its line under the table says it sent 2 cards, none counted; 江淮村 (on the roster,
    sent nothing) is not named there; a card of a village not on the roster (上营村: an error) is
    no unit."""
    _all_wrong_village(tmp_path)
    write_book(tmp_path / "收集" / "上营村.xlsx", [card("U1", 村="上营村")], None)
    roster = tmp_path / "名册.csv"
    roster.write_text("村,社\n下营村,六社\n汪家墩村,五社\n江淮村,一社\n", encoding="utf-8")
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010", "--roster", str(roster))
    xy = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": xy, "汪家墩村": figures(), "江淮村": figures(), "合计": xy})
    assert run.json["villages_left_out"] == {"汪家墩村": 2}


def test_a_slip_under_a_review_column_headed_another_way_is_a_review_slip_too(tmp_path):
    """The village's copy heads its review date 调阅时间 (a name the standard's column is read by);
    its messages name the column so. A slip there is a slip in the review all the same: the
    cadre's copy of the visit counts (it was left out with every copy)."""
    from bookfactory import DIARY_LABELS

    write_book(tmp_path / "收集" / "王明.xlsx", [card("A")], [diary("A", D(2010, 3, 6))])
    labels = ["调阅时间" if label == "调阅日期" else label for label in DIARY_LABELS]
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")],
               [diary("A", D(2010, 3, 6), 调阅人="李书记", 调阅时间="三月")], diary_labels=labels)
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 1
    row = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    assert [(i["file"], i["column"]) for i in run.json["issues"] if i["severity"] == "error"] == [
        ("下营村.xlsx", "调阅时间")]
    assert [i["file"] for i in run.json["issues"] if i["code"] == "duplicate-diary-review"] == ["下营村.xlsx"]
