"""Safe outputs: any string in the data stays inert text in every file chaingraph writes.

* CSV and XLSX exports neutralise cells that a spreadsheet would run (leading ``=``, ``+``, ``-``, ``@``,
  tab, carriage return) with a leading apostrophe; the XLSX cell is a string, never a formula; numbers
  stay numbers.
* A firm named ``=HYPERLINK("http://x","y")`` goes through validate → graph → ``common_problems`` /
  ``leaders`` → CSV / XLSX / JSON / Markdown safely: neutralised in the spreadsheets, exact in JSON and
  Markdown (``|`` escaped in Markdown).
* The HTML map of a dataset whose firm, segment, problem and chain names are hostile holds no element or
  attribute the page template does not have, and its JSON payload escapes ``<``.
* Cypher: hostile labels and relationship types are refused by the guards, tested in
  ``tests/test_neo4j_load.py::test_guards_refuse_anything_but_the_model``; here only that hostile *values*
  travel as query parameters, never inside a statement.
"""

from __future__ import annotations

import csv
import html.parser
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from chaingraph.cli import cli
from chaingraph.export import neutralise, to_markdown, write_frame, write_xlsx
from chaingraph.graph import ChainGraph
from chaingraph.queries import chain_map, common_problems, leaders
from chaingraph.render import write_map_html

from .conftest import uscc, write_tiny
from .test_neo4j_load import FakeDatabase, FakeDriver

DANGEROUS = ["=1+1", "+1", "-1", "@SUM(A1)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x","y")',
             "=cmd|' /C calc'!A0", "-2+3", "+cmd", "@"]
HARMLESS = ["织里童装", "a=1", " =1+1", "", "1+1", "'already"]
FORMULA_LEAD = ("=", "+", "-", "@", "\t", "\r")


def frame() -> pd.DataFrame:
    n = len(DANGEROUS) + len(HARMLESS)
    return pd.DataFrame({
        "text": pd.Series(DANGEROUS + HARMLESS, dtype="str"),
        "object": pd.Series(DANGEROUS + HARMLESS, dtype="object"),
        "int": pd.Series(range(-3, n - 3), dtype="Int64"),
        "float": pd.Series([-0.5 + i for i in range(n)], dtype="float64"),
        "flag": pd.Series([i % 2 == 0 for i in range(n)], dtype="boolean"),
        "day": pd.Series(pd.date_range("2024-01-01", periods=n), dtype="datetime64[s]"),
    })


def read_csv_cells(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh))


# ---------------------------------------------------------------------------
# CSV and XLSX writers
# ---------------------------------------------------------------------------

def test_neutralise_prefixes_exactly_the_dangerous_text():
    out = neutralise(pd.Series(DANGEROUS + HARMLESS, dtype="str"))
    assert out.tolist() == ["'" + s for s in DANGEROUS] + HARMLESS
    numbers = pd.Series([-1, 2, -3.5])
    assert neutralise(numbers) is numbers


def test_csv_export_neutralises_and_keeps_numbers(tmp_path):
    df = frame()
    rows = read_csv_cells(write_frame(df, tmp_path / "x.csv"))
    assert rows[0] == list(df.columns)
    body = rows[1:]
    assert len(body) == len(df)
    for col in ("text", "object"):
        i = rows[0].index(col)
        assert [r[i] for r in body] == [("'" + s if s.startswith(FORMULA_LEAD) else s) for s in df[col]]
    for r in body:
        for cell in r:
            if cell.startswith(FORMULA_LEAD):
                float(cell)  # only a number may begin with '-' or '+'
    i = rows[0].index("int")
    assert [r[i] for r in body] == [str(v) for v in df["int"]]  # -3 stays the number -3


