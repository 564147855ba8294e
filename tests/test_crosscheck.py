"""Copies of one card or one diary entry when a copy has an error, what a conflict's message
names, and a diary whose card sheet could not be read (workbook standard, "Duplicates").

What the clerk sees: the messages with their sheet!cell, the exit code, and the 汇总表's
合计 row that ``lianhu consolidate`` writes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from bookfactory import CARD_LABELS, card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli
from lianhu_xl.validate import validate


def found(result) -> list[tuple]:
    return sorted((i.file, i.sheet, i.cell, i.code) for i in result.report.issues)


def issues(folder: Path) -> list[dict]:
    res = CliRunner().invoke(cli, ["validate", str(folder), "--json", "-q"])
    return json.loads(res.output)["issues"]


def totals(folder: Path, out: Path) -> tuple[int, dict[str, object], list[tuple]]:
    """``lianhu consolidate`` for 2010: its exit code, the 汇总表's 合计 row (label -> figure) as
    the workbook shows it, and the 未计入 sheet's (类别, 文件, 工作表, 行)."""
    res = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "--period", "2010",
                                   "--no-cache", "-j", "1"])
    assert "Traceback" not in res.output
    book = openpyxl.load_workbook(out, read_only=True)
    rows = [list(r) for r in book["汇总"].iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "单位")
    total = dict(zip(header, next(r for r in rows if r and r[0] == "合计"), strict=False))
    left = [list(r) for r in book["未计入"].iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(left) if r and r[0] == "类别")
    return res.exit_code, total, sorted((r[0], Path(r[1]).name, r[2], r[3]) for r in left[at + 1:] if r[0] and r[1])


# --- a diary entry typed twice, one copy with an error --------------------------------------


def test_a_diary_copy_with_an_error_leaves_both_copies_out_and_says_so(tmp_path):
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("A")], [
        diary("A", dt.date(2010, 3, 6), **{"办实事(件)": "很多"}),
        diary("A", dt.date(2010, 3, 6), **{"办实事(件)": 2}),
    ])
    result = validate([folder])
    assert found(result) == [("下营村.xlsx", "联户日记", "A3", "conflicting-diary"),
                             ("下营村.xlsx", "联户日记", "A4", "conflicting-diary"),
                             ("下营村.xlsx", "联户日记", "L3", "bad-number")]
    good = next(i for i in result.report.issues if i.cell == "A4")
    assert good.message.startswith("联户日记!A4：") and "下营村.xlsx 联户日记!第3行" in good.message
    assert "办实事(件)：这里是“2”" in good.message and "空着（或填错）" in good.message
    code, total, left = totals(folder, tmp_path / "汇总表.xlsx")
    assert code == 1
    assert (total["入户访谈"], total["办实事"], total["实访谈月数"]) == (0, 0, 0)
    assert left == [("未计入", "下营村.xlsx", "联户日记", 3), ("未计入", "下营村.xlsx", "联户日记", 4)]


def test_which_copy_has_the_error_does_not_change_the_totals(tmp_path):
    """The good copy first or second, in one file or two: the same 汇总表."""
    bad, good = diary("A", **{"担保贷款(元)": "三千多"}), diary("A", **{"担保贷款(元)": 3000})
    write_book(tmp_path / "one" / "a.xlsx", [card("A")], [good, bad])
    write_book(tmp_path / "two" / "a.xlsx", [card("A")], [bad])
    write_book(tmp_path / "two" / "b.xlsx", None, [good])
    for name in ("one", "two"):
        code, total, _ = totals(tmp_path / name, tmp_path / f"{name}.xlsx")
        assert code == 1
        assert (total["入户访谈"], total["担保贷款(元)"]) == (0, 0), name


def test_a_diary_row_whose_date_failed_is_no_copy_of_the_entry(tmp_path):
    """A copy's key cells must be readable to match: a row with a wrong 日期 is its own row
    (left out for its error), and the entry typed right is counted."""
    folder = tmp_path / "收集"
    write_book(folder / "a.xlsx", [card("A")], [diary("A", "2010.3.66"), diary("A", dt.date(2010, 3, 6))])
    result = validate([folder])
    assert found(result) == [("a.xlsx", "联户日记", "B3", "bad-date")]
    _, total, _ = totals(folder, tmp_path / "汇总表.xlsx")
    assert total["入户访谈"] == 1


