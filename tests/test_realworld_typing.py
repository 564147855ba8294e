"""A third audit of books typed the way clerks type: each book is built here as a clerk would
fill it, consolidated or validated through the real CLI, and compared with what a person
counts by hand from the workbook standard (/work/shared/domain/workbook-standard.md).

What a clerk would notice: a total that is off, a row neither counted nor listed, a message
that is English, without its sheet!cell, or one that cannot be acted on, a whole book dropped.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import openpyxl
import pytest
from bookfactory import CARD_LABELS, DIARY_LABELS, card, diary, write_book
from click.testing import CliRunner
from conftest import needs_libreoffice
from libreoffice import convert
from realworld_books import totals_rows

from lianhu_xl import values as v
from lianhu_xl.cli import cli

D = dt.date
WHERE = re.compile(r"^[^!：]+![A-Z]{1,3}\d+：")  # 联户日记!B11：…
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def consolidated(path: Path) -> tuple[int, dict[str, object], list[dict]]:
    """``lianhu consolidate <path> --period 2010 --json`` as a clerk runs it: exit code, the
    汇总表's 合计 row read back with openpyxl, the issues."""
    out = path.parent / "汇总表.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(path), "-o", str(out), "--period", "2010", "--json",
                                      "-q", "-j", "1"])
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return result.exit_code, totals_rows(out)["合计"], json.loads(result.stdout)["issues"]


def said(issues: list[dict]) -> list[tuple[str, str | None, str | None]]:
    """(code, sheet, cell) of every issue, in the report's order."""
    return [(i["code"], i["sheet"], i["cell"]) for i in issues]


def assert_readable(issues: list[dict]) -> None:
    """Every message is Chinese and starts with where it is (sheet!cell)."""
    for issue in issues:
        assert CHINESE.search(issue["message"]), issue["message"]
        if issue["cell"]:
            assert WHERE.match(issue["message"]), issue["message"]


# --- a second page pasted under the first, its header typed a little differently -----------


