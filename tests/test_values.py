"""The value parsers read cells the way a cadre meant them (workbook standard, "How a
workbook is read"), and refuse what cannot be read with a catalogue code."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from pydantic_core import PydanticCustomError

from lianhu_xl import values as v
from lianhu_xl.catalogue import CATALOGUE

FULL = str.maketrans("0123456789.,-/ ", "０１２３４５６７８９．，－／　")

dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2099, 12, 31))


def code_of(parser, value) -> str:
    with pytest.raises(PydanticCustomError) as err:
        parser(value)
    assert err.value.type in CATALOGUE, err.value.type
    return err.value.type


def typed_forms(d: dt.date) -> list[str]:
    """Every way the standard says a person may type a date."""
    y, m, day = d.year, d.month, d.day
    plain = [f"{y}-{m}-{day}", f"{y}/{m}/{day}", f"{y}.{m}.{day}", f"{y}年{m}月{day}日",
             f"{y}-{m:02d}-{day:02d}", f"{y}年{m:02d}月{day:02d}日", f"{y:04d}{m:02d}{day:02d}",
             f"{y}-{m:02d}-{day:02d} 00:00:00"]
    return plain + [p.translate(FULL) for p in plain] + [f" {p}  " for p in plain]


# --- dates -------------------------------------------------------------------


@given(dates)
def test_every_typed_date_form_reads_as_the_same_day(d):
    for form in typed_forms(d):
        assert v.parse_date(form) == d, form


@given(dates)
def test_real_excel_dates_and_serials_and_number_20100906(d):
    serial = (d - dt.date(1899, 12, 30)).days
    assert v.parse_date(d) == d
    assert v.parse_date(dt.datetime(d.year, d.month, d.day, 14, 30)) == d
    assert v.parse_date(float(serial)) == d  # a date cell that lost its format
    assert v.parse_date(serial) == d
    assert v.parse_date(int(d.strftime("%Y%m%d"))) == d  # 20100906 typed as a number
    assert v.parse_date(float(d.strftime("%Y%m%d"))) == d


def test_examples_from_the_standard():
    for form in ("2010-9-6", "2010/9/6", "2010.9.6", "2010年9月6日", "20100906", "２０１０年９月６日",
                 "2010。9。6", "2010 年 9 月 6 日", "2010-9-6\u200b", "2010年9月6号"):
        assert v.parse_date(form) == dt.date(2010, 9, 6), form


@pytest.mark.parametrize("typed", ["2010.9.6.", "2010-9-6。", "2010,9,6", "2010，9，6", "二〇一〇年九月六日",
                                   "二零一零年九月六号", "2010.09.06 "])
def test_dates_as_people_also_write_them(typed):
    """A stop or comma after the date, commas between its parts, Chinese numerals as on a printed
    form: the day is plain, so it is read (these were 日期无法识别, the visit left out)."""
    assert v.parse_date(typed) == dt.date(2010, 9, 6)


def test_dates_in_chinese_numerals_with_tens():
    assert v.parse_date("二〇一〇年十二月三十一日") == dt.date(2010, 12, 31)
    assert v.parse_date("二〇一〇年十月十日") == dt.date(2010, 10, 10)
    assert v.parse_date("二〇一一年二月二十日") == dt.date(2011, 2, 20)


@pytest.mark.parametrize("typed", ["二〇一〇年十三月一日", "二〇一〇年二月三十日", "2010,13,6", "1,2,3",
                                   "2010年9月6日,7日", "二〇一〇年九月", "二〇一〇年十十月一日", "二〇一〇年九月四十日"])
def test_readings_as_written_still_refuse_what_is_no_day(typed):
    assert code_of(v.parse_date, typed) == "bad-date"


@pytest.mark.parametrize("typed", ["2010-13-1", "2010-2-30", "2010年9月", "9月6日", "明天", "2010",
                                   "201096", "2010-9-6-1", "6/9/2010", "2010/9/31"])
def test_unreadable_dates_are_bad_date(typed):
    assert code_of(v.parse_date, typed) == "bad-date"


@pytest.mark.parametrize("number", [2010, 0, -3, 12.5, 1e9, True])
def test_numbers_that_are_not_dates_are_bad_date(number):
    # 2010 alone once read as Excel serial 2010 = 1905-07-02; a year is not a date
    assert code_of(v.parse_date, number) == "bad-date"


def test_blank_date_is_none():
    assert v.parse_date(None) is None
    assert v.parse_date("  ") is None
    assert v.parse_date("\u3000") is None


# --- numbers -----------------------------------------------------------------


@given(st.integers(min_value=0, max_value=10**8))
def test_whole_amounts_in_every_typed_form(n):
    forms = [str(n), f"{n:,}", str(n).translate(FULL), f"{n:,}".translate(FULL), f"{n}元",
             f"{n:,}元", f" {n} 元 ", f"{n}人", f"{n}次", f"{n}件", f"¥{n}", f"￥{n:,}",
             f"{n}.00", f"{n:,}.0元"]
    for form in forms:
        assert v.parse_number(form) == n, form
        if "元" not in form:  # an amount is no count (3000元 under 办实事: a column slipped)
            assert v.parse_whole(form) == n, form
        if not form.endswith(("人", "次", "件")):  # a count is no amount
            assert v.parse_amount(form) == n, form
    assert v.parse_number(n) == n
    assert v.parse_number(float(n)) == n


@given(st.integers(min_value=0, max_value=99_999), st.integers(min_value=0, max_value=99))
def test_decimal_amounts(units, cents):
    text = f"{units}.{cents:02d}"
    expected = units + cents / 100
    assert v.parse_number(text) == pytest.approx(expected)
    assert v.parse_number(text + "元") == pytest.approx(expected)
    assert v.parse_number(text.translate(FULL)) == pytest.approx(expected)


@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=9))
def test_wan_multiplies_by_ten_thousand(whole, tenth):
    text = f"{whole}.{tenth}万"
    assert v.parse_number(text) == pytest.approx((whole + tenth / 10) * 10000)
    assert v.parse_number(f"{whole}.{tenth}万元") == pytest.approx((whole + tenth / 10) * 10000)


def test_examples_from_the_standard_numbers():
    assert v.parse_number("3000元") == 3000
    assert v.parse_number("3,000") == 3000
    assert v.parse_number("３０００") == 3000
    assert v.parse_whole("5人") == 5
    assert v.parse_number("1.2万") == 12000


@pytest.mark.parametrize("typed", ["约三千", "三千千", "3000美元", "元", "万", "3000-", "3.0.0", "1e5", "约3000",
                                   "3000/月", "--5"])
def test_unreadable_numbers_are_bad_number(typed):
    assert code_of(v.parse_number, typed) == "bad-number"


@pytest.mark.parametrize("value", [float("nan"), float("inf"), True])
def test_special_numbers_are_bad_number(value):
    assert code_of(v.parse_number, value) == "bad-number"


@given(st.integers(min_value=0, max_value=1000), st.integers(min_value=1, max_value=9))
def test_fractions_are_not_whole(n, tenth):
    assert code_of(v.parse_whole, f"{n}.{tenth}") == "not-whole"
    assert code_of(v.parse_whole, n + tenth / 10) == "not-whole"


def test_blank_number_is_none():
    assert v.parse_number(None) is None
    assert v.parse_number(" ") is None
    assert v.parse_whole("\u3000") is None


# --- yes / no ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["是", "是的", "√", "✓", "✔", "Y", "y", "Ｙ", "yes", " 是 ", True, 1])
def test_yes_forms(typed):
    assert v.parse_yesno(typed) is True


@pytest.mark.parametrize("typed", ["否", "×", "✗", "N", "n", "Ｎ", "no", "否 ", "不是", False, 0])
def test_no_forms(typed):
    assert v.parse_yesno(typed) is False


@pytest.mark.parametrize("typed", ["可能", "是否", "2", "好"])
def test_other_answers_are_bad_yesno(typed):
    assert code_of(v.parse_yesno, typed) == "bad-yesno"


def test_blank_yesno_is_none():
    assert v.parse_yesno(None) is None
    assert v.parse_yesno("") is None


# --- text, choices, several names --------------------------------------------


@given(st.text(min_size=1).filter(lambda s: s.strip()))
def test_text_is_trimmed_and_never_raises(text):
    result = v.parse_text("  " + text + "\u3000 ")
    assert result is None or result == result.strip()


def test_text_of_numbers_and_invisible_characters():
    assert v.parse_text(620702.0) == "620702"
    assert v.parse_text(3.5) == "3.5"
    assert v.parse_text("\ufeff王明\u200b ") == "王明"
    assert v.parse_text(" \u3000 ") is None


def test_choice_ignores_spaces_inside_and_lists_choices_when_wrong():
    assert v.parse_choice(" 乡 干部 ", ("乡干部", "党员")) == "乡干部"
    with pytest.raises(PydanticCustomError) as err:
        v.parse_choice("书记", ("乡干部", "党员"))
    assert err.value.type == "bad-choice" and err.value.context["expected"] == "乡干部、党员"


@pytest.mark.parametrize("typed", ["政策宣传、实用技术", "政策宣传,实用技术", "政策宣传，实用技术",
                                   "政策宣传;实用技术", "政策宣传；实用技术", "政策宣传 实用技术",
                                   " 政策宣传 、 实用技术、 "])
def test_several_services_with_every_separator(typed):
    assert v.parse_many(typed) == ("政策宣传", "实用技术")


# --- resident ID (GB 11643) --------------------------------------------------

first17 = st.text(alphabet="0123456789", min_size=17, max_size=17)


@given(first17)
def test_generated_ids_are_accepted(body):
    full = body + v.id_check_char(body)
    assert v.parse_id_number(full) == full
    assert v.parse_id_number(" " + full.lower() + " ") == full
    assert v.parse_id_number(full.translate(FULL)) == full


@given(first17, st.integers(min_value=0, max_value=17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_caught(body, position, replacement):
    full = body + v.id_check_char(body)
    assume(full[position] != replacement)
    changed = full[:position] + replacement + full[position + 1:]
    assert code_of(v.parse_id_number, changed) == "bad-id-number"


@given(first17, st.integers(min_value=0, max_value=15))
def test_swapping_two_neighbouring_digits_is_caught_when_they_differ(body, position):
    full = body + v.id_check_char(body)
    a, b = full[position], full[position + 1]
    assume(a != b)
    swapped = full[:position] + b + a + full[position + 2:]
    assert code_of(v.parse_id_number, swapped) == "bad-id-number"


def test_id_examples():
    assert v.id_check_char("11010519491231002") == "X"  # the standard's own example
    assert v.parse_id_number("11010519491231002x") == "11010519491231002X"
    assert code_of(v.parse_id_number, "1101051949123100") == "bad-id-number"  # 16 characters
    assert code_of(v.parse_id_number, 1.10105194912310e17) == "bad-id-number"  # Excel ate the digits
    assert v.parse_id_number(None) is None


# --- phones and masking --------------------------------------------------------


@pytest.mark.parametrize("typed", ["13912345678", "139 1234 5678", "139-1234-5678", "+86 13912345678",
                                   "０９３６－１２３４５６７", "0936-1234567", "(0936)1234567", "010-12345678"])
def test_phones_that_look_right(typed):
    assert v.phone_ok(typed)


@pytest.mark.parametrize("typed", ["1391234567", "23912345678", "1234567", "无", "139123456789"])
def test_phones_that_do_not(typed):
    assert not v.phone_ok(typed)


@given(first17)
def test_masked_id_never_shows_the_birth_date(body):
    full = body + v.id_check_char(body)
    masked = v.mask_id(full)
    assert len(masked) == 18
    assert masked[:6] == full[:6] and masked[-4:] == full[-4:]
    assert masked[6:14] == "*" * 8


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_masked_phone_hides_the_middle(phone):
    masked = v.mask_phone(phone)
    assert masked == phone[:3] + "****" + phone[-4:]


def test_short_values_are_masked_whole():
    assert v.mask_id("1234") == "****"
    assert v.mask_phone("12345") == "*****"
    assert v.mask_id(None) == "" and v.mask_phone("") == ""


@pytest.mark.parametrize("typed", ["无", "没有", "暂无", "—", "－", "-", "--", "/", "／", " 无 "])
def test_nothing_typed_in_a_column_where_blank_means_none_reads_as_blank(typed):
    """办实事 “无” is no deed, not an unreadable number that would leave the visit out."""
    assert v.parse_number(typed) is None and v.parse_whole(typed) is None
    assert v.parse_many(typed) == ()
    assert v.parse_note(typed) is None
    assert v.parse_choice(typed, ("当场解决", "协调解决")) is None


def test_nothing_words_do_not_swallow_real_values():
    assert v.parse_number("-5") == -5 and v.parse_number("0") == 0
    assert code_of(v.parse_number, "无1") == "bad-number"
    assert v.parse_note("无人看管的老人") == "无人看管的老人"  # a problem that starts with 无 is a problem
    assert v.parse_many("政策宣传、无") == ("政策宣传", "无")  # one name off the list: the usual warning
    assert v.parse_yesno("无") is False and v.parse_yesno("/") is None


@pytest.mark.parametrize(("typed", "name"), [
    ("李　四", "李四"), ("王 明", "王明"), (" 下　营村 ", "下营村"), ("六 社", "六社"), ("李\n四", "李四"),
    ("阿不都·热合曼", "阿不都·热合曼"), ("王明 (组长)", "王明 (组长)"), ("Li Si", "Li Si"), (None, None)])
def test_a_name_lined_up_with_spaces_is_the_name_without_them(typed, name):
    assert v.parse_name(typed) == name


@pytest.mark.parametrize(("typed", "choices", "read"), [
    ("入户访谈。", "FORMS", "入户访谈"), ("其它", "FORMS", "其他"), ("入户", "FORMS", "入户访谈"),
    ("电话", "FORMS", "电话联系"), ("座谈", "FORMS", "集中座谈"), ("保守户", "HOUSEHOLD_TYPES", "思想保守户"),
    ("村干", "LINKER_KINDS", "村干部"), ("正在办", "RESULTS", "正在办理")])
def test_a_choice_typed_as_meant_is_read_as_that_choice(typed, choices, read):
    from lianhu_xl import standard

    assert v.parse_choice(typed, getattr(standard, choices)) == read


@pytest.mark.parametrize(("typed", "choices"), [
    ("解决", "RESULTS"), ("已解决", "RESULTS"), ("干部", "LINKER_KINDS"), ("户", "HOUSEHOLD_TYPES"),
    ("微信", "FORMS"), ("党员干部", "LINKER_KINDS")])
def test_a_choice_that_could_be_several_or_none_is_an_error(typed, choices):
    from lianhu_xl import standard

    with pytest.raises(PydanticCustomError):
        v.parse_choice(typed, getattr(standard, choices))


def test_an_apostrophe_pasted_in_front_of_a_number_is_not_part_of_it():
    """'XY-2010-001 and '620702198001011231 pasted from an export keep the apostrophe that once
    made them text: the card and the ID are the ones without it."""
    assert v.parse_card_no("'xy-2010-001") == v.parse_card_no("‘XY-2010-001") == "XY-2010-001"
    assert v.parse_card_no("'") is None
    assert v.parse_id_number("'620702198001011231") == "620702198001011231"
    assert v.phone_ok("'13912345678")


@pytest.mark.parametrize("typed", ["暂未提供", "未提供", "没有提供服务"])
def test_saying_no_service_was_given_is_no_service(typed):
    assert v.parse_many(typed) == ()


@pytest.mark.parametrize("cell", [dt.datetime(1899, 12, 30), dt.datetime(1899, 12, 31), dt.date(1899, 12, 30)])
def test_excels_day_zero_in_a_date_cell_is_no_date(cell):
    """A 0 (or a NaN written by a program) in a date-formatted cell shows 1900-01-00 and reads as
    1899-12-30: no date anybody typed, so an error at the cell, not a card linked in 1899."""
    with pytest.raises(PydanticCustomError):
        v.parse_date(cell)
    assert v.parse_date(dt.datetime(1950, 1, 1)) == dt.date(1950, 1, 1)  # before 1950: no register date


@pytest.mark.parametrize(("cell", "year"), [(dt.datetime(1905, 7, 2), "2010"), (dt.date(1905, 6, 23), "2001")])
def test_a_year_typed_into_a_date_cell_is_told_as_the_year(cell, year):
    """2010 typed into a date-formatted cell is Excel's day 2010, shown 1905-07-02: the year
    typed, never a date of the campaign (a bare 2010 in a plain cell is an error already)."""
    with pytest.raises(PydanticCustomError) as told:
        v.parse_date(cell)
    assert told.value.type == "year-as-date" and told.value.context == {"detail": year}
    with pytest.raises(PydanticCustomError, match="bad-date"):
        v.parse_date(dt.date(1930, 5, 1))


@pytest.mark.parametrize("team, number", [
    ("六社", 6), ("6社", 6), ("第六社", 6), ("第6组", 6), ("06 村民小组", 6), ("６社", 6),
    ("十社", 10), ("十二队", 12), ("二十一社", 21), ("12", 12),
    ("河西社", None), ("社", None), ("六社二", None),
])
def test_a_team_number_however_a_village_writes_it(team, number):
    from lianhu_xl.values import team_number

    assert team_number(team) == number
