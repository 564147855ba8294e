"""Every row read, kept on disk instead of as Python objects.

A county consolidates thousands of books at once, a province tens of thousands:
650 rows a book kept as Pydantic objects cost ~1.2 KB each (0.8 GB at 1,000 books,
8 GB at 10,000). Rows go instead, one book at a time as it arrives from its worker,
into a private temporary SQLite database (``sqlite3.connect("")``: a file in the
system's temp folder that SQLite deletes when the connection closes, its page
cache capped at ``CACHE_KB``). The rules across files and the counting run as
queries over it; only the few rows a rule picks out (duplicates, mismatches) are
made into ``Record`` objects again.

A row travels as a plain tuple ``(row number, rejected, value per column)`` in the
standard's column order, dates as day numbers (``date.toordinal``), 是/否 as 1/0,
service lists joined by 、, so that what a worker sends back pickles fast and goes
into the database without a Python object per cell.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import time
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from itertools import islice
from pathlib import Path
from typing import Any

from .period import month_number
from .standard import CARD_SHEET, DIARY_SHEET, MODELS, StandardRow, columns_of
from .values import team_key

CACHE_KB = 16_384  # SQLite's page cache; the rest stays on disk
KINDS = (CARD_SHEET, DIARY_SHEET)
TABLES = {CARD_SHEET: "card", DIARY_SHEET: "diary"}
FIELDS: dict[str, tuple[str, ...]] = {k: tuple(c.name for c in columns_of(MODELS[k])) for k in KINDS}
MANY_SEP = "、"
ROW_ERROR = "row-error"  # why a row with an error of its own is left out (not an issue code)

# columns computed from the fields where the row is read (in a worker): the 社 as one key for 6社,
# 第六社 and 六社 (values.team_key; a SQL function over 50,000 cards cost 0.27 s after the last
# book), the month number that counting groups by
DERIVED: dict[str, tuple[str, ...]] = {CARD_SHEET: ("team_key",), DIARY_SHEET: ("month",)}
Row = tuple  # (row number, rejected 0/1, value per field in FIELDS order, then DERIVED)


def _codecs(kind: str) -> tuple[list[int], list[int], list[int], list[int]]:
    cols = columns_of(MODELS[kind])
    return ([i for i, c in enumerate(cols) if c.kind == "date"],
            [i for i, c in enumerate(cols) if c.kind == "many"],
            [i for i, c in enumerate(cols) if c.kind == "yesno"],
            [i for i, c in enumerate(cols) if c.kind == "whole"])


_CODECS = {k: _codecs(k) for k in KINDS}
_AT = {k: tuple([i + 2 for i in idx] for idx in c) for k, c in _CODECS.items()}  # in an encoded row


def encode(kind: str, row: int, rejected: bool, fields: dict[str, Any]) -> Row:
    """One checked row as the tuple a worker sends and the store keeps."""
    return _ENCODERS[kind](row, rejected, fields)


def row_encoder(kind: str) -> Callable[[int, bool, dict[str, Any]], Row]:
    """``encode`` for one kind, for a loop over a sheet's rows."""
    return _ENCODERS[kind]


def _make_encoder(kind: str) -> Callable[[int, bool, dict[str, Any]], Row]:
    """``encode`` generated with the fields unrolled: one tuple display instead of a list, a
    map and three loops (a third of the cost of a row's checks). The names are the standard's."""
    dates, many, _, _ = _CODECS[kind]
    items = []
    for i, name in enumerate(FIELDS[kind]):
        if not name.isidentifier():
            raise ValueError(f"field names must be identifiers: {name!r}")
        get = f"g({name!r})"
        if i in dates:
            items.append(f"(None if (x{i} := {get}) is None else x{i}.toordinal())")
        elif i in many:
            items.append(f"(_SEP.join(x{i}) if (x{i} := {get}) else None)")
        else:
            items.append(get)
    if kind == DIARY_SHEET:  # the month number that counting groups by
        items.append("(None if (d := g('date')) is None else _month((d.year, d.month)))")
    if kind == CARD_SHEET:
        items.append("_team(g('team'))")
    lines = ["def encode(row, rejected, fields):",
             "    g = fields.get",
             f"    return (row, 1 if rejected else 0, {', '.join(items)})"]
    env: dict[str, Any] = {"_SEP": MANY_SEP, "_month": month_number, "_team": team_key}
    exec(compile("\n".join(lines), f"<encode {TABLES[kind]}>", "exec"), env)  # noqa: S102
    return env["encode"]


_ENCODERS = {k: _make_encoder(k) for k in KINDS}


