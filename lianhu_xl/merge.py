"""Merge several standard workbooks (cadres' own books) into one a branch can submit.

The inputs are validated together with the same rules as ``lianhu validate``,
so the merge keeps exactly what a consolidation would count: every card and
diary row from every input, an exact duplicate once (the copies dropped are
reported), and nothing that conflicts or has an error (each such row is listed
with its place, and for a conflict the other place too, so the clerk can fix
the source and merge again). A diary row whose card is in none of the inputs
is kept (its card may travel in another book) and shows up when the merged
book is validated. The merged book is written whole or not at all, in the
template's layout, then validated on its own. Sources are only read.

身份证号 and 联系电话 are not written to the merged book: they stay in each
cadre's own book (the project's rule for every output). Leaving the columns out,
rather than masking them, keeps the merged cards equal to the cadres' own
cards, so offering both to a consolidation still counts each card once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .book import Record
from .book_writer import PERSONAL_FIELDS, BookSpec, SheetSpec, write_book
from .catalogue import REPEAT_CODES
from .errors import LianhuError
from .issues import Issue
from .outputs import keep_register, not_xlsx
from .roster import Roster
from .validate import Validation, collect, validate
from .xl_text import STRMAX, utf16_len

MERGED_PROPERTY = "lianhu_merged"  # marks a book written by merge, so a re-run may replace it
KEPT_REASONS = (None, "unknown-card",  # a diary whose card is elsewhere is still the cadre's record,
                "card-sheet-unread")  # as is one whose card sheet could not be read
CONFLICT_CODES = ("conflicting-card", "conflicting-diary")
DROPPED_COLUMN_CODES = ("unknown-column", "unlabelled-column")


class MergeUsageError(LianhuError):
    """The merge cannot run as asked (no inputs, the output among the inputs)."""


@dataclass(slots=True)
class MergeResult:
    """What the merge read, wrote, dropped and left out."""

    out: Path
    inputs: Validation
    cards: list[Record] = field(default_factory=list)
    diaries: list[Record] = field(default_factory=list)
    check: Validation | None = None  # the merged book, validated on its own
    cut: list[str] = field(default_factory=list)  # cells the merged book keeps only part of (_cut)

    def _issues(self, codes: tuple[str, ...]) -> list[Issue]:
        return [i for i in self.inputs.report.issues if i.code in codes]

    @property
    def duplicates(self) -> list[Issue]:
        """Copies dropped because another, identical copy is kept."""
        return self._issues(REPEAT_CODES)

    @property
    def conflicts(self) -> list[Issue]:
        """Rows left out because another row with the same key says something else."""
        return self._issues(CONFLICT_CODES)

    @property
    def errors(self) -> list[Issue]:
        """Everything else that kept a row or a file out of the merged book."""
        return [i for i in self.inputs.report.issues
                if (i.severity == "error" and i.code not in CONFLICT_CODES and i.code != "unknown-card")
                or i.code == "card-excluded"]

    @property
    def dropped_columns(self) -> list[Issue]:
        """Columns outside the standard (or without a label): their content is not in the merged book."""
        return self._issues(DROPPED_COLUMN_CODES)

    @property
    def unknown_cards(self) -> list[Issue]:
        """Diary rows kept whose card is in none of the inputs."""
        return self._issues(("unknown-card",))

    @property
    def totals(self) -> list[str]:
        """汇总表 among the inputs: no register, nothing of them merged (they were passed over unsaid)."""
        return [f.file for f in self.inputs.report.files if f.kind == "totals"]

    @property
    def rows_read(self) -> tuple[int, int]:
        files = self.inputs.report.files
        return sum(f.card_rows for f in files), sum(f.diary_rows for f in files)

    @property
    def complete(self) -> bool:
        """Nothing left out and the merged book has no error."""
        return (not self.conflicts and not self.errors and not self.cut and not self.totals
                and self.check is not None and self.check.report.valid)

    @property
    def exit_code(self) -> int:
        return 0 if self.complete else 1


def merge(paths: list[Path], out: Path, roster: Roster | None = None, jobs: int = 1,
          progress=None, today: dt.date | None = None) -> MergeResult:
    """Merge the standard workbooks under ``paths`` into ``out`` (an .xlsx) and validate it."""
    out = Path(out)
    if refused := not_xlsx(out, "合并结果", "合并簿.xlsx"):
        raise MergeUsageError(refused)
    files, collect_issues = collect(list(paths))
    target = out.resolve()
    named = {Path(p).resolve() for p in paths}
    for path, display in list(files):
        if path.resolve() != target:
            continue
        if path.resolve() not in named and _merged_before(path):
            files.remove((path, display))  # the previous merge's output, found in the folder: replaced
            continue
        raise MergeUsageError(f"输出文件“{out}”也在要合并的文件中（{display}）。"
                              "请把合并结果保存到别处，原有登记簿不会被改动。")
    if out.is_file() and not _merged_before(out):  # someone's register elsewhere, by a slip of the name
        keep_register(out, "合并簿")
    if not files:
        why = "；".join(i.message for i in collect_issues)
        raise MergeUsageError("没有找到任何 .xlsx 登记簿，没有合并。" + (why or "请检查给出的文件或文件夹。"))
    inputs = validate(list(paths), roster=roster, jobs=jobs, progress=progress, files=files,
                      collect_issues=collect_issues, unify_villages=False)  # each 村 as its cadre typed it
    result = MergeResult(out=out, inputs=inputs)
    order = {display: i for i, (_, display) in enumerate(files)}
    result.cards = sorted((r for r in inputs.cards if r.excluded in KEPT_REASONS),
                          key=lambda r: (order.get(r.file, 0), r.row))
    card_rank = {r.model.card_no: i for i, r in enumerate(result.cards)}  # type: ignore[attr-defined]
    result.diaries = sorted(
        (r for r in inputs.diaries if r.excluded in KEPT_REASONS),
        key=lambda r: (card_rank.get(r.model.card_no, len(card_rank)), r.model.card_no,  # type: ignore[attr-defined]
                       r.model.date, order.get(r.file, 0), r.row))  # type: ignore[attr-defined]
    if not result.cards and not result.diaries:  # nothing readable: no empty book pretending otherwise
        return result
    sources = len([f for f in inputs.report.files if f.kind == "book"])
    day = today or dt.date.today()
    note = (f"由 {sources} 个登记簿合并（lianhu merge，{day.isoformat()}）；"
            "身份证号、联系电话只保存在各人自己的登记簿中，未写入本簿。")
    spec = BookSpec(cards=SheetSpec(title="联户带创登记簿 · 联户卡（合并）", note=note, omit=PERSONAL_FIELDS),
                    diaries=SheetSpec(title="联户带创登记簿 · 联户日记（合并）", note=note),
                    created=dt.datetime.combine(day, dt.time()), properties={MERGED_PROPERTY: day.isoformat()})
    result.cut = _cut(result.cards + result.diaries)
    write_book(out, [r.model for r in result.cards], [r.model for r in result.diaries], spec)
    result.check = validate([out], roster=roster, files=[(out, out.name)], collect_issues=[])
    return result


def _cut(records: list[Record]) -> list[str]:
    """Cells longer than Excel lets a cell be (LibreOffice or a script can save one): the merged
    book keeps their first 32,767 characters, so each is said (file sheet!cell)."""
    out = []
    for r in records:
        for name, value in r.model.__dict__.items():
            if isinstance(value, str) and len(value) > STRMAX // 2 and utf16_len(value) > STRMAX:
                out.append(f"{r.file} {r.sheet}!{r.cell(name)}（{len(value)} 个字）")
    return out


def _merged_before(path: Path) -> bool:
    """Whether ``path`` is a book an earlier ``lianhu merge`` wrote (and may replace)."""
    from .guard import Refused, inspect

    try:
        return MERGED_PROPERTY in inspect(path).properties
    except (Refused, OSError):
        return False


def text_summary(result: MergeResult, limit: int = 20) -> str:
    """The merge in a clerk's words: what went in, what was dropped, what was left out."""
    from .issues import severity_zh

    cards_read, diaries_read = result.rows_read
    books = len(result.inputs.report.files)
    lines = [f"读取 {books} 个文件：联户卡 {cards_read} 行、联户日记 {diaries_read} 行。"]
    if result.check is None:
        lines.append("没有可以合并的联户卡或日记，没有写出合并簿。")
    else:
        lines.append(f"写入合并簿：联户卡 {len(result.cards)} 张、联户日记 {len(result.diaries)} 条 → {result.out}")

    def listing(title: str, issues: list[Issue], show: int) -> None:
        if not issues:
            return
        lines.append("")
        lines.append(title)
        for issue in issues[:show]:
            lines.append(f"  {issue.file}  {issue.message}")
        if len(issues) > show:
            lines.append(f"  ……另有 {len(issues) - show} 条（lianhu validate 可列出全部）")

    dup = result.duplicates
    dup_cards = sum(1 for i in dup if i.sheet and i.code == "duplicate-card")
    listing(f"去掉重复：联户卡 {dup_cards} 张、联户日记 {len(dup) - dup_cards} 条与另一份完全相同，只保留一份：",
            dup, min(limit, 10))
    listing("内容冲突，未合并（同一卡号或同一条日记在两处内容不同；核对后只留正确的一份，再合并）：",
            result._issues(("resent-book",)) + result.conflicts, limit)  # which of two versions to keep first
    listing("有错误，未合并（改正源登记簿后再合并）：", result._issues(("resent-book-fixed",)) + result.errors, limit)
    listing("像是同一本交了两次，旧的一本里新的一本没有的行也合并了（是有意删掉的，就移走旧的一本再合并）：",
            result._issues(("resent-book-rows",)), limit)
    listing("已合并，但卡号在这些登记簿中找不到联户卡（请一起提交那张联户卡）：", result.unknown_cards, limit)
    if result.totals:
        lines += ["", "这些是汇总表，不是登记簿，没有合并（汇总表交给上一级汇总，不放进合并的文件夹）："]
        lines += [f"  {name}" for name in result.totals[:limit]]
    if result.check is not None:
        listing("这些列不是标准中的列，内容没有写入合并簿（仍在原登记簿中）：",
                result.dropped_columns, limit)
        if result.cut:
            lines += ["", f"这些单元格超过 Excel 一格最多 {STRMAX} 个字，合并簿里只有前 {STRMAX} 个字"
                          "（全文仍在原登记簿中；请把内容缩短后再合并）："]
            lines += [f"  {place}" for place in result.cut[:limit]]
    lines.append("")
    if result.check is not None:
        lines.append("身份证号、联系电话没有写入合并簿：个人信息只保存在各人自己的登记簿中。")
        rep = result.check.report
        c = rep.counts()
        status = "通过" if rep.valid else "有错误"
        lines.append(f"合并簿校验：{status}（错误 {c['error']} 处，警告 {c['warning']} 处，提示 {c['notice']} 处）。")
        for issue in rep.issues:
            if issue.severity == "error":
                lines.append(f"  {severity_zh(issue.severity)}  {issue.file}  {issue.message}")
    if result.complete:
        lines.append("全部合并（标准以外的列除外，见上），可以提交。" if result.dropped_columns else "全部合并，可以提交。")
    else:
        lines.append("有内容未合并或合并簿有错误（见上）：改正后重新合并。源登记簿没有改动。")
    return "\n".join(lines)

