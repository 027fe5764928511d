"""Fuzz target for chaingraph's ingestion: bytes → one table of a dataset folder → ``validate``.

Each input is laid out as ``[mode][table][payload…]``:

==== ======================================================================
mode what the payload becomes (``mode = data[0] % 4``)
==== ======================================================================
0    the raw bytes of a CSV file (any encoding, any bytes)
1    an XLSX workbook built with openpyxl from the bytes (cell types int, float,
     str, datetime, date, bool, None, chosen by a ``FuzzedDataProvider``)
2    the raw bytes of an ``.xlsx`` file
3    a valid workbook whose ``xl/worksheets/sheet1.xml`` is replaced by the bytes
==== ======================================================================

``table = (data[1] & 0x7F) % len(TABLES)`` picks which table the file holds; its file
is named after the table, in Chinese when ``data[1] & 0x80``. The other tables of the tiny test
dataset (``tests/conftest.py:write_tiny``) sit beside it, so foreign keys,
duplicates and the balance are exercised too.

The contract checked for every input:

* ``validate`` returns a report or raises :class:`~chaingraph.errors.ChainGraphError`;
  any other exception is a crash (a bug);
* for every table, rows read = accepted + rejected + merged, ``balanced`` is true,
  every rejected row is in ``rejects`` with a non-empty ``__reasons__``, and the
  accepted table has as many rows as the summary says;
* for modes 0 and 1, rows read equals an independent count of the non-blank
  data rows in the file (a CSV is decoded as the reader documents — UTF-8 with
  BOM, UTF-8, then GB18030 — and split with Python's csv module); the untouched
  tables read exactly as many rows as in the tiny dataset.

Run it (see fuzz/README.md)::

    python fuzz/fuzz_ingest.py fuzz/corpus -runs=100000

Without atheris the same target runs under a small deterministic mutator
(``python fuzz/fuzz_ingest.py --no-atheris -runs=2000``; ``--keep-going`` records every crash
instead of stopping at the first).
"""

from __future__ import annotations

import atexit
import codecs
import csv
import datetime as dt
import io
import random
import re
import shutil
import struct
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

try:  # atheris is optional: the smoke test and --no-atheris work without it
    import atheris
except ImportError:  # pragma: no cover - depends on the environment
    atheris = None

if atheris is not None and __name__ == "__main__" and "--no-atheris" not in sys.argv:
    with atheris.instrument_imports(include=["chaingraph"]):
        import chaingraph.ingest.readers
        import chaingraph.validate  # noqa: F401

from chaingraph.errors import ChainGraphError  # noqa: E402
from chaingraph.model import LOAD_ORDER, TABLES  # noqa: E402
from chaingraph.validate import ValidationResult, validate  # noqa: E402
from tests.conftest import write_tiny  # noqa: E402

TABLE_NAMES = tuple(LOAD_ORDER)
MODES = ("csv", "xlsx-built", "xlsx-raw", "xlsx-sheet-xml")
MAX_CELLS = 400


# ---------------------------------------------------------------------------
# Oracles and checks (shared with tests/test_properties.py)
# ---------------------------------------------------------------------------

def is_blank_cell(value: object) -> bool:
    """A cell the readers treat as empty: None, or text that is only white space."""
    return value is None or (isinstance(value, str) and not value.strip())


def decode_like_reader(data: bytes) -> str | None:
    """Decode CSV bytes the way chaingraph.ingest.readers documents it, or None if nothing decodes."""
    encodings = ("utf-8-sig",) if data.startswith(codecs.BOM_UTF8) else ("utf-8", "gb18030")
    for enc in encodings:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    return None


def csv_records(text: str, delimiter: str = ",") -> list[list[str]]:
    """Records as Python's csv module splits them (no field size limit; the process-wide limit is restored)."""
    old = csv.field_size_limit(sys.maxsize)
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    finally:
        csv.field_size_limit(old)


