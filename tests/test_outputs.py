"""What an output may replace (outputs.py): never a book someone filled in, nor a file being read."""

from __future__ import annotations

import pytest
from bookfactory import card, diary, write_book

from lianhu_xl.errors import LianhuError
from lianhu_xl.outputs import (
    annotate_outside,
    keep_filled_book,
    keep_register,
    without_earlier_output,
)
from lianhu_xl.standard import WORKBOOK_NAME
from lianhu_xl.template import build_template


def test_a_filled_register_is_never_written_over(tmp_path):
    book = write_book(tmp_path / "下营村.xlsx", [card("XY-001")], [diary("XY-001")])
    before = book.read_bytes()
    with pytest.raises(LianhuError, match="联户卡 1 行、联户日记 1 行"):
        keep_register(book, "汇总表")
    keep_register(tmp_path / "新的.xlsx", "汇总表")  # nothing there: fine
    assert book.read_bytes() == before


def test_a_template_replaces_only_an_empty_template(tmp_path):
    build_template(tmp_path)
    keep_filled_book(tmp_path)  # the empty template it wrote last time: replaced
    write_book(tmp_path / WORKBOOK_NAME, [card("XY-001")], [])
    with pytest.raises(LianhuError, match="已填写的登记簿"):
        keep_filled_book(tmp_path)


def test_an_output_among_the_inputs_is_dropped_if_earlier_and_refused_if_a_submission(tmp_path):
    book = write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")], [])
    other = write_book(tmp_path / "收集" / "汇总表.xlsx", [card("XY-002")], [])
    files = [(book, "下营村.xlsx"), (other, "汇总表.xlsx")]
    kept = without_earlier_output(files, other, (tmp_path / "收集",), "汇总表", lambda seen: True)
    assert kept == [(book, "下营村.xlsx")]
    with pytest.raises(LianhuError, match="就是要读取的文件"):
        without_earlier_output(files, other, (tmp_path / "收集",), "汇总表", lambda seen: False)


def test_annotated_copies_may_not_land_inside_the_folder_being_checked(tmp_path):
    (tmp_path / "收集").mkdir()
    with pytest.raises(LianhuError, match="下次校验会把副本"):
        annotate_outside(tmp_path / "收集" / "退回", (tmp_path / "收集",))
    annotate_outside(tmp_path / "退回", (tmp_path / "收集",))


def test_a_file_no_check_can_read_is_replaced_by_an_output_but_never_by_the_template(tmp_path):
    """Garbage at the output's name: an earlier, damaged 汇总表 is replaced as outputs are; the
    template never replaces anything but an empty template, so it stops."""
    junk = tmp_path / WORKBOOK_NAME
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    keep_register(junk, "汇总表")
    with pytest.raises(LianhuError, match="是一个不是空白模板的文件，生成模板会覆盖它"):
        keep_filled_book(tmp_path)
    assert junk.read_bytes() == b"PK\x03\x04 not really a workbook"
