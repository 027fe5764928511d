"""The assistance-ledger commands: ``ledger`` (帮扶台账), ``ledger-summary`` (帮扶成效统计) and ``progress``
(目标进度).

Example
-------
::

    chaingraph ledger out/wuxing.cgstore --region 吴兴区 --chain 童装 -o 帮扶台账.xlsx
    chaingraph ledger-summary out/wuxing.cgstore --by body
    chaingraph progress out/wuxing.cgstore --as-of 2024-12-31
"""

from __future__ import annotations

import click

from chaingraph.cli.app import _open_backend, cli
from chaingraph.cli.queries import DISPLAY, _day, _emit, scope_options

DISPLAY.update({
    "ledger": ["started", "body", "enterprise", "size_zh", "problem", "dimension", "days_open", "status_zh",
               "effects_zh", "satisfaction_zh"],
    "ledger_summary": ["group", "group_name", "firms", "records", "open", "improving", "resolved", "effect_share",
                       "satisfaction_rate", "certified_after"],
    "progress": ["metric_zh", "region_code", "chain_id", "target", "actual", "share_done", "deadline",
                 "expected_by_now", "on_track"],
})

def _days(df, output):
    """On the terminal, dates as days (files keep the typed columns)."""
    if output is not None:
        return df
    return df.assign(**{c: df[c].dt.date for c in df.columns if str(df[c].dtype).startswith("datetime")})


_AS_OF = click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="DATE",
                       help="Progress as it stood on this day (default: the data date).")


@cli.command("ledger")
@scope_options
@click.option("--body", help="Only this certification body's records (id or name).")
@click.option("--status", help="Only records with this status (open / improving / resolved, 未解决 / 整改中 / 已解决).")
def ledger_cmd(source, region, chain, output, lang, neo4j, database, body, status, as_of) -> None:
    """The assistance ledger (帮扶台账): one row per assistance record."""
    b = _open_backend(source, neo4j, database)
    _emit(_days(b.ledger(region, chain, body=body, status=status, as_of=_day(as_of)), output), "ledger", output, lang)


@cli.command("ledger-summary")
@scope_options
@click.option("--by", type=click.Choice(["body", "region", "chain", "problem"]),
              help="One row per certification body, county, chain or problem (default: one row).")
@click.option("--body", help="Only this certification body's records (id or name).")
@click.option("--status", help="Only records with this status.")
def ledger_summary_cmd(source, region, chain, output, lang, neo4j, database, by, body, status, as_of) -> None:
    """The evaluation figures of the ledger (帮扶成效统计): firms, status, effects, satisfaction, certificates."""
    b = _open_backend(source, neo4j, database)
    _emit(b.ledger_summary(region, chain, by=by, body=body, status=status, as_of=_day(as_of)), "ledger_summary",
          output, lang)


@cli.command("progress")
@click.argument("source", required=False, metavar="DATASET_OR_STORE")
@click.option("-o", "--output", type=click.Path(), help="Write to FILE: .csv, .xlsx, .json or .md.")
@click.option("--lang", type=click.Choice(["zh", "en"]), default=None,
              help="Column headers: Chinese or English (default: chaingraph --lang, else $CHAINGRAPH_LANG, else zh).")
@click.option("--neo4j", is_flag=True, help="Run on Neo4j (NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD).")
@click.option("--database", help="Neo4j database name (with --neo4j).")
@_AS_OF
def progress_cmd(source, output, lang, neo4j, database, as_of) -> None:
    """Progress against the targets (目标进度): target, actual, share done, deadline, on track."""
    from pathlib import Path

    b = _open_backend(source, neo4j, database)
    out = Path(output) if output else None
    _emit(_days(b.progress(as_of=_day(as_of)), out), "progress", out, lang)

