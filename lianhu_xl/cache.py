"""What checking one workbook gave, kept so that an unchanged file is never read twice.

A township re-runs the consolidation every time one more village sends its book;
a county re-checks thousands of files of which a handful changed. Each file's
own result (``BookResult``: its issues and parsed rows, before the rules across
files) depends only on its bytes, the name it is shown under, the roster, the
tool's code, the standard's version and today's date (a diary dated tomorrow is
an error today and fine tomorrow). The key hashes all of these, so a hit can
never be stale; the rules across files always run afresh.

Entries are pickles (``pack``/``unpack``) of plain data: a book's rows are the
tuples the row store takes (see store.py), never Pydantic objects.

Where: ``LIANHU_CACHE_DIR``, else the user's own cache directory, never beside
the outputs: entries hold the parsed rows, 身份证号 and 联系电话 unmasked, and a
folder beside a totals workbook could travel up the hierarchy with it.
``LIANHU_CACHE=off`` (or ``--no-cache``) turns it off. Entries unused for
``KEEP_DAYS`` days are pruned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gc
import hashlib
import io
import json
import os
import pickle
import sqlite3
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import islice
from pathlib import Path
from typing import Any

FORMAT = "6"  # bump when the pickled layout changes (2: long lists in pieces; 3: rows as tuples; 4: + month; 5: plain pickles; 6: + part)
KEEP_DAYS = 30
ENV_OFF = "LIANHU_CACHE"
ENV_DIR = "LIANHU_CACHE_DIR"


# --------------------------------------------------------------------------- pickles


# A result whose lists are long (a remembered consolidation: 50,000 cards and problems at
# 1,000 books) is stored as several pickles, the pickler's memo cleared between pieces: the
# memo holds every object pickled so far, which cost 80 MB at the run's peak at 1,000 books.
_PIECES = "lianhu_xl.cache pieces"  # not kebab-case: tests take kebab-case strings for issue codes
PIECE = 2_000  # list items per piece


def _dump(stream: Any, result: Any) -> None:
    pickler = pickle.Pickler(stream, protocol=pickle.HIGHEST_PROTOCOL)
    long = {}
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        long = {f.name: getattr(result, f.name) for f in dataclasses.fields(result)
                if f.init and _is_long(getattr(result, f.name))}
    if not long:
        pickler.dump(result)
        return
    head = dataclasses.replace(result, **{name: [] for name in long})
    pickler.dump((_PIECES, head, [(name, -(-len(items) // PIECE)) for name, items in long.items()]))
    for items in long.values():  # a list kept in the run's store is read once, a piece at a time
        it = iter(items)
        for _ in range(-(-len(items) // PIECE)):
            pickler.clear_memo()
            pickler.dump(list(islice(it, PIECE)))


def _is_long(value: Any) -> bool:
    from .store import StoredList

    return (isinstance(value, list) or isinstance(value, StoredList) and not value.saved) and len(value) > PIECE


def _load(blob: bytes) -> Any:
    stream = io.BytesIO(blob)
    first = pickle.Unpickler(stream).load()
    if not (isinstance(first, tuple) and len(first) == 3 and first[0] == _PIECES):
        return first
    _, result, long = first
    for name, pieces in long:
        items: list[Any] = []
        for _ in range(pieces):  # a fresh unpickler per piece: each piece's memo starts empty
            items.extend(pickle.Unpickler(stream).load())
        setattr(result, name, items)
    return result


def pack(result: Any) -> bytes:
    """A BookResult (or anything holding row models) as compact bytes, as the cache stores it."""
    buffer = io.BytesIO()
    _dump(buffer, result)
    return buffer.getvalue()


def unpack(blob: bytes) -> Any:
    return _load(blob)


# --------------------------------------------------------------------------- the cache


def user_cache_dir() -> Path:
    """Where a user's caches live on this system."""
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "lianhu_xl" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "lianhu_xl"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lianhu_xl"


def code_fingerprint() -> str:
    """The tool's version plus the size and time of every module, so an edited
    checkout (not only a release) invalidates what it computed before."""
    from importlib import metadata

    from .standard_names import STANDARD_VERSION

    try:
        version = metadata.version("lianhu_xl")
    except metadata.PackageNotFoundError:
        version = "0"
    digest = hashlib.sha256(f"{FORMAT}|{version}|{STANDARD_VERSION}|{sys.version_info[:2]}".encode())
    for module in sorted(Path(__file__).parent.glob("*.py")):
        st = module.stat()
        digest.update(f"{module.name}:{st.st_size}:{st.st_mtime_ns};".encode())
    return digest.hexdigest()


def roster_fingerprint(roster: Any) -> str:
    if roster is None:
        return "-"
    villages = getattr(roster, "villages", roster)
    return hashlib.sha256(repr(sorted((k, list(v)) for k, v in dict(villages).items())).encode()).hexdigest()


