"""Outputs are whole or absent: a process killed while writing leaves the previous
output intact; an output is replaced only when the run succeeds; an output open
in Excel or WPS (its ~$ lock file, or a refused replace) gives a clear Chinese
message and exit code 2, and the old file stays as it was."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli

WRITER = r"""
import sys, time
from pathlib import Path
from lianhu_xl.atomic import write_atomic

target, ready = Path(sys.argv[1]), Path(sys.argv[2])

def slow(tmp):
    with open(tmp, "wb") as fh:
        fh.write(b"PK\x03\x04" + b"\0" * 4_000_000)  # half a large workbook
        fh.flush()
        ready.with_suffix(".part").write_text(str(tmp))
        ready.with_suffix(".part").rename(ready)  # whole when seen: the test may look at any moment
        time.sleep(60)  # killed here
        fh.write(b"never")

write_atomic(target, slow)
"""


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def collected(tmp_path):
    books = tmp_path / "收集"
    write_book(books / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    return books


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_a_kill_in_the_middle_of_writing_leaves_the_old_output(collected, tmp_path):
    target = tmp_path / "汇总表.xlsx"
    assert CliRunner().invoke(cli, ["consolidate", str(collected), "-o", str(target)]).exit_code == 0
    before = _digest(target)
    ready = tmp_path / "ready"
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(target), str(ready)])
    try:
        while not ready.exists():
            assert proc.poll() is None, "the writer ended before it was killed"
            time.sleep(0.02)
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert _digest(target) == before  # the old output, whole
    partial = Path(ready.read_text())
    assert partial.parent == target.parent and partial.name.startswith(".")  # a hidden leftover, never the output
    again = CliRunner().invoke(cli, ["validate", str(tmp_path), "--json"])
    assert str(partial.name) not in again.output  # and never mistaken for a workbook


def test_an_output_is_replaced_only_when_the_run_succeeds(collected, tmp_path, monkeypatch):
    target = tmp_path / "汇总表.xlsx"
    assert CliRunner().invoke(cli, ["consolidate", str(collected), "-o", str(target)]).exit_code == 0
    before = _digest(target)
    import lianhu_xl.totals_book as totals_book

    def broken(c, tmp):
        Path(tmp).write_bytes(b"PK\x03\x04 half")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(totals_book, "_write", broken)
    write_book(collected / "江淮村.xlsx", [card("JH-001", 村="江淮村")], [diary("JH-001")])
    result = CliRunner().invoke(cli, ["consolidate", str(collected), "-o", str(target)])
    assert result.exit_code == 2 and "原有文件未改动" in result.output, result.output
    assert _digest(target) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["收集", "汇总表.xlsx"]  # no temporary file left


def test_an_output_open_in_excel_is_named_and_left_alone(collected, tmp_path):
    target = tmp_path / "问题清单.xlsx"
    target.write_bytes(b"the clerk's open copy")
    (tmp_path / "~$问题清单.xlsx").write_bytes(b"lock")
    for args in (["validate", str(collected), "--report", str(target)],
                 ["consolidate", str(collected), "-o", str(target)]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2, result.output
        assert "问题清单.xlsx" in result.output and "关闭" in result.output
        assert "Traceback" not in result.output
    assert target.read_bytes() == b"the clerk's open copy"


def test_a_refused_replace_is_a_clear_message(collected, tmp_path, monkeypatch):
    """On Windows a workbook open in Excel cannot be replaced: os.replace raises PermissionError."""
    target = tmp_path / "汇总表.xlsx"
    target.write_bytes(b"old")

    def refuse(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    result = CliRunner().invoke(cli, ["consolidate", str(collected), "-o", str(target)])
    assert result.exit_code == 2, result.output
    assert "无法写入" in result.output and "关闭" in result.output
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["收集", "汇总表.xlsx"]
