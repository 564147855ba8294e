"""The report workbook for township staff (``validate --report``).

Three sheets: 按文件 (which books are clean and which need fixing), 按联系人 (whom
the branch secretary should call), 问题清单 (one row per issue). Every value a
cadre typed is written as text, never as a live formula.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .atomic import write_atomic
from .issues import Report, severity_zh


def write_report(report: Report, path: Path, linkers: dict[str, str] | None = None) -> Path:
    """Write the report; ``linkers`` maps a file to the linker names found in it."""
    return write_atomic(path, lambda tmp: _write(report, tmp, linkers or {}))


def _write(report: Report, tmp: Path, linkers: dict[str, str]) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(tmp), {"strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    red = wb.add_format({"bg_color": "#F8CBAD"})
    yellow = wb.add_format({"bg_color": "#FFF2CC"})
    title = wb.add_format({"bold": True, "font_size": 14})

    ws = wb.add_worksheet("按文件")
    ws.write_string(0, 0, "校验结果：" + _headline(report), title)
    cols = ["文件", "状态", "错误数", "警告数", "联户卡行数", "联户日记行数", "计入行数", "未计入行数", "联系人", "说明"]
    ws.write_row(2, 0, cols, head)
    for r, f in enumerate(report.files, start=3):
        fmt = red if f.errors else None
        ws.write_string(r, 0, f.file, fmt)
        ws.write_string(r, 1, f.status, fmt)
        ws.write_number(r, 2, f.errors)
        ws.write_number(r, 3, f.warnings)
        ws.write_number(r, 4, f.card_rows)
        ws.write_number(r, 5, f.diary_rows)
        ws.write_number(r, 6, f.counted)
        ws.write_number(r, 7, f.excluded)
        ws.write_string(r, 8, linkers.get(f.file, ""))
        ws.write_string(r, 9, f.why, wrap)
    _finish(ws, [36, 10, 8, 8, 10, 12, 10, 10, 24, 60], 2, len(cols) - 1)

    ws = wb.add_worksheet("按联系人")
    per: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for f in report.files:
        for name in (linkers.get(f.file) or "（未知）").split("、"):
            per[(name, f.file)]
    for issue in report.issues:
        names = (linkers.get(issue.file) or "（未知）").split("、")
        for name in names[:1] if len(names) > 1 else names:
            counts = per[(name, issue.file)]
            if issue.severity == "error":
                counts[0] += 1
            elif issue.severity == "warning":
                counts[1] += 1
    ws.write_row(0, 0, ["联系人", "文件", "错误数", "警告数", "状态"], head)
    for r, ((name, file), (errors, warnings)) in enumerate(sorted(per.items()), start=1):
        ws.write_string(r, 0, name)
        ws.write_string(r, 1, file)
        ws.write_number(r, 2, errors)
        ws.write_number(r, 3, warnings)
        ws.write_string(r, 4, "需改正" if errors else "通过", red if errors else None)
    _finish(ws, [12, 36, 8, 8, 10], 0, 4)

    ws = wb.add_worksheet("问题清单")
    cols = ["文件", "工作表", "单元格", "列", "填写内容", "级别", "代码", "说明"]
    ws.write_row(0, 0, cols, head)
    for r, i in enumerate(report.issues, start=1):
        fmt = red if i.severity == "error" else yellow if i.severity == "warning" else None
        for c, value in enumerate([i.file, i.sheet, i.cell, i.column, i.value]):
            ws.write_string(r, c, value or "")
        ws.write_string(r, 5, severity_zh(i.severity), fmt)
        ws.write_string(r, 6, i.code)
        ws.write_string(r, 7, i.message, wrap)
    _finish(ws, [30, 10, 8, 14, 18, 6, 18, 70], 0, len(cols) - 1)
    wb.close()


def _headline(report: Report) -> str:
    from .summary import headline

    return headline(report)


def _finish(ws, widths: list[int], header_row: int, last_col: int) -> None:
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    ws.freeze_panes(header_row + 1, 0)
    ws.autofilter(header_row, 0, header_row, last_col)
    ws.set_paper(9)
    ws.set_landscape()
    ws.repeat_rows(header_row)
    ws.fit_to_pages(1, 0)
