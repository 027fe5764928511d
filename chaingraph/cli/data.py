"""Data commands: ``validate``, ``build``, ``info``, ``demo`` (a bundled sample end to end) and ``synth``.

Example
-------
::

    chaingraph validate datasets/defects --report report.csv
    chaingraph build datasets/wuxing-childrenswear -o out/wuxing.cgstore
    chaingraph synth --enterprises 3000 --seed 7 -o out/synth-3k
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
import pandas as pd

from chaingraph.cli.app import _DEMO_STEPS, SAMPLES, _print_frame, cli, sample_path
from chaingraph.cli.bars import StepBar
from chaingraph.errors import ChainGraphError, OutputError
from chaingraph.i18n import _, current_language

_SUMMARY_COLUMNS = ["table", "files", "encoding", "read", "accepted", "rejected", "merged", "derived", "errors",
                    "warnings", "balanced"]
_ISSUE_COLUMNS = ["severity", "code", "file", "sheet", "row", "column", "value", "message"]


def _summary_text(result) -> str:
    from chaingraph.model import TABLES

    s = result.summary
    s = s[(s["read"] > 0) | (s["errors"] > 0) | (s["derived"] > 0) | (s["files"] != "")][_SUMMARY_COLUMNS].copy()
    if current_language() != "en":
        s["table"] = [f"{t} {TABLES[t].zh}" if t in TABLES and TABLES[t].zh else t for t in s["table"]]
        s["balanced"] = s["balanced"].map({True: _("yes"), False: _("no")})
    return s.rename(columns={c: _(c) for c in _SUMMARY_COLUMNS}).to_string(index=False)


def _issues_frame(issues: pd.DataFrame) -> pd.DataFrame:
    """The issues as printed: in Chinese, severity translated and the reason's Chinese text before the detail."""
    from chaingraph.reasons import REASONS

    df = issues[_ISSUE_COLUMNS].copy()
    if current_language() == "en":
        return df
    df["severity"] = df["severity"].map(lambda v: _(v))
    df.insert(df.columns.get_loc("message"), "reason", df["code"].map(lambda c: REASONS[c].zh if c in REASONS else ""))
    return df.rename(columns={c: _(c) for c in df.columns})


def _validate_with_bar(dataset, **kw):
    from chaingraph.model import LOAD_ORDER
    from chaingraph.validate.core import validate

    with StepBar(_("validating {dataset}").format(dataset=dataset), len(LOAD_ORDER)) as bar:
        return validate(dataset, progress=bar.advance, **kw)


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


_INFER_REGION = click.option(
    "--infer-region", is_flag=True,
    help="Where a firm has no region, infer it from its name or address (marked region_source=inferred).")


@cli.command("validate")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("--strict", is_flag=True, help="Treat warnings as errors (rows with warnings are rejected).")
@click.option("--report", type=click.Path(path_type=Path), help="Write every issue to FILE (.csv, .xlsx, .json, .md).")
@click.option("--rejects", "rejects_dir", type=click.Path(path_type=Path),
              help="Write each table's rejected rows, verbatim with their reasons, into DIR.")
@click.option("--quiet", "-q", is_flag=True, help="Print the summary only, not every issue.")
@_INFER_REGION
def validate_cmd(dataset: Path, strict: bool, report: Path | None, rejects_dir: Path | None, quiet: bool,
                 infer_region: bool) -> None:
    """Check DATASET and report every problem; exit 1 if there are errors.

    DATASET is a folder of tables, an .xlsx workbook or a datapackage.json.
    """
    result = _validate_with_bar(dataset, strict=strict, infer_region=infer_region)
    click.echo(_summary_text(result))
    click.echo()
    if not quiet and len(result.issues):
        _print_frame(_issues_frame(result.issues))
        click.echo()
    for p in _write_validation_outputs(result, report, rejects_dir):
        click.echo(_("wrote {path}").format(path=p))
    verdict = _("OK") if result.ok else _("FAILED")
    balance = _("balance") if result.balanced else _("DO NOT balance")
    click.echo(_("{verdict}: {errors} errors, {warnings} warnings; counts {balance} for every table").format(
        verdict=verdict, errors=result.n_errors, warnings=result.n_warnings, balance=balance))
    if not result.ok or not result.balanced:
        sys.exit(1)


