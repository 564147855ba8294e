"""Roll-up of township 汇总表 that people have touched, counted by hand.

Two townships make their 2010 汇总表 with the tool (below); then a clerk edits one the way clerks
do — in openpyxl here, and through LibreOffice where what a spreadsheet program saves matters —
and the county rolls them up. Each test states the county's figures as counted by hand, or that
the township is refused or flagged at its file and cell.

倪家营乡 (two villages):
  下营村  N-1 乡干部→致富明星户, N-2 村干部→思想保守户 (是否转化 是)
          diary N-1 2010-03-06 入户访谈, 服务 政策宣传, 担保贷款 3000; N-2 2010-04-06 入户访谈
  汪家墩村 W-1 党员→经济落后户; diary 2010-05-06 入户访谈, 主要问题 缺水 当场解决, 办实事 2
  → star 1, conservative 1, backward 1, interviews 3, services 1, solved 1, deeds 2, loans 3000,
    plough 0, converted 1 of 1, months expected 3 cards × 12 = 36 (met 3, diary met 3), solved households 1
蓼泉镇 (湾子村): L-1 致富明星户, L-2 思想保守户 (否); diary L-1 2010-06-06 入户访谈, 帮耕帮畜 3
  → star 1, conservative 1, interviews 1, plough 3, converted 0 of 1, months 24 (met 1, diary met 1)
County (both once): star 2, conservative 2, backward 1, interviews 4, services 1, solved 1, deeds 2,
  loans 3000, plough 3, converted 1 of 2, months 60 / met 4 / diary met 4, solved households 1.

倪家营乡's 汇总 sheet as written: A1 title, A2 统计期 line, A3 status line, row 4 header,
row 5 下营村, row 6 汪家墩村, row 7 合计 (B 致富明星户, C 思想保守户, I 担保贷款(元),
L 思想保守户数, N 应访谈月数, O 实访谈月数), rows 9–10 the 说明.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from conftest import needs_libreoffice

from lianhu_xl.consolidate import HEADER, consolidate
from lianhu_xl.period import parse_period
from lianhu_xl.totals_book import write_totals

D = dt.date
TODAY = D(2011, 3, 1)
Y2010 = parse_period("2010")

LABELS = [h for h in HEADER[1:] if h not in ("转化率", "访谈达标率", "日记达标率")]  # the counts
# the county, counted by hand (module docstring), column by column as the 汇总 sheet has them
COUNTY = dict(zip(LABELS, [2, 2, 1, 4, 1, 1, 2, 3000, 3, 1, 2, 60, 4, 60, 4, 1], strict=True))
NI = dict(zip(LABELS, [1, 1, 1, 3, 1, 1, 2, 3000, 0, 1, 1, 36, 3, 36, 3, 1], strict=True))
LIAO = {label: COUNTY[label] - NI[label] for label in LABELS}
NI_FILE, LIAO_FILE = "倪家营乡汇总表.xlsx", "蓼泉镇汇总表.xlsx"


def _books(root: Path, town: str) -> Path:
    folder = root / "books" / town
    if town.startswith("倪家营"):
        write_book(folder / "下营村.xlsx",
                   [card("N-1"), card("N-2", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="是")],
                   [diary("N-1", D(2010, 3, 6), 服务类别="政策宣传", **{"担保贷款(元)": 3000}),
                    diary("N-2", D(2010, 4, 6))])
        write_book(folder / "汪家墩村.xlsx",
                   [card("W-1", 村="汪家墩村", 联系人类别="党员", 联系户类型="经济落后户",
                         **{"基期人均纯收入(元)": 2000})],
                   [diary("W-1", D(2010, 5, 6), 发现问题="缺水", 是否主要问题="是", 办理结果="当场解决",
                          解决办法="修渠", **{"办实事(件)": 2})])
    else:
        write_book(folder / "湾子村.xlsx",
                   [card("L-1", 村="湾子村"),
                    card("L-2", 村="湾子村", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="否")],
                   [diary("L-1", D(2010, 6, 6), **{"帮耕帮畜(次)": 3})])
    return folder


def _totals(root: Path, town: str, out: Path, period=Y2010, title: str | None = None) -> Path:
    c = consolidate([_books(root, town)], period=period, title=title or town, today=TODAY)
    return write_totals(c, out)


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    """The two townships' 汇总表 as the tool writes them (made once; each test copies them)."""
    root = tmp_path_factory.mktemp("made")
    for town, name in (("倪家营乡", NI_FILE), ("蓼泉镇", LIAO_FILE)):
        _totals(root, town, root / "县" / name)
    return root / "县"