def test_a_second_page_whose_header_is_typed_a_little_differently_is_no_row(tmp_path):
    """Page one's header marks the required columns with * and breaks 担保贷款（元） over two lines;
    page two, pasted under it from another clerk's book, writes 卡 号 / 日期 / 形式 / 担保贷款(元)
    plainly. Both are the header (the reader already skips a header repeated down the sheet), not a
    diary row of four errors (卡号 “卡 号” unknown, 日期 “日期” no date, …)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(CARD_LABELS)
    for no in ("P1", "P2"):
        c = card(no, 户主=f"户主{no}")
        ws.append([c.get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append(["卡号*", "日期*", "形式*", "担保贷款\n（元）"])
    d.append(["P1", "2010.4.1", "入户访谈", 1000])
    d.append(["P2", "2010.4.2", "入户访谈", 2000])
    d.append(["卡 号", "日期", "形式", "担保贷款(元)"])  # page two
    d.append(["P1", "2010.5.1", "入户访谈", 500])
    d.append(["联户卡号", "联系日期", "联系形式", "担保贷款"])  # page three, the labels' other names
    d.append(["P2", "2010.6.1", "电话联系", 300])
    wb.save(tmp_path / "b.xlsx")
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert said(issues) == []
    assert code == 0
    assert (total["入户访谈"], total["担保贷款(元)"], total["实记日记月数"]) == (3, 3800, 4)


# --- 是/否 as the marks an input method offers ----------------------------------------------


def test_the_cross_and_tick_marks_an_input_method_offers_are_no_and_yes(tmp_path):
    """Typing “cha” or “dui” in a Chinese input method offers ✕ ✖ ╳ and ☑ beside × and √, and
    WeChat's emoji keyboard ❌ and ✅: the standard's × and √, not “应填是或否” errors that leave
    the household or the visit out (the hint itself says “也可以写 √ 或 ×”)."""
    conservative = {"联系人类别": "村干部", "联系户类型": "思想保守户"}
    write_book(tmp_path / "b.xlsx",
               [card("T1", 是否转化="☑", **conservative), card("T2", 户主="李二", 是否转化="✅", **conservative),
                card("T3", 户主="李三", 是否转化="✕", **conservative), card("T4", 户主="李四", 是否转化="╳", **conservative),
                card("T5", 户主="李五", 是否转化="❌", **conservative), card("T6", 户主="李六", 是否转化="✖", **conservative)],
               [diary("T1", 发现问题="缺水", 是否主要问题="✅", 办理结果="当场解决", 解决办法="修渠"),
                diary("T2", 发现问题="缺肥", 是否主要问题="✕", 办理结果="当场解决", 解决办法="买肥")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert said(issues) == []
    assert code == 0
    assert (total["思想保守户"], total["转化户数"], total["入户访谈"], total["解决主要问题"]) == (6, 2, 2, 1)


@pytest.mark.parametrize("typed", ["✕", "✖", "╳", "❌", "❌\ufe0f"])
def test_cross_marks_read_as_no(typed):
    assert v.parse_yesno(typed) is False


@pytest.mark.parametrize("typed", ["☑", "✅", "☑\ufe0f"])
def test_ticked_boxes_read_as_yes(typed):
    assert v.parse_yesno(typed) is True


# --- amounts written as on a receipt ----------------------------------------------------------


def test_an_amount_written_the_receipt_way_with_yuan_zheng_is_read(tmp_path):
    """“5000元整”, “1.2万元整”: how amounts are written on receipts and loan papers (元 and 整,
    “exactly”). The standard reads numbers with their unit; this was “不是数字” and the visit, its
    interview and its loan were left out."""
    write_book(tmp_path / "b.xlsx", [card("Y1", 联系人类别="党员", 联系户类型="经济落后户",
                                          **{"基期人均纯收入(元)": "2500元整"})],
               [diary("Y1", **{"担保贷款(元)": "5000元整"}),
                diary("Y1", D(2010, 4, 6), **{"担保贷款(元)": "1.2万元整"}),
                diary("Y1", D(2010, 5, 6), **{"担保贷款(元)": "３０００元整 "})])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert said(issues) == []
    assert code == 0
    assert (total["经济落后户"], total["入户访谈"], total["担保贷款(元)"]) == (1, 3, 20000)


def test_yuan_zheng_does_not_make_other_words_numbers():
    assert v.parse_number("5000元整") == 5000 and v.parse_amount("5000元整") == 5000
    for typed in ("元整", "整", "5000整", "约5000元整", "5000元整整"):
        with pytest.raises(Exception) as err:
            v.parse_number(typed)
        assert getattr(err.value, "type", None) == "bad-number", typed


# --- a book typed the way clerks type, counted by hand -----------------------------------------


CARD_HEADER = ["序号", "*卡号", "联系人\n姓名", "联系人\n类别", "村", "社", "户 主", "联系户类型*", "家庭人口\n（人）",
               "结对日期", "基期人均纯收入（元）", "主要问题", "是否\n转化"]
DIARY_HEADER = ["卡号", "日期\n（年月日）", "形式", "服务类别", "发现问题", "是否主要问题", "办理结果", "解决办法",
                "办实事（件）", "担保贷款（元）", "帮耕帮畜（次）"]


def typed_book(path: Path) -> None:
    """下营村's book as typed: a merged title, labels with line breaks, * and full-width brackets,
    an AutoFilter, frozen panes and a print area, one card's row hidden by the filter; card numbers
    with spaces, in full width, in lower case, as a number; dates as 2010.3.5, 2010。3。5, with a
    time, as the number 20100305; amounts as 0.5万, 5,000.00, ￥3000, “3000元” with an Alt+Enter
    after it; choices with spaces; services split by a line break, / , ， and ；."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(["下营村联户卡（2010年度）"])
    ws.merge_cells("A1:M1")
    ws.append(CARD_HEADER)
    ws.append([1, " XY-2010-001 ", "王明", "乡 干部", "下营村", "六社", "李一", "致富明星户 ", "5 人", "2010.3.5",
               "0.25万", "缺技术", None])
    ws.append([2, "ＸＹ－２０１０－００２", "张书记", "村干部", "下营村", "四社", "李二", "思想保守户", "４口人",
               "2010。3。5", None, "观念旧", "是\n"])
    ws.append([3, 2010003, "刘五", "党员", "下营村", "五社", "李三", "经济落后户", 6, 20100305, "1,800.00元",
               "缺资金", None])
    ws.append([4, "XY 2010 004", "赵社长", "社干部", "下营村", "四社", "李四", "思想保守户", None, "2010-3-5 10:30",
               None, "不愿贷款", "Y"])
    ws.append([5, "XY-2010-005", "刘五", "党员", "下营村", "五社", "李五", "经济落后户", "3人",
               dt.datetime(2010, 3, 5, 9, 15), "￥2,000", "缺劳力", None])
    ws.row_dimensions[6].hidden = True  # XY 2010 004: hidden by the filter, still typed
    ws.auto_filter.ref = "A2:M7"
    ws.freeze_panes = "C3"
    ws.print_area = "A1:M7"
    d = wb.create_sheet("联户日记")
    d.append(DIARY_HEADER)
    for row in [
        ["XY-2010-001", "2010.4.6", "入户访谈 ", "政策宣传\n实用技术", None, None, None, None, "1件", "0.5万", "2次"],
        ["xy-2010-002", "2010-4-6 10:30", " 入户 访谈", "市场信息/帮扶项目", "缺水", "是 ", "当场解决 ", "修渠", None,
         "5,000.00", None],
        [2010003, "20100406", "电话联系", None, None, None, None, None, None, "￥3000", "１"],
        ["2010003", 20100506, "入户访谈", "增收措施；实用技术", "缺资金", "√", "协调解决", "贷款", None, "3000元\n", None],
        ["XY 2010 004", dt.datetime(2010, 4, 6, 15, 0), "集中座谈", "政策宣传，实用技术", None, None, None, None, None,
         None, None],
        ["XY-2010-005", "2010年4月6日", "入户访谈", None, None, None, None, None, "２件", None, None],
        ["XY-2010-005", "2010/5/6", "入户访谈", None, "缺技术", "Y", "正在办理", "培训", None, None, None],
    ]:
        d.append(row)
    d.freeze_panes = "A2"
    d.auto_filter.ref = "A1:K8"
    wb.save(path)


