"""Realistic village books for the benchmark, written the way real clients write them.

Each book is the standard template (title, note, header with comments, data
validations, formats, 填表说明 sheet) filled with ``cards`` households and
``diaries`` diary rows, written by XlsxWriter, which, like Excel, WPS and
LibreOffice, stores text as shared strings (openpyxl writes inline strings,
which read differently). About 3 % of the cells are typed the way cadres type
on paper (2010年9月6日, 3000元, full-width digits, a trailing space), and a
few rows carry a real mistake, so the validator's slow paths are exercised.

Card numbers carry the book's number, so the books of one run consolidate
into one township's totals without all being duplicates of each other.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from lianhu_xl.standard import (
    CARD_SHEET,
    DIARY_SHEET,
    EXPECTED_PAIRING,
    FORMS,
    LINKER_KINDS,
    RESULTS,
    SERVICES,
    CardRow,
    DiaryRow,
    columns_of,
)
from lianhu_xl.values import id_check_char

GENERATOR_VERSION = "2"  # bump when books change, so cached books are rebuilt

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史黎贺顾毛郝龚邵万钱覃武戴孔汤庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍申尤毕聂柴焦向柳邢岳齐沿梅莫庄辛管祝左涂谷祁时舒耿牟卜路詹关苗凌费纪靳盛童欧甄项曲成游阳裴席卫查屈鲍位覃霍翁隋植甘景薄单包司柏宁柯阮桂闵欧解强丛"
GIVEN = "明进忠国华建军秀英桂兰玉梅海涛志强红霞永福德胜春生文斌小平金凤丽娟兴旺学军振华"
VILLAGES = ["下营村", "倪家营村", "汪家墩村", "江淮村", "南台村", "黄家堡村", "马郡村", "梨园村"]
TEAMS = ["一社", "二社", "三社", "四社", "五社", "六社", "七社", "八社"]
POSITIONS = {"乡干部": ["副乡长", "乡长", "党委委员", "人大主席"], "村干部": ["支部书记", "村主任", "文书"],
             "社干部": ["社长", "副社长"], "党员": ["党员", "农民党员"]}
INDUSTRIES = ["玉米制种", "草畜", "红枣", "番茄", "沼气", "小康住宅", "胚胎移植", "蔬菜", "劳务"]
PROBLEMS = ["缺少制种技术", "缺少滴灌设备", "资金不足", "思想观念保守", "劳力不足", "销路不畅",
            "住房困难", "子女上学困难", "缺少良种", "病虫害防治不会"]
MEASURES = ["联系农技站上门指导", "协调信用社担保贷款", "帮助联系销路", "组织参加培训", "帮耕帮畜",
            "讲解政策，转变观念", "联系水管站", "介绍外出务工"]
SITUATIONS = ["玉米制种 12 亩，长势良好", "养牛 5 头，饲草充足", "红枣挂果，准备销售", "番茄大棚 2 座",
              "家中老人生病，劳力紧张", "新建小康住宅一院", "沼气池已建成使用", "外出务工 2 人"]
REVIEWERS = ["张书记", "李书记", "王乡长", "赵主任"]


def card_labels() -> list[str]:
    return [c.label for c in columns_of(CardRow)]


def diary_labels() -> list[str]:
    return [c.label for c in columns_of(DiaryRow)]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _id_number(rng: random.Random) -> str:
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 50))
    first17 = "620702" + birth.strftime("%Y%m%d") + f"{rng.randrange(1000):03d}"
    return first17 + id_check_char(first17)


def _fullwidth(text: str) -> str:
    return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))


def _messy_date(rng: random.Random, day: dt.date) -> object:
    """Mostly a real date; sometimes typed as text, as cadres do."""
    r = rng.random()
    if r < 0.94:
        return day
    if r < 0.97:
        return f"{day.year}年{day.month}月{day.day}日"
    if r < 0.99:
        return f"{day.year}.{day.month}.{day.day}"
    return _fullwidth(f"{day.year}-{day.month}-{day.day}")


def _messy_number(rng: random.Random, value: float, unit: str = "元") -> object:
    r = rng.random()
    if r < 0.95:
        return value
    if r < 0.98:
        return f"{value:g}{unit}"
    return _fullwidth(f"{value:g}") + " "


def make_rows(book_no: int, cards: int, diaries: int, seed: int) -> tuple[list[dict], list[dict]]:
    """One village book's rows, keyed by column label."""
    rng = random.Random(seed)
    village = VILLAGES[book_no % len(VILLAGES)]
    card_rows: list[dict] = []
    linked_on: list[dt.date] = []
    for i in range(cards):
        kind = LINKER_KINDS[rng.randrange(len(LINKER_KINDS))]
        household_type = EXPECTED_PAIRING[kind] if rng.random() < 0.97 else rng.choice(list(EXPECTED_PAIRING.values()))
        linked = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(0, 60))
        linked_on.append(linked)
        base = float(rng.randrange(1500, 6000, 100))
        row = {
            "卡号": f"B{book_no:05d}-{i + 1:03d}",
            "联系人": _name(rng),
            "联系人类别": kind,
            "职务": rng.choice(POSITIONS[kind]),
            "所属支部": village + "党支部",
            "村": village,
            "社": rng.choice(TEAMS),
            "户主": _name(rng),
            "联系户类型": household_type,
            "家庭人口": _messy_number(rng, float(rng.randrange(1, 9)), "人"),
            "身份证号": _id_number(rng) if rng.random() < 0.9 else None,
            "联系电话": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}" if rng.random() < 0.85 else None,
            "主导产业": rng.choice(INDUSTRIES),
            "结对日期": _messy_date(rng, linked),
            "基期人均纯收入(元)": _messy_number(rng, base),
            "主要问题": rng.choice(PROBLEMS),
            "帮扶措施": rng.choice(MEASURES) if rng.random() < 0.8 else None,
            "年末人均纯收入(元)": _messy_number(rng, base + rng.randrange(0, 2000, 100)) if rng.random() < 0.7 else None,
            "经济有发展": rng.choice(("是", "否")) if rng.random() < 0.7 else None,
            "思想有进步": rng.choice(("是", "否")) if rng.random() < 0.7 else None,
            "认识有提高": rng.choice(("是", "√", "否")) if rng.random() < 0.7 else None,
            "是否转化": rng.choice(("是", "否")) if household_type == "思想保守户" and rng.random() < 0.6 else None,
            "备注": "户主外出" if rng.random() < 0.05 else None,
        }
        if rng.random() < 0.01:  # a real mistake now and then
            row["联系人类别"] = "干部"
        card_rows.append(row)
    diary_rows: list[dict] = []
    for j in range(diaries):
        card = card_rows[j % len(card_rows)] if card_rows else None
        no = card["卡号"] if card else f"B{book_no:05d}-001"
        step = (j // max(len(card_rows), 1)) % 12  # one entry a month for each household, from linking on
        start = linked_on[j % len(linked_on)] if linked_on else dt.date(2010, 1, 1)
        months = start.month - 1 + step
        day = start if step == 0 else dt.date(start.year + months // 12, months % 12 + 1, rng.randrange(1, 29))
        found = rng.random() < 0.15  # a problem noted at about one visit in seven
        row = {
            "卡号": no,
            "日期": _messy_date(rng, day),
            "联系人": card["联系人"] if card and rng.random() < 0.5 else None,
            "户主": card["户主"] if card and rng.random() < 0.5 else None,
            "形式": FORMS[0] if rng.random() < 0.93 else rng.choice(FORMS),  # the monthly home interview
            "生产生活情况": rng.choice(SITUATIONS),
            "发现问题": rng.choice(PROBLEMS) if found else None,
            "是否主要问题": rng.choice(("是", "否")) if found else None,
            "解决办法": rng.choice(MEASURES) if found and rng.random() < 0.98 else None,
            "办理结果": rng.choice(RESULTS) if found else None,
            "服务类别": "、".join(rng.sample(SERVICES, rng.randrange(1, 3))) if rng.random() < 0.6 else None,
            "办实事(件)": float(rng.randrange(0, 2)) if rng.random() < 0.6 else None,
            "担保贷款(元)": _messy_number(rng, float(rng.randrange(1000, 20000, 1000))) if rng.random() < 0.1 else None,
            "帮耕帮畜(次)": float(rng.randrange(0, 3)) if rng.random() < 0.4 else None,
            "调阅人": rng.choice(REVIEWERS) if rng.random() < 0.5 else None,
            "调阅日期": day + dt.timedelta(days=rng.randrange(0, 30)) if rng.random() < 0.5 else None,
            "调阅意见": "已阅" if rng.random() < 0.4 else None,
        }
        if rng.random() < 0.002:
            row["日期"] = "九月六日"  # cannot be read as a date
        diary_rows.append(row)
    return card_rows, diary_rows


def write_book(path: Path, book_no: int, cards: int = 50, diaries: int = 600, seed: int = 0) -> Path:
    """Fill a fresh copy of the standard template and save it with XlsxWriter."""
    import xlsxwriter

    from lianhu_xl import template as t

    card_rows, diary_rows = make_rows(book_no, cards, diaries, seed * 100_003 + book_no)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_custom_property("lianhu_standard", "1")
    styles = t._styles(wb)
    t._guide(wb, styles)
    for model, rows in ((CardRow, card_rows), (DiaryRow, diary_rows)):
        t._data_sheet(wb, styles, model, None)
        ws = wb.get_worksheet_by_name(model.SHEET)
        labels = [c.label for c in columns_of(model)]
        date_fmt = styles["date"]
        for r, row in enumerate(rows, start=t.HEADER_ROW + 1):
            for c, label in enumerate(labels):
                value = row.get(label)
                if value is None:
                    continue
                if isinstance(value, str):
                    ws.write_string(r, c, value)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), date_fmt)
                else:
                    ws.write_number(r, c, value)
    wb.worksheets()[1].activate()
    wb.close()
    return path


def ensure_books(folder: Path, n: int, cards: int = 50, diaries: int = 600,
                 progress: bool = True) -> list[Path]:
    """The first ``n`` books in ``folder``, writing only those missing (the cache)."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = folder / "GENERATOR"
    wanted = f"{GENERATOR_VERSION} {cards} {diaries}"
    if stamp.exists() and stamp.read_text().strip() != wanted:
        for old in folder.glob("*.xlsx"):
            old.unlink()
    stamp.write_text(wanted)
    paths = [folder / f"村{i:05d}.xlsx" for i in range(1, n + 1)]
    missing = [(i, p) for i, p in enumerate(paths, start=1) if not p.exists()]
    for k, (i, p) in enumerate(missing, start=1):
        tmp = p.with_suffix(".tmp")
        write_book(tmp, i, cards, diaries)
        tmp.replace(p)
        if progress and (k % 50 == 0 or k == len(missing)):
            print(f"  generated {k}/{len(missing)} books", flush=True)
    return paths


__all__ = ["CARD_SHEET", "DIARY_SHEET", "card_labels", "diary_labels", "ensure_books", "make_rows",
           "write_book"]
