"""The functions behind the console's buttons (xlwings ``RunPython``), and the same
actions for the command line the buttons fall back to under WPS.

The console's VBA calls, with a fixed command::

    RunPython "import lianhu_xl.xl; lianhu_xl.xl.consolidate()"

Each button function reads the 设置 sheet of the calling workbook, runs the
same library functions as the ``lianhu`` command, writes the results into the
workbook (汇总, 问题清单, 来源) and into the output folder, and says what
happened in a Chinese message box. Any failure becomes a message box too,
never a traceback window. It then writes ``done:<run id>`` into the hidden
state row, which tells the VBA that Python reached the workbook (otherwise the
VBA falls back to ``lianhu xl run``).

xlwings is imported here only, and only inside the button functions: the
package does not depend on it, and ``run_file`` (the WPS path) never needs it.
"""

from __future__ import annotations

import datetime as dt
import locale
import os
from dataclasses import dataclass, field
from pathlib import Path

from .console import (
    INTERNAL_SHEET,
    LAST_RESULT_LABEL,
    PROBLEM_COLUMNS,
    PROBLEMS_SHEET,
    REPORT_FILE,
    SETTINGS_SHEET,
    SOURCE_COLUMNS,
    SOURCES_SHEET,
    TOTALS_FILE,
    TOTALS_SHEET,
    Plan,
    read_settings,
    read_settings_file,
    resolve,
    settings_cell,
)
from .errors import LianhuError
from .issues import Report, severity_zh

TITLE = "联户带创汇总台"
ACTIONS = ("template", "validate", "consolidate")
SHOWN_PROBLEMS = 5
MSGBOX_CHARS = 1000  # VBA's MsgBox shows "approximately 1024 characters" of its prompt (WPS path)
FORMULA_STARTS = ("=", "+", "-", "@")


