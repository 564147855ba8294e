"""The township's roster (名册): which teams (社) each village (村) has."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .catalogue import render
from .guard import WORKBOOK_SUFFIXES, col_number
from .standard import Finding
from .values import (
    is_footer_text,
    is_totals_text,
    parse_name,
    parse_text,
    same_village,
    team_key,
)


class RosterError(Exception):
    """The roster file itself cannot be used; the message is for the clerk."""


@dataclass(slots=True)
class Roster:
    villages: dict[str, list[str]] = field(default_factory=dict)
    # a spelling not on the roster -> the roster's village it names: asked for every card, and a
    # township whose cadres all write 下营 for 下营村 would compare each card with every village
    _spellings: dict[str, str | None] = field(default_factory=dict, repr=False, compare=False)
    # what the clerk should know of how the file was read (a 村 line without its 社), in Chinese
    notes: list[str] = field(default_factory=list, repr=False, compare=False)

    def problems(self, fields: Mapping[str, Any]) -> list[Finding]:
        """A card's 村 or 社 that is not on the roster (fields as read by ``check_row``)."""
        village, team = fields.get("village"), fields.get("team")
        if not village:
            return []
        listed = self.village_of(village)
        if listed is None:
            return [("not-on-roster", "village", {"expected": "、".join(self.villages)})]
        teams = self.villages[listed]
        if team and teams and not _listed(team, teams):  # no teams listed: any
            return [("not-on-roster", "team", {"expected": "、".join(teams)})]
        return []

    def village_of(self, village: str) -> str | None:
        """The roster's village a card's 村 names, however it is written (下营, 下营村委会,
        倪家营乡倪家营村: values.same_village), when it names exactly one; else None (not on it)."""
        if village in self.villages:
            return village
        if village not in self._spellings:
            found = [v for v in self.villages if same_village(village, v)]
            self._spellings[village] = found[0] if len(found) == 1 else None
        return self._spellings[village]

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(v, t) for v, teams in self.villages.items() for t in teams]


def _listed(team: str, teams: list[str]) -> bool:
    """Whether a card's 社 is one the roster lists, a numbered one however it is written (6社,
    第六社, 6组 for 六社): the card is left out for a 社 not on the roster."""
    key = team_key(team)
    return team in teams or any(team_key(t) == key for t in teams)


# Workbook formats a clerk may save a roster in; the guard names each one that is not
# .xlsx and says how to resave it (old .xls, WPS .et, ODS …).
_RESAVE = "请在 Excel 或 WPS 里打开名册，另存为 Excel 工作簿（*.xlsx）后再用。"


def load_roster(path: Path) -> Roster:
    """Read an .xlsx or .csv with the columns 村 and 社, one row per team.

    A 村 is written once over its teams as often as on each row: merged down over
    them, or simply left blank below, so a blank 村 belongs to the 村 above it.
    Every failure is a RosterError whose text tells the clerk what to do.
    """
    name = path.name
    if path.is_dir():
        raise RosterError(f"“{path}”是文件夹，不是名册文件。请写名册文件本身，例如 名册.xlsx。")
    if not path.is_file():
        raise RosterError(f"找不到名册文件“{path}”。请检查文件名和所在文件夹是否写对。")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        sheets = [_csv_rows(path)]
    elif suffix in WORKBOOK_SUFFIXES:
        sheets = _workbook_rows(path)
    else:
        raise RosterError(f"名册“{name}”应为 .xlsx 或 .csv 文件。{_RESAVE}")
    found = next(((rows, i) for rows in sheets for i, r in enumerate(rows[:10])
                  if {"村", "社"} <= {parse_text(c) for c in r}), None)
    if found is None:
        raise RosterError(f"名册“{name}”前 10 行里找不到“村”和“社”两列的表头。"
                          "请在表格顶部一行写上“村”“社”两个列名，每个社一行。")
    rows, header_at = found
    header = [parse_text(c) for c in rows[header_at]]
    vi, ti = header.index("村"), header.index("社")
    roster = Roster()
    village: str | None = None
    alone: dict[str, int] = {}  # a village whose line gives no 社 -> that line's number
    for at, r in enumerate(rows[header_at + 1:], start=header_at + 2):
        first = r[vi] if vi < len(r) else None
        lead = next((c for c in r if c is not None and c != ""), None)  # 合计 may stand in a 序号 column
        if any(isinstance(c, str) and is_totals_text(c) for c in (first, lead)):
            continue  # 合计, 下营村小计: a line of sums, its counts calculated or not (=COUNTA saved by a script)
        for cell in (first, r[ti] if ti < len(r) else None):
            if isinstance(cell, _Unread):  # the reader gives "": a village would vanish from the list
                what = f"错误值“{cell.text}”" if cell.text.startswith("#") else f"公式“={cell.text}”，文件里没有它的计算结果"
                raise RosterError(f"名册“{name}”的 {cell.sheet}!{cell.cell} 是{what}，读不出村或社。"
                                  "请在 Excel 或 WPS 里改正（或直接填写文字）并保存后再用。")
        typed = parse_name(r[vi]) if vi < len(r) else None
        team = parse_name(r[ti]) if ti < len(r) else None
        if typed and is_totals_text(typed):
            continue  # 合计, 下营村小计: a line of sums, not a village
        if typed and is_footer_text(typed):
            break  # 填表人：…, 以下空白: the list has ended
        if typed:
            village = typed
            if not team:
                alone.setdefault(typed, at)
        elif not team:
            continue  # a blank row: the 村 above still holds for the teams below it
        if village:
            teams = roster.villages.setdefault(village, [])
            if team and team not in teams:
                teams.append(team)
    if not roster.villages:
        raise RosterError(f"名册“{name}”的“村”列下面没有任何村。请在“村”“社”两列下逐行填写各村和它的社。")
    # a heading over two 社 or more is a layout (村 once, its 社 below); none or one is worth a word
    roster.notes = [_alone_note(name, at, v, roster.villages[v]) for v, at in alone.items()
                    if len(roster.villages[v]) < 2]
    return roster