@pytest.fixture
def county_dir(made, tmp_path) -> Path:
    folder = tmp_path / "县"
    shutil.copytree(made, folder)
    return folder


def figures(c) -> dict[str, float]:
    return c.total.counts()


def status(c, file: str) -> tuple[str, str]:
    f = next(f for f in c.report.files if f.file == file)
    return f.status, f.why


def codes(c, severity: str | None = None) -> list[tuple[str, str, str | None]]:
    return sorted((i.code, i.file, i.cell) for i in c.report.issues
                  if i.code != "totals-workbook" and (severity is None or i.severity == severity))


def edit(path: Path, change) -> None:
    wb = openpyxl.load_workbook(path)
    change(wb["汇总"])
    wb.save(path)


def insert_rows(ws, at: int, amount: int = 1) -> None:
    """Rows inserted as Excel does it: the merged blocks below (the 说明) move down too."""
    _move_merged(ws, at, amount)
    ws.insert_rows(at, amount)


def delete_rows(ws, at: int, amount: int = 1) -> None:
    """Rows deleted as Excel does it: a merged block inside them goes, those below move up."""
    for block in list(ws.merged_cells.ranges):
        if at <= block.min_row and block.max_row < at + amount:
            ws.merged_cells.remove(block)
    _move_merged(ws, at + amount, -amount)
    ws.delete_rows(at, amount)


def _move_merged(ws, first: int, by: int) -> None:
    for block in ws.merged_cells.ranges:
        if block.min_row >= first:
            block.shift(0, by)


def roll(folder: Path, **kw):
    return consolidate([folder], today=TODAY, **kw)


# --- untouched, and what a spreadsheet program saves -------------------------------------------


def test_the_books_as_written_add_up_to_the_hand_count(county_dir):
    c = roll(county_dir, title="临泽县")
    assert c.complete and codes(c) == []
    assert figures(c) == COUNTY
    assert {u.unit: u.counts() for u in c.units} == {"倪家营乡": NI, "蓼泉镇": LIAO}
    assert c.total.conversion_rate == pytest.approx(1 / 2) and c.total.interview_rate == pytest.approx(4 / 60)


@needs_libreoffice
def test_books_saved_again_by_a_spreadsheet_program_roll_up_alike(county_dir, tmp_path):
    """Opened and saved in LibreOffice (as WPS or Excel would): the plain book, one whose 合计 a clerk
    replaced by =SUM formulas (recomputed on saving), one with a note row and figures typed as text
    (1户, 3,000元), and one whose 合计 formula lost a row (=#REF!, an error value once saved). The
    first three add up to the hand count; the last is refused
    at its cell — before, the error cell was read as 0 and the township counted with 0 stars."""
    from realworld_books import libreoffice_save

    src = tmp_path / "clerk"
    src.mkdir()
    shutil.copy(county_dir / NI_FILE, src / "倪家营乡_plain.xlsx")

    def sums(ws):
        for col in "BCDEFGHIJKLNOQRT":
            ws[f"{col}7"] = f"=SUM({col}5:{col}6)"
    shutil.copy(county_dir / NI_FILE, src / "倪家营乡_sum.xlsx")
    edit(src / "倪家营乡_sum.xlsx", sums)
    shutil.copy(county_dir / NI_FILE, src / "倪家营乡_ref.xlsx")
    edit(src / "倪家营乡_ref.xlsx", lambda ws: ws.__setitem__("B7", "=#REF!+B6"))

    def touched(ws):  # a note row, numbers typed as text with their units
        ws["B7"], ws["I7"] = "1户", "3,000元"
        insert_rows(ws, 6)
        ws["A6"] = "注：下营村数字已核对"
    shutil.copy(county_dir / NI_FILE, src / "倪家营乡_touched.xlsx")
    edit(src / "倪家营乡_touched.xlsx", touched)
    saved = tmp_path / "saved"
    libreoffice_save(sorted(src.iterdir()), saved)
    for name in ("倪家营乡_plain.xlsx", "倪家营乡_sum.xlsx", "倪家营乡_touched.xlsx"):
        c = consolidate([saved / name, county_dir / LIAO_FILE], today=TODAY)
        assert c.complete and codes(c) == [], name
        assert figures(c) == COUNTY, name
    c = consolidate([saved / "倪家营乡_ref.xlsx", county_dir / LIAO_FILE], today=TODAY)
    assert ("cell-error", "倪家营乡_ref.xlsx", "B7") in codes(c, "error")
    state, why = status(c, "倪家营乡_ref.xlsx")
    assert state == "未汇总" and "B7" in why and "#REF!" in why
    assert figures(c) == LIAO  # 蓼泉镇 alone, not 倪家营乡 with 0 stars


