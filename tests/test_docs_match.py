"""The README and docs/*.md tell a township clerk what to type and what they will see; these
tests fail when the code moves and the docs stay behind: an option renamed, an issue code
dropped, a sheet or a button renamed, a demo figure changed, a test the docs cite deleted.

docs/fields.md and docs/messages.md are generated from the code and checked by
tests/test_reference.py, so they are not read here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from lianhu_xl import annotate, console
from lianhu_xl.catalogue import CATALOGUE
from lianhu_xl.cli import cli
from lianhu_xl.issues import make_issue
from lianhu_xl.period import parse_period

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
WRITTEN = [README] + [DOCS / n for n in ("annotate.md", "consolidate.md", "excel-buttons.md", "security.md",
                                         "performance.md")]
NOT_CODES = {"libreoffice-calc-nogui"}  # a Debian package the README names, not an issue code


def _text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _fences(text: str) -> list[str]:
    """The lines of every ``` block."""
    return [line for block in re.findall(r"^```[^\n]*\n(.*?)^```", text, re.S | re.M)
            for line in block.splitlines()]


def _inline(text: str) -> list[str]:
    """Every `code span` outside the ``` blocks."""
    return re.findall(r"`([^`\n]+)`", re.sub(r"^```.*?^```", "", text, flags=re.S | re.M))


def _lianhu_args(line: str) -> list[str] | None:
    """The arguments of a ``lianhu …`` command line (``$ lianhu``, ``.venv/bin/lianhu``,
    ``"…\\lianhu.exe"``, ``python -m lianhu_xl``), or None when the line runs something else."""
    line = re.sub(r"^\$\s+", "", line.strip())
    line = re.sub(r"\s+#\s.*$", "", line)
    words = [w.strip('"') for w in re.findall(r'"[^"]*"|\S+', line)]
    if words and re.split(r"[/\\]", words[0])[-1] in ("lianhu", "lianhu.exe"):
        return words[1:]
    if words[1:3] == ["-m", "lianhu_xl"]:
        return words[3:]
    return None


def _commands(path: Path) -> list[tuple[list[str], bool]]:
    """(arguments, whole) for each lianhu command in a doc; ``whole``: a line of a ``` block,
    which a user copies as it is (an inline mention may name just one option)."""
    text = _text(path)
    found = []
    for line in _fences(text):
        for part in line.split("&&"):
            args = _lianhu_args(part)
            if args is not None:
                found.append((args, True))
    for span in _inline(text):
        args = _lianhu_args(span)
        if args is not None:
            found.append((args, False))
    return found


def _resolve(args: list[str]) -> tuple[click.Command, list[str], list[str]]:
    """The (sub)command the arguments name, its path, and the arguments left for it."""
    cmd, path = cli, []
    while args and isinstance(cmd, click.Group) and args[0] in cmd.commands:
        cmd = cmd.commands[args[0]]
        path.append(args[0])
        args = args[1:]
    return cmd, path, args


def _help(path: list[str]) -> str:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0, result.output
    return result.output


def _every_command(cmd: click.Command = cli, path: tuple[str, ...] = ()):
    yield cmd, list(path)
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from _every_command(sub, (*path, name))


def _option_names() -> set[str]:
    return {name for cmd, _ in _every_command() for p in cmd.params
            for name in (*p.opts, *p.secondary_opts) if name.startswith("-")} | {"-h", "--help"}


@pytest.mark.parametrize("doc", WRITTEN, ids=lambda p: p.name)
def test_every_lianhu_command_in_the_docs_exists_with_its_options(doc):
    """Each ``lianhu …`` a doc shows names a real command, every option it uses is on that
    command's --help page, and a whole command line (a ``` block) is accepted as typed."""
    commands = _commands(doc)
    assert commands or doc.name == "security.md" or doc.name == "performance.md"
    for args, whole in commands:
        cmd, path, rest = _resolve(args)
        shown = " ".join(["lianhu", *args])
        if isinstance(cmd, click.Group):
            assert not rest or rest[0].startswith("-"), f"{doc.name}: “{shown}”: no command “{rest[0]}”"
        page = _help(path)
        for word in rest:
            if re.match(r"--?[A-Za-z]", word):
                option = word.split("=")[0]
                assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", page), \
                    f"{doc.name}: “{shown}” uses {option}, which `lianhu {' '.join(path)} --help` does not list"
        if whole:
            try:
                cmd.make_context(" ".join(["lianhu", *path]), list(rest))
            except click.exceptions.Exit:
                pass
            except click.UsageError as exc:
                pytest.fail(f"{doc.name}: “{shown}” is refused: {exc.format_message()}")


@pytest.mark.parametrize("doc", WRITTEN, ids=lambda p: p.name)
def test_every_option_the_docs_name_exists(doc):
    """A `--option` on its own in the text is an option of some lianhu command (or of the
    benchmark script the performance notes describe)."""
    known = _option_names()
    bench = _text(ROOT / "benchmarks" / "run.py")
    for span in _inline(_text(doc)):
        if not span.startswith("-"):  # a command (lianhu's are checked above, others are not ours)
            continue
        for option in re.findall(r"(?:^|(?<=[\s/]))(--?[A-Za-z][\w-]*)", span):
            assert option in known or f'"{option}"' in bench, f"{doc.name}: `{span}` names {option}, no such option"


@pytest.mark.parametrize("doc", WRITTEN, ids=lambda p: p.name)
def test_every_issue_code_in_the_docs_is_in_the_catalogue(doc):
    codes = {c for c in re.findall(r"`([a-z]+(?:-[a-z]+)+)`", _text(doc)) if c not in NOT_CODES}
    unknown = sorted(codes - set(CATALOGUE))
    assert not unknown, f"{doc.name} names issue codes the catalogue (lianhu_xl/catalogue.py) does not have: {unknown}"


def _test_functions() -> set[str]:
    names = set()
    for path in (ROOT / "tests").glob("*.py"):
        names |= set(re.findall(r"^\s*def (test_\w+)", _text(path), re.M))
    return names


@pytest.mark.parametrize("doc", WRITTEN, ids=lambda p: p.name)
def test_files_and_tests_the_docs_cite_exist(doc):
    """`tests/test_x.py`, `lianhu_xl/guard.py`, `store.py`, `test_some_guarantee`: the docs send
    readers to them as proof, so each must exist."""
    text = _text(doc)
    tests = _test_functions()
    for path in set(re.findall(r"\b((?:tests|lianhu_xl|benchmarks)/[\w/]+\.(?:py|bas))", text)):
        assert (ROOT / path).is_file(), f"{doc.name} cites {path}, which does not exist"
    for name in set(re.findall(r"`(\w+\.py)`", text)):
        assert any((d / name).is_file() for d in (ROOT, ROOT / "lianhu_xl", ROOT / "benchmarks")), \
            f"{doc.name} cites {name}, which is not in the project"
    for name in set(re.findall(r"\b(test_\w+)\b", text)) - {p.stem for p in (ROOT / "tests").glob("*.py")}:
        assert name in tests, f"{doc.name} cites the test {name}, which no file in tests/ defines"


def test_the_number_of_hostile_files_is_the_number_generated():
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        import hostile
    finally:
        sys.path.remove(str(ROOT / "tests"))
    for doc in (README, DOCS / "security.md"):
        said = re.findall(r"(\d+) 种[^|]*?（?`tests/hostile\.py`", _text(doc))
        assert said, f"{doc.name} no longer says how many hostile files tests/hostile.py makes"
        assert {int(n) for n in said} == {len(hostile.KINDS)}, \
            f"{doc.name} says {said} hostile files; tests/hostile.py makes {len(hostile.KINDS)}"


def test_every_period_written_in_consolidate_md_reads_as_its_title():
    """The --period table: each way of writing it is accepted and titled as the third column says."""
    section = _text(DOCS / "consolidate.md").split("## 统计期")[1].split("\n## ")[0]
    rows = [r for r in section.splitlines() if r.startswith("| `")]
    assert len(rows) >= 5
    for row in rows:
        written, _, title = [c.strip() for c in row.strip("|").split("|")]
        for example in re.findall(r"`(\d[^`]*)`", written):  # not the separators `~`、`至`
            assert parse_period(example).label == title, f"--period {example}: docs say {title}"


def test_readme_starts_with_the_two_commands_that_install_and_run():
    first = _fences(_text(README).split("\n## ")[0])
    commands = [re.sub(r"\s+#.*$", "", line).strip() for line in first if line.strip()]
    assert commands[:2] == ["python3 dev.py demo", "python3 dev.py test"]
    ci = [line.strip() for line in _text(ROOT / ".ci" / "run").splitlines() if line.strip()]
    assert ci[-1] == "python3 dev.py test", ".ci/run must run the README's test command"
    extras = re.findall(r'pip install "\.\[(\w+)\]"', _text(README))
    pyproject = _text(ROOT / "pyproject.toml")
    for extra in extras:
        assert re.search(rf"^{extra} = \[", pyproject, re.M), f"README installs .[{extra}], pyproject has no such extra"


def test_dev_py_runs_what_the_readme_says(tmp_path):
    """``dev.py demo`` installs and runs the demo into lianhu-demo/, ``dev.py test`` installs the
    test extra and runs pytest; anything else prints its usage and exits 2."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("dev_under_test", ROOT / "dev.py")
    dev = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(dev)
    calls = []
    dev.ensure = lambda extras: calls.append(("ensure", extras))
    dev.run = lambda *args: calls.append(tuple(str(a) for a in args)) or 0
    for argv in (["dev.py", "demo"], ["dev.py", "test", "-k", "reader"]):
        sys_argv, sys.argv = sys.argv, argv
        try:
            assert dev.main() == 0
        finally:
            sys.argv = sys_argv
    py = str(dev.PY)
    assert calls == [("ensure", ""), (py, "-m", "lianhu_xl", "demo", "lianhu-demo"),
                     ("ensure", "test"), (py, "-m", "pytest", "-k", "reader")]
    assert "`lianhu-demo/`" in _text(README)
    usage = subprocess.run([sys.executable, str(ROOT / "dev.py")], capture_output=True, text=True)
    assert usage.returncode == 2 and "dev.py test" in usage.stdout


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from lianhu_xl.demo import render, run_demo

    result = run_demo(tmp_path_factory.mktemp("docs") / "lianhu-demo", jobs=1)
    return result, render(result)


