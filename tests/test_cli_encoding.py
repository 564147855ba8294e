"""Output to a terminal or file whose encoding cannot show every character (GBK on Chinese
Windows when output goes to a file or a pipe) must not stop a run."""

from __future__ import annotations

from bookfactory import card, diary, write_book
from click.testing import CliRunner
from openpyxl import load_workbook

from lianhu_xl.cli import cli


def test_an_emoji_in_a_file_name_and_a_cell_prints_as_a_question_mark_under_gbk(tmp_path):
    folder = tmp_path / "收集"
    write_book(folder / "下营村😀.xlsx", [card("XY-001"), card("XY-002")],
               [diary("XY-001", date="2010年😀月"), diary("XY-002")])
    out = tmp_path / "问题清单.xlsx"

    result = CliRunner(charset="gbk").invoke(cli, ["validate", str(folder), "--report", str(out)])

    assert result.exit_code == 1, result.output  # problems found: not 2, the tool did not fail
    assert "程序出错" not in result.output
    assert "下营村?.xlsx" in result.output
    assert "联户日记!B3：“日期”填的是“2010年?月”，不是有效日期" in result.output
    # the report file keeps every character as typed

    issues = list(load_workbook(out)["问题清单"].iter_rows(values_only=True))
    assert ("下营村😀.xlsx", "联户日记", "B3", "2010年😀月") in [(r[0], r[2], r[3], r[5]) for r in issues]


def test_gbk_output_of_consolidate_is_written_whole(tmp_path):
    folder = tmp_path / "倪家营乡"
    write_book(folder / "村😀.xlsx", [card("XY-001")], [diary("XY-001")])
    target = tmp_path / "汇总😀.xlsx"

    result = CliRunner(charset="gbk").invoke(cli, ["consolidate", str(folder), "-o", str(target)])

    assert result.exit_code == 0, result.output
    assert target.exists()
    assert "汇总?.xlsx" in result.output
