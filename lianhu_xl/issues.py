"""Problems found in workbooks are data: an Issue per problem, collected in a Report."""

from __future__ import annotations

import json
import marshal
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, MutableSequence, Sequence
from dataclasses import asdict, dataclass, field
from sys import intern
from typing import Any

from .catalogue import CATALOGUE, SEVERITY_ZH, render
from .values import mask_id, mask_phone, printable

# columns whose values never leave the cadre's own book unmasked
PERSONAL_COLUMNS = {"身份证号": mask_id, "联系电话": mask_phone}


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem, placed where a clerk can find it (``联户日记!F17``)."""

    code: str
    severity: str
    file: str
    sheet: str | None
    cell: str | None
    column: str | None
    value: str | None
    # the message without its place: one string shared by every issue that says the same (a
    # county's diary books sent without their cards make 600 issues a book, one per row, a
    # dozen per card), the place put in front when the message is read
    body: str
    row: int | None = None
    technical: str | None = None  # for whoever looks after the tool (a fault of ours), never in a message

    @property
    def where(self) -> str:
        return _place(self.sheet, self.cell)

    @property
    def message(self) -> str:
        """What the clerk reads, place first: ``联户日记!F17：…``."""
        place = _place(self.sheet, self.cell)
        return f"{printable(place)}：{self.body}" if place else self.body

    def to_dict(self) -> dict[str, Any]:
        data = {"code": self.code, "severity": self.severity, "file": self.file, "sheet": self.sheet,
                "cell": self.cell, "column": self.column, "value": self.value, "message": self.message,
                "row": self.row}
        if self.technical is not None:  # only a fault of the tool's own has it: --json says it there
            data["technical"] = self.technical
        return data

    def sort_key(self) -> tuple:
        return (self.file, self.sheet or "", self.row or 0, self.cell or "", self.code)


def make_issue(
    code: str,
    file: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    technical: str | None = None,
    **fields: object,
) -> Issue:
    """Build an Issue whose message is rendered from the catalogue, place first."""
    shown = _shown(value)
    if column in PERSONAL_COLUMNS and shown:
        shown = PERSONAL_COLUMNS[column](shown)
    if shown:
        shown = intern(printable(shown))
    body = intern(printable(render(code, column=column, value=shown, sheet=sheet, row=row, **fields)))
    return Issue(
        code=code,
        severity=CATALOGUE[code].severity,
        file=file,
        sheet=sheet,
        cell=cell,
        column=column,
        value=shown,
        body=body,
        row=row,
        technical=technical,
    )


def _place(sheet: str | None, cell: str | None) -> str:
    """``联户日记!F17``, or the sheet alone, or nothing for a problem of the whole file."""
    return f"{sheet}!{cell}" if sheet and cell else (sheet or "")


def runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Rising numbers as runs of consecutive ones, (first, last): for saying rows ``12–40、45``
    or months ``1–3、5月`` (reader, consolidate)."""
    out: list[list[int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return [(first, last) for first, last in out]


def spans(numbers: Iterable[int]) -> str:
    """Rising numbers said as their runs: ``12–40、45`` (rows a notice names)."""
    return "、".join(str(first) if first == last else f"{first}–{last}" for first, last in runs(numbers))


def _shown(value: object) -> str | None:
    """The value as the person typed it, as text (whole floats without '.0')."""
    if value is None or value == "":
        return None if value is None else ""
    if value is True or value is False:  # a TRUE/FALSE cell, as Excel and WPS show it (not Python's True)
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        # 1E+300 as Excel shows it, not 301 digits; an 18-digit ID typed as a number keeps its digits
        return str(int(value)) if abs(value) < 1e20 else f"{value:G}"
    if hasattr(value, "isoformat"):
        if not hasattr(value, "year"):  # a time of day (9:30 typed into 日期): time.isoformat has no sep
            return value.isoformat("seconds" if value.second else "minutes")  # type: ignore[attr-defined]
        return value.isoformat()[:10] if not getattr(value, "hour", 0) else value.isoformat(" ")
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


MOVE_OUT = "应移走"  # a FileSummary's status: its errors are corrected in a newer book beside it (resent.py)


@dataclass(slots=True)
class FileSummary:
    """What happened to one file offered: rows read and how each was accounted for."""

    file: str
    sha256: str = ""
    template_version: str = ""
    kind: str = "book"  # book | totals | unreadable
    card_rows: int = 0
    diary_rows: int = 0
    counted: int = 0
    excluded: int = 0
    errors: int = 0
    warnings: int = 0
    status: str = ""
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


HOLD = 50_000  # issues an IssueList keeps as objects (about 17 MB); past this they go to a file


class IssueList(MutableSequence):
    """A run's issues: a plain list while they are few, then rows of a temporary SQLite file.

    A county's diary books sent without their cards make 600 issues a book: 1,000 books kept
    as objects took 250 MB of the run's 327, and 10,000 would take 2.5 GB, where the run's
    memory must stay flat as books are added. Past ``HOLD`` issues every issue moves into the
    file (SQLite's own temporary database, removed when the list goes), and each is made an
    Issue again only while it is read. It behaves as a list in every way the code uses one:
    ``append``/``extend``/``insert``, iteration, ``len``, indexes and slices, ``sort`` by
    ``Issue.sort_key`` (done by SQLite there), and ``of_file`` for one file's issues in order.
    """

    def __init__(self, items: Iterable[Issue] = ()) -> None:
        self._items: list[Issue] | None = []  # None once the issues are in the file
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple] = []  # rows not inserted yet
        self._count = 0  # rows inserted
        self._by_file: dict[str, list[Issue]] | None = None  # of_file's index, while in memory
        self._indexed = False  # of_file's index, in the file
        self.extend(items)

    def __reduce__(self) -> tuple:
        return (IssueList, (list(self),))

    # -- the list in memory, until HOLD ------------------------------------------------------
    def __len__(self) -> int:
        return len(self._items) if self._items is not None else self._count + len(self._pending)

    def __iter__(self) -> Iterator[Issue]:
        if self._items is not None:
            return iter(self._items)
        return self._select("", ())

    def __getitem__(self, index):  # type: ignore[override]
        if self._items is not None:
            return self._items[index]
        if isinstance(index, slice):
            start, stop, step = index.indices(len(self))
            if step != 1:
                return list(self)[index]
            return list(self._select(" WHERE id > ? AND id <= ?", (start, max(start, stop))))
        return next(self._select(" WHERE id = ?", (self._position(index) + 1,)))

    def __setitem__(self, index, value) -> None:  # type: ignore[override]
        if self._items is not None:
            self._items[index] = value
            self._by_file = None
        elif isinstance(index, slice):
            items = list(self)
            items[index] = value
            self._reset(items)
        else:
            self._flush()
            self._db.execute(f"UPDATE issue SET ({_COLUMNS}) = ({_VALUES}) WHERE id = ?",  # type: ignore[union-attr]
                             (*_row(value), self._position(index) + 1))

    def __delitem__(self, index) -> None:  # type: ignore[override]
        if self._items is not None:
            del self._items[index]
            self._by_file = None
        elif isinstance(index, slice):
            items = list(self)
            del items[index]
            self._reset(items)
        else:
            self._renumber(self._position(index), None, skip=True)

    def insert(self, index: int, value: Issue) -> None:
        if self._items is not None:
            self._items.insert(index, value)
            self._by_file = None
            return
        n = len(self)
        position = max(0, index + n if index < 0 else index)
        if position >= n:
            self.append(value)
        else:  # rare (consolidate puts one issue first): the table written again, by SQLite
            self._renumber(position, value)

    def append(self, value: Issue) -> None:
        if self._items is not None:
            self._items.append(value)
            self._by_file = None
            if len(self._items) > HOLD:
                self._spill()
            return
        self._pending.append(_row(value))
        if len(self._pending) >= _BATCH:
            self._flush()

    def extend(self, values: Iterable[Issue]) -> None:
        values = iter(values)  # taken on where the list moved into the file
        if self._items is not None:
            for value in values:  # a generator of 600,000 issues is taken as it comes
                self.append(value)
                if self._items is None:
                    break
            else:
                return
        pending = self._pending
        for value in values:
            pending.append(_row(value))
            if len(pending) >= _BATCH:
                self._flush()

    def sort(self, key: Callable[[Issue], Any] | None = None, reverse: bool = False) -> None:
        """Only by ``Issue.sort_key`` once in the file (what Report.sort asks)."""
        if self._items is not None:
            self._items.sort(key=key, reverse=reverse)  # type: ignore[arg-type]
            self._by_file = None
            return
        if key is not Issue.sort_key or reverse:
            raise ValueError("an IssueList kept in a file sorts only by Issue.sort_key")
        self._flush()
        db = self._db
        assert db is not None
        db.execute(f"CREATE TABLE sorted {_TABLE}")
        db.execute(f"INSERT INTO sorted ({_COLUMNS}) SELECT {_COLUMNS} FROM issue ORDER BY f, s, r, c, k, id")
        db.execute("DROP TABLE issue")
        db.execute("ALTER TABLE sorted RENAME TO issue")
        self._indexed = False

    def of_file(self, file: str) -> list[Issue]:
        """One file's issues, in the list's order."""
        if self._items is not None:
            if self._by_file is None:
                by_file: dict[str, list[Issue]] = {}
                for issue in self._items:
                    by_file.setdefault(issue.file, []).append(issue)
                self._by_file = by_file
            return list(self._by_file.get(file, ()))
        self._flush()
        if not self._indexed:
            self._db.execute("CREATE INDEX IF NOT EXISTS issue_file ON issue (f, id)")  # type: ignore[union-attr]
            self._indexed = True
        return list(self._select(" WHERE f = ?", (_sortable(file),)))

    def severities(self) -> Counter:
        """How many issues of each severity (in the file: counted by SQLite, none made again)."""
        if self._items is not None:
            return Counter(i.severity for i in self._items)
        self._flush()
        return Counter(dict(self._db.execute("SELECT v, count(*) FROM issue GROUP BY v")))  # type: ignore[union-attr]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (IssueList, list, tuple)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IssueList({list(self)!r})" if self._items is not None else f"IssueList(<{len(self)} issues in a file>)"

    # -- the file ---------------------------------------------------------------------------
    def _spill(self) -> None:
        items, self._items, self._by_file = self._items or [], None, None
        self._db = sqlite3.connect("", check_same_thread=False)  # SQLite's temporary database: on disk once past its cache, gone on close
        for pragma in ("journal_mode=OFF", "synchronous=OFF", "locking_mode=EXCLUSIVE", "page_size=16384",
                       "cache_size=-4096"):  # private and thrown away: no journal; 4 MB of pages in memory
            self._db.execute(f"PRAGMA {pragma}")
        self._db.execute(f"CREATE TABLE issue {_TABLE}")
        self._indexed = False
        self._count = 0
        for start in range(0, len(items), _BATCH):  # a batch at a time: never every issue twice over
            self._pending.extend(map(_row, items[start:start + _BATCH]))
            self._flush()

    def _flush(self) -> None:
        if self._pending and self._db is not None:
            self._db.executemany(f"INSERT INTO issue ({_COLUMNS}) VALUES ({_VALUES})", self._pending)
            self._count += len(self._pending)
            self._pending.clear()  # the same list: extend holds it

    def _select(self, where: str, params: tuple) -> Iterator[Issue]:
        self._flush()
        cursor = self._db.execute(f"SELECT d FROM issue{where} ORDER BY id", params)  # type: ignore[union-attr]
        loads, make = marshal.loads, Issue
        for (data,) in cursor:
            yield make(*loads(data))

    def _position(self, index: int) -> int:
        n = len(self)
        position = index + n if index < 0 else index
        if not 0 <= position < n:
            raise IndexError("issue index out of range")
        return position

    def _renumber(self, position: int, value: Issue | None, skip: bool = False) -> None:
        """The table again with ``value`` put before the issue at ``position`` (0-based), or with
        that issue left out (``skip``): its ids stay 1, 2, 3, … in the list's order."""
        self._flush()
        db = self._db
        assert db is not None
        db.execute(f"CREATE TABLE moved {_TABLE}")
        db.execute(f"INSERT INTO moved ({_COLUMNS}) SELECT {_COLUMNS} FROM issue WHERE id <= ? ORDER BY id",
                   (position,))
        if value is not None:
            db.execute(f"INSERT INTO moved ({_COLUMNS}) VALUES ({_VALUES})", _row(value))
        db.execute(f"INSERT INTO moved ({_COLUMNS}) SELECT {_COLUMNS} FROM issue WHERE id > ? ORDER BY id",
                   (position + 1 if skip else position,))
        db.execute("DROP TABLE issue")
        db.execute("ALTER TABLE moved RENAME TO issue")
        self._count += (value is not None) - skip
        self._indexed = False

    def _reset(self, items: list[Issue]) -> None:
        """Start again from ``items`` (in memory, moving to the file past HOLD again)."""
        if self._db is not None:
            self._db.close()
        self._items, self._db, self._pending, self._count, self._by_file = [], None, [], 0, None
        self.extend(items)


class IssueSlice(Sequence):
    """Issues ``start:end`` of an IssueList that only grows: a book's own issues, kept with the
    run's others (in the file past HOLD) instead of in the book, and read again when asked."""

    def __init__(self, issues: IssueList, start: int, end: int) -> None:
        self._issues, self._start, self._end = issues, start, end

    def __len__(self) -> int:
        return self._end - self._start

    def __iter__(self) -> Iterator[Issue]:
        return iter(self._issues[self._start:self._end])

    def __getitem__(self, index):  # type: ignore[override]
        return self._issues[self._start:self._end][index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence) and not isinstance(other, str):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"IssueSlice({list(self)!r})"

    def __reduce__(self) -> tuple:
        return (list, (list(self),))


_BATCH = 5_000  # rows inserted at once
# the file's table: the sort key's parts (file, sheet, row, cell, code), the severity, the issue
_TABLE = "(id INTEGER PRIMARY KEY, f BLOB, s BLOB, r INTEGER, c BLOB, k BLOB, v TEXT, d BLOB)"
_COLUMNS = "f, s, r, c, k, v, d"
_VALUES = "?, ?, ?, ?, ?, ?, ?"


def _sortable(text: str | None) -> bytes:
    """Text as bytes that SQLite orders as Python orders the text (code points; a file name's
    undecodable bytes, kept by Python as lone surrogates, too). Files, sheets, codes and cells
    repeat: each is encoded once (a bounded memo)."""
    data = _SORTABLE.get(text)
    if data is None:
        if len(_SORTABLE) >= 100_000:
            _SORTABLE.clear()
        data = _SORTABLE[text] = (text or "").encode("utf-8", "surrogatepass")
    return data


_SORTABLE: dict[str | None, bytes] = {}


def _row(issue: Issue) -> tuple:
    return (_sortable(issue.file), _sortable(issue.sheet), issue.row or 0, _sortable(issue.cell), _sortable(issue.code),
            issue.severity, marshal.dumps((issue.code, issue.severity, issue.file, issue.sheet, issue.cell, issue.column, issue.value,
                           issue.body, issue.row, issue.technical)))


@dataclass(slots=True)
class Report:
    """Every issue of a run, plus one summary per file."""

    issues: IssueList = field(default_factory=IssueList)
    files: list[FileSummary] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not isinstance(self.issues, IssueList):
            self.issues = IssueList(self.issues)

    @property
    def errors(self) -> list[Issue]:
        """Every error as a list: for a few (a roll-up's); ``counts`` says how many."""
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not self.counts()["error"]

    def counts(self) -> Counter:
        return self.issues.severities()

    def sort(self) -> None:
        self.issues.sort(key=Issue.sort_key)
        self.files.sort(key=lambda f: f.file)

    def to_dict(self, issues: bool = True) -> dict[str, Any]:
        """The report as JSON data; without ``issues`` for ``json_text`` to write them as it goes."""
        c = self.counts()
        data: dict[str, Any] = {
            "valid": self.valid,
            "stats": {
                "files": len(self.files),
                "errors": c["error"],
                "warnings": c["warning"],
                "notices": c["notice"],
            },
            "files": [f.to_dict() for f in self.files],
        }
        if issues:
            data["issues"] = [i.to_dict() for i in self.issues]
        return data


def json_text(head: dict[str, Any], **lists: Iterable[dict[str, Any]]) -> Iterator[str]:
    """``json.dumps({**head, **lists}, indent=1)``, made piece by piece as it is written, an item
    of each list a line (``--json``): a county's 600,000 issues made into dicts, then one string,
    took 3.5 KB each (2 GB). The lists come last, in the order given."""
    text = json.dumps(head, ensure_ascii=False, indent=1)
    yield text[:-2] if head else "{"  # "{\n ...\n}" without its closing "\n}"
    sep = "," if head else ""
    for key, items in lists.items():
        yield f"{sep}\n {json.dumps(key, ensure_ascii=False)}: ["
        first = True
        for item in items:
            yield ("\n  " if first else ",\n  ") + json.dumps(item, ensure_ascii=False)
            first = False
        yield "]" if first else "\n ]"
        sep = ","
    yield "\n}"


def severity_zh(severity: str) -> str:
    return SEVERITY_ZH.get(severity, severity)
