"""The province dashboard: every figure against a hand-counted batch, the city reviewer's
scope, who may see it, and a number of queries that does not grow with the assessments."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evaluation.models import Assessment
from portal.models import City, IndustryType, SizeClass
from reports.dashboard import dashboard
from scenarios.models import Batch

from .conftest import login
from .factories import EnterpriseFactory, evaluated_assessment

DISCRETE, PROCESS, MIXED = IndustryType.DISCRETE, IndustryType.PROCESS, IndustryType.MIXED
LARGE, MEDIUM, SMALL = SizeClass.LARGE, SizeClass.MEDIUM, SizeClass.SMALL


@pytest.fixture
def batch(open_batch):
    """Seven assessments (one a draft, one not evaluated yet), and one in another batch.

    | # | city    | industry | size   | state            | tier computed | decided  | implemented | productivity | OEE |
    |---|---------|----------|--------|------------------|---------------|----------|-------------|--------------|-----|
    | 1 | Suzhou  | discrete | medium | submitted        | workshop      |          | 1 2 3       | 10           | 80  |
    | 2 | Suzhou  | discrete | small  | city_recommended | factory       |          | 1 2         | 20           | 60  |
    | 3 | Suzhou  | process  | medium | approved         | benchmark     | factory  | 1           | 30           | 90  |
    | 4 | Nanjing | discrete | medium | rejected         | (none)        |          | 1 45        | 40           | 70  |
    | 5 | Nanjing | mixed    | large  | under_review     | workshop      |          | 2           |              | 50  |
    | 6 | Suzhou  | discrete | medium | draft            | workshop      |          | 1 2 3 4 5   | 1000         | 99  |
    | 7 | Wuxi    | process  | small  | submitted        | (not evaluated)                                       |
    """
    rows = [
        (City.SUZHOU, DISCRETE, MEDIUM, "submitted", "workshop", "", [1, 2, 3], 10, 80),
        (City.SUZHOU, DISCRETE, SMALL, "city_recommended", "factory", "", [1, 2], 20, 60),
        (City.SUZHOU, PROCESS, MEDIUM, "approved", "benchmark", "factory", [1], 30, 90),
        (City.NANJING, DISCRETE, MEDIUM, "rejected", "", "", [1, 45], 40, 70),
        (City.NANJING, MIXED, LARGE, "under_review", "workshop", "", [2], None, 50),
        (City.SUZHOU, DISCRETE, MEDIUM, "draft", "workshop", "", [1, 2, 3, 4, 5], 1000, 99),
    ]
    for city, industry, size, state, tier, decided, implemented, productivity, oee in rows:
        evaluated_assessment(
            open_batch,
            state=state,
            highest_tier=tier,
            decided_tier=decided,
            implemented=implemented,
            current={"labor_productivity": productivity, "oee": oee},
            city=city,
            industry_type=industry,
            size=size,
        )
    wuxi = EnterpriseFactory(city=City.WUXI, industry_type=PROCESS, size=SMALL)
    Assessment.objects.create(enterprise=wuxi, batch=open_batch, state="submitted")
    earlier = Batch.objects.create(
        year=open_batch.year - 1,
        name="上一批次",
        catalog_version=open_batch.catalog_version,
        opens_at=open_batch.opens_at - timedelta(days=365),
        closes_at=open_batch.closes_at - timedelta(days=365),
    )
    evaluated_assessment(earlier, implemented=[4], current={"labor_productivity": 5})
    return open_batch


def figures(user, batch):
    return dashboard(user=user, batch=batch)


def distribution(data, code: str, grouping: str) -> dict:
    indicator = next(d for d in data.indicators if d.definition.code == code)
    return {q.group: (q.n, q.q1, q.median, q.q3) for q in getattr(indicator, grouping)}


@pytest.mark.django_db
def test_counts_for_the_province(batch, province_admin):
    counts = figures(province_admin, batch).counts
    assert (counts.total, counts.submitted, counts.decided, counts.approved) == (7, 6, 2, 1)
    assert counts.by_state == [
        ("草稿", 1),
        ("已提交", 2),
        ("市级已推荐", 1),
        ("专家评审中", 1),
        ("已认定", 1),
        ("未通过", 1),
    ]
    assert counts.by_city == [("苏州市", 4), ("南京市", 2), ("无锡市", 1)]
    assert counts.by_tier_applied == [
        ("智能车间", 2),
        ("智能工厂", 1),
        ("标杆企业", 1),
        ("未达到", 1),
        ("尚未计算", 1),
    ]
    assert counts.by_tier_decided == [
        ("智能车间", 0),
        ("智能工厂", 1),
        ("标杆企业", 0),
        ("不予认定", 1),
    ]


@pytest.mark.django_db
def test_scenario_adoption_among_submitted_assessments(batch, province_admin):
    adoption = figures(province_admin, batch).adoption
    shares = {a.no: (a.implemented, a.share) for a in adoption.scenarios}
    assert len(shares) == 45
    assert shares[1] == (4, 66.7)
    assert shares[2] == (3, 50.0)
    assert shares[3] == (1, 16.7)
    assert shares[45] == (1, 16.7)
    assert shares[4] == (0, 0.0)  # only the draft implemented it
    assert shares[5] == (0, 0.0)
    # Equal counts keep catalog order.
    assert [a.no for a in adoption.most] == [1, 2, 3, 45, 4, 5, 6, 7, 8, 9]
    assert [a.no for a in adoption.least] == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]

    by_city = adoption.by_city
    assert by_city.columns == [("南京市", 2), ("无锡市", 1), ("苏州市", 3)]
    cells = {a.no: [c.share for c in row] for a, row in by_city.rows}
    assert cells[1] == [50.0, 0.0, 100.0]
    assert cells[2] == [50.0, 0.0, 66.7]
    assert cells[45] == [50.0, 0.0, 0.0]

    by_industry = adoption.by_industry
    assert by_industry.columns == [("离散型", 3), ("流程型", 2), ("混合型", 1)]
    cells = {a.no: [c.share for c in row] for a, row in by_industry.rows}
    assert cells[1] == [100.0, 50.0, 0.0]
    assert cells[2] == [66.7, 0.0, 100.0]
    assert cells[45] == [33.3, 0.0, 0.0]


@pytest.mark.django_db
def test_indicator_quartiles_by_industry_type_and_size_class(batch, province_admin):
    data = figures(province_admin, batch)
    assert [d.definition.no for d in data.indicators] == list(range(1, 20))
    # Linear interpolation: [10, 20, 40] → Q1 at position 0.5, the median at 1, Q3 at 1.5.
    assert distribution(data, "labor_productivity", "by_industry") == {
        "离散型": (3, 15.0, 20.0, 30.0),
        "流程型": (1, 30.0, 30.0, 30.0),
        "混合型": (0, None, None, None),
    }
    assert distribution(data, "labor_productivity", "by_size") == {
        "大型": (0, None, None, None),
        "中型": (3, 20.0, 30.0, 35.0),
        "小型": (1, 20.0, 20.0, 20.0),
        "微型": (0, None, None, None),
    }
    assert distribution(data, "oee", "by_industry") == {
        "离散型": (3, 65.0, 70.0, 75.0),
        "流程型": (1, 90.0, 90.0, 90.0),
        "混合型": (1, 50.0, 50.0, 50.0),
    }
    assert distribution(data, "oee", "by_size")["中型"] == (3, 75.0, 80.0, 85.0)
    assert distribution(data, "defect_rate", "by_industry")["离散型"] == (0, None, None, None)


@pytest.mark.django_db
def test_a_city_reviewer_sees_its_own_city_and_no_drafts(
    batch, city_reviewer_suzhou, city_reviewer_nanjing
):
    data = figures(city_reviewer_suzhou, batch)
    counts = data.counts
    assert (counts.total, counts.submitted) == (3, 3)
    assert counts.by_state == [("已提交", 1), ("市级已推荐", 1), ("已认定", 1)]
    assert counts.by_city == [("苏州市", 3)]
    shares = {a.no: a.share for a in data.adoption.scenarios}
    assert (shares[1], shares[2], shares[3], shares[4]) == (100.0, 66.7, 33.3, 0.0)
    assert data.adoption.by_city.columns == [("苏州市", 3)]
    assert distribution(data, "labor_productivity", "by_industry")["离散型"] == (
        2,
        12.5,
        15.0,
        17.5,
    )

    nanjing = figures(city_reviewer_nanjing, batch).counts
    assert nanjing.by_city == [("南京市", 2)] and nanjing.total == 2


@pytest.mark.django_db
def test_a_batch_without_submissions(open_batch, province_admin):
    evaluated_assessment(open_batch, state="draft", implemented=[1])
    data = figures(province_admin, open_batch)
    assert (data.counts.total, data.counts.submitted) == (1, 0)
    assert data.adoption.most == [] and data.adoption.least == []
    assert all(a.share is None for a in data.adoption.scenarios)
    assert data.adoption.by_city.columns == []
    assert distribution(data, "oee", "by_industry")["离散型"] == (0, None, None, None)


# --- the page ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_page_shows_the_latest_batch_by_default_and_another_on_request(
    client, batch, province_admin
):
    latest = Batch.objects.create(
        year=batch.year + 1,
        name="下一批次",
        catalog_version=batch.catalog_version,
        opens_at=batch.opens_at,
        closes_at=batch.closes_at,
    )
    login(client, province_admin)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    assert response.context["batch"] == latest and response.context["data"].counts.total == 0
    response = client.get(f"/dashboard/?batch={batch.pk}")
    html = response.content.decode()
    assert response.context["data"].counts.total == 7
    for testid in ("by-state", "by-city", "most-adopted", "least-adopted", "adoption-by-city"):
        assert f'data-testid="{testid}"' in html
    assert 'data-testid="distribution-labor_productivity"' in html
    assert "<svg" in html and "车间智能排产" in html
    # the batch is chosen with a button (JavaScript or not), not as soon as the select changes
    form = re.search(r'data-testid="batch-form">(.*?)</form>', html, re.S)[1]
    assert 'name="batch"' in form and 'type="submit"' in form and "noscript" not in form
    assert client.get("/dashboard/?batch=999999").status_code == 404
    assert client.get("/dashboard/?batch=x").status_code == 404


@pytest.mark.django_db
def test_page_without_any_batch(client, province_admin):
    response = login(client, province_admin).get("/dashboard/")
    assert response.status_code == 200 and "还没有申报批次" in response.content.decode()


@pytest.mark.django_db
def test_who_may_see_the_dashboard(
    client, batch, admin_a, member_a, expert, city_reviewer_suzhou, province_admin
):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    for user, status in [
        (admin_a, 403),
        (member_a, 403),
        (expert, 403),
        (city_reviewer_suzhou, 200),
        (province_admin, 200),
    ]:
        login(client, user)
        assert client.get("/dashboard/").status_code == status, user.username
        home = client.get("/").content.decode()
        assert ('href="/dashboard/"' in home) == (status == 200), user.username


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_assessments(client, open_batch, province_admin):
    login(client, province_admin)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dashboard/").status_code == 200
        return len(captured.captured_queries)

    def add(n: int):
        for i in range(n):
            evaluated_assessment(
                open_batch,
                state=["submitted", "approved", "draft"][i % 3],
                implemented=[1 + i % 45],
                current={"oee": 50 + i},
                city=City.values[i % len(City.values)],
                industry_type=IndustryType.values[i % 3],
                size=SizeClass.values[i % 4],
            )

    add(3)
    few = queries()
    add(27)
    assert queries() == few
