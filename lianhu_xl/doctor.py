"""``lianhu doctor``: what is installed on this PC and what to fix, in Chinese.

The first thing a support person runs on a township PC. Every check says what
was found and, when something is missing, exactly what to do. Nothing here
imports xlwings (it only looks for it), so the doctor runs even where xlwings
is broken.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import os
import shutil
import struct
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

MIN_PYTHON = (3, 11)


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the diagnosis. ``needed``: the buttons cannot work while it fails."""

    name: str
    ok: bool
    detail: str
    fix: str = ""
    needed: bool = True


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def diagnose(book: Path | None = None) -> list[Check]:
    checks = [_python(), _lianhu(), _command(), _xlwings(), _xlwings_vba(), _pyopenvba()]
    if os.name == "nt":
        checks += [_pywin32(), _excel(), _wps()]
    else:
        checks.append(Check("Excel / WPS", True, "这不是 Windows 电脑，按钮只能在 Windows 的 Excel 或 WPS 里用；"
                            "这里可以生成汇总台和离线安装包。", needed=False))
    checks.append(_libreoffice())
    if book is not None:
        checks += _console(book)
    return checks


def _python() -> Check:
    v = sys.version_info
    bits = struct.calcsize("P") * 8
    detail = f"{sys.executable}（Python {v.major}.{v.minor}.{v.micro}，{bits} 位）"
    if (v.major, v.minor) < MIN_PYTHON:
        return Check("Python", False, detail, "需要 Python 3.11 或更新版本：用离线安装包里的 install.bat 重新安装。")
    return Check("Python", True, detail)


def _lianhu() -> Check:
    here = Path(__file__).resolve().parent
    return Check("lianhu_xl", True, f"版本 {_version('lianhu_xl') or '（源码）'}，位置 {here}")


def _command() -> Check:
    exe = "lianhu.exe" if os.name == "nt" else "lianhu"
    beside = Path(sys.executable).parent / exe
    found = shutil.which("lianhu")
    if found:
        return Check("lianhu 命令", True, found, needed=False)
    if beside.exists():  # the offline install's venv and dev.py's .venv are not on PATH
        shown = f'"{beside}"' if " " in str(beside) else str(beside)
        return Check("lianhu 命令", True, f"{beside}（不在 PATH 上：命令行里只打 lianhu 找不到它，"
                     f"要写完整路径，如 {shown} validate 收集）", needed=False)
    return Check("lianhu 命令", False, "命令行里找不到 lianhu（按钮不需要它，会用 python -m lianhu_xl）。",
                 f"命令行里可以改用：\"{sys.executable}\" -m lianhu_xl …", needed=False)


def _xlwings() -> Check:
    version = _version("xlwings")
    if version is None:
        return Check("xlwings", False, "没有安装。Excel 按钮会改用 lianhu 命令行（结果另存为文件）。",
                     "安装：pip install \"lianhu_xl[xl]\"，或运行离线安装包里的 install.bat。")
    return Check("xlwings", True, f"版本 {version}（开源版 BSD 许可；不使用 PRO/Server/Lite）")


def _xlwings_vba() -> Check:
    from .console import xlwings_vba_dir
    from .errors import LianhuError

    try:
        folder = xlwings_vba_dir()
    except LianhuError:
        return Check("xlwings 的 VBA 模块", False, "没有找到（xlwings 未安装或安装不完整）。生成汇总台需要它。",
                     "安装：pip install \"lianhu_xl[xl]\"；已安装时：pip install --force-reinstall xlwings。")
    if not (folder / "addin" / "Dictionary.cls").is_file():
        return Check("xlwings 的 VBA 模块", False, "xlwings 安装不完整，缺少 addin/Dictionary.cls。",
                     "重新安装：pip install --force-reinstall xlwings。")
    return Check("xlwings 的 VBA 模块", True, f"{folder / 'xlwings.bas'}（汇总台里嵌入这个模块，不需要装 xlwings 加载项）")


def _pyopenvba() -> Check:
    if importlib.util.find_spec("pyopenvba") is None:
        return Check("pyOpenVBA", False, "没有安装，无法生成汇总台（它把 VBA 写进 .xlsm）。",
                     "安装：pip install pyopenvba，或重新安装 lianhu_xl。")
    return Check("pyOpenVBA", True, f"版本 {_version('pyopenvba')}")


def _pywin32() -> Check:
    if importlib.util.find_spec("win32com") is None:
        return Check("pywin32", False, "没有安装：xlwings 连不上 Excel，按钮会改用命令行。",
                     "运行离线安装包里的 install.bat（安装包里有 pywin32），或 pip install pywin32。")
    return Check("pywin32", True, f"版本 {_version('pywin32') or '已安装'}")


def _registry_server(progid: str) -> str | None:
    """The program registered for a COM ProgID (Windows only), e.g. ...\\EXCEL.EXE."""
    try:
        import winreg

        with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, progid + r"\CLSID") as key:
            clsid = winreg.QueryValue(key, None)
        with winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, rf"CLSID\{clsid}\LocalServer32") as key:
            return winreg.QueryValue(key, None)
    except (OSError, ImportError):  # not registered, or not Windows
        return None


