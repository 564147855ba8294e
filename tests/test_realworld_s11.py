"""Session 11: what a cell's format hides, a loan slipped into a count column, and the diary left
in Sheet1 beside the 联户卡, each consolidated through the CLI and compared with a count made by
hand. Read where an entry means one thing; an error naming both readings where it means two
(3000 typed into a 0% cell is stored 30 and shown 3000%: 30 or 3000?); never a guessed figure.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from bookfactory import CARD_LABELS, card, diary, write_book
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
               "家庭人口"]
CARD_ROW = [1, "K1", "王明", "乡干部", "下营村", "六社", "李一", "致富明星户", D(2010, 1, 5), "缺技术"]


def formatted(path: Path, sheet: str, formats: dict[str, tuple[object, str]]) -> Path:
    """The book with these cells holding these stored values under these number formats, as
    Excel keeps them (3000 typed into a 0% cell is stored 30)."""
    wb = openpyxl.load_workbook(path)
    for ref, (value, number_format) in formats.items():
        wb[sheet][ref].value = value
        wb[sheet][ref].number_format = number_format
    wb.save(path)
    return path


# --- a percent format on a count or an amount -------------------------------------------------


def test_a_figure_typed_into_a_percent_cell_is_an_error_naming_both_readings(tmp_path):
    """The clerk copied a format from the 汇总 (转化率 0%) down the 担保贷款 column, then typed 3000:
    Excel divides by 100 and stores 30, showing 3000%. The loan was counted 30 yuan, silently
    (and 办实事 1 typed the same way, stored 0.01, a not-whole error saying nothing of why).
    Stored 30 or shown 3000: which was meant cannot be told (a number typed before the format
    was set is stored as typed and shown 100 times larger). An error at the cell, naming both
    and what to do; the figure never counted. A percent cell under a text column, a 0 in one,
    and the rows without one are read as before."""
    loans, deeds, problem = col("担保贷款(元)"), col("办实事(件)"), col("发现问题")
    path = write_book(tmp_path / "乡" / "b.xlsx", [card("K1"), card("K2")], [
        diary("K1", D(2010, 3, 6)),
        diary("K1", D(2010, 4, 6)),
        diary("K2", D(2010, 3, 6), **{"办实事(件)": 0}),
        diary("K2", D(2010, 4, 6), **{"担保贷款(元)": 5000}, 发现问题="缺水", 办理结果="协调解决", 解决办法="找水管站"),
    ])
    formatted(path, "联户日记", {f"{loans}3": (30, "0%"), f"{deeds}4": (0.01, "0.00%"),
                                 f"{deeds}5": (0, "0%"), f"{problem}6": ("缺水", "0%")})
    formatted(path, "联户卡", {f"{chr(ord('A') + CARD_LABELS.index('家庭人口'))}3": (0.05, "0%")})
    code, total, issues = consolidated(tmp_path / "乡")
    assert code == 1
    errors = sorted((i["code"], i["sheet"], i["cell"]) for i in issues if i["severity"] == "error")
    assert errors == [("percent-cell", "联户卡", f"{chr(ord('A') + CARD_LABELS.index('家庭人口'))}3"),
                      ("percent-cell", "联户日记", f"{deeds}4"), ("percent-cell", "联户日记", f"{loans}3")]
    loan = next(i for i in issues if i["cell"] == f"{loans}3")
    assert loan["value"] == "3000%"
    assert "30" in loan["message"] and "3000" in loan["message"] and "常规" in loan["message"]
    # by hand: K1's card is out (家庭人口 5 or 0.05?), its visits with it; K2 linked in January,
    # visited in March (0 deeds) and April (a 5000 loan)
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 担保贷款=5000, 应访谈月数=12, 实访谈月数=2,
                                  应记日记月数=12, 实记日记月数=2)


def test_a_percent_format_elsewhere_costs_nothing(tmp_path):
    """A percent format on a sheet that is no register (the clerk's own 统计 sheet of rates), or
    on a register column that holds no number: nothing said, everything counted."""
    path = write_book(tmp_path / "b.xlsx", [card("K1")], [diary("K1", D(2010, 3, 6), **{"担保贷款(元)": 3000})],
                      extra_sheets={"统计": [["转化率", 0.5]]})
    formatted(path, "统计", {"B1": (0.5, "0%")})
    formatted(path, "联户日记", {f"{col('形式')}3": ("入户访谈", "0%")})
    code, total, issues = consolidated(path)
    assert code == 0, issues
    assert not by_code(issues, "percent-cell")
    assert total["担保贷款(元)"] == 3000


# --- a loan slipped into a count column -------------------------------------------------------


def test_a_loan_with_its_lender_under_a_count_column_is_an_error(tmp_path):
    """`3000（信用社）` under 办实事 (the loan typed one column to the left, the lender in brackets
    as under 担保贷款) was counted as 3000 deeds with a large-number warning (exit 0: the township's
    办实事 3000 too many). No visit does 100 deeds and no loan is under 100 yuan: the figure is a
    loan's, an error at the cell saying so. `1（信用社担保）` is a deed (the guarantee arranged),
    read as 1, as is `2（信用社）`."""
    deeds, helps = col("办实事(件)"), col("帮耕帮畜(次)")
    write_book(tmp_path / "乡" / "b.xlsx", [card("K1")], [
        diary("K1", D(2010, 3, 6), **{"办实事(件)": "3000（信用社）"}),
        diary("K1", D(2010, 4, 6), **{"办实事(件)": "1（信用社担保）"}),
        diary("K1", D(2010, 5, 6), **{"办实事(件)": "2(信用社)"}),
        diary("K1", D(2010, 6, 6), **{"帮耕帮畜(次)": "5000(农村信用社)"}),
    ])
    code, total, issues = consolidated(tmp_path / "乡")
    assert code == 1
    errors = [(i["code"], i["cell"]) for i in issues if i["severity"] == "error"]
    assert sorted(errors) == [("bad-number", f"{deeds}3"), ("bad-number", f"{helps}6")]
    message = next(i for i in issues if i["cell"] == f"{deeds}3")["message"]
    assert "信用社" in message and "担保贷款" in message
    # by hand: the April and May visits count, 1 + 2 deeds; March's and June's are out
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 办实事=3, 应访谈月数=12, 实访谈月数=2,
                                  应记日记月数=12, 实记日记月数=2)


# --- the diary left in Sheet1 beside the 联户卡 -------------------------------------------------

DIARY_HEADER = ["卡号", "日期", "形式", "服务类别", "办实事（件）", "担保贷款（元）"]


def test_the_diary_left_in_sheet1_beside_the_cards_is_read_with_a_warning(tmp_path):
    """A village book with its cards in 联户卡 and its diary in Sheet1 (the new book's first sheet,
    never renamed), no 联户日记: every visit was out (lookalike-sheet error), the township's
    入户访谈 short by the whole village. Nothing else in the book can be its diary and the header is
    the diary's only (nothing of a card's own columns): read, a content-sheet warning at its
    header. The cards left in Sheet1 beside a 联户日记 likewise; a card book whose Sheet1 holds a
    table mixing both registers' columns, or a Sheet1 beside 联户日记（作废）, stays unread."""
    visits = [DIARY_HEADER, ["K1", D(2010, 3, 6), "入户访谈", "政策宣传", 1, 3000],
              ["K1", D(2010, 4, 6), "电话联系"]]
    book(tmp_path / "乡" / "a.xlsx", {"联户卡": [CARD_HEADER, CARD_ROW], "Sheet1": visits})
    book(tmp_path / "乡" / "b.xlsx", {"Sheet1": [CARD_HEADER, [2, "K2", *CARD_ROW[2:6], "李二", *CARD_ROW[7:]]],
                                     "联户日记": [DIARY_HEADER, ["K2", D(2010, 5, 6), "入户访谈"]]})
    mixed = ["卡号", "户主", "联系户类型", "日期", "形式"]
    book(tmp_path / "乡" / "c.xlsx", {"联户卡": [CARD_HEADER, [3, "K3", *CARD_ROW[2:6], "李三", *CARD_ROW[7:]]],
                                     "Sheet1": [mixed, ["K3", "李三", "致富明星户", D(2010, 3, 6), "入户访谈"]]})
    book(tmp_path / "乡" / "d.xlsx", {"联户卡": [CARD_HEADER, [4, "K4", *CARD_ROW[2:6], "李四", *CARD_ROW[7:]]],
                                     "联户日记（作废）": [], "Sheet1": [DIARY_HEADER, ["K4", D(2010, 3, 6), "入户访谈"]]})
    code, total, issues = consolidated(tmp_path / "乡")
    assert code == 1
    assert sorted((i["file"], i["code"], i["sheet"], i["cell"]) for i in issues if i["severity"] != "notice") == [
        ("a.xlsx", "content-sheet", "Sheet1", "A2"), ("b.xlsx", "content-sheet", "Sheet1", "A2"),
        ("c.xlsx", "lookalike-sheet", "Sheet1", "A2"), ("d.xlsx", "lookalike-sheet", "Sheet1", "A2")]
    warning = next(i for i in issues if i["file"] == "a.xlsx")
    assert "改名为“联户日记”" in warning["message"] and "没有别的“联户日记”" in warning["message"]
    # by hand: four star cards linked in January (48 months expected); K1 visited at home in March
    # (policy explained, 1 deed, a 3000 loan) and called in April, K2 visited in May
    assert counts_of(total) == hand(致富明星户=4, 入户访谈=2, 提供服务=1, 办实事=1, 担保贷款=3000, 应访谈月数=48, 实访谈月数=2,
                                  应记日记月数=48, 实记日记月数=3)


