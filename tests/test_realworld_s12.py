"""Session 12: how a printed form's layout comes back typed into Excel — a row of units under the
header, a sums line the clerk added without a word in front of it, the title and page numbers of a
second page pasted under the first — each consolidated through the CLI and compared with a count
made by hand. Read as the clerk meant it where the layout says so; rows that could be entries stay
errors.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import xlsxwriter
from click.testing import CliRunner
from realworld_books import book, by_code, consolidated, counts_of, hand, sheet_rows, totals_rows

from lianhu_xl.cli import cli

D = dt.date

CARD_HEADER = ["卡号", "联系人", "联系人类别", "村", "社", "户主", "联系户类型", "结对日期", "主要问题"]
DIARY_HEADER = ["卡号", "日期", "形式", "服务类别", "发现问题", "是否主要问题", "办理结果", "解决办法", "办实事", "担保贷款",
                "帮耕帮畜"]


def cards(*numbers: str) -> list[list[object]]:
    """The card sheet's header and one 乡干部's card per number, linked in January 2010."""
    return [CARD_HEADER, *([no, "王明", "乡干部", "下营村", "六社", f"李{no}", "致富明星户", D(2010, 1, 5), "缺技术"]
                           for no in numbers)]


def visit(no: str, day: dt.date, deeds: object = None, loan: object = None, helps: object = None,
          service: str | None = None) -> list[object]:
    return [no, day, "入户访谈", service, None, None, None, None, deeds, loan, helps]


# --- a row of units under the header ----------------------------------------------------------


def test_a_row_of_units_under_the_header_is_part_of_the_header(tmp_path):
    """Forms print the units in a row of their own under the labels (办实事 | 担保贷款 | 帮耕帮畜 over
    （件） | （万元） | （次）, 日期 over （年月日）). Typed so, that row was read as a visit: three
    required errors and three bad-number errors (“（件）”不是数字), exit 1. It is the header's second row:
    nothing said about it, and the unit it gives is the column's (0.3 under 担保贷款 over （万元） is 3000
    yuan, told by the wan-column notice as for 担保贷款（万元））. Printed again with the header on a
    second page, it is skipped with the header."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": cards("K1", "K2"),
        "联户日记": [DIARY_HEADER, [None, "（年月日）", None, None, None, "（是/否）", None, None, "（件）", "（万元）", "（次）"],
                     visit("K1", D(2010, 3, 6), 1, 0.3, 2, "政策宣传"),
                     visit("K2", D(2010, 4, 6), None, "5000元"),
                     DIARY_HEADER, [None, "（年月日）", None, None, None, "（是/否）", None, None, "（件）", "（万元）", "（次）"],
                     visit("K2", D(2010, 5, 6), 2, 1.2)],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0, [(i["code"], i["cell"], i["message"]) for i in issues]
    assert [(i["code"], i["cell"]) for i in issues if i["severity"] != "notice"] == []
    assert [i["cell"] for i in by_code(issues, "wan-column")] == ["J3"]
    # by hand: 3000 + 5000 (typed with its own unit) + 12000 yuan; deeds 1 + 2; helps 2
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=3, 提供服务=1, 办实事=3, 担保贷款=20000, 帮耕帮畜=2,
                                  应访谈月数=24, 实访谈月数=3, 应记日记月数=24, 实记日记月数=3)


def test_a_row_of_units_on_the_card_sheet_and_a_plain_unit_row(tmp_path):
    """The same on the card sheet, units written without brackets (人 | 元) and with 单位：, a hint
    without brackets (年.月.日): the cards count, nothing said."""
    header = [*CARD_HEADER, "家庭人口", "基期人均纯收入"]
    row = [*cards("K1")[1], 5, 2500]
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [header, [None] * 7 + ["年.月.日", None, "人", "单位：元"], row],
        "联户日记": [DIARY_HEADER, visit("K1", D(2010, 3, 6))],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0, [(i["code"], i["cell"], i["message"]) for i in issues]
    assert [i for i in issues if i["severity"] != "notice"] == []
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)


# --- a sums line with no word in front of it ---------------------------------------------------


