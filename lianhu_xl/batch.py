"""Run the per-file check over many files, in worker processes when asked.

A native reader can abort its whole process on a crafted file (python-calamine
does on a sheet claiming cell XFD1048576 if the guard were ever bypassed). With
``ProcessPoolExecutor`` that shows up as ``BrokenProcessPool`` (where
``multiprocessing.Pool.map`` would hang). The files that were in flight when a
pool broke are then read again one at a time in a single-worker pool, so the
file that kills its worker is the only one reported as ``reader-crashed``; the
files not yet started go on in a fresh pool. A worker that stops answering
(no file finished for ``FILE_TIMEOUT`` seconds) is killed the same way. A long
batch sends a worker a few files at once (``chunk_size``); every rule above still
holds file by file.

Every file is read this way, with one job too (one worker), and a single file too: a
file that aborts its reader then costs that file, never the run, and is said as such (a
clerk checking one book must never see the run vanish without a word; the guard refuses
every file known to crash a reader, but not the ones nobody knows yet). Its cost, 300
benchmark books on a noisy machine: 6.97–7.76 s against 7.02–8.73 s read in this process
(with the part in WAL mode it was ≈ 8 % more; store.py); one book: a worker's start, about
0.03 s where workers are forked (Linux), 0.3–1 s where they are spawned (Windows, macOS).

Workers never outlive the batch: each one watches the process that started it
and exits as soon as it is gone (killed, crashed, closed), and a Ctrl-C or
SIGTERM in the batch kills its workers before the batch ends.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .book import OUT_OF_MEMORY, BookResult, check_file, failure_issue
from .cache import ResultCache, is_crashed
from .issues import FileSummary, make_issue
from .roster import Roster
from .store import PART, RowStore

Progress = Callable[[BookResult], None]
Keep = Callable[[int, BookResult], BookResult]  # what to keep of a result as it arrives
WORKER_MEMORY_LIMIT = 2 * 1024**3
FILE_TIMEOUT = 120.0  # seconds a file, with no send finished, before a worker counts as hung; a book takes ~0.05 s
MAX_WINDOWS_WORKERS = 61  # concurrent.futures.process._MAX_WINDOWS_WORKERS
WAKE = 0.5  # seconds between a waiting batch's looks for an interrupt that was lost (terminated_as_interrupt)
Item = tuple[int, tuple[Path, str]]
Keys = list[str | None]  # each file's cache key, or None: not to be cached


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_checks(files: list[tuple[Path, str]], roster: Roster | None = None, jobs: int = 1,
               progress: Progress | None = None, keep: Keep | None = None,
               cache: ResultCache | None = None, keys: Keys | None = None,
               parts: Path | None = None) -> list[BookResult]:
    """check_file over every file; results in the order of ``files``, one progress call each.

    ``keep(index, result)`` sees each result as it arrives and returns what to hold on to
    (a run moves the rows into its store there, so they are never all in memory at once).
    Each result is put in ``cache`` under its key where it is made, rows and all. With
    ``parts`` (``RowStore.parts_folder``), each worker keeps the rows it read in a part
    there and sends back only where (``BookResult.part``).
    """
    results: dict[int, BookResult] = {}
    keys = keys or [None] * len(files)

    def done(index: int, result: BookResult) -> None:
        results[index] = keep(index, result) if keep else result
        if progress:
            progress(result)

    def here(index: int, path: Path, display: str) -> None:
        done(index, _cached(_safe_check(path, display, roster), cache, keys[index]))

    queue: deque[Item] = deque(enumerate(files))
    jobs = max(1, jobs)
    setup = _Setup(roster, cache, keys, parts)
    with terminated_as_interrupt():
        while queue:
            before = len(results)
            with worker_pool(jobs, setup) as pool:
                suspects = _drain(pool, queue, setup, done)
                if suspects:
                    _kill_workers(pool)  # a hung worker would keep shutdown waiting
            _isolate(suspects, setup, done)
            if len(results) == before and queue:  # no worker could even start (fork refused): read here
                while queue:
                    index, (path, display) = queue.popleft()
                    here(index, path, display)
    return [results[i] for i in range(len(files))]


class _Setup:
    """What every worker of a batch shares (sent once, when it starts) and each file's key."""

    def __init__(self, roster: Roster | None, cache: ResultCache | None, keys: Keys,
                 parts: Path | None) -> None:
        self.roster, self.cache, self.keys, self.parts = roster, cache, keys, parts


