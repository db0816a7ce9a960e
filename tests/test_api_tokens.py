"""API tokens (django-rest-knox): kept only as a hash, expiring, several per user by name, listed
and revoked by their owner alone, revoked when the password changes or the account is
deactivated, whichever way; DRF's old plain-text tokens are gone."""

import hashlib
import re
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.contrib.auth.tokens import default_token_generator
from django.db import connection
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.html import escape
from django.utils.http import urlsafe_base64_encode

from portal.models import AuditLog

from .conftest import login
from .factories import PASSWORD
from .test_audit_log import admin_form

pytestmark = pytest.mark.django_db

OBTAIN = "/api/v1/auth/token/"
TOKENS = "/api/v1/auth/tokens/"
PROBE = "/api/v1/enterprises/"  # any call needing a signed-in caller


def obtain(client, user, **extra) -> dict:
    """A token for ``user`` from the password endpoint: its whole answer."""
    response = client.post(
        OBTAIN, {"username": user.username, "password": PASSWORD, **extra}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()


def status_with(client, token: str, path: str = PROBE) -> int:
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    try:
        return client.get(path).status_code
    finally:
        client.credentials()


def tables_holding(texts: list[str]) -> dict[str, list[str]]:
    """For each text, the tables one of whose rows holds it anywhere (the row cast to text)."""
    found = {text: [] for text in texts}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT p FROM unnest(%s::text[]) p"
                f" WHERE EXISTS (SELECT 1 FROM {quoted} t WHERE strpos(t::text, p) > 0)",
                [texts],
            )
            for (text,) in cursor.fetchall():
                found[text].append(table)
    return found


def test_the_database_keeps_a_hash_of_the_token_never_the_token(api_client, client, admin_a):
    from_endpoint = obtain(api_client, admin_a)["token"]
    assert tables_holding([from_endpoint]) == {from_endpoint: []}
    login(client, admin_a)
    from_page = client.post("/accounts/tokens/", {"name": "ERP"}).context["issued"][1]
    from_api = client.post(TOKENS, {"name": "MES"}).json()["token"]
    tokens = [from_endpoint, from_page, from_api]
    assert [status_with(api_client, token) for token in tokens] == [200, 200, 200]
    # knox's hash, unsalted: the tokens are 256 random bits
    digests = [hashlib.sha512(token.encode()).hexdigest() for token in tokens]
    held = tables_holding(tokens + digests)
    assert [held[token] for token in tokens] == [[], [], []]
    assert [held[digest] for digest in digests] == [["portal_apitoken"]] * 3


def test_the_token_endpoint_answers_the_token_its_name_and_expiry(api_client, admin_a):
    answer = obtain(api_client, admin_a, name="MES 推送")
    assert set(answer) == {"id", "name", "created", "expiry", "last_used_at", "token"}
    assert answer["name"] == "MES 推送" and answer["last_used_at"] is None
    lifetime = datetime.fromisoformat(answer["expiry"]) - datetime.fromisoformat(answer["created"])
    assert abs(lifetime - timedelta(days=settings.API_TOKEN_TTL_DAYS)) < timedelta(minutes=1)
    assert obtain(api_client, admin_a)["name"] == "API"  # without a name


def test_a_token_past_its_expiry_is_refused(api_client, admin_a, monkeypatch):
    answer = obtain(api_client, admin_a)
    expiry = datetime.fromisoformat(answer["expiry"])
    assert expiry - timezone.now() <= timedelta(days=90, minutes=1)  # expires by default
    real_now = timezone.now
    monkeypatch.setattr(timezone, "now", lambda: expiry - timedelta(seconds=5))
    assert status_with(api_client, answer["token"]) == 200  # used: not prolonged
    monkeypatch.setattr(timezone, "now", lambda: expiry + timedelta(seconds=5))
    response = api_client.get(PROBE, HTTP_AUTHORIZATION=f"Token {answer['token']}")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    monkeypatch.setattr(timezone, "now", real_now)
    assert status_with(api_client, answer["token"]) == 401  # gone for good


