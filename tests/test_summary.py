"""`lianhu validate`'s text for the terminal: rows repeated (counted once) are never said to be
left out of the totals; rows truly left out are."""

from __future__ import annotations

import datetime as dt

from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli


def file_line(output: str, name: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{name}  "))


def test_a_book_sent_twice_is_said_to_be_repeated_and_counted_once_not_left_out(tmp_path):
    book = write_book(tmp_path / "in" / "下营村.xlsx", [card("A1"), card("A2", 户主="李二")],
                      [diary("A1"), diary("A2")])
    (tmp_path / "in" / "下营村(1).xlsx").write_bytes(book.read_bytes())
    res = CliRunner().invoke(cli, ["validate", str(tmp_path / "in")])
    assert res.exit_code == 0
    assert "不计入汇总" not in res.output
    assert file_line(res.output, "下营村.xlsx").endswith("联户卡 2 行、日记 2 行，其中 4 行重复（已计一次），见下")
    assert file_line(res.output, "下营村(1).xlsx").endswith("联户卡 2 行、日记 2 行")


def test_repeats_and_rows_left_out_are_said_apart(tmp_path):
    write_book(tmp_path / "in" / "a.xlsx", [card("A1"), card("A2")], [diary("A1")])
    write_book(tmp_path / "in" / "b.xlsx", [card("A1"), card("A2", 联系人类别="书记")],
               [diary("A1"), diary("A2")])
    res = CliRunner().invoke(cli, ["validate", str(tmp_path / "in")])
    assert res.exit_code == 1
    # b: A1 and its diary repeat a.xlsx (counted once); the card A2 differs from a's (every copy
    # out), and A2's diary goes with it
    assert file_line(res.output, "b.xlsx").endswith("其中 2 行重复（已计一次），2 行不计入汇总（原因见下）")
    assert file_line(res.output, "a.xlsx").endswith("其中 1 行不计入汇总（原因见下）")


def test_one_message_said_at_many_cells_is_one_line_naming_every_cell(tmp_path):
    # a month's diary book sent without its cards: every visit's 卡号 is unknown
    visits = [diary("A1", dt.date(2010, 3, d)) for d in range(1, 13)] + [diary("A2", dt.date(2010, 4, 1))]
    write_book(tmp_path / "in" / "日记.xlsx", None, visits)
    res = CliRunner().invoke(cli, ["validate", str(tmp_path / "in")])
    assert res.exit_code == 1
    said = [line for line in res.output.splitlines() if "找不到" in line]
    # the header is row 2 under the title: A1's twelve visits are rows 3–14, A2's row 15
    assert said[0] == "  错误  联户日记!A3:A14（共 12 处）：卡号“A1”在本次提交的联户卡中找不到。核对卡号；或把这张联户卡一起提交。"
    assert said[1].startswith("  错误  联户日记!A15：卡号“A2”")
    assert len(said) == 2


def test_a_message_said_a_few_times_keeps_a_line_for_each_cell(tmp_path):
    cards = [card("A1"), card("A2"), card("A3")]
    visits = [diary(no, **{"办实事(件)": "几件"}) for no in ("A1", "A2", "A3")]
    visits.insert(2, diary("A2", "九月六日"))  # another problem between them keeps its place
    write_book(tmp_path / "in" / "卡.xlsx", cards, visits)
    res = CliRunner().invoke(cli, ["validate", str(tmp_path / "in")])
    said = [line.split("：")[0].split()[-1] for line in res.output.splitlines() if line.startswith("  错误")]
    # header on row 2: the visits are rows 3–6, the date typed in words on row 5
    assert said == ["联户日记!L3", "联户日记!L4", "联户日记!B5", "联户日记!L6"]
