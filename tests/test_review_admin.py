"""The admin site shows the province the discussion and the experts' preferences, read-only:
they change only through the review pages and their services."""

from datetime import timedelta

import pytest
from django.utils import timezone

from review.models import (
    DiscussionPeriod,
    DiscussionPost,
    ExpertPreference,
    PreferencePhase,
    ScoreRevision,
)

from .conftest import login

pytestmark = pytest.mark.django_db

MODELS = [DiscussionPeriod, DiscussionPost, ScoreRevision, PreferencePhase, ExpertPreference]


def admin_url(model, tail: str) -> str:
    return f"/admin/review/{model._meta.model_name}/{tail}"


@pytest.fixture
def rows(assessment, experts, province_admin):
    batch = assessment.batch
    DiscussionPeriod.objects.create(
        batch=batch,
        ends_on=timezone.localdate() + timedelta(days=3),
        opened_by=province_admin,
        opened_at=timezone.now(),
    )
    post = DiscussionPost.objects.create(
        assessment=assessment, author=experts[0], body="场景 3 的证据不足。"
    )
    PreferencePhase.objects.create(
        batch=batch, ends_at=timezone.now() + timedelta(days=2), opened_by=province_admin
    )
    preference = ExpertPreference.objects.create(
        expert=experts[1], assessment=assessment, choice=ExpertPreference.Choice.PREFER
    )
    return post, preference


def test_the_province_reads_the_discussion_and_the_preferences_but_changes_nothing(
    client, province_admin, rows
):
    post, preference = rows
    login(client, province_admin)
    index = client.get("/admin/review/")
    assert index.status_code == 200
    for model in MODELS:
        assert admin_url(model, "").encode() in index.content
        assert client.get(admin_url(model, "")).status_code == 200
        assert client.get(admin_url(model, "add/")).status_code == 403
    page = client.get(admin_url(DiscussionPost, f"{post.pk}/change/"))
    assert page.status_code == 200 and "场景 3 的证据不足。" in page.content.decode()
    assert 'name="_save"' not in page.content.decode()  # read-only: no save button
    changed = client.post(
        admin_url(ExpertPreference, f"{preference.pk}/change/"), {"choice": "conflict"}
    )
    assert changed.status_code == 403
    assert (
        client.post(admin_url(DiscussionPost, f"{post.pk}/delete/"), {"post": "yes"}).status_code
        == 403
    )
    preference.refresh_from_db()
    assert preference.choice == ExpertPreference.Choice.PREFER
    assert DiscussionPost.objects.filter(pk=post.pk).exists()
