"""Files in the collection folder that are not workbooks but may hold a village's submission.

Villages send their books over QQ/WeChat, often zipped (下营村.zip, 倪家营村.rar), sometimes
exported as CSV. Such a file is not read; unless it plainly holds no register, it is an error
naming the file, so that the township learns a village is missing instead of getting totals
silently short of it. Quiet: a .zip whose workbooks all lie, byte for byte, in the folder
already (unzipped beside it), a .zip with no workbook in it (photos), a CSV without a
register's column labels (a roster kept beside the books).
"""

from __future__ import annotations

import zipfile
import zlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .guard import WORKBOOK_SUFFIXES
from .issues import Issue, make_issue

ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".tar", ".gz", ".tgz")
CSV_SUFFIXES = (".csv",)
STRAY_SUFFIXES = ARCHIVE_SUFFIXES + CSV_SUFFIXES
# what a submission inside an archive may be saved as
_INNER_SUFFIXES = WORKBOOK_SUFFIXES + STRAY_SUFFIXES
_MAX_LISTED = 1000  # a zip listing more entries is not opened (its directory alone could fill memory)
_SHOWN = 3  # names listed in a message


@cache
def _register_labels() -> frozenset[str]:
    """Labels a register's header has and a roster (村, 社, 序号, 备注) does not. Asked only when a
    CSV is found: collecting files stays free of the standard's models (collection.py)."""
    from .standard import CardRow, DiaryRow, columns_of

    return frozenset(c.label for m in (CardRow, DiaryRow) for c in columns_of(m)) - {"村", "社", "备注"}


@dataclass(frozen=True, slots=True)
class _Member:
    name: str  # the file name inside the zip, as the clerk sees it
    size: int
    crc: int


def stray_issues(strays: list[tuple[Path, str]], found: list[tuple[Path, str]],
                 named: frozenset[Path] = frozenset()) -> list[Issue]:
    """An issue for each archive or CSV that may hold a submission; ``found`` are the
    workbooks collected beside them (an archive already unzipped among them is quiet).
    A file the clerk ``named`` on the command line is always reported."""
    issues: list[Issue] = []
    if not strays:
        return issues
    crcs = _Crcs(found)
    for path, shown in strays:
        if path.name.lower().endswith(CSV_SUFFIXES):
            if path in named or _looks_like_register(path):
                issues.append(make_issue("csv-not-read", shown, value=shown))
            continue
        members = _zip_members(path) if path.name.lower().endswith(".zip") else None
        listed = [m for m in members or [] if not crcs.holds(m)] or (members or [] if path in named else [])
        if members is None or listed or path in named:  # unlisted: it may hold a village, say so
            names = "、".join(m.name for m in listed[:_SHOWN])
            more = f" 等 {len(listed)} 个文件" if len(listed) > _SHOWN else ""
            issues.append(make_issue("archive-not-read", shown, value=shown,
                                     detail=f"（里面有 {names}{more}）" if names else ""))
    return issues


class _Crcs:
    """CRC-32 of the collected workbooks, computed only for those as large as a zip member."""

    def __init__(self, found: list[tuple[Path, str]]) -> None:
        self.by_size: dict[int, list[Path]] = {}
        for path, _ in found:
            try:
                self.by_size.setdefault(path.stat().st_size, []).append(path)
            except OSError:
                continue
        self.crc: dict[Path, int | None] = {}

    def holds(self, member: _Member) -> bool:
        for path in self.by_size.get(member.size, []):
            if path not in self.crc:
                try:
                    self.crc[path] = zlib.crc32(path.read_bytes())
                except OSError:
                    self.crc[path] = None
            if self.crc[path] == member.crc:
                return True
        return False


def _zip_members(path: Path) -> list[_Member] | None:
    """The submissions a zip holds (workbooks, CSV, archives inside it), or None when its
    directory cannot be read safely: damaged, encrypted names, too many entries, zip64."""
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            fh.seek(max(0, size - 65557))  # the end record and its longest comment
            tail = fh.read()
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) < at + 22 or tail.rfind(b"PK\x06\x07", 0, at) >= 0:
            return None
        if int.from_bytes(tail[at + 10:at + 12], "little") > _MAX_LISTED:
            return None
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (OSError, zipfile.BadZipFile, ValueError, EOFError, NotImplementedError, RuntimeError):
        return None
    members = []
    for info in infos:
        name = _member_name(info).rstrip("/").rpartition("/")[2]
        if not info.is_dir() and not name.startswith(("~$", ".")) and name.lower().endswith(_INNER_SUFFIXES):
            members.append(_Member(name, info.file_size, info.CRC))
    return members


def _member_name(info: zipfile.ZipInfo) -> str:
    """Zips made on Chinese Windows store names in GBK without saying so; zipfile reads them as cp437."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        return info.filename.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return info.filename


def _looks_like_register(path: Path) -> bool:
    """A CSV whose first 64 KB mention 卡号, 联户 or two of a register's column labels.
    One that cannot be opened is reported too: it may be one."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError:
        return True
    encodings = ("utf_16",) if head.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        text = head.decode(encoding, "replace")
        if "卡号" in text or "联户" in text:
            return True
        cells = {c.strip().strip('"').strip() for line in text.splitlines() for c in line.replace("\t", ",").split(",")}
        if len(cells & _register_labels()) >= 2:
            return True
    return False