def sums_book(path: Path) -> Path:
    """A diary whose clerk put =SUM under 办实事, 担保贷款 and 帮耕帮畜 (XlsxWriter stores each
    result, as Excel does), a subtotal per page typed by hand, and a line of figures that are no
    sum of anything above."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    sheets = {"联户卡": cards("K1", "K2"), "联户日记": [
        DIARY_HEADER,
        visit("K1", D(2010, 3, 6), 1, 3000, 2, "政策宣传"),
        visit("K2", D(2010, 4, 6), 2, 5000, 1),
        [None] * 8 + ["=SUM(I2:I3)", "=SUM(J2:J3)", "=SUM(K2:K3)"],  # row 4: 3, 8000, 3
        visit("K1", D(2010, 5, 6), 1, 2000),
        visit("K2", D(2010, 6, 6), None, 1000),
        [None] * 8 + [1, 3000],  # row 7: this page's sums, typed
        [None] * 9 + [500],  # row 8: a loan of 500 with its visit's keys forgotten
        visit("K2", D(2010, 7, 6), None, 600),
        [None] * 9 + [600],  # row 10: one figure again, a visit below: its keys forgotten?
        visit("K1", D(2010, 8, 6), None, 400),
    ]}
    results = {"I4": 3, "J4": 8000, "K4": 3}
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                ref = f"{chr(ord('A') + c)}{r + 1}"
                if isinstance(value, str) and value.startswith("="):
                    ws.write_formula(r, c, value, None, results[ref])
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date)
                elif value is not None:
                    ws.write(r, c, value)
    wb.close()
    return path


def test_a_line_of_sums_without_a_label_is_a_totals_row(tmp_path):
    """Under the diary the clerk put =SUM(…) below each figure column, with no 合计 in front (or
    typed a page's sums so): read as a visit without 卡号, 日期 and 形式, three required errors,
    exit 1, the clerk told to fill in a card number for a line of sums. A line holding only
    figures, each the sum of its column above (since the table's top or the last sums line), is a
    totals row: skipped with a notice naming the figures, never counted. A line whose figure is no
    such sum (a 500 loan whose visit's keys were forgotten), or one that only repeats the one figure
    above with more visits under it, is still a row with its errors; as the last line of a page
    (the next page's title under it) or of the table, it is that page's sums."""
    path = sums_book(tmp_path / "乡" / "b.xlsx")
    code, total, issues = consolidated(path.parent)
    assert code == 1
    sums = by_code(issues, "sums-row")
    assert [(i["sheet"], i["cell"]) for i in sums] == [("联户日记", "I4"), ("联户日记", "I7")]
    assert "办实事 3、担保贷款 8000、帮耕帮畜 3" in sums[0]["message"] and "合计" in sums[0]["message"]
    errors = sorted((i["code"], i["cell"]) for i in issues if i["severity"] == "error")
    assert errors == [("required", f"{c}{r}") for c in "ABC" for r in (10, 8)]
    # every line read is accounted for: 6 visits counted, 2 lines with errors, 2 sums lines
    result = CliRunner().invoke(cli, ["consolidate", str(path), "-o", str(tmp_path / "t.xlsx"), "--period", "2010",
                                      "--json", "-q", "-j", "1"])
    rows = json.loads(result.stdout)["files"][0]["rows"]
    assert rows == {"read": 12, "counted": 8, "duplicate": 0, "excluded": 2, "out_of_period": 0, "totals_rows": 2}
    listed = [(r[0], r[2], r[3]) for r in sheet_rows(tmp_path / "t.xlsx", "未计入")[3:]]
    assert listed == [("未计入", "联户日记", 8), ("未计入", "联户日记", 10), ("合计行", "联户日记", 4),
                      ("合计行", "联户日记", 7)]
    # by hand: six visits; deeds 1 + 2 + 1, loans 3000 + 5000 + 2000 + 1000 + 600 + 400, helps 2 + 1
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=6, 提供服务=1, 办实事=4, 担保贷款=12000, 帮耕帮畜=3,
                                  应访谈月数=24, 实访谈月数=6, 应记日记月数=24, 实记日记月数=6)

    small = book(tmp_path / "小" / "b.xlsx", {"联户卡": cards("K1"), "联户日记": [
        DIARY_HEADER, visit("K1", D(2010, 3, 6), 1, 3000), [None] * 8 + [1, 3000],  # rows 3, 4: page one and its sums
        ["下营村联户日记（续表）"], DIARY_HEADER, visit("K1", D(2010, 4, 6), None, 2000), [None] * 9 + [2000]]})
    code, total, issues = consolidated(small.parent)
    assert code == 0, [i["message"] for i in issues]
    assert [i["cell"] for i in by_code(issues, "sums-row")] == ["I4", "J8"]
    assert (total["入户访谈"], total["办实事"], total["担保贷款(元)"]) == (2, 1, 5000)


# --- a second page pasted under the first, with its title and page number ---------------------


def test_a_pasted_pages_title_and_page_numbers_are_skipped(tmp_path):
    """Two printed pages typed into one sheet bring the second page's title (下营村联户日记（续表）,
    续表) over its repeated header, and page numbers typed under a page (第 1 页, - 2 -, 第2页 共2页).
    Each was read as a visit whose 卡号 was the title: unknown-card and two required errors, exit 1.
    A lone title over the header printed again, a continuation title (联户日记（续）) or a page number
    is skipped with a notice. A lone text over visits that names neither is still a row: the clerk
    is asked about it."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [*cards("K1", "K2"), ["第 1 页"]],
        "联户日记": [DIARY_HEADER,
                     visit("K1", D(2010, 3, 6)),
                     ["- 1 -"],
                     ["下营村联户日记（续表）"],  # row 5
                     DIARY_HEADER,
                     visit("K2", D(2010, 4, 6)),
                     ["第2页 共3页"],  # row 8
                     [],
                     ["续表"],  # row 10
                     [],
                     DIARY_HEADER,
                     visit("K2", D(2010, 5, 6)),
                     ["联户日记（续）"],  # row 14: no header under it
                     visit("K2", D(2010, 6, 6)),
                     ["李K2家"],  # row 16: no title, no page: a visit whose keys went missing?
                     visit("K2", D(2010, 7, 6))],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 1
    skipped = [(i["sheet"], i["cell"], i["value"]) for i in by_code(issues, "page-title")]
    assert skipped == [("联户卡", "A5", "第 1 页"), ("联户日记", "A4", "- 1 -"), ("联户日记", "A5", "下营村联户日记（续表）"),
                       ("联户日记", "A8", "第2页 共3页"), ("联户日记", "A10", "续表"), ("联户日记", "A14", "联户日记（续）")]
    assert "续表" in by_code(issues, "page-title")[2]["message"]
    errors = sorted((i["code"], i["cell"]) for i in issues if i["severity"] == "error")
    assert errors == [("required", "B16"), ("required", "C16"), ("unknown-card", "A16")]
    # by hand: five visits, one a month from March to July
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=5, 应访谈月数=24, 实访谈月数=5, 应记日记月数=24, 实记日记月数=5)


# --- a sheet copied from last year's form, its title still last year's -------------------------


def test_dates_without_a_year_under_last_years_title_are_not_put_into_last_year(tmp_path):
    """The clerk copied last year's sheets (下营村联户日记（2009年）) and typed this year's visits,
    some with the year (2010-3-6), some without (4.6, 5月6日). Those without were read as 2009's:
    outside --period 2010, gone from the totals with nothing said (exit 0), and a card's 结对日期
    1.5 linked in 2009. When none of the sheet's dates typed with a year is in the title's year, a
    date without one is an error naming both years. Under a title whose year the typed dates
    share (2010年, a 2011-1-5 among them), 4.6 is the title's year, as before."""
    header = cards("K1")[0]
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [["下营村联户卡（2009年）"], header,
                   ["K1", "王明", "乡干部", "下营村", "六社", "李一", "致富明星户", "2010.1.5", "缺技术"],
                   ["K2", "王明", "乡干部", "下营村", "六社", "李二", "致富明星户", "1.5", "缺技术"]],
        "联户日记": [["下营村联户日记（2009年）"], DIARY_HEADER,
                     visit("K1", "2010-3-6"), visit("K1", "4.6"), visit("K1", "5月6日"), visit("K1", D(2010, 6, 6))],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 1
    errors = [(i["code"], i["sheet"], i["cell"]) for i in issues if i["severity"] == "error"]
    assert sorted(errors) == [("bad-date", "联户卡", "H5"), ("bad-date", "联户日记", "B5"), ("bad-date", "联户日记", "B6")]
    message = next(i for i in issues if i["cell"] == "B5")["message"]
    assert "2009" in message and "2010" in message and "年份写全" in message
    # by hand: K1 (linked 2010-1-5) visited in March and June; K2 is out
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12, 实记日记月数=2)

    this_year = book(tmp_path / "今年" / "b.xlsx", {
        "联户卡": cards("K1"),
        "联户日记": [["下营村联户日记（2010年）"], DIARY_HEADER, visit("K1", "2010-3-6"), visit("K1", "4.6"),
                     visit("K1", "2011-1-5")],
    })
    code, total, issues = consolidated(this_year.parent)
    assert code == 0, [(i["code"], i["message"]) for i in issues]
    assert (total["入户访谈"], total["实访谈月数"]) == (2, 2)  # March and April 2010; January 2011 is outside


def test_a_link_month_in_chinese_numerals_is_read(tmp_path):
    """结对日期 written as a printed form writes it, the month without its day in Chinese numerals
    (二〇一〇年三月, 2010年十月): bad-date, the card and its visits out, where 2010年3月 was read as
    March. It is that month; a diary 日期 without its day stays an error (two visits of one month
    would not be told apart)."""
    header = cards("K1")[0]
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [header, ["K1", "王明", "乡干部", "下营村", "六社", "李一", "致富明星户", "二〇一〇年三月", "缺技术"],
                   ["K2", "王明", "乡干部", "下营村", "六社", "李二", "致富明星户", "2010年十月", "缺技术"]],
        "联户日记": [DIARY_HEADER, visit("K1", D(2010, 3, 6)), visit("K2", D(2010, 10, 6)), visit("K2", "二〇一〇年十一月")],
    })
    code, total, issues = consolidated(path.parent)
    assert [(i["code"], i["sheet"], i["cell"]) for i in issues if i["severity"] == "error"] == [
        ("bad-date", "联户日记", "B5")]
    # by hand: K1 March–December (10 months), K2 October–December (3), one visit each
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=2, 应访谈月数=13, 实访谈月数=2, 应记日记月数=13, 实记日记月数=2)


