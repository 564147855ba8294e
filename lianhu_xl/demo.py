"""The demo township, modelled on 倪家营乡 as the 2010 report describes it.

``build_township()`` makes, from a fixed seed, the villages and teams the
report names (下营村 四社/五社/六社, 倪家营村 四社/六社, 汪家墩村 五社, 江淮村) and
four more, the cadres of the three kinds (乡干部 → 致富明星户, 村/社干部 →
思想保守户, 党员 → 经济落后户), one card per linked household and a year (2010) of
diary rows. ``write_township()`` writes one book per village, typed the way
each village's clerk types (real dates, ``2010-9-6``, ``2010/9/6``,
``2010.9.6``, ``2010年9月6日``, ``3000元``, full-width digits, √/×, trailing
spaces, a 合计 row), plus two cadres' own books whose cards and diary rows
repeat those of the village books (counted once).

The township is built so that consolidating it for 2010 by the standard's
counting rules gives exactly the report's figures (``REPORT``): the household
stories of the report are among the cards (宋海 and 缪红, 缪红荣 and 缪锋, 鲁维俭 and
宋玉林, 张彩琴 and 宋燕林, 李胜 and 徐学福, 王培义 and 吴吉成). A handful of genuine
mistakes are planted (``PLANTED``): the two warnings change nothing, and the
three rows with errors are *extra* rows, added on top of the rows that make
the figures, so leaving them out (as the standard says) leaves the figures
exactly as reported.
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import random
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .book_writer import BookSpec, SheetSpec, cells_of, column_letters, header_row, write_book
from .standard import SERVICES, CardRow, DiaryRow, columns_of
from .values import id_check_char

if TYPE_CHECKING:
    from .consolidate import Consolidation

SEED = 2010
YEAR = 2010
TOWNSHIP = "倪家营乡"
FOLDER = "lianhu-demo"
BOOKS_FOLDER = "收集"
OWN_FOLDER = "个人"
ROSTER_FILE = "名册.csv"
TOTALS_FILE = "汇总表.xlsx"

# The report's figures (000_5a70753751309e7c.txt): what the demo must reproduce.
REPORT: dict[str, int] = {
    "致富明星户": 150, "思想保守户": 215, "经济落后户": 432, "入户访谈": 3000, "提供服务": 800,
    "解决主要问题": 39, "办实事": 76, "转化户数": 102,
}
LOANS_TOTAL = 1_236_500  # "担保贷款120余万元"
PLOUGH_TOTAL = 1_736  # "帮耕帮畜1700余场次"
CONVERSION_NOTE = (
    "说明：报道中“转化率达100%”指村社干部联系的 102 户“思想偏激户”全部转化；"
    "按标准，转化率 = 转化户数 ÷ 思想保守户数 = 102 ÷ 215 ≈ 47.4%。"
)

OWNERS = {"宋海": "chinese", "张彩琴": "dash"}  # cadres who also send their own book (and its typing)
TEAMS = ("一社", "二社", "三社", "四社", "五社", "六社", "七社", "八社")


@dataclass(frozen=True, slots=True)
class VillageSpec:
    name: str
    prefix: str
    teams: int
    stars: int
    conservative: int
    backward: int
    style: str  # how this village's clerk types (see ``TYPISTS``)

    @property
    def team_names(self) -> tuple[str, ...]:
        return TEAMS[: self.teams]


# The report's villages first, then four more so that the township totals are realistic.
VILLAGES = (
    VillageSpec("下营村", "XY", 8, 24, 10, 60, "excel"),
    VillageSpec("倪家营村", "NJY", 7, 22, 32, 58, "dash"),
    VillageSpec("汪家墩村", "WJD", 6, 16, 26, 37, "slash"),
    VillageSpec("江淮村", "JH", 7, 18, 28, 55, "dot"),
    VillageSpec("黄家堡村", "HJB", 6, 20, 30, 56, "chinese"),
    VillageSpec("马郡村", "MJ", 7, 18, 30, 56, "mixed"),
    VillageSpec("南台村", "NT", 6, 16, 30, 55, "compact"),
    VillageSpec("梨园村", "LY", 6, 16, 29, 55, "fullwidth"),
)

TOWNSHIP_CADRES = (  # (name, position): 30 乡干部, 5 households each
    ("鲁维俭", "乡长"), ("张彩琴", "副乡长"), ("何建国", "乡党委书记"), ("陈志远", "乡党委副书记"),
    ("刘永红", "副乡长"), ("杨文斌", "人大主席团主席"), ("赵德明", "纪委书记"), ("孙立新", "组织委员"),
    ("周晓燕", "宣传委员"), ("郭生荣", "武装部长"), ("罗世杰", "统计站站长"), ("胡玉兰", "计生办主任"),
    ("朱建华", "农技站站长"), ("许光明", "畜牧兽医站站长"), ("韩学军", "水管所所长"), ("冯立民", "财政所所长"),
    ("贾红梅", "民政助理"), ("魏国庆", "司法所所长"), ("段志强", "文化站站长"), ("常永福", "林业站站长"),
    ("蔡文静", "经管站站长"), ("岳新华", "党政办主任"), ("雷振东", "乡干部"), ("颜秀英", "乡干部"),
    ("蒋海涛", "乡干部"), ("高春生", "乡干部"), ("马忠贤", "乡干部"), ("王晓东", "乡干部"),
    ("李红霞", "乡干部"), ("张万鹏", "乡干部"),
)
ORGANISER = "孙立新"  # 组织委员: reviews the township cadres' diaries

SURNAMES = ("宋", "缪", "徐", "王", "李", "张", "倪", "汪", "吴", "马", "刘", "陈", "杨", "赵", "何", "高",
            "孙", "周", "蒋", "郭", "罗", "胡", "朱", "许", "韩", "冯", "贾", "魏", "段", "常", "蔡", "岳",
            "鲁", "雷", "颜", "田", "秦", "万", "邓", "任")
GIVEN = ("玉", "国", "建", "学", "志", "永", "文", "海", "明", "军", "兴", "福", "成", "林", "忠", "德", "生",
         "华", "贵", "强", "平", "春", "荣", "祥", "安", "山", "富", "进", "宝", "义", "红", "英", "兰", "梅",
         "霞", "芳", "秀", "花", "桂", "发", "财", "武", "元", "有", "金", "银", "保", "全", "正", "良")

INDUSTRIES = {
    "致富明星户": ("玉米制种", "草畜", "肉牛育肥", "红枣", "番茄", "奶牛养殖", "运输", "农资经营"),
    "思想保守户": ("玉米制种", "草畜", "番茄", "小麦", "蔬菜", "务工"),
    "经济落后户": ("玉米制种", "小麦", "草畜", "务工", "番茄", "养羊"),
}
MAIN_PROBLEMS = {
    "致富明星户": ("扩大养殖规模缺少资金", "缺少制种新技术", "番茄销路不稳", "养殖用地不足", "缺少冷藏设施",
               "红枣品种老化", "缺少市场信息", "胚胎移植技术不会用"),
    "思想保守户": ("对村社工作有抵触情绪", "不参加村社会议", "邻里纠纷多次上访", "思想偏执、不愿调整种植结构",
               "家庭不和睦", "对低保评定有意见", "不愿参加合作社"),
    "经济落后户": ("缺少资金和畜力", "缺少劳力，收入低", "家中有病人，开支大", "没有牲畜、缺少化肥",
               "住房破旧", "不懂制种技术", "子女上学负担重"),
}
MEASURES = {
    "致富明星户": ("协调贷款扩大规模", "联系农技站上门指导", "帮助联系收购商", "协调划拨养殖用地", "推广胚胎移植技术"),
    "思想保守户": ("经常谈心，讲政策讲法律", "帮助制定家庭发展计划", "调解邻里纠纷", "引导参加合作社"),
    "经济落后户": ("一帮一结对帮扶", "帮耕帮畜，担保贷款", "帮助制定增收计划", "协调救助资金", "传授制种技术"),
}
SITUATIONS = ("玉米制种长势良好", "牛羊膘情正常", "番茄已定植", "正在备耕", "家中老人身体欠佳", "红枣挂果",
              "准备修建暖棚牛舍", "冬小麦已灌头水", "新修牛舍即将完工", "制种玉米已去雄", "秋收结束，正在售粮",
              "家里新添了两头牛犊", "子女外出务工", "计划明年扩大制种面积")
SIDE_PROBLEMS = ("牛舍漏风", "灌溉用水紧张", "化肥不够", "缺少去雄劳力", "制种款未结清", "羊患寄生虫病",
                 "农机坏了", "邻居占道堆柴", "孩子学费有缺口", "种子质量有疑问", "低保手续不清楚", "电费偏高")
SOLUTIONS = ("联系兽医站上门", "协调水管所调水", "帮助联系化肥经销点", "发动邻里帮工", "找制种公司协调",
             "帮助申请补助", "联系农机维修点", "当面调解", "讲清政策")
OPINIONS = ("已阅", "已阅，抓紧落实", "记录详实", "问题要跟踪办理", "已阅，下月继续入户")
SERVICE_BY_TYPE = {
    "致富明星户": ("市场信息", "实用技术", "帮扶项目", "增收措施"),
    "思想保守户": ("政策宣传", "解决问题", "增收措施"),
    "经济落后户": ("实用技术", "增收措施", "帮扶项目", "解决问题", "政策宣传"),
}


# --- the planted mistakes -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Planted:
    """A mistake put in on purpose: where it is, the issue code it must raise, and why."""

    file: str  # the book's name as the clerk sees it, relative to the collection folder
    sheet: str
    cell: str  # e.g. "A57"
    code: str
    what: str
    extra: bool  # True: an extra row, left out (the figures never counted it); False: a warning only

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}"


# --- the township as data ----------------------------------------------------------


@dataclass(slots=True)
class Cadre:
    name: str
    kind: str  # 乡干部 · 村干部 · 社干部 · 党员
    position: str
    branch: str
    village: str | None
    team: str | None = None


@dataclass(slots=True)
class CardPlan:
    """One linked household while the township is being built."""

    village: VillageSpec
    team: str
    head: str
    household_type: str
    linker: Cadre
    fields: dict[str, object] = field(default_factory=dict)
    interviews: int = 0
    fixed: bool = False  # a story household: its diary is written by hand
    reviewer: str = ""  # who reads this card's diary (调阅人)
    diaries: list[dict[str, object]] = field(default_factory=list)


@dataclass(slots=True)
class Book:
    """One workbook to write: its rows as typed, and its layout."""

    name: str  # relative to the collection folder
    cards: list[dict[str, object]] | None
    diaries: list[dict[str, object]] | None
    spec: BookSpec
    owner: str = ""  # for a cadre's own book


@dataclass(slots=True)
class Township:
    cards: list[CardRow]
    diaries: list[DiaryRow]
    books: list[Book]
    planted: list[Planted]
    roster: dict[str, tuple[str, ...]]


def build_township(seed: int = SEED) -> Township:
    """The whole demo township, deterministic for a given seed."""
    rng = random.Random(seed)
    names = _Names(rng)
    plans = _cards(rng, names)
    _diaries(rng, plans)
    cards = [CardRow.model_validate(p.fields) for p in plans]
    by_no = {c.card_no: c for c in cards}
    assert len(by_no) == len(cards)
    diaries = [DiaryRow.model_validate(d) for p in plans for d in p.diaries]
    books, planted = _books(rng, plans, by_no, diaries)
    roster = {v.name: v.team_names for v in VILLAGES}
    return Township(cards=cards, diaries=diaries, books=books, planted=planted, roster=roster)


class _Names:
    """Household and cadre names, never the same name twice in the township."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = {n for n, _ in TOWNSHIP_CADRES} | {
            "宋海", "缪红", "缪锋", "缪红荣", "宋玉林", "宋燕林", "徐学福", "李胜", "吴吉成", "王培义", "徐军德",
            "李国营", "徐光辉", "马文才"}

    def new(self, surname: str | None = None) -> str:
        while True:
            s = surname or self.rng.choice(SURNAMES)
            given = self.rng.choice(GIVEN) + (self.rng.choice(GIVEN) if self.rng.random() < 0.8 else "")
            name = s + given
            if name not in self.used:
                self.used.add(name)
                return name


