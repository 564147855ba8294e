"""The totals workbook (汇总表) a township prints and passes up to the county.

Sheet ``汇总`` holds exactly the standard's columns: counts as numbers, rates as
fractions shown as percentages (empty when the denominator is 0), a title
naming the township and the period, one row per unit and the ``合计``; when
anything was left out, the line above the table says so. ``来源`` and
``未计入`` trace every figure to its files and rows; 按月, 三个一, 三个一按人,
问题 and 联户清单 (the merged cards) are what a township works with; 图表 draws households by type
and interviews by month; 计入明细 lists every counted diary row, so each figure can be checked. Every sheet prints on A4 landscape, one page wide,
titles repeated. Text typed by cadres is written as text, never as a formula;
ID numbers and phones only masked. A list longer than an Excel sheet holds (1,048,576 rows)
goes on to follow-on sheets right after it (未计入(2), …), and its first sheet says where.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from pathlib import Path

from . import fast_rows, seal
from .atomic import write_atomic
from .consolidate import (
    BUCKET_RANK,
    DUPLICATE,
    ENTRY_LIMIT,
    EXCLUDED,
    HEADER,
    NOT_READ,
    NOTE_PREFIX,
    OUT_OF_PERIOD,
    TOTALS_COLUMNS,
    TOTALS_ROW,
    CardLine,
    Consolidation,
    UnitTotals,
    fen,
    left_out_note,
    team_order,
)
from .errors import LianhuError
from .fast_rows import SheetRows, Widths, number_styles
from .period import month_label
from .standard import STANDARD_VERSION
from .store import StoredList
from .xl_text import new_workbook, text_width

SUMMARY_SHEET = "汇总"
CARD_LIST_SHEET = "联户清单"  # never 联户卡: the roll-up must not read it as a standard book
HEADER_ROW = 3  # 0-based: title, period line, status line, header
FAST_ROWS = True  # the long sheets' rows as XML text (fast_rows); False: cell by cell through XlsxWriter
NOTE = ("说明：转化率＝转化户数÷思想保守户数；访谈达标率＝实访谈月数÷应访谈月数；"
        "日记达标率＝实记日记月数÷应记日记月数；分母为 0 时留空。各级合计的比率都由合计的户数、月数重新计算，不取平均。")


def write_totals(c: Consolidation, path: Path) -> Path:
    """Write the totals workbook atomically (whole or not at all)."""
    if c.kind == "mixed":
        raise LianhuError("登记簿和汇总表混在一起，无法汇总，没有写出汇总表。")
    return write_atomic(Path(path), lambda tmp: _write(c, tmp))


class _Styles:
    def __init__(self, wb) -> None:
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        cell = {**base, "border": 1}
        add = wb.add_format
        self.title = add({**base, "bold": True, "font_size": 16, "align": "center"})
        self.sub = add({**base, "font_color": "#404040"})
        self.sub_right = add({**base, "font_color": "#404040", "align": "right"})
        self.ok = add({**base, "font_color": "#375623"})
        self.alert = add({**base, "bold": True, "font_color": "#C00000", "bg_color": "#FCE4D6",
                          "text_wrap": True})
        self.header = add({**cell, "bold": True, "bg_color": "#DDEBF7", "align": "center",
                           "text_wrap": True})
        self.text = add({**cell})
        self.wrap = add({**cell, "text_wrap": True})
        self.center = add({**cell, "align": "center"})
        self.count = add({**cell, "num_format": "#,##0"})
        self.money = add({**cell, "num_format": "#,##0"})
        self.money2 = add({**cell, "num_format": "#,##0.00"})
        self.rate = add({**cell, "num_format": "0.0%"})
        self.date = add({**cell, "num_format": "yyyy-mm-dd", "align": "center"})
        total = {**cell, "bold": True, "top": 2, "bg_color": "#F2F2F2"}
        self.total_text = add({**total, "align": "center"})
        self.total_count = add({**total, "num_format": "#,##0"})
        self.total_money = add({**total, "num_format": "#,##0"})
        self.total_money2 = add({**total, "num_format": "#,##0.00"})
        self.total_rate = add({**total, "num_format": "0.0%"})
        self.short = add({**cell, "bg_color": "#FCE4D6"})
        self.short_wrap = add({**cell, "bg_color": "#FCE4D6", "text_wrap": True, "valign": "top"})
        self.open = add({**cell, "bg_color": "#FFF2CC"})
        self.note = add({**base, "font_color": "#595959", "text_wrap": True, "valign": "top"})
        self.section = add({**base, "bold": True, "font_size": 12})
        self.small = add({**cell, "font_size": 7, "font_name": "Courier New"})
        big = {**base, "font_size": 11}
        self.s_text = add({**big, "border": 1})
        self.s_header = add({**big, "border": 1, "bold": True, "bg_color": "#DDEBF7", "align": "center",
                             "text_wrap": True})
        self.s_count = add({**big, "border": 1, "num_format": "#,##0"})
        self.s_money2 = add({**big, "border": 1, "num_format": "#,##0.00"})
        self.s_rate = add({**big, "border": 1, "num_format": "0.0%"})
        s_total = {**big, "border": 1, "bold": True, "top": 2, "bg_color": "#F2F2F2"}
        self.s_total_text = add({**s_total, "align": "center"})
        self.s_total_count = add({**s_total, "num_format": "#,##0"})
        self.s_total_money2 = add({**s_total, "num_format": "#,##0.00"})
        self.s_total_rate = add({**s_total, "num_format": "0.0%"})
        number_styles(vars(self).values())  # style ids in this order, whichever way rows are written


def _write(c: Consolidation, tmp: Path) -> None:
    # constant_memory: each row goes to a temporary file as soon as the next one starts, so a
    # county's 汇总表 is not held cell by cell until close(). Every sheet below therefore
    # writes its rows top to bottom (a cell or set_row above the last row written is dropped).
    wb = new_workbook(tmp, constant_memory=True)
    wb.set_properties({"title": c.heading, "subject": "联户带创汇总表", "author": "lianhu_xl"})
    wb.set_custom_property("lianhu_standard", STANDARD_VERSION)
    wb.set_custom_property("lianhu_totals", c.kind)
    span = (c.period.start, c.period.end) if c.period is not None else None
    wb.set_custom_property(seal.PROPERTY, seal.seal((u.counts().values() for u in c.units),
                                                    c.total.counts().values(), span))
    st = _Styles(wb)
    last_unit_row = _summary(wb, st, c)
    _sources(wb, st, c)
    _excluded(wb, st, c)
    month_rows = None
    if c.kind == "books":
        month_rows = _by_month(wb, st, c)
        _three_ones(wb, st, c)
        _three_ones_by_linker(wb, st, c)
        _problems(wb, st, c)
        _cards(wb, st, c)
    _charts(wb, c, last_unit_row, month_rows)
    if c.kind == "books":
        _entries(wb, st, c)
    wb.close()


def _page(ws, header_row: int, last_col: int, title: str, widths: list[float] | None = None,
          freeze: bool = True) -> None:
    """A4 landscape, one page wide, header rows repeated, page numbers at the foot."""
    if widths:
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
    ws.set_paper(9)
    ws.set_landscape()
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.center_horizontally()
    ws.repeat_rows(0, header_row)
    ws.fit_to_pages(1, 0)
    ws.set_footer(f"&L{_footer_text(title)}&R第 &P 页，共 &N 页")
    if freeze:
        ws.freeze_panes(header_row + 1, 0)


def _per_line(column_width: float) -> int:
    """Text width one line of a wrapped cell of this column holds (see ``_height``)."""
    return max(int(column_width * 1.1), 1)


def _lines(width: int, per_line: int) -> int:
    """Lines a text of this width takes in a wrapped cell (``_per_line`` of its column)."""
    return -(-width // per_line)


def _height(*lines: int) -> float | None:
    """The height a row needs for its wrapped text, given each cell's ``_lines`` (XlsxWriter
    cannot measure, and LibreOffice and WPS keep the stored height); None for one line."""
    most = max(lines)
    return 13.5 * most + 2 if most > 1 else None


class _Heights:
    """``_height`` of a row from the texts of its wrapped cells (columns holding ``per_line`` each),
    remembered per combination: 三个一 and 问题 repeat a few hundred over tens of thousands of rows.
    Forgets everything past ``limit`` combinations, as ``Widths`` does."""

    def __init__(self, *per_line: int, limit: int = 10_000) -> None:
        self.per_line, self.limit = per_line, limit
        self.width = Widths()
        self.seen: dict[tuple[str, ...], float | None] = {}

    def __call__(self, *texts: str) -> float | None:
        try:
            return self.seen[texts]
        except KeyError:
            pass
        height = _height(*(_lines(self.width(t), n) for t, n in zip(texts, self.per_line, strict=True)))
        if len(self.seen) >= self.limit:
            self.seen.clear()
        self.seen[texts] = height
        return height


def _rows(wb, st: _Styles, c: Consolidation, ws, first_row: int, cols: list[str], what: str) -> SheetRows:
    """Where a long sheet's data rows go (fast_rows): add them, write the rows above, finish.
    Rows past Excel's last row go on follow-on sheets “名称(2)”, “名称(3)”, … (``fast_rows.part_name``),
    each with the title, a line saying which list it continues, and the header."""
    name, last = ws.name, len(cols) - 1

    def follow_on(n: int):
        more = wb.add_worksheet(fast_rows.part_name(name, n))
        _title(more, st, c, f"{what}（续{n}）", last)
        more.merge_range(1, 0, 1, last, f"接“{fast_rows.part_name(name, n - 1)}”表：“{name}”一张表放不下"
                         f"（Excel 一张表最多 {fast_rows.ROWMAX:,} 行），这是第 {n} 张。", st.sub)
        for col, label in enumerate(cols):
            more.write_string(2, col, label, st.header)
        more.set_row(2, 30)
        return more, 3

    return SheetRows(ws, first_row, last, follow_on, fast=FAST_ROWS)


def _continued(out: SheetRows) -> str:
    """The words for the first sheet when its list goes on to follow-on sheets ("" when not)."""
    sheets = out.sheets
    if len(sheets) == 1:
        return ""
    here = sheets[0][2]
    names = "、".join(f"“{ws.name}”" for ws, _, _ in sheets[1:])
    return (f"Excel 一张表最多 {fast_rows.ROWMAX:,} 行：这张表列出前 {here:,} 行，"
            f"其余 {out.count - here:,} 行接在{names}表。")


def _follow_on_pages(out: SheetRows, cols: list[str], widths: list[float], autofilter: bool = True) -> None:
    """Page setup (and the filter) of the follow-on sheets, as on the first."""
    for ws, first, rows in out.sheets[1:]:
        _page(ws, first - 1, len(cols) - 1, ws.name, widths)
        if autofilter:
            ws.autofilter(first - 1, 0, first - 1 + rows, len(cols) - 1)


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")[:60]


def _title(ws, st: _Styles, c: Consolidation, text: str, last_col: int) -> None:
    ws.merge_range(0, 0, 0, last_col, text, st.title)
    ws.set_row(0, 26)


def _unit_row(ws, st: _Styles, r: int, u: UnitTotals, total: bool = False) -> None:
    ws.write_string(r, 0, u.unit, st.s_total_text if total else st.s_text)
    for col, column in enumerate(TOTALS_COLUMNS, start=1):
        value = u.value(column)
        if column.kind == "rate":
            fmt = st.s_total_rate if total else st.s_rate
            if value is None:
                ws.write_blank(r, col, None, fmt)
            else:
                ws.write_number(r, col, value, fmt)
        elif column.kind == "money":
            whole = float(value or 0).is_integer()
            fmt = (st.s_total_count if whole else st.s_total_money2) if total else (
                st.s_count if whole else st.s_money2)
            ws.write_number(r, col, value or 0, fmt)
        else:
            ws.write_number(r, col, value or 0, st.s_total_count if total else st.s_count)
    ws.set_row(r, 20)


def _summary(wb, st: _Styles, c: Consolidation) -> int:
    ws = wb.add_worksheet(SUMMARY_SHEET)
    last = len(HEADER) - 1
    _title(ws, st, c, c.heading, last)
    ws.merge_range(1, 0, 1, 10, c.span_text, st.sub)
    ws.merge_range(1, 11, 1, last, f"制表日期：{c.today.isoformat()}　文件 {len(c.report.files)} 个", st.sub_right)
    headline = c.headline()
    if not headline.startswith(NOTE_PREFIX):
        ws.merge_range(2, 0, 2, last, headline, st.ok)
    else:
        ws.merge_range(2, 0, 2, last, headline, st.alert)
        ws.set_row(2, 30)
    for col, label in enumerate(HEADER):
        ws.write_string(HEADER_ROW, col, label, st.s_header)  # exact labels: clerks look them up
    ws.set_row(HEADER_ROW, 44)
    r = HEADER_ROW + 1
    for u in c.units:
        _unit_row(ws, st, r, u)
        r += 1
    last_unit_row = r - 1
    _unit_row(ws, st, r, c.total, total=True)
    ws.merge_range(r + 2, 0, r + 3, last, NOTE, st.note)
    if c.villages_left_out:  # their rows of zeros are no village with nothing to count
        note = left_out_note(c.villages_left_out)
        ws.merge_range(r + 4, 0, r + 5, last, note, st.alert)
        lines = -(-text_width(note) // 140)  # the merged width holds ~140 half-width characters a line
        if lines > 2:  # several villages: the two rows grow, so that nothing is cut off in print
            ws.set_row(r + 4, 14 * lines / 2)
            ws.set_row(r + 5, 14 * lines / 2)
    widths = [12] + [7.5 if col.kind != "money" else 11 for col in TOTALS_COLUMNS]
    _page(ws, HEADER_ROW, last, c.heading, widths)
    ws.activate()
    return last_unit_row


def _sources(wb, st: _Styles, c: Consolidation) -> None:
    ws = wb.add_worksheet("来源")
    cols = ["文件", "SHA-256", "模板版本", "联户卡行数", "联户日记行数", "错误数", "警告数", "状态", "说明",
            "计入行数", "重复行数", "未计入行数", "统计期外行数", "合计行"]
    what = f"{c.heading} · 来源文件"
    header = 2
    width, file_line, why_line = Widths(), _per_line(28), _per_line(36)
    with _rows(wb, st, c, ws, header + 1, cols, what) as rows:
        counts = (st.count,) * 4
        ok = rows.layout("sssnnnnssnnnnn", (st.wrap, st.small, st.center, *counts, st.center, st.wrap,
                                             *counts, st.count))
        bad = rows.layout("sssnnnnssnnnnn", (st.short_wrap, st.small, st.center, *counts, st.short, st.wrap,
                                              *counts, st.count))
        for f in c.report.files:
            acc = c.accounts.get(f.file)
            values = ((acc.counted, acc.duplicate, acc.excluded, acc.out_of_period, acc.totals_rows)
                      if acc else (0, 0, 0, 0, 0))
            rows.add(ok if f.status in ("已汇总", "已跳过") else bad,
                     (f.file, f.sha256, f.template_version or ("汇总表" if f.kind == "totals" else ""),
                      f.card_rows, f.diary_rows, f.errors, f.warnings, f.status, f.why, *values),
                     _height(_lines(width(f.file), file_line), _lines(width(f.why), why_line)))
        _title(ws, st, c, what, len(cols) - 1)
        ws.merge_range(1, 0, 1, len(cols) - 1,
                       "每个文件读了多少行、计入多少行；读入行数＝计入＋重复（已计一次）＋未计入＋统计期外＋合计行。"
                       + _continued(rows), st.sub)
        for col, label in enumerate(cols):
            ws.write_string(header, col, label, st.header)
        ws.set_row(header, 30)
        rows.finish()
    widths = [28, 47, 7, 7, 7, 6, 6, 8, 36, 7, 7, 7, 7, 6]
    _page(ws, header, len(cols) - 1, "来源", widths)
    _follow_on_pages(rows, cols, widths, autofilter=False)


def _excluded(wb, st: _Styles, c: Consolidation) -> None:
    ws = wb.add_worksheet("未计入")
    cols = ["类别", "文件", "工作表", "行", "单元格", "原因"]
    header = 2
    rows = (c.excluded.ordered("bucket_rank, file, sheet, row, rowid") if isinstance(c.excluded, StoredList)
            else sorted(c.excluded, key=lambda e: (BUCKET_RANK.get(e.bucket, 9), e.file, e.sheet, e.row)))
    counts = dict.fromkeys(BUCKET_RANK, 0)
    width, file_line, reason_line = Widths(), _per_line(28), _per_line(80)
    what = f"{c.heading} · 未计入的行"
    with _rows(wb, st, c, ws, header + 1, cols, what) as out:
        layouts = {(bucket, numbered): out.layout("sss" + ("n" if numbered else "b") + "ss",
                                                  (fmt, st.wrap, st.text, st.center, st.text, st.wrap))
                   for bucket, fmt in ((True, st.short), (False, st.text)) for numbered in (True, False)}
        for e in rows:  # one pass: the counts go in the line above the table
            if e.bucket in counts:
                counts[e.bucket] += 1
            out.add(layouts[(e.bucket == EXCLUDED, bool(e.row))], (e.bucket, e.file, e.sheet, e.row, e.cell, e.reason),
                    _height(_lines(width(e.file), file_line), _lines(width(e.reason), reason_line)))
        unread = c.unread
        for i in unread:  # after the rows: a whole file or sheet, its reason as the clerk was told
            out.add(layouts[(True, False)], (NOT_READ, i.file, i.sheet or "", None, i.cell or "", i.message),
                    _height(_lines(width(i.file), file_line), _lines(width(i.message), reason_line)))
        _title(ws, st, c, what, len(cols) - 1)
        line = (f"有错误未计入 {counts[EXCLUDED]} 行；重复（已计一次）{counts[DUPLICATE]} 行；"
                f"统计期外 {counts[OUT_OF_PERIOD]} 行；合计行 {counts[TOTALS_ROW]} 行"
                + (f"；整个未读取的文件或工作表 {len(unread)} 个" if unread else "") + "。" + _continued(out))
        ws.merge_range(1, 0, 1, len(cols) - 1, line, st.alert if counts[EXCLUDED] or unread else st.sub)
        for col, label in enumerate(cols):
            ws.write_string(header, col, label, st.header)
        written = out.finish()
    if not written:
        ws.merge_range(header + 1, 0, header + 1, len(cols) - 1, "没有未计入的行。", st.text)
    widths = [10, 28, 9, 6, 9, 80]
    _page(ws, header, len(cols) - 1, "未计入", widths)
    _follow_on_pages(out, cols, widths, autofilter=False)


def _by_month(wb, st: _Styles, c: Consolidation) -> tuple[int, int, list[str], list[int]]:
    """The whole by month (the chart reads it), then one table per measure:
    units down, months across. Returns the chart's rows and what they hold."""
    ws = wb.add_worksheet("按月")
    measures = [("入户访谈", "interviews"), ("日记条数", "entries"), ("提供服务", "services"),
                ("解决主要问题", "solved")]
    months = c.month_list()
    for row in c.months:
        if row.month not in months:
            months.append(row.month)
    months.sort()
    last_col = max(len(months) + 1, len(measures))
    _title(ws, st, c, f"{c.heading} · 按月", last_col)
    header = 1
    for col, label in enumerate(["月份"] + [m for m, _ in measures]):
        ws.write_string(header, col, label, st.header)
    totals = {m: [0] * len(measures) for m in months}
    by_unit: dict[tuple[str, tuple[int, int]], object] = {}
    for row in c.months:
        by_unit[(row.unit, row.month)] = row
        for i, (_, attr) in enumerate(measures):
            totals[row.month][i] += getattr(row, attr)
    r = header + 1
    first = r
    for month in months:
        ws.write_string(r, 0, month_label(month), st.center)
        for col, v in enumerate(totals[month], start=1):
            ws.write_number(r, col, v, st.count)
        r += 1
    last = r - 1
    ws.write_string(r, 0, "合计", st.total_text)
    for col in range(len(measures)):
        ws.write_number(r, col + 1, sum(t[col] for t in totals.values()), st.total_count)
    units = [u.unit for u in c.units]
    for label, attr in measures:
        r += 2
        ws.write_string(r, 0, f"{label}：各单位按月", st.section)
        r += 1
        ws.write_string(r, 0, "单位", st.header)
        for col, month in enumerate(months, start=1):
            ws.write_string(r, col, f"{month[1]}月" if len({y for y, _ in months}) == 1 else month_label(month),
                            st.header)
        ws.write_string(r, len(months) + 1, "合计", st.header)
        for unit in units:
            r += 1
            ws.write_string(r, 0, unit, st.text)
            values = [getattr(by_unit[(unit, m)], attr) if (unit, m) in by_unit else 0 for m in months]
            for col, v in enumerate(values, start=1):
                ws.write_number(r, col, v, st.count)
            ws.write_number(r, len(months) + 1, sum(values), st.total_count)
        r += 1
        ws.write_string(r, 0, "合计", st.total_text)
        for col, m in enumerate(months, start=1):
            ws.write_number(r, col, totals[m][measures.index((label, attr))], st.total_count)
        ws.write_number(r, len(months) + 1, sum(t[measures.index((label, attr))] for t in totals.values()),
                        st.total_count)
    _page(ws, 0, last_col, "按月", [12] + [9] * (last_col), freeze=False)
    return first, last, [month_label(m) for m in months], [totals[m][0] for m in months]


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


