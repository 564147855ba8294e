"""The township console workbook (联户带创汇总台.xlsm): settings, buttons, result sheets.

Generated on any OS without Excel. XlsxWriter writes the workbook and binds
each Form button to a VBA Sub (``insert_button``); the VBA project is built
from text with pyOpenVBA: the xlwings standalone module and its Dictionary
class taken from the installed xlwings package (BSD-3), plus our own
``vba/LianhuButtons.bas``. The VBA is ASCII only (the project code page is
1252), so every Chinese message the buttons show is read from the hidden
sheet ``lianhu.internal``.

This module also owns the layout of the 设置 sheet, so reading the settings
back (through xlwings or from the saved file) lives here too.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import os
import sys
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .atomic import write_atomic
from .errors import LianhuError
from .xl_text import new_workbook

CONSOLE_NAME = "联户带创汇总台.xlsm"
SETTINGS_SHEET = "设置"
TOTALS_SHEET = "汇总"
PROBLEMS_SHEET = "问题清单"
SOURCES_SHEET = "来源"
CONF_SHEET = "xlwings.conf"
INTERNAL_SHEET = "lianhu.internal"
VBA_MODULE = "LianhuButtons"
FIXED_DATE = dt.datetime(2010, 1, 1)
DEFAULT_INTERPRETER_WIN = r"%LOCALAPPDATA%\lianhu\venv\Scripts\python.exe"
INSTALLED_LIANHU = r"%LOCALAPPDATA%\lianhu\venv\Scripts\lianhu.exe"  # the offline install's; not on PATH
TOTALS_FILE = "汇总表.xlsx"
REPORT_FILE = "问题清单.xlsx"


@dataclass(frozen=True, slots=True)
class Setting:
    key: str
    label: str
    default: str
    note: str


SETTINGS = (
    Setting("township", "乡镇名称", "", "印在汇总表的标题上，例如：倪家营乡。"),
    Setting("folder", "收集文件夹", "收集",
            "各村、各支部交来的登记簿（.xlsx/.xlsm）放在这个文件夹里，子文件夹也会读。"
            "可写完整路径，如 D:\\联户带创\\收集；只写名称表示与本工作簿在同一文件夹下。"),
    Setting("period", "统计期", "",
            "可不填（统计全部）。写成 2010（全年）、2010-09（9月）、2010Q3（第三季度）"
            "或 2010-01-01..2010-06-30（起止日期）。"),
    Setting("output", "输出文件夹", "汇总结果",
            "汇总表.xlsx、问题清单.xlsx 和空白模板写到这里；只写名称表示与本工作簿在同一文件夹下。"),
    Setting("roster", "名册", "",
            "可不填。乡镇名册文件（.xlsx 或 .csv，含“村”“社”两列），用来核对村、社名称。"),
)
FIRST_SETTING_ROW = 4  # 0-based row of 乡镇名称 (sheet row 5)
LAST_RESULT_LABEL = "上次结果"
LAST_RESULT_ROW = FIRST_SETTING_ROW + len(SETTINGS) + 1

BUTTONS = (  # (macro, caption, Python function the RunPython command calls, action)
    ("LianhuTemplate", "生成模板", "make_template", "template"),
    ("LianhuValidate", "校验", "validate", "validate"),
    ("LianhuConsolidate", "汇总", "consolidate", "consolidate"),
    ("LianhuOpenResult", "打开结果", None, None),
)

# Chinese texts for the VBA (keys ASCII); also read by nothing else.
TEXTS = {
    "msg.title": "联户带创汇总台",
    "msg.no_result": "还没有结果可以打开：请先点“校验”或“汇总”。",
    "msg.open_failed": "无法打开：",
    "msg.save_first": "请先把本工作簿保存到电脑上的一个文件夹里（文件 → 另存为），再点按钮。",
    "msg.no_python": "本机找不到 lianhu 程序（Python）。请按《Excel 按钮使用说明》安装离线包，"
                     "或者请技术人员在命令行里运行下面的命令。退出码",
    "msg.cli_failed": "调用 lianhu 程序时出错",
    "msg.manual": "可在命令行（开始菜单 → 输入 cmd）里运行：",
    "file.totals": TOTALS_FILE,
}
STATE_KEYS = ("state.run_id", "state.run_state", "state.last_result")


# ---------------------------------------------------------------- settings


@dataclass(frozen=True, slots=True)
class Settings:
    """The 设置 sheet as typed, values as text."""

    township: str = ""
    folder: str = ""
    period: str = ""
    output: str = ""
    roster: str = ""


def settings_cell(key: str) -> str:
    """``设置!B6`` for a setting, as messages name it."""
    row = FIRST_SETTING_ROW + [s.key for s in SETTINGS].index(key) + 1
    return f"{SETTINGS_SHEET}!B{row}"


def _text(value: object) -> str:
    """A cell value as the clerk meant it: whole floats without '.0', a typed month as 2010-09."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        # Excel turns a typed "2010-9" into 2010-09-01: the clerk meant the month.
        if value.day == 1 and not getattr(value, "hour", 0):
            return f"{value.year}-{value.month:02d}"
        return value.strftime("%Y-%m-%d")
    return str(value).strip()


