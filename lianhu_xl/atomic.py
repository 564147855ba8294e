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
        blocking = file_in_the_way(path.parent)
        if blocking is not None:  # -o 汇总表.xlsx/县.xlsx: a file where a folder must go (EEXIST, ENOTDIR)
            raise LianhuError(f"无法创建输出文件夹“{path.parent}”：“{blocking}”是一个文件，不是文件夹。"
                              f"请换一个输出位置，例如 {blocking.parent / path.name}。") from None
        raise LianhuError(f"无法创建输出文件夹“{path.parent}”（{os_error_zh(exc)}）。") from None
    lock = path.with_name("~$" + path.name)
    if lock.exists():
        raise OutputLocked(f"“{path.name}”正在 Excel 或 WPS 中打开，请先关闭它再运行。")
    tmp = path.with_name(_temporary_name(path))
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        _discard(tmp)
        refused = _os_error(exc)
        if isinstance(refused, PermissionError) and getattr(refused, "winerror", None) in HELD_OR_DENIED:
            raise OutputLocked(
                f"无法写入“{path}”：文件可能正在 Excel 或 WPS 中打开，或没有写入权限。请关闭后重试。"
            ) from None
        if refused is not None:
            raise LianhuError(f"无法写入“{path}”（{os_error_zh(refused)}）。原有文件未改动。") from None
        raise
    return path


# a PermissionError that is an open file or a refusal (POSIX: no winerror); Windows says "access
# denied" for a pulled-out USB stick or a write-protected one too (19, 21): those get os_error_zh
HELD_OR_DENIED = (None, 5, 32, 33)


def file_in_the_way(folder: Path) -> Path | None:
    """The nearest part of ``folder`` that exists as something other than a folder, if any."""
    for part in (folder, *folder.parents):
        if part.exists() or part.is_symlink():
            return None if part.is_dir() else part
    return None


NAME_MAX = 255  # bytes in one file name (ext4, NTFS: 255 UTF-16 units, more than 255 bytes of UTF-8)


def _temporary_name(path: Path) -> str:
    """``.name.pid.tmp.xlsx`` beside the output, hidden (a collect passes over it), its name cut
    to fit the system's limit: a name of 82 Chinese characters (251 bytes) is a valid output,
    yet 14 more bytes were not (路径太长 for a file that could be written)."""
    tail = f".{os.getpid()}.tmp{path.suffix}"
    stem = path.stem
    while len(f".{stem}{tail}".encode("utf-8", "surrogateescape")) > NAME_MAX and stem:
        stem = stem[:-1]
    return f".{stem}{tail}"


def _os_error(exc: BaseException) -> OSError | None:
    """The system's refusal behind ``exc``: itself, or the OSError XlsxWriter wraps in its own
    FileCreateError (no OSError: a full disk or a denied folder read as a fault of the program)."""
    if isinstance(exc, OSError):
        return exc
    if type(exc).__name__ == "FileCreateError" and exc.args and isinstance(exc.args[0], OSError):
        return exc.args[0]
    return None


def _discard(tmp: Path) -> None:
    try:
        tmp.unlink()
    except OSError:
        pass