# --- what else clerks type ----------------------------------------------------------------------


def test_a_tick_typed_as_the_letter_v_is_yes(tmp_path):
    """Without a √ on the keyboard a clerk ticks with V (or v, or the ∨ an input method offers):
    是否转化 `V` was bad-yesno, the card and all its visits out of the totals (its 思想保守户, its
    转化). A tick is 是, as √ and Y are; X was already 否."""
    cards = [card(f"K{i}", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化=mark)
             for i, mark in enumerate(["V", "v", "∨", "X"], 1)]
    write_book(tmp_path / "b.xlsx", cards, [diary("K1", D(2010, 3, 6), 是否主要问题="V", 发现问题="缺水",
                                                   办理结果="当场解决", 解决办法="修水管")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0, issues
    # by hand: four conservative cards linked in January, three ticked converted; K1's main problem
    # solved on the spot in March
    assert counts_of(total) == hand(思想保守户=4, 思想保守户数=4, 转化户数=3, 入户访谈=1, 解决主要问题=1,
                                  主要问题已解决户数=1, 应访谈月数=48, 实访谈月数=1, 应记日记月数=48, 实记日记月数=1)


def test_a_deed_or_a_loan_written_the_way_it_is_said(tmp_path):
    """办实事 `1件实事`, `一件事`; 担保贷款 `人民币3000元`, `RMB5000` (as the loan papers write it): each was
    bad-number, the visit out. The figure is plain: read."""
    write_book(tmp_path / "b.xlsx", [card("K1")], [
        diary("K1", D(2010, 3, 6), **{"办实事(件)": "1件实事", "担保贷款(元)": "人民币3000元"}),
        diary("K1", D(2010, 4, 6), **{"办实事(件)": "一件事", "担保贷款(元)": "RMB5000"}),
    ])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0, issues
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 办实事=2, 担保贷款=8000, 应访谈月数=12, 实访谈月数=2,
                                  应记日记月数=12, 实记日记月数=2)


def test_a_line_of_text_under_a_visit_is_said_as_its_continuation(tmp_path):
    """A clerk who does not know Alt+Enter writes the rest of a visit's 发现问题 and 解决办法 on the
    next line, leaving 卡号, 日期 and 形式 empty there. That line was four errors (卡号, 日期, 形式
    required; 办理结果 required), none saying what happened. One warning instead, naming the
    line above: nothing is counted from a line of text either way. A line under a 卡号, 日期 and 形式
    merged down over it is a visit of its own, as before; a line with a figure is no continuation."""
    problem = col("发现问题")
    path = write_book(tmp_path / "b.xlsx", [card("K1")], [
        diary("K1", D(2010, 3, 6), 发现问题="缺水，", 是否主要问题="是", 办理结果="协调解决", 解决办法="找水管站"),
        {"发现问题": "缺肥", "解决办法": "联系农资站"},
        diary("K1", D(2010, 4, 6), 发现问题="缺种子", 办理结果="当场解决", 解决办法="送种子"),
        {"发现问题": "缺农膜", "办理结果": "正在办理", "解决办法": "联系供销社"},
        diary("K1", D(2010, 5, 6)),
        {"发现问题": "又修了一次渠", "办实事(件)": 1},
    ])
    wb = openpyxl.load_workbook(path)
    for letter in (col("卡号"), col("日期"), col("形式")):
        wb["联户日记"].merge_cells(f"{letter}5:{letter}6")
    wb.save(path)
    code, total, issues = consolidated(path)
    assert code == 1
    assert said(by_code(issues, "text-only-row")) == [("text-only-row", "联户日记", f"{problem}4")]
    warning = by_code(issues, "text-only-row")[0]
    assert warning["severity"] == "warning" and "第 3 行" in warning["message"] and "写到第 3 行同一格" in warning["message"]
    # the line with a figure (1 deed: whose?) is a row with its errors, as before
    assert {i["row"] for i in issues if i["severity"] == "error"} == {8}
    assert sorted(i["cell"] for i in by_code(issues, "required")) == sorted(f"{col(x)}8" for x in ("卡号", "日期", "形式"))
    # by hand: March's visit (main problem solved by coordination), April's two rows (one visit
    # each: merged 卡号, 日期, 形式), May's visit
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=4, 解决主要问题=1, 主要问题已解决户数=1, 应访谈月数=12,
                                  实访谈月数=3, 应记日记月数=12, 实记日记月数=3)


