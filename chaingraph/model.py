"""The chain-quality data model, defined once.

Every other part of chaingraph (validation, the embedded graph, the store, the
Neo4j backend, the docs) reads the model from here: node labels, relationship
types, the tables that hold them, their fields with types and enums, keys and
foreign keys, and the Chinese header aliases analysts use.

A dataset is a folder of tables. Each table holds one node label or one
relationship type. One-to-many relationships are folded into a foreign-key
column of the child table, the usual columnar layout:

* ``PART_OF`` (Segment → Chain) is ``segments.chain_id``;
* ``LOCATED_IN`` (Enterprise → Region) is ``enterprises.region_code``;
* ``WITHIN`` (Region → Region) is derived from the GB/T 2260 code itself.

``OPERATES_IN`` has its own table (``operates_in``) because a firm can work in
several segments; an enterprise sheet may also carry a ``segment_id`` column
as a shortcut, which validation turns into ``operates_in`` rows.

Example
-------
>>> from chaingraph.model import TABLES
>>> TABLES["enterprises"].key
('id',)
>>> TABLES["observations"].rel_type
'HAS_PROBLEM'
"""

from __future__ import annotations

from dataclasses import dataclass, field

SCHEMA_VERSION = 3
"""Version of the table layout; a store written under another version is refused."""

# ---------------------------------------------------------------------------
# Enumerations: canonical value -> accepted spellings (Chinese first).
# Matching is case-insensitive and ignores surrounding white space.
# ---------------------------------------------------------------------------

ENUMS: dict[str, dict[str, tuple[str, ...]]] = {
    "size": {
        "micro": ("微型", "微型企业", "微", "微企"),
        "small": ("小型", "小型企业", "小", "小企"),
        "medium": ("中型", "中型企业", "中"),
        "large": ("大型", "大型企业", "大"),
        "unknown": ("规模不详", "不详规模"),
    },
    "stage": {
        "upstream": ("上游",),
        "midstream": ("中游",),
        "downstream": ("下游",),
    },
    "category": {
        "technology": ("质量技术", "技术"),
        "management": ("质量管理", "管理"),
        "infrastructure": ("质量基础设施", "基础设施", "NQI"),
    },
    "kind": {
        "difficulty": ("难点",),
        "pain": ("痛点",),
        "blockage": ("堵点",),
    },
    "source": {
        "survey": ("调查", "问卷", "问卷调查", "调研", "走访"),
        "audit": ("审核", "认证审核", "审核发现"),
        "spot_check": ("抽查", "监督抽查", "抽检", "spot check", "spot-check"),
        "complaint": ("投诉", "举报", "消费者投诉"),
    },
    "status": {
        "open": ("未解决", "待解决", "未整改", "开放"),
        "improving": ("整改中", "改进中", "帮扶中", "进行中"),
        "resolved": ("已解决", "已整改", "已完成", "关闭"),
    },
    "region_source": {
        "given": ("填报", "给定"),
        "inferred": ("推断", "由名称推断", "由地址推断"),
    },
    "id_source": {
        "uscc": ("统一社会信用代码",),
        "stock_code": ("证券代码",),
        "given": ("企业编号",),
        "name": ("企业名称",),
    },
    "effect": {  # the eleven effect categories of the 2022 evaluation report, in its order
        "awareness": ("质量意识提升",), "management": ("管理制度更加规范完善", "管理制度规范完善"),
        "environment": ("工作环境更加整洁安全", "工作环境整洁安全"), "process": ("工艺流程更加优化", "工艺流程优化"),
        "product_quality": ("产品质量水平提升", "产品质量提升"), "customer_satisfaction": ("客户满意度提升",),
        "innovation": ("创新能力提升",), "performance": ("经营业绩提升",), "cost": ("成本下降", "成本降低"),
        "credit": ("市场信用增加",), "digital": ("数字化智能化水平提升", "数字化水平提升"),
    },
    "satisfaction": {"satisfied": ("满意", "非常满意"), "fair": ("基本满意",), "dissatisfied": ("不满意",)},
    "target_metric": {
        "firms_assisted": ("精准帮扶小微企业数", "帮扶小微企业数", "帮扶企业数"),
        "satisfaction_rate": ("企业满意率", "满意率", "满意度"),
        "problems_solved": ("解决产业链质量问题数", "解决问题数", "产业链质量问题解决数"),
    },
    "region_level": {
        "province": ("省", "省级"),
        "city": ("市", "地级", "市级"),
        "county": ("县", "区县", "县级"),
    },
}

