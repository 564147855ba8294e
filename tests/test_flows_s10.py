"""Session 10 flow audit: the township clerk and the county clerk walked end to end once more, and
the docs held against what the code does. Each test is a place where one of them was left with a
wrong or missing next step. Books are built here (bookfactory); CLI runs go through click's
CliRunner in tmp_path."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
from collections import Counter
from pathlib import Path

import click
import openpyxl
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
    assert "没有生成标注副本：要改的只在同一本交了两次的旧的一本上，它不发回" in run.output
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


def test_the_cadres_corrected_copy_saved_beside_the_book_says_to_move_the_old_one_out(tmp_path):
    """The flow the marked copies are for: 下营村's book had 2010.9.31, the cadre corrected the date
    in his marked copy and sent it back, and the clerk saved it beside the book. A date that does
    not exist makes a row no copy can be matched to, so nothing linked the two files: the old
    book's error stood (exit 1), `--annotate` sent the old book back to be fixed a second time,
    and nothing said the correction was already in. Now `resent-book-fixed` at the old book names
    the corrected one and says to move the old one out; then all is clean."""
    _age(write_book(tmp_path / "收集" / "下营村.xlsx", [card("A"), card("B")],
                    [diary("A", D(2010, 3, 6)), diary("B", "2010.9.31")]), 3)
    invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回")
    wb = openpyxl.load_workbook(tmp_path / "退回" / "下营村.xlsx")
    wb["联户日记"]["B4"].value = "2010-9-30"
    wb.save(tmp_path / "收集" / "下营村（已改）.xlsx")
    run = invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回2", "--json")
    told = [i for i in json.loads(run.output)["issues"] if i["code"] == "resent-book-fixed"]
    assert [(i["file"], i["severity"]) for i in told] == [("下营村.xlsx", "warning")]
    assert "“下营村（已改）.xlsx”较新（保存于" in told[0]["message"]
    assert "这一本有错误的 1 处（联户日记!第4行）在那本里已改正" in told[0]["message"]
    assert "就把这一本移出收集文件夹留底，再校验、汇总" in told[0]["message"]
    assert not (tmp_path / "退回2").exists()  # the old book is not sent back to be fixed again
    merged = invoke("merge", tmp_path / "收集", "-o", tmp_path / "合并.xlsx")
    assert "有错误，未合并（改正源登记簿后再合并）：\n  下营村.xlsx  这本与“下营村（已改）.xlsx”卡号相同" in merged.output
    (tmp_path / "收集" / "下营村.xlsx").rename(tmp_path / "下营村（旧）.xlsx")
    assert invoke("validate", tmp_path / "收集").exit_code == 0


def test_the_old_book_of_a_correction_is_to_be_moved_out_not_sent_back(tmp_path):
    """问题清单 and the terminal told the old book of a resent-book-fixed pair 需改正, listing its
    cadre first among those to call about errors the corrected copy had fixed already."""
    _age(write_book(tmp_path / "收集" / "下营村.xlsx", [card("A", 联系人="王明"), card("B", 联系人="王明")],
                    [diary("A", D(2010, 3, 6), 联系人="王明"), diary("B", "2010.9.31", 联系人="王明")]), 3)
    write_book(tmp_path / "收集" / "下营村（已改）.xlsx", [card("A", 联系人="王明"), card("B", 联系人="王明")],
               [diary("A", D(2010, 3, 6), 联系人="王明"), diary("B", "2010-9-30", 联系人="王明")])
    run = invoke("validate", tmp_path / "收集", "--report", tmp_path / "问题清单.xlsx")
    assert "下营村.xlsx  应移走（错误 1，警告 1）" in run.output
    wb = openpyxl.load_workbook(tmp_path / "问题清单.xlsx")
    grid = [r for r in wb["按文件"].iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(grid) if r[0] == "文件")
    files = {r[0]: r for r in grid[at + 1:] if r[0]}
    assert files["下营村.xlsx"][1] == "应移走" and "已在较新的一本里改正" in files["下营村.xlsx"][9]
    assert grid[1][0].startswith("需要退回改正的文件 0 个")
    people = [r for r in wb["按联系人"].iter_rows(values_only=True)][1:]
    assert [(r[2], r[7]) for r in people] == [("下营村.xlsx", "应移走"), ("下营村（已改）.xlsx", "请核对警告")]


def test_two_copies_with_the_same_error_or_a_new_one_say_nothing_of_a_correction(tmp_path):
    """Guards: the same book twice with its error in both (nothing corrected), and a resend whose
    only change is a new error (the old one has none; its visit, lacking in the new one, is
    resent-book-rows as before): no resent-book-fixed."""
    for folder, old_date, new_date in (("a", "2010.9.31", "2010.9.31"), ("b", D(2010, 9, 30), "2010.9.31")):
        _age(write_book(tmp_path / folder / "下营村.xlsx", [card("A"), card("B")],
                        [diary("A", D(2010, 3, 6)), diary("B", old_date)]), 3)
        write_book(tmp_path / folder / "下营村（改）.xlsx", [card("A"), card("B")],
                   [diary("A", D(2010, 3, 6)), diary("B", new_date)])
        data = json.loads(invoke("validate", tmp_path / folder, "--json").output)
        assert not [i for i in data["issues"] if i["code"] == "resent-book-fixed"], folder

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


# --- the whole month, walked: two townships, a county, a village re-sending ----------------------


LOAN, DEEDS, PLOUGH = "担保贷款(元)", "办实事(件)", "帮耕帮畜(次)"
FIGURES = ("致富明星户", "思想保守户", "经济落后户", "入户访谈", "提供服务", "解决主要问题", "办实事", "担保贷款(元)",
           "帮耕帮畜", "转化户数", "思想保守户数", "应访谈月数", "实访谈月数", "应记日记月数", "实记日记月数",
           "主要问题已解决户数")


def _township_books(folder: Path) -> None:
    """倪家营乡: 下营村 (three cards, the three 联 of 三联, five visits typed the ways cadres type,
    one date that does not exist) and 江淮村 (one card; a visit under a card number mistyped)."""
    write_book(folder / "下营村.xlsx", [
        card("XY-1", 联系人="王明", 联系人类别="乡干部", 联系户类型="致富明星户", 结对日期=D(2010, 1, 5)),
        card("XY-2", 联系人="李强", 联系人类别="村干部", 联系户类型="思想保守户", 结对日期="2010-3-10", 是否转化="是"),
        card("XY-3", 联系人="张三", 联系人类别="党员", 联系户类型="经济落后户", 结对日期="2010年11月20日",
             **{"基期人均纯收入(元)": "2500元"}),
    ], [
        diary("XY-1", D(2010, 1, 6), 服务类别="政策宣传", **{LOAN: "3000元"}),
        diary("XY-1", "2010.2.8"),
        diary("XY-2", "2010年3月15日", 形式="电话联系", 发现问题="缺水", 是否主要问题="是", 解决办法="打井",
              办理结果="当场解决"),
        diary("XY-2", "2010.9.31"),  # 联户日记!B6: September has 30 days
        diary("XY-3", "20101201", **{DEEDS: 2, PLOUGH: "3次"}),
    ])
    write_book(folder / "江淮村.xlsx", [
        card("JH-1", 联系人="赵六", 联系人类别="党员", 村="江淮村", 社="一社", 联系户类型="经济落后户",
             结对日期=D(2010, 6, 1), **{"基期人均纯收入(元)": 3000}),
    ], [diary("JH-1", D(2010, 6, 2)), diary("JH-9", D(2010, 6, 3))])  # 联户日记!A4: JH-9 is no card


def _figures(run) -> dict[str, dict[str, object]]:
    data = json.loads(run.stdout)
    rows = {u["单位"]: u for u in data["units"]} | {"合计": data["total"]}
    return {unit: {k: row[k] for k in FIGURES} for unit, row in rows.items()}


def _balanced(run) -> None:
    """Every row read is counted, a repeat counted once, or listed (未计入 / 统计期外 / 合计行)."""
    data = json.loads(run.stdout)
    for f in data["files"]:
        r = f["rows"]
        assert r["read"] == r["counted"] + r["duplicate"] + r["excluded"] + r["out_of_period"] + r["totals_rows"], f
        assert r["read"] == f["card_rows"] + f["diary_rows"] + r["totals_rows"], f
    listed = Counter((e["file"], e["category"]) for e in data["excluded"])
    for f in data["files"]:
        assert listed[(f["file"], "未计入")] == f["rows"]["excluded"], f
        assert listed[(f["file"], "重复")] == f["rows"]["duplicate"], f


def _digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_month_of_a_township_and_a_county_end_to_end(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANHU_CACHE", "on")  # the clerk's re-runs use the cache (a private one here)
    monkeypatch.setenv("LIANHU_CACHE_DIR", str(tmp_path / "cache"))
    collected = tmp_path / "倪家营乡" / "收集"
    _township_books(collected)
    sent = _digests(collected)

    # 1. validate, send back marked copies: exit 1, each mistake at its cell with what to type
    run = invoke("validate", collected, "--report", tmp_path / "问题清单.xlsx", "--annotate", tmp_path / "退回")
    assert run.exit_code == 1
    assert "联户日记!B6：“日期”填的是“2010.9.31”，不是有效日期。日期写成 2010-9-6 或 2010年9月6日。" in run.output
    assert "联户日记!A4：卡号“JH-9”在本次提交的联户卡中找不到" in run.output
    assert "已标注 2 个工作簿" in run.output
    assert _digests(collected) == sent  # sources never touched

    # 2. each cadre fixes his marked copy; the clerk saves it over the book sent before
    for name, cell, value in (("下营村.xlsx", "B6", "2010-9-30"), ("江淮村.xlsx", "A4", "JH-1")):
        wb = openpyxl.load_workbook(tmp_path / "退回" / name)
        assert wb.sheetnames[0] == "校验结果"
        assert wb["联户日记"][cell].comment is not None and "【校验】" in wb["联户日记"][cell].comment.text
        wb["联户日记"][cell].value = value
        wb.save(collected / name)
    again = invoke("validate", collected)
    assert again.exit_code == 0, again.output
    assert "共 2 个文件（2 个通过）。错误 0 处，警告 0 处，提示 2 处。" in again.output  # annotated-copy, each

    # 3. consolidate the year: the figures are the hand count, every row accounted for
    out = tmp_path / "倪家营乡汇总表.xlsx"
    run = invoke("consolidate", collected, "-o", out, "--period", "2010", "--title", "倪家营乡", "--json")
    assert run.exit_code == 0, run.output
    _balanced(run)
    figures = _figures(run)
    assert figures["下营村"] == {  # by hand: months expected XY-1 1–12, XY-2 3–12, XY-3 11–12
        "致富明星户": 1, "思想保守户": 1, "经济落后户": 1, "入户访谈": 4, "提供服务": 1, "解决主要问题": 1, "办实事": 2,
        "担保贷款(元)": 3000, "帮耕帮畜": 3, "转化户数": 1, "思想保守户数": 1, "应访谈月数": 24, "实访谈月数": 4,
        "应记日记月数": 24, "实记日记月数": 5, "主要问题已解决户数": 1}
    assert figures["江淮村"] == {  # JH-1 June–December; two visits in June: one month met
        "致富明星户": 0, "思想保守户": 0, "经济落后户": 1, "入户访谈": 2, "提供服务": 0, "解决主要问题": 0, "办实事": 0,
        "担保贷款(元)": 0, "帮耕帮畜": 0, "转化户数": 0, "思想保守户数": 0, "应访谈月数": 7, "实访谈月数": 1,
        "应记日记月数": 7, "实记日记月数": 1, "主要问题已解决户数": 0}
    assert figures["合计"] == {k: figures["下营村"][k] + figures["江淮村"][k] for k in FIGURES}

    # 4. another township, then the county rolls both 汇总表 up: sums, rates from the sums
    other = tmp_path / "沙河镇" / "收集"
    write_book(other / "沙河村.xlsx", [card("SH-1", 村="沙河村", 社="一社", 结对日期=D(2010, 5, 1))],
               [diary("SH-1", D(2010, 5, 9)), diary("SH-1", D(2010, 7, 9), 服务类别="实用技术、市场信息")])
    county = tmp_path / "临泽县"
    county.mkdir()
    (county / "倪家营乡汇总表.xlsx").write_bytes(out.read_bytes())
    assert invoke("consolidate", other, "-o", county / "沙河镇汇总表.xlsx", "--period", "2010",
                  "--title", "沙河镇", "-q").exit_code == 0
    run = invoke("consolidate", county, "-o", tmp_path / "县汇总表.xlsx", "--period", "2010", "--title", "临泽县",
                 "--json")
    assert run.exit_code == 0, run.output
    rolled = _figures(run)
    assert sorted(rolled) == ["倪家营乡", "合计", "沙河镇"]
    assert rolled["倪家营乡"] == figures["合计"]
    assert rolled["沙河镇"] == {**dict.fromkeys(FIGURES, 0), "致富明星户": 1, "入户访谈": 2, "提供服务": 1,
                               "应访谈月数": 8, "实访谈月数": 2, "应记日记月数": 8, "实记日记月数": 2}
    assert rolled["合计"] == {k: rolled["倪家营乡"][k] + rolled["沙河镇"][k] for k in FIGURES}
    total = json.loads(run.stdout)["total"]
    assert total["访谈达标率"] == 7 / 39 and total["转化率"] == 1.0  # recomputed, not averaged

    # 5. mid-month 下营村 re-sends its book, a loan corrected (3000 -> 5000), saved beside the old
    _age(collected / "下营村.xlsx", 3)
    wb = openpyxl.load_workbook(collected / "下营村.xlsx")
    column = [c.value for c in wb["联户日记"][2]].index(LOAN) + 1
    wb["联户日记"].cell(3, column).value = "5000"  # XY-1's visit of 2010-01-06
    wb.save(collected / "下营村（改）.xlsx")
    before = out.read_bytes()
    run = invoke("consolidate", collected, "-o", out, "--period", "2010", "--title", "倪家营乡", "--json")
    assert run.exit_code == 1  # the changed visit is a conflict: both copies out until one book goes
    _balanced(run)
    told = [i for i in json.loads(run.stdout)["issues"] if i["code"] == "resent-book"]
    assert [i["file"] for i in told] == ["下营村.xlsx"] and "较新（保存于" in told[0]["message"]
    assert out.read_bytes() != before  # written whole, its first sheet says what was left out
    assert _figures(run)["下营村"]["担保贷款(元)"] == 0 and _figures(run)["下营村"]["入户访谈"] == 3
    (tmp_path / "留底").mkdir()
    (collected / "下营村.xlsx").rename(tmp_path / "留底" / "下营村.xlsx")  # as the warning says
    cached = invoke("consolidate", collected, "-o", out, "--period", "2010", "--title", "倪家营乡", "--json")
    fresh = invoke("consolidate", collected, "-o", tmp_path / "核对.xlsx", "--period", "2010", "--title", "倪家营乡",
                   "--json", "--no-cache")
    assert cached.exit_code == fresh.exit_code == 0
    assert _figures(cached) == _figures(fresh)
    assert _figures(cached)["下营村"] == {**figures["下营村"], "担保贷款(元)": 5000}

    # -q: nothing said, the exit code only; a failed run leaves the last 汇总表 as it was
    quiet = invoke("consolidate", collected, "-o", out, "--period", "2010", "-q")
    assert quiet.exit_code == 0 and quiet.output == ""
    kept = out.read_bytes()
    (collected / "沙河镇汇总表.xlsx").write_bytes((county / "沙河镇汇总表.xlsx").read_bytes())  # mixed in
    mixed = invoke("consolidate", collected, "-o", out, "--period", "2010")
    assert mixed.exit_code == 2 and "没有写出汇总表" in mixed.output
    assert out.read_bytes() == kept


def test_under_wps_a_roster_of_villages_without_teams_is_said_in_a_line_that_fits(tmp_path):
    """A 名册 listing only villages (each on a line of its own, no 社): a note a line, 20 of them,
    is more than the box shows; under WPS they are said as a count, the result file's place kept."""
    from lianhu_xl.console import Plan
    from lianhu_xl.xl import run_action

    villages = [f"第{n}村" for n in range(1, 21)]
    (tmp_path / "名册.csv").write_text("村,社\n" + "".join(f"{v},\n" for v in villages), encoding="utf-8")
    write_book(tmp_path / "收集" / "a.xlsx", [card("A", 村="第1村")], [diary("A", D(2010, 3, 6))])
    plan = Plan("倪家营乡", tmp_path / "收集", tmp_path / "结果", tmp_path / "名册.csv", "")
    message = run_action("validate", plan, into_book=False).message
    assert len(message) + message.count("\n") <= 1000
    assert "名册里还有" in message and "行只写了村、没有写社" in message
    assert str(tmp_path / "结果" / "问题清单.xlsx") in message
    in_excel = run_action("validate", plan, into_book=True).message  # the Excel path: every note
    assert all(f"只写了村“{v}”" in in_excel for v in villages)


