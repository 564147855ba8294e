"""Leftovers closed in session 5: an error on a row the cadre hid, the English name of a fault
shown to the clerk, a 序号 column nobody titled, and a roster's 合计 line never calculated."""

from __future__ import annotations

import hashlib
import json
import re

import openpyxl
import pytest
from bookfactory import card, roster_xlsx, write_book
from click.testing import CliRunner

from lianhu_xl.annotate import RESULT_SHEET
from lianhu_xl.cli import cli
from lianhu_xl.roster import load_roster

LATIN_WORD = re.compile(r"[A-Za-z]{4,}")


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args])


def result_lines(ws) -> list[str]:
    return [str(v) for (v,) in ws.iter_rows(min_col=1, max_col=1, values_only=True) if v]


# --- 1. an error on a hidden row is shown in the annotated copy --------------------------------


def hidden_book(path, rows=(), cols=()):
    """下营村 with a bad 家庭人口 on XY-002 (row 4, column J) and a clean XY-003 (row 5);
    ``rows``/``cols`` hidden by the cadre (columns as one range, as Excel saves J:K hidden)."""
    write_book(path, [card("XY-001"), card("XY-002", 家庭人口="五六口"), card("XY-003")], None)
    wb = openpyxl.load_workbook(path)
    ws = wb["联户卡"]
    for r in rows:
        ws.row_dimensions[r].hidden = True
    if cols:
        ws.column_dimensions.group(cols[0], cols[-1], hidden=True)
    wb.save(path)
    return path


def test_a_hidden_row_holding_an_error_is_shown_in_the_copy_and_said(tmp_path):
    src = hidden_book(tmp_path / "收集" / "下营村.xlsx", rows=(4, 5))
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    assert run(str(tmp_path / "收集"), "-q", "--annotate", str(tmp_path / "退回")).exit_code == 1
    wb = openpyxl.load_workbook(tmp_path / "退回" / "下营村.xlsx")
    ws = wb["联户卡"]
    assert ws["J4"].comment is not None and "五六口" in ws["J4"].comment.text
    assert not ws.row_dimensions[4].hidden, "the row with the red cell is seen"
    assert ws.row_dimensions[5].hidden, "a hidden row without a mark stays as the cadre had it"
    said = [line for line in result_lines(wb[RESULT_SHEET]) if "隐藏" in line and "取消隐藏" in line]
    assert len(said) == 1 and "联户卡" in said[0] and "第 4 行" in said[0] and "5" not in said[0]
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before, "the source is never modified"
    assert openpyxl.load_workbook(src)["联户卡"].row_dimensions[4].hidden


def test_a_hidden_column_holding_an_error_is_shown_alone(tmp_path):
    hidden_book(tmp_path / "收集" / "下营村.xlsx", cols=("J", "K"))
    run(str(tmp_path / "收集"), "-q", "--annotate", str(tmp_path / "退回"))
    wb = openpyxl.load_workbook(tmp_path / "退回" / "下营村.xlsx")
    ws = wb["联户卡"]

    def hidden(col: int) -> bool:
        return any(d.hidden for d in ws.column_dimensions.values() if (d.min or 0) <= col <= (d.max or 0))

    assert not hidden(10), "J holds the red cell"
    assert hidden(11), "K was hidden with J and holds no mark: still hidden"
    assert any("J 列" in line and "取消隐藏" in line for line in result_lines(wb[RESULT_SHEET]))


