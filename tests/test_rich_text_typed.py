"""Typed text that looks like XlsxWriter's rich-string XML (``<r>…</r>``) comes out of every
output as the very text typed: XlsxWriter would otherwise copy it into the file as raw XML,
adding a live formula cell (constant_memory) or leaving a book that does not open."""

from __future__ import annotations

import csv
import zipfile
from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from conftest import needs_libreoffice
from python_calamine import CalamineWorkbook

from lianhu_xl.cli import cli

RAW = {
    "formula": '<r><f>HYPERLINK("http://x","y")</f></r>',
    # closes the inline string and adds a formula of its own inside the same cell
    "breakout": '<r><t>a</t></r></is><f>HYPERLINK("http://x","y")</f><is><r><t>b</t></r>',
    "plain": "<r>只是尖括号</r>",
}


def _no_formula_xml(path: Path) -> None:
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                blob = z.read(name)
                assert b"<f>HYPERLINK" not in blob, f"{path.name}:{name} holds a formula the cadre typed"


def _texts(path: Path) -> tuple[set[str], set[str]]:
    """Every text cell as openpyxl and as python-calamine read it; no formula anywhere."""
    by_openpyxl: set[str] = set()
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", f"{ws.title}!{c.coordinate} is a formula: {c.value}"
                if isinstance(c.value, str):
                    by_openpyxl.add(c.value)
    cal = CalamineWorkbook.from_path(str(path))
    by_calamine = {v for name in cal.sheet_names for row in cal.get_sheet_by_name(name).to_python()
                   for v in row if isinstance(v, str)}
    return by_openpyxl, by_calamine


def _check(path: Path, must_show: list[str]) -> None:
    _no_formula_xml(path)
    by_openpyxl, by_calamine = _texts(path)
    for text in must_show:
        assert text in by_openpyxl, f"{path.name}: {text!r} not read back by openpyxl"
        assert text in by_calamine, f"{path.name}: {text!r} not read back by python-calamine"


@pytest.fixture
def books(tmp_path):
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx",
               [card("XY-001", 户主=RAW["formula"], 主要问题=RAW["breakout"]),
                card("XY-002", 户主="李进忠", 联系人=RAW["plain"], 联系人类别=RAW["breakout"])],  # an error
               [diary("XY-001", 发现问题=RAW["plain"], 解决办法=RAW["formula"], 办理结果="协调解决")])
    return folder


def test_merge_keeps_rich_looking_text_as_typed(books, tmp_path):
    merged = tmp_path / "出" / "合并.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(books), "-o", str(merged)])
    assert merged.exists(), result.output
    _check(merged, [RAW["formula"], RAW["breakout"], RAW["plain"]])


def test_validate_report_keeps_rich_looking_text_as_typed(books, tmp_path):
    report = tmp_path / "出" / "问题清单.xlsx"
    result = CliRunner().invoke(cli, ["validate", str(books), "--report", str(report)])
    assert result.exit_code == 1, result.output
    _check(report, [RAW["breakout"], RAW["plain"]])  # the 填写内容 of the bad 联系人类别; its 联系人


def test_template_keeps_rich_looking_roster_names_as_typed(tmp_path):
    roster = tmp_path / "名册.csv"
    with roster.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([["村", "社"], ["下营村", RAW["plain"]], [RAW["formula"], "一社"]])
    out = tmp_path / "模板"
    result = CliRunner().invoke(cli, ["template", "-o", str(out), "--roster", str(roster)])
    assert result.exit_code == 0, result.output
    (made,) = out.rglob("*.xlsx")
    _check(made, [RAW["plain"], RAW["formula"]])


@needs_libreoffice
def test_libreoffice_opens_the_merged_book_with_rich_looking_text(books, tmp_path):
    from libreoffice import convert

    merged = tmp_path / "出" / "合并.xlsx"
    CliRunner().invoke(cli, ["merge", str(books), "-o", str(merged)])
    again = convert(merged, tmp_path / "lo")
    by_openpyxl, _ = _texts(again)
    assert {RAW["formula"], RAW["breakout"], RAW["plain"]} <= by_openpyxl


def test_consolidate_keeps_rich_looking_text_as_typed(books, tmp_path):
    """The 汇总表's 联户清单 and 问题 sheets carry the typed 户主, 发现问题 and 解决办法."""
    totals = tmp_path / "出" / "汇总表.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(books), "-o", str(totals)])
    assert totals.exists(), result.output
    _check(totals, [RAW["formula"], RAW["plain"]])
