"""The province's decision pages with the facts in view (every expert's review in full), the
flagged decision and its justification, the four-eyes rule and the decisions export, through
the Django test client."""

import csv
import io
import json
from html import unescape

import pytest

from evaluation.models import Assessment, Evaluation, State
from portal.models import Role
from review.models import Decision, DecisionProposal
from scenarios.models import Batch, DecisionConfirmation

from .conftest import complete_review, login
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def detail(a) -> str:
    return f"/review/assessments/{a.pk}/"


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def split(under_review):
    """No tier reached; two experts recommend no approval (one rejecting every scenario as
    "证据不足"), the third 标杆企业."""
    Evaluation.objects.filter(assessment=under_review).update(highest_tier="")
    for assignment, tier in zip(
        under_review.assignments.order_by("pk"), ("none", "none", "benchmark"), strict=True
    ):
        complete_review(assignment, tier=tier, accepted=tier != "none")
    return Assessment.objects.get(pk=under_review.pk)


BENCHMARK = {"outcome": "approved", "tier": "benchmark", "reason": "示范带动作用突出。"}


def test_the_decision_page_shows_every_review_in_full(
    client, split, experts, province_admin, city_reviewer_suzhou
):
    login(client, province_admin)
    html = html_of(client.get(detail(split)))
    reviews = html[html.index('data-testid="full-reviews"') :]
    for e in experts:  # the province sees who reviewed
        assert e.username in reviews
    assert reviews.count('data-testid="full-review-') >= 3 * 5
    assert "场景建设水平" in reviews and "8 / 10" in reviews  # each criterion by name
    assert "证据不足" in reviews and "不认可" in reviews  # each verdict with its reason
    assert "建设成效明显。" in reviews and "不予认定" in reviews and "标杆企业" in reviews
    # the decide form's dialog, per choice: 标杆企业 is flagged and says why
    form = html[html.index('data-testid="decide-form"') :].split(">", 1)[0]
    choices = json.loads(unescape(form.split('data-confirm-choices="', 1)[1].split('"', 1)[0]))
    benchmark = choices["approved|benchmark"]
    assert benchmark["warning"] == "1" and "高于系统计算层级“未达到”" in benchmark["text"]
    assert "3 位专家中有 2 位建议不予认定" in benchmark["text"]
    assert choices["rejected|"]["warning"] == "" and "企业和所在市" in choices["rejected|"]["text"]

    login(client, city_reviewer_suzhou)  # the city sees no review
    html = html_of(client.get(detail(split)))
    assert 'data-testid="full-reviews"' not in html and "证据不足" not in html


def test_a_flagged_decision_is_named_asked_then_shown_flagged(
    client, split, province_admin, admin_a
):
    login(client, province_admin)
    url = f"{detail(split)}decide/"
    response = client.post(url, BENCHMARK)  # no justification: named before any question
    html = html_of(response)
    assert response.status_code == 400 and 'data-testid="confirmation"' not in html
    assert "须填写偏离说明" in html and not Decision.objects.exists()

    justified = {**BENCHMARK, "justification": "现场核查补充了证据。"}
    html = html_of(client.post(url, justified))  # without JavaScript: the page asks, warning
    assert 'data-testid="confirmation-warning"' in html and "该决定将被标记" in html
    assert not Decision.objects.exists()
    assert client.post(url, {**justified, "confirmed": "1"}).status_code == 302
    assert Decision.objects.get().flagged

    html = html_of(client.get(f"/review/batches/{split.batch_id}/decisions/"))
    row = html[html.index(f'data-testid="decision-row-{split.pk}"') :]
    assert 'data-testid="flags"' in row.split("</tr>", 1)[0] and "现场核查补充了证据。" in row
    assert f'data-testid="decision-reviews-{split.pk}"' in html and "证据不足" in html

    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(f"/review/batches/{split.batch_id}/decisions.csv").content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert "高于系统计算层级" in rows[0]["标记"] and rows[0]["偏离说明"] == "现场核查补充了证据。"
    assert rows[0]["决定人"] == "prov" and rows[0]["专家 1"] == "expert1"
    assert rows[0]["专家 1 · 建议认定层级"] == "不予认定"
    assert float(rows[0]["专家 3 · 场景建设水平"]) == 8
    assert "证据不足" in rows[0]["专家 1 · 场景评审意见"]

    # the applicant learns the decision, never the flags, the justification or the experts
    login(client, admin_a)
    html = html_of(client.get(f"/assessments/{split.pk}/"))
    assert "示范带动作用突出。" in html and "现场核查补充了证据。" not in html
    assert "expert1" not in html and "已标记" not in html


def test_four_eyes_through_the_pages(client, split, province_admin):
    second = UserFactory(username="prov2", role=Role.PROVINCE_ADMIN)
    login(client, province_admin)
    html = html_of(client.get(f"/review/batches/{split.batch_id}/settings/"))
    assert 'data-testid="decision-confirmation"' in html
    Batch.objects.filter(pk=split.batch_id).update(decision_confirmation=DecisionConfirmation.ALL)

    justified = {
        **BENCHMARK,
        "justification": "现场核查补充了证据。",
        "summary": "讨论后专家一致同意。",
        "confirmed": "1",
    }
    response = client.post(f"{detail(split)}decide/", justified, follow=True)
    assert "已提交认定提议" in html_of(response)
    proposal = DecisionProposal.objects.get()
    html = html_of(client.get(detail(split)))
    assert 'data-testid="proposal-own"' in html and "proposal-confirm-form" not in html
    confirm = f"/review/proposals/{proposal.pk}/confirm/"
    response = client.post(confirm, {"confirmed": "1"})
    assert response.status_code == 403 and "自己的认定提议" in html_of(response)

    login(client, second)
    html = html_of(client.get(detail(split)))
    assert 'data-testid="proposal-confirm-form"' in html and "现场核查补充了证据。" in html
    assert 'data-testid="proposal-summary"' in html and "讨论后专家一致同意。" in html
    asked = html_of(client.post(confirm, {}))  # without JavaScript: the page asks first
    assert 'data-testid="confirmation"' in asked and "该决定将被标记" in asked
    assert Assessment.objects.get(pk=split.pk).state == State.UNDER_REVIEW
    assert client.post(confirm, {"confirmed": "1"}).status_code == 302
    decision = Decision.objects.get()
    assert (decision.decided_by, decision.confirmed_by) == (province_admin, second)
    assert decision.summary == "讨论后专家一致同意。"  # the proposal's summary goes with it
    assert Assessment.objects.get(pk=split.pk).state == State.APPROVED


def test_a_proposal_rejected_through_the_page_reopens_the_form(client, split, province_admin):
    proposer = UserFactory(username="prov2", role=Role.PROVINCE_ADMIN)
    proposal = DecisionProposal.objects.create(assessment=split, proposed_by=proposer, **BENCHMARK)
    login(client, province_admin)
    reject = f"/review/proposals/{proposal.pk}/reject/"
    response = client.post(reject, {"reason": " "})
    assert response.status_code == 400 and "请填写驳回理由。" in html_of(response)
    assert client.post(reject, {"reason": "<b>依据不足。</b>"}).status_code == 302
    html = html_of(client.get(detail(split)))
    assert 'data-testid="decide-form"' in html and "&lt;b&gt;依据不足。&lt;/b&gt;" in html
    assert 'data-testid="past-proposals"' in html
