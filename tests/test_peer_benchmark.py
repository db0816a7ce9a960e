"""Peer benchmarking: which quarter of the other submitted assessments of its batch with the
same industry type and size class an enterprise's current-year indicators fall in
(tests/security/test_peer_oracle.py: a sweep of the own value learns no peer's value)."""

from decimal import Decimal

import pytest

from evaluation.models import State
from evaluation.peers import MIN_PEERS, band_boundaries, peer_standings
from evaluation.selectors import assessment_results
from portal.models import IndustryType, SizeClass

from .conftest import login
from .factories import evaluated_assessment
from .factories import evaluated_peers as peers

# Enterprise A's submitted current year (tests/conftest.py): 15000 万元 / 400 people, and
# 10 defective of 5000 inspected.
OWN_PRODUCTIVITY = 37.5  # 万元/人, better higher
OWN_DEFECT_RATE = 0.2  # %, better lower


def standing(assessment, code: str):
    rows = assessment_results(assessment).indicators
    return next(s for s in peer_standings(assessment=assessment, rows=rows) if s.code == code)


@pytest.mark.django_db
def test_four_peers_are_too_few_five_are_compared(submitted):
    assert MIN_PEERS == 5
    peers(submitted, [10, 20, 30, 40])
    four = standing(submitted, "labor_productivity")
    assert not four.comparable and four.band is None and four.band_label == ""

    peers(submitted, [50])
    five = standing(submitted, "labor_productivity")
    assert five.comparable
    # boundaries 15, 35 and 45 (between 10|20, 30|40, 40|50): 37.5 is in the second quarter
    assert five.band == "upper_middle" and five.band_label == "同行前 25%–50%"


@pytest.mark.django_db
def test_the_enterprise_itself_is_never_its_own_peer(submitted):
    """A's own stored evaluation has a value for every indicator; it is not counted."""
    peers(submitted, [10, 20, 30, 40])
    assert submitted.evaluation.indicators["current"]["value"][0] is not None
    assert not standing(submitted, "labor_productivity").comparable
    peers(submitted, [50])
    assert standing(submitted, "labor_productivity").comparable


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
    assert not standing(submitted, "labor_productivity").comparable
    peers(submitted, [50])
    assert standing(submitted, "labor_productivity").comparable


@pytest.mark.django_db
def test_the_band_follows_the_direction_of_the_indicator(submitted):
    peers(
        submitted,
        productivity=[10, 20, 40, 50, 60],  # higher is better: 37.5 beats 10 and 20
        defect_rate=["0.1", "0.15", "0.3", "0.4", "0.5"],  # lower is better: 0.2 beats three
    )
    productivity = standing(submitted, "labor_productivity")
    assert productivity.direction == "higher" and float(productivity.value) == OWN_PRODUCTIVITY
    assert productivity.band == "lower_middle"
    defect = standing(submitted, "defect_rate")
    assert defect.direction == "lower" and float(defect.value) == OWN_DEFECT_RATE
    assert defect.band == "upper_middle"


@pytest.mark.parametrize(
    "values,boundaries",
    [
        # nine peers: the cuts after the 2nd, 5th and 7th fall in 14.02|19.9, 27.8|31.06 and
        # 36.5|41.23, not on the quartiles 19.9, 27.8 and 36.5 themselves
        (
            [11.37, 14.02, 19.9, 23.45, 27.8, 31.06, 36.5, 41.23, 48.77],
            ["17", "30", "40"],
        ),
        ([1, 2, 3, 4, 5], ["1.5", "3.5", "4.5"]),
        ([0.1, 0.15, 0.3, 0.4, 0.5], ["0.12", "0.35", "0.45"]),
        # a cut inside a run of equal values moves to the nearest gap beside the run
        ([10, 20, 30, 37.5, 37.5, 100], ["25", "34", "70"]),
        ([5, 5, 5, 5, 5, 5, 5, 5, 9], ["7", "7", "7"]),
        ([5, 5, 5, 5, 5], []),  # all equal: nothing to band by
        ([-3, -1, 0, 2, 95, 105], ["-0.5", "1", "1E+2"]),
    ],
)
def test_boundaries_sit_between_neighbouring_peer_values(values, boundaries):
    found = band_boundaries(values)
    assert found == tuple(Decimal(b) for b in boundaries)
    assert not {Decimal(str(v)) for v in values} & set(found)


@pytest.mark.django_db
def test_peers_all_equal_are_not_compared(submitted):
    peers(submitted, [20, 20, 20, 20, 20])
    result = standing(submitted, "labor_productivity")
    assert not result.comparable and result.band is None


@pytest.mark.django_db
def test_overview_page_shows_the_band_or_too_few_but_no_peer(client, submitted, admin_a):
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
    row = html.split('data-testid="peer-labor_productivity"', 1)[1].split("</tr>", 1)[0]
    assert "同行前 25%–50%" in row
    assert "同行不足 5 家有数据（或数值全部相同），暂不比较" in html
    assert not any(name in html for name in names)
    oee = response.context["peers"][6]
    assert oee.code == "oee" and not oee.comparable


@pytest.mark.django_db
def test_a_draft_is_compared_with_its_live_values(client, assessment, admin_a):
    peers(assessment, [10, 20, 30, 40, 50])
    response = login(client, admin_a).get(f"/assessments/{assessment.pk}/")
    assert response.context["peers"][0].band == "upper_middle"
    assert 'data-testid="peer-band">同行前 25%–50%' in response.content.decode()


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
    assert [b["code"] for b in body["bands"]] == ["top", "upper_middle", "lower_middle", "bottom"]
    productivity = body["indicators"][0]
    assert productivity == {
        "no": 1,
        "code": "labor_productivity",
        "name": productivity["name"],
        "unit": productivity["unit"],
        "direction": "higher",
        "decimals": productivity["decimals"],
        "value": productivity["value"],
        "comparable": True,
        "band": "upper_middle",
        "band_label": "同行前 25%–50%",
    }
    assert float(productivity["value"]) == OWN_PRODUCTIVITY
    defect = next(i for i in body["indicators"] if i["code"] == "defect_rate")
    assert not defect["comparable"] and defect["band"] is None


@pytest.mark.django_db
def test_a_submission_is_compared_within_the_group_it_applied_in(
    api_client, submitted, admin_a, enterprise_a
):
    """Peer groups read the applicant's frozen identity, not the profile as it is now."""
    peers(submitted, [10, 20, 30, 40, 50])
    peers(submitted, [1, 1, 1, 1, 1], size=SizeClass.LARGE)
    enterprise_a.__class__.objects.filter(pk=enterprise_a.pk).update(size=SizeClass.LARGE)
    assert standing(submitted, "labor_productivity").band == "upper_middle"
    api_client.force_authenticate(admin_a)
    body = api_client.get(url(submitted)).json()
    assert body["size"] == "medium" and body["indicators"][0]["band"] == "upper_middle"


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
    assert "PeerBenchmark" in served and "band_label" in served and "better_than" not in served
