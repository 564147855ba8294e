"""The flows a township clerk uses besides plain validate/consolidate, as she meets them:
``lianhu demo``, ``template --roster``, ``merge``, ``validate --annotate``, ``validate --report``
and the console's buttons. Every book is built here; what a person sees is checked in
LibreOffice where it matters (one soffice call for all the files of a test)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import uuid
import zipfile
from pathlib import Path

import fake_xlwings
import openpyxl
import pytest
from bookfactory import CARD_LABELS, DIARY_LABELS, card, diary, roster_xlsx, write_book
from click.testing import CliRunner
from conftest import SOFFICE, needs_libreoffice
from openpyxl.comments import Comment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from lianhu_xl import xl
from lianhu_xl.annotate import CELL_COLOURS, NOTE_TAG, RESULT_SHEET
from lianhu_xl.cli import cli
from lianhu_xl.console import INTERNAL_SHEET, build_console
from lianhu_xl.values import id_check_char

ID17 = "62072319800101123"
ID = ID17 + id_check_char(ID17)
BAD_ID = ID17 + ("0" if id_check_char(ID17) != "0" else "1")  # a wrong check digit: an error that quotes it


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lo_convert_all(paths: list[Path], out_dir: Path) -> dict[str, Path]:
    """Open each file in LibreOffice (one call, private profile) and save it as .xlsx:
    what LibreOffice made of it, by file stem."""
    profile = Path("/tmp") / f"lo-profile-{uuid.uuid4().hex}"
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out_dir),
                        *map(str, paths)], check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return {p.stem: out_dir / f"{p.stem}.xlsx" for p in paths}


# --- lianhu demo ------------------------------------------------------------------------


def test_demo_never_writes_over_a_clerks_working_folder(tmp_path):
    """`lianhu demo 联户带创` typed in the clerk's own folder replaced her 名册.csv, her 汇总表.xlsx and
    下营村's register (a real village's name) with invented ones, exit 0."""
    work = tmp_path / "联户带创"
    roster = work / "名册.csv"
    roster.parent.mkdir()
    roster.write_text("村,社\n下营村,四社\n", encoding="utf-8")
    book = write_book(work / "收集" / "下营村联户带创登记簿.xlsx", [card("XY-REAL-1")], [diary("XY-REAL-1")])
    before = {p: digest(p) for p in (roster, book)}

    result = CliRunner().invoke(cli, ["demo", str(work)])

    assert result.exit_code == 2, result.output
    assert "名册.csv" in result.output and "lianhu demo 演示乡" in result.output
    assert {p: digest(p) for p in before} == before
    assert sorted(p.name for p in work.rglob("*")) == ["下营村联户带创登记簿.xlsx", "名册.csv", "收集"]


def test_demo_runs_again_in_its_own_folder_and_in_an_empty_one(tmp_path):
    (tmp_path / "空").mkdir()
    for folder in ("演示乡", "演示乡", "空"):
        result = CliRunner().invoke(cli, ["demo", str(tmp_path / folder), "-j", "1"])
        assert result.exit_code == 0, result.output
        assert (tmp_path / folder / "汇总表.xlsx").is_file()


# --- template --roster --------------------------------------------------------------------


def _list_validations(ws) -> dict[str, str]:
    """Column letter of each list dropdown's first cell -> its source."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        if dv.type == "list":
            first = str(dv.sqref).split()[0].split(":")[0]
            out[first.rstrip("0123456789")] = dv.formula1
    return out


def _col(label: str) -> str:
    return get_column_letter(CARD_LABELS.index(label) + 1)


def test_a_roster_of_villages_only_gives_no_team_list_holding_the_header(tmp_path):
    """A roster listing villages without 社 gave the 社 column the list '名册'!$B$2:$B$1, which Excel
    and LibreOffice read as B1:B2: the dropdown offered the header “社” and a blank."""
    roster = roster_xlsx(tmp_path / "名册.xlsx", [["村", "社"], ["下营村", None], ["倪家营村", None]])
    result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "out"), "--roster", str(roster)])
    assert result.exit_code == 0, result.output
    lists = _list_validations(openpyxl.load_workbook(tmp_path / "out" / "联户带创登记簿.xlsx")["联户卡"])
    assert lists[_col("村")] == "'名册'!$A$2:$A$3"
    assert _col("社") not in lists


