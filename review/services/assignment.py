"""Experts assigned to submissions, automatically or by hand, and the conflicts they declare."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import Assessment, State
from portal.exceptions import StateConflict
from portal.selectors import experts, province_admins
from portal.services import audit_log_record, notify
from scenarios.models import Batch

from .. import preferences, rules
from ..matching import (
    Applicant,
    ExpertProfile,
    balance_picks,
    conflicts,
    eligible_experts,
    improve_preferences,
    pick_experts,
)
from ..models import (
    LIVE_ASSIGNMENT_STATES,
    AssignmentStatus,
    ConflictDeclaration,
    ExpertAssignment,
)
from .batches import rubric_assignment_start, rubric_fixed_record
from .common import lock_in_state, log, own_active_assignment, require_province_admin, review_url


def declared_conflicts(batch: Batch) -> set[tuple[int, int]]:
    """(expert, enterprise) never to be paired: the conflicts declared on an assignment, kept
    for every batch, and those declared in this batch's preference phase."""
    declared = set(ConflictDeclaration.objects.values_list("expert_id", "enterprise_id"))
    return declared | preferences.preference_conflicts(batch)


def _profile(user) -> ExpertProfile:
    return ExpertProfile(user.pk, user.employer, user.city)


def _applicant(assessment: Assessment) -> Applicant:
    live_name = assessment.enterprise.name
    other_names = (live_name,) if live_name != assessment.applicant_name else ()
    return Applicant(
        assessment.enterprise_id,
        assessment.applicant_name,
        assessment.applicant_city,
        other_names,
    )


def expert_conflicts(assessment: Assessment, expert, declared=None) -> list[str]:
    """Why ``expert`` must not review, or visit, this applicant (empty: no conflict): the
    rules of ``review.matching`` on the applicant's frozen identity and the batch."""
    return conflicts(
        _profile(expert),
        _applicant(assessment),
        declared=declared_conflicts(assessment.batch) if declared is None else declared,
        avoid_same_city=assessment.batch.avoid_same_city,
    )


def awaiting_experts(batch: Batch) -> Q:
    """The batch's assessments experts may be assigned to: passed by the formal check, or
    already in review (``rules.ASSIGNABLE``)."""
    return Q(state__in=rules.ASSIGNABLE)


def _batch_load(batch: Batch) -> dict[int, int]:
    return dict(
        ExpertAssignment.objects.filter(assessment__batch=batch, status__in=LIVE_ASSIGNMENT_STATES)
        .values_list("expert_id")
        .annotate(n=Count("pk"))
    )


def _assign(assessment, expert, actor, method, replaces=None, basis=None) -> ExpertAssignment:
    """``actor`` None: the portal's own act (a replacement for an expert who withdrew)."""
    assignment, created = ExpertAssignment.objects.get_or_create(
        assessment=assessment,
        expert=expert,
        defaults={"method": method, "assigned_by": actor, "choice_basis": basis or {}},
    )
    if not created:
        if assignment.status != AssignmentStatus.REMOVED:
            raise ValidationError({"expert": _("该专家已分配过这份申报。")})
        assignment.status = AssignmentStatus.ACTIVE
        assignment.method = method
        assignment.assigned_by = actor
        assignment.choice_basis = basis or {}
        assignment.save(
            update_fields=["status", "method", "assigned_by", "choice_basis", "updated_at"]
        )
    if assessment.state != State.UNDER_REVIEW:
        assessment.state = State.UNDER_REVIEW
        assessment.save(update_fields=["state", "updated_at"])
    log(
        actor,
        "review.assign",
        assessment,
        _("分配评审专家 %(expert)s（%(method)s）")
        % {"expert": expert.username, "method": ExpertAssignment.Method(method).label},
        {"expert": expert.pk, "method": method}
        | ({"replaces": replaces.pk} if replaces is not None else {}),
    )
    return assignment


def _needed(assessment) -> tuple[int, set[int]]:
    """How many reviewers the assessment still needs, and the experts it ever had."""
    taken = set(assessment.assignments.values_list("expert_id", flat=True))
    live = assessment.assignments.filter(status__in=LIVE_ASSIGNMENT_STATES).count()
    return assessment.batch.reviewers_per_assessment - live, taken


