"""Unified Social Credit Codes, vectorised: organisation-code bodies, check characters and fixed-width byte
matrices turned into Arrow strings without Python objects.

Example
-------
>>> import numpy as np
>>> from chaingraph.synth.codes import _digits
>>> _digits(np.array([7, 42]), 3).tobytes()
b'007042'
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from chaingraph.ingest.codes import ORG_WEIGHTS, USCC_CHARSET, USCC_WEIGHTS

_CHARSET = np.frombuffer(USCC_CHARSET.encode(), dtype=np.uint8)
_USCC_VAL = np.full(256, -1, dtype=np.int64)
_USCC_VAL[_CHARSET] = np.arange(len(_CHARSET))
_ORG_VAL = np.zeros(256, dtype=np.int64)
_ORG_VAL[np.frombuffer(b"0123456789", dtype=np.uint8)] = np.arange(10)
_ORG_VAL[np.frombuffer(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", dtype=np.uint8)] = np.arange(10, 36)
_ORG_CHECK = np.frombuffer(b"?123456789X0", dtype=np.uint8)  # indexed by 11 - sum % 11


def _uscc_matrix(region6: np.ndarray, org8: np.ndarray) -> np.ndarray:
    """USCC bytes ``(n, 18)`` from region digits ``(n, 6)`` and organisation bodies ``(n, 8)`` (uint8).

    Same result as :func:`chaingraph.codes.make_uscc` row by row (authority 9, type 1).
    """
    n = len(region6)
    m = np.empty((n, 18), dtype=np.uint8)
    m[:, 0], m[:, 1] = ord("9"), ord("1")
    m[:, 2:8] = region6
    m[:, 8:16] = org8
    org_total = (_ORG_VAL[org8] * np.asarray(ORG_WEIGHTS)).sum(axis=1)
    m[:, 16] = _ORG_CHECK[11 - org_total % 11]
    total = (_USCC_VAL[m[:, :17]] * np.asarray(USCC_WEIGHTS)).sum(axis=1)
    m[:, 17] = _CHARSET[(31 - total % 31) % 31]
    return m


def _org_bodies(ids: np.ndarray, ma: np.ndarray, seed: int) -> np.ndarray:
    """Unique organisation-code bodies ``(n, 8)``: 8 digits for older firms, ``MA`` + 6 charset characters since
    2015 — an affine bijection of the firm id in each form, so distinct ids never share a body."""
    ids = ids.astype(np.int64)
    out = np.empty((len(ids), 8), dtype=np.uint8)
    m31 = 31**6
    a31, b31 = 387_420_489 + 2 * (seed % 1000), (seed * 7_919 + 12_345) % m31  # a31 odd, not a multiple of 31
    v = (a31 * ids + b31) % m31
    out[:, 0], out[:, 1] = ord("M"), ord("A")
    for k in range(7, 1, -1):
        out[:, k] = _CHARSET[v % 31]
        v //= 31
    m10 = 10**8
    a10, b10 = 48_271_003 + 10 * (seed % 1000), (seed * 104_729 + 7_654_321) % m10  # a10 ends in 3: coprime to 10
    d = (a10 * ids + b10) % m10
    digits = np.empty((len(ids), 8), dtype=np.uint8)
    for k in range(7, -1, -1):
        digits[:, k] = ord("0") + d % 10
        d //= 10
    old = ~ma
    out[old] = digits[old]
    return out


def _fixed_strings(m: np.ndarray) -> pa.Array:
    """An Arrow string array over the rows of a fixed-width ASCII byte matrix (no Python objects)."""
    n, w = m.shape
    offsets = pa.py_buffer(np.arange(0, (n + 1) * w, w, dtype=np.int32))
    return pa.StringArray.from_buffers(n, offsets, pa.py_buffer(np.ascontiguousarray(m).tobytes()))


def _digits(values: np.ndarray, width: int) -> np.ndarray:
    """Zero-padded decimal digits of non-negative integers as a ``(n, width)`` uint8 matrix."""
    v = values.astype(np.int64)
    out = np.empty((len(v), width), dtype=np.uint8)
    for k in range(width - 1, -1, -1):
        out[:, k] = ord("0") + v % 10
        v //= 10
    return out
