"""The demo township: its consolidated 2010 totals are the figures the 倪家营乡
report publishes, its planted mistakes are found at their cells, and the books
are typed the ways cadres type."""

from __future__ import annotations

import re

import openpyxl
import pytest
from click.testing import CliRunner

from lianhu_xl.cli import cli
from lianhu_xl.consolidate import consolidate
from lianhu_xl.demo import BOOKS_FOLDER, OWN_FOLDER, build_township, run_demo
from lianhu_xl.period import parse_period
from lianhu_xl.reader import col_letter

# The report (shared/domain/000_5a70753751309e7c.txt): "全乡党员干部共联系致富明星户150户，
# 思想保守户215户，经济落后户432户，开展入户访谈3000场次，提供各类服务800场次，解决主要问题39件，
# 办实事76件" and "全乡村社干部联系的102户思想偏激户全部得到转化".
REPORTED = {"致富明星户": 150, "思想保守户": 215, "经济落后户": 432, "入户访谈": 3000, "提供服务": 800,
            "解决主要问题": 39, "办实事": 76, "转化户数": 102}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return run_demo(tmp_path_factory.mktemp("demo") / "倪家营乡")


def test_consolidated_totals_are_the_reports_figures(demo):
    total = demo.consolidation.total.counts()
    assert {k: total[k] for k in REPORTED} == REPORTED
    assert total["担保贷款(元)"] > 1_200_000  # 担保贷款120余万元
    assert total["担保贷款(元)"] < 1_300_000
    assert 1700 < total["帮耕帮畜"] < 1800  # 帮耕帮畜1700余场次
    assert demo.consolidation.total.conversion_rate == pytest.approx(102 / 215)


def test_the_totals_workbook_holds_the_same_figures(demo):
    wb = openpyxl.load_workbook(demo.totals, read_only=True)
    rows = [list(r) for r in wb["汇总"].iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "单位")
    total = next(r for r in rows if r and r[0] == "合计")
    got = dict(zip(header, total, strict=False))
    assert {k: got[k] for k in REPORTED} == REPORTED
    villages = [r[0] for r in rows[rows.index(header) + 1: rows.index(total)]]
    assert {"下营村", "倪家营村", "汪家墩村", "江淮村"} <= set(villages)


def _sheet(path, name):
    wb = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in wb[name].iter_rows(values_only=True)]


def _find(rows, header_label, pred):
    """The cell (A1 form) of the first row where ``pred(row_as_dict)`` holds, at ``header_label``."""
    h = next(i for i, r in enumerate(rows) if "卡号" in r)
    labels = rows[h]
    for i, row in enumerate(rows[h + 1:], start=h + 2):
        cells = dict(zip(labels, row, strict=False))
        if pred(cells):
            return f"{col_letter(labels.index(header_label))}{i}"
    raise AssertionError("row not found")


def _issue_at(demo, file, sheet, cell, code):
    return [i for i in demo.consolidation.report.issues
            if i.file == file and i.sheet == sheet and i.cell == cell and i.code == code]


def test_planted_mistakes_are_found_at_their_cells(demo):
    books = demo.folder / BOOKS_FOLDER
    jh, mj, hjb, nt = (books / f"{v}联户带创登记簿.xlsx" for v in ("江淮村", "马郡村", "黄家堡村", "南台村"))
    # a diary row whose 卡号 names no card (the letter O typed for a zero)
    cell = _find(_sheet(jh, "联户日记"), "卡号", lambda r: "O" in str(r["卡号"]))
    assert _issue_at(demo, jh.name, "联户日记", cell, "unknown-card")
    # a date that cannot be read
    cell = _find(_sheet(mj, "联户日记"), "日期", lambda r: r["日期"] == "2010.9.31")
    assert _issue_at(demo, mj.name, "联户日记", cell, "bad-date")
    # 发现问题 without 办理结果
    cell = _find(_sheet(hjb, "联户日记"), "办理结果", lambda r: r["发现问题"] and not r["办理结果"])
    assert _issue_at(demo, hjb.name, "联户日记", cell, "result-required")
    # a 社干部 linked with a 经济落后户: a warning at 联系户类型
    cell = _find(_sheet(jh, "联户卡"), "联系户类型",
                 lambda r: str(r["联系人类别"]).strip() == "社干部" and str(r["联系户类型"]).strip() == "经济落后户")
    assert _issue_at(demo, jh.name, "联户卡", cell, "unusual-pairing")
    # a phone one digit short
    cell = _find(_sheet(nt, "联户卡"), "联系电话", lambda r: r["联系电话"] and len(str(r["联系电话"])) == 10)
    assert _issue_at(demo, nt.name, "联户卡", cell, "bad-phone")


