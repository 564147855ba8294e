"""The ``lianhu`` command: a thin shell over the library.

Each command parses its arguments, calls one library function that returns
data, renders it and sets the exit code: 0 nothing wrong, 1 problems found in
the workbooks, 2 wrong usage or the command could not run. Heavy modules are
imported inside the commands so that ``lianhu --help`` stays instant.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from .xl_text import text_width

EXIT_OK, EXIT_PROBLEMS, EXIT_CANNOT_RUN = 0, 1, 2


_OPT = r"'?(-[^'\s:]+)'?(?: / '(-[^']+)')?"
_USAGE_ZH = [
    (r"Missing argument '(.+?)'\.?", r"缺少参数 \1。"),
    (rf"Missing option {_OPT}\.?", "缺少选项 {0}。"),
    (rf"No such option:? {_OPT}\.?", "没有这个选项：{0}。"),
    (r"No such command '(.+?)'\.?", r"没有这个命令“\1”。"),
    (rf"Option {_OPT} requires an argument\.?", "选项 {0} 后面要写一个值。"),
    (r"Got unexpected extra arguments? \((.+?)\)", r"多了参数：\1。"),
    (rf"Invalid value for {_OPT}: ", "{0} 的值不对："),
    (r"Invalid value for '(.+?)': ", r"\1 的值不对："),
    (r"Path '(.+?)' does not exist\.?", r"路径“\1”不存在。"),
    (r"'(.+?)' is not a valid integer( range)?\.?", r"“\1”不是整数。"),
    (r"(\S+) is not in the range (.+?)\.", r"\1 不在 \2 范围内。"),
    (rf"Did you mean {_OPT}\?", "是不是要用 {0}？"),
    (r"\(?Did you mean one of: (.+?)\?\)?", r"（是不是要用：\1？）"),
    (r"Did you mean '(.+?)'\?", r"是不是要用“\1”？"),
    (r"'([^']*)' is not (?:one of )?('[^.]*')\.", r"“\1”不是可选的值；可选：\2。"),
    (r"\(Possible options: (.+?)\)", r"（可用：\1）"),
    (r"Directory '(.+?)' is a file\.?", r"“\1”是文件，这里要一个文件夹。"),
    (r"File '(.+?)' is a directory\.?", r"“\1”是文件夹，这里要一个文件。"),
]


def usage_zh(message: str) -> str:
    """Click's usage errors in Chinese (click itself only speaks English)."""
    import re

    for pattern, replacement in _USAGE_ZH:
        if "{0}" in replacement:
            def option(m: re.Match, template: str = replacement) -> str:
                return template.format("/".join(g for g in m.groups() if g))

            message = re.sub(pattern, option, message)
        else:
            message = re.sub(pattern, replacement, message)
    return message


