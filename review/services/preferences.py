"""The preference phase of a batch: the province opens it with an end date (or closes it
early), experts mark each application awaiting experts prefer / willing / not my field /
conflict, and the automatic assignment weighs those marks (``assignments_auto``)."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import Assessment
from portal.exceptions import StateConflict
from portal.selectors import experts
from portal.services import audit_log_record, notify
from scenarios.models import Batch

from .. import preferences
from ..models import ExpertPreference, PreferencePhase
from .assignment import awaiting_experts
from .common import require_province_admin


def preference_applications(batch: Batch):
    """The applications experts mark in the batch's phase: those awaiting experts."""
    return (
        Assessment.objects.filter(batch=batch)
        .filter(awaiting_experts(batch))
        .select_related("batch")
        .order_by("submitted_at", "pk")
    )


@transaction.atomic
def preference_phase_open(*, batch: Batch, ends_at: datetime, actor) -> PreferencePhase:
    """Open the batch's preference phase until ``ends_at`` (or move its end): the experts are
    told. Recorded in the audit log."""
    require_province_admin(actor)
    if ends_at is None or ends_at <= timezone.now():
        raise ValidationError({"ends_at": _("偏好征集截止时间必须晚于现在。")})
    if not preference_applications(batch).exists():
        raise ValidationError({"ends_at": _("本批次还没有待分配专家的申报，无需征集偏好。")})
    phase, created = PreferencePhase.objects.select_for_update().get_or_create(
        batch=batch, defaults={"ends_at": ends_at, "opened_by": actor}
    )
    if not created:
        phase.ends_at, phase.closed_at = ends_at, None
        phase.save(update_fields=["ends_at", "closed_at"])
    audit_log_record(
        actor=actor,
        action="review.preferences_open",
        target=batch,
        summary=_("开放评审偏好征集至 %(ends)s")
        % {"ends": timezone.localtime(ends_at).strftime("%Y-%m-%d %H:%M")},
        data={"ends_at": ends_at.isoformat()},
    )
    notify(
        recipients=list(experts()),
        kind="review.preferences",
        title=gettext_lazy("请标记“%(batch)s”的评审偏好"),
        body=gettext_lazy(
            "分配评审任务前，请在 %(ends)s 前标记您希望评审的申报和存在利益冲突的申报。"
        ),
        params={
            "batch": batch.name,
            "ends": timezone.localtime(ends_at).strftime("%Y-%m-%d %H:%M"),
        },
        url=reverse("expert-preferences", args=[batch.pk]),
    )
    return phase


@transaction.atomic
def preference_phase_close(*, batch: Batch, actor) -> PreferencePhase:
    """End the batch's preference phase now (the marks made are kept)."""
    require_province_admin(actor)
    phase = PreferencePhase.objects.select_for_update().filter(batch=batch).first()
    if not preferences.phase_is_open(phase):
        raise StateConflict(_("本批次的评审偏好征集没有在进行中。"), code="wrong_state")
    phase.closed_at = timezone.now()
    phase.save(update_fields=["closed_at"])
    audit_log_record(
        actor=actor,
        action="review.preferences_close",
        target=batch,
        summary=_("结束评审偏好征集"),
    )
    return phase


@transaction.atomic
def preferences_set(*, batch: Batch, actor, choices: dict[int, str]) -> int:
    """The expert's marks (application id → choice) while the batch's phase is open; every
    application named must be one the phase shows. Returns how many marks changed."""
    if not actor.is_expert:
        raise ValidationError({"choices": _("只有评审专家可以标记评审偏好。")})
    if not preferences.phase_is_open(preferences.phase_of(batch)):
        raise StateConflict(_("本批次的评审偏好征集没有在进行中。"), code="wrong_state")
    valid = set(preference_applications(batch).values_list("pk", flat=True))
    unknown = sorted(set(choices) - valid)
    if unknown:
        raise ValidationError(
            {"choices": _("不能标记这些申报：%(ids)s。") % {"ids": "、".join(map(str, unknown))}}
        )
    bad = sorted({c for c in choices.values() if c not in ExpertPreference.Choice.values})
    if bad:
        raise ValidationError(
            {"choices": _("无效的评审偏好：%(values)s。") % {"values": "、".join(bad)}}
        )
    existing = {
        p.assessment_id: p
        for p in ExpertPreference.objects.filter(expert=actor, assessment_id__in=choices)
    }
    changed = 0
    for assessment_id, choice in choices.items():
        current = existing.get(assessment_id)
        if current is None:
            ExpertPreference.objects.create(
                expert=actor, assessment_id=assessment_id, choice=choice
            )
        elif current.choice != choice:
            current.choice = choice
            current.save(update_fields=["choice", "updated_at"])
        else:
            continue
        changed += 1
    if changed:
        audit_log_record(
            actor=actor,
            action="review.preferences",
            target=batch,
            summary=_("标记评审偏好 %(n)s 项") % {"n": changed},
            data={"choices": {str(k): v for k, v in sorted(choices.items())}},
        )
    return changed