def _three_ones(wb, st: _Styles, c: Consolidation) -> None:
    ws = wb.add_worksheet("三个一")
    cols = ["村", "联系人", "联系人类别", "职务", "卡号", "户主", "联系户类型", "结对日期",
            "应访谈月数", "实访谈月数", "应记日记月数", "实记日记月数", "本年解决主要问题", "达标", "差距"]
    header = 2
    rows = (c.cards.ordered("village, linker, card_no") if isinstance(c.cards, StoredList)
            else sorted(c.cards, key=lambda x: (x.village, x.linker, x.card_no)))
    short = 0
    height = _Heights(_per_line(50), _per_line(10))  # 差距, 职务
    what = f"{c.heading} · “三个一”落实情况（按联户卡）"
    with _rows(wb, st, c, ws, header + 1, cols, what) as out:
        start = (st.text,) * 7 + (st.date,) + (st.count,) * 4
        layouts = {(solved, meets): out.layout("sssssssdnnnnsss", (*start, st.center if solved else st.short,
                                                                   st.center if meets else st.short, st.wrap))
                   for solved in (True, False) for meets in (True, False)}
        for x in rows:  # one pass: the count short of 三个一 goes in the line above the table
            meets, solved, shortfall = x.meets, x.solved_this_year, x.shortfall
            short += not meets
            out.add(layouts[(solved or not x.requires_solved, meets)],
                    (x.village, x.linker, x.linker_kind, x.position, x.card_no, x.head, x.household_type,
                     x.link_date, x.interview_expected, x.interview_met, x.diary_expected, x.diary_met,
                     _yes(solved), _yes(meets), shortfall),
                    height(shortfall, x.position))
        _title(ws, st, c, what, len(cols) - 1)
        rule = ("达标：应访谈的每个月都有入户访谈、每个月都有日记"
                + ("，且本年至少解决一个主要问题" if c.period is None or c.period.is_year else
                   "（统计期不是整年，“本年解决主要问题”只供参考，不影响达标）"))
        ws.merge_range(1, 0, 1, len(cols) - 1,
                       f"{rule}。共 {len(c.cards)} 户，未达标 {short} 户（标红）。" + _continued(out),
                       st.alert if short else st.sub)
        for col, label in enumerate(cols):
            ws.write_string(header, col, label, st.header)
        ws.set_row(header, 30)
        out.finish()
    widths = [9, 8, 8, 10, 12, 8, 10, 11, 7, 7, 7, 7, 7, 5, 50]
    _page(ws, header, len(cols) - 1, "三个一", widths)
    ws.autofilter(header, 0, header + max(out.sheets[0][2], 1), len(cols) - 1)
    _follow_on_pages(out, cols, widths)


