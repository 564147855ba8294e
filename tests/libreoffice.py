"""Drive real LibreOffice (headless) from tests: convert, recalculate, export PDF."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from pathlib import Path

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, out_dir: Path, to: str = "xlsx", timeout: int = 180) -> Path:
    """`soffice --headless --convert-to` with a private profile, so parallel runs never clash."""
    assert SOFFICE, "LibreOffice missing"
    profile = Path("/tmp") / f"lo-profile-{uuid.uuid4().hex}"
    filt = {"xlsx": 'xlsx:Calc MS Excel 2007 XML', "pdf": "pdf", "csv": "csv"}.get(to, to)
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(
            [SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", filt, "--outdir", str(out_dir), str(src)],
            check=True, capture_output=True, timeout=timeout,
        )
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    ext = to.split(":")[0]
    return out_dir / f"{src.stem}.{ext}"
