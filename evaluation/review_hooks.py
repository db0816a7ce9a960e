"""What the assessment side needs from the review above it, filled in by the review app when it
starts (``review/receivers.py``): ``evaluation`` never imports ``review``.

- ``assessment_submitted`` is sent inside a submission's transaction (``assessment``,
  ``actor``): the review side tells whoever reads a new submission first;
  ``assessment_withdrawn`` likewise when the enterprise withdraws it, and ``review_started``
  asks whether any reviewer has acted on it yet (until then it may be withdrawn).
- A ``Reader`` reaches assessments by a path of its own (an expert, through the assignments):
  which assessments' evidence it may download, and under what file name.
- An ``ApplicantOutcome`` is what the applicant learns of the review on its own pages: the
  comments of a return and the province's decision (never the experts or their scores).
- ``ReturnAnswers``: the return comments a resubmission must answer, where the answers
  are kept (beside the comments, for the reviewers to read), and which state a resubmission
  goes back to (the formal check's queue after its return).
- ``reached_city``: which assessments once reached their city's review (a ``Q``), so that a
  city reviewer sees, of a batch with the district step, none that only its district handled.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.dispatch import Signal

from .models import State

assessment_submitted = Signal()
assessment_withdrawn = Signal()


@dataclass(frozen=True)
class Reader:
    applies_to: Callable  # (user) -> bool
    assessment_ids: Callable  # (user) -> QuerySet of assessment ids (``values("assessment_id")``)
    evidence_name: Callable  # (user, evidence) -> str


@dataclass(frozen=True)
class ApplicantOutcome:
    returns: Callable  # (assessment) -> iterable of the return rounds, newest first
    decision: Callable  # (assessment) -> the decision or None


@dataclass(frozen=True)
class ReturnAnswers:
    awaiting: Callable  # (assessment) -> the return rounds its next submission answers
    record: Callable  # (assessment, {round id: answer}) -> None, in the submission's transaction
    # (assessment, the rounds it answers) -> the state its resubmission goes to
    resumes_at: Callable | None = None


_readers: list[Reader] = []
_outcome: list[ApplicantOutcome] = []
_answers: list[ReturnAnswers] = []
_review_started: list[Callable] = []
_reached_city: list[Callable] = []


def reader_register(reader: Reader) -> None:
    _readers.append(reader)


def reader_for(user) -> Reader | None:
    return next((r for r in _readers if user.is_authenticated and r.applies_to(user)), None)


def reader_assessment_ids(user) -> QuerySet | None:
    """The assessments ``user`` reads through a registered reader, or None when no reader
    applies to them."""
    reader = reader_for(user)
    return reader.assessment_ids(user) if reader else None


def evidence_download_name(user, evidence) -> str:
    reader = reader_for(user)
    return reader.evidence_name(user, evidence) if reader else evidence.original_name


def applicant_outcome_register(outcome: ApplicantOutcome) -> None:
    _outcome[:] = [outcome]


def returned_comments(assessment) -> list:
    return list(_outcome[0].returns(assessment)) if _outcome else []


def decision_of(assessment):
    return _outcome[0].decision(assessment) if _outcome else None


def return_answers_register(answers: ReturnAnswers) -> None:
    _answers[:] = [answers]


def returns_awaiting_answer(assessment) -> list:
    """The return rounds (``pk``, ``comment``, ``created_at``…) a resubmission must answer,
    oldest first; none for a first submission."""
    return list(_answers[0].awaiting(assessment)) if _answers else []


def resubmission_state(assessment, awaiting) -> str:
    """Where a (re)submission goes: submitted, unless the review side sends a resubmission
    back to the step that returned it (the formal check, for a city-recommended one)."""
    if _answers and _answers[0].resumes_at is not None and awaiting:
        return _answers[0].resumes_at(assessment, awaiting) or State.SUBMITTED
    return State.SUBMITTED


def return_answers_record(assessment, answers: dict) -> None:
    if _answers and answers:
        _answers[0].record(assessment, answers)


def review_started_register(started: Callable) -> None:
    """``started(assessment) -> bool``: a reviewer has recorded a round on it (recommended,
    returned, formally checked)."""
    _review_started[:] = [started]


def review_started(assessment) -> bool:
    return bool(_review_started) and _review_started[0](assessment)


def reached_city_register(condition: Callable) -> None:
    """``condition``: () -> a ``Q`` over assessments selecting those that reached their city."""
    _reached_city[:] = [condition]


def reached_city() -> Q:
    """The assessments that once reached their city's review; none without a review side."""
    return _reached_city[0]() if _reached_city else Q(pk__in=[])
