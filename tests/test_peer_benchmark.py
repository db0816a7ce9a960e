"""Peer benchmarking: where an enterprise's current-year indicators stand among the other
submitted assessments of its batch with the same industry type and size class."""

import pytest

from evaluation.models import State
from evaluation.peers import MIN_PEERS, peer_standings
from evaluation.selectors import assessment_results
from portal.models import City, IndustryType, SizeClass

from .conftest import login
from .factories import evaluated_assessment

# Enterprise A's submitted current year (tests/conftest.py): 15000 万元 / 400 people, and
# 10 defective of 5000 inspected.
OWN_PRODUCTIVITY = 37.5  # 万元/人, better higher
OWN_DEFECT_RATE = 0.2  # %, better lower


def peers(of, productivity: list, defect_rate: list | None = None, *, batch=None, **fields):
    """One evaluated peer of the assessment ``of`` per value: by default in its batch, with
    its enterprise's industry type and size class, in another city."""
    defect_rate = defect_rate or [None] * len(productivity)
    fields = {
        "industry_type": of.enterprise.industry_type,
        "size": of.enterprise.size,
        "city": City.NANJING,
        **fields,
    }
    return [
        evaluated_assessment(
            batch or of.batch, current={"labor_productivity": p, "defect_rate": d}, **fields
        )
        for p, d in zip(productivity, defect_rate, strict=True)
    ]


def standing(assessment, code: str):
    rows = assessment_results(assessment).indicators
    return next(s for s in peer_standings(assessment=assessment, rows=rows) if s.code == code)


@pytest.mark.django_db
def test_four_peers_are_too_few_five_are_compared(submitted):
    assert MIN_PEERS == 5
    peers(submitted, [10, 20, 30, 40])
    four = standing(submitted, "labor_productivity")
    assert four.peers == 4
    assert not four.comparable and four.median is None and four.better_than is None

    peers(submitted, [50])
    five = standing(submitted, "labor_productivity")
    assert five.peers == 5 and five.comparable
    assert five.median == 30
    assert five.better_than == 60  # 37.5 beats 10, 20 and 30 of the five


@pytest.mark.django_db
def test_the_enterprise_itself_is_never_its_own_peer(submitted):
    """A's own stored evaluation has a value for every indicator; it is not counted."""
    peers(submitted, [10, 20, 30, 40])
    assert submitted.evaluation.indicators["current"]["value"][0] is not None
    assert standing(submitted, "labor_productivity").peers == 4


@pytest.mark.django_db
def test_only_submitted_peers_of_the_same_industry_type_size_class_and_batch(submitted, catalog):
    from scenarios.models import Batch

    batch = submitted.batch
    peers(submitted, [10, 20, 30, 40])
    peers(submitted, [1, 1, 1], size=SizeClass.LARGE)
    peers(submitted, [1, 1, 1], industry_type=IndustryType.PROCESS)
    evaluated_assessment(batch, state=State.DRAFT, current={"labor_productivity": 1})
    other_batch = Batch.objects.create(
        year=batch.year - 1,
        name="上一批次",
        catalog_version=catalog,
        opens_at=batch.opens_at,
        closes_at=batch.closes_at,
    )
    peers(submitted, [1, 1, 1], batch=other_batch)
    peers(submitted, [None, None])  # peers without a value for this indicator
    result = standing(submitted, "labor_productivity")
    assert result.peers == 4 and not result.comparable


@pytest.mark.django_db
def test_percentile_follows_the_direction_of_the_indicator(submitted):
    peers(
        submitted,
        productivity=[10, 20, 40, 50, 60],  # higher is better: 37.5 beats 10 and 20
        defect_rate=["0.1", "0.15", "0.3", "0.4", "0.5"],  # lower is better: 0.2 beats three
    )
    productivity = standing(submitted, "labor_productivity")
    assert productivity.direction == "higher" and float(productivity.value) == OWN_PRODUCTIVITY
    assert productivity.better_than == 40 and productivity.median == 40
    defect = standing(submitted, "defect_rate")
    assert defect.direction == "lower" and float(defect.value) == OWN_DEFECT_RATE
    assert defect.better_than == 60 and defect.median == pytest.approx(0.3)