def test_a_formula_without_its_value_in_the_total_row_refuses_the_township(county_dir):
    """A clerk typed =B5+B6 into 合计 and the file was never opened in Excel or WPS (no value
    stored): before, B7 read as 0 and the county had 1 star, 倪家营乡 “已汇总”."""
    edit(county_dir / NI_FILE, lambda ws: ws.__setitem__("B7", "=B5+B6"))
    c = roll(county_dir)
    assert ("formula-no-value", NI_FILE, "B7") in codes(c, "error")
    state, why = status(c, NI_FILE)
    assert state == "未汇总" and "B7" in why and "保存一次" in why
    assert figures(c) == LIAO and [u.unit for u in c.units] == ["蓼泉镇"]


def test_formulas_outside_the_counts_do_not_refuse_it(county_dir):
    """A formula without a value in a rate cell (M7, 转化率, which the roll-up recomputes) is an error
    at its cell, but every figure counted is there: 倪家营乡 counts."""
    edit(county_dir / NI_FILE, lambda ws: ws.__setitem__("M7", "=K7/L7"))
    c = roll(county_dir)
    assert status(c, NI_FILE)[0] == "已汇总" and figures(c) == COUNTY


def test_rows_a_clerk_inserts_and_properties_a_program_drops_change_nothing(county_dir):
    """A note row and a blank row between the villages, a stray sheet, the custom properties gone
    (WPS may drop them), numbers typed as text with units in the 合计 row: the hand count."""
    def touch(ws):
        wb = ws.parent
        ws["B7"], ws["I7"], ws["E7"] = "1户", "3,000元", "３"
        insert_rows(ws, 6, 2)
        ws["A6"] = "注：下营村数字已与村里核对"
        wb.create_sheet("Sheet1")["A1"] = "备用"
        wb.custom_doc_props.props.clear()
    edit(county_dir / NI_FILE, touch)
    c = roll(county_dir)
    assert c.complete and figures(c) == COUNTY
    assert not [i for i in c.report.issues if i.code == "other-template-version"]


def test_another_standard_version_is_warned_and_counted(county_dir):
    def version(wb):
        for prop in wb.custom_doc_props.props:
            if prop.name == "lianhu_standard":
                prop.value = "2"
    edit(county_dir / NI_FILE, lambda ws: version(ws.parent))
    c = roll(county_dir)
    assert ("other-template-version", NI_FILE, None) in codes(c, "warning")
    assert c.complete and figures(c) == COUNTY


# --- hand corrections --------------------------------------------------------------------------


def test_a_correction_typed_into_a_village_row_only_is_flagged_at_the_total(county_dir):
    """下营村's 致富明星户 typed over as 2, the 合计 left at 1: the 合计 counts (county 2), with a
    warning at B7 saying both figures."""
    edit(county_dir / NI_FILE, lambda ws: ws.__setitem__("B5", 2))
    c = roll(county_dir)
    assert codes(c) == [("totals-rows-disagree", NI_FILE, "B7")]
    (w,) = [i for i in c.report.issues if i.code == "totals-rows-disagree"]
    assert "加起来是 2" in w.message and "合计行写的是 1" in w.message
    assert figures(c) == COUNTY


