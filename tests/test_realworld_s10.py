"""Session 10: sheet names and column units as clerks write them, and figures a text cell can
hold two ways, each consolidated through the CLI and compared with a count made by hand.
Read what names one thing (联户日记（2010年） is the diary; 帮耕帮畜（人次） counts helps); an error
naming both readings where an entry means two (3.000 元: 3 or 3000? 1,5: 1.5 or 15?); a sheet
whose name may be a copy (联户日记 (2), 联户卡备份) stays unread, said as before.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

from bookfactory import DIARY_LABELS, card, diary, write_book
from conftest import needs_libreoffice
from realworld_books import (
    book,
    by_code,
    col,
    consolidated,
    counts_of,
    hand,
    libreoffice_save,
    said,
    totals_rows,
)

D = dt.date

CARD_HEADER = ["序号", "卡号", "联系人", "联系人类别", "村", "社", "户主", "联系户类型", "结对日期", "主要问题", "是否转化",
               "基期人均纯收入（元）"]


# --- sheets named with their year, month, village or cadre ------------------------------------


def test_sheet_names_that_say_what_they_hold_are_read_with_a_notice(tmp_path):
    """联户卡（倪家营村） and one diary sheet a month, 联户日记(3月) and 联户日记（4月）, in a book with no
    sheet named 联户卡 or 联户日记: the book was refused (no-standard-sheet), every card and visit
    out. Each name says what it holds, so each is read, said once (named-sheet notice)."""
    labels = ["卡号", "日期", "形式"]
    book(tmp_path / "b.xlsx", {
        "联户卡（倪家营村）": [CARD_HEADER,
                          [1, "NJ1", "鲁维俭", "乡干部", "倪家营村", "四社", "宋燕林", "致富明星户", D(2010, 3, 1), "缺技术"]],
        "联户日记(3月)": [labels, ["NJ1", D(2010, 3, 15), "入户访谈"]],
        "联户日记（4月）": [labels, ["NJ1", D(2010, 4, 15), "入户访谈"]],
    })
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0, issues
    assert said(by_code(issues, "named-sheet")) == [("named-sheet", "联户卡（倪家营村）", "A1"),
                                                   ("named-sheet", "联户日记(3月)", "A1"),
                                                   ("named-sheet", "联户日记（4月）", "A1")]
    notice = by_code(issues, "named-sheet")[0]
    assert notice["severity"] == "notice" and "按“联户卡”读取" in notice["message"]
    # by hand: one star card linked in March (10 months to December), visited in March and April
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 应访谈月数=10, 实访谈月数=2, 应记日记月数=10,
                                  实记日记月数=2)


def test_the_names_clerks_give_their_tabs(tmp_path):
    """What each tab name is read as. A copy Excel names 联户日记 (2), a name saying not to count
    it (备份, 旧, 作废, 模板, 样表) or naming both registers is no register."""
    from lianhu_xl.standard_names import register_kind  # new in session 10

    read = {"联户日记（2010年）": "联户日记", "联户日记2010": "联户日记", "2010年联户日记": "联户日记",
            "联户日记(3月)": "联户日记", "联户卡 ": "联户卡", "联户卡（倪家营村）": "联户卡", "王明联户日记": "联户日记",
            "联户日记表": "联户日记", "下营村六社联户卡": "联户卡", "联户日记（第一季度）": "联户日记",
            "联户日记(王明)": "联户日记", "２０１０年联户日记": "联户日记"}
    unread = ["联户日记 (2)", "联户卡 (2)", "联户日记（2010年） (2)", "联户日记2", "联户卡备份", "旧联户卡",
              "联户日记（作废）", "联户卡模板", "联户日记（样表）", "联户卡联户日记", "联户日记汇总", "Sheet1"]
    assert {name: register_kind(name) for name in read} == read
    assert [name for name in unread if register_kind(name) is not None] == []


def test_a_copy_or_a_sheet_named_not_to_count_beside_the_register_stays_unread(tmp_path):
    """联户日记 with 联户日记 (2) (Excel's copy) and 联户卡 with 联户卡备份: two sheets of one kind,
    the copy may repeat or undo the register. The copies are not read, said as lookalikes (as
    before); 联户日记（3月） beside 联户日记 is not read either (a part copied out, or the rest?)."""
    labels = ["卡号", "日期", "形式"]
    book(tmp_path / "b.xlsx", {
        "联户卡": [CARD_HEADER, [1, "K1", "王明", "乡干部", "下营村", "六社", "李一", "致富明星户", D(2010, 1, 5), "缺技术"]],
        "联户卡备份": [CARD_HEADER, [1, "K2", "王明", "乡干部", "下营村", "六社", "李二", "致富明星户", D(2010, 1, 5), "缺技术"]],
        "联户日记": [labels, ["K1", D(2010, 3, 6), "入户访谈"]],
        "联户日记 (2)": [labels, ["K1", D(2010, 3, 6), "入户访谈"], ["K1", D(2010, 4, 6), "入户访谈"]],
        "联户日记（3月）": [labels, ["K1", D(2010, 3, 7), "入户访谈"]],
    })
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("lookalike-sheet", "联户卡备份", "A2"), ("lookalike-sheet", "联户日记 (2)", "A2"),
                            ("lookalike-sheet", "联户日记（3月）", "A2")]
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                                  实记日记月数=1)


def test_a_sheet_read_by_its_name_is_guarded_like_the_register(tmp_path):
    """The guard refuses a register whose text holds a raw control character (Excel refuses to
    open it; the reader would put another text in the cell). 联户卡（下营村） is read now, so it is
    checked as 联户卡 is: refused, not read with a village 下营\\x01村."""
    path = book(tmp_path / "b.xlsx", {
        "联户卡（下营村）": [CARD_HEADER, [1, "K1", "王明", "乡干部", "下营Q村", "六社", "李一", "致富明星户",
                                       D(2010, 1, 5), "缺技术"]]})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts = {n: data.replace("下营Q村".encode(), "下营\x01村".encode()) for n, data in parts.items()}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    code, _, issues = consolidated(path)
    assert code == 1
    assert [i["code"] for i in issues if i["severity"] == "error"] == ["file-corrupt"]


CARD_ROW = [1, "K1", "王明", "乡干部", "下营村", "六社", "李一", "致富明星户", D(2010, 1, 5), "缺技术"]


def test_the_tables_pasted_into_a_new_books_sheet1_and_sheet2_are_read_with_a_warning(tmp_path):
    """A clerk opens a new book and pastes the standard's two tables into Sheet1 and Sheet2 (工作表1 in
    LibreOffice). The book was refused whole (没有名为“联户卡”的工作表（现有：Sheet1、Sheet2）): its
    cards and visits out of the township's totals. The names say nothing, but the book has no
    other sheet, each holds one register's header, the only sheet that does: read, each said with
    a warning (rename it; delete it if it is a draft)."""
    book(tmp_path / "乡" / "a.xlsx", {"Sheet1": [CARD_HEADER, CARD_ROW],
                                     "Sheet2": [["卡号", "日期", "形式"], ["K1", D(2010, 3, 6), "入户访谈"],
                                                ["K1", D(2010, 4, 6), "入户访谈"]],
                                     "Sheet3": []})
    book(tmp_path / "乡" / "b.xlsx", {"工作表1": [CARD_HEADER, [2, "K2", *CARD_ROW[2:6], "李二", *CARD_ROW[7:]]]})
    code, total, issues = consolidated(tmp_path / "乡")
    assert code == 0, issues
    assert said(issues) == [("content-sheet", "Sheet1", "A2"), ("content-sheet", "Sheet2", "A2"),
                            ("content-sheet", "工作表1", "A2")]
    warning = by_code(issues, "content-sheet")[0]
    assert warning["severity"] == "warning" and "改名为“联户卡”" in warning["message"]
    # by hand: two star cards linked in January (12 months each), K1 visited in March and April
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=2, 应访谈月数=24, 实访谈月数=2, 应记日记月数=24,
                                  实记日记月数=2)


def test_a_sheet1_is_read_only_when_nothing_else_could_be_the_register(tmp_path):
    """Not read, said as lookalikes (as before): two Sheet1s with the card header (which one?); a
    Sheet1 beside a sheet with another name holding the diary's header (日记草稿: a draft?);
    a Sheet1 beside Excel's copy 联户日记 (2). (The diary in a Sheet1 beside 联户卡 is read since
    session 11, with a content-sheet warning: tests/test_realworld_s11.py.)"""
    diary_rows = [["卡号", "日期", "形式"], ["K1", D(2010, 3, 6), "入户访谈"]]
    book(tmp_path / "乡" / "two.xlsx", {"Sheet1": [CARD_HEADER, CARD_ROW], "Sheet2": [CARD_HEADER, CARD_ROW]})
    book(tmp_path / "乡" / "draft.xlsx", {"Sheet1": [CARD_HEADER, CARD_ROW], "日记草稿": diary_rows})
    book(tmp_path / "乡" / "named.xlsx", {"联户卡": [CARD_HEADER, CARD_ROW], "Sheet1": diary_rows})
    book(tmp_path / "乡" / "copy.xlsx", {"Sheet1": [CARD_HEADER, [*CARD_ROW[:1], "K9", *CARD_ROW[2:]]],
                                        "联户日记 (2)": diary_rows})
    code, total, issues = consolidated(tmp_path / "乡")
    assert code == 1
    assert [(i["file"], i["sheet"]) for i in by_code(issues, "content-sheet")] == [("named.xlsx", "Sheet1")]
    assert sorted((i["file"], i["sheet"]) for i in by_code(issues, "lookalike-sheet")) == [
        ("copy.xlsx", "Sheet1"), ("copy.xlsx", "联户日记 (2)"), ("draft.xlsx", "Sheet1"), ("draft.xlsx", "日记草稿"),
        ("two.xlsx", "Sheet1"), ("two.xlsx", "Sheet2")]
    # only named.xlsx is read: one card, visited at home in March
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                                  实记日记月数=1)


def test_a_pasted_sheet1_is_guarded_as_a_register_before_it_is_read(tmp_path):
    """The guard checks only the sheets read by name; a Sheet1 read by its content is checked too
    (the book guarded whole first): a raw control character in it refuses the book, as in 联户卡."""
    path = book(tmp_path / "b.xlsx", {"Sheet1": [CARD_HEADER, [*CARD_ROW[:4], "下营Q村", *CARD_ROW[5:]]]})
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts = {n: data.replace("下营Q村".encode(), "下营\x01村".encode()) for n, data in parts.items()}
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    code, _, issues = consolidated(path)
    assert code == 1
    assert [i["code"] for i in issues if i["severity"] == "error"] == ["file-corrupt"]


# --- column units --------------------------------------------------------------------------


def test_count_columns_headed_in_units_that_count_the_same_are_read(tmp_path):
    """帮耕帮畜（人次）, 帮耕帮畜（场次） (the report: 帮耕帮畜1700余场次), 办实事（项）, 办实事（个）, and
    担保贷款万元 (the unit without brackets), 担保贷款额（元）: unknown columns before, their figures
    kept nowhere, the 汇总 0 with only a warning and exit 0 — a silent miscount."""
    def relabelled(names):
        return [names.get(label, label) for label in DIARY_LABELS]

    first = {"帮耕帮畜(次)": "帮耕帮畜（人次）", "办实事(件)": "办实事（项）", "担保贷款(元)": "担保贷款万元"}
    second = {"帮耕帮畜(次)": "帮耕帮畜（场次）", "办实事(件)": "办实事（个）", "担保贷款(元)": "担保贷款额（元）"}
    write_book(tmp_path / "乡" / "a.xlsx", [card("K1")],
               [diary("K1", D(2010, 3, 6), **{"帮耕帮畜（人次）": "2人次", "办实事（项）": 1, "担保贷款万元": 0.3})],
               diary_labels=relabelled(first))
    write_book(tmp_path / "乡" / "b.xlsx", [card("K2", 户主="李二")],
               [diary("K2", D(2010, 4, 6), **{"帮耕帮畜（场次）": 3, "办实事（个）": "2个", "担保贷款额（元）": "5000元"})],
               diary_labels=relabelled(second))
    code, total, issues = consolidated(tmp_path / "乡")
    assert code == 0, issues
    assert not by_code(issues, "unknown-column")
    assert said(by_code(issues, "wan-column")) == [("wan-column", "联户日记", "M2")]
    # by hand: 0.3万 + 5000 = 8000 yuan; helps 2 + 3; deeds 1 + 2
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=2, 办实事=3, 担保贷款=8000, 帮耕帮畜=5, 应访谈月数=24,
                                  实访谈月数=2, 应记日记月数=24, 实记日记月数=2)


def test_headers_in_a_townships_own_words_are_the_standards_columns(tmp_path):
    """Diary headers 提供服务类别, 是否属主要问题, 解决情况, 贷款担保（元）, 为民办实事, 帮耕帮畜数 and card
    headers 户名, 社名, 户类型, 转化与否: unknown columns before. The diary's were a silent miscount (the
    services, solved problems, loans, deeds and helps kept nowhere: 0 in the 汇总, a warning, exit
    0); the card's 转化与否 too (转化户数 0), and 户名 / 社名 / 户类型 refused the whole card sheet."""
    card_labels = ["卡号", "联系人", "联系人类别", "村", "社名", "户名", "户类型", "结对日期", "主要问题", "转化与否"]
    diary_labels = ["卡号", "日期", "形式", "提供服务类别", "发现问题", "是否属主要问题", "解决情况", "解决办法",
                    "贷款担保（元）", "为民办实事", "帮耕帮畜数"]
    book(tmp_path / "b.xlsx", {
        "联户卡": [card_labels, ["K1", "宋海", "村干部", "下营村", "六社", "缪红", "思想保守户", D(2010, 1, 5), "缺资金", "是"]],
        "联户日记": [diary_labels, ["K1", D(2010, 3, 6), "入户访谈", "政策宣传", "缺资金", "是", "协调解决", "担保贷款",
                                 3000, 1, 2]]})
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0, issues
    assert not by_code(issues, "unknown-column")
    assert counts_of(total) == hand(思想保守户=1, 入户访谈=1, 提供服务=1, 解决主要问题=1, 办实事=1, 担保贷款=3000,
                                  帮耕帮畜=2, 转化户数=1, 思想保守户数=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                                  实记日记月数=1, 主要问题已解决户数=1)