def _village(name: str) -> VillageSpec:
    return next(v for v in VILLAGES if v.name == name)


def _cards(rng: random.Random, names: _Names) -> list[CardPlan]:
    township = [Cadre(n, "乡干部", p, "乡机关党支部", None) for n, p in TOWNSHIP_CADRES]
    by_name = {c.name: c for c in township}
    plans: list[CardPlan] = []
    village_cadres: dict[str, list[Cadre]] = {}
    members: dict[str, list[Cadre]] = {}
    secretaries: dict[str, str] = {}
    for v in VILLAGES:
        branch = f"{v.name}党支部"
        secretary = "宋海" if v.name == "下营村" else names.new()
        director = "徐军德" if v.name == "汪家墩村" else names.new()
        cadres = [Cadre(secretary, "村干部", "村党支部书记", branch, v.name),
                  Cadre(director, "村干部", "村委会主任", branch, v.name)]
        if v.name != "下营村":
            cadres.append(Cadre(names.new(), "村干部", "村文书", branch, v.name))
        for team in v.team_names:
            leader = "缪红荣" if (v.name, team) == ("下营村", "四社") else names.new()
            cadres.append(Cadre(leader, "社干部", f"{team}社长", branch, v.name, team))
        village_cadres[v.name] = cadres
        count = (v.backward + 1) // 2
        special = {"下营村": ("李胜", "五社"), "汪家墩村": ("王培义", "五社")}.get(v.name)
        members[v.name] = [Cadre(special[0] if special and i == 0 else names.new(), "党员", "党员", branch, v.name,
                                 special[1] if special and i == 0 else rng.choice(v.team_names))
                           for i in range(count)]
        for c in cadres + members[v.name]:
            names.used.add(c.name)
        secretaries[v.name] = secretary

    def plan(village: str, team: str, head: str | None, kind: str, linker: Cadre, **extra) -> CardPlan:
        p = CardPlan(_village(village), team, head or names.new(), kind, linker,
                     reviewer=secretaries[village] if linker.kind != "乡干部" else ORGANISER)
        p.fields.update(extra)
        plans.append(p)
        return p

    # the report's households first, exactly as told
    stories = [
        plan("下营村", "六社", "缪红", "思想保守户", village_cadres["下营村"][0],
             main_problem="过去从不参加村社会议，夫妻不和睦，家庭经济差", industry="玉米制种",
             measures="多次上门谈思想、定计划，担保贷款修牛舍，种玉米制种8亩", year_end_income=3140,
             converted=True, household_size=2),
        plan("下营村", "四社", "缪锋", "思想保守户", next(c for c in village_cadres["下营村"] if c.name == "缪红荣"),
             main_problem="高中毕业后爱打架闹事", industry="玉米制种", measures="多次做工作，引导从事玉米制种和家庭养殖",
             year_end_income=3120, converted=True, household_size=4),
        plan("下营村", "二社", "宋玉林", "致富明星户", by_name["鲁维俭"],
             main_problem="养殖用地不足，扩大规模缺少资金", industry="肉牛育肥",
             measures="协调划拨土地0.5亩、协调贷款7万元建百头牛场", household_size=5),
        plan("倪家营村", "四社", "宋燕林", "致富明星户", by_name["张彩琴"],
             main_problem="家庭经济没有计划，承包地种植分散", industry="玉米制种",
             measures="25亩承包地全部种玉米制种，利用秸秆发展规模养殖，引进奶牛胚胎移植", household_size=4),
        plan("下营村", "五社", "徐学福", "经济落后户", members["下营村"][0],
             main_problem="缺少资金和畜力，人均纯收入仅2500元", industry="草畜",
             measures="帮耕帮畜，担保贷款5000元修建暖棚牛舍", base_income=2500, year_end_income=3500,
             household_size=6),
        plan("汪家墩村", "五社", "吴吉成", "经济落后户", members["汪家墩村"][0],
             main_problem="没有牲畜，缺少化肥", industry="小麦", measures="用自家牲口代耕全部土地，捐助化肥2袋",
             base_income=1600, year_end_income=2900, household_size=5),
        plan("下营村", "三社", "李国营", "致富明星户", by_name["何建国"], main_problem="百头牛场缺少青贮窖",
             industry="肉牛育肥", measures="协调项目资金建青贮窖", household_size=5),
        plan("江淮村", "二社", "徐光辉", "致富明星户", by_name["许光明"], main_problem="养羊百只以上，缺少防疫技术",
             industry="养羊", measures="畜牧兽医站定期上门防疫", household_size=4),
        plan("黄家堡村", "一社", "马文才", "致富明星户", by_name["朱建华"], main_problem="扩大养牛规模缺少资金",
             industry="肉牛育肥", measures="协调贷款，推广胚胎移植", household_size=6),
    ]
    for p in stories:
        p.fixed = p.head in ("缪红", "缪锋", "宋玉林", "宋燕林", "徐学福", "吴吉成")

    # 致富明星户: the 30 township cadres, 5 households each
    slots = []
    for v in VILLAGES:
        have = sum(1 for p in plans if p.village.name == v.name and p.household_type == "致富明星户")
        slots += [v.name] * (v.stars - have)
    rng.shuffle(slots)
    load = {c.name: sum(1 for p in plans if p.linker is c) for c in township}
    queue = [c for c in township for _ in range(5 - load[c.name])]
    for village, cadre in zip(slots, queue, strict=True):
        plan(village, rng.choice(_village(village).team_names), None, "致富明星户", cadre)

    # 思想保守户: the village and team cadres; in 下营村 ten cadres with one household each
    for v in VILLAGES:
        cadres = village_cadres[v.name]
        have = [p for p in plans if p.village.name == v.name and p.household_type == "思想保守户"]
        free = [c for c in cadres if all(p.linker is not c for p in have)]
        for i in range(v.conservative - len(have)):
            cadre = free[i % len(free)]
            plan(v.name, cadre.team or rng.choice(v.team_names), None, "思想保守户", cadre)

    # 经济落后户: the party members, about two households each
    for v in VILLAGES:
        have = [p for p in plans if p.village.name == v.name and p.household_type == "经济落后户"]
        queue = [m for m in members[v.name] for _ in range(2)]
        for m in [p.linker for p in have]:
            queue.remove(m)
        for i in range(v.backward - len(have)):
            m = queue[i]
            team = m.team if rng.random() < 0.7 else rng.choice(v.team_names)
            plan(v.name, team, None, "经济落后户", m)

    # a planted mistake: in 江淮村 a team leader is recorded as linking a 经济落后户 (a warning only)
    jh = next(p for p in plans if p.village.name == "江淮村" and p.household_type == "经济落后户" and not p.fixed)
    jh.linker = next(c for c in village_cadres["江淮村"] if c.kind == "社干部" and c.team == jh.team) \
        if any(c.team == jh.team for c in village_cadres["江淮村"]) else village_cadres["江淮村"][3]
    jh.fields["remarks"] = "社长帮扶困难户"

    _card_fields(rng, plans)
    return plans


