"""Exceptions that mean "cannot run" (never a problem in a workbook: those are Issues)."""

from __future__ import annotations


class LianhuError(Exception):
    """A condition the clerk must fix before the command can run; the message is Chinese."""


class OutputLocked(LianhuError):
    """The output file is open in another program (Excel, WPS) or not writable."""