@cli.command("build")
@click.argument("dataset", type=click.Path(path_type=Path))
@click.option("-o", "--output", "store", required=True, type=click.Path(path_type=Path),
              help="Store folder to write (e.g. out/wuxing.cgstore).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("--fail-on-errors", is_flag=True, help="Refuse to build when any row is rejected.")
@click.option("--report", type=click.Path(path_type=Path), help="Also write the validation issues to FILE.")
@_INFER_REGION
@click.option("--allow-partial", is_flag=True,
              help="Build even when a required table ends with no accepted rows or a whole file could not be read.")
def build_cmd(dataset: Path, store: Path, strict: bool, fail_on_errors: bool, report: Path | None,
              infer_region: bool, allow_partial: bool) -> None:
    """Validate DATASET and save its graph (accepted rows) as a fast binary STORE.

    By default the build is refused (exit 1, one ``build refused:`` line per reason) when the
    dataset is only partly usable: a required table ended with no accepted rows, or a whole file
    could not be read. ``--allow-partial`` builds from what was accepted.
    """
    from chaingraph.graph.store import build_lock

    with build_lock(store):  # a second build to the same store fails at once, before it validates
        _build(dataset, store, strict, fail_on_errors, report, infer_region, allow_partial)


def _build(dataset: Path, store: Path, strict: bool, fail_on_errors: bool, report: Path | None,
           infer_region: bool, allow_partial: bool) -> None:
    from chaingraph.graph.core import ChainGraph
    from chaingraph.graph.store import save
    from chaingraph.validate.core import partial_reasons

    t0 = time.perf_counter()
    result = _validate_with_bar(dataset, strict=strict, infer_region=infer_region)
    _write_validation_outputs(result, report, None)
    if fail_on_errors and not result.ok:
        click.echo(_summary_text(result))
        raise ChainGraphError(_("{errors} validation errors; not building (see `chaingraph validate`)")
                              .format(errors=result.n_errors))
    reasons = partial_reasons(result)
    if reasons and not allow_partial:
        click.echo(_summary_text(result))
        click.echo(_("not built: the dataset is only partly usable (--allow-partial builds from the accepted rows)"))
        for reason in reasons:
            click.echo(_("build refused: {reason}").format(reason=reason), err=True)
        sys.exit(1)
    for reason in reasons:
        click.echo(_("warning: partial build: {reason}").format(reason=reason), err=True)
    rows = int(result.summary["accepted"].sum())
    with StepBar(_("building and saving {store}").format(store=store), 2) as bar:
        g = ChainGraph.from_validation(result)
        bar.advance(_("graph built"), rows)
        save(g, store)
        bar.advance(_("saved"), 0)
    click.echo(_summary_text(result))
    click.echo(_("wrote {store} ({firms} enterprises) in {seconds:.1f} s; {errors} errors, {warnings} warnings in "
                 "the data").format(store=store, firms=len(g.tables["enterprises"]), seconds=time.perf_counter() - t0,
                                    errors=result.n_errors, warnings=result.n_warnings))


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
    for bad in g.meta.get("unread", []):
        click.echo(f"  NOT READ: {bad['file']}: {bad['code']}: {bad['message']}")
    flows, seg = g.tables.get("segment_flows"), g.tables.get("segments")
    if flows is not None and seg is not None and len(flows):
        chain_of = seg.set_index("id")["chain_id"]
        cross = int((flows["from_segment"].map(chain_of) != flows["to_segment"].map(chain_of)).sum())
        derived = next((r.get("derived", 0) for r in g.meta.get("validation", []) if r.get("table") == "segment_flows"), 0)
        click.echo(f"segment flows: {len(flows)} ({derived} derived from segment order, {cross} between chains)")
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
    src = sample_path(sample)
    out.mkdir(parents=True, exist_ok=True)
    result = _validate_with_bar(src)
    written = _write_validation_outputs(result, out / "validation-report.csv", out / "rejects")
    click.echo(_summary_text(result))
    g = ChainGraph.from_validation(result)
    store = save(g, out / f"{sample}.cgstore")
    written.append(store)
    click.echo()
    click.echo(_("graph: {graph}").format(graph=repr(g)))
    _print_frame(g.stats())
    for extra in _DEMO_STEPS:
        written.extend(extra(g, out))
    click.echo()
    click.echo(_("wrote into {folder}/:").format(folder=out))
    for p in written:
        click.echo(f"  {p}")


@cli.command("synth")
@click.option("--enterprises", "n", default=10_000, show_default=True, type=click.IntRange(min=1),
              help="Number of firms (about 5 supply edges and 10 problem observations each).")
@click.option("--seed", default=0, show_default=True, type=click.IntRange(min=0),
              help="Same seed and size give byte-identical files.")
@click.option("-o", "--output", "out", required=True, type=click.Path(path_type=Path), help="Folder to write.")
def synth_cmd(n, seed, out) -> None:
    """Write a synthetic national-scale dataset (real adcodes, many chains) for trials and benchmarks."""
    from chaingraph.model import LOAD_ORDER
    from chaingraph.synth.generate import write_synthetic

    last: dict[str, int] = {}

    with StepBar(_("writing synthetic dataset {folder}").format(folder=out), len(LOAD_ORDER) - 1) as bar:
        def progress(table: str, rows: int) -> None:  # rows: written so far in this table
            bar.advance(table, rows - last.get(table, 0), n=0 if table in last else 1)
            last[table] = rows

        try:
            counts = write_synthetic(out, n, seed=seed, progress=progress)
        except (FileExistsError, ValueError) as exc:
            raise ChainGraphError(str(exc)) from exc
    _print_frame(pd.DataFrame({_("table"): list(counts), _("rows"): list(counts.values())}))
    click.echo(_("wrote {folder} (synthetic, seed {seed})").format(folder=out, seed=seed))
