"""Look at a file before any reader touches it.

The native readers do not protect memory: a 5 KB workbook claiming cell
XFD1048576 aborts them, a zip bomb expands to gigabytes. So every file is
checked here first, through ``zipfile`` (which enforces declared sizes and
CRCs), and refused whole when any part of it is dangerous, even a sheet we
would otherwise ignore. Costs a few milliseconds per workbook.
"""

from __future__ import annotations

import bisect
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from .standard_names import CARD_SHEET, DIARY_SHEET, TOTALS_SHEET, register_kind

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_SHEETS = 255
MAX_TOTAL_UNCOMPRESSED = 96 * 1024 * 1024
MAX_MEMBER_UNCOMPRESSED = 64 * 1024 * 1024
MAX_RATIO = 200  # real workbooks compress 6–12:1; only large members are judged
MAX_ROWS = 200_000
MAX_COLUMN = 256  # IV
# The grid a sheet spans: ~17,000 rows of 23 columns (real books: under 10,000 rows). Reading
# costs ~0.37 KB per cell at worst (every row with errors), so ~150 MB for the largest book.
MAX_CELLS = 400_000

# what a register may be saved as: read (BOOK), or said why not and how to resave (REFUSED)
BOOK_SUFFIXES = (".xlsx", ".xlsm")
REFUSED_SUFFIXES = (".xls", ".et", ".ett", ".xlsb", ".ods", ".wps")
WORKBOOK_SUFFIXES = BOOK_SUFFIXES + REFUSED_SUFFIXES

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION = "EncryptionInfo".encode("utf-16-le")
# the name of the property WPS writes into every compound file it saves (.et, and .xls saved in WPS):
# such a file renamed .xlsx is said as WPS's, whose hint (WPS: 文件→另存为 .xlsx) is the way back
_WPS_MARKS = ("KSOProductBuildVer".encode("utf-16-le"), b"KSOProductBuildVer")

# Where a sheet's cells lie. The fast path trusts only tags written the way
# Excel, WPS, LibreOffice, openpyxl and XlsxWriter write them: every <c> and
# <row> opens with its one double-quoted address (``<c r="B7"``), no namespace
# prefix, columns A-Z. It is a few literal-led regex passes that look for any tag
# or r attribute written otherwise (about 0.9 ms for a 650-row diary sheet).
# Any other sheet - an address missing, single-quoted, repeated, after a tab;
# a prefix; a column past Z - is checked by the full scan below, and walked tag
# by tag as calamine reads it when even that cannot be sure.
_PREFIX = rb"(?:[^\s<>/!?:=\"']+:)?"  # any namespace prefix, or none
_TAGS_RE = re.compile(rb"<(?:row|c)[\s/>]")
_PREFIXED_RE = re.compile(rb"<[^\s<>/!?:=\"']+:(?:c|row)[\s/>]")
_PREFIXED_HINT_RE = re.compile(rb":(?:c|row)[\s/>]")  # literal first byte: cheaper than _PREFIXED_RE
# An ``r`` attribute calamine reads besides the `` r="`` a <c>/<row> tag opens with: another
# `` r=`` (not right after ``<c``/``<row``), ``r = "…"``, ``s="1"r="…"`` (no space after a quote),
# ``r`` next to a tab or line break. One literal-led regex each: a character class first costs
# sre 20 times as much.
# One pattern led by r (rarer than the space and the quote that led two before: ~20 % cheaper):
# `` r=``, ``"r=``, ``'r =``… and not the address a <c or <row opens with.
_STRAY_R_RE = re.compile(rb"""r(?<=[ "']r)[=\s](?<!<c r=)(?<!<row r=)""")
_WS_R = (b"\tr", b"\nr", b"\rr", b"r\t", b"r\n", b"r\r")
_ODD_TAG_RES: dict[int, tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]] = {}
# A cell written the common way, after its address: a style, a type, and one value closing the
# cell (a shared text's whole index; an inline text of one plain <t>; a <v>, after a formula or
# not; a formula alone): Excel, WPS, LibreOffice, openpyxl and XlsxWriter write every cell so.
# With every cell so, none holds two values (<v>1</v><v>3000</v>: calamine reads the last) or an
# attribute twice, for ~0.06 ms a benchmark book more than the tag alone was checked.
_FORMULA_TAG = rb'<f(?: [^>/]*+)?+(?:/>|>[^<]*+</f>)'
_COMMON_CELL = (rb'(?: s="[^"]*+")?+(?: t="s"><v>\d{1,18}+</v></c>'
                rb'| t="inlineStr"><is><t(?: xml:space="preserve")?>[^<]*+</t></is></c>'
                rb'|(?: t="(?:n|b|e|d|str)")?+(?:/>|><v>[^<]*+</v></c>|>' + _FORMULA_TAG + rb'(?:<v>[^<]*+</v>)?+</c>))')
_ODD_ROW_RE = re.compile(rb'<row r="(?!\d{1,7}")')
_ROW_R_RE = re.compile(rb'<row r="(\d{1,7})"')
_CELL_R_RE = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"')
_TAG_RE = re.compile(rb"<" + _PREFIX + rb"(row|c)(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_ATTR_RE = re.compile(rb"([^\s=]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_CELL_REF_RE = re.compile(rb"([A-Z]{0,3})(\d{1,7})")
_MERGE_TAG_RE = re.compile(rb"<" + _PREFIX + rb"mergeCell(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>")
_RANGE_RE = re.compile(rb"([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})")
_ERROR_TAG_RE = re.compile(rb'<c\b([^>]*\bt="e"[^>]*)>')
_R_ATTR_RE = re.compile(rb'\br="([A-Z]{1,3}\d{1,7})"')
_R_ANY_RE = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3}\d{1,7})["']""")  # r = 'M3' as well
_V_RE = re.compile(rb'(?:<f\b[^>]*/>|<f\b[^>]*>[^<]*</f>)?\s*<v>(#[^<]{1,20})</v>')
_NEGATIVE_V_RE = re.compile(rb"<v>(-[^<]{1,40})</v>")
# a value "e" in quotes (t="e", also t = 'e'): led by e, rarer than t, ~30 % faster than ``in``
_ERROR_HINT_RE = re.compile(rb"""e(?<=["']e)["']""")
HUGE_NEGATIVE = -1e11  # python-calamine panics turning a date-formatted cell below this into a date
_FORMULA_NO_VALUE_RE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(<v\s*/>|<v>\s*</v>)?\s*</c>'
)
# A formula cell typed as text (t="str", how Excel and LibreOffice save =IF(A2="","",…)) with an
# empty <v> holds empty text, a value: only the few cells the patterns above find are tested.
_TEXT_TYPE_RE = re.compile(rb"""\st\s*=\s*["'](?:str|inlineStr)["']""")
# A cell formula's tag (<f>, <f t="shared" …/>), not a data validation's <formula1>: a filled
# template holds dozens of those and no formula at all.
_FORMULA_TAG_RE = re.compile(rb"<f[\s/>]")
_PREFIXED_FORMULA_HINT_RE = re.compile(rb":f[\s/>]")
_PREFIXED_FORMULA_TAG_RE = re.compile(rb"<" + _PREFIX + rb"f[\s/>]")
_ANY_FORMULA_NO_VALUE_RE = re.compile(
    rb"<" + _PREFIX + rb'c\b[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*>\s*<' + _PREFIX + rb"f\b[^>]*?(?:/>|>([^<]*)</"
    + _PREFIX + rb"f>)\s*(<" + _PREFIX + rb"v\s*/>|<" + _PREFIX + rb"v>\s*</" + _PREFIX + rb"v>)?\s*</"
    + _PREFIX + rb"c>"
)
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}
# Excel's "Strict Open XML" save: the same parts under other namespaces (calamine reads them alike)
_STRICT_NS = {"m": "http://purl.oclc.org/ooxml/spreadsheetml/main",
              "r": "http://purl.oclc.org/ooxml/officeDocument/relationships"}


@dataclass(slots=True)
class SheetFacts:
    """What the extent's fast path learnt of a sheet on its way (``_fast_extent``), for the
    checks after it; left as it is when the fast path was not taken."""

    rows: list[bytes] = field(default_factory=list)  # the rows' numbers, as written (no leading zeros)
    # every cell written the common way (_COMMON_CELL): each shared-text index a whole number, one
    # value a cell, no attribute twice
    indexes: bool = False


class Refused(Exception):
    """The file must not be read; carries a catalogue code and a detail for the message."""

    def __init__(self, code: str, detail: str = "", sheet: str | None = None,
                 cell: str | None = None) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail
        self.sheet = sheet
        self.cell = cell


@dataclass(slots=True)
class Inspection:
    """What the guard learnt about a workbook it let through."""

    data: bytes
    sheets: list[str] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    formula_cells: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    hidden_rows: dict[str, frozenset[int]] = field(default_factory=dict)  # rows hidden (or filtered out)
    hidden_sheets: dict[str, str] = field(default_factory=dict)  # sheet -> "hidden" or "veryHidden"
    hidden_columns: dict[str, frozenset[int]] = field(default_factory=dict)  # columns hidden (1-based numbers)
    unshown_cells: dict[str, frozenset[str]] = field(default_factory=dict)  # cells a format shows as nothing (;;;)
    percent_cells: dict[str, frozenset[str]] = field(default_factory=dict)  # cells formatted as a percent (0%)
    struck_cells: dict[str, frozenset[str]] = field(default_factory=dict)  # cells whose text is struck through
    same_colour_cells: dict[str, frozenset[str]] = field(default_factory=dict)  # text coloured like its cell
    date1904: bool = False  # dates count from 1904-01-01 (old Mac Excel), not from 1900
    # the book with each error value the reader does not know (#SPILL!) written #N/A and each absurd
    # negative number (-inf) made text, to be read instead of ``data`` (which stays what the file
    # holds): None for every other book
    patched: bytes | None = None

    @property
    def readable(self) -> bytes:
        """The bytes the reader is given: the patched copy when there is one, else the file's."""
        return self.patched or self.data


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n: int) -> str:
    """1-based column number -> Excel letters (1 -> A)."""
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def ref_row(ref: str) -> int:
    """A cell's 1-based row from its reference (F17 -> 17)."""
    return int(ref.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))


