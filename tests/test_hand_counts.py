"""The 汇总表's figures against counts made by hand, one counting rule of the standard a test.

Each test builds the few rows its rule is about, says in comments how the standard's words
("How totals are counted", "Duplicates", "How a workbook is read") give each figure, writes
the figures down as literal numbers, runs ``lianhu consolidate`` as a clerk does and reads
the 汇总 sheet back, then checks the ``--json`` output says the same, and that every row read
was counted or listed in 未计入 with its reason. A figure that disagrees is a wrong total a
township would print and pass up to the county.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import unicodedata
from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, roster_xlsx, write_book
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from lianhu_xl.cli import cli

D = dt.date
RATES = {"转化率": ("转化户数", "思想保守户数"), "访谈达标率": ("实访谈月数", "应访谈月数"),
         "日记达标率": ("实记日记月数", "应记日记月数")}
COUNTS = ["致富明星户", "思想保守户", "经济落后户", "入户访谈", "提供服务", "解决主要问题", "办实事",
          "担保贷款(元)", "帮耕帮畜", "转化户数", "思想保守户数", "应访谈月数", "实访谈月数", "应记日记月数",
          "实记日记月数", "主要问题已解决户数"]


# --- helpers: the expected figures, the run, the 汇总表 read back ------------------------------


def figures(**given: float) -> dict[str, float | None]:
    """Every figure of a 汇总 row: those given (by label, ``担保贷款`` for 担保贷款(元)), the other
    counts 0; each rate is its two counts' ratio, empty (None) when the denominator is 0
    ("A rate whose denominator is 0 is left empty")."""
    out: dict[str, float | None] = dict.fromkeys(COUNTS, 0)
    for key, value in given.items():
        out["担保贷款(元)" if key == "担保贷款" else key] = value
    out["思想保守户数"] = out["思想保守户"]  # "思想保守户数 repeats 思想保守户 beside the rate"
    for rate, (num, den) in RATES.items():
        out[rate] = out[num] / out[den] if out[den] else None
    return out


def conservative(no: str, **over: object) -> dict[str, object]:
    return card(no, **{"联系人": "宋海", "联系人类别": "村干部", "联系户类型": "思想保守户", **over})


def backward(no: str, **over: object) -> dict[str, object]:
    return card(no, 联系人="李胜", 联系人类别="党员", 联系户类型="经济落后户",
                **{"基期人均纯收入(元)": 2500, **over})


class Run:
    """One ``lianhu consolidate --json`` run: its exit code, its JSON and the 汇总表 it wrote."""

    def __init__(self, folder: Path, out: Path, *extra: str, cache: Path | None = None) -> None:
        args = ["consolidate", str(folder), "-o", str(out), "-j", "1", "--json", *extra]
        env = {"LIANHU_CACHE_DIR": str(cache)} if cache else {}
        result = CliRunner().invoke(cli, args if cache else [*args, "--no-cache"], env=env)
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        assert "Traceback" not in result.output
        self.exit_code = result.exit_code
        self.json = json.loads(result.stdout)
        self.out = out

    def sheet(self, name: str) -> list[list[object]]:
        return [list(r) for r in openpyxl.load_workbook(self.out, read_only=True)[name].iter_rows(values_only=True)]

    def table(self) -> dict[str, dict[str, object]]:
        """The 汇总 sheet as Excel shows it: unit -> {label: value}, up to the 合计 row. Read with
        openpyxl and again with calamine (what WPS-made files are read with): both must agree."""
        rows = self.sheet("汇总")
        at = next(i for i, r in enumerate(rows) if r and r[0] == "单位")
        header = rows[at]
        table: dict[str, dict[str, object]] = {}
        for r in rows[at + 1:]:
            table[r[0]] = dict(zip(header[1:], r[1:], strict=True))
            if r[0] == "合计":
                break
        grid = CalamineWorkbook.from_path(str(self.out)).get_sheet_by_name("汇总").to_python()
        again = {r[0]: dict(zip(header[1:], [None if x == "" else x for x in r[1:]], strict=False))
                 for r in grid[at + 1:at + 1 + len(table)]}
        assert again == table
        return table

    def excluded(self) -> list[tuple[str, str, str, int]]:
        """The 未计入 sheet: (类别, 文件 name, 工作表, 行) per row not counted."""
        rows = self.sheet("未计入")
        at = next(i for i, r in enumerate(rows) if r and r[0] == "类别")
        return sorted((r[0], Path(r[1]).name, r[2], r[3]) for r in rows[at + 1:] if r[0] and r[1])


def terminal(folder: Path, out: Path, *extra: str) -> dict[str, dict[str, float | None]]:
    """The 汇总 table ``lianhu consolidate`` prints for the clerk (no --json), read back by the
    dashes under each block's header (a Chinese character takes two columns on a terminal)."""
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), "-j", "1", "--no-cache", *extra])
    assert result.exit_code in (0, 1), result.output

    def cells(line: str) -> list[str]:  # one entry per terminal column
        return [x for ch in line for x in ((ch, "") if unicodedata.east_asian_width(ch) in "WF" else (ch,))]

    table: dict[str, dict[str, float | None]] = {}
    lines = result.stdout.splitlines()
    for i, line in enumerate(lines):
        if not line.startswith("单位"):
            continue
        spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[i + 1])]
        head = cells(line)
        labels = ["".join(head[a:b]).strip() for a, b in spans]
        for row in lines[i + 2:]:
            if not row.strip():
                break
            if row.startswith("-"):
                continue
            got = cells(row)
            values = ["".join(got[a:b]).strip() for a, b in spans]
            unit = table.setdefault(values[0], {})
            for label, text in zip(labels[1:], values[1:], strict=True):
                unit[label] = (None if not text else float(text[:-1].replace(",", "")) / 100 if text.endswith("%")
                               else float(text.replace(",", "")))
    return table


def check(run: Run, want: dict[str, dict[str, float | None]]) -> None:
    """The 汇总 sheet and the JSON give exactly ``want`` (unit -> figures, 合计 last), figure by
    figure; money and rates to the cent / to 1e-9."""
    table = run.table()
    assert list(table) == list(want)
    js = {u["单位"]: u for u in [*run.json["units"], run.json["total"]]}
    assert list(js) == list(want)
    for unit, expected in want.items():
        for label, value in expected.items():
            for where, got in (("汇总表", table[unit][label]), ("json", js[unit][label])):
                if value is None:
                    assert got is None, (where, unit, label, got)
                else:
                    assert got == pytest.approx(value, abs=1e-9), (where, unit, label, got, value)


def check_terminal(table: dict[str, dict[str, float | None]], want: dict[str, dict[str, float | None]]) -> None:
    """The printed table gives ``want`` too: counts exactly, rates as shown (to 0.1 %)."""
    assert list(table) == list(want)
    for unit, expected in want.items():
        for label, value in expected.items():
            got = table[unit][label]
            if value is None:
                assert got is None, (unit, label, got)
            else:
                assert got == pytest.approx(value, abs=0.0005 if label in RATES else 1e-9), (unit, label, got, value)


