"""The 汇总表 as a clerk opens and prints it."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from bookfactory import card, diary, write_book
from conftest import needs_libreoffice

from lianhu_xl.consolidate import HEADER, consolidate
from lianhu_xl.period import parse_period
from lianhu_xl.totals_book import CARD_LIST_SHEET, text_table, write_totals

D = dt.date
TODAY = D(2011, 3, 1)
ID = "11010519491231002X"
PHONE = "13912345678"


INJECTION = '=HYPERLINK("http://x","点我")'


def book(folder: Path, extra_diaries: list[dict] | None = None) -> Path:
    path = write_book(folder / "下营村.xlsx",
               [card("XY-001", 身份证号=ID, 联系电话=PHONE),
                card("XY-002", 联系人="李四", 联系人类别="村干部", 联系户类型="思想保守户", 是否转化="是",
                     户主="placeholder")],
               [diary("XY-001", D(2010, 3, 6), 服务类别="政策宣传", **{"担保贷款(元)": "1.2万"}),
                diary("XY-002", D(2010, 4, 6), 发现问题="+cmd|' /C calc'!A0", 是否主要问题="是",
                      办理结果="正在办理", 解决办法="@SUM(1)"),
                *(extra_diaries or [])])
    wb = openpyxl.load_workbook(path)  # a cadre typed text that looks like a formula, stored as text
    cell = wb["联户卡"]["H4"]
    assert cell.value == "placeholder"
    cell.value, cell.data_type = INJECTION, "s"
    wb.save(path)
    return folder


def totals(tmp_path: Path, extra=None, title="倪家营乡") -> tuple[Path, object]:
    c = consolidate([book(tmp_path / "in", extra)], period=parse_period("2010"), title=title, today=TODAY)
    return write_totals(c, tmp_path / "out" / "汇总表.xlsx"), c


def test_summary_sheet_has_the_standard_columns_title_units_and_total(tmp_path):
    path, c = totals(tmp_path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames[0] == "汇总" and wb.active.title == "汇总"
    ws = wb["汇总"]
    assert ws["A1"].value == "倪家营乡联户带创汇总表（2010年）"
    header = [cell.value for cell in ws[4]]
    assert header == HEADER
    rows = [[cell.value for cell in row] for row in ws.iter_rows(min_row=5, max_row=6)]
    assert [r[0] for r in rows] == ["下营村", "合计"]
    col = {label: i for i, label in enumerate(HEADER)}
    total = rows[1]
    assert total[col["致富明星户"]] == 1 and total[col["担保贷款(元)"]] == 12000
    assert isinstance(total[col["入户访谈"]], int | float)  # counts are numbers, not text
    assert total[col["转化率"]] == 1.0 and "%" in ws.cell(row=6, column=col["转化率"] + 1).number_format
    assert total[col["访谈达标率"]] == pytest.approx(2 / 24)  # two cards linked in January, 2 interview months
    assert total[col["思想保守户数"]] == total[col["思想保守户"]] == 1


def test_a_rate_over_zero_is_an_empty_cell(tmp_path):
    write_book(tmp_path / "in" / "村.xlsx", [card("XY-001")], [])
    c = consolidate([tmp_path / "in"], period=parse_period("2010"), today=TODAY)
    ws = openpyxl.load_workbook(write_totals(c, tmp_path / "t.xlsx"))["汇总"]
    assert ws.cell(row=6, column=HEADER.index("转化率") + 1).value is None
    assert ws.cell(row=6, column=HEADER.index("思想保守户数") + 1).value == 0


def test_first_sheet_says_when_anything_was_left_out(tmp_path):
    path, _ = totals(tmp_path)
    assert "全部计入" in openpyxl.load_workbook(path)["汇总"]["A3"].value
    path, c = totals(tmp_path, [diary("XY-001", "2010-13-01")])
    ws = openpyxl.load_workbook(path)["汇总"]
    assert ws["A3"].value.startswith("注意") and "1 行" in ws["A3"].value
    left = openpyxl.load_workbook(path)["未计入"]
    rows = [[cell.value for cell in row] for row in left.iter_rows(min_row=4)]
    assert ["未计入", "下营村.xlsx", "联户日记", 5, "B5"] == rows[0][:5] and "日期" in rows[0][5]


def test_sources_sheet_traces_every_file(tmp_path):
    import hashlib

    path, _ = totals(tmp_path)
    ws = openpyxl.load_workbook(path)["来源"]
    header = [cell.value for cell in ws[3]]
    assert header[:8] == ["文件", "SHA-256", "模板版本", "联户卡行数", "联户日记行数", "错误数", "警告数", "状态"]
    assert {"计入行数", "未计入行数", "统计期外行数"} <= set(header)
    row = [cell.value for cell in ws[4]]
    assert row[0] == "下营村.xlsx"
    assert row[1] == hashlib.sha256((tmp_path / "in" / "下营村.xlsx").read_bytes()).hexdigest()
    assert row[3:5] == [2, 2] and row[7] == "已汇总"


def test_detail_sheets_and_charts(tmp_path):
    path, _ = totals(tmp_path)
    wb = openpyxl.load_workbook(path)
    assert {"按月", "三个一", "三个一按人", "问题", CARD_LIST_SHEET, "未计入", "图表"} <= set(wb.sheetnames)
    assert "联户卡" not in wb.sheetnames  # the roll-up must never take it for a standard book
    with zipfile.ZipFile(path) as z:
        assert sum(1 for n in z.namelist() if n.startswith("xl/charts/chart")) == 2
        by_type, by_month = (z.read(f"xl/charts/chart{n}.xml").decode() for n in (1, 2))
    # a viewer that does not recalculate shows the figures stored with the chart: villages by
    # name (not 1, 2, 3), each type's count, and the months with their interviews
    assert "<c:cat><c:strRef><c:f>汇总!$A$5</c:f><c:strCache>" in by_type and "<c:v>下营村</c:v>" in by_type
    assert "<c:v>致富明星户</c:v>" in by_type and "<c:v>思想保守户</c:v>" in by_type
    assert "<c:v>2010-03</c:v>" in by_month
    problems = wb["问题"]
    assert problems["A4"].value == "正在办理" and problems["F4"].value == "李四"


def test_id_numbers_and_phones_never_leave_unmasked(tmp_path):
    path, _ = totals(tmp_path)
    with zipfile.ZipFile(path) as z:
        text = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    assert ID not in text and PHONE not in text
    assert "110105********002X" in text and "139****5678" in text


def test_typed_text_is_never_a_formula(tmp_path):
    path, _ = totals(tmp_path)
    with zipfile.ZipFile(path) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s or "<f " in s for s in sheets)
    ws = openpyxl.load_workbook(path)[CARD_LIST_SHEET]
    heads = [row[3].value for row in ws.iter_rows(min_row=3)]
    assert INJECTION in heads


def test_terminal_table_is_aligned(tmp_path):
    _, c = totals(tmp_path)
    import unicodedata

    def width(s: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)

    text = text_table(c, width=100)
    blocks = text.split("\n\n")[1:]
    assert len(blocks) >= 2  # 20 columns do not fit in 100: split, 单位 repeated in each block
    for block in blocks:
        lines = block.splitlines()
        assert lines[0].startswith("单位")
        assert len({width(line) for line in lines}) == 1
        assert all(width(line) <= 100 for line in lines)
        assert lines[-1].startswith("合计")


@needs_libreoffice
def test_libreoffice_prints_it_on_a4_landscape_with_titles_repeated(tmp_path):
    if not (shutil.which("pdfinfo") and shutil.which("pdftotext")):
        pytest.skip("pdfinfo/pdftotext (Debian package poppler-utils) are not installed")
    from libreoffice import convert

    many = [card(f"XY-{i:03d}", 户主=f"户{i}") for i in range(3, 90)]
    write_book(tmp_path / "in" / "下营村.xlsx", [card("XY-001"), *many],
               [diary("XY-001", D(2010, 3, 6))])
    c = consolidate([tmp_path / "in"], period=parse_period("2010"), title="倪家营乡", today=TODAY)
    path = write_totals(c, tmp_path / "汇总表.xlsx")
    pdf = convert(path, tmp_path / "pdf", "pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert size, info
    w, h = float(size.group(1)), float(size.group(2))
    assert (round(w), round(h)) == (842, 595)  # A4 landscape
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    texts = [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"],
                            capture_output=True, text=True, check=True).stdout for p in range(1, pages + 1)]
    assert "倪家营乡联户带创汇总表（2010年）" in texts[0] and "致富明星户" in texts[0]
    card_pages = [t for t in texts if "联户卡（合并" in t]
    assert len(card_pages) >= 2  # 89 cards: the card list runs over pages ...
    assert all("卡号" in t and "户主" in t for t in card_pages)  # ... each with the header repeated


def test_every_figure_can_be_traced_to_the_rows_it_came_from(tmp_path):
    path, c = totals(tmp_path, [diary("XY-002", D(2010, 5, 6), **{"帮耕帮畜(次)": 2})])
    wb = openpyxl.load_workbook(path)
    rows = [[cell.value for cell in row] for row in wb["计入明细"].iter_rows(min_row=3)]
    summary = wb["汇总"]
    col = {label: i + 1 for i, label in enumerate(HEADER)}
    assert sum(r[4] for r in rows) == summary.cell(row=6, column=col["入户访谈"]).value == 3
    assert sum(r[9] for r in rows) == summary.cell(row=6, column=col["帮耕帮畜"]).value == 2
    assert sum(r[8] for r in rows) == summary.cell(row=6, column=col["担保贷款(元)"]).value == 12000
    assert {(r[10], r[11], r[12]) for r in rows} == {("下营村.xlsx", "联户日记", n) for n in (3, 4, 5)}


def test_beyond_the_entry_limit_the_trace_sheet_states_the_count_and_lines_are_not_kept(tmp_path, monkeypatch):
    import lianhu_xl.consolidate as consolidation
    import lianhu_xl.totals_book as totals_book

    monkeypatch.setattr(consolidation, "ENTRY_LIMIT", 2)
    monkeypatch.setattr(totals_book, "ENTRY_LIMIT", 2)
    path, c = totals(tmp_path, [diary("XY-002", D(2010, 5, 6))])
    assert c.entry_count == 3 and c.entries == []  # counted, but no line kept per row
    assert c.total.interviews == 3
    sheet = openpyxl.load_workbook(path)["计入明细"]
    assert sheet["A3"].value.startswith("共 3 条日记计入汇总，超过 2 条，这里不逐条列出")
    assert sheet.max_row == 3


def test_a_list_longer_than_a_sheet_goes_on_to_follow_on_sheets_and_the_first_says_where(tmp_path, monkeypatch):
    import lianhu_xl.totals_book as totals_book
    from lianhu_xl import fast_rows

    monkeypatch.setattr(fast_rows, "ROWMAX", 8)  # a sheet holds 1,048,576 rows; never written in a test
    cards = [card(f"XY-{i:03d}", 户主=f"户{i}") for i in range(1, 13)]
    late = [diary(f"XY-{i:03d}", D(2009, 12, i)) for i in range(1, 13)]  # out of the period: 12 rows of 未计入
    write_book(tmp_path / "in" / "下营村.xlsx", cards, [diary("XY-001", D(2010, 3, 6)), *late])
    c = consolidate([tmp_path / "in"], period=parse_period("2010"), title="倪家营乡", today=TODAY)
    path = write_totals(c, tmp_path / "out" / "汇总表.xlsx")

    wb = openpyxl.load_workbook(path)
    names = wb.sheetnames
    # each follow-on sheet right after its list's first sheet
    assert names[names.index("未计入"):names.index("未计入") + 4] == ["未计入", "未计入(2)", "未计入(3)", "按月"]
    assert names[names.index(CARD_LIST_SHEET) + 1:names.index(CARD_LIST_SHEET) + 3] == [
        f"{CARD_LIST_SHEET}(2)", f"{CARD_LIST_SHEET}(3)"]

    def listed(name: str, header: int) -> list[list]:
        ws = wb[name]
        assert [cell.value for cell in ws[header]][:2] == (["类别", "文件"] if name.startswith("未计入") else
                                                           ["村", "社"])
        assert ws.print_title_rows == f"$1:${header}"  # the header repeated on every printed page
        return [[cell.value for cell in row] for row in ws.iter_rows(min_row=header + 1)]

    first, second, third = listed("未计入", 3), listed("未计入(2)", 3), listed("未计入(3)", 3)
    assert (len(first), len(second), len(third)) == (5, 5, 2)  # rows 4..8 of each sheet; the last holds the rest
    assert [r[3] for r in first + second + third] == list(range(4, 16))  # every 未计入 row once, in order
    assert "其余 7 行接在“未计入(2)”、“未计入(3)”表" in wb["未计入"]["A2"].value
    assert "统计期外 12 行" in wb["未计入"]["A2"].value  # the count is of the whole list
    assert "接“未计入”表" in wb["未计入(2)"]["A2"].value and "接“未计入(2)”表" in wb["未计入(3)"]["A2"].value
    assert wb["未计入(2)"]["A1"].value.endswith("未计入的行（续2）")

    cards_listed = [listed(n, h) for n, h in ((CARD_LIST_SHEET, 2), (f"{CARD_LIST_SHEET}(2)", 3),
                                              (f"{CARD_LIST_SHEET}(3)", 3))]
    assert [len(part) for part in cards_listed] == [6, 5, 1]
    assert [r[3] for part in cards_listed for r in part] == [f"户{i}" for i in range(1, 13)]
    assert "其余 6 行接在“联户清单(2)”、“联户清单(3)”表" in wb[CARD_LIST_SHEET]["A1"].value
    assert wb[f"{CARD_LIST_SHEET}(3)"].auto_filter.ref == "A3:W4"  # 23 columns: 户数, 应访谈月数, 备注 added

    monkeypatch.setattr(totals_book, "FAST_ROWS", False)  # cell by cell: the same workbook
    plain = write_totals(c, tmp_path / "plain.xlsx")
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(plain) as b:
        assert {n: a.read(n) for n in a.namelist() if n != "docProps/core.xml"} == {
            n: b.read(n) for n in b.namelist() if n != "docProps/core.xml"}


def test_a_follow_on_sheet_name_stays_within_excels_31_characters():
    from lianhu_xl.fast_rows import part_name as _part_name

    assert _part_name("未计入", 1) == "未计入" and _part_name("未计入", 2) == "未计入(2)"
    long = "三" * 31
    assert len(_part_name(long, 12)) == 31 and _part_name(long, 12).endswith("(12)")


def test_the_left_out_sheet_names_files_and_sheets_nobody_read(tmp_path):
    """A book with its December visits on a copied 联户日记 (2) and a file that is not a workbook:
    neither has a row counted or left out one by one, so 未计入 names both (未读取) instead of
    saying 没有未计入的行, and its first line counts them."""
    folder = tmp_path / "收集"
    write_book(folder / "下营村.xlsx", [card("XY-001")], [diary("XY-001")],
               extra_sheets={"联户日记 (2)": [["卡号", "日期", "形式"], ["XY-001", "2010-12-6", "入户访谈"]]})
    (folder / "上营村.xlsx").write_bytes(b"not a workbook at all")
    c = consolidate([folder], period=parse_period("2010"))
    out = write_totals(c, tmp_path / "汇总表.xlsx")
    rows = [r for r in openpyxl.load_workbook(out)["未计入"].iter_rows(values_only=True)]
    assert "整个未读取的文件或工作表 2 个" in rows[1][0]
    listed = [(r[0], r[1], r[2]) for r in rows[3:] if r[0]]
    assert listed == [("未读取", "上营村.xlsx", ""), ("未读取", "下营村.xlsx", "联户日记 (2)")]
    assert all("没有未计入的行" not in str(r[0]) for r in rows)
