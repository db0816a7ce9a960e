"""A real Celery worker process against Redis, reading the test database."""

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture
def celery_worker_process(transactional_db):
    env = dict(os.environ)
    settings_dict = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    env["CELERY_TASK_ALWAYS_EAGER"] = "0"
    # files the worker writes (rendered reports) land where this test reads them
    env["PRIVATE_MEDIA_ROOT"] = str(settings.PRIVATE_MEDIA_ROOT)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    from portal.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("Celery worker exited:\n" + process.stdout.read())
        if app.control.ping(timeout=1):
            break
    else:
        process.kill()
        pytest.fail("Celery worker did not answer a ping within 60 s")
    yield process
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
