"""The review workflow, service by service: who may do what in which state, what each step
writes (rounds, assignments, reviews, decisions, the audit log, notifications), conflict-of-
interest rules and load balancing wired to the data, score aggregation, the public list and
the notification emails."""

import threading
from contextlib import contextmanager, suppress
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone, translation

from evaluation import services
from evaluation.models import Assessment, State
from evaluation.selectors import assessment_history, resubmission_unchanged
from evaluation.snapshot import build_snapshot, snapshot_digest
from portal.exceptions import StateConflict
from portal.models import AuditLog, City, Notification, Role
from portal.tasks import send_notification_emails
from review import rules
from review import selectors as sel
from review import services as rs
from review.models import (
    AssignmentStatus,
    ConflictDeclaration,
    Decision,
    ExpertAssignment,
    Recommendation,
)
from scenarios.models import Batch, RubricCriterion

from ..conftest import complete_review
from ..factories import EnterpriseFactory, UserFactory
from .conftest import DECLARED

pytestmark = pytest.mark.django_db

WATCHED = (
    Assessment,
    Recommendation,
    ExpertAssignment,
    ConflictDeclaration,
    Decision,
    AuditLog,
    Notification,
    Batch,
    RubricCriterion,
)


def db_state() -> dict:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in WATCHED}


@contextmanager
def refused(exc, *fields):
    """The call in the block raises ``exc`` (exactly that class) naming ``fields``, and no
    row of the review workflow changed."""
    before = db_state()
    with pytest.raises(exc) as info:
        yield info
    assert type(info.value) is exc
    if fields:
        assert set(fields) <= set(info.value.message_dict), info.value.message_dict
    assert db_state() == before


def audit_actions(target) -> list[str]:
    ct = ContentType.objects.get_for_model(target)
    return list(
        AuditLog.objects.filter(target_type=ct, target_id=str(target.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def notified(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=kind).values_list("recipient__username", flat=True)
    )


def make_expert(username: str, *, employer: str = "某研究院", city: str = City.NANJING, **kw):
    kw.setdefault("email", f"{username}@example.com")
    return UserFactory(username=username, role=Role.EXPERT, employer=employer, city=city, **kw)


def quick_assessment(batch, *, enterprise=None, state=State.FORMALLY_CHECKED, at=None, **ent):
    """An assessment moved straight to ``state`` with the ORM (no answers; by default waiting
    for its experts), its snapshot in the shape ``build_snapshot`` produces."""
    enterprise = enterprise or EnterpriseFactory(**ent)
    a = Assessment.objects.create(
        enterprise=enterprise,
        batch=batch,
        current_year=batch.year - 1,
        base_year=batch.year - 2,
    )
    snapshot = build_snapshot(a)
    Assessment.objects.filter(pk=a.pk).update(
        state=state,
        snapshot=snapshot,
        snapshot_sha256=snapshot_digest(snapshot),
        submitted_at=at or timezone.now(),
    )
    a.refresh_from_db()
    return a


def criteria(batch) -> list:
    return list(batch.rubric.order_by("no"))


def scored(batch, *values) -> dict:
    """Scores for the rubric's criteria in order."""
    return {str(c.pk): v for c, v in zip(criteria(batch), values, strict=True)}


def full_review(assessment, scores, *, rejected=(), tier="workshop") -> dict:
    return {
        "verdicts": {
            str(no): {
                "accepted": no not in rejected,
                "comment": "证据不足" if no in rejected else "",
            }
            for no in rs.claimed_scenarios(assessment)
        },
        "scores": scored(assessment.batch, *scores),
        "opinion": "场景建设扎实。",
        "recommended_tier": tier,
    }


def assignment_of(assessment, expert) -> ExpertAssignment:
    return ExpertAssignment.objects.get(assessment=assessment, expert=expert)


def live(assessment) -> list:
    return sorted(
        assessment.assignments.filter(status__in=("active", "submitted")).values_list(
            "expert__username", flat=True
        )
    )


@pytest.fixture
def outsider(under_review):
    """An expert created after the automatic assignment: assigned to nothing."""
    return make_expert("expert_out", employer="扬州大学", city=City.YANGZHOU)


@pytest.fixture
def reviewed(under_review, experts):
    """Every assigned expert has submitted a review."""
    for e in experts:
        complete_review(assignment_of(under_review, e))
    under_review.refresh_from_db()
    return under_review


def _user(request, name):
    value = request.getfixturevalue(name)
    return value[0] if isinstance(value, list) else value


# === 1. transitions and roles ===============================================================


def test_recommend_by_the_city(submitted, city_reviewer_suzhou):
    rs.assessment_recommend(
        assessment=submitted, actor=city_reviewer_suzhou, comment="  材料齐全，同意推荐。  "
    )
    submitted.refresh_from_db()
    assert submitted.state == State.CITY_RECOMMENDED
    round_ = submitted.recommendations.get()
    assert round_.outcome == Recommendation.Outcome.RECOMMENDED
    assert round_.reviewer == city_reviewer_suzhou
    assert round_.comment == "材料齐全，同意推荐。"
    assert round_.snapshot_sha256 == submitted.snapshot_sha256
    log = AuditLog.objects.get(action="review.recommend")
    assert log.actor == city_reviewer_suzhou and log.enterprise == submitted.enterprise
    assert audit_actions(submitted)[-1] == "review.recommend"


@pytest.mark.parametrize(
    "who", ["city_reviewer_nanjing", "admin_a", "member_a", "experts", "province_admin"]
)
def test_recommend_refused_to_anyone_but_the_city(request, submitted, who):
    actor = _user(request, who)
    with refused(PermissionDenied):
        rs.assessment_recommend(assessment=submitted, actor=actor, comment="同意")


def test_recommend_refused_in_the_wrong_state(assessment, city_reviewer_suzhou):
    with refused(StateConflict):  # a draft
        rs.assessment_recommend(assessment=assessment, actor=city_reviewer_suzhou)


def test_recommend_twice_refused(recommended, city_reviewer_suzhou):
    with refused(StateConflict):
        rs.assessment_recommend(assessment=recommended, actor=city_reviewer_suzhou)


def test_recommend_under_review_refused(under_review, city_reviewer_suzhou):
    with refused(StateConflict):
        rs.assessment_recommend(assessment=under_review, actor=city_reviewer_suzhou)


def test_return_by_the_city(submitted, city_reviewer_suzhou):
    rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment="请补充材料。")
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED and submitted.is_editable
    round_ = submitted.recommendations.get()
    assert (round_.outcome, round_.comment) == (Recommendation.Outcome.RETURNED, "请补充材料。")
    assert audit_actions(submitted)[-1] == "review.return"


def test_return_by_the_province_after_recommendation(recommended, province_admin):
    rs.assessment_return(assessment=recommended, actor=province_admin, comment="指标数据有误。")
    recommended.refresh_from_db()
    assert recommended.state == State.RETURNED
    assert [r.outcome for r in sel.review_rounds(recommended)] == ["returned", "recommended"]
    assert AuditLog.objects.filter(action="review.return", actor=province_admin).count() == 1


@pytest.mark.parametrize("who", ["city_reviewer_nanjing", "admin_a", "experts"])
def test_return_refused_to_the_wrong_role(request, submitted, who):
    actor = _user(request, who)
    with refused(PermissionDenied):
        rs.assessment_return(assessment=submitted, actor=actor, comment="退回")


@pytest.mark.parametrize("comment", ["", "   ", "意" * 2001])
def test_return_needs_a_comment(submitted, city_reviewer_suzhou, comment):
    with refused(ValidationError, "comment"):
        rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment=comment)


