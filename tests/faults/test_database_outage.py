"""PostgreSQL restarted under the running app (the shared server is never restarted: the
app's connections are cut with pg_terminate_backend, or new ones refused): requests fail
cleanly — 503 with Retry-After, JSON under /api/ — and the next one succeeds, without
restarting the app."""

import json
import urllib.request
from urllib.error import HTTPError

import pytest
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from ..conftest import api_token
from ..outages import terminate_app_connections

pytestmark = pytest.mark.django_db(transaction=True)

MESSAGE = "数据库暂时无法访问，请稍后重试。"


def assert_clean_503(response_status: int, headers, body: str) -> None:
    assert response_status == 503
    assert headers["Retry-After"] == "10"
    assert MESSAGE in body
    assert "Traceback" not in body and "Error" not in body and "psycopg" not in body


@pytest.fixture
def page_client(admin_a):
    client = Client(raise_request_exception=False)
    client.force_login(admin_a, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def token_client(admin_a):
    client = APIClient(raise_request_exception=False)
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(admin_a)}")
    return client


def test_a_page_after_the_connections_are_cut_is_a_clean_503_then_works(assessment, page_client):
    page = reverse("assessment-overview", args=[assessment.pk])
    assert page_client.get(page).status_code == 200
    assert terminate_app_connections() >= 1

    failed = page_client.get(page)
    assert_clean_503(failed.status_code, failed.headers, failed.content.decode())
    assert failed["Content-Type"].startswith("text/html")
    recovered = page_client.get(page)
    assert recovered.status_code == 200 and assessment.enterprise.name in recovered.content.decode()


def test_an_api_call_after_the_connections_are_cut_is_a_json_503_then_works(
    assessment, token_client
):
    url = f"/api/v1/assessments/{assessment.pk}/"
    assert token_client.get(url).status_code == 200
    assert terminate_app_connections() >= 1

    failed = token_client.get(url)
    assert_clean_503(failed.status_code, failed.headers, failed.content.decode())
    assert failed.json() == {"detail": MESSAGE}
    recovered = token_client.get(url)
    assert recovered.status_code == 200 and recovered.json()["id"] == assessment.pk


def test_with_health_checks_the_first_request_after_the_cut_reconnects(assessment, page_client):
    page = reverse("assessment-overview", args=[assessment.pk])
    assert page_client.get(page).status_code == 200
    assert terminate_app_connections() >= 1
    # what a WSGI server does before each request (the test client skips it): with
    # CONN_HEALTH_CHECKS the persistent connection is checked before its first use
    close_old_connections()
    assert page_client.get(page).status_code == 200


def fetch(url: str, token: str | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"Token {token}")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read().decode()
    except HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_over_http_requests_fail_cleanly_while_the_database_is_away_then_recover(
    live_server, database_down, open_batch, admin_a
):
    token = api_token(admin_a)
    page, api = f"{live_server.url}/public/lists/", f"{live_server.url}/api/v1/catalog/"
    assert fetch(page)[0] == 200 and fetch(api, token)[0] == 200

    assert terminate_app_connections() >= 1  # this test's own connection among them
    connection.close()
    assert fetch(page)[0] == 200  # a request opens its connection afresh

    database_down.start()  # restarting: connections refused
    status, headers, body = fetch(page)
    assert_clean_503(status, headers, body)
    status, headers, body = fetch(api, token)
    assert_clean_503(status, headers, body)
    assert json.loads(body) == {"detail": MESSAGE}

    database_down.end()
    assert fetch(page)[0] == 200
    status, _headers, body = fetch(api, token)
    assert status == 200 and json.loads(body)["version"]
