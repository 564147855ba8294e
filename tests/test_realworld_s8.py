"""Session 8: books typed the way township cadres, village clerks and WPS users type them, each
consolidated or validated through the CLI and compared with a count made by hand from the standard.
Every case here failed before: a row left out for typing whose meaning is certain (10-3-5, a
结对日期 of 2010年3月, a date cell turned into text, 入户走访, 编号 over the card numbers), or an
error that did not say what was wrong (约3000, 已解决, 26/3/5 in a 2010 diary).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from bookfactory import CARD_LABELS, DIARY_LABELS, card, diary, write_book
from click.testing import CliRunner
from conftest import needs_libreoffice
from realworld_books import col, consolidated, counts_of, hand, libreoffice_save, said, totals_rows

from lianhu_xl.cli import cli

D = dt.date


def by_code(issues: list[dict], code: str) -> list[dict]:
    return [i for i in issues if i["code"] == code]


def renamed(row: dict[str, object], names: dict[str, str]) -> dict[str, object]:
    return {names.get(k, k): v for k, v in row.items()}


# --- two-digit years ------------------------------------------------------------------------


def test_a_year_typed_with_two_digits_is_read_as_excel_reads_it(tmp_path):
    """10-3-5, 10/4/6, 10.5.6 星期四 and 10年6月7日 (text cells, as in WPS or a column set to 文本):
    Excel in a Chinese locale reads each typed into a date cell as 2010; so does every clerk. The
    card's 结对日期 10年1月5日 too. A two-digit year still to come (99-3-5) is no date: said, asking
    for the year in full."""
    typed = ["10-3-5", "10/4/6", "10.5.6 星期四", "10年6月7日", "99-7-6"]
    write_book(tmp_path / "b.xlsx", [card("K1", 结对日期="10年1月5日")], [diary("K1", t) for t in typed])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("two-digit-year", "联户日记", f"{col('日期')}7")]
    message = issues[0]["message"]
    assert "“99-7-6”" in message and "2099" in message and "写全四位" in message, message
    # by hand: linked January 2010, 12 months; interviews March to June
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=4, 应访谈月数=12, 实访谈月数=4, 应记日记月数=12,
                                  实记日记月数=4)


def test_a_two_digit_year_after_the_year_the_title_names_is_an_error(tmp_path):
    """王明's diary is titled （2010年）: 26/3/5 there reads as 2026, which the title says cannot
    be (which did he mean?): an error at the cell naming both years and what to type. Read as
    2026, the visit silently fell out of the 2010 totals. A link from the year before the title's
    (09-12-5 on the card sheet titled 2010年) is an ordinary date."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(["下营村联户卡（2010年）"])
    ws.append(CARD_LABELS)
    ws.append([card("K1", 结对日期="09-12-5").get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append(["王明联户日记（2010年）"])
    d.append(DIARY_LABELS)
    for day in ("10-3-5", "26/3/5"):
        d.append([diary("K1", day).get(label) for label in DIARY_LABELS])
    wb.save(tmp_path / "b.xlsx")
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("two-digit-year", "联户日记", "B4")]
    message = issues[0]["message"]
    assert "“26/3/5”" in message and "2026" in message and "2010" in message and "2010-3-5" in message, message
    # by hand: linked December 2009, so 2010's 12 months; one interview, March
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                                  实记日记月数=1)


# --- a 结对日期 without its day -------------------------------------------------------------


