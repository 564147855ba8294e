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


@pytest.fixture(autouse=True)
def _no_result_cache(monkeypatch):
    """The CLI's per-file result cache (cache.py) is off in tests: nothing written to the
    user's home, no result carried between tests. tests/test_cache.py turns it on."""
    monkeypatch.setenv("LIANHU_CACHE", "off")


@pytest.fixture
def fake(monkeypatch):
    """The Excel buttons' tests: ``import xlwings`` gives tests/fake_xlwings.py, reset around each test."""
    import fake_xlwings

    fake_xlwings.reset()
    monkeypatch.setitem(sys.modules, "xlwings", fake_xlwings)
    yield fake_xlwings
    fake_xlwings.reset()
