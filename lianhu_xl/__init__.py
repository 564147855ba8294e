"""lianhu_xl: 联户带创 workbooks for townships — templates, validation, consolidation."""

from .issues import FileSummary as FileSummary
from .issues import Issue as Issue
from .issues import Report as Report
from .standard import STANDARD_VERSION as STANDARD_VERSION
from .standard import CardRow as CardRow
from .standard import DiaryRow as DiaryRow

__all__ = ["CardRow", "DiaryRow", "FileSummary", "Issue", "Report", "STANDARD_VERSION"]
