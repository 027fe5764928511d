"""Step 5a — render: the interactive, offline HTML chain map (强链图谱).

* :mod:`~chaingraph.render.layout` — node positions, segment summaries and per-segment splits
* :mod:`~chaingraph.render.html` — the self-contained page (vis-network inlined)
* :mod:`~chaingraph.render.payload` — the page's JSON payload (legend, backdrop, vis options)
* :mod:`~chaingraph.render.frames` — the vis node and edge frames, tooltips included
* :mod:`~chaingraph.render.style` — colours, shapes and line styles

Example
-------
>>> from chaingraph.render import write_map_html  # doctest: +SKIP
"""

from chaingraph.render.html import (
    VIS_VERSION,
    build_payload,
    json_for_script,
    render_map_html,
    segment_file_names,
    write_map_html,
)
from chaingraph.render.layout import layout_chain, split_by_segment, summarise_segments

__all__ = ["VIS_VERSION", "build_payload", "json_for_script", "layout_chain", "render_map_html",
           "segment_file_names", "split_by_segment", "summarise_segments", "write_map_html"]