def test_a_diary_entry_of_a_card_left_out_is_not_told_again_as_a_copy(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("A", 联系人类别="书记")],
               [diary("A", **{"办实事(件)": "很多"}), diary("A", **{"办实事(件)": 2})])
    assert found(validate([tmp_path])) == [("a.xlsx", "联户卡", "C3", "bad-choice"),
                                           ("a.xlsx", "联户日记", "A4", "card-excluded"),
                                           ("a.xlsx", "联户日记", "L3", "bad-number")]


# --- identical copies that share an error --------------------------------------------------


def test_identical_card_copies_with_the_same_error_are_told_to_fix_it_not_that_they_differ(tmp_path):
    for name in ("个人.xlsx", "下营村.xlsx"):
        write_book(tmp_path / "in" / name, [card("E1", 家庭人口="五六口")], [diary("E1")])
    told = [i for i in issues(tmp_path / "in") if i["code"] not in ("bad-number", "card-excluded")]
    assert sorted((i["file"], i["cell"], i["code"]) for i in told) == [
        ("下营村.xlsx", "A3", "duplicate-card-error"), ("个人.xlsx", "A3", "duplicate-card-error")]
    for i in told:
        assert "内容不同" not in i["message"] and "只保留正确的一份" not in i["message"]
        assert "除填错的格子外内容相同" in i["message"] and "改正错误后只计一次" in i["message"]
    other = {i["file"]: i["message"] for i in told}
    assert "下营村.xlsx 联户卡!第3行" in other["个人.xlsx"] and "个人.xlsx 联户卡!第3行" in other["下营村.xlsx"]


def test_identical_diary_copies_with_the_same_error_count_once_when_fixed(tmp_path):
    write_book(tmp_path / "in" / "个人.xlsx", [card("A")], [diary("A", **{"办实事(件)": "两三件"})])
    write_book(tmp_path / "in" / "下营村.xlsx", [], [diary("A", **{"办实事(件)": "两三件"})])
    told = [i for i in issues(tmp_path / "in") if i["code"] != "bad-number"]
    assert sorted((i["file"], i["sheet"], i["cell"], i["code"]) for i in told) == [
        ("下营村.xlsx", "联户日记", "A3", "duplicate-diary-error"),
        ("个人.xlsx", "联户日记", "A3", "duplicate-diary-error")]
    assert all("其他内容不同" not in i["message"] for i in told)
    write_book(tmp_path / "fixed" / "个人.xlsx", [card("A")], [diary("A", **{"办实事(件)": 2})])
    write_book(tmp_path / "fixed" / "下营村.xlsx", [], [diary("A", **{"办实事(件)": 2})])
    assert [i["code"] for i in issues(tmp_path / "fixed")] == ["duplicate-diary"]
    code, total, _ = totals(tmp_path / "fixed", tmp_path / "汇总表.xlsx")
    assert (code, total["入户访谈"], total["办实事"]) == (0, 1, 2)


def test_a_good_copy_beside_a_copy_whose_error_is_in_a_column_it_lacks_is_left_out_too(tmp_path):
    """The village's book has no 家庭人口 column; the cadre's has it wrong. Alike in every column
    both have, but one has an error: no copy is trusted, and neither is told they differ."""
    write_book(tmp_path / "in" / "个人.xlsx", [card("A", 家庭人口="五六口")], None)
    write_book(tmp_path / "in" / "下营村.xlsx", [card("A")], [diary("A")],
               card_labels=[x for x in CARD_LABELS if x != "家庭人口"])
    told = issues(tmp_path / "in")
    assert sorted((i["file"], i["sheet"], i["cell"], i["code"]) for i in told) == [
        ("下营村.xlsx", "联户卡", "A3", "duplicate-card-error"),
        ("下营村.xlsx", "联户日记", "A3", "card-excluded"),
        ("个人.xlsx", "联户卡", "A3", "duplicate-card-error"),
        ("个人.xlsx", "联户卡", "J3", "bad-number")]
    code, total, _ = totals(tmp_path / "in", tmp_path / "汇总表.xlsx")
    assert (code, total["致富明星户"], total["入户访谈"]) == (1, 0, 0)


# --- what a conflict's message names --------------------------------------------------------


