"""Connecting to Neo4j: the URI, user and password from ``NEO4J_URI`` / ``NEO4J_USERNAME`` /
``NEO4J_PASSWORD``, and one-line errors that never show the password.

>>> _public_uri("neo4j+s://neo4j:secret@db.example:7687")
'neo4j+s://db.example:7687'
>>> _redact("password secret refused", "secret")
'password *** refused'
"""

from __future__ import annotations

import logging
import os
from typing import Any
from urllib.parse import urlsplit

from chaingraph.errors import BackendError, MissingDependency

log = logging.getLogger("chaingraph.neo4j.load")  # the loader's logger name, kept from before the split

URI_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")
DEFAULT_URI = "neo4j://localhost:7687"
DEFAULT_USER = "neo4j"


def _driver_module() -> Any:
    try:
        import neo4j
    except ImportError:  # pragma: no cover - neo4j is a dependency
        raise MissingDependency("the Neo4j backend needs the neo4j driver: pip install neo4j") from None
    return neo4j


def _redact(text: str, *secrets: str | None) -> str:
    for s in secrets:
        if s:
            text = text.replace(s, "***")
    return text


def _public_uri(uri: str) -> str:
    """``uri`` without any user:password@ part."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<invalid URI>"
    if parts.username is None and parts.password is None:
        return uri
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def connect(uri: str | None = None, user: str | None = None, password: str | None = None,
            **config: Any) -> Any:
    """Open a ``neo4j.Driver`` and check that the server answers.

    Parameters
    ----------
    uri : str, optional
        ``neo4j://``, ``neo4j+s://`` (TLS, e.g. Aura), ``neo4j+ssc://``, ``bolt://``,
        ``bolt+s://`` or ``bolt+ssc://``; default ``$NEO4J_URI``, else
        ``neo4j://localhost:7687``.
    user : str, optional
        Default ``$NEO4J_USERNAME``, else ``neo4j``.
    password : str, optional
        Default ``$NEO4J_PASSWORD``; with no password at all the driver connects
        without authentication. Never printed, logged or put into an error message.
    **config
        Passed to ``neo4j.GraphDatabase.driver`` (e.g. ``connection_timeout``).

    Returns
    -------
    neo4j.Driver
        The caller closes it (``with connect() as driver: ...``).

    Raises
    ------
    BackendError
        One line: bad URI, server unreachable, or credentials refused.
    MissingDependency
        If the ``neo4j`` package is not installed.
    """
    neo4j = _driver_module()
    uri = uri or os.environ.get("NEO4J_URI") or DEFAULT_URI
    user = user if user is not None else (os.environ.get("NEO4J_USERNAME") or DEFAULT_USER)
    password = password if password is not None else os.environ.get("NEO4J_PASSWORD")
    try:
        url_password = urlsplit(uri).password
    except ValueError:
        url_password = None
    where = _public_uri(uri)
    secrets = (password, url_password)
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme not in URI_SCHEMES:
        raise BackendError(f"not a Neo4j URI: {_redact(where, *secrets)!r} (expected one of "
                           f"{', '.join(s + '://' for s in URI_SCHEMES)})")
    auth = (user, password) if password is not None else None
    try:
        driver = neo4j.GraphDatabase.driver(uri, auth=auth, **config)
    except Exception as exc:  # ConfigurationError, ValueError on a malformed URI or config
        raise BackendError(_redact(f"cannot use Neo4j URI {where}: {type(exc).__name__}: {_one_line(exc)}",
                                   *secrets)) from None
    try:
        driver.verify_connectivity()
    except neo4j.exceptions.AuthError as exc:
        driver.close()
        raise BackendError(_redact(f"Neo4j at {where} refused the credentials of user {user!r} "
                                   f"(check NEO4J_USERNAME / NEO4J_PASSWORD): {_one_line(exc)}", *secrets)) from None
    except Exception as exc:  # ServiceUnavailable, DriverError, Neo4jError, OSError
        driver.close()
        raise BackendError(_redact(f"cannot connect to Neo4j at {where}: {type(exc).__name__}: {_one_line(exc)}",
                                   *secrets)) from None
    log.info("connected to Neo4j at %s as %s", where, user)
    return driver
