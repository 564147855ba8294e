"""Read cell values the way a person meant them.

Cadres type dates and numbers as they would on paper (``2010年9月6日``,
``3000元``, full-width digits, a trailing space). Each parser takes what the
reader saw in the cell (str, float, int, bool, date, datetime) and returns the
value, or raises ``PydanticCustomError`` whose type is a catalogue code, so the
parsers plug straight into the Pydantic models as before-validators.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, timedelta
from functools import lru_cache
from operator import mul

from pydantic_core import PydanticCustomError

# invisible characters that arrive with text pasted from WeChat or a web page; a phone's
# keyboard sends ✔ as ✔️ (U+2714 and the emoji variation selector U+FE0F)
_ZERO_WIDTH = dict.fromkeys(("\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\ufe0f", "\ufe0e"))
# after NFKC: the Chinese full stop and dashes people use in dates, and the invisible characters
_AFTER_NFKC = str.maketrans({"。": ".", "−": "-", "–": "-", "—": "-", "‐": "-", **_ZERO_WIDTH})
# Control characters are never typed on purpose; shown raw, ESC sequences would drive the
# clerk's terminal (clear it, retitle it, fake lines with \r). They become � everywhere; a
# carriage return is dropped (a pasted CRLF line break stays a line break).
_CONTROL = {chr(c): "\ufffd" for c in (*range(0, 9), 11, 12, *range(14, 32), 127, *range(0x80, 0xA0))}
_CONTROL["\r"] = None
_INVISIBLE = str.maketrans({**_ZERO_WIDTH, **_CONTROL})
# what a cell that looks empty may hold: spaces of every kind and the invisible characters above
# (``text.strip(BLANK)`` is empty for it; ``str.strip()`` keeps a zero-width space)
BLANK = "".join(c for c in map(chr, range(0x3001)) if c.isspace()) + "".join(_ZERO_WIDTH)
_PRINTABLE = str.maketrans(_CONTROL)


def printable(text: str) -> str:
    """``text`` safe to print: control characters (keeping tab and line break) as �."""
    return text if text.isprintable() else text.translate(_PRINTABLE)
_EXCEL_EPOCH = date(1899, 12, 30)
_DAYS_1900_TO_1904 = 1462  # a 1904-system serial (old Mac Excel) is the 1900 system's less this
# Excel serials a register can hold when a date cell lost its format: 1950-01-01 .. 2100-12-31
_SERIAL_MIN, _SERIAL_MAX = 18264, 73415
# a serial kept as text (a date column set to 文本 after typing) is read from 2000-01-01 on: a text
# 20100 is more likely a slip for 2010 than the date 1955-01-11
_TEXT_SERIAL_MIN = 36526


def fold(text: str) -> str:
    """Full-width digits, letters and punctuation to ASCII (NFKC); trims spaces."""
    if text.isascii():  # speed: NFKC and the table leave ASCII as it is
        return text.strip()
    return unicodedata.normalize("NFKC", text).translate(_AFTER_NFKC).strip()


def problem(code: str, **ctx: object) -> PydanticCustomError:
    return PydanticCustomError(code, code, ctx)  # type: ignore[arg-type]


# --- text --------------------------------------------------------------------

_UNSEEN = object()
_TEXT_SEEN: dict[str, str | None] = {}
_TEXT_SEEN_MAX = 50_000


def parse_text(value: object) -> str | None:
    """Any cell as trimmed text; a whole number typed in a text column loses '.0'."""
    if value is None:
        return None
    if value.__class__ is str:  # speed: workbooks repeat their strings (shared strings), so remember them
        text = _TEXT_SEEN.get(value, _UNSEEN)
        if text is _UNSEEN:
            if len(_TEXT_SEEN) >= _TEXT_SEEN_MAX:
                _TEXT_SEEN.clear()
            text = _TEXT_SEEN[value] = _clean(value)
        return text  # type: ignore[return-value]
    if isinstance(value, str):
        if value.__class__ is StruckOut:  # a line crossed out (删除线): its first struck cell says so
            raise problem("struck-out", detail=value.cells)  # type: ignore[attr-defined]
        return _clean(value)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip() or None


def _clean(text: str) -> str | None:
    """Text without invisible and control characters, trimmed (a full-width space too)."""
    return text.translate(_INVISIBLE).replace("\u3000", " ").strip() or None


# spaces between two Chinese characters: typed to line names up (李　四 under 王小明), never part of one
# and the middle dot of a minority name (阿不都·热合曼) typed as the keyboard offers it: . ． • ・ ∙ ‧
_SPACE_IN_NAME = re.compile(r"(?<=[\u3400-\u9fff])(?:\s*[.．•・∙‧⋅·]\s*|\s+)(?=[\u3400-\u9fff])")


def parse_name(value: object) -> str | None:
    """A person's or a place's name as text, without the spaces typed inside it to line names
    up (``李　四``, ``下 营村``), so that it is the same name as ``李四`` on another sheet or book;
    a minority name's middle dot one character however typed (``阿不都.热合曼``)."""
    text = parse_text(value)
    if text is None or text.isascii() or not _SPACE_IN_NAME.search(text):
        return text
    return _SPACE_IN_NAME.sub(_name_gap, text)


def _name_gap(m: re.Match[str]) -> str:
    """A gap inside a name: spaces go; a dot, however typed, is the middle dot (阿不都•热合曼 and
    阿不都.热合曼 are 阿不都·热合曼, the name on the card)."""
    return "·" if m.group().strip() else ""


# what a number pasted from an export may start with (the apostrophe that once made it text)
_QUOTES = "'‘’`"
# a mark closing what a clerk typed, after ``fold`` (。 is .): 入户访谈。 is 入户访谈
_CLOSING_MARKS = ".,;:!?、"


def parse_card_no(value: object) -> str | None:
    """A card number as an identifier: full-width folded, dashes made one (``—`` from a Chinese
    input method, ``−`` ``–`` pasted from Word) and spaces dropped, so that ``ＸＹ－２０１０－００１``,
    ``XY—2010—001``, ``XY-2010 -001`` and ``xy-2010-001`` name the card ``XY-2010-001``
    (letters are upper case: a clerk typing the card's number in lower case means that card)."""
    text = parse_text(value)
    if text is not None and text[0] in _QUOTES:  # 'XY-2010-001 pasted with the apostrophe that made it text
        text = text.lstrip(_QUOTES) or None
    if text is None:
        return None
    if text.isascii():  # speed: the usual card number
        return "".join(text.split()).upper()
    no = "".join(unicodedata.normalize("NFKC", text).translate(_AFTER_NFKC).split()).upper()
    noted = _CARD_NOTE_RE.search(no) if no.endswith(")") else None
    if noted is not None and not _CN_NUMERALS_RE.fullmatch(noted.group(1)):  # XY-001(李一): the household named
        return no[: noted.start()]
    return no


# a name after a card number, in brackets (XY-2010-001（李一）: the household, as a clerk notes it);
# never a number (XY-001（二）: a second card?)
_CARD_NOTE_RE = re.compile(r"(?<=[0-9A-Z])\(([\u3400-\u9fff·]{1,10})\)$")
_CN_NUMERALS_RE = re.compile(r"[〇零一二三四五六七八九十百两]+")


# --- dates -------------------------------------------------------------------

_DATE_RE = re.compile(
    r"^(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?|(\d{2})(\d{2}))"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)


def parse_date(value: object) -> date | None:
    """A real Excel date, an Excel serial, or 2010-9-6 / 2010/9/6 / 2010.9.6 /
    2010年9月6日 / 20100906."""
    if value is None:
        return None
    if isinstance(value, date):  # a datetime too
        day = value.date() if isinstance(value, datetime) else value
        if day.year < 1900:  # Excel's day 0 (1900-01-00, read as 1899-12-30): a 0 or a NaN, never a date typed
            raise problem("bad-date")
        serial = day.toordinal() - _EXCEL_EPOCH.toordinal()
        if serial < _SERIAL_MIN:  # before 1950: no date of a register
            if 1950 <= serial <= 2100:  # a year typed into a date cell: 2010 is shown as 1905-07-02
                raise problem("year-as-date", detail=str(serial))
            raise problem("bad-date")
        return day
    if isinstance(value, bool):
        raise problem("bad-date")
    if isinstance(value, int | float):
        number = _finite(value, "bad-date")
        if number.is_integer() and 19000101 <= number <= 21001231:
            return _from_text(str(int(number)))
        if _SERIAL_MIN <= number <= _SERIAL_MAX:  # an Excel serial shown without a date format
            return _EXCEL_EPOCH + timedelta(days=int(number))
        raise problem("bad-date")
    if value.__class__ is AfterTitle:
        title: int = value.title  # type: ignore[attr-defined]
        m = _SHORT_YEAR_RE.match(fold(str(value)).lstrip(_QUOTES))
        raise problem("two-digit-year", detail=f"读作 20{m.group(1)} 年，与表格标题写的 {title} 年不符",  # type: ignore[union-attr]
                      expected=f"{title}-{m.group(2)}-{m.group(3)}")  # type: ignore[union-attr]
    if value.__class__ is StaleTitle:
        seen = "、".join(map(str, value.seen))  # type: ignore[attr-defined]
        raise problem("bad-date", detail=f"（没写年份：表格标题写的是 {value.title} 年，"  # type: ignore[attr-defined]
                                         f"表里写了年份的日期却是 {seen} 年的，说不准是哪一年；请把年份写全）")
    text = fold(str(value))
    if not text:
        return None
    return _from_text(text)


