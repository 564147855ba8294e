"""One book sent twice: a village's or a cadre's corrected book saved beside the one sent before.

The standard's duplicate rules judge each row: a row changed between the two versions is a
conflict on both (every copy left out), a row the newer one dropped is counted from the older.
Each message names only its row; what the clerk must do is about the files, so it is said once,
at the file to move out of the collection folder (``resent-book``, ``resent-book-rows``), naming
the newer file and how that shows (the time saved, else the later visit it holds).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from itertools import combinations
from pathlib import Path

from .issues import Issue, make_issue
from .standard_names import DIARY_SHEET
from .store import RowStore

PLACES_SHOWN = 3  # rows named in a message, at most


def resent_books(store: RowStore, paths: dict[str, Path]) -> list[Issue]:
    """A book sent again after a correction, beside the copy sent before: the rows changed are
    copies that differ (``conflicting-*``, or ``duplicate-*-error`` where the old copy has the
    error the new one fixed), every copy left out, and each message names only its row. Told once
    per file to move out of the collection: of two files sharing such copies and a copy alike, the
    one whose card numbers the other holds all of; the older when both hold the same (by the time
    saved, else the later visit). A pair where neither holds all the other's numbers, or with
    nothing alike, is two people's books, left to the row messages."""
    groups: dict[tuple, set[str]] = defaultdict(set)  # every copy, the ones with an error of their own too
    for no, file in store.query("SELECT t.card_no, s.file FROM card t JOIN sheet s ON s.id = t.sheet "
                                "WHERE t.card_no IN (SELECT card_no FROM card "
                                "WHERE excluded IN ('conflicting-card', 'duplicate-card-error'))"):
        groups[("card", no)].add(file)
    for *key, file in store.query("SELECT t.card_no, t.date, t.form, t.problem, s.file FROM (SELECT DISTINCT "
                                  "card_no, date, form, problem FROM diary WHERE excluded IN "
                                  "('conflicting-diary', 'duplicate-diary-error')) m JOIN diary t ON "
                                  "t.card_no = m.card_no AND t.date = m.date AND t.form = m.form "
                                  "AND t.problem IS m.problem JOIN sheet s ON s.id = t.sheet"):
        groups[("diary", *key)].add(file)
    pairs: dict[tuple[str, str], int] = defaultdict(int)
    for files in groups.values():
        if len(files) <= RESENT_COPIES:  # a number every village gives its first card is no resend
            for pair in combinations(sorted(files), 2):
                pairs[pair] += 1
    issues: list[Issue] = []
    told: set[str] = set()  # a file is told once (three versions: the oldest by the first pair)
    twins = _same_cards(store) | _same_diaries(store)  # books that may be one: a version that dropped rows
    files = {f for pair in [*pairs, *twins] for f in pair}
    if not files:
        return issues
    held, alike = _card_numbers(store, files), _alike_pairs(store, files)
    for (a, b), differ in sorted(pairs.items()):
        held_a, held_b = held[a], held[b]
        if not (held_a <= held_b or held_b <= held_a) or (a, b) not in alike:
            continue
        newer, why = _newer(store, paths, a, b)
        if held_a == held_b:
            out = None if newer is None else (b if newer == a else a)
        else:
            out = a if held_a < held_b else b
        if (a if out is None else out) in told:
            continue
        if out is None:  # the same cards, nothing says which came later
            fix = "留下改正后的那一本，把另一本从收集文件夹移到别处留底。"
            issues.append(make_issue("resent-book", a, value=b, count=differ, detail="两本的卡号相同，看不出哪一本较新",
                                     fix=fix))
            told.add(a)
            continue
        kept = b if out == a else a
        if newer in (None, kept):
            said = f"“{kept}”里有这一本的全部卡号" + (f"，而且较新（{why}）" if newer else "")
            fix = (f"如果“{kept}”是改正后的一份，请把这一本（{out}）从收集文件夹移到别处留底；"
                   f"如果这一本才是对的，就移走“{kept}”。")
        else:  # the file held whole by the other is the newer one: the other holds more than it
            said = f"这一本较新（{why}），它的卡号在“{kept}”里都有，“{kept}”还有别的卡"
            fix = (f"如果这一本是改正后的，请在“{kept}”里照它改正那几处（或重新合并），再把这一本移走；"
                   f"“{kept}”不能整本移走。")
        issues.append(make_issue("resent-book", out, value=kept, count=differ, detail=said, fix=fix))
        told.add(out)
    for a, b in sorted((alike & twins) - pairs.keys()):  # nothing differs: the newer may have dropped rows
        if not held[a] or held[a] != held[b] or a in told or b in told:
            continue
        newer, why = _newer(store, paths, a, b)
        older = a if newer == b else b
        if newer is None or older in told:
            continue
        dropped = _dropped(store, older, newer)
        fixed = [] if dropped else _fixed(store, older, newer)  # the cadre's corrected copy beside the book
        if dropped or fixed:
            places = dropped or fixed
            issues.append(make_issue("resent-book-rows" if dropped else "resent-book-fixed", older, value=newer,
                                     count=len(places), detail=why,
                                     place="、".join(places[:PLACES_SHOWN]) + ("等" if len(places) > PLACES_SHOWN else "")))
            told.add(older)
    return issues


