"""A third look at broken and hostile files and collection folders (see tests/test_hostile.py
for the corpus): files saved by other programs under a workbook's name, parts missing or
pointing elsewhere, odd values written raw, and outputs aimed at the files being read.

Each test builds its files, runs the real command through click's CliRunner (or the batch
with two workers where a native reader might die) and checks what the clerk sees: one
Chinese message naming the file (and cell), the exit code, and nothing lost.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from hostile import good_book

from lianhu_xl.cli import cli

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORD = re.compile(r"[A-Za-z]{4,}")  # an English word in a message (sheet names here are Chinese)


def run(*args: object):
    return CliRunner(env={"LIANHU_CACHE": "off"}).invoke(cli, [str(a) for a in args])


def validated(folder: Path, *extra: object) -> dict:
    result = run("validate", folder, "--json", "-j", "1", "--no-cache", *extra)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


def issues_of(report: dict, file: str) -> list[dict]:
    return [i for i in report["issues"] if i["file"] == file]


def digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


# --- a value the reader hands back that no message could show ------------------------------------


def test_a_time_typed_into_the_date_column_is_an_error_at_its_cell_not_a_lost_file(tmp_path):
    """9:30 typed into 日期 is a time of day (calamine: datetime.time). Showing it in the message
    raised ValueError (time.isoformat has no separator), so the whole file was reader-crashed."""
    write_book(tmp_path / "时间.xlsx", [card("XY-001")],
               [diary("XY-001"), diary("XY-001", dt.time(9, 30)), diary("XY-001", "2010-4-2")])
    report = validated(tmp_path)
    own = issues_of(report, "时间.xlsx")
    assert [(i["code"], i["sheet"], i["cell"]) for i in own if i["severity"] == "error"] == [
        ("bad-date", "联户日记", "B4")]
    assert "“09:30”" in own[0]["message"]
    summary = report["files"][0]
    assert (summary["card_rows"], summary["diary_rows"], summary["counted"], summary["excluded"]) == (1, 3, 3, 1)


# --- outputs aimed at the files being read --------------------------------------------------------


@pytest.fixture
def collection(tmp_path):
    folder = tmp_path / "收集"
    good_book(folder / "下营村.xlsx")
    write_book(folder / "江淮村.xlsx", [card("JH-001", 村="江淮村")], [diary("JH-001")])
    return folder


@pytest.mark.parametrize("command", [
    ["consolidate", "{src}", "-o", "{src}/下营村.xlsx"],
    ["consolidate", "{src}/下营村.xlsx", "{src}/江淮村.xlsx", "-o", "{src}/下营村.xlsx"],
    ["validate", "{src}", "--report", "{src}/下营村.xlsx"],
    ["validate", "{src}/下营村.xlsx", "--report", "{src}/下营村.xlsx"],
], ids=["consolidate-folder", "consolidate-files", "report-folder", "report-file"])
def test_an_output_named_like_a_source_never_replaces_it(collection, command):
    """consolidate -o and validate --report dropped the file at the output's path from the inputs
    (taking it for an earlier output) and then wrote over it: a village's register replaced by a
    汇总表 or a 问题清单. Now the run stops (exit 2) and says so."""
    before = digest(collection / "下营村.xlsx")
    result = run(*[a.format(src=collection) for a in command])
    assert result.exit_code == 2, result.output
    assert "下营村.xlsx" in result.output and "覆盖" in result.output and "Traceback" not in result.output
    assert digest(collection / "下营村.xlsx") == before
    assert sorted(p.name for p in collection.iterdir()) == ["下营村.xlsx", "江淮村.xlsx"]


def test_a_report_kept_in_the_collection_folder_is_not_read_as_a_submission(collection):
    """The second run found the first run's 问题清单.xlsx among the books: 未读取, an error, exit 1."""
    for _ in range(2):
        result = run("validate", collection, "--report", collection / "问题清单.xlsx", "--no-cache")
        assert result.exit_code == 0, result.output
        assert "问题清单.xlsx  未读取" not in result.output


def test_annotated_copies_inside_the_collection_folder_are_refused(collection):
    """Copies written to 收集/退回 were read by the next run as second submissions of the same
    cards (conflicting-card on both, every copy left out)."""
    write_book(collection / "乙.xlsx", [card("YI-001", 家庭人口="很多")], [diary("YI-001")])
    before = {p.name: digest(p) for p in collection.iterdir()}
    result = run("validate", collection, "--annotate", collection / "退回")
    assert result.exit_code == 2, result.output
    assert "--annotate" in result.output and "Traceback" not in result.output
    assert {p.name: digest(p) for p in collection.iterdir()} == before  # nothing written


@pytest.mark.parametrize("option", ["-o", "--report"])
def test_an_output_path_the_system_refuses_is_said_in_chinese(collection, tmp_path, option):
    """A file name past the system's limit (255 bytes: 86 Chinese characters) raised OSError
    outside write_atomic's guard: 程序出错（OSError: [Errno 36] File name too long…）."""
    out = tmp_path / ("长" * 100 + ".xlsx")
    command = "consolidate" if option == "-o" else "validate"
    result = run(command, collection, option, out)
    assert result.exit_code == 2, result.output
    assert "无法完成" in result.output and "路径太长" in result.output
    assert "Errno" not in result.output and "程序出错" not in result.output and "Traceback" not in result.output