def test_a_link_date_without_its_day_is_its_month(tmp_path):
    """结对日期 2010年3月, 2010.4, 2010-5 (text): the link began that month. What the standard
    counts of a link is its month (months expected run from it, and it counts), so each card
    counts from its month. A diary 日期 without its day stays an error: a visit's day is part of
    what makes it one entry (two visits in March would be one)."""
    write_book(tmp_path / "b.xlsx",
               [card("K1", 结对日期="2010年3月"), card("K2", 户主="李二", 结对日期="2010.4"),
                card("K3", 户主="李三", 结对日期="2010-5"), card("K4", 户主="李四", 结对日期="2010年3月上旬")],
               [diary("K1", D(2010, 3, 20)), diary("K2", D(2010, 4, 2)), diary("K3", "2010年5月")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("bad-date", "联户卡", f"{col('结对日期', CARD_LABELS)}6"),
                            ("bad-date", "联户日记", "B5")]
    # by hand: K1 Mar–Dec 10 months, K2 Apr–Dec 9, K3 May–Dec 8; visits K1 March, K2 April
    assert counts_of(total) == hand(致富明星户=3, 入户访谈=2, 应访谈月数=27, 实访谈月数=2, 应记日记月数=27,
                                  实记日记月数=2)


def test_a_link_date_said_as_since_then_is_that_date(tmp_path):
    """结对日期 2010年3月1日起, 2010年4月起, 2010.5.1开始, 2010年6月至今 (“since”, as a form's 起止 column
    is filled): the link began then. 办理结果 当场解决了 / 协调已解决了 are those results; 解决了 still
    asks which."""
    write_book(tmp_path / "b.xlsx",
               [card("K1", 结对日期="2010年3月1日起"), card("K2", 户主="李二", 结对日期="2010年4月起"),
                card("K3", 户主="李三", 结对日期="2010.5.1开始"), card("K4", 户主="李四", 结对日期="2010年6月至今")],
               [diary("K1", D(2010, 3, 6), 发现问题="缺水", 解决办法="修渠", 是否主要问题="是", 办理结果="当场解决了"),
                diary("K2", D(2010, 4, 6), 发现问题="缺肥", 解决办法="协调", 是否主要问题="是", 办理结果="协调已解决了"),
                diary("K3", D(2010, 5, 6), 发现问题="缺种", 解决办法="协调", 是否主要问题="是", 办理结果="解决了")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("vague-choice", "联户日记", f"{col('办理结果')}5")]
    # by hand: months Mar–Dec 10, Apr–Dec 9, May–Dec 8, Jun–Dec 7; K1 and K2 a main problem solved
    assert counts_of(total) == hand(致富明星户=4, 入户访谈=2, 解决主要问题=2, 应访谈月数=34, 实访谈月数=2, 应记日记月数=34,
                                  实记日记月数=2, 主要问题已解决户数=2)


# --- a date cell turned into text -----------------------------------------------------------


def test_an_excel_date_serial_stored_as_text_is_that_date(tmp_path):
    """A 日期 column set to 文本 after the dates were typed (or pasted from an export) shows 40238
    and holds it as text; the same serial in a number cell was already read as 2010-03-01. Both
    are the date (text from 2000 on: 20100 as text is a slip, not 1955). In a book saved with the
    1904 date system the text serial counts from 1904."""
    write_book(tmp_path / "b.xlsx", [card("K1", 结对日期="40183")],  # 2010-01-05
               [diary("K1", "40238"), diary("K1", "'40274"), diary("K1", 40305),  # 3-1, 4-6, 5-8
                diary("K1", "20100")])  # a slip for 2010, not the serial of 1955-01-11
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (1, [("bad-date", "联户日记", "B6")])
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=3, 应访谈月数=12, 实访谈月数=3, 应记日记月数=12,
                                  实记日记月数=3)


def test_a_text_serial_in_a_1904_book_is_the_date_it_shows(tmp_path):
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "联户卡"
    ws.append(CARD_LABELS)
    ws.append([card("M1", 结对日期=dt.datetime(2010, 3, 5)).get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append(DIARY_LABELS)
    d.append([diary("M1", str(40274 - 1462)).get(label) for label in DIARY_LABELS])  # 2010-04-06 in 1904 days
    wb.save(tmp_path / "mac.xlsx")
    code, total, issues = consolidated(tmp_path / "mac.xlsx")
    assert (code, said(issues)) == (0, [])
    assert (total["入户访谈"], total["实访谈月数"], total["应访谈月数"]) == (1, 1, 10)


# --- other words for a dropdown's choices -----------------------------------------------------


def test_other_words_for_a_choice_are_that_choice(tmp_path):
    """形式 入户走访, 上门走访, 家访, 走访 are home visits (入户访谈); 电话回访 a call; 座谈会 a meeting.
    办理结果 现场解决 is 当场解决, 办理中 正在办理, 没有解决 未解决. 联系户类型 贫困户 and 思想偏激户 (the
    report's own words) are 经济落后户 and 思想保守户; 联系人类别 乡镇干部 and 普通党员 are 乡干部 and 党员.
    Each row was an error before, the card (and its visits) or the visit left out."""
    cards = [card("K1", 联系人类别="乡镇干部"),
             card("K2", 户主="李二", 联系人类别="普通党员", 联系户类型="贫困户", **{"基期人均纯收入(元)": 2500}),
             card("K3", 户主="李三", 联系人类别="村干部", 联系户类型="思想偏激户", 是否转化="是")]
    forms = [("K1", "入户走访"), ("K1", "上门走访"), ("K2", "家访"), ("K2", "走访"), ("K3", "电话回访"), ("K3", "座谈会")]
    rows = [diary(no, D(2010, 3 + n, 6), 形式=f) for n, (no, f) in enumerate(forms)]
    rows += [diary("K1", D(2010, 10, 6), 发现问题="缺水", 解决办法="修渠", 是否主要问题="是", 办理结果="现场解决"),
             diary("K2", D(2010, 10, 7), 形式="电话", 发现问题="缺肥", 解决办法="协调", 办理结果="办理中"),
             diary("K3", D(2010, 10, 8), 形式="电话", 发现问题="缺种", 解决办法="协调", 是否主要问题="是",
                   办理结果="没有解决")]
    write_book(tmp_path / "b.xlsx", cards, rows)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [])
    # by hand: linked January, 3 × 12 months; home visits K1 Mar, Apr, Oct (现场解决 row is 入户访谈 by
    # default), K2 May, Jun; one main problem solved (K1's, 现场解决); K3 converted
    assert counts_of(total) == hand(致富明星户=1, 思想保守户=1, 经济落后户=1, 入户访谈=5, 解决主要问题=1, 转化户数=1,
                                  思想保守户数=1, 应访谈月数=36, 实访谈月数=5, 应记日记月数=36, 实记日记月数=9,
                                  主要问题已解决户数=1)


def test_solved_without_saying_how_is_an_error_that_asks_which(tmp_path):
    """办理结果 已解决 (or 解决了): solved, but 当场解决 or 协调解决? The standard's list tells them
    apart and one cannot tell which: an error at the cell that names the two and what each means,
    not the generic list of four. 村社干部 as 联系人类别 is asked the same way."""
    write_book(tmp_path / "b.xlsx", [card("K1"), card("K2", 户主="李二", 联系人类别="村社干部", 联系户类型="思想保守户")],
               [diary("K1", D(2010, 3, 6), 发现问题="缺水", 解决办法="修渠", 是否主要问题="是", 办理结果="已解决"),
                diary("K1", D(2010, 4, 6), 发现问题="缺肥", 解决办法="协调", 办理结果="解决了")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    result = col("办理结果")
    assert said(issues) == [("vague-choice", "联户卡", f"{col('联系人类别', CARD_LABELS)}4"),
                            ("vague-choice", "联户日记", f"{result}3"), ("vague-choice", "联户日记", f"{result}4")]
    for issue in by_code(issues, "vague-choice")[1:]:
        assert "当场解决" in issue["message"] and "协调解决" in issue["message"], issue["message"]
        assert "正在办理" not in issue["message"], issue["message"]
    assert "村干部还是社干部" in issues[0]["message"], issues[0]["message"]
    assert total["入户访谈"] == 0 and total["致富明星户"] == 1


# --- approximate figures --------------------------------------------------------------------


def test_an_approximate_amount_is_an_error_that_says_so(tmp_path):
    """担保贷款 三四千, 约3000, 3000左右, 3000-5000 and 帮耕帮畜 两三次, 家庭人口 五六口: no one figure, so
    no guess; the error says it is an approximation and asks for the figure (before it said only
    “不是数字”, which the clerk who typed 约3000 reads as wrong)."""
    typed = ["三四千", "约3000", "3000左右", "3000-5000"]
    rows = [diary("K1", D(2010, 3 + n, 6), **{"担保贷款(元)": t}) for n, t in enumerate(typed)]
    rows.append(diary("K1", D(2010, 8, 6), **{"帮耕帮畜(次)": "两三次"}))
    write_book(tmp_path / "b.xlsx", [card("K1"), card("K2", 户主="李二", 家庭人口="五六口")], rows)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    loans, helps = col("担保贷款(元)"), col("帮耕帮畜(次)")
    assert said(issues) == sorted([("bad-number", "联户卡", f"{col('家庭人口', CARD_LABELS)}4")]
                                  + [("bad-number", "联户日记", f"{loans}{n}") for n in range(3, 7)]
                                  + [("bad-number", "联户日记", f"{helps}7")])
    for issue in issues:
        assert f"“{issue['value']}”" in issue["message"] and "约数" in issue["message"], issue["message"]
    assert (total["致富明星户"], total["入户访谈"], total["担保贷款(元)"]) == (1, 0, 0)


# --- loose header labels --------------------------------------------------------------------


def _loose_book(path: Path, card_names: dict[str, str], diary_names: dict[str, str],
                cards: list[dict], diaries: list[dict]) -> None:
    write_book(path, [renamed(c, card_names) for c in cards], [renamed(d, diary_names) for d in diaries],
               card_labels=[card_names.get(label, label) for label in CARD_LABELS],
               diary_labels=[diary_names.get(label, label) for label in DIARY_LABELS])


def test_a_loose_label_is_the_column_what_is_typed_under_it_belongs_to(tmp_path):
    """A clerk heads 卡号 编号 and 联系人类别 类别 (the card sheet also has 联系户类型), and in the diary
    卡号 编号, 形式 类型 and 服务类别 类别. Under 类别 stand 乡干部 and 党员, under 类型 入户访谈: a
    careful reader sees which column each is. Before, the sheets were refused (missing-column):
    nothing of the book counted. Each is said once, at its header, with what it is read as."""
    cards = [card("XY-001"), card("XY-002", 户主="李二", 联系人类别="党员", 联系户类型="经济落后户",
                                  **{"基期人均纯收入(元)": 2500})]
    diaries = [diary("XY-001", D(2010, 3, 6), 服务类别="政策宣传"), diary("XY-002", D(2010, 4, 6), 形式="电话联系"),
               diary("XY-002", D(2010, 5, 6), 服务类别="实用技术、市场信息")]
    _loose_book(tmp_path / "b.xlsx", {"卡号": "编号", "联系人类别": "类别"},
                {"卡号": "编号", "形式": "类型", "服务类别": "类别"}, cards, diaries)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0
    assert said(issues) == [("loose-column", "联户卡", "A2"), ("loose-column", "联户卡", "C2"),
                            ("loose-column", "联户日记", "A2"), ("loose-column", "联户日记", "E2"),
                            ("loose-column", "联户日记", f"{col('服务类别')}2")]
    message = next(i["message"] for i in issues if i["cell"] == "C2")
    assert "“类别”" in message and "乡干部" in message and "“联系人类别”" in message, message
    assert counts_of(total) == hand(致富明星户=1, 经济落后户=1, 入户访谈=2, 提供服务=2, 应访谈月数=24, 实访谈月数=2,
                                  应记日记月数=24, 实记日记月数=3)


def test_a_loose_label_that_cannot_be_told_stays_a_missing_column(tmp_path):
    """编号 over 1, 2, 3 is a 序号, not the card numbers: the sheet still lacks its 卡号 (said, as
    before). 类别 over 乡干部 and 致富明星户 (half of it a household's type, typed in the wrong
    column?) cannot be told either: the 联系人类别 column is missing."""
    cards = [card("1", 联系人类别="乡干部"), card("2", 户主="李二", 联系人类别="致富明星户")]
    _loose_book(tmp_path / "a.xlsx", {"卡号": "编号"}, {}, cards, [])
    _loose_book(tmp_path / "b.xlsx", {"联系人类别": "类别"}, {}, cards, [])
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--json", "--no-cache"])
    assert result.exit_code == 1
    issues = json.loads(result.stdout)["issues"]
    missing = sorted((Path(i["file"]).name, i["message"].split("“")[-1]) for i in by_code(issues, "missing-column"))
    assert missing == [("a.xlsx", "卡号”这一列并填好。"), ("b.xlsx", "联系人类别”这一列并填好。")]
    assert not by_code(issues, "loose-column")


def test_other_names_townships_give_standard_columns(tmp_path):
    """主要困难 for 主要问题, 结对年月日 for 结对日期; in the diary 发现的问题, 解决措施 and 处理结果. Before,
    the card sheet was refused (主要问题 and 结对日期 are required) and the diary's 办理结果 kept
    nowhere, so 解决主要问题 was 0 with only an unknown-column warning."""
    cards = [card("K1")]
    diaries = [diary("K1", D(2010, 3, 6), 发现问题="缺水", 解决办法="修渠", 是否主要问题="是", 办理结果="当场解决")]
    _loose_book(tmp_path / "b.xlsx", {"主要问题": "主要困难", "结对日期": "结对年月日"},
                {"发现问题": "发现的问题", "解决办法": "解决措施", "办理结果": "处理结果"}, cards, diaries)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [])
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=1, 解决主要问题=1, 应访谈月数=12, 实访谈月数=1,
                                  应记日记月数=12, 实记日记月数=1, 主要问题已解决户数=1)


def test_optional_columns_under_the_names_forms_give_them_are_read(tmp_path):
    """是否已转化, 人口, 年末人均收入 on the card sheet; 担保贷款/元, 办实事数, 服务类型, 解决结果 on the diary.
    Each was an unknown column, its values kept nowhere: 转化户数, 担保贷款, 办实事, 提供服务 and
    解决主要问题 were 0 in the 汇总 with only a warning, and the run exited 0."""
    cards = [card("K1", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="是", 家庭人口=5,
                  **{"年末人均纯收入(元)": 3500})]
    diaries = [diary("K1", D(2010, 3, 6), 发现问题="缺水", 解决办法="修渠", 是否主要问题="是", 办理结果="当场解决",
                     服务类别="政策宣传", **{"办实事(件)": 1, "担保贷款(元)": 3000})]
    _loose_book(tmp_path / "b.xlsx", {"是否转化": "是否已转化", "家庭人口": "人口", "年末人均纯收入(元)": "年末人均收入"},
                {"担保贷款(元)": "担保贷款/元", "办实事(件)": "办实事数", "服务类别": "服务类型", "办理结果": "解决结果"},
                cards, diaries)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [])
    assert counts_of(total) == hand(思想保守户=1, 思想保守户数=1, 转化户数=1, 入户访谈=1, 提供服务=1, 解决主要问题=1,
                                  办实事=1, 担保贷款=3000, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1,
                                  主要问题已解决户数=1)


# --- amounts as they are said ---------------------------------------------------------------


def test_amounts_written_in_digits_with_chinese_units_or_after_the_columns_words(tmp_path):
    """担保贷款 1万2 (12 000, as 一万二 already was), 2万5千元, 3千5; 基期人均纯收入 人均2500元; 担保贷款
    贷款3000元 and 共5000元: each one figure, said the way it is spoken. 1万25 is no one figure."""
    loans = ["1万2", "2万5千元", "3千5", "贷款3000元", "共5000元", "1万25"]
    write_book(tmp_path / "b.xlsx", [card("K1", 联系人类别="党员", 联系户类型="经济落后户",
                                          **{"基期人均纯收入(元)": "人均2500元"})],
               [diary("K1", D(2010, 3 + n, 6), **{"担保贷款(元)": t}) for n, t in enumerate(loans)])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("bad-number", "联户日记", f"{col('担保贷款(元)')}8")]
    # by hand: 12000 + 25000 + 3500 + 3000 + 5000; the row of 1万25 left out
    assert (total["经济落后户"], total["入户访谈"], total["担保贷款(元)"]) == (1, 5, 48500)