def test_a_townships_two_differing_totals_say_which_was_saved_last(tmp_path):
    """A township re-sends its corrected 汇总表 beside the old one: both stay out (totals-conflict),
    and the county clerk is told which of the two was saved last (nothing said it)."""
    for name, rows in (("旧", [diary("XY-001", D(2010, 3, 6))]),
                       ("新", [diary("XY-001", D(2010, 3, 6)), diary("XY-002", D(2010, 3, 8))])):
        write_book(tmp_path / name / "下营村.xlsx", [card("XY-001"), card("XY-002")], rows)
        out = tmp_path / "县" / f"倪家营乡汇总表（{name}）.xlsx"
        assert invoke("consolidate", tmp_path / name, "-o", out, "--period", "2010",
                      "--title", "倪家营乡").exit_code == 0
    _age(tmp_path / "县" / "倪家营乡汇总表（旧）.xlsx", 2)
    run = invoke("consolidate", tmp_path / "县", "-o", tmp_path / "县汇总表.xlsx", "--json")
    told = {i["file"]: i["message"] for i in json.loads(run.output)["issues"] if i["code"] == "totals-conflict"}
    assert run.exit_code == 1 and set(told) == {"倪家营乡汇总表（旧）.xlsx", "倪家营乡汇总表（新）.xlsx"}
    assert all("两份都不计入；“倪家营乡汇总表（新）.xlsx”保存得最晚（" in m for m in told.values()), told
