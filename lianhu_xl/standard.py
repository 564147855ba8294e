"""The standard workbook (联户带创登记簿), version 1, as Pydantic models.

These models are the single source of truth: every column's label, type, rule,
dropdown choices, help text and example live here, and the template, the reader,
the messages and the field reference are all derived from them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import partial
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

STANDARD_VERSION = "1"
CARD_SHEET = "联户卡"
DIARY_SHEET = "联户日记"
GUIDE_SHEET = "填表说明"
WORKBOOK_NAME = "联户带创登记簿.xlsx"

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
SERVICES = ("政策宣传", "实用技术", "市场信息", "帮扶项目", "解决问题", "增收措施")
YESNO = ("是", "否")

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
            parts.append("整数" + _range_text(self.ge, self.le))
        elif self.kind == "number":
            parts.append("数字" + _range_text(self.ge, self.le) + "，可带单位")
        elif self.kind == "yesno":
            parts.append("填“是”或“否”")
        elif self.kind == "id":
            parts.append("18 位身份证号（单元格为文本），校验位须正确")
        elif self.kind == "phone":
            parts.append("11 位手机号或带区号的固定电话")
        return "；".join(parts)


def _range_text(ge: float | None, le: float | None) -> str:
    fmt = lambda x: str(int(x)) if float(x).is_integer() else str(x)  # noqa: E731
    if ge is not None and le is not None:
        return f"，{fmt(ge)}–{fmt(le)}"
    if ge is not None:
        return f"，不小于 {fmt(ge)}"
    return ""


def _col(label: str, kind: Kind, help: str, example: str, *, required: bool = False,
         choices: tuple[str, ...] = (), ge: float | None = None, le: float | None = None,
         width: int = 12, aliases: tuple[str, ...] = (), default: Any = None) -> Any:
    """A model field carrying the column's metadata."""
    extra = {"label": label, "kind": kind, "required": required, "help": help,
             "example": example, "choices": list(choices), "ge": ge, "le": le, "width": width,
             "aliases": list(aliases)}
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
ReqText = Annotated[str, _t(v.parse_text, True)]
CardNo = Annotated[str, _t(v.parse_card_no, True)]
ReqDate = Annotated[date, _t(v.parse_date, True)]
OptDate = Annotated[date | None, _t(v.parse_date)]
YesNo = Annotated[bool | None, _t(v.parse_yesno)]


def _choice(choices: tuple[str, ...], required: bool) -> Any:
    return _t(partial(v.parse_choice, choices=choices), required)