class ResultCache:
    """Per-file results in ``folder``, keyed by content, name, roster, code and day."""

    def __init__(self, folder: Path, roster: Any = None, today: dt.date | None = None) -> None:
        self.folder = folder
        self.salt = "|".join((code_fingerprint(), roster_fingerprint(roster),
                              (today or dt.date.today()).isoformat()))
        self.hits = 0
        self.misses = 0
        self._pruned = False

    def key(self, data: bytes, display: str) -> str:
        content = hashlib.sha256(data).hexdigest()
        return hashlib.sha256(f"{self.salt}|{display}|{content}".encode()).hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / key[:2] / f"{key}.pickle"

    def get(self, key: str) -> Any | None:
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except OSError:
            self.misses += 1
            return None
        try:
            result = _load(blob)
        except Exception:  # a damaged or foreign entry is a miss, never an error
            self.misses += 1
            return None
        if hasattr(result, "lines_kept") and not result.lines_kept():  # its lines' file is gone
            self.misses += 1
            return None
        self.hits += 1
        try:
            os.utime(path)  # keep what is used
        except OSError:
            pass
        return result

    def put(self, key: str, result: Any) -> None:
        """Store, pickling straight into the file (no second copy of a large result in memory)."""
        path = self._path(key)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with open(tmp, "wb") as stream:
                _dump(stream, result)
            os.replace(tmp, path)
        except Exception:  # an entry that cannot be written or pickled costs speed, never the run
            tmp.unlink(missing_ok=True)
            return
        self.prune_once()

    def prune_once(self) -> None:
        if not self._pruned:
            self._pruned = True
            self.prune()

    def prune(self, days: int = KEEP_DAYS) -> int:
        """Delete entries not used for ``days``; returns how many."""
        limit = time.time() - days * 86400
        gone = 0
        try:
            for sub in self.folder.iterdir():
                if not sub.is_dir():
                    continue
                for entry in sub.iterdir():
                    try:
                        if entry.stat().st_mtime < limit:
                            entry.unlink()
                            gone += 1
                    except OSError:
                        pass
        except OSError:
            pass
        return gone


def open_cache(roster: Any = None, enabled: bool = True) -> ResultCache | None:
    """The cache a command should use, or None when turned off."""
    if not enabled or os.environ.get(ENV_OFF, "").strip().lower() in ("off", "0", "no", "false"):
        return None
    folder = Path(os.environ[ENV_DIR]) if os.environ.get(ENV_DIR) else user_cache_dir()
    return ResultCache(folder, roster)


# --------------------------------------------------------------------------- wiring


Run = Callable[[list[tuple[Path, str]], list[str | None], Callable[[int, Any], Any]], list[Any]]


def run_cached(files: list[tuple[Path, str]], cache: ResultCache | None, run: Run,
               progress: Callable[[Any], None] | None = None,
               keep: Callable[[int, Any], Any] | None = None) -> list[Any]:
    """Results for ``files`` in order: hits from the cache, the rest from ``run``.

    ``run(files, keys, keep)`` must put each fresh result in the cache under its key (None:
    do not) where it is made, rows and all (``batch.run_checks`` does, in the worker), then
    call ``keep(index, result)`` as it arrives. A file that cannot be read here goes to
    ``run``, which reports it.
    """
    keep = keep or (lambda index, result: result)
    if cache is None:
        return run(files, [None] * len(files), keep)
    keys: list[str | None] = []
    results: list[Any] = [None] * len(files)
    todo: list[int] = []
    with _no_gc():
        _look_up(files, cache, keys, results, todo, progress, keep)
    if todo:
        cache.prune_once()  # here, before workers get a copy of the cache (they never prune)
        fresh = run([files[i] for i in todo], [keys[i] for i in todo], lambda j, result: keep(todo[j], result))
        for i, result in zip(todo, fresh, strict=True):
            results[i] = result
    return results


def _look_up(files: list[tuple[Path, str]], cache: ResultCache, keys: list[str | None], results: list[Any],
             todo: list[int], progress: Callable[[Any], None] | None, keep: Callable[[int, Any], Any]) -> None:
    from .guard import MAX_FILE_BYTES

    for i, (path, display) in enumerate(files):
        try:  # never more than the guard would read: a 2 GB "workbook" is the guard's to refuse
            key = None
            size = path.stat().st_size
            if size <= MAX_FILE_BYTES:
                with path.open("rb") as fh:  # read(limit) would allocate the whole 64 MB limit first
                    data = fh.read(size + 1)
                    if len(data) > size:  # grew since: read on, to the limit
                        data += fh.read(MAX_FILE_BYTES + 1 - len(data))
                key = cache.key(data, display) if len(data) <= MAX_FILE_BYTES else None
        except OSError:
            key = None
        keys.append(key)
        hit = cache.get(key) if key else None
        if hit is None:
            todo.append(i)
        else:
            results[i] = keep(i, hit)
            if progress:
                progress(hit)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Unpickling builds ~650 objects per book and no cycles; the cyclic collector
    would walk the growing heap again and again (measured: loading took twice as long)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def is_crashed(result: Any) -> bool:
    """A worker that died or ran out of memory may succeed next time: never cached."""
    return any(i.code in ("reader-crashed", "tool-failed") for i in getattr(result, "issues", ()))


