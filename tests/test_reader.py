"""The reader finds the sheets and header rows as real-world books have them, and every
row it reads is counted or listed with its reason (workbook standard, "How a workbook is read")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from bookfactory import CARD_LABELS, card, diary, write_book

from lianhu_xl.book import check_file
from lianhu_xl.reader import label_index, match_label, normalise_label
from lianhu_xl.validate import validate

REQUIRED_CARD = ["卡号", "联系人", "联系人类别", "村", "社", "户主", "联系户类型", "结对日期", "主要问题"]
GOOD_CARD = ["XY-001", "王明", "乡干部", "下营村", "六社", "李进忠", "致富明星户", "2010-3-1", "缺技术"]


def grid_book(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None,
              at: str = "A1") -> Path:
    """A workbook holding exactly these grids (the first cell at ``at``)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    start = openpyxl.utils.cell.coordinate_to_tuple(at)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    ws.cell(start[0] + r, start[1] + c, value)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    wb.save(path)
    return path


def issues(path: Path) -> set[tuple]:
    result = validate([path])
    return {(i.sheet, i.cell, i.code) for i in result.report.issues}


def check(path: Path):
    return check_file(path, path.name)


# --- where the header is ---------------------------------------------------------------


@pytest.mark.parametrize("titles", [0, 1, 3, 9])
def test_header_found_under_title_rows(tmp_path, titles):
    rows = [["联户带创登记簿"], ["下营村 2010 年"]] * 5
    grid = rows[:titles] + [REQUIRED_CARD, GOOD_CARD]
    result = check(grid_book(tmp_path / "b.xlsx", {"联户卡": grid},
                             {"联户卡": [f"A{r}:I{r}" for r in range(1, titles + 1)]}))
    assert [i.code for i in result.issues] == []
    assert [(r.row, r.model.card_no) for r in result.cards] == [(titles + 2, "XY-001")]


def test_header_below_row_10_is_not_found(tmp_path):
    grid = [["标题"]] * 10 + [REQUIRED_CARD, GOOD_CARD]
    result = check(grid_book(tmp_path / "b.xlsx", {"联户卡": grid}))
    assert [(i.code, i.sheet, i.cell) for i in result.issues] == [("no-header", "联户卡", "A1")]
    assert "卡号" in result.issues[0].message


def test_header_not_in_column_a(tmp_path):
    path = grid_book(tmp_path / "b.xlsx", {"联户卡": [["联户卡"], [], REQUIRED_CARD, GOOD_CARD[:7] + ["2010-13-1", "缺"]]},
                     at="C3")
    assert ("联户卡", "J6", "bad-date") in issues(path)  # 结对日期 is the 8th column from C


def test_the_row_with_most_labels_wins(tmp_path):
    # a subtitle row that happens to carry two labels is not the header
    grid = [["卡号", "户主"], REQUIRED_CARD, GOOD_CARD]
    result = check(grid_book(tmp_path / "b.xlsx", {"联户卡": grid}))
    assert [r.row for r in result.cards] == [3] and result.issues == []


def test_any_column_order(tmp_path):
    order = list(reversed(REQUIRED_CARD))
    values = dict(zip(REQUIRED_CARD, GOOD_CARD, strict=True)) | {"结对日期": "2010-2-30"}
    path = grid_book(tmp_path / "b.xlsx", {"联户卡": [order, [values[k] for k in order]]})
    assert issues(path) == {("联户卡", "B2", "bad-date")}  # 结对日期 stands second


@pytest.mark.parametrize("typed, field", [
    ("户 主", "户主"), ("户主\n", "户主"), (" 户主 ", "户主"), ("户\u3000主", "户主"), ("*户主", "户主"),
    ("担保贷款（元）", "担保贷款(元)"), ("担保贷款", "担保贷款(元)"), ("担保\n贷款\n（元）", "担保贷款(元)"),
    ("家庭人口（人）", "家庭人口"), ("办实事【件】", "办实事(件)"),
    # what a clerk calls the sum columns (else only an unknown-column warning, and the sum missing)
    ("担保贷款金额", "担保贷款(元)"), ("担保贷款金额（元）", "担保贷款(元)"), ("办实事件数", "办实事(件)"),
    ("帮耕帮畜次数", "帮耕帮畜(次)"), ("是否为主要问题", "是否主要问题"), ("服务内容", "服务类别"),
])
def test_label_forms_that_match(typed, field):
    kind = "联户卡" if field in CARD_LABELS else "联户日记"
    index = label_index(kind)
    assert match_label(normalise_label(typed), index, kind) == index[normalise_label(field)]


