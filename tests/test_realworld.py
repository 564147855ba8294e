"""Workbooks typed the way a township's clerks type them, consolidated, and compared with a
count made by hand (tests/realworld_books.py). What a clerk would notice: a total that is off,
a row neither counted nor listed, a message without its sheet!cell and fix, a changed source."""

from __future__ import annotations

import datetime as dt
import json
import re

import openpyxl
import pytest
from bookfactory import DIARY_LABELS, card, diary, write_book
from click.testing import CliRunner
from conftest import needs_libreoffice
from realworld_books import (
    VILLAGE_EXCLUDED,
    consolidate,
    counts_of,
    digest,
    formula_book,
    hand,
    libreoffice_save,
    sheet_rows,
    totals_rows,
    two_row_header_book,
    village_book,
)

from lianhu_xl.cli import cli

D = dt.date
WHERE = re.compile(r"^[^!：]+![A-Z]{1,3}\d+：")  # 联户日记!B11：…


def validate_json(*paths) -> dict:
    result = CliRunner().invoke(cli, ["validate", *map(str, paths), "--json", "-q"])
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.output)


def test_a_village_book_typed_by_hand_gives_the_hand_counted_totals(tmp_path):
    want = village_book(tmp_path / "收集" / "下营村.xlsx")
    before = digest(tmp_path / "收集")
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "收集", out, "--period", "2010", "--title", "倪家营乡")
    assert result.exit_code == 1, result.output  # a diary row is wrong: said, and exit 1
    assert "Traceback" not in result.output and "Error" not in result.output
    rows = totals_rows(out)
    assert list(rows) == ["下营村", "合计"]
    assert counts_of(rows["下营村"]) == want
    assert counts_of(rows["合计"]) == want
    assert rows["合计"]["转化率"] == pytest.approx(4 / 6)
    assert rows["合计"]["访谈达标率"] == pytest.approx(7 / 100)
    assert digest(tmp_path / "收集") == before  # the clerk's file is never touched
    # every row not counted is listed, with where and why
    listed = {(r[0], r[2], r[3]) for r in sheet_rows(out, "未计入")[3:] if r[0]}
    assert listed == VILLAGE_EXCLUDED
    source = sheet_rows(out, "来源")
    header = source[2]
    line = dict(zip(header, source[3], strict=False))
    assert (line["联户卡行数"], line["联户日记行数"]) == (11, 11)  # the blank rows are not rows
    assert line["计入行数"] + line["重复行数"] + line["未计入行数"] + line["统计期外行数"] + line["合计行"] == 22
    assert line["状态"] == "部分汇总"


def test_the_village_book_errors_say_where_what_was_typed_and_what_to_type(tmp_path):
    village_book(tmp_path / "下营村.xlsx")
    report = validate_json(tmp_path / "下营村.xlsx")
    errors = {i["cell"]: i for i in report["issues"] if i["severity"] == "error"}
    assert set(errors) == {"B11"}  # only the row a clerk must fix (xy003 on A4 is card XY003's)
    assert errors["B11"]["sheet"] == "联户日记 " and "5月6日" in errors["B11"]["message"]
    assert "2010年9月6日" in errors["B11"]["message"]  # what to type instead
    for issue in report["issues"]:
        assert WHERE.match(issue["message"]), issue["message"]
        assert re.search(r"[\u4e00-\u9fff]", issue["message"]), issue["message"]
    # the extra 民族 column is a warning at its header cell, never an error
    extra = [i for i in report["issues"] if i["code"] == "unknown-column"]
    assert [(i["severity"], i["cell"], i["value"]) for i in extra] == [("warning", "P3", "民族")]


def test_a_book_written_by_other_software_with_formulas_counts_their_cached_results(tmp_path):
    want = formula_book(tmp_path / "收集" / "倪家营村.xlsx")
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "收集", out, "--period", "2010")
    assert result.exit_code == 0, result.output
    assert counts_of(totals_rows(out)["倪家营村"]) == want


