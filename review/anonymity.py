"""What an expert may know of the applicant: the one place that decides it. A batch hides who
applied from its experts unless it says otherwise; everyone else who reaches a submission
through a gate sees who it is, and so does an expert sent on its site visit (who goes there). The dossier, the API, evidence file names, the expert's task
list, the report and the exports all ask here."""

import copy
import os

from django.utils.translation import gettext as _

from .models import SiteVisitor

# What names the applicant in a frozen snapshot's profile, and who signed its declarations.
IDENTITY_FIELDS = (
    "name",
    "credit_code",
    "district",
    "district_code",
    "address",
    "contact_name",
    "contact_phone",
    "legal_representative",  # a person's name
)
SIGNER_FIELDS = ("signer", "by")


def identity_visible_to(viewer, assessment) -> bool:
    """``viewer`` None is the applicant's own report: the identity is shown."""
    return (
        viewer is None
        or not viewer.is_expert
        or assessment.batch.experts_see_identity
        or SiteVisitor.objects.filter(visit__assessment=assessment, expert=viewer).exists()
    )


def applicant_label(viewer, assessment) -> str:
    """How ``viewer`` names the applicant: its name, or the anonymous reference (SB-…)."""
    if identity_visible_to(viewer, assessment):
        return assessment.applicant_name
    return assessment.review_reference


def anonymous_evidence_name(evidence_id: int, original_name: str) -> str:
    """A file's own name often names the company ("某某公司验收报告.pdf"): experts who may not
    know the applicant see a neutral one, with the same extension."""
    extension = os.path.splitext(original_name)[1].lower()
    return _("证明材料-%(id)s%(ext)s") % {"id": evidence_id, "ext": extension}


def evidence_download_name(viewer, evidence) -> str:
    """The name an evidence file is downloaded under by ``viewer``."""
    if identity_visible_to(viewer, evidence.assessment):
        return evidence.original_name
    return anonymous_evidence_name(evidence.pk, evidence.original_name)


def evidence_shown(items: list[dict], identity_visible: bool) -> list[dict]:
    """A snapshot's evidence list as the viewer may read it."""
    if identity_visible:
        return items
    return [{**item, "name": anonymous_evidence_name(item["id"], item["name"])} for item in items]


def profile_identity(profile: dict, identity_visible: bool) -> dict:
    """The identity fields of a snapshot's profile the viewer may read (none when hidden)."""
    if not identity_visible:
        return {}
    return {key: profile.get(key, "") for key in IDENTITY_FIELDS}


def snapshot_shown(snapshot: dict | None, identity_visible: bool) -> dict:
    """The frozen snapshot, without the applicant's identity, the signer and the evidence
    files' own names when hidden."""
    shown = copy.deepcopy(snapshot or {})
    if not identity_visible:
        shown["evidence"] = evidence_shown(shown.get("evidence") or [], identity_visible)
        profile = shown.get("enterprise") or {}
        for key in IDENTITY_FIELDS:
            profile.pop(key, None)
        declarations = shown.get("declarations") or {}
        for key in SIGNER_FIELDS:
            declarations.pop(key, None)
    return shown
