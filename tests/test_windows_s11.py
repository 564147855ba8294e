"""Windows, checked from Linux: what a township PC does differently from the machines the
tests run on.

Windows has no fork: every worker of a batch is a fresh Python started with ``spawn``,
which imports the toolkit again and gets the batch's roster, cache and parts folder only
through what is pickled to it. The tests below run real small batches that way, so a
change that works only when workers inherit the batch's memory fails here, not on a
township PC.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from openpyxl import load_workbook

from lianhu_xl.batch import run_checks
from lianhu_xl.cache import ResultCache
from lianhu_xl.cli import cli
from lianhu_xl.roster import Roster
from lianhu_xl.store import RowStore


@pytest.fixture
def spawn():
    """Workers started as Windows starts them, for this test only."""
    before = multiprocessing.get_start_method(allow_none=True)
    multiprocessing.set_start_method("spawn", force=True)
    try:
        yield
    finally:
        multiprocessing.set_start_method(before, force=True)


def _books(folder: Path) -> list[tuple[Path, str]]:
    """Two village books (one card of 下营村's written for a 社 not on the roster) and one book
    that only claims to be a workbook, as a transfer cut short leaves it."""
    write_book(folder / "下营村.xlsx", [card("XY-001"), card("XY-002", 社="九社")],
               [diary("XY-001"), diary("XY-002")])
    write_book(folder / "倪家营村.xlsx", [card("NJ-001", 村="倪家营村", 社="一社")],
               [diary("NJ-001")])
    (folder / "坏的.xlsx").write_bytes(b"PK\x03\x04" + b"\x00" * 60)
    return [(folder / name, name) for name in ("下营村.xlsx", "坏的.xlsx", "倪家营村.xlsx")]


def test_a_batch_runs_in_spawned_workers_with_roster_cache_and_parts(tmp_path, spawn):
    """The roster, the cache and the parts folder reach workers that inherit nothing: the
    roster's check is made there, the rows go into the part, the results into the cache, and
    the broken book is reported in its place, not as a crashed reader."""
    files = _books(tmp_path / "收集")
    roster = Roster({"下营村": ["六社"], "倪家营村": ["一社"]})
    cache = ResultCache(tmp_path / "缓存", roster)
    keys = [cache.key(path.read_bytes(), shown) for path, shown in files]
    store = RowStore()
    parts = store.parts_folder()
    stored: dict[str, bool] = {}

    def keep(index, result):
        stored[result.summary.file] = result.part is not None  # rows kept by a worker, in the part
        return store.add_book(result)

    results = run_checks(files, roster=roster, jobs=2, keep=keep, cache=cache, keys=keys, parts=parts)

    assert [r.summary.file for r in results] == ["下营村.xlsx", "坏的.xlsx", "倪家营村.xlsx"]
    good, broken, other = results
    assert (good.summary.card_rows, good.summary.diary_rows) == (2, 2)
    assert [(i.code, i.sheet, i.cell) for i in good.issues] == [("not-on-roster", "联户卡", "G4")]
    assert (other.summary.card_rows, other.issues) == (1, [])
    assert broken.summary.kind == "unreadable"
    assert [i.code for i in broken.issues] == ["file-corrupt"]
    assert stored == {"下营村.xlsx": True, "坏的.xlsx": False, "倪家营村.xlsx": True}
    assert sorted(store.query("SELECT card_no FROM card")) == [("NJ-001",), ("XY-001",), ("XY-002",)]
    again = [cache.get(key) for key in keys]  # put by the workers
    assert [r.summary.file for r in again] == ["下营村.xlsx", "坏的.xlsx", "倪家营村.xlsx"]


def test_validate_and_consolidate_from_the_command_line_with_spawned_workers(tmp_path, spawn, monkeypatch):
    monkeypatch.setenv("LIANHU_CACHE", "on")
    monkeypatch.setenv("LIANHU_CACHE_DIR", str(tmp_path / "缓存"))
    folder = tmp_path / "收集"
    _books(folder)
    report = tmp_path / "问题清单.xlsx"
    result = CliRunner().invoke(cli, ["validate", str(folder), "--report", str(report), "-j", "2"])
    assert result.exit_code == 1, result.output
    assert "共 3 个文件（1 个未读取" in result.output
    assert "坏的.xlsx  未读取" in result.output
    assert "读取程序意外退出" not in result.output
    assert report.is_file()

    totals = tmp_path / "汇总表.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(totals), "-j", "2",
                                      "--period", "2010", "--title", "倪家营乡"])
    assert result.exit_code == 1, result.output
    assert "坏的.xlsx" in result.output
    assert "读取程序意外退出" not in result.output
    sources = load_workbook(totals)["来源"]  # loaded whole: the file is closed again
    counted = {row[0]: (row[7], row[9]) for row in sources.iter_rows(min_row=4, values_only=True)}
    assert counted == {"下营村.xlsx": ("已汇总", 4), "倪家营村.xlsx": ("已汇总", 2), "坏的.xlsx": ("未汇总", 0)}


def test_a_worker_started_by_spawn_finds_the_batch_as_its_parent(spawn):
    """A spawned worker (Windows) watches the batch through the parent's handle, not through
    its parent process id (which Windows never changes when the parent dies)."""
    from lianhu_xl import batch

    with batch.worker_pool(1) as pool:
        assert pool.submit(os.getppid).result() == os.getpid()
        assert pool.submit(_parent_is_watched).result()


def _parent_is_watched() -> bool:
    import threading

    return any(t.name == "watch the batch" and t.is_alive() for t in threading.enumerate()) \
        and multiprocessing.parent_process() is not None



def test_the_result_file_for_wps_is_in_the_ansi_code_page_even_in_utf8_mode(tmp_path, monkeypatch):
    """Under WPS the console's VBA reads `lianhu xl run`'s result file with Line Input, which
    reads the ANSI code page (GBK on a Chinese PC). Python's UTF-8 mode (PYTHONUTF8=1, the
    default from Python 3.15) makes the preferred encoding UTF-8: the message box showed 锟斤拷."""
    import locale

    from lianhu_xl import xl

    monkeypatch.setattr(xl, "os", _on_windows())
    monkeypatch.setattr(locale, "getpreferredencoding", lambda do_setlocale=True: "utf-8")  # UTF-8 mode
    monkeypatch.setattr(locale, "getencoding", lambda: "cp936")  # the PC's ANSI code page
    outcome = xl.Outcome("problems", "下营村.xlsx 需改正：联户日记!A4 卡号“NJ-009”找不到。",
                         tmp_path / "汇总结果" / "问题清单.xlsx")
    xl.write_result_file(tmp_path / "result.txt", outcome)
    text = (tmp_path / "result.txt").read_bytes().decode("gbk")
    assert text.split("\r\n") == ["problems", str(tmp_path / "汇总结果" / "问题清单.xlsx"),
                                  "下营村.xlsx 需改正：联户日记!A4 卡号“NJ-009”找不到。", ""]


def _on_windows():
    """``os`` as a module sees it on Windows (only ``os.name``: pathlib here stays POSIX)."""
    import types

    fake = types.ModuleType("os")
    fake.__dict__.update(os.__dict__)
    fake.name = "nt"
    return fake


def _windows_error(kind: type[OSError], number: int, winerror: int, text: str) -> OSError:
    """An OSError as Windows raises it: the C errno Python maps the Windows code to, the
    Windows code itself (``winerror``), and Windows' English text."""
    exc = kind(number, text)
    exc.winerror = winerror
    return exc


