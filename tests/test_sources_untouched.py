"""Sources are never modified: every file offered (good, wrong, hostile, an Excel
lock file beside them) has the same bytes, size, time stamp and mode after each
command, and no file appears in the collection folder that the clerk did not
ask for."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from hostile import KINDS, good_book

from lianhu_xl.cli import cli

SOME_HOSTILE = {"设了密码.xlsx", "只传了一半.xlsx", "最后一格.xlsx", "脚本公式.xlsx", "旧版.xls", "十亿笑.xlsx"}


def snapshot(root: Path) -> dict[str, tuple]:
    out = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            p = Path(dirpath) / name
            st = p.lstat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() and not p.is_symlink() else ""
            out[p.relative_to(root).as_posix()] = (digest, st.st_size, st.st_mtime_ns, st.st_mode)
    return out


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    root = tmp_path_factory.mktemp("src") / "收集"
    write_book(root / "下营村" / "王明.xlsx", [card("XY-001", 身份证号="620702198001011234", 联系电话="13712349876")],
               [diary("XY-001"), diary("XY-009")])
    write_book(root / "下营村" / "李华.xlsx", [card("XY-001"), card("XY-002", 结对日期="2010.13.1")],
               [diary("XY-002", 形式="微信")])
    good_book(root / "江淮村.xlsx")
    (root / "下营村" / "~$王明.xlsx").write_bytes(b"\x05lock")  # Excel has 王明.xlsx open
    (root / "坏").mkdir()
    for kind in KINDS:
        if kind.name in SOME_HOSTILE:
            kind.build(root / "坏" / kind.name)
    return root


COMMANDS = {
    "validate": ["validate", "{src}"],
    "validate-json": ["validate", "{src}", "--json", "-j", "2"],
    "validate-report": ["validate", "{src}", "--report", "{out}/问题清单.xlsx"],
    "validate-annotate": ["validate", "{src}", "--annotate", "{out}/退回"],
    "validate-one-file": ["validate", "{src}/下营村/王明.xlsx", "--annotate", "{out}/退回"],
    "consolidate": ["consolidate", "{src}", "-o", "{out}/汇总表.xlsx", "--period", "2010"],
    "consolidate-json": ["consolidate", "{src}", "-o", "{out}/汇总表.xlsx", "--json", "-j", "2"],
    "merge": ["merge", "{src}/下营村", "-o", "{out}/合并.xlsx"],
    "template": ["template", "-o", "{out}"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_command_leaves_every_source_as_it_was(name, sources, tmp_path):
    before = snapshot(sources)
    args = [a.format(src=sources, out=tmp_path / "出") for a in COMMANDS[name]]
    for _ in range(2):  # a second run finds the outputs of the first in place
        result = CliRunner().invoke(cli, args)
        assert result.exit_code in (0, 1), result.output
        assert "Traceback" not in result.output
    assert snapshot(sources) == before


def test_an_output_written_inside_the_collection_folder_is_the_only_new_file(sources, tmp_path):
    import shutil

    root = tmp_path / "收集"
    shutil.copytree(sources, root)
    before = snapshot(root)
    for _ in range(2):  # the second run must not read the first run's totals as a submission
        result = CliRunner().invoke(cli, ["consolidate", str(root), "-o", str(root / "汇总表.xlsx")])
        assert result.exit_code == 1, result.output
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k != "汇总表.xlsx"} == before
