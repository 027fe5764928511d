"""The Neo4j load path (chaingraph.neo4j.load), against a fake driver.

The fake records every ``execute_write`` / ``execute_read`` call and keeps a small
"database": nodes keyed by (label, key) and relationships keyed by their MERGE
identity (type, source, target, merge_key). It understands exactly the statements the
backend sends (and fails the test on any other), applies a write transaction only
when its function returns (as a real transaction commits), and can be told to fail
the k-th load batch, so resuming after a failure can be checked.
"""

from __future__ import annotations

import copy
import datetime as dt
import logging
import re
import types

import neo4j
import numpy as np
import pandas as pd
import pytest

from chaingraph import model
from chaingraph.errors import BackendError
from chaingraph.neo4j import load as nb

# ---------------------------------------------------------------------------
# A small ChainGraph stand-in following the graph's table contract
# ---------------------------------------------------------------------------

DTYPES = {"int": "Int64", "float": "float64", "money": "float64", "bool": "boolean", "date": "datetime64[s]"}
# Enterprise ids (schema 2): eleven credit codes (18 characters; the format only matters to validation) and a
# listed firm without one, keyed by its stock code.
IDS = [f"91330502MA2B{i:05d}X" for i in range(11)] + ["600373.SH"]


def frame(table: str, rows: list[dict], extra: dict | None = None) -> pd.DataFrame:
    cols = {}
    for f in model.TABLES[table].fields:
        values = [r.get(f.name) for r in rows]
        dtype = DTYPES.get(f.type, "str")
        if f.type == "date":
            cols[f.name] = pd.Series(pd.to_datetime(pd.Series(values, dtype=object)), dtype=dtype)
        else:
            na = np.nan if dtype == "float64" else pd.NA
            cols[f.name] = pd.Series([na if v is None else v for v in values], dtype=dtype)
    out = pd.DataFrame(cols)
    for name, values in (extra or {}).items():
        out[name] = values
    return out


