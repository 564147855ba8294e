"""The models say exactly what /work/shared/domain/workbook-standard.md says: every column,
its rule, and the rules between the cells of one row."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from bookfactory import card, diary, write_book

from lianhu_xl.catalogue import CATALOGUE
from lianhu_xl.standard import (
    EXPECTED_PAIRING,
    HOUSEHOLD_TYPES,
    LINKER_KINDS,
    CardRow,
    DiaryRow,
    check_row,
    columns_of,
)
from lianhu_xl.validate import validate
from lianhu_xl.values import id_check_char

CARD_COLUMNS = [
    ("卡号", True), ("联系人", True), ("联系人类别", True), ("职务", False), ("所属支部", False),
    ("村", True), ("社", True), ("户主", True), ("联系户类型", True), ("家庭人口", False),
    ("身份证号", False), ("联系电话", False), ("主导产业", False), ("结对日期", True),
    ("基期人均纯收入(元)", False), ("主要问题", True), ("帮扶措施", False), ("年末人均纯收入(元)", False),
    ("经济有发展", False), ("思想有进步", False), ("认识有提高", False), ("是否转化", False), ("备注", False),
]
DIARY_COLUMNS = [
    ("卡号", True), ("日期", True), ("联系人", False), ("户主", False), ("形式", True),
    ("生产生活情况", False), ("发现问题", False), ("是否主要问题", False), ("解决办法", False),
    ("办理结果", False), ("服务类别", False), ("办实事(件)", False), ("担保贷款(元)", False),
    ("帮耕帮畜(次)", False), ("调阅人", False), ("调阅日期", False), ("调阅意见", False),
]

CARD = {"card_no": "XY-001", "linker": "王明", "linker_kind": "乡干部", "village": "下营村", "team": "六社",
        "head": "李进忠", "household_type": "致富明星户", "link_date": "2010-3-1", "main_problem": "缺技术"}
DIARY = {"card_no": "XY-001", "date": "2010-9-6", "form": "入户访谈"}


def found(model, **over) -> set[tuple[str, str]]:
    """(code, field) of every problem of one row."""
    base = CARD if model is CardRow else DIARY
    return {(code, name) for code, name, _ in check_row(model, {**base, **over}).problems}


def codes(model, **over) -> set[str]:
    return {code for code, _ in found(model, **over)}


# --- the columns ---------------------------------------------------------------


@pytest.mark.parametrize("model, expected", [(CardRow, CARD_COLUMNS), (DiaryRow, DIARY_COLUMNS)])
def test_every_column_of_the_standard_in_order(model, expected):
    assert [(c.label, c.required) for c in columns_of(model)] == expected


@pytest.mark.parametrize("model", [CardRow, DiaryRow])
def test_every_column_explains_itself_and_its_example_is_valid(model):
    row = {}
    for col in columns_of(model):
        assert col.help and col.rule, col.label
        assert col.example or col.label == "备注", col.label
        row[col.name] = col.example or None
    check = check_row(model, row)
    errors = [p for p in check.problems if CATALOGUE[p[0]].severity == "error"]
    assert check.ok and not errors, errors


def test_choices_are_the_standards():
    cols = {c.label: c for c in columns_of(CardRow)} | {f"日记{c.label}": c for c in columns_of(DiaryRow)}
    assert cols["联系人类别"].choices == ("乡干部", "村干部", "社干部", "党员")
    assert cols["联系户类型"].choices == ("致富明星户", "思想保守户", "经济落后户")
    assert cols["日记形式"].choices == ("入户访谈", "电话联系", "集中座谈", "其他")
    assert cols["日记办理结果"].choices == ("当场解决", "协调解决", "正在办理", "未解决")
    assert cols["日记服务类别"].choices == ("政策宣传", "实用技术", "市场信息", "帮扶项目", "解决问题", "增收措施")
    for label in ("经济有发展", "思想有进步", "认识有提高", "是否转化", "日记是否主要问题"):
        assert cols[label].kind == "yesno" and cols[label].choices == ("是", "否")


def test_a_good_row_has_no_problem_and_becomes_a_model():
    check = check_row(CardRow, CARD)
    assert check.ok and check.problems == []
    assert check.model.link_date == dt.date(2010, 3, 1)


# --- field rules ---------------------------------------------------------------


@pytest.mark.parametrize("model, name", [(CardRow, c.name) for c in columns_of(CardRow) if c.required]
                         + [(DiaryRow, c.name) for c in columns_of(DiaryRow) if c.required])
def test_each_required_cell_left_empty_is_an_error(model, name):
    check = check_row(model, {**(CARD if model is CardRow else DIARY), name: "  "})
    assert not check.ok
    assert ("required", name) in {(c, n) for c, n, _ in check.problems}


@pytest.mark.parametrize("typed, code", [("书记", "bad-choice"), ("乡 干部", None), ("党员 ", None)])
def test_linker_kind_must_be_one_of_the_four(typed, code):
    problems = found(CardRow, linker_kind=typed)
    assert (("bad-choice", "linker_kind") in problems) == (code is not None)


@pytest.mark.parametrize("kind, household", list(itertools.product(LINKER_KINDS, HOUSEHOLD_TYPES)))
def test_pairing_other_than_expected_is_a_warning_never_an_error(kind, household):
    check = check_row(CardRow, {**CARD, "linker_kind": kind, "household_type": household,
                                "base_income": 2000})
    assert check.ok  # a warning never leaves anything out
    warned = ("unusual-pairing", "household_type") in {(c, n) for c, n, _ in check.problems}
    assert warned == (EXPECTED_PAIRING[kind] != household)


def test_pairing_warning_says_what_was_expected():
    check = check_row(CardRow, {**CARD, "linker_kind": "党员"})
    (_, _, ctx), = [p for p in check.problems if p[0] == "unusual-pairing"]
    assert ctx == {"detail": "党员", "expected": "经济落后户"}


def valid_id(body: str = "62070219800101123") -> str:
    return body + id_check_char(body)


def test_resident_id_check_digit():
    good = valid_id()
    assert codes(CardRow, id_number=good) == set()
    wrong_last = good[:17] + ("0" if good[17] != "0" else "1")
    assert ("bad-id-number", "id_number") in found(CardRow, id_number=wrong_last)
    assert ("bad-id-number", "id_number") in found(CardRow, id_number=good[:15])
    assert ("bad-id-number", "id_number") in found(CardRow, id_number=6.20702198001011e17)


@pytest.mark.parametrize("size, code", [("1", None), ("30", None), ("5人", None), ("0", "out-of-range"),
                                        ("31", "out-of-range"), ("2.5", "not-whole"), ("五", None), ("五六", "bad-number")])
def test_household_size_is_a_whole_number_1_to_30(size, code):
    assert codes(CardRow, household_size=size) == ({code} if code else set())


@pytest.mark.parametrize("model, name", [(CardRow, "base_income"), (CardRow, "year_end_income"),
                                         (DiaryRow, "loans"), (DiaryRow, "deeds"), (DiaryRow, "plough_help")])
def test_amounts_and_counts_are_not_negative(model, name):
    assert ("out-of-range", name) in found(model, **{name: "-1"})
    assert not {c for c, n in found(model, **{name: "0"}) if n == name}


@pytest.mark.parametrize("name", ["deeds", "plough_help"])
def test_deeds_and_helps_are_whole(name):
    assert ("not-whole", name) in found(DiaryRow, **{name: "1.5"})
    assert ("not-whole", "loans") not in found(DiaryRow, loans="1.5")


def test_income_expected_for_economically_behind_households():
    behind = {"linker_kind": "党员", "household_type": "经济落后户"}
    assert ("income-expected", "base_income") in found(CardRow, **behind)
    assert "income-expected" not in codes(CardRow, **behind, base_income="2500元")
    assert "income-expected" not in codes(CardRow)  # a 致富明星户 need not give it
    # a wrong income is its own error, not also "missing"
    assert codes(CardRow, **behind, base_income="约两千") == {"bad-number"}


@pytest.mark.parametrize("household, warned", [("思想保守户", False), ("致富明星户", True), ("经济落后户", True)])
def test_conversion_is_meaningful_for_conservative_households_only(household, warned):
    problems = found(CardRow, household_type=household, converted="是", base_income=1)
    assert (("conversion-not-applicable", "converted") in problems) == warned
    assert "conversion-not-applicable" not in codes(CardRow, household_type=household, base_income=1)


@pytest.mark.parametrize("phone, warned", [("13912345678", False), ("0936-1234567", False),
                                           ("1391234567", True), ("无", False), ("没电话", True)])
def test_phone_that_does_not_look_like_one_is_a_warning(phone, warned):
    check = check_row(CardRow, {**CARD, "phone": phone})
    assert check.ok
    assert (("bad-phone", "phone") in {(c, n) for c, n, _ in check.problems}) == warned


# --- diary rules -----------------------------------------------------------------


def test_result_required_when_a_problem_is_found():
    assert ("result-required", "result") in found(DiaryRow, problem="缺滴灌设备", solution="协调")
    assert codes(DiaryRow, problem="缺滴灌设备", solution="协调", result="协调解决") == set()
    assert codes(DiaryRow, result="协调解决") == set()  # a result alone is fine
    # a result typed wrong is reported once, as a bad choice, not also as missing
    assert codes(DiaryRow, problem="缺滴灌设备", solution="协调", result="办好了") == {"bad-choice"}


def test_solution_expected_when_a_problem_is_found_is_a_warning():
    check = check_row(DiaryRow, {**DIARY, "problem": "缺滴灌设备", "result": "正在办理"})
    assert check.ok and [p[0] for p in check.problems] == ["solution-expected"]


def test_date_not_in_the_future():
    today = dt.date.today()
    assert ("future-date", "date") in found(DiaryRow, date=today + dt.timedelta(days=1))
    assert codes(DiaryRow, date=today) == set()


@pytest.mark.parametrize("review, warned", [("2010-9-5", True), ("2010-9-6", False), ("2010-9-30", False)])
def test_review_before_the_entry_is_a_warning(review, warned):
    check = check_row(DiaryRow, {**DIARY, "review_date": review})
    assert check.ok
    assert (("review-before-date", "review_date") in {(c, n) for c, n, _ in check.problems}) == warned


@pytest.mark.parametrize("typed", ["政策宣传、实用技术", "政策宣传,实用技术", "政策宣传，实用技术", "政策宣传;实用技术",
                                   "政策宣传；实用技术", "政策宣传 实用技术"])
def test_services_separated_every_way(typed):
    check = check_row(DiaryRow, {**DIARY, "services": typed})
    assert check.ok and check.problems == []
    assert check.model.services == ("政策宣传", "实用技术")


def test_unknown_service_is_a_warning_naming_it():
    check = check_row(DiaryRow, {**DIARY, "services": "政策宣传、送温暖"})
    assert check.ok
    (code, name, ctx), = check.problems
    assert (code, name, ctx["value"]) == ("unknown-service", "services", "送温暖")


def test_main_problem_defaults_to_no():
    check = check_row(DiaryRow, {**DIARY, "problem": "缺水", "solution": "打井", "result": "当场解决"})
    assert check.model.is_main_problem is None and not check.model.solved_main_problem
    check = check_row(DiaryRow, {**DIARY, "problem": "缺水", "solution": "打井", "result": "当场解决",
                                 "is_main_problem": "√"})
    assert check.model.solved_main_problem


# --- a row with an error still shows all its problems --------------------------------


def test_a_bad_cell_does_not_hide_the_rows_other_problems():
    check = check_row(CardRow, {**CARD, "link_date": "2010-13-1", "linker_kind": "党员",
                                "household_type": "致富明星户", "converted": "是", "phone": "123"})
    assert not check.ok
    assert {(c, n) for c, n, _ in check.problems} == {
        ("bad-date", "link_date"), ("unusual-pairing", "household_type"),
        ("conversion-not-applicable", "converted"), ("bad-phone", "phone")}
    assert "link_date" not in check.fields and check.fields["linker_kind"] == "党员"


def test_a_bad_diary_date_does_not_hide_the_missing_result():
    check = check_row(DiaryRow, {**DIARY, "date": "九月六日", "problem": "缺水", "services": "送温暖"})
    assert {c for c, _, _ in check.problems} == {"bad-date", "result-required", "solution-expected",
                                                 "unknown-service"}


def test_rules_that_need_an_unreadable_cell_stay_silent():
    # the review date cannot be compared with a date that could not be read
    assert codes(DiaryRow, date="2010-9-31", review_date="2010-9-1") == {"bad-date"}
    # a bad 联系人类别 says nothing about the pairing
    assert codes(CardRow, linker_kind="书记") == {"bad-choice"}


def test_in_a_workbook_every_problem_of_the_row_is_reported_and_the_row_not_counted(tmp_path):
    write_book(tmp_path / "b.xlsx",
               [card("XY-001"), card("XY-002", 联系户类型="经济落后户", 结对日期="2010-2-30", 联系电话="12345")],
               [diary("XY-001", "2010-9-6", 发现问题="缺水"),
                diary("XY-404", "2010-9-31")])
    result = validate([tmp_path / "b.xlsx"])
    got = {(i.sheet, i.cell, i.code) for i in result.report.issues}
    assert {("联户卡", "N4", "bad-date"), ("联户卡", "I4", "unusual-pairing"), ("联户卡", "L4", "bad-phone"),
            ("联户卡", "O4", "income-expected")} <= got
    assert {("联户日记", "J3", "result-required"), ("联户日记", "I3", "solution-expected")} <= got
    # a diary row with a bad date still learns that its 卡号 names no card
    assert {("联户日记", "B4", "bad-date"), ("联户日记", "A4", "unknown-card")} <= got
    summary = result.report.files[0]
    assert (summary.card_rows, summary.diary_rows) == (2, 2)
    # only XY-001's card counts: its diary has an error (no 办理结果), the other two rows too
    assert summary.counted == 1 and summary.excluded == 3


def test_a_number_far_larger_than_a_register_holds_is_asked_about_and_still_counted(tmp_path):
    """30000000 for 3000 (extra 0s), 万元 taken for 元, 21 ploughings in one visit: a warning at the
    cell naming the limit and what to check; the row is counted as typed (the standard sets no
    upper bound), and a number at the limit says nothing."""
    import json

    from bookfactory import card, diary, write_book
    from click.testing import CliRunner

    from lianhu_xl.cli import cli

    loan, deeds, plough, income = "担保贷款(元)", "办实事(件)", "帮耕帮畜(次)", "基期人均纯收入(元)"
    books = tmp_path / "收集"
    write_book(books / "下营村.xlsx", [card("XY-001", **{income: 250000})], [
        diary("XY-001", **{loan: "300000元"}),
        diary("XY-001", dt.date(2010, 3, 7), 形式="电话联系", **{loan: 200000, deeds: 10, plough: 20}),  # at the limits
        diary("XY-001", dt.date(2010, 3, 8), 形式="电话联系", **{deeds: 11, plough: 21}),
    ])
    result = CliRunner().invoke(cli, ["validate", "--json", str(books)])
    assert result.exit_code == 0, result.output  # warnings only
    said = {(i["sheet"], i["cell"]): i for i in json.loads(result.output)["issues"] if i["code"] == "large-number"}
    assert sorted(said) == [("联户卡", "O3"), ("联户日记", "L5"), ("联户日记", "M3"), ("联户日记", "N5")]
    assert said[("联户日记", "M3")]["message"] == ("联户日记!M3：“担保贷款(元)”填的是 300000元，大于 200000，很少见。"
                                               "核对是否多打了 0，或把万元当成了元；确实如此可以不改，照样计入汇总。")
    assert "万元" not in said[("联户日记", "N5")]["message"], "a count has no unit to mix up"
    totals = CliRunner().invoke(cli, ["consolidate", str(books), "-o", str(tmp_path / "t.xlsx"), "--json"])
    total = json.loads(totals.output)["total"]
    assert (total["担保贷款(元)"], total["办实事"], total["帮耕帮畜"]) == (500000, 21, 41)
