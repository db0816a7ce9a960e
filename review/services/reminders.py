"""Reminders of the deadlines in ``review.deadlines``: sent by beat some days before each
deadline, once per person, deadline and day; and by hand by the province to those late at a
stage."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.submission_window import when
from portal.services import audit_log_record, notify
from scenarios.models import Batch

from ..deadlines import STAGES, Due, Stage, late_dues, local_date
from ..models import DeadlineReminder
from .common import require_province_admin

REMINDER_TITLE = gettext_lazy("%(batch)s：%(stage)s截止还有 %(days)s 天")
REMINDER_BODY = gettext_lazy("截止时间：%(due)s。待处理：%(waiting)s 份申报。")
VALIDITY_TITLE = gettext_lazy("%(batch)s：您的认定将于 %(due)s 到期")
VALIDITY_BODY = gettext_lazy(
    "认定有效期还有 %(days)s 天。有效期满后如需继续保持认定，请在以后的申报批次中重新申报。"
)
LATE_TITLE = gettext_lazy("%(batch)s：%(stage)s已逾期")
LATE_BODY = gettext_lazy("截止时间：%(due)s。您仍有 %(waiting)s 份申报待处理，请尽快处理。")


def _shown(due) -> str:
    return when(due) if hasattr(due, "hour") else due.isoformat()


def _remind(batch: Batch, stage: Stage, due: Due, days: int) -> None:
    params = {
        "batch": batch.name,
        "stage": stage.label,
        "days": days,
        "due": _shown(due.due),
        "waiting": due.waiting,
    }
    validity = stage.key == "validity"
    notify(
        recipients=[due.user],
        kind=f"deadline.{stage.key}",
        title=VALIDITY_TITLE if validity else REMINDER_TITLE,
        body=VALIDITY_BODY if validity else REMINDER_BODY,
        params=params,
        url=due.url,
    )


def deadline_reminders_send() -> int:
    """Remind everyone concerned by a deadline that is one of its stage's reminder days away
    (today, in local time); each reminder goes once, however often this runs. Returns how
    many were sent."""
    today = timezone.localdate()
    sent = 0
    for batch in Batch.objects.order_by("pk"):
        for stage in STAGES.values():
            days = stage.days(batch)
            if not days:
                continue
            deadline = stage.deadline(batch)
            if stage.due_of is None and (
                deadline is None or (local_date(deadline) - today).days not in days
            ):
                continue  # nobody's deadline at this stage is a reminder day away
            for due in stage.dues(batch):
                if due.due is None:
                    continue
                left = (local_date(due.due) - today).days
                if left not in days:
                    continue
                with transaction.atomic():
                    _row, created = DeadlineReminder.objects.get_or_create(
                        recipient=due.user,
                        stage=stage.key,
                        subject=due.subject,
                        due=local_date(due.due),
                        days_before=left,
                        defaults={"batch": batch},
                    )
                    if created:
                        _remind(batch, stage, due, left)
                        sent += 1
    return sent


@transaction.atomic
def deadline_remind_late(*, batch: Batch, stage: str, actor) -> int:
    """The province reminds, now, everyone late at a stage of the batch (one notification each,
    whatever the number of their applications); recorded in the audit log. Returns how many
    people were reminded."""
    require_province_admin(actor)
    chosen = STAGES.get(stage)
    if chosen is None or not chosen.chased:
        raise ValidationError({"stage": _("请选择一个截止阶段。")})
    late = late_dues(batch, chosen)
    if not late:
        raise ValidationError({"stage": _("该阶段没有逾期未处理的申报。")})
    people = defaultdict(list)
    for due in late:
        people[due.user.pk].append(due)
    for dues in people.values():
        first = dues[0]
        notify(
            recipients=[first.user],
            kind=f"deadline.{chosen.key}.late",
            title=LATE_TITLE,
            body=LATE_BODY,
            params={
                "batch": batch.name,
                "stage": chosen.label,
                "due": _shown(min(d.due for d in dues)),
                "waiting": sum(d.waiting for d in dues),
            },
            url=first.url,
        )
    names = sorted({d.user.get_username() for d in late})
    audit_log_record(
        actor=actor,
        action="batch.remind_late",
        target=batch,
        summary=_("提醒%(stage)s逾期人员 %(n)s 人：%(names)s")
        % {"stage": chosen.label, "n": len(names), "names": "、".join(names)},
        data={"stage": chosen.key, "recipients": names},
    )
    return len(names)