@pytest.mark.parametrize(("winerror", "number", "kind", "said", "not_said"), [
    (206, 2, FileNotFoundError, "路径太长", "路径不存在"),  # ERROR_FILENAME_EXCED_RANGE: a path over 260 characters
    (123, 22, OSError, "不允许的字符", "syntax"),  # ERROR_INVALID_NAME: 汇总表:2010.xlsx
    (21, 13, OSError, "没有准备好", "Excel"),  # ERROR_NOT_READY: the USB stick was pulled out
    (19, 13, OSError, "写保护", "Excel"),  # ERROR_WRITE_PROTECT: its write-protect switch is on
    (5, 13, OSError, "Excel 或 WPS 中打开", "写保护"),  # ERROR_ACCESS_DENIED: the output open in Excel
], ids=["too-long", "invalid-name", "not-ready", "write-protected", "open-in-excel"])
def test_a_windows_refusal_is_said_as_windows_meant_it(tmp_path, winerror, number, kind, said, not_said):
    """Windows reports a path over 260 characters as "not found", a file held open by Excel and a
    pulled-out USB stick as "access denied", and a name with a colon in English: the clerk was told
    the folder did not exist, or had no permission, and looked in the wrong place."""
    from lianhu_xl.atomic import write_atomic
    from lianhu_xl.errors import LianhuError

    def write(tmp):
        raise _windows_error(kind, number, winerror, "Windows said no")

    with pytest.raises(LianhuError) as caught:
        write_atomic(tmp_path / "汇总表.xlsx", write)
    message = str(caught.value)
    assert said in message and not_said not in message, message
    assert "Windows said no" not in message
    assert not (tmp_path / "汇总表.xlsx").exists()