def inspect(path: Path, every_sheet: bool = False) -> Inspection:
    """Read the file's bytes and check them; raise Refused when it must not be read.

    The text of a sheet (and of the shared texts it uses) is checked where the reader reads it:
    联户卡, 联户日记 and 汇总, or ``every_sheet`` (a roster, whose every sheet is read)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Refused("file-unreadable", _os_detail(exc)) from None
    if size == 0:
        raise Refused("file-empty")
    if size > MAX_FILE_BYTES:
        raise Refused("file-too-large", f"文件有 {size // 1048576} MB")
    try:
        with path.open("rb") as fh:  # never more than the limit, even if the file grows meanwhile
            data = fh.read(size + 1)  # read(limit) would first allocate the whole limit (64 MB)
            if len(data) > size:
                data += fh.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as exc:
        raise Refused("file-unreadable", _os_detail(exc)) from None
    if len(data) > MAX_FILE_BYTES:
        raise Refused("file-too-large", f"文件超过 {MAX_FILE_BYTES // 1048576} MB")
    if not data:
        raise Refused("file-empty")
    suffix = path.suffix.lower()
    if suffix == ".et":
        raise Refused("wps-et")
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTION in data:
            raise Refused("file-encrypted")
        wps = suffix in (".et", ".ett") or any(mark in data for mark in _WPS_MARKS)
        raise Refused("wps-et" if wps else "old-xls")
    if not data.startswith(ZIP_MAGIC):
        raise Refused("not-a-workbook", _what_is_it(data))
    return _inspect_zip(data, every_sheet)


def _inspect_zip(data: bytes, every_sheet: bool = False) -> Inspection:
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError) as exc:
        raise Refused("file-corrupt", _short(exc)) from None
    if len(infos) > MAX_MEMBERS:
        raise Refused("file-too-large", f"内含 {len(infos)} 个部件")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED:
            raise Refused("file-too-large", f"解压后超过 {MAX_TOTAL_UNCOMPRESSED // 1048576} MB")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):  # bzip2, LZMA: zipfile
            raise Refused("file-corrupt", "使用了不支持的压缩方式")  # inflates them, calamine cannot
        if info.compress_size > info.file_size + 1024 and info.compress_type != zipfile.ZIP_STORED:
            raise Refused("file-too-large", f"部件 {info.filename} 的声明大小与实际不符")
        if info.file_size > 1048576 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused("file-too-large", f"部件 {info.filename} 压缩比异常（{info.file_size // max(info.compress_size, 1)}:1）")
    # Old Windows tools write xl\\workbook.xml; calamine reads those as xl/workbook.xml, so must the guard
    names = [i.filename.replace("\\", "/") for i in infos]
    lowered = {n.lower() for n in names}  # part names ignore case (OPC), as calamine's lookups do
    if len(lowered) != len(names):  # readers disagree on which copy of a name they read
        raise Refused("file-corrupt", "压缩包内有重名的部件")
    if "xl/workbook.xml" not in lowered:
        if "encryptedpackage" in lowered:
            raise Refused("file-encrypted")
        detail = "缺少 xl/workbook.xml"
        if "xl/workbook.bin" in lowered:
            detail = "这是 Excel 二进制工作簿（.xlsb）"
        elif "word/document.xml" in lowered:
            detail = "这是 Word 文档"
        elif "content.xml" in lowered:
            detail = "这是 ODS/WPS 开放格式，请另存为 .xlsx"
        raise Refused("not-a-workbook", detail)
    # Every member is read (up to its declared size, CRC checked), whatever its name: a
    # worksheet may hide behind an image's name.
    parts: dict[str, bytes] = {}
    sheetlike: list[str] = []
    foreign: dict[str, str] = {}  # part -> the encoding it declares, not UTF-8, over bytes not ASCII
    try:
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename.replace("\\", "/")
            blob = _inflated(data, info)
            if blob is None:  # anything out of the common way: zipfile reads it, and says what is wrong
                with zf.open(info) as member:  # read() without a size inflates ALL a member holds
                    blob = member.read(info.file_size + 1)  # (1 MB declared can hold 1 GB): never past the claim
            cells = b"sheetData" in blob
            if not (cells or name.endswith((".xml", ".rels", ".vml"))):
                continue
            if blob[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in blob[:64]:
                raise Refused("file-corrupt", f"部件 {name} 使用了不支持的编码")
            if _holds(blob, b"<!", b"!", 1) and (b"<!DOCTYPE" in blob or b"<!ENTITY" in blob):
                raise Refused("xml-entities", name)
            encoding = _foreign_encoding(blob)
            if encoding is not None:  # encoding="GBK" over GBK bytes: read as UTF-8, other characters
                foreign[name] = encoding
            parts[name] = blob
            if cells:
                sheetlike.append(name)
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error) as exc:
        raise Refused("file-corrupt", _short(exc)) from None
    except RuntimeError:  # a zip member with a password
        raise Refused("file-encrypted") from None
    inspection = Inspection(data=data)
    _canonical_names(parts, ("xl/workbook.xml", "xl/_rels/workbook.xml.rels", "docProps/custom.xml",
                             "xl/sharedStrings.xml"))
    sheet_paths = _sheet_paths(parts, inspection.hidden_sheets)
    if len(sheet_paths) > MAX_SHEETS:
        raise Refused("file-too-large", f"有 {len(sheet_paths)} 个工作表")
    sheet_of = {member: sheet for sheet, member in sheet_paths}
    for member, encoding in foreign.items():  # what the reader reads: the book's structure, the sheets it reads
        sheet = sheet_of.get(member)
        if member.lower() in _STRUCTURE_NAMES or (sheet is not None and (every_sheet or _read_by_reader(sheet))):
            _refuse_foreign(sheet, member, parts[member], encoding)
    patches: dict[str, bytes] = {}  # part -> the bytes the reader is given instead (see Inspection.patched)
    facts: dict[str, SheetFacts] = {}  # part -> what the extent's fast path learnt of it on its way
    for member in sheetlike:  # every part with cells, named as the clerk sees it
        check_extent(sheet_of.get(member, member), parts[member], facts.setdefault(member, SheetFacts()))
        if _holds(parts[member], b"<v>-", b"-", 3):
            as_text = _check_negatives(sheet_of.get(member, member), parts[member])
            if as_text is not None:
                patches[member] = as_text
    inspection.date1904 = _date1904(parts["xl/workbook.xml"])
    uncomputed = _computed_on_load(parts["xl/workbook.xml"])  # a writer that leaves formulas to Excel
    by_hand = _saved_uncomputed(parts["xl/workbook.xml"])  # stored results as last shown: computed by hand
    blank_styles = _blank_styles(parts.get("xl/styles.xml"))  # formats showing nothing (;;;): rare
    percent_styles = _percent_styles(parts.get("xl/styles.xml"))  # 0%: 3000 typed is stored 30 (rare)
    struck_styles = _struck_styles(parts.get("xl/styles.xml"))  # 删除线: a line crossed out (rare)
    unseen_styles = _same_colour_styles(parts.get("xl/styles.xml"))  # white text on white: rare
    no_strings = "xl/sharedstrings.xml" not in lowered  # where calamine looks for them, whatever the rels say
    newer: list[str] = []  # sheets showing #SPILL! or another error value calamine does not know
    for sheet, member in sheet_paths:
        inspection.sheets.append(sheet)
        blob = parts.get(member)
        if blob is None:
            if member.lower() not in lowered:  # calamine cannot find the sheet: say which one
                raise Refused("file-corrupt", f"工作表“{sheet}”的内容部件 {member} 不在文件里" if member
                              else f"工作簿目录 xl/workbook.xml 和工作表目录 xl/_rels/workbook.xml.rels "
                              f"没有写明工作表“{sheet}”的内容在哪里", sheet=sheet)
            continue
        lo, hi = _cells_span(blob)  # where calamine reads cells: formulas, error values, hidden rows count there only
        pattern = _formula_pattern(blob, lo, hi)
        if every_sheet or _read_by_reader(sheet):  # text the reader takes from this sheet's cells
            if member not in sheetlike:  # no cells: a chart, or another format zipped as the sheet
                _check_sheet_root(sheet, member, blob)
            # texts typed in the sheet itself: inline (t="inlineStr", found from its rare S) or a formula's
            inline = _found(blob, _INLINE_RE, b"S", 6)
            _check_markup(blob, sheet, member, texts=inline or pattern is not None)
            inner = _TAG_IN_TEXT_RE.search(blob) if inline else None
            if inner is not None:  # <t>a<b/>c</t>: well-formed, read as "ac"
                raise _sheet_fault(sheet, member, blob, _tag_fault(blob, inner))
            known = facts.get(member) or SheetFacts()
            if not (no_strings or known.indexes):  # <c t="s"><v>abc</v>: read as the first shared text
                _check_shared_indexes(sheet, blob, lo, hi)
            _check_rows_once(sheet, blob, known.rows)  # a row written twice: its cells overwritten
            if not known.indexes:  # a cell written otherwise: two values in one, an attribute or a cell twice
                _check_values_once(sheet, blob, lo, hi)
            _check_split_values(sheet, blob, lo, hi)  # <v>3&#48;00</v>: read as 3
            for styles, found in ((blank_styles, inspection.unshown_cells), (percent_styles, inspection.percent_cells),
                                  (struck_styles, inspection.struck_cells), (unseen_styles, inspection.same_colour_cells)):
                if styles:  # a rare style in the book (;;;, 0%, 删除线, white on white): its cells in this sheet
                    cells = _cells_styled(blob, styles)
                    if cells:
                        found[sheet] = cells
        _check_cells(sheet, blob, no_strings)
        formulas = _formulas_without_values(blob, pattern) if pattern is not None else []
        if uncomputed and pattern is _FORMULA_NO_VALUE_RE and (every_sheet or _read_by_reader(sheet)):
            formulas += _formulas_left_at_zero(blob)  # <f>1000*3</f><v>0</v>: Excel shows 3000
        if any(not text for _, text in formulas):  # a shared formula's cells below its first: text there
            formulas = _shared_texts(blob, formulas)
        if pattern is not None and not every_sheet and _read_by_reader(sheet):  # 1000*3 stored as 5000
            formulas += _stale_formulas(blob, by_hand, {ref for ref, _ in formulas})
        errors = _found(blob, _ERROR_HINT_RE, b"e", 0, 32, lo, hi)
        if errors:  # cells showing #DIV/0!, #N/A…: calamine reads them blank
            shown = _error_cells(blob)
            formulas += shown
            if any(text.encode() in _NEW_ERRORS for _, text in shown):
                newer.append(member)
        # t='e', r='M3', <f><![CDATA[…]]>, t = "e": the patterns above miss them. Spaces around =
        # are looked for only where a pattern reads a cell: a sheet with formulas or error values
        if _odd_syntax(blob) or ((errors or pattern is not None) and _spaced(blob)):
            found = {ref for ref, _ in formulas}
            formulas += [(ref, text) for ref, text in _odd_cells(blob) if ref not in found]
        if formulas:
            inspection.formula_cells[sheet] = formulas
        # one pass at most: rows hidden by hand or by a filter (hidden = "1" too), or made 0 high (ht="0")
        if _found(blob, _UNSEEN_HINT_RE, b"h", 0, 32, lo, hi):
            hidden = _hidden_rows(blob)
            if hidden:
                inspection.hidden_rows[sheet] = hidden
        columns = _hidden_columns(blob, lo, hi)  # hidden, or 0 wide (width="0"): the <cols> list only
        if columns:
            inspection.hidden_columns[sheet] = columns
    strings = parts.get("xl/sharedStrings.xml")
    if strings is not None and _UNIQUE_COUNT_HINT in strings[:2048]:  # uniqueCount="4294967295": calamine
        fixed = _honest_count(strings)  # reserves room for that many texts first, and the process aborts
        if fixed is not None:
            patches[next(n for n in names if n.lower() == "xl/sharedstrings.xml")] = fixed
    if strings is not None:
        _check_strings(strings, [(sheet, parts[member]) for sheet, member in sheet_paths
                                 if member in parts and (every_sheet or _read_by_reader(sheet))])
    inspection.properties = _custom_properties(parts.get("docProps/custom.xml"))
    for member in newer:
        patches[member] = _known_errors_only(patches.get(member, parts[member]))
    if patches:
        inspection.patched = _patched_book(zf, patches)
    return inspection


_UNIQUE_COUNT_HINT = b"uniqueCount"
_UNIQUE_COUNT_RE = re.compile(rb"""(<(?:[^\s<>/!?:=\"']+:)?sst\s[^>]*?\buniqueCount\s*=\s*["'])(\d+)(["'])""")


def _honest_count(strings: bytes) -> bytes | None:
    """The shared-text table with its declared number of texts (``uniqueCount``) made the number
    it holds, when it declares more than the part could hold (each text takes 5 bytes at least:
    ``<si/>``); None otherwise. python-calamine reserves room for the declared number before
    reading: 4,294,967,295 asked for 96 GB and aborted the process (the book said only as
    读取程序意外退出). The number is a hint Excel does not need: the texts are read as they are."""
    m = _UNIQUE_COUNT_RE.search(strings, 0, 2048)
    if m is None or int(m.group(2)) <= len(strings) // 5:
        return None
    real = len(_STRING_ITEM_RE.findall(strings))
    return strings[:m.start(2)] + str(real).encode() + strings[m.end(2):]


_LOCAL_HEADER = struct.Struct("<4s2xH18xHH")  # signature, flags, name length, extra length
_UNUSUAL_FLAGS = 0x1 | 0x20 | 0x40  # encrypted, patched data, strong encryption: zipfile's to judge


def _inflated(data: bytes, info: zipfile.ZipInfo) -> bytes | None:
    """A member's bytes, as ``zipfile`` would give them (``ZipFile.open(info).read(file_size + 1)``),
    taken straight from the file's bytes: its local header checked as zipfile checks it (the
    signature, the name the directory gives, within its own room), then at most ``file_size``
    bytes inflated from at most ``compress_size``, and their CRC. None when anything is out of
    the common way or wrong: zipfile then reads the member and raises what it raises. Half the
    cost of zipfile's reader (its file objects, its chunks): ~0.5 ms a book."""
    if info.flag_bits & _UNUSUAL_FLAGS or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED) \
            or info.file_size == 0:
        return None
    at = info.header_offset
    try:
        signature, flags, name_length, extra_length = _LOCAL_HEADER.unpack_from(data, at)
    except struct.error:
        return None
    name = data[at + 30:at + 30 + name_length]
    try:
        if signature != b"PK\x03\x04" or name.decode("utf-8" if flags & 0x800 else "cp437") != info.orig_filename:
            return None
    except UnicodeDecodeError:
        return None
    start = at + 30 + name_length + extra_length
    end = start + info.compress_size
    limit = getattr(info, "_end_offset", None)  # newer zipfile refuses members that overlap the next
    if end > len(data) or (limit is not None and end > limit):
        return None
    raw = memoryview(data)[start:end]
    try:
        blob = bytes(raw[:info.file_size]) if info.compress_type == zipfile.ZIP_STORED else \
            zlib.decompressobj(-15).decompress(raw, info.file_size)
    except zlib.error:
        return None
    return blob if zlib.crc32(blob) == info.CRC else None


def _holds(blob: bytes, needle: bytes, rare: bytes, offset: int, looks: int = 32) -> bool:
    """``needle in blob`` (``_find``)."""
    return _find(blob, needle, rare, offset, looks) >= 0


def _find(blob: bytes, needle: bytes, rare: bytes, offset: int, looks: int = 32) -> int:
    """``blob.find(needle)``, for a needle holding the byte ``rare`` at ``offset``: where that byte
    is rare (``!`` of ``<!``, ``-`` of ``<v>-``, ``g`` of mergeCell in a sheet without row
    heights) a few memchr calls cost far less than a search for two or more bytes (~1 GB/s).
    After ``looks`` of them the rest is searched as usual."""
    pos = blob.find(rare, offset)
    for _ in range(looks):
        if pos < 0:
            return -1
        if blob.startswith(needle, pos - offset):
            return pos - offset
        pos = blob.find(rare, pos + 1)
    return blob.find(needle, pos - offset) if pos >= 0 else -1


def _known_errors_only(blob: bytes) -> bytes:
    """A sheet with each error value calamine does not know (#SPILL!, #CALC!: newer Excel) written
    #N/A, which it reads as blank: it would otherwise refuse the whole book for one cell. The cell
    is still said as showing its own value (``formula_cells``)."""
    pieces, last = [], 0
    for m in _ERROR_TAG_RE.finditer(blob):
        value = _V_RE.match(blob, m.end())
        if value is not None and value.group(1) in _NEW_ERRORS:
            pieces += [blob[last:value.start(1)], b"#N/A"]
            last = value.end(1)
    return b"".join(pieces) + blob[last:]


def _patched_book(zf: zipfile.ZipFile, sheets: dict[str, bytes]) -> bytes:
    """The book again with the parts ``sheets`` names (part name -> new bytes) replaced: what the
    reader is given instead of the file (which is never written)."""
    import io

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in zf.infolist():
            if info.is_dir():
                continue
            blob = sheets.get(info.filename.replace("\\", "/"))
            copy.writestr(info, zf.read(info) if blob is None else blob)
    return out.getvalue()


def _canonical_names(parts: dict[str, bytes], names: tuple[str, ...]) -> None:
    """Each of ``names`` found under another case (XL/Workbook.xml is the same part: part names
    ignore case, as calamine's lookups do) also put under its usual name."""
    known = {name.lower(): name for name in parts}
    for canonical in names:
        if canonical not in parts and canonical.lower() in known:
            parts[canonical] = parts[known[canonical.lower()]]


_STRING_ITEM_RE = re.compile(rb"<(?:" + _PREFIX + rb")si[\s/>]")
# What calamine reads before any sheet (any one not XML loses the book), and what a clerk may call it
_STRUCTURE_PARTS = (("_rels/.rels", "文件总目录"), ("xl/workbook.xml", "工作簿目录"),
                    ("xl/_rels/workbook.xml.rels", "工作表目录"),
                    ("xl/sharedStrings.xml", "存放单元格文字的共享文本表"), ("xl/styles.xml", "单元格格式表"))
_STRUCTURE_NAMES = frozenset(name.lower() for name, _ in _STRUCTURE_PARTS)  # any case (_canonical_names)
_CELL_TYPES = frozenset((b"n", b"s", b"str", b"inlineStr", b"b", b"e", b"d"))  # a cell's t="…", as calamine takes it
_OLD_ERRORS = frozenset((b"", b"#DIV/0!", b"#N/A", b"#NAME?", b"#NULL!", b"#NUM!", b"#REF!", b"#VALUE!"))
# Error values only Excel 365 shows (#SPILL!: a dynamic-array formula with no room): calamine knows none of them
_NEW_ERRORS = frozenset((b"#SPILL!", b"#CALC!", b"#GETTING_DATA", b"#FIELD!", b"#BLOCKED!", b"#UNKNOWN!",
                         b"#CONNECT!", b"#BUSY!", b"#PYTHON!", b"#EXTERNAL!", b"#TIMEOUT!"))
# a number in a cell typed t="n", as Rust's f64 parser (calamine) takes it: no spaces, no separators
_NUMBER_RE = re.compile(rb"[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|(?i:inf|infinity|nan))")
_RANGE_REF_RE = re.compile(rb"[A-Za-z]+[1-9]\d*(?::[A-Za-z]+[1-9]\d*)?")  # what calamine takes as A1:W4
_DIMENSION_RE = re.compile(rb"<" + _PREFIX + rb"""dimension\s[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_MERGE_REF_RE = re.compile(rb"<" + _PREFIX + rb"""mergeCell\s[^>]*?\bref\s*=\s*["']([^"']*)["']""")
_NEAR_CELL_RE = re.compile(rb"<" + _PREFIX + rb"""c\s[^>]*?\br\s*=\s*["']?([A-Z]{1,3}\d{1,7})""")
_NEAR_ROW_RE = re.compile(rb"<" + _PREFIX + rb"""row\s[^>]*?\br\s*=\s*["']?(\d{1,7})""")
_ENTITY_AT_RE = re.compile(rb"&[^;\s<>&]{1,20};")


def explain_failure(data: bytes) -> Refused | None:
    """Why the reader failed on a book the guard let through, said where it is: a part that is
    not well-formed XML (cut short, a NUL byte, bytes that are not UTF-8, an unknown entity, an
    unclosed quote: the part, the sheet and the cell near the fault, and the parser's line and
    column), the package's or a sheet's relationship missing or lost its Type, a sheet's state
    written otherwise, one cell the reader cannot take (a shared-text index past the table, a
    number typed cell holding text, an unknown type or error value), or a range written wrongly.
    Looked for only after a failure: parsing every part again would cost each good book
    milliseconds. None when nothing is found: the generic reader-crashed stands."""
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        parts = {i.filename.replace("\\", "/"): zf.read(i) for i in zf.infolist()
                 if not i.is_dir() and i.filename.endswith((".xml", ".rels"))}
        _canonical_names(parts, tuple(name for name, _ in _STRUCTURE_PARTS))
        for name, _label in _STRUCTURE_PARTS:
            if name in parts and _xml_fault(parts[name]) is not None:
                return Refused("file-corrupt", _part_fault(name, parts[name]))
        if "_rels/.rels" not in parts:
            return Refused("file-corrupt", "缺少文件总目录 _rels/.rels")
        if not _names_workbook(parts["_rels/.rels"]):
            return Refused("file-corrupt", "文件总目录 _rels/.rels 没有写明工作簿在哪里")
        sheets = [(sheet, member, parts[member]) for sheet, member in _sheet_paths(parts) if member in parts]
        workbook = _from_utf8(parts["xl/workbook.xml"])
        entry = _state_fault(workbook) or _sheet_entry_fault(
            workbook, parts.get("xl/_rels/workbook.xml.rels", b"<Relationships/>"))
        if entry is not None:
            return entry
        for sheet, member, blob in sheets:
            fault = _xml_fault(blob)
            if fault is not None:
                return _sheet_fault(sheet, member, blob, fault)
        strings = parts.get("xl/sharedStrings.xml")
        count = len(_STRING_ITEM_RE.findall(strings)) if strings is not None else None
        for sheet, _member, blob in sheets:
            found = _cell_fault(sheet, blob, count) or _range_fault(sheet, blob) or _zero_fault(sheet, blob)
            if found is not None:
                return found
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error, RuntimeError, KeyError,
            ElementTree.ParseError, Refused):  # nothing found to say: the generic message stands
        return None
    return None


