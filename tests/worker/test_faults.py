"""Faults with a real worker: a submission made while the broker was down is evaluated by
the sweep once it is back; a report whose worker is SIGKILLed mid-rendering is delivered
again (late acknowledgement) and rendered once, as an uninterrupted run renders it."""

import logging
import re
import signal
import time

import pytest
import redis
from django.conf import settings
from django.forms.models import model_to_dict
from django.utils import translation

from evaluation import services as evaluation_services
from evaluation.models import Evaluation
from evaluation.tasks import sweep_evaluations
from reports import services as report_services
from reports.application import report_source
from reports.models import Report, ReportStatus

from ..outages import BrokerOutage
from ..services.conftest import DECLARED
from ..test_report import file_bytes, pdf_text
from .conftest import start_worker, stop_worker, worker_log

pytestmark = pytest.mark.worker

VISIBILITY_TIMEOUT = 2  # seconds; the deployment's default is an hour


def wait_for(condition, seconds: float = 60, step: float = 0.3) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@pytest.fixture
def worker(transactional_db):
    """Started by the test (``worker.start(**env)``), stopped after it."""

    class Workers:
        running = []

        def start(self, **env):
            process = start_worker(**env)
            self.running.append(process)
            return process

    workers = Workers()
    yield workers
    for process in workers.running:
        stop_worker(process)


def test_a_submission_made_with_the_broker_down_is_evaluated_by_the_sweep(
    worker, assessment, admin_a, caplog
):
    from config.celery import app

    worker.start(EVALUATION_STALE_AFTER="0")
    outage = BrokerOutage(app)
    outage.start()
    try:
        with caplog.at_level(logging.ERROR, logger="portal.task_queue"):
            evaluation_services.assessment_submit(
                assessment=assessment, actor=admin_a, declarations=DECLARED
            )
    finally:
        outage.end()
    assert "could not queue evaluation.tasks.evaluate_assessment" in caplog.text
    assert not Evaluation.objects.filter(assessment=assessment).exists()

    sweep_evaluations.delay()
    assert wait_for(lambda: Evaluation.objects.filter(assessment=assessment).exists())
    swept = model_to_dict(
        Evaluation.objects.get(assessment=assessment), exclude=["id", "computed_at"]
    )
    assert swept["highest_tier"] == "workshop"
    Evaluation.objects.filter(assessment=assessment).delete()
    direct = evaluation_services.evaluation_refresh(assessment=assessment)
    assert swept == model_to_dict(direct, exclude=["id", "computed_at"])


def without_times(text: str) -> str:
    """The PDF text without its dates and times (it says when it was generated)."""
    return re.sub(r"\d{4}-\d{2}-\d{2}( \d{2}:\d{2})?", "<time>", text)


def unacknowledged_deliveries() -> dict[bytes, float]:
    """The messages handed to a worker and not acknowledged, with when they were handed."""
    broker = redis.Redis.from_url(settings.CELERY_BROKER_URL)
    return dict(broker.zrange("unacked_index", 0, -1, withscores=True))


def test_a_report_whose_worker_is_killed_mid_rendering_is_rendered_again(
    worker, assessment, admin_a
):
    first = worker.start(CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
    evaluation_services.assessment_submit(
        assessment=assessment, actor=admin_a, declarations=DECLARED
    )
    assert wait_for(lambda: Evaluation.objects.filter(assessment=assessment).exists())
    assessment.refresh_from_db()
    earlier = unacknowledged_deliveries()  # none, unless an earlier test left one

    report = report_services.report_request(assessment=assessment, actor=admin_a)
    rendering = Report.objects.filter(pk=report.pk, status=ReportStatus.RENDERING)
    assert wait_for(rendering.exists, step=0.05), worker_log(first)
    first.send_signal(signal.SIGKILL)
    first.wait()
    report.refresh_from_db()
    assert report.status == ReportStatus.RENDERING and not report.file  # killed mid-task
    held = {tag: at for tag, at in unacknowledged_deliveries().items() if tag not in earlier}
    assert len(held) == 1  # the broker still holds the message, unacknowledged
    ((tag, delivered_at),) = held.items()

    # a message goes back to the queue once it has been out longer than the timeout
    wait_for(lambda: time.time() > delivered_at + VISIBILITY_TIMEOUT, step=0.1)
    second = worker.start(CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY_TIMEOUT))
    ready = Report.objects.filter(pk=report.pk, status=ReportStatus.READY)
    assert wait_for(ready.exists), worker_log(second)
    report.refresh_from_db()
    assert wait_for(lambda: tag not in unacknowledged_deliveries())  # acknowledged this time

    assert Report.objects.filter(assessment=assessment).count() == 1
    assert Evaluation.objects.filter(assessment=assessment).count() == 1
    stored = list((settings.PRIVATE_MEDIA_ROOT / "reports" / str(assessment.pk)).iterdir())
    assert stored == [settings.PRIVATE_MEDIA_ROOT / report.file.name]  # no half-written file

    with translation.override(report.language):
        source = report_source(assessment, language=report.language)
        uninterrupted = report_services.report_pdf(assessment, source)
    assert source.cache_key == report.cache_key
    text = pdf_text(file_bytes(report))
    assert assessment.snapshot_sha256 in text and admin_a.enterprise.name in text
    assert report.pages == uninterrupted.pages
    assert without_times(text) == without_times(pdf_text(uninterrupted.content))
