"""Session 7: a township's figures counted by hand from the standard, for the shapes a collection
folder takes when several people send books about the same households.

Each test writes the books, says in comments how workbook-standard.md ("How totals are counted",
"Duplicates") gives each figure, writes the figures as literal numbers, runs ``lianhu consolidate``
as a clerk does and checks the 汇总 sheet, the JSON, the 按月 and 三个一 sheets where they matter,
and that every row read is counted or listed in 未计入 (helpers from tests/test_hand_counts.py).
The last test counts random collections of books with copies, conflicts and errors by the
standard's words, with none of the toolkit's code.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book
from test_hand_counts import Run, accounted, backward, check, conservative, figures

from lianhu_xl.consolidate import consolidate
from lianhu_xl.period import parse_period

D = dt.date


def sheet_rows(run: Run, name: str, first: str) -> list[dict[str, object]]:
    """The rows of a sheet under its header (the row whose first cell is ``first``), as dicts."""
    rows = run.sheet(name)
    at = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return [dict(zip(rows[at], r, strict=False)) for r in rows[at + 1:] if r and r[0]]


def test_one_household_linked_by_cadres_of_two_villages_is_two_cards_each_in_the_households_village(tmp_path):
    """张三 of 下营村六社 is linked by 王明 (乡干部) and by 李胜, a 党员 of 倪家营村's branch: two cards,
    each in the household's village (the card's 村), whatever the linker's own branch."""
    write_book(tmp_path / "收集" / "王明.xlsx", [card("A", 户主="张三")], [diary("A", D(2010, 7, 6))])
    write_book(tmp_path / "收集" / "倪家营村.xlsx", [
        backward("E", 户主="张三", 所属支部="倪家营村党支部"),       # 村 下营村 (the household's)
        backward("N", 村="倪家营村", 社="四社", 户主="李四", 所属支部="倪家营村党支部"),
    ], [diary("E", D(2010, 8, 6)), diary("N", D(2010, 9, 6), 形式="电话联系")])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010Q3")
    # "The same household (村, 社, 户主 …) on two cards is a warning" — a warning leaves nothing out
    assert run.exit_code == 0
    warned = sorted((i["file"], i["cell"]) for i in run.json["issues"] if i["code"] == "duplicate-household")
    assert warned == [("倪家营村.xlsx", "H3"), ("王明.xlsx", "H3")]
    # 下营村: A (star) and E (backward), each Jul–Sep = 6 months; interviews A July, E August = 2.
    # 倪家营村: N (backward) 3 months; its phone call is a diary month, no interview.
    xy = figures(致富明星户=1, 经济落后户=1, 入户访谈=2, 应访谈月数=6, 实访谈月数=2, 应记日记月数=6, 实记日记月数=2)
    nj = figures(经济落后户=1, 应访谈月数=3, 应记日记月数=3, 实记日记月数=1)
    total = figures(致富明星户=1, 经济落后户=2, 入户访谈=2, 应访谈月数=9, 实访谈月数=2, 应记日记月数=9, 实记日记月数=3)
    check(run, {"下营村": xy, "倪家营村": nj, "合计": total})
    accounted(run, {"王明.xlsx": 2, "倪家营村.xlsx": 4}, {"王明.xlsx": {"counted": 2}, "倪家营村.xlsx": {"counted": 4}})
    # 三个一按人: 李胜 links in two villages: a line in each, by the card's 村
    people = sorted((r["村"], r["联系人"], r["联系户数"]) for r in sheet_rows(run, "三个一按人", "村"))
    assert people == [("下营村", "李胜", 1), ("下营村", "王明", 1), ("倪家营村", "李胜", 1)]