def _three_ones_by_linker(wb, st: _Styles, c: Consolidation) -> None:
    ws = wb.add_worksheet("三个一按人")
    cols = ["村", "联系人", "联系人类别", "职务", "联系户数", "达标户数", "应访谈月数", "实访谈月数",
            "应记日记月数", "实记日记月数", "本年解决主要问题户数", "达标"]
    what = f"{c.heading} · “三个一”落实情况（按联系人，供评议定格参考）"
    header = 1
    with _rows(wb, st, c, ws, header + 1, cols, what) as out:
        layouts = {meets: out.layout("ssssnnnnnnns", (*(st.text,) * 4, *(st.count,) * 7,
                                                      st.center if meets else st.short))
                   for meets in (True, False)}
        for x in c.linkers():
            out.add(layouts[x.meets], (x.village, x.linker, x.linker_kind, x.position, x.cards, x.cards_met,
                                       x.interview_expected, x.interview_met, x.diary_expected, x.diary_met,
                                       x.cards_solved, _yes(x.meets)))
        _title(ws, st, c, what + _continued(out), len(cols) - 1)
        for col, label in enumerate(cols):
            ws.write_string(header, col, label, st.header)
        ws.set_row(header, 30)
        out.finish()
    widths = [10, 10, 10, 12, 8, 8, 8, 8, 8, 8, 10, 6]
    _page(ws, header, len(cols) - 1, "三个一按人", widths)
    _follow_on_pages(out, cols, widths, autofilter=False)


