"""The standard's version and the names of its workbook and sheets, without its models: what
the light modules (collecting files, the cache's key, what an output may replace) need, so
that a re-run with nothing changed answers before Pydantic and the models are imported."""

import re

STANDARD_VERSION = "1"
CARD_SHEET = "联户卡"
DIARY_SHEET = "联户日记"
GUIDE_SHEET = "填表说明"
TOTALS_SHEET = "汇总"  # a totals workbook's sheet: what a roll-up reads
RESULT_SHEET = "校验结果"  # an annotated copy's first sheet (annotate.py)
MARKS_SHEET = "lianhu_marks"  # an annotated copy's very hidden record of its marks
WORKBOOK_NAME = "联户带创登记簿.xlsx"


# --- a register sheet's name with what it holds written beside it ---------------------------

_NAME_FOLD = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "［": "(", "］": ")", "\u3000": "",
                            " ": "", "\u200b": "", "\u200c": "", "\u200d": "", "\u2060": "", "\ufeff": "",
                            **{chr(0xFF10 + i): str(i) for i in range(10)}})
_YEAR = r"(?:(?:19|20)\d{2}|二[〇零○][〇零○一二三四五六七八九]{2})(?:年度|年)?"
_MONTH = r"(?:(?:1[0-2]|0?[1-9])(?:[-~至到](?:1[0-2]|0?[1-9]))?|[一二三四五六七八九十]|十[一二])月份?"
_PLACE = r"[\u4e00-\u9fff]{1,10}?(?:村|社|组|乡|镇|党支部|支部)"
_QUALIFIER = (rf"(?:{_YEAR}|{_MONTH}|第?[一二三四1-4]季度|上半年|下半年|全年|{_PLACE}"
              r"|表|登记表|登记簿|簿|本|台账|记录表?|明细表?|[()\-_·.、,:：])*")
_BEFORE_RE = re.compile(rf"(?:[\u4e00-\u9fff]{{2,4}}的?)?{_QUALIFIER}")  # 王明联户日记: the cadre's own
_AFTER_RE = re.compile(rf"{_QUALIFIER}(?:\([\u4e00-\u9fff]{{2,4}}\))?{_QUALIFIER}")  # 联户日记（王明）
# words saying a sheet is not the one to count: it stays unread (said as a lookalike)
_NOT_COUNTED_RE = re.compile(r"废|备份|副本|草稿|旧|模板|样|示例|范例|说明|删|错|测试|练习|复制|拷贝|原|汇总|"
                             r"未|待|停|OLD|COPY|BAK|TEST|TEMP|TMP", re.IGNORECASE)


def register_kind(name: str) -> str | None:
    """The register a sheet holds by its name: 联户卡 or 联户日记, named so (spaces and the
    invisible characters of a pasted name aside), or with what it holds written beside it the
    way clerks name their tabs: a year (联户日记（2010年）, 2010年联户日记), a month (联户日记(3月)),
    a place (联户卡（倪家营村）) or its cadre (王明联户日记), 表 or 登记表. A copy Excel names
    联户日记 (2), or a name saying the sheet is not to be counted (联户卡备份, 旧联户卡,
    联户日记（作废）), is no register: its rows may repeat or undo the real one's."""
    key = name.translate(_NAME_FOLD)
    for kind in (CARD_SHEET, DIARY_SHEET):
        if key == kind:
            return kind
    for kind in (DIARY_SHEET, CARD_SHEET):
        if key.count(kind) != 1:
            continue
        before, after = key.split(kind)
        if "联户" in before + after or _NOT_COUNTED_RE.search(before + after):  # 联户卡联户日记: which?
            return None
        if _BEFORE_RE.fullmatch(before) and _AFTER_RE.fullmatch(after):
            return kind
        return None
    return None