def test_return_refused_under_review_and_for_a_draft(under_review, province_admin):
    with refused(StateConflict):
        rs.assessment_return(assessment=under_review, actor=province_admin, comment="退回")
    draft = quick_assessment(under_review.batch, state=State.DRAFT)
    with refused(StateConflict):
        rs.assessment_return(assessment=draft, actor=province_admin, comment="退回")


def test_auto_assign_writes_the_audit_log(formally_checked, experts, province_admin):
    result = rs.assignments_auto(batch=formally_checked.batch, actor=province_admin)
    assert len(result["created"]) == 3 and result["short"] == []
    formally_checked.refresh_from_db()
    assert formally_checked.state == State.UNDER_REVIEW
    assert audit_actions(formally_checked)[-3:] == ["review.assign"] * 3
    run = AuditLog.objects.get(action="review.auto_assign")
    assert run.target_type == ContentType.objects.get_for_model(Batch)
    assert run.target_id == str(formally_checked.batch_id)
    assert run.data == {"created": 3, "short": []}


def test_manual_assignment(formally_checked, expert, province_admin):
    assignment = rs.assignment_add(assessment=formally_checked, expert=expert, actor=province_admin)
    assert assignment.status == AssignmentStatus.ACTIVE
    assert assignment.method == ExpertAssignment.Method.MANUAL
    assert assignment.assigned_by == province_admin
    formally_checked.refresh_from_db()
    assert formally_checked.state == State.UNDER_REVIEW
    assert formally_checked.batch.rubric.count() == 5  # the default rubric, created on first use
    assert audit_actions(formally_checked)[-1] == "review.assign"
    assert notified("review.assign") == ["expert_x"]
    # The same expert again: refused, naming the field.
    with refused(ValidationError, "expert"):
        rs.assignment_add(assessment=formally_checked, expert=expert, actor=province_admin)


def test_manual_assignment_needs_an_expert(recommended, city_reviewer_nanjing, province_admin):
    with refused(ValidationError, "expert"):
        rs.assignment_add(
            assessment=recommended, expert=city_reviewer_nanjing, actor=province_admin
        )
    retired = make_expert("retired", is_active=False)
    with refused(ValidationError, "expert"):
        rs.assignment_add(assessment=recommended, expert=retired, actor=province_admin)


def test_manual_assignment_refused_before_the_city_recommends(submitted, expert, province_admin):
    with refused(StateConflict):
        rs.assignment_add(assessment=submitted, expert=expert, actor=province_admin)


def test_direct_applicant_is_formally_checked_straight_after_submitting(
    open_batch, enterprise_a, submitted, expert, province_admin
):
    open_batch.direct_enterprises.add(enterprise_a)
    with refused(StateConflict):  # no expert before the formal check
        rs.assignment_add(assessment=submitted, expert=expert, actor=province_admin)
    rs.formal_check_pass(assessment=submitted, actor=province_admin)
    rs.assignment_add(assessment=submitted, expert=expert, actor=province_admin)
    submitted.refresh_from_db()
    assert submitted.state == State.UNDER_REVIEW


def test_unassign(under_review, experts, outsider, province_admin):
    assignment = assignment_of(under_review, experts[0])
    rs.assignment_remove(assignment=assignment, actor=province_admin)
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.REMOVED
    assert audit_actions(under_review)[-1] == "review.unassign"
    assert not sel.assignments_for(experts[0]).filter(pk=assignment.pk).exists()
    # Removing it again is refused; the next automatic run fills the place with someone new.
    with refused(StateConflict):
        rs.assignment_remove(assignment=assignment, actor=province_admin)
    result = rs.assignments_auto(batch=under_review.batch, actor=province_admin)
    assert [a.expert for a in result["created"]] == [outsider]


def test_unassign_a_submitted_review_refused(under_review, experts, province_admin):
    done = complete_review(assignment_of(under_review, experts[0]))
    with refused(StateConflict):
        rs.assignment_remove(assignment=done, actor=province_admin)


@pytest.mark.parametrize("who", ["experts", "city_reviewer_suzhou", "admin_a"])
def test_province_admin_only(request, under_review, experts, outsider, province_admin, who):
    """An expert, a city reviewer or an enterprise user doing the province's work: refused
    each time when only the role stands in the way."""
    actor = _user(request, who)
    batch = under_review.batch
    with refused(PermissionDenied):
        rs.assignments_auto(batch=batch, actor=actor)
    with refused(PermissionDenied):
        rs.assignment_add(assessment=under_review, expert=outsider, actor=actor)
    with refused(PermissionDenied):
        rs.assignment_remove(assignment=under_review.assignments.first(), actor=actor)
    with refused(PermissionDenied):
        rs.batch_settings_update(batch=batch, actor=actor, data={"avoid_same_city": True})
    for e in experts:
        complete_review(assignment_of(under_review, e))
    with refused(PermissionDenied):
        rs.assessment_decide(
            assessment=under_review, actor=actor, outcome="approved", tier="workshop", reason="好"
        )
    rs.assessment_decide(
        assessment=under_review,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason="好",
    )
    with refused(PermissionDenied):
        rs.batch_list_publish(batch=batch, actor=actor)
    with refused(PermissionDenied):
        rs.batch_list_publish(batch=batch, actor=actor, publish=False)


def test_conflict_declare_refused_to_others(under_review, experts, province_admin):
    assignment = assignment_of(under_review, experts[0])
    for actor in (experts[1], province_admin):
        with refused(PermissionDenied):
            rs.conflict_declare(assignment=assignment, actor=actor, reason="回避")
    with refused(ValidationError, "reason"):
        rs.conflict_declare(assignment=assignment, actor=experts[0], reason="   ")
    complete_review(assignment)
    with refused(StateConflict):
        rs.conflict_declare(assignment=assignment, actor=experts[0], reason="回避")


def test_reviews_are_the_experts_own(under_review, experts, outsider, province_admin):
    assignment = assignment_of(under_review, experts[0])
    data = full_review(under_review, (8, 8, 8, 8, 8))
    for actor in (experts[1], outsider, province_admin):
        with refused(PermissionDenied):
            rs.review_save(assignment=assignment, actor=actor, data=data)
        with refused(PermissionDenied):
            rs.review_submit(assignment=assignment, actor=actor, data=data)


def test_submit_review_writes_the_audit_log(under_review, experts):
    complete_review(assignment_of(under_review, experts[0]))
    log = AuditLog.objects.get(action="review.submit")
    assert log.actor == experts[0]
    assert log.target_id == str(under_review.pk)
    assert log.data == {"expert": experts[0].pk, "total": "80.0"}


def test_submitted_review_cannot_be_edited(under_review, experts):
    assignment = complete_review(assignment_of(under_review, experts[0]))
    with refused(StateConflict):
        rs.review_save(assignment=assignment, actor=experts[0], data={"opinion": "改一下"})
    with refused(StateConflict):
        rs.review_submit(assignment=assignment, actor=experts[0])


def test_decide_refused_before_every_review_is_in(under_review, experts, province_admin):
    complete_review(assignment_of(under_review, experts[0]))
    complete_review(assignment_of(under_review, experts[1]))
    with refused(StateConflict) as info:
        rs.assessment_decide(
            assessment=under_review,
            actor=province_admin,
            outcome="approved",
            tier="workshop",
            reason="评审通过",
        )
    assert info.value.code == "reviews_pending"


