"""The site visit through the pages and the API: the province sends experts from the decision
page and reads the finding there, in the decisions list, API and exports; the visiting expert
records and submits after confirming; only the visit's experts reach it; the enterprise never
learns who visited."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.models import City, Role
from review import services as rs
from review.models import SiteVisit
from scenarios.models import Batch, SiteVisitRule

from .conftest import api_token, complete_review, login
from .factories import UserFactory
from .services.conftest import PDF
from .test_report import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor(db):
    return UserFactory(
        username="visitor",
        first_name="核查",
        last_name="王",
        role=Role.EXPERT,
        employer="常州大学",
        city=City.CHANGZHOU,
    )


@pytest.fixture
def reviewed(under_review):
    for assignment in under_review.assignments.all():
        complete_review(assignment)
    Batch.objects.filter(pk=under_review.batch_id).update(site_visit=SiteVisitRule.ALL)
    under_review.refresh_from_db()
    return under_review


def detail(a) -> str:
    return f"/review/assessments/{a.pk}/"


def test_the_province_sends_experts_and_decides_once_the_report_is_in(
    client, reviewed, visitor, province_admin, experts, admin_a
):
    login(client, province_admin)
    html = client.get(detail(reviewed)).content.decode()
    assert 'data-testid="site-visit-assign-form"' in html
    assert 'data-testid="decide-form"' not in html  # the page offers what the service allows
    assert "现场核查报告提交前不能作出认定决定" in html
    refused = client.post(
        f"/review/assessments/{reviewed.pk}/decide/",
        {"outcome": "approved", "tier": "workshop", "reason": "同意", "confirmed": "1"},
    )
    assert refused.status_code == 409
    insider = UserFactory(username="insider", role=Role.EXPERT, employer="甲企业")
    response = client.post(
        f"/review/assessments/{reviewed.pk}/site-visit/assign/", {"experts": [insider.pk]}
    )
    assert response.status_code == 400 and "专家的工作单位即申报企业" in response.content.decode()
    assert not SiteVisit.objects.exists()
    response = client.post(
        f"/review/assessments/{reviewed.pk}/site-visit/assign/", {"experts": [visitor.pk]}
    )
    assert response.status_code == 302
    visit = SiteVisit.objects.get(assessment=reviewed)

    # the visiting expert: their list, the page (the applicant named: they go there), a bad
    # photo named on its field, then the report submitted after the confirmation page
    expert_client = login(client.__class__(), visitor)
    assert 'data-testid="expert-visits"' in expert_client.get("/").content.decode()
    assert "甲企业" in expert_client.get("/review/site-visits/").content.decode()
    page = f"/review/site-visits/{visit.pk}/"
    visit_page = expert_client.get(page).content.decode()
    assert "甲企业" in visit_page and 'data-testid="visit-claim-' in visit_page
    bad = expert_client.post(f"{page}photos/", {"photo": SimpleUploadedFile("现场.jpg", PDF)})
    assert bad.status_code == 400 and "文件内容与扩展名 .jpg 不符" in bad.content.decode()
    claimed = rs.claimed_scenarios(reviewed)
    data = {
        **{f"check-{no}-result": "matches" for no in claimed},
        f"check-{claimed[0]}-notes": "MES 实时采集产线数据。",
        "finding": "reservations",
        "finding_text": "夜班数据采集尚未覆盖。",
    }
    asked = expert_client.post(f"{page}submit/", data)
    assert asked.status_code == 200 and "确认提交核查报告" in asked.content.decode()
    visit.refresh_from_db()
    assert not visit.is_submitted
    assert expert_client.post(f"{page}submit/", {**data, "confirmed": "1"}).status_code == 302
    visit.refresh_from_db()
    assert visit.is_submitted
    assert expert_client.post(page, data).status_code == 409  # final
    other = login(client.__class__(), experts[0])
    assert other.get(page).status_code == 404  # not sent on it

    # the province reads the finding beside the material review, and may decide
    html = client.get(detail(reviewed)).content.decode()
    finding = html[html.index('data-testid="site-visit-finding"') :]
    assert "基本属实，有保留意见" in finding and "夜班数据采集尚未覆盖。" in finding
    assert "MES 实时采集产线数据。" in html
    assert visitor.get_full_name() in html
    assert 'data-testid="decide-form"' in html
    decisions = client.get(f"/review/batches/{reviewed.batch_id}/decisions/").content.decode()
    assert "基本属实，有保留意见" in decisions
    exported = client.get(f"/review/batches/{reviewed.batch_id}/decisions.csv")
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0]["现场核查"] == "基本属实，有保留意见：夜班数据采集尚未覆盖。"
    summary = client.get(f"/review/batches/{reviewed.batch_id}/summary.csv")
    rows = list(csv.DictReader(io.StringIO(summary.content.decode("utf-8-sig"))))
    assert rows[0]["企业"] == "甲企业" and rows[0]["现场核查"].startswith("基本属实")
    assert rows[0]["专家建议层级"] and rows[0]["平均分"]
    printed = client.get(f"/review/batches/{reviewed.batch_id}/summary.pdf")
    text = "".join(pdf_text(printed.content, "-raw").split())
    assert "批次汇总（决策会议）" in text and "甲企业" in text and "基本属实" in text

    api = client.__class__()
    headers = {"HTTP_AUTHORIZATION": f"Token {api_token(province_admin)}"}
    body = api.get(f"/api/v1/review/assessments/{reviewed.pk}/", **headers).json()
    assert body["site_visit"]["finding"]["finding"] == "reservations"
    assert body["site_visit"]["visitors"]
    listed = api.get(f"/api/v1/review/batches/{reviewed.batch_id}/decisions/", **headers).json()
    assert listed["results"][0]["site_visit"]["finding"] == "reservations"

    # the enterprise learns nothing of who visited
    enterprise = login(client.__class__(), admin_a)
    overview = enterprise.get(f"/assessments/{reviewed.pk}/").content.decode()
    assert "visitor" not in overview and "王核查" not in overview and "常州大学" not in overview
    assert enterprise.get(page).status_code == 403
    log = enterprise.get("/audit-log/").content.decode()
    assert "visitor" not in log


def test_the_visit_is_assigned_recorded_and_submitted_through_the_api(
    reviewed, visitor, province_admin, experts
):
    from .conftest import api_as

    province, expert = api_as(province_admin), api_as(visitor)
    assign = f"/api/v1/review/assessments/{reviewed.pk}/site-visit/"
    refused = province.post(assign, {"experts": [province_admin.pk]}, format="json")
    assert refused.status_code == 400 and "不是评审专家" in str(refused.json()["experts"])
    assert not SiteVisit.objects.filter(assessment=reviewed).exists()  # nothing half-made
    sent = province.post(assign, {"experts": [visitor.pk]}, format="json")
    assert sent.status_code == 200 and sent.json()["visitors"] == [visitor.get_full_name()]
    visit = sent.json()["id"]
    assert [v["id"] for v in expert.get("/api/v1/review/site-visits/").json()["results"]] == [visit]
    assert api_as(experts[1]).get(f"/api/v1/review/site-visits/{visit}/").status_code == 404

    url = f"/api/v1/review/site-visits/{visit}/"
    claimed = expert.get(url).json()["claimed"]
    bad = expert.post(
        f"{url}report/", {"checks": {str(claimed[0]): {"result": "maybe"}}}, format="json"
    )
    assert bad.status_code == 400 and f"checks.{claimed[0]}.result" in bad.json()
    draft = {"checks": {str(claimed[0]): {"result": "matches", "notes": "产线运行正常。"}}}
    assert expert.post(f"{url}report/", draft, format="json").status_code == 200
    incomplete = expert.post(f"{url}submit/", draft, format="json")
    assert incomplete.status_code == 400 and "finding" in incomplete.json()
    assert SiteVisit.objects.get(pk=visit).submitted_at is None
    complete = {
        "checks": {str(no): {"result": "matches"} for no in claimed},
        "finding": "confirmed",
    }
    done = expert.post(f"{url}submit/", complete, format="json")
    assert done.status_code == 200 and done.json()["submitted_at"]
    assert expert.post(f"{url}report/", complete, format="json").status_code == 409
    assert province.post(f"{url}report/", complete, format="json").status_code == 403


def test_the_site_visit_list_asks_the_same_queries_however_many_visits(
    reviewed, visitor, experts, province_admin, enterprise_b
):
    """Each visit's experts come with the list, not one query per visit."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evaluation.models import Assessment, State

    from .conftest import api_as

    province = api_as(province_admin)

    def listed() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            answer = province.get("/api/v1/review/site-visits/")
        assert answer.status_code == 200
        return answer.json()["count"], len(queries)

    rs.site_visit_assign(assessment=reviewed, actor=province_admin, experts=[visitor])
    listed()  # the token's first use is recorded once (an update), not counted below
    one = listed()
    other = Assessment.objects.create(
        enterprise=enterprise_b,
        batch=reviewed.batch,
        current_year=reviewed.current_year,
        base_year=reviewed.base_year,
        state=State.UNDER_REVIEW,
        applicant_name="乙公司",
    )
    SiteVisit.objects.create(assessment=other).visitors.set([visitor, experts[2]])
    two = listed()
    assert (one[0], two[0]) == (1, 2)
    assert two[1] == one[1]
    visitors = {
        v["id"]: v["visitors"]
        for v in province.get("/api/v1/review/site-visits/").json()["results"]
    }
    assert sorted(map(len, visitors.values())) == [1, 2]
