"""Validation of many workbooks: every row, then the rules across sheets and files.

``validate(paths)`` returns a ``Validation``: the report (issues and one summary
per file) and the run's row store (store.py), where every row read is kept with,
for each, whether it is counted or why it is left out. Consolidation builds on
exactly this result, so ``validate`` and ``consolidate`` can never disagree about
a row. The rules across files are SQL queries that pick out the few rows they
concern (repeated 卡号, repeated households, diary rows without a counted card or
disagreeing with it, repeated entries); those rows are then judged in Python.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import groupby
from pathlib import Path
from typing import NamedTuple

from .batch import Keep, Progress, run_checks
from .book import BookResult, Record
from .cache import ResultCache, run_cached
from .collection import collect, open_elsewhere
from .issues import (
    MOVE_OUT,
    PERSONAL_COLUMNS,
    FileSummary,
    Issue,
    IssueList,
    IssueSlice,
    Report,
    make_issue,
)
from .reader import REVIEW_FIELDS, label_index, match_label, normalise_label
from .resent import resent_books
from .roster import Roster
from .standard import (
    CARD_SHEET,
    DIARY_SHEET,
    NOTE_FIELDS,
    CardRow,
    DiaryRow,
    ReqText,
    Text,
    columns_of,
)
from .store import FIELDS, ROW_ERROR, RowStore
from .values import note_key, one_village_names, phone_key, same_village, team_key, village_and_team

CARD_LABELS = {c.name: c.label for c in columns_of(CardRow)}
DIARY_LABELS = {c.name: c.label for c in columns_of(DiaryRow)}
CARD_REQUIRED = tuple(c.name for c in columns_of(CardRow) if c.required)


@dataclass(slots=True)
class Validation:
    """The report, each file's own result (its rows moved to ``store``), and the store."""

    report: Report
    books: list[BookResult] = field(default_factory=list)
    store: RowStore = field(default_factory=RowStore)
    paths: dict[str, Path] = field(default_factory=dict)  # each file read, by the name shown

    @property
    def cards(self) -> list[Record]:
        """Card rows without an error, with ``excluded`` set by the rules across files."""
        return list(self.store.records(CARD_SHEET, "t.rejected = 0"))

    @property
    def diaries(self) -> list[Record]:
        return list(self.store.records(DIARY_SHEET, "t.rejected = 0"))

    @property
    def rejected(self) -> list[Record]:
        """Rows with an error of their own (excluded ROW_ERROR)."""
        return [*self.store.records(CARD_SHEET, "t.rejected = 1"),
                *self.store.records(DIARY_SHEET, "t.rejected = 1")]


def validate(paths: list[Path], roster: Roster | None = None, jobs: int = 1,
             progress: Progress | None = None, files: list[tuple[Path, str]] | None = None,
             collect_issues: list[Issue] | None = None, cache: ResultCache | None = None,
             unify_villages: bool = True) -> Validation:
    """Validate every workbook under ``paths`` and the rules across them.

    ``unify_villages``: a village written two ways is counted under one spelling (``_village_names``);
    False keeps each row as typed (merge writes the rows out again).

    With a ``cache`` (see cache.py), files unchanged since an earlier run are not read again.
    Each file's rows go into the run's store as soon as the file is read (see store.py).
    """
    if files is None:
        files, collect_issues = collect(paths)
    store = RowStore()
    parts = store.parts_folder() if files else None  # each worker keeps its rows there (every file is read in one)

    def run(todo: list[tuple[Path, str]], keys: list[str | None], keep: Keep) -> list[BookResult]:
        return run_checks(todo, roster=roster, jobs=jobs, progress=progress, keep=keep, cache=cache,
                          keys=keys, parts=parts)

    own = IssueList()  # every book's own issues as it arrives, read again later: past HOLD in a file too

    def keep(index: int, book: BookResult) -> BookResult:
        start = len(own)
        own.extend(book.issues)
        book.issues = IssueSlice(own, start, len(own))  # type: ignore[assignment]
        return store.add_book(book)

    books = run_cached(files, cache, run, progress, keep=keep)
    report = Report()
    for issue in collect_issues or []:
        report.issues.append(issue)
        report.files.append(FileSummary(file=issue.file, kind="unreadable"))
    for book in books:
        report.issues.extend(book.issues)
        report.files.append(book.summary)
    report.issues.extend(open_elsewhere(files))
    report.issues.extend(crosscheck(store, roster, unify_villages=unify_villages,
                                    review_only=review_errors_only(report.issues)))
    paths = {shown: path for path, shown in files}
    report.issues.extend(resent_books(store, paths))
    finish(report, books, store)
    return Validation(report=report, books=books, store=store, paths=paths)


