"""Session 8 flow audit: the village clerk, branch secretary, township and county walked end to
end again, each test a place where one of them tripped. Books are built here (bookfactory); CLI
runs go through click's CliRunner in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.annotate import RESULT_SHEET
from lianhu_xl.cli import cli

D = dt.date


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- the county checks the townships' 汇总表 before rolling them up ----------------------------


def _township(tmp_path: Path, name: str, village: str, *, bad: bool = False, period: str = "2010",
              folder: str = "县", cards: int = 1) -> Path:
    """``name``'s 汇总表 of one village (a row left out when ``bad``), into ``folder``."""
    diaries = [diary("XY-001", D(2010, 3, 6))] + ([diary("XY-001", "2010.9.31")] if bad else [])
    write_book(tmp_path / name / f"{village}.xlsx",
               [card(f"XY-00{n + 1}", 村=village) for n in range(cards)], diaries)
    out = tmp_path / folder / f"{name}汇总表.xlsx"
    run = invoke("consolidate", tmp_path / name, "-o", out, "--period", period, "--title", name)
    assert run.exit_code == (1 if bad else 0), run.output
    return out


def test_validating_the_townships_totals_says_what_the_roll_up_would(tmp_path):
    """A county clerk runs `lianhu validate 各乡汇总/` before rolling up: it said only 汇总表 for each
    file and exit 0, while `consolidate` would leave 沙河乡 out (two different sheets for it), add
    倪家营乡 without its rows left out, and refuse a quarter among years."""
    _township(tmp_path, "倪家营乡", "下营村", bad=True)
    _township(tmp_path, "沙河乡", "沙河村")
    other = _township(tmp_path, "沙河乡", "沙河村", folder="乙", cards=2)  # made again, another figure
    (tmp_path / "县" / "沙河乡汇总表(新).xlsx").write_bytes(other.read_bytes())
    _township(tmp_path, "蓼泉乡", "蓼泉村", period="2010Q3")
    run = invoke("validate", tmp_path / "县", "--json")
    assert run.exit_code == 1, run.output
    data = json.loads(run.output)
    codes = sorted((i["file"], i["code"]) for i in data["issues"])
    assert codes == [("倪家营乡汇总表.xlsx", "totals-incomplete"),
                     ("沙河乡汇总表(新).xlsx", "totals-conflict"), ("沙河乡汇总表.xlsx", "totals-conflict"),
                     ("蓼泉乡汇总表.xlsx", "totals-period-mismatch")]
    files = {f["file"]: f for f in data["files"]}
    assert files["沙河乡汇总表.xlsx"]["errors"] == 1 and files["倪家营乡汇总表.xlsx"]["warnings"] == 1
    assert all(f["status"] == "汇总表" for f in files.values())
    assert files["倪家营乡汇总表.xlsx"]["why"].startswith("汇总时计为“倪家营乡”")
    assert files["沙河乡汇总表.xlsx"]["why"].startswith("汇总时不计入")
    text = invoke("validate", tmp_path / "县")
    assert text.exit_code == 1
    assert "单位“沙河乡”在 沙河乡汇总表(新).xlsx 也有一份汇总表，但数字不同" in text.output
    assert "注意：" in text.output  # 倪家营乡's own red line, quoted
    # asked for annotated copies, it does not say there was nothing to mark
    marked = invoke("validate", tmp_path / "县", "--annotate", tmp_path / "退回")
    assert "没有错误和警告" not in marked.output and "汇总表不做标注副本" in marked.output
    # the report the clerk saves holds them too
    report = tmp_path / "问题清单.xlsx"
    assert invoke("validate", tmp_path / "县", "--report", report).exit_code == 1
    cells = [c for row in openpyxl.load_workbook(report).worksheets[0].iter_rows(values_only=True) for c in row]
    assert "totals-conflict" in cells or any(isinstance(c, str) and "数字不同" in c for c in cells)


def test_validating_clean_townships_totals_still_passes_quietly(tmp_path):
    _township(tmp_path, "倪家营乡", "下营村")
    _township(tmp_path, "沙河乡", "沙河村")
    run = invoke("validate", tmp_path / "县", "--json")
    assert run.exit_code == 0, run.output
    data = json.loads(run.output)
    assert data["issues"] == [] and data["stats"]["errors"] == 0


