"""Deadlines in the pages and the API: each shown to those it concerns with what is overdue
marked ("已逾期", ``overdue``), the submit button offered exactly when the service would accept,
the province's deadlines tab and reminder by hand, the validity of an approval, and a bad
reminder setting named."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import AuditLog, Notification
from review import services as rs
from scenarios.models import Batch

from .conftest import complete_review, login
from .test_review_api import client_for

pytestmark = pytest.mark.django_db

OVERDUE = "已逾期"


@pytest.fixture
def clock(monkeypatch):
    def set_to(moment):
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return set_to


def set_batch(batch, **fields):
    Batch.objects.filter(pk=batch.pk).update(**fields)
    batch.refresh_from_db()
    return batch


@pytest.fixture
def returned(submitted, city_reviewer_suzhou, clock):
    """Returned the day after the batch closed: its own resubmission window is open."""
    clock(submitted.batch.closes_at + timedelta(days=1))
    rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment="请补充。")
    submitted.refresh_from_db()
    return submitted


def test_the_submit_button_follows_the_resubmission_window(client, returned, admin_a, clock):
    login(client, admin_a)
    submit_page = reverse("editor-submit", args=[returned.pk])
    overview = reverse("assessment-overview", args=[returned.pk])

    html = client.get(submit_page).content.decode()
    assert 'data-testid="submit-button"' in html and OVERDUE not in html
    assert 'data-testid="go-submit"' in client.get(overview).content.decode()
    body = client_for(admin_a).get(f"/api/v1/assessments/{returned.pk}/").json()
    assert body["submission_open"] is True and body["overdue"] is False

    clock(returned.resubmit_by + timedelta(minutes=1))
    login(client, admin_a)  # the session has expired meanwhile
    html = client.get(submit_page).content.decode()
    assert 'data-testid="submit-button"' not in html
    assert 'data-testid="submission-closed"' in html and "重新提交期限已截止" in html
    assert OVERDUE in html  # in the header
    assert 'data-testid="go-submit"' not in client.get(overview).content.decode()
    body = client_for(admin_a).get(f"/api/v1/assessments/{returned.pk}/").json()
    assert body["submission_open"] is False and body["overdue"] is True
    assert body["resubmit_by"] is not None


def test_the_city_sees_its_deadline_on_its_queue_overdue_once_past(
    client, submitted, city_reviewer_suzhou, city_reviewer_nanjing, clock
):
    batch = set_batch(submitted.batch, city_deadline=submitted.batch.closes_at + timedelta(days=5))
    login(client, city_reviewer_suzhou)
    html = client.get(reverse("review-queue")).content.decode()
    assert 'data-testid="city-deadline"' in html and OVERDUE not in html
    item = client_for(city_reviewer_suzhou).get("/api/v1/review/assessments/").json()["results"][0]
    assert item["deadline"]["stage"] == "city" and item["deadline"]["overdue"] is False

    clock(batch.city_deadline + timedelta(hours=1))
    login(client, city_reviewer_suzhou)  # the session has expired meanwhile
    html = client.get(reverse("review-queue")).content.decode()
    assert OVERDUE in html
    item = client_for(city_reviewer_suzhou).get("/api/v1/review/assessments/").json()["results"][0]
    assert item["deadline"]["overdue"] is True

    client.logout()
    login(client, city_reviewer_nanjing)  # nothing of Suzhou's waits for Nanjing
    assert 'data-testid="city-deadline"' not in client.get(reverse("review-queue")).content.decode()


def test_experts_see_the_review_deadline_on_their_assignments(client, under_review, experts, clock):
    batch = set_batch(
        under_review.batch, review_deadline=under_review.batch.closes_at + timedelta(days=20)
    )
    complete_review(under_review.assignments.get(expert=experts[0]))
    clock(batch.review_deadline + timedelta(hours=1))
    login(client, experts[1])
    html = client.get(reverse("expert-assignments")).content.decode()
    assert 'data-testid="review-deadline"' in html and OVERDUE in html
    rows = client_for(experts[1]).get("/api/v1/review/assignments/").json()["results"]
    assert [r["overdue"] for r in rows] == [True]
    done = client_for(experts[0]).get("/api/v1/review/assignments/").json()["results"]
    assert [r["overdue"] for r in done] == [False]  # submitted: nothing late


def test_the_province_sees_every_deadline_and_reminds_those_late(
    client, submitted, province_admin, city_reviewer_suzhou, clock
):
    batch = set_batch(submitted.batch, city_deadline=submitted.batch.closes_at + timedelta(days=1))
    clock(batch.city_deadline + timedelta(hours=1))
    login(client, province_admin)
    html = client.get(reverse("batch-deadlines", args=[batch.pk])).content.decode()
    for field in ("closes_at", "district_deadline", "city_deadline", "decision_deadline"):
        assert f'data-testid="deadline-{field}"' in html
    assert OVERDUE in html and 'data-testid="remind-city"' in html
    assert 'data-testid="remind-submission"' not in html  # nobody late there

    remind = reverse("batch-remind-late", args=[batch.pk])
    asked = client.post(remind, {"stage": "city"})
    assert asked.status_code == 200 and not Notification.objects.filter(kind__startswith="deadline")
    response = client.post(remind, {"stage": "city", "confirmed": "1"})
    assert response.status_code == 302
    assert Notification.objects.filter(
        kind="deadline.city.late", recipient=city_reviewer_suzhou
    ).exists()
    assert AuditLog.objects.filter(action="batch.remind_late").count() == 1

    api = client_for(province_admin)
    rows = api.get(f"/api/v1/review/batches/{batch.pk}/deadlines/").json()["results"]
    city = next(r for r in rows if r["field"] == "city_deadline")
    assert city["stage"] == "city" and city["overdue"] is True and city["late"] == 1
    district = next(r for r in rows if r["field"] == "district_deadline")
    assert district["stage"] == "district" and district["waiting"] == 0  # no district step
    response = api.post(f"/api/v1/review/batches/{batch.pk}/remind-late/", {"stage": "city"})
    assert response.status_code == 200 and response.json() == {"reminded": 1}
    response = api.post(f"/api/v1/review/batches/{batch.pk}/remind-late/", {"stage": "review"})
    assert response.status_code == 400 and "stage" in response.json()


def test_a_bad_reminder_setting_is_named_on_the_page_and_in_the_api(
    client, open_batch, province_admin
):
    from .test_review_pages import settings_data

    login(client, province_admin)
    response = client.post(
        reverse("batch-settings", args=[open_batch.pk]),
        settings_data(open_batch, [], reminder_days="7,x"),
    )
    assert response.status_code == 400
    assert "“x”不是 1 到 366 之间的天数" in response.content.decode()
    response = client_for(province_admin).patch(
        f"/api/v1/review/batches/{open_batch.pk}/", {"reminder_days": "7,x"}, format="json"
    )
    assert response.status_code == 400 and "reminder_days" in response.json()
    open_batch.refresh_from_db()
    assert open_batch.reminder_days == "7,3,1"

    city = timezone.localtime(open_batch.closes_at + timedelta(days=3)).replace(
        second=0, microsecond=0
    )
    response = client.post(
        reverse("batch-settings", args=[open_batch.pk]),
        settings_data(
            open_batch, [], city_deadline=city.strftime("%Y-%m-%dT%H:%M"), reminder_days="5,2"
        ),
    )
    assert response.status_code == 302
    open_batch.refresh_from_db()
    assert open_batch.city_deadline == city and open_batch.reminder_days == "5,2"


def test_an_approval_shows_until_when_it_is_valid(
    client, under_review, experts, province_admin, admin_a
):
    for e in experts:
        complete_review(under_review.assignments.get(expert=e))
    decision = rs.assessment_decide(
        assessment=under_review,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason="好",
    )
    until = decision.valid_until.isoformat()
    login(client, admin_a)
    html = client.get(reverse("assessment-overview", args=[under_review.pk])).content.decode()
    assert "有效期至" in html and until in html
    body = client_for(admin_a).get(f"/api/v1/assessments/{under_review.pk}/").json()
    assert body["valid_until"] == until
    rs.batch_list_publish(batch=under_review.batch, actor=province_admin)
    public = client_for().get(f"/api/v1/public/batches/{under_review.batch.pk}/list/").json()
    assert public["results"][0]["valid_until"] == until
    html = client.get(reverse("public-list", args=[under_review.batch.pk])).content.decode()
    assert until in html
