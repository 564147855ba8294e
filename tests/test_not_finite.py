"""A number too big for a float (400 typed digits, ``1e400`` in a file, a NaN) is a
``bad-number`` (or ``bad-date``) problem at its cell, never inf/nan in the totals and
never a crash while writing the 汇总表."""

from __future__ import annotations

import math

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner
from hostile import members_of, rezip
from hypothesis import given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from lianhu_xl import values as v
from lianhu_xl.cli import cli

HUGE = ["9" * 400, "-" + "9" * 400, "9" * 305 + "万", "9" * 400 + "元", "1e400",
        10 ** 400, -(10 ** 400), math.inf, -math.inf, math.nan]


def _code(parser, value) -> str:
    with pytest.raises(PydanticCustomError) as err:
        parser(value)
    return err.value.type


@pytest.mark.parametrize("value", HUGE, ids=lambda x: repr(x)[:12])
def test_numbers_past_a_float_are_bad_numbers(value):
    assert _code(v.parse_number, value) == "bad-number"
    assert _code(v.parse_whole, value) == "bad-number"
    assert _code(v.parse_date, value) == "bad-date"


@given(st.integers(min_value=310, max_value=2000), st.sampled_from(["", "元", "万", "次"]))
def test_any_long_run_of_digits_is_refused_not_inf(digits, unit):
    assert _code(v.parse_number, "8" * digits + unit) == "bad-number"


def test_an_amount_past_fifteen_digits_is_out_of_range_so_no_total_can_overflow():
    """Two amounts of 1e308 are each finite but add up to inf: an amount Excel cannot even hold
    exactly (16 digits or more) is refused at its cell instead."""
    assert v.parse_number("9" * 15) == 999_999_999_999_999
    assert v.parse_whole(10 ** 15 - 1) == 10 ** 15 - 1
    for value in ("9" * 16, "9" * 308, 1e308, -1e16, 10 ** 20):
        assert _code(v.parse_number, value) == "out-of-range"


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_a_number_read_back_is_finite_or_refused(x):
    for parser in (v.parse_number, v.parse_whole):
        try:
            got = parser(x)
        except PydanticCustomError as err:
            assert err.type in ("bad-number", "not-whole", "out-of-range")
        else:
            assert math.isfinite(got)
    try:
        v.parse_date(x)
    except PydanticCustomError as err:
        assert err.type == "bad-date"


def test_consolidate_lists_huge_numbers_at_their_cells_and_writes_the_totals(tmp_path):
    books = tmp_path / "收集"
    book = write_book(books / "下营村.xlsx", [card("XY-001"), card("XY-002", 户主="李进忠")], [
        diary("XY-001", "2010-3-6", **{"担保贷款(元)": "9" * 400}),         # 联户日记!? row 3, typed text
        diary("XY-001", "2010-3-7", **{"担保贷款(元)": 7777001}),           # row 4: <v>1e400</v> in the file
        diary("XY-001", "2010-3-8", **{"帮耕帮畜(次)": 7777002}),           # row 5: 400 digits, a whole number
        diary("XY-002", 7777003),                                            # row 6: a date serial of 400 digits
        diary("XY-002", "2010-3-9", **{"担保贷款(元)": 3000}),               # row 7: counted
    ])
    parts = members_of(book.read_bytes())
    for name, blob in parts.items():
        parts[name] = (blob.replace(b"<v>7777001</v>", b"<v>1e400</v>")
                       .replace(b"<v>7777002</v>", b"<v>" + b"9" * 400 + b"</v>")
                       .replace(b"<v>7777003</v>", b"<v>" + b"9" * 400 + b"</v>"))
    rezip(book, parts)
    out = tmp_path / "出" / "汇总表.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(books), "-o", str(out), "--period", "2010"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and "1e400" not in result.output
    sheet = openpyxl.load_workbook(book)["联户日记"]
    header = [c.value for c in sheet[2]]
    loans, helps, day = (openpyxl.utils.get_column_letter(header.index(label) + 1)
                         for label in ("担保贷款(元)", "帮耕帮畜(次)", "日期"))
    totals = openpyxl.load_workbook(out)
    left_out = {(r[2], r[4]): r[5] for r in totals["未计入"].iter_rows(min_row=4, values_only=True)}
    for cell in (f"{loans}3", f"{loans}4", f"{helps}5"):
        assert "不是数字" in left_out[("联户日记", cell)], left_out
    assert "不是有效日期" in left_out[("联户日记", f"{day}6")], left_out
    assert len(left_out) == 4  # the good row is counted
    values = [c for ws in totals.worksheets for row in ws.iter_rows(values_only=True) for c in row]
    assert 3000 in values
    assert not any(isinstance(x, float) and not math.isfinite(x) for x in values)


def test_two_amounts_that_would_add_up_to_inf_are_listed_not_a_crash(tmp_path):
    books = tmp_path / "收集"
    write_book(books / "下营村.xlsx", [card("XY-001")], [
        diary("XY-001", "2010-3-6", **{"担保贷款(元)": "9" * 308}),
        diary("XY-001", "2010-3-7", **{"担保贷款(元)": "9" * 308}),
        diary("XY-001", "2010-3-8", **{"担保贷款(元)": 3000})])
    out = tmp_path / "汇总表.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(books), "-o", str(out), "--period", "2010"])
    assert result.exit_code == 1 and "Traceback" not in result.output, result.output
    totals = openpyxl.load_workbook(out)
    reasons = [r[5] for r in totals["未计入"].iter_rows(min_row=4, values_only=True)]
    assert len(reasons) == 2 and all("超出范围" in r for r in reasons), reasons
    assert 3000 in [c for r in totals["汇总"].iter_rows(values_only=True) for c in r]  # the good row counted
