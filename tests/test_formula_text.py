"""A formula whose saved result is empty text (=IF(O2="","","已阅") with 调阅人 blank; Excel and
LibreOffice save it as <c t="str"><f>…</f><v></v></c>) has a value: it reads as a blank cell and
the row is counted. A formula saved with no result at all is still said, and its row set aside."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from bookfactory import CARD_LABELS, DIARY_LABELS, card, diary
from conftest import needs_libreoffice
from realworld_books import consolidated, libreoffice_save

from lianhu_xl.guard import inspect

FORMULA = 'IF(O2="","","已阅")'  # 调阅意见 (Q): blank while nobody has reviewed the diary
OPENPYXL_CELL = '<c r="Q2"><f>IF(O2="","","已阅")</f><v /></c>'  # how openpyxl writes it: never calculated


def formula_book(path: Path) -> Path:
    """One card, one 入户访谈 whose 调阅意见 is the formula."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(CARD_LABELS)
    ws.append([card("F1").get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append(DIARY_LABELS)
    d.append([diary("F1", dt.date(2010, 3, 6)).get(label) for label in DIARY_LABELS[:-1]] + ["=" + FORMULA])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def with_cell(path: Path, cell: str) -> Path:
    """The book with its formula cell written as ``cell`` (what another program saves)."""
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = "xl/worksheets/sheet2.xml"
    xml = parts[sheet].decode()
    assert xml.count(OPENPYXL_CELL) == 1, xml[-400:]
    xml = xml.replace(OPENPYXL_CELL, cell)
    parts[sheet] = xml.encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    path.write_bytes(buf.getvalue())
    return path


EMPTY_TEXT = {
    "excel": f'<c r="Q2" t="str"><f>{FORMULA}</f><v></v></c>',
    "self-closed": f'<c r="Q2" s="0" t="str"><f>{FORMULA}</f><v/></c>',
    "inline": f'<c r="Q2" t="inlineStr"><f>{FORMULA}</f><v></v></c>',
    "type-first": f'<c t="str" r="Q2"><f>{FORMULA}</f>\n<v></v>\n</c>',
}


@pytest.mark.parametrize("cell", EMPTY_TEXT.values(), ids=EMPTY_TEXT.keys())
def test_a_formula_showing_empty_text_is_a_blank_cell_and_its_row_counts(tmp_path, cell):
    with_cell(formula_book(tmp_path / "收集" / "下营村.xlsx"), cell)
    code, total, issues = consolidated(tmp_path / "收集")
    assert (code, total["入户访谈"], issues) == (0, 1, [])


NO_VALUE = {
    "never-calculated": OPENPYXL_CELL,
    "empty-number": f'<c r="Q2"><f>{FORMULA}</f><v></v></c>',
    "typed-number": f'<c r="Q2" t="n"><f>{FORMULA}</f><v></v></c>',
    "text-without-v": f'<c r="Q2" t="str"><f>{FORMULA}</f></c>',
}


@pytest.mark.parametrize("cell", NO_VALUE.values(), ids=NO_VALUE.keys())
def test_a_formula_saved_without_a_result_is_still_said_and_its_row_set_aside(tmp_path, cell):
    with_cell(formula_book(tmp_path / "收集" / "下营村.xlsx"), cell)
    code, total, issues = consolidated(tmp_path / "收集")
    assert (code, total["入户访谈"]) == (1, 0)
    assert [(i["code"], i["sheet"], i["cell"]) for i in issues] == [("formula-no-value", "联户日记", "Q2")]
    assert "没有它的计算结果" in issues[0]["message"]


def test_prefixed_tags_are_judged_the_same_way(tmp_path):
    """<x:c t="str"><x:f>…</x:f><x:v></x:v></x:c> is empty text; without t it has no value."""
    path = formula_book(tmp_path / "b.xlsx")
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    sheet = parts["xl/worksheets/sheet2.xml"]
    at = sheet.index(b"</sheetData>")
    rows = (b'<row r="40"><x:c r="B40" t="str"><x:f>T(A1)</x:f><x:v></x:v></x:c>'
            b'<x:c r="C40"><x:f>SUM(B1:B5)</x:f><x:v></x:v></x:c>'
            b'<x:c r="D40" t="str"><x:f>T(A1)</x:f></x:c></row>')
    parts["xl/worksheets/sheet2.xml"] = sheet[:at].replace(
        b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" ', 1
    ) + rows + sheet[at:]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, b in parts.items():
            z.writestr(n, b)
    path.write_bytes(buf.getvalue())
    found = inspect(path).formula_cells["联户日记"]
    assert [ref for ref, _ in found] == ["Q2", "C40", "D40"]  # Q2: openpyxl's, never calculated


@needs_libreoffice
def test_a_book_saved_by_libreoffice_with_an_empty_text_formula_is_counted(tmp_path):
    """LibreOffice calculates the formula and saves its empty text result; the row counts."""
    from python_calamine import CalamineWorkbook

    src = formula_book(tmp_path / "src" / "下营村.xlsx")
    libreoffice_save([src], tmp_path / "收集")
    saved = tmp_path / "收集" / "下营村.xlsx"
    with zipfile.ZipFile(saved) as z:
        xml = z.read("xl/worksheets/sheet2.xml").decode()
    assert '<c r="Q2" s="0" t="str"><f aca="false">' in xml and "</f><v></v></c>" in xml  # what LO writes
    grid = CalamineWorkbook.from_path(str(saved)).get_sheet_by_name("联户日记").to_python()
    assert grid[1][16] == ""  # the reader sees empty text
    code, total, issues = consolidated(tmp_path / "收集")
    assert (code, total["入户访谈"], issues) == (0, 1, [])
