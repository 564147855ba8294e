"""Problems written back into the cadre's own workbook (``validate --annotate DIR``).

A cadre does not read a terminal or a report: what reaches them is their own
book, back from the branch, with every problem cell filled (red for errors,
yellow for warnings) and carrying a note that says what is wrong and what to
type, plus a first sheet ``校验结果`` listing the problems with links to their
cells. A row or column the cadre hid that holds a coloured cell is shown in the
copy (and said on ``校验结果``): a mark nobody sees helps no one. The copy is
made with openpyxl, which edits a workbook in place and so keeps values, number
formats, dates, merged cells, column widths, data validations, conditional
formats, pictures and charts (with Pillow), other sheets and (with ``keep_vba``)
macros. What openpyxl drops is handled here:
the x14 extensions holding dropdowns that list another sheet (as Excel saves
them) and sparklines are carried over verbatim, note boxes get their size
back; what is still lost (shapes and text boxes, threaded replies, form
controls, x14 conditional formats such as data bars) is said on ``校验结果``
and reported as ``annotate-incomplete``.

The marks are recorded in a very hidden sheet together with what each marked
cell looked like before (its fill and its note), so that annotating an
annotated copy first restores the cells, then marks them afresh: annotating
twice gives the same marks as once, and a cell the cadre has fixed gets its
own look back. The reader only ever reads 联户卡 and 联户日记, so neither the
result sheet nor the hidden sheet is ever taken for data.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import warnings
from collections import defaultdict
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .atomic import write_atomic
from .catalogue import CATALOGUE, REPEAT_CODES
from .errors import LianhuError, os_error_zh
from .issues import PERSONAL_COLUMNS, Issue, make_issue, severity_zh, spans
from .standard_names import MARKS_SHEET, RESULT_SHEET

if TYPE_CHECKING:
    from openpyxl.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    from .validate import Validation

NOTE_TAG = "【校验】"
NOTE_AUTHOR = "校验"
NEXT_STEP = "改正红色单元格后重新提交"

# fills: strong at the problem cell, light over the rest of a row-level problem
CELL_COLOURS = {"error": "FFFF7C80", "warning": "FFFFE36E"}
ROW_COLOURS = {"error": "FFFFD9D9", "warning": "FFFFF6CC"}
OUR_COLOURS = set(CELL_COLOURS.values()) | set(ROW_COLOURS.values())
RANK = {"error": 0, "warning": 1, "notice": 2}
ROW_SCOPES = ("row", "cross")
RESENT_CODES = ("resent-book", "resent-book-rows", "resent-book-fixed")  # a book sent twice: told at the one to move out
MAX_ROW_WIDTH = 60
BODY_WIDTH = 64

# what openpyxl tells us it drops, in a clerk's words
_LOSSES = (
    ("threaded comment", "批注中的回复（对话）"),
    ("form controls", "按钮、复选框等控件"),
    ("Data Validation extension", "部分下拉列表（数据有效性）"),
    ("Conditional Formatting extension", "部分条件格式"),
    ("DrawingML", "图形和文本框"),
    ("image", "图片"),
    ("Slicer", "切片器"),
    ("Sparkline", "迷你图"),
    ("chart", "图表"),
    ("comment", "合并单元格中的批注"),
)


def annotate_books(result: Validation, files: list[tuple[Path, str]], out_dir: Path,
                   jobs: int = 1, progress: Callable[[int], AbstractContextManager[Callable[[object], None]]]
                   | None = None) -> list[Path]:
    """Write an annotated copy of every workbook with errors or warnings; return the copies.

    Files the guard refused or no reader could open get no copy (the report
    lists them). A file that cannot be annotated is reported as a notice in
    ``result.report``, never silently skipped. ``jobs`` > 1 annotates in worker
    processes (a book of 50 cards and 200 diary rows: about 0.06 s with 10 problems, 0.25 s with
    one a row). ``progress``, given how many copies are to be made, gives a bar to tick once a
    copy (a county's: minutes).
    """
    out_dir = Path(out_dir)
    books = {b.summary.file: b for b in result.books}
    plan: list[tuple[Path, str, Path, str, list[Issue]]] = []
    taken: set[Path] = set()
    stale: list[Issue] = []
    base = _common_folder([path for path, display in files if _absolute(display)])
    for path, display in files:
        book = books.get(display)
        if book is None or not book.summary.sha256 or book.summary.kind == "totals":
            continue
        # the copy made now replaces last run's 校验结果: nothing to say of it
        own = [i for i in result.report.issues.of_file(display) if i.code != "annotated-copy"]
        if any(i.code in ("reader-crashed", "file-corrupt") for i in own):  # not read: no copy
            continue
        resent = next((i for i in own if i.code in RESENT_CODES), None)
        if resent is not None:  # the version to move out of the collection: the clerk's, not the cadre's
            stale.append(make_issue("annotate-resent", display, value=resent.value,
                                    detail=CATALOGUE[resent.code].title))
            continue
        if not any(i.severity in ("error", "warning") and i.code not in REPEAT_CODES for i in own):
            # nothing the cadre must do: clean, or its only warnings copies counted once ("无需处理")
            earlier = out_dir / _relative(display, path, base)
            if earlier.resolve() != path.resolve() and _our_copy(earlier):  # last run's copy of a book now
                # clean: the clerk must not send it again (never the book itself, a copy resubmitted)
                stale.append(make_issue("annotate-stale", display, detail=str(earlier)))
            continue
        target = out_dir / _relative(display, path, base)
        if target.resolve() == path.resolve():
            raise LianhuError(f"标注副本会覆盖原文件“{path}”。请给 --annotate 另选一个文件夹，原文件不会被改动。")
        n = 1
        while target in taken:  # two sources whose names fold to one copy: never overwrite
            n += 1
            target = target.with_name(f"{target.stem.rsplit('(', 1)[0]}({n}){target.suffix}")
        taken.add(target)
        plan.append((path, display, target, book.summary.sha256, own))
    written: list[Path] = []
    added: list[Issue] = stale
    with progress(len(plan)) if progress is not None else nullcontext(lambda _done: None) as tick:
        outcomes = _annotate_all(plan, jobs, tick)
    for made, notices in outcomes:
        if made is not None:
            written.append(made)
        added.extend(notices)
    if added:
        result.report.issues.extend(added)
        from .validate import finish

        finish(result.report, result.books, result.store)
    return written


def _annotate_all(plan: list[tuple[Path, str, Path, str, list[Issue]]], jobs: int,
                  tick: Callable[[object], None]) -> list[tuple[Path | None, list[Issue]]]:
    """Every copy of the plan, in its order; in worker processes when ``jobs`` > 1."""
    if jobs > 1 and len(plan) > 2:
        from concurrent.futures.process import BrokenProcessPool

        from .batch import terminated_as_interrupt, worker_pool

        outcomes = []
        try:  # the batch's pool: workers die with this process and are killed on Ctrl-C
            with terminated_as_interrupt(), worker_pool(min(jobs, len(plan))) as pool:
                for outcome in pool.map(_annotate_task, plan, chunksize=4):
                    outcomes.append(outcome)
                    tick(outcome)
            return outcomes
        except (BrokenProcessPool, OSError):  # a worker died: the rest one by one, here
            pass
        done = len(outcomes)
        return outcomes + [_ticked(_annotate_task(task), tick) for task in plan[done:]]
    return [_ticked(_annotate_task(task), tick) for task in plan]


def _ticked(outcome: tuple[Path | None, list[Issue]], tick: Callable[[object], None]) -> tuple[Path | None, list[Issue]]:
    tick(outcome)
    return outcome


def _our_copy(path: Path) -> bool:
    """Whether ``path`` is an annotated copy this tool wrote (its workbook lists the hidden marks
    sheet): a file of the clerk's own of that name is none of our business."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as z:
            return f'name="{MARKS_SHEET}"'.encode() in z.read("xl/workbook.xml")
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError, ValueError):
        return False


