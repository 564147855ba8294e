"""The message catalogue: every code the toolkit can emit is in it, and every message is one
a cadre can act on (Chinese, names the column, quotes what was typed, says what to type)."""

from __future__ import annotations

import ast
import datetime as dt
import re
from pathlib import Path

import pytest
from bookfactory import card, diary, write_book

from lianhu_xl.catalogue import CATALOGUE, render
from lianhu_xl.validate import validate

PACKAGE = Path(__file__).resolve().parent.parent / "lianhu_xl"
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)+$")
# kebab-case strings in the package that are not issue codes
NOT_CODES = {"utf-8", "utf-8-sig", "utf-16-le", "yyyy-mm-dd", "row-error", "lianhu-demo", "pydantic-core"}
EMITTERS = {"make_issue", "problem", "Refused", "_card_issue", "PydanticCustomError"}
# words a clerk knows from their own screen; every other Latin word is English to them
ALLOWED_LATIN = {"Excel", "WPS", "xlsx", "xls", "et", "CSV", "QQ", "KB", "MB", "X"}
SAMPLE = {"column": "担保贷款(元)", "value": "三千", "expected": "3000", "detail": "下营村.xlsx 联户卡!第5行",
          "sheet": "联户日记", "row": 17}
FIX_WORDS = ("写", "填", "选", "改", "核对", "删除", "加上", "确认", "按", "用", "留空", "先", "发送", "清除",
             "检查", "复制", "放", "另存")


def _strings(node: ast.AST) -> list[str]:
    """String constants an expression can evaluate to (both arms of ``a if c else b``)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body) + _strings(node.orelse)
    return []


def emitted_codes() -> dict[str, str]:
    """Every code the package can emit, found in its source: code -> a module that emits it."""
    found: dict[str, str] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "catalogue.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            codes: list[str] = []
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEBAB.match(node.value):
                if node.value not in NOT_CODES:
                    codes.append(node.value)
            elif isinstance(node, ast.Call) and node.args:
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if name in EMITTERS:
                    codes += _strings(node.args[0])
            elif isinstance(node, ast.Tuple) and len(node.elts) == 3 and isinstance(node.elts[2], ast.Dict):
                codes += _strings(node.elts[0])  # a row rule's finding: (code, field, context)
            elif isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "code" for t in node.targets):
                codes += _strings(node.value)
            for code in codes:
                found.setdefault(code, path.name)
    return found


def test_the_enumeration_sees_every_kind_of_emitter():
    found = emitted_codes()
    # one of each way of emitting: a model's problem(), a row rule, the guard, make_issue, a cross rule
    for code in ("required", "bad-date", "future-date", "old-xls", "missing-column", "unknown-card",
                 "conflicting-card", "wps-et"):
        assert code in found, code
    assert len(found) >= 45


def test_every_code_the_toolkit_can_emit_is_in_the_catalogue():
    missing = {code: where for code, where in emitted_codes().items() if code not in CATALOGUE}
    assert not missing, f"add these codes to catalogue.py: {missing}"


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_entry_is_complete_and_reads_as_chinese(code):
    entry = CATALOGUE[code]
    assert entry.code == code
    assert entry.severity in ("error", "warning", "notice")
    assert entry.scope in ("file", "sheet", "row", "cell", "cross")
    for part in (entry.title, entry.template + entry.hint, entry.hint):
        assert re.search(r"[\u4e00-\u9fff]", part), part
    text = render(code, **SAMPLE)
    assert "{" not in text and "}" not in text
    for word in re.findall(r"[A-Za-z_]+", text.replace(SAMPLE["detail"], "")):
        assert word in ALLOWED_LATIN, f"{code}: English or a Python name in a cadre's message: {word!r}"
    assert len(text) <= 120, f"{code}: too long for a cell note ({len(text)} characters)"
    assert any(w in entry.hint for w in FIX_WORDS) or entry.hint.startswith("无需处理"), \
        f"{code}: the hint must say what to do"


@pytest.mark.parametrize("code", [c for c, e in CATALOGUE.items() if e.scope == "cell"])
def test_cell_messages_name_the_column(code):
    if "{column}" not in CATALOGUE[code].template and "{column}" not in CATALOGUE[code].hint:
        assert code in ("unusual-pairing",), f"{code} does not name its column"


def test_a_realistic_wrong_workbook_gets_messages_with_the_cell_the_value_and_a_fix(tmp_path):
    write_book(tmp_path / "下营村.xlsx",
               [card("XY-001", 结对日期="2010.13.1", 家庭人口="五六口", 联系人类别="书记"),
                card("XY-002", 联系人="", 身份证号="62070219800101123", 经济有发展="可能")],
               [diary("XY-001", "二〇一〇年", 形式="待定", **{"担保贷款(元)": "三千多", "办实事(件)": "1.5"}),
                diary("XY-003", dt.date(2010, 5, 1), 发现问题="缺水")])
    report = validate([tmp_path]).report
    cells = [i for i in report.issues if i.cell and i.severity == "error"]
    assert len(cells) >= 9
    for issue in cells:
        assert issue.message.startswith(f"{issue.sheet}!{issue.cell}："), issue.message
        if issue.value:
            assert issue.value in issue.message, issue.message
        assert any(w in issue.message for w in FIX_WORDS), issue.message
        typed_out = issue.message.split("：", 1)[1].replace(issue.value or "\0", "")
        for word in re.findall(r"[A-Za-z_]+", typed_out):
            assert word in ALLOWED_LATIN, issue.message
    by_cell = {(i.sheet, i.cell): i.message for i in report.issues}
    assert "日期写成 2010-9-6 或 2010年9月6日" in by_cell[("联户卡", "N3")]
    assert "“五六口”" in by_cell[("联户卡", "J3")] and "“家庭人口”" in by_cell[("联户卡", "J3")]
    assert "乡干部、村干部、社干部、党员" in by_cell[("联户卡", "C3")]
    assert "应为 18 位" in by_cell[("联户卡", "K4")]
    assert "入户访谈、电话联系、集中座谈、其他" in by_cell[("联户日记", "E3")]
    assert "“三千多”" in by_cell[("联户日记", "M3")]


@pytest.mark.parametrize("model_name", ["CardRow", "DiaryRow"])
def test_every_error_a_row_can_raise_is_a_catalogue_code(model_name):
    """Feed every column what cadres (and broken files) put in cells: whatever Pydantic or
    the parsers raise must come out as a catalogue code, never a Pydantic type."""
    from lianhu_xl import standard

    model = getattr(standard, model_name)
    odd = [None, "", "  ", "abc", "三千多", "2010.13.45", "-5", "1e400", True, False, 0, -1, 31, 1.5,
           float("nan"), float("inf"), 10**30, dt.datetime(2999, 1, 1), dt.date(1900, 1, 1), "√", "×",
           "=SUM(A1)", "6207021980010112", 620702198001011231.0, "政策宣传、不知道"]
    good = {c.name: c.example for c in standard.columns_of(model)}
    seen: set[str] = set()
    for col in standard.columns_of(model):
        for value in odd:
            row = dict(good, **{col.name: value})
            for code, _field, _ctx in standard.check_row(model, row).problems:
                assert code in CATALOGUE, (col.label, value, code)
                seen.add(code)
    assert {"required", "bad-date", "bad-number"} <= seen