def test_dates_with_the_month_and_day_in_chinese_numerals_after_a_year_in_digits(tmp_path):
    """2010年三月五日 (the year typed in digits, the rest as written on paper), 二0一0年四月六日 (a 0 for
    〇), 2010年5月6日晚: the visits counted."""
    write_book(tmp_path / "b.xlsx", [card("K1")],
               [diary("K1", t) for t in ("2010年三月五日", "二0一0年四月六日", "2010年5月6日晚")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [])
    assert (total["入户访谈"], total["实访谈月数"]) == (3, 3)


# --- a small township's collection, typed messily, counted by hand --------------------------


def _sheet(wb: openpyxl.Workbook, name: str, title: str | None, header: list[str], rows: list[list[object]]) -> None:
    ws = wb.create_sheet(name)
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(header)
    for row in rows:
        ws.append(row)


def township(folder: Path) -> None:
    """倪家营乡's collection: two village books typed by their clerks (WPS, text cells) and 王明's
    own book (Excel, real dates, the standard's headers)."""
    folder.mkdir()
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "联户卡", "下营村联户卡（2010年）",
           ["编号", "联系人", "类别", "村", "社", "户主", "联系户类型", "结对年月日", "基期人均纯收入（元）", "主要困难",
            "是否转化"],
           [["XY-001", "王明", "乡镇干部", "下营村", "六社", "李进忠", "致富明星户", "10年3月", None, "缺资金", None],
            ["XY-002", "宋海", "村干部", "下营村", "六社", "缪红", "思想偏激户", "2010年3月", None, "不参加会议", "已转化"],
            ["XY-003", "李胜", "普通党员", "下营村", "五社", "徐学福", "贫困户", "40238", "人均2500元", "缺牛舍", None],
            ["XY-004", "王培义", "党员", "下营村", "五社", "吴吉成", "经济落后户", "2010.3", "2千5", "缺化肥", None]])
    _sheet(wb, "联户日记", "下营村联户日记（2010年）",
           ["编号", "日期", "类型", "发现的问题", "是否主要问题", "解决措施", "处理结果", "服务类别", "办实事（件）",
            "担保贷款（元）", "帮耕帮畜（次）"],
           [["XY-001", "10-3-5", "入户走访", None, None, None, None, "政策宣传", None, None, None],
            ["XY-001", "3月20日", "电话回访", None, None, None, None, None, None, None, None],
            ["XY-001", "10.4.6", "上门走访", "缺资金", "是", "协调贷款", "现场解决", None, None, "1万2", None],
            ["XY-002", "2010年三月八日", "家访", "不参加会议", "是", "谈心", "已解决", None, None, None, None],
            ["XY-002", "10/4/8", "走访", None, None, None, None, "1.政策宣传 2.实用技术", None, "3千元", None],
            ["XY-003", "40250", "入户访谈", None, None, None, None, None, None, None, "两次"],
            ["XY-003", "2010-4-10 周六", "入户访谈", None, None, None, None, None, None, "约5000", None],
            ["XY-004", "10年4月12日", "座谈会", None, None, None, None, None, None, None, "1次"],
            ["XY-004", "26/5/6", "入户访谈", None, None, None, None, None, None, None, None]])
    wb.save(folder / "下营村.xlsx")
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "联户卡", None,
           ["编号", "卡号", "联系人", "联系人类别", "村", "社", "户主", "联系户类型", "结对日期", "主要问题", "是否转化"],
           [[1, "NJY-001", "张彩琴", "乡干部", "倪家营村", "四社", "宋燕林", "致富明星户", D(2010, 3, 1), "缺技术", None],
            [2, "NJY-002", "缪红荣", "社干部", "倪家营村", "四社", "缪锋", "思想保守户", "2010年3月", "爱打架", "是"]])
    _sheet(wb, "联户日记", None,
           ["编号", "卡号", "日期", "形式", "发现问题", "是否主要问题", "解决办法", "办理结果", "服务类别", "办实事(件)"],
           [[1, "NJY-001", D(2010, 3, 6), "入户访谈", None, None, None, None, "实用技术、市场信息", "1件"],
            [2, "NJY-001", D(2010, 4, 6), "入户访谈", "缺种", "是", "联系种子站", "协调已解决", None, None],
            [3, "NJY-002", "2010年4月7日晚", "入户谈心", None, None, None, None, None, None],
            [4, "NJY-002", D(2010, 5, 7), "电话", "缺水", "否", "报水管所", "办理中", None, None]])
    wb.save(folder / "倪家营村.xlsx")
    write_book(folder / "王明.xlsx",
               [card("XY-001", 联系人="王明", 户主="李进忠", 结对日期=D(2010, 3, 1), 主要问题="缺资金")],
               [diary("XY-001", D(2010, 3, 5), 服务类别="政策宣传")])


