"""Session 10 flow audit: the township clerk and the county clerk walked end to end once more, and
the docs held against what the code does. Each test is a place where one of them was left with a
wrong or missing next step. Books are built here (bookfactory); CLI runs go through click's
CliRunner in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import time
from pathlib import Path

import click
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli

D = dt.date


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _age(path: Path, days: float) -> Path:
    """Make ``path`` look saved ``days`` ago (a book received last week)."""
    when = time.time() - days * 86400
    os.utime(path, (when, when))
    return path


# --- a book sent twice: the old version is the clerk's to move out, not the cadre's to fix -------


def test_the_old_version_of_a_resent_book_gets_no_marked_copy(tmp_path):
    """王明 deleted a visit typed by mistake and resent his book; both are in the folder. The old
    book's only findings are the clerk's (resent-book-rows, and the repeats it shares with the new
    one, “无需处理”), yet `--annotate` made a marked copy of it to send back: the cadre gets his
    old version, marked “没有错误，可以汇总”, and may well send it a third time. Now no copy, and a
    notice at the book says why (the terminal no longer says there was nothing to mark)."""
    cards = [card("A"), card("B")]
    _age(write_book(tmp_path / "收集" / "王明.xlsx", cards,
                    [diary("A", D(2010, 3, 6)), diary("B", D(2010, 3, 7)), diary("A", D(2010, 3, 9))]), 2)
    write_book(tmp_path / "收集" / "王明(1).xlsx", cards, [diary("A", D(2010, 3, 6)), diary("B", D(2010, 3, 7))])
    run = invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回")
    assert run.exit_code == 0
    assert not (tmp_path / "退回" / "王明.xlsx").exists()
    assert "王明.xlsx  通过（错误 0，警告 5）" in run.output
    assert ("提示  这本与“王明(1).xlsx”像是同一本交了两次（见本文件“旧的一本有几行新的一本没有”的警告），"
            "没有为它做标注副本") in run.output
    assert "没有生成标注副本：有警告的只是同一本交了两次的旧的一本，不发回" in run.output
    assert "没有需要标注的工作簿（没有错误和警告" not in run.output


def test_a_corrected_book_beside_its_old_one_the_new_one_still_gets_its_copy(tmp_path):
    """下营村's corrected book saved beside the old: the old one (told resent-book) gets no copy,
    the corrected one keeps its copy (its rows conflict with the old one's until that is moved)."""
    cards = [card("XY-1"), card("XY-2")]
    _age(write_book(tmp_path / "收集" / "下营村.xlsx", cards,
                    [diary("XY-1", D(2010, 3, 6)), diary("XY-2", D(2010, 4, 6), **{"担保贷款(元)": 3000})]), 3)
    write_book(tmp_path / "收集" / "下营村（改）.xlsx", cards,
               [diary("XY-1", D(2010, 3, 6)), diary("XY-2", D(2010, 4, 6), **{"担保贷款(元)": 5000})])
    run = invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回", "--json")
    assert run.exit_code == 1
    issues = json.loads(run.output)["issues"]
    assert [(i["file"], i["code"]) for i in issues if i["code"].startswith(("resent", "annotate"))] == [
        ("下营村.xlsx", "annotate-resent"), ("下营村.xlsx", "resent-book")]
    assert sorted(p.name for p in (tmp_path / "退回").iterdir()) == ["下营村（改）.xlsx"]



def test_a_cadres_own_book_beside_the_villages_gets_no_copy_of_repeats_to_ignore(tmp_path):
    """The standard's own case: 宋海's own book and 下营村's merged book both arrive (the demo has
    two). Every card and visit of his book is a repeat counted once, each warning saying “无需处理”;
    `--annotate` still sent him a copy, 12 yellow rows and “没有错误，可以汇总”: marks he can do
    nothing about. Now a book whose only warnings are repeats gets no copy; the village's book,
    with a date to correct, gets its copy, the repeats marked beside the error."""
    cards = [card("XY-1", 联系人="宋海"), card("XY-2", 联系人="宋海")]
    visits = [diary("XY-1", D(2010, 3, 6)), diary("XY-2", D(2010, 3, 7))]
    write_book(tmp_path / "收集" / "个人" / "宋海.xlsx", cards, visits)
    write_book(tmp_path / "收集" / "下营村.xlsx", cards + [card("XY-3")], visits + [diary("XY-3", "2010.9.31")])
    run = invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回")
    assert run.exit_code == 1
    assert "个人/宋海.xlsx  通过（错误 0，警告 4）" in run.output  # still listed for the clerk
    copies = sorted(p.relative_to(tmp_path / "退回").as_posix() for p in (tmp_path / "退回").rglob("*.xlsx"))
    assert copies == ["下营村.xlsx"]
    assert "已标注 1 个工作簿" in run.output

# --- a village re-sends its diary book (cards in another book) ----------------------------------


def _diary_books(folder: Path, newer: list, older_days: float = 2) -> None:
    write_book(folder / "下营村联户卡.xlsx", [card("A"), card("B")], None)
    _age(write_book(folder / "下营村九月日记.xlsx", None,
                    [diary("A", D(2010, 9, 6)), diary("B", D(2010, 9, 7)), diary("A", D(2010, 9, 9))]), older_days)
    write_book(folder / "下营村九月日记（改）.xlsx", None, newer)


def test_a_resent_diary_book_that_dropped_a_visit_is_told(tmp_path):
    """A village sends its cards once and a diary book each month. Its September diary book is
    resent with a visit deleted, saved beside the first: the standard counts the old book's extra
    row (3 visits where the village now says 2) and nothing told the clerk, because only books
    with cards were compared. Now resent-book-rows at the old diary book, as for books with cards."""
    _diary_books(tmp_path / "收集", [diary("A", D(2010, 9, 6)), diary("B", D(2010, 9, 7))])
    run = invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx", "--json")
    data = json.loads(run.stdout)
    assert run.exit_code == 0 and data["total"]["入户访谈"] == 3  # the standard's count: only said
    told = [i for i in data["issues"] if i["code"] == "resent-book-rows"]
    assert [(i["file"], i["severity"]) for i in told] == [("下营村九月日记.xlsx", "warning")]
    assert "“下营村九月日记（改）.xlsx”较新（保存于" in told[0]["message"]
    assert "这一本有 1 条日记它没有（联户日记!第5行），照样计入了汇总" in told[0]["message"]


def test_diary_books_that_only_add_or_belong_to_others_stay_quiet(tmp_path):
    """Guards: the corrected diary book adds a visit and drops none; a cadre's own diary book
    beside the village's (which holds it and other cards); two months' diary books."""
    _diary_books(tmp_path / "a", [diary("A", D(2010, 9, 6)), diary("B", D(2010, 9, 7)),
                                  diary("A", D(2010, 9, 9)), diary("B", D(2010, 9, 20))])
    b = tmp_path / "b"
    write_book(b / "卡.xlsx", [card("A"), card("B")], None)
    write_book(b / "下营村日记.xlsx", None, [diary("A", D(2010, 9, 6)), diary("B", D(2010, 9, 7))])
    _age(write_book(b / "王明日记.xlsx", None, [diary("A", D(2010, 9, 6))]), 1)
    write_book(b / "三月.xlsx", None, [diary("A", D(2010, 3, 16))])
    _age(write_book(b / "四月.xlsx", None, [diary("A", D(2010, 4, 16))]), 1)
    for folder in (tmp_path / "a", b):
        data = json.loads(invoke("validate", folder, "--json").output)
        assert not [i for i in data["issues"] if i["code"].startswith("resent-book")], folder


# --- the 校验 / 汇总 buttons under WPS: the message box VBA shows -------------------------------


def test_under_wps_the_message_box_keeps_the_roster_notes_and_the_file(tmp_path):
    """Under WPS the VBA reads `lianhu xl run`'s result file and shows it with MsgBox, whose prompt
    is cut after about 1,024 characters. The roster's notes (a line with a 村 and no 社: why every
    other 社 is an error) came after five long errors and were cut, with the path of the file
    opened next: the notes were nowhere else the clerk could see. Now the notes come first and
    fewer errors are listed when the box would overflow; the file opened lists them all."""
    from lianhu_xl.console import Plan
    from lianhu_xl.xl import run_action, write_result_file

    (tmp_path / "名册.csv").write_text("村,社\n下营村,\n,五社\n倪家营村,一社\n倪家营村,二社\n江淮村,\n",
                                      encoding="utf-8")
    folder = tmp_path / "二〇一〇年九月各村交来的登记簿"
    for n in range(3):  # three versions of one village's cards, each 户主 different: long conflicts
        write_book(folder / f"下营村联户带创登记簿（第{n}本，村党支部书记王明整理）.xlsx",
                   [card(f"XY-2010-00{k}", 村="下营村", 社="五社", 户主=f"张{n}") for k in range(4)], [])
    plan = Plan("倪家营乡", folder, tmp_path / "汇总结果", tmp_path / "名册.csv", "")
    for action, opened in (("validate", "问题清单.xlsx"), ("consolidate", "汇总表.xlsx")):
        outcome = run_action(action, plan, into_book=False)
        write_result_file(tmp_path / "result.txt", outcome)
        lines = (tmp_path / "result.txt").read_text(encoding="utf-8").splitlines()
        shown = "\r\n".join(lines[2:])[:1023]  # LianhuShowResult: the lines after two, CR LF; MsgBox's cut
        assert "名册“名册.csv”第 2 行只写了村“下营村”，没有写社" in shown, action
        assert "第 6 行只写了村“江淮村”，没有写社" in shown, action
        assert str(tmp_path / "汇总结果" / opened) in shown, action
        assert "前几处错误：\n· 下营村联户带创登记簿（第0本" in outcome.message  # still one error at least
        assert "…… 共 12 处错误" in outcome.message


# --- the README against the code -------------------------------------------------------------------


def _readme_options() -> dict[str, set[str]]:
    """The README's table of every command's options: command (``xl run``; "" for lianhu itself)
    -> the options it names."""
    text = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    table = text.split("每条命令的全部选项")[1].split("\n\n")[1]
    found = {}
    for line in table.splitlines()[2:]:
        command, options = line.strip("|").split("|")
        words = [w for w in command.strip().strip("`").split() if w.isascii() and not w.startswith("[")]
        found[" ".join(w for w in words if w != "lianhu")] = {
            name for span in re.findall(r"`([^`]+)`", options) for name in span.split("/")}
    return found


def _commands(group: click.Group, prefix: str = ""):
    yield prefix.strip(), group
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            yield from _commands(command, f"{prefix}{name} ")
        elif name != "xl":
            yield f"{prefix}{name}", command


def test_the_readme_names_every_option_of_every_command_and_no_other():
    """`--help` and the README must agree both ways: the docs named only options that exist
    (checked since session 6), but nothing said which the README left out: consolidate --json,
    --no-cache, --debug, --version and xl console --python were nowhere in it."""
    listed = _readme_options()
    for name, command in _commands(cli):
        if isinstance(command, click.Group) and name:  # `xl` itself: its commands have the options
            continue
        options = [p for p in command.params if isinstance(p, click.Option)]
        named = listed.get(name, set())
        known = {o for p in options for o in p.opts + p.secondary_opts} | {"-h", "--help"}
        assert named <= known, (name, named - known)
        for option in options:
            assert set(option.opts) & named, (name, option.opts)
    assert set(listed) == {name for name, command in _commands(cli)
                           if not (isinstance(command, click.Group) and name)}
