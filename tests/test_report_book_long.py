"""validate --report with more problems than one Excel sheet holds: the list goes on to
问题清单(2), … right after it, and the 按文件 sheet says where; no row is left out."""

from __future__ import annotations

import openpyxl
from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl import fast_rows
from lianhu_xl.cli import cli


def test_a_report_longer_than_a_sheet_goes_on_to_follow_on_sheets(tmp_path, monkeypatch):
    monkeypatch.setenv("LIANHU_CACHE", "off")
    monkeypatch.setattr(fast_rows, "ROWMAX", 6)  # a sheet holds 1,048,576 rows; never written in a test
    write_book(tmp_path / "收集" / "下营村.xlsx", [card("XY-001")],
               [diary("XY-001", f"2010年4月{31 + i}日") for i in range(12)])  # 12 dates that do not exist
    out = tmp_path / "问题清单.xlsx"
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "收集"), "--report", str(out), "-q"])
    assert result.exit_code == 1, result.output

    wb = openpyxl.load_workbook(out)
    parts = [n for n in wb.sheetnames if n.startswith("问题清单")]
    assert wb.sheetnames[-len(parts):] == parts and len(parts) >= 3  # right after the list's first sheet
    rows = []
    for name in parts:
        ws = wb[name]
        assert [c.value for c in ws[1]][:4] == ["文件", "联系人", "工作表", "单元格"]  # each with the header
        assert ws.print_title_rows == "$1:$1" and ws.freeze_panes == "A2"
        part = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
        assert len(part) <= 5
        rows += part
    assert all(len(wb[n]["A"]) == 6 for n in parts[:-1])  # every sheet but the last is full
    cells = [r[3] for r in rows if r[7] == "bad-date"]
    assert sorted(cells, key=lambda c: int(c[1:])) == [f"B{3 + i}" for i in range(12)]  # every problem, once
    line = wb["按文件"]["A2"].value
    assert f"“问题清单”共 {len(rows)} 行" in line and "其余接在" in line
    assert "、".join(f"“{n}”" for n in parts[1:]) in line