def test_a_small_townships_collection_typed_messily_against_a_hand_count(tmp_path):
    township(tmp_path / "收集")
    code, total, issues = consolidated(tmp_path / "收集")
    assert code == 1
    where = sorted((Path(i["file"]).stem, i["code"], i["cell"]) for i in issues)
    assert where == sorted([
        ("下营村", "loose-column", "A2"), ("下营村", "loose-column", "C2"),  # 编号 → 卡号, 类别 → 联系人类别
        ("下营村", "loose-column", "A2"), ("下营村", "loose-column", "C2"),  # the diary's 编号 and 类型 (形式)
        ("下营村", "vague-choice", "G6"),  # 已解决: 当场 or 协调?
        ("下营村", "bad-number", "J9"),  # 约5000
        ("下营村", "two-digit-year", "B11"),  # 26/5/6 under （2010年）
        ("王明", "duplicate-card", "A3"), ("王明", "duplicate-diary", "A3"),  # XY-001 and its 3-5 visit, once
    ]), where
    # By hand (倪家营乡, 2010). Cards, all linked March 2010 (10年3月, 2010年3月, 40238 = 2010-03-01,
    # 2010.3): 致富明星户 XY-001 (once) and NJY-001; 思想保守户 XY-002 (思想偏激户) and NJY-002, both
    # converted; 经济落后户 XY-003 (贫困户) and XY-004. Months expected 6 × 10 = 60.
    # Visits counted (三 rows left out: 已解决, 约5000, 26/5/6): XY-001 3-5 (走访, 政策宣传; the copy in
    # 王明's book once), 3-20 (a call), 4-6 (上门走访, main problem 现场解决, loan 1万2); XY-002 4-8 (走访,
    # services, loan 3千元); XY-003 3-13 (text serial 40250, helps 两次); XY-004 4-12 (座谈会, helps 1次);
    # NJY-001 3-6 (services, 1件), 4-6 (main problem 协调已解决); NJY-002 4-7 (入户谈心), 5-7 (a call).
    # 入户访谈 7; 提供服务 3; 解决主要问题 2; 办实事 1; 担保贷款 12000 + 3000; 帮耕帮畜 2 + 1.
    # Interview months: XY-001 Mar Apr, XY-002 Apr, XY-003 Mar, NJY-001 Mar Apr, NJY-002 Apr = 7;
    # diary months: those and XY-004 Apr, NJY-002 May = 9. Households with a main problem solved: 2.
    assert counts_of(total) == hand(致富明星户=2, 思想保守户=2, 经济落后户=2, 入户访谈=7, 提供服务=3, 解决主要问题=2,
                                  办实事=1, 担保贷款=15000, 帮耕帮畜=3, 转化户数=2, 思想保守户数=2, 应访谈月数=60,
                                  实访谈月数=7, 应记日记月数=60, 实记日记月数=9, 主要问题已解决户数=2)
    by_village = totals_rows(tmp_path / "收集" / "汇总表.xlsx")
    assert (by_village["下营村"]["入户访谈"], by_village["倪家营村"]["入户访谈"]) == (4, 3)


