"""Roll-up: totals workbooks (汇总表) consolidated again, townships into a county.

Each totals workbook gives one unit, named from its title (``倪家营乡联户带创汇总表
（2010年）`` gives 倪家营乡) or, failing that, from its file name; its counts are
those of its ``合计`` row. Rates are recomputed from the summed counts, never
averaged. The same township offered twice counts once when the figures agree and
not at all when they differ (the standard's rule for duplicate cards); a workbook
for another period is left out, so that a county never adds a quarter to a year.

Sheets reach the county after people touched them (tests/test_rollup_s6.py): a 合计 figure that
cannot be read (a formula without its value, #REF!) or cannot be (实访谈月数 over 应访谈月数) keeps
the township out, said at its cell; a title gives the period when the 统计期 line was deleted; 万元
is converted; what no rule can settle (villages not adding up to 合计, a row under it, the same
villages under two names) counts as the 合计 says and is said at the cell.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path, PurePath

from . import seal
from .book import TOTALS_SHEET, BookResult
from .catalogue import CATALOGUE
from .consolidate import (
    COUNT_COLUMNS,
    DUPLICATE,
    EXCLUDED,
    HORIZON_PREFIX,
    NOTE_PREFIX,
    SKIPPED_OUTPUTS,
    SPAN_PREFIX,
    TITLE_SUFFIX,
    TOTAL_UNIT,
    UNIT_LABEL,
    Consolidation,
    ExcludedRow,
    FileAccount,
    TotalsColumn,
    UnitTotals,
    fen,
)
from .issues import Issue, Report, make_issue
from .period import Period, month_label, parse_period
from .reader import col_letter, normalise_label
from .resent import SAVED_APART, saved_when
from .values import parse_number

HEADER_SCAN_ROWS = 10
_SPAN_DATES = re.compile(r"(\d{4}-\d{2}-\d{2})\s*至\s*(\d{4}-\d{2}-\d{2})")
_HORIZON = re.compile(HORIZON_PREFIX.strip() + r"\s*(\d{4})-(\d{1,2})")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


@dataclass(slots=True)
class TotalsSource:
    """What one totals workbook says: its unit name, period and 合计 counts."""

    file: str
    name: str = ""
    period_label: str = ""
    span: tuple[date, date] | None = None
    total: UnitTotals | None = None
    units: list[UnitTotals] = field(default_factory=list)
    unit_rows: list[int] = field(default_factory=list)  # the sheet row (1-based) of each of ``units``
    unit_col: int = 0  # the 单位 column (0-based)
    total_row: int = 0  # 1-based sheet row of 合计
    issues: list[Issue] = field(default_factory=list)
    note: str = ""  # the 注意 line: rows its own consolidation left out
    note_cell: str | None = None
    horizon: tuple[int, int] | None = None  # the month expected visits are counted to, when not the period's last
    total_cells: frozenset[str] = frozenset()  # the 合计 row's count cells (B7, C7, …)

    @property
    def period_key(self) -> str:
        return f"{self.span[0]}..{self.span[1]}" if self.span else self.period_label


MAX_COUNT = 100_000_000  # more households or rows than a province has
MAX_MONEY = 1e13


_UNIT_RE = re.compile(r"\(([^()]*)\)$")  # a label's bracketed unit: 担保贷款(元), 担保贷款(万元)


def _label_key(text: str) -> str:
    return _UNIT_RE.sub("", normalise_label(text))


def _unit_at(row: list[object], col: int) -> str:
    """What a row's 单位 cell says (下营村, 合计), trimmed; "" for none."""
    return str(row[col]).strip() if col < len(row) and row[col] is not None else ""


