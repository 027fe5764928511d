"""The ``chaingraph`` command line: a thin layer over the library.

Each command parses its arguments, calls the library, and formats the result.
A user mistake (bad path, unknown region, damaged store) prints one line
``Error: …`` and exits with status 1; a usage mistake exits with status 2;
nothing prints a traceback.

Example
-------
::

    chaingraph validate datasets/defects --report report.csv
    chaingraph build datasets/wuxing-childrenswear -o out/wuxing.cgstore
    chaingraph info out/wuxing.cgstore
    chaingraph demo -o chaingraph-demo
"""

from __future__ import annotations

import logging
import sys
import time
from importlib import resources
from pathlib import Path

import click
import pandas as pd

from chaingraph import __version__
from chaingraph.errors import ChainGraphError, OutputError

logging.getLogger("neo4j").addHandler(logging.NullHandler())  # the driver's own warnings are not for analysts
pd.set_option("display.unicode.east_asian_width", True)
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 30)
pd.set_option("display.max_colwidth", 60)

SAMPLES = ("wuxing-childrenswear", "anping-wiremesh", "shangyu-umbrella")


class _Group(click.Group):
    """A click group that turns chaingraph errors into one-line messages."""

    def invoke(self, ctx: click.Context):  # noqa: D401 - click API
        try:
            return super().invoke(ctx)
        except ChainGraphError as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)


def _progress(msg: str) -> None:
    click.echo(f"… {msg}", err=True)


def sample_path(name: str) -> Path:
    """Folder of a bundled sample dataset (inside the installed package).

    Raises
    ------
    ChainGraphError
        If no sample of that name is bundled.

    Example
    -------
    >>> sample_path("wuxing-childrenswear").name  # doctest: +SKIP
    'wuxing-childrenswear'
    """
    root = resources.files("chaingraph.samples")
    p = Path(str(root / name))
    if not p.is_dir():
        raise ChainGraphError(f"no bundled sample '{name}'; bundled: {', '.join(SAMPLES)}")
    return p


def _print_frame(df: pd.DataFrame, *, max_rows: int | None = None) -> None:
    if df.empty:
        click.echo("(none)")
        return
    click.echo(df.astype(object).where(df.notna(), "").to_string(index=False, max_rows=max_rows))


def _summary_text(result) -> str:
    s = result.summary
    s = s[(s["read"] > 0) | (s["errors"] > 0) | (s["derived"] > 0) | (s["files"] != "")]
    cols = ["table", "files", "encoding", "read", "accepted", "rejected", "merged", "derived", "errors", "warnings",
            "balanced"]
    return s[cols].to_string(index=False)


def _write_validation_outputs(result, report: Path | None, rejects_dir: Path | None) -> list[Path]:
    from chaingraph.export.tables import write_frame

    written = []
    if report is not None:
        fmt = report.suffix.lower()
        if fmt == ".json":
            import json

            from chaingraph.export.tables import _jsonable

            doc = {
                "dataset": result.dataset,
                "ok": result.ok,
                "strict": result.strict,
                "summary": [{k: _jsonable(v) for k, v in r.items()} for r in result.summary.to_dict("records")],
                "issues": [{k: _jsonable(v) for k, v in r.items()} for r in result.issues.to_dict("records")],
            }
            try:
                report.parent.mkdir(parents=True, exist_ok=True)
                report.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
            except OSError as exc:
                raise OutputError(f"{report}: cannot write ({exc.strerror or exc})") from exc
            written.append(report)
        else:
            written.append(write_frame(result.issues, report, sheet="issues"))
    if rejects_dir is not None:
        for name, df in result.rejects.items():
            if len(df):
                written.append(write_frame(df, rejects_dir / f"{name}.rejects.csv"))
    return written


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chaingraph")
def cli() -> None:
    """chaingraph — industry-chain quality knowledge graph (产业链质量知识图谱).

    Validate analysts' spreadsheets, build the chain graph, list common quality
    problems, and draw offline chain maps.
    """


@cli.command("validate")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors (rows with warnings are rejected).")
@click.option("--report", type=click.Path(path_type=Path), help="Write every issue to FILE (.csv, .xlsx, .json, .md).")
@click.option("--rejects", "rejects_dir", type=click.Path(path_type=Path),
              help="Write each table's rejected rows, verbatim with their reasons, into DIR.")
