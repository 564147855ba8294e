"""The standard workbook (联户带创登记簿), version 1, as Pydantic models.

These models are the single source of truth: every column's label, type, rule,
dropdown choices, help text and example live here, and the template, the reader,
the messages and the field reference are all derived from them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import partial
from math import copysign
from operator import itemgetter
from time import localtime, mktime, time
from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from . import values as v
from .catalogue import CATALOGUE
from .standard_names import CARD_SHEET, DIARY_SHEET, GUIDE_SHEET, STANDARD_VERSION, WORKBOOK_NAME  # noqa: F401 - the standard's own

LINKER_KINDS = ("乡干部", "村干部", "社干部", "党员")
HOUSEHOLD_TYPES = ("致富明星户", "思想保守户", "经济落后户")
EXPECTED_PAIRING = {
    "乡干部": "致富明星户",
    "村干部": "思想保守户",
    "社干部": "思想保守户",
    "党员": "经济落后户",
}
FORMS = ("入户访谈", "电话联系", "集中座谈", "其他")
RESULTS = ("当场解决", "协调解决", "正在办理", "未解决")
SOLVED = ("当场解决", "协调解决")
# numbers above these are asked about (large-number), never refused: a slip of extra 0s, or
# 万元 taken for 元. 2010 rural incomes were a few thousand yuan a head; a household's
# guaranteed loan a few tens of thousands (the township's year of them: 1.2 million)
INCOME_CHECK = 100_000
LOAN_CHECK = 200_000
SMALL_LOAN = 100  # yuan: no guaranteed loan is smaller; a figure under it was typed in 万元
SERVICES = ("政策宣传", "实用技术", "市场信息", "帮扶项目", "解决问题", "增收措施")
YESNO = ("是", "否")
_SERVICES = frozenset(SERVICES)

Kind = Literal["text", "choice", "many", "date", "whole", "number", "yesno", "id", "phone"]

Finding = tuple[str, str, dict[str, object]]
"""One problem of a row: (catalogue code, field name, message fields)."""


@dataclass(frozen=True, slots=True)
class Column:
    """What the standard says about one column; read off a model field."""

    name: str
    label: str
    kind: Kind
    required: bool
    help: str
    example: str
    choices: tuple[str, ...] = ()
    ge: float | None = None
    le: float | None = None
    width: int = 12
    aliases: tuple[str, ...] = ()  # other names clerks give the column, read as this one
    check_above: float | None = None  # a larger number is asked about (``large-number``, a warning)

    @property
    def rule(self) -> str:
        """The rule in a clerk's words, for the 填表说明 sheet and the docs."""
        parts = ["必填" if self.required else "选填"]
        if self.kind == "choice":
            parts.append("从下拉列表选：" + "、".join(self.choices))
        elif self.kind == "many":
            parts.append("可选多项：" + "、".join(self.choices) + "，用顿号分开")
        elif self.kind == "date":
            parts.append("日期，如 2010-9-6 或 2010年9月6日")
        elif self.kind == "whole":
            parts.append("整数" + _range_text(self.ge, self.le) + self._above_text())
        elif self.kind == "number":
            parts.append("数字" + _range_text(self.ge, self.le) + "，可带单位" + self._above_text())
        elif self.kind == "yesno":
            parts.append("填“是”或“否”")
        elif self.kind == "id":
            parts.append("18 位身份证号（单元格为文本），校验位须正确")
        elif self.kind == "phone":
            parts.append("11 位手机号或带区号的固定电话")
        return "；".join(parts)

    def _above_text(self) -> str:
        return f"，超过 {self.check_above:g} 会提醒核对" if self.check_above is not None else ""


def _range_text(ge: float | None, le: float | None) -> str:
    fmt = lambda x: str(int(x)) if float(x).is_integer() else str(x)  # noqa: E731
    if ge is not None and le is not None:
        return f"，{fmt(ge)}–{fmt(le)}"
    if ge is not None:
        return f"，不小于 {fmt(ge)}"
    return ""


def _col(label: str, kind: Kind, help: str, example: str, *, required: bool = False,
         choices: tuple[str, ...] = (), ge: float | None = None, le: float | None = None,
         width: int = 12, aliases: tuple[str, ...] = (), default: Any = None,
         check_above: float | None = None) -> Any:
    """A model field carrying the column's metadata."""
    extra = {"label": label, "kind": kind, "required": required, "help": help,
             "example": example, "choices": list(choices), "ge": ge, "le": le, "width": width,
             "aliases": list(aliases), "check_above": check_above}
    return Field(default=default, title=label, description=help, examples=[example],
                 json_schema_extra=extra)


