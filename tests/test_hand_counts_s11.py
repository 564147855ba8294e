"""Session 11: an independent hand count of one small, tricky township per test.

Each test builds its books with tests/bookfactory.py, writes the figures out by hand from
workbook-standard.md ("How totals are counted", "Duplicates", "How a workbook is read") with the
arithmetic in comments, runs ``lianhu consolidate`` as a clerk does, and checks the 汇总 sheet,
the JSON and that every row read is counted or listed in 未计入 (helpers from
tests/test_hand_counts.py).
"""

from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest
from bookfactory import CARD_LABELS, DIARY_LABELS, card, diary, roster_xlsx, write_book
from conftest import needs_libreoffice
from test_hand_counts import Run, accounted, check, conservative, figures

D = dt.date
LOAN, DEEDS, HELP = "担保贷款(元)", "办实事(件)", "帮耕帮畜(次)"


def backward(no: str, **over: object) -> dict[str, object]:
    """A 党员's 经济落后户 card (李胜 unless another linker is given)."""
    return card(no, **{"联系人": "李胜", "联系人类别": "党员", "联系户类型": "经济落后户",
                       "基期人均纯收入(元)": 2500, **over})


def _q2_township(root):
    """Four villages for 2010Q2 (Apr 1 – Jun 30 2010): a party member with two households whose
    own book and the village's merged book both arrive, a card linked the day after the quarter,
    是/否 typed as √ Y ✓ ×, money in 元 and 万元, rows with errors, one household on two cards in
    two books, and a village on the roster that sent nothing."""
    col = root / "收集"
    l1 = backward("L1", 户主="徐学福", 社="五社", 结对日期=D(2010, 4, 30))
    l1_rows = [
        diary("L1", D(2010, 4, 30), 服务类别="实用技术、市场信息", **{LOAN: "0.5万元", HELP: "3次"}),
        diary("L1", D(2010, 5, 15), 形式="电话联系", **{DEEDS: "１"}),
    ]
    write_book(col / "李胜.xlsx", [l1, backward("L2", 户主="缪成", 社="五社", 结对日期=D(2009, 12, 31))], [
        *l1_rows,
        diary("L1", D(2010, 6, 30), 发现问题="缺暖棚", 是否主要问题="√", 解决办法="贷款修棚",
              办理结果="协调解决", **{LOAN: "5,000"}),
        diary("L1", D(2010, 7, 1)),                                    # the day after the quarter
        diary("L2", D(2010, 3, 31)),                                   # the day before it
        diary("L2", D(2010, 4, 1), 形式="其他", 服务类别="、"),
        diary("L2", D(2010, 5, 31), 发现问题="缺种子", 是否主要问题="Y", 解决办法="联系站所",
              办理结果="正在办理"),
        diary("L2", D(2010, 5, 31), 发现问题="缺化肥", 是否主要问题="✓", 解决办法="送化肥",
              办理结果="当场解决"),
    ])
    write_book(col / "下营村.xlsx", [
        l1,
        conservative("S1", 户主="缪红", 结对日期=D(2010, 2, 10), 是否转化="√"),
        conservative("S2", 户主="缪锋", 社="四社", 联系人="缪红荣", 联系人类别="社干部",
                     结对日期=D(2010, 5, 20), 是否转化="×"),
        conservative("S3", 户主="缪某", 结对日期=D(2010, 7, 1), 是否转化="是"),   # linked after Q2
    ], [
        *l1_rows,
        diary("S1", D(2010, 4, 10), **{LOAN: "3000元"}),
        diary("S1", D(2010, 6, 5), 形式="集中座谈", 服务类别="政策宣传"),
        diary("S3", D(2010, 6, 20), 发现问题="闹矛盾", 是否主要问题="是", 解决办法="谈心",
              办理结果="当场解决"),
    ])
    write_book(col / "倪家营村.xlsx", [
        card("Z1", 村="倪家营村", 社="四社", 户主="宋燕林", 联系人="鲁维俭"),
        card("Z2", 村="倪家营村", 社="四社", 户主="宋玉林", 联系人类别="群众"),   # error: not a 类别
        card("Z3", 村="倪家营村", 社="六社", 户主="李国营", 结对日期=D(2010, 6, 1), 是否转化="是"),
    ], [
        diary("Z1", D(2010, 4, 5), **{DEEDS: 2}),
        diary("Z1", D(2010, 5, 5), 形式="开会"),                       # error: not a 形式
        diary("Z2", D(2010, 4, 6)),                                    # its card is left out
        diary("Z9", D(2010, 4, 7)),                                    # names no card
        {"卡号": "本页合计", DEEDS: 2},
    ])
    write_book(col / "汪家墩村.xlsx", [backward("W1", 村="汪家墩村", 社="五社", 户主="吴吉成",
                                                联系人="王培义", 结对日期=D(2010, 3, 1))],
               [diary("W1", D(2010, 4, 20), **{HELP: 2})])
    write_book(col / "徐军德.xlsx", [backward("W2", 村="汪家墩村", 社="五社", 户主="吴吉成",
                                              联系人="徐军德", 联系人类别="村干部",
                                              结对日期=D(2010, 6, 15))],
               [diary("W2", D(2010, 6, 16), **{LOAN: "1.2万"})])
    roster = roster_xlsx(root / "名册.xlsx", [["村", "社"], ["下营村", "四社"], ["下营村", "五社"],
                                              ["下营村", "六社"], ["倪家营村", "四社"], ["倪家营村", "六社"],
                                              ["汪家墩村", "五社"], ["江淮村", "一社"]])
    return col, roster


