"""Firm identity from the lists analysts hold: stock codes, full names, and regions named in names or addresses.

Three vectorised helpers, each taking a column and returning a frame (a value or a reason for every row):

* :func:`normalise_stock_codes` — ``600373``, ``600373.SH``, ``SH600373``, ``sh.600373``, ``600373.SS`` →
  one form, ``600373.SH`` (the exchange inferred from the code's prefix when not given);
* :func:`normalise_names` — the key of a firm known only by its name: full-width forms folded (NFKC),
  white space dropped, brackets （）/() unified, so ``湖州 童装（集团）有限公司`` and ``湖州童装(集团)有限公司``
  are one firm;
* :func:`infer_regions` — the most specific GB/T 2260 division a firm's name or address names **unambiguously**,
  read from its start (浙江森马服饰股份有限公司 → 浙江省, never a guess at a city).

Nothing here reads files or decides what is an error: validation turns the reasons into issues.

Example
-------
>>> import pandas as pd
>>> normalise_stock_codes(pd.Series(["600373", "SZ000001", "830799.BJ", "12345x"]))["code"].tolist()
['600373.SH', '000001.SZ', '830799.BJ', None]
>>> normalise_names(pd.Series(["湖州 童装（集团）有限公司"])).tolist()
['湖州童装(集团)有限公司']
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np
import pandas as pd

# Exchange by the first digits of an A/B-share or Beijing code (longest prefix first).
_EXCHANGE_BY_PREFIX: tuple[tuple[str, str], ...] = (
    ("920", "BJ"), ("688", "SH"), ("689", "SH"), ("900", "SH"), ("60", "SH"),
    ("00", "SZ"), ("20", "SZ"), ("30", "SZ"),
    ("43", "BJ"), ("83", "BJ"), ("87", "BJ"), ("88", "BJ"),
)
_EXCHANGE_ALIAS = {"SH": "SH", "SS": "SH", "SSE": "SH", "XSHG": "SH", "SZ": "SZ", "SZSE": "SZ", "XSHE": "SZ",
                   "BJ": "BJ", "BSE": "BJ", "BJSE": "BJ"}
_CODE = re.compile(r"^(?:(?P<pre>[A-Z]{2,4})[.:]?)?(?P<num>\d{1,6})(?:[.:](?P<post>[A-Z]{2,4}))?$")

STOCK_CODE_REASONS = ("stock_code_malformed", "stock_code_padded", "stock_code_exchange")
"""Reason codes :func:`normalise_stock_codes` may give (an error, and two warnings)."""


def _exchange_for(num: str) -> str | None:
    return next((ex for prefix, ex in _EXCHANGE_BY_PREFIX if num.startswith(prefix)), None)


def _one_stock_code(text: str) -> tuple[str | None, str | None, str | None]:
    t = unicodedata.normalize("NFKC", text).strip().upper().replace(" ", "")
    if not t:
        return None, None, None  # a blank cell: no stock code, not a bad one
    if t.endswith(".0") and t[:-2].isdigit():  # a code Excel stored as a number: 600373.0
        t = t[:-2]
    m = _CODE.match(t)
    if not m:
        return None, "stock_code_malformed", f"{text!r} is not a stock code (600373, 600373.SH, SZ000001)"
    num, given = m["num"], m["pre"] or m["post"]
    reason = message = None
    if given is not None and given not in _EXCHANGE_ALIAS:
        return None, "stock_code_malformed", f"{text!r}: unknown exchange {given!r} (SH, SZ, BJ)"
    if len(num) < 6:
        reason, message = "stock_code_padded", f"{text!r} read as {num.zfill(6)!r}: leading zeros restored"
        num = num.zfill(6)
    inferred = _exchange_for(num)
    exchange = _EXCHANGE_ALIAS[given] if given else inferred
    if exchange is None:
        return None, "stock_code_malformed", f"{text!r}: no Shanghai, Shenzhen or Beijing code starts with {num[:3]}"
    if given and inferred and exchange != inferred and reason is None:
        reason, message = "stock_code_exchange", f"{text!r}: code {num} is usually listed on {inferred}, not {exchange}"
    return f"{num}.{exchange}", reason, message


def normalise_stock_codes(values: pd.Series) -> pd.DataFrame:
    """Stock codes in one form, ``NNNNNN.EX`` (EX one of SH, SZ, BJ), with a reason for every other outcome.

    Parameters
    ----------
    values : pandas.Series
        Cells as read (text or numbers); missing cells stay missing without a reason.

    Returns
    -------
    pandas.DataFrame
        Same index; ``code`` (the normal form, or missing), ``reason`` (``stock_code_malformed``: an
        error, the code is missing; ``stock_code_padded``: Excel dropped the leading zeros and they were
        put back; ``stock_code_exchange``: the given exchange is not the one the prefix says) and ``message``.

    Raises
    ------
    TypeError
        If ``values`` is not a pandas Series.

    Example
    -------
    >>> normalise_stock_codes(pd.Series([1, "600373.ss"]))["code"].tolist()
    ['000001.SZ', '600373.SH']
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"normalise_stock_codes expects a pandas Series, got {type(values).__name__}")
    present = values.notna()
    texts = values[present].map(lambda v: str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
    uniq = pd.unique(texts.to_numpy(dtype=object))
    table = {u: _one_stock_code(u) for u in uniq}
    cols = {name: np.full(len(values), None, dtype=object) for name in ("code", "reason", "message")}
    mask = present.to_numpy()
    for i, name in enumerate(("code", "reason", "message")):
        cols[name][mask] = [table[t][i] for t in texts]
    out = pd.DataFrame({k: pd.Series(v, index=values.index, dtype=object) for k, v in cols.items()})
    return out


_BRACKETS = str.maketrans({"（": "(", "）": ")", "【": "(", "】": ")", "〔": "(", "〕": ")", "［": "(", "］": ")"})


def normalise_names(values: pd.Series) -> pd.Series:
    """The identity key of a firm known by its name: NFKC, no white space, one kind of brackets.

    Parameters
    ----------
    values : pandas.Series
        Full names as read.

    Returns
    -------
    pandas.Series
        Same index, object dtype; missing stays missing, an all-blank name becomes missing.

    Raises
    ------
    TypeError
        If ``values`` is not a pandas Series.

    Example
    -------
    >>> normalise_names(pd.Series(["ＡＢＣ 科技 有限公司", "  "])).tolist()
    ['ABC科技有限公司', None]
    """
    if not isinstance(values, pd.Series):
        raise TypeError(f"normalise_names expects a pandas Series, got {type(values).__name__}")
    present = values.notna()
    uniq = pd.unique(values[present].astype(str).to_numpy(dtype=object))
    table = {}
    for u in uniq:
        key = "".join(unicodedata.normalize("NFKC", u).translate(_BRACKETS).split())
        table[u] = key or None
    arr = np.full(len(values), None, dtype=object)
    arr[present.to_numpy()] = [table[v] for v in values[present].astype(str)]
    return pd.Series(arr, index=values.index, dtype=object)


# ---------------------------------------------------------------------------------------------- regions
_SUFFIXES = ("特别行政区", "自治区", "自治州", "自治县", "自治旗", "地区", "林区", "新区", "省", "市", "区", "县", "旗", "盟")


@functools.lru_cache(maxsize=4)
def _alias_index(regions) -> tuple[dict[str, list[str]], int]:
    """alias → current codes, for reading a region off the start of a name or address.

    Full names of every current division (湖州市, 吴兴区) and the suffix-less stems of provinces and cities
    (浙江, 湖州) are aliases everywhere; stems of counties (吴兴) only after their city was read, since a
    two-character county stem at the start of a firm name is more often a word (东方, 长城) than a place.
    """
    frame = regions.frame
    cur = frame[frame["current"]]
    index: dict[str, list[str]] = {}
    for code, name, level in zip(cur["code"], cur["name"], cur["level"], strict=True):
        if not isinstance(name, str) or name in ("市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"):
            continue
        index.setdefault(name, []).append(code)
        for suffix in _SUFFIXES:
            if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                stem = name[: -len(suffix)]
                index.setdefault(("" if level in ("province", "city") else "~") + stem, []).append(code)
                break
    longest = max(len(k.lstrip("~")) for k in index)
    return index, longest


def _read_region(text: str, regions, index: dict[str, list[str]], longest: int) -> str | None:
    t = "".join(unicodedata.normalize("NFKC", text).split())
    found: str | None = None
    pos = 0
    while pos < len(t):
        step = None
        for length in range(min(longest, len(t) - pos), 1, -1):
            piece = t[pos:pos + length]
            cands = list(index.get(piece, ()))
            if found is not None:
                cands += index.get("~" + piece, [])
                cands = [c for c in cands if found in regions.ancestors(c)]
            cands = sorted(set(cands))
            if len(cands) == 1:
                step = (cands[0], length)
                break
            if len(cands) > 1:
                return found  # ambiguous from here on: keep what was unique
        if step is None:
            return found
        found, pos = step[0], pos + step[1]
    return found


def infer_regions(texts: pd.Series, regions) -> pd.Series:
    """The most specific current division that the start of each text names unambiguously.

    Reads province, then city, then county off the front of a full name or an address
    (浙江省湖州市吴兴区织里镇… → 330502; 湖州吴兴童装有限公司 → 330502; 浙江森马服饰股份有限公司 → 330000)
    and stops at the first piece that names nothing, or several places.

    Parameters
    ----------
    texts : pandas.Series
        Firm names or addresses.
    regions : chaingraph.ingest.regions.RegionTable
        The GB/T 2260 table (only current divisions are candidates).

    Returns
    -------
    pandas.Series
        Same index, object dtype: a six-digit code, or missing where nothing is named.

    Raises
    ------
    TypeError
        If ``texts`` is not a pandas Series.

    Example
    -------
    >>> from chaingraph.ingest.regions import load_regions
    >>> infer_regions(pd.Series(["浙江森马服饰股份有限公司", "湖州市吴兴区童装厂", "东方电气"]), load_regions()).tolist()
    ['330000', '330502', None]
    """
    if not isinstance(texts, pd.Series):
        raise TypeError(f"infer_regions expects a pandas Series, got {type(texts).__name__}")
    index, longest = _alias_index(regions)
    present = texts.notna()
    uniq = pd.unique(texts[present].astype(str).to_numpy(dtype=object))
    table = {u: _read_region(u, regions, index, longest) for u in uniq}
    arr = np.full(len(texts), None, dtype=object)
    arr[present.to_numpy()] = [table[v] for v in texts[present].astype(str)]
    return pd.Series(arr, index=texts.index, dtype=object)


def first_present(*columns: pd.Series) -> pd.Series:
    """Row-wise first non-missing value of several aligned columns (object dtype).

    Example
    -------
    >>> first_present(pd.Series([None, "b"]), pd.Series(["x", "y"])).tolist()
    ['x', 'b']
    """
    out = pd.Series(None, index=columns[0].index, dtype=object)
    for col in columns:
        fill = out.isna().to_numpy() & col.notna().to_numpy()
        if fill.any():
            out[fill] = col[fill].to_numpy(dtype=object)
    return out


__all__ = ["STOCK_CODE_REASONS", "first_present", "infer_regions", "normalise_names", "normalise_stock_codes"]


