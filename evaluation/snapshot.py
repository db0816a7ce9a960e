"""The immutable snapshot an assessment is frozen into on submit; reviewers score it."""

import hashlib
import json

from .models import Assessment

ANSWER_FIELDS = ("status", "description", "systems", "started_on", "completed_on")


def _answers(queryset, number_field: str) -> dict:
    rows = queryset.values(number_field, *ANSWER_FIELDS)
    return {
        str(row.pop(number_field)): {
            k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in row.items()
        }
        for row in rows
    }


def build_snapshot(assessment: Assessment) -> dict:
    enterprise = assessment.enterprise
    return {
        "assessment": assessment.pk,
        "batch": assessment.batch_id,
        "catalog_version": assessment.batch.catalog_version.label,
        "enterprise": enterprise.profile_values(),
        "declarations": assessment.declarations,
        "base_year": assessment.base_year,
        "current_year": assessment.current_year,
        "base_inputs": assessment.base_inputs,
        "current_inputs": assessment.current_inputs,
        "calculations": assessment.calculations,
        "scenarios": _answers(assessment.scenario_answers.all(), "scenario__no"),
        "support_elements": _answers(assessment.support_answers.all(), "support_element__no"),
        "evidence": [
            {
                "id": e["pk"],
                "scenario": e["scenario__no"],
                "support_element": e["support_element__no"],
                "financial_year": e["financial_year"],
                "name": e["original_name"],
                "content_type": e["content_type"],
                "size": e["size"],
                "sha256": e["sha256"],
            }
            for e in assessment.evidence.current().values(
                "pk",
                "scenario__no",
                "support_element__no",
                "financial_year",
                "original_name",
                "content_type",
                "size",
                "sha256",
            )
        ],
    }


def snapshot_digest(snapshot: dict) -> str:
    canonical = json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_digest(snapshot: dict) -> str:
    """The digest of what was submitted, the declarations aside: they are signed and dated
    anew at every submission, so two snapshots of unchanged data differ only there."""
    return snapshot_digest({k: v for k, v in snapshot.items() if k != "declarations"})
