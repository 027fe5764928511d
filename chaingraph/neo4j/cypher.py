"""The ``.cypher`` files: finding them (installed package ``chaingraph.cypher`` or the source tree's
``cypher/`` folder), reading one by name, splitting it into statements and reading its declared parameters.

>>> split_statements("// parameters: rows\\nUNWIND $rows AS row\\nRETURN row;\\n")
['UNWIND $rows AS row\\nRETURN row']
>>> declared_parameters("// parameters: rows\\nUNWIND $rows AS row\\n")
('rows',)
"""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path
from typing import Any

from chaingraph.errors import BackendError

CYPHER_PACKAGE = "chaingraph.cypher"
"""Package holding the ``.cypher`` files (the repository's ``cypher/`` folder)."""

_NAME_RE = re.compile(r"^[a-z_/]+$")


def _cypher_root() -> Any:
    try:
        return importlib.resources.files(CYPHER_PACKAGE)
    except ModuleNotFoundError:
        # Running from a source tree that is not installed: `chaingraph.cypher` is the
        # repository's cypher/ folder (mapped by pyproject's package-dir on install).
        root = Path(__file__).resolve().parents[2] / "cypher"
        if (root / "__init__.py").is_file():
            return root
        raise BackendError("the Cypher files (package chaingraph.cypher) are not installed") from None


def load_cypher(name: str) -> str:
    """Return the text of ``cypher/<name>.cypher``.

    Parameters
    ----------
    name : str
        Path below ``cypher/`` without the extension, e.g. ``"load/nodes/enterprise"``;
        only ``a-z``, ``_`` and ``/`` are accepted (no dots, no absolute paths).

    Raises
    ------
    BackendError
        If the name is not of that form or no such file exists.

    Example
    -------
    >>> load_cypher("load/nodes/chain").splitlines()[-3]
    'UNWIND $rows AS row'
    """
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name) or any(p == "" for p in name.split("/")):
        raise BackendError(f"not a Cypher file name (a-z, '_' and '/' only): {name!r}")
    *folders, last = name.split("/")
    resource = _cypher_root()
    for part in folders:
        resource = resource.joinpath(part)
    resource = resource.joinpath(last + ".cypher")
    if not resource.is_file():
        raise BackendError(f"no Cypher file {name}.cypher in {CYPHER_PACKAGE}")
    return resource.read_text(encoding="utf-8")


def split_statements(text: str) -> list[str]:
    """Split a ``.cypher`` file into statements.

    Whole-line ``//`` comments are dropped; statements are separated by a ``;`` at the
    end of a line (chaingraph's files never put a ``;`` inside a string).

    >>> split_statements("// c\\nRETURN 1;\\nRETURN 2\\n")
    ['RETURN 1', 'RETURN 2']
    """
    lines = [ln.rstrip() for ln in text.splitlines() if not ln.lstrip().startswith("//")]
    out: list[str] = []
    current: list[str] = []
    for ln in lines:
        if ln.endswith(";"):
            current.append(ln[:-1].rstrip())
            out.append("\n".join(current).strip())
            current = []
        else:
            current.append(ln)
    out.append("\n".join(current).strip())
    return [s for s in out if s]


def declared_parameters(text: str) -> tuple[str, ...]:
    """Parameters a ``.cypher`` file declares in a ``// parameters: a, b`` comment line."""
    for ln in text.splitlines():
        m = re.match(r"^\s*//\s*parameters:\s*(.*)$", ln)
        if m:
            return tuple(p.strip().lstrip("$") for p in m.group(1).split(",") if p.strip())
    return ()
