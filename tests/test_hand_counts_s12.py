"""Session 12: more 汇总 figures against counts made by hand from workbook-standard.md.

Each test builds its books with tests/bookfactory.py, writes the expected figures out by hand from
the standard's words ("How a workbook is read", "Duplicates", "How totals are counted") with the
arithmetic in comments, runs ``lianhu consolidate`` as a clerk does and checks the 汇总 sheet, the
JSON and that every row read is counted or listed in 未计入 (helpers from tests/test_hand_counts.py).
"""

from __future__ import annotations

import datetime as dt

from bookfactory import card, diary, roster_xlsx, write_book
from test_hand_counts import Run, accounted, check, conservative, figures

D = dt.date
LOAN, DEEDS, HELP = "担保贷款(元)", "办实事(件)", "帮耕帮畜(次)"


def backward(no: str, **over: object) -> dict[str, object]:
    """A 党员's 经济落后户 card (李胜 unless another linker is given)."""
    return card(no, **{"联系人": "李胜", "联系人类别": "党员", "联系户类型": "经济落后户",
                       "基期人均纯收入(元)": 2500, **over})


# --- a village written with its team in the 村 cell ------------------------------------------------


def test_a_village_written_with_its_team_is_that_village(tmp_path):
    """Cadres write a household's address as they say it: 村 `下营村四社` (社 `四社` beside it). The
    standard counts "per village (the card's 村)", and values are "read as a person meant them":
    the village is 下营村. The cadre's own book (王明.xlsx) writes 下营村四社 where the village's
    merged book writes 下营村 for the same card A: "the same card (same 卡号, same content in every
    column both books have) in two files ... is counted once". 倪家营村's only card writes its 村 as
    `倪家营村6组` in every book: it is 倪家营村, not a village of its own."""
    col = tmp_path / "收集"
    a_mine = card("A", 村="下营村四社", 社="四社", 户主="缪红")
    a_village = card("A", 村="下营村", 社="四社", 户主="缪红")
    visits = [diary("A", D(2010, 3, 6), **{LOAN: 3000}), diary("A", D(2010, 4, 6), 形式="电话联系")]
    write_book(col / "王明.xlsx", [a_mine], visits)
    write_book(col / "下营村.xlsx", [a_village, card("B", 社="四社", 户主="缪锋", 结对日期=D(2010, 7, 1))],
               [*visits, diary("B", D(2010, 7, 20), **{HELP: 2})])
    write_book(col / "倪家营村.xlsx", [card("C", 村="倪家营村6组", 社="6组", 户主="宋燕林")],
               [diary("C", D(2010, 5, 5), 服务类别="政策宣传")])
    run = Run(col, tmp_path / "汇总表.xlsx", "--period", "2010")
    # 下营村: A (linked 2010-01-05: Jan–Dec = 12 months expected; 入户访谈 in March met; any diary in
    # March and April) + B (linked 2010-07-01: Jul–Dec = 6 months; July met both ways): 2 致富明星户,
    # 入户访谈 2 (A March, B July), 担保贷款 3000, 帮耕帮畜 2, 应 18, 实访谈 2, 实日记 3.
    xy = figures(致富明星户=2, 入户访谈=2, 担保贷款=3000, 帮耕帮畜=2, 应访谈月数=18, 实访谈月数=2,
                 应记日记月数=18, 实记日记月数=3)
    # 倪家营村: C, 12 months expected, May met both ways, one service.
    nj = figures(致富明星户=1, 入户访谈=1, 提供服务=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    total = figures(致富明星户=3, 入户访谈=3, 提供服务=1, 担保贷款=3000, 帮耕帮畜=2, 应访谈月数=30, 实访谈月数=3,
                    应记日记月数=30, 实记日记月数=4)
    check(run, {"下营村": xy, "倪家营村": nj, "合计": total})
    # a warning never leaves anything out: exit 0. Of A's two copies the first by file name is
    # counted (下营村.xlsx sorts before 王明.xlsx), 王明.xlsx's card and visits are repeats; 倪家营村's
    # 村 cell is told to leave the team out.
    assert run.exit_code == 0
    codes = sorted((i["code"], i["file"].rsplit("/", 1)[-1], i["cell"]) for i in run.json["issues"])
    assert codes == [("duplicate-card", "王明.xlsx", "A3"), ("duplicate-diary", "王明.xlsx", "A3"),
                     ("duplicate-diary", "王明.xlsx", "A4"), ("village-with-team", "倪家营村.xlsx", "F3")], codes
    accounted(run, {"王明.xlsx": 3, "下营村.xlsx": 5, "倪家营村.xlsx": 2},
              {"王明.xlsx": {"duplicate": 3}, "下营村.xlsx": {"counted": 5}, "倪家营村.xlsx": {"counted": 2}})


def test_with_a_roster_a_village_written_with_its_team_is_the_rosters_village(tmp_path):
    """With a roster, 村 "must be on the roster": 下营村四社 and 下营村5组 name the roster's 下营村 (its
    四社 and 五社), as 下营村委会 does; they were `not-on-roster` errors, each card left out with its
    visits. No card of the village writes plain 下营村, and without a roster the row is 下营村 too,
    not 下营村四社 holding 五社's card."""
    col = tmp_path / "收集"
    write_book(col / "下营村.xlsx", [
        conservative("S1", 村="下营村四社", 社="四社", 户主="缪红", 是否转化="是", 结对日期=D(2010, 10, 31)),
        conservative("S2", 村="下营村5组", 社="五社", 户主="缪锋", 结对日期=D(2010, 12, 31)),
    ], [
        diary("S1", D(2010, 10, 31), 发现问题="不愿调整种植", 是否主要问题="是", 解决办法="带去参观",
              办理结果="当场解决"),
        diary("S1", D(2010, 11, 30), 形式="电话联系", **{DEEDS: 1}),
        diary("S2", D(2010, 12, 31), **{LOAN: "0.5万"}),
    ])
    roster = roster_xlsx(tmp_path / "名册.xlsx", [["村", "社"], ["下营村", "四社"], ["下营村", "五社"],
                                                 ["汪家墩村", "五社"]])
    # Q4 2010 (Oct 1 – Dec 31). S1 linked Oct 31: Oct–Dec = 3 months; 入户访谈 in October, a diary in
    # October and November; its October row is a main problem solved (是, 当场解决): 解决主要问题 1,
    # 主要问题已解决户数 1; converted. S2 linked Dec 31 (the period's last day: counted): December
    # only, met both ways; 担保贷款 0.5万 = 5000. 转化 1 of 2 思想保守户.
    xy = figures(思想保守户=2, 转化户数=1, 入户访谈=2, 解决主要问题=1, 办实事=1, 担保贷款=5000, 应访谈月数=4,
                 实访谈月数=2, 应记日记月数=4, 实记日记月数=3, 主要问题已解决户数=1)
    assert xy["转化率"] == 0.5 and xy["访谈达标率"] == 0.5 and xy["日记达标率"] == 0.75
    # 汪家墩村 is on the roster and sent nothing: a row of zeros, rates left empty
    run = Run(col, tmp_path / "汇总表.xlsx", "--period", "2010Q4", "--roster", str(roster))
    check(run, {"下营村": xy, "汪家墩村": figures(), "合计": xy})
    assert run.exit_code == 0
    assert sorted((i["code"], i["cell"]) for i in run.json["issues"]) == [
        ("village-with-team", "F3"), ("village-with-team", "F4")]
    accounted(run, {"下营村.xlsx": 5}, {"下营村.xlsx": {"counted": 5}})
    # without the roster: the one row 下营村
    run = Run(col, tmp_path / "汇总表2.xlsx", "--period", "2010Q4")
    check(run, {"下营村": xy, "合计": xy})


# --- money to the fen ------------------------------------------------------------------------------


def test_loans_are_rounded_to_the_fen_half_up_as_a_clerk_rounds(tmp_path):
    """担保贷款(元) is "the sum of that column", printed to the fen. A loan share typed with a tenth of
    a fen (1234.565, as a calculator gave it) and one of 0.1: the sum is 1234.665 yuan, which a
    clerk rounds 四舍五入 to 1234.67, and Excel shows 1234.67 under 0.00. Python's round() gave
    1234.66 (the binary 1234.665 lies just under it), and 0.125 gave 0.12."""
    col = tmp_path / "收集"
    write_book(col / "下营村.xlsx", [card("A"), card("B", 村="汪家墩村", 户主="吴吉成")], [
        diary("A", D(2010, 3, 6), **{LOAN: 1234.565}),
        diary("A", D(2010, 4, 6), 形式="电话联系", **{LOAN: "0.1元"}),
        diary("B", D(2010, 3, 6), 形式="电话联系", **{LOAN: "0.13"}),
    ])
    run = Run(col, tmp_path / "汇总表.xlsx", "--period", "2010")
    # 下营村: A, Jan–Dec = 12 months expected, an 入户访谈 in March, diaries in March and April;
    # 1234.565 + 0.1 = 1234.665 → 1234.67. 汪家墩村: B, 12 months, a diary in March; 0.13.
    # 合计: 1234.665 + 0.13 = 1234.795 → 1234.80 (= 1234.67 + 0.13, the rows as printed).
    xy = figures(致富明星户=1, 入户访谈=1, 担保贷款=1234.67, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=2)
    wj = figures(致富明星户=1, 担保贷款=0.13, 应访谈月数=12, 应记日记月数=12, 实记日记月数=1)
    total = figures(致富明星户=2, 入户访谈=1, 担保贷款=1234.80, 应访谈月数=24, 实访谈月数=1, 应记日记月数=24,
                    实记日记月数=3)
    check(run, {"下营村": xy, "汪家墩村": wj, "合计": total})
    table = run.table()  # to the fen exactly, not within a tolerance
    assert (table["下营村"]["担保贷款(元)"], table["合计"]["担保贷款(元)"]) == (1234.67, 1234.80)
    # the 联户清单 (each card's sums: its column adds up to the 汇总) says the same
    listed = run.sheet("联户清单")
    at = next(i for i, r in enumerate(listed) if r and "担保贷款(元)" in r)
    loans = {r[listed[at].index("卡号")]: r[listed[at].index("担保贷款(元)")] for r in listed[at + 1:] if r[0]}
    assert loans == {"A": 1234.67, "B": 0.13}, loans
    # and the terminal's table
    assert "1,234.67" in terminal_text(col, tmp_path / "汇总表3.xlsx")


def terminal_text(folder, out) -> str:
    from click.testing import CliRunner

    from lianhu_xl.cli import cli

    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "-j", "1", "--no-cache",
                                      "--period", "2010"])
    return result.stdout