class ChineseFormatter(click.HelpFormatter):
    """Help pages in Chinese: click writes Usage/Options/Commands, the value kinds (PATH, TEXT)
    and [default: …] / [required] in English, and lines up columns by counting a Chinese
    character as one column where the terminal shows two."""

    HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
    METAVARS = {"INTEGER RANGE": "整数", "INTEGER": "整数", "DIRECTORY": "文件夹", "FOLDER": "文件夹",
                "PATH": "路径", "FILE": "文件", "TEXT": "文字"}
    _METAVAR_RE = re.compile(r"\b(" + "|".join(METAVARS) + r")\b")

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        super().write_usage(prog, self._METAVAR_RE.sub(lambda m: self.METAVARS[m[1]], args), prefix="用法：")

    def section(self, name: str):
        return super().section(self.HEADINGS.get(name, name))

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = [(self._METAVAR_RE.sub(lambda m: self.METAVARS[m[1]], term),
                 text.replace("[default: ", "[默认：").replace("; default: ", "；默认：")
                 .replace("; required]", "；必填]").replace("[required]", "[必填]")) for term, text in rows]
        first = min(max((text_width(t) for t, _ in rows), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for term, text in rows:
            self.write(indent + term)
            pad = first - text_width(term)
            self.write(" " * pad if pad >= col_spacing else "\n" + indent + " " * first)
            lines = _wrap_shown(text, max(self.width - first - self.current_indent, 20)) or [""]
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(indent + " " * first + line + "\n")


def _wrap_shown(text: str, width: int) -> list[str]:
    """``text`` in lines of about ``width`` columns, breaking between Chinese characters or at
    spaces; a line never starts with closing punctuation nor ends with an opening bracket."""
    lines, line = [], ""
    for piece in re.findall(r"[!-~]+|\s+|.", " ".join(text.split())):
        if line and text_width(line + piece) > width and piece not in "，。；：、）”』」！？":
            carried = line[-1] if line[-1] in "（“『「" else ""
            lines.append(line[: len(line) - len(carried)].rstrip())
            line = carried + piece.lstrip()
        else:
            line += piece
    return lines + [line.rstrip()] if line.strip() else lines


class ChineseContext(click.Context):
    formatter_class = ChineseFormatter


class ChineseHelp:
    """The -h/--help option described in Chinese, help pages with Chinese headings."""

    context_class = ChineseContext

    def get_help_option(self, ctx: click.Context):
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本帮助并退出。"
        return option


class LianhuCommand(ChineseHelp, click.Command):
    pass


class LianhuGroup(ChineseHelp, click.Group):
    """Turns every unexpected failure into one Chinese line (``--debug`` shows the traceback)."""

    command_class = LianhuCommand
    group_class = type  # sub-groups (``lianhu xl``) behave the same

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        _tolerant_output()
        try:
            code = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            hint = f"运行“{exc.ctx.command_path} --help”查看用法。" if exc.ctx else ""
            click.echo(f"用法不对：{usage_zh(exc.format_message())}{hint}", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        except click.ClickException as exc:
            click.echo(f"无法完成：{usage_zh(exc.format_message())}", err=True)
            sys.exit(exc.exit_code)
        except click.exceptions.Abort:
            click.echo("已中断，输出文件未改动。", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        sys.exit(code if isinstance(code, int) else EXIT_OK)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            click.echo("已中断，输出文件未改动。", err=True)
            sys.exit(EXIT_CANNOT_RUN)
        except Exception as exc:
            from .errors import LianhuError

            if ctx.obj and ctx.obj.get("debug"):
                raise
            if isinstance(exc, LianhuError):
                click.echo(f"无法完成：{exc}", err=True)
            elif _disk_full(exc):
                import tempfile

                click.echo(f"无法完成：磁盘已满（运行时的临时文件放在 {tempfile.gettempdir()}，输出文件也要有地方写）。"
                           "请清理出空间后重试；已有的输出文件没有改动。", err=True)
            elif isinstance(exc, OSError) and exc.errno:  # a path the system refuses: its text is English
                from .errors import os_error_zh

                where = f"“{exc.filename}”" if exc.filename else "文件或文件夹"
                click.echo(f"无法完成：系统无法访问{where}（{os_error_zh(exc)}）。请换一个路径后重试；"
                           "已有的输出文件没有改动。", err=True)
            else:
                click.echo("程序出错，多半不是文件的问题；已有的输出文件没有改动。请把这段话和文件一起交给技术人员"
                           f"（加 --debug 可看详细信息）。技术信息：{type(exc).__name__}: {exc}", err=True)
            sys.exit(EXIT_CANNOT_RUN)


def _tolerant_output() -> None:
    """Print what the terminal's encoding cannot show as ? instead of failing on it.

    On Chinese Windows, output sent to a file or a pipe (``lianhu validate 收集 > 结果.txt``,
    a .bat the township keeps) is encoded in GBK, and one character outside it, an emoji in
    a file name or a cell echoed in a message, stopped the whole run. The report files keep
    every character; only the terminal shows a ?."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):  # a stream that cannot change: left as it is
                pass


def _disk_full(exc: BaseException) -> bool:
    """SQLite's "database or disk is full" (the run's row store spills to the temp folder), or ENOSPC."""
    import errno
    import sqlite3

    return ((isinstance(exc, sqlite3.OperationalError) and "full" in str(exc))
            or (isinstance(exc, OSError) and exc.errno == errno.ENOSPC))


@click.group(cls=LianhuGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="出错时显示 Python 的详细信息（给技术人员看）。")
@click.version_option(package_name="lianhu_xl", message="%(prog)s 版本 %(version)s", help="显示版本并退出。")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """联户带创登记簿工具：生成模板、校验、汇总。

    \b
    例：
      lianhu template -o 模板
      lianhu validate 收集/ --report 问题清单.xlsx
      lianhu consolidate 收集/ -o 汇总表.xlsx --period 2010
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _roster(path: Path | None, quiet: bool = False):
    if path is None:
        return None
    from .errors import LianhuError
    from .roster import RosterError, load_roster

    try:
        loaded = load_roster(path)
    except RosterError as exc:  # the roster file is at fault, not the command line: no --help hint
        raise LianhuError(str(exc)) from None
    for note in [] if quiet else loaded.notes:  # how a line was read, before any card is judged by it
        click.echo(f"提示：{note}", err=True)
    return loaded


roster_option = click.option("--roster", type=click.Path(path_type=Path),
                             help="乡镇名册（.xlsx 或 .csv，含“村”“社”两列）。")
jobs_option = click.option("-j", "--jobs", type=click.IntRange(0, 64), default=0,
                           help="同时读取的进程数；0 表示按本机 CPU 核数。")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="不显示进度和摘要，只用退出码表示结果。")
cache_option = click.option("--no-cache", is_flag=True,
                            help="不用缓存：每个文件都重新读取（默认跳过上次读过且未改动的文件）。")


def _cache(roster, no_cache: bool):
    """The per-file result cache (cache.py), or None with --no-cache / LIANHU_CACHE=off."""
    from .cache import open_cache

    return open_cache(roster, enabled=not no_cache)


OTHER_BOOKS = (".xls", ".xlsm", ".xlsb", ".xlt", ".xltx", ".et", ".ett", ".ods", ".csv")  # not a folder's name


@cli.command()
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="输出文件夹（或 .xlsx 文件名）。")
@roster_option
def template(out: Path, roster: Path | None) -> None:
    """生成标准登记簿模板（联户带创登记簿.xlsx）。

    \b
    退出码：0 已生成；2 用法不对或无法写出（如那里已有填写过的登记簿，不覆盖）。
    例：lianhu template -o 模板/
    """
    from .outputs import keep_filled_book
    from .template import build_template

    if out.suffix.lower() in OTHER_BOOKS:  # 登记簿.xls would be made a folder of that name
        raise click.BadParameter(f"模板要存成 .xlsx 文件，例如 {out.with_suffix('.xlsx').name}；"
                                 "也可以只写文件夹名。", param_hint="-o")
    keep_filled_book(out)
    path = build_template(out, _roster(roster))
    click.echo(f"已生成模板：{path}")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件或文件夹...")
@roster_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出全部问题（给其他程序用）。")
@click.option("--report", type=click.Path(path_type=Path), help="另存一份问题清单工作簿（.xlsx）。")
@click.option("--annotate", type=click.Path(path_type=Path, file_okay=False),
              help="把有问题的工作簿复制到这个文件夹，并在出错的单元格上标红、加批注。")
@jobs_option
@quiet_option
@cache_option
def validate(paths: tuple[Path, ...], roster: Path | None, as_json: bool, report: Path | None,
             annotate: Path | None, jobs: int, quiet: bool, no_cache: bool) -> None:
    """校验登记簿：文件或文件夹（含子文件夹里的 .xlsx/.xlsm）。

    \b
    退出码：0 没有错误；1 有错误；2 用法不对或无法运行。
    例：lianhu validate 收集/ --report 问题清单.xlsx --annotate 退回/
    """
    from .collection import collect
    from .outputs import (
        annotate_outside,
        is_report,
        keep_register,
        not_xlsx,
        without_earlier_output,
        without_reports,
    )
    from .progress import progress_bar
    from .validate import validate as run_validate

    if report is not None and (refused := not_xlsx(report, "问题清单", "问题清单.xlsx")):
        raise click.BadParameter(refused, param_hint="--report")
    files, collect_issues = collect(list(paths))
    if report is not None:  # an earlier report in the folder is not a submission; a submission is never replaced
        files = without_earlier_output(files, report, paths, "问题清单", is_report)
        keep_register(report, "问题清单")
    files = without_reports(files, collect_issues)  # another earlier report there: told, not read
    if annotate is not None:
        annotate_outside(annotate, paths)
    loaded = _roster(roster, quiet)
    if not files and _all_missing(collect_issues):  # the wrong folder: never "共 0 个文件", read as all passed
        click.echo("没有找到任何 .xlsx 工作簿，没有校验。" + _why_none(collect_issues), err=True)
        sys.exit(EXIT_CANNOT_RUN)
    with progress_bar(len(files), quiet or as_json) as tick:
        result = run_validate(list(paths), roster=loaded, jobs=_jobs(jobs), progress=tick,
                              files=files, collect_issues=collect_issues, cache=_cache(loaded, no_cache))
    rep = result.report
    annotated = []
    if annotate is not None:  # first, so that a copy that could not be made is in the report
        from .annotate import annotate_books

        annotated = annotate_books(result, files, annotate, jobs=_jobs(jobs), progress=lambda n: progress_bar(
            n, quiet or as_json, desc="标注", then="已标注完，正在写出结果"))
    from .rollup import check_totals

    check_totals(rep, result.books)  # townships' 汇总表: what a roll-up of them would say
    if report is not None:
        from .report_book import write_report

        write_report(rep, report, validation=result)
    if as_json:
        _echo_json(rep.to_dict(issues=False), issues=(i.to_dict() for i in rep.issues))
    elif not quiet:
        from .summary import text_summary

        click.echo(text_summary(rep))
        if report is not None:
            click.echo(f"\n问题清单已保存：{report}")
        if annotate is not None:
            failed = sum(1 for i in rep.issues if i.code == "annotate-failed")
            click.echo(f"已标注 {len(annotated)} 个工作簿，保存在：{annotate}" if annotated
                       else f"没有生成标注副本：{failed} 个文件的副本没能写出（原因见上面的提示）。" if failed
                       else "没有生成标注副本：要改的只在同一本交了两次的旧的一本上，它不发回（见上面的提示）。"
                       if any(i.code == "annotate-resent" for i in rep.issues)
                       else "没有需要标注的登记簿；汇总表不做标注副本，有问题的请该单位按上面的提示重新生成。"
                       if any(f.kind == "totals" and (f.errors or f.warnings) for f in rep.files)
                       else "没有需要标注的工作簿（没有要改的错误和警告，或文件无法打开）。")
    sys.exit(EXIT_OK if rep.valid else EXIT_PROBLEMS)


def _all_missing(collect_issues) -> bool:
    """Nothing was found to read but paths that do not exist (or nothing at all): the command
    was given the wrong place. A folder of old .xls files is not this: those are reported. Nor is
    a folder holding only this tool's own files (the 汇总台, an earlier 问题清单: the output folder
    given for the collection one), which gave a 汇总表 of zeros and 全部计入汇总, exit 0."""
    return all(i.code in ("file-not-found", "console-skipped", "report-skipped") for i in collect_issues)


def _why_none(collect_issues) -> str:
    return "".join(i.message for i in collect_issues) or "请检查给出的文件或文件夹。"


class PeriodType(click.ParamType):
    """--period: 2010, 2010-09, 2010Q3 or 2010-01-01..2010-06-30 (wrong text: exit 2)."""

    name = "统计期"

    def convert(self, value, param, ctx):
        from datetime import date

        from .period import Period, not_begun, parse_period

        if isinstance(value, Period):
            return value
        try:
            period = parse_period(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)
        today = date.today()
        refused = not_begun(period, today, f"--period {today.year}")
        if refused:
            self.fail(refused, param, ctx)
        return period


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件或文件夹...")
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path),
              help="汇总表文件名（.xlsx），如 汇总表.xlsx。")