def read_settings(rows: list[list[object]]) -> Settings:
    """Find each setting by its label in column A (rows may have been moved), value in column B."""
    by_label = {s.label: s.key for s in SETTINGS}
    found: dict[str, str] = {}
    for row in rows:
        if not row:
            continue
        label = _text(row[0]).replace(" ", "").rstrip("：:*")
        if label in by_label and by_label[label] not in found:
            found[by_label[label]] = _text(row[1]) if len(row) > 1 else ""
    missing = [s.label for s in SETTINGS if s.key not in found]
    if missing:
        raise LianhuError(f"“{SETTINGS_SHEET}”表里找不到“{'、'.join(missing)}”这几行（A 列）。"
                          f"请不要删改 A 列的项目名称；可以重新生成汇总台：lianhu xl console -o 文件夹。")
    return Settings(**found)


def read_settings_file(book: Path) -> Settings:
    """The settings of a saved console workbook (the command-line path of the buttons)."""
    from python_calamine import CalamineWorkbook

    if not book.is_file():
        raise LianhuError(f"找不到汇总台文件“{book}”。请先保存汇总台，或检查 --book 给出的路径。")
    again = "或重新生成汇总台：lianhu xl console -o 文件夹。"
    # calamine's own exception text is English: the clerk reads which of two things went wrong
    try:
        wb = CalamineWorkbook.from_path(str(book))
        names = wb.sheet_names
    except Exception:  # not a zip, not a workbook, or a part of it unreadable
        raise LianhuError(f"无法读取汇总台“{book}”：文件不是 Excel 工作簿或已损坏。"
                          f"请在 Excel 里打开它，能打开就另存为 .xlsm 后再试；{again}") from None
    if SETTINGS_SHEET not in names:
        raise LianhuError(f"汇总台“{book}”里没有“{SETTINGS_SHEET}”表（可能被删除或改名）。"
                          f"请在 Excel 里打开它，把表名改回“{SETTINGS_SHEET}”后保存；{again}")
    try:
        rows = wb.get_sheet_by_name(SETTINGS_SHEET).to_python(skip_empty_area=False)
    except Exception:
        raise LianhuError(f"无法读取汇总台“{book}”的“{SETTINGS_SHEET}”表：这张表已损坏。"
                          f"请在 Excel 里打开它，检查“{SETTINGS_SHEET}”表后保存；{again}") from None
    return read_settings(rows)


@dataclass(frozen=True, slots=True)
class Plan:
    """Settings resolved against the workbook's folder: what an action reads and writes."""

    township: str
    folder: Path
    output: Path
    roster: Path | None
    period_text: str


def resolve(settings: Settings, base: Path) -> Plan:
    """Relative paths are beside the console workbook; an empty output is that folder."""

    def place(text: str) -> Path:
        p = Path(os.path.expandvars(text.strip().strip('"')))
        return p if p.is_absolute() else base / p

    if not settings.folder:
        raise LianhuError(f"{settings_cell('folder')}：没有填写收集文件夹。"
                          "请填各村登记簿所在的文件夹，例如 D:\\联户带创\\收集。")
    return Plan(township=settings.township, folder=place(settings.folder),
                output=place(settings.output or "."),
                roster=place(settings.roster) if settings.roster else None,
                period_text=settings.period)


# ---------------------------------------------------------------- the VBA project


def xlwings_vba_dir() -> Path:
    """Folder of the installed xlwings package, which ships its VBA (xlwings.bas, addin/Dictionary.cls).

    Found through the installed distribution, not by importing xlwings."""
    try:
        folder = Path(str(importlib.metadata.distribution("xlwings").locate_file("xlwings")))
    except importlib.metadata.PackageNotFoundError:
        folder = None
    if folder is None or not (folder / "xlwings.bas").is_file():
        raise LianhuError("生成汇总台需要 xlwings（它带有按钮用的 VBA 模块）。请先安装："
                          "pip install \"lianhu_xl[xl]\"（离线包里已包含）。")
    return folder


