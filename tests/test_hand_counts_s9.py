"""Session 9: figures counted by hand from the standard where session 8 left a question: one card
sent in two copies, one giving its 结对日期 as a month (2010年3月) and one as a day; and a county
whose red line counted a township's repeated 汇总表 as one more township with rows left out.

Each test writes the books, says in comments how workbook-standard.md gives each figure, writes
the figures as literal numbers, runs ``lianhu consolidate`` as a clerk does and checks the 汇总
sheet and the JSON (helpers from tests/test_hand_counts.py).
"""

from __future__ import annotations

import datetime as dt
import shutil

from bookfactory import card, diary, write_book
from click.testing import CliRunner
from test_hand_counts import Run, accounted, check, conservative, figures

from lianhu_xl.cli import cli

D = dt.date


def test_a_card_whose_copy_gives_only_the_month_it_was_linked_is_counted_once(tmp_path):
    """宋海's own book gives his card's 结对日期 as 2010年3月 (read as 2010-03-01, as Excel stores
    it); the village's merged book copied it with the day, 2010-3-5. "Values are read as a person
    meant them": the month typed alone is the same link, and the standard counts a link by its
    month. Before, the two were `conflicting-card`: both copies left out, and the card's visits
    with them (every figure of the village 0)."""
    write_book(tmp_path / "收集" / "宋海.xlsx", [conservative("B", 结对日期="2010年3月")],
               [diary("B", D(2010, 3, 6)), diary("B", D(2010, 5, 6), 形式="电话联系")])
    write_book(tmp_path / "收集" / "下营村.xlsx",
               [conservative("B", 结对日期=D(2010, 3, 5)), card("A")],
               [diary("B", D(2010, 3, 6)), diary("B", D(2010, 5, 6), 形式="电话联系"), diary("A", D(2010, 4, 1))])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0, run.json["issues"]
    # A: 致富明星户 linked 2010-01-05 → Jan–Dec, 12 months; one 入户访谈 (April).
    # B: 思想保守户 linked in March → Mar–Dec, 10 months; 入户访谈 in March, a phone call in May:
    #    interviews 1 month, diary 2 months. Each of B's rows is in both books: counted once.
    # 应访谈月数 12 + 10 = 22; 实访谈月数 1 + 1 = 2; 实记日记月数 1 + 2 = 3; 转化户数 0 of 1 思想保守户.
    want = figures(致富明星户=1, 思想保守户=1, 思想保守户数=1, 入户访谈=2, 应访谈月数=22, 实访谈月数=2,
                   应记日记月数=22, 实记日记月数=3)
    check(run, {"下营村": want, "合计": want})
    accounted(run, {"宋海.xlsx": 3, "下营村.xlsx": 5},
              {"宋海.xlsx": {"duplicate": 3}, "下营村.xlsx": {"counted": 5}})
    told = [i for i in run.json["issues"] if i["code"] == "duplicate-card"]
    assert [i["file"] for i in told] == ["宋海.xlsx"]  # the copy giving the day is the one counted
    assert "结对日期这里只写到月（联户卡!N3）" in told[0]["message"] and "2010-03-05" in told[0]["message"]


def test_a_month_period_counts_the_card_whose_copies_disagree_only_on_the_day(tmp_path):
    """--period 2010-03: the card is linked by the month's end in both readings (the 1st and the
    5th), so it counts, with its March visit: 1 month expected, 1 met."""
    write_book(tmp_path / "收集" / "a.xlsx", [card("A", 结对日期="2010年3月")], [diary("A", D(2010, 3, 6))])
    write_book(tmp_path / "收集" / "b.xlsx", [card("A", 结对日期=D(2010, 3, 5))], [])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010-03")
    assert run.exit_code == 0, run.json["issues"]
    want = figures(致富明星户=1, 入户访谈=1, 应访谈月数=1, 实访谈月数=1, 应记日记月数=1, 实记日记月数=1)
    check(run, {"下营村": want, "合计": want})


def test_copies_giving_two_different_days_still_conflict(tmp_path):
    """A month alone agrees with any day of it; two days (2010-3-5, 2010-3-9) do not, whichever
    copy comes first: `conflicting-card`, every copy out, as the standard says."""
    for order in ("ab", "ba"):
        days = {"a": D(2010, 3, 5), "b": D(2010, 3, 9)}
        folder = tmp_path / order
        write_book(folder / f"1{order[0]}.xlsx", [card("A", 结对日期=days[order[0]])], [])
        write_book(folder / "2.xlsx", [card("A", 结对日期="2010年3月")], [])
        write_book(folder / f"3{order[1]}.xlsx", [card("A", 结对日期=days[order[1]])], [])
        run = Run(folder, tmp_path / f"{order}.xlsx", "--period", "2010")
        assert run.exit_code == 1
        assert sorted(i["code"] for i in run.json["issues"]) == ["conflicting-card"] * 3
        assert run.json["total"]["致富明星户"] == 0


def _township(tmp_path, name: str, village: str, no: str, bad: bool) -> None:
    """``name``'s 汇总表 of one village, one card and a March visit (and, when ``bad``, a visit
    dated 2010.9.31, left out: its 汇总表 says so in red)."""
    diaries = [diary(no, D(2010, 3, 6))] + ([diary(no, "2010.9.31")] if bad else [])
    write_book(tmp_path / name / f"{village}.xlsx", [card(no, 村=village)], diaries)
    run = CliRunner().invoke(cli, ["consolidate", str(tmp_path / name), "-o", str(tmp_path / "县" / f"{name}汇总表.xlsx"),
                                   "--period", "2010", "--title", name, "--no-cache"])
    assert run.exit_code == (1 if bad else 0), run.output


def test_a_townships_repeated_sheet_is_not_one_more_township_with_rows_left_out(tmp_path):
    """甲乡's 汇总表 (a row left out) arrived twice (甲乡汇总表 - 副本.xlsx, the same figures): the
    roll-up counts it once (totals-duplicate). The red line said “2 份汇总表注明有行未计入”: one
    township had left rows out, and its repeat adds nothing to the figures."""
    _township(tmp_path, "甲乡", "下营村", "XY-001", bad=True)
    _township(tmp_path, "乙乡", "沙河村", "SH-001", bad=False)
    shutil.copy(tmp_path / "县" / "甲乡汇总表.xlsx", tmp_path / "县" / "甲乡汇总表 - 副本.xlsx")
    run = Run(tmp_path / "县", tmp_path / "县汇总表.xlsx", "--period", "2010", "--title", "县")
    assert run.exit_code == 0
    # each township: one 致富明星户 linked 2010-01-05 (12 months), one 入户访谈 in March
    town = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    both = figures(致富明星户=2, 入户访谈=2, 应访谈月数=24, 实访谈月数=2, 应记日记月数=24, 实记日记月数=2)
    check(run, {"乙乡": town, "甲乡": town, "合计": both})
    said = [str(r[0]) for r in run.sheet("汇总") if r and r[0] and "注明有行未计入" in str(r[0])]
    assert len(said) == 1 and "其中 1 份汇总表注明有行未计入" in said[0], said