def test_a_diary_card_number_padded_otherwise_names_the_card(tmp_path):
    """The card is XY-2010-002; the diary types XY-2010-02 (one 0 dropped from the last group).
    The message said only 找不到 (核对卡号): with the separators dropped first, 201002 kept its
    0s and matched nothing. It names the card, as for XY-2010-2 and XY2010002; still an error
    (which card is meant is the clerk's to say), and the visit is not counted."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": cards("XY-2010-002"),
        "联户日记": [DIARY_HEADER, visit("XY-2010-02", D(2010, 3, 6)), visit("XY-2010-2", D(2010, 4, 6)),
                     visit("XY2010002", D(2010, 5, 6)), visit("XY-2010-002", D(2010, 6, 6))],
    })
    code, total, issues = consolidated(path.parent)
    unknown = by_code(issues, "unknown-card")
    assert [i["cell"] for i in unknown] == ["A3", "A4", "A5"]
    assert all("联户卡上有“XY-2010-002”" in i["message"] for i in unknown), [i["message"] for i in unknown]
    assert (code, total["入户访谈"]) == (1, 1)


def test_headers_in_the_words_of_other_forms(tmp_path):
    """A diary headed 联户卡编号 (the card sheet's own alias for 卡号) and 访谈时间 was refused whole
    (missing 卡号 and 日期: every visit out); 发现的主要问题, 解决问题的办法, 贷款金额（元）, 帮耕（次）
    and the card's 所在党支部, 结对时人均纯收入（元）, 经济上有发展 were unknown columns, kept nowhere
    (the loan and the helps missing from the 汇总 with only a warning). Each is read as the
    standard's column."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [[*CARD_HEADER[:8], "存在的主要问题", "所在党支部", "结对时人均纯收入（元）", "经济上有发展"],
                   ["K1", "王明", "党员", "下营村", "六社", "李一", "经济落后户", D(2010, 1, 5), "缺技术", "下营村党支部", 1800, "是"]],
        "联户日记": [["联户卡编号", "访谈时间", "形式", "发现的主要问题", "办理结果", "解决问题的办法", "贷款金额（元）", "帮耕（次）"],
                     ["K1", D(2010, 3, 6), "入户访谈", "缺水", "协调解决", "找水管站", 3000, 2]],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0 and [i for i in issues if i["severity"] != "notice"] == [], [i["message"] for i in issues]
    assert counts_of(total) == hand(经济落后户=1, 入户访谈=1, 担保贷款=3000, 帮耕帮畜=2, 应访谈月数=12, 实访谈月数=1,
                                  应记日记月数=12, 实记日记月数=1)