def vba_sources() -> dict[str, tuple[str, str]]:
    """Module name -> (source, kind 'standard' | 'class'), all ASCII."""
    xw = xlwings_vba_dir()
    own = resources.files("lianhu_xl").joinpath("vba", f"{VBA_MODULE}.bas").read_text(encoding="ascii")
    sources = {
        "xlwings": ((xw / "xlwings.bas").read_text(encoding="ascii"), "standard"),
        "Dictionary": ((xw / "addin" / "Dictionary.cls").read_text(encoding="ascii"), "class"),
        VBA_MODULE: (own, "standard"),
    }
    return {name: (_crlf(src), kind) for name, (src, kind) in sources.items()}


def _crlf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def _vba_project(skeleton: Path) -> bytes:
    """Give the skeleton workbook a VBA project (a document module per sheet) and our modules."""
    import pyopenvba

    with pyopenvba.ExcelFile(skeleton) as wb:
        project = wb.add_vba_project()
        for name, (source, kind) in vba_sources().items():
            project.add_module(name, source, kind=pyopenvba.VBAModuleKind.standard if kind == "standard"
                               else pyopenvba.VBAModuleKind.other)
        wb.save()
    with zipfile.ZipFile(skeleton) as z:
        return z.read("xl/vbaProject.bin")


# ---------------------------------------------------------------- the workbook


def _on_windows() -> bool:
    return os.name == "nt"


def default_interpreter() -> tuple[str, str]:
    """(Interpreter_Win, Interpreter_Mac) for the xlwings.conf sheet: this machine's Python."""
    exe = sys.executable
    if _on_windows():
        import ntpath

        if ntpath.basename(exe).lower() == "pythonw.exe":
            beside = ntpath.join(ntpath.dirname(exe), "python.exe")
            if os.path.exists(beside):
                exe = beside  # python.exe: its errors reach the log xlwings shows
        return exe, ""
    if sys.platform == "darwin":
        return DEFAULT_INTERPRETER_WIN, exe
    return DEFAULT_INTERPRETER_WIN, ""


def build_console(out: Path, interpreter: str | None = None) -> Path:
    """Write the console to ``out`` (a folder, or a path ending in .xlsm) and return the file.
    Made again over an earlier console (a new computer, Python reinstalled: docs/excel-buttons.md
    §7), the settings the clerk typed there are kept (``kept_settings`` says whether they were)."""
    path = console_path(out)
    keep = kept_settings(path)
    win, mac = default_interpreter()
    if interpreter:
        win = interpreter
    sources = vba_sources()  # fails early, in Chinese, when xlwings is missing
    bad = [name for name, (src, _) in sources.items() if not src.isascii()]
    if bad:
        raise LianhuError(f"VBA 模块 {', '.join(bad)} 含非 ASCII 字符，Excel 会显示成问号。")

    def write(tmp: Path) -> None:
        skeleton = tmp.with_name(tmp.stem + ".skeleton.xlsm")
        try:
            _write_book(skeleton, win, mac, vba=None)
            vba = _vba_project(skeleton)
        finally:
            skeleton.unlink(missing_ok=True)
        _write_book(tmp, win, mac, vba=vba, keep=keep)

    return write_atomic(path, write)


def console_path(out: Path) -> Path:
    """The console file that ``out`` names: itself when it ends in .xlsm, else the folder's
    联户带创汇总台.xlsm."""
    out = Path(out)
    return out if out.suffix.lower() == ".xlsm" else out / CONSOLE_NAME


def kept_settings(path: Path) -> Settings | None:
    """What the clerk typed into an earlier console at ``path``, if it is one and she changed
    anything from the defaults; None otherwise (no file, not a console: made as new)."""
    if not path.is_file():
        return None
    try:
        settings = read_settings_file(path)
    except LianhuError:
        return None
    if all(getattr(settings, s.key) == s.default for s in SETTINGS):
        return None
    return settings


