"""The ``chaingraph`` click group and what its commands share: one-line errors, progress and table printing,
the bundled samples, the demo's step registry and the query engine a command runs on.

Example
-------
>>> from chaingraph.cli.app import SAMPLES
>>> SAMPLES[0]
'wuxing-childrenswear'
"""

from __future__ import annotations

import inspect
import logging
import sys
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import click
import pandas as pd

from chaingraph import __version__
from chaingraph.cli import bars
from chaingraph.errors import ChainGraphError
from chaingraph.i18n import LANGUAGES, _, current_language, set_language

logging.getLogger("neo4j").addHandler(logging.NullHandler())  # the driver's own warnings are not for analysts
pd.set_option("display.unicode.east_asian_width", True)
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 30)
pd.set_option("display.max_colwidth", 60)

SAMPLES = ("wuxing-childrenswear", "anping-wiremesh", "shangyu-umbrella")


@contextmanager
def _translated(obj):
    """Show ``obj.help`` (a command's or option's) in the message language while click formats it."""
    original = getattr(obj, "help", None)
    if original:
        obj.help = _(inspect.cleandoc(original))
    try:
        yield
    finally:
        if original:
            obj.help = original


class _Translated:
    """Help of a command and of its options in the message language (gettext msgids: the English help)."""

    def format_help_text(self, ctx, formatter):  # noqa: D401 - click API
        with _translated(self):
            super().format_help_text(ctx, formatter)

    def get_short_help_str(self, limit: int = 45) -> str:  # noqa: D401 - click API
        with _translated(self):
            return super().get_short_help_str(limit if current_language() == "en" else 30)

    def format_options(self, ctx, formatter):  # noqa: D401 - click API
        params = [p for p in self.get_params(ctx) if getattr(p, "help", None)]
        saved = [p.help for p in params]
        for p in params:
            p.help = _(inspect.cleandoc(p.help))
        try:
            super().format_options(ctx, formatter)
        finally:
            for p, h in zip(params, saved, strict=True):
                p.help = h


class _Command(_Translated, click.Command):
    """A chaingraph command: its help in the message language."""


class _Group(_Translated, click.Group):
    """A click group that turns chaingraph errors into one-line messages (in the message language)."""

    command_class = _Command

    def make_context(self, info_name, args, parent=None, **extra):  # noqa: D401 - click API
        set_language(None)  # --lang (eager) overrides this; `--help` before it still speaks the resolved language
        bars.set_quiet(False)
        return super().make_context(info_name, args, parent=parent, **extra)

    def invoke(self, ctx: click.Context):  # noqa: D401 - click API
        try:
            return super().invoke(ctx)
        except ChainGraphError as exc:
            click.echo(_("Error: {message}").format(message=exc), err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo(_("Interrupted."), err=True)
            sys.exit(130)


def _progress(msg: str) -> None:
    """One ``… msg`` phase line on stderr (none with ``chaingraph --quiet``)."""
    if not bars.quiet():
        click.echo(f"… {msg}", err=True)


def _set_lang(ctx: click.Context, param, value: str | None) -> str:
    ctx.meta["chaingraph.lang"] = value  # the explicit choice (None: resolved); query headers follow it
    return set_language(value)


def _set_quiet(ctx: click.Context, param, value: bool) -> bool:
    bars.set_quiet(value)
    return value


def header_language(lang: str | None) -> str:
    """Language of a query's column headers: the command's ``--lang``, else ``chaingraph --lang``, else
    ``$CHAINGRAPH_LANG``, else Chinese (the headers' long-standing default, whatever the locale).

    Raises
    ------
    None
        Never.

    Example
    -------
    >>> header_language("en")
    'en'
    """
    if lang:
        return lang
    ctx = click.get_current_context(silent=True)
    explicit = ctx.meta.get("chaingraph.lang") if ctx is not None else None
    if explicit:
        return explicit
    import os

    env = (os.environ.get("CHAINGRAPH_LANG") or "").strip().lower()[:2]
    return env if env in LANGUAGES else "zh"


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
        click.echo(_("(none)"))
        return
    click.echo(df.astype(object).where(df.notna(), "").to_string(index=False, max_rows=max_rows))


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="chaingraph")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, is_eager=True, expose_value=False,
              callback=_set_lang,
              help="Message language (and query column headers): zh or en; default $CHAINGRAPH_LANG, "
                   "else the locale (zh_* is Chinese), else English.")
@click.option("--quiet", "-q", is_flag=True, expose_value=False, callback=_set_quiet,
              help="No progress bars or progress lines on stderr.")
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
        raise click.UsageError(_("give a DATASET or STORE (or --neo4j)"))
    from chaingraph.graph.store import is_store, open_graph

    if not is_store(source):
        _progress(_("validating and building {source} (save a store with `chaingraph build` to skip this)")
                  .format(source=source))
    g = open_graph(source)
    errors = g.meta.get("errors") or 0
    if errors:
        click.echo(_("warning: {errors} validation errors in {source}; using the accepted rows "
                     "(see `chaingraph validate {source}`)").format(errors=errors, source=source), err=True)
    return EmbeddedBackend(g)
