"""The enterprise's full data export, started on the page, is built by a real worker through
Redis and downloaded from the page; the worker's JSON log lines name the task and the request
that queued it."""

import io
import json
import time
import zipfile

import pytest
from django.urls import reverse

from reports.models import ExportJob, ExportStatus

from ..conftest import login
from .conftest import start_worker, stop_worker, worker_log

pytestmark = [pytest.mark.worker, pytest.mark.slow]


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _log_lines(process, logger: str) -> list[dict]:
    lines = [json.loads(line) for line in worker_log(process).splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == logger]


def test_a_real_worker_builds_the_enterprise_export(
    transactional_db, client, admin_a, enterprise_a
):
    worker = start_worker(LOG_FORMAT="json")
    try:
        login(client, admin_a)
        started = client.post(
            reverse("enterprise-export", args=[enterprise_a.pk]),
            headers={"x-request-id": "export-req-1"},
        )
        job = ExportJob.objects.get()
        assert started["Location"] == reverse("export-job", args=[job.pk])
        ready = ExportJob.objects.filter(pk=job.pk, status=ExportStatus.READY)
        assert wait_for(ready.exists), worker_log(worker)
        assert wait_for(lambda: _log_lines(worker, "reports.export_jobs")), worker_log(worker)
        [line] = _log_lines(worker, "reports.export_jobs")
    finally:
        stop_worker(worker)

    page = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert reverse("export-job-download", args=[job.pk]) in page
    download = client.get(reverse("export-job-download", args=[job.pk]))
    assert download["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    meta = json.loads(archive.read("export.json"))
    assert (meta["enterprise"], meta["exported_by"]) == (enterprise_a.pk, "admin_a")

    assert line["message"] == f"export job {job.pk} ready: {ExportJob.objects.get().size} bytes"
    assert line["task_name"] == "reports.tasks.build_export" and line["task_id"]
    assert line["request_id"] == "export-req-1"  # the request that queued it
