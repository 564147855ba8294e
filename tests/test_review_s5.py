"""Review of session 5's changes: what a township clerk would notice."""

from __future__ import annotations

import hashlib
import multiprocessing

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.annotate import RESULT_SHEET
from lianhu_xl.cli import cli


def validate(*args: str):
    return CliRunner().invoke(cli, ["validate", *args])


def result_lines(ws) -> list[str]:
    return [str(v) for (v,) in ws.iter_rows(min_col=1, max_col=1, values_only=True) if v]


def column_hidden(ws, col: int) -> bool:
    return any(d.hidden for d in ws.column_dimensions.values() if (d.min or 0) <= col <= (d.max or 0))


def test_a_row_wide_tint_does_not_unhide_the_columns_the_cadre_hid(tmp_path):
    """The cadre hid 身份证号 and 联系电话 (K:L). A repeated card is a warning at its 卡号 (A) with
    the row tinted across: the copy shows column A's mark, and K and L stay hidden, unsaid."""
    folder = tmp_path / "收集"
    sources = []
    for name in ("一社.xlsx", "二社.xlsx"):  # 二社's visit lacks its 解决办法: a warning to act on, so a copy
        path = write_book(folder / name, [card("XY-001")],
                          [diary("XY-001", 发现问题="缺水", 办理结果="正在办理")] if name == "二社.xlsx" else None)
        wb = openpyxl.load_workbook(path)
        wb["联户卡"].column_dimensions.group("K", "L", hidden=True)
        wb.save(path)
        sources.append((path, hashlib.sha256(path.read_bytes()).hexdigest()))
    assert validate(str(folder), "-q", "--annotate", str(tmp_path / "退回")).exit_code == 0
    wb = openpyxl.load_workbook(tmp_path / "退回" / "二社.xlsx")
    ws = wb["联户卡"]
    assert ws["A3"].comment is not None and "一社.xlsx" in ws["A3"].comment.text
    assert (ws["K2"].value, ws["L2"].value) == ("身份证号", "联系电话")
    assert column_hidden(ws, 11) and column_hidden(ws, 12), "no mark of its own there: left as the cadre had it"
    assert not [line for line in result_lines(wb[RESULT_SHEET]) if "取消隐藏" in line]
    for path, digest in sources:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest


def test_a_lone_1_in_a_column_nobody_titled_is_not_taken_for_a_numbering(tmp_path):
    """A cadre typed 1 on one row, in a column right of the table without a label: nothing of it
    is read, so the warning must say so (only 1, 2, 3 … is a 序号 nobody titled)."""
    import json

    from bookfactory import CARD_LABELS

    labels = [*CARD_LABELS, None]
    cards = [card("XY-001"), {**card("XY-002"), None: 1}, card("XY-003")]
    write_book(tmp_path / "收集" / "下营村.xlsx", cards, None, card_labels=labels)
    data = json.loads(validate(str(tmp_path / "收集"), "--json").output)
    letter = chr(ord("A") + len(CARD_LABELS))
    assert [i["cell"] for i in data["issues"] if i["code"] == "unlabelled-column"] == [f"{letter}4"]


def test_the_blank_copy_among_two_reviewers_who_disagree_is_told_what_they_disagree_on(tmp_path):
    """The cadre's copy (review blank) says nothing against either reviewed copy: its message names
    the two reviewed copies and what each says, not its own blank cell as the difference."""
    import datetime as dt
    import json

    from bookfactory import diary

    day = dt.date(2010, 3, 6)
    folder = tmp_path / "收集"
    write_book(folder / "一社宋海.xlsx", [card("A")], [diary("A", day)])
    write_book(folder / "下营村.xlsx", [card("A")], [diary("A", day, 调阅人="村支部")])
    write_book(folder / "乡党委.xlsx", [card("A")], [diary("A", day, 调阅人="乡党委")])
    data = json.loads(validate(str(folder), "--json").output)
    told = {i["file"]: i["message"] for i in data["issues"] if i["code"] == "conflicting-diary"}
    assert len(told) == 3
    cadre = told["一社宋海.xlsx"]
    assert "这里空着" not in cadre
    assert "下营村.xlsx 联户日记!第3行 是“村支部”" in cadre and "乡党委.xlsx 联户日记!第3行 是“乡党委”" in cadre
    assert "这里是“村支部”" in told["下营村.xlsx"] and "乡党委.xlsx 联户日记!第3行 是“乡党委”" in told["下营村.xlsx"]