def test_a_minority_names_middle_dot_is_one_mark_however_typed(tmp_path):
    """户主 阿不都·热合曼 on the card, typed 阿不都.热合曼 in the diary (the dot on the keyboard) and
    阿不都•热合曼 on a second card of the same 社: the diary was said to name another household
    (name-mismatch), and the second card was not seen as the same household. One name: the diary
    matches its card; the second card is said as the same household twice linked."""
    write_book(tmp_path / "b.xlsx", [card("K1", 户主="阿不都·热合曼"), card("K2", 户主="阿不都•热合曼")],
               [diary("K1", D(2010, 3, 6), 户主="阿不都.热合曼")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0, issues
    assert said([i for i in issues if i["severity"] != "notice"]) == [
        ("duplicate-household", "联户卡", f"{chr(ord('A') + CARD_LABELS.index('户主'))}{row}") for row in (3, 4)]
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=1, 应访谈月数=24, 实访谈月数=1, 应记日记月数=24,
                                  实记日记月数=1)


def test_column_units_as_forms_write_them(tmp_path):
    """Headers `担保贷款（万）` (万 for 万元), `担保贷款（人民币元）`, `担保贷款数（元）`, and the count
    columns without their brackets `办实事件`, `帮耕帮畜次`: each was an unknown column, its figures
    kept nowhere, the 汇总's 担保贷款 / 办实事 / 帮耕帮畜 0 with only a warning (exit 0). Read as the
    standard's columns; the 万 column's figures in 万元, said once at its header (wan-column)."""
    head = ["卡号", "日期", "形式", "担保贷款（万）", "办实事件", "帮耕帮畜次"]
    book(tmp_path / "乡" / "a.xlsx", {"联户卡": [CARD_HEADER, CARD_ROW],
                                     "联户日记": [head, ["K1", D(2010, 3, 6), "入户访谈", 0.3, 1, 2],
                                              ["K1", D(2010, 4, 6), "入户访谈", "1.5", "1件", None]]})
    book(tmp_path / "乡" / "b.xlsx", {"联户卡": [CARD_HEADER, [2, "K2", *CARD_ROW[2:6], "李二", *CARD_ROW[7:]]],
                                     "联户日记": [["卡号", "日期", "形式", "担保贷款数（元）"],
                                              ["K2", D(2010, 3, 6), "入户访谈", 5000]]})
    book(tmp_path / "乡" / "c.xlsx", {"联户卡": [CARD_HEADER, [3, "K3", *CARD_ROW[2:6], "李三", *CARD_ROW[7:]]],
                                     "联户日记": [["卡号", "日期", "形式", "担保贷款（人民币元）"],
                                              ["K3", D(2010, 3, 6), "入户访谈", 2000]]})
    code, total, issues = consolidated(tmp_path / "乡")
    assert code == 0, issues
    assert said([i for i in issues if i["severity"] != "notice"]) == []
    assert said(by_code(issues, "wan-column")) == [("wan-column", "联户日记", "D2")]
    # by hand: K1's loans 0.3万 + 1.5万, 2 deeds, 2 helps; K2's 5000 and K3's 2000 yuan
    assert counts_of(total) == hand(致富明星户=3, 入户访谈=4, 办实事=2, 担保贷款=25000, 帮耕帮畜=2, 应访谈月数=36,
                                  实访谈月数=4, 应记日记月数=36, 实记日记月数=4)


def test_a_tab_named_with_its_year_or_village_says_what_a_title_would(tmp_path):
    """A diary tab named 联户日记（2010年） (read by its name since session 10) with its dates typed
    `3月6日` and `4.6`, and a card tab named 下营村联户卡 without a 村 column: under a title row
    saying 2010 or 下营村 these read as that year's dates and that village's cards; said in the tab's
    name they were bad-date errors (every visit out) and a missing 村 column (every card out). The
    name says it as a title does: read, said as before (village-from-title)."""
    card_header = [h for h in CARD_HEADER if h != "村"]
    row = [x for x in CARD_ROW if x != "下营村"]
    path = tmp_path / "b.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in {"下营村联户卡": [card_header, row],
                       "联户日记（2010年）": [["卡号", "日期", "形式"], ["K1", "3月6日", "入户访谈"], ["K1", "4.6", "入户访谈"]]}.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    wb.save(path)
    code, total, issues = consolidated(path)
    assert code == 0, issues
    assert said(by_code(issues, "village-from-title")) == [("village-from-title", "下营村联户卡", "A1")]
    assert "工作表名" in by_code(issues, "village-from-title")[0]["message"]
    assert list(totals_rows(tmp_path / "汇总表.xlsx")) == ["下营村", "合计"]
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=2, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12,
                                  实记日记月数=2)