def test_the_validate_button_on_a_folder_of_totals_says_the_conflict(tmp_path):
    """The console's 校验 button goes through the same library calls (xl.run_action)."""
    from lianhu_xl.xl import Plan, run_action

    _township(tmp_path, "沙河乡", "沙河村")
    other = _township(tmp_path, "沙河乡", "沙河村", folder="乙", cards=2)
    (tmp_path / "县" / "沙河乡汇总表(新).xlsx").write_bytes(other.read_bytes())
    (tmp_path / "结果").mkdir()
    outcome = run_action("validate", Plan(township="", folder=tmp_path / "县", output=tmp_path / "结果",
                                          roster=None, period_text=""))
    assert outcome.status == "problems", outcome.message
    assert "数字不同" in outcome.message


# --- the annotated copy sent back: what the cadre unhid stays shown -------------------------------


def _hidden_rows_book(path: Path, rows: tuple[int, ...]) -> Path:
    """下营村 with a bad 家庭人口 on XY-002 (row 4, J4); ``rows`` hidden by the cadre."""
    write_book(path, [card("XY-001"), card("XY-002", 家庭人口="五六口"), card("XY-003")], None)
    wb = openpyxl.load_workbook(path)
    for r in rows:
        wb["联户卡"].row_dimensions[r].hidden = True
    wb.save(path)
    return path


def test_re_annotating_a_copy_keeps_shown_the_rows_the_cadre_unhid(tmp_path):
    """The cadre had rows 4 and 5 hidden; the copy showed row 4 (its red cell). In the copy he
    unhid the rest (取消隐藏: row 5 too), fixed J4 and sent it back with another slip. The next
    copy hid row 4 again — the row he had just fixed vanished from a sheet he had unhidden."""
    _hidden_rows_book(tmp_path / "收集" / "下营村.xlsx", rows=(4, 5))
    assert invoke("validate", tmp_path / "收集", "-q", "--annotate", tmp_path / "退回").exit_code == 1
    copy = tmp_path / "退回" / "下营村.xlsx"
    wb = openpyxl.load_workbook(copy)
    ws = wb["联户卡"]
    assert not ws.row_dimensions[4].hidden and ws.row_dimensions[5].hidden
    ws.row_dimensions[5].hidden = False  # the cadre: select all, 取消隐藏
    ws["J4"] = 5
    ws["C3"] = "外星人"
    wb.save(copy)
    assert invoke("validate", copy, "-q", "--annotate", tmp_path / "再退回").exit_code == 1
    again = openpyxl.load_workbook(tmp_path / "再退回" / "下营村.xlsx")["联户卡"]
    assert not again.row_dimensions[4].hidden, "the cadre unhid the sheet: his fixed row stays shown"
    assert not again.row_dimensions[5].hidden


def test_re_annotating_a_copy_the_cadre_left_as_it_was_hides_the_fixed_row_again(tmp_path):
    """The other side (docs/annotate.md): row 5 still hidden as the copy left it, row 4 fixed:
    row 4 goes back out of sight, as the cadre had it."""
    _hidden_rows_book(tmp_path / "收集" / "下营村.xlsx", rows=(4, 5))
    invoke("validate", tmp_path / "收集", "-q", "--annotate", tmp_path / "退回")
    copy = tmp_path / "退回" / "下营村.xlsx"
    wb = openpyxl.load_workbook(copy)
    wb["联户卡"]["J4"] = 5
    wb["联户卡"]["C3"] = "外星人"
    wb.save(copy)
    invoke("validate", copy, "-q", "--annotate", tmp_path / "再退回")
    again = openpyxl.load_workbook(tmp_path / "再退回" / "下营村.xlsx")
    assert again["联户卡"].row_dimensions[4].hidden and again["联户卡"].row_dimensions[5].hidden
    assert RESULT_SHEET in again.sheetnames


# --- the county's first page: townships left out are townships, not rows ---------------------------


