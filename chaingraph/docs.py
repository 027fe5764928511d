"""Documentation generated from the model, so the README never drifts from the code.

``python -m chaingraph.docs`` prints the dataset-format section; the README
holds it between ``<!-- model:begin -->`` and ``<!-- model:end -->`` and a
test checks that it is current.

Example
-------
>>> "enterprises" in dataset_format_markdown()
True
"""

from __future__ import annotations

from chaingraph.model import ENUMS, LOAD_ORDER, TABLES

BEGIN = "<!-- model:begin -->"
END = "<!-- model:end -->"

_TYPE_TEXT = {
    "id": "text id", "text": "text", "uscc": "credit code (18)", "stock_code": "stock code (600373 → 600373.SH)",
    "firm_ref": "enterprise: id, credit code, stock code or full name", "adcode": "GB/T 2260 code or region name",
    "int": "integer", "float": "number", "money": "amount, 万元 (元/万/亿 understood)", "date": "date",
    "bool": "yes/no (是/否)", "enum": "one of",
    "enum_set": "any of (、 ; , separated)",
}


def dataset_format_markdown() -> str:
    """Markdown tables of every table and column of a dataset, from :mod:`chaingraph.model`.

    Raises
    ------
    Nothing.

    Example
    -------
    >>> dataset_format_markdown().count("###") == len(TABLES)
    True
    """
    out: list[str] = []
    for name in LOAD_ORDER:
        t = TABLES[name]
        what = f"node `{t.label}`" if t.label else f"relationship `{t.rel_type}`"
        if t.rel_type and t.source and t.target:
            what += f" ({t.source[1]} → {t.target[1]})"
        req = "required" if t.required else "optional"
        names = " / ".join(f"`{a}`" for a in (t.zh, *t.aliases) if a)
        out.append(f"### `{name}.csv` — {t.zh} ({what}; {req})\n")
        if t.doc:
            out.append(t.doc + "\n")
        out.append(f"Also recognised as: {names}. Key: `{', '.join(t.key)}`.\n")
        out.append("| column | 中文表头 (accepted aliases) | type | required |")
        out.append("|---|---|---|---|")
        for f in t.fields:
            typ = _TYPE_TEXT.get(f.type, f.type)
            if f.enum:
                typ += " " + ", ".join(f"`{k}` ({v[0]})" for k, v in ENUMS[f.enum].items())
            if f.minimum is not None or f.maximum is not None:
                typ += f", {f.minimum if f.minimum is not None else ''}–{f.maximum if f.maximum is not None else ''}"
            aliases = "、".join(dict.fromkeys(a for a in (f.zh, *f.aliases) if a))
            out.append(f"| `{f.name}` | {aliases} | {typ} | {'yes' if f.required else ''} |")
        fks = [f"`{', '.join(fk.columns)}` → "
               + ("GB/T 2260" if fk.target == "@regions" else f"`{fk.target}.{', '.join(fk.target_columns)}`")
               for fk in t.foreign_keys]
        if fks:
            out.append("\nReferences: " + "; ".join(fks) + ".")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(dataset_format_markdown())