def make_graph() -> types.SimpleNamespace:
    ids = IDS
    regions = frame("regions", [
        {"code": "330000", "name": "浙江省", "level": "province"},
        {"code": "330500", "name": "湖州市", "level": "city"},
        {"code": "330502", "name": "吴兴区", "level": "county"},
    ], extra={"parent": pd.Series([pd.NA, "330000", "330500"], dtype="str")})
    chains = frame("chains", [{"id": "childrenswear", "name": "童装", "industry_code": "1810"}])
    segments = frame("segments", [
        {"id": "fabric", "chain_id": "childrenswear", "name": "面料", "stage": "upstream", "order": 1,
         "key_link": True},
        {"id": "dyeing", "chain_id": "childrenswear", "name": "印染", "stage": "midstream", "order": 2},
        {"id": "sewing", "chain_id": "childrenswear", "name": "缝制", "stage": "downstream", "order": 3,
         "key_link": False},
    ])
    flows = frame("segment_flows", [{"from_segment": "fabric", "to_segment": "dyeing", "weight": 0.75},
                                    {"from_segment": "dyeing", "to_segment": "sewing"}])
    seg_of = ["fabric", "dyeing", "sewing"]
    ents = frame("enterprises", [
        {"id": u, "uscc": None if i == 11 else u, "stock_code": "600373.SH" if i == 11 else None,
         "short_name": "中文传媒" if i == 11 else None, "address": "湖州市吴兴区" if i == 10 else None,
         "region_source": "inferred" if i == 10 else "given", "id_source": "stock_code" if i == 11 else "uscc",
         "name": f"湖州童装企业{i}", "region_code": "330502", "segment_id": seg_of[i % 3],
         "size": ["micro", "small", "medium"][i % 3],
         "employees": None if i == 1 else 10 * (i + 1),
         "revenue": None if i == 2 else 100.5 * (i + 1),
         "founded": None if i == 3 else f"20{10 + i}-0{1 + i % 9}-15",
         "qms_certified": None if i == 4 else bool(i % 2)}
        for i, u in enumerate(ids)
    ], extra={"_pos": np.arange(len(ids)), "name`) DETACH DELETE n //": ["x"] * len(ids)})
    operates = frame("operates_in", [{"enterprise_id": u, "segment_id": seg_of[i % 3]} for i, u in enumerate(ids)]
                     + [{"enterprise_id": ids[0], "segment_id": "dyeing"}])
    supplies = frame("supplies", [
        {"supplier_id": ids[0], "customer_id": ids[1], "product": "针织面料", "value": 120.0},
        {"supplier_id": ids[0], "customer_id": ids[1], "product": "梭织面料"},
        {"supplier_id": ids[1], "customer_id": ids[2], "value": 80.0},  # product missing
        {"supplier_id": ids[3], "customer_id": ids[2], "product": "印染加工", "value": 30.5},
    ])
    leaders = frame("leaders", [{"enterprise_id": ids[2], "chain_id": "childrenswear", "region_code": "330502",
                                 "since": "2023-05-01"}])
    problems = frame("problems", [
        {"id": "P01", "name": "色牢度不达标", "category": "technology", "kind": "pain", "benchmark_id": "B01"},
        {"id": "P02", "name": "质量管理体系缺失", "category": "management", "kind": "difficulty"},
    ])
    benchmarks = frame("benchmarks", [{"id": "B01", "metric": "耐洗色牢度", "unit": "级", "domestic_advanced": 4.0,
                                       "international_advanced": 4.5, "higher_is_better": True,
                                       "chain_id": "childrenswear"}])
    bodies = frame("cert_bodies", [{"id": "CNCA-R-2002-001", "name": "中国质量认证中心"}])
    observations = frame("observations", [
        {"enterprise_id": ids[0], "problem_id": "P01", "severity": 4, "source": "survey", "observed_on": "2024-03-01",
         "status": "open"},
        {"enterprise_id": ids[0], "problem_id": "P01", "severity": 3, "source": "spot_check", "observed_on": "2024-03-01"},
        {"enterprise_id": ids[1], "problem_id": "P02", "severity": 2, "source": "audit"},  # no date
    ])
    measurements = frame("measurements", [{"enterprise_id": ids[0], "benchmark_id": "B01", "value": 3.5,
                                           "measured_on": "2024-04-02"}])
    certifications = frame("certifications", [{"enterprise_id": ids[1], "body_id": "CNCA-R-2002-001",
                                               "standard": "GB/T 19001", "issued": "2022-01-10"}])
    assistance = frame("assistance", [{"body_id": "CNCA-R-2002-001", "enterprise_id": ids[0], "dimension": "标准",
                                       "status": "improving", "effects": "awareness、cost"}])
    targets = frame("targets", [{"id": "firms_assisted||", "metric": "firms_assisted", "target": 100.0,
                                 "deadline": "2027-12-31"}])
    tables = {"regions": regions, "chains": chains, "segments": segments, "segment_flows": flows,
              "enterprises": ents, "operates_in": operates, "supplies": supplies, "leaders": leaders,
              "problems": problems, "benchmarks": benchmarks, "cert_bodies": bodies, "observations": observations,
              "measurements": measurements, "certifications": certifications, "assistance": assistance,
              "targets": targets}
    assert set(tables) == set(model.TABLES)
    return types.SimpleNamespace(tables=tables)


EXPECTED_COUNTS = {
    ("node", "Region"): 3, ("node", "Chain"): 1, ("node", "Segment"): 3, ("node", "Enterprise"): 12,
    ("node", "Problem"): 2, ("node", "Benchmark"): 1, ("node", "CertificationBody"): 1, ("node", "Target"): 1,
    ("relationship", "WITHIN"): 2, ("relationship", "PART_OF"): 3, ("relationship", "FEEDS"): 2,
    ("relationship", "LOCATED_IN"): 12, ("relationship", "OPERATES_IN"): 13, ("relationship", "SUPPLIES"): 4,
    ("relationship", "LEADS"): 1, ("relationship", "HAS_PROBLEM"): 3, ("relationship", "MEASURED"): 1,
    ("relationship", "CERTIFIED"): 1, ("relationship", "ASSISTS"): 1,
}

# ---------------------------------------------------------------------------
# The fake driver
# ---------------------------------------------------------------------------

NODE_RE = re.compile(r"^UNWIND \$rows AS row\nMERGE \(n:(\w+) \{(\w+): row\.key\}\)(\nSET n \+= row\.props)?$")
REL_RE = re.compile(r"^UNWIND \$rows AS row\nMATCH \(a:(\w+)\) WHERE a\.(\w+) = row\.src\n"
                    r"MATCH \(b:(\w+)\) WHERE b\.(\w+) = row\.dst\n"
                    r"MERGE \(a\)-\[r?:(\w+)( \{merge_key: row\.merge_key\})?\]->\(b\)(\nSET r \+= row\.props)?$")
COUNT_NODE_RE = re.compile(r"^MATCH \(n:(\w+)\) RETURN count\(n\) AS count$")
COUNT_REL_RE = re.compile(r"^MATCH \(\)-\[r:(\w+)\]->\(\) RETURN count\(r\) AS count$")
CLEAR_RE = re.compile(r"^MATCH \(n:(\w+)\)\nWITH n LIMIT \$limit\nDETACH DELETE n\nRETURN count\(\*\) AS deleted$")


