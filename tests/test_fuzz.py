"""Fuzzing the guard and the reader: valid books mutated byte by byte and tag by
tag (addresses, cell types, values, styles, spans cut or repeated), each read
through the same path a batch uses, in a worker process, so that a native abort
shows up as a failure instead of ending the test run. Every outcome must be a
result with Chinese messages. Crashes found are kept below as regression tests.

The CI budget is small (200 examples); raise ``LIANHU_FUZZ_EXAMPLES`` for a
longer hunt.
"""

from __future__ import annotations

import io
import multiprocessing
import os
import re
import tempfile
import zipfile
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from hostile import good_bytes, members_of, patched
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import lianhu_xl.batch as batch

EXAMPLES = int(os.environ.get("LIANHU_FUZZ_EXAMPLES", "200"))
CJK = re.compile(r"[\u4e00-\u9fff]")
PARTS = ["xl/worksheets/sheet1.xml", "xl/worksheets/sheet2.xml", "xl/styles.xml", "xl/workbook.xml",
         "xl/_rels/workbook.xml.rels", "[Content_Types].xml"]
VALUES = [b"-1e300", b"1e308", b"NaN", b"inf", b"-1", b"0", b"2958466", b"2958465.99999", b"1e15", b"abc",
          b"", b"99999999999999999999", b"-0", b"1E-320", b"\xe8\x81\x94"]
TYPES = [b"s", b"str", b"inlineStr", b"b", b"e", b"d", b"n", b"x", b""]
REFS = [b"A1", b"A0", b"XFD1", b"XFE1", b"A1048576", b"A1048577", b"ZZZZ9", b"1", b"a1", b"AA0001", b"",
        b"B99999", b"IV5000"]
TAGS = [b"<row>", b"</row>", b"<c>", b"<c/>", b'<c r="IV3000"/>', b"<v>1</v>", b"<is><t>x</t></is>",
        b'<c t="s"><v>99999</v></c>', b'<c s="9999"><v>40000</v></c>', b"<f>SUM(A1:A2)</f>",
        b'<mergeCell ref="A1:XFD1048576"/>', b'<dimension ref="A1:XFD1048576"/>', b"<![CDATA[<c>]]>",
        b"<!-- <c r='XFD1'> -->", b"&amp;", b"&#0;", b"\x00", b"\xff\xfe", b'<sheetData/>']
DATE_CELL = re.compile(rb'(<c r="N\d+" s="\d+" t="n"><v>)([^<]*)(</v>)')


# op -> (pattern whose group 1 is replaced, the replacement for ``pick``)
REPLACE = {
    "value": (rb"<v>([^<]*)</v>", lambda pick: VALUES[pick % len(VALUES)]),
    "ref": (rb' r="([^"]*)"', lambda pick: REFS[pick % len(REFS)]),
    "style": (rb' s="(\d+)"', lambda pick: str(pick % 40).encode()),
}


def _mutate(blob: bytes, op: str, at: int, pick: int) -> bytes:
    n = max(len(blob), 1)
    i = at % n
    if op in REPLACE:
        pattern, replacement = REPLACE[op]
        spots = [m.span(1) for m in re.finditer(pattern, blob)]
        if spots:
            a, b = spots[at % len(spots)]
            return blob[:a] + replacement(pick) + blob[b:]
    elif op == "type":
        spots = [m.span() for m in re.finditer(rb'<c r="[A-Z]+\d+"', blob)]
        if spots:
            _, b = spots[at % len(spots)]
            return blob[:b] + b' t="' + TYPES[pick % len(TYPES)] + b'"' + blob[b:]
    elif op == "tag":
        lt = blob.find(b"<", i)
        j = lt if lt >= 0 else i
        return blob[:j] + TAGS[pick % len(TAGS)] + blob[j:]
    elif op == "cut":
        return blob[:i] + blob[i + 1 + pick % 64:]
    elif op == "repeat":
        return blob[:i] + blob[i:i + 1 + pick % 64] * 2 + blob[i:]
    elif op == "byte":
        return blob[:i] + bytes([pick % 256]) + blob[i + 1:]
    return blob


mutation = st.tuples(st.sampled_from(["value", "type", "ref", "style", "tag", "cut", "repeat", "byte"]),
                     st.integers(0, 1 << 20), st.integers(0, 1 << 10))
mutant = st.tuples(st.sampled_from(PARTS), st.lists(mutation, min_size=1, max_size=4), st.booleans())


