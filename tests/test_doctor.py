"""``lianhu doctor``: what a support person reads on a township PC."""

from __future__ import annotations

import importlib.metadata

import openpyxl
from click.testing import CliRunner

from lianhu_xl import doctor
from lianhu_xl.cli import cli
from lianhu_xl.console import build_console


def by_name(checks) -> dict[str, doctor.Check]:
    return {c.name: c for c in checks}


def test_doctor_reports_python_xlwings_and_its_vba_here():
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "[正常] Python：" in out and ("64 位" in out or "32 位" in out)
    assert "[正常] xlwings：版本 " in out
    assert "xlwings.bas" in out  # the VBA module the console embeds
    assert "必需的项目都正常" in out


def test_without_xlwings_doctor_says_what_to_install(monkeypatch):
    real = importlib.metadata.version

    def version(dist):
        if dist == "xlwings":
            raise importlib.metadata.PackageNotFoundError(dist)
        return real(dist)

    def distribution(dist):
        raise importlib.metadata.PackageNotFoundError(dist)

    monkeypatch.setattr(doctor.importlib.metadata, "version", version)
    monkeypatch.setattr("lianhu_xl.console.importlib.metadata.distribution", distribution)
    checks = by_name(doctor.diagnose())
    assert not checks["xlwings"].ok and "pip install" in checks["xlwings"].fix
    assert not checks["xlwings 的 VBA 模块"].ok
    text = doctor.render(list(checks.values()))
    assert "[需处理] xlwings 的 VBA 模块" in text and "怎么办：" in text
    result = CliRunner().invoke(cli, ["doctor"])
    assert result.exit_code == 1 and "项需要处理" in result.output


def test_doctor_checks_a_console_workbook(tmp_path):
    made = build_console(tmp_path, interpreter=r"%LOCALAPPDATA%\lianhu\venv\Scripts\python.exe")
    checks = doctor.diagnose(made)
    console = [c for c in checks if c.name.startswith("汇总台")]
    assert console and all(c.ok for c in console)
    assert any(r"Interpreter_Win = %LOCALAPPDATA%\lianhu\venv\Scripts\python.exe" in c.detail for c in console)


def test_doctor_flags_a_console_saved_without_its_macros(tmp_path):
    plain = tmp_path / "汇总台.xlsx"
    wb = openpyxl.Workbook()
    wb.save(plain)
    result = CliRunner().invoke(cli, ["doctor", "--book", str(plain)])
    assert result.exit_code == 1
    assert "没有宏" in result.output and "lianhu xl console" in result.output
    missing = CliRunner().invoke(cli, ["doctor", "--book", str(tmp_path / "无.xlsm")])
    assert missing.exit_code == 1 and "找不到文件" in missing.output