ENUM_ZH: dict[str, dict[str, str]] = {
    name: {canon: spellings[0] for canon, spellings in values.items()}
    for name, values in ENUMS.items()
}
"""Chinese display label of every enum value, e.g. ``ENUM_ZH["size"]["micro"] == "微型"``."""

BOOL_TRUE = ("true", "t", "yes", "y", "1", "是", "有", "已认证", "通过", "√", "✓")
BOOL_FALSE = ("false", "f", "no", "n", "0", "否", "无", "未认证", "未通过", "×", "✗")

MISSING_MARKERS = ("—", "–", "―", "-", "--", "——", "/", "不详", "未知", "无数据", "暂无", "不适用", "n/a", "na", "N/A",
                   "#N/A", "nan", "null", "None")
"""Cell texts that explicitly mean "unknown". They become a missing value *with a
warning* (never silently); in a required column they are an error."""

# Field types understood by the validator.
FIELD_TYPES = (
    "id",  # free text key, kept verbatim (trimmed)
    "text",
    "uscc",  # 18-char Unified Social Credit Code
    "stock_code",  # a security code, normalised to 600373.SH
    "firm_ref",  # a reference to an enterprise: its id, credit code, stock code or exact full name
    "adcode",  # six-digit GB/T 2260 division code (or a unique region name)
    "int",
    "float",
    "money",  # amount in 万元 (10k CNY); 元 / 万元 / 亿 units understood
    "date",
    "bool",
    "enum",
    "enum_set",  # several values of one enumeration in a cell (、 ; , separated), stored joined by 、
)


@dataclass(frozen=True)
class Field:
    """One column of a table.

    Parameters
    ----------
    name : str
        Canonical (English, snake_case) column name.
    type : str
        One of :data:`FIELD_TYPES`.
    required : bool
        A row without a value here is rejected.
    enum : str, optional
        Name of the enumeration in :data:`ENUMS` when ``type == "enum"``.
    aliases : tuple of str
        Header spellings accepted for this column (Chinese first).
    zh : str
        Chinese display name used in analyst-facing outputs.
    doc : str
        One-line English description for the README.
    minimum, maximum : float, optional
        Inclusive numeric bounds.
    unit : str, optional
        Unit of the stored value (e.g. ``"万元"``).
    """

    name: str
    type: str
    required: bool = False
    enum: str | None = None
    aliases: tuple[str, ...] = ()
    zh: str = ""
    doc: str = ""
    minimum: float | None = None
    maximum: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    """A column (or columns) that must match the key of another table.

    ``target`` is a table name, or ``"@regions"`` for the national GB/T 2260
    table shipped with chaingraph.
    """

    columns: tuple[str, ...]
    target: str
    target_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    """One table of a dataset: a node label or a relationship type.

    Parameters
    ----------
    name : str
        Canonical table (and file) name, e.g. ``"enterprises"``.
    label : str, optional
        Node label stored in this table.
    rel_type : str, optional
        Relationship type stored in this table.
    source, target : tuple of (column, label), optional
        For relationship tables: the endpoint columns and their node labels.
    fields : tuple of Field
    key : tuple of str
        Columns that identify a row; duplicates on the key are merged (if
        identical) or rejected (if they conflict).
    foreign_keys : tuple of ForeignKey
    required : bool
        Whether a dataset must contain this table.
    aliases : tuple of str
        Accepted file / sheet names besides the canonical one (Chinese first).
    zh : str
        Chinese display name.
    """

    name: str
    fields: tuple[Field, ...]
    key: tuple[str, ...]
    label: str | None = None
    rel_type: str | None = None
    source: tuple[str, str] | None = None
    target: tuple[str, str] | None = None
    foreign_keys: tuple[ForeignKey, ...] = ()
    required: bool = False
    aliases: tuple[str, ...] = ()
    zh: str = ""
    doc: str = ""
    _by_name: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", {f.name: f for f in self.fields})

    @property
    def columns(self) -> tuple[str, ...]:
        """Canonical column names in order."""
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        """Return the field called ``name``.

        Raises
        ------
        KeyError
            If the table has no such field.
        """
        return self._by_name[name]


