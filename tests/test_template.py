"""The standard workbook as generated from the models, and the copy kept in templates/."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from lianhu_xl.book import check_file
from lianhu_xl.cli import cli
from lianhu_xl.roster import Roster
from lianhu_xl.standard import (
    CARD_SHEET,
    DIARY_SHEET,
    GUIDE_SHEET,
    STANDARD_VERSION,
    WORKBOOK_NAME,
    CardRow,
    DiaryRow,
    columns_of,
)
from lianhu_xl.template import HEADER_ROW, build_template, text_width

KEPT = Path(__file__).resolve().parent.parent / "templates" / WORKBOOK_NAME
REGENERATE = ".venv/bin/lianhu template -o templates"
HEADER = HEADER_ROW + 1  # 1-based, as openpyxl counts
MODELS = {CARD_SHEET: CardRow, DIARY_SHEET: DiaryRow}


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    return build_template(tmp_path_factory.mktemp("tpl"))


@pytest.fixture(scope="module")
def wb(built):
    return openpyxl.load_workbook(built)


def test_kept_template_is_up_to_date(built):
    assert KEPT.is_file(), f"templates/{WORKBOOK_NAME} is missing; regenerate it with: {REGENERATE}"
    with zipfile.ZipFile(KEPT) as kept, zipfile.ZipFile(built) as fresh:
        assert kept.namelist() == fresh.namelist(), f"template out of date; regenerate with: {REGENERATE}"
        for name in fresh.namelist():
            assert kept.read(name) == fresh.read(name), \
                f"templates/{WORKBOOK_NAME} member {name} is out of date; regenerate with: {REGENERATE}"


def test_building_twice_gives_the_same_bytes(built, tmp_path):
    assert build_template(tmp_path / "again.xlsx").read_bytes() == built.read_bytes()


def test_cli_writes_the_template_into_a_folder(tmp_path):
    result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "模板")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "模板" / WORKBOOK_NAME).is_file()
    assert WORKBOOK_NAME in result.output


def test_sheets_and_the_active_one(wb):
    assert wb.sheetnames == [GUIDE_SHEET, CARD_SHEET, DIARY_SHEET]
    assert wb.active.title == CARD_SHEET


def test_guide_lists_every_column_with_meaning_rule_and_example(wb):
    ws = wb[GUIDE_SHEET]
    rows = [[c.value for c in row] for row in ws.iter_rows(max_col=5)]
    text = "\n".join(str(v) for row in rows for v in row if v)
    assert f"标准第{STANDARD_VERSION}版" in text
    for model in (CardRow, DiaryRow):
        start = next(i for i, r in enumerate(rows) if r[0] == f"工作表“{model.SHEET}”")
        assert rows[start + 1] == ["列名", "必填", "填写规则", "说明", "示例"]
        listed = rows[start + 2: start + 2 + len(columns_of(model))]
        for col, row in zip(columns_of(model), listed, strict=True):
            assert row[0] == col.label
            assert (row[1] == "是") == col.required
            assert row[2] == col.rule and row[3] == col.help
            assert (row[4] or "") == col.example
    for choice in ("乡干部", "致富明星户", "入户访谈", "当场解决", "政策宣传"):
        assert choice in text


def test_guide_rows_are_tall_enough_for_their_wrapped_text(wb):
    ws = wb[GUIDE_SHEET]
    long_rule = next(r for r in ws.iter_rows(min_col=3, max_col=3) if r[0].value and len(r[0].value) > 40)[0]
    assert ws.row_dimensions[long_rule.row].height >= 2 * 14


@pytest.mark.parametrize("sheet", [CARD_SHEET, DIARY_SHEET])
def test_title_then_header_from_the_models_with_notes(wb, sheet):
    ws = wb[sheet]
    cols = columns_of(MODELS[sheet])
    assert "联户带创登记簿" in ws["A1"].value
    assert [ws.cell(HEADER, c + 1).value for c in range(len(cols))] == [c.label for c in cols]
    for i, col in enumerate(cols):
        cell = ws.cell(HEADER, i + 1)
        assert cell.comment is not None, col.label
        assert col.help in cell.comment.text and col.rule in cell.comment.text
        assert cell.font.b
    fills = {ws.cell(HEADER, i + 1).fill.fgColor.rgb for i, col in enumerate(cols) if col.required}
    others = {ws.cell(HEADER, i + 1).fill.fgColor.rgb for i, col in enumerate(cols) if not col.required}
    assert len(fills) == 1 and not fills & others  # required columns stand out, as the note row says
    assert "橙色" in ws["A2"].value


def column_dim(ws, index: int):
    """The <col> element covering this 1-based column (adjacent equal columns share one)."""
    return next(d for d in ws.column_dimensions.values() if d.min <= index <= d.max)


def _validations(ws) -> dict[str, list]:
    by_column: dict[str, list] = {}
    for dv in ws.data_validations.dataValidation:
        for rng in str(dv.sqref).split():
            first, last = rng.split(":")
            letter = "".join(ch for ch in first if ch.isalpha())
            assert first == f"{letter}{HEADER + 1}" and int(last[len(letter):]) >= HEADER + 1000
            by_column.setdefault(letter, []).append(dv)
    return by_column


@pytest.mark.parametrize("sheet", [CARD_SHEET, DIARY_SHEET])
def test_dropdowns_and_checks_on_the_data_rows(wb, sheet):
    ws = wb[sheet]
    dvs = _validations(ws)
    for i, col in enumerate(columns_of(MODELS[sheet])):
        letter = openpyxl.utils.get_column_letter(i + 1)
        (dv,) = dvs[letter]
        assert dv.prompt and col.rule.startswith(dv.prompt[:20]), col.label
        if col.kind in ("choice", "yesno"):
            assert dv.type == "list" and dv.formula1 == '"' + ",".join(col.choices) + '"', col.label
            assert dv.errorStyle == ("warning" if col.kind == "yesno" else None)  # None: stop
        elif col.kind == "date":
            assert dv.type == "date" and dv.errorStyle == "warning"
        elif col.kind in ("whole", "number"):
            assert dv.type == ("whole" if col.kind == "whole" else "decimal"), col.label
            assert dv.formula1 == str(int(col.ge or 0))
            if col.le is not None:
                assert dv.formula2 == str(int(col.le))


@pytest.mark.parametrize("sheet", [CARD_SHEET, DIARY_SHEET])
def test_cell_formats_of_the_data_columns(wb, sheet):
    ws = wb[sheet]
    expected = {"id": "@", "phone": "@", "text": "@", "many": "@", "date": "yyyy-mm-dd", "whole": "0",
                "number": "General"}
    for i, col in enumerate(columns_of(MODELS[sheet])):
        if col.kind in expected:  # 身份证号 as text keeps its 18 digits; 3000 never shows as "3,000."
            assert column_dim(ws, i + 1).number_format == expected[col.kind], col.label


@pytest.mark.parametrize("sheet", [CARD_SHEET, DIARY_SHEET])
def test_frozen_header_widths_and_print_setup(wb, sheet):
    ws = wb[sheet]
    assert ws.freeze_panes == f"B{HEADER + 1}"  # header rows and the 卡号 column stay in view
    for i, col in enumerate(columns_of(MODELS[sheet])):
        width = column_dim(ws, i + 1).width
        assert width >= col.width, col.label
        if col.kind in ("date", "id", "phone", "choice", "whole", "number"):
            longest = max([col.example, *col.choices], key=text_width)
            assert width >= text_width(longest) + 1, (col.label, width, longest)
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${HEADER}:${HEADER}"
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
    assert ws.auto_filter.ref.startswith(f"A{HEADER}:")


def test_standard_version_recorded_and_read_back(built, wb):
    props = {p.name: p.value for p in wb.custom_doc_props.props}
    assert props["lianhu_standard"] == STANDARD_VERSION
    result = check_file(built, built.name)
    assert result.summary.template_version == STANDARD_VERSION
    assert result.issues == [] and result.rows_read == 0


def test_roster_adds_village_and_team_dropdowns(tmp_path):
    roster = Roster({"下营村": ["六社", "七社"], "倪家营村": ["一社"]})
    path = build_template(tmp_path, roster)
    wb = openpyxl.load_workbook(path)
    names = wb["名册"]
    assert names.sheet_state == "hidden"
    assert [c.value for c in names["A"] if c.value][1:] == ["下营村", "倪家营村"]
    assert [c.value for c in names["B"] if c.value][1:] == ["六社", "七社", "一社"]  # the roster's order
    dvs = _validations(wb[CARD_SHEET])
    letters = {c.name: openpyxl.utils.get_column_letter(i + 1) for i, c in enumerate(columns_of(CardRow))}
    (village,) = dvs[letters["village"]]
    (team,) = dvs[letters["team"]]
    assert (village.type, village.formula1) == ("list", "'名册'!$A$2:$A$3")
    assert (team.type, team.formula1) == ("list", "'名册'!$B$2:$B$4")
    assert check_file(path, path.name).issues == []


def test_cli_template_with_a_roster(tmp_path):
    (tmp_path / "名册.csv").write_text("村,社\n下营村,六社\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "out"), "--roster", str(tmp_path / "名册.csv")])
    assert result.exit_code == 0, result.output
    assert "名册" in openpyxl.load_workbook(tmp_path / "out" / WORKBOOK_NAME).sheetnames
    bad = CliRunner().invoke(cli, ["template", "-o", str(tmp_path / "out2"), "--roster", str(tmp_path / "无.csv")])
    assert bad.exit_code == 2 and not (tmp_path / "out2" / WORKBOOK_NAME).exists()