@click.option("--quiet", "-q", is_flag=True, help="Print the summary only, not every issue.")
def validate_cmd(dataset: Path, strict: bool, report: Path | None, rejects_dir: Path | None, quiet: bool) -> None:
    """Check DATASET and report every problem; exit 1 if there are errors.

    DATASET is a folder of tables, an .xlsx workbook or a datapackage.json.
    """
    from chaingraph.validate.core import validate

    _progress(f"validating {dataset}")
    result = validate(dataset, strict=strict)
    click.echo(_summary_text(result))
    click.echo()
    if not quiet and len(result.issues):
        cols = ["severity", "code", "file", "sheet", "row", "column", "value", "message"]
        _print_frame(result.issues[cols])
        click.echo()
    for p in _write_validation_outputs(result, report, rejects_dir):
        click.echo(f"wrote {p}")
    verdict = "OK" if result.ok else "FAILED"
    click.echo(f"{verdict}: {result.n_errors} errors, {result.n_warnings} warnings; counts "
               f"{'balance' if result.balanced else 'DO NOT balance'} for every table")
    if not result.ok or not result.balanced:
        sys.exit(1)


@cli.command("build")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("-o", "--output", "store", required=True, type=click.Path(path_type=Path),
              help="Store folder to write (e.g. out/wuxing.cgstore).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--fail-on-errors", is_flag=True, help="Refuse to build when any row is rejected.")
@click.option("--report", type=click.Path(path_type=Path), help="Also write the validation issues to FILE.")
def build_cmd(dataset: Path, store: Path, strict: bool, fail_on_errors: bool, report: Path | None) -> None:
    """Validate DATASET and save its graph (accepted rows) as a fast binary STORE."""
    from chaingraph.graph.core import ChainGraph
    from chaingraph.graph.store import save
    from chaingraph.validate.core import validate

    t0 = time.perf_counter()
    _progress(f"validating {dataset}")
    result = validate(dataset, strict=strict)
    _write_validation_outputs(result, report, None)
    if fail_on_errors and not result.ok:
        click.echo(_summary_text(result))
        raise ChainGraphError(f"{result.n_errors} validation errors; not building (see `chaingraph validate`)")
    _progress("building graph")
    g = ChainGraph.from_validation(result)
    _progress(f"saving {store}")
    save(g, store)
    click.echo(_summary_text(result))
    click.echo(f"wrote {store} ({len(g.tables['enterprises'])} enterprises) in {time.perf_counter() - t0:.1f} s; "
               f"{result.n_errors} errors, {result.n_warnings} warnings in the data")


@cli.command("info")
@click.argument("store", type=click.Path(path_type=Path))
def info_cmd(store: Path) -> None:
    """Describe a STORE (or a dataset): provenance and node / relationship counts."""
    from chaingraph.graph.store import is_store, open_graph, read_manifest

    g = open_graph(store)
    if is_store(store):
        m = read_manifest(store)
        click.echo(f"store {store}: schema v{m['schema_version']}, written by chaingraph "
                   f"{m['chaingraph_version']} at {m['created']}")
    click.echo(f"dataset: {g.name}; data date: {g.meta.get('data_date') or 'unknown'}")
    for src in g.meta.get("sources", []):
        enc = f", {src['encoding']}" if src.get("encoding") else ""
        sheet = f" [{src['sheet']}]" if src.get("sheet") else ""
        click.echo(f"  source: {src['file']}{sheet} → {src['table']} ({src['rows']} rows{enc})")
    _print_frame(g.stats())


@cli.command("demo")
@click.option("-o", "--output", "out", default="chaingraph-demo", show_default=True,
              type=click.Path(path_type=Path), help="Folder to write the demo outputs into.")
@click.option("--dataset", "sample", default=SAMPLES[0], show_default=True, type=click.Choice(SAMPLES),
              help="Which bundled sample to run.")