def test_a_unit_that_counts_something_else_stays_an_unknown_column(tmp_path):
    """帮耕帮畜（亩）: the land ploughed, not the times helped. It must not be read as the count."""
    labels = [{"帮耕帮畜(次)": "帮耕帮畜（亩）"}.get(label, label) for label in DIARY_LABELS]
    write_book(tmp_path / "b.xlsx", [card("K1")], [diary("K1", **{"帮耕帮畜（亩）": 8})], diary_labels=labels)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0
    assert [i["value"] for i in by_code(issues, "unknown-column")] == ["帮耕帮畜（亩）"]
    assert total["帮耕帮畜"] == 0


def test_helps_counted_in_hui_and_tang_are_read(tmp_path):
    """帮耕帮畜 `2回`, `两回`, `3趟` (times, as 次): the visit was refused (bad-number)."""
    write_book(tmp_path / "b.xlsx", [card("K1")],
               [diary("K1", D(2010, m, 6), **{"帮耕帮畜(次)": typed}) for m, typed in ((3, "2回"), (4, "两回"), (5, "3趟"))])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0, issues
    assert (total["帮耕帮畜"], total["入户访谈"]) == (7, 3)


# --- the lines under a table ---------------------------------------------------------------


def test_signature_and_date_lines_under_a_table_are_its_footer(tmp_path):
    """The lines a township's printed form carries under the table: 联系人签字：, 村支部书记（签字）：,
    （盖章）, 审核：李四 and 制表：张三 (without 人), 日期：2010年12月31日, （以下空白）, 此页无正文. Each was
    read as a card or a visit missing everything (a row of 必填项为空 errors at cells the clerk
    left empty on purpose: exit 1, the book 部分汇总). Now each is a footer line, skipped with a
    notice, like 填表人：张三 already was. A visit whose 卡号 is 章明's name is still a visit."""
    book(tmp_path / "b.xlsx", {
        "联户卡": [CARD_HEADER, CARD_ROW, [None, "联系人签字：", None, "村支部书记（签字）："], [None, "（盖章）"],
                 [None, "日期：2010年12月31日"]],
        "联户日记": [["卡号", "日期", "形式"], ["K1", D(2010, 3, 6), "入户访谈"], ["K1", D(2010, 4, 6), "入户访谈"],
                 ["（以下空白）"], ["此页无正文"], ["审核：李四"], ["制表：张三"]]})
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0, issues
    assert said(issues) == [("footer-row", "联户卡", f"B{r}") for r in (4, 5, 6)] + [
        ("footer-row", "联户日记", f"A{r}") for r in (5, 6, 7, 8)]
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12,
                                  实记日记月数=2)