def test_labels_ending_in_a_colon_or_with_square_brackets(tmp_path):
    """A form whose labels end in a colon (卡号：, 日期:, as printed forms label their blanks) had no
    header to be found: the sheet was refused (前 10 行里找不到表头), every card or visit out. A unit
    in square brackets (担保贷款[元], 〔元〕) made an unknown column, its loans kept nowhere. Both are
    the standard's labels."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [[f"{label}：" for label in CARD_HEADER], cards("K1")[1]],
        "联户日记": [["卡号:", "日期:", "形式:", "担保贷款[元]", "帮耕帮畜〔次〕"], ["K1", D(2010, 3, 6), "入户访谈", 3000, 1]],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0 and [i for i in issues if i["severity"] != "notice"] == [], [i["message"] for i in issues]
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=1, 担保贷款=3000, 帮耕帮畜=1, 应访谈月数=12, 实访谈月数=1,
                                  应记日记月数=12, 实记日记月数=1)


def test_a_line_counting_the_households_is_a_totals_row(tmp_path):
    """Under the cards the clerk wrote 共 2 户 (in the 户主 column, or in A), under a page of the diary
    本页共2条: each was a card with eight required errors or a visit with three, exit 1. A line
    counting what is above it is a totals row, like 合计; 共5000元 in a visit's loan column is that
    visit's loan, as before."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [*cards("K1", "K2"), [None, None, None, None, None, "共 2 户"], ["以上共2户，其中致富明星户2户"]],
        "联户日记": [DIARY_HEADER, visit("K1", D(2010, 3, 6), loan="共5000元"), visit("K2", D(2010, 4, 6)), ["本页共2条"]],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0, [i["message"] for i in issues]
    assert [(i["sheet"], i["cell"]) for i in by_code(issues, "totals-row")] == [
        ("联户卡", "F5"), ("联户卡", "A6"), ("联户日记", "A5")]
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=2, 担保贷款=5000, 应访谈月数=24, 实访谈月数=2,
                                  应记日记月数=24, 实记日记月数=2)