def _problems(wb, st: _Styles, c: Consolidation) -> None:
    ws = wb.add_worksheet("问题")
    cols = ["办理结果", "村", "社", "卡号", "户主", "责任人", "职务", "发现问题", "主要问题",
            "解决办法", "首次记录", "最近记录"]
    header = 2
    still_open = 0
    height = _Heights(_per_line(30), _per_line(26), _per_line(10))  # 发现问题, 解决办法, 职务
    what = f"{c.heading} · 发现的问题（未办结的在前）"
    with _rows(wb, st, c, ws, header + 1, cols, what) as out:
        layouts = {is_open: out.layout("ssssssssssdd", (*(st.open if is_open else st.text,) * 7, st.wrap, st.center,
                                                        st.wrap, st.date, st.date))
                   for is_open in (True, False)}
        for p in c.problems:  # one pass: the count still open goes in the line above the table
            is_open = p.open
            still_open += is_open
            out.add(layouts[is_open], (p.result, p.village, p.team, p.card_no, p.head, p.linker, p.position,
                                       p.problem, _yes(p.is_main), p.solution, p.first_date, p.last_date),
                    height(p.problem, p.solution, p.position))
        _title(ws, st, c, what, len(cols) - 1)
        ws.merge_range(1, 0, 1, len(cols) - 1,
                       f"共 {len(c.problems)} 个问题，其中正在办理或未解决 {still_open} 个（标黄）。" + _continued(out),
                       st.sub)
        for col, label in enumerate(cols):
            ws.write_string(header, col, label, st.header)
        out.finish()
    widths = [9, 9, 6, 12, 8, 10, 10, 30, 6, 26, 11, 11]
    _page(ws, header, len(cols) - 1, "问题", widths)
    if out.count:
        ws.autofilter(header, 0, header + out.sheets[0][2], len(cols) - 1)
    _follow_on_pages(out, cols, widths)


