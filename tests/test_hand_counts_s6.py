"""Session 6: a township's figures counted by hand from the standard, for books typed the way
cadres type them, over periods that cross a new year.

Each test writes the books, says in comments how the standard's "How totals are counted" and
"Duplicates" give each figure, writes the figures as literal numbers, runs ``lianhu consolidate``
as a clerk does, and checks the 汇总 sheet, the JSON, and that every row read is counted or listed
in 未计入 (helpers from tests/test_hand_counts.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from bookfactory import card, diary, write_book
from test_hand_counts import Run, accounted, backward, check, conservative, figures

D = dt.date


def across_new_year(folder):
    """下营村's book, its diary running from September 2010 into March 2011, dates typed as text
    in every paper style within one column, amounts and counts with their units."""
    write_book(folder / "下营村.xlsx", [
        card("A", 结对日期="2010.9.15"),                                         # 致富明星户
        conservative("B", 结对日期="2010年11月30日", 是否转化="Y"),
        backward("C", 结对日期=D(2011, 1, 1), **{"基期人均纯收入(元)": "1500元"}),  # New Year's Day
        conservative("D", 联系人类别="社干部", 结对日期=D(2009, 12, 31), 是否转化="×"),
    ], [
        diary("A", "2010-9-14"),                                                   # 1 before 结对日期, its month
        diary("A", "2010年10月31日", 服务类别="政策宣传"),                          # 2
        diary("A", dt.datetime(2010, 12, 31, 23, 30), 形式="电话联系", **{"担保贷款(元)": "1万"}),  # 3
        diary("A", "2011.1.1", **{"办实事(件)": "1件"}),                            # 4
        diary("B", "2010/11/30", 发现问题="不愿种制种玉米", 是否主要问题="√", 解决办法="请农技站讲解",
              办理结果="当场解决"),                                                 # 5 the day it was linked
        diary("B", "2010-12-15", 形式="集中座谈", 服务类别="政策宣传、市场信息"),     # 6
        diary("B", "20110115", 发现问题="缺水", 是否主要问题="是", 解决办法="协调水管站", 办理结果="协调解决",
              **{"帮耕帮畜(次)": "2次"}),                                           # 7
        diary("C", "2011年1月1日", **{"担保贷款(元)": "5000元"}),                    # 8
        diary("C", "2011.2.28", 发现问题="缺劳力", 是否主要问题="Y", 解决办法="组织帮工", 办理结果="正在办理"),  # 9
        diary("D", "2010.12.31"),                                                  # 10
        diary("D", "2011-03-31", 服务类别="实用技术"),                               # 11
        diary("D", "2010年12月31日"),                                              # 12 = 10 typed again
    ])


def test_the_last_quarter_of_2010(tmp_path):
    across_new_year(tmp_path / "收集")
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010Q4")
    assert run.exit_code == 0  # a repeat and rows outside the period leave nothing "out"
    # Cards "linked by the period's end": A (9-15), B (11-30), D (2009-12-31); C (2011-1-1) is not.
    # 致富明星户 1, 思想保守户 2 (B Y = 转化, D × not), 经济落后户 0.
    # Rows dated Oct 1 – Dec 31: 2, 3 (23:30 on Dec 31 is still Dec 31), 5, 6, 10 (12 is 10 again:
    # "identical in every other column, counted once"). 入户访谈 2, 5, 10 = 3; 提供服务 2, 6 = 2;
    # 解决主要问题 5 = 1; 担保贷款 1万 = 10000.
    # Months expected from the later of October and the link month: A Oct–Dec 3, B Nov–Dec 2,
    # D Oct–Dec 3 = 8. Interview met: A Oct, B Nov, D Dec = 3; any row: A Oct Dec, B Nov Dec, D Dec = 5.
    row = figures(致富明星户=1, 思想保守户=2, 入户访谈=3, 提供服务=2, 解决主要问题=1, 担保贷款=10000,
                  转化户数=1, 应访谈月数=8, 实访谈月数=3, 应记日记月数=8, 实记日记月数=5, 主要问题已解决户数=1)
    check(run, {"下营村": row, "合计": row})
    # read: 4 cards + 12 diary rows. Counted: A B D and rows 2 3 5 6 10 = 8; 12 a repeat;
    # C's card (linked after) and rows 1 4 7 8 9 11 outside the period = 7.
    accounted(run, {"下营村.xlsx": 16}, {"下营村.xlsx": {"counted": 8, "duplicate": 1, "out_of_period": 7}})


def test_the_first_quarter_of_2011(tmp_path):
    across_new_year(tmp_path / "收集")
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2011Q1")
    assert run.exit_code == 0
    # Every card linked by 2011-3-31: 1 / 2 / 1, 转化 still B only.
    # Rows Jan 1 – Mar 31: 4, 7, 8, 9, 11, all 入户访谈 = 5; 提供服务 11 = 1; 解决主要问题 7 = 1
    # (9 is 正在办理); 办实事 1; 担保贷款 5000; 帮耕帮畜 2.
    # Months Jan–Mar for each of the four = 12 (C's link month is January). Met: A Jan, B Jan,
    # C Jan Feb, D Mar = 5, and the same for diary months (no row but an interview).
    row = figures(致富明星户=1, 思想保守户=2, 经济落后户=1, 入户访谈=5, 提供服务=1, 解决主要问题=1, 办实事=1,
                  担保贷款=5000, 帮耕帮畜=2, 转化户数=1, 应访谈月数=12, 实访谈月数=5, 应记日记月数=12,
                  实记日记月数=5, 主要问题已解决户数=1)
    check(run, {"下营村": row, "合计": row})
    # counted: 4 cards + rows 4 7 8 9 11 = 9; outside: rows 1 2 3 5 6 10 = 6; row 12 is 10's repeat
    accounted(run, {"下营村.xlsx": 16}, {"下营村.xlsx": {"counted": 9, "duplicate": 1, "out_of_period": 6}})


@pytest.mark.parametrize("period", ["2010-10-01..2011-03-31", "2010年10月至2011年3月"])
def test_october_to_march_is_not_the_two_quarters_added_up(tmp_path, period):
    across_new_year(tmp_path / "收集")
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", period)
    assert run.exit_code == 0
    # The sums are Q4 + Q1: 入户访谈 3 + 5 = 8, 提供服务 2 + 1 = 3, 解决主要问题 1 + 1 = 2, 担保贷款
    # 15000. Cards are counted once: 1 / 2 / 1. Months: A Oct–Mar 6, B Nov–Mar 5, C Jan–Mar 3,
    # D Oct–Mar 6 = 20 (not 8 + 12). Met: A Oct Jan, B Nov Jan, C Jan Feb, D Dec Mar = 8; any row:
    # A Oct Dec Jan, B Nov Dec Jan, C Jan Feb, D Dec Mar = 10. B solved a main problem in
    # November and another in January: 主要问题已解决户数 is 1 household, not 1 + 1.
    row = figures(致富明星户=1, 思想保守户=2, 经济落后户=1, 入户访谈=8, 提供服务=3, 解决主要问题=2, 办实事=1,
                  担保贷款=15000, 帮耕帮畜=2, 转化户数=1, 应访谈月数=20, 实访谈月数=8, 应记日记月数=20,
                  实记日记月数=10, 主要问题已解决户数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 16}, {"下营村.xlsx": {"counted": 14, "duplicate": 1, "out_of_period": 1}})


def test_december_alone_and_no_period_at_all(tmp_path):
    across_new_year(tmp_path / "收集")
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010-12")
    assert run.exit_code == 0
    # December: A, B, D linked by 12-31. Rows 3 (phone, 1万), 6 (座谈, services), 10 (interview).
    # Months: 1 each = 3; interview met D = 1; diary met A B D = 3.
    row = figures(致富明星户=1, 思想保守户=2, 入户访谈=1, 提供服务=1, 担保贷款=10000, 转化户数=1,
                  应访谈月数=3, 实访谈月数=1, 应记日记月数=3, 实记日记月数=3)
    check(run, {"下营村": row, "合计": row})

    run = Run(tmp_path / "收集", tmp_path / "全部.xlsx")
    assert run.exit_code == 0
    # "Without a period: every row, and months expected up to the month of the latest diary date"
    # (2011-03). 入户访谈: 1 2 4 5 7 8 9 10 11 = 9; 提供服务 2 6 11 = 3; 解决 5 7 = 2.
    # Months: A Sep 2010–Mar 2011 7, B Nov–Mar 5, C Jan–Mar 3, D Dec 2009–Mar 2011 16 = 31.
    # Interview met: A Sep Oct Jan, B Nov Jan, C Jan Feb, D Dec Mar = 9; any row adds A's Dec and
    # B's Dec = 11.
    row = figures(致富明星户=1, 思想保守户=2, 经济落后户=1, 入户访谈=9, 提供服务=3, 解决主要问题=2, 办实事=1,
                  担保贷款=15000, 帮耕帮畜=2, 转化户数=1, 应访谈月数=31, 实访谈月数=9, 应记日记月数=31,
                  实记日记月数=11, 主要问题已解决户数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 16}, {"下营村.xlsx": {"counted": 15, "duplicate": 1}})


def test_a_visit_retyped_with_its_services_in_another_order_is_the_same_visit(tmp_path):
    """The branch's reviewed copy of 王明's visit lists 政策宣传、实用技术; his own book, typed from his
    notebook, says 实用技术，政策宣传, 户主 李 进忠 with a space, 3000元, the date as text. 服务类别 is
    "any of" the six: the same two services in either order. A clerk counts one visit."""
    folder = tmp_path / "收集"
    x1 = card("X1", 户主="李进忠")
    write_book(folder / "下营村.xlsx", [x1, backward("X3")], [
        diary("X1", D(2010, 3, 6), 户主="李进忠", 服务类别="政策宣传、实用技术", 调阅人="宋书记",
              调阅日期=D(2010, 3, 31), **{"担保贷款(元)": 3000}),
        diary("W1", D(2010, 4, 2)),   # a visit typed into the wrong village's book: W1 is 汪家墩村's card
    ])
    write_book(folder / "王明.xlsx", [x1], [
        diary("X1", "2010年3月6日", 户主="李 进忠", 服务类别="实用技术，政策宣传", **{"担保贷款(元)": "3000元"}),
        diary("X1", "2010.4.6", 形式="电话联系"),   # only in his own book
    ])
    write_book(folder / "汪家墩村.xlsx", [backward("W1", 村="汪家墩村", 社="五社")], [])
    run = Run(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0, [i["message"] for i in run.json["issues"] if i["severity"] == "error"]
    codes = sorted(i["code"] for i in run.json["issues"])
    assert codes == ["duplicate-card", "duplicate-diary"]
    # 下营村: X1 (one card, two identical copies) 致富明星户, X3 经济落后户; X1's March visit once:
    # 入户访谈 1, 提供服务 1, 担保贷款 3000; April phone call. Months 12 + 12; met: X1 March;
    # diary months X1 March, April.
    # 汪家墩村: W1, its April visit "per village (the card's 村)" whichever book it is in.
    xiaying = figures(致富明星户=1, 经济落后户=1, 入户访谈=1, 提供服务=1, 担保贷款=3000, 应访谈月数=24,
                      实访谈月数=1, 应记日记月数=24, 实记日记月数=2)
    wangjiadun = figures(经济落后户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    total = figures(致富明星户=1, 经济落后户=2, 入户访谈=2, 提供服务=1, 担保贷款=3000, 应访谈月数=36,
                    实访谈月数=2, 应记日记月数=36, 实记日记月数=3)
    check(run, {"下营村": xiaying, "汪家墩村": wangjiadun, "合计": total})
    # the reviewed copy is the one counted; 王明's card and March visit are repeats
    accounted(run, {"下营村.xlsx": 4, "王明.xlsx": 3, "汪家墩村.xlsx": 1},
              {"下营村.xlsx": {"counted": 4}, "王明.xlsx": {"counted": 1, "duplicate": 2},
               "汪家墩村.xlsx": {"counted": 1}})


def test_a_household_retyped_as_another_type_in_one_book_leaves_out_every_copy(tmp_path):
    """宋海's own book, written after 缪锋 was converted, types his household 致富明星户; the branch's
    book still says 思想保守户. "The same 卡号 with different content is an error naming every
    place, and every copy is left out", and "a diary row whose card was left out goes with it"."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [conservative("X2", 户主="缪锋", 是否转化="是"), card("X1")], [
        diary("X2", D(2010, 3, 8), 发现问题="不愿贷款", 是否主要问题="是", 解决办法="讲政策", 办理结果="当场解决"),
        diary("X1", D(2010, 3, 9)),
    ])
    write_book(folder / "宋海.xlsx", [conservative("X2", 户主="缪锋", 是否转化="是", 联系户类型="致富明星户")],
               [diary("X2", "2010.5.8")])
    run = Run(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 1
    # Only X1 is counted: 致富明星户 1, its March visit, 12 months. No 思想保守户, so 转化率 empty.
    row = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    # both X2 cards and both X2 diary rows, one in each book, listed as 未计入
    accounted(run, {"下营村.xlsx": 4, "宋海.xlsx": 2},
              {"下营村.xlsx": {"counted": 2, "excluded": 2}, "宋海.xlsx": {"excluded": 2}})


def test_copies_listing_different_services_still_conflict(tmp_path):
    """Order does not matter, but a service one copy adds is a different entry: both left out."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("X1")], [diary("X1", D(2010, 3, 6), 服务类别="政策宣传、实用技术")])
    write_book(folder / "王明.xlsx", [card("X1")], [diary("X1", "2010.3.6", 服务类别="政策宣传")])
    run = Run(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 1
    # the same card in both, a visit differing: one book sent twice, which to keep said (resent-book)
    assert sorted(i["code"] for i in run.json["issues"]) == ["conflicting-diary", "conflicting-diary", "duplicate-card",
                                                             "resent-book"]
    row = figures(致富明星户=1, 应访谈月数=12, 应记日记月数=12)  # the visit left out: no month met
    check(run, {"下营村": row, "合计": row})


def test_copies_retyped_with_other_punctuation_or_a_line_break_in_free_text_are_one(tmp_path):
    """The branch's clerk retypes the cadre's book: 生产生活情况 玉米长势良好，缺水 comes out as
    玉米长势良好,缺水。 ; one cell he breaks with Alt+Enter where the cadre typed a space; 调阅意见 已阅。;
    the card's 主要问题 gets a closing 。. The toolkit already reads 发现问题 and 解决办法 this way (width,
    spaces and a closing mark say nothing); the other free text is the same kind of writing. A
    clerk counts each household and each visit once."""
    folder = tmp_path / "收集"
    write_book(folder / "一社宋海.xlsx", [backward("B", 主要问题="缺少资金，缺劳力")], [
        diary("B", D(2010, 3, 6), 生产生活情况="玉米长势良好，缺水", **{"担保贷款(元)": 5000}),
        diary("B", D(2010, 4, 6), 生产生活情况="制种玉米 12 亩 长势好", 调阅意见="已阅。"),
    ])
    write_book(folder / "下营村.xlsx", [backward("B", 主要问题="缺少资金,缺劳力。")], [
        diary("B", D(2010, 3, 6), 生产生活情况="玉米长势良好,缺水。", 调阅人="宋书记", **{"担保贷款(元)": 5000}),
        diary("B", D(2010, 4, 6), 生产生活情况="制种玉米 12 亩\n长势好", 调阅人="宋书记", 调阅意见="已阅"),
    ])
    run = Run(folder, tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0, [i["message"] for i in run.json["issues"] if i["severity"] == "error"]
    # one 经济落后户, two visits (March 5000, April), 12 months, two met
    row = figures(经济落后户=1, 入户访谈=2, 担保贷款=5000, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12,
                  实记日记月数=2)
    check(run, {"下营村": row, "合计": row})
    # the reviewed copies are counted; the cadre's card (first in order) stands for the card
    accounted(run, {"一社宋海.xlsx": 3, "下营村.xlsx": 3},
              {"一社宋海.xlsx": {"counted": 1, "duplicate": 2}, "下营村.xlsx": {"counted": 2, "duplicate": 1}})


def test_without_a_period_a_row_left_out_does_not_stretch_the_months_expected(tmp_path):
    """"Without a period: ... months expected up to the month of the latest diary date in the
    consolidation." A visit typed 2100.3.6 (a slip for 2010), one in December with a 形式 that cannot
    be read, and one for a card that was never submitted are left out ("a row with an error is left
    out of the totals"): none of them is in the consolidation, so none moves the last month."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A", 结对日期="2010.1.5")], [
        diary("A", "2010.3.6"),
        diary("A", "2100.3.6"),                 # in the future: an error
        diary("A", "2010.12.6", 形式="微信"),    # not one of the four forms: an error
        diary("Z", "2010.11.6"),                # no such card: an error
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx")
    assert run.exit_code == 1
    # the latest counted diary date is 2010-03-06: A expects January–March = 3, March met
    row = figures(致富明星户=1, 入户访谈=1, 应访谈月数=3, 实访谈月数=1, 应记日记月数=3, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 5}, {"下营村.xlsx": {"counted": 2, "excluded": 3}})
