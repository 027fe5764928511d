"""The named-query commands: ``problems``, ``composition``, ``leaders``, ``weak-links``, ``exposure`` and
``gaps``, with their shared scope options, the columns each prints and the demo's problem-list step.

Example
-------
::

    chaingraph problems out/wuxing.cgstore --region 吴兴区 --chain 童装 -o 共性质量问题清单.xlsx
    chaingraph leaders out/wuxing.cgstore --chain childrenswear --reach
"""

from __future__ import annotations

from pathlib import Path

import click
import pandas as pd

from chaingraph.cli.app import _DEMO_STEPS, _open_backend, _print_frame, cli, header_language
from chaingraph.i18n import _

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


def _emit(df: pd.DataFrame, query: str, output: Path | None, lang: str, meta: dict | None = None) -> None:
    from chaingraph.export.labels import relabel
    from chaingraph.export.tables import write_frame

    lang = header_language(lang)

    if output is not None:
        write_frame(relabel(df, lang, query), output, sheet=query, meta=meta)
        click.echo(_("wrote {path} ({rows} rows)").format(path=output, rows=len(df)))
        return
    shown = df[[c for c in DISPLAY.get(query, list(df.columns)) if c in df.columns]]
    _print_frame(relabel(shown.round(3), lang, query))
    click.echo(_("({rows} rows; -o FILE writes every column)").format(rows=len(df)), err=True)


def scope_options(f):
    """Shared options: the source, the scope, the output and the engine."""
    f = click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="DATE",
                     help="The state on DATE (YYYY-MM-DD): later observations, measurements, certificates, "
                          "assistance and designations are ignored.")(f)
    f = click.option("--database", help="Neo4j database name (with --neo4j).")(f)
    f = click.option("--neo4j", is_flag=True, help="Run on Neo4j (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD).")(f)
    f = click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
                     help="Column headers: Chinese or English (default: chaingraph --lang, else $CHAINGRAPH_LANG, "
                          "else zh).")(f)
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
def problems_cmd(source, region, chain, output, lang, neo4j, database, as_of, segment, min_firms, min_share,
                 exclude_resolved) -> None:
    """The list of common quality problems (区域产业共性质量问题清单).

    With -o FILE.xlsx: a workbook with a summary sheet and one sheet per category.
    """
    from datetime import datetime

    from chaingraph.export.tables import problem_workbook, write_xlsx

    b = _open_backend(source, neo4j, database)
    df = b.common_problems(region, chain, segment, min_firms=min_firms, min_share=min_share,
                           include_resolved=not exclude_resolved, as_of=_day(as_of))
    firms = _firms_in_scope(b, region, chain, segment)
    if firms and not len(df):
        click.echo(f"{firms:,} firms in scope, but no problem is recorded for any of them "
                   "(observations: none in this scope)", err=True)
    elif firms == 0:
        click.echo("no firm in this scope (check --region and --chain)", err=True)
    if output is not None and output.suffix.lower() == ".xlsx":
        meta = {**getattr(b, "meta", {}), "region": _region_label(region), "chain": chain, "segment": segment,
                "min_firms": min_firms, "min_share": min_share, "firms_in_scope": firms, "as_of": _day(as_of),
                "generated": datetime.now().isoformat(timespec="seconds")}
        write_xlsx(problem_workbook(df, meta, lang=header_language(lang)), output)
        click.echo(f"wrote {output} ({len(df)} problems, {int(df['is_common'].sum())} common)")
        return
    _emit(df, "common_problems", output, lang,
          {**getattr(b, "meta", {}), "min_firms": min_firms, "min_share": min_share})


def _day(as_of):
    """The ``--as-of`` value as a date (None stays None)."""
    return as_of.date() if as_of is not None else None


def _firms_in_scope(b, region: str | None, chain: str | None, segment: str | None) -> int | None:
    """Firms in the scope on the embedded engine (None on Neo4j: the problem list's own count is used)."""
    graph = getattr(b, "graph", None)
    if graph is None:
        return None
    return len(graph.scope(region, chain, segment))


def _region_label(region: str | None) -> str:
    if region is None:
        return "全部区域"
    from chaingraph.ingest.regions import load_regions

    r = load_regions()
    code = r.resolve(region)
    return f"{r.full_name(code)}（{code}）"


@cli.command("composition")
@scope_options
def composition_cmd(source, region, chain, output, lang, neo4j, database, as_of) -> None:
    """Firms by segment × size class, certification and quality level (构成、分布、质量水平)."""
    b = _open_backend(source, neo4j, database)
    _emit(b.composition(region, chain, as_of=_day(as_of)), "composition", output, lang)


@cli.command("leaders")
@scope_options
@click.option("--hops", default=2, show_default=True, type=click.IntRange(min=1),
              help="Supply steps counted for reach (辐射带动).")
@click.option("--candidates", default=10, show_default=True, type=click.IntRange(min=0),
              help="Data-driven candidates to list beside the designated leaders.")
@click.option("--reach", is_flag=True, help="List the small/micro firms each designated leader reaches instead.")
def leaders_cmd(source, region, chain, output, lang, neo4j, database, as_of, hops, candidates, reach) -> None:
    """Designated chain leaders (链主企业), data-driven candidates, and their reach."""
    b = _open_backend(source, neo4j, database)
    if reach:
        if neo4j:
            raise click.UsageError("--reach runs on the embedded engine only (give a DATASET or STORE)")
        _emit(b.leader_reach(region, chain, hops=hops, as_of=_day(as_of)), "leader_reach", output, lang)
    else:
        _emit(b.leaders(region, chain, hops=hops, candidates=candidates, as_of=_day(as_of)), "leaders", output,
              lang)


@cli.command("weak-links")
@scope_options
@click.option("--dense-factor", default=1.5, show_default=True, type=click.FloatRange(min=1),
              help="Problem-dense: observations per firm above this multiple of the chain average.")
def weak_links_cmd(source, region, chain, output, lang, neo4j, database, as_of, dense_factor) -> None:
    """Gaps (补链), single-supplier dependencies, articulation points, problem-dense segments."""
    b = _open_backend(source, neo4j, database)
    _emit(b.weak_links(region, chain, dense_factor=dense_factor, as_of=_day(as_of)), "weak_links", output, lang)


@cli.command("exposure")
@scope_options
@click.option("--problem", required=True, help="Problem id or name.")
@click.option("--max-hops", type=click.IntRange(min=1), help="Follow at most this many supply steps.")
@click.option("--include-resolved", is_flag=True, help="Also start from firms whose problem is resolved.")
def exposure_cmd(source, region, chain, output, lang, neo4j, database, as_of, problem, max_hops,
                 include_resolved) -> None:
    """Firms downstream of firms that have PROBLEM, through supply paths (风险传导)."""
    b = _open_backend(source, neo4j, database)
    _emit(b.exposure(problem, region, chain, max_hops=max_hops, include_resolved=include_resolved,
                     as_of=_day(as_of)), "exposure", output, lang)


@cli.command("gaps")
@scope_options
@click.option("--detail", is_flag=True, help="One row per firm × metric.")
def gaps_cmd(source, region, chain, output, lang, neo4j, database, as_of, detail) -> None:
    """Measured values against domestic and international advanced levels (与先进水平比对)."""
    b = _open_backend(source, neo4j, database)
    _emit(b.benchmark_gaps(region, chain, detail=detail, as_of=_day(as_of)), "benchmark_gaps", output, lang)


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
