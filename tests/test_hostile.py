"""The hostile corpus: every broken, disguised or malicious file a township may
receive gives one Chinese error naming the file (and the cell where there is
one), exit code 1, no traceback, while the good book in the same folder is
still read; the whole folder is checked with bounded memory.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hostile import GOOD_NAME, KINDS, MERGED_NAME, Hostile, build_corpus, good_book

from lianhu_xl.cli import cli

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH_ERROR = re.compile(r"Error|Exception|Traceback|errno|\bfile\b", re.I)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile") / "收集"
    kinds = build_corpus(folder)
    return folder, kinds


@pytest.fixture(scope="module")
def validated(corpus):
    folder, _ = corpus
    out = folder.parent / "出"
    result = CliRunner(env={"LIANHU_CACHE": "off"}).invoke(
        cli, ["validate", str(folder), "--json", "-j", "1", "--report", str(out / "问题清单.xlsx"),
              "--annotate", str(out / "退回")])
    return result


def test_report_and_annotated_copies_are_written_beside_hostile_files(validated, corpus):
    out = corpus[0].parent / "出"
    assert (out / "问题清单.xlsx").is_file()
    # the readable books with problems: formulas without values, an error value, a twin sheet (the
    # book whose only warnings are copies counted once, 无需处理, gets none: nothing to fix)
    assert sorted(p.name for p in (out / "退回").iterdir()) == ["脚本公式.xlsx", "重名工作表.xlsx", "错误值.xlsx"]


def test_corpus_has_at_least_twenty_kinds(corpus):
    _, kinds = corpus
    assert len({k.code for k in kinds}) >= 10 and len(kinds) >= 20


def test_hostile_folder_exits_1_without_traceback(validated):
    assert validated.exit_code == 1, validated.output
    assert validated.exception is None or isinstance(validated.exception, SystemExit)
    assert "Traceback" not in validated.output


EXTRA = [Hostile("看似文件夹.xlsx", lambda p: None, "not-a-file"),
         Hostile("链接.xlsx", lambda p: None, "link-outside")]


@pytest.mark.parametrize("kind", KINDS + EXTRA, ids=lambda k: k.name)
def test_each_hostile_file_is_one_chinese_error_naming_it(kind, validated, corpus):
    if kind.name not in {k.name for k in corpus[1]}:
        pytest.skip("symbolic links cannot be made here")
    report = json.loads(validated.stdout)
    own = [i for i in report["issues"] if i["file"] == kind.name]
    errors = [i for i in own if i["severity"] == "error"]
    assert errors, f"{kind.name}: no error; issues: {own}"
    assert kind.code in {i["code"] for i in errors}, errors
    issue = next(i for i in errors if i["code"] == kind.code)
    assert CJK.search(issue["message"]) and not ENGLISH_ERROR.search(issue["message"]), issue["message"]
    if kind.cell:
        sheet, cell = kind.cell.split("!")
        assert (issue["sheet"], issue["cell"]) == (sheet, cell)
        assert issue["message"].startswith(kind.cell)
    summary = next(f for f in report["files"] if f["file"] == kind.name)
    assert summary["status"] in ("未读取", "需改正")


@pytest.mark.parametrize("name", [GOOD_NAME, MERGED_NAME])
def test_good_books_beside_them_are_read_in_full(validated, name):
    report = json.loads(validated.stdout)
    good = next(f for f in report["files"] if f["file"] == name)
    assert (good["status"], good["card_rows"], good["diary_rows"]) == ("通过", 2, 3)
    assert not [i for i in report["issues"] if i["file"] == name and i["severity"] == "error"]
    if name == GOOD_NAME:  # the other one holds the same cards: its copies are duplicates
        assert good["counted"] == 5


def test_path_like_sheet_names_are_only_names(validated, corpus):
    folder, _ = corpus
    report = json.loads(validated.stdout)
    issue = next(i for i in report["issues"] if i["file"] == "路径表名.xlsx" and i["code"] == "no-standard-sheet")
    assert "../../etc/passwd" in issue["message"] and "C:\\x" in issue["message"]
    assert not (folder.parent / "etc").exists()


@pytest.mark.skipif(os.name == "nt", reason="measures the peak with the resource module (POSIX)")
@pytest.mark.parametrize("cache", ["cache-on", "cache-off"])
def test_whole_folder_in_worker_processes_stays_under_200_mb(corpus, tmp_path, cache):
    """The CLI as a clerk runs it (result cache on) and without the cache, with two workers,
    measured from outside: peak RSS of the largest process."""
    folder, kinds = corpus
    probe = (
        "import resource, subprocess, sys\n"
        "r = subprocess.run([sys.executable, '-m', 'lianhu_xl', 'validate', sys.argv[1], '--json', '-j', '2']"
        " + sys.argv[2:], capture_output=True, text=True)\n"
        "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, r.returncode, file=sys.stderr)\n"
    )
    env = {**os.environ, "LIANHU_CACHE_DIR": str(tmp_path / "cache"), "LIANHU_CACHE": "on"}
    extra = ["--no-cache"] if cache == "cache-off" else []
    run = subprocess.run([sys.executable, "-c", probe, str(folder), *extra], capture_output=True, text=True,
                         env=env)
    *_, last = run.stderr.strip().splitlines()
    peak_kb, code = map(int, last.split())
    assert code == 1 and "Traceback" not in run.stderr, run.stderr[-2000:]
    report = json.loads(run.stdout)
    assert len(report["files"]) == len(kinds) + 2
    assert {i["file"] for i in report["issues"] if i["severity"] == "error"} >= {k.name for k in kinds}
    assert peak_kb < 200 * 1024, f"peak RSS {peak_kb // 1024} MB"


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                    reason="the denial is staged by monkeypatching, which only fork carries into the workers")
def test_unreadable_file_is_reported_and_others_read(tmp_path, monkeypatch):
    """A file Excel holds open on Windows, or one without read permission, raises
    PermissionError on open. CI runs as root, where chmod 000 does not stop reads,
    so the denial is simulated for that one path."""
    good_book(tmp_path / "好.xlsx")
    locked = good_book(tmp_path / "锁定.xlsx")
    real_open = Path.open

    def deny(self, *args, **kwargs):
        if self.name == locked.name:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", deny)
    result = CliRunner().invoke(
        cli, ["validate", str(tmp_path), "--json", "-j", "1", "--no-cache"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    issue = next(i for i in report["issues"] if i["file"] == "锁定.xlsx")
    assert issue["code"] == "file-unreadable" and "没有读取权限" in issue["message"]
    assert next(f for f in report["files"] if f["file"] == "好.xlsx")["counted"] == 5


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0,
                    reason="running as root, or on Windows (where chmod 000 only sets read-only), chmod 000 "
                    "does not stop reading (see the monkeypatched test)")
def test_chmod_000_file_is_reported(tmp_path):
    good_book(tmp_path / "好.xlsx")
    locked = good_book(tmp_path / "锁定.xlsx")
    locked.chmod(0)
    try:
        result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--json", "-j", "1", "--no-cache"])
    finally:
        locked.chmod(0o644)
    report = json.loads(result.stdout)
    assert next(i for i in report["issues"] if i["file"] == "锁定.xlsx")["code"] == "file-unreadable"


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symlinks on this system")
def test_link_loop_and_gbk_file_name(tmp_path):
    """A link to itself is not a crash; a name unzipped from a Chinese Windows zip
    (GBK bytes, not UTF-8) is shown in Chinese in every output."""
    os.symlink(tmp_path / "乙.xlsx", tmp_path / "甲.xlsx")
    os.symlink(tmp_path / "甲.xlsx", tmp_path / "乙.xlsx")
    if sys.platform.startswith("linux"):
        gbk = os.fsdecode("下营村.xlsx".encode("gbk"))
        good_book(tmp_path / gbk)
    runner = CliRunner()
    result = runner.invoke(cli, ["validate", str(tmp_path), "--json", "-j", "1", "--no-cache",
                                 "--report", str(tmp_path / "out" / "问题清单.xlsx")])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    codes = {i["file"]: i["code"] for i in report["issues"] if i["severity"] == "error"}
    assert codes["甲.xlsx"] == codes["乙.xlsx"] == "not-a-file"
    if sys.platform.startswith("linux"):
        assert next(f for f in report["files"] if f["file"] == "下营村.xlsx")["counted"] == 5
    assert (tmp_path / "out" / "问题清单.xlsx").is_file()


def test_consolidate_over_the_hostile_folder_counts_the_good_book(corpus, tmp_path):
    folder, kinds = corpus
    out = tmp_path / "汇总表.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "--json", "-j", "1"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and out.is_file()
    data = json.loads(result.stdout)
    files = {f["file"]: f for f in data["files"]}
    assert set(files) >= {k.name for k in kinds} | {GOOD_NAME, MERGED_NAME}
    assert files[GOOD_NAME]["rows"]["counted"] == 5
    assert (data["total"]["致富明星户"], data["total"]["入户访谈"]) == (2, 2)  # the good book's two cards


def test_a_totals_workbook_with_uncalculated_formulas_is_an_error_at_the_cell(tmp_path):
    """A 汇总 sheet edited by a script (formulas, never opened in Excel) has no numbers to
    roll up: calamine reads those cells as blank, which must not pass for 0."""
    import openpyxl

    good_book(tmp_path / "书" / "下营村.xlsx")
    township = tmp_path / "各乡" / "甲乡.xlsx"
    assert CliRunner().invoke(cli, ["consolidate", str(tmp_path / "书"), "-o", str(township),
                                    "--title", "甲乡"]).exit_code == 0
    wb = openpyxl.load_workbook(township)
    wb["汇总"]["B6"] = "=1+1"
    wb.save(township)
    result = CliRunner().invoke(cli, ["consolidate", str(township.parent), "-o", str(tmp_path / "县.xlsx"),
                                      "--json"])
    assert result.exit_code == 1, result.output
    errors = [(i["sheet"], i["cell"], i["code"]) for i in json.loads(result.stdout)["issues"]
              if i["severity"] == "error"]
    assert errors == [("汇总", "B6", "formula-no-value")]
