"""What every review transition shares: the role checks, the state lock, the audit entry and
the links the notifications carry."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation.models import Assessment
from portal.exceptions import StateConflict
from portal.services import audit_log_record

from ..models import AssignmentStatus, ExpertAssignment


def require_province_admin(actor, refusal=None) -> None:
    """403 for anyone but a province admin, saying ``refusal`` (what only they may do) if given."""
    if not actor.is_province_admin:
        raise PermissionDenied(refusal or _("只有省级管理员可以执行此操作。"))


def lock_in_state(assessment: Assessment, allowed: tuple, action: str) -> Assessment:
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


def log(actor, action: str, assessment: Assessment, summary: str = "", data=None) -> None:
    audit_log_record(
        actor=actor,
        action=action,
        target=assessment,
        enterprise=assessment.enterprise,
        summary=summary,
        data=data or {},
    )


def overview_url(assessment) -> str:
    return reverse("assessment-overview", args=[assessment.pk])


def review_url(assessment) -> str:
    return reverse("review-detail", args=[assessment.pk])


def clean_comment(comment: str, *, required: bool) -> str:
    comment = (comment or "").strip()
    if required and not comment:
        raise ValidationError({"comment": _("请填写意见，说明需要修改的内容。")})
    if len(comment) > 2000:
        raise ValidationError({"comment": _("意见不能超过 2000 字。")})
    return comment


def own_active_assignment(assignment: ExpertAssignment, actor) -> ExpertAssignment:
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