def _write_book(path: Path, interpreter_win: str, interpreter_mac: str, vba: bytes | None,
                keep: Settings | None = None) -> None:
    import io

    wb = new_workbook(path)
    wb.set_properties({"title": "联户带创汇总台", "author": "lianhu_xl", "company": "",
                       "created": FIXED_DATE})
    wb.set_vba_name("ThisWorkbook")
    f = _formats(wb)
    sheets = [wb.add_worksheet(name) for name in
              (SETTINGS_SHEET, TOTALS_SHEET, PROBLEMS_SHEET, SOURCES_SHEET, CONF_SHEET, INTERNAL_SHEET)]
    for i, ws in enumerate(sheets, start=1):
        ws.set_vba_name(f"Sheet{i}")
    settings, totals, problems, sources, conf, internal = sheets
    _settings_sheet(wb, settings, f, keep)
    _result_sheet(totals, f, ["单位"], "点“汇总”后，各村和全乡的合计写在这里（同时另存为输出文件夹里的汇总表.xlsx）。")
    _result_sheet(problems, f, PROBLEM_COLUMNS,
                  "点“校验”或“汇总”后，每个问题一行：哪个文件、哪张表、哪个单元格、怎么改。")
    _result_sheet(sources, f, SOURCE_COLUMNS, "点“汇总”或“校验”后，收集文件夹里每个文件一行：读了多少行、是否计入。")
    _conf_sheet(conf, f, interpreter_win, interpreter_mac)
    _internal_sheet(internal)
    settings.activate()
    if vba is not None:
        wb.add_vba_project(io.BytesIO(vba), is_stream=True)
    wb.close()


PROBLEM_COLUMNS = ["文件", "工作表", "单元格", "列", "填写内容", "级别", "代码", "说明"]
SOURCE_COLUMNS = ["文件", "SHA-256", "模板版本", "联户卡行数", "联户日记行数", "错误数", "警告数", "状态", "说明"]


def _formats(wb) -> dict:
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 16}),
        "note": wb.add_format({**base, "font_color": "#595959", "text_wrap": True, "valign": "top"}),
        "head": wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1}),
        "label": wb.add_format({**base, "bold": True, "border": 1, "bg_color": "#F2F2F2"}),
        "input": wb.add_format({**base, "border": 1, "bg_color": "#FFF2CC", "num_format": "@",
                                "locked": False}),
        "plain": wb.add_format({**base, "border": 1, "num_format": "@"}),
        "help": wb.add_format({**base, "text_wrap": True, "valign": "top", "font_color": "#404040"}),
    }


def _validation(s: Setting) -> dict:
    common = {"input_title": s.label, "input_message": s.note[:250]}
    if s.key == "roster":
        return {**common, "validate": "custom",
                "value": '=OR(B{r}="",RIGHT(LOWER(B{r}),5)=".xlsx",RIGHT(LOWER(B{r}),4)=".csv")',
                "error_type": "stop", "error_title": "名册",
                "error_message": "名册应为 .xlsx 或 .csv 文件的路径，或者留空。"}
    if s.key == "folder":
        return {**common, "validate": "length", "criteria": "between", "minimum": 1, "maximum": 250,
                "error_type": "stop", "error_title": "收集文件夹", "error_message": "请填写文件夹（不超过 250 个字）。"}
    if s.key == "township":
        return {**common, "validate": "length", "criteria": "<=", "value": 30, "error_type": "warning",
                "error_title": "乡镇名称", "error_message": "乡镇名称一般不超过 30 个字。"}
    return {**common, "validate": "length", "criteria": "<=", "value": 250, "error_type": "warning",
            "error_title": s.label, "error_message": s.note[:250]}


