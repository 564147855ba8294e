"""Session 7 flow audit: the tool walked end to end as the township clerk, the village branch
secretary and the county statistician use it, each test a place where one of them tripped.
Every book is built here (bookfactory); CLI runs go through click's CliRunner in tmp_path."""

from __future__ import annotations

import datetime as dt
import json
import shlex
from pathlib import Path

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli
from lianhu_xl.console import SETTINGS_SHEET, build_console

D = dt.date


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, [str(a) for a in args])


# --- lianhu demo: the commands it suggests ---------------------------------------------------


def test_the_commands_the_demo_suggests_work_when_pasted_in_a_folder_with_a_space(tmp_path, monkeypatch):
    """“自己试一试” printed `lianhu validate 演示 乡/收集 --roster 演示 乡/名册.csv`: pasted, the shell
    reads 演示 and 乡/收集 as two paths. Each suggested command must run as printed."""
    monkeypatch.chdir(tmp_path)
    shown = invoke("demo", "演示 乡", "-j", "1")
    assert shown.exit_code == 0, shown.output
    suggested = [line.strip() for line in shown.output.split("自己试一试：")[1].splitlines() if line.strip()]
    assert [shlex.split(s)[1] for s in suggested] == ["validate", "consolidate", "merge"]
    for line in suggested:
        args = shlex.split(line)[1:]
        if args[0] == "merge":
            args += ["-q"]
        run = invoke(*args)
        assert "找不到文件" not in run.output, (line, run.output)
        assert run.exit_code in (0, 1), (line, run.output)


# --- one household by its 身份证号 ------------------------------------------------------------


def test_two_cards_sharing_an_id_number_say_so_at_the_id_cell(tmp_path):
    """The cadre copied 李进忠's 身份证号 into 赵大山's card: the warning said only “这一户（下营村六社
    赵大山）在 第3行 也有联户卡” at the 户主 cell, and row 3 is 李进忠 — he cannot see why."""
    rid = "620702198001011231"
    write_book(tmp_path / "收集" / "王建国.xlsx",
               [card("XY-001", 户主="李进忠", 身份证号=rid), card("XY-002", 户主="赵大山", 身份证号=rid)], None)
    run = invoke("validate", tmp_path / "收集", "--json")
    told = [i for i in json.loads(run.output)["issues"] if i["code"] == "duplicate-household"]
    assert [i["cell"] for i in told] == ["K3", "K4"]  # the 身份证号 cells, where the slip is
    for i in told:
        assert "身份证号" in i["message"] and rid not in i["message"]
    assert "李进忠" in told[1]["message"]  # 赵大山's row names whose number it carries