@click.option("--period", type=PeriodType(), default=None,
              help="统计期：2010（全年）、2010-09（月）、2010Q3（季度）或 2010-01-01..2010-06-30；不写则统计全部。")
@roster_option
@click.option("--title", default=None, help="乡镇（或县）名，写进汇总表标题，如 倪家营乡。")
@jobs_option
@quiet_option
@cache_option
@click.option("--json", "as_json", is_flag=True, help="以 JSON 输出汇总数字和全部问题（给其他程序用）。")
def consolidate(paths: tuple[Path, ...], out: Path, period, roster: Path | None, title: str | None,
                jobs: int, quiet: bool, no_cache: bool, as_json: bool) -> None:
    """汇总登记簿（文件或文件夹），写出汇总表；也可把各乡镇的汇总表再汇总到县。

    \b
    退出码：0 全部计入；1 有行或文件未计入（汇总表照样写出，并在首页注明）；
            2 用法不对或无法运行（登记簿和汇总表混在一起也是 2，不写汇总表）。
    例：lianhu consolidate 收集/ -o 汇总表.xlsx --period 2010 --title 倪家营乡
        lianhu consolidate 各乡汇总/ -o 县汇总表.xlsx --period 2010 --title 临泽县
    """
    # only what a re-run with nothing changed needs, before the readers and the standard (below)
    from .cache import note_output, note_said, output_unchanged, remember_run, run_key, said_before
    from .collection import collect
    from .outputs import keep_register, not_xlsx, without_earlier_output, without_reports

    if refused := not_xlsx(out, "汇总表", "汇总表.xlsx"):
        raise click.BadParameter(refused, param_hint="-o")
    files, collect_issues = collect(list(paths))
    files = without_reports(files, collect_issues)
    # an earlier output inside the folder being consolidated is not a submission; a submission is never replaced
    replaced: list[str] = []  # the kind of an earlier 汇总表 found at -o among the inputs

    def earlier(seen) -> bool:
        kind = seen.properties.get("lianhu_totals")
        if kind:
            replaced.append(kind)
        return kind is not None

    files = without_earlier_output(files, out, paths, "汇总表", earlier)
    if not files and _all_missing(collect_issues):  # a mistyped folder: never a 汇总表 of zeros
        click.echo("没有找到任何 .xlsx 工作簿，没有写出汇总表。" + _why_none(collect_issues), err=True)
        sys.exit(EXIT_CANNOT_RUN)
    loaded = _roster(roster, quiet)
    cache = _cache(loaded, no_cache)
    options = (period, (title or "").strip(), collect_issues)
    run = run_key(cache, files, options) if cache is not None else None
    shown = "json" if as_json else "quiet" if quiet else "text"
    said = said_before(cache, run, out, shown)
    if said is not None:  # the same files, options and output as last time: the same answer, nothing read
        code, text = said
        if text:
            click.echo(text)
        sys.exit(code)
    keep_register(out, "汇总表")

    from .consolidate import consolidate as run_consolidate
    from .progress import SHOW_FROM, progress_bar
    from .totals_book import text_table, write_totals

    with progress_bar(len(files), quiet or as_json, then="已读完，正在核对和计数") as tick:
        # nothing changed since the last run with these options: its result, without reading (cache.py)
        result, run = remember_run(cache, files, options, lambda: run_consolidate(
            list(paths), period=period, roster=loaded, jobs=_jobs(jobs), progress=tick, title=title,
            files=files, collect_issues=collect_issues, cache=cache), key=run)
    if result.kind == "mixed":
        mixed = next(i for i in result.report.issues if i.code == "mixed-inputs")
        if as_json:
            _echo_json(result.to_dict(lists=False), **result.lists())
        click.echo(f"无法汇总：{mixed.message}没有写出汇总表。", err=True)
        sys.exit(EXIT_CANNOT_RUN)
    if replaced == ["books"] and result.kind == "totals":  # a township's 汇总表 among those rolled up
        from .errors import LianhuError

        raise LianhuError(f"输出的汇总表“{out}”是一份要再汇总的乡镇汇总表，写出会覆盖它，它的数字也没有计入。"
                          "请把这次的汇总表保存到别处（换个文件名或文件夹），原文件没有改动。")
    if not output_unchanged(cache, run, out):
        if not (quiet or as_json) and len(files) >= SHOW_FROM:  # a county's: a minute or more
            click.echo(f"正在写出汇总表：{out} ……", err=True)
        write_totals(result, out)
        note_output(cache, run, out)
    lines: list[str] = []
    if as_json:  # kept whole: a run with nothing changed says it again (note_said)
        from .issues import json_text

        data = result.to_dict(lists=False)
        data["output"] = str(out)
        lines.append("".join(json_text(data, **result.lists())))
    elif not quiet:
        lines += [text_table(result), "", result.headline()]
        if result.villages_left_out:
            from .consolidate import left_out_note

            lines.append(left_out_note(result.villages_left_out))
        lines += [f"  {f.status}  {f.file}：{f.why}" for f in result.report.files if f.status != "已汇总"]
        if result.kind == "totals":  # a few lines, each a township the county must ask about
            lines += [f"  警告  {i.file}  {i.message}" for i in result.report.warnings]
        if not result.complete and result.kind == "totals":
            lines.append("未计入的每份汇总表及原因见汇总表的“未计入”和“来源”工作表；"
                         "请有关乡镇改正后重新生成汇总表再报。")
        elif not result.complete:
            lines.append("未计入的每一行及原因见汇总表的“未计入”和“来源”工作表；"
                         "用 lianhu validate 可以生成问题清单退回改正。")
        if not result.title:
            lines.append("提示：标题里没有乡镇名，可加 --title（如 --title 倪家营乡）；县里汇总时按它给乡镇命名。")
        lines.append(f"汇总表已保存：{out}")
    text = "\n".join(lines)
    if text:
        click.echo(text)
    code = EXIT_OK if result.complete else EXIT_PROBLEMS
    note_said(cache, run, out, shown, code, text)
    sys.exit(code)


