"""Roll-up: townships' 汇总表 into a county's, rates recomputed from summed counts."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianhu_xl.consolidate import consolidate
from lianhu_xl.period import parse_period
from lianhu_xl.totals_book import write_totals

D = dt.date
TODAY = D(2011, 3, 1)
Y2010 = parse_period("2010")


def totals_of(folder: Path, out: Path, title: str | None, period=Y2010) -> Path:
    c = consolidate([folder], period=period, title=title, today=TODAY)
    return write_totals(c, out)


def conservative(no: str, converted: str, village: str = "下营村", **kw) -> dict:
    return card(no, 村=village, 联系人类别="村干部", 联系户类型="思想保守户", 是否转化=converted, **kw)


@pytest.fixture
def three_townships(tmp_path):
    """倪家营乡 converts 1 of 1, 蓼泉镇 0 of 3, 平川镇 1 of 2: averaging the rates
    would give 50 %, the rate of the county is 2 of 6."""
    books = tmp_path / "books"
    write_book(books / "倪家营乡" / "下营村.xlsx",
               [conservative("N-1", "是"), card("N-2")],
               [diary("N-1", D(2010, m, 6)) for m in (1, 2, 3)])
    write_book(books / "蓼泉镇" / "湾子村.xlsx",
               [conservative(f"L-{i}", "否", village="湾子村") for i in range(3)],
               [diary("L-0", D(2010, 5, 6), **{"担保贷款(元)": 5000})])
    write_book(books / "平川镇" / "平川村.xlsx",
               [conservative("P-1", "是", village="平川村"), conservative("P-2", "否", village="平川村"),
                card("P-3", 村="平川村", 联系人类别="党员", 联系户类型="经济落后户", **{"基期人均纯收入(元)": 2000})],
               [diary("P-3", D(2010, 7, 6), 发现问题="缺资金", 是否主要问题="是", 办理结果="协调解决",
                      解决办法="贷款")])
    county = tmp_path / "县"
    for name in ("倪家营乡", "蓼泉镇", "平川镇"):
        totals_of(books / name, county / f"{name}汇总表.xlsx", name)
    return county


def test_untitled_totals_named_alike_in_two_folders_are_two_townships(tmp_path):
    """Two townships consolidated without a title (folder 收集), each sending 汇总表.xlsx in its own
    folder: the county gets two units named after the folders, both counted, not one offered twice."""
    for town, no in (("倪家营乡", "N-1"), ("蓼泉镇", "L-1")):
        write_book(tmp_path / town / "收集" / "村.xlsx", [card(no)], [diary(no, D(2010, 3, 6))])
        totals_of(tmp_path / town / "收集", tmp_path / "县" / town / "汇总表.xlsx", None)
    write_book(tmp_path / "平川镇" / "收集" / "村.xlsx", [card("P-1"), card("P-2")], [])
    totals_of(tmp_path / "平川镇" / "收集", tmp_path / "县" / "平川镇2010年汇总表.xlsx", None)
    c = consolidate([tmp_path / "县"], title="临泽县", today=TODAY)
    assert c.kind == "totals" and c.complete
    assert sorted((u.unit, u.star, u.interviews) for u in c.units) == [
        ("倪家营乡", 1, 1), ("平川镇", 2, 0), ("蓼泉镇", 1, 1)]


def test_a_township_whose_own_totals_left_rows_out_is_flagged_to_the_county(tmp_path):
    """蓼泉镇's 汇总表 says on its first page that a row was left out for an error: the county's
    run says so, at that cell, and still counts what the township counted."""
    write_book(tmp_path / "倪家营乡" / "村.xlsx", [card("N-1")], [diary("N-1", D(2010, 3, 6))])
    write_book(tmp_path / "蓼泉镇" / "村.xlsx", [card("L-1"), card("L-2", 结对日期="明年")], [])
    for town in ("倪家营乡", "蓼泉镇"):
        totals_of(tmp_path / town, tmp_path / "县" / f"{town}汇总表.xlsx", town)
    c = consolidate([tmp_path / "县"], title="临泽县", today=TODAY)
    flagged = [i for i in c.report.issues if i.code == "totals-incomplete"]
    assert [(i.file, i.sheet, i.cell, i.severity) for i in flagged] == [("蓼泉镇汇总表.xlsx", "汇总", "A3", "warning")]
    assert "1 行因有错误未计入" in flagged[0].message and "重新汇总" in flagged[0].message
    assert sorted((u.unit, u.star) for u in c.units) == [("倪家营乡", 1), ("蓼泉镇", 1)]



def test_a_township_s_rows_left_out_are_still_said_at_the_province(tmp_path):
    """蓼泉镇 left a row out; the county's 汇总表 counts its 合计 and said so only as a warning in
    its 来源 sheet, with a green 全部计入汇总 on top: the province, reading the county's sheet, was
    told nothing, and its figures silently lacked the row. The county's first page now begins
    注意 and says that a township's figures lack rows, and the province is told at that cell."""
    write_book(tmp_path / "倪家营乡" / "村.xlsx", [card("N-1")], [diary("N-1", D(2010, 3, 6))])
    write_book(tmp_path / "蓼泉镇" / "村.xlsx", [card("L-1"), card("L-2", 结对日期="明年")], [])
    for town in ("倪家营乡", "蓼泉镇"):
        totals_of(tmp_path / town, tmp_path / "县" / f"{town}汇总表.xlsx", town)
    county = consolidate([tmp_path / "县"], title="临泽县", period=Y2010, today=TODAY)
    assert county.complete  # every township's sheet was counted
    assert county.headline().startswith("注意") and "1 份汇总表注明有行未计入" in county.headline()
    write_totals(county, tmp_path / "市" / "临泽县汇总表.xlsx")
    province = consolidate([tmp_path / "市"], title="张掖市", period=Y2010, today=TODAY)
    flagged = [i for i in province.report.issues if i.code == "totals-incomplete"]
    assert [(i.file, i.cell, i.severity) for i in flagged] == [("临泽县汇总表.xlsx", "A3", "warning")]
    assert "有行未计入" in flagged[0].message
    assert province.headline().startswith("注意")  # and on up, however many levels
    complete = consolidate([tmp_path / "倪家营乡"], period=Y2010, today=TODAY)
    assert not complete.headline().startswith("注意")  # a township with nothing left out: as before

