"""/health/worker/ answers 200 while a real worker runs, 503 once it has stopped."""

import pytest
from django.test import Client

from .conftest import start_worker, stop_worker

pytestmark = pytest.mark.worker


def test_the_worker_probe_follows_a_real_worker(transactional_db):
    client = Client()
    worker = start_worker()
    try:
        response = client.get("/health/worker/")
        assert response.status_code == 200 and response.json() == {"status": "ok"}
    finally:
        stop_worker(worker)
    assert client.get("/health/worker/").status_code == 503
