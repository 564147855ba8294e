"""Session 7: books typed the way township cadres and clerks type them, each consolidated through
the CLI and compared with a count made by hand from the standard. Every case here failed before:
a row wrongly rejected (a date with its weekday, an amount in words), a card lost to a conflict
that is no conflict (a phone typed with dashes in one copy), or a message that could not be acted on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from bookfactory import CARD_LABELS, DIARY_LABELS, card, diary, write_book
from conftest import needs_libreoffice
from realworld_books import col, consolidated, counts_of, hand, libreoffice_save, said, totals_rows

D = dt.date


# --- a diary written like a diary: the weekday and the time after the date ----------------------


def test_dates_with_the_weekday_or_the_time_of_day_after_them_are_those_dates(tmp_path):
    """A diary writes 2010年3月5日 星期五, 2010-4-6 周二, 2010.5.6（周四）, 2010年6月7日14:30,
    2010/7/6 上午10:00, 2010年8月6日下午, and a date pasted with its apostrophe ('2010-9-6): each
    is the date it names, and the visit counts. A weekday that is not that date's (2010年10月6日
    was a Wednesday, typed 星期一) cannot be read either way: an error at the cell saying so."""
    typed = ["2010年3月5日 星期五", "2010-4-6 周二", "2010.5.6（周四）", "2010年6月7日14:30", "2010/7/6 上午10:00",
             "2010年8月6日下午", "'2010-9-6", "2010年10月6日 星期一", "2010年11月6日 14时30分"]
    write_book(tmp_path / "b.xlsx", [card("K1", 结对日期="2010年1月5日 星期二")], [diary("K1", t) for t in typed])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("weekday-mismatch", "联户日记", f"{col('日期')}10")]
    message = issues[0]["message"]
    assert message.startswith("联户日记!B10：") and "“2010年10月6日 星期一”" in message
    assert "2010年10月6日是星期三" in message and "改正日期或星期" in message
    # by hand: the card linked 2010-1-5 (its weekday right), 12 months; 8 interviews, Mar–Sep and Nov
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=8, 应访谈月数=12, 实访谈月数=8, 应记日记月数=12,
                                  实记日记月数=8)


def test_a_time_or_a_weekday_alone_is_still_no_date(tmp_path):
    """What is left when the weekday is taken off must be a whole date: 周五, 2010年3月 星期五 and
    two weekdays are errors quoting the typing."""
    write_book(tmp_path / "b.xlsx", [card("K1")],
               [diary("K1", "周五"), diary("K1", "2010年3月 星期五"), diary("K1", "2010年3月5日 周五 周六"),
                diary("K1", "2010年3月5日晴")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1 and total["入户访谈"] == 0
    assert said(issues) == [("bad-date", "联户日记", f"B{n}") for n in range(3, 7)]


# --- a diary under a title naming the year: 3月5日 -------------------------------------------


def _titled_book(path: Path, card_title: str, diary_title: str, link: object, dates: list[object]) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append([card_title])
    ws.merge_cells("A1:H1")
    ws.append(CARD_LABELS)
    ws.append([card("K1", 结对日期=link).get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append([diary_title])
    d.merge_cells("A1:H1")
    d.append(DIARY_LABELS)
    for day in dates:
        d.append([diary("K1", day).get(label) for label in DIARY_LABELS])
    wb.save(path)


def test_dates_without_a_year_under_a_title_naming_the_year_are_that_years(tmp_path):
    """王明's diary is titled 王明联户日记（二〇一〇年度）and its dates are typed 3月5日, 4.6, 5-6,
    6月7日 星期一 (text cells); the card sheet's title says 2010年 and 结对日期 is 1月5日. A person
    reads each as a 2010 date. 7月32日 is no date, and is said as typed."""
    _titled_book(tmp_path / "b.xlsx", "下营村联户卡（2010年）", "王明联户日记（二〇一〇年度）", "1月5日",
                 ["3月5日", "4.6", "5-6", "6月7日 星期一", "7月32日"])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1
    assert said(issues) == [("bad-date", "联户日记", "B7")]
    assert "“7月32日”" in issues[0]["message"]
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=4, 应访谈月数=12, 实访谈月数=4, 应记日记月数=12,
                                  实记日记月数=4)


def test_without_one_year_in_the_title_a_date_without_its_year_stays_an_error(tmp_path):
    """A title naming two years (2009—2010年度) or none leaves 3月5日 unread: which year is it?"""
    _titled_book(tmp_path / "b.xlsx", "联户卡", "联户日记（2009—2010年度）", D(2009, 10, 5), ["3月5日", D(2010, 3, 6)])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1 and total["入户访谈"] == 1
    assert said(issues) == [("bad-date", "联户日记", "B3")]


# --- amounts and counts written in words and with their units -----------------------------------


def test_amounts_and_counts_written_in_chinese_numerals_and_with_units_are_read(tmp_path):
    """Loans typed 3千, 叁仟元, 0.3万, 3000块, 3000元。, ￥3,000.00, '3000 (pasted), 3000（元）;
    deeds 一件, 两件; ploughing help 2人次, 两次; household size 五口; income 2500元/年."""
    loans = ["3千", "叁仟元", "0.3万", "3000块", "3000元。", "￥3,000.00", "'3000", "3000（元）"]
    rows = [diary("K1", D(2010, 3, 1 + n), **{"担保贷款(元)": loan}) for n, loan in enumerate(loans)]
    rows += [diary("K1", D(2010, 4, 6), **{"办实事(件)": "一件", "帮耕帮畜(次)": "2人次"}),
             diary("K1", D(2010, 5, 6), **{"办实事(件)": "两件", "帮耕帮畜(次)": "两次"})]
    write_book(tmp_path / "b.xlsx",
               [card("K1", 联系人类别="党员", 联系户类型="经济落后户", 家庭人口="五口",
                     **{"基期人均纯收入(元)": "2500元/年"})], rows)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [])
    assert counts_of(total) == hand(经济落后户=1, 入户访谈=10, 办实事=3, 担保贷款=24000, 帮耕帮畜=4, 应访谈月数=12,
                                  实访谈月数=3, 应记日记月数=12, 实记日记月数=3)


def test_numbers_in_words_that_are_no_one_number_stay_errors(tmp_path):
    """三四千 (three or four thousand), 约3000, 5千左右, and 一 alone (a dash typed for "none"?)."""
    write_book(tmp_path / "b.xlsx", [card("K1")],
               [diary("K1", D(2010, 3, n + 1), **{"担保贷款(元)": typed})
                for n, typed in enumerate(["三四千", "约3000", "5千左右", "一"])])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1 and total["入户访谈"] == 0
    assert said(issues) == [("bad-number", "联户日记", f"M{n}") for n in range(3, 7)]


# --- 是/否 written as the column's own words ----------------------------------------------------


def test_yes_and_no_written_as_the_columns_own_words_or_with_a_full_stop(tmp_path):
    """是否转化 typed 已转化 / 未转化 / 是。; 是否主要问题 typed 是。/ 是主要问题 / 不是主要问题."""
    cards = [card(f"C{n}", 联系人类别="村干部", 联系户类型="思想保守户", 户主=f"户{n}", 是否转化=typed)
             for n, typed in enumerate(["已转化", "未转化", "是。", "转化了"])]
    rows = [diary("C0", D(2010, 3, 6), 发现问题="观念旧", 是否主要问题="是。", 解决办法="讲政策", 办理结果="当场解决"),
            diary("C1", D(2010, 3, 6), 发现问题="缺水", 是否主要问题="是主要问题", 解决办法="修渠", 办理结果="协调解决"),
            diary("C2", D(2010, 3, 6), 发现问题="缺肥", 是否主要问题="不是主要问题", 解决办法="买肥", 办理结果="当场解决")]
    write_book(tmp_path / "b.xlsx", cards, rows)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, said(issues)) == (0, [])
    assert (total["思想保守户"], total["转化户数"], total["解决主要问题"], total["主要问题已解决户数"]) == (4, 3, 2, 2)


# --- the same card in two books, its phone typed two ways ----------------------------------------


def test_the_same_card_with_its_phone_typed_with_dashes_in_one_book_counts_once(tmp_path):
    """王明's own book has 联系电话 139-1234-5678; the village clerk typed 13912345678 (and the ID
    with spaces). One household, one number: counted once with a duplicate-card warning, not a
    conflict that left the card and its visits out of the totals."""
    folder = tmp_path / "收集"
    write_book(folder / "王明.xlsx", [card("K1", 联系电话="139-1234-5678", 身份证号="620702198001011231")],
               [diary("K1")])
    write_book(folder / "下营村.xlsx", [card("K1", 联系电话="+86 139 1234 5678", 身份证号="620702 19800101 1231")],
               [diary("K1", "2010.3.6")])
    code, total, issues = consolidated(folder)
    assert code == 0
    assert sorted(i["code"] for i in issues) == ["duplicate-card", "duplicate-diary"]
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                                  实记日记月数=1)


def test_two_phones_that_differ_where_the_mask_hides_are_told_so(tmp_path):
    """13912345678 and 13987655678 both show as 139****5678: the conflict says the hidden digits
    differ, not that they were only written differently."""
    write_book(tmp_path / "a.xlsx", [card("K1", 联系电话="13912345678")], [diary("K1")])
    write_book(tmp_path / "b.xlsx", [card("K1", 联系电话="139-8765-5678")], None)
    code, total, issues = consolidated(tmp_path)
    assert code == 1 and total["致富明星户"] == 0
    told = [i["message"] for i in issues if i["code"] == "conflicting-card"]
    assert len(told) == 2
    assert all("联系电话" in m and "遮住的几位不同" in m and "写法不同" not in m for m in told)


# --- a card or a visit written over two lines, its other cells merged down over both -------------


def _two_line_book(path: Path) -> None:
    """A card whose 帮扶措施 takes two lines and a visit whose 生产生活情况 and 发现问题 take two:
    the clerk typed the rest once and merged it down over both lines (卡号, 日期, 形式 too), as a
    paper form is laid out. A second visit of the same card has its own date under the merged 卡号."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(CARD_LABELS)
    ws.append([card("K1", 帮扶措施="联系农技站上门指导，", 家庭人口=5).get(label) for label in CARD_LABELS])
    ws.append([None if label != "帮扶措施" else "帮助申请小额贷款" for label in CARD_LABELS])
    for c, label in enumerate(CARD_LABELS, start=1):
        if label != "帮扶措施":
            ws.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    ws.append([card("K2", 户主="李二").get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append(DIARY_LABELS)
    d.append([diary("K1", D(2010, 3, 6), 生产生活情况="玉米长势好，", 发现问题="缺水，", 是否主要问题="是", 解决办法="协调水管站",
                    办理结果="协调解决", **{"担保贷款(元)": 3000}).get(label) for label in DIARY_LABELS])
    d.append([{"生产生活情况": "棚圈漏雨", "发现问题": "缺肥"}.get(label) for label in DIARY_LABELS])
    d.append([diary("K1", D(2010, 4, 6), 形式="电话联系").get(label) for label in DIARY_LABELS])
    for c, label in enumerate(DIARY_LABELS, start=1):
        if label not in ("卡号", "生产生活情况", "发现问题"):
            d.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    d.merge_cells("A2:A4")  # 卡号 over both visits
    d.append([diary("K2", D(2010, 3, 8)).get(label) for label in DIARY_LABELS])
    wb.save(path)


def test_a_card_and_a_visit_written_over_two_merged_lines_are_one_card_and_one_visit(tmp_path):
    """By hand: two cards (K1 once, not two copies that disagree in 帮扶措施), K1's visit of March
    with its main problem solved and 3000 yuan once, its phone call in April, K2's visit. Before,
    the two lines of K1 were two copies of one card differing in 帮扶措施: conflicting-card, K1 and
    every visit of it left out of the totals."""
    _two_line_book(tmp_path / "b.xlsx")
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0
    assert {i["code"] for i in issues} == {"continued-row"}
    assert said(issues) == [("continued-row", "联户卡", "Q3"), ("continued-row", "联户日记", "F3")]
    message = next(i["message"] for i in issues if i["sheet"] == "联户卡")
    assert message.startswith("联户卡!Q3：") and "第 2 行" in message
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=2, 解决主要问题=1, 担保贷款=3000, 应访谈月数=24,
                                  实访谈月数=2, 应记日记月数=24, 实记日记月数=3, 主要问题已解决户数=1)


def test_a_second_line_with_its_own_result_under_a_merged_visit_is_still_a_row(tmp_path):
    """A second problem found on the same visit, typed on its own line with its own 办理结果 (and
    the date and form merged over both): a row of its own, as before (the standard counts rows)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(CARD_LABELS)
    ws.append([card("K1").get(label) for label in CARD_LABELS])
    d = wb.create_sheet("联户日记")
    d.append(DIARY_LABELS)
    d.append([diary("K1", D(2010, 3, 6), 发现问题="缺水", 解决办法="修渠", 办理结果="当场解决").get(label)
              for label in DIARY_LABELS])
    d.append([{"发现问题": "缺肥", "解决办法": "买肥", "办理结果": "正在办理"}.get(label) for label in DIARY_LABELS])
    for c, label in enumerate(DIARY_LABELS, start=1):
        if label in ("卡号", "日期", "形式"):
            d.merge_cells(start_row=2, start_column=c, end_row=3, end_column=c)
    wb.save(tmp_path / "b.xlsx")
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, issues) == (0, [])
    assert (total["入户访谈"], total["实访谈月数"]) == (2, 1)


# --- the column names a township's own form uses -------------------------------------------------


def test_a_register_whose_columns_carry_the_townships_own_names_is_read(tmp_path):
    """The township printed its own form: 联户卡编号, 联系干部, 联系人类型, 行政村, 组, 联系户户主,
    农户类型, 存在的主要问题 on the card; 走访日期 and 联系方式 on the diary. Each is the standard's
    column (before, a required one missing refused the whole sheet: every card and visit lost)."""
    names = {"卡号": "联户卡编号", "联系人": "联系干部", "联系人类别": "联系人类型", "村": "行政村", "社": "组",
             "户主": "联系户户主", "联系户类型": "农户类型", "主要问题": "存在的主要问题"}
    card_labels = [names.get(label, label) for label in CARD_LABELS]
    diary_names = {"日期": "走访日期", "形式": "联系方式"}
    diary_labels = [diary_names.get(label, label) for label in DIARY_LABELS]
    cards = [{names.get(k, k): v for k, v in card(no, 户主=f"户{no}").items()} for no in ("K1", "K2")]
    visits = [{diary_names.get(k, k): v for k, v in diary(no, D(2010, 3, 6)).items()} for no in ("K1", "K2")]
    write_book(tmp_path / "b.xlsx", cards, visits, card_labels=card_labels, diary_labels=diary_labels)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert (code, issues) == (0, [])
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=2, 应访谈月数=24, 实访谈月数=2, 应记日记月数=24, 实记日记月数=2)


def test_a_time_of_day_column_beside_the_date_column_is_not_the_date(tmp_path):
    """A diary with both 日期 and 时间 (the hour of the visit): 日期 is the date; 时间 is a column
    the standard does not have, said once and kept nowhere."""
    labels = [*DIARY_LABELS[:2], "时间", *DIARY_LABELS[2:]]
    write_book(tmp_path / "b.xlsx", [card("K1")], [{**diary("K1", D(2010, 3, 6)), "时间": "14:30"}],
               diary_labels=labels)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0 and said(issues) == [("unknown-column", "联户日记", "C2")]
    assert (total["入户访谈"], total["实访谈月数"]) == (1, 1)


# --- a diary's 卡号 typed without the card's dash ------------------------------------------------


def test_a_diary_card_number_without_the_cards_dash_points_at_that_card(tmp_path):
    """The cards are NJY-001 and 倪-003; the diary writes NJY001, NJY-1 and 倪003. The standard
    wants the card's own number (each stays unknown-card, left out), but the message names the
    card it is like, so the clerk knows what to type; a number like none stays as it was."""
    write_book(tmp_path / "b.xlsx", [card("NJY-001"), card("倪-003", 户主="李三")],
               [diary("NJY001"), diary("NJY-1", D(2010, 4, 6)), diary("倪003", D(2010, 5, 6)),
                diary("XY-9", D(2010, 6, 6))])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 1 and total["入户访谈"] == 0
    by_cell = {i["cell"]: i["message"] for i in issues if i["code"] == "unknown-card"}
    assert sorted(by_cell) == ["A3", "A4", "A5", "A6"]
    assert "联户卡上有“NJY-001”" in by_cell["A3"] and "联户卡上有“NJY-001”" in by_cell["A4"]
    assert "联户卡上有“倪-003”" in by_cell["A5"] and "联户卡上有" not in by_cell["A6"]


# --- 同上 (ditto) -----------------------------------------------------------------------------


def test_cells_typed_tong_shang_read_as_the_line_above(tmp_path):
    """A clerk writes 同上 (or the ditto mark 〃) instead of repeating the line above: K2's linker,
    category, 村, 社 and 结对日期, K3's 村 and 社; on the diary a second visit's 卡号, another's date
    and form. By hand: three cards of 下营村 (before, K3 was a village named 同上, silently, and K2
    was left out for its 类别 and 结对日期), three interviews. Said once per sheet."""
    write_book(tmp_path / "b.xlsx",
               [card("K1"), card("K2", 户主="李二", 联系人="同上", 联系人类别="同上", 村="同上", 社="〃", 结对日期="同上"),
                card("K3", 户主="李三", 村="同上", 社="同上")],
               [diary("K1", D(2010, 3, 6)), diary("同上", D(2010, 4, 6)), diary("K2", "同上", 形式="同上")])
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0
    assert said(issues) == [("ditto-cells", "联户卡", "A4"), ("ditto-cells", "联户日记", "A4")]
    assert all("第 4–5 行" in i["message"] and "上一行" in i["message"] for i in issues)
    book = totals_rows(tmp_path / "汇总表.xlsx")
    assert "同上" not in book and book["下营村"]["致富明星户"] == 3
    assert counts_of(total) == hand(致富明星户=3, 入户访谈=3, 应访谈月数=36, 实访谈月数=3, 应记日记月数=36, 实记日记月数=3)


# --- 服务类别 numbered or joined with + ------------------------------------------------------------


def test_services_numbered_or_joined_with_plus_are_the_services_named(tmp_path):
    """The village clerk retyped 王明's visit with its services numbered (1.政策宣传 2.实用技术);
    another visit lists ①市场信息②帮扶项目, a third 增收措施+实用技术等. The same visit in both books is
    one visit (it was conflicting-diary: both left out), and no service is called unknown."""
    folder = tmp_path / "收集"
    write_book(folder / "王明.xlsx", [card("K1")],
               [diary("K1", D(2010, 3, 6), 服务类别="政策宣传、实用技术", **{"担保贷款(元)": 3000})])
    write_book(folder / "下营村.xlsx", [card("K1")],
               [diary("K1", D(2010, 3, 6), 服务类别="1.政策宣传 2.实用技术", **{"担保贷款(元)": 3000}),
                diary("K1", D(2010, 4, 6), 服务类别="①市场信息②帮扶项目"),
                diary("K1", D(2010, 5, 6), 服务类别="增收措施+实用技术等")])
    code, total, issues = consolidated(folder)
    assert code == 0
    assert sorted(i["code"] for i in issues) == ["duplicate-card", "duplicate-diary"]
    assert (total["入户访谈"], total["提供服务"], total["担保贷款(元)"], total["实访谈月数"]) == (3, 3, 3000, 3)


# --- a township's collection, every habit above at once, counted by hand --------------------------


def _sheet(wb: openpyxl.Workbook, name: str, title: str | None, labels: list[str], rows: list[dict]) -> None:
    ws = wb.create_sheet(name)
    if title:
        ws.append([title])
        ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws.append(labels)
    for row in rows:
        ws.append([row.get(label) for label in labels])


def township_collection(folder: Path) -> dict[str, float]:
    """倪家营乡's folder: 王明's own book, 下营村's book and 汪家墩村's, typed with the habits this
    file tests. Returns the 2010 hand count (see the comments)."""
    folder.mkdir(parents=True)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    k1 = card("K-001", 户主="李一", 结对日期="2010年1月5日 星期二", 联系电话="139-1234-5678", 主要问题="缺技术")
    _sheet(wb, "联户卡", "王明联户卡（2010年）", CARD_LABELS, [k1])
    _sheet(wb, "联户日记", "王明联户日记（2010年）", DIARY_LABELS,
           [diary("K-001", "1月20日"), diary("K-001", "2月3日 星期三", **{"担保贷款(元)": "0.5万"}),
            diary("K-001", "3.5", 服务类别="1.政策宣传 2.实用技术")])
    wb.save(folder / "王明.xlsx")

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    k3 = card("K-003", 联系人="刘五", 联系人类别="党员", 社="五社", 户主="李三", 联系户类型="经济落后户", 家庭人口="五口",
              结对日期="2010-3-1", 主要问题="缺资金", 帮扶措施="帮助申请小额贷款，",
              **{"基期人均纯收入(元)": "2500元/年"})
    _sheet(wb, "联户卡", "下营村联户卡", CARD_LABELS,
           [{**k1, "结对日期": D(2010, 1, 5), "联系电话": "13912345678"},
            card("K-002", 联系人="张书记", 联系人类别="村干部", 村="同上", 社="四社", 户主="李二", 联系户类型="思想保守户",
                 结对日期="2010.3.1", 主要问题="观念旧", 是否转化="已转化"),
            k3, {"帮扶措施": "联系农技站上门指导"}])
    ws = wb["联户卡"]
    for c, label in enumerate(CARD_LABELS, start=1):  # K-003 over rows 5 and 6, 帮扶措施 on both
        if label != "帮扶措施":
            ws.merge_cells(start_row=5, start_column=c, end_row=6, end_column=c)
    _sheet(wb, "联户日记", None, DIARY_LABELS,
           [diary("K-001", "2010-3-5 周五", 服务类别="政策宣传、实用技术"),
            diary("K-002", "2010年4月6日 下午", 发现问题="不愿贷款", 是否主要问题="是。", 解决办法="讲政策",
                  办理结果="当场解决"),
            diary("同上", "2010年5月6日", 形式="电话联系"),
            diary("K-003", "2010.4.8", **{"办实事(件)": "一件", "帮耕帮畜(次)": "两次", "担保贷款(元)": "叁仟元"})])
    wb.save(folder / "下营村.xlsx")

    names = {"卡号": "联户卡编号", "联系人": "联系干部", "联系人类别": "联系人类型", "村": "行政村", "社": "组",
             "户主": "联系户户主", "联系户类型": "农户类型", "主要问题": "存在的主要问题"}
    on_diary = {"日期": "走访日期", "形式": "联系方式"}
    w1 = card("W-01", 联系人="赵六", 联系人类别="党员", 村="汪家墩村", 社="五社", 户主="王五", 联系户类型="经济落后户",
              结对日期="2010.6.1", 主要问题="缺劳力", **{"基期人均纯收入(元)": "1800元"})
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "联户卡", "汪家墩村联户卡（二〇一〇年）", [names.get(x, x) for x in CARD_LABELS],
           [{names.get(k, k): v for k, v in w1.items()}])
    _sheet(wb, "联户日记", None, [on_diary.get(x, x) for x in DIARY_LABELS],
           [{on_diary.get(k, k): v for k, v in diary("W-01", "2010年6月8日 星期二", **{"担保贷款(元)": "3千"}).items()}])
    wb.save(folder / "汪家墩村.xlsx")
    # Cards: K-001 (in both 王明's book and 下营村's, its phone typed two ways: one card), K-002
    # (村 同上: 下营村; 已转化), K-003 (over two lines: one card), W-01. 致富明星户 1, 思想保守户 1
    # (converted), 经济落后户 2. Months: K-001 Jan–Dec 12, K-002 and K-003 Mar–Dec 10 each, W-01
    # Jun–Dec 7 = 39. Visits: K-001 Jan 20, Feb 3 (5000), Mar 5 (services; typed in both books:
    # once); K-002 Apr 6 (main problem solved), May 6 by phone (卡号 同上); K-003 Apr 8 (a deed, two
    # helps, 3000); W-01 Jun 8 (3000). 入户访谈 6, 提供服务 1, 实访谈月数 3 + 1 + 1 + 1, 实记日记月数 7.
    return hand(致富明星户=1, 思想保守户=1, 经济落后户=2, 入户访谈=6, 提供服务=1, 解决主要问题=1, 办实事=1,
                担保贷款=11000, 帮耕帮畜=2, 转化户数=1, 思想保守户数=1, 应访谈月数=39, 实访谈月数=6,
                应记日记月数=39, 实记日记月数=7, 主要问题已解决户数=1)


def test_a_townships_collection_typed_every_way_above_gives_the_hand_count(tmp_path):
    want = township_collection(tmp_path / "收集")
    code, total, issues = consolidated(tmp_path / "收集")
    assert code == 0, [i["message"] for i in issues]
    assert sorted({i["code"] for i in issues}) == ["continued-row", "ditto-cells", "duplicate-card",
                                                    "duplicate-diary"]
    assert counts_of(total) == want
    units = totals_rows(tmp_path / "收集" / "汇总表.xlsx")
    assert [u for u in units if u != "合计"] == ["下营村", "汪家墩村"]
    assert (units["下营村"]["经济落后户"], units["汪家墩村"]["担保贷款(元)"]) == (1, 3000)


@needs_libreoffice
def test_the_townships_collection_saved_again_by_libreoffice_gives_the_same_count(tmp_path):
    """Opened and saved again in LibreOffice (as WPS or LibreOffice users do): text dates and amounts,
    merged lines and 同上 are rewritten that program's way; the count must not move."""
    want = township_collection(tmp_path / "src")
    libreoffice_save(sorted((tmp_path / "src").glob("*.xlsx")), tmp_path / "收集")
    code, total, issues = consolidated(tmp_path / "收集")
    assert code == 0, [i["message"] for i in issues]
    assert counts_of(total) == want


# --- 担保贷款 in 万元 ----------------------------------------------------------------------------------


def test_loans_in_a_column_headed_in_wan_yuan_are_counted_in_yuan(tmp_path):
    """The township's form heads the column 担保贷款（万元）: the clerk typed 0.3, 1.2 and 5000元 (a
    receipt's figure). By hand: 3000 + 12000 + 5000 yuan. Before, the column was an extra one and
    every loan was missing from the 汇总, with exit 0."""
    labels = [{"担保贷款(元)": "担保贷款（万元）"}.get(x, x) for x in DIARY_LABELS]
    rows = [{"担保贷款（万元）" if k == "担保贷款(元)" else k: v for k, v in diary("K1", D(2010, m, 6), **{"担保贷款(元)": x}).items()}
            for m, x in ((3, 0.3), (4, "1.2"), (5, "5000元"))]
    write_book(tmp_path / "b.xlsx", [card("K1")], rows, diary_labels=labels)
    code, total, issues = consolidated(tmp_path / "b.xlsx")
    assert code == 0 and said(issues) == [("wan-column", "联户日记", "M2")]
    assert "0.3 计为 3000 元" in issues[0]["message"] and issues[0]["message"].startswith("联户日记!M2：")
    assert (total["担保贷款(元)"], total["入户访谈"]) == (20000, 3)


# --- 无 for a number not at hand ----------------------------------------------------------------------


def test_an_id_number_or_phone_typed_wu_is_a_blank_cell(tmp_path):
    """The head's 身份证号 not at hand, typed 无 (or —); his phone 暂无 in the cadre's book, left blank
    in the village's. One household counted, its visit too (before: bad-id-number, the card and its
    visits left out; and the two copies conflicted over the phone)."""
    folder = tmp_path / "收集"
    write_book(folder / "王明.xlsx", [card("K1", 身份证号="无", 联系电话="暂无"), card("K2", 户主="李二", 身份证号="—")],
               [diary("K1"), diary("K2")])
    write_book(folder / "下营村.xlsx", [card("K1", 身份证号="无")], None)
    code, total, issues = consolidated(folder)
    assert code == 0 and sorted(i["code"] for i in issues) == ["duplicate-card"]
    assert (total["致富明星户"], total["入户访谈"], total["实访谈月数"]) == (2, 2, 2)
