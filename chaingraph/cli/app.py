"""The ``chaingraph`` click group and what its commands share: one-line errors, progress and table printing,
the bundled samples, the demo's step registry and the query engine a command runs on.

Example
-------
>>> from chaingraph.cli.app import SAMPLES
>>> SAMPLES[0]
'wuxing-childrenswear'
"""

from __future__ import annotations

import logging
import sys
from importlib import resources
from pathlib import Path

import click
import pandas as pd

from chaingraph import __version__
from chaingraph.errors import ChainGraphError

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


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chaingraph")
def cli() -> None:
    """chaingraph — industry-chain quality knowledge graph (产业链质量知识图谱).

    Validate analysts' spreadsheets, build the chain graph, list common quality
    problems, and draw offline chain maps.
    """


_DEMO_STEPS: list = []
"""Further demo steps (problem list, map) registered by the modules that own them."""


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
