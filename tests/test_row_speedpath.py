"""check_row's fast path (values remembered per field, fields read without building a
model) gives exactly what the full Pydantic path gives: the same fields, problems,
``ok`` and model, for the kinds of value a reader hands over, the first time a value is
seen, the hundredth time, and after the memory of values has been emptied.

"Exactly" means equal and of the same type with the same repr, so that 0.0 and -0.0,
1 and 1.0 and True, a date and a datetime are told apart.
"""

from __future__ import annotations

import datetime as dt
import time
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lianhu_xl import standard, values
from lianhu_xl.standard import CardRow, DiaryRow, _check_row_reference, check_row, columns_of
from lianhu_xl.values import id_check_char

ID = "11010519491231002X"
assert id_check_char(ID[:17]) == ID[17]
TODAY = dt.date.today()
UTC8 = dt.timezone(dt.timedelta(hours=8))  # 08:00 there is 00:00 in UTC: equal datetimes, other dates


class Text(str):
    """A str subclass, as some readers hand over."""


# values a reader can give for a cell of each kind that Pydantic accepts (most of them)
GOOD = {
    "text": ["王明", " 下营村 ", "六社\u3000", "XY-2010-001", "ＸＹ－２０１０－００１", "XY-2010 -001", "李\u200b进忠",
             2010.0, 3, "缺少制种技术", "玉米制种 12 亩", True, 1, 1.0, 0.0, -0.0, dt.date(2010, 9, 6),
             dt.datetime(2010, 9, 6), dt.datetime(2010, 9, 6, 8, tzinfo=UTC8),
             dt.datetime(2010, 9, 6, 0, tzinfo=dt.UTC)],
    "date": ["2010-9-6", "2010年9月6日", "2010/9/6", "２０１０年９月６日", "20100906", dt.date(2010, 9, 6),
             dt.datetime(2010, 9, 6), dt.datetime(2010, 9, 6, 8, 30), 40427.0, 40427, dt.date(2010, 10, 1)],
    "whole": [1.0, 3, "5人", "３", 0.0, -0.0, 4, "4"],
    "number": [3000.0, "3000元", "3,000", "1.2万", "¥3000", 0.0, -0.0, 2500, 12.5],
    "yesno": ["是", "否", True, False, 1, 0.0, 1.0, "√", "×", "Y"],
    "id": [ID, ID.lower(), " 110105 19491231002X "],
    "phone": ["13912345678", "0936-1234567", "12345", "+86 139 1234 5678"],
    "many": ["政策宣传、实用技术", "实用技术", ("政策宣传",), ["帮扶项目", "解决问题"], "送温暖"],
}
# anything else a cell can hold: wrong, odd, or of an unusual type
ODD = ["", "  ", "\u3000", "abc", "2010-13-1", "九月六日", "3000块", "1.5", "也许", "村长", "乡 干部", "1234",
       True, False, 1, 0, 1.0, 0.0, -0.0, 2.5, -5.0, float("nan"), float("inf"), 10**20, 31.0,
       dt.date(2010, 9, 6), dt.datetime(2010, 9, 6), dt.datetime(2010, 9, 6, tzinfo=UTC8),
       dt.datetime(2010, 9, 5, 16, tzinfo=dt.UTC), dt.time(8, 30), dt.timedelta(days=1),
       TODAY + dt.timedelta(days=3), Text("下营村"), Text(" 是 "), ("政策宣传", "送温暖"), ["实用技术"],
       {"a": 1}, [1, 2], None]


def _pool(model: type[standard.StandardRow], column: standard.Column) -> list[object]:
    if column.kind == "choice":
        good: list[object] = [*column.choices, f" {column.choices[0]} ", column.choices[-1] + "\u3000"]
    else:
        good = list(GOOD[column.kind])
    return good if column.required else [*good, None, None]