@needs_libreoffice
def test_a_percent_cell_saved_by_libreoffice_is_said_too(tmp_path):
    """LibreOffice (as WPS) writes a percent format as a format of the book's own (`0%` under
    another number), not Excel's built-in one: the same cell error."""
    src = write_book(tmp_path / "src" / "b.xlsx", [card("K1")], [diary("K1", D(2010, 3, 6))])
    formatted(src, "联户日记", {f"{col('担保贷款(元)')}3": (30, "0%")})
    libreoffice_save([src], tmp_path / "乡")
    code, total, issues = consolidated(tmp_path / "乡")
    assert code == 1
    assert said([i for i in issues if i["severity"] == "error"]) == [("percent-cell", "联户日记", f"{col('担保贷款(元)')}3")]
    assert total["担保贷款(元)"] == 0 and total["入户访谈"] == 0


def test_a_link_month_typed_into_a_general_cell_is_read(tmp_path):
    """结对日期 `2010.3` typed as text is March 2010 (session 8), but typed into an ordinary cell
    Excel keeps the number 2010.3: bad-date, the card and all its visits out. The number reads as
    the text does (2010.12 is December). 2010.1 may be 2010.10 with its 0 dropped by the number:
    January or October? An error naming both."""
    link = chr(ord("A") + CARD_LABELS.index("结对日期"))
    write_book(tmp_path / "b.xlsx", [card("K1", 结对日期=2010.3), card("K2", 结对日期=2010.12),
                                     card("K3", 结对日期=2010.1)],
               [diary("K1", D(2010, 3, 6)), diary("K2", D(2010, 12, 6))])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said([i for i in issues if i["severity"] == "error"]) == [("bad-date", "联户卡", f"{link}5")]
    message = by_code(issues, "bad-date")[0]["message"]
    assert "2010年1月" in message and "2010年10月" in message
    # by hand: K1 linked in March (10 months), K2 in December (1), both visited in their first month
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=2, 应访谈月数=11, 实访谈月数=2, 应记日记月数=11,
                                  实记日记月数=2)


