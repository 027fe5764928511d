"""The store: a validated graph saved as Parquet tables plus a manifest.

Layout of a store folder::

    manifest.json          schema version, chaingraph version, row counts, checksums, provenance
    enterprises.parquet    one file per table (canonical columns + ``_`` position columns)
    ...

Writes are atomic: everything goes to a temporary sibling folder, each file is
flushed, checksums go into the manifest, the manifest is written last, then the
folder is renamed into place. A store whose manifest is missing, whose schema
version differs, or whose files do not match their checksums is refused.

Example
-------
>>> save(graph, "out/wuxing.cgstore")  # doctest: +SKIP
>>> g2 = load("out/wuxing.cgstore")  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from chaingraph import __version__
from chaingraph.errors import OutputError, StoreError
from chaingraph.graph.core import ChainGraph
from chaingraph.model import SCHEMA_VERSION, TABLES

MANIFEST = "manifest.json"
FORMAT = "chaingraph-store"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 22):
            h.update(chunk)
    return h.hexdigest()


def _json_default(o: object) -> object:
    if hasattr(o, "isoformat"):
        return o.isoformat()
    if hasattr(o, "item"):
        return o.item()
    return str(o)


def save(graph: ChainGraph, path: str | Path, *, overwrite: bool = True) -> Path:
    """Write ``graph`` to a store folder, atomically.

    Parameters
    ----------
    graph : ChainGraph
    path : str or pathlib.Path
        Target folder (conventionally ending in ``.cgstore``).
    overwrite : bool
        Replace an existing store at ``path``.

    Returns
    -------
    pathlib.Path
        The store folder.

    Raises
    ------
    OutputError
        If the target exists and is not a store (or ``overwrite`` is False), or the
        disk is full / not writable.

    Example
    -------
    >>> save(g, "out/anping.cgstore")  # doctest: +SKIP
    PosixPath('out/anping.cgstore')
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    target = Path(path)
    with build_lock(target):
        return _save_locked(graph, target, overwrite, pa, pq)


_HELD: dict[str, int] = {}  # store path → lock file descriptor held by this process


@contextlib.contextmanager
def build_lock(path: str | Path):
    """Hold the OS lock of the store at ``path`` (``.NAME.lock`` beside it) while the block runs.

    A second build to the same store, in another process, fails at once with a clear message instead of
    writing over the first or deleting its temporary folder. Re-entrant within one process (the CLI takes
    it for the whole build, :func:`save` again for the write).

    Raises
    ------
    OutputError
        If another process holds the lock, or the lock file cannot be created.

    Example
    -------
    >>> with build_lock("out/anping.cgstore"):  # doctest: +SKIP
    ...     save(g, "out/anping.cgstore")
    """
    import fcntl

    target = Path(path)
    key = str(target.resolve())
    if key in _HELD:
        yield
        return
    parent = target.parent if str(target.parent) else Path(".")
    lock = parent / f".{target.name}.lock"
    while True:  # the lock file is removed on release, so check that the locked file is still the one named
        try:
            parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"{target}: cannot create the lock {lock} ({exc.strerror or exc})") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise OutputError(f"{target}: another build is writing this store now (lock {lock}); "
                              "wait for it to finish, or build to another path") from None
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(lock))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # released and removed by its holder between our open and our lock: take the new one
    _HELD[key] = fd
    try:
        yield
    finally:
        del _HELD[key]
        with contextlib.suppress(OSError):
            os.unlink(lock)  # before unlocking: a waiting build then re-opens a fresh file (the check above)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _stale_temporaries(parent: Path, name: str) -> list[Path]:
    """This store's own temporary folders (``.NAME.XXXXXXXX.tmp`` as :func:`tempfile.mkdtemp` names them).

    Exactly that pattern, so the store ``a`` never takes ``.a.b.x1y2z3w4.tmp`` (a temporary of store ``a.b``).
    Called with the store's lock held: no live build of this store owns them.
    """
    pattern = re.compile(rf"^\.{re.escape(name)}\.[a-z0-9_]{{8}}\.tmp$")
    return [p for p in parent.iterdir() if pattern.match(p.name) and p.is_dir()] if parent.exists() else []