class FakeResult:
    def __init__(self, record=None):
        self.record = record

    def consume(self):
        return None

    def single(self):
        return self.record


class FakeDatabase:
    """Nodes {(label, key): props}, relationships {(type, src, dst, merge_key): props}."""

    def __init__(self, fail_at_batch: int | None = None, error: type[Exception] | None = None):
        self.nodes: dict[tuple, dict] = {}
        self.rels: dict[tuple, dict] = {}
        self.schema: list[str] = []
        self.calls: list[tuple[str, str, dict]] = []  # (write/read, query, parameters)
        self.load_batches = 0
        self.fail_at_batch = fail_at_batch
        self.error = error or neo4j.exceptions.ServiceUnavailable  # retries exhausted / not retryable
        self.sessions: list[dict] = []

    def state(self):
        return copy.deepcopy((self.nodes, self.rels))


class FakeTx:
    def __init__(self, db: FakeDatabase, mode: str):
        self.db, self.mode, self.ops = db, mode, []

    def run(self, query, parameters=None, **kw):
        params = {**(parameters or {}), **kw}
        self.db.calls.append((self.mode, query, params))
        db = self.db
        if query.startswith(("CREATE CONSTRAINT", "CREATE INDEX")):
            assert self.mode == "write" and not params
            self.ops.append(lambda: db.schema.append(query))
            return FakeResult()
        m_node, m_rel = NODE_RE.match(query), REL_RE.match(query)
        if m_node or m_rel:
            assert self.mode == "write" and set(params) == {"rows"}
            db.load_batches += 1
            if db.fail_at_batch is not None and db.load_batches == db.fail_at_batch:
                raise db.error("connection to the server lost")
            for row in copy.deepcopy(params["rows"]):
                self.ops.append((lambda r=row: self._merge_node(m_node, r)) if m_node
                                else (lambda r=row: self._merge_rel(m_rel, r)))
            return FakeResult()
        if m := COUNT_NODE_RE.match(query):
            return FakeResult({"count": sum(1 for label, _ in db.nodes if label == m.group(1))})
        if m := COUNT_REL_RE.match(query):
            return FakeResult({"count": sum(1 for k in db.rels if k[0] == m.group(1))})
        if m := CLEAR_RE.match(query):
            victims = [k for k in db.nodes if k[0] == m.group(1)][: params["limit"]]
            self.ops.append(lambda: self._delete(victims))
            return FakeResult({"deleted": len(victims)})
        raise AssertionError(f"the fake database does not know this statement:\n{query}")

    @staticmethod
    def _set(target: dict, props: dict):
        for k, v in props.items():
            if v is None:
                target.pop(k, None)  # SET += {k: null} removes k
            else:
                target[k] = v

    def _merge_node(self, m, row):
        label, key = m.group(1), m.group(2)
        node = self.db.nodes.setdefault((label, row["key"]), {key: row["key"]})
        if m.group(3):
            self._set(node, row["props"])

    def _merge_rel(self, m, row):
        a_label, a_key, b_label, b_key, rel_type, has_key, has_set = m.groups()
        a, b = (a_label, row["src"]), (b_label, row["dst"])
        if a not in self.db.nodes or b not in self.db.nodes:
            return  # MATCH found nothing: no relationship
        assert self.db.nodes[a][a_key] == row["src"] and self.db.nodes[b][b_key] == row["dst"]
        ident = (rel_type, a, b, row["merge_key"] if has_key else None)
        rel = self.db.rels.setdefault(ident, {"merge_key": row["merge_key"]} if has_key else {})
        if has_set:
            self._set(rel, row["props"])

    def _delete(self, victims):
        for v in victims:
            self.db.nodes.pop(v, None)
            for k in [k for k in self.db.rels if v in (k[1], k[2])]:
                del self.db.rels[k]

    def commit(self):
        for op in self.ops:
            op()


class FakeSession:
    def __init__(self, db):
        self.db = db

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def _execute(self, mode, fn, *args, **kwargs):
        tx = FakeTx(self.db, mode)
        result = fn(tx, *args, **kwargs)  # an exception aborts: nothing of this transaction is applied
        tx.commit()
        return result

    def execute_write(self, fn, *args, **kwargs):
        return self._execute("write", fn, *args, **kwargs)

    def execute_read(self, fn, *args, **kwargs):
        return self._execute("read", fn, *args, **kwargs)


