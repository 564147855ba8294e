"""A first end-to-end check of validate on a book typed the way cadres type."""

import datetime as dt

from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli


def test_validate_points_at_cells_in_chinese(tmp_path):
    write_book(tmp_path / "下营村.xlsx",
               [card("XY-001", 结对日期="2010年3月1日"), card("XY-002", 联系户类型="经济落后户")],
               [diary("XY-001", "2010.9.6", **{"担保贷款(元)": "3000元"}),
                diary("XY-009", dt.date(2010, 9, 6))])
    result = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert result.exit_code == 1, result.output
    assert "联户日记!A4" in result.output and "XY-009" in result.output
    assert "联户卡!I4" in result.output  # 乡干部 linked with a 经济落后户: a warning at 联系户类型
