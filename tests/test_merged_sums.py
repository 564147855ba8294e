"""A number merged down over several rows (合并后居中) is one number: 5000 in 担保贷款 merged over
the two visits that arranged one loan is one loan of 5000, as Excel's =SUM and a hand count give.
It counts on the block's first row, the rows under it are blank in that column, and a warning at
the block says so. A label merged down (卡号, 形式, 村) still belongs to every row under it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from bookfactory import CARD_LABELS, DIARY_LABELS, card, diary
from realworld_books import consolidated


def book(path: Path, cards: list[dict], diaries: list[dict], merges: dict[str, list[str]]) -> Path:
    """The rows under a header in row 1, with these cells merged (openpyxl, as Excel's 合并后居中)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows, labels in (("联户卡", cards, CARD_LABELS), ("联户日记", diaries, DIARY_LABELS)):
        ws = wb.create_sheet(name)
        ws.append(labels)
        for row in rows:
            ws.append([row.get(label) for label in labels])
        for block in merges.get(name, []):
            ws.merge_cells(block)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def sums(total: dict[str, object]) -> tuple[object, ...]:
    return total["入户访谈"], total["担保贷款(元)"], total["办实事"], total["帮耕帮畜"]


def test_a_loan_deed_and_help_merged_over_two_visits_count_once_and_are_said(tmp_path):
    numbers = {"担保贷款(元)": 5000, "办实事(件)": 1, "帮耕帮畜(次)": 2}
    book(tmp_path / "收集" / "下营村.xlsx", [card("A")],
         [diary("A", dt.date(2010, 9, 6), **numbers), {"日期": dt.date(2010, 9, 20)}],
         # one card, one 形式 for both visits (labels); one loan, one deed, one help (numbers)
         {"联户日记": ["A2:A3", "E2:E3", "L2:L3", "M2:M3", "N2:N3"]})
    code, total, issues = consolidated(tmp_path / "收集")
    assert (code, sums(total)) == (0, (2, 5000, 1, 2))
    assert [(i["code"], i["severity"], i["sheet"], i["cell"]) for i in issues] == [
        ("merged-number", "warning", "联户日记", "L2"), ("merged-number", "warning", "联户日记", "M2"),
        ("merged-number", "warning", "联户日记", "N2")]
    loan = issues[1]["message"]
    assert "担保贷款(元)" in loan and "M2:M3" in loan and "5000" in loan and "只计一次" in loan and "第 2 行" in loan
    assert "取消合并" in loan


def test_a_number_merged_over_three_visits_is_said_once_and_a_typed_number_below_still_counts(tmp_path):
    book(tmp_path / "收集" / "下营村.xlsx", [card("A")],
         [diary("A", dt.date(2010, 9, 6), **{"担保贷款(元)": 3000}), diary("A", dt.date(2010, 9, 13)),
          diary("A", dt.date(2010, 9, 20)), diary("A", dt.date(2010, 9, 27), **{"担保贷款(元)": 2000})],
         {"联户日记": ["M2:M4"]})
    code, total, issues = consolidated(tmp_path / "收集")
    assert (code, sums(total)) == (0, (4, 5000, 0, 0))
    assert [(i["code"], i["cell"]) for i in issues] == [("merged-number", "M2")]
    assert "M2:M4" in issues[0]["message"]


def test_labels_merged_down_still_fill_every_row_and_say_nothing(tmp_path):
    book(tmp_path / "收集" / "下营村.xlsx", [card("A"), card("B")],
         [diary("A", dt.date(2010, 9, 6), **{"担保贷款(元)": 1000}), diary(None, dt.date(2010, 9, 20)),
          diary("B", dt.date(2010, 9, 6))],
         {"联户卡": ["F2:F3", "G2:G3"], "联户日记": ["A2:A3"]})
    code, total, issues = consolidated(tmp_path / "收集")
    assert (code, sums(total), issues) == (0, (3, 1000, 0, 0), [])


def test_a_household_number_merged_over_two_cards_stays_on_the_first_card(tmp_path):
    """家庭人口 and 人均纯收入 describe one household: merged over two cards, the second has none,
    so its missing 基期人均纯收入 is said too; both cards still count."""
    poor = {"联系人类别": "党员", "联系户类型": "经济落后户"}
    book(tmp_path / "收集" / "下营村.xlsx", [card("A", **poor, **{"家庭人口": 5, "基期人均纯收入(元)": 2500}),
                                            card("B", **poor)],
         [diary("A", dt.date(2010, 9, 6)), diary("B", dt.date(2010, 9, 6))],
         {"联户卡": ["J2:J3", "O2:O3"]})
    code, total, issues = consolidated(tmp_path / "收集")
    assert (code, total["经济落后户"], total["入户访谈"]) == (0, 2, 2)
    assert [(i["code"], i["sheet"], i["cell"]) for i in issues] == [
        ("merged-number", "联户卡", "J2"), ("merged-number", "联户卡", "O2"), ("income-expected", "联户卡", "O3")]
    assert "J2:J3" in issues[0]["message"] and "家庭人口" in issues[0]["message"]


def test_a_merged_number_over_blank_rows_only_is_not_said(tmp_path):
    """A block reaching into rows that are otherwise blank makes no row and doubles nothing."""
    book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [diary("A", dt.date(2010, 9, 6), **{"担保贷款(元)": 800})],
         {"联户日记": ["M2:M4"]})
    code, total, issues = consolidated(tmp_path / "收集")
    assert (code, sums(total), issues) == (0, (1, 800, 0, 0), [])