RESENT_COPIES = 4  # versions of one book in one folder, at most, looked at as a resend


def _same_cards(store: RowStore) -> set[tuple[str, str]]:
    """Pairs of files (in name order) whose cards look the same by how many, their numbers' length
    and first and last: the few worth comparing whole (one grouped scan of the cards)."""
    groups: dict[tuple, list[str]] = defaultdict(list)
    for file, *marks in store.query("SELECT s.file, count(DISTINCT t.card_no), total(length(t.card_no)), "
                                    "min(t.card_no), max(t.card_no) FROM card t JOIN sheet s ON s.id = t.sheet "
                                    "WHERE t.card_no IS NOT NULL GROUP BY s.file"):
        groups[tuple(marks)].append(file)
    return {pair for found in groups.values() if 1 < len(found) <= RESENT_COPIES
            for pair in combinations(sorted(found), 2)}


def _same_diaries(store: RowStore) -> set[tuple[str, str]]:
    """Pairs of books of diaries only (a month's submission, its cards in another book) sharing an
    entry counted once: a village re-sending its corrected diary book. The repeats of such books
    only are joined to their copies (by the entry index); none when every book has cards."""
    kinds: dict[str, set[str]] = defaultdict(set)
    sheets: dict[int, str] = {}
    for sid, file, kind, rows in store.query("SELECT id, file, kind, rows FROM sheet"):
        if rows:
            kinds[file].add(kind)
            sheets[sid] = file
    only = {sid: file for sid, file in sheets.items() if kinds[file] == {DIARY_SHEET}}
    if len(set(only.values())) < 2:
        return set()
    found: set[tuple[str, str]] = set()
    for sid, other in store.query(
            "SELECT t.sheet, u.sheet FROM diary t JOIN diary u ON u.card_no = t.card_no AND u.date = t.date "
            "AND u.form = t.form AND u.problem IS t.problem AND u.id <> t.id "
            "WHERE t.excluded = 'duplicate-diary'"):  # one scan; the few repeats joined by the index
        if sid in only and other in only and only[sid] != only[other]:
            found.add(tuple(sorted((only[sid], only[other]))))
    return found


def _alike_pairs(store: RowStore, files: set[str]) -> set[tuple[str, str]]:
    """The pairs of ``files`` (in name order) that share a copy counted once (a card or an entry
    alike in both: one of the two copies a repeat): one book sent twice repeats what was not
    changed; two cadres' cards that only share a number do not. Read by the files' sheets."""
    sheets = {sid: file for sid, file in store.query("SELECT id, file FROM sheet") if file in files}
    found: set[tuple[str, str]] = set()
    for table, key, repeat in (("card", "card_no", "duplicate-card"),
                               ("diary", "card_no, date, form, problem", "duplicate-diary")):
        copies: dict[tuple, dict[str, bool]] = defaultdict(dict)  # key -> file -> its copy a repeat
        for sid, excluded, *k in store.query_in(f"SELECT sheet, excluded, {key} FROM {table} "
                                                "WHERE rejected = 0 AND sheet IN ({})", (), list(sheets)):
            was = copies[tuple(k)]
            was[sheets[sid]] = was.get(sheets[sid], False) or excluded == repeat
        for was in copies.values():
            if 1 < len(was) <= 2 * RESENT_COPIES:
                found.update(pair for pair in combinations(sorted(was), 2) if was[pair[0]] or was[pair[1]])
    return found


