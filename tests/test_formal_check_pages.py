"""The formal check's pages: the province's queue and checklist with its pass and return forms
(asked first), the enterprise's checklist and figures before it submits, and the API's bad
figures."""

import pytest
from django.utils import timezone

from evaluation.models import DocumentKind, Evidence, State

from .conftest import api_token, login
from .test_review_pages import html_of

pytestmark = pytest.mark.django_db


def test_the_province_returns_the_missing_items_through_the_page(
    client, recommended, province_admin
):
    Evidence.objects.filter(assessment=recommended, document=DocumentKind.BUSINESS_LICENCE).update(
        removed_at=timezone.now()
    )
    login(client, province_admin)
    queue = html_of(client.get(f"/review/batches/{recommended.batch_id}/formal-check/"))
    assert f'data-testid="formal-check-row-{recommended.pk}"' in queue and "缺 1 项" in queue
    url = f"/review/assessments/{recommended.pk}/formal-check/"
    page = html_of(client.get(url))
    assert "未上传营业执照。" in page
    assert 'data-testid="formal-check-pass-form"' not in page  # nothing to pass while missing
    data = {"action": "return", "items": ["business_licence"], "note-business_licence": ""}
    asked = client.post(url, data)
    assert asked.status_code == 200 and "确认退回" in html_of(asked)  # no JavaScript: asked first
    recommended.refresh_from_db()
    assert recommended.state == State.CITY_RECOMMENDED
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    recommended.refresh_from_db()
    assert recommended.state == State.RETURNED
    assert recommended.recommendations.get(item="business_licence").comment == (
        "营业执照：未上传营业执照。"
    )


def test_the_enterprise_sees_its_checklist_and_enters_its_figures(client, assessment, admin_a):
    login(client, admin_a)
    url = f"/assessments/{assessment.pk}/submit/"
    page = html_of(client.get(url))
    assert 'data-testid="formal-checklist"' in page and "申报承诺在提交时签署。" in page
    response = client.post(
        url, {"action": "eligibility", "cmmm_level": "6", "self_test_score": "101"}
    )
    assert response.status_code == 422
    page = html_of(response)
    assert "CMMM 自评等级应为 1 到 5 的整数。" in page and "在线自测得分应为 0 到 100" in page
    assessment.refresh_from_db()
    assert assessment.cmmm_level == 3  # nothing saved
    response = client.post(
        url, {"action": "eligibility", "cmmm_level": "2", "self_test_score": "65"}
    )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.cmmm_level == 2


def test_the_api_names_bad_figures_and_shows_the_checklist(assessment, admin_a, admin_b):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(admin_a)}")
    url = f"/api/v1/assessments/{assessment.pk}/"
    r = client.patch(url, {"cmmm_level": 6, "self_test_score": 101}, format="json")
    assert r.status_code == 400 and set(r.json()) >= {"cmmm_level", "self_test_score"}, r.json()
    r = client.get(url + "checklist/")
    assert r.status_code == 200
    assert [i["key"] for i in r.json()["items"] if not i["ok"]] == ["declarations"]
    assert r.json()["allowed_tier"] == "benchmark"
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {api_token(admin_b)}")
    assert other.get(url + "checklist/").status_code == 404
