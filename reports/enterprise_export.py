"""An enterprise's own data in one ZIP, for its admin: the profile, the members, every
assessment with what it holds, and the evidence files and rendered reports themselves.

Everything is read through the selectors that scope what the admin may see, so the archive
holds no more than the portal shows them: no password hash or token, no removed evidence, and
nothing of the expert review — who the experts are, their scores, their opinions — only the
city's return comments and the province's decision, as on the overview page.

Layout::

    export.json                         what, whose, when, and the counts
    enterprise.json, members.json, notifications.json, audit_log.json
    assessments/<id>/assessment.json    data, answers, evaluation, review rounds, files listed
    assessments/<id>/evidence/<evidence id>-<name>
    assessments/<id>/reports/<report id>-<code or draft>.pdf
"""

import json
import shutil
import tempfile
import zipfile
from typing import BinaryIO

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import SuspiciousFileOperation
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import get_valid_filename

from evaluation.models import Assessment, State
from evaluation.selectors import assessments_for, evidence_for
from evaluation.snapshot import ANSWER_FIELDS
from portal.models import Enterprise, Notification
from portal.selectors import audit_log_for, enterprise_members
from review.selectors import decision_of, returned_comments

from .models import ReportStatus
from .selectors import reports_for

FORMAT = 1
MEMBER_FIELDS = (
    "username",
    "first_name",
    "last_name",
    "email",
    "phone",
    "role",
    "is_active",
    "date_joined",
    "last_login",
)


def _answers(queryset, number_field: str) -> list[dict]:
    return [
        {"no": row.pop(number_field), **row}
        for row in queryset.order_by(number_field).values(number_field, *ANSWER_FIELDS)
    ]


def _evaluation(assessment: Assessment) -> dict | None:
    evaluation = getattr(assessment, "evaluation", None)
    if evaluation is None:
        return None
    return {
        "catalog_version": evaluation.catalog_version.label,
        "rules_source": evaluation.rules_source,
        "highest_tier": evaluation.highest_tier,
        "indicators_improved": evaluation.indicators_improved,
        "indicators": evaluation.indicators,
        "tier_result": evaluation.tier_result,
        "computed_at": evaluation.computed_at,
    }


def _review(assessment: Assessment) -> dict:
    """What the enterprise is told of the review: return comments and the decision."""
    decided = assessment.state in (State.APPROVED, State.REJECTED)
    decision = decision_of(assessment) if decided else None
    return {
        "returns": [
            {"comment": r.comment, "at": r.created_at}
            for r in returned_comments(assessment).order_by("created_at", "pk")
        ],
        "decision": decision
        and {
            "outcome": decision.outcome,
            "tier": decision.tier,
            "reason": decision.reason,
            "decided_at": decision.decided_at,
        },
    }


def _file_name(prefix, name: str) -> str:
    try:
        return f"{prefix}-{get_valid_filename(name)}"
    except SuspiciousFileOperation:
        return str(prefix)


def _copy(archive: zipfile.ZipFile, field, arcname: str) -> str | None:
    """A stored file into the archive; None when it is gone from the storage."""
    try:
        source = field.open("rb")
    except FileNotFoundError:
        return None
    with source, archive.open(arcname, "w", force_zip64=True) as target:
        shutil.copyfileobj(source, target, 1 << 20)
    return arcname


def _write_json(archive: zipfile.ZipFile, arcname: str, data) -> None:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    archive.writestr(arcname, text)


