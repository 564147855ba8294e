"""Run the per-file check over many files, in worker processes when asked.

A native reader can abort its whole process on a crafted file. With
``ProcessPoolExecutor`` that shows up as ``BrokenProcessPool`` (where
``multiprocessing.Pool.map`` would hang), so the files that were in flight are
retried one by one in fresh single-worker pools: the file that kills its
worker is reported as an error and the batch goes on.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from .book import BookResult, check_file
from .issues import FileSummary, make_issue
from .roster import Roster

Progress = Callable[[BookResult], None]
WORKER_MEMORY_LIMIT = 2 * 1024**3


def default_jobs() -> int:
    return max(1, os.cpu_count() or 1)


def run_checks(files: list[tuple[Path, str]], roster: Roster | None = None, jobs: int = 1,
               progress: Progress | None = None) -> list[BookResult]:
    """check_file over every file; results in the order of ``files``."""
    if jobs <= 1 or len(files) < 4:
        out = []
        for path, display in files:
            result = _safe_check(path, display, roster)
            if progress:
                progress(result)
            out.append(result)
        return out
    results: dict[int, BookResult] = {}
    pending = list(enumerate(files))
    suspects: list[tuple[int, tuple[Path, str]]] = []
    with ProcessPoolExecutor(max_workers=jobs, initializer=_limit_memory) as pool:
        suspects = _drain(pool, pending, roster, results, progress)
    for index, (path, display) in suspects:  # one at a time: whoever breaks a pool now is guilty
        with ProcessPoolExecutor(max_workers=1, initializer=_limit_memory) as pool:
            try:
                result = pool.submit(_safe_check, path, display, roster).result()
            except BrokenProcessPool:
                result = _crashed(display)
        results[index] = result
        if progress:
            progress(result)
    return [results[i] for i in range(len(files))]


def _drain(pool: ProcessPoolExecutor, pending: Iterable[tuple[int, tuple[Path, str]]],
           roster: Roster | None, results: dict[int, BookResult],
           progress: Progress | None) -> list[tuple[int, tuple[Path, str]]]:
    """Submit with a bounded window; return the files in flight when the pool broke."""
    queue = list(pending)
    queue.reverse()
    window = (pool._max_workers or 1) * 4  # type: ignore[attr-defined]
    running: dict[Future, tuple[int, tuple[Path, str]]] = {}
    while queue or running:
        while queue and len(running) < window:
            item = queue.pop()
            try:
                running[pool.submit(_safe_check, item[1][0], item[1][1], roster)] = item
            except BrokenProcessPool:
                queue.append(item)
                return list(running.values()) + queue[::-1]
        done, _ = wait(running, return_when=FIRST_COMPLETED)
        for future in done:
            item = running.pop(future)
            try:
                result = future.result()
            except BrokenProcessPool:
                return [item, *running.values(), *queue[::-1]]
            results[item[0]] = result
            if progress:
                progress(result)
    return []


def _safe_check(path: Path, display: str, roster: Roster | None) -> BookResult:
    try:
        return check_file(path, display, roster)
    except MemoryError:
        return _crashed(display, "内存不足")
    except Exception as exc:  # never let one file stop the batch
        return _crashed(display, f"{type(exc).__name__}: {str(exc)[:100]}")


def _crashed(display: str, detail: str = "读取程序意外退出") -> BookResult:
    summary = FileSummary(file=display, kind="unreadable")
    return BookResult(summary=summary, issues=[make_issue("reader-crashed", display, detail=detail)])


def _limit_memory() -> None:
    """Cap a worker's address space so a hostile file costs that worker only."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        limit = WORKER_MEMORY_LIMIT if hard == resource.RLIM_INFINITY else min(hard, WORKER_MEMORY_LIMIT)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, ValueError, OSError):
        pass
