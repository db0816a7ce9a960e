"""The bulk actions' and the discussion's pages and API: one confirmation listing each item,
then each item's outcome; a thread where experts appear as 专家 A/B/C and revise their score;
the enterprise never reaches it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from evaluation.models import State
from review.models import ScoreRevision

from .conftest import api_as, complete_review, login

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewed(under_review):
    for assignment in under_review.assignments.order_by("pk"):
        complete_review(assignment)
    under_review.refresh_from_db()
    return under_review


def test_bulk_recommend_asks_once_listing_each_item_then_reports_each(
    client, submitted, city_reviewer_suzhou
):
    login(client, city_reviewer_suzhou)
    page = client.get("/review/bulk/recommend/")
    assert f'data-testid="bulk-row-{submitted.pk}"' in page.content.decode()
    asked = client.post("/review/bulk/recommend/", {"assessments": [submitted.pk]})
    html = asked.content.decode()
    assert 'data-testid="confirmation"' in html and submitted.applicant_name in html
    assert "将推荐至省级" in html
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED  # nothing done before the confirmation
    done = client.post("/review/bulk/recommend/", {"assessments": [submitted.pk], "confirmed": "1"})
    assert f'data-testid="bulk-result-{submitted.pk}"' in done.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == State.CITY_RECOMMENDED
    # none chosen: the field is named, 400
    empty = client.post("/review/bulk/recommend/", {"confirmed": "1"})
    assert empty.status_code == 400 and 'data-testid="assessments-error"' in empty.content.decode()
    # nothing left to recommend: the page offers no button
    page = client.get("/review/bulk/recommend/").content.decode()
    assert 'data-testid="bulk-recommend"' not in page and 'data-testid="bulk-nothing"' in page


def test_the_bulk_decide_page_offers_its_button_only_for_what_it_may_decide(
    client, reviewed, province_admin
):
    login(client, province_admin)
    url = f"/review/batches/{reviewed.batch_id}/bulk-decide/"
    page = client.get(url).content.decode()
    assert 'data-testid="bulk-decide"' in page and f'value="{reviewed.pk}"' in page
    reviewed.assignments.update(recommended_tier="factory")  # the experts now disagree
    page = client.get(url).content.decode()
    assert 'data-testid="bulk-decide"' not in page and 'data-testid="bulk-nothing"' in page


def test_bulk_decide_api_plans_then_decides(reviewed, province_admin):
    api = api_as(province_admin)
    url = f"/api/v1/review/batches/{reviewed.batch_id}/bulk-decide/"
    plan = api.post(url, {"assessments": [reviewed.pk], "reason": "一致。"}, format="json")
    assert plan.status_code == 200 and plan.json()["confirmed"] is False
    assert plan.json()["items"][0]["ok"] is True and "智能车间" in plan.json()["items"][0]["says"]
    reviewed.refresh_from_db()
    assert reviewed.state == State.UNDER_REVIEW
    bad = api.post(url, {"assessments": [reviewed.pk], "confirmed": True}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()
    done = api.post(
        url, {"assessments": [reviewed.pk], "reason": "一致。", "confirmed": True}, format="json"
    )
    assert done.json()["items"][0]["ok"] is True
    reviewed.refresh_from_db()
    assert reviewed.state == State.APPROVED
    outside = api.post(url, {"assessments": [reviewed.pk + 999]}, format="json")
    assert outside.status_code == 400 and "assessments" in outside.json()


def test_a_discussion_through_the_pages_and_the_api(
    client, reviewed, province_admin, admin_a, city_reviewer_suzhou
):
    batch = reviewed.batch
    login(client, province_admin)
    ends_on = (timezone.localdate() + timedelta(days=2)).isoformat()
    opened = client.post(
        f"/review/batches/{batch.pk}/discussion/open/", {"ends_on": ends_on, "confirmed": "1"}
    )
    assert opened.status_code == 302
    tab = client.get(f"/review/batches/{batch.pk}/discussion/").content.decode()
    assert f'data-testid="thread-{reviewed.pk}"' in tab
    first, second, third = (a.expert for a in reviewed.assignments.order_by("pk"))

    login(client, second)
    url = f"/review/discussions/{reviewed.pk}/"
    assert client.post(url, {"body": "证据偏少。"}).status_code == 302
    assert client.post(url, {"body": ""}).status_code == 400
    page = client.get(url).content.decode()
    assert "专家 B" in page  # the others' names never shown
    assert first.username not in page and third.username not in page
    criterion = batch.rubric.order_by("no").first()
    revised = client.post(
        f"/review/discussions/{reviewed.pk}/revise/",
        {
            f"score-{criterion.pk}": "3",
            "recommended_tier": "workshop",
            "opinion": "基本同意。",
            "reason": "讨论后下调。",
            "confirmed": "1",
        },
    )
    assert revised.status_code == 302
    assert ScoreRevision.objects.filter(assignment__expert=second).count() == 1

    posts = api_as(first).post(
        f"/api/v1/review/discussions/{reviewed.pk}/posts/", {"body": "同意 B。"}, format="json"
    )
    assert posts.status_code == 201
    thread = posts.json()
    assert [p["name"] for p in thread["posts"]] == ["专家 B", "专家 A"]
    assert thread["revisions"] == []  # the province's alone
    province_view = api_as(province_admin).get(f"/api/v1/review/discussions/{reviewed.pk}/")
    assert province_view.json()["revisions"][0]["expert"] == f"专家 B（{second.username}）"
    # the enterprise: nothing
    login(client, admin_a)
    assert client.get(url).status_code == 403
    assert api_as(admin_a).get(f"/api/v1/review/discussions/{reviewed.pk}/").status_code == 403

    # the province's summary goes with its decision, shown to the province only
    login(client, province_admin)
    decided = client.post(
        f"/review/assessments/{reviewed.pk}/decide/",
        {
            "outcome": "approved",
            "tier": "workshop",
            "reason": "同意。",
            "summary": "讨论后一致同意。",
            "confirmed": "1",
        },
    )
    assert decided.status_code == 302
    page = client.get(f"/review/assessments/{reviewed.pk}/").content.decode()
    assert 'data-testid="decision-summary"' in page and "讨论后一致同意。" in page
    login(client, city_reviewer_suzhou)
    assert (
        "讨论后一致同意。" not in client.get(f"/review/assessments/{reviewed.pk}/").content.decode()
    )
