"""A new user following the README and the docs word for word (session 8's docs review): the
commands printed for them must run where they are printed, and the README's first command must
explain itself when the machine's Python cannot make a virtual environment."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from lianhu_xl import demo as demo_mod
from lianhu_xl.cli import cli

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = "lianhu.exe" if os.name == "nt" else "lianhu"


def _fake_venv(root: Path) -> Path:
    """A .venv/bin (Scripts) with a python and a lianhu in it, as dev.py leaves it."""
    bin_dir = root / ".venv" / ("Scripts" if os.name == "nt" else "bin")
    bin_dir.mkdir(parents=True)
    for name in ("python.exe" if os.name == "nt" else "python", SCRIPT):
        (bin_dir / name).write_text("", encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    return bin_dir


def test_the_demo_suggests_the_lianhu_dev_py_installed_when_it_is_not_on_path(tmp_path, monkeypatch):
    """`python3 dev.py demo` installs into .venv, which is not on PATH; the demo's “自己试一试” said
    `lianhu validate …`, and pasted that is “command not found”. It names .venv's lianhu now."""
    bin_dir = _fake_venv(tmp_path)
    monkeypatch.setattr(sys, "executable", str(bin_dir / ("python.exe" if os.name == "nt" else "python")))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    monkeypatch.chdir(tmp_path)
    shown = CliRunner().invoke(cli, ["demo", "lianhu-demo", "-j", "1"])
    assert shown.exit_code == 0, shown.output
    suggested = [line.strip() for line in shown.output.split("自己试一试：")[1].splitlines() if line.strip()]
    assert len(suggested) == 3
    for line in suggested:
        first = line.split()[0]  # no space in it; shlex would eat a Windows path's backslashes
        assert first == os.path.join(".venv", bin_dir.name, SCRIPT), line
        assert (tmp_path / first).is_file()


