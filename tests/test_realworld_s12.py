"""Session 12: how a printed form's layout comes back typed into Excel — a row of units under the
header, a sums line the clerk added without a word in front of it, the title and page numbers of a
second page pasted under the first — each consolidated through the CLI and compared with a count
made by hand. Read as the clerk meant it where the layout says so; rows that could be entries stay
errors.
"""

from __future__ import annotations

import datetime as dt

from realworld_books import book, by_code, consolidated, counts_of, hand

D = dt.date

CARD_HEADER = ["卡号", "联系人", "联系人类别", "村", "社", "户主", "联系户类型", "结对日期", "主要问题"]
DIARY_HEADER = ["卡号", "日期", "形式", "服务类别", "发现问题", "是否主要问题", "办理结果", "解决办法", "办实事", "担保贷款",
                "帮耕帮畜"]


def cards(*numbers: str) -> list[list[object]]:
    """The card sheet's header and one 乡干部's card per number, linked in January 2010."""
    return [CARD_HEADER, *([no, "王明", "乡干部", "下营村", "六社", f"李{no}", "致富明星户", D(2010, 1, 5), "缺技术"]
                           for no in numbers)]


def visit(no: str, day: dt.date, deeds: object = None, loan: object = None, helps: object = None,
          service: str | None = None) -> list[object]:
    return [no, day, "入户访谈", service, None, None, None, None, deeds, loan, helps]


# --- a row of units under the header ----------------------------------------------------------


def test_a_row_of_units_under_the_header_is_part_of_the_header(tmp_path):
    """Forms print the units in a row of their own under the labels (办实事 | 担保贷款 | 帮耕帮畜 over
    （件） | （万元） | （次）, 日期 over （年月日）). Typed so, that row was read as a visit: three
    required errors and three bad-number errors (“（件）”不是数字), exit 1. It is the header's second row:
    nothing said about it, and the unit it gives is the column's (0.3 under 担保贷款 over （万元） is 3000
    yuan, told by the wan-column notice as for 担保贷款（万元））. Printed again with the header on a
    second page, it is skipped with the header."""
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": cards("K1", "K2"),
        "联户日记": [DIARY_HEADER, [None, "（年月日）", None, None, None, "（是/否）", None, None, "（件）", "（万元）", "（次）"],
                     visit("K1", D(2010, 3, 6), 1, 0.3, 2, "政策宣传"),
                     visit("K2", D(2010, 4, 6), None, "5000元"),
                     DIARY_HEADER, [None, "（年月日）", None, None, None, "（是/否）", None, None, "（件）", "（万元）", "（次）"],
                     visit("K2", D(2010, 5, 6), 2, 1.2)],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0, [(i["code"], i["cell"], i["message"]) for i in issues]
    assert [(i["code"], i["cell"]) for i in issues if i["severity"] != "notice"] == []
    assert [i["cell"] for i in by_code(issues, "wan-column")] == ["J3"]
    # by hand: 3000 + 5000 (typed with its own unit) + 12000 yuan; deeds 1 + 2; helps 2
    assert counts_of(total) == hand(致富明星户=2, 入户访谈=3, 提供服务=1, 办实事=3, 担保贷款=20000, 帮耕帮畜=2,
                                  应访谈月数=24, 实访谈月数=3, 应记日记月数=24, 实记日记月数=3)


def test_a_row_of_units_on_the_card_sheet_and_a_plain_unit_row(tmp_path):
    """The same on the card sheet, units written without brackets (人 | 元) and with 单位：: the cards
    count, nothing said."""
    header = [*CARD_HEADER, "家庭人口", "基期人均纯收入"]
    row = [*cards("K1")[1], 5, 2500]
    path = book(tmp_path / "乡" / "b.xlsx", {
        "联户卡": [header, [None] * 9 + ["人", "单位：元"], row],
        "联户日记": [DIARY_HEADER, visit("K1", D(2010, 3, 6))],
    })
    code, total, issues = consolidated(path.parent)
    assert code == 0, [(i["code"], i["cell"], i["message"]) for i in issues]
    assert [i for i in issues if i["severity"] != "notice"] == []
    assert counts_of(total) == hand(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