@pytest.mark.django_db
def test_ties_are_not_beaten_and_the_median_of_an_even_count_is_interpolated(submitted):
    peers(submitted, [OWN_PRODUCTIVITY, OWN_PRODUCTIVITY, 10, 20, 30, 100])
    result = standing(submitted, "labor_productivity")
    assert result.peers == 6
    assert result.better_than == 50  # beats 10, 20 and 30; not the two equal to it
    assert result.median == pytest.approx((30 + OWN_PRODUCTIVITY) / 2)


@pytest.mark.django_db
def test_overview_page_shows_percentile_median_or_too_few_but_no_peer(client, submitted, admin_a):
    names = [
        p.enterprise.name for p in peers(submitted, [10, 20, 30, 40, 50], defect_rate=["0.1"] * 5)
    ]
    # Four peers report an OEE: too few for that indicator.
    for p in peers(submitted, [None] * 4):
        p.evaluation.indicators["current"]["value"][6] = "80"
        p.evaluation.save()
    response = login(client, admin_a).get(f"/assessments/{submitted.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="peer-benchmark"' in html
    assert "优于 60% 的同行" in html
    assert "同行不足 5 家，暂不比较" in html
    assert not any(name in html for name in names)
    oee = response.context["peers"][6]
    assert oee.code == "oee" and oee.peers == 4 and not oee.comparable


@pytest.mark.django_db
def test_a_draft_is_compared_with_its_live_values(client, assessment, admin_a):
    peers(assessment, [10, 20, 30, 40, 50])
    response = login(client, admin_a).get(f"/assessments/{assessment.pk}/")
    assert "优于 60% 的同行" in response.content.decode()


# --- the API -----------------------------------------------------------------------------------


def url(assessment) -> str:
    return f"/api/v1/assessments/{assessment.pk}/benchmark/"


@pytest.mark.django_db
def test_api_gives_aggregates_only(api_client, submitted, admin_a):
    peers(submitted, [10, 20, 30, 40, 50], defect_rate=["0.1", "0.3", None, None, None])
    api_client.force_authenticate(admin_a)
    response = api_client.get(url(submitted))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["industry_type"] == "discrete" and body["size"] == "medium"
    assert body["min_peers"] == 5 and len(body["indicators"]) == 19
    productivity = body["indicators"][0]
    assert productivity == {
        "no": 1,
        "code": "labor_productivity",
        "name": productivity["name"],
        "unit": productivity["unit"],
        "direction": "higher",
        "decimals": productivity["decimals"],
        "value": productivity["value"],
        "peers": 5,
        "comparable": True,
        "median": 30.0,
        "better_than": 60,
    }
    assert float(productivity["value"]) == OWN_PRODUCTIVITY
    defect = next(i for i in body["indicators"] if i["code"] == "defect_rate")
    assert defect["peers"] == 2 and defect["median"] is None and defect["better_than"] is None


@pytest.mark.django_db
def test_api_permissions(
    api_client,
    submitted,
    admin_a,
    member_a,
    admin_b,
    expert,
    city_reviewer_suzhou,
    city_reviewer_nanjing,
    province_admin,
):
    assert api_client.get(url(submitted)).status_code in (401, 403)
    for user, expected in [
        (admin_a, 200),
        (member_a, 200),
        (admin_b, 404),  # another enterprise's assessment is not found, not forbidden
        (expert, 404),
        (city_reviewer_nanjing, 404),
        (city_reviewer_suzhou, 200),
        (province_admin, 200),
    ]:
        api_client.force_authenticate(user)
        assert api_client.get(url(submitted)).status_code == expected, user.username


@pytest.mark.django_db
def test_the_peer_query_count_does_not_grow_with_peers(
    api_client, submitted, admin_a, django_assert_max_num_queries
):
    api_client.force_authenticate(admin_a)
    peers(submitted, [1, 2, 3])
    with django_assert_max_num_queries(100) as few:
        api_client.get(url(submitted))
    peers(submitted, list(range(30)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api_client.get(url(submitted)).status_code == 200


@pytest.mark.django_db
def test_schema_documents_the_benchmark(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    served = schema.content.decode()
    assert "/api/v1/assessments/{id}/benchmark/" in served
    assert "PeerBenchmark" in served and "better_than" in served