# a month without its day (2010年3月, 2010-3, 2010.3 as text; 10年3月): as Excel reads 2010年3月 typed
# into a date cell, the month's first day
_YEAR_MONTH_RE = re.compile(r"^(?:((?:19|20)\d{2})\s*[-/.年]|(\d{2})\s*年)\s*(\d{1,2})\s*(?:月份?)?$")


_SINCE_RE = re.compile(r"\s*(?:起至今|开始至今|以来|至今|开始|起)$")


def parse_link_date(value: object, period: bool = True) -> date | None:
    """结对日期: a date as ``parse_date`` reads it, or a month without its day (2010年3月), as its
    first day. What the standard counts of a link is its month (months expected run from the
    结对日期 month, which counts), so the day adds nothing a count needs; Excel itself stores
    2010年3月 typed into a cell as 2010-3-1."""
    try:
        return parse_date(value)
    except PydanticCustomError as exc:
        month = _year_dot_month(value) if exc.type == "bad-date" and isinstance(value, float) else None
        if month is not None:  # 2010.3 typed into an ordinary cell
            return month
        if exc.type != "bad-date" or not isinstance(value, str):
            raise
        text = _SINCE_RE.sub("", fold(value).lstrip(_QUOTES))  # 2010年3月起: the link began then
        if text != fold(value).lstrip(_QUOTES) and text:
            return parse_link_date(text, period)
        m = _YEAR_MONTH_RE.match(_cn_month(text))
        if m is None:
            start = _period_start(text) if period and len(text) <= 40 else None
            if start is None:
                raise
            return start
        if not 1 <= int(m.group(3)) <= 12:
            raise
        year = int(m.group(1)) if m.group(1) else 2000 + int(m.group(2))
        if year > date.today().year:
            raise
        return date(year, int(m.group(3)), 1)


# a month without its day in Chinese numerals, as a printed form writes it: 二〇一〇年三月, 2010年十二月
_CN_MONTH_RE = re.compile(r"^([0-9〇零○O一二三四五六七八九]{4})年(十[一二]?|[一二三四五六七八九])月份?$")


def _cn_month(text: str) -> str:
    """二〇一〇年三月 as 2010年3月 (what ``_YEAR_MONTH_RE`` reads); any other text as it is."""
    m = _CN_MONTH_RE.match(text) if "月" in text else None
    if m is None:
        return text
    return f"{_cn_year(m.group(1))}年{_cn_whole(m.group(2))}月"


_YEAR_DOT_MONTH_RE = re.compile(r"^((?:19|20)\d{2})\.(0?[1-9]|1[0-2])$")


def _year_dot_month(number: float) -> date | None:
    """A link's month typed 2010.3 into an ordinary cell, which keeps the number: March 2010, as
    the text 2010.3 is; None for a number that is no such month. 2010.1 may be 2010.10 with the
    0 the number drops: January or October cannot be told, said."""
    m = _YEAR_DOT_MONTH_RE.match(f"{number:.10g}")
    if m is None or int(m.group(1)) > date.today().year:
        return None
    year = m.group(1)
    if m.group(2) == "1":
        raise problem("bad-date", detail=f"（是 {year}年1月 还是 {year}年10月？数字会丢掉 10 末尾的 0："
                                         f"写成 {year}年1月 或 {year}年10月）")
    return date(int(year), int(m.group(2)), 1)


_TO_RE = re.compile(r"\s*(?:至|到|~|-)+\s*")  # between the two ends of a period, after ``fold`` (— is -)
_TO_NOW = frozenset(("", "今", "至今", "现在", "目前", "今年年底", "年底"))


def _period_start(text: str) -> date | None:
    """结对日期 typed as the link's period (``2010.3.5-2010.12.31``, ``2010年3月—2010年12月``, ``2010.3至今``,
    as under a form's 结对时间): its first end, when the text splits into a date and a later one (or
    an open end); None for anything else (``2010.12-2010.3`` ends before it begins)."""
    for m in _TO_RE.finditer(text):
        left, right = text[: m.start()], text[m.end():]
        if not left:
            continue
        try:
            start = parse_link_date(left, period=False)
            end = None if right in _TO_NOW else parse_link_date(right, period=False)
        except PydanticCustomError:
            continue
        if start is not None and (end is None and right in _TO_NOW or end is not None and end >= start):
            return start
    return None


def from_1904(value: object) -> object:
    """A date cell of a book in the 1904 date system, as the 1900 system would hold it: a bare
    serial (its date format cleared to 常规, or one calamine does not take for a date, such as
    the weekday) counts days from 1904-01-01, so the 1900 reading is 4 years and a day early.
    It becomes its date here; anything else is returned as it is (calamine turns cells with a
    date format into dates itself, with the book's epoch), and so is a serial out of the range
    ``parse_date`` takes, which says it as typed."""
    if value.__class__ is str:  # 40238 as text (a date cell turned into text): the same serial
        digits = fold(value).lstrip(_QUOTES)  # type: ignore[arg-type]
        if len(digits) != 5 or not digits.isdigit() or int(digits) + _DAYS_1900_TO_1904 < _TEXT_SERIAL_MIN:
            return value
        number = float(digits)
    elif value.__class__ is not float and value.__class__ is not int:
        return value
    else:
        number = float(value)  # type: ignore[arg-type]
    if not math.isfinite(number) or (number.is_integer() and 19000101 <= number <= 21001231):
        return value  # 20100706: a date typed as digits, not a serial
    shifted = number + _DAYS_1900_TO_1904
    if _SERIAL_MIN <= shifted <= _SERIAL_MAX:
        return _EXCEL_EPOCH + timedelta(days=int(shifted))
    return value


_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "O": "0"} | {
    str(i): str(i) for i in range(10)}  # 二0一0年: a 0 typed for 〇
_CN_DAY = r"([一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"  # 9, 10, 12, 26, 31 (no 十十)
# the year in Chinese numerals or digits (2010年三月五日 too), the month and day in either
_CN_DATE_RE = re.compile(rf"^([0-9〇零○O一二三四五六七八九]{{4}})年(\d{{1,2}}|{_CN_DAY})月(\d{{1,2}}|{_CN_DAY})[日号]$")


# a numbered team as villages write it: 六社, 6社, 第六社, 第6组, 06 村民小组, 十二队
_TEAM_RE = re.compile(r"^第?\s*(\d{1,3}|[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*"
                      r"(?:社|组|小组|村民小组|队|生产队)?$")


def team_number(team: str) -> int | None:
    """The number of a team (社) written as a number, in any of the ways villages write it, or
    None for a team with a name (河西社): 6社 and 第六社 are the 六社 the roster lists."""
    m = _TEAM_RE.match(unicodedata.normalize("NFKC", team).strip())
    if m is None:
        return None
    word = m.group(1)
    return int(word) if word.isdigit() else _cn_whole(word)  # 六, 十二: the pattern lets no other through


# what is written after a village's own name: 下营村, 下营村委会, 下营村村委会, 下营行政村, 下营村民委员会,
# 下营村委员会 (村委会 spelt out)
# (村委 for 村委会 as it is said; the village's party branch, 下营村党支部, is the village too)
_VILLAGE_SUFFIX_RE = re.compile(r"(?:村村民委员会|村村委员会|村村委会|村村委|村民委员会|村委员会|村委会|村委|村党总支|村党支部|"
                                r"村支部|行政村|村)$")
_TOWNSHIP_ENDS = "乡镇"  # 倪家营乡倪家营村: the township written before its village


# a numbered team written after its village in the 村 cell, as an address is said: 下营村四社, 下营村6组,
# 下营村委会第六村民小组 (only after 村 and with its unit: 红旗一队 alone may be a village's name)
# (after a mark or in brackets too: 下营村（四社）, 下营村-4组, 下营村、四社)
_VILLAGE_TEAM_RE = re.compile(r"^(.+?(?:村民委员会|村委员会|村委会|村委|行政村|村))[-—–、/,.·]?\(?(第?\s*(?:\d{1,3}|"
                              r"[一二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])\s*"
                              r"(?:村民小组|小组|生产队|社|组|队))\)?$")


def village_and_team(village: str) -> tuple[str, str | None]:
    """A 村 cell holding the team too (下营村四社 -> 下营村, 四社): the village as typed before the
    team, and the team; (village, None) for a 村 naming a village alone."""
    text = "".join(unicodedata.normalize("NFKC", village).split())
    m = _VILLAGE_TEAM_RE.match(text)
    return (m.group(1), m.group(2)) if m else (village, None)


def village_key(village: str) -> str:
    """A village's own name, without 村, 村委会, 村村委会, 行政村 or 村民委员会 after it (full-width
    folded, spaces dropped), nor a numbered team written after that (下营村四社): 下营村, 下营,
    下营村委会, 下营行政村 and 下营村四社 are the one village 下营."""
    text = "".join(unicodedata.normalize("NFKC", village).split())
    m = _VILLAGE_TEAM_RE.match(text)
    if m:
        text = m.group(1)
    return _VILLAGE_SUFFIX_RE.sub("", text) or text


