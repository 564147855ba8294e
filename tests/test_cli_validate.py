"""`lianhu validate` as a clerk runs it: exit codes, the terminal summary, --json, --report,
folders, files that are not workbooks, and --roster."""

from __future__ import annotations

import json

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli
from lianhu_xl.roster import load_roster
from lianhu_xl.validate import validate

ISSUE_KEYS = {"file", "sheet", "cell", "column", "value", "severity", "code", "message"}


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def township(tmp_path):
    """A folder of books: one clean, one with a warning only, one with errors, in sub-folders."""
    root = tmp_path / "收集"
    write_book(root / "下营村" / "王明.xlsx", [card("XY-001")], [diary("XY-001")])
    write_book(root / "下营村" / "李华.xlsx", [card("XY-002", 联系人类别="党员", 基期人均纯收入="2000")], None)
    write_book(root / "倪家营村.xlsx", [card("NJ-001", 结对日期="2010年13月1日")],
               [diary("NJ-001", "2010-9-6"), diary("NJ-404", "2010-9-7")])
    return root


# --- exit codes ----------------------------------------------------------------------------


def test_exit_0_when_clean_even_with_warnings(township):
    assert invoke("validate", township / "下营村" / "王明.xlsx").exit_code == 0
    result = invoke("validate", township / "下营村")
    assert result.exit_code == 0, result.output
    assert "警告 1 处" in result.output


def test_exit_1_when_any_error(township):
    result = invoke("validate", township)
    assert result.exit_code == 1
    assert "错误 2 处" in result.output


@pytest.mark.parametrize("args", [[], ["--nope"], ["-j", "999"], ["--roster", "没有这个名册.csv"]])
def test_exit_2_for_wrong_usage(tmp_path, args):
    write_book(tmp_path / "a.xlsx", [card()], None)
    paths = [str(tmp_path / "a.xlsx")] if args else []
    result = CliRunner().invoke(cli, ["validate", *args, *paths])
    assert result.exit_code == 2, result.output


def test_exit_2_for_a_roster_without_the_columns(tmp_path, township):
    (tmp_path / "名册.csv").write_text("乡,组\n下营村,六社\n", encoding="utf-8")
    result = invoke("validate", "--roster", tmp_path / "名册.csv", township)
    assert result.exit_code == 2
    assert "名册" in result.output and "村" in result.output


# --- the terminal summary ----------------------------------------------------------------------


def test_summary_is_grouped_by_file_with_cells(township):
    out = invoke("validate", township).output
    lines = out.splitlines()
    assert lines[0].startswith("共 3 个文件")
    heads = [i for i, line in enumerate(lines) if line and not line.startswith(" ") and ".xlsx" in line]
    assert [lines[i].split()[0] for i in heads] == ["下营村/李华.xlsx", "下营村/王明.xlsx", "倪家营村.xlsx"]
    nj = lines[heads[2]:]
    assert "需改正" in nj[0] and "联户卡 1 行、日记 2 行，其中 3 行不计入汇总" in nj[0]
    assert "不计入" not in lines[heads[1]]
    assert any("联户卡!N3" in line and "2010年13月1日" in line for line in nj)
    assert any("联户日记!A4" in line and "NJ-404" in line for line in nj)
    li = lines[heads[0]:heads[1]]
    assert any("警告" in line and "联户卡!I3" in line for line in li)


# --- --json ---------------------------------------------------------------------------------------


def test_json_is_one_object_equal_to_the_librarys_report(township):
    result = CliRunner().invoke(cli, ["validate", "--json", str(township)])
    assert result.exit_code == 1
    data = json.loads(result.stdout)  # nothing else on stdout
    assert data == validate([township]).report.to_dict()
    assert data["valid"] is False and data["stats"]["errors"] == 2
    assert data["issues"] and all(ISSUE_KEYS <= set(i) for i in data["issues"])
    bad = next(i for i in data["issues"] if i["code"] == "bad-date")
    assert (bad["file"], bad["sheet"], bad["cell"], bad["column"], bad["value"], bad["severity"]) == \
        ("倪家营村.xlsx", "联户卡", "N3", "结对日期", "2010年13月1日", "error")