def finish(report: Report, books: list[BookResult], store: RowStore) -> None:
    """Fill each file's counts from the issues and the store, then sort."""
    told = _told_by_file(report)
    kept: dict[str, int] = defaultdict(int)  # the rows stored, less the few left out
    for file, n in store.query("SELECT file, sum(rows) FROM sheet GROUP BY file"):
        kept[file] += n
    for table in ("card", "diary"):
        for file, n in store.query(f"SELECT s.file, o.n FROM (SELECT t.sheet, count(*) AS n FROM {table} t "
                                   f"WHERE NOT ({counted('t')}) GROUP BY t.sheet) o JOIN sheet s ON s.id = o.sheet"):
            kept[file] -= n
    for book in books:
        s = book.summary
        s.counted = kept.get(s.file, 0)
        s.excluded = book.rows_read - s.counted
    for s in report.files:
        own = told.get(s.file) or _Told()
        s.errors, s.warnings = own.errors, own.warnings
        if s.kind == "unreadable":
            s.status, s.why = "未读取", own.first_error
        elif s.kind == "totals":
            s.status, s.why = "汇总表", ""
        elif s.errors and own.fixed_elsewhere:
            # its errors are corrected in a newer book beside it: the clerk moves it out, nobody fixes it
            s.status, s.why = MOVE_OUT, f"{s.errors} 处错误，已在较新的一本里改正"
        elif s.errors:
            s.status, s.why = "需改正", f"{s.errors} 处错误"
        else:
            s.status, s.why = "通过", ""
    report.sort()


@dataclass(slots=True)
class _Told:
    """What ``finish`` needs of one file's issues: counted as they pass, never all held."""

    errors: int = 0
    warnings: int = 0
    first_error: str = ""  # its message
    fixed_elsewhere: bool = False


def _told_by_file(report: Report) -> dict[str, _Told]:
    told: dict[str, _Told] = {}
    for issue in report.issues:
        own = told.get(issue.file)
        if own is None:
            own = told[issue.file] = _Told()
        if issue.severity == "error":
            own.errors += 1
            if not own.first_error:
                own.first_error = issue.message
        elif issue.severity == "warning":
            own.warnings += 1
        if issue.code == FIXED_ELSEWHERE:
            own.fixed_elsewhere = True
    return told


# Columns one copy of an entry may leave blank where another has a value and still be the same
# entry: the review the branch or township adds to its copy (调阅人 · 调阅日期 · 调阅意见) and the
# names a diary repeats for the reader's comfort (联系人 · 户主). The card has no such column: its
# 联系人 and 户主 are the card's own data.
FILLED_LATER: dict[str, tuple[str, ...]] = {
    CARD_SHEET: (), DIARY_SHEET: ("linker", "head", "reviewer", "review_date", "review_opinion")}


# Diary columns whose blank the standard reads as a value: 是否主要问题 "default 否", and the sums
# (办实事 · 担保贷款 · 帮耕帮畜), where a blank adds nothing. A copy typing 0 or 否 there says the same
# as one leaving it blank: no total depends on which is counted.
BLANK_MEANS = {"is_main_problem": False, "deeds": 0, "loans": 0, "plough_help": 0}


# Free text (生产生活情况 · 调阅意见, the card's 主要问题 · 帮扶措施 · 主导产业 · 职务 · 所属支部 · 备注) is
# compared as the notes are: a copy retyped with another width, spacing, line break or closing
# mark (玉米长势良好，缺水 / 玉米长势良好,缺水。) says the same thing.
_FREE_TEXT = {id(Text.__metadata__[0]), id(ReqText.__metadata__[0])}
TEXT_FIELDS = NOTE_FIELDS | {name for model in (CardRow, DiaryRow) for name, info in model.model_fields.items()
                             if any(id(m) in _FREE_TEXT for m in info.metadata)}


SILENT = object()  # what a blank FILLED_LATER cell says against another copy: nothing


def _key(name: str, value: object, later: tuple[str, ...]) -> object:
    """What a cell says, for telling copies apart: SILENT for a blank in a ``later`` column,
    free text as note_key reads it, a blank as the value it stands for (BLANK_MEANS), 服务类别 as
    the set it is ("any of" the six: 实用技术、政策宣传 retyped 政策宣传，实用技术 is the same visit),
    a card's 村 and 社 as the village and team they name (下营 / 下营村, 6社 / 六社: one card, not two),
    its 联系电话 as the number it dials (139-1234-5678 / 13912345678)."""
    if name in later and _blank(value):
        return SILENT
    if name == "phone" and value:
        return phone_key(value)  # type: ignore[arg-type]
    if name == "village" and value:
        return _Village(value)  # type: ignore[arg-type]
    if name == "team" and value:
        return team_key(value)  # type: ignore[arg-type]
    if name in TEXT_FIELDS:
        return note_key(value)  # type: ignore[arg-type]
    if name == "services" and value:
        return frozenset(value)  # type: ignore[arg-type]
    if value is None and name in BLANK_MEANS:
        return BLANK_MEANS[name]
    return value


