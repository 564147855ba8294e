"""Rules across sheets and files (workbook standard, "Duplicates" and 卡号), and the roster."""

from __future__ import annotations

import datetime as dt

from bookfactory import card, diary, roster_xlsx, write_book

from lianhu_xl.roster import load_roster
from lianhu_xl.validate import validate


def run(*paths, roster=None):
    return validate(list(paths), roster=roster)


def found(result) -> list[tuple]:
    return sorted((i.file, i.sheet or "", i.cell or "", i.code) for i in result.report.issues)  # a file's own: no sheet


def counted(result) -> list[tuple]:
    return sorted((r.file, r.sheet, r.row) for r in result.cards + result.diaries if not r.excluded)


# --- 卡号 of a diary ------------------------------------------------------------------------


def test_diary_card_number_that_names_no_card(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001")], [diary("XY-001"), diary("XY-00l")])
    result = run(tmp_path)
    assert found(result) == [("a.xlsx", "联户日记", "A4", "unknown-card")]
    (issue,) = result.report.issues
    # 卡号 letters are read upper case (xy-001 is XY-001's), so the l typed for a 1 shows as L
    assert (issue.severity, issue.column, issue.value) == ("error", "卡号", "XY-00L")
    assert issue.message.startswith("联户日记!A4：") and "XY-00L" in issue.message
    assert counted(result) == [("a.xlsx", "联户卡", 3), ("a.xlsx", "联户日记", 3)]


def test_diary_only_book_whose_cards_came_in_another_file(tmp_path):
    write_book(tmp_path / "cards.xlsx", [card("XY-001"), card("XY-002")], None)
    write_book(tmp_path / "九月日记.xlsx", None, [diary("XY-001"), diary("XY-002", 形式="电话联系")])
    result = run(tmp_path)
    assert found(result) == []
    assert len(counted(result)) == 4
    alone = run(tmp_path / "九月日记.xlsx")  # the same diary book on its own names no card
    assert [i.code for i in alone.report.issues] == ["unknown-card", "unknown-card"]


# --- the same card twice ------------------------------------------------------------------


def test_same_card_same_content_in_two_files_is_counted_once_with_a_warning(tmp_path):
    write_book(tmp_path / "王明.xlsx", [card("XY-001")], [diary("XY-001")])
    write_book(tmp_path / "下营村.xlsx", [card("XY-001"), card("XY-002")], None)
    result = run(tmp_path)
    assert found(result) == [("王明.xlsx", "联户卡", "A3", "duplicate-card")]
    (issue,) = result.report.issues
    assert issue.severity == "warning" and "下营村.xlsx 联户卡!第3行" in issue.message
    assert counted(result) == [("下营村.xlsx", "联户卡", 3), ("下营村.xlsx", "联户卡", 4),
                               ("王明.xlsx", "联户日记", 3)]


def test_same_card_where_one_book_lacks_an_optional_column_is_still_the_same(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001", 备注="无")], None)
    labels = ["卡号", "联系人", "联系人类别", "村", "社", "户主", "联系户类型", "结对日期", "主要问题"]
    write_book(tmp_path / "b.xlsx", [card("XY-001")], None, card_labels=labels)
    assert [i.code for i in run(tmp_path).report.issues] == ["duplicate-card"]


def test_same_card_number_different_content_is_an_error_naming_both_and_leaves_all_out(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001")], [diary("XY-001"), diary("XY-001", "2010-4-6")])
    write_book(tmp_path / "b.xlsx", [card("XY-001", 户主="李四")], None)
    result = run(tmp_path)
    assert found(result) == [("a.xlsx", "联户卡", "A3", "conflicting-card"),
                             ("a.xlsx", "联户日记", "A3", "card-excluded"),
                             ("a.xlsx", "联户日记", "A4", "card-excluded"),
                             ("b.xlsx", "联户卡", "A3", "conflicting-card")]
    by_file = {i.file: i for i in result.report.issues if i.code == "conflicting-card"}
    assert "b.xlsx 联户卡!第3行" in by_file["a.xlsx"].message
    assert "a.xlsx 联户卡!第3行" in by_file["b.xlsx"].message
    assert all(i.severity == "notice" for i in result.report.issues if i.code == "card-excluded")
    assert counted(result) == []


def test_totals_do_not_depend_on_the_order_files_are_given(tmp_path):
    a = write_book(tmp_path / "a.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001")])
    b = write_book(tmp_path / "b.xlsx", [card("XY-001", 主要问题="缺水"), card("XY-002")], [diary("XY-002")])
    forward, backward = run(a, b), run(b, a)
    assert counted(forward) == counted(backward)
    assert found(forward) == found(backward)


def test_a_copy_with_an_error_makes_every_copy_untrustworthy(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001", 结对日期="2010-2-30")], None)
    write_book(tmp_path / "b.xlsx", [card("XY-001")], [diary("XY-001")])
    result = run(tmp_path)
    assert found(result) == [("a.xlsx", "联户卡", "A3", "conflicting-card"),
                             ("a.xlsx", "联户卡", "N3", "bad-date"),
                             ("b.xlsx", "联户卡", "A3", "conflicting-card"),
                             ("b.xlsx", "联户日记", "A3", "card-excluded")]
    assert "a.xlsx 联户卡!第3行" in next(i.message for i in result.report.issues
                                       if i.file == "b.xlsx" and i.code == "conflicting-card")
    assert counted(result) == []


def test_a_card_with_an_error_takes_its_diaries_along(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001", 联系人类别="书记")], [diary("XY-001")])
    result = run(tmp_path)
    assert found(result) == [("a.xlsx", "联户卡", "C3", "bad-choice"),
                             ("a.xlsx", "联户日记", "A3", "card-excluded")]


# --- the same household -------------------------------------------------------------------


def test_same_household_on_two_cards_is_a_warning_on_each(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001", 户主="李进忠")], None)
    write_book(tmp_path / "b.xlsx", [card("XY-007", 户主="李进忠", 联系人="张三")], None)
    result = run(tmp_path)
    assert found(result) == [("a.xlsx", "联户卡", "H3", "duplicate-household"),
                             ("b.xlsx", "联户卡", "H3", "duplicate-household")]
    assert all(i.severity == "warning" for i in result.report.issues)
    assert len(counted(result)) == 2


def test_same_resident_id_on_two_cards_is_the_same_household(tmp_path):
    rid = "11010519491231002X"
    write_book(tmp_path / "a.xlsx", [card("XY-001", 身份证号=rid), card("XY-002", 户主="另一人", 身份证号=rid)],
               None)
    result = run(tmp_path)
    assert [i.code for i in result.report.issues] == ["duplicate-household"] * 2
    assert all(rid not in i.message for i in result.report.issues)


# --- the same diary entry -------------------------------------------------------------------


def test_same_diary_entry_twice_is_counted_once_with_a_warning(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001")], [diary("XY-001", 发现问题="缺水", 办理结果="正在办理",
                                                              解决办法="打井")])
    write_book(tmp_path / "b.xlsx", None, [diary("XY-001", 发现问题="缺水", 办理结果="正在办理", 解决办法="打井")])
    result = run(tmp_path)
    assert found(result) == [("b.xlsx", "联户日记", "A3", "duplicate-diary")]
    assert "a.xlsx 联户日记!第3行" in result.report.issues[0].message
    assert counted(result) == [("a.xlsx", "联户卡", 3), ("a.xlsx", "联户日记", 3)]


def test_same_diary_entry_with_other_content_is_an_error_and_both_are_left_out(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001")],
               [diary("XY-001", **{"担保贷款(元)": 3000}), diary("XY-001", **{"担保贷款(元)": 5000}),
                diary("XY-001", 形式="电话联系")])
    result = run(tmp_path)
    assert found(result) == [("a.xlsx", "联户日记", "A3", "conflicting-diary"),
                             ("a.xlsx", "联户日记", "A4", "conflicting-diary")]
    assert all(i.severity == "error" for i in result.report.issues)
    assert counted(result) == [("a.xlsx", "联户卡", 3), ("a.xlsx", "联户日记", 5)]


# --- the card behind a diary row ----------------------------------------------------------


def test_names_and_date_compared_with_the_card(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001", 户主="李进忠", 结对日期=dt.date(2010, 3, 1))],
               [diary("XY-001", "2010-2-20", 户主="李近忠", 联系人="王明")])
    result = run(tmp_path)
    assert found(result) == [("a.xlsx", "联户日记", "B3", "before-link-date"),
                             ("a.xlsx", "联户日记", "D3", "name-mismatch")]
    assert all(i.severity == "warning" for i in result.report.issues)
    mismatch = next(i for i in result.report.issues if i.code == "name-mismatch")
    assert "李近忠" in mismatch.message and "李进忠" in mismatch.message


# --- roster ------------------------------------------------------------------------------




ROSTER = [["村", "社"], ["下营村", "六社"], ["下营村", "七社"], ["倪家营村", "一社"]]


def test_validate_checks_villages_and_teams_against_the_roster(tmp_path):
    roster = load_roster(roster_xlsx(tmp_path / "名册.xlsx", ROSTER))
    book = write_book(tmp_path / "books" / "a.xlsx",
                      [card("XY-001"), card("XY-002", 村="下菅村"), card("XY-003", 社="九社"),
                       card("XY-004", 村="倪家营村", 社="一社")],
                      [diary("XY-002")])
    result = run(book, roster=roster)
    assert found(result) == [("a.xlsx", "联户卡", "F4", "not-on-roster"), ("a.xlsx", "联户卡", "G5", "not-on-roster"),
                             ("a.xlsx", "联户日记", "A3", "card-excluded")]
    team = next(i for i in result.report.issues if i.cell == "G5")
    assert "九社" in team.message and "六社、七社" in team.message
    assert counted(result) == [("a.xlsx", "联户卡", 3), ("a.xlsx", "联户卡", 6)]
    assert found(run(book)) == []  # without a roster any name is fine


def test_a_card_number_typed_full_width_or_with_spaces_names_the_same_card(tmp_path):
    """ＸＹ－００１ in the diary and `XY- 001 ` in another book are the card XY-001."""
    write_book(tmp_path / "cards.xlsx", [card("XY-001")], [])
    write_book(tmp_path / "diary.xlsx", None, [diary("ＸＹ－００１"), diary("XY- 001 ", dt.date(2010, 4, 6))])
    result = validate([tmp_path])
    assert [i.code for i in result.report.issues if i.severity == "error"] == []
    assert sum(1 for r in result.diaries if not r.excluded) == 2


def test_messages_name_a_column_in_the_sheets_own_words(tmp_path):
    """A header written 担保贷款 (no unit) and 联系日期 (an alias of 日期) is named so in the message;
    身份证号 keeps its standard name, so its value is masked whatever the header says."""
    from bookfactory import DIARY_LABELS

    labels = [{"担保贷款(元)": "担保贷款", "日期": "联系日期"}.get(x, x) for x in DIARY_LABELS]
    cards = [card("XY-001", 身份证号="620702198001011235")]
    rows = [{{"担保贷款(元)": "担保贷款", "日期": "联系日期"}.get(k, k): v
             for k, v in diary("XY-001", "2010.13.1", **{"担保贷款(元)": "三千多"}).items()}]
    write_book(tmp_path / "a.xlsx", cards, rows, diary_labels=labels)
    result = validate([tmp_path])
    by_code = {i.code: i for i in result.report.issues}
    assert by_code["bad-date"].column == "联系日期" and "“联系日期”" in by_code["bad-date"].message
    assert by_code["bad-number"].column == "担保贷款" and "三千多" in by_code["bad-number"].message
    assert by_code["bad-id-number"].column == "身份证号"
    assert "620702198001011235" not in by_code["bad-id-number"].message
