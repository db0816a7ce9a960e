"""The review side plugged into the assessment side (``evaluation.review_hooks``) when the app
starts: news of a submission (and of its withdrawal, until a reviewer acted on it), experts reading what is assigned to them, what the applicant
learns of its review, and the answers to a return it gives when it submits again."""

from django.dispatch import receiver

from evaluation import review_hooks

from . import anonymity, selectors
from .models import Recommendation
from .services import (
    formal_check_resumes,
    return_answers_record,
    submission_notify,
    withdrawal_notify,
)


@receiver(review_hooks.assessment_submitted, dispatch_uid="review.submission_notify")
def _notify_first_readers(sender, assessment, actor, **kwargs):
    submission_notify(assessment)


@receiver(review_hooks.assessment_withdrawn, dispatch_uid="review.withdrawal_notify")
def _notify_withdrawal(sender, assessment, actor, **kwargs):
    withdrawal_notify(assessment)


review_hooks.review_started_register(
    lambda assessment: Recommendation.objects.filter(assessment=assessment).exists()
)
review_hooks.reader_register(
    review_hooks.Reader(
        applies_to=lambda user: user.is_expert,
        assessment_ids=lambda user: selectors.assignments_for(user).values("assessment_id"),
        evidence_name=anonymity.evidence_download_name,
    )
)
review_hooks.applicant_outcome_register(
    review_hooks.ApplicantOutcome(
        returns=selectors.returned_comments, decision=selectors.decision_of
    )
)
review_hooks.return_answers_register(
    review_hooks.ReturnAnswers(
        awaiting=selectors.returns_awaiting_answer,
        record=return_answers_record,
        resumes_at=formal_check_resumes,
    )
)
review_hooks.reached_city_register(selectors.reached_city)
