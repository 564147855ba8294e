"""`lianhu consolidate` as a township clerk runs it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli

D = dt.date


def village(folder: Path, name: str = "下营村.xlsx", bad: bool = False) -> Path:
    diaries = [diary("XY-001", D(2010, 3, 6)), diary("XY-002", D(2010, 4, 6), 形式="电话联系")]
    if bad:
        diaries.append(diary("XY-001", "2010.9.31"))
    return write_book(folder / name, [card("XY-001"), card("XY-002", 联系人="李四", 联系人类别="村干部",
                                                            联系户类型="思想保守户")], diaries)


def invoke(*args: str | Path):
    return CliRunner().invoke(cli, ["consolidate", *map(str, args)])


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*.xlsx")}


def test_everything_counted_exit_0_table_printed_totals_written(tmp_path):
    village(tmp_path / "收集")
    before = digest(tmp_path / "收集")
    out = tmp_path / "汇总表.xlsx"
    result = invoke(tmp_path / "收集", "-o", out, "--period", "2010", "--title", "倪家营乡")
    assert result.exit_code == 0, result.output
    assert "倪家营乡联户带创汇总表（2010年）" in result.output
    assert "致富明星户" in result.output and "合计" in result.output
    assert "全部计入" in result.output and str(out) in result.output
    assert openpyxl.load_workbook(out)["汇总"]["A6"].value == "合计"
    assert digest(tmp_path / "收集") == before  # sources never modified


def test_something_left_out_exit_1_and_the_totals_are_still_written(tmp_path):
    village(tmp_path / "收集", bad=True)
    out = tmp_path / "汇总表.xlsx"
    result = invoke(tmp_path / "收集", "-o", out, "--period", "2010")
    assert result.exit_code == 1, result.output
    assert "1 行因有错误未计入" in result.output and "部分汇总" in result.output
    assert openpyxl.load_workbook(out)["汇总"]["A3"].value.startswith("注意")


def test_wrong_usage_exits_2_and_writes_nothing(tmp_path):
    village(tmp_path / "收集")
    out = tmp_path / "汇总表.xlsx"
    bad_period = invoke(tmp_path / "收集", "-o", out, "--period", "2010年13月")
    assert bad_period.exit_code == 2 and "统计期" in bad_period.output and "2010Q3" in bad_period.output
    assert invoke(tmp_path / "收集").exit_code == 2  # no -o
    not_xlsx = invoke(tmp_path / "收集", "-o", tmp_path / "汇总表.pdf")
    assert not_xlsx.exit_code == 2 and ".xlsx" in not_xlsx.output
    (tmp_path / "空").mkdir()
    empty = invoke(tmp_path / "空", "-o", out)
    assert empty.exit_code == 2 and "没有找到" in empty.output
    assert not out.exists()


def test_books_and_totals_together_exit_2_and_the_old_output_is_untouched(tmp_path):
    village(tmp_path / "乡")
    assert invoke(tmp_path / "乡", "-o", tmp_path / "mixed" / "倪家营乡.xlsx", "--title", "倪家营乡").exit_code == 0
    village(tmp_path / "mixed")
    out = tmp_path / "县.xlsx"
    out.write_bytes(b"old")
    result = invoke(tmp_path / "mixed", "-o", out)
    assert result.exit_code == 2
    assert "同时提供了登记簿和汇总表" in result.output and "没有写出汇总表" in result.output
    assert out.read_bytes() == b"old"


def test_roll_up_through_the_command(tmp_path):
    for town in ("倪家营乡", "蓼泉镇", "平川镇"):
        village(tmp_path / town)
        assert invoke(tmp_path / town, "-o", tmp_path / "县" / f"{town}.xlsx", "--period", "2010",
                      "--title", town).exit_code == 0
    result = invoke(tmp_path / "县", "-o", tmp_path / "临泽县.xlsx", "--title", "临泽县")
    assert result.exit_code == 0, result.output
    for town in ("倪家营乡", "蓼泉镇", "平川镇"):
        assert town in result.output
    ws = openpyxl.load_workbook(tmp_path / "临泽县.xlsx")["汇总"]
    assert ws["A1"].value == "临泽县联户带创汇总表（2010年）"
    assert [ws.cell(row=r, column=1).value for r in range(5, 9)] == ["倪家营乡", "平川镇", "蓼泉镇", "合计"]
    assert ws.cell(row=8, column=2).value == 3  # 致富明星户: one per township


def test_an_output_inside_the_collection_folder_is_not_read_back(tmp_path):
    village(tmp_path / "收集")
    out = tmp_path / "收集" / "汇总表.xlsx"
    assert invoke(tmp_path / "收集", "-o", out).exit_code == 0
    again = invoke(tmp_path / "收集", "-o", out)  # a second run must not see its own output as a totals book
    assert again.exit_code == 0, again.output


def test_an_output_open_in_excel_gives_a_clear_message(tmp_path):
    village(tmp_path / "收集")
    out = tmp_path / "汇总表.xlsx"
    out.write_bytes(b"old")
    (tmp_path / "~$汇总表.xlsx").write_bytes(b"lock")
    result = invoke(tmp_path / "收集", "-o", out)
    assert result.exit_code == 2
    assert "正在 Excel 或 WPS 中打开" in result.output and "Traceback" not in result.output
    assert out.read_bytes() == b"old"


def test_json_gives_the_figures_and_every_file(tmp_path):
    village(tmp_path / "收集", bad=True)
    result = invoke(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "--period", "2010Q1", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["period"] == "2010年第一季度" and data["complete"] is False
    assert data["total"]["入户访谈"] == 1  # March only; April is outside the first quarter
    rows = data["files"][0]["rows"]
    assert rows["read"] == rows["counted"] + rows["excluded"] + rows["out_of_period"] + rows["duplicate"] \
        + rows["totals_rows"]
    assert {e["category"] for e in data["excluded"]} == {"未计入", "统计期外"}


def test_json_is_the_librarys_figures_and_the_same_again_with_nothing_changed(tmp_path):
    """Written as it is made (excluded rows and issues a line each), it is still one object:
    the library's, plus where the 汇总表 went; a second run with nothing changed says it again."""
    from lianhu_xl.consolidate import consolidate
    from lianhu_xl.period import parse_period

    village(tmp_path / "收集", bad=True)
    village(tmp_path / "收集", name="江淮村.xlsx")  # the same cards again: duplicates, left out
    first = invoke(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "--period", "2010", "--json")
    assert first.exit_code == 1
    data = json.loads(first.output)
    assert data.pop("output") == str(tmp_path / "t.xlsx")
    library = consolidate([tmp_path / "收集"], period=parse_period("2010"))
    assert data == json.loads(json.dumps(library.to_dict(), ensure_ascii=False, default=str))
    assert data["excluded"] and data["issues"]
    again = invoke(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "--period", "2010", "--json")
    assert again.exit_code == 1 and again.output == first.output