def test_xlsx_export_cells_are_strings_never_formulas(tmp_path):
    df = frame()
    ws = load_workbook(write_frame(df, tmp_path / "x.xlsx", sheet="s"))["s"]
    header = [c.value for c in ws[1]]
    assert header == list(df.columns)
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
            if isinstance(cell.value, str) and cell.value[:1] in FORMULA_LEAD:
                pytest.fail(f"{cell.coordinate} begins with a formula character: {cell.value!r}")
    col = {name: i for i, name in enumerate(header)}
    texts = [r[col["text"]] for r in ws.iter_rows(min_row=2, values_only=True)]
    # XML turns a carriage return into a line feed when the workbook is read (openpyxl writes it raw)
    assert texts == [("'" + s).replace("\r", "\n") for s in DANGEROUS] + [s or None for s in HARMLESS]
    ints = [r[col["int"]] for r in ws.iter_rows(min_row=2, values_only=True)]
    floats = [r[col["float"]] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert ints == df["int"].tolist() and all(isinstance(v, int) for v in ints)
    assert floats == df["float"].tolist() and all(isinstance(v, float) for v in floats)


def test_csv_cell_with_carriage_return(tmp_path):
    """Was written unquoted: the row broke at the CR and '=1+1' started a new row as a live formula."""
    df = pd.DataFrame({"name": ["织里\r=1+1", "\r=1+1", "ok"], "n": [1, 2, 3]})
    rows = read_csv_cells(write_frame(df, tmp_path / "x.csv"))
    assert len(rows) == 4, rows
    assert [r[0] for r in rows[1:]] == ["织里\r=1+1", "'\r=1+1", "ok"]


def test_json_and_markdown_keep_the_text_exactly(tmp_path):
    df = frame()[["text", "int"]]
    doc = json.loads(write_frame(df, tmp_path / "x.json").read_text(encoding="utf-8"))
    assert [r["text"] for r in doc] == DANGEROUS + HARMLESS
    md = to_markdown(pd.DataFrame({"name": ["a|b", "=1+1", "<b>x</b>"]}))
    assert md.splitlines()[2:] == ["| a\\|b |", "| =1+1 |", "| <b>x</b> |"]


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_hostile_column_headers_are_neutralised(tmp_path, suffix):
    """Were written verbatim (a formula header cell); rejected rows keep the analyst's own headers."""
    df = pd.DataFrame({'=HYPERLINK("http://x","y")': ["a"], "@SUM(A1)": ["b"]})
    path = write_frame(df, tmp_path / f"x{suffix}", sheet="s")
    if suffix == ".csv":
        header = read_csv_cells(path)[0]
    else:
        cells = list(load_workbook(path)["s"][1])
        assert all(c.data_type != "f" for c in cells), [c.value for c in cells]
        header = [c.value for c in cells]
    assert header == ["'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)"]


def test_rejects_written_by_the_cli_neutralise_hostile_cells(tmp_path):
    ds = write_tiny(tmp_path / "ds")
    with open(ds / "chains.csv", "a", encoding="utf-8", newline="") as fh:
        csv.writer(fh, lineterminator="\n").writerow(['=HYPERLINK("http://x","y")', "", "@SUM(A1)"])  # no name
    r = CliRunner().invoke(cli, ["validate", str(ds), "-q", "--rejects", str(tmp_path / "rej"),
                                 "--report", str(tmp_path / "report.xlsx")], catch_exceptions=False)
    assert r.exit_code == 1, r.output
    rows = read_csv_cells(tmp_path / "rej" / "chains.rejects.csv")
    body = [c for row in rows[1:] for c in row]
    assert "'=HYPERLINK(\"http://x\",\"y\")" in body and "'@SUM(A1)" in body
    assert not any(c.startswith(FORMULA_LEAD) for c in body)
    wb = load_workbook(tmp_path / "report.xlsx")
    assert all(c.data_type != "f" for ws in wb for row in ws.iter_rows() for c in row)


# ---------------------------------------------------------------------------
# Hostile names through validate -> graph -> queries -> exports
# ---------------------------------------------------------------------------

HOSTILE_FIRM = '=HYPERLINK("http://x","y")'
HOSTILE_IMG = "<img src=x onerror=alert(1)>"
HOSTILE_SCRIPT = "</script><script>alert(1)</script>"
HOSTILE_QUOTE = "\"'><svg onload=alert(1)>"
LINE_SEP = "\u2028"


def _rewrite(path: Path, key: str, changes: dict[str, dict[str, str]]) -> None:
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    for row in rows:
        row.update(changes.get(row[key], {}))
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> ChainGraph:
    ds = write_tiny(tmp_path_factory.mktemp("hostile") / "ds")
    _rewrite(ds / "enterprises.csv", "uscc", {
        uscc(4): {"name": HOSTILE_FIRM},  # the designated leader
        uscc(2): {"name": HOSTILE_IMG},
        uscc(3): {"name": HOSTILE_QUOTE + LINE_SEP + "企业"},
        uscc(5): {"name": "@SUM(1+1)|pipe"},
    })
    _rewrite(ds / "segments.csv", "id", {"dye": {"name": HOSTILE_SCRIPT}, "sew": {"name": "-缝制" + LINE_SEP}})
    _rewrite(ds / "problems.csv", "id", {"P1": {"name": HOSTILE_QUOTE + "|色牢度"},
                                         "P2": {"name": "+" + HOSTILE_IMG}})
    _rewrite(ds / "chains.csv", "id", {"kids": {"name": "童装" + LINE_SEP + HOSTILE_SCRIPT}})
    g = ChainGraph.from_dataset(ds)
    assert g.validation.ok, g.validation.issues
    assert HOSTILE_FIRM in set(g.tables["enterprises"]["name"])
    assert HOSTILE_QUOTE + LINE_SEP + "企业" in set(g.tables["enterprises"]["name"])
    return g


def _query_frames(g: ChainGraph) -> dict[str, pd.DataFrame]:
    return {"common_problems": common_problems(g, "330502", "kids", min_firms=1, min_share=0.0),
            "leaders": leaders(g, "330502", "kids")}


def test_hostile_names_reach_the_query_results(hostile):
    frames = _query_frames(hostile)
    assert HOSTILE_FIRM in set(frames["leaders"]["enterprise"])
    assert HOSTILE_QUOTE + "|色牢度" in set(frames["common_problems"]["problem"])


@pytest.mark.parametrize("query", ["common_problems", "leaders"])
def test_query_exports_are_safe(hostile, tmp_path, query):
    df = _query_frames(hostile)[query]
    text_cells = {v for v in df.astype("object").to_numpy().ravel() if isinstance(v, str)}
    assert HOSTILE_FIRM in text_cells or HOSTILE_QUOTE + "|色牢度" in text_cells

    rows = read_csv_cells(write_frame(df, tmp_path / "q.csv"))
    for cell in (c for row in rows[1:] for c in row):
        if cell.startswith(FORMULA_LEAD):
            float(cell)  # numbers only
    flat = [c for row in rows[1:] for c in row]
    assert ("'" + HOSTILE_FIRM in flat) or any(c.startswith("'+") or c.startswith("'=") for c in flat)

    wb = load_workbook(write_frame(df, tmp_path / "q.xlsx", sheet=query))
    for cell in (c for row in wb[query].iter_rows(min_row=2) for c in row):
        assert cell.data_type != "f", (cell.coordinate, cell.value)
        if isinstance(cell.value, str):
            assert not cell.value.startswith(FORMULA_LEAD), (cell.coordinate, cell.value)

    doc = json.loads(write_frame(df, tmp_path / "q.json").read_text(encoding="utf-8"))
    json_cells = {v for r in doc for v in r.values() if isinstance(v, str)}
    assert text_cells <= json_cells  # exactly the text, U+2028 included

    md = write_frame(df, tmp_path / "q.md").read_text(encoding="utf-8")
    lines = md.rstrip("\n").split("\n")  # CommonMark line endings only (U+2028 is not one)
    n_cols = len(df.columns)
    for line in lines:
        assert len(re.findall(r"(?<!\\)\|", line)) == n_cols + 1, line  # no cell breaks the table
    for t in text_cells:
        assert t.replace("|", "\\|").replace("\n", " ").replace("\r", " ") in md


def test_problem_workbook_from_the_cli_is_safe(hostile, tmp_path):
    from chaingraph.graph.store import save

    store = save(hostile, tmp_path / "h.cgstore")
    out = tmp_path / "清单.xlsx"
    r = CliRunner().invoke(cli, ["problems", str(store), "--region", "330502", "--chain", "kids", "--min-firms", "1",
                                 "--min-share", "0", "-o", str(out)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    wb = load_workbook(out)
    values = []
    for ws in wb:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (ws.title, cell.coordinate, cell.value)
                values.append(cell.value)
    assert "'+" + HOSTILE_IMG in values


def test_write_xlsx_sheet_names_from_data_are_safe(tmp_path):
    path = write_xlsx({"=cmd|x": pd.DataFrame({"a": [1]}), "a/b:c*?[]": pd.DataFrame({"a": [2]})}, tmp_path / "s.xlsx")
    assert load_workbook(path).sheetnames == ["=cmd|x", "abc"]


# ---------------------------------------------------------------------------
# The HTML map
# ---------------------------------------------------------------------------

DATA_RE = re.compile(r'<script type="application/json" id="chain-data">(.*?)</script>', re.S)


class _Markup(html.parser.HTMLParser):
    """Every element and attribute name in a page (script and style bodies are raw text to the parser)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: set[tuple[str, str]] = set()

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs.update((tag, name) for name, _ in attrs)

    handle_startendtag = handle_starttag


def markup(page: str) -> _Markup:
    p = _Markup()
    p.feed(page)
    p.close()
    return p


@pytest.fixture(scope="module")
def reference_markup(tiny, tmp_path_factory) -> _Markup:
    """Elements and attributes of a map of the same (benign) tiny dataset: the template's own set."""
    out = tmp_path_factory.mktemp("ref-map")
    pages = write_map_html(chain_map(tiny, "330502", "kids"), out / "m.html", max_nodes=2)
    return [markup(p.read_text(encoding="utf-8")) for p in pages]


@pytest.mark.parametrize("max_nodes", [1500, 2], ids=["one-page", "per-segment-pages"])
def test_hostile_map_has_only_the_templates_markup(hostile, reference_markup, tmp_path, max_nodes):
    cm = chain_map(hostile, "330502", "kids")
    pages = write_map_html(cm, tmp_path / "map.html", max_nodes=max_nodes)
    assert all(p.parent == tmp_path for p in pages)
    allowed_tags = {t for m in reference_markup for t in m.tags}
    allowed_attrs = set().union(*(m.attrs for m in reference_markup))
    ref_scripts = {m.tags.count("script") for m in reference_markup}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        m = markup(text)
        assert set(m.tags) <= allowed_tags, set(m.tags) - allowed_tags
        assert m.attrs <= allowed_attrs, m.attrs - allowed_attrs
        assert m.tags.count("script") in ref_scripts and m.tags.count("svg") == m.tags.count("img") == 0
        payload = DATA_RE.search(text).group(1)
        assert "<" not in payload and ">" not in payload and LINE_SEP not in payload
        data = json.loads(payload)
        strings = set(_strings(data))
        if max_nodes == 1500:  # the names survive exactly, for the page's script to show as text
            for name in (HOSTILE_FIRM, HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_QUOTE):
                assert any(name in s for s in strings), name


def _strings(obj):
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(obj, list):
        for v in obj:
            yield from _strings(v)


def test_map_title_is_escaped(hostile, tmp_path):
    cm = chain_map(hostile, "330502", "kids")
    page = write_map_html(cm, tmp_path / "m.html")[0].read_text(encoding="utf-8")
    title = re.search(r"<title>(.*?)</title>", page, re.S).group(1)
    assert "<" not in title and ">" not in title
    assert "&lt;/script&gt;" in title


# ---------------------------------------------------------------------------
# Cypher: values only as parameters
# ---------------------------------------------------------------------------

def test_hostile_values_travel_only_as_cypher_parameters(hostile):
    from chaingraph.neo4j import load as nb

    db = FakeDatabase()
    assert nb.push(hostile, FakeDriver(db), batch_size=50)["ok"].all()
    queries = "\n".join(q for _, q, _ in db.calls)
    for s in (HOSTILE_FIRM, HOSTILE_IMG, HOSTILE_SCRIPT, HOSTILE_QUOTE, "svg", "alert", "HYPERLINK"):
        assert s not in queries
    names = {n.get("name") for (label, _), n in db.nodes.items() if label == "Enterprise"}
    assert HOSTILE_FIRM in names and HOSTILE_QUOTE + LINE_SEP + "企业" in names
