"""``lianhu xl bundle``: an offline install bundle for a Windows x64 township PC.

Run on any machine with internet (Linux is fine). It builds lianhu_xl's own
wheel, then ``pip download``s every dependency as Windows wheels for CPython
3.11 (``--platform win_amd64 --only-binary=:all:``). pydantic-core, pywin32,
colorama and xlwings are listed explicitly: pip evaluates markers such as
``platform_system == 'Windows'`` against the machine it runs on, so pywin32 and
colorama would otherwise be left out. Beside the wheelhouse it writes
``install.bat`` (ASCII; starts PowerShell), ``install.ps1`` (UTF-8 with BOM so
Windows PowerShell 5.1 reads the Chinese) and ``说明.txt``.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from .errors import LianhuError

EXPLICIT = ("pydantic-core", "pywin32", "colorama", "xlwings")
PLATFORM = "win_amd64"
INSTALL_DIR = r"%LOCALAPPDATA%\lianhu"


@dataclass(slots=True)
class BundleResult:
    out: Path
    wheels: list[str] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    installer: Path | None = None

    def summary(self) -> str:
        lines = [f"离线安装包已准备好：{self.out}", f"wheelhouse 里有 {len(self.wheels)} 个安装包："]
        lines += [f"  {w}" for w in self.wheels]
        lines.append("安装脚本：" + "、".join(p.name for p in self.files))
        if self.installer is None:
            lines.append("注意：包里没有 Python 安装程序。目标电脑没有 Python 3.11 时，请把 "
                         "python-3.11.x-amd64.exe 放进这个文件夹（或用 --python-installer 指定）。")
        lines.append("把整个文件夹拷到乡镇电脑（U 盘），双击 install.bat。")
        return "\n".join(lines)


def project_root() -> Path | None:
    """The source tree this package runs from (editable install or a checkout), if any."""
    here = Path(__file__).resolve().parent.parent
    return here if (here / "pyproject.toml").is_file() and (here / "lianhu_xl").is_dir() else None


def _pip(args: list[str]) -> None:
    cmd = [sys.executable, "-m", "pip", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = "\n".join((proc.stderr or proc.stdout or "").strip().splitlines()[-8:])
        raise LianhuError(f"pip 运行失败（退出码 {proc.returncode}）。请检查网络。\n命令：{' '.join(cmd)}\n{tail}")


def build_bundle(out: Path, python_version: str = "3.11", python_installer: Path | None = None,
                 source: Path | None = None) -> BundleResult:
    """Fill ``out`` with ``wheelhouse/``, the install scripts and the guide; return what is in it."""
    if python_installer is not None and not python_installer.is_file():  # before minutes of pip, not after
        raise LianhuError(f"找不到 Python 安装程序“{python_installer}”。请检查 --python-installer 后面的路径。")
    source = source or project_root()
    if source is None:
        raise LianhuError("找不到 lianhu_xl 的源码（pyproject.toml）。请在源码文件夹里运行："
                          "pip install -e . 后再运行 lianhu xl bundle。")
    out = Path(out)
    wheelhouse = out / "wheelhouse"
    wheelhouse.mkdir(parents=True, exist_ok=True)
    for old in wheelhouse.glob("lianhu_xl-*.whl"):
        old.unlink()
    leftover = source / "build"
    had_build = leftover.exists()
    try:
        _pip(["wheel", "--no-deps", "--disable-pip-version-check", "-w", str(wheelhouse), str(source)])
    finally:
        if not had_build:  # setuptools leaves build/ in the source tree; stale files there end up in wheels
            shutil.rmtree(leftover, ignore_errors=True)
    own = sorted(wheelhouse.glob("lianhu_xl-*.whl"))
    if not own:
        raise LianhuError(f"没有生成 lianhu_xl 的安装包（wheel），请检查 {source}。")
    abi = "cp" + python_version.replace(".", "")
    _pip(["download", "--disable-pip-version-check", "--only-binary=:all:", "--platform", PLATFORM,
          "--python-version", python_version, "--implementation", "cp", "--abi", abi,
          "-d", str(wheelhouse), str(own[-1]), *EXPLICIT])
    result = BundleResult(out=out)
    result.wheels = sorted(p.name for p in wheelhouse.glob("*.whl"))
    for name, text, encoding in (("install.bat", INSTALL_BAT, "ascii"),
                                 ("install.ps1", install_ps1(python_version), "utf-8-sig"),
                                 ("说明.txt", GUIDE, "utf-8-sig")):
        path = out / name
        path.write_text(text.replace("\r\n", "\n").replace("\n", "\r\n"), encoding=encoding, newline="")
        result.files.append(path)
    if python_installer is not None:
        result.installer = Path(shutil.copy2(python_installer, out / python_installer.name))
    else:
        result.installer = next(iter(sorted(out.glob("python-3*-amd64.exe"))), None)
    return result


INSTALL_BAT = """@echo off
rem lianhu_xl offline install for Windows x64. This file is ASCII on purpose;
rem the steps (with Chinese messages) are in install.ps1 next to it.
powershell.exe -NoProfile -ExecutionPolicy Bypass -File "%~dp0install.ps1" %*
if errorlevel 1 (
  pause
  exit /b 1
)
pause
"""


def install_ps1(python_version: str) -> str:
    major, minor = python_version.split(".")[:2]
    return (INSTALL_PS1.replace("@PYVER@", python_version).replace("@PYNODOT@", major + minor)
            .replace("@PYTUPLE@", f"{int(major)}, {int(minor)}"))


INSTALL_PS1 = r"""# 联户带创 lianhu_xl 离线安装（Windows 64 位）。由 install.bat 调用。
# 做的事：解除本文件夹的“来自网络”锁定 → 找到（或安装）Python @PYVER@ → 在
# %LOCALAPPDATA%\lianhu\venv 建虚拟环境 → 从 wheelhouse 离线安装 lianhu_xl 和 xlwings →
# 运行 lianhu doctor → 在桌面“联户带创”文件夹生成汇总台。
param([string]$Target = (Join-Path $env:LOCALAPPDATA "lianhu"))
$ErrorActionPreference = "Stop"
# an error no step below catches still ends with a line in Chinese (install.bat stays ASCII)
trap { Write-Host "安装没有完成：$($_.Exception.Message)。请把这个窗口拍照发给技术人员。" -ForegroundColor Red; exit 1 }
$here = Split-Path -Parent $MyInvocation.MyCommand.Path
$wheels = Join-Path $here "wheelhouse"

