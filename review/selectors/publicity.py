"""The public list's 公示 period and its objections: who is on the list, what is still undecided
when it is published, where the period stands, and the objections the province handles."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.models import Assessment, State
from scenarios.models import Batch

from .. import rules
from ..models import Objection
from ..working_days import default_period, working_days_in


def on_public_list(batch: Batch) -> QuerySet[Assessment]:
    """The batch's enterprises the published list names: approved by the time it was
    published. A decision taken after publishing (on an application left out of a partial
    publication, or taken again after an upheld objection) is listed when the list is
    published again, with a 公示 period of its own."""
    if batch.list_published_at is None:
        return Assessment.objects.none()
    return Assessment.objects.filter(
        batch=batch, state=State.APPROVED, decided_at__lte=batch.list_published_at
    )


def listed_count_filter() -> Q:
    """``Count("assessments", filter=...)`` of the enterprises each published batch lists."""
    return Q(
        assessments__state=State.APPROVED,
        assessments__decided_at__lte=F("list_published_at"),
    )


def undecided(batch: Batch) -> QuerySet[Assessment]:
    """The batch's applications that reached the province and wait for its decision:
    recommended by their city, formally checked, in expert review, or submitted by a direct
    applicant."""
    return Assessment.objects.filter(batch=batch).filter(
        Q(state__in=(State.CITY_RECOMMENDED, State.FORMALLY_CHECKED, State.UNDER_REVIEW))
        | Q(state=State.SUBMITTED, enterprise__in=batch.direct_enterprises.all())
    )


def approved(batch: Batch) -> QuerySet[Assessment]:
    """What publishing now would list."""
    return Assessment.objects.filter(batch=batch, state=State.APPROVED)


class PublicityStatus:
    UPCOMING = "upcoming"
    RUNNING = "running"
    REVIEWING = "reviewing"
    FINAL = "final"

    LABELS = {
        UPCOMING: _("即将公示"),
        RUNNING: _("公示中"),
        REVIEWING: _("公示期已结束，异议处理中"),
        FINAL: _("公示结束，名单为最终结果"),
    }


@dataclass(frozen=True)
class Publicity:
    """Where a published list's 公示 period stands. ``status``: upcoming, running (objections
    received), reviewing (the period is over, objections still to resolve) or final."""

    status: str
    starts_on: date | None
    ends_on: date | None
    working_days: int | None
    department: str
    phone: str
    email: str
    pending: int

    @property
    def label(self) -> str:
        return str(PublicityStatus.LABELS[self.status])

    @property
    def objections_open(self) -> bool:
        return self.status == PublicityStatus.RUNNING

    @property
    def is_final(self) -> bool:
        return self.status == PublicityStatus.FINAL


def pending_objections(batch: Batch) -> QuerySet[Objection]:
    return Objection.objects.filter(batch=batch, status=Objection.Status.PENDING)


def publicity_of(batch: Batch, today: date | None = None) -> Publicity | None:
    """None while the list is not published. A list published before 公示 periods were
    recorded has none: it is final once no objection is pending."""
    if batch.list_published_at is None:
        return None
    today = today or timezone.localdate()
    starts, ends = batch.publicity_starts_on, batch.publicity_ends_on
    pending = pending_objections(batch).count()
    if rules.objections_open(batch, today):
        status = PublicityStatus.RUNNING
    elif starts is not None and today < starts:
        status = PublicityStatus.UPCOMING
    else:
        status = PublicityStatus.REVIEWING if pending else PublicityStatus.FINAL
    return Publicity(
        status=status,
        starts_on=starts,
        ends_on=ends,
        working_days=working_days_in(starts, ends) if starts and ends else None,
        department=batch.publicity_contact_department,
        phone=batch.publicity_contact_phone,
        email=batch.publicity_contact_email,
        pending=pending,
    )


def publication_defaults(today: date | None = None) -> dict:
    """What the publishing form proposes: the default period from today, and the contact of
    the latest list published (else the settings')."""
    starts_on, ends_on = default_period(today or timezone.localdate())
    latest = (
        Batch.objects.exclude(publicity_contact_phone="")
        .order_by(F("list_published_at").desc(nulls_last=True), "-pk")
        .first()
    )
    if latest is not None:
        contact = {
            "contact_department": latest.publicity_contact_department,
            "contact_phone": latest.publicity_contact_phone,
            "contact_email": latest.publicity_contact_email,
        }
    else:
        contact = {
            "contact_department": settings.PUBLICITY_CONTACT_DEPARTMENT,
            "contact_phone": settings.PUBLICITY_CONTACT_PHONE,
            "contact_email": settings.PUBLICITY_CONTACT_EMAIL,
        }
    return {"starts_on": starts_on, "ends_on": ends_on, **contact}


def objections_for(user) -> QuerySet[Objection]:
    """The gate to objections: the province admin's only (they name the objector)."""
    if not (user.is_authenticated and user.is_province_admin):
        return Objection.objects.none()
    return Objection.objects.select_related("batch", "assessment", "resolved_by")
