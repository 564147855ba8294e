"""Workbooks the way township clerks really fill them, each with its totals counted by hand.

Every builder writes one book (openpyxl or XlsxWriter, as other software would) and
returns what a person counting the rows with a pencil gets for the standard's 汇总 columns,
so a test compares the toolkit's 汇总表 with a count made without the toolkit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import subprocess
import uuid
from pathlib import Path

import openpyxl
import xlsxwriter
from bookfactory import CARD_LABELS, DIARY_LABELS, card
from click.testing import CliRunner
from libreoffice import SOFFICE

from lianhu_xl.cli import cli

D = dt.date
COUNTS = ("致富明星户", "思想保守户", "经济落后户", "入户访谈", "提供服务", "解决主要问题", "办实事",
          "担保贷款(元)", "帮耕帮畜", "转化户数", "思想保守户数", "应访谈月数", "实访谈月数",
          "应记日记月数", "实记日记月数", "主要问题已解决户数")


def hand(**counts: float) -> dict[str, float]:
    """A hand count: every column named, the rest 0."""
    out = dict.fromkeys(COUNTS, 0)
    for key, value in counts.items():
        label = {"担保贷款": "担保贷款(元)"}.get(key, key)
        assert label in out, key
        out[label] = value
    return out


# --- 下营村: one village's book, typed by a clerk -----------------------------------

VILLAGE_CARD_HEADER = ["序号", "卡 号", "联系人\n姓名", "联系人类别 ", "村", "社", "户主", "联系户类型",
                       "家庭人口（人）", "身份证号", "联系电话", "结对日期", "基期人均纯收入（元）", "主要问题",
                       "是否转化", "民族", "备注"]
VILLAGE_DIARY_HEADER = ["卡号", "日期", "形式", "服务类别", "发现问题", "是否\n主要问题", "办理结果", "解决办法",
                        "办实事（件）", "担保贷款（元）", "帮耕帮畜（次）"]


def village_book(path: Path) -> dict[str, float]:
    """下营村's book as its clerk typed it: a merged title and a subtitle above the header,
    labels with spaces, line breaks, full-width brackets and units, a 序号 and a 民族 column,
    dates in every paper form, 是/否 as √ 有 Y × 无, card numbers with spaces and full-width
    letters, a blank and a hidden row in the middle, a 合计 row under each table, the diary
    sheet's name with a trailing space. A card number typed in lower case is that card's; one
    diary row is wrong (a date without its year); one is dated in 2011. Returns the 2010 hand count."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws.append(["下营村联户带创登记簿（2010年）"])
    ws.merge_cells("A1:H1")
    ws.append(["填表单位：下营村党支部", None, None, "填表人：张三"])
    ws.append(VILLAGE_CARD_HEADER)
    def c(no, who, kind, team, head, htype, link, converted=None, **more):
        row = dict(zip(VILLAGE_CARD_HEADER, [None] * len(VILLAGE_CARD_HEADER), strict=True))
        row.update({"卡 号": no, "联系人\n姓名": who, "联系人类别 ": kind, "村": "下营村", "社": team,
                    "户主": head, "联系户类型": htype, "结对日期": link, "主要问题": more.pop("problem", "观念旧"),
                    "是否转化": converted})
        row.update(more)
        return [row[h] for h in VILLAGE_CARD_HEADER]
    cards = [
        c("XY 001", "王明", "乡干部", "六社", "李一", "致富明星户", "2010.3.5", **{"家庭人口（人）": "5人",
          "身份证号": "620702198001011231", "联系电话": "139-1234-5678", "基期人均纯收入（元）": "2500元"}),
        c("ＸＹ００２", "王明", "乡干部", "六社", "李二", "致富明星户", "2010/3/5", converted="",
          **{"家庭人口（人）": 4, "联系电话": 13912345678}),
        c("XY003", "张三", "村干部", "四社", "李三", "思想保守户", "2010年3月5日", "√", **{"家庭人口（人）": "３"}),
        c("XY004 ", "张三", "村干部", "四社", "李四", "思想保守户", 20100305, "有"),
        [None] * len(VILLAGE_CARD_HEADER),
        c("XY005", "刘五", "党员", "五社", "李五", "经济落后户", 40242, **{"基期人均纯收入（元）": "1,800"}),
        c("XY006", "刘五", "党员", "五社", "李六", "经济落后户", dt.datetime(2010, 3, 5, 14, 30),
          **{"基期人均纯收入（元）": "0.18万"}),
        c("XY007", "张三", "社干部", "四社", "李七", "思想保守户", "２０１０年３月５日", " 是"),
        c("XY008", "张三", "社干部", "四社", "李八", "思想保守户", "2010-03-05 00:00:00", "Y"),
        c("XY009", "张三", "社干部", "四社", "李九", "思想保守户", "2010年3月5号", "×"),
        c("XY010", "张三", "社干部", "四社", "李十", "思想保守户", "2010. 3. 5", "无"),
    ]
    for i, row in enumerate(cards, 1):
        if row[1] is not None:
            row[0] = i
        ws.append(row)
    ws.append([None, "合计", None, None, None, None, None, "10户"])
    ws.row_dimensions[9].hidden = True  # XY005's row: hidden by a filter, still typed
    d = wb.create_sheet("联户日记 ")
    d.append(VILLAGE_DIARY_HEADER)
    for row in [
        ["XY 001", "2010.4.6", "入户访谈", "政策宣传、实用技术", "缺技术", "是", "当场解决", "讲解", "1件", "1.2万", "2次"],
        ["XY002", "2010/4/6", "入户访谈", "政策宣传，市场信息", None, None, None, None, 1, "3,000元", None],
        ["xy003", "2010年4月6日", "入户访谈", "政策宣传 实用技术", None, None, None, None, None, None, None],
        ["XY004", "2010-4-6", "电话联系", None, None, None, None, None, None, None, None],
        [None] * 11,
        ["XY005", D(2010, 4, 6), " 入户访谈", "帮扶项目", "缺资金", "√", "协调解决", "贷款", None, "￥5000", "１"],
        ["XY006", 40274, "入户访谈", None, None, None, None, None, None, None, None],
        ["XY006", "20100506", "入户访谈", None, None, None, None, None, None, None, None],
        ["XY007", "2010.5.6", "入户 访谈", None, "缺水", "否", "正在办理", "找水管站", None, None, None],
        ["XY008", "5月6日", "入户访谈", None, None, None, None, None, None, None, None],
        ["XY009", "2011.1.6", "入户访谈", "政策宣传", None, None, None, None, None, None, None],
        ["本页合计", None, None, None, None, None, None, None, 2, 20000, 3],
    ]:
        d.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    # 10 cards linked 2010-3-5: 2 star, 6 conservative (4 converted: √ 有 是 Y), 2 backward.
    # 2010 diary rows counted: XY001 XY002 xy003 (XY003's, typed in lower case) XY004 XY005 XY006×2
    # XY007 (5月6日 is an error, 2011.1.6 is outside). Interviews: all but XY004's phone call.
    # Services: xy003's 政策宣传 实用技术 and three others. Months Mar–Dec: 10 × 10 cards.
    return hand(致富明星户=2, 思想保守户=6, 经济落后户=2, 入户访谈=7, 提供服务=4, 解决主要问题=2, 办实事=2,
                担保贷款=20000, 帮耕帮畜=3, 转化户数=4, 思想保守户数=6, 应访谈月数=100, 实访谈月数=7,
                应记日记月数=100, 实记日记月数=8, 主要问题已解决户数=2)


