"""An enterprise registering itself: the registration with its licence, the e-mailed link, the
new enterprise awaiting its district's (or city's) confirmation, unable to submit until then;
a credit code already registered ends on the same page, the e-mail offering to join."""

import re

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from evaluation import services as evaluation_services
from evaluation.selectors import submission_problems
from portal.exceptions import StateConflict
from portal.models import (
    AuditLog,
    City,
    Enterprise,
    EnterpriseRegistration,
    Invitation,
    Notification,
    RegistrationStatus,
    Role,
)
from review.services import onboarding

from .conftest import api_as, login
from .factories import UserFactory, credit_code, district_of
from .services.conftest import PDF

pytestmark = pytest.mark.django_db
Status = EnterpriseRegistration.Status


def licence(name="营业执照.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(**changes) -> dict:
    gusu = district_of(City.SUZHOU, "姑苏区")
    return {
        "name": "新注册制造有限公司",
        "credit_code": credit_code(),
        "city": City.SUZHOU,
        "district": gusu.pk,
        "industry_code": "c3421",
        "industry_type": "discrete",
        "size": "small",
        "contact_name": "赵六",
        "contact_phone": "+86 138 1234 5678",
        "email": "Zhao@Example.com",
    } | changes


def link_in(message) -> str:
    return re.search(r"https?://\S+/register/verify/(\S+)/", message.body).group(1)


def registered(django_capture_on_commit_callbacks, **changes):
    """A registration submitted, its e-mail sent: the registration and the link's token."""
    with django_capture_on_commit_callbacks(execute=True):
        registration = onboarding.registration_submit(data=form_data(**changes), licence=licence())
    return registration, link_in(mail.outbox[-1])


@pytest.fixture
def district_gusu(db):
    return UserFactory(
        username="district_gs",
        role=Role.DISTRICT_REVIEWER,
        district=district_of(City.SUZHOU, "姑苏区"),
    )


def test_a_new_enterprise_drafts_but_submits_only_once_its_district_confirms(
    django_capture_on_commit_callbacks, district_gusu, city_reviewer_suzhou, open_batch
):
    registration, token = registered(django_capture_on_commit_callbacks)
    assert registration.status == Status.UNVERIFIED
    assert registration.email == "zhao@example.com" and registration.contact_phone == "13812345678"
    assert registration.licence.read() == PDF
    assert not Enterprise.objects.filter(credit_code=registration.credit_code).exists()

    found = onboarding.registration_from_token(token)
    assert found == registration
    with django_capture_on_commit_callbacks(execute=True):
        admin = onboarding.registration_verify(
            registration=found, username="zhao", password="Xq7-pass-2026!"
        )
    enterprise = admin.enterprise
    assert admin.role == Role.ENTERPRISE_ADMIN and admin.email == "zhao@example.com"
    assert admin.check_password("Xq7-pass-2026!")
    assert enterprise.registration_status == RegistrationStatus.PENDING
    assert enterprise.industry_code == "C3421" and enterprise.district.name == "姑苏区"
    # the district has a reviewer: it is told, not the city
    told = set(
        Notification.objects.filter(kind="registration.pending").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"district_gs"}
    with pytest.raises(ValidationError, match="已使用"):
        onboarding.registration_from_token(token)  # the link works once

    draft = evaluation_services.assessment_create(
        enterprise=enterprise, batch=open_batch, actor=admin
    )
    assert any("尚待" in p for p in submission_problems(draft))
    with pytest.raises(ValidationError, match="尚待"):
        evaluation_services.assessment_submit(assessment=draft, actor=admin, declarations={})

    with pytest.raises(ValidationError) as refused:
        onboarding.registration_decide(
            registration=found, actor=district_gusu, confirm=False, reason=" "
        )
    assert "reason" in refused.value.message_dict
    onboarding.registration_decide(registration=found, actor=district_gusu, confirm=True)
    enterprise.refresh_from_db()
    assert enterprise.registration_status == RegistrationStatus.CONFIRMED
    assert not any("尚待" in p for p in submission_problems(draft))
    assert Notification.objects.filter(recipient=admin, kind="registration.decided").exists()
    with pytest.raises(StateConflict):  # decided once
        onboarding.registration_decide(
            registration=found, actor=city_reviewer_suzhou, confirm=False, reason="x"
        )
    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"registration.submit", "registration.verify", "registration.confirm"} <= actions