@needs_libreoffice
def test_the_same_books_saved_again_by_libreoffice_give_the_same_totals(tmp_path):
    """A clerk opens the books in WPS/LibreOffice and saves them: dates, formulas, hidden rows,
    merged titles and full-width text are rewritten by that program, the totals must not move;
    a book saved as .xlsm (macro-enabled) is read as well."""
    src = tmp_path / "src"
    want_village = village_book(src / "下营村.xlsx")
    want_formulas = formula_book(src / "倪家营村.xlsx")
    want_two_rows = two_row_header_book(src / "汪家墩村.xlsx")
    libreoffice_save([src / "下营村.xlsx", src / "倪家营村.xlsx", src / "汪家墩村.xlsx"], tmp_path / "收集")
    libreoffice_save([src / "倪家营村.xlsx"], tmp_path / "xlsm", "xlsm:Calc MS Excel 2007 VBA XML")
    saved = tmp_path / "收集" / "下营村.xlsx"
    assert saved.exists() and saved.read_bytes() != (src / "下营村.xlsx").read_bytes()
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "收集", out, "--period", "2010")
    assert result.exit_code == 1, result.output  # the village's two wrong diary rows, as before
    rows = totals_rows(out)
    assert counts_of(rows["下营村"]) == want_village
    assert counts_of(rows["倪家营村"]) == want_formulas
    assert counts_of(rows["汪家墩村"]) == want_two_rows
    listed = {(r[0], r[2], r[3]) for r in sheet_rows(out, "未计入")[3:] if r[0] and r[1] == "下营村.xlsx"}
    assert listed == VILLAGE_EXCLUDED
    xlsm = tmp_path / "xlsm" / "倪家营村.xlsm"
    assert xlsm.exists()
    result = consolidate(tmp_path / "xlsm", tmp_path / "xlsm汇总.xlsx", "--period", "2010")
    assert result.exit_code == 0, result.output
    assert counts_of(totals_rows(tmp_path / "xlsm汇总.xlsx")["倪家营村"]) == want_formulas


def test_a_cadres_own_book_and_the_village_book_repeat_rows_typed_differently_counted_once(tmp_path):
    """The cadre types real dates and plain numbers; the village clerk retypes the same cards
    and diaries as text (2010.3.5, 5人, 2500元, 2010年4月6日, 3000元, a trailing space, ，): the
    same content, so each is counted once with a warning, in whatever order the files come."""
    folder = tmp_path / "收集"
    c1 = card("D1", 家庭人口=5, 结对日期=D(2010, 3, 5), **{"基期人均纯收入(元)": 2500})
    c2 = card("D2", 联系人类别="党员", 联系户类型="经济落后户", **{"基期人均纯收入(元)": 1800})
    write_book(folder / "王明个人.xlsx", [c1, c2],
               [diary("D1", D(2010, 4, 6), **{"担保贷款(元)": 3000, "服务类别": "政策宣传、实用技术"}),
                diary("D2", D(2010, 4, 7))])
    v1 = dict(c1, 家庭人口="5人", 结对日期="2010.3.5", **{"基期人均纯收入(元)": "2500元"})
    v2 = dict(c2, 卡号="D2 ", 户主=c2["户主"] + " ", **{"基期人均纯收入(元)": "1,800"})
    write_book(folder / "下营村.XLSX", [v1, v2, card("D3")],
               [diary("D1", "2010年4月6日", **{"担保贷款(元)": "3000元", "服务类别": "政策宣传，实用技术"}),
                diary("D2", "2010-4-7"), diary("D3", "2010/5/1")])
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(folder, out, "--period", "2010")
    assert result.exit_code == 0, result.output  # repeats are not "left out"
    # D1 (Mar–Dec), D2 and D3 (Jan–Dec): 10 + 12 + 12 months; interviews D1 Apr, D2 Apr, D3 May.
    want = hand(致富明星户=2, 经济落后户=1, 入户访谈=3, 提供服务=1, 担保贷款=3000,
                应访谈月数=34, 实访谈月数=3, 应记日记月数=34, 实记日记月数=3)
    assert counts_of(totals_rows(out)["合计"]) == want
    report = validate_json(folder)
    repeats = sorted(i["code"] for i in report["issues"])
    assert repeats == ["duplicate-card", "duplicate-card", "duplicate-diary", "duplicate-diary"]


