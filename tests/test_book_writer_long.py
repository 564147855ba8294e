"""A standard book (lianhu merge) with more rows than an Excel sheet holds is refused with a
Chinese message and no file, instead of coming out with the rows past the last one missing."""

from __future__ import annotations

import datetime as dt

from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl import fast_rows
from lianhu_xl.cli import cli


def test_a_merged_book_too_long_for_a_sheet_is_refused_not_cut(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANHU_CACHE", "off")
    folder = tmp_path / "收集"
    diaries = [diary("XY-001", dt.date(2010, 1, 1) + dt.timedelta(days=i)) for i in range(12)]
    write_book(folder / "下营村.xlsx", [card("XY-001")], diaries)  # written before ROWMAX is made small
    monkeypatch.setattr(fast_rows, "ROWMAX", 10)  # a sheet holds 1,048,576 rows; never written in a test
    out = tmp_path / "合并.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(folder), "-o", str(out)])
    assert result.exit_code == 2, result.output
    assert "“联户日记”有 12 行，一张 Excel 表放不下（最多 10 行），没有写出这个文件" in result.output
    assert "Traceback" not in result.output and not out.exists()


def test_a_merged_book_that_fits_is_written(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANHU_CACHE", "off")
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001")], [diary("XY-001", dt.date(2010, 1, 1))])
    monkeypatch.setattr(fast_rows, "ROWMAX", 10)
    result = CliRunner().invoke(cli, ["merge", str(folder), "-o", str(tmp_path / "合并.xlsx")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "合并.xlsx").is_file()
