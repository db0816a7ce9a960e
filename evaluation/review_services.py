"""Writes of the review workflow: the city's recommendation or return, batch review settings,
expert assignment, declared conflicts, the experts' reviews, the province's decision and the
public list.

Every transition checks the actor's role, locks the assessment, is atomic, writes the audit
log and notifies the users it concerns (in the portal, and by email through a worker).
"""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exceptions import StateConflict
from portal.selectors import city_reviewers, enterprise_users, experts, province_admins
from portal.services import audit_log_record, notify
from scenarios.models import Batch, RubricCriterion, Tier

from .aggregation import Criterion, rubric_total
from .assignment import Applicant, ExpertProfile, conflicts, pick_experts
from .models import (
    LIVE_ASSIGNMENT_STATES,
    TIER_RECOMMENDATIONS,
    AnswerStatus,
    Assessment,
    AssignmentStatus,
    ConflictDeclaration,
    Decision,
    ExpertAssignment,
    Recommendation,
    State,
)

DEFAULT_RUBRIC = [
    # (name, name_en, what to look at, weight, max score)
    (
        gettext_lazy("场景建设水平"),
        "Scenario implementation",
        gettext_lazy("已实施场景的深度、覆盖环节与集成程度"),
        30,
        10,
    ),
    (
        gettext_lazy("成效指标"),
        "Effectiveness indicators",
        gettext_lazy("指标较基准年的改善幅度及数据可信度"),
        25,
        10,
    ),
    (
        gettext_lazy("支撑要素"),
        "Support elements",
        gettext_lazy("装备、网络、平台等支撑要素的建设情况"),
        15,
        10,
    ),
    (
        gettext_lazy("材料真实完整"),
        "Evidence",
        gettext_lazy("证明材料与填报内容是否一致、完整"),
        15,
        10,
    ),
    (
        gettext_lazy("示范推广价值"),
        "Demonstration value",
        gettext_lazy("在行业内的示范带动和复制推广价值"),
        15,
        10,
    ),
]


def _require_province_admin(actor) -> None:
    if not actor.is_province_admin:
        raise PermissionDenied(_("只有省级管理员可以执行此操作。"))


def _is_city_reviewer_of(actor, assessment: Assessment) -> bool:
    return actor.is_city_reviewer and actor.city == assessment.enterprise.city


def _lock(assessment: Assessment, allowed: tuple, action: str) -> Assessment:
    locked = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("enterprise", "batch")
        .get(pk=assessment.pk)
    )
    if locked.state not in allowed:
        raise StateConflict(
            _("申报当前状态为“%(state)s”，不能%(action)s。")
            % {"state": locked.get_state_display(), "action": action},
            code="wrong_state",
        )
    return locked


def _log(actor, action: str, assessment: Assessment, summary: str = "", data=None) -> None:
    audit_log_record(
        actor=actor,
        action=action,
        target=assessment,
        enterprise=assessment.enterprise,
        summary=summary,
        data=data or {},
    )


def _overview_url(assessment) -> str:
    return reverse("assessment-overview", args=[assessment.pk])


def _review_url(assessment) -> str:
    return reverse("review-detail", args=[assessment.pk])