def test_a_quarter_of_four_villages_counted_by_hand(tmp_path):
    col, roster = _q2_township(tmp_path)
    run = Run(col, tmp_path / "汇总表.xlsx", "--period", "2010Q2", "--roster", str(roster))
    assert run.exit_code == 1  # rows with errors were left out
    # Period 2010-04-01..2010-06-30; months Apr, May, Jun.
    # 下营村. Cards linked by 6-30: L1 (4-30), L2 (2009-12-31), S1 (2-10), S2 (5-20); S3 (7-01) not.
    #   L1 and its first two visits are in both books, identical: counted once.
    #   Visits in the quarter: L1 4-30 访谈, 5-15 电话, 6-30 访谈 (7-01 out); L2 4-01 其他,
    #   5-31 访谈 ×2 (two problems, two entries) (3-31 out); S1 4-10 访谈, 6-05 座谈; S3 6-20 访谈
    #   (S3's card is not counted, its visit inside the quarter is: docs/consolidate.md).
    #   入户访谈 L1 2 + L2 2 + S1 1 + S3 1 = 6. 提供服务: L1 4-30, S1 6-05 = 2 (L2's "、" names none).
    #   解决主要问题: L1 6-30 (√, 协调解决), L2 5-31 (✓, 当场解决), S3 6-20 (是, 当场解决) = 3
    #   (L2's Y row is 正在办理). 办实事 "１" = 1. 担保贷款 0.5万元 5000 + "5,000" 5000 + 3000元 = 13000.
    #   帮耕帮畜 "3次" = 3. 转化户数: S1 (√) = 1 of 思想保守户 S1, S2 = 2.
    #   应访谈月数 L1 3 + L2 3 + S1 3 + S2 (May–Jun) 2 = 11; 实访谈 L1 Apr,Jun 2 + L2 May 1 + S1 Apr 1 = 4.
    #   实记日记 L1 Apr,May,Jun 3 + L2 Apr,May 2 + S1 Apr,Jun 2 = 7.
    #   主要问题已解决户数 L1, L2 = 2 (S3 is not a counted card).
    xiaying = figures(思想保守户=2, 经济落后户=2, 入户访谈=6, 提供服务=2, 解决主要问题=3, 办实事=1,
                      担保贷款=13000, 帮耕帮畜=3, 转化户数=1, 应访谈月数=11, 实访谈月数=4,
                      应记日记月数=11, 实记日记月数=7, 主要问题已解决户数=2)
    # 倪家营村. Z1 and Z3 (linked 6-01; its 是否转化 是 is a warning on a star, not a conversion); Z2 is
    #   an error and its visit goes with it; Z1's 5-05 row (形式 开会) and Z9's row are errors.
    #   入户访谈 Z1 4-05 = 1, 办实事 2. 应访谈 Z1 3 + Z3 (Jun) 1 = 4, 实访谈 1, 实记日记 1.
    nijiaying = figures(致富明星户=2, 入户访谈=1, 办实事=2, 应访谈月数=4, 实访谈月数=1, 应记日记月数=4,
                        实记日记月数=1)
    # 汪家墩村. 吴吉成 on two cards in two books: two cards (a warning), W1 from 3-01 (3 months),
    #   W2 from 6-15 (June). 入户访谈 2, 帮耕帮畜 2, 担保贷款 1.2万 = 12000; 实访谈 W1 Apr + W2 Jun = 2.
    wangjiadun = figures(经济落后户=2, 入户访谈=2, 担保贷款=12000, 帮耕帮畜=2, 应访谈月数=4, 实访谈月数=2,
                         应记日记月数=4, 实记日记月数=2)
    # 江淮村 sent nothing: zeros, rates empty. 合计 adds the counts and recomputes the rates.
    total = figures(致富明星户=2, 思想保守户=2, 经济落后户=4, 入户访谈=9, 提供服务=2, 解决主要问题=3, 办实事=3,
                    担保贷款=25000, 帮耕帮畜=5, 转化户数=1, 应访谈月数=19, 实访谈月数=7, 应记日记月数=19,
                    实记日记月数=10, 主要问题已解决户数=2)
    check(run, {"下营村": xiaying, "倪家营村": nijiaying, "汪家墩村": wangjiadun, "江淮村": figures(),
                "合计": total})
    # Rows read: 李胜 2 cards + 8 visits; 下营村 4 + 5; 倪家营村 3 + 5; 汪家墩村 1 + 1; 徐军德 1 + 1.
    # Copies: the first by file name is counted (下营村 sorts before 李胜), 李胜's L1 card and its
    # two visits are 重复. Out of the quarter: 李胜 7-01, 3-31; 下营村 S3's card.
    # 倪家营村: Z2, Z2's visit, the 开会 row, Z9's row left out; 本页合计 a totals row.
    accounted(run, {"李胜.xlsx": 10, "下营村.xlsx": 9, "倪家营村.xlsx": 8, "汪家墩村.xlsx": 2, "徐军德.xlsx": 2},
              {"李胜.xlsx": {"counted": 5, "duplicate": 3, "out_of_period": 2},
               "下营村.xlsx": {"counted": 8, "out_of_period": 1},
               "倪家营村.xlsx": {"counted": 3, "excluded": 4, "totals_rows": 1},
               "汪家墩村.xlsx": {"counted": 2}, "徐军德.xlsx": {"counted": 2}})
    # The 未计入 sheet's line and the 汇总 headline say the same numbers: 4 with an error (Z2, its
    # visit, 开会, Z9), 3 repeats, 3 out of the quarter, 1 totals row.
    assert run.sheet("未计入")[1][0] == "有错误未计入 4 行；重复（已计一次）3 行；统计期外 3 行；合计行 1 行。"
    assert "4 行因有错误未计入" in run.sheet("汇总")[2][0]


