"""The footer printed forms carry under the table (填表人：张三 审核人：李四, 以下空白) is not a
register row: skipped with a notice, never an error row that would mark the file 部分汇总."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli


def _add_footer(path, sheet, lines):
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    for line in lines:
        ws.append(line)
    wb.save(path)


def test_footer_lines_under_both_sheets_are_skipped_with_a_notice(tmp_path):
    book = write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [diary("A", dt.date(2010, 3, 6))])
    _add_footer(book, "联户卡", [["填表人：张三", None, None, "审核人：李四"], [None, "以下空白"]])
    _add_footer(book, "联户日记", [["填 表 人：张三　　填表日期：2010年12月31日"], ["注：本表一式两份"]])
    before = book.read_bytes()
    result = CliRunner().invoke(cli, ["consolidate", str(tmp_path / "收集"), "-o", str(tmp_path / "汇总表.xlsx"),
                                      "--period", "2010", "--json", "--no-cache", "-j", "1"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [i for i in out["issues"] if i["severity"] != "notice"] == []
    footers = sorted((i["sheet"], i["cell"]) for i in out["issues"] if i["code"] == "footer-row")
    assert len(footers) == 4 and all(cell.startswith(("A", "B")) for _, cell in footers)
    assert {s for s, _ in footers} == {"联户卡", "联户日记"}
    total = out["total"]
    assert (total["入户访谈"], total["致富明星户"] + total["思想保守户"] + total["经济落后户"]) == (1, 1)
    files = {f["file"]: f["rows"] for f in out["files"]}
    assert files["下营村.xlsx"]["read"] == 2 and files["下营村.xlsx"]["excluded"] == 0
    assert book.read_bytes() == before


def test_a_village_or_problem_that_merely_starts_like_a_footer_word_is_still_a_row(tmp_path):
    write_book(tmp_path / "收集" / "报恩村.xlsx", [card("A", 村="报恩村")],
               [diary("A", dt.date(2010, 3, 6), 发现问题="注意防火", 解决办法="宣传", 办理结果="当场解决")])
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "收集"), "--json", "--no-cache", "-j", "1"])
    out = json.loads(result.stdout)
    assert not any(i["code"] == "footer-row" for i in out["issues"])
    assert out["files"][0]["counted"] == 2


def test_an_excel_tables_total_row_labelled_huizong_is_a_totals_row(tmp_path):
    """Excel's 表格 → 汇总行 puts “汇总” in the first column and SUBTOTALs under the numbers: a
    totals row (skipped with its notice, in the 合计行 bucket), not a diary row full of errors."""
    book = write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [diary("A", dt.date(2010, 3, 6))])
    _add_footer(book, "联户日记", [["汇总", None, None, None, None, None, None, None, None, None, None, None, 1]])
    result = CliRunner().invoke(cli, ["consolidate", str(tmp_path / "收集"), "-o", str(tmp_path / "汇总表.xlsx"),
                                      "--period", "2010", "--json", "--no-cache", "-j", "1"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert [(i["code"], i["cell"]) for i in out["issues"] if i["code"] == "totals-row"] == [("totals-row", "A4")]
    assert [i for i in out["issues"] if i["severity"] != "notice"] == []
    rows = out["files"][0]["rows"]
    assert (rows["read"], rows["counted"], rows["totals_rows"]) == (3, 2, 1)


def test_a_totals_row_is_said_at_the_cell_that_says_so(tmp_path):
    """合计 typed under the 形式 column (the first columns left blank): the notice points there."""
    book = write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [diary("A", dt.date(2010, 3, 6))])
    wb = openpyxl.load_workbook(book)
    ws = wb["联户日记"]
    header = [c.value for c in ws[2]] if ws.cell(2, 1).value else [c.value for c in ws[1]]
    form = next(i for i, v in enumerate(header) if v and "形式" in str(v))
    ws.append([None] * form + ["合计", None, None, 1])
    wb.save(book)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "收集"), "--json", "--no-cache", "-j", "1"])
    out = json.loads(result.stdout)
    (notice,) = [i for i in out["issues"] if i["code"] == "totals-row"]
    assert notice["cell"] == f"{chr(65 + form)}{ws.max_row}"