def test_a_date_with_spaces_for_dashes_and_one_without_its_year(tmp_path):
    """`2010 5 6` (spaces where the dashes go, as typed on a phone or numeric pad), `2010、6、6` and
    `2010_7_6` were bad-date, the visit out; they are those days. A date without its year under no
    title naming one (3月5日, 4.6) stays an error, and the message now says what is missing
    (没写年份) instead of only 不是有效日期."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": cards("K1"),
        "联户日记": [DIARY_HEADER, visit("K1", "3月5日"), visit("K1", "4.6"), visit("K1", "2010 5 6"),
                     visit("K1", "2010、6、6"), visit("K1", "2010_7_6")],
    })
    code, total, issues = consolidated(path.parent)
    errors = [(i["code"], i["cell"]) for i in issues if i["severity"] == "error"]
    assert errors == [("bad-date", "B3"), ("bad-date", "B4")]
    assert all("没写年份" in i["message"] for i in issues if i["severity"] == "error")
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=3, 应访谈月数=12, 实访谈月数=3, 应记日记月数=12, 实记日记月数=3)


def test_choices_said_by_their_level_or_their_means(tmp_path):
    """联系人类别 村级干部 / 社级干部 / 乡级干部 (the level, said with 级) and 形式 入户面谈, 短信 (a text
    message: the standard's 其他, as a WeChat message is) and 院坝会 (the village's courtyard meeting:
    集中座谈) were bad-choice, the card with all its visits or the visit left out."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [CARD_HEADER, ["K1", "王明", "乡级干部", "下营村", "六社", "李一", "致富明星户", D(2010, 1, 5), "缺技术"],
                   ["K2", "张三", "村级干部", "下营村", "六社", "李二", "思想保守户", D(2010, 1, 5), "观念旧"],
                   ["K3", "刘五", "社级干部", "下营村", "六社", "李三", "思想保守户", D(2010, 1, 5), "观念旧"]],
        "联户日记": [DIARY_HEADER, [*visit("K1", D(2010, 3, 6))[:2], "入户面谈"], [*visit("K2", D(2010, 3, 6))[:2], "短信"],
                     [*visit("K3", D(2010, 3, 6))[:2], "院坝会"]],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0, [i["message"] for i in issues]
    assert counts_of(total) == hand(致富明星户=1, 思想保守户=2, 思想保守户数=2, 入户访谈=1, 应访谈月数=36, 实访谈月数=1,
                                  应记日记月数=36, 实记日记月数=3)