def accounted(run: Run, read: dict[str, int], buckets: dict[str, dict[str, int]]) -> None:
    """Conservation: per file, rows read (as counted by hand) = 计入 + 重复 + 未计入 + 统计期外 +
    合计行, each bucket as expected by hand, and every row not counted listed in 未计入 once."""
    names = {"counted": "计入", "duplicate": "重复", "excluded": "未计入", "out_of_period": "统计期外",
             "totals_rows": "合计行"}
    files = {Path(f["file"]).name: f["rows"] for f in run.json["files"]}
    assert {k: v["read"] for k, v in files.items()} == read
    listed = run.excluded()
    for name, rows in files.items():
        assert rows["read"] == sum(rows[k] for k in names)
        want = {k: buckets.get(name, {}).get(k, 0) for k in names}
        assert {k: rows[k] for k in names} == want, name
        for key, label in names.items():
            if key != "counted":
                assert sum(1 for e in listed if e[1] == name and e[0] == label) == rows[key], (name, label)
    json_listed = sorted((e["category"], Path(e["file"]).name, e["sheet"], e["row"]) for e in run.json["excluded"])
    assert json_listed == listed


# --- periods: a quarter, a month, a year, none -------------------------------------------------


@pytest.mark.parametrize("period", ["2010Q3", "2010-07-01..2010-09-30", "2010年第三季度"])
def test_a_quarter_counts_its_first_and_last_day_and_nothing_either_side(tmp_path, period):
    write_book(tmp_path / "收集" / "下营村.xlsx", [
        card("A"),
        card("E", 结对日期=D(2010, 9, 30)),    # linked on the quarter's last day: counted
        card("F", 结对日期=D(2010, 10, 1)),    # linked the day after: 统计期外
    ], [
        diary("A", D(2010, 6, 30)),   # the day before the quarter: 统计期外
        diary("A", D(2010, 7, 1)),    # its first day: counted
        diary("A", D(2010, 8, 15), 形式="电话联系"),
        diary("A", D(2010, 9, 30)),   # its last day: counted
        diary("A", D(2010, 10, 1)),   # the day after: 统计期外
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", period)
    assert run.exit_code == 0
    # Cards "linked by the period's end (结对日期 ≤ its last day)": A (2010-01-05) and E (9-30) = 2.
    # 入户访谈 = rows dated inside with 形式 入户访谈: 7-1, 9-30 = 2.
    # Months expected: "the later of the period's first month [7] and the 结对日期 month" to "the
    # earlier of its last month [9] and the current month": A 7, 8, 9 = 3; E 9 = 1; 4 in all.
    # An 入户访谈 in A's 7 and 9 = 2 met; any diary row in A's 7, 8, 9 = 3 met; E none.
    row = figures(致富明星户=2, 入户访谈=2, 应访谈月数=4, 实访谈月数=2, 应记日记月数=4, 实记日记月数=3)
    check(run, {"下营村": row, "合计": row})
    check_terminal(terminal(tmp_path / "收集", tmp_path / "打印.xlsx", "--period", period), {"下营村": row, "合计": row})
    # read: 3 cards + 5 diary rows; card F and the 6-30 and 10-1 rows are 统计期外
    accounted(run, {"下营村.xlsx": 8}, {"下营村.xlsx": {"counted": 5, "out_of_period": 3}})


def test_a_month_counts_a_card_linked_in_it_and_expects_that_month(tmp_path):
    write_book(tmp_path / "收集" / "九月.xlsx", [
        card("A", 结对日期=D(2010, 9, 20)),   # linked mid-month
        backward("B", 结对日期=D(2010, 3, 1)),
    ], [
        diary("A", D(2010, 9, 25)),
        diary("B", D(2010, 8, 31)),           # the day before the month: 统计期外
        diary("B", D(2010, 9, 1), 形式="电话联系"),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010-09")
    assert run.exit_code == 0
    # Both cards linked by 9-30: 致富明星户 1, 经济落后户 1. 入户访谈 in September: A's 9-25 = 1.
    # Months expected: A from "the 结对日期 month (which counts)" = 9 → 1; B from the period's first
    # month 9 → 1; 2 in all. Interview met: A in 9 = 1. Diary met: A in 9, B in 9 = 2.
    row = figures(致富明星户=1, 经济落后户=1, 入户访谈=1, 应访谈月数=2, 实访谈月数=1, 应记日记月数=2,
                  实记日记月数=2)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"九月.xlsx": 5}, {"九月.xlsx": {"counted": 4, "out_of_period": 1}})


def test_a_year_with_a_card_linked_mid_year_and_rows_before_its_link_date(tmp_path):
    write_book(tmp_path / "收集" / "李胜.xlsx", [backward("C", 结对日期=D(2010, 6, 15))], [
        diary("C", D(2010, 5, 20)),    # before 结对日期 and before its month: a warning, still a row inside 2010
        diary("C", D(2010, 6, 1)),     # before 结对日期 but in the 结对日期 month
        diary("C", D(2010, 8, 10)),
        diary("C", D(2010, 12, 31)),   # the last day of the year
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # "before 结对日期 is a warning"; "a warning never leaves anything out": exit 0
    assert run.exit_code == 0
    codes = {i["code"] for i in run.json["issues"] if i["severity"] == "error"}
    assert codes == set()
    # 入户访谈: "diary rows counted are those dated inside [the period]": all 4.
    # Months expected: "from the month of 结对日期 on" = June to December = 7.
    # Met: "each month of the period from the month of 结对日期 on, is there an 入户访谈 row":
    # June (6-1), August, December = 3; May is not a month expected, so its row meets none.
    row = figures(经济落后户=1, 入户访谈=4, 应访谈月数=7, 实访谈月数=3, 应记日记月数=7, 实记日记月数=3)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"李胜.xlsx": 5}, {"李胜.xlsx": {"counted": 5}})


def test_without_a_period_months_run_to_the_latest_diary_month(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [
        card("A", 结对日期=D(2010, 3, 10)),
        conservative("B", 结对日期=D(2010, 5, 1)),
        backward("C", 结对日期=D(2010, 9, 1)),   # linked after the latest diary month
    ], [
        diary("A", D(2010, 3, 15)),
        diary("A", D(2010, 4, 10), 形式="电话联系"),
        diary("B", D(2010, 8, 5)),               # the latest diary date: August 2010
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx")
    assert run.exit_code == 0
    # "Without a period: every row, and months expected up to the month of the latest diary date"
    # (August 2010). A: March–August = 6, interview in March = 1, diary in March, April = 2.
    # B: May–August = 4, interview and diary in August = 1. C: September–August = none.
    # Expected 10, interviews met 2, diary met 3; every card counted (1 / 1 / 1).
    row = figures(致富明星户=1, 思想保守户=1, 经济落后户=1, 入户访谈=2, 应访谈月数=10, 实访谈月数=2,
                  应记日记月数=10, 实记日记月数=3)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 6}, {"下营村.xlsx": {"counted": 6}})


def test_a_card_linked_after_the_period_is_not_counted_nor_are_its_rows(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [
        card("A"),
        conservative("L", 结对日期=D(2010, 10, 8), 是否转化="是"),   # linked after 2010Q3
    ], [
        diary("A", D(2010, 8, 6)),
        diary("L", D(2010, 10, 9)),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010Q3")
    assert run.exit_code == 0
    # "The cards counted are those linked by the period's end (结对日期 ≤ its last day)": A only, so
    # 思想保守户 0 and 转化户数 0 (L's 是 not counted), 转化率 empty. L's diary row is dated outside.
    # A: 7, 8, 9 expected, August met.
    row = figures(致富明星户=1, 入户访谈=1, 应访谈月数=3, 实访谈月数=1, 应记日记月数=3, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 4}, {"下营村.xlsx": {"counted": 2, "out_of_period": 2}})


# --- duplicates and conflicts across files -----------------------------------------------------


def test_the_same_card_and_diary_in_a_cadres_book_and_the_villages_book_count_once(tmp_path):
    a = card("A")
    a_rows = [diary("A", D(2010, 3, 6), **{"担保贷款(元)": 3000}), diary("A", D(2010, 4, 6))]
    write_book(tmp_path / "收集" / "王明.xlsx", [a], a_rows)
    write_book(tmp_path / "收集" / "下营村.xlsx", [a, conservative("B")],
               [*a_rows, diary("B", D(2010, 5, 6))])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # "The same card ... in two files ... is counted once, with a warning"; diary rows "identical in
    # every other column [are] counted once with a warning": exit 0.
    assert run.exit_code == 0
    # Cards A and B: 致富明星户 1, 思想保守户 1. 入户访谈: A 3-6, A 4-6, B 5-6 = 3. 担保贷款 3000 once.
    # Months: both linked 2010-01-05, January–December = 12 each = 24; met A: March, April; B: May = 3.
    row = figures(致富明星户=1, 思想保守户=1, 入户访谈=3, 担保贷款=3000, 应访谈月数=24, 实访谈月数=3,
                  应记日记月数=24, 实记日记月数=3)
    check(run, {"下营村": row, "合计": row})
    # 8 rows read (3 + 5); the second copy of card A and of its two diary rows are 重复 (3), the
    # other 5 (A, B, three diary rows) counted. Which file's copy counts is not the standard's concern: only the sums are checked.
    files = {Path(f["file"]).name: f["rows"] for f in run.json["files"]}
    assert (files["王明.xlsx"]["read"], files["下营村.xlsx"]["read"]) == (3, 5)
    assert sum(f["counted"] for f in files.values()) == 5
    assert sum(f["duplicate"] for f in files.values()) == 3
    assert [e[0] for e in run.excluded()] == ["重复"] * 3


def test_the_same_card_number_with_different_content_leaves_out_every_copy_and_its_diary(tmp_path):
    write_book(tmp_path / "收集" / "王明.xlsx", [card("X", 户主="张三")], [diary("X", D(2010, 3, 6))])
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("X", 户主="李四"), card("Y")],
               [diary("Y", D(2010, 3, 6))])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # "The same 卡号 with different content is an error ..., and every copy is left out"; "a diary
    # row whose card was left out goes with it". Exit 1: rows left out for an error.
    assert run.exit_code == 1
    # Counted: card Y and its one interview; 12 months expected, March met.
    row = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"王明.xlsx": 2, "下营村.xlsx": 3},
              {"王明.xlsx": {"excluded": 2}, "下营村.xlsx": {"counted": 2, "excluded": 1}})
    assert run.excluded() == [("未计入", "下营村.xlsx", "联户卡", 3), ("未计入", "王明.xlsx", "联户卡", 3),
                              ("未计入", "王明.xlsx", "联户日记", 3)]