def _number(ge: float | None, le: float | None = None, whole: bool = False) -> Any:
    return BeforeValidator(_in_range(v.parse_whole if whole else v.parse_number, ge, le))


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
    ROW_RULES: ClassVar[tuple[str, ...]] = ("unusual-pairing", "bad-phone", "income-expected",
                                            "conversion-not-applicable")

    card_no: CardNo = _col("卡号", "text", "联户卡编号，本乡唯一", "XY-2010-001", required=True, width=12, aliases=("联户卡号", "卡片编号"))
    linker: ReqText = _col("联系人", "text", "联系这一户的干部或党员姓名", "王明", required=True, width=8, aliases=("联系人姓名",))
    linker_kind: Annotated[str, _choice(LINKER_KINDS, True)] = _col(
        "联系人类别", "choice", "联系人的身份", "乡干部", required=True, choices=LINKER_KINDS, width=8, aliases=("联系人身份",))
    position: Text = _col("职务", "text", "联系人的职务", "副乡长", width=9)
    branch: Text = _col("所属支部", "text", "联系人所在党支部", "下营村党支部", width=10)
    village: ReqText = _col("村", "text", "联系户所在行政村", "下营村", required=True, width=8)
    team: ReqText = _col("社", "text", "联系户所在村民小组（社）", "六社", required=True, width=6)
    head: ReqText = _col("户主", "text", "联系户户主姓名", "李进忠", required=True, width=8, aliases=("户主姓名",))
    household_type: Annotated[str, _choice(HOUSEHOLD_TYPES, True)] = _col(
        "联系户类型", "choice", "致富明星户由乡干部联系，思想保守户由村社干部联系，经济落后户由党员联系",
        "致富明星户", required=True, choices=HOUSEHOLD_TYPES, width=11, aliases=("联系户类别",))
    household_size: Annotated[int | None, _number(1, 30, whole=True)] = _col(
        "家庭人口", "whole", "联系户家庭人口数", "5", ge=1, le=30, width=7, aliases=("家庭人口数", "人口数"))
    id_number: Annotated[str | None, _t(v.parse_id_number)] = _col(
        "身份证号", "id", "户主身份证号（只在本簿中保存，汇总时不显示）", "620702198001011231", width=19, aliases=("身份证号码", "户主身份证号", "户主身份证号码"))
    phone: Text = _col("联系电话", "phone", "户主联系电话", "13912345678", width=12, aliases=("电话", "电话号码", "手机号码"))
    industry: Text = _col("主导产业", "text", "这一户的主导产业", "玉米制种", width=9)
    link_date: ReqDate = _col("结对日期", "date", "开始联系这一户的日期", "2010-3-1", required=True, width=11, aliases=("结对时间",))
    base_income: Annotated[float | None, _number(0)] = _col(
        "基期人均纯收入(元)", "number", "结对时的人均纯收入，经济落后户应填", "2500", ge=0, width=9)
    main_problem: ReqText = _col("主要问题", "text", "这一户最需要解决的问题", "缺少制种技术", required=True, width=16)
    measures: Text = _col("帮扶措施", "text", "打算怎样帮、怎样带", "联系农技站上门指导", width=16)
    year_end_income: Annotated[float | None, _number(0)] = _col(
        "年末人均纯收入(元)", "number", "年末的人均纯收入", "3500", ge=0, width=9)
    econ_developed: YesNo = _col("经济有发展", "yesno", "年末评议：经济上是否有发展", "是", choices=YESNO, width=7)
    thought_progressed: YesNo = _col("思想有进步", "yesno", "年末评议：思想上是否有进步", "是", choices=YESNO, width=7)
    awareness_improved: YesNo = _col("认识有提高", "yesno", "年末评议：认识上是否有提高", "是", choices=YESNO, width=7)
    converted: YesNo = _col("是否转化", "yesno", "思想保守户是否已经转化", "否", choices=YESNO, width=7)
    remarks: Text = _col("备注", "text", "其他需要说明的情况", "", width=10)

    @classmethod
    def row_rules(cls, f: Mapping[str, Any]) -> list[Finding]:
        out: list[Finding] = []
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
        return out


