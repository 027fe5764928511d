"""Every .cypher file of chaingraph, linted offline by Neo4j's own Cypher front end.

The linter is the npm package ``@neo4j-cypher/language-support`` (Neo4j's ANTLR
parser and semantic analysis, the engine behind Neo4j's editors), pinned in
``tools/cypher-lint/package.json`` and installed by ``scripts/setup-cypher-lint``.
``tools/cypher-lint/lint.mjs`` runs it on each statement against the schema of the
model: labels, relationship types, property keys, the (from, type, to) triples, the
parameters the file declares (``// parameters: a, b``) and the built-in functions and
procedures of a plain server (no APOC, no GDS). Each statement is linted as Cypher 5
and as Cypher 25, and must give no error and no warning.

Without node or the installed linter every test here is skipped, with the reason;
set ``CHAINGRAPH_REQUIRE_CYPHER_LINT=1`` (CI, after ``scripts/setup-cypher-lint``) to
make that a failure instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

from chaingraph import model
from chaingraph.neo4j.load import (
    declared_parameters,
    dynamic_statements,
    graph_schema,
    property_keys,
    split_statements,
)

REPO = Path(__file__).resolve().parents[1]
CYPHER_DIR = REPO / "cypher"
LINT_DIR = REPO / "tools" / "cypher-lint"
LINT_SCRIPT = LINT_DIR / "lint.mjs"
PACKAGE = "@neo4j-cypher/language-support"
INSTALLED = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support" / "package.json"
VERSIONS = ["CYPHER 5", "CYPHER 25"]
CYPHER_FILES = sorted(p.relative_to(CYPHER_DIR).as_posix() for p in CYPHER_DIR.rglob("*.cypher"))


def _skip_reason() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed: Cypher linting needs Node.js (then run scripts/setup-cypher-lint)"
    if not INSTALLED.is_file():
        return f"{PACKAGE} is not installed in tools/cypher-lint: run scripts/setup-cypher-lint"
    return None


REQUIRED = os.environ.get("CHAINGRAPH_REQUIRE_CYPHER_LINT") == "1"
needs_linter = pytest.mark.skipif(_skip_reason() is not None, reason=_skip_reason() or "")


def test_linter_is_present_when_required():
    if not REQUIRED:
        pytest.skip("CHAINGRAPH_REQUIRE_CYPHER_LINT is not set")
    assert _skip_reason() is None, _skip_reason()


def schema() -> dict:
    return {
        "labels": list(model.NODE_LABELS),
        "relationshipTypes": list(model.REL_TYPES),
        "propertyKeys": list(property_keys()),
        "graphSchema": graph_schema(),
    }


def lint(queries: list[dict]) -> dict:
    """Run lint.mjs on ``queries`` ([{file, index, query, parameters}]); return its JSON answer."""
    job = {"schema": schema(), "versions": VERSIONS, "queries": queries}
    proc = subprocess.run(["node", str(LINT_SCRIPT)], input=json.dumps(job, ensure_ascii=False), text=True,
                          capture_output=True, cwd=LINT_DIR, timeout=300, encoding="utf-8")
    assert proc.returncode == 0, f"lint.mjs failed ({proc.returncode}): {proc.stderr}"
    return json.loads(proc.stdout)


def file_queries(name: str) -> list[dict]:
    text = (CYPHER_DIR / name).read_text(encoding="utf-8")
    params = {p: None for p in declared_parameters(text)}
    return [{"file": name, "index": i, "query": q, "parameters": params}
            for i, q in enumerate(split_statements(text))]


@cache
def lint_everything() -> dict:
    queries = [q for name in CYPHER_FILES for q in file_queries(name)]
    queries += [{"file": f"<python: {name}>", "index": 0, "query": text, "parameters": params}
                for name, text, params in dynamic_statements()]
    return lint(queries)


def diagnostics_of(answer: dict, file: str) -> list[str]:
    out = []
    for r in answer["results"]:
        if r["file"] == file:
            for d in r["diagnostics"]:
                out.append(f"{file} statement {r['index'] + 1} ({r['version']}) {d['line']}:{d['column']} "
                           f"{d['severity']}: {d['message']}")
    return out


@needs_linter
def test_the_pinned_linter_is_the_installed_one():
    pinned = json.loads((LINT_DIR / "package.json").read_text())["dependencies"][PACKAGE]
    locked = json.loads((LINT_DIR / "package-lock.json").read_text())["packages"][f"node_modules/{PACKAGE}"]
    assert pinned == locked["version"], "package.json and package-lock.json disagree"
    assert lint_everything()["linter"]["version"] == pinned, "run scripts/setup-cypher-lint to install the pin"


@needs_linter
def test_there_are_cypher_files_to_lint():
    assert "schema/constraints.cypher" in CYPHER_FILES
    assert any(f.startswith("load/nodes/") for f in CYPHER_FILES)
    assert any(f.startswith("load/rels/") for f in CYPHER_FILES)


@needs_linter
@pytest.mark.parametrize("name", CYPHER_FILES)
def test_cypher_file_lints_clean(name):
    queries = file_queries(name)
    assert queries, f"{name} holds no statement"
    answer = lint_everything()
    linted = {(r["index"], r["version"]) for r in answer["results"] if r["file"] == name}
    assert linted == {(q["index"], v) for q in queries for v in VERSIONS}
    assert diagnostics_of(answer, name) == []


@needs_linter
def test_statements_built_in_python_lint_clean():
    answer = lint_everything()
    problems = [d for name, _, _ in dynamic_statements() for d in diagnostics_of(answer, f"<python: {name}>")]
    assert problems == []


# -- the linter is live: it does report what it should -------------------------------------

NEGATIVE = {
    "syntax": ("MATCH (n:Enterprise RETURN n.name", {}, "error", None),
    "unknown label": ("MATCH (n:Enterprize) RETURN n.name", {}, "warning", "Enterprize"),
    "unknown relationship type": ("MATCH (a:Enterprise)-[:SUPPLIERS]->(b:Enterprise) RETURN b.name", {},
                                  "warning", "SUPPLIERS"),
    "unknown property": ("MATCH (n:Enterprise) RETURN n.revenu", {}, "warning", "revenu"),
    "undeclared parameter": ("MATCH (n:Enterprise) WHERE n.region_code STARTS WITH $regoin RETURN n.name",
                             {"region": None}, "error", "regoin"),
    "reversed relationship": ("MATCH (r:Region)-[:LOCATED_IN]->(e:Enterprise) RETURN e.name", {}, "warning",
                              "LOCATED_IN"),
    "apoc function": ("MATCH (n:Enterprise) RETURN apoc.text.clean(n.name) AS name", {}, "error", "apoc"),
}


@cache
def lint_negatives() -> dict:
    return lint([{"file": name, "index": 0, "query": q, "parameters": p} for name, (q, p, _, _) in NEGATIVE.items()])


@needs_linter
@pytest.mark.parametrize("name", sorted(NEGATIVE))
def test_linter_reports_bad_queries(name):
    _, _, severity, needle = NEGATIVE[name]
    answer = lint_negatives()
    for version in VERSIONS:
        diags = [d for r in answer["results"] if r["file"] == name and r["version"] == version
                 for d in r["diagnostics"]]
        hits = [d for d in diags if d["severity"] == severity and (needle is None or needle in d["message"])]
        assert hits, f"{name} ({version}): expected a {severity} mentioning {needle!r}, got {diags}"


@needs_linter
def test_linter_accepts_a_good_query_next_to_the_bad_ones():
    good = ("MATCH (e:Enterprise)-[:LOCATED_IN]->(r:Region) WHERE e.region_code STARTS WITH $region "
            "RETURN e.id AS enterprise_id, r.name AS region ORDER BY enterprise_id")
    answer = lint([{"file": "good", "index": 0, "query": good, "parameters": {"region": None}}])
    assert [d for r in answer["results"] for d in r["diagnostics"]] == []
