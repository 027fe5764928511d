#!/usr/bin/env node
// Offline Cypher linter for chaingraph: Neo4j's own front end (the npm package
// @neo4j-cypher/language-support: ANTLR parser + Neo4j's semantic analysis) run on
// every statement it is given, against the schema of chaingraph's data model.
//
// Input (JSON on stdin):
//   {
//     "schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...],
//                "graphSchema": [{"from": "Enterprise", "to": "Region", "relType": "LOCATED_IN"}, ...]},
//     "versions": ["CYPHER 5", "CYPHER 25"],          // optional; each query is linted under each
//     "queries": [{"file": "load/nodes/region.cypher", "index": 0, "query": "...",
//                  "parameters": {"rows": []}}, ...]
//   }
// Output (JSON on stdout):
//   {"linter": {"package": "@neo4j-cypher/language-support", "version": "..."},
//    "results": [{"file", "index", "version", "diagnostics": [
//        {"severity": "error"|"warning"|"information"|"hint", "message", "line", "column",
//         "offset"}]}]}
// line and column are 1-based, offset is 0-based, all relative to the query text given.
// Exit status: 0 when the job ran (whatever the diagnostics), 2 on a bad job.
//
// Functions and procedures: the package ships no registry of its own outside a test
// fixture (`testData.mockSchema`, a dump of a real server's SHOW FUNCTIONS/PROCEDURES).
// We give the linter only the built-in functions and the db.* / dbms.* / tx.*
// procedures from it, so a query that needs APOC or GDS (not on a plain server) is
// reported as an error.
import { readFileSync } from 'node:fs';
import { lintCypherQuery, testData } from '@neo4j-cypher/language-support';

// The package's "exports" hide its package.json; read it beside this script.
const linterVersion = JSON.parse(
  readFileSync(new URL('./node_modules/@neo4j-cypher/language-support/package.json', import.meta.url), 'utf8'),
).version;

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
const BUILTIN_PROCEDURE_PREFIXES = ['db.', 'dbms.', 'tx.'];

function builtins(registry, keep) {
  const out = {};
  for (const [version, entries] of Object.entries(registry ?? {})) {
    out[version] = Object.fromEntries(Object.entries(entries).filter(([, v]) => keep(v)));
  }
  return out;
}

const FUNCTIONS = builtins(testData.mockSchema.functions, (f) => f.isBuiltIn === true);
const PROCEDURES = builtins(testData.mockSchema.procedures, (p) =>
  BUILTIN_PROCEDURE_PREFIXES.some((prefix) => p.name.startsWith(prefix)),
);

function fail(message) {
  process.stderr.write(`lint.mjs: ${message}\n`);
  process.exit(2);
}

let job;
try {
  job = JSON.parse(readFileSync(0, 'utf8'));
} catch (err) {
  fail(`cannot read the JSON job on stdin: ${err.message}`);
}
if (!job || !Array.isArray(job.queries)) fail('the job needs a "queries" list');
const schema = job.schema ?? {};
for (const key of ['labels', 'relationshipTypes', 'propertyKeys']) {
  if (!Array.isArray(schema[key])) fail(`schema.${key} must be a list (warnings on unknown names need it)`);
}
const versions = job.versions ?? ['CYPHER 5'];

const results = [];
for (const q of job.queries) {
  if (typeof q.query !== 'string') fail(`query ${JSON.stringify(q.file)} has no text`);
  for (const version of versions) {
    const dbSchema = {
      labels: schema.labels,
      relationshipTypes: schema.relationshipTypes,
      propertyKeys: schema.propertyKeys,
      graphSchema: schema.graphSchema,
      parameters: q.parameters ?? {},
      functions: FUNCTIONS,
      procedures: PROCEDURES,
      defaultLanguage: version,
    };
    const { diagnostics } = lintCypherQuery(q.query, dbSchema);
    results.push({
      file: q.file,
      index: q.index ?? 0,
      version,
      diagnostics: diagnostics.map((d) => ({
        severity: SEVERITY[d.severity] ?? String(d.severity),
        message: d.message,
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        offset: d.offsets?.start ?? null,
      })),
    });
  }
}
process.stdout.write(
  JSON.stringify({ linter: { package: '@neo4j-cypher/language-support', version: linterVersion }, results }) + '\n',
);
