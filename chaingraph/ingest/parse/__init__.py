"""Cell parsers: raw spreadsheet cells to typed values, with a reason for every cell that does not parse.

Every parser takes a :class:`pandas.Series` of raw cells and returns a :class:`Parsed`
triple ``(values, reason, message)`` on the same index. The guarantee: a cell is either

* **blank** (NA, ``None``, NaN, ``''`` or only white space, full-width spaces included): value missing,
  no reason (required columns are checked by the validator, not here);
* **parsed**: the value is set, possibly with a *warning* reason (``date_partial``); or
* **reported**: the value is missing and the reason is set (``value_unknown`` for an explicit
  missing marker such as ``不详`` or ``—``, otherwise an error code from :mod:`chaingraph.reasons`).

Nothing becomes missing silently: for every non-blank cell ``values`` is set or ``reason`` is set.
A cell with an *error* reason never carries a value (``out_of_range`` included), so the typed
values can be used as they are once the flagged rows are dropped.

Cells may be text (CSV, or XLSX text cells) or Python objects straight from an XLSX reader
(``int``, ``float``, ``bool``, ``datetime``, ``date``, :class:`pandas.Timestamp`, numpy scalars,
``Decimal``) in an object Series; typed Series (``str``, ``category``, ``Int64``, ``float64``,
``datetime64``, ``boolean``...) work too. Anything else (a list, a ``time``, ...) is reported,
or rendered with ``str()`` in a text column, and never raised on.

Performance: a column is factorised once (pyarrow dictionary encoding for text), only the
*unique* cells are parsed, and the results are taken back to the full column. A large text column
whose random sample of 20,000 cells has no repeats is parsed cell by cell instead, which is
cheaper than hashing it. Text is parsed with vectorised pyarrow kernels (RE2 regular expressions,
casts); plain numbers (``1200``, ``1,200``, ``1200万元``) take a cheaper fast path than the full
grammar. Python-level loops run only over *unique non-text objects* of unusual types, over the
few unique cells holding full-width characters, and over the rows of an object column that mixes
types (to split ``True`` from ``1``, see below).

Decisions (where the brief left room)
-------------------------------------
* Full-width ASCII (``１２００``, ``，``, ``．``, ``％``, ``Ｎ/Ａ``), U+3000 and no-break spaces, the minus
  sign U+2212 and ``￥`` are folded to their ASCII forms before parsing numbers, dates, booleans and
  enums. NFKC is *not* used: it would turn ``10²`` into ``102``.
* Numbers: thousands separators must group by three (``1,200`` and ``1,234,567.5``; ``1,2,00`` is
  ``number_invalid``, as is ``1.234,5``). ``int`` accepts an optional unit ``人`` (``50人``) and
  ``12.0``; it rejects ``12.5``, exponents and percents. ``float`` accepts exponents (``1e3``) and
  a trailing ``%`` kept in percent units (``95%`` is ``95.0``). Approximations (``约50人``,
  ``50余人``, ``50+``, ``>50``), ranges (``50-100``) and Chinese numerals (``十二万``) are
  ``number_invalid`` with a message saying so: the guarantee forbids guessing.
* Money is stored in 万元. Units: ``元``, ``千``/``千元``, ``万``/``万元``, ``十万``, ``百万``, ``千万``,
  ``亿``/``亿元``, ``万亿`` (each with or without ``元``); no unit means the column unit (万元).
  ``￥``/``¥``/``RMB``/``CNY``/``人民币`` may prefix (or ``人民币`` suffix) the amount, but a currency
  sign *without* a unit (``￥1200``) is ambiguous (yuan, or the column's 万元?) and is
  ``number_invalid``. Foreign currencies are ``number_invalid``. Unit scaling is exact in decimal
  (``1.2亿`` is exactly ``12000.0``, not ``12000.000000000002``).
* Dates are day precision, dtype ``datetime64[s]``; years must lie in 1800–2199 (so a pasted region
  code ``330502`` is not read as February 3305, and a ``9999-12-31`` "never expires" sentinel is
  reported rather than stored). Separators ``-``, ``/``, ``.`` must agree within one date. A time
  part (``2023-05-01 08:00``, ``...T08:00:00Z``, ``+08:00``) is validated and dropped: the date is
  taken as written, offsets are not applied. ``202305`` (six digits) is a partial month.
  Day-first / month-first forms (``5/1/2023``), two-digit years and relative words (``明年``) are
  ``date_invalid``. A *non-integral* number outside the Excel serial range (``2023.5`` as an XLSX
  number) is ``date_invalid``: as a number ``2023.10`` has become ``2023.1``; the same text
  ``"2023.5"`` is May 2023 (``date_partial``).
* Booleans: :data:`~chaingraph.model.BOOL_TRUE` / ``BOOL_FALSE`` case-insensitively, plus numeric
  cells equal to 1/0, ``True``/``False`` and the texts ``1.0``/``0.0``.
* Enums: case-insensitive, surrounding white space stripped, inner runs of white space collapsed.
* Text and ids: stripped of surrounding white space (full-width, no-break, zero-width, BOM);
  interior text is kept verbatim (an inner U+3000 stays). A numeric XLSX cell is rendered as the
  analyst saw it: a float with an integral value below 2**63 as an integer (``123.0`` -> ``"123"``),
  other floats by their shortest round-trip form (``12.5``, ``1e+20``); a ``datetime`` as
  ``YYYY-MM-DD`` at midnight, else ``YYYY-MM-DD HH:MM:SS[.ffffff]`` (wall-clock, any time zone
  dropped); ``True`` as ``"TRUE"``. Text cells are never reinterpreted (``"123.0"`` stays
  ``"123.0"``). A lone surrogate (impossible to store as UTF-8) is replaced by U+FFFD.
* Missing markers (:data:`~chaingraph.model.MISSING_MARKERS`) are matched on the whole cell,
  case-insensitively and after full-width folding (``Ｎ/Ａ``, ``－``), for every type, text
  included. ``-`` is a marker, ``-3.2`` is a number.
* A ``bool`` object in a number or date column is reported, not read as 1/0. (pandas factorises
  ``True`` and ``1`` as one value; the parsers split cells of different types again, so a column
  parses exactly as its cells would one by one.)

Example
-------
>>> import pandas as pd
>>> p = parse_money(pd.Series(["1,200万元", "1.2亿", "3000000元", "不详", "", "十二万"]))
>>> p.values.tolist()
[1200.0, 12000.0, 300.0, <NA>, <NA>, <NA>]
>>> p.reason.tolist()
[nan, nan, nan, 'value_unknown', nan, 'number_invalid']

Modules
-------
The parsers are split by topic; import them from here.

* :mod:`~chaingraph.ingest.parse.text` — :func:`parse_text`, :func:`parse_id`, :func:`is_blank`
* :mod:`~chaingraph.ingest.parse.numbers` — :func:`parse_int`, :func:`parse_float`, :func:`parse_money`
* :mod:`~chaingraph.ingest.parse.dates` — :func:`parse_date`
* :mod:`~chaingraph.ingest.parse.choices` — :func:`parse_bool`, :func:`parse_enum`
* :mod:`~chaingraph.ingest.parse.dispatch` — :data:`PARSERS`, :func:`parse_field`
* private machinery: ``_base`` (reason codes, folding, :class:`Parsed`), ``_arrow`` (pyarrow text
  helpers), ``_factorise`` (unique cells, the sample), ``_rendering`` (non-text cells as text),
  ``_accumulate`` (per-unique results back to the column)
"""

