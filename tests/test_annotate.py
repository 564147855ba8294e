"""validate --annotate: a copy of the cadre's own workbook with every problem marked at its cell.

The book used here is the standard template filled the way a cadre fills it, with
the features cadres use: the merged title, dropdowns, date and number formats,
column widths, the template's own header notes, a 填表说明 sheet and an extra
sheet of their own with a picture, a formula and a conditional format.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import needs_libreoffice
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import PatternFill

from lianhu_xl.annotate import (
    CELL_COLOURS,
    MARKS_SHEET,
    NEXT_STEP,
    NOTE_TAG,
    RESULT_SHEET,
    ROW_COLOURS,
    annotate_books,
)
from lianhu_xl.cli import cli
from lianhu_xl.template import build_template
from lianhu_xl.validate import collect, validate

GREEN = "FFC6EFCE"


@pytest.fixture(autouse=True)
def _no_cache(monkeypatch):
    monkeypatch.setenv("LIANHU_CACHE", "off")


def cadre_book(path: Path, fixed: bool = False) -> Path:
    """The template, filled in; ``fixed`` gives the same book with every mistake corrected."""
    from PIL import Image

    tpl = build_template(path.parent / "_tpl" / "模板.xlsx")
    wb = openpyxl.load_workbook(tpl)
    cards = wb["联户卡"]
    rows = [
        ["XY-001", "王明", "乡干部", "副乡长", "下营村党支部", "下营村", "六社", "李进忠", "致富明星户", 5,
         None, "13912345678", "玉米制种", dt.datetime(2010, 3, 1), 2500, "缺少制种技术"],
        ["XY-002", "赵刚", "党员", None, None, "下营村", "四社", "张三", "经济落后户",
         6 if fixed else "五六口", None, "13800001111" if fixed else "123", "草畜",
         dt.datetime(2010, 3, 5) if fixed else "2010.13.5", 1800, "缺水"],
    ]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            cards.cell(r, c).value = value
    cards["N4"].number_format = 'yyyy"年"m"月"d"日"'
    cards["O4"].number_format = "#,##0.00"
    cards["J5"].fill = PatternFill("solid", fgColor=GREEN)  # the cadre's own highlight ...
    cards["J5"].comment = Comment("问过村会计", "赵刚")  # ... and note, on a cell with a mistake
    diary = wb["联户日记"]
    rows = [
        ["XY-001", dt.datetime(2010, 4, 2), "王明", "李进忠", "入户访谈", "长势良好"],
        ["XY-002", dt.datetime(2010, 4, 3), "赵刚", "张三", "入户访谈" if fixed else "待定"],
        ["XY-001" if fixed else "XY-009", dt.datetime(2010, 4, 9), None, None, "电话联系"],
    ]
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            diary.cell(r, c).value = value
    own = wb.create_sheet("我的统计")
    own.merge_cells("A1:D1")
    own["A1"] = "二〇一〇年联系情况"
    own.append(["月份", "次数"])
    own.append([dt.date(2010, 4, 1), 3])
    own.append(["合计", "=SUM(B3:B3)"])
    own["A3"].number_format = "yyyy-mm"
    own.column_dimensions["A"].width = 21
    own.conditional_formatting.add("B3:B10", CellIsRule(operator="greaterThan", formula=["2"],
                                                        fill=PatternFill("solid", fgColor="FFFFC7CE")))
    picture = io.BytesIO()
    Image.new("RGB", (30, 20), "blue").save(picture, "PNG")
    own.add_image(openpyxl.drawing.image.Image(picture), "F2")
    chart = openpyxl.chart.BarChart()
    chart.add_data(openpyxl.chart.Reference(own, min_col=2, min_row=3, max_row=3))
    own.add_chart(chart, "F10")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def run(*args: str):
    return CliRunner().invoke(cli, ["validate", *args, "-q"])


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def marks_of(wb) -> dict[tuple[str, str], dict]:
    ws = wb[MARKS_SHEET]
    return {(d["sheet"], d["cell"]): d for (raw,) in ws.iter_rows(min_row=2, max_col=1, values_only=True)
            for d in [json.loads(raw)]}


def look(cell) -> tuple:
    """Everything a cadre could see or have typed in a cell, except our marks."""
    return (cell.value, cell.number_format, repr(cell.font), repr(cell.border), repr(cell.alignment),
            repr(cell.protection))


def colour(cell) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


@pytest.fixture()
def annotated(tmp_path):
    src = cadre_book(tmp_path / "收集" / "下营村.xlsx")
    before = sha(src)
    result = run(str(tmp_path / "收集"), "--annotate", str(tmp_path / "退回"))
    assert result.exit_code == 1, result.output
    assert sha(src) == before, "the original must never be touched"
    copy = tmp_path / "退回" / "下营村.xlsx"
    assert copy.is_file()
    return src, copy


def test_round_trip_keeps_everything_the_cadre_typed_cell_by_cell(annotated):
    src, copy = annotated
    a, b = openpyxl.load_workbook(src), openpyxl.load_workbook(copy)
    assert b.sheetnames == [RESULT_SHEET, *a.sheetnames, MARKS_SHEET]
    assert b[MARKS_SHEET].sheet_state == "veryHidden"
    assert [b[n].sheet_state for n in a.sheetnames] == [a[n].sheet_state for n in a.sheetnames]
    marks = marks_of(b)
    for name in a.sheetnames:
        wa, wb_ = a[name], b[name]
        for (r, c), cell in wa._cells.items():
            other = wb_.cell(r, c)
            assert look(other) == look(cell), (name, cell.coordinate)
            if (name, cell.coordinate) not in marks:
                assert repr(other.fill) == repr(cell.fill), (name, cell.coordinate)
                assert (other.comment and other.comment.text) == (cell.comment and cell.comment.text)
        stray = set(wb_._cells) - set(wa._cells)
        assert all((name, wb_.cell(r, c).coordinate) in marks for r, c in stray), "cells made up"
        assert sorted(map(str, wb_.merged_cells.ranges)) == sorted(map(str, wa.merged_cells.ranges))
        assert {k: d.width for k, d in wb_.column_dimensions.items()} == \
               {k: d.width for k, d in wa.column_dimensions.items()}
        assert {k: d.height for k, d in wb_.row_dimensions.items() if d.height} == \
               {k: d.height for k, d in wa.row_dimensions.items() if d.height}
        dvs = lambda ws: sorted((str(d.sqref), d.type, d.formula1, d.errorStyle)  # noqa: E731
                                for d in ws.data_validations.dataValidation)
        assert dvs(wb_) == dvs(wa)
        cfs = lambda ws: sorted((str(k.sqref), [r.type for r in v])  # noqa: E731
                                for k, v in ws.conditional_formatting._cf_rules.items())
        assert cfs(wb_) == cfs(wa)
        assert len(wb_._images) == len(wa._images) and len(wb_._charts) == len(wa._charts)
        assert wb_.freeze_panes == wa.freeze_panes and wb_.print_title_rows == wa.print_title_rows
    assert len(a["联户卡"].data_validations.dataValidation) >= 5, "the template's dropdowns were there"
    assert len(b["我的统计"]._images) == 1 and len(b["我的统计"]._charts) == 1
    assert b["我的统计"]["B4"].value == "=SUM(B3:B3)"
    assert b["联户卡"]["N4"].value == dt.datetime(2010, 3, 1)
    assert b.custom_doc_props["lianhu_standard"].value == "1"


def test_every_problem_cell_is_filled_and_says_what_to_type(annotated):
    src, copy = annotated
    wb = openpyxl.load_workbook(copy)
    cards, diary = wb["联户卡"], wb["联户日记"]
    j5 = cards["J5"]
    assert colour(j5) == CELL_COLOURS["error"]
    assert j5.comment.text.startswith(NOTE_TAG)
    assert "“家庭人口”填的是“五六口”" in j5.comment.text and "只填数字" in j5.comment.text
    assert "原批注：问过村会计" in j5.comment.text, "the cadre's own note is kept inside ours"
    assert "日期写成 2010-9-6 或 2010年9月6日" in cards["N5"].comment.text
    assert colour(cards["L5"]) == CELL_COLOURS["warning"]  # a phone that looks wrong: a warning
    assert "“123”" in cards["L5"].comment.text, "in the cadre's own copy the number is shown as typed"
    assert "入户访谈、电话联系" in diary["E5"].comment.text
    # an unknown 卡号 is a problem of the whole row: the row is marked, the note sits at 卡号
    assert colour(diary["A6"]) == CELL_COLOURS["error"] and "XY-009" in diary["A6"].comment.text
    assert colour(diary["C6"]) == ROW_COLOURS["error"] and colour(diary["Q6"]) == ROW_COLOURS["error"]
    assert colour(diary["A4"]) is None and cards["A4"].comment is None, "clean rows stay clean"
    # a cell that did not exist takes its column's format, as when the cadre types into it
    tpl = openpyxl.load_workbook(src)["联户日记"]
    assert diary["Q6"].number_format == tpl.column_dimensions["Q"].number_format
    assert diary["Q6"].border.left.style == "thin"


def test_result_sheet_lists_the_problems_with_links(annotated):
    _, copy = annotated
    wb = openpyxl.load_workbook(copy)
    ws = wb[RESULT_SHEET]
    assert wb.active.title == RESULT_SHEET
    assert ws["A1"].value == "校验结果：错误 4 处（红色单元格），警告 1 处（黄色单元格）。"
    assert NEXT_STEP in ws["A2"].value
    header = next(r for r in range(1, 10) if ws.cell(r, 1).value == "序号")
    rows = list(ws.iter_rows(min_row=header + 1))
    assert len(rows) == 5
    assert [row[2].hyperlink.location for row in rows] == [
        "'联户卡'!J5", "'联户卡'!N5", "'联户日记'!E5", "'联户日记'!A6", "'联户卡'!L5"]
    assert [row[1].value for row in rows] == ["错误"] * 4 + ["警告"], "errors first"
    assert rows[0][4].value == "五六口" and "只填数字" in rows[0][6].value


def test_annotating_twice_gives_the_same_marks_as_once(annotated, tmp_path):
    _, first = annotated
    result = run(str(first), "--annotate", str(tmp_path / "再退回"))
    assert result.exit_code == 1
    second = tmp_path / "再退回" / "下营村.xlsx"
    a, b = openpyxl.load_workbook(first), openpyxl.load_workbook(second)
    assert a.sheetnames == b.sheetnames
    for name in a.sheetnames:
        cells = set(a[name]._cells) | set(b[name]._cells)
        for r, c in sorted(cells):
            x, y = a[name].cell(r, c), b[name].cell(r, c)
            assert look(x) == look(y), (name, x.coordinate)
            assert repr(x.fill) == repr(y.fill), (name, x.coordinate)
            assert (x.comment and x.comment.text) == (y.comment and y.comment.text), (name, x.coordinate)
    assert b["联户卡"]["J5"].comment.text.count(NOTE_TAG) == 1


def test_a_fixed_cell_gets_its_own_look_back_and_a_clean_copy_validates(annotated, tmp_path):
    _, copy = annotated
    wb = openpyxl.load_workbook(copy)
    wb["联户卡"]["J5"] = 6  # fixed, the rest not yet
    wb.save(copy)
    assert run(str(copy), "--annotate", str(tmp_path / "二")).exit_code == 1
    again = openpyxl.load_workbook(tmp_path / "二" / "下营村.xlsx")["联户卡"]
    assert colour(again["J5"]) == GREEN and again["J5"].comment.text == "问过村会计"
    assert colour(again["N5"]) == CELL_COLOURS["error"]
    # now fix everything the notes asked for, in the annotated copy itself
    wb = openpyxl.load_workbook(copy)
    wb["联户卡"]["N5"] = "2010年3月5日"
    wb["联户卡"]["L5"] = "13800001111"
    wb["联户日记"]["E5"] = "入户访谈"
    wb["联户日记"]["A6"] = "XY-001"
    wb.save(copy)
    result = CliRunner().invoke(cli, ["validate", str(copy), "--json", "--annotate", str(tmp_path / "三")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    # the marks and the 校验结果 sheet are never taken for data; the clerk is only told that the
    # book is last run's annotated copy, so its 校验结果 (错误 4 处) is not read as this run's
    assert [(i["code"], i["severity"]) for i in report["issues"]] == [("annotated-copy", "notice")]
    assert "以这次校验的结果为准" in report["issues"][0]["message"]
    assert not (tmp_path / "三" / "下营村.xlsx").exists(), "a clean book gets no copy"


def test_missing_column_is_marked_at_the_header(tmp_path):
    from bookfactory import card, write_book

    labels = [x for x in __import__("bookfactory").CARD_LABELS if x != "户主"]
    write_book(tmp_path / "in" / "缺列.xlsx", [card()], None, card_labels=labels)
    assert run(str(tmp_path / "in"), "--annotate", str(tmp_path / "out")).exit_code == 1
    ws = openpyxl.load_workbook(tmp_path / "out" / "缺列.xlsx")["联户卡"]
    note = ws["A2"].comment.text
    assert colour(ws["A2"]) == CELL_COLOURS["error"] and "缺少必填列“户主”" in note


def test_files_that_cannot_be_opened_get_no_copy_and_clean_ones_neither(tmp_path):
    from bookfactory import card, diary, write_book

    folder = tmp_path / "in"
    write_book(folder / "好.xlsx", [card()], [diary()])
    (folder / "坏.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    (folder / "旧.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    write_book(folder / "子" / "错.xlsx", [card("XY-002", 结对日期="去年")], None)
    result = run(str(folder), "--annotate", str(tmp_path / "out"))
    assert result.exit_code == 1
    made = sorted(p.relative_to(tmp_path / "out").as_posix() for p in (tmp_path / "out").rglob("*.xlsx"))
    assert made == ["子/错.xlsx"], "same relative name; nothing for clean or unopenable files"


def test_annotating_into_the_source_folder_is_refused(tmp_path):
    from bookfactory import card, write_book

    src = write_book(tmp_path / "in" / "错.xlsx", [card(结对日期="去年")], None)
    before = sha(src)
    result = run(str(tmp_path / "in"), "--annotate", str(tmp_path / "in"))
    assert result.exit_code == 2 and "另选一个文件夹" in result.output
    assert sha(src) == before


def test_a_file_changed_after_validation_is_not_annotated_but_reported(tmp_path):
    from bookfactory import card, write_book

    src = write_book(tmp_path / "in" / "错.xlsx", [card(结对日期="去年")], None)
    files, issues = collect([tmp_path / "in"])
    result = validate([tmp_path / "in"], files=files, collect_issues=issues)
    write_book(src, [card(结对日期="前年")], None)
    assert annotate_books(result, files, tmp_path / "out") == []
    notes = [i for i in result.report.issues if i.code == "annotate-failed"]
    assert len(notes) == 1 and "改动" in notes[0].message


def test_macros_survive_in_an_xlsm(tmp_path):
    from bookfactory import card, write_book

    plain = write_book(tmp_path / "tmp.xlsx", [card(结对日期="去年")], None)
    src = tmp_path / "in" / "带宏.xlsm"
    src.parent.mkdir()
    vba = b"\xd0\xcf\x11\xe0 fake vba project bytes"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                                    b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
                data = data.replace(b"<Default ", b'<Default Extension="bin" ContentType='
                                    b'"application/vnd.ms-office.vbaProject"/><Default ', 1)
            if item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdVba" Type="http://schemas.'
                                    b'microsoft.com/office/2006/relationships/vbaProject" '
                                    b'Target="vbaProject.bin"/></Relationships>')
            zout.writestr(item, data)
        zout.writestr("xl/vbaProject.bin", vba)
    assert run(str(tmp_path / "in"), "--annotate", str(tmp_path / "out")).exit_code == 1
    with zipfile.ZipFile(tmp_path / "out" / "带宏.xlsm") as z:
        assert z.read("xl/vbaProject.bin") == vba
        assert b"macroEnabled" in z.read("[Content_Types].xml")


def xlsxwriter_card_book(path: Path, decorate) -> Path:
    """A one-card book (结对日期 "去年", an error to mark) written by XlsxWriter, which can add
    what openpyxl cannot keep; ``decorate(ws)`` adds it to the 联户卡 sheet."""
    import xlsxwriter
    from bookfactory import CARD_LABELS

    path.parent.mkdir(exist_ok=True)
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet("联户卡")
    ws.write_row(0, 0, CARD_LABELS)
    ws.write_row(1, 0, ["XY-001", "王明", "乡干部", "", "", "下营村", "六社", "李进忠", "致富明星户",
                        "", "", "", "", "去年", "", "缺技术"])
    decorate(ws)
    book.close()
    return path


def test_what_openpyxl_cannot_keep_is_said_in_the_copy_and_the_report(tmp_path):
    src = xlsxwriter_card_book(tmp_path / "in" / "带文本框.xlsx", lambda ws: ws.insert_textbox("D5", "村里的说明"))
    result = CliRunner().invoke(cli, ["validate", str(src.parent), "--json", "--annotate",
                                      str(tmp_path / "out")])
    report = json.loads(result.output)
    lost = [i for i in report["issues"] if i["code"] == "annotate-incomplete"]
    assert len(lost) == 1 and "图形和文本框" in lost[0]["message"]
    ws = openpyxl.load_workbook(tmp_path / "out" / "带文本框.xlsx")[RESULT_SHEET]
    assert any("图形和文本框" in (c.value or "") for c in ws["A"][:6])


@needs_libreoffice
def test_libreoffice_opens_the_copy_and_its_notes_are_there(annotated, tmp_path):
    from libreoffice import convert

    _, copy = annotated
    back = convert(copy, tmp_path / "lo")
    wb = openpyxl.load_workbook(back)
    assert wb.sheetnames[0] == RESULT_SHEET
    cards, diary = wb["联户卡"], wb["联户日记"]
    assert "“五六口”" in cards["J5"].comment.text and "只填数字" in cards["J5"].comment.text
    assert "XY-009" in diary["A6"].comment.text
    assert colour(cards["J5"]) == CELL_COLOURS["error"]
    assert cards["H3"].comment is not None and "户主" in cards["H3"].comment.text, "template notes kept"


X14_DROPDOWN = ('<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
                'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
                '<x14:dataValidations count="1"><x14:dataValidation type="list" allowBlank="1" showErrorMessage="1">'
                '<x14:formula1><xm:f>名单!$A$1:$A$2</xm:f></x14:formula1><xm:sqref>F3:F100</xm:sqref>'
                '</x14:dataValidation></x14:dataValidations></ext></extLst>').encode()


def excel_style_dropdown_book(tmp_path: Path) -> Path:
    """A book as Excel saves a dropdown whose list is on another sheet: in an x14 extension,
    with the ``xm`` prefix declared on the sheet's root. openpyxl alone drops it."""
    from bookfactory import card, write_book

    plain = write_book(tmp_path / "plain.xlsx", [card(结对日期="去年")], None,
                       extra_sheets={"名单": [["下营村"], ["倪家营村"]]})
    src = tmp_path / "in" / "下拉.xlsx"
    src.parent.mkdir()
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(src, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b'<worksheet xmlns="', b'<worksheet xmlns:xm="http://schemas.microsoft.com/'
                                    b'office/excel/2006/main" xmlns="', 1)
                data = data.replace(b"</worksheet>", X14_DROPDOWN + b"</worksheet>")
            zout.writestr(item, data)
    return src


