"""Message language of the command line and reports: gettext catalogues, Chinese or English.

The language is chosen, first match wins, by an explicit choice (``chaingraph --lang zh|en``),
the ``CHAINGRAPH_LANG`` environment variable, the locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``:
``zh_*`` → Chinese), else English. Messages are English msgids; the Chinese catalogue is
``chaingraph/locale/zh_CN/LC_MESSAGES/chaingraph.po``, compiled to ``chaingraph.mo`` (shipped) by
``scripts/compile-translations``. A msgid missing from the catalogue shows in English.

Reason codes, column names of files and table names stay stable English identifiers; only what a person
reads is translated. This module imports nothing else from chaingraph, so any layer may use it.

Example
-------
>>> set_language("zh")
'zh'
>>> _("OK")
'通过'
>>> set_language("en") and _("OK")
'OK'
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "chaingraph"
LOCALEDIR = Path(__file__).resolve().parent / "locale"
LANGUAGES = ("zh", "en")
_CATALOGUE = {"zh": "zh_CN"}

_state: dict = {"lang": None, "tr": gettext.NullTranslations()}


def locale_language(environ: dict | None = None) -> str | None:
    """The language of the process locale, ``"zh"`` or ``"en"``, or None when no locale is set.

    Raises
    ------
    None
        Never.

    Example
    -------
    >>> locale_language({"LANG": "zh_CN.UTF-8"})
    'zh'
    >>> locale_language({"LANG": "C"})
    'en'
    """
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = (env.get(var) or "").strip()
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return None


def resolve_language(explicit: str | None = None, environ: dict | None = None) -> str:
    """The message language: ``explicit``, else ``$CHAINGRAPH_LANG``, else the locale, else ``"en"``.

    Raises
    ------
    ValueError
        If ``explicit`` is given and is not ``"zh"`` or ``"en"`` (an unknown ``CHAINGRAPH_LANG`` is ignored).

    Example
    -------
    >>> resolve_language(None, {"CHAINGRAPH_LANG": "zh", "LANG": "C"})
    'zh'
    >>> resolve_language("en", {"LANG": "zh_CN.UTF-8"})
    'en'
    """
    if explicit is not None:
        if explicit not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {explicit!r}")
        return explicit
    env = os.environ if environ is None else environ
    chosen = (env.get("CHAINGRAPH_LANG") or "").strip().lower()[:2]
    if chosen in LANGUAGES:
        return chosen
    return locale_language(env) or "en"


def translation(lang: str) -> gettext.NullTranslations:
    """The gettext translation of ``lang`` (English: the msgids themselves).

    Raises
    ------
    ValueError
        If ``lang`` is not ``"zh"`` or ``"en"``.

    Example
    -------
    >>> translation("zh").gettext("errors")
    '错误'
    """
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}, got {lang!r}")
    if lang == "en":
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=str(LOCALEDIR), languages=[_CATALOGUE[lang]], fallback=True)


def set_language(lang: str | None = None) -> str:
    """Select the message language (see :func:`resolve_language`) for this process and return it.

    Raises
    ------
    ValueError
        If ``lang`` is given and is not ``"zh"`` or ``"en"``.

    Example
    -------
    >>> set_language("en")
    'en'
    """
    lang = resolve_language(lang)
    _state["lang"], _state["tr"] = lang, translation(lang)
    return lang


def current_language() -> str:
    """The selected message language (resolved from the environment if none was selected yet).

    Raises
    ------
    None
        Never.

    Example
    -------
    >>> set_language("zh"); current_language()
    'zh'
    'zh'
    """
    if _state["lang"] is None:
        set_language()
    return _state["lang"]


def _(message: str) -> str:
    """``message`` in the selected language (the English msgid when it has no translation).

    Raises
    ------
    None
        Never.

    Example
    -------
    >>> set_language("zh"); _("warnings")
    'zh'
    '警告'
    """
    current_language()
    return _state["tr"].gettext(message) if message else message
