"""Consolidation: cards merged with their diary rows, counted exactly as the standard says.

``consolidate(paths, period)`` builds on ``validate.validate`` (so a row that
``lianhu validate`` rejects is never counted) and returns a ``Consolidation``:
one ``UnitTotals`` per village and the ``合计``, plus the tables a township
uses (by month, 三个一 per card, problems, the merged card list) and, for every
row read, whether it was counted or why not. Given totals workbooks instead of
standard books, it rolls them up (see ``rollup``).

Counting rules (workbook-standard.md, "How totals are counted"):

- cards counted: not left out by validation, and 结对日期 ≤ the period's last day;
- diary rows counted: not left out, their card counted, dated inside the period;
- months expected per card: from the later of the period's first month and the
  结对日期 month to the earlier of the period's last month and the current month;
  without a period, from the 结对日期 month to the month of the latest diary date
  of the consolidation;
- a rate is computed from counts; denominator 0 gives ``None`` (an empty cell).

Every row read ends in exactly one bucket per file: counted, duplicate (its
twin is counted), excluded (an error), out of period, or a clerk's 合计 row;
``FileAccount.balanced`` checks rows read = the sum of the buckets.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache
from itertools import groupby
from operator import itemgetter
from pathlib import Path

from .book import BookResult
from .catalogue import CATALOGUE, REPEAT_CODES
from .issues import Issue, Report, make_issue, runs
from .period import Month, Period, month_at, month_label, month_number, month_of, months_between
from .roster import Roster
from .standard import CARD_SHEET, LINKER_KINDS, RESULTS, SOLVED
from .store import ROW_ERROR, RowStore, StoredList
from .validate import counted
from .values import mask_id, mask_phone, one_village_names, same_village, team_number

TITLE_SUFFIX = "联户带创汇总表"
SPAN_PREFIX = "统计期："
NOTE_PREFIX = "注意："  # the first page's status line when the figures lack rows (read again by rollup)
HORIZON_PREFIX = "应访谈月数计到 "  # in the 统计期 line, before the month (2010-08)
ALL_DATES = "全部日期"
TOTAL_UNIT = "合计"
OPEN_RESULTS = ("正在办理", "未解决")

# the buckets a row read can end in (the 未计入 sheet's 类别)
COUNTED, DUPLICATE, EXCLUDED, OUT_OF_PERIOD, TOTALS_ROW = "计入", "重复", "未计入", "统计期外", "合计行"
NOT_READ = "未读取"  # a whole file or sheet (Consolidation.unread), listed after the rows
# 计入明细 lists each counted diary row only up to this many (a county's books at once would
# cost more memory and paper than it helps); beyond it only the count is kept
ENTRY_LIMIT = 50_000


# --- the 汇总 columns ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TotalsColumn:
    """One column of the 汇总 sheet: a count (or sum) stored, or a rate computed."""

    label: str
    attr: str
    kind: str  # count | money | rate
    numerator: str = ""
    denominator: str = ""


TOTALS_COLUMNS: list[TotalsColumn] = [
    TotalsColumn("致富明星户", "star", "count"),
    TotalsColumn("思想保守户", "conservative", "count"),
    TotalsColumn("经济落后户", "backward", "count"),
    TotalsColumn("入户访谈", "interviews", "count"),
    TotalsColumn("提供服务", "services", "count"),
    TotalsColumn("解决主要问题", "solved", "count"),
    TotalsColumn("办实事", "deeds", "count"),
    TotalsColumn("担保贷款(元)", "loans", "money"),
    TotalsColumn("帮耕帮畜", "plough", "count"),
    TotalsColumn("转化户数", "converted", "count"),
    TotalsColumn("思想保守户数", "conservative_households", "count"),
    TotalsColumn("转化率", "conversion_rate", "rate", "converted", "conservative_households"),
    TotalsColumn("应访谈月数", "interview_months_expected", "count"),
    TotalsColumn("实访谈月数", "interview_months_met", "count"),
    TotalsColumn("访谈达标率", "interview_rate", "rate", "interview_months_met", "interview_months_expected"),
    TotalsColumn("应记日记月数", "diary_months_expected", "count"),
    TotalsColumn("实记日记月数", "diary_months_met", "count"),
    TotalsColumn("日记达标率", "diary_rate", "rate", "diary_months_met", "diary_months_expected"),
    TotalsColumn("主要问题已解决户数", "solved_households", "count"),
]
UNIT_LABEL = "单位"
HEADER = [UNIT_LABEL] + [c.label for c in TOTALS_COLUMNS]
COUNT_COLUMNS = [c for c in TOTALS_COLUMNS if c.kind != "rate"]


def fen(amount: float) -> float:
    """Money to the fen, half up (四舍五入), as a clerk rounds and Excel shows it under 0.00: the
    figure to 15 digits (a sum's binary noise dropped), then to 0.01. Python's round() goes by the
    binary value, half to even: 1234.565 + 0.1 printed 1234.66, 0.125 printed 0.12."""
    return float(Decimal(format(amount, ".15g")).quantize(_FEN, ROUND_HALF_UP))


_FEN = Decimal("0.01")


def ratio(numerator: float, denominator: float) -> float | None:
    """A rate from counts; ``None`` (left empty) when the denominator is 0."""
    return numerator / denominator if denominator else None


@dataclass(slots=True)
class UnitTotals:
    """The standard's totals for one unit (a village, or a township on roll-up)."""

    unit: str
    star: int = 0
    conservative: int = 0
    backward: int = 0
    interviews: int = 0
    services: int = 0
    solved: int = 0
    deeds: int = 0
    loans: float = 0.0
    plough: int = 0
    converted: int = 0
    conservative_households: int = 0
    interview_months_expected: int = 0
    interview_months_met: int = 0
    diary_months_expected: int = 0
    diary_months_met: int = 0
    solved_households: int = 0

    @property
    def households(self) -> int:
        return self.star + self.conservative + self.backward

    @property
    def conversion_rate(self) -> float | None:
        return ratio(self.converted, self.conservative_households)

    @property
    def interview_rate(self) -> float | None:
        return ratio(self.interview_months_met, self.interview_months_expected)

    @property
    def diary_rate(self) -> float | None:
        return ratio(self.diary_months_met, self.diary_months_expected)

    def value(self, column: TotalsColumn) -> float | int | None:
        return getattr(self, column.attr)

    def row(self) -> list[object]:
        """The 汇总 row: 单位 then every column in order."""
        return [self.unit] + [self.value(c) for c in TOTALS_COLUMNS]

    def counts(self) -> dict[str, float]:
        """The stored counts by label (rates are derived, never summed)."""
        return {c.label: getattr(self, c.attr) for c in COUNT_COLUMNS}

    def add(self, other: UnitTotals) -> None:
        for f in fields(self):
            if f.name != "unit":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    @classmethod
    def sum(cls, unit: str, items: list[UnitTotals]) -> UnitTotals:
        out = cls(unit)
        for item in items:
            out.add(item)
        out.loans = fen(out.loans)
        return out


# --- the detail tables -----------------------------------------------------------


@lru_cache(maxsize=4096)
def _months_within(codes: str, first: int, end: int) -> int:
    """How many of the months in ``codes`` fall in [first, end). Cached like ``_codes``: a
    card's line asks it about eight times (its 三个一, the 三个一 sheet, its village's totals)."""
    return sum(1 for i in _codes(codes) if first <= i < end)


@lru_cache(maxsize=4096)
def _codes(text: str) -> frozenset[int]:
    """Month numbers kept comma-separated (SQL group_concat). Cached: most cards of a period
    share a handful of patterns (every month, every month but one, …)."""
    return frozenset(int(i) for i in text.split(",")) if text else frozenset()



@dataclass(slots=True)
class CardLine:
    """One counted card with its counts for the period: the 联户卡 and 三个一 sheets."""

    card_no: str
    village: str
    team: str
    head: str
    household_type: str
    linker: str
    linker_kind: str
    position: str
    link_date: date
    id_masked: str
    phone_masked: str
    converted: bool | None
    file: str
    row: int
    requires_solved: bool = True
    solved_this_year: bool = False  # a main problem solved from 1 January to the period's end
    interviews: int = 0
    entries: int = 0
    services: int = 0
    solved: int = 0
    deeds: int = 0
    loans: float = 0.0
    plough: int = 0
    first_month: int = 0  # the first month expected, as a month number (year × 12 + month − 1)
    months_count: int = 0  # months expected from it
    interview_codes: str = ""  # month numbers with an 入户访谈, comma-separated (as the store gives them)
    diary_codes: str = ""  # month numbers with any diary row

    @property
    def months_expected(self) -> list[Month]:
        return [month_at(i) for i in range(self.first_month, self.first_month + self.months_count)]

    @property
    def interview_months(self) -> set[Month]:
        return {month_at(i) for i in _codes(self.interview_codes)}

    @property
    def diary_months(self) -> set[Month]:
        return {month_at(i) for i in _codes(self.diary_codes)}

    @property
    def main_solved(self) -> bool:
        return self.solved > 0

    @property
    def interview_expected(self) -> int:
        return self.months_count

    @property
    def interview_met(self) -> int:
        return self._met(self.interview_codes)

    @property
    def diary_expected(self) -> int:
        return self.months_count

    @property
    def diary_met(self) -> int:
        return self._met(self.diary_codes)

    def _met(self, codes: str) -> int:
        return _months_within(codes, self.first_month, self.first_month + self.months_count)

    def _missing(self, codes: str) -> list[Month]:
        have = _codes(codes)
        return [month_at(i) for i in range(self.first_month, self.first_month + self.months_count) if i not in have]

    @property
    def missing_interviews(self) -> list[Month]:
        return self._missing(self.interview_codes)

    @property
    def missing_diaries(self) -> list[Month]:
        return self._missing(self.diary_codes)

    @property
    def meets(self) -> bool:
        """三个一 met: an interview and a diary every month expected, and (when the
        period is a whole year, or none) a main problem solved this year."""
        return (self.interview_met == self.months_count and self.diary_met == self.months_count
                and (self.solved_this_year or not self.requires_solved))

    @property
    def shortfall(self) -> str:
        """What is missing, in a clerk's words (empty when 三个一 is met)."""
        return _shortfall(self.interview_codes, self.diary_codes, self.first_month, self.months_count,
                          self.requires_solved and not self.solved_this_year)


@lru_cache(maxsize=4096)
def _shortfall(interview_codes: str, diary_codes: str, first: int, count: int, unsolved: bool) -> str:
    """``CardLine.shortfall``, remembered: most cards share a handful of patterns (see ``_codes``)."""
    parts = []
    for what, codes in (("访谈", interview_codes), ("日记", diary_codes)):
        have = _codes(codes)
        missing = [month_at(i) for i in range(first, first + count) if i not in have]
        if missing:
            parts.append(f"{what}缺 {len(missing)} 个月：{_months_text(missing)}")
    if unsolved:
        parts.append("本年未解决主要问题")
    return "；".join(parts)


def _months_text(months: list[Month]) -> str:
    """Consecutive months as ranges: ``2010年1–3、5、7–12月``; ``2010-11至2011-02`` across years.
    The year is always said: a period from November to February may miss only 1–2月, of 2011."""
    spans = [(month_at(first), month_at(last)) for first, last in runs(map(month_number, months))]
    one_year = len({y for y, _ in months}) == 1
    if one_year:
        parts = [f"{a[1]}" if a == b else f"{a[1]}–{b[1]}" for a, b in spans]
        return f"{months[0][0]}年" + "、".join(parts) + "月"
    parts = [month_label(a) if a == b else f"{month_label(a)}至{month_label(b)}" for a, b in spans]
    return "、".join(parts)


@dataclass(slots=True)
class LinkerLine:
    """One linker's 三个一 over all their cards (basis for 评议定格)."""

    linker: str
    linker_kind: str
    position: str
    village: str
    cards: int = 0
    cards_met: int = 0
    interview_expected: int = 0
    interview_met: int = 0
    diary_expected: int = 0
    diary_met: int = 0
    cards_solved: int = 0

    @property
    def meets(self) -> bool:
        return self.cards > 0 and self.cards_met == self.cards


@dataclass(slots=True)
class EntryLine:
    """One counted diary row and what it counted toward: the 计入明细 sheet, so every
    total can be traced to its rows."""

    file: str
    sheet: str
    row: int
    card_no: str
    village: str
    day: date
    form: str
    interview: bool
    service: bool
    solved: bool
    deeds: int
    loans: float
    plough: int


@dataclass(slots=True)
class MonthRow:
    unit: str
    month: Month
    interviews: int = 0
    entries: int = 0
    services: int = 0
    solved: int = 0


@dataclass(slots=True)
class ProblemLine:
    """A problem found (one per card and problem text), with its latest result."""

    card_no: str
    village: str
    team: str
    head: str
    linker: str
    position: str
    problem: str
    is_main: bool
    first_date: date
    last_date: date
    result: str
    solution: str
    places: list[str] = field(default_factory=list)

    @property
    def open(self) -> bool:
        return self.result in OPEN_RESULTS


@dataclass(slots=True)
class ExcludedRow:
    """A row read but not counted, and why: the 未计入 sheet."""

    file: str
    sheet: str
    row: int
    cell: str
    bucket: str  # 未计入 · 重复 · 统计期外 · 合计行
    reason: str


@dataclass(slots=True)
class FileAccount:
    """Rows read in one file and where each went."""

    file: str
    read: int = 0
    counted: int = 0
    duplicate: int = 0
    excluded: int = 0
    out_of_period: int = 0
    totals_rows: int = 0

    @property
    def accounted(self) -> int:
        """Rows that ended in a bucket."""
        return self.counted + self.duplicate + self.excluded + self.out_of_period + self.totals_rows

    @property
    def balanced(self) -> bool:
        return self.read == self.accounted

    def to_dict(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name != "file"}


@dataclass(slots=True)
class Consolidation:
    """Everything one consolidation found and counted."""

    report: Report
    period: Period | None
    title: str = ""
    kind: str = "books"  # books | totals | mixed
    units: list[UnitTotals] = field(default_factory=list)
    total: UnitTotals = field(default_factory=lambda: UnitTotals(TOTAL_UNIT))
    cards: list[CardLine] = field(default_factory=list)
    # cards linked after the period's end with diary rows inside it: not counted as households (no
    # months expected), their visits are; listed in 联户清单 so that it adds up to the 汇总 row
    late_cards: list[CardLine] = field(default_factory=list)
    months: list[MonthRow] = field(default_factory=list)
    entries: list[EntryLine] = field(default_factory=list)  # empty when entry_count > ENTRY_LIMIT
    entry_count: int = 0  # diary rows counted (all of them, listed in ``entries`` or not)
    problems: list[ProblemLine] = field(default_factory=list)
    excluded: list[ExcludedRow] = field(default_factory=list)
    accounts: dict[str, FileAccount] = field(default_factory=dict)
    last_month: Month | None = None  # the last month expected (no period: latest diary month;
    # a roll-up: the one its sheets share)
    period_label_text: str = ""  # on roll-up, the period the townships' totals state
    today: date = field(default_factory=date.today)
    # villages that sent cards, every one left out (an error, a conflict): (village, cards), each a
    # row of zeros in 汇总 with a line under the table saying why (_villages_left_out)
    villages_left_out: tuple[tuple[str, int], ...] = ()

    def keep_lines(self, path: Path) -> None:
        """Before this consolidation is remembered (cache.remember_run): copy the tables behind its
        long lists (联户清单, 问题, 未计入) into the SQLite file ``path``, and read them from there,
        so that the remembered run pickles small and comes back without loading them."""
        lists = [x for x in (self.cards, self.problems, self.excluded) if isinstance(x, StoredList) and not x.saved]
        if not lists:
            return
        saved = lists[0].store.save_tables(path, ("line", "problem", "excluded_row"))  # type: ignore[union-attr]
        for x in lists:
            x.save(saved)

    def lines_kept(self) -> bool:
        """The file ``keep_lines`` wrote is still there (a remembered run without it is a miss)."""
        return all(x.store.path.is_file() for x in (self.cards, self.problems, self.excluded)  # type: ignore[union-attr]
                   if isinstance(x, StoredList) and x.saved)

    @property
    def complete(self) -> bool:
        """Everything offered was counted: no error anywhere (duplicates and rows
        outside the period are accounted for, not lost)."""
        return self.kind in ("books", "totals") and self.report.valid

    @property
    def unread(self) -> list[Issue]:
        """The files and sheets not read at all (a broken file, a sheet without its header, a
        copied 联户日记 (2)): none of their rows is counted or left out one by one, so the 未计入
        sheet names them too, or it would say 没有未计入的行 over a sheet nobody read."""
        if self.kind != "books":
            return []
        return [i for i in self.report.issues if i.severity == "error" and CATALOGUE[i.code].scope in ("file", "sheet")]

    @property
    def period_label(self) -> str:
        if self.period is not None:
            return self.period.label
        return self.period_label_text or ALL_DATES

    @property
    def heading(self) -> str:
        """The title over the 汇总 table: township and period."""
        return f"{self.title}{TITLE_SUFFIX}（{self.period_label}）"

    @property
    def span_text(self) -> str:
        """The 统计期 line. It says the month expected visits are counted to whenever that is not
        the period's last (made before the period ended, or without a period): a county adding
        this sheet to others must know their rates are not alike (rollup: totals-horizon-differs)."""
        if self.period is not None:
            cut = (f"；{HORIZON_PREFIX}{month_label(self.last_month)}"
                   if self.last_month is not None and self.last_month < self.period.last_month else "")
            return f"{SPAN_PREFIX}{self.period.label}（{self.period.span}{cut}）"
        if self.last_month:
            return f"{SPAN_PREFIX}{ALL_DATES}（{HORIZON_PREFIX}{month_label(self.last_month)}）"
        return f"{SPAN_PREFIX}{self.period_label}"

    @property
    def left_out(self) -> int:
        """Rows left out because of errors (not duplicates, not outside the period)."""
        return sum(a.excluded for a in self.accounts.values())

    @property
    def files_not_counted(self) -> list[str]:
        """Files offered and not counted; not the 汇总台 or a 问题清单 kept among the books (told
        and skipped: no submission, so no “N 个文件未汇总” for them)."""
        return [f.file for f in self.report.files if f.status == "未汇总"]

    def linkers(self) -> Iterable[LinkerLine]:
        """三个一 per linker, the ones short of it first, read from the store one at a time (a
        province has hundreds of thousands of linkers). A roll-up has no cards, so no linkers."""
        return _linkers_stored(self.cards) if isinstance(self.cards, StoredList) else []

    def month_list(self) -> list[Month]:
        """Every month of the period (or from the first to the last diary month)."""
        if self.period is not None:
            last = min(self.period.last_month, month_of(self.today))
            return months_between(self.period.first_month, max(last, self.period.first_month))
        seen = sorted({m.month for m in self.months})
        return months_between(seen[0], seen[-1]) if seen else []

    def headline(self) -> str:
        """One line for the terminal and the top of the 汇总 sheet."""
        files = len(self.report.files)
        if self.complete:
            twins = sum(a.duplicate for a in self.accounts.values())
            unit = "个文件" if self.kind == "totals" else "行"
            said = f"共 {files} 个文件，全部计入汇总" + (f"（重复的 {twins} {unit}只计一次）" if twins else "")
            outside = sum(a.out_of_period for a in self.accounts.values())
            if self.kind != "totals" and outside and not any(a.counted + a.duplicate for a in self.accounts.values()):
                # --period 2008 for 2010's books: zeros that read as a township with nothing done
                said = (f"共 {files} 个文件，统计期（{self.period_label}）内没有任何联户卡和日记："
                        f"读到的 {outside} 行都在统计期外，请核对统计期是否写对")
            warned = len(self.report.warnings) if self.kind == "totals" else 0  # a township's rows left out, edits
            tail = f"；警告 {warned} 处，见“来源”表的说明。" if warned else "。"
            # a township's own rows left out: begun with 注意 as a run leaving rows out is, so that the
            # next level up reads it as such (rollup: TotalsSource.note) and its figures never pass as whole
            lacking = self._lacking()
            if lacking:
                return f"{NOTE_PREFIX}{said}，但其中 {lacking} 份汇总表注明有行未计入，汇总数字不含那些行" + tail
            return said + tail
        parts = []
        # a roll-up's "row" is a township's 合计: it is a file left out, said once as such
        # (a county read "3 行因有错误未计入，3 个文件未汇总" of three townships not counted)
        if self.left_out and self.kind != "totals":
            parts.append(f"{self.left_out} 行因有错误未计入")
        missing = self.files_not_counted
        if missing:
            parts.append(f"{len(missing)} 个文件未汇总" if self.kind != "totals" else f"{len(missing)} 份汇总表未计入")
        if not parts:
            parts.append(f"{len(self.report.errors)} 处错误")
        lacking = self._lacking()
        if lacking:  # said when all is counted; as much to know when some is not
            parts.append(f"另有 {lacking} 份汇总表注明有行未计入")
        these = ("这些汇总表" + ("和那些行" if lacking else "")) if self.kind == "totals" and missing else "这些行"
        return f"{NOTE_PREFIX}共 {files} 个文件，" + "，".join(parts) + f"（见“来源”和“未计入”表）。汇总数字不含{these}。"

    def _lacking(self) -> int:
        """The 汇总表 counted whose own consolidation left rows out (``totals-incomplete``): a
        repeat counted once, or a sheet not counted, adds nothing to the figures, so is not one more."""
        told = {i.file for i in self.report.issues if i.code == "totals-incomplete"}
        return sum(1 for f in told if f not in self.accounts or self.accounts[f].counted)

    def to_dict(self, lists: bool = True) -> dict[str, object]:
        """The figures as JSON data; without ``lists`` (excluded, issues) for ``json_text``."""
        def unit(u: UnitTotals) -> dict[str, object]:
            return dict(zip(HEADER, u.row(), strict=True))

        data = {
            "title": self.title, "period": self.period_label, "kind": self.kind,
            "complete": self.complete,
            "units": [unit(u) for u in self.units], "total": unit(self.total),
            "villages_left_out": dict(self.villages_left_out),  # village -> its cards, all left out
            "files": [{**f.to_dict(), **({"rows": self.accounts[f.file].to_dict()}
                                         if f.file in self.accounts else {})}
                      for f in self.report.files],
        }
        if lists:
            data.update({key: list(items) for key, items in self.lists().items()})
        return data

    def lists(self) -> dict[str, Iterator[dict[str, object]]]:
        """The long lists of ``to_dict``, made as they are read."""
        return {"excluded": ({"file": e.file, "sheet": e.sheet, "row": e.row, "cell": e.cell,
                              "category": e.bucket, "reason": e.reason} for e in self.excluded),
                "issues": (i.to_dict() for i in self.report.issues)}


# --- the entry point ---------------------------------------------------------------


def consolidate(paths: list[Path], period: Period | None = None, roster: Roster | None = None,
                jobs: int = 1, progress: Callable[[BookResult], None] | None = None,
                title: str | None = None, *, today: date | None = None,
                files: list[tuple[Path, str]] | None = None,
                collect_issues: list[Issue] | None = None, cache=None) -> Consolidation:
    """Validate every workbook under ``paths`` and count it, or roll totals workbooks up.

    Never raises for a bad workbook: problems are issues in ``.report`` and the
    rows they concern are listed in ``.excluded``.
    """
    from .validate import validate

    paths = [Path(p) for p in paths]
    result = validate(paths, roster=roster, jobs=jobs, progress=progress, files=files,
                      collect_issues=collect_issues, cache=cache)  # cache: see cache.py (H6)
    c = Consolidation(report=result.report, period=period, title=title_name(title or guess_title(paths)),
                      today=today or date.today())
    books = [b for b in result.books if b.summary.kind == "book"]
    totals = [b for b in result.books if b.summary.kind == "totals"]
    if books and totals:
        _mixed(c, books, totals)
        return c
    if totals:
        from .rollup import roll_up

        roll_up(c, totals, result.paths)
        return c
    count_books(c, result.books, result.store, roster)
    return c


SKIPPED_OUTPUTS = ("console-skipped", "report-skipped")  # the tool's own files among the books, not read


PLACE_ENDINGS = ("乡", "镇", "县", "市", "区", "旗", "街道", "州", "盟")


# what the heading adds itself, typed at the end of --title (the whole title typed: 倪家营乡联户带创汇总表)
_TITLE_TAIL = re.compile(r"(?:联户带创|工作|汇总表|汇总|[（(]?\d{4}\s*年度?[）)]?|\s)+$")


def title_name(title: str) -> str:
    """The unit's name from --title (or the console's 乡镇名称): a title typed whole would be
    printed doubled (倪家营乡联户带创汇总表联户带创汇总表（2010年）); the heading adds those words."""
    text = (title or "").strip()
    return _TITLE_TAIL.sub("", text) or text


def guess_title(paths: list[Path]) -> str:
    """A single folder named like a place (``倪家营乡/``, ``临泽县``) names the totals;
    a folder called ``收集`` does not."""
    if len(paths) != 1:
        return ""
    folder = Path(paths[0])
    name = folder.resolve().name
    return name if folder.is_dir() and name.endswith(PLACE_ENDINGS) and len(name) <= 12 else ""


def _mixed(c: Consolidation, books: list[BookResult], totals: list[BookResult]) -> None:
    """Books and totals together: an error that says so; nothing is counted."""
    c.kind = "mixed"
    # the fewer kind is the stray: a county's 20 townships with one village book among them
    kind, stray = ("汇总表", totals) if len(totals) <= len(books) else ("登记簿", books)
    names = "、".join(b.summary.file for b in stray[:3]) + (f" 等 {len(stray)} 个" if len(stray) > 3 else "")
    c.report.issues.insert(0, make_issue("mixed-inputs", stray[0].summary.file, detail=f"{kind}：{names}"))
    for s in c.report.files:
        s.counted = 0
        s.status, s.why = "未汇总", "登记簿与汇总表不能一起汇总"
    c.report.sort()


# --- counting standard books -----------------------------------------------------


def count_books(c: Consolidation, books: list[BookResult], store: RowStore, roster: Roster | None = None) -> None:
    """Count validated books into ``c`` by the standard's rules.

    The counting runs as queries over the run's store (per card, per village and month),
    and each card's line and problems are written back into it: what stays in memory is
    a total per village and month (and at most ENTRY_LIMIT counted rows), whatever the
    number of books.
    """
    c.kind = "books"
    period = c.period
    store.index()  # _CARD_TOTALS walks the cards in 卡号 order on its index
    out = _Tables(store)
    lo, hi = _year_window(period, store)
    if period is not None:
        c.last_month = min(period.last_month, month_of(c.today))
    elif hi >= lo:
        c.last_month = month_of(hi)
    span = {"plo": period.start.toordinal() if period else 1, "phi": period.end.toordinal() if period else
            date.max.toordinal(), "ylo": lo.toordinal(), "yhi": hi.toordinal(),
            "label": period.label if period else ""}
    by_unit: dict[str, UnitTotals] = {}
    by_month = _MonthCounts()
    _count_cards(c, store, span, by_unit, by_month, out)
    out.flush()
    # diary rows dated outside the period
    store.query(f"{_DIARY_ROWS} INSERT INTO outside SELECT 1, d.id, "
                "'日期 ' || date(d.date + 1721424.5) || ' 不在统计期（' || :label || '）内' FROM d WHERE NOT inp", span)
    c.months = by_month.rows()
    c.entry_count = sum(m.entries for m in c.months)
    if c.entry_count <= ENTRY_LIMIT:
        c.entries = [EntryLine(file, sheet, row, no, village, date.fromordinal(day), form, bool(interview),
                               bool(service), bool(solved), int(deeds or 0), float(loans or 0.0), int(plough or 0))
                     for file, sheet, row, no, village, day, form, interview, service, solved, deeds, loans, plough
                     in store.query(f"{_DIARY_ROWS} SELECT file, sheet, row, card_no, village, date, form, interview, "
                                    "service, solved, deeds, loans, plough_help FROM d WHERE inp "
                                    "ORDER BY village, card_no, date, file, row", span)]
    _count_problems(store, span, out)
    out.flush()
    c.cards = out.cards()
    c.problems = out.problems()
    c.villages_left_out = _villages_left_out(store, by_unit, roster)
    c.units = _unit_list(by_unit, roster)
    c.total = UnitTotals.sum(TOTAL_UNIT, c.units)
    _account(c, books, store, out)


_SOLVED_ROW = (f"d.is_main_problem = 1 AND d.result IN ({', '.join(repr(r) for r in SOLVED)})")
_INTERVIEW_ROW = "d.form = '入户访谈'"
# every counted card (卡号 is unique among them) in 卡号 order, with the totals of its counted diary rows
# dated in the period (:plo–:phi): rows, 入户访谈, 提供服务, 解决主要问题, 办实事, 担保贷款, 帮耕帮畜, then
# the month of each row, of each 入户访谈, of each row with a service and of each main problem solved
# (month numbers, comma-separated, one per row: ``_MonthCounts`` counts them by village and month).
# The cards' index is walked in order and each card's diary rows found on theirs: no sort, and the
# per-row expressions are evaluated once (a CTE's columns are evaluated again wherever they are named)
_CARD_TOTALS = (
    "SELECT c.id, c.card_no, c.village, c.team, c.head, c.household_type, c.linker, c.linker_kind, c.position, "
    "c.link_date, c.id_number, c.phone, c.converted, s.file, c.row, "
    f"count(d.id), count(CASE WHEN {_INTERVIEW_ROW} THEN 1 END), count(d.services), "
    f"count(CASE WHEN {_SOLVED_ROW} THEN 1 END), total(d.deeds), total(d.loans), total(d.plough_help), "
    f"group_concat(d.month), group_concat(CASE WHEN {_INTERVIEW_ROW} THEN d.month END), "
    f"group_concat(CASE WHEN d.services IS NOT NULL THEN d.month END), "
    f"group_concat(CASE WHEN {_SOLVED_ROW} THEN d.month END) "
    "FROM card c INDEXED BY card_card_no JOIN sheet s ON s.id = c.sheet "
    f"LEFT JOIN diary d ON d.card_no = c.card_no AND {counted('d')} AND d.date BETWEEN :plo AND :phi "
    f"WHERE {counted('c')} GROUP BY c.card_no, c.id ORDER BY c.card_no, c.id")
# the counted cards with a main problem solved from 1 January to the period's end (:ylo–:yhi), in 卡号 order
_SOLVED_THIS_YEAR = (
    "SELECT c.card_no FROM card c INDEXED BY card_card_no CROSS JOIN diary d ON d.card_no = c.card_no "
    f"WHERE {counted('c')} AND {counted('d')} AND d.date BETWEEN :ylo AND :yhi AND {_SOLVED_ROW} "
    "GROUP BY c.card_no ORDER BY c.card_no")


class _MonthCounts:
    """按月: each village's counted diary rows, 入户访谈, services and problems solved by month,
    counted from each card's months as ``_CARD_TOTALS`` gives them. The months of a few thousand
    cards are kept as given and counted in one go (``Counter.update`` a card cost more than the
    counting); what stays is a count per village and month."""

    BATCH = 4096  # cards whose months wait to be counted

    def __init__(self) -> None:
        self.counts: dict[str, tuple[Counter, Counter, Counter, Counter]] = {}
        self.waiting: dict[str, tuple[list[str], list[str], list[str], list[str]]] = {}
        self.cards = 0  # cards waiting

    def add(self, village: str, months: str, interviews: str | None, services: str | None,
            solved: str | None) -> None:
        lists = self.waiting.get(village)
        if lists is None:
            lists = self.waiting[village] = ([], [], [], [])
        lists[1].append(months)
        if interviews:
            lists[0].append(interviews)
        if services:
            lists[2].append(services)
        if solved:
            lists[3].append(solved)
        self.cards += 1
        if self.cards >= self.BATCH:
            self._count()

    def _count(self) -> None:
        for village, lists in self.waiting.items():
            counts = self.counts.get(village)
            if counts is None:
                counts = self.counts[village] = (Counter(), Counter(), Counter(), Counter())
            for counter, waiting in zip(counts, lists, strict=True):
                if waiting:
                    counter.update(",".join(waiting).split(","))
        self.waiting.clear()
        self.cards = 0

    def rows(self) -> list[MonthRow]:
        """By month, then village (as SQL orders text: by code point, like Python)."""
        self._count()
        out = [MonthRow(village, month_at(int(m)), interviews[m], n, services[m], solved[m])
               for village, (interviews, entries, services, solved) in self.counts.items()
               for m, n in entries.items()]
        out.sort(key=lambda r: (r.month, r.unit))
        return out


def _count_cards(c: Consolidation, store: RowStore, span: dict[str, object], by_unit: dict[str, UnitTotals],
                 by_month: _MonthCounts, out: _Tables) -> None:
    """Each counted card's line (into ``out``) and what it adds to its village (``by_unit``, ``by_month``).
    A card's line is made as a tuple for the store; only the few cards linked after the period's end
    become ``CardLine`` objects (``c.late_cards``)."""
    period = c.period
    requires_solved = period is None or period.is_year
    after = period.end.toordinal() if period is not None else None
    first = month_number(period.first_month) if period is not None else None
    last = month_number(c.last_month) + 1 if c.last_month else None  # the month after the last expected
    # solved this year: in the period's rows when the year so far is the period, else asked on its own
    same_window = span["ylo"] == span["plo"] and span["yhi"] == span["phi"]
    solved_year = None if same_window else store.query(_SOLVED_THIS_YEAR, span)
    pending = None if solved_year is None else next(solved_year, None)
    teams: dict[str, str] = {}
    line = out.line
    for row in store.query(_CARD_TOTALS, span):
        (_, no, village, team, head, household_type, linker, linker_kind, position, link_date, id_number, phone,
         converted, file, row_no, entries, interviews, services, solved, deeds, loans, plough,
         months, interview_months, service_months, solved_months) = row
        if solved_year is None:
            solved_this_year = solved > 0
        elif no is None:  # no diary row names it (validation leaves such a card out anyway)
            solved_this_year = False
        else:
            while pending is not None and pending[0] < no:
                pending = next(solved_year, None)
            solved_this_year = pending is not None and pending[0] == no
        diary_codes = interview_codes = ""
        if months:
            by_month.add(village, months, interview_months, service_months, solved_months)
            diary_codes = ",".join(dict.fromkeys(months.split(",")))
            if interview_months:
                interview_codes = ",".join(dict.fromkeys(interview_months.split(",")))
        deeds, plough = int(deeds), int(plough)
        u = by_unit.get(village)
        if u is None:
            u = by_unit[village] = UnitTotals(village)
        u.interviews += interviews
        u.services += services
        u.solved += solved
        u.deeds += deeds
        u.loans += loans
        u.plough += plough
        if after is not None and link_date > after:
            # the household is not counted this period; its diary rows dated inside it are ("the
            # diary rows counted are those dated inside it"; dated before 结对日期 is a warning, and
            # a warning never leaves anything out)
            late = _card_line(row, period)
            why = f"结对日期 {late.link_date.isoformat()} 晚于统计期末 {period.end.isoformat()}，本期不计"
            if entries:  # listed in 联户清单 with them: not "not counted" at all
                why += f"户数；统计期内的 {entries} 条日记照计（见联户清单）"
                late.entries, late.interviews, late.services, late.solved = entries, interviews, services, solved
                late.deeds, late.loans, late.plough = deeds, loans, plough
                late.diary_codes, late.interview_codes = diary_codes, interview_codes
                late.solved_this_year = solved_this_year  # 三个一 looks at the year so far, whatever the period
                c.late_cards.append(late)  # few: a warning (before-link-date) each
            out.outside(0, row[0], why)
            continue
        day = date.fromordinal(link_date)
        linked = day.year * 12 + day.month - 1
        first_month = linked if first is None else max(first, linked)
        months_count = max(0, last - first_month) if last is not None else 0
        end = first_month + months_count
        interview_met = _months_within(interview_codes, first_month, end)
        diary_met = _months_within(diary_codes, first_month, end)
        meets = (interview_met == months_count and diary_met == months_count
                 and (solved_this_year or not requires_solved))
        team_sort = teams.get(team)
        if team_sort is None:
            n, _ = team_order(team)
            team_sort = teams[team] = f"{n:06d}{team}"
        converted = None if converted is None else bool(converted)
        line((no, village, team, head, household_type, linker, linker_kind, position or "", link_date,
              mask_id(id_number), mask_phone(phone), converted, file, row_no, requires_solved, solved_this_year,
              interviews, entries, services, solved, deeds, loans, plough, first_month, months_count,
              interview_codes, diary_codes, team_sort, meets, months_count, interview_met, months_count, diary_met))
        if household_type == "致富明星户":
            u.star += 1
        elif household_type == "思想保守户":
            u.conservative += 1
            u.conservative_households += 1
            u.converted += bool(converted)
        elif household_type == "经济落后户":
            u.backward += 1
        u.interview_months_expected += months_count
        u.interview_months_met += interview_met
        u.diary_months_expected += months_count
        u.diary_months_met += diary_met
        u.solved_households += solved > 0


def _count_problems(store: RowStore, span: dict[str, object], out: _Tables) -> None:
    """One problem line per card and problem text (its rows in the period, by date, file and row),
    with its latest result."""
    # the diary read straight through (one row in seven has a problem): walking it in 卡号 order on
    # its index, as the planner would, looks every row up in the table for its 发现问题
    rows = store.query("SELECT d.card_no, d.problem, d.date, s.file, d.row, d.result, d.solution, d.is_main_problem, "
                       "s.name, c.village, c.team, c.head, c.linker, c.position FROM diary d NOT INDEXED "
                       "CROSS JOIN card c ON c.card_no = d.card_no JOIN sheet s ON s.id = d.sheet "
                       f"WHERE d.problem <> '' AND d.date BETWEEN :plo AND :phi AND {counted('d')} AND {counted('c')} "
                       "ORDER BY d.card_no, d.problem, d.date, s.file, d.row", span)
    problem = out.problem
    for (no, text), found in groupby(rows, key=itemgetter(0, 1)):
        group = list(found)
        latest = group[-1]
        village, team, head, linker, position = group[0][9:]
        solution = next((x[6] for x in reversed(group) if x[6]), "") or ""
        result = latest[5] or ""
        problem((no, village, team, head, linker, position or "", text, any(x[7] for x in group), group[0][2],
                 latest[2], result, solution, "\n".join([f"{x[3]} {x[8]}!第{x[4]}行" for x in group]),
                 result in OPEN_RESULTS, PROBLEM_RANK.get(result, 9)))


# the counted diary rows of counted cards, with what counting asks of each (SQL, for count_books)
_DIARY_ROWS = (
    "WITH d AS (SELECT d.id, d.card_no, d.date, d.form, d.problem, d.solution, d.result, d.is_main_problem, "
    "d.deeds, d.loans, d.plough_help, d.row, s.file, s.name AS sheet, c.village, c.team, c.head, c.linker, "
    "c.position, c.link_date, "
    "d.month, d.form = '入户访谈' AS interview, d.services IS NOT NULL AS service, "
    f"(coalesce(d.is_main_problem, 0) = 1 AND coalesce(d.result, '') IN ({', '.join(repr(r) for r in SOLVED)})) "
    "AS solved, "
    "d.date BETWEEN :plo AND :phi AS inp, d.date BETWEEN :ylo AND :yhi AS iny "
    "FROM diary d JOIN card c ON c.card_no = d.card_no JOIN sheet s ON s.id = d.sheet "
    f"WHERE {counted('c')} AND {counted('d')})")


_LINE = ("card_no", "village", "team", "head", "household_type", "linker", "linker_kind", "position",
         "link_date", "id_masked", "phone_masked", "converted", "file", "row", "requires_solved",
         "solved_this_year", "interviews", "entries", "services", "solved", "deeds", "loans", "plough",
         "first_month", "months_count", "interview_codes", "diary_codes")  # CardLine's fields, in order
_PROBLEM = ("card_no", "village", "team", "head", "linker", "position", "problem", "is_main", "first_date",
            "last_date", "result", "solution")
_EXCLUDED = ("file", "sheet", "row", "cell", "bucket", "reason")
BUCKET_RANK = {EXCLUDED: 0, DUPLICATE: 1, OUT_OF_PERIOD: 2, TOTALS_ROW: 3}  # the 未计入 sheet's order


class _Tables:
    """What counting writes into the store, a batch of lines at a time: each counted card's
    line, each problem, the rows outside the period and the rows left out."""

    BATCH = 5_000

    def __init__(self, store: RowStore) -> None:
        self.store = store
        for sql in (
            "CREATE TEMP TABLE IF NOT EXISTS outside (kind INTEGER, id INTEGER, reason TEXT, "
            "PRIMARY KEY (kind, id)) WITHOUT ROWID",
            f"CREATE TEMP TABLE IF NOT EXISTS line ({', '.join(_LINE)}, team_sort, meets, interview_expected, "
            "interview_met, diary_expected, diary_met)",
            f"CREATE TEMP TABLE IF NOT EXISTS problem ({', '.join(_PROBLEM)}, places, is_open, rank)",
            f"CREATE TEMP TABLE IF NOT EXISTS excluded_row ({', '.join(_EXCLUDED)}, bucket_rank)",
        ):
            store.query(sql)
        for table in ("outside", "line", "problem", "excluded_row"):
            store.query(f"DELETE FROM {table}")
        self.pending: dict[str, list[tuple]] = {"outside": [], "line": [], "problem": [], "excluded_row": []}

    def _add(self, table: str, row: tuple) -> None:
        rows = self.pending[table]
        rows.append(row)
        if len(rows) >= self.BATCH:
            self._flush(table)

    def _flush(self, table: str) -> None:
        rows = self.pending[table]
        if rows:
            marks = ", ".join("?" for _ in rows[0])
            self.store.db.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            rows.clear()

    def flush(self) -> None:
        for table in self.pending:
            self._flush(table)

    def outside(self, kind: int, rid: int, reason: str) -> None:
        self._add("outside", (kind, rid, reason))

    def line(self, row: tuple) -> None:
        """A counted card's line: its ``_LINE`` values (dates as day numbers), then team_sort, meets and
        its months expected and met (``_count_cards`` makes it)."""
        self._add("line", row)

    def problem(self, row: tuple) -> None:
        """A problem: its ``_PROBLEM`` values (dates as day numbers), places, is_open, rank."""
        self._add("problem", row)

    def excluded(self, e: ExcludedRow) -> None:
        self._add("excluded_row", (*(getattr(e, f) for f in _EXCLUDED), BUCKET_RANK.get(e.bucket, 9)))

    def cards(self) -> StoredList:
        """The counted cards by 村, 社 (一社 < 二社 < 十社) and 卡号."""
        cols = ", ".join(_LINE)
        return StoredList(self.store, f"SELECT {cols} FROM line ORDER BY village, team_sort, card_no",
                          _line_from_row, "SELECT count(*) FROM line")

    def problems(self) -> StoredList:
        """Open problems first, then by result, village, first date and 卡号."""
        cols = ", ".join((*_PROBLEM, "places"))
        return StoredList(self.store, f"SELECT {cols} FROM problem ORDER BY is_open DESC, rank, village, "
                                      "first_date, card_no, rowid", _problem_from_row, "SELECT count(*) FROM problem")

    def excluded_rows(self) -> StoredList:
        return StoredList(self.store, f"SELECT {', '.join(_EXCLUDED)} FROM excluded_row ORDER BY file, sheet, row, "
                                      "rowid", _excluded_from_row, "SELECT count(*) FROM excluded_row")


def _linkers_stored(cards: StoredList) -> Iterator[LinkerLine]:
    """Consolidation.linkers over the lines in the store: one query, nothing held per card.
    A linker is a name in a village ("每位联系人"): two 党员 called 王明 in two villages are two
    people (a cadre linked in two villages has a line in each); a 村干部 who is also a 党员 and
    links a household in each role is one person, his 类别 both (村干部、党员). Position is the
    first card's."""
    for row in cards.store.query(
            "SELECT linker, kinds, position, village, cards, met, ie, im, de, dm, solved FROM ("
            f"SELECT linker, group_concat(DISTINCT linker_kind) AS kinds, {_KINDS_ORDER} AS kinds_order, position, "
            "village, count(*) AS cards, sum(meets) AS met, sum(interview_expected) AS ie, "
            "sum(interview_met) AS im, sum(diary_expected) AS de, sum(diary_met) AS dm, "
            "sum(solved_this_year) AS solved, min(village || char(1) || team_sort || char(1) || card_no) "
            "FROM line GROUP BY village, linker) "
            "ORDER BY met = cards, village, kinds_order, linker"):
        x = LinkerLine(*row)
        if "," in x.linker_kind:  # in the standard's order: 乡干部、村干部、社干部、党员
            x.linker_kind = "、".join(sorted(set(x.linker_kind.split(",")), key=lambda k: (_KIND_RANK.get(k, 9), k)))
        yield x


_KIND_RANK = {k: i for i, k in enumerate(LINKER_KINDS)}
# a person's 类别 as one number to sort by, each 类别 a bit in the order of its text (乡干部, 党员,
# 村干部, 社干部), so that one 类别 sorts as it always did: ordering the whole line table by 类别 first
# (for group_concat) cost a sort of every card, about 17 MB more at 10,000 books
_KINDS_ORDER = ("sum(DISTINCT CASE linker_kind "
                + " ".join(f"WHEN '{k}' THEN {1 << i}" for i, k in enumerate(sorted(LINKER_KINDS)))
                + f" ELSE {1 << len(LINKER_KINDS)} END)")


def _line_from_row(row: tuple) -> CardLine:
    x = CardLine(*row)
    x.link_date = date.fromordinal(x.link_date)  # type: ignore[arg-type]
    x.converted = None if x.converted is None else bool(x.converted)
    x.requires_solved, x.solved_this_year = bool(x.requires_solved), bool(x.solved_this_year)
    return x


def _problem_from_row(row: tuple) -> ProblemLine:
    *head, places = row
    p = ProblemLine(*head)
    p.is_main = bool(p.is_main)
    p.first_date, p.last_date = date.fromordinal(p.first_date), date.fromordinal(p.last_date)  # type: ignore[arg-type]
    p.places = places.split("\n") if places else []
    return p


def _excluded_from_row(row: tuple) -> ExcludedRow:
    return ExcludedRow(*row)


def team_order(team: str) -> tuple[int, str]:
    """一社 < 二社 < … < 十社 < 十一社 (the order a clerk reads; 6社 and 第六社 with 六社: values.team_number),
    then anything else by name."""
    number = team_number(team) if team else None
    return (10_000 if number is None else number), team


def _year_window(period: Period | None, store: RowStore) -> tuple[date, date]:
    """The year 三个一 asks a solved main problem in: from 1 January to the period's end
    (without a period, the year of the latest diary row)."""
    if period is not None:
        return date(period.end.year, 1, 1), period.end
    (latest,) = store.query(f"SELECT max(date) FROM diary WHERE {counted()}").fetchone()
    if latest is None:
        return date.max, date.min
    last = date.fromordinal(latest)
    return date(last.year, 1, 1), last


def _card_line(row: tuple, period: Period | None) -> CardLine:
    (_, no, village, team, head, household_type, linker, linker_kind, position, link_date, id_number, phone,
     converted, file, row_no) = row[:15]
    return CardLine(
        card_no=no, village=village, team=team, head=head, household_type=household_type, linker=linker,
        linker_kind=linker_kind, position=position or "", link_date=date.fromordinal(link_date),
        id_masked=mask_id(id_number), phone_masked=mask_phone(phone),
        converted=None if converted is None else bool(converted), file=file, row=row_no,
        requires_solved=period is None or period.is_year,
    )


def _villages_left_out(store: RowStore, by_unit: dict[str, UnitTotals],
                       roster: Roster | None) -> tuple[tuple[str, int], ...]:
    """Villages named on cards that were all left out (every row with an error, or every copy in
    conflict), each given a row of zeros in ``by_unit``: the standard's 汇总 has one row per
    village, and a village that sent its book is not to vanish from it (it was only in 来源 and the
    red line on top). With a roster every listed village has its row already (the note still says
    why its zeros), and a 村 not on it is an error, not a unit; a spelling of a village counted
    (下营 / 下营村) is that village."""
    left = dict(store.query(f"SELECT village, count(*) FROM card WHERE NOT ({counted()}) AND village <> '' "
                            "GROUP BY village"))
    if not left:
        return ()
    into = one_village_names(left) if roster is None else {v: roster.village_of(v) for v in left}
    cards: dict[str, int] = defaultdict(int)
    for village, n in left.items():
        name = into.get(village, village)
        if name is None or name in by_unit or any(same_village(name, unit) for unit in by_unit):
            continue
        cards[name] += n
    for name in cards:
        by_unit[name] = UnitTotals(name)
    return tuple(sorted(cards.items()))


def left_out_note(villages: Iterable[tuple[str, int]]) -> str:
    """The line under the 汇总 table for villages whose every card was left out."""
    return "；".join(f"{v}交来的 {n} 张联户卡都没有计入（有错误或重复矛盾，见“未计入”表），该村各项为 0"
                    for v, n in villages) + ("。" if villages else "")


def _unit_list(by_unit: dict[str, UnitTotals], roster: Roster | None) -> list[UnitTotals]:
    """The villages in the roster's order (one with nothing submitted still shows, with
    zeros), then any other by name."""
    if roster is not None:
        for village in roster.villages:
            by_unit.setdefault(village, UnitTotals(village))
    for u in by_unit.values():
        u.loans = fen(u.loans)
    order = list(roster.villages) if roster is not None else []
    rank = {v: i for i, v in enumerate(order)}
    return sorted(by_unit.values(), key=lambda u: (rank.get(u.unit, len(rank)), u.unit))


PROBLEM_RANK = {r: i for i, r in enumerate(OPEN_RESULTS + tuple(x for x in RESULTS if x not in OPEN_RESULTS))}


# --- where every row went ---------------------------------------------------------


def _account(c: Consolidation, books: list[BookResult], store: RowStore, out: _Tables) -> None:
    """Fill ``c.excluded`` (kept in the store) and ``c.accounts`` and set each file's 状态."""
    report = c.report
    report.sort()  # by file first: each file's issues are one slice
    spans: dict[str, tuple[int, int]] = {}
    for i, issue in enumerate(report.issues):
        first, _ = spans.get(issue.file, (i, i))
        spans[issue.file] = (first, i + 1)
    store.index_sheets()
    _rows_not_counted(store)
    sheets: dict[str, list[tuple[int, str, int]]] = defaultdict(list)
    for sid, file, kind, stored in store.query("SELECT id, file, kind, rows FROM sheet ORDER BY id"):
        sheets[file].append((sid, kind, stored))
    for book in books:
        name = book.summary.file
        acc = c.accounts[name] = FileAccount(name, read=book.rows_read)
        at: dict[tuple[str, int], list[Issue]] = defaultdict(list)  # this file's issues by place
        first, end = spans.get(name, (0, 0))
        for issue in report.issues[first:end]:
            if issue.row is not None and issue.sheet:
                at[(issue.sheet, issue.row)].append(issue)
        places = _stored_places(store, sheets.get(name, ()), book.issues)
        for sid, kind, stored in sheets.get(name, ()):
            _, sheet, letters = store.sheet(sid)
            acc.counted += stored  # less each row below: the few not counted are read, not every row
            for row, rejected, excluded, why_outside in store.query(
                    "SELECT row, rejected, excluded, reason FROM not_counted WHERE sheet = ? ORDER BY row, id", (sid,)):
                acc.counted -= 1
                left_out = ROW_ERROR if rejected else excluded
                if left_out:
                    bucket = DUPLICATE if left_out in REPEAT_CODES else EXCLUDED
                    here = at.get((sheet, row), [])
                    why = ([i for i in here if i.code == left_out]
                           or [i for i in here if i.severity == "error"])
                    # a reviewed copy whose slip is in its review only: the visit counts from another copy
                    why += [i for i in here if i.code == "duplicate-diary-review"]
                    reason = ("；".join(dict.fromkeys(_without_place(i) for i in why)) if why
                              else CATALOGUE[left_out].title if left_out in CATALOGUE else "有错误")
                    cells = ("、".join(dict.fromkeys(i.cell for i in why if i.cell))
                             or f"{letters.get('card_no', 'A')}{row}")
                    out.excluded(ExcludedRow(name, sheet, row, cells, bucket, reason))
                    if bucket == DUPLICATE:
                        acc.duplicate += 1
                    else:
                        acc.excluded += 1
                elif why_outside is not None:
                    letter = letters.get("link_date" if kind == CARD_SHEET else "date", "A")
                    out.excluded(ExcludedRow(name, sheet, row, f"{letter}{row}", OUT_OF_PERIOD, why_outside))
                    acc.out_of_period += 1
        # rows that never became records: a clerk's 合计 row, or one the reader set aside
        unparsed: dict[tuple[str, int], list[Issue]] = defaultdict(list)
        for issue in book.issues:
            if (issue.row is None or not issue.sheet or (issue.sheet, issue.row) in places
                    or CATALOGUE[issue.code].scope not in ("cell", "row")):
                continue
            if issue.severity == "error" or issue.code in _TOTALS_CODES:
                unparsed[(issue.sheet, issue.row)].append(issue)
        for (sheet, row), issues in sorted(unparsed.items()):
            if all(i.code in _TOTALS_CODES for i in issues):
                bucket = TOTALS_ROW
                acc.totals_rows += 1
            else:
                bucket = EXCLUDED
                acc.excluded += 1
                issues = [i for i in issues if i.code not in _TOTALS_CODES]
            cells = "、".join(dict.fromkeys(i.cell or "" for i in issues))
            reason = "；".join(dict.fromkeys(_without_place(i) for i in issues))
            out.excluded(ExcludedRow(name, sheet, row, cells, bucket, reason))
        if not acc.balanced:  # never silently: whatever is unexplained is listed as such
            missing = acc.read - acc.accounted
            out.excluded(ExcludedRow(name, "", 0, "", EXCLUDED,
                                          f"另有 {missing} 行未计入，原因见问题清单"))
            acc.excluded += missing
    out.flush()
    c.excluded = out.excluded_rows()
    _statuses(c)


_TOTALS_CODES = frozenset(("totals-row", "sums-row"))  # a clerk's 合计 line, and one with no 合计 typed


def _rows_not_counted(store: RowStore) -> None:
    """The temporary table ``not_counted``: every stored row left out (an error, a duplicate) or
    outside the period, with why, by sheet. Found on the diary's covering index and the few rows
    ``outside`` names, not by reading each sheet's every row (600,000 at 1,000 books)."""
    store.query("CREATE TEMP TABLE IF NOT EXISTS not_counted (sheet INTEGER, row INTEGER, rejected INTEGER, "
                "excluded TEXT, reason TEXT, id INTEGER)")
    store.query("DELETE FROM not_counted")
    for kind, table in ((0, "card"), (1, "diary")):
        store.query(f"INSERT INTO not_counted SELECT t.sheet, t.row, t.rejected, t.excluded, o.reason, t.id "
                    f"FROM {table} t LEFT JOIN outside o ON o.kind = {kind} AND o.id = t.id WHERE t.id IN ("
                    f"SELECT id FROM {table} WHERE rejected <> 0 OR excluded IS NOT NULL "
                    f"UNION SELECT id FROM outside WHERE kind = {kind})")
    store.query("CREATE INDEX IF NOT EXISTS not_counted_sheet ON not_counted (sheet, row)")


def _stored_places(store: RowStore, sheets: Iterable[tuple[int, str, int]], issues: list[Issue]) -> set[tuple[str, int]]:
    """Which of the places these issues name are rows in the store (the others are rows the
    reader set aside, or never made into rows): asked for those places only, not every row."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for i in issues:
        if i.row is not None and i.sheet:
            wanted[i.sheet].add(i.row)
    found: set[tuple[str, int]] = set()
    for sid, kind, _ in sheets:
        _, sheet, _ = store.sheet(sid)
        table = "card" if kind == CARD_SHEET else "diary"
        found.update((sheet, r) for (r,) in store.query_in(
            f"SELECT row FROM {table} WHERE sheet = ? AND row IN ({{}})", (sid,), sorted(wanted.get(sheet, ()))))
    return found


def _without_place(issue: Issue) -> str:
    place = f"{issue.sheet}!{issue.cell}：" if issue.sheet and issue.cell else ""
    return issue.message[len(place):] if place and issue.message.startswith(place) else issue.message


def _statuses(c: Consolidation) -> None:
    """已汇总 · 部分汇总 · 未汇总, with why, on every FileSummary."""
    for s in c.report.files:
        acc = c.accounts.get(s.file)
        own = c.report.issues.of_file(s.file)  # a file's issues at a time: a county's are never all held
        errors = [i for i in own if i.severity == "error"]
        if acc is None or s.kind != "book":
            s.counted = 0
            ours = next((i.message for i in own if i.code in SKIPPED_OUTPUTS), None)
            # the tool's own 问题清单 or 汇总台 among the books: nothing was offered, so nothing is
            # 未汇总 (a clerk read it as a village book left out)
            s.status = "已跳过" if ours is not None and not errors else "未汇总"
            s.why = errors[0].message if errors else ours or "不是登记簿"
            continue
        s.counted = acc.counted
        s.excluded = acc.read - acc.counted
        notes = []
        if acc.duplicate:
            notes.append(f"{acc.duplicate} 行重复（已计一次）")
        if acc.out_of_period:
            notes.append(f"{acc.out_of_period} 行在统计期外")
        if acc.totals_rows:
            notes.append(f"{acc.totals_rows} 个合计行已跳过")
        if not errors and not acc.excluded:
            s.status = "已汇总"
            s.why = "；".join(notes)
            continue
        sheet_errors = [i for i in errors if CATALOGUE[i.code].scope in ("file", "sheet")]
        reasons = []
        if acc.excluded:
            reasons.append(f"{acc.excluded} 行有错误未计入")
        reasons.extend(i.message for i in sheet_errors[:2])
        if not reasons:
            reasons.append(f"{len(errors)} 处错误")
        counted_any = acc.counted + acc.duplicate + acc.out_of_period > 0
        s.status = "部分汇总" if counted_any else "未汇总"
        s.why = "；".join(reasons + notes)
