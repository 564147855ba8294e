"""issues.py: an Issue's message, and JSON written as it is made."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from lianhu_xl import issues as issues_module
from lianhu_xl.issues import Issue, IssueList, Report, json_text, make_issue


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


# --- IssueList: a list in memory, then a file --------------------------------------------------

def _issues(n: int, file: str = "b.xlsx") -> list:
    return [make_issue("unknown-card" if r % 3 else "bad-date", f"{'a' if r % 2 else 'c'}{file}", sheet="联户日记",
                       cell=f"A{r}", row=r, column="卡号", value=f"B-{r:03d}") for r in range(n, 0, -1)]


def test_an_issue_list_past_its_hold_behaves_as_the_list_it_was(monkeypatch):
    """Every list operation the tool uses gives the same as a plain list, once the issues are in the file."""
    monkeypatch.setattr(issues_module, "HOLD", 5)
    monkeypatch.setattr(issues_module, "_BATCH", 3)  # issues go into the file a few at a time
    plain, kept = [], IssueList()
    for step in (lambda x: x.extend(_issues(12)), lambda x: x.append(_issues(1, "z.xlsx")[0]),
                 lambda x: x.insert(0, _issues(1, "first.xlsx")[0]), lambda x: x.insert(4, _issues(2, "mid")[0]),
                 lambda x: x.insert(-2, _issues(1, "neg")[0]), lambda x: x.__setitem__(3, _issues(1, "set")[0]),
                 lambda x: x.__delitem__(-1), lambda x: x.__delitem__(2),
                 lambda x: x.sort(key=Issue.sort_key), lambda x: x.extend(iter(_issues(3, "late"))),
                 lambda x: x.insert(99, _issues(1, "end")[0])):
        step(plain)
        step(kept)
        assert kept._items is None, "past HOLD the issues are in the file"
        assert kept == plain and list(kept) == plain and len(kept) == len(plain)
        assert kept.severities() == Counter(i.severity for i in plain)
        assert [kept[i] for i in range(-len(plain), len(plain))] == plain * 2
        assert kept[2:7] == plain[2:7] and kept[5:] == plain[5:] and kept[:0] == [] and kept[::3] == plain[::3]
        for file in {i.file for i in plain} | {"none.xlsx"}:
            assert kept.of_file(file) == [i for i in plain if i.file == file]
    with pytest.raises(IndexError):
        kept[len(plain)]


def test_sorting_in_the_file_orders_as_python_does(monkeypatch):
    """File names Python keeps undecodable bytes of (lone surrogates), sheets and rows left out, ties kept."""
    monkeypatch.setattr(issues_module, "HOLD", 2)
    monkeypatch.setattr(issues_module, "_BATCH", 4)
    odd = [make_issue("no-standard-sheet", name, detail="x") for name in ("b\udcff.xlsx", "b.xlsx", "é.xlsx", "B.xlsx")]
    mixed = [*_issues(6), *odd, make_issue("bad-date", "b.xlsx", sheet="联户日记", cell="B3", row=3, value="x"),
             make_issue("bad-date", "b.xlsx", sheet="联户卡", cell="B3", row=3, value="y")]
    plain, kept = list(mixed), IssueList(mixed)
    plain.sort(key=Issue.sort_key)
    kept.sort(key=Issue.sort_key)
    assert kept._items is None and list(kept) == plain


def test_a_report_given_a_list_keeps_it_as_an_issue_list():
    report = Report(issues=_issues(3))
    assert isinstance(report.issues, IssueList) and len(report.issues) == 3
    assert report.issues.of_file("ab.xlsx") == [i for i in report.issues if i.file == "ab.xlsx"]


def test_a_run_whose_issues_went_to_the_file_says_and_writes_the_same(tmp_path, monkeypatch):
    """Diary books sent without their cards (an issue a row): the terminal, --json, 问题清单 and the
    汇总表's 未计入 sheet are the same whether the run's issues stayed in memory or went to the file."""
    import datetime as dt

    import openpyxl
    from bookfactory import card, diary, write_book
    from click.testing import CliRunner

    from lianhu_xl.cli import cli

    monkeypatch.setenv("LIANHU_CACHE", "off")
    folder = tmp_path / "收集"
    for v in range(3):
        write_book(folder / f"村{v}.xlsx", [card(f"C{v}-001")] if v == 0 else None,
                   [diary(f"C{v}-{n % 4 + 1:03d}", dt.date(2010, 3, n % 28 + 1)) for n in range(25)])

    def run(hold: int, name: str) -> tuple[str, str, list, list]:
        monkeypatch.setattr(issues_module, "HOLD", hold)
        monkeypatch.setattr(issues_module, "_BATCH", 7)
        runner = CliRunner()
        said = runner.invoke(cli, ["validate", str(folder), "--report", str(tmp_path / f"{name}.xlsx")])
        as_json = runner.invoke(cli, ["validate", "-q", "--json", str(folder)])
        runner.invoke(cli, ["consolidate", "-q", str(folder), "-o", str(tmp_path / f"汇总{name}.xlsx")])
        listed = [list(r) for ws in openpyxl.load_workbook(tmp_path / f"{name}.xlsx").worksheets
                  for r in ws.iter_rows(values_only=True)]
        totals = openpyxl.load_workbook(tmp_path / f"汇总{name}.xlsx")
        problems = [list(r) for r in totals["未计入"].iter_rows(values_only=True)]
        assert said.exit_code == as_json.exit_code == 1
        return said.output.replace(f"{name}.xlsx", ""), as_json.output, listed, problems

    in_memory, in_file = run(10**9, "a"), run(5, "b")
    assert in_file == in_memory
    assert "在本次提交的联户卡中找不到" in in_memory[0] and in_memory[1].count("unknown-card") == 18 + 25 + 25  # 村0 has C0-001: its 7 visits are in
    assert len(in_memory[3]) > 50