def test_a_repeated_diary_entry_counts_once_and_a_conflicting_one_not_at_all(tmp_path):
    def entry(day: int, month: int, problem: str, loans: int) -> dict[str, object]:
        return diary("A", D(2010, month, day), 发现问题=problem, 解决办法="协调", 办理结果="正在办理",
                     **{"担保贷款(元)": loans})

    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [
        entry(6, 3, "缺水", 1000),
        entry(6, 3, "缺水", 1000),     # the same entry typed twice: counted once
        entry(6, 4, "缺肥", 2000),
        entry(6, 4, "缺肥", 5000),     # same 卡号, 日期, 形式, 发现问题, another 担保贷款: both left out
        entry(6, 4, "缺种子", 700),    # same day and form, another problem: another entry
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 1
    # "Diary rows equal in 卡号, 日期, 形式 and 发现问题 are the same entry: identical in every other
    # column, it is counted once ...; differing elsewhere (another 担保贷款, say), it is an error ...
    # and both are left out." Counted: 3-6 缺水 (once) and 4-6 缺种子: 入户访谈 2, 担保贷款
    # 1000 + 700 = 1700; months met March, April = 2 of 12. No main problem (是否主要问题 blank = 否).
    row = figures(致富明星户=1, 入户访谈=2, 担保贷款=1700, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12,
                  实记日记月数=2)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 6},
              {"下营村.xlsx": {"counted": 3, "duplicate": 1, "excluded": 2}})
    assert [e for e in run.excluded() if e[0] == "未计入"] == [("未计入", "下营村.xlsx", "联户日记", 5),
                                                             ("未计入", "下营村.xlsx", "联户日记", 6)]


def test_diary_only_books_count_toward_the_village_on_the_card(tmp_path):
    write_book(tmp_path / "收集" / "卡.xlsx", [card("W", 村="汪家墩村", 社="五社"), backward("X")])
    write_book(tmp_path / "收集" / "九月日记.xlsx", None,
               [diary("W", D(2010, 9, 6)), diary("X", D(2010, 9, 7)), diary("X", D(2010, 9, 20))])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010-09")
    assert run.exit_code == 0
    # "per village (the card's 村)": W's row goes to 汪家墩村, X's two to 下营村; villages by name.
    # Each card: September expected (1), met.
    want = {"下营村": figures(经济落后户=1, 入户访谈=2, 应访谈月数=1, 实访谈月数=1, 应记日记月数=1, 实记日记月数=1),
            "汪家墩村": figures(致富明星户=1, 入户访谈=1, 应访谈月数=1, 实访谈月数=1, 应记日记月数=1,
                            实记日记月数=1),
            "合计": figures(致富明星户=1, 经济落后户=1, 入户访谈=3, 应访谈月数=2, 实访谈月数=2, 应记日记月数=2,
                          实记日记月数=2)}
    check(run, want)
    accounted(run, {"卡.xlsx": 2, "九月日记.xlsx": 3}, {"卡.xlsx": {"counted": 2}, "九月日记.xlsx": {"counted": 3}})


# --- what each figure counts -------------------------------------------------------------------


