"""The long sheets' rows written as XML text (fast_rows) come out as XlsxWriter writes them."""

from __future__ import annotations

import csv
import datetime as dt
import math
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from bookfactory import card, diary, write_book
from conftest import needs_libreoffice
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import lianhu_xl.totals_book as totals_book
from lianhu_xl import fast_rows
from lianhu_xl.consolidate import consolidate
from lianhu_xl.fast_rows import FastRows, PlainRows, SheetRows, Widths, number_styles, open_rows
from lianhu_xl.period import parse_period
from lianhu_xl.template import text_width
from lianhu_xl.xl_text import new_workbook

D = dt.date
LONG = "长" * 9 + "x" * 40_000  # over Excel's 32,767: cut
EMOJI_CUT = "a" + "😀" * 16_384  # 32,769 UTF-16 units: cut before the last emoji, never inside it
NASTY = [
    "  leading spaces", "trailing spaces  ", "line\nbreak", "\nstarts with a newline", "ends with one\n",
    "<&>\"' all of them", "=1+1", '=HYPERLINK("http://x","点我")', "+cmd|' /C calc'!A0", "@SUM(1)",
    "_x0041_ a literal escape", "x_x00e9_y", "ctrl \x01\x07\x0b\x1f end", "\ttab first", "a\r\nb",
    "emoji 😀👨\u200d👩\u200d👧 end", "\u3000全角空格", "全角空格\u3000", "\ufffe", "", "中文一二三",
    "& alone", "_x004", "</t></is></c>", LONG, EMOJI_CUT, "plain text",
]


def _as_read(text: str) -> str:
    """What a reader that decodes _xHHHH_ (python-calamine) gives back for ``text``."""
    if text == LONG:
        return text[:32_767]
    if text == EMOJI_CUT:
        return text[:-1]
    return text.replace("\ufffe", "_xFFFE_")  # not allowed in XML: it stays escaped


