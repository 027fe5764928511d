"""Enterprise identity: one ``id`` for every firm of any list, and references to firms by any of their codes.

Real lists carry different codes: registry extracts the credit code (统一社会信用代码), listed-firm lists the
stock code (证券代码), survey rosters only the name. :func:`assign_ids` gives every enterprise row its
``id`` — the credit code when there is a valid one, else the normalised stock code, else the analyst's own
code, else the normalised full name (with a warning) — fills ``region_code`` from the name or address when
asked (``infer_region``), and makes rows of one firm listed under different codes (same normalised name, codes
that do not contradict) one firm. :class:`FirmResolver` then turns a relationship table's reference — an id,
a credit code, a stock code or the exact full name — into that id, or says why it cannot (unknown, ambiguous,
with candidates).

Example
-------
>>> import pandas as pd
>>> typed = pd.DataFrame({"id": [None, None], "uscc": [None, None], "stock_code": ["600373.SH", None],
...                       "name": ["中文天地出版传媒集团股份有限公司", "湖州童装厂"], "region_code": ["360000", "330502"],
...                       "address": [None, None], "region_source": [None, None], "id_source": [None, None]})
>>> out = assign_ids(typed, infer_region=False)
>>> out.typed["id"].tolist(), out.typed["id_source"].tolist()
(['600373.SH', '湖州童装厂'], ['stock_code', 'name'])
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from chaingraph.ingest.firms import first_present, infer_regions, normalise_names, normalise_stock_codes
from chaingraph.ingest.regions import load_regions

_RANK = {"uscc": 0, "stock_code": 1, "given": 2, "name": 3}


@dataclass
class Identity:
    """What :func:`assign_ids` returns: the typed rows and the issues it found (``pos`` is the row)."""

    typed: pd.DataFrame
    issues: list[tuple[np.ndarray, str | None, np.ndarray | None, str, object]] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)
    """Analyst codes replaced by a better id (given id → final id), so references by them still resolve."""


def _text(s: pd.Series) -> pd.Series:
    return s.astype(object).where(s.notna(), None)


def assign_ids(typed: pd.DataFrame, *, infer_region: bool, error: np.ndarray | None = None) -> Identity:
    """Give each enterprise row its ``id`` and ``id_source``; fill regions from names when asked; merge one firm's rows.

    Parameters
    ----------
    typed : pandas.DataFrame
        The enterprise rows as parsed (columns of ``TABLES["enterprises"]``).
    infer_region : bool
        Fill a missing ``region_code`` from the full name, then the address (most specific unique match).
    error : numpy.ndarray, optional
        Rows already rejected: they take no part in merging.

    Returns
    -------
    Identity
        ``typed`` with ``id``, ``id_source``, ``region_code``, ``region_source`` filled; ``issues`` as
        ``(rows, column, values, code, message)`` tuples for the caller's collector.

    Raises
    ------
    KeyError
        If ``typed`` lacks a column of the enterprise table.

    Example
    -------
    >>> t = pd.DataFrame({"id": [None], "uscc": [None], "stock_code": [None], "name": ["浙江森马服饰股份有限公司"],
    ...                   "region_code": [None], "address": [None], "region_source": [None], "id_source": [None]})
    >>> assign_ids(t, infer_region=True).typed["region_code"].tolist()
    ['330000']
    """
    t = typed.copy()
    n = len(t)
    issues: list = []
    bad = np.zeros(n, dtype=bool) if error is None else error.copy()
    name_key = normalise_names(t["name"])
    given = _text(t["id"])
    given = given.where(given.map(lambda v: v is None or bool(str(v).strip())), None)
    uscc, stock = _text(t["uscc"]), _text(t["stock_code"])
    ident = first_present(uscc, stock, given, name_key)
    source = np.select([uscc.notna().to_numpy(), stock.notna().to_numpy(), given.notna().to_numpy(),
                        name_key.notna().to_numpy()], ["uscc", "stock_code", "given", "name"], default=None)
    source = pd.Series(source, index=t.index, dtype=object).where(ident.notna(), None)
    aliases = {str(g): str(i) for g, i in zip(given, ident, strict=True) if g is not None and i is not None and g != i}
    by_name = np.flatnonzero((source == "name").to_numpy() & ~bad)
    if len(by_name):
        issues.append((by_name, "name", t["name"].iloc[by_name].astype(str).to_numpy(), "id_from_name",
                       "no credit code, stock code or own code: the firm is identified by its full name"))

    # regions: given, inferred from the name or the address when asked, else an error that names the option
    region = _text(t["region_code"])
    rsource = pd.Series(np.where(region.notna(), "given", None), index=t.index, dtype=object)
    missing = region.isna().to_numpy() & ~bad
    if missing.any():
        rows = np.flatnonzero(missing)
        if infer_region:
            regions = load_regions()
            sub = t.iloc[rows]
            found = first_present(infer_regions(sub["name"], regions), infer_regions(sub["address"], regions))
            hit = found.notna().to_numpy()
            region.iloc[rows[hit]] = found[hit].to_numpy()
            rsource.iloc[rows[hit]] = "inferred"
            if hit.any():
                names = [regions.full_name(c) for c in found[hit]]
                issues.append((rows[hit], "region_code", sub["name"].iloc[hit].astype(str).to_numpy(), "region_inferred",
                               np.asarray([f"region read from the name or address: {c} {nm}"
                                           for c, nm in zip(found[hit], names, strict=True)], dtype=object)))
            rows = rows[~hit]
        if len(rows):
            hint = ("no region named in the name or address" if infer_region else
                    "no region: give 所在地区 (a GB/T 2260 code or name), or build with --infer-region "
                    "to read it from the firm's name or address")
            issues.append((rows, "region_code", None, "region_missing", hint))
    t["region_code"] = region.astype("str") if region.notna().any() else pd.Series(pd.NA, index=t.index, dtype="str")
    t["region_source"] = rsource

    # one firm listed under different codes: same normalised name, codes that do not contradict
    ok = ~bad & ident.notna().to_numpy() & name_key.notna().to_numpy()
    frame = pd.DataFrame({"key": name_key, "id": ident, "src": source, "uscc": uscc, "stock": stock})[ok]
    multi = frame.groupby("key")["id"].transform("nunique") > 1
    merged_rows: list[int] = []
    merged_msgs: list[str] = []
    if multi.any():
        for key, grp in frame[multi].groupby("key", sort=True):
            if grp["uscc"].nunique() > 1 or grp["stock"].nunique() > 1:
                continue  # two firms that share a name: references by name will be ambiguous
            best = grp.sort_values("src", key=lambda s: s.map(_RANK), kind="stable").iloc[0]
            rows = grp.index
            others = sorted(set(grp["id"]) - {best["id"]})
            ident.loc[rows] = best["id"]
            source.loc[rows] = best["src"]
            for col in ("uscc", "stock_code"):
                vals = _text(t.loc[rows, col]).dropna()
                if len(vals):
                    t.loc[rows, col] = vals.iloc[0]
            for o in others:
                aliases[str(o)] = str(best["id"])
            for r in rows:
                if grp.loc[r, "id"] != best["id"]:
                    merged_rows.append(int(t.index.get_loc(r)))
                    merged_msgs.append(f"same firm as {best['id']} ({key}): listed under {grp.loc[r, 'id']} "
                                       f"here; merged into one firm")
            # coalesce the other columns where the rows do not disagree, so the rows become one
            given_here = [r for r in rows if rsource.loc[r] == "given"]
            if given_here and len(set(t.loc[given_here, "region_code"])) == 1:
                t.loc[rows, "region_code"] = t.loc[given_here[0], "region_code"]
                rsource.loc[rows] = "given"
            t.loc[rows, "region_source"] = rsource.loc[rows]
            for col in t.columns:
                if col in ("id", "id_source", "uscc", "stock_code", "region_source"):
                    continue
                vals = t.loc[rows, col]
                present = vals.dropna()
                if len(present) and present.astype(str).nunique() == 1:
                    t.loc[rows, col] = present.iloc[0]
    if merged_rows:
        issues.append((np.asarray(merged_rows), "name", None, "firm_merged", np.asarray(merged_msgs, dtype=object)))
    t["id"] = ident.astype("str") if ident.notna().any() else pd.Series(pd.NA, index=t.index, dtype="str")
    t["id_source"] = source
    return Identity(t, issues, aliases)


class FirmResolver:
    """Turns a relationship table's firm reference (id, credit code, stock code or full name) into the firm's id.

    Parameters
    ----------
    enterprises : pandas.DataFrame
        The accepted enterprise rows (``id``, ``uscc``, ``stock_code``, ``name``).
    aliases : dict, optional
        Other codes of a firm (an analyst's own code replaced by a credit code) → its id.

    Example
    -------
    >>> ents = pd.DataFrame({"id": ["600373.SH"], "uscc": [None], "stock_code": ["600373.SH"],
    ...                      "name": ["中文天地出版传媒集团股份有限公司"]})
    >>> r = FirmResolver(ents)
    >>> r.resolve(pd.Series(["600373", "中文天地出版传媒集团股份有限公司", "某某公司"]))["id"].tolist()
    ['600373.SH', '600373.SH', '某某公司']
    """

    def __init__(self, enterprises: pd.DataFrame, aliases: dict[str, str] | None = None) -> None:
        ids = enterprises["id"].astype(object)
        self.ids = set(ids.dropna().astype(str))
        self.by_code: dict[str, str] = dict(aliases or {})
        for col in ("uscc", "stock_code"):
            if col in enterprises:
                for code, i in zip(enterprises[col].astype(object), ids, strict=True):
                    if isinstance(code, str) and code:
                        self.by_code[code] = str(i)
        self.names: dict[str, list[str]] = {}
        self.display: dict[str, str] = {}
        for key, i, nm in zip(normalise_names(enterprises["name"]), ids, enterprises["name"], strict=True):
            if key is not None:
                self.names.setdefault(key, []).append(str(i))
                self.display[str(i)] = str(nm)

    def _one(self, value: str) -> tuple[str | None, str | None, str | None]:
        if value in self.ids:
            return value, None, None
        if value in self.by_code:
            return self.by_code[value], None, None
        stock = normalise_stock_codes(pd.Series([value]))["code"].iloc[0]
        if isinstance(stock, str) and stock in self.by_code:
            return self.by_code[stock], None, None
        key = normalise_names(pd.Series([value])).iloc[0]
        hits = sorted(set(self.names.get(key, []))) if key else []
        if len(hits) == 1:
            return hits[0], None, None
        if len(hits) > 1:
            cands = "; ".join(f"{h} {self.display.get(h, '')}" for h in hits)
            return None, "firm_ambiguous", f"'{value}' names several firms; use a code. Candidates: {cands}"
        return value, None, None  # unknown: the foreign-key check reports it, with candidates (explain)

    def resolve(self, values: pd.Series) -> pd.DataFrame:
        """``id`` (resolved, or the value itself when unknown; missing when ambiguous), ``reason``, ``message``.

        Raises
        ------
        TypeError
            If ``values`` is not a pandas Series.
        """
        if not isinstance(values, pd.Series):
            raise TypeError(f"resolve expects a pandas Series, got {type(values).__name__}")
        present = values.notna().to_numpy()
        texts = values[present].astype(str)
        table = {u: self._one(u) for u in pd.unique(texts.to_numpy(dtype=object))}
        cols = {k: np.full(len(values), None, dtype=object) for k in ("id", "reason", "message")}
        for i, k in enumerate(("id", "reason", "message")):
            cols[k][present] = [table[v][i] for v in texts]
        return pd.DataFrame({k: pd.Series(v, index=values.index, dtype=object) for k, v in cols.items()})

    def explain(self, value: str) -> str:
        """Why ``value`` names no firm, with the nearest names or codes as candidates."""
        pool = list(self.display.values())
        close = difflib.get_close_matches(str(value), pool, n=3, cutoff=0.5)
        if not close:
            close = [nm for nm in pool if str(value) in nm or nm in str(value)][:3]
        tail = f"; candidates: {', '.join(close)}" if close else ""
        return f"no accepted enterprise has id, credit code, stock code or full name '{value}'{tail}"


__all__ = ["FirmResolver", "Identity", "assign_ids"]