def test_only_the_enterprises_own_district_or_city_decides_and_a_rejection_blocks_submission(
    client, django_capture_on_commit_callbacks, city_reviewer_suzhou, city_reviewer_nanjing, admin_a
):
    registration, token = registered(django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        user = onboarding.registration_verify(
            registration=registration, username="zhao", password="Xq7-pass-2026!"
        )
    # no reviewer in 姑苏区: the city is told
    assert Notification.objects.filter(recipient=city_reviewer_suzhou).exists()
    other_district = UserFactory(
        username="district_wz",
        role=Role.DISTRICT_REVIEWER,
        district=district_of(City.SUZHOU, "吴中区"),
    )
    for outsider in (city_reviewer_nanjing, other_district, admin_a):
        with pytest.raises(PermissionDenied):
            onboarding.registration_decide(registration=registration, actor=outsider, confirm=True)
    onboarding.registration_decide(
        registration=registration, actor=city_reviewer_suzhou, confirm=False, reason="执照模糊"
    )
    user.enterprise.refresh_from_db()
    assert user.enterprise.registration_status == RegistrationStatus.REJECTED
    notice = Notification.objects.get(recipient=user, kind="registration.decided")
    assert "执照模糊" in notice.body

    # its admin sends a new licence: awaiting confirmation again
    with pytest.raises(ValidationError) as spoofed:
        onboarding.registration_resubmit(
            enterprise=user.enterprise, actor=user, licence=licence("执照.png", PDF)
        )
    assert "licence" in spoofed.value.message_dict
    with pytest.raises(PermissionDenied):
        onboarding.registration_resubmit(
            enterprise=user.enterprise, actor=admin_a, licence=licence()
        )
    old = registration.licence.name
    client.force_login(user)
    url = reverse("registration-resubmit", args=[user.enterprise_id])
    assert "执照模糊" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"licence": licence("新执照.pdf")})
    assert sent.status_code == 302
    registration.refresh_from_db()
    user.enterprise.refresh_from_db()
    assert registration.status == Status.PENDING and registration.licence_name == "新执照.pdf"
    assert user.enterprise.registration_status == RegistrationStatus.PENDING
    assert not registration.licence.storage.exists(old)
    with pytest.raises(StateConflict):  # nothing rejected any more
        onboarding.registration_resubmit(enterprise=user.enterprise, actor=user, licence=licence())


def test_bad_fields_are_each_named_and_nothing_is_kept(django_capture_on_commit_callbacks):
    bad = form_data(
        credit_code="91320500MA00000001",
        district=district_of(City.NANJING).pk,
        contact_phone="12345",
        email="not-an-address",
        industry_code="A0111",
        size="huge",
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as exc:
        onboarding.registration_submit(data=bad, licence=licence("执照.png", PDF))
    errors = exc.value.message_dict
    assert {
        "credit_code",
        "district",
        "contact_phone",
        "email",
        "industry_code",
        "size",
        "licence",
    } <= set(errors)
    assert "校验位" in errors["credit_code"][0]
    with pytest.raises(ValidationError) as missing:
        onboarding.registration_submit(data=form_data(name=""), licence=None)
    assert {"name", "licence"} <= set(missing.value.message_dict)
    assert not EnterpriseRegistration.objects.exists() and not mail.outbox


def test_a_link_tampered_with_or_expired_is_refused(django_capture_on_commit_callbacks, settings):
    _registration, token = registered(django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError, match="无效或已过期"):
        onboarding.registration_from_token(token[:-2] + "xx")
    settings.REGISTRATION_LINK_MAX_AGE = -1
    with pytest.raises(ValidationError, match="无效或已过期"):
        onboarding.registration_from_token(token)


def test_a_registered_credit_code_ends_the_same_and_its_email_offers_to_join(
    client, django_capture_on_commit_callbacks, enterprise_a, admin_a
):
    with django_capture_on_commit_callbacks(execute=True):
        new = client.post(reverse("register"), form_data() | {"licence": licence()})
        existing = client.post(
            reverse("register"),
            form_data(credit_code=enterprise_a.credit_code) | {"licence": licence()},
        )
    assert new.status_code == existing.status_code == 302
    assert new["Location"] == existing["Location"] == reverse("registration-sent")
    assert "设置企业管理员账号" in mail.outbox[0].body
    assert "已有企业注册" in mail.outbox[1].body and enterprise_a.name not in mail.outbox[1].body

    token = link_in(mail.outbox[1])
    page = client.get(reverse("registration-verify", args=[token]))
    assert "申请加入" in page.content.decode() and enterprise_a.name in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registration-verify", args=[token]))
    request = EnterpriseRegistration.objects.get(status=Status.JOIN_PENDING)
    assert request.enterprise == enterprise_a
    assert Notification.objects.filter(recipient=admin_a, kind="registration.join").exists()

    client.force_login(admin_a)
    members = client.get(reverse("member-list", args=[enterprise_a.pk])).content.decode()
    assert f"join-request-{request.pk}" in members
    url = reverse("join-request-decide", args=[request.pk])
    asked = client.post(url, {"approve": "1"})
    assert asked.status_code == 200 and "同意" in asked.content.decode()  # confirms first
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"approve": "1", "confirmed": "1"}).status_code == 302
    invitation = Invitation.objects.get(email="zhao@example.com")
    assert invitation.enterprise == enterprise_a and invitation.role == Role.ENTERPRISE_MEMBER
    assert reverse("invitation-accept", args=[invitation.token]) in mail.outbox[-1].body
    request.refresh_from_db()
    assert request.status == Status.JOINED