def test_a_linker_who_is_a_cadre_and_a_party_member_counts_each_household_by_its_type(tmp_path):
    """宋海 is 村干部 and 党员: as 村干部 he links a 思想保守户, as 党员 an 经济落后户 (both the expected
    pairing: no warning). The 汇总 counts households by 联系户类型, whoever links them."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [
        conservative("B", 联系人="宋海", 是否转化="是"),
        card("C", 联系人="宋海", 联系人类别="党员", 联系户类型="经济落后户", **{"基期人均纯收入(元)": 2000}),
    ], [diary("B", D(2010, 11, 6), 发现问题="不愿调整种植", 是否主要问题="是", 解决办法="讲政策", 办理结果="当场解决"),
        diary("C", D(2010, 12, 6), 服务类别="实用技术、市场信息", **{"办实事(件)": 1})])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010Q4")
    assert run.exit_code == 0
    assert not [i for i in run.json["issues"] if i["severity"] == "warning"]
    # B conservative converted (1 of 1), C backward; Oct–Dec for each = 6 months; interviews B Nov,
    # C Dec; services C = 1; solved main problem B's = 1 (a household, 主要问题已解决户数 1); deeds 1
    row = figures(思想保守户=1, 经济落后户=1, 入户访谈=2, 提供服务=1, 解决主要问题=1, 办实事=1, 转化户数=1,
                  应访谈月数=6, 实访谈月数=2, 应记日记月数=6, 实记日记月数=2, 主要问题已解决户数=1)
    check(run, {"下营村": row, "合计": row})
    # 三个一 per card: each misses October (Q4 is not a year: a solved problem is not asked)
    gaps = {r["卡号"]: (r["应访谈月数"], r["实访谈月数"], r["差距"]) for r in sheet_rows(run, "三个一", "村")}
    assert gaps == {"B": (3, 1, "访谈缺 2 个月：2010年10、12月；日记缺 2 个月：2010年10、12月"),
                    "C": (3, 1, "访谈缺 2 个月：2010年10–11月；日记缺 2 个月：2010年10–11月")}
    # 三个一按人 ("每位联系人", docs/consolidate.md): 宋海 is one person, one line with both his
    # households and both his roles, the months added up (3 + 3 expected, 1 + 1 met)
    people = [(r["联系人"], r["联系人类别"], r["联系户数"], r["达标户数"], r["应访谈月数"], r["实访谈月数"],
               r["本年解决主要问题户数"]) for r in sheet_rows(run, "三个一按人", "村")]
    assert people == [("宋海", "村干部、党员", 2, 0, 6, 2, 1)]


def test_visits_on_the_periods_edges_outside_it_and_dated_ahead_of_today(tmp_path):
    """December 2010 to January 2011 across New Year: rows on its first and last day count, the
    days either side are 统计期外, a row dated in a future month is an error (not counted, listed),
    and a household visited never in the period still expects its months."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [
        card("A"),
        card("Z", 户主="赵六"),                                      # never visited in the period
        card("L", 结对日期=D(2011, 1, 31)),                          # linked on the period's last day
    ], [
        diary("A", D(2010, 11, 30)),                                # the day before: 统计期外
        diary("A", D(2010, 12, 1), 服务类别="政策宣传"),              # first day
        diary("A", dt.datetime(2011, 1, 31, 18, 0), 形式="集中座谈"),  # last day, an evening meeting
        diary("A", D(2011, 2, 1)),                                  # the day after: 统计期外
        diary("A", D(2099, 1, 6)),                                  # in the future: an error
        diary("Z", D(2010, 6, 6)),                                  # before the period: 统计期外
        diary("L", D(2011, 1, 31), **{"担保贷款(元)": "2万"}),          # its link day
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010年12月至2011年1月")
    assert run.exit_code == 1  # the future row is an error: left out
    # cards linked by 2011-01-31: A, Z, L = 3 stars. Rows inside: 12-1 (interview, service),
    # 1-31 (座谈), L's 1-31 (interview, 20000) → 入户访谈 2, 提供服务 1, 担保贷款 20000.
    # Months: A Dec Jan 2, Z Dec Jan 2, L Jan 1 = 5; interviews met A Dec, L Jan = 2; any diary
    # A Dec Jan, L Jan = 3.
    row = figures(致富明星户=3, 入户访谈=2, 提供服务=1, 担保贷款=20000, 应访谈月数=5, 实访谈月数=2, 应记日记月数=5,
                  实记日记月数=3)
    check(run, {"下营村": row, "合计": row})
    # read 3 cards + 7 rows: counted 3 + 3, outside 11-30, 2-1, Z's 6-6, the future row left out
    accounted(run, {"下营村.xlsx": 10}, {"下营村.xlsx": {"counted": 6, "out_of_period": 3, "excluded": 1}})
    (future,) = [e for e in run.json["excluded"] if e["category"] == "未计入"]
    assert (future["row"], future["cell"]) == (7, "B7") and "2099-01-06" in future["reason"]
    # 按月: one line per month of the period, each visit in its own month
    by_month = {r["月份"]: (r["入户访谈"], r["日记条数"], r["提供服务"]) for r in sheet_rows(run, "按月", "月份")
                if r["月份"] != "合计" and str(r["月份"]).startswith("20")}
    assert by_month == {"2010-12": (1, 1, 1), "2011-01": (1, 2, 0)}
    gaps = {r["卡号"]: r["差距"] for r in sheet_rows(run, "三个一", "村")}
    assert gaps == {"A": "访谈缺 1 个月：2011年1月", "L": "",
                    "Z": "访谈缺 2 个月：2010-12至2011-01；日记缺 2 个月：2010-12至2011-01"}


def test_the_cadres_copy_and_the_villages_reviewed_copy_with_one_visit_retyped(tmp_path):
    """宋海's own book and 下营村's collected book both hold cards A, B and three visits: two the
    village copied and its branch reviewed partly (调阅人 only on one, 调阅日期 only on the other),
    one where the village typed another 担保贷款."""
    cards = [conservative("A", 联系人="宋海", 是否转化="是"),
             card("B", 联系人="宋海", 联系人类别="党员", 联系户类型="经济落后户", **{"基期人均纯收入(元)": 2000})]
    write_book(tmp_path / "收集" / "宋海.xlsx", cards, [
        diary("A", D(2010, 7, 1), 服务类别="政策宣传"),
        diary("A", D(2010, 8, 3), 发现问题="缺水", 是否主要问题="是", 解决办法="打井", 办理结果="协调解决"),
        diary("B", D(2010, 9, 30), **{"担保贷款(元)": 3000}),
        diary("B", D(2010, 10, 1)),
    ])
    write_book(tmp_path / "收集" / "下营村.xlsx", [*cards, card("C", 社="五社")], [
        diary("A", D(2010, 7, 1), 服务类别="政策宣传", 调阅人="村支部"),
        diary("A", D(2010, 8, 3), 发现问题="缺水", 是否主要问题="是", 解决办法="打井", 办理结果="协调解决",
              调阅日期=D(2010, 8, 31)),
        diary("B", D(2010, 9, 30), **{"担保贷款(元)": 5000}),
        diary("C", D(2010, 9, 15), 调阅人="乡党委", 调阅日期=D(2010, 9, 1)),  # reviewed "before": a warning
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010Q3")
    assert run.exit_code == 1
    # Cards A, B "same content in every column": counted once; C. → 1 / 1 / 1, A converted.
    # 7-1 and 8-3: "identical in every other column" but for review cells one copy left blank
    # (docs/consolidate.md: not a difference) → counted once each. 9-30: 3000 against 5000,
    # "differing elsewhere … both are left out". 10-1 outside Q3. C's 9-15 counts (a warning).
    # 入户访谈 7-1, 8-3, C 9-15 = 3; 提供服务 1; 解决主要问题 1 (A, a household); 担保贷款 0.
    # Months Jul–Sep × 3 cards = 9; met A Jul Aug, C Sep = 3 (B none: its only Q3 visit is out).
    row = figures(致富明星户=1, 思想保守户=1, 经济落后户=1, 入户访谈=3, 提供服务=1, 解决主要问题=1, 转化户数=1,
                  应访谈月数=9, 实访谈月数=3, 应记日记月数=9, 实记日记月数=3, 主要问题已解决户数=1)
    check(run, {"下营村": row, "合计": row})
    # 宋海.xlsx: 2 cards and 2 visits are repeats, 9-30 left out, 10-1 outside;
    # 下营村.xlsx: counted A B C and 3 visits, its 9-30 left out
    accounted(run, {"宋海.xlsx": 6, "下营村.xlsx": 7},
              {"宋海.xlsx": {"duplicate": 4, "excluded": 1, "out_of_period": 1},
               "下营村.xlsx": {"counted": 6, "excluded": 1}})
    conflict = sorted((i["file"], i["cell"]) for i in run.json["issues"] if i["code"] == "conflicting-diary")
    assert conflict == [("下营村.xlsx", "A5"), ("宋海.xlsx", "A5")]
    # the problem sheet holds 缺水 once (a copy is one visit), solved
    problems = [(r["卡号"], r["发现问题"], r["办理结果"]) for r in sheet_rows(run, "问题", "办理结果")]
    assert problems == [("A", "缺水", "协调解决")]


def test_a_village_whose_every_row_has_an_error_shows_each_row_left_out(tmp_path):
    """汪家墩村 sent a book whose two cards both have an error: nothing of it counts ("a row with an
    error is left out … and a diary row whose card was left out goes with it"), every row is
    listed, and with the roster the village still has its row of zeros."""
    write_book(tmp_path / "收集" / "汪家墩村.xlsx", [
        card("W1", 村="汪家墩村", 社="五社", 联系户类型="富裕户"),
        card("W2", 村="汪家墩村", 社="五社", 结对日期="去年"),
    ], [diary("W1", D(2010, 3, 6)), diary("W2", D(2010, 4, 6))])
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6))])
    roster = tmp_path / "名册.csv"
    roster.write_text("村,社\n下营村,六社\n汪家墩村,五社\n", encoding="utf-8")
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010", "--roster", str(roster))
    assert run.exit_code == 1
    xy = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": xy, "汪家墩村": figures(), "合计": xy})
    accounted(run, {"汪家墩村.xlsx": 4, "下营村.xlsx": 2},
              {"汪家墩村.xlsx": {"excluded": 4}, "下营村.xlsx": {"counted": 2}})
    status = {f["file"]: f["status"] for f in run.json["files"]}
    assert status == {"汪家墩村.xlsx": "未汇总", "下营村.xlsx": "已汇总"}
    cells = sorted((e["sheet"], e["cell"]) for e in run.json["excluded"])
    assert cells == [("联户卡", "I3"), ("联户卡", "N4"), ("联户日记", "A3"), ("联户日记", "A4")]


