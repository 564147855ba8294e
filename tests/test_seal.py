"""A township's 汇总表 typed over by hand reaches the county flagged, even when it still adds up."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from conftest import needs_libreoffice
from libreoffice import convert

from lianhu_xl import seal
from lianhu_xl.consolidate import consolidate
from lianhu_xl.guard import inspect
from lianhu_xl.period import parse_period
from lianhu_xl.totals_book import write_totals

D = dt.date
TODAY = D(2011, 3, 1)


def _township(folder: Path, town: str, villages: tuple[str, ...]) -> None:
    for i, village in enumerate(villages):
        no = f"{town[0]}-{i}"
        write_book(folder / f"{village}.xlsx", [card(no, 村=village), card(f"{no}b", 村=village)],
                   [diary(no, D(2010, m, 6)) for m in range(1, 4 + i)])


@pytest.fixture
def county(tmp_path) -> Path:
    """倪家营乡 (two villages) and 蓼泉镇 (one), each consolidated for 2010, as each township sends them."""
    _township(tmp_path / "books" / "倪家营乡", "倪家营乡", ("下营村", "南台村"))
    _township(tmp_path / "books" / "蓼泉镇", "蓼泉镇", ("湾子村",))
    out = tmp_path / "县"
    write_totals(consolidate([tmp_path / "books" / "倪家营乡"], period=parse_period("2010"), title="倪家营乡",
                             today=TODAY), out / "倪家营乡汇总表.xlsx")
    write_totals(consolidate([tmp_path / "books" / "蓼泉镇"], period=parse_period("2010"), title="蓼泉镇",
                             today=TODAY), out / "蓼泉镇汇总表.xlsx")
    return out


def _edited(c) -> list[tuple[str, str | None]]:
    return [(i.file, i.cell) for i in c.report.issues if i.code == "totals-edited"]


def _rows(ws) -> dict[str, int]:
    """The 汇总 sheet's rows by what its 单位 cell says."""
    return {str(row[0].value): row[0].row for row in ws.iter_rows() if row[0].value is not None}


def test_untouched_totals_roll_up_without_a_word_and_so_does_the_county_s(county, tmp_path):
    c = consolidate([county], title="临泽县", today=TODAY)
    assert c.kind == "totals" and _edited(c) == []
    assert sorted((u.unit, u.interviews) for u in c.units) == [("倪家营乡", 7), ("蓼泉镇", 3)]
    write_totals(c, tmp_path / "省" / "临泽县汇总表.xlsx")  # the county's own, one level up
    assert _edited(consolidate([tmp_path / "省"], title="张掖市", today=TODAY)) == []


def test_a_figure_typed_over_with_its_total_is_flagged_at_the_total_and_counted_as_typed(county):
    """A clerk adds 5 visits to 下营村 and to 合计 alike: the sheet adds up, every earlier check
    passes, yet the county is told, at that township's 合计 row (its figure is what the sheet says)."""
    path = county / "倪家营乡汇总表.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    rows = _rows(ws)
    col = next(c.column for c in ws[rows["单位"]] if c.value == "入户访谈")
    for unit in ("下营村", "合计"):
        ws.cell(rows[unit], col).value += 5
    wb.save(path)
    c = consolidate([county], title="临泽县", today=TODAY)
    assert _edited(c) == [("倪家营乡汇总表.xlsx", f"A{rows['合计']}")]
    edited = next(i for i in c.report.issues if i.code == "totals-edited")
    assert edited.severity == "warning" and "直接改了“汇总”表" in edited.message and "重新生成汇总表" in edited.message
    assert sorted((u.unit, u.interviews) for u in c.units) == [("倪家营乡", 12), ("蓼泉镇", 3)]
    assert not [i for i in c.report.issues if i.code == "totals-rows-disagree"]  # it adds up: only the seal sees it


def test_villages_sorted_or_renamed_by_hand_change_no_figure_and_are_not_flagged(county):
    path = county / "倪家营乡汇总表.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    rows = _rows(ws)
    a, b = rows["下营村"], rows["南台村"]
    for col in range(1, ws.max_column + 1):  # 南台村 above 下营村
        ws.cell(a, col).value, ws.cell(b, col).value = ws.cell(b, col).value, ws.cell(a, col).value
    ws.cell(a, 1).value = "南台村委会"
    wb.save(path)
    assert _edited(consolidate([county], title="临泽县", today=TODAY)) == []


def test_a_sheet_made_for_all_dates_rolls_up_without_a_word(tmp_path):
    """No --period: the 统计期 line names no dates, and the seal says so too."""
    _township(tmp_path / "books", "蓼泉镇", ("湾子村",))
    write_totals(consolidate([tmp_path / "books"], title="蓼泉镇", today=TODAY), tmp_path / "县" / "蓼泉镇.xlsx")
    c = consolidate([tmp_path / "县"], title="临泽县", today=TODAY)
    assert c.complete and _edited(c) == [] and [u.interviews for u in c.units] == [3]


def test_a_period_retyped_by_hand_is_flagged(county, tmp_path):
    """A first quarter's sheet retyped as the year's: it now claims a period it was not counted
    for, and the county, counting 2010, would take a quarter for a year."""
    _township(tmp_path / "books" / "平川镇", "平川镇", ("平川村",))
    path = county / "平川镇汇总表.xlsx"
    write_totals(consolidate([tmp_path / "books" / "平川镇"], period=parse_period("2010Q1"), title="平川镇",
                             today=TODAY), path)
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    assert str(ws["A2"].value).startswith("统计期：2010年第一季度")
    ws["A2"].value = "统计期：2010年（2010-01-01 至 2010-12-31）"
    wb.save(path)
    c = consolidate([county], title="临泽县", today=TODAY)
    assert [f for f, _ in _edited(c)] == ["平川镇汇总表.xlsx"]


@needs_libreoffice
def test_totals_saved_again_by_libreoffice_keep_their_seal(county, tmp_path):
    """Opened and saved in a spreadsheet program without a figure changed: no word (the seal is a
    custom property, which LibreOffice, like Excel, keeps)."""
    written = inspect(county / "倪家营乡汇总表.xlsx").properties[seal.PROPERTY]
    saved = convert(county / "倪家营乡汇总表.xlsx", tmp_path / "lo")
    assert inspect(saved).properties.get(seal.PROPERTY) == written  # kept: dropped, nothing would be compared
    shutil.copyfile(saved, county / "倪家营乡汇总表.xlsx")
    c = consolidate([county], title="临泽县", today=TODAY)
    assert c.complete and _edited(c) == []
    assert sorted((u.unit, u.interviews) for u in c.units) == [("倪家营乡", 7), ("蓼泉镇", 3)]