@pytest.mark.parametrize("period, want", [
    ("2010", dict(致富明星户=3, 入户访谈=6, 应访谈月数=16, 实访谈月数=5)),
    ("2010Q2", dict(致富明星户=2, 入户访谈=4, 应访谈月数=3, 实访谈月数=3)),
    ("2010年二季度", dict(致富明星户=2, 入户访谈=4, 应访谈月数=3, 实访谈月数=3)),
    ("2010年4-6月", dict(致富明星户=2, 入户访谈=4, 应访谈月数=3, 实访谈月数=3)),
    ("2010.4.1—2010.6.30", dict(致富明星户=2, 入户访谈=4, 应访谈月数=3, 实访谈月数=3)),
    ("2010年上半年", dict(致富明星户=2, 入户访谈=4, 应访谈月数=3, 实访谈月数=3)),
    ("2010-06", dict(致富明星户=2, 入户访谈=2, 应访谈月数=2, 实访谈月数=2)),
    ("2010-05-15..2010-06-30", dict(致富明星户=2, 入户访谈=3, 应访谈月数=3, 实访谈月数=3)),
    (None, dict(致富明星户=4, 入户访谈=7, 应访谈月数=20, 实访谈月数=6)),
])
def test_months_and_rows_outside_the_period_are_counted_as_the_standard_says(tmp_path, period, want):
    """Link dates and diary dates typed with times and as text, on the period's edges; a diary
    row before its card's link month counts as an interview but not as a month met."""
    cards = [card("P1", 结对日期=D(2010, 5, 20)), card("P2", 结对日期="2010年12月31日"),
             card("P3", 结对日期=D(2011, 1, 1)), card("P4", 结对日期=dt.datetime(2010, 6, 30, 23, 59))]
    diaries = [diary("P1", D(2010, 4, 6)), diary("P1", dt.datetime(2010, 5, 31, 18, 0)),
               diary("P1", "2010-06-30 23:59:59"), diary("P1", D(2010, 7, 1)), diary("P2", D(2010, 12, 31)),
               diary("P3", D(2011, 1, 2)), diary("P4", D(2010, 6, 30))]
    write_book(tmp_path / "收集" / "b.xlsx", cards, diaries)
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "收集", out, *(["--period", period] if period else []))
    assert result.exit_code == 0, result.output
    total = totals_rows(out)["合计"]
    want = dict(want, 应记日记月数=want["应访谈月数"], 实记日记月数=want["实访谈月数"])
    assert {k: total[k] for k in want} == want