_CUT = "中断了，后面的内容没有保存下来"
_EXPAT_WORDS = {expat.errors.codes[message]: words for message, words in (
    (expat.errors.XML_ERROR_NO_ELEMENTS, _CUT),
    (expat.errors.XML_ERROR_PARTIAL_CHAR, _CUT),
    (expat.errors.XML_ERROR_UNCLOSED_TOKEN, "有一处没写完的标记，从这里到结尾都读不出来"),
    (expat.errors.XML_ERROR_UNCLOSED_CDATA_SECTION, "有一处没写完的标记，从这里到结尾都读不出来"),
    (expat.errors.XML_ERROR_TAG_MISMATCH, "有开头和结尾对不上的标记"),  # _MISMATCH
    (expat.errors.XML_ERROR_JUNK_AFTER_DOC_ELEMENT, "在应当结束的地方之后还有多余的内容"),
    (expat.errors.XML_ERROR_UNKNOWN_ENCODING, "声明了本工具不认识的文字编码"),
    (expat.errors.XML_ERROR_INCORRECT_ENCODING, "声明的文字编码与内容不符"),
    (expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE, "同一个标记里有写了两遍的属性"),
    (expat.errors.XML_ERROR_SYNTAX, "不是表格文件应有的内容"),
)}


def _xml_fault(blob: bytes) -> tuple[str, int, int, int] | None:
    """Why and where a part is not well-formed XML, as expat finds it (the guard has refused any
    DTD, so no entity is expanded): (words for a clerk, line, column from 1, byte offset); None
    when it is well-formed. Line 0 for a part that is empty."""
    if not blob.strip():
        return "是空的", 0, 0, -1
    parser = expat.ParserCreate("utf-8")  # as calamine reads: encoding="GBK" declared or not
    try:
        parser.Parse(blob, True)
    except expat.ExpatError as exc:
        at = parser.ErrorByteIndex
        return _fault_words(exc.code, blob, at), exc.lineno, exc.offset + 1, at
    return None


def _fault_words(code: int, blob: bytes, at: int) -> str:
    """What expat's error ``code`` at byte ``at`` means for a clerk (its own text is English)."""
    references = {expat.errors.codes[expat.errors.XML_ERROR_UNDEFINED_ENTITY]: "有无法识别的转义符",
                  expat.errors.codes[expat.errors.XML_ERROR_BAD_CHAR_REF]: "有不允许的字符编号"}
    if code in references:  # &wang; or &#0;, quoted as written
        entity = _ENTITY_AT_RE.match(blob, at) if at >= 0 else None
        return references[code] + (f"“{entity.group(0).decode('utf-8', 'replace')}”" if entity else "")
    if code == expat.errors.codes[expat.errors.XML_ERROR_UNCLOSED_TOKEN] and blob.find(b">", at) < 0:
        return _CUT  # a tag begun and never ended: the part stops there
    if code != expat.errors.codes[expat.errors.XML_ERROR_INVALID_TOKEN]:
        return _EXPAT_WORDS.get(code, "写法不合规范")
    byte = blob[at:at + 1] if at >= 0 else b""
    if byte == b"\x00":
        return "有空字节，文件可能只写了一半或被别的程序改坏了"
    if byte and byte[0] < 0x20:
        return "有不允许出现的控制字符"
    if byte and byte[0] >= 0x80:
        encoding = _foreign_encoding(blob)
        return _foreign_words(encoding) if encoding else "有无法识别的文字，不是 UTF-8 编码"
    if b"&" in blob[max(at - 1, 0):at + 1]:  # expat points at the & or just after it
        return "有单独的“&”符号，应写作 &amp;"
    return "写法不合规范，如引号没有配对或标记没写完"


