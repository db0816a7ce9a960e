"""The second factor: officials (and staff) enrol an authenticator at their first sign-in and
pass it after their password before any page, the admin site or the API; a recovery code signs
in once; wrong codes are throttled; the token endpoint gives an official no token for a password
alone; enterprise users may enrol; the province resets someone's."""

import re
from base64 import b32decode, b32encode
from datetime import timedelta

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import two_factor_services
from portal.models import ApiToken, AuditLog, Role

from .conftest import api_token, authenticator_for, login, totp_code
from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

SETUP = reverse("two-factor-setup")
VERIFY = reverse("two-factor-verify")
RECOVERY = reverse("two-factor-recovery")


def password_only(client, user):
    """Signed in with the password, the second factor not passed yet (through the login page:
    the real first step)."""
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "the password was refused"
    return client


def code_of(secret: str) -> str:
    """The code an authenticator app shows for the secret typed in from the setup page."""
    return f"{TOTP(b32decode(secret.replace(' ', ''))).token():06d}"


def actions(user) -> list[str]:
    return list(
        AuditLog.objects.filter(target_id=str(user.pk), action__startswith="two_factor.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def enrolled(city_reviewer_suzhou):
    """A city reviewer with an authenticator and ten recovery codes."""
    key = two_factor_services.totp_key_new()
    two_factor_services.two_factor_enrol(
        user=city_reviewer_suzhou, key=key, code=code_of(_b32(key))
    )
    return city_reviewer_suzhou


def _b32(key_hex: str) -> str:
    return b32encode(bytes.fromhex(key_hex)).decode()


# --- enrolment at the first sign-in ------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.CITY_REVIEWER, Role.EXPERT, Role.PROVINCE_ADMIN])
def test_an_official_without_an_authenticator_is_sent_to_enrolment_and_reaches_nothing_else(
    client, role
):
    official = UserFactory(role=role, city="320500", is_staff=role == Role.PROVINCE_ADMIN)
    password_only(client, official)
    for url in ("/", "/dashboard/", "/notifications/", "/account/security/", "/admin/", VERIFY):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(f"{SETUP}?next="), url
    # htmx requests are told where to go rather than given the page
    assert client.get("/", HTTP_HX_REQUEST="true")["HX-Redirect"].startswith(SETUP)
    # the API is no way around it
    api = client.get("/api/v1/notifications/")
    assert api.status_code == 403 and "双因素认证" in api.json()["detail"]


def test_enrolment_shows_the_qr_code_and_the_secret_then_the_recovery_codes_once(client, expert):
    password_only(client, expert)
    page = client.get(f"{SETUP}?next=/review/assignments/")
    assert page.status_code == 200
    html = page.content.decode()
    assert re.search(r"<svg[^>]*>.*<path", html, re.S)  # drawn inline, nothing fetched
    secret = page.context["secret"]
    assert len(secret.replace(" ", "")) == 32 and secret in html
    assert client.get(SETUP).context["secret"] == secret  # a reload keeps the same secret

    wrong = client.post(SETUP, {"code": "12345"})
    assert wrong.status_code == 400 and wrong.context["form"].errors["code"]
    assert not TOTPDevice.objects.filter(user=expert).exists()

    done = client.post(SETUP, {"code": code_of(secret), "next": "/review/assignments/"})
    assert done.status_code == 302
    assert done["Location"] == reverse("two-factor-recovery-codes") + "?next=/review/assignments/"
    device = TOTPDevice.objects.get(user=expert, confirmed=True)
    assert _b32(device.key) == secret.replace(" ", "")
    shown = client.get(done["Location"])
    codes = shown.context["codes"]
    assert len(codes) == 10 == len(set(codes))
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=expert).values_list("token", flat=True)
    )
    assert client.get(done["Location"]).context["codes"] is None  # shown once
    assert client.get("/review/assignments/").status_code == 200  # the session is verified
    assert actions(expert) == ["two_factor.enrol"]


# --- the verify step ------------------------------------------------------------------------


def test_an_official_with_an_authenticator_passes_the_code_after_the_password(client, enrolled):
    password_only(client, enrolled)
    response = client.get("/review/")
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=/review/"
    assert client.get(SETUP)["Location"].startswith(VERIFY)  # no re-enrolment on a password
    device = TOTPDevice.objects.get(user=enrolled)
    passed = client.post(VERIFY, {"code": totp_code(device), "next": "/review/"})
    assert passed.status_code == 302 and passed["Location"] == "/review/"
    assert client.get("/review/").status_code == 200
    assert client.get("/api/v1/notifications/").status_code == 200


