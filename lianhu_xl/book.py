"""One workbook, checked on its own: guard, read, parse every row with the models.

``check_file`` is what a worker process runs. Its result holds the parsed
rows (records) and every issue the file raises by itself; the rules across
files are applied later, in ``crosscheck``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from .guard import Refused, inspect
from .issues import FileSummary, Issue, make_issue
from .reader import SheetRows, read_rows
from .roster import Roster
from .standard import CARD_SHEET, MODELS, STANDARD_VERSION, CardRow, StandardRow, columns_of

TOTALS_SHEET = "汇总"


@dataclass(slots=True)
class Record:
    """A row that parsed: where it stands and what it says."""

    file: str
    sheet: str
    row: int
    model: StandardRow
    letters: dict[str, str]
    excluded: str | None = None  # the code of the reason it is left out

    @property
    def place(self) -> str:
        return f"{self.file} {self.sheet}!第{self.row}行"

    def cell(self, name: str) -> str:
        letter = self.letters.get(name, "A")
        return f"{letter}{self.row}"


@dataclass(slots=True)
class BookResult:
    """What one file gave: its summary, its own issues, its parsed rows."""

    summary: FileSummary
    issues: list[Issue] = field(default_factory=list)
    cards: list[Record] = field(default_factory=list)
    diaries: list[Record] = field(default_factory=list)
    failed_card_nos: set[str] = field(default_factory=set)
    totals_grid: list[list[object]] | None = None

    @property
    def rows_read(self) -> int:
        return self.summary.card_rows + self.summary.diary_rows


def check_file(path: Path, display: str, roster: Roster | None = None) -> BookResult:
    """Guard, read and parse one workbook. Never raises for a bad file."""
    summary = FileSummary(file=display)
    result = BookResult(summary=summary)
    try:
        inspection = inspect(path)
    except Refused as refused:
        summary.kind = "unreadable"
        result.issues.append(make_issue(refused.code, display, sheet=refused.sheet,
                                        value=str(path), detail=refused.detail))
        return result
    summary.sha256 = hashlib.sha256(inspection.data).hexdigest()
    summary.template_version = inspection.properties.get("lianhu_standard", "")
    if summary.template_version and summary.template_version != STANDARD_VERSION:
        result.issues.append(make_issue("other-template-version", display,
                                        value=summary.template_version, expected=STANDARD_VERSION))
    try:
        rows = read_rows(display, inspection, keep_sheets=(TOTALS_SHEET,))
    except Exception as exc:  # a native reader error on a file the guard let through
        summary.kind = "unreadable"
        result.issues.append(make_issue("reader-crashed", display, detail=_short(exc)))
        return result
    result.issues.extend(rows.issues)
    if not rows.sheets:
        if TOTALS_SHEET in rows.grid:
            summary.kind = "totals"
            result.totals_grid = rows.grid[TOTALS_SHEET]
            return result
        summary.kind = "unreadable"
        result.issues.append(make_issue("no-standard-sheet", display,
                                        detail="、".join(inspection.sheets) or "无"))
        return result
    for sheet in rows.sheets:
        _parse_sheet(result, sheet, roster)
    return result


def _parse_sheet(result: BookResult, sheet: SheetRows, roster: Roster | None) -> None:
    model = MODELS[sheet.kind]
    labels = {c.name: c.label for c in columns_of(model)}
    examples = {c.name: c.example for c in columns_of(model)}
    display = result.summary.file
    is_card = sheet.kind == CARD_SHEET
    target = result.cards if is_card else result.diaries
    kinds = {c.name: c.kind for c in columns_of(model)}
    if is_card:
        result.summary.card_rows += len(sheet.rows) + sheet.set_aside
    else:
        result.summary.diary_rows += len(sheet.rows) + sheet.set_aside
    for number, values in sheet.rows:
        try:
            parsed = model.model_validate(values)
        except ValidationError as exc:
            for err in exc.errors(include_url=False, include_input=False):
                ctx = dict(err.get("ctx") or {})
                name = str(err["loc"][0]) if err["loc"] else str(ctx.pop("field", ""))
                ctx.pop("field", None)
                code = err["type"] if err["type"] in _KNOWN else _FALLBACK.get(kinds.get(name, ""), "bad-choice")
                letter = sheet.letters.get(name)
                ctx.setdefault("expected", examples.get(name, ""))
                result.issues.append(make_issue(
                    code, display, sheet=sheet.sheet,
                    cell=f"{letter}{number}" if letter else f"A{number}", row=number,
                    column=labels.get(name), value=values.get(name), **ctx))
            if is_card and values.get("card_no") is not None:
                from .values import parse_text

                result.failed_card_nos.add(parse_text(values["card_no"]) or "")
            continue
        record = Record(display, sheet.sheet, number, parsed, sheet.letters)
        for code, name, ctx in parsed.row_warnings():
            value = ctx.pop("value", values.get(name))
            result.issues.append(make_issue(code, display, sheet=sheet.sheet, cell=record.cell(name),
                                            row=number, column=labels.get(name), value=value, **ctx))
        if is_card and roster is not None:
            assert isinstance(parsed, CardRow)
            problems = roster.check(parsed, record, labels)
            if problems:
                result.issues.extend(problems)
                result.failed_card_nos.add(parsed.card_no)
                continue
        target.append(record)


def _short(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {str(exc)[:120]}"


from .catalogue import CATALOGUE as _CATALOGUE  # noqa: E402

_KNOWN = set(_CATALOGUE)
_FALLBACK = {"date": "bad-date", "whole": "not-whole", "number": "bad-number", "yesno": "bad-yesno",
             "id": "bad-id-number"}