def _required(parser):
    """Wrap a parser so an empty cell becomes the 'required' problem."""

    def parse(value: object) -> Any:
        result = parser(value)
        if result is None or result == ():
            raise v.problem("required")
        return result

    return parse


def _in_range(parser, ge: float | None, le: float | None):
    def parse(value: object) -> Any:
        result = parser(value)
        if result is not None and ((ge is not None and result < ge) or (le is not None and result > le)):
            hi = "以上" if le is None else f"{le:g}"
            raise v.problem("out-of-range", expected=f"{ge:g}–{hi}" if le is not None else f"{ge:g} 及以上")
        return result

    return parse


def _t(parser, required: bool = False):
    return BeforeValidator(_required(parser) if required else parser)


Text = Annotated[str | None, _t(v.parse_text)]
Note = Annotated[str | None, _t(v.parse_note)]  # optional text where “无”, “没有”, “—” mean blank
ReqText = Annotated[str, _t(v.parse_text, True)]
Name = Annotated[str | None, _t(v.parse_name)]  # a person or a place: 李　四 is 李四
ReqName = Annotated[str, _t(v.parse_name, True)]
CardNo = Annotated[str, _t(v.parse_card_no, True)]
ReqDate = Annotated[date, _t(v.parse_date, True)]
OptDate = Annotated[date | None, _t(v.parse_date)]
LinkDate = Annotated[date, _t(v.parse_link_date, True)]  # 2010年3月 too: a link is counted by its month


def _yesno(word: str) -> Any:
    """是/否 for a column asking about ``word`` (转化): its own words read (已转化), another's not."""
    return _t(partial(v.parse_yesno, word=word))


# each yes/no column reads its own words only: 是否转化 有进步 (the appraisal's word) is no 是
Developed = Annotated[bool | None, _yesno("发展")]
Progressed = Annotated[bool | None, _yesno("进步")]
Improved = Annotated[bool | None, _yesno("提高")]
Converted = Annotated[bool | None, _yesno("转化")]
MainProblem = Annotated[bool | None, _yesno("主要问题")]


def _choice(choices: tuple[str, ...], required: bool) -> Any:
    return _t(partial(v.parse_choice, choices=choices), required)


def _number(ge: float | None, le: float | None = None, whole: bool = False) -> Any:
    return BeforeValidator(_in_range(v.parse_whole if whole else v.parse_amount, ge, le))


class StandardRow(BaseModel):
    """Shared behaviour of the two row models.

    Field rules live on the fields; the rules between fields of one row live in
    ``row_rules``, which works on whatever fields could be read, so that a row
    with a bad cell still shows its other problems (see ``check_row``). A model
    instance exists only for a row without any error.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", validate_default=True)
    SHEET: ClassVar[str]
    ROW_RULES: ClassVar[tuple[str, ...]] = ()  # the codes ``row_rules`` can give, for the docs

    @classmethod
    def row_rules(cls, f: Mapping[str, Any]) -> list[Finding]:
        """Errors and warnings between the fields of one row.

        ``f`` holds the fields that were read (empty ones as None); a field whose
        cell could not be read is absent, and the rules that need it stay silent.
        """
        return []

    def findings(self) -> list[Finding]:
        """The row's own warnings (a model never exists with a row error)."""
        return type(self).row_rules(self.__dict__)  # the fields; dict(self) costs ~10 µs a row

    @model_validator(mode="after")
    def _no_row_error(self) -> StandardRow:
        for code, name, ctx in self.findings():
            if CATALOGUE[code].severity == "error":
                raise v.problem(code, field=name, **ctx)
        return self