def test_excel_dropdowns_from_another_sheet_are_carried_over(tmp_path):
    src = excel_style_dropdown_book(tmp_path)
    with pytest.warns(UserWarning, match="Data Validation extension"):
        openpyxl.load_workbook(src)  # what openpyxl alone would lose
    result = CliRunner().invoke(cli, ["validate", str(src.parent), "--json", "--annotate", str(tmp_path / "out")])
    assert not [i for i in json.loads(result.output)["issues"] if i["code"] == "annotate-incomplete"]
    copy = tmp_path / "out" / "下拉.xlsx"
    with zipfile.ZipFile(copy) as z:
        sheet = z.read("xl/worksheets/sheet2.xml")  # after 校验结果
    assert b"<xm:f>\xe5\x90\x8d\xe5\x8d\x95!$A$1:$A$2</xm:f>" in sheet and b'xmlns:xm="' in sheet
    with pytest.warns(UserWarning, match="Data Validation extension"):  # the copy has it again
        back = openpyxl.load_workbook(copy)
    assert "“去年”" in back["联户卡"]["N3"].comment.text


@needs_libreoffice
def test_libreoffice_sees_the_carried_dropdown(tmp_path):
    from libreoffice import convert

    src = excel_style_dropdown_book(tmp_path)
    assert run(str(src.parent), "--annotate", str(tmp_path / "out")).exit_code == 1
    back = convert(tmp_path / "out" / "下拉.xlsx", tmp_path / "lo")
    dvs = openpyxl.load_workbook(back)["联户卡"].data_validations.dataValidation
    assert [(str(d.sqref), d.type, d.formula1) for d in dvs] == [("F3:F100", "list", "名单!$A$1:$A$2")]