# --- 是否转化 answered with another column's word ------------------------------------------------


def test_progress_typed_under_converted_is_not_a_conversion(tmp_path):
    """转化户数 counts "思想保守户 cards with 是否转化 = 是". A cadre answering 是否转化 with the
    year-end appraisal's words, 有进步 (progressed, not converted) or 有发展, did not say 是: "a
    value that cannot be read is an error at its cell", and "a row with an error is left out of the
    totals (and a diary row whose card was left out goes with it)". They were read as 是 and counted
    converted. The appraisal columns keep their own words (思想有进步 有进步, 经济有发展 有发展 are 是,
    a warning-free card), and 已转化 / 未转化 stay 是 / 否."""
    col = tmp_path / "收集"
    write_book(col / "下营村.xlsx", [
        conservative("S1", 户主="缪红", 是否转化="已转化", 思想有进步="有进步", 经济有发展="有发展"),
        conservative("S2", 户主="缪锋", 是否转化="有进步"),
        conservative("S3", 户主="缪某", 是否转化="有发展"),
        conservative("S4", 户主="宋燕林", 是否转化="未转化", 认识有提高="有提高"),
    ], [diary("S1", D(2010, 3, 6)), diary("S2", D(2010, 3, 6)), diary("S4", D(2010, 5, 6), 形式="电话联系")])
    run = Run(col, tmp_path / "汇总表.xlsx", "--period", "2010")
    # counted: S1 (converted) and S4 (not): 思想保守户 2, 转化 1 of 2 = 50 %; 12 + 12 months expected;
    # S1's March visit meets March both ways, S4's May call a diary month only. S2, S3 and S2's
    # visit are left out.
    row = figures(思想保守户=2, 转化户数=1, 入户访谈=1, 应访谈月数=24, 实访谈月数=1, 应记日记月数=24, 实记日记月数=2)
    assert row["转化率"] == 0.5
    check(run, {"下营村": row, "合计": row})
    assert run.exit_code == 1
    errors = sorted((i["code"], i["cell"]) for i in run.json["issues"] if i["severity"] == "error")
    assert errors == [("bad-yesno", "V4"), ("bad-yesno", "V5")], errors
    said = next(i["message"] for i in run.json["issues"] if i["cell"] == "V4")
    assert "有进步" in said and "是否转化" in said, said
    accounted(run, {"下营村.xlsx": 7}, {"下营村.xlsx": {"counted": 4, "excluded": 3}})


