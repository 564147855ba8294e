"""Counting by the standard's rules, on small books whose numbers are worked out by hand here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book

from lianhu_xl.consolidate import consolidate
from lianhu_xl.period import parse_period
from lianhu_xl.roster import Roster

D = dt.date
TODAY = D(2011, 3, 1)  # the day the township consolidates; the period is long over


def run(folder: Path, period: str | None = "2010", today: dt.date = TODAY, **kw):
    return consolidate([folder], period=parse_period(period) if period else None, today=today, **kw)


def unit(c, name):
    return next(u for u in c.units if u.unit == name)


# A township book built so that every rule is exercised once. By hand, for 2010:
#   cards:  XY-001 下营村 致富明星户 linked 2010-03-15 -> months expected Mar..Dec = 10
#           XY-002 下营村 思想保守户 converted, linked 2009-06-01 -> 12
#           XY-003 倪家营村 思想保守户 not converted, linked 2010-11-20 -> Nov, Dec = 2
#           XY-004 倪家营村 经济落后户 linked 2010-01-10 -> 12
#           XY-005 下营村 致富明星户 linked 2011-01-05 -> after the period: not counted
#   diary rows (numbers in the comments below are the rows' order):
CARDS = [
    card("XY-001", 结对日期=D(2010, 3, 15)),
    card("XY-002", 联系人="李四", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="是",
         结对日期=D(2009, 6, 1)),
    card("XY-003", 村="倪家营村", 联系人="张三", 联系人类别="社干部", 联系户类型="思想保守户",
         是否转化="否", 结对日期=D(2010, 11, 20)),
    card("XY-004", 村="倪家营村", 联系人="赵五", 联系人类别="党员", 联系户类型="经济落后户",
         结对日期=D(2010, 1, 10), **{"基期人均纯收入(元)": 2500}),
    card("XY-005", 结对日期=D(2011, 1, 5)),
]
DIARIES = [
    # 1 interview, 2 services, a main problem solved on the spot, 1 deed, 3000 yuan, 2 helps
    diary("XY-001", D(2010, 3, 20), 服务类别="政策宣传、实用技术", 发现问题="缺技术", 是否主要问题="是",
          办理结果="当场解决", 解决办法="农技站指导", **{"办实事(件)": 1, "担保贷款(元)": "3000元",
                                                    "帮耕帮畜(次)": 2}),
    # 2 a phone call: not an interview, but a diary row with a service
    diary("XY-001", D(2010, 4, 2), 形式="电话联系", 服务类别="市场信息"),
    # 3 interview, a second main problem solved (coordinated): the household still counts once
    diary("XY-001", D(2010, 4, 25), 发现问题="缺水", 是否主要问题="是", 办理结果="协调解决", 解决办法="水管站"),
    # 4 the last day of 2009: outside 2010
    diary("XY-002", D(2009, 12, 31)),
    # 5 interview, loans typed with 万 (12000), 2 deeds
    diary("XY-002", D(2010, 1, 8), **{"担保贷款(元)": "1.2万", "办实事(件)": 2}),
    # 6 the last day of 2010, a main problem still being handled: not solved
    diary("XY-002", D(2010, 12, 31), 发现问题="思想保守", 是否主要问题="是", 办理结果="正在办理", 解决办法="多谈心"),
    # 7 a meeting, a problem solved but not the main one: not counted as solved
    diary("XY-003", D(2010, 12, 1), 形式="集中座谈", 发现问题="路不通", 是否主要问题="否", 办理结果="当场解决",
          解决办法="修路"),
    # 8 interview with 3 ploughing helps
    diary("XY-004", D(2010, 6, 10), **{"帮耕帮畜(次)": 3}),
    # 9 the card linked after the period (not counted), the row dated inside it: counted ("the diary
    # rows counted are those dated inside it"; before 结对日期 is only a warning)
    diary("XY-005", D(2010, 12, 20)),
    # 10 after the period
    diary("XY-001", D(2011, 1, 15)),
]


@pytest.fixture
def township(tmp_path):
    write_book(tmp_path / "收集" / "乡.xlsx", CARDS, DIARIES)
    return tmp_path / "收集"


def test_every_counting_rule_on_a_hand_counted_book(township):
    c = run(township)
    t = c.total
    assert (t.star, t.conservative, t.backward) == (1, 2, 1)  # XY-005 linked after 2010
    assert t.interviews == 6  # rows 1, 3, 5, 6, 8, 9
    assert t.services == 2  # rows 1, 2
    assert t.solved == 2  # rows 1, 3 (row 6 is 正在办理, row 7 not a main problem)
    assert t.deeds == 3 and t.loans == 15000 and t.plough == 5
    assert (t.converted, t.conservative_households) == (1, 2) and t.conversion_rate == 0.5
    assert t.interview_months_expected == 10 + 12 + 2 + 12
    assert t.interview_months_met == 2 + 2 + 0 + 1  # 001: Mar, Apr; 002: Jan, Dec; 004: Jun
    assert t.diary_months_expected == 36
    assert t.diary_months_met == 2 + 2 + 1 + 1  # 003's meeting counts as a diary month
    assert t.interview_rate == pytest.approx(5 / 36) and t.diary_rate == pytest.approx(6 / 36)
    assert t.solved_households == 1
    assert c.complete


def test_each_village_is_a_unit_and_the_total_is_their_sum(township):
    c = run(township)
    assert [u.unit for u in c.units] == sorted(["下营村", "倪家营村"])
    xy, njy = unit(c, "下营村"), unit(c, "倪家营村")
    assert (xy.star, xy.conservative, xy.backward, njy.conservative, njy.backward) == (1, 1, 0, 1, 1)
    assert (xy.interviews, njy.interviews) == (5, 1)  # 下营村: rows 1, 3, 5, 6 and XY-005's row 9
    assert (xy.conversion_rate, njy.conversion_rate) == (1.0, 0.0)
    assert (xy.interview_months_expected, njy.interview_months_expected) == (22, 14)
    for column in ("interviews", "services", "solved", "deeds", "loans", "plough",
                   "interview_months_met", "diary_months_met"):
        assert getattr(c.total, column) == getattr(xy, column) + getattr(njy, column)


def test_every_row_read_is_counted_or_listed_with_its_reason(township):
    c = run(township)
    acc = c.accounts["乡.xlsx"]
    assert acc.read == 15 and acc.balanced
    assert (acc.counted, acc.out_of_period, acc.excluded, acc.duplicate) == (4 + 8, 1 + 2, 0, 0)
    outside = {(e.sheet, e.row): e.reason for e in c.excluded if e.bucket == "统计期外"}
    # header on row 2 (title above): card XY-005 on row 7, diary rows 4 and 10 on rows 6 and 12
    assert set(outside) == {("联户卡", 7), ("联户日记", 6), ("联户日记", 12)}
    assert "2009-12-31" in outside[("联户日记", 6)]
    assert "晚于统计期末" in outside[("联户卡", 7)]
    summary = c.report.files[0]
    assert summary.status == "已汇总" and "3 行在统计期外" in summary.why


def test_a_quarter_expects_only_its_months_and_counts_only_its_rows(township):
    c = run(township, "2010Q4")
    t = c.total
    # cards linked by 2010-12-31: 001, 002, 003, 004; months: Oct–Dec for all but 003 (Nov, Dec)
    assert t.interview_months_expected == 3 + 3 + 2 + 3
    assert t.interviews == 2  # rows 6 (2010-12-31) and 9 (XY-005, linked in 2011)
    assert t.diary_months_met == 2  # 002 in Dec, 003 in Dec
    assert t.solved == 0 and t.solved_households == 0


def test_months_expected_stop_at_the_current_month(township):
    # consolidating 2010 on 2010-06-20: months run to June only
    c = run(township, "2010", today=D(2010, 6, 20))
    assert c.total.interview_months_expected == 4 + 6 + 0 + 6  # 001 Mar–Jun, 002 and 004 Jan–Jun
    assert [x for x in c.cards if x.card_no == "XY-003"][0].months_expected == []  # linked in Nov
    assert c.last_month == (2010, 6)


def test_without_a_period_every_row_counts_up_to_the_latest_diary_month(township):
    c = run(township, None)
    t = c.total
    assert (t.star, t.conservative, t.backward) == (2, 2, 1)  # XY-005 counts now
    assert t.interviews == 8  # every interview row: 1, 3, 4, 5, 6, 8, 9, 10
    # the latest diary is 2011-01-15: 001 Mar 2010–Jan 2011 = 11, 002 Jun 2009– = 20,
    # 003 Nov 2010– = 3, 004 Jan 2010– = 13, 005 Jan 2011 = 1
    assert t.interview_months_expected == 11 + 20 + 3 + 13 + 1
    # met: 001 Mar, Apr, Jan; 002 Dec 2009, Jan, Dec; 004 Jun; 005's Dec row is before its link month
    assert t.interview_months_met == 3 + 3 + 1
    assert c.last_month == (2011, 1)
    assert all(not e.bucket == "统计期外" for e in c.excluded)


def test_a_rate_over_zero_is_empty_not_zero(tmp_path):
    write_book(tmp_path / "b" / "村.xlsx", [card("XY-001")], [])
    c = run(tmp_path / "b")
    assert c.total.conservative_households == 0 and c.total.conversion_rate is None
    assert c.total.interview_months_expected == 12 and c.total.interview_rate == 0.0


def test_no_diary_at_all_and_no_period_expects_no_months(tmp_path):
    write_book(tmp_path / "b" / "村.xlsx", [card("XY-001")], [])
    c = run(tmp_path / "b", None)
    assert c.total.interview_months_expected == 0 and c.total.interview_rate is None


def test_a_diary_only_book_counts_toward_the_village_of_its_card(tmp_path):
    write_book(tmp_path / "b" / "卡.xlsx", [card("XY-001", 村="汪家墩村")], None)
    write_book(tmp_path / "b" / "九月日记.xlsx", None, [diary("XY-001", D(2010, 9, 6))])
    c = run(tmp_path / "b")
    assert [u.unit for u in c.units] == ["汪家墩村"] and c.units[0].interviews == 1
    assert c.complete


# --- duplicates --------------------------------------------------------------------


def test_a_cadres_own_book_beside_the_village_book_counts_once(tmp_path):
    cards = [card("XY-001"), card("XY-002", 联系人="李四", 联系人类别="村干部", 联系户类型="思想保守户")]
    diaries = [diary("XY-001", D(2010, 3, 6)), diary("XY-001", D(2010, 4, 6)), diary("XY-002", D(2010, 5, 6))]
    write_book(tmp_path / "alone" / "下营村.xlsx", cards, diaries)
    write_book(tmp_path / "both" / "下营村.xlsx", cards, diaries)
    write_book(tmp_path / "both" / "个人" / "王明.xlsx", cards[:1], diaries[:2])
    alone, both = run(tmp_path / "alone"), run(tmp_path / "both")
    assert both.total.counts() == alone.total.counts()
    assert both.total.star == 1 and both.total.interviews == 3
    assert both.complete  # nothing was lost: the copy's rows are counted once
    own = next(f for f in both.report.files if f.file == "个人/王明.xlsx")
    assert own.status == "已汇总" and "重复" in own.why
    assert both.accounts["个人/王明.xlsx"].duplicate == 3
    assert {e.bucket for e in both.excluded} == {"重复"}


def test_the_same_card_number_with_different_content_leaves_every_copy_out(tmp_path):
    write_book(tmp_path / "b" / "下营村.xlsx", [card("XY-001"), card("XY-002")],
               [diary("XY-001", D(2010, 3, 6)), diary("XY-002", D(2010, 3, 6))])
    write_book(tmp_path / "b" / "王明.xlsx", [card("XY-001", 户主="别人")], [])
    c = run(tmp_path / "b")
    assert c.total.star == 1 and c.total.interviews == 1  # only XY-002 and its diary
    assert not c.complete
    left = [(e.file, e.sheet, e.bucket) for e in c.excluded]
    assert ("下营村.xlsx", "联户卡", "未计入") in left and ("王明.xlsx", "联户卡", "未计入") in left
    assert ("下营村.xlsx", "联户日记", "未计入") in left  # the diary of a card left out goes with it
    assert {f.file: f.status for f in c.report.files} == {"下营村.xlsx": "部分汇总", "王明.xlsx": "未汇总"}


# --- errors -----------------------------------------------------------------------------


def test_rows_with_errors_are_left_out_and_listed_with_file_sheet_cell_and_reason(tmp_path):
    write_book(tmp_path / "b" / "村.xlsx", [card("XY-001"), card("XY-002", 联系户类型="富裕户")],
               [diary("XY-001", D(2010, 3, 6)), diary("XY-001", "2010-13-01"),
                diary("XY-001", D(2010, 5, 6), **{"担保贷款(元)": "三千多"}),
                diary("XY-404", D(2010, 5, 6))])
    c = run(tmp_path / "b")
    assert c.total.star == 1 and c.total.interviews == 1
    assert not c.complete
    left = {(e.sheet, e.row): e for e in c.excluded if e.bucket == "未计入"}
    assert set(left) == {("联户卡", 4), ("联户日记", 4), ("联户日记", 5), ("联户日记", 6)}
    assert left[("联户日记", 4)].cell == "B4" and "日期" in left[("联户日记", 4)].reason
    assert "三千多" in left[("联户日记", 5)].reason
    assert "XY-404" in left[("联户日记", 6)].reason
    assert "富裕户" in left[("联户卡", 4)].reason
    acc = c.accounts["村.xlsx"]
    assert acc.balanced and (acc.read, acc.counted, acc.excluded) == (6, 2, 4)
    assert c.report.files[0].status == "部分汇总"
    assert "4 行" in c.headline()


def test_a_file_that_cannot_be_read_is_not_counted_and_says_why(tmp_path):
    write_book(tmp_path / "b" / "好.xlsx", [card("XY-001")], [diary("XY-001", D(2010, 3, 6))])
    (tmp_path / "b" / "坏.xlsx").write_text("村,社\n下营村,六社\n", encoding="utf-8")
    c = run(tmp_path / "b")
    bad = next(f for f in c.report.files if f.file == "坏.xlsx")
    assert bad.status == "未汇总" and "CSV" in bad.why
    assert c.total.interviews == 1 and not c.complete
    assert "1 个文件未汇总" in c.headline()


def test_a_clerks_totals_row_is_skipped_not_counted_and_not_an_error(tmp_path):
    write_book(tmp_path / "b" / "村.xlsx", [card("XY-001")],
               [diary("XY-001", D(2010, 3, 6)), {"卡号": "合计", "办实事(件)": 99}])
    c = run(tmp_path / "b")
    assert c.total.deeds == 0 and c.complete
    acc = c.accounts["村.xlsx"]
    assert acc.totals_rows == 1 and acc.balanced


def test_the_roster_shows_a_village_that_sent_nothing(tmp_path):
    write_book(tmp_path / "b" / "村.xlsx", [card("XY-001")], [])
    roster = Roster({"倪家营村": ["四社"], "下营村": ["六社"]})
    c = run(tmp_path / "b", roster=roster)
    assert [u.unit for u in c.units] == ["倪家营村", "下营村"]  # roster order
    assert c.units[0].households == 0 and c.units[1].star == 1


# --- the tables a township works with ------------------------------------------------


def test_three_ones_marks_who_falls_short(township):
    c = run(township)
    by_card = {x.card_no: x for x in c.cards}
    a = by_card["XY-001"]
    assert (a.interview_expected, a.interview_met, a.solved_this_year, a.meets) == (10, 2, True, False)
    assert "访谈缺 8 个月：2010年5–12月" in a.shortfall
    assert "本年未解决主要问题" in by_card["XY-002"].shortfall
    linkers = {x.linker: x for x in c.linkers()}
    assert linkers["王明"].cards == 1 and not linkers["王明"].meets


def test_two_party_members_with_one_name_in_two_villages_are_two_people(tmp_path):
    """三个一按人: 王明 of 下营村 and 王明 of 倪家营村 (both 党员) are two lines, each with his own
    household; one of them meeting 三个一 must not hide that the other does not."""
    diaries = [diary("XY-001", D(2010, m, 6)) for m in range(1, 13)]
    diaries[0].update({"发现问题": "缺技术", "是否主要问题": "是", "办理结果": "当场解决", "解决办法": "指导"})
    write_book(tmp_path / "b" / "村.xlsx", [
        card("XY-001", 村="下营村", 联系人="王明", 联系人类别="党员", 结对日期=D(2010, 1, 1)),
        card("XY-002", 村="倪家营村", 联系人="王明", 联系人类别="党员", 结对日期=D(2010, 1, 1)),
    ], diaries)
    lines = sorted((x.village, x.linker, x.cards, x.meets) for x in run(tmp_path / "b").linkers())
    assert lines == [("下营村", "王明", 1, True), ("倪家营村", "王明", 1, False)]


def test_a_card_meeting_three_ones(tmp_path):
    diaries = [diary("XY-001", D(2010, m, 6)) for m in range(3, 13)]
    diaries[0].update({"发现问题": "缺技术", "是否主要问题": "√", "办理结果": "当场解决", "解决办法": "指导"})
    write_book(tmp_path / "b" / "村.xlsx", [card("XY-001", 结对日期=D(2010, 3, 1))], diaries)
    c = run(tmp_path / "b")
    assert c.cards[0].meets and c.cards[0].shortfall == ""
    assert c.total.interview_rate == 1.0 and c.total.diary_rate == 1.0


def test_problems_open_ones_first_with_the_latest_result(township):
    c = run(township)
    assert [p.problem for p in c.problems][0] == "思想保守"  # 正在办理
    assert all(not p.open for p in c.problems[1:])
    assert c.problems[0].linker == "李四"


def test_by_month_counts(township):
    c = run(township)
    april = [m for m in c.months if m.month == (2010, 4)]
    assert len(april) == 1 and (april[0].interviews, april[0].entries, april[0].services) == (1, 2, 1)
    assert len(c.month_list()) == 12


def test_the_card_list_masks_id_and_phone(tmp_path):
    write_book(tmp_path / "b" / "村.xlsx",
               [card("XY-001", 身份证号="11010519491231002X", 联系电话="13912345678")], [])
    c = run(tmp_path / "b")
    assert c.cards[0].id_masked == "110105********002X" and c.cards[0].phone_masked == "139****5678"


def test_books_and_totals_together_are_an_error(tmp_path):
    from lianhu_xl.totals_book import write_totals

    write_book(tmp_path / "a" / "村.xlsx", [card("XY-001")], [])
    write_totals(run(tmp_path / "a", title="倪家营乡"), tmp_path / "b" / "倪家营乡.xlsx")
    write_book(tmp_path / "b" / "村.xlsx", [card("XY-001")], [])
    c = run(tmp_path / "b")
    assert c.kind == "mixed" and not c.complete and c.units == []
    assert [i.code for i in c.report.errors] == ["mixed-inputs"]
    assert "倪家营乡.xlsx" in c.report.errors[0].message


def test_three_ones_looks_at_the_year_so_far_for_a_solved_main_problem(township):
    # the fourth quarter: XY-001 solved its main problems in March and April, outside the quarter,
    # yet it has solved one this year; the quarter's own total of solved problems stays 0
    c = run(township, "2010Q4")
    by_card = {x.card_no: x for x in c.cards}
    assert by_card["XY-001"].solved_this_year and not by_card["XY-001"].main_solved
    assert not by_card["XY-002"].solved_this_year
    assert c.total.solved_households == 0
    assert not by_card["XY-001"].requires_solved  # a quarter does not ask for it


def test_the_card_list_reads_in_team_order(tmp_path):
    teams = ["十社", "二社", "一社", "十一社"]
    write_book(tmp_path / "b" / "村.xlsx", [card(f"XY-{i}", 社=t) for i, t in enumerate(teams)], [])
    c = run(tmp_path / "b")
    assert [x.team for x in c.cards] == ["一社", "二社", "十社", "十一社"]


def test_a_sheet_that_cannot_be_read_makes_its_file_partly_counted(tmp_path):
    from bookfactory import DIARY_LABELS

    write_book(tmp_path / "b" / "村.xlsx", [card("XY-001")], [diary("XY-001", D(2010, 3, 6))],
               diary_labels=[label for label in DIARY_LABELS if label != "形式"])
    c = run(tmp_path / "b")
    assert c.total.star == 1 and c.total.interviews == 0 and not c.complete
    summary = c.report.files[0]
    assert summary.status == "部分汇总" and "缺少必填列“形式”" in summary.why


def test_months_missed_inside_one_year_of_a_period_across_new_year_say_that_year(tmp_path):
    """From November 2010 to February 2011, a household visited in November and December only
    misses 1–2月 of 2011: the 三个一 sheet says 2011年1–2月, not 1–2月 (read as 2010's)."""
    write_book(tmp_path / "b" / "村.xlsx", [card("XY-001", 结对日期=D(2010, 1, 5))],
               [diary("XY-001", D(2010, 11, 6)), diary("XY-001", D(2010, 12, 6))])
    c = consolidate([tmp_path / "b"], period=parse_period("2010-11-01..2011-02-28"), today=D(2011, 6, 1))
    (line,) = c.cards
    assert "访谈缺 2 个月：2011年1–2月" in line.shortfall