def township_split(village: str) -> list[tuple[str, str]]:
    """(township, village_key of the rest) for each way ``village`` reads as a township's name
    (two characters or more, ending in 乡 or 镇) before a village's (two or more): 倪家营乡倪家营村
    is (倪家营乡, 倪家营), and so is 倪家营乡-倪家营村 (a mark between them). Whether that is a township
    only the other names tell (古镇新村)."""
    key = village_key(village)
    return [(key[:i], rest) for i in range(2, len(key) - 1)
            if key[i - 1] in _TOWNSHIP_ENDS and len(rest := key[i:].lstrip(_PLACE_MARKS)) >= 2]


_PLACE_MARKS = "-—–、/,.·"  # between a township and its village, a village and its team (NFKC-folded)


def same_village(a: str, b: str) -> bool:
    """Whether two spellings name one village by any reading: the same name with or without 村
    (村委会, 行政村 …) after it, or with its township before it (倪家营乡倪家营村 and 倪家营村; not
    甲乡下营村 and 乙乡下营村, two townships' villages; not 上营 and 下营)."""
    ka, kb = village_key(a), village_key(b)
    return ka == kb or any(rest == kb for _, rest in township_split(a)) \
        or any(rest == ka for _, rest in township_split(b))


def one_village_names(counts: dict[str, int]) -> dict[str, str]:
    """Of the village spellings used (each with its number of cards), every one that names the
    same village as another (``same_village``) -> the spelling they are all counted under: the
    most used (among equals 下营村, then one without a township, then by code point) of those
    naming no team; a spelling with its team (下营村四社, ``village_and_team``) -> its village, also
    alone, as typed before the team (下营村). A township-prefixed spelling joins the plain one only
    when no other township is prefixed to it (甲乡下营村, 乙乡下营村 and 下营村 stay three: which of
    the two is 下营村?)."""
    by_key: dict[str, list[str]] = {}
    for name in counts:
        by_key.setdefault(village_key(name), []).append(name)
    into: dict[str, str] = {}  # a prefixed key -> the plain key it joins
    towns: dict[str, set[str]] = {}
    for key, names in by_key.items():
        found = [(town, rest) for town, rest in township_split(names[0]) if rest in by_key]
        if len(found) == 1:
            into[key] = found[0][1]
            towns.setdefault(found[0][1], set()).add(found[0][0])
    into = {k: t for k, t in into.items() if t not in into and len(towns[t]) == 1}
    groups: dict[str, list[str]] = {}
    for key, names in by_key.items():
        groups.setdefault(into.get(key, key), []).extend(names)
    out: dict[str, str] = {}
    for key, names in groups.items():
        # a spelling with its team (下营村四社) is never the row's name: its village as typed is
        plain = [n for n in names if village_and_team(n)[1] is None]
        if plain:
            if len(names) > 1:
                main = min(plain, key=lambda n: (-counts[n], n != f"{key}村", village_key(n) != key, n))
                out.update((n, main) for n in names if n != main)
            continue
        spelt: dict[str, int] = {}
        for n in names:
            village = village_and_team(n)[0]
            spelt[village] = spelt.get(village, 0) + counts[n]
        main = min(spelt, key=lambda n: (-spelt[n], n != f"{key}村", village_key(n) != key, n))
        out.update((n, main) for n in names)
    return out


@lru_cache(maxsize=4096)  # a township has a few dozen 社 names, asked for every card
def team_key(team: str | None) -> str | None:
    """A 社 as the team it names, to compare: a numbered one by its number however it is written
    (6社, 第六社 and 六社 are all "#6"; 下营村四社, its village typed before it, is "#4"), a named one
    (河西社) by its name."""
    number = team_number(team) if team else None
    if number is None and team:
        _, part = village_and_team(team)
        number = team_number(part) if part is not None else None
    return team if number is None else f"#{number}"


def _as_written(text: str) -> str:
    """A date as people also write it, made into one the pattern reads; only for text the pattern
    refused, so a usual date pays nothing: a full stop or comma after it (2010.9.6. / 2010-9-6。),
    commas between its parts (2010,9,6 from a Chinese keyboard's ，), and the year, month and day
    in Chinese numerals (二〇一〇年九月六日, as on a printed form)."""
    text = text.rstrip(".。,，、;； ")
    cn = _CN_DATE_RE.match(text)
    if cn:
        month, day = (int(g) if g.isdigit() else _cn_whole(g) for g in (cn.group(2), cn.group(4)))
        return f"{_cn_year(cn.group(1))}年{month}月{day}日"
    if re.fullmatch(r"\d{4}\s*[,，]\s*\d{1,2}\s*[,，]\s*\d{1,2}", text):
        return re.sub(r"\s*[,，]\s*", "-", text)
    if re.fullmatch(r"\d{4}(?:\s*[、_]\s*|\s+)\d{1,2}(?:\s*[、_]\s*|\s+)\d{1,2}", text):  # 2010 3 5, 2010、3、5
        return re.sub(r"\s*[、_]\s*|\s+", "-", text)
    return text


def _cn_year(text: str) -> str:
    """A year written digit by digit in Chinese numerals (二〇一〇) as digits (2010)."""
    return "".join(_CN_DIGITS[c] for c in text)


# a year written in a sheet's title rows (下营村联户日记（2010年）, 二〇一〇年度): 2010, or 二〇一〇
_TITLE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)|(二[〇零○][〇零○一二三四五六七八九]{2})年")
# a date without its year, as a diary under such a title writes it: 3月5日, 3.5, 3-5, 3/5 (text)
_MONTH_DAY_RE = re.compile(r"^(?:1[0-2]|0?[1-9])\s*(?:月\s*\d{1,2}\s*[日号]?|[-/.]\s*\d{1,2}(?![\d./-]))")


_NO_YEAR_RE = re.compile(r"(?:1[0-2]|0?[1-9])\s*(?:月\s*\d{1,2}\s*[日号]?|[-/.]\s*\d{1,2})")  # the whole text


def _a_day(text: str) -> bool:
    """Whether a month and day (3月5日, 4.6) is a day of some year (3月32日 is none)."""
    month, day = map(int, re.findall(r"\d+", text))
    try:
        date(2000, month, day)
    except ValueError:
        return False
    return True


def title_year(texts: list[str]) -> int | None:
    """The one year the title rows above a table name (``2010年联户日记``, ``二〇一〇年度``),
    or None when they name none or several (``2009—2010年``: which year is 3月5日?)."""
    years = set()
    for text in texts:
        for digits, chinese in _TITLE_YEAR_RE.findall(fold(text)):
            years.add(int(digits or _cn_year(chinese)))
    return years.pop() if len(years) == 1 else None


# a village named in a title (下营村联户卡, 倪家营乡下营村联户带创登记簿, 下营村党支部…): two to six
# characters before 村, after the township (乡, 镇) or a year written before it, where 村 is not part
# of another word (村干部, 村社干部, 村级, 村民, 村委会, 村组)
_TITLE_VILLAGE_RE = re.compile(r"([\u4e00-\u9fff]+)村(?![社干级民委组两])")
_BEFORE_VILLAGE = re.compile(r"^.*[乡镇县市区省年度]")


def village_of_title(texts: list[str]) -> str | None:
    """The one village the title rows above a card table name (下营村联户卡（2010年）,
    倪家营乡下营村联户卡, 下营村党支部联户带创登记簿), or None when they name none or several
    (2010年度村社干部联户卡 names none: its 村 is the cadres')."""
    found = set()
    for text in texts:
        for m in _TITLE_VILLAGE_RE.finditer("".join(fold(text).split())):
            name = _BEFORE_VILLAGE.sub("", m.group(1))
            if 2 <= len(name) <= 6 and not name.endswith("农"):  # 新农村建设: the countryside, no village
                found.add(f"{name}村")
    return found.pop() if len(found) == 1 else None


def with_year(value: object, year: int) -> object:
    """A date typed without its year (``3月5日``, ``3.5``, text) under a title naming one year,
    as that year's date (``2010年3月5日``); anything else as it is (a number 3.5 in a cell is
    no date: 3.10 would be 3.1)."""
    if value.__class__ is not str:
        return value
    text = fold(value)  # type: ignore[arg-type]
    short = _SHORT_YEAR_RE.match(text.lstrip(_QUOTES))
    if short is not None and 2000 + int(short.group(1)) > year:  # 26/3/5 under 联户日记（2010年）
        after = AfterTitle(value)
        after.title = year
        return after
    if not _MONTH_DAY_RE.match(text):
        return value
    dated = f"{year}年{text}"
    try:
        parse_date(dated)
    except PydanticCustomError:  # 3月32日: said as typed, not as the year made it
        return value
    return dated


# what a diary writes after the date: the weekday (星期五, 周五, (礼拜五)) and the time of day
# (上午, 下午3点, 14时30分, 14:30 right after 日); after ``fold``, so brackets and colons are ASCII
_DAY_TAIL_RE = re.compile(
    r"(?:\s*(?:\(?(?:星期|周|礼拜)[一二三四五六日天七]\)?|上午|下午|中午|晚上|早上|早晨|傍晚|凌晨|晚|早"
    r"|(?<!\d)(?:[01]?\d|2[0-3])(?::\d{2}(?::\d{2})?|[时点](?:\d{1,2}分?|半|整)?)))+\s*$")
# a note in brackets after a date (after ``fold``): no digits (2010.3.5(3.6): which day?) and no weekday
_DATE_NOTE_RE = re.compile(r"\s*\((?![^()]*(?:星期|周|礼拜))[^()\d]+\)$")
_WEEKDAY_RE = re.compile(r"(?:星期|周|礼拜)([一二三四五六日天七])")
_WEEKDAYS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6}
_NAMED_DAY = "一二三四五六日"


