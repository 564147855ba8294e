"""A real spreadsheet program opens the template, saves it, and what it saved is read back.

LibreOffice stands in for Excel and WPS here (it is what a Linux CI can run). The
first test opens the generated template headless and saves it as .xlsx. The second
drives LibreOffice through UNO from Debian's own Python (package python3-uno; the
venv's Python cannot load UNO) and fills cells the way LibreOffice's input line treats
typing: in a cell whose format (read from LibreOffice, i.e. the template's format as
LibreOffice understood it) is text, the characters are kept as typed; in any other
cell they are input (``setFormula``), so ``2010-3-1`` becomes a date and ``5`` a number,
while a 身份证号 in the text-formatted column keeps its 18 digits and ``2010年9月6日``
and ``3000元`` stay text. (The ``.uno:EnterString`` dispatch would be closer still, but
LibreOffice 7.4 headless aborts in it under load: signal 6 in a scheduler timer.) One
value is pasted (``setString``) instead, because the template's dropdown would refuse it
when typed: a wrong 联系户类型 reaches a book by pasting. Then ``lianhu validate`` checks
the saved file.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from conftest import needs_libreoffice
from libreoffice import SOFFICE, convert

from lianhu_xl.book import check_file
from lianhu_xl.cli import cli
from lianhu_xl.standard import CARD_SHEET, DIARY_SHEET, STANDARD_VERSION
from lianhu_xl.template import build_template
from lianhu_xl.validate import validate

SYSTEM_PYTHON = "/usr/bin/python3"


def _uno_available() -> bool:
    if SOFFICE is None or not Path(SYSTEM_PYTHON).exists():
        return False
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True)
    return probe.returncode == 0


needs_uno = pytest.mark.skipif(
    not _uno_available(),
    reason="LibreOffice's Python bridge is missing: Debian packages libreoffice-calc-nogui and "
           "python3-uno (for /usr/bin/python3); .ci/run installs them",
)


@needs_libreoffice
def test_libreoffice_saves_the_template_and_the_reader_reads_it_back(tmp_path):
    template = build_template(tmp_path / "src")
    saved = convert(template, tmp_path / "saved")
    assert saved.is_file() and saved.read_bytes() != template.read_bytes()
    result = check_file(saved, saved.name)
    assert result.issues == []
    assert result.summary.template_version == STANDARD_VERSION  # the custom property survives
    assert result.summary.kind == "book" and result.rows_read == 0
    wb = openpyxl.load_workbook(saved)
    assert wb.sheetnames == ["填表说明", CARD_SHEET, DIARY_SHEET]
    ws = wb[CARD_SHEET]
    assert ws["A3"].value == "卡号" and ws["A3"].comment is not None  # header notes survive
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert '"乡干部,村干部,社干部,党员"' in lists  # and so do the dropdowns


# The UNO side runs in Debian's Python, so it is a small script of its own.
FILL_SCRIPT = r'''
import json, shutil, subprocess, sys, time, uuid
import uno
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException


def prop(name, value):
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


soffice, src, dst, data_path = sys.argv[1:5]
data = json.load(open(data_path, encoding="utf-8"))
profile = f"/tmp/lo-uno-{uuid.uuid4().hex}"  # private profile: other LibreOffice runs never clash
pipe = f"lianhu-{uuid.uuid4().hex}"
proc = subprocess.Popen([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                         "--norestore", "--nologo", "--nodefault",
                         f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(480):
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            time.sleep(0.25)
    else:
        sys.exit("LibreOffice did not answer on its pipe")
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(src), "_blank", 0, (prop("Hidden", True),))
    if doc is None:
        sys.exit(f"LibreOffice could not open {src}")
    formats = doc.getNumberFormats()
    TEXT = uno.getConstantByName("com.sun.star.util.NumberFormat.TEXT")
    kinds = {}
    for sheet, cells in data.items():
        sh = doc.Sheets.getByName(sheet)
        for addr, how, text in cells:
            cell = sh.getCellRangeByName(addr)
            if how == "type" and not formats.getByKey(cell.NumberFormat).Type & TEXT:
                cell.setFormula(text)  # typed into a cell that reads input: dates, numbers
            else:  # typed into a text cell, or pasted: kept as the characters
                cell.setString(text)
            kinds[f"{sheet}!{addr}"] = cell.getType().value
    doc.storeToURL(uno.systemPathToFileUrl(dst), (prop("FilterName", "Calc MS Excel 2007 XML"),))
    print(json.dumps(kinds))
    try:
        doc.close(True)
        desktop.terminate()
    except Exception:  # the bridge goes away as LibreOffice quits
        pass
finally:
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(profile, ignore_errors=True)
'''


def _typed(row: int, cells: dict[str, str], how: str = "type") -> list[list[str]]:
    return [[f"{col}{row}", how, text] for col, text in cells.items()]


# Two cards and four diary rows, as a cadre types them into the template (row 4 is the first data row).
CARDS = (
    _typed(4, {"A": "XY-001", "B": "王明", "C": "乡干部", "D": "副乡长", "F": "下营村", "G": "六社", "H": "李进忠",
               "I": "致富明星户", "J": "5", "K": "620702198001011231", "L": "13912345678", "N": "2010-3-1",
               "O": "3000元", "P": "缺少制种技术", "S": "是"})
    + _typed(5, {"A": "XY-002", "B": "张华", "C": "党员", "F": "下营村", "G": "七社", "H": "赵大", "N": "2010年3月5日",
                 "O": "1,800", "P": "缺劳力"})
    + _typed(5, {"I": "经济户"}, how="paste")  # a wrong 联系户类型
)
DIARIES = (
    _typed(4, {"A": "XY-001", "B": "2010年9月6日", "E": "入户访谈", "G": "缺滴灌设备", "H": "是", "I": "协调水管站",
               "J": "协调解决", "K": "政策宣传、实用技术", "L": "1", "M": "3000元"})
    + _typed(5, {"A": "XY-001", "B": "2010/9/20", "E": "电话联系", "M": "1.2万"})
    + _typed(6, {"A": "XY-009", "B": "2010.9.21", "E": "入户访谈"})  # a 卡号 that names no card
    + _typed(7, {"A": "XY-002", "B": "2010-9-8", "E": "入户访谈"})
)


@needs_uno
def test_rows_typed_in_libreoffice_are_validated(tmp_path):
    template = build_template(tmp_path / "src")
    data = tmp_path / "cells.json"
    data.write_text(json.dumps({CARD_SHEET: CARDS, DIARY_SHEET: DIARIES}, ensure_ascii=False), encoding="utf-8")
    script = tmp_path / "fill.py"
    script.write_text(FILL_SCRIPT, encoding="utf-8")
    filled = tmp_path / "books" / "王明的登记簿.xlsx"
    filled.parent.mkdir()
    run = subprocess.run([SYSTEM_PYTHON, str(script), shutil.which("soffice") or SOFFICE, str(template),
                          str(filled), str(data)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0 and filled.is_file(), run.stderr[-2000:]
    kinds = json.loads(run.stdout.strip().splitlines()[-1])
    # LibreOffice applied the template's formats as it does to typing
    assert kinds["联户卡!N4"] == "VALUE"  # 2010-3-1 became a real date
    assert kinds["联户卡!K4"] == "TEXT"  # the 身份证号 kept its digits in the text column
    assert kinds["联户日记!B4"] == "TEXT"  # 2010年9月6日 stays as typed

    result = validate([filled.parent])
    found = sorted((i.sheet, i.cell, i.code, i.severity) for i in result.report.issues)
    assert found == [
        (CARD_SHEET, "I5", "bad-choice", "error"),
        (DIARY_SHEET, "A6", "unknown-card", "error"),
        (DIARY_SHEET, "A7", "card-excluded", "notice"),
    ]
    summary = result.report.files[0]
    assert summary.template_version == STANDARD_VERSION
    assert (summary.card_rows, summary.diary_rows, summary.counted) == (2, 4, 3)
    (card,) = [r.model for r in result.cards]
    assert (card.link_date, card.id_number, card.phone, card.base_income, card.household_size,
            card.econ_developed) == (dt.date(2010, 3, 1), "620702198001011231", "13912345678", 3000, 5, True)
    diaries = {r.row: r.model for r in result.diaries}
    assert (diaries[4].date, diaries[4].loans, diaries[4].services, diaries[4].solved_main_problem) == \
        (dt.date(2010, 9, 6), 3000, ("政策宣传", "实用技术"), True)
    assert (diaries[5].date, diaries[5].loans) == (dt.date(2010, 9, 20), 12000)

    cli_run = CliRunner().invoke(cli, ["validate", str(filled)])
    assert cli_run.exit_code == 1
    assert "联户卡!I5" in cli_run.output and "经济户" in cli_run.output
    assert "联户日记!A6" in cli_run.output and "XY-009" in cli_run.output