def _older_form_and_full_copy(folder, short_name: str, full_name: str) -> None:
    """宋海's card and one visit, sent twice: once on an older form without the 是否转化, 服务类别,
    是否主要问题, 办实事 and 担保贷款 columns, once (the village's copy) on the full form with them
    filled. In every column both books have, the copies are the same."""
    card_row = conservative("S", 户主="缪红", 是否转化="是")
    visit = diary("S", D(2010, 3, 6), 服务类别="政策宣传", 发现问题="不参加村社会议", 是否主要问题="是",
                  解决办法="上门谈心", 办理结果="当场解决", **{LOAN: 3000, DEEDS: 1})
    short_cards = [c for c in CARD_LABELS if c != "是否转化"]
    short_diary = [c for c in DIARY_LABELS if c not in ("服务类别", "是否主要问题", DEEDS, LOAN)]
    write_book(folder / short_name, [card_row], [visit], card_labels=short_cards, diary_labels=short_diary)
    write_book(folder / full_name, [card_row], [visit])


@pytest.mark.parametrize(("short_name", "full_name"), [("a宋海.xlsx", "b下营村.xlsx"), ("b宋海.xlsx", "a下营村.xlsx")])
def test_a_copy_on_an_older_form_does_not_hide_what_the_fuller_copy_says(tmp_path, short_name, full_name):
    """"The same card (same 卡号, same content in every column both books have) ... is counted
    once": the two copies are one card and one visit. Counted once, the household is still
    converted, the visit still brought a service, solved its main problem, did a deed and
    guaranteed 3000 元 -- whichever file sorts first ("totals never depend on the order files are
    read in"). Before, the copy in the file sorting first was counted: on the older form every one
    of those figures was 0."""
    _older_form_and_full_copy(tmp_path / "收集", short_name, full_name)
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0, run.json["issues"]
    # 1 思想保守户 (linked 2010-01-05: Jan–Dec, 12 months), 是否转化 是: 转化户数 1 of 1.
    # One visit (3-06, 入户访谈): 入户访谈 1, 提供服务 1 (政策宣传), 解决主要问题 1 (是 + 当场解决),
    # 办实事 1, 担保贷款 3000; months met: March, 1 of 12; 主要问题已解决户数 1.
    row = figures(思想保守户=1, 入户访谈=1, 提供服务=1, 解决主要问题=1, 办实事=1, 担保贷款=3000, 转化户数=1,
                  应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1, 主要问题已解决户数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {short_name: 2, full_name: 2},
              {short_name: {"duplicate": 2}, full_name: {"counted": 2}})
    told = {i["code"]: i["message"] for i in run.json["issues"] if i["file"] == short_name}
    assert set(told) == {"duplicate-card", "duplicate-diary"}
    assert f"计入的是 {full_name} " in told["duplicate-card"] and "没有是否转化列" in told["duplicate-card"]
    assert "没有是否主要问题、服务类别、办实事(件)、担保贷款(元)列" in told["duplicate-diary"]


