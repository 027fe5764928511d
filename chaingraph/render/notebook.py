"""Chain maps inline in a notebook (Jupyter, VS Code, JupyterLab).

The page is the same self-contained HTML that :func:`chaingraph.render.write_map_html`
writes, placed in an ``<iframe srcdoc=…>`` with ``sandbox="allow-scripts"``: the
map's script runs, but in an opaque origin, so it cannot reach the notebook's page,
its cookies or its kernel; and the map's Content-Security-Policy still forbids any
request. The whole page is HTML-escaped into the attribute, so nothing from the
data can end it.

``ChainMap`` objects show themselves this way (``_repr_html_``) once
:mod:`chaingraph.render` is imported; :func:`show` does it explicitly with options.

Example
-------
>>> import chaingraph.render as cr  # doctest: +SKIP
>>> cr.show(chain_map(g, "吴兴区", "童装"), color_by="certification")  # doctest: +SKIP
"""

from __future__ import annotations

import html
from typing import Any

from chaingraph.queries import mapdata
from chaingraph.render.layout import DEFAULT_MAX_NODES, ChainMap, summarise_segments

DEFAULT_HEIGHT = 640


class MapView:
    """A rendered map for a notebook cell: ``_repr_html_`` gives the sandboxed iframe.

    Parameters
    ----------
    html_text : str
        The iframe markup.

    Raises
    ------
    AttributeError
        Never for a string; ``_repr_html_`` returns it as given.

    Example
    -------
    >>> MapView("<iframe></iframe>")._repr_html_()
    '<iframe></iframe>'
    """

    def __init__(self, html_text: str) -> None:
        self.html = html_text

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"MapView({len(self.html):,} characters of HTML)"


def notebook_html(cm: ChainMap, *, height: int = DEFAULT_HEIGHT, max_nodes: int = DEFAULT_MAX_NODES,
                  **kwargs: Any) -> str:
    """The map as an ``<iframe srcdoc>`` (sandboxed: scripts only) for a notebook cell.

    A map above ``max_nodes`` firms is shown as its segment summary (links to
    per-segment pages are left out: a notebook has no folder to open them from).

    Parameters
    ----------
    cm : ChainMap
    height : int
        Height of the frame in CSS pixels.
    max_nodes : int
        Firms drawn one by one.
    **kwargs
        ``color_by``, ``size_by``, ``show_problems`` (as :func:`chaingraph.render.write_map_html`).

    Returns
    -------
    str

    Raises
    ------
    ValueError
        If ``cm`` breaks the contract or an option is unknown.
    MissingDependency
        If the vis-network files cannot be found.

    Example
    -------
    >>> notebook_html(cm).startswith("<iframe")  # doctest: +SKIP
    True
    """
    from chaingraph.render.bands import is_multi_chain
    from chaingraph.render.html import render_map_html
    from chaingraph.render.reach import add_reach

    cm = add_reach(cm)
    page_map = cm if is_multi_chain(cm) else summarise_segments(cm, max_nodes=max_nodes)
    page = render_map_html(page_map, **kwargs)
    title = html.escape(str(page_map.meta.get("title") or "质量认证强链图谱"), quote=True)
    return (f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" title="{title}" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #d8dee8" loading="lazy"></iframe>')


def show(cm: ChainMap, **kwargs: Any) -> MapView:
    """Show a chain map inline in a notebook: ``chaingraph.render.show(cm)``.

    Parameters
    ----------
    cm : ChainMap
    **kwargs
        As :func:`notebook_html` (``height``, ``color_by``, ``size_by``, ``show_problems``, ``max_nodes``).

    Returns
    -------
    MapView
        Displayed by the notebook (its ``_repr_html_``).

    Raises
    ------
    ValueError
        If ``cm`` breaks the contract or an option is unknown.

    Example
    -------
    >>> show(chain_map(g, "吴兴区", "童装"))  # doctest: +SKIP
    """
    return MapView(notebook_html(cm, **kwargs))


def _repr(cm: ChainMap) -> str:
    return notebook_html(cm)


mapdata.HTML_REPR["html"] = _repr