def _from_text(text: str) -> date:
    m = _DATE_RE.match(text)
    if m:
        return _day_of(m)
    text = text.lstrip(_QUOTES)  # '2010-9-6 pasted with the apostrophe that made it text
    if len(text) == 5 and text.isdigit() and _TEXT_SERIAL_MIN <= int(text) <= _SERIAL_MAX:
        return _EXCEL_EPOCH + timedelta(days=int(text))  # 40238: a date cell turned into text (设为文本)
    tail = _DAY_TAIL_RE.search(text)
    weekdays: list[str] = []
    if tail is not None and tail.start() > 0:  # 2010年3月5日 星期五 / 2010-3-5 下午3点: the date is before it
        weekdays = _WEEKDAY_RE.findall(tail.group())
        text = text[: tail.start()]
    note = _DATE_NOTE_RE.search(text) if text.endswith(")") else None
    if note is not None and note.start():  # 2010.3.5(补记), 2010-4-6（晚上补写）: a note on the entry
        text = text[: note.start()]
    m = _DATE_RE.match(text) or _DATE_RE.match(_as_written(text)) or _short_year(text)
    if not m and _MONTH_DAY_RE.match(text) and _NO_YEAR_RE.fullmatch(text) and _a_day(text):  # 3月5日, 4.6
        raise problem("bad-date", detail="（没写年份）")
    if not m or len(weekdays) > 1:
        raise problem("bad-date")
    day = _day_of(m)
    if weekdays and day.weekday() != _WEEKDAYS[weekdays[0]]:  # which of the two is wrong, one cannot tell
        raise problem("weekday-mismatch", expected=f"{day.year}年{day.month}月{day.day}日",
                      detail=f"星期{_NAMED_DAY[day.weekday()]}")
    return day


# a year written with two digits, as Excel reads one typed in a Chinese locale: 10-3-5, 26/3/5, 10年3月5日
_SHORT_YEAR_RE = re.compile(r"^(\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")


def _short_year(text: str) -> re.Match[str] | None:
    """A date whose year has two digits (10-3-5, 10年3月5日) as the standard's pattern matches
    it with the year in full (2010-3-5): 20yy, as Excel reads it typed in a Chinese locale. A
    year after this one is no date yet (99-3-5): said, with the year to write in full."""
    m = _SHORT_YEAR_RE.fullmatch(text)
    if m is None:
        return None
    year = 2000 + int(m.group(1))
    if year > date.today().year:
        raise problem("two-digit-year", detail=f"读作 {year} 年还没到")
    return _DATE_RE.match(f"{year}-{m.group(2)}-{m.group(3)}")


class YuanInWan(str):
    """A figure of 100 or more under a column headed in 万元 (担保贷款（万元） 3000): read in 万元 it
    is 3000万 for one household, so the cadre typed yuan. Which is meant one cannot tell for sure
    (reader._as_yuan): an error naming both, never 30 000 000 yuan with a warning."""


class PercentShown(str):
    """A number in a cell formatted as a percent (0%, 0.00%) under a count or an amount column:
    3000 typed into it is stored 30 and shown 3000% (Excel divides what is typed by 100), a
    number typed before the format was set is stored as typed and shown 100 times larger. Which
    was meant one cannot tell (reader, from the cells the guard found so formatted): an error
    naming both, never the stored figure counted."""


class StruckOut(str):
    """A cell of a line a clerk struck through (删除线) instead of deleting it, as on paper: crossed
    out, or a stray format? A careful clerk leaves a crossed-out line out; which was meant one
    cannot tell (reader, from the cells the guard found so styled): an error on the line, naming
    ``cells`` (its struck cells), the line never counted."""

    cells: str


WAN_IMPLAUSIBLE = 100  # 100万元 (a million yuan) for one household's loan or per-head income


class AfterTitle(str):
    """A date typed with a two-digit year after the one year its sheet's title names (26/3/5
    in 联户日记（2010年）): 2026 or a slip? Which is meant one cannot tell (``with_year``)."""

    title: int


class StaleTitle(str):
    """A date typed without its year (4.6) under a title naming a year (联户日记（2009年）) that
    none of the sheet's dates typed with their year is in (they are 2010's): a sheet copied from
    last year's form, its title left. 2009 or 2010? One cannot tell (reader): an error naming
    both, never the visit put silently into last year."""

    title: int
    seen: list[int]


def _day_of(m: re.Match[str]) -> date:
    year = int(m.group(1))
    month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(4), m.group(5))
    try:
        return date(year, int(month), int(day))
    except ValueError:
        raise problem("bad-date") from None


# --- numbers -----------------------------------------------------------------

# the longer units first: 5口人 (household size), 2500元/人 (per-capita income) as a clerk writes them
# Lines a clerk adds to a table that are not entries: sums, and the footer printed forms carry
TOTALS_WORDS = ("合计", "小计", "总计")  # each contains 计 (the reader tests that first, for speed)
_FOOTER_RE = re.compile(r"[(（]?(填表人|填报人|制表人|审核人|审批人|统计人|单位负责人|负责人|填表日期|填报日期|制表日期|"
                        r"报送日期|填报单位|以下空白|以下无|此页无正文|本页以下空白|(注|说明|备注)[:：]|"
                        # 审核：李四, 日期：2010年12月31日, 联系人签字：, 村支部书记（签字）：, （盖章）
                        r"(填表|填报|制表|审核|审批|复核|统计|日期)[:：]|[^:：\d]{0,12}?[(（]?(签字|签名|盖章)[)）]?([:：]|$))")
_BLANKS_RE = re.compile(r"\s+")


# words a note uses too (累计投入3万元, 共计3000元): a line of sums only when they are its label (共计：)
_TOTALS_LABELS = ("共计", "累计")


# a line counting the households (or visits) above it: 共 3 户, 本页共5条, 以上共2户，其中…
_COUNT_LINE_RE = re.compile(r"(?:本页|本表|以上|上述|全村|全社)?共(?:有)?\d{1,4}(?:个|名)?[户人张条次件项份篇]")


def is_totals_text(text: str) -> bool:
    """合计, 本页合计, 合 计：, 下营村小计, 共计, 共 3 户: a line of sums."""
    squeezed = _BLANKS_RE.sub("", text)
    return any(w in squeezed for w in TOTALS_WORDS) or (
        len(squeezed) <= 6 and any(w in squeezed for w in _TOTALS_LABELS)) or (
        "共" in squeezed and _COUNT_LINE_RE.match(fold(squeezed)) is not None)


# a sub-heading a clerk types over each month's or quarter's visits: 四月份, 二〇一〇年下半年, 第二季度
_SECTION_RE = re.compile(
    r"(?:(?:19|20)\d{2}|二[〇零○][〇零○一二三四五六七八九]{2})?年?度?"
    r"(?:第?[一二三四1-4]季度|[上下]半年|(?:1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])月份?)?"
    r"(?:的?(?:记录|日记|情况|联系情况|走访情况))?[:：]?")


def is_section_text(text: str) -> bool:
    """四月份, 2010年第二季度, 二〇一〇年下半年记录: a heading over part of a sheet, not a row."""
    folded = fold(text).replace(" ", "")
    return any(w in folded for w in "年月季") and _SECTION_RE.fullmatch(folded) is not None


_GROUP_WORDS_RE = re.compile(r"(?:的?(?:农户|联系户|联户卡|联户|日记|记录))?[:：]?$")


def is_group_heading(text: str) -> bool:
    """一社, 二社农户：, 下营村三社, 第四组, 下营村: a heading a cadre types alone on a line over the
    cards (or visits) of one 社 or 村. Never a 卡号: it names a numbered 社 (6社, 第六社 …) or
    a 村, with nothing else."""
    folded = _GROUP_WORDS_RE.sub("", unicodedata.normalize("NFKC", text).replace(" ", "")).replace("村民小组", "组")
    village, mark, team = folded.rpartition("村")  # 村民小组 folded first: its 村 is not the village's
    if mark and not team:  # 下营村
        return 2 <= len(folded) <= 10 and not any(c.isdigit() for c in folded)
    team = team if mark else folded
    return (len(village) <= 10 and team[-1:] in "社组队" and team_number(team) is not None
            and not any(c.isdigit() for c in village))


# a page's number typed under it (第 2 页, 第2页 共3页, - 2 -) and the title of a page that goes on
# (续表, 联户日记（续）, 下营村联户日记续表): a card number has neither
_PAGE_TITLE_RE = re.compile(r"第\d{1,3}页(?:[,/]?共\d{1,3}页)?|共\d{1,3}页[,/]?第\d{1,3}页|-\d{1,3}-|"
                            r"第[一二三四五六七八九十]{1,3}页|.{0,20}(?:续表|续页|\(续\)|\(续表\))|续")


def is_page_title(text: str) -> bool:
    """第 2 页, - 2 -, 续表, 下营村联户日记（续表）: a page's number or the title of a page that goes
    on, typed on a line of its own when printed pages are typed into one sheet."""
    return _PAGE_TITLE_RE.fullmatch(fold(text).replace(" ", "")) is not None


def is_footer_text(text: str) -> bool:
    """填表人：张三, 审核人, 填表日期：…, 以下空白, 注：…: the footer under a table."""
    return _FOOTER_RE.match(_BLANKS_RE.sub("", text)) is not None