def _card_fields(rng: random.Random, plans: list[CardPlan]) -> None:
    """Card numbers, dates, incomes, appraisal and conversion for every plan."""
    seq: dict[str, int] = {}
    conservative = [p for p in plans if p.household_type == "思想保守户"]
    must = [p for p in conservative if p.village.name == "下营村"]  # 该村10名村社干部联系的10名农户全部转化
    others = [p for p in conservative if p not in must]
    converted = set(map(id, must)) | set(map(id, rng.sample(others, REPORT["转化户数"] - len(must))))
    for p in plans:
        story = p.head in ("缪红", "缪锋", "宋玉林", "宋燕林", "徐学福", "吴吉成", "李国营", "徐光辉", "马文才")
        if story or rng.random() < 0.8:
            link = dt.date(YEAR - 1, rng.randint(3, 12), rng.randint(1, 25))
        else:
            link = dt.date(YEAR, rng.randint(1, 6), rng.randint(1, 25))
        seq[p.village.prefix] = seq.get(p.village.prefix, 0) + 1
        kind = p.household_type
        f = p.fields
        f.setdefault("main_problem", rng.choice(MAIN_PROBLEMS[kind]))
        f.setdefault("measures", rng.choice(MEASURES[kind]))
        f.setdefault("industry", rng.choice(INDUSTRIES[kind]))
        f.setdefault("household_size", rng.randint(2, 7))
        f.update(card_no=f"{p.village.prefix}-{link.year}-{seq[p.village.prefix]:03d}", linker=p.linker.name,
                 linker_kind=p.linker.kind, position=p.linker.position, branch=p.linker.branch,
                 village=p.village.name, team=p.team, head=p.head, household_type=kind, link_date=link)
        if kind == "经济落后户":
            f.setdefault("base_income", rng.randrange(1500, 2800, 10))
            if p.village.name == "汪家墩村":  # 全部达到了全村平均水平线
                f.setdefault("year_end_income", rng.randrange(3600, 4200, 10))
            elif rng.random() < 0.7:
                f.setdefault("year_end_income", int(f["base_income"]) + rng.randrange(300, 1300, 10))
        elif kind == "致富明星户" and rng.random() < 0.6:
            base = rng.randrange(6000, 15000, 100)
            f.setdefault("base_income", base)
            f.setdefault("year_end_income", base + rng.randrange(500, 4000, 100))
        if kind == "思想保守户":
            f["converted"] = id(p) in converted if (id(p) in converted or rng.random() < 0.7) else None
        if rng.random() < 0.75:
            f["econ_developed"] = rng.random() < 0.85
            f["thought_progressed"] = rng.random() < 0.8
            f["awareness_improved"] = rng.random() < 0.8
        if rng.random() < 0.35:
            f["id_number"] = _id_number(rng)
        if rng.random() < 0.5:
            f["phone"] = f"1{rng.choice('35789')}{rng.randrange(10**8, 10**9)}"