def test_the_card_list_says_converted_only_where_the_summary_counts_it(tmp_path):
    """是否转化 typed on a 致富明星户 is a warning and is not a 转化户 in the 汇总: the 联户清单
    leaves it blank there, so that its 是 add up to the 汇总's 转化户数."""
    import json

    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("A", 是否转化="是"),
                                        card("B", 联系户类型="思想保守户", 联系人类别="村干部", 是否转化="是"),
                                        card("C", 联系户类型="思想保守户", 联系人类别="村干部", 是否转化="否")], [])
    out = tmp_path / "汇总表.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "-j", "1", "--no-cache",
                                      "--period", "2010", "--json"])
    data = json.loads(result.stdout)
    assert [i["code"] for i in data["issues"]] == ["conversion-not-applicable"]
    rows = list(openpyxl.load_workbook(out, data_only=True)["联户清单"].iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r[0] == "村")
    listed = {r[2]: dict(zip(rows[at], r, strict=True)) for r in rows[at + 1:] if r[0]}
    assert {no: x["是否转化"] or "" for no, x in listed.items()} == {"A": "", "B": "是", "C": "否"}
    assert sum(x["是否转化"] == "是" for x in listed.values()) == data["total"]["转化户数"] == 1


@pytest.mark.skipif(multiprocessing.get_start_method() != "fork",
                    reason="the death is staged by monkeypatching, which only fork carries into the workers")
def test_a_worker_killed_while_writing_a_book_into_the_shared_part_costs_nothing(tmp_path, monkeypatch):
    """The workers share one part (store.PART). One dies half-way through 2.xlsx's rows, holding
    the write lock: the other still writes, the book is read again, every row counts once."""
    import os

    from bookfactory import diary

    from lianhu_xl import batch
    from lianhu_xl.validate import validate

    for i in range(6):
        write_book(tmp_path / "收" / f"{i}.xlsx", [card(f"XY-{i}01")],
                   [diary(f"XY-{i}01"), diary(f"XY-{i}01", "2010-4-2")])
    flag = tmp_path / "died-once"

    class DiesMidBook(batch.RowStore):
        def add_sheet(self, file, *args):
            sid = super().add_sheet(file, *args)
            if file == "2.xlsx" and self.path and not flag.exists():
                flag.touch()
                os._exit(9)  # inside BEGIN IMMEDIATE: the lock held, the 联户卡 stored, the diary not
            return sid

    monkeypatch.setattr(batch, "RowStore", DiesMidBook)
    run = validate([tmp_path / "收"], jobs=2)
    assert flag.exists()
    assert run.report.issues == []
    assert run.store.query("SELECT count(*) FROM card").fetchone()[0] == 6
    assert run.store.query("SELECT count(*) FROM diary").fetchone()[0] == 12
    assert [f.counted for f in run.report.files] == [3] * 6


def test_a_card_linked_after_the_period_is_not_said_uncounted_when_its_visits_count(tmp_path):
    """C (linked 11-1) was visited 9-1, in Q3: 未计入 says its household is not counted this period
    and that its diary row in the period is; G (linked 12-1, visited in December only) is simply
    not counted."""
    import datetime as dt
    import json

    from bookfactory import diary

    day = dt.date
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx",
               [card("A"), card("C", 结对日期=day(2010, 11, 1)), card("G", 结对日期=day(2010, 12, 1))],
               [diary("A", day(2010, 8, 1)), diary("C", day(2010, 9, 1)), diary("G", day(2010, 12, 5))])
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(tmp_path / "汇总表.xlsx"), "-j", "1",
                                      "--no-cache", "--period", "2010Q3", "--json"])
    data = json.loads(result.stdout)
    assert data["total"]["入户访谈"] == 2
    why = {e["row"]: e["reason"] for e in data["excluded"] if e["sheet"] == "联户卡"}
    assert why[4] == "结对日期 2010-11-01 晚于统计期末 2010-09-30，本期不计户数；统计期内的 1 条日记照计（见联户清单）"
    assert why[5] == "结对日期 2010-12-01 晚于统计期末 2010-09-30，本期不计"