def test_three_townships_roll_up_one_unit_each_rates_recomputed(three_townships):
    c = consolidate([three_townships], title="临泽县", today=TODAY)
    assert c.kind == "totals" and c.complete
    assert [u.unit for u in c.units] == sorted(["倪家营乡", "蓼泉镇", "平川镇"])
    by = {u.unit: u for u in c.units}
    assert (by["倪家营乡"].star, by["倪家营乡"].conservative, by["倪家营乡"].interviews) == (1, 1, 3)
    assert by["蓼泉镇"].loans == 5000 and by["平川镇"].solved == 1
    t = c.total
    assert (t.star, t.conservative, t.backward) == (1, 6, 1)
    assert (t.converted, t.conservative_households) == (2, 6)
    assert t.conversion_rate == pytest.approx(2 / 6)  # not the average of 100 %, 0 %, 50 %
    # months: 倪家营乡 2 cards × 12, 蓼泉镇 3 × 12, 平川镇 3 × 12
    assert t.interview_months_expected == 96 and t.interview_months_met == 3 + 1 + 1
    assert t.interview_rate == pytest.approx(5 / 96)
    assert c.period is not None and c.period.label == "2010年"  # read back from the townships


def test_county_into_prefecture_likewise(three_townships, tmp_path):
    c = consolidate([three_townships], title="临泽县", today=TODAY)
    write_totals(c, tmp_path / "市" / "临泽县汇总表.xlsx")
    other = tmp_path / "其他县"
    write_book(other / "books" / "村.xlsx", [conservative("G-1", "是", village="甲村")], [])
    totals_of(other / "books", other / "沙河乡.xlsx", "沙河乡")
    county2 = consolidate([other / "沙河乡.xlsx"], title="高台县", today=TODAY)
    write_totals(county2, tmp_path / "市" / "高台县汇总表.xlsx")
    p = consolidate([tmp_path / "市"], title="张掖市", today=TODAY)
    assert [u.unit for u in p.units] == sorted(["临泽县", "高台县"])
    assert (p.total.converted, p.total.conservative_households) == (3, 7)
    assert p.total.conversion_rate == pytest.approx(3 / 7)