Write-Host "== 联户带创 离线安装 ==" -ForegroundColor Cyan
Get-ChildItem -Path $here -Recurse -File | Unblock-File

function Test-Python([string]$exe) {
    if (-not $exe -or -not (Test-Path $exe)) { return $false }
    if ($exe -like "*WindowsApps*") { return $false }   # 应用商店的占位 python，不能用
    # 必须正好是 @PYVER@（64 位）：wheelhouse 里的 pydantic-core、pywin32 等只适用于这个版本
    & $exe -c "import sys; sys.exit(0 if sys.version_info[:2] == (@PYTUPLE@) and sys.maxsize > 2**32 else 1)" 2>$null
    return ($LASTEXITCODE -eq 0)
}

function Find-Python {
    $py = Get-Command py.exe -ErrorAction SilentlyContinue
    if ($py) {
        foreach ($v in @("-@PYVER@")) {
            $exe = (& $py.Source $v -c "import sys; print(sys.executable)" 2>$null)
            if ($exe -and (Test-Python $exe)) { return $exe }
        }
    }
    $cmd = Get-Command python.exe -ErrorAction SilentlyContinue
    if ($cmd -and (Test-Python $cmd.Source)) { return $cmd.Source }
    $local = Join-Path $env:LOCALAPPDATA "Programs\Python\Python@PYNODOT@\python.exe"
    if (Test-Python $local) { return $local }
    return $null
}

