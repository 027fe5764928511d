"""Validation: raw cells in, typed accepted tables + rejects + every issue out.

Guarantees (see DESIGN.md):

* every problem is reported, none capped: table, file, sheet, 1-based row,
  column, value, reason code, severity, message;
* rejected rows are kept verbatim (original headers and cells) with all their
  reasons;
* for every table, rows read = accepted + rejected + merged duplicates, checked
  row by row (each row lands in exactly one of the three) — not assumed;
* nothing is silently coerced: a value that cannot be parsed is an error.

The work is column-wise and vectorised: each column is parsed once, issues are
built from boolean masks, duplicates and foreign keys are hash joins.

Example
-------
>>> result = validate("datasets/defects")  # doctest: +SKIP
>>> result.summary[["table", "read", "accepted", "rejected", "merged"]]  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from chaingraph.ingest.readers import Dataset, read_dataset
from chaingraph.model import FIRM, LOAD_ORDER, TABLES, Table
from chaingraph.reasons import REASONS
from chaingraph.validate.identity import FirmResolver, assign_ids
from chaingraph.validate.keys import _duplicated_key, _lookup, _lookup_uniques, factorize  # noqa: F401  (re-exported)
from chaingraph.validate.report import (  # noqa: F401  (re-exported: these lived here)
    _NON_ROW_WARNINGS,
    ISSUE_COLUMNS,
    SUMMARY_COLUMNS,
    ValidationResult,
    _as_text,
    _Collector,
    _empty_issues,
    _file_issue,
)
from chaingraph.validate.segment_order import apply_to_tables
from chaingraph.validate.table import _map_headers, _on_uniques, _TableRun  # noqa: F401  (re-exported)


def _rejects_frame(run: _TableRun, rejected: np.ndarray, reasons: pd.DataFrame) -> pd.DataFrame:
    pos = np.flatnonzero(rejected)
    if not len(pos):
        return pd.DataFrame(columns=["__file__", "__sheet__", "__row__", "__reasons__"])
    text = (reasons["code"] + ": " + reasons["message"].astype(str))
    joined = text.groupby(reasons["pos"].to_numpy()).agg("; ".join)
    out = []
    offsets = np.cumsum([0] + [p.n_rows for p in run.parts])
    for i, part in enumerate(run.parts):
        local = pos[(pos >= offsets[i]) & (pos < offsets[i + 1])]
        if not len(local):
            continue
        verbatim = part.take(local - offsets[i]).copy()
        verbatim.columns = part.headers[: len(verbatim.columns)] + list(verbatim.columns[len(part.headers):])
        verbatim = verbatim.loc[:, ~verbatim.columns.duplicated()]
        verbatim.insert(0, "__reasons__", joined.reindex(local).to_numpy())
        verbatim.insert(0, "__row__", part.rows[local - offsets[i]])
        verbatim.insert(0, "__sheet__", part.sheet)
        verbatim.insert(0, "__file__", part.file)
        out.append(verbatim.reset_index(drop=True))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _finalise_types(typed: pd.DataFrame, table: Table) -> pd.DataFrame:
    out = {}
    for f in table.fields:
        s = typed[f.name]
        if f.type in ("id", "text", "uscc", "adcode", "enum", "enum_set", "stock_code", "firm_ref"):
            s = s.astype("str") if s.notna().any() else pd.Series(pd.NA, index=s.index, dtype="str")
        elif f.type == "int":
            s = s.astype("Int64")
        elif f.type in ("float", "money"):
            s = pd.to_numeric(s).astype("float64")
        elif f.type == "bool":
            s = s.astype("boolean")
        elif f.type == "date":
            s = pd.to_datetime(s).astype("datetime64[s]") if len(s) else s.astype("datetime64[s]")
        out[f.name] = s
    return pd.DataFrame(out).reset_index(drop=True)


def validate(source: str | Path | Dataset, *, strict: bool = False, infer_region: bool = False,
             progress: Callable[[str, int], None] | None = None) -> ValidationResult:
    """Validate a dataset and split every table into accepted and rejected rows.

    Parameters
    ----------
    source : str, pathlib.Path or Dataset
        A dataset path (folder, workbook, datapackage.json) or an already read
        :class:`~chaingraph.io.Dataset`.
    strict : bool
        Treat warnings as errors: rows with a warning are rejected.
    infer_region : bool
        Fill a firm's missing region from its full name or address (most specific unique GB/T 2260 match),
        with a ``region_inferred`` warning per row; without it such a row is rejected (``region_missing``).
    progress : callable, optional
        Called as ``progress(table, rows_read)`` after each table of :data:`~chaingraph.model.LOAD_ORDER`
        is read and checked (a table the dataset lacks reports 0 rows).

    Returns
    -------
    ValidationResult

    Raises
    ------
    DatasetError
        If the dataset cannot be read at all (path missing, no data files,
        invalid descriptor). Problems inside files never raise; they are issues.

    Example
    -------
    >>> r = validate("datasets/wuxing-childrenswear")  # doctest: +SKIP
    >>> r.ok, r.balanced  # doctest: +SKIP
    (True, True)
    """
    # large CSV files are checked for streaming while they are validated, not in a pass of their own
    ds = source if isinstance(source, Dataset) else read_dataset(source, stream_check=False)
    issues: list[pd.DataFrame] = []
    file_issues = [dict(i, severity=REASONS[i["code"]].severity) for i in ds.issues]
    accepted: dict[str, pd.DataFrame] = {}
    rejects: dict[str, pd.DataFrame] = {}
    summary: list[dict] = []
    references: dict[str, dict[str, np.ndarray]] = {}
    firms: FirmResolver | None = None
    aliases: dict[str, str] = {}
    for name in LOAD_ORDER:
        table = TABLES[name]
        parts = ds.parts.get(name, [])
        if not parts and table.required and not any(i.get("table") == name for i in file_issues):
            file_issues.append(_file_issue("missing_table", name, None,
                                           f"required table '{name}' ({table.zh}) is missing",
                                           file=f"{name}.csv"))
        run = _TableRun(table, parts, accepted, strict, firms=firms)
        typed = run.read_and_parse()
        if name == "enterprises":
            ident = assign_ids(typed, infer_region=infer_region, error=run.error_mask(run.row_issues()))
            typed = ident.typed
            aliases = ident.aliases
            for pos, column, values, code, message in ident.issues:
                run.rows.add(pos, column, values, code, message)
        if name == "targets":
            typed = _target_ids(typed)
        run.check_references(typed)
        pre = run.row_issues()
        error = run.error_mask(pre)
        run.check_leader_regions(typed, error)
        conflict, merged = run.duplicates(typed, error)
        run._factorized.clear()  # the hashed key columns are not needed any more
        row_issues = run.row_issues()
        error = run.error_mask(row_issues) | conflict
        merged &= ~error
        rejected = error
        acc_mask = ~(rejected | merged)
        balanced = bool(np.all(acc_mask.astype(int) + rejected.astype(int) + merged.astype(int) == 1))
        acc_rows = np.flatnonzero(acc_mask)
        typed_acc = _finalise_types(typed.iloc[acc_rows], table)
        derived = 0
        refs = {c: p[acc_rows] for c, p in run.fk_pos.items()}
        if name == "operates_in":
            typed_acc, derived, firm_rows = _add_segment_shortcut(typed_acc, accepted.get("enterprises_segment"))
            # the derived rows reference their own enterprise, and its segment (as the enterprise's check found)
            firm_segment = references.get("enterprises", {}).get("segment_id")
            if derived and FIRM in refs and "segment_id" in refs and firm_segment is not None:
                refs[FIRM] = np.concatenate([refs[FIRM], firm_rows.astype(np.int32)])
                refs["segment_id"] = np.concatenate([refs["segment_id"], firm_segment[firm_rows]])
        if refs:
            references[name] = refs
        if name == "enterprises":
            accepted["enterprises_segment"] = typed_acc[["id", "segment_id"]].rename(columns={"id": FIRM})
            firms = FirmResolver(typed_acc, aliases)
        accepted[name] = typed_acc
        reasons = pd.concat([row_issues[["pos", "code", "message"]], run.silent.frame()[["pos", "code", "message"]]],
                            ignore_index=True).sort_values("pos", kind="stable")
        rejects[name] = _rejects_frame(run, rejected, reasons)
        if len(row_issues):
            ri = row_issues
            pos = ri["pos"].to_numpy(dtype=np.int64)
            files = np.asarray([p.file for p in parts], dtype=object)
            sheets = np.asarray([p.sheet for p in parts], dtype=object)
            sev = ri["code"].map(lambda c: REASONS[c].severity)
            if strict:
                sev = sev.where(ri["code"].isin(_NON_ROW_WARNINGS), "error")
            issues.append(pd.DataFrame({
                "severity": sev.to_numpy(), "table": name, "file": files[run.part_idx[pos]],
                "sheet": sheets[run.part_idx[pos]], "row": run.row_no[pos], "column": ri["column"].to_numpy(),
                "value": ri["value"].to_numpy(), "code": ri["code"].to_numpy(), "message": ri["message"].to_numpy(),
            }))
        t_issues = run.file_issues
        file_issues.extend(t_issues)
        n_err = int((row_issues["code"].map(lambda c: REASONS[c].severity) == "error").sum()) if len(row_issues) else 0
        summary.append({
            "table": name,
            "files": ", ".join(f"{p.file}" + (f"[{p.sheet}]" if p.sheet else "") for p in parts),
            "encoding": ", ".join(sorted({p.encoding for p in parts if p.encoding})),
            "read": run.n, "accepted": int(acc_mask.sum()), "rejected": int(rejected.sum()),
            "merged": int(merged.sum()), "derived": derived,
            "errors": n_err + sum(1 for i in t_issues if i["severity"] == "error"),
            "warnings": (len(row_issues) - n_err) + sum(1 for i in t_issues if i["severity"] == "warning"),
            "balanced": balanced and run.n == int(acc_mask.sum() + rejected.sum() + merged.sum()),
        })
        if progress is not None:
            progress(name, run.n)
    accepted.pop("enterprises_segment", None)
    n_seg, n_flows, cycles = apply_to_tables(accepted, references)
    for row in summary:
        if row["table"] == "segments":
            row["derived"] += n_seg
        elif row["table"] == "segment_flows":
            row["derived"] += n_flows
    for cycle in cycles:
        file_issues.append(_file_issue("flow_cycle", "segment_flows", None,
                                       "segment flows form a cycle: " + " → ".join([*cycle, cycle[0]])
                                       + "; broken at its weakest flow (lowest 权重) to place its segments",
                                       file=next((pt.file for pt in ds.parts.get("segment_flows", [])),
                                                 "segment_flows.csv")))
    sources = [{"table": p.table, "file": p.file, "sheet": p.sheet, "encoding": p.encoding, "rows": p.n_rows,
                "streamed": p.streamed} for parts in ds.parts.values() for p in parts]
    fi = pd.DataFrame(file_issues, columns=ISSUE_COLUMNS) if file_issues else _empty_issues()
    if strict and len(fi):
        fi["severity"] = fi["severity"].where(fi["code"].isin(_NON_ROW_WARNINGS), "error")
    all_issues = pd.concat([fi, *issues], ignore_index=True) if issues else fi
    all_issues = all_issues.astype({"row": "Int64"})
    return ValidationResult(ds.name, accepted, rejects, all_issues.reset_index(drop=True),
                            pd.DataFrame(summary, columns=SUMMARY_COLUMNS), sources, strict, references)


def _target_ids(typed: pd.DataFrame) -> pd.DataFrame:
    """Targets without an ``id`` get ``metric|region_code|chain_id`` (blank parts for the whole country / every
    chain), so one target per metric and scope."""
    if "id" not in typed or not len(typed):
        return typed
    part = [typed[c].astype(object).where(typed[c].notna(), "").astype(str) for c in ("metric", "region_code",
                                                                                      "chain_id")]
    derived = part[0] + "|" + part[1] + "|" + part[2]
    ok = typed["metric"].notna()
    return typed.assign(id=typed["id"].where(typed["id"].notna() | ~ok, derived))


def _add_segment_shortcut(ops: pd.DataFrame, shortcut: pd.DataFrame | None
                          ) -> tuple[pd.DataFrame, int, np.ndarray]:
    """Fold the enterprise sheet's ``segment_id`` column into OPERATES_IN rows.

    Returns the rows, the number derived, and the enterprise row (in ``shortcut``) of each derived row.
    """
    if shortcut is None or shortcut["segment_id"].isna().all():
        return ops, 0, np.zeros(0, dtype=np.int64)
    extra = shortcut.dropna(subset=["segment_id"])
    extra = extra.assign(_row=np.flatnonzero(shortcut["segment_id"].notna().to_numpy()))
    extra = extra.merge(ops[[FIRM, "segment_id"]], how="left", indicator=True)
    keep = (extra["_merge"] == "left_only").to_numpy()
    rows = extra["_row"].to_numpy()[keep]
    extra = extra.loc[keep, [FIRM, "segment_id"]]
    out = pd.concat([ops, extra.astype(ops.dtypes.to_dict())], ignore_index=True)
    return out, len(extra), rows


_WHOLE_FILE = ("encoding_invalid", "file_unreadable", "empty_file", "missing_table")


def partial_reasons(result: ValidationResult) -> list[str]:
    """Why a build from ``result`` would be partial: required tables left empty, files not read at all.

    ``chaingraph build`` refuses such a build (exit 1, these lines) unless ``--allow-partial``: a store with
    no firms, or without a file the analyst gave, answers every query with a silent empty result.

    Parameters
    ----------
    result : ValidationResult

    Returns
    -------
    list of str
        One line per cause, empty when the build is whole.

    Raises
    ------
    KeyError
        If ``result.summary`` lacks the summary columns.

    Example
    -------
    >>> partial_reasons(validate("datasets/wuxing-childrenswear"))  # doctest: +SKIP
    []
    """
    out: list[str] = []
    fi = result.issues[result.issues["row"].isna() & result.issues["code"].isin(_WHOLE_FILE)]
    for _, i in fi.iterrows():
        out.append(f"{i['file'] or i['table']}: {i['code']}: {i['message']}")
    for _, row in result.summary.iterrows():
        table = TABLES[row["table"]]
        if table.required and row["accepted"] == 0:
            why = (f"all {row['read']} rows rejected" if row["read"] else "no rows read")
            out.append(f"required table {row['table']} ({table.zh}) has no accepted rows ({why})")
    return out