class FakeDriver:
    def __init__(self, db: FakeDatabase | None = None):
        self.db = db or FakeDatabase()

    def session(self, **kwargs):
        self.db.sessions.append(kwargs)
        return FakeSession(self.db)


def load_calls(db: FakeDatabase, fragment: str) -> list[dict]:
    return [p for _, q, p in db.calls if fragment in q and "rows" in p]


# ---------------------------------------------------------------------------
# Statements
# ---------------------------------------------------------------------------

def test_node_load_statement_exact_text():
    assert nb.node_statement(next(s for s in nb.node_specs() if s.label == "Enterprise")) == (
        "UNWIND $rows AS row\n"
        "MERGE (n:Enterprise {id: row.key})\n"
        "SET n += row.props"
    )
    db = FakeDatabase()
    nb.push(make_graph(), FakeDriver(db))
    sent = {q for _, q, p in db.calls if "rows" in p}
    assert "UNWIND $rows AS row\nMERGE (n:Region {code: row.key})\nSET n += row.props" in sent


def test_relationship_load_statement_exact_text():
    db = FakeDatabase()
    nb.push(make_graph(), FakeDriver(db))
    sent = {q for _, q, p in db.calls if "rows" in p}
    assert (
        "UNWIND $rows AS row\n"
        "MATCH (a:Enterprise) WHERE a.id = row.src\n"
        "MATCH (b:Problem) WHERE b.id = row.dst\n"
        "MERGE (a)-[r:HAS_PROBLEM {merge_key: row.merge_key}]->(b)\n"
        "SET r += row.props"
    ) in sent
    assert (
        "UNWIND $rows AS row\n"
        "MATCH (a:Region) WHERE a.code = row.src\n"
        "MATCH (b:Region) WHERE b.code = row.dst\n"
        "MERGE (a)-[:WITHIN]->(b)"
    ) in sent


def test_committed_load_files_are_what_the_model_renders():
    rendered = nb.render_load_cypher()
    assert {f"load/nodes/{nb._snake(x)}" for x in model.NODE_LABELS} | {
        f"load/rels/{x.lower()}" for x in model.REL_TYPES} == set(rendered)
    for name, text in rendered.items():
        assert nb.load_cypher(name) == text, (
            f"cypher/{name}.cypher is stale: regenerate with "
            "python -c \"from chaingraph.neo4j.load import write_load_cypher; write_load_cypher('cypher')\"")
        assert nb.declared_parameters(text) == ("rows",)


def test_every_statement_sent_comes_from_a_cypher_file_or_a_guarded_builder():
    db = FakeDatabase()
    nb.push(make_graph(), FakeDriver(db))
    from_files = {s for name in [nb.CONSTRAINTS_FILE, *nb.render_load_cypher()]
                  for s in nb.split_statements(nb.load_cypher(name))}
    built = {text for _, text, _ in nb.dynamic_statements()}
    assert {q for _, q, _ in db.calls} <= from_files | built


def test_constraints_cover_every_label_key_and_are_idempotent():
    stmts = nb.split_statements(nb.load_cypher("schema/constraints"))
    assert all(" IF NOT EXISTS" in s.splitlines()[0] for s in stmts)
    names = [s.split()[2] for s in stmts]
    assert len(names) == len(set(names))
    for label in model.NODE_LABELS:
        key = model.TABLES[model.NODE_TABLE[label]].key[0]
        want = f"FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
        assert [s for s in stmts if s.startswith("CREATE CONSTRAINT") and s.endswith(want)], want
    assert "FOR (n:Enterprise) REQUIRE n.id IS UNIQUE" in "\n".join(stmts)
    assert any(s.endswith("FOR (n:Enterprise) ON (n.region_code)") for s in stmts)


def test_constraints_first_then_nodes_then_relationships():
    db = FakeDatabase()
    nb.push(make_graph(), FakeDriver(db))
    kinds = []
    for _mode, q, _ in db.calls:
        kind = ("schema" if q.startswith("CREATE ") else "node" if NODE_RE.match(q) else
                "rel" if REL_RE.match(q) else "count" if q.startswith("MATCH") and "count(" in q else "?")
        if not kinds or kinds[-1] != kind:
            kinds.append(kind)
    assert kinds == ["schema", "node", "rel", "count"]
    assert len(db.schema) == len(nb.split_statements(nb.load_cypher("schema/constraints")))
    node_order = [NODE_RE.match(q).group(1) for _, q, _ in db.calls if NODE_RE.match(q)]
    assert list(dict.fromkeys(node_order)) == [s.label for s in nb.node_specs()]
    assert node_order.index("Region") < node_order.index("Enterprise")
    assert all(s == {"database": None} for s in db.sessions)


