"""The package's shape: one subpackage per step, lower steps never import higher ones, no import circle,
no module past ~600 lines, old flat import paths still work (with a warning) for one release.

The import graph is read from the source with :mod:`ast` (every ``import`` and ``from … import``,
including the ones inside functions), so a lazy import cannot hide a circle or an upward step.
"""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "chaingraph"

MAX_LINES = 600

#: the floor of each room; a module may import its own floor and any lower one, never a higher one
FLOORS: dict[str, int] = {
    "errors": 0, "reasons": 0, "i18n": 0, "model": 1, "_compat": 0, "docs": 2,
    "ingest": 2,
    "validate": 3,
    "synth": 3,
    "graph": 4,
    "queries": 5,
    "neo4j": 6,
    "render": 7,
    "export": 7,
    "reports": 8,
    "cli": 9,
    "__main__": 9,
}


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE.parent).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


MODULES = _modules()


def _resolve(name: str) -> str | None:
    """The longest known module that ``name`` is or lies in (``chaingraph.graph.core.ChainGraph`` → its module)."""
    parts = name.split(".")
    while parts:
        cand = ".".join(parts)
        if cand in MODULES:
            return cand
        parts.pop()
    return None


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    here = module.split(".") if is_pkg else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("chaingraph"):
                    found.add(a.name)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if not mod.startswith("chaingraph"):
                continue
            for a in node.names:  # `from pkg import submodule` names the submodule
                found.add(f"{mod}.{a.name}" if f"{mod}.{a.name}" in MODULES else mod)
    targets = {_resolve(n) for n in found}
    return {t for t in targets if t and t != module}


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def _room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_room_has_a_floor():
    rooms = {_room(m) for m in MODULES} - {"__init__", "data", "cypher", "samples"}
    assert rooms <= set(FLOORS), f"new room(s) without a floor in this test: {sorted(rooms - set(FLOORS))}"
    for step in ("ingest", "validate", "graph", "queries", "neo4j", "render", "export", "cli"):
        assert (PACKAGE / step / "__init__.py").is_file(), step


def test_no_import_circle():
    # depth-first search with colours; reports one circle with its modules
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(m: str) -> list[str] | None:
        state[m] = 1
        stack.append(m)
        for t in sorted(GRAPH.get(m, ())):
            if t == "chaingraph":
                continue  # the root facade: `from chaingraph import __version__` is not a step
            if state.get(t) == 1:
                return stack[stack.index(t):] + [t]
            if t not in state:
                found = visit(t)
                if found:
                    return found
        stack.pop()
        state[m] = 2
        return None

    for m in sorted(GRAPH):
        if m not in state and m != "chaingraph":
            circle = visit(m)
            assert circle is None, "import circle: " + " → ".join(circle)


def test_the_circle_test_can_fail(monkeypatch):
    monkeypatch.setitem(GRAPH, "chaingraph.ingest.readers", GRAPH["chaingraph.ingest.readers"] | {"chaingraph.validate.core"})
    monkeypatch.setitem(GRAPH, "chaingraph.validate.core", GRAPH["chaingraph.validate.core"] | {"chaingraph.ingest.readers"})
    with pytest.raises(AssertionError, match="import circle"):
        test_no_import_circle()


def _upward() -> list[str]:
    bad = []
    for m, targets in GRAPH.items():
        room = _room(m)
        if room in ("__init__", "data", "cypher", "samples"):
            continue
        for t in targets:
            troom = _room(t)
            if troom in ("__init__",) or troom == room:
                continue
            if FLOORS[troom] > FLOORS[room]:
                bad.append(f"{m} (floor {FLOORS[room]}) imports {t} (floor {FLOORS[troom]})")
    return sorted(bad)


def test_lower_steps_never_import_higher_ones():
    assert _upward() == []


def test_the_floor_test_can_fail(monkeypatch):
    monkeypatch.setitem(GRAPH, "chaingraph.queries.composition",
                        GRAPH["chaingraph.queries.composition"] | {"chaingraph.render.html"})
    assert _upward() == ["chaingraph.queries.composition (floor 5) imports chaingraph.render.html (floor 7)"]


def test_no_module_past_600_lines():
    long = {str(p.relative_to(PACKAGE.parent)): n for p in MODULES.values()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


@pytest.mark.parametrize("old, new", [
    ("chaingraph.io", "chaingraph.ingest.readers"),
    ("chaingraph.regions", "chaingraph.ingest.regions"),
    ("chaingraph.codes", "chaingraph.ingest.codes"),
    ("chaingraph.store", "chaingraph.graph.store"),
    ("chaingraph.aggregates", "chaingraph.graph.aggregates"),
    ("chaingraph.layout", "chaingraph.render.layout"),
    ("chaingraph.labels", "chaingraph.export.labels"),
    ("chaingraph.neo4j_backend", "chaingraph.neo4j.load"),
    ("chaingraph.neo4j_graph", "chaingraph.neo4j.graph"),
])
def test_old_import_paths_work_with_a_deprecation_warning(old, new):
    # a fresh interpreter, so the module is not already in sys.modules under its old name
    code = (f"import warnings; warnings.simplefilter('error', DeprecationWarning)\n"
            f"import chaingraph, importlib\n"
            f"try:\n    importlib.import_module({old!r})\n"
            f"except DeprecationWarning as w:\n    print('WARNED', w)\n"
            f"warnings.simplefilter('ignore')\n"
            f"m = importlib.import_module({old!r}); print('MODULE', m.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert f"WARNED {old} moved to {new}" in out
    assert f"MODULE {new}" in out


def test_public_api_unchanged():
    import chaingraph
    from chaingraph import queries

    for name in ("open_graph", "load", "save", "validate", "ChainGraph", "Scope", "ChainGraphError"):
        assert hasattr(chaingraph, name), name
    for name in ("common_problems", "chain_map", "composition", "leaders", "weak_links", "exposure",
                 "benchmark_gaps", "enterprise_map"):
        assert callable(getattr(queries, name)), name
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        render = importlib.import_module("chaingraph.render")
    assert callable(render.write_map_html)