# --------------------------------------------------------------------------- whole runs


def run_key(cache: ResultCache, files: list[tuple[Path, str]], options: object) -> str | None:
    """The key of a whole run: every file's key (content and name) plus the options.

    Whatever a run computes from the files alone is the same for the same key, so a
    re-run with nothing changed can reuse it without even the rules across files.
    None when a file cannot be read here (the run then reports it properly).
    """
    digest = hashlib.sha256(f"run|{cache.salt}|{options!r}".encode())
    for path, display in files:
        try:
            digest.update(cache.key(path.read_bytes(), display).encode())
        except OSError:
            return None
    return "run-" + digest.hexdigest()


def remember_run(cache: ResultCache | None, files: list[tuple[Path, str]], options: object,
                 compute: Callable[[], Any], key: str | None = None) -> tuple[Any, str | None]:
    """``compute()``, or what it gave last time for exactly these files and options (``key``:
    their ``run_key`` when the caller has it already).

    Only the latest run per set of options is kept (these entries hold every counted line).
    """
    if key is None and cache is not None:
        key = run_key(cache, files, options)
    if cache is None or key is None:
        return compute(), key
    with _no_gc():
        hit = cache.get(key)
    if hit is not None:
        return hit, key
    result = compute()
    if hasattr(result, "keep_lines"):  # long lists go to a SQLite file beside the entry, read from there
        try:
            path = cache._path(key).with_suffix(".sqlite")
            path.parent.mkdir(parents=True, exist_ok=True)
            result.keep_lines(path)
        except (OSError, sqlite3.Error):
            return result, None  # cannot keep them: not remembered, never an error
    cache.put(key, result)
    index = cache.folder / "runs" / (hashlib.sha256(repr(options).encode()).hexdigest()[:32] + ".key")
    try:
        previous = index.read_text(encoding="ascii").strip()
        if previous and previous != key:
            cache._path(previous).unlink(missing_ok=True)
            cache._path(previous).with_suffix(".sqlite").unlink(missing_ok=True)
    except OSError:
        pass
    try:
        index.parent.mkdir(parents=True, exist_ok=True)
        index.write_text(key, encoding="ascii")
    except OSError:
        pass
    return result, key


def output_unchanged(cache: ResultCache | None, key: str | None, out: Path) -> bool:
    """True when ``out`` is byte for byte what the run ``key`` wrote last time, so writing it
    again would change nothing (a clerk who edited or deleted it gets a fresh one)."""
    if cache is None or key is None:
        return False
    try:
        recorded = (cache.folder / "outputs" / f"{key}.sha256").read_text(encoding="ascii").strip()
        return recorded == hashlib.sha256(out.read_bytes()).hexdigest()
    except OSError:
        return False


def note_output(cache: ResultCache | None, key: str | None, out: Path) -> None:
    """Remember what the run ``key`` wrote to ``out``."""
    if cache is None or key is None:
        return
    try:
        folder = cache.folder / "outputs"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{key}.sha256").write_text(hashlib.sha256(out.read_bytes()).hexdigest(), encoding="ascii")
    except OSError:
        pass


def _said_path(cache: ResultCache, key: str, out: Path, shown: str) -> Path:
    where = hashlib.sha256(f"{os.path.abspath(out)}|{shown}".encode()).hexdigest()[:16]
    return cache.folder / "outputs" / f"{key}.{where}.said"


def said_before(cache: ResultCache | None, key: str | None, out: Path, shown: str) -> tuple[int, str] | None:
    """(exit code, printed text) of the run ``key`` when it last wrote ``out`` and printed the same
    way (``shown``: text, quiet or json), if ``out`` is still what it wrote: a re-run with nothing
    changed answers from this without importing a reader. None otherwise."""
    if cache is None or key is None:
        return None
    try:
        code, text = json.loads(_said_path(cache, key, out, shown).read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError):
        return None
    if not isinstance(code, int) or not isinstance(text, str) or not output_unchanged(cache, key, out):
        return None
    return code, text


def note_said(cache: ResultCache | None, key: str | None, out: Path, shown: str, code: int, text: str) -> None:
    """Remember what the run ``key`` printed after writing ``out`` (see ``said_before``)."""
    if cache is None or key is None:
        return
    path = _said_path(cache, key, out, shown)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps([code, text], ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
