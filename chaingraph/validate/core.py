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

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from chaingraph.ingest import codes as codes
from chaingraph.ingest import parse as parse
from chaingraph.ingest.readers import Dataset, NotStreamable, RawPart, read_dataset
from chaingraph.ingest.regions import load_regions
from chaingraph.model import LOAD_ORDER, TABLES, Table, header_map, normalise_header
from chaingraph.reasons import REASONS

ISSUE_COLUMNS = ["severity", "table", "file", "sheet", "row", "column", "value", "code", "message"]
SUMMARY_COLUMNS = ["table", "files", "encoding", "read", "accepted", "rejected", "merged", "derived",
                   "errors", "warnings", "balanced"]
# Warnings that concern a file or a column rather than a row; never reject rows, even with --strict.
_NON_ROW_WARNINGS = {"unknown_table", "unknown_column", "no_rows", "duplicate_merged"}


@dataclass
class ValidationResult:
    """What validation produced.

    Attributes
    ----------
    dataset : str
        Dataset name.
    tables : dict
        Table name → accepted rows, typed, canonical columns in model order.
    rejects : dict
        Table name → rejected rows verbatim (source headers), with ``__file__``,
        ``__sheet__``, ``__row__`` and ``__reasons__`` (every reason, ``code: message``).
    issues : pandas.DataFrame
        One row per problem found, columns :data:`ISSUE_COLUMNS`.
    summary : pandas.DataFrame
        One row per table, columns :data:`SUMMARY_COLUMNS`.
    sources : list of dict
        Files read with their table, sheet and encoding.
    strict : bool
        Whether warnings were treated as errors.
    references : dict
        Table name → {foreign-key column → for each accepted row, the row of the accepted target
        table it references (int32, -1 when none)}, as found by the foreign-key check. May cover only
        the first rows of a table when later rows were derived (``derived`` in the summary). The
        graph build (:meth:`ChainGraph.from_validation`) turns these into its endpoint positions
        instead of looking every key up again, and empties this dict.
    """

    dataset: str
    tables: dict[str, pd.DataFrame]
    rejects: dict[str, pd.DataFrame]
    issues: pd.DataFrame
    summary: pd.DataFrame
    sources: list[dict] = field(default_factory=list)
    strict: bool = False
    references: dict[str, dict[str, np.ndarray]] = field(default_factory=dict, repr=False)

    @property
    def n_errors(self) -> int:
        """Number of error issues."""
        return int((self.issues["severity"] == "error").sum())

    @property
    def n_warnings(self) -> int:
        """Number of warning issues."""
        return int((self.issues["severity"] == "warning").sum())

    @property
    def ok(self) -> bool:
        """True when there is no error (with ``strict``, no warning either)."""
        return self.n_errors == 0

    @property
    def balanced(self) -> bool:
        """True when every table's counts balance."""
        return bool(self.summary["balanced"].all())


def _empty_issues() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in ISSUE_COLUMNS})


class _Collector:
    """Collects row issues of one table as arrays, built into one frame at the end."""

    def __init__(self) -> None:
        self.frames: list[pd.DataFrame] = []

    def add(self, pos: np.ndarray, column: str | None, values: object, code: str,
            message: object) -> None:
        if len(pos) == 0:
            return
        n = len(pos)
        self.frames.append(pd.DataFrame({
            "pos": pos,
            "column": column,
            "value": values if values is not None else pd.Series([None] * n, dtype="object"),
            "code": code,
            "message": message,
        }))

    def frame(self) -> pd.DataFrame:
        if not self.frames:
            return pd.DataFrame({"pos": pd.Series([], dtype="int64"), "column": [], "value": [], "code": [],
                                 "message": []})
        return pd.concat(self.frames, ignore_index=True)


