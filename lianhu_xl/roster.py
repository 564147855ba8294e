"""The township's roster (名册): which teams (社) each village (村) has."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .standard import Finding
from .values import parse_text


class RosterError(Exception):
    """The roster file itself cannot be used; the message is for the clerk."""


@dataclass(slots=True)
class Roster:
    villages: dict[str, list[str]] = field(default_factory=dict)

    def problems(self, fields: Mapping[str, Any]) -> list[Finding]:
        """A card's 村 or 社 that is not on the roster (fields as read by ``check_row``)."""
        village, team = fields.get("village"), fields.get("team")
        if not village:
            return []
        if village not in self.villages:
            return [("not-on-roster", "village", {"expected": "、".join(self.villages)})]
        if team and self.villages[village] and team not in self.villages[village]:  # no teams listed: any
            return [("not-on-roster", "team", {"expected": "、".join(self.villages[village])})]
        return []

    @property
    def pairs(self) -> list[tuple[str, str]]:
        return [(v, t) for v, teams in self.villages.items() for t in teams]


def load_roster(path: Path) -> Roster:
    """Read an .xlsx or .csv with the columns 村 and 社, one row per team."""
    if not path.is_file():
        raise RosterError(f"找不到名册文件“{path}”。")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gbk"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise RosterError(f"名册“{path.name}”的编码无法识别，请另存为 UTF-8 的 CSV 或 .xlsx。")
        rows: list[list[object]] = [list(r) for r in csv.reader(io.StringIO(text))]
    elif suffix in (".xlsx", ".xlsm"):
        from .guard import Refused, inspect

        try:
            inspection = inspect(path)
        except Refused as exc:
            raise RosterError(f"名册“{path.name}”无法读取（{exc.code}）。") from None
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_filelike(io.BytesIO(inspection.data))
        rows = wb.get_sheet_by_index(0).to_python(skip_empty_area=False)
    else:
        raise RosterError(f"名册“{path.name}”应为 .xlsx 或 .csv 文件。")
    header_at = next((i for i, r in enumerate(rows[:10])
                      if {"村", "社"} <= {parse_text(c) for c in r}), None)
    if header_at is None:
        raise RosterError(f"名册“{path.name}”前 10 行里找不到“村”和“社”两列的表头。")
    header = [parse_text(c) for c in rows[header_at]]
    vi, ti = header.index("村"), header.index("社")
    roster = Roster()
    for r in rows[header_at + 1:]:
        village = parse_text(r[vi]) if vi < len(r) else None
        team = parse_text(r[ti]) if ti < len(r) else None
        if village:
            teams = roster.villages.setdefault(village, [])
            if team and team not in teams:
                teams.append(team)
    if not roster.villages:
        raise RosterError(f"名册“{path.name}”里没有任何村。")
    return roster