def test_a_loan_with_a_note_on_the_loan_or_written_twice(tmp_path):
    """担保贷款 typed with a note on the loan itself (3000元（贷款）, 5000（担保）, 3000元（小额信贷）,
    3000元（已发放）), in figures and in words as on a receipt (3000元（叁仟元）, 叁仟元整（3000元）), or
    3000元人民币: each was bad-number, the visit left out. Each is that loan. A note that it is not
    yet (3000元（未发放）) and two different figures (3000（5000））stay errors, the second naming both."""
    loans = ["3000元（贷款）", "5000（担保）", "3000元（小额信贷）", "3000元（已发放）", "3000元（叁仟元）", "叁仟元整（3000元）",
             "3000元人民币", "3000元（未发放）", "3000（5000）"]
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": cards("K1"),
        "联户日记": [DIARY_HEADER, *(visit("K1", D(2010, m, 6), loan=x) for m, x in enumerate(loans, 1))],
    })
    code, total, issues = consolidated(path.parent)
    errors = [(i["code"], i["cell"]) for i in issues if i["severity"] == "error"]
    assert errors == [("bad-number", "J10"), ("bad-number", "J11")]
    both = next(i["message"] for i in issues if i["cell"] == "J11")
    assert "括号外是 3000，括号里是 5000" in both
    # by hand: January to July, 3000 + 5000 + 3000 × 5
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=7, 担保贷款=23000, 应访谈月数=12, 实访谈月数=7, 应记日记月数=12,
                                  实记日记月数=7)


def test_yes_and_no_said_in_a_whole_answer(tmp_path):
    """是否转化 不是的, 没, 没有的, 不对 (no) and 对的, 有的 (yes), as a clerk answers the column's
    question, were bad-yesno: the card left out with all its visits. 是的 was read already."""
    answers = ["对的", "有的", "不是的", "没", "没有的", "不对"]
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [[*CARD_HEADER, "是否转化"], *([f"K{n}", "张三", "村干部", "下营村", "六社", f"李{n}", "思想保守户",
                                               D(2010, 1, 5), "观念旧", said] for n, said in enumerate(answers, 1))],
        "联户日记": [DIARY_HEADER],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0, [i["message"] for i in issues]
    assert (total["思想保守户"], total["转化户数"]) == (6, 2)


def test_a_village_column_left_blank_under_a_title_naming_the_village(tmp_path):
    """下营村联户卡 with a 村 column the clerk left empty on every card (the title says the village):
    each card was a required error, every card and visit out (exit 1). Read as the title's village,
    as a sheet without the column is, the notice saying the column is empty. One 村 filled and the
    rest blank is still an error on each blank one (which village they are is not for the title to
    say when the column says otherwise)."""
    rows = [[no, "王明", "乡干部", None, "六社", f"李{no}", "致富明星户", D(2010, 1, 5), "缺技术"] for no in ("K1", "K2")]
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [["下营村联户卡（2010年）"], CARD_HEADER, *rows],
        "联户日记": [DIARY_HEADER, visit("K1", D(2010, 3, 6))],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0, [i["message"] for i in issues]
    (said_once,) = by_code(issues, "village-from-title")
    assert "“村”这一列都空着" in said_once["message"] and "下营村" in said_once["message"]
    assert list(totals_rows(path.parent / "汇总表.xlsx")) == ["下营村", "合计"]
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=1, 应访谈月数=24, 实访谈月数=1, 应记日记月数=24, 实记日记月数=1)

    rows[0][3] = "汪家墩村"
    book(path, {"联户卡": [["下营村联户卡（2010年）"], CARD_HEADER, *rows], "联户日记": [DIARY_HEADER]})
    code, total, issues = consolidated(path.parent)
    assert [(i["code"], i["cell"]) for i in issues if i["severity"] == "error"] == [("required", "D5")]


# --- a diary whose date stands in 月 | 日 columns, as paper diaries print it --------------------