def test_a_join_request_refused_tells_the_requester(
    django_capture_on_commit_callbacks, enterprise_a, admin_a, admin_b
):
    registration, _token = registered(
        django_capture_on_commit_callbacks, credit_code=enterprise_a.credit_code
    )
    onboarding.join_request(registration=registration)
    with pytest.raises(PermissionDenied):
        onboarding.join_request_decide(registration=registration, actor=admin_b, approve=True)
    with django_capture_on_commit_callbacks(execute=True):
        onboarding.join_request_decide(
            registration=registration, actor=admin_a, approve=False, reason="非本企业员工"
        )
    assert "非本企业员工" in mail.outbox[-1].body and mail.outbox[-1].to == ["zhao@example.com"]
    assert not Invitation.objects.exists()


MARKUP = "<script>alert(1)</script><img src=x onerror=alert(1)>"


def test_reviewers_queue_licence_and_decision_pages(
    client, django_capture_on_commit_callbacks, city_reviewer_suzhou, city_reviewer_nanjing
):
    registration, _token = registered(
        django_capture_on_commit_callbacks, name=f"甲{MARKUP}", contact_name=f"乙{MARKUP}"[:50]
    )
    onboarding.registration_verify(
        registration=registration, username="zhao", password="Xq7-pass-2026!"
    )
    login(client, city_reviewer_nanjing)
    assert client.get(reverse("registration-licence", args=[registration.pk])).status_code == 404
    login(client, city_reviewer_suzhou)
    queue = client.get(reverse("registration-queue")).content.decode()
    assert escape(registration.name) in queue and "data-confirm-choices" in queue
    download = client.get(reverse("registration-licence", args=[registration.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    decide = reverse("registration-decide", args=[registration.pk])
    assert MARKUP not in queue and escape(MARKUP) in queue
    refused = client.post(decide, {"confirm": "0", "reason": "", "confirmed": "1"})
    assert refused.status_code == 400 and "须写明理由" in refused.content.decode()
    assert client.post(decide, {"confirm": "1", "confirmed": "1"}).status_code == 302
    registration.refresh_from_db()
    assert (
        registration.status == Status.CONFIRMED and registration.decided_by == city_reviewer_suzhou
    )


def test_reviewers_decide_through_the_api_as_on_the_page(
    django_capture_on_commit_callbacks, city_reviewer_suzhou, city_reviewer_nanjing, admin_a
):
    registration, _token = registered(django_capture_on_commit_callbacks)
    onboarding.registration_verify(
        registration=registration, username="zhao", password="Xq7-pass-2026!"
    )
    url = f"/api/v1/review/registrations/{registration.pk}/"
    suzhou, nanjing = api_as(city_reviewer_suzhou), api_as(city_reviewer_nanjing)
    listed = suzhou.get("/api/v1/review/registrations/").json()
    assert [row["id"] for row in listed["results"]] == [registration.pk]
    assert listed["results"][0]["status"] == Status.PENDING
    assert nanjing.get("/api/v1/review/registrations/").json()["results"] == []
    assert nanjing.post(f"{url}decide/", {"confirm": True}, format="json").status_code == 404
    assert api_as(admin_a).get(url).status_code == 403
    licence_file = suzhou.get(f"{url}licence/")
    assert licence_file.status_code == 200 and b"".join(licence_file.streaming_content) == PDF
    refused = suzhou.post(f"{url}decide/", {"confirm": False, "reason": " "}, format="json")
    assert refused.status_code == 400 and "reason" in refused.json()
    registration.refresh_from_db()
    assert registration.status == Status.PENDING  # nothing kept of the refused decision
    rejected = suzhou.post(f"{url}decide/", {"confirm": False, "reason": "执照模糊"}, format="json")
    assert rejected.status_code == 200 and rejected.json()["status"] == Status.REJECTED
    assert (
        registration.enterprise.users.get()
        .notifications.filter(kind="registration.decided")
        .exists()
    )
    again = suzhou.post(f"{url}decide/", {"confirm": True}, format="json")
    assert again.status_code == 409


def test_the_api_registers_names_bad_fields_and_is_throttled(api_client, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "registration", "3/hour")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "registration_email", "1/hour")
    url = reverse("api-registration")

    def post(**changes):
        return api_client.post(
            url, form_data(**changes) | {"licence": licence()}, format="multipart"
        )

    assert post(email="a@example.com").status_code == 202
    bad = api_client.post(
        url, form_data(credit_code="123", email="b@example.com"), format="multipart"
    )
    assert bad.status_code == 400 and {"credit_code", "licence"} <= set(bad.json())
    assert post(email="A@example.com").status_code == 429  # the same mailbox again
    assert post(email="c@example.com").status_code == 429  # this client's third already
    assert EnterpriseRegistration.objects.count() == 1


def test_an_enterprise_created_the_old_way_is_confirmed(enterprise_a):
    assert enterprise_a.registration_status == RegistrationStatus.CONFIRMED
