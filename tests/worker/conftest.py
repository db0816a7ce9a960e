"""A real Celery worker process against Redis, reading the test database."""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid

import pytest
from django.conf import settings
from django.db import connection


def start_worker(**env_overrides) -> subprocess.Popen:
    """A worker with its own node name (``process.nodename``), answering pings."""
    env = dict(os.environ)
    settings_dict = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    env["CELERY_TASK_ALWAYS_EAGER"] = "0"
    # files the worker writes (rendered reports) land where this test reads them
    env["PRIVATE_MEDIA_ROOT"] = str(settings.PRIVATE_MEDIA_ROOT)
    env.update(env_overrides)
    nodename = f"test-{uuid.uuid4().hex[:8]}@localhost"
    # a file, not a pipe nobody reads: a full pipe would block the worker's logging
    log = tempfile.NamedTemporaryFile(mode="w", prefix="celery-worker-", suffix=".log")  # noqa: SIM115 closed by stop_worker
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            f"--hostname={nodename}",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    process.nodename, process.log = nodename, log
    from config.celery import app

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("Celery worker exited:\n" + worker_log(process))
        if app.control.ping(destination=[nodename], timeout=1):
            return process
    process.kill()
    pytest.fail("Celery worker did not answer a ping within 60 s")


def worker_log(process: subprocess.Popen) -> str:
    with open(process.log.name) as log:  # its own offset: the worker's is left alone
        return log.read()


def stop_worker(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    process.log.close()


@pytest.fixture
def celery_worker_process(transactional_db):
    process = start_worker()
    yield process
    stop_worker(process)