def test_a_book_without_the_standard_sheets_is_told_so_on_its_first_sheet(tmp_path):
    from bookfactory import CARD_LABELS, card

    book = openpyxl.Workbook()
    book.active.title = "卡片"  # (a new book's Sheet1 is read by its header since session 10)
    book.active.append(CARD_LABELS)
    book.active.append([card().get(label) for label in CARD_LABELS])
    (tmp_path / "in").mkdir()
    book.save(tmp_path / "in" / "改了名.xlsx")
    assert run(str(tmp_path / "in"), "--annotate", str(tmp_path / "out")).exit_code == 1
    wb = openpyxl.load_workbook(tmp_path / "out" / "改了名.xlsx")
    assert wb.sheetnames[:2] == [RESULT_SHEET, "卡片"]
    assert colour(wb["卡片"]["A1"]) == CELL_COLOURS["error"]
    assert "“联户卡”" in wb["卡片"]["A1"].comment.text and "改名" in wb["卡片"]["A1"].comment.text
    assert wb["卡片"]["A1"].value == "卡号"


def test_worker_processes_make_the_same_copies(tmp_path):
    from bookfactory import card, write_book

    for n in range(3):
        write_book(tmp_path / "in" / f"{n}.xlsx", [card(f"XY-{n}", 结对日期="去年")], None)
    files, issues = collect([tmp_path / "in"])
    result = validate([tmp_path / "in"], files=files, collect_issues=issues)
    one = annotate_books(result, files, tmp_path / "one")
    two = annotate_books(result, files, tmp_path / "two", jobs=2)
    assert [p.name for p in one] == [p.name for p in two] == ["0.xlsx", "1.xlsx", "2.xlsx"]
    for a, b in zip(one, two, strict=True):
        x, y = openpyxl.load_workbook(a)["联户卡"], openpyxl.load_workbook(b)["联户卡"]
        assert x["N3"].comment.text == y["N3"].comment.text and colour(y["N3"]) == CELL_COLOURS["error"]