VILLAGE_EXCLUDED = {("未计入", "联户日记 ", 11), ("统计期外", "联户日记 ", 12),
                    ("合计行", "联户卡", 15), ("合计行", "联户日记 ", 13)}


# --- 倪家营村: a book written by other software (XlsxWriter), with formulas -------------------


def formula_book(path: Path) -> dict[str, float]:
    """A book whose sums the clerk let Excel compute: 担保贷款 and 办实事 are formulas with their
    cached results, 联系人 on the diary is a VLOOKUP, the 序号 column is =ROW()-1 dragged down
    past the last row (rows with only a 序号 are not rows). Returns the 2010 hand count."""
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy\"年\"m\"月\"d\"日\""})
    ws = wb.add_worksheet("联户卡")
    labels = ["序号", *CARD_LABELS]
    for i, label in enumerate(labels):
        ws.write_string(0, i, label)
    rows = [card("NJ-01", 村="倪家营村", 社="四社", 联系人类别="党员", 联系户类型="经济落后户",
                 结对日期=dt.datetime(2010, 1, 8), **{"基期人均纯收入(元)": 2500}),
            card("NJ-02", 村="倪家营村", 社="六社", 联系人类别="村干部", 联系户类型="思想保守户",
                 结对日期=dt.datetime(2010, 2, 1), 是否转化="是")]
    for r, row in enumerate(rows, 1):
        for i, label in enumerate(labels):
            value = row.get(label)
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, i, value, date_fmt)
            elif isinstance(value, int | float):
                ws.write_number(r, i, value)
            elif value is not None:
                ws.write_string(r, i, str(value))
    for r in range(1, 40):
        ws.write_formula(r, 0, "=ROW()-1", None, r)
    ws.write_formula(1, labels.index("家庭人口"), "=2+3", None, 5)
    d = wb.add_worksheet("联户日记")
    dl = ["序号", *DIARY_LABELS]
    for i, label in enumerate(dl):
        d.write_string(0, i, label)
    diaries = [("NJ-01", dt.datetime(2010, 1, 20), "入户访谈", "=1000*3", 3000, "=SUM(1,1)", 2),
               ("NJ-01", dt.datetime(2010, 2, 21), "入户访谈", "=2500+2500", 5000, None, None),
               ("NJ-02", dt.datetime(2010, 2, 9), "集中座谈", None, None, "=1", 1)]
    for r, (no, day, form, loan_f, loan, deeds_f, deeds) in enumerate(diaries, 1):
        d.write_string(r, dl.index("卡号"), no)
        d.write_datetime(r, dl.index("日期"), day, date_fmt)
        d.write_string(r, dl.index("形式"), form)
        d.write_formula(r, dl.index("联系人"), f'=IFERROR(VLOOKUP(B{r + 1},联户卡!B:C,2,0),"")', None, "王明")
        if loan_f:
            d.write_formula(r, dl.index("担保贷款(元)"), loan_f, None, loan)
        if deeds_f:
            d.write_formula(r, dl.index("办实事(件)"), deeds_f, None, deeds)
    for r in range(1, 40):
        d.write_formula(r, 0, "=ROW()-1", None, r)
    wb.close()
    # NJ-01 linked Jan: 12 months, interviews Jan and Feb; NJ-02 linked Feb: 11 months, a meeting in Feb.
    return hand(思想保守户=1, 经济落后户=1, 入户访谈=2, 办实事=3, 担保贷款=8000, 转化户数=1, 思想保守户数=1,
                应访谈月数=23, 实访谈月数=2, 应记日记月数=23, 实记日记月数=3)