def read_totals(grid: list[list[object]], file: str) -> TotalsSource:
    """Read a 汇总 sheet's title, period and 合计 row; problems become issues."""
    src = TotalsSource(file=file)
    labels = [UNIT_LABEL] + [c.label for c in COUNT_COLUMNS]
    wanted = {_label_key(label): label for label in labels}
    best, header_at = 0, -1
    for r, row in enumerate(grid[:HEADER_SCAN_ROWS]):
        hits = len({_label_key(str(x)) for x in row if x not in (None, "")} & wanted.keys())
        if hits > best:
            best, header_at = hits, r
    if header_at < 0 or best < 2:
        src.issues.append(_bad(file, "前 10 行里找不到表头（应有“单位”“致富明星户”等列）"))
        return src
    positions: dict[str, int] = {}
    header: dict[int, tuple[object, int]] = {}  # column -> its label as typed, and the label's sheet row
    top = header_at
    # a clerk's two-row header: 联系户 merged over 致富明星户 · 思想保守户 · 经济落后户 in the row below,
    # 单位 merged down the two rows (its label in the upper one)
    for r in (top, top + 1, top - 1):
        if all(label in positions for label in labels) or not 0 <= r < len(grid):
            continue
        for c, raw in enumerate(grid[r]):
            key = _label_key(str(raw)) if raw not in (None, "") else ""
            if key in wanted and wanted[key] not in positions:
                positions[wanted[key]] = c
                header[c] = (raw, r + 1)
                header_at, top = max(header_at, r), min(top, r)
    missing = [label for label in labels if label not in positions]
    if missing:
        src.issues.append(_bad(file, f"缺少“{'”“'.join(missing)}”列", f"A{top + 1}"))
        return src
    scales = _money_scales(src, header, positions)
    if scales is None:
        return src
    _title_and_period(src, grid[:top])
    if not src.name:
        src.name = _name_from_path(file)
    unit_col = src.unit_col = positions[UNIT_LABEL]
    end = len(grid)
    for r in range(header_at + 1, len(grid)):
        row = grid[r]
        unit = _unit_at(row, unit_col)
        if not unit or "小计" in unit:  # a clerk's subtotal: its units are rows of their own
            continue
        totals = _counts(src, row, positions, r + 1, unit, scales)
        if totals is None:
            return src
        label = normalise_label(unit)
        if TOTAL_UNIT in label or "总计" in label:  # 合计：, 全乡合计, 总 计
            src.total, src.total_row, end = totals, r + 1, r + 1
            break
        src.units.append(totals)
        src.unit_rows.append(r + 1)
    if src.total is None:
        src.issues.append(_bad(file, f"没有“单位”为“{TOTAL_UNIT}”的行"))
        return src
    src.total.unit = src.name
    src.total_cells = frozenset(f"{col_letter(positions[c.label])}{src.total_row}" for c in COUNT_COLUMNS)
    impossible = _impossible(src.total, positions, src.total_row)
    if impossible:
        src.issues.append(_bad(file, *impossible))
        src.total = None
        return src
    below = _below_total(src, grid, end, unit_col, positions, scales)
    if below and not _off_columns(src.units + [u for _, u in below], src.total):
        src.units += [u for _, u in below]  # sorted with the 合计 among the villages (a ranking): it holds them
        src.unit_rows += [r for r, _ in below]
        below = []
    src.issues.extend(_disagreements(src, positions))
    src.issues.extend(make_issue("totals-below-total", src.file, sheet=TOTALS_SHEET, cell=f"{col_letter(unit_col)}{r}",
                                 row=r, value=u.unit, expected=f"{src.total_row}") for r, u in below)
    return src


# the same count written twice on a row, or a part that cannot exceed its whole: a 合计 row
# breaking one was typed over by hand, and its rates would say more than 100 %
_REPEATS = (("conservative_households", "conservative"),)
_WITHIN = (("converted", "conservative_households"), ("interview_months_met", "interview_months_expected"),
           ("diary_months_met", "diary_months_expected"))


