"""Bulk actions and the discussion period, through the services: a bulk action plans each
item (what will happen, or why it is left out) and runs each through its single-item service;
the discussion's threads name experts 专家 A/B/C, revisions are kept and the latest counts, and
the enterprise sees none of it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evaluation.models import Assessment, State
from portal.exceptions import StateConflict
from portal.models import AuditLog, City, Notification
from reports import export_selectors
from review import rules
from review import services as rs
from review.models import Decision, DecisionProposal, DiscussionPost, ScoreRevision
from review.selectors import discussion_thread, discussions_for, review_summary
from scenarios.models import Batch, DecisionConfirmation

from ..conftest import complete_review
from .test_review_workflow import refused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "computed, recommended, agreed",
    [
        ("workshop", ["workshop", "workshop", "factory"], ("approved", "workshop")),
        ("", ["none", "none", "benchmark"], ("rejected", "")),
        ("workshop", ["workshop", "factory"], None),  # a tie is no majority
        ("factory", ["workshop", "workshop", "factory"], None),
        (None, ["workshop"], None),  # no evaluation yet
    ],
)
def test_agreed_terms_need_the_computed_tier_and_a_strict_majority(computed, recommended, agreed):
    assert rules.agreed_terms(computed, recommended) == agreed


@pytest.fixture
def reviewed(under_review):
    """Computed 智能车间, every expert recommends it."""
    for assignment in under_review.assignments.order_by("pk"):
        complete_review(assignment)
    under_review.refresh_from_db()
    return under_review


def other_application(batch, enterprise, state=State.UNDER_REVIEW) -> Assessment:
    """An application with no expert review yet (left out of a bulk decision)."""
    return Assessment.objects.create(
        enterprise=enterprise,
        batch=batch,
        current_year=batch.year - 1,
        base_year=batch.year - 2,
        state=state,
        applicant_name="乙公司",
    )


def test_bulk_decide_takes_the_agreed_decisions_and_lists_the_others(
    reviewed, enterprise_b, province_admin
):
    pending = other_application(reviewed.batch, enterprise_b)
    plan = rs.decide_plan(actor=province_admin, assessments=[reviewed, pending])
    assert [(p.included, p.outcome, p.tier) for p in plan] == [
        (True, "approved", "workshop"),
        (False, "", ""),
    ]
    assert "未提交" in plan[1].says
    results = rs.bulk_decide(
        actor=province_admin, assessments=[reviewed, pending], reason="与专家意见一致。"
    )
    assert [r.done for r in results] == [True, False]
    reviewed.refresh_from_db()
    assert reviewed.state == State.APPROVED and reviewed.decision.tier == "workshop"
    assert reviewed.decision.figures["n"] == 3
    # the single-item service's audit and notifications, and one entry for the whole
    assert AuditLog.objects.filter(action="review.decide", target_id=str(reviewed.pk)).exists()
    assert Notification.objects.filter(kind="review.decide").exists()
    bulk = AuditLog.objects.get(action="review.bulk_decide")
    assert bulk.data == {"done": [reviewed.pk], "left_out": [pending.pk]}
    pending.refresh_from_db()
    assert pending.state == State.UNDER_REVIEW


def test_bulk_decide_proposes_under_the_four_eyes_rule_and_needs_a_reason(reviewed, province_admin):
    Batch.objects.filter(pk=reviewed.batch_id).update(
        decision_confirmation=DecisionConfirmation.ALL
    )
    reviewed.batch.refresh_from_db()
    with refused(ValidationError, "reason"):
        rs.bulk_decide(actor=province_admin, assessments=[reviewed], reason=" ")
    (item,) = rs.decide_plan(actor=province_admin, assessments=[reviewed])
    assert "提议" in item.says
    (result,) = rs.bulk_decide(actor=province_admin, assessments=[reviewed], reason="一致。")
    assert result.done and "提议" in result.says
    assert DecisionProposal.objects.filter(assessment=reviewed, status="pending").exists()
    assert not Decision.objects.filter(assessment=reviewed).exists()


def test_bulk_recommend_per_item(submitted, enterprise_b, city_reviewer_suzhou, expert):
    elsewhere = other_application(submitted.batch, enterprise_b, state=State.SUBMITTED)
    Assessment.objects.filter(pk=elsewhere.pk).update(applicant_city=City.NANJING)
    elsewhere.refresh_from_db()
    plan = rs.recommend_plan(actor=city_reviewer_suzhou, assessments=[submitted, elsewhere])
    assert [p.included for p in plan] == [True, False]
    results = rs.bulk_recommend(
        actor=city_reviewer_suzhou, assessments=[submitted, elsewhere], comment="同意。"
    )
    assert [r.done for r in results] == [True, False]
    submitted.refresh_from_db()
    elsewhere.refresh_from_db()
    assert submitted.state == State.CITY_RECOMMENDED
    assert elsewhere.state == State.SUBMITTED
    assert AuditLog.objects.filter(action="review.recommend", target_id=str(submitted.pk)).exists()
    with pytest.raises(ValidationError) as info:
        rs.recommend_plan(actor=city_reviewer_suzhou, assessments=[])
    assert "assessments" in info.value.message_dict
    with pytest.raises(PermissionDenied):
        rs.decide_plan(actor=expert, assessments=[submitted])


def test_discussion_threads_revisions_and_the_summary(reviewed, province_admin, admin_a):
    batch = reviewed.batch
    today = timezone.localdate()
    with refused(ValidationError, "ends_on"):
        rs.discussion_open(batch=batch, actor=province_admin, ends_on=today - timedelta(days=1))
    rs.discussion_open(batch=batch, actor=province_admin, ends_on=today + timedelta(days=3))
    a, b, c = (x.expert for x in reviewed.assignments.order_by("pk"))
    opened = Notification.objects.filter(kind="review.discussion_open")
    assert sorted(opened.values_list("recipient", flat=True)) == sorted([a.pk, b.pk, c.pk])
    with pytest.raises(StateConflict):
        rs.discussion_open(batch=batch, actor=province_admin, ends_on=today)

    rs.discussion_post(assessment=reviewed, actor=b, body="场景 3 的证据不足。")
    rs.discussion_post(assessment=reviewed, actor=province_admin, body="请专家 A 说明。")
    posted = Notification.objects.filter(kind="review.discussion_post")
    assert set(posted.values_list("recipient", flat=True)) == {a.pk, b.pk, c.pk, province_admin.pk}
    # the province is told of the expert's post, by its letter; not of its own post
    told = posted.get(recipient=province_admin)
    assert "专家 B" in told.body and b.username not in told.body
    assert not posted.filter(recipient=b, body__contains="专家 B").exists()  # not told of own
    assert [p.name for p in discussion_thread(reviewed, c).posts] == ["专家 B", "省级管理员"]
    assert discussion_thread(reviewed, c).me == "专家 C"
    # the province, which assigned them, sees who each expert is beside the letter
    named = f"专家 B（{b.get_full_name() or b.username}）"
    assert [p.name for p in discussion_thread(reviewed, province_admin).posts] == [
        named,
        "省级管理员",
    ]
    # the enterprise neither reads nor posts
    assert not discussions_for(admin_a).exists()
    with refused(PermissionDenied):
        rs.discussion_post(assessment=reviewed, actor=admin_a, body="我们有证据。")
    with refused(ValidationError, "body"):
        rs.discussion_post(assessment=reviewed, actor=a, body=" ")

    assignment = reviewed.assignments.get(expert=a)
    criterion = reviewed.batch.rubric.order_by("no").first()
    with refused(ValidationError, "reason"):
        rs.score_revise(assignment=assignment, actor=a, data={"scores": {str(criterion.pk): 2}})
    before_mean = review_summary(reviewed).aggregate.mean
    for score in (2, 4):
        rs.score_revise(
            assignment=assignment,
            actor=a,
            data={"scores": {str(criterion.pk): score}, "reason": "讨论后下调。"},
        )
    first, second = ScoreRevision.objects.filter(assignment=assignment)
    revised = Notification.objects.filter(kind="review.score_revise")
    assert set(revised.values_list("recipient", flat=True)) == {province_admin.pk}
    assert [n.title for n in revised.order_by("pk")] == [
        f"{reviewed.review_reference}：专家 A 修改了评审意见"
    ] * 2
    assert f"→ {second.total}" in revised.order_by("pk").last().body
    assert first.replaced["total"] == str(assignment.total)  # the submitted total, kept
    assert second.replaced["total"] == str(first.total)
    assignment.refresh_from_db()
    assert assignment.total == second.total
    assert review_summary(reviewed).aggregate.mean < before_mean  # the latest counts
    revisions = discussion_thread(reviewed, province_admin).revisions
    assert [name for name, _revision in revisions] == [
        f"专家 A（{a.get_full_name() or a.username}）"
    ] * 2
    assert discussion_thread(reviewed, b).revisions == []  # the province's alone
    with refused(PermissionDenied):
        rs.score_revise(assignment=assignment, actor=b, data={"reason": "x"})

    rs.discussion_close(batch=batch, actor=province_admin)
    with pytest.raises(StateConflict):
        rs.discussion_post(assessment=reviewed, actor=a, body="还有一点。")
    assert DiscussionPost.objects.filter(assessment=reviewed).count() == 2

    decision = rs.assessment_decide(
        assessment=reviewed,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason="同意。",
        summary="专家讨论后一致同意认定。",
    )
    assert decision.summary == "专家讨论后一致同意认定。"
    frame = export_selectors.decisions_frame(batch=batch)
    assert frame["讨论总结意见"].tolist() == ["专家讨论后一致同意认定。"]
