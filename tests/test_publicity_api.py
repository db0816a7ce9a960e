"""The 公示 in the API: publishing with a period, contact and an explicit partial publication,
the public list's period and status, and the province's objection endpoints."""

from datetime import timedelta

import pytest
from django.utils import timezone

from evaluation.models import State
from review.models import Objection

from .publicity import approve, lodge, publish_now
from .services.test_review_workflow import quick_assessment
from .test_review_api import API, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(under_review, province_admin):
    return approve(under_review, province_admin)


def test_publish_with_a_period_and_contact_and_partial_only_when_asked(approved, province_admin):
    batch = approved.batch
    quick_assessment(batch, name="无锡丙精密有限公司")  # undecided
    url = f"{API}/review/batches/{batch.pk}/publish/"
    start = timezone.localdate() + timedelta(days=1)
    body = {
        "starts_on": start.isoformat(),
        "ends_on": (start + timedelta(days=9)).isoformat(),
        "contact_department": "江苏省工业和信息化厅",
        "contact_phone": "025-83331234",
        "contact_email": "gongshi@example.gov.cn",
    }
    province = client_for(province_admin)
    refused = province.post(url, body, format="json")
    assert refused.status_code == 409 and "无锡丙精密有限公司" in refused.json()["partial"][0]
    bad = province.post(url, body | {"partial": True, "contact_phone": "1"}, format="json")
    assert bad.status_code == 400 and "contact_phone" in bad.json()

    done = province.post(url, body | {"partial": True}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["publicity_starts_on"] == start.isoformat()
    assert done.json()["publicity_contact_email"] == "gongshi@example.gov.cn"

    public = client_for().get(f"{API}/public/batches/{batch.pk}/list/").json()
    assert public["publicity"]["status"] == "upcoming"
    assert public["publicity"]["contact_phone"] == "025-83331234"
    assert [r["enterprise"] for r in public["results"]] == ["甲企业"]


def test_the_province_lists_and_resolves_objections(approved, province_admin, admin_a):
    publish_now(approved.batch, province_admin)
    objection = lodge(approved)
    province = client_for(province_admin)
    listed = province.get(f"{API}/review/objections/?batch={approved.batch_id}&status=pending")
    assert listed.status_code == 200 and listed.json()["count"] == 1
    row = listed.json()["results"][0]
    assert row["objector_name"] == "王五" and row["enterprise"] == "甲企业"
    assert row["letter_url"] == f"/review/objections/{objection.pk}/letter/"
    assert client_for(admin_a).get(f"{API}/review/objections/").status_code == 403

    url = f"{API}/review/objections/{objection.pk}/resolve/"
    assert province.post(url, {"outcome": "upheld"}, format="json").status_code == 400
    done = province.post(url, {"outcome": "upheld", "reason": "经核查属实。"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "upheld"
    approved.refresh_from_db()
    assert approved.state == State.UNDER_REVIEW
    again = province.post(url, {"outcome": "dismissed", "reason": "再议"}, format="json")
    assert again.status_code == 409
    assert Objection.objects.get().resolution == "经核查属实。"