def _impossible(total: UnitTotals, positions: dict[str, int], row: int) -> tuple[str, str] | None:
    """What on the 合计 row cannot be and its cell (for ``bad-totals-sheet``), or None."""
    label = {c.attr: c.label for c in COUNT_COLUMNS}

    def cell(attr: str) -> str:
        return f"{col_letter(positions[label[attr]])}{row}"

    for attr, other in _REPEATS:
        a, b = getattr(total, attr), getattr(total, other)
        if a != b:
            return (f"的 {cell(attr)}（{label[attr]}）是 {_n(a)}，应与 {cell(other)}（{label[other]}）的 {_n(b)} 相同"
                    "（同一个数写了两遍，说明有一处被改过）", cell(attr))
    for part, whole in _WITHIN:
        a, b = getattr(total, part), getattr(total, whole)
        if a > b:
            return (f"的 {cell(part)}（{label[part]}）是 {_n(a)}，大于 {cell(whole)}（{label[whole]}）的 {_n(b)}，"
                    "不可能（比率会超过 100%）", cell(part))
    return None


def _money_scales(src: TotalsSource, header: dict[int, tuple[object, int]],
                  positions: dict[str, int]) -> dict[str, float] | None:
    """A money column headed in 万元 (担保贷款（万元）, as many reports are) holds ten-thousands:
    its figures are multiplied, never added as yuan. Another unit is refused at the header cell."""
    scales: dict[str, float] = {}
    for column in COUNT_COLUMNS:
        if column.kind != "money":
            continue
        c = positions[column.label]
        typed, row = header[c]
        m = _UNIT_RE.search(normalise_label(str(typed)))
        unit = m.group(1) if m else "元"
        if unit in ("元", "万元"):
            scales[column.label] = 10000.0 if unit == "万元" else 1.0
            continue
        cell = f"{col_letter(c)}{row}"
        src.issues.append(_bad(src.file, f"的 {cell} 表头“{typed}”的单位不是元或万元，无法换算成"
                               f"“{column.label}”：请把这一列换算成元（或万元）重填，表头改为“{column.label}”"
                               "（或写明万元）", cell))
        return None
    return scales


def _below_total(src: TotalsSource, grid: list[list[object]], end: int, unit_col: int,
                 positions: dict[str, int], scales: dict[str, float]) -> list[tuple[int, UnitTotals]]:
    """Unit rows under the 合计 row, with their sheet rows: a village a clerk added at the bottom
    (the 合计 does not hold it, the county is told at the row), or the villages of a sheet sorted
    with its 合计 among them (it does). A line that is not figures (制表人, 审核人) is none."""
    out = []
    scratch = TotalsSource(file=src.file)  # a row that cannot be read here is not a unit row
    for r in range(end, len(grid)):
        row = grid[r]
        unit = _unit_at(row, unit_col)
        filled = any(positions[c.label] < len(row) and row[positions[c.label]] not in (None, "", 0)
                     for c in COUNT_COLUMNS)
        if unit and filled and "小计" not in unit:
            totals = _counts(scratch, row, positions, r + 1, unit, scales)
            if totals is not None:
                out.append((r + 1, totals))
    return out


def _off_columns(units: list[UnitTotals], total: UnitTotals) -> list[tuple[TotalsColumn, float, float]]:
    """(column, the units added up, what ``total`` states) for each count the units do not add up to."""
    out = []
    for column in COUNT_COLUMNS:
        added = sum(getattr(u, column.attr) for u in units)
        stated = getattr(total, column.attr)
        if abs(added - stated) > 0.005:
            out.append((column, added, stated))
    return out


def _disagreements(src: TotalsSource, positions: dict[str, int]) -> list[Issue]:
    """A hand-made 汇总 whose unit rows do not add up to its 合计 row: a warning per column.
    The 合计 row is what rolls up (a clerk's sheet may leave out a unit row on purpose)."""
    if not src.units or src.total is None:
        return []
    return [make_issue("totals-rows-disagree", src.file, sheet=TOTALS_SHEET,
                       cell=f"{col_letter(positions[column.label])}{src.total_row}", row=src.total_row,
                       column=column.label, value=_n(added), expected=_n(stated))
            for column, added, stated in _off_columns(src.units, src.total)]