def expected_csv_rows(data: bytes, delimiter: str = ",") -> tuple[int, list[int]] | None:
    """Data rows a CSV file holds: count and 1-based record numbers (header = first non-blank record).

    None when the file is empty, undecodable, or has no non-blank record (the
    reader must then report a file issue and read no row).
    """
    if not data:
        return None
    text = decode_like_reader(data)
    if text is None:
        return None
    numbers = [i for i, rec in enumerate(csv_records(text, delimiter), start=1)
               if any(c.strip() for c in rec)]
    if not numbers:
        return None
    return len(numbers) - 1, numbers[1:]


def check_result(result: ValidationResult, *, table: str | None = None, expected_read: int | None = None,
                 baseline: dict[str, int] | None = None) -> None:
    """Assert the guarantees on bad input for one validation result.

    Parameters
    ----------
    result : ValidationResult
    table : str, optional
        The table the generated file holds.
    expected_read : int, optional
        Non-blank data rows written into that file.
    baseline : dict, optional
        Rows read per table in the untouched dataset; every other table must read as many.
    """
    s = result.summary.set_index("table")
    assert list(s.index) == list(LOAD_ORDER), list(s.index)
    for name, row in s.iterrows():
        read, acc, rej, mer = (int(row[c]) for c in ("read", "accepted", "rejected", "merged"))
        assert read == acc + rej + mer, f"{name}: read {read} != {acc} + {rej} + {mer}"
        assert bool(row["balanced"]), f"{name}: not balanced"
        rejects = result.rejects[name]
        assert len(rejects) == rej, f"{name}: {rej} rejected but {len(rejects)} rows in rejects"
        if rej:
            reasons = rejects["__reasons__"]
            bad = reasons.isna() | (reasons.astype("object").map(lambda v: not str(v).strip()))
            assert not bad.any(), f"{name}: rejected rows without reasons: {rejects[bad.to_numpy()].head()}"
            assert rejects["__row__"].notna().all()
        assert len(result.tables[name]) == acc + int(row["derived"]), f"{name}: accepted table length"
    assert result.balanced
    if table is not None and expected_read is not None:
        assert int(s.loc[table, "read"]) == expected_read, (
            f"{table}: wrote {expected_read} non-blank data rows, summary.read = {int(s.loc[table, 'read'])}")
    if baseline is not None:
        for name, n in baseline.items():
            if name != table:
                assert int(s.loc[name, "read"]) == n, f"{name}: read {int(s.loc[name, 'read'])}, baseline {n}"


def check_validate(path: Path, **kwargs) -> ValidationResult | None:
    """Validate ``path``: a ChainGraphError is an allowed outcome (returns None); anything else propagates."""
    try:
        result = validate(path)
    except ChainGraphError:
        return None
    check_result(result, **kwargs)
    return result


# ---------------------------------------------------------------------------
# A FuzzedDataProvider: atheris's, or a small pure-Python stand-in
# ---------------------------------------------------------------------------

class _Provider:
    """The subset of ``atheris.FuzzedDataProvider`` this target uses, in pure Python."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def remaining_bytes(self) -> int:
        return len(self.data) - self.pos

    def ConsumeBytes(self, n: int) -> bytes:  # noqa: N802 - atheris API
        out = self.data[self.pos:self.pos + max(n, 0)]
        self.pos += len(out)
        return out

    def ConsumeIntInRange(self, lo: int, hi: int) -> int:  # noqa: N802
        span = hi - lo
        if span <= 0:
            return lo
        width = max(1, (span.bit_length() + 7) // 8)
        raw = int.from_bytes(self.ConsumeBytes(width).ljust(width, b"\0"), "little")
        return lo + raw % (span + 1)

    def ConsumeBool(self) -> bool:  # noqa: N802
        return bool(self.ConsumeIntInRange(0, 1))

    def ConsumeRegularFloat(self) -> float:  # noqa: N802
        raw = self.ConsumeBytes(8).ljust(8, b"\0")
        v = struct.unpack("<d", raw)[0]
        return v if v == v and abs(v) != float("inf") else 0.0

    def ConsumeUnicodeNoSurrogates(self, n: int) -> str:  # noqa: N802
        raw = self.ConsumeBytes(n)
        return raw.decode("utf-8", "replace") if raw[:1] != b"\x01" else raw.decode("gb18030", "replace")


def provider(data: bytes):
    """atheris's FuzzedDataProvider when atheris is installed, else the stand-in."""
    return atheris.FuzzedDataProvider(data) if atheris is not None else _Provider(data)


