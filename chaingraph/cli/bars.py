"""Progress bars of the long commands (validate, build, push, synth): click's own bar on stderr.

A bar is drawn only when stderr is a terminal and ``chaingraph --quiet`` was not given; otherwise
the step prints one ``… label`` line (none when quiet), so logs still say what ran. The bar counts
steps (tables, batches) and shows the current step, the rows done and their rate.

Example
-------
>>> with StepBar("validating", 2) as bar:  # doctest: +SKIP
...     bar.advance("enterprises", 20_000)
...     bar.advance("supplies", 100_000)
"""

from __future__ import annotations

import sys
import time

import click

from chaingraph.i18n import _

_STATE = {"quiet": False}


def set_quiet(value: bool) -> None:
    """Turn progress output off (``True``) or on for this process.

    Raises
    ------
    None
        Never.

    Example
    -------
    >>> set_quiet(False); quiet()
    False
    """
    _STATE["quiet"] = bool(value)


def quiet() -> bool:
    """Whether progress output is off (``chaingraph --quiet``).

    Raises
    ------
    None
        Never.

    Example
    -------
    >>> isinstance(quiet(), bool)
    True
    """
    return _STATE["quiet"]


def terminal() -> bool:
    """Whether progress bars are drawn: stderr is a terminal and not quiet.

    Raises
    ------
    None
        Never.

    Example
    -------
    >>> isinstance(terminal(), bool)
    True
    """
    stream = sys.stderr
    return not quiet() and hasattr(stream, "isatty") and stream.isatty()


class StepBar:
    """A bar over ``steps`` named steps, with the rows done so far and their rate.

    Parameters
    ----------
    label : str
        What the bar measures (already in the message language).
    steps : int
        Number of :meth:`advance` calls that fill the bar.

    Raises
    ------
    ValueError
        If ``steps`` < 1.

    Example
    -------
    >>> with StepBar("building", 1) as bar:  # doctest: +SKIP
    ...     bar.advance("graph", 0)
    """

    def __init__(self, label: str, steps: int) -> None:
        if steps < 1:
            raise ValueError(f"steps must be ≥ 1, got {steps}")
        self.label, self.steps = label, steps
        self.rows, self.current, self._bar, self._t0 = 0, "", None, time.perf_counter()

    def _item(self, _item) -> str:
        rate = self.rows / max(time.perf_counter() - self._t0, 1e-9)
        return _("{step}: {rows:,} rows, {rate:,.0f} rows/s").format(step=self.current, rows=self.rows, rate=rate)

    def __enter__(self) -> StepBar:
        self._t0 = time.perf_counter()
        if terminal():
            self._bar = click.progressbar(length=self.steps, label=self.label, file=sys.stderr,
                                          show_pos=True, show_percent=True, show_eta=True,
                                          item_show_func=self._item, update_min_steps=1)
            self._bar.__enter__()
        elif not quiet():
            click.echo(f"… {self.label}", err=True)
        return self

    def advance(self, step: str, rows: int = 0, n: int = 1) -> None:
        """Count ``n`` steps done, the current one being ``step`` with ``rows`` more rows.

        Raises
        ------
        None
            Never.

        Example
        -------
        >>> StepBar("x", 1).advance("t", 5)  # no bar outside a ``with``: only counts
        """
        self.rows += int(rows)
        self.current = step
        if self._bar is not None:
            self._bar.update(n, step)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None
