"""The discussion period: the province opens it for a batch (with an end date) and closes
it; the experts of an application whose reviews are all in, and the province, post in its
thread; an expert revises their own submitted review, every revision kept. The experts are
told when a discussion opens and when someone posts in their thread; the province admins are
told of every post and every revised review, which the decision reads. Nothing here reaches
the enterprise: its audit entries name no enterprise, its notifications go to experts and
province admins only."""

from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import Assessment
from portal.exceptions import StateConflict
from portal.models import User
from portal.selectors import province_admins
from portal.services import audit_log_record, notify
from scenarios.models import Batch

from .. import rules
from ..aggregation import Criterion, rubric_total
from ..models import (
    TIER_RECOMMENDATIONS,
    AssignmentStatus,
    DiscussionPeriod,
    DiscussionPost,
    ExpertAssignment,
    ScoreRevision,
)
from ..selectors.discussion import expert_letters
from .common import require_province_admin
from .expert_reviews import _clean_scores

POST_MAX = 3000
REASON_MAX = 1000


def thread_url(assessment) -> str:
    return reverse("discussion-thread", args=[assessment.pk])


def _audit(actor, action: str, target, summary: str = "", data=None) -> None:
    """Kept from the enterprise's own log: no enterprise named."""
    audit_log_record(actor=actor, action=action, target=target, summary=summary, data=data or {})


def in_discussion_now(batch: Batch) -> list[Assessment]:
    """The batch's applications under discussion: in review with every review submitted."""
    candidates = Assessment.objects.filter(batch=batch, state__in=rules.DECIDABLE).select_related(
        "batch"
    )
    return [a for a in candidates if rules.reviews_complete(a)]


@transaction.atomic
def discussion_open(*, batch: Batch, actor, ends_on) -> DiscussionPeriod:
    """Open the batch's discussion period until ``ends_on`` (today or later), or open it again
    with a new end date; the experts of every application whose reviews are all in are told."""
    require_province_admin(actor)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    if not isinstance(ends_on, date) or ends_on < timezone.localdate():
        raise ValidationError({"ends_on": _("请选择今天或之后的讨论截止日期。")})
    if rules.discussion_open(batch):
        raise StateConflict(_("本批次的专家讨论期已经开启。"), code="discussion_open")
    applications = in_discussion_now(batch)
    if not applications:
        raise StateConflict(
            _("本批次还没有全部专家已提交评审意见的申报，暂不能开启讨论。"),
            code="nothing_to_discuss",
        )
    period, _created = DiscussionPeriod.objects.update_or_create(
        batch=batch,
        defaults={
            "ends_on": ends_on,
            "opened_by": actor,
            "opened_at": timezone.now(),
            "closed_by": None,
            "closed_at": None,
        },
    )
    _audit(actor, "review.discussion_open", batch, str(ends_on), {"ends_on": ends_on.isoformat()})
    for assessment in applications:
        notify(
            recipients=_experts_of(assessment),
            kind="review.discussion_open",
            title=gettext_lazy("%(batch)s 开启专家讨论"),
            body=gettext_lazy(
                "您评审的申报进入讨论期，截止 %(ends_on)s：可在讨论区发言，并可修改您的评分。"
            ),
            params={"batch": batch.name, "ends_on": ends_on.isoformat()},
            url=thread_url(assessment),
        )
    return period


@transaction.atomic
def discussion_close(*, batch: Batch, actor) -> DiscussionPeriod:
    """End the period before its date: the threads stay readable, nothing more is posted or
    revised."""
    require_province_admin(actor)
    period = DiscussionPeriod.objects.select_for_update().filter(batch=batch).first()
    if period is None or not rules.discussion_open(batch):
        raise StateConflict(_("本批次没有进行中的专家讨论。"), code="discussion_closed")
    period.closed_by, period.closed_at = actor, timezone.now()
    period.save(update_fields=["closed_by", "closed_at"])
    _audit(actor, "review.discussion_close", batch)
    return period


def _experts_of(assessment) -> "list[User]":
    return [
        a.expert
        for a in ExpertAssignment.objects.filter(
            assessment=assessment, status=AssignmentStatus.SUBMITTED
        ).select_related("expert")
    ]


def _locked_in_discussion(assessment: Assessment, actor) -> Assessment:
    """403 for whoever takes no part in the thread, 409 while it is not under discussion."""
    if not rules.takes_part_in_discussion(actor, assessment):
        raise PermissionDenied(_("只有该申报的评审专家和省级管理员可以参与讨论。"))
    locked = Assessment.objects.select_for_update().select_related("batch").get(pk=assessment.pk)
    if not rules.in_discussion(locked):
        raise StateConflict(_("该申报当前不在专家讨论期内。"), code="not_in_discussion")
    return locked