def _id_number(rng: random.Random) -> str:
    """A made-up resident ID of 临泽县 (620723) with a valid check digit."""
    born = dt.date(rng.randint(1945, 1985), rng.randint(1, 12), rng.randint(1, 28))
    first17 = f"620723{born:%Y%m%d}{rng.randint(1, 999):03d}"
    return first17 + id_check_char(first17)


# --- the diaries -----------------------------------------------------------------------


def _month_days(p: CardPlan) -> list[tuple[int, int]]:
    """(month, first day allowed) for every month of YEAR the card is linked in."""
    link: dt.date = p.fields["link_date"]  # type: ignore[assignment]
    if link.year < YEAR:
        return [(m, 1) for m in range(1, 13)]
    return [(m, link.day if m == link.month else 1) for m in range(link.month, 13)]


def _diaries(rng: random.Random, plans: list[CardPlan]) -> None:
    """Every diary row, with the report's totals met exactly."""
    stories = {p.head: p for p in plans if p.fixed}
    _allocate_interviews(rng, plans)
    rows: list[dict[str, object]] = []  # every row, in the order made
    used: dict[int, set[dt.date]] = {}

    def add(p: CardPlan, day: dt.date, form: str, **extra) -> dict[str, object]:
        used.setdefault(id(p), set()).add(day)
        row: dict[str, object] = {"card_no": p.fields["card_no"], "date": day, "form": form,
                                  "_plan": p, **extra}
        p.diaries.append(row)
        rows.append(row)
        return row

    def free_day(p: CardPlan, month: int, first: int) -> dt.date:
        """A day of ``month`` (or, when it is full, of another month) with no row yet."""
        taken = used.get(id(p), set())
        for _ in range(40):
            day = dt.date(YEAR, month, rng.randint(first, 28))
            if day not in taken:
                return day
            month, first = rng.choice(_month_days(p))
        raise AssertionError("no free day")  # pragma: no cover - needs a card with ~300 rows

    for p in plans:
        months = _month_days(p)
        for month, first in sorted(rng.sample(months, p.interviews)):
            add(p, free_day(p, month, first), "入户访谈", situation=rng.choice(SITUATIONS))
    others = [("电话联系", 430), ("集中座谈", 120), ("其他", 50)]
    for form, n in others:
        for p in rng.choices(plans, k=n):
            month, first = rng.choice(_month_days(p))
            add(p, free_day(p, month, first), form)
    _story_rows(stories)
    _problems(rng, plans)
    _services(rng, rows)
    _deeds(rng, rows)
    _loans(rng, plans)
    _plough(rng, plans)
    _reviews(rng, rows)
    _names_typed(plans)
    for p in plans:
        p.diaries.sort(key=lambda r: (r["date"], r["form"]))
        for r in p.diaries:
            r.pop("_plan", None)


def _allocate_interviews(rng: random.Random, plans: list[CardPlan]) -> None:
    """Interviews per card: about six a year for 乡干部, five for 村社干部, two or three
    for 党员, some cards far short of 三个一; exactly REPORT["入户访谈"] in all."""
    mean = {"致富明星户": 6.0, "思想保守户": 5.0, "经济落后户": 2.4}
    fixed = {"缪红": 11, "缪锋": 8, "宋玉林": 10, "宋燕林": 9, "徐学福": 10, "吴吉成": 8}
    for p in plans:
        cap = len(_month_days(p))
        if p.head in fixed and p.fixed:
            p.interviews = fixed[p.head]
            continue
        want = mean[p.household_type] * cap / 12 * rng.uniform(0.3, 1.7)
        p.interviews = max(0, min(cap, round(want)))
    free = [p for p in plans if not p.fixed]
    diff = REPORT["入户访谈"] - sum(p.interviews for p in plans)
    while diff:
        p = rng.choice(free)
        if diff > 0 and p.interviews < len(_month_days(p)):
            p.interviews += 1
            diff -= 1
        elif diff < 0 and p.interviews > 0:
            p.interviews -= 1
            diff += 1


def _interviews(p: CardPlan) -> list[dict[str, object]]:
    return sorted((r for r in p.diaries if r["form"] == "入户访谈"), key=lambda r: r["date"])