def _comment(comment: str, *, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ValidationError({"comment": _("请填写意见，说明需要修改的内容。")})
    if len(comment) > 2000:
        raise ValidationError({"comment": _("意见不能超过 2000 字。")})
    return comment


# --- the city ---------------------------------------------------------------------------


@transaction.atomic
def assessment_recommend(*, assessment: Assessment, actor, comment: str = "") -> Assessment:
    """The city recommends a submission to the province."""
    if not _is_city_reviewer_of(actor, assessment):
        raise PermissionDenied(_("只有企业所在市的主管部门可以推荐。"))
    assessment = _lock(assessment, (State.SUBMITTED,), _("推荐"))
    comment = _comment(comment, required=False)
    Recommendation.objects.create(
        assessment=assessment,
        reviewer=actor,
        outcome=Recommendation.Outcome.RECOMMENDED,
        comment=comment,
        snapshot_sha256=assessment.snapshot_sha256,
    )
    assessment.state = State.CITY_RECOMMENDED
    assessment.save(update_fields=["state", "updated_at"])
    _log(actor, "review.recommend", assessment, comment)
    params = {"enterprise": assessment.enterprise.name, "batch": assessment.batch.name}
    notify(
        recipients=enterprise_users(assessment.enterprise_id),
        kind="review.recommend",
        title=gettext_lazy("%(batch)s：市级主管部门已推荐您的申报"),
        body=gettext_lazy("您的申报已推荐至省级，将进入专家评审。"),
        params=params,
        url=_overview_url(assessment),
    )
    notify(
        recipients=province_admins(),
        kind="review.recommend",
        title=gettext_lazy("%(enterprise)s 的申报已获市级推荐"),
        body=gettext_lazy("请在评审任务中为其分配评审专家。"),
        params=params,
        url=_review_url(assessment),
    )
    return assessment


@transaction.atomic
def assessment_return(*, assessment: Assessment, actor, comment: str) -> Assessment:
    """Back to the enterprise with comments: by its city before recommending (or to withdraw
    a recommendation), or by the province before expert review. The snapshot and every earlier
    round stay; the enterprise edits and submits again."""
    city = _is_city_reviewer_of(actor, assessment)
    if not (city or actor.is_province_admin):
        raise PermissionDenied(_("只有企业所在市的主管部门或省级管理员可以退回。"))
    assessment = _lock(assessment, (State.SUBMITTED, State.CITY_RECOMMENDED), _("退回"))
    comment = _comment(comment, required=True)
    Recommendation.objects.create(
        assessment=assessment,
        reviewer=actor,
        outcome=Recommendation.Outcome.RETURNED,
        comment=comment,
        snapshot_sha256=assessment.snapshot_sha256,
    )
    assessment.state = State.RETURNED
    assessment.save(update_fields=["state", "updated_at"])
    _log(actor, "review.return", assessment, comment)
    notify(
        recipients=enterprise_users(assessment.enterprise_id),
        kind="review.return",
        title=gettext_lazy("%(batch)s：您的申报被退回修改"),
        body=gettext_lazy("退回意见：%(comment)s\n请修改后重新提交。"),
        params={"batch": assessment.batch.name, "comment": comment},
        url=_overview_url(assessment),
    )
    return assessment


def submission_notify(assessment: Assessment) -> None:
    """Tell whoever looks at a new submission first: its city, or the province for an
    enterprise that applies directly."""
    direct = assessment.batch.direct_enterprises.filter(pk=assessment.enterprise_id).exists()
    recipients = province_admins() if direct else city_reviewers(assessment.enterprise.city)
    notify(
        recipients=recipients,
        kind="assessment.submit",
        title=gettext_lazy("%(enterprise)s 提交了自评估申报"),
        body=gettext_lazy("批次：%(batch)s。请审核后推荐或退回。"),
        params={"enterprise": assessment.enterprise.name, "batch": assessment.batch.name},
        url=_review_url(assessment),
    )


# --- batch settings ----------------------------------------------------------------------


def rubric_ensure(batch: Batch) -> list[RubricCriterion]:
    """The batch's rubric, created from the defaults when it has none yet."""
    criteria = list(batch.rubric.order_by("no"))
    if criteria:
        return criteria
    return RubricCriterion.objects.bulk_create(
        RubricCriterion(
            batch=batch,
            no=no,
            name=str(name),
            name_en=name_en,
            description=str(description),
            weight=Decimal(weight),
            min_score=0,
            max_score=max_score,
        )
        for no, (name, name_en, description, weight, max_score) in enumerate(DEFAULT_RUBRIC, 1)
    )


def _scoring_started(batch: Batch) -> bool:
    return (
        ExpertAssignment.objects.filter(
            assessment__batch=batch, status=AssignmentStatus.SUBMITTED
        ).exists()
        or ExpertAssignment.objects.filter(assessment__batch=batch).exclude(scores={}).exists()
    )


BATCH_REVIEW_FIELDS = (
    "name",
    "opens_at",
    "closes_at",
    "experts_see_identity",
    "reviewers_per_assessment",
    "avoid_same_city",
    "aggregation",
    "disagreement_threshold",
)


@transaction.atomic
def batch_settings_update(*, batch: Batch, actor, data: dict, criteria: list[dict] | None = None):
    """Dates and review settings of a batch, and its rubric (``criteria``: name, name_en,
    description, weight, min_score, max_score, in order). The rubric is fixed once an expert
    has scored against it."""
    _require_province_admin(actor)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    changed = {}
    for field in BATCH_REVIEW_FIELDS:
        if field in data and getattr(batch, field) != data[field]:
            changed[field] = [str(getattr(batch, field)), str(data[field])]
            setattr(batch, field, data[field])
    if changed:  # an unchanged save would still add a row to the batch's history
        batch.full_clean()
        batch.save()
    if criteria is not None and _rubric_replace(batch, criteria):
        changed["rubric"] = [len(criteria)]
    if changed:
        audit_log_record(
            actor=actor,
            action="batch.settings",
            target=batch,
            summary=_("修改批次设置：%(fields)s") % {"fields": "、".join(changed)},
            data={"changed": changed},
        )
    return batch


def _decimal_or_raw(value):
    """A weight as a Decimal, or as given when it is not a number, so that the model's
    validation reports it against its field instead of failing here."""
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def _rubric_replace(batch: Batch, criteria: list[dict]) -> bool:
    """Replace the rubric by ``criteria``; False when they are the rubric already."""
    current = [
        (c.name, c.name_en, c.description, c.weight, c.min_score, c.max_score)
        for c in batch.rubric.order_by("no")
    ]
    given = [
        (
            c.get("name", ""),
            c.get("name_en", ""),
            c.get("description", ""),
            _decimal_or_raw(c.get("weight")),
            c.get("min_score"),
            c.get("max_score"),
        )
        for c in criteria
    ]
    if given == current:
        return False
    if _scoring_started(batch):
        raise StateConflict(
            _("已有专家按现行评分标准打分，评分标准不能再修改。"), code="rubric_in_use"
        )
    if not given:
        raise ValidationError({"rubric": _("评分标准至少需要一项。")})
    errors = {}
    rows = []
    for no, row in enumerate(given, 1):
        criterion = RubricCriterion(
            batch=batch,
            no=no,
            name=row[0],
            name_en=row[1],
            description=row[2],
            weight=row[3],
            min_score=row[4],
            max_score=row[5],
        )
        try:
            criterion.full_clean(exclude=["batch"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"rubric.{no}.{field}"] = messages
        rows.append(criterion)
    if errors:
        raise ValidationError(errors)
    batch.rubric.all().delete()
    RubricCriterion.objects.bulk_create(rows)
    return True


# --- assignment ---------------------------------------------------------------------------


def _declared_conflicts() -> set[tuple[int, int]]:
    return set(ConflictDeclaration.objects.values_list("expert_id", "enterprise_id"))


def _profile(user) -> ExpertProfile:
    return ExpertProfile(user.pk, user.employer, user.city)


def _applicant(assessment: Assessment) -> Applicant:
    e = assessment.enterprise
    return Applicant(e.pk, e.name, e.city)


def awaiting_experts(batch: Batch) -> Q:
    """The batch's assessments experts may be assigned to: recommended by the city, already
    in review, or submitted by a direct applicant."""
    return Q(state__in=(State.CITY_RECOMMENDED, State.UNDER_REVIEW)) | Q(
        state=State.SUBMITTED, enterprise__in=batch.direct_enterprises.all()
    )


def assignable_states(batch: Batch, assessment: Assessment) -> tuple:
    """Recommended by the city, already in review, or submitted by a direct applicant."""
    states = (State.CITY_RECOMMENDED, State.UNDER_REVIEW)
    if batch.direct_enterprises.filter(pk=assessment.enterprise_id).exists():
        states += (State.SUBMITTED,)
    return states


def _batch_load(batch: Batch) -> dict[int, int]:
    return dict(
        ExpertAssignment.objects.filter(assessment__batch=batch, status__in=LIVE_ASSIGNMENT_STATES)
        .values_list("expert_id")
        .annotate(n=Count("pk"))
    )


def _assign(assessment, expert, actor, method) -> ExpertAssignment:
    assignment, created = ExpertAssignment.objects.get_or_create(
        assessment=assessment,
        expert=expert,
        defaults={"method": method, "assigned_by": actor},
    )
    if not created:
        if assignment.status != AssignmentStatus.REMOVED:
            raise ValidationError({"expert": _("该专家已分配过这份申报。")})
        assignment.status = AssignmentStatus.ACTIVE
        assignment.method = method
        assignment.assigned_by = actor
        assignment.save(update_fields=["status", "method", "assigned_by", "updated_at"])
    if assessment.state != State.UNDER_REVIEW:
        assessment.state = State.UNDER_REVIEW
        assessment.save(update_fields=["state", "updated_at"])
    _log(
        actor,
        "review.assign",
        assessment,
        _("分配评审专家 %(expert)s（%(method)s）")
        % {"expert": expert.username, "method": ExpertAssignment.Method(method).label},
        {"expert": expert.pk, "method": method},
    )
    return assignment


def _fill(assessment, actor, pool, load, declared) -> list[ExpertAssignment]:
    taken = set(assessment.assignments.values_list("expert_id", flat=True))
    live = assessment.assignments.filter(status__in=LIVE_ASSIGNMENT_STATES).count()
    needed = assessment.batch.reviewers_per_assessment - live
    if needed <= 0:
        return []
    chosen = pick_experts(
        needed,
        list(pool),
        load,
        excluded=taken,
        applicant=_applicant(assessment),
        declared=declared,
        avoid_same_city=assessment.batch.avoid_same_city,
    )
    users = {u.pk: u for u in experts().filter(pk__in=[c.id for c in chosen])}
    return [_assign(assessment, users[c.id], actor, ExpertAssignment.Method.AUTO) for c in chosen]


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
    each time picking the least-loaded experts without a conflict of interest. Returns the
    assignments made and the assessments still short of reviewers."""
    _require_province_admin(actor)
    rubric_ensure(batch)
    waiting = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("enterprise", "batch")
        .filter(batch=batch)
        .filter(awaiting_experts(batch))
        .order_by("submitted_at", "pk")
    )
    pool = [_profile(u) for u in experts()]
    load, declared = _batch_load(batch), _declared_conflicts()
    created, short = [], []
    for assessment in waiting:
        made = _fill(assessment, actor, pool, load, declared)
        created += made
        live = assessment.assignments.filter(status__in=LIVE_ASSIGNMENT_STATES).count()
        if live < batch.reviewers_per_assessment:
            short.append(assessment)
    _notify_experts(created)
    audit_log_record(
        actor=actor,
        action="review.auto_assign",
        target=batch,
        summary=_("自动分配 %(n)s 项评审任务") % {"n": len(created)},
        data={"created": len(created), "short": [a.pk for a in short]},
    )
    return {"created": created, "short": short}


@transaction.atomic
def assignment_add(*, assessment: Assessment, expert, actor) -> ExpertAssignment:
    """The province admin assigns a chosen expert (overriding the automatic choice); a
    conflict of interest is never overridden."""
    _require_province_admin(actor)
    if not (expert.is_expert and expert.is_active):
        raise ValidationError({"expert": _("请选择一位评审专家。")})
    batch = assessment.batch
    assessment = _lock(assessment, assignable_states(batch, assessment), _("分配专家"))
    reasons = conflicts(
        _profile(expert),
        _applicant(assessment),
        declared=_declared_conflicts(),
        avoid_same_city=batch.avoid_same_city,
    )
    if reasons:
        raise ValidationError(
            {"expert": _("不能分配：%(reasons)s。") % {"reasons": "；".join(reasons)}}
        )
    rubric_ensure(batch)
    assignment = _assign(assessment, expert, actor, ExpertAssignment.Method.MANUAL)
    _notify_experts([assignment])
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: ExpertAssignment, actor) -> ExpertAssignment:
    """Withdraw an expert's task that has not been submitted yet."""
    _require_province_admin(actor)
    assignment = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.ACTIVE:
        raise StateConflict(
            _("该评审任务状态为“%(status)s”，不能撤销。")
            % {"status": assignment.get_status_display()},
            code="wrong_state",
        )
    assignment.status = AssignmentStatus.REMOVED
    assignment.save(update_fields=["status", "updated_at"])
    _log(
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


def _own_active(assignment: ExpertAssignment, actor) -> ExpertAssignment:
    if assignment.expert_id != actor.pk:
        raise PermissionDenied(_("这不是您的评审任务。"))
    locked = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
    if locked.status != AssignmentStatus.ACTIVE:
        raise StateConflict(
            _("该评审任务状态为“%(status)s”，不能再修改。")
            % {"status": locked.get_status_display()},
            code="review_final",
        )
    return locked


@transaction.atomic
def conflict_declare(*, assignment: ExpertAssignment, actor, reason: str) -> list:
    """An expert declares a conflict of interest on an assignment: it is withdrawn, the
    conflict is remembered for every later batch, and another expert is assigned in their
    place when one is free of conflicts. Returns the replacement assignments."""
    assignment = _own_active(assignment, actor)
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
    _log(actor, "review.conflict", assessment, reason, {"expert": actor.pk})
    pool = [_profile(u) for u in experts()]
    replacements = _fill(
        assessment, actor, pool, _batch_load(assessment.batch), _declared_conflicts()
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
        url=_review_url(assessment),
    )
    return replacements


# --- the experts' reviews ---------------------------------------------------------------------


def claimed_in(snapshot: dict) -> list[int]:
    """The scenario numbers a snapshot claims as implemented."""
    scenarios = snapshot.get("scenarios", {})
    return sorted(int(no) for no, a in scenarios.items() if a["status"] == AnswerStatus.IMPLEMENTED)


def claimed_scenarios(assessment: Assessment) -> list[int]:
    """The scenario numbers the submission claims as implemented: what experts judge."""
    return claimed_in(assessment.snapshot or {})


def _clean_review(assignment: ExpertAssignment, data: dict) -> dict:
    """Check the parts of a review that were given; each error names its field."""
    errors, cleaned = {}, {}
    claimed = set(claimed_scenarios(assignment.assessment))
    if "verdicts" in data:
        verdicts = dict(assignment.verdicts)
        given = data["verdicts"] or {}
        if not isinstance(given, dict):
            errors["verdicts"] = [_("场景评审意见格式不正确。")]
            given = {}
        for no, verdict in given.items():
            key = f"verdicts.{no}"
            if not str(no).isdigit() or int(no) not in claimed:
                errors[key] = [_("场景 %(no)s 不是该申报声明已实施的场景。") % {"no": no}]
                continue
            if not isinstance(verdict, dict):
                errors[key] = [_("场景 %(no)s：评审意见格式不正确。") % {"no": no}]
                continue
            accepted = verdict.get("accepted")
            # Only a real boolean: 1 and 0 compare equal to True and False but are neither.
            if accepted is not None and not isinstance(accepted, bool):
                errors[f"{key}.accepted"] = [_("请选择认可或不认可。")]
                continue
            comment = str(verdict.get("comment") or "").strip()
            if len(comment) > 1000:
                errors[f"{key}.comment"] = [_("意见不能超过 1000 字。")]
                continue
            verdicts[str(int(no))] = {"accepted": accepted, "comment": comment}
        cleaned["verdicts"] = verdicts
    if "scores" in data:
        criteria = {str(c.pk): c for c in assignment.assessment.batch.rubric.all()}
        scores = dict(assignment.scores)
        given = data["scores"] or {}
        if not isinstance(given, dict):
            errors["scores"] = [_("评分格式不正确。")]
            given = {}
        for cid, value in given.items():
            criterion = criteria.get(str(cid))
            key = f"scores.{cid}"
            if criterion is None:
                errors[key] = [_("没有这项评分标准。")]
                continue
            if value in (None, ""):
                scores.pop(str(cid), None)
                continue
            try:
                number = Decimal(str(value))
            except InvalidOperation:
                number = None
            if number is None or not number.is_finite():  # NaN cannot be compared
                errors[key] = [_("%(name)s：请输入数字。") % {"name": criterion.name}]
                continue
            if not criterion.min_score <= number <= criterion.max_score:
                errors[key] = [
                    _("%(name)s：分数应在 %(min)s–%(max)s 之间。")
                    % {
                        "name": criterion.name,
                        "min": criterion.min_score,
                        "max": criterion.max_score,
                    }
                ]
                continue
            scores[str(cid)] = float(number)
        cleaned["scores"] = scores
    if "opinion" in data:
        opinion = str(data["opinion"] or "").strip()
        if len(opinion) > 5000:
            errors["opinion"] = [_("评审意见不能超过 5000 字。")]
        cleaned["opinion"] = opinion
    if "recommended_tier" in data:
        tier = data["recommended_tier"] or ""
        if tier and tier not in dict(TIER_RECOMMENDATIONS):
            errors["recommended_tier"] = [_("请选择建议认定的层级。")]
        cleaned["recommended_tier"] = tier
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_version(assignment: ExpertAssignment, expected_version) -> None:
    if expected_version is not None and int(expected_version) != assignment.version:
        raise StateConflict(
            _("评审意见已在别处修改（您的版本 %(mine)s，当前版本 %(now)s），请刷新后再保存。")
            % {"mine": expected_version, "now": assignment.version},
            code="stale_version",
        )


@transaction.atomic
def review_save(
    *, assignment: ExpertAssignment, actor, data: dict, expected_version=None
) -> ExpertAssignment:
    """Save a draft review (any part of it); nothing is final until submitted."""
    assignment = _own_active(assignment, actor)
    _check_version(assignment, expected_version)
    cleaned = _clean_review(assignment, data)
    changed = [k for k, v in cleaned.items() if getattr(assignment, k) != v]
    if not changed:
        return assignment
    for key in changed:
        setattr(assignment, key, cleaned[key])
    assignment.version += 1
    assignment.save(update_fields=[*changed, "version", "updated_at"])
    return assignment


def _completeness(assignment: ExpertAssignment, criteria) -> dict:
    errors = {}
    for no in claimed_scenarios(assignment.assessment):
        verdict = assignment.verdicts.get(str(no)) or {}
        if verdict.get("accepted") is None:
            errors[f"verdicts.{no}.accepted"] = [
                _("场景 %(no)s：请选择认可或不认可。") % {"no": no}
            ]
        elif verdict["accepted"] is False and not verdict.get("comment"):
            errors[f"verdicts.{no}.comment"] = [_("场景 %(no)s：不认可时请说明理由。") % {"no": no}]
    for c in criteria:
        if str(c.pk) not in assignment.scores:
            errors[f"scores.{c.pk}"] = [_("%(name)s：请评分。") % {"name": c.name}]
    if not assignment.opinion:
        errors["opinion"] = [_("请填写总体评审意见。")]
    if not assignment.recommended_tier:
        errors["recommended_tier"] = [_("请选择建议认定的层级。")]
    return errors


@transaction.atomic
def review_submit(
    *, assignment: ExpertAssignment, actor, data: dict | None = None, expected_version=None
) -> ExpertAssignment:
    """Save what is given, check the review is complete, compute its total and make it
    final."""
    if data:
        assignment = review_save(
            assignment=assignment, actor=actor, data=data, expected_version=expected_version
        )
        expected_version = None
    assignment = _own_active(assignment, actor)
    _check_version(assignment, expected_version)
    criteria = list(assignment.assessment.batch.rubric.order_by("no"))
    errors = _completeness(assignment, criteria)
    if errors:
        raise ValidationError(errors)
    total = rubric_total(
        [Criterion(c.pk, float(c.weight), c.min_score, c.max_score) for c in criteria],
        {int(k): v for k, v in assignment.scores.items()},
    )
    assignment.total = Decimal(str(total))
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.version += 1
    assignment.save(update_fields=["total", "status", "submitted_at", "version", "updated_at"])
    assessment = assignment.assessment
    _log(actor, "review.submit", assessment, "", {"expert": actor.pk, "total": str(total)})
    # Reviews of one assessment submitted at the same moment take turns here, so the last one
    # sees the others committed (and not still active) and the province is told once.
    Assessment.objects.select_for_update().get(pk=assessment.pk)
    pending = assessment.assignments.filter(status=AssignmentStatus.ACTIVE).exists()
    if not pending:
        notify(
            recipients=province_admins(),
            kind="review.complete",
            title=gettext_lazy("%(enterprise)s 的专家评审已全部完成"),
            body=gettext_lazy("可以作出认定决定。"),
            params={"enterprise": assessment.enterprise.name},
            url=_review_url(assessment),
        )
    return assignment


# --- the province's decision and the public list ------------------------------------------------


@transaction.atomic
def assessment_decide(
    *, assessment: Assessment, actor, outcome: str, tier: str = "", reason: str, figures=None
) -> Decision:
    """Approve a tier or reject, with a reason, once every assigned expert has submitted."""
    _require_province_admin(actor)
    assessment = _lock(assessment, (State.UNDER_REVIEW,), _("作出认定决定"))
    errors = {}
    if outcome not in Decision.Outcome.values:
        errors["outcome"] = [_("请选择认定或不予认定。")]
    if outcome == Decision.Outcome.APPROVED and tier not in Tier.values:
        errors["tier"] = [_("认定时请选择层级。")]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("请填写决定理由。")]
    if errors:
        raise ValidationError(errors)
    reviews = assessment.assignments.filter(status__in=LIVE_ASSIGNMENT_STATES)
    if not reviews.exists() or reviews.filter(status=AssignmentStatus.ACTIVE).exists():
        raise StateConflict(_("还有专家未提交评审意见，暂不能作出决定。"), code="reviews_pending")
    approved = outcome == Decision.Outcome.APPROVED
    decision = Decision.objects.create(
        assessment=assessment,
        outcome=outcome,
        tier=tier if approved else "",
        reason=reason,
        figures=figures or {},
        decided_by=actor,
    )
    assessment.state = State.APPROVED if approved else State.REJECTED
    assessment.decided_tier = decision.tier
    assessment.decided_at = decision.decided_at
    assessment.save(update_fields=["state", "decided_tier", "decided_at", "updated_at"])
    _log(actor, "review.decide", assessment, reason, {"outcome": outcome, "tier": decision.tier})
    params = {
        "enterprise": assessment.enterprise.name,
        "batch": assessment.batch.name,
        "outcome": Decision.Outcome(outcome).label,
        "tier": Tier(decision.tier).label if decision.tier else "—",
        "reason": reason,
    }
    title = gettext_lazy("%(batch)s：%(enterprise)s 的认定结果为“%(outcome)s”")
    body = gettext_lazy("认定层级：%(tier)s\n理由：%(reason)s")
    notify(
        recipients=enterprise_users(assessment.enterprise_id),
        kind="review.decide",
        title=title,
        body=body,
        params=params,
        url=_overview_url(assessment),
    )
    notify(
        recipients=city_reviewers(assessment.enterprise.city),
        kind="review.decide",
        title=title,
        body=body,
        params=params,
        url=_review_url(assessment),
    )
    return decision


@transaction.atomic
def batch_list_publish(*, batch: Batch, actor, publish: bool = True) -> Batch:
    """Publish (or withdraw) the batch's public list of approved enterprises (公示名单)."""
    _require_province_admin(actor)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    approved = Assessment.objects.filter(batch=batch, state=State.APPROVED)
    if publish and not approved.exists():
        raise ValidationError({"batch": _("该批次还没有认定通过的企业，不能发布公示名单。")})
    batch.list_published_at = timezone.now() if publish else None
    batch.save(update_fields=["list_published_at"])
    audit_log_record(
        actor=actor,
        action="batch.publish" if publish else "batch.unpublish",
        target=batch,
        summary=_("发布公示名单") if publish else _("撤回公示名单"),
        data={"approved": approved.count()},
    )
    if publish:
        for assessment in approved.select_related("enterprise"):
            notify(
                recipients=enterprise_users(assessment.enterprise_id),
                kind="batch.publish",
                title=gettext_lazy("%(batch)s 公示名单已发布"),
                body=gettext_lazy("贵企业列入公示名单，认定层级：%(tier)s。"),
                params={"batch": batch.name, "tier": Tier(assessment.decided_tier).label},
                url=reverse("public-list", args=[batch.pk]),
            )
    return batch
