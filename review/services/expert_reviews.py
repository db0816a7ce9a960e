"""The experts' reviews: scenario verdicts, scores, opinion and recommended tier; a draft
until submitted, then final."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import AnswerStatus, Assessment
from portal.exceptions import StateConflict
from portal.selectors import province_admins
from portal.services import notify

from ..aggregation import Criterion, rubric_total
from ..models import (
    TIER_RECOMMENDATIONS,
    AssignmentStatus,
    ExpertAssignment,
)
from .common import (
    log,
    own_active_assignment,
    review_url,
)


def claimed_in(snapshot: dict) -> list[int]:
    """The scenario numbers a snapshot claims as implemented."""
    scenarios = snapshot.get("scenarios", {})
    return sorted(int(no) for no, a in scenarios.items() if a["status"] == AnswerStatus.IMPLEMENTED)


def claimed_scenarios(assessment: Assessment) -> list[int]:
    """The scenario numbers the submission claims as implemented: what experts judge."""
    return claimed_in(assessment.snapshot or {})


REVIEW_FIELDS = ("verdicts", "scores", "opinion", "recommended_tier")


class ReviewErrors(ValidationError):
    """A review's errors, each naming its field (``scores.12``, ``verdicts.4.accepted``,
    ``opinion``…). A bad value is refused alone: whatever else was valid has been saved all
    the same, and ``assignment`` is the draft as it now stands (with its new version)."""

    def __init__(self, errors: dict, *, assignment: ExpertAssignment):
        super().__init__(errors)
        self.assignment = assignment


def _clean_verdicts(assignment, given, claimed: set, errors: dict) -> dict:
    verdicts = dict(assignment.verdicts)
    if not isinstance(given, dict):
        errors["verdicts"] = [_("场景评审意见格式不正确。")]
        return verdicts
    for no, verdict in given.items():
        key = f"verdicts.{no}"
        if not str(no).isdigit() or int(no) not in claimed:
            errors[key] = [_("场景 %(no)s 不是该申报声明已实施的场景。") % {"no": no}]
            continue
        if not isinstance(verdict, dict):
            errors[key] = [_("场景 %(no)s：评审意见格式不正确。") % {"no": no}]
            continue
        accepted = verdict.get("accepted")
        # Only a real boolean: 1 and 0 compare equal to True and False but are neither.
        if accepted is not None and not isinstance(accepted, bool):
            errors[f"{key}.accepted"] = [_("请选择认可或不认可。")]
            continue
        comment = str(verdict.get("comment") or "").strip()
        if len(comment) > 1000:
            errors[f"{key}.comment"] = [_("意见不能超过 1000 字。")]
            continue
        verdicts[str(int(no))] = {"accepted": accepted, "comment": comment}
    return verdicts


def _clean_scores(assignment, given, errors: dict) -> dict:
    criteria = {str(c.pk): c for c in assignment.assessment.batch.rubric.all()}
    scores = dict(assignment.scores)
    if not isinstance(given, dict):
        errors["scores"] = [_("评分格式不正确。")]
        return scores
    for cid, value in given.items():
        criterion = criteria.get(str(cid))
        key = f"scores.{cid}"
        if criterion is None:
            errors[key] = [_("没有这项评分标准。")]
            continue
        if value in (None, ""):
            scores.pop(str(cid), None)
            continue
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite():  # NaN cannot be compared
            errors[key] = [_("%(name)s：请输入数字。") % {"name": criterion.name}]
            continue
        if not criterion.min_score <= number <= criterion.max_score:
            errors[key] = [
                _("%(name)s：分数应在 %(min)s–%(max)s 之间。")
                % {
                    "name": criterion.name,
                    "min": criterion.min_score,
                    "max": criterion.max_score,
                }
            ]
            continue
        scores[str(cid)] = float(number)
    return scores


def _clean_review(assignment: ExpertAssignment, data: dict) -> tuple[dict, dict]:
    """The parts of a review that were given, checked one by one: the valid ones merged into
    the draft's values, and the errors of the others, each naming its field."""
    errors, cleaned = {}, {}
    if "verdicts" in data:
        claimed = set(claimed_scenarios(assignment.assessment))
        cleaned["verdicts"] = _clean_verdicts(assignment, data["verdicts"] or {}, claimed, errors)
    if "scores" in data:
        cleaned["scores"] = _clean_scores(assignment, data["scores"] or {}, errors)
    if "opinion" in data:
        opinion = str(data["opinion"] or "").strip()
        if len(opinion) > 5000:
            errors["opinion"] = [_("评审意见不能超过 5000 字。")]
        else:
            cleaned["opinion"] = opinion
    if "recommended_tier" in data:
        tier = data["recommended_tier"] or ""
        if tier and tier not in dict(TIER_RECOMMENDATIONS):
            errors["recommended_tier"] = [_("请选择建议认定的层级。")]
        else:
            cleaned["recommended_tier"] = tier
    return cleaned, errors


def _check_version(assignment: ExpertAssignment, expected_version) -> None:
    if expected_version is not None and int(expected_version) != assignment.version:
        raise StateConflict(
            _("评审意见已在别处修改（您的版本 %(mine)s，当前版本 %(now)s），请刷新后再保存。")
            % {"mine": expected_version, "now": assignment.version},
            code="stale_version",
        )


