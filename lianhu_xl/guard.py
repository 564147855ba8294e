"""Look at a file before any reader touches it.

The native readers do not protect memory: a 5 KB workbook claiming cell
XFD1048576 aborts them, a zip bomb expands to gigabytes. So every file is
checked here first, through ``zipfile`` (which enforces declared sizes and
CRCs), and refused whole when any part of it is dangerous, even a sheet we
would otherwise ignore. Costs a few milliseconds per workbook.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_MEMBERS = 1000
MAX_SHEETS = 255
MAX_TOTAL_UNCOMPRESSED = 96 * 1024 * 1024
MAX_MEMBER_UNCOMPRESSED = 64 * 1024 * 1024
MAX_RATIO = 200  # real workbooks compress 6–12:1; only large members are judged
MAX_ROWS = 200_000
MAX_COLUMN = 256  # IV
MAX_CELLS = 2_000_000

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
_ENCRYPTION = "EncryptionInfo".encode("utf-16-le")

_ROW_RE = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_WIDE_COL_RE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{2,})\d')
_FORMULA_NO_VALUE_RE = re.compile(
    rb'<c\b[^>]*?\br="([A-Z]{1,3}\d+)"[^>]*>\s*<f\b[^>]*?(?:/>|>([^<]*)</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>'
)
_NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}


class Refused(Exception):
    """The file must not be read; carries a catalogue code and a detail for the message."""

    def __init__(self, code: str, detail: str = "", sheet: str | None = None) -> None:
        super().__init__(code, detail)
        self.code = code
        self.detail = detail
        self.sheet = sheet


@dataclass(slots=True)
class Inspection:
    """What the guard learnt about a workbook it let through."""

    data: bytes
    sheets: list[str] = field(default_factory=list)
    properties: dict[str, str] = field(default_factory=dict)
    formula_cells: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


def col_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def inspect(path: Path) -> Inspection:
    """Read the file's bytes and check them; raise Refused when it must not be read."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise Refused("file-unreadable", _os_detail(exc)) from None
    if size == 0:
        raise Refused("file-empty")
    if size > MAX_FILE_BYTES:
        raise Refused("file-too-large", f"文件有 {size // 1048576} MB")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise Refused("file-unreadable", _os_detail(exc)) from None
    suffix = path.suffix.lower()
    if suffix == ".et":
        raise Refused("wps-et")
    if data.startswith(OLE_MAGIC):
        if _ENCRYPTION in data:
            raise Refused("file-encrypted")
        raise Refused("wps-et" if suffix in (".et", ".ett") else "old-xls")
    if not data.startswith(ZIP_MAGIC):
        raise Refused("not-a-workbook", _what_is_it(data))
    return _inspect_zip(data)


def _inspect_zip(data: bytes) -> Inspection:
    import io

    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
        raise Refused("file-corrupt", "压缩包结构不完整，文件可能只传了一半" if "central directory" in str(exc)
                      or "File is not a zip" in str(exc) else f"压缩包损坏：{exc}") from None
    if len(infos) > MAX_MEMBERS:
        raise Refused("file-too-large", f"内含 {len(infos)} 个部件")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_MEMBER_UNCOMPRESSED or total > MAX_TOTAL_UNCOMPRESSED:
            raise Refused("file-too-large", f"解压后超过 {MAX_TOTAL_UNCOMPRESSED // 1048576} MB")
        if info.compress_size > info.file_size + 1024 and info.compress_type != zipfile.ZIP_STORED:
            raise Refused("file-too-large", f"部件 {info.filename} 的声明大小与实际不符")
        if info.file_size > 1048576 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise Refused("file-too-large", f"部件 {info.filename} 压缩比异常（{info.file_size // max(info.compress_size, 1)}:1）")
    names = {i.filename for i in infos}
    if "xl/workbook.xml" not in names:
        if "EncryptedPackage" in names:
            raise Refused("file-encrypted")
        detail = "缺少 xl/workbook.xml"
        if "word/document.xml" in names:
            detail = "这是 Word 文档"
        elif "content.xml" in names:
            detail = "这是 ODS/WPS 开放格式，请另存为 .xlsx"
        raise Refused("not-a-workbook", detail)
    parts: dict[str, bytes] = {}
    try:
        for info in infos:
            if info.is_dir():
                continue
            name = info.filename
            if name.endswith((".xml", ".rels", ".vml")):
                blob = zf.read(name)
                if b"<!DOCTYPE" in blob or b"<!ENTITY" in blob:
                    raise Refused("xml-entities", name)
                parts[name] = blob
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError) as exc:
        raise Refused("file-corrupt", f"{_short(exc)}") from None
    except RuntimeError as exc:  # a zip member with a password
        raise Refused("file-encrypted", str(exc)) from None
    inspection = Inspection(data=data)
    sheet_paths = _sheet_paths(parts)
    if len(sheet_paths) > MAX_SHEETS:
        raise Refused("file-too-large", f"有 {len(sheet_paths)} 个工作表")
    for sheet, member in sheet_paths:
        inspection.sheets.append(sheet)
        blob = parts.get(member)
        if blob is None:
            continue
        _check_extent(sheet, blob)
        formulas = [(m.group(1).decode(), (m.group(2) or b"").decode("utf-8", "replace"))
                    for m in _FORMULA_NO_VALUE_RE.finditer(blob)] if b"<f" in blob else []
        if formulas:
            inspection.formula_cells[sheet] = formulas
    inspection.properties = _custom_properties(parts.get("docProps/custom.xml"))
    return inspection


