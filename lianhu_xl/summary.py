"""The report as text for the terminal: a headline, then problems grouped by file."""

from __future__ import annotations

import re
from collections import defaultdict

from .catalogue import REPEAT_CODES
from .issues import Issue, Report, severity_zh

# one line for a problem said this many times or more in one file, with every cell as ranges
# (A4:A603): a diary book sent without its cards is 600 lines of one message otherwise
GROUP_AT = 10
_CELL = re.compile(r"([A-Z]{1,3})([0-9]+)")

# a row told with one of these is a repeat of a row counted (one issue a row): it is in the
# totals, once; consolidate's 来源 and 未计入 sheets call it 重复（已计一次）


def headline(report: Report) -> str:
    c = report.counts()
    status = defaultdict(int)
    for f in report.files:
        status[f.status] += 1
    parts = "，".join(f"{n} 个{s}" for s, n in sorted(status.items()) if s)
    return (f"共 {len(report.files)} 个文件（{parts}）。"
            f"错误 {c['error']} 处，警告 {c['warning']} 处，提示 {c['notice']} 处。")


def text_summary(report: Report, show_notices: bool = True) -> str:
    lines = [headline(report)]
    for f in report.files:  # a file's issues at a time (a county's 600,000 are never all held)
        own = report.issues.of_file(f.file)
        repeats = sum(1 for i in own if i.code in REPEAT_CODES)  # rows not counted because another copy is
        issues = [i for i in own if show_notices or i.severity != "notice"]
        lines.append("")
        tail = f"（错误 {f.errors}，警告 {f.warnings}）" if (f.errors or f.warnings) else ""
        rows = f"，联户卡 {f.card_rows} 行、日记 {f.diary_rows} 行" if f.kind == "book" else ""
        if f.kind == "book" and f.excluded:
            rows += _left_out(f.excluded, repeats)
        lines.append(f"{f.file}  {f.status}{tail}{rows}")
        lines += [f"  {severity_zh(severity)}  {message}" for severity, message in _grouped(issues)]
    if not report.valid:
        lines.append("")
        lines.append("改正标出的错误后重新校验；警告请核对，不影响汇总。")
    return "\n".join(lines)


def _left_out(excluded: int, repeats: int) -> str:
    """The rows of a book not counted on their own: repeats (counted once, with their first
    copy) apart from the rows truly left out, so a clerk never looks for rows that are in."""
    parts = [f"{repeats} 行重复（已计一次）"] if repeats else []
    if excluded > repeats:
        parts.append(f"{excluded - repeats} 行不计入汇总（原因见下）")
    else:
        parts[-1] += "，见下"
    return f"，其中 {'，'.join(parts)}"


def _grouped(issues: list[Issue]) -> list[tuple[str, str]]:
    """(severity, message) per line, in the issues' order: a message said ``GROUP_AT`` times or
    more in one sheet is said once, at its cells, where the first of them stood
    (联户日记!A4:A603（共 600 处）：…)."""
    groups: dict[tuple, list[Issue]] = defaultdict(list)
    keys: list[tuple | None] = []
    for issue in issues:
        place = issue.where
        key = None
        if issue.sheet and issue.cell and _CELL.fullmatch(issue.cell) and issue.message.startswith(place + "："):
            key = (issue.severity, issue.code, issue.sheet, issue.message[len(place) + 1:])
            groups[key].append(issue)
        keys.append(key)
    out = []
    for issue, key in zip(issues, keys, strict=True):
        same = groups[key] if key is not None else ()
        if len(same) < GROUP_AT:
            out.append((issue.severity, issue.message))
        elif same[0] is issue:
            severity, _, sheet, body = key  # type: ignore[misc]
            out.append((severity, f"{sheet}!{_ranges(i.cell for i in same)}（共 {len(same)} 处）：{body}"))
    return out


def _ranges(cells) -> str:
    """Cells as runs down each column: A4, A5, A6, B9 -> A4:A6、B9."""
    by_column: dict[str, set[int]] = defaultdict(set)
    for cell in cells:
        letters, row = _CELL.fullmatch(cell).groups()
        by_column[letters].add(int(row))
    runs = []
    for letters in sorted(by_column, key=lambda c: (len(c), c)):
        rows = sorted(by_column[letters])
        start = prev = rows[0]
        for row in [*rows[1:], None]:
            if row is not None and row == prev + 1:
                prev = row
                continue
            runs.append(f"{letters}{start}" if start == prev else f"{letters}{start}:{letters}{prev}")
            if row is not None:
                start = prev = row
    return "、".join(runs)