# --- 汪家墩村: a two-row header, as on the printed forms ------------------------------------


def two_row_header_book(path: Path) -> dict[str, float]:
    """The printed form's layout: group labels (年末评议, 帮扶成效) merged over the columns' own
    labels one row down, every other label merged down over both rows, a 序号 column, a title;
    联系人 and 村 merged down over the two cards. Returns the 2010 hand count."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    top = ["序号", "卡号", "联系人", "联系人类别", "村", "社", "户主", "联系户类型", "结对日期", "主要问题",
           "年末评议", None, None, "是否转化"]
    ws.append(["汪家墩村联户卡"])
    ws.append(top)
    ws.append([None] * 10 + ["经济有发展", "思想有进步", "认识有提高", None])
    for col in "ABCDEFGHIJN":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("K2:M2")
    ws.append([1, "WJ-1", "赵六", "社干部", "汪家墩村", "五社", "王一", "思想保守户", "2010.6.1", "不愿贷款",
               "是", "是", "√", "是"])
    ws.append([2, "WJ-2", None, "社干部", None, "五社", "王二", "思想保守户", "2010.6.1", "观念旧",
               None, None, None, "否"])
    ws.merge_cells("C4:C5")  # one linker, one village for both households: merged down
    ws.merge_cells("E4:E5")
    d = wb.create_sheet("联户日记")
    d.append(["联户日记（2010年）"])
    d.merge_cells("A1:H1")
    d.append(["序号", "卡号", "日期", "形式", "服务类别", "帮扶成效", None, None, "调阅人"])
    d.append([None, None, None, None, None, "办实事（件）", "担保贷款（元）", "帮耕帮畜（次）", None])
    for col in "ABCDEI":
        d.merge_cells(f"{col}2:{col}3")
    d.merge_cells("F2:H2")
    d.append([1, "WJ-1", "2010.6.6", "入户访谈", "政策宣传", 1, "3000元", 2, "张书记"])
    d.append([2, "WJ-1", "2010.7.6", "入户访谈", None, None, 5000, None, None])
    d.append([3, "WJ-2", "2010.6.16", "电话联系", None, "2件", None, "1次", None])
    d.append([4, "合计", None, None, None, 3, 8000, 3, None])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    # linked June: 7 months each; interviews June and July for WJ-1, a phone call for WJ-2
    return hand(思想保守户=2, 入户访谈=2, 提供服务=1, 办实事=3, 担保贷款=8000, 帮耕帮畜=3, 转化户数=1,
                思想保守户数=2, 应访谈月数=14, 实访谈月数=2, 应记日记月数=14, 实记日记月数=3)


# --- running the toolkit and reading its 汇总表 back ----------------------------------------


def consolidate(folder: Path, out: Path, *extra: str):
    """``lianhu consolidate`` as a clerk runs it; the result and the 汇总表 read back."""
    result = CliRunner().invoke(cli, ["consolidate", str(folder), "-o", str(out), *extra])
    return result


def totals_rows(out: Path) -> dict[str, dict[str, object]]:
    """The 汇总 sheet: unit -> {column: value}, read with openpyxl as a clerk's Excel shows it."""
    ws = openpyxl.load_workbook(out, read_only=True)["汇总"]
    rows = list(ws.iter_rows(values_only=True))
    at = next(i for i, r in enumerate(rows) if r and r[0] == "单位")
    header = rows[at]
    out_rows = {}
    for r in rows[at + 1:]:
        if not r or r[0] is None:
            break
        out_rows[r[0]] = dict(zip(header, r, strict=False))
    return out_rows