# --- nothing found, no service: said in words ------------------------------------------------


def test_no_problem_found_and_no_service_said_in_words_are_blank(tmp_path):
    """发现问题 没发现问题 / 未发现问题。 / 暂无问题 is no problem found, so no 办理结果 is due: each visit
    was a result-required error, left out. 服务类别 暂无服务 / 没有服务 is no service: it counted in
    提供服务 (with an unknown-service warning)."""
    write_book(tmp_path / "b.xlsx", [card("K1")],
               [diary("K1", D(2010, 3, 6), 发现问题="没发现问题"), diary("K1", D(2010, 4, 6), 发现问题="未发现问题。"),
                diary("K1", D(2010, 5, 6), 发现问题="暂无问题", 服务类别="暂无服务"),
                diary("K1", D(2010, 6, 6), 服务类别="没有服务"), diary("K1", D(2010, 7, 6), 服务类别="政策宣传")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [])
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=5, 提供服务=1, 应访谈月数=12, 实访谈月数=5, 应记日记月数=12,
                                  实记日记月数=5)


def test_not_a_main_problem_said_with_fei_is_no(tmp_path):
    """是否主要问题 非主要问题 / 不属于主要问题 (as forms say “非”): 否, the visit counted, its problem
    solved but not a main one. It was bad-yesno, the visit left out."""
    write_book(tmp_path / "b.xlsx", [card("K1")],
               [diary("K1", D(2010, 3, 6), 发现问题="缺水", 解决办法="修渠", 是否主要问题="非主要问题", 办理结果="当场解决"),
                diary("K1", D(2010, 4, 6), 发现问题="缺肥", 解决办法="协调", 是否主要问题="不属于主要问题",
                      办理结果="协调解决")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [])
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12, 实记日记月数=2)


