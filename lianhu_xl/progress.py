"""A progress bar for long runs: files done, files per second, time left (tqdm, on stderr)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

SHOW_FROM = 20  # a handful of files needs no bar


@contextmanager
def progress_bar(total: int, quiet: bool = False, desc: str = "读取",
                 then: str = "已读完，正在核对各文件之间的卡号和重复") -> Iterator[Callable[[object], None]]:
    """``then`` stands on the bar once the last file is read: the rules across files (and a
    consolidation's counting) come after it, seconds at a county's thousands of books, and a
    bar standing still at 100 % with nothing said looks like a program that hung."""
    if quiet or total < SHOW_FROM:
        yield lambda _result: None
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit="个文件", leave=False, dynamic_ncols=True) as bar:
        def tick(_result: object) -> None:
            bar.update(1)
            if bar.n >= total:
                bar.set_description_str(then)  # redrawn at once

        yield tick
