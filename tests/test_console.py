"""The generated console workbook (联户带创汇总台.xlsm), inspected without Excel.

Static checks read the package parts and parse the VBA with olevba (oletools,
an independent parser); one test opens the file in headless LibreOffice and
asks it, through UNO, which macro each button is bound to.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

with warnings.catch_warnings():  # oletools' pyparsing grammar warns on import
    warnings.simplefilter("ignore")
    from oletools.olevba import VBA_Parser

from lianhu_xl import console as console_mod
from lianhu_xl import xl
from lianhu_xl.cli import cli
from lianhu_xl.console import (
    BUTTONS,
    CONSOLE_NAME,
    INTERNAL_SHEET,
    SETTINGS,
    SETTINGS_SHEET,
    TEXTS,
    Settings,
    build_console,
    read_settings,
)
from lianhu_xl.errors import LianhuError

HERE = Path(__file__).parent
PYTHON_UNO = "/usr/bin/python3"
INTERPRETER = r"C:\Users\王明\AppData\Local\lianhu\venv\Scripts\python.exe"


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    return build_console(tmp_path_factory.mktemp("console"), interpreter=INTERPRETER)


@pytest.fixture(scope="module")
def vba(made) -> dict[str, str]:
    parser = VBA_Parser(str(made))
    try:
        return {Path(name).stem: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def subs(code: str) -> dict[str, str]:
    """Public Sub name -> its body."""
    found = re.finditer(r"^Public Sub (\w+)\(\)\s*$(.*?)^End Sub", code, re.M | re.S)
    return {m.group(1): m.group(2) for m in found}


def button_macros(made: Path) -> dict[str, str]:
    """Caption -> macro, read from the VML drawing Excel reads the Form buttons from."""
    with zipfile.ZipFile(made) as z:
        vml = z.read("xl/drawings/vmlDrawing1.vml").decode("utf-8")
    out = {}
    for shape in re.findall(r"<v:shape .*?</v:shape>", vml, re.S):
        macro = re.search(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", shape)
        caption = re.search(r"<font[^>]*>([^<]+)</font>", shape)
        if macro and caption:
            out[caption.group(1)] = macro.group(1)
    return out


def test_the_file_is_a_macro_enabled_workbook_with_a_vba_project(made):
    assert made.name == CONSOLE_NAME
    with zipfile.ZipFile(made) as z:
        types = z.read("[Content_Types].xml").decode()
        assert "xl/vbaProject.bin" in z.namelist()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
    assert "application/vnd.ms-excel.sheet.macroEnabled.main+xml" in types
    assert "vbaProject" in rels


def test_every_button_is_bound_to_a_sub_that_exists(made, vba):
    bound = button_macros(made)
    assert bound == {caption: macro for macro, caption, _, _ in BUTTONS}
    assert set(bound) == {"生成模板", "校验", "汇总", "打开结果"}
    public = subs(vba["LianhuButtons"])
    for macro in bound.values():
        assert macro in public, macro
    others = {name: set(subs(code)) for name, code in vba.items() if name != "LianhuButtons"}
    for macro in bound.values():  # "[0]!Macro" must name exactly one Sub in the project
        assert not any(macro in names for names in others.values()), macro


def test_python_buttons_run_a_fixed_command_importing_lianhu_xl_xl(vba):
    public = subs(vba["LianhuButtons"])
    for macro, _, function, _ in BUTTONS:
        if function is None:
            continue
        command = f'"import lianhu_xl.xl; lianhu_xl.xl.{function}()"'
        assert command in public[macro], macro
        assert callable(getattr(xl, function))
    code = vba["LianhuButtons"]
    assert "RunPython pyCode" in code and "ThisWorkbook.Name" not in code.split("RunPython")[1][:40]
    assert "mymodule" not in code  # never the quickstart trick of importing the workbook's name


def test_the_xlwings_standalone_module_is_embedded(vba):
    assert {"xlwings", "Dictionary", "LianhuButtons"} <= set(vba)
    assert "Function RunPython(" in vba["xlwings"]
    assert "BSD 3-clause" in vba["xlwings"]  # its licence notice travels with it
    for sheet in ("ThisWorkbook", "Sheet1", "Sheet6"):  # a document module for every sheet
        assert sheet in vba


def test_all_vba_is_ascii(made, vba):
    for name, code in vba.items():
        assert code.isascii(), name
    source = (Path(console_mod.__file__).parent / "vba" / "LianhuButtons.bas").read_bytes()
    assert source.isascii()


def test_every_text_the_vba_shows_is_in_the_hidden_sheet(made):
    code = (Path(console_mod.__file__).parent / "vba" / "LianhuButtons.bas").read_text()
    keys = set(re.findall(r'LianhuText\("([^"]+)"\)', code))
    assert keys and keys <= set(TEXTS)
    wb = openpyxl.load_workbook(made)
    ws = wb[INTERNAL_SHEET]
    assert ws.sheet_state == "hidden"
    rows = {r[0]: r[1] for r in ws.iter_rows(values_only=True)}
    for key in keys:
        assert rows[key] and not rows[key].isascii(), key  # Chinese, read at run time
    assert {"state.run_id", "state.run_state", "state.last_result"} <= set(rows)


def test_settings_sheet_has_each_setting_with_a_note_and_validation(made):
    wb = openpyxl.load_workbook(made)
    ws = wb[SETTINGS_SHEET]
    assert wb.sheetnames[:4] == ["设置", "汇总", "问题清单", "来源"]
    labels = {ws.cell(r, 1).value: r for r in range(1, 20)}
    validated = {str(cell) for dv in ws.data_validations.dataValidation for cell in dv.sqref}
    messages = {str(dv.sqref): dv.promptTitle for dv in ws.data_validations.dataValidation}
    for s in SETTINGS:
        row = labels[s.label]
        assert ws.cell(row, 2).comment is not None and s.label in ws.cell(row, 2).comment.text
        assert f"B{row}" in validated
        assert messages[f"B{row}"] == s.label
    output = wb.defined_names["LianhuOutput"].attr_text
    assert output == f"'设置'!$B${labels['输出文件夹']}"  # what the VBA's 打开结果 reads


def test_xlwings_conf_sheet_carries_the_interpreter(made):
    ws = openpyxl.load_workbook(made)["xlwings.conf"]
    conf = {}
    for key, value in ws.iter_rows(min_col=1, max_col=2, values_only=True):
        if key is None:
            break  # xlwings reads A1 down to the first blank
        conf[key.upper()] = value
    assert conf["INTERPRETER_WIN"] == INTERPRETER
    assert conf["ADD_WORKBOOK_TO_PYTHONPATH"] == "false"  # a stray .py in the folder is never imported


def test_read_settings_takes_values_as_excel_gives_them():
    import datetime as dt

    rows = [["联户带创汇总台", None, None], [None], ["项目", "内容", "说明"],
            ["乡镇名称", " 倪家营乡 ", ""], ["收集文件夹", r"D:\收集", ""], ["统计期", 2010.0, ""],
            ["输出文件夹", None, ""], ["名册：", "名册.csv", ""]]
    assert read_settings(rows) == Settings("倪家营乡", r"D:\收集", "2010", "", "名册.csv")
    rows[5][1] = dt.datetime(2010, 9, 1)
    assert read_settings(rows).period == "2010-09"
    with pytest.raises(LianhuError, match="统计期"):
        read_settings([r for r in rows if r and r[0] != "统计期"])


def test_console_command_writes_the_workbook(tmp_path):
    result = CliRunner().invoke(cli, ["xl", "console", "-o", str(tmp_path / "台"), "--python", r"D:\py\python.exe"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "台" / CONSOLE_NAME).is_file()
    assert "已生成汇总台" in result.output and r"D:\py\python.exe" in result.output


def test_console_command_without_xlwings_says_what_to_install(tmp_path, monkeypatch):
    def missing(name):
        raise console_mod.importlib.metadata.PackageNotFoundError(name)

    monkeypatch.setattr(console_mod.importlib.metadata, "distribution", missing)
    result = CliRunner().invoke(cli, ["xl", "console", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "xlwings" in result.output and "pip install" in result.output
    assert not (tmp_path / CONSOLE_NAME).exists()


def _has_uno() -> bool:
    if not (shutil.which("soffice") and Path(PYTHON_UNO).exists()):
        return False
    return subprocess.run([PYTHON_UNO, "-c", "import uno"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _has_uno(), reason="needs LibreOffice (libreoffice-calc-nogui) and python3-uno "
                    "for /usr/bin/python3; .ci/run installs both")
def test_libreoffice_opens_the_console_and_lists_each_buttons_macro(made):
    run = subprocess.run([PYTHON_UNO, str(HERE / "lo_buttons.py"), str(made), shutil.which("soffice")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    seen = json.loads(run.stdout)
    bound = {b["label"]: b["events"] for b in seen["buttons"] if b["sheet"] == SETTINGS_SHEET}
    assert set(bound) == {caption for _, caption, _, _ in BUTTONS}
    for macro, caption, _, _ in BUTTONS:
        [(listener, method, kind, url)] = bound[caption]
        assert (listener, method, kind) == ("XActionListener", "actionPerformed", "Script")
        assert url.startswith(f"vnd.sun.star.script:VBAProject.LianhuButtons.{macro}?")
    module = seen["modules"]["VBAProject.LianhuButtons"]
    assert "lianhu_xl.xl.consolidate()" in module
    assert "VBAProject.xlwings" in seen["modules"]


def test_generated_off_windows_the_console_points_at_the_offline_installs_python(tmp_path, monkeypatch):
    monkeypatch.setattr(console_mod, "_on_windows", lambda: False)
    monkeypatch.setattr(console_mod.sys, "platform", "linux")
    made = build_console(tmp_path)
    ws = openpyxl.load_workbook(made)["xlwings.conf"]
    assert ws["A1"].value == "Interpreter_Win"
    assert ws["B1"].value == r"%LOCALAPPDATA%\lianhu\venv\Scripts\python.exe"  # where install.ps1 puts it


def test_generated_on_windows_the_console_points_at_the_python_that_ran_it(tmp_path, monkeypatch):
    monkeypatch.setattr(console_mod, "_on_windows", lambda: True)
    monkeypatch.setattr(console_mod.sys, "executable", r"C:\lianhu\venv\Scripts\pythonw.exe")
    win, _ = console_mod.default_interpreter()
    assert win == r"C:\lianhu\venv\Scripts\pythonw.exe"  # python.exe beside it does not exist here


def test_every_lianhu_procedure_the_vba_calls_is_defined():
    """No Excel here to compile the VBA: at least every call names a procedure that exists."""
    code = (Path(console_mod.__file__).parent / "vba" / "LianhuButtons.bas").read_text()
    body = "\n".join(line.split("'")[0] for line in code.splitlines())  # comments out
    defined = set(re.findall(r"^(?:Public |Private )?(?:Sub|Function) (Lianhu\w+)\(", body, re.M))
    used = set(re.findall(r"\b(Lianhu[A-Z]\w*)\b", re.sub(r'"[^"\n]*"', '""', body)))
    assert used - defined == set()
    assert set(re.findall(r"^Public Sub (\w+)", body, re.M)) == {macro for macro, _, _, _ in BUTTONS}


def _broken(path: Path) -> None:
    path.write_bytes(b"PK\x03\x04 not really a zip")


def _not_a_workbook(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "hello")


def _renamed_sheet(path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "设置表"
    wb.save(path)


@pytest.mark.parametrize(("make", "says"), [(_broken, "文件不是 Excel 工作簿或已损坏"),
                                            (_not_a_workbook, "文件不是 Excel 工作簿或已损坏"),
                                            (_renamed_sheet, "里没有“设置”表")])
def test_an_unreadable_console_is_named_and_described_in_chinese(tmp_path, make, says):
    from python_calamine import CalamineWorkbook

    from lianhu_xl.console import read_settings_file

    book = tmp_path / "汇总台.xlsm"
    make(book)
    try:  # the reader's own words, which must not reach the clerk
        CalamineWorkbook.from_path(str(book)).get_sheet_by_name(SETTINGS_SHEET)
    except Exception as exc:
        english = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", f"{type(exc).__name__} {exc}")}
    assert english
    with pytest.raises(LianhuError) as caught:
        read_settings_file(book)
    run = CliRunner().invoke(cli, ["xl", "run", "validate", "--book", str(book)])
    assert run.exit_code == 2
    for message in (str(caught.value), run.output):
        assert says in message and str(book) in message and "lianhu xl console -o" in message
        words = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", message.replace(str(book), ""))}
        assert words <= {"excel", "xlsm", "lianhu", "xl", "console"}, words
        assert not words & english - {"excel"}