def test_note_boxes_keep_their_size(tmp_path):
    """openpyxl forgets the size of note boxes; the template's help notes must not shrink."""
    src = xlsxwriter_card_book(tmp_path / "in" / "笔记.xlsx", lambda ws: ws.write_comment(
        0, 1, "联系人：姓名\n规则：必填\n例：王明", {"x_scale": 2, "y_scale": 1.4}))
    assert run(str(src.parent), "--annotate", str(tmp_path / "out")).exit_code == 1
    with zipfile.ZipFile(tmp_path / "out" / "笔记.xlsx") as z:
        vml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".vml"))
    assert b"width:256px;height:" in vml  # 2 × 96 pt, as written, in openpyxl's pixels
    assert openpyxl.load_workbook(tmp_path / "out" / "笔记.xlsx")["联户卡"]["B1"].comment.text.startswith("联系人")


def test_marks_whose_hidden_record_was_lost_are_still_taken_off(annotated, tmp_path):
    _, copy = annotated
    wb = openpyxl.load_workbook(copy)
    wb.remove(wb[MARKS_SHEET])  # as if a program on the way dropped the very hidden sheet
    wb.remove(wb[RESULT_SHEET])
    wb["联户卡"]["N5"] = "2010-3-5"  # fixed
    wb.save(copy)
    assert run(str(copy), "--annotate", str(tmp_path / "again")).exit_code == 1
    again = openpyxl.load_workbook(tmp_path / "again" / "下营村.xlsx")
    cards = again["联户卡"]
    assert cards["N5"].comment is None and colour(cards["N5"]) is None, "the fixed cell is clean"
    assert cards["J5"].comment.text.count(NOTE_TAG) == 1, "marks never pile up"
    assert cards["J5"].comment.text.endswith("原批注：问过村会计")
    assert again.sheetnames.count(RESULT_SHEET) == 1