def test_quiet_prints_nothing_and_uses_the_exit_code(tmp_path):
    village(tmp_path / "收集")
    result = invoke(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "-q")
    assert result.exit_code == 0 and result.output == ""


def test_a_folder_named_after_the_township_names_the_totals(tmp_path):
    village(tmp_path / "倪家营乡")
    result = invoke(tmp_path / "倪家营乡", "-o", tmp_path / "t.xlsx", "--period", "2010")
    assert result.output.startswith("倪家营乡联户带创汇总表（2010年）")
    village(tmp_path / "收集")
    result = invoke(tmp_path / "收集", "-o", tmp_path / "t.xlsx", "--period", "2010")
    assert result.output.startswith("联户带创汇总表（2010年）")  # 收集 is no place name


def test_a_township_as_the_issue_tries_it_every_figure_against_a_hand_count(tmp_path):
    """Two village books, a cadre's own book duplicating part of one, two mistakes mixed in."""
    xy_cards = [card("XY-001"),
                card("XY-002", 联系人="李四", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="是"),
                card("XY-003", 联系人="赵五", 联系人类别="党员", 联系户类型="经济落后户",
                     **{"基期人均纯收入(元)": 2500})]
    xy_diaries = [diary("XY-001", D(2010, m, 6), 服务类别="政策宣传") for m in (3, 4, 5)]
    write_book(tmp_path / "收集" / "下营村.xlsx", xy_cards, [
        *xy_diaries,
        diary("XY-002", D(2010, 6, 6), 发现问题="不愿调整结构", 是否主要问题="是", 办理结果="当场解决",
              解决办法="算账对比"),
        diary("XY-003", D(2010, 7, 6), 形式="电话联系", **{"担保贷款(元)": "5000元"}),
        diary("XY-003", "2010.9.31"),  # mistake 1: no 31 September
    ])
    write_book(tmp_path / "收集" / "倪家营村.xlsx",
               [card("NJ-001", 村="倪家营村", 联系人="钱六", 联系人类别="社干部", 联系户类型="思想保守户")],
               [diary("NJ-001", D(2010, 8, 6), **{"办实事(件)": 1}),
                diary("NJ-009", D(2010, 8, 6))])  # mistake 2: no such card
    write_book(tmp_path / "收集" / "个人" / "王明.xlsx", xy_cards[:1], xy_diaries)  # a copy of his rows
    result = invoke(tmp_path / "收集", "-o", tmp_path / "汇总表.xlsx", "--period", "2010", "--json")
    assert result.exit_code == 1
    data = json.loads(result.output)
    t = data["total"]
    by_hand = {"致富明星户": 1, "思想保守户": 2, "经济落后户": 1,
               "入户访谈": 3 + 1 + 1,  # XY-001 Mar–May, XY-002 Jun, NJ-001 Aug
               "提供服务": 3, "解决主要问题": 1, "办实事": 1, "担保贷款(元)": 5000, "帮耕帮畜": 0,
               "转化户数": 1, "思想保守户数": 2, "转化率": 0.5,
               "应访谈月数": 4 * 12,  # four cards linked on 2010-01-05
               "实访谈月数": 3 + 1 + 0 + 1, "应记日记月数": 48,
               "实记日记月数": 3 + 1 + 1 + 1,  # XY-003's phone call in July is a diary month
               "主要问题已解决户数": 1}
    assert {k: t[k] for k in by_hand} == by_hand
    assert t["访谈达标率"] == 5 / 48 and t["日记达标率"] == 6 / 48
    units = {u["单位"]: u for u in data["units"]}
    assert units["下营村"]["入户访谈"] == 4 and units["倪家营村"]["入户访谈"] == 1
    status = {f["file"]: f["status"] for f in data["files"]}
    assert status == {"下营村.xlsx": "部分汇总", "倪家营村.xlsx": "部分汇总", "个人/王明.xlsx": "已汇总"}
    left = sorted((e["file"], e["cell"]) for e in data["excluded"] if e["category"] == "未计入")
    assert left == [("下营村.xlsx", "B8"), ("倪家营村.xlsx", "A4")]
    assert sum(1 for e in data["excluded"] if e["category"] == "重复") == 4  # the card and 3 diaries
    traced = openpyxl.load_workbook(tmp_path / "汇总表.xlsx")["计入明细"]
    assert sum(1 for row in traced.iter_rows(min_row=3) if row[0].value) == 6
