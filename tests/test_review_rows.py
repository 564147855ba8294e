"""A branch secretary's review written on a line of its own under the visits he read."""

from __future__ import annotations

import datetime as dt

from bookfactory import DIARY_LABELS, card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli
from lianhu_xl.consolidate import consolidate
from lianhu_xl.period import parse_period
from lianhu_xl.reader import col_letter
from lianhu_xl.validate import validate

D = dt.date
REVIEW = {"调阅人": "张书记", "调阅日期": D(2010, 9, 30), "调阅意见": "已阅，抓紧落实"}


def _book(tmp_path, review: dict):
    visits = [diary("XY-001", D(2010, 9, d), 服务类别="政策宣传") for d in (6, 13, 20)]
    return write_book(tmp_path / "下营村.xlsx", [card("XY-001")], [*visits, review, diary("XY-001", D(2010, 10, 8))])


def test_a_review_line_is_said_and_leaves_the_visits_and_the_totals_as_they_are(tmp_path):
    """Under September's visits the secretary writes 张书记 · 2010-9-30 · 已阅，抓紧落实 on a line of
    its own. It is no visit: before, it was a diary row with three errors (卡号, 日期, 形式 missing),
    exit 1 and the book sent back. Now a warning at the line says where a review goes; the four
    visits count, the exit code is 0."""
    path = _book(tmp_path, {"联系人": "王明", **REVIEW})
    v = validate([path])
    assert [i.code for i in v.report.issues if i.severity == "error"] == []
    (said,) = [i for i in v.report.issues if i.code == "review-row"]
    assert (said.sheet, said.row, said.severity) == ("联户日记", 6, "warning")
    assert said.cell == f"{col_letter(DIARY_LABELS.index('调阅人'))}6"  # the line's first review cell
    assert "调阅人、调阅日期、调阅意见" in said.message
    assert "同一行" in said.message  # what to do: the review goes on the visit's own line
    assert len(v.diaries) == 4
    c = consolidate([path], period=parse_period("2010"), today=D(2011, 3, 1))
    assert (c.total.interviews, c.total.services) == (4, 3)
    result = CliRunner().invoke(cli, ["validate", str(path), "--no-cache"])
    assert result.exit_code == 0 and "只填了调阅" in result.output


def test_a_line_with_a_date_or_a_form_is_still_a_visit_told_what_it_lacks(tmp_path):
    """A line with the review and a 形式 is a visit without its 卡号 and 日期: errors, as before."""
    path = _book(tmp_path, {"形式": "入户访谈", **REVIEW})
    v = validate([path])
    assert not [i for i in v.report.issues if i.code == "review-row"]
    assert {i.column for i in v.report.issues if i.severity == "error" and i.row == 6} >= {"卡号", "日期"}


def test_the_secretary_s_name_alone_is_an_empty_line_of_the_form(tmp_path):
    """Only 调阅人 filled down ahead: an empty line (placeholder-rows), not a review."""
    path = _book(tmp_path, {"调阅人": "张书记"})
    codes = [i.code for i in validate([path]).report.issues]
    assert "placeholder-rows" in codes and "review-row" not in codes