def test_decide_refused_before_expert_review(recommended, province_admin):
    with refused(StateConflict):
        rs.assessment_decide(
            assessment=recommended, actor=province_admin, outcome="rejected", reason="不符合"
        )


def test_batch_settings(open_batch, province_admin):
    rs.batch_settings_update(
        batch=open_batch,
        actor=province_admin,
        data={"avoid_same_city": True, "reviewers_per_assessment": 5, "aggregation": "trimmed"},
    )
    open_batch.refresh_from_db()
    assert open_batch.avoid_same_city and open_batch.reviewers_per_assessment == 5
    assert open_batch.aggregation == "trimmed"
    log = AuditLog.objects.get(action="batch.settings")
    assert log.target_id == str(open_batch.pk)
    assert set(log.data["changed"]) == {
        "avoid_same_city",
        "reviewers_per_assessment",
        "aggregation",
    }


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"reviewers_per_assessment": 0}, "reviewers_per_assessment"),
        ({"reviewers_per_assessment": 10}, "reviewers_per_assessment"),
        ({"aggregation": "median"}, "aggregation"),
        ({"disagreement_threshold": -1}, "disagreement_threshold"),
        ({"name": ""}, "name"),
    ],
)
def test_batch_settings_bad_input(open_batch, province_admin, data, field):
    with refused(ValidationError, field):
        rs.batch_settings_update(batch=open_batch, actor=province_admin, data=data)


def test_batch_settings_bad_dates(open_batch, province_admin):
    with refused(ValidationError, "closes_at"):
        rs.batch_settings_update(
            batch=open_batch,
            actor=province_admin,
            data={"closes_at": open_batch.opens_at - timedelta(days=1)},
        )


def criterion(name="场景", weight=50, min_score=0, max_score=10, **kw) -> dict:
    return {"name": name, "weight": weight, "min_score": min_score, "max_score": max_score, **kw}


def test_rubric_replaced(open_batch, province_admin):
    rs.batch_settings_update(
        batch=open_batch,
        actor=province_admin,
        data={},
        criteria=[criterion("场景建设", 60, name_en="Scenarios"), criterion("成效", 40, 1, 5)],
    )
    rows = list(open_batch.rubric.order_by("no").values_list("no", "name", "weight", "max_score"))
    assert [(no, name, float(w), m) for no, name, w, m in rows] == [
        (1, "场景建设", 60.0, 10),
        (2, "成效", 40.0, 5),
    ]
    before, after = AuditLog.objects.get(action="batch.settings").data["changed"]["rubric"]
    assert before == [] and [a.split()[0] for a in after] == ["场景建设", "成效"]
    assert after[1].endswith("[1–5]")


def test_saving_the_same_settings_again_changes_nothing(open_batch, province_admin):
    """A settings form posts every field and the whole rubric each time: saved unchanged, it
    is not an action (no audit row), and is allowed even once scoring has started."""
    current = [
        {
            "name": c.name,
            "name_en": c.name_en,
            "description": c.description,
            "weight": c.weight,
            "min_score": c.min_score,
            "max_score": c.max_score,
        }
        for c in rs.rubric_ensure(open_batch)
    ]
    data = {field: getattr(open_batch, field) for field in rs.BATCH_REVIEW_FIELDS}
    before, history = db_state(), open_batch.history.count()
    rs.batch_settings_update(batch=open_batch, actor=province_admin, data=data, criteria=current)
    assert db_state() == before
    assert open_batch.history.count() == history


@pytest.mark.parametrize(
    ("rubric", "field"),
    [
        ([criterion(weight=0)], "rubric.1.weight"),
        ([criterion(), criterion(name="")], "rubric.2.name"),
        ([criterion(min_score=5, max_score=5)], "rubric.1.max_score"),
        ([criterion(weight="很多")], "rubric.1.weight"),
        ([], "rubric"),
    ],
)
def test_rubric_bad_input(open_batch, province_admin, rubric, field):
    rs.rubric_ensure(open_batch)
    with refused(ValidationError, field):
        rs.batch_settings_update(batch=open_batch, actor=province_admin, data={}, criteria=rubric)


def test_rubric_fixed_from_the_first_expert_assignment(formally_checked, experts, province_admin):
    """Before any score: the first assignment fixes it, even once withdrawn; recorded once."""
    batch = formally_checked.batch
    rs.batch_settings_update(batch=batch, actor=province_admin, data={}, criteria=[criterion()])
    assert not rules.rubric_locked(batch)
    assignment = rs.assignment_add(
        assessment=formally_checked, expert=experts[0], actor=province_admin
    )
    assert rules.rubric_locked(batch) and not assignment.scores
    fixed = AuditLog.objects.get(action="batch.rubric_fix")
    assert fixed.actor == province_admin and fixed.data["rubric"][0][1] == "场景"
    rs.assignment_remove(assignment=assignment, actor=province_admin)
    with refused(StateConflict, "rubric"):
        rs.batch_settings_update(
            batch=batch, actor=province_admin, data={}, criteria=[criterion("另一项")]
        )
    assert list(batch.rubric.values_list("name", flat=True)) == ["场景"]
    rs.assignment_add(assessment=formally_checked, expert=experts[1], actor=province_admin)
    assert AuditLog.objects.filter(action="batch.rubric_fix").count() == 1
    assert AuditLog.objects.filter(action="batch.settings").count() == 1  # the refusal: none


def test_automatic_assignment_fixes_the_rubric_too(formally_checked, experts, province_admin):
    batch = formally_checked.batch
    assert not rules.rubric_locked(batch)
    rs.assignments_auto(batch=batch, actor=province_admin)
    assert rules.rubric_locked(batch) and batch.rubric.count() == 5
    assert AuditLog.objects.filter(action="batch.rubric_fix").count() == 1
    with refused(StateConflict, "rubric"):
        rs.batch_settings_update(batch=batch, actor=province_admin, data={}, criteria=[criterion()])


# === 2. resubmission ===========================================================================


