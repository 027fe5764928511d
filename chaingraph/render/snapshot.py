"""A PNG snapshot of a written map page, through headless Chromium (where installed).

Chromium opens the page from the file (the page makes no request: its
Content-Security-Policy forbids any), waits until the map has drawn and the
network has been fitted, and saves a screenshot. Debian's ``/usr/bin/chromium``
(or ``chromium-browser`` / ``google-chrome`` on the ``PATH``) is used; no browser
is downloaded. With Playwright installed it drives the browser and waits for the
first draw; otherwise ``chromium --headless --screenshot`` is called with a
virtual-time budget.

Example
-------
>>> from chaingraph.render.snapshot import find_chromium
>>> find_chromium() is None or find_chromium().exists()
True
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from chaingraph.errors import MissingDependency, OutputError

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--host-resolver-rules=MAP * ~NOTFOUND"]


def find_chromium() -> Path | None:
    """The Chromium executable to use (``CHAINGRAPH_CHROMIUM``, then the usual places), or None.

    Raises
    ------
    OSError
        Never in practice (only file-system probes).

    Example
    -------
    >>> isinstance(find_chromium(), (Path, type(None)))
    True
    """
    env = os.environ.get("CHAINGRAPH_CHROMIUM")
    for c in ([env] if env else []) + list(CANDIDATES):
        if c and Path(c).exists():
            return Path(c)
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return Path(found)
    return None


def snapshot_png(html_path: str | Path, png_path: str | Path, *, width: int = 1600, height: int = 1000,
                 timeout: float = 120.0) -> Path:
    """Screenshot the map page ``html_path`` into ``png_path``.

    Parameters
    ----------
    html_path, png_path : str or Path
    width, height : int
        Window size in CSS pixels.
    timeout : float
        Seconds to wait for the map to draw.

    Returns
    -------
    Path
        ``png_path``.

    Raises
    ------
    MissingDependency
        If no Chromium is installed.
    OutputError
        If the browser fails or the PNG cannot be written.

    Example
    -------
    >>> snapshot_png("out/map.html", "out/map.png")  # doctest: +SKIP
    PosixPath('out/map.png')
    """
    chromium = find_chromium()
    if chromium is None:
        raise MissingDependency("--png needs Chromium (apt install chromium); none was found")
    html_path, png_path = Path(html_path).resolve(), Path(png_path)
    png_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is not None:
        try:
            _with_playwright(sync_playwright, chromium, html_path, png_path, width, height, timeout)
            return png_path
        except OutputError:
            raise
        except Exception:  # noqa: BLE001 - e.g. Playwright's sync API inside a running event loop: use the CLI
            pass
    try:
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([str(chromium), *ARGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                            "--virtual-time-budget=20000", f"--screenshot={png_path.resolve()}",
                            html_path.as_uri()], check=True, capture_output=True, timeout=timeout)
    except (subprocess.SubprocessError, OSError) as exc:
        raise OutputError(f"cannot take a snapshot of {html_path}: {exc}") from exc
    if not png_path.exists():
        raise OutputError(f"the browser wrote no snapshot to {png_path}")
    return png_path


def _with_playwright(sync_playwright, chromium: Path, html_path: Path, png_path: Path, width: int, height: int,
                     timeout: float) -> None:
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as pw:
        ctx = pw.chromium.launch_persistent_context(profile, executable_path=str(chromium), headless=True,
                                                    args=ARGS, viewport={"width": width, "height": height})
        try:
            page = ctx.new_page()
            page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:")) else r.abort())
            page.goto(html_path.as_uri())
            end = time.monotonic() + timeout
            while not page.evaluate("window.__chainmap && window.__chainmap.firstDrawMs !== null"):
                if time.monotonic() > end:
                    raise OutputError(f"the map in {html_path} did not draw within {timeout:.0f} s")
                time.sleep(0.1)
            time.sleep(0.4)  # the first zoom's name sizes are applied after the first draw
            page.screenshot(path=str(png_path), full_page=False)
        finally:
            ctx.close()
