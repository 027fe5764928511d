"""The ``map`` command (the offline HTML chain map) and the demo's map step.

Example
-------
::

    chaingraph map out/wuxing.cgstore --region 吴兴区 --chain 童装 -o out/强链图谱.html
"""

from __future__ import annotations

from pathlib import Path

import click

from chaingraph.cli.app import _DEMO_STEPS, _open_backend, cli


@cli.command("map")
@click.argument("source", required=False, metavar="DATASET_OR_STORE")
@click.option("--region", help="Region code or name.")
@click.option("--chain", help="Chain id or name; omit to draw every chain of the region.")
@click.option("--dimension", type=click.Choice(["region", "industry"]), default="region", show_default=True,
              help="region: one region's chain; industry: one chain across regions (regions as groups).")
@click.option("--enterprise", help="Enterprise dimension: this firm's up- and downstream (its enterprise id, "
                                    "credit code, stock code or name).")
@click.option("--hops", default=2, show_default=True, type=click.IntRange(min=1),
              help="Supply steps around --enterprise.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="HTML file to write.")
@click.option("--color-by", type=click.Choice(["size", "certification"]), default="size", show_default=True)
@click.option("--size-by", type=click.Choice(["revenue", "degree"]), default="revenue", show_default=True)
@click.option("--hide-problems", is_flag=True, help="Start with problem hot spots hidden (a switch shows them).")
@click.option("--max-nodes", default=2500, show_default=True, type=click.IntRange(min=10),
              help="Above this many firms: a segment summary page plus one page per segment.")
def map_cmd(source, region, chain, dimension, enterprise, hops, output, color_by, size_by, hide_problems,
            max_nodes) -> None:
    """Write the interactive chain map (强链图谱) as self-contained HTML that opens offline."""
    from chaingraph.queries import chain_map, enterprise_map
    from chaingraph.render.html import write_map_html

    b = _open_backend(source, False, None)
    if enterprise:
        cm = enterprise_map(b.graph, enterprise, hops=hops)
    else:
        cm = chain_map(b.graph, region, chain, dimension=dimension)
    paths = write_map_html(cm, output, color_by=color_by, size_by=size_by, show_problems=not hide_problems,
                           max_nodes=max_nodes)
    counts = cm.meta.get("counts", {})
    click.echo(f"{cm.meta['title']}: {counts.get('enterprises', 0)} firms, {counts.get('supply_edges', 0)} supply "
               f"edges, {counts.get('problems', 0)} problems")
    for p in paths:
        click.echo(f"wrote {p}")


def _demo_map(g, out: Path) -> list[Path]:
    from chaingraph.queries import chain_map
    from chaingraph.render.html import write_map_html

    chain = str(g.tables["chains"]["id"].iloc[0])
    region = str(g.tables["leaders"]["region_code"].iloc[0]) if len(g.tables["leaders"]) else None
    paths = write_map_html(chain_map(g, region, chain), out / "强链图谱.html")
    click.echo(f"chain map: {paths[0]} (open it in a browser; it needs no network)")
    return list(paths)


_DEMO_STEPS.append(_demo_map)
