"""A progress bar for long runs: files done, files per second, time left (tqdm, on stderr)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

SHOW_FROM = 20  # a handful of files needs no bar


@contextmanager
def progress_bar(total: int, quiet: bool = False, desc: str = "读取") -> Iterator[Callable[[object], None]]:
    if quiet or total < SHOW_FROM:
        yield lambda _result: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit="个文件", leave=False, dynamic_ncols=True) as bar:
        yield lambda _result: bar.update(1)