def test_a_book_whose_every_row_is_wrong_is_painted_row_by_row_and_taken_off_exactly(tmp_path):
    """Forty diary rows, each naming a card the book does not have: every row is painted across
    the table and its 卡号 cell red; the cadre's own fills (every third row green, one row
    yellow) are exactly what comes back when the next run takes our marks off."""
    from bookfactory import card, diary, write_book

    src = write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")],
                     [diary(f"XY-{100 + i}", 主要内容=f"第{i}次") for i in range(40)])
    wb = openpyxl.load_workbook(src)
    ws = wb["联户日记"]
    rows = [r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value or "").startswith("XY-1")]
    width = max(c.column for c in ws[rows[0] - 1] if c.value is not None)  # the header's
    own = {r: GREEN for r in rows[::3]} | {rows[1]: "FFFFFF00"}
    for r, rgb in own.items():
        for c in range(1, width + 1):
            ws.cell(r, c).fill = PatternFill("solid", fgColor=rgb)
    wb.save(src)
    assert run(str(src.parent), "--annotate", str(tmp_path / "退回")).exit_code == 1
    copy = tmp_path / "退回" / "下营村.xlsx"
    marked = openpyxl.load_workbook(copy)["联户日记"]
    assert len(rows) == 40
    for r in rows:
        assert colour(marked.cell(r, 1)) == CELL_COLOURS["error"], r
        assert {colour(marked.cell(r, c)) for c in range(2, width + 1)} == {ROW_COLOURS["error"]}, r
        assert colour(marked.cell(r, width + 1)) is None, "the mark stops at the table's edge"
    # the cadre adds the forty cards, in the copy, and sends it again: our marks come off
    wb = openpyxl.load_workbook(copy)
    for i in range(40):
        wb["联户卡"].append([f"XY-{100 + i}", "王明", "乡干部", None, None, "下营村", "六社", f"户主{i}",
                            "致富明星户", None, None, None, None, dt.date(2010, 1, 5), None, "缺水"])
    wb.save(copy)
    assert run(str(copy), "--annotate", str(tmp_path / "二")).exit_code == 0
    clean = openpyxl.load_workbook(copy)
    from lianhu_xl.annotate import clear_marks

    clear_marks(clean)
    for r in rows:
        assert {colour(clean["联户日记"].cell(r, c)) for c in range(1, width + 2)} == (
            {own[r], None} if r in own else {None}), r
