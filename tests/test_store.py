"""The run's row store: rows kept on disk, read back exactly, long lists never held."""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import sys

import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lianhu_xl.cli import cli
from lianhu_xl.consolidate import consolidate
from lianhu_xl.period import parse_period
from lianhu_xl.standard import CARD_SHEET, DIARY_SHEET, FORMS, HOUSEHOLD_TYPES, SERVICES, YESNO
from lianhu_xl.store import FIELDS, RowStore, StoredList, decode, encode
from lianhu_xl.validate import validate

text = st.one_of(st.none(), st.text(min_size=1, max_size=12))
day = st.one_of(st.none(), st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31)))


@settings(max_examples=80, deadline=None)
@given(st.fixed_dictionaries({
    "card_no": st.text(min_size=1, max_size=10), "date": day, "linker": text, "head": text,
    "form": st.sampled_from(FORMS), "problem": text, "is_main_problem": st.one_of(st.none(), st.booleans()),
    "services": st.lists(st.sampled_from(SERVICES), max_size=3, unique=True).map(tuple),
    "deeds": st.one_of(st.none(), st.integers(0, 50)), "loans": st.one_of(st.none(), st.floats(0, 1e7)),
    "review_date": day}), st.booleans())
def test_a_diary_row_comes_back_from_the_store_as_it_went_in(fields, rejected):
    row = encode(DIARY_SHEET, 17, rejected, fields)
    back = decode(DIARY_SHEET, row[2:])
    for name in FIELDS[DIARY_SHEET]:
        want = fields.get(name, () if name == "services" else None)
        assert back[name] == want and type(back[name]) is type(want), name
    month = row[-1]  # the month number counting groups by
    assert month == (None if fields["date"] is None else fields["date"].year * 12 + fields["date"].month - 1)


@settings(max_examples=40, deadline=None)
@given(st.fixed_dictionaries({
    "card_no": st.text(min_size=1, max_size=10), "household_type": st.sampled_from(HOUSEHOLD_TYPES),
    "link_date": day, "household_size": st.one_of(st.none(), st.integers(1, 30)),
    "converted": st.one_of(st.none(), st.booleans()), "id_number": text,
    "econ_developed": st.sampled_from((None, *[v == "是" for v in YESNO]))}))
def test_a_card_row_comes_back_from_the_store_as_it_went_in(fields):
    store = RowStore()
    store.add_sheet("村.xlsx", "联户卡", CARD_SHEET, {"card_no": "A"}, [encode(CARD_SHEET, 3, False, fields)])
    (r,) = store.records(CARD_SHEET)
    assert (r.file, r.sheet, r.row, r.cell("card_no"), r.excluded) == ("村.xlsx", "联户卡", 3, "A3", None)
    for name in FIELDS[CARD_SHEET]:
        assert getattr(r.model, name) == fields.get(name), name


def _store_with_lines(n: int) -> StoredList:
    store = RowStore()
    store.query("CREATE TABLE line (n INTEGER, word TEXT)")
    store.db.executemany("INSERT INTO line VALUES (?, ?)", ((i, f"第{i}行") for i in range(n)))
    return StoredList(store, "SELECT n, word FROM line ORDER BY n", tuple, "SELECT count(*) FROM line")


def test_a_stored_list_reads_like_a_list_and_pickles_as_one():
    lines = _store_with_lines(5)
    expected = [(i, f"第{i}行") for i in range(5)]
    assert len(lines) == 5 and list(lines) == expected and list(lines) == expected  # read again, the same
    assert lines == expected and lines[0] == expected[0] and lines[-1] == expected[-1] and lines[1:3] == expected[1:3]
    with pytest.raises(IndexError):
        lines[5]
    assert list(lines.ordered("n DESC")) == expected[::-1]
    assert pickle.loads(pickle.dumps(lines)) == expected and type(pickle.loads(pickle.dumps(lines))) is list
    assert not _store_with_lines(0) and _store_with_lines(0) == []