class CardRow(StandardRow):
    """Sheet 联户卡: one row per linked household."""

    SHEET: ClassVar[str] = CARD_SHEET
    ROW_RULES: ClassVar[tuple[str, ...]] = ("future-date", "unusual-pairing", "bad-phone", "income-expected",
                                            "conversion-not-applicable", "large-number")

    card_no: CardNo = _col("卡号", "text", "联户卡编号，本乡唯一", "XY-2010-001", required=True, width=12, aliases=("联户卡号", "卡片编号", "联户卡编号"))
    linker: ReqName = _col("联系人", "text", "联系这一户的干部或党员姓名", "王明", required=True, width=8,
                                 aliases=("联系人姓名", "联系干部", "联户干部", "干部姓名", "帮扶人", "帮扶责任人", "结对帮扶人"))
    linker_kind: Annotated[str, _choice(LINKER_KINDS, True)] = _col(
        "联系人类别", "choice", "联系人的身份", "乡干部", required=True, choices=LINKER_KINDS, width=8, aliases=("联系人身份", "联系人类型"))
    position: Text = _col("职务", "text", "联系人的职务", "副乡长", width=9, aliases=("联系人职务",))
    branch: Text = _col("所属支部", "text", "联系人所在党支部", "下营村党支部", width=10, aliases=("支部", "所在支部", "党支部", "所在党支部", "所属党支部"))
    village: ReqName = _col("村", "text", "联系户所在行政村", "下营村", required=True, width=8, aliases=("行政村", "村名", "所在村", "村别", "所属村"))
    team: ReqName = _col("社", "text", "联系户所在村民小组（社）", "六社", required=True, width=6, aliases=("组", "小组", "村民小组", "所在社", "社别", "组别", "所在组", "社名"))
    head: ReqName = _col("户主", "text", "联系户户主姓名", "李进忠", required=True, width=8, aliases=("户主姓名", "联系户户主", "户主名", "联系户姓名", "联系对象", "联户对象", "被联系户", "被联系人", "农户姓名", "户名"))
    household_type: Annotated[str, _choice(HOUSEHOLD_TYPES, True)] = _col(
        "联系户类型", "choice", "致富明星户由乡干部联系，思想保守户由村社干部联系，经济落后户由党员联系",
        "致富明星户", required=True, choices=HOUSEHOLD_TYPES, width=11, aliases=("联系户类别", "农户类型", "农户类别", "户类型"))
    household_size: Annotated[int | None, _number(1, 30, whole=True)] = _col(
        "家庭人口", "whole", "联系户家庭人口数", "5", ge=1, le=30, width=7, aliases=("家庭人口数", "人口数", "人口"))
    id_number: Annotated[str | None, _t(v.parse_id_number)] = _col(
        "身份证号", "id", "户主身份证号（只在本簿中保存，汇总时不显示）", "620702198001011231", width=19, aliases=("身份证号码", "户主身份证号", "户主身份证号码", "身份证"))
    phone: Note = _col("联系电话", "phone", "户主联系电话", "13912345678", width=12, aliases=("电话", "电话号码", "手机号码", "手机", "手机号", "联系方式"))
    industry: Text = _col("主导产业", "text", "这一户的主导产业", "玉米制种", width=9, aliases=("主导产业项目", "产业", "主要产业"))
    link_date: LinkDate = _col("结对日期", "date", "开始联系这一户的日期，不能晚于今天", "2010-3-1", required=True, width=11, aliases=("结对时间", "结对年月日", "结对年月", "结对帮扶日期", "结对帮扶时间"))
    base_income: Annotated[float | None, _number(0)] = _col(
        "基期人均纯收入(元)", "number", "结对时的人均纯收入，经济落后户应填", "2500", ge=0, width=9,
        aliases=("结对时人均纯收入", "年初人均纯收入", "上年人均纯收入"), check_above=INCOME_CHECK)
    main_problem: ReqText = _col("主要问题", "text", "这一户最需要解决的问题", "缺少制种技术", required=True, width=16,
                                 aliases=("存在的主要问题", "存在问题", "主要困难", "存在的主要困难", "主要困难和问题"))
    measures: Text = _col("帮扶措施", "text", "打算怎样帮、怎样带", "联系农技站上门指导", width=16,
                          aliases=("帮扶计划", "增收计划", "帮扶措施及计划", "帮扶计划及措施"))
    year_end_income: Annotated[float | None, _number(0)] = _col(
        "年末人均纯收入(元)", "number", "年末的人均纯收入", "3500", ge=0, width=9, aliases=("年末人均收入", "当年人均纯收入"),
        check_above=INCOME_CHECK)
    econ_developed: Developed = _col("经济有发展", "yesno", "年末评议：经济上是否有发展", "是", choices=YESNO, width=7,
                                 aliases=("经济是否有发展", "经济上是否有发展", "经济上有发展"))
    thought_progressed: Progressed = _col("思想有进步", "yesno", "年末评议：思想上是否有进步", "是", choices=YESNO, width=7,
                                     aliases=("思想是否有进步", "思想上是否有进步", "思想上有进步"))
    awareness_improved: Improved = _col("认识有提高", "yesno", "年末评议：认识上是否有提高", "是", choices=YESNO, width=7,
                                     aliases=("认识是否有提高", "认识上是否有提高", "认识上有提高"))
    converted: Converted = _col("是否转化", "yesno", "思想保守户是否已经转化", "否", choices=YESNO, width=7,
                           aliases=("是否已转化", "是否已经转化", "转化情况", "转化与否", "转化"))
    remarks: Text = _col("备注", "text", "其他需要说明的情况", "", width=10)

    @classmethod
    def row_rules(cls, f: Mapping[str, Any]) -> list[Finding]:
        out: list[Finding] = []
        linked = f.get("link_date")
        if linked is not None and linked > _today():  # 2100 for 2010: the months it expects would start then
            out.append(("future-date", "link_date", {}))
        kind, household = f.get("linker_kind"), f.get("household_type")
        if kind and household and household != EXPECTED_PAIRING[kind]:
            out.append(("unusual-pairing", "household_type",
                        {"detail": kind, "expected": EXPECTED_PAIRING[kind]}))
        phone = f.get("phone")
        if phone and not v.phone_ok(phone):
            out.append(("bad-phone", "phone", {}))
        if household == "经济落后户" and "base_income" in f and f["base_income"] is None:
            out.append(("income-expected", "base_income", {}))
        if f.get("converted") is not None and household and household != "思想保守户":
            out.append(("conversion-not-applicable", "converted", {"detail": household}))
        _large_numbers(cls, f, out)
        return out


