"""The command shell: usage errors speak Chinese and exit 2, help is Chinese."""

import re

import pytest
from click.testing import CliRunner

from lianhu_xl.cli import cli


@pytest.mark.parametrize("args, expected", [
    (["validate"], "缺少参数"),
    (["validate", "--bogus", "x"], "没有这个选项：--bogus"),
    (["validate", "-j", "99", "x"], "-j/--jobs 的值不对"),
    (["validate", "-j"], "后面要写一个值"),
    (["consolidate", "x"], "缺少选项 -o/--out"),
    (["nosuch"], "没有这个命令“nosuch”"),
])
def test_usage_errors_are_chinese_with_exit_2(args, expected):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert expected in result.output
    assert "用法不对" in result.output
    english = re.findall(r"\b(Missing|Invalid|No such|Usage|Error|option|argument)\b", result.output)
    assert english == [], result.output


def test_a_roster_that_cannot_be_read_is_the_files_fault_not_the_commands(tmp_path):
    """Exit 2 (nothing can be checked against it), named, in Chinese, without sending the clerk
    to --help: the command was typed right."""
    result = CliRunner().invoke(cli, ["validate", "--roster", str(tmp_path / "名册.csv"), str(tmp_path)])
    assert result.exit_code == 2
    assert "找不到名册文件" in result.output and "名册.csv" in result.output
    assert "用法不对" not in result.output and "--help" not in result.output


def test_help_is_chinese():
    result = CliRunner().invoke(cli, ["validate", "--help"])
    assert result.exit_code == 0
    assert "显示本帮助并退出" in result.output
    assert "Show this message" not in result.output


def test_output_folder_that_cannot_exist_is_a_clear_chinese_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(cli, ["template", "-o", str(blocker / "sub")])
    assert result.exit_code == 2
    assert "无法创建输出文件夹" in result.output
    assert "Traceback" not in result.output


def test_help_pages_have_chinese_headings():
    result = CliRunner().invoke(cli, ["--help"])
    assert result.exit_code == 0
    assert result.output.startswith("用法：") and "[选项] 命令 [参数]..." in result.output
    assert "选项" in result.output and "命令" in result.output
    assert not re.search(r"\b(Usage|Options|Commands)\b", result.output)


def test_bundle_with_a_missing_python_installer_stops_before_any_download(tmp_path):
    out = tmp_path / "安装包"
    result = CliRunner().invoke(cli, ["xl", "bundle", "-o", str(out), "--python-installer",
                                      str(tmp_path / "python-3.11.9-amd64.exe")])
    assert result.exit_code == 2
    assert "找不到 Python 安装程序" in result.output and "--python-installer" in result.output
    assert not out.exists()  # no wheelhouse: pip never ran


@pytest.mark.parametrize("error", ["sqlite", "oserror"])
def test_a_full_disk_is_said_in_chinese_with_what_to_do(tmp_path, monkeypatch, error):
    """A county-sized run spills its row store to the temp folder: a full disk there is a
    Chinese message saying so, exit 2, never SQLite's English text."""
    import errno
    import sqlite3

    import lianhu_xl.validate as validation

    def full(*a, **k):
        if error == "sqlite":
            raise sqlite3.OperationalError("database or disk is full")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(validation, "validate", full)
    (tmp_path / "a.xlsx").write_bytes(b"")
    result = CliRunner().invoke(cli, ["validate", str(tmp_path), "--no-cache"])
    assert result.exit_code == 2
    assert "磁盘已满" in result.output and "清理" in result.output
    assert "database" not in result.output and "No space" not in result.output


def test_a_fault_outside_any_file_is_said_in_chinese_first_with_the_detail_labelled(tmp_path, monkeypatch):
    """A bug of ours outside the per-file check (here the run itself raising): no traceback, exit 2,
    the clerk reads in Chinese what happened and what to do; the exception follows, labelled
    技术信息, for whoever looks after the tool."""
    import lianhu_xl.validate as validate_module

    def broken(*args, **kwargs):
        raise RuntimeError("store went away")

    monkeypatch.setattr(validate_module, "validate", broken)
    (tmp_path / "收集").mkdir()
    (tmp_path / "收集" / "下营村.xlsx").write_bytes(b"PK")  # a folder with no workbook stops before the run
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "收集")])
    assert result.exit_code == 2 and "Traceback" not in result.output
    said = result.output.strip()
    assert said.startswith("程序出错，多半不是文件的问题") and "交给技术人员" in said
    assert said.endswith("技术信息：RuntimeError: store went away")