def test_the_unit_is_named_from_the_file_when_the_title_names_no_township(tmp_path):
    write_book(tmp_path / "b" / "村.xlsx", [card("X-1")], [])
    totals_of(tmp_path / "b", tmp_path / "县" / "沙河乡.xlsx", None)
    c = consolidate([tmp_path / "县"], today=TODAY)
    assert [u.unit for u in c.units] == ["沙河乡"]


def test_the_same_township_twice_counts_once_and_different_figures_count_not_at_all(three_townships):
    twin = three_townships / "副本" / "倪家营乡汇总表.xlsx"
    twin.parent.mkdir()
    twin.write_bytes((three_townships / "倪家营乡汇总表.xlsx").read_bytes() + b"")
    c = consolidate([three_townships], today=TODAY)
    assert c.complete and c.total.conservative == 6
    assert any(i.code == "totals-duplicate" for i in c.report.warnings)
    # now a second 倪家营乡 with other figures
    books = three_townships.parent / "z_books"
    write_book(books / "村.xlsx", [card("Z-1"), card("Z-2")], [])
    totals_of(books, twin, "倪家营乡")
    c = consolidate([three_townships], today=TODAY)
    assert not c.complete
    assert [u.unit for u in c.units] == sorted(["蓼泉镇", "平川镇"])
    assert sum(1 for i in c.report.errors if i.code == "totals-conflict") == 2


def test_a_township_for_another_period_is_left_out(three_townships, tmp_path):
    write_book(tmp_path / "q" / "村.xlsx", [card("Q-1")], [])
    totals_of(tmp_path / "q", three_townships / "沙河乡汇总表.xlsx", "沙河乡", parse_period("2010Q3"))
    c = consolidate([three_townships], today=TODAY)
    assert not c.complete and "沙河乡" not in [u.unit for u in c.units]
    wrong = next(f for f in c.report.files if f.file == "沙河乡汇总表.xlsx")
    assert wrong.status == "未汇总" and "2010年第三季度" in wrong.why
    # asked for the third quarter, the three 2010 townships are the ones left out
    q3 = consolidate([three_townships], period=parse_period("2010Q3"), today=TODAY)
    assert [u.unit for u in q3.units] == ["沙河乡"]


def test_a_damaged_totals_sheet_is_not_counted(three_townships):
    import openpyxl

    path = three_townships / "蓼泉镇汇总表.xlsx"
    wb = openpyxl.load_workbook(path)
    ws = wb["汇总"]
    ws.cell(row=6, column=2).value = "很多"  # 合计 row, 致富明星户
    wb.save(path)
    c = consolidate([three_townships], today=TODAY)
    bad = next(f for f in c.report.files if f.file == "蓼泉镇汇总表.xlsx")
    assert bad.status == "未汇总" and "B6" in bad.why and "很多" in bad.why
    assert [u.unit for u in c.units] == sorted(["倪家营乡", "平川镇"])


# --- the property: consolidating A and B together = rolling up A's and B's totals ------------