# What clerks type for "nothing here" where a blank cell means none: read as a blank cell.
# (Compared after ``fold``, so 一 dashes and full-width slashes are one.)
NOTHING = frozenset({"无", "没有", "暂无", "无问题", "没有问题", "无服务", "未提供", "暂未提供", "没有提供",
                     "未提供服务", "没有提供服务", "-", "--", "/", "\\", "空", "空白",
                     # a visit that found nothing, a visit that brought no service, said as a diary says it
                     "没问题", "暂无问题", "无明显问题", "未发现问题", "没发现问题", "没有发现问题", "暂未发现问题",
                     "未发现", "暂无服务", "没有服务", "没服务", "未服务", "无服务项目"})


# what clerks fill down a column in advance for the rows to come (是否主要问题 否, 办实事 0): a
# row of only these, with no 卡号, is an empty line of the form
_PLACEHOLDERS = NOTHING | {"否", "0", "FALSE", "×"}


def is_placeholder(value: object) -> bool:
    """A blank cell, or one holding only what is filled down in advance (否, 0, 无, FALSE)."""
    if value is None or value is False:
        return True
    if value.__class__ is int or value.__class__ is float:
        return value == 0
    return value.__class__ is str and fold(value).replace(" ", "").upper() in _PLACEHOLDERS  # type: ignore[union-attr]


def is_nothing(text: str) -> bool:
    key = fold(text).replace(" ", "")
    return key in NOTHING or (key[-1:] in _CLOSING_MARKS and key.rstrip(_CLOSING_MARKS) in NOTHING)  # 无。


def note_key(text: str | None) -> str:
    """What a note says, for telling whether two copies wrote the same thing: width, spaces and
    a closing mark do not count (缺水，缺肥。 retyped as 缺水,缺肥 is the same problem)."""
    return "".join(fold(text).split()).rstrip(_CLOSING_MARKS) if text else ""


def parse_note(value: object) -> str | None:
    """Optional text where 无/没有/— mean blank (发现问题: “无” is no problem found), and so do the
    ways a diary says it found none (一切正常, 无异常, 没什么问题, 暂无困难)."""
    text = parse_text(value)
    if text is None or is_nothing(text):
        return None
    if len(text) <= 12 and _NO_PROBLEM_RE.fullmatch(fold(text).replace(" ", "").rstrip(_CLOSING_MARKS)):
        return None
    return text


# a visit that found nothing, said as a diary says it: 一切正常, 情况良好, 无异常, 没什么问题, 未发现新问题,
# 暂无困难 (never 没有资金: what is lacking is a problem)
_NO_PROBLEM_RE = re.compile(
    r"(?:一切|情况|家庭情况|生产生活|生产生活情况|各方面)?(?:正常|良好|稳定|很好)"
    r"|(?:暂|暂时|目前|本次|此次|这次|暂时还)?(?:无|没有|没|不存在|未发现|没发现|没有发现|未见|暂未发现)"
    r"(?:什么|明显|新|其他|其它|大的?|突出|任何)?的?(?:问题|困难|异常)"
    r"|(?:暂|暂时|本次|此次)?(?:无|没有|没|未)发现(?:什么|明显|新|其他|其它|任何)?的?(?:问题|困难|异常)?"
    r"|(?:暂时|目前|本次|此次)(?:无|没有)")


# 5000元整 as receipts and loan papers write an amount (整: “exactly”); the longer units first
# (元/人/年, 元/年: an income per head a year; 块, 块钱: yuan as said aloud; 人次: helps counted per person)
_UNITS = ("口之家", "口人", "人口", "个人", "元/人/年", "元/人·年", "元/人.年", "元/人", "元/年", "元/户", "元整", "元人民币", "元", "块钱", "块", "人次",
          "场次", "场", "人", "次", "件实事", "件事", "件", "口", "户", "个", "位", "头", "只", "亩", "项", "回", "趟")
_SCALES = {"万": 10000.0, "千": 1000.0, "w": 10000.0, "W": 10000.0}  # 1.5w: 万 as typed in a chat
_BRACKETED = re.compile(r"\(([^()]+)\)$")  # 3000(元), 5(人): the unit in brackets, after fold
# a note that a count was not (yet) done: 1件(未办完), 2次(计划): it may change the figure
_NOT_DONE_RE = re.compile(r"[未没不待拟尚还]|计划|准备|打算")
# a note in brackets after a loan naming where it is from (3000元(信用社), 2万(农行贷款)): the figure stands
_LENDER_RE = re.compile(r"信用社|信用联社|农信|银行|农行|农发行|邮储|农商|村镇银行|联社|小额贷款|贴息贷款|扶贫贷款")
# a note in brackets after a loan saying what it is (3000元(贷款), 5000(担保), 3000元(小额信贷), 3000元(已发放)):
# the figure stands; one that it is not yet (未发放, 待放贷) is read by _NOT_DONE_RE
_LOAN_NOTE_RE = re.compile(r"贷款|担保|信贷|放贷|放款|发放|到位|到账")


def _written_twice(text: str, bracketed: re.Match[str], units: frozenset[str] | None) -> float | None:
    """The figure of an amount or a count written twice, in figures and in words, one in brackets
    (3000元(叁仟元), 叁仟元整(3000), 2次(两次)), when both say the same; None when the bracket holds
    no figure. Two that differ are an error naming both."""
    inner = bracketed.group(1)
    if not any(c.isdigit() or c in _CN_VALUE or c in _CN_UNIT for c in inner):
        return None
    try:
        second = _read_number(inner, units)
        first = _read_number(text[: bracketed.start()], units)
    except PydanticCustomError:
        return None
    if first is None or second is None:
        return None
    if abs(first - second) > 0.005:
        raise problem("bad-number", detail=f"（括号外是 {first:g}，括号里是 {second:g}，说不准是哪一个）")
    return first


# Chinese numerals, as a count or an amount is also written: 五口, 一件, 两次, 五千, 叁仟元, 一万二
_CN_VALUE = {**{c: i for i, c in enumerate("零一二三四五六七八九")}, "〇": 0, "○": 0, "两": 2,
             **{c: i for i, c in enumerate("零壹贰叁肆伍陆柒捌玖")}}
_CN_UNIT = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_TEN_THOUSAND = ("万", "萬")
_NUMBER_RE = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
# a thousands separator (3,000 · 12 000): a comma or space before exactly three digits; another
# between digits is a list (2000 3000, 2000，3000) or a decimal comma (0,5), never one number
_THOUSANDS_RE = re.compile(r"(?<=\d)[, ](?=\d{3}(?!\d))")
_LIST_RE = re.compile(r"\d[, ]+\d")
_DECIMAL_COMMA_RE = re.compile(r"^(\d{1,3}),(\d{1,2})$")  # 1,5: a decimal comma (1.5) or 15 mistyped
# 3.000 typed as text under 担保贷款(元): 3 yuan, or 3000 with a point for the thousands (as 3,000)?
# No loan is 3 yuan; a text cell keeps the three 0s a number cell would drop
_POINT_THOUSANDS_RE = re.compile(r"^[1-9]\d{0,2}\.\d{3}$")


def _typed_in_date_cell(value: date) -> float:
    """The number a date-formatted cell holds (Excel's day count, with its 1900-02-29), when it
    is before 1950: a count or an amount typed where the format was painted down. A later date
    there (WPS turns 3-5 typed into a cell into March 5th) is no number anybody typed."""
    day = value.date() if isinstance(value, datetime) else value
    number = day.toordinal() - _EXCEL_EPOCH.toordinal() - (day < date(1900, 3, 1))
    if not 0 <= number < _SERIAL_MIN:
        raise problem("bad-number", detail=f"（这一格是日期格式，显示为 {day.isoformat()}；只填数字，格式改成“常规”）")
    if isinstance(value, datetime):
        number += (value - datetime.combine(day, datetime.min.time())).total_seconds() / 86400
    return round(float(number), 6)


def parse_number(value: object) -> float | None:
    """3000, '3000元', '3,000', '３０００', '5人', '1.2万' (12000), '¥3000'."""
    return _read_number(value, None)