def _f(name: str, type_: str, *aliases: str, **kw) -> Field:
    return Field(name=name, type=type_, aliases=aliases, **kw)


USCC = "uscc"
"""The Unified Social Credit Code property of an enterprise (optional since schema 2)."""
FIRM = "enterprise_id"
"""The column that refers to an enterprise (by its ``id``) in relationship tables."""
FIRM_ALIASES: tuple[str, ...] = ("企业编号", "企业代码", "统一社会信用代码", "信用代码", "社会信用代码", "USCC", "uscc",
                                 "证券代码", "股票代码", "企业名称", "企业", "公司名称")
"""Headers under which a relationship table may name its firm: by id, credit code, stock code or full name."""

TABLES: dict[str, Table] = {}


def _add(t: Table) -> None:
    TABLES[t.name] = t


_add(Table(
    name="regions", label="Region", key=("code",), zh="区域",
    aliases=("区域", "地区", "行政区划"),
    doc="Optional: regions to add or rename; every code must exist in GB/T 2260.",
    fields=(
        _f("code", "adcode", "区划代码", "行政区划代码", "地区代码", "代码", required=True, zh="区划代码",
           doc="six-digit GB/T 2260 code"),
        _f("name", "text", "名称", "区域名称", "地区名称", zh="名称", doc="display name"),
        _f("level", "enum", "级别", "层级", enum="region_level", zh="级别", doc="province / city / county"),
    ),
    foreign_keys=(ForeignKey(("code",), "@regions", ("code",)),),
))

_add(Table(
    name="chains", label="Chain", key=("id",), required=True, zh="产业链",
    aliases=("产业链", "产业链清单"),
    fields=(
        _f("id", "id", "产业链编号", "产业链代码", "编号", required=True, zh="产业链编号", doc="slug, e.g. childrenswear"),
        _f("name", "text", "产业链名称", "名称", "产业链", required=True, zh="产业链名称"),
        _f("industry_code", "text", "行业代码", "国民经济行业代码", "GB/T 4754", zh="行业代码",
           doc="GB/T 4754 industry code"),
    ),
))

_add(Table(
    name="segments", label="Segment", rel_type=None, key=("id",), required=True, zh="产业链环节",
    aliases=("环节", "产业链环节"),
    doc="One link of a chain; `chain_id` is the PART_OF relationship.",
    fields=(
        _f("id", "id", "环节编号", "环节代码", "编号", required=True, zh="环节编号"),
        _f("chain_id", "id", "产业链编号", "产业链", required=True, zh="产业链编号", doc="PART_OF → chains.id"),
        _f("name", "text", "环节名称", "名称", "环节", required=True, zh="环节名称"),
        _f("stage", "enum", "上中下游", "阶段", "位置", enum="stage", zh="上中下游",
           doc="derived from the flows when absent"),
        _f("order", "int", "顺序", "序号", "排序", minimum=0, zh="顺序",
           doc="position in flow order, upstream first; derived from the flows when absent"),
        _f("key_link", "bool", "关键环节", "是否关键环节", zh="关键环节"),
    ),
    foreign_keys=(ForeignKey(("chain_id",), "chains", ("id",)),),
))

_add(Table(
    name="segment_flows", rel_type="FEEDS", key=("from_segment", "to_segment"), zh="环节流向",
    aliases=("环节流向", "环节关系"),
    source=("from_segment", "Segment"), target=("to_segment", "Segment"),
    doc="Optional: FEEDS edges; when absent they follow `order` within each chain.",
    fields=(
        _f("from_segment", "id", "上游环节", "来源环节", required=True, zh="上游环节"),
        _f("to_segment", "id", "下游环节", "去向环节", required=True, zh="下游环节"),
        _f("weight", "float", "权重", "关联权重", "流向权重", minimum=0, zh="权重"),
    ),
    foreign_keys=(ForeignKey(("from_segment",), "segments", ("id",)),
                  ForeignKey(("to_segment",), "segments", ("id",))),
))