def _dropped(store: RowStore, older: str, newer: str) -> list[str]:
    """The places of ``older``'s diary rows (without an error) that ``newer`` has no copy of."""
    return [f"{sheet}!第{row}行" for sheet, row in store.query(
        "SELECT s.name, t.row FROM diary t JOIN sheet s ON s.id = t.sheet WHERE s.file = ? AND t.rejected = 0 "
        "AND NOT EXISTS (SELECT 1 FROM diary u JOIN sheet v ON v.id = u.sheet WHERE v.file = ? "
        "AND u.card_no = t.card_no AND u.date = t.date AND u.form = t.form AND u.problem IS t.problem) "
        "ORDER BY s.name, t.row", (older, newer))]


def _fixed(store: RowStore, older: str, newer: str) -> list[str]:
    """The places of ``older``'s rows with an error of their own where ``newer`` has none at that
    place (its sheet of that name, that row): corrected in the copy, as a cadre corrects the
    marked copy sent back to him. An error's row cannot be matched by its content (its 日期 or 卡号
    may be what is wrong), so by its place, which a correction in the copy keeps."""
    return [f"{sheet}!第{row}行" for table in ("card", "diary") for sheet, row in store.query(
        f"SELECT s.name, t.row FROM {table} t JOIN sheet s ON s.id = t.sheet WHERE s.file = ? AND t.rejected = 1 "
        f"AND NOT EXISTS (SELECT 1 FROM {table} u JOIN sheet v ON v.id = u.sheet WHERE v.file = ? "
        "AND v.name = s.name AND u.row = t.row AND u.rejected = 1) ORDER BY s.name, t.row", (older, newer))]


def _card_numbers(store: RowStore, files: set[str]) -> dict[str, set[str]]:
    """The card numbers each file holds: its cards', or, for a book of diaries only, the ones its
    diary names. Read by the files' sheets, a scan of each table at most."""
    sheets = {sid: file for sid, file in store.query("SELECT id, file FROM sheet") if file in files}
    held: dict[str, set[str]] = {f: set() for f in files}
    for table in ("card", "diary"):
        ids = [sid for sid, f in sheets.items() if not held[f]]  # the diaries: only books without cards
        for sid, no in store.query_in(f"SELECT sheet, card_no FROM {table} WHERE card_no IS NOT NULL "
                                      "AND sheet IN ({})", (), ids):
            held[sheets[sid]].add(no)
    return held


def _newer(store: RowStore, paths: dict[str, Path], a: str, b: str) -> tuple[str | None, str]:
    """Which of two files was made later, and how that shows: the later time it was saved (a
    minute apart at least: a copy by USB or QQ keeps or renews it, never goes back), else the
    later visit it holds; None when neither says."""
    saved = {}
    for f in (a, b):
        try:
            saved[f] = paths[f].stat().st_mtime
        except (KeyError, OSError):
            saved = {}
            break
    if saved and abs(saved[a] - saved[b]) >= SAVED_APART:
        new, old = (a, b) if saved[a] > saved[b] else (b, a)
        return new, f"保存于 {saved_when(saved[new])}，另一本 {saved_when(saved[old])}"
    last = {}
    for f in (a, b):
        (last[f],) = store.query("SELECT max(t.date) FROM diary t JOIN sheet s ON s.id = t.sheet "
                                 "WHERE s.file = ? AND t.rejected = 0", (f,)).fetchone()
    if last[a] and last[b] and last[a] != last[b]:
        new, old = (a, b) if last[a] > last[b] else (b, a)
        return new, f"日记记到 {_day(last[new])}，另一本只到 {_day(last[old])}"
    return None, ""


def _day(value: object) -> str:
    """A date as the store keeps it (its ordinal), as 2010-09-30."""
    return date.fromordinal(value).isoformat() if isinstance(value, int) else str(value)


SAVED_APART = 60  # seconds between two files' save times that say which is newer (a copy keeps or renews it)


def saved_when(stamp: float) -> str:
    """A file's save time as a message shows it: 2026-12-01 02:47."""
    return datetime.fromtimestamp(stamp).strftime("%Y-%m-%d %H:%M")