def _county_q2(root):
    """倪家营乡 (the quarter above) and 蓼泉镇 (one 思想保守户 in 东街村, linked 2010-05-03, converted,
    visited 5-04), each consolidated for the second quarter -- 蓼泉镇 writing it 2010年第二季度 --
    then the county's roll-up of the two 汇总表."""
    col, roster = _q2_township(root / "倪家营乡")
    Run(col, root / "各乡" / "倪家营乡汇总表.xlsx", "--period", "2010Q2", "--roster", str(roster), "--title", "倪家营乡")
    write_book(root / "蓼泉镇" / "东街村.xlsx",
               [conservative("K1", 村="东街村", 结对日期=D(2010, 5, 3), 是否转化="是")], [diary("K1", D(2010, 5, 4))])
    Run(root / "蓼泉镇", root / "各乡" / "蓼泉镇汇总表.xlsx", "--period", "2010年第二季度", "--title", "蓼泉镇")
    return Run(root / "各乡", root / "县汇总表.xlsx", "--period", "2010Q2", "--title", "临泽县")


# 倪家营乡: its 合计 above. 蓼泉镇: 1 思想保守户, converted; 入户访谈 1; months May–Jun 2, 1 met.
# County 合计: counts added (思想保守户 2 + 1 = 3, 转化户数 1 + 1 = 2, 入户访谈 9 + 1 = 10, 应访谈月数
# 19 + 2 = 21, 实访谈月数 7 + 1 = 8, 实记日记月数 10 + 1 = 11); rates from the added counts: 转化率 2/3
# (not the average of 1/2 and 1/1), 访谈达标率 8/21, 日记达标率 11/21.
COUNTY_Q2 = {
    "倪家营乡": figures(致富明星户=2, 思想保守户=2, 经济落后户=4, 入户访谈=9, 提供服务=2, 解决主要问题=3, 办实事=3,
                    担保贷款=25000, 帮耕帮畜=5, 转化户数=1, 应访谈月数=19, 实访谈月数=7, 应记日记月数=19,
                    实记日记月数=10, 主要问题已解决户数=2),
    "蓼泉镇": figures(思想保守户=1, 入户访谈=1, 转化户数=1, 应访谈月数=2, 实访谈月数=1, 应记日记月数=2, 实记日记月数=1),
    "合计": figures(致富明星户=2, 思想保守户=3, 经济落后户=4, 入户访谈=10, 提供服务=2, 解决主要问题=3, 办实事=3,
                  担保贷款=25000, 帮耕帮畜=5, 转化户数=2, 应访谈月数=21, 实访谈月数=8, 应记日记月数=21,
                  实记日记月数=11, 主要问题已解决户数=2),
}