# ---------------------------------------------------------------------------
# Rows and batches
# ---------------------------------------------------------------------------

PLAIN = (str, int, float, bool, dt.date, type(None))


def assert_plain(value):
    if isinstance(value, dict):
        for k, v in value.items():
            assert type(k) is str
            assert_plain(v)
    elif isinstance(value, list):
        for v in value:
            assert_plain(v)
    else:
        assert type(value) in PLAIN, f"not a plain Python value: {value!r} ({type(value)})"


def test_batches_of_5_5_2_with_plain_values():
    db = FakeDatabase()
    seen = []
    nb.push(make_graph(), FakeDriver(db), batch_size=5, progress=lambda *a: seen.append(a))
    batches = load_calls(db, "MERGE (n:Enterprise ")
    assert [len(p["rows"]) for p in batches] == [5, 5, 2]
    rows = [r for p in batches for r in p["rows"]]
    assert [r["key"] for r in rows] == IDS
    assert [(s, d, t) for s, d, t in seen if s == "node Enterprise"] == [
        ("node Enterprise", 5, 12), ("node Enterprise", 10, 12), ("node Enterprise", 12, 12)]
    for _mode, _q, p in db.calls:
        assert_plain(p)
    first = rows[0]["props"]
    assert first == {"uscc": IDS[0], "stock_code": None, "name": "湖州童装企业0", "short_name": None,
                     "region_code": "330502", "region_source": "given", "address": None, "size": "micro",
                     "employees": 10, "revenue": 100.5, "founded": dt.date(2010, 1, 15), "qms_certified": False,
                     "id_source": "uscc"}
    assert type(first["employees"]) is int and type(first["founded"]) is dt.date
    # NA -> None (SET += null removes the property), never NaN / NaT / pd.NA
    assert rows[1]["props"]["employees"] is None
    assert rows[2]["props"]["revenue"] is None
    assert rows[3]["props"]["founded"] is None
    assert rows[4]["props"]["qms_certified"] is None
    # ... and the node stores no property at all for them
    assert "employees" not in db.nodes[("Enterprise", IDS[1])]
    assert "revenue" not in db.nodes[("Enterprise", IDS[2])]
    assert db.nodes[("Enterprise", IDS[0])]["revenue"] == 100.5
    # schema 2: keyed on id; the credit code is an optional property, the other identity columns too
    listed = db.nodes[("Enterprise", "600373.SH")]
    assert listed["id"] == "600373.SH" and "uscc" not in listed
    assert (listed["stock_code"], listed["short_name"], listed["id_source"]) == ("600373.SH", "中文传媒", "stock_code")
    assert db.nodes[("Enterprise", IDS[10])]["address"] == "湖州市吴兴区"
    assert db.nodes[("Enterprise", IDS[10])]["region_source"] == "inferred"


def test_only_model_fields_become_properties():
    db = FakeDatabase()
    nb.push(make_graph(), FakeDriver(db))
    for _, _, p in db.calls:
        for row in p.get("rows", []):
            assert set(row) <= {"key", "src", "dst", "merge_key", "props"}
            assert set(row.get("props", {})) <= set(nb.property_keys())
    ent = load_calls(db, "MERGE (n:Enterprise ")[0]["rows"][0]["props"]
    assert "_pos" not in ent and "segment_id" not in ent and not any("DETACH" in k for k in ent)


def test_merge_key_is_the_rest_of_the_table_key_and_tolerates_missing_values():
    db = FakeDatabase()
    nb.push(make_graph(), FakeDriver(db))
    sup = [r for p in load_calls(db, ":SUPPLIES") for r in p["rows"]]
    assert [r["merge_key"] for r in sup] == ['["针织面料"]', '["梭织面料"]', "[null]", '["印染加工"]']
    assert sup[2]["props"] == {"product": None, "value": 80.0}
    obs = [r for p in load_calls(db, ":HAS_PROBLEM") for r in p["rows"]]
    assert [r["merge_key"] for r in obs] == ['["survey","2024-03-01"]', '["spot_check","2024-03-01"]',
                                            '["audit",null]']
    assert obs[0]["props"]["observed_on"] == dt.date(2024, 3, 1)
    # two products between the same two firms are two relationships
    assert len([k for k in db.rels if k[0] == "SUPPLIES" and k[1][1] == IDS[0]]) == 2
    assert not any("merge_key" in r for p in load_calls(db, ":OPERATES_IN") for r in p["rows"])


