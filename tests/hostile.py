"""Hostile files, built by the tests themselves (no binary blobs in the repository).

Each ``Hostile`` names a file, how to build it and what the clerk must be told
(an issue code, and the cell where there is one). ``build_corpus(folder)``
writes every kind into one folder next to a good book, the way a township's
collection folder looks after a month of chat apps and USB sticks.

Bombs are built without ever holding their payload: a deflate stream flushed
with ``Z_FULL_FLUSH`` repeats byte for byte, so 300 MB of spaces costs one
compressed megabyte written 300 times, and ``raw_zip`` writes any header we
like (a forged size, an encryption flag, an unknown method).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bookfactory import card, diary, write_book
from click.testing import CliRunner

from lianhu_xl.cli import cli

MB = 1024 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CARD_XML = "xl/worksheets/sheet1.xml"  # openpyxl's part for the first sheet (联户卡)
DIARY_XML = "xl/worksheets/sheet2.xml"
GOOD_NAME = "下营村 王明 联户簿.xlsx"  # Chinese characters and spaces: must be read fine
MERGED_NAME = "整列合并.xlsx"  # a good book with a column merged to row 1048576: must be read fine


# --- zip plumbing ---------------------------------------------------------------


@dataclass
class RawMember:
    """One zip member exactly as stored: ``payload`` is what is on disk."""

    name: str
    payload: bytes
    crc: int
    size: int  # the declared uncompressed size
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def deflated(data: bytes, name: str) -> RawMember:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return RawMember(name, c.compress(data) + c.flush(), zlib.crc32(data), len(data))


def repeated(name: str, prefix: bytes, chunk: bytes, times: int, suffix: bytes) -> RawMember:
    """``prefix + chunk * times + suffix`` deflated, without building the whole payload."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = c.compress(prefix) + c.flush(zlib.Z_FULL_FLUSH)
    body = c.compress(chunk) + c.flush(zlib.Z_FULL_FLUSH)  # identical for every repeat
    tail = c.compress(suffix) + c.flush()
    crc = zlib.crc32(prefix)
    for _ in range(times):
        crc = zlib.crc32(chunk, crc)
    crc = zlib.crc32(suffix, crc)
    payload = b"".join([head, body * times, tail])
    return RawMember(name, payload, crc, len(prefix) + len(chunk) * times + len(suffix))


def raw_zip(path: Path, members: list[RawMember]) -> Path:
    """A zip written field by field, so headers can say whatever the test needs."""
    out = io.BytesIO()
    central = []
    for m in members:
        offset = out.tell()
        name = m.name.encode("utf-8")
        flags = m.flags | 0x800
        fields = (20, flags, m.method, 0, 0x21, m.crc, len(m.payload), m.size, len(name), 0)
        out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, *fields) + name + m.payload)
        central.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, *fields, 0, 0, 0, 0, offset)
                       + name)
    start = out.tell()
    directory = b"".join(central)
    out.write(directory)
    out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members),
                          len(directory), start, 0))
    path.write_bytes(out.getvalue())
    return path


def members_of(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i.filename) for i in zf.infolist()}