def test_a_county_leaving_townships_out_says_so_in_townships_not_rows(tmp_path):
    """Rolling up: 沙河乡 twice with different figures (both left out) and 倪家营乡 with its own rows
    left out. The red line said “共 3 个文件，2 行因有错误未计入，2 个文件未汇总 … 汇总数字不含这些
    行”: each township's 合计 counted as a “row”, said twice over, and not a word that 倪家营乡's
    own figures lack rows (that was said only when everything was counted)."""
    _township(tmp_path, "倪家营乡", "下营村", bad=True)
    _township(tmp_path, "沙河乡", "沙河村")
    other = _township(tmp_path, "沙河乡", "沙河村", folder="乙", cards=2)
    (tmp_path / "县" / "沙河乡汇总表(新).xlsx").write_bytes(other.read_bytes())
    out = tmp_path / "临泽县汇总表.xlsx"
    run = invoke("consolidate", tmp_path / "县", "-o", out, "--title", "临泽县")
    assert run.exit_code == 1, run.output
    line = next(x for x in run.output.splitlines() if x.startswith("注意："))
    assert line == ("注意：共 3 个文件，2 份汇总表未计入，另有 1 份汇总表注明有行未计入（见“来源”和“未计入”表）。"
                    "汇总数字不含这些汇总表和那些行。")
    assert "行因有错误未计入" not in line
    assert "未计入的每份汇总表及原因" in run.output
    first_page = [c.value for c in openpyxl.load_workbook(out)["汇总"]["A"][:4]]
    assert line in first_page


def test_a_township_consolidation_still_counts_its_rows(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")],
               [diary("XY-001", D(2010, 3, 6)), diary("XY-001", "2010.9.31")])
    run = invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert "注意：共 1 个文件，1 行因有错误未计入（见“来源”和“未计入”表）。汇总数字不含这些行。" in run.output


# --- periods as official forms write them -----------------------------------------------------------