def _pick(assessment, pool, load, declared, cost=None) -> tuple[list[int], set[int]]:
    """The least-loaded experts free of conflicts the assessment still needs (``load``
    updated; ties to the lower ``cost``: expert id → preference weight), and every expert it
    may have."""
    needed, taken = _needed(assessment)
    if needed <= 0:
        return [], set()
    rules_of = {
        "excluded": taken,
        "applicant": _applicant(assessment),
        "declared": declared,
        "avoid_same_city": assessment.batch.avoid_same_city,
    }
    chosen = pick_experts(needed, list(pool), load, cost=cost, **rules_of)
    eligible = {e.id for e in eligible_experts(list(pool), **rules_of)}
    return [c.id for c in chosen], eligible


def _assign_picks(
    assessment, expert_ids, actor, replaces=None, reasons=None
) -> list[ExpertAssignment]:
    users = {u.pk: u for u in experts().filter(pk__in=expert_ids)}
    reasons = reasons or {}
    return [
        _assign(
            assessment,
            users[pk],
            actor,
            ExpertAssignment.Method.AUTO,
            replaces,
            reasons.get(pk),
        )
        for pk in expert_ids
    ]


def _fill(assessment, actor, pool, load, declared, replaces=None) -> list[ExpertAssignment]:
    chosen, _eligible = _pick(assessment, pool, load, declared)
    return _assign_picks(assessment, chosen, actor, replaces)


def _notify_experts(created: list[ExpertAssignment]) -> None:
    by_expert = {}
    for a in created:
        by_expert.setdefault(a.expert, []).append(a)
    for expert, assignments in by_expert.items():
        notify(
            recipients=[expert],
            kind="review.assign",
            title=gettext_lazy("您有 %(n)s 份新的评审任务"),
            body=gettext_lazy("请在评审截止前完成评分。如与申报企业存在利益冲突，请申请回避。"),
            params={"n": len(assignments)},
            url=reverse("expert-assignments"),
        )


@transaction.atomic
def assignments_auto(*, batch: Batch, actor) -> dict:
    """Give every assessment waiting for experts as many reviewers as the batch asks for,
    experts without a conflict of interest, the batch's loads as even as the conflicts allow
    (within one review whenever possible: ``balance_picks``). Returns the assignments made
    and the assessments still short of reviewers."""
    require_province_admin(actor)
    fixes_rubric = rubric_assignment_start(batch)
    waiting = list(
        Assessment.objects.select_for_update(of=("self",))
        .select_related("enterprise", "batch")
        .filter(batch=batch)
        .filter(awaiting_experts(batch))
        .order_by("submitted_at", "pk")
    )
    pool = [_profile(u) for u in experts()]
    load, declared = _batch_load(batch), declared_conflicts(batch)
    choices = preferences.batch_choices(batch)

    def cost(assessment_id, expert_id):
        return preferences.weight(choices.get((expert_id, assessment_id)))

    picks, eligible = {}, {}
    for a in waiting:
        weights = {e.id: cost(a.pk, e.id) for e in pool}
        picks[a.pk], eligible[a.pk] = _pick(a, pool, load, declared, weights)
    balance_picks(picks, eligible, load)
    improve_preferences(picks, eligible, load, cost)
    most = max(load.values(), default=0)
    created, short = [], []
    for assessment in waiting:
        reasons = {
            expert_id: _choice_reason(
                choices.get((expert_id, assessment.pk)), load, most, expert_id
            )
            for expert_id in picks[assessment.pk]
        }
        created += _assign_picks(assessment, picks[assessment.pk], actor, reasons=reasons)
        live = assessment.assignments.filter(status__in=LIVE_ASSIGNMENT_STATES).count()
        if live < batch.reviewers_per_assessment:
            short.append(assessment)
    if created and fixes_rubric:
        rubric_fixed_record(batch, actor)
    _notify_experts(created)
    audit_log_record(
        actor=actor,
        action="review.auto_assign",
        target=batch,
        summary=_("自动分配 %(n)s 项评审任务") % {"n": len(created)},
        data={"created": len(created), "short": [a.pk for a in short]},
    )
    return {"created": created, "short": short}


def _choice_reason(choice, load, most, expert_id) -> dict:
    """Why the run chose the expert (``ExpertAssignment.choice_reason`` says it in words):
    their mark, and their reviews in the batch after the run / the most any expert has."""
    return {
        "choice": choice or preferences.DEFAULT_CHOICE,
        "load": load.get(expert_id, 0),
        "most": most,
    }


