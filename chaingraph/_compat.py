"""Old import paths of the flat 0.1 layout, kept working for one release with a ``DeprecationWarning``.

``import chaingraph.io`` (or ``from chaingraph import regions``) still gives the module, now found at its
new place in the step subpackages; the warning names the new path. Removed in 0.3 (see CHANGELOG.md).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import warnings

MOVED: dict[str, str] = {
    "chaingraph.io": "chaingraph.ingest.readers",
    "chaingraph.parse": "chaingraph.ingest.parse",
    "chaingraph.codes": "chaingraph.ingest.codes",
    "chaingraph.regions": "chaingraph.ingest.regions",
    "chaingraph.aggregates": "chaingraph.graph.aggregates",
    "chaingraph.store": "chaingraph.graph.store",
    "chaingraph.layout": "chaingraph.render.layout",
    "chaingraph.labels": "chaingraph.export.labels",
    "chaingraph.neo4j_backend": "chaingraph.neo4j.load",
    "chaingraph.neo4j_graph": "chaingraph.neo4j.graph",
}
"""Old module path → its new path."""


class _Alias(importlib.abc.Loader):
    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec):  # noqa: D102 - the new module itself is the module
        return importlib.import_module(self.target)

    def exec_module(self, module) -> None:  # noqa: D102 - already executed under its new name
        return None


class MovedModules(importlib.abc.MetaPathFinder):
    """Finds the old flat module names and hands out the moved modules, with a warning."""

    def find_spec(self, fullname, path=None, target=None):  # noqa: D102
        new = MOVED.get(fullname)
        if new is None:
            return None
        warnings.warn(f"{fullname} moved to {new}; the old path is removed in chaingraph 0.3",
                      DeprecationWarning, stacklevel=3)
        return importlib.machinery.ModuleSpec(fullname, _Alias(new))


def install() -> None:
    """Put the finder on ``sys.meta_path`` once."""
    if not any(isinstance(f, MovedModules) for f in sys.meta_path):
        sys.meta_path.append(MovedModules())
