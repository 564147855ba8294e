"""One workbook, checked on its own: guard, read, parse every row with the models.

``check_file`` is what a worker process runs. Its result holds every issue the
file raises by itself and its checked rows, each a plain tuple (see store.py)
that travels back and into the run's row store cheaply; the rules across files
are applied later, in ``crosscheck``, over the store.
"""

from __future__ import annotations

import hashlib
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from . import seal
from .catalogue import CATALOGUE
from .guard import Refused, explain_failure, inspect, ref_row
from .issues import FileSummary, Issue, make_issue
from .reader import SheetRows, content_sheets, find_sheet, formula_issue, read_rows
from .roster import Roster
from .standard import (
    CARD_SHEET,
    DIARY_SHEET,
    MODELS,
    STANDARD_VERSION,
    StandardRow,
    check_fields,
    columns_of,
)
from .standard_names import MARKS_SHEET, TOTALS_SHEET
from .store import ROW_ERROR, Row, rebuild, row_encoder

READER_FAILED = "文件内部结构不标准，读取程序无法理解"  # why a reader failed, for a cadre: never the exception's text
OUT_OF_MEMORY = "内存不足"  # a book too big for the memory a worker may take: the file's size, not a fault of ours
# the modules whose failures are the file's (a native reader, unzipping, decoding); any other is ours
_READER_MODULES = frozenset({"python_calamine", "pyo3_runtime", "zipfile", "zlib"})


def failure_issue(display: str, exc: BaseException) -> Issue:
    """What a clerk is told when checking a file raised: a reader that could not make sense
    of it (resave it in Excel), or a fault of this program's own, which resaving will not
    mend: then the file goes to whoever looks after the tool. The message is Chinese; what raised
    where is the issue's ``technical`` (``--json``), long digit runs masked (a message may quote
    a cell's 身份证号). Memory running out is the book's size (a worker's memory is capped), said
    as the batch says it."""
    if isinstance(exc, MemoryError):
        return make_issue("reader-crashed", display, detail=OUT_OF_MEMORY)
    if (not isinstance(exc, Exception)  # a native panic (pyo3's PanicException is a BaseException)
            or type(exc).__module__.split(".")[0] in _READER_MODULES or isinstance(exc, OSError | EOFError | UnicodeError)):
        return make_issue("reader-crashed", display, detail=READER_FAILED)
    frame = traceback.extract_tb(exc.__traceback__)[-1:]
    kind = type(exc).__qualname__
    if type(exc).__module__ != "builtins":
        kind = f"{type(exc).__module__}.{kind}"
    where = f" at {Path(frame[0].filename).name}:{frame[0].lineno} in {frame[0].name}" if frame else ""
    technical = re.sub(r"\d{7,}", lambda m: "*" * len(m.group()), f"{kind}: {exc}"[:300] + where)
    return make_issue("tool-failed", display, technical=technical)


@dataclass(slots=True)
class Record:
    """A row: where it stands and what it says. Rows with an error are kept (in
    ``BookResult.rejected``, excluded ROW_ERROR) with the cells that could be read."""

    file: str
    sheet: str
    row: int
    model: StandardRow
    letters: dict[str, str]
    excluded: str | None = None  # the code of the reason it is left out
    key: int = 0  # its id in the run's row store (0: not from a store)

    @property
    def sheet_kind(self) -> str:
        """CARD_SHEET or DIARY_SHEET, whatever the sheet is called in the file."""
        return self.model.SHEET

    @property
    def place(self) -> str:
        return f"{self.file} {self.sheet}!第{self.row}行"

    def cell(self, name: str) -> str:
        letter = self.letters.get(name, "A")
        return f"{letter}{self.row}"


@dataclass(slots=True)
class SheetBlock:
    """One sheet's checked rows, as compact tuples (store.encode): the rejected ones too."""

    sheet: str
    kind: str
    letters: dict[str, str]
    rows: list[Row] = field(default_factory=list)


@dataclass(slots=True)
class BookResult:
    """What one file gave: its summary, its own issues, its checked rows (until a run's
    store takes them: see ``RowStore.add_book``). ``part`` says where a worker stored them
    instead: (its part file, the sheet ids there)."""

    summary: FileSummary
    issues: list[Issue] = field(default_factory=list)
    blocks: list[SheetBlock] = field(default_factory=list)
    totals_grid: list[list[object]] | None = None
    seal: str = ""  # a totals workbook's seal (seal.py), as this tool wrote it
    part: tuple[str, list[int]] | None = None

    @property
    def rows_read(self) -> int:
        return self.summary.card_rows + self.summary.diary_rows

    def _records(self, kind: str, rejected: bool) -> list[Record]:
        out = []
        for b in self.blocks:
            if b.kind != kind:
                continue
            for row, bad, *values in b.rows:
                if bool(bad) == rejected:
                    out.append(Record(self.summary.file, b.sheet, row, rebuild(kind, values), b.letters,
                                      ROW_ERROR if bad else None))
        return out

    @property
    def cards(self) -> list[Record]:
        """The card rows without an error, as records (for a look at one book; a run reads its store)."""
        return self._records(CARD_SHEET, False)

    @property
    def diaries(self) -> list[Record]:
        return self._records(DIARY_SHEET, False)

    @property
    def rejected(self) -> list[Record]:
        """Rows with an error: the cells that could be read, excluded "row-error"."""
        return self._records(CARD_SHEET, True) + self._records(DIARY_SHEET, True)