def _annotate_task(task: tuple[Path, str, Path, str, list[Issue]]) -> tuple[Path | None, list[Issue]]:
    """One book: read it, check it is the book that was validated, write its copy."""
    path, display, target, sha256, issues = task
    notices: list[Issue] = []
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [make_issue("annotate-failed", display, detail=f"文件无法读取：{os_error_zh(exc)}")]
    if hashlib.sha256(data).hexdigest() != sha256:
        return None, [make_issue("annotate-failed", display, detail="文件在校验之后被改动过，请重新校验")]
    try:
        return annotate_one(data, path.suffix.lower(), target, issues, display, notices), notices
    except LianhuError as exc:
        return None, [make_issue("annotate-failed", display, detail=str(exc).rstrip("。"))]
    except Exception:  # openpyxl could not take this workbook; the report still lists every problem
        return None, [make_issue("annotate-failed", display, detail="文件格式超出本工具能处理的范围")]


def _absolute(display: str) -> bool:
    """A display name that is a whole path (``/home/…``, ``D:/…``): two files of one name given
    on the command line are shown with their folders."""
    return display.startswith("/") or re.match(r"^[A-Za-z]:/", display) is not None


def _common_folder(paths: list[Path]) -> Path | None:
    """The folder holding all of ``paths``: their copies are placed relative to it."""
    import os

    try:
        return Path(os.path.commonpath([p.resolve().parent for p in paths])) if paths else None
    except (ValueError, OSError):  # on two drives: no common folder
        return None


def _relative(display: str, path: Path, base: Path | None = None) -> PurePosixPath:
    """The copy's name under DIR: the display name, never escaping DIR. A whole path shown
    (two files of one name given by their paths) keeps only the folders below ``base``: 甲/下营村.xlsx,
    not the whole path from the drive down."""
    if base is not None and _absolute(display):
        try:
            return PurePosixPath(path.resolve().relative_to(base).as_posix())
        except (ValueError, OSError):
            pass
    parts = [p for p in PurePosixPath(display).parts if p not in ("/", "..", ".") and not p.endswith(":")]
    return PurePosixPath(*parts) if parts else PurePosixPath(path.name)