$python = Find-Python
if (-not $python) {
    $installer = Get-ChildItem -Path $here -Filter "python-3*-amd64.exe" | Select-Object -First 1
    if (-not $installer) {
        Write-Host "本机没有 Python @PYVER@（64 位），安装包里也没有 Python 安装程序。" -ForegroundColor Red
        Write-Host "请把 python-@PYVER@.x-amd64.exe 放进本文件夹后重新双击 install.bat。"
        exit 1
    }
    Write-Host "正在安装 Python（只为当前用户，约 1 分钟）：$($installer.Name)"
    $p = Start-Process -FilePath $installer.FullName -Wait -PassThru -ArgumentList @(
        "/quiet", "InstallAllUsers=0", "PrependPath=0", "Include_launcher=1", "Include_test=0")
    if ($p.ExitCode -ne 0) { Write-Host "Python 安装失败（退出码 $($p.ExitCode)）。" -ForegroundColor Red; exit 1 }
    $python = Find-Python
    if (-not $python) { Write-Host "装好 Python 后仍找不到它，请重启电脑再试。" -ForegroundColor Red; exit 1 }
}
Write-Host "使用 Python：$python"

$venv = Join-Path $Target "venv"
if (-not (Test-Path (Join-Path $venv "Scripts\python.exe"))) {
    Write-Host "建立虚拟环境：$venv"
    & $python -m venv $venv
    if ($LASTEXITCODE -ne 0) { Write-Host "建立虚拟环境失败。" -ForegroundColor Red; exit 1 }
}
$vpy = Join-Path $venv "Scripts\python.exe"

Write-Host "从 wheelhouse 离线安装 lianhu_xl 和 xlwings ……"
$own = Get-ChildItem -Path $wheels -Filter "lianhu_xl-*.whl" | Sort-Object Name | Select-Object -Last 1
& $vpy -m pip install --no-index --find-links $wheels --upgrade "$($own.FullName)[xl]" pywin32 colorama
if ($LASTEXITCODE -ne 0) { Write-Host "安装失败，见上面 pip 的信息。" -ForegroundColor Red; exit 1 }

Write-Host ""
& $vpy -m lianhu_xl doctor

$desk = [Environment]::GetFolderPath("Desktop")
$consoleDir = Join-Path $desk "联户带创"
& $vpy -m lianhu_xl xl console -o $consoleDir
if ($LASTEXITCODE -ne 0) { Write-Host "生成汇总台失败。" -ForegroundColor Red; exit 1 }
Write-Host ""
Write-Host "安装完成。桌面“联户带创”文件夹里的“联户带创汇总台.xlsm”就是汇总台：" -ForegroundColor Green
Write-Host "打开它，点“启用内容”，在“设置”表填好收集文件夹，再点按钮。"
Write-Host "以后在命令行也可以运行：$venv\Scripts\lianhu.exe"
exit 0
"""


GUIDE = """联户带创 lianhu_xl 离线安装包（Windows 64 位）

1. 把整个文件夹拷到乡镇电脑上（U 盘即可，不要只拷一个文件）。
2. 双击 install.bat。它会：
   - 解除本文件夹的“来自网络”锁定；
   - 找到本机的 Python 3.11（64 位）；没有时，用本文件夹里的 python-3.11.x-amd64.exe 安装
     （只为当前用户，不需要管理员权限）；
   - 在 %LOCALAPPDATA%\\lianhu\\venv 安装 lianhu_xl 和 xlwings（不需要上网）；
   - 运行 lianhu doctor 检查安装；
   - 在桌面“联户带创”文件夹里生成“联户带创汇总台.xlsm”。
3. 打开汇总台，在黄色提示条上点“启用内容”。若提示“宏已被阻止”，请按《Excel 按钮使用说明》的
   “解除锁定”一节操作。
4. 卸载：删除 %LOCALAPPDATA%\\lianhu 文件夹即可。

如果双击 install.bat 一闪而过或被杀毒软件拦截：右键 install.bat → “以管理员身份运行”不是必须的；
请打开“开始 → Windows PowerShell”，输入
    powershell -ExecutionPolicy Bypass -File "本文件夹\\install.ps1"
"""