def test_the_same_household_by_name_is_still_told_at_the_head(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001", 户主="李进忠")], None)
    write_book(tmp_path / "b.xlsx", [card("XY-007", 户主="李进忠", 联系人="张三")], None)
    run = invoke("validate", tmp_path, "--json")
    told = [i for i in json.loads(run.output)["issues"] if i["code"] == "duplicate-household"]
    assert [i["cell"] for i in told] == ["H3", "H3"]
    assert all("身份证号" not in i["message"] for i in told)


# --- a folder that is not there --------------------------------------------------------------


def test_consolidating_a_folder_that_does_not_exist_writes_no_totals_of_zeros(tmp_path):
    """A mistyped folder wrote 汇总表.xlsx with every figure 0 and said 汇总表已保存 (exit 1)."""
    out = tmp_path / "汇总表.xlsx"
    run = invoke("consolidate", tmp_path / "收集文件夹", "-o", out, "--period", "2010")
    assert run.exit_code == 2
    assert not out.exists()
    assert "收集文件夹" in run.output and "找不到" in run.output and "没有写出汇总表" in run.output


def test_validating_only_missing_paths_is_a_usage_error(tmp_path):
    run = invoke("validate", tmp_path / "收集文件夹")
    assert run.exit_code == 2
    assert "收集文件夹" in run.output and "找不到" in run.output and "没有校验" in run.output
    # one missing beside one found is still a problem of this run, as before
    write_book(tmp_path / "a.xlsx", [card()], None)
    run = invoke("validate", tmp_path / "a.xlsx", tmp_path / "没有.xlsx")
    assert run.exit_code == 1 and "没有.xlsx" in run.output


# --- a period that has not begun -------------------------------------------------------------


def test_a_period_that_has_not_begun_is_refused_with_what_to_type(tmp_path):
    """--period 2099 (a slip for 2009): every figure but the households was 0 and the title said
    “应访谈月数计到” a month before the period's start."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card()], [diary()])
    out = tmp_path / "汇总表.xlsx"
    run = invoke("consolidate", tmp_path / "收集", "-o", out, "--period", "2099")
    assert run.exit_code == 2 and not out.exists()
    assert "2099" in run.output and "还没有开始" in run.output and "--period" in run.output
    assert f"--period {dt.date.today().year}" in run.output


def test_the_consolidate_button_refuses_a_period_that_has_not_begun(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [card()], [diary()])
    console = build_console(tmp_path)
    wb = openpyxl.load_workbook(console, keep_vba=True)
    ws = wb[SETTINGS_SHEET]
    labels = [c.value for c in ws["A"]]
    ws.cell(labels.index("统计期") + 1, 2, "2099Q1")
    wb.save(console)
    run = invoke("xl", "run", "consolidate", "--book", console)
    assert run.exit_code == 2
    assert "设置!B7" in run.output and "还没有开始" in run.output


# --- the county roll-up: what the townships' totals say ----------------------------------------


def _township(tmp_path: Path, name: str, bad: bool, village: str = "下营村") -> Path:
    diaries = [diary("XY-001", D(2010, 3, 6))] + ([diary("XY-001", "2010.9.31")] if bad else [])
    write_book(tmp_path / name / f"{village}.xlsx", [card("XY-001", 村=village)], diaries)
    out = tmp_path / "县" / f"{name}汇总表.xlsx"
    run = invoke("consolidate", tmp_path / name, "-o", out, "--period", "2010", "--title", name)
    assert run.exit_code == (1 if bad else 0), run.output
    return out


def test_the_county_is_told_a_townships_totals_left_rows_out(tmp_path):
    """倪家营乡's 汇总表 left a row out (its own first page says so): rolling up said only
    “共 2 个文件，全部计入汇总”, and 来源 gave it 警告数 0; the warning was in --json alone."""
    _township(tmp_path, "倪家营乡", bad=True)
    _township(tmp_path, "沙河乡", bad=False, village="沙河村")
    out = tmp_path / "临泽县汇总表.xlsx"
    run = invoke("consolidate", tmp_path / "县", "-o", out, "--title", "临泽县")
    assert run.exit_code == 0, run.output  # the county counted everything it was given
    assert "警告" in run.output and "倪家营乡汇总表.xlsx" in run.output and "未计入" in run.output
    wb = openpyxl.load_workbook(out)
    rows = [[c.value for c in r] for r in wb["来源"].iter_rows()]
    head = next(r for r in rows if r[0] == "文件")
    by_file = {r[0]: dict(zip(head, r, strict=False)) for r in rows[rows.index(head) + 1:] if r[0]}
    assert by_file["倪家营乡汇总表.xlsx"]["警告数"] == 1
    assert "未计入" in by_file["倪家营乡汇总表.xlsx"]["说明"]
    assert by_file["沙河乡汇总表.xlsx"]["警告数"] == 0
    summary = [c.value for c in wb["汇总"]["A"][:4]]
    assert any(v and "警告" in v for v in summary)


def test_a_totals_conflict_counts_as_an_error_of_its_files(tmp_path):
    """Two different 汇总表 for one township: neither counts (error) — 来源 said 错误数 0 for both."""
    a = _township(tmp_path, "倪家营乡", bad=False)
    other = tmp_path / "另" / "倪家营乡汇总表.xlsx"
    write_book(tmp_path / "乙" / "下营村.xlsx", [card("XY-001"), card("XY-002")], [diary("XY-001", D(2010, 3, 6))])
    assert invoke("consolidate", tmp_path / "乙", "-o", other, "--period", "2010", "--title", "倪家营乡").exit_code == 0
    (tmp_path / "县" / "倪家营乡汇总表(二).xlsx").write_bytes(other.read_bytes())
    assert a.exists()
    run = invoke("consolidate", tmp_path / "县", "-o", tmp_path / "县汇总表.xlsx", "--json")
    files = {f["file"]: f for f in json.loads(run.output)["files"]}
    assert run.exit_code == 1
    assert all(f["errors"] == 1 and f["status"] == "未汇总" for f in files.values()), json.dumps(files, ensure_ascii=False)


# --- the buttons under WPS: the command-line path ------------------------------------------------


def _console_with_books(tmp_path: Path) -> Path:
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")],
               [diary("XY-001", D(2010, 3, 6)), diary("XY-001", "2010.9.31")])
    return build_console(tmp_path)


def test_under_wps_the_message_box_points_to_the_file_it_opens_not_the_console(tmp_path):
    """Under WPS the button saves the console, runs `lianhu xl run` and opens the result file;
    nothing is written back into the console (docs/excel-buttons.md §4). The message box said
    “逐条见本工作簿的“问题清单”表” and “汇总表已写入本工作簿的“汇总”表” — the clerk looks there
    and finds last month's tables, or none."""
    console = _console_with_books(tmp_path)
    for action, opened in (("consolidate", "汇总表.xlsx"), ("validate", "问题清单.xlsx")):
        result = tmp_path / f"{action}.txt"
        run = invoke("xl", "run", action, "--book", console, "--result-file", result)
        assert run.exit_code == 1, run.output
        status, path, *message = result.read_text(encoding="utf-8").splitlines()
        assert status == "problems" and path.endswith(opened)
        text = "\n".join(message)
        assert "本工作簿" not in text, text
        assert opened in text
    # the consolidate message sends the clerk to the sheet that lists the rows left out
    assert "“未计入”" in (tmp_path / "consolidate.txt").read_text(encoding="utf-8")


def test_in_excel_the_buttons_still_say_the_console_holds_the_tables(fake, tmp_path):
    import fake_xlwings

    from lianhu_xl import xl
    from lianhu_xl.console import INTERNAL_SHEET

    console = _console_with_books(tmp_path)
    book = fake_xlwings.Book.from_xlsx(console)
    book.sheets[INTERNAL_SHEET]["B1"].value = "'consolidate-1"
    book.set_mock_caller()
    xl.consolidate()
    said = str(book.app.alerts[-1]["prompt"])
    assert "本工作簿的“汇总”表" in said and "本工作簿的“问题清单”表" in said


# --- the 问题清单 as printed -------------------------------------------------------------------


def test_each_row_of_the_problem_list_is_as_tall_as_its_wrapped_text(tmp_path):
    """XlsxWriter cannot measure text; WPS and LibreOffice keep the stored height, so a 说明 of
    three lines showed (and printed) as one, the rest cut off or written over the next row."""
    write_book(tmp_path / "收集" / "王建国.xlsx",
               [card("XY-001", 身份证号="620702198001011232", 联系户类型="贫困户")],
               [diary("XY-001", "2010.9.31"), diary("XY-009")])
    report = tmp_path / "问题清单.xlsx"
    invoke("validate", tmp_path / "收集", "--report", report)
    ws = openpyxl.load_workbook(report)["问题清单"]
    width = ws.column_dimensions["I"].width
    wrapped = 0  # rows whose 说明 takes more than one line: the case this is about
    for r in range(2, ws.max_row + 1):
        text = ws.cell(r, 9).value
        shown = sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
        lines = -(-shown // int(width))
        wrapped += lines > 1
        assert (ws.row_dimensions[r].height or 15) >= 14 * lines, (r, text, ws.row_dimensions[r].height)
    assert wrapped  # else every row would pass at the default height, tall or not


# --- the annotated copy's promise ----------------------------------------------------------------


def test_the_annotated_copy_does_not_promise_the_marks_go_away_by_themselves(tmp_path):
    """“改好后标色可以不管，下次校验会自动清除”: validation never touches a submitted book, and a
    clean book gets no copy, so the red stays. The line says what is true (docs/annotate.md):
    the marks can stay, validation reads only what is typed."""
    write_book(tmp_path / "收集" / "王建国.xlsx", [card("XY-001")], [diary("XY-001", "2010.9.31")])
    invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回")
    ws = openpyxl.load_workbook(tmp_path / "退回" / "王建国.xlsx")["校验结果"]
    said = "\n".join(str(c.value) for row in ws.iter_rows(max_row=4) for c in row if c.value)
    assert "自动清除" not in said
    assert "不看颜色和批注" in said


# --- lianhu template -o 名字.xls ----------------------------------------------------------------


def test_a_template_named_as_another_kind_of_file_is_refused(tmp_path):
    """`lianhu template -o 登记簿.xls` made a FOLDER 登记簿.xls with the template inside it."""
    run = invoke("template", "-o", tmp_path / "登记簿.xls")
    assert run.exit_code == 2
    assert not (tmp_path / "登记簿.xls").exists()
    assert "登记簿.xlsx" in run.output
    assert invoke("template", "-o", tmp_path / "模板").exit_code == 0  # a folder name is still a folder
    assert (tmp_path / "模板" / "联户带创登记簿.xlsx").is_file()


# --- 退回: last week's copy of a book now fixed ------------------------------------------------------


def test_last_runs_copy_of_a_book_now_clean_is_told_not_left_to_be_sent_again(tmp_path):
    """The clerk sends back whatever is in 退回/. 王建国 fixed his date; this week his book is
    clean, gets no copy, and last week's copy (错误 1 处) sat in 退回/ unchanged, unmentioned."""
    book = tmp_path / "收集" / "王建国.xlsx"
    write_book(book, [card("XY-001")], [diary("XY-001", "2010.9.31")])
    invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回")
    old = tmp_path / "退回" / "王建国.xlsx"
    assert old.is_file()
    write_book(book, [card("XY-001")], [diary("XY-001", "2010.9.30")])
    run = invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回", "--report", tmp_path / "清单.xlsx")
    assert run.exit_code == 0, run.output
    assert "王建国.xlsx" in run.output and "上次" in run.output and "不要再" in run.output
    listed = [[c.value for c in r] for r in openpyxl.load_workbook(tmp_path / "清单.xlsx")["问题清单"].iter_rows()]
    assert any(r[7] == "annotate-stale" for r in listed)
    assert old.is_file()  # told, never deleted: the clerk's folder


def test_a_file_in_the_annotate_folder_that_is_not_our_copy_is_not_told(tmp_path):
    write_book(tmp_path / "收集" / "王建国.xlsx", [card("XY-001")], [diary("XY-001")])
    write_book(tmp_path / "退回" / "王建国.xlsx", [card("XY-001")], [diary("XY-001")])  # her own file
    run = invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "退回", "--json")
    assert "annotate-stale" not in run.output


def test_consolidate_into_a_folder_suggests_a_file_inside_it(tmp_path):
    """`-o 汇总结果` (the folder the console calls 输出文件夹) was told “例如 汇总结果.xlsx”."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card()], [diary()])
    (tmp_path / "汇总结果").mkdir()
    run = invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总结果")
    assert run.exit_code == 2
    assert str(tmp_path / "汇总结果" / "汇总表.xlsx") in run.output.replace("\n", "")


def test_the_demos_help_names_every_exit_code_it_gives(tmp_path):
    """A folder already in use is refused with exit 2; --help listed only 0 and 1."""
    (tmp_path / "我的文件.txt").write_text("村里的名单", encoding="utf-8")
    run = invoke("demo", tmp_path)
    assert run.exit_code == 2
    shown = invoke("demo", "--help").output
    assert "2 文件夹里已有别的文件" in shown


# --- making the console again (new computer, reinstall) ------------------------------------------


def test_making_the_console_again_keeps_the_settings_the_clerk_typed(tmp_path):
    """docs/excel-buttons.md §7: after a new Python, run `lianhu xl console -o 文件夹` again. It wrote a
    fresh console over hers: 乡镇名称, 收集文件夹, 统计期, 名册 she had typed were gone, unsaid."""
    first = invoke("xl", "console", "-o", tmp_path)
    assert first.exit_code == 0, first.output
    console = tmp_path / "联户带创汇总台.xlsm"
    wb = openpyxl.load_workbook(console, keep_vba=True)
    ws = wb[SETTINGS_SHEET]
    labels = [c.value for c in ws["A"]]
    typed = {"乡镇名称": "倪家营乡", "收集文件夹": r"D:\联户带创\各村", "统计期": "2010Q3", "名册": "名册.xlsx"}
    for label, value in typed.items():
        ws.cell(labels.index(label) + 1, 2, value)
    wb.save(console)
    again = invoke("xl", "console", "-o", tmp_path)
    assert again.exit_code == 0, again.output
    assert "保留" in again.output
    ws = openpyxl.load_workbook(console)[SETTINGS_SHEET]
    assert {label: ws.cell(labels.index(label) + 1, 2).value for label in typed} == typed
    assert ws.cell(labels.index("输出文件夹") + 1, 2).value == "汇总结果"  # untouched ones as made


def test_annotating_into_the_folder_being_checked_is_refused_even_when_all_books_pass(tmp_path):
    """docs/annotate.md: 退回/ cannot be the collection folder, refused with exit 2. It was refused
    only when some book needed a copy; with every book clean it passed silently (exit 0)."""
    write_book(tmp_path / "收集" / "王建国.xlsx", [card("XY-001")], [diary("XY-001")])
    run = invoke("validate", tmp_path / "收集", "--annotate", tmp_path / "收集")
    assert run.exit_code == 2
    assert "另选一个文件夹" in run.output


def test_a_report_or_merge_into_a_folder_is_told_a_file_of_its_own_kind_inside_it(tmp_path):
    """`--report 汇总结果` (a folder) was told “例如 汇总结果/汇总表.xlsx” — a 汇总表 is another thing;
    `merge -o 汇总结果` was told “例如 汇总结果.xlsx”."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card()], [diary()])
    folder = tmp_path / "汇总结果"
    folder.mkdir()
    run = invoke("validate", tmp_path / "收集", "--report", folder)
    assert run.exit_code == 2
    said = run.output.replace("\n", "")
    assert str(folder / "问题清单.xlsx") in said and "汇总表" not in said
    run = invoke("merge", tmp_path / "收集", "-o", folder)
    assert run.exit_code == 2
    assert str(folder / "合并簿.xlsx") in run.output.replace("\n", "")


# --- --title typed as the whole title ---------------------------------------------------------------


def test_a_title_typed_whole_is_not_doubled(tmp_path):
    """--title 倪家营乡联户带创汇总表 printed “倪家营乡联户带创汇总表联户带创汇总表（2010年）” at the
    top of the page that goes up to the county."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card()], [diary()])
    for typed in ("倪家营乡联户带创汇总表", "倪家营乡2010年汇总表", "倪家营乡（2010年）", "倪家营乡"):
        run = invoke("consolidate", tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx", "--period", "2010",
                     "--title", typed)
        assert run.exit_code == 0, run.output
        assert run.output.splitlines()[0] == "倪家营乡联户带创汇总表（2010年）", (typed, run.output.splitlines()[0])
