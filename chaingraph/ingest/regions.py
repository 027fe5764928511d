"""The national GB/T 2260 administrative-division table shipped with chaingraph.

:func:`load_regions` reads ``chaingraph/data/gbt2260.csv`` once (built by
``scripts/build_gbt2260.py`` from python-stdnum's ``loc.dat``) and returns a
:class:`RegionTable`: lookups by code, the province → city → county hierarchy
(derived from the code itself), name resolution, and a vectorised validator
for region columns (:meth:`RegionTable.resolve_series`).

Example
-------
>>> from chaingraph.regions import load_regions
>>> regions = load_regions()
>>> regions.resolve("湖州市吴兴区")
'330502'
>>> regions.full_name("330502")
'浙江省湖州市吴兴区'
>>> regions.ancestors("330502")
['330500', '330000']
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from importlib import resources

import numpy as np
import pandas as pd

from chaingraph.errors import ScopeError

LEVELS = ("province", "city", "county")

PLACEHOLDERS = frozenset({
    "市辖区", "县", "市", "省直辖县级行政区划", "省直辖县级行政单位", "省直辖行政单位",
    "自治区直辖县级行政区划", "自治区直辖县级行政单位",
})
"""Generic grouping names (not places): never matched by name, left out of full names."""

_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "新区", "地区", "林区",
             "省", "市", "区", "县", "盟", "旗")
_ETHNIC_GROUPS = (
    "汉 蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 "
    "纳西 景颇 柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 "
    "鄂温克 德昂 保安 裕固 京 塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺 各"
).split()
# Stripped from the end of autonomous-area names: 回族, 土家族 ..., and multi-character groups
# also without 族 (新疆维吾尔自治区, 巴音郭楞蒙古自治州).
_ETHNIC = tuple(sorted({g + "族" for g in _ETHNIC_GROUPS} | {g for g in _ETHNIC_GROUPS if len(g) >= 2},
                       key=len, reverse=True))

_SIX_DIGITS = re.compile(r"^[0-9]{6}$")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$")

# Match tiers, best first: (latest name of a current code, of a retired code, a former name)
# x (exact name, suffix dropped, suffix and ethnic groups dropped).
_STATUS_CURRENT, _STATUS_RETIRED, _STATUS_FORMER = 0, 3, 6
_KIND_EXACT, _KIND_SHORT, _KIND_ETHNIC = 0, 1, 2


def _normalise(text: str) -> str:
    """NFKC (full-width digits and letters to ASCII) and drop all white space."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _short_forms(name: str) -> list[tuple[int, str]]:
    """Names without their administrative suffix, e.g. 吴兴区 → 吴兴, 河南蒙古族自治县 → 河南.

    The ethnic groups of an autonomous area (自治区/州/县/旗) are dropped too, as a
    weaker match (kind ``_KIND_ETHNIC``), and the colloquial 恩施州 / 大厂县 forms
    are added. A stem must keep at least two characters.
    """
    out: list[tuple[int, str]] = []
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            stem = name[: -len(suffix)]
            out.append((_KIND_SHORT, stem))
            if suffix.startswith("自治"):
                bare = stem
                while group := next((g for g in _ETHNIC if bare.endswith(g) and len(bare) - len(g) >= 2), None):
                    bare = bare[: -len(group)]
                if bare != stem:
                    out.append((_KIND_ETHNIC, bare))
                if suffix != "自治区":  # 恩施州, 大厂县, as people say
                    out.append((_KIND_ETHNIC, bare + suffix[-1]))
            break
    return out


