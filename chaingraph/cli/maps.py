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
from chaingraph.queries.map_context import add_chain_context


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
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None, metavar="DATE",
              help="The chain as it was on DATE (later observations, certificates, designations ignored).")
@click.option("--chain-limit", default=600, show_default=True, type=click.IntRange(min=1),
              help="Without --chain (one band per chain): a chain with more firms is shown as its segment summary "
                   "in its band, with a page of its own.")
@click.option("--max-pages", default=40, show_default=True, type=click.IntRange(min=1),
              help="Most HTML files one map writes (the main page included).")
@click.option("--png", "png", type=click.Path(path_type=Path), default=None,
              help="Also write a PNG snapshot of the main page (needs Chromium).")
def map_cmd(source, region, chain, dimension, enterprise, hops, output, color_by, size_by, hide_problems,
            max_nodes, as_of, chain_limit, max_pages, png) -> None:
    """Write the interactive chain map (强链图谱) as self-contained HTML that opens offline."""
    from chaingraph.queries import chain_map, enterprise_map
    from chaingraph.render.html import write_map_html

    b = _open_backend(source, False, None)
    if enterprise:
        cm = enterprise_map(b.graph, enterprise, hops=hops)
    else:
        cm = chain_map(b.graph, region, chain, dimension=dimension, as_of=as_of.date() if as_of else None)
        add_chain_context(b.graph, cm, region, as_of.date() if as_of else None)
    paths = write_map_html(cm, output, color_by=color_by, size_by=size_by, show_problems=not hide_problems,
                           max_nodes=max_nodes, chain_limit=chain_limit, max_pages=max_pages)
    counts = cm.meta.get("counts", {})
    click.echo(f"{cm.meta['title']}: {counts.get('enterprises', 0)} firms, {counts.get('supply_edges', 0)} supply "
               f"edges, {counts.get('problems', 0)} problems")
    size = sum(p.stat().st_size for p in paths)
    click.echo(f"wrote {len(paths)} file(s), {size / 1e6:.1f} MB (at most {max_pages}: --max-pages):")
    for p in paths:
        click.echo(f"  {p}")
    if png:
        from chaingraph.render.snapshot import snapshot_png

        click.echo(f"wrote {snapshot_png(paths[0], png)}")


def _demo_map(g, out: Path) -> list[Path]:
    from chaingraph.queries import chain_map
    from chaingraph.render.html import write_map_html

    chain = str(g.tables["chains"]["id"].iloc[0])
    region = str(g.tables["leaders"]["region_code"].iloc[0]) if len(g.tables["leaders"]) else None
    paths = write_map_html(chain_map(g, region, chain), out / "强链图谱.html")
    click.echo(f"chain map: {paths[0]} (open it in a browser; it needs no network)")
    return list(paths)


_DEMO_STEPS.append(_demo_map)