def test_a_name_or_a_card_number_is_no_footer(tmp_path):
    """章明 (a 章 in a name), (XY001) in brackets: not a signature or footer line; still rows,
    errors at their cells as before."""
    book(tmp_path / "b.xlsx", {
        "联户卡": [CARD_HEADER, CARD_ROW],
        "联户日记": [["卡号", "日期", "形式"], ["章明", D(2010, 3, 6), "入户访谈"], ["(K1)", D(2010, 4, 6), "入户访谈"]]})
    code, _, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("unknown-card", "联户日记", "A3"), ("unknown-card", "联户日记", "A4")]


def test_a_page_pasted_with_its_columns_in_another_order_is_read_by_its_own_header(tmp_path):
    """A village's diary of two pages: the second pasted from another cadre's sheet, its header
    along, 担保贷款 and 帮耕帮畜 swapped. The header printed again was skipped and the rows under
    it read by the first header's columns: a loan of 2 yuan and 5000 helps (a large-number
    warning), exit 0 — a silent miscount. Now the rows under it are read by their own header
    (header-moved notice), an error in them is said at the cell where it stands, and a third page
    in the first order is read by that order again."""
    first = ["卡号", "日期", "形式", "担保贷款(元)", "帮耕帮畜(次)"]
    second = ["卡号", "日期", "形式", "帮耕帮畜(次)", "担保贷款(元)"]
    book(tmp_path / "b.xlsx", {
        "联户卡": [CARD_HEADER, CARD_ROW],
        "联户日记": [first, ["K1", D(2010, 3, 6), "入户访谈", 3000, 1],
                 second, ["K1", D(2010, 4, 6), "入户访谈", 2, 5000], ["K1", D(2010, 5, 6), "入户访谈", 1, "三四千"],
                 first, ["K1", D(2010, 6, 6), "入户访谈", 1000, 4]]})
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("bad-number", "联户日记", "E6"), ("header-moved", "联户日记", "A4"),
                            ("header-moved", "联户日记", "A7")]
    moved = by_code(issues, "header-moved")[0]["message"]
    assert "担保贷款(元) 在 E 列" in moved and "帮耕帮畜(次) 在 D 列" in moved
    # by hand: loans 3000 + 5000 + 1000, helps 1 + 2 + 4; the May visit out (三四千)
    assert (total["担保贷款(元)"], total["帮耕帮畜"], total["入户访谈"]) == (9000, 7, 3)