def _read_number(value: object, units: frozenset[str] | None) -> float | None:
    """``parse_number``, taking only ``units`` (None: any) after the figure."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise problem("bad-number")
    if isinstance(value, int | float):
        return _finite(value, "bad-number")
    if isinstance(value, date):  # a date-formatted cell: 3000 typed there shows as 1908-03-18
        return _typed_in_date_cell(value)
    if value.__class__ is YuanInWan:  # 3000 under 担保贷款（万元）
        raise problem("yuan-in-wan", value=str(value).strip())
    if value.__class__ is PercentShown:  # 30 stored in a 0% cell, shown 3000%
        raise _percent_shown(float(value))
    if value.__class__ is StruckOut:
        raise problem("struck-out", detail=value.cells)  # type: ignore[attr-defined]
    text = fold(str(value))
    if text[:1] in _QUOTES:  # '3000 pasted with the apostrophe that made it text
        text = text.lstrip(_QUOTES)
    if "," in text or " " in text:
        text = _THOUSANDS_RE.sub("", text)
        if _LIST_RE.search(text):
            decimal = _DECIMAL_COMMA_RE.match(text)
            raise problem("bad-number", detail=f"（是 {decimal[1]}.{decimal[2]} 还是 {decimal[1]}{decimal[2]}？"
                                               f"小数点用“.”，一格只填一个数）") if decimal else problem("bad-number")
        text = text.replace(",", "").replace(" ", "")
    if not text or text in NOTHING:
        return None
    typed = text
    text = text.rstrip(_CLOSING_MARKS) or text  # 3000元。 (。 is . after fold)
    if text[0] == "¥":
        text = text[1:]
    bracketed = _BRACKETED.search(text)
    twice = _written_twice(text, bracketed, units) if bracketed and bracketed.start() else None
    if twice is not None:  # 3000元(叁仟元), 叁仟元整(3000): the figure and its words, as on a receipt
        return twice
    if bracketed and (bracketed.group(1) in _UNITS or bracketed.group(1).rstrip("元") in _SCALES):
        text = text[: bracketed.start()] + bracketed.group(1)  # 3000(元) is 3000元
    elif bracketed and bracketed.start() and (_LENDER_RE.search(bracketed.group(1)) or (
            units is _COUNT_UNITS and not _NOT_DONE_RE.search(bracketed.group(1))) or (
            units is _MONEY_UNITS and _LOAN_NOTE_RE.search(bracketed.group(1))
            and not _NOT_DONE_RE.search(bracketed.group(1)))):
        text = text[: bracketed.start()]  # 3000元(信用社), 1件(修渠): the lender or the deed said, the figure the same
        if units is _COUNT_UNITS and _LENDER_RE.search(bracketed.group(1)):  # 3000(信用社) under 办实事
            _no_loan(_read_number(text, units), bracketed.group(1))
    elif bracketed and bracketed.start():  # 3000(未到位): a note that may change the figure
        try:
            figure = _read_number(text[: bracketed.start()], units)
        except PydanticCustomError:
            figure = None
        if figure is not None:
            raise problem("bad-number", detail=f"（括号里的“{bracketed.group(1)}”是说明，说不准这个数算不算："
                                               f"算就只填 {figure:g}，不算就空着，说明写到别的列）")
    for unit in _UNITS:
        if text.endswith(unit):
            text = text[: -len(unit)]
            if units is _COUNT_UNITS and unit == "亩":  # 3亩 under 帮耕帮畜: how much land, not how many times
                raise problem("bad-number", detail="（“亩”是地的面积，这一列数的是次数或件数）")
            if units is not None and unit not in units:  # 3000元 under 办实事(件)
                raise problem("bad-number", detail=f"（“{unit}”不是这一列的单位，是不是填错了列？）")
            break
    scale = _SCALES.get(text[-1:], 1.0)
    digits = text[:-1] if scale != 1.0 else text
    if _NUMBER_RE.match(digits):
        if units is _MONEY_UNITS and scale == 1.0 and _POINT_THOUSANDS_RE.match(digits):
            raise problem("bad-number", detail=f"（是 {float(digits):g} 元还是 {digits.replace('.', '')} 元？"
                                               f"点后正好三位，像是把“.”当千位分隔号用了：是几千元就只填数字，"
                                               f"如 {digits.replace('.', '')}）")
        return round(_finite(float(digits) * scale, "bad-number"), 6)
    whole = _cn_whole(text) if typed != "一" else _UNSEEN  # 一 alone may be a dash typed for "none"
    if whole is None:
        whole = _mixed(text)  # 1万2, 3千5, 1万5千元
    if whole is None and text.startswith(_SAID_FIRST):  # 人均2500元, 贷款3000元, 共3000元: the column's words
        rest = text.removeprefix(next(w for w in _SAID_FIRST if text.startswith(w)))
        if rest and (rest[0].isdigit() or rest[0] in _CN_VALUE or rest[0] in "约近"):
            return _read_number(rest, units)
    if whole is None or whole is _UNSEEN:
        raise problem("bad-number", detail=_ROUGHLY) if _APPROXIMATE_RE.search(typed) else problem("bad-number")
    return _finite(float(whole), "bad-number")


def _percent_shown(stored: float) -> PydanticCustomError:
    """``percent-cell`` for a number stored in a percent-formatted cell (``PercentShown``): the
    figure shown (3000%) and the one stored (30) named, both as the clerk would type them."""
    shown = round(stored * 100, 9)
    return problem("percent-cell", value=f"{shown:g}%", detail=f"{stored:g}", expected=f"{shown:g}")


LOAN_LIKE = 100  # a count of 100 or more in one visit is no count of deeds or helps; no loan is less


def _no_loan(figure: float | None, note: str) -> None:
    """A figure under a count column with a lender in brackets (3000（信用社） under 办实事): a loan
    typed one column over when no visit could do so many (1（信用社担保） is a deed: the guarantee
    arranged). Said, never 3000 deeds counted."""
    if figure is not None and figure >= LOAN_LIKE:
        raise problem("bad-number", detail=f"（括号里的“{note}”是放贷的地方，{figure:g} 像是贷款的金额填进了这一列："
                                           f"贷款金额填到“担保贷款(元)”列，这一列只填件数或次数）")


# what is written before an amount saying what it is: the column's own words (人均2500, 贷款3000元)
# or that it is the sum (共3000元); the longer first
_SAID_FIRST = ("人均纯收入", "人均收入", "人均", "担保贷款", "贷款", "担保", "共计", "共", "计", "全家", "家庭人口", "家中",
               "人民币", "RMB")  # 人民币3000元, RMB5000: as loan papers write an amount
_MIXED_RE = re.compile(r"零?(\d+(?:\.\d+)?)([万千百十]?)")
_MIXED_UNITS = {"万": 10000, "千": 1000, "百": 100, "十": 10}


def _mixed(text: str) -> float | None:
    """An amount written in digits with Chinese units between them, as it is said: 1万2 (12 000),
    2万5千 (25 000), 3千5 (3 500), 12万5千; None for anything else (1万25, 3千1万)."""
    if not any(c in _MIXED_UNITS for c in text) or not any(c.isdigit() for c in text):
        return None
    total, last, at = 0.0, 0, 0
    for m in _MIXED_RE.finditer(text):
        if m.start() != at:
            return None
        at = m.end()
        digits, unit = m.group(1), _MIXED_UNITS.get(m.group(2), 0)
        if not last:  # the leading part: 12万, 1.5万, 3千
            if not unit:
                return None
            total, last = float(digits) * unit, unit
            continue
        if len(digits) != 1:  # after a unit one digit: 1万25 is no one number
            return None
        unit = unit or (1 if m.group().startswith("零") else last // 10)  # 1万2: 2 of the unit below 万; 3千零5
        if not unit or unit >= last:
            return None
        total += int(digits) * unit
        last = unit
    return total if at == len(text) and last else None


_ROUGHLY = "（是约数或范围，汇总要一个确切的数）"
# an amount or count given roughly: 约3000, 3000左右, 三千多, 3000余元, 三四千, 两三次, 十几次, 3000-5000,
# 3千到5千 (after ``fold``). The totals need the figure itself: an error, never a guess
_APPROXIMATE_RE = re.compile(
    r"^(?:约|大约|大概|大致|估计|将近|接近|近|差不多|不到|不足|超过|上|最少|至少|最多)"
    r"|(?:左右|上下|以上|以下|多|余|来|几)(?:[元块件次人口户个头只亩项万千百]|块钱|人次)*$"
    r"|几[十百千万]|[一二两三四五六七八][二两三四五六七八九](?:[十百千万]|$|[元块件次人口户个])"
    r"|[\d一二两三四五六七八九十百千万][\d.]*\s*[千万元块件次]?\s*(?:-|~|至|到)\s*[\d一二两三四五六七八九十]")


def _cn_whole(text: str) -> int | None:
    """A whole number written in Chinese numerals (五, 十二, 两千五百, 叁仟, 一万二 for 12 000, 三千五
    for 3 500), or None for anything else (五五, 三千千, 约三千)."""
    if not text or len(text) > 20:
        return None
    total = section = 0
    digit: int | None = None
    last_unit = 0  # the unit said last, for a digit after it alone (三千五: 5 hundreds)
    zero = False  # a 零 since that unit: 一百零一 is 101, not 110
    for c in text:
        if c in _CN_VALUE:
            if digit is not None and digit != 0:
                return None  # two digits in a row: 五五
            digit = _CN_VALUE[c]
            zero = zero or digit == 0
        elif c in _CN_UNIT:
            unit = _CN_UNIT[c]
            if last_unit and unit >= last_unit:
                return None  # 三千千, 五十百
            if digit is None and not (unit == 10 and section == 0 and total == 0):
                return None  # 十 alone may open a number (十二); 千 may not
            section += (1 if digit is None else digit) * unit
            digit, last_unit, zero = None, unit, False
        elif c in _CN_TEN_THOUSAND:
            if total or (digit is None and not section):
                return None
            total = (section + (digit or 0)) * 10000
            section, digit, last_unit, zero = 0, None, 10000, False
        else:
            return None
    if digit:
        section += digit * (last_unit // 10 if last_unit >= 100 and not zero else 1)  # 一万二 = 12 000, 三千五 = 3 500
    return total + section


def _finite(value: int | float, code: str) -> float:
    """``value`` as a finite float: 400 typed digits, 1e400 in a file or a NaN become inf/nan
    (or overflow), which no total or output cell can hold: a problem at its cell instead."""
    try:
        number = float(value)
    except OverflowError:
        raise problem(code) from None
    if not math.isfinite(number):
        raise problem(code)
    if code == "bad-number" and abs(number) >= NUMBER_LIMIT:  # two such amounts would add up to inf
        raise problem("out-of-range", expected=NUMBER_LIMIT_TEXT)
    return number


NUMBER_LIMIT = 1e15  # Excel keeps 15 significant digits: a larger amount cannot be typed exactly
NUMBER_LIMIT_TEXT = "15 位数字以内"


_MONEY_UNITS = frozenset(u for u in _UNITS if "元" in u or "块" in u)
_COUNT_UNITS = frozenset(_UNITS) - _MONEY_UNITS - {"亩"}  # 3亩 under 帮耕帮畜: the land ploughed, not the times


def parse_amount(value: object) -> float | None:
    """An amount of money (担保贷款, 人均纯收入): ``parse_number``, but a count's unit (5人, 2次,
    3亩) is no amount: the figure belongs to another column (a slip of one cell)."""
    return _read_number(value, _MONEY_UNITS)


def parse_whole(value: object) -> int | None:
    """A whole number (count of deeds, helps, people); an amount's unit (3000元 under 办实事)
    is no count: the figure belongs to another column."""
    number = _read_number(value, _COUNT_UNITS)
    if number is None:
        return None
    if not float(number).is_integer():
        raise problem("not-whole")
    return int(number)


# --- yes / no ----------------------------------------------------------------

# with the marks a Chinese input method offers for “dui” / “cha” (☑, ✕ ✖ ╳) and WeChat's ✅ ❌
_YES = {"是", "是的", "√", "✓", "✔", "☑", "✅", "Y", "YES", "对", "对的", "有", "有的", "TRUE", "1", "V", "∨"}  # V: a tick typed without √
_NO = {"否", "不是", "不是的", "×", "✗", "✘", "✕", "✖", "╳", "❌", "X", "N", "NO", "不", "不对", "无", "没", "没有", "没有的",
       "FALSE", "0"}


def parse_yesno(value: object, word: str | None = None) -> bool | None:
    """是/否, also √ ✓ Y and × N (and Excel's TRUE/FALSE), with a closing mark (是。), and the
    columns' own words (已转化 / 未转化, 是主要问题 / 不是主要问题: ``_YESNO_WORDS``). ``word``: the
    one such word the column asks about (转化 for 是否转化): another column's word is no answer to
    it (是否转化 有进步: progressed, not converted), an error; None takes any."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = fold(str(value)).upper()
    if not text or (text in NOTHING and text not in _NO):
        return None
    if text in _YES:
        return True
    if text in _NO:
        return False
    key = text.rstrip(_CLOSING_MARKS).replace(" ", "")  # 是。 √ 。
    if key in _YES or key in _NO:
        return key in _YES
    said = _YESNO_WORDS.fullmatch(key)  # 已转化 / 未转化, 有发展 / 没有发展, 是主要问题 / 不是主要问题
    if said is not None and word is not None and said.group(2) != word:
        raise problem("bad-yesno", detail=f"（“{key}”说的是{_ASKS[said.group(2)]}，不是{_ASKS[word]}）")
    if said is None and key in _MAIN_OR_NOT and word in (None, "主要问题"):  # 是否主要问题 次要, 一般问题
        return _MAIN_OR_NOT[key]
    if said is None and key[:1] in "是否" and key[1:2] == "(" and key.endswith(")") and "?" not in key:  # 是(主要问题): a note
        return key[0] == "是"
    if said is None:
        if _CONVERTING_RE.fullmatch(key):  # 正在转化, 转化中: not converted yet
            return False
        if _PARTLY_RE.fullmatch(key):  # 基本转化: converted or not? the count needs one of the two
            raise problem("bad-yesno", detail=f"（“{key}”说不准算不算：已经做到的填“是”，还没有完全做到的填“否”）")
        raise problem("bad-yesno")
    return said.group(1) is None


# the yes/no columns' own words, said yes or no: 已转化, 转化了, 有所提高 / 未转化, 没有发展, 不是主要问题
_YESNO_WORDS = re.compile(r"(尚未|还没有|还没|没有|没能|未能|未|没|无|不是|不属于|不|非)?(?(1)|(?:已经|已|有所|有较大|有明显|"
                          r"有很大|有|是|较大|很大|明显|显著)?)"
                          r"(转化|发展|进步|提高|主要问题)了?")
# what each of those words asks, to say it under a column asking another
_ASKS = {"转化": "有没有转化", "发展": "经济有没有发展", "进步": "思想有没有进步", "提高": "认识有没有提高",
         "主要问题": "问题主要不主要"}


# 是否主要问题 said as how main it is: 主要 is 是; 次要, 一般问题 (an ordinary one) are 否
_MAIN_OR_NOT = {"主要": True, "次要": False, "次要问题": False, "一般问题": False, "非主要": False, "不主要": False}
# 是否转化 still under way (正在转化, 转化中, 还在转化): not yet, so 否; done in part (基本转化, 初步转化,
# 部分转化): yes or no cannot be told, an error that says so. (正在发展 under 经济有发展 is no “not yet”.)
_CONVERTING_RE = re.compile(r"(?:正在|尚在|还在|仍在|逐步|有待)(?:转化|转变)中?|(?:转化|转变)中")
_PARTLY_RE = re.compile(r"(?:基本|基本上|初步|部分|大部分|一定程度)(?:已经|已|上)?(?:转化|转变)了?")


# --- choices -----------------------------------------------------------------


_SPACES_RE = re.compile(r"\s+")


def parse_choice(value: object, choices: tuple[str, ...]) -> str | None:
    text = parse_text(value)
    if text is None:
        return None
    if text in choices:  # speed: the usual case, picked from the dropdown
        return text
    if is_nothing(text):  # 办理结果 “无” when nothing was found: blank
        return None
    squeezed = _SPACES_RE.sub("", text)
    if squeezed in choices:
        return squeezed
    # as the clerk meant it: 入户访谈。 (a closing mark), 其它 for 其他, and a choice shortened to a
    # part only it has (入户, 电话, 保守户); a part several have (解决, 干部) stays an error
    key = fold(squeezed).rstrip(_CLOSING_MARKS).replace("其它", "其他")
    if key in choices:
        return key
    if key.endswith("了") and key[:-1] in choices:  # 当场解决了
        return key[:-1]
    key = key[:-1] if key.endswith("了") and key != "解决了" and len(key) > 2 else key  # 协调已解决了
    said = _SAID_AS.get(key)  # 入户走访, 办理中, 贫困户: another word for one of the choices
    if said is not None and said in choices:
        return said
    if len(key) >= 2:
        found = [c for c in choices if key in c]
        if len(found) == 1:
            return found[0]
    noted = _BRACKETED.search(key)  # 其他(微信), 正在办理(已上报水管所): the choice, and a note on it
    if noted and noted.start() and key[: noted.start()] in choices and not _names_another(
            noted.group(1), key[: noted.start()], choices):
        return key[: noted.start()]
    vague = _VAGUE.get(key)  # 已解决: solved, but 当场 or 协调? one cannot tell
    if vague is not None and set(vague[0]) <= set(choices):
        raise problem("vague-choice", expected="或".join(vague[0]), detail=vague[1])
    raise problem("bad-choice", expected="、".join(choices))


def _names_another(note: str, chosen: str, choices: tuple[str, ...]) -> bool:
    """Whether a note after a choice names another of the list (入户访谈(电话), 正在办理(已协调)):
    which of the two is meant one cannot tell."""
    others = [c for c in choices if c != chosen]
    return any(c[:2] in note for c in others) or any(
        len(w) >= 2 and w in note and c in others for w, c in _SAID_AS.items())


def _said_as(choice: str, *words: str) -> dict[str, str]:
    return dict.fromkeys(words, choice)


# Other words people use for a choice, each meaning that one choice and no other (compared after
# ``fold``, spaces and a closing mark dropped). The report's own words among them: 贫困户 and
# 困难户 for 经济落后户, 思想偏激户 and 难缠户 for 思想保守户.
_SAID_AS: dict[str, str] = {
    **_said_as("入户访谈", "入户走访", "入户拜访", "入户谈心", "入户家访", "入户了解", "入户看望", "上门走访",
               "上门访谈", "上门拜访", "上门谈心", "上门", "到户走访", "到户访谈", "登门走访", "登门拜访", "家访",
               "走访", "实地走访", "走访入户", "入户访问", "入户调查", "入户调研", "上门访问"),
    **_said_as("电话联系", "打电话", "电话访问", "电话访谈", "电话回访", "电话走访", "电话沟通", "电话询问", "电话交流",
               "电话了解", "电话联络", "通电话", "电联", "手机联系"),
    **_said_as("集中座谈", "座谈会", "集体座谈", "集中座谈会", "召开座谈会", "集中开会座谈"),
    **_said_as("当场解决", "现场解决", "当即解决", "当面解决", "当场已解决", "已当场解决", "当场办结", "现场办结"),
    **_said_as("协调解决", "已协调解决", "协调已解决", "协调后解决", "经协调解决", "协调办结", "汇报协调解决",
               "上报协调解决"),
    **_said_as("正在办理", "办理中", "正在处理", "处理中", "正在解决", "解决中", "正在协调", "协调中", "在办",
               "正在落实", "落实中", "正办理"),
    **_said_as("未解决", "没解决", "没有解决", "尚未解决", "暂未解决", "未能解决", "还未解决", "还没解决", "没能解决"),
    **_said_as("乡干部", "乡镇干部", "镇干部", "乡(镇)干部", "乡机关干部", "乡级干部", "镇级干部", "乡镇级干部"),
    **_said_as("村干部", "村级干部"),
    **_said_as("社干部", "组干部", "小组干部", "村民小组干部", "社级干部", "组级干部"),
    # a visit in the home said otherwise; a text message is no call (the standard's 其他, as for 微信)
    **_said_as("入户访谈", "入户面谈", "入户交谈", "入户谈话", "上门面谈"),
    **_said_as("其他", "短信", "发短信", "短信联系", "手机短信"),
    **_said_as("集中座谈", "院坝会", "院坝座谈", "群众座谈会"),
    # 联系人类别 given as the linker's position (the report's 乡长, 副乡长, 村党支部书记, 社长): the
    # level each belongs to; 书记, 副书记, 主任 alone name no level and stay errors
    **_said_as("乡干部", "乡长", "副乡长", "镇长", "副镇长", "乡党委书记", "乡党委副书记", "镇党委书记",
               "镇党委副书记", "乡人大主席", "乡领导", "镇领导", "乡镇领导", "包村干部", "包村领导"),
    **_said_as("村干部", "村支书", "村支部书记", "村党支部书记", "支部书记", "党支部书记", "村主任", "村委会主任",
               "村委主任", "村长", "村副主任", "村文书", "村会计", "村委委员", "村委会委员", "村两委干部", "村两委",
               "村妇女主任", "妇女主任", "村监委主任", "村支部副书记", "村党支部副书记", "村委会副主任"),
    **_said_as("社干部", "社长", "副社长", "组长", "小组长", "村民小组长", "队长"),
    **_said_as("党员", "普通党员", "农民党员", "农村党员", "无职党员", "中共党员", "共产党员"),
    **_said_as("致富明星户", "致富户", "致富明星", "明星户"),
    **_said_as("思想保守户", "思想偏激户", "难缠户"),
    **_said_as("经济落后户", "贫困户", "困难户", "经济困难户", "特困户"),
    # the report's 种、养、加大户 the 乡干部 link with; its 缠诉、上访 households; poor households by the
    # welfare they draw (低保户, 五保户)
    **_said_as("致富明星户", "大户", "养殖大户", "种植大户", "种养大户", "种养殖大户", "致富能手", "致富带头人"),
    **_said_as("思想保守户", "偏激户", "思想偏执户", "上访户", "缠访户"),
    **_said_as("经济落后户", "贫困", "低保户", "五保户", "贫困群众", "困难群众", "贫困家庭", "困难家庭"),
}
# words that name more than one choice: (the choices they may mean, what to tell apart)
_SOLVED_WHICH = (("当场解决", "协调解决"), "是当场解决（自己当场解决的）还是协调解决（报分管领导、由有关单位或站所解决的）")
_VAGUE: dict[str, tuple[tuple[str, ...], str]] = {
    **dict.fromkeys(("已解决", "解决", "解决了", "已经解决", "已办结", "办结", "已处理", "处理了", "已落实",
                     "已完成", "完成", "已办", "办了"), _SOLVED_WHICH),
    **dict.fromkeys(("村社干部", "村组干部"), (("村干部", "社干部"), "是村干部还是社干部")),
    **dict.fromkeys(("乡村干部",), (("乡干部", "村干部"), "是乡干部还是村干部")),
    # 微信 (a call or a message? the standard's 电话联系 is a call, and 其他 every other way)
    **dict.fromkeys(("微信", "微信联系", "微信沟通", "微信交流", "发微信", "微信联络", "QQ", "QQ联系"),
                    (("电话联系", "其他"), "是电话联系还是其他：微信语音或视频通话选电话联系，发消息选其他")),
    # 待解决 (waiting: handled by someone now, or not at all yet?)
    **dict.fromkeys(("待解决", "待办", "待处理", "待办理", "有待解决", "待落实"),
                    (("正在办理", "未解决"), "是正在办理（已上报、有人在办）还是未解决（还没有办法）")),
}


_SPLIT_RE = re.compile(r"[、,，;；/\s+＋|]+")
# the numbers a clerk puts before each of a list's names: 1.政策宣传 2.实用技术, (1)…(2)…, ①…②…
_ENUMERATOR_RE = re.compile(r"(?<![0-9A-Za-z])(?:[(（]\d{1,2}[)）]|\d{1,2}[.、)）](?!\d)|[\u2460-\u2473])")


def parse_many(value: object) -> tuple[str, ...]:
    """Several names separated by 、 , ， ; ； + or spaces; numbers put before them (1.政策宣传
    2.实用技术, ①…②…), a closing mark and an 等 (“and so on”) after the last are not part of them."""
    if isinstance(value, tuple | list):
        return tuple(value)
    text = parse_text(value)
    if text is None or is_nothing(text) or _no_service(text):
        return ()
    parts = [p for p in _SPLIT_RE.split(_ENUMERATOR_RE.sub("、", text)) if p] if any(
        c.isdigit() for c in text) else []
    if not parts:  # no numbers, or nothing but numbers (“1.”): split as typed
        parts = [p for p in _SPLIT_RE.split(text) if p]
    if parts:
        last = parts[-1].rstrip(_CLOSING_MARKS + "。，；")
        last = last[:-1] if last.endswith("等") and len(last) > 1 else last
        parts[-1:] = [last] if last else []
    if any(p.endswith("到户") or p in _SERVICE_WORDS for p in parts):  # 政策宣传到户: the report's 六到户
        parts = [_SERVICE_WORDS.get(p, p) for p in (p[:-2] if p.endswith("到户") and len(p) > 3 else p for p in parts)]
    return tuple(parts)


# “no”, said in a column of names (服务类别 否, ×, 0, 未开展): none brought, never a service named 否
_NO_SERVICE = frozenset({"否", "0", "×", "X", "N", "NO", "不", "没", "未", "…", "……", "没提供", "未开展", "没有开展",
                         "没开展", "暂未开展", "无相关服务", "本次无", "暂时没有", "暂时无", "此次无", "无此项", "未涉及"})


def _no_service(text: str) -> bool:
    return fold(text).replace(" ", "").rstrip(_CLOSING_MARKS).upper() in _NO_SERVICE


# the six services (六到户) in other words a diary uses for them
_SERVICE_WORDS = {"宣传政策": "政策宣传", "政策宣讲": "政策宣传", "讲政策": "政策宣传", "技术指导": "实用技术",
                  "技术服务": "实用技术", "提供技术": "实用技术", "市场信息服务": "市场信息", "提供信息": "市场信息",
                  "项目扶持": "帮扶项目", "扶持项目": "帮扶项目", "增收": "增收措施"}


# --- identity ----------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID_ZERO = ord("0") * sum(_ID_WEIGHTS)


def id_check_char(first17: str) -> str:
    """GB 11643 check character for the first 17 digits."""
    if len(first17) == len(_ID_WEIGHTS) and first17.isascii() and first17.isdigit():
        # speed: the digits' character codes, less 48 ("0") times each weight
        total = sum(map(mul, first17.encode(), _ID_WEIGHTS)) - _ID_ZERO
    else:
        total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))  # raises ValueError
    return _ID_CHECK[total % 11]