def test_a_village_written_as_its_committee_branch_or_with_its_team_after_a_mark(tmp_path):
    """More ways the one village 下营村 is written in 村: 下营村委 (村委会 as it is said), 下营村党支部
    (the village's branch), 下营村（四社）, 下营村-5组, 下营村、六社 and 倪家营乡—下营村. Each is
    下营村: one row of the 汇总, not six rows more each holding one household."""
    col = tmp_path / "收集"
    write_book(col / "下营村.xlsx", [
        backward("L1", 村="下营村", 社="四社", 户主="徐学福"),
        backward("L2", 村="下营村委", 社="四社", 户主="缪成"),
        backward("L3", 村="下营村党支部", 社="五社", 户主="缪红"),
        backward("L4", 村="下营村（四社）", 社="四社", 户主="缪锋"),
        backward("L5", 村="下营村-5组", 社="五社", 户主="缪某"),
        backward("L6", 村="下营村、六社", 社="六社", 户主="宋燕林", 结对日期=D(2010, 9, 1)),
        backward("L7", 村="倪家营乡—下营村", 社="六社", 户主="宋玉林"),
    ], [diary(no, D(2010, 9, 30), **{HELP: 1}) for no in ("L1", "L2", "L3", "L4", "L5", "L6", "L7")])
    run = Run(col, tmp_path / "汇总表.xlsx", "--period", "2010Q3")
    # Q3 (Jul–Sep): L1–L5 and L7 linked 2010-01-05, 3 months each; L6 linked Sep 1, September only:
    # 19 months expected; each household's 入户访谈 on Sep 30 meets September: 7 met. 帮耕帮畜 7.
    row = figures(经济落后户=7, 入户访谈=7, 帮耕帮畜=7, 应访谈月数=19, 实访谈月数=7, 应记日记月数=19, 实记日记月数=7)
    check(run, {"下营村": row, "合计": row})
    assert run.exit_code == 0
    told = sorted((i["code"], i["cell"]) for i in run.json["issues"])
    assert told == [("village-name-variant", "F4"), ("village-name-variant", "F5"), ("village-name-variant", "F9"),
                    ("village-with-team", "F6"), ("village-with-team", "F7"), ("village-with-team", "F8")], told


