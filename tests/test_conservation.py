"""Conservation: every row typed is either counted or listed with the reason it
is left out, never both, never neither. Random books (duplicates across files,
errors, 合计 rows, blank rows, dates outside the period, unknown 卡号) are
checked against what the generator itself wrote, for validate and consolidate.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from bookfactory import card, diary, header_row, write_book
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianhu_xl.consolidate import consolidate
from lianhu_xl.period import year_period
from lianhu_xl.validate import validate

NOS = ["XY-001", "XY-002", "XY-003", "JH-001"]
# issues that leave a row out without being an error
LEAVE_OUT = {"totals-row", "duplicate-card", "duplicate-diary", "card-excluded"}
FIRST = header_row() + 1

card_row = st.one_of(
    st.builds(lambda no: card(no), st.sampled_from(NOS)),  # the same card in several places
    st.builds(lambda no, d: card(no, 结对日期=d), st.sampled_from(NOS),
              st.sampled_from([dt.date(2009, 6, 1), "2010年3月1日", "2010.13.1", "", "明年"])),
    st.builds(lambda no, t: card(no, 联系人类别=t), st.sampled_from(NOS), st.sampled_from(["书记", "党员"])),
    st.builds(lambda no: card(no, 户主=None), st.sampled_from(NOS)),
    st.builds(lambda no, n: card(no, 家庭人口=n), st.sampled_from(NOS), st.sampled_from([4, "五六口", 0, 31])),
    st.just({"卡号": "合计", "家庭人口": 12}),
    st.just({}),  # a blank row
)
diary_row = st.one_of(
    st.builds(lambda no, d: diary(no, d), st.sampled_from(NOS + ["ZZ-404"]),
              st.sampled_from([dt.date(2010, 3, 6), dt.date(2010, 3, 6), dt.date(2009, 12, 31),
                               dt.date(2011, 1, 2), "2010-13-40", dt.date(2099, 1, 1)])),
    st.builds(lambda no, f: diary(no, 形式=f), st.sampled_from(NOS), st.sampled_from(["入户访谈", "微信"])),
    st.builds(lambda no: diary(no, 发现问题="缺水"), st.sampled_from(NOS)),  # no 办理结果: an error
    st.builds(lambda no, v: diary(no, **{"担保贷款(元)": v}), st.sampled_from(NOS),
              st.sampled_from(["3000元", "三千多", -5])),
    st.just({"卡号": "小计", "办实事(件)": 3}),
    st.just({}),
)
book = st.tuples(st.lists(card_row, max_size=6), st.lists(diary_row, max_size=8))
books = st.lists(book, min_size=1, max_size=3)


def _typed(rows: list[dict]) -> set[int]:
    return {FIRST + i for i, r in enumerate(rows) if any(v not in (None, "") for v in r.values())}


def _write(folder: Path, generated) -> dict[str, dict[str, set[int]]]:
    """Write the books; return, per file and sheet, the sheet rows that hold something."""
    typed = {}
    for n, (cards, diaries) in enumerate(generated):
        name = f"村{n}.xlsx"
        write_book(folder / name, cards, diaries)
        typed[name] = {"联户卡": _typed(cards), "联户日记": _typed(diaries)}
    return typed


def _write_and_run(generated, run) -> tuple[dict[str, dict[str, set[int]]], object]:
    """The books written in a fresh folder and ``run(folder)`` on them: (typed rows, result)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        return _write(folder, generated), run(folder)


def _every(sheets: dict[str, set[int]]) -> set[tuple[str, int]]:
    return {(s, r) for s, rows in sheets.items() for r in rows}


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(books)
def test_validate_counts_or_lists_every_row_typed(generated):
    typed, result = _write_and_run(generated, lambda folder: validate([folder]))
    for name, sheets in typed.items():
        summary = next(f for f in result.report.files if f.file == name)
        assert (summary.card_rows, summary.diary_rows) == (len(sheets["联户卡"]), len(sheets["联户日记"]))
        counted = {(r.sheet, r.row) for r in result.cards + result.diaries if r.file == name and not r.excluded}
        listed = {(i.sheet, i.row) for i in result.report.issues
                  if i.file == name and i.row and i.row >= FIRST
                  and (i.severity == "error" or i.code in LEAVE_OUT)}
        every = _every(sheets)
        assert not counted & listed, f"counted and also listed as left out: {counted & listed}"
        assert counted | listed == every, f"lost: {every - counted - listed}, invented: {(counted | listed) - every}"
        assert (summary.counted, summary.excluded) == (len(counted), len(listed))


@SETTINGS
@given(books)
def test_consolidate_counts_or_lists_every_row_typed(generated):
    typed, result = _write_and_run(generated, lambda folder: consolidate(
        [folder], period=year_period(2010), today=dt.date(2011, 6, 30)))
    for name, sheets in typed.items():
        every = _every(sheets)
        account = result.accounts[name]
        left_out = [(e.sheet, e.row) for e in result.excluded if e.file == name]
        assert len(left_out) == len(set(left_out)), "a row listed twice in 未计入"
        assert set(left_out) <= every
        assert account.read == len(every) and account.balanced
        assert account.counted == len(every) - len(left_out)
    assert result.total.households == len(result.cards) == len({c.card_no for c in result.cards})