def test_readme_demo_figures_are_what_the_demo_prints(demo):
    result, printed = demo
    readme = _text(README)
    excerpt = next(block for block in re.findall(r"^```\n(.*?)^```", readme, re.S | re.M) if "合计" in block)
    lines = printed.splitlines()
    for line in excerpt.splitlines():
        if line.strip() and line.strip() != "...":
            assert line in lines, f"README's demo excerpt has a line the demo does not print:\n{line}"
    sentence = re.search(r"正好是报道的数字（([^）]+)）", readme)[1]
    said = [int(n) for n in re.findall(r"\d+", sentence)]
    t = result.consolidation.total
    assert said == [t.star, t.conservative, t.backward, t.interviews, t.services, t.solved, t.deeds, t.converted]


def test_consolidate_md_lists_the_sheets_of_the_totals_workbooks(demo, tmp_path):
    import openpyxl

    from lianhu_xl.consolidate import consolidate
    from lianhu_xl.totals_book import write_totals

    result, _ = demo
    text = _text(DOCS / "consolidate.md")
    table = text.split("## 汇总表里有什么")[1].split("\n## ")[0]
    listed = [r.split("|")[1].strip() for r in table.splitlines() if r.startswith("| ") and "---" not in r][1:]
    assert listed == openpyxl.load_workbook(result.totals, read_only=True).sheetnames
    county = tmp_path / "各乡汇总表"
    county.mkdir()
    (county / "倪家营乡汇总表.xlsx").write_bytes(result.totals.read_bytes())
    out = write_totals(consolidate([county]), tmp_path / "县汇总表.xlsx")
    rollup = text.split("## 县、市汇总")[1].split("\n## ")[0]
    sheets = openpyxl.load_workbook(out, read_only=True).sheetnames
    said = re.search(r"县的汇总表里有(.+?)工作表", rollup)
    assert said, "consolidate.md no longer says which sheets a county's 汇总表 has"
    assert re.findall(r"“(.+?)”", said[1]) == sheets