def test_the_demo_suggests_plain_lianhu_when_path_finds_that_one(tmp_path, monkeypatch):
    bin_dir = _fake_venv(tmp_path)
    monkeypatch.setattr(sys, "executable", str(bin_dir / ("python.exe" if os.name == "nt" else "python")))
    monkeypatch.setenv("PATH", str(bin_dir))
    assert demo_mod.lianhu_command() == "lianhu"
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    monkeypatch.chdir(tmp_path / ".venv" / bin_dir.name)  # in the script's own folder: ./lianhu
    assert demo_mod.lianhu_command() == os.path.join(".", SCRIPT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # not under the project: the whole path
    assert demo_mod.lianhu_command() == str(bin_dir / SCRIPT)


def _dev(tmp_path: Path):
    """dev.py loaded as a module, its .venv moved into tmp_path (never the project's own)."""
    spec = importlib.util.spec_from_file_location("dev_s8", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    dev.VENV = tmp_path / ".venv"
    dev.BIN = dev.VENV / ("Scripts" if os.name == "nt" else "bin")
    dev.PY = dev.BIN / ("python.exe" if os.name == "nt" else "python")
    return dev


def test_dev_py_says_what_to_install_when_python_cannot_make_a_venv(tmp_path, monkeypatch):
    """Debian and Ubuntu ship python3 without ensurepip: venv raised CalledProcessError (a traceback)
    and left a .venv without pip, so the next try said only 安装失败，请检查网络. Now: what to install,
    and no half-made .venv."""
    dev = _dev(tmp_path)

    def no_ensurepip(self, env_dir):
        Path(dev.BIN).mkdir(parents=True)
        dev.PY.write_text("", encoding="utf-8")
        raise subprocess.CalledProcessError(1, ["python", "-m", "ensurepip"])

    monkeypatch.setattr(dev.venv.EnvBuilder, "create", no_ensurepip)
    with pytest.raises(SystemExit) as told:
        dev.ensure("")
    assert "python3-venv" in str(told.value.code) and "虚拟环境" in str(told.value.code)
    assert not dev.VENV.exists()


def test_dev_py_makes_again_a_venv_left_without_pip(tmp_path, monkeypatch):
    dev = _dev(tmp_path)
    dev.BIN.mkdir(parents=True)
    dev.PY.write_text("", encoding="utf-8")  # the python of a venv whose ensurepip failed
    made, ran = [], []
    monkeypatch.setattr(dev.venv.EnvBuilder, "create", lambda self, env_dir: made.append(Path(env_dir)))
    monkeypatch.setattr(dev, "has_pip", lambda: False)
    monkeypatch.setattr(dev, "run", lambda *args: ran.append(args) or 0)
    dev.ensure("")
    assert made == [dev.VENV]
    assert ran and ran[0][1:4] == ("-m", "pip", "install")


def _leaf_commands(cmd=cli, path=()):
    import click

    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _leaf_commands(sub, (*path, name))
    else:
        yield list(path)


@pytest.mark.parametrize("path", list(_leaf_commands()), ids=" ".join)
def test_every_command_help_says_its_exit_codes(path):
    """A county IT person scripting `lianhu xl bundle` or `xl console` had no word of what 0 and 2
    mean there; every other command's --help says it."""
    page = CliRunner().invoke(cli, [*path, "--help"]).output
    assert "退出码：0 " in page, page


def test_the_buttons_failure_message_names_the_lianhu_the_offline_install_made():
    """When a button cannot run Python it tells the clerk a command to type in cmd. It said
    `lianhu xl run …`, and the offline install puts no lianhu on PATH (“不是内部或外部命令”); it must be
    the command docs/excel-buttons.md §5 shows, with the installed lianhu.exe's whole path."""
    import re

    bas = (ROOT / "lianhu_xl" / "vba" / "LianhuButtons.bas").read_text(encoding="ascii")
    manual = re.search(r"Function LianhuManual\(.*?End Function", bas, re.S)[0]
    exe = r"%LOCALAPPDATA%\lianhu\venv\Scripts\lianhu.exe"
    assert f'Chr(34) & "{exe}"' in manual and '" xl run " & action & " --book "' in manual
    guide = (ROOT / "docs" / "excel-buttons.md").read_text(encoding="utf-8").split("## 5.")[1].split("\n## ")[0]
    assert f'"{exe}" xl run consolidate --book "' in guide
    assert not re.search(r"^lianhu ", guide, re.M), "§5: a bare `lianhu` is not on a township PC's PATH"


def test_the_consoles_own_help_gives_a_command_a_township_pc_can_run(tmp_path):
    """The 设置 sheet's last resort said `lianhu xl run consolidate …`: on a PC set up by the offline
    installer there is no lianhu on PATH. It names the installed lianhu.exe, as docs/excel-buttons.md §5."""
    import openpyxl

    from lianhu_xl.console import build_console

    book = build_console(tmp_path)
    ws = openpyxl.load_workbook(book)["设置"]
    lines = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "xl run" in c.value]
    assert lines, "the 设置 sheet no longer says what to type when the buttons fail"
    for line in lines:
        assert r'"%LOCALAPPDATA%\lianhu\venv\Scripts\lianhu.exe" xl run consolidate --book' in line, line


def test_the_demo_refusing_a_folder_suggests_a_command_that_runs(tmp_path, monkeypatch):
    """`python3 dev.py demo` into a folder holding other files is refused with an example to type;
    it said `lianhu demo 演示乡`, not on PATH after dev.py."""
    bin_dir = _fake_venv(tmp_path)
    monkeypatch.setattr(sys, "executable", str(bin_dir / ("python.exe" if os.name == "nt" else "python")))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lianhu-demo").mkdir()
    (tmp_path / "lianhu-demo" / "名册.xlsx").write_bytes(b"the clerk's own")
    told = CliRunner().invoke(cli, ["demo", "lianhu-demo", "-j", "1"])
    assert told.exit_code == 2
    assert f"例如 {os.path.join('.venv', bin_dir.name, SCRIPT)} demo 演示乡" in told.output, told.output


def test_excel_buttons_md_names_the_folders_a_new_console_is_set_to():
    """A clerk opening a new console must know which folder to make and fill: §3 names the
    collection and output folders the console is made with."""
    from lianhu_xl.console import SETTINGS

    defaults = {s.key: s.default for s in SETTINGS}
    section3 = (ROOT / "docs" / "excel-buttons.md").read_text(encoding="utf-8").split("## 3.")[1].split("\n## ")[0]
    assert f"收集文件夹填的是“{defaults['folder']}”、输出文件夹是“{defaults['output']}”" in section3


def test_the_readme_exit_code_table_has_every_command():
    """README's 退出码 table: one row for each command a user can run, no row for one that is gone."""
    import re

    table = (ROOT / "README.md").read_text(encoding="utf-8").split("### 退出码")[1].split("\n\n")[1]
    rows = [r for r in table.splitlines() if r.startswith("| `")]
    named = {name for r in rows for name in re.findall(r"`([^`]+)`", r.split("|")[1])}
    assert named == {" ".join(p) for p in _leaf_commands()}


def test_doctor_says_when_lianhu_is_not_on_path(tmp_path, monkeypatch):
    """After the offline install (or dev.py) lianhu.exe sits in a venv not on PATH; doctor showed its
    path as if typing `lianhu` would work. It now says to type the whole path."""
    bin_dir = _fake_venv(tmp_path)
    monkeypatch.setattr(sys, "executable", str(bin_dir / ("python.exe" if os.name == "nt" else "python")))
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    shown = CliRunner().invoke(cli, ["doctor"]).output
    line = next(x for x in shown.splitlines() if "lianhu 命令" in x)
    assert "不在 PATH 上" in line and f"{bin_dir / SCRIPT} validate 收集" in line, line
    monkeypatch.setenv("PATH", str(bin_dir))
    line = next(x for x in CliRunner().invoke(cli, ["doctor"]).output.splitlines() if "lianhu 命令" in x)
    assert "不在 PATH 上" not in line, line
