"""What the faster counting and writing (session 6) must not change: 按月 counted from each card's
months, a card's line made from one query, the rows left out found without reading every row,
and fast rows that check a whole chunk's texts at once."""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from pathlib import Path

from bookfactory import card, diary, write_book
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fast_rows import NASTY, _detail_book

from lianhu_xl import consolidate as consolidation
from lianhu_xl import fast_rows
from lianhu_xl.consolidate import OUT_OF_PERIOD, consolidate
from lianhu_xl.period import parse_period

D = dt.date
TODAY = D(2011, 3, 1)


def _run(folder: Path, period: str | None = "2010"):
    return consolidate([folder], period=parse_period(period) if period else None, today=TODAY)


def _villages_book(folder: Path) -> Path:
    """Three villages; by hand, for 2010 (every row an 入户访谈 unless it says otherwise):
    下营村  A-1: Mar ×2 (one with a service), Apr (a main problem solved on the spot); A-2: Mar
    倪家营村 B-1: Mar (a phone call, with a service), 2009-12 (outside); B-2: no diary at all
    小屯村  C-1: 2011-01 only (outside: its line counts nothing, its months are still expected)."""
    cards = [card("A-1", 结对日期=D(2010, 1, 5)), card("A-2", 结对日期=D(2010, 1, 5)),
             card("B-1", 村="倪家营村", 结对日期=D(2009, 6, 1)), card("B-2", 村="倪家营村", 结对日期=D(2010, 7, 1)),
             card("C-1", 村="小屯村", 结对日期=D(2010, 1, 5))]
    diaries = [diary("A-1", D(2010, 3, 2), 服务类别="政策宣传"), diary("A-1", D(2010, 3, 20)),
               diary("A-1", D(2010, 4, 9), 发现问题="缺水", 是否主要问题="是", 办理结果="当场解决", 解决办法="打井"),
               diary("A-2", D(2010, 3, 3)),
               diary("B-1", D(2010, 3, 8), 形式="电话联系", 服务类别="市场信息"), diary("B-1", D(2009, 12, 30)),
               diary("C-1", D(2011, 1, 10))]
    write_book(folder / "乡.xlsx", cards, diaries)
    return folder


def _months(c) -> list[tuple]:
    return [(m.unit, m.month, m.interviews, m.entries, m.services, m.solved) for m in c.months]


def test_by_month_is_counted_per_village_and_month_however_many_cards_wait_to_be_counted(tmp_path, monkeypatch):
    folder = _villages_book(tmp_path / "收集")
    expected = [("下营村", (2010, 3), 3, 3, 1, 0), ("倪家营村", (2010, 3), 0, 1, 1, 0),
                ("下营村", (2010, 4), 1, 1, 0, 1)]  # by month, then village
    assert _months(_run(folder)) == expected
    monkeypatch.setattr(consolidation._MonthCounts, "BATCH", 1)  # each card's months counted at once
    assert _months(_run(folder)) == expected


def test_a_card_with_every_diary_row_outside_the_period_still_expects_its_months(tmp_path):
    c = _run(_villages_book(tmp_path / "收集"))
    lines = {x.card_no: x for x in c.cards}
    assert list(lines) == ["A-1", "A-2", "B-1", "B-2", "C-1"]
    c1 = lines["C-1"]
    assert (c1.entries, c1.interviews, c1.interview_expected, c1.interview_met, c1.diary_met) == (0, 0, 12, 0, 0)
    assert c1.shortfall == "访谈缺 12 个月：2010年1–12月；日记缺 12 个月：2010年1–12月；本年未解决主要问题"
    b2 = lines["B-2"]  # linked in July, no diary: six months expected, none met
    assert (b2.entries, b2.interview_expected, b2.diary_met) == (0, 6, 0)
    a1 = lines["A-1"]
    assert (a1.entries, a1.interviews, a1.services, a1.solved, a1.interview_met, a1.solved_this_year) == (
        3, 3, 1, 1, 2, True)
    outside = {(e.row, e.bucket) for e in c.excluded}
    assert outside == {(8, OUT_OF_PERIOD), (9, OUT_OF_PERIOD)}  # the 2009 and the 2011 rows, nothing else
    assert sum(a.counted for a in c.accounts.values()) == 5 + 5  # every card, five of the seven diary rows
    village = {u.unit: u for u in c.units}
    assert (village["下营村"].interviews, village["下营村"].services, village["下营村"].solved_households) == (4, 1, 1)
    assert (village["倪家营村"].interviews, village["倪家营村"].interview_months_expected) == (0, 12 + 6)