def _on_uniques(col: pd.Series, check) -> pd.DataFrame:
    """Run a column check on the distinct values only and spread the result back (ids repeat a lot:
    an observations table names each firm ten times)."""
    codes_, uniques = pd.factorize(col, use_na_sentinel=True)
    if len(uniques) == 0 or len(uniques) > 0.7 * len(col):
        return check(col).set_axis(col.index)
    res = check(pd.Series(uniques, dtype=object))
    out = res.iloc[np.where(codes_ >= 0, codes_, 0)].reset_index(drop=True)
    missing = codes_ < 0
    if missing.any():
        blank = check(pd.Series([None], dtype=object)).iloc[0]
        for c in out.columns:
            out[c] = out[c].astype(object)
            out.loc[missing, c] = blank[c]
    return out.set_axis(col.index)


def factorize(values: pd.Series) -> tuple[np.ndarray, object]:
    """Codes (-1 for a missing value) and distinct values of a column, like :func:`pandas.factorize`.

    Text columns are dictionary-encoded in Arrow in one pass, without Python objects; the codes
    group rows exactly as pandas does (equal strings, all missing values together), only the
    numbering of the distinct values may differ. Other columns go through pandas.

    Returns
    -------
    codes : numpy.ndarray
        One integer per row.
    uniques : pyarrow.Array or array-like
        The distinct values, ``uniques[codes[i]]`` is row ``i``'s value.

    Example
    -------
    >>> codes, uniques = factorize(pd.Series(["b", None, "b", "a"], dtype="str"))
    >>> codes.tolist(), list(uniques.to_pylist())
    ([0, -1, 0, 1], ['b', 'a'])
    """
    if isinstance(values.dtype, pd.StringDtype):
        import pyarrow as pa
        import pyarrow.compute as pc

        from chaingraph.ingest.arrays import arrow_text as _arrow_text

        try:
            arr = _arrow_text(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeError):
            arr = None
        if arr is not None:
            enc = pc.dictionary_encode(arr)
            if isinstance(enc, pa.ChunkedArray):
                if enc.num_chunks == 0:
                    return np.zeros(0, dtype=np.int32), pa.array([], type=arr.type)
                # one hash table runs over all chunks: every chunk's indices refer to the last
                # chunk's dictionary (earlier chunks' dictionaries are prefixes of it)
                uniques = enc.chunk(enc.num_chunks - 1).dictionary
                indices = pa.chunked_array([c.indices for c in enc.chunks], type=enc.type.index_type)
            else:
                uniques, indices = enc.dictionary, enc.indices
            return pc.fill_null(indices, -1).to_numpy(), uniques
    labels, uniques = pd.factorize(values, use_na_sentinel=True)
    return labels, uniques


def _lookup_uniques(uniques: object, targets: pd.Series):
    """Row in ``targets`` (first match) of each distinct value, null when absent (an Arrow array)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from chaingraph.ingest.arrays import arrow_text as _arrow_text

    u = uniques if isinstance(uniques, (pa.Array, pa.ChunkedArray)) else _arrow_text(pd.Series(uniques))
    if u.type != pa.large_string():
        u = pc.cast(u, pa.large_string())
    return pc.index_in(u, value_set=_arrow_text(targets))


def _lookup(labels: np.ndarray, found) -> np.ndarray:
    """Each row's target row from its code and :func:`_lookup_uniques`; -1 when absent or missing."""
    found = found.fill_null(-1).to_numpy(zero_copy_only=False)
    return np.append(found.astype(np.int32), np.int32(-1))[labels]  # code -1 (missing) reads the appended -1


def _duplicated_key(cols: list[tuple[np.ndarray, int]]) -> np.ndarray | None:
    """``DataFrame.duplicated(subset=key, keep=False)`` from the key columns' factorisations.

    Each column's codes (-1 for missing, lifted to 0) are packed into one int64 (mixed radix), as
    pandas does itself; a sort of that integer column finds the values that repeat (a vectorised
    sort of 10M integers is several times faster than pandas' hash-based ``duplicated``). None when
    the codes do not fit in 63 bits together (the caller then asks pandas).
    """
    width = 1
    for _, n in cols:
        width *= n + 1
    if width >= 2**63:
        return None
    packed = cols[0][0].astype(np.int64) + 1
    for labels, n in cols[1:]:
        packed *= n + 1
        packed += labels
        packed += 1
    ordered = np.sort(packed)
    repeated = ordered[1:][ordered[1:] == ordered[:-1]]
    if not len(repeated):
        return np.zeros(len(packed), dtype=bool)
    return pd.Series(packed, copy=False).isin(np.unique(repeated)).to_numpy(dtype=bool)