def test_labels_in_a_real_book_with_spaces_breaks_brackets_and_no_unit(tmp_path):
    labels = ["卡 号", "日期\n", "形式", "担保贷款（元）", "帮耕帮畜", "办实事（件）"]
    path = grid_book(tmp_path / "d.xlsx", {"联户卡": [REQUIRED_CARD, GOOD_CARD],
                                           "联户日记": [labels, ["XY-001", "2010-9-6", "入户访谈", "3000元", "2次", "1"]]})
    result = check(path)
    assert result.issues == []
    (d,) = result.diaries
    assert (d.model.loans, d.model.plough_help, d.model.deeds) == (3000, 2, 1)


@pytest.mark.parametrize("label", ["担保贷款（万元）", "担保贷款金额（万元）", "担保贷款（单位：万元）"])
@pytest.mark.parametrize("typed", ["0.3", 0.3, "3000元"])
def test_a_money_column_headed_in_wan_yuan_is_read_in_wan_yuan_never_as_yuan(tmp_path, label, typed):
    """0.3 under 担保贷款（万元） is 3000 yuan (it was an unknown column: the loan left out of the
    totals); a cell that writes its own unit (3000元) says it. Said once, at the header."""
    labels = ["卡号", "日期", "形式", label]
    path = grid_book(tmp_path / "d.xlsx", {"联户卡": [REQUIRED_CARD, GOOD_CARD],
                                           "联户日记": [labels, ["XY-001", "2010-9-6", "入户访谈", typed]]})
    result = check(path)
    assert [(i.code, i.cell, i.column) for i in result.issues] == [("wan-column", "D1", label)]
    assert result.diaries[0].model.loans == 3000


def test_another_unit_is_an_unknown_column_not_misread(tmp_path):
    labels = ["卡号", "日期", "形式", "担保贷款（千元）"]
    path = grid_book(tmp_path / "d.xlsx", {"联户卡": [REQUIRED_CARD, GOOD_CARD],
                                           "联户日记": [labels, ["XY-001", "2010-9-6", "入户访谈", "3"]]})
    result = check(path)
    assert [(i.code, i.cell, i.value) for i in result.issues] == [("unknown-column", "D1", "担保贷款（千元）")]
    assert result.diaries[0].model.loans is None


def test_unknown_column_is_a_warning_and_its_values_are_kept_nowhere(tmp_path):
    path = grid_book(tmp_path / "b.xlsx", {"联户卡": [REQUIRED_CARD + ["户主电话号码", "序号"],
                                                      GOOD_CARD + ["13912345678", 1]]})
    result = check(path)
    assert [(i.code, i.severity, i.cell) for i in result.issues] == [("unknown-column", "warning", "J1")]
    assert result.cards[0].model.phone is None and len(result.cards) == 1


def test_duplicate_column_is_read_once(tmp_path):
    path = grid_book(tmp_path / "b.xlsx", {"联户卡": [REQUIRED_CARD + ["户主"], GOOD_CARD + ["别人"]]})
    result = check(path)
    assert [(i.code, i.cell) for i in result.issues] == [("duplicate-column", "J1")]
    assert result.cards[0].model.head == "李进忠"


def test_missing_required_column_is_an_error_for_the_sheet(tmp_path):
    header = [c for c in REQUIRED_CARD if c != "户主"]
    path = grid_book(tmp_path / "b.xlsx", {"联户卡": [header, GOOD_CARD[:5] + GOOD_CARD[6:]]})
    result = check(path)
    (issue,) = result.issues
    assert (issue.code, issue.severity, issue.sheet, issue.column) == ("missing-column", "error", "联户卡", "户主")
    assert "户主" in issue.message and result.cards == []


# --- which rows are rows --------------------------------------------------------------------


def test_blank_rows_and_serial_number_only_rows_are_not_rows(tmp_path):
    header = ["序号"] + REQUIRED_CARD
    grid = [header, [1] + GOOD_CARD, [2], ["", "  ", "\u3000"], [], [3],
            [4] + ["XY-002"] + GOOD_CARD[1:5] + ["张三"] + GOOD_CARD[6:], [5], [6]]
    result = check(grid_book(tmp_path / "b.xlsx", {"联户卡": grid}))
    assert result.issues == []
    assert [r.row for r in result.cards] == [2, 7]
    assert result.summary.card_rows == 2