def test_a_hidden_sheet_holding_an_error_is_shown_in_the_copy_and_hidden_again_once_fixed(tmp_path):
    """The cadre hid the whole 联户卡 sheet (右键“隐藏”): its red cell is seen in the copy only."""
    from bookfactory import diary

    src = tmp_path / "收集" / "下营村.xlsx"
    write_book(src, [card("XY-001"), card("XY-002", 家庭人口="五六口")], [diary("XY-001")])
    wb = openpyxl.load_workbook(src)
    wb["联户卡"].sheet_state = "hidden"
    wb.active = wb.sheetnames.index("联户日记")
    wb.save(src)
    before = hashlib.sha256(src.read_bytes()).hexdigest()
    assert run(str(tmp_path / "收集"), "-q", "--annotate", str(tmp_path / "退回")).exit_code == 1
    copy = tmp_path / "退回" / "下营村.xlsx"
    wb = openpyxl.load_workbook(copy)
    assert wb["联户卡"].sheet_state == "visible" and wb["联户卡"]["J4"].comment is not None
    assert any("“联户卡”表原来是隐藏的" in line for line in result_lines(wb[RESULT_SHEET]))
    assert hashlib.sha256(src.read_bytes()).hexdigest() == before
    wb["联户卡"]["J4"] = 5  # fixed; another problem keeps a copy coming
    wb["联户日记"]["C3"] = "外星人"
    wb.save(copy)
    run(str(copy), "-q", "--annotate", str(tmp_path / "再退回"))
    assert openpyxl.load_workbook(tmp_path / "再退回" / "下营村.xlsx")["联户卡"].sheet_state == "hidden"


def test_annotating_the_copy_again_gives_the_same_and_a_fixed_row_goes_back_out_of_sight(tmp_path):
    hidden_book(tmp_path / "收集" / "下营村.xlsx", rows=(4,))
    run(str(tmp_path / "收集"), "-q", "--annotate", str(tmp_path / "退回"))
    copy = tmp_path / "退回" / "下营村.xlsx"
    run(str(copy), "-q", "--annotate", str(tmp_path / "再退回"))
    again = openpyxl.load_workbook(tmp_path / "再退回" / "下营村.xlsx")
    assert not again["联户卡"].row_dimensions[4].hidden
    assert any("第 4 行" in line for line in result_lines(again[RESULT_SHEET])), "said again: it was hidden"
    wb = openpyxl.load_workbook(copy)
    wb["联户卡"]["J4"] = 5  # fixed; XY-001's row still has a problem, so a copy is made
    wb["联户卡"]["C3"] = "外星人"
    wb.save(copy)
    assert run(str(copy), "-q", "--annotate", str(tmp_path / "三")).exit_code == 1
    fixed = openpyxl.load_workbook(tmp_path / "三" / "下营村.xlsx")["联户卡"]
    assert fixed.row_dimensions[4].hidden, "the cadre's own layout comes back once the row has nothing to show"
    assert not fixed.row_dimensions[3].hidden


# --- 2. a fault of the tool's own is said in Chinese; the technical detail is in --json only ------


def test_a_fault_of_ours_is_said_in_chinese_and_its_detail_kept_for_the_maintainer(tmp_path, monkeypatch):
    import lianhu_xl.book as book

    def broken(*args, **kwargs):
        raise ZeroDivisionError("身份证号 620102198001011234 divided by zero")

    monkeypatch.setattr(book, "read_rows", broken)
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")], None)
    text = run(str(tmp_path / "收集"), "-j", "1")
    assert text.exit_code == 1
    line = next(x for x in text.output.splitlines() if "程序出错" in x or "本程序出了错" in x)
    assert not LATIN_WORD.search(line.replace("xlsx", "")), line
    assert "ZeroDivisionError" not in text.output
    data = json.loads(run(str(tmp_path / "收集"), "-j", "1", "--json").output)
    (issue,) = [i for i in data["issues"] if i["code"] == "tool-failed"]
    assert "ZeroDivisionError" not in issue["message"]
    assert "ZeroDivisionError" in issue["technical"] and "broken" in issue["technical"], "what raised, and where"
    assert "620102198001011234" not in issue["technical"], "a number the exception quoted is masked"
    assert all("technical" not in i for i in data["issues"] if i["code"] != "tool-failed")


# --- 3. a 序号 column nobody titled is quiet; a labelless column of other data still warns ------