def test_a_renamed_diary_sheet_is_never_dropped_without_a_word(tmp_path):
    """联户日记 renamed 联户日记表, and the next month's diary left in Sheet1. 联户日记表 says what it
    holds and the book has no 联户日记: it is read, with a notice (session 10). Sheet1 says nothing:
    its rows are not counted — but the clerk is told which sheet, where its header is, and to
    rename it; the file is not 'all counted'."""
    rows = [["R1", D(2010, 4, 1), None, None, "入户访谈"]]
    write_book(tmp_path / "收集" / "renamed.xlsx", [card("R1")], None,
               extra_sheets={"联户日记表": [DIARY_LABELS, *rows],
                             "Sheet1": [["五月份日记"], DIARY_LABELS, ["R1", D(2010, 5, 1), None, None, "入户访谈"]],
                             "填表说明": [["卡号", "日期", "形式"]]})
    report = validate_json(tmp_path / "收集")
    said = {(i["sheet"], i["cell"]): i for i in report["issues"] if i["code"] == "lookalike-sheet"}
    assert set(said) == {("Sheet1", "A2")}
    assert [(i["sheet"], i["severity"]) for i in report["issues"] if i["code"] == "named-sheet"] == [
        ("联户日记表", "notice")]
    for issue in said.values():
        assert issue["severity"] == "error"
        assert "改名为“联户日记”" in issue["message"] and WHERE.match(issue["message"])
    result = consolidate(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert result.exit_code == 1, result.output
    assert "Sheet1" in result.output or "未计入" in result.output


def test_a_generated_template_filled_in_raises_no_renamed_sheet_error(tmp_path):
    """The template's own 填表说明 lists every label, one per row: not a register sheet."""
    result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "模板")])
    assert result.exit_code == 0, result.output
    book = next((tmp_path / "模板").glob("*.xlsx"))
    wb = openpyxl.load_workbook(book)
    assert "填表说明" in wb.sheetnames
    report = validate_json(book)
    assert not [i for i in report["issues"] if i["code"] == "lookalike-sheet"]


def test_a_tick_typed_on_a_phone_keyboard_is_yes(tmp_path):
    """WeChat/phone keyboards send ✔ as ✔️ (with an invisible emoji selector): still 是."""
    write_book(tmp_path / "b.xlsx",
               [card("T1", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="✔️"),
                card("T2", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="✔︎")],
               [diary("T1", 是否主要问题="✔️", 发现问题="缺水", 办理结果="当场解决", 解决办法="修渠")])
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "b.xlsx", out, "--period", "2010")
    assert result.exit_code == 0, result.output
    total = totals_rows(out)["合计"]
    assert (total["转化户数"], total["思想保守户数"], total["解决主要问题"]) == (2, 2, 1)


def test_id_numbers_and_phones_typed_as_numbers(tmp_path):
    """An ID typed into a number cell (Excel kept 15 digits) is an error at its cell that says so,
    masked; a lower-case x and a phone typed as a number or with dashes are fine."""
    write_book(tmp_path / "b.xlsx",
               [card("I1", 身份证号=620702198001011231, 联系电话=13912345678),
                card("I2", 户主="李二", 身份证号="62070219800101108x", 联系电话="0936-1234567"),
                card("I3", 户主="李三", 联系电话="139 1234 5678")], [])
    report = validate_json(tmp_path / "b.xlsx")
    problems = [(i["code"], i["cell"], i["severity"]) for i in report["issues"]]
    assert problems == [("bad-id-number", "K3", "error")], problems
    message = report["issues"][0]["message"]
    assert "数字" in message and "文本" in message and "620702198001011231" not in message


def test_a_totals_row_on_a_pre_numbered_line_is_skipped_not_an_error(tmp_path):
    """The clerk's own template numbers every line (序号 1, 2, …); the 合计 row sits on one of
    them. It is a totals row (a notice), not a card with eight empty required cells."""
    from bookfactory import CARD_LABELS

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(["序号", *CARD_LABELS])
    ws.append([1, *[card("S1").get(label) for label in CARD_LABELS]])
    ws.append([2, *[card("S2", 户主="李二").get(label) for label in CARD_LABELS]])
    ws.append([3, "合计", None, None, None, None, None, None, "2户"])
    ws.append([4])  # numbered, never filled: no row
    d = wb.create_sheet("联户日记")
    d.append(["序号", *DIARY_LABELS])
    loan = DIARY_LABELS.index("担保贷款(元)") + 1
    for n, (no, day) in enumerate([("S1", D(2010, 3, 6)), ("S2", D(2010, 4, 6))], 1):
        line = [n, no, day, None, None, "入户访谈"] + [None] * (len(DIARY_LABELS) - 5)
        line[loan] = 3000
        d.append(line)
    d.append([3, " 合  计："] + [None] * (loan - 2) + [6000])
    wb.save(tmp_path / "b.xlsx")
    report = validate_json(tmp_path / "b.xlsx")
    assert [(i["code"], i["sheet"], i["cell"]) for i in report["issues"]] == [
        ("totals-row", "联户卡", "B4"), ("totals-row", "联户日记", "B4")]  # where 合计 is typed
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "b.xlsx", out, "--period", "2010")
    assert result.exit_code == 0, result.output
    total = totals_rows(out)["合计"]
    assert (total["致富明星户"], total["入户访谈"], total["担保贷款(元)"]) == (2, 2, 6000)