def test_a_correction_typed_into_both_the_village_and_the_total_counts(county_dir):
    """下营村 and 合计 both corrected to 2 stars: the sheet adds up, the county has 3, and is told
    that the sheet is not as the township's run wrote it (test_seal.py)."""
    edit(county_dir / NI_FILE, lambda ws: (ws.__setitem__("B5", 2), ws.__setitem__("B7", 2)))
    c = roll(county_dir)
    assert c.complete and codes(c) == [("totals-edited", NI_FILE, "A7")]
    assert figures(c) == {**COUNTY, "致富明星户": 3}


def test_a_deleted_village_row_leaves_the_total_counted_and_flagged(county_dir):
    """汪家墩村's row deleted, 合计 (now row 6) untouched: the county keeps 倪家营乡's 合计 and is told,
    column by column, that the villages no longer add up to it: in the nine columns where 汪家墩村's
    figures are not 0 (经济落后户 1, 入户访谈 1, 解决主要问题 1, 办实事 2, 应/实访谈月数 12/1, 应/实记日记月数 12/1,
    主要问题已解决户数 1), and nothing else."""
    edit(county_dir / NI_FILE, lambda ws: delete_rows(ws, 6))
    c = roll(county_dir)
    assert codes(c) == [("totals-rows-disagree", NI_FILE, f"{col}6") for col in "DEGHNOQRT"]
    assert figures(c) == COUNTY


def test_a_village_added_under_the_total_row_is_flagged_not_lost(county_dir):
    """江淮村 typed on row 8, under 合计 (its 合计 not updated): before, it was passed over without a
    word; now a warning at A8. The 合计 counts: the hand count."""
    def add(ws):
        insert_rows(ws, 8)
        ws["A8"], ws["B8"], ws["E8"] = "江淮村", 1, 4
    edit(county_dir / NI_FILE, add)
    c = roll(county_dir)
    assert codes(c) == [("totals-below-total", NI_FILE, "A8")]
    (w,) = [i for i in c.report.issues if i.code == "totals-below-total"]
    assert "江淮村" in w.message and "第 7 行" in w.message
    assert figures(c) == COUNTY


def test_a_sheet_sorted_with_its_total_among_the_villages_counts_as_it_is(county_dir):
    """Sorted by 致富明星户 (a ranking) with the 合计 row caught in the sort: 下营村, 合计, 汪家墩村. The
    合计 holds the village under it: nothing to say. Before, 汪家墩村 (under 合计) was not read and the
    county was warned in nine columns that the villages did not add up to 合计."""
    def sort(ws):
        width = ws.max_column
        values = [[ws.cell(row=r, column=col).value for col in range(1, width + 1)] for r in (6, 7)]
        for r, row in zip((7, 6), values, strict=True):
            for col, value in enumerate(row, start=1):
                ws.cell(row=r, column=col).value = value
    edit(county_dir / NI_FILE, sort)
    c = roll(county_dir)
    assert c.complete and codes(c) == [] and figures(c) == COUNTY


def test_a_signature_line_under_the_total_is_not_a_unit(county_dir):
    edit(county_dir / NI_FILE, lambda ws: (ws.__setitem__("A12", "制表人：张三"), ws.__setitem__("E12", "审核人：李四")))
    c = roll(county_dir)
    assert c.complete and codes(c) == [] and figures(c) == COUNTY


@pytest.mark.parametrize("cell, typed, words", [
    ("O7", 40, "O7（实访谈月数）是 40，大于 N7（应访谈月数）的 36"),
    ("L7", 5, "L7（思想保守户数）是 5，应与 C7（思想保守户）的 1 相同"),
    ("K7", 3, "K7（转化户数）是 3，大于 L7（思想保守户数）的 1"),
])
def test_a_total_row_that_cannot_be_is_refused_at_its_cell(county_dir, cell, typed, words):
    """实访谈月数 over 应访谈月数 (a rate over 100 %), 思想保守户数 no longer 思想保守户: before, counted
    (county 实访谈月数 41, or 转化率 over 6 households that are 2); now 倪家营乡 is refused at the cell."""
    edit(county_dir / NI_FILE, lambda ws: ws.__setitem__(cell, typed))
    c = roll(county_dir)
    state, why = status(c, NI_FILE)
    assert state == "未汇总" and words in why and "未计入" in why
    assert figures(c) == LIAO


