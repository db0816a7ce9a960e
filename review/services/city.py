"""The local verdicts on a submission — its district's (in a batch with the district step),
then its city's: recommended onwards, or returned to the enterprise with comments; and the
news of a new submission."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import Assessment, State
from evaluation.submission_window import submission_due, when
from portal.exceptions import StateConflict
from portal.selectors import city_reviewers, district_reviewers, enterprise_users, province_admins
from portal.services import notify

from .. import rules
from ..models import (
    Recommendation,
)
from .common import clean_comment, lock_in_state, log, overview_url, review_url


@transaction.atomic
def assessment_recommend(
    *, assessment: Assessment, actor, comment: str = "", confirm_no_tier: bool = False
) -> Assessment:
    """The city recommends a submission to the province — or, in a batch with the district
    step, the applicant's district recommends it to the city first, and the city then one its
    district recommended. One whose evaluation reaches no tier only when the reviewer confirms
    it knows (``confirm_no_tier``: the page's confirmation said so, the API's caller sends it),
    else 409 naming ``confirm_no_tier``."""
    if not rules.may_recommend(actor, assessment):
        raise PermissionDenied(_("只有企业所在县（市、区）或设区市的主管部门可以推荐。"))
    by_district = rules.acts_as_district(actor, assessment)
    assessment = lock_in_state(assessment, rules.recommendable_states(actor, assessment), _("推荐"))
    comment = clean_comment(comment, required=False)
    if rules.reaches_no_tier(assessment) and not confirm_no_tier:
        raise StateConflict(
            {
                "confirm_no_tier": ValidationError(
                    _("该申报的自评估未达到任何层级，须确认知悉后才能推荐。"),
                    code="confirmation_required",
                )
            }
        )
    Recommendation.objects.create(
        assessment=assessment,
        reviewer=actor,
        outcome=Recommendation.Outcome.RECOMMENDED,
        comment=comment,
        snapshot_sha256=assessment.snapshot_sha256,
    )
    assessment.state = rules.recommended_state(actor, assessment)
    assessment.save(update_fields=["state", "updated_at"])
    params = {"enterprise": assessment.applicant_name, "batch": assessment.batch.name}
    if by_district:
        log(actor, "review.district_recommend", assessment, comment)
        _recommended_notify(
            assessment,
            params,
            applicant=(
                gettext_lazy("%(batch)s：县（市、区）主管部门已推荐您的申报"),
                gettext_lazy("您的申报已推荐至设区市，等待市级审核。"),
            ),
            next_reviewers=city_reviewers(assessment.applicant_city),
            next_message=(
                gettext_lazy("%(enterprise)s 的申报已获县（市、区）推荐"),
                gettext_lazy("批次：%(batch)s。请审核后推荐或退回。"),
            ),
        )
        return assessment
    log(actor, "review.recommend", assessment, comment)
    _recommended_notify(
        assessment,
        params,
        applicant=(
            gettext_lazy("%(batch)s：市级主管部门已推荐您的申报"),
            gettext_lazy("您的申报已推荐至省级，将由省级进行形式审查。"),
        ),
        next_reviewers=province_admins(),
        next_message=(
            gettext_lazy("%(enterprise)s 的申报已获市级推荐"),
            gettext_lazy("请进行形式审查，通过后再分配评审专家。"),
        ),
    )
    return assessment


def _recommended_notify(assessment, params, *, applicant, next_reviewers, next_message) -> None:
    """The enterprise learns it was recommended; whoever reviews it next, that it waits."""
    notify(
        recipients=enterprise_users(assessment.enterprise_id),
        kind="review.recommend",
        title=applicant[0],
        body=applicant[1],
        params=params,
        url=overview_url(assessment),
    )
    notify(
        recipients=next_reviewers,
        kind="review.recommend",
        title=next_message[0],
        body=next_message[1],
        params=params,
        url=review_url(assessment),
    )


@transaction.atomic
def assessment_return(*, assessment: Assessment, actor, comment: str) -> Assessment:
    """Back to the enterprise with comments: by its district or its city before recommending
    (or to withdraw a recommendation), or by the province before expert review. The snapshot
    and every earlier round stay; the enterprise edits and submits again (to its district first
    again, in a batch with the district step)."""
    if not rules.may_return(actor, assessment):
        raise PermissionDenied(
            _("只有企业所在县（市、区）或设区市的主管部门、省级管理员可以退回。")
        )
    assessment = lock_in_state(assessment, rules.returnable_states(actor, assessment), _("退回"))
    comment = clean_comment(comment, required=True)
    Recommendation.objects.create(
        assessment=assessment,
        reviewer=actor,
        outcome=Recommendation.Outcome.RETURNED,
        comment=comment,
        snapshot_sha256=assessment.snapshot_sha256,
    )
    assessment.state = State.RETURNED
    assessment.resubmit_by = timezone.now() + timedelta(days=assessment.batch.resubmission_days)
    assessment.save(update_fields=["state", "resubmit_by", "updated_at"])
    log(
        actor,
        "review.return",
        assessment,
        comment,
        {"resubmit_by": assessment.resubmit_by.isoformat()},
    )
    notify(
        recipients=enterprise_users(assessment.enterprise_id),
        kind="review.return",
        title=gettext_lazy("%(batch)s：您的申报被退回修改"),
        body=gettext_lazy("退回意见：%(comment)s\n请修改后于 %(due)s 前重新提交。"),
        params={
            "batch": assessment.batch.name,
            "comment": comment,
            "due": when(submission_due(assessment)),
        },
        url=overview_url(assessment),
    )
    return assessment


def return_answers_record(assessment: Assessment, answers: dict) -> None:
    """The enterprise's answers to the return comments, kept beside each comment; part of
    its submission (its transaction, its audit entry)."""
    now = timezone.now()
    for round_ in Recommendation.objects.filter(
        assessment=assessment, outcome=Recommendation.Outcome.RETURNED, pk__in=list(answers)
    ):
        round_.answer = answers[round_.pk]
        round_.answered_at = now
        round_.save(update_fields=["answer", "answered_at"])


def submission_notify(assessment: Assessment) -> None:
    """Tell whoever looks at a new submission first: its district in a batch with the district
    step, else its city, or the province for an enterprise that applies directly or answers a
    formal check's return (back to the formal check)."""
    if assessment.state == State.CITY_RECOMMENDED:
        notify(
            recipients=province_admins(),
            kind="assessment.resubmit_formal_check",
            title=gettext_lazy("%(enterprise)s 已按形式审查意见补正并重新提交"),
            body=gettext_lazy("批次：%(batch)s。请再次进行形式审查。"),
            params={"enterprise": assessment.applicant_name, "batch": assessment.batch.name},
            url=reverse("formal-check-detail", args=[assessment.pk]),
        )
        return
    notify(
        recipients=first_readers(assessment),
        kind="assessment.submit",
        title=gettext_lazy("%(enterprise)s 提交了自评估申报"),
        body=gettext_lazy("批次：%(batch)s。请审核后推荐或退回。"),
        params={"enterprise": assessment.applicant_name, "batch": assessment.batch.name},
        url=review_url(assessment),
    )


def first_readers(assessment: Assessment):
    """Who reads a first submission first: the province for a direct applicant, its district in
    a batch with the district step, else its city."""
    if rules.applies_directly(assessment):
        return province_admins()
    if assessment.batch.requires_district_step:
        return district_reviewers(assessment.applicant_district_code)
    return city_reviewers(assessment.applicant_city)


def withdrawal_notify(assessment: Assessment) -> None:
    """Those told of the submission learn that the enterprise withdrew it."""
    notify(
        recipients=first_readers(assessment),
        kind="assessment.withdraw",
        title=gettext_lazy("%(enterprise)s 撤回了自评估申报"),
        body=gettext_lazy("批次：%(batch)s。企业已撤回申报，无需审核；重新提交时将再次通知。"),
        params={"enterprise": assessment.applicant_name, "batch": assessment.batch.name},
    )