def test_a_card_conflict_names_the_column_and_both_values(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("N1", 户主="李四")], [diary("N1")])
    write_book(tmp_path / "b.xlsx", [card("N1", 户主="李思")], [])
    by_file = {i["file"]: i for i in issues(tmp_path) if i["code"] == "conflicting-card"}
    assert by_file["a.xlsx"]["message"].startswith("联户卡!A3：")
    assert "户主：这里是“李四”，b.xlsx 联户卡!第3行 是“李思”" in by_file["a.xlsx"]["message"]
    assert "户主：这里是“李思”，a.xlsx 联户卡!第3行 是“李四”" in by_file["b.xlsx"]["message"]


def test_two_villages_numbering_from_001_are_told_to_renumber_not_only_to_keep_one(tmp_path):
    """Two villages each numbering their cards from 001: keeping "the right copy" would delete
    a real household, so the message also says how to give one card another number."""
    write_book(tmp_path / "下营村.xlsx", [card("001", 村="下营村", 户主="李四")], [diary("001")])
    write_book(tmp_path / "上营村.xlsx", [card("001", 村="上营村", 户主="王五")], [diary("001")])
    told = [i["message"] for i in issues(tmp_path) if i["code"] == "conflicting-card"]
    assert len(told) == 2
    assert all("不同的户：给一张换个全乡不重复的卡号" in m and "日记里一起改" in m for m in told)


def test_names_lined_up_with_spaces_are_the_same_names(tmp_path):
    """Clerks pad two-character names to line them up (李　四 under 王小明), and some type 下 营村.
    The padded card in the village book is the cadre's card (one card, counted once), its diary's
    王　明 is its 联系人, and 下　营村 is 下营村: one village in the 汇总, not two."""
    write_book(tmp_path / "王明个人.xlsx", [card("N1", 户主="李四", 联系人="王明")], [diary("N1")])
    write_book(tmp_path / "下营村.xlsx", [card("N1", 户主="李　四", 联系人="王 明", 村="下　营村"),
                                        card("N2", 户主="赵 五", 联系人="王明")],
               [diary("N1", dt.date(2010, 5, 6), 联系人="王　明", 户主="李 四"),
                diary("N2", dt.date(2010, 4, 6), 户主="赵五")])
    told = [i["code"] for i in issues(tmp_path)]
    assert "conflicting-card" not in told and "name-mismatch" not in told and "duplicate-card" in told
    code, total, _ = totals(tmp_path, tmp_path.parent / "汇总表.xlsx")
    assert (code, total["致富明星户"], total["入户访谈"]) == (0, 2, 3)
    book = openpyxl.load_workbook(tmp_path.parent / "汇总表.xlsx", read_only=True)
    units = [r[0] for r in book["汇总"].iter_rows(values_only=True) if r and r[0] in ("下营村", "下　营村", "下 营村")]
    assert units == ["下营村"]


def test_a_conflict_in_personal_numbers_shows_them_masked(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("N1", 身份证号="620702198001011231", 联系电话="13912345678")], None)
    write_book(tmp_path / "b.xlsx", [card("N1", 身份证号="62070219800101124X", 联系电话="139-8765-5678")], None)
    told = [i for i in issues(tmp_path) if i["code"] == "conflicting-card"]
    assert len(told) == 2
    for i in told:
        message = i["message"]
        assert "身份证号：" in message and "620702********1231" in message and "620702********124X" in message
        assert "联系电话：" in message and "（遮住的几位不同）" in message  # 139****5678 both: the middle differs
        for raw in ("620702198001011231", "62070219800101124X", "13912345678", "8765-5678"):
            assert raw not in message


def test_a_diary_conflict_names_the_column_and_both_values(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("N2")], [diary("N2", **{"担保贷款(元)": 3000})])
    write_book(tmp_path / "b.xlsx", [], [diary("N2", **{"担保贷款(元)": 5000})])
    by_file = {i["file"]: i["message"] for i in issues(tmp_path) if i["code"] == "conflicting-diary"}
    assert "担保贷款(元)：这里是“3000”，b.xlsx 联户日记!第3行 是“5000”" in by_file["a.xlsx"]
    assert "担保贷款(元)：这里是“5000”，a.xlsx 联户日记!第3行 是“3000”" in by_file["b.xlsx"]