def _alone_note(name: str, at: int, village: str, teams: list[str]) -> str:
    """What a 村 line without its 社 was read as: no 社 at all for the village (its cards' 社 not
    checked), or the 社 other lines give it (a heading over them; any other 社 is an error)."""
    where = f"名册“{name}”第 {at} 行只写了村“{village}”，没有写社"
    if not teams:
        return (f"{where}：{village}的联户卡填哪个社都算在名册上，不核对。"
                f"要核对{village}的社，请在“社”列给它的每个社写一行。")
    return (f"{where}，按名册其他行，{village}只有这些社：{'、'.join(teams)}；填别的社的联户卡都算不在名册上（是错误）。"
            f"如果{village}还有别的社，请在名册里给每个社写一行。")


def alone_notes_in_short(count: int, more: bool = False) -> str:
    """``count`` of the notes ``_alone_note`` writes, in one line (where a message has no room for
    each: the WPS button's box); ``more``: some were said in full before it."""
    return (f"名册里{'还' if more else ''}有 {count} 行只写了村、没有写社（这样的村只认名册给它的社，"
            "一个社也没有的不核对社）；请在名册里给每个村的每个社写一行。")


def _csv_rows(path: Path) -> list[list[object]]:
    try:
        raw = path.read_bytes()
    except OSError:
        raise RosterError(f"名册“{path.name}”打不开：没有读取权限，或正被其他程序占用。"
                          "请关闭打开它的程序，或把它复制到本机后再试。") from None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode 文本"
        encodings: tuple[str, ...] = ("utf_16",)
    else:
        encodings = ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterError(f"名册“{path.name}”的编码无法识别。{_RESAVE}")
    head = "\n".join(text.splitlines()[:10])
    delimiter = "\t" if head.count("\t") > head.count(",") else ","  # tab-separated "Unicode 文本"
    try:
        return [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    except csv.Error:
        raise RosterError(f"名册“{path.name}”不是正常的 CSV 文件。{_RESAVE}") from None


@dataclass(frozen=True, slots=True)
class _Unread:
    """A roster cell the reader gives as blank: an error value (#N/A) or a formula never calculated."""

    sheet: str
    cell: str
    text: str


def _workbook_rows(path: Path) -> list[list[list[object]]]:
    """Each sheet's cells; the guard first refuses, in the catalogue's Chinese, what must not be read.
    Cells read as blank for want of a value (the guard lists them) are marked ``_Unread``."""
    from .guard import Refused, explain_failure, inspect

    try:
        inspection = inspect(path, every_sheet=True)  # every sheet's text is read
    except Refused as exc:
        why = render(exc.code, detail=exc.detail, sheet=exc.sheet or "")
        raise RosterError(f"名册“{path.name}”无法读取：{why}") from None
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(inspection.readable))  # #SPILL! as #N/A
        sheets = [wb.get_sheet_by_index(i).to_python(skip_empty_area=False) for i in range(len(wb.sheet_names))]
    except Exception as exc:  # the reader's own messages are English: said where the file is broken, if found
        found = None if isinstance(exc, MemoryError) else explain_failure(inspection.readable)
        if found is None:
            raise RosterError(f"名册“{path.name}”读取时出错，文件可能已损坏。{_RESAVE}") from None
        place = f"{found.sheet}!{found.cell}：" if found.sheet and found.cell else ""
        why = render(found.code, detail=found.detail, sheet=found.sheet or "")
        raise RosterError(f"名册“{path.name}”无法读取：{place}{why}") from None  # the why says what to do
    for name, grid in zip(wb.sheet_names, sheets, strict=True):
        for ref, text in inspection.formula_cells.get(name, []):
            letters = ref.rstrip("0123456789")
            row, col = int(ref[len(letters):]) - 1, col_number(letters) - 1
            if row < len(grid) and col < len(grid[row]):
                grid[row][col] = _Unread(name, ref, text)
    return sheets
