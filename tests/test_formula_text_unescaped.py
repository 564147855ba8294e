"""The “公式没有计算结果” message shows the formula as the cadre typed it: the sheet XML's
``&amp; &lt;`` entities and OOXML ``_xHHHH_`` escapes are undone first."""

from __future__ import annotations

import re

from bookfactory import card, diary, write_book
from click.testing import CliRunner
from hostile import DIARY_XML, members_of, rezip

from lianhu_xl.cli import cli
from lianhu_xl.validate import validate

IN_XML = b'IF(L3&lt;5,"a&amp;b &gt; c&quot;&#x4E2D;&#25991;","_x0041__x005F_x0042_")'
TYPED = '=IF(L3<5,"a&b > c"中文","A_x0042_")'


def _book(path):
    write_book(path, [card("XY-001")], [diary("XY-001", **{"担保贷款(元)": "=1000*3"})])
    parts = members_of(path.read_bytes())
    blob, n = re.subn(rb"<f>1000\*3</f>", b"<f>" + IN_XML + b"</f>", parts[DIARY_XML])
    assert n == 1
    parts[DIARY_XML] = blob
    rezip(path, parts)
    return path


def test_formula_text_in_the_message_is_unescaped(tmp_path):
    book = _book(tmp_path / "收集" / "下营村.xlsx")
    (issue,) = [i for i in validate([book]).report.issues if i.code == "formula-no-value"]
    assert issue.value == TYPED
    assert f"公式“{TYPED}”" in issue.message
    result = CliRunner().invoke(cli, ["validate", str(book.parent)])
    assert result.exit_code == 1
    assert TYPED in result.output and "&amp;" not in result.output and "&lt;" not in result.output