# --- a township's quarter with everything at once, and the county over two townships ---------------


def _first_quarter_2012(root):
    """倪家营乡's books for 2012Q1 (Jan 1 – Mar 31, 2012: a leap year): a 乡干部's own book beside
    the village's merged book (one card and one visit in both), a monthly diary-only book, a card
    linked on the leap day with a visit the day before, a card linked on the quarter's last day and
    one the day after, one household linked by two cadres (S1 and L2), a 村 written with its team,
    a card number reused for two households in two books, money in 万, a 合计 line, a bad date and
    a visit naming no card."""
    col = root / "倪家营乡"
    z1 = card("Z1", 户主="李进忠", 结对日期=D(2011, 11, 20))
    z1_first = diary("Z1", D(2012, 1, 5), 服务类别="政策宣传", **{DEEDS: 1})
    write_book(col / "王明.xlsx", [z1, card("Z2", 村="倪家营村", 社="四社", 户主="宋燕林", 结对日期=D(2012, 2, 29))], [
        z1_first,
        diary("Z1", D(2012, 2, 29), 形式="电话联系", **{LOAN: "1.2万"}),
        diary("Z1", D(2012, 3, 31), 发现问题="缺资金", 是否主要问题="是", 解决办法="担保贷款", 办理结果="协调解决"),
        diary("Z2", D(2012, 2, 28)),                   # the day before its link: a warning, counted
        diary("Z2", D(2012, 4, 1)),                    # after the quarter
    ])
    write_book(col / "下营村.xlsx", [
        z1,
        conservative("S1", 社="四社", 户主="缪红", 结对日期=D(2011, 6, 1), 是否转化="是"),
        conservative("S2", 村="下营村四社", 社="四社", 户主="缪锋", 联系人="缪红荣", 联系人类别="社干部",
                     结对日期=D(2012, 3, 31), 是否转化="否"),
        backward("L1", 社="五社", 户主="徐学福", 结对日期=D(2012, 4, 1)),
        backward("L2", 社="四社", 户主="缪红", 结对日期=D(2012, 1, 10), **{"基期人均纯收入(元)": 2000}),
        {"卡号": "合计", "联系人": "5户"},
    ], [
        z1_first,
        diary("S1", D(2012, 1, 15), 服务类别="政策宣传、市场信息"),
        diary("S1", D(2012, 1, 20)),
        diary("S1", D(2012, 3, 1), 形式="集中座谈", 发现问题="不愿调整", 是否主要问题="√", 解决办法="谈心",
              办理结果="当场解决"),
        diary("S2", D(2012, 3, 31), **{HELP: "2次"}),
        diary("L1", D(2012, 3, 15), **{LOAN: 5000}),  # its card linked after the quarter
        diary("L2", D(2012, 2, 10), **{LOAN: "3,000元"}),
        diary("L2", D(2012, 2, 10), 形式="电话联系"),
        diary("L2", "2012.2.30"),                       # no such day: an error
        diary("X9", D(2012, 2, 11)),                    # no such card
    ])
    write_book(col / "倪家营村-3月日记.xlsx", None, [
        diary("Z2", D(2012, 3, 10), 服务类别="实用技术"),
        diary("S1", D(2012, 3, 5), 形式="电话联系"),
    ])
    w1 = backward("W1", 村="汪家墩村", 社="五社", 户主="吴吉成", 联系人="王培义", 结对日期=D(2012, 1, 31))
    write_book(col / "汪家墩村.xlsx", [w1, backward("W9", 村="汪家墩村", 社="五社", 户主="吴某")], [
        diary("W1", D(2012, 1, 31)), diary("W1", D(2012, 2, 15), **{HELP: 1}), diary("W9", D(2012, 1, 10)),
    ])
    write_book(col / "汪家墩村补.xlsx", [backward("W9", 村="汪家墩村", 社="五社", 户主="吴另")], [])
    return col


