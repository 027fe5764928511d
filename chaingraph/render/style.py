"""Colours, shapes and labels of the HTML chain map: one place for every visual constant.

Node colours by size class or certification, border colours of leaders, focus
firms and key links, the per-edge-type line styles (``EDGE_STYLE``) the page
draws and the legend lists, and the Chinese names of enum values.

Example
-------
>>> from chaingraph.render.style import EDGE_STYLE, SIZE_COLORS
>>> SIZE_COLORS["large"], EDGE_STYLE["SUPPLIES"]["dash"]
('#08306b', 'solid')
"""

from __future__ import annotations

from typing import Any, Literal

from chaingraph.model import ENUM_ZH

ColorBy = Literal["size", "certification"]
SizeBy = Literal["revenue", "degree"]

VIS_VERSION = "9.1.2"

FONT_FACE = '"Microsoft YaHei", "PingFang SC", "Noto Sans CJK SC", "WenQuanYi Micro Hei", "SimHei", sans-serif'

SIZE_COLORS: dict[str, str] = {"micro": "#c6dbef", "small": "#6baed6", "medium": "#2171b5", "large": "#08306b"}
CERT_COLORS: dict[str, str] = {"yes": "#31a354", "no": "#fd8d3c"}
UNKNOWN_COLOR = "#d9d9d9"
LEADER_BORDER = "#d4a017"
FOCUS_BORDER = "#7b3294"
DEFAULT_BORDER = "#4d4d4d"
STAGE_COLORS: dict[str, str] = {"upstream": "#e3eefa", "midstream": "#e6f4ea", "downstream": "#fdf0e1"}
SEGMENT_BORDER = "#4a6fa5"
KEY_LINK_BORDER = "#c0392b"
PROBLEM_COLOR = "#ef6548"
COMMON_PROBLEM_COLOR = "#b10026"

EDGE_STYLE: dict[str, dict[str, Any]] = {
    # type: colour, width, dashes ("solid" | "dashed" | "dotted"), arrow, legend label
    "SUPPLIES": {"color": "#607d8b", "width": 1.2, "dash": "solid", "arrow": True, "zh": "供应（供方→采购方）"},
    "FEEDS": {"color": "#4a6fa5", "width": 7.0, "dash": "solid", "arrow": True, "zh": "环节流向"},
    "OPERATES_IN": {"color": "#b0b0b0", "width": 1.0, "dash": "dashed", "arrow": False, "zh": "所属环节"},
    "HAS_PROBLEM": {"color": "#d62728", "width": 1.2, "dash": "dotted", "arrow": False, "zh": "存在问题"},
    "LEADS": {"color": LEADER_BORDER, "width": 2.0, "dash": "solid", "arrow": True, "zh": "链主引领"},
}
DASHES: dict[str, Any] = {"solid": False, "dashed": [6, 5], "dotted": [2, 5]}

DIMENSION_ZH = {"region": "区域", "industry": "产业", "enterprise": "企业"}
STAGE_ZH = ENUM_ZH["stage"]
SIZE_ZH = ENUM_ZH["size"]
CATEGORY_ZH = ENUM_ZH["category"]
KIND_ZH = ENUM_ZH["kind"]

DETAIL_LINES_UP_TO = 300
"""OPERATES_IN and HAS_PROBLEM lines are shown at first only on maps with at most
this many firms (a firm's column already says its segment; thousands of problem
lines hide the chain); the page has a switch for each."""
