"""Session 6: books typed the way township cadres type them, each consolidated and compared with a
count made by hand from the standard; every row read is counted or listed in 未计入.

汪家墩村's book: sub-heading rows merged across the sheet (一、致富明星户 …) and a blank row inserted
between the blocks, 村 merged down over each block, a full-width 卡号 with a trailing space, dates
as text in mixed styles, numbers with their units (5口, 6人, 500元, 2万元, 2次, 1件), 户主 typed
with a space in the diary but not on the card, a 合计 line with a household and a visit typed under
it later, and December's visit typed on a copied sheet Excel named 联户日记 (2).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from conftest import needs_libreoffice
from realworld_books import counts_of, hand, libreoffice_save, sheet_rows, totals_rows

from lianhu_xl.cli import cli

D = dt.date
CARD_HEADER = ["序号", "卡号", "联系人", "联系人类别", "职务", "村", "社", "户主", "联系户类型", "家庭人口", "结对日期",
               "基期人均纯收入（元）", "主要问题", "是否转化", "备注"]
DIARY_HEADER = ["卡号", "日期", "户主", "形式", "服务类别", "发现问题", "是否主要问题", "解决办法", "办理结果",
                "办实事（件）", "担保贷款（元）", "帮耕帮畜（次）"]


def wangjiadun_book(path: Path) -> dict[str, float]:
    """汪家墩村's book as its clerk extended it over the year. Returns the 2010 hand count."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(["汪家墩村联户卡（2010年）"])
    ws.merge_cells("A1:O1")
    ws.append(CARD_HEADER)
    ws.append(["一、致富明星户"])                                                   # row 3
    ws.merge_cells("A3:O3")
    ws.append([1, "WJ-01", "王明", "乡干部", "乡长", "汪家墩村", "五社", "王一", "致富明星户", "5口",
               "2010年1月8日", None, "缺市场信息"])
    ws.append([2, "ＷＪ－０２ ", "李华", "乡干部", "副乡长", None, "五社", "王二", "致富明星户", 4, "2010.1.8",
               None, "缺技术"])
    ws.merge_cells("F4:F5")                                                          # 村 over the block
    ws.append([])                                                                    # row 6: inserted, blank
    ws.append(["二、思想保守户"])
    ws.merge_cells("A7:O7")
    ws.append([3, "WJ-03", "赵六", "社干部", "社长", "汪家墩村", "五社", "王三", "思想保守户", 3, "2010/3/1",
               None, "不愿贷款", "√"])
    ws.append([4, "WJ-04", "赵六", "社干部", "社长", None, "五社", "王四", "思想保守户", 3, "2010-3-1", None,
               "观念旧", "N"])
    ws.merge_cells("F8:F9")
    ws.append(["三、经济落后户"])
    ws.merge_cells("A10:O10")
    ws.append([5, "WJ-05", "刘五", "党员", None, "汪家墩村", "五社", "王五", "经济落后户", "6人", "2010.7.15",
               "1800元", "缺劳力"])
    ws.append(["合计", None, None, None, None, None, None, None, "5户"])             # row 12
    ws.append([6, "WJ-06", "刘五", "党员", None, "汪家墩村", "五社", "王六", "经济落后户", 2, "2010年11月1日",
               "1,500", "缺资金"])                                                   # typed under the 合计 later
    d = wb.create_sheet("联户日记")
    d.append(DIARY_HEADER)
    for row in [
        ["WJ-01", "2010.1.20", "王 一", "入户访谈", "市场信息", None, None, None, None, "1件", None, None],
        ["WJ-02", "2010年2月3日", "王二", "入户访谈", None, None, None, None, None, None, "500元", "2次"],
        ["WJ-03", D(2010, 3, 31), "王三", "入户访谈", "政策宣传", "不愿贷款", "√", "讲政策", "当场解决", None, None,
         None],
        ["WJ-04", "2010-03-31", "王四", "电话联系", None, None, None, None, None, None, None, None],
        ["WJ-05", "2010/7/20", "王五", "入户访谈", None, "缺劳力", "是", "组织帮工", "协调解决", None, None, "3次"],
        ["WJ-06", "2010.11.5", "王六", "入户访谈", None, None, None, None, None, None, "2万元", None],
        ["合计", None, None, None, None, None, None, None, None, 1, 20500, 5],        # row 8
        ["WJ-05", "2010.12.31", "王五", "入户访谈", "实用技术", None, None, None, None, None, None, None],
    ]:
        d.append(row)
    copy = wb.create_sheet("联户日记 (2)")  # Excel's name for a copied sheet: not read, and said
    copy.append(DIARY_HEADER)
    copy.append(["WJ-01", "2010.12.6", "王一", "入户访谈", None, None, None, None, None, None, None, None])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    # Cards: WJ-01 WJ-02 (Jan 8) 致富明星户; WJ-03 (√) WJ-04 (N) 思想保守户, linked Mar 1; WJ-05 (Jul 15)
    # and WJ-06 (Nov 1, under the 合计 line) 经济落后户. 转化 1 of 2.
    # Months: 12 + 12 + 10 + 10 + 6 + 2 = 52.
    # Diary rows read on 联户日记: 7 (the 合计 line skipped). 入户访谈: all but WJ-04's phone call = 6.
    # 提供服务: WJ-01 市场信息, WJ-03 政策宣传, WJ-05 Dec 实用技术 = 3. 解决主要问题: WJ-03 √ 当场解决,
    # WJ-05 是 协调解决 = 2. 办实事 1; 担保贷款 500 + 20000; 帮耕帮畜 2 + 3.
    # Interview months met: WJ-01 Jan, WJ-02 Feb, WJ-03 Mar, WJ-05 Jul and Dec, WJ-06 Nov = 6; diary
    # months add WJ-04's March = 7. 联户日记 (2) is not a sheet of the standard: its visit is not counted.
    return hand(致富明星户=2, 思想保守户=2, 经济落后户=2, 入户访谈=6, 提供服务=3, 解决主要问题=2, 办实事=1,
                担保贷款=20500, 帮耕帮畜=5, 转化户数=1, 思想保守户数=2, 应访谈月数=52, 实访谈月数=6,
                应记日记月数=52, 实记日记月数=7, 主要问题已解决户数=2)


