"""Login, logout, password change and reset, throttling, invitations, secure headers."""

import re

import pytest
from django.core import mail
from django.core.management import call_command

from portal.models import AuditLog, Invitation, Role, User
from portal.services import user_create

from .conftest import login
from .factories import PASSWORD


def account_entry(user, action: str) -> AuditLog:
    return AuditLog.objects.get(action=action, target_type__model="user", target_id=str(user.pk))


@pytest.mark.django_db
def test_login_and_logout(client, admin_a):
    response = client.post("/accounts/login/", {"username": "admin_a", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert "甲企业" in home.content.decode()
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/enterprises/1/").status_code == 302


@pytest.mark.django_db
def test_wrong_password_shows_an_error(client, admin_a):
    response = client.post("/accounts/login/", {"username": "admin_a", "password": "wrong"})
    assert response.status_code == 200
    assert response.context["form"].errors


@pytest.mark.django_db
def test_login_is_locked_after_repeated_failures(client, admin_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": "admin_a", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "admin_a", "password": PASSWORD})
    assert response.status_code == 429
    assert "锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_token_endpoint_is_throttled_by_the_same_lockout(api_client, admin_a, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        api_client.post(
            "/api/v1/auth/token/", {"username": "admin_a", "password": "wrong"}, format="json"
        )
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "admin_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 429
    assert "token" not in response.json() and "锁定" in response.json()["detail"]


@pytest.mark.django_db
def test_token_endpoint_returns_a_token_that_authenticates(api_client, admin_a):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": "admin_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    assert {"token", "name", "expiry"} <= set(response.json())
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/enterprises/").status_code == 200
    bad = api_client.post("/api/v1/auth/token/", {"username": "admin_a"}, format="json")
    assert bad.status_code == 400 and "password" in bad.json()


@pytest.mark.django_db
def test_password_change(client, admin_a):
    login(client, admin_a)
    response = client.post(
        "/accounts/password_change/",
        {
            "old_password": PASSWORD,
            "new_password1": "Another-pass-2026",
            "new_password2": "Another-pass-2026",
        },
    )
    assert response.status_code == 302
    admin_a.refresh_from_db()
    assert admin_a.check_password("Another-pass-2026")
    entry = account_entry(admin_a, "user.password_change")
    assert entry.actor == admin_a and entry.enterprise == admin_a.enterprise
    assert entry.data["changed"] == {"password": ["******", "******"]}  # never the hash


@pytest.mark.django_db
def test_password_reset_by_email(client, admin_a):
    response = client.post("/accounts/password_reset/", {"email": admin_a.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session marker
    response = client.post(
        form_url, {"new_password1": "Reset-pass-2026", "new_password2": "Reset-pass-2026"}
    )
    assert response.status_code == 302
    admin_a.refresh_from_db()
    assert admin_a.check_password("Reset-pass-2026")
    entry = account_entry(admin_a, "user.password_reset")
    assert entry.actor == admin_a and entry.data["changed"] == {"password": ["******", "******"]}


@pytest.mark.django_db
def test_password_reset_is_throttled_per_address_and_per_client(client, admin_a, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "password_reset_email", "2/hour")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "password_reset", "5/hour")

    def reset(email):
        return client.post("/accounts/password_reset/", {"email": email})

    # per address, whatever its case
    assert [reset(e).status_code for e in (admin_a.email, admin_a.email.upper())] == [302, 302]
    refused = reset(admin_a.email)
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 3600
    assert "过于频繁" in refused.content.decode() and len(mail.outbox) == 2
    # per client: its sixth request is refused, whichever address it names
    assert [reset(f"user{i}@example.com").status_code for i in range(3)] == [302, 302, 429]
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_enterprise_admin_invites_a_member_who_joins(
    client, admin_a, enterprise_a, django_capture_on_commit_callbacks
):
    login(client, admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/enterprises/{enterprise_a.pk}/members/invite/",
            {"email": "New@Example.com", "role": "enterprise_member"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(enterprise=enterprise_a)
    assert invitation.email == "new@example.com"
    assert len(mail.outbox) == 1 and invitation.token in mail.outbox[0].body
    client.logout()
    response = client.post(
        f"/invitations/{invitation.token}/",
        {
            "username": "newbie",
            "first_name": "新人",
            "password1": "Joiner-pass-2026",
            "password2": "Joiner-pass-2026",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="newbie")
    assert user.enterprise == enterprise_a and user.role == Role.ENTERPRISE_MEMBER
    created = account_entry(user, "user.create")
    assert created.actor == user and created.enterprise == enterprise_a
    changed = created.data["changed"]
    assert changed["role"] == [None, Role.ENTERPRISE_MEMBER]
    assert changed["enterprise"] == [None, enterprise_a.name]
    assert changed["email"] == [None, "new@example.com"] and changed["password"] == [None, "******"]
    # An invitation works once.
    assert client.get(f"/invitations/{invitation.token}/").status_code == 410


@pytest.mark.django_db
def test_invitation_errors_are_shown_on_the_fields(client, admin_a, member_a, enterprise_a):
    login(client, member_a)
    response = client.post(
        f"/enterprises/{enterprise_a.pk}/members/invite/",
        {"email": "x@example.com", "role": "enterprise_member"},
    )
    assert response.status_code == 403
    login(client, admin_a)
    response = client.post(
        f"/enterprises/{enterprise_a.pk}/members/invite/",
        {"email": "not-an-email", "role": "expert"},
    )
    assert response.status_code == 400
    assert {"email", "role"} <= set(response.context["form"].errors)
    response = client.post(
        f"/enterprises/{enterprise_a.pk}/members/invite/",
        {"email": "member_a@example.com", "role": "enterprise_member"},
    )
    assert "email" in response.context["form"].errors
    invitation = Invitation.objects.create(
        enterprise=enterprise_a, email="y@example.com", invited_by=admin_a
    )
    client.logout()
    response = client.post(
        f"/invitations/{invitation.token}/",
        {"username": "admin_a", "password1": "123", "password2": "124"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "password2" in errors
    assert not User.objects.filter(email="y@example.com").exists()


@pytest.mark.django_db
def test_secure_headers(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_createsuperuser_noinput_gives_a_province_admin(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Super-pass-2026")
    call_command(
        "createsuperuser", "--noinput", username="root", email="root@example.com", verbosity=0
    )
    user = User.objects.get(username="root")
    assert user.is_province_admin and user.role == Role.PROVINCE_ADMIN


@pytest.mark.django_db
def test_an_account_created_by_the_portal_is_on_the_record():
    """The seed's and the commands' accounts: the portal's own act, with what they were given."""
    user = user_create(username="prov9", role=Role.PROVINCE_ADMIN, password="Prov-pass-2026")
    entry = account_entry(user, "user.create")
    assert entry.actor is None
    changed = entry.data["changed"]
    assert changed["role"] == [None, Role.PROVINCE_ADMIN] and changed["is_staff"] == [None, True]
    assert changed["groups"] == [None, ["province_admin"]]
    assert changed["password"] == [None, "******"]


@pytest.mark.django_db
def test_audit_log_page_is_for_admins(client, province_admin, admin_a, member_a):
    login(client, member_a)
    assert client.get("/audit-log/").status_code == 403
    login(client, province_admin)
    assert client.get("/audit-log/").status_code == 200