class DiaryRow(StandardRow):
    """Sheet 联户日记: one row per contact with the household."""

    SHEET: ClassVar[str] = DIARY_SHEET
    ROW_RULES: ClassVar[tuple[str, ...]] = ("future-date", "result-required", "solution-expected",
                                            "unknown-service", "review-before-date", "large-number", "small-loan")

    card_no: CardNo = _col("卡号", "text", "这条日记属于哪张联户卡", "XY-2010-001", required=True, width=12,
                          aliases=("联户卡号", "联户卡编号", "卡片编号"))
    date: ReqDate = _col("日期", "date", "联系的日期，不能晚于今天", "2010-9-6", required=True, width=11,
                          aliases=("联系日期", "记录日期", "访谈日期", "走访日期", "联系时间", "走访时间", "访谈时间", "时间",
                                   "年月日", "月日", "月/日", "月.日"))
    linker: Name = _col("联系人", "text", "联系人姓名（可不填，填了须与联户卡一致）", "王明", width=8, aliases=("联系人姓名", "干部姓名", "帮扶人", "帮扶责任人"))
    head: Name = _col("户主", "text", "户主姓名（可不填，填了须与联户卡一致）", "李进忠", width=8, aliases=("户主姓名", "联系户姓名", "联系对象", "联户对象", "被联系户", "被联系人", "农户姓名"))
    form: Annotated[str, _choice(FORMS, True)] = _col(
        "形式", "choice", "这次联系的形式；每月至少一次入户访谈", "入户访谈", required=True, choices=FORMS, width=9,
        aliases=("联系形式", "联系方式", "访谈形式", "方式", "走访形式", "走访方式", "访谈方式"))
    situation: Text = _col("生产生活情况", "text", "这一户的生产生活情况", "玉米制种 12 亩，长势良好", width=20,
                           aliases=("家庭生产生活情况", "生产生活状况", "了解情况", "访谈内容", "走访内容"))
    problem: Note = _col("发现问题", "text", "这次发现的问题；没有就空着（写“无”也按空白算）", "缺少滴灌设备", width=16,
                   aliases=("发现的问题", "存在问题", "存在的问题", "发现的主要问题"))
    is_main_problem: MainProblem = _col("是否主要问题", "yesno", "是不是这一户的主要问题；不填按“否”", "否",
                                  choices=YESNO, width=7, aliases=("是否为主要问题", "是否是主要问题", "是否主要", "是否属主要问题", "是否属于主要问题", "主要问题(是/否)"))
    solution: Note = _col("解决办法", "text", "打算怎样解决（填了发现问题就应填写）", "协调水管站", width=16,
                      aliases=("解决措施", "解决方法", "解决办法及措施", "解决问题的办法", "解决的办法", "解决问题办法"))
    result: Annotated[str | None, _choice(RESULTS, False)] = _col(
        "办理结果", "choice", "填了发现问题就必须填写", "协调解决", choices=RESULTS, width=9,
        aliases=("处理结果", "办理情况", "解决结果", "处理情况", "解决情况"))
    services: Annotated[tuple[str, ...], BeforeValidator(v.parse_many)] = _col(
        "服务类别", "many", "这次提供的服务，可多选，用顿号分开", "政策宣传、实用技术", choices=SERVICES, width=16,
        default=(), aliases=("服务内容", "服务类型", "服务项目", "提供服务", "服务情况", "提供服务类别", "服务种类"))
    deeds: Annotated[int | None, _number(0, whole=True)] = _col(
        "办实事(件)", "whole", "为这一户办的实事件数", "1", ge=0, width=9, aliases=("办实事件数", "办实事数", "为民办实事", "办实事件"),
        check_above=10)
    loans: Annotated[float | None, _number(0)] = _col(
        "担保贷款(元)", "number", "为这一户担保的贷款金额", "3000", ge=0, width=9,
        aliases=("担保贷款金额", "担保贷款数额", "担保贷款额", "贷款担保", "担保贷款数", "担保贷款元", "贷款金额", "贷款"),
        check_above=LOAN_CHECK)
    plough_help: Annotated[int | None, _number(0, whole=True)] = _col(
        "帮耕帮畜(次)", "whole", "帮耕帮畜的次数", "1", ge=0, width=7, aliases=("帮耕帮畜次数", "帮耕帮畜数", "帮耕帮畜次", "帮耕"),
        check_above=20)
    reviewer: Name = _col("调阅人", "text", "调阅日记的支部或乡党委负责人", "张书记", width=8, aliases=("调阅人签字", "调阅人签名", "审阅人"))
    review_date: OptDate = _col("调阅日期", "date", "调阅的日期，不早于日记日期", "2010-9-30", width=11, aliases=("调阅时间",))
    review_opinion: Text = _col("调阅意见", "text", "调阅意见", "已阅，抓紧落实", width=14, aliases=("审阅意见",))

    @property
    def solved_main_problem(self) -> bool:
        return bool(self.is_main_problem) and self.result in SOLVED

    @classmethod
    def row_rules(cls, f: Mapping[str, Any]) -> list[Finding]:
        out: list[Finding] = []
        day = f.get("date")
        if day is not None and day > _today():
            out.append(("future-date", "date", {}))
        problem = f.get("problem")
        if problem and "result" in f and not f["result"]:
            out.append(("result-required", "result", {"expected": "、".join(RESULTS)}))
        if problem and "solution" in f and not f["solution"]:
            out.append(("solution-expected", "solution", {}))
        services = f.get("services")
        unknown = [s for s in services if s not in SERVICES] if services and not _SERVICES.issuperset(services) else None
        if unknown:
            out.append(("unknown-service", "services",
                        {"value": "、".join(unknown), "expected": "、".join(SERVICES)}))
        review = f.get("review_date")
        if review is not None and day is not None and review < day:
            out.append(("review-before-date", "review_date", {"expected": day.isoformat()}))
        loans = f.get("loans")
        if loans is not None and 0 < loans < SMALL_LOAN:  # 3 under 担保贷款(元): 3 万元 typed in 万
            out.append(("small-loan", "loans", {"expected": f"{loans * 10_000:g}"}))
        _large_numbers(cls, f, out)
        return out