@cli.command()
@click.argument("folder", required=False, default="lianhu-demo", type=click.Path(path_type=Path))
@jobs_option
def demo(folder: Path, jobs: int) -> None:
    """生成演示乡镇（按报道中的倪家营乡），校验并汇总到 2010 年汇总表。

    \b
    写出各村登记簿、两名干部自己的登记簿、名册和汇总表.xlsx，
    并把汇总数字与报道对照。退出码：0 与报道一致；1 不一致（程序有误）；
    2 文件夹里已有别的文件（不覆盖，什么也不写）或无法写入。
    例：lianhu demo 演示乡
    """
    from .demo import render, run_demo

    result = run_demo(folder, jobs=_jobs(jobs))
    click.echo(render(result))
    sys.exit(EXIT_OK if result.as_designed else EXIT_PROBLEMS)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="文件或文件夹...")
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path),
              help="合并后的登记簿（.xlsx），如 下营村合并.xlsx。")
@roster_option
@jobs_option
@quiet_option
def merge(paths: tuple[Path, ...], out: Path, roster: Path | None, jobs: int, quiet: bool) -> None:
    """把几本登记簿（如各干部自己的登记簿）合并成一本，供支部提交。

    \b
    完全相同的联户卡、日记只留一份；内容冲突或有错误的行不合并，逐条列出位置。
    源文件不会被改动。退出码：0 全部合并且合并簿无错误；1 有内容未合并或有错误；2 用法不对或无法运行。
    例：lianhu merge 下营村/ -o 下营村合并.xlsx
    """
    from .merge import MergeUsageError, text_summary
    from .merge import merge as run_merge

    try:
        result = run_merge(list(paths), out, roster=_roster(roster), jobs=_jobs(jobs))
    except MergeUsageError as exc:
        raise click.UsageError(str(exc)) from None
    if not quiet:
        click.echo(text_summary(result))
    sys.exit(result.exit_code)