def test_return_edit_and_resubmit(
    submitted, admin_a, city_reviewer_suzhou, django_capture_on_commit_callbacks
):
    first_sha = submitted.snapshot_sha256
    comment = "场景 30 的证明材料不足，请核实实施状态。"
    rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment=comment)
    submitted.refresh_from_db()
    assert submitted.state == State.RETURNED and submitted.is_editable
    assert [r.comment for r in sel.returned_comments(submitted)] == [comment]

    assert resubmission_unchanged(submitted)  # nothing changed since the return yet
    services.scenario_answer_set(
        assessment=submitted, actor=admin_a, scenario_no=30, data={"status": "in_progress"}
    )
    assert not resubmission_unchanged(submitted)
    returned = sel.returns_awaiting_answer(submitted).get()
    # each return comment needs an answer, the error naming the comment
    with refused(ValidationError, f"answers.{returned.pk}") as info:
        services.assessment_submit(
            assessment=submitted, actor=admin_a, declarations=DECLARED, answers={returned.pk: " "}
        )
    assert "场景 30 的证明材料不足" in info.value.message_dict[f"answers.{returned.pk}"][0]
    with refused(ValidationError, f"answers.{returned.pk}", "answers.999999"):
        services.assessment_submit(
            assessment=submitted, actor=admin_a, declarations=DECLARED, answers={999999: "?"}
        )
    answer = "场景 30 尚在建设，已改为“建设中”。"
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(
            assessment=submitted,
            actor=admin_a,
            declarations=DECLARED,
            answers={str(returned.pk): f" {answer} "},
        )
    submitted.refresh_from_db()
    assert submitted.state == State.SUBMITTED
    returned.refresh_from_db()
    assert returned.answer == answer and returned.answered_at is not None
    assert not sel.returns_awaiting_answer(submitted).exists()
    logged = AuditLog.objects.filter(action="assessment.submit").latest("pk")
    assert logged.data["answers"] == {str(returned.pk): answer}
    assert submitted.snapshot_sha256 not in ("", first_sha)
    assert submitted.snapshot_sha256 == snapshot_digest(submitted.snapshot)
    assert submitted.snapshot["scenarios"]["30"]["status"] == "in_progress"
    assert rs.claimed_scenarios(submitted) == [1, 2, 4, 5, 11, 13]

    rs.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou, comment="已修改。")
    submitted.refresh_from_db()
    assert submitted.state == State.CITY_RECOMMENDED
    rounds = [(r.outcome, r.comment, r.snapshot_sha256) for r in sel.review_rounds(submitted)]
    assert rounds == [
        ("recommended", "已修改。", submitted.snapshot_sha256),
        ("returned", comment, first_sha),
    ]
    history = list(
        reversed(assessment_history(submitted, submitted.enterprise.users.first()))
    )  # oldest first
    submits = [i for i, h in enumerate(history) if str(h["label"]) == "提交"]
    returns = [i for i, h in enumerate(history) if h["detail"] == comment]
    assert len(submits) == 2 and len(returns) == 1
    assert submits[0] < returns[0] < submits[1]


def test_returned_assessment_can_be_returned_only_once(submitted, city_reviewer_suzhou):
    rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment="请补充。")
    with refused(StateConflict):
        rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment="再退")
    with refused(StateConflict):
        rs.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou)


# === 3. conflict-of-interest rules through the services ========================================


@pytest.fixture
def insider(db):
    """An expert who works for enterprise A (甲企业), created first so that, without the rule,
    the least-loaded choice (ties by id) would pick them."""
    return make_expert("insider", employer="甲企业", city=City.NANJING)


def test_employee_is_never_assigned_to_their_employer(
    insider, formally_checked, experts, province_admin
):
    result = rs.assignments_auto(batch=formally_checked.batch, actor=province_admin)
    assert insider not in [a.expert for a in result["created"]]
    assert live(formally_checked) == ["expert1", "expert2", "expert3"]
    with refused(ValidationError, "expert") as info:
        rs.assignment_add(assessment=formally_checked, expert=insider, actor=province_admin)
    assert "专家的工作单位即申报企业" in info.value.message_dict["expert"][0]


@pytest.fixture
def declarer(db):
    return make_expert("declarer", employer="常州大学", city=City.CHANGZHOU)


def test_declared_conflict_blocks_assignment(
    declarer, formally_checked, enterprise_a, experts, province_admin
):
    ConflictDeclaration.objects.create(
        expert=declarer, enterprise=enterprise_a, reason="曾为其提供咨询服务"
    )
    rs.assignments_auto(batch=formally_checked.batch, actor=province_admin)
    assert "declarer" not in live(formally_checked)
    with refused(ValidationError, "expert") as info:
        rs.assignment_add(assessment=formally_checked, expert=declarer, actor=province_admin)
    assert "专家已申报与该企业存在利益冲突" in info.value.message_dict["expert"][0]


@pytest.fixture
def suzhou_expert(db):
    return make_expert("sz_expert", employer="苏州大学", city=City.SUZHOU)


@pytest.mark.parametrize("avoid", [False, True])
def test_same_city_expert_only_when_the_batch_asks(
    suzhou_expert, formally_checked, experts, province_admin, avoid
):
    rs.batch_settings_update(
        batch=formally_checked.batch, actor=province_admin, data={"avoid_same_city": avoid}
    )
    formally_checked.batch.refresh_from_db()
    rs.assignments_auto(batch=formally_checked.batch, actor=province_admin)
    assert ("sz_expert" in live(formally_checked)) is not avoid
    if avoid:
        assert live(formally_checked) == ["expert1", "expert2", "expert3"]
        with refused(ValidationError, "expert") as info:
            rs.assignment_add(
                assessment=formally_checked, expert=suzhou_expert, actor=province_admin
            )
        assert "本批次要求回避同市专家" in info.value.message_dict["expert"][0]


# === 4. load balancing ===========================================================================

NAMES = "甲乙丙丁戊己庚"


@pytest.fixture
def seven(open_batch):
    """Seven recommended assessments of Suzhou enterprises, in submission order."""
    start = timezone.now() - timedelta(days=1)
    return [
        quick_assessment(
            open_batch,
            name=f"苏州{c}号精密制造有限公司",
            city=City.SUZHOU,
            at=start + timedelta(minutes=i),
        )
        for i, c in enumerate(NAMES)
    ]


@pytest.fixture
def five(db):
    return [
        make_expert(f"pool{i}", employer=f"第{i}研究院", city=City.NANJING) for i in range(1, 6)
    ]


def loads(batch) -> dict:
    return {row.expert.username: row.load for row in sel.expert_loads(batch)}


def test_seven_assessments_three_reviewers_five_experts(seven, five, open_batch, province_admin):
    result = rs.assignments_auto(batch=open_batch, actor=province_admin)
    assert len(result["created"]) == 21 and result["short"] == []
    for a in seven:
        a.refresh_from_db()
        assert a.state == State.UNDER_REVIEW
        experts_of = list(a.assignments.values_list("expert_id", flat=True))
        assert len(experts_of) == len(set(experts_of)) == 3
    counted = loads(open_batch)
    assert sum(counted.values()) == 21
    assert max(counted.values()) - min(counted.values()) <= 1
    assert sorted(counted.values()) == [4, 4, 4, 4, 5]
    assert notified("review.assign") == sorted(e.username for e in five)  # once each

    # A second run changes nothing.
    before = db_state()["ExpertAssignment"]
    again = rs.assignments_auto(batch=open_batch, actor=province_admin)
    assert again == {"created": [], "short": []}
    assert db_state()["ExpertAssignment"] == before
    assert Notification.objects.filter(kind="review.assign").count() == 5


def test_balance_with_conflicts(seven, five, open_batch, province_admin):
    five[0].employer = seven[0].enterprise.name
    five[0].save()
    ConflictDeclaration.objects.create(
        expert=five[1], enterprise=seven[1].enterprise, reason="亲属"
    )
    result = rs.assignments_auto(batch=open_batch, actor=province_admin)
    assert len(result["created"]) == 21 and result["short"] == []
    assert "pool1" not in live(seven[0]) and len(live(seven[0])) == 3
    assert "pool2" not in live(seven[1]) and len(live(seven[1])) == 3
    counted = loads(open_batch)
    assert max(counted.values()) - min(counted.values()) <= 1


def test_loads_end_within_one_review_when_a_late_conflict_narrows_the_choice(
    seven, five, open_batch, province_admin
):
    # Three submissions, four experts; the fourth may not review the third. Picking the
    # least loaded submission by submission ends 3/3/2/1.
    for a in seven[3:]:
        Assessment.objects.filter(pk=a.pk).update(state=State.DRAFT)
    ConflictDeclaration.objects.create(
        expert=five[3], enterprise=seven[2].enterprise, reason="亲属"
    )
    five[4].is_active = False
    five[4].save()
    result = rs.assignments_auto(batch=open_batch, actor=province_admin)
    assert len(result["created"]) == 9 and result["short"] == []
    assert sorted(loads(open_batch).values()) == [2, 2, 2, 3]
    assert live(seven[2]) == ["pool1", "pool2", "pool3"]
    assert all(len(live(a)) == 3 for a in seven[:2])