def _listed_cards(c: Consolidation) -> Iterator[tuple[CardLine, bool]]:
    """The counted cards and, among them in the same order (村, 社, 卡号), the cards linked after
    the period's end whose diary rows inside it are counted (late: True)."""
    if not c.late_cards:
        return ((x, False) for x in c.cards)
    late = sorted(c.late_cards, key=_card_order)
    return heapq.merge(((x, False) for x in c.cards), ((x, True) for x in late), key=lambda p: _card_order(p[0]))


def _card_order(x: CardLine) -> tuple[str, str, str]:
    """村, 社 (一社 < 二社 < 十社), 卡号: the order of ``Consolidation.cards`` (its SQL team_sort)."""
    n, team = team_order(x.team)
    return x.village, f"{n:06d}{team}", x.card_no


def _converted(x: CardLine) -> str:
    """是否转化 as the 汇总 counts it: only a 思想保守户's (on another household it is a warning,
    and blank here, so that the column's 是 add up to 转化户数)."""
    return "" if x.converted is None or x.household_type != "思想保守户" else _yes(x.converted)


def _cards(wb, st: _Styles, c: Consolidation) -> None:
    """The merged cards with each one's counts. 户数 and 应访谈月数 say what each card adds to the
    汇总: a card linked after the period's end adds its visits in the period, not a household
    (its 备注 says so), so that the columns add up to the 汇总 row."""
    ws = wb.add_worksheet(CARD_LIST_SHEET)
    cols = ["村", "社", "卡号", "户主", "联系户类型", "联系人", "联系人类别", "职务", "结对日期", "身份证号",
            "联系电话", "户数", "应访谈月数", "入户访谈", "日记条数", "提供服务", "解决主要问题", "办实事",
            "担保贷款(元)", "帮耕帮畜", "是否转化", "出处", "备注"]
    what = f"{c.heading} · 联户卡（合并，身份证号和电话已遮盖）"
    if c.late_cards:
        what += f"；含 {len(c.late_cards)} 张结对日期在统计期之后、期内有日记的卡（户数计 0，见备注）"
    late_note = (f"结对日期在统计期末（{c.period.end.isoformat()}）之后：户数和应访谈月数不计，期内日记照计"
                 if c.period is not None else "")
    header = 1
    width, where_line, position_line, note_line = Widths(), _per_line(36), _per_line(9), _per_line(24)
    with _rows(wb, st, c, ws, header + 1, cols, what) as out:
        layouts = {(whole, late): out.layout("ssssssssdssnnnnnnnnnsss", (
            *(st.text,) * 8, st.date, st.text, st.text, *(st.count,) * 7, st.money if whole else st.money2,
            st.count, st.center, st.wrap, st.short_wrap if late else st.wrap))
                   for whole in (True, False) for late in (True, False)}
        for x, late in _listed_cards(c):
            row = str(x.row)
            where = width(x.file) + 5 + len(row)  # text_width(f"{file} 第{row}行"), each line unique
            note = late_note if late else ""
            out.add(layouts[(float(x.loans).is_integer(), late)],
                    (x.village, x.team, x.card_no, x.head, x.household_type, x.linker, x.linker_kind, x.position,
                     x.link_date, x.id_masked, x.phone_masked, 0 if late else 1, x.interview_expected,
                     x.interviews, x.entries, x.services, x.solved, x.deeds, fen(x.loans), x.plough,
                     _converted(x), f"{x.file} 第{row}行", note),
                    _height(_lines(where, where_line), _lines(width(x.position), position_line),
                            _lines(width(note), note_line) if note else 1))
        _title(ws, st, c, what + _continued(out), len(cols) - 1)
        for col, label in enumerate(cols):
            ws.write_string(header, col, label, st.header)
        ws.set_row(header, 30)
        out.finish()
    widths = [9, 6, 12, 8, 10, 8, 8, 9, 11, 19, 13, 5, 7, 7, 7, 7, 7, 6, 10, 7, 6, 36, 24]
    _page(ws, header, len(cols) - 1, CARD_LIST_SHEET, widths)
    if out.count:
        ws.autofilter(header, 0, header + out.sheets[0][2], len(cols) - 1)
    _follow_on_pages(out, cols, widths)