def _large_numbers(model: type[StandardRow], f: Mapping[str, Any], out: list[Finding]) -> None:
    """A number above its column's ``check_above`` (30000000 for 3000, a phone number pasted into
    担保贷款): asked about, still counted; the township's year of loans was 1.2 million yuan."""
    above = _ABOVE.get(model)
    if above is None:
        above = _ABOVE[model] = tuple((c.name, c.check_above, "，或把万元当成了元" if c.kind == "number" else "")
                                      for c in columns_of(model) if c.check_above is not None)
    for name, limit, detail in above:
        value = f.get(name)
        if value is not None and value > limit:
            out.append(("large-number", name, {"expected": f"{limit:g}", "detail": detail}))


_ABOVE: dict[type, tuple[tuple[str, float, str], ...]] = {}


# free-text notes (Note): two copies of one entry that write the same note with another width,
# spacing or closing mark say the same thing (validate compares them by values.note_key)
NOTE_FIELDS = frozenset(name for model in (CardRow, DiaryRow) for name, info in model.model_fields.items()
                        if any(getattr(m, "func", None) is v.parse_note for m in info.metadata))


def _today() -> date:
    """``date.today()``, which costs as much as the rest of a diary row's rules: remembered
    while the clock stays within the day it was read on."""
    now = time()
    if _day_start <= now < _day_end:
        return _day
    return _new_day(now)


