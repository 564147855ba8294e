"""Determinism: the same books, given in any order, from any folder, with one
worker or two, give the same totals and the same listings, byte for byte in
the JSON and cell for cell in the workbooks."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from lianhu_xl.cli import cli

BOOKS = {
    "下营村/王明.xlsx": ([card("XY-001"), card("XY-002", 联系户类型="经济落后户", 联系人类别="党员")],
                       [diary("XY-001"), diary("XY-002", dt.date(2010, 4, 1), 发现问题="缺水", 办理结果="协调解决"),
                        diary("XY-009")]),
    "下营村/李华.xlsx": ([card("XY-001"), card("XY-003", 户主="张三", 结对日期="2010.13.1")],  # a twin, an error
                       [diary("XY-001"), diary("XY-003"), diary("XY-001", "2010年5月6日", 形式="电话联系")]),
    "江淮村.xlsx": ([card("JH-001", 村="江淮村", 社="四社"), card("JH-001", 村="江淮村", 社="五社")],  # a conflict
                  [diary("JH-001", dt.date(2010, 9, 6)), {"卡号": "合计", "办实事(件)": 2}]),
    "新华村.xlsx": ([card("XH-001", 村="新华村")], [diary("XH-001", dt.date(2011, 2, 1))]),
    "旧村.xlsx": ([card("JC-001", 村="旧村")], []),
}


_MADE: dict[str, bytes] = {}


def _write(root: Path, order: list[str]) -> Path:
    """The same bytes every time (openpyxl stamps the time it saves), placed in ``order``."""
    if not _MADE:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            for name, (cards, diaries) in BOOKS.items():
                _MADE[name] = write_book(Path(tmp) / "b.xlsx", cards, diaries).read_bytes()
    for name in order:  # creation order is directory order on most file systems
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(_MADE[name])
    return root


def _run(args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(cli, args)
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, result.stdout


def _cells(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb.worksheets}


def _without_output(text: str) -> dict:
    data = json.loads(text)
    data.pop("output", None)
    return data


@settings(max_examples=6, deadline=None)
@given(st.permutations(sorted(BOOKS)), st.sampled_from(["1", "2"]))
def test_validate_is_the_same_in_any_order_folder_and_job_count(order, jobs):
    import tempfile

    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        first = _write(Path(a) / "收集", sorted(BOOKS))
        second = _write(Path(b) / "深" / "层" / "别的 文件夹", list(order))
        code1, out1 = _run(["validate", str(first), "--json", "-j", "1",
                            "--report", str(Path(a) / "问题清单.xlsx")])
        code2, out2 = _run(["validate", str(second), "--json", "-j", jobs,
                            "--report", str(Path(b) / "问题清单.xlsx")])
        assert (code1, json.loads(out1)) == (code2, json.loads(out2))
        assert _cells(Path(a) / "问题清单.xlsx") == _cells(Path(b) / "问题清单.xlsx")


def test_files_given_one_by_one_in_reverse_match_the_folder(tmp_path):
    root = _write(tmp_path / "收集", sorted(BOOKS))
    flat = tmp_path / "平"
    flat.mkdir()
    for name in BOOKS:  # the same books, named without their sub-folder, given as files
        shutil.copy(root / name, flat / name.replace("/", "-"))
    _, by_folder = _run(["validate", str(flat), "--json", "-j", "1"])
    files = sorted(flat.iterdir(), reverse=True)
    _, by_files = _run(["validate", *map(str, files), "--json", "-j", "1"])
    assert json.loads(by_folder) == json.loads(by_files)


@settings(max_examples=4, deadline=None)
@given(st.permutations(sorted(BOOKS)))
def test_consolidate_is_the_same_in_any_order_and_folder(order):
    import tempfile

    with tempfile.TemporaryDirectory() as a, tempfile.TemporaryDirectory() as b:
        first = _write(Path(a) / "收集", sorted(BOOKS))
        second = _write(Path(b) / "另一处", list(order))
        outs = []
        for root, jobs in ((first, "1"), (second, "2")):
            out = root.parent / "汇总表.xlsx"
            code, text = _run(["consolidate", str(root), "-o", str(out), "--period", "2010",
                               "--title", "倪家营乡", "--json", "-j", jobs])
            outs.append((code, _without_output(text), _cells(out)))
        assert outs[0] == outs[1]
        totals = outs[0][1]["total"]
        assert totals  # the comparison is about real numbers