def test_the_county_adds_the_two_townships_and_recomputes_the_rates(tmp_path):
    county = _county_q2(tmp_path)
    check(county, COUNTY_Q2)
    # 倪家营乡 left 4 rows out: the county counts its figures as they are and says so.
    assert [i["code"] for i in county.json["issues"] if i["severity"] != "notice"] == ["totals-incomplete"]


@needs_libreoffice
def test_the_county_sheet_recalculated_by_libreoffice_shows_the_hand_count(tmp_path):
    """The 汇总 sheets hold values, not formulas: what Excel, WPS or LibreOffice shows after
    recalculating is what was written. Opened and saved again by LibreOffice, the county's
    汇总表 still gives the hand count, and rolls up again (county into prefecture) to the same."""
    from libreoffice import convert

    county = _county_q2(tmp_path)
    sheet = openpyxl.load_workbook(county.out)["汇总"]
    assert not [c.coordinate for row in sheet.iter_rows() for c in row if c.data_type == "f"]
    again = convert(county.out, tmp_path / "市" / "lo", "xlsx")
    shutil.move(again, tmp_path / "市" / "临泽县汇总表.xlsx")
    shutil.rmtree(tmp_path / "市" / "lo")
    city = Run(tmp_path / "市", tmp_path / "市汇总表.xlsx", "--period", "2010Q2", "--title", "张掖市")
    check(city, {"临泽县": COUNTY_Q2["合计"], "合计": COUNTY_Q2["合计"]})


def test_a_year_typed_into_a_date_cell_is_not_a_link_in_1905(tmp_path):
    """宋海 typed only the year, 2010, into a 结对日期 cell formatted as a date: Excel keeps day
    2010 of its calendar and shows 1905-07-02. The same 2010 typed into a plain cell is an error
    (values.py reads bare serials from 1950 on); in a date cell it was taken as a link made in
    1905: without a period its months expected ran from 1905-07 -- 1,258 months for one household
    -- and the township's 访谈达标率 fell to 0.08 %, with no word said. A visit dated the same way
    counted as a visit of 1905."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [
        card("A", 结对日期=dt.datetime(1905, 7, 2)),            # 2010 typed into a date cell
        card("B"),                                             # linked 2010-01-05
    ], [
        diary("A", D(2010, 4, 6)),                             # its card is left out: goes with it
        diary("B", D(2010, 3, 6)),
        diary("B", dt.datetime(1905, 7, 3), 形式="电话联系"),   # 2011 typed into a date cell
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx")
    assert run.exit_code == 1
    # No period: months expected up to the latest diary month among rows counted: B's 2010-03
    # (A's 4-06 visit is left out with its card). B: Jan–Mar = 3 months, interview in March: 1.
    row = figures(致富明星户=1, 入户访谈=1, 应访谈月数=3, 实访谈月数=1, 应记日记月数=3, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 5}, {"下营村.xlsx": {"counted": 2, "excluded": 3}})
    told = {(i["cell"], i["code"]): i["message"] for i in run.json["issues"]}
    assert "只填了年份 2010" in told[("N3", "year-as-date")]
    assert "2010-9-6" in told[("N3", "year-as-date")] and "1905-07-02" in told[("N3", "year-as-date")]
    assert "只填了年份 2011" in told[("B5", "year-as-date")]


def test_a_number_typed_into_a_date_formatted_cell_is_the_number_typed(tmp_path):
    """李胜's 担保贷款 and 办实事 cells were formatted as dates (a format painted down the sheet):
    the 3000 he typed shows as 1908-03-18, the 2 as 1900-01-02, but the cell holds 3000 and 2,
    and that is what he meant. Before, each was "not a number (约数或范围)" and the whole visit was
    left out. A real date in such a cell (WPS turns 3-5 typed under 帮耕帮畜 into March 5th) is
    still an error, and says it is shown as a date."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [backward("A")], [
        diary("A", D(2010, 3, 6), **{LOAN: dt.datetime(1908, 3, 18), DEEDS: dt.datetime(1900, 1, 2)}),
        diary("A", D(2010, 4, 6), **{HELP: dt.datetime(2010, 3, 5)}),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 1
    # Counted: the 3-06 visit, 担保贷款 3000, 办实事 2; the 4-06 visit is left out (帮耕帮畜 unreadable).
    # 12 months expected (linked 2010-01-05), March met.
    row = figures(经济落后户=1, 入户访谈=1, 办实事=2, 担保贷款=3000, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                  实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 3}, {"下营村.xlsx": {"counted": 2, "excluded": 1}})
    (told,) = [i["message"] for i in run.json["issues"] if i["severity"] == "error"]
    assert "显示为 2010-03-05" in told and "约数" not in told