def demo_cmd(out: Path, sample: str) -> None:
    """Run a bundled sample end to end and say what was written."""
    from chaingraph.graph.core import ChainGraph
    from chaingraph.graph.store import save
    from chaingraph.validate.core import validate

    src = sample_path(sample)
    out.mkdir(parents=True, exist_ok=True)
    _progress(f"validating bundled sample {sample}")
    result = validate(src)
    written = _write_validation_outputs(result, out / "validation-report.csv", out / "rejects")
    click.echo(_summary_text(result))
    g = ChainGraph.from_validation(result)
    store = save(g, out / f"{sample}.cgstore")
    written.append(store)
    click.echo()
    click.echo(f"graph: {g!r}")
    _print_frame(g.stats())
    for extra in _DEMO_STEPS:
        written.extend(extra(g, out))
    click.echo()
    click.echo(f"wrote into {out}/:")
    for p in written:
        click.echo(f"  {p}")


_DEMO_STEPS: list = []
"""Further demo steps (problem list, map) registered by the modules that own them."""


# -- named queries -------------------------------------------------------------------------

DISPLAY: dict[str, list[str]] = {
    "common_problems": ["rank", "problem_id", "problem", "category_zh", "kind_zh", "affected", "scope_size", "share",
                        "share_lower", "mean_severity", "is_common", "common_segments", "key_links"],
    "composition": ["segment", "stage_zh", "key_link", "size_zh", "enterprises", "share_of_segment", "cert_rate",
                    "problem_rate", "observations_per_firm", "mean_severity"],
    "leaders": ["role_zh", "enterprise", "size_zh", "segment", "customers", "suppliers", "downstream_reach",
                "upstream_reach", "score", "smb_reached"],
    "leader_reach": ["leader", "direction_zh", "hops", "enterprise", "size_zh", "segment"],
    "weak_links": ["kind_zh", "segment", "enterprise", "related", "metric", "detail"],
    "exposure": ["role_zh", "hops", "enterprise", "size_zh", "segment", "region_code", "via", "in_scope"],
    "benchmark_gaps": ["metric", "unit", "direction_zh", "domestic_advanced", "international_advanced",
                       "firms_measured", "mean", "gap_domestic", "gap_international", "share_meets_domestic"],
}
"""Columns printed on the terminal (files get every column)."""


class EmbeddedBackend:
    """Named queries over an in-memory :class:`~chaingraph.graph.ChainGraph` (the default engine)."""

    def __init__(self, graph) -> None:
        self.graph = graph

    def __getattr__(self, name: str):
        from chaingraph import queries

        fn = getattr(queries, name)
        return lambda *a, **kw: fn(self.graph, *a, **kw)

    @property
    def meta(self) -> dict:
        return {"dataset": self.graph.name, "data_date": self.graph.meta.get("data_date")}


def _open_backend(source: str | None, neo4j: bool, database: str | None):
    if neo4j:
        from chaingraph.neo4j.graph import Neo4jGraph
        from chaingraph.neo4j.load import connect

        return Neo4jGraph(connect(), database=database)
    if source is None:
        raise click.UsageError("give a DATASET or STORE (or --neo4j)")
    from chaingraph.graph.store import is_store, open_graph

    if not is_store(source):
        _progress(f"validating and building {source} (save a store with `chaingraph build` to skip this)")
    g = open_graph(source)
    errors = g.meta.get("errors") or 0
    if errors:
        click.echo(f"warning: {errors} validation errors in {source}; using the accepted rows "
                   f"(see `chaingraph validate {source}`)", err=True)
    return EmbeddedBackend(g)


def _emit(df: pd.DataFrame, query: str, output: Path | None, lang: str, meta: dict | None = None) -> None:
    from chaingraph.export.labels import relabel
    from chaingraph.export.tables import write_frame

    if output is not None:
        write_frame(relabel(df, lang, query), output, sheet=query, meta=meta)
        click.echo(f"wrote {output} ({len(df)} rows)")
        return
    shown = df[[c for c in DISPLAY.get(query, list(df.columns)) if c in df.columns]]
    _print_frame(relabel(shown.round(3), lang, query))
    click.echo(f"({len(df)} rows; -o FILE writes every column)", err=True)


def scope_options(f):
    """Shared options: the source, the scope, the output and the engine."""
    f = click.option("--database", help="Neo4j database name (with --neo4j).")(f)
    f = click.option("--neo4j", is_flag=True, help="Run on Neo4j (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD).")(f)
    f = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                     help="Column headers: Chinese or English.")(f)
    f = click.option("-o", "--output", type=click.Path(path_type=Path),
                     help="Write to FILE: .csv, .xlsx, .json or .md (format from the extension).")(f)
    f = click.option("--chain", help="Chain id or name (童装, childrenswear).")(f)
    f = click.option("--region", help="Region code or name (330502, 吴兴区, 湖州市吴兴区); covers regions below it.")(f)
    f = click.argument("source", required=False, metavar="DATASET_OR_STORE")(f)
    return f


