"""What the reader's and the guard's fast paths must keep: a row the quick test cannot
judge is judged by the full rule, and reading a member never costs more memory than the
size it declares."""

from __future__ import annotations

import tracemalloc
import zlib

from hostile import CARD_XML, MB, deflated, good_bytes, members_of, raw_zip, repeated
from test_reader import GOOD_CARD, REQUIRED_CARD, check, grid_book

from lianhu_xl.guard import inspect


def test_a_totals_row_after_blank_cells_is_still_a_totals_row(tmp_path):
    """The quick test looks at column A only; a 合计 written further right after blank or
    space-only cells is still found, and a row of spaces next to it is still no row."""
    grid = [["序号"] + REQUIRED_CARD, [1] + GOOD_CARD, ["", "  ", " 合 计 ", "1 户"], ["\u3000", " "]]
    result = check(grid_book(tmp_path / "b.xlsx", {"联户卡": grid}))
    assert [(i.code, i.cell, i.value) for i in result.issues] == [("totals-row", "C3", "合 计")]  # at the cell it is typed in
    assert [r.row for r in result.cards] == [2]


def test_a_member_holding_far_more_than_it_declares_costs_only_its_claim(tmp_path):
    """1 MB declared (too small for the ratio check) and 300 MB inside, with the CRC of the
    first MB: zipfile's read() without a size inflates all 300 MB before cutting to the claim."""
    parts = members_of(good_bytes())
    sheet = parts.pop(CARD_XML)
    at = sheet.index(b"<sheetData>")
    members = [deflated(blob, name) for name, blob in parts.items()]
    liar = repeated(CARD_XML, sheet[:at], b" " * MB, 300, sheet[at:])
    liar.size = MB
    liar.crc = zlib.crc32((sheet[:at] + b" " * MB)[:MB])
    members.append(liar)
    path = raw_zip(tmp_path / "少报.xlsx", members)
    tracemalloc.start()
    try:
        inspect(path)  # let through as before: calamine itself refuses the member when reading
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * MB, f"{peak // MB} MB"


def test_the_cell_by_cell_walk_runs_only_for_a_sheet_that_needs_it(tmp_path, monkeypatch):
    """The walk for single-quoted attributes and CDATA (tens of ms a diary) is for sheets written
    that way, not for every sheet with a lone ' or [: our own template with a roster (its 村
    dropdown reads '名册'!$A$2), a structured reference (表1[办实事]), a typed apostrophe."""
    import re

    from bookfactory import card, diary, write_book
    from hostile import DIARY_XML, rezip

    from lianhu_xl import guard
    from lianhu_xl.roster import load_roster
    from lianhu_xl.template import build_template

    walked: list[int] = []
    real = guard._odd_cells
    monkeypatch.setattr(guard, "_odd_cells", lambda blob: walked.append(1) or real(blob))
    (tmp_path / "名册.csv").write_text("村,社\n下营村,六社\n", encoding="utf-8")
    template = build_template(tmp_path / "模板", load_roster(tmp_path / "名册.csv"))
    book = write_book(tmp_path / "b.xlsx", [card("XY-001", 备注="户主's 儿子")],
                      [diary("XY-001", **{"担保贷款(元)": 3000})])
    parts = members_of(book.read_bytes())
    sheet = DIARY_XML
    formula = '<c r="M3"><f>SUM(表1[办实事])</f><v>3</v></c>'.encode()
    parts[sheet] = re.sub(rb'<c r="M3"[^>]*>.*?</c>', formula, parts[sheet], count=1)
    assert formula in parts[sheet] and b"'" in parts[CARD_XML]
    rezip(book, parts)
    assert inspect(template).sheets and inspect(book).sheets
    assert walked == []
    parts[sheet] = parts[sheet].replace(b'<c r="M3">', b"<c r='M3' t='e'>", 1)
    rezip(book, parts)
    inspect(book)
    assert walked == [1]