def _new_day(now: float) -> date:
    global _day, _day_start, _day_end
    day = date.fromtimestamp(now)  # what date.today() is
    start, end = mktime(day.timetuple()), mktime((day + timedelta(days=1)).timetuple())
    # remembered only for a plain day: local midnight to midnight at one UTC offset
    # (a day with a daylight-saving change is read off the clock every time)
    if (start <= now < end and date.fromtimestamp(start) == day and date.fromtimestamp(end) != day
            and localtime(start).tm_gmtoff == localtime(end - 1).tm_gmtoff):
        _day, _day_start, _day_end = day, start, end
    return day


_day, _day_start, _day_end = date.min, 0.0, 0.0


class RowCheck:
    """One row checked: what could be read, every problem, and the model when it has no error.

    ``ok`` says whether the row has no error (no cell failed, no row rule gave an error).
    ``model`` is that row's model instance, or None; on the fast path it is built when
    first read, from ``fields`` and the row's columns, so a caller that only needs
    ``ok`` and ``fields`` never pays for it.
    """

    __slots__ = ("ok", "fields", "problems", "_model", "_kind", "_values")

    def __init__(self, model: StandardRow | None, fields: dict[str, Any],
                 problems: list[Finding] | None = None) -> None:
        self.ok = model is not None
        self.fields = fields  # the fields that were read; a field that could not be is absent
        self.problems = [] if problems is None else problems  # field problems first, then row rules
        self._model = model
        self._kind: type[StandardRow] | None = None
        self._values: Mapping[str, object] | None = None

    @property
    def model(self) -> StandardRow | None:
        if self._model is None and self.ok and self._kind is not None:
            self._model = _construct(self._kind, self.fields, self._values)  # type: ignore[arg-type]
            self._values = None
        return self._model

    def __repr__(self) -> str:
        return f"RowCheck(ok={self.ok!r}, fields={self.fields!r}, problems={self.problems!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RowCheck):
            return NotImplemented
        return (self.ok, self.fields, self.problems, self.model) == (other.ok, other.fields, other.problems, other.model)

    __hash__ = None  # type: ignore[assignment]  # mutable, like the dataclass it was


def _construct(model: type[StandardRow], fields: dict[str, Any], values: Mapping[str, object]) -> StandardRow:
    """The instance ``model.model_validate(values)`` gives, from fields already validated:
    the same ``__dict__`` (field order), fields-set (the columns the row had), no extra, no
    private attributes. What ``BaseModel.model_construct`` does, without its defaults pass."""
    names = _NAMES.get(model)
    if names is None:
        names = _NAMES[model] = frozenset(model.model_fields)  # model_fields costs ~0.5 µs a read
    row = model.__new__(model)
    setattr_ = object.__setattr__
    setattr_(row, "__dict__", dict(fields))
    keys = values.keys()  # the columns the row has: a new set for each row, as Pydantic gives
    setattr_(row, "__pydantic_fields_set__", set(names) if keys >= names else keys & names)
    setattr_(row, "__pydantic_extra__", None)
    setattr_(row, "__pydantic_private__", None)
    return row


_NAMES: dict[type, frozenset[str]] = {}
_FALLBACK = {"date": "bad-date", "whole": "not-whole", "number": "bad-number", "yesno": "bad-yesno",
             "id": "bad-id-number"}


def check_row(model: type[StandardRow], values: Mapping[str, object]) -> RowCheck:
    """Parse one row; when a cell is wrong, still run every other check on the cells
    that were read, so the cadre sees all the row's problems at once.

    Speed: registers repeat their cells (village, team, names, forms, dates, amounts, a
    card's number on each of its diary rows), so each field remembers what its own
    validation made of each value it has seen (see ``_compile``); a row whose cells are
    all good costs a few dictionary look-ups and the row rules. A row with a cell that
    fails takes the full Pydantic path (``_check_row_reference``), so its problems are
    exactly the ones Pydantic reports. Same results either way: tests/test_row_speedpath.py.
    """
    read = _READERS.get(model)
    if read is None:
        read = _compile(model)
    fields = read(values)
    if fields is None:
        return _check_row_reference(model, values)
    problems = model.row_rules(fields)
    for code, _name, _ctx in problems:
        if _IS_ERROR[code]:  # the model's own validator refuses the row: say it as Pydantic does
            return _check_row_reference(model, values)
    check = RowCheck.__new__(RowCheck)
    check.ok = True
    check.fields = fields
    check.problems = problems
    check._model = None
    check._kind = model
    check._values = values
    return check