def run_json(folder: Path, out: Path, *extra: str) -> tuple[int, dict]:
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "--json", "-q", "-j", "1",
                                      "--no-cache", *extra])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, json.loads(result.stdout)


def test_a_village_book_extended_over_the_year_gives_the_hand_counted_totals(tmp_path):
    want = wangjiadun_book(tmp_path / "收集" / "汪家墩村.xlsx")
    out = tmp_path / "汇总表.xlsx"
    code, data = run_json(tmp_path / "收集", out, "--period", "2010")
    assert code == 1  # the copied diary sheet is an error: the clerk must move its rows
    rows = totals_rows(out)
    assert list(rows) == ["汪家墩村", "合计"]  # the merged 村 belongs to every card of its block
    assert counts_of(rows["汪家墩村"]) == want
    assert counts_of(rows["合计"]) == want
    said = [(i["severity"], i["code"], i["sheet"], i["cell"]) for i in data["issues"]]
    # the headings and the blank row are no rows; 王 一 is 王一; only the 合计 lines and the copy are said
    assert sorted(said) == [("error", "lookalike-sheet", "联户日记 (2)", "A1"),
                            ("notice", "totals-row", "联户卡", "A12"), ("notice", "totals-row", "联户日记", "A8")]
    (copied,) = [i for i in data["issues"] if i["code"] == "lookalike-sheet"]
    assert "改名为“联户日记”" in copied["message"] and "移进去" in copied["message"]
    # every row read is counted or listed: 6 cards + 7 visits counted, the two 合计 lines listed,
    # and the copied sheet nobody read named last (未读取)
    listed = {(r[0], r[2], r[3]) for r in sheet_rows(out, "未计入")[3:] if r[0] and r[1]}
    assert listed == {("合计行", "联户卡", 12), ("合计行", "联户日记", 8), ("未读取", "联户日记 (2)", None)}
    (source,) = data["files"]
    assert (source["card_rows"], source["diary_rows"]) == (7, 8)
    assert source["rows"] == {"read": 15, "counted": 13, "duplicate": 0, "excluded": 0, "out_of_period": 0,
                              "totals_rows": 2}
    assert source["status"] == "部分汇总" and "联户日记 (2)" in source["why"]


def test_the_same_book_for_the_second_half_counts_the_late_cards_and_the_last_day(tmp_path):
    wangjiadun_book(tmp_path / "收集" / "汪家墩村.xlsx")
    out = tmp_path / "汇总表.xlsx"
    code, data = run_json(tmp_path / "收集", out, "--period", "2010-07-01..2010-12-31")
    assert code == 1
    # All six cards linked by Dec 31. Rows Jul 1 – Dec 31: WJ-05 Jul 20 (main problem solved, 3次),
    # WJ-06 Nov 5 (2万元), WJ-05 Dec 31 (the last day, 实用技术). Months Jul–Dec: 6 × 5 cards linked
    # before July (WJ-05 is linked in July) + WJ-06 Nov–Dec 2 = 32. Met: WJ-05 Jul Dec, WJ-06 Nov = 3.
    want = hand(致富明星户=2, 思想保守户=2, 经济落后户=2, 入户访谈=3, 提供服务=1, 解决主要问题=1,
                担保贷款=20000, 帮耕帮畜=3, 转化户数=1, 思想保守户数=2, 应访谈月数=32, 实访谈月数=3,
                应记日记月数=32, 实记日记月数=3, 主要问题已解决户数=1)
    assert counts_of(totals_rows(out)["合计"]) == want
    # the four first-half visits are 统计期外, listed; the cards all count
    (source,) = data["files"]
    assert source["rows"] == {"read": 15, "counted": 9, "duplicate": 0, "excluded": 0, "out_of_period": 4,
                              "totals_rows": 2}
    outside = sorted(r[3] for r in sheet_rows(out, "未计入")[3:] if r[0] == "统计期外")
    assert outside == [2, 3, 4, 5]


