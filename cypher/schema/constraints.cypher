// chaingraph schema: run first by chaingraph.neo4j_backend.push, one statement at a time
// (each ends with ';' at the end of a line). IF NOT EXISTS makes every statement idempotent.
//
// One uniqueness constraint per node label on the model's key (chaingraph/model.py).
// Each constraint is backed by a range index, which the load statements' MERGE and
// the endpoint MATCHes seek on.
CREATE CONSTRAINT chaingraph_region_code IF NOT EXISTS
FOR (n:Region) REQUIRE n.code IS UNIQUE;
CREATE CONSTRAINT chaingraph_chain_id IF NOT EXISTS
FOR (n:Chain) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chaingraph_segment_id IF NOT EXISTS
FOR (n:Segment) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chaingraph_enterprise_id IF NOT EXISTS
FOR (n:Enterprise) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chaingraph_problem_id IF NOT EXISTS
FOR (n:Problem) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chaingraph_benchmark_id IF NOT EXISTS
FOR (n:Benchmark) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chaingraph_certification_body_id IF NOT EXISTS
FOR (n:CertificationBody) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT chaingraph_target_id IF NOT EXISTS
FOR (n:Target) REQUIRE n.id IS UNIQUE;

// Scoped queries. A region scope is a code prefix (330000 -> '33', 330500 -> '3305',
// 330502 -> '330502'), so enterprises in scope are `e.region_code STARTS WITH $prefix`:
// one range-index seek, no walk over LOCATED_IN / WITHIN. region_code is therefore kept
// on Enterprise as a property as well as the LOCATED_IN edge; likewise chain_id on
// Segment (PART_OF) for "the segments of chain X".
CREATE INDEX chaingraph_enterprise_region_code IF NOT EXISTS
FOR (n:Enterprise) ON (n.region_code);
CREATE INDEX chaingraph_segment_chain_id IF NOT EXISTS
FOR (n:Segment) ON (n.chain_id);
// Leaders are designated per region: LEADS carries region_code.
CREATE INDEX chaingraph_leads_region_code IF NOT EXISTS
FOR ()-[r:LEADS]-() ON (r.region_code);