@transaction.atomic
def discussion_post(*, assessment: Assessment, actor, body: str) -> DiscussionPost:
    """A message in the application's thread; its other experts and the province admins are
    told (by the author's letter, never by their name)."""
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("请填写讨论内容。")})
    if len(body) > POST_MAX:
        raise ValidationError({"body": _("讨论内容不能超过 %(n)s 字。") % {"n": POST_MAX}})
    assessment = _locked_in_discussion(assessment, actor)
    post = DiscussionPost.objects.create(assessment=assessment, author=actor, body=body)
    _audit(actor, "review.discussion_post", assessment, "", {"post": post.pk})
    letters = expert_letters(assessment)
    notify(
        recipients=[u for u in [*_experts_of(assessment), *province_admins()] if u.pk != actor.pk],
        kind="review.discussion_post",
        title=gettext_lazy("%(reference)s 的讨论有新发言"),
        body=gettext_lazy("%(author)s 发言，请查看讨论区。"),
        params={
            "reference": assessment.review_reference,
            "author": letters.get(actor.pk) or _("省级管理员"),
        },
        url=thread_url(assessment),
    )
    return post


def _clean_revision(assignment, data: dict) -> tuple[dict, str, str, str]:
    errors = {}
    merged = _clean_scores(assignment, data.get("scores") or {}, errors)
    tier = data.get("recommended_tier") or assignment.recommended_tier
    if tier not in dict(TIER_RECOMMENDATIONS):
        errors["recommended_tier"] = [_("请选择建议认定的层级。")]
    opinion = str(data.get("opinion") or assignment.opinion).strip()
    if len(opinion) > 5000:
        errors["opinion"] = [_("评审意见不能超过 5000 字。")]
    reason = str(data.get("reason") or "").strip()
    if not reason:
        errors["reason"] = [_("请说明修改理由。")]
    elif len(reason) > REASON_MAX:
        errors["reason"] = [_("修改理由不能超过 %(n)s 字。") % {"n": REASON_MAX}]
    if errors:
        raise ValidationError(errors)
    return merged, tier, opinion, reason


@transaction.atomic
def score_revise(*, assignment: ExpertAssignment, actor, data: dict) -> ScoreRevision:
    """The expert revises their own submitted review during the discussion: ``scores`` (any
    criteria, the others kept), ``recommended_tier``, ``opinion`` and a ``reason`` (required).
    The assignment takes the new values (so the aggregate and the decision read the latest);
    the revision keeps them with the values replaced. Nothing saved on any error."""
    if assignment.expert_id != actor.pk:
        raise PermissionDenied(_("这不是您的评审任务。"))
    assignment = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.status != AssignmentStatus.SUBMITTED:
        raise StateConflict(_("只能修改已提交的评审意见。"), code="not_submitted")
    _locked_in_discussion(assignment.assessment, actor)
    scores, tier, opinion, reason = _clean_revision(assignment, data)
    criteria = list(assignment.assessment.batch.rubric.order_by("no"))
    total = Decimal(
        str(
            rubric_total(
                [Criterion(c.pk, float(c.weight), c.min_score, c.max_score) for c in criteria],
                {int(k): v for k, v in scores.items()},
            )
        )
    ).quantize(Decimal("0.01"))
    revision = ScoreRevision.objects.create(
        assignment=assignment,
        scores=scores,
        total=total,
        recommended_tier=tier,
        opinion=opinion,
        reason=reason,
        replaced={
            "scores": assignment.scores,
            "total": str(assignment.total),
            "recommended_tier": assignment.recommended_tier,
            "opinion": assignment.opinion,
        },
    )
    assignment.scores, assignment.total = scores, total
    assignment.recommended_tier, assignment.opinion = tier, opinion
    assignment.version += 1
    assignment.save(
        update_fields=["scores", "total", "recommended_tier", "opinion", "version", "updated_at"]
    )
    _audit(
        actor,
        "review.score_revise",
        assignment.assessment,
        reason,
        {
            "revision": revision.pk,
            "total": str(total),
            "replaced_total": revision.replaced["total"],
            "recommended_tier": tier,
        },
    )
    notify(
        recipients=province_admins(),
        kind="review.score_revise",
        title=gettext_lazy("%(reference)s：%(expert)s 修改了评审意见"),
        body=gettext_lazy("总分 %(replaced)s → %(total)s。修改理由：%(reason)s"),
        params={
            "reference": assignment.assessment.review_reference,
            "expert": expert_letters(assignment.assessment).get(actor.pk, ""),
            "replaced": revision.replaced["total"],
            "total": str(total),
            "reason": reason,
        },
        url=thread_url(assignment.assessment),
    )
    return revision