@pytest.mark.parametrize("word", ["合计", "小计", "总计", "本页合计", "合计：", " 合 计", "总 计："])
def test_totals_rows_are_skipped_with_a_notice(tmp_path, word):
    grid = [REQUIRED_CARD, GOOD_CARD, [word, None, None, None, None, None, None, None, "1户"]]
    path = grid_book(tmp_path / "b.xlsx", {"联户卡": grid})
    result = validate([path])
    (notice,) = result.report.issues
    assert (notice.code, notice.severity, notice.cell) == ("totals-row", "notice", "A3")
    s = result.report.files[0]
    assert (s.card_rows, s.counted, s.excluded) == (2, 1, 1)


def test_totals_word_in_a_serial_column_before_the_data(tmp_path):
    grid = [["序号"] + REQUIRED_CARD, [1] + GOOD_CARD, ["合计", "1 张"]]
    result = check(grid_book(tmp_path / "b.xlsx", {"联户卡": grid}))
    assert [i.code for i in result.issues] == ["totals-row"]


def test_values_with_trailing_spaces_and_sheets_named_with_spaces(tmp_path):
    path = grid_book(tmp_path / "b.xlsx", {
        "联户卡 ": [REQUIRED_CARD, [f"{v} " for v in GOOD_CARD]],
        " 联户日记": [["卡号", "日期", "形式", "户主"], ["XY-001\u3000", " 2010-9-6 ", "入户访谈 ", "李进忠 "]],
    })
    result = validate([path])
    assert result.report.issues == []
    assert [r.sheet for r in result.cards + result.diaries] == ["联户卡 ", " 联户日记"]
    assert all(not r.excluded for r in result.cards + result.diaries)


def test_merged_cells_in_data_rows_belong_to_every_row(tmp_path):
    grid = [REQUIRED_CARD, GOOD_CARD, ["XY-002"] + GOOD_CARD[1:3] + [None, None, "张三"] + GOOD_CARD[6:],
            [None] * 3 + ["下营村"]]
    path = grid_book(tmp_path / "b.xlsx", {"联户卡": grid}, {"联户卡": ["D2:D4", "E2:E3"]})
    result = check(path)
    assert result.issues == []
    assert [(r.row, r.model.village, r.model.team) for r in result.cards] == [(2, "下营村", "六社"),
                                                                               (3, "下营村", "六社")]


def test_real_dates_and_typed_numbers_in_cells(tmp_path):
    path = write_book(tmp_path / "b.xlsx", [card("XY-001", 结对日期=dt.datetime(2010, 3, 1))],
                      [diary("XY-001", "2010年9月6日", **{"担保贷款(元)": "3,000元", "办实事(件)": "２"}),
                       diary("XY-001", 20100907, 形式="电话联系", **{"担保贷款(元)": "1.2万"})])
    result = check(path)
    assert result.issues == []
    assert [(d.model.date, d.model.loans, d.model.deeds) for d in result.diaries] == [
        (dt.date(2010, 9, 6), 3000, 2), (dt.date(2010, 9, 7), 12000, None)]


# --- which sheets ---------------------------------------------------------------------------


def test_diary_only_and_card_only_books_are_normal(tmp_path):
    cards = check(write_book(tmp_path / "cards.xlsx", [card("XY-001")], None))
    diaries = check(write_book(tmp_path / "diary.xlsx", None, [diary("XY-001")]))
    assert cards.issues == [] and len(cards.cards) == 1
    assert diaries.issues == [] and len(diaries.diaries) == 1


def test_other_sheets_are_ignored(tmp_path):
    path = write_book(tmp_path / "b.xlsx", [card()], [diary()],
                      extra_sheets={"填表说明": [["卡号", "户主"], ["乱写", "的"]], "Sheet1": [["x"]]})
    result = check(path)
    assert result.issues == [] and len(result.cards) == 1


