"""Validation of many workbooks: every row, then the rules across sheets and files.

``validate(paths)`` returns a ``Validation``: the report (issues and one summary
per file) and the parsed records with, for each, whether it is counted or why
it is left out. Consolidation builds on exactly this result, so ``validate`` and
``consolidate`` can never disagree about a row.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .batch import Progress, run_checks
from .book import BookResult, Record
from .cache import ResultCache, run_cached
from .issues import FileSummary, Issue, Report, make_issue
from .roster import Roster
from .standard import CARD_SHEET, DIARY_SHEET, CardRow, DiaryRow, columns_of

BOOK_SUFFIXES = (".xlsx", ".xlsm")
REFUSED_SUFFIXES = (".xls", ".et", ".ett", ".xlsb", ".ods", ".wps")

CARD_LABELS = {c.name: c.label for c in columns_of(CardRow)}
DIARY_LABELS = {c.name: c.label for c in columns_of(DiaryRow)}


@dataclass(slots=True)
class Validation:
    report: Report
    books: list[BookResult] = field(default_factory=list)

    @property
    def cards(self) -> list[Record]:
        return [r for b in self.books for r in b.cards]

    @property
    def diaries(self) -> list[Record]:
        return [r for b in self.books for r in b.diaries]


def collect(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[Issue]]:
    """Files to read (with the name shown to the clerk) and issues for what cannot be."""
    found: list[tuple[Path, str]] = []
    issues: list[Issue] = []
    for given in paths:
        if not given.exists() and not given.is_symlink():
            issues.append(make_issue("file-not-found", shown_name(str(given)), value=shown_name(str(given))))
        elif given.is_dir():
            _walk(given, found, issues)
        elif given.is_file():
            found.append((given, shown_name(given.name)))
        else:
            issues.append(make_issue("not-a-file", shown_name(str(given)), value=shown_name(str(given))))
    names = [d for _, d in found]
    clashes = {d for d in names if names.count(d) > 1}
    if clashes:
        found = [(p, p.as_posix() if d in clashes else d) for p, d in found]
    seen: set[Path] = set()
    unique = []
    for p, d in found:
        key = p.resolve()
        if key not in seen:  # the same file named twice is read once
            seen.add(key)
            unique.append((p, d))
    return unique, issues


def shown_name(name: str) -> str:
    """A file name fit for every output. Names unzipped from a Chinese Windows zip
    arrive as GBK bytes that are not UTF-8; show them as GBK, never crash on them."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        raw = os.fsencode(name)
        try:
            name = raw.decode("gbk")
        except UnicodeDecodeError:
            name = raw.decode("utf-8", "replace")
    return "".join("\ufffd" if ord(ch) < 32 or ord(ch) == 127 else ch for ch in name)


def _walk(root: Path, found: list[tuple[Path, str]], issues: list[Issue]) -> None:
    real_root = root.resolve()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        dirnames.sort()
        for name in list(dirnames):
            if name.lower().endswith(BOOK_SUFFIXES):
                rel = shown_name((here / name).relative_to(root).as_posix())
                issues.append(make_issue("not-a-file", rel, value=rel))
                dirnames.remove(name)
            elif name.startswith("."):
                dirnames.remove(name)
        for name in sorted(filenames):
            if name.startswith(("~$", ".")):
                continue  # Excel's lock files and hidden files are not submissions
            path = here / name
            rel = shown_name(path.relative_to(root).as_posix())
            lower = name.lower()
            if not lower.endswith(BOOK_SUFFIXES + REFUSED_SUFFIXES):
                continue
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):  # a link to itself, or to nothing
                    issues.append(make_issue("not-a-file", rel, value=rel))
                    continue
                if not target.is_relative_to(real_root):
                    issues.append(make_issue("link-outside", rel, value=rel))
                    continue
            if not path.is_file():
                issues.append(make_issue("not-a-file", rel, value=rel))
                continue
            found.append((path, rel))