# --- a figure a text cell holds two ways -----------------------------------------------------


def test_three_digits_after_a_point_in_an_amount_is_an_error_naming_both_readings(tmp_path):
    """担保贷款 `3.000` typed into a text cell (a point for the thousands, as some write 3.000 for
    3,000): it was counted as 3 yuan, silently. 3 or 3000 cannot be told: an error at the cell
    naming both. `1.5`, `0.500` (a point, a leading 0), `3000.00` and the number 3.0 stay read."""
    write_book(tmp_path / "b.xlsx", [card("K1")],
               [diary("K1", D(2010, 3, 6), **{"担保贷款(元)": "3.000"}),
                diary("K1", D(2010, 4, 6), **{"担保贷款(元)": "1.5"}),
                diary("K1", D(2010, 5, 6), **{"担保贷款(元)": "0.500"}),
                diary("K1", D(2010, 6, 6), **{"担保贷款(元)": "3000.00"}),
                diary("K1", D(2010, 7, 6), **{"担保贷款(元)": 3.0})])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    (error,) = [i for i in issues if i["severity"] == "error"]
    assert (error["code"], error["cell"]) == ("bad-number", f"{col('担保贷款(元)')}3")
    assert "是 3 元还是 3000 元" in error["message"] and "3000" in error["message"]
    assert total["担保贷款(元)"] == 1.5 + 0.5 + 3000 + 3
    assert total["入户访谈"] == 4  # the March visit is out with its cell


