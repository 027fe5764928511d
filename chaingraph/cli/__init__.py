"""The ``chaingraph`` command line: a thin layer over the library.

Each command parses its arguments, calls the library, and formats the result.
A user mistake (bad path, unknown region, damaged store) prints one line
``Error: …`` and exits with status 1; a usage mistake exits with status 2;
nothing prints a traceback.

The group and its shared helpers are in :mod:`chaingraph.cli.app`; the commands, by topic, in
:mod:`~chaingraph.cli.data` (validate, build, info, demo, synth), :mod:`~chaingraph.cli.queries`
(the named queries), :mod:`~chaingraph.cli.maps` (map) and :mod:`~chaingraph.cli.neo4j` (push, query).
Importing this package registers every command on :data:`cli`.

Example
-------
::

    chaingraph validate datasets/defects --report report.csv
    chaingraph build datasets/wuxing-childrenswear -o out/wuxing.cgstore
    chaingraph info out/wuxing.cgstore
    chaingraph demo -o chaingraph-demo
"""

from __future__ import annotations

# importing a command module registers its commands (and demo step) on `cli`; the order sets the demo's steps
from chaingraph.cli import data, neo4j, queries  # noqa: F401 - problem list first
from chaingraph.cli.app import SAMPLES, EmbeddedBackend, cli, sample_path

# isort: split
import chaingraph.cli.history  # noqa: F401 - changes, compare
from chaingraph.cli import ledger, maps  # noqa: F401 - then the map (ledger: ledger, ledger-summary, progress)
from chaingraph.cli.queries import DISPLAY, scope_options

__all__ = ["DISPLAY", "SAMPLES", "EmbeddedBackend", "cli", "main", "sample_path", "scope_options"]


def main() -> None:
    """Console-script entry point.

    Raises
    ------
    SystemExit
        Always, with the command's exit status.
    """
    cli(prog_name="chaingraph")


if __name__ == "__main__":  # pragma: no cover
    main()