def test_a_book_with_neither_sheet_is_an_error_naming_its_sheets(tmp_path):
    # (a new book's Sheet1 holding the card table is read since session 10: test_realworld_s10)
    path = grid_book(tmp_path / "b.xlsx", {"卡片草稿": [REQUIRED_CARD, GOOD_CARD], "日记": [["x"]]})
    result = check(path)
    lookalike, issue = result.issues
    assert (issue.code, issue.severity, issue.file) == ("no-standard-sheet", "error", "b.xlsx")
    assert "卡片草稿" in issue.message and "日记" in issue.message
    # it holds the card table: said where (session 10), as beside a 联户日记 sheet
    assert (lookalike.code, lookalike.sheet, lookalike.cell) == ("lookalike-sheet", "卡片草稿", "A1")


# --- every row accounted for ----------------------------------------------------------------


def test_every_row_read_is_counted_or_listed_with_its_reason(tmp_path):
    write_book(tmp_path / "a.xlsx",
               [card("XY-001"), card("XY-002", 结对日期="去年"), card("XY-003"), card("XY-003"),
                {"卡号": "合计"}],
               [diary("XY-001"), diary("XY-001"), diary("XY-002"), diary("XY-009"),
                diary("XY-001", "2010-9-31"), diary("XY-003", 发现问题="缺水"), {"卡号": "小计", "办实事(件)": 3}])
    write_book(tmp_path / "b.xlsx", [card("XY-001", 户主="别人")], None)
    result = validate([tmp_path])
    counted = {(r.file, r.sheet, r.row) for r in result.cards + result.diaries if not r.excluded}
    reasons = {(i.file, i.sheet, i.row) for i in result.report.issues
               if i.severity in ("error", "notice") or i.code in ("duplicate-card", "duplicate-diary")}
    rows_read = 0
    for book in result.books:
        s = book.summary
        assert s.counted + s.excluded == s.card_rows + s.diary_rows
        rows_read += s.card_rows + s.diary_rows
        book_rows = {(book.summary.file, "联户卡", r) for r in range(3, 3 + s.card_rows)} | \
                    {(book.summary.file, "联户日记", r) for r in range(3, 3 + s.diary_rows)}
        for place in book_rows:
            assert (place in counted) != (place in reasons), place
    assert rows_read == 13
    assert len(counted) == 1  # XY-003 once (its twin a warning); every diary is out, for its own reason


def test_common_other_names_of_columns_are_read_as_the_column(tmp_path):
    header = ["联户卡号", "联系人姓名", "联系人类别", "村", "社", "户主姓名", "联系户类型", "结对时间", "主要问题",
              "身份证号码", "家庭人口数"]
    path = grid_book(tmp_path / "b.xlsx", {
        "联户卡": [header, GOOD_CARD + ["11010519491231002X", "4人"]],
        "联户日记": [["卡号", "联系日期", "联系形式"], ["XY-001", "2010-9-6", "入户访谈"]]})
    result = check(path)
    assert result.issues == []
    (c,) = result.cards
    assert (c.model.head, c.model.id_number, c.model.household_size) == ("李进忠", "11010519491231002X", 4)
    assert result.diaries[0].model.date == dt.date(2010, 9, 6)


def test_lines_filled_down_in_advance_with_no_card_number_are_empty_lines(tmp_path):
    """A clerk fills 是否主要问题 否 and 办实事 0 down 30 lines ahead: no rows with errors, one
    notice saying which lines were taken as empty; a line with no 卡号 but a date is still a row."""
    labels = ["卡号", "日期", "形式", "是否主要问题", "办实事(件)"]
    ahead = [[None, None, None, "否", 0] for _ in range(30)]
    path = grid_book(tmp_path / "d.xlsx", {
        "联户卡": [REQUIRED_CARD, GOOD_CARD, [None] * 7 + [None, "无"]],
        "联户日记": [labels, ["XY-001", "2010-9-6", "入户访谈", "否", 1], *ahead, [None, "2010-9-8", None, "否", 0]]})
    result = check(path)
    said = [(i.sheet, i.cell, i.code, i.message) for i in result.issues if i.severity == "notice"]
    assert [x[:3] for x in said] == [("联户卡", "A3", "placeholder-rows"), ("联户日记", "A3", "placeholder-rows")]
    assert "第 3 行没有卡号，只有预先填好的“无”之类" in said[0][3]
    assert "第 3–32 行没有卡号，只有预先填好的“否”之类，按空行跳过" in said[1][3]
    errors = [(i.cell, i.code) for i in result.issues if i.severity == "error"]
    assert errors and all(cell.endswith("33") for cell, _ in errors)  # the dated line: 卡号 and 形式 missing
    assert (result.summary.card_rows, result.summary.diary_rows, len(result.diaries)) == (1, 2, 1)