def rezip(path: Path, parts: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, blob in parts.items():
            zf.writestr(name, blob)
    return path


def changed_part(path: Path, name: str, change: Callable[[bytes], bytes]) -> Path:
    """The book at ``path`` with ``change(blob)`` applied to its part ``name``, in place."""
    parts = members_of(path.read_bytes())
    parts[name] = change(parts[name])
    return rezip(path, parts)


def good_book(path: Path) -> Path:
    """A small correct book: two cards, three diaries."""
    return write_book(path, [card("XY-001"), card("XY-002", 户主="李进忠")],
                      [diary("XY-001"), diary("XY-002"), diary("XY-001", "2010-4-2", 形式="电话联系")])


def good_bytes() -> bytes:
    cached = _GOOD.get("bytes")
    if cached is None:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            cached = good_book(Path(tmp) / "b.xlsx").read_bytes()
        _GOOD["bytes"] = cached
    return cached


_GOOD: dict[str, bytes] = {}


def patched(path: Path, **changes: Callable[[bytes], bytes]) -> Path:
    """The good book with some parts rewritten (keyword: the part's file name, dots as _)."""
    parts = members_of(good_bytes())
    for key, change in changes.items():
        name = next(n for n in parts if n.replace("/", "_").replace(".", "_") == key)
        parts[name] = change(parts[name])
    return rezip(path, parts)


def with_doctype(dtd: bytes) -> Callable[[bytes], bytes]:
    def change(blob: bytes) -> bytes:
        end = blob.index(b"?>") + 2 if blob.startswith(b"<?xml") else 0
        return blob[:end] + dtd + blob[end:]
    return change


# --- the kinds --------------------------------------------------------------------


def not_a_zip(path: Path) -> None:
    path.write_bytes(random.Random(6).randbytes(4096).replace(b"PK", b"pk"))


def empty(path: Path) -> None:
    path.write_bytes(b"")


def truncated(fraction: float) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        data = good_bytes()
        path.write_bytes(data[: int(len(data) * fraction)])
    return build


def truncated_tail(path: Path) -> None:
    path.write_bytes(good_bytes()[:-10])  # the end-of-directory record cut short


def wrong_crc(path: Path) -> None:
    """Stored members, one byte of the card sheet changed after its CRC was taken."""
    rezip(path, members_of(good_bytes()), compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    at = data.index(b"XY-001")
    data[at + 5] = ord("9")
    path.write_bytes(bytes(data))


def encrypted(path: Path) -> None:
    """Excel's "encrypt with password": an OLE2 container holding EncryptedPackage."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(good_bytes())).encrypt("1234", out)
    path.write_bytes(out.getvalue())


def ole_file(stream: str) -> bytes:
    """A minimal compound file: the CFB header and a directory naming ``stream``."""
    header = OLE_MAGIC + bytes(16) + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9) + bytes(6)
    header += struct.pack("<IIIIIIIII", 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
    header = header.ljust(512, b"\xff")
    entry = (stream.encode("utf-16-le") + b"\0\0").ljust(64, b"\0")
    entry = entry[:64] + struct.pack("<H", (len(stream) + 1) * 2) + b"\x02\x01"
    sector = (entry.ljust(128, b"\0")).ljust(512, b"\0")
    return header + sector + b"\x09\x08\x10\x00\x00\x06\x05\x00" + bytes(504)  # a BIFF8 BOF


def old_xls(path: Path) -> None:
    path.write_bytes(ole_file("Workbook"))


def wps_et(path: Path) -> None:
    path.write_bytes(ole_file("WpsContent"))


def csv_renamed(path: Path) -> None:
    path.write_text("卡号,联系人,村\nXY-001,王明,下营村\n", encoding="gbk")


def html_as_xls(path: Path) -> None:
    path.write_text("<html><body><table><tr><td>卡号</td></tr></table></body></html>", encoding="utf-8")


def zip_bomb(path: Path) -> None:
    """The card sheet padded with 300 MB of whitespace, honestly declared (≈300 KB on disk)."""
    parts = members_of(good_bytes())
    sheet = parts.pop(CARD_XML)
    at = sheet.index(b"<sheetData>")
    members = [deflated(blob, name) for name, blob in parts.items()]
    members.append(repeated(CARD_XML, sheet[:at], b" " * MB, 300, sheet[at:]))
    raw_zip(path, members)


def forged_size(path: Path) -> None:
    """The same bomb, its headers claiming 4 KiB (fastexcel would read all of it)."""
    parts = members_of(good_bytes())
    sheet = parts.pop(CARD_XML)
    at = sheet.index(b"<sheetData>")
    members = [deflated(blob, name) for name, blob in parts.items()]
    bomb = repeated(CARD_XML, sheet[:at], b" " * MB, 300, sheet[at:])
    bomb.size = 4096
    members.append(bomb)
    raw_zip(path, members)


def forged_small(path: Path) -> None:
    """A member that declares less than it holds, by a little: zipfile must stop at the claim."""
    parts = members_of(good_bytes())
    members = [deflated(blob, name) for name, blob in parts.items()]
    for m in members:
        if m.name == CARD_XML:
            m.size = m.size // 2
    raw_zip(path, members)


def huge_file(path: Path) -> None:
    """A 300 MB file (sparse: nothing written to disk) that must never be read into memory."""
    with path.open("wb") as fh:
        fh.write(b"PK\x03\x04")
        fh.truncate(300 * MB)


def huge_range(path: Path) -> None:
    """Only A1 and XFD1048576: a 5 KB file that makes calamine allocate 512 GiB and abort."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "联户卡"
    ws["A1"] = "卡号"
    ws["XFD1048576"] = 1
    wb.save(path)


def claimed_dimension(path: Path) -> None:
    """A sheet whose <dimension> claims the whole grid while its cells are few."""
    patched(path, xl_worksheets_sheet1_xml=lambda b: _set_dimension(b, b"A1:XFD1048576"))


def _set_dimension(blob: bytes, ref: bytes) -> bytes:
    start = blob.index(b'<dimension ref="') + len(b'<dimension ref="')
    return blob[:start] + ref + blob[blob.index(b'"', start):]


def giant_inline_string(path: Path) -> None:
    """One cell holding a 300 MB inline string (≈300 KB on disk)."""
    parts = members_of(good_bytes())
    sheet = parts.pop(CARD_XML)
    at = sheet.index(b"</sheetData>")
    head = sheet[:at] + b'<row r="90"><c r="A90" t="inlineStr"><is><t>'
    members = [deflated(blob, name) for name, blob in parts.items()]
    members.append(repeated(CARD_XML, head, b"\xe8\x81\x94" * (MB // 3), 300,
                            b"</t></is></c></row>" + sheet[at:]))
    raw_zip(path, members)


def shared_strings(parts: dict[str, bytes], sst: bytes) -> dict[str, bytes]:
    """Add a sharedStrings part (openpyxl writes inline strings) and a card cell A90 pointing into it."""
    parts["xl/sharedStrings.xml"] = sst
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    sheet = parts[CARD_XML]
    at = sheet.index(b"</sheetData>")
    parts[CARD_XML] = sheet[:at] + b'<row r="90"><c r="A90" t="s"><v>0</v></c></row>' + sheet[at:]
    return parts


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1">'


def giant_shared_string(path: Path) -> None:
    """The same through sharedStrings.xml, the part every cell points into."""
    parts = shared_strings(members_of(good_bytes()), b"")
    parts.pop("xl/sharedStrings.xml")
    members = [deflated(blob, name) for name, blob in parts.items()]
    members.append(repeated("xl/sharedStrings.xml", SST + b"<si><t>", b"a" * MB, 300, b"</t></si></sst>"))
    raw_zip(path, members)


def doctype(path: Path) -> None:
    patched(path, xl_worksheets_sheet1_xml=with_doctype(b'<!DOCTYPE worksheet [<!ELEMENT worksheet ANY>]>'))


def billion_laughs(path: Path) -> None:
    lol = [b'<!ENTITY lol "lol">']
    for i in range(1, 10):
        ref = f"&lol{i - 1};".replace("lol0", "lol").encode() * 10
        lol.append(f'<!ENTITY lol{i} "'.encode() + ref + b'">')
    dtd = b"<!DOCTYPE sst [" + b"".join(lol) + b"]>"

    parts = shared_strings(members_of(good_bytes()), dtd + SST + b"<si><t>&lol9;</t></si></sst>")
    rezip(path, parts)


def external_entity(path: Path) -> None:
    dtd = b'<!DOCTYPE workbook [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'

    def change(blob: bytes) -> bytes:
        return with_doctype(dtd)(blob).replace(b'name="\xe8\x81\x94\xe6\x88\xb7\xe5\x8d\xa1"',
                                               b'name="&xxe;"', 1)
    patched(path, xl_workbook_xml=change)


def many_sheets(path: Path, count: int = 20_000) -> None:
    """20,000 worksheets, each its own part."""
    parts = members_of(good_bytes())
    sheet = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'
    ns = (b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
          b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"')
    sheets = b"".join(b'<sheet name="S%d" sheetId="%d" r:id="rId%d"/>' % (i, i, i)
                      for i in range(1, count + 1))
    parts["xl/workbook.xml"] = b"<workbook " + ns + b"><sheets>" + sheets + b"</sheets></workbook>"
    rels = b"".join(b'<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                    b'relationships/worksheet" Target="worksheets/s%d.xml"/>' % (i, i)
                    for i in range(1, count + 1))
    parts["xl/_rels/workbook.xml.rels"] = (
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + rels + b"</Relationships>")
    for i in range(1, count + 1):
        parts[f"xl/worksheets/s{i}.xml"] = sheet
    rezip(path, parts, compression=zipfile.ZIP_STORED)


def many_sheet_entries(path: Path, count: int = 20_000) -> None:
    """20,000 sheet entries in workbook.xml, all pointing at the one card sheet part."""
    def change(blob: bytes) -> bytes:
        start, end = blob.index(b"<sheets>") + 8, blob.index(b"</sheets>")
        first = blob[start:blob.index(b"/>", start) + 2]
        copies = b"".join(first.replace(b'name="', b'name="X%d' % i, 1) for i in range(count))
        return blob[:start] + copies + blob[end:]
    patched(path, xl_workbook_xml=change)


def path_sheet_names(path: Path) -> None:
    """Sheets named like paths (Excel forbids / and \\ in names; a script does not)."""
    def change(blob: bytes) -> bytes:
        blob = blob.replace('name="联户卡"'.encode(), b'name="../../etc/passwd"')
        return blob.replace('name="联户日记"'.encode(), b'name="C:\\x"')
    patched(path, xl_workbook_xml=change)


def zip_slip(path: Path) -> None:
    """A part named ``../../outside.xml`` next to no workbook: nothing may ever be written there."""
    parts = members_of(good_bytes())
    parts.pop("xl/workbook.xml")
    parts["../../outside.xml"] = b"<x/>"
    rezip(path, parts)


def formulas_without_values(path: Path) -> None:
    """A book written by a script with a formula, never opened in Excel: no cached value."""
    write_book(path, [card("XY-001")], [diary("XY-001", **{"担保贷款(元)": "=1000*3"})])


def error_value(path: Path) -> None:
    """A loan cell whose formula shows #DIV/0!: calamine reads it blank, the loan would vanish."""
    import re

    def change(blob: bytes) -> bytes:
        return re.sub(rb'<c r="M3"[^>]*>.*?</c>', b'<c r="M3" t="e"><f>L3/0</f><v>#DIV/0!</v></c>', blob, count=1)
    write_book(path, [card("XY-001")], [diary("XY-001", **{"担保贷款(元)": 3000})])
    parts = members_of(path.read_bytes())
    parts[DIARY_XML] = change(parts[DIARY_XML])
    rezip(path, parts)


def twin_sheet(path: Path) -> None:
    """A second "联户卡 " (a trailing space) holding a card: only one sheet can be read."""
    import openpyxl
    from bookfactory import CARD_LABELS

    good_book(path)
    wb = openpyxl.load_workbook(path)
    ws = wb.create_sheet("联户卡 ")
    ws.append(CARD_LABELS)
    ws.append([card("XY-777").get(label) for label in CARD_LABELS])
    wb.save(path)


def xlsb(path: Path) -> None:
    rezip(path, {"[Content_Types].xml": b"<Types/>", "xl/workbook.bin": b"\x83\x01\x00",
                 "xl/worksheets/sheet1.bin": b"\x81\x01\x00"})


def ods_renamed(path: Path) -> None:
    rezip(path, {"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                 "content.xml": b"<office:document-content/>"})


def docx_renamed(path: Path) -> None:
    rezip(path, {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"})


def too_many_parts(path: Path) -> None:
    parts = members_of(good_bytes())
    for i in range(1500):
        parts[f"customXml/item{i}.xml"] = b"<x/>"
    rezip(path, parts, compression=zipfile.ZIP_STORED)


def zipcrypto_member(path: Path) -> None:
    """A member flagged as encrypted with the old zip password scheme."""
    members = [deflated(blob, name) for name, blob in members_of(good_bytes()).items()]
    for m in members:
        if m.name == CARD_XML:
            m.flags |= 0x1
    raw_zip(path, members)


def unknown_method(path: Path) -> None:
    """A member compressed with a method nobody here knows (99 is WinZip AES)."""
    members = [deflated(blob, name) for name, blob in members_of(good_bytes()).items()]
    for m in members:
        if m.name == CARD_XML:
            m.method = 99
    raw_zip(path, members)


def _extra_rows(rows: bytes) -> Callable[[bytes], bytes]:
    """A sheet change: ``rows`` added at the end of its sheetData."""
    def change(blob: bytes) -> bytes:
        at = blob.index(b"</sheetData>")
        return blob[:at] + rows + blob[at:]
    return change


def _merged(*refs: bytes) -> Callable[[bytes], bytes]:
    """A sheet change: the ranges ``refs`` merged (a mergeCells element after sheetData)."""
    def change(blob: bytes) -> bytes:
        at = blob.index(b"</sheetData>") + len(b"</sheetData>")
        merges = b"".join(b'<mergeCell ref="%s"/>' % ref for ref in refs)
        return blob[:at] + b'<mergeCells count="%d">' % len(refs) + merges + b"</mergeCells>" + blob[at:]
    return change


def rless_wide_row(path: Path) -> None:
    """Cells without ``r=`` run on from the last one: 16,384 of them reach column XFD."""
    patched(path, xl_worksheets_sheet1_xml=_extra_rows(b"<row>" + b"<c><v>1</v></c>" * 16_384 + b"</row>"))


def rless_tall(path: Path) -> None:
    """Row 15,000 claimed, then 5,000 rows without ``r=``: only counting them shows the sheet's size."""
    patched(path, xl_worksheets_sheet1_xml=_extra_rows(
        b'<row r="15000"><c r="A15000"><v>1</v></c></row>' + b"<row><c><v>1</v></c></row>" * 5000))


def single_quoted(path: Path) -> None:
    """XML allows ``r='…'``; a scan looking only for ``r="…"`` misses the cell."""
    patched(path, xl_worksheets_sheet1_xml=_extra_rows(b"<row r='60'><c r='XFD60000'><v>1</v></c></row>"))


def odd_prefix(path: Path) -> None:
    """A namespace prefix with a dot: calamine matches the local name and reads the cell."""
    def change(blob: bytes) -> bytes:
        blob = blob.replace(b"<worksheet ", b'<worksheet xmlns:a.b="http://schemas.openxmlformats.org/'
                            b'spreadsheetml/2006/main" ', 1)
        return _extra_rows(b'<a.b:row r="60"><a.b:c r="XFD60000"><a.b:v>1</a.b:v></a.b:c></a.b:row>')(blob)
    patched(path, xl_worksheets_sheet1_xml=change)


def cell_below_row(path: Path) -> None:
    """A cell whose address lies far below the row it sits in (IV70000 inside row 60)."""
    patched(path, xl_worksheets_sheet1_xml=_extra_rows(b'<row r="60"><c r="IV70000"><v>1</v></c></row>'))


def decoy_attribute(path: Path) -> None:
    """A decoy ``r="A1"`` inside another, single-quoted attribute, before the real address."""
    patched(path, xl_worksheets_sheet1_xml=_extra_rows(
        b"<row r=\"60\"><c foo=' r=\"A1\"' r=\"XFD60000\"><v>1</v></c></row>"))


def charref_address(path: Path) -> None:
    """An address written with a character reference (X is &#88;)."""
    patched(path, xl_worksheets_sheet1_xml=_extra_rows(b'<row r="60"><c r="&#88;FD60000"><v>1</v></c></row>'))


def sheet_as_image(path: Path) -> None:
    """The card sheet stored under an image's name: a guard reading only *.xml never sees it."""
    parts = members_of(good_bytes())
    parts["xl/media/image1.png"] = _extra_rows(b'<row r="5"><c r="XFD1048576"><v>1</v></c></row>')(
        parts.pop(CARD_XML))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"/xl/worksheets/sheet1.xml", b"/xl/media/image1.png").replace(
        b"worksheets/sheet1.xml", b"media/image1.png")
    rezip(path, parts)


def duplicate_part(path: Path) -> None:
    """Two parts with the same name: one reader takes the first, another the last."""
    import warnings

    parts = members_of(good_bytes())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, blob in parts.items():
                zf.writestr(name, blob)
            zf.writestr(CARD_XML, _extra_rows(b'<row r="5"><c r="XFD1048576"><v>1</v></c></row>')(
                parts[CARD_XML]))


def utf16_part(path: Path) -> None:
    """A sheet in UTF-16, where byte patterns do not match."""
    def change(blob: bytes) -> bytes:
        return ('<?xml version="1.0" encoding="UTF-16"?>' + blob.decode()).encode("utf-16")
    patched(path, xl_worksheets_sheet1_xml=change)


def merge_bomb(path: Path) -> None:
    """A 15,000-row sheet with 40 blocks merged down to row 1048576: a reader filling merged
    cells would make 600,000 of them."""
    rows = _extra_rows(b'<row r="15000"><c r="B15000"><v>1</v></c></row>')
    blocks = _merged(*(b"%s3:%s1048576" % (c, c) for c in [bytes([65 + i % 26]) for i in range(40)]))
    patched(path, xl_worksheets_sheet1_xml=lambda blob: blocks(rows(blob)))


def merged_column(path: Path) -> None:
    """A good book whose empty column X is merged from row 3 to the grid's end: read as usual."""
    patched(path, xl_worksheets_sheet1_xml=_merged(b"X3:X1048576"))


@dataclass(frozen=True)
class Hostile:
    """A file the clerk may receive, and the issue it must produce."""

    name: str
    build: Callable[[Path], None]
    code: str
    cell: str | None = None  # "联户日记!L3" where the problem has a place


KINDS: list[Hostile] = [
    Hostile("不是压缩包.xlsx", not_a_zip, "not-a-workbook"),
    Hostile("空文件.xlsx", empty, "file-empty"),
    Hostile("只传了一成.xlsx", truncated(0.1), "file-corrupt"),
    Hostile("只传了一半.xlsx", truncated(0.5), "file-corrupt"),
    Hostile("只差一点.xlsx", truncated(0.97), "file-corrupt"),
    Hostile("结尾缺失.xlsx", truncated_tail, "file-corrupt"),
    Hostile("校验和错误.xlsx", wrong_crc, "file-corrupt"),
    Hostile("设了密码.xlsx", encrypted, "file-encrypted"),
    Hostile("旧版.xls", old_xls, "old-xls"),
    Hostile("旧版改名.xlsx", old_xls, "old-xls"),
    Hostile("WPS表格.et", wps_et, "wps-et"),
    Hostile("其实是CSV.xlsx", csv_renamed, "not-a-workbook"),
    Hostile("其实是网页.xls", html_as_xls, "not-a-workbook"),
    Hostile("二进制格式.xlsb", xlsb, "not-a-workbook"),
    Hostile("其实是ODS.xlsx", ods_renamed, "not-a-workbook"),
    Hostile("其实是Word.xlsx", docx_renamed, "not-a-workbook"),
    Hostile("巨大文件.xlsx", huge_file, "file-too-large"),
    Hostile("解压炸弹.xlsx", zip_bomb, "file-too-large"),
    Hostile("谎报大小.xlsx", forged_size, "file-too-large"),
    Hostile("少报大小.xlsx", forged_small, "file-corrupt"),
    Hostile("超长字符串.xlsx", giant_inline_string, "file-too-large"),
    Hostile("超长共享字符串.xlsx", giant_shared_string, "file-too-large"),
    Hostile("最后一格.xlsx", huge_range, "sheet-too-large", "联户卡!XFD1048576"),
    Hostile("无行号宽行.xlsx", rless_wide_row, "sheet-too-large", "联户卡!XFD5"),
    Hostile("无行号长表.xlsx", rless_tall, "sheet-too-large", "联户卡!W20000"),
    Hostile("单引号地址.xlsx", single_quoted, "sheet-too-large", "联户卡!XFD60000"),
    Hostile("怪前缀.xlsx", odd_prefix, "sheet-too-large", "联户卡!XFD60000"),
    Hostile("单元格越行.xlsx", cell_below_row, "sheet-too-large", "联户卡!IV70000"),
    Hostile("诱饵属性.xlsx", decoy_attribute, "sheet-too-large", "联户卡!XFD60000"),
    Hostile("字符引用地址.xlsx", charref_address, "file-corrupt"),
    Hostile("合并炸弹.xlsx", merge_bomb, "sheet-too-large"),
    Hostile("伪装成图片.xlsx", sheet_as_image, "sheet-too-large", "联户卡!XFD1048576"),
    Hostile("重名部件.xlsx", duplicate_part, "file-corrupt"),
    Hostile("UTF16部件.xlsx", utf16_part, "file-corrupt"),
    Hostile("文档类型定义.xlsx", doctype, "xml-entities"),
    Hostile("十亿笑.xlsx", billion_laughs, "xml-entities"),
    Hostile("外部实体.xlsx", external_entity, "xml-entities"),
    Hostile("两万个工作表.xlsx", many_sheets, "file-too-large"),
    Hostile("两万个表名.xlsx", many_sheet_entries, "file-too-large"),
    Hostile("部件过多.xlsx", too_many_parts, "file-too-large"),
    Hostile("路径表名.xlsx", path_sheet_names, "no-standard-sheet"),
    Hostile("越界部件.xlsx", zip_slip, "not-a-workbook"),
    Hostile("成员加密.xlsx", zipcrypto_member, "file-encrypted"),
    Hostile("未知压缩.xlsx", unknown_method, "file-corrupt"),
    Hostile("脚本公式.xlsx", formulas_without_values, "formula-no-value", "联户日记!M3"),
    Hostile("错误值.xlsx", error_value, "cell-error", "联户日记!M3"),
    Hostile("重名工作表.xlsx", twin_sheet, "duplicate-sheet", "联户卡 !A1"),
]


def build_corpus(folder: Path) -> list[Hostile]:
    """Every kind in ``folder``, plus the good book (Chinese name with spaces), a
    directory named like a workbook and a link to a book outside the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for kind in KINDS:
        kind.build(folder / kind.name)
    good_book(folder / GOOD_NAME)
    merged_column(folder / MERGED_NAME)
    extra = [Hostile("看似文件夹.xlsx", lambda p: p.mkdir(), "not-a-file")]
    (folder / "看似文件夹.xlsx").mkdir()
    outside = folder.parent / f"{folder.name}-外部"
    outside.mkdir(exist_ok=True)
    good_book(outside / "别处.xlsx")
    try:
        os.symlink(outside / "别处.xlsx", folder / "链接.xlsx")
        extra.append(Hostile("链接.xlsx", lambda p: None, "link-outside"))
    except (OSError, NotImplementedError):  # Windows without the privilege
        pass
    return KINDS + extra


# the command line as a clerk runs it, the cache off (each test builds its own books)

def run(*args: object):
    return CliRunner(env={"LIANHU_CACHE": "off"}).invoke(cli, [str(a) for a in args])


def validated(folder: Path, *extra: object) -> dict:
    result = run("validate", folder, "--json", "-j", "1", "--no-cache", *extra)
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


def digests(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` by its digest: sources are compared before and after a run."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def file_issues(report: dict, name: str) -> list[dict]:
    """The issues of one file in a ``--json`` report."""
    return [i for i in report["issues"] if i["file"] == name]


def file_entry(report: dict, name: str) -> dict:
    """One file's summary in a ``--json`` report."""
    return next(f for f in report["files"] if f["file"] == name)
