"""Reads of the discussion period: who may read which thread (the gate), how each participant
is named in it, and the revisions of the experts' scores the province follows."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from evaluation.models import Assessment

from ..anonymity import applicant_label
from ..models import (
    LIVE_ASSIGNMENT_STATES,
    AssignmentStatus,
    DiscussionPeriod,
    DiscussionPost,
    ExpertAssignment,
    ScoreRevision,
)


def discussions_for(user) -> QuerySet[Assessment]:
    """The applications whose thread ``user`` may read, once their batch opened a discussion
    period: every one for the province, an expert's own submitted reviews', none for anyone
    else (an enterprise never sees a thread)."""
    qs = Assessment.objects.filter(batch__discussion__isnull=False).select_related(
        "batch", "enterprise"
    )
    if not user.is_authenticated:
        return qs.none()
    if user.is_province_admin:
        return qs
    if user.is_expert:
        return qs.filter(
            assignments__expert=user, assignments__status=AssignmentStatus.SUBMITTED
        ).distinct()
    return qs.none()


def expert_letters(assessment) -> dict[int, str]:
    """Each expert of the application as 专家 A, B, C…: by the order of their assignment, the
    same in every post and for every reader."""
    ids = (
        ExpertAssignment.objects.filter(assessment=assessment, status__in=LIVE_ASSIGNMENT_STATES)
        .order_by("pk")
        .values_list("expert_id", flat=True)
    )
    return {
        expert_id: _("专家 %(letter)s") % {"letter": chr(ord("A") + i)}
        for i, expert_id in enumerate(ids)
    }


def participant_name(user, letters: dict[int, str], *, named: bool = False) -> str:
    """How ``user`` appears in a thread: 专家 A/B/C to everyone, followed by the expert's own
    name for the province (``named``), which assigned them and knows who they are."""
    if user.pk in letters:
        if named:
            return f"{letters[user.pk]}（{user.get_full_name() or user.get_username()}）"
        return letters[user.pk]
    if user.is_province_admin:
        return _("省级管理员")
    return _("专家")


@dataclass(frozen=True)
class ShownPost:
    name: str
    body: str
    created_at: object
    own: bool


@dataclass(frozen=True)
class Thread:
    """An application's thread as one reader sees it."""

    assessment: Assessment
    label: str  # the applicant's name, or its reference for an expert kept from it
    period: DiscussionPeriod | None
    me: str  # how the reader appears in it
    posts: list[ShownPost]
    revisions: list  # (name, ScoreRevision), the province's only


def discussion_thread(assessment, viewer) -> Thread:
    letters = expert_letters(assessment)
    posts = [
        ShownPost(
            name=participant_name(p.author, letters, named=viewer.is_province_admin),
            body=p.body,
            created_at=p.created_at,
            own=p.author_id == viewer.pk,
        )
        for p in DiscussionPost.objects.filter(assessment=assessment).select_related("author")
    ]
    revisions = []
    if viewer.is_province_admin:
        revisions = [
            (participant_name(r.assignment.expert, letters, named=True), r)
            for r in ScoreRevision.objects.filter(assignment__assessment=assessment).select_related(
                "assignment__expert"
            )
        ]
    return Thread(
        assessment=assessment,
        label=applicant_label(viewer, assessment),
        period=DiscussionPeriod.objects.filter(batch_id=assessment.batch_id).first(),
        me=participant_name(viewer, letters),
        posts=posts,
        revisions=revisions,
    )


def own_submitted_assignment(assessment, viewer) -> ExpertAssignment | None:
    return ExpertAssignment.objects.filter(
        assessment=assessment, expert_id=viewer.pk, status=AssignmentStatus.SUBMITTED
    ).first()
