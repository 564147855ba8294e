"""Every sheet of a workbook from ``xl_text.new_workbook`` keeps typed text as typed, whichever
XlsxWriter call writes it: a text from ``<r>`` to ``</r>`` would otherwise go into the file
as raw rich-string XML (a formula cell of the cadre's making, or a file that does not open)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

import lianhu_xl
from lianhu_xl.xl_text import STRMAX, new_workbook

TYPED = [
    "<r><t>x</t></r>",
    '<r><t>a</t></r></is><f>HYPERLINK("http://x","y")</f><is><r><t>b</t></r>',  # closes the cell, adds a formula
    '<r><f>HYPERLINK("http://x","y")</f></r>',
    "<r>只是尖括号</r>",
]
CALLS = ["write_string", "write", "write_row", "write_column", "merge_range", "add_table"]


def _write(ws, call: str, row: int, text: str, fmt) -> None:
    if call == "write_string":
        ws.write_string(row, 0, text, fmt)
    elif call == "write":
        ws.write(row, 0, text, fmt)
    elif call == "write_row":
        ws.write_row(row, 0, [text], fmt)
    elif call == "write_column":
        ws.write_column(row, 0, [text], fmt)
    elif call == "merge_range":
        ws.merge_range(row, 0, row, 1, text, fmt)
    else:  # a table's data cells (its header row holds 列1)
        ws.add_table(row - 1, 0, row, 0, {"data": [[text]], "columns": [{"header": "列1"}], "autofilter": False})


def _calls(constant_memory: bool) -> list[str]:
    return [c for c in CALLS if not (constant_memory and c == "add_table")]  # no tables in constant_memory


def _book(path: Path, constant_memory: bool) -> Path:
    wb = new_workbook(path, constant_memory=constant_memory)
    bold = wb.add_format({"bold": True})
    for call in _calls(constant_memory):  # one sheet per call, the texts two rows apart (a table needs its header row)
        ws = wb.add_worksheet(call)
        for i, text in enumerate(TYPED):
            _write(ws, call, 2 * i + 1, text, bold if call != "add_table" else None)
    wb.close()
    return path


def _xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("constant_memory", [True, False])
def test_rich_looking_text_reads_back_as_typed_whatever_call_wrote_it(tmp_path, constant_memory):
    path = _book(tmp_path / "t.xlsx", constant_memory)
    assert "<f>" not in _xml(path)
    wb = openpyxl.load_workbook(path, rich_text=True)
    cal = CalamineWorkbook.from_path(str(path))
    for call in _calls(constant_memory):
        ws = wb[call]
        cells = [ws.cell(row=2 * i + 2, column=1) for i in range(len(TYPED))]
        assert [str(c.value) for c in cells] == TYPED, call
        assert all(c.data_type == "s" for c in cells), call
        if call != "add_table":
            assert all(c.font.b for c in cells), call  # the cell keeps its format
        rows = cal.get_sheet_by_name(call).to_python(skip_empty_area=False)
        assert [rows[2 * i + 1][0] for i in range(len(TYPED))] == TYPED, call


def test_a_plain_xlsxwriter_workbook_would_have_written_the_formula(tmp_path):
    # what new_workbook prevents: the same text through XlsxWriter's own sheet is a formula cell
    wb = xlsxwriter.Workbook(str(tmp_path / "raw.xlsx"), {"constant_memory": True, "strings_to_formulas": False})
    wb.add_worksheet().write_string(0, 0, TYPED[1])
    wb.close()
    assert '<f>HYPERLINK("http://x","y")</f>' in _xml(tmp_path / "raw.xlsx")


def test_strings_stay_strings_whatever_the_options_say(tmp_path):
    wb = new_workbook(tmp_path / "t.xlsx", strings_to_formulas=True, strings_to_numbers=True, strings_to_urls=True)
    wb.add_worksheet().write_row(0, 0, ["=1+1", "007", "http://x.cn"])
    wb.close()
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [(c.value, c.data_type) for c in ws[1]] == [("=1+1", "s"), ("007", "s"), ("http://x.cn", "s")]
    assert not ws.cell(row=1, column=3).hyperlink


def test_over_long_rich_looking_text_is_cut_like_any_text_not_left_out(tmp_path):
    text = "<r>" + "长" * STRMAX + "</r>"
    wb = new_workbook(tmp_path / "t.xlsx")
    wb.add_worksheet().write_string(0, 0, text)
    wb.close()
    value = openpyxl.load_workbook(tmp_path / "t.xlsx").active["A1"].value
    assert str(value) == text[:STRMAX]


def test_every_xlsxwriter_workbook_in_the_package_comes_from_new_workbook():
    package = Path(lianhu_xl.__file__).parent
    made_elsewhere = [f"{p.name}:{n}" for p in sorted(package.rglob("*.py")) if p.name != "xl_text.py"
                      for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
                      if re.search(r"xlsxwriter\.(workbook\.)?Workbook\b|from xlsxwriter(\.workbook)? import", line)]
    assert made_elsewhere == []
