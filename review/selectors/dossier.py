"""A frozen submission as its reviewers read it."""

from dataclasses import dataclass, field

from evaluation.flag_selectors import reviewer_flags
from evaluation.models import AnswerStatus, Assessment, Evaluation
from evaluation.results import indicator_rows, tier_outcome
from portal.models import City, IndustryType, SizeClass
from scenarios.models import SupportCategory
from scenarios.selectors import catalog_dimensions

from ..anonymity import evidence_shown, identity_visible_to, profile_identity
from ..services import claimed_in


@dataclass
class Dossier:
    """A submission as its reviewers read it: the frozen snapshot, the evaluation computed
    from it, and (unless the batch hides it from experts) who the applicant is."""

    assessment: Assessment
    reference: str
    identity_visible: bool
    enterprise: dict
    dimensions: list
    support: list
    financial_statements: list
    declarations: dict
    indicators: list
    tiers: object
    evaluation: Evaluation | None
    claimed: list[int] = field(default_factory=list)
    flags: list = field(default_factory=list)  # plausibility flags, for reviewers only

    @property
    def title(self) -> str:
        return self.enterprise["name"] if self.identity_visible else self.reference


def _profile_shown(snapshot: dict, identity_visible: bool) -> dict:
    profile = dict(snapshot.get("enterprise", {}))
    shown = {
        "city": City(profile["city"]).label if profile.get("city") in City.values else "",
        "industry_code": profile.get("industry_code", ""),
        "industry_type": IndustryType(profile["industry_type"]).label
        if profile.get("industry_type") in IndustryType.values
        else "",
        "size": SizeClass(profile["size"]).label if profile.get("size") in SizeClass.values else "",
    }
    return shown | profile_identity(profile, identity_visible)


def _evidence_by(snapshot: dict, key: str) -> dict:
    grouped = {}
    for item in snapshot.get("evidence", []):
        if item.get(key) is not None:
            grouped.setdefault(item[key], []).append(item)
    return grouped


def _answered(answer: dict | None) -> bool:
    return bool(answer) and answer.get("status") != AnswerStatus.NOT_STARTED


def dossier(
    assessment: Assessment,
    viewer=None,
    *,
    snapshot: dict | None = None,
    evaluation: Evaluation | None = None,
) -> Dossier:
    """``snapshot`` and ``evaluation`` default to the frozen submission and its stored
    evaluation; the report passes a draft's live ones to preview it. With no ``viewer`` (the
    applicant's own report) the identity is shown. The plausibility flags are for reviewers
    (a ``viewer`` who is no enterprise user): never in the report, which has none."""
    snapshot = snapshot if snapshot is not None else assessment.snapshot or {}
    identity_visible = identity_visible_to(viewer, assessment)
    snapshot = {
        **snapshot,
        "evidence": evidence_shown(snapshot.get("evidence", []), identity_visible),
    }
    statuses = dict(AnswerStatus.choices)
    scenarios = snapshot.get("scenarios", {})
    scenario_files = _evidence_by(snapshot, "scenario")
    dimensions = []
    for dimension in catalog_dimensions(version=assessment.batch.catalog_version):
        links = []
        for link in dimension.links.all():
            rows = [
                {
                    "scenario": s,
                    "answer": scenarios[str(s.no)],
                    "status_display": statuses.get(scenarios[str(s.no)]["status"], ""),
                    "evidence": scenario_files.get(s.no, []),
                }
                for s in link.scenarios.all()
                if _answered(scenarios.get(str(s.no)))
            ]
            links.append({"link": link, "scenarios": rows})
        dimensions.append({"dimension": dimension, "links": links})
    elements = snapshot.get("support_elements", {})
    element_files = _evidence_by(snapshot, "support_element")
    support = [
        {
            "element": e,
            "category": SupportCategory(e.category).label,
            "answer": elements[str(e.no)],
            "status_display": statuses.get(elements[str(e.no)]["status"], ""),
            "evidence": element_files.get(e.no, []),
        }
        for e in assessment.batch.catalog_version.support_elements.order_by("no")
        if _answered(elements.get(str(e.no)))
    ]
    if evaluation is None:
        evaluation = Evaluation.objects.filter(assessment=assessment).first()
    statements = _evidence_by(snapshot, "financial_year")
    return Dossier(
        assessment=assessment,
        reference=assessment.review_reference,
        identity_visible=identity_visible,
        enterprise=_profile_shown(snapshot, identity_visible),
        dimensions=dimensions,
        support=support,
        financial_statements=sorted(statements.items(), reverse=True),
        declarations=snapshot.get("declarations", {}),
        indicators=indicator_rows(evaluation) if evaluation else [],
        tiers=tier_outcome(evaluation) if evaluation else None,
        evaluation=evaluation,
        claimed=claimed_in(snapshot),
        flags=reviewer_flags(assessment, evaluation)
        if viewer is not None and not viewer.is_enterprise_user
        else [],
    )