def check_file(path: Path, display: str, roster: Roster | None = None) -> BookResult:
    """Guard, read and parse one workbook. Never raises for a bad file."""
    summary = FileSummary(file=display)
    result = BookResult(summary=summary)
    try:
        inspection = inspect(path)
    except Refused as refused:
        summary.kind = "unreadable"
        result.issues.append(make_issue(refused.code, display, sheet=refused.sheet, cell=refused.cell,
                                        value=display, detail=refused.detail))
        return result
    summary.sha256 = hashlib.sha256(inspection.data).hexdigest()
    summary.template_version = inspection.properties.get("lianhu_standard", "")
    if MARKS_SHEET in inspection.sheets:  # resubmitted as it came back: its 校验结果 is last run's
        result.issues.append(make_issue("annotated-copy", display))
    if summary.template_version and summary.template_version != STANDARD_VERSION:
        result.issues.append(make_issue("other-template-version", display,
                                        value=summary.template_version, expected=STANDARD_VERSION))
    try:
        rows = read_rows(display, inspection, keep_sheets=(TOTALS_SHEET,))
    except Exception as exc:  # a native reader error on a file the guard let through (or a fault of ours)
        summary.kind = "unreadable"
        issue = failure_issue(display, exc)
        # what in the bytes the reader was given it choked on; not after memory ran out (the book's
        # size, said so)
        given = inspection.readable
        why = explain_failure(given) if issue.code == "reader-crashed" and not isinstance(exc, MemoryError) else None
        if why is not None:  # said where it is: the part, the sheet, the cell
            issue = make_issue(why.code, display, sheet=why.sheet, cell=why.cell, value=display, detail=why.detail)
        result.issues.append(issue)
        return result
    pasted = content_sheets(rows, inspection.sheets)
    if pasted:  # the tables pasted into a new book's Sheet1 and Sheet2: read, the book guarded whole
        try:
            whole = inspect(path, every_sheet=True)
        except Refused as refused:
            summary.kind = "unreadable"
            result.issues.append(make_issue(refused.code, display, sheet=refused.sheet, cell=refused.cell,
                                            value=display, detail=refused.detail))
            return result
        try:
            rows = read_rows(display, whole, keep_sheets=(TOTALS_SHEET,), by_content=pasted)
        except Exception:  # noqa: BLE001 - the same bytes read once already: keep that reading (its lookalike errors)
            pass
    result.issues.extend(rows.issues)
    if not rows.sheets:
        if TOTALS_SHEET in rows.grid:
            summary.kind = "totals"
            result.totals_grid = rows.grid[TOTALS_SHEET]
            result.seal = inspection.properties.get(seal.PROPERTY, "")
            sheet = find_sheet(inspection.sheets, TOTALS_SHEET) or TOTALS_SHEET
            for ref, text in inspection.formula_cells.get(sheet, []):
                result.issues.append(formula_issue(display, TOTALS_SHEET, ref,
                                                   ref_row(ref),
                                                   f"{ref} 单元格", text))
            return result
        summary.kind = "unreadable"
        # a 汇总表 whose 汇总 sheet a clerk renamed (2010汇总, Sheet1): told so, not to make 联户卡
        looks_totals = any(TOTALS_SHEET in n for n in inspection.sheets) or {"来源", "未计入"} <= set(inspection.sheets)
        result.issues.append(make_issue("totals-sheet-renamed" if looks_totals else "no-standard-sheet", display,
                                        detail="、".join(inspection.sheets) or "无"))
        return result
    for sheet in rows.sheets:
        _parse_sheet(result, sheet, roster)
    return result


PERSONAL_FIELDS = ("id_number", "phone")


def _parse_sheet(result: BookResult, sheet: SheetRows, roster: Roster | None) -> None:
    """Check every row; a row with an error is kept as rejected (never counted),
    after every check that its readable cells allow has run."""
    model = MODELS[sheet.kind]
    # messages name a column in the sheet's own words (its header as typed), except the
    # personal columns, whose standard labels are what masks their values in every message
    labels = {c.name: c.label if c.name in PERSONAL_FIELDS else sheet.typed.get(c.name, c.label)
              for c in columns_of(model)}
    examples = {c.name: c.example for c in columns_of(model)}
    display = result.summary.file
    is_card = sheet.kind == CARD_SHEET
    block = SheetBlock(sheet.sheet, sheet.kind, sheet.letters)
    result.blocks.append(block)
    if is_card:
        result.summary.card_rows += len(sheet.rows) + sheet.set_aside
    else:
        result.summary.diary_rows += len(sheet.rows) + sheet.set_aside
    rows = block.rows
    encode = row_encoder(sheet.kind)
    for number, values in sheet.rows:
        ok, fields, problems = check_fields(model, values)
        if not problems and (roster is None or not is_card):  # most rows: nothing to say
            rows.append(encode(number, not ok, fields))
            continue
        if is_card and roster is not None:
            problems = problems + roster.problems(fields)
        has_error = not ok
        for code, name, ctx in problems:
            ctx = dict(ctx)
            value = ctx.pop("value", values.get(name))
            ctx.setdefault("expected", examples.get(name, ""))
            letter = (sheet.moved.get(number) or sheet.letters).get(name)  # under a header in another order: its own
            has_error = has_error or CATALOGUE[code].severity == "error"
            result.issues.append(make_issue(
                code, display, sheet=sheet.sheet,
                cell=f"{letter}{number}" if letter else f"A{number}", row=number,
                column=labels.get(name), value=value, **ctx))
        rows.append(encode(number, has_error, fields))