def consolidated(path: Path, *more: str) -> tuple[int, dict[str, object], list[dict]]:
    """``lianhu consolidate <path> --period 2010 --json`` (a folder or one book) as a clerk runs it:
    exit code, the 汇总表's 合计 row (its 汇总表.xlsx written in the folder, or beside the book), the
    issues."""
    out = (path if path.is_dir() else path.parent) / "汇总表.xlsx"
    result = CliRunner().invoke(cli, ["consolidate", str(path), "-o", str(out), "--period", "2010", "--json",
                                      "-q", "-j", "1", *more])
    assert result.exit_code in (0, 1), result.output
    return result.exit_code, totals_rows(out)["合计"], json.loads(result.stdout)["issues"]


def said(issues: list[dict]) -> list[tuple[str, str | None, str | None]]:
    """(code, sheet, cell) of each issue, sorted."""
    return sorted((i["code"], i["sheet"], i["cell"]) for i in issues)


def col(label: str, labels: list[str] = DIARY_LABELS) -> str:
    """The column letter of a label in the bookfactory's layout."""
    return chr(ord("A") + labels.index(label))


def counts_of(row: dict[str, object]) -> dict[str, object]:
    return {k: row[k] for k in COUNTS}


def sheet_rows(out: Path, name: str) -> list[tuple]:
    return list(openpyxl.load_workbook(out, read_only=True)[name].iter_rows(values_only=True))


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def libreoffice_save(sources: list[Path], out_dir: Path, filt: str = "xlsx:Calc MS Excel 2007 XML") -> None:
    """Open and save every source in LibreOffice (one soffice run, a private profile), as a
    clerk's WPS or LibreOffice does: recalculated, rewritten in that program's own way."""
    assert SOFFICE, "LibreOffice missing"
    profile = Path("/tmp") / f"lo-profile-{uuid.uuid4().hex}"
    out_dir.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run([SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
                        "--convert-to", filt, "--outdir", str(out_dir), *map(str, sources)],
                       check=True, capture_output=True, timeout=300)
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def book(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook of exactly these sheets, in this order, each under a title row."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        ws.append([f"倪家营乡 · {name}"])
        for row in rows:
            ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def by_code(issues: list[dict], code: str) -> list[dict]:
    return [i for i in issues if i["code"] == code]
