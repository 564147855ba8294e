"""lianhu_xl: 联户带创 workbooks for townships — templates, validation, consolidation.

The names below are imported on first use (PEP 562), so that ``lianhu --help``
does not pay for Pydantic and the models (≈0.2 s on a township PC).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .issues import FileSummary as FileSummary
    from .issues import Issue as Issue
    from .issues import Report as Report
    from .standard import STANDARD_VERSION as STANDARD_VERSION
    from .standard import CardRow as CardRow
    from .standard import DiaryRow as DiaryRow

__all__ = ["CardRow", "DiaryRow", "FileSummary", "Issue", "Report", "STANDARD_VERSION"]

_HOME = {"FileSummary": "issues", "Issue": "issues", "Report": "issues",
         "STANDARD_VERSION": "standard", "CardRow": "standard", "DiaryRow": "standard"}


def __getattr__(name: str) -> Any:
    module = _HOME.get(name)
    if module is None:
        raise AttributeError(f"module 'lianhu_xl' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value