def test_card_numbers_typed_with_other_dashes_and_spaces_name_the_same_card(tmp_path):
    """The diary's 卡号 retyped with a Chinese input method's dash (—), a full-width one (－), a
    minus pasted from Word (−), a space, a line break or in lower case: the same card, every
    entry counted."""
    write_book(tmp_path / "b.xlsx", [card("XY-2010-001")],
               [diary(no, D(2010, m, 6)) for m, no in enumerate(
                   ["XY—2010—001", "ＸＹ－２０１０－００１", "XY−2010−001", "XY-2010 -001", "XY-2010-\n001",
                    "xy-2010-001", "ｘｙ－２０１０－００１"], 3)])
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "b.xlsx", out, "--period", "2010")
    assert result.exit_code == 0, result.output
    total = totals_rows(out)["合计"]
    assert (total["入户访谈"], total["实访谈月数"], total["应访谈月数"]) == (7, 7, 12)


def test_household_size_and_income_written_with_their_units_are_read(tmp_path):
    """家庭人口 “5口人” and 人均纯收入 “2500元/人”, as on the paper card: numbers, not errors."""
    write_book(tmp_path / "b.xlsx",
               [card("U1", 联系人类别="党员", 联系户类型="经济落后户", 家庭人口="5口人",
                     **{"基期人均纯收入(元)": "2500元/人", "年末人均纯收入(元)": "３５００元／人"})],
               [diary("U1", **{"担保贷款(元)": "1.2万元"})])
    report = validate_json(tmp_path / "b.xlsx")
    assert report["issues"] == []
    out = tmp_path / "汇总表.xlsx"
    assert consolidate(tmp_path / "b.xlsx", out, "--period", "2010").exit_code == 0
    assert totals_rows(out)["合计"]["担保贷款(元)"] == 12000


