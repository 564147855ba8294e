"""Long runs show files done, files per second and time left, then what they are doing after
the last file; --quiet shows nothing."""

from __future__ import annotations

import re

import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli
from lianhu_xl.progress import SHOW_FROM


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    folder = tmp_path_factory.mktemp("books")
    for i in range(SHOW_FROM + 1):
        no = f"P{i:02d}-001"
        write_book(folder / f"村{i:02d}.xlsx", [card(no)], [diary(no)])
    return folder


@pytest.mark.parametrize("command", [["validate"], ["consolidate", "-o", "{out}"]])
def test_a_long_run_shows_progress_and_quiet_hides_it(many, tmp_path, command):
    args = [a.replace("{out}", str(tmp_path / "汇总表.xlsx")) for a in command]
    shown = CliRunner().invoke(cli, [*args, str(many), "-j", "1"])
    assert shown.exit_code in (0, 1), shown.output
    # files done of all, [elapsed<time left, files per second]
    assert re.search(rf"\d+/{SHOW_FROM + 1} \[\d\d:\d\d<[\d:?]+, [\d.?]+个文件/s\]", shown.stderr), shown.stderr
    # every file read, the bar says what comes next (the rules across files; counting, writing)
    after = "已读完，正在核对和计数" if command[0] == "consolidate" else "已读完，正在核对各文件之间的卡号和重复"
    assert re.search(rf"{after}: 100%\|.*\| {SHOW_FROM + 1}/{SHOW_FROM + 1} ", shown.stderr), shown.stderr
    assert ("正在写出汇总表" in shown.stderr) == (command[0] == "consolidate")
    quiet = CliRunner().invoke(cli, [*args, str(many), "-j", "1", "-q"])
    assert quiet.exit_code == shown.exit_code
    assert quiet.stderr == "" and "个文件" not in quiet.output and "正在" not in quiet.output


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_annotating_many_books_shows_its_own_progress(tmp_path, jobs):
    """After the reading, a copy for each book with a problem (a county's: minutes): its own bar,
    the copies done of all, then what comes next; --quiet shows nothing and makes the same copies."""
    folder = tmp_path / "收集"
    for i in range(SHOW_FROM + 1):
        write_book(folder / f"村{i:02d}.xlsx", [card(f"P{i:02d}-001")], [diary(f"P{i:02d}-009")])  # no such card
    shown = CliRunner().invoke(cli, ["validate", str(folder), "-j", jobs, "--annotate", str(tmp_path / "退回")])
    assert shown.exit_code == 1, shown.output
    assert re.search(rf"标注: +\d+%\|.*\| \d+/{SHOW_FROM + 1} ", shown.stderr), shown.stderr
    assert re.search(rf"已标注完，正在写出结果: 100%\|.*\| {SHOW_FROM + 1}/{SHOW_FROM + 1} ", shown.stderr), shown.stderr
    assert len(list((tmp_path / "退回").glob("*.xlsx"))) == SHOW_FROM + 1
    quiet = CliRunner().invoke(cli, ["validate", str(folder), "-j", jobs, "-q", "--annotate", str(tmp_path / "二")])
    assert quiet.exit_code == 1 and quiet.stderr == ""
    assert sorted(p.name for p in (tmp_path / "二").glob("*.xlsx")) == sorted(
        p.name for p in (tmp_path / "退回").glob("*.xlsx"))
