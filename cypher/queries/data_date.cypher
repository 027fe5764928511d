// Named-query support (chaingraph.neo4j_graph): the data date of the database, as the embedded graph's
// meta["data_date"]: the latest observation, measurement, assistance start or certificate issue date
// (Python takes the latest non-null of the four). A certificate is valid on it unless expired before.
// parameters:
OPTIONAL MATCH (:Enterprise)-[o:HAS_PROBLEM]->(:Problem)
WITH max(o.observed_on) AS observed_on
OPTIONAL MATCH (:Enterprise)-[m:MEASURED]->(:Benchmark)
WITH observed_on, max(m.measured_on) AS measured_on
OPTIONAL MATCH (:CertificationBody)-[a:ASSISTS]->(:Enterprise)
WITH observed_on, measured_on, max(a.started) AS started
OPTIONAL MATCH (:Enterprise)-[c:CERTIFIED]->(:CertificationBody)
RETURN observed_on, measured_on, started, max(c.issued) AS issued