def annotate_one(data: bytes, suffix: str, target: Path, issues: list[Issue], display: str,
                 notices: list[Issue] | None = None) -> Path:
    """Annotate one workbook's bytes and write the copy to ``target`` atomically."""
    from openpyxl import load_workbook

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        wb = load_workbook(io.BytesIO(data), keep_vba=suffix == ".xlsm", rich_text=True)
    _keep_note_sizes(wb, data)
    carried = extensions_by_sheet(data)
    kept = {what for exts in carried.values() for what, _ in exts}
    lost = [x for x in _losses([str(w.message) for w in caught] + _unkept_parts(data)) if x not in kept]
    clear_marks(wb)
    marks = Marks()
    ordered = sorted(issues, key=Issue.sort_key)
    for issue in ordered:
        _mark(wb, marks, issue)
    shown = _show_marked(wb, marks)
    title = _result_sheet(wb, ordered, lost, shown)
    marks.save(wb, title)
    if lost and notices is not None:
        notices.append(make_issue("annotate-incomplete", display, detail="、".join(lost)))

    def write(tmp: Path) -> None:
        wb.save(tmp)
        if carried:
            carry_extensions(tmp, carried)

    return write_atomic(target, write)


# parts of a workbook openpyxl drops without a word: (where, marker, what we tell openpyxl's way)
_SILENT = (
    ("xl/drawings/drawing", b"<xdr:sp", "DrawingML shapes"),
    ("xl/drawings/drawing", b"<xdr:grpSp", "DrawingML shapes"),
    ("xl/threadedComments/", b"", "threaded comment replies"),
    ("xl/ctrlProps/", b"", "form controls"),
    ("xl/activeX/", b"", "form controls"),
    ("xl/worksheets/sheet", b"x14:dataValidation", "Data Validation extension"),
    ("xl/worksheets/sheet", b"x14:conditionalFormatting", "Conditional Formatting extension"),
)


def _unkept_parts(data: bytes) -> list[str]:
    """What the source holds that openpyxl will not write back, though it may not warn."""
    import zipfile

    found: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for name in zf.namelist():
                blob = None  # each part read once, though two markers may be looked for in it
                for prefix, marker, what in _SILENT:
                    if not name.startswith(prefix) or what in found:
                        continue
                    if marker:
                        blob = zf.read(name) if blob is None else blob
                        if marker not in blob:
                            continue
                    found.append(what)
    except (zipfile.BadZipFile, OSError, ValueError):
        pass
    return found


# extensions openpyxl drops that we put back verbatim: (uri, what they are in a clerk's words)
_CARRIED = (
    ("{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}", "部分下拉列表（数据有效性）"),  # lists from another sheet
    ("{05C60535-1F16-4fd2-B633-F4F36F0B64E0}", "迷你图"),
)
_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_EXT_RE = re.compile(rb'<(?P<p>[A-Za-z_][\w.-]*:)?ext\b[^>]*\buri="(?P<uri>\{[^"]+\})"[^>]*>.*?</(?P=p)?ext>', re.S)
_XMLNS_RE = re.compile(rb'xmlns:([A-Za-z_][\w.-]*)="([^"]*)"')
_PREFIX_RE = re.compile(rb'</?([A-Za-z_][\w.-]*):|\s([A-Za-z_][\w.-]*):[\w.-]+=')