def test_a_townships_first_quarter_of_2012_counted_by_hand(tmp_path):
    col = _first_quarter_2012(tmp_path)
    run = Run(col, tmp_path / "倪家营乡汇总表.xlsx", "--period", "2012Q1", "--title", "倪家营乡")
    # Cards counted ("linked by the period's end", no error, no conflicting copy): Z1 (once), Z2,
    # S1, S2 (its 村 下营村四社 is 下营村), L2, W1. L1 is linked the day after the quarter; both W9
    # (one number, two households) are left out with W9's visit.
    # Visits counted ("dated inside it", of cards not left out; L1's too: a visit before 结对日期
    # is a warning):
    #   Z1: 1-05 入户访谈 (service, 1 deed; counted once), 2-29 电话 12000, 3-31 入户访谈 main problem
    #       协调解决. Months Jan–Mar (linked Nov 2011) = 3: 入户访谈 Jan, Mar = 2; diaries 3. Solved.
    #   Z2: 2-28 入户访谈 (before its link, in its link month), 3-10 入户访谈 (service, diary-only
    #       book), 4-01 outside. Linked Feb 29: Feb–Mar = 2 months, met 2 and 2.
    #   S1: 1-15 入户访谈 (service), 1-20 入户访谈 (a second visit in January: 2 visits, 1 month),
    #       3-01 座谈 main problem 当场解决, 3-05 电话. Jan–Mar = 3: 入户访谈 Jan = 1; diaries Jan,
    #       Mar = 2. Solved. Converted.
    #   S2: linked Mar 31 (the last day counts): March = 1 month, 3-31 入户访谈 met both; 帮耕帮畜 2.
    #   L1: 3-15 入户访谈, 5000: counted in 下营村's 入户访谈 and 担保贷款, no household, no months.
    #   L2: linked Jan 10: Jan–Mar = 3; 2-10 入户访谈 3000 and 2-10 电话 (another 形式: another
    #       entry); 入户访谈 Feb = 1, diaries Feb = 1. The 2-30 row is left out.
    #   W1: linked Jan 31: Jan–Mar = 3; 1-31 and 2-15 入户访谈 (帮耕帮畜 1): met 2 and 2.
    xy = figures(致富明星户=1, 思想保守户=2, 经济落后户=1, 入户访谈=7, 提供服务=2, 解决主要问题=2, 办实事=1,
                 担保贷款=20000, 帮耕帮畜=2, 转化户数=1, 应访谈月数=10, 实访谈月数=5, 应记日记月数=10, 实记日记月数=7,
                 主要问题已解决户数=2)
    nj = figures(致富明星户=1, 入户访谈=2, 提供服务=1, 应访谈月数=2, 实访谈月数=2, 应记日记月数=2, 实记日记月数=2)
    wj = figures(经济落后户=1, 入户访谈=2, 帮耕帮畜=1, 应访谈月数=3, 实访谈月数=2, 应记日记月数=3, 实记日记月数=2)
    total = figures(致富明星户=2, 思想保守户=2, 经济落后户=2, 入户访谈=11, 提供服务=3, 解决主要问题=2, 办实事=1,
                    担保贷款=20000, 帮耕帮畜=3, 转化户数=1, 应访谈月数=15, 实访谈月数=9, 应记日记月数=15,
                    实记日记月数=11, 主要问题已解决户数=2)
    # the village rows add up to the 合计, figure by figure
    for label, value in total.items():
        if label not in ("转化率", "访谈达标率", "日记达标率"):
            assert xy[label] + nj[label] + wj[label] == value, label
    check(run, {"下营村": xy, "倪家营村": nj, "汪家墩村": wj, "合计": total})
    assert run.exit_code == 1  # rows left out by errors
    # every row read: 王明's copy of Z1 and of its first visit are the repeats (下营村.xlsx sorts
    # first), Z2's April visit and L1's card are outside the quarter, the 合计 line is skipped
    accounted(run, {"王明.xlsx": 7, "下营村.xlsx": 16, "倪家营村-3月日记.xlsx": 2, "汪家墩村.xlsx": 5,
                    "汪家墩村补.xlsx": 1},
              {"王明.xlsx": {"counted": 4, "duplicate": 2, "out_of_period": 1},
               "下营村.xlsx": {"counted": 12, "out_of_period": 1, "totals_rows": 1, "excluded": 2},
               "倪家营村-3月日记.xlsx": {"counted": 2},
               "汪家墩村.xlsx": {"counted": 3, "excluded": 2}, "汪家墩村补.xlsx": {"excluded": 1}})