def test_a_book_typed_the_way_clerks_type_gives_the_hand_counted_totals(tmp_path):
    typed_book(tmp_path / "下营村.xlsx")
    code, total, issues = consolidated(tmp_path / "下营村.xlsx")
    assert said(issues) == [("hidden-rows", "联户卡", "B6")]  # the card the filter hides: counted, and said
    assert code == 0
    # by hand: 5 cards linked March 2010 (1 star, 2 conservative both converted, 2 backward);
    # interviews: every diary row but the phone call and the meeting; services on 4 rows; main
    # problems solved: 当场解决 (是) and 协调解决 (√), not 正在办理; deeds 1 + 2; loans 5000 + 5000
    # + 3000 + 3000; helps 2 + 1; months Mar–Dec: 10 × 5; interview months XY001 Apr, XY002 Apr,
    # 2010003 May, XY005 Apr and May; diary months: those and 2010003 Apr and XY004 Apr
    want = {"致富明星户": 1, "思想保守户": 2, "经济落后户": 2, "入户访谈": 5, "提供服务": 4, "解决主要问题": 2,
            "办实事": 3, "担保贷款(元)": 16000, "帮耕帮畜": 3, "转化户数": 2, "思想保守户数": 2, "应访谈月数": 50,
            "实访谈月数": 5, "应记日记月数": 50, "实记日记月数": 7, "主要问题已解决户数": 2}
    assert {k: total[k] for k in want} == want


def test_a_choice_typed_as_the_clerk_meant_it_is_that_choice(tmp_path):
    """形式 typed 入户访谈。, 入户 or 电话, 其它 for 其他, 联户类型 保守户: each is the one choice it
    can mean, so the visits count; only 入户访谈 (and 入户访谈。, 入户) are interviews."""
    forms = ["入户访谈。", "入户", "电话", "其它"]
    write_book(tmp_path / "b.xlsx", [card("K1", 联系户类型="保守户", 联系人类别="村干")],
               [diary("K1", D(2010, 3 + n, 6), 形式=f) for n, f in enumerate(forms)])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [])
    assert (total["思想保守户"], total["入户访谈"], total["实记日记月数"]) == (1, 2, 4)