def _save_locked(graph: ChainGraph, target: Path, overwrite: bool, pa, pq) -> Path:
    if target.exists():
        if not (target / MANIFEST).exists() or not overwrite:
            raise OutputError(f"{target}: exists and is not a chaingraph store to replace")
    parent = target.parent if str(target.parent) else Path(".")
    for stale in _stale_temporaries(parent, target.name):
        shutil.rmtree(stale, ignore_errors=True)  # left by a save that was killed
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot create the store ({exc.strerror or exc})") from exc
    try:
        def write(frames: dict[str, pd.DataFrame], prefix: str) -> dict[str, dict]:
            out = {}
            for name, df in frames.items():
                f = tmp / f"{prefix}{name}.parquet"
                pq.write_table(pa.Table.from_pandas(df, preserve_index=False), f, compression="zstd")
                with open(f, "rb+") as fh:
                    os.fsync(fh.fileno())
                out[name] = {"file": f.name, "rows": len(df), "sha256": _sha256(f)}
            return out

        tables = write(graph.tables, "")
        aggregates = write(graph.aggregates, "_agg_")
        manifest = {
            "format": FORMAT,
            "schema_version": SCHEMA_VERSION,
            "chaingraph_version": __version__,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
            "name": graph.name,
            "tables": tables,
            "aggregates": aggregates,
            "meta": graph.meta,
        }
        mpath = tmp / MANIFEST
        with open(mpath, "w", encoding="utf-8") as fh:
            json.dump(manifest, fh, ensure_ascii=False, indent=2, default=_json_default)
            fh.flush()
            os.fsync(fh.fileno())
        _fsync_dir(tmp)  # the folder's entries reach the disk before the folder is renamed into place
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            os.replace(target, old)
            os.replace(tmp, target)
            _fsync_dir(parent)  # the renames survive a power cut before the previous store is removed
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
            _fsync_dir(parent)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"{target}: cannot write the store ({exc.strerror or exc})") from exc
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target


