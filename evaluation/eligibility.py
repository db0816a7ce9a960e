"""The formal check's checklist (形式审查): what an application carries and what is missing —
the financial statements of the years the batch asks for, the business licence, the signed
declarations, the CMMM self-assessment level and the online self-test score with their evidence
— and which tier the batch's eligibility gates allow. One selector, read by the province's
formal-check page and API and by the enterprise before it submits."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scenarios.models import Tier

from .models import DECLARATIONS, Assessment, DocumentKind

# The checklist's items, in the order it shows them; a formal check's return names these keys.
CHECKLIST_ITEMS = {
    "financial_statements": gettext_lazy("财务报表"),
    "business_licence": gettext_lazy("营业执照"),
    "declarations": gettext_lazy("申报承诺（已签署）"),
    "cmmm_level": gettext_lazy("智能制造能力成熟度（CMMM）自评等级及报告"),
    "self_test_score": gettext_lazy("省级在线自测得分及结果"),
    "eligibility": gettext_lazy("申报门槛"),
}


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    ok: bool
    detail: str = ""  # what is missing, in words ("" when present)


@dataclass(frozen=True)
class TierGate:
    """One tier's gate: the minimums the batch sets and whether the application meets each."""

    tier: str
    label: str
    min_cmmm: int
    min_self_test: int
    cmmm_ok: bool
    self_test_ok: bool

    @property
    def met(self) -> bool:
        return self.cmmm_ok and self.self_test_ok


@dataclass(frozen=True)
class Checklist:
    items: list[ChecklistItem]
    gates: list[TierGate]
    allowed_tier: str  # the highest tier the gates allow ("" none)
    computed_tier: str  # the tier the evaluation reached ("" none or not computed)
    statement_years: list[int] = field(default_factory=list)

    @property
    def missing(self) -> list[ChecklistItem]:
        return [item for item in self.items if not item.ok]

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def allowed_tier_label(self) -> str:
        return Tier(self.allowed_tier).label if self.allowed_tier else ""

    @property
    def gates_below_computed(self) -> bool:
        """The evaluation reaches a tier above the one the gates allow: the application can be
        recognised at the allowed tier at most."""
        order = list(Tier.values)
        if not self.computed_tier:
            return False
        return not self.allowed_tier or order.index(self.allowed_tier) < order.index(
            self.computed_tier
        )

    def item(self, key: str) -> ChecklistItem | None:
        return next((i for i in self.items if i.key == key), None)


def _gates(assessment: Assessment) -> tuple[list[TierGate], str]:
    level, score = assessment.cmmm_level, assessment.self_test_score
    gates, allowed = [], ""
    for tier, (min_cmmm, min_score) in assessment.batch.eligibility_gates().items():
        gate = TierGate(
            tier=tier,
            label=Tier(tier).label,
            min_cmmm=min_cmmm,
            min_self_test=min_score,
            cmmm_ok=level is not None and level >= min_cmmm,
            self_test_ok=score is not None and score >= min_score,
        )
        gates.append(gate)
        if gate.met and allowed == (gates[-2].tier if len(gates) > 1 else ""):
            allowed = tier  # a tier needs the gates of the tiers below it
    return gates, allowed


def _figure_item(key, value, documents, kind, entered_msg, report_msg) -> ChecklistItem:
    missing = []
    if value is None:
        missing.append(entered_msg)
    if kind not in documents:
        missing.append(report_msg)
    return ChecklistItem(key, str(CHECKLIST_ITEMS[key]), not missing, "；".join(missing))


def formal_checklist(assessment: Assessment) -> Checklist:
    """What the application carries and lacks, item by item, and the tier its gates allow."""
    batch = assessment.batch
    rows = list(
        assessment.evidence.current()
        .exclude(financial_year=None, document="")
        .values_list("financial_year", "document")
    )
    years_present = {year for year, _doc in rows if year}
    documents = {doc for _year, doc in rows if doc}
    required_years = assessment.financial_years[: batch.statement_years_required]
    items = []
    if not required_years:
        detail = _("请先填写基准年与当年，再上传财务报表。")
    else:
        missing_years = [y for y in required_years if y not in years_present]
        detail = (
            _("缺少 %(years)s 年度的财务报表。") % {"years": "、".join(map(str, missing_years))}
            if missing_years
            else ""
        )
    items.append(
        ChecklistItem(
            "financial_statements",
            str(CHECKLIST_ITEMS["financial_statements"]),
            not detail,
            detail,
        )
    )
    if batch.requires_business_licence:
        present = DocumentKind.BUSINESS_LICENCE in documents
        items.append(
            ChecklistItem(
                "business_licence",
                str(CHECKLIST_ITEMS["business_licence"]),
                present,
                "" if present else _("未上传营业执照。"),
            )
        )
    declared = assessment.declarations or {}
    signed = all(declared.get(key) is True for key in DECLARATIONS) and bool(declared.get("signer"))
    items.append(
        ChecklistItem(
            "declarations",
            str(CHECKLIST_ITEMS["declarations"]),
            signed,
            "" if signed else _("申报承诺在提交时签署。"),
        )
    )
    items.append(
        _figure_item(
            "cmmm_level",
            assessment.cmmm_level,
            documents,
            DocumentKind.CMMM_REPORT,
            _("未填写 CMMM 自评等级。"),
            _("未上传 CMMM 自评估报告。"),
        )
    )
    items.append(
        _figure_item(
            "self_test_score",
            assessment.self_test_score,
            documents,
            DocumentKind.SELF_TEST_REPORT,
            _("未填写在线自测得分。"),
            _("未上传在线自测结果。"),
        )
    )
    gates, allowed = _gates(assessment)
    if allowed:
        detail = ""
    elif assessment.cmmm_level is None or assessment.self_test_score is None:
        detail = _("须先填写 CMMM 自评等级和在线自测得分。")
    else:
        lowest = gates[0]
        detail = _(
            "CMMM 自评等级 %(level)s 级、在线自测 %(score)s 分未达到最低层级的门槛"
            "（%(tier)s：CMMM ≥ %(min_cmmm)s 级，自测 ≥ %(min_score)s 分）。"
        ) % {
            "level": assessment.cmmm_level,
            "score": assessment.self_test_score,
            "tier": lowest.label,
            "min_cmmm": lowest.min_cmmm,
            "min_score": lowest.min_self_test,
        }
    items.append(
        ChecklistItem("eligibility", str(CHECKLIST_ITEMS["eligibility"]), not detail, detail)
    )
    evaluation = getattr(assessment, "evaluation", None)
    return Checklist(
        items=items,
        gates=gates,
        allowed_tier=allowed,
        computed_tier=evaluation.highest_tier if evaluation else "",
        statement_years=required_years,
    )
