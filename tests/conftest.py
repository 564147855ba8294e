import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

needs_libreoffice = pytest.mark.skipif(
    SOFFICE is None,
    reason="LibreOffice (Debian package libreoffice-calc-nogui) is not installed; .ci/run installs it",
)