def test_lines_with_the_cadres_own_name_village_and_team_filled_ahead_are_empty_lines(tmp_path):
    """A cadre fills his name, 类别, 村 and 社 down the card sheet's empty lines (and his name down
    the diary's): one notice per sheet, not eight errors a line. A line that also has a 户主 or a
    date is a card or visit, told what it lacks."""
    ahead = [None, "王明", "乡干部", "下营村", "六社", None, None, None, None]
    path = grid_book(tmp_path / "d.xlsx", {
        "联户卡": [REQUIRED_CARD, GOOD_CARD, *[ahead] * 5, ahead[:5] + ["李四", None, None, None]],
        "联户日记": [["卡号", "日期", "形式", "联系人"], ["XY-001", "2010-9-6", "入户访谈", "王明"],
                     *[[None, None, None, "王明"]] * 4, [None, "2010-9-8", None, "王明"]]})
    result = check(path)
    said = [(i.sheet, i.cell, i.code) for i in result.issues if i.severity == "notice"]
    assert said == [("联户卡", "A3", "placeholder-rows"), ("联户日记", "A3", "placeholder-rows")]
    assert "第 3–7 行没有卡号，只有预先填好的“王明”之类" in result.issues[0].message
    errors = {(i.sheet, i.row) for i in result.issues if i.severity == "error"}
    assert errors == {("联户卡", 8), ("联户日记", 7)}  # the card with a 户主, the visit with a date
    assert (result.summary.card_rows, result.summary.diary_rows) == (2, 2)


@pytest.mark.parametrize("heading", ["四月份", "2010年4月", "二〇一〇年下半年", "第二季度", "5月份记录：", "2010年"])
def test_a_heading_over_part_of_the_diary_is_skipped_with_a_notice(tmp_path, heading):
    """A clerk types 四月份 (or 二〇一〇年下半年) over each month's visits, in 卡号's column or
    merged across the row: a heading, skipped and said, not a row with three errors."""
    labels = ["卡号", "日期", "形式"]
    path = grid_book(tmp_path / "d.xlsx", {
        "联户卡": [REQUIRED_CARD, GOOD_CARD],
        "联户日记": [labels, [heading, None, None], ["XY-001", "2010-4-6", "入户访谈"], [None, heading, None],
                     ["XY-001", "2010-5-6", "电话联系"]]}, merges={"联户日记": ["A2:C2"]})
    result = check(path)
    assert [(i.cell, i.code) for i in result.issues] == [("A2", "section-row"), ("B4", "section-row")]
    assert f"第 2 行是分段的小标题（“{heading}”）" in result.issues[0].message
    assert len(result.diaries) == 2


@pytest.mark.parametrize("heading", ["一社", "二社农户：", "下营村三社", "第四组", "6社", "下营村", "下营村第5村民小组"])
def test_a_heading_naming_a_team_or_village_over_its_cards_is_skipped_with_a_notice(tmp_path, heading):
    """Cadres group the cards by 社 under a line typed alone in 卡号's column (一社, 下营村三社,
    二社农户：): a heading, said and skipped, not a card with eight required-column errors."""
    path = grid_book(tmp_path / "d.xlsx", {
        "联户卡": [REQUIRED_CARD, [heading] + [None] * (len(REQUIRED_CARD) - 1), GOOD_CARD],
        "联户日记": [["卡号", "日期", "形式"], [heading, None, None], ["XY-001", "2010-4-6", "入户访谈"]]})
    result = check(path)
    assert [(i.sheet, i.cell, i.code) for i in result.issues] == [
        ("联户卡", "A2", "section-row"), ("联户日记", "A2", "section-row")]
    assert f"（“{heading}”）" in result.issues[0].message
    assert (len(result.cards), len(result.diaries)) == (1, 1)


@pytest.mark.parametrize("no", ["六社-01", "下营村-001", "六社张三", "6"])
def test_a_card_number_with_a_team_in_it_is_still_a_card(tmp_path, no):
    path = grid_book(tmp_path / "d.xlsx", {"联户卡": [REQUIRED_CARD, [no] + [None] * (len(REQUIRED_CARD) - 1)],
                                           "联户日记": [["卡号", "日期", "形式"]]})
    result = check(path)
    assert "section-row" not in [i.code for i in result.issues]
    assert any(i.code == "required" for i in result.issues)  # a card, told what it lacks