def test_a_code_signs_in_once(client, enrolled):
    device = TOTPDevice.objects.get(user=enrolled)
    code = totp_code(device)
    password_only(client, enrolled).post(VERIFY, {"code": code})
    client.logout()
    again = password_only(client, enrolled).post(VERIFY, {"code": code})
    assert again.status_code == 400
    assert client.get("/review/")["Location"].startswith(VERIFY)


def test_wrong_codes_are_refused_then_throttled_like_passwords(client, enrolled):
    password_only(client, enrolled)
    device = TOTPDevice.objects.get(user=enrolled)
    good = totp_code(device)
    wrong = f"{(int(good) + 1) % 1_000_000:06d}"
    refused = client.post(VERIFY, {"code": wrong})
    assert refused.status_code == 400 and refused.context["form"].errors["code"]
    # right after a wrong code even the right one is not tried: a pause that doubles each time
    locked = client.post(VERIFY, {"code": good})
    assert locked.status_code == 429 and "连续多次输错" in locked.context["form"].errors["code"][0]
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert client.get("/review/")["Location"].startswith(VERIFY)
    # a new session does not start the count again: it is the account's
    client.logout()
    password_only(client, enrolled)
    assert client.post(VERIFY, {"code": good}).status_code == 429
    # once the pause is over, the right code goes through and the count starts again
    TOTPDevice.objects.filter(pk=device.pk).update(
        throttling_failure_timestamp=device.throttling_failure_timestamp - timedelta(seconds=5)
    )
    assert client.post(VERIFY, {"code": good}).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


# --- a lost authenticator ------------------------------------------------------------------------


def test_a_recovery_code_signs_in_once_and_lets_the_official_enrol_a_new_authenticator(
    client, enrolled
):
    codes = list(StaticToken.objects.filter(device__user=enrolled).values_list("token", flat=True))
    password_only(client, enrolled)
    response = client.post(RECOVERY, {"code": codes[0].upper()[:4] + " " + codes[0][4:]})
    assert response.status_code == 302 and response["Location"] == reverse("account-security")
    assert client.get("/review/").status_code == 200
    assert StaticToken.objects.filter(device__user=enrolled).count() == 9
    assert actions(enrolled) == ["two_factor.enrol", "two_factor.recovery_used"]
    # the same code never again
    client.logout()
    password_only(client, enrolled)
    assert client.post(RECOVERY, {"code": codes[0]}).status_code == 400
    StaticDevice.objects.filter(user=enrolled).update(throttling_failure_count=0)  # the pause
    assert client.post(RECOVERY, {"code": codes[1]}).status_code == 302
    # new recovery codes keep this session (signed in with one) signed in
    new_codes = client.post(reverse("two-factor-recovery-codes"))["Location"]
    assert len(client.get(new_codes).context["codes"]) == 10
    # re-enrolment: a new authenticator replaces the lost one
    old = TOTPDevice.objects.get(user=enrolled)
    secret = client.get(SETUP).context["secret"]
    assert client.post(SETUP, {"code": code_of(secret)}).status_code == 302
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=enrolled).count() == 1
    assert StaticToken.objects.filter(device__user=enrolled).count() == 10


def test_the_province_admin_resets_someones_second_factor_audited(client, enrolled, province_admin):
    reviewer_client = login(type(client)(), enrolled)
    assert reviewer_client.get("/review/").status_code == 200
    login(client, province_admin)
    response = client.post(
        "/admin/portal/user/",
        {"action": "reset_second_factor", "_selected_action": [enrolled.pk]},
    )
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=enrolled).exists()
    assert not StaticDevice.objects.filter(user=enrolled).exists()
    entry = AuditLog.objects.get(action="two_factor.reset")
    assert entry.actor == province_admin and entry.target_id == str(enrolled.pk)
    # the reviewer's session is no longer verified: enrolment again, before anything else
    assert reviewer_client.get("/review/")["Location"].startswith(SETUP)


def test_only_the_province_admin_resets_not_their_own_nor_another_province_admins(
    enrolled, expert, province_admin
):
    from django.core.exceptions import PermissionDenied

    other_admin = UserFactory(role=Role.PROVINCE_ADMIN, is_staff=True)
    superuser = UserFactory(role=Role.PROVINCE_ADMIN, is_staff=True, is_superuser=True)
    for user in (other_admin, superuser):
        authenticator_for(user)
    for actor, user in (
        (expert, enrolled),
        (province_admin, province_admin),
        (province_admin, other_admin),
        (province_admin, superuser),
    ):
        with pytest.raises(PermissionDenied):
            two_factor_services.two_factor_reset(user=user, actor=actor)
    assert TOTPDevice.objects.count() == 3 and not AuditLog.objects.filter(
        action="two_factor.reset"
    )
    # a superuser's to reset, as any change to a privileged account
    two_factor_services.two_factor_reset(user=other_admin, actor=superuser)
    assert not TOTPDevice.objects.filter(user=other_admin).exists()