def assignment_refusals(assessment: Assessment, candidates) -> dict[int, list[str]]:
    """Why ``assignment_add`` would refuse each of these experts for the assessment (those it
    would accept are left out): the conflicts of interest, or already assigned. The manual
    choice lists them disabled with these reasons."""
    declared = declared_conflicts(assessment.batch)
    taken = set(
        assessment.assignments.exclude(status=AssignmentStatus.REMOVED).values_list(
            "expert_id", flat=True
        )
    )
    refusals = {}
    for expert in candidates:
        reasons = expert_conflicts(assessment, expert, declared)
        if expert.pk in taken:
            reasons.append(_("已分配过这份申报"))
        if reasons:
            refusals[expert.pk] = reasons
    return refusals


@transaction.atomic
def assignment_add(*, assessment: Assessment, expert, actor) -> ExpertAssignment:
    """The province admin assigns a chosen expert (overriding the automatic choice); a
    conflict of interest is never overridden."""
    require_province_admin(actor)
    if not (expert.is_expert and expert.is_active):
        raise ValidationError({"expert": _("请选择一位评审专家。")})
    batch = assessment.batch
    fixes_rubric = rubric_assignment_start(batch)  # the batch first, as the automatic assignment
    assessment = lock_in_state(assessment, rules.assignable_states(assessment), _("分配专家"))
    reasons = expert_conflicts(assessment, expert)
    if reasons:
        raise ValidationError(
            {"expert": _("不能分配：%(reasons)s。") % {"reasons": "；".join(reasons)}}
        )
    assignment = _assign(assessment, expert, actor, ExpertAssignment.Method.MANUAL)
    if fixes_rubric:
        rubric_fixed_record(batch, actor)
    _notify_experts([assignment])
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: ExpertAssignment, actor) -> ExpertAssignment:
    """Withdraw an expert's task that has not been submitted yet."""
    require_province_admin(actor)
    assignment = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise StateConflict(
            _("该评审任务状态为“%(status)s”，不能撤销。")
            % {"status": assignment.get_status_display()},
            code="wrong_state",
        )
    assignment.status = AssignmentStatus.REMOVED
    assignment.save(update_fields=["status", "updated_at"])
    log(
        actor,
        "review.unassign",
        assignment.assessment,
        _("撤销专家 %(expert)s 的评审任务") % {"expert": assignment.expert.username},
        {"expert": assignment.expert_id},
    )
    notify(
        recipients=[assignment.expert],
        kind="review.unassign",
        title=gettext_lazy("评审任务 %(reference)s 已撤销"),
        body=gettext_lazy("省级管理员撤销了这项评审任务，无需再评审。"),
        params={"reference": assignment.reference},
        url=reverse("expert-assignments"),
    )
    return assignment


@transaction.atomic
def conflict_declare(*, assignment: ExpertAssignment, actor, reason: str) -> list:
    """An expert declares a conflict of interest on an assignment: it is withdrawn, the
    conflict is remembered for every later batch, and another expert is assigned in their
    place when one is free of conflicts. Returns the replacement assignments."""
    assignment = own_active_assignment(assignment, actor)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请说明回避理由。")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("回避理由不能超过 300 字。")})
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("enterprise", "batch")
        .get(pk=assignment.assessment_id)
    )
    assignment.status = AssignmentStatus.DECLINED
    assignment.conflict_reason = reason
    assignment.save(update_fields=["status", "conflict_reason", "updated_at"])
    ConflictDeclaration.objects.get_or_create(
        expert=actor, enterprise=assessment.enterprise, defaults={"reason": reason}
    )
    log(actor, "review.conflict", assessment, reason, {"expert": actor.pk})
    pool = [_profile(u) for u in experts()]
    # The replacement is the portal's act (no actor), never the withdrawing expert's.
    replacements = _fill(
        assessment,
        None,
        pool,
        _batch_load(assessment.batch),
        declared_conflicts(assessment.batch),
        actor,
    )
    _notify_experts(replacements)
    notify(
        recipients=province_admins(),
        kind="review.conflict",
        title=gettext_lazy("评审专家 %(expert)s 申请回避 %(reference)s"),
        body=gettext_lazy("理由：%(reason)s\n%(outcome)s"),
        params={
            "expert": actor.get_full_name() or actor.username,
            "reference": assignment.reference,
            "reason": reason,
            "outcome": gettext_lazy("已自动补派专家。")
            if replacements
            else gettext_lazy("没有可补派的专家，请手动指派。"),
        },
        url=review_url(assessment),
    )
    return replacements