def _excel() -> Check:
    server = _registry_server("Excel.Application")
    if server is None:
        return Check("Microsoft Excel", False, "没有找到。xlwings 只支持 Microsoft Excel；WPS 里按钮会改用命令行。",
                     "用 WPS 也可以，按钮照样能用（见使用说明的 WPS 一节）。", needed=False)
    if "excel.exe" not in server.lower():
        return Check("Microsoft Excel", False, f"Excel.Application 被注册到了别的程序：{server}（常见于装了 WPS）。",
                     "在 WPS 的“配置工具 → 高级 → 兼容设置”里取消“WPS Office 兼容第三方系统和软件”，"
                     "或修复安装 Microsoft Office。", needed=False)
    return Check("Microsoft Excel", True, server, needed=False)


def _wps() -> Check:
    server = _registry_server("KET.Application") or _registry_server("ET.Application")
    if server is None:
        return Check("WPS 表格", True, "没有找到（不影响 Excel）。", needed=False)
    return Check("WPS 表格", True, f"{server}。WPS 里按钮调用 lianhu 命令行，需要 WPS 带 VBA 环境。", needed=False)


def _libreoffice() -> Check:
    candidates = [shutil.which("soffice"), shutil.which("libreoffice")]
    if os.name == "nt":
        for base in (os.environ.get("ProgramFiles", r"C:\Program Files"),
                     os.environ.get("ProgramFiles(x86)", r"C:\Program Files (x86)")):
            candidates.append(str(Path(base) / "LibreOffice" / "program" / "soffice.exe"))
    found = next((c for c in candidates if c and Path(c).exists()), None)
    if found:
        return Check("LibreOffice", True, f"{found}（用于导出 PDF 等，可选）", needed=False)
    return Check("LibreOffice", False, "没有安装（可选，不影响按钮）。", "", needed=False)


def _console(book: Path) -> list[Check]:
    """A console workbook: macro-enabled, its interpreter present, not blocked as a download."""
    name = f"汇总台 {book.name}"
    if not book.is_file():
        return [Check(name, False, f"找不到文件 {book}。", "用 lianhu xl console -o 文件夹 生成一个。")]
    out: list[Check] = []
    try:
        with zipfile.ZipFile(book) as z:
            has_vba = "xl/vbaProject.bin" in z.namelist()
    except zipfile.BadZipFile:
        return [Check(name, False, "不是有效的 .xlsm 文件。", "用 lianhu xl console -o 文件夹 重新生成。")]
    if not has_vba:
        out.append(Check(name, False, "文件里没有宏（可能被另存为 .xlsx 了）。", "重新生成：lianhu xl console -o 文件夹。"))
    interp = _conf_interpreter(book)
    if interp is not None:
        expanded = os.path.expandvars(interp) if os.name == "nt" else interp
        if os.name == "nt" and not Path(expanded).exists():
            out.append(Check(f"{name} 的 Python", False, f"xlwings.conf 表里的 Interpreter_Win 指向 {interp}，本机没有这个文件。",
                             f"在本机重新生成：\"{sys.executable}\" -m lianhu_xl xl console -o 文件夹；"
                             "或把 xlwings.conf 表 B1 改成本机 python.exe 的路径。"))
        else:
            out.append(Check(f"{name} 的 Python", True, f"Interpreter_Win = {interp}"))
    if os.name == "nt":
        try:
            with open(str(book) + ":Zone.Identifier", encoding="utf-8", errors="replace") as fh:
                zone = fh.read()
        except OSError:
            zone = ""
        if "ZoneId=3" in zone or "ZoneId=4" in zone:
            out.append(Check(f"{name} 的来源标记", False, "文件带有“来自网络”的标记，Excel 会阻止其中的宏。",
                             "右键文件 → 属性 → 常规 → 勾选“解除锁定” → 确定；然后重新打开。"))
    if not out:
        out.append(Check(name, True, "含宏，设置正常。"))
    return out


def _conf_interpreter(book: Path) -> str | None:
    try:
        from python_calamine import CalamineWorkbook

        rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("xlwings.conf").to_python()
    except Exception:
        return None
    for row in rows:
        if row and str(row[0]).strip().upper() == "INTERPRETER_WIN":
            return str(row[1]).strip() if len(row) > 1 else ""
    return None


def render(checks: list[Check]) -> str:
    lines = ["lianhu 安装检查", ""]
    for c in checks:
        mark = "[正常]" if c.ok else ("[需处理]" if c.needed else "[提示]")
        lines.append(f"{mark} {c.name}：{c.detail}")
        if c.fix and not c.ok:
            lines.append(f"        怎么办：{c.fix}")
    bad = [c for c in checks if c.needed and not c.ok]
    lines.append("")
    if bad:
        lines.append(f"有 {len(bad)} 项需要处理（见上面的“怎么办”）。处理后再运行 lianhu doctor。")
    else:
        lines.append("必需的项目都正常。Excel 里点按钮即可；WPS 里按钮会调用 lianhu 命令行。")
    return "\n".join(lines)
