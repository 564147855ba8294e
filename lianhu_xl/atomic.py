"""Outputs are written whole or not at all.

Each output is written to a temporary file in the target folder and moved into
place only when complete, so a crash, a full disk or a kill never leaves half a
workbook, and an existing output is replaced only when the run succeeds.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from .errors import LianhuError, OutputLocked, os_error_zh


def write_atomic(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write(tmp)`` then move ``tmp`` onto ``path``."""
    path = Path(path)
    if path.is_dir():
        raise LianhuError(f"输出“{path}”是一个文件夹，请给出文件名，例如 {path / '汇总表.xlsx'}。")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise LianhuError(f"无法创建输出文件夹“{path.parent}”（{os_error_zh(exc)}）。") from None
    lock = path.with_name("~$" + path.name)
    if lock.exists():
        raise OutputLocked(f"“{path.name}”正在 Excel 或 WPS 中打开，请先关闭它再运行。")
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except PermissionError:
        _discard(tmp)
        raise OutputLocked(
            f"无法写入“{path}”：文件可能正在 Excel 或 WPS 中打开，或没有写入权限。请关闭后重试。"
        ) from None
    except OSError as exc:
        _discard(tmp)
        raise LianhuError(f"无法写入“{path}”（{os_error_zh(exc)}）。原有文件未改动。") from None
    except BaseException:
        _discard(tmp)
        raise
    return path


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink()
    except OSError:
        pass