def check_fields(model: type[StandardRow], values: Mapping[str, object]) -> tuple[bool, dict[str, Any], list[Finding]]:
    """``check_row`` as (ok, fields, problems), without a RowCheck: what a book's loop over
    its rows needs (the model of a row is made later, from the store, when a rule asks)."""
    read = _READERS.get(model)
    if read is None:
        read = _compile(model)
    fields = read(values)
    if fields is not None:
        problems = model.row_rules(fields)
        if not problems:
            return True, fields, problems
        for code, _name, _ctx in problems:
            if _IS_ERROR[code]:
                break
        else:
            return True, fields, problems
    check = _check_row_reference(model, values)
    return check.ok, check.fields, check.problems


def _compile(model: type[StandardRow]) -> Callable[[Mapping[str, object]], dict[str, Any] | None]:
    """A function that reads a row's fields the way ``model.model_validate`` does, or
    returns None when a cell fails.

    Each field is validated by its own TypeAdapter (the one ``_partial`` uses: the field's
    type, parser and rule) and the result is remembered per field, keyed by the value for
    text and by (type, value) for numbers, dates and booleans: types whose equality is
    exact (True == 1 == 1.0, so the type is part of the key). An empty cell and a missing
    column are validated once, here. Other values (-0.0, a datetime with a time zone,
    tuples, subclasses, anything unusual) are validated every time, and so are ID numbers
    and phone numbers (``_UNIQUE_KINDS``). The function is generated with the fields
    unrolled and the cells taken by one C-level getter: a loop over the fields costs as
    much again. The field names come from the model, never from a workbook.
    """
    names = tuple(model.model_fields)
    if len(names) < 2 or not all(name.isidentifier() for name in names):
        raise ValueError(f"fields must be two or more identifiers: {names}")
    kinds = {name: (info.json_schema_extra or {}).get("kind") for name, info in model.model_fields.items()}  # type: ignore[union-attr]
    cells = ", ".join(f"x{i}" for i in range(len(names)))
    stand_ins: list[object] = []  # what a missing column reads as
    env: dict[str, Any] = {"_UNSEEN": _UNSEEN, "_FAILED": _FAILED, "_ABSENT": _ABSENT, "_learn": _learn,
                           "_key": _key, "_validated": _validated, "_names": names,
                           "_take": itemgetter(*names), "str": str, "float": float, "int": int,
                           "bool": bool, "date": date, "map": map, "dict": dict, "KeyError": KeyError}
    lines = ["def read(values):",
             "    try:",
             "        if values.__class__ is not dict:  # a defaultdict would make up the missing",
             "            raise KeyError",
             f"        {cells} = _take(values)",
             "    except KeyError:  # a column the sheet does not have",
             f"        {cells} = map(values.get, _names, _stand_ins)"]
    for i, (name, info) in enumerate(model.model_fields.items()):
        x, f = f"x{i}", f"f{i}"
        validate = _adapter(model, name).validator.validate_python
        env[f"m{i}"] = _MEMO[(model, name)] = {}
        env[f"v{i}"] = validate
        empty = _validated(validate, None)
        absent = _validated(validate, info.get_default())  # Pydantic validates the default
        env[f"n{i}"], env[f"a{i}"] = empty, absent
        if absent is empty or (type(absent) is type(empty) and absent == empty):
            stand_ins.append(None)  # a missing column reads as an empty cell
            lines.append(f"    if {x} is None:")
        else:
            stand_ins.append(_ABSENT)
            lines += [f"    if {x} is _ABSENT:",
                      "        return None" if absent is _FAILED else f"        {f} = a{i}",
                      f"    elif {x} is None:"]
        lines += ["        return None" if empty is _FAILED else f"        {f} = n{i}", "    else:"]
        if kinds[name] in _UNIQUE_KINDS:
            lines += [f"        {f} = _validated(v{i}, {x})"]
        else:
            lines += [
                f"        c = {x}.__class__",
                "        if c is str:",
                f"            k = {x}",
                f"        elif (c is float and {x}) or c is date or c is int or c is bool:",
                f"            k = (c, {x})",
                "        else:",
                f"            k = _key(c, {x})",
                f"        {f} = m{i}.get(k, _UNSEEN)",
                f"        if {f} is _UNSEEN:",
                f"            {f} = _learn(m{i}, k, v{i}, {x})",
            ]
        lines += [f"        if {f} is _FAILED:",
                  "            return None"]
    env["_stand_ins"] = tuple(stand_ins)
    lines.append("    return {" + ", ".join(f"{name!r}: f{i}" for i, name in enumerate(names)) + "}")
    exec(compile("\n".join(lines), f"<check_row {model.__name__}>", "exec"), env)  # noqa: S102
    _READERS[model] = read = env["read"]
    return read