# ---------------------------------------------------------------------------
# Building the file from the bytes
# ---------------------------------------------------------------------------

_ILLEGAL_XLSX = dict.fromkeys(list(range(0, 9)) + [11, 12] + list(range(14, 32)) + [0xFFFE, 0xFFFF])
"""Characters XML 1.0 forbids (openpyxl refuses the C0 ones and writes the last two into a file it cannot read)."""


def _xlsx_text(s: str) -> str:
    return s.translate(_ILLEGAL_XLSX)


def _fdp_cell(fdp) -> object:
    kind = fdp.ConsumeIntInRange(0, 9)
    if kind == 0:
        return None
    if kind == 1:
        return fdp.ConsumeIntInRange(-(2**40), 2**40)
    if kind == 2:
        return fdp.ConsumeRegularFloat()
    if kind == 3:
        return fdp.ConsumeBool()
    if kind == 4:
        return dt.datetime(1900, 3, 1) + dt.timedelta(seconds=fdp.ConsumeIntInRange(0, 200 * 365 * 86400))
    if kind == 5:
        return dt.date(1990, 1, 1) + dt.timedelta(days=fdp.ConsumeIntInRange(0, 20000))
    if kind == 6:
        return " " * fdp.ConsumeIntInRange(0, 3)
    return _xlsx_text(fdp.ConsumeUnicodeNoSurrogates(fdp.ConsumeIntInRange(0, 40)))


def _fdp_row(fdp, width: int) -> list | None:
    if fdp.remaining_bytes() <= 0:
        return None
    return [_fdp_cell(fdp) for _ in range(fdp.ConsumeIntInRange(0, width + 2))]


def build_xlsx(fdp, table: str) -> tuple[bytes, int]:
    """A workbook with one sheet named after ``table``; returns its bytes and the non-blank data rows."""
    from openpyxl import Workbook

    fields = [f.name for f in TABLES[table].fields]
    wb = Workbook()
    ws = wb.active
    ws.title = table
    header = list(fields) if fdp.ConsumeBool() else [_fdp_cell(fdp) for _ in range(fdp.ConsumeIntInRange(1, 10))]
    if all(is_blank_cell(c) for c in header):
        header.append("id")
    rows, cells, r = 0, 0, 0
    for row in [header, *iter(lambda: _fdp_row(fdp, len(header)), None)]:
        r += 1
        cells += len(row) + 1
        for i, v in enumerate(row, start=1):
            c = ws.cell(row=r, column=i)
            c.value = v
            if isinstance(v, str) and v.startswith("="):
                c.data_type = "s"  # text, not a formula (a formula has no value until Excel computes it)
        rows += r > 1 and any(not is_blank_cell(v) for v in row)
        if cells >= MAX_CELLS:
            break
    return _saved(wb), rows


def _template_xlsx(table: str) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = table
    ws.append([f.name for f in TABLES[table].fields])
    ws.append(["x"] * len(TABLES[table].fields))
    return _saved(wb)


_FIXED_TIME = (2024, 6, 1, 0, 0, 0)