def test_json_masks_personal_numbers(tmp_path):
    write_book(tmp_path / "a.xlsx", [card("XY-001", 身份证号="110105194912310021", 联系电话="1581234567")], None)
    out = CliRunner().invoke(cli, ["validate", "--json", str(tmp_path)]).stdout
    assert "19491231" not in out and "1581234567" not in out
    assert "110105********0021" in out


# --- --report -----------------------------------------------------------------------------------


def test_report_writes_a_workbook_with_every_issue(township, tmp_path):
    out = tmp_path / "问题清单.xlsx"
    result = invoke("validate", township, "--report", out)
    assert result.exit_code == 1 and out.is_file()
    wb = openpyxl.load_workbook(out)
    text = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value is not None)
    for issue in validate([township]).report.issues:
        assert issue.file in text and issue.cell in text


# --- what is found in folders ----------------------------------------------------------------


def test_folders_are_recursed_and_old_formats_reported_not_skipped(tmp_path):
    root = tmp_path / "收集"
    write_book(root / "a" / "b" / "深处.xlsx", [card()], [diary()])
    (root / "旧.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (root / "a" / "wps.et").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    (root / "~$深处.xlsx").write_bytes(b"lock")  # Excel's lock file while a book is open
    (root / "a" / "b" / "~$深处.xlsx").write_bytes(b"lock")
    (root / "说明.docx").write_bytes(b"PK")
    result = invoke("validate", "--json", root)
    data = json.loads(result.stdout)
    assert sorted(f["file"] for f in data["files"]) == ["a/b/深处.xlsx", "a/wps.et", "旧.xls"]
    codes = {i["file"]: i["code"] for i in data["issues"]}
    # the lock file beside 深处.xlsx says it is open (read as last saved); the other one has no book beside it
    assert codes == {"旧.xls": "old-xls", "a/wps.et": "wps-et", "a/b/深处.xlsx": "open-elsewhere"}
    assert result.exit_code == 1


def test_a_path_that_does_not_exist_is_reported(tmp_path):
    write_book(tmp_path / "a.xlsx", [card()], None)
    result = invoke("validate", tmp_path / "a.xlsx", tmp_path / "没有.xlsx")
    assert result.exit_code == 1
    assert "没有.xlsx" in result.output and "找不到" in result.output


def test_a_damaged_file_does_not_stop_the_others(tmp_path):
    write_book(tmp_path / "好.xlsx", [card()], [diary("XY-404")])
    (tmp_path / "坏.xlsx").write_bytes(b"PK\x03\x04 cut off")
    result = invoke("validate", tmp_path)
    assert result.exit_code == 1
    assert "坏.xlsx" in result.output and "联户日记!A3" in result.output
    assert "Traceback" not in result.output


# --- --roster -----------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_validate_with_a_csv_roster(tmp_path, encoding):
    (tmp_path / "名册.csv").write_bytes("村,社\n下营村,六社\n下营村,七社\n".encode(encoding))
    write_book(tmp_path / "books" / "a.xlsx", [card("XY-001"), card("XY-002", 社="八社")], None)
    result = invoke("validate", "--roster", tmp_path / "名册.csv", tmp_path / "books")
    assert result.exit_code == 1
    assert "联户卡!G4" in result.output and "八社" in result.output and "不在乡镇名册中" in result.output


def test_validate_with_an_xlsx_roster(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["村", "社"])
    wb.active.append(["下营村", "六社"])
    wb.save(tmp_path / "名册.xlsx")
    write_book(tmp_path / "books" / "a.xlsx", [card("XY-001")], None)
    assert invoke("validate", "--roster", tmp_path / "名册.xlsx", tmp_path / "books").exit_code == 0
    assert load_roster(tmp_path / "名册.xlsx").pairs == [("下营村", "六社")]