def test_excel_buttons_md_names_the_console_as_built():
    """Sheets, settings, buttons, macros and the 问题清单 columns of the console, as the clerk's
    guide names them, are the ones lianhu xl console writes."""
    text = _text(DOCS / "excel-buttons.md")
    section1 = text.split("## 1.")[1].split("\n## ")[0]
    sheets = [r.split("|")[1].strip() for r in section1.splitlines() if r.startswith("| ") and "---" not in r][1:]
    assert sheets == [console.SETTINGS_SHEET, console.TOTALS_SHEET, console.PROBLEMS_SHEET,
                      console.SOURCES_SHEET, console.CONF_SHEET]
    assert f"`{console.INTERNAL_SHEET}`" in section1
    captions = [caption for _, caption, _, _ in console.BUTTONS]
    assert f"右边 {len(captions)} 个按钮：**{'、'.join(captions)}**" in section1
    problems_row = next(r for r in section1.splitlines() if r.startswith(f"| {console.PROBLEMS_SHEET} |"))
    assert "、".join(console.PROBLEM_COLUMNS[:-1]) + "、说明" in problems_row
    section3 = text.split("## 3.")[1].split("\n## ")[0]
    settings = [r.split("|")[1].strip() for r in section3.splitlines() if r.startswith("| ") and "---" not in r][1:]
    assert settings == [s.label for s in console.SETTINGS]
    assert f"填 {len(console.SETTINGS)} 项设置" in section1
    section4 = text.split("## 4.")[1].split("\n## ")[0]
    assert re.findall(r"^- \*\*(.+?)\*\*", section4, re.M) == captions
    macros = [macro for macro, _, _, _ in console.BUTTONS]
    assert "、".join(f"`{m}`" for m in macros) in text
    for _, _, function, _ in console.BUTTONS:
        if function:
            assert f"lianhu_xl.xl.{function}()" in _text(ROOT / "lianhu_xl" / "vba" / "LianhuButtons.bas")
    example = re.search(r"“(设置!B\d+)：统计期“(.+?)”无法识别", text)
    assert example[1] == console.settings_cell("period")
    with pytest.raises(ValueError, match=f"^统计期“{re.escape(example[2])}”无法识别"):
        parse_period(example[2])