def test_a_folder_windows_cannot_list_for_a_too_long_path_is_said_so(tmp_path, monkeypatch):
    from lianhu_xl import collection

    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    (folder / "二〇一〇年九月倪家营乡各村交来的联户带创登记簿").mkdir()
    real = os.walk

    def walk(top, onerror=None, followlinks=False):
        for dirpath, dirnames, filenames in real(top, onerror=onerror, followlinks=followlinks):
            for name in list(dirnames):
                if name.startswith("二〇一〇"):
                    dirnames.remove(name)
                    exc = _windows_error(FileNotFoundError, 2, 206, "The filename or extension is too long")
                    exc.filename = os.path.join(dirpath, name)
                    onerror(exc)
            yield dirpath, dirnames, filenames

    monkeypatch.setattr(collection.os, "walk", walk)
    files, issues = collection.collect([folder])
    assert [shown for _, shown in files] == ["下营村.xlsx"]
    assert [(i.code, i.file) for i in issues] == [("folder-unreadable", "二〇一〇年九月倪家营乡各村交来的联户带创登记簿")]
    assert "路径太长" in issues[0].message and "路径不存在" not in issues[0].message


def test_a_book_another_program_holds_is_said_to_be_held_not_forbidden():
    """ERROR_SHARING_VIOLATION (WPS holding a book it has open) arrives as PermissionError: the
    clerk who was told 没有权限 asked for rights she already had."""
    from lianhu_xl.errors import os_error_zh

    said = os_error_zh(_windows_error(PermissionError, 13, 32, "The process cannot access the file"))
    assert "占用" in said and "没有权限" not in said
    assert os_error_zh(PermissionError(13, "Permission denied")) == "没有权限"  # elsewhere: as before


def test_a_book_open_in_excel_is_read_with_a_word_that_unsaved_changes_are_not_in_it(tmp_path):
    """Excel and WPS keep a hidden owner file ~$下营村.xlsx beside a book they have open. The book
    is read as last saved; a clerk correcting it in Excel who validates before saving got the old
    errors again with no word why. The owner file alone (its book not there) says nothing."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    write_book(folder / "一组" / "倪家营村.xlsx", [card("NJ-001", 村="倪家营村")], [diary("NJ-001")])
    (folder / "~$下营村.xlsx").write_bytes("\x06王明".encode("utf-16-le") + b" " * 50)
    (folder / "一组" / "~$倪家营村.xlsx").write_bytes("\x06王明".encode("utf-16-le") + b" " * 50)
    (folder / "~$已移走.xlsx").write_bytes("\x06王明".encode("utf-16-le") + b" " * 50)
    CliRunner().invoke(cli, ["validate", str(folder), "--report", str(folder / "问题清单.xlsx")])
    (folder / "~$问题清单.xlsx").write_bytes("\x06王明".encode("utf-16-le") + b" " * 50)  # the clerk reads it
    result = CliRunner().invoke(cli, ["validate", str(folder)])
    assert result.exit_code == 0, result.output
    assert "2 个通过" in result.output  # the report open beside them is skipped as before, no word of it
    assert result.output.count("正在 Excel 或 WPS 中打开") == 2
    own = result.output.split("下营村.xlsx  通过")[1].split("\n\n")[0]
    assert "正在 Excel 或 WPS 中打开" in own and "请先在 Excel 或 WPS 里保存" in own
    assert "一组/倪家营村.xlsx  通过" in result.output
    assert "已移走" not in result.output

    totals = tmp_path / "汇总表.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(totals), "--period", "2010"])
    assert result.exit_code == 0, result.output  # a word, never a book left out
    assert "全部计入汇总" in result.output and "未汇总  下营村" not in result.output


# The batch as Windows runs it: workers spawned, no PR_SET_PDEATHSIG, and a parent process id that
# never changes when the parent dies (Windows keeps the number). Only the parent's handle (its
# sentinel) can tell a worker that the batch is gone. The script is re-run in each worker as
# __mp_main__, so what it patches at the top applies there too.
WINDOWS_DRIVER = """
import os, signal, sys, time
import lianhu_xl.batch as batch

