"""Write the standard workbook (联户带创登记簿.xlsx), generated from the models.

XlsxWriter writes it (about 4× faster than openpyxl and byte-stable with a
fixed creation date), so the copy kept in ``templates/`` can be checked against
a fresh build in the tests.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

from .atomic import write_atomic
from .roster import Roster
from .standard import (
    CARD_SHEET,
    DIARY_SHEET,
    GUIDE_SHEET,
    STANDARD_VERSION,
    WORKBOOK_NAME,
    CardRow,
    Column,
    DiaryRow,
    StandardRow,
    columns_of,
)
from .xl_text import new_workbook, text_width

TITLE_ROW = 0  # 0-based rows, as XlsxWriter counts
NOTE_ROW = 1
HEADER_ROW = 2
DATA_ROWS = 3000  # rows that get dropdowns and checks: a village's year of diaries
FIXED_DATE = dt.datetime(2010, 1, 1)
ROSTER_SHEET = "名册"
TITLES = {CARD_SHEET: "联户带创登记簿 · 联户卡", DIARY_SHEET: "联户带创登记簿 · 联户日记"}
NOTES = {
    CARD_SHEET: "一行填一户。表头橙色的列必填；鼠标指向表头可看填写说明。卡号全乡唯一，日记按卡号对应。",
    DIARY_SHEET: "每次联系记一行：每月至少一次入户访谈、一条日记。表头橙色的列必填；填了发现问题就填写办理结果。",
}
LINE_POINTS = 14.5  # height of one line of 11-point 宋体, in points


def lines_needed(text: str, width: float) -> int:
    """Lines a wrapped cell of this column width needs for the text."""
    usable = max(width - 1, 2)
    return sum(max(1, math.ceil(text_width(part) / usable)) for part in text.split("\n"))


def build_template(out: Path, roster: Roster | None = None) -> Path:
    """Write the template to ``out`` (a folder or a file path) and return the file."""
    path = out / WORKBOOK_NAME if out.suffix.lower() != ".xlsx" else out
    return write_atomic(path, lambda tmp: _write(tmp, roster))


def _write(tmp: Path, roster: Roster | None) -> None:
    wb = new_workbook(tmp)
    wb.set_properties({"title": "联户带创登记簿", "subject": f"联户带创登记簿 标准第{STANDARD_VERSION}版",
                       "author": "lianhu_xl", "company": "", "created": FIXED_DATE})
    wb.set_custom_property("lianhu_standard", STANDARD_VERSION)
    styles = _styles(wb)
    _guide(wb, styles)
    for model in (CardRow, DiaryRow):
        _data_sheet(wb, styles, model, roster)
    if roster is not None:
        _roster_sheet(wb, styles, roster)
    wb.worksheets()[1].activate()
    wb.close()


def _styles(wb) -> dict:
    base = {"font_name": "宋体", "font_size": 11, "valign": "vcenter"}
    return {
        "title": wb.add_format({**base, "bold": True, "font_size": 16, "align": "center"}),
        "note": wb.add_format({**base, "font_color": "#595959", "text_wrap": True}),
        "header": wb.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "border": 1,
                                 "align": "center", "text_wrap": True}),
        "required": wb.add_format({**base, "bold": True, "bg_color": "#FCE4D6", "border": 1,
                                   "align": "center", "text_wrap": True}),
        "text": wb.add_format({**base, "border": 1, "num_format": "@", "text_wrap": True}),
        "cell": wb.add_format({**base, "border": 1}),
        "date": wb.add_format({**base, "border": 1, "num_format": "yyyy-mm-dd"}),
        # General, not "#,##0.##" (which shows 3000 as "3,000." with a stray point)
        "number": wb.add_format({**base, "border": 1, "num_format": "General"}),
        "whole": wb.add_format({**base, "border": 1, "num_format": "0"}),
        "wrap": wb.add_format({**base, "text_wrap": True, "border": 1, "valign": "top"}),
        "bold": wb.add_format({**base, "bold": True}),
    }


GUIDE_WIDTHS = (20, 6, 46, 40, 22)


def _guide(wb, styles: dict) -> None:
    ws = wb.add_worksheet(GUIDE_SHEET)
    for c, width in enumerate(GUIDE_WIDTHS):
        ws.set_column(c, c, width)
    ws.merge_range(0, 0, 0, 4, f"联户带创登记簿 填表说明（标准第{STANDARD_VERSION}版）", styles["title"])
    intro = [
        "1. 本簿有两张表：“联户卡”一行一户，“联户日记”每次联系一行；日记用“卡号”对应联户卡。",
        "2. 三联：乡干部联系致富明星户，村干部、社干部联系思想保守户，党员联系经济落后户。",
        "3. 三个一：每年至少解决一个主要问题；每月至少入户访谈一次；每月至少记一条联户日记。",
        "4. 日期写成 2010-9-6 或 2010年9月6日；金额只写数字（可带“元”）；是否类写“是”或“否”。",
        "5. 不要改动表头，不要合并数据行；可以在最后加“合计”行，汇总时自动跳过。",
    ]
    ws.set_row(0, 28)
    for i, line in enumerate(intro, start=2):
        ws.merge_range(i, 0, i, 4, line, styles["note"])
        ws.set_row(i, LINE_POINTS * lines_needed(line, sum(GUIDE_WIDTHS)) + 3)
    row = len(intro) + 3
    for model in (CardRow, DiaryRow):
        ws.write(row, 0, f"工作表“{model.SHEET}”", styles["bold"])
        row += 1
        for c, head in enumerate(("列名", "必填", "填写规则", "说明", "示例")):
            ws.write(row, c, head, styles["header"])
        row += 1
        for col in columns_of(model):
            cells = (col.label, "是" if col.required else "", col.rule, col.help, col.example)
            for c, text in enumerate(cells):
                ws.write_string(row, c, text, styles["wrap"])
            # XlsxWriter cannot autofit and LibreOffice does not on opening: size rows here
            lines = max(lines_needed(t, w) for t, w in zip(cells, GUIDE_WIDTHS, strict=True))
            ws.set_row(row, LINE_POINTS * lines + 3)
            row += 1
        row += 1
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.fit_to_pages(1, 0)


def _data_sheet(wb, styles: dict, model: type[StandardRow], roster: Roster | None) -> None:
    sheet = model.SHEET
    cols = columns_of(model)
    ws = wb.add_worksheet(sheet)
    last = len(cols) - 1
    ws.merge_range(TITLE_ROW, 0, TITLE_ROW, last, TITLES[sheet], styles["title"])
    ws.merge_range(NOTE_ROW, 0, NOTE_ROW, last, NOTES[sheet] + f"（标准第{STANDARD_VERSION}版）",
                   styles["note"])
    ws.set_row(TITLE_ROW, 28)
    ws.set_row(NOTE_ROW, 20)
    header_lines = max(lines_needed(col.label, col.width) for col in cols)
    ws.set_row(HEADER_ROW, LINE_POINTS * header_lines + 6)
    first, end = HEADER_ROW + 1, HEADER_ROW + DATA_ROWS
    for c, col in enumerate(cols):
        ws.write_string(HEADER_ROW, c, col.label, styles["required" if col.required else "header"])
        ws.write_comment(HEADER_ROW, c, _note(col), {"x_scale": 2, "y_scale": 1.4, "author": "lianhu_xl"})
        ws.set_column(c, c, col.width, _cell_format(styles, col))
        validation = _validation(col, roster)
        if validation:
            ws.data_validation(first, c, end, c, validation)
    ws.freeze_panes(HEADER_ROW + 1, 1)
    ws.autofilter(HEADER_ROW, 0, HEADER_ROW, last)
    print_a4(ws, HEADER_ROW)
    # no fixed print area: Excel, WPS and LibreOffice print the rows filled in, not 500 blank ones


def _teams(roster: Roster) -> list[str]:
    """Every team name once, in the roster's own order (一社, 二社, … as the clerk listed them)."""
    return list(dict.fromkeys(t for ts in roster.villages.values() for t in ts))


