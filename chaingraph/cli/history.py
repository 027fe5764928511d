"""The history commands: ``changes`` (the problem list at two dates, or of two stores, side by side) and
``compare`` (problem shares across the sub-regions of a region).

Example
-------
::

    chaingraph changes out/wuxing.cgstore --region 吴兴区 --chain 童装 --since 2023-12-31 -o 变化.xlsx
    chaingraph changes out/2024.cgstore --against out/2023.cgstore --region 吴兴区 --chain 童装
    chaingraph compare out/wuxing.cgstore --region 湖州市 --chain 童装 -o 区域对比.csv
"""

from __future__ import annotations

import click

from chaingraph.cli.app import _open_backend, cli, header_language
from chaingraph.cli.queries import DISPLAY, _day, _emit, scope_options

_DATE = click.DateTime(["%Y-%m-%d"])
DISPLAY["problem_changes"] = ["change_zh", "problem_id", "problem", "category_zh", "affected_before", "affected_after",
                              "share_before", "share_after", "severity_before", "severity_after", "common_before",
                              "common_after", "enterprise_id", "enterprise"]


@cli.command("changes")
@scope_options
@click.option("--since", type=_DATE, metavar="DATE", help="The earlier date (with --against: of OTHER_STORE).")
@click.option("--until", type=_DATE, metavar="DATE", help="The later date (default: the latest state).")
@click.option("--against", "against", metavar="OTHER_STORE",
              help="Compare with an earlier build (a store or dataset) instead of an earlier date.")
@click.option("--min-firms", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--min-share", default=0.10, show_default=True, type=click.FloatRange(0, 1))
def changes_cmd(source, region, chain, output, lang, neo4j, database, as_of, since, until, against, min_firms,
                min_share) -> None:
    """What changed in the problem list (问题清单变化): new, resolved, worse, better, persisting; firms that
    entered or left the scope."""
    from chaingraph.queries.changes import problem_changes, problem_changes_between

    if chain is None:
        raise click.UsageError("give --chain (a problem list is per chain)")
    until = _day(until) or _day(as_of)
    b = _open_backend(source, neo4j, database)
    target = getattr(b, "graph", b)
    if against:
        before = _open_backend(against, False, None).graph
        df = problem_changes_between(before, target, region, chain, since=_day(since), until=until,
                                     min_firms=min_firms, min_share=min_share)
    else:
        if since is None:
            raise click.UsageError("give --since DATE, or --against OTHER_STORE")
        df = problem_changes(target, region, chain, since=_day(since), until=until, min_firms=min_firms,
                             min_share=min_share)
    _emit(df, "problem_changes", output, lang)


@cli.command("compare")
@scope_options
@click.option("--min-firms", default=3, show_default=True, type=click.IntRange(min=1))
@click.option("--min-share", default=0.10, show_default=True, type=click.FloatRange(0, 1))
@click.option("--exclude-resolved", is_flag=True, help="Do not count firms whose problem is resolved.")
def compare_cmd(source, region, chain, output, lang, neo4j, database, as_of, min_firms, min_share,
                exclude_resolved) -> None:
    """Problem shares across the sub-regions of a region (区域对比): one row per sub-region."""
    from chaingraph.queries.compare import compare_regions

    if chain is None:
        raise click.UsageError("give --chain (a problem list is per chain)")
    b = _open_backend(source, neo4j, database)
    df = compare_regions(getattr(b, "graph", b), region, chain, min_firms=min_firms, min_share=min_share,
                         include_resolved=not exclude_resolved, as_of=_day(as_of))
    if header_language(lang) == "zh":  # problem columns: 名称(编号)
        names = _problem_names(b)
        df = df.rename(columns={c: f"{names[c]}({c})" for c in df.columns if c in names})
    _emit(df, "compare_regions", output, lang)


def _problem_names(b) -> dict[str, str]:
    graph = getattr(b, "graph", None)
    if graph is not None:
        p = graph.tables["problems"]
    else:
        p = b._catalogs("problem names", "catalog_problems")["catalog_problems"]
    return dict(zip(p["id"].astype(str), p["name"].astype(str), strict=True))