def _key(cls: type, value: Any) -> object:
    """The memo key of a value that is not text, a non-zero float, a date, an int or a bool."""
    if (cls is float and copysign(1.0, value) > 0) or (cls is datetime and value.tzinfo is None):
        return (cls, value)  # 0.0; a plain datetime (never equal to a date)
    return _NOKEY  # -0.0 == 0.0, aware datetimes, tuples, subclasses...: validated every time


def _validated(validate: Callable[[object], Any], value: object) -> Any:
    try:
        return validate(value)
    except ValidationError:
        return _FAILED


def _learn(memo: dict[object, Any], key: object, validate: Callable[[object], Any], value: object) -> Any:
    """Validate a value not seen before and remember the result (or that it failed)."""
    parsed = _validated(validate, value)
    if key is not _NOKEY:
        if len(memo) >= _MEMO_MAX:  # bounded: a field of values that rarely repeat starts over
            memo.clear()
        memo[key] = parsed
    return parsed


_UNSEEN = object()
_FAILED = object()
_ABSENT = object()
_NOKEY = object()
# a household's ID number and phone are its own: not worth remembering, and better not kept
_UNIQUE_KINDS = frozenset({"id", "phone"})
_MEMO_MAX = 4096  # values remembered per field: ~2 MB at most for a field of long text that never repeats
_MEMO: dict[tuple[type, str], dict[object, Any]] = {}  # (model, field) -> {key: validated value}
_READERS: dict[type, Callable[[Mapping[str, object]], dict[str, Any] | None]] = {}
_IS_ERROR = {code: entry.severity == "error" for code, entry in CATALOGUE.items()}


def _check_row_reference(model: type[StandardRow], values: Mapping[str, object]) -> RowCheck:
    """The full Pydantic path: the definition of what ``check_row`` returns."""
    try:
        parsed = model.model_validate(values)
    except ValidationError as exc:
        return _partial(model, values, exc)
    fields = dict(parsed.__dict__)  # not dict(parsed): BaseModel.__iter__ is slow
    return RowCheck(parsed, fields, model.row_rules(fields))


def _partial(model: type[StandardRow], values: Mapping[str, object], exc: ValidationError) -> RowCheck:
    kinds = {c.name: c.kind for c in columns_of(model)}
    problems: list[Finding] = []
    failed: set[str] = set()
    for err in exc.errors(include_url=False, include_input=False):
        if not err["loc"]:
            continue  # a row rule: run again below, with the others
        name = str(err["loc"][0])
        failed.add(name)
        code = err["type"] if err["type"] in CATALOGUE else _FALLBACK.get(kinds.get(name, ""), "bad-choice")
        problems.append((code, name, dict(err.get("ctx") or {})))
    fields = {name: _adapter(model, name).validate_python(values.get(name))
              for name in model.model_fields if name not in failed}
    problems.extend(model.row_rules(fields))
    return RowCheck(None, fields, problems)


def _adapter(model: type[StandardRow], name: str) -> TypeAdapter:
    key = (model, name)
    adapter = _ADAPTERS.get(key)
    if adapter is None:
        info = model.model_fields[name]
        adapter = TypeAdapter(Annotated[(info.annotation, *info.metadata)])  # type: ignore[valid-type]
        _ADAPTERS[key] = adapter
    return adapter


_ADAPTERS: dict[tuple[type, str], TypeAdapter] = {}


def columns_of(model: type[StandardRow]) -> list[Column]:
    """The model's columns in sheet order, read off its fields' metadata."""
    cached = _COLUMNS.get(model)
    if cached is None:
        cached = []
        for name, info in model.model_fields.items():
            extra = info.json_schema_extra
            assert isinstance(extra, dict), name
            cached.append(Column(
                name=name, label=str(extra["label"]), kind=extra["kind"],  # type: ignore[arg-type]
                required=bool(extra["required"]), help=str(extra["help"]),
                example=str(extra["example"]), choices=tuple(extra["choices"] or ()),  # type: ignore[arg-type]
                ge=extra["ge"], le=extra["le"], width=int(extra["width"]),  # type: ignore[arg-type]
                aliases=tuple(extra.get("aliases") or ()),  # type: ignore[arg-type]
                check_above=extra.get("check_above"),  # type: ignore[arg-type]
            ))
        _COLUMNS[model] = cached
    return cached


_COLUMNS: dict[type, list[Column]] = {}

MODELS: dict[str, type[StandardRow]] = {CARD_SHEET: CardRow, DIARY_SHEET: DiaryRow}
