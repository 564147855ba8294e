"""Install into a local virtual environment and run: `python dev.py demo` or `python dev.py test`.

Works the same on Linux and Windows with nothing but Python >= 3.11: it makes
`.venv` beside this file, installs the package (with the test extras for
`test`), then runs the demo township or the test suite. Extra arguments are
passed on (`python dev.py test -k reader`, `python dev.py demo 演示乡`).
"""

from __future__ import annotations

import os
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
    if not PY.exists():
        print("创建虚拟环境 .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extras}]" if extras else "."
    print(f"安装 lianhu_xl{f'[{extras}]' if extras else ''} …", flush=True)
    if run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", spec) != 0:
        sys.exit("安装失败，请检查网络或 pip 设置。")


def main() -> int:
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