@pytest.mark.parametrize("cell, typed, words", [
    ("B7", 200000000, "B7（致富明星户）是 200000000，大得不可能"),
    ("I7", -30000000, "I7（担保贷款(元)）是 -30000000，不能是负数"),
])
def test_an_impossible_figure_is_said_as_typed_not_in_exponent_form(county_dir, cell, typed, words):
    """A clerk reads the figure as he typed it (was 2e+08, -3e+07)."""
    edit(county_dir / NI_FILE, lambda ws: ws.__setitem__(cell, typed))
    c = roll(county_dir)
    state, why = status(c, NI_FILE)
    assert state == "未汇总" and words in why and "e+" not in why
    assert figures(c) == LIAO


# --- period, name, copies ----------------------------------------------------------------------


def test_a_quarter_whose_period_line_was_deleted_is_still_told_from_a_year(county_dir, tmp_path):
    """倪家营乡 sent its third-quarter sheet with the 统计期 line deleted (its title still says
    （2010年第三季度）): before, the county of 2010 counted it as the year; now it is left out as
    another period. A 2010 sheet without its 统计期 line counts (the title says 2010年)."""
    q3 = _totals(tmp_path, "倪家营乡", tmp_path / "q3.xlsx", period=parse_period("2010Q3"))
    edit(q3, lambda ws: delete_rows(ws, 2))
    shutil.copy(q3, county_dir / NI_FILE)
    for period in (None, Y2010):
        c = roll(county_dir, period=period)
        assert codes(c, "error") == [("totals-period-mismatch", NI_FILE, None)]
        assert "2010年第三季度" in status(c, NI_FILE)[1]
        assert figures(c) == LIAO
    year = tmp_path / "year.xlsx"
    _totals(tmp_path / "again", "倪家营乡", year)
    edit(year, lambda ws: delete_rows(ws, 2))
    shutil.copy(year, county_dir / NI_FILE)
    c = roll(county_dir, period=Y2010)
    assert c.complete and codes(c) == [] and figures(c) == COUNTY


def test_a_sheet_that_states_no_period_is_counted_and_said(county_dir):
    """Title and 统计期 line deleted: nothing says the period. It counts, with a warning."""
    edit(county_dir / NI_FILE, lambda ws: delete_rows(ws, 1, 2))
    c = roll(county_dir, period=Y2010)
    assert codes(c) == [("totals-period-unknown", NI_FILE, None)]
    assert figures(c) == COUNTY and {u.unit for u in c.units} == {"倪家营乡", "蓼泉镇"}


def test_copies_of_an_untitled_sheet_count_once_under_the_townships_name(county_dir):
    """The title row deleted: before, the unit was named after the 制表日期 line (“制表日期0301文件2个”),
    with the 统计期 and status lines gone too, after the file: 倪家营乡汇总表.xlsx, its “- 副本” and the
    “(1)” a chat download adds were three units (county stars 4). Now: one 倪家营乡, copies once."""
    edit(county_dir / NI_FILE, lambda ws: delete_rows(ws, 1))  # the title only
    c = roll(county_dir)
    assert {u.unit for u in c.units} == {"倪家营乡", "蓼泉镇"} and figures(c) == COUNTY
    edit(county_dir / NI_FILE, lambda ws: delete_rows(ws, 1, 2))  # the 统计期 and status lines too
    shutil.copy(county_dir / NI_FILE, county_dir / "倪家营乡汇总表 - 副本.xlsx")
    shutil.copy(county_dir / NI_FILE, county_dir / "倪家营乡汇总表(1).xlsx")
    c = roll(county_dir)
    assert {u.unit for u in c.units} == {"倪家营乡", "蓼泉镇"}
    assert figures(c) == COUNTY
    assert sum(1 for i in c.report.issues if i.code == "totals-duplicate") == 2


