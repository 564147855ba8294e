"""The per-file result cache: an unchanged file is not read again, and a hit never
gives a different answer from a fresh read."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

import lianhu_xl.validate as validate_mod
from lianhu_xl import cache as cache_mod
from lianhu_xl.cache import ResultCache, open_cache, pack, unpack
from lianhu_xl.cli import cli
from lianhu_xl.roster import Roster
from lianhu_xl.validate import validate


@pytest.fixture
def reads(monkeypatch):
    """Counts the workbooks actually read: the files a run hands to its readers (which read them
    in worker processes, whose own calls this process never sees)."""
    opened: list[str] = []
    real = validate_mod.run_checks

    def counting(files, *args, **kwargs):
        opened.extend(display for _, display in files)
        return real(files, *args, **kwargs)

    monkeypatch.setattr(validate_mod, "run_checks", counting)
    return opened


@pytest.fixture
def folder(tmp_path):
    books = tmp_path / "收集"
    write_book(books / "下营村.xlsx", [card("XY-001"), card("XY-002", 联系户类型="经济落后户")],
               [diary("XY-001", "2010.9.6", **{"担保贷款(元)": "3000元"}), diary("XY-009")])
    write_book(books / "江淮村.xlsx", [card("JH-001", 村="江淮村", 社="四社")],
               [diary("JH-001", dt.date(2010, 9, 6))])
    return books


def _answer(v) -> dict:
    """Everything a user sees of a validation: issues, file summaries, counted rows."""
    return {"report": v.report.to_dict(),
            "rows": sorted((r.file, r.row, r.excluded or "", r.model.model_dump_json()) for r in v.cards + v.diaries)}


def test_unchanged_files_are_not_read_again_and_answer_the_same(folder, tmp_path, reads):
    store = ResultCache(tmp_path / "cache")
    first = validate([folder], cache=store)
    assert sorted(reads) == ["下营村.xlsx", "江淮村.xlsx"]
    again = validate([folder], cache=ResultCache(tmp_path / "cache"))
    assert sorted(reads) == ["下营村.xlsx", "江淮村.xlsx"]  # no workbook opened the second time
    assert _answer(again) == _answer(first)
    assert _answer(again) == _answer(validate([folder]))  # and the same as no cache at all


def test_a_changed_file_is_read_again(folder, tmp_path, reads):
    validate([folder], cache=ResultCache(tmp_path / "cache"))
    write_book(folder / "江淮村.xlsx", [card("JH-001", 村="江淮村", 社="四社", 联系人类别="干部")],
               [diary("JH-001", dt.date(2010, 9, 6))])
    reads.clear()
    after = validate([folder], cache=ResultCache(tmp_path / "cache"))
    assert reads == ["江淮村.xlsx"]
    assert any(i.file == "江淮村.xlsx" and i.code == "bad-choice" for i in after.report.issues)


def test_roster_standard_version_and_day_are_part_of_the_key(folder, tmp_path, reads, monkeypatch):
    validate([folder], cache=ResultCache(tmp_path / "cache"))
    reads.clear()
    roster = Roster(villages={"下营村": ["六社"], "江淮村": ["四社"]})
    validate([folder], roster=roster, cache=ResultCache(tmp_path / "cache", roster))
    assert len(reads) == 2  # a roster changes what a card may say
    reads.clear()
    validate([folder], cache=ResultCache(tmp_path / "cache", today=dt.date.today() + dt.timedelta(days=1)))
    assert len(reads) == 2  # a diary dated tomorrow is fine tomorrow
    reads.clear()
    monkeypatch.setattr("lianhu_xl.standard_names.STANDARD_VERSION", "999")
    validate([folder], cache=ResultCache(tmp_path / "cache"))
    assert len(reads) == 2


def test_same_bytes_under_another_name_are_reported_under_that_name(folder, tmp_path):
    validate([folder], cache=ResultCache(tmp_path / "cache"))
    (folder / "江淮村.xlsx").rename(folder / "江淮村（改）.xlsx")
    v = validate([folder], cache=ResultCache(tmp_path / "cache"))
    assert "江淮村（改）.xlsx" in {f.file for f in v.report.files}
    assert "江淮村.xlsx" not in {i.file for i in v.report.issues}


def test_a_damaged_entry_is_a_miss_not_an_error(folder, tmp_path, reads):
    store = tmp_path / "cache"
    first = validate([folder], cache=ResultCache(store))
    for entry in store.rglob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    reads.clear()
    again = validate([folder], cache=ResultCache(store))
    assert len(reads) == 2
    assert _answer(again) == _answer(first)


def test_pack_keeps_every_row_and_its_state(folder):
    from lianhu_xl.book import check_file

    result = check_file(folder / "下营村.xlsx", "下营村.xlsx")
    back = unpack(pack(result))
    assert back.summary == result.summary and back.issues == result.issues
    assert [(r.row, r.model, r.letters, r.excluded) for r in back.cards + back.diaries + back.rejected] == \
        [(r.row, r.model, r.letters, r.excluded) for r in result.cards + result.diaries + result.rejected]
    assert back.blocks == result.blocks  # the rows as the store takes them


def test_cli_caches_in_the_folder_named_and_no_cache_turns_it_off(folder, tmp_path, monkeypatch):
    store = tmp_path / "cache"
    monkeypatch.setenv("LIANHU_CACHE", "on")
    monkeypatch.setenv("LIANHU_CACHE_DIR", str(store))
    runner = CliRunner()
    plain = runner.invoke(cli, ["validate", "--no-cache", "--json", str(folder)])
    assert not store.exists()
    first = runner.invoke(cli, ["validate", "--json", str(folder)])
    assert len(list(store.rglob("*.pickle"))) == 2
    second = runner.invoke(cli, ["validate", "--json", str(folder)])
    assert first.exit_code == second.exit_code == plain.exit_code == 1
    assert json.loads(second.output) == json.loads(first.output) == json.loads(plain.output)


def test_consolidate_uses_the_cache_and_writes_the_same_totals(folder, tmp_path, monkeypatch, reads):
    monkeypatch.setenv("LIANHU_CACHE", "on")
    monkeypatch.setenv("LIANHU_CACHE_DIR", str(tmp_path / "cache"))
    runner = CliRunner()
    out = tmp_path / "汇总表.xlsx"
    first = runner.invoke(cli, ["consolidate", str(folder), "-o", str(out), "--json", "-j", "1"])
    reads.clear()
    second = runner.invoke(cli, ["consolidate", str(folder), "-o", str(out), "--json", "-j", "1"])
    assert reads == []
    assert first.exit_code == second.exit_code
    assert json.loads(second.output) == json.loads(first.output)


def test_cache_is_off_when_asked_and_in_the_users_cache_dir_otherwise(monkeypatch, tmp_path):
    monkeypatch.setenv("LIANHU_CACHE", "off")
    assert open_cache() is None
    monkeypatch.delenv("LIANHU_CACHE")
    monkeypatch.delenv("LIANHU_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setattr(cache_mod.sys, "platform", "linux")
    assert open_cache().folder == tmp_path / "xdg" / "lianhu_xl"
    assert open_cache(enabled=False) is None


def test_old_entries_are_pruned(folder, tmp_path):
    import os

    store = ResultCache(tmp_path / "cache")
    validate([folder], cache=store)
    entries = list((tmp_path / "cache").rglob("*.pickle"))
    old = entries[0]
    os.utime(old, (0, 0))
    assert store.prune() == 1
    assert not old.exists() and entries[1].exists()


def _consolidate(folder, out, *extra):
    return CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "--json", "-j", "1", *extra])


def test_consolidate_again_with_nothing_changed_reuses_the_run_and_keeps_the_file(folder, tmp_path, monkeypatch):
    import lianhu_xl.consolidate as consolidation

    monkeypatch.setenv("LIANHU_CACHE", "on")
    monkeypatch.setenv("LIANHU_CACHE_DIR", str(tmp_path / "cache"))
    runs: list[int] = []
    real = consolidation.consolidate

    def counting(*args, **kwargs):
        runs.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(consolidation, "consolidate", counting)
    out = tmp_path / "汇总表.xlsx"
    first = _consolidate(folder, out)
    written = out.read_bytes()
    stamp = out.stat().st_mtime_ns
    second = _consolidate(folder, out)
    assert len(runs) == 1  # nothing counted again
    assert out.stat().st_mtime_ns == stamp and out.read_bytes() == written  # nor written again
    assert second.exit_code == first.exit_code and json.loads(second.output) == json.loads(first.output)
    out.unlink()  # a clerk deleted (or edited) the 汇总表: it is written again, the same
    third = _consolidate(folder, out)
    assert out.exists() and json.loads(third.output) == json.loads(first.output)
    _consolidate(folder, out, "--title", "倪家营乡")  # other options: counted afresh
    assert len(runs) == 2
    write_book(folder / "江淮村.xlsx", [card("JH-001", 村="江淮村", 社="四社")],
               [diary("JH-001", dt.date(2010, 9, 7))])
    changed = _consolidate(folder, out, "--title", "倪家营乡")
    assert len(runs) == 3
    assert json.loads(changed.output) != json.loads(first.output)


def test_a_remembered_consolidation_stored_in_pieces_comes_back_whole(folder, tmp_path, monkeypatch):
    import pickle

    from lianhu_xl.consolidate import consolidate
    from lianhu_xl.period import parse_period

    monkeypatch.setattr(cache_mod, "PIECE", 1)  # every list of two or more is cut into pieces
    c = consolidate([folder], period=parse_period("2010"), title="倪家营乡", today=dt.date(2011, 3, 1))
    assert len(c.cards) == 3 and len(c.entries) == 2 and c.excluded
    store = ResultCache(tmp_path / "cache")
    store.put("run-x", c)
    assert pickle.loads(store._path("run-x").read_bytes())[0] == "lianhu_xl.cache pieces"
    back = store.get("run-x")
    assert back == c  # every card, counted row, problem and row left out, in order
    assert [x.card_no for x in back.cards] == [x.card_no for x in c.cards]


RERUN = """
import sys
from lianhu_xl.cli import cli
try:
    cli(sys.argv[1:])
