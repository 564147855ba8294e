"""Session 9 flow audit: the village clerk, township clerk and county clerk walked end to end
again, each test a place where one of them was left without the next step. Books are built here
(bookfactory); CLI runs go through click's CliRunner in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from pathlib import Path

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli

D = dt.date
LOAN = "担保贷款(元)"


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _age(path: Path, days: float) -> None:
    """Make ``path`` look saved ``days`` ago (a book received last week)."""
    when = time.time() - days * 86400
    os.utime(path, (when, when))


# --- a village resends its corrected book beside the old one ------------------------------------


def _resent(folder: Path) -> tuple[Path, Path]:
    """下营村's book (a visit's loan typed 3000, a date 2010.9.31) and, three days later, the
    corrected book (5000, 2010-9-30) saved beside it under another name."""
    cards = [card(f"XY-00{n}") for n in (1, 2, 3)]
    old = write_book(folder / "下营村.xlsx", cards, [
        diary("XY-001", D(2010, 3, 6)), diary("XY-002", "2010.9.31"), diary("XY-003", D(2010, 4, 6), **{LOAN: 3000})])
    _age(old, 3)
    new = write_book(folder / "下营村（改）.xlsx", cards, [
        diary("XY-001", D(2010, 3, 6)), diary("XY-002", D(2010, 9, 30)), diary("XY-003", D(2010, 4, 6), **{LOAN: 5000})])
    return old, new


def test_a_corrected_book_beside_the_old_one_says_which_to_move_out(tmp_path):
    """Each changed visit was a conflict on both copies ("核对后只保留正确的一条"), and nothing said
    the two files were one book sent twice, which is the newer, or what to do with the folder: the
    clerk had to work out from row messages which file to drop. Now one warning, at the old file,
    names the corrected one as newer (when saved) and says to move the old one out and validate
    again; after doing so, the corrected visit counts."""
    _resent(tmp_path / "收集")
    run = invoke("validate", tmp_path / "收集", "--json")
    assert run.exit_code == 1
    told = [i for i in json.loads(run.output)["issues"] if i["code"] == "resent-book"]
    assert [(i["file"], i["severity"]) for i in told] == [("下营村.xlsx", "warning")]
    message = told[0]["message"]
    assert "“下营村（改）.xlsx”里有这一本的全部卡号，而且较新（保存于" in message
    assert "请把这一本（下营村.xlsx）从收集文件夹移到别处留底；如果这一本才是对的" in message
    assert "两本有 1 处内容不同" in message
    # the clerk does as told: the corrected loan is counted
    (tmp_path / "收集" / "下营村.xlsx").rename(tmp_path / "下营村.xlsx")
    again = invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx", "--json", "--no-cache")
    assert again.exit_code == 0, again.output
    data = json.loads(again.stdout)
    assert data["total"][LOAN] == 5000 and not [i for i in data["issues"] if i["code"] == "resent-book"]


def test_when_the_files_were_saved_together_the_later_visits_tell_the_newer(tmp_path):
    """Both files copied off one USB stick at once (the same time saved): the book whose visits
    run later is the newer; the other is the one to move out."""
    cards = [card("XY-001"), card("XY-002")]
    write_book(tmp_path / "收集" / "a.xlsx", cards, [diary("XY-001", D(2010, 3, 6), **{LOAN: 3000})])
    write_book(tmp_path / "收集" / "b.xlsx", cards, [diary("XY-001", D(2010, 3, 6), **{LOAN: 5000}),
                                                   diary("XY-002", D(2010, 6, 6))])
    for f in ("a.xlsx", "b.xlsx"):
        _age(tmp_path / "收集" / f, 1)
    told = [i for i in json.loads(invoke("validate", tmp_path / "收集", "--json").output)["issues"]
            if i["code"] == "resent-book"]
    assert [i["file"] for i in told] == ["a.xlsx"]
    assert "较新（日记记到 2010-06-06，另一本只到 2010-03-06）" in told[0]["message"]


def test_a_cadres_newer_own_book_is_not_told_to_replace_the_villages(tmp_path):
    """宋海 changed his own book after the branch merged it into the village's book: his copy is
    newer, but the village's book holds other cards too. Moving the older (village) book out would
    lose them: the advice, at his book, is to correct the village's book after it (or merge again)."""
    mine = [card("XY-001", 联系人="宋海")]
    village = write_book(tmp_path / "收集" / "下营村.xlsx", [*mine, card("XY-002"), card("XY-003")],
                         [diary("XY-001", D(2010, 3, 6), **{LOAN: 3000})])
    _age(village, 2)
    write_book(tmp_path / "收集" / "宋海.xlsx", mine, [diary("XY-001", D(2010, 3, 6), **{LOAN: 5000})])
    told = [i for i in json.loads(invoke("validate", tmp_path / "收集", "--json").output)["issues"]
            if i["code"] == "resent-book"]
    assert [i["file"] for i in told] == ["宋海.xlsx"]
    assert "这一本较新" in told[0]["message"] and "“下营村.xlsx”不能整本移走" in told[0]["message"]