def book_with_a_labelless_column(path, values, at: int = 0):
    """Cards with a column without a label inserted at ``at`` (0: left of 卡号), holding ``values``."""
    from bookfactory import CARD_LABELS

    labels = list(CARD_LABELS)
    labels.insert(at, None)
    cards = []
    for n, value in enumerate(values, 1):
        row = card(f"XY-{n:03d}")
        row[None] = value
        cards.append(row)
    return write_book(path, cards, None, card_labels=labels)


def unlabelled(tmp_path, values, at=0) -> list[str]:
    book_with_a_labelless_column(tmp_path / "收集" / "下营村.xlsx", values, at)
    data = json.loads(run(str(tmp_path / "收集"), "--json").output)
    return [i["cell"] for i in data["issues"] if i["code"] == "unlabelled-column"]


@pytest.mark.parametrize("values", [[1, 2, 3, 4], ["1", "2", "3"], [1, 2, 1, 2, 3]], ids=["numbers", "text", "two pages"])
def test_a_numbering_column_nobody_titled_is_quiet(tmp_path, values):
    assert unlabelled(tmp_path, values) == []


def test_a_numbering_column_inside_the_table_is_quiet_too(tmp_path):
    assert unlabelled(tmp_path, [1, 2, 3], at=5) == []


def test_the_totals_line_of_an_untitled_numbering_column_is_a_totals_line(tmp_path):
    """Numbered like the rows above it (4 after 1, 2, 3), as a titled 序号 column's 合计 line is."""
    from bookfactory import CARD_LABELS

    rows = []
    for n in range(1, 4):
        row = card(f"XY-{n:03d}")
        row[None] = n
        rows.append(row)
    rows.append({None: 4, "卡号": "合计", "家庭人口": 12})
    write_book(tmp_path / "收集" / "下营村.xlsx", rows, None, card_labels=[None, *CARD_LABELS])
    result = run(str(tmp_path / "收集"), "--json")
    data = json.loads(result.output)
    assert [(i["code"], i["cell"]) for i in data["issues"] if i["severity"] != "notice"] == [], result.output
    assert [i["cell"] for i in data["issues"] if i["code"] == "totals-row"] == ["B6"]
    assert result.exit_code == 0


@pytest.mark.parametrize("values,cell", [([5, 8, 2], "A3"), ([1, 2, 2], "A3"), (["采访过", None, "好"], "A3"),
                                         ([None, 2, 3], "A4")])
def test_a_labelless_column_of_other_data_still_warns_at_its_first_cell(tmp_path, values, cell):
    assert unlabelled(tmp_path, values) == [cell]


# --- 4. a roster's 合计 line with a formula never calculated ------------------------------------


def test_a_roster_whose_totals_line_was_never_calculated_is_read(tmp_path):
    path = roster_xlsx(tmp_path / "名册.xlsx", [["村", "社"], ["下营村", "六社"], ["下营村", "七社"],
                                               ["倪家营村", "一社"], ["合计", "=COUNTA(B3:B5)"]])
    assert load_roster(path).villages == {"下营村": ["六社", "七社"], "倪家营村": ["一社"]}
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")], None)
    result = run(str(tmp_path / "收集"), "--roster", str(path), "-q")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("count", ["=COUNTA(C3:C5)", 3])
def test_a_totals_line_written_in_a_numbering_column_is_skipped(tmp_path, count):
    path = roster_xlsx(tmp_path / "名册.xlsx", [["序号", "村", "社"], [1, "下营村", "六社"], [2, "下营村", "七社"],
                                               [3, "倪家营村", "一社"], ["合计", None, count]])
    assert load_roster(path).villages == {"下营村": ["六社", "七社"], "倪家营村": ["一社"]}


def test_an_uncalculated_village_is_still_refused(tmp_path):
    from lianhu_xl.roster import RosterError

    path = roster_xlsx(tmp_path / "名册.xlsx", [["村", "社"], ["下营村", "六社"], ['=A3&""', "七社"]])
    with pytest.raises(RosterError, match="A4"):
        load_roster(path)
