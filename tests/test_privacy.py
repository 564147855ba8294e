"""Personal data: 身份证号 and 联系电话 never appear unmasked in any output (terminal,
JSON, the report workbook, the totals workbook) - every part of every output
file is searched for them - while the cadre's own annotated copy keeps them as
typed."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(first17: str) -> str:
    """A 身份证号 with a correct check digit."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


GOOD_ID = id_number("62070219750316123")
OTHER_ID = id_number("62070219880702451")
BAD_ID = "620702196512240119"  # wrong check digit: an error that quotes the value
PHONES = ["13712349876", "13698765432", "0936-5551234"]  # not the catalogue's example number
SECRETS = [GOOD_ID, OTHER_ID, BAD_ID, *PHONES]
BIRTH_DATES = [s[6:14] for s in (GOOD_ID, OTHER_ID, BAD_ID)]


@pytest.fixture
def folder(tmp_path):
    books = tmp_path / "收集"
    write_book(books / "下营村.xlsx",
               [card("XY-001", 身份证号=GOOD_ID, 联系电话=PHONES[0]),
                card("XY-002", 户主="李进忠", 身份证号=BAD_ID, 联系电话="1391234"),  # both wrong
                card("XY-003", 户主="王五", 身份证号=OTHER_ID, 联系电话=PHONES[2]),
                card("XY-004", 户主="赵六", 联系电话=OTHER_ID)],  # an ID typed in the phone column
               [diary("XY-001"), diary("XY-002"), diary("XY-003", 发现问题="缺水", 办理结果="协调解决")])
    write_book(books / "江淮村.xlsx",  # the same household on another card, and a conflicting twin
               [card("JH-001", 村="江淮村", 身份证号=GOOD_ID, 联系电话=PHONES[1]),
                card("XY-003", 户主="王五", 身份证号=GOOD_ID, 联系电话=PHONES[1])],
               [diary("JH-001")])
    return books


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS + BIRTH_DATES if s in text]


def _xlsx_text(path: Path) -> str:
    """Every part of a workbook as text: cells, shared strings, notes, names, properties."""
    with zipfile.ZipFile(path) as zf:
        return "\n".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist())


def test_validate_never_shows_them_unmasked(folder, tmp_path):
    runner = CliRunner()
    report = tmp_path / "出" / "问题清单.xlsx"
    terminal = runner.invoke(cli, ["validate", str(folder), "--report", str(report)])
    as_json = runner.invoke(cli, ["validate", str(folder), "--json"])
    assert terminal.exit_code == as_json.exit_code == 1, terminal.output
    assert "身份证号" in terminal.output and "620702" in terminal.output  # the problems are shown, masked
    for name, text in (("terminal", terminal.output), ("json", as_json.stdout), ("report", _xlsx_text(report))):
        assert not _leaks(text), f"{name} shows {_leaks(text)}"


def test_consolidate_never_shows_them_unmasked(folder, tmp_path):
    out = tmp_path / "出" / "汇总表.xlsx"
    runner = CliRunner()
    terminal = runner.invoke(cli, ["consolidate", str(folder), "-o", str(out), "--period", "2010"])
    as_json = runner.invoke(cli, ["consolidate", str(folder), "-o", str(tmp_path / "出" / "2.xlsx"),
                                  "--period", "2010", "--json"])
    assert terminal.exit_code == as_json.exit_code == 1, terminal.output
    assert out.is_file()
    for name, text in (("terminal", terminal.output), ("json", as_json.stdout), ("totals", _xlsx_text(out))):
        assert not _leaks(text), f"{name} shows {_leaks(text)}"


def test_the_annotated_copy_keeps_the_cadres_own_data(folder, tmp_path):
    back = tmp_path / "退回"
    result = CliRunner().invoke(cli, ["validate", str(folder), "--annotate", str(back)])
    assert result.exit_code == 1, result.output
    assert not _leaks(result.output)
    ws = openpyxl.load_workbook(back / "下营村.xlsx")["联户卡"]
    typed = {(ws.cell(r, 11).value, ws.cell(r, 12).value) for r in range(3, 7)}
    assert (GOOD_ID, PHONES[0]) in typed and (BAD_ID, "1391234") in typed


def test_merge_never_writes_them(folder, tmp_path):
    """The merged book a branch submits leaves the personal columns out."""
    out = tmp_path / "出" / "合并.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(folder), "-o", str(out)])
    assert result.exit_code == 1, result.output
    assert out.is_file()
    for name, text in (("terminal", result.output), ("merged book", _xlsx_text(out))):
        assert not _leaks(text), f"{name} shows {_leaks(text)}"