def test_a_townships_collection_folder_as_it_arrives(tmp_path):
    """What a township clerk's folder holds after a month of USB sticks and WeChat: village books
    in subfolders, a diary-only July submission, the same book twice (下营村(1).xlsx from WeChat),
    an upper-case .XLSX, Excel's ~$ lock file, a Word note; and a roster on which one village sent
    nothing. Each village's totals are counted by hand."""
    folder = tmp_path / "收集"
    xy = [card("XY01", 结对日期="2010.1.10"),
          card("XY02", 联系人="李书记", 联系人类别="村干部", 联系户类型="思想保守户", 结对日期="2010年2月1日",
               是否转化="是")]
    xy_diary = [diary("XY01", f"2010-{m}-5") for m in range(1, 7)] + [diary("XY02", "2010/2/9", 形式="电话联系")]
    write_book(folder / "下营村" / "下营村.xlsx", xy, xy_diary)
    write_book(folder / "下营村" / "下营村7月日记.xlsx", None, [
        diary("XY01", "2010.7.8", 服务类别="实用技术", **{"办实事(件)": "1件"}),
        diary("XY02", "2010年7月9日", 发现问题="不愿种制种玉米", 是否主要问题="√", 办理结果="协调解决",
              解决办法="请农技站讲解")])
    (folder / "微信文件").mkdir()
    (folder / "微信文件" / "下营村(1).xlsx").write_bytes((folder / "下营村" / "下营村.xlsx").read_bytes())
    write_book(folder / "倪家营村.XLSX",
               [card("NJ01", 村="倪家营村", 联系人类别="党员", 联系户类型="经济落后户", 结对日期=D(2010, 3, 15),
                     **{"基期人均纯收入(元)": "2500元"})],
               [diary("NJ01", D(2010, 3, 20), **{"担保贷款(元)": "2万", "帮耕帮畜(次)": "3次"}),
                diary("NJ01", D(2010, 4, 20), 形式="集中座谈")])
    (folder / "~$倪家营村.XLSX").write_bytes(b"\x05lock owner")
    (folder / "说明.docx").write_bytes(b"PK\x03\x04 not a register")
    roster = tmp_path / "名册.csv"
    roster.write_bytes("村,社\n下营村,四社\n下营村,六社\n倪家营村,四社\n倪家营村,六社\n江淮村,一社\n".encode("gbk"))
    before = digest(folder)
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(folder, out, "--period", "2010", "--roster", str(roster), "--title", "倪家营乡")
    assert result.exit_code == 0, result.output  # repeats counted once are not "left out"
    rows = totals_rows(out)
    assert list(rows) == ["下营村", "倪家营村", "江淮村", "合计"]  # the roster's order, 江淮村 at 0
    xiaying = hand(致富明星户=1, 思想保守户=1, 入户访谈=8, 提供服务=1, 解决主要问题=1, 办实事=1, 转化户数=1,
                   思想保守户数=1, 应访谈月数=23, 实访谈月数=8, 应记日记月数=23, 实记日记月数=9,
                   主要问题已解决户数=1)
    nijiaying = hand(经济落后户=1, 入户访谈=1, 担保贷款=20000, 帮耕帮畜=3, 应访谈月数=10, 实访谈月数=1,
                     应记日记月数=10, 实记日记月数=2)
    assert counts_of(rows["下营村"]) == xiaying
    assert counts_of(rows["倪家营村"]) == nijiaying
    assert counts_of(rows["江淮村"]) == hand()
    assert counts_of(rows["合计"]) == {k: xiaying[k] + nijiaying[k] for k in xiaying}
    assert rows["江淮村"]["转化率"] is None and rows["江淮村"]["访谈达标率"] is None  # 0/0 left empty
    source = {r[0]: r for r in sheet_rows(out, "来源")[3:] if r[0]}
    assert set(source) == {"下营村/下营村.xlsx", "下营村/下营村7月日记.xlsx", "微信文件/下营村(1).xlsx",
                           "倪家营村.XLSX"}
    assert digest(folder) == before


def test_a_two_row_header_reads_the_labels_under_the_group_labels(tmp_path):
    """办实事 | 担保贷款 | 帮耕帮畜 under a merged 帮扶成效, the appraisal under 年末评议: the sums and
    the year-end appraisal are read (they were lost, with only a warning about 帮扶成效)."""
    want = two_row_header_book(tmp_path / "收集" / "汪家墩村.xlsx")
    report = validate_json(tmp_path / "收集")
    assert [(i["code"], i["cell"]) for i in report["issues"]] == [("totals-row", "B7")]  # 合计 after the 序号
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "收集", out, "--period", "2010")
    assert result.exit_code == 0, result.output
    assert counts_of(totals_rows(out)["汪家墩村"]) == want
    listing = sheet_rows(out, "联户清单")
    at = next(i for i, r in enumerate(listing) if r and "卡号" in r)
    cards = {line["卡号"]: line for line in (dict(zip(listing[at], r, strict=False)) for r in listing[at + 1:])}
    assert (cards["WJ-1"]["是否转化"], cards["WJ-2"]["是否转化"]) == ("是", "否")  # N, merged over both rows


