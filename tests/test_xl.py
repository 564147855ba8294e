"""The console's button functions, driven end to end through an in-memory xlwings.

Each test generates the real console workbook, loads its cells into the
stand-in the way Excel would hand them to xlwings (whole numbers as floats,
dates as datetimes), types settings into 设置, clicks a button by calling the
function the VBA's RunPython command calls, and looks at what landed in the
workbook, in the output folder and in the message box.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import fake_xlwings
import openpyxl
import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl import xl
from lianhu_xl.cli import cli
from lianhu_xl.console import INTERNAL_SHEET, SETTINGS_SHEET, build_console


def villages(folder: Path) -> None:
    """Two villages; 倪家营村 has a card with its family size typed wrong and a diary row for no card."""
    write_book(folder / "下营村.xlsx",
               [card("XY-001"), card("XY-002", 联系人="李强", 联系人类别="党员", 联系户类型="经济落后户",
                                     **{"基期人均纯收入(元)": 1800})],
               [diary("XY-001", dt.date(2010, 3, 6), **{"担保贷款(元)": "3000元"}),
                diary("XY-002", dt.date(2010, 4, 2), 服务类别="实用技术")])
    write_book(folder / "倪家营村.xlsx",
               [card("NJ-001", 村="倪家营村", 社="四社", 联系人="赵兰", 联系人类别="村干部",
                     联系户类型="思想保守户", 家庭人口=12345),
                card("NJ-002", 村="倪家营村", 社="四社", 联系人="赵兰", 联系人类别="村干部",
                     联系户类型="思想保守户", 是否转化="是")],
               [diary("NJ-002", dt.date(2010, 5, 9)), diary("NJ-404", dt.date(2010, 5, 9))])


def console_book(tmp_path: Path, **settings: object) -> fake_xlwings.Book:
    """The generated console, opened in the stand-in, settings typed into column B."""
    path = build_console(tmp_path, interpreter=r"C:\lianhu\venv\Scripts\python.exe")
    book = fake_xlwings.Book.from_xlsx(path)
    sheet = book.sheets[SETTINGS_SHEET]
    labels = sheet.range("A1:A20").value
    for label, value in settings.items():
        sheet[f"B{labels.index(label) + 1}"].value = value
    book.sheets[INTERNAL_SHEET]["B1"].value = "'consolidate-20101231-42"  # what the VBA writes first
    book.set_mock_caller()
    return book


def table(book, name: str) -> list[list[object]]:
    rows = book.sheets[name]["A2"].expand().value
    return rows if isinstance(rows[0], list) else [rows]  # one row comes back flat, as in xlwings


def state(book, key: str) -> object:
    rows = book.sheets[INTERNAL_SHEET].range("A1:B10").value
    return next(v for k, v in rows if k == key)


def test_consolidate_button_writes_totals_problems_and_sources_into_the_workbook(fake, tmp_path):
    villages(tmp_path / "收集")
    book = console_book(tmp_path, 乡镇名称="倪家营乡", 统计期=2010)  # Excel stores 2010 as 2010.0

    xl.consolidate()

    totals = table(book, "汇总")
    assert totals[0][:4] == ["单位", "致富明星户", "思想保守户", "经济落后户"]
    units = {row[0]: dict(zip(totals[0], row, strict=True)) for row in totals[1:]}
    assert list(units) == ["下营村", "倪家营村", "合计"]
    assert [units["合计"][k] for k in ("致富明星户", "思想保守户", "经济落后户")] == [1, 1, 1]
    assert units["下营村"]["担保贷款(元)"] == 3000
    assert units["倪家营村"]["转化户数"] == 1 and units["倪家营村"]["转化率"] == 1.0
    assert units["合计"]["入户访谈"] == 3  # NJ-404 has no card: not counted

    problems = table(book, "问题清单")
    assert problems[0][:3] == ["文件", "工作表", "单元格"]
    where = {(r[0], r[1], r[2]) for r in problems[1:]}
    assert ("倪家营村.xlsx", "联户日记", "A4") in where  # NJ-404: no such card
    typed = next(r for r in problems[1:] if r[3] == "家庭人口")
    assert typed[4] == "12345" and isinstance(typed[4], str)  # stays text, as typed

    sources = table(book, "来源")
    assert {r[0] for r in sources[1:]} == {"下营村.xlsx", "倪家营村.xlsx"}

    out = tmp_path / "汇总结果" / "汇总表.xlsx"
    assert out.is_file()
    assert openpyxl.load_workbook(out).sheetnames[0] == "汇总"
    [box] = book.app.alerts
    assert box["title"] == "联户带创汇总台" and box["mode"] == "critical"
    assert "倪家营乡" in box["prompt"] and str(out) in box["prompt"] and "问题清单" in box["prompt"]
    assert state(book, "state.run_state") == "done:consolidate-20101231-42"
    assert state(book, "state.last_result") == str(out)
    labels = book.sheets[SETTINGS_SHEET].range("A1:A20").value
    assert book.sheets[SETTINGS_SHEET][f"B{labels.index('上次结果') + 1}"].value == str(out)


def test_consolidate_twice_replaces_the_tables_instead_of_appending(fake, tmp_path):
    villages(tmp_path / "收集")
    book = console_book(tmp_path)
    xl.consolidate()
    first = table(book, "问题清单")
    (tmp_path / "收集" / "倪家营村.xlsx").unlink()
    xl.consolidate()
    second = table(book, "问题清单")
    assert len(first) == 3 and len(second) == 1  # only the header is left
    assert "全部计入" in book.sheets["问题清单"]["A1"].value
    assert [r[0] for r in table(book, "汇总")[1:]] == ["下营村", "合计"]


def test_validate_button_lists_each_problem_with_file_and_cell(fake, tmp_path):
    villages(tmp_path / "收集")
    book = console_book(tmp_path)

    xl.validate()

    problems = table(book, "问题清单")
    rows = [dict(zip(problems[0], r, strict=True)) for r in problems[1:]]
    bad = [r for r in rows if r["级别"] == "错误"]
    assert bad and all(r["文件"] and r["单元格"] for r in bad)
    assert any(r["文件"] == "倪家营村.xlsx" and r["说明"].startswith("联户日记!A4") for r in bad)
    assert (tmp_path / "汇总结果" / "问题清单.xlsx").is_file()
    assert book.sheets["汇总"]["A2"].value == "单位"  # validate leaves the totals sheet alone
    [box] = book.app.alerts
    assert "发现需要改正的错误" in box["prompt"] and "倪家营村.xlsx" in box["prompt"]


def test_clean_books_give_an_ok_message(fake, tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    book = console_book(tmp_path, 统计期=dt.datetime(2010, 3, 1))  # "2010-3" typed: Excel made a date

    xl.consolidate()

    [box] = book.app.alerts
    assert box["mode"] == "info" and "全部计入" in box["prompt"], box["prompt"]
    assert "2010年3月" in box["prompt"]  # the date was read as the month the clerk meant


def test_template_button_writes_the_blank_register_to_the_output_folder(fake, tmp_path):
    book = console_book(tmp_path, 输出文件夹=str(tmp_path / "发给各村"))
    xl.make_template()
    made = tmp_path / "发给各村" / "联户带创登记簿.xlsx"
    assert made.is_file()
    [box] = book.app.alerts
    assert str(made) in box["prompt"] and box["mode"] == "info"
    assert state(book, "state.last_result") == str(made)


@pytest.mark.parametrize(("settings", "says"), [
    ({"收集文件夹": None}, ["设置!B6", "没有填写收集文件夹"]),
    ({"收集文件夹": "不存在的文件夹"}, ["设置!B6", "不存在的文件夹"]),
    ({"统计期": "2010年13月"}, ["设置!B7", "统计期"]),
    ({"名册": "名册.xlsx"}, ["设置!B9", "名册"]),
])
def test_a_wrong_setting_is_a_chinese_message_naming_the_cell(fake, tmp_path, settings, says):
    villages(tmp_path / "收集")
    book = console_book(tmp_path, **settings)

    xl.consolidate()  # never raises

    [box] = book.app.alerts
    assert box["mode"] == "critical"
    for text in says:
        assert text in box["prompt"]
    assert "Traceback" not in box["prompt"]
    assert not (tmp_path / "汇总结果" / "汇总表.xlsx").exists()
    assert state(book, "state.run_state") == "done:consolidate-20101231-42"  # no CLI fallback after


def test_an_unexpected_failure_is_a_message_box_not_a_traceback(fake, tmp_path, monkeypatch):
    book = console_book(tmp_path)

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(xl, "run_action", boom)
    xl.validate()
    [box] = book.app.alerts
    assert "程序出错" in box["prompt"] and "disk on fire" in box["prompt"]
    assert state(book, "state.run_state") == "done:consolidate-20101231-42"


def test_a_result_sheet_the_clerk_deleted_comes_back(fake, tmp_path):
    villages(tmp_path / "收集")
    book = console_book(tmp_path)
    book.sheets._list.remove(book.sheets["汇总"])
    xl.consolidate()
    names = [s.name for s in book.sheets]
    assert names[names.index(SETTINGS_SHEET) + 1] == "汇总"
    assert table(book, "汇总")[-1][0] == "合计"


def test_text_that_looks_like_a_formula_or_number_is_written_as_text(fake, tmp_path):
    book = console_book(tmp_path)
    xl.write_table(book, "问题清单", [["填写内容", "数"], ["=HYPERLINK(\"http://x\")", 3], ["2010-9-6", 2.5]])
    sheet = book.sheets["问题清单"]
    assert sheet["A3"].formula is None and sheet["A3"].value == "=HYPERLINK(\"http://x\")"
    assert sheet["A4"].value == "2010-9-6"
    assert sheet["B3"].value == 3.0 and sheet["B4"].value == 2.5


def test_console_inside_the_collection_folder_is_not_read_as_a_submission(fake, tmp_path):
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    book = console_book(folder, 收集文件夹=".", 输出文件夹="汇总结果")
    xl.consolidate()
    xl.consolidate()  # the first run's 汇总表.xlsx is not read back either
    sources = table(book, "来源")
    assert [r[0] for r in sources[1:]] == ["下营村.xlsx"]
    assert book.app.alerts[-1]["mode"] == "info", book.app.alerts[-1]["prompt"]


def test_without_a_calling_workbook_the_button_says_so_and_does_not_raise(fake, capsys):
    xl.consolidate()  # Book.caller() fails outside Excel
    assert "无法连接到 Excel 工作簿" in capsys.readouterr().err


def test_the_module_imports_and_runs_from_the_command_line_without_xlwings(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "xlwings", None)  # import xlwings would fail
    villages(tmp_path / "收集")
    console = build_console(tmp_path)
    result = tmp_path / "result.txt"
    run = CliRunner().invoke(cli, ["xl", "run", "consolidate", "--book", str(console),
                                   "--result-file", str(result)])
    assert run.exit_code == 1, run.output  # problems found: 1, like lianhu consolidate
    status, target, *message = result.read_text(encoding="utf-8").splitlines()
    assert status == "problems"
    assert target == str(tmp_path / "汇总结果" / "汇总表.xlsx") and Path(target).is_file()
    assert any("问题清单" in line for line in message)
    assert result.read_bytes().count(b"\r\n") >= 3  # VBA's Line Input reads CRLF lines


def test_command_line_path_reads_the_settings_the_clerk_saved(tmp_path):
    villages(tmp_path / "收集")
    console = build_console(tmp_path)
    wb = openpyxl.load_workbook(console, keep_vba=True)
    ws = wb[SETTINGS_SHEET]
    labels = [c.value for c in ws["A"]]
    ws.cell(labels.index("统计期") + 1, 2, "2010年13月")
    wb.save(console)
    run = CliRunner().invoke(cli, ["xl", "run", "consolidate", "--book", str(console),
                                   "--result-file", str(tmp_path / "r.txt")])
    assert run.exit_code == 2
    assert "设置!B7" in run.output and "统计期" in run.output
    assert (tmp_path / "r.txt").read_text(encoding="utf-8").splitlines()[0] == "error"


def test_command_line_path_with_a_missing_workbook_is_a_message(tmp_path):
    run = CliRunner().invoke(cli, ["xl", "run", "validate", "--book", str(tmp_path / "无.xlsm")])
    assert run.exit_code == 2 and "找不到汇总台文件" in run.output


def test_xlwings_is_imported_only_by_xl_and_only_inside_the_buttons():
    import subprocess

    import lianhu_xl

    package = Path(lianhu_xl.__file__).parent
    statement = re.compile(r"^\s*(import xlwings|from xlwings)\b", re.M)
    importers = sorted(p.name for p in package.rglob("*.py") if statement.search(p.read_text(encoding="utf-8")))
    assert importers == ["xl.py"]
    code = ("import sys; sys.modules['xlwings'] = None; "
            "import lianhu_xl.xl, lianhu_xl.cli, lianhu_xl.console, lianhu_xl.doctor; print('ok')")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert run.stdout.strip() == "ok", run.stderr


def test_a_renamed_settings_sheet_is_named_in_the_message(fake, tmp_path):
    book = console_book(tmp_path)
    book.sheets[SETTINGS_SHEET].name = "Sheet1"
    xl.consolidate()
    [box] = book.app.alerts
    assert "没有“设置”表" in box["prompt"] and "lianhu xl console" in box["prompt"]


def test_results_still_land_when_the_hidden_sheet_was_deleted(fake, tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    book = console_book(tmp_path)
    book.sheets._list.remove(book.sheets[INTERNAL_SHEET])
    xl.consolidate()
    [box] = book.app.alerts
    assert box["mode"] == "info" and "全部计入" in box["prompt"]
    assert table(book, "汇总")[-1][0] == "合计"