@needs_libreoffice
def test_libreoffice_keeps_long_roster_dropdowns_and_no_header_as_a_choice(tmp_path):
    """120 villages (far over Excel's 255 characters for a typed list) with spaces typed inside
    their names; and a roster without teams. LibreOffice opens both templates with working lists."""
    many = roster_xlsx(tmp_path / "多村名册.xlsx",
                       [["村", "社"]] + [[f"第{i}号 村 ", f"{t}社"] for i in range(120) for t in ("一", "二")])
    bare = roster_xlsx(tmp_path / "无社名册.xlsx", [["村", "社"], ["下营村", None]])
    made = []
    for roster in (many, bare):
        out = tmp_path / roster.stem / f"{roster.stem}模板.xlsx"
        assert CliRunner().invoke(cli, ["template", "-o", str(out), "--roster", str(roster)]).exit_code == 0
        made.append(out)
    back = lo_convert_all(made, tmp_path / "lo")
    wb = openpyxl.load_workbook(back["多村名册模板"])
    lists = _list_validations(wb["联户卡"])
    assert lists[_col("村")].replace("$", "").replace("'", "") == "名册!A2:A121"
    names = [c.value for c in wb["名册"]["A"][1:121]]
    assert names[:2] == ["第0号村", "第1号村"] and len(set(names)) == 120  # spaces inside names dropped
    lists = _list_validations(openpyxl.load_workbook(back["无社名册模板"])["联户卡"])
    assert _col("社") not in lists and _col("村") in lists


# --- merge ------------------------------------------------------------------------------


def test_merge_says_which_columns_it_could_not_carry(tmp_path):
    """A cadre's own column (照片编号) is not in the standard: the merged book cannot hold it.
    The summary said 全部合并，可以提交 and nothing of the column."""
    labels = CARD_LABELS + ["照片编号"]
    src = write_book(tmp_path / "收集" / "王明.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001")],
                     card_labels=labels)
    wb = openpyxl.load_workbook(src)
    wb["联户卡"].cell(3, len(labels), "P-17")
    wb.save(src)

    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "收集"), "-o", str(tmp_path / "合并.xlsx")])

    assert result.exit_code == 0, result.output  # a warning: the cards and diaries are all merged
    assert "照片编号" in result.output and "没有写入合并簿" in result.output
    assert "全部合并，可以提交" not in result.output
    merged = openpyxl.load_workbook(tmp_path / "合并.xlsx")["联户卡"]
    assert "照片编号" not in [c.value for row in merged.iter_rows(max_row=4) for c in row]


def test_merge_of_books_in_other_column_orders_writes_the_template_order_once(tmp_path):
    """The village's book has its columns reversed and holds a copy of 王明's card and diary."""
    own = write_book(tmp_path / "收集" / "王明.xlsx", [card("XY-001", 备注="王明自己的")], [diary("XY-001")])
    village = write_book(tmp_path / "收集" / "下营村.xlsx",
                         [card("XY-001", 备注="王明自己的"), card("XY-002", 户主="张三")],
                         [diary("XY-001"), diary("XY-002", dt.date(2010, 4, 1))],
                         card_labels=list(reversed(CARD_LABELS)), diary_labels=list(reversed(DIARY_LABELS)))
    before = digest(own), digest(village)
    out = tmp_path / "合并.xlsx"

    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "收集"), "-o", str(out)])

    assert result.exit_code == 0, result.output
    assert "联户卡 1 张、联户日记 1 条与另一份完全相同" in result.output
    assert (digest(own), digest(village)) == before
    wb = openpyxl.load_workbook(out)
    header = [c.value for c in wb["联户卡"][3]]
    assert header[:3] == ["卡号", "联系人", "联系人类别"]
    rows = [r for r in wb["联户卡"].iter_rows(min_row=4, values_only=True) if r[0]]
    assert [(r[0], r[header.index("户主")], r[header.index("备注")]) for r in rows] == [
        ("XY-001", "户主XY-001", "王明自己的"), ("XY-002", "张三", None)]
    assert len([r for r in wb["联户日记"].iter_rows(min_row=4, values_only=True) if r[0]]) == 2


