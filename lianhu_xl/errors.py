"""Exceptions that mean "cannot run" (never a problem in a workbook: those are Issues)."""

from __future__ import annotations


class LianhuError(Exception):
    """A condition the clerk must fix before the command can run; the message is Chinese."""


class OutputLocked(LianhuError):
    """The output file is open in another program (Excel, WPS) or not writable."""


def os_error_zh(exc: OSError) -> str:
    """An operating-system error in a clerk's words (the OS may answer in English)."""
    import errno

    words = {
        errno.ENOENT: "路径不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
        errno.ENOSPC: "磁盘已满", errno.ENOTDIR: "路径中有一段不是文件夹", errno.EISDIR: "这是一个文件夹",
        errno.EROFS: "磁盘只读", errno.EEXIST: "已经存在", errno.EBUSY: "文件正被占用",
        errno.ENAMETOOLONG: "路径太长",
    }
    return words.get(exc.errno or 0, exc.strerror or type(exc).__name__)