def test_a_lone_date_in_the_card_number_column_is_not_a_heading_when_the_row_has_more(tmp_path):
    labels = ["卡号", "日期", "形式"]
    path = grid_book(tmp_path / "d.xlsx", {"联户卡": [REQUIRED_CARD, GOOD_CARD],
                                           "联户日记": [labels, ["四月份", "2010-4-6", "入户访谈"]]})
    result = check(path)
    assert "section-row" not in [i.code for i in result.issues]
    assert [d.model.card_no for d in result.diaries] == ["四月份"]  # a row (its 卡号 then found wanting)


def test_a_column_without_a_label_that_holds_something_is_said_not_dropped_silently(tmp_path):
    """A clerk's own column with no label (phone numbers next to 户主), or the right half of a label
    merged over two columns: its content is not read, and the sheet says so once, at the first
    filled cell; a footer line reaching into a blank column says nothing."""
    labels = ["卡号", "日期", "形式", None, None]
    path = grid_book(tmp_path / "d.xlsx", {
        "联户卡": [REQUIRED_CARD, GOOD_CARD],
        "联户日记": [labels, ["XY-001", "2010-4-6", "入户访谈", None, None],
                     ["XY-001", "2010-5-6", "电话联系", "13912345678", None],
                     ["XY-001", "2010-6-6", "入户访谈", "又去了一次", None], [None, None, None, None, "填表人：王明"]]})
    result = check(path)
    said = [(i.cell, i.message) for i in result.issues if i.code == "unlabelled-column"]
    assert [cell for cell, _ in said] == ["D3"]
    assert "D 列没有列名，但下面填了内容（从 D3 起）" in said[0][1] and "139" not in said[0][1]  # never quoted
    assert len(result.diaries) == 3


def test_rows_hidden_in_excel_are_counted_and_said(tmp_path):
    """Rows a clerk hid (or a filter left out) are read and counted like the others, but the
    clerk cannot see them: one notice per sheet says which, so a count that looks too high is
    explained. A hidden column is no hidden row (it has its own notice, tests/test_hostile_s9.py);
    a sheet without hidden rows says nothing of rows."""
    path = write_book(tmp_path / "b.xlsx", [card("XY-001"), card("XY-002")],
                      [diary("XY-001", dt.date(2010, m, 6)) for m in (3, 4, 5, 6)])
    book = openpyxl.load_workbook(path)
    for r in (4, 5, 7):  # the diary's 2nd, 3rd and 5th lines (title and header above); 7 is blank
        book["联户日记"].row_dimensions[r].hidden = True
    book["联户卡"].column_dimensions["C"].hidden = True
    book.save(path)
    result = check(path)
    said = [(i.sheet, i.cell, i.code) for i in result.issues]
    assert said == [("联户卡", "C2", "hidden-columns"), ("联户日记", "A4", "hidden-rows")]
    assert "第 4–5 行在表格里是隐藏的" in result.issues[1].message
    assert len(result.diaries) == 4 and len(result.cards) == 2


@pytest.mark.parametrize(("ahead", "shown"), [(False, "“FALSE”"), ("否 ", "“否”"), (0.0, "“0”")])
def test_a_line_filled_in_advance_is_quoted_as_the_sheet_shows_it(tmp_path, ahead, shown):
    """A tick-box column filled down FALSE, a 否 typed with a trailing space, a 0: the notice
    quotes what the clerk sees in the cell, not Python's False or 0.0."""
    labels = ["卡号", "日期", "形式", "是否主要问题"]
    path = grid_book(tmp_path / "d.xlsx", {
        "联户卡": [REQUIRED_CARD, GOOD_CARD],
        "联户日记": [labels, ["XY-001", "2010-9-6", "入户访谈", "否"], [None, None, None, ahead],
                     [None, None, None, ahead]]})
    (said,) = [i for i in check(path).issues if i.code == "placeholder-rows"]
    assert f"第 3–4 行没有卡号，只有预先填好的{shown}之类" in said.message