def _story_rows(stories: dict[str, CardPlan]) -> None:
    """What the report tells of each story household, on its later interviews."""
    miao = _interviews(stories["缪红"])
    miao[2].update(problem="缺少建牛舍的资金", is_main_problem=True, solution="宋书记担保贷款",
                   result="协调解决", loans=3000, services=("增收措施", "帮扶项目"), deeds=1)
    miao[5].update(situation="新修牛舍3间，种玉米制种8亩")
    feng = _interviews(stories["缪锋"])
    feng[3].update(problem=stories["缪锋"].fields["main_problem"], is_main_problem=True,
                   solution="多次谈心，引导从事玉米制种和家庭养殖", result="当场解决", services=("政策宣传",))
    song = _interviews(stories["宋玉林"])
    song[1].update(problem="养殖用地不足", is_main_problem=True, solution="协调划拨土地0.5亩", result="协调解决",
                   services=("帮扶项目", "解决问题"), loans=70000, deeds=2)
    song[4].update(situation="百头牛场建成，育肥贩运肉牛", services=("市场信息",))
    yan = _interviews(stories["宋燕林"])
    yan[2].update(problem=stories["宋燕林"].fields["main_problem"], is_main_problem=True,
                  solution="帮助制定家庭经济计划，25亩全部种玉米制种", result="当场解决",
                  services=("实用技术", "增收措施"), deeds=1)
    yan[6].update(situation="新修牛舍3间、羊舍3间，引进奶牛胚胎移植", services=("实用技术",))
    xu = _interviews(stories["徐学福"])
    xu[1].update(problem="缺少资金修建暖棚牛舍", is_main_problem=True, solution="李胜担保贷款5000元",
                 result="协调解决", loans=5000, plough_help=4, services=("帮扶项目",), deeds=1)
    for r in xu[2:7]:
        r["plough_help"] = 3
    wu = _interviews(stories["吴吉成"])
    wu[0].update(problem="没有牲畜，缺少化肥", is_main_problem=True, solution="用自家牲口代耕，捐助化肥2袋",
                 result="当场解决", plough_help=6, services=("解决问题",), deeds=1)
    for r in wu[1:6]:
        r["plough_help"] = 4


def _taken(row: dict[str, object]) -> bool:
    return "problem" in row


def _problems(rng: random.Random, plans: list[CardPlan]) -> None:
    """Main problems solved on exactly REPORT["解决主要问题"] rows, one per card; some
    worked on first (正在办理) and solved later; others still open; side problems."""
    solved_rows = sum(1 for p in plans for r in p.diaries
                      if r.get("is_main_problem") and r.get("result") in ("当场解决", "协调解决"))
    candidates = [p for p in plans if not p.fixed and len(_interviews(p)) >= 2]
    rng.shuffle(candidates)
    chosen = candidates[: REPORT["解决主要问题"] - solved_rows]
    for i, p in enumerate(chosen):
        rows = _interviews(p)
        text = str(p.fields["main_problem"])
        last = rows[-1]
        last.update(problem=text, is_main_problem=True, solution=str(p.fields["measures"]),
                    result="当场解决" if i % 3 == 0 else "协调解决")
        if i % 4 == 1:  # worked on earlier in the year
            rows[0].update(problem=text, is_main_problem=True, solution=str(p.fields["measures"]),
                           result="正在办理")
    still_open = [p for p in candidates[len(chosen):] if _interviews(p)][:22]
    for i, p in enumerate(still_open):
        row = _interviews(p)[-1]
        row.update(problem=str(p.fields["main_problem"]), is_main_problem=True,
                   solution=str(p.fields["measures"]), result="正在办理" if i % 2 else "未解决")
    interviews = [r for p in plans for r in _interviews(p) if not _taken(r)]
    for row in rng.sample(interviews, 190):
        row.update(problem=rng.choice(SIDE_PROBLEMS), solution=rng.choice(SOLUTIONS),
                   result=rng.choice(("当场解决", "当场解决", "协调解决", "正在办理", "未解决")))
        if rng.random() < 0.5:
            row["is_main_problem"] = False


def _services(rng: random.Random, rows: list[dict[str, object]]) -> None:
    """Services on exactly REPORT["提供服务"] rows, mostly on interviews."""
    have = [r for r in rows if r.get("services")]
    interviews = [r for r in rows if r["form"] == "入户访谈" and not r.get("services")]
    calls = [r for r in rows if r["form"] != "入户访谈" and not r.get("services")]
    want = REPORT["提供服务"] - len(have)
    from_calls = 80
    for r in rng.sample(interviews, want - from_calls) + rng.sample(calls, from_calls):
        pool = SERVICE_BY_TYPE[r["_plan"].household_type]  # type: ignore[union-attr]
        picked = rng.sample(pool, rng.choice((1, 1, 1, 2, 2, 3)))
        r["services"] = tuple(s for s in SERVICES if s in picked)


def _deeds(rng: random.Random, rows: list[dict[str, object]]) -> None:
    """办实事 summing to exactly REPORT["办实事"], on rows where something was done."""
    have = sum(int(r.get("deeds", 0)) for r in rows)  # type: ignore[call-overload]
    pool = [r for r in rows if "deeds" not in r and r.get("services")
            and (r.get("result") in ("当场解决", "协调解决") or r["form"] == "入户访谈")]
    remaining = REPORT["办实事"] - have
    doubles = 3
    picked = rng.sample(pool, remaining - doubles)
    for i, r in enumerate(picked):
        r["deeds"] = 2 if i < doubles else 1


def split_total(rng: random.Random, total: int, n: int, lo: int, hi: int, step: int) -> list[int]:
    """``n`` multiples of ``step`` in [lo, hi] summing to exactly ``total``."""
    assert total % step == 0 and lo % step == 0 and n * lo <= total <= n * hi, (total, n, lo, hi)
    values = [lo] * n
    units = (total - n * lo) // step
    while units:
        i = rng.randrange(n)
        if values[i] + step <= hi:
            values[i] += step
            units -= 1
    return values


def _loans(rng: random.Random, plans: list[CardPlan]) -> None:
    """担保贷款 summing to LOANS_TOTAL: the stories' loans, 12.3万 for 汪家墩村's 经济落后户
    (通过党员帮助贷款12.3万元), the rest to star households and members' households."""
    have = sum(float(r.get("loans", 0)) for p in plans for r in p.diaries)  # type: ignore[arg-type]

    def rows_of(pred: Callable[[CardPlan], bool], n: int) -> list[dict[str, object]]:
        cards = [p for p in plans if pred(p) and not p.fixed and any("loans" not in r for r in _interviews(p))]
        out = []
        for p in rng.sample(cards, n):
            out.append(rng.choice([r for r in _interviews(p) if "loans" not in r]))
        return out

    wjd = rows_of(lambda p: p.village.name == "汪家墩村" and p.household_type == "经济落后户", 22)
    stars = rows_of(lambda p: p.household_type == "致富明星户", 60)
    backward = rows_of(lambda p: p.village.name != "汪家墩村" and p.household_type == "经济落后户", 70)
    conservative = rows_of(lambda p: p.household_type == "思想保守户", 15)
    rest = LOANS_TOTAL - int(have) - 123_000 - 245_500 - 70_000
    groups = ((wjd, 123_000, 3000, 8000), (stars, rest, 5000, 30000), (backward, 245_500, 1500, 6000),
              (conservative, 70_000, 2000, 8000))
    for rows, total, lo, hi in groups:
        for r, amount in zip(rows, split_total(rng, total, len(rows), lo, hi, 500), strict=True):
            r["loans"] = amount


