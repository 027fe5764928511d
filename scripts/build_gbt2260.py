"""Build chaingraph's shipped GB/T 2260 table from python-stdnum's ``stdnum/cn/loc.dat``.

Run by developers when python-stdnum ships a newer ``loc.dat``; chaingraph never
runs it at runtime. It writes ``chaingraph/data/gbt2260.csv`` (one row per
six-digit code that ever existed, with its name history) and
``chaingraph/data/gbt2260.json`` (where the data came from).

``loc.dat`` looks like this (two-digit province line, then four-digit lines with
``[from-to]`` year ranges; a missing bound means unknown / still valid, and a line
without brackets means valid throughout)::

    33 province="浙江省"
      0000 county="浙江省"
      0500 county="[1983-]湖州市"
      0502 county="[1983-1987]城区,[2003-]吴兴区"

Example
-------
Rebuild from the installed python-stdnum::

    /work/venv/bin/python scripts/build_gbt2260.py
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import importlib.metadata
import json
import re
from dataclasses import dataclass
from pathlib import Path

import stdnum.cn

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = Path(stdnum.cn.__file__).parent / "loc.dat"
DEFAULT_OUT = REPO / "chaingraph" / "data"

COLUMNS = ("code", "name", "level", "parent", "valid_from", "valid_to", "name_from", "names", "full_name")

PLACEHOLDERS = frozenset({
    "市辖区", "县", "市", "省直辖县级行政区划", "省直辖县级行政单位", "省直辖行政单位",
    "自治区直辖县级行政区划", "自治区直辖县级行政单位",
})
"""Generic grouping names that are not places; left out of ``full_name``."""

_PROVINCE = re.compile(r'^(\d{2}) province="([^"]*)"$')
_COUNTY = re.compile(r'^  (\d{4}) county="([^"]*)"$')
_ENTRY = re.compile(r"^(?:\[(\d{4})?-(\d{4})?\])?(.+)$")


@dataclass
class Entry:
    """One name of a code with the years it was in use (``None`` = unknown / open).

    Raises
    ------
    Nothing: a plain record.

    Example
    -------
    >>> Entry(2003, None, "吴兴区", bracketed=True).render()
    '2003-:吴兴区'
    """

    start: int | None
    end: int | None
    name: str
    bracketed: bool

    def render(self) -> str:
        """``from-to:name``, or the bare name when loc.dat gave no years.

        Raises
        ------
        Nothing.

        Example
        -------
        >>> Entry(None, 2010, "崇文区", bracketed=True).render()
        '-2010:崇文区'
        """
        if not self.bracketed:
            return self.name
        return f"{self.start or ''}-{self.end or ''}:{self.name}"


def parse_entries(text: str) -> list[Entry]:
    """Split ``"[1983-1987]城区,[2003-]吴兴区"`` into entries.

    Raises
    ------
    ValueError
        If a part does not look like ``[from-to]name``.

    Example
    -------
    >>> [e.render() for e in parse_entries("[1983-1987]城区,[2003-]吴兴区")]
    ['1983-1987:城区', '2003-:吴兴区']
    """
    out = []
    for part in text.split(","):
        m = _ENTRY.match(part.strip())
        if not m or "[" in m.group(3) or "]" in m.group(3):
            raise ValueError(f"cannot parse loc.dat entry {part!r} in {text!r}")
        start, end, name = m.groups()
        out.append(Entry(int(start) if start else None, int(end) if end else None, name.strip(),
                         bracketed=part.strip().startswith("[")))
    return out


def parse_loc_dat(path: Path) -> tuple[list[str], dict[str, list[Entry]], dict[str, str]]:
    """Read ``loc.dat``.

    Parameters
    ----------
    path : pathlib.Path
        The ``loc.dat`` file.

    Returns
    -------
    header : list of str
        The leading comment lines (upstream attribution), without ``#``.
    codes : dict
        Six-digit code -> name entries, in file order.
    provinces : dict
        Two-digit prefix -> name on the ``province=`` line.

    Raises
    ------
    ValueError
        On a line that matches neither format, or a duplicated code.

    Example
    -------
    >>> header, codes, provinces = parse_loc_dat(DEFAULT_SOURCE)  # doctest: +SKIP
    >>> codes["330502"][-1].name  # doctest: +SKIP
    '吴兴区'
    """
    header: list[str] = []
    codes: dict[str, list[Entry]] = {}
    provinces: dict[str, str] = {}
    prefix = None
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            if not codes and prefix is None:
                header.append(line[1:].strip())
            continue
        if m := _PROVINCE.match(line):
            prefix = m.group(1)
            provinces[prefix] = m.group(2)
            continue
        m = _COUNTY.match(line)
        if not m or prefix is None:
            raise ValueError(f"{path}:{lineno}: unexpected line {line!r}")
        code = prefix + m.group(1)
        if code in codes:
            raise ValueError(f"{path}:{lineno}: duplicate code {code}")
        codes[code] = parse_entries(m.group(2))
    return header, codes, provinces


def level_of(code: str) -> str:
    """``province`` for XX0000, ``city`` for XXXX00, else ``county``.

    Raises
    ------
    AttributeError
        If ``code`` is not a string.

    Example
    -------
    >>> level_of("330500")
    'city'
    """
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "city"
    return "county"


def build_rows(codes: dict[str, list[Entry]], provinces: dict[str, str]) -> list[dict[str, str]]:
    """Turn parsed entries into CSV rows (sorted by code), one per code plus every province.

    Parameters
    ----------
    codes : dict
        Six-digit code -> entries, as from :func:`parse_loc_dat` (province rows are added in place).
    provinces : dict
        Two-digit prefix -> province name.

    Raises
    ------
    ValueError
        If a code's province prefix has no province line.

    Example
    -------
    >>> rows = build_rows({"330500": parse_entries("[1983-]湖州市")}, {"33": "浙江省"})
    >>> [(r["code"], r["full_name"]) for r in rows]
    [('330000', '浙江省'), ('330500', '浙江省湖州市')]
    """
    # Every province gets a row even when loc.dat lacks its XX0000 line.
    for prefix, pname in provinces.items():
        codes.setdefault(prefix + "0000", [Entry(None, None, pname, bracketed=False)])
    latest = {code: entries[-1].name for code, entries in codes.items()}
    rows = []
    for code in sorted(codes):
        entries = codes[code]
        level = level_of(code)
        if code[:2] not in provinces:
            raise ValueError(f"code {code} has no province line")
        if level == "province":
            parent = ""
        elif level == "city":
            parent = code[:2] + "0000"
        else:
            parent = code[:4] + "00" if code[:4] + "00" in codes else code[:2] + "0000"
        last = entries[-1]
        current = last.end is None
        starts = [e.start for e in entries]
        valid_from = "" if not entries[0].bracketed or starts[0] is None else str(starts[0])
        chain = [code[:2] + "0000"]
        if level != "province" and code[:4] + "00" in codes:
            chain.append(code[:4] + "00")
        if level == "county":
            chain.append(code)
        full = "".join(latest[c] for c in dict.fromkeys(chain) if latest[c] not in PLACEHOLDERS)
        rows.append({
            "code": code,
            "name": last.name,
            "level": level,
            "parent": parent,
            "valid_from": valid_from,
            "valid_to": "" if current else str(last.end),
            "name_from": str(last.start) if last.start is not None else "",
            "names": "|".join(e.render() for e in entries),
            "full_name": full,
        })
    return rows


def main(argv: list[str] | None = None) -> None:
    """Parse ``loc.dat`` and write the CSV and JSON.

    Parameters
    ----------
    argv : list of str, optional
        Command-line arguments (``--source``, ``--out``); default ``sys.argv[1:]``.

    Raises
    ------
    ValueError
        If ``loc.dat`` has an unexpected format, or a sanity check fails.

    Example
    -------
    >>> main(["--out", "/tmp/gbt2260"])  # doctest: +SKIP
    wrote /tmp/gbt2260/gbt2260.csv (6885 rows) and gbt2260.json
    """
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="path to stdnum/cn/loc.dat")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder")
    args = ap.parse_args(argv)

    header, codes, provinces = parse_loc_dat(args.source)
    rows = build_rows(codes, provinces)
    by_code = {r["code"]: r for r in rows}
    # Sanity checks the rest of chaingraph relies on.
    for code, name, name_from in (("330502", "吴兴区", "2003"), ("330604", "上虞区", "2013"),
                                  ("131125", "安平县", "1996"), ("330500", "湖州市", "1983")):
        r = by_code.get(code)
        if r is None or r["name"] != name or r["name_from"] != name_from or r["valid_to"]:
            raise ValueError(f"sanity check failed for {code}: {r}")

    args.out.mkdir(parents=True, exist_ok=True)
    csv_path = args.out / "gbt2260.csv"
    with csv_path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)

    years = [e.end or e.start for es in codes.values() for e in es if (e.end or e.start)]
    meta = {
        "name": "GB/T 2260 administrative division codes (中华人民共和国行政区划代码)",
        "csv": csv_path.name,
        "rows": len(rows),
        "current_rows": sum(1 for r in rows if not r["valid_to"]),
        "levels": {lv: sum(1 for r in rows if r["level"] == lv) for lv in ("province", "city", "county")},
        "latest_year": max(years),
        "source": {
            "package": "python-stdnum",
            "version": importlib.metadata.version("python-stdnum"),
            "file": "stdnum/cn/loc.dat",
            "sha256": hashlib.sha256(args.source.read_bytes()).hexdigest(),
            "attribution": header,
            "licence_note": "names and years come from Wikipedia's 中华人民共和国行政区划代码 lists (CC BY-SA) "
                            "as packaged by python-stdnum (LGPL-2.1-or-later)",
        },
        "built": dt.date.today().isoformat(),
        "builder": "scripts/build_gbt2260.py",
        "columns": {
            "code": "six-digit GB/T 2260 code (text)",
            "name": "latest name",
            "level": "province (XX0000), city (XXXX00) or county",
            "parent": "XXXX00 if that code exists, else XX0000; empty for provinces",
            "valid_from": "first year the code was in use; empty if unknown or always",
            "valid_to": "last year the code was in use; empty if still current",
            "name_from": "first year of the latest name; empty if unknown or always",
            "names": "name history 'from-to:name|...'; a bare name had no recorded years",
            "full_name": "province + city + county latest names, generic placeholders (市辖区, 县 ...) left out",
        },
        "placeholders": sorted(PLACEHOLDERS),
    }
    (args.out / "gbt2260.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {csv_path} ({len(rows)} rows) and gbt2260.json")


if __name__ == "__main__":
    main()
