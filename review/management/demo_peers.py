"""The demo's other applicants: submitted assessments across the province, so that the
dashboard, the review queue and peer benchmarking have something to show.

Deterministic (a fixed seed) and written through the same services as the forms; running
it again adds nothing. The first ones share the demo enterprise A's industry type and size
class, so ``ent_a`` sees where it stands among at least five peers.
"""

import random

from django.core.files.uploadedfile import SimpleUploadedFile

from evaluation import services
from evaluation.models import AnswerStatus, Assessment, DocumentKind
from evaluation.synthetic import full_inputs
from portal.models import City, District, Enterprise, IndustryType, Role, SizeClass
from portal.services import user_create
from portal.validators import uscc_check_character
from review import services as review_services

SEED = 2026
SAME_AS_A = 7  # peers of enterprise A (discrete, medium)
# What A's peers built: every tier reached, with the product scenarios A lacks, so that A's
# recommendations show what enterprises like it that reached the tier implemented (seven of
# them, more than the five every narrowing needs).
LEADING_SCENARIOS = (1, 2, 4, 5, 13, 16, 30, 31, 32, 33, 35, 36, 40, 41, 44)
LEADING_SUPPORT = (1, 2, 3, 4, 5, 6, 7)
NAMES = [
    "恒瑞精密机械",
    "华泰电子科技",
    "新远汽车部件",
    "金陵智能装备",
    "联创新材料",
    "东方电缆",
    "天合光电",
    "苏锡数控",
    "长江轴承",
    "海润化工",
    "广厦纺织",
    "中科传感",
    "宏达机电",
    "瑞丰食品",
    "永鼎通信",
    "通达液压",
    "亚太轮毂",
    "天宇医疗器械",
    "凯旋电机",
    "澄江钢构",
    "翔宇模具",
    "博远泵业",
    "恒力新能源",
    "锦程包装",
    "星河半导体",
    "华光照明",
    "鑫源铸造",
    "明珠家电",
    "汇川自动化",
    "远航船舶配套",
]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DECLARATIONS = {"no_major_accident": True, "not_dishonest": True, "truthful": True}
ELIGIBLE = {"cmmm_level": 3, "self_test_score": "85"}  # meets every tier's default gates


def _credit_code(city: str, serial: int) -> str:
    first17 = f"91{city}DP{serial:07d}"
    return first17 + uscc_check_character(first17)


def _answer(rng: random.Random, what: str) -> dict:
    return {
        "status": AnswerStatus.IMPLEMENTED,
        "description": f"建成{what}，已在主要产线投用。",
        "systems": f"{rng.choice(['MES', 'ERP', 'WMS', 'SCADA', 'PLM', 'APS'])} 系统",
        "started_on": "2023-03-01",
        "completed_on": "2024-06-30",
    }


def write_draft(*, enterprise, batch, actor, spec: dict, assessment=None) -> Assessment:
    """A filled-in draft from ``spec`` (years, both periods' inputs, scenario and support
    answers by number), written through the same services as the forms and the API (into
    ``assessment`` when given, else a new one)."""
    assessment = assessment or services.assessment_create(
        enterprise=enterprise,
        batch=batch,
        actor=actor,
        base_year=spec["base_year"],
        current_year=spec["current_year"],
    )
    for period in ("base", "current"):
        services.assessment_inputs_update(
            assessment=assessment, actor=actor, period=period, values=spec[f"{period}_inputs"]
        )
    for no, answer in spec["scenarios"].items():
        services.scenario_answer_set(
            assessment=assessment, actor=actor, scenario_no=int(no), data=answer
        )
    for no, answer in spec["support_elements"].items():
        services.support_answer_set(
            assessment=assessment, actor=actor, element_no=int(no), data=answer
        )
    return assessment


def _spec(rng: random.Random) -> dict:
    base_inputs, current_inputs = full_inputs(rng), full_inputs(rng)
    production = rng.sample(range(1, 30), rng.randint(3, 14))
    others = rng.sample(range(30, 46), rng.randint(0, 8))
    scenarios = {no: _answer(rng, f"场景 {no}") for no in production + others}
    elements = rng.sample(range(1, 9), rng.randint(1, 8))
    return {
        "base_year": 2024,
        "current_year": 2025,
        "base_inputs": base_inputs,
        "current_inputs": current_inputs,
        "scenarios": scenarios,
        "support_elements": {no: _answer(rng, f"要素 {no}") for no in elements},
    }


