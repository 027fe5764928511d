"""Shared fixtures: a tiny hand-checked dataset, and the bundled sample datasets.

The ``tiny`` dataset (two chains, ten firms) is small enough that every
expected answer in ``tests/test_queries.py`` is worked out by hand in comments
there. Firms E1..E10::

    E1 面料 micro 330502   E2 印染 small 330502   E3 印染 micro 330502
    E4 缝制 medium 330502 (designated leader, ISO 9001)   E5 缝制 micro 330502
    E6 缝制 small 330502 (qms_certified)   E7 销售 micro 330502
    E8 印染 micro 330503 (南浔区, same city)   E9 编织 small 131125   E10 拔丝 micro 131125

Supply (supplier → customer): E1→E2, E1→E3, E2→E4, E3→E5, E2→E6, E4→E7, E6→E7,
E7→E1 (a cycle), E8→E4, E10→E9.

Every tiny firm has a credit code, so its enterprise ``id`` is that code (``uscc(i)``); the relationship
tables name firms by it (``enterprise_id``, ``supplier_id``, ``customer_id``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chaingraph.ingest.codes import make_uscc

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "datasets"
SAMPLES = ["wuxing-childrenswear", "anping-wiremesh", "shangyu-umbrella", "shangyu-umbrella-xlsx"]

REGION = {1: "330502", 2: "330502", 3: "330502", 4: "330502", 5: "330502", 6: "330502", 7: "330502",
          8: "330503", 9: "131125", 10: "131125"}


def uscc(i: int) -> str:
    """Credit code of tiny firm Ei."""
    return make_uscc(REGION[i], f"MA{i:06d}")


def _write(path: Path, header: str, rows: list[str]) -> None:
    path.write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")


def write_tiny(root: Path) -> Path:
    """Write the tiny dataset into ``root`` and return it."""
    root.mkdir(parents=True, exist_ok=True)
    _write(root / "chains.csv", "id,name,industry_code", ["kids,童装,1819", "mesh,丝网,3340"])
    _write(root / "segments.csv", "id,chain_id,name,stage,order,key_link", [
        "fab,kids,面料,upstream,1,false", "dye,kids,印染,upstream,2,true", "sew,kids,缝制,midstream,3,true",
        "sell,kids,销售,downstream,4,false", "wire,mesh,拔丝,upstream,1,false", "weave,mesh,编织,midstream,2,true"])
    seg = {1: "fab", 2: "dye", 3: "dye", 4: "sew", 5: "sew", 6: "sew", 7: "sell", 8: "dye", 9: "weave", 10: "wire"}
    size = {1: "micro", 2: "small", 3: "micro", 4: "medium", 5: "micro", 6: "small", 7: "micro", 8: "micro",
            9: "small", 10: "micro"}
    _write(root / "enterprises.csv",
           "id,uscc,name,region_code,segment_id,size,employees,revenue,founded,qms_certified", [
        f"{uscc(i)},{uscc(i)},企业E{i},{REGION[i]},{seg[i]},{size[i]},{10 * i},{100 * i},2015-01-01,{'true' if i == 6 else 'false'}"
        for i in range(1, 11)])
    _write(root / "problems.csv", "id,name,category,kind,standard_ref,benchmark_id", [
        "P1,色牢度不达标,technology,pain,GB 18401-2010,B1", "P2,质量管理体系缺失,management,blockage,,",
        "P3,检测能力不足,infrastructure,difficulty,,", "P4,镀锌层不均,technology,pain,,"])
    _write(root / "benchmarks.csv", "id,metric,unit,domestic_advanced,international_advanced,higher_is_better", [
        "B1,色牢度,级,4.0,4.5,true", "B2,甲醛含量,mg/kg,20,16,false"])
    _write(root / "measurements.csv", "enterprise_id,benchmark_id,value,measured_on", [
        f"{uscc(2)},B1,3.5,2024-01-01", f"{uscc(2)},B1,4.0,2024-06-01", f"{uscc(3)},B1,3.0,2024-01-01",
        f"{uscc(2)},B2,25,2024-01-01", f"{uscc(3)},B2,15,2024-01-01"])
    _write(root / "observations.csv", "enterprise_id,problem_id,severity,source,observed_on,status", [
        f"{uscc(2)},P1,4,survey,2024-01-10,open",
        f"{uscc(3)},P1,2,audit,2024-02-01,improving",
        f"{uscc(3)},P1,3,survey,2024-03-01,open",
        f"{uscc(4)},P1,5,spot_check,2024-01-05,resolved",
        f"{uscc(8)},P1,4,survey,2024-01-01,open",
        f"{uscc(5)},P2,2,survey,2024-01-01,open",
        f"{uscc(6)},P2,2,survey,2024-01-01,open",
        f"{uscc(7)},P2,3,complaint,2024-01-01,open",
        f"{uscc(1)},P3,1,survey,2024-01-01,open",
        f"{uscc(9)},P4,3,survey,2024-01-01,open"])
    edges = [(1, 2, "布"), (1, 3, "布"), (2, 4, "染布"), (3, 5, "染布"), (2, 6, "染布"), (4, 7, "童装"), (6, 7, "童装"),
             (7, 1, "包装袋"), (8, 4, "染布"), (10, 9, "钢丝")]
    _write(root / "supplies.csv", "supplier_id,customer_id,product,value",
           [f"{uscc(a)},{uscc(b)},{p},10" for a, b, p in edges])
    _write(root / "leaders.csv", "enterprise_id,chain_id,region_code,since", [f"{uscc(4)},kids,330502,2022-01-01"])
    _write(root / "cert_bodies.csv", "id,name", ["CB1,测试认证中心"])
    _write(root / "certifications.csv", "enterprise_id,body_id,standard,cert_no,issued,expires",
           [f"{uscc(4)},CB1,ISO 9001,C-0001,2023-01-01,2026-01-01"])
    return root


@pytest.fixture(scope="session")
def tiny_dir(tmp_path_factory) -> Path:
    return write_tiny(tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def tiny(tiny_dir):
    from chaingraph.graph import ChainGraph

    g = ChainGraph.from_dataset(tiny_dir)
    assert g.validation.ok, g.validation.issues
    return g


@pytest.fixture(scope="session")
def wuxing():
    from chaingraph.graph import ChainGraph

    return ChainGraph.from_dataset(DATASETS / "wuxing-childrenswear")