def struck(path: Path, sheet: str, refs: list[str]) -> Path:
    """The book with these cells' text struck through (开始 → 字体 → 删除线), as a clerk crosses out
    a line instead of deleting it."""
    wb = openpyxl.load_workbook(path)
    for ref in refs:
        wb[sheet][ref].font = openpyxl.styles.Font(strike=True)
    wb.save(path)
    return path


def test_a_line_struck_through_is_not_counted_without_a_word(tmp_path):
    """A clerk crosses out a visit (and a card) with 删除线 instead of deleting the line, as on paper:
    the line was counted (a 5000 loan, an interview, a star card), nothing said. Struck or a
    stray format? A careful clerk counting by hand leaves a crossed-out line out; which was meant
    cannot be told: an error on the line, naming its struck cells; the line left out (the card's
    visits with it). A line without strikethrough beside it counts as before."""
    labels = [chr(ord("A") + i) for i in range(len(CARD_LABELS))]
    path = write_book(tmp_path / "b.xlsx", [card("K1"), card("K2")], [
        diary("K1", D(2010, 3, 6), **{"担保贷款(元)": 5000}),
        diary("K1", D(2010, 4, 6)),
        diary("K2", D(2010, 3, 6)),
    ])
    struck(path, "联户日记", [f"{col(x)}3" for x in ("卡号", "日期", "形式", "担保贷款(元)")])
    struck(path, "联户卡", [f"{letter}4" for letter in labels[:14]])
    code, total, issues = consolidated(path)
    assert code == 1
    errors = [i for i in issues if i["severity"] == "error"]
    assert [(i["code"], i["sheet"], i["row"]) for i in errors] == [("struck-out", "联户卡", 4), ("struck-out", "联户日记", 3)]
    assert "删除线" in errors[1]["message"] and f"{col('担保贷款(元)')}3" in errors[1]["message"]
    assert [i["code"] for i in issues if i["row"] == 5 and i["sheet"] == "联户日记"] == ["card-excluded"]
    # by hand: K1's card, visited in April (March's visit crossed out); K2's card crossed out
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                                  实记日记月数=1)