@cli.group()
def xl() -> None:
    """Excel/WPS 按钮：生成汇总台、准备离线安装包，以及按钮调用的命令。

    \b
    例：
      lianhu xl console -o 桌面/联户带创
      lianhu xl bundle -o 离线安装包
      lianhu doctor
    """


@xl.command("console")
@click.option("-o", "--out", "out", type=click.Path(path_type=Path), default=Path("."),
              show_default=True, help="输出文件夹（或 .xlsm 文件名）。")
@click.option("--python", "interpreter", default=None,
              help="按钮使用的 Python（写进 xlwings.conf 表）；默认是运行本命令的 Python。")
def xl_console(out: Path, interpreter: str | None) -> None:
    """生成带按钮的汇总台（联户带创汇总台.xlsm）。

    \b
    退出码：0 已生成；2 无法写出（如文件夹无法创建，或汇总台正在 Excel/WPS 中打开）。
    例：lianhu xl console -o 桌面/联户带创
    """
    from .console import build_console, console_path, default_interpreter, kept_settings

    kept = kept_settings(console_path(out))  # asked before build_console writes over it
    path = build_console(out, interpreter=interpreter)
    click.echo(f"已生成汇总台：{path}")
    if kept is not None:
        click.echo("已保留原汇总台“设置”表里填写的内容（乡镇名称、收集文件夹、统计期、输出文件夹、名册）；"
                   "原来“汇总”“问题清单”“来源”表里的结果不再保留，点按钮即可重新生成。")
    click.echo(f"按钮使用的 Python：{interpreter or default_interpreter()[0]}")