def _build(part: str, mutations: list, raw: bool) -> bytes:
    """The good book with one part mutated and re-zipped (valid CRCs, so the XML is what
    is tested), or with the zip's own bytes mutated when ``raw``."""
    if raw:
        data = good_bytes()
        for op, at, pick in mutations:
            data = _mutate(data, op if op in ("cut", "repeat", "byte") else "byte", at, pick)
        return data
    parts = members_of(good_bytes())
    blob = parts[part]
    for op, at, pick in mutations:
        blob = _mutate(blob, op, at, pick)
    parts[part] = blob
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, b in parts.items():
            zf.writestr(name, b)
    return out.getvalue()


def _read(data: bytes):
    """In the worker: the batch's own entry point on a file holding ``data``."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "变异.xlsx"
        path.write_bytes(data)
        return batch._safe_check(path, "变异.xlsx", None)


class Worker:
    """One worker process, replaced when a file kills it (that is a finding)."""

    def __init__(self) -> None:
        self.pool = ProcessPoolExecutor(max_workers=1, initializer=batch._limit_memory)

    def read(self, data: bytes):
        try:
            return self.pool.submit(_read, data).result(timeout=120)
        except BrokenProcessPool:
            self.pool.shutdown()
            self.pool = ProcessPoolExecutor(max_workers=1, initializer=batch._limit_memory)
            raise AssertionError("the reader killed its worker process") from None


@pytest.fixture(scope="module")
def worker():
    w = Worker()
    yield w
    w.pool.shutdown()


@pytest.mark.skipif(os.name != "posix" or multiprocessing.get_start_method() != "fork",
                    reason="the worker runs this module's function, carried over by fork")
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(mutant)
def test_mutated_books_never_crash_the_reader(worker, case):
    part, mutations, raw = case
    result = worker.read(_build(part, mutations, raw))
    assert result.summary.file == "变异.xlsx"
    for issue in result.issues:
        assert CJK.search(issue.message), issue
        assert "Traceback" not in issue.message and "Error" not in issue.message, issue.message
    if result.summary.kind == "book":  # read: its rows are all accounted for
        assert result.rows_read >= len(result.cards) + len(result.diaries)


# --- regression tests: crashes the fuzzing found ---------------------------------------------


@pytest.mark.parametrize("value", [b"-1e300", b"-123456789012", b"-1E+15"])
def test_regression_date_cell_with_a_huge_negative_serial(tmp_path, value):
    """python-calamine panics (pyo3 PanicException, a BaseException) turning -1e12 or less in a
    date-formatted cell into a date; it ended the whole run with a traceback, then cost the file
    with a Rust message on stderr. The guard then refused the whole book naming the cell; since
    session 10 it hands the reader that cell as the text typed, said at the cell (bad-date) as
    ``inf`` is, the rest of the book read."""
    bad = patched(tmp_path / "坏日期.xlsx",
                  xl_worksheets_sheet1_xml=lambda b: DATE_CELL.sub(rb"\g<1>" + value + rb"\g<3>", b, count=1))
    from hostile import good_book

    good = good_book(tmp_path / "好.xlsx")
    results = batch.run_checks([(bad, bad.name), (good, good.name)], jobs=1)
    assert [(i.code, i.sheet, i.cell) for i in results[0].issues] == [("bad-date", "联户卡", "N3")]
    assert value.decode() in results[0].issues[0].message and len(results[0].cards) == 1
    assert CJK.search(results[0].issues[0].message)
    assert len(results[1].cards) == 2


@pytest.mark.parametrize("name,change", [
    ("cells without addresses running wide", lambda b: b.replace(
        b"</sheetData>", b'<row r="60000"><c r="A60000"><v>1</v></c></row><row>' + b"<c><v>1</v></c>" * 300
        + b"</row></sheetData>")),
    ("a cell far below its row", lambda b: b.replace(
        b"</sheetData>", b'<row r="7"><c r="IV90000"><v>1</v></c></row></sheetData>')),
])
def test_regression_guard_bypasses_are_refused(tmp_path, name, change):
    """Sheets the first guard let through and python-calamine then aborted on (SIGABRT)."""
    from lianhu_xl.book import check_file

    result = check_file(patched(tmp_path / "x.xlsx", xl_worksheets_sheet1_xml=change), "x.xlsx")
    assert [i.code for i in result.issues] == ["sheet-too-large"]