def _rezip(entries: list[tuple[str, bytes]]) -> bytes:
    """A zip of ``entries`` with a fixed timestamp on every member, so the same input gives the same bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            z.writestr(zipfile.ZipInfo(name, date_time=_FIXED_TIME), data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()


def _saved(wb) -> bytes:
    """The workbook's bytes, independent of the clock: openpyxl stamps the zip members and the document
    properties with the current time, which made the inputs differ across a second boundary."""
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(buf)
    entries = []
    for info in src.infolist():
        data = src.read(info.filename)
        if info.filename == "docProps/core.xml":
            data = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>2024-06-01T00:00:00Z", data)
        entries.append((info.filename, data))
    return _rezip(entries)


def splice_sheet_xml(table: str, xml: bytes) -> bytes:
    """A valid workbook for ``table`` whose first worksheet XML is ``xml``."""
    src = zipfile.ZipFile(io.BytesIO(_template_xlsx(table)))
    return _rezip([(i.filename, xml if i.filename == "xl/worksheets/sheet1.xml" else src.read(i.filename))
                   for i in src.infolist()])


# ---------------------------------------------------------------------------
# The target
# ---------------------------------------------------------------------------

_TEMPLATE: dict[str, object] = {}


def _template() -> tuple[Path, dict[str, int]]:
    """The tiny dataset, written once per process, and the rows each table reads."""
    if "dir" not in _TEMPLATE:
        tmp = tempfile.mkdtemp(prefix="cg-fuzz-tiny-")
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        d = Path(tmp) / "tiny"
        write_tiny(d)
        result = validate(d)
        _TEMPLATE["dir"] = d
        _TEMPLATE["baseline"] = dict(zip(result.summary["table"], result.summary["read"].astype(int), strict=True))
    return _TEMPLATE["dir"], _TEMPLATE["baseline"]  # type: ignore[return-value]


def run_input(data: bytes) -> str:
    """Run one fuzz input; returns the mode used. Raises only on a broken guarantee (a bug)."""
    mode = MODES[data[0] % len(MODES)] if data else "csv"
    table = TABLE_NAMES[(data[1] & 0x7F) % len(TABLE_NAMES)] if len(data) > 1 else "chains"
    payload = data[2:]
    zh = len(data) > 1 and data[1] & 0x80
    stem = TABLES[table].zh if zh else table
    template, baseline = _template()
    with tempfile.TemporaryDirectory(prefix="cg-fuzz-") as tmp:
        d = Path(tmp) / "ds"
        shutil.copytree(template, d)
        (d / f"{table}.csv").unlink(missing_ok=True)
        expected: int | None = None
        if mode == "csv":
            (d / f"{stem}.csv").write_bytes(payload)
            exp = expected_csv_rows(payload)
            expected = 0 if exp is None else exp[0]
        elif mode == "xlsx-built":
            content, expected = build_xlsx(provider(payload), table)
            (d / f"{stem}.xlsx").write_bytes(content)
        elif mode == "xlsx-raw":
            (d / f"{stem}.xlsx").write_bytes(payload)
        else:
            (d / f"{stem}.xlsx").write_bytes(splice_sheet_xml(table, payload))
        check_validate(d, table=table, expected_read=expected, baseline=baseline)
    return mode


def TestOneInput(data: bytes) -> None:  # noqa: N802 - atheris / libFuzzer convention
    run_input(data)


# ---------------------------------------------------------------------------
# Seeds and a fallback mutator
# ---------------------------------------------------------------------------

def seeds() -> list[bytes]:
    """Seed inputs: every table's tiny CSV (UTF-8, BOM, GB18030), a built and a raw workbook, sheet XML."""
    template, _ = _template()
    out: list[bytes] = []
    for i, name in enumerate(TABLE_NAMES):
        f = template / f"{name}.csv"
        text = f.read_text(encoding="utf-8") if f.exists() else ",".join(x.name for x in TABLES[name].fields) + "\n"
        out.append(bytes([0, i]) + text.encode("utf-8"))
        out.append(bytes([0, i + 128]) + codecs.BOM_UTF8 + text.encode("utf-8"))
        out.append(bytes([0, i]) + text.replace("\n", "\r\n").encode("gb18030"))
    out.append(bytes([0, 1]) + b'id,name,industry_code\nk,"a\nb ""q"", c",1\n\n , \nm,=1+1,2,extra\n')
    out.append(bytes([1, 7]) + bytes(range(256)) * 2)
    out.append(bytes([2, 1]) + _template_xlsx("chains"))
    xml = zipfile.ZipFile(io.BytesIO(_template_xlsx("chains"))).read("xl/worksheets/sheet1.xml")
    out.append(bytes([3, 1]) + xml)
    return out