def test_many_differing_columns_are_named_two_and_counted(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("N1")], None)
    write_book(tmp_path / "b.xlsx", [card("N1", 联系人="张三", 村="上营村", 社="一社", 户主="王五")], None)
    message = next(i["message"] for i in issues(tmp_path) if i["file"] == "a.xlsx")
    assert "联系人：这里是“王明”" in message and "村：这里是“下营村”" in message
    assert "另有 2 列不同" in message and "户主：" not in message


# --- a diary whose card sheet could not be read ---------------------------------------------


def test_a_diary_whose_card_sheet_was_refused_is_told_so_not_that_its_card_is_missing(tmp_path):
    labels = [x for x in CARD_LABELS if x != "户主"]  # a required column missing: the sheet is not read
    write_book(tmp_path / "下营村.xlsx", [card("A")], [diary("A")], card_labels=labels)
    told = {(i["sheet"], i["cell"], i["code"]): i for i in issues(tmp_path)}
    assert set(told) == {("联户卡", "A2", "missing-column"), ("联户日记", "A3", "card-sheet-unread")}
    diary_issue = told[("联户日记", "A3", "card-sheet-unread")]
    assert diary_issue["severity"] == "notice"
    assert "“联户卡”表未能读取" in diary_issue["message"] and "找不到" not in diary_issue["message"]
    code, total, left = totals(tmp_path, tmp_path.parent / f"{tmp_path.name}-汇总表.xlsx")
    assert (code, total["入户访谈"]) == (1, 0)
    assert left == [("未计入", "下营村.xlsx", "联户日记", 3), ("未读取", "下营村.xlsx", "联户卡", None)]


def test_a_diary_whose_card_is_in_another_book_is_not_hurt_by_its_own_refused_card_sheet(tmp_path):
    labels = [x for x in CARD_LABELS if x != "户主"]
    write_book(tmp_path / "a.xlsx", [card("B")], [diary("A"), diary("B")], card_labels=labels)
    write_book(tmp_path / "cards.xlsx", [card("A")], None)
    assert found(validate([tmp_path])) == [("a.xlsx", "联户卡", "A2", "missing-column"),
                                           ("a.xlsx", "联户日记", "A4", "card-sheet-unread")]


def test_a_diary_beside_a_readable_card_sheet_still_names_the_missing_card(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("A")], None)
    write_book(tmp_path / "b.xlsx", [], [diary("A"), diary("Z")])
    assert found(validate([tmp_path])) == [("b.xlsx", "联户日记", "A4", "unknown-card")]


def test_a_visit_retyped_with_other_punctuation_in_its_notes_is_one_visit(tmp_path):
    """The village clerk retypes a cadre's visit: 缺水，缺肥 as 缺水,缺肥, 缺技术 as 缺技术。, and
    培训 农机 as 培训农机 in 解决办法. Width, spaces and a closing mark do not make another
    problem: each visit is counted once (with the repeat told), not twice and not left out."""
    c = card("D1")
    april = {"日期": dt.date(2010, 4, 6), "发现问题": "缺水，缺肥", "解决办法": "协调", "办理结果": "协调解决",
             "担保贷款(元)": 3000}
    may = {"日期": dt.date(2010, 5, 6), "发现问题": "缺技术", "解决办法": "培训 农机", "办理结果": "当场解决"}
    write_book(tmp_path / "b" / "王明个人.xlsx", [c], [diary("D1", **april), diary("D1", **may)])
    write_book(tmp_path / "b" / "下营村.xlsx", [c],
               [diary("D1", **{**april, "发现问题": "缺水,缺肥 "}),
                diary("D1", **{**may, "发现问题": "缺技术。", "解决办法": "培训农机"})])
    code, total, _ = totals(tmp_path / "b", tmp_path / "汇总表.xlsx")
    assert (code, total["入户访谈"], total["担保贷款(元)"]) == (0, 2, 3000)
    told = [i["code"] for i in issues(tmp_path / "b")]
    assert told.count("duplicate-diary") == 2 and "conflicting-diary" not in told
    # another problem on the same day is another entry: both visits count
    write_book(tmp_path / "c" / "村.xlsx", [c], [diary("D1", **april), diary("D1", **{**april, "发现问题": "缺肥"})])
    code, total, _ = totals(tmp_path / "c", tmp_path / "汇总表2.xlsx")
    assert (code, total["入户访谈"], total["担保贷款(元)"]) == (0, 2, 6000)