def _fsync_dir(path: Path) -> None:
    """Make new entries and renames in folder ``path`` durable (POSIX fsync of the folder).

    Best effort: where a folder cannot be opened or synced (Windows, some network
    filesystems) the data files themselves are already synced, and a power cut can at
    worst leave the previous store in place.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def read_manifest(path: str | Path) -> dict:
    """Read and check a store's manifest (format and schema version).

    Raises
    ------
    StoreError
        Missing or unreadable manifest, another format, or another schema version (a schema 1 store, keyed
        on the credit code, is told how to rebuild it).

    Example
    -------
    >>> read_manifest("out/wuxing.cgstore")["schema_version"]  # doctest: +SKIP
    2
    """
    p = Path(path)
    m = p / MANIFEST
    if not p.is_dir():
        raise StoreError(f"{p}: not a chaingraph store (no such folder)")
    if not m.exists():
        raise StoreError(f"{p}: not a chaingraph store, or an interrupted write (no {MANIFEST})")
    try:
        manifest = json.loads(m.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise StoreError(f"{p}: damaged manifest ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise StoreError(f"{p}: not a chaingraph store (format {manifest.get('format')!r})")
    version = manifest.get("schema_version")
    if version == 1 and SCHEMA_VERSION != 1:  # enterprises were keyed on the credit code (uscc) then
        raise StoreError(f"store {p} was written by chaingraph schema 1; rebuild it: chaingraph build <dataset> -o {p}")
    if version != SCHEMA_VERSION:
        raise StoreError(f"{p}: store has schema version {version}, this chaingraph reads version "
                         f"{SCHEMA_VERSION}; rebuild it with `chaingraph build`")
    return manifest


def load(path: str | Path, *, verify: bool = True) -> ChainGraph:
    """Load a store written by :func:`save`.

    Parameters
    ----------
    path : str or pathlib.Path
    verify : bool
        Check every file's SHA-256 against the manifest (cheap next to reading it).

    Returns
    -------
    ChainGraph

    Raises
    ------
    StoreError
        Not a store, another schema version, a missing or damaged table file, or a
        row count that differs from the manifest.

    Example
    -------
    >>> g = load("out/wuxing.cgstore")  # doctest: +SKIP
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    p = Path(path)
    old = p.with_name(f".{p.name}.old")
    if not p.exists() and (old / MANIFEST).exists():
        p = old  # a save was killed between its two renames: the previous store is intact here
    manifest = read_manifest(p)
    tables: dict[str, pd.DataFrame] = {}
    aggregates: dict[str, pd.DataFrame] = {}
    entries = [(name, manifest["tables"].get(name), tables) for name in TABLES]
    entries += [(name, e, aggregates) for name, e in manifest.get("aggregates", {}).items()]
    for name, entry, into in entries:
        if entry is None:
            raise StoreError(f"{p}: manifest lists no table '{name}'")
        f = p / entry["file"]
        if not f.exists():
            raise StoreError(f"{p}: table file {entry['file']} is missing")
        if verify and _sha256(f) != entry["sha256"]:
            raise StoreError(f"{p}: table file {entry['file']} does not match its checksum (damaged or edited)")
        try:
            tbl = pq.read_table(f)
            dates = [fld.name for fld in TABLES[name].fields if fld.type == "date"] if into is tables else []
            df = _seconds(tbl, dates).to_pandas()
        except (pa.ArrowException, OSError) as exc:
            raise StoreError(f"{p}: cannot read {entry['file']} ({exc})") from exc
        for col in dates:
            if col in df.columns:
                df[col] = df[col].astype("datetime64[s]")  # Parquet has no second unit; restore it
        if len(df) != entry["rows"]:
            raise StoreError(f"{p}: {entry['file']} has {len(df)} rows, manifest says {entry['rows']}")
        into[name] = df
    return ChainGraph(tables, name=manifest.get("name", p.name), meta=manifest.get("meta"), indexed=True,
                      aggregates=aggregates or None)


def _seconds(tbl, columns: list[str]):
    """``tbl`` with its timestamp ``columns`` cast to seconds in Arrow (several times faster than pandas' astype).

    Only exact casts: a column with sub-second values is left for pandas' astype, as before.
    """
    import pyarrow as pa

    for col in columns:
        i = tbl.schema.get_field_index(col)
        if i < 0:
            continue
        typ = tbl.schema.field(i).type
        if pa.types.is_timestamp(typ) and typ.unit != "s" and typ.tz is None:
            try:
                tbl = tbl.set_column(i, tbl.schema.field(i).with_type(pa.timestamp("s")),
                                     tbl.column(i).cast(pa.timestamp("s"), safe=True))
            except pa.ArrowInvalid:
                pass
    return tbl


def is_store(path: str | Path) -> bool:
    """True when ``path`` is a folder holding a store manifest.

    Raises
    ------
    Nothing.

    Example
    -------
    >>> is_store("datasets/wuxing-childrenswear")
    False
    """
    p = Path(path)
    return p.is_dir() and (p / MANIFEST).exists()


def open_graph(path: str | Path, **kwargs) -> ChainGraph:
    """Open a store, or validate and build a dataset, whichever ``path`` is.

    Raises
    ------
    StoreError, DatasetError
        As :func:`load` or :meth:`ChainGraph.from_dataset`.

    Example
    -------
    >>> g = open_graph("datasets/anping-wiremesh")  # doctest: +SKIP
    """
    if is_store(path):
        return load(path)
    return ChainGraph.from_dataset(path, **kwargs)
