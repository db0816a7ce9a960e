"""The programme's deadlines, stage by stage: where each stage's deadline is, which applications
wait at it and whom it concerns. The reminders, the overdue markers of the pages and the API and
the province's reminder by hand all read this registry; a stage added later registers its own
entry (``stage_register``)."""

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from evaluation.models import EDITABLE_STATES, Assessment, State
from evaluation.submission_window import submission_due
from portal.selectors import city_reviewers, district_reviewers, enterprise_users, province_admins
from scenarios.models import STAGE_DEADLINE_FIELDS, Batch, day_list

from .models import AssignmentStatus, Decision, ExpertAssignment
from .selectors.queues import applies_directly, awaiting_formal_check


@dataclass(frozen=True)
class Due:
    """One person concerned by one deadline: ``subject`` is the batch (``batch:<id>``) or the
    application whose own deadline it is (``assessment:<id>``); ``waiting`` how many
    applications of theirs wait at the stage."""

    user: object
    subject: str
    due: datetime | date
    url: str
    waiting: int = 1

    @property
    def overdue(self) -> bool:
        return is_past(self.due)


def is_past(due: datetime | date | None) -> bool:
    if due is None:
        return False
    if isinstance(due, datetime):
        return timezone.now() >= due
    return timezone.localdate() > due


def local_date(due: datetime | date) -> date:
    return timezone.localdate(due) if isinstance(due, datetime) else due


def batch_reminder_days(batch: Batch) -> list[int]:
    return batch.reminder_day_list


@dataclass(frozen=True)
class Stage:
    """``states``: the states of the applications waiting at the stage (``narrow`` keeps those
    of them really waiting there); ``field``: the Batch field holding the stage's deadline
    (``due_of`` gives an application's own when it has one); ``dues``: the people concerned,
    each with their deadline; ``days``: the days before a deadline on which they are
    reminded."""

    key: str
    label: object
    states: tuple
    dues: Callable[[Batch], Iterable[Due]]
    narrow: Callable[[QuerySet[Assessment]], QuerySet[Assessment]] | None = None
    field: str | None = None
    due_of: Callable[[Assessment], datetime | date | None] | None = None
    days: Callable[[Batch], list[int]] = batch_reminder_days
    acted_on: bool = True  # a deadline to act by: shown overdue once past
    # the province may remind those late by hand (pointless where being late shuts the door)
    chased: bool = True

    def waiting(self, batch_or_qs) -> QuerySet[Assessment]:
        """The applications waiting at the stage: of a batch, or among a queryset."""
        qs = batch_or_qs if isinstance(batch_or_qs, QuerySet) else batch_or_qs.assessments.all()
        qs = qs.filter(state__in=self.states)
        return self.narrow(qs) if self.narrow else qs

    def deadline(self, batch: Batch) -> datetime | None:
        return getattr(batch, self.field) if self.field else None

    def due_for(self, assessment: Assessment):
        if self.due_of is not None:
            return self.due_of(assessment)
        return self.deadline(assessment.batch)


STAGES: dict[str, Stage] = {}


def stage_register(stage: Stage) -> Stage:
    STAGES[stage.key] = stage
    return stage


def stage_of(assessment: Assessment) -> Stage | None:
    """The stage at which the application waits (the first registered that holds it)."""
    for stage in STAGES.values():
        if not stage.acted_on or assessment.state not in stage.states:
            continue
        if (
            stage.narrow is None
            or stage.waiting(Assessment.objects.filter(pk=assessment.pk)).exists()
        ):
            return stage
    return None


def assessment_deadline(assessment: Assessment, stage: Stage | None = None) -> dict | None:
    """The deadline the application waits on now: its stage, date and whether it is overdue."""
    stage = stage or stage_of(assessment)
    due = stage.due_for(assessment) if stage else None
    if due is None:
        return None
    return {"stage": stage.key, "label": stage.label, "due": due, "overdue": is_past(due)}


# --- the stages of this programme ------------------------------------------------------------