def test_main_problems_solved_only_when_main_and_solved_inside_the_period(tmp_path):
    def problem(no: str, day: dt.date, main: str | None, result: str) -> dict[str, object]:
        return diary(no, day, 发现问题="缺少资金", 解决办法="担保贷款", 办理结果=result,
                     **({"是否主要问题": main} if main else {}))

    write_book(tmp_path / "收集" / "两村.xlsx", [
        card("A"), card("B"),
        card("C", 村="倪家营村", 社="四社"), card("D", 村="倪家营村", 社="四社"), card("E", 村="倪家营村", 社="四社"),
    ], [
        problem("A", D(2010, 7, 5), "是", "当场解决"),      # solved
        problem("A", D(2010, 8, 5), "是", "协调解决"),      # solved (the same household again)
        problem("B", D(2010, 7, 10), "是", "正在办理"),     # main, not solved
        problem("B", D(2010, 8, 10), "是", "未解决"),       # main, not solved
        problem("C", D(2010, 7, 15), "否", "当场解决"),     # solved, not the main problem
        problem("C", D(2010, 8, 15), None, "协调解决"),     # 是否主要问题 blank: "default 否"
        problem("D", D(2010, 3, 1), "是", "当场解决"),      # solved before the quarter
        problem("D", D(2010, 9, 30), "是", "当场解决"),     # solved on its last day
        problem("E", D(2010, 10, 1), "√", "当场解决"),      # solved the day after
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010Q3")
    assert run.exit_code == 0
    # 解决主要问题: "diary rows with 是否主要问题 = 是 and 办理结果 当场解决 or 协调解决" dated in Q3:
    # 下营村 A 7-5, A 8-5 = 2; 倪家营村 D 9-30 = 1. 主要问题已解决户数: "cards with at least one solved
    # main problem in the period": 下营村 A = 1; 倪家营村 D = 1 (its 3-1 and E's 10-1 are outside).
    # 入户访谈 in Q3: 下营村 A×2 + B×2 = 4; 倪家营村 C×2 + D 9-30 = 3. Months 7–9 for each card:
    # 下营村 6 expected, met A 7, 8 and B 7, 8 = 4; 倪家营村 9 expected, met C 7, 8 and D 9 = 3.
    want = {
        "下营村": figures(致富明星户=2, 入户访谈=4, 解决主要问题=2, 应访谈月数=6, 实访谈月数=4, 应记日记月数=6,
                       实记日记月数=4, 主要问题已解决户数=1),
        "倪家营村": figures(致富明星户=3, 入户访谈=3, 解决主要问题=1, 应访谈月数=9, 实访谈月数=3, 应记日记月数=9,
                        实记日记月数=3, 主要问题已解决户数=1),
        "合计": figures(致富明星户=5, 入户访谈=7, 解决主要问题=3, 应访谈月数=15, 实访谈月数=7, 应记日记月数=15,
                      实记日记月数=7, 主要问题已解决户数=2),
    }
    check(run, dict(sorted(want.items(), key=lambda kv: (kv[0] == "合计", kv[0]))))
    accounted(run, {"两村.xlsx": 14}, {"两村.xlsx": {"counted": 12, "out_of_period": 2}})


def test_review_dates_do_not_move_a_row_into_or_out_of_the_period(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [
        diary("A", D(2010, 9, 30), 调阅人="宋海", 调阅日期=D(2010, 10, 5), 调阅意见="已阅"),  # reviewed after Q3
        diary("A", D(2010, 10, 2), 调阅人="宋海", 调阅日期=D(2010, 9, 30)),   # review before 日期: a warning
        diary("A", D(2010, 8, 10), 调阅人="宋海", 调阅日期=D(2010, 8, 1)),    # review before 日期: a warning
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010Q3")
    # "调阅日期 before 日期 is a warning"; rows are counted by "dated inside [the period]" (日期).
    assert run.exit_code == 0
    # Counted: 9-30 and 8-10 = 入户访谈 2; 10-2 is 统计期外 though reviewed inside Q3.
    # Months 7, 8, 9 expected; August and September met.
    row = figures(致富明星户=1, 入户访谈=2, 应访谈月数=3, 实访谈月数=2, 应记日记月数=3, 实记日记月数=2)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 4}, {"下营村.xlsx": {"counted": 3, "out_of_period": 1}})


def test_converted_households_are_conservative_cards_marked_yes(tmp_path):
    write_book(tmp_path / "收集" / "转化.xlsx", [
        conservative("C1", 是否转化="是"),
        conservative("C2", 是否转化="否"),
        conservative("C3"),                                   # blank: not converted
        conservative("C4", 是否转化="√"),
        card("S1", 是否转化="是"),                            # not a 思想保守户: a warning, not counted
        backward("B1", 是否转化="是"),
        card("S2", 村="倪家营村", 社="四社"),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0
    # 转化户数: "思想保守户 cards with 是否转化 = 是" = C1, C4 (√ reads as 是) = 2; "over all 思想保守户
    # cards" = 4: 0.5. 倪家营村 has no 思想保守户: 转化率 "left empty". No diary: 12 months expected per
    # card (linked 2010-01-05), none met: rates 0, not empty.
    want = {
        "下营村": figures(致富明星户=1, 思想保守户=4, 经济落后户=1, 转化户数=2, 应访谈月数=72, 应记日记月数=72),
        "倪家营村": figures(致富明星户=1, 应访谈月数=12, 应记日记月数=12),
        "合计": figures(致富明星户=2, 思想保守户=4, 经济落后户=1, 转化户数=2, 应访谈月数=84, 应记日记月数=84),
    }
    check(run, dict(sorted(want.items(), key=lambda kv: (kv[0] == "合计", kv[0]))))
    check_terminal(terminal(tmp_path / "收集", tmp_path / "打印.xlsx", "--period", "2010"),
                   dict(sorted(want.items(), key=lambda kv: (kv[0] == "合计", kv[0]))))
    assert run.table()["倪家营村"]["转化率"] is None and run.table()["合计"]["转化率"] == 0.5
    accounted(run, {"转化.xlsx": 7}, {"转化.xlsx": {"counted": 7}})


def test_services_deeds_loans_and_ploughing_are_counted_as_typed(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [backward("A")], [
        diary("A", D(2010, 3, 6), 服务类别="政策宣传、实用技术",
              **{"办实事(件)": 2, "担保贷款(元)": "3000元", "帮耕帮畜(次)": 1}),
        diary("A", D(2010, 4, 6), 形式="电话联系", 服务类别="市场信息",
              **{"办实事(件)": "３", "担保贷款(元)": "1.2万", "帮耕帮畜(次)": 4}),
        diary("A", D(2010, 5, 6), **{"担保贷款(元)": "3,000", "办实事(件)": 0}),
        diary("A", D(2010, 6, 6), 形式="集中座谈", 服务类别="帮扶项目 增收措施"),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0
    # 提供服务: "diary rows with at least one 服务类别" = 3-6, 4-6, 6-6 = 3 (a row, not a service).
    # 办实事 2 + 3 = 5; 担保贷款 3000 + 12000 (1.2万) + 3000 = 18000; 帮耕帮畜 1 + 4 = 5.
    # 入户访谈: 3-6, 5-6 = 2. Months: 12 expected; interviews in March, May = 2; diary in 3–6 = 4.
    row = figures(经济落后户=1, 入户访谈=2, 提供服务=3, 办实事=5, 担保贷款=18000, 帮耕帮畜=5,
                  应访谈月数=12, 实访谈月数=2, 应记日记月数=12, 实记日记月数=4)
    check(run, {"下营村": row, "合计": row})
    check_terminal(terminal(tmp_path / "收集", tmp_path / "打印.xlsx", "--period", "2010"), {"下营村": row, "合计": row})


def test_a_village_on_the_roster_with_nothing_submitted_shows_zeros(tmp_path):
    roster = roster_xlsx(tmp_path / "名册.xlsx", [["村", "社"], ["下营村", "六社"], ["倪家营村", "四社"],
                                                 ["江淮村", "一社"]])
    write_book(tmp_path / "收集" / "两村.xlsx", [
        card("A"), card("J", 村="江淮村", 社="一社"),
        card("X", 村="东街村", 社="一社"),    # a village not on the roster: an error, left out
        card("Y", 社="九社"),                 # a team not on the roster: an error, left out
    ], [diary("A", D(2010, 9, 6)), diary("X", D(2010, 9, 6)), diary("Y", D(2010, 9, 6))])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010Q3", "--roster", str(roster))
    assert run.exit_code == 1
    # 村 and 社 "must be on the roster when one is given": X and Y (and their diary rows) are left
    # out, in no village's row and not in 合计.
    # 倪家营村 submitted nothing: every count 0 and every rate empty. 江淮村 has a card and no diary:
    # 3 months expected, 0 met, rate 0 (not empty). Villages in the roster's order.
    want = {
        "下营村": figures(致富明星户=1, 入户访谈=1, 应访谈月数=3, 实访谈月数=1, 应记日记月数=3, 实记日记月数=1),
        "倪家营村": figures(),
        "江淮村": figures(致富明星户=1, 应访谈月数=3, 应记日记月数=3),
        "合计": figures(致富明星户=2, 入户访谈=1, 应访谈月数=6, 实访谈月数=1, 应记日记月数=6, 实记日记月数=1),
    }
    check(run, want)
    assert run.table()["江淮村"]["访谈达标率"] == 0
    accounted(run, {"两村.xlsx": 7}, {"两村.xlsx": {"counted": 3, "excluded": 4}})


def test_rows_with_errors_are_left_out_and_every_row_is_accounted_for(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [
        card("A"),
        card("B", 联系户类型="富裕户"),          # not one of the three types: an error
        card("C", 结对日期="去年"),              # a date that cannot be read: an error
        {"卡号": "合计", "家庭人口": 12},         # a clerk's totals row
    ], [
        diary("A", D(2010, 3, 6), **{"担保贷款(元)": 1000}),
        diary("B", D(2010, 3, 7), **{"担保贷款(元)": 2000}),     # its card is left out: goes with it
        diary("A", "三月六号", **{"担保贷款(元)": 4000}),        # an unreadable date
        diary("Z", D(2010, 3, 8), **{"担保贷款(元)": 8000}),     # names no card
        {"卡号": "本页合计", "担保贷款(元)": 15000},
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 1
    # "a row with an error is left out of the totals (and a diary row whose card was left out goes
    # with it)"; 合计 rows are "skipped with a notice, never counted". Counted: card A, its 3-6
    # row: 担保贷款 1000 (not 15000, not 16000). 12 months expected, March met.
    row = figures(致富明星户=1, 入户访谈=1, 担保贷款=1000, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                  实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    # "Every row read is accounted for: counted, or listed as excluded with its reason."
    accounted(run, {"下营村.xlsx": 9}, {"下营村.xlsx": {"counted": 2, "excluded": 5, "totals_rows": 2}})
    assert run.excluded() == [
        ("合计行", "下营村.xlsx", "联户卡", 6), ("合计行", "下营村.xlsx", "联户日记", 7),
        ("未计入", "下营村.xlsx", "联户卡", 4), ("未计入", "下营村.xlsx", "联户卡", 5),
        ("未计入", "下营村.xlsx", "联户日记", 4), ("未计入", "下营村.xlsx", "联户日记", 5),
        ("未计入", "下营村.xlsx", "联户日记", 6)]
    reasons = {(e["sheet"], e["row"]): e["reason"] for e in run.json["excluded"]}
    assert all(reasons.values())
    assert "富裕户" in reasons[("联户卡", 4)] and "三月六号" in reasons[("联户日记", 5)]
    assert "Z" in reasons[("联户日记", 6)]


# --- roll-up: townships' 汇总表 into a county's ----------------------------------------------


def test_two_townships_roll_up_into_a_county_with_rates_recomputed_not_averaged(tmp_path):
    write_book(tmp_path / "倪家营乡" / "下营村.xlsx", [conservative("N-1", 是否转化="是")],
               [diary("N-1", D(2010, 3, 6), **{"担保贷款(元)": 3000})])
    write_book(tmp_path / "沙河镇" / "西关村.xlsx",
               [conservative(f"S-{i}", 村="西关村", 是否转化="否") for i in (1, 2, 3)] + [card("S-4", 村="西关村")])
    county = tmp_path / "临泽县"
    for town in ("倪家营乡", "沙河镇"):
        Run(tmp_path / town, county / f"{town}汇总表.xlsx", "--period", "2010", "--title", town)
    shutil.copy(county / "倪家营乡汇总表.xlsx", tmp_path / "倪家营乡汇总表-副本.xlsx")
    run = Run(county, tmp_path / "县汇总表.xlsx", "--period", "2010", "--title", "临泽县")
    assert run.exit_code == 0
    # 倪家营乡: 1 思想保守户, converted (1/1); 1 interview in March of 12 months; 担保贷款 3000.
    # 沙河镇: 3 思想保守户, none converted (0/3), 1 致富明星户; 4 cards × 12 = 48 months, none met.
    nj = figures(思想保守户=1, 转化户数=1, 入户访谈=1, 担保贷款=3000, 应访谈月数=12, 实访谈月数=1,
                 应记日记月数=12, 实记日记月数=1)
    sh = figures(致富明星户=1, 思想保守户=3, 应访谈月数=48, 应记日记月数=48)
    # The county: counts summed, "the rates recomputed from the counts, never averaged":
    # 转化率 1/4 = 0.25 (the average would be 0.5); 访谈达标率 1/60 (the average would be 1/24).
    county_total = figures(致富明星户=1, 思想保守户=4, 转化户数=1, 入户访谈=1, 担保贷款=3000,
                           应访谈月数=60, 实访谈月数=1, 应记日记月数=60, 实记日记月数=1)
    assert county_total["转化率"] == 0.25
    check(run, {"倪家营乡": nj, "沙河镇": sh, "合计": county_total})
    check_terminal(terminal(county, tmp_path / "打印.xlsx", "--period", "2010", "--title", "临泽县"),
                   {"倪家营乡": nj, "沙河镇": sh, "合计": county_total})
    accounted(run, {"倪家营乡汇总表.xlsx": 1, "沙河镇汇总表.xlsx": 1},
              {"倪家营乡汇总表.xlsx": {"counted": 1}, "沙河镇汇总表.xlsx": {"counted": 1}})
    # the same township's 汇总表 twice (a copy): counted once
    shutil.copy(tmp_path / "倪家营乡汇总表-副本.xlsx", county / "倪家营乡汇总表-副本.xlsx")
    again = Run(county, tmp_path / "县汇总表2.xlsx", "--period", "2010", "--title", "临泽县")
    assert again.exit_code == 0
    check(again, {"倪家营乡": nj, "沙河镇": sh, "合计": county_total})
    files = [f["rows"] for f in again.json["files"]]
    assert [sum(f[k] for f in files) for k in ("read", "counted", "duplicate", "excluded")] == [3, 2, 1, 0]
    assert [e[0] for e in again.excluded()] == ["重复"]
    # and a county's own 汇总表 rolls up into a city's the same way, the figures unchanged
    city = tmp_path / "张掖市"
    city.mkdir()
    shutil.copy(tmp_path / "县汇总表.xlsx", city / "临泽县汇总表.xlsx")
    up = Run(city, tmp_path / "市汇总表.xlsx", "--period", "2010", "--title", "张掖市")
    assert up.exit_code == 0
    check(up, {"临泽县": county_total, "合计": county_total})


# --- more edges: time of day, dates across a year, same household, clerks' ways of typing -------


def test_a_from_to_period_across_new_year_with_an_excel_time_on_its_last_day(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [
        card("A", 结对日期=D(2009, 6, 1)),
        backward("B", 结对日期=D(2009, 12, 20)),
    ], [
        diary("A", D(2009, 11, 14)),                         # the day before the period
        diary("A", D(2009, 11, 15)),                         # its first day
        diary("B", dt.datetime(2010, 2, 10, 18, 30)),        # its last day, typed with a time of day
        diary("B", D(2010, 2, 11)),                          # the day after
        diary("A", "2010.1.6", 形式="电话联系"),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2009-11-15..2010-02-10")
    assert run.exit_code == 0
    # Rows dated inside 2009-11-15..2010-02-10 (both included): A 11-15, B 2-10 (18:30 is still that
    # day), A 1-6 = 3; 入户访谈 2. Months expected: A from the period's first month 2009-11 to 2010-02
    # = 4; B from its 结对日期 month 2009-12 = 3; 7 in all. Interviews met: A November, B February
    # = 2; diary met: those and A January = 3.
    row = figures(致富明星户=1, 经济落后户=1, 入户访谈=2, 应访谈月数=7, 实访谈月数=2, 应记日记月数=7,
                  实记日记月数=3)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 7}, {"下营村.xlsx": {"counted": 5, "out_of_period": 2}})


def test_the_same_household_on_two_cards_in_two_files_is_two_cards(tmp_path):
    write_book(tmp_path / "收集" / "宋海.xlsx", [conservative("A", 户主="缪红", 是否转化="是")],
               [diary("A", D(2010, 3, 6))])
    write_book(tmp_path / "收集" / "缪红荣.xlsx",
               [conservative("B", 联系人="缪红荣", 联系人类别="社干部", 户主="缪红", 是否转化="是")],
               [diary("B", D(2010, 3, 6))])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # "The same household (村, 社, 户主, or 身份证号) on two cards is a warning": nothing is left out,
    # so both cards count (思想保守户 2, 转化 2 of 2) and both interviews (2).
    assert run.exit_code == 0
    assert [i["severity"] for i in run.json["issues"] if i["code"] == "duplicate-household"] == ["warning"] * 2
    row = figures(思想保守户=2, 转化户数=2, 入户访谈=2, 应访谈月数=24, 实访谈月数=2, 应记日记月数=24,
                  实记日记月数=2)
    check(run, {"下营村": row, "合计": row})


def test_a_repeated_entry_typed_differently_is_still_the_same_entry(tmp_path):
    write_book(tmp_path / "收集" / "王明.xlsx", [card("A")],
               [diary("A", D(2010, 3, 6), **{"担保贷款(元)": 3000, "办实事(件)": 1})])
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")],
               [diary("A", "2010年3月6日", **{"担保贷款(元)": "3000元 ", "办实事(件)": "１"})])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # "Values are read as a person meant them": 2010年3月6日 is 2010-03-06, "3000元 " is 3000, １ is 1,
    # so the two diary rows are identical: "counted once with a warning" (担保贷款 3000, not 6000).
    assert run.exit_code == 0
    row = figures(致富明星户=1, 入户访谈=1, 办实事=1, 担保贷款=3000, 应访谈月数=12, 实访谈月数=1,
                  应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    # 4 rows read; one copy of the card and of the entry counted, the other copy of each 重复
    # (which file's copy counts is not the standard's concern)
    files = [f["rows"] for f in run.json["files"]]
    assert [f["read"] for f in files] == [2, 2]
    assert (sum(f["counted"] for f in files), sum(f["duplicate"] for f in files)) == (2, 2)
    assert [e[0] for e in run.excluded()] == ["重复", "重复"]


def test_two_contacts_on_one_day_without_a_problem_but_with_different_deeds_are_a_conflict(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [backward("A")], [
        diary("A", D(2010, 5, 6), 形式="电话联系", **{"办实事(件)": 1}),
        diary("A", D(2010, 5, 6), 形式="电话联系", **{"办实事(件)": 2}),
        diary("A", D(2010, 5, 6), **{"帮耕帮畜(次)": 3}),   # same day, another 形式: another entry
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # Equal in 卡号, 日期, 形式 and 发现问题 (blank in both), "differing elsewhere ... both are left out".
    assert run.exit_code == 1
    row = figures(经济落后户=1, 入户访谈=1, 帮耕帮畜=3, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                  实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 4}, {"下营村.xlsx": {"counted": 2, "excluded": 2}})


def test_a_subtotal_row_under_another_column_and_a_village_typed_with_a_space(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [
        card("A"),
        card("B", 村=" 下营村 ", 联系户类型="致富明星户 "),   # spaces around: the same village and type
        {"联系人": "小计", "家庭人口": 8},                    # first filled cell 小计: a totals row
        {"卡号": "合　计", "家庭人口": 13},                # 合计 spaced out with a full-width space
    ], [
        diary("A", D(2010, 3, 6)),
        {"日期": "总计", "办实事(件)": 9},
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0
    # "leading and trailing spaces are dropped from every value": one village, 2 致富明星户.
    # A row "whose first filled cell contains 合计, 小计 or 总计" is "never counted".
    row = figures(致富明星户=2, 入户访谈=1, 应访谈月数=24, 实访谈月数=1, 应记日记月数=24, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 6}, {"下营村.xlsx": {"counted": 3, "totals_rows": 3}})


def test_the_sources_sheet_counts_rows_and_says_which_files_were_counted(tmp_path):
    import hashlib

    write_book(tmp_path / "收集" / "王明.xlsx", [card("X", 户主="张三")], [diary("X", D(2010, 3, 6))])
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("X", 户主="李四"), card("Y")],
               [diary("Y", D(2010, 3, 6)), diary("Y", D(2010, 4, 6))])
    write_book(tmp_path / "收集" / "汪家墩村.xlsx", [card("W", 村="汪家墩村")], [diary("W", D(2010, 3, 6))])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 1
    rows = run.sheet("来源")
    at = next(i for i, r in enumerate(rows) if r and r[0] == "文件")
    header = rows[at]
    lines = {Path(r[0]).name: dict(zip(header, r, strict=False)) for r in rows[at + 1:] if r and r[0]}
    for name, (cards, diaries, status) in {
        "王明.xlsx": (1, 1, "未汇总"),        # its card conflicts with 下营村's: nothing of it counted
        "下营村.xlsx": (2, 2, "部分汇总"),    # its copy of X left out, Y and its rows counted
        "汪家墩村.xlsx": (1, 1, "已汇总"),
    }.items():
        line = lines[name]
        assert (line["联户卡行数"], line["联户日记行数"], line["状态"]) == (cards, diaries, status), name
        assert line["SHA-256"] == hashlib.sha256((tmp_path / "收集" / name).read_bytes()).hexdigest()
    # the conflict is an error in both files; the counted X-less totals: Y (下营村) and W (汪家墩村)
    assert lines["王明.xlsx"]["错误数"] >= 1 and lines["下营村.xlsx"]["错误数"] >= 1
    assert lines["汪家墩村.xlsx"]["错误数"] == 0
    want = {"下营村": figures(致富明星户=1, 入户访谈=2, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12, 实记日记月数=2),
            "汪家墩村": figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12,
                            实记日记月数=1),
            "合计": figures(致富明星户=2, 入户访谈=3, 应访谈月数=24, 实访谈月数=3, 应记日记月数=24, 实记日记月数=3)}
    check(run, want)


def test_months_expected_stop_at_the_current_month(tmp_path):
    from lianhu_xl.consolidate import consolidate
    from lianhu_xl.period import parse_period

    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A"), backward("B", 结对日期=D(2010, 9, 1))],
               [diary("A", D(2010, 8, 6)), diary("A", D(2010, 2, 6), 形式="电话联系")])
    c = consolidate([tmp_path / "收集"], period=parse_period("2010"), today=D(2010, 8, 15))
    # "to the earlier of its last month [December] and the current month [August 2010]": A January–
    # August = 8; B is linked by the period's end (counted, 经济落后户 1) but September is after
    # August: 0 months. Interview met: August = 1; diary met: February, August = 2.
    t = c.total
    assert (t.star, t.backward, t.interviews) == (1, 1, 1)
    assert (t.interview_months_expected, t.interview_months_met) == (8, 1)
    assert (t.diary_months_expected, t.diary_months_met) == (8, 2)
    assert t.interview_rate == 1 / 8 and t.diary_rate == 2 / 8


def test_a_roll_up_leaves_out_both_copies_of_a_township_whose_figures_differ(tmp_path):
    write_book(tmp_path / "倪家营乡" / "下营村.xlsx", [card("N-1")], [diary("N-1", D(2010, 3, 6))])
    write_book(tmp_path / "倪家营乡2" / "下营村.xlsx", [card("N-1"), card("N-2")], [diary("N-1", D(2010, 3, 6))])
    write_book(tmp_path / "沙河镇" / "西关村.xlsx", [backward("S-1", 村="西关村")], [diary("S-1", D(2010, 5, 6))])
    county = tmp_path / "临泽县"
    for folder, name in (("倪家营乡", "倪家营乡.xlsx"), ("倪家营乡2", "倪家营乡(改).xlsx"), ("沙河镇", "沙河镇.xlsx")):
        Run(tmp_path / folder, county / name, "--period", "2010", "--title", folder[:4])
    run = Run(county, tmp_path / "县汇总表.xlsx", "--period", "2010", "--title", "临泽县")
    # "Totals workbooks consolidate again, the same way": the same unit twice with different figures
    # is, as for a card, an error and every copy left out; 沙河镇 alone is counted.
    assert run.exit_code == 1
    sh = figures(经济落后户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"沙河镇": sh, "合计": sh})
    accounted(run, {"倪家营乡.xlsx": 1, "倪家营乡(改).xlsx": 1, "沙河镇.xlsx": 1},
              {"倪家营乡.xlsx": {"excluded": 1}, "倪家营乡(改).xlsx": {"excluded": 1}, "沙河镇.xlsx": {"counted": 1}})


def test_three_copies_of_an_entry_one_differing_leave_out_all_three(tmp_path):
    same = diary("A", D(2010, 3, 6), **{"担保贷款(元)": 1000})
    write_book(tmp_path / "收集" / "王明.xlsx", [card("A")], [same, same, diary("A", D(2010, 4, 6))])
    write_book(tmp_path / "收集" / "九月日记.xlsx", None, [diary("A", D(2010, 3, 6), **{"担保贷款(元)": 2000})])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # One of the three differs ("another 担保贷款"): the entry is an error and is left out in every
    # copy, "so that totals never depend on the order files are read in". Counted: card A and
    # its 4-6 row: 入户访谈 1, 担保贷款 0; April met of 12 months.
    assert run.exit_code == 1
    row = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"王明.xlsx": 4, "九月日记.xlsx": 1},
              {"王明.xlsx": {"counted": 2, "excluded": 2}, "九月日记.xlsx": {"excluded": 1}})


def test_a_main_problem_solved_counts_by_its_two_columns_alone(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A"), card("B")], [
        diary("A", D(2010, 3, 6), 是否主要问题="是", 办理结果="当场解决"),   # no 发现问题 typed
        diary("B", D(2010, 3, 6), 是否主要问题="Y", 发现问题="缺水", 解决办法="打井", 办理结果="协调解决"),
        diary("B", D(2010, 4, 6), 是否主要问题="是", 发现问题="缺水", 解决办法="打井", 办理结果="协调解决"),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0
    # "diary rows with 是否主要问题 = 是 and 办理结果 当场解决 or 协调解决": all three rows (Y reads as
    # 是) = 3, each a row, B's twice; 主要问题已解决户数: A and B = 2. 入户访谈 3; months met A March,
    # B March and April.
    row = figures(致富明星户=2, 入户访谈=3, 解决主要问题=3, 主要问题已解决户数=2, 应访谈月数=24, 实访谈月数=3,
                  应记日记月数=24, 实记日记月数=3)
    check(run, {"下营村": row, "合计": row})


def test_a_township_sheet_made_by_hand_rolls_up_from_its_counts_not_its_typed_rates(tmp_path):
    from lianhu_xl.consolidate import HEADER

    def township(path: Path, title: str, span: str, rows: list[dict[str, object]]) -> None:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "汇总"
        ws.append([title])
        ws.append([span])
        ws.append([])
        ws.append(HEADER)
        for r in rows:
            ws.append([r.get(label, 0) for label in HEADER])
        wb.save(path)

    county = tmp_path / "临泽县"
    county.mkdir()
    typed = {"思想保守户": 4, "转化户数": 1, "思想保守户数": 4, "转化率": "50%", "应访谈月数": 48,
             "实访谈月数": 12, "访谈达标率": 0.9, "担保贷款(元)": "1.2万"}
    township(county / "沙河镇.xlsx", "沙河镇联户带创汇总表（2010年）", "统计期：2010年（2010-01-01 至 2010-12-31）",
             [{"单位": "西关村", **typed}, {"单位": "合计", **typed}])
    township(county / "蓼泉镇.xlsx", "蓼泉镇联户带创汇总表（2010年第三季度）",
             "统计期：2010年第三季度（2010-07-01 至 2010-09-30）",
             [{"单位": "合计", "思想保守户": 1, "转化户数": 1, "思想保守户数": 1}])
    run = Run(county, tmp_path / "县汇总表.xlsx", "--period", "2010", "--title", "临泽县")
    # The 蓼泉镇 sheet is for the third quarter, not 2010: left out (exit 1), never added to a year.
    # 沙河镇's 合计 counts roll up; "the rates recomputed from the counts": 转化率 1/4 = 0.25 (not the
    # typed 50 %), 访谈达标率 12/48 = 0.25 (not 0.9); 担保贷款 1.2万 = 12000; 日记 0 of 0: empty.
    assert run.exit_code == 1
    sh = figures(思想保守户=4, 转化户数=1, 应访谈月数=48, 实访谈月数=12, 担保贷款=12000)
    assert (sh["转化率"], sh["访谈达标率"], sh["日记达标率"]) == (0.25, 0.25, None)
    check(run, {"沙河镇": sh, "合计": sh})
    accounted(run, {"沙河镇.xlsx": 1, "蓼泉镇.xlsx": 1}, {"沙河镇.xlsx": {"counted": 1}, "蓼泉镇.xlsx": {"excluded": 1}})


def test_with_the_cache_on_the_figures_follow_each_edit_and_each_period(tmp_path):
    cache = tmp_path / "缓存"
    book = tmp_path / "收集" / "下营村.xlsx"
    write_book(book, [conservative("A", 是否转化="否")], [diary("A", D(2010, 8, 6))])
    out = tmp_path / "汇总表.xlsx"
    # 2010: 1 思想保守户 not converted (0 of 1), interview in August of 12 months
    year = figures(思想保守户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    for _ in range(2):  # the second run is remembered: the same figures
        check(Run(book.parent, out, "--period", "2010", cache=cache), {"下营村": year, "合计": year})
    # the clerk corrects 是否转化 to 是 and adds a September visit: 1 of 1 converted, 2 interviews
    write_book(book, [conservative("A", 是否转化="是")], [diary("A", D(2010, 8, 6)), diary("A", D(2010, 9, 6))])
    year = figures(思想保守户=1, 转化户数=1, 入户访谈=2, 应访谈月数=12, 实访谈月数=2, 应记日记月数=12,
                   实记日记月数=2)
    check(Run(book.parent, out, "--period", "2010", cache=cache), {"下营村": year, "合计": year})
    # another period over the same files: 2010-08 is one month expected, one interview
    month = figures(思想保守户=1, 转化户数=1, 入户访谈=1, 应访谈月数=1, 实访谈月数=1, 应记日记月数=1,
                    实记日记月数=1)
    check(Run(book.parent, out, "--period", "2010-08", cache=cache), {"下营村": month, "合计": month})


def test_townships_that_wrote_the_same_quarter_differently_roll_up_together(tmp_path):
    write_book(tmp_path / "倪家营乡" / "下营村.xlsx", [card("A")], [diary("A", D(2010, 7, 1))])
    write_book(tmp_path / "沙河镇" / "西关村.xlsx", [card("B", 村="西关村"), card("C", 村="西关村")],
               [diary("B", D(2010, 8, 1))])
    county = tmp_path / "临泽县"
    Run(tmp_path / "倪家营乡", county / "倪家营乡.xlsx", "--period", "2010Q3", "--title", "倪家营乡")
    Run(tmp_path / "沙河镇", county / "沙河镇.xlsx", "--period", "2010年7-9月", "--title", "沙河镇")
    # 2010Q3 and 2010年7-9月 are the same days (2010-07-01 to 2010-09-30): one period, both counted.
    # 倪家营乡: 1 card, 3 months, July met. 沙河镇: 2 cards, 6 months, August met.
    nj = figures(致富明星户=1, 入户访谈=1, 应访谈月数=3, 实访谈月数=1, 应记日记月数=3, 实记日记月数=1)
    sh = figures(致富明星户=2, 入户访谈=1, 应访谈月数=6, 实访谈月数=1, 应记日记月数=6, 实记日记月数=1)
    total = figures(致富明星户=3, 入户访谈=2, 应访谈月数=9, 实访谈月数=2, 应记日记月数=9, 实记日记月数=2)
    for extra in ((), ("--period", "2010Q3"), ("--period", "2010-07-01..2010-09-30")):
        run = Run(county, tmp_path / "县汇总表.xlsx", *extra, "--title", "临泽县")
        assert run.exit_code == 0, extra
        check(run, {"倪家营乡": nj, "沙河镇": sh, "合计": total})


def test_card_numbers_typed_as_numbers_find_their_diary_rows(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [card(1001), card("1002")], [
        diary("1001", D(2010, 3, 6)), diary(1001, D(2010, 4, 6)), diary(1002, D(2010, 4, 6)),
        diary(1002.0, D(2010, 5, 6), 形式="电话联系"),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # a 卡号 is the same card whether Excel holds it as a number or as text: every row counted.
    # 入户访谈 3; months met 1001: March, April; 1002: April (interview), April and May (diary).
    assert run.exit_code == 0
    row = figures(致富明星户=2, 入户访谈=3, 应访谈月数=24, 实访谈月数=3, 应记日记月数=24, 实记日记月数=4)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"下营村.xlsx": 6}, {"下营村.xlsx": {"counted": 6}})


def test_without_a_period_and_without_any_diary_no_month_is_expected(tmp_path):
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A"), conservative("B", 是否转化="否")], [])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx")
    assert run.exit_code == 0
    # months expected run "up to the month of the latest diary date": there is none, so none are
    # expected and both 达标率 are "left empty" (denominator 0); 转化 0 of 1 = 0.
    row = figures(致富明星户=1, 思想保守户=1)
    assert (row["访谈达标率"], row["日记达标率"], row["转化率"]) == (None, None, 0)
    check(run, {"下营村": row, "合计": row})


def test_a_card_copy_with_an_error_leaves_out_every_copy_of_that_card(tmp_path):
    write_book(tmp_path / "收集" / "王明.xlsx", [card("A", 家庭人口="很多")], [diary("A", D(2010, 3, 6))])
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A", 家庭人口=5), card("B")], [diary("B", D(2010, 3, 6))])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # The two copies of card A differ (家庭人口 很多 / 5): "The same 卡号 with different content is an
    # error ..., and every copy is left out, so that totals never depend on the order files are
    # read in"; A's diary row goes with it. Counted: B and its March interview.
    assert run.exit_code == 1
    row = figures(致富明星户=1, 入户访谈=1, 应访谈月数=12, 实访谈月数=1, 应记日记月数=12, 实记日记月数=1)
    check(run, {"下营村": row, "合计": row})
    accounted(run, {"王明.xlsx": 2, "下营村.xlsx": 3},
              {"王明.xlsx": {"excluded": 2}, "下营村.xlsx": {"counted": 2, "excluded": 1}})


def test_a_merged_branch_book_arriving_beside_the_cadres_own_books_counts_each_row_once(tmp_path):
    cadres = tmp_path / "干部"
    write_book(cadres / "王明.xlsx", [card("A", 结对日期="2010年1月5日")], [
        diary("A", "2010.3.6", 服务类别="政策宣传，实用技术", **{"担保贷款(元)": "3000元", "办实事(件)": "2件"}),
        diary("A", D(2010, 4, 6), 是否主要问题="√", 发现问题="缺少制种技术", 解决办法="请技术员", 办理结果="当场解决"),
    ])
    write_book(cadres / "宋海.xlsx", [conservative("B", 是否转化="Y", 家庭人口="5人")], [
        diary("B", "20100506", **{"帮耕帮畜(次)": "３"}),
    ])
    merged = tmp_path / "收集" / "下营村合并.xlsx"
    result = CliRunner().invoke(cli, ["merge", str(cadres), "-o", str(merged), "-j", "1", "-q"])
    assert result.exit_code == 0, result.output
    shutil.copy(cadres / "王明.xlsx", tmp_path / "收集" / "王明.xlsx")   # and 王明 sent his own book too
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    # The merged book holds what the cadres typed, as they meant it; 王明's own rows are the same
    # card and entries ("counted once, with a warning"): exit 0, 3 rows 重复.
    assert run.exit_code == 0
    # A: 致富明星户; B: 思想保守户, converted (Y). 入户访谈 A 3-6, A 4-6, B 5-6 = 3; 提供服务 1 (A 3-6);
    # 解决主要问题 1 (A 4-6, √ = 是, 当场解决), households 1; 办实事 2; 担保贷款 3000; 帮耕帮畜 3.
    # Months: 12 + 12 expected; met A March, April; B May = 3.
    row = figures(致富明星户=1, 思想保守户=1, 转化户数=1, 入户访谈=3, 提供服务=1, 解决主要问题=1, 主要问题已解决户数=1,
                  办实事=2, 担保贷款=3000, 帮耕帮畜=3, 应访谈月数=24, 实访谈月数=3, 应记日记月数=24, 实记日记月数=3)
    check(run, {"下营村": row, "合计": row})
    files = [f["rows"] for f in run.json["files"]]
    assert sum(f["read"] for f in files) == 8   # merged: 2 cards + 3 rows; 王明: 1 card + 2 rows
    assert (sum(f["counted"] for f in files), sum(f["duplicate"] for f in files)) == (5, 3)


def test_nothing_typed_as_wu_or_a_dash_is_a_blank_cell_and_the_visit_counts(tmp_path):
    """Clerks write 无 or — where there is nothing: 办实事 “无”, 服务类别 “无”, 发现问题 “无”, 办理结果
    “—”. Read as a person meant them, each is a blank cell: the visit is an 入户访谈 like any other,
    no service, no deed, no problem (nothing on the 问题 sheet, no 解决办法 warning)."""
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("A")], [
        diary("A", D(2010, 3, 6), 服务类别="无", 发现问题="无", 办理结果="—",
              **{"办实事(件)": "无", "担保贷款(元)": "/", "帮耕帮畜(次)": "－"}),
        diary("A", D(2010, 4, 6), 服务类别="政策宣传", **{"办实事(件)": 1}),
    ])
    run = Run(tmp_path / "收集", tmp_path / "汇总表.xlsx", "--period", "2010")
    assert run.exit_code == 0
    # A linked 2010-01-05 (bookfactory's default): 12 months expected, March and April met
    row = figures(致富明星户=1, 入户访谈=2, 提供服务=1, 办实事=1, 应访谈月数=12, 实访谈月数=2,
                  应记日记月数=12, 实记日记月数=2)
    check(run, {"下营村": row, "合计": row})
    assert [i for i in run.json["issues"] if i["severity"] != "notice"] == []
    problems = openpyxl.load_workbook(run.out, read_only=True)["问题"]
    assert not any("无" == c for r in problems.iter_rows(values_only=True) for c in r)