def _entries(wb, st: _Styles, c: Consolidation) -> None:
    """Every counted diary row and what it counted toward (filter by 村 to check a figure)."""
    ws = wb.add_worksheet("计入明细")
    cols = ["村", "卡号", "日期", "形式", "入户访谈", "提供服务", "解决主要问题", "办实事", "担保贷款(元)",
            "帮耕帮畜", "文件", "工作表", "行"]
    what = f"{c.heading} · 计入汇总的日记（每行一条）"
    header = 1
    entries = c.entries
    if c.entry_count > ENTRY_LIMIT:  # counting kept the count only (consolidate.ENTRY_LIMIT)
        entries = []
    with _rows(wb, st, c, ws, header + 1, cols, what) as out:
        layouts = {whole: out.layout("ssdsnnnnnnssn", (st.text, st.text, st.date, st.text, *(st.count,) * 4,
                                                       st.money if whole else st.money2, st.count, st.text,
                                                       st.text, st.center))
                   for whole in (True, False)}
        for e in entries:
            out.add(layouts[float(e.loans).is_integer()],
                    (e.village, e.card_no, e.day, e.form, int(e.interview), int(e.service), int(e.solved), e.deeds,
                     fen(e.loans), e.plough, e.file, e.sheet, e.row))
        _title(ws, st, c, what + _continued(out), len(cols) - 1)
        for col, label in enumerate(cols):
            ws.write_string(header, col, label, st.header)
        if c.entry_count > ENTRY_LIMIT:
            ws.merge_range(header + 1, 0, header + 1, len(cols) - 1,
                           f"共 {c.entry_count} 条日记计入汇总，超过 {ENTRY_LIMIT} 条，这里不逐条列出；"
                           "请按村分别汇总后查看各村的计入明细。", st.alert)
        out.finish()
    widths = [9, 12, 11, 9, 7, 7, 8, 6, 10, 7, 30, 9, 6]
    _page(ws, header, len(cols) - 1, "计入明细", widths)
    if out.count:
        ws.autofilter(header, 0, header + out.sheets[0][2], len(cols) - 1)
    _follow_on_pages(out, cols, widths)


