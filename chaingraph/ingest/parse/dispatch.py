"""The parser per field type (:data:`PARSERS`) and :func:`parse_field`, which applies a field's bounds or enumeration.

Example
-------
>>> parse_field(pd.Series(["3", "9"]), model.TABLES["observations"].field("severity")).reason.tolist()
[nan, 'out_of_range']
"""

from __future__ import annotations

import pandas as pd

from chaingraph import model
from chaingraph.ingest.parse._base import Parsed
from chaingraph.ingest.parse.choices import parse_bool, parse_enum, parse_enum_set
from chaingraph.ingest.parse.dates import parse_date
from chaingraph.ingest.parse.numbers import parse_float, parse_int, parse_money
from chaingraph.ingest.parse.text import parse_id, parse_text

PARSERS = {
    "text": parse_text,
    "id": parse_id,
    "int": parse_int,
    "float": parse_float,
    "money": parse_money,
    "date": parse_date,
    "bool": parse_bool,
    "enum": parse_enum,
    "enum_set": parse_enum_set,
}
"""Parser per field type (``uscc`` and ``adcode`` have their own modules)."""


def parse_field(s: pd.Series, field: model.Field) -> Parsed:
    """Parse a column with the parser for ``field.type``, applying its bounds or enumeration.

    Parameters
    ----------
    s : pandas.Series
        Raw cells of the column.
    field : chaingraph.model.Field
        The column's definition.

    Returns
    -------
    Parsed

    Raises
    ------
    TypeError
        If ``s`` is not a Series.
    ValueError
        If the field type is ``uscc`` or ``adcode`` (parsed elsewhere) or unknown, or an enum field
        names no known enumeration.

    Example
    -------
    >>> f = model.TABLES["observations"].field("severity")
    >>> parse_field(pd.Series(["3", "9"]), f).reason.tolist()
    [nan, 'out_of_range']
    """
    t = field.type
    if t in ("int", "float", "money"):
        return PARSERS[t](s, minimum=field.minimum, maximum=field.maximum)
    if t in ("enum", "enum_set"):
        if not field.enum:
            raise ValueError(f"field {field.name!r} is an enum without an enumeration name")
        return PARSERS[t](s, field.enum)
    if t in ("text", "id", "date", "bool"):
        return PARSERS[t](s)
    if t in ("stock_code", "firm_ref"):
        # read as ids here (blanks and explicit unknowns handled like every id); the validator then
        # normalises stock codes (chaingraph.ingest.firms) and resolves firm references to enterprise ids
        return PARSERS["id"](s)
    if t in ("uscc", "adcode"):
        raise ValueError(f"field {field.name!r} has type {t!r}, which is parsed by its own module, not chaingraph.parse")
    raise ValueError(f"field {field.name!r} has unknown type {t!r}; known: {', '.join(model.FIELD_TYPES)}")
