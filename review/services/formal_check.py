"""The province's formal check (形式审查) of an application before the experts see it: passed
when nothing on its checklist is missing (``evaluation.eligibility``), or returned naming each
missing item, which the enterprise answers item by item when it submits again; that
resubmission comes straight back to the formal check."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.eligibility import CHECKLIST_ITEMS, formal_checklist
from evaluation.models import Assessment, State
from portal.selectors import city_reviewers, district_reviewers, enterprise_users
from portal.services import notify

from .. import rules
from ..models import Recommendation
from .common import clean_comment, lock_in_state, log, overview_url, require_province_admin

NOTE_MAX_LENGTH = 2000


def formal_check_url(assessment) -> str:
    return reverse("formal-check-detail", args=[assessment.pk])


def _locked(assessment: Assessment, actor) -> Assessment:
    require_province_admin(actor, _("只有省级管理员可以进行形式审查。"))
    return lock_in_state(assessment, rules.formal_check_states(assessment), _("形式审查"))


def _notify(assessment: Assessment, *, kind, titles, body, params) -> None:
    """The enterprise, and the authorities that recommended it: its city and, in a batch with
    the district step, its district (a direct applicant has none); ``titles``: the
    enterprise's, the authorities' (naming the enterprise)."""
    params = {
        **params,
        "batch": assessment.batch.name,
        "enterprise": assessment.applicant_name,
    }
    notify(
        recipients=enterprise_users(assessment.enterprise_id),
        kind=kind,
        title=titles[0],
        body=body,
        params=params,
        url=overview_url(assessment),
    )
    if not rules.applies_directly(assessment):
        recommenders = list(city_reviewers(assessment.applicant_city))
        if assessment.batch.requires_district_step:
            recommenders += district_reviewers(assessment.applicant_district_code)
        notify(
            recipients=recommenders,
            kind=kind,
            title=titles[1],
            body=body,
            params=params,
            url=reverse("review-detail", args=[assessment.pk]),
        )


@transaction.atomic
def formal_check_pass(*, assessment: Assessment, actor, comment: str = "") -> Assessment:
    """Passed: the application waits for its experts. Refused while its checklist misses
    anything (400 naming ``checklist``, each missing item in words)."""
    assessment = _locked(assessment, actor)
    comment = clean_comment(comment, required=False)
    checklist = formal_checklist(assessment)
    if not checklist.complete:
        raise ValidationError(
            {
                "checklist": [
                    _("%(item)s：%(detail)s") % {"item": item.label, "detail": item.detail}
                    for item in checklist.missing
                ]
            }
        )
    Recommendation.objects.create(
        assessment=assessment,
        reviewer=actor,
        stage=Recommendation.Stage.FORMAL_CHECK,
        outcome=Recommendation.Outcome.CHECKED,
        comment=comment,
        snapshot_sha256=assessment.snapshot_sha256,
    )
    assessment.state = State.FORMALLY_CHECKED
    assessment.save(update_fields=["state", "updated_at"])
    log(
        actor,
        "review.formal_check.pass",
        assessment,
        comment,
        {"allowed_tier": checklist.allowed_tier, "computed_tier": checklist.computed_tier},
    )
    _notify(
        assessment,
        kind="review.formal_check.pass",
        titles=(
            gettext_lazy("%(batch)s：您的申报已通过形式审查"),
            gettext_lazy("%(batch)s：%(enterprise)s 的申报已通过形式审查"),
        ),
        body=gettext_lazy("申报将进入专家评审。"),
        params={},
    )
    return assessment


def _checked_items(items, checklist) -> dict[str, str]:
    """{item key: the missing thing in words}: the province's note, else what the checklist
    says is missing; an item the checklist finds present needs a note saying what is wrong."""
    if not isinstance(items, dict) or not items:
        raise ValidationError({"items": [_("请至少选择一项缺失或不符合要求的材料。")]})
    errors, checked = {}, {}
    for key, note in items.items():
        key, note = str(key), str(note or "").strip()
        if key not in CHECKLIST_ITEMS:
            errors[f"items.{key}"] = [_("形式审查没有这一项。")]
            continue
        found = checklist.item(key)
        text = note or (found.detail if found is not None and not found.ok else "")
        if not text:
            errors[f"items.{key}"] = [
                _("“%(item)s”在清单上已齐全，请说明其缺失或不符合要求之处。")
                % {"item": CHECKLIST_ITEMS[key]}
            ]
        elif len(text) > NOTE_MAX_LENGTH:
            errors[f"items.{key}"] = [_("说明不能超过 %(max)s 字。") % {"max": NOTE_MAX_LENGTH}]
        else:
            checked[key] = text
    if errors:
        raise ValidationError(errors)
    return {key: checked[key] for key in CHECKLIST_ITEMS if key in checked}


@transaction.atomic
def formal_check_return(*, assessment: Assessment, actor, items: dict) -> Assessment:
    """Returned with the missing items (``items``: {checklist key: what is missing, or "" for
    the checklist's own words}), one return comment each, which the resubmission answers one
    by one; it then comes back to the formal check, not to the city."""
    assessment = _locked(assessment, actor)
    checked = _checked_items(items, formal_checklist(assessment))
    Recommendation.objects.bulk_create(
        Recommendation(
            assessment=assessment,
            reviewer=actor,
            stage=Recommendation.Stage.FORMAL_CHECK,
            outcome=Recommendation.Outcome.RETURNED,
            item=key,
            comment=f"{CHECKLIST_ITEMS[key]}：{text}",
            snapshot_sha256=assessment.snapshot_sha256,
        )
        for key, text in checked.items()
    )
    assessment.state = State.RETURNED
    assessment.save(update_fields=["state", "updated_at"])
    listed = "\n".join(f"{CHECKLIST_ITEMS[key]}：{text}" for key, text in checked.items())
    log(actor, "review.formal_check.return", assessment, listed, {"items": checked})
    _notify(
        assessment,
        kind="review.formal_check.return",
        titles=(
            gettext_lazy("%(batch)s：您的申报未通过形式审查，已退回补正"),
            gettext_lazy("%(batch)s：%(enterprise)s 的申报未通过形式审查，已退回补正"),
        ),
        body=gettext_lazy(
            "缺失或不符合要求的材料：\n%(items)s\n请逐项补正并答复后重新提交，将直接回到形式审查。"
        ),
        params={"items": listed},
    )
    return assessment


def formal_check_resumes(assessment: Assessment, awaiting) -> str | None:
    """A resubmission answering a formal check's return goes back to the formal check: for an
    application its city recommended, recommended again, without the city."""
    if any(r.stage == Recommendation.Stage.FORMAL_CHECK for r in awaiting):
        return State.SUBMITTED if rules.applies_directly(assessment) else State.CITY_RECOMMENDED
    return None