def _cached(result: BookResult, cache: ResultCache | None, key: str | None) -> BookResult:
    """Put a fresh result in the cache (never one from a crash: the next run may do better)."""
    if cache is not None and key and not is_crashed(result):
        cache.put(key, result)
    return result


class worker_pool:
    """A ProcessPoolExecutor whose workers die with this process, and are killed
    (not waited for) when the batch is interrupted."""

    def __init__(self, jobs: int, setup: _Setup | None = None) -> None:
        # PR_SET_PDEATHSIG fires when the THREAD that forked a worker ends, so it is used only
        # when that thread is the main one (workers are forked by the submitting thread).
        main = threading.current_thread() is threading.main_thread()
        self.before = set(multiprocessing.active_children())
        shared = (setup.roster, setup.cache, setup.parts) if setup else (None, None, None)
        if sys.platform == "win32":  # more is a ValueError there (WaitForMultipleObjects' 64 handles)
            jobs = min(jobs, MAX_WINDOWS_WORKERS)
        self.executor = ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                                            initargs=(os.getpid(), main, *shared))

    def __enter__(self) -> ProcessPoolExecutor:
        return self.executor

    def __exit__(self, kind, value, tb) -> None:
        if kind is not None and not issubclass(kind, Exception):  # Ctrl-C, SIGTERM, SystemExit
            _kill_workers(self.executor)
            # A worker forked just as the interrupt came is not in the pool's table yet, and the
            # exit would wait for it (pool workers are not daemons): kill every child since.
            for process in set(multiprocessing.active_children()) - self.before:
                try:
                    process.kill()
                except (OSError, ValueError, AttributeError):
                    pass
            self.executor.shutdown(wait=False, cancel_futures=True)
            return
        self.executor.shutdown(wait=True)


class terminated_as_interrupt:
    """While the batch runs in the main thread, SIGTERM ends it like Ctrl-C (the workers are
    killed on the way out) instead of ending the process at once and leaving them behind.

    Either signal is also remembered (``_STOP``): Python runs a handler wherever the main thread
    is, and a KeyboardInterrupt raised inside a callback whose exceptions it only prints (the
    after-fork hooks run as each worker starts, a ``__del__``) is lost; the batch would wait on
    for its workers. The waits below look every ``WAKE`` seconds (``_stopped``)."""

    def __enter__(self) -> None:
        self.previous: dict[int, object] = {}
        _STOP.clear()
        if threading.current_thread() is not threading.main_thread():
            return
        for name, default in (("SIGTERM", signal.SIG_DFL), ("SIGINT", signal.default_int_handler)):
            number = getattr(signal, name, None)
            try:  # a handler someone else set (or SIGINT ignored, as in a background job) is kept
                if number is not None and signal.getsignal(number) == default:
                    self.previous[number] = signal.signal(number, _interrupt)
            except (ValueError, OSError):
                pass

    def __exit__(self, *exc) -> None:
        for number, previous in self.previous.items():
            signal.signal(number, previous)  # type: ignore[arg-type]


_STOP: list[int] = []  # the signal that asked the batch to stop (a list: set in a handler, no lock)


def _interrupt(signum, frame) -> None:
    _STOP.append(signum)
    raise KeyboardInterrupt


def _stopped() -> None:
    """Raise the interrupt a handler raised where it was lost."""
    if _STOP:
        raise KeyboardInterrupt