def _sheet_members(zf) -> dict[str, str]:
    """Sheet name -> its part in the zip, read off workbook.xml and its relationships."""
    from xml.etree import ElementTree

    book = ElementTree.fromstring(zf.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    target = {}
    for rel in rels.iter(f"{{{_PKG_NS}}}Relationship"):
        t = rel.get("Target", "")
        target[rel.get("Id")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    return {s.get("name", ""): target.get(s.get(f"{{{_REL_NS}}}id"), "")
            for s in book.iter(f"{{{_MAIN_NS}}}sheet")}


def extensions_by_sheet(data: bytes) -> dict[str, list[tuple[str, bytes]]]:
    """The extensions of each sheet that openpyxl would drop, as self-contained XML."""
    import zipfile

    out: dict[str, list[tuple[str, bytes]]] = {}
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            for sheet, member in _sheet_members(zf).items():
                if not member or b"<" not in (blob := zf.read(member)) or b"extLst" not in blob:
                    continue
                root_tag = blob[: blob.find(b">", blob.find(b"worksheet")) + 1]
                declared = dict(_XMLNS_RE.findall(root_tag))
                for m in _EXT_RE.finditer(blob):
                    what = dict(_CARRIED).get(m.group("uri").decode())
                    if what is not None:
                        out.setdefault(sheet, []).append((what, _self_contained(m.group(0), declared)))
    except Exception:  # nothing carried: the loss is then reported, never hidden
        return {}
    return out


def _self_contained(snippet: bytes, declared: dict[bytes, bytes]) -> bytes:
    """Declare on the snippet every namespace prefix it uses but got from the sheet's root."""
    own = dict(_XMLNS_RE.findall(snippet))
    used = {a or b for a, b in _PREFIX_RE.findall(snippet)} - {b"xmlns", b"xml"}
    extra = b"".join(b' xmlns:%s="%s"' % (p, declared[p]) for p in sorted(used)
                     if p not in own and p in declared)
    if not extra:
        return snippet
    end = snippet.find(b">")
    cut = end - 1 if snippet[end - 1:end] == b"/" else end
    return snippet[:cut] + extra + snippet[cut:]


def carry_extensions(path: Path, carried: dict[str, list[tuple[str, bytes]]]) -> None:
    """Put the carried extensions back into the sheets openpyxl wrote (extLst comes last)."""
    import zipfile

    with zipfile.ZipFile(path) as zf:
        members = _sheet_members(zf)
        items = [(info, zf.read(info)) for info in zf.infolist()]
    blobs = {info.filename: blob for info, blob in items}
    patched = {}
    for sheet, exts in carried.items():
        member = members.get(sheet)
        if not member:
            continue
        blob = blobs[member]
        body = b"".join(x for _, x in exts)
        if b"<extLst>" in blob:
            blob = blob.replace(b"</extLst>", body + b"</extLst>", 1)
        else:
            at = blob.rfind(b"</worksheet>")
            blob = blob[:at] + b"<extLst>" + body + b"</extLst>" + blob[at:]
        patched[member] = blob
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, blob in items:
            zf.writestr(info, patched.get(info.filename, blob))


_SHAPE_RE = re.compile(rb'<v:shape\b[^>]*?\bstyle="([^"]*)"[^>]*>(.*?)</v:shape>', re.S)
_SIZE_RE = re.compile(rb'\b(width|height)\s*:\s*([\d.]+)\s*(pt|px)')
_ROWCOL_RE = re.compile(rb'<x:Row>\s*(\d+)\s*</x:Row>.*?<x:Column>\s*(\d+)\s*</x:Column>', re.S)


def _keep_note_sizes(wb: Workbook, data: bytes) -> None:
    """Give the notes the size they had (openpyxl forgets it and would shrink every note box
    to 144×79, cutting off the template's longer help texts)."""
    import posixpath
    import zipfile
    from xml.etree import ElementTree

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            for sheet, member in _sheet_members(zf).items():
                rels = posixpath.join(posixpath.dirname(member), "_rels", posixpath.basename(member) + ".rels")
                if sheet not in wb.sheetnames or rels not in names:
                    continue
                for rel in ElementTree.fromstring(zf.read(rels)).iter(f"{{{_PKG_NS}}}Relationship"):
                    if not rel.get("Type", "").endswith("/vmlDrawing"):
                        continue
                    vml = posixpath.normpath(posixpath.join(posixpath.dirname(member), rel.get("Target", "")))
                    if vml in names:
                        _apply_sizes(wb[sheet], zf.read(vml))
    except Exception:  # sizes are a comfort, never a reason to fail
        return


def _apply_sizes(ws: Worksheet, vml: bytes) -> None:
    for style, body in _SHAPE_RE.findall(vml):
        where = _ROWCOL_RE.search(body)
        sizes = {k: float(v) * (4 / 3 if unit == b"pt" else 1) for k, v, unit in _SIZE_RE.findall(style)}
        if not where or b"width" not in sizes or b"height" not in sizes:
            continue
        cell = ws._cells.get((int(where.group(1)) + 1, int(where.group(2)) + 1))
        if cell is not None and cell.comment is not None:
            cell.comment.width, cell.comment.height = round(sizes[b"width"]), round(sizes[b"height"])


def _losses(messages: list[str]) -> list[str]:
    out: list[str] = []
    for text in messages:
        for needle, what in _LOSSES:
            if needle.lower() in text.lower() and what not in out:
                out.append(what)
                break
    return out


# --- marks and how to take them off again -----------------------------------


@dataclass(slots=True)
class Marks:
    """Every cell we touched, with its look before, kept in a very hidden sheet."""

    before: dict[tuple[str, str], dict] = field(default_factory=dict)
    shown: list[dict] = field(default_factory=list)  # rows and columns unhidden: {"sheet", "row"|"column"}
    # worked out once a copy, not once a marked row: a book whose 600 rows all have an error
    # took 5 s to annotate, most of it these two again and again
    widths: dict[str, int] = field(default_factory=dict)  # sheet -> how far a row's mark reaches
    fills: dict[int, str] = field(default_factory=dict)  # the book's fill (its id) -> as XML
    painted: dict[str, int] = field(default_factory=dict)  # our colour -> its fill's id in the book

    def remember(self, ws: Worksheet, coord: str) -> None:
        key = (ws.title, coord)
        if key in self.before:
            return
        cell = _cell(ws, coord)
        comment = cell.comment
        fid = cell._style.fillId if cell._style is not None else 0  # None: a cell never styled
        fill = self.fills.get(fid)
        if fill is None:
            fill = self.fills[fid] = _fill_xml(cell.fill)
        self.before[key] = {
            "sheet": ws.title, "cell": coord, "fill": fill,
            "comment": [comment.text, comment.author, comment.width, comment.height] if comment else None,
        }

    def save(self, wb: Workbook, result_title: str) -> None:
        ws = wb.create_sheet(MARKS_SHEET)
        ws.sheet_state = "veryHidden"
        ws.append(["lianhu_xl 校验标记（请勿修改）", result_title])
        for record in [*self.before.values(), *self.shown]:
            ws.append([json.dumps(record, ensure_ascii=False)])


def clear_marks(wb: Workbook) -> None:
    """Take off the marks of an earlier annotation: fills and notes back as they were."""
    if MARKS_SHEET not in wb.sheetnames:
        _sweep(wb)
        return
    ws = wb[MARKS_SHEET]
    result_title = ws["B1"].value if isinstance(ws["B1"].value, str) else RESULT_SHEET
    records = []
    for (raw,) in ws.iter_rows(min_row=2, max_col=1, values_only=True):
        try:
            record = json.loads(raw) if isinstance(raw, str) else None
        except ValueError:
            record = None
        if isinstance(record, dict) and record.get("sheet") in wb.sheetnames:
            records.append(record)
    unhid = {r["sheet"] for r in records if "kept_rows" in r and _cadre_unhid(wb[r["sheet"]], r)}
    for record in records:
        sheet = wb[record["sheet"]]
        if "kept_rows" in record:
            continue
        if "cell" not in record:  # a row or column we unhid: hidden again, as the cadre had it, unless
            if sheet.title not in unhid:  # in this copy the cadre unhid rows or columns we left hidden
                _hide_again(sheet, record)
            continue
        try:
            cell = sheet[record["cell"]]
        except (ValueError, KeyError):
            continue
        if _is_ours(cell.fill):  # a fill the cadre changed since is theirs to keep
            cell.fill = _fill_from_xml(record.get("fill"))
        if cell.comment is not None and cell.comment.text.startswith(NOTE_TAG):
            cell.comment = _comment(record.get("comment"))
    wb.remove(ws)
    if result_title in wb.sheetnames:
        wb.remove(wb[result_title])


def _sweep(wb: Workbook) -> None:
    """Marks whose record is gone (the hidden sheet lost on the way): notes and fills off."""
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    cells = [c for ws in wb.worksheets for c in ws._cells.values()]
    ours = [c for c in cells if c.comment is not None and c.comment.text.startswith(NOTE_TAG)]
    if not ours:
        return  # never annotated by us: nothing to take off
    for cell in ours:
        own = cell.comment.text.split("\n原批注：", 1)
        cell.comment = Comment(own[1], "") if len(own) == 2 else None
    for cell in cells:
        if _is_ours(cell.fill):
            cell.fill = PatternFill()


def _fill_xml(fill) -> str:
    from openpyxl.xml.functions import tostring

    return tostring(fill.to_tree()).decode()


def _fill_from_xml(xml: str | None):
    from openpyxl.styles import PatternFill
    from openpyxl.styles.fills import Fill
    from openpyxl.xml.functions import fromstring

    if not xml:
        return PatternFill()
    try:
        return Fill.from_tree(fromstring(xml)) or PatternFill()
    except Exception:
        return PatternFill()


def _comment(saved: list | None):
    from openpyxl.comments import Comment

    if not saved:
        return None
    text, author, width, height = (list(saved) + [None] * 4)[:4]
    comment = Comment(text or "", author or "")
    if width and height:
        comment.width, comment.height = width, height
    return comment


def _is_ours(fill) -> bool:
    colour = getattr(getattr(fill, "fgColor", None), "rgb", None)
    return getattr(fill, "fill_type", None) == "solid" and isinstance(colour, str) and colour.upper() in OUR_COLOURS


# --- marking -------------------------------------------------------------------


def _mark(wb: Workbook, marks: Marks, issue: Issue) -> None:
    if issue.sheet and issue.sheet in wb.sheetnames:
        ws = wb[issue.sheet]
    elif not issue.sheet and issue.severity in CELL_COLOURS:
        # a problem of the whole file (no 联户卡 sheet, say) is noted where the book opens
        visible = [w for w in wb.worksheets if w.sheet_state == "visible"]
        if not visible:
            return
        ws = visible[0]
    else:
        return
    coord = _anchor(ws, issue.cell or (f"A{issue.row}" if issue.row else "A1"))
    severity = issue.severity
    entry = CATALOGUE.get(issue.code)
    if severity in ROW_COLOURS and entry is not None and entry.scope in ROW_SCOPES and issue.row:
        width = marks.widths.get(ws.title)
        if width is None:
            width = marks.widths[ws.title] = _row_width(ws)
        for col in range(1, width + 1):
            other = _anchor(ws, f"{_letter(col)}{issue.row}")
            _paint(ws, marks, other, ROW_COLOURS[severity], severity, strong=False)
    if severity in CELL_COLOURS:
        _paint(ws, marks, coord, CELL_COLOURS[severity], severity, strong=True)
    else:
        marks.remember(ws, coord)
    _add_note(ws, coord, issue)


def _paint(ws: Worksheet, marks: Marks, coord: str, colour: str, severity: str, strong: bool) -> None:
    from openpyxl.styles import PatternFill

    marks.remember(ws, coord)
    cell = _cell(ws, coord)
    current = getattr(cell.fill.fgColor, "rgb", None) if _is_ours(cell.fill) else None
    if current is not None:
        ranks = {CELL_COLOURS["error"]: 0, CELL_COLOURS["warning"]: 1, ROW_COLOURS["error"]: 2,
                 ROW_COLOURS["warning"]: 3}
        if ranks.get(current.upper(), 9) <= ranks[colour]:
            return  # already marked as strongly or more
    fill = marks.painted.get(colour)
    if fill is None or cell._style is None:  # the book's fill list finds a fill by hashing it, slowly: once a colour
        cell.fill = PatternFill("solid", fgColor=colour, bgColor=colour)
        marks.painted[colour] = cell._style.fillId
    else:
        cell._style.fillId = fill


def _add_note(ws: Worksheet, coord: str, issue: Issue) -> None:
    from openpyxl.comments import Comment

    cell = ws[coord]
    line = f"{severity_zh(issue.severity)}：{_body(issue, ws)}"
    old = cell.comment
    if old is not None and old.text.startswith(NOTE_TAG):
        lines = old.text.split("\n")
        if "原批注：" in old.text:
            at = lines.index(next(x for x in lines if x.startswith("原批注：")))
            lines.insert(at, line)
        else:
            lines.append(line)
        text = "\n".join(lines)
    else:
        text = NOTE_TAG + "\n" + line
        if old is not None and old.text.strip():
            text += "\n原批注：" + old.text.strip()
    comment = Comment(text, NOTE_AUTHOR)
    comment.width = 300
    comment.height = min(60 + 18 * sum(1 + len(x) // 18 for x in text.split("\n")), 400)
    cell.comment = comment


def _body(issue: Issue, ws: Worksheet | None = None) -> str:
    """The message without the place in front (the note sits at the place).

    In the cadre's own copy a masked 身份证号 or 联系电话 is shown as typed:
    ``“***”`` would not tell them which number is wrong.
    """
    prefix = f"{issue.sheet}!{issue.cell}：" if issue.sheet and issue.cell else f"{issue.sheet}："
    message = issue.message
    body = message[len(prefix):] if issue.sheet and message.startswith(prefix) else message
    typed = _typed(issue, ws)
    if typed is not None and issue.value:
        body = body.replace(f"“{issue.value}”", f"“{typed}”")
    return body


def _typed(issue: Issue, ws: Worksheet | None) -> str | None:
    """The personal value as it stands in the cell (only ever written into the cadre's own copy)."""
    if ws is None or issue.column not in PERSONAL_COLUMNS or not issue.value or not issue.cell:
        return None
    coord = issue.cell.upper()
    if not _COORD.match(coord):
        return None
    m = _COORD.match(coord)
    from openpyxl.utils import column_index_from_string

    cell = ws._cells.get((int(m.group(2)), column_index_from_string(m.group(1))))
    if cell is None or cell.value is None:
        return None
    value = cell.value
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value).strip()


_COORD = re.compile(r"^([A-Z]{1,3})(\d+)$")


def _anchor(ws: Worksheet, coord: str) -> str:
    """The cell that shows ``coord``: the top-left cell of its merged range, if any."""
    coord = coord.replace("$", "").upper()
    if not _COORD.match(coord):
        coord = "A1"
    ranges = ws.merged_cells.ranges
    if ranges:
        from openpyxl.utils.cell import coordinate_to_tuple

        row, col = coordinate_to_tuple(coord)
        for rng in ranges:  # by its bounds: ``coord in rng`` makes a range of coord each time
            if rng.min_row <= row <= rng.max_row and rng.min_col <= col <= rng.max_col:
                return rng.start_cell.coordinate
    return coord


def _cell(ws: Worksheet, coord: str):
    """The cell; a cell that did not exist yet takes its row's or column's format, as Excel would."""
    from openpyxl.utils import column_index_from_string

    m = _COORD.match(coord)
    assert m
    row, col = int(m.group(2)), column_index_from_string(m.group(1))
    existed = (row, col) in ws._cells
    cell = ws.cell(row=row, column=col)
    if not existed:
        dim = ws.row_dimensions.get(row) if row in ws.row_dimensions else None
        if dim is not None and dim.customFormat and dim.has_style:
            cell._style = copy(dim._style)
        else:
            for cd in ws.column_dimensions.values():
                lo, hi = cd.min or 0, cd.max or 0
                if lo <= col <= hi and cd.has_style:
                    cell._style = copy(cd._style)
                    break
    return cell


def _show_marked(wb: Workbook, marks: Marks) -> list[str]:
    """Sheets, rows and columns the cadre hid (or a filter left out) that hold a red or yellow cell
    (not the light tint a row's problem spreads across it) are shown in the copy: a red cell nobody
    sees, and a 位置 link on 校验结果 jumping to a hidden row, tell the cadre nothing. Each is recorded with the marks (annotating this copy again hides it
    first, so a row whose error is fixed goes back out of sight) and said, one line a sheet."""
    rows: dict[str, set[int]] = defaultdict(set)
    cols: dict[str, set[int]] = defaultdict(set)
    strong = set(CELL_COLOURS.values())  # a row's light tint reaches columns the problem is not in
    for sheet, coord in marks.before:
        cell = wb[sheet][coord]
        if _is_ours(cell.fill) and cell.fill.fgColor.rgb.upper() in strong:
            rows[sheet].add(cell.row)
            cols[sheet].add(cell.column)
    said: list[str] = []
    for sheet in wb.sheetnames:  # in the book's order
        if sheet not in rows:
            continue
        ws = wb[sheet]
        state = ws.sheet_state  # the whole sheet hidden (右键“隐藏”): shown too, else no mark is seen
        if state != "visible":
            ws.sheet_state = "visible"
            marks.shown.append({"sheet": sheet, "state": state})
            said.append(f"“{sheet}”表原来是隐藏的，这份副本里已取消隐藏，以便看到标出的问题；原文件没有改动。")
        hidden_rows = [r for r in sorted(rows[sheet]) if r in ws.row_dimensions and ws.row_dimensions[r].hidden]
        hidden_cols = [c for c in sorted(cols[sheet]) if (d := _column_dimension(ws, c)) is not None and d.hidden]
        for r in hidden_rows:
            ws.row_dimensions[r].hidden = False
            marks.shown.append({"sheet": sheet, "row": r})
        for c in hidden_cols:
            _own_column(ws, c).hidden = False
            marks.shown.append({"sheet": sheet, "column": c})
        if hidden_rows or hidden_cols:  # what stays hidden: the cadre unhiding any of it says "show"
            kept = {"sheet": sheet, "kept_rows": _runs(_hidden_rows(ws)), "kept_columns": _runs(_hidden_columns(ws))}
            if len(json.dumps(kept)) < KEPT_LIMIT:
                marks.shown.append(kept)
        parts = []
        if hidden_rows:
            parts.append(f"第 {spans(hidden_rows)} 行")
        if hidden_cols:
            parts.append("、".join(_letter(c) for c in hidden_cols) + " 列")
        if parts:
            said.append(f"“{sheet}”表的{'和'.join(parts)}原来是隐藏的（或被筛选掉了），这份副本里已取消隐藏，"
                        "以便看到标出的问题；原文件没有改动。")
    return said


KEPT_LIMIT = 30_000  # characters of one record (an Excel cell holds 32,767)


def _runs(numbers: list[int]) -> list[list[int]]:
    """[4, 5, 6, 9] -> [[4, 6], [9, 9]]: a filter may hide thousands of rows."""
    out: list[list[int]] = []
    for n in numbers:
        if out and out[-1][1] == n - 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return out


def _hidden_rows(ws: Worksheet) -> list[int]:
    return sorted(r for r, d in ws.row_dimensions.items() if d.hidden)


def _hidden_columns(ws: Worksheet) -> list[int]:
    from openpyxl.utils import column_index_from_string

    cols: set[int] = set()
    for dim in ws.column_dimensions.values():
        if dim.hidden:
            lo = dim.min or column_index_from_string(dim.index)
            cols.update(range(lo, (dim.max or lo) + 1))
    return sorted(cols)


def _cadre_unhid(ws: Worksheet, kept: dict) -> bool:
    """Whether rows or columns that stayed hidden in the copy we wrote are shown now: the cadre
    unhid them (取消隐藏, or cleared the filter) and wants the sheet shown, so the rows we
    showed are not hidden again behind his back."""
    rows, cols = set(_hidden_rows(ws)), set(_hidden_columns(ws))
    try:
        return (any(n not in rows for a, b in kept.get("kept_rows", []) for n in range(a, b + 1))
                or any(n not in cols for a, b in kept.get("kept_columns", []) for n in range(a, b + 1)))
    except (TypeError, ValueError):  # a record we cannot read: hide again, as before
        return False


def _hide_again(ws: Worksheet, record: dict) -> None:
    """Undo ``_show_marked`` for one sheet, row or column of an earlier annotation."""
    row, col, state = record.get("row"), record.get("column"), record.get("state")
    if state in ("hidden", "veryHidden"):
        ws.sheet_state = state
    elif isinstance(row, int) and row > 0:
        ws.row_dimensions[row].hidden = True
    elif isinstance(col, int) and col > 0:
        _own_column(ws, col).hidden = True


def _column_dimension(ws: Worksheet, col: int):
    """The <col> entry covering ``col`` (one entry may cover B:D), or None."""
    from openpyxl.utils import column_index_from_string

    for dim in ws.column_dimensions.values():
        lo = dim.min or column_index_from_string(dim.index)
        if lo <= col <= (dim.max or lo):
            return dim
    return None


def _own_column(ws: Worksheet, col: int):
    """The entry of ``col`` alone, split off an entry covering several columns (hidden together),
    so that changing it changes no other column; made when there is none."""
    from openpyxl.worksheet.dimensions import ColumnDimension

    dim = _column_dimension(ws, col)
    if dim is None:
        dim = ws.column_dimensions[_letter(col)]
        dim.min = dim.max = col
        return dim
    lo = dim.min or col
    hi = dim.max or lo
    if lo == hi:
        return dim
    for key in [k for k, d in ws.column_dimensions.items() if d is dim]:
        del ws.column_dimensions[key]
    own = None
    for a, b in ((lo, col - 1), (col, col), (col + 1, hi)):
        if a > b:
            continue
        piece = ColumnDimension(ws, index=_letter(a), width=dim.width, bestFit=dim.bestFit, hidden=dim.hidden,
                                outlineLevel=dim.outlineLevel, collapsed=dim.collapsed, min=a, max=b)
        piece._style = copy(dim._style)
        ws.column_dimensions[_letter(a)] = piece
        if a == col:
            own = piece
    return own


def _row_width(ws: Worksheet) -> int:
    """How far a row-level mark reaches: the widest of the first rows (title and header)."""
    width = 1
    for (row, col), cell in ws._cells.items():  # never iter_rows: it would create empty cells
        if row <= 12 and col > width and cell.value is not None:
            width = col
    return min(width, MAX_ROW_WIDTH)


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)


# --- the result sheet ----------------------------------------------------------


def _result_sheet(wb: Workbook, issues: list[Issue], lost: list[str], shown: list[str] | None = None) -> str:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.worksheet.hyperlink import Hyperlink

    ws = wb.create_sheet(RESULT_SHEET, 0)
    errors = sum(1 for i in issues if i.severity == "error")
    warns = sum(1 for i in issues if i.severity == "warning")
    notes = sum(1 for i in issues if i.severity == "notice")
    head = f"校验结果：错误 {errors} 处（红色单元格），警告 {warns} 处（黄色单元格）"
    if notes:
        head += f"，提示 {notes} 处"
    _text(ws, 1, 1, head + "。").font = Font(bold=True, size=14)
    if errors:
        step = f"下一步：{NEXT_STEP}。黄色单元格请核对，确实无误的可以不改。"
    else:
        step = "没有错误，可以汇总。黄色单元格请核对，确实无误的可以不改。"
    _text(ws, 2, 1, step).font = Font(bold=True, color="FFC00000" if errors else "FF000000")
    _text(ws, 3, 1, "点“位置”可跳到那个单元格；把鼠标移到标色的单元格上，可以看到批注。"
                    "改好后标色、批注和这张表可以不删：校验只看填写的内容，不看颜色和批注。")
    line = 4
    if lost:
        _text(ws, line, 1, f"注意：这份副本没能保留原文件中的{'、'.join(lost)}；"
                           "如果这些内容要紧，请在原文件中逐项改正。").font = Font(color="FFC00000")
        line += 1
    for text in shown or ():  # rows the cadre hid, shown so that their marks are seen
        _text(ws, line, 1, "注意：" + text).font = Font(color="FFC00000")
        line += 1
    header = ["序号", "级别", "位置", "列", "填写的内容", "问题", "说明和改法"]
    top = line + 1
    thin = Side(style="thin", color="FFBFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for c, label in enumerate(header, start=1):
        cell = _text(ws, top, c, label)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="FFDDEBF7")
        cell.border = border
    wrap = Alignment(wrap_text=True, vertical="top")
    link_font = Font(color="FF0563C1", underline="single")
    for n, issue in enumerate(sorted(issues, key=lambda i: (RANK.get(i.severity, 3), i.sort_key())), 1):
        r = top + n
        where = issue.where or "整个文件"
        book_ws = wb[issue.sheet] if issue.sheet and issue.sheet in wb.sheetnames else None
        body = _body(issue, book_ws)
        values = [str(n), severity_zh(issue.severity), where, issue.column or "",
                  _typed(issue, book_ws) or issue.value or "",
                  CATALOGUE[issue.code].title if issue.code in CATALOGUE else "", body]
        for c, value in enumerate(values, start=1):
            cell = _text(ws, r, c, value)
            cell.alignment = wrap
            cell.border = border
        ws.row_dimensions[r].height = 15 * max(_lines(body, BODY_WIDTH), _lines(values[4], 18),
                                               _lines(values[5], 18), _lines(values[3], 14))
        level = ws.cell(row=r, column=2)
        if issue.severity in CELL_COLOURS:
            level.fill = PatternFill("solid", fgColor=CELL_COLOURS[issue.severity])
        if issue.sheet and issue.sheet in wb.sheetnames:
            target = _anchor(wb[issue.sheet], issue.cell or (f"A{issue.row}" if issue.row else "A1"))
            place = ws.cell(row=r, column=3)
            place.hyperlink = Hyperlink(ref=place.coordinate, location=f"'{issue.sheet}'!{target}",
                                        display=where)
            place.font = link_font
    for letter, width in zip("ABCDEFG", (6, 7, 16, 14, 18, 18, BODY_WIDTH), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{top + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{top}:{top}"
    for other in wb.worksheets:
        other.sheet_view.tabSelected = False
    ws.sheet_view.tabSelected = True
    wb.active = 0
    return ws.title


def _lines(text: str, width: int) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (CJK count double)."""
    units = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
    return max(1, -(-units // max(width - 2, 1)))


def _text(ws: Worksheet, row: int, col: int, value: str):
    """Write text as text: a value starting with '=' must never become a formula."""
    cell = ws.cell(row=row, column=col)
    cell.value = value
    cell.data_type = "s"
    return cell