def _plough(rng: random.Random, plans: list[CardPlan]) -> None:
    """帮耕帮畜 summing to PLOUGH_TOTAL, by party members for their households."""
    have = sum(int(r.get("plough_help", 0)) for p in plans for r in p.diaries)  # type: ignore[call-overload]
    rows = [r for p in plans if p.household_type == "经济落后户" and not p.fixed
            for r in _interviews(p) if "plough_help" not in r]
    picked = rng.sample(rows, 560)
    for r, n in zip(picked, split_total(rng, PLOUGH_TOTAL - have, len(picked), 1, 6, 1), strict=True):
        r["plough_help"] = n


def _reviews(rng: random.Random, rows: list[dict[str, object]]) -> None:
    """调阅: branches read members' and team cadres' diaries monthly; the township
    reads the township cadres' at month end."""
    for r in rows:
        if rng.random() > 0.35:
            continue
        p: CardPlan = r["_plan"]  # type: ignore[assignment]
        day: dt.date = r["date"]  # type: ignore[assignment]
        end = dt.date(YEAR, day.month, calendar.monthrange(YEAR, day.month)[1])
        r["reviewer"] = p.reviewer
        r["review_date"] = end
        r["review_opinion"] = rng.choice(OPINIONS)


def _names_typed(plans: list[CardPlan]) -> None:
    """Some villages' clerks also write the linker and head on each diary row."""
    for p in plans:
        if p.village.style in ("excel", "chinese", "mixed"):
            for r in p.diaries:
                r["linker"] = p.linker.name
                r["head"] = p.head


# --- typing: what each village's clerk actually typed -----------------------------------

_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _date_as(style: str, day: dt.date, rng: random.Random) -> object:
    if style == "excel":
        return day
    if style == "dash":
        return f"{day.year}-{day.month}-{day.day}"
    if style == "slash":
        return f"{day.year}/{day.month}/{day.day}"
    if style == "dot":
        return f"{day.year}.{day.month}.{day.day}"
    if style == "chinese":
        return f"{day.year}年{day.month}月{day.day}日"
    if style == "compact":
        return f"{day:%Y%m%d}"
    if style == "fullwidth":
        return f"{day.year}年{day.month}月{day.day}日".translate(_FULL)
    return _date_as(rng.choice(("excel", "dash", "slash", "dot", "chinese")), day, rng)


def _number_as(style: str, value: int | float, unit: str, rng: random.Random) -> object:
    n = int(value)
    if style == "dash":
        return f"{n}{unit}"
    if style == "dot":
        return str(n).translate(_FULL)
    if style == "chinese":
        return f"{n:,}"
    if style == "compact" and unit == "元" and n >= 10000 and n % 1000 == 0:
        return f"{n / 10000:g}万"
    if style == "mixed":
        return rng.choice((n, f"{n}{unit}", f"{n:,}", str(n).translate(_FULL)))
    return n


def _yes_as(style: str, value: str) -> str:
    yes = value == "是"
    if style == "slash":
        return "√" if yes else "×"
    if style == "compact":
        return "Y" if yes else "N"
    return value


UNITS = {"base_income": "元", "year_end_income": "元", "loans": "元", "deeds": "件", "plough_help": "次",
         "household_size": "人"}


def type_row(model: CardRow | DiaryRow, style: str, rng: random.Random) -> dict[str, object]:
    """The row as this clerk would have typed it; it reads back as the same model."""
    kinds = {c.name: c.kind for c in columns_of(type(model))}
    typed: dict[str, object] = {}
    for name, value in cells_of(model).items():
        kind = kinds[name]
        if kind == "date":
            value = _date_as(style, value, rng)  # type: ignore[arg-type]
        elif kind in ("number", "whole"):
            value = _number_as(style, value, UNITS.get(name, ""), rng)  # type: ignore[arg-type]
        elif kind == "yesno":
            value = _yes_as(style, str(value))
        elif kind == "many" and style in ("dot", "mixed"):
            value = str(value).replace("、", "，" if style == "dot" else " ")
        if isinstance(value, str) and kind in ("text", "choice") and rng.random() < 0.04:
            value += " "  # a trailing space, as typed
        typed[name] = value
    return typed


# --- the books ------------------------------------------------------------------------------


def _books(rng: random.Random, plans: list[CardPlan], cards: dict[str, CardRow],
           diaries: list[DiaryRow]) -> tuple[list[Book], list[Planted]]:
    village_of = {c.card_no: c.village for c in cards.values()}
    planted: list[Planted] = []
    books: list[Book] = []
    for v in VILLAGES:
        name = f"{v.name}联户带创登记簿.xlsx"
        vcards = [c for c in cards.values() if c.village == v.name]
        vdiaries = sorted((d for d in diaries if village_of[d.card_no] == v.name),
                          key=lambda d: (d.date, d.card_no))
        card_rows = [type_row(c, v.style, rng) for c in vcards]
        diary_rows = [type_row(d, v.style, rng) for d in vdiaries]
        spec = BookSpec(cards=SheetSpec(title=f"{TOWNSHIP}{v.name}联户卡（{YEAR}年）"),
                        diaries=SheetSpec(title=f"{TOWNSHIP}{v.name}联户日记（{YEAR}年）"),
                        guide=True, dropdowns=v.style in ("excel", "dash", "chinese"))
        if v.name in ("倪家营村", "马郡村", "梨园村"):
            spec.diaries.totals_row = True  # a clerk's 合计 row: skipped with a notice
        if v.name == "梨园村":  # columns in the clerk's own order
            spec.cards.order = ("village", "team", "head", "household_type", "card_no", "linker", "linker_kind")
            spec.cards.note = ""
        book = Book(name, card_rows, diary_rows, spec)
        _plant(rng, v, book, vcards, planted)
        books.append(book)
    # two cadres' own books, whose rows repeat those of the village books: counted once
    for owner, style in OWNERS.items():
        own = [c for c in cards.values() if c.linker == owner]
        nos = {c.card_no for c in own}
        own_diaries = sorted((d for d in diaries if d.card_no in nos), key=lambda d: (d.card_no, d.date))
        spec = BookSpec(cards=SheetSpec(title=f"{owner}的联户卡", note=""),
                        diaries=SheetSpec(title=f"{owner}的联户日记", note=""))
        books.append(Book(f"{OWN_FOLDER}/{owner}.xlsx", [type_row(c, style, rng) for c in own],
                          [type_row(d, style, rng) for d in own_diaries], spec, owner=owner))
    return books, planted