def test_annotate_md_shows_the_note_a_cadre_sees():
    text = _text(DOCS / "annotate.md")
    assert f"“{annotate.RESULT_SHEET}”" in text and f"`{annotate.MARKS_SHEET}`" in text
    assert annotate.NEXT_STEP in text and annotate.NOTE_TAG in text
    quoted = [line.strip()[2:].strip() for line in text.splitlines() if line.strip().startswith("> ")]
    assert quoted[0] == annotate.NOTE_TAG
    severity, _, body = quoted[1].partition("：")
    value = re.search(r"填的是“(.+?)”", body)[1]
    issue = make_issue("bad-date", "x.xlsx", sheet="联户日记", cell="B2", column="日期", value=value)
    assert severity == "错误" and issue.severity == "error"
    assert body == issue.message.removeprefix("联户日记!B2：")


def _columns_line_up(page: str) -> bool:
    """In each 选项/命令 list, every description starts at the same screen column."""
    from lianhu_xl.xl_text import text_width as _shown_width

    for block in re.split(r"\n(?=\S)", page):
        if not block.startswith(("选项", "命令")):
            continue
        starts = {_shown_width(m[1]) for m in re.finditer(r"^(  \S.*?\S  +)\S", block, re.M)}
        if len(starts) > 1:
            return False
    return True


@pytest.mark.parametrize("path", [pytest.param(path, id=" ".join(["lianhu", *path])) for _, path in _every_command()])
def test_every_help_page_is_chinese_and_lined_up(path):
    """--help is a clerk's first doc: no PATH/TEXT/[default: …]/[required] in English, and the
    descriptions start in one column on screen (a Chinese character is two columns wide)."""
    page = _help(path)
    assert not re.search(r"\b(PATH|TEXT|FILE|DIRECTORY|INTEGER|FOLDER|default|required|Usage|Options)\b", page), page
    assert _columns_line_up(page), page


@pytest.mark.parametrize("args", [["validatee"], ["validat"], ["validate", "x", "--jsn"], ["validate", "x", "--jsonn"],
                                  ["xl", "run", "foo", "--book", "a.xlsm"]], ids=" ".join)
def test_a_mistyped_command_is_answered_in_chinese_with_what_to_type(args):
    """A typo is answered like --help: in Chinese, with the names that would work."""
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert not re.search(r"\b(Did|mean|one of|is not|Invalid|value|No such|Possible)\b", result.output), result.output
    assert re.search(r"是不是要用|可选：", result.output), result.output
