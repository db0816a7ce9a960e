"""A batch's progress at a glance for the province: each expert's reviews submitted of those
assigned and how many are overdue (against the review deadline of ``review.deadlines``), each
district's and city's applications waiting / recommended / returned, and the batch's stage."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, Q

from evaluation.models import Assessment, State
from portal.models import City, Role
from portal.selectors import experts
from scenarios.models import Batch

from .. import preferences
from ..deadlines import STAGES, batch_deadlines, is_past
from ..models import AssignmentStatus, Recommendation


@dataclass(frozen=True)
class ExpertProgress:
    expert: object
    assigned: int
    submitted: int
    overdue: int


@dataclass(frozen=True)
class PlaceProgress:
    code: str
    name: str
    waiting: int
    recommended: int
    returned: int


@dataclass(frozen=True)
class BatchProgress:
    batch: Batch
    states: list  # (label, value, count) of every state an application of the batch is in
    stage: str  # the stage the batch is at: the one where most applications wait
    preference_phase: object  # the batch's PreferencePhase, or None
    preference_open: bool
    deadlines: list
    experts: list[ExpertProgress]
    districts: list[PlaceProgress]
    cities: list[PlaceProgress]


def expert_progress(batch: Batch) -> list[ExpertProgress]:
    in_batch = Q(assignments__assessment__batch=batch)
    live = in_batch & Q(
        assignments__status__in=(AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED)
    )
    active = in_batch & Q(assignments__status=AssignmentStatus.ACTIVE)
    rows = (
        experts()
        .annotate(
            assigned=Count("assignments", filter=live),
            submitted=Count(
                "assignments", filter=in_batch & Q(assignments__status=AssignmentStatus.SUBMITTED)
            ),
            active=Count("assignments", filter=active),
        )
        .filter(assigned__gt=0)
    )
    late = is_past(batch.review_deadline)
    return [ExpertProgress(e, e.assigned, e.submitted, e.active if late else 0) for e in rows]


def _verdicts(batch: Batch, role: str, key: str) -> dict[str, Counter]:
    """Per place (``key`` of the application), how many applications its reviewers of
    ``role`` recommended and returned (each application once per outcome)."""
    counts = {
        Recommendation.Outcome.RECOMMENDED: Counter(),
        Recommendation.Outcome.RETURNED: Counter(),
    }
    rows = (
        Recommendation.objects.filter(
            assessment__batch=batch,
            stage=Recommendation.Stage.CITY,
            reviewer__role=role,
            outcome__in=list(counts),
        )
        .values_list(f"assessment__{key}", "outcome", "assessment_id")
        .distinct()
    )
    for place, outcome, _assessment in rows:
        counts[outcome][place] += 1
    return counts


def _places(batch, stage_key, role, key, names) -> list[PlaceProgress]:
    waiting = Counter(STAGES[stage_key].waiting(batch).values_list(key, flat=True))
    verdicts = _verdicts(batch, role, key)
    recommended = verdicts[Recommendation.Outcome.RECOMMENDED]
    returned = verdicts[Recommendation.Outcome.RETURNED]
    codes = sorted(set(waiting) | set(recommended) | set(returned))
    return [
        PlaceProgress(
            code, names.get(code, code) or "—", waiting[code], recommended[code], returned[code]
        )
        for code in codes
    ]


def batch_progress(batch: Batch) -> BatchProgress:
    applications = Assessment.objects.filter(batch=batch)
    by_state = Counter(applications.values_list("state", flat=True))
    district_names = dict(
        applications.values_list("applicant_district_code", "applicant_district").distinct()
    )
    deadlines = batch_deadlines(batch)
    waiting_stages = [
        d for d in deadlines if d.stage is not None and d.stage.acted_on and d.waiting
    ]
    # where most applications wait (the earlier stage on a tie): a late return waiting to be
    # submitted again does not hold the whole batch back at the submission stage
    waiting_stages.sort(key=lambda d: -d.waiting)
    phase = preferences.phase_of(batch)
    return BatchProgress(
        batch=batch,
        states=[(s.label, s.value, by_state[s.value]) for s in State if by_state[s.value]],
        stage=str(waiting_stages[0].stage.label) if waiting_stages else "",
        preference_phase=phase,
        preference_open=preferences.phase_is_open(phase),
        deadlines=deadlines,
        experts=expert_progress(batch),
        districts=_places(
            batch, "district", Role.DISTRICT_REVIEWER, "applicant_district_code", district_names
        ),
        cities=_places(batch, "city", Role.CITY_REVIEWER, "applicant_city", dict(City.choices)),
    )
