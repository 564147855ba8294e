"""The period a consolidation covers: a year, a month, a quarter or from–to dates.

Clerks say "2010年", "2010年9月", "第三季度"; on the command line they type
``2010``, ``2010-09``, ``2010Q3`` or ``2010-01-01..2010-06-30``. ``parse_period``
accepts those (and the Chinese forms) and gives the first and last day plus the
label printed in the totals workbook's title.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .values import fold

QUARTER_ZH = ("第一季度", "第二季度", "第三季度", "第四季度")
HELP = ("写成 2010（全年）、2010-09（9月）、2010Q3（第三季度）"
        "或 2010-01-01..2010-06-30（起止日期）")

Month = tuple[int, int]  # (year, month)


@dataclass(frozen=True, slots=True)
class Period:
    """First and last day (both included) and the label a clerk reads."""

    start: date
    end: date
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def first_month(self) -> Month:
        return (self.start.year, self.start.month)

    @property
    def last_month(self) -> Month:
        return (self.end.year, self.end.month)

    @property
    def is_year(self) -> bool:
        """A whole calendar year: the span over which 三个一 asks for a solved main problem."""
        return (self.start == date(self.start.year, 1, 1)
                and self.end == date(self.start.year, 12, 31))

    @property
    def span(self) -> str:
        """``2010-01-01 至 2010-12-31``: written under the title, read back on roll-up."""
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def month_of(day: date) -> Month:
    return (day.year, day.month)


def month_number(m: Month) -> int:
    """A month as one number, year × 12 + month − 1: how the row store keeps and groups months."""
    return m[0] * 12 + m[1] - 1


def month_at(number: int) -> Month:
    return (number // 12, number % 12 + 1)


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last``, both included; empty when first > last."""
    out: list[Month] = []
    y, m = first
    while (y, m) <= last:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def month_label(month: Month) -> str:
    return f"{month[0]}-{month[1]:02d}"


def year_period(year: int) -> Period:
    return Period(date(year, 1, 1), date(year, 12, 31), f"{year}年")


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period(date(year, month, 1), date(year, month, last), f"{year}年{month}月")


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    last_day = calendar.monthrange(year, first + 2)[1]
    return Period(date(year, first, 1), date(year, first + 2, last_day), f"{year}年{QUARTER_ZH[quarter - 1]}")


def range_period(start: date, end: date) -> Period:
    if end < start:
        raise ValueError(f"统计期的结束日期 {end.isoformat()} 早于开始日期 {start.isoformat()}；{HELP}。")
    label = f"{_zh_date(start)}至{_zh_date(end)}"
    return Period(start, end, label)


def _zh_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


_YEAR = re.compile(r"^(\d{4})(?:年度?|年?全年)?$")  # 2010, 2010年, 2010年度 (as official forms say), 2010全年
_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*月?$")
_QUARTER = re.compile(r"^(\d{4})\s*(?:年|-)?\s*(?:(?:Q|第)\s*([1-4一二三四])\s*(?:季度|季)?|([1-4一二三四])\s*(?:季度|季))$",
                      re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})年?([上下])半年$")
_MONTHS = re.compile(r"^(\d{4})年?(\d{1,2})月?(?:-|～|~|至|到)(\d{1,2})月$")  # 2010年1-6月, 2010年1月至6月
_RANGE = re.compile(r"^(.+?)\s*(?:\.\.|～|~|至|到)\s*(.+)$")
_ZH_DIGIT = {"一": 1, "二": 2, "三": 3, "四": 4}
_SANE_YEARS = range(1949, 2101)


def parse_period(text: str) -> Period:
    """``2010``, ``2010-09``, ``2010Q3``, ``2010-01-01..2010-06-30`` (and 2010年9月, 2010年第三季度).

    Raises ValueError with a Chinese message that says what to type instead.
    """
    raw = text
    text = fold(str(text)).replace(" ", "")
    if not text:
        raise ValueError(f"没有给出统计期；{HELP}。")
    try:
        if m := _YEAR.match(text):
            return year_period(_year(m.group(1)))
        if m := _QUARTER.match(text):
            q = m.group(2) or m.group(3)
            return quarter_period(_year(m.group(1)), _ZH_DIGIT.get(q) or int(q))
        if m := _HALF.match(text):
            year = _year(m.group(1))
            return range_period(*((date(year, 1, 1), date(year, 6, 30)) if m.group(2) == "上"
                                  else (date(year, 7, 1), date(year, 12, 31))))
        if m := _MONTHS.match(text):
            year = _year(m.group(1))
            return range_period(_first_day(year, int(m.group(2))), _last_day(year, int(m.group(3))))
        if m := _MONTH.match(text):
            month = int(m.group(2))
            if not 1 <= month <= 12:
                raise ValueError(f"月份 {month} 不存在")
            return month_period(_year(m.group(1)), month)
        if m := _RANGE.match(text):
            return range_period(_day(m.group(1)), _day(m.group(2), end=True))
        for at in (i for i, ch in enumerate(text) if ch == "-"):  # 2010.1.1-2010.6.30, 2010/1/1—2010/6/30
            try:
                start, end = _day(text[:at]), _day(text[at + 1:], end=True)
            except ValueError:
                continue
            return range_period(start, end)
    except ValueError as exc:
        if "统计期" in str(exc):
            raise
        raise ValueError(f"统计期“{raw}”无法识别（{exc}）；{HELP}。") from None
    raise ValueError(f"统计期“{raw}”无法识别；{HELP}。")


def not_begun(period: Period, today: date, how: str) -> str | None:
    """Why a period that starts after ``today`` is refused (a slip: 2099 for 2009, 2027 for 2017),
    or None. Counted, it gives 0 for all but the households, under a title that says the months
    were counted up to a month before the period's start. ``how`` is how to type it (``--period
    2026`` on the command line, ``2026`` in the console's cell)."""
    if period.start <= today:
        return None
    return (f"统计期“{period.label}”从 {period.start.isoformat()} 开始，还没有开始（今天是 "
            f"{today.isoformat()}），日记都在统计期外，汇总出来除户数外都是 0。"
            f"请检查年份，例如写成 {how}。")


def _year(text: str) -> int:
    year = int(text)
    if year not in _SANE_YEARS:
        raise ValueError(f"年份 {year} 不对")
    return year


def _first_day(year: int, month: int) -> date:
    if not 1 <= month <= 12:
        raise ValueError(f"月份 {month} 不存在")
    return date(year, month, 1)


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, _first_day(year, month).month)[1])


def _day(text: str, end: bool = False) -> date:
    """A range's end point: a date, or a month (2010-01) meaning its first day or, at the
    range's end, its last."""
    from .values import parse_date

    try:
        day = parse_date(text)
    except Exception:
        day = None
    if day is None and (m := _MONTH.match(text)):
        year = _year(m.group(1))
        day = _last_day(year, int(m.group(2))) if end else _first_day(year, int(m.group(2)))
    if day is None:
        raise ValueError(f"“{text}”不是日期")
    _year(str(day.year))
    return day