def _roster_sheet(wb, styles: dict, roster: Roster) -> None:
    """The roster's names, hidden, as the source of the 村 and 社 dropdowns."""
    ws = wb.add_worksheet(ROSTER_SHEET)
    ws.write_row(0, 0, ["村", "社"], styles["header"])
    for col, names in enumerate((list(roster.villages), _teams(roster))):
        for r, name in enumerate(names, start=1):
            ws.write_string(r, col, name)  # a clerk's typed names, as typed (xl_text.new_workbook)
    ws.hide()


def print_a4(ws, header_row: int) -> None:
    """The print setup a township uses: A4 landscape, one page wide, header on every page."""
    ws.set_paper(9)
    ws.set_landscape()
    ws.repeat_rows(header_row)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_footer("&C第 &P 页 / 共 &N 页")


def _note(col: Column) -> str:
    text = f"{col.label}：{col.help}\n规则：{col.rule}"
    if col.example:
        text += f"\n例：{col.example}"
    return text


def _cell_format(styles: dict, col: Column):
    if col.kind == "date":
        return styles["date"]
    if col.kind == "whole":
        return styles.get("whole", styles["number"])
    if col.kind == "number":
        return styles["number"]
    if col.kind in ("text", "id", "phone", "many"):
        return styles["text"]
    return styles["cell"]