def test_too_few_eligible_experts(seven, five, open_batch, province_admin):
    # Only two experts may review the first enterprise: three work for it.
    for e in five[:3]:
        e.employer = seven[0].enterprise.name
        e.save()
    result = rs.assignments_auto(batch=open_batch, actor=province_admin)
    assert result["short"] == [seven[0]]
    assert live(seven[0]) == ["pool4", "pool5"]
    assert all(len(live(a)) == 3 for a in seven[1:])
    assert list(sel.waiting_for_experts(open_batch)) == [seven[0]]
    assert AuditLog.objects.get(action="review.auto_assign").data["short"] == [seven[0].pk]
    # Still short on a second run, and nothing new.
    again = rs.assignments_auto(batch=open_batch, actor=province_admin)
    assert again == {"created": [], "short": [seven[0]]}


def test_auto_assign_skips_what_is_not_waiting(open_batch, five, province_admin):
    draft = quick_assessment(open_batch, state=State.DRAFT)
    submitted = quick_assessment(open_batch, state=State.SUBMITTED)
    approved = quick_assessment(open_batch, state=State.APPROVED)
    direct = quick_assessment(open_batch, state=State.SUBMITTED)
    open_batch.direct_enterprises.add(direct.enterprise)
    recommended = quick_assessment(open_batch, state=State.CITY_RECOMMENDED)
    checked = quick_assessment(open_batch)
    result = rs.assignments_auto(batch=open_batch, actor=province_admin)
    assert {a.assessment_id for a in result["created"]} == {checked.pk}
    for a in (draft, submitted, approved, direct, recommended):
        assert not a.assignments.exists()


# === 5. declaring a conflict ======================================================================


def test_conflict_declared_and_replaced(under_review, experts, enterprise_a, province_admin):
    spare = make_expert("spare", employer="河海大学", city=City.NANJING)
    assignment = assignment_of(under_review, experts[0])
    replacements = rs.conflict_declare(
        assignment=assignment, actor=experts[0], reason="  曾在该企业兼职  "
    )
    assignment.refresh_from_db()
    assert assignment.status == AssignmentStatus.DECLINED
    assert assignment.conflict_reason == "曾在该企业兼职"
    declaration = ConflictDeclaration.objects.get(expert=experts[0])
    assert (declaration.enterprise, declaration.reason) == (enterprise_a, "曾在该企业兼职")
    assert [r.expert for r in replacements] == [spare]
    assert replacements[0].status == AssignmentStatus.ACTIVE
    assert live(under_review) == ["expert2", "expert3", "spare"]
    assert not sel.assignments_for(experts[0]).filter(assessment=under_review).exists()
    assert sel.assignments_for(spare).filter(assessment=under_review).exists()
    assert audit_actions(under_review)[-2:] == ["review.conflict", "review.assign"]
    assert notified("review.conflict") == ["prov"]
    assert "已自动补派专家" in Notification.objects.get(kind="review.conflict").body
    assert "spare" in notified("review.assign")

    # The declaration holds from now on: no manual or automatic way back.
    with refused(ValidationError, "expert"):
        rs.assignment_add(assessment=under_review, expert=experts[0], actor=province_admin)
    assert rs.assignments_auto(batch=under_review.batch, actor=province_admin)["created"] == []


def test_conflict_declared_without_replacement(under_review, experts, province_admin):
    assignment = assignment_of(under_review, experts[0])
    assert rs.conflict_declare(assignment=assignment, actor=experts[0], reason="亲属任职") == []
    assert live(under_review) == ["expert2", "expert3"]
    body = Notification.objects.get(kind="review.conflict", recipient=province_admin).body
    assert "没有可补派的专家" in body and "亲属任职" in body
    assert list(sel.waiting_for_experts(under_review.batch)) == [under_review]
    assert not sel.assignments_for(experts[0]).exists()


def test_declared_conflict_holds_in_a_later_batch(
    under_review, experts, enterprise_a, province_admin
):
    rs.conflict_declare(
        assignment=assignment_of(under_review, experts[0]), actor=experts[0], reason="持股"
    )
    old = under_review.batch
    later = Batch.objects.create(
        year=old.year + 1,
        name="下一批次",
        catalog_version=old.catalog_version,
        opens_at=old.opens_at,
        closes_at=old.closes_at,
    )
    again = quick_assessment(later, enterprise=enterprise_a)
    make_expert("newcomer", employer="南京大学")
    rs.assignments_auto(batch=later, actor=province_admin)
    assert live(again) == ["expert2", "expert3", "newcomer"]
    with refused(ValidationError, "expert"):
        rs.assignment_add(assessment=again, expert=experts[0], actor=province_admin)


# === 6. reviews ===================================================================================


@pytest.fixture
def mine(under_review, experts):
    return assignment_of(under_review, experts[0])


def test_partial_drafts_merge(mine, experts):
    me = experts[0]
    rs.review_save(
        assignment=mine,
        actor=me,
        data={"verdicts": {"1": {"accepted": True}, "2": {"accepted": False, "comment": "无证据"}}},
    )
    saved = rs.review_save(
        assignment=mine, actor=me, data={"verdicts": {"4": {"accepted": True, "comment": "好"}}}
    )
    assert saved.verdicts == {
        "1": {"accepted": True, "comment": ""},
        "2": {"accepted": False, "comment": "无证据"},
        "4": {"accepted": True, "comment": "好"},
    }
    first, second = criteria(mine.assessment.batch)[:2]
    rs.review_save(assignment=mine, actor=me, data={"scores": {str(first.pk): 7}})
    saved = rs.review_save(
        assignment=mine, actor=me, data={"scores": {str(second.pk): "8.5"}, "opinion": " 良好 "}
    )
    mine.refresh_from_db()
    assert mine.scores == {str(first.pk): 7.0, str(second.pk): 8.5}
    assert mine.opinion == "良好"
    assert len(mine.verdicts) == 3  # the verdicts are still there
    assert mine.version == 5 and saved.version == 5
    assert mine.status == AssignmentStatus.ACTIVE and mine.total is None
    # A blank score clears it; the same data again is not a new version.
    rs.review_save(assignment=mine, actor=me, data={"scores": {str(second.pk): ""}})
    rs.review_save(assignment=mine, actor=me, data={"scores": {str(second.pk): ""}})
    mine.refresh_from_db()
    assert mine.scores == {str(first.pk): 7.0} and mine.version == 6


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"verdicts": {"3": {"accepted": True}}}, "verdicts.3"),  # not claimed
        ({"verdicts": {"99": {"accepted": True}}}, "verdicts.99"),
        ({"verdicts": {"x": {"accepted": True}}}, "verdicts.x"),
        ({"verdicts": {"1": {"accepted": "yes"}}}, "verdicts.1.accepted"),
        ({"verdicts": {"1": {"accepted": 1}}}, "verdicts.1.accepted"),
        ({"verdicts": {"1": {"accepted": 0}}}, "verdicts.1.accepted"),
        ({"verdicts": {"1": True}}, "verdicts.1"),
        ({"verdicts": ["1"]}, "verdicts"),
        ({"verdicts": {"1": {"accepted": False, "comment": "长" * 1001}}}, "verdicts.1.comment"),
        ({"scores": {"0": 5}}, "scores.0"),  # unknown criterion
        ({"scores": {"abc": 5}}, "scores.abc"),
        ({"scores": {"C1": 11}}, "scores.C1"),  # out of range
        ({"scores": {"C1": -1}}, "scores.C1"),
        ({"scores": {"C1": "八"}}, "scores.C1"),
        ({"scores": {"C1": "NaN"}}, "scores.C1"),
        ({"scores": {"C1": "Infinity"}}, "scores.C1"),
        ({"scores": {"C1": True}}, "scores.C1"),
        ({"scores": 7}, "scores"),
        ({"recommended_tier": "gold"}, "recommended_tier"),
        ({"opinion": "长" * 5001}, "opinion"),
    ],
)
def test_a_bad_review_value_is_refused_alone(mine, experts, data, field):
    first = criteria(mine.assessment.batch)[0]
    rs.review_save(assignment=mine, actor=experts[0], data={"opinion": "草稿"})
    # Replace the placeholder with the first criterion's id; add a valid part, saved all the
    # same (unless the bad value is the opinion itself).
    data = {
        k: (
            {kk.replace("C1", str(first.pk)): vv for kk, vv in v.items()}
            if isinstance(v, dict)
            else v
        )
        for k, v in data.items()
    }
    field = field.replace("C1", str(first.pk))
    data.setdefault("opinion", "新的意见")
    before = {k: v for k, v in db_state().items() if k != "ExpertAssignment"}
    with pytest.raises(rs.ReviewErrors) as info:
        rs.review_save(assignment=mine, actor=experts[0], data=data)
    assert set(info.value.message_dict) == {field}
    mine.refresh_from_db()
    assert mine.scores == {} and mine.verdicts == {} and mine.recommended_tier == ""
    assert mine.opinion == ("草稿" if field == "opinion" else "新的意见")
    assert info.value.assignment.version == mine.version == (2 if field == "opinion" else 3)
    assert {k: v for k, v in db_state().items() if k != "ExpertAssignment"} == before


