"""The township roster (名册): .xlsx or .csv with the columns 村 and 社, one row per team."""

from __future__ import annotations

import re

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


def test_names_lined_up_with_spaces_in_the_roster_are_the_cards_names(tmp_path):
    """下　营村 / 六　社, padded to line up in the 名册, are 下营村 and 六社 as the cards write them."""
    (tmp_path / "r.csv").write_text("村,社\n下　营村,六　社\n下营村,七社\n", encoding="utf-8")
    assert load_roster(tmp_path / "r.csv").villages == {"下营村": ["六社", "七社"]}


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


# --- a 村 written once over its teams (real rosters) ----------------------------------------


def _merged_roster(path, merge: bool):
    """下营村 once over 四社…六社 (merged, or left blank below as typed), then 倪家营村 over two."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["倪家营乡村社名册"])
    ws.append(["序号", "村", "社"])
    for i, (village, team) in enumerate([("下营村", "四社"), (None, "五社"), (None, "六社"),
                                         ("倪家营村", "一社"), (None, "二社")], start=1):
        ws.append([i, village, team])
    if merge:
        ws.merge_cells("B3:B5")
        ws.merge_cells("B6:B7")
    wb.save(path)
    return path


@pytest.mark.parametrize("merge", [True, False], ids=["merged", "left-blank"])
def test_a_village_written_once_holds_for_every_team_below_it(tmp_path, merge):
    roster = load_roster(_merged_roster(tmp_path / "名册.xlsx", merge))
    assert roster.villages == {"下营村": ["四社", "五社", "六社"], "倪家营村": ["一社", "二社"]}
    assert roster.problems({"village": "下营村", "team": "六社"}) == []


def test_a_csv_typed_with_each_village_once_and_a_blank_line_between(tmp_path):
    (tmp_path / "r.csv").write_text("村,社\n下营村,四社\n,五社\n\n,六社\n倪家营村,一社\n", encoding="utf-8")
    assert load_roster(tmp_path / "r.csv").villages == {"下营村": ["四社", "五社", "六社"], "倪家营村": ["一社"]}


def test_cards_in_every_team_of_a_merged_village_are_counted(tmp_path):
    """The clerk's view: no not-on-roster error, the 六社 card in the totals, exit 0."""
    import json

    from bookfactory import card, diary, write_book
    from click.testing import CliRunner

    from lianhu_xl.cli import cli

    roster = _merged_roster(tmp_path / "名册.xlsx", merge=True)
    write_book(tmp_path / "in" / "下营村.xlsx", [card("A1", 社="四社"), card("A2", 社="六社")],
               [diary("A1"), diary("A2")])
    res = CliRunner().invoke(cli, ["consolidate", str(tmp_path / "in"), "--roster", str(roster), "-o",
                                   str(tmp_path / "out.xlsx"), "--period", "2010", "--json", "-q"])
    data = json.loads(res.output)
    assert [i["message"] for i in data["issues"] if i["code"] == "not-on-roster"] == []
    assert data["total"]["致富明星户"] == 2
    assert res.exit_code == 0


def test_a_numbered_team_written_another_way_is_the_team_on_the_roster(tmp_path):
    """The roster says 六社; cards say 6社, 第六社, 6组, ６社 (full width): the same team, counted.
    七社 is not on the roster: that card alone is left out, told with the teams to choose from."""
    import json

    from bookfactory import card, diary, write_book
    from click.testing import CliRunner

    from lianhu_xl.cli import cli

    (tmp_path / "名册.csv").write_text("村,社\n下营村,六社\n下营村,十二社\n", encoding="utf-8")
    teams = {"A1": "6社", "A2": "第六社", "A3": "6组", "A4": "６社", "A5": "12社", "A6": "七社"}
    write_book(tmp_path / "in" / "下营村.xlsx", [card(no, 社=team) for no, team in teams.items()],
               [diary(no) for no in teams])
    res = CliRunner().invoke(cli, ["consolidate", str(tmp_path / "in"), "--roster", str(tmp_path / "名册.csv"),
                                   "-o", str(tmp_path / "out.xlsx"), "--period", "2010", "--json", "-q"])
    data = json.loads(res.output)
    told = [(i["cell"], i["value"]) for i in data["issues"] if i["code"] == "not-on-roster"]
    assert told == [("G8", "七社")]
    assert data["total"]["致富明星户"] == 5
    assert data["total"]["入户访谈"] == 5