def test_a_quarter_asks_the_year_so_far_for_a_main_problem_solved_and_counts_only_its_own_rows(tmp_path):
    folder = _villages_book(tmp_path / "收集")
    c = _run(folder, "2010Q2")  # A-1's problem was solved in April: inside the quarter
    a1 = next(x for x in c.cards if x.card_no == "A-1")
    assert (a1.entries, a1.solved, a1.solved_this_year) == (1, 1, True)
    c = _run(folder, "2010Q3")  # nothing in the quarter; the April solution is still this year's
    a1 = next(x for x in c.cards if x.card_no == "A-1")
    assert (a1.entries, a1.solved, a1.solved_this_year) == (0, 0, True)
    assert c.months == []


def _sheet_xml(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


TEXTS = st.lists(st.one_of(st.sampled_from(NASTY[:-3] + ["", " ", "\x01", "a\x00b", "&", "中文"]),
                           st.text(alphabet="ab中文 _x0041\x01\n&<>", max_size=12)), max_size=14)


@settings(max_examples=25, deadline=None)
@given(TEXTS, st.sampled_from([1, 2, 3, 500]))
def test_a_chunk_with_some_texts_to_escape_writes_every_row_as_xlsxwriter_does(texts, chunk):
    """Rows are written as if no text needs escaping and the chunk's texts are checked at once:
    wherever the rows that need more fall in their chunks, the sheet is XlsxWriter's, byte for byte."""
    old = fast_rows.CHUNK
    fast_rows.CHUNK = chunk
    try:
        with tempfile.TemporaryDirectory() as folder:
            fast = _detail_book(Path(folder) / "fast.xlsx", True, texts)
            plain = _detail_book(Path(folder) / "plain.xlsx", False, texts)
            assert _sheet_xml(fast) == _sheet_xml(plain)
    finally:
        fast_rows.CHUNK = old


def test_rows_with_long_wrapped_text_are_as_tall_as_their_lines_however_often_they_repeat(tmp_path):
    """问题 and 三个一 remember a row's height per combination of its wrapped texts (totals_book._Heights):
    each row still gets the height of its own texts."""
    import openpyxl

    from lianhu_xl.totals_book import write_totals

    long = "村里的水渠年久失修，" * 8  # 80 characters, 160 columns wide: 5 lines of 发现问题 (30 wide)
    cards = [card(f"L-{i}", 结对日期=D(2010, 1, 5)) for i in range(1, 5)]
    diaries = [diary("L-1", D(2010, 3, 2), 发现问题=long, 是否主要问题="是", 办理结果="正在办理", 解决办法="修"),
               diary("L-2", D(2010, 3, 2), 发现问题="缺水", 是否主要问题="是", 办理结果="正在办理", 解决办法="打井"),
               diary("L-3", D(2010, 3, 2), 发现问题=long, 是否主要问题="是", 办理结果="正在办理", 解决办法="修"),
               diary("L-4", D(2010, 3, 2), 发现问题="缺水", 是否主要问题="是", 办理结果="正在办理", 解决办法="打井")]
    write_book(tmp_path / "收集" / "乡.xlsx", cards, diaries)
    out = write_totals(_run(tmp_path / "收集"), tmp_path / "汇总.xlsx")
    ws = openpyxl.load_workbook(out)["问题"]
    heights = {ws.cell(r, 4).value: ws.row_dimensions[r].height for r in range(4, 8)}
    assert heights == {"L-1": 69.75, "L-2": None, "L-3": 69.75, "L-4": None}  # 13.5 × 5 + 2 pt, to whole pixels
    ws = openpyxl.load_workbook(out)["三个一"]  # every card short of the same months: one 差距, two lines each
    assert [ws.row_dimensions[r].height for r in range(4, 8)] == [29.25] * 4  # 13.5 × 2 + 2 pt
    assert ws.cell(4, 15).value.startswith("访谈缺 11 个月：2010年1–2、4–12月；日记缺 11 个月")
