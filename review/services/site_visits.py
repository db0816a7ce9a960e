"""The site visit (现场核查) after the material review: the province sends experts free of
conflicts of interest (the review assignment's rules), they record what they saw of each
claimed scenario with photos and an overall finding, and submit the report, which is final.
A batch that requires the visit gets no decision before the report (``rules.site_visit_pending``).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation.models import Assessment
from evaluation.uploads import IMAGES, checked_upload, save_with_file, sha256_of
from portal.exceptions import StateConflict
from portal.selectors import province_admins
from portal.services import notify

from .. import rules
from ..models import SiteVisit, SiteVisitor, SiteVisitPhoto
from .assignment import expert_conflicts
from .common import lock_in_state, log, require_province_admin, review_url
from .expert_reviews import claimed_scenarios

NOTES_MAX = 2000
FINDING_TEXT_MAX = 5000
CAPTION_MAX = 200


@transaction.atomic
def site_visit_assign(*, assessment: Assessment, experts, actor) -> SiteVisit:
    """Send experts on the assessment's site visit (added to those already sent). Refused
    before the material review is complete, when the batch requires no visit, once the report
    is in, and for an expert with a conflict of interest (never overridden)."""
    require_province_admin(actor)
    assessment = lock_in_state(assessment, rules.DECIDABLE, _("指派现场核查专家"))
    if not rules.can_assign_visit(actor, assessment):
        raise StateConflict(
            _(
                "只有本批次要求现场核查、专家评审意见已全部提交且核查报告尚未提交的申报才能指派核查专家。"
            ),
            code="site_visit_not_assignable",
        )
    experts = list(experts)
    if not experts:
        raise ValidationError({"experts": _("请至少选择一位核查专家。")})
    visit, _created = SiteVisit.objects.get_or_create(assessment=assessment)
    taken = set(visit.assignments.values_list("expert_id", flat=True))
    errors = []
    for expert in experts:
        if not (expert.is_expert and expert.is_active):
            errors.append(_("%(name)s 不是评审专家。") % {"name": expert.username})
            continue
        reasons = expert_conflicts(assessment, expert)
        if expert.pk in taken:
            reasons.append(_("已指派过该专家"))
        if reasons:
            errors.append(
                _("不能指派 %(name)s：%(reasons)s。")
                % {"name": expert.get_full_name() or expert.username, "reasons": "；".join(reasons)}
            )
    if errors:
        raise ValidationError({"experts": errors})
    SiteVisitor.objects.bulk_create(
        SiteVisitor(visit=visit, expert=expert, assigned_by=actor) for expert in experts
    )
    log(
        actor,
        "review.site_visit_assign",
        assessment,
        _("指派现场核查专家：%(experts)s") % {"experts": "、".join(e.username for e in experts)},
        {"experts": [e.pk for e in experts]},
    )
    notify(
        recipients=experts,
        kind="review.site_visit_assign",
        title=gettext_lazy("您有一项新的现场核查任务：%(reference)s"),
        body=gettext_lazy("请到企业现场核查所申报的已实施场景，并提交核查报告。"),
        params={"reference": assessment.review_reference},
        url=reverse("site-visit-page", args=[visit.pk]),
    )
    return visit


def _locked_own(visit: SiteVisit, actor) -> SiteVisit:
    """The visit locked for one of its experts while its report is a draft: refused to anyone
    else (403) and once submitted (409)."""
    if not visit.assignments.filter(expert_id=actor.pk).exists():
        raise PermissionDenied(_("这不是您的现场核查任务。"))
    locked = (
        SiteVisit.objects.select_for_update(of=("self",))
        .select_related("assessment__batch")
        .get(pk=visit.pk)
    )
    if not rules.can_record_visit(actor, locked):
        raise StateConflict(_("现场核查报告已提交，不能再修改。"), code="site_visit_final")
    return locked


def _checked_report(visit: SiteVisit, data: dict, *, complete: bool) -> dict:
    """The report's fields cleaned; ValidationError naming each field at fault (``checks.<no>.
    result``, ``finding``…). ``complete``: as submitted, every claimed scenario checked and a
    finding given, with its text unless the claims are confirmed."""
    claimed = claimed_scenarios(visit.assessment)
    errors, checks = {}, {}
    given = data.get("checks") or {}
    for key, check in given.items():
        no = str(key)
        if not no.isdigit() or int(no) not in claimed:
            errors[f"checks.{no}"] = [_("场景 %(no)s 不是该申报已实施的场景。") % {"no": no}]
            continue
        result = (check or {}).get("result") or ""
        notes = ((check or {}).get("notes") or "").strip()
        if result and result not in SiteVisit.Result.values:
            errors[f"checks.{no}.result"] = [_("请选择核查结果。")]
        if len(notes) > NOTES_MAX:
            errors[f"checks.{no}.notes"] = [_("核查记录不能超过 %(n)s 字。") % {"n": NOTES_MAX}]
        if result or notes:
            checks[no] = {"result": result, "notes": notes}
    finding = data.get("finding") or ""
    if finding and finding not in SiteVisit.Finding.values:
        errors["finding"] = [_("请选择核查结论。")]
    finding_text = (data.get("finding_text") or "").strip()
    if len(finding_text) > FINDING_TEXT_MAX:
        errors["finding_text"] = [_("核查意见不能超过 %(n)s 字。") % {"n": FINDING_TEXT_MAX}]
    if complete:
        for no in claimed:
            if not checks.get(str(no), {}).get("result") and f"checks.{no}.result" not in errors:
                errors[f"checks.{no}.result"] = [_("请填写场景 %(no)s 的核查结果。") % {"no": no}]
        if not finding and "finding" not in errors:
            errors["finding"] = [_("请选择核查结论。")]
        if finding and finding != SiteVisit.Finding.CONFIRMED and not finding_text:
            errors["finding_text"] = [_("核查结论有保留或不属实时，请填写核查意见。")]
    if errors:
        raise ValidationError(errors)
    return {"checks": checks, "finding": finding, "finding_text": finding_text}


@transaction.atomic
def site_visit_save(*, visit: SiteVisit, actor, data: dict) -> SiteVisit:
    """Save the report's draft (``checks``: {no: {result, notes}}, ``finding``,
    ``finding_text``): all of it, or nothing when a field is at fault."""
    visit = _locked_own(visit, actor)
    for field, value in _checked_report(visit, data, complete=False).items():
        setattr(visit, field, value)
    visit.save(update_fields=["checks", "finding", "finding_text", "updated_at"])
    return visit


def site_visit_problems(*, visit: SiteVisit, data: dict) -> dict:
    """What would stop this report from being submitted (the confirmation is asked only when
    there is nothing): {field: [messages]}."""
    try:
        _checked_report(visit, data, complete=True)
    except ValidationError as exc:
        return exc.message_dict
    return {}


@transaction.atomic
def site_visit_submit(*, visit: SiteVisit, actor, data: dict) -> SiteVisit:
    """Submit the report, complete: it is final, the province is told and may decide."""
    visit = _locked_own(visit, actor)
    for field, value in _checked_report(visit, data, complete=True).items():
        setattr(visit, field, value)
    visit.submitted_by = actor
    visit.submitted_at = timezone.now()
    visit.save()
    assessment = visit.assessment
    log(
        actor,
        "review.site_visit_submit",
        assessment,
        visit.get_finding_display(),
        {"visit": visit.pk, "finding": visit.finding},
    )
    notify(
        recipients=province_admins(),
        kind="review.site_visit_submit",
        title=gettext_lazy("%(enterprise)s 的现场核查报告已提交"),
        body=gettext_lazy("核查结论：%(finding)s"),
        params={"enterprise": assessment.applicant_name, "finding": visit.get_finding_display()},
        url=review_url(assessment),
    )
    return visit


@transaction.atomic
def site_visit_photo_add(
    *, visit: SiteVisit, actor, uploaded, scenario_no=None, caption: str = ""
) -> SiteVisitPhoto:
    """A photo (JPG or PNG, its type read from its content) of a claimed scenario, or of the
    site when ``scenario_no`` is None, stored privately with its hash."""
    visit = _locked_own(visit, actor)
    errors = {}
    if scenario_no not in (None, ""):
        try:
            scenario_no = int(scenario_no)
        except (TypeError, ValueError):
            scenario_no = -1
        if scenario_no not in claimed_scenarios(visit.assessment):
            errors["scenario_no"] = [_("请选择该申报已实施的场景。")]
    else:
        scenario_no = None
    caption = (caption or "").strip()
    if len(caption) > CAPTION_MAX:
        errors["caption"] = [_("照片说明不能超过 %(n)s 字。") % {"n": CAPTION_MAX}]
    if uploaded is None:
        errors["photo"] = [_("请选择要上传的照片。")]
    if errors:
        raise ValidationError(errors)
    name, content_type = checked_upload(
        uploaded, field="photo", kinds=IMAGES, limit=settings.SITE_VISIT_PHOTO_MAX_BYTES
    )
    photo = SiteVisitPhoto(
        visit=visit,
        scenario_no=scenario_no,
        caption=caption,
        name=name,
        content_type=content_type,
        size=uploaded.size,
        sha256=sha256_of(uploaded),
        uploaded_by=actor,
    )
    save_with_file(photo, "file", name, uploaded)
    log(
        actor,
        "review.site_visit_photo",
        visit.assessment,
        name,
        {"visit": visit.pk, "photo": photo.pk, "sha256": photo.sha256},
    )
    return photo