def test_the_county_over_two_townships_is_the_sum_of_their_totals(tmp_path):
    """"Totals workbooks consolidate again, the same way: several townships' 汇总 sheets into a
    county's, the rates recomputed from the counts, never averaged." 倪家营乡 as above; 沙河镇's
    one village: K1 (致富明星户, linked 2011: Jan–Mar = 3 months; 入户访谈 Jan 31 with 0.5万 and
    Mar 31: met 2 and 2) and K2 (思想保守户 已转化, linked Mar 1: March = 1 month; a call on Mar 2:
    a diary month, no 入户访谈)."""
    county = tmp_path / "县"
    run = Run(_first_quarter_2012(tmp_path), county / "倪家营乡汇总表.xlsx", "--period", "2012Q1",
              "--title", "倪家营乡")
    assert run.exit_code == 1
    sh = tmp_path / "沙河镇"
    write_book(sh / "沙河村.xlsx", [
        card("K1", 村="沙河村", 社="一社", 户主="张一", 结对日期=D(2011, 1, 1)),
        conservative("K2", 村="沙河村", 社="二社", 户主="张二", 结对日期=D(2012, 3, 1), 是否转化="已转化"),
    ], [diary("K1", D(2012, 1, 31), **{LOAN: "0.5万"}), diary("K1", D(2012, 3, 31)),
        diary("K2", D(2012, 3, 2), 形式="电话联系")])
    sha = figures(致富明星户=1, 思想保守户=1, 入户访谈=2, 担保贷款=5000, 转化户数=1, 应访谈月数=4, 实访谈月数=2,
                  应记日记月数=4, 实记日记月数=3)
    run = Run(sh, county / "沙河镇汇总表.xlsx", "--period", "2012Q1", "--title", "沙河镇")
    check(run, {"沙河村": sha, "合计": sha})
    # 倪家营乡's 合计 (the test above) + 沙河镇's: 转化 2 of 3, 访谈 11 of 19, 日记 14 of 19; the
    # rates of the two townships averaged would be (50 % + 100 %) / 2 = 75 %, not 2/3.
    nj = figures(致富明星户=2, 思想保守户=2, 经济落后户=2, 入户访谈=11, 提供服务=3, 解决主要问题=2, 办实事=1,
                 担保贷款=20000, 帮耕帮畜=3, 转化户数=1, 应访谈月数=15, 实访谈月数=9, 应记日记月数=15,
                 实记日记月数=11, 主要问题已解决户数=2)
    both = figures(致富明星户=3, 思想保守户=3, 经济落后户=2, 入户访谈=13, 提供服务=3, 解决主要问题=2, 办实事=1,
                   担保贷款=25000, 帮耕帮畜=3, 转化户数=2, 应访谈月数=19, 实访谈月数=11, 应记日记月数=19,
                   实记日记月数=14, 主要问题已解决户数=2)
    assert both["转化率"] == 2 / 3
    run = Run(county, tmp_path / "临泽县汇总表.xlsx", "--title", "临泽县")
    check(run, {"倪家营乡": nj, "沙河镇": sha, "合计": both})
    # 倪家营乡's sheet says rows were left out: the county is told, its figures are those sheets'
    assert {i["code"] for i in run.json["issues"] if i["severity"] != "notice"} == {"totals-incomplete"}
    assert run.exit_code == 0