class RegionTable:
    """The GB/T 2260 table: every six-digit code that ever existed, with its name history.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``code, name, level, parent, valid_from, valid_to, name_from,
        names, full_name`` as written by ``scripts/build_gbt2260.py``.
    meta : dict, optional
        The JSON sidecar (source and build date).

    Attributes
    ----------
    frame : pandas.DataFrame
        Indexed by ``code`` (text); ``parent`` is missing for provinces;
        ``valid_from``, ``valid_to`` and ``name_from`` are nullable integers;
        ``current`` is True when the code is still in use.
    meta : dict

    Raises
    ------
    ValueError
        If ``frame`` lacks a column or holds a code that is not six digits.

    Example
    -------
    >>> t = load_regions()
    >>> t.level("330500"), t.parent("330502")
    ('city', '330500')
    """

    def __init__(self, frame: pd.DataFrame, meta: dict | None = None) -> None:
        needed = {"code", "name", "level", "parent", "valid_from", "valid_to", "names", "full_name"}
        missing = needed - set(frame.columns)
        if missing:
            raise ValueError(f"region table lacks columns {sorted(missing)}")
        f = frame.copy()
        f["code"] = f["code"].astype("str")
        if not f["code"].str.fullmatch(r"[0-9]{6}").all():
            raise ValueError("region table holds codes that are not six digits")
        for col in ("valid_from", "valid_to", "name_from"):
            if col in f:
                f[col] = pd.to_numeric(f[col].replace("", None), errors="raise").astype("Int64")
        parent = f["parent"].astype(object)
        f["parent"] = parent.where(parent.notna() & (parent != ""), None)
        f["current"] = f["valid_to"].isna()
        self.frame: pd.DataFrame = f.set_index("code", drop=False).rename_axis(None)
        self.meta: dict = meta or {}
        self._codes = pd.Index(self.frame["code"].to_numpy(dtype=object))
        self._current = pd.Index(self.frame.loc[self.frame["current"], "code"].to_numpy(dtype=object))
        self._rows: dict[str, dict] = self.frame.to_dict("index")

    def __len__(self) -> int:
        return len(self.frame)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._rows

    # ------------------------------------------------------------------ vectorised
    @staticmethod
    def _as_text(codes: pd.Series) -> pd.Series:
        s = codes if isinstance(codes, pd.Series) else pd.Series(codes)
        return s if s.dtype == "str" else s.astype("str")

    def exists(self, codes: pd.Series) -> np.ndarray:
        """Whether each code ever existed in GB/T 2260 (retired codes included).

        Parameters
        ----------
        codes : pandas.Series
            Six-digit codes as text; anything else (blank, ``330502.0``) is False.

        Returns
        -------
        numpy.ndarray of bool

        Raises
        ------
        TypeError
            If ``codes`` cannot be made into a Series.

        Example
        -------
        >>> load_regions().exists(pd.Series(["330502", "330599", None])).tolist()
        [True, False, False]
        """
        return self._as_text(codes).isin(self._codes).to_numpy(dtype=bool)

    def is_current(self, codes: pd.Series) -> np.ndarray:
        """Whether each code is in use in the latest year of the table.

        Raises
        ------
        TypeError
            If ``codes`` cannot be made into a Series.

        Example
        -------
        >>> load_regions().is_current(pd.Series(["330502", "330682"])).tolist()
        [True, False]
        """
        return self._as_text(codes).isin(self._current).to_numpy(dtype=bool)

    def covers(self, scope_code: str, codes: pd.Series) -> np.ndarray:
        """Whether each code lies within ``scope_code`` (by code prefix).

        A province covers codes with the same first two digits, a city the same
        first four, a county only itself.

        Parameters
        ----------
        scope_code : str
            An existing six-digit code.
        codes : pandas.Series
            Codes as text; missing values are not covered.

        Returns
        -------
        numpy.ndarray of bool

        Raises
        ------
        ScopeError
            If ``scope_code`` is not a code in the table.

        Example
        -------
        >>> load_regions().covers("330000", pd.Series(["330500", "330502", "340102"])).tolist()
        [True, True, False]
        """
        level = self.level(scope_code)
        s = self._as_text(codes)
        if level == "county":
            out = s.eq(scope_code)
        else:
            out = s.str.startswith(scope_code[: 2 if level == "province" else 4])
        return out.to_numpy(dtype=bool, na_value=False)

    def covers_pairs(self, scope_codes: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """Element-wise :meth:`covers`: whether ``codes[i]`` lies within ``scope_codes[i]``.

        Vectorised over the pairs (a Python step only per *distinct* scope code, to find its level).

        Parameters
        ----------
        scope_codes, codes : numpy.ndarray
            Six-digit codes as text, same length.

        Returns
        -------
        numpy.ndarray of bool

        Raises
        ------
        ScopeError
            If a scope code is not in the table.

        Example
        -------
        >>> load_regions().covers_pairs(np.array(["330000", "330502"]), np.array(["330502", "330503"])).tolist()
        [True, False]
        """
        scope_codes = np.asarray(scope_codes).astype(str)
        if len(scope_codes) == 0:
            return np.zeros(0, dtype=bool)
        uniq, inv = np.unique(scope_codes, return_inverse=True)
        div = np.array([{"province": 10_000, "city": 100, "county": 1}[self.level(c)] for c in uniq])[inv]
        return (np.asarray(codes).astype(np.int64) // div) == (scope_codes.astype(np.int64) // div)

    # ------------------------------------------------------------------ one code
    def _row(self, code: str) -> dict:
        try:
            return self._rows[code]
        except (KeyError, TypeError):
            raise ScopeError(f"unknown region code {code!r} (not in GB/T 2260)") from None

    def level(self, code: str) -> str:
        """``"province"``, ``"city"`` or ``"county"``.

        Raises
        ------
        ScopeError
            If ``code`` is not in the table.

        Example
        -------
        >>> load_regions().level("330502")
        'county'
        """
        return self._row(code)["level"]

    def parent(self, code: str) -> str | None:
        """The enclosing code: XXXX00 (if it exists) for a county, XX0000 for a city, None for a province.

        Raises
        ------
        ScopeError
            If ``code`` is not in the table.

        Example
        -------
        >>> load_regions().parent("330500")
        '330000'
        """
        return self._row(code)["parent"]

    def ancestors(self, code: str) -> list[str]:
        """Enclosing codes, nearest first.

        Raises
        ------
        ScopeError
            If ``code`` is not in the table.

        Example
        -------
        >>> load_regions().ancestors("330502")
        ['330500', '330000']
        """
        out = []
        p = self.parent(code)
        while p is not None:
            out.append(p)
            p = self.parent(p)
        return out

    def descendants(self, code: str, current_only: bool = False) -> list[str]:
        """Codes within ``code`` (by prefix, as in :meth:`covers`), itself excluded, sorted.

        Parameters
        ----------
        code : str
        current_only : bool, default False
            Leave out retired codes.

        Raises
        ------
        ScopeError
            If ``code`` is not in the table.

        Example
        -------
        >>> load_regions().descendants("330500", current_only=True)
        ['330501', '330502', '330503', '330521', '330522', '330523']
        """
        mask = self.covers(code, self.frame["code"]) & (self.frame["code"] != code).to_numpy()
        if current_only:
            mask &= self.frame["current"].to_numpy(dtype=bool)
        return sorted(self.frame["code"].to_numpy()[mask].tolist())

    def name(self, code: str) -> str:
        """Latest name, e.g. ``"吴兴区"``.

        Raises
        ------
        ScopeError
            If ``code`` is not in the table.

        Example
        -------
        >>> load_regions().name("330604")
        '上虞区'
        """
        return self._row(code)["name"]

    def full_name(self, code: str) -> str:
        """Province + city + county name, e.g. ``"浙江省湖州市吴兴区"`` (placeholders such as 市辖区 left out).

        Raises
        ------
        ScopeError
            If ``code`` is not in the table.

        Example
        -------
        >>> load_regions().full_name("110105")
        '北京市朝阳区'
        """
        return self._row(code)["full_name"]

    # ------------------------------------------------------------------ names
    @functools.cached_property
    def _name_index(self) -> dict[str, dict[str, int]]:
        """Normalised name -> {code: best tier}."""
        index: dict[str, dict[str, int]] = {}

        def add(alias: str, code: str, tier: int) -> None:
            slot = index.setdefault(_normalise(alias), {})
            if tier < slot.get(code, 99):
                slot[code] = tier

        rows = self._rows
        for code, row in rows.items():
            chain = [rows[c]["name"] for c in reversed(self.ancestors(code))]
            chain = [n for n in chain if n not in PLACEHOLDERS]
            history = [part.rpartition(":")[2] for part in row["names"].split("|")]
            latest_status = _STATUS_CURRENT if row["current"] else _STATUS_RETIRED
            leaves = [(latest_status, row["name"])] + [(_STATUS_FORMER, n) for n in history[:-1]]
            for status, leaf in leaves:
                if leaf in PLACEHOLDERS:
                    continue
                add(leaf, code, status + _KIND_EXACT)
                for i in range(len(chain)):  # 湖州市吴兴区, 浙江省湖州市吴兴区
                    add("".join(chain[i:]) + leaf, code, status + _KIND_EXACT)
                if len(chain) == 2:  # 浙江省吴兴区
                    add(chain[0] + leaf, code, status + _KIND_EXACT)
                leaf_forms = [(_KIND_EXACT, leaf), *_short_forms(leaf)]
                for kind, short in leaf_forms[1:]:
                    add(short, code, status + kind)
                if chain:  # 湖州吴兴区, 湖州吴兴, 湖州市吴兴: parent and leaf, either without suffix
                    parent_forms = [(_KIND_EXACT, chain[-1]), *_short_forms(chain[-1])]
                    for pkind, pform in parent_forms:
                        for lkind, lform in leaf_forms:
                            add(pform + lform, code, status + max(pkind, lkind))
        return index

    def _candidates(self, name: str) -> list[str]:
        """Codes matching ``name`` in the best tier that has any, sorted (empty if none)."""
        hits = self._name_index.get(_normalise(name))
        if not hits:
            return []
        best = min(hits.values())
        return sorted(c for c, t in hits.items() if t == best)

    def _describe(self, codes: list[str]) -> str:
        parts = []
        for c in codes:
            row = self._rows[c]
            retired = f" (retired {row['valid_to']})" if not row["current"] else ""
            parts.append(f"{c} {row['full_name']}{retired}")
        return "; ".join(parts)

    def resolve(self, code_or_name: str) -> str:
        """Turn a six-digit code or a region name into its code.

        Names may be full (浙江省湖州市吴兴区), city + county (湖州市吴兴区),
        short (吴兴区, 湖州市, 浙江省) or without suffix (吴兴) when unique.
        Current codes win over retired ones, which win over former names.

        Parameters
        ----------
        code_or_name : str

        Returns
        -------
        str
            The six-digit code.

        Raises
        ------
        ScopeError
            If the code is not in the table, the name matches nothing, or it
            matches several regions (the message lists every ``code full_name``).

        Example
        -------
        >>> load_regions().resolve("吴兴")
        '330502'
        """
        text = _normalise(str(code_or_name))
        if _SIX_DIGITS.match(text):
            self._row(text)
            return text
        cands = self._candidates(text)
        if not cands:
            raise ScopeError(f"unknown region {code_or_name!r}: no GB/T 2260 code or name matches")
        if len(cands) > 1:
            raise ScopeError(f"region name {code_or_name!r} is ambiguous; candidates: {self._describe(cands)}")
        return cands[0]

    def _classify(self, value: object) -> tuple[str | None, str | None, str | None]:
        """(code, reason, message) for one distinct cell value."""
        if isinstance(value, float) and value.is_integer():
            text = repr(value)  # a code stored as a number: 330502.0
        else:
            text = _normalise(str(value))
        if not text:
            return None, None, None
        if _SIX_DIGITS.match(text):
            row = self._rows.get(text)
            if row is None:
                return None, "region_unknown", f"region code {text} is not in GB/T 2260"
            if not row["current"]:
                return text, "region_retired", (
                    f"region code {text} ({row['full_name']}) is no longer current (last used {row['valid_to']})")
            return text, None, None
        if _NUMBER.match(text):
            try:
                number = float(text)
            except ValueError:  # pragma: no cover - the pattern only admits float syntax
                number = float("nan")
            if number.is_integer() and 100000 <= number <= 999999:
                guess = f"{int(number)}"
                known = f" ({self._rows[guess]['full_name']})" if guess in self._rows else " (not a known code)"
                return None, "region_mangled", (
                    f"region code {value!r} was changed by a spreadsheet; it was probably {guess}{known} - "
                    "store region codes as text")
            hint = ""
            if re.fullmatch(r"[0-9]{6}(?:[0-9]{3}|[0-9]{6})", text) and text[:6] in self._rows:
                hint = f" (a 9/12-digit statistical code? its first six digits are {text[:6]} " \
                       f"{self._rows[text[:6]]['full_name']})"
            return None, "region_unknown", f"{value!r} is not a six-digit GB/T 2260 code{hint}"
        cands = self._candidates(text)
        if not cands:
            return None, "region_unknown", f"region {value!r} matches no GB/T 2260 code or name"
        if len(cands) > 1:
            return None, "region_ambiguous", (
                f"region name {value!r} matches {len(cands)} regions: {self._describe(cands)}; give the code")
        code = cands[0]
        row = self._rows[code]
        if not row["current"]:
            now = self._successors(code)
            where = ("; the current division of that name: " + self._describe(now)) if now else \
                "; no current division has that name"
            return None, "region_abolished", (
                f"region name {value!r} only matches {code} {row['full_name']}, abolished in {row['valid_to']}"
                f"{where} - give the current name, or the old code if the old division is meant")
        return code, "region_by_name", f"region name {value!r} resolved to {code} {row['full_name']}"

    def _successors(self, code: str) -> list[str]:
        """Current divisions of the same province whose name has the abolished one's stem (吴兴县 → 吴兴区)."""
        name = self._rows[code]["name"]
        stems = [name] + [stem for _, stem in _short_forms(name)]
        out: set[str] = set()
        for stem in stems:
            for c in self._name_index.get(_normalise(stem), {}):
                if c[:2] == code[:2] and self._rows[c]["current"] and c != code:
                    out.add(c)
        return sorted(out)

    def resolve_series(self, values: pd.Series) -> pd.DataFrame:
        """Validate a region column: resolve codes and names, flag spreadsheet damage.

        Works on the distinct values only, then maps the results back, so a
        million rows with a few hundred distinct regions cost a few hundredths
        of a second.

        Parameters
        ----------
        values : pandas.Series
            Cell values (text, or numbers as read from a spreadsheet).

        Returns
        -------
        pandas.DataFrame
            Same index as ``values``, columns ``code`` (string dtype, six digits or
            <NA>), ``reason`` (None or ``region_unknown``, ``region_mangled``,
            ``region_ambiguous``, ``region_by_name``, ``region_retired``) and
            ``message`` (None or English text). Blank cells give <NA>/None/None.

        Raises
        ------
        TypeError
            If ``values`` is not a pandas Series.

        Example
        -------
        >>> r = load_regions().resolve_series(pd.Series(["330502", "吴兴区", "330502.0"]))
        >>> r["code"].tolist(), r["reason"].tolist()
        (['330502', '330502', <NA>], [None, 'region_by_name', 'region_mangled'])
        """
        if not isinstance(values, pd.Series):
            raise TypeError(f"resolve_series expects a pandas Series, got {type(values).__name__}")
        idx, uniques = pd.factorize(values, use_na_sentinel=True)
        n = len(uniques)
        codes = np.empty(n + 1, dtype=object)
        reasons = np.empty(n + 1, dtype=object)
        messages = np.empty(n + 1, dtype=object)
        for i, value in enumerate(uniques):
            codes[i], reasons[i], messages[i] = self._classify(value)
        codes[n] = reasons[n] = messages[n] = None  # the NA sentinel -1 picks the last slot
        return pd.DataFrame(
            {
                "code": pd.Series(codes[idx], index=values.index, dtype="string"),
                "reason": pd.Series(reasons[idx], index=values.index, dtype=object),
                "message": pd.Series(messages[idx], index=values.index, dtype=object),
            },
        )


@functools.lru_cache(maxsize=1)
def load_regions() -> RegionTable:
    """The shipped GB/T 2260 table, read once per process.

    Returns
    -------
    RegionTable

    Raises
    ------
    FileNotFoundError
        If ``chaingraph/data/gbt2260.csv`` is missing from the installation.

    Example
    -------
    >>> len(load_regions()) > 3000
    True
    """
    data = resources.files("chaingraph.data")
    with data.joinpath("gbt2260.csv").open("r", encoding="utf-8") as fh:
        frame = pd.read_csv(fh, dtype=str, keep_default_na=False)
    meta_file = data.joinpath("gbt2260.json")
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.is_file() else {}
    return RegionTable(frame, meta)