# --- the admin site, the API and the token endpoint --------------------------------------------


def test_the_admin_site_refuses_a_session_that_has_not_passed_the_second_factor(
    client, province_admin
):
    device = authenticator_for(province_admin)
    password_only(client, province_admin)
    response = client.get("/admin/portal/user/")
    assert response.status_code == 302 and response["Location"].startswith(VERIFY)
    # the site itself, whatever the middleware: staff only once verified
    request = RequestFactory().get("/admin/")
    request.user = province_admin
    province_admin.is_verified = lambda: False
    assert not admin.site.has_permission(request)
    province_admin.is_verified = lambda: True
    assert admin.site.has_permission(request)
    # its own login form is not a way in: the portal's login page is
    assert client.get("/admin/login/?next=/admin/")["Location"].startswith(VERIFY)
    client.logout()
    assert client.get("/admin/login/?next=/admin/")["Location"] == "/accounts/login/?next=/admin/"
    password_only(client, province_admin).post(VERIFY, {"code": totp_code(device)})
    assert client.get("/admin/portal/user/").status_code == 200


def test_the_api_refuses_a_session_that_has_not_passed_the_second_factor(
    api_client, province_admin, city_reviewer_suzhou, admin_a
):
    authenticator_for(city_reviewer_suzhou)
    for official in (province_admin, city_reviewer_suzhou):
        api_client.force_login(official, backend="django.contrib.auth.backends.ModelBackend")
        for url in ("/api/v1/notifications/", "/api/v1/review/assessments/", "/api/v1/catalog/"):
            response = api_client.get(url)
            assert response.status_code == 403, (official, url)
            assert "双因素认证" in response.json()["detail"]
        assert api_client.post("/api/v1/notifications/read/", {}, format="json").status_code == 403
        assert login(api_client, official).get("/api/v1/notifications/").status_code == 200
        api_client.logout()
    # an enterprise user who has not enrolled signs in with a password, as before
    api_client.force_login(admin_a, backend="django.contrib.auth.backends.ModelBackend")
    assert api_client.get("/api/v1/notifications/").status_code == 200
    # a token (created from a verified session) authenticates on its own
    token = api_token(city_reviewer_suzhou)
    api_client.logout()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/review/assessments/").status_code == 200


@pytest.mark.parametrize("role", [Role.CITY_REVIEWER, Role.EXPERT, Role.PROVINCE_ADMIN])
def test_the_token_endpoint_gives_an_official_no_token_for_a_password_alone(api_client, role):
    official = UserFactory(role=role, city="320500")
    response = api_client.post(
        "/api/v1/auth/token/", {"username": official.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 403
    assert "token" not in response.json() and "双因素认证" in response.json()["detail"]
    assert not ApiToken.objects.filter(user=official).exists()


# --- enterprise users: optional --------------------------------------------------------------


def test_an_enterprise_user_may_enrol_and_then_signs_in_with_it(client, api_client, admin_a):
    password_only(client, admin_a)
    assert client.get("/").status_code == 200  # no second factor asked
    account = client.get("/account/security/")
    assert account.status_code == 200 and SETUP in account.content.decode()
    secret = client.get(SETUP).context["secret"]
    client.post(SETUP, {"code": code_of(secret)})
    client.logout()
    password_only(client, admin_a)
    assert client.get("/")["Location"].startswith(VERIFY)  # enrolled: asked from now on
    # and no token for the password alone any more
    token = api_client.post(
        "/api/v1/auth/token/", {"username": "admin_a", "password": PASSWORD}, format="json"
    )
    assert token.status_code == 403
    # it may turn it off again, from a verified session; an official may not
    client.post(VERIFY, {"code": totp_code(TOTPDevice.objects.get(user=admin_a))})
    assert client.post(reverse("two-factor-disable")).status_code == 302
    assert not TOTPDevice.objects.filter(user=admin_a).exists()
    assert actions(admin_a) == ["two_factor.enrol", "two_factor.disable"]


def test_an_official_may_not_turn_the_second_factor_off(client, enrolled):
    login(client, enrolled)
    assert client.post(reverse("two-factor-disable")).status_code == 403
    assert TOTPDevice.objects.filter(user=enrolled).exists()


def test_new_recovery_codes_replace_the_old_ones(client, enrolled):
    old = set(StaticToken.objects.filter(device__user=enrolled).values_list("token", flat=True))
    login(client, enrolled)
    response = client.post(reverse("two-factor-recovery-codes"))
    assert response.status_code == 302
    codes = client.get(response["Location"]).context["codes"]
    assert len(codes) == 10 and not set(codes) & old
    assert set(codes) == set(
        StaticToken.objects.filter(device__user=enrolled).values_list("token", flat=True)
    )
