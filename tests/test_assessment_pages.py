"""The enterprise's assessment pages: start one for the open batch, see its progress and results."""

import pytest

from evaluation import services
from evaluation.models import Assessment

from .conftest import login
from .services.conftest import IMPL


@pytest.mark.django_db
def test_an_enterprise_starts_its_assessment_once(client, admin_a, open_batch):
    login(client, admin_a)
    home = client.get("/").content.decode()
    assert "开始自评估" in home and open_batch.name in home
    response = client.post("/assessments/start/", {"batch": open_batch.pk})
    assessment = Assessment.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assessments/{assessment.pk}/"
    assert "开始自评估" not in client.get("/").content.decode()
    assert client.post("/assessments/start/", {"batch": open_batch.pk}).status_code == 404
    assert Assessment.objects.count() == 1


@pytest.mark.django_db
def test_only_enterprise_users_start_and_only_with_post(client, expert, admin_a, open_batch):
    login(client, expert)
    assert client.post("/assessments/start/", {"batch": open_batch.pk}).status_code == 403
    client.logout()
    login(client, admin_a)
    assert client.get("/assessments/start/").status_code == 405
    assert not Assessment.objects.exists()


@pytest.mark.django_db
def test_overview_shows_progress_problems_and_results(client, assessment, admin_a, member_a):
    services.scenario_answer_set(
        assessment=assessment, actor=admin_a, scenario_no=9, data={"status": "implemented"}
    )
    services.evaluation_refresh(assessment=assessment)
    login(client, member_a)
    html = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert "8 / 45" in html and "已实施 8 个" in html
    assert "未填写建设内容" in html  # scenario 9 has no description yet
    assert "智能车间" in html and "全员劳动生产率" in html


@pytest.mark.django_db
def test_overview_is_404_for_other_tenants_and_anonymous_is_sent_to_login(
    client, assessment, admin_b, city_reviewer_suzhou, expert
):
    url = f"/assessments/{assessment.pk}/"
    assert client.get(url).status_code == 302
    for outsider in (admin_b, city_reviewer_suzhou, expert):  # a draft is the enterprise's own
        login(client, outsider)
        assert client.get(url).status_code == 404, outsider
        client.logout()


@pytest.mark.django_db
def test_english_overview(client, assessment, admin_a):
    services.scenario_answer_set(assessment=assessment, actor=admin_a, scenario_no=9, data=IMPL)
    login(client, admin_a)
    client.cookies["django_language"] = "en"
    html = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert "Typical scenario" in html and "Ready to submit." in html
    assert "Self-assessment" in html