def _charts(wb, c: Consolidation, last_unit_row: int,
            month_rows: tuple[int, int, list[str], list[int]] | None) -> None:
    """Two charts. Each series also carries its figures (``*_data``): in constant_memory
    mode XlsxWriter cannot read them back from the sheet, and a chart without them shows
    nothing (or numbers for village names) until a program recalculates it."""
    ws = wb.add_worksheet("图表")
    ws.write_string(0, 0, f"{c.heading} · 图表")
    first = HEADER_ROW + 1
    if c.units:
        chart = wb.add_chart({"type": "column"})
        for col, color in ((1, "#2E75B6"), (2, "#ED7D31"), (3, "#70AD47")):
            chart.add_series({
                "name": [SUMMARY_SHEET, HEADER_ROW, col],
                "categories": [SUMMARY_SHEET, first, 0, last_unit_row, 0],
                "values": [SUMMARY_SHEET, first, col, last_unit_row, col],
                "name_data": [HEADER[col]],
                "categories_data": [u.unit for u in c.units],
                "values_data": [u.value(TOTALS_COLUMNS[col - 1]) or 0 for u in c.units],
                "fill": {"color": color},
                "data_labels": {"value": True},
            })
        chart.set_title({"name": "各单位联系户（按类型）"})
        chart.set_y_axis({"major_gridlines": {"visible": True}})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 900, "height": 340})
        ws.insert_chart(2, 0, chart)
    if month_rows is not None and month_rows[1] >= month_rows[0]:
        chart = wb.add_chart({"type": "column"})
        chart.add_series({
            "name": "入户访谈",
            "categories": ["按月", month_rows[0], 0, month_rows[1], 0],
            "values": ["按月", month_rows[0], 1, month_rows[1], 1],
            "categories_data": month_rows[2],
            "values_data": month_rows[3],
            "fill": {"color": "#2E75B6"},
            "data_labels": {"value": True},
        })
        chart.set_title({"name": "每月入户访谈次数"})
        chart.set_y_axis({"major_gridlines": {"visible": True}})
        chart.set_legend({"none": True})
        chart.set_size({"width": 900, "height": 340})
        ws.insert_chart(20, 0, chart)
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.center_horizontally()