# The same four villages for June alone and for no period at all.
# June (2010-06-01..06-30): every counted card expects June only (all linked by then): 下营村 L1 L2
# S1 S2 = 4, 倪家营村 Z1 Z3 = 2, 汪家墩村 W1 W2 = 2. June's rows: L1 6-30 访谈 (main problem solved,
# 5,000), S1 6-05 座谈 (政策宣传), S3 6-20 访谈 (S3 linked 7-01: its visit counts, not its card),
# W2 6-16 访谈 (1.2万). 下营村: 入户访谈 2, 提供服务 1, 解决主要问题 2, 担保贷款 5000, met: L1 June
# (interview), L1 + S1 June (diary); 已解决户数 L1 = 1.
JUNE = {
    "下营村": figures(思想保守户=2, 经济落后户=2, 入户访谈=2, 提供服务=1, 解决主要问题=2, 担保贷款=5000, 转化户数=1,
                   应访谈月数=4, 实访谈月数=1, 应记日记月数=4, 实记日记月数=2, 主要问题已解决户数=1),
    "倪家营村": figures(致富明星户=2, 应访谈月数=2, 应记日记月数=2),
    "汪家墩村": figures(经济落后户=2, 入户访谈=1, 担保贷款=12000, 应访谈月数=2, 实访谈月数=1, 应记日记月数=2,
                    实记日记月数=1),
    "江淮村": figures(),
    "合计": figures(致富明星户=2, 思想保守户=2, 经济落后户=4, 入户访谈=3, 提供服务=1, 解决主要问题=2, 担保贷款=17000,
                  转化户数=1, 应访谈月数=8, 实访谈月数=2, 应记日记月数=8, 实记日记月数=3, 主要问题已解决户数=1),
}
# No period: every row; months expected up to the latest diary month counted, 2010-07 (L1 7-01).
# 下营村 now has S3 too (思想保守户 3, 是否转化 是: 转化户数 2). Months: L1 Apr–Jul 4, L2 Dec–Jul 8,
# S1 Feb–Jul 6, S2 May–Jul 3, S3 Jul 1 = 22. 入户访谈: L1 4-30 6-30 7-01, L2 3-31 5-31 5-31, S1 4-10,
# S3 6-20 = 8. Interview months: L1 Apr Jun Jul 3, L2 Mar May 2, S1 Apr 1 (S3's June visit is before
# its 结对 month: no month of its) = 6; diary months: L1 Apr–Jul 4, L2 Mar–May 3, S1 Apr Jun 2 = 9.
# Solved: L1, L2, S3 = 3 households. 倪家营村: Z1 Jan–Jul 7 + Z3 Jun–Jul 2 = 9. 汪家墩村: W1 Mar–Jul 5
# + W2 Jun–Jul 2 = 7.
NO_PERIOD = {
    "下营村": figures(思想保守户=3, 经济落后户=2, 入户访谈=8, 提供服务=2, 解决主要问题=3, 办实事=1, 担保贷款=13000,
                   帮耕帮畜=3, 转化户数=2, 应访谈月数=22, 实访谈月数=6, 应记日记月数=22, 实记日记月数=9,
                   主要问题已解决户数=3),
    "倪家营村": figures(致富明星户=2, 入户访谈=1, 办实事=2, 应访谈月数=9, 实访谈月数=1, 应记日记月数=9, 实记日记月数=1),
    "汪家墩村": figures(经济落后户=2, 入户访谈=2, 担保贷款=12000, 帮耕帮畜=2, 应访谈月数=7, 实访谈月数=2,
                    应记日记月数=7, 实记日记月数=2),
    "江淮村": figures(),
    "合计": figures(致富明星户=2, 思想保守户=3, 经济落后户=4, 入户访谈=11, 提供服务=2, 解决主要问题=3, 办实事=3,
                  担保贷款=25000, 帮耕帮畜=5, 转化户数=2, 应访谈月数=38, 实访谈月数=9, 应记日记月数=38,
                  实记日记月数=12, 主要问题已解决户数=3),
}


