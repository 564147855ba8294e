"""Which files a run reads: the workbooks in the folders and files given, each with the name
the clerk is shown, and an issue for whatever is offered but cannot be read (a missing path,
an archive, a CSV export, a link leading outside). Light on purpose: a re-run with nothing
changed decides from this, and the cache, before the readers and the standard are imported.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from .errors import os_error_zh
from .guard import BOOK_SUFFIXES, WORKBOOK_SUFFIXES, is_xml_2003
from .issues import Issue, make_issue
from .strays import STRAY_SUFFIXES, stray_issues


def collect(paths: list[Path]) -> tuple[list[tuple[Path, str]], list[Issue]]:
    """Files to read (with the name shown to the clerk) and issues for what cannot be."""
    found: list[tuple[Path, str]] = []
    issues: list[Issue] = []
    strays: list[tuple[Path, str]] = []  # archives and CSV: not read, but may hold a village's books
    for given in paths:
        if not given.exists() and not given.is_symlink():
            issues.append(make_issue("file-not-found", shown_name(str(given)), value=shown_name(str(given))))
        elif given.is_dir():
            _walk(given, found, issues, strays)
        elif given.is_file():
            (strays if given.name.lower().endswith(STRAY_SUFFIXES) else found).append((given, shown_name(given.name)))
        else:
            issues.append(make_issue("not-a-file", shown_name(str(given)), value=shown_name(str(given))))
    issues.extend(stray_issues(strays, found, named=frozenset(p for p in paths if p.is_file())))
    times = Counter(d for _, d in found)
    if any(n > 1 for n in times.values()):  # two files of one name: each shown with its folder
        found = [(p, shown_name(p.as_posix()) if times[d] > 1 else d) for p, d in found]
    seen: set[Path] = set()
    unique = []
    for p, d in found:
        key = p.resolve()
        if key not in seen:  # the same file named twice is read once
            seen.add(key)
            unique.append((p, d))
    consoles = [(p, d) for p, d in unique if p.suffix.lower() == ".xlsm" and _is_console(p)]
    if consoles:  # the 汇总台 kept among the books: the buttons' own workbook, not a submission
        issues.extend(make_issue("console-skipped", d, value=d) for _, d in consoles)
        unique = [f for f in unique if f not in consoles]
    return _distinct(unique), issues


def open_elsewhere(files: list[tuple[Path, str]]) -> list[Issue]:
    """A word on each book open in Excel or WPS (~$下营村.xlsx beside it) or LibreOffice
    (.~lock.下营村.xlsx#): it is read as last saved, without what was typed since."""
    issues = []
    for path, shown in files:
        try:
            if any((path.parent / owner).exists() for owner in (f"~${path.name}", f".~lock.{path.name}#")):
                issues.append(make_issue("open-elsewhere", shown, value=shown))
        except OSError:
            pass
    return issues


def _is_console(path: Path) -> bool:
    """The 汇总台 (console.py): an .xlsm whose workbook lists the console's internal sheet.
    Read from the zip's directory and one small part; anything odd is left to the guard."""
    import zipfile

    from .console import INTERNAL_SHEET

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("xl/workbook.xml")
            if info.file_size > 1_048_576:
                return False
            return INTERNAL_SHEET.encode() in zf.read(info)
    except Exception:  # not a zip, no workbook part, a bad member: the guard says what it is
        return False


def _distinct(files: list[tuple[Path, str]]) -> list[tuple[Path, str]]:
    """Each file its own shown name. Two names no output can tell apart (下营村.xlsx in UTF-8 and
    the same in GBK bytes, unzipped beside it; a line break or a tab in a name, both shown as
    \ufffd) would share one: their rows and counts are kept by that name. The second is shown as
    下营村（2）.xlsx, the third （3）, in the order found."""
    times = Counter(d for _, d in files)
    if all(n == 1 for n in times.values()):
        return files
    taken = set(times)
    seen: Counter[str] = Counter()
    out = []
    for p, d in files:
        if times[d] > 1:
            seen[d] += 1
            if seen[d] > 1:
                stem, dot, suffix = d.rpartition(".")
                n = seen[d]
                while (shown := f"{stem}（{n}）.{suffix}" if dot else f"{d}（{n}）") in taken:
                    n += 1
                taken.add(shown)
                d = shown
        out.append((p, d))
    return out


def shown_name(name: str) -> str:
    """A file name fit for every output. Names unzipped from a Chinese Windows zip
    arrive as GBK bytes that are not UTF-8; show them as GBK, never crash on them."""
    if any("\udc80" <= ch <= "\udcff" for ch in name):
        raw = os.fsencode(name)
        try:
            name = raw.decode("gbk")
        except UnicodeDecodeError:
            name = raw.decode("utf-8", "replace")
    return "".join("\ufffd" if ord(ch) < 32 or ord(ch) == 127 else ch for ch in name)


def _walk(root: Path, found: list[tuple[Path, str]], issues: list[Issue], strays: list[tuple[Path, str]]) -> None:
    real_root = root.resolve()

    def unlisted(exc: OSError) -> None:  # os.walk would pass over a folder it cannot list, and its books
        where = Path(exc.filename) if exc.filename else root
        rel = shown_name(where.relative_to(root).as_posix() if where != root and where.is_relative_to(root)
                         else str(root))
        issues.append(make_issue("folder-unreadable", rel, value=rel, detail=os_error_zh(exc)))

    for dirpath, dirnames, filenames in os.walk(root, onerror=unlisted, followlinks=False):
        here = Path(dirpath)
        dirnames.sort()
        for name in list(dirnames):
            if name.lower().endswith(BOOK_SUFFIXES):
                rel = shown_name((here / name).relative_to(root).as_posix())
                issues.append(make_issue("not-a-file", rel, value=rel))
                dirnames.remove(name)
            elif name.startswith("."):
                dirnames.remove(name)
            elif (here / name).is_symlink():  # never followed: inside, it is walked where it is;
                dirnames.remove(name)  # elsewhere (or nowhere), said
                try:
                    inside = (here / name).resolve(strict=True).is_relative_to(real_root)
                except (OSError, RuntimeError):
                    inside = False
                if not inside:
                    rel = shown_name((here / name).relative_to(root).as_posix())
                    issues.append(make_issue("link-outside", rel, value=rel))
        for name in sorted(filenames):
            if name.startswith(("~$", ".")):
                continue  # Excel's lock files and hidden files are not submissions
            path = here / name
            rel = shown_name(path.relative_to(root).as_posix())
            lower = name.lower()
            stray = lower.endswith(STRAY_SUFFIXES)
            if not (stray or lower.endswith(WORKBOOK_SUFFIXES) or (lower.endswith(".xml") and _xml_workbook(path))):
                continue  # Word files, pictures, desktop.ini, Thumbs.db: not submissions
            if path.is_symlink():
                try:
                    target = path.resolve(strict=True)
                except (OSError, RuntimeError):  # a link to itself, or to nothing
                    issues.append(make_issue("not-a-file", rel, value=rel))
                    continue
                if not target.is_relative_to(real_root):
                    issues.append(make_issue("link-outside", rel, value=rel))
                    continue
            if not path.is_file():
                issues.append(make_issue("not-a-file", rel, value=rel))
                continue
            (strays if stray else found).append((path, rel))


def _xml_workbook(path: Path) -> bool:
    """An Excel "XML 电子表格 2003" save (下营村.xml): a register the guard cannot read, but must
    name with how to resave it (other .xml files in the folder are not submissions)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return is_xml_2003(head)