# --- a figure typed one column over ----------------------------------------------------------


def test_an_amount_under_a_count_or_a_count_under_an_amount_is_an_error(tmp_path):
    """办实事(件) and 担保贷款(元) stand side by side: 3000元 typed under 办实事 was 3000 deeds in the
    township's 办实事, silently; 2次 under 担保贷款 was a loan of 2 yuan. The unit says which column the
    figure belongs to: an error at the cell asking whether the column is wrong. Units of the column
    itself still read (5口人, 2500元/人, 1件, 3000元)."""
    write_book(tmp_path / "b.xlsx",
               [card("K1", 联系人类别="党员", 联系户类型="经济落后户", 家庭人口="5口人", **{"基期人均纯收入(元)": "2500元/人"})],
               [diary("K1", D(2010, 3, 6), **{"办实事(件)": "3000元"}),
                diary("K1", D(2010, 4, 6), **{"担保贷款(元)": "2次"}),
                diary("K1", D(2010, 5, 6), **{"办实事(件)": "1件", "担保贷款(元)": "3000元", "帮耕帮畜(次)": "2次"})])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("bad-number", "联户日记", f"{col('办实事(件)')}3"),
                            ("bad-number", "联户日记", f"{col('担保贷款(元)')}4")]
    for issue in issues:
        assert "填错了列" in issue["message"] and f"“{issue['value']}”" in issue["message"], issue["message"]
    assert counts_of(total) == hand(经济落后户=1, 入户访谈=1, 办实事=1, 担保贷款=3000, 帮耕帮畜=2, 应访谈月数=12,
                                  实访谈月数=1, 应记日记月数=12, 实记日记月数=1)