card_spec = st.tuples(
    st.sampled_from(["致富明星户", "思想保守户", "经济落后户"]),
    st.integers(1, 12),  # month linked (2009 for 1–3, so some cards predate the period)
    st.sampled_from(["是", "否", None]),
    st.sampled_from(["甲村", "乙村", "丙村"]),
)
diary_spec = st.tuples(
    st.integers(0, 5),  # which card
    st.integers(0, 13),  # month: 0 = Dec 2009, 13 = Jan 2011 (outside the period)
    st.sampled_from(["入户访谈", "电话联系", "集中座谈"]),
    st.booleans(),  # a service
    st.sampled_from([None, "当场解决", "协调解决", "正在办理"]),
    st.integers(0, 2),  # deeds
    st.sampled_from([0, 500, 3000]),
)
book_spec = st.tuples(st.lists(card_spec, min_size=1, max_size=5), st.lists(diary_spec, max_size=10))


def _book(path: Path, prefix: str, spec) -> None:
    cards_spec, diaries_spec = spec
    kinds = {"致富明星户": "乡干部", "思想保守户": "村干部", "经济落后户": "党员"}
    cards = []
    for i, (kind, month, converted, village) in enumerate(cards_spec):
        linked = D(2009, month + 9, 1) if month <= 3 else D(2010, month, 15)
        extra = {"是否转化": converted} if kind == "思想保守户" and converted else {}
        if kind == "经济落后户":
            extra["基期人均纯收入(元)"] = 2000
        cards.append(card(f"{prefix}-{i}", 村=village, 联系人类别=kinds[kind], 联系户类型=kind,
                          结对日期=linked, 户主=f"{prefix}户{i}", **extra))
    diaries = []
    for n, (which, month, form, service, result, deeds, loans) in enumerate(diaries_spec):
        day = D(2009, 12, 20) if month == 0 else D(2011, 1, 20) if month == 13 else D(2010, month, 1 + n % 28)
        row = diary(f"{prefix}-{which % len(cards)}", day, 形式=form, **{"办实事(件)": deeds,
                                                                       "担保贷款(元)": loans})
        if service:
            row["服务类别"] = "政策宣传"
        if result:
            row.update({"发现问题": f"问题{n}", "是否主要问题": "是", "办理结果": result, "解决办法": "办"})
        diaries.append(row)
    write_book(path, cards, diaries)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=book_spec, b=book_spec)
def test_together_equals_each_rolled_up(a, b):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        _book(root / "A" / "a.xlsx", "A", a)
        _book(root / "B" / "b.xlsx", "B", b)
        together = consolidate([root / "A", root / "B"], period=Y2010, today=TODAY)
        totals_of(root / "A", root / "县" / "甲乡.xlsx", "甲乡")
        totals_of(root / "B", root / "县" / "乙乡.xlsx", "乙乡")
        county = consolidate([root / "县"], today=TODAY)
        assert county.kind == "totals"
        assert county.total.counts() == together.total.counts()
        for rate in ("conversion_rate", "interview_rate", "diary_rate"):
            assert getattr(county.total, rate) == pytest.approx(getattr(together.total, rate))


def test_a_hand_made_totals_sheet_rolls_up_too(three_townships):
    """A county clerk's own 汇总 sheet: full-width brackets, 总计, numbers typed as text."""
    from lianhu_xl.consolidate import HEADER

    labels = [h.replace("(", "（").replace(")", "）") for h in HEADER]
    counts = {"致富明星户": 2, "思想保守户": 4, "转化户数": 1, "思想保守户数": 4, "担保贷款(元)": "3,000元"}
    total = ["总 计"] + [counts.get(h, 0) for h in HEADER[1:]]
    write_book(three_townships / "沙河乡.xlsx", None, None,
               extra_sheets={"汇总": [["2010年度沙河乡联户带创工作汇总表"], labels, total]})
    c = consolidate([three_townships], today=TODAY)
    assert c.complete, [i.message for i in c.report.errors]
    by = {u.unit: u for u in c.units}
    assert by["沙河乡"].star == 2 and by["沙河乡"].loans == 3000
    assert (c.total.converted, c.total.conservative_households) == (3, 10)