@transaction.atomic
def _save_valid(assignment: ExpertAssignment, actor, data: dict, expected_version) -> tuple:
    """Save the valid parts of ``data``; the draft and the errors of the other parts."""
    assignment = own_active_assignment(assignment, actor)
    _check_version(assignment, expected_version)
    cleaned, errors = _clean_review(assignment, data)
    changed = [k for k, v in cleaned.items() if getattr(assignment, k) != v]
    if changed:
        for key in changed:
            setattr(assignment, key, cleaned[key])
        assignment.version += 1
        assignment.save(update_fields=[*changed, "version", "updated_at"])
    return assignment, errors


def review_save(
    *, assignment: ExpertAssignment, actor, data: dict, expected_version=None
) -> ExpertAssignment:
    """Save a draft review (any part of it); nothing is final until submitted. A bad value
    is refused alone (``ReviewErrors`` naming it, the value not stored): an expert who
    mistyped one score does not lose the rest of the draft."""
    assignment, errors = _save_valid(assignment, actor, data, expected_version)
    if errors:
        raise ReviewErrors(errors, assignment=assignment)
    return assignment


def _values(assignment: ExpertAssignment) -> dict:
    return {name: getattr(assignment, name) for name in REVIEW_FIELDS}


def _completeness(values: dict, claimed: list[int], criteria) -> dict:
    """What a review still lacks to be submitted, every part of it at once."""
    errors = {}
    for no in claimed:
        verdict = values["verdicts"].get(str(no)) or {}
        if verdict.get("accepted") is None:
            errors[f"verdicts.{no}.accepted"] = [
                _("场景 %(no)s：请选择认可或不认可。") % {"no": no}
            ]
        elif verdict["accepted"] is False and not verdict.get("comment"):
            errors[f"verdicts.{no}.comment"] = [_("场景 %(no)s：不认可时请说明理由。") % {"no": no}]
    for c in criteria:
        if str(c.pk) not in values["scores"]:
            errors[f"scores.{c.pk}"] = [_("%(name)s：请评分。") % {"name": c.name}]
    if not values["opinion"]:
        errors["opinion"] = [_("请填写总体评审意见。")]
    if not values["recommended_tier"]:
        errors["recommended_tier"] = [_("请选择建议认定的层级。")]
    return errors


def _criteria(assignment: ExpertAssignment) -> list:
    return list(assignment.assessment.batch.rubric.order_by("no"))


def review_problems(*, assignment: ExpertAssignment, data: dict) -> dict:
    """Every error submitting the draft with ``data`` would meet, nothing saved: each bad
    value and each missing part (a bad value's own error rather than "missing")."""
    cleaned, errors = _clean_review(assignment, data)
    values = {**_values(assignment), **cleaned}
    claimed = claimed_scenarios(assignment.assessment)
    return {**_completeness(values, claimed, _criteria(assignment)), **errors}


def review_submit(
    *, assignment: ExpertAssignment, actor, data: dict | None = None, expected_version=None
) -> ExpertAssignment:
    """Save what is valid of ``data``, then make the review final with its total if it is
    complete. Otherwise ``ReviewErrors`` lists every bad value and every missing part at
    once, the valid parts saved to the draft."""
    invalid = {}
    if data:
        assignment, invalid = _save_valid(assignment, actor, data, expected_version)
        expected_version = assignment.version
    return _submit(assignment, actor, expected_version, invalid)


@transaction.atomic
def _submit(assignment: ExpertAssignment, actor, expected_version, invalid: dict):
    """The review made final, or refused with ``invalid`` and whatever it still lacks."""
    assignment = own_active_assignment(assignment, actor)
    _check_version(assignment, expected_version)
    criteria = _criteria(assignment)
    claimed = claimed_scenarios(assignment.assessment)
    errors = {**_completeness(_values(assignment), claimed, criteria), **invalid}
    if errors:
        raise ReviewErrors(errors, assignment=assignment)
    total = rubric_total(
        [Criterion(c.pk, float(c.weight), c.min_score, c.max_score) for c in criteria],
        {int(k): v for k, v in assignment.scores.items()},
    )
    assignment.total = Decimal(str(total))
    assignment.status = AssignmentStatus.SUBMITTED
    assignment.submitted_at = timezone.now()
    assignment.version += 1
    assignment.save(update_fields=["total", "status", "submitted_at", "version", "updated_at"])
    assessment = assignment.assessment
    log(actor, "review.submit", assessment, "", {"expert": actor.pk, "total": str(total)})
    # Reviews of one assessment submitted at the same moment take turns here, so the last one
    # sees the others committed (and not still active) and the province is told once.
    Assessment.objects.select_for_update().get(pk=assessment.pk)
    pending = assessment.assignments.filter(status=AssignmentStatus.ACTIVE).exists()
    if not pending:
        notify(
            recipients=province_admins(),
            kind="review.complete",
            title=gettext_lazy("%(enterprise)s 的专家评审已全部完成"),
            body=gettext_lazy("可以作出认定决定。"),
            params={"enterprise": assessment.applicant_name},
            url=review_url(assessment),
        )
    return assignment