# --- the six services in the report's words --------------------------------------------------


def test_services_written_as_the_report_writes_them_are_those_services(tmp_path):
    """The village clerk retypes 王明's visit with 服务类别 政策宣传到户、实用技术到户 (the report's 六到户:
    政策宣传到户, 实用技术到户 …) where 王明 wrote 政策宣传、实用技术; another visit says 宣传政策，技术指导.
    They are the services of the list: no unknown-service warning, and the retyped visit is 王明's,
    counted once. It was two visits differing in 服务类别 (conflicting-diary), both left out."""
    folder = tmp_path / "收集"
    write_book(folder / "王明.xlsx", [card("K1")], [diary("K1", D(2010, 3, 6), 服务类别="政策宣传、实用技术")])
    write_book(folder / "下营村.xlsx", [card("K1")],
               [diary("K1", D(2010, 3, 6), 服务类别="政策宣传到户、实用技术到户"),
                diary("K1", D(2010, 4, 6), 服务类别="宣传政策，技术指导")])
    code, total, issues = consolidated(folder)
    assert code == 0
    assert sorted((Path(i["file"]).stem, i["code"]) for i in issues) == [("王明", "duplicate-card"),
                                                                          ("王明", "duplicate-diary")]
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 提供服务=2, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12,
                                  实记日记月数=2)