def validate(paths: list[Path], roster: Roster | None = None, jobs: int = 1,
             progress: Progress | None = None, files: list[tuple[Path, str]] | None = None,
             collect_issues: list[Issue] | None = None, cache: ResultCache | None = None) -> Validation:
    """Validate every workbook under ``paths`` and the rules across them.

    With a ``cache`` (see cache.py), files unchanged since an earlier run are not read again.
    """
    if files is None:
        files, collect_issues = collect(paths)
    books = run_cached(files, cache, lambda todo: run_checks(todo, roster=roster, jobs=jobs, progress=progress),
                       progress)
    report = Report()
    for issue in collect_issues or []:
        report.issues.append(issue)
        report.files.append(FileSummary(file=issue.file, kind="unreadable"))
    for book in books:
        report.issues.extend(book.issues)
        report.files.append(book.summary)
    report.issues.extend(crosscheck(books))
    finish(report, books)
    return Validation(report=report, books=books)


def finish(report: Report, books: list[BookResult]) -> None:
    """Fill each file's counts from the issues and records, then sort."""
    by_file: dict[str, list[Issue]] = defaultdict(list)
    for issue in report.issues:
        by_file[issue.file].append(issue)
    for book in books:
        s = book.summary
        counted = sum(1 for r in book.cards if not r.excluded) + sum(1 for r in book.diaries if not r.excluded)
        s.counted = counted
        s.excluded = book.rows_read - counted
    for s in report.files:
        own = by_file.get(s.file, [])
        s.errors = sum(1 for i in own if i.severity == "error")
        s.warnings = sum(1 for i in own if i.severity == "warning")
        if s.kind == "unreadable":
            s.status, s.why = "未读取", next((i.message for i in own if i.severity == "error"), "")
        elif s.kind == "totals":
            s.status, s.why = "汇总表", ""
        elif s.errors:
            s.status, s.why = "需改正", f"{s.errors} 处错误"
        else:
            s.status, s.why = "通过", ""
    report.sort()


def _canonical(records: list[Record]) -> list[Record]:
    return sorted(records, key=lambda r: (r.file, r.sheet, r.row))


def _same(a: Record, b: Record) -> bool:
    """Equal in every column both sheets have."""
    shared = a.letters.keys() & b.letters.keys()
    return all(getattr(a.model, f) == getattr(b.model, f) for f in shared)


PLACES_SHOWN = 3  # a row copied 10,000 times must not make 10,000 messages of 10,000 places each


def _places(records: list[Record], but: Record) -> str:
    others = [r.place for r in records if r is not but]
    if len(others) > PLACES_SHOWN:
        return "、".join(others[:PLACES_SHOWN]) + f" 等 {len(others)} 处"
    return "、".join(others)


def crosscheck(books: list[BookResult]) -> list[Issue]:
    """Rules across rows, sheets and files; marks records left out. Order-independent."""
    issues: list[Issue] = []
    cards_by_no: dict[str, list[Record]] = defaultdict(list)
    rejected_by_no: dict[str, list[Record]] = defaultdict(list)
    failed: set[str] = set()
    for book in books:
        failed |= book.failed_card_nos
        for r in book.cards:
            cards_by_no[r.model.card_no].append(r)  # type: ignore[attr-defined]
        for r in book.rejected:
            no = getattr(r.model, "card_no", None)
            if r.sheet_kind == CARD_SHEET and no:
                rejected_by_no[no].append(r)
    counted_card: dict[str, Record] = {}
    for no in sorted(cards_by_no.keys() | rejected_by_no.keys()):
        group = _canonical(cards_by_no.get(no, []))
        if no in failed:  # a copy has an error: no copy can be trusted, every copy is told
            everywhere = _canonical(group + rejected_by_no.get(no, []))
            if len(everywhere) > 1:
                for r in everywhere:
                    if r.excluded != "row-error":
                        r.excluded = "conflicting-card"
                    issues.append(_card_no_issue("conflicting-card", r, no, detail=_places(everywhere, r)))
            continue
        if len(group) == 1:
            counted_card[no] = group[0]
            continue
        if all(_same(group[0], r) for r in group[1:]):
            counted_card[no] = group[0]
            for r in group[1:]:
                r.excluded = "duplicate-card"
                issues.append(_card_no_issue("duplicate-card", r, no, detail=_places(group, r)))
        else:
            for r in group:
                r.excluded = "conflicting-card"
                issues.append(_card_no_issue("conflicting-card", r, no, detail=_places(group, r)))
    issues.extend(_households(list(counted_card.values())))
    issues.extend(_diaries(books, counted_card, cards_by_no, failed))
    issues.extend(_rejected_diaries(books, counted_card, cards_by_no, failed))
    return issues