_DECLARED_RE = re.compile(rb"""<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")
_UTF8_NAMES = frozenset((b"utf8", b"iso10646utf8"))
_NOT_ASCII_RE = re.compile(rb"[\x80-\xff]")


def _foreign_encoding(blob: bytes) -> str | None:
    """The encoding a part declares (encoding="GBK"), when it is not UTF-8 and the part holds
    more than ASCII; else None. The reader reads every part as UTF-8 whatever it declares, Excel
    as declared: GBK bytes read as UTF-8 are other characters (缺水 in GBK is valid UTF-8: ȱˮ),
    UTF-8 bytes declared GBK show garbled in Excel. One anchored match a part (~1 µs)."""
    start = 3 if blob.startswith(b"\xef\xbb\xbf") else 0  # a UTF-8 byte-order mark first: the same
    declared = _DECLARED_RE.match(blob, start) if blob.startswith(b"<?xml", start) else None
    if declared is None or declared.group(1).lower().replace(b"-", b"").replace(b"_", b"") in _UTF8_NAMES:
        return None
    return None if blob.isascii() else xml_text(declared.group(1)[:20])


def _foreign_words(encoding: str) -> str:
    return f"有按 {encoding} 编码保存的文字（.xlsx 里只能用 UTF-8 编码），读出来会是别的字"


def _refuse_foreign(sheet: str | None, member: str, blob: bytes, encoding: str) -> None:
    """Refuse a part declaring another encoding than UTF-8 over bytes that are not ASCII: a
    sheet at the first cell holding such bytes, any other part by its name."""
    words = _foreign_words(encoding)
    at = _NOT_ASCII_RE.search(blob, 3 if blob.startswith(b"\xef\xbb\xbf") else 0)  # past a byte-order mark
    if sheet is not None and at is not None:
        line = blob.count(b"\n", 0, at.start()) + 1
        raise _sheet_fault(sheet, member, blob, (words, line, at.start() - blob.rfind(b"\n", 0, at.start()),
                                                 at.start()))
    raise Refused("file-corrupt", _part_fault(member, blob, (words, 0, 0, -1)))


# bytes no XML may hold raw (tab, line feed and carriage return aside); Excel writes _x0001_
_CONTROL_BYTES = tuple(bytes((b,)) for b in (*range(0, 9), 11, 12, *range(14, 32)))
_MISMATCH = "有开头和结尾对不上的标记"
_STRAY_LT = "有多余的“<”符号（文字里的 < 应写作 &lt;），它后面的单元格读不准"
_INLINE_RE = re.compile(re.escape(b"inlineS"))
# the sheets whose cells are read (联户卡 with a space or a zero-width character too; 汇总: a totals
# book's): raw text in any other sheet (a Sheet1 pasted beside the register) changes nothing read
_READ_SHEETS = (CARD_SHEET, DIARY_SHEET, TOTALS_SHEET)
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def _read_by_reader(sheet: str) -> bool:
    """Whether the reader reads this sheet's cells: its name, as the tab shows it (trimmed, the
    invisible characters a pasted name brings dropped: reader.sheet_key), is 联户卡, 联户日记 or 汇总.
    联户日记 (2) or 联户卡备份 is not read (said as a lookalike at most): its text changes nothing."""
    return sheet.translate(_INVISIBLE).strip() in _READ_SHEETS or register_kind(sheet) is not None  # 联户日记（2010年）


_ROOT_RE = re.compile(rb"<(?![?!])(?:[^\s<>/:]+:)?([^\s<>/:]+)")  # a part's first element, its prefix dropped
_SHEET_ROOTS = frozenset((b"worksheet", b"chartsheet", b"dialogsheet", b"macrosheet"))


def _check_sheet_root(sheet: str, member: str, blob: bytes) -> None:
    """Refuse a sheet whose part holds no cells and is no sheet at all (an Excel 2003 XML
    spreadsheet, a web page zipped as the sheet): the reader finds no cells in it and the clerk
    was told 找不到表头. Asked only of a part without sheetData (a chart's); an empty part, or
    one with no element at all, is said where the reader fails on it (explain_failure)."""
    root = _ROOT_RE.search(blob, 0, 4096)
    if root is None or root.group(1) in _SHEET_ROOTS:
        return
    what = "是“XML 电子表格 2003”格式" if is_xml_2003(blob[:4096]) else \
        "是网页" if b"<html" in blob[:4096].lower() else "不是表格内容"
    raise Refused("file-corrupt", f"工作表“{sheet}”的内容部件 {member} {what}，不是 .xlsx 的工作表", sheet=sheet)


def _check_markup(blob: bytes, sheet: str | None, member: str, texts: bool) -> None:
    """Refuse (at the cell) a sheet or the shared-text table that is not XML in a way the reader
    reads through, putting other text in the cells than the file holds: a raw control character
    (Excel refuses the file; calamine reads \\x01 or a NUL into the cell, 下营\\x01村 a village of
    its own), or a ``<`` never closed (a stray ``<`` in a text: calamine takes it for a tag and
    the cells after it for its text; the row's other cells shift or vanish, a table's later texts
    move to other cells). A memchr per control byte, and ``<`` and ``>`` counted only where
    ``texts`` may stand (the shared-text table; a sheet with inline or formula texts): a sheet of
    shared texts, as Excel, WPS and LibreOffice save, holds numbers only (~0.1 ms a 650-row book;
    counting in every sheet cost 0.25 ms). expat then says for sure, so a CDATA section or a
    comment holding ``<`` costs nothing more."""
    stray = texts and _unbalanced(blob)
    if not stray and not any(blob.find(byte) >= 0 for byte in _CONTROL_BYTES):
        return
    fault = _xml_fault(blob)
    if fault is None:
        return
    if stray and (fault[0].startswith("写法不合规范") or (fault[0] == _MISMATCH and _lt_in_text(blob, fault[3]))):
        fault = (_STRAY_LT, *fault[1:])  # a<b or a<b>c typed in a text: no tag
    if sheet is not None:
        raise _sheet_fault(sheet, member, blob, fault)
    raise Refused("file-corrupt", _part_fault(member, blob, fault))


def _unbalanced(blob: bytes) -> bool:
    """Whether a part holds a ``<`` that opens no tag (``a<b`` or ``a<b>c`` typed in a text): in
    XML every ``<`` begins a start tag (each closed by a ``</``), an empty tag (``/>``), a
    declaration or a comment (``<?``, ``<!``). Three counts and a few memchr (~0.05 ms for a 17 KB
    table of texts); a ``/>`` or ``</`` inside a comment only makes expat look, and find nothing."""
    marks = _count(blob, b"<?", b"?", 1) + _count(blob, b"<!", b"!", 1)
    return blob.count(b"<") != 2 * blob.count(b"</") + blob.count(b"/>") + marks


def _count(blob: bytes, needle: bytes, rare: bytes, offset: int) -> int:
    """``blob.count(needle)`` for a needle holding the byte ``rare`` at ``offset``, by memchr where
    that byte is rare (the ? of a declaration); counted as usual past 32 of them."""
    found, pos = 0, blob.find(rare, offset)
    for _ in range(32):
        if pos < 0:
            return found
        found += blob.startswith(needle, pos - offset)
        pos = blob.find(rare, pos + 1)
    return blob.count(needle)


_TEXT_OPENERS = (b"<t>", b"<t ", b"<f>", b"<f ", b"<v>")


def _lt_in_text(blob: bytes, at: int) -> bool:
    """Whether the text element open where expat found a tag not closed (``at``: ``<t>a<b>c</t>``
    fails at ``</t>``) holds a ``<`` of its own: one typed in the text, not a closing tag lost."""
    tag = blob.rfind(b"<", 0, at + 1)  # the tag expat stopped at (its index may point inside it)
    opener = max(blob.rfind(o, 0, tag) for o in _TEXT_OPENERS)
    begin = blob.find(b">", opener) + 1 if opener >= 0 else -1
    return 0 < begin <= tag and blob.find(b"<", begin, tag) >= 0


_CONTROL_SPACES = bytes.maketrans(b"".join(_CONTROL_BYTES), b" " * len(_CONTROL_BYTES))
_CONTROL_RE = re.compile(b"[" + re.escape(b"".join(_CONTROL_BYTES)) + b"]")
_ITEM_RE = re.compile(rb"<(?:" + _PREFIX + rb")si(?=[\s/>])(?:[^>\"']|\"[^\"]*\"|'[^']*')*?(/?)>")
_ITEM_END_RE = re.compile(rb"</(?:" + _PREFIX + rb")si\s*>")


def _check_strings(strings: bytes, read: list[tuple[str, bytes]]) -> None:
    """The shared-text table checked as ``_check_markup`` does, refused at the first cell of a
    sheet the reader reads (``read``: name, part) that shows a text holding a raw control
    character; a table whose only fault is such texts, used by no such sheet (a Sheet1 pasted
    beside the register), changes nothing read: the book is read; so is a text holding an element
    (``a<b/>c``, read ``ac``). Any other fault (a stray ``<`` moves every later text to another
    cell) refuses the book, said by the table's name."""
    try:
        _check_markup(strings, None, "xl/sharedStrings.xml", texts=True)
    except Refused as refused:
        faulty = _control_items(strings)
        if faulty is None:
            raise
        _refuse_where_shown(read, faulty, refused.detail)
    if _TAG_IN_TEXT_RE.search(strings) is not None:  # <t>a<b/>c</t>: said at the cell showing it
        items = [m.start() for m in _ITEM_RE.finditer(strings)]
        found = {bisect.bisect_right(items, m.start()) - 1: m for m in _TAG_IN_TEXT_RE.finditer(strings)}
        k = min(found)
        words, line, column, _ = _tag_fault(strings, found[k])
        _refuse_where_shown(read, set(found), f"{_part_fault('xl/sharedStrings.xml', strings, (words, 0, 0, -1))}"
                            f"（第 {k + 1} 条文字，位置在第 {line} 行第 {column} 列）")


def _refuse_where_shown(read: list[tuple[str, bytes]], faulty: set[int], detail: str) -> None:
    """Refuse (file-corrupt, ``detail``) at the first cell of a sheet in ``read`` that shows one of
    the shared texts ``faulty`` (their indexes); nothing when no such cell shows one."""
    for sheet, blob in read:
        for tag in _CELL_TAG_RE.finditer(blob):
            if tag.group(3) or _attrs(tag.group(2)).get(b"t") != b"s":
                continue
            text = _stored_value(blob, tag).strip()
            if text.isdigit() and int(text) in faulty:
                ref = _R_ANY_RE.search(tag.group(0))
                raise Refused("file-corrupt", detail, sheet=sheet,
                              cell=ref.group(1).decode() if ref else None) from None


# An element inside a text (<t>a<b/>c</t>, a script's raw text: well-formed, so expat finds
# nothing): calamine reads the text without it ("ac"). After a <t> the next < must close it (or
# open CDATA, a comment). One pass over the shared texts (~0.04 ms for a 17 KB table), and over a
# sheet holding inline texts (~0.7 ms for an openpyxl-written 650-row book, read in ~33 ms).
_TAG_IN_TEXT_RE = re.compile(rb"<t(?:>|\s[^>]*(?<!/)>)[^<]*<(?![/!?])")


def _tag_fault(blob: bytes, m: re.Match[bytes]) -> tuple[str, int, int, int]:
    """The fault of the element ``m`` found inside a text, as ``_xml_fault`` gives one: words
    quoting the tag, its line and column, its byte offset."""
    at = m.end() - 1
    end = blob.find(b">", at, at + 40)
    tag = xml_text(blob[at:end + 1]) if end >= 0 else xml_text(blob[at:at + 20]) + "…"
    line = blob.count(b"\n", 0, at) + 1
    return (f"有文字里夹着的标记“{tag}”（文字里的 < 应写作 &lt;），这段文字读出来会缺一块",
            line, at - blob.rfind(b"\n", 0, at), at)


def _control_items(strings: bytes) -> set[int] | None:
    """The indexes of the shared texts holding a raw control character, when that is all that is
    wrong with the table (it is XML with them made spaces, each inside a text); else None."""
    if _xml_fault(strings.translate(_CONTROL_SPACES)) is not None:
        return None
    items = list(_ITEM_RE.finditer(strings))
    starts = [m.start() for m in items]
    out = set()
    for m in _CONTROL_RE.finditer(strings):
        k = bisect.bisect_right(starts, m.start()) - 1
        if k < 0 or items[k].group(1) or _ITEM_END_RE.search(strings, items[k].end(), m.start()):
            return None  # outside every text: not said as a text's fault
        out.add(k)
    return out


def _part_fault(name: str, blob: bytes, fault: tuple[str, int, int, int] | None = None) -> str:
    """What is wrong with a part of the book's structure that is not XML (``fault``, when already
    found), and where, for a clerk."""
    words, line, column, _ = fault or _xml_fault(blob) or ("写法不合规范", 0, 0, -1)
    label = dict(_STRUCTURE_PARTS).get(name, "部件")
    return f"{label} {name} {words}；位置在第 {line} 行第 {column} 列" if line else f"{label} {name} {words}"


def _sheet_fault(sheet: str, member: str, blob: bytes, fault: tuple[str, int, int, int]) -> Refused:
    """file-corrupt for a sheet that is not XML, at the cell (or row) where the fault lies."""
    words, line, column, at = fault
    if not line:
        return Refused("file-corrupt", f"工作表“{sheet}”的内容部件 {member} {words}", sheet=sheet)
    cell = row = None
    for m in _NEAR_CELL_RE.finditer(blob, 0, at + 1):
        cell = m.group(1).decode()
    if cell is None:
        for m in _NEAR_ROW_RE.finditer(blob, 0, at + 1):
            row = m.group(1).decode()
    near = f"在 {cell} 单元格附近" if cell else f"在第 {row} 行附近" if row else ""
    return Refused("file-corrupt", f"工作表“{sheet}”{near}{words}；位置在 {member} 第 {line} 行第 {column} 列",
                   sheet=sheet, cell=cell)


_TRANSITIONAL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_STRICT = "http://purl.oclc.org/ooxml/officeDocument/relationships/"
_SHEET_TYPES = frozenset(base + kind for base in (_TRANSITIONAL, _STRICT)
                         for kind in ("worksheet", "chartsheet", "dialogsheet", "macrosheet"))


def _relationships(rels: bytes) -> dict[str, tuple[str, bool]]:
    """Id -> (Type, whether a Target is given) of every relationship in a .rels part, whatever
    its namespace (the reader looks at local names only)."""
    return {element.get("Id", ""): (element.get("Type", ""), "Target" in element.attrib)
            for element in _from_utf8(rels).iter() if element.tag.rsplit("}", 1)[-1] == "Relationship"}


def _names_workbook(rels: bytes) -> bool:
    """Whether the package's relationships hold the one to the workbook (its Type spelt exactly,
    a Target), where the reader starts: without it the whole book is refused."""
    return any(target and kind in (_TRANSITIONAL + "officeDocument", _STRICT + "officeDocument")
               for kind, target in _relationships(rels).values())


def _sheet_entry_fault(workbook: ElementTree.Element, rels: bytes) -> Refused | None:
    """A sheet whose entry in xl/_rels/workbook.xml.rels is missing or lost its Type (or spells
    it otherwise): the reader cannot find it and refuses the whole book."""
    entries = _relationships(rels)
    for sheet, rid in _sheet_elements(workbook):
        kind, target = entries.get(rid, ("", False))
        if not target or kind not in _SHEET_TYPES:
            name = sheet.get("name", "")
            return Refused("file-corrupt", f"工作表目录 xl/_rels/workbook.xml.rels 里工作表“{name}”的条目缺失或写坏了",
                           sheet=name or None)
    return None


_SHEET_STATES = frozenset(("visible", "hidden", "veryHidden"))  # a sheet's state="…", as calamine takes it


def _state_fault(workbook: ElementTree.Element) -> Refused | None:
    """A sheet whose shown state (state="…", visible or hidden) is written another way (Hidden,
    an empty one): the reader refuses the whole book for it."""
    for sheet, _rid in _sheet_elements(workbook):
        state = sheet.get("state")
        if state is not None and state not in _SHEET_STATES:
            name = sheet.get("name", "")
            return Refused("file-corrupt", f"工作簿目录 xl/workbook.xml 写的工作表“{name}”显示状态“{state[:20]}”"
                           "不是 Excel 的写法", sheet=name or None)
    return None


def _cell_fault(sheet: str, blob: bytes, strings: int | None) -> Refused | None:
    """The first cell the reader cannot take, walked tag by tag: a shared-text index past the
    table (``strings`` items), a type it does not know, a number-typed cell holding text, an
    error value it does not know (the ones only Excel 365 shows said as such)."""
    for m in _CELL_TAG_RE.finditer(blob):
        kind = _attrs(m.group(2)).get(b"t", b"n")
        if kind not in _CELL_TYPES:
            shown = xml_text(kind[:20])
            return _cell_refused(sheet, m.group(0), f"标的类型“{shown}”不是 Excel 的写法")
        if m.group(3) or kind not in (b"n", b"s", b"e"):
            continue
        text = _stored_value(blob, m)
        if kind == b"s" and strings is not None and text.strip().isdigit() and int(text) >= strings:
            return _cell_refused(sheet, m.group(0), f"引用第 {int(text) + 1} 条共享文本，而文件里只有 {strings} 条")
        if kind == b"n" and text and not _NUMBER_RE.fullmatch(text):
            shown = xml_text(text[:20]).strip()
            return _cell_refused(sheet, m.group(0), f"标为数字，却存着“{shown}”")
        if kind == b"e" and text not in _OLD_ERRORS:
            ref = _R_ANY_RE.search(m.group(0))
            if text in _NEW_ERRORS:
                return Refused("unreadable-error-value", text.decode(), sheet=sheet,
                               cell=ref.group(1).decode() if ref else None)
            shown = xml_text(text[:20]).strip()
            return _cell_refused(sheet, m.group(0), f"存的错误值“{shown}”不是 Excel 的写法")
    return None


def _range_fault(sheet: str, blob: bytes) -> Refused | None:
    """The sheet's recorded extent (<dimension ref>) or a merged block's range, when not written
    as cell addresses (A1:W4): the reader fails the whole book on either."""
    for pattern, what in ((_DIMENSION_RE, "记录的表格范围"), (_MERGE_REF_RE, "的合并单元格范围")):
        for m in pattern.finditer(blob):
            if not _RANGE_REF_RE.fullmatch(m.group(1)):
                shown = xml_text(m.group(1)[:30])
                return Refused("file-corrupt", f"工作表“{sheet}”{what}“{shown}”不是单元格地址", sheet=sheet)
    return None


_ZERO_ROW_RE = re.compile(rb"<" + _PREFIX + rb"""row\s[^>]*?\br\s*=\s*["']0+["']""")
_ZERO_CELL_RE = re.compile(rb"<" + _PREFIX + rb"""c\s[^>]*?\br\s*=\s*["']([A-Za-z]{1,3}0+)["']""")


def _zero_fault(sheet: str, blob: bytes) -> Refused | None:
    """A row numbered 0 (<row r="0">) or a cell in it (A0): rows count from 1, and the reader
    fails the whole book on either."""
    cell = _ZERO_CELL_RE.search(blob)
    if cell is not None:
        shown = xml_text(cell.group(1))
        return Refused("file-corrupt", f"工作表“{sheet}”有单元格地址写成了“{shown}”（行号从 1 起，没有第 0 行）", sheet=sheet)
    if _ZERO_ROW_RE.search(blob) is not None:
        return Refused("file-corrupt", f"工作表“{sheet}”有一行的行号写成了 0（行号从 1 起）", sheet=sheet)
    return None


_DATE1904_RE = re.compile(rb"<" + _PREFIX + rb"""workbookPr\s[^>]*?\bdate1904\s*=\s*["'](?:1|true)["']""")


def _date1904(workbook: bytes) -> bool:
    """Whether the book counts its dates from 1904 (old Mac Excel: 选项 → 使用 1904 日期系统), as
    calamine reads ``<workbookPr date1904="1"/>`` ("1" or "true"). A date cell whose format was
    cleared then holds a serial 1,462 days short of the 1900 system's (the reader adds them)."""
    return b"date1904" in workbook and _DATE1904_RE.search(workbook) is not None


# A shared-text cell whose index is not a whole number (abc, 1.5, -1, " 1", 1&#x30;): calamine
# reads the table's first text (the title) into the cell, or another one, without a word. Found
# from the way every program writes such a cell (t="s" last, then <v>digits</v>): one pass led by
# t="s" (~0.25 ms a benchmark book); a cell written otherwise (t before s="…", an x: prefix, line
# breaks) is looked at whole, and from the first such the looser pattern is used.
_SHARED_INDEX_RE = re.compile(rb't="s"(?!><v>\d{1,18}</v>)')
_LOOSE_SHARED_INDEX_RE = re.compile(
    rb"""t="s"(?!(?:\s+[^\s=>]+\s*=\s*(?:"[^"]*"|'[^']*'))*\s*>\s*<((?:[^\s<>/:]+:)?)v>\d{1,18}</\1v>)""")
_INDEX_RE = re.compile(rb"\d{1,18}")


def _check_shared_indexes(sheet: str, blob: bytes, lo: int = 0, hi: int | None = None) -> None:
    """Refuse, at the cell, a shared-text cell (t="s") whose stored index is not a whole number
    of digits (an empty one reads as an empty cell, as Excel shows it; one past the table makes
    the reader fail, and is said then: explain_failure). Looked for where calamine reads cells,
    from ``lo`` to ``hi`` (``_cells_span``)."""
    hi = len(blob) if hi is None else hi
    pattern = _SHARED_INDEX_RE
    m = pattern.search(blob, lo, hi)
    while m is not None:
        start = blob.rfind(b"<", 0, m.start())
        tag = _CELL_TAG_RE.match(blob, start) if start >= 0 else None
        if tag is not None and tag.end() > m.start() and not tag.group(3) and _attrs(tag.group(2)).get(b"t") == b"s":
            text = _stored_value(blob, tag)
            if text and not _INDEX_RE.fullmatch(text):
                shown = text[:20].decode("utf-8", "replace")  # as the file holds it: 1&#x30;, not 10
                raise _cell_refused(sheet, tag.group(0), f"标为共享文本，存的编号“{shown}”却不是整数（应是 0 起的"
                                    "整数，指向文件里的第几条文字），读出来会是别的文字")
        pattern = _LOOSE_SHARED_INDEX_RE
        m = pattern.search(blob, m.end(), hi)


# A cell holding two values (<v>1</v><v>3000</v>, an inline text and a <v>, two <is>), a cell
# tag with an attribute twice (t="n" t="s": not XML, Excel refuses the file), a cell written twice
# in its row, an inline text without its text (<c t="inlineStr"><v>3000</v>): calamine reads one
# of the values (the last <v>, the <is>, nothing), or the last attribute, or the later cell,
# without a word. No program writes any of them; a sheet whose every cell is written the common
# way (_COMMON_CELL) holds none of the first three, so they are looked for only in a sheet
# holding a cell written otherwise (three passes; a cell tag over 400 bytes is not looked into for
# an attribute twice: each attribute compared with every other would cost its square).
_VALUE_END = rb"(?:</" + _PREFIX + rb"(?:v|is)\s*>|<" + _PREFIX + rb"v\s*/>)"
_VALUE_TWICE_RE = re.compile(_VALUE_END + rb"\s*+<(?!/" + _PREFIX + rb"c\s*>)")
_INLINE_WITHOUT_TEXT_RE = re.compile(rb"""inlineStr["'][^>]*+>\s*+<""" + _PREFIX + rb"v[\s/>]")
_ATTRIBUTE_TWICE_RE = re.compile(rb"<" + _PREFIX + rb"""c\s(?=[^>]{0,400}>)(?:[^>]*?\s)??([^\s=<>/]+)\s*=\s*(?:"[^"]*"|'[^']*')"""
                                 rb"""(?:\s+[^\s=<>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*?\s+\1\s*=""")


def _check_values_once(sheet: str, blob: bytes, lo: int = 0, hi: int | None = None) -> None:
    """Refuse, at the cell, one holding two values or none it is typed for, an attribute written
    twice in a cell's tag, or a cell written twice (from ``lo`` to ``hi``: ``_cells_span``)."""
    hi = len(blob) if hi is None else hi
    found = [(m.end(), "里存了不止一个值（Excel 会说文件已损坏），读出来的只是其中一个，读不准")
             for m in (_VALUE_TWICE_RE.search(blob, lo, hi), _INLINE_WITHOUT_TEXT_RE.search(blob, lo, hi)) if m]
    twice = _ATTRIBUTE_TWICE_RE.search(blob, lo, hi)
    if twice is not None and _attribute_twice(blob[twice.start():blob.find(b">", twice.end()) + 1]):
        name = twice.group(1).rsplit(b":", 1)[-1].decode("utf-8", "replace")[:20]
        found.append((blob.find(b">", twice.end()) + 1,
                      f"的“{name}”属性写了两遍（Excel 会说文件已损坏），读出来的只是后一个，读不准"))
    for at, what in sorted(found)[:1]:
        tag = _cell_tag_before(blob, at)
        if tag is not None:
            raise _cell_refused(sheet, tag.group(0), what)
        raise Refused("file-corrupt", f"工作表“{sheet}”有单元格{what}", sheet=sheet)
    seen: set[bytes] = set()
    for ref in _NEAR_CELL_RE.findall(blob, lo, hi):
        if ref in seen:
            raise Refused("file-corrupt", "这个单元格在文件里写了两遍，后写的会盖住先写的，读出来不可靠",
                          sheet=sheet, cell=ref.decode())
        seen.add(ref)


def _attribute_twice(tag: bytes) -> bool:
    """Whether expat finds an attribute written twice in ``tag`` (not a quote left open, which
    the pattern above may take for one: the reader fails on that, and it is said then)."""
    parser = expat.ParserCreate("utf-8")
    try:
        parser.Parse(tag[:-1].rstrip(b"/") + b"/>", True)
    except expat.ExpatError as exc:
        return exc.code == expat.errors.codes[expat.errors.XML_ERROR_DUPLICATE_ATTRIBUTE]
    return False


# A number cell whose stored value a character reference, a comment, a CDATA section or a
# processing instruction cuts in two (<v>3&#48;00</v>: XML for 3000, what Excel reads): calamine
# reads the first piece only (3), or nothing (<v>&#51;000</v>, <v><![CDATA[3000]]></v>). No
# program writes such a value; a text cell's (t="str") is read whole. Each & and <! or <? among the
# cells found by memchr (hardly any in a register: ~0.01 ms a benchmark book), its element looked at.
_V_OPEN_RE = re.compile(rb"<(?:[^\s<>/!?:=\"']+:)?v>")
_SPLIT_V_RE = re.compile(rb"<(?:[^\s<>/!?:=\"']+:)?v>[^<&]*(?:&|<[!?])")


def _check_split_values(sheet: str, blob: bytes, lo: int = 0, hi: int | None = None) -> None:
    """Refuse, at the cell, a stored value cut in two by a character reference, comment, CDATA
    section or processing instruction, in a cell not typed as text (t="str", inlineStr: read
    whole): the reader would read it cut short, without a word. Looked for from ``lo`` to ``hi``."""
    hi = len(blob) if hi is None else hi
    for rare, back in ((b"&", 0), (b"!", 1), (b"?", 1)):
        pos, looked = blob.find(rare, lo, hi), 0
        while pos >= 0:
            if looked == 32:  # many (formulas joining texts with &): one pass over the rest
                for m in _SPLIT_V_RE.finditer(blob, max(blob.rfind(b"<", lo, pos), lo), hi):  # from its tag
                    _refuse_split(sheet, blob, m.start(), m.end() - 1 - back)
                break
            looked += 1
            if back == 0 or blob[pos - 1:pos] == b"<":  # &, or <! and <?
                opener = blob.rfind(b"<", 0, pos - back)
                if opener >= 0 and _V_OPEN_RE.match(blob, opener):
                    _refuse_split(sheet, blob, opener, pos - back)
            pos = blob.find(rare, pos + 1, hi)


def _refuse_split(sheet: str, blob: bytes, opener: int, at: int) -> None:
    """Refuse the cell whose <v> opens at ``opener`` and is cut at ``at``, unless typed as text."""
    tag = _cell_tag_before(blob, at)
    if tag is None or _attrs(tag.group(2)).get(b"t") in (b"str", b"inlineStr"):
        return
    start = blob.find(b">", opener) + 1
    close = blob.find(b"</", at)
    shown = blob[start:min(close if close >= 0 else len(blob), start + 30)].decode("utf-8", "replace")
    raise _cell_refused(sheet, tag.group(0), f"存的数值“{shown}”中间夹着转义符、注释或 CDATA，"
                        "读出来会只剩前一段（或是空的），读不准")


_CALC_ON_LOAD_RE = re.compile(rb"<" + _PREFIX + rb"""calcPr\s[^>]*?\bfullCalcOnLoad\s*=\s*["'](?:1|true)["']""")
_ZERO_CACHED_RE = re.compile(rb'<c\b[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*<v>0</v>\s*</c>')


# A formula's stored result that cannot be trusted (formula-stale): said through formula_cells,
# its text STALE + formula + STALE + why (reader.formula_issue reads it so).
STALE = "\x00"
_CALC_MANUAL_RE = re.compile(rb"<" + _PREFIX + rb"""calcPr\s[^>]*?\bcalcMode\s*=\s*["']manual["']""")
_NOT_ON_SAVE_RE = re.compile(rb"<" + _PREFIX + rb"""calcPr\s[^>]*?\bcalcOnSave\s*=\s*["'](?:0|false)["']""")
_FORMULA_RESULT_RE = re.compile(rb"<" + _PREFIX + rb"c\b([^>]*)>\s*<" + _PREFIX + rb"f\b[^>]*?(?:/>|>([^<]*)</"
                                + _PREFIX + rb"f>)\s*<" + _PREFIX + rb"v>([^<]*)</" + _PREFIX + rb"v>")


def _saved_uncomputed(workbook: bytes) -> bool:
    """Whether the book is set to compute by hand and not before saving (Excel: 公式 → 计算选项 →
    手动, “保存工作簿前重新计算” off: ``<calcPr calcMode="manual" calcOnSave="0"/>``): every stored
    result is what Excel showed when it last computed, whatever was typed since."""
    return b"calcOnSave" in workbook and _NOT_ON_SAVE_RE.search(workbook) is not None \
        and _CALC_MANUAL_RE.search(workbook) is not None


def _stale_formulas(blob: bytes, by_hand: bool, said: set[str]) -> list[tuple[str, str]]:
    """(cell, STALE-text) for each formula cell (not in ``said``: told already) whose stored result
    cannot be trusted: every one in a book computed by hand and not before saving (``by_hand``),
    else a number whose formula of numbers, cells of the sheet holding numbers (or nothing),
    + - * / ^ % and SUM (1000*3, L3*1000, SUM(L3:N3)) gives another result than the one stored
    (saved without computing: a script, a tool that keeps results). Any other formula (another
    function, a text, another sheet) is not computed: its stored result is read. Asked only of
    a sheet read holding formulas (rare in a register)."""
    out: list[tuple[str, str, str]] = []  # cell, formula, why
    cells: dict[str, float | None] | None = None  # the sheet's numbers, read once a formula refers to a cell
    budget = 500  # formulas referring to cells computed (each range at most 1,000 cells)
    for m in _FORMULA_RESULT_RE.finditer(blob):
        attrs = _attrs(m.group(1))
        ref, kind, stored = attrs.get(b"r"), attrs.get(b"t", b"n"), xml_text(m.group(3)).strip()
        if ref is None or kind == b"e" or not stored or ref.decode("ascii", "replace") in said:
            continue
        text = xml_text(m.group(2) or b"")
        shown = stored[:30]
        if by_hand:
            why = f"{shown} 可能是旧的（这个工作簿设成了手动计算，保存前不重新计算）"
        elif kind == b"n" and text:
            if _REF_IN_FORMULA_RE.search(text):
                budget -= 1  # a sheet of thousands of formulas over ranges: the first 500 computed
                if budget < 0:
                    continue
                if cells is None:
                    cells = _cell_numbers(blob)
            computed = _constant_value(text, cells or {})
            try:
                value = float(stored)
            except ValueError:
                continue
            if computed is None or abs(computed - value) <= 1e-9 * max(1.0, abs(computed)):
                continue
            why = f"是 {shown}，而公式算出来是 {computed:.15g}（保存时没有重新计算）"
        else:
            continue
        out.append((ref.decode("ascii", "replace"), text, why))
    if any(not text for _, text, _ in out):  # a shared formula's cells below its first: the first's text
        texts = dict(_shared_texts(blob, [(ref, text) for ref, text, _ in out]))
        out = [(ref, texts.get(ref, text), why) for ref, text, why in out]
    return [(ref, f"{STALE}{text}{STALE}{why}") for ref, text, why in out]


_CONSTANT_TOKEN_RE = re.compile(r"\s*(?:(\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|(SUM)\s*\(|"
                                r"\$?([A-Z]{1,3})\$?(\d{1,7})(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?(?![\w(!])|([-+*/^%(),]))",
                                re.IGNORECASE)
_REF_IN_FORMULA_RE = re.compile(r"[A-Za-z]\$?\d")
_FILLED_CELL_RE = re.compile(rb'<c r="([A-Z]{1,3}\d{1,7})"[^>]*(?<!/)>')  # a cell holding something
_NUMBER_CELL_RE = re.compile(rb'<c r="([A-Z]{1,3}\d{1,7})"([^>]*)>(?:<f\b[^>]*(?:/>|>[^<]*</f>))?<v>([^<]*)</v></c>')


def _cell_numbers(blob: bytes) -> dict[str, float | None]:
    """Each cell of a sheet holding a stored value: its number, or None when it holds another
    kind of value (a text, TRUE, an error value). One pass, asked only of a sheet holding a
    formula that refers to cells."""
    out: dict[str, float | None] = dict.fromkeys(m.group(1).decode() for m in _FILLED_CELL_RE.finditer(blob))
    for m in _NUMBER_CELL_RE.finditer(blob):
        kind = _attrs(m.group(2)).get(b"t", b"n")
        try:
            out[m.group(1).decode()] = float(m.group(3)) if kind == b"n" else None
        except ValueError:
            out[m.group(1).decode()] = None
    return out


def _constant_value(text: str, cells: dict[str, float | None] | None = None) -> float | None:
    """What a formula of numbers gives, as Excel computes it (``1000*3``, ``-2^2`` is 4, ``50%``,
    ``SUM(1000,2000)``), its cells (``L3``, ``SUM(L3:N3)``) taken from ``cells`` (``_cell_numbers``:
    a cell not there is empty, 0); None for anything else (another function, a cell holding a
    text or written otherwise, a division by 0)."""
    if len(text) > 200:
        return None
    tokens: list[str] = []
    at = 0
    while at < len(text):
        m = _CONSTANT_TOKEN_RE.match(text, at)
        if m is None or m.end() == at:
            return None if text[at:].strip() else _evaluate(tokens)
        if m.group(3):  # a cell, or a range (in SUM only: its numbers summed, texts left out, as Excel does)
            value = _referred(m, cells or {}, in_sum=bool(tokens) and tokens[-1] in ("SUM(", ","))
            if value is None:
                return None
            tokens.append(repr(value))
        else:
            tokens.append(m.group(1) or ("SUM(" if m.group(2) else m.group(7)))
        at = m.end()
    return _evaluate(tokens)


def _referred(m: re.Match[str], cells: dict[str, float | None], in_sum: bool) -> float | None:
    """The value of the cell (or, in SUM, the sum of the range) a formula token names."""
    first_col, first_row = col_number(m.group(3).upper()), int(m.group(4))
    if m.group(5) is None:
        return cells.get(f"{m.group(3).upper()}{first_row}", 0.0)  # None: a text, or written otherwise
    if not in_sum:
        return None
    last_col, last_row = col_number(m.group(5).upper()), int(m.group(6))
    if (last_col - first_col + 1) * (last_row - first_row + 1) > 1_000 or last_col < first_col or last_row < first_row:
        return None
    return sum(v for r in range(first_row, last_row + 1) for c in range(first_col, last_col + 1)
               if (v := cells.get(f"{col_letters(c)}{r}")) is not None)


def _evaluate(tokens: list[str]) -> float | None:
    """``tokens`` (numbers, operators, parentheses, ``SUM(``) computed with Excel's precedence:
    the sign, then %, then ^ (from the left), then * and /, then + and -."""
    at = 0

    def peek() -> str | None:
        return tokens[at] if at < len(tokens) else None

    def take() -> str:
        nonlocal at
        at += 1
        return tokens[at - 1]

    def sum_expr() -> float:
        value = product()
        while peek() in ("+", "-"):
            value = value + product() if take() == "+" else value - product()
        return value

    def product() -> float:
        value = power()
        while peek() in ("*", "/"):
            if take() == "*":
                value *= power()
            else:
                value /= power()  # ZeroDivisionError: #DIV/0!, not a number
        return value

    def power() -> float:
        value = signed()
        while peek() == "^":
            take()
            value = float(value ** signed())
        return value

    def signed() -> float:
        if peek() in ("+", "-"):
            return -signed() if take() == "-" else signed()
        value = atom()
        while peek() == "%":
            take()
            value /= 100
        return value

    def atom() -> float:
        token = take()
        if token == "(":
            value = sum_expr()
            if take() != ")":
                raise ValueError
            return value
        if token == "SUM(":
            total = sum_expr()
            while peek() == ",":
                take()
                total += sum_expr()
            if take() != ")":
                raise ValueError
            return total
        return float(token)

    try:
        value = sum_expr()
    except (ValueError, IndexError, ZeroDivisionError, OverflowError, TypeError, RecursionError):
        return None
    return value if at == len(tokens) and value == value and abs(value) != float("inf") else None


def _computed_on_load(workbook: bytes) -> bool:
    """Whether the book asks Excel to compute every formula when it is opened
    (``<calcPr fullCalcOnLoad="1"/>``): what XlsxWriter and openpyxl write, which compute none."""
    return b"fullCalcOnLoad" in workbook and _CALC_ON_LOAD_RE.search(workbook) is not None


def _formulas_left_at_zero(blob: bytes) -> list[tuple[str, str]]:
    """(cell, formula) for each formula cell whose stored result is 0, in a book whose writer left
    its formulas for Excel to compute (``_computed_on_load``): XlsxWriter stores 0 for every formula
    it is given no result for, so =1000*3 in 担保贷款 was read as 0, exit 0, where Excel shows 3000.
    Said as a formula without a result (the reader's formula-no-value), as openpyxl's are."""
    return [(m.group(1).decode(), xml_text(m.group(2) or b"")) for m in _ZERO_CACHED_RE.finditer(blob)]


def _blank_styles(styles: bytes | None) -> frozenset[bytes]:
    """The style numbers (a cell's s="…") whose number format shows nothing: ``;;;`` (or ``;;``,
    every section empty: the classic way to hide a cell's value). Excel shows an empty cell;
    the reader reads the value. Parsed only when the styles hold ";;" at all (a search over a
    few KB)."""
    if not styles or b";;" not in styles:
        return frozenset()
    try:
        root = _from_utf8(styles)
    except ElementTree.ParseError:
        return frozenset()
    blank = {f.get("numFmtId") for f in root.iter() if f.tag.rsplit("}", 1)[-1] == "numFmt"
             and re.fullmatch(";{2,}", f.get("formatCode", "").strip())}
    if not blank:
        return frozenset()
    for cell_xfs in (e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "cellXfs"):
        return frozenset(str(k).encode() for k, xf in enumerate(x for x in cell_xfs if x.tag.rsplit("}", 1)[-1] == "xf")
                         if xf.get("numFmtId") in blank)
    return frozenset()


# Excel's own percent formats (0%, 0.00%), written by number, and a format of a book's own
# showing a percent: a % outside quotes ("%" and \% show the sign without multiplying)
_PERCENT_IDS = (b"9", b"10")
_PERCENT_HINT_RE = re.compile(rb"""numFmtId\s*=\s*["'](?:9|10)["']""")
_QUOTED_FORMAT_RE = re.compile(r'"[^"]*"|\\.')


def _percent_styles(styles: bytes | None) -> frozenset[bytes]:
    """The style numbers (a cell's s="…") whose number format is a percent: a number typed into
    such a cell is stored divided by 100 (3000 is kept as 30, shown 3000%), which the reader reads
    (the reader says it under a count or an amount). Parsed only when the styles name Excel's
    percent formats in the cells' styles or hold a % at all (WPS lists a 百分比 style in every
    book, outside them: two searches over a few KB); most books pay nothing more."""
    if not styles:
        return frozenset()
    start = styles.find(b"cellXfs")
    if b"%" not in styles and (start < 0 or not _PERCENT_HINT_RE.search(styles, start, styles.find(b"cellXfs", start + 7))):
        return frozenset()
    try:
        root = _from_utf8(styles)
    except ElementTree.ParseError:
        return frozenset()
    percent = {id_.decode() for id_ in _PERCENT_IDS}
    percent.update(f.get("numFmtId") for f in root.iter() if f.tag.rsplit("}", 1)[-1] == "numFmt"
                   and "%" in _QUOTED_FORMAT_RE.sub("", f.get("formatCode", "")))
    for cell_xfs in (e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "cellXfs"):
        return frozenset(str(k).encode() for k, xf in enumerate(x for x in cell_xfs if x.tag.rsplit("}", 1)[-1] == "xf")
                         if xf.get("numFmtId") in percent)
    return frozenset()


def _struck_styles(styles: bytes | None) -> frozenset[bytes]:
    """The style numbers (a cell's s="…") whose font strikes the text through (删除线: a clerk
    crossing out a line instead of deleting it), which the reader says. Parsed only when the
    styles hold a strike at all (one search over a few KB)."""
    if not styles or b"strike" not in styles:
        return frozenset()
    try:
        root = _from_utf8(styles)
    except ElementTree.ParseError:
        return frozenset()
    local = lambda e: e.tag.rsplit("}", 1)[-1]  # noqa: E731
    struck: set[str] = set()
    for fonts in (e for e in root.iter() if local(e) == "fonts"):
        struck = {str(k) for k, font in enumerate(f for f in fonts if local(f) == "font")
                  if any(local(c) == "strike" and c.get("val", "1").lower() not in ("0", "false") for c in font)}
        break
    if not struck:
        return frozenset()
    for cell_xfs in (e for e in root.iter() if local(e) == "cellXfs"):
        return frozenset(str(k).encode() for k, xf in enumerate(x for x in cell_xfs if local(x) == "xf")
                         if xf.get("fontId", "0") in struck)
    return frozenset()


def _cells_styled(blob: bytes, styles: frozenset[bytes]) -> frozenset[str]:
    """The addresses of the cells holding something (not ``<c …/>``) whose style is one of
    ``styles`` (written as every program writes a cell: its address first); style 0 is also
    that of a cell written without one."""
    unstyled = rb'|(?![^>]*?\ss=)' if b"0" in styles else b""
    pattern = re.compile(rb'<c r="([A-Z]{1,3}\d{1,7})"(?:[^>]*?\ss="(?:%s)"%s)[^>]*>' % (b"|".join(sorted(styles)), unstyled))
    return frozenset(m.group(1).decode() for m in pattern.finditer(blob) if not m.group(0).endswith(b"/>"))


# Text in the colour of its cell (white on white, red on red): Excel shows an empty cell, the reader
# reads the value. A colour as written (rgb="FFFFFFFF", theme="0", indexed="9", auto="1") -> a key;
# the default theme's first two colours (background 1 white, text 1 black) and the palette's
# black and white taken as such. Conditional formats are not looked at.
_COLOUR_TAG_RE = re.compile(rb"<(?:\w+:)?(?:color|fgColor)\b[^>]*>")
_COLOUR_ATTR_RE = re.compile(rb"""\b(rgb|theme|indexed|auto|tint)\s*=\s*["']([^"']*)["']""")
_WHITE, _BLACK = "rgb:FFFFFF", "rgb:000000"
_PALETTE = {"0": _BLACK, "8": _BLACK, "64": _BLACK, "1": _WHITE, "9": _WHITE, "65": _WHITE}


def _colour_key(attributes: dict[str, str]) -> str:
    """A colour's key from its attributes (``_COLOUR_ATTR_RE``): one key for one colour shown."""
    tint = attributes.get("tint", "0")
    if "rgb" in attributes:
        return "rgb:" + attributes["rgb"][-6:].upper()
    if "theme" in attributes:
        plain = tint in ("0", "0.0", "")
        return {"0": _WHITE, "1": _BLACK}.get(attributes["theme"], "") if plain and attributes["theme"] in ("0", "1") \
            else f"theme:{attributes['theme']}:{tint}"
    if "indexed" in attributes:
        return _PALETTE.get(attributes["indexed"], "indexed:" + attributes["indexed"])
    return _BLACK  # auto="1", or no colour given: the window's text colour


def _section(styles: bytes, name: bytes) -> bytes:
    start = styles.find(b"<" + name)
    end = styles.find(b"</" + name, start)
    return styles[start:end] if start >= 0 and end >= 0 else b""


def _same_colour_styles(styles: bytes | None) -> frozenset[bytes]:
    """The style numbers (a cell's s="…") whose font colour is the fill's (a white font with no
    fill: the sheet's white). Parsed only when some font's colour is white or a solid fill's
    (two short searches over the fonts and fills: ~0.01 ms; the template's fonts are black and
    grey on blue and orange fills)."""
    if not styles:
        return frozenset()
    fonts = {_colour_key({k.decode(): v.decode("ascii", "replace") for k, v in _COLOUR_ATTR_RE.findall(tag)})
             for tag in _COLOUR_TAG_RE.findall(_section(styles, b"fonts"))}
    fills = {_colour_key({k.decode(): v.decode("ascii", "replace") for k, v in _COLOUR_ATTR_RE.findall(tag)})
             for tag in _COLOUR_TAG_RE.findall(_section(styles, b"fills"))}
    if not fonts & (fills | {_WHITE}):  # a white font (a cell with no fill is white), or a fill's colour
        return frozenset()
    try:
        root = _from_utf8(styles)
    except ElementTree.ParseError:
        return frozenset()

    def local(element: ElementTree.Element) -> str:
        return element.tag.rsplit("}", 1)[-1]

    def key_of(element: ElementTree.Element | None) -> str:
        return _BLACK if element is None else _colour_key(dict(element.attrib))

    def children(name: str, child: str) -> list[ElementTree.Element]:
        return next(([x for x in e if local(x) == child] for e in root if local(e) == name), [])

    font_keys = [key_of(next((c for c in font if local(c) == "color"), None)) for font in children("fonts", "font")]
    fill_keys: list[str | None] = []
    for fill in children("fills", "fill"):
        pattern = next((c for c in fill if local(c) == "patternFill"), None)
        kind = pattern.get("patternType", "none") if pattern is not None else "none"
        colour = next((c for c in pattern if local(c) == "fgColor"), None) if pattern is not None else None
        fill_keys.append(_WHITE if kind == "none" else key_of(colour) if kind == "solid" else None)
    out = set()
    for k, xf in enumerate(children("cellXfs", "xf")):
        try:
            font, fill = font_keys[int(xf.get("fontId", "0"))], fill_keys[int(xf.get("fillId", "0"))]
        except (ValueError, IndexError):
            continue
        if font == fill:
            out.add(str(k).encode())
    return frozenset(out)


_SHARED_CELL_RE = re.compile(rb"<(?:" + _PREFIX + rb""")c\s[^>]*?\bt\s*=\s*["']s["'][^>]*>""")
_QUOTED_B_RE = re.compile(rb"""(?<=["'])b["']""")
_BOOLEAN_TEXTS = frozenset((b"", b"0", b"1", b"true", b"false"))  # what calamine reads (any case, trimmed)


def _check_cells(sheet: str, blob: bytes, no_strings: bool) -> None:
    """Refuse (naming the cell) what makes calamine fail the whole book for one cell: a shared
    text when the book has none (xl/sharedStrings.xml missing), a TRUE/FALSE cell holding another
    value (t="b" with 2). A boolean cell is rare: a memchr for b, a look at each quoted "b"."""
    if no_strings:
        m = _SHARED_CELL_RE.search(blob)
        if m:
            raise _cell_refused(sheet, m.group(0), "引用的共享文本（xl/sharedStrings.xml）不在文件里")
    pos, looked = blob.find(b"b"), 0
    while pos >= 0 and looked < 32:
        if _QUOTED_B_RE.match(blob, pos):
            _check_boolean(sheet, blob, pos)
        pos, looked = blob.find(b"b", pos + 1), looked + 1
    if pos >= 0:
        for m in _QUOTED_B_RE.finditer(blob, pos):
            _check_boolean(sheet, blob, m.start())


def _check_boolean(sheet: str, blob: bytes, at: int) -> None:
    """The cell whose tag holds the quoted "b" at ``at``, if a TRUE/FALSE cell, holds 0 or 1."""
    start, end = blob.rfind(b"<", 0, at), blob.find(b">", at)
    tag = _CELL_TAG_RE.match(blob, start) if start >= 0 and end > 0 else None
    if tag is None or tag.end() != end + 1 or tag.group(3):  # not a <c> tag, or <c …/>: no value
        return
    if _attrs(tag.group(2)).get(b"t") != b"b":
        return
    text = _stored_value(blob, tag)
    if text.strip().lower() not in _BOOLEAN_TEXTS and b"&" not in text:
        shown = xml_text(text[:20]).strip()
        raise _cell_refused(sheet, tag.group(0), f"是 TRUE/FALSE 单元格，却存着“{shown}”（只能是 TRUE 或 FALSE）")


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    """A tag's attributes by local name (t, r: a prefix dropped; either quote), as calamine reads them."""
    return {k.rsplit(b":", 1)[-1]: v or w for k, v, w in _ATTR_RE.findall(raw)}


def _stored_value(blob: bytes, tag: re.Match[bytes]) -> bytes:
    """The <v> text of the cell whose <c> tag is ``tag`` (``_CELL_TAG_RE``); b"" when it has none."""
    close = blob.find(b"</" + tag.group(1) + b"c>", tag.end())
    value = _ANY_V_RE.search(blob, tag.end(), close if close >= 0 else len(blob))
    return (value.group(1) or b"") if value else b""


def _cell_refused(sheet: str, tag: bytes, what: str) -> Refused:
    """file-corrupt at a cell, from its tag (its address, if it has one: the message starts with it)."""
    ref = _R_ANY_RE.search(tag)
    cell = ref.group(1).decode() if ref else None
    return Refused("file-corrupt", ("这个单元格" if cell else "某个单元格") + what, sheet=sheet, cell=cell)


def _spaced(blob: bytes) -> bool:
    """Whether white space may stand around an attribute's ``=`` (``t = "e"``, ``r = "M3"``: XML
    allows it, no program writes it; calamine reads such a cell, the fast patterns miss it). Two
    byte searches (~0.2 ms each for a 200 KB sheet), then each tab or line break (rare in a sheet,
    found by memchr) has its neighbours looked at. Spaces in a formula's text (A1 = 1) say yes too:
    the walk then reads every cell, slower but right."""
    if blob.find(b" =") >= 0 or blob.find(b"= ") >= 0:
        return True
    for space in (b"\t", b"\n", b"\r"):
        pos = blob.find(space)
        while pos >= 0:
            if blob[pos - 1:pos] == b"=" or blob[pos + 1:pos + 2] == b"=":
                return True
            pos = blob.find(space, pos + 1)
    return False


_ROW_NUMBER_RE = re.compile(rb"""\sr\s*=\s*["'](\d{1,7})["']""")


_HIDDEN_VALUE_RE = re.compile(rb"""hidden(?<!\whidden)\s*=\s*["'](?:1|true)["']""")  # \bhidden, led by its letters
# A size under 1 (a row's height in points, a column's width in characters: ht="0", width="0.5"),
# what a script setting the height to 0 writes without hidden="1": Excel shows nothing of it
_SMALL = rb"""\s*=\s*["']\s*[+-]?(?:0+(?:\.\d*)?|\.\d+)\s*["']"""
_ZERO_HEIGHT_RE = re.compile(rb"h(?<![\w:]h)t" + _SMALL)  # ht=, not customHeight=: led by h, a lookbehind
_ZERO_WIDTH_RE = re.compile(rb"w(?<![\w:]w)idth" + _SMALL)
# either, found from its h: ~0.15 ms a benchmark book (the hidden= look before cost the same)
_UNSEEN_HINT_RE = re.compile(rb"""h(?:idden|(?<![\w:]h)t\s*=\s*["']\s*[+-]?[0.])""")
_ROW_OPEN_RE = re.compile(rb"<(?:\w+:)?row\s")


def _hidden_rows(blob: bytes) -> frozenset[int]:
    """The numbers of the rows a sheet hides: calamine reads them like any other, yet the clerk
    does not see them in Excel (hidden by hand, left out by a filter, or made 0 high: ht="0"
    without hidden="1", what a script setting the height to 0 writes). Each hidden="1" (or
    true) or small height found, then the tag holding it looked at: LibreOffice writes
    hidden="false" in every row, where one pattern led by <row (the row tag, then hidden in it)
    cost ~3 ms a 3,000-row sheet. The same rows are found: the tag's start is the first <row
    after the last > (notes/hostile-bugs-s8/hidden_rows_same_as_before.py compares both on
    300,000 strings)."""
    out = set()
    for pattern in (_HIDDEN_VALUE_RE, _ZERO_HEIGHT_RE):
        for m in pattern.finditer(blob):
            opener = _ROW_OPEN_RE.search(blob, blob.rfind(b">", 0, m.start()) + 1, m.start())  # the tag's start
            end = blob.find(b">", m.end())
            number = _ROW_NUMBER_RE.search(blob, opener.start(), end + 1) if opener and end >= 0 else None
            if number:
                out.add(int(number.group(1)))
    return frozenset(out)


_COL_OPEN_RE = re.compile(rb"<col\s")
_MIN_MAX_RE = re.compile(rb"""\s(min|max)\s*=\s*["'](\d{1,5})["']""")


def _hidden_columns(blob: bytes, lo: int, hi: int) -> frozenset[int]:
    """The numbers of the columns a sheet hides (<col min="13" max="13" hidden="1"/>, or
    width="0": Excel shows nothing of it): read like any other, yet not seen in Excel. Looked for
    only in the <cols> list, before or after the cells (``lo``, ``hi``: ``_cells_span``): two
    short searches."""
    start = blob.find(b"<cols>", 0, lo + 64)  # lo: 64 bytes before the first "sheetData"
    if start < 0:
        start = blob.find(b"<cols>", hi)
    end = blob.find(b"</cols>", start) if start >= 0 else -1
    if end < 0:
        return frozenset()
    out: set[int] = set()
    for pattern in (_HIDDEN_VALUE_RE, _ZERO_WIDTH_RE):
        for m in pattern.finditer(blob, start, end):
            opener = _COL_OPEN_RE.search(blob, blob.rfind(b"<", start, m.start()), m.start())
            close = blob.find(b">", m.end())
            bounds = dict(_MIN_MAX_RE.findall(blob, opener.start(), close)) if opener and close >= 0 else {}
            if b"min" in bounds:
                low = int(bounds[b"min"])
                out.update(range(low, min(int(bounds.get(b"max", low)), low + MAX_COLUMN) + 1))
    return frozenset(out)


def _formula_pattern(blob: bytes, lo: int = 0, hi: int | None = None) -> re.Pattern[bytes] | None:
    """The pattern for a sheet's formula cells without a value; None when it has no cell formula
    between ``lo`` and ``hi`` (where its cells are: ``_cells_span``; a few memchr calls for f, the
    f of the validations' <formula1> after the cells not among them)."""
    if _found(blob, _PREFIXED_FORMULA_HINT_RE, b"f", 1, 32, lo, hi) and _PREFIXED_FORMULA_TAG_RE.search(blob, lo, hi):
        return _ANY_FORMULA_NO_VALUE_RE  # written with a namespace prefix (<x:c><x:f>)
    if _found(blob, _FORMULA_TAG_RE, b"f", 1, 32, lo, hi):
        return _FORMULA_NO_VALUE_RE
    return None


_SHARED_FORMULA_RE = re.compile(rb"""<f\b([^>]*\bt\s*=\s*["']shared["'][^>]*)>([^<]+)</f>""")
_SI_RE = re.compile(rb"""\bsi\s*=\s*["'](\d+)["']""")


def _shared_texts(blob: bytes, formulas: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each formula cell of a shared formula (<f t="shared" si="0"/>: the formula stands once, in
    the block's first cell) given the text Excel shows in it: the first cell's, its references moved
    as Excel moves them (=K3*2 in L3 is =K4*2 in L4), else the first cell's as it stands. Asked
    only when such a cell has no value (rare)."""
    masters: dict[bytes, tuple[str, str]] = {}
    for m in _SHARED_FORMULA_RE.finditer(blob):
        si = _SI_RE.search(m.group(1))
        tag = blob.rfind(b"<c", 0, m.start())
        ref = _R_ANY_RE.search(blob, tag, m.start()) if tag >= 0 else None
        if si and ref:
            masters.setdefault(si.group(1), (ref.group(1).decode(), xml_text(m.group(2))))
    out = []
    for ref, text in formulas:
        if not text:
            at = blob.find(b'<c r="%s"' % ref.encode())
            end = blob.find(b"</c>", at) if at >= 0 else -1
            si = _SI_RE.search(blob, at, end) if end >= 0 else None
            if si and si.group(1) in masters:
                text = _moved(*masters[si.group(1)], ref)
        out.append((ref, text))
    return out


def _moved(origin: str, text: str, ref: str) -> str:
    """The formula ``text`` of cell ``origin`` as it reads in cell ``ref`` (relative references moved)."""
    try:
        from openpyxl.formula.translate import Translator

        return Translator("=" + text, origin=origin).translate_formula(ref)[1:]
    except Exception:  # a formula the translator cannot follow: shown as the first cell has it
        return text


def _formulas_without_values(blob: bytes, pattern: re.Pattern[bytes]) -> list[tuple[str, str]]:
    """(cell, formula text) for every formula cell with no stored value: calamine reads it blank.
    A text-typed cell whose <v> is empty has one, empty text (calamine reads "", as Excel shows it);
    a numeric cell with an empty <v>, or any formula with no <v> at all, has none."""
    return [(m.group(1).decode(), xml_text(m.group(2) or b"")) for m in pattern.finditer(blob)
            if m.group(3) is None or not _TEXT_TYPE_RE.search(blob, m.start(), blob.find(b">", m.start()))]


_ENTITY_RE = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]{1,7})|#[xX]([0-9a-fA-F]{1,6}));")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_OOXML_ESCAPE_RE = re.compile(r"_x([0-9a-fA-F]{4})_")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _entity(m: re.Match[str]) -> str:
    if m.group(1):
        return _ENTITIES[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def xml_text(raw: bytes) -> str:
    """An element's text as typed: XML entities (``&amp;`` ``&lt;`` ``&#x4E2D;``) and then the
    OOXML escapes (``_x000D_``; ``_x005F_`` before a literal ``_xHHHH_``) undone, left to right."""
    text = raw.decode("utf-8", "replace")
    if "&" in text:
        text = _ENTITY_RE.sub(_entity, text)
    if "_x" in text:
        text = _OOXML_ESCAPE_RE.sub(lambda m: chr(int(m.group(1), 16)), text)
        if _SURROGATE_RE.search(text):  # _xD83D__xDE00_: one character; a half alone: \ufffd
            text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    return text


def _found(blob: bytes, pattern: re.Pattern[bytes], rare: bytes, offset: int, looks: int = 32,
           start: int = 0, end: int | None = None) -> bool:
    """``pattern.search(blob) is not None``, for a pattern whose every match holds the byte
    ``rare`` at ``offset`` from its start. Where that byte is rare in a sheet (the f of a
    formula tag, a minus sign) a few memchr calls are far cheaper than a pass of sre; after
    ``looks`` of them sre searches the rest; only a match starting from ``start`` and ending by
    ``end`` counts."""
    end = len(blob) if end is None else end
    pos = blob.find(rare, start + offset, end)
    for _ in range(looks):
        if pos < 0:
            return False
        if pos - offset >= start and pattern.match(blob, pos - offset, end):
            return True
        pos = blob.find(rare, pos + 1, end)
    return pos >= 0 and pattern.search(blob, max(pos - offset, start), end) is not None


_CLOSING_RE = re.compile(rb"</(?:[^\s<>/!?:=\"']+:)?")


def _cells_span(blob: bytes) -> tuple[int, int]:
    """Where every cell and row calamine reads lies: from the first "sheetData" (its tag, a prefix
    allowed) to the end of the last one when that closes it (calamine stops at the first
    </sheetData>: a second <sheetData> after it, and anything else there, is not read), else to
    the end. The cells of a 650-row book lie there, and hardly an e or h of the sheet's
    validations and page setup: the looks led by those letters cost a tenth of a pass then."""
    first = blob.find(b"sheetData")
    if first < 0:
        return 0, len(blob)
    last = blob.rfind(b"sheetData")
    lt = blob.rfind(b"<", max(last - 64, 0), last)
    close = blob.find(b">", last)
    if lt < 0 or close < 0 or not _CLOSING_RE.fullmatch(blob, lt, last):
        return max(first - 64, 0), len(blob)
    return max(first - 64, 0), close + 1


def _check_negatives(sheet: str, blob: bytes) -> bytes | None:
    """The sheet with each absurd negative number (below -100,000,000,000, -inf: no register holds
    one) in a number cell made a text cell holding what was typed, or None when there is none:
    python-calamine panics turning such a number into a date (a date-formatted cell), which cost
    the whole book, where ``inf`` was said at its cell. As text it is read and said at its cell
    (bad-number, bad-date), the rest of the book counted. One in a cell of another type (a shared
    text's index, TRUE/FALSE, an error value) refuses the book at that cell, as before."""
    edits: list[tuple[int, int, bytes]] = []
    for m in _NEGATIVE_V_RE.finditer(blob):
        try:
            number = float(m.group(1))
        except ValueError:
            continue
        if number >= HUGE_NEGATIVE:
            continue
        tag = _cell_tag_before(blob, m.start())
        kind = _attrs(tag.group(2)).get(b"t", b"n") if tag is not None else None
        if tag is not None and kind == b"n" and not tag.group(3):
            raw = tag.group(0)
            typed = _T_ATTR_RE.sub(b't="str"', raw, count=1) if _T_ATTR_RE.search(raw) else \
                raw[:-1] + b' t="str">'
            edits.append((tag.start(), tag.end(), typed))
            continue
        ref = _R_ANY_RE.search(tag.group(0)) if tag is not None else None
        cell = ref.group(1).decode() if ref else None
        where = f"{cell} 单元格" if cell else "某个单元格"
        raise Refused("file-corrupt", f"{where}的数值 {m.group(1).decode('ascii', 'replace')} "
                      "不可能出现在登记簿里", sheet=sheet, cell=cell)
    if not edits:
        return None
    pieces, last = [], 0
    for start, end, typed in edits:
        pieces += [blob[last:start], typed]
        last = end
    return b"".join(pieces) + blob[last:]


_T_ATTR_RE = re.compile(rb"""(?<=\s)t\s*=\s*["'][^"']*["']""")
_ROW_START_RE = re.compile(rb"<(?:[^\s<>/!?:=\"']+:)?row[\s/>]")


def _cell_tag_before(blob: bytes, at: int) -> re.Match[bytes] | None:
    """The <c> tag of the cell whose content holds the byte ``at`` (its <v>): the last cell tag
    between the row's start and ``at``, with no </c> closing it before ``at``; None when there
    is none. Asked only on rare paths (an absurd number)."""
    begin = max(blob.rfind(b"<row", 0, at), blob.rfind(b":row", 0, at), 0)
    row = _ROW_START_RE.search(blob, max(begin - 64, 0), at)
    tags = list(_CELL_TAG_RE.finditer(blob, row.end() if row else begin, at))
    tag = tags[-1] if tags else None
    if tag is None or blob.find(b"c>", tag.end(), at) >= 0:  # </c> or </x:c> between: another cell's
        return None
    return tag


_CELL_TAG_RE = re.compile(rb"<(" + _PREFIX + rb")c(?=[\s/>])((?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(/?)>")
_CDATA_RE = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.S)
_ANY_ERROR_TYPE_RE = re.compile(rb"""\bt\s*=\s*["']e["']""")
_ANY_V_RE = re.compile(rb"<" + _PREFIX + rb"v\s*(?:/>|>(.*?)</" + _PREFIX + rb"v>)", re.S)
_ANY_F_RE = re.compile(rb"<" + _PREFIX + rb"f\b[^>]*?(?:/>|>(.*?)</" + _PREFIX + rb"f>)", re.S)


def _odd_syntax(blob: bytes) -> bool:
    """Whether a sheet writes attributes or text in a way the fast patterns do not follow:
    single quotes (t='e', r='M3'), CDATA. Excel, WPS, LibreOffice, openpyxl and XlsxWriter never
    do. Two byte searches for what only such a sheet holds (``='``, ``<![CDATA[``), so the walk
    below (~70 ms for a 650-row diary) runs only for one: not for a lone ' or [, which our own
    template's 村 dropdown ('名册'!$A$2), a structured reference (表1[办实事]) or a typed
    apostrophe put in ordinary sheets. Each is found from its rare byte (' and [, memchr): a
    search for ``='`` itself cost 0.35 ms for a 200 KB sheet (``_found``). (Spaces around ``=``: ``_spaced``.)"""
    return _found(blob, _QUOTED_ATTR_RE, b"'", 1) or _found(blob, _CDATA_OPEN_RE, b"[", 2)


_QUOTED_ATTR_RE = re.compile(re.escape(b"='"))
_CDATA_OPEN_RE = re.compile(re.escape(b"<![CDATA["))


def _odd_cells(blob: bytes) -> list[tuple[str, str]]:
    """(cell, text) for every formula without a stored value and every error value, each tag
    read attribute by attribute as calamine reads it (a cell without an address is skipped:
    the extent walk has judged the sheet already)."""
    out: list[tuple[str, str]] = []
    if not (_PREFIXED_FORMULA_TAG_RE.search(blob) or _ANY_ERROR_TYPE_RE.search(blob)):
        return out  # no formula, no error value: nothing read as blank
    for m in _CELL_TAG_RE.finditer(blob):
        attrs = _attrs(m.group(2))
        ref = attrs.get(b"r")
        if not ref or m.group(3):  # no address, or <c …/>: no content
            continue
        end = blob.find(b"</" + m.group(1) + b"c>", m.end())
        content = blob[m.end():end if end >= 0 else len(blob)]
        value = _ANY_V_RE.search(content)
        text = _CDATA_RE.sub(rb"\1", value.group(1) or b"").strip() if value else b""
        if attrs.get(b"t") == b"e":
            out.append((ref.decode("ascii", "replace"), xml_text(text) if text.startswith(b"#") else "#错误"))
            continue
        formula = _ANY_F_RE.search(content)
        if formula is None or text or (value is not None and attrs.get(b"t") in (b"str", b"inlineStr")):
            continue
        out.append((ref.decode("ascii", "replace"), xml_text(_CDATA_RE.sub(rb"\1", formula.group(1) or b""))))
    return out


def _error_cells(blob: bytes) -> list[tuple[str, str]]:
    """(cell, "#DIV/0!") for every cell holding an Excel error value. The text starts with
    "#", which tells it apart from a formula's text in ``formula_cells``."""
    out = []
    for m in _ERROR_TAG_RE.finditer(blob):
        ref = _R_ATTR_RE.search(m.group(1))
        if ref:
            value = _V_RE.match(blob, m.end())
            out.append((ref.group(1).decode(), value.group(1).decode("utf-8", "replace") if value else "#错误"))
    return out


def check_extent(sheet: str, blob: bytes, facts: SheetFacts | None = None) -> tuple[int, int]:
    """Bounds on the last row and column a sheet's cells reach; Refused when beyond a register's size.

    calamine builds the whole rectangle up to the farthest cell, so a sheet
    holding only A1 and XFD1048576 asks for 17 billion cells and aborts the
    process. A bound is never below what calamine will build (tests/test_guard.py). Empty rows
    after the last cell holding anything (``<row r="1048576" ht="20"/>``, cells with a format and
    no value: what formatting whole rows or columns leaves) make no cells there, and no grid; nor
    do rows of a part without a single cell (an external link's cache: its cells are <cell>), nor
    such cells anywhere in a sheet whose every cell has its address (borders drawn over A1:AZ9000).
    Looked at only when the sheet would otherwise be refused. ``facts``, when given, receives what
    the fast path learnt on its way (nothing when it was not taken).
    """
    extent = _extent(sheet, blob, facts)
    if not _within(*extent):
        trimmed = _without_empty_tail(blob)
        if trimmed is not None:
            extent = _extent(sheet, trimmed)
        elif _ANY_CELL_RE.search(blob) is None:  # rows and no cell at all: an external link's cache (<cell>)
            extent = (0, 0)
        elif _canonical(blob):  # every cell addressed: those holding nothing (<c …/>) place nothing
            extent = _content_extent(blob) or extent
    if not _within(*extent):
        max_row, max_col = extent
        corner = f"{col_letters(max(max_col, 1))}{max_row}"
        raise Refused("sheet-too-large", f"第 {max_row} 行、第 {max_col} 列（{corner}）",
                      sheet=sheet, cell=corner)
    at = _find(blob, b"mergeCell", b"g", 3)
    if at >= 0:
        merged, blocks, bottom = _merged_rows(blob, extent[0], at)
        if merged > MAX_CELLS:
            raise Refused("sheet-too-large", f"第 {bottom} 行（{blocks} 处合并单元格）", sheet=sheet)
    return extent


def _extent(sheet: str, blob: bytes, facts: SheetFacts | None = None) -> tuple[int, int]:
    """Bounds on the last row and column the sheet's cells reach: the fast bound for a sheet
    written the common way, else a closer look, down to the walk."""
    extent = _fast_extent(blob, True, facts)
    if extent is None or not _within(*extent):
        canonical = _canonical(blob)
        extent = _bound(blob) if canonical else None
        if extent is None or not _within(*extent):
            extent = (_exact(blob) if canonical else None) or _walk_extent(sheet, blob)
    return extent


_ANY_CELL_RE = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")  # a cell's tag, prefixed or not
_NO_QUOTE = rb"""(?:[^>"']|"[^"]*"|'[^']*')*?"""
# rows and cells holding nothing, only a format: <row r="9" ht="20"/>, <row …><c r="A9" s="3"/></row>
_EMPTY_TAIL_RE = re.compile(rb"(?:\s*<row(?=[\s/>])" + _NO_QUOTE + rb"(?:/>|>(?:\s*<c(?=[\s/>])" + _NO_QUOTE
                            + rb"/>)*\s*</row>))*\s*")


def _without_empty_tail(blob: bytes) -> bytes | None:
    """The sheet without the rows after its last cell with content, when they hold nothing but
    formats (calamine makes no cell of a <c …/>, tests/test_hostile_s8.py); None when there are
    none, or anything else stands there."""
    end = blob.rfind(b"</sheetData>")
    last = blob.rfind(b"</c>", 0, end) if end >= 0 else -1  # where the last cell with content ends
    close = blob.find(b"</row>", last) if last >= 0 else -1
    if close < 0 or close > end:
        return None
    start = close + len(b"</row>")
    if start == end or not _EMPTY_TAIL_RE.fullmatch(blob, start, end):
        return None
    return blob[:start] + blob[end:]


def _merged_rows(blob: bytes, max_row: int, at: int) -> tuple[int, int, int]:
    """Rows the reader fills under merged blocks, each counted down to the sheet's last row
    only (thousands of blocks merged to row 1048576 would otherwise cost millions); also the
    number of blocks and the lowest row one reaches. ``at``: where "mergeCell" first occurs."""
    total = blocks = bottom = done = 0
    while at >= 0:  # each "mergeCell" found (fast: a literal), its tag read from the < before it
        lt = blob.rfind(b"<", 0, at)
        m = _MERGE_TAG_RE.match(blob, lt) if lt >= done else None  # not inside the tag before
        at = blob.find(b"mergeCell", at + 9)
        if m is None:
            continue
        done = m.end()
        for key, v, w in _ATTR_RE.findall(m.group(1)):
            found = _RANGE_RE.fullmatch(v or w) if key.rsplit(b":", 1)[-1] == b"ref" else None
            if found:
                blocks += 1
                bottom = max(bottom, int(found.group(4)))
                total += max(0, min(int(found.group(4)), max_row) - int(found.group(2)))
    return total, blocks, bottom


def _within(max_row: int, max_col: int) -> bool:
    return max_row <= MAX_ROWS and max_col <= MAX_COLUMN and max_row * max_col <= MAX_CELLS


def _fast_extent(blob: bytes, prefixed: bool = True, facts: SheetFacts | None = None) -> tuple[int, int] | None:
    """A bound for a sheet written the common way, from a few regex passes; None when not sure.

    The last <row> gives the number of digits D. If every <c> and <row> tag opens with
    one double-quoted address of at most D digits (and one letter for a cell), no tag has
    a prefix and no other ``r`` attribute exists, no cell lies below row 10**D - 1 or right
    of column Z, whatever order the rows come in.

    The first pass asks more of each cell: written as Excel, WPS, LibreOffice and XlsxWriter
    write it, its address, a style, a type and nothing else (``<c r="B7" s="3" t="s">``), a
    shared-text cell holding a whole index. When every cell is, no cell can hold another ``r``
    (and a row's ``r`` places no cell: each has its own), so the search for one is not needed,
    nor the later look at the indexes (``facts.indexes``): one pass over the cells instead of
    three (~0.3 ms less a benchmark book). A cell written otherwise sends the sheet on to the
    looser passes, from that cell. The rows' numbers go to ``facts.rows`` on the way (a findall
    where a search looked for an odd row tag).
    """
    last = blob.rfind(b'<row r="')
    top = _ROW_R_RE.match(blob, last) if last >= 0 else None
    if top is None:
        return _unprefixed_extent(blob, facts) if last < 0 and prefixed else None
    digits = len(top.group(1))
    odd = _ODD_TAG_RES.get(digits)
    if odd is None:  # for each number of digits (at most 7): the patterns below
        # One pattern per tag: a literal <c leads sre to far fewer places than <; <row from its w
        # (rarer than <: ~20 % cheaper). The rows' numbers, or b"" for a row tag without a short one
        # written without leading zeros (so that two rows of one number hold the same bytes).
        odd = _ODD_TAG_RES[digits] = (
            re.compile(rb'<c(?! r="[A-Z]\d{1,%d}"' % digits + _COMMON_CELL + rb')[\s/>]'),
            re.compile(rb'<c(?! r="[A-Z]\d{1,%d}")[\s/>]' % digits),
            re.compile(rb'w(?<=<row)(?=[\s/>])(?: r="([1-9]\d{0,%d})")?' % (digits - 1)))
    uncommon = odd[0].search(blob)  # the first cell not written the common way
    if uncommon is not None and odd[1].search(blob, uncommon.start()) is not None:
        return None
    found = odd[2].findall(blob)
    if b"" in found:
        return None
    if _PREFIXED_HINT_RE.search(blob) is not None and _PREFIXED_RE.search(blob) is not None:
        return None
    if uncommon is not None and not _one_address_per_tag(blob):
        return None
    if facts is not None:
        facts.rows, facts.indexes = found, uncommon is None
    return 10 ** digits - 1, 26


_PREFIX_NAME_RE = re.compile(rb"[A-Za-z_][\w.\-]*")


def _unprefixed_extent(blob: bytes, facts: SheetFacts | None = None) -> tuple[int, int] | None:
    """The fast bound of a sheet whose tags carry a prefix (<x:row>, <x:c>: how the .NET OpenXML
    SDK writes), taken from the same sheet with that prefix taken off its tags: calamine reads
    tags by their local names, so the cells and rows are the same, at the same places. Tags with
    any other prefix stay prefixed and send the sheet on to the slower checks. ~0.3 ms for a
    600-line diary, which the tag-by-tag walk took ~30 ms to read."""
    at = blob.rfind(b':row r="')
    start = blob.rfind(b"<", 0, at) if at > 0 else -1
    prefix = blob[start + 1:at] if start >= 0 else b""
    if not _PREFIX_NAME_RE.fullmatch(prefix):
        return None
    return _fast_extent(blob.replace(b"<" + prefix + b":", b"<").replace(b"</" + prefix + b":", b"</"), False, facts)


def _check_rows_once(sheet: str, blob: bytes, rows: list[bytes] | None) -> None:
    """Refuse (at the row) a sheet holding two rows of one number (a second <sheetData>, a row
    written again by a script): calamine keeps the later cell of each address, so a card is read
    with another's values, without a word. ``rows``: the numbers the fast path found, without
    leading zeros (a set of them: ~0.02 ms for a 600-line diary, the findall ~0.02 ms more than
    the look it replaced); else they are read here."""
    numbers: list[bytes] | list[int] = rows or list(map(int, _NEAR_ROW_RE.findall(blob)))
    if len(set(numbers)) == len(numbers):
        return
    seen: set[int] = set()
    twice = next(n for n in map(int, numbers) if n in seen or seen.add(n))
    raise Refused("file-corrupt", f"第 {twice} 行在文件里写了两遍，后写的单元格会盖住先写的，读出来不可靠",
                  sheet=sheet, cell=f"A{twice}")


def _one_address_per_tag(blob: bytes) -> bool:
    """No ``r`` attribute besides the `` r="`` every <c> and <row> tag opens with (the caller
    has made sure they do): calamine takes a tag's LAST ``r``, so ``<c r="A1" r="XFD1048576">``
    is a cell at XFD1048576."""
    if _STRAY_R_RE.search(blob):
        return False
    declaration = blob.find(b"?>") if blob.startswith(b"<?xml") else -1
    start = max(blob.find(b"<", declaration), 0) if declaration >= 0 else 0  # skip its line break
    if blob.find(b"\n", start) < 0 and blob.find(b"\r", start) < 0 and blob.find(b"\t", start) < 0:
        return True
    return not any(blob.find(w, start) >= 0 for w in _WS_R)


def _canonical(blob: bytes) -> bool:
    """Every <c>/<row> tag opens with its one double-quoted address, and none has a prefix."""
    addressed = blob.count(b'<c r="') + blob.count(b'<row r="')
    if len(_TAGS_RE.findall(blob)) != addressed:
        return False
    if not _one_address_per_tag(blob):  # a second address, ``r = "…"``, ``"r=``
        return False
    return _PREFIXED_RE.search(blob) is None and _ODD_ROW_RE.search(blob) is None


def _bound(blob: bytes) -> tuple[int, int] | None:
    """Cheap bounds for a canonical sheet of columns A–Z; None when an exact count is needed."""
    top = max(map(int, _ROW_R_RE.findall(blob)), default=0)
    digits = len(str(top))
    odd = re.search(rb'<c r="(?:(?![A-Z]{1,3}\d{1,7}")|[A-Z]{2}|[A-Z]\d{%d})' % (digits + 1), blob)
    if odd is not None:  # a column past Z, a cell below every row, or an odd address
        return None
    return max(top, 10 ** digits - 1), 26


def _exact(blob: bytes) -> tuple[int, int] | None:
    """The last row and column of a canonical sheet, every address read."""
    cells = _CELL_R_RE.findall(blob)
    if len(cells) != blob.count(b'<c r="'):
        return None  # an address that is not letters and digits: let the walk judge it
    max_row = max(map(int, _ROW_R_RE.findall(blob)), default=0)
    max_col = 0
    if cells:
        letters, digits = zip(*cells, strict=True)
        max_row = max(max_row, max(map(int, digits)))
        max_col = max(col_number(x.decode()) for x in set(letters))
    return max_row, max_col


_CONTENT_CELL_RE = re.compile(rb'<c r="([A-Z]{1,3})(\d{1,7})"' + _NO_QUOTE + rb"(/?)>")


def _content_extent(blob: bytes) -> tuple[int, int] | None:
    """The last row and column of a canonical sheet's cells that hold something: a <c …/> (a
    format, no value) makes no cell (tests/test_hostile_s8.py), and with every cell addressed it
    moves no other. None when an address is not letters and digits."""
    max_row = found = 0
    letters: set[bytes] = set()
    for m in _CONTENT_CELL_RE.finditer(blob):
        found += 1
        if not m.group(3):
            letters.add(m.group(1))
            max_row = max(max_row, int(m.group(2)))
    if found != blob.count(b'<c r="'):
        return None
    return max_row, max((col_number(x.decode()) for x in letters), default=0)


def _walk_extent(sheet: str, blob: bytes) -> tuple[int, int]:
    """Follow every row and cell tag as a reader does: an address where given, else the next one."""
    row = col = max_row = max_col = 0
    for m in _TAG_RE.finditer(blob):
        refs = [v or w for k, v, w in _ATTR_RE.findall(m.group(2)) if k.rsplit(b":", 1)[-1] == b"r"]
        ref = _CELL_REF_RE.fullmatch(refs[0]) if refs else None
        if len(refs) > 1 or (refs and (ref is None or (m.group(1) == b"row") != (not ref.group(1)))):
            near = row + 1 if m.group(1) == b"row" else row  # said at its row, the address quoted
            what = "单元格写了两个地址" if len(refs) > 1 else f"写法异常的单元格地址“{xml_text(refs[0][:20])}”"
            raise Refused("file-corrupt", f"工作表“{sheet}”{f'第 {near} 行附近' if near else ''}有{what}",
                          sheet=None if "/" in sheet else sheet)  # a part no sheet names: said in the words
        if m.group(1) == b"row":
            row = int(ref.group(2)) if ref else row + 1
            col = 0
        else:
            if ref:
                col = col_number(ref.group(1).decode())
                row = max(row, int(ref.group(2)))
            else:
                col += 1
            max_col = max(max_col, col)
        max_row = max(max_row, row)
        if max_row > MAX_ROWS or max_col > 16384:
            break  # too large already (past the row limit, or the grid's last column XFD): stop walking
    return max_row, max_col


def _sheet_paths(parts: dict[str, bytes], hidden: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """(sheet name, zip member) in workbook order; each sheet hidden put in ``hidden`` with its state."""
    known = {name.lower(): name for name in parts}
    wb = _parse_part(parts, "xl/workbook.xml")
    rels = _parse_part(parts, "xl/_rels/workbook.xml.rels") if parts.get("xl/_rels/workbook.xml.rels") else None
    targets: dict[str, str] = {}
    if rels is not None:
        for rel in rels.iter(f"{{{_NS['p']}}}Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            target = _normalise(target)
            targets[rel.get("Id", "")] = known.get(target.lower(), target)  # Worksheets/Sheet1.xml: the same part
    out = []
    seen: dict[str, str] = {}
    for sheet, rid in _sheet_elements(wb):
        name = sheet.get("name", "")
        # Excel refuses two sheets of one name (case aside); a reader takes the first and the
        # other's rows would vanish without a word
        if name.casefold() in seen:
            first = seen[name.casefold()]
            raise Refused("file-corrupt", f"有两个工作表都叫“{name}”" if first == name
                          else f"工作表“{first}”和“{name}”只差大小写，Excel 视为同名")
        seen[name.casefold()] = name
        out.append((name, targets.get(rid, "")))
        if hidden is not None and sheet.get("state") in ("hidden", "veryHidden"):
            hidden[name] = sheet.get("state", "")
    return out


def _sheet_elements(workbook: ElementTree.Element) -> list[tuple[ElementTree.Element, str]]:
    """Each <sheet> entry of xl/workbook.xml with its relationship id, in workbook order, in
    either namespace (Excel's "Strict Open XML" save too: calamine reads both)."""
    return [(sheet, sheet.get(f"{{{ns['r']}}}id", "")) for ns in (_NS, _STRICT_NS)
            for sheet in workbook.iter(f"{{{ns['m']}}}sheet")]


def _parse_part(parts: dict[str, bytes], name: str) -> ElementTree.Element:
    """A part of the workbook's structure, parsed; Refused (said in Chinese) when it is not XML."""
    try:
        return _from_utf8(parts[name])
    except ElementTree.ParseError:
        raise Refused("file-corrupt", _part_fault(name, parts[name])) from None


def _from_utf8(blob: bytes) -> ElementTree.Element:
    """A part parsed as UTF-8, as calamine reads every part whatever its declaration says: a part
    declaring encoding="GBK" (some Chinese tools write it over UTF-8 bytes) made ElementTree raise
    ValueError (multi-byte encodings are not supported) and the book was lost to 程序出错."""
    return ElementTree.fromstring(blob, parser=ElementTree.XMLParser(encoding="utf-8"))


def _normalise(member: str) -> str:
    parts: list[str] = []
    for p in member.split("/"):
        if p == "..":
            if parts:
                parts.pop()
        elif p and p != ".":
            parts.append(p)
    return "/".join(parts)


def _custom_properties(blob: bytes | None) -> dict[str, str]:
    if not blob:
        return {}
    try:
        root = _from_utf8(blob)
    except ElementTree.ParseError:
        return {}
    out = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            out[name] = (prop[0].text or "").strip()
    return out


def is_xml_2003(head: bytes) -> bool:
    """An Excel "XML 电子表格 2003" save, from the first 4 KB of a file."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").lower().startswith(b"<?xml") and \
        b"urn:schemas-microsoft-com:office:spreadsheet" in head[:4096]


def _what_is_it(data: bytes) -> str:
    if data.startswith((b"PK\x05\x06", b"PK\x07\x08")):  # a zip's end record first: an archive of nothing
        return "内容是一个空的压缩包，里面没有工作表"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode 文本" save: tab-separated UTF-16
        return "内容是 Unicode 文本（制表符分隔），可能是另存为文本后改了扩展名"
    head = data[:512].removeprefix(b"\xef\xbb\xbf")
    lowered = head.lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")):
        return "内容是网页（网站或 WPS“导出为 Excel”常生成这种文件）"
    if is_xml_2003(data[:4096]):
        return "内容是“XML 电子表格 2003”格式"
    if lowered.startswith(b"<?xml") and b"<html" in data[:4096].lower():
        return "内容是网页（网站或 WPS“导出为 Excel”常生成这种文件）"
    if lowered.startswith(b"mime-version"):
        return "内容是单个文件网页（.mht）"
    if head.startswith(b"%PDF"):
        return "内容是 PDF"
    if head.startswith(b"MZ"):  # a program (.exe) renamed: never run it
        return "内容是一个程序（.exe 文件），不是表格"
    if any(b in head for b in _CONTROL_BYTES):  # NUL and other control bytes: binary, not text (valid UTF-8 though)
        return "无法识别的文件内容"
    try:
        head.decode("utf-8")
        return "内容是纯文本，可能是 CSV 改了扩展名"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("gbk")
        return "内容是纯文本，可能是 CSV 改了扩展名"
    except UnicodeDecodeError:
        return "无法识别的文件内容"


def _os_detail(exc: OSError) -> str:
    """Why the system would not give the file, in Chinese: its own text (strerror) is English."""
    if isinstance(exc, PermissionError):
        return "没有读取权限，或文件正被其他程序占用"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹"
    if isinstance(exc, FileNotFoundError):
        return "文件已不在原处，可能刚被移走、改名或删除"
    return f"系统读取出错，错误号 {exc.errno}" if exc.errno else "系统读取出错"


def _short(exc: BaseException) -> str:
    """What went wrong with the zip, in words a clerk can pass on (never the English text)."""
    text = str(exc)
    if "CRC" in text:
        return "校验和不符，文件内容已损坏"
    if "central directory" in text or "not a zip file" in text:
        return "压缩包结构不完整，文件可能只传了一半，或收集时还没保存、复制完"
    if isinstance(exc, NotImplementedError) or "compression method" in text:
        return "使用了不支持的压缩方式"
    if "differ" in text:
        return "压缩包目录与内容不一致"
    return "压缩包内容不完整或被篡改"