@cli.command("problems")
@scope_options
@click.option("--segment", help="Restrict the scope to one segment (id or name).")
@click.option("--min-firms", default=3, show_default=True, type=click.IntRange(min=1),
              help="A common problem affects at least this many firms.")
@click.option("--min-share", default=0.10, show_default=True, type=click.FloatRange(0, 1),
              help="…and the Wilson 95% lower bound of its share of firms is at least this.")
@click.option("--exclude-resolved", is_flag=True, help="Do not count firms whose problem is resolved.")
def problems_cmd(source, region, chain, output, lang, neo4j, database, segment, min_firms, min_share,
                 exclude_resolved) -> None:
    """The list of common quality problems (区域产业共性质量问题清单).

    With -o FILE.xlsx: a workbook with a summary sheet and one sheet per category.
    """
    from datetime import datetime

    from chaingraph.export.tables import problem_workbook, write_xlsx

    b = _open_backend(source, neo4j, database)
    df = b.common_problems(region, chain, segment, min_firms=min_firms, min_share=min_share,
                           include_resolved=not exclude_resolved)
    if output is not None and output.suffix.lower() == ".xlsx":
        meta = {**getattr(b, "meta", {}), "region": _region_label(region), "chain": chain, "segment": segment,
                "min_firms": min_firms, "min_share": min_share,
                "generated": datetime.now().isoformat(timespec="seconds")}
        write_xlsx(problem_workbook(df, meta, lang=lang), output)
        click.echo(f"wrote {output} ({len(df)} problems, {int(df['is_common'].sum())} common)")
        return
    _emit(df, "common_problems", output, lang,
          {**getattr(b, "meta", {}), "min_firms": min_firms, "min_share": min_share})


def _region_label(region: str | None) -> str:
    if region is None:
        return "全部区域"
    from chaingraph.ingest.regions import load_regions

    r = load_regions()
    code = r.resolve(region)
    return f"{r.full_name(code)}（{code}）"


@cli.command("composition")
@scope_options
def composition_cmd(source, region, chain, output, lang, neo4j, database) -> None:
    """Firms by segment × size class, certification and quality level (构成、分布、质量水平)."""
    b = _open_backend(source, neo4j, database)
    _emit(b.composition(region, chain), "composition", output, lang)


@cli.command("leaders")
@scope_options
@click.option("--hops", default=2, show_default=True, type=click.IntRange(min=1),
              help="Supply steps counted for reach (辐射带动).")
@click.option("--candidates", default=10, show_default=True, type=click.IntRange(min=0),
              help="Data-driven candidates to list beside the designated leaders.")
@click.option("--reach", is_flag=True, help="List the small/micro firms each designated leader reaches instead.")
def leaders_cmd(source, region, chain, output, lang, neo4j, database, hops, candidates, reach) -> None:
    """Designated chain leaders (链主企业), data-driven candidates, and their reach."""
    b = _open_backend(source, neo4j, database)
    if reach:
        if neo4j:
            raise click.UsageError("--reach runs on the embedded engine only (give a DATASET or STORE)")
        _emit(b.leader_reach(region, chain, hops=hops), "leader_reach", output, lang)
    else:
        _emit(b.leaders(region, chain, hops=hops, candidates=candidates), "leaders", output, lang)


@cli.command("weak-links")
@scope_options
@click.option("--dense-factor", default=1.5, show_default=True, type=click.FloatRange(min=1),
              help="Problem-dense: observations per firm above this multiple of the chain average.")
def weak_links_cmd(source, region, chain, output, lang, neo4j, database, dense_factor) -> None:
    """Gaps (补链), single-supplier dependencies, articulation points, problem-dense segments."""
    b = _open_backend(source, neo4j, database)
    _emit(b.weak_links(region, chain, dense_factor=dense_factor), "weak_links", output, lang)


