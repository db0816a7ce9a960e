"""The province's decisions against the facts and the four-eyes rule, through the services: a
decision above the computed tier or against most experts needs a justification and is kept
flagged; under a batch's four-eyes rule a decision is a proposal until a second province admin
confirms it; recommending an application that reaches no tier asks to be sure."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from evaluation.models import Evaluation, State
from portal.exceptions import StateConflict
from portal.models import AuditLog, Notification, Role
from portal.selectors import audit_log_for
from review import confirmations, guards, rules
from review import services as rs
from review.models import Decision, DecisionProposal
from scenarios.models import Batch, DecisionConfirmation

from ..conftest import complete_review
from ..factories import UserFactory
from .test_review_workflow import db_state

pytestmark = pytest.mark.django_db


@contextmanager
def refused(exc, *fields):
    """The call raises ``exc`` (exactly) naming ``fields``; no row of the workflow, proposals
    included, changed."""
    before = (db_state(), list(DecisionProposal.objects.order_by("pk").values()))
    with pytest.raises(exc) as info:
        yield info
    assert type(info.value) is exc
    if fields:
        assert set(fields) <= set(info.value.message_dict), info.value.message_dict
    assert (db_state(), list(DecisionProposal.objects.order_by("pk").values())) == before


def kinds(*kind) -> list[str]:
    return sorted(
        Notification.objects.filter(kind__in=kind).values_list("recipient__username", flat=True)
    )


@pytest.fixture
def split(under_review):
    """The case that went wrong: the evaluation reaches no tier, two of the three experts
    recommend no approval and the third 标杆企业."""
    Evaluation.objects.filter(assessment=under_review).update(highest_tier="")
    for assignment, tier in zip(
        under_review.assignments.order_by("pk"), ("none", "none", "benchmark"), strict=True
    ):
        complete_review(assignment, tier=tier, accepted=tier != "none")
    under_review.refresh_from_db()
    return under_review


@pytest.fixture
def reviewed(under_review):
    """Computed 智能车间, every expert recommends it."""
    for assignment in under_review.assignments.all():
        complete_review(assignment)
    return under_review


@pytest.fixture
def second_admin(db):
    return UserFactory(username="prov2", role=Role.PROVINCE_ADMIN)


def four_eyes(batch, rule) -> None:
    Batch.objects.filter(pk=batch.pk).update(decision_confirmation=rule)
    batch.refresh_from_db()


def test_a_benchmark_award_against_the_facts_needs_a_justification(split, province_admin, admin_a):
    benchmark = {"outcome": "approved", "tier": "benchmark", "reason": "示范带动作用突出。"}
    with refused(ValidationError, "justification") as info:
        rs.assessment_decide(assessment=split, actor=province_admin, **benchmark)
    said = info.value.message_dict["justification"][0]
    assert "高于系统计算层级“未达到”" in said and "3 位专家中有 2 位建议不予认定" in said

    decision = rs.assessment_decide(
        assessment=split, actor=province_admin, justification="现场核查补充了证据。", **benchmark
    )
    assert [f["code"] for f in decision.flags] == [guards.ABOVE_COMPUTED, guards.EXPERTS_REJECT]
    assert decision.flagged and decision.justification == "现场核查补充了证据。"
    split.refresh_from_db()
    assert (split.state, split.decided_tier) == (State.APPROVED, "benchmark")
    # the applicant's entry says what it is told; the flags and the justification are the
    # province's (they may name what the experts advised)
    entry = AuditLog.objects.get(action="review.decide")
    assert entry.data == {
        "outcome": "approved",
        "tier": "benchmark",
        "valid_until": decision.valid_until.isoformat(),
    }
    flagged = AuditLog.objects.get(action="review.decide_flagged")
    assert flagged.data["justification"] == "现场核查补充了证据。"
    assert "高于系统计算层级" in flagged.summary
    seen = set(audit_log_for(admin_a).values_list("action", flat=True))
    assert "review.decide" in seen and "review.decide_flagged" not in seen


def test_a_decision_the_facts_support_needs_none(reviewed, province_admin):
    decision = rs.assessment_decide(
        assessment=reviewed, actor=province_admin, outcome="approved", tier="workshop", reason="好"
    )
    assert decision.flags == [] and not AuditLog.objects.filter(action="review.decide_flagged")


def test_four_eyes_a_proposal_confirmed_by_a_second_admin(
    reviewed, province_admin, second_admin, admin_a
):
    four_eyes(reviewed.batch, DecisionConfirmation.ALL)
    terms = {"outcome": "approved", "tier": "workshop", "reason": "专家一致认可。"}
    proposal = rs.assessment_decide(assessment=reviewed, actor=province_admin, **terms)
    assert isinstance(proposal, DecisionProposal) and proposal.status == "pending"
    reviewed.refresh_from_db()
    assert reviewed.state == State.UNDER_REVIEW and not Decision.objects.exists()
    assert kinds("review.decide") == [] and kinds("review.propose") == ["prov2"]
    assert not rules.can_decide(province_admin, reviewed)
    with refused(StateConflict):  # one proposal at a time
        rs.assessment_decide(assessment=reviewed, actor=second_admin, **terms)

    with refused(PermissionDenied) as info:  # never by the proposer
        rs.decision_proposal_confirm(proposal=proposal, actor=province_admin)
    assert "另一位省级管理员" in str(info.value)
    assert not rules.can_review_proposal(province_admin, proposal)
    assert confirmations.proposal_confirm(province_admin, proposal) is None

    decision = rs.decision_proposal_confirm(proposal=proposal, actor=second_admin)
    reviewed.refresh_from_db()
    assert (reviewed.state, reviewed.decided_tier) == (State.APPROVED, "workshop")
    assert (decision.decided_by, decision.confirmed_by) == (province_admin, second_admin)
    assert kinds("review.decide") == ["admin_a", "city_sz"]
    actions = list(AuditLog.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-3:] == ["review.decision_propose", "review.decide", "review.decision_confirm"]
    with refused(StateConflict):
        rs.decision_proposal_confirm(proposal=proposal, actor=second_admin)


def test_four_eyes_a_rejected_proposal_reopens_the_decision(reviewed, province_admin, second_admin):
    four_eyes(reviewed.batch, DecisionConfirmation.FLAGGED)
    # rejecting what every expert recommends is flagged: under this rule, a proposal
    proposal = rs.assessment_decide(
        assessment=reviewed,
        actor=province_admin,
        outcome="rejected",
        reason="示范性不足。",
        justification="与行业水平相比不足。",
    )
    assert isinstance(proposal, DecisionProposal) and proposal.flagged
    with refused(ValidationError, "reason"):
        rs.decision_proposal_reject(proposal=proposal, actor=second_admin, reason=" ")
    rs.decision_proposal_reject(proposal=proposal, actor=second_admin, reason="依据不足。")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.reviewed_by) == ("rejected", second_admin)
    assert kinds("review.proposal_reject") == ["prov"]
    assert rules.can_decide(province_admin, reviewed)
    # a decision the facts support is not flagged: it takes effect at once
    decision = rs.assessment_decide(
        assessment=reviewed, actor=province_admin, outcome="approved", tier="workshop", reason="好"
    )
    assert isinstance(decision, Decision) and decision.confirmed_by is None


def test_four_eyes_needs_two_province_admins(open_batch, province_admin):
    with refused(ValidationError, "decision_confirmation"):
        rs.batch_settings_update(
            batch=open_batch, actor=province_admin, data={"decision_confirmation": "all"}
        )


def test_recommending_what_reaches_no_tier_asks_to_be_sure(submitted, city_reviewer_suzhou):
    Evaluation.objects.filter(assessment=submitted).update(highest_tier="")
    submitted.refresh_from_db()
    said = confirmations.recommend(city_reviewer_suzhou, submitted)
    assert "未达到任何层级" in said.warnings[0]
    with refused(StateConflict, "confirm_no_tier"):
        rs.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou)
    rs.assessment_recommend(assessment=submitted, actor=city_reviewer_suzhou, confirm_no_tier=True)
    submitted.refresh_from_db()
    assert submitted.state == State.CITY_RECOMMENDED


@pytest.mark.parametrize(
    ("approved", "tier", "computed", "recommended", "codes"),
    [
        (True, "workshop", "workshop", ["workshop"] * 3, []),
        (True, "factory", "benchmark", ["workshop", "factory", "benchmark"], []),  # the median
        (
            True,
            "workshop",
            "",
            ["none", "workshop"],
            [guards.ABOVE_COMPUTED],
        ),  # a tie is no majority
        (True, "workshop", "workshop", ["factory", "factory", "none"], [guards.EXPERTS_HIGHER]),
        (
            True,
            "benchmark",
            "factory",
            ["factory", "workshop", "benchmark"],
            [
                guards.ABOVE_COMPUTED,
                guards.EXPERTS_LOWER,
            ],
        ),
        (False, "", "", ["workshop", "workshop", "none"], [guards.EXPERTS_APPROVE]),
        (False, "", "workshop", ["none", "none", "workshop"], []),
        (True, "benchmark", None, ["benchmark"], []),  # no evaluation yet: nothing to compare
    ],
)
def test_which_decisions_are_flagged(approved, tier, computed, recommended, codes):
    flags = guards.decision_flags(
        approved=approved, tier=tier, computed_tier=computed, recommended=recommended
    )
    assert [f["code"] for f in flags] == codes
    assert all(guards.flag_text(f).endswith("。") for f in flags)