def parse_id_number(value: object) -> str | None:
    """An 18-character resident ID with a valid check digit."""
    if value is None:
        return None
    if isinstance(value, float):
        raise problem("bad-id-number", detail="被 Excel 当成了数字（末几位已丢失），请把单元格设为文本后重新输入")
    text = fold(str(value)).replace(" ", "").lstrip(_QUOTES).upper()
    if not text or text in NOTHING:  # 无, 暂无, —: the head's number not at hand, a blank cell
        return None
    if "-" in text and len(text) <= 22:  # 620702-19800101-1231: grouped as the card prints it (the check digit guards)
        text = text.replace("-", "")
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise problem("bad-id-number", detail=f"填了 {len(text)} 位，应为 18 位")
    if id_check_char(text[:17]) != text[17]:
        raise problem("bad-id-number", detail="的校验位（最后一位）与前 17 位对不上，可能有数字写错")
    return text


_MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_LANDLINE_RE = re.compile(r"^0\d{2,3}-?\d{7,8}$")
_PHONE_SPACES_RE = re.compile(r"[\s()]")


def _dialled(text: str) -> str:
    """A phone number without its spaces, brackets, pasted leading ' and +86; dashes kept."""
    compact = _PHONE_SPACES_RE.sub("", fold(text)).lstrip(_QUOTES)
    return compact[3:] if compact.startswith("+86") else compact


def phone_ok(text: str) -> bool:
    """11-digit mobile, or a landline with its area code."""
    compact = _dialled(text)
    return bool(_MOBILE_RE.match(compact.replace("-", "")) or _LANDLINE_RE.match(compact))


def phone_key(text: str) -> str:
    """A phone number as the number it dials, to compare copies by: 139-1234-5678, 139 1234 5678,
    +86 13912345678 and 13912345678 are one number, typed four ways."""
    return _dialled(text).replace("-", "")


def mask_id(text: str | None) -> str:
    """Keep the region and the check digit: 620702********123X → never the birth date."""
    if not text:
        return ""
    return text[:6] + "*" * (len(text) - 10) + text[-4:] if len(text) > 10 else "*" * len(text)


def mask_phone(text: str | None) -> str:
    if not text:
        return ""
    return text[:3] + "****" + text[-4:] if len(text) >= 8 else "*" * len(text)
