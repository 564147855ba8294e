"""The township roster (名册): .xlsx or .csv with the columns 村 and 社, one row per team."""

from __future__ import annotations

import pytest
from bookfactory import roster_xlsx

from lianhu_xl.roster import Roster, RosterError, load_roster

ROSTER = [["村", "社"], ["下营村", "六社"], ["下营村", "七社"], ["倪家营村", "一社"]]




def test_roster_from_xlsx_csv_and_gbk_csv_read_the_same(tmp_path):
    text = "\n".join(",".join(r) for r in ROSTER) + "\n"
    (tmp_path / "u.csv").write_text(text, encoding="utf-8-sig")
    (tmp_path / "g.csv").write_bytes(text.encode("gbk"))
    (tmp_path / "extra.csv").write_text("序号,村,社,备注\n1,下营村,六社,\n2,下营村,七社,\n3,倪家营村,一社,\n",
                                        encoding="utf-8")
    rosters = [load_roster(roster_xlsx(tmp_path / "r.xlsx", ROSTER))] + \
              [load_roster(tmp_path / n) for n in ("u.csv", "g.csv", "extra.csv")]
    for r in rosters:
        assert r.villages == {"下营村": ["六社", "七社"], "倪家营村": ["一社"]}


@pytest.mark.parametrize("name, content", [("r.csv", "乡,组\n下营村,六社\n"), ("r.txt", "村,社\n"),
                                           ("missing.csv", None), ("r.csv", "村,社\n")])
def test_unusable_rosters_say_why_in_chinese(tmp_path, name, content):
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    with pytest.raises(RosterError) as err:
        load_roster(tmp_path / name)
    assert name in str(err.value) or "名册" in str(err.value)




def test_blank_cells_and_repeated_rows_are_harmless(tmp_path):
    (tmp_path / "r.csv").write_text("村,社\n 下营村 ,六社 \n下营村,六社\n,\n倪家营村,\n", encoding="utf-8")
    assert load_roster(tmp_path / "r.csv").villages == {"下营村": ["六社"], "倪家营村": []}


def test_a_damaged_xlsx_roster_is_refused_with_a_reason(tmp_path):
    (tmp_path / "r.xlsx").write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(RosterError) as err:
        load_roster(tmp_path / "r.xlsx")
    assert "r.xlsx" in str(err.value)


@pytest.mark.parametrize("village, team, expected", [
    ("下营村", "六社", []),
    ("下营村", "九社", [("not-on-roster", "team", "六社、七社")]),
    ("下菅村", "六社", [("not-on-roster", "village", "下营村、倪家营村、新村")]),
    (None, "六社", []),  # an empty 村 is the "required" error, not also a roster one
    ("下营村", None, []),
    ("新村", "三社", []),  # a village listed without its teams: any team
])
def test_problems_of_a_card(village, team, expected):
    roster = Roster({"下营村": ["六社", "七社"], "倪家营村": ["一社"], "新村": []})
    got = [(code, name, ctx["expected"]) for code, name, ctx in roster.problems({"village": village, "team": team})]
    assert got == expected
