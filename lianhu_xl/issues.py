"""Problems found in workbooks are data: an Issue per problem, collected in a Report."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from sys import intern
from typing import Any

from .catalogue import CATALOGUE, SEVERITY_ZH, render
from .values import mask_id, mask_phone, printable

# columns whose values never leave the cadre's own book unmasked
PERSONAL_COLUMNS = {"身份证号": mask_id, "联系电话": mask_phone}


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem, placed where a clerk can find it (``联户日记!F17``)."""

    code: str
    severity: str
    file: str
    sheet: str | None
    cell: str | None
    column: str | None
    value: str | None
    # the message without its place: one string shared by every issue that says the same (a
    # county's diary books sent without their cards make 600 issues a book, one per row, a
    # dozen per card), the place put in front when the message is read
    body: str
    row: int | None = None
    technical: str | None = None  # for whoever looks after the tool (a fault of ours), never in a message

    @property
    def where(self) -> str:
        return _place(self.sheet, self.cell)

    @property
    def message(self) -> str:
        """What the clerk reads, place first: ``联户日记!F17：…``."""
        place = _place(self.sheet, self.cell)
        return f"{printable(place)}：{self.body}" if place else self.body

    def to_dict(self) -> dict[str, Any]:
        data = {"code": self.code, "severity": self.severity, "file": self.file, "sheet": self.sheet,
                "cell": self.cell, "column": self.column, "value": self.value, "message": self.message,
                "row": self.row}
        if self.technical is not None:  # only a fault of the tool's own has it: --json says it there
            data["technical"] = self.technical
        return data

    def sort_key(self) -> tuple:
        return (self.file, self.sheet or "", self.row or 0, self.cell or "", self.code)


def make_issue(
    code: str,
    file: str,
    *,
    sheet: str | None = None,
    cell: str | None = None,
    row: int | None = None,
    column: str | None = None,
    value: object = None,
    technical: str | None = None,
    **fields: object,
) -> Issue:
    """Build an Issue whose message is rendered from the catalogue, place first."""
    shown = _shown(value)
    if column in PERSONAL_COLUMNS and shown:
        shown = PERSONAL_COLUMNS[column](shown)
    if shown:
        shown = intern(printable(shown))
    body = intern(printable(render(code, column=column, value=shown, sheet=sheet, row=row, **fields)))
    return Issue(
        code=code,
        severity=CATALOGUE[code].severity,
        file=file,
        sheet=sheet,
        cell=cell,
        column=column,
        value=shown,
        body=body,
        row=row,
        technical=technical,
    )


def _place(sheet: str | None, cell: str | None) -> str:
    """``联户日记!F17``, or the sheet alone, or nothing for a problem of the whole file."""
    return f"{sheet}!{cell}" if sheet and cell else (sheet or "")


def runs(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """Rising numbers as runs of consecutive ones, (first, last): for saying rows ``12–40、45``
    or months ``1–3、5月`` (reader, consolidate)."""
    out: list[list[int]] = []
    for n in numbers:
        if out and n == out[-1][1] + 1:
            out[-1][1] = n
        else:
            out.append([n, n])
    return [(first, last) for first, last in out]


def spans(numbers: Iterable[int]) -> str:
    """Rising numbers said as their runs: ``12–40、45`` (rows a notice names)."""
    return "、".join(str(first) if first == last else f"{first}–{last}" for first, last in runs(numbers))


def _shown(value: object) -> str | None:
    """The value as the person typed it, as text (whole floats without '.0')."""
    if value is None or value == "":
        return None if value is None else ""
    if value is True or value is False:  # a TRUE/FALSE cell, as Excel and WPS show it (not Python's True)
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        # 1E+300 as Excel shows it, not 301 digits; an 18-digit ID typed as a number keeps its digits
        return str(int(value)) if abs(value) < 1e20 else f"{value:G}"
    if hasattr(value, "isoformat"):
        if not hasattr(value, "year"):  # a time of day (9:30 typed into 日期): time.isoformat has no sep
            return value.isoformat("seconds" if value.second else "minutes")  # type: ignore[attr-defined]
        return value.isoformat()[:10] if not getattr(value, "hour", 0) else value.isoformat(" ")
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"


MOVE_OUT = "应移走"  # a FileSummary's status: its errors are corrected in a newer book beside it (resent.py)


@dataclass(slots=True)
class FileSummary:
    """What happened to one file offered: rows read and how each was accounted for."""

    file: str
    sha256: str = ""
    template_version: str = ""
    kind: str = "book"  # book | totals | unreadable
    card_rows: int = 0
    diary_rows: int = 0
    counted: int = 0
    excluded: int = 0
    errors: int = 0
    warnings: int = 0
    status: str = ""
    why: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(slots=True)
class Report:
    """Every issue of a run, plus one summary per file."""

    issues: list[Issue] = field(default_factory=list)
    files: list[FileSummary] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def valid(self) -> bool:
        return not any(i.severity == "error" for i in self.issues)

    def counts(self) -> Counter:
        return Counter(i.severity for i in self.issues)

    def sort(self) -> None:
        self.issues.sort(key=Issue.sort_key)
        self.files.sort(key=lambda f: f.file)

    def to_dict(self, issues: bool = True) -> dict[str, Any]:
        """The report as JSON data; without ``issues`` for ``json_text`` to write them as it goes."""
        c = self.counts()
        data: dict[str, Any] = {
            "valid": self.valid,
            "stats": {
                "files": len(self.files),
                "errors": c["error"],
                "warnings": c["warning"],
                "notices": c["notice"],
            },
            "files": [f.to_dict() for f in self.files],
        }
        if issues:
            data["issues"] = [i.to_dict() for i in self.issues]
        return data


def json_text(head: dict[str, Any], **lists: Iterable[dict[str, Any]]) -> Iterator[str]:
    """``json.dumps({**head, **lists}, indent=1)``, made piece by piece as it is written, an item
    of each list a line (``--json``): a county's 600,000 issues made into dicts, then one string,
    took 3.5 KB each (2 GB). The lists come last, in the order given."""
    text = json.dumps(head, ensure_ascii=False, indent=1)
    yield text[:-2] if head else "{"  # "{\n ...\n}" without its closing "\n}"
    sep = "," if head else ""
    for key, items in lists.items():
        yield f"{sep}\n {json.dumps(key, ensure_ascii=False)}: ["
        first = True
        for item in items:
            yield ("\n  " if first else ",\n  ") + json.dumps(item, ensure_ascii=False)
            first = False
        yield "]" if first else "\n ]"
        sep = ","
    yield "\n}"


def severity_zh(severity: str) -> str:
    return SEVERITY_ZH.get(severity, severity)