class DiaryRow(StandardRow):
    """Sheet 联户日记: one row per contact with the household."""

    SHEET: ClassVar[str] = DIARY_SHEET
    ROW_RULES: ClassVar[tuple[str, ...]] = ("future-date", "result-required", "solution-expected",
                                            "unknown-service", "review-before-date")

    card_no: CardNo = _col("卡号", "text", "这条日记属于哪张联户卡", "XY-2010-001", required=True, width=12, aliases=("联户卡号",))
    date: ReqDate = _col("日期", "date", "联系的日期，不能晚于今天", "2010-9-6", required=True, width=11, aliases=("联系日期", "记录日期"))
    linker: Text = _col("联系人", "text", "联系人姓名（可不填，填了须与联户卡一致）", "王明", width=8, aliases=("联系人姓名",))
    head: Text = _col("户主", "text", "户主姓名（可不填，填了须与联户卡一致）", "李进忠", width=8, aliases=("户主姓名",))
    form: Annotated[str, _choice(FORMS, True)] = _col(
        "形式", "choice", "这次联系的形式；每月至少一次入户访谈", "入户访谈", required=True, choices=FORMS, width=9, aliases=("联系形式",))
    situation: Text = _col("生产生活情况", "text", "这一户的生产生活情况", "玉米制种 12 亩，长势良好", width=20)
    problem: Text = _col("发现问题", "text", "这次发现的问题", "缺少滴灌设备", width=16)
    is_main_problem: YesNo = _col("是否主要问题", "yesno", "是不是这一户的主要问题；不填按“否”", "否",
                                  choices=YESNO, width=7)
    solution: Text = _col("解决办法", "text", "打算怎样解决（填了发现问题就应填写）", "协调水管站", width=16)
    result: Annotated[str | None, _choice(RESULTS, False)] = _col(
        "办理结果", "choice", "填了发现问题就必须填写", "协调解决", choices=RESULTS, width=9)
    services: Annotated[tuple[str, ...], BeforeValidator(v.parse_many)] = _col(
        "服务类别", "many", "这次提供的服务，可多选，用顿号分开", "政策宣传、实用技术", choices=SERVICES, width=16,
        default=())
    deeds: Annotated[int | None, _number(0, whole=True)] = _col(
        "办实事(件)", "whole", "为这一户办的实事件数", "1", ge=0, width=9)
    loans: Annotated[float | None, _number(0)] = _col(
        "担保贷款(元)", "number", "为这一户担保的贷款金额", "3000", ge=0, width=9)
    plough_help: Annotated[int | None, _number(0, whole=True)] = _col(
        "帮耕帮畜(次)", "whole", "帮耕帮畜的次数", "1", ge=0, width=7)
    reviewer: Text = _col("调阅人", "text", "调阅日记的支部或乡党委负责人", "张书记", width=8)
    review_date: OptDate = _col("调阅日期", "date", "调阅的日期，不早于日记日期", "2010-9-30", width=11, aliases=("调阅时间",))
    review_opinion: Text = _col("调阅意见", "text", "调阅意见", "已阅，抓紧落实", width=14)

    @property
    def solved_main_problem(self) -> bool:
        return bool(self.is_main_problem) and self.result in SOLVED

    @classmethod
    def row_rules(cls, f: Mapping[str, Any]) -> list[Finding]:
        out: list[Finding] = []
        day = f.get("date")
        if day is not None and day > date.today():
            out.append(("future-date", "date", {}))
        problem = f.get("problem")
        if problem and "result" in f and not f["result"]:
            out.append(("result-required", "result", {"expected": "、".join(RESULTS)}))
        if problem and "solution" in f and not f["solution"]:
            out.append(("solution-expected", "solution", {}))
        unknown = [s for s in f.get("services") or () if s not in SERVICES]
        if unknown:
            out.append(("unknown-service", "services",
                        {"value": "、".join(unknown), "expected": "、".join(SERVICES)}))
        review = f.get("review_date")
        if review is not None and day is not None and review < day:
            out.append(("review-before-date", "review_date", {"expected": day.isoformat()}))
        return out


@dataclass(slots=True)
class RowCheck:
    """One row checked: the model when it has no error, what could be read, every problem."""

    model: StandardRow | None
    fields: dict[str, Any]  # the fields that were read; a field that could not be is absent
    problems: list[Finding] = field(default_factory=list)  # field problems first, then row rules

    @property
    def ok(self) -> bool:
        return self.model is not None


_FALLBACK = {"date": "bad-date", "whole": "not-whole", "number": "bad-number", "yesno": "bad-yesno",
             "id": "bad-id-number"}


def check_row(model: type[StandardRow], values: Mapping[str, object]) -> RowCheck:
    """Parse one row; when a cell is wrong, still run every other check on the cells
    that were read, so the cadre sees all the row's problems at once."""
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
            ))
        _COLUMNS[model] = cached
    return cached


_COLUMNS: dict[type, list[Column]] = {}

MODELS: dict[str, type[StandardRow]] = {CARD_SHEET: CardRow, DIARY_SHEET: DiaryRow}