def _check_extent(sheet: str, blob: bytes) -> None:
    """Refuse a sheet whose cells reach far beyond what a register can hold."""
    max_row = 0
    for m in _ROW_RE.finditer(blob):
        n = int(m.group(1))
        if n > max_row:
            max_row = n
    max_col = 26
    for m in _WIDE_COL_RE.finditer(blob):
        n = col_number(m.group(1).decode())
        if n > max_col:
            max_col = n
    if max_row > MAX_ROWS or max_col > MAX_COLUMN or max_row * max_col > MAX_CELLS:
        raise Refused("sheet-too-large", f"第 {max_row} 行、第 {max_col} 列", sheet=sheet)


def _sheet_paths(parts: dict[str, bytes]) -> list[tuple[str, str]]:
    """(sheet name, zip member) in workbook order."""
    try:
        wb = ElementTree.fromstring(parts["xl/workbook.xml"])
        rels_blob = parts.get("xl/_rels/workbook.xml.rels")
        rels = ElementTree.fromstring(rels_blob) if rels_blob else None
    except ElementTree.ParseError as exc:
        raise Refused("file-corrupt", f"workbook.xml 无法解析：{exc}") from None
    targets: dict[str, str] = {}
    if rels is not None:
        for rel in rels.iter(f"{{{_NS['p']}}}Relationship"):
            target = rel.get("Target", "")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            targets[rel.get("Id", "")] = _normalise(target)
    out = []
    for sheet in wb.iter(f"{{{_NS['m']}}}sheet"):
        rid = sheet.get(f"{{{_NS['r']}}}id", "")
        out.append((sheet.get("name", ""), targets.get(rid, "")))
    return out


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
        root = ElementTree.fromstring(blob)
    except ElementTree.ParseError:
        return {}
    out = {}
    for prop in root:
        name = prop.get("name")
        if name and len(prop):
            out[name] = (prop[0].text or "").strip()
    return out


def _what_is_it(data: bytes) -> str:
    head = data[:512]
    if head.lstrip().startswith((b"<html", b"<!DOCTYPE html", b"<HTML")):
        return "内容是网页"
    if head.startswith(b"%PDF"):
        return "内容是 PDF"
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
    if isinstance(exc, PermissionError):
        return "没有读取权限，或文件正被其他程序占用"
    if isinstance(exc, IsADirectoryError):
        return "这是一个文件夹"
    return exc.strerror or type(exc).__name__


def _short(exc: BaseException) -> str:
    text = str(exc)
    if "CRC" in text:
        return "校验和不符，文件内容已损坏"
    if "larger than" in text or "Bad magic" in text or "Truncated" in text or "EOF" in text.upper():
        return "文件不完整或被篡改"
    return text[:80]