def _counts(src: TotalsSource, row: list[object], positions: dict[str, int], number: int,
            unit: str, scales: dict[str, float]) -> UnitTotals | None:
    out = UnitTotals(unit)
    for column in COUNT_COLUMNS:
        c = positions[column.label]
        raw = row[c] if c < len(row) else None
        cell = f"{col_letter(c)}{number}"
        try:
            value = parse_number(raw) if raw not in (None, "") else 0.0
        except ValueError as exc:
            if getattr(exc, "type", "") == "out-of-range":  # 16 digits or more (values.NUMBER_LIMIT)
                src.issues.append(_bad(src.file, f"的 {cell}（{column.label}）是 {raw}，大得不可能", cell))
                return None
            value = None
        if value is None or value != value:
            src.issues.append(_bad(src.file, f"的 {cell}（{column.label}）不是数字：“{raw}”", cell))
            return None
        if value < 0:  # a number, only not a possible one
            src.issues.append(_bad(src.file, f"的 {cell}（{column.label}）是 {_n(value)}，不能是负数", cell))
            return None
        value *= scales.get(column.label, 1.0)
        limit = MAX_MONEY if column.kind == "money" else MAX_COUNT
        if value > limit:
            src.issues.append(_bad(src.file, f"的 {cell}（{column.label}）是 {_n(value)}，大得不可能", cell))
            return None
        if column.kind != "money" and not float(value).is_integer():
            src.issues.append(_bad(src.file, f"的 {cell}（{column.label}）是 {value:g}，应为整数", cell))
            return None
        setattr(out, column.attr, fen(value) if column.kind == "money" else int(round(value)))
    return out


# the words any 汇总表's title or file name may hold besides its unit's name: the campaign, the
# kind of sheet, the year, quarter or month, and separators
# and the marks a copy gets (倪家营乡汇总表 - 副本, 倪家营乡汇总表(1) from a chat's download folder)
_GENERIC_NAME_RE = re.compile(r"[(（]\d{1,3}[)）]|的?副本|复件|拷贝|(?i:copy(?:\s*of)?)"
                              r"|联户带创|工作|汇总表|汇总|\d{4}\s*(?:年度?)?|[Qq]\d|第?[一二三四1-4]季度|[上下]半年"
                              r"|\d{1,2}\s*月份?|[-_—–.·:：()（）\s]")


# a file's path saying it is a copy (倪家营乡汇总表 - 副本.xlsx, 倪家营乡汇总表(1).xlsx, 副本/…): of
# the same sheet offered twice, the other one is counted, and this one is told as the repeat
_COPY_MARK_RE = re.compile(r"[(（]\d{1,3}[)）]\s*\.\w+$|副本|复件|拷贝|(?i:copy)")


def _unit_name(text: str) -> str:
    """What names the unit in a title or file name (2010年第一季度倪家营乡联户带创工作汇总表 →
    倪家营乡): the same words are left out of both, so one township is one name either way."""
    return _GENERIC_NAME_RE.sub("", text)


def _name_from_path(file: str) -> str:
    """A unit's name when its 汇总表 has no title: its file name less the words every such file
    name has (倪家营乡2010汇总表 → 倪家营乡), else its folder's (倪家营乡/汇总表.xlsx → 倪家营乡), so
    that two townships' 汇总表.xlsx are two units, not one offered twice."""
    path = PurePath(file)
    return _unit_name(path.stem) or path.parent.name or path.stem


