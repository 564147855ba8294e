"""docs/fields.md and docs/messages.md are generated from the models and the catalogue
and must be regenerated whenever those change."""

from __future__ import annotations

import datetime as dt

import pytest

from lianhu_xl import reference
from lianhu_xl.catalogue import CATALOGUE
from lianhu_xl.standard import CardRow, DiaryRow, check_row, columns_of

REGENERATE = reference.COMMAND


@pytest.mark.parametrize("name, render", [("fields.md", reference.fields_md), ("messages.md", reference.messages_md)])
def test_docs_are_up_to_date(name, render):
    path = reference.DOCS / name
    assert path.is_file(), f"docs/{name} is missing; generate it with: {REGENERATE}"
    assert path.read_text(encoding="utf-8") == render(), f"docs/{name} is out of date; regenerate with: {REGENERATE}"


def test_check_mode_reports_stale_files(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(reference, "DOCS", tmp_path)
    monkeypatch.setattr(reference, "outputs", lambda docs=tmp_path: {
        tmp_path / "fields.md": reference.fields_md(), tmp_path / "messages.md": reference.messages_md()})
    assert reference.main(["--check"]) == 1
    assert REGENERATE in capsys.readouterr().out
    assert reference.main([]) == 0
    assert reference.main(["--check"]) == 0
    assert (tmp_path / "fields.md").read_text(encoding="utf-8") == reference.fields_md()


def test_fields_lists_every_column_with_rule_help_and_example():
    text = reference.fields_md()
    for model in (CardRow, DiaryRow):
        section = text.split(f"## 工作表“{model.SHEET}”")[1].split("\n## ")[0]
        for col in columns_of(model):
            label = f"**{col.label}**" if col.required else col.label
            row = next(line for line in section.splitlines() if f"| {label} |" in line)
            assert col.rule in row and col.help in row and (not col.example or f"`{col.example}`" in row)


def test_messages_lists_every_code_with_severity_template_and_hint():
    text = reference.messages_md()
    for code in CATALOGUE.values():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{code.code}` |"))
        assert code.title in row and code.template.replace("|", "\\|") in row and code.hint in row


def test_row_rules_listed_in_the_docs_are_the_ones_the_models_give():
    """Every code a row rule can give is listed (ROW_RULES), and each listed one happens."""
    future = dt.date.today() + dt.timedelta(days=3)
    card = {"card_no": "X", "linker": "王", "linker_kind": "党员", "village": "村", "team": "社", "head": "户",
            "household_type": "致富明星户", "link_date": "2010-1-1", "main_problem": "缺", "phone": "12",
            "converted": "是"}
    diary = {"card_no": "X", "date": future, "form": "其他", "problem": "缺", "services": "唱歌",
             "review_date": "2010-1-1", "loans": 300000}
    given = {CardRow: set(), DiaryRow: set()}
    for model, row in ((CardRow, card), (DiaryRow, diary),
                       (CardRow, {**card, "linker_kind": "乡干部", "household_type": "经济落后户"}),
                       (CardRow, {**card, "base_income": 250000}), (CardRow, {**card, "link_date": future}),
                       (DiaryRow, {**diary, "loans": 3})):
        given[model] |= {code for code, name, _ in check_row(model, row).problems}
    assert given[CardRow] == set(CardRow.ROW_RULES)
    assert given[DiaryRow] == set(DiaryRow.ROW_RULES)