def _detail_book(path: Path, fast: bool, texts: list[str] = NASTY) -> Path:
    """A sheet like the 汇总表's detail sheets: a merged title, a header, rows of every kind."""
    wb = new_workbook(path, constant_memory=True)
    wb.set_properties({"created": dt.datetime(2010, 1, 1)})
    cell = {"font_name": "宋体", "font_size": 10, "border": 1}
    title = wb.add_format({"bold": True, "font_size": 16})
    header = wb.add_format({**cell, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
    text = wb.add_format(cell)
    wrap = wb.add_format({**cell, "text_wrap": True, "valign": "top"})
    short = wb.add_format({**cell, "bg_color": "#FCE4D6"})
    money = wb.add_format({**cell, "num_format": "#,##0.00"})
    day = wb.add_format({**cell, "num_format": "yyyy-mm-dd", "align": "center"})
    number_styles([title, header, text, wrap, short, money, day])
    ws = wb.add_worksheet("明细")
    cols = ["文字", "换行", "金额", "日期", "空", "行"]
    with open_rows(ws, 3, len(cols) - 1, fast=fast) as rows:
        assert isinstance(rows, FastRows if fast else PlainRows)
        full = rows.layout("ssndbn", (text, wrap, money, day, short, text))
        other = rows.layout("ssndbn", (short, wrap, text, day, None, text))
        for i, t in enumerate(texts):
            rows.add(full if i % 2 else other, (t, t[::-1], i * 1.25 - 3, D(2010, 1, 1) + dt.timedelta(days=40 * i),
                                                None, 10 ** i if i < 20 else i),
                     None if i % 3 else 13.5 * (i % 5 + 1) + 2)
        ws.merge_range(0, 0, 0, len(cols) - 1, f"共 {rows.count} 行", title)  # counted while adding
        ws.write_string(1, 0, "说明", text)
        for col, label in enumerate(cols):
            ws.write_string(2, col, label, header)
        ws.set_row(2, 30)
        assert rows.finish() == len(texts)
    ws.autofilter(2, 0, 2 + rows.count, len(cols) - 1)
    ws.set_column(0, 1, 30)
    wb.close()
    return path


def _parts(path: Path, skip: tuple[str, ...] = ()) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n not in skip}


def _style(c) -> tuple:
    return (c.number_format, c.font.b, c.font.name, c.font.sz, c.fill.fill_type, c.fill.fgColor.rgb,
            c.alignment.wrap_text, c.alignment.horizontal, c.alignment.vertical, c.border.left.style)


@pytest.mark.parametrize("chunk", [500, 4])  # 4: the rows reach the sheet in several pieces
def test_a_detail_sheet_is_the_same_byte_for_byte_either_way(tmp_path, monkeypatch, chunk):
    monkeypatch.setattr(fast_rows, "CHUNK", chunk)
    fast, plain = _detail_book(tmp_path / "fast.xlsx", True), _detail_book(tmp_path / "plain.xlsx", False)
    assert _parts(fast) == _parts(plain)
    a, b = openpyxl.load_workbook(fast)["明细"], openpyxl.load_workbook(plain)["明细"]
    assert a.dimensions == b.dimensions == f"A1:F{3 + len(NASTY)}"
    assert a.auto_filter.ref == f"A3:F{3 + len(NASTY)}"
    for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
        for x, y in zip(row_a, row_b, strict=True):
            assert (x.value, x.data_type, _style(x)) == (y.value, y.data_type, _style(y)), x.coordinate
    heights = {r: d.height for r, d in a.row_dimensions.items() if d.height}
    assert heights == {r: d.height for r, d in b.row_dimensions.items() if d.height}
    assert heights[3] == 30 and heights[4] == 15.75  # 13.5 + 2 points: rounded to whole pixels as set_row does
    assert a["A4"].fill.fgColor.rgb == "FFFCE4D6" and a["A5"].fill.fill_type is None
    assert a["C5"].number_format == "#,##0.00" and a["C5"].value == pytest.approx(-1.75)
    assert a["D5"].number_format == "yyyy-mm-dd" and a["D5"].value == dt.datetime(2010, 2, 10)
    assert a["E5"].fill.fgColor.rgb == "FFFCE4D6" and a["E5"].value is None  # a formatted blank
    assert a["B5"].alignment.wrap_text and not a["A5"].alignment.wrap_text


def test_every_text_reads_back_as_typed_and_never_as_a_formula(tmp_path):
    path = _detail_book(tmp_path / "fast.xlsx", True)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("明细").to_python()
    assert [r[0] for r in rows[3:]] == [_as_read(t) for t in NASTY]
    assert [r[1] for r in rows[3:]] == [_as_read(t[::-1]) if t not in (LONG, EMOJI_CUT) else r[1]
                                        for t, r in zip(NASTY, rows[3:], strict=True)]
    assert rows[3 + NASTY.index(LONG)][1] == LONG[::-1][:32_767]
    assert [r[5] for r in rows[3:23]] == [10 ** i for i in range(20)]  # 1E+16 and up as XlsxWriter writes them
    sheet = _parts(path)["xl/worksheets/sheet1.xml"].decode()
    assert "<f>" not in sheet and '<t xml:space="preserve">  leading spaces</t>' in sheet
    assert "_x005F_x0041_ a literal escape" in sheet and "ctrl _x0001__x0007__x000B__x001F_ end" in sheet


def test_text_that_looks_like_rich_text_xml_stays_text(tmp_path):
    # XlsxWriter copies a string from <r> to </r> into the file as XML: typed text could add a
    # formula cell. Both ways write it as text.
    attack = ('<r><t>a</t></r></is></c><c r="Z9"><f>HYPERLINK("http://x","点我")</f></c>'
              '<c r="Z10" t="inlineStr"><is><r><t>b</t></r>')
    texts = [attack, "<r>x</r>", "plain"]
    for fast in (True, False):
        path = _detail_book(tmp_path / f"{fast}.xlsx", fast, texts)
        sheet = _parts(path)["xl/worksheets/sheet1.xml"].decode()
        assert "<f>" not in sheet and '<c r="Z9"' not in sheet
        rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("明细").to_python()
        assert [r[0] for r in rows[3:]] == texts
        ws = openpyxl.load_workbook(path)["明细"]
        assert [ws.cell(row=r, column=1).value for r in (4, 5, 6)] == texts


@pytest.mark.parametrize("fast", [True, False])
def test_a_sheet_refuses_a_row_past_its_last_instead_of_dropping_it(tmp_path, monkeypatch, fast):
    monkeypatch.setattr(fast_rows, "ROWMAX", 3)  # a sheet holds 1,048,576 rows
    wb = new_workbook(tmp_path / "t.xlsx", constant_memory=True)
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "表头")
    with open_rows(ws, 1, 0, fast=fast) as rows:
        layout = rows.layout("s", [None])
        rows.add(layout, ["一"])
        rows.add(layout, ["二"])
        assert rows.full
        with pytest.raises(OverflowError):
            rows.add(layout, ["三"])
    wb.close()