@st.composite
def rows(draw, model: type[standard.StandardRow]) -> dict[str, object]:
    """A row that is mostly good, with a few cells made odd, and now and then a column
    missing or one the model does not know."""
    row = {c.name: draw(st.sampled_from(_pool(model, c))) for c in columns_of(model)}
    names = list(row)
    for name in draw(st.lists(st.sampled_from(names), max_size=3)):
        row[name] = draw(st.one_of(st.sampled_from(ODD), st.text(max_size=4), st.floats(), st.integers(),
                                   st.dates(), st.datetimes()))
    for name in draw(st.lists(st.sampled_from(names), max_size=2)):
        row.pop(name, None)
    if draw(st.booleans()):
        row["not_a_field"] = "x"
    return row


def exact(value: object) -> object:
    """A value in a form that is equal only for values of the same types and reprs."""
    if isinstance(value, dict):
        return ("dict", [(k, exact(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [exact(v) for v in value])
    if isinstance(value, set | frozenset):
        return (type(value).__name__, sorted(repr(v) for v in value))
    return (type(value).__name__, repr(value))


def model_state(model: standard.StandardRow | None) -> object:
    if model is None:
        return None
    return (type(model).__name__, exact(model.__dict__), exact(model.model_fields_set),
            model.__pydantic_extra__, model.__pydantic_private__)


def assert_same(model: type[standard.StandardRow], row: dict[str, object]) -> None:
    want = _check_row_reference(model, row)
    for _ in range(2):  # the second time every value is remembered
        got = check_row(model, row)
        assert got.ok == want.ok == (want.model is not None)
        assert exact(got.fields) == exact(want.fields)
        assert exact(got.problems) == exact(want.problems)
        assert model_state(got.model) == model_state(want.model)
        assert got.model == want.model
        assert got == want


@pytest.mark.parametrize("memory", [standard._MEMO_MAX, 3])  # as shipped, and emptied every few values
@pytest.mark.parametrize("model", [CardRow, DiaryRow])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_fast_path_gives_what_pydantic_gives(model, memory, data):
    kept = standard._MEMO_MAX
    standard._MEMO_MAX = memory
    try:
        assert_same(model, data.draw(rows(model)))
    finally:
        standard._MEMO_MAX = kept


@pytest.mark.parametrize("field, values", [
    ("household_size", [1, 1.0, True, "1", 1, True, 1.0]),  # equal, but not the same cell
    ("base_income", [0.0, -0.0, 0.0, -0.0, 0, False]),  # -0.0 == 0.0 and 0 and False
    ("econ_developed", [1, True, 1.0, "1", 0, False, 0.0, True]),
    ("link_date", [dt.date(2010, 3, 1), dt.datetime(2010, 3, 1), dt.datetime(2010, 3, 1, 9, 0),
                   dt.date(2010, 3, 1), 40238.0, 40238]),
    ("remarks", [dt.datetime(2010, 3, 1, 9, tzinfo=UTC8), dt.datetime(2010, 3, 1, 1, tzinfo=dt.UTC),
                 dt.date(2010, 3, 1), dt.datetime(2010, 3, 1), "2010-03-01", True, 1, 1.0]),
    ("id_number", [ID, 110105194912310020.0, ID, None, ID.lower()]),
    ("linker_kind", ["乡干部", Text("乡干部"), " 乡干部", "乡 干部", "乡干部"]),
])
def test_a_field_tells_apart_values_that_compare_equal(field, values):
    """Each value follows the one before in the same field, so that a value remembered for
    the first is looked up for the second."""
    base = {"card_no": "XY-001", "linker": "王明", "linker_kind": "乡干部", "village": "下营村", "team": "六社",
            "head": "李进忠", "household_type": "致富明星户", "link_date": "2010-3-1", "main_problem": "缺技术"}
    for value in values:
        assert_same(CardRow, {**base, field: value})


def test_lists_in_a_cell_are_read_every_time():
    base = {"card_no": "XY-001", "date": "2010-9-6", "form": "入户访谈"}
    for services in (["政策宣传"], ("政策宣传",), ["政策宣传"], [{"x": 1}], "政策宣传"):
        assert_same(DiaryRow, {**base, "services": services})


def test_a_row_rule_error_is_reported_as_the_full_path_reports_it():
    base = {"card_no": "XY-001", "date": "2010-9-6", "form": "入户访谈"}
    for over in ({"date": TODAY + dt.timedelta(days=2)}, {"problem": "缺水"}, {"problem": "缺水", "result": "正在办理"}):
        assert_same(DiaryRow, {**base, **over})
        assert not check_row(DiaryRow, {**base, **over}).ok or "result" in over


def test_memory_of_values_stays_bounded():
    """A field of values that never repeat (a card's number) does not grow without end."""
    base = {"card_no": "XY-001", "date": "2010-9-6", "form": "入户访谈"}
    for i in range(standard._MEMO_MAX + 10):
        assert check_row(DiaryRow, {**base, "card_no": f"XY-{i:05d}"}).fields["card_no"] == f"XY-{i:05d}"
    assert len(standard._MEMO[(DiaryRow, "card_no")]) <= standard._MEMO_MAX


def test_id_numbers_and_phones_are_not_remembered():
    base = {"card_no": "XY-001", "linker": "王明", "linker_kind": "乡干部", "village": "下营村", "team": "六社",
            "head": "李进忠", "household_type": "致富明星户", "link_date": "2010-3-1", "main_problem": "缺技术"}
    assert check_row(CardRow, {**base, "id_number": ID, "phone": "13912345678"}).ok
    assert standard._MEMO.get((CardRow, "id_number"), {}) == {}
    assert standard._MEMO.get((CardRow, "phone"), {}) == {}


def test_the_future_date_rule_moves_on_at_midnight(monkeypatch):
    """A worker that runs past midnight judges tomorrow's diary dates by the new day."""
    monkeypatch.setattr(standard, "_day", dt.date.min)
    monkeypatch.setattr(standard, "_day_start", 0.0)
    monkeypatch.setattr(standard, "_day_end", 0.0)
    tomorrow = TODAY + dt.timedelta(days=1)
    midnight = time.mktime(tomorrow.timetuple())
    row = {"card_no": "XY-001", "date": tomorrow, "form": "入户访谈"}
    clock = [midnight - 0.5]
    monkeypatch.setattr(standard, "time", lambda: clock[0])
    assert [c for c, _, _ in check_row(DiaryRow, row).problems] == ["future-date"]
    assert standard._today() == dt.date.fromtimestamp(clock[0]) == TODAY
    clock[0] = midnight + 0.5
    assert check_row(DiaryRow, row).ok
    assert standard._today() == dt.date.fromtimestamp(clock[0]) == tomorrow
    clock[0] = midnight - 0.5  # the clock set back
    assert standard._today() == TODAY


# --- the parsers' own shortcuts ---------------------------------------------------


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_fold_of_ascii_text_is_what_nfkc_gives(text):
    assert values.fold(text) == unicodedata.normalize("NFKC", text).translate(values._AFTER_NFKC).strip()


@given(st.text(alphabet="0123456789١٢٣٤٥٦٧٨٩٠０１２３４５６７８９", min_size=17, max_size=17))
def test_the_id_check_character_is_the_standard_sum(first17):
    total = sum(int(d) * w for d, w in zip(first17, values._ID_WEIGHTS, strict=True))
    assert values.id_check_char(first17) == "10X98765432"[total % 11]


def test_the_id_check_character_needs_17_digits():
    with pytest.raises(ValueError):
        values.id_check_char("1234")


def test_a_mapping_that_makes_up_missing_keys_is_only_asked_for_what_it_has():
    from collections import defaultdict
    row = defaultdict(lambda: "made up", {"card_no": "XY-001", "date": "2010-9-6", "form": "入户访谈"})
    assert_same(DiaryRow, row)
    assert set(row) == {"card_no", "date", "form"}
