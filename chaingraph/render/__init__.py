"""Step 5a — render: the interactive, offline HTML chain map (强链图谱).

* :mod:`~chaingraph.render.layout` — node positions, segment summaries and per-segment splits
* :mod:`~chaingraph.render.html` — the self-contained page (vis-network inlined)
* :mod:`~chaingraph.render.payload` — the page's JSON payload (legend, backdrop, vis options)
* :mod:`~chaingraph.render.frames` — the vis node and edge frames, tooltips included
* :mod:`~chaingraph.render.style` — colours, shapes and line styles
* :mod:`~chaingraph.render.bands` — many chains: one band per chain, stage columns shared
* :mod:`~chaingraph.render.flows` — segment flows: back edges for cycles, stubs for other chains
* :mod:`~chaingraph.render.reach` — leaders' reach (small and micro firms within two supply steps)
* :mod:`~chaingraph.render.notebook` — a map inline in a notebook (``show(cm)``, ``ChainMap._repr_html_``)
* :mod:`~chaingraph.render.snapshot` — a PNG snapshot through headless Chromium

Example
-------
>>> from chaingraph.render import write_map_html  # doctest: +SKIP
"""

from chaingraph.render.bands import band_chains, chain_submap, is_multi_chain, layout_bands
from chaingraph.render.html import (
    VIS_VERSION,
    build_payload,
    json_for_script,
    render_map_html,
    segment_file_names,
    write_map_html,
)
from chaingraph.render.layout import layout_chain, split_by_segment, summarise_segments
from chaingraph.render.notebook import MapView, notebook_html, show
from chaingraph.render.reach import add_reach

__all__ = ["VIS_VERSION", "MapView", "add_reach", "band_chains", "build_payload", "chain_submap", "is_multi_chain",
           "json_for_script", "layout_bands", "layout_chain", "notebook_html", "render_map_html", "segment_file_names",
           "show", "split_by_segment", "summarise_segments", "write_map_html"]