def test_a_year_written_as_on_official_forms_is_the_year(tmp_path):
    """`--period 2010年度` (how every 汇总表 and report heading writes a year) was refused with exit 2."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")], [diary("XY-001", D(2010, 3, 6))])
    runs = {text: invoke("consolidate", tmp_path / "收集", "-o", tmp_path / f"{i}.xlsx", "--period", text, "--json")
            for i, text in enumerate(("2010", "2010年度", "2010全年"))}
    for text, run in runs.items():
        assert run.exit_code == 0, (text, run.output)
        data = json.loads(run.output)
        assert data["period"] == "2010年" and data["total"]["应访谈月数"] == 12, text


# --- the tool's own 问题清单 left among the books -----------------------------------------------------


def test_a_problem_list_left_in_the_collection_folder_is_not_read_as_a_submission(tmp_path):
    """`validate 收集 --report 收集/问题清单.xlsx`, then the next runs without --report: the report was
    read as a book with no register sheet — an error, exit 1, “1 个文件未汇总” on the 汇总's red line,
    and `--annotate` made an annotated copy of our own report."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001")], [diary("XY-001", D(2010, 3, 6))])
    assert invoke("validate", folder, "--report", folder / "问题清单.xlsx", "-q").exit_code == 0
    again = invoke("validate", folder, "--json", "--annotate", tmp_path / "退回")
    assert again.exit_code == 0, again.output
    told = [(i["file"], i["code"], i["severity"]) for i in json.loads(again.output)["issues"]]
    assert told == [("问题清单.xlsx", "report-skipped", "notice")]
    assert not (tmp_path / "退回" / "问题清单.xlsx").exists()
    run = invoke("consolidate", folder, "-o", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0, run.output
    assert "共 2 个文件，全部计入汇总" in run.output


def test_a_workbook_named_like_a_problem_list_that_is_a_register_is_still_read(tmp_path):
    """A cadre's book saved as 问题清单（已改）.xlsx is his register: read and counted."""
    folder = tmp_path / "收集"
    write_book(folder / "问题清单（已改）.xlsx", [card("XY-001")], [diary("XY-001", D(2010, 3, 6))])
    run = invoke("consolidate", folder, "-o", tmp_path / "汇总表.xlsx", "--period", "2010", "--json")
    assert run.exit_code == 0, run.output
    assert json.loads(run.output)["total"]["入户访谈"] == 1


def test_validating_a_village_folder_with_a_township_totals_among_the_books_says_consolidate_would_refuse(tmp_path):
    """Last year's 汇总表 left in 收集: `validate` passed (exit 0, the file “汇总表”), then
    `consolidate` refused the folder (exit 2, mixed-inputs). The check before says it."""
    _township(tmp_path, "倪家营乡", "下营村", folder="收集")
    write_book(tmp_path / "收集" / "汪家墩村.xlsx", [card("W-001", 村="汪家墩村")], [diary("W-001", D(2010, 3, 6))])
    run = invoke("validate", tmp_path / "收集", "--json")
    assert run.exit_code == 1, run.output
    told = [(i["file"], i["code"]) for i in json.loads(run.output)["issues"] if i["severity"] == "error"]
    assert told == [("倪家营乡汇总表.xlsx", "mixed-inputs")]
    assert invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx").exit_code == 2


def test_merging_a_folder_with_a_totals_workbook_in_it_says_it_was_not_merged(tmp_path):
    """The branch secretary merges 下营村/ where the township's 汇总表 also lies: “读取 2 个文件”, then
    “全部合并，可以提交”, exit 0 — the 汇总表 passed over without a word."""
    _township(tmp_path, "倪家营乡", "下营村", folder="支部")
    write_book(tmp_path / "支部" / "王明.xlsx", [card("XY-009")], [diary("XY-009", D(2010, 3, 6))])
    run = invoke("merge", tmp_path / "支部", "-o", tmp_path / "合并.xlsx")
    assert run.exit_code == 1, run.output
    assert "这些是汇总表，不是登记簿，没有合并" in run.output and "倪家营乡汇总表.xlsx" in run.output
    assert "全部合并" not in run.output
    merged = openpyxl.load_workbook(tmp_path / "合并.xlsx")["联户卡"]
    assert "XY-009" in [c.value for c in merged["A"]]


def test_a_folder_holding_only_the_tools_own_files_is_the_wrong_folder(tmp_path):
    """The clerk gives the output folder (汇总结果: last run's 问题清单 and the 汇总台) for the
    collection folder: a 汇总表 of zeros was written, “全部计入汇总”, exit 0."""
    from lianhu_xl.console import build_console

    books = tmp_path / "收集"
    write_book(books / "下营村.xlsx", [card("XY-001")], [diary("XY-001", D(2010, 3, 6))])
    outputs = tmp_path / "汇总结果"
    assert invoke("validate", books, "--report", outputs / "问题清单.xlsx", "-q").exit_code == 0
    build_console(outputs)
    run = invoke("consolidate", outputs, "-o", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 2, run.output
    assert "没有找到任何 .xlsx 工作簿，没有写出汇总表" in run.output and "问题清单" in run.output
    assert not (tmp_path / "汇总表.xlsx").exists()
    assert invoke("validate", outputs).exit_code == 2


def test_the_buttons_skip_a_problem_list_the_command_line_left_among_the_books(tmp_path):
    """The console's 校验/汇总 read a 问题清单 from `lianhu validate 收集 --report 收集/问题清单.xlsx` as a
    book (error, 未汇总); a folder holding nothing else is said to have no register."""
    from lianhu_xl.errors import LianhuError
    from lianhu_xl.xl import Plan, run_action

    books = tmp_path / "收集"
    write_book(books / "下营村.xlsx", [card("XY-001")], [diary("XY-001", D(2010, 3, 6))])
    assert invoke("validate", books, "--report", books / "问题清单.xlsx", "-q").exit_code == 0
    (tmp_path / "结果").mkdir()
    plan = Plan(township="倪家营乡", folder=books, output=tmp_path / "结果", roster=None, period_text="2010")
    for action in ("validate", "consolidate"):
        outcome = run_action(action, plan)
        assert outcome.status == "ok", (action, outcome.message)
    made = (tmp_path / "结果" / "汇总表.xlsx").read_bytes()
    (books / "下营村.xlsx").unlink()
    try:
        run_action("consolidate", plan)
    except LianhuError as exc:
        assert "没有 .xlsx/.xlsm 登记簿" in str(exc)
    else:
        raise AssertionError("a folder of only our report consolidated")
    assert (tmp_path / "结果" / "汇总表.xlsx").read_bytes() == made  # last run's 汇总表 not replaced by zeros