def _title_and_period(src: TotalsSource, rows: list[list[object]]) -> None:
    """The township's name from the title cell, the period from the 统计期 line."""
    texts = [str(x).strip() for row in rows for x in row if isinstance(x, str) and x.strip()]
    for text in texts:
        if text.startswith(SPAN_PREFIX):
            body = text[len(SPAN_PREFIX):]
            src.period_label = re.split(r"[（(]", body, maxsplit=1)[0].strip()
            m = _SPAN_DATES.search(body)
            if m:
                src.span = (date.fromisoformat(m.group(1)), date.fromisoformat(m.group(2)))
            m = _HORIZON.search(body)
            if m:
                src.horizon = (int(m.group(1)), int(m.group(2)))
            break
    for r, row in enumerate(rows):
        for col, x in enumerate(row):
            if isinstance(x, str) and x.strip().startswith(NOTE_PREFIX.rstrip("：")) and not src.note:  # 注意: typed too
                src.note, src.note_cell = x.strip(), f"{col_letter(col)}{r + 1}"
    for text in texts:
        if _MACHINE_LINE.match(text):
            continue
        src.name = _unit_name(text.split(TITLE_SUFFIX)[0] if TITLE_SUFFIX in text else _BRACKETS.sub("", text))
        if not src.period_label:  # the 统计期 line deleted (or a hand-made sheet): the title's period
            _period_from_title(src, text)
        break


# lines above the table that are not its title: the 统计期 line, the status line (共 2 个文件…,
# 注意：…), 制表日期, a 说明 — with the title row deleted, the first of them is not the township
_MACHINE_LINE = re.compile(r"统计期|注意|制表日期|说明|共\s*\d+\s*个文件")
_TITLE_PERIOD = re.compile(r"\d{4}\s*年\s*(?:第?[一二三四1-4]\s*季度|[上下]半年"
                           r"|\d{1,2}\s*月?\s*(?:-|至|到)\s*\d{1,2}\s*月|\d{1,2}\s*月份?)?")


def _period_from_title(src: TotalsSource, title: str) -> None:
    """The period a title names: its bracket as this tool writes it (倪家营乡联户带创汇总表
    （2010年第三季度）), else the first period-like words in it (2010年度…, …2010年12月份汇总), so that
    a sheet whose 统计期 line was deleted is still checked against the county's period."""
    m = re.search(r"[（(]([^（）()]*)[）)]\s*$", title)
    candidates = [m.group(1)] if m else []
    if not re.search(r"截[至止]|以来", title):  # 截至2010年9月 is not September alone: not guessed
        candidates += [t.group(0).replace("份", "") for t in _TITLE_PERIOD.finditer(title)]
    for text in candidates:
        try:
            period = parse_period(text)
        except ValueError:
            continue
        src.period_label, src.span = period.label, (period.start, period.end)
        return