def _plant(rng: random.Random, v: VillageSpec, book: Book, vcards: list[CardRow],
           planted: list[Planted]) -> None:
    """The genuine mistakes, each in the village whose clerk made it."""
    assert book.cards is not None and book.diaries is not None
    card_first = header_row(book.spec.cards) + 1
    card_col = column_letters(CardRow, book.spec.cards)
    if v.name == "江淮村":
        i = next(i for i, c in enumerate(vcards) if c.linker_kind == "社干部" and c.household_type == "经济落后户")
        planted.append(Planted(book.name, CardRow.SHEET, f"{card_col['household_type']}{card_first + i}",
                               "unusual-pairing", "社干部联系了经济落后户（三联要求由党员联系）：只是警告，照常计入",
                               extra=False))
        target = next(c for c in vcards if c.household_type == "经济落后户" and c.linker_kind == "党员")
        wrong = target.card_no.replace("-20", "-2O")  # the letter O typed for a zero
        row = {"card_no": wrong, "date": _date_as(v.style, dt.date(YEAR, 9, 6), rng), "form": "入户访谈",
               "situation": "玉米制种已去雄", "services": "实用技术"}
        _insert(book, row, dt.date(YEAR, 9, 6), planted, "card_no", "unknown-card",
                f"卡号“{wrong}”把数字 0 写成了字母 O，找不到联户卡：这一行是多记的，不计入")
    elif v.name == "马郡村":
        target = next(c for c in vcards if c.household_type == "思想保守户")
        row = {"card_no": target.card_no, "date": "2010.9.31", "form": "入户访谈", "situation": "谈心",
               "services": "政策宣传"}
        _insert(book, row, dt.date(YEAR, 9, 30), planted, "date", "bad-date",
                "日期写成“2010.9.31”（9月没有31日）：这一行是多记的，不计入")
    elif v.name == "黄家堡村":
        target = next(c for c in vcards if c.household_type == "经济落后户")
        row = {"card_no": target.card_no, "date": _date_as(v.style, dt.date(YEAR, 11, 12), rng),
               "form": "入户访谈", "problem": "羊圈漏雨", "solution": "帮助修补", "deeds": "1件"}
        _insert(book, row, dt.date(YEAR, 11, 12), planted, "result", "result-required",
                "写了发现问题却没填办理结果：这一行是多记的，不计入")
    elif v.name == "南台村":
        i = next(i for i, c in enumerate(vcards) if c.phone and c.linker not in OWNERS)
        book.cards[i]["phone"] = str(vcards[i].phone)[:-1]  # one digit short
        planted.append(Planted(book.name, CardRow.SHEET, f"{card_col['phone']}{card_first + i}", "bad-phone",
                               "联系电话少写了一位：只是警告，照常计入", extra=False))


def _insert(book: Book, row: dict[str, object], day: dt.date, planted: list[Planted], column: str,
            code: str, what: str) -> None:
    """Put an extra diary row among the others at its date, and remember its cell."""
    assert book.diaries is not None
    assert not any(p.file == book.name and p.sheet == DiaryRow.SHEET for p in planted)
    at = sum(1 for r in book.diaries if _as_date(r["date"]) <= day)  # rows are sorted by date
    book.diaries.insert(at, row)
    first = header_row(book.spec.diaries) + 1
    letter = column_letters(DiaryRow, book.spec.diaries)[column]
    planted.append(Planted(book.name, DiaryRow.SHEET, f"{letter}{first + at}", code, what, extra=True))


def _as_date(value: object) -> dt.date:
    from .values import parse_date

    parsed = parse_date(value)
    assert parsed is not None
    return parsed


def write_township(town: Township, folder: Path) -> list[Path]:
    """Write the books and the roster under ``folder``; returns the books' paths."""
    root = Path(folder) / BOOKS_FOLDER
    paths = []
    for book in town.books:
        path = root / book.name
        write_book(path, book.cards, book.diaries, book.spec)
        paths.append(path)
    roster = Path(folder) / ROSTER_FILE
    lines = ["村,社"] + [f"{v},{t}" for v, teams in town.roster.items() for t in teams]
    from .atomic import write_atomic

    write_atomic(roster, lambda tmp: tmp.write_text("\n".join(lines) + "\n", encoding="utf-8-sig"))
    return paths


# --- running the demo -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figure:
    """One of the report's figures beside what the consolidation gives."""

    label: str
    reported: str
    got: float
    ok: bool


@dataclass(slots=True)
class DemoResult:
    folder: Path
    books: list[Path]
    town: Township
    consolidation: Consolidation
    totals: Path
    found: dict[Planted, object] = field(default_factory=dict)  # planted -> the Issue raised

    @property
    def figures(self) -> list[Figure]:
        return compare(self.consolidation)

    @property
    def as_designed(self) -> bool:
        """The figures are the report's and every planted mistake was found where it is."""
        return all(f.ok for f in self.figures) and len(self.found) == len(self.town.planted)


def compare(c: Consolidation) -> list[Figure]:
    """The report's figures against the consolidated 合计."""
    got = c.total.counts()
    out = [Figure(label, f"{n:,}", got[label], got[label] == n) for label, n in REPORT.items()]
    out.append(Figure("担保贷款(元)", "120余万元", got["担保贷款(元)"], got["担保贷款(元)"] > 1_200_000))
    out.append(Figure("帮耕帮畜", "1700余场次", got["帮耕帮畜"], got["帮耕帮畜"] > 1700))
    return out


def run_demo(folder: Path, jobs: int = 1, progress=None) -> DemoResult:
    """Write the township under ``folder``, consolidate it for 2010 into 汇总表.xlsx."""
    from .consolidate import consolidate
    from .period import parse_period
    from .roster import load_roster
    from .totals_book import write_totals

    folder = Path(folder)
    _refuse_a_folder_in_use(folder)
    town = build_township()
    paths = write_township(town, folder)
    root = folder / BOOKS_FOLDER
    files = [(p, p.relative_to(root).as_posix()) for p in paths]
    c = consolidate(paths, period=parse_period(str(YEAR)), roster=load_roster(folder / ROSTER_FILE),
                    jobs=jobs, progress=progress, title=TOWNSHIP, files=files, collect_issues=[])
    totals = write_totals(c, folder / TOTALS_FILE)
    _write_readme(folder, town)
    found = {}
    for p in town.planted:
        issue = next((i for i in c.report.issues
                      if i.file == p.file and i.sheet == p.sheet and i.cell == p.cell and i.code == p.code), None)
        if issue is not None:
            found[p] = issue
    return DemoResult(folder=folder, books=paths, town=town, consolidation=c, totals=totals, found=found)


README_FILE = "演示说明.txt"
README_MARK = "lianhu demo 生成"


def _refuse_a_folder_in_use(folder: Path) -> None:
    """The demo writes 名册.csv, 汇总表.xlsx and village books named after real villages (下营村…):
    in a clerk's working folder it would replace her roster, her totals and a village's register
    with invented ones. Only a new or empty folder, or an earlier demo's, is written to."""
    from .errors import LianhuError

    if folder.exists() and not folder.is_dir():
        raise LianhuError(f"“{folder}”是一个文件，不是文件夹。请给演示另起一个新的文件夹名，例如 {lianhu_command()} demo 演示乡。")
    if not folder.is_dir():
        return
    found = sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
    if not found:
        return
    try:
        earlier = README_MARK in (folder / README_FILE).read_text(encoding="utf-8-sig")[:200]
    except (OSError, UnicodeDecodeError):
        earlier = False
    if not earlier:
        shown = "、".join(found[:5]) + (" 等" if len(found) > 5 else "")
        raise LianhuError(f"文件夹“{folder}”里已有文件（{shown}），不是以前生成的演示乡镇。演示会写入虚构的名册.csv、"
                          f"汇总表.xlsx 和各村登记簿，覆盖同名文件。请另起一个新的文件夹名，例如 {lianhu_command()} demo 演示乡；"
                          "原有文件没有改动。")