def test_a_bad_score_keeps_the_one_stored(mine, experts):
    first, second = criteria(mine.assessment.batch)[:2]
    rs.review_save(assignment=mine, actor=experts[0], data={"scores": {str(first.pk): 6}})
    with pytest.raises(rs.ReviewErrors) as info:
        rs.review_save(
            assignment=mine,
            actor=experts[0],
            data={"scores": {str(first.pk): 12, str(second.pk): "7.5"}},
        )
    message = info.value.message_dict[f"scores.{first.pk}"][0]
    assert first.name in message and "0–10" in message
    mine.refresh_from_db()
    assert mine.scores == {str(first.pk): 6.0, str(second.pk): 7.5}


def test_stale_version_refused(mine, experts):
    rs.review_save(
        assignment=mine, actor=experts[0], data={"opinion": "第一稿"}, expected_version=1
    )
    with refused(StateConflict) as info:
        rs.review_save(
            assignment=mine, actor=experts[0], data={"opinion": "旧稿"}, expected_version=1
        )
    assert info.value.code == "stale_version"
    with refused(StateConflict):
        rs.review_submit(
            assignment=mine,
            actor=experts[0],
            data=full_review(mine.assessment, (5, 5, 5, 5, 5)),
            expected_version=1,
        )


def test_incomplete_review_lists_every_missing_part(mine, experts):
    batch = mine.assessment.batch
    first, *others = criteria(batch)
    rs.review_save(
        assignment=mine,
        actor=experts[0],
        data={
            "verdicts": {
                "1": {"accepted": True},
                "2": {"accepted": False},  # rejected without a reason
                "4": {"accepted": None},
            },
            "scores": {str(first.pk): 6},
        },
    )
    with refused(rs.ReviewErrors) as info:
        rs.review_submit(assignment=mine, actor=experts[0])
    errors = info.value.message_dict
    assert set(errors) == {
        "verdicts.2.comment",
        *(f"verdicts.{no}.accepted" for no in (4, 5, 11, 13, 30)),
        *(f"scores.{c.pk}" for c in others),
        "opinion",
        "recommended_tier",
    }
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ACTIVE and mine.submitted_at is None


def test_a_refused_submit_lists_bad_values_with_the_missing_parts(mine, experts):
    first, second, *others = criteria(mine.assessment.batch)
    data = {
        "scores": {str(first.pk): 6, str(second.pk): 99},
        "verdicts": {"1": {"accepted": "yes"}},
        "opinion": "意见",
    }
    expected = {
        *(f"verdicts.{no}.accepted" for no in rs.claimed_scenarios(mine.assessment)),
        f"scores.{second.pk}",
        *(f"scores.{c.pk}" for c in others),
        "recommended_tier",
    }
    assert rs.review_problems(assignment=mine, data=data).keys() == expected
    mine.refresh_from_db()
    assert mine.version == 1  # asking changes nothing
    with pytest.raises(rs.ReviewErrors) as info:
        rs.review_submit(assignment=mine, actor=experts[0], data=data)
    errors = info.value.message_dict
    assert errors.keys() == expected
    messages = [message for field in errors.values() for message in field]
    assert not [m for m in messages if "99" in m]  # the value is not echoed back
    assert "0–10" in errors[f"scores.{second.pk}"][0]
    assert errors["verdicts.1.accepted"] == ["请选择认可或不认可。"]
    mine.refresh_from_db()
    assert mine.status == AssignmentStatus.ACTIVE
    assert mine.scores == {str(first.pk): 6.0} and mine.opinion == "意见"


def test_complete_review_is_totalled_and_final(mine, experts):
    # Default rubric, every criterion on 0–10, weights 30/25/15/15/15 (sum 100):
    #   30×9/10 + 25×8/10 + 15×7/10 + 15×6/10 + 15×5/10
    # = 27     + 20     + 10.5    + 9      + 7.5      = 74.0   → 74.0 / 100 × 100 = 74.00
    data = full_review(mine.assessment, (9, 8, 7, 6, 5), rejected={30}, tier="workshop")
    done = rs.review_submit(assignment=mine, actor=experts[0], data=data)
    done.refresh_from_db()
    assert float(done.total) == 74.0
    assert done.status == AssignmentStatus.SUBMITTED and done.is_final
    assert done.submitted_at is not None
    assert done.verdicts["30"] == {"accepted": False, "comment": "证据不足"}
    assert done.recommended_tier == "workshop"
    with refused(StateConflict):
        rs.review_save(assignment=done, actor=experts[0], data={"opinion": "再改"})


# === 7. aggregation ================================================================================

# Totals with the default rubric (weights 30/25/15/15/15, scores on 0–10):
#   (5, 6, 7, 7, 6):  15 + 15 + 10.5 + 10.5 + 9 = 60.0
#   (8, 7, 7, 6, 6):  24 + 17.5 + 10.5 + 9 + 9  = 70.0
#   (10, 8, 10, 10, 10): 30 + 20 + 15 + 15 + 15 = 95.0
SIXTY, SEVENTY, NINETY_FIVE = (5, 6, 7, 7, 6), (8, 7, 7, 6, 6), (10, 8, 10, 10, 10)


