import itertools

import factory

from portal.districts import reference_rows
from portal.models import City, District, Enterprise, IndustryType, Role, SizeClass, User
from portal.validators import uscc_check_character

_serial = itertools.count(1)


def credit_code(region: str = "320500") -> str:
    first17 = f"91{region}MA{next(_serial):07d}"[:17]
    return first17 + uscc_check_character(first17)


def district_of(city: str, name: str | None = None) -> District:
    """A division of ``city`` (its first by code, or the one named): the migration loads them,
    and a test that emptied the tables (a transactional one) finds them again here."""
    row = next(r for r in reference_rows() if r["city"] == city and name in (None, r["name"]))
    fields = {k: v for k, v in row.items() if k != "code"}
    return District.objects.get_or_create(code=row["code"], defaults=fields)[0]


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试制造企业{n}有限公司")
    city = City.SUZHOU
    credit_code = factory.LazyAttribute(lambda o: credit_code(o.city))
    district = factory.LazyAttribute(lambda o: district_of(o.city))
    industry_code = "C3421"
    industry_type = IndustryType.DISCRETE
    size = SizeClass.MEDIUM


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.ENTERPRISE_ADMIN
    password = factory.PostGenerationMethodCall("set_password", "pass-for-tests-2026")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


PASSWORD = "pass-for-tests-2026"


def evaluated_assessment(
    batch,
    *,
    enterprise=None,
    state="submitted",
    current=None,
    highest_tier="",
    decided_tier="",
    implemented=(),
    **enterprise_fields,
):
    """An assessment with a stored evaluation, written directly rather than through the
    services (fast, for figures computed over many assessments): the current-year indicator
    values ``current`` ({code: value}; the others have none) and the scenarios numbered in
    ``implemented`` answered as implemented."""
    from django.utils import timezone

    from evaluation.models import Assessment, Evaluation, ScenarioAnswer
    from indicators.models import IndicatorDefinition

    enterprise = enterprise or EnterpriseFactory(**enterprise_fields)
    assessment = Assessment.objects.create(
        enterprise=enterprise, batch=batch, state=state, decided_tier=decided_tier
    )
    codes = IndicatorDefinition.objects.filter(version=batch.catalog_version_id).order_by("no")
    current = current or {}
    values = [current.get(code) for code in codes.values_list("code", flat=True)]
    period = {
        "value": [None if v is None else str(v) for v in values],
        "status": ["ok" if v is not None else "missing_input" for v in values],
        "missing": {},
        "reason": {},
    }
    Evaluation.objects.create(
        assessment=assessment,
        catalog_version_id=batch.catalog_version_id,
        rules_source="default",
        input_fingerprint="",
        indicators={"base": period, "current": period, "improvement": [None] * len(values)},
        highest_tier=highest_tier,
        computed_at=timezone.now(),
    )
    scenarios = batch.catalog_version.scenarios.filter(no__in=implemented)
    ScenarioAnswer.objects.bulk_create(
        ScenarioAnswer(assessment=assessment, scenario=s, status="implemented") for s in scenarios
    )
    return assessment


def evaluated_peers(
    of, productivity: list, defect_rate: list | None = None, *, batch=None, **fields
):
    """One evaluated peer of the assessment ``of`` per value of its current-year labour
    productivity and defect rate: by default in its batch, with its applicant's industry type
    and size class, in another city."""
    defect_rate = defect_rate or [None] * len(productivity)
    fields = {
        "industry_type": of.applicant_industry_type,
        "size": of.applicant_size,
        "city": City.NANJING,
        **fields,
    }
    return [
        evaluated_assessment(
            batch or of.batch, current={"labor_productivity": p, "defect_rate": d}, **fields
        )
        for p, d in zip(productivity, defect_rate, strict=True)
    ]
