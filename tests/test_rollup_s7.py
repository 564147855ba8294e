"""Session 7: a county's roll-up of township 汇总表 counted by hand, where one township made its sheet
for another period, one sent its sheet twice, and one village's book was consolidated in two
townships.

The standard: "Totals workbooks consolidate again, the same way: several townships' 汇总 sheets into
a county's, the rates recomputed from the counts". docs/consolidate.md (县、市汇总): each sheet's 合计
row is added; the same township twice with the same figures counts once; a sheet for another period
is not counted. A village standing in two townships' sheets is added twice by those words (the
county cannot tell which township it belongs to), so the figures below follow them; what the county
must be told is that it happened (``totals-same-village``, at each such row's 单位 cell).

The books (every card linked 2010-01-05, so each expects 12 months in 2010):
  下营村.xlsx   A 乡干部→致富明星户, B 村干部→思想保守户 (是否转化 是);
                A 2010-03-06 入户访谈; B 2010-05-06 入户访谈, 服务 政策宣传
                → star 1, conservative 1 (converted 1), interviews 2, services 1, months 24, met 2, diary 2
  汪家墩村.xlsx W1 党员→经济落后户; W1 2010-04-01 入户访谈, 担保贷款 5000
                → backward 1, interviews 1, loans 5000, months 12, met 1, diary 1
  倪家营村.xlsx N1 致富明星户; N1 2010-09-01 入户访谈 → star 1, interviews 1, months 12, met 1, diary 1
  江淮村.xlsx   J1 村干部→思想保守户 (否); J1 2010-06-06 电话联系, 帮耕帮畜 2
                → conservative 1 (converted 0), plough 2, months 12, met 0, diary 1
The townships:
  甲乡 2010 = 下营村 + 汪家墩村; 乙乡 2010年第三季度 = 倪家营村; 丙乡 2010 = 倪家营村, its sheet sent
  twice (丙乡汇总表.xlsx and a "- 副本" copy); 丁乡 2010 = 下营村 (the same book 甲乡 has) + 江淮村.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from bookfactory import card, diary, write_book
from test_hand_counts import Run, accounted, check, figures

from lianhu_xl.consolidate import consolidate
from lianhu_xl.period import parse_period
from lianhu_xl.totals_book import write_totals

D = dt.date

BOOKS = {
    "下营村.xlsx": ([card("A"), card("B", 联系人="宋海", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="是")],
                   [diary("A", D(2010, 3, 6)), diary("B", D(2010, 5, 6), 服务类别="政策宣传")]),
    "汪家墩村.xlsx": ([card("W1", 村="汪家墩村", 社="五社", 联系人="李胜", 联系人类别="党员", 联系户类型="经济落后户",
                          **{"基期人均纯收入(元)": 2000})],
                     [diary("W1", D(2010, 4, 1), **{"担保贷款(元)": 5000})]),
    "倪家营村.xlsx": ([card("N1", 村="倪家营村", 社="四社")], [diary("N1", D(2010, 9, 1))]),
    "江淮村.xlsx": ([card("J1", 村="江淮村", 社="一社", 联系人="缪红荣", 联系人类别="村干部", 联系户类型="思想保守户",
                        是否转化="否")],
                   [diary("J1", D(2010, 6, 6), 形式="电话联系", **{"帮耕帮畜(次)": 2})]),
}


def township(root: Path, name: str, books: list[str], period: str, out: Path) -> Path:
    folder = root / "乡镇" / name
    for book in books:
        write_book(folder / book, *BOOKS[book])
    return write_totals(consolidate([folder], period=parse_period(period), title=name), out)


def county(root: Path) -> Path:
    folder = root / "县"
    township(root, "甲乡", ["下营村.xlsx", "汪家墩村.xlsx"], "2010", folder / "甲乡汇总表.xlsx")
    township(root, "乙乡", ["倪家营村.xlsx"], "2010Q3", folder / "乙乡汇总表.xlsx")
    township(root, "丙乡", ["倪家营村.xlsx"], "2010", folder / "丙乡汇总表.xlsx")
    shutil.copy(folder / "丙乡汇总表.xlsx", folder / "丙乡汇总表 - 副本.xlsx")
    township(root, "丁乡", ["下营村.xlsx", "江淮村.xlsx"], "2010", folder / "丁乡汇总表.xlsx")
    return folder


# 甲乡: 下营村 + 汪家墩村
JIA = figures(致富明星户=1, 思想保守户=1, 经济落后户=1, 入户访谈=3, 提供服务=1, 担保贷款=5000, 转化户数=1,
              应访谈月数=36, 实访谈月数=3, 应记日记月数=36, 实记日记月数=3)
# 丙乡: 倪家营村
BING = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
# 丁乡: 下营村 + 江淮村 (2 思想保守户, B converted, J1 not; J1's phone call is a diary month, no interview)
DING = figures(致富明星户=1, 思想保守户=2, 入户访谈=2, 提供服务=1, 帮耕帮畜=2, 转化户数=1, 应访谈月数=36,
               实访谈月数=2, 应记日记月数=36, 实记日记月数=3)
# the county: 甲乡 + 丙乡 (once) + 丁乡; 乙乡's quarter is not added to a year
COUNTY = figures(致富明星户=3, 思想保守户=3, 经济落后户=1, 入户访谈=6, 提供服务=2, 担保贷款=5000, 帮耕帮畜=2,
                 转化户数=2, 应访谈月数=84, 实访谈月数=6, 应记日记月数=84, 实记日记月数=7)


def test_the_county_adds_each_township_once_for_its_period_and_tells_the_village_counted_in_two(tmp_path):
    run = Run(county(tmp_path), tmp_path / "县汇总表.xlsx", "--period", "2010", "--title", "临泽县")
    assert run.exit_code == 1  # 乙乡's sheet is not counted: an error
    # units in name order (丁 U+4E01 < 丙 U+4E19 < 甲 U+7532); rates recomputed: 转化率 2/3, 访谈 6/84
    assert COUNTY["转化率"] == 2 / 3 and COUNTY["访谈达标率"] == 6 / 84
    check(run, {"丁乡": DING, "丙乡": BING, "甲乡": JIA, "合计": COUNTY})
    # one row read per sheet: 甲乡 丁乡 and one 丙乡 counted, the other 丙乡 a repeat, 乙乡 left out
    accounted(run, dict.fromkeys(["甲乡汇总表.xlsx", "乙乡汇总表.xlsx", "丙乡汇总表.xlsx", "丙乡汇总表 - 副本.xlsx",
                                  "丁乡汇总表.xlsx"], 1),
              {"甲乡汇总表.xlsx": {"counted": 1}, "丁乡汇总表.xlsx": {"counted": 1}, "乙乡汇总表.xlsx": {"excluded": 1},
               "丙乡汇总表.xlsx": {"counted": 1}, "丙乡汇总表 - 副本.xlsx": {"duplicate": 1}})
    # the copy is the one told as the repeat (it sorted first, and the clerk was told the original
    # was the repeat of its copy: a clerk deleting it would keep the copy)
    (repeat,) = [i for i in run.json["issues"] if i["code"] == "totals-duplicate"]
    assert repeat["file"] == "丙乡汇总表 - 副本.xlsx" and "丙乡汇总表.xlsx" in repeat["message"]
    issues = run.json["issues"]
    period = [i for i in issues if i["code"] == "totals-period-mismatch"]
    assert [(i["file"], i["severity"]) for i in period] == [("乙乡汇总表.xlsx", "error")]
    assert "2010年第三季度" in period[0]["message"]
    # 下营村 stands in 甲乡's and 丁乡's sheets (row 5: header in row 4, 下营村 sorts first), the
    # same in every column: each row is told, naming the other sheet, in Chinese, with what to do
    shared = sorted((i["file"], i["sheet"], i["cell"], i["severity"]) for i in issues
                    if i["code"] == "totals-same-village")
    assert shared == [("丁乡汇总表.xlsx", "汇总", "A5", "warning"), ("甲乡汇总表.xlsx", "汇总", "A5", "warning")]
    ding = next(i["message"] for i in issues if i["code"] == "totals-same-village" and i["file"] == "丁乡汇总表.xlsx")
    assert ding.startswith("汇总!A5：“下营村”") and "甲乡汇总表.xlsx（甲乡）" in ding
    assert "算了两次" in ding and "移出这本登记簿" in ding
    # 倪家营村 is in 丙乡's two copies (one township sent twice, told as such) and in 乙乡's quarter
    # (not counted): neither is a village counted in two townships
    assert not [i for i in issues if i["code"] == "totals-same-village" and "倪家营村" in i["message"]]


def test_two_villages_of_one_name_with_different_figures_are_not_told(tmp_path):
    """Village names repeat across townships (every county has a 新村): only the same figures in
    every column point to one book counted twice."""
    folder = tmp_path / "县"
    for name, visits in (("甲乡", 1), ("乙乡", 2)):
        books = tmp_path / "乡镇" / name
        write_book(books / "新村.xlsx", [card("X", 村="新村")], [diary("X", D(2010, m, 6)) for m in range(1, visits + 1)])
        write_totals(consolidate([books], period=parse_period("2010"), title=name), folder / f"{name}汇总表.xlsx")
    run = Run(folder, tmp_path / "县汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0
    assert not [i for i in run.json["issues"] if i["severity"] != "notice"]
    # 1 star each; interviews 1 + 2 = 3 of 24 months; both rows stand, each with its own figures
    jia = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    yi = figures(致富明星户=1, 入户访谈=2, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12, 实记日记月数=2)
    both = figures(致富明星户=2, 入户访谈=3, 应访谈月数=24, 实访谈月数=3, 应记日记月数=24, 实记日记月数=3)
    check(run, {"乙乡": yi, "甲乡": jia, "合计": both})


def test_the_same_villages_book_in_two_townships_is_told_on_the_county_into_prefecture_too(tmp_path):
    """One level up the units are townships: a township's sheet rolled into two counties is told the
    same way, at its row in each county's sheet."""
    counties = tmp_path / "市"
    for name, towns in (("临泽县", ["甲乡"]), ("高台县", ["甲乡", "丁乡"])):
        folder = tmp_path / name / "各乡汇总表"
        for town in towns:
            books = ["下营村.xlsx", "汪家墩村.xlsx"] if town == "甲乡" else ["江淮村.xlsx"]
            township(tmp_path / name, town, books, "2010", folder / f"{town}汇总表.xlsx")
        write_totals(consolidate([folder], title=name), counties / f"{name}汇总表.xlsx")
    run = Run(counties, tmp_path / "市汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0
    shared = sorted((i["file"], i["cell"]) for i in run.json["issues"] if i["code"] == "totals-same-village")
    # the county sheets list their townships by name: 甲乡 is 临泽县's row 5, 高台县's row 6 (丁乡 first)
    assert shared == [("临泽县汇总表.xlsx", "A5"), ("高台县汇总表.xlsx", "A6")]
    # figures as the standard adds them: 甲乡 twice and 丁乡's 江淮村 (1 思想保守户 of its own)
    assert run.json["total"]["致富明星户"] == 2 and run.json["total"]["思想保守户"] == 3