@needs_libreoffice
def test_the_townships_collection_saved_again_by_libreoffice_counts_the_same(tmp_path):
    """Each book opened and saved in LibreOffice (as WPS and LibreOffice users send them on): the
    text cells, the merged titles and the real dates are rewritten that program's way; the hand
    count and what is said must not move."""
    township(tmp_path / "src")
    libreoffice_save(sorted((tmp_path / "src").glob("*.xlsx")), tmp_path / "收集")
    code, total, issues = consolidated(tmp_path / "收集")
    assert code == 1
    assert sorted((Path(i["file"]).stem, i["code"]) for i in issues) == sorted(
        [("下营村", "loose-column")] * 4 + [("下营村", "vague-choice"), ("下营村", "bad-number"),
                                          ("下营村", "two-digit-year"), ("王明", "duplicate-card"),
                                          ("王明", "duplicate-diary")])
    assert counts_of(total) == hand(致富明星户=2, 思想保守户=2, 经济落后户=2, 入户访谈=7, 提供服务=3, 解决主要问题=2,
                                  办实事=1, 担保贷款=15000, 帮耕帮畜=3, 转化户数=2, 思想保守户数=2, 应访谈月数=60,
                                  实访谈月数=7, 应记日记月数=60, 实记日记月数=9, 主要问题已解决户数=2)


# --- a village's book without a 村 column ----------------------------------------------------


def _village_book(path: Path, title: str) -> None:
    labels = [label for label in CARD_LABELS if label != "村"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append([title])
    ws.merge_cells("A1:H1")
    ws.append(labels)
    for row in (card("K1"), card("K2", 户主="李二", 社="五社")):
        ws.append([row.get(label) for label in labels])
    d = wb.create_sheet("联户日记")
    d.append(DIARY_LABELS)
    d.append([diary("K1").get(label) for label in DIARY_LABELS])
    wb.save(path)


def test_a_card_sheet_without_a_village_column_under_a_title_naming_one_village(tmp_path):
    """下营村's clerk leaves out the 村 column: the sheet's title says 倪家营乡下营村联户卡（2010年）,
    so every card is 下营村's, as a person reads it (said once, at the title). The sheet was refused
    (missing-column 村): the village's cards and visits all left out."""
    _village_book(tmp_path / "b.xlsx", "倪家营乡下营村联户卡（2010年）")
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [("village-from-title", "联户卡", "A1")])
    assert "“下营村”" in issues[0]["message"], issues[0]["message"]
    rows = totals_rows(tmp_path / "汇总表.xlsx")
    assert rows["下营村"]["致富明星户"] == 2 and rows["下营村"]["入户访谈"] == 1
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=1, 应访谈月数=24, 实访谈月数=1, 应记日记月数=24, 实记日记月数=1)


def test_a_title_naming_no_one_village_leaves_the_village_column_missing(tmp_path):
    """2010年度村社干部联户卡 (村 of 村社干部) and 下营村、汪家墩村联户卡 (two villages) name no one village:
    the 村 column is missing, as before."""
    _village_book(tmp_path / "a.xlsx", "2010年度村社干部联户卡")
    _village_book(tmp_path / "b.xlsx", "下营村、汪家墩村联户卡")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--json", "--no-cache"])
    assert result.exit_code == 1
    issues = json.loads(result.stdout)["issues"]
    assert sorted((Path(i["file"]).name, i["code"]) for i in issues if i["sheet"] == "联户卡") == [
        ("a.xlsx", "missing-column"), ("b.xlsx", "missing-column")]