def test_rows_go_into_the_store_as_they_arrive_and_the_books_keep_none(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001"), diary("XY-002", "2010-13-45")])
    result = validate([tmp_path])
    assert all(not b.blocks for b in result.books)  # the rows live in the store only
    assert [r.model.card_no for r in result.cards] == ["XY-001", "XY-002"]
    assert [(r.row, r.excluded) for r in result.diaries] == [(3, None)]
    assert [(r.sheet, r.row, r.excluded) for r in result.rejected] == [("联户日记", 4, "row-error")]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SQLite unlinks its temporary file at once on POSIX")
def test_the_store_leaves_no_file_behind(tmp_path, monkeypatch):
    """The store holds 身份证号 and 联系电话 as typed: its file must never stay on disk."""
    import lianhu_xl.store as store_mod

    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setenv("SQLITE_TMPDIR", str(spool))
    monkeypatch.setattr(store_mod, "CACHE_KB", 1)  # a page cache of almost nothing: the store spills to disk
    write_book(tmp_path / "书" / "a.xlsx", [card("XY-001", 身份证号="11010519491231002X")], [diary("XY-001")])
    result = consolidate([tmp_path / "书"], period=parse_period("2010"))
    assert len(result.cards) == 1 and result.cards[0].id_masked.startswith("110105")
    assert os.listdir(spool) == []


def test_a_remembered_run_keeps_its_long_lists_in_a_file_not_in_the_pickle(tmp_path, monkeypatch):
    """A remembered consolidation comes back without loading 联户清单, 问题 and 未计入 into memory:
    they are read from a SQLite file beside the entry. Without that file it is counted again."""
    import lianhu_xl.consolidate as consolidation

    write_book(tmp_path / "书" / "a.xlsx", [card("XY-001", 户主="独一无二的户主"), card("XY-002")],
               [diary("XY-001", 发现问题="缺水"), diary("XY-009")])
    cache_dir = tmp_path / "cache"
    monkeypatch.setenv("LIANHU_CACHE", "on")
    monkeypatch.setenv("LIANHU_CACHE_DIR", str(cache_dir))
    runs: list[int] = []
    real = consolidation.consolidate
    monkeypatch.setattr(consolidation, "consolidate", lambda *a, **k: runs.append(1) or real(*a, **k))
    out = tmp_path / "汇总表.xlsx"
    args = ["consolidate", str(tmp_path / "书"), "-o", str(out), "--json", "-j", "1", "--period", "2010"]
    first = CliRunner().invoke(cli, args)
    saved = list(cache_dir.rglob("run-*.sqlite"))
    assert len(saved) == 1 and len(runs) == 1
    entry = saved[0].with_suffix(".pickle")
    assert "独一无二的户主".encode() not in entry.read_bytes()  # the card lines are not in the pickle
    out.unlink()
    second = CliRunner().invoke(cli, args)  # remembered: not counted again, 汇总表 written anew
    assert len(runs) == 1 and json.loads(second.output) == json.loads(first.output) and out.exists()
    from openpyxl import load_workbook

    assert "独一无二的户主" in [c for r in load_workbook(out)["联户清单"].iter_rows(values_only=True) for c in r]
    saved[0].unlink()  # its lines' file gone: a miss, counted again, never an error (the 汇总表
    out.unlink()  # gone too, so the lines are needed: with it intact the run answers as it did before)
    third = CliRunner().invoke(cli, args)
    assert len(runs) == 2 and json.loads(third.output) == json.loads(first.output)


def test_asking_for_more_rows_than_sqlite_takes_parameters_finds_every_one():
    """A county's --report asks for thousands of rows of one sheet by number: every one is found,
    however many statements it takes (old SQLite builds take at most 999 parameters)."""
    store = RowStore()
    sid = store.add_sheet("村.xlsx", "联户卡", CARD_SHEET, {"card_no": "A"},
                          [encode(CARD_SHEET, n, False, {"card_no": f"XY-{n}"}) for n in range(3, 2503)])
    wanted = [*range(3, 2503, 2), 9999]  # 1,250 rows there, one not
    found = list(store.query_in("SELECT row, card_no FROM card WHERE sheet = ? AND row IN ({}) ORDER BY row",
                                (sid,), wanted))
    assert [r for r, _ in found] == wanted[:-1]
    assert found[-1] == (2501, "XY-2501")
    assert list(store.query_in("SELECT row FROM card WHERE row IN ({})", (), [])) == []