def _wait_first(running, timeout: float) -> set[Future]:
    """``wait`` for the first of ``running`` to finish (the empty set after ``timeout``), looking
    for a lost interrupt every ``WAKE`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        _stopped()
        left = deadline - time.monotonic()
        finished, _ = wait(running, timeout=max(min(WAKE, left), 0), return_when=FIRST_COMPLETED)
        if finished or left <= WAKE:
            return finished


CHUNK = 4  # files a worker is sent at once, in a long batch
CHUNK_SPREAD = 32  # ... as long as every worker still gets this many sends: the last one is short


def chunk_size(files: int, jobs: int) -> int:
    """Files sent to a worker at once. Each send and each answer costs the batch's own process
    ~1 ms (the pool's threads waking, the futures), taken from the workers on a 2-core machine;
    four files a send cut that to a quarter. A short batch sends one at a time, so the workers
    finish together."""
    return max(1, min(CHUNK, files // (CHUNK_SPREAD * max(jobs, 1))))


def _drain(pool: ProcessPoolExecutor, queue: deque[Item], setup: _Setup,
           done: Callable[[int, BookResult], None]) -> list[Item]:
    """Feed ``queue`` through the pool, a few files a send (``chunk_size``), with a bounded window.

    Returns the files in flight when the pool broke or hung (``queue`` keeps the
    ones never started), or ``[]`` when every file went through.
    """
    workers = pool._max_workers or 1  # type: ignore[attr-defined]
    size = chunk_size(len(queue), workers)
    window = workers * max(2, 4 // size)  # sends in flight: a worker never waits for its next
    running: dict[Future, list[Item]] = {}
    alone: set[int] = set()  # files whose answer could not travel in a send of several: one each

    def in_flight() -> list[Item]:
        return [item for items in running.values() for item in items]

    while queue or running:
        while queue and len(running) < window:
            items = [queue.popleft()]
            while queue and len(items) < size and items[0][0] not in alone and queue[0][0] not in alone:
                items.append(queue.popleft())
            try:
                running[pool.submit(_check_files, [(path, display, setup.keys[index])
                                                   for index, (path, display) in items])] = items
            except BrokenProcessPool:
                queue.extendleft(reversed(items))
                return in_flight()
        finished = _wait_first(running, FILE_TIMEOUT * size)
        if not finished:  # no send finished for FILE_TIMEOUT seconds a file: a worker is stuck
            return in_flight()
        broken = False
        for future in finished:
            try:
                results = future.result()
            except BrokenProcessPool:
                broken = True
                continue
            except Exception:  # an answer could not travel back from the worker
                items = running.pop(future)
                if len(items) > 1:  # which file's: each is sent again on its own
                    alone.update(index for index, _ in items)
                    queue.extendleft(reversed(items))
                    continue
                results = [_crashed(items[0][1][1])]
                running[future] = items
            for (index, _), result in zip(running.pop(future), results, strict=True):
                done(index, result)
        if broken:
            return in_flight()
    return []


def _isolate(suspects: list[Item], setup: _Setup, done: Callable[[int, BookResult], None]) -> None:
    """Read each suspect alone: whoever breaks (or hangs) a single worker is guilty."""
    pending = deque(sorted(suspects))
    while pending:
        with worker_pool(1, setup) as pool:
            while pending:
                index, (path, display) = pending[0]
                try:
                    future = pool.submit(_check_for_parent, path, display, setup.keys[index])
                    if not _wait_first({future}, FILE_TIMEOUT):
                        raise FutureTimeout
                    result = future.result()
                except BrokenProcessPool:
                    pending.popleft()
                    done(index, _crashed(display))
                    break  # this pool is dead; the rest go to a fresh one
                except FutureTimeout:
                    pending.popleft()
                    _kill_workers(pool)
                    done(index, _crashed(display, f"{FILE_TIMEOUT:.0f} 秒", code="reader-timeout"))
                    break
                except Exception:  # the result could not travel back from the worker
                    result = _crashed(display)
                pending.popleft()
                done(index, result)


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    for process in list((pool._processes or {}).values()):  # type: ignore[attr-defined]
        try:
            process.kill()
        except (OSError, ValueError, AttributeError):
            pass


def _safe_check(path: Path, display: str, roster: Roster | None) -> BookResult:
    try:
        return check_file(path, display, roster)
    except MemoryError:
        return _crashed(display, OUT_OF_MEMORY)
    except (KeyboardInterrupt, SystemExit, GeneratorExit):
        raise
    except BaseException as exc:  # never let one file stop the batch; pyo3's PanicException is a BaseException
        result = _crashed(display)
        result.issues = [failure_issue(display, exc)]
        return result


_WORKER: dict[str, object] = {}  # a worker's roster, cache, parts folder and part (see _init_worker)


def _check_for_parent(path: Path, display: str, key: str | None = None) -> BookResult:
    """What a worker runs: check, cache, and keep the rows in the worker's part when the batch
    has a parts folder (then only the summary and issues travel back)."""
    result = _cached(_safe_check(path, display, _WORKER.get("roster")), _WORKER.get("cache"), key)  # type: ignore[arg-type]
    parts = _WORKER.get("parts")
    if parts is not None and result.blocks:
        part = _WORKER.get("part")
        try:
            if part is None:
                part = _WORKER["part"] = RowStore(Path(parts) / PART)  # type: ignore[arg-type]
            part.add_book(result)  # type: ignore[union-attr]
        except Exception:  # a part that cannot be written (disk full): the rows travel back instead
            pass
    return result


def _check_files(files: list[tuple[Path, str, str | None]]) -> list[BookResult]:
    """``_check_for_parent`` for each of a send's files (path, display name, cache key)."""
    return [_check_for_parent(path, display, key) for path, display, key in files]


def _crashed(display: str, detail: str = "读取程序意外退出", code: str = "reader-crashed") -> BookResult:
    summary = FileSummary(file=display, kind="unreadable")
    return BookResult(summary=summary, issues=[make_issue(code, display, detail=detail)])


PARENT_POLL = 1.0  # seconds between a worker's checks that the batch is still there


def _init_worker(parent_pid: int, main_thread: bool, roster: Roster | None = None,
                 cache: ResultCache | None = None, parts: Path | None = None) -> None:
    """Runs first in every worker: cap its memory, and make it exit when the batch is gone."""
    _WORKER.update(roster=roster, cache=cache, parts=parts, part=None)
    _limit_memory()
    started_by = os.getppid()  # the batch (fork), or its fork server (forkserver, spawn)
    if main_thread and started_by == parent_pid and sys.platform.startswith("linux"):
        _die_with_parent()
    if started_by != parent_pid and multiprocessing.get_start_method(allow_none=True) in (None, "fork"):
        os._exit(1)  # forked, yet the batch is already gone
    watcher = threading.Thread(target=_watch_parent, args=(started_by, multiprocessing.parent_process()),
                               name="watch the batch", daemon=True)
    watcher.start()


def _die_with_parent() -> None:
    """Linux: the kernel sends this worker SIGKILL when the batch ends, however it ends."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, int(signal.SIGKILL), 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError, TypeError):
        pass


def _watch_parent(started_by: int, parent) -> None:
    """Portable fallback: a worker whose parent died is handed to another process (POSIX)
    and sees the parent's sentinel close (every start method), whichever comes first."""
    while True:
        if os.getppid() != started_by:
            os._exit(1)
        try:
            if parent is not None and multiprocessing.connection.wait([parent.sentinel], timeout=PARENT_POLL):
                os._exit(1)
        except (OSError, ValueError, AttributeError):
            parent = None
        if parent is None:
            threading.Event().wait(PARENT_POLL)


def _limit_memory() -> None:
    """Cap a worker's address space so a hostile file costs that worker only."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = WORKER_MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(hard, WORKER_MEMORY_LIMIT)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass
