"""The health endpoints: public, cheap, never cached or throttled, and 503 (without a log
line from Django per probe) when what they ask about does not answer; the container
health-check script against a live server."""

import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "healthcheck.py"


@pytest.fixture
def anonymous():
    return Client(raise_request_exception=False)


def assert_answer(response, status: int, body: str) -> None:
    assert response.status_code == status
    assert response.json() == {"status": body}
    assert "no-cache" in response["Cache-Control"] and "max-age=0" in response["Cache-Control"]
    if status == 503:
        assert response["Retry-After"] == "10"


def test_the_web_process_answers_without_the_database(anonymous):
    # no database fixture: a query would raise here
    assert_answer(anonymous.get("/health/"), 200, "ok")
    assert anonymous.post("/health/").status_code == 405


def test_the_database_probe_runs_select_1_under_a_statement_timeout(db, anonymous):
    with CaptureQueriesContext(connection) as queries:
        assert_answer(anonymous.get("/health/db/"), 200, "ok")
    sql = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]  # the test's transaction
    assert sql == ["SET LOCAL statement_timeout = 2000", "SELECT 1"]


def test_the_database_probe_is_503_while_the_database_is_away(database_down, anonymous, caplog):
    assert_answer(anonymous.get("/health/db/"), 200, "ok")
    database_down.start()
    connection.close()  # the next connection goes to the closed port
    with caplog.at_level(logging.WARNING):
        assert_answer(anonymous.get("/health/db/"), 503, "unavailable")
        assert_answer(anonymous.get("/health/"), 200, "ok")
    probes = [r for r in caplog.records if r.name == "portal.health"]
    assert len(probes) == 1 and "database does not answer" in probes[0].getMessage()
    assert not [r for r in caplog.records if r.name == "django.request"]  # no second line
    database_down.end()
    assert_answer(anonymous.get("/health/db/"), 200, "ok")


def test_the_worker_probe_is_503_when_no_worker_answers(anonymous):
    assert_answer(anonymous.get("/health/worker/"), 503, "unavailable")


def test_the_worker_probe_is_503_when_the_broker_is_down(broker_down, anonymous):
    assert_answer(anonymous.get("/health/worker/"), 503, "unavailable")


def test_probes_are_never_throttled(db, anonymous, settings):
    anon_limit = int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["anon"].split("/")[0])
    answers = {anonymous.get("/health/db/").status_code for _ in range(anon_limit + 5)}
    assert answers == {200}


def run_script(url: str, allowed_hosts: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), url],
        env={"ALLOWED_HOSTS": allowed_hosts, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_the_container_health_check_script(live_server, database_down):
    url = f"{live_server.url}/health/db/"
    # the Host it sends is one ALLOWED_HOSTS accepts (a pattern's leading dot dropped)
    assert run_script(url, "*, .localhost").returncode == 0
    assert run_script(url, "portal.example.invalid").returncode == 1  # DisallowedHost: 400
    database_down.start()
    failed = run_script(url, "localhost")
    assert failed.returncode == 1 and "503" in failed.stderr
    database_down.end()
    assert run_script(url, "localhost").returncode == 0


def test_docker_compose_checks_the_web_and_the_worker_before_starting_what_needs_them():
    import yaml
    from django.urls import resolve

    compose = yaml.safe_load((SCRIPT.parents[1] / "docker-compose.yml").read_text())
    services = compose["services"]
    web = services["web"]["healthcheck"]["test"]
    assert web[:3] == ["CMD", "python", "scripts/healthcheck.py"]
    assert resolve(web[3].removeprefix("http://127.0.0.1:8000")).url_name == "health-db"
    assert "inspect ping -d celery@$$HOSTNAME" in services["worker"]["healthcheck"]["test"][1]
    for name in ("web", "worker", "beat"):  # they start once the one-shot service has migrated
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["proxy"]["depends_on"]["web"] == {"condition": "service_healthy"}