def decode(kind: str, values: Iterable[Any]) -> dict[str, Any]:
    """The fields of a stored row, as the model holds them (derived columns dropped)."""
    out = list(values)[:len(FIELDS[kind])]
    dates, many, yesno, whole = _CODECS[kind]
    for i in dates:
        if out[i] is not None:
            out[i] = date.fromordinal(out[i])
    for i in many:
        out[i] = tuple(out[i].split(MANY_SEP)) if out[i] else ()
    for i in yesno:
        if out[i] is not None:
            out[i] = bool(out[i])
    for i in whole:
        if out[i] is not None:
            out[i] = int(out[i])
    return dict(zip(FIELDS[kind], out, strict=True))


def _q(name: str) -> str:
    return f'"{name}"'


class RowStore:
    """The rows of one run, by sheet kind; ``add_book`` takes a book, the queries read them.

    The workers of a run share one ``RowStore(path)`` (the *part*: ``PART`` in the run's private
    folder, ``parts_folder``). Each puts a book's rows there as it reads it, in a transaction of
    its own (one writer at a time, a few ms a book), and sends back only which sheets it
    stored, so the run's process never decodes or inserts those rows: with two or more workers
    that work was the run's serial part (about 4 ms a book). Before its first query the run
    takes the part over as its own database when it holds nothing yet (no copy: copying 650,000
    rows cost 0.65 s after the last book, a serial wait), or copies it in.
    """

    def __init__(self, path: str | Path = "") -> None:
        self.path = str(path)
        # a part waits for the other worker's book to be written (a few ms), never fails on it
        self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=PART_WAIT if self.path else 5.0)
        self._db.execute("PRAGMA page_size=16384")  # measured: inserts 3.5 -> 2.2 us a row (default 4096)
        if self.path:  # a worker's part, read by the run once the worker is done. A rollback journal:
            # a worker killed mid-book leaves it hot, and whoever opens the part next (the other
            # worker, or the run) rolls that book back. WAL wrote each page twice (its log, then
            # the checkpoint): 6.9 -> 6.7 s over 300 books with one worker (time.perf_counter, 3 runs)
            self._db.execute("PRAGMA journal_mode=TRUNCATE")
        else:
            self._db.execute("PRAGMA locking_mode=EXCLUSIVE")  # private to this run
            self._db.execute("PRAGMA journal_mode=OFF")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.execute(f"PRAGMA cache_size=-{CACHE_KB}")
        self._db.execute("CREATE TABLE IF NOT EXISTS sheet (id INTEGER PRIMARY KEY, file TEXT, name TEXT, "
                         "kind TEXT, letters TEXT, rows INTEGER)")  # rows: how many it stored
        for kind, table in TABLES.items():
            cols = ", ".join(_q(n) for n in FIELDS[kind] + DERIVED[kind])
            self._db.execute(f"CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, sheet INTEGER, "
                             f"row INTEGER, rejected INTEGER, excluded TEXT, {cols})")
        self._db.commit()
        self._insert = {
            kind: f"INSERT INTO {table} (sheet, row, rejected, {', '.join(_q(n) for n in FIELDS[kind] + DERIVED[kind])}) "
                  f"VALUES (?, ?, ?, {', '.join('?' for _ in FIELDS[kind] + DERIVED[kind])})"
            for kind, table in TABLES.items()}
        self._letters: dict[str, dict[str, str]] = {}  # one per distinct layout
        self._names: dict[str, str] = {}
        self._indexed = False
        self._parts: dict[str, list[int]] = {}  # part file -> the sheets in it that reached the run
        self._folder: Path | None = None
        self._held = [self._db]  # closed before the folder is removed (Windows keeps open files)

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, with every part taken in."""
        if self._parts:
            self._take_parts()
        return self._db

    def add_sheet(self, file: str, name: str, kind: str, letters: dict[str, str], rows: list[Row]) -> int:
        """Keep one sheet's checked rows; returns the sheet's id."""
        cur = self._db.execute("INSERT INTO sheet (file, name, kind, letters, rows) VALUES (?, ?, ?, ?, ?)",
                               (file, name, kind, json.dumps(letters, ensure_ascii=False), len(rows)))
        sid = cur.lastrowid
        self._db.executemany(self._insert[kind], ((sid, *r) for r in rows))
        self._indexed = False
        return sid  # type: ignore[return-value]

    def add_book(self, book: Any) -> Any:
        """Take a BookResult's rows (the result keeps its summary and issues); returns it.

        In a part, the rows are committed and the result says where they are (``book.part``);
        the run's store then takes them from that file instead of from the result.
        """
        if book.part is not None:  # stored by a worker: taken in before the first query
            path, ids = book.part
            self._parts.setdefault(path, []).extend(ids)
            book.part = None
            self._indexed = False
            return book
        if not self.path:
            for b in book.blocks:
                self.add_sheet(book.summary.file, b.sheet, b.kind, b.letters, b.rows)
            book.blocks = []
            return book
        with self._db:  # all of the book or none of it (a failure leaves the rows in the result)
            self._db.execute("BEGIN IMMEDIATE")  # the write lock first: waits its turn, never upgrades
            ids = [self.add_sheet(book.summary.file, b.sheet, b.kind, b.letters, b.rows) for b in book.blocks]
        book.blocks = []
        book.part = (self.path, ids)
        return book

    def parts_folder(self) -> Path:
        """A private folder (owner only) for the workers' parts; deleted with the store, or at
        the latest by the next run (``sweep_parts``) when this process was killed."""
        if self._folder is None:
            sweep_parts()
            self._folder = Path(tempfile.mkdtemp(prefix=f"{PARTS_PREFIX}{os.getpid()}-"))
            RowStore(self._folder / PART)._db.close()  # made here, not raced for by the workers
            weakref.finalize(self, _remove, self._held, self._folder)
        return self._folder

    def _take_parts(self) -> None:
        """Copy the sheets each worker reported into this store (new ids), then delete the parts.
        Only reported sheets: a worker killed after storing a book left that book's rows in
        its part, and the book was read again elsewhere."""
        parts, self._parts = self._parts, {}
        self._db.commit()  # ATTACH needs no open transaction
        for path, ids in parts.items():
            if self._db.execute("SELECT 1 FROM sheet LIMIT 1").fetchone() is None:  # nothing here yet
                self._adopt(path, ids)
                continue
            self._db.execute("ATTACH DATABASE ? AS part", (path,))
            try:
                self._db.execute("DROP TABLE IF EXISTS temp.taken")
                self._db.execute("CREATE TEMP TABLE taken (id INTEGER PRIMARY KEY)")
                self._db.executemany("INSERT INTO temp.taken VALUES (?)", ((i,) for i in ids))
                offset = self._db.execute("SELECT coalesce(max(id), 0) FROM main.sheet").fetchone()[0]
                self._db.execute("INSERT INTO main.sheet SELECT id + ?, file, name, kind, letters, rows "
                                 "FROM part.sheet WHERE id IN temp.taken", (offset,))
                stored = self._db.execute("SELECT count(*) FROM part.sheet").fetchone()[0]
                only = "" if stored == len(set(ids)) else "WHERE sheet IN temp.taken"  # all, but after a kill
                for kind, table in TABLES.items():
                    cols = ", ".join(_q(n) for n in FIELDS[kind] + DERIVED[kind])
                    self._db.execute(f"INSERT INTO main.{table} (sheet, row, rejected, excluded, {cols}) "
                                     f"SELECT sheet + ?, row, rejected, excluded, {cols} FROM part.{table} {only}",
                                     (offset,))
                self._db.execute("DROP TABLE temp.taken")
                self._db.commit()
            finally:
                self._db.execute("DETACH DATABASE part")
            for suffix in ("", "-journal"):
                try:
                    Path(path + suffix).unlink(missing_ok=True)
                except OSError:  # held a moment longer (a virus scanner on Windows): the folder goes at exit
                    pass
        self._indexed = False

    def _adopt(self, path: str, ids: list[int]) -> None:
        """Make the part this run's database: rows stay where the workers wrote them. Sheets a
        worker stored but never reported (it was killed before answering) are dropped first."""
        db = sqlite3.connect(path, check_same_thread=False)
        db.execute("PRAGMA locking_mode=EXCLUSIVE")  # the workers are done: private to this run, as its
        db.execute("PRAGMA synchronous=OFF")  # own database is (no journal: set once the part is read)
        db.execute(f"PRAGMA cache_size=-{CACHE_KB}")
        if db.execute("SELECT count(*) FROM sheet").fetchone()[0] != len(set(ids)):
            db.execute("CREATE TEMP TABLE taken (id INTEGER PRIMARY KEY)")
            db.executemany("INSERT OR IGNORE INTO temp.taken VALUES (?)", ((i,) for i in ids))
            for table in (*TABLES.values(), "sheet"):
                column = "id" if table == "sheet" else "sheet"
                db.execute(f"DELETE FROM {table} WHERE {column} NOT IN temp.taken")
            db.execute("DROP TABLE temp.taken")
            db.commit()
        db.execute("PRAGMA journal_mode=OFF")  # after the first read: a book a killed worker left half-written is rolled back
        self._db.close()
        self._db = db
        self._held.append(db)

    def index(self) -> None:
        """Indexes for the rules across files, built once every book is in (faster than row by row)."""
        db = self.db
        if self._indexed:
            return
        db.execute("CREATE INDEX IF NOT EXISTS card_card_no ON card (card_no)")
        # a diary's card number first (its look-ups), then what makes two rows one entry
        db.execute("CREATE INDEX IF NOT EXISTS diary_entry ON diary (card_no, date, form, rejected, excluded)")
        db.execute("PRAGMA analysis_limit=1000")  # a sample is enough for the planner (all rows: ~0.2 s)
        db.execute("ANALYZE")
        self._indexed = True

    def index_sheets(self) -> None:
        """Indexes for reading a sheet's rows by itself (the 未计入 list, the report's people);
        a plain validation never does, so they are not built for it (≈ 0.15 s at 1,000 books)."""
        self.index()
        for table in TABLES.values():
            self.db.execute(f"CREATE INDEX IF NOT EXISTS {table}_sheet ON {table} (sheet)")

    def sheet(self, sid: int) -> tuple[str, str, dict[str, str]]:
        """(file, sheet name, column letters) of a stored sheet. The letters of sheets laid out
        alike are one shared dict; per sheet only its names are kept."""
        file, name, letters = self.db.execute("SELECT file, name, letters FROM sheet WHERE id = ?",
                                              (sid,)).fetchone()
        shared = self._letters.get(letters)
        if shared is None:
            shared = self._letters[letters] = json.loads(letters)
        names = self._names  # one string per file and sheet name, however many rows and issues name it
        return names.setdefault(file, file), names.setdefault(name, name), shared

    def records(self, kind: str, where: str = "", params: Iterable[Any] = (),
                order: str = "s.file, s.name, t.row, t.id") -> Iterator[Any]:
        """Rows made into ``Record`` objects, in (file, sheet, row) order unless ``order`` says
        otherwise. ``where`` and ``order`` are SQL on the row's table (alias ``t``) and its sheet (``s``)."""
        from .book import Record

        cols = ", ".join(f"t.{_q(n)}" for n in FIELDS[kind])
        sql = (f"SELECT t.id, t.sheet, t.row, t.rejected, t.excluded, {cols} FROM {TABLES[kind]} t "
               f"JOIN sheet s ON s.id = t.sheet {('WHERE ' + where) if where else ''} "
               f"ORDER BY {order}")
        for rid, sid, row, rejected, excluded, *values in self.db.execute(sql, tuple(params)):
            file, name, letters = self.sheet(sid)
            yield Record(file, name, row, rebuild(kind, values), letters,
                         excluded or (ROW_ERROR if rejected else None), key=rid)

    def mark(self, kind: str, marks: Iterable[tuple[str | None, int]]) -> None:
        """Set ``excluded`` (a reason code) on rows by id."""
        self.db.executemany(f"UPDATE {TABLES[kind]} SET excluded = ? WHERE id = ?", marks)

    def mark_later(self, kind: str, marks: Iterable[tuple[str | None, int]]) -> None:
        """``mark``, kept aside until ``mark_now``: for a query still reading the rows (and a
        run marking 600,000 of them, which need not be held as tuples meanwhile)."""
        table = f"temp.marks_{TABLES[kind]}"
        self.db.execute(f"CREATE TABLE IF NOT EXISTS {table} (id INTEGER PRIMARY KEY, code TEXT)")
        self.db.executemany(f"INSERT OR REPLACE INTO {table} (code, id) VALUES (?, ?)", marks)  # the last one stands

    def mark_now(self, kind: str) -> None:
        """Set what ``mark_later`` kept aside."""
        table, marks = TABLES[kind], f"temp.marks_{TABLES[kind]}"
        self.db.execute(f"CREATE TABLE IF NOT EXISTS {marks} (id INTEGER PRIMARY KEY, code TEXT)")
        self.db.execute(f"UPDATE {table} SET excluded = (SELECT m.code FROM {marks} m WHERE m.id = {table}.id) "
                        f"WHERE id IN (SELECT id FROM {marks})")
        self.db.execute(f"DROP TABLE {marks}")

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params if isinstance(params, dict) else tuple(params))

    def query_in(self, sql: str, params: Iterable[Any], values: Iterable[Any]) -> Iterator[tuple]:
        """``sql`` whose last parameter is a list, ``IN ({})``, for every one of ``values``:
        asked 500 at a time, as old SQLite builds take at most 999 parameters a statement."""
        values, params = list(values), tuple(params)
        for start in range(0, len(values), 500):
            chunk = values[start:start + 500]
            yield from self.db.execute(sql.format(", ".join("?" * len(chunk))), (*params, *chunk))

    def save_tables(self, path: Path, tables: Iterable[str]) -> SavedTables:
        """Copy these (temporary) tables, rows in their order, into a SQLite file of their own."""
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.unlink(missing_ok=True)
        self.db.execute("ATTACH DATABASE ? AS saved", (str(tmp),))
        try:
            for table in tables:
                self.db.execute(f"CREATE TABLE saved.{table} AS SELECT * FROM temp.{table} ORDER BY rowid")
            self.db.commit()
        finally:
            self.db.execute("DETACH DATABASE saved")
        os.replace(tmp, path)
        return SavedTables(path)