def test_feeds_carry_the_flow_weight():
    db = FakeDatabase()
    nb.push(make_graph(), FakeDriver(db))
    feeds = [r for p in load_calls(db, ":FEEDS") for r in p["rows"]]
    flow_props = tuple(f.name for f in model.TABLES["segment_flows"].fields
                       if f.name not in ("from_segment", "to_segment"))
    assert "weight" in flow_props  # and "derived" when the model has it
    assert [r["props"]["weight"] for r in feeds] == [0.75, None]
    assert all(set(r["props"]) == set(flow_props) for r in feeds)
    assert db.rels[("FEEDS", ("Segment", "fabric"), ("Segment", "dyeing"), None)] == {"weight": 0.75}
    assert db.rels[("FEEDS", ("Segment", "dyeing"), ("Segment", "sewing"), None)] == {}


def test_relationship_tables_name_firms_by_enterprise_id():
    specs = {s.rel_type: s for s in nb.rel_specs()}
    assert (specs["SUPPLIES"].source_column, specs["SUPPLIES"].target_column) == ("supplier_id", "customer_id")
    for rel in ("OPERATES_IN", "LEADS", "HAS_PROBLEM", "MEASURED", "CERTIFIED"):
        assert specs[rel].source_column == model.FIRM == "enterprise_id", rel
    assert specs["ASSISTS"].target_column == "enterprise_id"
    assert (specs["LOCATED_IN"].table, specs["LOCATED_IN"].source_column) == ("enterprises", "id")
    assert next(s for s in nb.node_specs() if s.label == "Enterprise").key == "id"


def test_folded_relationships_come_from_foreign_key_columns():
    db = FakeDatabase()
    nb.push(make_graph(), FakeDriver(db))
    within = [r for p in load_calls(db, ":WITHIN") for r in p["rows"]]
    assert within == [{"src": "330500", "dst": "330000"}, {"src": "330502", "dst": "330500"}]
    assert len([r for p in load_calls(db, ":PART_OF") for r in p["rows"]]) == 3
    located = [r for p in load_calls(db, ":LOCATED_IN") for r in p["rows"]]
    assert located[0] == {"src": IDS[0], "dst": "330502"} and len(located) == 12


def test_report_lists_expected_and_found_per_label_and_type():
    report = nb.push(make_graph(), FakeDriver())
    assert list(report.columns) == nb.REPORT_COLUMNS
    got = {(k, n): (e, f) for k, n, e, f in report[["kind", "name", "expected", "found"]].itertuples(index=False)}
    assert got == {k: (v, v) for k, v in EXPECTED_COUNTS.items()}
    assert report["ok"].all()
    assert set(report["name"]) == set(model.NODE_LABELS) | set(model.REL_TYPES)


# ---------------------------------------------------------------------------
# Idempotence, failure and resume
# ---------------------------------------------------------------------------

def test_push_twice_gives_the_same_graph():
    db = FakeDatabase()
    driver = FakeDriver(db)
    nb.push(make_graph(), driver, batch_size=4)
    once = db.state()
    report = nb.push(make_graph(), driver, batch_size=7)
    assert db.state() == once
    assert report["ok"].all()


@pytest.mark.parametrize("error", ["ServiceUnavailable", "ClientError"])
@pytest.mark.parametrize("fail_at", [1, 3, 9, 14, 20])
def test_failure_at_batch_k_then_rerun_completes_without_duplicates(fail_at, error):
    clean = FakeDatabase()
    nb.push(make_graph(), FakeDriver(clean), batch_size=5)
    total_batches = clean.load_batches
    assert fail_at < total_batches

    db = FakeDatabase(fail_at_batch=fail_at, error=getattr(neo4j.exceptions, error))
    driver = FakeDriver(db)
    with pytest.raises(BackendError) as info:
        nb.push(make_graph(), driver, batch_size=5)
    msg = str(info.value)
    assert error in msg and "batch" in msg and "run push again" in msg
    assert "\n" not in msg
    partial = len(db.nodes) + len(db.rels)
    assert partial < len(clean.nodes) + len(clean.rels)

    db.fail_at_batch = None
    report = nb.push(make_graph(), driver, batch_size=5)
    assert report["ok"].all()
    assert db.state() == clean.state()
    assert len(db.nodes) == sum(v for (k, _), v in EXPECTED_COUNTS.items() if k == "node")
    assert len(db.rels) == sum(v for (k, _), v in EXPECTED_COUNTS.items() if k == "relationship")