_add(Table(
    name="enterprises", label="Enterprise", key=("id",), required=True, zh="企业",
    aliases=("企业", "企业名录", "企业清单", "企业信息", "上市公司", "上市公司名录"),
    doc="Keyed on `id`: the credit code when there is one, else the stock code, the analyst's own code or the "
        "normalised full name. `region_code` is LOCATED_IN; an optional `segment_id` adds an OPERATES_IN row.",
    fields=(
        _f("id", "id", "企业编号", "企业代码", "企业ID", zh="企业编号",
           doc="derived when absent: credit code, else stock code, else normalised full name"),
        _f(USCC, "uscc", "统一社会信用代码", "信用代码", "社会信用代码", "USCC", zh="统一社会信用代码"),
        _f("stock_code", "stock_code", "证券代码", "股票代码", "股票编码", "A股代码", "证券编码", zh="证券代码",
           doc="600373, 600373.SH, SZ000001 … normalised to 600373.SH"),
        _f("name", "text", "企业名称", "名称", "企业", "公司名称", "公司全称", "企业全称", "公司中文名称", required=True,
           zh="企业名称"),
        _f("short_name", "text", "证券简称", "股票简称", "公司简称", "简称", zh="证券简称"),
        _f("region_code", "adcode", "所在地区", "所在地", "区划代码", "地区", "行政区划代码", "所属地区", "省份", "所在省份", "注册地区", "所在城市", zh="所在地区",
           doc="LOCATED_IN: GB/T 2260 code or a unique region name (required unless --infer-region finds one)"),
        _f("region_source", "enum", "区域来源", enum="region_source", zh="区域来源",
           doc="given, or inferred from the name or address (--infer-region)"),
        _f("address", "text", "地址", "注册地址", "住所", "办公地址", "通讯地址", zh="地址"),
        _f("segment_id", "id", "环节", "环节编号", "所属环节", zh="所属环节", doc="OPERATES_IN shortcut"),
        _f("size", "enum", "企业规模", "规模", "规模类型", enum="size", zh="企业规模",
           doc="missing = unknown (规模不详), never guessed"),
        _f("employees", "int", "从业人数", "员工人数", "人数", "职工人数", minimum=0, zh="从业人数"),
        _f("revenue", "money", "营业收入", "营收", "年营业收入", "营业收入(万元)", minimum=0, unit="万元",
           zh="营业收入(万元)"),
        _f("founded", "date", "成立日期", "成立时间", "注册日期", zh="成立日期"),
        _f("qms_certified", "bool", "质量管理体系认证", "是否通过质量管理体系认证", "ISO9001", zh="质量管理体系认证"),
        _f("id_source", "enum", "编号来源", enum="id_source", zh="编号来源",
           doc="which code the id came from: uscc, stock_code, given or name"),
    ),
    foreign_keys=(ForeignKey(("region_code",), "@regions", ("code",)),
                  ForeignKey(("segment_id",), "segments", ("id",))),
))

_add(Table(
    name="operates_in", rel_type="OPERATES_IN", key=(FIRM, "segment_id"), zh="企业所属环节",
    aliases=("企业环节", "企业所属环节"),
    source=(FIRM, "Enterprise"), target=("segment_id", "Segment"),
    fields=(
        _f(FIRM, "firm_ref", *FIRM_ALIASES, required=True, zh="企业编号"),
        _f("segment_id", "id", "环节", "环节编号", "所属环节", required=True, zh="所属环节"),
    ),
    foreign_keys=(ForeignKey((FIRM,), "enterprises", ("id",)), ForeignKey(("segment_id",), "segments", ("id",))),
))

_add(Table(
    name="problems", label="Problem", key=("id",), zh="质量问题",
    aliases=("问题", "质量问题", "问题清单", "质量问题清单"),
    fields=(
        _f("id", "id", "问题编号", "编号", required=True, zh="问题编号"),
        _f("name", "text", "问题名称", "问题", "名称", "问题描述", required=True, zh="问题名称"),
        _f("category", "enum", "问题类别", "类别", "分类", enum="category", required=True, zh="问题类别"),
        _f("kind", "enum", "问题类型", "类型", "难点痛点堵点", enum="kind", required=True, zh="问题类型"),
        _f("standard_ref", "text", "标准依据", "相关标准", "标准", zh="标准依据"),
        _f("benchmark_id", "id", "对标指标", "指标编号", zh="对标指标", doc="optional link to a benchmark metric"),
    ),
    foreign_keys=(ForeignKey(("benchmark_id",), "benchmarks", ("id",)),),
))