def _settings_sheet(wb, ws, f: dict, keep: Settings | None = None) -> None:
    ws.set_column(0, 0, 14)
    ws.set_column(1, 1, 46)
    ws.set_column(2, 2, 56)
    ws.set_column(3, 3, 3)
    ws.set_column(4, 5, 14)
    ws.write_string(0, 0, "联户带创汇总台", f["title"])
    ws.merge_range(1, 0, 1, 2, "1. 在黄色格子里填写设置；2. 点右边的按钮。结果写在“汇总”“问题清单”“来源”"
                   "三张表里，同时保存到输出文件夹。", f["note"])
    ws.set_row(1, 30)
    ws.write_row(FIRST_SETTING_ROW - 1, 0, ["项目", "内容", "说明"], f["head"])
    for i, s in enumerate(SETTINGS):
        r = FIRST_SETTING_ROW + i
        ws.write_string(r, 0, s.label, f["label"])
        ws.write_string(r, 1, getattr(keep, s.key) if keep is not None else s.default, f["input"])
        ws.write_string(r, 2, s.note, f["help"])
        ws.write_comment(r, 1, f"{s.label}：{s.note}", {"author": "lianhu_xl", "x_scale": 2.2,
                                                         "y_scale": 1.6})
        rule = _validation(s)
        if "value" in rule and isinstance(rule["value"], str):
            rule["value"] = rule["value"].format(r=r + 1)
        ws.data_validation(r, 1, r, 1, rule)
        ws.set_row(r, 48)
    output_row = FIRST_SETTING_ROW + [s.key for s in SETTINGS].index("output")
    wb.define_name("LianhuOutput", f"='{SETTINGS_SHEET}'!$B${output_row + 1}")
    ws.write_string(LAST_RESULT_ROW, 0, LAST_RESULT_LABEL, f["label"])
    ws.write_string(LAST_RESULT_ROW, 1, "", f["plain"])
    ws.write_string(LAST_RESULT_ROW, 2, "最近一次生成的文件；点“打开结果”会打开它。", f["help"])
    help_lines = [
        "按钮说明：",
        "生成模板 —— 在输出文件夹里生成空白的《联户带创登记簿.xlsx》，发给各村填写（有名册时村、社可下拉选择）。",
        "校验 —— 检查收集文件夹里的每个登记簿，问题写到“问题清单”表（文件、单元格、怎么改），并另存问题清单.xlsx。",
        "汇总 —— 校验后把各村数据汇总成全乡合计，写到“汇总”表和输出文件夹的汇总表.xlsx；有错误的行不计入，并在问题清单里列出。",
        "打开结果 —— 打开最近一次生成的文件。",
        "",
        "如果点按钮没有反应或提示宏被禁用：见《Excel 按钮使用说明》（docs/excel-buttons.md）中“启用宏”和“解除锁定”两节。",
        "在 WPS 或没有装 xlwings 的电脑上，按钮会改为调用 lianhu 命令行程序，结果另存为文件并自动打开。",
        f"都不行时，可在命令行（开始菜单 → 输入 cmd）运行：\"{INSTALLED_LIANHU}\" xl run consolidate --book \"本工作簿的完整路径\"",
    ]
    for i, line in enumerate(help_lines):
        r = LAST_RESULT_ROW + 2 + i
        if line:
            ws.merge_range(r, 0, r, 2, line, f["note"] if i else f["head"])
        ws.set_row(r, 30 if len(line) > 50 else 18)
    ws.set_landscape()
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    for i, (macro, caption, _, _) in enumerate(BUTTONS):
        ws.insert_button(FIRST_SETTING_ROW + i, 4, {"macro": macro, "caption": caption,
                                                    "width": 150, "height": 40,
                                                    "x_offset": 4, "y_offset": 4})
    ws.set_first_sheet()


def _result_sheet(ws, f: dict, columns: list[str], note: str) -> None:
    ws.write_string(0, 0, note, f["note"])
    ws.write_row(1, 0, columns, f["head"])
    ws.set_column(0, 0, 30)
    ws.set_column(1, len(columns) - 1, 12)


def _conf_sheet(ws, f: dict, interpreter_win: str, interpreter_mac: str) -> None:
    """xlwings reads A1 down to the first blank (keys) and column B (values), in Excel only."""
    rows = [
        ("Interpreter_Win", interpreter_win),
        ("Interpreter_Mac", interpreter_mac),
        ("PYTHONPATH", ""),
        ("Conda Path", ""),
        ("Conda Env", ""),
        ("UDF Modules", ""),
        ("Show Console", "False"),
        ("ADD_WORKBOOK_TO_PYTHONPATH", "false"),
    ]
    for r, (key, value) in enumerate(rows):
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, value)  # the interpreter path given with --python
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 60)
    ws.write_string(0, 3, "xlwings 的设置（由 lianhu xl console 写入）。Interpreter_Win 是运行按钮的 Python："
                    "换电脑或重装后，可改这里，或在那台电脑上运行 lianhu xl console 重新生成。", f["note"])
    ws.set_column(3, 3, 60)


def _internal_sheet(ws) -> None:
    """Key/text rows for the ASCII VBA; state rows first. Hidden."""
    r = 0
    for key in STATE_KEYS:
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, "")
        r += 1
    for key, text in TEXTS.items():
        ws.write_string(r, 0, key)
        ws.write_string(r, 1, text)
        r += 1
    ws.hide()