def test_a_failed_batch_leaves_nothing_of_itself():
    db = FakeDatabase(fail_at_batch=3)
    with pytest.raises(BackendError):
        nb.push(make_graph(), FakeDriver(db), batch_size=100)
    # batches with batch_size 100: Region, Chain, Segment, then the third fails -> Segment absent
    assert {k[0] for k in db.nodes} == {"Region", "Chain"}


def test_count_mismatch_raises_with_every_difference():
    db = FakeDatabase()
    db.nodes[("Enterprise", "91330000XXXXXXXXXX")] = {"id": "91330000XXXXXXXXXX"}  # someone else's data
    graph = make_graph()
    sup = graph.tables["supplies"]
    graph.tables["supplies"] = pd.concat([sup, frame("supplies", [
        {"supplier_id": IDS[0], "customer_id": "91330502NOTLOADED1"}])], ignore_index=True)
    with pytest.raises(BackendError) as info:
        nb.push(graph, FakeDriver(db))
    msg = str(info.value)
    assert "node Enterprise: expected 12, found 13" in msg
    assert "relationship SUPPLIES: expected 5, found 4" in msg
    assert "Region" not in msg
    report = info.value.report
    assert sorted(report.loc[~report["ok"], "name"]) == ["Enterprise", "SUPPLIES"]


def test_clear_removes_other_data_first():
    db = FakeDatabase()
    db.nodes[("Enterprise", "91330000XXXXXXXXXX")] = {"id": "91330000XXXXXXXXXX"}
    db.nodes[("Region", "110000")] = {"code": "110000"}
    db.rels[("WITHIN", ("Region", "110000"), ("Region", "110000"), None)] = {}
    report = nb.push(make_graph(), FakeDriver(db), clear=True, batch_size=2)
    assert report["ok"].all()
    assert ("Enterprise", "91330000XXXXXXXXXX") not in db.nodes


def test_rows_are_checked_before_anything_is_written():
    graph = make_graph()
    graph.tables["enterprises"].loc[5, "id"] = pd.NA
    db = FakeDatabase()
    with pytest.raises(BackendError, match=r"enterprises: 1 row\(s\) without id"):
        nb.push(graph, FakeDriver(db))
    assert db.calls == []

    graph = make_graph()
    graph.tables["observations"]["severity"] = pd.Series(["high", "low", "mid"], dtype="str")
    with pytest.raises(BackendError, match="observations, column severity"):
        nb.push(graph, FakeDriver(db))
    assert db.calls == []


def test_database_and_bad_batch_size():
    db = FakeDatabase()
    nb.push(make_graph(), FakeDriver(db), database="chaingraph")
    assert all(s == {"database": "chaingraph"} for s in db.sessions)
    for bad in (0, -1, 2.5, True, None):
        with pytest.raises(BackendError, match="batch_size"):
            nb.push(make_graph(), FakeDriver(), batch_size=bad)


def test_empty_graph_loads_nothing_and_checks_zero():
    graph = types.SimpleNamespace(tables={})
    db = FakeDatabase()
    report = nb.push(graph, FakeDriver(db))
    assert report["expected"].sum() == 0 and report["ok"].all()
    assert db.load_batches == 0


# ---------------------------------------------------------------------------
# Guards
# ---------------------------------------------------------------------------

HOSTILE = [
    "Enterprise) DETACH DELETE n //",
    "Enterprise`) DETACH DELETE n //",
    "`Enterprise`",
    "Enterprise`",
    "Enterprise:Region",
    "Enterprise\n",
    " Enterprise",
    "enterprise",
    "Ｅnterprise",  # full-width E
    "Enterprise\u200b",  # zero-width space
    "企业",
    "",
    None,
    42,
    ["Enterprise"],
]


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_guards_refuse_anything_but_the_model(value):
    with pytest.raises(BackendError):
        nb.safe_label(value)
    with pytest.raises(BackendError):
        nb.safe_rel_type(value if value != "enterprise" else "supplies")
    with pytest.raises(BackendError):
        nb.safe_property(value if value != "enterprise" else "Name")
    with pytest.raises(BackendError):
        nb.count_statement("node", value)
    with pytest.raises(BackendError):
        nb.count_statement("relationship", value)
    with pytest.raises(BackendError):
        nb.clear_statement(value)


def test_guards_accept_the_model():
    assert [nb.safe_label(x) for x in model.NODE_LABELS] == list(model.NODE_LABELS)
    assert [nb.safe_rel_type(x) for x in model.REL_TYPES] == list(model.REL_TYPES)
    assert nb.safe_property("uscc", "enterprises") == "uscc"
    with pytest.raises(BackendError):
        nb.safe_property("uscc", "chains")  # a field, but not of that table
    with pytest.raises(BackendError):
        nb.safe_label("SUPPLIES")  # a type is not a label
    with pytest.raises(BackendError):
        nb.safe_rel_type("Enterprise) DETACH DELETE n //")
    with pytest.raises(BackendError):
        nb.safe_rel_type("SUPPLIES]->() DETACH DELETE r //")


