"""Interactive, self-contained HTML chain maps (质量认证强链图谱).

Analysts share these maps on file shares and USB sticks inside networks with no
internet, so every page is ONE file that makes no request outside itself:

* the vis-network 9.1.2 standalone build and its stylesheet are inlined verbatim
  (its Apache-2.0 / MIT license header kept; only the trailing source-map comment
  is dropped). They are read from the pyvis wheel, which ships them in
  ``pyvis/templates/lib/vis-9.1.2``. pyvis's own ``Network`` / Jinja template is
  *not* used: it links Bootstrap and vis from a CDN even with
  ``cdn_resources='in_line'``, writes a ``lib/`` folder into the working directory
  with ``'local'``, does not escape its heading or select-menu options, and builds
  nodes one Python call at a time. Here node and edge records are built column-wise
  with pandas;
* the page (``chaingraph/data/map_template.html``) is filled by a single-pass
  marker substitution (no Jinja), so data can never inject a marker;
* the map data travel as JSON in ``<script type="application/json">`` with ``<``,
  ``>``, ``&``, U+2028 / U+2029 (and lone surrogates) escaped as ``\\uXXXX``,
  read with ``JSON.parse``. The page's script builds its controls with
  ``textContent`` only; tooltips are plain strings, which vis-network 9 shows as
  text (``innerText``); labels are drawn on a canvas. The page title is HTML-escaped;
* a Content-Security-Policy ``<meta>`` (``default-src 'none'``) makes the browser
  itself refuse any request the page might attempt;
* positions come from :func:`chaingraph.layout.layout_chain`; physics is off, so a
  2,000-firm page draws in about a second.

Above ``max_nodes`` enterprise nodes (default 2,500) :func:`write_map_html` writes
a segment-level summary to ``path`` and one enterprise-level map per segment
beside it, ``<stem>-NN-<segment>.html`` (``NN`` = the segment's column, 01 =
most upstream); the summary lists them and a double click on a segment opens its
map; each segment map links back to the summary.

The page is assembled here; its parts live beside it: visual constants in
:mod:`chaingraph.render.style`, the vis node and edge frames in
:mod:`chaingraph.render.frames`, the JSON payload in :mod:`chaingraph.render.payload`.

Example
-------
>>> from chaingraph.render import write_map_html  # doctest: +SKIP
>>> write_map_html(cm, "out/wuxing-childrenswear.html", color_by="certification")  # doctest: +SKIP
[PosixPath('out/wuxing-childrenswear.html')]
"""

from __future__ import annotations

import html
import importlib.util
import json
import os
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from chaingraph.errors import MissingDependency, OutputError
from chaingraph.render.bands import (
    DEFAULT_CHAIN_LIMIT,
    band_chains,
    chain_submap,
    is_multi_chain,
    split_problems,
)
from chaingraph.render.frames import _text
from chaingraph.render.layout import DEFAULT_MAX_NODES, ChainMap, split_by_segment, summarise_segments
from chaingraph.render.payload import build_payload
from chaingraph.render.reach import add_reach
from chaingraph.render.style import VIS_VERSION, ColorBy, SizeBy

TEMPLATE_NAME = "map_template.html"

MAX_PAGES = 40
"""Most files one map writes (main page included)."""

_MARKER = re.compile(r"@@CHAINMAP_([A-Z_]+)@@")
_SURROGATE = re.compile("[\ud800-\udfff]")
_UNSAFE_NAME = re.compile(r'[/\\:*?"<>|#%\x00-\x1f\s]+')