_TOKENS = [b",", b'"', b"\n", b"\r\n", b"\r", b"\x00", b"\xef\xbb\xbf", "童装".encode("gb18030"), "童装".encode(),
           b"\xff", b" ", b"\t", b"=", b"<", b"</row>", b"<c r=\"A2\"><v>1</v></c>", b"1e308", b"-", b"\xe3\x80\x80"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One libFuzzer-like mutation (byte flip, insert a token, delete, duplicate a slice, truncate)."""
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        pos = rng.randrange(len(b) + 1) if b else 0
        if op == 0 and b:
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        elif op == 1:
            b[pos:pos] = rng.choice(_TOKENS)
        elif op == 2 and len(b) > 2:
            del b[pos:pos + rng.randint(1, 16)]
        elif op == 3 and b:
            j = rng.randrange(len(b))
            b[pos:pos] = b[j:j + rng.randint(1, 64)]
        elif op == 4 and len(b) > 4:
            del b[rng.randrange(2, len(b)):]
        else:
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(b)


def inputs(n: int, seed: int = 20240601, *, mode: int | None = None) -> list[bytes]:
    """``n`` deterministic inputs: the seeds, then mutations of them (the four modes in turn, or only ``mode``)."""
    rng = random.Random(seed)
    pools: dict[int, list[bytes]] = {m: [] for m in range(len(MODES))}
    for s in seeds():
        pools[s[0] % len(MODES)].append(s)
    modes = list(range(len(MODES))) if mode is None else [mode]
    out = [s for s in seeds() if mode is None or s[0] % len(MODES) == mode][: max(1, n // 4)]
    while len(out) < n:
        m = modes[len(out) % len(modes)]
        child = mutate(rng.choice(pools[m][:40] + pools[m][-20:]), rng)
        child = bytes([m]) + child[1:] if child else bytes([m])
        pools[m].append(child)
        out.append(child)
    return out


def failures(data: list[bytes]) -> list[tuple[int, str]]:
    """Run every input; return (index, 'Exception: message @ file:line') for each one that broke the contract."""
    import traceback

    out = []
    for i, d in enumerate(data):
        try:
            run_input(d)
        except Exception as exc:
            frames = [f for f in traceback.extract_tb(exc.__traceback__) if "chaingraph" in f.filename]
            where = f" @ {Path(frames[-1].filename).name}:{frames[-1].lineno}" if frames else ""
            out.append((i, f"{type(exc).__name__}: {str(exc)[:120]}{where}"))
    return out


def write_corpus(folder: Path) -> None:
    """Write the seed inputs into ``folder`` (one file each)."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, s in enumerate(seeds()):
        (folder / f"seed-{i:03d}-{MODES[s[0] % 4]}").write_bytes(s)


def _fallback(argv: list[str]) -> None:
    """The same target under the deterministic mutator: ``-runs=N``, ``-seed=S``, ``--keep-going``."""
    runs = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("-runs=")), 1000)
    seed = next((int(a.split("=", 1)[1]) for a in argv if a.startswith("-seed=")), 20240601)
    keep_going = "--keep-going" in argv
    crashes = 0
    for i, data in enumerate(inputs(runs, seed)):
        try:
            run_input(data)
        except Exception as exc:
            crashes += 1
            crash = Path(f"crash-fallback-{seed}-{i}")
            crash.write_bytes(data)
            print(f"input {i}: {type(exc).__name__}: {str(exc)[:200]} (written to {crash})", file=sys.stderr)
            if not keep_going:
                raise
    print(f"{runs} inputs, " + (f"{crashes} crashes" if crashes else "no crash"), file=sys.stderr)
    if crashes:
        sys.exit(1)


def main(argv: list[str]) -> None:
    if "--make-corpus" in argv:
        write_corpus(Path(argv[argv.index("--make-corpus") + 1]))
        return
    if atheris is None or "--no-atheris" in argv or "--keep-going" in argv:
        _fallback([a for a in argv if a != "--no-atheris"])
        return
    atheris.Setup(argv, TestOneInput)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
