"""A totals workbook's seal: what its 汇总 sheet said when this tool wrote it.

A clerk who types over a figure of the 汇总 and its 合计 alike leaves a sheet that adds up,
and the county would count it as the township's. The seal is a digest of the figures and
the period, kept in the workbook's custom properties (``lianhu_seal``). Excel and LibreOffice
keep such a property when they save; a program that drops it leaves nothing to compare, and
the sheet is read as before. The unit rows are taken in any order (a clerk may sort the
villages), without their names (renaming 下营 to 下营村 changes no figure) and without rows of
no figure (a note typed in the 单位 column, 注：下营村数字已核对, adds nothing).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from datetime import date

PROPERTY = "lianhu_seal"


def seal(units: Iterable[Sequence[float]], total: Sequence[float], span: tuple[date, date] | None) -> str:
    """The digest of the unit rows' counts (any order, rows of zeros left out), the 合计 row's and
    the period's dates."""
    rows = sorted(_figures(u) for u in units)
    text = json.dumps([[d.isoformat() for d in span] if span else None,
                       [r for r in rows if any(v != "0.00" for v in r)], _figures(total)])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _figures(counts: Sequence[float]) -> list[str]:
    """Counts as the sheet holds them: to the fen, so 228500 and 228500.0 are one figure."""
    return [f"{float(v):.2f}" for v in counts]
