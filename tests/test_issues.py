"""issues.py: an Issue's message, and JSON written as it is made."""

from __future__ import annotations

import json

import pytest

from lianhu_xl.issues import Report, json_text, make_issue


def test_the_message_names_the_place_then_says_what_to_type():
    issue = make_issue("bad-date", "下营村.xlsx", sheet="联户日记", cell="B17", row=17, column="日期",
                       value="九月六日")
    assert issue.message.startswith("联户日记!B17：“日期”填的是“九月六日”")
    assert "2010-9-6" in issue.message  # the hint: what to type instead
    whole_file = make_issue("no-standard-sheet", "a.xlsx", detail="Sheet1")
    assert whole_file.message == whole_file.body and "Sheet1" in whole_file.message


def test_issues_that_say_the_same_share_one_text():
    """A dozen diary rows of one card that no book has: one message text held, not a dozen."""
    rows = [make_issue("unknown-card", "a.xlsx", sheet="联户日记", cell=f"A{r}", row=r, column="卡号",
                       value="B-001") for r in range(3, 15)]
    assert len({id(i.body) for i in rows}) == 1 and len({id(i.value) for i in rows}) == 1
    assert [i.message.split("：")[0] for i in rows] == [f"联户日记!A{r}" for r in range(3, 15)]


def test_a_control_character_in_a_sheet_name_is_never_printed():
    issue = make_issue("bad-date", "a.xlsx", sheet="联户\x07日记", cell="B3", row=3, column="日期", value="x")
    assert "\x07" not in issue.message and issue.message.startswith("联户�日记!B3：")


@pytest.mark.parametrize("head, lists", [
    ({"valid": True, "stats": {"files": 1}, "files": [{"file": "中.xlsx"}]}, {"issues": []}),
    ({"title": "倪家营乡", "units": [[1, 2]]}, {"excluded": [{"row": 3}], "issues": [{"message": "“卡号”\n"}]}),
    ({"a": None}, {"issues": [{"n": n} for n in range(3)]}),  # given as an iterator below, as the CLI does
])
def test_json_text_is_the_json_of_the_whole(head, lists):
    given = {k: list(v) for k, v in lists.items()}
    text = "".join(json_text(head, **{k: iter(v) for k, v in given.items()}))
    assert json.loads(text) == {**head, **given}
    assert list(json.loads(text)) == [*head, *given], "the lists come last, in their order"


def test_a_reports_json_is_its_dict():
    report = Report(issues=[make_issue("unknown-card", "a.xlsx", sheet="联户日记", cell=f"A{r}", row=r,
                                       column="卡号", value="B-001") for r in (3, 4)])
    text = "".join(json_text(report.to_dict(issues=False), issues=(i.to_dict() for i in report.issues)))
    assert json.loads(text) == report.to_dict()
    assert json.loads(text)["issues"][1]["message"].startswith("联户日记!A4：")