# --- validate --annotate ---------------------------------------------------------------


def _layout_book(path: Path) -> Path:
    """A card sheet as a branch lays it out: merged title, a group heading over the appraisal
    columns (a two-row header), a hidden row, a frozen pane, a filter, its own dropdown, and the
    cadre's own note on a cell that holds a mistake."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws["A1"] = "下营村联户卡"
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(CARD_LABELS))
    first = CARD_LABELS.index("经济有发展") + 1
    ws.cell(2, first, "年终评议")
    ws.merge_cells(start_row=2, start_column=first, end_row=2, end_column=first + 3)
    ws.append(CARD_LABELS)
    for row in (card("XY-001"), card("XY-002", 家庭人口="五六口"), card("XY-003", 结对日期="去年"),
                card("XY-004", 身份证号=BAD_ID)):
        ws.append([row.get(label) for label in CARD_LABELS])
    ws.row_dimensions[5].hidden = True  # XY-002, whose 家庭人口 is wrong
    ws.freeze_panes = "B4"
    ws.auto_filter.ref = f"A3:{get_column_letter(len(CARD_LABELS))}7"
    dv = DataValidation(type="list", formula1='"乡干部,村干部,社干部,党员"', allow_blank=True)
    dv.add("C4:C100")
    ws.add_data_validation(dv)
    ws[f"{_col('家庭人口')}5"].comment = Comment("他说五口人", "赵刚")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_annotating_a_laid_out_sheet_marks_the_right_cells_and_keeps_the_layout(tmp_path):
    src = _layout_book(tmp_path / "收集" / "下营村.xlsx")
    before = digest(src)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "收集"), "-q", "--annotate", str(tmp_path / "退回")])
    assert result.exit_code == 1, result.output
    assert digest(src) == before
    ws = openpyxl.load_workbook(tmp_path / "退回" / "下营村.xlsx")["联户卡"]
    size, linked, id_cell = f"{_col('家庭人口')}5", f"{_col('结对日期')}6", f"{_col('身份证号')}7"
    for coord in (size, linked, id_cell):
        assert ws[coord].fill.fgColor.rgb == CELL_COLOURS["error"], coord
        assert ws[coord].comment.text.startswith(NOTE_TAG)
    assert ws[size].comment.text.endswith("原批注：他说五口人")
    assert BAD_ID in ws[id_cell].comment.text  # the cadre's own copy shows the number as typed
    assert ws.freeze_panes == "B4" and ws.auto_filter.ref == f"A3:{get_column_letter(len(CARD_LABELS))}7"
    assert not ws.row_dimensions[5].hidden  # its red cell is shown in the copy (session 5: test_leftovers_s5)
    assert {str(r) for r in ws.merged_cells.ranges} >= {f"A1:{get_column_letter(len(CARD_LABELS))}1"}
    assert [(str(d.sqref), d.formula1) for d in ws.data_validations.dataValidation] == [
        ("C4:C100", '"乡干部,村干部,社干部,党员"')]
    assert ws["S2"].value == "年终评议" and ws[f"{_col('家庭人口')}5"].value == "五六口"


def test_two_books_of_one_name_from_two_folders_get_two_copies_each_with_its_own_marks(tmp_path):
    a = write_book(tmp_path / "甲" / "下营村.xlsx", [card("XY-001", 结对日期="去年")], None)
    b = write_book(tmp_path / "乙" / "下营村.xlsx", [card("XY-002", 家庭人口="五六口")], None)
    result = CliRunner().invoke(cli, ["validate", str(a), str(b), "-q", "--annotate", str(tmp_path / "退回")])
    assert result.exit_code == 1, result.output
    copies = sorted((tmp_path / "退回").rglob("下营村.xlsx"))
    # beside each other under their own folders, not under the whole path recreated (退回/tmp/…/甲/)
    assert [c.relative_to(tmp_path / "退回").as_posix() for c in copies] == ["乙/下营村.xlsx", "甲/下营村.xlsx"]
    noted = {}
    for copy in copies:
        ws = openpyxl.load_workbook(copy)["联户卡"]
        noted[copy.parent.name] = sorted(c.coordinate for row in ws.iter_rows() for c in row if c.comment)
    assert noted == {"甲": [f"{_col('结对日期')}3"], "乙": [f"{_col('家庭人口')}3"]}


# --- validate --report -----------------------------------------------------------------


def test_a_report_of_ten_thousand_problems_masks_numbers_and_writes_no_formula(tmp_path):
    cards = [card(f"XY-{i:05d}", 身份证号=BAD_ID, 联系电话="1580000222", 家庭人口="=HYPERLINK(\"http://x\",\"点\")",
                  结对日期="去年", 联系人="@SUM(1)") for i in range(2500)]
    src = write_book(tmp_path / "收集" / "全村.xlsx", cards, [diary("XY-00001")])
    wb = openpyxl.load_workbook(src)
    for row in wb["联户卡"].iter_rows():
        for c in row:
            if c.data_type == "f":
                c.data_type = "s"  # typed as text, as a cadre's cell formatted 文本 holds it
    wb.save(src)
    out = tmp_path / "问题清单.xlsx"

    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "收集"), "-q", "--report", str(out)])

    assert result.exit_code == 1, result.output
    with zipfile.ZipFile(out) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert b"<f>" not in xml and b"<f " not in xml
    assert BAD_ID.encode() not in xml and b"1580000222" not in xml
    rows = list(openpyxl.load_workbook(out, read_only=True)["问题清单"].iter_rows(min_row=2, values_only=True))
    codes = {}
    for r in rows:
        codes[r[7]] = codes.get(r[7], 0) + 1
    assert codes == {"bad-number": 2500, "bad-id-number": 2500, "bad-phone": 2500, "bad-date": 2500,
                     "card-excluded": 1}  # the diary row of a card with errors
    first = {r[7]: r for r in rows}
    assert first["bad-number"][5] == '=HYPERLINK("http://x","点")' and first["bad-number"][1] == "@SUM(1)"
    assert first["bad-id-number"][5] == BAD_ID[:6] + "********" + BAD_ID[-4:]


@needs_libreoffice
def test_libreoffice_shows_the_report_and_the_annotated_copy_as_written(tmp_path):
    """What a person sees: user text starting with = stays text in the 问题清单, and the
    annotated copy's note (with the cadre's own note kept) is on the cell."""
    src = _layout_book(tmp_path / "收集" / "下营村.xlsx")
    wb = openpyxl.load_workbook(src)
    wb["联户卡"][f"{_col('户主')}4"] = "=1+1"
    wb["联户卡"][f"{_col('户主')}4"].data_type = "s"
    wb["联户卡"][f"{_col('家庭人口')}4"] = "=2*3"
    wb["联户卡"][f"{_col('家庭人口')}4"].data_type = "s"
    wb.save(src)
    report = tmp_path / "问题清单.xlsx"
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "收集"), "-q", "--report", str(report),
                                      "--annotate", str(tmp_path / "退回")])
    assert result.exit_code == 1, result.output
    back = lo_convert_all([report, tmp_path / "退回" / "下营村.xlsx"], tmp_path / "lo")
    listed = openpyxl.load_workbook(back["问题清单"])["问题清单"]
    typed = [r[5].value for r in listed.iter_rows(min_row=2) if r[7].value == "bad-number"]
    assert "=2*3" in typed and 6 not in typed
    ws = openpyxl.load_workbook(back["下营村"])
    assert ws.sheetnames[0] == RESULT_SHEET
    note = ws["联户卡"][f"{_col('家庭人口')}5"].comment.text
    assert "“五六口”" in note and "他说五口人" in note


# --- the console's buttons ---------------------------------------------------------------


def _console(tmp_path: Path) -> fake_xlwings.Book:
    book = fake_xlwings.Book.from_xlsx(build_console(tmp_path, interpreter=r"C:\lianhu\venv\Scripts\python.exe"))
    book.sheets[INTERNAL_SHEET]["B1"].value = "'validate-1"
    book.set_mock_caller()
    return book


def test_buttons_on_an_empty_collection_folder_say_what_to_do(fake, tmp_path):
    (tmp_path / "收集").mkdir()
    book = _console(tmp_path)
    xl.validate()
    xl.consolidate()
    for box in book.app.alerts:
        assert box["mode"] == "critical"
        assert "没有 .xlsx/.xlsm 登记簿" in box["prompt"] and "放进去" in box["prompt"]
    assert not (tmp_path / "汇总结果" / "汇总表.xlsx").exists()


def test_buttons_with_the_result_file_open_in_excel_say_so_and_leave_it(fake, tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    out = tmp_path / "汇总结果"
    out.mkdir()
    old = out / "汇总表.xlsx"
    old.write_bytes(b"last month")
    for name in ("汇总表.xlsx", "问题清单.xlsx"):
        (out / f"~${name}").write_bytes(b"\x00" * 165)  # Excel's lock file beside an open book
    book = _console(tmp_path)
    xl.validate()
    xl.consolidate()
    prompts = [box["prompt"] for box in book.app.alerts]
    assert "问题清单.xlsx”正在 Excel 或 WPS 中打开" in prompts[0]
    assert "汇总表.xlsx”正在 Excel 或 WPS 中打开" in prompts[1]
    assert old.read_bytes() == b"last month" and not (out / "问题清单.xlsx").exists()


def test_merge_names_each_books_extra_column(tmp_path):
    """Two cadres with the same extra column: each book's column is named, with its book."""
    for name in ("王明", "李强"):
        src = write_book(tmp_path / "收集" / f"{name}.xlsx", [card(f"XY-{name}")], None,
                         card_labels=CARD_LABELS + ["微信号"])
        wb = openpyxl.load_workbook(src)
        wb["联户卡"].cell(3, len(CARD_LABELS) + 1, "wx123")
        wb.save(src)
    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "收集"), "-o", str(tmp_path / "合并.xlsx")])
    assert result.exit_code == 0, result.output
    lines = [x for x in result.output.splitlines() if "微信号" in x]
    assert len(lines) == 2 and any("王明.xlsx" in x for x in lines) and any("李强.xlsx" in x for x in lines)
    check = CliRunner().invoke(cli, ["validate", str(tmp_path / "合并.xlsx"), "--json"])
    assert json.loads(check.output)["issues"] == []


