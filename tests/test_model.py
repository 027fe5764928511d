"""The model is consistent, and the README's dataset format is generated from it."""

from __future__ import annotations

from chaingraph.docs import BEGIN, END, dataset_format_markdown
from chaingraph.model import ENUMS, LOAD_ORDER, NODE_LABELS, REL_TYPES, TABLES, header_map, normalise_header

from .conftest import ROOT


def test_load_order_covers_every_table_and_respects_foreign_keys():
    assert sorted(LOAD_ORDER) == sorted(TABLES)
    seen: set[str] = set()
    for name in LOAD_ORDER:
        for fk in TABLES[name].foreign_keys:
            assert fk.target == "@regions" or fk.target in seen or fk.target == name, (name, fk.target)
            for c in fk.columns:
                assert c in TABLES[name].columns
        seen.add(name)


def test_keys_are_fields_and_labels_types_are_listed():
    for t in TABLES.values():
        assert set(t.key) <= set(t.columns), t.name
        assert (t.label is None) != (t.rel_type is None), t.name
        if t.label:
            assert t.label in NODE_LABELS
        if t.rel_type:
            assert t.rel_type in REL_TYPES and t.source and t.target
            assert t.source[0] in t.columns and t.target[0] in t.columns


def test_no_header_alias_maps_to_two_columns():
    for t in TABLES.values():
        seen: dict[str, str] = {}
        for f in t.fields:
            for a in (f.name, f.zh, *f.aliases):
                key = normalise_header(a)
                assert seen.setdefault(key, f.name) == f.name, (t.name, a, seen[key], f.name)
        assert header_map(t)["统一社会信用代码"] == "uscc" if "uscc" in t.columns else True


def test_enum_spellings_are_unambiguous():
    for name, values in ENUMS.items():
        seen: dict[str, str] = {}
        for canon, spellings in values.items():
            for s in (canon, *spellings):
                assert seen.setdefault(s.lower(), canon) == canon, (name, s)


def test_readme_dataset_format_is_current():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split(BEGIN, 1)[1].split(END, 1)[0]
    assert section.strip() == dataset_format_markdown().strip(), "run python scripts/update_readme.py"