class _Village(str):
    """A card's 村 against another copy's: the same village by any reading (values.same_village:
    下营 / 下营村 / 下营村委会, 倪家营乡倪家营村 / 倪家营村), not only the same text."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return isinstance(other, str) and same_village(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # type: ignore[assignment]  # compared, never hashed: its equality is looser than text


def _blank(value: object) -> bool:
    """Nothing in the cell, as the store gives it back (None, "", or no 服务类别)."""
    return value is None or value == "" or value == ()


def _filled(r: Record, name: str) -> bool:
    """The row has the column, and something in it."""
    return name in r.letters and not _blank(getattr(r.model, name))


def _disagreeing(copies: list[Record]) -> tuple[Record, Record] | None:
    """Two copies that say different things in a column (the first such column, the first copy
    saying something there and the first saying otherwise), or None when the copies are alike:
    a column a sheet lacks says nothing, nor does a blank in a FILLED_LATER column. Judged a
    column at a time over every copy, so it does not matter which copy comes first (a row
    copied 10,000 times is not 10,000² pairs)."""
    kind = copies[0].sheet_kind
    later = FILLED_LATER[kind]
    for name in FIELDS[kind]:
        said = None
        for r in copies:
            if name not in r.letters:
                continue
            key = _key(name, getattr(r.model, name), later)
            if key is SILENT:
                continue
            if said is None:
                said = (key, r)
            elif said[0] != key:
                if _month_alike(name, said[0], key):
                    if said[0].day == 1:  # the copy giving the day stands for the link
                        said = (key, r)
                    continue
                return said[1], r
    return None


def _month_alike(name: str, a: object, b: object) -> bool:
    """Two 结对日期 of one card that agree: one is the 1st of the other's month, as a month typed
    without its day (2010年3月, values.parse_link_date; Excel stores it as the 1st too) reads. The
    standard counts a link by its month, so 2010年3月 and 2010-3-5 are one card, not a conflict."""
    return (name == "link_date" and isinstance(a, date) and isinstance(b, date)
            and (a.year, a.month) == (b.year, b.month) and 1 in (a.day, b.day))


def _fullest(copies: list[Record]) -> Record:
    """The copy counted among alike ones: first the one saying the most in the other columns (a
    copy on an older form without 是否转化 or 担保贷款 must not hide what the other copy says
    there: alike copies agree wherever both have a column), then the one with the most
    FILLED_LATER cells filled (the branch's reviewed copy over the cadre's own), the first in
    canonical order among equals."""
    later = FILLED_LATER[copies[0].sheet_kind]
    others = [n for n in FIELDS[copies[0].sheet_kind] if n not in later]
    return max(copies, key=lambda r: (sum(_says_more(r, n) for n in others),
                                      sum(_filled(r, n) for n in later), _day_given(r)))  # max keeps the first of equals


def _says_more(r: Record, name: str) -> bool:
    """The row has the column and says something there that a blank would not (a 0 in a sum or
    否 in 是否主要问题 is what the standard reads a blank as)."""
    return _filled(r, name) and BLANK_MEANS.get(name, SILENT) != getattr(r.model, name)


def _day_given(r: Record) -> bool:
    """A card whose 结对日期 gives its day (not the 1st a month typed alone reads as): among
    copies alike but for that (_month_alike), the one counted."""
    link = getattr(r.model, "link_date", None)
    return isinstance(link, date) and link.day != 1


def _differing(a: Record, b: Record, first: bool = False) -> list[str]:
    """The fields, in the standard's order, where ``a`` and ``b`` say different things (``_key``:
    a blank FILLED_LATER cell says nothing), among the columns both sheets have (a book without an
    optional column says nothing against one with it); with ``first``, stop at the first."""
    shared = a.letters.keys() & b.letters.keys()
    later = FILLED_LATER[a.sheet_kind]
    out = []
    for name in FIELDS[a.sheet_kind]:
        if name not in shared:
            continue
        here, there = _key(name, getattr(a.model, name), later), _key(name, getattr(b.model, name), later)
        if here is not SILENT and there is not SILENT and here != there and not _month_alike(name, here, there):
            out.append(name)
            if first:
                break
    return out


PLACES_SHOWN = 3  # a row copied 10,000 times must not make 10,000 messages of 10,000 places each


def _places(records: list[Record], but: Record) -> str:
    others = [r.place for r in records if r is not but]
    if len(others) > PLACES_SHOWN:
        return "、".join(others[:PLACES_SHOWN]) + f" 等 {len(others)} 处"
    return "、".join(others)


DIFFS_SHOWN = 2  # columns named in a conflict's message (a cell note stays short)
VALUE_SHOWN = 20  # characters of a value quoted there


def _diff(r: Record, copies: list[Record], pair: tuple[Record, Record]) -> str:
    """What differs between ``r`` and the first copy (canonical order) that says something else:
    the columns as the standard names them, both values (身份证号 and 联系电话 masked). A copy
    that says nothing against any other (its review left blank) is told what ``pair``, two
    other copies, say differently."""
    other = next((o for o in copies if o is not r and _differing(r, o, first=True)), None)
    if other is not None:
        return _shown(r, "这里", other, "")
    a, b = pair
    return _shown(a, f"{a.place} ", b, "这一份与各份都不矛盾，是另外两份之间：")


def _shown(a: Record, where: str, b: Record, lead: str) -> str:
    """The columns where ``a`` (called ``where``) and ``b`` differ, both values."""
    names = _differing(a, b)
    labels = CARD_LABELS if a.sheet_kind == CARD_SHEET else DIARY_LABELS
    parts = []
    for name in names[:DIFFS_SHOWN]:
        here, there = _says(a, name, labels[name]), _says(b, name, labels[name])
        # alike as shown: two ID numbers or phones differing where the mask hides, or a long text after its start
        spelt = ("（遮住的几位不同）" if labels[name] in PERSONAL_COLUMNS else "（写法不同）") if here == there else ""
        parts.append(f"{labels[name]}：{where}{here}，{b.place} {there}{spelt}")
    more = f"；另有 {len(names) - DIFFS_SHOWN} 列不同" if len(names) > DIFFS_SHOWN else ""
    return "（" + lead + "；".join(parts) + more + "）"


def _says(r: Record, name: str, label: str) -> str:
    """A cell of a stored row, for a message: ``是“李四”``, or that it is blank. A row with an
    error keeps no value for the cells that failed, so a blank there may be a wrong entry."""
    value = getattr(r.model, name)
    if _blank(value):
        return "空着（或填错）" if r.excluded == ROW_ERROR else "空着"
    if isinstance(value, bool):
        text = "是" if value else "否"
    elif isinstance(value, tuple):
        text = "、".join(value)
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, date):
        text = value.isoformat()
    else:
        text = str(value)
    if label in PERSONAL_COLUMNS:
        text = PERSONAL_COLUMNS[label](text)
    if len(text) > VALUE_SHOWN:
        text = text[:VALUE_SHOWN] + "…"
    return f"是“{text}”"


# the codes of copies of one card or one diary entry: identical, differing, alike but with an error
COPY_CODES = {CARD_SHEET: ("duplicate-card", "conflicting-card", "duplicate-card-error"),
              DIARY_SHEET: ("duplicate-diary", "conflicting-diary", "duplicate-diary-error")}


def _copies(copies: list[Record], no: str, marks: list[tuple[str, int]],
            review_only: frozenset[tuple[str, str, int]] = frozenset()) -> list[Issue]:
    """Copies of one card or one diary entry, in canonical order, rows with an error among them.
    Alike (no two ``_disagreeing``: the same in every column, but for a diary's review or names
    left blank in some copies): the fullest is counted (_fullest), the others are repeats. Differing, or any copy with an
    error: no copy can be trusted, every copy is left out and told (so totals never depend on
    which copy is read first, nor on which copy has the error). Copies alike but for where they
    have an error are told so (``duplicate-*-error``: fix it, then they count once); copies that
    differ anywhere else are ``conflicting-*``."""
    duplicate, conflicting, with_error = COPY_CODES[copies[0].sheet_kind]
    pair = _disagreeing(copies)
    alike = pair is None
    kept = None
    slips = [r for r in copies if r.excluded == ROW_ERROR]
    if alike and slips and len(slips) < len(copies) and all((r.file, r.sheet, r.row) in review_only for r in slips):
        # the errors are only in the review a copy carries: the clean copies are the visit
        clean = [r for r in copies if r.excluded != ROW_ERROR]
        issues = _copies(clean, no, marks) if len(clean) > 1 else []
        counted_copy = _fullest(clean)
        return issues + [_card_no_issue("duplicate-diary-review", r, no, detail=_places(copies, r),
                                        expected=counted_copy.place) for r in slips]
    if alike and not any(r.excluded == ROW_ERROR for r in copies):
        kept = _fullest(copies)
        told, code = [r for r in copies if r is not kept], duplicate
    else:
        told, code = copies, with_error if alike else conflicting
    issues = []
    for r in told:
        if r.excluded != ROW_ERROR:  # a row with an error is left out already
            marks.append((code, r.key))
        issues.append(_card_no_issue(code, r, no, detail=_places(copies, r),
                                     diff=_diff(r, copies, pair) if pair is not None else "",
                                     fuller=_fuller(r, kept) if kept is not None else ""))
    return issues


def _fuller(r: Record, kept: Record) -> str:
    """For a repeat whose copy counted has more of the FILLED_LATER columns filled: which copy
    is counted, and the cells this one left blank (or the columns its sheet lacks); or, when
    this one has some the counted copy lacks, that they are not counted."""
    later = FILLED_LATER[r.sheet_kind]
    labels = CARD_LABELS if r.sheet_kind == CARD_SHEET else DIARY_LABELS
    others = [n for n in FIELDS[r.sheet_kind] if n not in later]
    lacks = ([n for n in others if n not in r.letters and _says_more(kept, n)]
             + [n for n in later if _filled(kept, n) and not _filled(r, n)])
    extra = [n for n in later if _filled(r, n) and not _filled(kept, n)]
    unheld = [n for n in others if n not in kept.letters and _says_more(r, n)]  # neither copy has it all
    if r.sheet_kind == CARD_SHEET and r.model.link_date != kept.model.link_date:  # _month_alike
        return (f"（结对日期这里只写到月（{r.sheet}!{r.cell('link_date')}），计入的是 {kept.place} "
                f"写明 {kept.model.link_date.isoformat()} 的那一份）")
    if not lacks and not extra and not unheld:
        return ""

    def cells(names: list[str]) -> str:
        return "、".join(f"{labels[n]}（{r.sheet}!{r.cell(n)}）" for n in names)

    parts = [f"计入的是 {kept.place} 那一份"]
    if lacks:
        blank = [n for n in lacks if n in r.letters]
        absent = [n for n in lacks if n not in r.letters]
        said = ([f"没填{cells(blank)}"] if blank else []) + (
            [f"没有{'、'.join(labels[n] for n in absent)}列"] if absent else [])
        parts.append("这一份只是" + "，".join(said))
    if extra:
        parts.append(f"这一份填了{cells(extra)}，那一份没填，以计入的那一份为准")
    if unheld:
        parts.append(f"这一份的{cells(unheld)}那一份没有这一列，没有计入；要计入，把它填进那一份再汇总")
    return "（" + "；".join(parts) + "）"


MARKS_AT_ONCE = 20_000  # rows left out, kept aside in the store a batch at a time (_diaries)
FIXED_ELSEWHERE = "resent-book-fixed"  # resent.py: this book's errors corrected in a newer one beside it


# SQL over the store (store.py): table aliases t (the row), s (its sheet)
def counted(alias: str = "") -> str:
    """SQL: a row not left out (so far)."""
    a = f"{alias}." if alias else ""
    return f"{a}rejected = 0 AND {a}excluded IS NULL"


def crosscheck(store: RowStore, roster: Roster | None = None, unify_villages: bool = True,
               review_only: frozenset[tuple[str, str, int]] = frozenset()) -> Iterator[Issue]:
    """Rules across rows, sheets and files; marks the rows left out. Order-independent:
    queries find the few rows a rule concerns, which are then judged in canonical order.
    ``review_only``: the diary rows (file, sheet, row) whose errors are all in review columns.
    The issues come as they are found (a county's diary books sent without their cards: 600,000,
    taken into the report's IssueList one by one); the rows are marked once all are taken."""
    store.index()
    yield from _cards(store)
    yield from _village_names(store, roster, unify_villages)
    yield from _households(store)
    yield from _diaries(store, review_only)


def review_errors_only(issues: list[Issue]) -> frozenset[tuple[str, str, int]]:
    """Rows whose every error is in a review column (调阅人 · 调阅日期 · 调阅意见): a copy of a visit
    the branch or township read and reviewed with a slip (调阅日期 三月). No total reads those
    columns, so the visit is counted from a clean copy of it (``_copies``). A message names its
    column as the sheet's header does (调阅时间 too): told by the reader's own label matching."""
    errors: dict[tuple[str, str, int], bool] = {}
    for i in issues:
        if i.severity == "error" and i.row is not None and i.sheet:
            key = (i.file, i.sheet, i.row)
            errors[key] = errors.get(key, True) and _review_column(i.column)
    return frozenset(k for k, only in errors.items() if only)


def _review_column(label: str | None) -> bool:
    return label is not None and match_label(normalise_label(label), label_index(DIARY_SHEET),
                                             DIARY_SHEET) in REVIEW_FIELDS


def _cards(store: RowStore) -> list[Issue]:
    """Cards sharing a 卡号 (with each other or with a card that has an error; a card whose
    卡号 itself is wrong cannot be matched)."""
    groups: dict[str, list[Record]] = defaultdict(list)
    for r in store.records(CARD_SHEET, "t.card_no IN (SELECT card_no FROM card WHERE card_no IS NOT NULL "
                                       "GROUP BY card_no HAVING count(*) > 1)"):
        groups[r.model.card_no].append(r)  # type: ignore[attr-defined]
    issues: list[Issue] = []
    marks: list[tuple[str, int]] = []
    for no in sorted(groups):
        issues.extend(_copies(groups[no], no, marks))
    store.mark(CARD_SHEET, marks)
    return issues


class _Place(NamedTuple):
    """Where a diary row stands: what a row told through its 卡号 alone needs of a Record."""

    file: str
    sheet: str
    letters: dict[str, str]
    row: int
    excluded: str | None
    key: int
    sheet_kind: str = DIARY_SHEET

    def cell(self, name: str) -> str:
        return f"{self.letters.get(name, 'A')}{self.row}"


def _card_no_issue(code: str, r: Record | _Place, no: str, **ctx: object) -> Issue:
    """A problem of a card or diary row found through its 卡号, placed at its 卡号 cell."""
    labels = CARD_LABELS if r.sheet_kind == CARD_SHEET else DIARY_LABELS
    return make_issue(code, r.file, sheet=r.sheet, cell=r.cell("card_no"), row=r.row,
                      column=labels["card_no"], value=no, **ctx)


def _village_names(store: RowStore, roster: Roster | None, unify: bool = True) -> list[Issue]:
    """One village written two ways (下营村 / 下营 / 下营村委会, 倪家营乡倪家营村 / 倪家营村:
    values.same_village) is one row of the 汇总, not two each with part of its figures: its
    counted cards are counted under one spelling, the roster's (Roster.village_of) or, without
    one, the most used (values.one_village_names), and each other spelling is told once, at the
    first card using it. With ``unify`` False the rows keep what was typed (told all the same)."""
    counts = dict(store.query(f"SELECT village, count(*) FROM card WHERE {counted()} AND village <> '' "
                              "GROUP BY village"))
    if roster is None:
        into = one_village_names(counts)
    else:
        into = {v: listed for v in counts if v not in roster.villages
                and (listed := roster.village_of(v)) is not None}
    if not into:
        return []
    spellings = {*into, *(v for v in into.values() if v in counts)}  # 下营村四社 alone: 下营村 typed nowhere
    first: dict[str, int] = {}  # spelling -> the id of the first counted card using it
    for village, rid in store.query_in(f"SELECT t.village, t.id FROM card t JOIN sheet s ON s.id = t.sheet WHERE "
                                       f"{counted('t')} AND t.village IN ({{}}) ORDER BY s.file, s.name, t.row, t.id",
                                       (), sorted(spellings)):
        first.setdefault(village, rid)  # a spelling is asked in one chunk: its first row comes first
    cards = {r.model.village: r for r in store.records(  # type: ignore[attr-defined]
        CARD_SHEET, f"t.id IN ({', '.join(map(str, first.values()))})")}
    issues = []
    for typed, main in sorted(into.items()):
        r = cards[typed]
        _, team = village_and_team(typed)
        if team is not None:  # 下营村四社: the team typed into the 村 cell, said as such
            issues.append(make_issue("village-with-team", r.file, sheet=r.sheet, cell=r.cell("village"), row=r.row,
                                     column=CARD_LABELS["village"], value=typed, expected=main, detail=team))
            continue
        if roster is None:
            n = counts[main]
            detail = f" {cards[main].place}" + (f"等 {n} 张卡" if n > 1 else "")
        else:
            detail = "乡镇名册上"
        issues.append(make_issue("village-name-variant", r.file, sheet=r.sheet, cell=r.cell("village"), row=r.row,
                                 column=CARD_LABELS["village"], value=typed, expected=main, detail=detail))
    if unify:
        store.db.executemany(f"UPDATE card SET village = ? WHERE village = ? AND {counted()}",
                             [(main, typed) for typed, main in into.items()])
    return issues


def _households(store: RowStore) -> list[Issue]:
    """The same household on two cards is a warning, on each card (once: a card whose 身份证号
    and whose 村、社、户主 both repeat is told with the cards sharing its 身份证号). Read one group
    at a time: synthetic or careless books can repeat names thousands of times. A 村 written two
    ways is one already (_village_names); 6社, 第六社 and 六社 are one 社 (team_key, stored with
    each card by its worker, so that only cards sharing a household become records)."""
    issues = []
    flagged: set[int] = set()
    for cols, key, extra in (
            ("{t}id_number", lambda m: m.id_number, "AND id_number IS NOT NULL AND id_number <> ''"),
            ("{t}village, {t}team_key, {t}head", lambda m: (m.village, team_key(m.team), m.head), "")):
        plain, aliased = cols.format(t=""), cols.format(t="t.")
        rows = store.records(CARD_SHEET, f"{counted('t')} AND ({aliased}) IN (SELECT {plain} FROM card WHERE "
                                         f"{counted()} {extra} GROUP BY {plain} HAVING count(*) > 1)",
                             order=f"{aliased}, s.file, s.name, t.row, t.id")
        for _, same in groupby(rows, key=lambda r: key(r.model)):  # type: ignore[misc]
            group = list(same)
            for r in group:
                if r.key in flagged:
                    continue
                flagged.add(r.key)
                m = r.model
                household = f"{m.village}{m.team} {m.head}"  # type: ignore[attr-defined]
                if extra:  # by its 身份证号: told at that cell, with whose card carries it too, as the
                    # heads may differ (a number copied from the row above) and nothing else would say why
                    others = [o for o in group if o is not r]
                    shown = [f"{o.place}（{o.model.head}）" for o in others[:PLACES_SHOWN]]  # type: ignore[attr-defined]
                    issues.append(make_issue(
                        "duplicate-household", r.file, sheet=r.sheet, cell=r.cell("id_number"), row=r.row,
                        column=CARD_LABELS["id_number"], value=m.id_number, household=household,  # type: ignore[attr-defined]
                        detail="、".join(shown) + (f" 等 {len(others)} 处" if len(others) > PLACES_SHOWN else ""),
                        why=f"：两张卡的身份证号都是“{PERSONAL_COLUMNS[CARD_LABELS['id_number']](m.id_number)}”",  # type: ignore[attr-defined]
                        fix="不是同一户的，核对身份证号是否抄错；是同一户的，"))
                    continue
                issues.append(make_issue("duplicate-household", r.file, sheet=r.sheet, cell=r.cell("head"),
                                         row=r.row, column=CARD_LABELS["head"], value=household,
                                         household=household, detail=_places(group, r)))
    return issues


def _against_card(r: Record, linker: str, head: str, link_date: date) -> list[Issue]:
    """A diary row's names and date compared with its card's."""
    issues = []
    d: DiaryRow = r.model  # type: ignore[assignment]
    for name, expected in (("linker", linker), ("head", head)):
        typed = getattr(d, name, None)
        if typed and typed != expected:
            issues.append(make_issue("name-mismatch", r.file, sheet=r.sheet, cell=r.cell(name),
                                     row=r.row, column=DIARY_LABELS[name], value=typed,
                                     expected=expected))
    day = getattr(d, "date", None)
    if day is not None and day < link_date:
        issues.append(make_issue("before-link-date", r.file, sheet=r.sheet, cell=r.cell("date"),
                                 row=r.row, column=DIARY_LABELS["date"], value=day,
                                 expected=link_date.isoformat()))
    return issues


def _diaries(store: RowStore, review_only: frozenset[tuple[str, str, int]] = frozenset()) -> Iterator[Issue]:
    """Each diary row against its card, then copies of one entry."""
    # one pass over the diary rows, against a compact table of the counted cards, picks out the
    # rows whose card is not counted and those whose names or date disagree with it
    store.query("DROP TABLE IF EXISTS temp.counted_card")
    store.query("CREATE TEMP TABLE counted_card (no TEXT PRIMARY KEY, linker, head, link_date) WITHOUT ROWID")
    store.query(f"INSERT OR IGNORE INTO counted_card SELECT card_no, linker, head, link_date FROM card WHERE {counted()}")
    store.query("DROP TABLE IF EXISTS temp.picked")
    store.query("CREATE TEMP TABLE picked (id INTEGER PRIMARY KEY, missing INTEGER)")
    store.query("INSERT INTO picked SELECT t.id, c.no IS NULL FROM diary t LEFT JOIN counted_card c ON c.no = t.card_no "
                "WHERE t.card_no IS NOT NULL AND (c.no IS NULL OR (t.linker <> '' AND t.linker <> c.linker) "
                "OR (t.head <> '' AND t.head <> c.head) OR t.date < c.link_date)")
    # rows whose card is not counted: left out (or, with an error already, only told)
    known = {no for (no,) in store.query(  # picked first: a few rows, each found by its id
        "SELECT DISTINCT t.card_no FROM picked p CROSS JOIN diary t ON t.id = p.id WHERE p.missing "
        "AND EXISTS (SELECT 1 FROM card c WHERE c.card_no = t.card_no)")}
    marks: list[tuple[str, int]] = []
    unread: dict[str, str] | None = None  # file -> its 联户卡 sheet that could not be read
    zeros: dict[str, str] | None = None  # card numbers of digits only, without their leading 0s
    near: dict[str, list[str]] | None = None  # card numbers by _near_keys
    # the rows whose card is not counted need only where they are and their 卡号: read as such,
    # not made into models (a month's diary books sent without their cards are all such rows:
    # 600,000 at 1,000 books, a model each cost 20 µs)
    places: dict[int, tuple[str, str, dict[str, str]]] = {}
    for rid, sid, row, rejected, excluded, no in store.query(
            "SELECT t.id, t.sheet, t.row, t.rejected, t.excluded, t.card_no FROM picked p CROSS JOIN diary t "
            "ON t.id = p.id JOIN sheet s ON s.id = t.sheet WHERE p.missing ORDER BY s.file, s.name, t.row, t.id"):
        place = places.get(sid)
        if place is None:
            place = places[sid] = store.sheet(sid)
        r = _Place(*place, row, excluded or (ROW_ERROR if rejected else None), rid)
        code, detail = "card-excluded" if no in known else "unknown-card", ""
        if code == "unknown-card":
            if unread is None:
                unread = _unread_card_sheets(store)
            if r.file in unread:  # its card may well be there: say why it cannot be found
                code, detail = "card-sheet-unread", unread[r.file]
            elif _turned_into_date(no):
                detail = DATE_CARD_NO
            elif no.isdigit():
                if zeros is None:
                    zeros = _digit_cards(store)
                same = zeros.get(no.lstrip("0"))
                if same is not None and same != no:
                    detail = ZEROS_CARD_NO.format(card=same)
            if not detail:  # NJY001 or NJY-1 for the card NJY-001: point at it, never count it there
                if near is None:
                    near = _near_cards(store)
                alike = list(dict.fromkeys(c for key in _near_keys(no) for c in near.get(key, [])))
                if len(alike) == 1 and alike[0] != no:
                    detail = NEAR_CARD_NO.format(card=alike[0])
        if r.excluded == ROW_ERROR:  # left out already; only what is news is told
            if code != "card-excluded":
                yield _card_no_issue(code, r, no, detail=detail)
            continue
        marks.append((code, r.key))
        if len(marks) >= MARKS_AT_ONCE:  # kept aside in the store, not as 600,000 tuples
            store.mark_later(DIARY_SHEET, marks)
            marks = []
        yield _card_no_issue(code, r, no, detail=detail)
    odd = list(store.records(DIARY_SHEET, "t.id IN (SELECT id FROM picked WHERE NOT missing)"))
    store.mark_later(DIARY_SHEET, marks)
    store.mark_now(DIARY_SHEET)
    # names and dates that disagree with the card (its 联系人, 户主 and 结对日期 are in counted_card)
    if odd:
        cards = {no: (linker, head, date.fromordinal(day)) for no, linker, head, day in store.query(
            "SELECT no, linker, head, link_date FROM counted_card WHERE no IN (SELECT t.card_no FROM diary t "
            "JOIN picked p ON p.id = t.id AND NOT p.missing)")}
        for r in odd:
            yield from _against_card(r, *cards[r.model.card_no])  # type: ignore[attr-defined]
    # copies of one entry (_copies: identical ones count once; differing ones, or any copy with
    # an error, leave every copy out). Rows with an error take part when their 卡号, 日期 and 形式
    # could be read (a cell that failed is blank in the store: such a row cannot be matched);
    # rows whose card is not counted are left out already. SQL finds the visits to one
    # household on one day in one form (read in order off the diary_entry index, no sort),
    # Python tells them apart by the problem written down
    groups: dict[tuple, list[Record]] = defaultdict(list)
    unsaid: list[Record] = []  # rows of a sheet without 发现问题: they name no problem either way
    for r in store.records(DIARY_SHEET, (
            "t.excluded IS NULL AND t.card_no IN (SELECT no FROM temp.counted_card) "
            "AND (t.card_no, t.date, t.form) IN (SELECT card_no, date, form FROM diary "
            "WHERE excluded IS NULL GROUP BY 1, 2, 3 HAVING count(*) > 1)")):
        d = r.model
        if "problem" not in r.letters:
            unsaid.append(r)
            continue
        groups[(d.card_no, d.date, d.form, note_key(d.problem))].append(r)  # type: ignore[attr-defined]
    _join_unsaid(groups, unsaid)
    marks = []
    for key, group in groups.items():
        if len(group) > 1:
            yield from _copies(group, key[0], marks, review_only)
    store.mark(DIARY_SHEET, marks)



def _join_unsaid(groups: dict[tuple, list[Record]], unsaid: list[Record]) -> None:
    """A visit from a book without the 发现问题 column is a copy of the entry of that household,
    day and form in the other books (the column it lacks says nothing, as every column a sheet
    lacks): counted once with it, not a second visit. When the other books hold several entries
    that day (two problems found), which one it copies cannot be told: it stays its own entry."""
    entries: dict[tuple, list[tuple]] = defaultdict(list)
    for key in groups:
        entries[key[:3]].append(key)
    for r in unsaid:
        d = r.model
        at = entries.get((d.card_no, d.date, d.form), [])  # type: ignore[attr-defined]
        groups[at[0] if len(at) == 1 else (d.card_no, d.date, d.form, None, "unsaid")].append(r)  # type: ignore[attr-defined]


# said when a diary's 卡号 is a date: typed 3-1 (社-户) into a cell that is not text, Excel made it 3月1日
DATE_CARD_NO = "（它是个日期：Excel 会把 3-1 这样的卡号自动改成日期，请把这一列设为文本后重新输入卡号）"


# said when a diary's 卡号 is a card's digits but for leading zeros: 001 typed into a cell that is
# not text is the number 1 (on the diary, or on the card)
ZEROS_CARD_NO = "（联户卡上是“{card}”：Excel 去掉了数字前面的 0，请把卡号列设为文本后重新输入）"


# said when a diary's 卡号 differs from one card's only in its separators or a number's leading 0s
NEAR_CARD_NO = "（联户卡上有“{card}”，只差在“-”、“.”之类的符号或数字前的 0；是这一户的话，照联户卡上的卡号改）"
_SEPARATORS = re.compile(r"[^0-9A-Z\u3400-\u9fff]+")
_DIGITS = re.compile(r"\d+")


def _near_keys(no: str) -> set[str]:
    """A card number without its separators and the leading 0s of its numbers, in both orders:
    NJY-001, NJY001, NJY-1 and NJY.001 are all NJY1 (separators first), and XY-2010-02 is
    XY-2010-002's XY20102 (each number's 0s first: separators gone first, 201002 keeps its 0s)."""
    def unpadded(text: str) -> str:
        return _DIGITS.sub(lambda m: m.group().lstrip("0") or "0", text)
    return {unpadded(_SEPARATORS.sub("", no)), _SEPARATORS.sub("", unpadded(no))}


def _near_cards(store: RowStore) -> dict[str, list[str]]:
    """Every card number by its _near_keys (asked once, when a diary row names no card)."""
    out: dict[str, list[str]] = defaultdict(list)
    for (no,) in store.query("SELECT DISTINCT card_no FROM card WHERE card_no <> '' ORDER BY card_no"):
        for key in _near_keys(no):
            out[key].append(no)
    return out


def _digit_cards(store: RowStore) -> dict[str, str]:
    """Card numbers made of digits only, by their digits without leading zeros (asked once, when
    a diary row of digits names no card)."""
    return {no.lstrip("0"): no for (no,) in store.query(
        "SELECT DISTINCT card_no FROM card WHERE card_no <> '' AND card_no NOT GLOB '*[^0-9]*' ORDER BY card_no")}


def _turned_into_date(no: str) -> bool:
    """``2010-03-01``: how a 卡号 cell reads when Excel took the number typed there for a date."""
    if len(no) != 10 or no[4] != "-" or no[7] != "-":
        return False
    try:
        date.fromisoformat(no)
    except ValueError:
        return False
    return True


def _unread_card_sheets(store: RowStore) -> dict[str, str]:
    """Files whose 联户卡 sheet could not be read -> that sheet's name. reader.py stops at a
    sheet without a header or without a required column (its own error says which), and
    stores no row of it: its letters lack a required column."""
    out: dict[str, str] = {}
    for file, name, letters in store.query("SELECT file, name, letters FROM sheet WHERE kind = ? AND rows = 0 "
                                           "ORDER BY file, name", (CARD_SHEET,)):
        found = json.loads(letters)
        if any(n not in found for n in CARD_REQUIRED):
            out.setdefault(file, name)
    return out