def _long_book(path: Path, fast: bool, count: int) -> tuple[Path, SheetRows]:
    """A list of ``count`` rows on 明细, going on to 明细(2), … as it needs."""
    wb = new_workbook(path, constant_memory=True)
    wb.set_properties({"created": dt.datetime(2010, 1, 1)})
    header, text, day = wb.add_format({"bold": True}), wb.add_format({"border": 1}), wb.add_format({"num_format": "yyyy-mm-dd"})
    number_styles([header, text, day])
    cols = ["序号", "文字", "日期"]

    def follow_on(n: int):
        more = wb.add_worksheet(f"明细({n})")
        more.write_string(0, 0, f"续{n}")
        more.write_row(1, 0, cols, header)
        return more, 2

    ws = wb.add_worksheet("明细")
    wb.add_worksheet("后面的表")  # a follow-on sheet goes where it is added
    with SheetRows(ws, 2, len(cols) - 1, follow_on, fast=fast) as rows:
        plain, dated = rows.layout("nsb", (text, text, None)), rows.layout("nsd", (text, text, day))
        for i in range(count):
            rows.add(dated if i % 2 else plain, (i + 1, f"第{i + 1}行 <r>x</r>", D(2010, 1, 1) + dt.timedelta(days=i)),
                     None if i % 3 else 30)
        ws.write_string(0, 0, f"共 {rows.count} 行，分 {len(rows.sheets)} 张表")
        ws.write_row(1, 0, cols, header)
        assert rows.finish() == count
    wb.close()
    return path, rows


def test_rows_past_the_sheets_last_row_go_on_follow_on_sheets_either_way(tmp_path, monkeypatch):
    monkeypatch.setattr(fast_rows, "ROWMAX", 10)  # a sheet holds 1,048,576 rows: 8 rows fit below 2 header rows
    (fast, rows), (plain, _) = _long_book(tmp_path / "fast.xlsx", True, 25), _long_book(tmp_path / "plain.xlsx", False, 25)
    assert _parts(fast) == _parts(plain)
    assert [(ws.name, first, n) for ws, first, n in rows.sheets] == [("明细", 2, 8), ("明细(2)", 2, 8), ("明细(3)", 2, 8),
                                                                     ("明细(4)", 2, 1)]
    book = CalamineWorkbook.from_path(str(fast))
    assert book.sheet_names == ["明细", "后面的表", "明细(2)", "明细(3)", "明细(4)"]
    numbers = []
    for name in ("明细", "明细(2)", "明细(3)", "明细(4)"):
        sheet = book.get_sheet_by_name(name).to_python()
        assert sheet[1] == ["序号", "文字", "日期"]
        assert all(r[1] == f"第{int(r[0])}行 <r>x</r>" for r in sheet[2:])
        numbers += [int(r[0]) for r in sheet[2:]]
    assert numbers == list(range(1, 26))  # every row once, in order
    assert book.get_sheet_by_name("明细").to_python()[0][0] == "共 25 行，分 4 张表"
    ws = openpyxl.load_workbook(fast)["明细(4)"]
    assert ws.dimensions == "A1:C3" and ws["A3"].value == 25 and ws.row_dimensions[3].height == 30
    assert openpyxl.load_workbook(fast)["明细(3)"]["C4"].value == dt.datetime(2010, 1, 18)  # row 18, dated