def test_yuan_typed_under_a_column_headed_in_wan_is_an_error_naming_both_readings(tmp_path):
    """The form heads its loan column 担保贷款（万元）; the cadre types 3000 (yuan, as on his receipt).
    Read in 万元 that is 3000万 = 30 000 000 yuan for one household: it was counted, with only a
    large-number warning, exit 0 (a township's 汇总 of 80 million against the report's 1.2 million
    over years). 3000 万元 or 3000 元: an error at the cell naming both. 0.3, 1.2, 50 (50万, rare:
    asked about, counted) and 3000元 (its own unit) are read as before."""
    labels = [{"担保贷款(元)": "担保贷款（万元）"}.get(label, label) for label in DIARY_LABELS]
    loans = [3000, "5000", 0.3, "1.2", 50, "3000元"]
    write_book(tmp_path / "b.xlsx", [card("K1")],
               [diary("K1", D(2010, m, 6), **{"担保贷款（万元）": v}) for m, v in enumerate(loans, 3)],
               diary_labels=labels)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    errors = [(i["code"], i["cell"]) for i in issues if i["severity"] == "error"]
    assert errors == [("yuan-in-wan", f"{col('担保贷款(元)')}3"), ("yuan-in-wan", f"{col('担保贷款(元)')}4")]
    message = by_code(issues, "yuan-in-wan")[0]["message"]
    assert "3000 万元" in message and "是 3000 元吧" in message and "写成“3000元”" in message
    assert [i["value"] for i in by_code(issues, "large-number")] == ["500000"]
    # by hand: 0.3万 + 1.2万 + 50万 + 3000 = 518000 yuan over four visits
    assert (total["担保贷款(元)"], total["入户访谈"]) == (518000, 4)


