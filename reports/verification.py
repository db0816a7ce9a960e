"""Verification codes: the SHA-256 of a frozen snapshot, printed with a QR code on every page
of the report, and checked by the public page ``/verify/<code>/``."""

import re
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from evaluation.models import Assessment
from portal.models import AuditLog

CODE = re.compile(r"^[0-9a-f]{64}$")


def verify_url(code: str) -> str:
    return settings.PORTAL_BASE_URL + reverse("verify", args=[code])


def qr_data_uri(data: str) -> str:
    """A QR code as a PNG ``data:`` URI. One image, so the PDF embeds it once and draws it on
    every page rather than repainting a vector code per page."""
    return segno.make(data, error="m", micro=False).png_data_uri(scale=6, border=1)


@dataclass(frozen=True)
class Verification:
    assessment: Assessment
    current: bool  # False: the code is of an earlier submission of the same assessment
    submitted_at: object


def verification_lookup(code: str) -> Verification | None:
    """The submission a code belongs to, or None when no submission ever had it."""
    code = (code or "").strip().lower()
    if not CODE.match(code):
        return None
    current = (
        Assessment.objects.select_related("enterprise", "batch")
        .filter(snapshot_sha256=code)
        .first()
    )
    if current is not None:
        return Verification(current, True, current.submitted_at)
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
    return Verification(assessment, False, earlier.created_at) if assessment else None