def _listed(roster: Roster | None, name: str) -> list[str]:
    """The roster's names a 村 or 社 dropdown offers (none for any other column)."""
    if roster is None or name not in ("village", "team"):
        return []
    return list(roster.villages) if name == "village" else _teams(roster)


def _validation(col: Column, roster: Roster | None) -> dict | None:
    """A dropdown for choices, date and number checks; dropdowns stop, the rest warn."""
    message = col.rule[:250]
    common = {"input_title": col.label[:32], "input_message": message}
    if col.kind == "choice":
        return {**common, "validate": "list", "source": list(col.choices), "error_type": "stop",
                "error_title": "请从下拉列表选择", "error_message": ("可选：" + "、".join(col.choices))[:250]}
    if col.kind == "yesno":  # √ and × are read too, so typing them only warns
        return {**common, "validate": "list", "source": list(col.choices), "error_type": "warning",
                "error_title": "填“是”或“否”", "error_message": "请从下拉列表选“是”或“否”（也可以写 √ 或 ×）。"}
    listed = _listed(roster, col.name)
    if listed:  # a roster of villages alone lists no 社: that column stays free (its list would be the header)
        n = len(listed)
        letter = "A" if col.name == "village" else "B"
        return {**common, "validate": "list", "source": f"='{ROSTER_SHEET}'!${letter}$2:${letter}${n + 1}",
                "error_type": "warning", "error_title": "不在名册中",
                "error_message": f"请按乡镇名册填写{col.label}。"}
    if col.kind == "date":
        return {**common, "validate": "date", "criteria": "between",
                "minimum": dt.date(2000, 1, 1), "maximum": dt.date(2099, 12, 31),
                "error_type": "warning", "error_title": "日期",
                "error_message": "请填写日期，例如 2010-9-6 或 2010年9月6日。"}
    if col.kind in ("whole", "number"):
        rule = {"validate": "integer" if col.kind == "whole" else "decimal", "error_type": "warning",
                "error_title": col.label[:32], "error_message": message}
        if col.le is not None:
            rule.update(criteria="between", minimum=col.ge or 0, maximum=col.le)
        else:
            rule.update(criteria=">=", value=col.ge or 0)
        return {**common, **rule}
    return {**common, "validate": "any"}
