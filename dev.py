"""Install into a local virtual environment and run: `python dev.py demo` or `python dev.py test`.

Works the same on Linux and Windows with nothing but Python >= 3.11: it makes
`.venv` beside this file, installs the package (with the test extras for
`test`), then runs the demo township or the test suite. Extra arguments are
passed on (`python dev.py test -k reader`, `python dev.py demo 演示乡`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENV = HERE / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")


def run(*args: str | Path) -> int:
    return subprocess.call([str(a) for a in args], cwd=HERE)


def ensure(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py must explain itself on an old Python
        sys.exit(f"需要 Python 3.11 或更新版本（当前 {sys.version.split()[0]}）。")
    if not PY.exists() or not has_pip():  # a .venv left without pip by a failed first try is made again
        print("创建虚拟环境 .venv …", flush=True)
        shutil.rmtree(VENV, ignore_errors=True)
        try:
            venv.EnvBuilder(with_pip=True).create(VENV)
        except (OSError, subprocess.CalledProcessError):
            shutil.rmtree(VENV, ignore_errors=True)
            sys.exit("无法创建虚拟环境 .venv（这个 Python 缺少 venv 或 ensurepip）。Debian/Ubuntu 上先运行 "
                     "sudo apt install python3-venv，再运行一次；Windows 上请用 python.org 的安装程序装的 Python。")
    spec = f".[{extras}]" if extras else "."
    print(f"安装 lianhu_xl{f'[{extras}]' if extras else ''} …", flush=True)
    if run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", spec) != 0:
        sys.exit("安装失败，请检查网络或 pip 设置。")


def has_pip() -> bool:
    return subprocess.call([str(PY), "-m", "pip", "--version"], cwd=HERE,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0


def main() -> int:
    for stream in (sys.stdout, sys.stderr):  # Chinese on a console or pipe that cannot show it: never a crash
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        print(__doc__)
        return 2
    job, rest = sys.argv[1], sys.argv[2:]
    if job == "demo":
        ensure("")
        return run(PY, "-m", "lianhu_xl", "demo", *(rest or ["lianhu-demo"]))
    ensure("test")
    return run(PY, "-m", "pytest", *rest)


if __name__ == "__main__":
    sys.exit(main())
