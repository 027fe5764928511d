"""``defects-missing-table``: the one defect that cannot share a folder with the others (a required table
missing)."""

from __future__ import annotations

from pathlib import Path

from samples.build.writers import fresh_folder, raw_csv, write_expected

FOLDER = "defects-missing-table"


MISSING_TABLE_README = """# defects-missing-table — a required table is missing / 缺少必需的数据表

> **合成数据，仅供演示 / synthetic, for demonstration.** The one planted defect that cannot share the
> `defects` folder: the dataset has `chains.csv` and `segments.csv` but no enterprise table, so the
> validator must report `missing_table` for `enterprises` (file `enterprises.csv`). Nothing else refers
> to enterprises here, so there is no cascade. `expected.csv` (same layout as in `../defects/`) also
> lists itself as `unknown_table`, being a CSV that matches no table.
"""


def build_missing_table(folder: Path) -> list[tuple]:
    folder.mkdir(parents=True, exist_ok=True)
    raw_csv(folder / "chains.csv", ["id", "name", "industry_code"], [["childrenswear", "童装", "1819"]])
    raw_csv(folder / "segments.csv", ["id", "chain_id", "name", "stage", "order", "key_link"], [
        ["cw-fabric", "childrenswear", "面料辅料", "upstream", "1", "false"],
        ["cw-sewing", "childrenswear", "裁剪缝制", "midstream", "2", "true"],
    ])
    (folder / "README.md").write_text(MISSING_TABLE_README, encoding="utf-8")
    return [("enterprises.csv", "", "", "missing_table", "", "required table enterprises is missing"),
            ("expected.csv", "", "", "unknown_table", "", "this very list")]



def write(folder: Path) -> list[tuple]:
    """Write the dataset, ``expected.csv`` and README.md; return the expected issues."""
    fresh_folder(folder)
    exp = build_missing_table(folder)
    write_expected(folder, exp)
    return exp