def _assessment(archive, assessment: Assessment, viewer) -> dict:
    folder = f"assessments/{assessment.pk}"
    evidence = []
    for e in evidence_for(viewer).filter(assessment=assessment).order_by("pk"):
        stored = _copy(archive, e.file, f"{folder}/evidence/{_file_name(e.pk, e.original_name)}")
        evidence.append(
            {
                "id": e.pk,
                "scenario": e.scenario.no if e.scenario else None,
                "support_element": e.support_element.no if e.support_element else None,
                "financial_year": e.financial_year,
                "name": e.original_name,
                "content_type": e.content_type,
                "size": e.size,
                "sha256": e.sha256,
                "uploaded_at": e.uploaded_at,
                "file": stored,
            }
        )
    reports = []
    for r in reports_for(assessment).filter(status=ReportStatus.READY).order_by("pk"):
        name = f"{r.pk}-{r.digest[:16] or 'draft'}.pdf"
        reports.append(
            {
                "id": r.pk,
                "verification_code": r.digest,
                "draft": r.draft,
                "language": r.language,
                "pages": r.pages,
                "size": r.size,
                "finished_at": r.finished_at,
                "file": _copy(archive, r.file, f"{folder}/reports/{name}") if r.file else None,
            }
        )
    data = {
        "id": assessment.pk,
        "batch": {"id": assessment.batch_id, "name": assessment.batch.name},
        "state": assessment.state,
        "version": assessment.version,
        "base_year": assessment.base_year,
        "current_year": assessment.current_year,
        "base_inputs": assessment.base_inputs,
        "current_inputs": assessment.current_inputs,
        "scenarios": _answers(assessment.scenario_answers, "scenario__no"),
        "support_elements": _answers(assessment.support_answers, "support_element__no"),
        "declarations": assessment.declarations,
        "submitted_at": assessment.submitted_at,
        "snapshot": assessment.snapshot,
        "snapshot_sha256": assessment.snapshot_sha256,
        "evaluation": _evaluation(assessment),
        "review": _review(assessment),
        "decided_tier": assessment.decided_tier,
        "decided_at": assessment.decided_at,
        "created_at": assessment.created_at,
        "updated_at": assessment.updated_at,
        "evidence": evidence,
        "reports": reports,
    }
    _write_json(archive, f"{folder}/assessment.json", data)
    return data


def _notifications(enterprise: Enterprise) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient__enterprise=enterprise).select_related("recipient")


def _audit_log(enterprise: Enterprise, viewer) -> list[dict]:
    types = {ct.pk: ct.model for ct in ContentType.objects.all()}
    return [
        {
            "at": e.created_at,
            "actor": e.actor.username if e.actor else None,
            "action": e.action,
            "target": {"type": types.get(e.target_type_id), "id": e.target_id},
            "summary": e.summary,
            "data": e.data,
        }
        for e in audit_log_for(viewer).filter(enterprise=enterprise).order_by("created_at", "pk")
    ]


def enterprise_archive(*, enterprise: Enterprise, viewer, progress=None) -> BinaryIO:
    """The ZIP as an open temporary file at its start (removed when closed). ``progress``, if
    given, is called with the share of the assessments written so far (0 to 1)."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - returned open; the caller closes it
    try:
        _write_archive(out, enterprise, viewer, progress or (lambda share: None))
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return out


def _write_archive(out, enterprise: Enterprise, viewer, progress) -> None:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        chosen = list(
            assessments_for(viewer)
            .filter(enterprise=enterprise)
            .select_related("evaluation__catalog_version")
            .order_by("pk")
        )
        assessments = []
        for done, assessment in enumerate(chosen, 1):
            assessments.append(_assessment(archive, assessment, viewer))
            progress(done / len(chosen))
        members = enterprise_members(enterprise=enterprise).values(*MEMBER_FIELDS)
        _write_json(archive, "enterprise.json", {
            "id": enterprise.pk,
            **enterprise.profile_values(),
            "created_at": enterprise.created_at,
        })  # fmt: skip
        _write_json(archive, "members.json", list(members))
        _write_json(archive, "notifications.json", [
            {
                "recipient": n.recipient.username,
                "kind": n.kind,
                "title": n.title,
                "body": n.body,
                "url": n.url,
                "created_at": n.created_at,
                "read_at": n.read_at,
            }
            for n in _notifications(enterprise).order_by("created_at", "pk")
        ])  # fmt: skip
        _write_json(archive, "audit_log.json", _audit_log(enterprise, viewer))
        _write_json(archive, "export.json", {
            "format": FORMAT,
            "enterprise": enterprise.pk,
            "exported_by": viewer.username,
            "exported_at": timezone.now(),
            "assessments": len(assessments),
            "evidence_files": sum(len(a["evidence"]) for a in assessments),
            "reports": sum(len(a["reports"]) for a in assessments),
        })  # fmt: skip
