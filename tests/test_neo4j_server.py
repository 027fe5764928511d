"""The Neo4j test server is there when the run requires it (CI), so the Neo4j tests cannot skip silently.

``scripts/test`` starts a real Neo4j 5.26 server (tools/neo4j-server) and exports
``CHAINGRAPH_REQUIRE_NEO4J=1``; CI (``CI=true``) fails earlier if it cannot start one. Without the flag
(a developer without Java) the Neo4j tests skip and say why.
"""

from __future__ import annotations

import os

import pytest

REQUIRED = os.environ.get("CHAINGRAPH_REQUIRE_NEO4J") == "1"


def test_neo4j_server_present_when_required():
    if not REQUIRED:
        pytest.skip("CHAINGRAPH_REQUIRE_NEO4J is not set (scripts/test sets it when it started the server)")
    assert os.environ.get("NEO4J_URI"), "CHAINGRAPH_REQUIRE_NEO4J=1 but NEO4J_URI is not set"
    from chaingraph.neo4j.load import connect

    driver = connect()
    try:
        records, _, _ = driver.execute_query("CALL dbms.components() YIELD name, versions RETURN name, versions")
    finally:
        driver.close()
    name, versions = records[0]["name"], records[0]["versions"]
    assert name == "Neo4j Kernel"
    assert versions[0].startswith("5.26"), versions
