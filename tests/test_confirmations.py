"""Irreversible actions ask first (portal.confirmation): the form carries what the dialog says,
and without JavaScript a valid, unconfirmed post gets a confirmation page that posts the same
fields again; nothing happens until it is confirmed."""

import re
from html import unescape

import pytest

from evaluation import services
from evaluation.models import Assessment, State
from review.models import Recommendation

from .conftest import login
from .services.conftest import DECLARED


def detail(a) -> str:
    return f"/review/assessments/{a.pk}/"


def hidden_fields(html: str) -> dict:
    form = html[html.index('data-testid="confirmation"') :]
    pairs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)
    return {name: unescape(value) for name, value in pairs if name != "csrfmiddlewaretoken"}


@pytest.fixture
def evaluated(submitted):
    services.evaluation_refresh(assessment=submitted)
    return Assessment.objects.get(pk=submitted.pk)


@pytest.mark.django_db
def test_the_form_carries_what_the_dialog_says(client, evaluated, city_reviewer_suzhou):
    login(client, city_reviewer_suzhou)
    html = client.get(detail(evaluated)).content.decode()
    form = html[html.index('data-testid="recommend-form"') :].split(">", 1)[0]
    assert "data-confirm-title=" in form and evaluated.applicant_name in form
    assert "省级评审" in unescape(form)  # what will happen


@pytest.mark.django_db
def test_without_javascript_the_page_asks_then_the_same_fields_act(
    client, evaluated, city_reviewer_suzhou
):
    login(client, city_reviewer_suzhou)
    url = f"{detail(evaluated)}recommend/"
    response = client.post(url, {"comment": '同意推荐 <b>&"</b>'})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="confirmation"' in html
    assert "企业将收到推荐通知。" in html and f'href="{detail(evaluated)}"' in html
    assert Assessment.objects.get(pk=evaluated.pk).state == State.SUBMITTED
    assert not Recommendation.objects.exists()
    fields = hidden_fields(html)
    assert fields == {"comment": '同意推荐 <b>&"</b>', "confirmed": "1"}
    response = client.post(url, fields)
    assert response.status_code == 302
    assert Assessment.objects.get(pk=evaluated.pk).state == State.CITY_RECOMMENDED
    assert Recommendation.objects.get().comment == '同意推荐 <b>&"</b>'


@pytest.mark.django_db
def test_an_invalid_form_shows_its_error_rather_than_asking(
    client, evaluated, city_reviewer_suzhou
):
    login(client, city_reviewer_suzhou)
    response = client.post(f"{detail(evaluated)}return/", {"comment": "  "})
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="confirmation"' not in html
    assert Assessment.objects.get(pk=evaluated.pk).state == State.SUBMITTED


@pytest.mark.django_db
def test_an_action_the_user_may_not_take_is_refused_not_asked(client, evaluated, province_admin):
    login(client, province_admin)
    response = client.post(f"{detail(evaluated)}recommend/", {"comment": "越级"})
    assert response.status_code == 403
    assert 'data-testid="confirmation"' not in response.content.decode()
    assert not Recommendation.objects.exists()


# --- the expert's review submit -------------------------------------------------------------------


def _complete_review_post(assignment) -> dict:
    from review import services as review_services

    assessment = assignment.assessment
    data = {"version": assignment.version, "opinion": "扎实。", "recommended_tier": "workshop"}
    for no in review_services.claimed_scenarios(assessment):
        data[f"verdict-{no}-accepted"] = "1"
    for c in assessment.batch.rubric.all():
        data[f"score-{c.pk}"] = "8"
    return data


@pytest.mark.django_db
def test_the_expert_is_asked_before_a_review_becomes_final(client, under_review):
    assignment = under_review.assignments.order_by("pk").first()
    url = f"/review/assignments/{assignment.pk}/"
    login(client, assignment.expert)
    html = client.get(url).content.decode()
    button = html[html.index('data-testid="submit-review"') :].split(">", 1)[0]
    assert "data-confirm-title=" in button and "不能再修改" in unescape(button)
    form = html[html.index('id="review-form"') :].split(">", 1)[0]
    assert "data-confirm-title" not in form  # saving a draft asks nothing

    response = client.post(f"{url}submit/", _complete_review_post(assignment))
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="confirmation"' in html
    assignment.refresh_from_db()
    assert assignment.status == "active" and assignment.version == 1  # nothing saved yet
    response = client.post(f"{url}submit/", hidden_fields(html))
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.status == "submitted" and float(assignment.total) == 80.0


# --- the enterprise's submit ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_enterprise_is_told_what_submitting_does_before_it_does(client, assessment, admin_a):
    url = f"/assessments/{assessment.pk}/submit/"
    login(client, admin_a)
    html = client.get(url).content.decode()
    form = unescape(html[html.index('data-testid="submit-form"') :].split(">", 1)[0])
    assert "data-confirm-title=" in form and "冻结" in form and "主管部门" in form
    assert 'data-confirm-warning=""' in form  # a first submission: nothing to warn about
    post = {**DECLARED, "version": assessment.version}
    response = client.post(url, post)
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="confirmation"' in html
    assert Assessment.objects.get(pk=assessment.pk).state == State.DRAFT
    response = client.post(url, hidden_fields(html))
    assert response.status_code == 302
    assert Assessment.objects.get(pk=assessment.pk).state == State.SUBMITTED