def test_a_county_total_among_its_townships_is_not_counted_again(three_townships, tmp_path):
    county = consolidate([three_townships], title="临泽县", today=TODAY)
    write_totals(county, three_townships / "临泽县汇总表.xlsx")  # last year's habit: saved beside them
    c = consolidate([three_townships], today=TODAY)
    assert c.total.counts() == county.total.counts()  # the townships once, not twice
    assert not c.complete and [i.code for i in c.report.errors] == ["totals-nested"]
    nested = next(f for f in c.report.files if f.file == "临泽县汇总表.xlsx")
    assert nested.status == "未汇总" and "重复计数" in nested.why


@pytest.mark.parametrize("typed, why", [(2.5, "应为整数"), (1e20, "大得不可能"), ("NaN", "不是数字"), (-5, "是 -5，不能是负数")])
def test_an_impossible_count_in_a_hand_made_totals_sheet_is_refused(three_townships, typed, why):
    """Half a household, 10^20 households or NaN are mistakes at a cell, never rounded or zero."""
    from lianhu_xl.consolidate import HEADER

    total = ["合计"] + [typed if h == "致富明星户" else 1 for h in HEADER[1:]]
    write_book(three_townships / "沙河乡.xlsx", None, None,
               extra_sheets={"汇总": [["沙河乡联户带创汇总表"], list(HEADER), total]})
    c = consolidate([three_townships], today=TODAY)
    bad = next(f for f in c.report.files if f.file == "沙河乡.xlsx")
    assert bad.status == "未汇总" and "B3" in bad.why and why in bad.why
    assert "沙河乡" not in [u.unit for u in c.units]
    assert not c.complete


def test_unit_rows_that_do_not_add_up_to_the_total_are_a_warning_at_the_total_cell(three_townships):
    """A county clerk's sheet whose villages sum to 5 stars while 合计 says 6: 合计 rolls up, with a warning."""
    from lianhu_xl.consolidate import HEADER

    def row(unit, star):
        return [unit] + [star if h == "致富明星户" else 0 for h in HEADER[1:]]

    write_book(three_townships / "沙河乡.xlsx", None, None,
               extra_sheets={"汇总": [["沙河乡联户带创汇总表"], list(HEADER), row("甲村", 2), row("乙村", 3),
                                      row("合计", 6)]})
    c = consolidate([three_townships], today=TODAY)
    (warning,) = [i for i in c.report.issues if i.code == "totals-rows-disagree"]
    assert (warning.file, warning.cell, warning.severity) == ("沙河乡.xlsx", "B5", "warning")
    assert "5" in warning.message and "6" in warning.message
    assert {u.unit: u.star for u in c.units}["沙河乡"] == 6


@pytest.mark.parametrize("title", ["倪家营乡2010年第一季度联户带创工作汇总表", "2010年度 倪家营乡 联户带创汇总表",
                                   "倪家营乡 · 2010年12月份汇总"])
def test_a_hand_made_title_names_the_township_without_its_year_quarter_or_month(three_townships, title):
    """A clerk's own title carries the period too: the unit is 倪家营乡 (the name its file would
    give), not 倪家营乡第一季度, so it meets the same township under that name."""
    from lianhu_xl.consolidate import HEADER

    total = ["合计"] + [2 if h == "致富明星户" else 0 for h in HEADER[1:]]
    write_book(three_townships / "新.xlsx", None, None, extra_sheets={"汇总": [[title], HEADER, total]})
    c = consolidate([three_townships / "新.xlsx"], today=TODAY)
    assert [u.unit for u in c.units] == ["倪家营乡"]