def leading(spec: dict) -> None:
    """``spec`` with the scenarios and support elements of A's leading peers (its own random
    draws untouched, so the other applicants stay as they were)."""
    spec["scenarios"] = {
        no: _answer(random.Random(no), f"场景 {no}")  # noqa: S311 - demo text
        for no in LEADING_SCENARIOS
    }
    spec["support_elements"] = {
        no: _answer(random.Random(no), f"要素 {no}")  # noqa: S311 - demo text
        for no in LEADING_SUPPORT
    }


def application_paper_files(assessment) -> list[tuple[str, dict]]:
    """The file name and ``evidence_upload`` target of each file ``application_papers``
    uploads: the other two years' statements and the application's own papers."""
    return [
        (f"财务报表{year}.pdf", {"financial_year": year}) for year in assessment.financial_years[1:]
    ] + [(f"{kind.label}.pdf", {"document": kind.value}) for kind in DocumentKind]


def application_papers(assessment, actor) -> None:
    """What the formal check asks beyond a submission's minimum: the other two years'
    statements, the application's own papers and the figures its eligibility gates read."""
    for name, target in application_paper_files(assessment):
        services.evidence_upload(
            assessment=assessment,
            actor=actor,
            uploaded=SimpleUploadedFile(name, PDF),
            **target,
        )
    services.assessment_update(assessment=assessment, actor=actor, data=ELIGIBLE)


def _assessment(
    enterprise, actor, batch, rng: random.Random, papers=False, adjust=None
) -> Assessment:
    """A submitted application from a random draft; ``adjust(spec)`` changes the draft's
    specification first."""
    spec = _spec(rng)
    if adjust is not None:
        adjust(spec)
    assessment = write_draft(enterprise=enterprise, batch=batch, actor=actor, spec=spec)
    services.evidence_upload(
        assessment=assessment,
        actor=actor,
        uploaded=SimpleUploadedFile("财务报表.pdf", PDF),
        financial_year=2025,
    )
    if papers:
        application_papers(Assessment.objects.get(pk=assessment.pk), actor)
    return services.assessment_submit(
        assessment=Assessment.objects.get(pk=assessment.pk),
        actor=actor,
        declarations={**DECLARATIONS, "signer": actor.first_name},
    )


def seed_peers(batch, city_reviewer) -> int:
    """Create the peers' enterprises and submitted assessments; returns how many were new.
    The city reviewer recommends every other one of its own city."""
    rng = random.Random(SEED)  # noqa: S311 - reproducible demo data, not a secret
    cities = list(City)
    created = 0
    for i, stem in enumerate(NAMES):
        city = cities[i % len(cities)]
        if i < SAME_AS_A:
            industry, size = IndustryType.DISCRETE, SizeClass.MEDIUM
        else:
            industry, size = rng.choice(list(IndustryType)), rng.choice(list(SizeClass))
        enterprise, _ = Enterprise.objects.get_or_create(
            credit_code=_credit_code(city.value, i + 1),
            defaults={
                "name": f"{city.label[:2]}{stem}有限公司",
                "city": city,
                # each peer in one of its city's districts, in turn
                "district": District.objects.filter(city=city).order_by("code")[i // len(cities)],
                "industry_code": "C3421",
                "industry_type": industry,
                "size": size,
            },
        )
        if Assessment.objects.filter(enterprise=enterprise, batch=batch).exists():
            continue
        actor = user_create(
            username=f"peer{i + 1:02d}",
            role=Role.ENTERPRISE_ADMIN,
            enterprise=enterprise,
            first_name=f"联系人{i + 1:02d}",
        )
        adjust = leading if i < SAME_AS_A else None
        assessment = _assessment(enterprise, actor, batch, rng, adjust=adjust)
        services.evaluation_refresh(assessment=assessment)
        if city_reviewer and city == city_reviewer.city and i % 2 == 0:
            review_services.assessment_recommend(
                assessment=assessment,
                actor=city_reviewer,
                comment="符合推荐条件。",
                confirm_no_tier=True,
            )
        created += 1
    return created
