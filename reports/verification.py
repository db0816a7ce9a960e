"""Verification codes: the SHA-256 of a frozen snapshot, printed with a QR code on every page
of the report, and checked by the public page ``/verify/<code>/``, which confirms each fact
the report's cover states (``cover_facts``, read by both) so an edited printout shows."""

import re
from dataclasses import dataclass, field

import segno
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _

from evaluation.models import Assessment, Evaluation, State
from portal.models import AuditLog, City, business_facts
from review.models import Decision

CODE = re.compile(r"^[0-9a-f]{64}$")


def verify_url(code: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("verify", args=[code])


def qr_data_uri(data: str) -> str:
    """A QR code as a PNG ``data:`` URI. One image, so the PDF embeds it once and draws it on
    every page rather than repainting a vector code per page."""
    return segno.make(data, error="m", micro=False).png_data_uri(scale=6, border=1)


@dataclass(frozen=True)
class Fact:
    key: str
    label: str
    value: str


def _shown_time(moment, format: str = "Y-m-d H:i") -> str:
    return dateformat.format(timezone.localtime(moment), format) if moment else "—"


def cover_facts(
    assessment: Assessment,
    snapshot: dict,
    evaluation: Evaluation | None,
    *,
    draft: bool = False,
    generated_at=None,
    submitted_at=None,
) -> list[Fact]:
    """What the report's cover states, in the active language: the applicant as the snapshot
    froze it (the snapshot the code is the digest of) with the business facts its profile
    holds (``portal.models.business_facts``), the batch, the tier applied for and the
    submission date (``submitted_at``, by default the assessment's; a draft: the day it was
    generated)."""
    profile = snapshot.get("enterprise", {})
    city = profile.get("city", "")
    region = [City(city).label if city in City.values else city, profile.get("district", "")]
    if evaluation is None:
        tier = "—"
    else:
        tier = evaluation.get_highest_tier_display() or _("暂未达到任何层级")
    dated = (
        Fact("generated", _("生成日期"), _shown_time(generated_at, "Y-m-d"))
        if draft
        else Fact("submitted", _("提交日期"), _shown_time(submitted_at or assessment.submitted_at))
    )
    return [
        Fact("enterprise", _("申报单位"), profile.get("name", "")),
        Fact("credit_code", _("统一社会信用代码"), profile.get("credit_code", "")),
        Fact("region", _("所在地区"), " · ".join(str(p) for p in region if p)),
        *(Fact(field, label, text) for field, label, text in business_facts(profile)),
        Fact("batch", _("申报批次"), str(assessment.batch)),
        Fact("tier", _("申报层级"), tier),
        dated,
    ]


def decision_facts(assessment: Assessment) -> list[Fact]:
    """The province's decision on the submission, once taken: the tier (or the refusal) and
    when — never its reason, scores or reviewers."""
    if assessment.state not in (State.APPROVED, State.REJECTED) or not assessment.decided_at:
        return []
    tier = (
        assessment.get_decided_tier_display()
        if assessment.state == State.APPROVED
        else Decision.Outcome.REJECTED.label
    )
    return [
        Fact("decided_tier", _("认定层级"), str(tier)),
        Fact("decided_at", _("认定时间"), _shown_time(assessment.decided_at)),
    ]


@dataclass(frozen=True)
class Verification:
    assessment: Assessment
    current: bool  # False: the code is of an earlier submission of the same assessment
    facts: list[Fact] = field(default_factory=list)  # what the report states, confirmed
    decision: list[Fact] = field(default_factory=list)  # taken since, not on the report


def verification_lookup(code: str) -> Verification | None:
    """The submission a code belongs to, or None when no submission ever had it. For the
    current submission: every fact its report's cover states, and the decision once taken;
    for an earlier one, whose snapshot is gone: who, which batch and when only."""
    code = (code or "").strip().lower()
    if not CODE.match(code):
        return None
    current = (
        Assessment.objects.select_related("enterprise", "batch", "evaluation")
        .filter(snapshot_sha256=code)
        .first()
    )
    if current is not None:
        evaluation = getattr(current, "evaluation", None)
        facts = cover_facts(current, current.snapshot or {}, evaluation)
        return Verification(current, True, facts, decision_facts(current))
    earlier = (
        AuditLog.objects.filter(
            action="assessment.submit",
            target_type=ContentType.objects.get_for_model(Assessment),
            data__sha256=code,
        )
        .order_by("-created_at")
        .first()
    )
    if earlier is None:
        return None
    assessment = (
        Assessment.objects.select_related("enterprise", "batch")
        .filter(pk=int(earlier.target_id))
        .first()
    )
    if assessment is None:
        return None
    facts = cover_facts(
        assessment, assessment.snapshot or {}, None, submitted_at=earlier.created_at
    )
    shown = [f for f in facts if f.key in ("enterprise", "batch", "submitted")]
    return Verification(assessment, False, shown)