def _as_text(values: pd.Series) -> pd.Series:
    """Cell values as display text for reports (None stays None)."""
    out = values.astype("object")
    return out.where(out.isna(), out.map(str))


def _map_headers(table: Table, part: RawPart) -> tuple[dict[str, str], list[dict], set[str]]:
    """Source column → canonical column; file-level issues; reasons that reject every row."""
    hmap = header_map(table)
    explicit = {normalise_header(k): v for k, v in part.columns.items()}
    mapping: dict[str, str] = {}
    issues: list[dict] = []
    reject_all: set[str] = set()
    claimed: dict[str, str] = {}
    for src, header in zip(part.names, part.headers, strict=False):
        key = normalise_header(header)
        canon = explicit.get(key) or hmap.get(key)
        if canon is not None and canon not in table.columns:
            canon = None
        if canon is None:
            if header.strip():
                issues.append(_file_issue("unknown_column", table.name, part, f"column '{header}' is not in the "
                                          f"model for {table.name} and was ignored", column=header))
            continue
        if canon in claimed:
            issues.append(_file_issue("duplicate_column", table.name, part,
                                      f"headers '{claimed[canon]}' and '{header}' both map to '{canon}'",
                                      column=canon))
            reject_all.add("duplicate_column")
            continue
        claimed[canon] = header
        mapping[src] = canon
    for f in table.fields:
        if f.required and f.name not in claimed:
            names = " / ".join([f.name, f.zh, *f.aliases][:4])
            issues.append(_file_issue("missing_column", table.name, part,
                                      f"required column '{f.name}' ({names}) is missing", column=f.name))
            reject_all.add("missing_column")
    return mapping, issues, reject_all


def _file_issue(code: str, table: str | None, part: RawPart | None, message: str, *,
                column: str | None = None, file: str | None = None) -> dict:
    return {"severity": REASONS[code].severity, "table": table, "file": part.file if part else file,
            "sheet": part.sheet if part else None, "row": None, "column": column, "value": None,
            "code": code, "message": message}


