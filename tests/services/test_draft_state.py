"""The complete draft most tests start from is built with a shortcut (``draft_assessment``):
it must hold exactly the rows that typing it in through the editing services writes."""

import pytest
from django.db import models

from evaluation.models import Assessment, Evidence, ScenarioAnswer, SupportElementAnswer
from evaluation.selectors import submission_problems
from portal.models import AuditLog

from ..conftest import draft_assessment, draft_assessment_by_services

pytestmark = pytest.mark.django_db

# What differs between two enterprises' drafts by construction: keys, owners, stored file
# names and the times of writing.
OWN = {"id", "enterprise_id", "created_by_id", "uploaded_by_id", "assessment_id", "file"}


def _fields(row) -> dict:
    return {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if f.attname not in OWN and not isinstance(f, models.DateTimeField)
    }


def _rows(queryset, order_by: str) -> list[dict]:
    return [_fields(row) for row in queryset.order_by(order_by)]


def _state(assessment: Assessment) -> dict:
    assessment.refresh_from_db()
    own = _fields(assessment)
    applicant = {k: own.pop(k) for k in list(own) if k.startswith("applicant_")}
    assert applicant["applicant_name"] == assessment.enterprise.name
    return {
        "assessment": own,
        "scenarios": _rows(ScenarioAnswer.objects.filter(assessment=assessment), "scenario__no"),
        "support": _rows(
            SupportElementAnswer.objects.filter(assessment=assessment), "support_element__no"
        ),
        "evidence": _rows(Evidence.objects.filter(assessment=assessment), "pk"),
        "audit": list(
            AuditLog.objects.filter(target_id=str(assessment.pk))
            .order_by("pk")
            .values_list("action", "data")
        ),
        "problems": submission_problems(assessment),
    }


def test_the_shortcut_draft_is_the_draft_the_services_write(
    open_batch, enterprise_a, admin_a, enterprise_b, admin_b
):
    typed = _state(draft_assessment_by_services(enterprise_a, open_batch, admin_a))
    built = _state(draft_assessment(enterprise_b, open_batch, admin_b))
    assert typed["assessment"]["version"] > 10  # every save made a version
    assert len(typed["scenarios"]) == 7 and len(typed["support"]) == 2
    assert not typed["problems"]
    assert built == typed