@dataclass(slots=True)
class Outcome:
    """What an action did: status (ok | problems | error), a Chinese message, the file to open,
    and the tables to write into the console (sheet -> rows, header first)."""

    status: str
    message: str
    result: Path | None = None
    sheets: dict[str, list[list[object]]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


# ---------------------------------------------------------------- the actions (no xlwings)


def run_action(action: str, plan: Plan, console: Path | None = None, into_book: bool = True) -> Outcome:
    """Run one button's action on resolved settings; raises LianhuError when it cannot run.
    ``into_book``: the tables go into the console (xlwings); without it (WPS, ``lianhu xl run``)
    the result file is opened instead, and the message sends the clerk there."""
    if action == "template":
        return _template(plan)
    if action == "validate":
        return _validate(plan, console, into_book)
    if action == "consolidate":
        return _consolidate(plan, console, into_book)
    raise LianhuError(f"未知的操作“{action}”：应为 {'、'.join(ACTIONS)} 之一。")


def _roster(plan: Plan):
    if plan.roster is None:
        return None
    from .roster import RosterError, load_roster

    try:
        return load_roster(plan.roster)
    except RosterError as exc:
        raise LianhuError(f"{settings_cell('roster')}：{exc}") from None


def _roster_notes(roster) -> list[str]:
    """How a roster line without its 社 was read (roster.Roster.notes), for the button's message."""
    return [f"提示：{note}" for note in (roster.notes if roster is not None else [])]


def _period(plan: Plan):
    if not plan.period_text:
        return None
    from .period import not_begun, parse_period

    try:
        period = parse_period(plan.period_text)
    except ValueError as exc:
        raise LianhuError(f"{settings_cell('period')}：{exc}") from None
    today = dt.date.today()
    refused = not_begun(period, today, str(today.year))
    if refused:
        raise LianhuError(f"{settings_cell('period')}：{refused}")
    return period


def _files(plan: Plan, console: Path | None):
    """The books in the collection folder, less the console itself and our own outputs."""
    from .collection import collect

    if plan.folder.is_file():
        raise LianhuError(f"{settings_cell('folder')}：“{plan.folder}”是一个文件，不是文件夹。"
                          f"请填各村登记簿所在的文件夹，例如 {plan.folder.parent}。")
    if not plan.folder.is_dir():
        raise LianhuError(f"{settings_cell('folder')}：找不到收集文件夹“{plan.folder}”。"
                          "请检查路径，或新建这个文件夹并把各村交来的登记簿放进去。")
    files, issues = collect([plan.folder])
    issues = [i for i in issues if i.code != "console-skipped"]  # the buttons' own workbook: never a source
    skip = {console.resolve()} if console else set()
    out_dir = plan.output.resolve()
    # outputs written beside the books (输出文件夹 left empty while the console sits above 收集,
    # or the collection folder itself): only our own outputs are skipped, never the books
    beside = plan.folder.resolve().is_relative_to(out_dir)
    if beside:
        skip |= {out_dir / REPORT_FILE, out_dir / TOTALS_FILE}

    def keep(p: Path) -> bool:
        real = p.resolve()
        return real not in skip and (beside or not real.is_relative_to(out_dir))

    files = [(p, d) for p, d in files if keep(p)]
    from .outputs import without_reports

    files = without_reports(files, issues)  # a 问题清单 the command line left among the books: told, not read
    if not files and all(i.code == "report-skipped" for i in issues):
        raise LianhuError(f"收集文件夹“{plan.folder}”里没有 .xlsx/.xlsm 登记簿。"
                          "请把各村交来的登记簿放进去再点按钮。")
    return files, issues


def _template(plan: Plan) -> Outcome:
    from .outputs import keep_filled_book
    from .template import build_template

    keep_filled_book(plan.output)
    path = build_template(plan.output, _roster(plan))
    extra = "（村、社可从名册下拉选择）" if plan.roster else ""
    return Outcome("ok", f"已生成空白登记簿{extra}：\n{path}\n\n请发给各村、各支部填写。", path)


def _validate(plan: Plan, console: Path | None, into_book: bool = True) -> Outcome:
    from .batch import default_jobs
    from .report_book import write_report
    from .summary import headline
    from .validate import validate

    roster = _roster(plan)
    files, issues = _files(plan, console)
    result = validate([plan.folder], roster=roster, jobs=default_jobs(), files=files,
                      collect_issues=issues)
    report = result.report
    from .rollup import check_totals

    check_totals(report, result.books)  # townships' 汇总表: what a roll-up of them would say
    path = write_report(report, plan.output / REPORT_FILE, validation=result)
    head = [("校验完成，没有错误。" if report.valid else "校验完成，发现需要改正的错误。"), headline(report)]
    tail = [f"\n全部问题见本工作簿的“{PROBLEMS_SHEET}”表，并已另存：\n{path}" if into_book else
            f"\n全部问题见{path.name}：\n{path}"]
    message = _message(head, _roster_notes(roster), report, [], tail, into_book)
    return Outcome("ok" if report.valid else "problems", message, path,
                   sheets={PROBLEMS_SHEET: problem_rows(report), SOURCES_SHEET: source_rows(report)},
                   notes={PROBLEMS_SHEET: f"校验：{headline(report)}",
                          SOURCES_SHEET: f"校验：{plan.folder}"})


def _consolidate(plan: Plan, console: Path | None, into_book: bool = True) -> Outcome:
    from .batch import default_jobs
    from .consolidate import HEADER
    from .consolidate import consolidate as run_consolidate
    from .totals_book import write_totals

    roster, period = _roster(plan), _period(plan)
    files, issues = _files(plan, console)
    c = run_consolidate([plan.folder], period=period, roster=roster, jobs=default_jobs(),
                        title=plan.township or None, files=files, collect_issues=issues)
    if c.kind == "mixed":
        mixed = next((i.message for i in c.report.issues if i.code == "mixed-inputs"), "")
        raise LianhuError(f"无法汇总：{mixed}没有写出汇总表。")
    path = write_totals(c, plan.output / TOTALS_FILE)
    totals = [list(HEADER)] + [u.row() for u in c.units] + [c.total.row()]
    t = c.total
    lines = [c.heading, c.headline(),
             f"合计：致富明星户 {t.star}、思想保守户 {t.conservative}、经济落后户 {t.backward}，"
             f"入户访谈 {t.interviews} 次，解决主要问题 {t.solved} 个。"]
    if c.villages_left_out:
        from .consolidate import left_out_note

        lines.append(left_out_note(c.villages_left_out))
    after = []
    if not c.complete:
        what = "汇总表" if c.kind == "totals" else "行"  # a county's sources are townships' 汇总表
        after.append(f"有错误的{what}没有计入，逐条见本工作簿的“{PROBLEMS_SHEET}”表；"
                     f"“未计入”表在另存的{path.name}里。" if into_book else
                     f"有错误的{what}没有计入，逐条见{path.name}的“未计入”表；点“校验”可另存问题清单，退回改正。")
    tail = [f"\n汇总表已写入本工作簿的“{TOTALS_SHEET}”表，并已另存：\n{path}" if into_book else
            f"\n汇总表已保存：\n{path}"]
    message = _message(lines, _roster_notes(roster), c.report, after, tail, into_book)
    return Outcome("ok" if c.complete else "problems", message, path,
                   sheets={TOTALS_SHEET: totals, PROBLEMS_SHEET: problem_rows(c.report),
                           SOURCES_SHEET: source_rows(c.report, c.accounts)},
                   notes={TOTALS_SHEET: f"{c.heading}　{c.span_text}",
                          PROBLEMS_SHEET: f"汇总：{c.headline()}",
                          SOURCES_SHEET: f"汇总：{plan.folder}"})


def _message(head: list[str], notes: list[str], report: Report, after: list[str], tail: list[str],
             into_book: bool) -> str:
    """A button's message: what was done, the roster's notes, the first errors, where the rest are.
    Under WPS the VBA's MsgBox shows about 1,024 characters and cuts the rest (its own limit): the
    first errors shown are then fewer, then the notes, so that where to look stays in the box."""
    from .roster import alone_notes_in_short

    def text(shown: int, kept: list[str]) -> str:
        return "\n".join(head + kept + _first_problems(report, shown) + after + tail)

    if into_book:
        return text(SHOWN_PROBLEMS, notes)
    for shown in range(SHOWN_PROBLEMS, -1, -1):
        if _boxed(text(shown, notes)) <= MSGBOX_CHARS:
            return text(shown, notes)
    for keep in range(len(notes) - 1, -1, -1):
        kept = notes[:keep] + [f"提示：{alone_notes_in_short(len(notes) - keep, more=bool(keep))}"]
        if _boxed(text(0, kept)) <= MSGBOX_CHARS or keep == 0:
            return text(0, kept)
    return text(0, notes)


def _boxed(message: str) -> int:
    """Characters the MsgBox receives: the VBA joins the result file's lines with CR LF."""
    return len(message) + message.count("\n")


def _first_problems(report: Report, shown: int = SHOWN_PROBLEMS) -> list[str]:
    errors = report.errors
    if not errors:
        return []
    if not shown:
        return ["", f"共 {len(errors)} 处错误。"]
    lines = ["", "前几处错误："]
    for issue in errors[:shown]:
        lines.append(f"· {issue.file}  {issue.message}")
    if len(errors) > shown:
        lines.append(f"…… 共 {len(errors)} 处错误")
    return lines


def problem_rows(report: Report) -> list[list[object]]:
    rows: list[list[object]] = [list(PROBLEM_COLUMNS)]
    for i in report.issues:
        rows.append([i.file, i.sheet or "", i.cell or "", i.column or "", i.value or "",
                     severity_zh(i.severity), i.code, i.message])
    return rows


def source_rows(report: Report, accounts: dict | None = None) -> list[list[object]]:
    header = list(SOURCE_COLUMNS)
    if accounts is not None:
        header += ["计入行数", "重复行数", "未计入行数", "统计期外行数", "合计行"]
    rows: list[list[object]] = [header]
    for f in report.files:
        row: list[object] = [f.file, f.sha256, f.template_version, f.card_rows, f.diary_rows,
                             f.errors, f.warnings, f.status, f.why]
        if accounts is not None:
            a = accounts.get(f.file)
            row += ([a.counted, a.duplicate, a.excluded, a.out_of_period, a.totals_rows]
                    if a is not None else [0, 0, 0, 0, 0])
        rows.append(row)
    return rows


# ---------------------------------------------------------------- the command-line path (WPS)


def run_file(action: str, book: Path, result_file: Path | None = None) -> Outcome:
    """``lianhu xl run``: the action on a saved console's settings; never raises."""
    try:
        plan = resolve(read_settings_file(book), book.resolve().parent)
        outcome = run_action(action, plan, book, into_book=False)
    except LianhuError as exc:
        outcome = Outcome("error", f"无法完成：{exc}")
    except Exception as exc:  # any failure is a message the clerk can pass on, not a traceback
        outcome = Outcome("error", _unexpected(exc))
    if result_file is not None:
        write_result_file(result_file, outcome)
    return outcome


def write_result_file(path: Path, outcome: Outcome) -> None:
    """Status, the file to open, then the message; in the ANSI code page on Windows,
    which is what VBA's ``Line Input`` reads (``getencoding``: also under Python's UTF-8 mode)."""
    encoding = locale.getencoding() if os.name == "nt" else "utf-8"
    text = "\n".join([outcome.status, str(outcome.result or ""), outcome.message])
    with open(path, "w", encoding=encoding, errors="replace", newline="\r\n") as fh:
        fh.write(text + "\n")


def _unexpected(exc: BaseException) -> str:
    return ("程序出错，多半不是文件的问题。请把这段话和收集文件夹一起交给技术人员；"
            f"在命令行运行 lianhu doctor 可以检查安装。技术信息：{type(exc).__name__}: {exc}")


# ---------------------------------------------------------------- the xlwings buttons


def make_template(book=None) -> None:
    """Button 生成模板."""
    _button("template", book)


def validate(book=None) -> None:
    """Button 校验."""
    _button("validate", book)


def consolidate(book=None) -> None:
    """Button 汇总."""
    _button("consolidate", book)


def _button(action: str, book) -> None:
    try:
        if book is None:
            import xlwings as xw

            book = xw.Book.caller()
    except Exception as exc:
        # Not reached from Excel (WPS, or xlwings could not find the window): say so quietly.
        # The VBA sees no "done" mark and runs the command line, which shows the message box.
        _log(f"无法连接到 Excel 工作簿（{type(exc).__name__}: {exc}）。"
             "按钮会改用 lianhu 命令行；也可以在 Excel 里点按钮。")
        return
    try:
        if SETTINGS_SHEET not in [s.name for s in book.sheets]:
            raise LianhuError(f"本工作簿里没有“{SETTINGS_SHEET}”表。请用 lianhu xl console -o 文件夹 重新生成汇总台。")
        settings = read_settings(book.sheets[SETTINGS_SHEET].range("A1:C40").value)
        console = Path(book.fullname)
        outcome = run_action(action, resolve(settings, console.parent), console)
        for name, rows in outcome.sheets.items():
            write_table(book, name, rows, outcome.notes.get(name, ""))
        if outcome.result is not None:
            try:
                _set_last_result(book, str(outcome.result))
            except Exception:
                pass  # only 打开结果 needs it; the message below names the file anyway
    except LianhuError as exc:
        outcome = Outcome("error", f"无法完成：{exc}")
    except Exception as exc:
        outcome = Outcome("error", _unexpected(exc))
    try:
        _mark_done(book)
    except Exception:
        pass  # the VBA then runs the command line, which shows its own message
    _alert(book, outcome)


def _alert(book, outcome: Outcome) -> None:
    try:
        book.app.alert(outcome.message, title=TITLE, mode="info" if outcome.status == "ok" else "critical")
    except Exception:
        _system_alert(outcome.message)


def _system_alert(message: str) -> None:
    """A message box without Excel's help (Windows), else stderr."""
    try:
        import ctypes

        ctypes.windll.user32.MessageBoxW(0, message, TITLE, 0x30)  # type: ignore[attr-defined]
    except Exception:
        _log(message)


def _log(message: str) -> None:
    import sys

    print(message, file=sys.stderr)


def _cell(value: object) -> object:
    """What to assign through COM: text stays text (a leading apostrophe stops Excel from
    turning '2010.9.6' into a date or '=...' into a formula); whole numbers as int."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str):
        return "'" + value if value else None
    if isinstance(value, Path):
        return "'" + str(value)
    if isinstance(value, int | float | dt.date):
        return value
    return "'" + str(value)


def _sheet(book, name: str):
    names = [s.name for s in book.sheets]
    if name in names:
        return book.sheets[name]
    after = book.sheets[SETTINGS_SHEET] if SETTINGS_SHEET in names else book.sheets[0]
    return book.sheets.add(name, after=after)


def write_table(book, name: str, rows: list[list[object]], note: str = "") -> None:
    """Replace a result sheet's content: a note line, then the table from A2."""
    sheet = _sheet(book, name)
    sheet.clear()
    sheet["A1"].value = _cell(note) if note else None
    if rows:
        width = max(len(r) for r in rows)
        values = [[_cell(v) for v in r] + [None] * (width - len(r)) for r in rows]
        sheet["A2"].value = values
        sheet.range((2, 1), (2, width)).font.bold = True
        for c, label in enumerate(rows[0], start=1):
            if isinstance(label, str) and label.endswith("率") and len(rows) > 1:
                sheet.range((3, c), (len(rows) + 1, c)).number_format = "0.0%"
        sheet.autofit("c")


def _internal_rows(book) -> tuple[object, list[list[object]]]:
    sheet = book.sheets[INTERNAL_SHEET]
    return sheet, sheet.range("A1:B60").value


def _state_row(rows: list[list[object]], key: str) -> int | None:
    for i, row in enumerate(rows):
        if row and row[0] == key:
            return i + 1
    return None


def _set_state(book, key: str, value: str) -> None:
    sheet, rows = _internal_rows(book)
    r = _state_row(rows, key)
    if r is None:
        r = next((i + 1 for i, row in enumerate(rows) if not row or row[0] in (None, "")), len(rows) + 1)
        sheet[f"A{r}"].value = _cell(key)
    sheet[f"B{r}"].value = _cell(value)


def _get_state(book, key: str) -> str:
    _, rows = _internal_rows(book)
    r = _state_row(rows, key)
    value = rows[r - 1][1] if r is not None else None
    return "" if value is None else str(value)


def _mark_done(book) -> None:
    _set_state(book, "state.run_state", "done:" + _get_state(book, "state.run_id"))


def _set_last_result(book, path: str) -> None:
    _set_state(book, "state.last_result", path)
    sheet = book.sheets[SETTINGS_SHEET]
    rows = sheet.range("A1:A40").value
    for i, v in enumerate(rows, start=1):
        if v == LAST_RESULT_LABEL:
            sheet[f"B{i}"].value = _cell(path)
            break
