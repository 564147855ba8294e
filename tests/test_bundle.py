"""``lianhu xl bundle``: the offline Windows bundle, built with a stand-in for pip (no network)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from lianhu_xl import bundle
from lianhu_xl.cli import cli

WINDOWS_WHEELS = ["pydantic_core-2.33.2-cp311-cp311-win_amd64.whl", "pywin32-311-cp311-cp311-win_amd64.whl",
                  "xlwings-0.37.8-cp311-cp311-win_amd64.whl", "colorama-0.4.6-py2.py3-none-any.whl"]


class FakePip:
    """Records each pip call and drops the wheels pip would have written."""

    def __init__(self, fail_download: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.fail_download = fail_download

    def __call__(self, cmd, capture_output=False, text=False, **kwargs):
        self.calls.append([str(c) for c in cmd])
        args = cmd[3:]  # python -m pip ...
        target = Path(args[args.index("-w" if args[0] == "wheel" else "-d") + 1])
        if args[0] == "wheel":
            (target / "lianhu_xl-0.1.0-py3-none-any.whl").write_bytes(b"PK")
        elif self.fail_download:
            return subprocess.CompletedProcess(cmd, 1, "", "ERROR: Could not find a version that satisfies "
                                               "the requirement pywin32 (from versions: none)")
        else:
            for name in WINDOWS_WHEELS:
                (target / name).write_bytes(b"PK")
        return subprocess.CompletedProcess(cmd, 0, "", "")


@pytest.fixture
def pip(monkeypatch):
    fake = FakePip()
    monkeypatch.setattr(bundle.subprocess, "run", fake)
    return fake


def test_bundle_downloads_windows_wheels_and_writes_install_scripts(pip, tmp_path):
    result = CliRunner().invoke(cli, ["xl", "bundle", "-o", str(tmp_path / "包")])
    assert result.exit_code == 0, result.output
    wheel, download = pip.calls
    assert wheel[3:5] == ["wheel", "--no-deps"] and wheel[-1] == str(bundle.project_root())
    args = download[3:]
    assert args[0] == "download"
    for flag, value in (("--platform", "win_amd64"), ("--python-version", "3.11"), ("--abi", "cp311"),
                        ("--implementation", "cp")):
        assert args[args.index(flag) + 1] == value
    assert "--only-binary=:all:" in args
    for name in ("pydantic-core", "pywin32", "xlwings", "colorama"):  # markers would drop them on Linux
        assert name in args
    assert any(a.endswith("lianhu_xl-0.1.0-py3-none-any.whl") for a in args)

    out = tmp_path / "包"
    for name in WINDOWS_WHEELS:
        assert name in result.output and (out / "wheelhouse" / name).is_file()
    bat = (out / "install.bat").read_bytes()
    assert bat.isascii() and b"\r\n" in bat and b"install.ps1" in bat and b"ExecutionPolicy Bypass" in bat
    ps1 = (out / "install.ps1").read_bytes()
    assert ps1.startswith(b"\xef\xbb\xbf")  # BOM: Windows PowerShell 5.1 then reads the Chinese as UTF-8
    text = ps1.decode("utf-8-sig")
    assert "--no-index --find-links $wheels" in text and "[xl]" in text and "pywin32" in text
    assert "Unblock-File" in text and "lianhu_xl doctor" in text and "xl console" in text
    assert "Python311" in text and "sys.version_info[:2] == (3, 11)" in text  # the wheels' Python only
    # a clerk reads no English: the .bat (ASCII for cmd.exe) prints nothing of its own, and an error
    # no step catches still ends the PowerShell part with a Chinese line
    assert [ln for ln in bat.splitlines() if ln.strip().lower().startswith(b"echo") and ln.strip() != b"@echo off"] == []
    assert "trap {" in text and "安装没有完成" in text
    assert "install.bat" in (out / "说明.txt").read_text(encoding="utf-8-sig")
    assert "没有 Python 安装程序" in result.output  # none was given: say so


def test_bundle_copies_a_python_installer_when_given(pip, tmp_path):
    installer = tmp_path / "python-3.11.9-amd64.exe"
    installer.write_bytes(b"MZ")
    made = bundle.build_bundle(tmp_path / "out", python_installer=installer)
    assert made.installer == tmp_path / "out" / installer.name and made.installer.read_bytes() == b"MZ"
    assert "没有 Python 安装程序" not in made.summary()


def test_a_failed_download_is_a_chinese_message_with_pips_reason(monkeypatch, tmp_path):
    monkeypatch.setattr(bundle.subprocess, "run", FakePip(fail_download=True))
    result = CliRunner().invoke(cli, ["xl", "bundle", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "pip 运行失败" in result.output and "pywin32" in result.output
    assert not (tmp_path / "install.bat").exists()


def test_other_python_versions_change_the_abi(pip, tmp_path):
    bundle.build_bundle(tmp_path, python_version="3.12")
    args = pip.calls[1]
    assert args[args.index("--abi") + 1] == "cp312"
    assert "Python312" in (tmp_path / "install.ps1").read_text(encoding="utf-8-sig")


def test_the_build_folder_setuptools_leaves_in_the_source_is_removed(monkeypatch, tmp_path):
    source = tmp_path / "src"
    source.mkdir()

    class BuildingPip(FakePip):
        def __call__(self, cmd, **kwargs):
            if cmd[3] == "wheel":
                (source / "build" / "lib" / "lianhu_xl").mkdir(parents=True)
            return super().__call__(cmd, **kwargs)

    monkeypatch.setattr(bundle.subprocess, "run", BuildingPip())
    bundle.build_bundle(tmp_path / "out", source=source)
    assert not (source / "build").exists()