def test_a_decimal_comma_is_an_error_naming_both_readings(tmp_path):
    """帮耕帮畜 `1,5` and 担保贷款 `2,5`: 1.5 (a decimal comma) or 15? The message said only 不是数字."""
    write_book(tmp_path / "b.xlsx", [card("K1")],
               [diary("K1", D(2010, 3, 6), **{"帮耕帮畜(次)": "1,5"}),
                diary("K1", D(2010, 4, 6), **{"担保贷款(元)": "2，5"})])
    code, _, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    messages = {i["cell"]: i["message"] for i in issues if i["code"] == "bad-number"}
    helps, loan = f"{col('帮耕帮畜(次)')}3", f"{col('担保贷款(元)')}4"
    assert set(messages) == {helps, loan}
    assert "是 1.5 还是 15" in messages[helps] and "是 2.5 还是 25" in messages[loan]


# --- a township typed messily, end to end ------------------------------------------------------


DIARY_HEADER = ["卡号", "日期", "形式", "服务类别", "发现问题", "是否主要问题", "办理结果", "解决办法"]


def _township(folder: Path) -> None:
    """Three villages' books as their clerks name and head them."""
    # 下营村: tabs named with the village and the year; loans headed 担保贷款万元, helps in 人次,
    # deeds in 项
    book(folder / "下营村.xlsx", {
        "联户卡（下营村）": [CARD_HEADER,
                         [1, "XY1", "宋海", "村干部", "下营村", "六社", "缪红", "思想保守户", D(2010, 1, 5), "缺资金", "是"],
                         [2, "XY2", "缪红荣", "社干部", "下营村", "四社", "缪锋", "思想保守户", "2010.1.5", "爱打架", "否"],
                         [3, "XY3", "李胜", "党员", "下营村", "五社", "徐学福", "经济落后户", "2010年1月5日", "缺资金", None,
                          2500]],
        "联户日记（2010年）": [
            [*DIARY_HEADER, "办实事（项）", "担保贷款万元", "帮耕帮畜（人次）"],
            ["XY1", D(2010, 3, 6), "入户访谈", "政策宣传", "缺资金", "是", "协调解决", "担保贷款", 1, 0.3, None],
            ["XY1", "2010.4.6", "入户访谈", None, None, None, None, None, None, None, None],
            ["XY2", D(2010, 3, 8), "电话联系", None, None, None, None, None, None, None, None],
            ["XY3", D(2010, 3, 10), "入户访谈", "实用技术", None, None, None, None, None, "0.5", "2人次"]],
    })
    # 倪家营村: 联户卡 by name, one diary sheet a month; a loan typed 3.000 (3 or 3000?)
    book(folder / "倪家营村.xlsx", {
        "联户卡": [CARD_HEADER,
                 [1, "NJ1", "鲁维俭", "乡干部", "倪家营村", "四社", "宋燕林", "致富明星户", D(2010, 3, 1), "缺技术"],
                 [2, "NJ2", "张彩琴", "乡干部", "倪家营村", "六社", "宋二", "致富明星户", D(2010, 3, 1), "缺资金"]],
        "联户日记(3月)": [[*DIARY_HEADER, "担保贷款(元)"],
                      ["NJ1", D(2010, 3, 15), "入户访谈", "市场信息", None, None, None, None, None],
                      ["NJ2", D(2010, 3, 16), "入户访谈", None, None, None, None, None, "3.000"]],
        "联户日记(4月)": [[*DIARY_HEADER, "办实事(件)"],
                      ["NJ1", D(2010, 4, 15), "入户访谈", "帮扶项目", "缺种子", "是", "当场解决", "送种子", "2回"],
                      ["NJ2", D(2010, 4, 16), "集中座谈", None, None, None, None, None, None]],
    })
    # 汪家墩村: the standard's names, with Excel's copy of the diary and a backup of the cards
    # beside them (not read); helps typed 1,5 (1.5 or 15?) and 2回
    card_row = [1, "WJ1", "王培义", "党员", "汪家墩村", "五社", "吴吉成", "经济落后户", D(2010, 2, 1), "缺牲畜", None, 2500]
    book(folder / "汪家墩村.xlsx", {
        "联户卡": [CARD_HEADER, card_row],
        "联户日记": [[*DIARY_HEADER, "帮耕帮畜(次)"],
                 ["WJ1", D(2010, 3, 20), "入户访谈", None, None, None, None, None, "1,5"],
                 ["WJ1", D(2010, 5, 20), "入户访谈", None, None, None, None, None, "2回"]],
        "联户日记 (2)": [[*DIARY_HEADER, "帮耕帮畜(次)"],
                     ["WJ1", D(2010, 3, 20), "入户访谈", None, None, None, None, None, 1],
                     ["WJ1", D(2010, 6, 20), "入户访谈", None, None, None, None, None, None]],
        "联户卡备份": [CARD_HEADER, [*card_row[:1], "WJ9", *card_row[2:]]],
    })


