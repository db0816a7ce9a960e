"""The demo's batch with the programme's later stages: the district step before the city, a
site visit after the material review, a discussion period among the experts, and deadlines
(one of them passed).

Four applicants of the demo district reviewer's district: two submissions waiting for the
district, one the district recommended (waiting for the city), and one the district and the
city recommended that passed the formal check, whose experts reviewed it, discuss it (a few
posts, one revised score) and were sent on its site visit (the visit's report not in yet); its
figures raise plausibility flags. Written through the services; running it again
adds nothing.
"""

import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from evaluation import services
from portal.models import Enterprise, IndustryType, Role, SizeClass
from portal.services import user_create
from review import services as review_services
from review.models import PreferencePhase
from review.services.preferences import preference_phase_open, preferences_set

from .demo_peers import SEED, _assessment, _credit_code

# the site visit's, the one recommended by the district, then the two waiting for it
NAMES = ["太湖精密传动", "东山智能装备", "木渎电子材料", "胥口工业互联"]
FIRST_SERIAL = 31  # after the peers'


def implausible(spec: dict) -> None:
    """The visited application's figures its reviewers should question (its dossier's
    plausibility flags): more sales staff than employees, sales far above its output."""
    current = spec["current_inputs"]
    current["sales_headcount"] = str(int(current["avg_employees"]) + 20)
    current["sales_revenue"] = f"{float(current['gross_output_value']) * 3:.2f}"


def _review_data(assessment, tier: str) -> dict:
    return {
        "verdicts": {
            str(no): {"accepted": True, "comment": ""}
            for no in review_services.claimed_scenarios(assessment)
        },
        "scores": {str(c.pk): 8 for c in assessment.batch.rubric.all()},
        "opinion": "建设成效明显，场景实施情况与申报材料一致。",
        "recommended_tier": tier,
    }


def _applicant(batch, district, serial: int, stem: str, rng, *, papers: bool, adjust=None):
    """A submitted application of a new enterprise of ``district`` (``papers``: with what the
    formal check asks; ``adjust``: a change to its figures before it is submitted)."""
    enterprise, _ = Enterprise.objects.get_or_create(
        credit_code=_credit_code(district.city, serial),
        defaults={
            "name": f"苏州{stem}有限公司",
            "city": district.city,
            "district": district,
            "industry_code": "C3421",
            "industry_type": IndustryType.DISCRETE,
            "size": SizeClass.MEDIUM if (serial - FIRST_SERIAL) % 2 else SizeClass.LARGE,
        },
    )
    actor = user_create(
        username=f"peer{serial:02d}",
        role=Role.ENTERPRISE_ADMIN,
        enterprise=enterprise,
        first_name=f"联系人{serial:02d}",
    )
    assessment = _assessment(enterprise, actor, batch, rng, papers=papers, adjust=adjust)
    services.evaluation_refresh(assessment=assessment)
    return assessment


@transaction.atomic
def seed_stages(batch, *, district_reviewer, city_reviewer, province_admin, visitors) -> int:
    """The four applicants of ``district_reviewer``'s district in ``batch`` (a batch with the
    district step and site visits); returns how many were new."""
    if batch.assessments.exists():
        return 0
    rng = random.Random(SEED + 1)  # noqa: S311 - reproducible demo data, not a secret
    applications = [
        _applicant(
            batch,
            district_reviewer.district,
            FIRST_SERIAL + i,
            stem,
            rng,
            papers=i == 0,
            adjust=implausible if i == 0 else None,
        )
        for i, stem in enumerate(NAMES)
    ]
    visited, recommended = applications[0], applications[1]
    for assessment in (visited, recommended):
        review_services.assessment_recommend(
            assessment=assessment,
            actor=district_reviewer,
            comment="经核实，材料真实，同意推荐。",
            confirm_no_tier=True,
        )
    review_services.assessment_recommend(
        assessment=visited, actor=city_reviewer, comment="同意推荐。", confirm_no_tier=True
    )
    review_services.formal_check_pass(assessment=visited, actor=province_admin)
    assigned = review_services.assignments_auto(batch=batch, actor=province_admin)["created"]
    for assignment in assigned:
        review_services.review_submit(
            assignment=assignment,
            actor=assignment.expert,
            data=_review_data(visited, "factory"),
        )
    review_services.site_visit_assign(assessment=visited, experts=visitors, actor=province_admin)
    _discussion(batch, visited, assigned, province_admin)
    return len(applications)


def _discussion(batch, assessment, assigned, province_admin) -> None:
    """The batch in its discussion period: three posts and the first expert's revised score."""
    review_services.discussion_open(
        batch=batch, actor=province_admin, ends_on=timezone.localdate() + timedelta(days=7)
    )
    first, second = assigned[0], assigned[1]
    for actor, body in (
        (first.expert, "场景 3 的数据采集覆盖率偏低，建议评分下调。"),
        (second.expert, "同意，但整体建设成效明显，仍建议认定为智能工厂。"),
        (province_admin, "请各位专家在讨论截止前确认最终评分。"),
    ):
        review_services.discussion_post(assessment=assessment, actor=actor, body=body)
    criterion = batch.rubric.order_by("no").first()
    review_services.score_revise(
        assignment=first,
        actor=first.expert,
        data={"scores": {str(criterion.pk): 6}, "reason": "讨论后按数据采集覆盖率下调。"},
    )


# two more applicants of the district, past the formal check: what the preference phase shows
PREFERENCE_NAMES = ["光福数控刀具", "临湖智能仓储"]


@transaction.atomic
def seed_preference_phase(batch, *, district_reviewer, city_reviewer, province_admin, experts):
    """Two applications of ``batch`` waiting for their experts and the batch's preference
    phase open for five days, with some marks made: ``experts[0]`` prefers the first,
    ``experts[1]`` declares a conflict with the second, ``experts[2]`` says the first is not
    their field. Returns how many applications were new."""
    if PreferencePhase.objects.filter(batch=batch).exists():
        return 0
    rng = random.Random(SEED + 2)  # noqa: S311 - reproducible demo data, not a secret
    first = FIRST_SERIAL + len(NAMES)
    waiting = []
    for i, stem in enumerate(PREFERENCE_NAMES):
        a = _applicant(batch, district_reviewer.district, first + i, stem, rng, papers=True)
        for reviewer in (district_reviewer, city_reviewer):
            review_services.assessment_recommend(
                assessment=a, actor=reviewer, comment="同意推荐。", confirm_no_tier=True
            )
        waiting.append(review_services.formal_check_pass(assessment=a, actor=province_admin))
    preference_phase_open(
        batch=batch, ends_at=timezone.now() + timedelta(days=5), actor=province_admin
    )
    marks = [(experts[0], waiting[0], "prefer"), (experts[1], waiting[1], "conflict")]
    marks.append((experts[2], waiting[0], "not_my_field"))
    for expert, assessment, choice in marks:
        preferences_set(batch=batch, actor=expert, choices={assessment.pk: choice})
    return len(waiting)