@pytest.mark.parametrize(("period", "want"), [(("--period", "2010-06"), JUNE), ((), NO_PERIOD)])
def test_the_four_villages_for_june_and_for_no_period(tmp_path, period, want):
    col, roster = _q2_township(tmp_path)
    run = Run(col, tmp_path / "汇总表.xlsx", *period, "--roster", str(roster))
    assert run.exit_code == 1
    check(run, want)
    files = {f["file"]: f["rows"] for f in run.json["files"]}
    assert all(r["read"] == r["counted"] + r["duplicate"] + r["excluded"] + r["out_of_period"] + r["totals_rows"]
               for r in files.values())
    assert sum(r["excluded"] for r in files.values()) == 4  # Z2, its visit, 开会, Z9: whatever the period


@pytest.mark.parametrize(("short_name", "full_name"), [("a李胜.xlsx", "b下营村.xlsx"), ("b李胜.xlsx", "a下营村.xlsx")])
def test_a_visit_on_a_form_without_the_problem_column_is_the_same_visit(tmp_path, short_name, full_name):
    """李胜's own book is on a form without 发现问题 (nor 解决办法, 办理结果, 是否主要问题); the village's
    copy of the same visit (A, 2010-03-06, 入户访谈) has the problem written down. "Diary rows
    equal in 卡号, 日期, 形式 and 发现问题 are the same entry": a book without the column says no
    other problem, so this is one visit, counted once. Before, the two were two entries: 入户访谈 2
    and 担保贷款 6000 for one visit and one loan, with no word said."""
    visit = diary("A", D(2010, 3, 6), 发现问题="缺水", 解决办法="修渠", 办理结果="协调解决", 是否主要问题="是",
                  **{LOAN: 3000})
    short = [c for c in DIARY_LABELS if c not in ("发现问题", "解决办法", "办理结果", "是否主要问题")]
    write_book(tmp_path / "收集" / short_name, [backward("A")], [visit], diary_labels=short)
    write_book(tmp_path / "收集" / full_name, [backward("A")], [visit])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0, run.json["issues"]
    # One 经济落后户 (12 months), one visit in March: 入户访谈 1, main problem solved (是 + 协调解决) 1,
    # 担保贷款 3000; 1 month met; 主要问题已解决户数 1.
    row = figures(经济落后户=1, 入户访谈=1, 解决主要问题=1, 担保贷款=3000, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                  实记日记月数=1, 主要问题已解决户数=1)
    check(run, {"下营村": row, "合计": row})
    # The cards are the same form in both books: the first by file name is counted. The visit:
    # the copy saying more (the village's) is counted, whichever sorts first.
    first, second = sorted((short_name, full_name))
    buckets = {first: {"counted": 1}, second: {"duplicate": 1}}  # the card
    buckets[full_name]["counted"] = buckets[full_name].get("counted", 0) + 1  # the visit
    buckets[short_name]["duplicate"] = buckets[short_name].get("duplicate", 0) + 1
    accounted(run, {short_name: 2, full_name: 2}, buckets)
    (told,) = [i["message"] for i in run.json["issues"] if i["code"] == "duplicate-diary"]
    assert "没有发现问题、是否主要问题、解决办法、办理结果列" in told


def test_a_visit_without_the_problem_column_beside_two_problems_that_day_is_not_guessed(tmp_path):
    """The village's copy has two entries for A on 2010-03-06 (two problems found); the cadre's
    book, without 发现问题, has one visit that day. Which of the two it copies cannot be told: it
    stays an entry of its own (counted), as before; the two with their problems count too."""
    short = [c for c in DIARY_LABELS if c not in ("发现问题", "解决办法", "办理结果", "是否主要问题")]
    write_book(tmp_path / "收集" / "a.xlsx", [backward("A")], [diary("A", D(2010, 3, 6))], diary_labels=short)
    write_book(tmp_path / "收集" / "b.xlsx", [backward("A")], [
        diary("A", D(2010, 3, 6), 发现问题="缺水", 解决办法="修渠", 办理结果="正在办理"),
        diary("A", D(2010, 3, 6), 发现问题="缺种子", 解决办法="联系站所", 办理结果="正在办理")])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    row = figures(经济落后户=1, 入户访谈=3, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