finally:
    heavy = [m for m in ("lianhu_xl.standard", "lianhu_xl.reader", "lianhu_xl.consolidate", "pydantic") if m in sys.modules]
    print("IMPORTED:" + ",".join(heavy), file=sys.stderr)
"""


def test_a_rerun_with_nothing_changed_answers_as_before_without_loading_the_readers(folder, tmp_path):
    """The clerk clicks 汇总 again: the same text and exit code, answered from what the last run
    said, before Pydantic and the readers are imported (a re-run costs start-up, not a read).
    An edited 汇总表, another output or a changed book is a run again."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "LIANHU_CACHE": "on", "LIANHU_CACHE_DIR": str(tmp_path / "cache"),
           "PYTHONIOENCODING": "utf-8"}  # an English Windows' pipes are cp1252: 汇总表已保存 would be ??????
    out = tmp_path / "汇总表.xlsx"

    def run(*extra: str) -> tuple[int, str, str]:
        done = subprocess.run([sys.executable, "-c", RERUN, "consolidate", str(folder), "-o", str(out),
                               "--period", "2010", *extra], capture_output=True, encoding="utf-8", env=env,
                              timeout=120)
        return done.returncode, done.stdout, done.stderr.rsplit("IMPORTED:", 1)[1].strip()

    first = run()
    again = run()
    assert first[0] == again[0] == 1 and first[1] == again[1] and "汇总表已保存" in again[1]
    assert first[2] and again[2] == ""  # the first run read the books; the second imported none of it
    as_json = run("--json")
    assert as_json[2] and json.loads(as_json[1])["output"] == str(out)  # another way of printing: a run
    assert run("--json")[1] == as_json[1] and run("--json")[2] == ""
    out.write_bytes(out.read_bytes() + b"\0")  # the 汇总表 edited since: written again, by a run
    touched = out.read_bytes()
    edited = run()
    assert edited[1] == first[1] and edited[2] and out.read_bytes() != touched
    write_book(folder / "江淮村.xlsx", [card("JH-001", 村="江淮村", 社="四社")], [diary("JH-001", dt.date(2010, 9, 7))])
    assert run()[2]  # a changed book: read again
