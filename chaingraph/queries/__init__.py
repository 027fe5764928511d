"""The named queries of the contract (DESIGN.md): each takes a graph and scope, returns frames.

==================  ==========================================================
query               answers
==================  ==========================================================
chain_map           segments in flow order, firms per segment, supply edges,
                    leaders, problem hot spots (a :class:`~chaingraph.layout.ChainMap`)
composition         firms by segment × size class, certification, quality level
common_problems     the list of common quality problems (共性质量问题清单)
leaders             designated leaders and data-driven candidates, their reach
weak_links          gaps, single-supplier dependencies, articulation points,
                    problem-dense segments
exposure            firms downstream of firms that have a problem
benchmark_gaps      measured values against domestic / international advanced levels
problem_changes     the problem list at two dates (or of two builds) side by side
compare_regions     problem shares across the sub-regions of a region
ledger              the assistance ledger (帮扶台账); ledger_summary: its evaluation figures
progress            each target of the action with its actual, share done and pace
==================  ==========================================================

Example
-------
>>> from chaingraph.queries import common_problems  # doctest: +SKIP
"""

from chaingraph.queries.benchmarks import benchmark_gaps
from chaingraph.queries.chain_map import chain_map, enterprise_map
from chaingraph.queries.changes import problem_changes, problem_changes_between
from chaingraph.queries.compare import compare_regions
from chaingraph.queries.composition import composition
from chaingraph.queries.exposure import exposure
from chaingraph.queries.leaders import leader_reach, leaders
from chaingraph.queries.ledger import ledger, ledger_summary
from chaingraph.queries.problems import common_problems
from chaingraph.queries.progress import progress
from chaingraph.queries.weak_links import weak_links

__all__ = ["benchmark_gaps", "chain_map", "common_problems", "compare_regions", "problem_changes",
           "problem_changes_between", "composition", "enterprise_map", "exposure",
           "leader_reach", "leaders", "ledger", "ledger_summary", "progress", "weak_links"]