from chaingraph.ingest.parse._base import _WS as _WS
from chaingraph.ingest.parse._base import BOOL_INVALID as BOOL_INVALID
from chaingraph.ingest.parse._base import DATE_INVALID as DATE_INVALID
from chaingraph.ingest.parse._base import DATE_PARTIAL as DATE_PARTIAL
from chaingraph.ingest.parse._base import ENUM_INVALID as ENUM_INVALID
from chaingraph.ingest.parse._base import NUMBER_INVALID as NUMBER_INVALID
from chaingraph.ingest.parse._base import OUT_OF_RANGE as OUT_OF_RANGE
from chaingraph.ingest.parse._base import VALUE_UNKNOWN as VALUE_UNKNOWN
from chaingraph.ingest.parse._base import Parsed
from chaingraph.ingest.parse.choices import parse_bool, parse_enum
from chaingraph.ingest.parse.dates import DATE_MAX_YEAR, DATE_MIN_YEAR, EXCEL_SERIAL_MAX, EXCEL_SERIAL_MIN, parse_date
from chaingraph.ingest.parse.dispatch import PARSERS, parse_field
from chaingraph.ingest.parse.numbers import parse_float, parse_int, parse_money
from chaingraph.ingest.parse.text import is_blank, parse_id, parse_text

__all__ = [
    "Parsed",
    "is_blank",
    "parse_text",
    "parse_id",
    "parse_int",
    "parse_float",
    "parse_money",
    "parse_date",
    "parse_bool",
    "parse_enum",
    "parse_field",
    "PARSERS",
    "DATE_MIN_YEAR",
    "DATE_MAX_YEAR",
    "EXCEL_SERIAL_MIN",
    "EXCEL_SERIAL_MAX",
]