# --- what cannot be read is an error at its cell, the row listed, never a guess -----------------

# (column, what a clerk types, the code): the standard lists neither form, so each is an error
# that quotes the typing and says what to type; the row is left out and listed
UNREADABLE_DIARY = [
    ("日期", "99年3月5日", "two-digit-year"),  # a two-digit year still to come (10年3月5日 is read: s8)
    ("日期", "2010年3月", "bad-date"),  # no day (a visit's day is part of what makes it one entry)
    ("日期", "12345", "bad-date"),  # no Excel serial a register holds (40242 as text is read: s8)
    ("日期", "2010年3月5日星期一", "weekday-mismatch"),  # it was a Friday: which is wrong?
    ("担保贷款(元)", "三四千", "bad-number"),  # 3 or 4 thousand
    ("担保贷款(元)", "5千左右", "bad-number"),
    ("担保贷款(元)", "约3000", "bad-number"),
    ("担保贷款(元)", "3000-5000", "bad-number"),
    ("担保贷款(元)", "50%", "bad-number"),
    ("形式", "入戶訪談", "bad-choice"),  # traditional characters
    ("办理结果", "已解决", "vague-choice"),  # 当场解决 or 协调解决? one cannot tell
    ("是否主要问题", "待定", "bad-yesno"),
]


def test_what_cannot_be_read_is_an_error_at_its_cell_quoting_the_typing(tmp_path):
    rows = [diary("K1", D(2010, 2, 6))]  # one good visit, counted
    for n, (label, typed, _) in enumerate(UNREADABLE_DIARY):
        row = diary("K1", D(2010, 3, 1) + dt.timedelta(days=n), 发现问题="缺水", 解决办法="修渠", 办理结果="当场解决")
        row[label] = typed
        rows.append(row)
    write_book(tmp_path / "b.xlsx",
               [card("K1"), card("K2", 户主="李二", 家庭人口="五六口"), card("K3", 户主="李三", 结对日期="2010年3月上旬")],
               rows)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert_readable(issues)
    letter = {label: chr(ord("A") + DIARY_LABELS.index(label)) for label, _, _ in UNREADABLE_DIARY}
    want = [(c, "联户日记", f"{letter[label]}{4 + n}") for n, (label, _, c) in enumerate(UNREADABLE_DIARY)]
    want += [("bad-number", "联户卡", f"{chr(ord('A') + CARD_LABELS.index('家庭人口'))}4"),
             ("bad-date", "联户卡", f"{chr(ord('A') + CARD_LABELS.index('结对日期'))}5")]
    assert sorted(said(issues)) == sorted(want)
    for issue in issues:
        typed = issue["value"]
        assert typed and f"“{typed}”" in issue["message"], issue["message"]
    by_cell = {i["cell"]: i["message"] for i in issues}
    assert "2010-9-6" in by_cell[f"{letter['日期']}4"]  # what to type instead
    assert "入户访谈、电话联系、集中座谈、其他" in by_cell[f"{letter['形式']}13"]
    assert (total["致富明星户"], total["入户访谈"]) == (1, 1)  # K1 and its good visit only
    listed = [r for r in openpyxl.load_workbook(tmp_path / "汇总表.xlsx", read_only=True)["未计入"].iter_rows(
        values_only=True)][3:]
    assert len([r for r in listed if r[0]]) == len(UNREADABLE_DIARY) + 2  # every row left out is listed