def test_a_date_in_month_and_day_columns_is_one_date(tmp_path):
    """Paper diaries print the date as 月 | 日 columns (the year in the title), or 年 | 月 | 日 under a
    日期 merged over them. Typed so, the diary had no 日期 column and was refused whole (missing
    日期: every visit out), the 月 and 日 columns unknown. The parts are one date: 3 | 5 under
    下营村联户日记（2010年） is 2010-3-5, 2010 | 4 | 6 is 2010-4-6; the header printed again on a
    later page is skipped, and a row whose day is missing is an error at its 日期."""
    flat = book(tmp_path / "甲" / "b.xlsx", {
        "联户卡": cards("K1"),
        "联户日记": [["下营村联户日记（2010年）"], ["卡号", "月", "日", "形式", "服务类别"], ["K1", 3, 5, "入户访谈", "政策宣传"],
                     ["K1", "4月", "6日", "入户访谈"]],
    })
    code, total, issues = consolidated(flat.parent)
    assert code == 0, [i["message"] for i in issues]
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 提供服务=1, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12,
                                  实记日记月数=2)

    under = tmp_path / "乙" / "b.xlsx"
    book(under, {"联户卡": cards("K1"), "联户日记": [
        ["卡号", "日期", None, None, "形式"], [None, "年", "月", "日", None],
        ["K1", 2010, 3, 5, "入户访谈"], ["K1", 2010, 4, None, "入户访谈"],  # rows 4, 5
        ["卡号", "日期", None, None, "形式"], [None, "年", "月", "日", None], ["K1", "2010", "5", "6", "入户访谈"]]})
    wb = openpyxl.load_workbook(under)
    wb["联户日记"].merge_cells("B2:D2")
    wb.save(under)
    code, total, issues = consolidated(under.parent)
    assert [(i["code"], i["cell"]) for i in issues if i["severity"] != "notice"] == [("bad-date", "B5")]
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12, 实记日记月数=2)

    one = book(tmp_path / "丙" / "b.xlsx", {  # one column headed 月日 (or 年月日): the 日期 column
        "联户卡": cards("K1"), "联户日记": [["下营村联户日记（2010年）"], ["卡号", "月日", "形式"], ["K1", "3.5", "入户访谈"]]})
    code, total, issues = consolidated(one.parent)
    assert code == 0, [i["message"] for i in issues]
    assert total["实访谈月数"] == 1


def test_a_card_number_with_the_household_named_after_it(tmp_path):
    """A clerk notes whose card a number is: 卡号 XY-001（李一） in the diary (or XY-002（李二） on the
    card itself). It was unknown-card (找不到), the visit out; on the card it made a number the
    diary's XY-002 did not find. The name in brackets is a note: the card is XY-001. A numeral
    in brackets (XY-001（二）: a second card?) stays part of the number."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [CARD_HEADER, cards("XY-001")[1], [*cards("XY-002（李二）")[1][:5], "李二", *cards("K")[1][6:]]],
        "联户日记": [DIARY_HEADER, visit("XY-001（李一）", D(2010, 3, 6)), visit("XY-002", D(2010, 3, 6)),
                     visit("XY-001（二）", D(2010, 4, 6))],
    })
    code, total, issues = consolidated(path.parent)
    assert [(i["code"], i["cell"]) for i in issues if i["severity"] == "error"] == [("unknown-card", "A5")]
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=2, 应访谈月数=24, 实访谈月数=2, 应记日记月数=24, 实记日记月数=2)


def test_a_line_of_text_over_the_next_pages_header_in_a_text_column_is_no_title(tmp_path):
    """The last visit of a page whose 发现问题 ran on to the next line, the next page's header
    under it: that line is the visit's text going on (text-only-row), not a page's title."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": cards("K1"),
        "联户日记": [DIARY_HEADER, [*visit("K1", D(2010, 3, 6))[:4], "缺水，", None, "协调解决", "找水管站"],
                     [None, None, None, None, "缺肥"], DIARY_HEADER, visit("K1", D(2010, 4, 6))],
    })
    code, total, issues = consolidated(path.parent)
    assert [(i["code"], i["cell"]) for i in by_code(issues, "text-only-row")] == [("text-only-row", "E4")]
    assert not by_code(issues, "page-title")
    assert total["入户访谈"] == 2
