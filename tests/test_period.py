"""The period a clerk types: year, month, quarter, from–to dates."""

from datetime import date

import pytest

from lianhu_xl.period import months_between, parse_period


@pytest.mark.parametrize("text, start, end, label", [
    ("2010", date(2010, 1, 1), date(2010, 12, 31), "2010年"),
    ("2010年", date(2010, 1, 1), date(2010, 12, 31), "2010年"),
    ("2010-09", date(2010, 9, 1), date(2010, 9, 30), "2010年9月"),
    ("2010-9", date(2010, 9, 1), date(2010, 9, 30), "2010年9月"),
    ("2010年9月", date(2010, 9, 1), date(2010, 9, 30), "2010年9月"),
    ("2008-02", date(2008, 2, 1), date(2008, 2, 29), "2008年2月"),  # leap year
    ("2010Q3", date(2010, 7, 1), date(2010, 9, 30), "2010年第三季度"),
    ("2010q4", date(2010, 10, 1), date(2010, 12, 31), "2010年第四季度"),
    ("2010年第一季度", date(2010, 1, 1), date(2010, 3, 31), "2010年第一季度"),
    ("2010-01-01..2010-06-30", date(2010, 1, 1), date(2010, 6, 30), "2010年1月1日至2010年6月30日"),
    ("2010.1.1~2010.6.30", date(2010, 1, 1), date(2010, 6, 30), "2010年1月1日至2010年6月30日"),
    (" ２０１０ ", date(2010, 1, 1), date(2010, 12, 31), "2010年"),  # full-width digits, spaces
])
def test_every_form_a_clerk_types(text, start, end, label):
    p = parse_period(text)
    assert (p.start, p.end, p.label) == (start, end, label)


@pytest.mark.parametrize("text, says", [
    ("2010-13", "月份 13"),
    ("2010Q5", "无法识别"),
    ("明年", "无法识别"),
    ("", "没有给出统计期"),
    ("2010-06-30..2010-01-01", "早于开始日期"),
    ("2010-01-01..昨天", "不是日期"),
])
def test_bad_text_says_what_to_type_in_chinese(text, says):
    with pytest.raises(ValueError) as exc:
        parse_period(text)
    message = str(exc.value)
    assert says in message
    assert "2010Q3" in message  # and shows the forms that work


def test_period_contains_its_first_and_last_day_only():
    p = parse_period("2010")
    assert date(2010, 1, 1) in p and date(2010, 12, 31) in p
    assert date(2009, 12, 31) not in p and date(2011, 1, 1) not in p
    assert p.is_year and not parse_period("2010Q1").is_year


def test_months_between_crosses_the_year_and_is_empty_backwards():
    assert months_between((2009, 11), (2010, 2)) == [(2009, 11), (2009, 12), (2010, 1), (2010, 2)]
    assert months_between((2010, 3), (2010, 2)) == []
