#!/usr/bin/env python3
"""Append the ledger columns (schema 3) to the pilot samples' ``assistance.csv`` (合成数据，仅供演示).

``scripts/make_datasets.py`` does not reproduce the committed samples byte for byte any more (its writers
still use the v1 ``uscc`` headers), so the new assistance columns — ``ended``, ``effects``, ``satisfaction``,
``certified_after`` and the before / after ``revenue`` / ``output`` / ``profit_margin`` — are appended to the
committed files instead (and to the 帮扶台账 sheet of ``shangyu-umbrella-xlsx``, which must equal its CSV
edition), leaving every other file untouched. Deterministic: one ``random.Random`` per
dataset, seeded with its name; no clock. Running it twice gives the same files (columns already present are
recomputed from the original seven).

Usage::

    python scripts/samples/ledger_columns.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

DATASETS = Path(__file__).resolve().parents[2] / "datasets"
PILOTS = ("wuxing-childrenswear", "anping-wiremesh", "shangyu-umbrella")
BASE = ["body_id", "uscc", "problem_id", "dimension", "started", "status", "outcome"]
NEW = ["ended", "effects", "satisfaction", "certified_after", "revenue_before", "revenue_after", "output_before",
       "output_after", "profit_margin_before", "profit_margin_after"]

# effect categories by assistance dimension (the 2022 evaluation report's eleven), most likely first
EFFECTS = {
    "标准": ["管理制度更加规范完善", "产品质量水平提升", "质量意识提升", "市场信用增加"],
    "检验检测": ["产品质量水平提升", "客户满意度提升", "质量意识提升", "成本下降"],
    "认证": ["管理制度更加规范完善", "质量意识提升", "市场信用增加", "经营业绩提升", "数字化智能化水平提升"],
    "质量管理": ["质量意识提升", "工艺流程更加优化", "工作环境更加整洁安全", "成本下降", "产品质量水平提升"],
    "计量": ["工艺流程更加优化", "产品质量水平提升", "数字化智能化水平提升", "创新能力提升"],
}


def ledger_values(rng: random.Random, row: dict[str, str], last_day: dt.date) -> dict[str, str]:
    """The new columns of one record, from its dimension and status; no end date after ``last_day``."""
    status, dim = row["status"], row["dimension"]
    out = dict.fromkeys(NEW, "")
    started = dt.date.fromisoformat(row["started"])
    if status == "resolved":
        out["ended"] = min(last_day, started + dt.timedelta(days=rng.randint(30, 240))).isoformat()
    if status in ("resolved", "improving") and rng.random() < (0.9 if status == "resolved" else 0.5):
        pool = EFFECTS.get(dim, EFFECTS["质量管理"])
        out["effects"] = "、".join(rng.sample(pool, rng.randint(1, min(3, len(pool)))))
    if status == "resolved" or (status == "improving" and rng.random() < 0.4):
        out["satisfaction"] = rng.choices(["满意", "基本满意", "不满意"], [0.75, 0.2, 0.05])[0]
    if dim == "认证" and status == "resolved":
        out["certified_after"] = "是"
    elif dim == "认证" and status == "improving":
        out["certified_after"] = "否"
    if status == "resolved" and rng.random() < 0.5:
        rev = round(rng.uniform(150, 3000), 1)
        out["revenue_before"], out["revenue_after"] = f"{rev}", f"{round(rev * rng.uniform(0.98, 1.15), 1)}"
        outp = round(rev * rng.uniform(0.8, 1.1), 1)
        out["output_before"], out["output_after"] = f"{outp}", f"{round(outp * rng.uniform(0.98, 1.15), 1)}"
        pm = round(rng.uniform(2.0, 12.0), 1)
        out["profit_margin_before"], out["profit_margin_after"] = f"{pm}", f"{round(pm + rng.uniform(-0.5, 2.0), 1)}"
    return out


def rewrite(path: Path, seed: str) -> int:
    """Rewrite one ``assistance.csv`` with the new columns; returns the records written."""
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    rng = random.Random(seed)
    last_day = max(dt.date.fromisoformat(r["started"]) for r in rows)  # the file's latest start: never after the data date
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=BASE + NEW, lineterminator="\n")
    w.writeheader()
    for row in rows:
        w.writerow({**{c: row[c] for c in BASE}, **ledger_values(rng, row, last_day)})
    path.write_text(buf.getvalue(), encoding="utf-8")
    return len(rows)


def rewrite_workbook(path: Path, csv_path: Path) -> int:
    """Give the workbook edition's 帮扶台账 sheet the same new columns as ``csv_path`` (Chinese headers, typed
    cells), keeping it equal to the CSV edition; returns the records written."""
    import openpyxl

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from chaingraph.model import TABLES
    from samples.build.writers import normalise_xlsx

    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    wb = openpyxl.load_workbook(path)
    ws = wb["帮扶台账"]
    assert ws.max_row - 1 == len(rows), (ws.max_row, len(rows))
    first = len(BASE) + 1
    for j, col in enumerate(NEW, start=first):
        ws.cell(row=1, column=j, value=TABLES["assistance"].field(col).zh)
    for i, row in enumerate(rows, start=2):
        assert ws.cell(row=i, column=2).value == row["uscc"], (i, row["uscc"])
        for j, col in enumerate(NEW, start=first):
            v, kind = row[col], TABLES["assistance"].field(col).type
            cell = ws.cell(row=i, column=j, value=None)
            if v == "":
                continue
            if kind == "date":
                cell.value, cell.number_format = dt.datetime.fromisoformat(v), "yyyy-mm-dd"
            elif kind in ("money", "float"):
                cell.value = float(v)
            else:
                cell.value, cell.number_format = v, "@"
    wb.properties.modified = dt.datetime(2024, 12, 31)
    wb.save(path)
    normalise_xlsx(path)
    return len(rows)


def main() -> None:
    for name in PILOTS:
        n = rewrite(DATASETS / name / "assistance.csv", f"ledger-{name}")
        print(f"{name}/assistance.csv: {n} records, columns {', '.join(NEW)}")
    n = rewrite_workbook(DATASETS / "shangyu-umbrella-xlsx" / "伞业数据.xlsx",
                         DATASETS / "shangyu-umbrella" / "assistance.csv")
    print(f"shangyu-umbrella-xlsx/伞业数据.xlsx [帮扶台账]: {n} records, the same columns")


if __name__ == "__main__":
    main()