def test_a_corrected_village_book_replacing_the_old_one_changes_the_figures_exactly(tmp_path):
    """With the cache on (as a clerk runs it), 下营村 sends a corrected book under the same name:
    the figures move exactly as the rows corrected say, and back when the old one returns."""
    cache, folder, out = tmp_path / "缓存", tmp_path / "收集", tmp_path / "汇总表.xlsx"
    write_book(folder / "汪家墩村.xlsx", [backward("W", 村="汪家墩村")], [diary("W", D(2010, 5, 6))])
    old = write_book(tmp_path / "旧" / "下营村.xlsx", [
        card("A"),
        conservative("B", 是否转化="是", 结对日期="2010年13月1日"),     # an error: B and its rows out
    ], [diary("A", "2010年2月30日"),                                  # an error: no such day
        diary("A", D(2010, 4, 6), **{"担保贷款(元)": 3000}),
        diary("B", D(2010, 5, 6), 服务类别="政策宣传")])
    new = write_book(tmp_path / "新" / "下营村.xlsx", [
        card("A"),
        conservative("B", 是否转化="是", 结对日期=D(2010, 3, 1)),
    ], [diary("A", D(2010, 3, 6)),
        diary("A", D(2010, 4, 6), **{"担保贷款(元)": 3000}),
        diary("B", D(2010, 5, 6), 服务类别="政策宣传")])
    ww = figures(经济落后户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    # the old book: A only, its 4-6 visit; B, B's visit and the 3-6 row left out
    xy_old = figures(致富明星户=1, 入户访谈=1, 担保贷款=3000, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    # corrected: A (12 months: Mar, Apr met) and B (linked March: Mar–Dec 10 months, May met),
    # converted 1 of 1, 3 interviews, 1 service
    xy_new = figures(致富明星户=1, 思想保守户=1, 入户访谈=3, 提供服务=1, 担保贷款=3000, 转化户数=1, 应访谈月数=22,
                     实访谈月数=3, 应记日记月数=22, 实记日记月数=3)

    def total(a: dict, b: dict) -> dict:
        counts = {k: a[k] + b[k] for k in a if k not in ("转化率", "访谈达标率", "日记达标率")}
        return figures(**{("担保贷款" if k == "担保贷款(元)" else k): v for k, v in counts.items() if v})

    for book, xy, code, left_out in ((old, xy_old, 1, 3), (new, xy_new, 0, 0), (old, xy_old, 1, 3),
                                     (old, xy_old, 1, 3)):  # the last: nothing changed, remembered
        shutil.copyfile(book, folder / "下营村.xlsx")
        run = Run(folder, out, "--period", "2010", cache=cache)
        assert run.exit_code == code
        check(run, {"下营村": xy, "汪家墩村": ww, "合计": total(xy, ww)})
        accounted(run, {"下营村.xlsx": 5, "汪家墩村.xlsx": 2},
                  {"下营村.xlsx": {"counted": 5 - left_out, "excluded": left_out}, "汪家墩村.xlsx": {"counted": 2}})


# --- random collections: copies, conflicts and errors, counted by the standard's words ------------

TODAY = D(2011, 6, 15)
KINDS = {"致富明星户": "乡干部", "思想保守户": "村干部", "经济落后户": "党员"}
# diary columns one copy may leave blank where the other has a value (docs/consolidate.md: 调阅 and
# the names a diary repeats for the reader's comfort)
FILLED_LATER = ("调阅人", "调阅日期", "调阅意见", "联系人", "户主")
PERIODS = [None, "2010", "2010Q4", "2010-12..2011-01", "2011-02", "2010-06-15..2011-01-10"]


def collection(seed: int, root: Path) -> tuple[dict[str, list], dict[tuple, list]]:
    """Three books about one township's households: each card and visit in one book or two, the
    second copy the same, reviewed, or typed otherwise; a few rows with an error. Returns each
    card's and each visit's copies as (row, has an error)."""
    r = random.Random(seed)

    def day(lo: dt.date, hi: dt.date) -> dt.date:
        return lo + dt.timedelta(days=r.randrange((hi - lo).days + 1))

    cards = []
    for i in range(r.randint(2, 7)):
        kind = r.choice(list(KINDS))
        c = card(f"K{i}", 村=r.choice(["下营村", "汪家墩村", "倪家营村"]), 联系人类别=KINDS[kind], 联系户类型=kind,
                 户主=f"户{i}", 结对日期=day(D(2009, 10, 1), D(2011, 2, 28)))
        if kind == "经济落后户":
            c["基期人均纯收入(元)"] = 2000
        if kind == "思想保守户" and r.random() < .6:
            c["是否转化"] = r.choice(["是", "否"])
        cards.append(c)
    visits = []
    for n in range(r.randint(0, 20)):
        d = diary(r.choice(cards)["卡号"], day(D(2009, 12, 1), TODAY),
                  形式=r.choice(["入户访谈", "入户访谈", "电话联系", "集中座谈"]))
        if r.random() < .4:
            d.update(发现问题=f"问题{n % 4}", 解决办法="办", 办理结果=r.choice(["当场解决", "协调解决", "正在办理", "未解决"]))
            if r.random() < .6:
                d["是否主要问题"] = "是"
        for label, chance, value in (("服务类别", .4, "政策宣传"), ("办实事(件)", .3, r.randint(1, 3)),
                                     ("担保贷款(元)", .3, r.choice([1000, 0.5, 2500])), ("帮耕帮畜(次)", .2, r.randint(1, 2))):
            if r.random() < chance:
                d[label] = value
        visits.append(d)
    books: dict[str, tuple[list, list]] = {f"{n}.xlsx": ([], []) for n in ("宋海", "王明", "下营村")}
    card_copies: dict[str, list] = {}
    visit_copies: dict[tuple, list] = {}
    for c in cards:
        for k, name in enumerate(r.sample(list(books), r.choice([1, 1, 2]))):
            row, broken = dict(c), False
            if k and r.random() < .3:
                row["职务"] = "社长"  # the second copy says more: a conflict
            if r.random() < .08:
                row["联系户类型"], broken = "富裕户", True
            books[name][0].append(row)
            card_copies.setdefault(c["卡号"], []).append((row, broken))
    for d in visits:
        for k, name in enumerate(r.sample(list(books), r.choice([1, 1, 1, 2]))):
            row, broken = dict(d), False
            if k:
                x = r.random()
                if x < .3:
                    row["调阅人"] = "乡党委"  # reviewed: the same visit
                elif x < .45:
                    row["担保贷款(元)"] = 777  # another loan: a conflict
            if r.random() < .06:
                row["帮耕帮畜(次)"], broken = "很多", True
            books[name][1].append(row)
            visit_copies.setdefault((d["卡号"], d["日期"], d["形式"], d.get("发现问题")), []).append((row, broken))
    for name, (card_rows, diary_rows) in books.items():
        r.shuffle(diary_rows)
        write_book(root / name, card_rows, diary_rows)
    return card_copies, visit_copies


def alike(rows: list[dict], later: tuple[str, ...] = ()) -> bool:
    """Every copy says the same in every column (a blank in a ``later`` column says nothing)."""
    for label in set().union(*rows):
        said = {repr(x.get(label)) for x in rows if not (label in later and x.get(label) in (None, ""))}
        if len(said) > 1:
            return False
    return True


def by_the_standard(card_copies: dict[str, list], visit_copies: dict[tuple, list],
                    period: str | None) -> dict[str, dict[str, float]]:
    """"Duplicates" then "How totals are counted", sentence by sentence."""
    def month(day: dt.date) -> int:
        return day.year * 12 + day.month - 1

    def solved(d: dict) -> bool:
        return d.get("是否主要问题") == "是" and d.get("办理结果") in ("当场解决", "协调解决")

    p = parse_period(period) if period else None
    # "The same 卡号 with different content is an error … every copy is left out"; an error in a
    # copy leaves every copy out too (docs/consolidate.md)
    cards = {no: copies[0][0] for no, copies in card_copies.items()
             if not any(b for _, b in copies) and alike([x for x, _ in copies])}
    # diary copies: "identical … counted once; differing elsewhere … both are left out"; "a diary
    # row whose card was left out goes with it"
    visits = [copies[0][0] for key, copies in visit_copies.items()
              if key[0] in cards and not any(b for _, b in copies) and alike([x for x, _ in copies], FILLED_LATER)]
    latest = max((d["日期"] for d in visits), default=None)
    last = min(month(p.end), month(TODAY)) if p else (month(latest) if latest else None)
    units: dict[str, dict[str, float]] = {}
    for no, c in cards.items():
        u = units.setdefault(c["村"], {})
        rows = [d for d in visits if d["卡号"] == no and (p is None or p.start <= d["日期"] <= p.end)]
        for d in rows:  # "the diary rows counted are those dated inside it"
            for label, value in (("入户访谈", d["形式"] == "入户访谈"), ("提供服务", bool(d.get("服务类别"))),
                                 ("解决主要问题", solved(d)), ("办实事", d.get("办实事(件)") or 0),
                                 ("担保贷款(元)", d.get("担保贷款(元)") or 0), ("帮耕帮畜", d.get("帮耕帮畜(次)") or 0)):
                u[label] = u.get(label, 0) + value
        if p and c["结对日期"] > p.end:  # "cards counted are those linked by the period's end"
            continue
        kind = c["联系户类型"]
        u[kind] = u.get(kind, 0) + 1
        if kind == "思想保守户":
            u["思想保守户数"] = u.get("思想保守户数", 0) + 1
            u["转化户数"] = u.get("转化户数", 0) + (c.get("是否转化") == "是")
        first = max(month(p.start), month(c["结对日期"])) if p else month(c["结对日期"])
        expected = set(range(first, last + 1)) if last is not None else set()
        for label in ("应访谈月数", "应记日记月数"):
            u[label] = u.get(label, 0) + len(expected)
        u["实访谈月数"] = u.get("实访谈月数", 0) + len({month(d["日期"]) for d in rows if d["形式"] == "入户访谈"}
                                                   & expected)
        u["实记日记月数"] = u.get("实记日记月数", 0) + len({month(d["日期"]) for d in rows} & expected)
        u["主要问题已解决户数"] = u.get("主要问题已解决户数", 0) + any(solved(d) for d in rows)
    return units


@pytest.mark.parametrize("seed", range(6))
def test_random_collections_with_copies_conflicts_and_errors_counted_by_the_standards_words(tmp_path, seed):
    card_copies, visit_copies = collection(seed, tmp_path / "收集")
    for period in PERIODS:
        c = consolidate([tmp_path / "收集"], period=parse_period(period) if period else None, today=TODAY)
        assert all(a.balanced for a in c.accounts.values())  # every row counted or listed
        want = by_the_standard(card_copies, visit_copies, period)
        got = {u.unit: u.counts() for u in c.units}
        for unit in sorted(set(got) | set(want)):  # a village all left out has no row
            for label, value in got.get(unit, {}).items():
                assert value == pytest.approx(want.get(unit, {}).get(label, 0), abs=1e-9), (period, unit, label)
            assert set(want.get(unit, {})) <= set(got.get(unit, {})) or not any(want[unit].values()), (period, unit)
