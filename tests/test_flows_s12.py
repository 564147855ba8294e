"""Session 12: what a clerk reads after a run, where it misled."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


def test_the_tools_own_problem_list_among_the_books_is_skipped_not_a_file_left_out(tmp_path):
    """A 问题清单 kept in the collection folder was listed as “未汇总 问题清单.xlsx” under a run
    with a row left out, in red on the 来源 sheet: a clerk read it as a village book not counted.
    It is 已跳过 now, never in “N 个文件未汇总”, and the 来源 sheet shows it as a file done with."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001")],
               [diary("XY-001", dt.date(2010, 3, 6)), diary("XY-001", "三月六号")])  # one row with an error
    invoke("validate", folder, "--report", folder / "问题清单.xlsx", "-q")
    out = tmp_path / "汇总表.xlsx"
    run = invoke("consolidate", folder, "-o", out, "--period", "2010")
    assert run.exit_code == 1, run.output
    assert "1 行因有错误未计入" in run.output
    assert "未汇总" not in run.output
    assert "已跳过  问题清单.xlsx" in run.output
    sheet = openpyxl.load_workbook(out, read_only=True)["来源"]
    statuses = {row[0]: row[7] for row in sheet.iter_rows(min_row=4, values_only=True) if row[0]}
    assert statuses == {"下营村.xlsx": "部分汇总", "问题清单.xlsx": "已跳过"}
    data = json.loads(invoke("consolidate", folder, "-o", tmp_path / "2.xlsx", "--period", "2010", "--json").output)
    assert {f["file"]: f["status"] for f in data["files"]} == {"下营村.xlsx": "部分汇总", "问题清单.xlsx": "已跳过"}


def test_a_problem_list_among_township_totals_is_skipped_in_the_county_rollup(tmp_path):
    """The county's folder of township 汇总表 with a 问题清单 beside them: the roll-up counted every
    township and still said “1 份汇总表未计入”? It says the list was skipped, and nothing is missing."""
    books = tmp_path / "乡"
    write_book(books / "下营村.xlsx", [card("XY-001")], [diary("XY-001", dt.date(2010, 3, 6))])
    county = tmp_path / "县"
    county.mkdir()
    assert invoke("consolidate", books, "-o", county / "甲乡汇总表.xlsx", "--period", "2010",
                  "--title", "甲乡").exit_code == 0
    invoke("validate", books, "--report", county / "问题清单.xlsx", "-q")
    run = invoke("consolidate", county, "-o", tmp_path / "县汇总表.xlsx", "--period", "2010", "--json")
    data = json.loads(run.output)
    assert {f["file"]: f["status"] for f in data["files"]} == {"甲乡汇总表.xlsx": "已汇总", "问题清单.xlsx": "已跳过"}
    assert run.exit_code == 0, run.output


def test_a_link_date_in_the_future_is_an_error_at_its_cell(tmp_path):
    """结对日期 2100-03-05 (2010 typed with its digits swapped) was taken without a word: with no
    period the card expected no month at all, and with --period 2100 it would expect every month
    from 2100. It is future-date at the card's 结对日期 cell, as a visit dated in the future is;
    the card is left out and listed, the other card counted."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001", 结对日期=dt.date(2100, 3, 5)), card("XY-002")],
               [diary("XY-002", dt.date(2010, 3, 6))])
    run = invoke("validate", folder, "--json")
    assert run.exit_code == 1, run.output
    told = [(i["code"], i["sheet"], i["cell"], i["severity"]) for i in json.loads(run.output)["issues"]]
    assert ("future-date", "联户卡", "N3", "error") in told
    message = next(i["message"] for i in json.loads(run.output)["issues"] if i["code"] == "future-date")
    assert "结对日期" in message and "2100-03-05" in message and "晚于今天" in message
    data = json.loads(invoke("consolidate", folder, "-o", tmp_path / "汇总表.xlsx", "--json").output)
    assert data["total"]["致富明星户"] == 1  # XY-002 only


def test_a_loan_of_a_few_yuan_is_asked_about_as_typed_in_wan(tmp_path):
    """担保贷款(元) 3 (a clerk typing 万元 as the village ledger keeps it) was summed as 3 yuan
    without a word: the township's loans short by 29,997. It is asked about at its cell
    (small-loan: 是 3 万元吧？按元填 30000), still counted as typed; 3000 and 0 say nothing."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001")],
               [diary("XY-001", dt.date(2010, 3, 6), **{"担保贷款(元)": 3}), diary("XY-001", dt.date(2010, 4, 6), **{"担保贷款(元)": 3000}),
                diary("XY-001", dt.date(2010, 5, 6), **{"担保贷款(元)": 0}), diary("XY-001", dt.date(2010, 6, 6), **{"担保贷款(元)": 0.5})])
    run = invoke("validate", folder, "--json")
    assert run.exit_code == 0, run.output
    told = [i for i in json.loads(run.output)["issues"] if i["code"] == "small-loan"]
    assert [(i["sheet"], i["cell"], i["severity"]) for i in told] == [("联户日记", "M3", "warning"),
                                                                      ("联户日记", "M6", "warning")]
    assert "是 3 万元吧" in told[0]["message"] and "30000" in told[0]["message"]
    assert "5000" in told[1]["message"]
    data = json.loads(invoke("consolidate", folder, "-o", tmp_path / "汇总表.xlsx", "--json").output)
    assert data["total"]["担保贷款(元)"] == 3003.5