def test_a_list_that_fits_stays_on_one_sheet(tmp_path):
    path, rows = _long_book(tmp_path / "t.xlsx", True, 25)
    assert len(rows.sheets) == 1
    assert CalamineWorkbook.from_path(str(path)).sheet_names == ["明细", "后面的表"]


def test_numbers_excel_cannot_hold_are_refused_either_way(tmp_path):
    for fast in (True, False):
        wb = xlsxwriter.Workbook(str(tmp_path / f"{fast}.xlsx"), {"constant_memory": True})
        ws = wb.add_worksheet()
        ws.write_string(0, 0, "表头")
        with open_rows(ws, 1, 0, fast=fast) as rows:
            layout = rows.layout("n", [None])
            with pytest.raises(TypeError):
                rows.add(layout, [math.inf])
                rows.finish()
        wb.close()


def test_without_constant_memory_rows_go_through_xlsxwriter(tmp_path):
    wb = xlsxwriter.Workbook(str(tmp_path / "t.xlsx"))
    ws = wb.add_worksheet()
    ws.write_string(0, 0, "表头")
    with open_rows(ws, 1, 1) as rows:
        assert isinstance(rows, PlainRows) and not fast_rows.supported(ws)
        layout = rows.layout("sn", [None, None])
        rows.add(layout, [" 甲 ", 2], 40)
        rows.finish()
    wb.close()
    ws = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    assert [c.value for c in ws[2]] == [" 甲 ", 2] and ws.row_dimensions[2].height == 39.75


def test_white_space_is_the_same_to_str_isspace_and_to_xlsxwriters_regex():
    import re

    space = re.compile(r"\s")  # XlsxWriter's "preserve" test; fast rows use str.isspace
    assert all(chr(c).isspace() == bool(space.match(chr(c))) for c in range(0x110000))


@given(st.one_of(st.integers(-10 ** 17, 10 ** 17), st.floats(allow_nan=False, allow_infinity=False)))
def test_numbers_are_written_as_xlsxwriter_writes_them(number):
    from io import StringIO

    from xlsxwriter.xmlwriter import XMLwriter

    xlsxwriter_ = XMLwriter()
    xlsxwriter_._set_filehandle(StringIO())
    xlsxwriter_._xml_number_element(number, [("r", "A2")])
    rows = FastRows(None, 1, 0)  # a sheet is needed only for dates and row heights
    rows.add(rows.layout("n", [None]), [number])
    assert rows._buf == [f'<row r="2">{xlsxwriter_.fh.getvalue()}</row>']
    rows.close()


@given(st.text())
def test_remembered_widths_are_text_width(text):
    widths = Widths(limit=2)
    assert widths(text) == widths(text) == text_width(text)


# --- the whole 汇总表 ---------------------------------------------------------------


