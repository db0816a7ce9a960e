"""Submit → a real worker picks the task from Redis → the Evaluation appears."""

import time

import pytest
from django.core.management import call_command

from evaluation import services
from evaluation.models import Evaluation

from ..services.conftest import DECLARED, IMPL, attach_statement
from ..test_indicators import FULL

pytestmark = pytest.mark.worker


def test_submit_is_evaluated_by_a_real_worker(celery_worker_process, admin_a, enterprise_a):
    from datetime import timedelta

    from django.utils import timezone

    from scenarios.models import Batch, CatalogVersion

    call_command("loaddata", "fixtures/catalog.json", "fixtures/tier_rules.json", verbosity=0)
    now = timezone.now()
    batch = Batch.objects.create(
        year=now.year,
        name="worker",
        catalog_version=CatalogVersion.objects.get(pk=1),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    assessment = services.assessment_create(enterprise=enterprise_a, batch=batch, actor=admin_a)
    services.assessment_inputs_update(
        assessment=assessment, actor=admin_a, period="current", values=FULL
    )
    for no in (1, 2, 4, 5, 11, 13):
        services.scenario_answer_set(
            assessment=assessment,
            actor=admin_a,
            scenario_no=no,
            data=IMPL,
        )
    for no in (1, 3):
        services.support_answer_set(
            assessment=assessment, actor=admin_a, element_no=no, data={"status": "implemented"}
        )
    attach_statement(assessment, admin_a)
    services.assessment_submit(assessment=assessment, actor=admin_a, declarations=DECLARED)

    deadline = time.monotonic() + 60
    while (
        time.monotonic() < deadline
        and not Evaluation.objects.filter(assessment=assessment).exists()
    ):
        time.sleep(0.3)
    evaluation = Evaluation.objects.get(assessment=assessment)
    assert evaluation.highest_tier == "workshop"
    assert evaluation.computed_by == "single"
