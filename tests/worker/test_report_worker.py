"""A report requested on the page is rendered by a real worker, through Redis."""

import time

import pytest

from evaluation import services as evaluation_services
from evaluation.models import Evaluation
from reports import services
from reports.models import Report, ReportStatus

from ..services.conftest import DECLARED, IMPL, attach_statement
from ..test_indicators import FULL
from ..test_report import file_bytes, pdf_text

pytestmark = pytest.mark.worker


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.3)


def test_a_real_worker_renders_the_report(celery_worker_process, catalog, default_rules, admin_a):
    from datetime import timedelta

    from django.utils import timezone

    from scenarios.models import Batch

    now = timezone.now()
    batch = Batch.objects.create(
        year=now.year,
        name="worker",
        catalog_version=catalog,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
    )
    assessment = evaluation_services.assessment_create(
        enterprise=admin_a.enterprise, batch=batch, actor=admin_a
    )
    evaluation_services.assessment_inputs_update(
        assessment=assessment, actor=admin_a, period="current", values=FULL
    )
    for no in (1, 2, 4, 5, 11, 13):
        evaluation_services.scenario_answer_set(
            assessment=assessment, actor=admin_a, scenario_no=no, data=IMPL
        )
    attach_statement(assessment, admin_a)
    evaluation_services.assessment_submit(
        assessment=assessment, actor=admin_a, declarations=DECLARED
    )
    wait_for(lambda: Evaluation.objects.filter(assessment=assessment).exists())
    assessment.refresh_from_db()

    report = services.report_request(assessment=assessment, actor=admin_a)
    wait_for(lambda: Report.objects.filter(pk=report.pk, status=ReportStatus.READY).exists())
    report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert report.render_ms > 0 and report.pages > 5
    text = pdf_text(file_bytes(report))
    assert admin_a.enterprise.name in text
    assert assessment.snapshot_sha256 in text