_add(Table(
    name="benchmarks", label="Benchmark", key=("id",), zh="先进水平对标",
    aliases=("对标", "先进水平", "对标指标"),
    fields=(
        _f("id", "id", "指标编号", "编号", required=True, zh="指标编号"),
        _f("metric", "text", "指标", "指标名称", required=True, zh="指标名称"),
        _f("unit", "text", "单位", zh="单位"),
        _f("domestic_advanced", "float", "国内先进水平", "国内先进", zh="国内先进水平"),
        _f("international_advanced", "float", "国际先进水平", "国际先进", zh="国际先进水平"),
        _f("higher_is_better", "bool", "越高越好", "是否越高越好", required=True, zh="越高越好"),
        _f("chain_id", "id", "产业链编号", "产业链", zh="产业链编号"),
    ),
    foreign_keys=(ForeignKey(("chain_id",), "chains", ("id",)),),
))

_add(Table(
    name="cert_bodies", label="CertificationBody", key=("id",), zh="认证机构",
    aliases=("认证机构", "机构"),
    fields=(
        _f("id", "id", "机构编号", "编号", "批准号", required=True, zh="机构编号"),
        _f("name", "text", "机构名称", "认证机构", "名称", required=True, zh="机构名称"),
    ),
))

_add(Table(
    name="supplies", rel_type="SUPPLIES", key=("supplier_id", "customer_id", "product"), zh="供应关系",
    aliases=("供应关系", "供货关系", "上下游关系"),
    source=("supplier_id", "Enterprise"), target=("customer_id", "Enterprise"),
    fields=(
        _f("supplier_id", "firm_ref", "供应方", "供应方统一社会信用代码", "供应商信用代码", "供应方企业编号", "供应方证券代码",
           "供应方名称", "供应商", "supplier_uscc", required=True, zh="供应方"),
        _f("customer_id", "firm_ref", "采购方", "采购方统一社会信用代码", "客户信用代码", "采购方企业编号", "采购方证券代码",
           "采购方名称", "客户", "customer_uscc", required=True, zh="采购方"),
        _f("product", "text", "产品", "供应产品", zh="产品"),
        _f("value", "money", "金额", "供货金额", "年供货额", minimum=0, unit="万元", zh="年供货额(万元)"),
    ),
    foreign_keys=(ForeignKey(("supplier_id",), "enterprises", ("id",)),
                  ForeignKey(("customer_id",), "enterprises", ("id",))),
))

_add(Table(
    name="leaders", rel_type="LEADS", key=(FIRM, "chain_id", "region_code"), zh="链主企业",
    aliases=("链主", "链主企业"),
    source=(FIRM, "Enterprise"), target=("chain_id", "Chain"),
    fields=(
        _f(FIRM, "firm_ref", *FIRM_ALIASES, required=True, zh="企业编号"),
        _f("chain_id", "id", "产业链编号", "产业链", required=True, zh="产业链编号"),
        _f("region_code", "adcode", "区域", "区划代码", "所在地区", required=True, zh="区域"),
        _f("since", "date", "认定日期", "认定时间", zh="认定日期"),
    ),
    foreign_keys=(ForeignKey((FIRM,), "enterprises", ("id",)), ForeignKey(("chain_id",), "chains", ("id",)),
                  ForeignKey(("region_code",), "@regions", ("code",))),
))

_add(Table(
    name="observations", rel_type="HAS_PROBLEM", key=(FIRM, "problem_id", "source", "observed_on"), zh="问题记录",
    aliases=("问题记录", "问题发现", "企业问题"),
    source=(FIRM, "Enterprise"), target=("problem_id", "Problem"),
    fields=(
        _f(FIRM, "firm_ref", *FIRM_ALIASES, required=True, zh="企业编号"),
        _f("problem_id", "id", "问题编号", "问题", required=True, zh="问题编号"),
        _f("severity", "int", "严重程度", "严重度", required=True, minimum=1, maximum=5, zh="严重程度"),
        _f("source", "enum", "来源", "数据来源", "发现途径", enum="source", required=True, zh="来源"),
        _f("observed_on", "date", "发现日期", "记录日期", "日期", zh="发现日期"),
        _f("status", "enum", "状态", "整改状态", enum="status", zh="整改状态"),
    ),
    foreign_keys=(ForeignKey((FIRM,), "enterprises", ("id",)), ForeignKey(("problem_id",), "problems", ("id",))),
))

