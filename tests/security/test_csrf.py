"""CSRF: a signed-in browser's POST without the token is refused (403) on every web route and
changes nothing; with the token the same requests go through. The API enforces the token on
session-authenticated writes, not on token-authenticated ones (scripts, MES/ERP pushes).

The routes come from the resolver and the requests from the permission matrix, so a new form
or endpoint is covered without being listed here.
"""

import dataclasses

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from ..conftest import login
from .conftest import ROLES
from .routes import all_routes
from .test_permission_matrix import MATRIX, attempt, is_refusal, outcome, url_of

pytestmark = pytest.mark.django_db

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def csrf_clients(users: dict) -> dict[str, APIClient]:
    """A client per role that checks CSRF like a browser's request would be checked."""
    return {"anonymous": APIClient(enforce_csrf_checks=True)} | {
        role: login(APIClient(enforce_csrf_checks=True), user) for role, user in users.items()
    }


def first_allowed(call, roles=ROLES) -> str | None:
    """The first role the matrix lets through this request."""
    return next((r for r in roles if not is_refusal(call.expect[r])), None)


def csrf_token(client) -> str:
    """The token a page's form carries, as the browser gets it: from the login form's cookie."""
    client.get(reverse("login"))
    return client.cookies[settings.CSRF_COOKIE_NAME].value


def with_token(call, token: str):
    return dataclasses.replace(call, headers={**call.headers, "HTTP_X_CSRFTOKEN": token})


@pytest.mark.slow
def test_every_web_post_needs_the_token_and_changes_nothing_without_it(world):
    clients = csrf_clients(world.users)
    routes = [route for route in all_routes().values() if not route.is_api]
    exempt = [route.key for route in routes if getattr(route.callback, "csrf_exempt", False)]
    assert not exempt, f"web views exempt from CSRF: {exempt}"
    refused, passed = [], []
    for route in routes:
        rows = MATRIX[route.key]
        # a GET-only page still gets the POST: the middleware refuses it before the view
        call = rows.get("POST") or next(iter(rows.values()))
        role = first_allowed(call) or "admin_a"
        url = url_of(route.key, call, world)
        client = clients[role]
        response, written = attempt(client, "POST", url, call, world, is_api=False)
        if response.status_code != 403 or b"CSRF" not in response.content or written:
            refused.append(f"{url} as {role}: {response.status_code}, wrote {written}")
        if "POST" in rows and not is_refusal(call.expect[role]):
            signed = with_token(call, csrf_token(client))
            result = outcome(attempt(client, "POST", url, signed, world, is_api=False)[0])
            if result != call.expect[role]:
                passed.append(f"{url} as {role} with the token: {result}, not {call.expect[role]}")
    assert not refused, "POSTs without a CSRF token not refused:\n" + "\n".join(refused)
    assert not passed, "POSTs with the token refused:\n" + "\n".join(passed)
    # the token was tried on the forms that matter, not on a handful
    keys = {r.key for r in routes if "POST" in MATRIX[r.key]}
    assert {"editor-scenario-save", "review-assign", "enterprise-edit", "login"} <= keys


def test_the_api_checks_the_token_of_a_session_but_not_a_token_request(world):
    session_clients = csrf_clients(world.users)
    token_client = APIClient(enforce_csrf_checks=True)
    token_client.credentials(HTTP_AUTHORIZATION=f"Token {world.token}")  # admin_a's
    signed_in = [role for role in ROLES if role != "anonymous"]
    failures, token_writes = [], 0
    for route in (r for r in all_routes().values() if r.is_api):
        for method, call in MATRIX[route.key].items():
            if method not in UNSAFE:
                continue
            url = url_of(route.key, call, world)
            role = first_allowed(call, signed_in)
            if role is not None:
                response, written = attempt(
                    session_clients[role], method, url, call, world, is_api=True
                )
                detail = str(response.json().get("detail", "")) if response.content else ""
                if response.status_code != 403 or "CSRF" not in detail or written:
                    failures.append(
                        f"{method} {url} as {role} by session, no token: "
                        f"{response.status_code} {detail!r}, wrote {written}"
                    )
            result = outcome(attempt(token_client, method, url, call, world, is_api=True)[0])
            if result != call.expect["admin_a"]:
                failures.append(
                    f"{method} {url} with admin_a's API token: {result}, "
                    f"not {call.expect['admin_a']}"
                )
            token_writes += not is_refusal(result)
    assert not failures, "\n".join(failures)
    assert token_writes >= 10  # the token went through on real writes, not only refusals
