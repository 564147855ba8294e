"""A batch survives its worst file: a file that kills or hangs its worker process
costs that file only (reported as reader-crashed), every other file is read,
results keep the order given, and no worker process is left behind."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from datetime import date

import pytest
from click.testing import CliRunner
from hostile import good_book, huge_range

import lianhu_xl.batch as batch
import lianhu_xl.book as book
from lianhu_xl.cli import cli
from lianhu_xl.guard import Inspection

pytestmark = pytest.mark.skipif(
    os.name != "posix" or multiprocessing.get_start_method() != "fork",
    reason="worker deaths are staged by monkeypatching, which only fork carries into the workers")


@pytest.fixture
def folder(tmp_path):
    names = ["甲.xlsx", "乙.xlsx", "丙.xlsx", "炸.xlsx", "丁.xlsx", "戊.xlsx", "己.xlsx"]
    for name in names:
        if name != "炸.xlsx":
            good_book(tmp_path / name)
    huge_range(tmp_path / "炸.xlsx")
    return tmp_path, [(tmp_path / n, n) for n in names]


def _unguarded(monkeypatch):
    """Let 炸.xlsx past the guard: python-calamine then asks for 512 GiB and aborts (SIGABRT)."""
    real = book.inspect

    def inspect(path):
        if path.name == "炸.xlsx":
            return Inspection(data=path.read_bytes(), sheets=["联户卡"])
        return real(path)

    monkeypatch.setattr(book, "inspect", inspect)


def _exits(monkeypatch):
    """A worker that vanishes without a word (os._exit), as after the OOM killer."""
    real = batch.check_file

    def check(path, display, roster=None):
        if display == "炸.xlsx":
            os._exit(9)
        return real(path, display, roster)

    monkeypatch.setattr(batch, "check_file", check)


@pytest.fixture(params=["one-a-send", "several-a-send"])
def sends(request, monkeypatch):
    """Files sent to a worker one at a time (a short batch), or several at once (a long one's
    way, forced here on a few files)."""
    if request.param == "several-a-send":
        monkeypatch.setattr(batch, "CHUNK_SPREAD", 1)
    return request.param


def test_a_long_batch_sends_several_files_at_once_and_a_short_one_one():
    assert batch.chunk_size(1000, 2) == batch.CHUNK > 1
    assert batch.chunk_size(40, 2) == 1
    assert batch.chunk_size(0, 2) == 1


@pytest.mark.parametrize("stage", [_unguarded, _exits], ids=["native-abort", "worker-exit"])
def test_a_file_that_kills_its_worker_costs_that_file_only(folder, monkeypatch, stage, sends):
    _, files = folder
    stage(monkeypatch)
    seen = []
    results = batch.run_checks(files, jobs=2, progress=seen.append)
    assert [r.summary.file for r in results] == [d for _, d in files]
    assert sorted(r.summary.file for r in seen) == sorted(d for _, d in files)  # one progress tick each
    crashed = results[3]
    assert crashed.summary.kind == "unreadable"
    assert [i.code for i in crashed.issues] == ["reader-crashed"]
    assert crashed.issues[0].file == "炸.xlsx"
    for r in results[:3] + results[4:]:
        assert (r.summary.kind, len(r.cards), len(r.diaries), r.issues) == ("book", 2, 3, [])
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_validate_reports_the_crash_and_goes_on_with_one_job_or_two(folder, monkeypatch, jobs):
    """-j 1 reads in one worker process too: the file that aborts it is the only one lost."""
    path, _ = folder
    _unguarded(monkeypatch)
    result = CliRunner().invoke(cli, ["validate", str(path), "--json", "-j", jobs, "--no-cache"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    errors = [(i["file"], i["code"]) for i in report["issues"] if i["severity"] == "error"]
    assert errors == [("炸.xlsx", "reader-crashed")]
    read = {f["file"]: f["card_rows"] + f["diary_rows"] for f in report["files"]}
    assert read == {n: (0 if n == "炸.xlsx" else 5) for n in read} and len(read) == 7


def test_one_book_that_aborts_its_reader_is_said_not_a_vanished_run(tmp_path, monkeypatch):
    """A clerk checking a single book (the WPS button's way): the reader aborting on it ends in a
    Chinese message and exit 1, never the run killed with nothing said (it was read in the run's
    own process: pytest itself died here)."""
    huge_range(tmp_path / "炸.xlsx")
    _unguarded(monkeypatch)
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "炸.xlsx"), "--no-cache"])
    assert result.exit_code == 1
    assert "炸.xlsx" in result.output and "读取程序意外退出" in result.output
    assert multiprocessing.active_children() == []


def test_a_batch_of_two_with_one_job_survives_the_file_that_aborts_its_reader(tmp_path, monkeypatch):
    good_book(tmp_path / "甲.xlsx")
    huge_range(tmp_path / "炸.xlsx")
    _unguarded(monkeypatch)
    results = batch.run_checks([(tmp_path / "炸.xlsx", "炸.xlsx"), (tmp_path / "甲.xlsx", "甲.xlsx")], jobs=1)
    assert [[i.code for i in r.issues] for r in results] == [["reader-crashed"], []]
    assert (len(results[1].cards), len(results[1].diaries)) == (2, 3)
    assert multiprocessing.active_children() == []


def test_two_crashing_files_and_one_hung_worker(tmp_path, monkeypatch, sends):
    """Several bad files in one batch, one of them never returning: each is reported
    on its own (the hung one after FILE_TIMEOUT), the rest are read."""
    names = [f"{i:02d}.xlsx" for i in range(10)]
    for name in names:
        good_book(tmp_path / name)
    real = batch.check_file

    def check(path, display, roster=None):
        if display in ("02.xlsx", "07.xlsx"):
            os.abort()
        if display == "05.xlsx":
            time.sleep(600)
        return real(path, display, roster)

    monkeypatch.setattr(batch, "check_file", check)
    monkeypatch.setattr(batch, "FILE_TIMEOUT", 1.0)
    results = batch.run_checks([(tmp_path / n, n) for n in names], jobs=2)
    codes = {r.summary.file: [i.code for i in r.issues] for r in results}
    expected = {"02.xlsx": ["reader-crashed"], "05.xlsx": ["reader-timeout"], "07.xlsx": ["reader-crashed"]}
    assert codes == {n: expected.get(n, []) for n in names}
    assert "超过 1 秒仍未完成" in results[5].issues[0].message
    assert multiprocessing.active_children() == []


def test_an_answer_that_cannot_travel_back_costs_that_file_only(tmp_path, monkeypatch, sends):
    """A result the worker cannot send (it does not pickle) is that file's reader-crashed; the
    files sent with it are sent again one at a time and read."""
    names = [f"{i:02d}.xlsx" for i in range(8)]
    for name in names:
        good_book(tmp_path / name)
    real = batch.check_file

    def check(path, display, roster=None):
        result = real(path, display, roster)
        if display == "05.xlsx":
            result.summary.template_version = lambda: None  # no pickle for a lambda
        return result

    monkeypatch.setattr(batch, "check_file", check)
    seen = []
    results = batch.run_checks([(tmp_path / n, n) for n in names], jobs=2, progress=seen.append)
    assert [r.summary.file for r in results] == names
    assert sorted(r.summary.file for r in seen) == names  # one progress tick each
    assert [i.code for i in results[5].issues] == ["reader-crashed"]
    for r in results[:5] + results[6:]:
        assert (r.summary.kind, len(r.cards), r.issues) == ("book", 2, [])
    assert multiprocessing.active_children() == []


def test_a_python_panic_in_the_reader_is_an_issue_in_process_too(tmp_path, monkeypatch):
    """pyo3's PanicException derives from BaseException; with one job it must not end the run."""
    good_book(tmp_path / "好.xlsx")

    class PanicException(BaseException):
        pass

    real = batch.check_file

    def check(path, display, roster=None):
        if display == "坏.xlsx":
            raise PanicException("TimeDelta::milliseconds out of bounds")
        return real(path, display, roster)

    good_book(tmp_path / "坏.xlsx")
    monkeypatch.setattr(batch, "check_file", check)
    results = batch.run_checks([(tmp_path / "坏.xlsx", "坏.xlsx"), (tmp_path / "好.xlsx", "好.xlsx")], jobs=1)
    assert [i.code for i in results[0].issues] == ["reader-crashed"]
    assert len(results[1].cards) == 2


def test_a_pool_that_cannot_start_does_not_loop_forever(tmp_path, monkeypatch):
    """If no worker can be started at all (fork refused), the files are read in this process."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    def refuse(self, *args, **kwargs):
        raise BrokenProcessPool("cannot fork")

    monkeypatch.setattr(ProcessPoolExecutor, "submit", refuse)
    names = [f"{i}.xlsx" for i in range(5)]
    for name in names:
        good_book(tmp_path / name)
    results = batch.run_checks([(tmp_path / n, n) for n in names], jobs=2)
    assert [(r.summary.file, len(r.cards)) for r in results] == [(n, 2) for n in names]


# --- no worker outlives its batch -------------------------------------------------------------

DRIVER = """
import signal, sys, time
import lianhu_xl.batch as batch

# Ctrl-C as a terminal delivers it, whoever started this: a suite run in the background
# (``pytest &`` from a script) hands its children SIGINT ignored, and the test failed
signal.signal(signal.SIGINT, signal.default_int_handler)

def slow(path, display, roster=None):  # a book that takes ten minutes to read
    time.sleep(600)

batch.check_file = slow
from lianhu_xl.cli import cli

cli(["validate", sys.argv[1], "-j", "2", "--no-cache", "-q"])
"""


def _children(pid: int) -> set[int]:
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as fh:
                    fields = fh.read().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                out.add(int(entry))
    return out


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            return fh.read().rsplit(b")", 1)[1].split()[0] != b"Z"  # a zombie has ended
    except OSError:
        return False


def _poll(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def _reap(proc) -> None:
    """Kill a driver started in a session of its own, and everything it started."""
    import signal

    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    proc.stderr.close()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds child processes through /proc")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGTERM", "SIGINT"])
def test_killing_validate_leaves_no_worker_behind(tmp_path, how):
    """`lianhu validate -j 2` killed (kill -9), terminated or interrupted (Ctrl-C) in the middle
    of a folder: its workers end too instead of reading on for minutes."""
    import signal
    import subprocess

    for i in range(4):
        good_book(tmp_path / "书" / f"{i}.xlsx")
    (tmp_path / "driver.py").write_text(DRIVER, encoding="utf-8")
    env = {**os.environ, "LIANHU_CACHE": "off"}
    proc = subprocess.Popen([sys.executable, str(tmp_path / "driver.py"), str(tmp_path / "书")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    workers: set[int] = set()
    try:
        assert _poll(lambda: len(workers.update(_children(proc.pid)) or workers) >= 2), "no workers started"
        proc.send_signal(getattr(signal, how))
        assert _poll(lambda: proc.poll() is not None), f"validate did not end on {how}"
        assert _poll(lambda: not any(_alive(w) for w in workers)), "a worker outlived validate"
        if how != "SIGKILL":  # told why, and nothing written
            assert proc.returncode == 2
            assert "已中断" in proc.stderr.read().decode("utf-8")
    finally:  # whatever happened, nothing of this test keeps running
        _reap(proc)


# The signal comes while Python runs a callback whose exceptions it only prints ("Exception ignored
# in …"): here the after-fork hook of the pool's first worker, where logging's own hook is when a clerk
# presses Ctrl-C as the workers start. The KeyboardInterrupt raised there is lost.
SWALLOWING_DRIVER = DRIVER.replace("from lianhu_xl.cli import cli", """import os
fired = []
def hook():
    if not fired:
        fired.append(1)
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
        for _ in range(1000):  # the handler runs here, in the hook: its KeyboardInterrupt is ignored
            time.sleep(0.001)
os.register_at_fork(after_in_parent=hook)
from lianhu_xl.cli import cli""")


@pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="needs fork")
@pytest.mark.parametrize("how", ["SIGTERM", "SIGINT"])
def test_an_interrupt_lost_in_a_callback_still_ends_validate(tmp_path, how):
    """Ctrl-C (or SIGTERM) arriving while a worker is being started was lost: Python ran the handler
    inside an after-fork hook and ignored its KeyboardInterrupt, and validate went on waiting for
    books that take ten minutes (1 run in 3 of the test above on a busy machine). It ends, says so,
    without waiting for its workers."""
    import subprocess

    for i in range(4):
        good_book(tmp_path / "书" / f"{i}.xlsx")
    (tmp_path / "driver.py").write_text(SWALLOWING_DRIVER, encoding="utf-8")
    env = {**os.environ, "LIANHU_CACHE": "off"}
    proc = subprocess.Popen([sys.executable, str(tmp_path / "driver.py"), str(tmp_path / "书"), how], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    try:
        assert _poll(lambda: proc.poll() is not None), f"validate did not end on a {how} lost in a callback"
        err = proc.stderr.read().decode("utf-8")
        assert "Exception ignored" in err  # the interrupt was indeed lost where Python ignores it
        assert proc.returncode == 2 and "已中断" in err
    finally:
        _reap(proc)


# --- what travels back from a worker ----------------------------------------------------------

def _as_seen(result):
    """Everything a later step reads of a result, including the model's fields-set."""
    def rows(records):
        return [(type(r.model), r.file, r.sheet, r.row, r.model.__dict__, r.letters, r.excluded)
                for r in records]
    return (result.summary, result.issues, rows(result.cards), rows(result.diaries), rows(result.rejected),
            result.totals_grid)


def test_a_result_from_a_worker_is_the_result_read_here(tmp_path):
    """What a worker process sends back must be exactly what check_file gives here: rows
    with errors, blank cells, dates, 是/否 and service lists included."""
    from bookfactory import card, diary, write_book

    path = write_book(tmp_path / "混.xlsx", [card("XY-001"), card("XY-002", 户主="李进忠"), card("XY-003", 结对日期="明天")],
                      [diary("XY-001", 服务类别="政策宣传、实用技术", 是否主要问题="是"),
                       diary("XY-002", "2010-13-45"), diary("XY-003", 形式="电话联系", 发现问题="缺水")])
    here = book.check_file(path, "混.xlsx")
    assert here.cards and here.diaries and here.rejected and here.issues  # every part is exercised
    with batch.worker_pool(1) as pool:
        there = pool.submit(batch._check_for_parent, path, "混.xlsx", None).result(timeout=60)
    assert _as_seen(there) == _as_seen(here)
    assert here.diaries[0].model.services == ("政策宣传", "实用技术")



def test_validate_reads_the_same_with_one_job_and_with_two(tmp_path):
    from bookfactory import card, diary, write_book

    for i in range(5):
        write_book(tmp_path / f"{i}.xlsx", [card(f"XY-{i}01"), card(f"XY-{i}02", 结对日期="明天")],
                   [diary(f"XY-{i}01"), diary(f"XY-{i}02", "2010-13-45")])
    files = [(tmp_path / f"{i}.xlsx", f"{i}.xlsx") for i in range(5)]
    one = batch.run_checks(files, jobs=1)
    two = batch.run_checks(files, jobs=2)
    assert [_as_seen(r) for r in two] == [_as_seen(r) for r in one]


def _rows_in(validation) -> list[tuple]:
    """Every stored row, as (file, sheet, row, rejected, excluded), sorted."""
    rows = []
    for table in ("card", "diary"):
        rows += validation.store.query(f"SELECT s.file, s.name, t.row, t.rejected, t.excluded FROM {table} t "
                                       "JOIN sheet s ON s.id = t.sheet").fetchall()
    return sorted(rows)


def test_workers_keep_rows_in_parts_and_the_run_counts_each_row_once(tmp_path, monkeypatch):
    """With two jobs the workers store the rows in a file of theirs; the run's totals, issues and
    rows are those of one job, and the file is gone once the run is."""
    from bookfactory import card, diary, write_book

    from lianhu_xl.validate import validate

    for i in range(6):
        write_book(tmp_path / "收" / f"{i}.xlsx", [card(f"XY-{i}01"), card(f"XY-{i}02", 结对日期="明天")],
                   [diary(f"XY-{i}01"), diary(f"XY-{i}02", "2010-13-45"), diary(f"XY-{i}01")])
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    import tempfile
    monkeypatch.setattr(tempfile, "tempdir", None)
    one = validate([tmp_path / "收"], jobs=1)
    two = validate([tmp_path / "收"], jobs=2)
    assert [b.part for b in two.books] == [None] * 6 and all(not b.blocks for b in two.books)
    assert [p.name for p in (tmp_path / "tmp").iterdir() if p.name.startswith("lianhu-rows-")]  # parts were used
    assert _rows_in(two) == _rows_in(one) and len(_rows_in(one)) == 6 * 5
    assert [(i.code, i.file, i.cell) for i in two.report.issues] == [(i.code, i.file, i.cell) for i in one.report.issues]
    assert [(f.file, f.counted, f.excluded) for f in two.report.files] == \
        [(f.file, f.counted, f.excluded) for f in one.report.files]
    folder = two.store.parts_folder()
    from lianhu_xl.store import PART
    # one part, shared by the workers and taken over as the run's database: no copy is left
    assert [p.name for p in folder.iterdir() if not p.name.endswith("-journal")] == [PART]
    del two
    import gc
    gc.collect()
    assert not folder.exists()


def test_a_run_partly_from_the_cache_counts_the_workers_rows_and_the_cached_ones_once(tmp_path):
    """Half the books unchanged since the last run (their rows come from the cache, into the run's
    own database), half read again by two workers (into their part, then copied in): every row
    is there once, as a fresh run with one job has it."""
    from bookfactory import card, diary, write_book

    from lianhu_xl.cache import ResultCache
    from lianhu_xl.validate import validate

    def books(visit: str) -> None:
        for i in range(8):
            write_book(tmp_path / "收" / f"{i}.xlsx", [card(f"XY-{i}01")],
                       [diary(f"XY-{i}01"), diary(f"XY-{i}01", visit if i % 2 else "2010-4-2")])

    cache = ResultCache(tmp_path / "缓存")
    books("2010-4-2")
    validate([tmp_path / "收"], jobs=2, cache=cache)
    books("2010-5-3")  # the odd books change
    again = validate([tmp_path / "收"], jobs=2, cache=cache)
    fresh = validate([tmp_path / "收"], jobs=1)
    assert _rows_in(again) == _rows_in(fresh) and len(_rows_in(fresh)) == 8 * 3
    assert again.store.query("SELECT count(*) FROM diary WHERE date = ?",
                             (date(2010, 5, 3).toordinal(),)).fetchone()[0] == 4
    assert [(f.file, f.counted) for f in again.report.files] == [(f.file, f.counted) for f in fresh.report.files]


def test_a_worker_killed_after_storing_a_book_does_not_count_it_twice(tmp_path, monkeypatch):
    """The worker stores 2.xlsx's rows in its part, then dies before answering: the file is read
    again by another worker, and its rows are counted once (the dead worker's copy is never taken)."""
    from bookfactory import card, diary, write_book

    from lianhu_xl.validate import validate

    for i in range(6):
        write_book(tmp_path / "收" / f"{i}.xlsx", [card(f"XY-{i}01")], [diary(f"XY-{i}01"), diary(f"XY-{i}01", "2010-4-2")])
    flag = tmp_path / "died-once"

    class DiesAfterStoring(batch.RowStore):
        def add_book(self, book):
            out = super().add_book(book)
            if book.summary.file == "2.xlsx" and not flag.exists():
                assert out.part is not None  # its rows are in the part, committed
                flag.touch()
                os._exit(9)
            return out

    monkeypatch.setattr(batch, "RowStore", DiesAfterStoring)
    run = validate([tmp_path / "收"], jobs=2)
    assert flag.exists()
    assert run.report.issues == []
    assert run.store.query("SELECT count(*) FROM diary").fetchone()[0] == 12
    assert run.store.query("SELECT count(*) FROM card").fetchone()[0] == 6
    assert [f.counted for f in run.report.files] == [3] * 6


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_worker_killed_in_the_middle_of_storing_a_book_leaves_none_of_it(tmp_path, monkeypatch, jobs):
    """The worker dies after writing 2.xlsx's cards into its part but before the book is committed:
    the part's journal rolls the half-written book back when it is next opened (by the other worker,
    or by the run), the file is read again alone, and every row is counted once."""
    from bookfactory import card, diary, write_book

    from lianhu_xl.validate import validate

    for i in range(6):
        write_book(tmp_path / "收" / f"{i}.xlsx", [card(f"XY-{i}01")], [diary(f"XY-{i}01"), diary(f"XY-{i}01", "2010-4-2")])
    flag = tmp_path / "died-once"

    class DiesMidBook(batch.RowStore):
        def add_sheet(self, file, name, kind, letters, rows):
            sid = super().add_sheet(file, name, kind, letters, rows)
            if self.path and file == "2.xlsx" and not flag.exists():  # a worker's part, mid-transaction
                flag.touch()
                os._exit(9)
            return sid

    monkeypatch.setattr(batch, "RowStore", DiesMidBook)
    run = validate([tmp_path / "收"], jobs=jobs)
    assert flag.exists()
    assert run.report.issues == []
    assert run.store.query("SELECT count(*) FROM diary").fetchone()[0] == 12
    assert run.store.query("SELECT count(*) FROM card").fetchone()[0] == 6
    assert [f.counted for f in run.report.files] == [3] * 6


def _validate_with_one_read_raising(tmp_path, monkeypatch, name: str, exc: BaseException):
    """``lianhu validate`` over two good books, reading ``name`` raising ``exc``."""
    from click.testing import CliRunner

    from lianhu_xl import book
    from lianhu_xl.cli import cli

    real = book.read_rows

    def read(display, inspection, keep_sheets=()):
        if display == name:
            raise exc
        return real(display, inspection, keep_sheets)

    good_book(tmp_path / "b" / name)
    good_book(tmp_path / "b" / "好.xlsx")
    monkeypatch.setattr(book, "read_rows", read)
    return CliRunner().invoke(cli, ["validate", str(tmp_path / "b"), "-j", "1", "--no-cache"])


def test_a_fault_of_the_program_is_told_as_such_not_as_the_files(tmp_path, monkeypatch):
    """A bug of ours meeting an odd file (here a KeyError) is not "resave it in Excel", which
    would not help: the clerk is told the program failed and to pass the file on; the rest go on."""
    res = _validate_with_one_read_raising(tmp_path, monkeypatch, "坏.xlsx", KeyError("card_no"))
    assert res.exit_code == 1
    assert "坏.xlsx" in res.output and "本程序出了错，多半不是文件的问题" in res.output
    assert "KeyError" not in res.output, "the clerk reads Chinese; --json keeps the detail (test_leftovers_s5)"
    assert "交给技术人员" in res.output and "另存为" not in res.output.split("好.xlsx")[0]
    assert "好.xlsx  通过" in res.output


def test_a_book_too_big_for_memory_is_said_as_such_not_as_a_fault_of_the_program(tmp_path, monkeypatch):
    """Memory running out while a book is read (a worker's memory is capped) is the book's size:
    读取时出错（内存不足）, as the batch says it, not 本程序出了错（MemoryError）… 多半不是文件的问题."""
    res = _validate_with_one_read_raising(tmp_path, monkeypatch, "大.xlsx", MemoryError())
    assert res.exit_code == 1
    assert "读取这个文件时出错（内存不足）" in res.output
    assert "本程序出了错" not in res.output and "MemoryError" not in res.output
    assert "好.xlsx  通过" in res.output
