"""Exceptions that mean "cannot run" (never a problem in a workbook: those are Issues)."""

from __future__ import annotations


class LianhuError(Exception):
    """A condition the clerk must fix before the command can run; the message is Chinese."""


class OutputLocked(LianhuError):
    """The output file is open in another program (Excel, WPS) or not writable."""


def os_error_zh(exc: OSError) -> str:
    """An operating-system error in a clerk's words (the OS may answer in English). On Windows
    its own code first: Python maps a path over 260 characters to "not found", a file another
    program holds open and a drive that is gone to "access denied"."""
    import errno

    windows = WINDOWS_ERRORS.get(getattr(exc, "winerror", None) or 0)
    if windows:
        return windows
    words = {
        errno.ENOENT: "路径不存在", errno.EACCES: "没有权限", errno.EPERM: "没有权限",
        errno.ENOSPC: "磁盘已满", errno.ENOTDIR: "路径中有一段不是文件夹", errno.EISDIR: "这是一个文件夹",
        errno.EROFS: "磁盘只读", errno.EEXIST: "已经存在", errno.EBUSY: "文件正被占用",
        errno.ENAMETOOLONG: "路径太长",
    }
    return words.get(exc.errno or 0, exc.strerror or type(exc).__name__)


WINDOWS_ERRORS = {  # Windows' own error codes (OSError.winerror); said inside （…）, so no parentheses
    32: "文件正被 Excel、WPS 或其他程序占用，请先关闭它", 33: "文件正被 Excel、WPS 或其他程序占用，请先关闭它",
    206: "路径太长，Windows 一般只允许 260 个字符：请把文件夹放到浅一些的位置，或缩短文件夹和文件的名称",
    123: "文件名或路径里有 Windows 不允许的字符 \\ / : * ? \" < > |",
    19: "磁盘有写保护：请拨开 U 盘的写保护开关，或换一个位置",
    21: "磁盘没有准备好，U 盘或移动硬盘可能已拔出",
    15: "找不到这个盘符，U 盘或移动硬盘可能已拔出",
    53: "找不到网络路径，共享文件夹所在的电脑可能没有开机或网络不通",
}
