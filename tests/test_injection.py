"""No formula injection: text a cadre typed that looks like a formula
(``=HYPERLINK(…)``, ``+1``, ``-1+2``, ``@SUM(…)``, a DDE call) comes out of every
output workbook as text, never as a live formula."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli

PAYLOADS = {
    "link": '=HYPERLINK("http://example.invalid/x","点这里")',
    "plus": "+1",
    "sum": "-1+2",
    "at": "@SUM(A1:A9)",
    "dde": "=cmd|' /C calc'!A0",
}
MARKERS = ("HYPERLINK", "SUM(", "cmd|", "1+2")


def _as_text(path: Path) -> Path:
    """Make every formula-looking value a text cell, as a cadre's text-formatted cell holds it
    (openpyxl would otherwise save ``=…`` as a formula)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.value[:1] in "=+-@" and c.value not in ("-",):
                    c.data_type = "s"
    wb.save(path)
    return path


@pytest.fixture
def folder(tmp_path):
    books = tmp_path / "收集"
    _as_text(write_book(books / "下营村.xlsx",
                        [card("XY-001", 户主=PAYLOADS["link"], 主要问题=PAYLOADS["dde"], 职务=PAYLOADS["at"]),
                         card("XY-002", 户主=PAYLOADS["plus"], 联系人类别=PAYLOADS["sum"]),  # an error quoting it
                         card("XY-003", 户主="李进忠", 村=PAYLOADS["at"])],  # a village: a row of the totals
                        [diary("XY-001", 发现问题=PAYLOADS["link"], 解决办法=PAYLOADS["sum"], 办理结果="协调解决"),
                         diary("XY-003", **{"担保贷款(元)": PAYLOADS["sum"], "生产生活情况": PAYLOADS["plus"]}),
                         diary("XY-003", "2010-4-1", 调阅意见=PAYLOADS["dde"])]))
    raw = openpyxl.load_workbook(books / "下营村.xlsx")["联户卡"]
    assert raw["H3"].value == PAYLOADS["link"] and raw["H3"].data_type == "s"  # the source holds text
    return books


def _formulas_and_texts(path: Path) -> tuple[list[str], set[str]]:
    formulas, texts = [], set()
    for ws in openpyxl.load_workbook(path).worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    formulas.append(f"{ws.title}!{c.coordinate} {c.value}")
                elif isinstance(c.value, str):
                    texts.add(c.value)
    return formulas, texts


def _check(path: Path, must_show: list[str]) -> None:
    formulas, texts = _formulas_and_texts(path)
    live = [f for f in formulas if any(m in f for m in MARKERS)]
    assert not live, f"{path.name}: typed text became a formula: {live}"
    for payload in must_show:
        assert any(payload in t for t in texts), f"{path.name}: {payload!r} not found as text"


def test_validate_outputs_keep_formula_text_as_text(folder, tmp_path):
    report, back = tmp_path / "出" / "问题清单.xlsx", tmp_path / "退回"
    result = CliRunner().invoke(cli, ["validate", str(folder), "--report", str(report), "--annotate", str(back)])
    assert result.exit_code == 1, result.output
    _check(report, [PAYLOADS["sum"]])  # quoted in the 填写内容 column of the problem list
    _check(back / "下营村.xlsx", list(PAYLOADS.values()))  # the cadre's copy: every value as typed, as text


def test_consolidate_and_merge_outputs_keep_formula_text_as_text(folder, tmp_path):
    totals, merged = tmp_path / "出" / "汇总表.xlsx", tmp_path / "出" / "合并.xlsx"
    runner = CliRunner()
    result = runner.invoke(cli, ["consolidate", str(folder), "-o", str(totals), "--period", "2010"])
    assert result.exit_code == 1, result.output
    _check(totals, [PAYLOADS["at"], PAYLOADS["link"]])  # a village's row; a household / a problem
    result = runner.invoke(cli, ["merge", str(folder), "-o", str(merged)])
    assert result.exit_code == 1, result.output
    _check(merged, [PAYLOADS["link"], PAYLOADS["dde"], PAYLOADS["at"]])


ESCAPES = {"title": "\x1b]0;PWNED\x07", "clear": "\x1b[2J", "back": "\r假消息：全部通过"}


def _with_escapes(path: Path, marks: dict[str, str]) -> Path:
    """Put control characters into cells the way a file can carry them (_x001B_ escapes)."""
    from hostile import members_of, rezip

    parts = members_of(path.read_bytes())
    for name, blob in parts.items():
        for mark, text in marks.items():
            escaped = "".join(f"_x{ord(ch):04X}_" if ord(ch) < 32 else ch for ch in text)
            blob = blob.replace(mark.encode(), escaped.encode())
        parts[name] = blob
    return rezip(path, parts)


def test_control_characters_in_cells_never_reach_the_terminal(tmp_path):
    """ESC sequences typed into a cell (or planted in a file) would clear or retitle the clerk's
    terminal, or overwrite a line with \\r; every printed text shows them as �."""
    books = tmp_path / "收集"
    book = write_book(books / "下营村.xlsx",
                      [card("XY-001", 联系人类别="MARKA", 村="MARKB"), card("XY-002", 村="MARKB", 户主="MARKC")],
                      [diary("XY-001", 形式="MARKC"), diary("XY-002", 发现问题="MARKA", 办理结果="协调解决")])
    _with_escapes(book, {"MARKA": ESCAPES["title"], "MARKB": ESCAPES["clear"], "MARKC": ESCAPES["back"]})
    runner = CliRunner()
    outputs = [runner.invoke(cli, ["validate", str(books)]),
               runner.invoke(cli, ["consolidate", str(books), "-o", str(tmp_path / "汇总表.xlsx")]),
               runner.invoke(cli, ["merge", str(books), "-o", str(tmp_path / "合并.xlsx")])]
    for result in outputs:
        assert result.exit_code == 1, result.output
        assert not any(ch in result.output for ch in "\x1b\x07\r"), repr(result.output[:400])
    assert "�]0;PWNED" in outputs[0].output and "�[2J" in outputs[1].output  # shown, defused