def test_a_blank_review_copy_and_a_visit_typed_twice_in_one_diary(tmp_path):
    """The cadre typed his March visit twice (once on the day, once again copying from his notebook,
    the date as text the second time, 3000元 for 3000) and the branch's copy of his book carries
    the review. One visit: counted once, the branch's copy the one kept; both repeats listed."""
    folder = tmp_path / "收集"
    visit = {"服务类别": "政策宣传", "担保贷款(元)": 3000}
    write_book(folder / "一社王明.xlsx", [card("A")], [
        diary("A", D(2010, 3, 6), **visit),
        diary("A", "2010年3月6日", 服务类别="政策宣传", **{"担保贷款(元)": "3000元"}),
    ])
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", D(2010, 3, 6), 调阅人="宋书记", 调阅意见="已阅", **visit)])
    out = tmp_path / "汇总表.xlsx"
    code, data = run_json(folder, out, "--period", "2010")
    assert code == 0
    # one card, one visit: 入户访谈 1, 提供服务 1, 担保贷款 3000; 12 months, March met
    assert counts_of(totals_rows(out)["合计"]) == hand(致富明星户=1, 入户访谈=1, 提供服务=1, 担保贷款=3000,
                                                        应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    # the card (no review column) is kept from the first file; the visit from the reviewed copy
    rows = {Path(f["file"]).name: f["rows"] for f in data["files"]}
    assert rows["下营村.xlsx"] == {"read": 2, "counted": 1, "duplicate": 1, "excluded": 0, "out_of_period": 0,
                                   "totals_rows": 0}
    assert rows["一社王明.xlsx"] == {"read": 3, "counted": 1, "duplicate": 2, "excluded": 0, "out_of_period": 0,
                                     "totals_rows": 0}
    repeats = sorted((r[1], r[2], r[3]) for r in sheet_rows(out, "未计入")[3:] if r[0] == "重复")
    assert repeats == [("一社王明.xlsx", "联户日记", 3), ("一社王明.xlsx", "联户日记", 4), ("下营村.xlsx", "联户卡", 3)]


def test_card_numbers_that_lost_their_leading_zeros_are_told_so(tmp_path):
    """The card sheet's 卡号 column is text (001, 002); the diary's is 常规, where Excel turns 001
    into 1. "卡号 ... must name a card in the same consolidation": 1 names none, so the visits are
    left out and listed; the message says which card it looks like and why (it said only 核对卡号,
    while the clerk's diary shows the very 1 the clerk remembers typing as 001)."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("001"), card("002", 户主="李二"), card("A-010", 户主="李三")],
               [diary(1, D(2010, 3, 6)), diary("002", D(2010, 3, 7)), diary(2.0, D(2010, 4, 7)),
                diary(10, D(2010, 4, 8))])
    out = tmp_path / "汇总表.xlsx"
    code, data = run_json(tmp_path / "收集", out, "--period", "2010")
    assert code == 1
    # counted: three cards (36 months) and 002's March visit typed as text
    assert counts_of(totals_rows(out)["合计"]) == hand(致富明星户=3, 入户访谈=1, 应访谈月数=36, 实访谈月数=1,
                                                        应记日记月数=36, 实记日记月数=1)
    told = {i["cell"]: i["message"] for i in data["issues"] if i["code"] == "unknown-card"}
    assert set(told) == {"A3", "A5", "A6"}
    assert "联户卡上是“001”" in told["A3"] and "Excel 去掉了数字前面的 0" in told["A3"]
    assert "联户卡上是“002”" in told["A5"]
    assert "Excel" not in told["A6"]  # 10 is not A-010 with its zeros lost: nothing to suggest
    listed = sorted(r[3] for r in sheet_rows(out, "未计入")[3:] if r[0] == "未计入")
    assert listed == [3, 5, 6]


def test_a_diary_with_a_date_recorded_column_before_the_date_column_counts_the_visit_dates(tmp_path):
    """The branch's diary form has 记录日期 (when the entry was written up, at month end) before
    日期 (the contact). The standard's 日期 is "date of the contact": the column titled 日期 is it,
    and 记录日期 is the form's own extra column (a warning, kept nowhere). It was read as 日期
    because it came first, and the visits moved into the months they were written up in."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    from bookfactory import CARD_LABELS

    ws.append(CARD_LABELS)
    ws.append([card("A", 结对日期=D(2010, 1, 5)).get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append(["卡号", "记录日期", "日期", "形式", "担保贷款（元）"])
    d.append(["A", D(2010, 3, 31), D(2010, 3, 6), "入户访谈", None])
    d.append(["A", "2010.4.2", "2010.3.28", "入户访谈", "2000元"])
    d.append(["A", "2010.5.3", "2010.4.29", "电话联系", None])
    (tmp_path / "收集").mkdir()
    wb.save(tmp_path / "收集" / "下营村.xlsx")
    out = tmp_path / "汇总表.xlsx"
    code, data = run_json(tmp_path / "收集", out, "--period", "2010-03")
    assert code == 0
    # March: the visits of 3-6 and 3-28 (2000元); the phone call of 4-29 is April's.
    assert counts_of(totals_rows(out)["合计"]) == hand(致富明星户=1, 入户访谈=2, 担保贷款=2000, 应访谈月数=1,
                                                        实访谈月数=1, 应记日记月数=1, 实记日记月数=1)
    assert [(i["code"], i["cell"]) for i in data["issues"]] == [("unknown-column", "B1")]
    code, data = run_json(tmp_path / "收集", tmp_path / "全年.xlsx", "--period", "2010")
    # 2010: 12 months; interviews met in March only; diary rows in March and April
    assert counts_of(totals_rows(tmp_path / "全年.xlsx")["合计"]) == hand(
        致富明星户=1, 入户访谈=2, 担保贷款=2000, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=2)


def test_two_amounts_typed_in_one_cell_are_an_error_not_twenty_million(tmp_path):
    """A cadre who arranged two loans on one visit types both in the cell: 2000 3000, or with the
    Chinese comma 2000，3000. The standard reads thousands separators (3,000) — groups of three
    digits — not a list: the cell cannot be read, an error at it, the row left out and listed. It
    was read as 20003000: a township's loans off by twenty million yuan, with no word said."""
    loans = ["2000 3000", "2000，3000", "0,5万", "3 000", "12,000元", "1,200.50"]
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")],
               [diary("A", D(2010, 3, n + 1), 形式="电话联系", **{"担保贷款(元)": typed}) for n, typed in enumerate(loans)])
    out = tmp_path / "汇总表.xlsx"
    code, data = run_json(tmp_path / "收集", out, "--period", "2010")
    assert code == 1
    # counted: 3 000 (3000), 12,000元 (12000), 1,200.50 — thousands separators; 16200.5 in all
    total = totals_rows(out)["合计"]
    assert total["担保贷款(元)"] == 16200.5
    assert total["实记日记月数"] == 1
    bad = [(i["code"], i["cell"], i["value"]) for i in data["issues"]]
    letter = chr(ord("A") + __import__("bookfactory").DIARY_LABELS.index("担保贷款(元)"))
    assert bad == [("bad-number", f"{letter}3", "2000 3000"), ("bad-number", f"{letter}4", "2000，3000"),
                   ("bad-number", f"{letter}5", "0,5万")]
    listed = sorted(r[3] for r in sheet_rows(out, "未计入")[3:] if r[0] == "未计入")
    assert listed == [3, 4, 5]


@needs_libreoffice
def test_the_village_book_saved_again_by_libreoffice_gives_the_same_count(tmp_path):
    """Opened and saved in LibreOffice (as WPS users do): the merged headings, the merged 村, the
    units and the copied sheet are rewritten that program's way; the figures and the list of rows
    not counted must not move."""
    want = wangjiadun_book(tmp_path / "src" / "汪家墩村.xlsx")
    libreoffice_save([tmp_path / "src" / "汪家墩村.xlsx"], tmp_path / "收集")
    out = tmp_path / "汇总表.xlsx"
    code, data = run_json(tmp_path / "收集", out, "--period", "2010")
    assert code == 1
    assert counts_of(totals_rows(out)["合计"]) == want
    listed = {(r[0], r[2], r[3]) for r in sheet_rows(out, "未计入")[3:] if r[0] and r[1]}
    assert listed == {("合计行", "联户卡", 12), ("合计行", "联户日记", 8), ("未读取", "联户日记 (2)", None)}
    assert [i["code"] for i in data["issues"] if i["severity"] == "error"] == ["lookalike-sheet"]