class _TableRun:
    """Validation of one table (all its parts)."""

    def __init__(self, table: Table, parts: list[RawPart], accepted: dict[str, pd.DataFrame],
                 strict: bool) -> None:
        self.table = table
        self.parts = parts
        self.accepted = accepted
        self.strict = strict
        self.file_issues: list[dict] = []
        self.rows = _Collector()  # reported issues, by row
        self.silent = _Collector()  # reasons that reject rows but are reported once per file
        self._factorized: dict[str, tuple[np.ndarray, object]] = {}
        self.fk_pos: dict[str, np.ndarray] = {}  # FK column -> row in the accepted target table, -1 if none

    # -- reading and parsing, chunk by chunk ---------------------------------------------
    def read_and_parse(self) -> pd.DataFrame:
        """Parse every part chunk by chunk; keep only typed columns (raw cells stay on disk for
        streamed parts and are re-read for the rejects file)."""
        typed_chunks: list[pd.DataFrame] = []
        self.malformed_pos: list[int] = []
        self.present: set[str] = set()
        part_idx: list[np.ndarray] = []
        row_no: list[np.ndarray] = []
        offset = 0
        for i in range(len(self.parts)):
            start = offset
            marks = (len(self.file_issues), len(self.rows.frames), len(typed_chunks))
            while True:
                part = self.parts[i]
                mapping, issues, reject_all = _map_headers(self.table, part)
                self.file_issues.extend(issues)
                self.present.update(mapping.values())
                try:
                    for chunk, rows in part.iter_chunks():
                        n = len(chunk)
                        canon = pd.DataFrame({c: chunk[src] for src, c in mapping.items()}, index=chunk.index)
                        canon = canon.reindex(columns=list(self.table.columns)).reset_index(drop=True)
                        typed_chunks.append(self.parse(canon, offset))
                        part_idx.append(np.full(n, i, dtype=np.int32))
                        row_no.append(np.asarray(rows, dtype=np.int64))
                        offset += n
                    break
                except NotStreamable:
                    # the file was streamed unchecked (read_dataset(stream_check=False) saves a pass over
                    # every large file) and does not stream: forget this part's chunks, read it whole
                    del self.file_issues[marks[0]:], self.rows.frames[marks[1]:]
                    del typed_chunks[marks[2]:], part_idx[marks[2]:], row_no[marks[2]:]
                    offset = start
                    self.parts[i] = part.read_whole()
            if offset == start:
                self.file_issues.append(_file_issue("no_rows", self.table.name, part,
                                                    "table has a header but no rows"))
            pos = np.arange(start, offset)
            for code in sorted(reject_all):
                self.silent.add(pos, None, None, code, REASONS[code].en)
            if part.malformed:
                local = np.flatnonzero(np.isin(part.rows, np.fromiter(part.malformed, dtype=np.int64)))
                self.rows.add(local + start, None, None, "row_malformed",
                              [part.malformed[int(r)] for r in part.rows[local]])
                self.malformed_pos.extend((local + start).tolist())
        self.n = offset
        self.part_idx = np.concatenate(part_idx) if part_idx else np.zeros(0, dtype=np.int32)
        self.row_no = np.concatenate(row_no) if row_no else np.zeros(0, dtype=np.int64)
        if not typed_chunks:
            empty = pd.DataFrame({c: pd.Series([], dtype="object") for c in self.table.columns})
            return self.parse(empty, 0)
        typed = typed_chunks[0] if len(typed_chunks) == 1 else pd.concat(typed_chunks, ignore_index=True)
        return typed.reset_index(drop=True)

    # -- parsing -----------------------------------------------------------------------
    def parse(self, raw: pd.DataFrame, offset: int = 0) -> pd.DataFrame:
        typed: dict[str, pd.Series] = {}
        regions = load_regions()
        for f in self.table.fields:
            col = raw[f.name]
            present = f.name in self.present
            if f.type == "uscc":
                res = _on_uniques(col, codes.check_uscc)
                values, reason, message = res["uscc"], res["reason"], res["message"]
            elif f.type == "adcode":
                res = regions.resolve_series(col)
                values, reason, message = res["code"], res["reason"], res["message"]
            else:
                p = parse.parse_field(col, f)
                values, reason, message = p.values, p.reason, p.message
            values = values.set_axis(raw.index)
            reason = pd.Series(reason).set_axis(raw.index)
            message = pd.Series(message).set_axis(raw.index)
            if present:
                has = reason.notna().to_numpy().copy()
                if f.required:
                    # an explicit "unknown" in a required column is a missing required value
                    has &= (reason != "value_unknown").fillna(True).to_numpy(dtype=bool)
                for code in pd.unique(reason[has]):
                    m = has & (reason == code).to_numpy(dtype=bool)
                    idx = np.flatnonzero(m)
                    self.rows.add(idx + offset, f.name, _as_text(col.iloc[idx]).to_numpy(), str(code),
                                  message.iloc[idx].to_numpy())
            if f.required:
                missing = values.isna().to_numpy().copy()
                if reason is not None:
                    # cells rejected for their value are not reported again as missing
                    missing &= (reason.isna() | (reason == "value_unknown")).to_numpy(dtype=bool)
                idx = np.flatnonzero(missing)
                if len(idx) and present:
                    self.rows.add(idx + offset, f.name, _as_text(col.iloc[idx]).to_numpy(), "required_missing",
                                  f"'{f.name}' ({f.zh}) is required")
            typed[f.name] = values
        return pd.DataFrame(typed, index=raw.index)

    # -- relations ---------------------------------------------------------------------
    def factorized(self, typed: pd.DataFrame, col: str) -> tuple[np.ndarray, object]:
        """:func:`factorize` of a typed column, computed once: the foreign-key check and the duplicate
        check hash the same 5-10M-row key columns."""
        if col not in self._factorized:
            self._factorized[col] = factorize(typed[col])
        return self._factorized[col]

    def _factorize_all(self, typed: pd.DataFrame, cols: list[str]) -> None:
        """Fill the :meth:`factorized` cache for ``cols``, two columns at a time (Arrow releases the GIL)."""
        from chaingraph.ingest.arrays import parallel_map

        todo = [c for c in dict.fromkeys(cols) if c not in self._factorized]
        # text is hashed by Arrow, on threads (its memory comes from Arrow's pool); the rest by pandas, here
        text = [c for c in todo if isinstance(typed[c].dtype, pd.StringDtype)]
        series = [typed[c] for c in text]  # columns picked here: the threads only read them
        for c, f in zip(text, parallel_map(factorize, series, work=len(typed) * len(text)), strict=True):
            self._factorized[c] = f
        for c in todo:
            if c not in self._factorized:
                self._factorized[c] = factorize(typed[c])

    def check_references(self, typed: pd.DataFrame) -> None:
        from chaingraph.ingest.arrays import parallel_map

        t = self.table
        checks = []  # (foreign key, values present, target key column or None)
        for fk in t.foreign_keys:
            if fk.target == "@regions":
                continue  # checked while parsing (region_unknown)
            target = self.accepted.get(fk.target)
            present = typed[fk.columns[0]].notna().to_numpy()
            usable = target is not None and len(target) > 0 and present.any()
            checks.append((fk, present, target[fk.target_columns[0]] if usable else None))
        # hash every key column now, the duplicate check reuses them
        self._factorize_all(typed, [fk.columns[0] for fk, _, tgt in checks if tgt is not None]
                            + (list(t.key) if len(t.key) > 1 and len(typed) > 1 else []))

        def lookup(check: tuple):
            fk, _, tgt = check
            return None if tgt is None else _lookup_uniques(self.factorized(typed, fk.columns[0])[1], tgt)

        for (fk, present, _), found in zip(checks, parallel_map(lookup, checks, work=len(typed)), strict=True):
            col = fk.columns[0]
            values = typed[col]
            # positions rather than a mask: the graph build reuses them for its endpoint columns
            pos = (np.full(len(typed), -1, dtype=np.int32) if found is None
                   else _lookup(self.factorized(typed, col)[0], found))
            self.fk_pos[col] = pos
            bad = np.flatnonzero(present & (pos < 0))
            if len(bad):
                tgt_zh = TABLES[fk.target].zh
                self.rows.add(bad, col, _as_text(values.iloc[bad]).to_numpy(), "dangling_reference",
                              (f"no accepted {fk.target} ({tgt_zh}) row with {fk.target_columns[0]} = '"
                               + values.iloc[bad].astype(str) + "'").to_numpy())
        if t.name == "supplies":
            same = (typed["supplier_uscc"] == typed["customer_uscc"]).fillna(False).to_numpy(dtype=bool)
            idx = np.flatnonzero(same)
            self.rows.add(idx, "customer_uscc", _as_text(typed["customer_uscc"].iloc[idx]).to_numpy(),
                          "self_supply", "supplier and customer are the same enterprise")

    def check_leader_regions(self, typed: pd.DataFrame, error: np.ndarray) -> None:
        ents = self.accepted.get("enterprises")
        if ents is None or self.table.name != "leaders" or len(typed) == 0:
            return
        # the foreign-key check has just looked every uscc up in the accepted enterprises (keys are unique)
        pos = self.fk_pos.get("uscc")
        if pos is None:
            pos = pd.Index(ents["uscc"]).get_indexer(typed["uscc"])
        ok = (pos >= 0) & typed["region_code"].notna().to_numpy() & ~error
        rows = np.flatnonzero(ok)
        if not len(rows):
            return
        # take the few rows before converting: the firms' column has a million rows
        firm = ents["region_code"].take(pos[rows]).to_numpy()
        lead = typed["region_code"].to_numpy()[rows]
        bad = rows[~load_regions().covers_pairs(lead, firm)]
        located = pd.Series(ents["region_code"].take(pos[bad]).to_numpy()).astype(str)
        self.rows.add(bad, "region_code", _as_text(typed["region_code"].iloc[bad]).to_numpy(),
                      "leader_region_mismatch",
                      ("enterprise is located in " + located
                       + ", outside " + typed["region_code"].iloc[bad].astype(str).to_numpy()).to_numpy())

    # -- duplicates --------------------------------------------------------------------
    def duplicates(self, typed: pd.DataFrame, error: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return (conflict, merged) boolean masks over all rows."""
        key = list(self.table.key)
        conflict = np.zeros(self.n, dtype=bool)
        merged = np.zeros(self.n, dtype=bool)
        ok_pos = np.flatnonzero(~error)
        if len(ok_pos) < 2:
            return conflict, merged
        dup_key = None
        if len(key) > 1:
            # hash each key column once (reusing the foreign-key check's work) instead of letting pandas
            # factorize four 10M-row text columns and copy the accepted rows first
            cols = []
            for c in key:
                labels, uniques = self.factorized(typed, c)
                cols.append((labels[ok_pos] if len(ok_pos) < self.n else labels, len(uniques)))
            dup_key = _duplicated_key(cols)
        if dup_key is None:
            dup_key = typed[key].iloc[ok_pos].duplicated(subset=key, keep=False).to_numpy()
        if not dup_key.any():
            return conflict, merged
        d_pos = ok_pos[dup_key]
        d = typed.iloc[d_pos]
        rows = pd.Series(self.row_no[d_pos], index=d.index)
        files = pd.Series(np.asarray([self.parts[i].file for i in self.part_idx[d_pos]], dtype=object),
                          index=d.index)
        label = files + ":" + rows.astype(str)
        kgroup = d.groupby(key, dropna=False, sort=False).ngroup()
        variants = d.drop_duplicates().groupby(key, dropna=False, sort=False).size()
        n_variants = d.groupby(key, dropna=False, sort=False).ngroup().map(
            pd.Series(variants.to_numpy(), index=range(len(variants))))
        is_conf = (n_variants > 1).to_numpy()
        if is_conf.any():
            members = label[is_conf].groupby(kgroup[is_conf]).agg(lambda s: ", ".join(s))
            conf_pos = d_pos[is_conf]
            conflict[conf_pos] = True
            msg = ("rows " + kgroup[is_conf].map(members) + " share the key ("
                   + ", ".join(key) + ") with different values").to_numpy()
            self.rows.add(conf_pos, ",".join(key), None, "duplicate_conflict", msg)
        rest = ~is_conf
        if rest.any():
            dr = d[rest]
            later = dr.duplicated(keep="first").to_numpy()
            if later.any():
                first_label = label[rest].groupby(kgroup[rest]).transform("first")
                m_pos = d_pos[rest][later]
                merged[m_pos] = True
                self.rows.add(m_pos, None, None, "duplicate_merged",
                              ("exact duplicate of " + first_label[later]).to_numpy())
        return conflict, merged

    # -- outcome -----------------------------------------------------------------------
    def row_issues(self) -> pd.DataFrame:
        """Issues by row; a row with the wrong number of cells reports only that (its cells are shifted)."""
        issues = self.rows.frame()
        if self.malformed_pos:
            noise = issues["pos"].isin(self.malformed_pos) & (issues["code"] != "row_malformed")
            issues = issues[~noise.to_numpy()].reset_index(drop=True)
        return issues

    def error_mask(self, issues: pd.DataFrame) -> np.ndarray:
        sev = issues["code"].map(lambda c: REASONS[c].severity)
        rejecting = (sev == "error") | (self.strict & ~issues["code"].isin(_NON_ROW_WARNINGS))
        mask = np.zeros(self.n, dtype=bool)
        mask[issues.loc[rejecting, "pos"].to_numpy(dtype=np.int64)] = True
        silent = self.silent.frame()
        mask[silent["pos"].to_numpy(dtype=np.int64)] = True
        return mask


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
        if f.type in ("id", "text", "uscc", "adcode", "enum"):
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


def validate(source: str | Path | Dataset, *, strict: bool = False) -> ValidationResult:
    """Validate a dataset and split every table into accepted and rejected rows.

    Parameters
    ----------
    source : str, pathlib.Path or Dataset
        A dataset path (folder, workbook, datapackage.json) or an already read
        :class:`~chaingraph.io.Dataset`.
    strict : bool
        Treat warnings as errors: rows with a warning are rejected.

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
    for name in LOAD_ORDER:
        table = TABLES[name]
        parts = ds.parts.get(name, [])
        if not parts and table.required and not any(i.get("table") == name for i in file_issues):
            file_issues.append(_file_issue("missing_table", name, None,
                                           f"required table '{name}' ({table.zh}) is missing",
                                           file=f"{name}.csv"))
        run = _TableRun(table, parts, accepted, strict)
        typed = run.read_and_parse()
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
            if derived and "uscc" in refs and "segment_id" in refs and firm_segment is not None:
                refs["uscc"] = np.concatenate([refs["uscc"], firm_rows.astype(np.int32)])
                refs["segment_id"] = np.concatenate([refs["segment_id"], firm_segment[firm_rows]])
        if refs:
            references[name] = refs
        if name == "enterprises":
            accepted["enterprises_segment"] = typed_acc[["uscc", "segment_id"]]
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
    accepted.pop("enterprises_segment", None)
    sources = [{"table": p.table, "file": p.file, "sheet": p.sheet, "encoding": p.encoding, "rows": p.n_rows,
                "streamed": p.streamed} for parts in ds.parts.values() for p in parts]
    fi = pd.DataFrame(file_issues, columns=ISSUE_COLUMNS) if file_issues else _empty_issues()
    if strict and len(fi):
        fi["severity"] = fi["severity"].where(fi["code"].isin(_NON_ROW_WARNINGS), "error")
    all_issues = pd.concat([fi, *issues], ignore_index=True) if issues else fi
    all_issues = all_issues.astype({"row": "Int64"})
    return ValidationResult(ds.name, accepted, rejects, all_issues.reset_index(drop=True),
                            pd.DataFrame(summary, columns=SUMMARY_COLUMNS), sources, strict, references)


def _add_segment_shortcut(ops: pd.DataFrame, shortcut: pd.DataFrame | None
                          ) -> tuple[pd.DataFrame, int, np.ndarray]:
    """Fold the enterprise sheet's ``segment_id`` column into OPERATES_IN rows.

    Returns the rows, the number derived, and the enterprise row (in ``shortcut``) of each derived row.
    """
    if shortcut is None or shortcut["segment_id"].isna().all():
        return ops, 0, np.zeros(0, dtype=np.int64)
    extra = shortcut.dropna(subset=["segment_id"])
    extra = extra.assign(_row=np.flatnonzero(shortcut["segment_id"].notna().to_numpy()))
    extra = extra.merge(ops[["uscc", "segment_id"]], how="left", indicator=True)
    keep = (extra["_merge"] == "left_only").to_numpy()
    rows = extra["_row"].to_numpy()[keep]
    extra = extra.loc[keep, ["uscc", "segment_id"]]
    out = pd.concat([ops, extra.astype(ops.dtypes.to_dict())], ignore_index=True)
    return out, len(extra), rows