def _write_readme(folder: Path, town: Township) -> None:
    """A note beside the books: where the figures come from and which mistakes are planted."""
    from .atomic import write_atomic

    lines = [f"演示乡镇：{TOWNSHIP}（lianhu demo 生成，人名和数字为虚构）", "",
             "按 2010 年报道《深化“双培双带”工程实施“联户带创”活动纪实》构造：按标准的统计规则汇总 2010 年，"
             "各项合计正好是报道的数字：",
             "  " + "，".join(f"{k} {v}" for k, v in REPORT.items()) + f"，担保贷款 {LOANS_TOTAL:,} 元（报道：120余万元），"
             f"帮耕帮畜 {PLOUGH_TOTAL:,} 次（报道：1700余场次）。",
             "", CONVERSION_NOTE, "",
             "故意留下的错误和警告（有错误的行是在构成报道数字的行之外多加的，按标准不计入，所以不影响上面的数字）："]
    lines += [f"  {p.file} {p.where}：{p.what}" for p in town.planted]
    lines += ["", f"{BOOKS_FOLDER}/{OWN_FOLDER}/ 里是两名干部自己的登记簿，内容与村里的登记簿相同：汇总时只计一次。"]
    write_atomic(folder / README_FILE, lambda tmp: tmp.write_text("\n".join(lines) + "\n", encoding="utf-8-sig"))


def render(result: DemoResult, width: int | None = None) -> str:
    """What the demo prints: the books, the planted mistakes at their cells, the 汇总
    table, the report's figures beside ours, and the note on 转化率."""
    from .issues import severity_zh
    from .totals_book import pad, text_table
    from .xl_text import text_width

    c = result.consolidation
    folder = result.folder
    villages = len(VILLAGES)
    own = [b for b in result.town.books if b.owner]
    lines = [
        f"演示乡镇：{TOWNSHIP}（按 2010 年报道《深化“双培双带”工程实施“联户带创”活动纪实》构造，数据为虚构）",
        f"已写出 {len(result.books)} 个登记簿到 {folder / BOOKS_FOLDER}：{villages} 个村各一本，"
        f"另有{'、'.join(b.owner for b in own)}自己的登记簿（与村里的登记簿重复，只计一次）；名册 {folder / ROSTER_FILE}。",
        "日期和数字按各村填表人的习惯填写：Excel 日期、2010-9-6、2010/9/6、2010.9.6、2010年9月6日、"
        "20100906、全角数字、3000元、3,000、1.2万、√/×、Y/N、多余空格、合计行。",
        "",
        "校验：" + _headline(c.report),
        "演示中故意留下的错误和警告（都已按单元格找到）：" if result.as_designed else "演示中故意留下的错误和警告：",
    ]
    for p in result.town.planted:
        issue = result.found.get(p)
        if issue is None:
            lines.append(f"  未找到！ {p.file} {p.where}（{p.code}）")
            continue
        lines.append(f"  {severity_zh(issue.severity)}  {p.file}  {issue.message}")  # type: ignore[attr-defined]
        lines.append(f"        → {p.what}")
    dup_cards = sum(1 for i in c.report.issues if i.code == "duplicate-card")
    dup_diaries = sum(1 for i in c.report.issues if i.code == "duplicate-diary")
    totals_rows = sum(1 for i in c.report.issues if i.code == "totals-row")
    lines.append(f"另外：个人登记簿与村登记簿重复的联户卡 {dup_cards} 张、日记 {dup_diaries} 条各只计一次（警告）；"
                 f"填表人加的合计行 {totals_rows} 个已跳过（提示）。")
    extra = sum(1 for p in result.town.planted if p.extra)
    lines.append(f"有错误的 {extra} 行是在构成报道数字的行之外多加的，按标准不计入，所以下面的数字正好是报道的数字。")
    lines += ["", text_table(c, width), "", "与报道对照（合计）："]
    label_w = max(text_width(f.label) for f in result.figures) + 2
    for f in result.figures:
        got = f"{f.got:,.0f}"
        mark = "一致" if f.ok else "不一致！"
        lines.append(f"  {pad(f.label, label_w)}报道 {pad(f.reported, 10, True)}    汇总 {got:>10}   {mark}")
    lianhu = lianhu_command()
    lines += ["", CONVERSION_NOTE, "", f"汇总表已保存：{result.totals}",
              "自己试一试：",
              f"  {lianhu} validate {_arg(folder / BOOKS_FOLDER)} --roster {_arg(folder / ROSTER_FILE)} "
              "--report 问题清单.xlsx",
              f"  {lianhu} consolidate {_arg(folder / BOOKS_FOLDER)} -o 汇总表.xlsx --period 2010 --title {TOWNSHIP} "
              f"--roster {_arg(folder / ROSTER_FILE)}",
              f"  {lianhu} merge {_arg(folder / BOOKS_FOLDER / OWN_FOLDER)} -o 支部合并.xlsx"]
    return "\n".join(lines)


def lianhu_command() -> str:
    """How to type lianhu in this terminal. ``python3 dev.py demo`` installs into ``.venv``, which is
    not on PATH: a suggested ``lianhu validate …`` would be “command not found”. So the script beside
    this Python is named by its path, unless PATH finds that very script."""
    script = Path(sys.executable).parent / ("lianhu.exe" if os.name == "nt" else "lianhu")
    on_path = shutil.which("lianhu")
    if on_path and (not script.is_file() or Path(on_path).resolve() == script.resolve()):
        return "lianhu"
    if not script.is_file():
        return f"{_arg(Path(sys.executable))} -m lianhu_xl"
    try:  # .venv/bin/lianhu from the project folder; the whole path from elsewhere (or another drive)
        shown = os.path.relpath(script)
    except ValueError:
        shown = str(script)
    if shown.startswith(".."):
        shown = str(script)
    elif os.sep not in shown:
        shown = os.path.join(".", shown)
    return f'"{shown}"' if any(ch.isspace() for ch in shown) else shown


def _arg(path: Path) -> str:
    """A path as it must be typed in a command (cmd.exe or a shell): in double quotes when it
    holds a space, so that the suggested command runs when pasted."""
    text = str(path)
    return f'"{text}"' if any(ch.isspace() for ch in text) else text


def _headline(report) -> str:
    counts = report.counts()
    return (f"共 {len(report.files)} 个文件，错误 {counts['error']} 处，警告 {counts['warning']} 处，"
            f"提示 {counts['notice']} 处。")