# --- 村 and 社 typed in each other's cell ---------------------------------------------------------


def test_a_card_with_its_village_and_team_typed_in_each_others_cell(tmp_path):
    """A card whose 村 says 四社 and 社 says 下营村 (the two cells typed one column off, or a form
    printing 社 before 村) is a 下营村 household: "values are read as a person meant them". It was a
    village row named 四社 in the 汇总, silently (and `not-on-roster` with a roster)."""
    col = tmp_path / "收集"
    write_book(col / "下营村.xlsx", [
        backward("L1", 社="四社", 户主="徐学福"),
        backward("L2", 村="四社", 社="下营村", 户主="缪成"),
        backward("L3", 村="5组", 社="下营村委会", 户主="缪红"),
    ], [diary("L1", D(2010, 3, 6), **{LOAN: 3000}), diary("L2", D(2010, 3, 8)), diary("L3", D(2010, 4, 8))])
    run = Run(col, tmp_path / "汇总表.xlsx", "--period", "2010")
    # three 经济落后户 of 下营村, 12 months each; 入户访谈 in March (L1, L2) and April (L3)
    row = figures(经济落后户=3, 入户访谈=3, 担保贷款=3000, 应访谈月数=36, 实访谈月数=3, 应记日记月数=36, 实记日记月数=3)
    check(run, {"下营村": row, "合计": row})
    assert run.exit_code == 0
    said = [i for i in run.json["issues"] if i["code"] == "village-team-swapped"]
    assert [(i["cell"], i["severity"]) for i in said] == [("F4", "warning")], said
    assert "第 4–5 行" in said[0]["message"] and "四社" in said[0]["message"], said[0]["message"]
    # the spelling 下营村委会 (L3, swapped back) is one more way of writing 下营村
    assert {i["code"] for i in run.json["issues"]} == {"village-team-swapped", "village-name-variant"}


def test_with_a_roster_a_team_written_with_its_village_is_that_team(tmp_path):
    """社 typed as the whole address, `下营村四社` or `下营村 5组`: the team is 四社 / 五社 of the
    roster's 下营村. It was `not-on-roster` at the 社 cell: the card and its visits left out."""
    col = tmp_path / "收集"
    write_book(col / "下营村.xlsx", [
        backward("L1", 社="下营村四社", 户主="徐学福"),
        backward("L2", 社="下营村 5组", 户主="缪成", 结对日期=D(2010, 6, 30)),
    ], [diary("L1", D(2010, 6, 6), **{DEEDS: 2}), diary("L2", D(2010, 6, 30), 形式="电话联系")])
    roster = roster_xlsx(tmp_path / "名册.xlsx", [["村", "社"], ["下营村", "四社"], ["下营村", "五社"]])
    run = Run(col, tmp_path / "汇总表.xlsx", "--period", "2010Q2", "--roster", str(roster))
    # Q2: L1 (linked Jan 5) Apr–Jun = 3 months, an 入户访谈 in June; L2 (linked Jun 30) June = 1
    # month, a call in June (a diary month). 办实事 2.
    row = figures(经济落后户=2, 入户访谈=1, 办实事=2, 应访谈月数=4, 实访谈月数=1, 应记日记月数=4, 实记日记月数=2)
    check(run, {"下营村": row, "合计": row})
    assert run.exit_code == 0 and not run.json["issues"], run.json["issues"]