@pytest.mark.parametrize("name", ["load/nodes/enterprise", "schema/constraints", "load/rels/has_problem"])
def test_load_cypher_reads_files(name):
    assert "MERGE" in nb.load_cypher(name) or "CONSTRAINT" in nb.load_cypher(name)


@pytest.mark.parametrize("name", ["../pyproject", "/etc/passwd", "load//nodes/enterprise", "load/nodes/Enterprise",
                                  "load/nodes/enterprise.cypher", "load/nodes/missing", "load/nodes", "", "/",
                                  "load/nodes/enterprise\n", None])
def test_load_cypher_refuses_other_names(name):
    with pytest.raises(BackendError):
        nb.load_cypher(name)


# ---------------------------------------------------------------------------
# Connecting: the password never shows
# ---------------------------------------------------------------------------

PASSWORD = "s3cret-Pa55word!"


def test_connect_reads_the_environment(monkeypatch):
    seen = {}

    class Driver:
        def verify_connectivity(self):
            seen["verified"] = True

        def close(self):
            pass

    def driver(uri, *, auth=None, **config):
        seen.update(uri=uri, auth=auth, config=config)
        return Driver()

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", driver)
    monkeypatch.setenv("NEO4J_URI", "neo4j+s://abcd1234.databases.neo4j.io")
    monkeypatch.setenv("NEO4J_USERNAME", "analyst")
    monkeypatch.setenv("NEO4J_PASSWORD", PASSWORD)
    nb.connect()
    assert seen == {"uri": "neo4j+s://abcd1234.databases.neo4j.io", "auth": ("analyst", PASSWORD), "config": {},
                    "verified": True}
    nb.connect("bolt://localhost:7687", "neo4j", "other", connection_timeout=3)
    assert seen["auth"] == ("neo4j", "other") and seen["config"] == {"connection_timeout": 3}
    monkeypatch.delenv("NEO4J_URI")
    monkeypatch.delenv("NEO4J_PASSWORD")
    nb.connect()
    assert seen["uri"] == nb.DEFAULT_URI and seen["auth"] is None


def test_refused_credentials_give_one_line_without_the_password(monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)

    class Driver:
        closed = False

        def verify_connectivity(self):
            # worst case: a message that echoes the secret back
            raise neo4j.exceptions.AuthError(f"The client is unauthorized (password {PASSWORD} rejected)")

        def close(self):
            Driver.closed = True

    monkeypatch.setattr(neo4j.GraphDatabase, "driver", lambda uri, *, auth=None, **c: Driver())
    with pytest.raises(BackendError) as info:
        nb.connect("neo4j+s://db.example.invalid", "neo4j", PASSWORD)
    msg = str(info.value)
    assert "refused the credentials" in msg and "neo4j+s://db.example.invalid" in msg
    assert PASSWORD not in msg and "\n" not in msg
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert Driver.closed
    assert PASSWORD not in caplog.text


@pytest.mark.parametrize("uri", ["bolt://127.0.0.1:9", "neo4j://127.0.0.1:9",
                                 f"bolt://neo4j:{PASSWORD}@127.0.0.1:9"])
def test_unreachable_server_with_the_real_driver(uri, caplog):
    caplog.set_level(logging.DEBUG)  # the driver's own debug log too
    with pytest.raises(BackendError) as info:
        nb.connect(uri, "neo4j", PASSWORD, connection_timeout=2, max_transaction_retry_time=0)
    msg = str(info.value)
    assert msg.startswith(("cannot connect to Neo4j at", "cannot use Neo4j URI"))
    assert "127.0.0.1:9" in msg
    assert PASSWORD not in msg and "\n" not in msg
    assert PASSWORD not in caplog.text
    for record in caplog.records:
        assert PASSWORD not in record.getMessage()


@pytest.mark.parametrize("uri", ["http://localhost:7474", "localhost:7687", f"https://u:{PASSWORD}@h"])
def test_not_a_neo4j_uri(uri):
    with pytest.raises(BackendError, match="not a Neo4j URI") as info:
        nb.connect(uri, "neo4j", PASSWORD)
    assert PASSWORD not in str(info.value)


def test_push_logs_no_password(caplog):
    caplog.set_level(logging.DEBUG)
    nb.push(make_graph(), FakeDriver())
    assert PASSWORD not in caplog.text