signal.signal(signal.SIGINT, signal.default_int_handler)

def slow(path, display, roster=None):  # a book that takes ten minutes to read
    time.sleep(600)

batch.check_file = slow
if __name__ != "__main__":  # a worker: no PR_SET_PDEATHSIG, its parent's number kept, as on Windows
    batch._die_with_parent = lambda: None
    started = os.getppid()
    os.getppid = lambda: started

if __name__ == "__main__":
    import multiprocessing

    multiprocessing.set_start_method("spawn", force=True)
    from lianhu_xl.cli import cli

    cli(["validate", sys.argv[1], "-j", "2", "--no-cache", "-q"])
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds child processes through /proc")
@pytest.mark.parametrize("how", ["SIGKILL", "SIGINT"])
def test_spawned_workers_end_with_a_killed_batch_through_its_handle_alone(tmp_path, how):
    """Task Manager ending `lianhu validate` (or the console window closed) on Windows: the workers
    see the batch's handle close and end, instead of reading on for minutes with nobody waiting."""
    import signal
    import subprocess

    from hostile import good_book
    from test_batch import _alive, _children, _poll, _reap

    for i in range(4):
        good_book(tmp_path / "书" / f"{i}.xlsx")
    (tmp_path / "driver.py").write_text(WINDOWS_DRIVER, encoding="utf-8")
    env = {**os.environ, "LIANHU_CACHE": "off"}
    proc = subprocess.Popen([sys.executable, str(tmp_path / "driver.py"), str(tmp_path / "书")], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    workers: set[int] = set()

    def reading() -> bool:  # a worker counts once it has imported the toolkit (it is reading)
        for pid in _children(proc.pid):
            try:
                with open(f"/proc/{pid}/cmdline", "rb") as fh:
                    if b"spawn_main" in fh.read() and _maps_lianhu(pid):
                        workers.add(pid)
            except OSError:
                pass
        return len(workers) >= 2

    try:
        assert _poll(reading, 60), "no workers started"
        proc.send_signal(getattr(signal, how))
        assert _poll(lambda: proc.poll() is not None), f"validate did not end on {how}"
        assert _poll(lambda: not any(_alive(w) for w in workers)), "a spawned worker outlived validate"
    finally:
        _reap(proc)


def _maps_lianhu(pid: int) -> bool:
    """The worker has the row store's SQLite loaded: it has imported the batch and is past starting."""
    with open(f"/proc/{pid}/maps", "rb") as fh:
        return b"_sqlite3" in fh.read()


def test_more_jobs_than_windows_allows_are_capped_not_a_crash(tmp_path, monkeypatch):
    """On Windows ProcessPoolExecutor refuses more than 61 workers (ValueError: max_workers must be
    <= 61): `-j 64`, which --help allows, or the default on a server with 64 logical CPUs, ended in
    程序出错. Python's check is made to see Windows here; the batch takes 61 at most there."""
    import concurrent.futures.process
    import types

    from lianhu_xl import batch

    windows = types.ModuleType("sys")
    windows.__dict__.update(sys.__dict__)
    windows.platform = "win32"
    monkeypatch.setattr(concurrent.futures.process, "sys", windows)
    monkeypatch.setattr(batch, "sys", windows)
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    write_book(folder / "倪家营村.xlsx", [card("NJ-001", 村="倪家营村")], [diary("NJ-001")])
    result = CliRunner().invoke(cli, ["validate", str(folder), "-j", "64"])
    assert result.exit_code == 0, result.output
    assert "共 2 个文件（2 个通过）" in result.output