def test_the_same_township_sent_twice_counts_once(county_dir):
    shutil.copy(county_dir / NI_FILE, county_dir / "倪家营乡汇总表（改）.xlsx")
    c = roll(county_dir)
    assert c.complete and figures(c) == COUNTY
    assert [code for code, _, _ in codes(c)] == ["totals-duplicate"]


def test_an_older_and_a_newer_version_are_both_refused(county_dir, tmp_path):
    """An older 倪家营乡 (made before N-2's April visit was entered: 入户访谈 2) beside the newer: the
    standard's rule for two differing copies — neither counts, both named."""
    old = tmp_path / "old"
    _books(old, "倪家营乡")
    (old / "books" / "倪家营乡" / "下营村.xlsx").unlink()
    write_book(old / "books" / "倪家营乡" / "下营村.xlsx",
               [card("N-1"), card("N-2", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="是")],
               [diary("N-1", D(2010, 3, 6), 服务类别="政策宣传", **{"担保贷款(元)": 3000})])
    c = consolidate([old / "books" / "倪家营乡"], period=Y2010, title="倪家营乡", today=TODAY)
    write_totals(c, county_dir / "倪家营乡汇总表-旧.xlsx")
    c = roll(county_dir)
    assert codes(c, "error") == [("totals-conflict", "倪家营乡汇总表-旧.xlsx", "A7"),
                                 ("totals-conflict", NI_FILE, "A7")]
    assert status(c, NI_FILE)[0] == status(c, "倪家营乡汇总表-旧.xlsx")[0] == "未汇总"
    assert figures(c) == LIAO


def test_one_township_made_twice_under_two_titles_is_flagged(county_dir, tmp_path):
    """倪家营乡's books consolidated once as “倪家营” (a typo in the title) and once as 倪家营乡: two
    names, so not the same unit, and the county adds both (stars 1 + 1 + 1). Before: not a word.
    Now a warning on each saying their villages and figures are identical."""
    _totals(tmp_path, "倪家营乡", county_dir / "倪家营汇总表.xlsx", title="倪家营")
    c = roll(county_dir)
    assert codes(c) == sorted([("totals-same-units", "倪家营汇总表.xlsx", "A7"), ("totals-same-units", NI_FILE, "A7")])
    assert figures(c)["致富明星户"] == 3  # counted twice, and said so


# --- hand-made sheets and units ------------------------------------------------------------------


def _hand_made(path: Path, loans_label: str = "担保贷款(元)", loans: object = 3000,
               title: str = "倪家营乡联户带创汇总表（2010年）") -> None:
    """倪家营乡's figures typed by a clerk into the standard's layout (no rates, one 合计 row)."""
    labels = ["单位"] + [loans_label if h == "担保贷款(元)" else h for h in LABELS]
    total = ["合计"] + [loans if h == "担保贷款(元)" else NI[h] for h in LABELS]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    for row in ([title], labels, total):
        ws.append(row)
    wb.save(path)


@pytest.mark.parametrize("label, typed", [("担保贷款(元)", 3000), ("担保贷款（万元）", 0.3), ("担保贷款(万元)", "0.3")])
def test_a_hand_made_sheet_in_ten_thousands_of_yuan_is_converted(county_dir, label, typed):
    """A clerk's own sheet with 担保贷款（万元） 0.3: before, 0.3 was added as yuan (county loans 0.3,
    not a word said); now 0.3 万元 = 3000 yuan, the hand count."""
    _hand_made(county_dir / NI_FILE, label, typed)
    c = roll(county_dir)
    assert c.complete and figures(c) == COUNTY


