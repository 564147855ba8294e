"""Build standard workbooks inside tests, the way cadres fill them.

``card(...)`` and ``diary(...)`` give rows keyed by the standard's labels with
sensible defaults; ``write_book(path, cards, diaries)`` writes them with openpyxl
under a title row, so every test builds exactly the book it talks about.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl

from lianhu_xl.standard import CardRow, DiaryRow, columns_of

CARD_LABELS = [c.label for c in columns_of(CardRow)]
DIARY_LABELS = [c.label for c in columns_of(DiaryRow)]


def card(no: str = "XY-001", **over: object) -> dict[str, object]:
    row: dict[str, object] = {
        "卡号": no, "联系人": "王明", "联系人类别": "乡干部", "村": "下营村", "社": "六社",
        "户主": f"户主{no}", "联系户类型": "致富明星户", "结对日期": dt.date(2010, 1, 5),
        "主要问题": "缺少制种技术",
    }
    row.update(over)
    return row


def diary(no: str = "XY-001", date: object = dt.date(2010, 3, 6), **over: object) -> dict[str, object]:
    row: dict[str, object] = {"卡号": no, "日期": date, "形式": "入户访谈"}
    row.update(over)
    return row


def write_book(path: Path, cards: list[dict] | None = None, diaries: list[dict] | None = None,
               *, title: bool = True, card_labels: list[str] | None = None,
               diary_labels: list[str] | None = None, extra_sheets: dict[str, list[list]] | None = None
               ) -> Path:
    """Write a workbook; ``None`` for a sheet leaves it out, ``[]`` writes only its header."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows, labels in (("联户卡", cards, card_labels or CARD_LABELS),
                               ("联户日记", diaries, diary_labels or DIARY_LABELS)):
        if rows is None:
            continue
        ws = wb.create_sheet(name)
        if title:
            ws.append([f"联户带创登记簿 · {name}"])
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
        ws.append(labels)
        for row in rows:
            ws.append([row.get(label) for label in labels])
    for name, rows in (extra_sheets or {}).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def header_row(title: bool = True) -> int:
    """The sheet row of the header in books written by ``write_book``."""
    return 2 if title else 1


def roster_xlsx(path: Path, rows: list[list[object]]) -> Path:
    """A roster workbook (名册) under a title row, as a township keeps one."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["乡镇名册"])
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path
