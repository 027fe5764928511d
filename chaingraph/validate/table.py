"""The checks of one table: headers mapped, cells parsed, references, leader regions and duplicates.

:class:`_TableRun` validates every part of one table and collects its row issues; :func:`validate`
runs one per table in load order and turns the outcome into accepted rows, rejects and a summary.

Example
-------
>>> run = _TableRun(TABLES["chains"], parts, accepted={}, strict=False)  # doctest: +SKIP
>>> typed = run.read_and_parse()  # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from chaingraph.ingest import codes as codes
from chaingraph.ingest import parse as parse
from chaingraph.ingest.firms import normalise_stock_codes
from chaingraph.ingest.parse.choices import SET_SEPARATOR, join_enum_set
from chaingraph.ingest.readers import NotStreamable, RawPart
from chaingraph.ingest.regions import load_regions
from chaingraph.model import FIRM, TABLES, Table, header_map, normalise_header
from chaingraph.reasons import REASONS
from chaingraph.validate.keys import _duplicated_key, _lookup, _lookup_uniques, factorize
from chaingraph.validate.report import _NON_ROW_WARNINGS, _as_text, _Collector, _file_issue


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


class _TableRun:
    """Validation of one table (all its parts)."""

    def __init__(self, table: Table, parts: list[RawPart], accepted: dict[str, pd.DataFrame],
                 strict: bool, firms=None) -> None:
        self.table = table
        self.firms = firms  # a FirmResolver once the enterprises are accepted: references by any code or name
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
            elif f.type == "stock_code":
                p = parse.parse_field(col, f)  # blanks and explicit unknowns (不详, —) as for any id
                values, reason, message = p.values, pd.Series(p.reason).astype(object), pd.Series(p.message)
                todo = values.notna().to_numpy() & reason.isna().to_numpy()
                if todo.any():
                    res = _on_uniques(values[todo].astype(object), normalise_stock_codes)
                    values = values.astype(object).copy()
                    values[todo] = res["code"].to_numpy()
                    reason = reason.copy()
                    message = message.astype(object).copy()
                    reason[todo] = res["reason"].to_numpy()
                    message[todo] = res["message"].to_numpy()
            elif f.type == "firm_ref":
                p = parse.parse_field(col, replace(f, type="id"))
                values, reason, message = p.values, pd.Series(p.reason), pd.Series(p.message)
                if self.firms is not None and len(values):
                    res = self.firms.resolve(values.astype(object).where(values.notna(), None))
                    values = res["id"].set_axis(values.index)
                    reason = reason.set_axis(values.index).astype(object)
                    message = message.set_axis(values.index).astype(object)
                    amb = res["reason"].notna().to_numpy() & reason.isna().to_numpy()
                    reason[amb] = res["reason"].to_numpy()[amb]
                    message[amb] = res["message"].to_numpy()[amb]
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
            target = self.accepted.get(fk.target)
            if len(bad) and (target is None or len(target) == 0):
                # one root cause, reported once with a count (not as thousands of row lines); rows still rejected
                cause = f"{fk.target} ({TABLES[fk.target].zh}) has no accepted rows"
                self.silent.add(bad, col, None, "dangling_reference", f"refers to {fk.target}, but {cause}")
                self.file_issues.append(_file_issue(
                    "dangling_reference", t.name, self.parts[0] if self.parts else None,
                    f"{len(bad):,} rows rejected: their {col} refers to {fk.target}, but {cause}", column=col))
                continue
            if len(bad):
                tgt_zh = TABLES[fk.target].zh
                if fk.target == "enterprises" and self.firms is not None:
                    explain = {v: self.firms.explain(v) for v in pd.unique(values.iloc[bad].astype(str))}
                    msg = values.iloc[bad].astype(str).map(explain).to_numpy()
                else:
                    msg = (f"no accepted {fk.target} ({tgt_zh}) row with {fk.target_columns[0]} = '"
                           + values.iloc[bad].astype(str) + "'").to_numpy()
                self.rows.add(bad, col, _as_text(values.iloc[bad]).to_numpy(), "dangling_reference", msg)
        if t.name == "supplies":
            same = (typed["supplier_id"] == typed["customer_id"]).fillna(False).to_numpy(dtype=bool)
            idx = np.flatnonzero(same)
            self.rows.add(idx, "customer_id", _as_text(typed["customer_id"].iloc[idx]).to_numpy(),
                          "self_supply", "supplier and customer are the same enterprise")

    def check_leader_regions(self, typed: pd.DataFrame, error: np.ndarray) -> None:
        ents = self.accepted.get("enterprises")
        if ents is None or self.table.name != "leaders" or len(typed) == 0:
            return
        # the foreign-key check has just looked every firm up in the accepted enterprises (keys are unique)
        pos = self.fk_pos.get(FIRM)
        if pos is None:
            pos = pd.Index(ents["id"]).get_indexer(typed[FIRM])
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
        d = self._union_sets(typed, d_pos, key)
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

    def _union_sets(self, typed: pd.DataFrame, d_pos: np.ndarray, key: list[str]) -> pd.DataFrame:
        """Rows sharing a key: each multi-valued (``enum_set``) column takes the union of the group's values, in
        ``typed`` itself, so rows that differ only there (effects given one per row) merge as duplicates."""
        d = typed.iloc[d_pos]
        for f in self.table.fields:
            if f.type != "enum_set" or f.enum is None:
                continue
            group = d.groupby(key, dropna=False, sort=False).ngroup().to_numpy()
            union: dict[int, set[str]] = {}
            for g, v in zip(group.tolist(), d[f.name].tolist(), strict=True):
                if isinstance(v, str):
                    union.setdefault(g, set()).update(v.split(SET_SEPARATOR))
            values = [join_enum_set(list(union[g]), f.enum) if g in union else None for g in group.tolist()]
            col = typed.columns.get_loc(f.name)
            typed.iloc[d_pos, col] = pd.Series(values, dtype=typed[f.name].dtype).to_numpy()
            d = typed.iloc[d_pos]
        return d

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