# ---------------------------------------------------------------------------
# assets
# ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _assets() -> dict[str, str]:
    """Read the page template and the vis-network files shipped in the pyvis wheel.

    Raises
    ------
    MissingDependency
        If pyvis (which ships vis-network) or one of the files is missing.
    """
    spec = importlib.util.find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise MissingDependency("pyvis is not installed; it ships the vis-network script the map inlines")
    vis_dir = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        js = (vis_dir / "vis-network.min.js").read_text(encoding="utf-8")
        css = (vis_dir / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise MissingDependency(f"vis-network {VIS_VERSION} not found in the pyvis package ({vis_dir}): {exc}") from exc
    template = (Path(__file__).resolve().parent.parent / "data" / TEMPLATE_NAME).read_text(encoding="utf-8")
    # Drop source-map comments (a reference to a file that is not there); nothing else is touched.
    js = re.sub(r"\n//# sourceMappingURL=\S*\s*$", "\n", js)
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/", "", css)
    for name, text in (("script", js), ("style", css)):
        if f"</{name}" in text.lower():
            raise MissingDependency(f"vis-network {name} contains '</{name}' and cannot be inlined")
    return {"vis_js": js, "vis_css": css, "template": template}



def json_for_script(payload: Any) -> str:
    """Serialise ``payload`` for a ``<script type="application/json">`` element.

    ``<``, ``>``, ``&``, U+2028, U+2029 and lone surrogates are written as
    ``\\uXXXX`` escapes, so no data can end the element, open a comment or break
    the file's UTF-8; ``JSON.parse`` restores them.

    Raises
    ------
    ValueError
        If ``payload`` holds NaN / infinity or objects JSON cannot represent.

    Example
    -------
    >>> json_for_script({"a": "</script>&"})
    '{"a":"\\\\u003c/script\\\\u003e\\\\u0026"}'
    """
    try:
        s = json.dumps(payload, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    except TypeError as exc:
        raise ValueError(f"map payload is not JSON-serialisable: {exc}") from exc
    s = s.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    s = s.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", s)


def render_map_html(cm: ChainMap, **kwargs: Any) -> str:
    """Render one self-contained map page as a string (no file is written).

    Parameters
    ----------
    cm : ChainMap
    **kwargs
        Passed to :func:`build_payload`.

    Returns
    -------
    str
        The complete HTML document.

    Raises
    ------
    ValueError
        As :func:`build_payload`.
    MissingDependency
        If the vis-network files cannot be found in the pyvis package.

    Example
    -------
    >>> page = render_map_html(cm, color_by="certification")  # doctest: +SKIP
    >>> "https://" in page.split("vis-network.min.js")[0]  # doctest: +SKIP
    False
    """
    assets = _assets()
    payload = build_payload(cm, **kwargs)
    title = _SURROGATE.sub("\ufffd", payload["meta"]["title"])
    subtitle = _SURROGATE.sub("\ufffd", payload["meta"]["subtitle"])
    values = {
        "TITLE": html.escape(title, quote=True),
        "SUBTITLE": html.escape(subtitle, quote=True),
        "VIS_VERSION": VIS_VERSION,
        "VIS_CSS": assets["vis_css"],
        "VIS_JS": assets["vis_js"],
        "DATA": json_for_script(payload),
    }
    return _MARKER.sub(lambda m: values[m.group(1)], assets["template"])


def segment_file_names(stem: str, segment_ids: list[str]) -> dict[str, str]:
    """File names of per-segment maps: ``<stem>-NN-<segment>.html`` (NN from 01, in flow order).

    Characters unsafe in a file name or URL (``/ \\ : * ? " < > | # %``, white
    space, control characters) become ``_``; Chinese is kept.

    Raises
    ------
    AttributeError
        If a segment id is not a string.

    Example
    -------
    >>> segment_file_names("吴兴童装", ["seg:fabric", "seg:印染/整理"])
    {'seg:fabric': '吴兴童装-01-fabric.html', 'seg:印染/整理': '吴兴童装-02-印染_整理.html'}
    """
    safe_stem = _UNSAFE_NAME.sub("_", stem).strip("._") or "map"
    out = {}
    for i, sid in enumerate(segment_ids, start=1):
        slug = _UNSAFE_NAME.sub("_", sid.removeprefix("seg:")).strip("._")[:40] or "seg"
        out[sid] = f"{safe_stem}-{i:02d}-{slug}.html"
    return out


Plan = list[tuple[Path, ChainMap, dict[str, Any]]]


def _single(cm: ChainMap, path: Path, max_nodes: int, budget: int, parent: str | None) -> Plan:
    """Pages of one chain's map: itself, or its segment summary plus per-segment pages (up to ``budget``)."""
    up = {"parent": parent} if parent else {}
    small = summarise_segments(cm, max_nodes=max_nodes)
    if small is cm or budget <= 1:
        return [(path, small, up)]
    parts = split_by_segment(cm, max_nodes=max_nodes)
    kept = list(parts)[:budget - 1]
    names = segment_file_names(path.stem, list(parts))
    label_of = dict(zip(cm.nodes["node_id"].astype("str"), _text(cm.nodes["label"]), strict=True))
    links = [{"id": sid, "label": label_of.get(sid, sid), "file": names[sid]} for sid in kept]
    if len(parts) > len(kept):
        small.meta["pages_dropped"] = len(parts) - len(kept)
    plan: Plan = [(path, small, {"segment_maps": links, **up})]
    plan += [(path.with_name(names[sid]), parts[sid], {"parent": path.name}) for sid in kept]
    return plan


def _plan(cm: ChainMap, path: Path, max_nodes: int, chain_limit: int, max_pages: int) -> Plan:
    """Every page to write for ``cm`` (the main one first), at most ``max_pages``."""
    if not is_multi_chain(cm):
        return _single(cm, path, max_nodes, max_pages, None)
    banded = band_chains(cm, max_nodes=max_nodes, chain_limit=chain_limit)
    split = split_problems(cm)
    names = banded.meta.get("chain_names") or {}
    files = segment_file_names(f"{path.stem}-chain", [f"seg:{c}" for c in banded.meta["collapsed"]])
    budget = max_pages - 1
    plan: Plan = []
    links = []
    dropped = 0
    seg = banded.nodes[banded.nodes["kind"] == "segment"]
    for c in banded.meta["collapsed"]:
        if budget < 1:
            dropped += 1
            continue
        target = path.with_name(files[f"seg:{c}"])
        sub = _single(chain_submap(split, c), target, max_nodes, budget, path.name)
        budget -= len(sub)
        plan += sub
        also = seg.loc[seg["chain_id"].astype("object") == c, "node_id"].astype("str").tolist()
        links.append({"id": f"chain:{c}", "label": str(names.get(c, c)), "file": target.name, "also": also})
    if dropped:
        banded.meta["pages_dropped"] = dropped
    return [(path, banded, {"segment_maps": links}), *plan]


def write_map_html(
    cm: ChainMap,
    path: str | Path,
    *,
    color_by: ColorBy = "size",
    size_by: SizeBy = "revenue",
    show_problems: bool = True,
    max_nodes: int = DEFAULT_MAX_NODES,
    chain_limit: int = DEFAULT_CHAIN_LIMIT,
    max_pages: int = MAX_PAGES,
) -> list[Path]:
    """Write the chain map as self-contained HTML file(s).

    A region map of several chains is drawn in chain bands (:mod:`chaingraph.render.bands`); each
    collapsed chain gets its own page ``<stem>-chain-NN-<chain>.html`` (and, when it is itself too big,
    its segment pages), at most ``max_pages`` files in all.
    Otherwise, up to ``max_nodes`` enterprise nodes: one page at ``path`` with every firm.
    Above: a segment-level summary at ``path`` (see
    :func:`chaingraph.layout.summarise_segments`) and one enterprise-level page
    per segment beside it (``<stem>-NN-<segment>.html``, see
    :func:`chaingraph.layout.split_by_segment`), linked both ways.

    Parameters
    ----------
    cm : ChainMap
        From the ``chain_map`` query.
    path : str or Path
        The (summary) page to write; its folder is created if missing.
    color_by : {"size", "certification"}
    size_by : {"revenue", "degree"}
    show_problems : bool
        Problem nodes shown when the page opens (a switch on the page toggles them).
    max_nodes : int
        Enterprise nodes drawn one by one on a single page.
    chain_limit : int
        On a map of several chains (drawn in bands): firms of one chain drawn one by one; a bigger chain
        is collapsed to its segment summary in its band and gets its own page.
    max_pages : int
        Most files written for one map (the main page included); pages past it are not written and the
        main page says how many.

    Returns
    -------
    list of Path
        The files written, the main (summary) page first.

    Raises
    ------
    ValueError
        If ``cm`` breaks the contract or an option is unknown.
    MissingDependency
        If the vis-network files cannot be found.
    OutputError
        If a file cannot be written.

    Example
    -------
    >>> from chaingraph.render import write_map_html  # doctest: +SKIP
    >>> write_map_html(cm, "out/map.html")  # doctest: +SKIP
    [PosixPath('out/map.html')]
    """
    path = Path(path)
    if max_pages < 1:
        raise ValueError("max_pages must be at least 1")
    opts = {"color_by": color_by, "size_by": size_by, "show_problems": show_problems}
    cm = add_reach(cm)
    plan = _plan(cm, path, max_nodes, chain_limit, max_pages)
    pages = [(target, render_map_html(part, **kw, **opts)) for target, part, kw in plan]
    written: list[Path] = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for target, text in pages:
            tmp = target.with_name(f".{target.name}.tmp")  # never leave a half-written page over a good one
            try:
                tmp.write_text(text, encoding="utf-8", newline="\n")
                os.replace(tmp, target)
            finally:
                if tmp.exists():
                    tmp.unlink()
            written.append(target)
    except OSError as exc:
        raise OutputError(f"cannot write chain map {exc.filename or path}: {exc.strerror or exc}") from exc
    return written