@needs_libreoffice
def test_the_typed_book_saved_again_by_libreoffice_gives_the_same_totals(tmp_path):
    """Opened and saved in LibreOffice (as WPS or LibreOffice users do): the Alt+Enter breaks, the
    hidden row, the filter and the text typed in number and date cells are rewritten that program's
    way; the totals must not move, and ✕ / 元整 / a page-two header stay readable."""
    (tmp_path / "src").mkdir()
    typed_book(tmp_path / "src" / "下营村.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "src" / "下营村.xlsx")
    d = wb["联户日记"]
    d.append(["卡 号", "日期", "形式", None, None, None, None, None, None, "担保贷款(元)"])  # page two
    d.append(["XY-2010-005", "2010.6.6", "入户访谈", None, "缺水", "✕", "当场解决", "修渠", None, "2000元整", None])
    wb.save(tmp_path / "src" / "下营村.xlsx")
    saved = convert(tmp_path / "src" / "下营村.xlsx", tmp_path / "收集")
    assert saved.read_bytes() != (tmp_path / "src" / "下营村.xlsx").read_bytes()
    code, total, issues = consolidated(saved)
    assert said(issues) == [("hidden-rows", "联户卡", "B6")]
    assert code == 0
    assert (total["入户访谈"], total["解决主要问题"], total["担保贷款(元)"], total["实访谈月数"]) == (6, 2, 18000, 6)
    assert (total["致富明星户"], total["思想保守户"], total["经济落后户"], total["转化户数"]) == (1, 2, 2, 2)


# --- a card number Excel turned into a date -------------------------------------------------


def test_a_card_number_excel_turned_into_a_date_is_told_so(tmp_path):
    """Card numbers written 社-户 (“3-1”): the card sheet's 卡号 column is text, the diary's is not,
    and Excel turns “3-1” typed there into 3月1日. The diary row's card cannot be found; the message
    quoted “2010-03-01” and said only 核对卡号, while the clerk's cell shows 3月1日. It says that
    Excel made the number a date and what to do (set the column to text, type it again)."""
    write_book(tmp_path / "b.xlsx", [card("3-1"), card("3-2", 户主="李二")],
               [diary(dt.datetime(2010, 3, 1)), diary("3-2"), diary("XY-9", D(2010, 4, 6))])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("unknown-card", "联户日记", "A3"), ("unknown-card", "联户日记", "A5")]
    assert_readable(issues)
    dated, plain = issues
    assert "日期" in dated["message"] and "文本" in dated["message"], dated["message"]
    assert "日期" not in plain["message"]  # a number merely missing: the usual message
    assert total["入户访谈"] == 1


def test_a_true_or_false_cell_is_quoted_as_the_sheet_shows_it(tmp_path):
    """LibreOffice and Excel turn a typed true / false into a TRUE / FALSE cell. Where it cannot be
    read (形式, 担保贷款) the message quotes the cell as the sheet shows it, not Python's English
    “True” / “False”."""
    write_book(tmp_path / "b.xlsx", [card("A1")],
               [diary("A1", 形式=True), diary("A1", D(2010, 4, 6), **{"担保贷款(元)": False})])
    code, _, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert [(i["code"], i["value"]) for i in issues] == [("bad-choice", "TRUE"), ("bad-number", "FALSE")]
    for issue in issues:
        assert "True" not in issue["message"] and "False" not in issue["message"], issue["message"]


# --- a book from old Mac Excel ----------------------------------------------------------------


def test_dates_in_a_book_using_the_1904_date_system_are_the_dates_shown(tmp_path):
    """Old Mac Excel saves with the 1904 date system: a date cell holds a serial 1462 days smaller.
    Cells formatted as dates (yyyy-mm-dd, yyyy"年"m"月"d"日", the 中文 [DBNum1] form) are the dates
    the clerk sees. (A date whose format was cleared to 常规 is read four years early:
    /work/notes/realworld-bugs-s4/date1904-serial-four-years-off.py.)"""
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "联户卡"
    ws.append(CARD_LABELS)
    row = card("M1", 结对日期=dt.datetime(2010, 3, 5))
    ws.append([row.get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append(DIARY_LABELS)
    formats = ("yyyy-mm-dd", 'yyyy"年"m"月"d"日"', '[DBNum1][$-804]yyyy"年"m"月"d"日"')
    for month, fmt in zip((4, 5, 6), formats, strict=True):
        row = diary("M1", dt.datetime(2010, month, 6))
        d.append([row.get(label) for label in DIARY_LABELS])
        d.cell(d.max_row, 2).number_format = fmt
    wb.save(tmp_path / "mac.xlsx")
    code, total, issues = consolidated(tmp_path / "mac.xlsx")
    assert said(issues) == []
    assert code == 0
    assert (total["入户访谈"], total["实访谈月数"], total["应访谈月数"]) == (3, 3, 10)