@cli.command("exposure")
@scope_options
@click.option("--problem", required=True, help="Problem id or name.")
@click.option("--max-hops", type=click.IntRange(min=1), help="Follow at most this many supply steps.")
@click.option("--include-resolved", is_flag=True, help="Also start from firms whose problem is resolved.")
def exposure_cmd(source, region, chain, output, lang, neo4j, database, problem, max_hops, include_resolved) -> None:
    """Firms downstream of firms that have PROBLEM, through supply paths (风险传导)."""
    b = _open_backend(source, neo4j, database)
    _emit(b.exposure(problem, region, chain, max_hops=max_hops, include_resolved=include_resolved), "exposure",
          output, lang)


@cli.command("gaps")
@scope_options
@click.option("--detail", is_flag=True, help="One row per firm × metric.")
def gaps_cmd(source, region, chain, output, lang, neo4j, database, detail) -> None:
    """Measured values against domestic and international advanced levels (与先进水平比对)."""
    b = _open_backend(source, neo4j, database)
    _emit(b.benchmark_gaps(region, chain, detail=detail), "benchmark_gaps", output, lang)


def _demo_problems(g, out: Path) -> list[Path]:
    from datetime import datetime

    from chaingraph.export.labels import relabel
    from chaingraph.export.tables import problem_workbook, write_xlsx
    from chaingraph.queries import common_problems

    chain = str(g.tables["chains"]["id"].iloc[0])
    region = str(g.tables["leaders"]["region_code"].iloc[0]) if len(g.tables["leaders"]) else None
    df = common_problems(g, region, chain)
    meta = {"dataset": g.name, "data_date": g.meta.get("data_date"), "region": _region_label(region),
            "chain": f"{g.tables['chains']['name'].iloc[0]}（{chain}）", "min_firms": 3, "min_share": 0.10, "generated": datetime.now().isoformat(timespec="seconds")}
    path = write_xlsx(problem_workbook(df, meta), out / "共性质量问题清单.xlsx")
    click.echo()
    chain_name = str(g.tables["chains"]["name"].iloc[0])
    click.echo(f"共性质量问题清单 — {meta['region']} × {chain_name}: {len(df)} problems, "
               f"{int(df['is_common'].sum())} common")
    _print_frame(relabel(df[DISPLAY["common_problems"]].head(8).round(3), "zh", "common_problems"))
    return [path]


_DEMO_STEPS.append(_demo_problems)


@cli.command("map")
@click.argument("source", required=False, metavar="DATASET_OR_STORE")
@click.option("--region", help="Region code or name.")
@click.option("--chain", help="Chain id or name; omit to draw every chain of the region.")
@click.option("--dimension", type=click.Choice(["region", "industry"]), default="region", show_default=True,
              help="region: one region's chain; industry: one chain across regions (regions as groups).")
@click.option("--enterprise", help="Enterprise dimension: this firm's (USCC or name) up- and downstream.")
@click.option("--hops", default=2, show_default=True, type=click.IntRange(min=1),
              help="Supply steps around --enterprise.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="HTML file to write.")
@click.option("--color-by", type=click.Choice(["size", "certification"]), default="size", show_default=True)
@click.option("--size-by", type=click.Choice(["revenue", "degree"]), default="revenue", show_default=True)
@click.option("--hide-problems", is_flag=True, help="Start with problem hot spots hidden (a switch shows them).")
@click.option("--max-nodes", default=2500, show_default=True, type=click.IntRange(min=10),
              help="Above this many firms: a segment summary page plus one page per segment.")
def map_cmd(source, region, chain, dimension, enterprise, hops, output, color_by, size_by, hide_problems,
            max_nodes) -> None:
    """Write the interactive chain map (强链图谱) as self-contained HTML that opens offline."""
    from chaingraph.queries import chain_map, enterprise_map
    from chaingraph.render.html import write_map_html

    b = _open_backend(source, False, None)
    if enterprise:
        cm = enterprise_map(b.graph, enterprise, hops=hops)
    else:
        cm = chain_map(b.graph, region, chain, dimension=dimension)
    paths = write_map_html(cm, output, color_by=color_by, size_by=size_by, show_problems=not hide_problems,
                           max_nodes=max_nodes)
    counts = cm.meta.get("counts", {})
    click.echo(f"{cm.meta['title']}: {counts.get('enterprises', 0)} firms, {counts.get('supply_edges', 0)} supply "
               f"edges, {counts.get('problems', 0)} problems")
    for p in paths:
        click.echo(f"wrote {p}")


@cli.command("push")
@click.argument("source", metavar="DATASET_OR_STORE")
@click.option("--uri", help="Neo4j URI (default $NEO4J_URI), e.g. neo4j://localhost:7687 or neo4j+s://….")
@click.option("--username", help="User (default $NEO4J_USERNAME). The password is read from $NEO4J_PASSWORD only.")
@click.option("--database", help="Named database (default: the server's default).")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(min=1),
              help="Rows per UNWIND batch (one managed write transaction each).")