def _n(value: float) -> str:
    """A figure as a clerk writes it: 30000000 and 1234.5, never 3e+07."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _bad(file: str, detail: str, cell: str | None = None) -> Issue:
    return make_issue("bad-totals-sheet", file, sheet=TOTALS_SHEET, cell=cell, detail=detail)


def check_totals(report: Report, books: list[BookResult]) -> None:
    """``lianhu validate`` of townships' 汇总表: the roll-up's own checks (edited after it was made,
    rows left out, two different sheets for one township, another period, a county's sheet among
    its townships') added to ``report``, so that a county clerk checking before rolling up sees
    what ``consolidate`` would say (it said only 汇总表 for each). Nothing is counted; each file
    keeps its status 汇总表, and its 说明 says how it would be counted."""
    totals = [b for b in books if b.summary.kind == "totals"]
    if not totals:
        return
    from copy import copy

    from .consolidate import _mixed

    files = {f.file: f for f in report.files}
    registers = [b for b in books if b.summary.kind == "book"]
    if registers:  # consolidate would refuse the folder (exit 2): said now, at the fewer kind
        mixed = Consolidation(period=None, report=Report(files=[copy(f) for f in report.files]))
        _mixed(mixed, registers, totals)
        report.issues.extend(i for i in mixed.report.issues if i.code == "mixed-inputs")
    trial = Consolidation(period=None, report=Report(files=[copy(files[b.summary.file]) for b in totals
                                               if b.summary.file in files]))
    roll_up(trial, totals)
    seen = {(i.code, i.file, i.cell) for i in report.issues}
    report.issues.extend(i for i in trial.report.issues
                         if i.code != "totals-workbook" and (i.code, i.file, i.cell) not in seen)
    for f in trial.report.files:
        mine = files[f.file]
        own = [i.severity for i in report.issues if i.file == f.file]
        mine.errors, mine.warnings = own.count("error"), own.count("warning")
        mine.why = ("汇总时" + f.why) if f.status == "已汇总" else f"汇总时不计入：{f.why}"
    report.sort()


def _saved_last(group: list[TotalsSource], paths: dict[str, Path]) -> str:
    """Which of a township's differing 汇总表 was saved last (a minute apart at least), as the
    clerk sorting them out needs to know: a township re-sends its corrected one beside the old."""
    try:
        saved = {s.file: paths[s.file].stat().st_mtime for s in group}
    except (KeyError, OSError):
        return ""
    order = sorted(saved, key=saved.__getitem__)
    if saved[order[-1]] - saved[order[-2]] < SAVED_APART:
        return ""
    return f"；“{order[-1]}”保存得最晚（{saved_when(saved[order[-1]])}）"


def roll_up(c: Consolidation, totals: list[BookResult], paths: dict[str, Path] | None = None) -> None:
    """Sum each totals workbook's 合计 into one unit per township; rates recomputed. ``paths``
    (each file's path by the name shown) tells which of two differing copies was saved last."""
    c.kind = "totals"
    sources: list[TotalsSource] = []
    for book in totals:
        src = read_totals(book.totals_grid or [], book.summary.file)
        c.report.issues.extend(src.issues)
        if any(i.severity == "error" and i.sheet == TOTALS_SHEET and i.cell in src.total_cells for i in book.issues):
            # a 合计 cell whose formula has no value or an error value (#REF! once a row was deleted)
            # reads as blank: the township is not counted as 0 there; the cell's own error says why
            src.total = None
        if src.total is not None:
            c.report.issues.append(make_issue("totals-workbook", src.file, detail=src.name))
            # typed over so that it still adds up (nothing else says so): told, counted as typed
            if (book.seal and src.period_label and not any(i.severity != "notice" for i in src.issues)
                    and book.seal != seal.seal((u.counts().values() for u in src.units),
                                               src.total.counts().values(), src.span)):
                c.report.issues.append(make_issue("totals-edited", src.file, sheet=TOTALS_SHEET,
                                                  cell=f"A{src.total_row}", row=src.total_row))
            if src.note:  # its own consolidation left rows out: the county should know
                c.report.issues.append(make_issue("totals-incomplete", src.file, sheet=TOTALS_SHEET,
                                                  cell=src.note_cell, value=src.note))
        sources.append(src)
    good = [s for s in sources if s.total is not None]
    fates: dict[str, tuple[str, str]] = {}  # file -> (bucket, reason)
    # a workbook for another period than the rest is left out
    wanted = c.period.span.replace(" 至 ", "..") if c.period is not None else None
    keys = Counter(s.period_key for s in good if s.period_key)
    if wanted is None and keys:
        wanted = sorted(keys.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        c.period_label_text = next(s.period_label for s in good if s.period_key == wanted)
    shown = c.period_label  # the period counted
    for s in good:
        if c.period is not None and not s.span:
            differs = bool(s.period_label) and s.period_label != c.period.label
        else:
            differs = bool(wanted and s.period_key and s.period_key != wanted)
        if differs:
            issue = make_issue("totals-period-mismatch", s.file, sheet=TOTALS_SHEET,
                               value=s.period_label or s.period_key, expected=shown)
            c.report.issues.append(issue)
            fates[s.file] = (EXCLUDED, issue.message)
        elif wanted and not s.period_label:  # neither a 统计期 line nor a period in its title
            c.report.issues.append(make_issue("totals-period-unknown", s.file, sheet=TOTALS_SHEET, expected=shown))
    # a county's totals among its townships' would count them twice: it is left out
    names = {s.name for s in good if s.file not in fates}
    for s in good:
        inside = sorted({u.unit for u in s.units} & (names - {s.name}))
        if s.file not in fates and inside:
            issue = make_issue("totals-nested", s.file, sheet=TOTALS_SHEET, value=s.name,
                               detail="、".join(inside))
            c.report.issues.append(issue)
            fates[s.file] = (EXCLUDED, issue.message)
    twice = _same_units(c, good, fates)
    # the same township twice
    by_name: dict[str, list[TotalsSource]] = defaultdict(list)
    for s in good:
        if s.file not in fates:
            by_name[s.name].append(s)
    counted: list[TotalsSource] = []
    for name in sorted(by_name):
        group = sorted(by_name[name], key=lambda s: (_COPY_MARK_RE.search(s.file) is not None, s.file))
        if len(group) == 1:
            counted.append(group[0])
            continue
        same = all(g.total.counts() == group[0].total.counts() for g in group[1:])  # type: ignore[union-attr]
        for s in group:
            others = "、".join(g.file for g in group if g is not s)
            if same and s is group[0]:
                continue
            code = "totals-duplicate" if same else "totals-conflict"
            issue = make_issue(code, s.file, sheet=TOTALS_SHEET, cell=f"A{s.total_row}", value=name,
                               detail=others, why="" if same else _saved_last(group, paths or {}))
            c.report.issues.append(issue)
            fates[s.file] = (DUPLICATE if same else EXCLUDED, issue.message)
        if same:
            counted.append(group[0])
    _horizons(c, counted)
    _shared_units(c, [s for s in counted if s.file not in twice])
    spans = {s.span for s in counted}
    if c.period is None and len(spans) == 1 and None not in spans:  # keep the dates for the next level up
        start, end = spans.pop()  # type: ignore[misc]
        c.period = Period(start, end, c.period_label_text or counted[0].period_label)
    c.units = sorted((s.total for s in counted), key=lambda u: u.unit)  # type: ignore[misc]
    c.total = UnitTotals.sum(TOTAL_UNIT, c.units)
    for s in sources:
        acc = c.accounts[s.file] = FileAccount(s.file, read=1 if s.total is not None else 0)
        bucket = fates.get(s.file, (None, ""))[0]
        if s.total is None:
            continue
        if bucket == DUPLICATE:
            acc.duplicate = 1
        elif bucket == EXCLUDED:
            acc.excluded = 1
        else:
            acc.counted = 1
        if bucket:
            c.excluded.append(ExcludedRow(s.file, TOTALS_SHEET, s.total_row, f"A{s.total_row}", bucket,
                                          fates[s.file][1]))
    c.report.sort()
    _statuses(c, {s.file: s for s in sources}, fates)


def _same_units(c: Consolidation, good: list[TotalsSource], fates: dict[str, tuple[str, str]]) -> set[str]:
    """One township's 汇总表 made twice under two titles (倪家营 and 倪家营乡): two names, so not
    caught as the same township offered twice, yet its villages are the same with the same
    figures in every column. Both count (two small townships can match by chance: each one
    village 新村 with one household), and each is told, so that a double count never goes unseen.
    Returns the files told."""
    by_rows: dict[tuple, list[TotalsSource]] = defaultdict(list)
    for s in good:
        if s.file not in fates and s.units and s.total is not None and s.total.households:
            by_rows[tuple(sorted((u.unit, tuple(u.counts().values())) for u in s.units))].append(s)
    told: set[str] = set()
    for group in by_rows.values():
        if len({s.name for s in group}) < 2:
            continue
        for s in group:
            others = "、".join(f"{g.file}（{g.name}）" for g in group if g is not s)
            issue = make_issue("totals-same-units", s.file, sheet=TOTALS_SHEET, cell=f"A{s.total_row}",
                               value=s.name, detail=others)
            c.report.issues.append(issue)
            told.add(s.file)
    return told


def _shared_units(c: Consolidation, counted: list[TotalsSource]) -> None:
    """One village's book consolidated in two townships (sent to both, or copied into the wrong
    collection folder): its row stands in both 汇总表 with the same name and the same figure in
    every column, and the county's 合计 holds it twice. Both count, as the standard adds 合计 rows
    (two villages of one name can match by chance when they have one household each), and each
    row is told at its 单位 cell, so that the double count never goes up unseen."""
    rows: dict[tuple, list[tuple[TotalsSource, int, str]]] = defaultdict(list)  # sheet, row, 单位 as typed
    for s in counted:
        for u, r in zip(s.units, s.unit_rows, strict=True):
            figures = tuple(u.counts().values())
            if any(figures):  # a village with nothing (a roster's row of zeros) is no double count
                rows[(normalise_label(u.unit), figures)].append((s, r, u.unit))
    for group in rows.values():
        if len({s.name for s, _, _ in group}) < 2:
            continue
        for s, r, unit in group:
            others = "、".join(f"{g.file}（{g.name}）" for g, _, _ in group if g is not s)
            c.report.issues.append(make_issue("totals-same-village", s.file, sheet=TOTALS_SHEET,
                                              cell=f"{col_letter(s.unit_col)}{r}", row=r,
                                              value=unit, detail=others))


def _horizons(c: Consolidation, counted: list[TotalsSource]) -> None:
    """Sheets whose expected months stop at different months (one made in August, one after the
    year ended; without a period, each township's latest diary) add up to rates that compare
    nothing: a warning on each sheet unlike most, which still counts. When they all stop at one
    month, the county's sheet says so in turn."""
    seen = Counter(s.horizon for s in counted)
    if len(seen) <= 1:  # one month, or no sheet counted at all (each had an error)
        c.last_month = next(iter(seen), None)
        return
    # the commonest; between as common, the latest (the period's end latest of all): a sheet made
    # before the period ended is the one to make again, never the complete one
    common = max(seen.items(), key=lambda kv: (kv[1], kv[0] or (9999, 12)))[0]

    def shown(h: tuple[int, int] | None) -> str:
        return month_label(h) if h else "统计期的最后一个月"

    for s in counted:
        if s.horizon != common:
            c.report.issues.append(make_issue("totals-horizon-differs", s.file, sheet=TOTALS_SHEET,
                                              value=shown(s.horizon), expected=shown(common)))


def _statuses(c: Consolidation, sources: dict[str, TotalsSource], fates: dict[str, tuple[str, str]]) -> None:
    errors: dict[str, list[Issue]] = defaultdict(list)
    warnings: Counter[str] = Counter()
    warned: dict[str, list[str]] = defaultdict(list)  # file -> what its warnings are about, once each
    ours: dict[str, str] = {}  # the tool's own 问题清单 or 汇总台 among the totals: skipped, not 未汇总
    for issue in c.report.issues:
        if issue.code in SKIPPED_OUTPUTS:
            ours.setdefault(issue.file, issue.message)
        if issue.severity == "error":
            errors[issue.file].append(issue)
        elif issue.severity == "warning":
            warnings[issue.file] += 1
            if CATALOGUE[issue.code].title not in warned[issue.file]:
                warned[issue.file].append(CATALOGUE[issue.code].title)
    for s in c.report.files:
        src = sources.get(s.file)
        acc = c.accounts.get(s.file)
        # the roll-up's own findings are the file's too (来源 said 错误数 0 beside a totals-conflict)
        s.errors = len(errors.get(s.file, ()))
        s.warnings = warnings[s.file]
        s.counted = acc.counted if acc else 0
        s.excluded = (acc.read - acc.counted) if acc else 0
        if src is None and s.file in ours and not errors.get(s.file):
            s.status, s.why = "已跳过", ours[s.file]
        elif src is None or src.total is None:
            s.status = "未汇总"
            s.why = errors[s.file][0].message if errors.get(s.file) else "不是汇总表"
        elif s.file in fates and fates[s.file][0] == DUPLICATE:
            s.status, s.why = "已汇总", f"与其他文件重复，{src.name}只计一次"
        elif s.file in fates:
            s.status, s.why = "未汇总", fates[s.file][1]
        else:
            s.status, s.why = "已汇总", f"计为“{src.name}”"
        if s.status == "已汇总" and warned.get(s.file):  # counted, but the county must read why not quietly
            s.why += "；警告：" + "、".join(warned[s.file])