def test_the_cadres_fixed_copy_beside_the_book_with_the_error_says_which_to_move_out(tmp_path):
    """The clerk saved the cadre's corrected copy (联系人类别 书记 → 乡干部) beside the book with the
    error: the old card has an error of its own, so the fixed one was `conflicting-card` with a
    copy no message linked to a resend. It is the same book sent twice: said at the old one."""
    old = write_book(tmp_path / "收集" / "下营村.xlsx", [card("A", 联系人类别="书记"), card("B")],
                     [diary("A", D(2010, 3, 6))])
    _age(old, 1)
    write_book(tmp_path / "收集" / "下营村 改好的.xlsx", [card("A"), card("B")], [diary("A", D(2010, 3, 6))])
    data = json.loads(invoke("validate", tmp_path / "收集", "--json").output)
    told = [i for i in data["issues"] if i["code"] == "resent-book"]
    assert [i["file"] for i in told] == ["下营村.xlsx"]
    assert "“下营村 改好的.xlsx”里有这一本的全部卡号，而且较新" in told[0]["message"]


def test_three_versions_of_one_book_tell_each_older_one_to_move_out(tmp_path):
    """A visit's loan corrected twice (1000, 2000, 3000), each version saved beside the last: every
    copy of the visit conflicts with two others (a group of three files, not a pair). Both older
    versions are told to move out, the newest none; once they are, 3000 counts."""
    cards = [card("XY-001"), card("XY-002")]
    for n, days in ((1, 3), (2, 2), (3, 0)):
        book = write_book(tmp_path / "收集" / f"下营村 第{n}版.xlsx", cards,
                          [diary("XY-001", D(2010, 3, 6), **{LOAN: 1000 * n}), diary("XY-002", D(2010, 3, 7))])
        _age(book, days)
    told = [i for i in json.loads(invoke("validate", tmp_path / "收集", "--json").output)["issues"]
            if i["code"] == "resent-book"]
    assert sorted(i["file"] for i in told) == ["下营村 第1版.xlsx", "下营村 第2版.xlsx"]
    for n in (1, 2):
        (tmp_path / "收集" / f"下营村 第{n}版.xlsx").rename(tmp_path / f"{n}.xlsx")
    again = json.loads(invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx", "--json").stdout)
    assert again["total"][LOAN] == 3000


def test_a_visit_the_corrected_book_dropped_still_counts_from_the_old_one_and_is_said(tmp_path):
    """王明 deleted a visit typed by mistake and sent the book again; the clerk saved it beside the
    old one. Nothing differs between the two, so no conflict: the old book's extra visit counted
    (入户访谈 3 where 王明 has 2), and the only words were “内容相同，只计一次” on the rows alike. Now
    the old book is told that the newer one lacks that row, where it is, and that it is counted."""
    cards = [card("A"), card("B")]
    old = write_book(tmp_path / "收集" / "王明.xlsx", cards,
                     [diary("A", D(2010, 3, 6)), diary("A", D(2010, 4, 6)), diary("B", D(2010, 3, 7))])
    _age(old, 2)
    write_book(tmp_path / "收集" / "王明(1).xlsx", cards, [diary("A", D(2010, 3, 6)), diary("B", D(2010, 3, 7))])
    run = invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx", "--json")
    data = json.loads(run.stdout)
    assert run.exit_code == 0 and data["total"]["入户访谈"] == 3  # the standard counts it: only said
    told = [i for i in data["issues"] if i["code"] == "resent-book-rows"]
    assert [(i["file"], i["severity"]) for i in told] == [("王明.xlsx", "warning")]
    assert "“王明(1).xlsx”较新（保存于" in told[0]["message"]
    assert "这一本有 1 条日记它没有（联户日记!第4行），照样计入了汇总" in told[0]["message"]
    assert "就把这一本放到收集文件夹外留底，再汇总" in told[0]["message"]
    merged = invoke("merge", tmp_path / "收集", "-o", tmp_path / "合并.xlsx")  # the branch secretary's
    assert "像是同一本交了两次，旧的一本里新的一本没有的行也合并了" in merged.output
    assert "王明.xlsx  这本与“王明(1).xlsx”卡号相同" in merged.output


def test_a_cadres_own_book_inside_the_villages_or_two_months_of_diaries_are_no_resend(tmp_path):
    """The usual folders stay quiet: a cadre's own book beside the village's book holding it (and
    more), and one cadre's March and April diary books (diaries only, their cards elsewhere)."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A"), card("B")],
               [diary("A", D(2010, 3, 6)), diary("B", D(2010, 3, 7))])
    _age(write_book(tmp_path / "收集" / "王明.xlsx", [card("A")], [diary("A", D(2010, 3, 6))]), 1)
    write_book(tmp_path / "收集" / "三月.xlsx", None, [diary("A", D(2010, 3, 16))])
    _age(write_book(tmp_path / "收集" / "四月.xlsx", None, [diary("A", D(2010, 4, 16))]), 1)
    data = json.loads(invoke("validate", tmp_path / "收集", "--json").output)
    assert not [i for i in data["issues"] if i["code"].startswith("resent-book")]


def test_merge_says_which_of_two_versions_to_keep_first(tmp_path):
    """The branch secretary merging a folder that holds a cadre's book and its corrected version:
    the conflict listing began with the rows; it now begins with the two files and which to move out."""
    _resent(tmp_path / "支部")
    run = invoke("merge", tmp_path / "支部", "-o", tmp_path / "合并.xlsx")
    assert run.exit_code == 1
    listed = run.output.split("内容冲突，未合并")[1].splitlines()[1]
    assert listed.startswith("  下营村.xlsx  这本登记簿与“下营村（改）.xlsx”像是同一本改过后又交了一次")


def test_two_peoples_books_sharing_one_card_number_are_no_resend(tmp_path):
    """Two cadres who each gave a card the number XY-001 (each book has cards the other lacks):
    the conflict stands as before, and nothing tells the clerk to move a book out."""
    write_book(tmp_path / "收集" / "a.xlsx", [card("XY-001", 户主="张三"), card("XY-002")], [])
    write_book(tmp_path / "收集" / "b.xlsx", [card("XY-001", 户主="李四"), card("XY-009")], [])
    data = json.loads(invoke("validate", tmp_path / "收集", "--json").output)
    assert sorted(i["code"] for i in data["issues"]) == ["conflicting-card", "conflicting-card"]


# --- outputs ----------------------------------------------------------------------------------


def test_an_output_under_a_file_says_the_file_is_in_the_way(tmp_path):
    """`-o 汇总表.xlsx/乡.xlsx` (a file given as the folder): “无法创建输出文件夹…（已经存在）” left the
    clerk looking for a folder that was there. Now: it is a file, and where to write instead."""
    write_book(tmp_path / "收集" / "a.xlsx", [card("A")], [])
    (tmp_path / "汇总表.xlsx").write_bytes(b"x")
    run = invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx" / "乡.xlsx")
    assert run.exit_code == 2
    assert f"“{tmp_path / '汇总表.xlsx'}”是一个文件，不是文件夹" in run.output
    assert f"例如 {tmp_path / '乡.xlsx'}" in run.output
    assert (tmp_path / "汇总表.xlsx").read_bytes() == b"x"


def test_annotate_under_a_file_is_refused_before_anything_is_read(tmp_path):
    """`--annotate 退回.xlsx/副本` (a file where the folder must go): `--annotate 退回.xlsx` itself was
    refused (exit 2), but a folder under it read every book, failed each copy with a notice whose
    example named a workbook (“例如 下营村.xlsx”) and exited 1. Now it is refused the same way up front."""
    write_book(tmp_path / "收集" / "a.xlsx", [card("A", 联系人类别="乡长")], [])
    (tmp_path / "退回.xlsx").write_bytes(b"x")
    run = invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回.xlsx" / "副本")
    assert run.exit_code == 2
    assert f"“{tmp_path / '退回.xlsx'}”是一个文件，不是文件夹。请给 --annotate 另选一个文件夹，例如 {tmp_path / '退回'}" in run.output
    assert "a.xlsx" not in run.output


# --- the roster ---------------------------------------------------------------------------------


def test_a_roster_line_with_a_village_and_no_team_is_said(tmp_path):
    """A 名册 where 下营村 stands on a line of its own with one 社 under it, and 江淮村 alone: read
    silently before, so every 下营村 card of another 社 became an error with nothing saying why the
    roster gave 下营村 one 社 only, and 江淮村's 社 were never checked. Now each such line is said,
    with its line number and what to write."""
    (tmp_path / "名册.csv").write_text("村,社\n下营村,\n,五社\n倪家营村,一社\n江淮村,\n", encoding="utf-8")
    write_book(tmp_path / "收集" / "a.xlsx", [card("A", 社="六社"), card("B", 村="江淮村", 社="九社")], [])
    run = invoke("validate", tmp_path / "收集", "--roster", tmp_path / "名册.csv")
    assert run.exit_code == 1
    assert ("提示：名册“名册.csv”第 2 行只写了村“下营村”，没有写社，按名册其他行，下营村只有这些社：五社；"
            "填别的社的联户卡都算不在名册上（是错误）") in run.stderr
    assert "第 5 行只写了村“江淮村”，没有写社：江淮村的联户卡填哪个社都算在名册上，不核对" in run.stderr
    assert "倪家营村" not in run.stderr
    assert invoke("validate", tmp_path / "收集", "--roster", tmp_path / "名册.csv", "-q").stderr == ""  # -q: the exit code only
    # a roster with a 社 on every line says nothing, nor one whose 村 heads its 社 below it (a layout)
    (tmp_path / "标题式.csv").write_text("村,社\n下营村,\n,六社\n,七社\n江淮村,九社\n", encoding="utf-8")
    layout = invoke("validate", tmp_path / "收集", "--roster", tmp_path / "标题式.csv")
    assert layout.exit_code == 0 and "名册" not in layout.stderr
    (tmp_path / "好.csv").write_text("村,社\n下营村,六社\n江淮村,九社\n", encoding="utf-8")
    quiet = invoke("validate", tmp_path / "收集", "--roster", tmp_path / "好.csv")
    assert quiet.exit_code == 0 and "名册" not in quiet.stderr


# --- periods ------------------------------------------------------------------------------------


def test_a_period_before_every_link_date_does_not_say_all_was_counted(tmp_path):
    """`--period 2008` for 2010's books (a year mistyped): a 汇总 of zeros headed “共 1 个文件，全部计入
    汇总。”, exit 0 — a township that did nothing, by the look of it. Every row is outside the period;
    the line says so and asks to check the period (the exit code stays 0: nothing is wrong in the books)."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A", 结对日期=D(2010, 3, 5))], [diary("A", D(2010, 3, 6))])
    run = invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx", "--period", "2008", "--no-cache")
    assert run.exit_code == 0
    said = "共 1 个文件，统计期（2008年）内没有任何联户卡和日记：读到的 2 行都在统计期外，请核对统计期是否写对。"
    assert said in run.output and "全部计入汇总" not in run.output
    top = [c for (c,) in openpyxl.load_workbook(tmp_path / "汇总表.xlsx")["汇总"].iter_rows(max_col=1, values_only=True) if c]
    assert said in top
    # the right year: all counted, as before
    right = invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "对.xlsx", "--period", "2010", "--no-cache")
    assert right.exit_code == 0 and "共 1 个文件，全部计入汇总。" in right.output


def test_the_buttons_say_the_roster_line_without_a_team_too(tmp_path):
    """The 校验 and 汇总 buttons (run without Excel here, as WPS runs them) read the roster of
    设置 the same way; their message says the line as the command line does."""
    from lianhu_xl.console import Plan
    from lianhu_xl.xl import run_action

    (tmp_path / "名册.csv").write_text("村,社\n下营村,六社\n江淮村,\n", encoding="utf-8")
    write_book(tmp_path / "收集" / "a.xlsx", [card("A")], [diary("A", D(2010, 3, 6))])
    plan = Plan("倪家营乡", tmp_path / "收集", tmp_path / "结果", tmp_path / "名册.csv", "2010")
    for action in ("validate", "consolidate"):
        outcome = run_action(action, plan, into_book=False)
        assert outcome.status == "ok", outcome.message
        assert "提示：名册“名册.csv”第 3 行只写了村“江淮村”，没有写社" in outcome.message