@click.option("--clear", is_flag=True, help="Delete the model's nodes first (the database holds only this graph).")
def push_cmd(source, uri, username, database, batch_size, clear) -> None:
    """Load the graph into Neo4j: constraints, then batched MERGE; counts read back and compared.

    Re-running resumes an interrupted load without duplicating anything.
    """
    from chaingraph.graph.store import open_graph
    from chaingraph.neo4j.load import connect, push

    g = open_graph(source)
    driver = connect(uri=uri, user=username)
    last = {"step": None}

    def progress(step: str, done: int, total: int) -> None:
        if step != last["step"] or done == total:
            click.echo(f"… {step}: {done}/{total}", err=True)
            last["step"] = step

    try:
        report = push(g, driver, database=database, batch_size=batch_size, progress=progress, clear=clear)
    finally:
        driver.close()
    _print_frame(report)
    click.echo(f"pushed {g.name}: counts match for {int(report['ok'].sum())} labels and types")


@cli.command("query")
@click.argument("text_or_file", metavar="FILE_OR_TEXT")
@click.option("--param", "params", multiple=True, metavar="K=V",
              help="Query parameter; V is read as JSON when it parses (42, true, [1,2]), else as text. Repeatable.")
@click.option("--database", help="Named database.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to .csv, .xlsx, .json or .md.")
def query_cmd(text_or_file, params, database, output) -> None:
    """Run a read-only Cypher query on Neo4j (a .cypher file or the text itself).

    Runs in a read transaction; statements that write are refused before connecting.
    Connection from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD.
    """
    from chaingraph.neo4j.graph import check_read_only, parse_params, run_query
    from chaingraph.neo4j.load import connect

    text = Path(text_or_file).read_text(encoding="utf-8") if text_or_file.endswith(".cypher") else text_or_file
    check_read_only(text)
    values = parse_params(params)
    driver = connect()
    try:
        df = run_query(driver, text, values, database=database)
    finally:
        driver.close()
    if output is not None:
        from chaingraph.export.tables import write_frame

        write_frame(df, output)
        click.echo(f"wrote {output} ({len(df)} rows)")
    else:
        _print_frame(df)


@cli.command("synth")
@click.option("--enterprises", "n", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Number of firms (about 5 supply edges and 10 problem observations each).")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Same seed and size give byte-identical files.")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path), help="Folder to write.")
def synth_cmd(n, seed, out) -> None:
    """Write a synthetic national-scale dataset (real adcodes, many chains) for trials and benchmarks."""
    from chaingraph.synth.generate import write_synthetic

    last: dict[str, int] = {}

    def progress(table: str, rows: int) -> None:
        if table not in last:
            click.echo(f"… writing {table}", err=True)
        last[table] = rows

    try:
        counts = write_synthetic(out, n, seed=seed, progress=progress)
    except (FileExistsError, ValueError) as exc:
        raise ChainGraphError(str(exc)) from exc
    _print_frame(pd.DataFrame({"table": list(counts), "rows": list(counts.values())}))
    click.echo(f"wrote {out} (synthetic, seed {seed})")


def _demo_map(g, out: Path) -> list[Path]:
    from chaingraph.queries import chain_map
    from chaingraph.render.html import write_map_html

    chain = str(g.tables["chains"]["id"].iloc[0])
    region = str(g.tables["leaders"]["region_code"].iloc[0]) if len(g.tables["leaders"]) else None
    paths = write_map_html(chain_map(g, region, chain), out / "强链图谱.html")
    click.echo(f"chain map: {paths[0]} (open it in a browser; it needs no network)")
    return list(paths)


_DEMO_STEPS.append(_demo_map)


def main() -> None:
    """Console-script entry point.

    Raises
    ------
    SystemExit
        Always, with the command's exit status.
    """
    cli(prog_name="chaingraph")


if __name__ == "__main__":  # pragma: no cover
    main()