def test_only_the_extra_planted_rows_are_left_out(demo):
    c = demo.consolidation
    errors = c.report.errors
    assert sorted(i.code for i in errors) == ["bad-date", "result-required", "unknown-card"]
    assert c.left_out == 3
    assert not any(i.code in ("name-mismatch", "before-link-date", "duplicate-household", "solution-expected")
                   for i in c.report.issues)


def test_cadres_own_books_are_counted_once(demo, tmp_path):
    c = demo.consolidation
    own = [p for p in demo.books if p.parent.name == OWN_FOLDER]
    own_cards = sum(len(_sheet(p, "联户卡")) - 2 for p in own)  # title and header rows
    assert own_cards > 0
    assert sum(1 for i in c.report.issues if i.code == "duplicate-card") == own_cards
    villages_only = consolidate([p for p in demo.books if p not in own], period=parse_period("2010"))
    assert villages_only.total.counts() == c.total.counts()


def test_books_are_typed_the_ways_cadres_type(demo):
    typed: set[str] = set()
    first_cells = []
    for path in demo.books:
        wb = openpyxl.load_workbook(path, read_only=True)
        for ws in wb.worksheets:
            rows = list(ws.iter_rows(values_only=True))
            first_cells.append(rows[0][0])
            for row in rows:
                typed.update(v for v in row if isinstance(v, str))
    forms = {
        "2010-9-6": r"^2010-\d{1,2}-\d{1,2}$", "2010/9/6": r"^2010/\d{1,2}/\d{1,2}$",
        "2010.9.6": r"^2010\.\d{1,2}\.\d{1,2}$", "2010年9月6日": r"^2010年\d{1,2}月\d{1,2}日$",
        "２０１０年": r"^２０１０年", "3000元": r"^\d+元$", "3,000": r"^\d{1,3}(,\d{3})+$",
        "全角数字": r"^[０-９]+$", "√": r"^√$", "×": r"^×$", "1.2万": r"^\d+(\.\d+)?万$",
        "trailing space": r"\S $",
    }
    missing = [name for name, pattern in forms.items() if not any(re.search(pattern, t) for t in typed)]
    assert not missing
    assert "合计" in typed
    assert all(isinstance(v, str) and "联户" in v for v in first_cells if v is not None)  # title rows


def test_the_township_is_the_same_every_time():
    a, b = build_township(), build_township()
    assert a.cards == b.cards and a.diaries == b.diaries
    assert a.planted == b.planted


def test_demo_command_prints_the_table_and_the_note(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["demo", "-j", "1"])  # the default folder: lianhu-demo
    folder = tmp_path / "lianhu-demo"
    assert result.exit_code == 0, result.output
    out = result.output
    assert "合计" in out and "3,000" in out and "担保贷款" in out
    assert "102 ÷ 215" in out and "100%" in out  # the note on the report's 转化率
    assert "联户日记!" in out and "2010.9.31" in out  # planted mistakes shown with their cells
    compared = out[out.index("与报道对照"):].splitlines()[1:11]
    assert all(line.endswith("  一致") for line in compared), compared
    assert (folder / "汇总表.xlsx").is_file()
    assert len(list((folder / BOOKS_FOLDER).rglob("*.xlsx"))) == 10