def test_scores_aggregated(under_review, experts, province_admin):
    for e, scores in zip(experts, (SIXTY, SEVENTY, NINETY_FIVE), strict=True):
        rs.review_submit(
            assignment=assignment_of(under_review, e),
            actor=e,
            data=full_review(under_review, scores),
        )
    totals = sorted(float(t) for t in under_review.assignments.values_list("total", flat=True))
    assert totals == [60.0, 70.0, 95.0]
    batch = under_review.batch
    agg = sel.batch_aggregates(batch)[under_review.pk]
    # mean (60 + 70 + 95) / 3 = 75; spread 95 − 60 = 35 > 15. Each expert has a single review,
    # so the z-score correction leaves the totals as they are: normalised = mean.
    assert (agg.n, agg.mean, agg.spread, agg.disagreement) == (3, 75.0, 35.0, True)
    assert agg.normalised == 75.0 and agg.method == "zscore"

    rs.batch_settings_update(batch=batch, actor=province_admin, data={"aggregation": "trimmed"})
    batch.refresh_from_db()
    agg = sel.batch_aggregates(batch)[under_review.pk]
    assert agg.normalised == 70.0 and agg.mean == 75.0  # trimmed: 60 and 95 dropped

    rs.batch_settings_update(batch=batch, actor=province_admin, data={"disagreement_threshold": 35})
    batch.refresh_from_db()
    assert sel.batch_aggregates(batch)[under_review.pk].disagreement is False  # not > 35


@pytest.mark.parametrize(
    ("rejecting", "accepted_tier"), [(0, "workshop"), (1, "workshop"), (2, "")]
)
def test_summary_counts_only_accepted_scenarios(under_review, experts, rejecting, accepted_tier):
    services.evaluation_refresh(assessment=under_review)
    under_review = Assessment.objects.select_related("evaluation").get(pk=under_review.pk)
    for i, e in enumerate(experts):
        rejected = {1} if i < rejecting else set()
        tier = "none" if i < rejecting else "workshop"
        rs.review_submit(
            assignment=assignment_of(under_review, e),
            actor=e,
            data=full_review(under_review, SEVENTY, rejected=rejected, tier=tier),
        )
    summary = sel.review_summary(under_review)
    assert summary.complete
    assert summary.computed_tier == "workshop"  # 6 implemented production scenarios claimed
    # Scenario 1 rejected by a majority leaves 5 production scenarios: below 智能车间 (≥ 6).
    assert summary.accepted_tier == accepted_tier
    assert summary.scenario_votes[1] == (3 - rejecting, rejecting)
    assert summary.scenario_votes[2] == (3, 0)
    expected = {"workshop": 3 - rejecting, "none": rejecting}
    assert summary.recommended == {k: v for k, v in expected.items() if v}
    assert summary.aggregate.mean == 70.0


def test_summary_before_any_review(under_review):
    summary = sel.review_summary(under_review)
    assert not summary.complete
    assert summary.accepted_tier is None and summary.aggregate is None
    assert summary.scenario_votes == {} and len(summary.assignments) == 3


# === 8. decision and the public list ==============================================================


def test_approve(reviewed, province_admin):
    decision = rs.assessment_decide(
        assessment=reviewed,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason="  专家一致认可。  ",
        figures={"mean": 80.0},
    )
    reviewed.refresh_from_db()
    assert reviewed.state == State.APPROVED
    assert reviewed.decided_tier == "workshop" and reviewed.decided_at is not None
    assert (decision.outcome, decision.tier, decision.reason) == (
        "approved",
        "workshop",
        "专家一致认可。",
    )
    assert decision.figures == {"mean": 80.0} and decision.decided_by == province_admin
    assert sel.decision_of(reviewed) == decision
    today = timezone.localdate()
    assert decision.valid_until == today.replace(year=today.year + 3)  # the batch's default
    log = AuditLog.objects.get(action="review.decide")
    assert log.data == {
        "outcome": "approved",
        "tier": "workshop",
        "valid_until": decision.valid_until.isoformat(),
    }
    with refused(StateConflict):  # decided once
        rs.assessment_decide(
            assessment=reviewed, actor=province_admin, outcome="rejected", reason="改判"
        )


def test_reject(reviewed, province_admin):
    decision = rs.assessment_decide(
        assessment=reviewed,
        actor=province_admin,
        outcome="rejected",
        tier="workshop",
        reason="不足",
        justification="示范带动作用不足，不采纳专家的认定建议。",
    )
    reviewed.refresh_from_db()
    assert reviewed.state == State.REJECTED and reviewed.decided_tier == ""
    assert decision.tier == ""


@pytest.mark.parametrize(
    ("outcome", "tier", "reason", "field"),
    [
        ("approved", "", "好", "tier"),
        ("approved", "gold", "好", "tier"),
        ("approved", "workshop", "  ", "reason"),
        ("rejected", "", "", "reason"),
        ("maybe", "", "好", "outcome"),
    ],
)
def test_decide_bad_input(reviewed, province_admin, outcome, tier, reason, field):
    with refused(ValidationError, field):
        rs.assessment_decide(
            assessment=reviewed, actor=province_admin, outcome=outcome, tier=tier, reason=reason
        )


def test_public_list(reviewed, open_batch, experts, province_admin):
    with refused(ValidationError, "batch"):
        rs.batch_list_publish(batch=open_batch, actor=province_admin)

    rejected = quick_assessment(open_batch, name="南京乙精密有限公司", city=City.NANJING)
    rs.assignment_add(assessment=rejected, expert=experts[0], actor=province_admin)
    complete_review(assignment_of(rejected, experts[0]), tier="none")
    rs.assessment_decide(assessment=rejected, actor=province_admin, outcome="rejected", reason="否")
    waiting = quick_assessment(open_batch, name="无锡丙精密有限公司", city=City.WUXI)
    with refused(ValidationError, "batch"):  # a rejection is not enough
        rs.batch_list_publish(batch=open_batch, actor=province_admin)

    rs.assessment_decide(
        assessment=reviewed,
        actor=province_admin,
        outcome="approved",
        tier="factory",
        reason="好",
        justification="现场核查确认已达到智能工厂要求。",
    )
    assert sel.public_list(open_batch) == []  # not yet published
    assert list(sel.published_batches()) == []

    with refused(StateConflict, "partial"):  # the waiting application is undecided
        rs.batch_list_publish(batch=open_batch, actor=province_admin)
    rs.batch_list_publish(batch=open_batch, actor=province_admin, partial=True)
    open_batch.refresh_from_db()
    assert open_batch.list_published_at is not None
    assert sel.public_list(open_batch) == [
        {
            "enterprise": "甲企业",
            "city": "苏州市",
            "city_code": City.SUZHOU,
            "tier": "factory",
            "tier_display": "智能工厂",
            "valid_until": Decision.objects.get(assessment__enterprise__name="甲企业").valid_until,
        }
    ]
    assert list(sel.published_batches()) == [open_batch]
    assert waiting.enterprise.name not in str(sel.public_list(open_batch))
    log = AuditLog.objects.get(action="batch.publish")
    assert log.target_id == str(open_batch.pk) and log.data["approved"] == 1
    assert log.data["partial"] is True
    assert log.data["undecided"] == [[waiting.pk, "无锡丙精密有限公司"]]
    assert notified("batch.publish") == ["admin_a"]

    rs.batch_list_publish(batch=open_batch, actor=province_admin, publish=False)
    open_batch.refresh_from_db()
    assert sel.public_list(open_batch) == []
    assert audit_actions(open_batch)[-1] == "batch.unpublish"


# === 9. notifications =============================================================================


def test_submit_notifies_the_city_only(
    city_reviewer_suzhou, city_reviewer_nanjing, province_admin, member_a, submitted
):
    assert notified("assessment.submit") == ["city_sz"]
    n = Notification.objects.get(kind="assessment.submit")
    assert n.title == "甲企业 提交了自评估申报" and n.title_en and n.body_en
    assert n.url == reverse("review-detail", args=[submitted.pk])


