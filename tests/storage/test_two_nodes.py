"""Two web nodes (gunicorn, each on its own port) and a Celery worker sharing PostgreSQL, Redis
and the S3 server, as behind the deployment's proxy: whatever one node or the worker stores,
the other node serves, and a session signed in on one node is valid on the other."""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from evaluation.models import Evidence
from reports.models import Report, ReportStatus

from ..services.conftest import PDF
from ..test_report import pdf_text
from ..worker.conftest import start_worker, stop_worker
from .conftest import free_port, wait_until_answering

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "two-nodes-2026"


def shared_environment(s3_environment: dict) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        **s3_environment,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "GUNICORN_WORKERS": "1",
        # the nodes sign the same sessions, and render pages without collectstatic's manifest
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "two-nodes-test-only-not-secret",
        "STATICFILES_BACKEND": os.environ.get("STATICFILES_BACKEND")
        or "django.contrib.staticfiles.storage.StaticFilesStorage",
    }


class WebNode:
    def __init__(self, env: dict):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 closed by stop
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi:application"]
            + ["--config", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )

    def stop(self):
        self.process.terminate()  # no-op when stopped already
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture
def nodes(s3_server, bucket):
    env = shared_environment(s3_server.environment(bucket))
    first, second = WebNode(env), WebNode(env)
    worker = start_worker(**s3_server.environment(bucket))
    try:
        for node in (first, second):
            wait_until_answering(node.url + "/health/", node.process, node.log)
        yield first, second
    finally:
        first.process.terminate()  # all three shut down together
        second.process.terminate()
        stop_worker(worker)
        first.stop()
        second.stop()


def csrf(session) -> dict:
    return {"X-CSRFToken": session.cookies["csrftoken"]}


def test_two_nodes_share_sessions_files_and_the_workers_reports(
    bucket, s3_server, assessment, member_a, nodes
):
    first, second = nodes
    hasher = PBKDF2PasswordHasher()  # as deployed (the tests' own hasher is a cheap one)
    member_a.password = hasher.encode(PASSWORD, hasher.salt(), iterations=1000)
    member_a.save(update_fields=["password"])

    browser = requests.Session()
    browser.get(first.url + "/accounts/login/", timeout=10)
    signed_in = browser.post(
        first.url + "/accounts/login/",
        {"username": member_a.username, "password": PASSWORD},
        headers=csrf(browser),
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    report_page = f"/assessments/{assessment.pk}/report/"
    assert browser.get(second.url + report_page, allow_redirects=False).status_code == 200

    uploaded = browser.post(
        f"{first.url}/assessments/{assessment.pk}/evidence/",
        data={"scenario": 2},
        files={"file": ("两个节点.pdf", PDF, "application/pdf")},
        headers={**csrf(browser), "HX-Request": "true"},
        timeout=10,
    )
    assert uploaded.status_code == 200, uploaded.text[:500]
    evidence = Evidence.objects.get(assessment=assessment, original_name="两个节点.pdf")
    assert evidence.file.name in s3_server.keys(bucket)
    downloaded = browser.get(f"{second.url}/evidence/{evidence.pk}/", timeout=10)
    assert downloaded.status_code == 200 and downloaded.content == PDF

    queued = browser.post(
        f"{second.url}/assessments/{assessment.pk}/report/generate/",
        headers=csrf(browser),
        allow_redirects=False,
        timeout=10,
    )
    assert queued.status_code == 302, queued.text[:500]
    deadline = time.monotonic() + 60
    report = Report.objects.get(assessment=assessment)
    while report.status not in (ReportStatus.READY, ReportStatus.FAILED):
        assert time.monotonic() < deadline, "the worker did not render the report"
        time.sleep(0.2)
        report.refresh_from_db()
    assert report.status == ReportStatus.READY, report.error
    assert report.file.name in s3_server.keys(bucket)
    pdf = browser.get(f"{first.url}/assessments/{assessment.pk}/report/{report.pk}.pdf", timeout=10)
    assert pdf.status_code == 200 and assessment.enterprise.name in pdf_text(pdf.content)

    browser.post(second.url + "/accounts/logout/", headers=csrf(browser), timeout=10)
    assert browser.get(first.url + report_page, allow_redirects=False).status_code == 302