@xl.command("run")
@click.argument("action", type=click.Choice(["template", "validate", "consolidate"]))
@click.option("--book", required=True, type=click.Path(path_type=Path), help="已保存的汇总台 .xlsm。")
@click.option("--result-file", type=click.Path(path_type=Path), help="把结果写到这个文本文件（给按钮读）。")
def xl_run(action: str, book: Path, result_file: Path | None) -> None:
    """按汇总台“设置”表执行一个按钮的操作（WPS 或没有 xlwings 时按钮调用它）。

    \b
    退出码：0 完成，没有错误；1 完成，但有错误（行未计入或需改正）；2 设置不对或无法运行。
    例：lianhu xl run consolidate --book 联户带创汇总台.xlsm
    """
    from .xl import run_file

    outcome = run_file(action, book, result_file)
    click.echo(outcome.message)
    sys.exit({"ok": EXIT_OK, "problems": EXIT_PROBLEMS}.get(outcome.status, EXIT_CANNOT_RUN))


@xl.command("bundle")
@click.option("-o", "--out", "out", required=True, type=click.Path(path_type=Path),
              help="离线安装包的文件夹。")
@click.option("--python-version", default="3.11", show_default=True, help="目标电脑的 Python 版本。")
@click.option("--python-installer", type=click.Path(path_type=Path, dir_okay=False),
              help="一并放进安装包的 Python 安装程序（python-3.11.x-amd64.exe）。")