# --- the same table in the terminal ------------------------------------------------


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` filled with spaces to ``width`` terminal columns (a Chinese character takes two)."""
    gap = " " * max(0, width - text_width(text))
    return gap + text if right else text + gap


def _shown(value: object, kind: str) -> str:
    if value is None:
        return ""
    if kind == "rate":
        # as the sheet's "0.0%" shows it in Excel, WPS and LibreOffice: the value to 15 digits,
        # then half up (Python's .1% rounds half to even: 1/16 printed 6.2 %, the sheet 6.3 %)
        from decimal import ROUND_HALF_UP, Decimal

        shown = (Decimal(format(value, ".15g")) * 100).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return f"{shown}%"
    if kind == "money":
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"  # type: ignore[arg-type]
    return f"{value:,}"


def text_table(c: Consolidation, width: int | None = None) -> str:
    """The 汇总 table for the terminal: aligned for Chinese, split into blocks that fit."""
    import shutil

    width = width or max(60, shutil.get_terminal_size((100, 24)).columns)
    rows = [*c.units, c.total]
    cells = [[u.unit] + [_shown(u.value(col), col.kind) for col in TOTALS_COLUMNS] for u in rows]
    widths = [max(text_width(h), *(text_width(r[i]) for r in cells)) for i, h in enumerate(HEADER)]
    blocks: list[list[int]] = []
    current: list[int] = []
    used = widths[0]
    for i in range(1, len(HEADER)):
        if current and used + 2 + widths[i] > width:
            blocks.append(current)
            current, used = [], widths[0]
        current.append(i)
        used += 2 + widths[i]
    if current:
        blocks.append(current)
    lines = [c.heading, c.span_text.replace("：", "：", 1)]
    for block in blocks:
        cols = [0, *block]
        lines.append("")
        lines.append("  ".join(pad(HEADER[i], widths[i], i > 0) for i in cols))
        lines.append("  ".join("-" * widths[i] for i in cols))
        for r, row in enumerate(cells):
            if r == len(cells) - 1 and len(cells) > 1:
                lines.append("  ".join("-" * widths[i] for i in cols))
            lines.append("  ".join(pad(row[i], widths[i], i > 0) for i in cols))
    return "\n".join(lines)