def _books(folder: Path) -> Path:
    long_problem = "村里的灌溉渠年久失修，春灌时下游三个社的地浇不上水，需要协调资金和劳力修缮" * 2
    cards = [card(f"XY-{i:03d}", 户主=f"户{i}", 社=f"{i % 3 + 1}社", 联系户类型=("致富明星户", "思想保守户", "经济落后户")[i % 3],
                  **({"是否转化": "是"} if i % 3 == 1 else {})) for i in range(1, 40)]
    cards.append(card("XY-040", 户主="  张 三 ", 联系人="李四", 职务="村党支部书记兼村委会主任、合作社理事长"))
    diaries = [diary(f"XY-{i:03d}", D(2010, 1 + i % 12, 6), 服务类别="政策宣传", **{"担保贷款(元)": f"{i * 0.5}万"})
               for i in range(1, 40)]
    diaries += [diary("XY-002", D(2010, 4, 6), 发现问题=long_problem, 是否主要问题="是", 办理结果="正在办理",
                      解决办法="先修渠 & <协调资金> _x0041_ =1+1"),
                diary("XY-003", D(2010, 5, 6), 发现问题="缺水", 是否主要问题="否", 办理结果="协调解决"),
                diary("XY-001", "2010-13-01"),  # an error: 未计入
                diary("XY-001", D(2009, 12, 1))]  # out of the period
    # a long file name: its 出处 in 联户清单 takes two lines
    write_book(folder / ("下营村联户带创登记簿二〇一〇年度第一社至第六社合并" + ".xlsx"), cards, diaries)
    write_book(folder / "江淮村.xlsx", [card("JH-001", 村="江淮村")], [diary("JH-001", D(2010, 9, 6))])
    return folder


def test_the_totals_book_is_the_same_byte_for_byte_either_way(tmp_path, monkeypatch):
    c = consolidate([_books(tmp_path / "in")], period=parse_period("2010"), title="倪家营乡", today=D(2011, 3, 1))
    added = []
    real_add = FastRows.add
    monkeypatch.setattr(FastRows, "add", lambda self, *a, **k: added.append(1) or real_add(self, *a, **k))
    fast = totals_book.write_totals(c, tmp_path / "fast.xlsx")
    assert len(added) >= len(c.cards) * 2 + len(c.problems)  # the fast rows were really used
    monkeypatch.setattr(totals_book, "FAST_ROWS", False)
    plain = totals_book.write_totals(c, tmp_path / "plain.xlsx")
    assert len(added) < len(c.cards) * 3 + len(c.problems) + len(c.excluded) + 50  # ... and not the second time
    assert _parts(fast, ("docProps/core.xml",)) == _parts(plain, ("docProps/core.xml",))

    wb = openpyxl.load_workbook(fast)
    cards = wb[totals_book.CARD_LIST_SHEET]
    origin = [r for r in cards.iter_rows(min_row=3) if r[0].value == "下营村"][0]
    assert origin[21].value.startswith("下营村联户带创登记簿") and origin[21].value.endswith("行")  # 出处
    assert cards.row_dimensions[origin[0].row].height == 29.25  # 出处 takes 2 lines: 13.5 × 2 + 2 in whole pixels
    problems = wb["问题"]
    assert problems["A4"].value == "正在办理" and problems["J4"].value == "先修渠 & <协调资金> A =1+1"  # _x0041_ in the book is an A
    lines = -(-text_width(problems["H4"].value) // 33)  # 发现问题: column width 30
    assert lines >= 3 and problems.row_dimensions[4].height == int((13.5 * lines + 2) * 4 / 3 + 0.5) * 0.75
    assert "共 2 个问题，其中正在办理或未解决 1 个" in problems["A2"].value
    assert wb["未计入"]["A4"].value == "未计入" and "有错误未计入 1 行" in wb["未计入"]["A2"].value
    assert "未达标" in wb["三个一"]["A2"].value and wb["三个一"].auto_filter.ref.startswith("A3:O")


@needs_libreoffice
def test_libreoffice_reads_every_fast_row(tmp_path):
    from libreoffice import convert

    path = _detail_book(tmp_path / "明细.xlsx", True)
    out = convert(path, tmp_path / "csv", "csv:Text - txt - csv (StarCalc):44,34,76,1")
    with open(out, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[2] == ["文字", "换行", "金额", "日期", "空", "行"]
    expected = [_as_read(t).replace("\r\n", "\n").replace("_xFFFE_", "\ufffe") for t in NASTY]
    assert [r[0] for r in rows[3:]] == expected  # LibreOffice reads \ufffe back and keeps one newline of \r\n
    assert len(rows) == 3 + len(NASTY)
    assert rows[4][3] == "2010-02-10" and rows[4][2] == "-1.75"