def test_an_extra_column_in_the_diary_is_not_sent_to_a_column_the_diary_lacks(tmp_path):
    """A village clerk adds 村 to the diary: the warning's advice names a column the diary has."""
    labels = [*DIARY_LABELS, "村"]
    write_book(tmp_path / "b.xlsx", [card("X1")], [dict(diary("X1"), 村="下营村")], diary_labels=labels)
    report = validate_json(tmp_path / "b.xlsx")
    (extra,) = [i for i in report["issues"] if i["code"] == "unknown-column"]
    assert extra["sheet"] == "联户日记" and extra["severity"] == "warning"
    advised = re.findall(r"日记写在“([^”]+)”列", extra["message"])
    assert advised and all(label in DIARY_LABELS for label in advised), extra["message"]


def test_a_header_repeated_down_the_sheet_is_no_row(tmp_path):
    """Two printed pages pasted one under the other: the second page's header row (typed just
    like the first, * and all) is not a card with nine wrong cells; the cards under it count."""
    from bookfactory import CARD_LABELS

    labels = ["*" + label if label in ("卡号", "户主") else label for label in CARD_LABELS]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(labels)
    ws.append([card("P1").get(label) for label in CARD_LABELS])
    ws.append(labels)  # page 2
    ws.append([card("P2").get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append(DIARY_LABELS)
    d.append(["P1", D(2010, 3, 6), None, None, "入户访谈"])
    d.append(DIARY_LABELS)
    d.append(["P2", D(2010, 3, 6), None, None, "入户访谈"])
    wb.save(tmp_path / "b.xlsx")
    report = validate_json(tmp_path / "b.xlsx")
    assert report["issues"] == []
    assert (report["files"][0]["card_rows"], report["files"][0]["diary_rows"]) == (2, 2)
    out = tmp_path / "汇总表.xlsx"
    assert consolidate(tmp_path / "b.xlsx", out, "--period", "2010").exit_code == 0
    assert totals_rows(out)["合计"]["入户访谈"] == 2


def test_card_numbers_typed_as_numbers_in_one_sheet_and_text_in_the_other_match(tmp_path):
    """Plain numeric 卡号: a number cell on the card (Excel's 常规), text on the diary, and a
    number that went through a formula (1001.0): one card."""
    write_book(tmp_path / "b.xlsx", [card(1001), card(1002.0, 户主="李二")],
               [diary("1001"), diary(" 1002 "), diary(1001, D(2010, 4, 6)), diary("１００２", D(2010, 4, 6))])
    out = tmp_path / "汇总表.xlsx"
    result = consolidate(tmp_path / "b.xlsx", out, "--period", "2010")
    assert result.exit_code == 0, result.output
    assert totals_rows(out)["合计"]["实访谈月数"] == 4


def test_headers_that_write_the_standards_unit_the_forms_way_are_read(tmp_path):
    """担保贷款（单位：元）, 办实事（件数）, 帮耕帮畜（次数）, 基期人均纯收入（元/人）: the standard's own
    units as printed forms write them, read (their sums were lost as “extra columns”); a second
    担保贷款 column, in 万元, is a column typed twice: read once, the first."""
    from bookfactory import CARD_LABELS

    card_labels = [{"基期人均纯收入(元)": "基期人均纯收入（元／人）"}.get(label, label) for label in CARD_LABELS]
    rename = {"担保贷款(元)": "担保贷款（单位：元）", "办实事(件)": "办实事（件数）", "帮耕帮畜(次)": "帮耕帮畜（次数）"}
    diary_labels = [rename.get(label, label) for label in DIARY_LABELS] + ["担保贷款（万元）"]
    c = card("W1", 联系人类别="党员", 联系户类型="经济落后户")
    c["基期人均纯收入（元／人）"] = 2500
    d = diary("W1", **{"担保贷款（单位：元）": 3000, "办实事（件数）": 1, "帮耕帮畜（次数）": 2, "担保贷款（万元）": 0.3})
    write_book(tmp_path / "b.xlsx", [c], [d], card_labels=card_labels, diary_labels=diary_labels)
    report = validate_json(tmp_path / "b.xlsx")
    assert [(i["code"], i["column"]) for i in report["issues"]] == [("duplicate-column", "担保贷款(元)")]
    out = tmp_path / "汇总表.xlsx"
    assert consolidate(tmp_path / "b.xlsx", out, "--period", "2010").exit_code == 0
    total = totals_rows(out)["合计"]
    assert (total["担保贷款(元)"], total["办实事"], total["帮耕帮畜"]) == (3000, 1, 2)


def test_a_two_row_header_whose_second_row_holds_most_labels(tmp_path):
    """The mirror layout: group labels (联系人情况, 联系户情况) on top with 卡号, 结对日期 and 主要问题
    merged down over both rows, most labels in the second row. 卡号 is not “missing”."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(["卡号", "联系人情况", None, "联系户情况", None, None, None, None, "结对日期", "主要问题"])
    ws.append([None, "联系人", "联系人类别", "村", "社", "户主", "联系户类型", "家庭人口", None, None])
    for block in ("A1:A2", "B1:C1", "D1:H1", "I1:I2", "J1:J2"):
        ws.merge_cells(block)
    ws.append(["M1", "王明", "党员", "下营村", "六社", "李一", "经济落后户", "5口人", "2010.1.5", "缺资金"])
    ws.append(["M2", "王明", "党员", "下营村", "六社", "李二", "经济落后户", 3, "2010.2.5", "缺技术"])
    d = wb.create_sheet("联户日记")
    d.append(DIARY_LABELS)
    d.append(["M1", D(2010, 3, 6), None, None, "入户访谈"])
    d.append(["M2", D(2010, 3, 6), None, None, "入户访谈"])
    wb.save(tmp_path / "b.xlsx")
    report = validate_json(tmp_path / "b.xlsx")
    assert [i["code"] for i in report["issues"] if i["severity"] == "error"] == []
    out = tmp_path / "汇总表.xlsx"
    assert consolidate(tmp_path / "b.xlsx", out, "--period", "2010").exit_code == 0
    total = totals_rows(out)["合计"]
    assert (total["经济落后户"], total["入户访谈"], total["应访谈月数"]) == (2, 2, 23)


def test_a_two_row_header_repeated_down_the_sheet_is_no_row(tmp_path):
    """Two printed pages pasted together, each with the form's two-row header (帮扶成效 merged over
    办实事 | 担保贷款 | 帮耕帮畜, the other labels merged down): the second page's header is skipped
    like a blank row, not read as a diary row full of errors."""
    import openpyxl

    path = tmp_path / "收集" / "汪家墩村.xlsx"
    want = two_row_header_book(path)
    wb = openpyxl.load_workbook(path)
    d = wb["联户日记"]
    d.delete_rows(7)  # the 合计 row: page 2 goes under the data
    at = d.max_row + 1
    d.append(["序号", "卡号", "日期", "形式", "服务类别", "帮扶成效", None, None, "调阅人"])
    d.append([None, None, None, None, None, "办实事（件）", "担保贷款（元）", "帮耕帮畜（次）", None])
    for col in "ABCDEI":
        d.merge_cells(f"{col}{at}:{col}{at + 1}")
    d.merge_cells(f"F{at}:H{at}")
    d.append([4, "WJ-2", "2010.8.6", "入户访谈", None, None, None, None, None])
    wb.save(path)
    result = consolidate(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert result.exit_code == 0, result.output
    total = totals_rows(tmp_path / "汇总表.xlsx")["合计"]
    assert (total["入户访谈"], total["担保贷款(元)"], total["实访谈月数"]) == (
        want["入户访谈"] + 1, want["担保贷款(元)"], want["实访谈月数"] + 1)