_add(Table(
    name="measurements", rel_type="MEASURED", key=(FIRM, "benchmark_id", "measured_on"), zh="指标测量",
    aliases=("测量值", "指标测量", "企业指标"),
    source=(FIRM, "Enterprise"), target=("benchmark_id", "Benchmark"),
    fields=(
        _f(FIRM, "firm_ref", *FIRM_ALIASES, required=True, zh="企业编号"),
        _f("benchmark_id", "id", "指标编号", "指标", required=True, zh="指标编号"),
        _f("value", "float", "测量值", "数值", "值", required=True, zh="测量值"),
        _f("measured_on", "date", "测量日期", "日期", zh="测量日期"),
    ),
    foreign_keys=(ForeignKey((FIRM,), "enterprises", ("id",)), ForeignKey(("benchmark_id",), "benchmarks", ("id",))),
))

_add(Table(
    name="certifications", rel_type="CERTIFIED", key=(FIRM, "body_id", "standard", "cert_no"), zh="认证证书",
    aliases=("认证", "认证证书", "证书"),
    source=(FIRM, "Enterprise"), target=("body_id", "CertificationBody"),
    fields=(
        _f(FIRM, "firm_ref", *FIRM_ALIASES, required=True, zh="企业编号"),
        _f("body_id", "id", "机构编号", "认证机构", required=True, zh="认证机构"),
        _f("standard", "text", "认证标准", "标准", "认证类型", required=True, zh="认证标准"),
        _f("cert_no", "id", "证书编号", "证书号", zh="证书编号"),
        _f("issued", "date", "发证日期", "颁证日期", zh="发证日期"),
        _f("expires", "date", "有效期至", "到期日期", zh="有效期至"),
    ),
    foreign_keys=(ForeignKey((FIRM,), "enterprises", ("id",)), ForeignKey(("body_id",), "cert_bodies", ("id",))),
))

_add(Table(
    name="assistance", rel_type="ASSISTS", key=("body_id", FIRM, "problem_id", "started"), zh="帮扶台账",
    aliases=("帮扶", "帮扶台账", "帮扶记录"),
    source=("body_id", "CertificationBody"), target=(FIRM, "Enterprise"),
    fields=(
        _f("body_id", "id", "机构编号", "认证机构", "帮扶机构", required=True, zh="帮扶机构"),
        _f(FIRM, "firm_ref", *FIRM_ALIASES, "帮扶企业", required=True, zh="企业编号"),
        _f("problem_id", "id", "问题编号", "问题", zh="问题编号"),
        _f("dimension", "text", "帮扶维度", "帮扶方式", "维度", zh="帮扶维度"),
        _f("started", "date", "开始日期", "帮扶开始", zh="开始日期"),
        _f("status", "enum", "状态", "帮扶状态", enum="status", zh="帮扶状态"),
        _f("outcome", "text", "成效", "帮扶成效", "结果", zh="帮扶成效"),
        _f("ended", "date", "结束日期", "帮扶结束", "完成日期", zh="结束日期"),
        _f("effects", "enum_set", "成效类别", "帮扶效果", "效果类别", enum="effect", zh="成效类别",
           doc="several of the eleven effect categories, separated by 、 ; , (or one per row)"),
        _f("satisfaction", "enum", "满意度", "企业满意度", "满意程度", enum="satisfaction", zh="满意度"),
        _f("certified_after", "bool", "帮扶后获证", "帮扶后获得质量管理体系认证", zh="帮扶后获证",
           doc="obtained a quality management system certificate after the assistance"),
        *(_f(f"{m}_{w}", t, f"帮扶{wz}{mz}", minimum=lo, unit=u, zh=f"帮扶{wz}{mz}{'(' + u + ')' if u else ''}")
          for m, mz, t, lo, u in (("revenue", "营业收入", "money", 0, "万元"), ("output", "产值", "money", 0, "万元"),
                                  ("profit_margin", "利润率", "float", None, "%"))
          for w, wz in (("before", "前"), ("after", "后"))),
    ),
    foreign_keys=(ForeignKey(("body_id",), "cert_bodies", ("id",)), ForeignKey((FIRM,), "enterprises", ("id",)),
                  ForeignKey(("problem_id",), "problems", ("id",))),
))

