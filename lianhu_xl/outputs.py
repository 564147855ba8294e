"""What an output may replace: never a file someone filled in, nor one being read.

A clerk names outputs by hand (``-o 汇总表.xlsx``), keeps the template's name for the book
she filled in, and points the tool at the folder everything lives in. Each check here stops
the run (``LianhuError``: exit 2, the file untouched) before anything is written, or tells an
earlier output of the same command, found among the inputs, from a submission.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from .atomic import file_in_the_way
from .errors import LianhuError
from .guard import Inspection, Refused, inspect
from .standard_names import CARD_SHEET, DIARY_SHEET, WORKBOOK_NAME

if TYPE_CHECKING:
    from .book import BookResult


def keep_filled_book(out: Path) -> None:
    """Raise LianhuError when a template written to ``out`` (a folder or a file) would replace
    anything but an empty template. Cadres keep the template's name (联户带创登记簿.xlsx), so
    writing the template again in their folder would empty the book they filled in."""
    path = out / WORKBOOK_NAME if out.suffix.lower() != ".xlsx" else out
    if not path.exists():
        return
    book = _checked(path)  # a file no check can read is no empty template either
    if book is not None and book.summary.kind == "book" and not book.rows_read:
        return
    what = _filled(book) if book is not None and book.rows_read else "一个不是空白模板的文件"
    raise LianhuError(f"“{path}”是{what}，生成模板会覆盖它。请另选文件夹或文件名，原文件没有改动。")


def keep_register(path: Path, what: str) -> None:
    """Raise LianhuError when ``path`` holds a register someone filled in: a 汇总表 or 问题清单
    written there (a slip of the name, a tab completion) would replace it. Anything else at
    ``path`` (an earlier output, a file that is no register or that no check can read) is
    replaced as outputs are."""
    if not path.is_file():
        return
    book = _checked(path)
    if book is not None and book.summary.kind == "book" and book.rows_read:
        raise LianhuError(f"“{path}”是{_filled(book)}，写出{what}会覆盖它。请换个文件名或文件夹，原文件没有改动。")


def _checked(path: Path) -> BookResult | None:
    """The file at ``path`` checked as a submission; None when checking it fails outright."""
    from .book import check_file  # the readers are imported only when there is a file to check

    try:
        return check_file(path, path.name)
    except Exception:
        return None


def _filled(book: BookResult) -> str:
    return f"已填写的登记簿（联户卡 {book.summary.card_rows} 行、联户日记 {book.summary.diary_rows} 行）"


def without_earlier_output(files: list[tuple[Path, str]], out: Path, paths: tuple[Path, ...], what: str,
                           ours: Callable[[Inspection], bool]) -> list[tuple[Path, str]]:
    """``files`` without ``out`` when it is an earlier output of this command found in a folder
    (``ours(inspection)`` recognises one). Anything else at ``out`` is a file to be read: a
    register, a roster, a damaged submission. Writing would destroy it, so the run stops."""
    try:
        target = out.resolve()
        named = {Path(p).resolve() for p in paths}
    except (OSError, RuntimeError):
        return files
    kept = []
    for path, display in files:
        try:
            same = path.resolve() == target
        except (OSError, RuntimeError):
            same = False
        if not same:
            kept.append((path, display))
            continue
        try:
            earlier = target not in named and ours(inspect(path))
        except Refused:
            earlier = False
        if not earlier:
            raise LianhuError(f"输出的{what}“{out}”就是要读取的文件（{display}），写出会覆盖它。"
                              f"请把{what}保存到别处（换个文件名或文件夹），原文件没有改动。")
    return kept


def not_xlsx(out: Path, what: str, name: str) -> str | None:
    """What to tell a clerk whose -o / --report ``out`` is no .xlsx file to write (None when it
    is one): ``what`` (问题清单) must be an .xlsx; a folder (汇总结果, the console's 输出文件夹) is
    shown ``name`` inside it (汇总结果/问题清单.xlsx), another name that name with .xlsx."""
    if out.suffix.lower() == ".xlsx" and not out.is_dir():
        return None
    example = out / name if out.is_dir() else out.with_suffix(".xlsx").name
    return f"{what}要存成 .xlsx 文件，例如 {example}。"


def is_report(seen: Inspection) -> bool:
    """A 问题清单 written by ``validate --report``: its first sheet is 按文件, it has no register sheet."""
    names = [n.strip() for n in seen.sheets]
    return names[:1] == ["按文件"] and CARD_SHEET not in names and DIARY_SHEET not in names


def without_reports(files: list[tuple[Path, str]], collect_issues: list) -> list[tuple[Path, str]]:
    """``files`` less the 问题清单 an earlier ``validate --report`` left among the books (each told,
    ``report-skipped``): read, it was a file with no register sheet, an error, exit 1, a file 未汇总
    and an annotated copy of our own report. Only files named 问题清单… are opened to tell."""
    from .issues import make_issue

    kept = []
    for path, display in files:
        try:
            ours = "问题清单" in path.stem and is_report(inspect(path))
        except Refused:
            ours = False
        if ours:
            collect_issues.append(make_issue("report-skipped", display, value=display))
        else:
            kept.append((path, display))
    return kept


def annotate_outside(annotate: Path, paths: tuple[Path, ...]) -> None:
    """The annotated copies must not land inside a folder being checked: the next run would read
    each copy again, as a second submission of the same cards (conflicts, rows left out). Nor
    under a file (退回.xlsx/副本): every copy would fail, each told at its book, the run exit 1."""
    blocking = file_in_the_way(annotate)
    if blocking is not None:
        raise LianhuError(f"标注副本的文件夹“{annotate}”建不了：“{blocking}”是一个文件，不是文件夹。"
                          f"请给 --annotate 另选一个文件夹，例如 {blocking.parent / '退回'}。")
    try:
        folder = annotate.resolve()
        roots = [Path(p).resolve() for p in paths if Path(p).is_dir()]
    except (OSError, RuntimeError):
        return
    for root in roots:
        if folder == root:  # refused even when this run has nothing to annotate (docs/annotate.md)
            raise LianhuError(f"标注副本的文件夹“{annotate}”就是要校验的文件夹，副本会覆盖原文件。"
                              "请给 --annotate 另选一个文件夹（收集文件夹以外的），原文件没有改动。")
        if folder.is_relative_to(root):
            raise LianhuError(f"标注副本的文件夹“{annotate}”在要校验的文件夹“{root.name}”里面，下次校验会把副本"
                              "当成登记簿再读一遍。请给 --annotate 另选收集文件夹以外的文件夹，原文件没有改动。")