def test_direct_applicant_submission_notifies_the_province(
    city_reviewer_suzhou, province_admin, open_batch, enterprise_a, assessment, admin_a
):
    open_batch.direct_enterprises.add(enterprise_a)
    services.assessment_submit(assessment=assessment, actor=admin_a, declarations=DECLARED)
    assert notified("assessment.submit") == ["prov"]


def test_who_is_told_at_each_step(
    city_reviewer_suzhou,
    city_reviewer_nanjing,
    province_admin,
    member_a,
    admin_b,
    submitted,
    experts,
):
    Notification.objects.all().delete()
    rs.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou)
    assert notified("review.recommend") == ["admin_a", "member_a", "prov"]

    rs.formal_check_pass(assessment=submitted, actor=province_admin)
    assert notified("review.formal_check.pass") == ["admin_a", "city_sz", "member_a"]

    rs.assignments_auto(batch=submitted.batch, actor=province_admin)
    assert notified("review.assign") == ["expert1", "expert2", "expert3"]

    spare = make_expert("spare", employer="河海大学")
    rs.conflict_declare(
        assignment=assignment_of(submitted, experts[0]), actor=experts[0], reason="亲属"
    )
    assert notified("review.conflict") == ["prov"]
    assert notified("review.assign") == ["expert1", "expert2", "expert3", "spare"]

    for e in (experts[1], experts[2]):
        complete_review(assignment_of(submitted, e))
    assert notified("review.complete") == []  # the spare has not reviewed yet
    complete_review(assignment_of(submitted, spare))
    assert notified("review.complete") == ["prov"]

    rs.assessment_decide(
        assessment=submitted, actor=province_admin, outcome="approved", tier="workshop", reason="好"
    )
    assert notified("review.decide") == ["admin_a", "city_sz", "member_a"]
    # Nobody else heard anything.
    assert not Notification.objects.filter(recipient__in=[city_reviewer_nanjing, admin_b]).exists()
    assert not Notification.objects.filter(title="").exists()
    assert not Notification.objects.filter(title_en="").exists()


def test_return_tells_the_enterprise(city_reviewer_suzhou, province_admin, member_a, submitted):
    Notification.objects.all().delete()
    rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment="请补充材料。")
    assert notified("review.return") == ["admin_a", "member_a"]
    n = Notification.objects.filter(kind="review.return").first()
    assert "请补充材料。" in n.body and "请补充材料。" in n.body_en


def test_one_notification_per_expert_per_run(open_batch, five, province_admin):
    for c in "甲乙":
        quick_assessment(open_batch, name=f"苏州{c}零件有限公司")
    rs.assignments_auto(batch=open_batch, actor=province_admin)
    # 2 × 3 places over 5 experts: pool1 gets two assessments, one message.
    assert notified("review.assign") == ["pool1", "pool2", "pool3", "pool4", "pool5"]
    n = Notification.objects.get(kind="review.assign", recipient=five[0])
    assert n.title == "您有 2 份新的评审任务" and n.title_en


def test_both_languages_whatever_the_reader_speaks(
    submitted, city_reviewer_suzhou, admin_a, province_admin
):
    with translation.override("en"):
        rs.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou)
    n = Notification.objects.get(kind="review.recommend", recipient=admin_a)
    assert n.title == "测试批次：市级主管部门已推荐您的申报"
    assert n.body == "您的申报已推荐至省级，将由省级进行形式审查。"
    assert n.title_en and n.body_en
    with translation.override("en"):
        assert n.display_title == n.title_en
    assert n.display_title == n.title


def test_decision_notification_in_both_languages(reviewed, province_admin, admin_a):
    rs.assessment_decide(
        assessment=reviewed, actor=province_admin, outcome="approved", tier="workshop", reason="好"
    )
    n = Notification.objects.get(kind="review.decide", recipient=admin_a)
    assert n.title == "测试批次：甲企业 的认定结果为“认定”"
    until = Decision.objects.get(assessment=reviewed).valid_until.isoformat()
    assert n.body == f"认定层级：智能车间\n有效期至：{until}\n理由：好"
    assert n.title_en and n.body_en


@pytest.fixture
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PORTAL_BASE_URL = "https://portal.example"
    mail.outbox = []


def test_notifications_are_emailed_once(
    locmem_email,
    eager_celery,
    django_capture_on_commit_callbacks,
    submitted,
    admin_a,
    member_a,
    city_reviewer_suzhou,
    province_admin,
):
    assert province_admin.email == ""  # no address: skipped
    Notification.objects.all().delete()
    mail.outbox.clear()  # the submission's receipt
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        rs.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou)
    assert len(callbacks) == 2  # one task per group of recipients
    assert sorted(m.to[0] for m in mail.outbox) == ["admin_a@example.com", "member_a@example.com"]
    assert all(len(m.to) == 1 for m in mail.outbox)
    message = next(m for m in mail.outbox if m.to == ["admin_a@example.com"])
    n = Notification.objects.get(recipient=admin_a)
    assert n.title == "测试批次：市级主管部门已推荐您的申报"
    # Both languages in the subject, the title once when it has no English translation yet.
    assert message.subject == (n.title if n.title_en == n.title else f"{n.title} / {n.title_en}")
    assert n.title in message.body and n.title_en in message.body
    overview = reverse("assessment-overview", args=[submitted.pk])
    assert f"https://portal.example{overview}" in message.body
    enterprise_notes = Notification.objects.filter(recipient__enterprise=submitted.enterprise)
    assert enterprise_notes.count() == 2
    assert not enterprise_notes.filter(emailed_at=None).exists()
    assert Notification.objects.get(recipient=province_admin).emailed_at is None

    # Run the task again with the same ids: nothing more is sent.
    ids = list(Notification.objects.values_list("pk", flat=True))
    assert send_notification_emails.delay(ids).get() == 0
    assert len(mail.outbox) == 2


def test_email_waits_for_the_commit(
    locmem_email, eager_celery, django_capture_on_commit_callbacks, submitted, city_reviewer_suzhou
):
    Notification.objects.all().delete()
    mail.outbox.clear()  # the submission's receipt
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        rs.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou)
    assert mail.outbox == [] and callbacks
    assert not Notification.objects.exclude(emailed_at=None).exists()


@pytest.mark.django_db(transaction=True)
def test_last_two_reviews_submitted_at_once_still_tell_the_province(
    under_review, experts, monkeypatch
):
    """Two experts submit the last reviews at the same moment: each must not conclude from
    the other's still-uncommitted row that a review is pending, or nobody is told."""
    complete_review(assignment_of(under_review, experts[0]))
    both_saved = threading.Barrier(2, timeout=10)
    from review.services import expert_reviews

    log = expert_reviews.log

    def log_then_wait(actor, action, *args, **kwargs):
        log(actor, action, *args, **kwargs)
        if action == "review.submit":
            with suppress(threading.BrokenBarrierError):  # both saved, neither committed
                both_saved.wait()

    monkeypatch.setattr(expert_reviews, "log", log_then_wait)
    errors = []

    def submit(expert):
        try:
            complete_review(assignment_of(under_review, expert))
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit, args=(e,)) for e in experts[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert under_review.assignments.filter(status=AssignmentStatus.SUBMITTED).count() == 3
    assert notified("review.complete") == ["prov"]