def test_a_visit_under_a_merged_card_number_dated_by_its_month_is_a_row_not_a_heading(tmp_path):
    """卡号 and 形式 merged down over one household's visits, one visit dated 2010年5月 (no day) and
    nothing else typed on its line: it is a visit whose date must be put right (an error at its
    cell), not a heading skipped with 无需处理 and the visit gone without a word."""
    labels = ["卡号", "日期", "形式", "生产生活情况"]
    path = grid_book(tmp_path / "d.xlsx", {
        "联户卡": [REQUIRED_CARD, GOOD_CARD],
        "联户日记": [labels, ["XY-001", "2010-4-6", "入户访谈", "好"], [None, "2010年5月", None, None],
                     [None, "2010-6-6", None, "好"]]}, merges={"联户日记": ["A2:A4", "C2:C4"]})
    result = check(path)
    assert "section-row" not in [i.code for i in result.issues]
    assert [(i.cell, i.code) for i in result.issues if i.severity == "error"] == [("B3", "bad-date")]
    assert result.summary.diary_rows == 3 and len(result.diaries) == 2


def test_a_serial_number_column_merged_down_a_two_row_header_has_its_label(tmp_path):
    """序号 merged over both rows of a header whose second row holds the labels (基本情况 and
    帮扶成效 grouped above them): a column with its label, not one "没有列名" the clerk is told to
    name, and its 合计 line is still a totals line."""
    path = grid_book(tmp_path / "d.xlsx", {
        "联户卡": [REQUIRED_CARD, GOOD_CARD],
        "联户日记": [["序号", "基本情况", None, None, "帮扶成效", None],
                     [None, "卡号", "日期", "形式", "办实事(件)", "担保贷款(元)"],
                     [1, "XY-001", "2010-4-6", "入户访谈", 1, 0], [2, "XY-001", "2010-5-6", "入户访谈", 0, 0],
                     ["合计", None, None, None, 1, 0]]}, merges={"联户日记": ["A1:A2", "B1:D1", "E1:F1"]})
    result = check(path)
    assert [(i.code, i.cell) for i in result.issues] == [("totals-row", "A5")]
    assert [(d.row, d.model.deeds) for d in result.diaries] == [(3, 1), (4, 0)]


@pytest.mark.parametrize("invisible", ["\u200b", "\ufeff", "\u200b \u3000", "\u2060\u200d"])
def test_a_line_holding_only_invisible_characters_is_blank(tmp_path, invisible):
    """Text pasted from WeChat or a web page leaves zero-width characters in cells that look
    empty: such a line is a blank line, as one of spaces is (it was a row of 必填项为空 errors the
    clerk could not see); a name with one in it is still read, without it."""
    book = grid_book(tmp_path / "b.xlsx", {
        "联户卡": [REQUIRED_CARD, GOOD_CARD, [invisible, None, invisible, invisible],
                 ["XY-002", "\u200b王明", *GOOD_CARD[2:5], "张三", *GOOD_CARD[6:]]],
    })
    result = validate([book])
    assert [(i.cell, i.code) for i in result.report.issues] == []
    assert result.books[0].summary.card_rows == 2
    assert [(r.row, r.model.linker) for r in result.store.records("联户卡")] == [(2, "王明"), (4, "王明")]


def test_lines_of_figures_are_checked_against_running_sums_not_added_up_again(tmp_path, monkeypatch):
    """Every line holding only figures (no 卡号) is asked whether it is a page's sums: adding up the
    column above it again each time made a sheet of 8,000 such lines take 20 s (a hostile or
    careless book). Each row's figure is added once to the running sums (and once more into the
    part under a line of sums); the lines are still each told, none taken for a sums line."""
    import xlsxwriter

    from lianhu_xl import reader
    from lianhu_xl.book import check_file
    from lianhu_xl.standard import CardRow, DiaryRow, columns_of

    path = tmp_path / "数字.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    wb.add_worksheet("联户卡").write_row(0, 0, [c.label for c in columns_of(CardRow)])
    ws = wb.add_worksheet("联户日记")
    labels = [c.label for c in columns_of(DiaryRow)]
    ws.write_row(0, 0, labels)
    for r in range(1, 301):
        ws.write_number(r, labels.index("担保贷款(元)"), 1000 + r)
    wb.close()
    touched = []
    add = reader._ColumnSums._add
    monkeypatch.setattr(reader._ColumnSums, "_add", lambda self, f, acc, idx: (touched.append(len(idx)),
                                                                               add(self, f, acc, idx))[1])
    result = check_file(path, path.name)
    assert sum(touched) <= 2 * 300
    assert not [i for i in result.issues if i.code == "sums-row"]
    assert len({i.row for i in result.issues}) == 300  # every line told (its 卡号, 日期, 形式 missing)