# Hand count, period 2010 (months expected to December):
# 下营村: XY1, XY2 思想保守户 (XY1 converted), XY3 经济落后户, all linked January: 3 × 12 = 36 months.
#   Visits: XY1 3/6 (入户, 政策宣传, main problem solved by 协调解决, 1 deed, 0.3万 = 3000), XY1 4/6 入户,
#   XY2 3/8 phone, XY3 3/10 (入户, 实用技术, 0.5万 = 5000, 2 helps). 入户访谈 3, 提供服务 2, 解决主要问题 1,
#   办实事 1, 担保贷款 8000, 帮耕帮畜 2; interview months XY1 2 + XY3 1 = 3; diary months 2 + 1 + 1 = 4.
# 倪家营村: NJ1, NJ2 致富明星户 linked March: 2 × 10 = 20 months. NJ2's 3/16 visit is out (3.000).
#   NJ1 3/15 入户 市场信息; NJ1 4/15 入户 帮扶项目, main problem solved on the spot, 2 deeds; NJ2 4/16
#   座谈. 入户访谈 2, 提供服务 2, 解决主要问题 1, 办实事 2; interview months 2; diary months 2 + 1 = 3.
# 汪家墩村: WJ1 经济落后户 linked February: 11 months. The 3/20 visit is out (1,5); 5/20 入户 with 2
#   helps. The copy and the backup are not read. 入户访谈 1, 帮耕帮畜 2, months 1 and 1.
VILLAGES = {
    "下营村": hand(思想保守户=2, 经济落后户=1, 入户访谈=3, 提供服务=2, 解决主要问题=1, 办实事=1, 担保贷款=8000,
                帮耕帮畜=2, 转化户数=1, 思想保守户数=2, 应访谈月数=36, 实访谈月数=3, 应记日记月数=36, 实记日记月数=4,
                主要问题已解决户数=1),
    "倪家营村": hand(致富明星户=2, 入户访谈=2, 提供服务=2, 解决主要问题=1, 办实事=2, 应访谈月数=20, 实访谈月数=2,
                 应记日记月数=20, 实记日记月数=3, 主要问题已解决户数=1),
    "汪家墩村": hand(经济落后户=1, 入户访谈=1, 帮耕帮畜=2, 应访谈月数=11, 实访谈月数=1, 应记日记月数=11, 实记日记月数=1),
}


