"""Exports built off the request: a table over EXPORT_INLINE_MAX_ROWS rows is offered to a
worker, which builds it as its requester with progress, and hands the same file as the inline
download to its requester only; a failure says so; old files expire. The worker runs eagerly
here (tests/worker/test_export_worker.py runs a real one)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Role
from reports import export_jobs
from reports.models import ExportJob, ExportStatus

from .conftest import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(eager_celery, django_capture_on_commit_callbacks):
    """Run what a request queued on commit, as a worker would."""

    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()

    return run


def _file(client, job: ExportJob) -> bytes:
    response = client.get(reverse("export-job-download", args=[job.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_a_large_table_is_built_by_the_worker_into_the_same_file(
    client, submitted, city_reviewer_suzhou, settings, queued
):
    export = reverse("review-export", args=["csv"]) + "?state=submitted"
    login(client, city_reviewer_suzhou)
    inline = client.get(export)
    assert inline["Content-Type"].startswith("text/csv")

    settings.EXPORT_INLINE_MAX_ROWS = 0
    offer = client.get(export)
    assert offer.status_code == 200 and not ExportJob.objects.exists()
    page = offer.content.decode()
    assert 'data-testid="export-offer"' in page and f'action="{export}"' in page

    started = queued(lambda: client.post(export))
    job = ExportJob.objects.get()
    assert started.status_code == 302 and started["Location"] == reverse(
        "export-job", args=[job.pk]
    )
    assert (job.status, job.progress, job.rows) == (ExportStatus.READY, 100, 1)
    assert job.params["query"] == "state=submitted" and job.filename.endswith(".csv")
    told = city_reviewer_suzhou.notifications.get(kind="export.ready")  # wherever they went
    assert job.filename in told.title and told.url == reverse("export-job", args=[job.pk])
    status = client.get(reverse("export-job-status", args=[job.pk])).content.decode()
    assert reverse("export-job-download", args=[job.pk]) in status
    assert _file(client, job) == inline.content
    assert (
        reverse("export-job", args=[job.pk]) in client.get(reverse("export-jobs")).content.decode()
    )


def test_the_api_answers_202_then_status_then_the_file(
    api_client, submitted, province_admin, settings, queued
):
    url = f"/api/v1/review/batches/{submitted.batch_id}/export/?format=csv"
    api_client.force_authenticate(province_admin)
    inline = api_client.get(url)
    assert inline.status_code == 200

    settings.EXPORT_INLINE_MAX_ROWS = 0
    accepted = queued(lambda: api_client.get(url))
    assert accepted.status_code == 202, accepted.content
    body = accepted.json()
    assert accepted["Location"] == body["status_url"] and body["kind"] == "batch_data"
    status = api_client.get(body["status_url"]).json()
    assert status["status"] == "ready" and status["progress"] == 100 and status["rows"] == 1
    download = api_client.get(status["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == inline.content
    assert [j["id"] for j in api_client.get("/api/v1/exports/").json()["results"]] == [body["id"]]


def test_only_the_requester_gets_the_file_and_only_while_they_may_see_it(
    client, api_client, submitted, city_reviewer_suzhou, city_reviewer_nanjing, settings, queued
):
    settings.EXPORT_INLINE_MAX_ROWS = 0
    login(client, city_reviewer_suzhou)
    queued(lambda: client.post(reverse("batch-data-export", args=[submitted.batch_id, "xlsx"])))
    job = ExportJob.objects.get(requested_by=city_reviewer_suzhou)
    assert job.is_ready and job.filename.endswith(".xlsx")

    # another reviewer, of another city: as if it did not exist, on the page and in the API
    login(client, city_reviewer_nanjing)
    for name in ("export-job", "export-job-status", "export-job-download"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    listed = client.get(reverse("export-jobs")).content.decode()
    assert reverse("export-job", args=[job.pk]) not in listed
    api_client.force_authenticate(city_reviewer_nanjing)
    assert api_client.get(f"/api/v1/exports/{job.pk}/download/").status_code == 404

    # the requester is no longer a reviewer: the file built earlier is refused too
    city_reviewer_suzhou.role = Role.ENTERPRISE_MEMBER
    city_reviewer_suzhou.save(update_fields=["role"])
    login(client, city_reviewer_suzhou)
    assert client.get(reverse("export-job-download", args=[job.pk])).status_code == 403


def test_a_failed_job_says_so(client, api_client, admin_a, enterprise_a, monkeypatch, queued):
    def broken(**kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(export_jobs, "enterprise_archive", broken)
    login(client, admin_a)
    queued(lambda: client.post(reverse("enterprise-export", args=[enterprise_a.pk])))
    job = ExportJob.objects.get()
    assert job.status == ExportStatus.FAILED and job.error.startswith("导出失败")
    page = client.get(reverse("export-job", args=[job.pk])).content.decode()
    assert 'data-testid="export-job-failed"' in page and "导出失败" in page
    assert "disk full" not in page  # the cause is the operators', in the log
    told = admin_a.notifications.get(kind="export.failed")
    assert told.url == reverse("export-job", args=[job.pk])
    assert client.get(reverse("export-job-download", args=[job.pk])).status_code == 404
    api_client.force_authenticate(admin_a)
    refused = api_client.get(f"/api/v1/exports/{job.pk}/download/")
    assert refused.status_code == 409 and refused.json()["status"] == "failed"


def test_a_job_still_building_is_not_started_twice(client, admin_a, enterprise_a):
    login(client, admin_a)
    url = reverse("enterprise-export", args=[enterprise_a.pk])
    first, second = client.post(url), client.post(url)  # no worker: both still pending
    assert first["Location"] == second["Location"] and ExportJob.objects.count() == 1
    page = client.get(first["Location"]).content.decode()
    assert 'data-status="pending"' in page and "hx-get" in page  # the page polls


def test_the_sweep_removes_old_files_and_queues_lost_jobs_again(
    client, admin_a, enterprise_a, settings, queued
):
    login(client, admin_a)
    queued(lambda: client.post(reverse("enterprise-export", args=[enterprise_a.pk])))
    done = ExportJob.objects.get()
    storage, name = done.file.storage, done.file.name
    assert storage.exists(name)
    lost = ExportJob.objects.create(
        kind=done.kind,
        params=done.params,
        fmt="zip",
        enterprise=enterprise_a,
        requested_by=admin_a,
        requested_at=timezone.now() - timedelta(seconds=settings.EXPORT_STALE_AFTER + 1),
    )
    ExportJob.objects.filter(pk=done.pk).update(
        requested_at=timezone.now() - timedelta(hours=settings.EXPORT_RETENTION_HOURS, seconds=1)
    )
    swept = queued(export_jobs.export_jobs_sweep)
    assert swept == {"removed": 1, "requeued": 1}
    assert not storage.exists(name) and not ExportJob.objects.filter(pk=done.pk).exists()
    lost.refresh_from_db()
    assert lost.status == ExportStatus.READY and lost.file


@pytest.mark.parametrize("name", ["batch-decisions-export", "batch-summary-export"])
def test_the_provinces_batch_tables_go_to_the_worker_when_large(
    client, under_review, province_admin, settings, queued, name
):
    export = reverse(name, args=[under_review.batch_id, "csv"])
    login(client, province_admin)
    inline = client.get(export)
    settings.EXPORT_INLINE_MAX_ROWS = 0
    assert b'data-testid="export-offer"' in client.get(export).content
    queued(lambda: client.post(export))
    job = ExportJob.objects.get()
    assert (job.status, job.rows) == (ExportStatus.READY, 1)
    assert _file(client, job) == inline.content