_add(Table(
    name="targets", label="Target", key=("id",), zh="工作目标", aliases=("目标", "目标任务", "工作目标"),
    doc="Optional: targets for `progress`; without it the national targets of the 2024 action plan apply.",
    fields=(
        _f("id", "id", "目标编号", "编号", zh="目标编号", doc="derived when absent: metric|region|chain"),
        _f("metric", "enum", "指标", "目标指标", enum="target_metric", required=True, zh="目标指标"),
        _f("region_code", "adcode", "区域", "区划代码", "地区", "region", zh="区域", doc="none: the whole country"),
        _f("chain_id", "id", "产业链编号", "产业链", "chain", zh="产业链编号", doc="none: every chain"),
        _f("target", "float", "目标值", "目标", required=True, minimum=0, zh="目标值",
           doc="a count, or a share (0.9 or 90%) for satisfaction_rate"),
        _f("deadline", "date", "截止日期", "完成时限", "期限", required=True, zh="截止日期"),
        _f("baseline", "date", "基线日期", "起始日期", zh="基线日期",
           doc="start of the pace and the baseline of problems_solved; none: the ledger's first start"),
    ),
    foreign_keys=(ForeignKey(("region_code",), "@regions", ("code",)), ForeignKey(("chain_id",), "chains", ("id",))),
))

LOAD_ORDER: tuple[str, ...] = (
    "regions", "chains", "segments", "segment_flows", "benchmarks", "problems", "cert_bodies",
    "enterprises", "operates_in", "supplies", "leaders", "observations", "measurements",
    "certifications", "assistance", "targets",
)
"""Tables in dependency order: every foreign key points to an earlier table."""

NODE_LABELS: tuple[str, ...] = (
    "Region", "Chain", "Segment", "Enterprise", "Problem", "Benchmark", "CertificationBody", "Target",
)
REL_TYPES: tuple[str, ...] = (
    "WITHIN", "PART_OF", "FEEDS", "LOCATED_IN", "OPERATES_IN", "SUPPLIES", "LEADS",
    "HAS_PROBLEM", "MEASURED", "CERTIFIED", "ASSISTS",
)

NODE_TABLE: dict[str, str] = {t.label: t.name for t in TABLES.values() if t.label}
"""Node label -> table name."""
REL_TABLE: dict[str, str] = {t.rel_type: t.name for t in TABLES.values() if t.rel_type}
"""Relationship type -> table name (types folded into FK columns are absent)."""

FOLDED_RELS: dict[str, tuple[str, str, str]] = {
    "PART_OF": ("segments", "id", "chain_id"),
    "LOCATED_IN": ("enterprises", "id", "region_code"),
    "WITHIN": ("regions", "code", "parent"),
}
"""Relationship types stored as a foreign-key column: type -> (table, source column, target column)."""


def normalise_header(text: str) -> str:
    """Normalise a header cell for alias matching.

    Lower-cases, strips white space (including full-width and BOM) and unifies
    full-width parentheses, so ``"营业收入（万元） "`` matches ``"营业收入(万元)"``.

    Examples
    --------
    >>> normalise_header(" 企业名称\\ufeff")
    '企业名称'
    """
    t = str(text).replace("\ufeff", "").replace("（", "(").replace("）", ")").replace("\u3000", " ")
    return "".join(t.split()).lower()


def header_map(table: Table) -> dict[str, str]:
    """Map every accepted (normalised) header spelling of ``table`` to its canonical column."""
    out: dict[str, str] = {}
    for f in table.fields:
        for spelling in (f.name, f.zh, *f.aliases):
            if spelling:
                out.setdefault(normalise_header(spelling), f.name)
    return out


def table_for_name(name: str) -> Table | None:
    """Find a table by canonical name, Chinese name or alias (file stem or sheet name).

    Examples
    --------
    >>> table_for_name("企业名录").name
    'enterprises'
    """
    key = normalise_header(name)
    for t in TABLES.values():
        if key in {normalise_header(s) for s in (t.name, t.zh, *t.aliases)}:
            return t
    return None


def enum_lookup(enum: str) -> dict[str, str]:
    """Map every accepted (lower-cased) spelling of an enum to its canonical value."""
    out: dict[str, str] = {}
    for canon, spellings in ENUMS[enum].items():
        for s in (canon, *spellings):
            out[s.strip().lower()] = canon
    return out