def xl_bundle(out: Path, python_version: str, python_installer: Path | None) -> None:
    """准备 Windows 64 位电脑用的离线安装包（在能上网的电脑上运行）。

    \b
    退出码：0 已准备好；2 无法完成（如 pip 下载失败、找不到 Python 安装程序）。
    例：lianhu xl bundle -o 离线安装包 --python-installer python-3.11.9-amd64.exe
    """
    from .bundle import build_bundle

    result = build_bundle(out, python_version=python_version, python_installer=python_installer)
    click.echo(result.summary())


@cli.command(short_help="检查本机安装（Python、xlwings、Excel/WPS 等），并说明怎么修。")
@click.option("--book", type=click.Path(path_type=Path), help="再检查一个汇总台 .xlsm。")
def doctor(book: Path | None) -> None:
    """检查本机安装：Python、lianhu、xlwings 及其 VBA、Excel/WPS、LibreOffice，并说明怎么修。

    \b
    退出码：0 必需的项目都正常；1 有必需的项目要处理（每项写明怎么办）。
    """
    from .doctor import diagnose, render

    checks = diagnose(book)
    click.echo(render(checks))
    sys.exit(EXIT_OK if all(c.ok or not c.needed for c in checks) else EXIT_PROBLEMS)


def linkers_by_file(result) -> dict[str, str]:
    """File -> its cards' 联系人, in row order."""
    out: dict[str, list[str]] = {b.summary.file: [] for b in result.books}
    for file, linker in result.store.query(
            "SELECT s.file, t.linker FROM card t JOIN sheet s ON s.id = t.sheet WHERE t.rejected = 0 "
            "ORDER BY s.id, t.row"):
        names = out.setdefault(file, [])
        if linker not in names:
            names.append(linker)
    return {f: "、".join(n) for f, n in out.items()}


def _echo_json(head: dict, **lists: object) -> None:
    """``--json`` written as it is made (``issues.json_text``), a thousand pieces at a time:
    a county's issues are never all held as dicts and one string."""
    from itertools import islice

    from .issues import json_text

    pieces = json_text(head, **lists)  # type: ignore[arg-type]
    while text := "".join(islice(pieces, 1000)):
        click.echo(text, nl=False)
    click.echo()


def _jobs(jobs: int) -> int:
    from .batch import default_jobs

    return jobs or default_jobs()


def main() -> None:  # pragma: no cover - the console script
    cli()