def test_a_team_with_a_name_is_matched_by_its_name_only():
    roster = Roster({"下营村": ["河西社", "六社"]})
    assert roster.problems({"village": "下营村", "team": "河西社"}) == []
    assert roster.problems({"village": "下营村", "team": "河东社"})[0][0] == "not-on-roster"
    assert roster.problems({"village": "下营村", "team": "六社二"})[0][0] == "not-on-roster"


# --- every roster that cannot be used is explained in Chinese, with what to do --------------


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600
LATIN = re.compile(r"[A-Za-z]{2,}")
KNOWN = {"Excel", "WPS", "QQ", "xlsx", "xls", "et", "csv", "CSV", "ODS", "xlsb"}


@pytest.mark.parametrize("name, content, said", [
    ("旧名册.xlsx", OLE, "97-2003"),  # an old .xls renamed
    ("旧名册.xls", OLE, "另存为"),
    ("名册.et", OLE, "WPS"),
    ("坏.xlsx", b"PK\x03\x04 cut off", "损坏"),
    ("网页.xls", b"<html><body>table</body></html>", "网页"),
    ("空.xlsx", b"", "空"),
    ("名册.docx", b"PK\x03\x04", "另存为"),
    ("名册.csv", "乡,组\n下营村,六社\n".encode(), "“村”“社”"),
    ("名册.csv", "村,社\n,\n".encode(), "逐行填写"),
    ("名册.csv", b"\x81\x30", "编码"),
])
def test_an_unusable_roster_is_explained_in_chinese_with_what_to_do(tmp_path, name, content, said):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(RosterError) as err:
        load_roster(tmp_path / name)
    text = str(err.value)
    assert name in text and said in text
    assert set(LATIN.findall(text.replace(name, ""))) <= KNOWN, text  # no error code, no reader's English
    assert any(w in text for w in ("另存", "请", "改", "写")), text


def test_a_folder_or_missing_file_given_as_roster_says_so(tmp_path):
    with pytest.raises(RosterError, match="是文件夹"):
        load_roster(tmp_path)
    with pytest.raises(RosterError, match="找不到名册文件.*请检查"):
        load_roster(tmp_path / "没有.csv")


def test_the_cli_shows_the_old_xls_roster_in_chinese(tmp_path):
    from bookfactory import card, diary, write_book
    from click.testing import CliRunner

    from lianhu_xl.cli import cli

    write_book(tmp_path / "in" / "a.xlsx", [card()], [diary()])
    (tmp_path / "旧名册.xlsx").write_bytes(OLE)
    res = CliRunner().invoke(cli, ["validate", str(tmp_path / "in"), "--roster", str(tmp_path / "旧名册.xlsx")])
    assert res.exit_code == 2
    assert "旧名册.xlsx" in res.output and "旧版 Excel 97-2003" in res.output and "另存为" in res.output
    assert "old-xls" not in res.output
    assert "用法不对" not in res.output and "--help" not in res.output  # the file is at fault, not the command


def test_a_roster_on_a_later_sheet_and_a_tab_separated_unicode_text_are_read(tmp_path):
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active.append(["填表说明：每个社一行"])
    wb.create_sheet("名册").append(["村", "社"])
    wb["名册"].append(["下营村", "六社"])
    wb.save(tmp_path / "r.xlsx")
    assert load_roster(tmp_path / "r.xlsx").villages == {"下营村": ["六社"]}
    (tmp_path / "u.csv").write_bytes("村\t社\r\n下营村\t六社\r\n".encode("utf-16"))
    assert load_roster(tmp_path / "u.csv").villages == {"下营村": ["六社"]}


def test_lines_under_the_list_are_not_villages(tmp_path):
    """合计 and the 填表人 line a clerk types under the list end it; they are not villages a card
    could be checked against (a card with 村 “合计” must not pass)."""
    from bookfactory import roster_xlsx

    path = roster_xlsx(tmp_path / "名册.xlsx", [["村", "社"], ["下营村", "一社"], [None, "二社"],
                                              ["下营村小计", "2 个社"], ["倪家营村", "一社"], ["小 计", None],
                                              ["合 计", "3 个社"], ["填表人：张三", None], ["以下空白", None],
                                              ["说明村", "一社"]])
    roster = load_roster(path)
    assert roster.villages == {"下营村": ["一社", "二社"], "倪家营村": ["一社"]}  # a 小计 does not end it
    assert roster.problems({"village": "合计", "team": "2 个社"})[0][0] == "not-on-roster"