def test_townships_whose_months_expected_stop_at_different_months_are_told_and_still_counted(tmp_path):
    """One township made its 2010 汇总表 in August (months expected to 2010-08, and its sheet now
    says so), another after the year ended: the county adds them, with a warning on the one unlike
    the rest; townships made at one time say nothing, and the county's sheet carries their month."""
    for town, made in (("甲乡", D(2010, 8, 20)), ("乙乡", TODAY), ("丙乡", TODAY)):
        write_book(tmp_path / town / "村.xlsx", [card(f"{town}-1")], [diary(f"{town}-1", D(2010, 3, 6))])
        c = consolidate([tmp_path / town], period=Y2010, title=town, today=made)
        write_totals(c, tmp_path / "县" / f"{town}.xlsx")
    assert "应访谈月数计到 2010-08" in consolidate([tmp_path / "甲乡"], period=Y2010, today=D(2010, 8, 20)).span_text
    county = consolidate([tmp_path / "县"], period=Y2010, today=TODAY)
    told = [i for i in county.report.issues if i.code == "totals-horizon-differs"]
    assert [(i.file, i.severity) for i in told] == [("甲乡.xlsx", "warning")]
    assert "计到 2010-08" in told[0].message and "统计期的最后一个月" in told[0].message
    assert county.complete and county.total.interview_months_expected == 8 + 12 + 12
    (tmp_path / "县" / "甲乡.xlsx").unlink()  # the two made after the year: alike, nothing said
    county = consolidate([tmp_path / "县"], period=Y2010, today=TODAY)
    assert not [i for i in county.report.issues if i.code == "totals-horizon-differs"]
    assert "计到" not in county.span_text


def test_townships_consolidated_without_a_period_up_to_different_months_are_told(tmp_path):
    """Without --period each township counts months expected up to its own latest diary: 甲乡 to
    2010-03, 乙乡 to 2010-09. Added together the rates compare nothing: the county is told."""
    for town, last in (("甲乡", 3), ("乙乡", 9)):
        write_book(tmp_path / town / "村.xlsx", [card(f"{town}-1")], [diary(f"{town}-1", D(2010, last, 6))])
        write_totals(consolidate([tmp_path / town], title=town, today=TODAY), tmp_path / "县" / f"{town}.xlsx")
    county = consolidate([tmp_path / "县"], today=TODAY)
    told = {i.file: i.message for i in county.report.issues if i.code == "totals-horizon-differs"}
    assert len(told) == 1 and "2010-03" in next(iter(told.values())) and "2010-09" in next(iter(told.values()))


def test_when_as_many_sheets_stop_early_as_at_the_periods_end_the_early_ones_are_told(tmp_path):
    """Two townships: 甲乡 made its 2010 sheet in August, 乙乡 after the year ended. Neither is
    the more common, and the one to make again is 甲乡's (its months expected stop at 2010-08):
    乙乡, whose sheet is complete, was told to make it again after the period ended."""
    for town, made in (("甲乡", D(2010, 8, 20)), ("乙乡", TODAY)):
        write_book(tmp_path / town / "村.xlsx", [card(f"{town}-1")], [diary(f"{town}-1", D(2010, 3, 6))])
        write_totals(consolidate([tmp_path / town], period=Y2010, title=town, today=made),
                     tmp_path / "县" / f"{town}.xlsx")
    county = consolidate([tmp_path / "县"], period=Y2010, today=TODAY)
    told = [i for i in county.report.issues if i.code == "totals-horizon-differs"]
    assert [i.file for i in told] == ["甲乡.xlsx"]
    assert "计到 2010-08" in told[0].message and county.total.interview_months_expected == 8 + 12


def test_townships_without_a_period_tied_between_two_months_tell_the_one_counted_to_the_earlier(tmp_path):
    """Without --period, 甲乡 counted to its latest diary, 2010-03, 乙乡 to 2010-09: the one whose
    months stop sooner is the one told, as the later month holds more of the year."""
    for town, last in (("甲乡", 3), ("乙乡", 9)):
        write_book(tmp_path / town / "村.xlsx", [card(f"{town}-1")], [diary(f"{town}-1", D(2010, last, 6))])
        write_totals(consolidate([tmp_path / town], title=town, today=TODAY), tmp_path / "县" / f"{town}.xlsx")
    county = consolidate([tmp_path / "县"], today=TODAY)
    told = [i for i in county.report.issues if i.code == "totals-horizon-differs"]
    assert [i.file for i in told] == ["甲乡.xlsx"] and "计到 2010-03" in told[0].message