def _console_with(tmp_path: Path, **settings: object) -> fake_xlwings.Book:
    book = _console(tmp_path)
    sheet = book.sheets["设置"]
    labels = sheet.range("A1:A20").value
    for label, value in settings.items():
        sheet[f"B{labels.index(label) + 1}"].value = value
    return book


@pytest.mark.parametrize("output", [None, "收集"])
def test_outputs_beside_the_books_leave_the_books_counted(fake, tmp_path, output):
    """输出文件夹 left empty (the console's own folder, above 收集) or set to the collection folder:
    every book lay under the output folder, was taken for an output and skipped, and the button
    said the folder held no books. Only our own 汇总表.xlsx and 问题清单.xlsx are skipped."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    book = _console_with(tmp_path, 收集文件夹="收集", 输出文件夹=output)
    xl.consolidate()
    xl.validate()
    xl.consolidate()  # the first run's 汇总表.xlsx, now beside the books, is not read as a submission
    for box in book.app.alerts:
        assert box["mode"] == "info", box["prompt"]
    out = tmp_path / (output or "")
    assert (out / "汇总表.xlsx").is_file() and (out / "问题清单.xlsx").is_file()
    sources = book.sheets["来源"]["A2"].expand().value
    assert [r[0] for r in sources[1:]] == ["下营村.xlsx"]


def test_a_collection_folder_naming_a_file_is_told_as_such(fake, tmp_path):
    book_path = write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    book = _console_with(tmp_path, 收集文件夹=str(book_path))
    xl.consolidate()
    [box] = book.app.alerts
    assert "设置!B6" in box["prompt"] and "是一个文件，不是文件夹" in box["prompt"]