def _submission_dues(batch: Batch) -> Iterable[Due]:
    for a in STAGES["submission"].waiting(batch).select_related("batch"):
        url = reverse("assessment-overview", args=[a.pk])
        for user in enterprise_users(a.enterprise_id):
            yield Due(user, f"assessment:{a.pk}", submission_due(a), url)


def assignment_overdue(assignment: ExpertAssignment) -> bool:
    """An expert's review still to be submitted after the batch's review deadline."""
    return assignment.status == AssignmentStatus.ACTIVE and is_past(
        assignment.assessment.batch.review_deadline
    )


def _not_direct(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Those of enterprises the batch does not mark as applying to the province directly."""
    return qs.exclude(applies_directly())


def _at_district(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Submissions of a batch that asks its districts first, still with their district."""
    return _not_direct(qs).filter(state=State.SUBMITTED, batch__requires_district_step=True)


def _at_city(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    """Submissions the city is to recommend: as submitted, or once the district recommended
    them in a batch with the district step."""
    step = Q(batch__requires_district_step=True)
    return _not_direct(qs).filter(
        (step & Q(state=State.DISTRICT_RECOMMENDED)) | (~step & Q(state=State.SUBMITTED))
    )


def _district_dues(batch: Batch) -> Iterable[Due]:
    waiting = STAGES["district"].waiting(batch)
    districts = Counter(waiting.values_list("applicant_district_code", flat=True))
    url = f"{reverse('review-queue')}?batch={batch.pk}&state={State.SUBMITTED}"
    for code, n in districts.items():
        for user in district_reviewers(code):
            yield Due(user, f"batch:{batch.pk}", batch.district_deadline, url, n)


def _city_dues(batch: Batch) -> Iterable[Due]:
    waiting = STAGES["city"].waiting(batch)
    cities = Counter(waiting.values_list("applicant_city", flat=True))
    state = State.DISTRICT_RECOMMENDED if batch.requires_district_step else State.SUBMITTED
    url = f"{reverse('review-queue')}?batch={batch.pk}&state={state}"
    for city, n in cities.items():
        for user in city_reviewers(city):
            yield Due(user, f"batch:{batch.pk}", batch.city_deadline, url, n)


def _formal_check_dues(batch: Batch) -> Iterable[Due]:
    n = STAGES["formal_check"].waiting(batch).count()
    if n:
        url = reverse("formal-check-queue", args=[batch.pk])
        for user in province_admins():
            yield Due(user, f"batch:{batch.pk}", batch.formal_check_deadline, url, n)


def _unfinished(batch) -> QuerySet[ExpertAssignment]:
    return ExpertAssignment.objects.filter(
        assessment__batch=batch, status=AssignmentStatus.ACTIVE
    ).select_related("expert")


def _with_unfinished_review(qs: QuerySet[Assessment]) -> QuerySet[Assessment]:
    active = ExpertAssignment.objects.filter(
        assessment=OuterRef("pk"), status=AssignmentStatus.ACTIVE
    )
    return qs.filter(Exists(active))


def _review_dues(batch: Batch) -> Iterable[Due]:
    experts = Counter()
    users = {}
    for assignment in _unfinished(batch):
        experts[assignment.expert_id] += 1
        users[assignment.expert_id] = assignment.expert
    url = reverse("expert-assignments")
    for expert_id, n in experts.items():
        if users[expert_id].is_active:
            yield Due(users[expert_id], f"batch:{batch.pk}", batch.review_deadline, url, n)


def _decision_dues(batch: Batch) -> Iterable[Due]:
    n = STAGES["decision"].waiting(batch).count()
    if n:
        url = reverse("batch-decisions", args=[batch.pk])
        for user in province_admins():
            yield Due(user, f"batch:{batch.pk}", batch.decision_deadline, url, n)


def _validity_dues(batch: Batch) -> Iterable[Due]:
    for decision in Decision.objects.filter(
        assessment__in=STAGES["validity"].waiting(batch), outcome=Decision.Outcome.APPROVED
    ).select_related("assessment"):
        url = reverse("assessment-overview", args=[decision.assessment_id])
        for user in enterprise_users(decision.assessment.enterprise_id):
            yield Due(user, f"assessment:{decision.assessment_id}", decision.valid_until, url)


def validity_reminder_days(batch: Batch | None = None) -> list[int]:
    return day_list(settings.VALIDITY_REMINDER_DAYS)


stage_register(
    Stage(
        "submission",
        _("申报提交"),
        states=EDITABLE_STATES,
        dues=_submission_dues,
        field="closes_at",
        due_of=submission_due,
        chased=False,
    )
)
stage_register(
    Stage(
        "district",
        _("县（市、区）推荐"),
        states=(State.SUBMITTED,),
        narrow=_at_district,
        dues=_district_dues,
        field="district_deadline",
    )
)
stage_register(
    Stage(
        "city",
        _("市级推荐"),
        states=(State.SUBMITTED, State.DISTRICT_RECOMMENDED),
        narrow=_at_city,
        dues=_city_dues,
        field="city_deadline",
    )
)
stage_register(
    Stage(
        "formal_check",
        _("形式审查"),
        states=(State.CITY_RECOMMENDED, State.SUBMITTED),
        narrow=awaiting_formal_check,
        dues=_formal_check_dues,
        field="formal_check_deadline",
    )
)
stage_register(
    Stage(
        "review",
        _("专家评审"),
        states=(State.UNDER_REVIEW,),
        narrow=_with_unfinished_review,
        dues=_review_dues,
        field="review_deadline",
    )
)
stage_register(
    Stage(
        "decision",
        _("认定决定"),
        states=(State.UNDER_REVIEW,),
        dues=_decision_dues,
        field="decision_deadline",
    )
)
stage_register(
    Stage(
        "validity",
        _("认定有效期"),
        states=(State.APPROVED,),
        narrow=lambda qs: qs.filter(decision__valid_until__isnull=False),
        dues=_validity_dues,
        due_of=lambda a: getattr(getattr(a, "decision", None), "valid_until", None),
        days=validity_reminder_days,
        acted_on=False,
        chased=False,
    )
)


# --- what the pages show --------------------------------------------------------------------


def stage_deadlines_among(key: str, applications: QuerySet[Assessment]) -> list[dict]:
    """For each batch with applications among ``applications`` waiting at the stage ``key``,
    its deadline there (when set), how many wait and whether that deadline has passed: what a
    reviewer's queue shows above its list."""
    stage = STAGES[key]
    counts = Counter(stage.waiting(applications).values_list("batch_id", flat=True))
    rows = []
    for batch in Batch.objects.filter(pk__in=counts).order_by("-year", "-opens_at"):
        deadline = stage.deadline(batch)
        if deadline is not None:
            rows.append(
                {
                    "batch": batch,
                    "label": stage.label,
                    "deadline": deadline,
                    "waiting": counts[batch.pk],
                    "overdue": is_past(deadline),
                }
            )
    return rows


BATCH_DEADLINE_FIELDS = ("closes_at", *STAGE_DEADLINE_FIELDS)


@dataclass(frozen=True)
class StageDeadline:
    """A batch's deadline as the province sees it: the stage registered for it (None until
    one is), how many applications wait there and how many of those are late."""

    field: str
    label: str
    deadline: datetime | None
    stage: Stage | None
    waiting: int | None
    late: int

    @property
    def overdue(self) -> bool:
        return self.late > 0


def batch_deadlines(batch: Batch) -> list[StageDeadline]:
    by_field = {s.field: s for s in STAGES.values() if s.field}
    rows = []
    for name in BATCH_DEADLINE_FIELDS:
        stage = by_field.get(name)
        waiting = late = 0
        if stage is not None:
            applications = list(stage.waiting(batch).select_related("batch"))
            waiting = len(applications)
            late = sum(is_past(stage.due_for(a)) for a in applications)
        rows.append(
            StageDeadline(
                field=name,
                label=str(Batch._meta.get_field(name).verbose_name),
                deadline=getattr(batch, name),
                stage=stage,
                waiting=waiting if stage else None,
                late=late,
            )
        )
    return rows


def late_dues(batch: Batch, stage: Stage) -> list[Due]:
    """The people concerned by a stage whose deadline has passed."""
    return [d for d in stage.dues(batch) if d.due is not None and d.overdue]
