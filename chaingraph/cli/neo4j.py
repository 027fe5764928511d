"""Neo4j commands: ``push`` (load the graph, batched and resumable) and ``query`` (read-only Cypher).

Example
-------
::

    chaingraph push out/wuxing.cgstore --uri neo4j://localhost:7687
    chaingraph query "MATCH (e:Enterprise) RETURN count(e) AS n"
"""

from __future__ import annotations

from pathlib import Path

import click

from chaingraph.cli.app import _print_frame, cli
from chaingraph.cli.bars import StepBar
from chaingraph.i18n import _


@cli.command("push")
@click.argument("source", metavar="DATASET_OR_STORE")
@click.option("--uri", help="Neo4j URI (default $NEO4J_URI), e.g. neo4j://localhost:7687 or neo4j+s://….")
@click.option("--username", help="User (default $NEO4J_USERNAME). The password is read from $NEO4J_PASSWORD only.")
@click.option("--database", help="Named database (default: the server's default).")
@click.option("--batch-size", default=5000, show_default=True, type=click.IntRange(min=1),
              help="Rows per UNWIND batch (one managed write transaction each).")
@click.option("--clear", is_flag=True, help="Delete the model's nodes first (the database holds only this graph).")
def push_cmd(source, uri, username, database, batch_size, clear) -> None:
    """Load the graph into Neo4j: constraints, then batched MERGE; counts read back and compared.

    Re-running resumes an interrupted load without duplicating anything.
    """
    from chaingraph.graph.store import open_graph
    from chaingraph.neo4j.load import connect, push

    g = open_graph(source)
    driver = connect(uri=uri, user=username)
    rows = sum(len(t) for t in g.tables.values())
    last = {"step": None, "done": 0}

    with StepBar(_("pushing {name} to Neo4j").format(name=g.name), max(rows, 1)) as bar:
        def progress(step: str, done: int, total: int) -> None:  # rows of `step` written so far
            if step != last["step"]:
                last["step"], last["done"] = step, 0
            bar.advance(step, done - last["done"], n=done - last["done"])
            last["done"] = done

        try:
            report = push(g, driver, database=database, batch_size=batch_size, progress=progress, clear=clear)
        finally:
            driver.close()
    _print_frame(report)
    click.echo(_("pushed {name}: counts match for {n} labels and types").format(name=g.name, n=int(report["ok"].sum())))


@cli.command("query")
@click.argument("text_or_file", metavar="FILE_OR_TEXT")
@click.option("--param", "params", multiple=True, metavar="K=V",
              help="Query parameter; V is read as JSON when it parses (42, true, [1,2]), else as text. Repeatable.")
@click.option("--database", help="Named database.")
@click.option("-o", "--output", type=click.Path(path_type=Path), help="Write to .csv, .xlsx, .json or .md.")
def query_cmd(text_or_file, params, database, output) -> None:
    """Run a read-only Cypher query on Neo4j (a .cypher file or the text itself).

    Runs in a read transaction; statements that write are refused before connecting.
    Connection from NEO4J_URI, NEO4J_USERNAME, NEO4J_PASSWORD.
    """
    from chaingraph.neo4j.graph import check_read_only, parse_params, run_query
    from chaingraph.neo4j.load import connect

    text = Path(text_or_file).read_text(encoding="utf-8") if text_or_file.endswith(".cypher") else text_or_file
    check_read_only(text)
    values = parse_params(params)
    driver = connect()
    try:
        df = run_query(driver, text, values, database=database)
    finally:
        driver.close()
    if output is not None:
        from chaingraph.export.tables import write_frame

        write_frame(df, output)
        click.echo(f"wrote {output} ({len(df)} rows)")
    else:
        _print_frame(df)