@pytest.mark.parametrize("grouped", [["致富明星户", "思想保守户", "经济落后户"], LABELS])
def test_a_hand_made_sheet_with_a_two_row_header_rolls_up(county_dir, grouped):
    """A clerk's header in two rows: 单位 merged down, 联系户 (or 联系户 and 工作情况) merged over
    the labels in the row below. Before: “缺少“致富明星户”…列” (or “缺少“单位”列”), refused."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws.append(["倪家营乡联户带创汇总表（2010年）"])
    upper = ["单位"] + [None if h in grouped else h for h in LABELS]
    upper[1] = "联系户"
    if grouped == LABELS:
        upper[4] = "工作情况"
    ws.append(upper)
    ws.append([None] + [h if h in grouped else None for h in LABELS])
    ws.merge_cells("A2:A3")
    ws.merge_cells("B2:D2")
    ws.append(["合计"] + [NI[h] for h in LABELS])
    wb.save(county_dir / NI_FILE)
    c = roll(county_dir)
    assert c.complete and figures(c) == COUNTY


def test_a_money_column_in_another_unit_is_refused(county_dir):
    _hand_made(county_dir / NI_FILE, "担保贷款（千元）", 3)
    c = roll(county_dir)
    state, why = status(c, NI_FILE)
    assert state == "未汇总" and "I2" in why and "千元" in why
    assert "请把这一列换算成元（或万元）重填，表头改为“担保贷款(元)”" in why  # what to type
    assert figures(c) == LIAO


@pytest.mark.parametrize("title, told", [
    ("2010年度倪家营乡联户带创工作汇总表", False),  # the year, read from the title
    ("倪家营乡联户带创汇总表（截至2010年9月）", True),  # not September alone: not guessed, said
    ("倪家营乡联户带创汇总表", True),
])
def test_a_hand_made_sheets_period_is_read_from_its_title_or_said_to_be_unknown(county_dir, title, told):
    _hand_made(county_dir / NI_FILE, title=title)
    c = roll(county_dir, period=Y2010)
    assert c.complete and figures(c) == COUNTY
    assert codes(c) == ([("totals-period-unknown", NI_FILE, None)] if told else [])


# --- not a totals sheet ----------------------------------------------------------------------------


def test_a_village_book_among_the_totals_stops_the_roll_up_with_its_name(county_dir):
    write_book(county_dir / "下营村.xlsx", [card("X-9")], [])
    c = roll(county_dir)
    assert c.kind == "mixed" and [i.code for i in c.report.errors] == ["mixed-inputs"]
    (told,) = c.report.errors  # the one village book is named, not the townships' totals
    assert told.file == "下营村.xlsx" and "（登记簿：下营村.xlsx）" in told.message
    assert all(f.status == "未汇总" for f in c.report.files)
    assert figures(c) == dict.fromkeys(LABELS, 0)


@pytest.mark.parametrize("name", ["2010汇总", "Sheet1"])
def test_a_renamed_summary_sheet_is_refused_and_told_to_rename_it_back(county_dir, name):
    """Before: “没有名为联户卡或联户日记的工作表…把工作表改名为联户卡、联户日记” — advice for a register,
    not for a 汇总表. Now it says the sheet to rename is 汇总 (the 来源 and 未计入 sheets, or a name
    with 汇总, show it is one)."""
    edit(county_dir / NI_FILE, lambda ws: setattr(ws, "title", name))
    c = roll(county_dir)
    assert codes(c, "error") == [("totals-sheet-renamed", NI_FILE, None)]
    state, why = status(c, NI_FILE)
    assert state == "未汇总" and name in why and "改名为“汇总”" in why
    assert figures(c) == LIAO


@pytest.mark.parametrize("typed", ["合计：", "全乡合计", "总 计"])
def test_a_total_row_labelled_in_a_clerks_words_is_the_total(county_dir, typed):
    """合计 retyped 合计： or 全乡合计: before, “没有单位为合计的行” and 倪家营乡 refused for it (总 计 was
    already read as the total)."""
    edit(county_dir / NI_FILE, lambda ws: ws.__setitem__("A7", typed))
    c = roll(county_dir)
    assert c.complete and codes(c) == [] and figures(c) == COUNTY


def test_a_subtotal_row_is_not_a_unit(county_dir):
    """A 小计 row (a copy of 下营村's figures) inserted above 汪家墩村: before, taken for a unit, so the
    villages “added up” to more than 合计 in eleven columns; now passed over, the sheet adds up."""
    def subtotal(ws):
        insert_rows(ws, 6)
        ws["A6"] = "小计"
        for col in "BCDEFGHIJKLNOQRT":
            ws[f"{col}6"] = ws[f"{col}5"].value
    edit(county_dir / NI_FILE, subtotal)
    c = roll(county_dir)
    assert c.complete and codes(c) == [] and figures(c) == COUNTY
