"""The pages and API of the preference phase, the assignment matrix and the progress."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from review.models import AssignmentStatus, ExpertAssignment, ExpertPreference
from review.services.preferences import preference_phase_open, preferences_set

from .conftest import api_as, login
from .services.test_review_workflow import make_expert, quick_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(open_batch):
    return [quick_assessment(open_batch, name=f"无锡{i}号智能装备有限公司") for i in range(2)]


@pytest.fixture
def panel(db):
    return [make_expert(f"tool{i}", employer=f"第{i}设计院") for i in range(2)]


@pytest.fixture
def phase(open_batch, two, panel, province_admin):
    return preference_phase_open(
        batch=open_batch, ends_at=timezone.now() + timedelta(days=2), actor=province_admin
    )


def test_an_expert_marks_preferences_never_seeing_a_hidden_identity(
    client, open_batch, two, panel, phase
):
    login(client, panel[0])
    url = reverse("expert-preferences", args=[open_batch.pk])
    page = client.get(url).content.decode()
    assert two[0].review_reference in page and two[0].applicant_name not in page
    bad = client.post(url, {f"choice-{two[0].pk}": "perhaps"})
    assert bad.status_code == 400 and "无效的评审偏好" in bad.content.decode()
    assert not ExpertPreference.objects.exists()
    assert client.post(url, {f"choice-{two[0].pk}": "prefer"}).status_code == 302
    assert ExpertPreference.objects.get(expert=panel[0]).choice == "prefer"

    api = api_as(panel[1])
    api_url = reverse("review-api-preferences", args=[open_batch.pk])
    rows = api.get(api_url).json()["applications"]
    assert [r["name"] for r in rows] == [None, None] and rows[0]["choice"] == "willing"
    refused = api.post(api_url, {"choices": {str(two[0].pk): "perhaps"}}, format="json")
    assert refused.status_code == 400 and "choices" in refused.json()
    done = api.post(api_url, {"choices": {str(two[1].pk): "conflict"}}, format="json")
    assert done.status_code == 200 and done.json()["applications"][1]["choice"] == "conflict"


def test_the_matrix_asks_once_listing_the_changes_then_makes_them(
    client, open_batch, two, panel, phase, province_admin
):
    preferences_set(batch=open_batch, actor=panel[1], choices={two[1].pk: "conflict"})
    login(client, province_admin)
    url = reverse("batch-matrix", args=[open_batch.pk])
    page = client.get(url).content.decode()
    assert f'value="{two[0].pk}-{panel[0].pk}"' in page
    assert f'value="{two[1].pk}-{panel[1].pk}"' not in page  # the conflict: no checkbox
    changes = {"add": [f"{two[0].pk}-{panel[0].pk}", f"{two[1].pk}-{panel[0].pk}"]}
    asked = client.post(url, changes).content.decode()
    assert asked.count("分配：") == 2 and not ExpertAssignment.objects.exists()
    assert client.post(url, {**changes, "confirmed": "1"}).status_code == 302
    assert ExpertAssignment.objects.filter(expert=panel[0]).count() == 2

    conflict = {"add": [f"{two[1].pk}-{panel[1].pk}"], "confirmed": "1"}
    refused = client.post(url, conflict)
    assert refused.status_code == 400 and "利益冲突" in refused.content.decode()
    api = api_as(province_admin)
    api_url = reverse("review-api-batch-matrix", args=[open_batch.pk])
    body = api.post(api_url, {"add": [[two[1].pk, panel[1].pk]]}, format="json")
    assert body.status_code == 400 and "利益冲突" in body.json()["add"][0]
    withdraw = ExpertAssignment.objects.filter(expert=panel[0]).first()
    done = api.post(api_url, {"withdraw": [withdraw.pk]}, format="json")
    assert done.json() == {"added": [], "withdrawn": [withdraw.pk]}
    withdraw.refresh_from_db()
    assert withdraw.status == AssignmentStatus.REMOVED
    cells = api.get(api_url).json()["experts"][1]["cells"]
    assert cells[1]["choice"] == "conflict" and cells[1]["conflicts"]


def test_the_progress_page_and_api(client, open_batch, two, panel, province_admin):
    ExpertAssignment.objects.create(assessment=two[0], expert=panel[0], method="manual")
    open_batch.review_deadline = timezone.now() - timedelta(days=1)
    open_batch.save()
    login(client, province_admin)
    page = client.get(reverse("batch-progress", args=[open_batch.pk])).content.decode()
    assert 'data-testid="expert-' + str(panel[0].pk) + '" class="table-danger"' in page
    data = api_as(province_admin).get(reverse("review-api-batch-progress", args=[open_batch.pk]))
    assert data.json()["experts"] == [
        {"expert": "tool0", "assigned": 1, "submitted": 0, "overdue": 1}
    ]