def test_a_township_whose_clerks_name_their_sheets_and_units_their_own_way_gives_the_hand_count(tmp_path):
    """Every figure of the 汇总 by village and for the township against the count above. Before:
    下营村's book was refused whole (no sheet named 联户卡/联户日记), 倪家营村's two diary sheets were
    not read, and 3.000 would have been 3 yuan."""
    _township(tmp_path / "乡")
    _check_township(tmp_path / "乡")


@needs_libreoffice
def test_the_township_saved_again_by_libreoffice_counts_the_same(tmp_path):
    """The three books opened and saved in LibreOffice (as WPS and LibreOffice users pass them
    on): the sheet names, the units and the hand count must not move."""
    _township(tmp_path / "src")
    libreoffice_save(sorted((tmp_path / "src").glob("*.xlsx")), tmp_path / "乡")
    _check_township(tmp_path / "乡")


def _check_township(folder: Path) -> None:
    code, total, issues = consolidated(folder)
    assert code == 1
    assert sorted((i["code"], i["sheet"], i["cell"]) for i in issues if i["severity"] == "error") == [
        ("bad-number", "联户日记", "I3"), ("bad-number", "联户日记(3月)", "I4"),
        ("lookalike-sheet", "联户卡备份", "A2"), ("lookalike-sheet", "联户日记 (2)", "A2")]
    assert sorted(i["sheet"] for i in by_code(issues, "named-sheet")) == [
        "联户卡（下营村）", "联户日记(3月)", "联户日记(4月)", "联户日记（2010年）"]
    rows = totals_rows(folder / "汇总表.xlsx")
    assert {v: counts_of(rows[v]) for v in VILLAGES} == VILLAGES
    township = {k: sum(v[k] for v in VILLAGES.values()) for k in VILLAGES["下营村"]}
    assert counts_of(total) == township
    assert township == hand(致富明星户=2, 思想保守户=2, 经济落后户=2, 入户访谈=6, 提供服务=4, 解决主要问题=2, 办实事=3,
                            担保贷款=8000, 帮耕帮畜=4, 转化户数=1, 思想保守户数=2, 应访谈月数=67, 实访谈月数=6,
                            应记日记月数=67, 实记日记月数=8, 主要问题已解决户数=2)