def _card_no_issue(code: str, r: Record, no: str, **ctx: object) -> Issue:
    """A problem of a card or diary row found through its 卡号, placed at its 卡号 cell."""
    labels = CARD_LABELS if r.sheet_kind == CARD_SHEET else DIARY_LABELS
    return make_issue(code, r.file, sheet=r.sheet, cell=r.cell("card_no"), row=r.row,
                      column=labels["card_no"], value=no, **ctx)


def _households(cards: list[Record]) -> list[Issue]:
    """The same household on two cards is a warning, on each card."""
    issues = []
    keys: dict[tuple, list[Record]] = defaultdict(list)
    for r in cards:
        m: CardRow = r.model  # type: ignore[assignment]
        keys[("name", m.village, m.team, m.head)].append(r)
        if m.id_number:
            keys[("id", m.id_number)].append(r)
    flagged: set[int] = set()
    for key in sorted(keys, key=str):
        group = _canonical(keys[key])
        if len(group) < 2:
            continue
        for r in group:
            if id(r) in flagged:
                continue
            flagged.add(id(r))
            m = r.model
            issues.append(make_issue("duplicate-household", r.file, sheet=r.sheet, cell=r.cell("head"),
                                     row=r.row, column=CARD_LABELS["head"],
                                     value=f"{m.village}{m.team} {m.head}",  # type: ignore[attr-defined]
                                     detail=_places(group, r)))
    return issues


def _against_card(r: Record, card: Record) -> list[Issue]:
    """A diary row's names and date compared with its card."""
    issues = []
    d: DiaryRow = r.model  # type: ignore[assignment]
    c: CardRow = card.model  # type: ignore[assignment]
    for name, expected in (("linker", c.linker), ("head", c.head)):
        typed = getattr(d, name, None)
        if typed and typed != expected:
            issues.append(make_issue("name-mismatch", r.file, sheet=r.sheet, cell=r.cell(name),
                                     row=r.row, column=DIARY_LABELS[name], value=typed,
                                     expected=expected))
    day = getattr(d, "date", None)
    if day is not None and day < c.link_date:
        issues.append(make_issue("before-link-date", r.file, sheet=r.sheet, cell=r.cell("date"),
                                 row=r.row, column=DIARY_LABELS["date"], value=day,
                                 expected=c.link_date.isoformat()))
    return issues


def _rejected_diaries(books: list[BookResult], counted_card: dict[str, Record],
                      cards_by_no: dict[str, list[Record]], failed: set[str]) -> list[Issue]:
    """Diary rows left out for their own errors still hear about their 卡号 and names."""
    issues: list[Issue] = []
    for book in books:
        for r in book.rejected:
            no = getattr(r.model, "card_no", None)
            if r.sheet_kind != DIARY_SHEET or not no:
                continue
            card = counted_card.get(no)
            if card is not None:
                issues.extend(_against_card(r, card))
            elif no not in cards_by_no and no not in failed:
                issues.append(_card_no_issue("unknown-card", r, no))
    return issues


def _diaries(books: list[BookResult], counted_card: dict[str, Record],
             cards_by_no: dict[str, list[Record]], failed: set[str]) -> list[Issue]:
    issues: list[Issue] = []
    entries: dict[tuple, list[Record]] = defaultdict(list)
    for book in books:
        for r in book.diaries:
            d: DiaryRow = r.model  # type: ignore[assignment]
            card = counted_card.get(d.card_no)
            if card is None:
                known = d.card_no in cards_by_no or d.card_no in failed
                r.excluded = "card-excluded" if known else "unknown-card"
                issues.append(_card_no_issue(r.excluded, r, d.card_no))
                continue
            issues.extend(_against_card(r, card))
            entries[(d.card_no, d.date, d.form, d.problem or "")].append(r)
    # only keys seen twice are sorted (str of every key was a string per diary row at the peak)
    for key in sorted((k for k, g in entries.items() if len(g) > 1), key=str):
        group = _canonical(entries[key])
        copies = all(_same(group[0], r) for r in group[1:])  # the first copy is counted
        code = "duplicate-diary" if copies else "conflicting-diary"
        for r in group[1:] if copies else group:
            r.excluded = code
            issues.append(_card_no_issue(code, r, key[0], detail=_places(group, r)))
    return issues