def test_the_lifetime_comes_from_the_settings(api_client, admin_a, settings):
    settings.REST_KNOX = {**settings.REST_KNOX, "TOKEN_TTL": timedelta(days=7)}
    answer = obtain(api_client, admin_a)
    lifetime = datetime.fromisoformat(answer["expiry"]) - datetime.fromisoformat(answer["created"])
    assert abs(lifetime - timedelta(days=7)) < timedelta(minutes=1)


# --- revoked when the credentials change ------------------------------------------------------


def _change_on_the_page(client, user, province_admin):
    login(client, user)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "New-pass-2027",
            "new_password2": "New-pass-2027",
        },
    )
    assert response.status_code == 302


def _reset_by_email(client, user, province_admin):
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = f"/accounts/reset/{uid}/{default_token_generator.make_token(user)}/"
    form_url = client.get(link)["Location"]
    response = client.post(
        form_url, {"new_password1": "New-pass-2027", "new_password2": "New-pass-2027"}
    )
    assert response.status_code == 302


def _set_by_the_province(client, user, province_admin):
    login(client, province_admin)
    response = client.post(
        f"/admin/portal/user/{user.pk}/password/",
        {"password1": "New-pass-2027", "password2": "New-pass-2027", "usable_password": "true"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/change/")


def _disabled_by_the_province(client, user, province_admin):
    login(client, province_admin)
    response = client.post(
        f"/admin/portal/user/{user.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/change/")


def _set_through_code(client, user, province_admin):
    user.set_password("New-pass-2027")
    user.save()


def _deactivated_by_the_province(client, user, province_admin):
    login(client, province_admin)
    url = f"/admin/portal/user/{user.pk}/change/"
    data = admin_form(client, url)
    del data["is_active"]
    assert client.post(url, data).status_code == 302


def _deactivated_through_code(client, user, province_admin):
    user.is_active = False
    user.save(update_fields=["is_active"])


CHANGES = {
    "password changed": _change_on_the_page,
    "password reset": _reset_by_email,
    "password set in the admin site": _set_by_the_province,
    "password disabled in the admin site": _disabled_by_the_province,
    "password set by code": _set_through_code,
    "deactivated in the admin site": _deactivated_by_the_province,
    "deactivated by code": _deactivated_through_code,
}


@pytest.mark.parametrize("change", CHANGES)
def test_every_token_is_revoked_when_the_credentials_change(
    change, api_client, client, admin_a, province_admin
):
    tokens = [obtain(api_client, admin_a, name=n)["token"] for n in ("MES", "ERP")]
    assert [status_with(api_client, t) for t in tokens] == [200, 200]
    admin_a.refresh_from_db()
    CHANGES[change](client, admin_a, province_admin)
    admin_a.refresh_from_db()
    admin_a.is_active = True
    admin_a.save()  # even active again, the tokens stay revoked
    assert [status_with(api_client, t) for t in tokens] == [401, 401]
    assert AuditLog.objects.filter(action="token.revoke_all", target_id=str(admin_a.pk)).exists()


class StrongerHasher(PBKDF2PasswordHasher):
    iterations = 10  # quick: only the change of hasher matters here


def test_signing_in_again_revokes_nothing(api_client, client, admin_a, settings):
    """Signing in re-hashes a password stored with an older hasher: no change of password."""
    token = obtain(api_client, admin_a, name="ERP")["token"]
    settings.PASSWORD_HASHERS = [
        "tests.test_api_tokens.StrongerHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    old_hash = admin_a.password
    assert (
        client.post("/accounts/login/", {"username": "admin_a", "password": PASSWORD}).status_code
        == 302
    )
    obtain(api_client, admin_a, name="another")
    admin_a.refresh_from_db()
    assert admin_a.password != old_hash and admin_a.password.startswith("pbkdf2_sha256$")
    assert status_with(api_client, token) == 200


# --- several named tokens, each owner's own ------------------------------------------------


def test_a_user_holds_several_named_tokens_and_renews_one_by_its_name(api_client, admin_a):
    mes = obtain(api_client, admin_a, name="MES")["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {mes}")
    created = api_client.post(TOKENS, {"name": "ERP"}, format="json")
    assert created.status_code == 201
    erp = created.json()["token"]
    listed = api_client.get(TOKENS).json()["results"]
    assert sorted(t["name"] for t in listed) == ["ERP", "MES"]
    assert not any("token" in t for t in listed)  # never shown again
    assert {t["name"]: t["last_used_at"] is not None for t in listed} == {"MES": True, "ERP": False}
    assert status_with(api_client, erp) == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {mes}")
    renewed = api_client.post(TOKENS, {"name": "ERP"}, format="json").json()["token"]
    assert status_with(api_client, erp) == 401 and status_with(api_client, renewed) == 200
    assert status_with(api_client, mes) == 200
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {mes}")
    bad = api_client.post(TOKENS, {"name": "  "}, format="json")
    assert bad.status_code == 400 and "name" in bad.json()


def test_a_user_holds_a_bounded_number_of_tokens(api_client, admin_a, settings):
    api_client.force_authenticate(admin_a)
    limit = settings.REST_KNOX["TOKEN_LIMIT_PER_USER"]
    for i in range(limit):
        assert api_client.post(TOKENS, {"name": f"t{i}"}, format="json").status_code == 201
    refused = api_client.post(TOKENS, {"name": "one more"}, format="json")
    assert refused.status_code == 409 and "撤销" in str(refused.json())
    assert api_client.post(TOKENS, {"name": "t0"}, format="json").status_code == 201  # renewal


def test_only_the_owner_lists_and_revokes_a_token(api_client, client, admin_a, admin_b):
    token = obtain(api_client, admin_a, name="ERP")
    theirs = obtain(api_client, admin_b, name="theirs")["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {theirs}")
    assert api_client.get(TOKENS).json()["results"][0]["name"] == "theirs"
    assert api_client.get(TOKENS).json()["count"] == 1
    assert api_client.delete(f"{TOKENS}{token['id']}/").status_code == 404
    assert login(client, admin_b).post(f"/accounts/tokens/{token['id']}/revoke/").status_code == 404
    assert [t.name for t in client.get("/accounts/tokens/").context["tokens"]] == ["theirs"]
    assert status_with(api_client, token["token"]) == 200
    # its owner revokes it, in the API or on the page
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")
    assert api_client.delete(f"{TOKENS}{token['id']}/").status_code == 204
    assert status_with(api_client, token["token"]) == 401
    other = obtain(api_client, admin_a, name="MES")
    response = login(client, admin_a).post(f"/accounts/tokens/{other['id']}/revoke/")
    assert response.status_code == 302 and status_with(api_client, other["token"]) == 401
    actions = list(AuditLog.objects.filter(actor=admin_a).values_list("action", flat=True))
    assert actions.count("token.create") == 2 and actions.count("token.revoke") == 2


def test_the_page_shows_a_new_token_once(client, api_client, admin_a):
    login(client, admin_a)
    assert 'href="/accounts/tokens/"' in client.get("/").content.decode()  # in the navigation
    created = client.post("/accounts/tokens/", {"name": "ERP 对接"})
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    token = created.context["issued"][1]
    assert token in created.content.decode()
    assert status_with(api_client, token) == 200
    again = client.get("/accounts/tokens/").content.decode()
    assert "ERP 对接" in again and token not in again
    refused = client.post("/accounts/tokens/", {"name": ""})
    assert refused.status_code == 400 and refused.context["form"].errors["name"]


def test_a_name_with_markup_is_shown_escaped(client, admin_a):
    name = '"><svg onload=alert(1)>'
    login(client, admin_a).post("/accounts/tokens/", {"name": name})
    for page in ("/accounts/tokens/", "/audit-log/"):
        html = client.get(page).content.decode()
        assert name not in html and escape(name) in html, page


def test_the_old_plain_text_tokens_are_gone(api_client, admin_a):
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS
    assert "authtoken_token" not in connection.introspection.table_names()
    old_style = "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b"  # DRF's format: 40 hex digits
    assert status_with(api_client, old_style) == 401
    assert re.fullmatch(r"[0-9a-f]{64}", obtain(api_client, admin_a)["token"])


def test_a_header_that_is_not_utf8_is_refused_not_an_error(api_client):
    response = api_client.get(PROBE, HTTP_AUTHORIZATION="Token caf\xe9")
    assert response.status_code == 401