PARTS_PREFIX = "lianhu-rows-"
PARTS_STALE = 6 * 3600  # seconds: no run takes this long, so its folder outlived a killed run
PART = "rows.sqlite"  # the workers' shared part, in the parts folder
PART_WAIT = 600.0  # seconds a worker waits for the part's write lock (held ~4 ms a book)


def _remove(held: list[sqlite3.Connection], folder: Path) -> None:
    """Close the run's connections, then delete its parts folder (it holds 身份证号 unmasked)."""
    for db in held:
        try:
            db.close()
        except sqlite3.Error:
            pass
    shutil.rmtree(folder, ignore_errors=True)


def sweep_parts() -> None:
    """Delete the parts folders of runs killed before they could (their rows are unmasked)."""
    limit = time.time() - PARTS_STALE
    try:
        folders = [p for p in Path(tempfile.gettempdir()).iterdir() if p.name.startswith(PARTS_PREFIX)]
    except OSError:
        return
    for folder in folders:
        try:
            if folder.is_dir() and folder.stat().st_mtime < limit:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass


class SavedTables:
    """Tables saved by ``RowStore.save_tables``, read from their file (opened on first use);
    pickles as its path, so a remembered run's long lists stay on disk."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._db: sqlite3.Connection | None = None

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> sqlite3.Cursor:
        if self._db is None:
            self._db = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        return self._db.execute(sql, params if isinstance(params, dict) else tuple(params))

    def __reduce__(self) -> tuple:
        return (SavedTables, (self.path,))


def rebuild(kind: str, values: Iterable[Any]) -> StandardRow:
    """The model of a stored row, without validating again (it was, in the worker). Every
    model of a kind shares one fields-set (its own copy of 17–23 names cost ~2 KB a row)."""
    model = MODELS[kind]
    return model.model_construct(_fields_set=_ALL_FIELDS[model], **decode(kind, values))


_ALL_FIELDS: dict[type, set[str]] = {MODELS[k]: set(FIELDS[k]) for k in KINDS}


class StoredList(Sequence):
    """A long list kept in the store: read again on every pass, never held (the 联户清单 of a
    county is 50,000 cards, of a province 500,000). Compares as a plain list; pickles as one,
    unless its tables were saved to a file of their own (``saved``), then as a reference."""

    def __init__(self, store: RowStore | SavedTables, select: str, make: Callable[[tuple], Any],
                 count: str) -> None:
        self.store, self.select, self.make, self.count_sql = store, select, make, count
        self._len: int | None = None

    def __len__(self) -> int:
        if self._len is None:
            self._len = self.store.query(self.count_sql).fetchone()[0]
        return self._len

    def __iter__(self) -> Iterator[Any]:
        make = self.make
        for row in self.store.query(self.select):
            yield make(row)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return list(self)[index]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError(index)
        return next(islice(iter(self), index, None))

    def ordered(self, order: str) -> StoredList:
        """The same lines in another SQL order (``ORDER BY`` replaced)."""
        head = self.select.rsplit(" ORDER BY ", 1)[0]
        return StoredList(self.store, f"{head} ORDER BY {order}", self.make, self.count_sql)

    def save(self, saved: SavedTables) -> None:
        """Read from now on from ``saved`` (the same tables, copied by ``RowStore.save_tables``)."""
        self.store = saved

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, StoredList)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"StoredList({len(self)} lines)"

    @property
    def saved(self) -> bool:
        return isinstance(self.store, SavedTables)

    def __reduce__(self) -> tuple:
        if self.saved:
            return (StoredList, (self.store, self.select, self.make, self.count_sql))
        return (list, (list(self),))
