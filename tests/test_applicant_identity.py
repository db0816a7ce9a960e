"""The applicant's identity is frozen at submission: the review routes, checks conflicts and
names the applicant by what was submitted, and the profile's identity fields cannot change
through any channel while a submission is in review — only through a change the province
confirms."""

import pytest
from django.urls import reverse

from evaluation.models import Assessment
from portal import identity_services
from portal.models import AuditLog, City, Enterprise, IdentityChangeRequest, Notification
from review import services as review_services
from review.models import ExpertAssignment

from .conftest import login
from .factories import UserFactory

pytestmark = pytest.mark.django_db


def profile_of(enterprise, **changes) -> dict:
    from portal.models import ENTERPRISE_PROFILE_FIELDS

    return {
        f: enterprise.serializable_value(f)
        for f in ENTERPRISE_PROFILE_FIELDS
        if enterprise.serializable_value(f) is not None
    } | changes


# --- the lock, channel by channel -----------------------------------------------------------


def test_the_profile_page_refuses_a_new_city_while_in_review_naming_the_field(
    client, submitted, admin_a, enterprise_a
):
    response = login(client, admin_a).post(
        reverse("enterprise-edit", args=[enterprise_a.pk]),
        profile_of(enterprise_a, city=City.NANJING, district="320102"),  # a move: a new district
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"city", "district"}
    assert "审核" in errors["city"][0] and "所在设区市" in errors["city"][0]
    enterprise_a.refresh_from_db()
    assert enterprise_a.city == City.SUZHOU


def test_the_profile_page_still_saves_what_is_not_identity(
    client, submitted, admin_a, enterprise_a
):
    response = login(client, admin_a).post(
        reverse("enterprise-edit", args=[enterprise_a.pk]),
        profile_of(enterprise_a, address="星湖街 1 号", contact_phone="0512-12345678"),
    )
    assert response.status_code == 302
    enterprise_a.refresh_from_db()
    assert enterprise_a.address == "星湖街 1 号"


def test_the_api_refuses_a_rename_while_in_review(api_client, submitted, admin_a, enterprise_a):
    api_client.force_authenticate(admin_a)
    response = api_client.patch(
        f"/api/v1/enterprises/{enterprise_a.pk}/",
        {"name": "丙企业有限公司", "credit_code": enterprise_a.credit_code},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"name"}
    assert Enterprise.objects.get(pk=enterprise_a.pk).name == "甲企业"


def test_the_admin_site_refuses_a_new_size_while_in_review(
    client, submitted, enterprise_a, province_admin
):
    province_admin.is_staff = True
    province_admin.save()
    url = reverse("admin:portal_enterprise_change", args=[enterprise_a.pk])
    response = login(client, province_admin).post(
        url, profile_of(enterprise_a, size="large", contact_phone="")
    )
    assert response.status_code == 200
    assert "size" in response.context["adminform"].form.errors
    assert Enterprise.objects.get(pk=enterprise_a.pk).size == enterprise_a.size


def test_a_draft_follows_the_profile_and_a_decided_one_frees_it(
    client, assessment, admin_a, enterprise_a
):
    login(client, admin_a).post(
        reverse("enterprise-edit", args=[enterprise_a.pk]),
        profile_of(enterprise_a, name="甲企业（新）有限公司"),
    )
    assessment.refresh_from_db()
    assert assessment.applicant_name == "甲企业（新）有限公司"


# --- the review reads the frozen identity ---------------------------------------------------


def test_a_moved_applicant_stays_in_its_citys_queue(
    client, submitted, enterprise_a, city_reviewer_suzhou, city_reviewer_nanjing
):
    # however the profile moved (a channel that bypassed the lock), the review reads the
    # identity frozen at submission
    Enterprise.objects.filter(pk=enterprise_a.pk).update(city=City.NANJING, name="改名企业")
    detail = reverse("review-detail", args=[submitted.pk])
    assert login(client, city_reviewer_nanjing).get(detail).status_code == 404
    assert submitted.pk not in [
        a.pk for a in login(client, city_reviewer_nanjing).get("/review/?state=").context["page"]
    ]
    suzhou = login(client, city_reviewer_suzhou)
    assert suzhou.get(detail).status_code == 200
    queue = suzhou.get(reverse("review-queue"))
    assert submitted.pk in [a.pk for a in queue.context["page"]]
    assert "甲企业" in queue.content.decode()
    with pytest.raises(Exception, match="推荐"):
        review_services.assessment_recommend(
            assessment=Assessment.objects.get(pk=submitted.pk), actor=city_reviewer_nanjing
        )
    review_services.assessment_recommend(
        assessment=Assessment.objects.get(pk=submitted.pk), actor=city_reviewer_suzhou
    )


def test_an_expert_employed_under_the_frozen_name_stays_excluded_after_a_rename(
    formally_checked, enterprise_a, admin_a, province_admin, experts
):
    insider = UserFactory(username="insider", role="expert", employer="甲企业")
    change = identity_services.identity_change_request(
        enterprise=enterprise_a,
        actor=admin_a,
        data={"name": "江苏丁智造有限公司"},
        reason="工商登记更名",
    )
    identity_services.identity_change_decide(change=change, actor=province_admin, approve=True)
    assert Enterprise.objects.get(pk=enterprise_a.pk).name == "江苏丁智造有限公司"
    frozen = Assessment.objects.get(pk=formally_checked.pk)
    assert frozen.applicant_name == "甲企业"
    review_services.assignments_auto(batch=formally_checked.batch, actor=province_admin)
    assigned = set(
        ExpertAssignment.objects.filter(assessment=formally_checked).values_list(
            "expert", flat=True
        )
    )
    assert insider.pk not in assigned and len(assigned) == 3
    with pytest.raises(Exception, match="工作单位"):
        review_services.assignment_add(assessment=frozen, expert=insider, actor=province_admin)
    # an expert of the new name is excluded too
    newcomer = UserFactory(username="newcomer", role="expert", employer="江苏丁智造有限公司")
    with pytest.raises(Exception, match="工作单位"):
        review_services.assignment_add(assessment=frozen, expert=newcomer, actor=province_admin)


# --- the change request ---------------------------------------------------------------------


def test_a_change_is_asked_confirmed_and_recorded(
    client, submitted, enterprise_a, admin_a, province_admin
):
    page = login(client, admin_a).get(reverse("enterprise-page", args=[enterprise_a.pk]))
    assert 'data-testid="identity-change-link"' in page.content.decode()
    response = client.post(
        reverse("identity-change-request", args=[enterprise_a.pk]),
        profile_of(
            enterprise_a, city=City.WUXI, district="320205", reason="迁址至无锡，已完成工商变更登记"
        ),
    )
    assert response.status_code == 302
    change = IdentityChangeRequest.objects.get()
    assert change.changes == {"city": City.WUXI, "district": "320205"}
    assert change.previous == {"city": City.SUZHOU, "district": "320505"}
    assert Notification.objects.filter(kind="enterprise.identity_request").exists()
    # a second request waits for the first
    again = client.post(
        reverse("identity-change-request", args=[enterprise_a.pk]),
        profile_of(enterprise_a, name="另一个名字", reason="再次申请"),
    )
    assert again.status_code == 409 and IdentityChangeRequest.objects.count() == 1

    listing = login(client, province_admin).get(reverse("identity-changes"))
    assert f'data-testid="identity-change-{change.pk}"' in listing.content.decode()
    assert "虎丘区 → <strong>锡山区</strong>" in listing.content.decode()
    refused = client.post(reverse("identity-change-decide", args=[change.pk]), {"approve": "0"})
    assert refused.status_code == 302
    change.refresh_from_db()
    assert change.status == "pending"  # refusing needs a reason
    client.post(reverse("identity-change-decide", args=[change.pk]), {"approve": "1"})
    change.refresh_from_db()
    assert change.status == "approved" and change.decided_by == province_admin
    moved = Enterprise.objects.get(pk=enterprise_a.pk)
    assert (moved.city, moved.district.name) == (City.WUXI, "锡山区")
    frozen = Assessment.objects.get(pk=submitted.pk)
    assert (frozen.applicant_city, frozen.applicant_district_code) == (City.SUZHOU, "320505")
    entry = AuditLog.objects.get(action="enterprise.identity_confirm")
    assert entry.actor == province_admin
    assert entry.data["changed"] == {
        "city": [City.SUZHOU, City.WUXI],
        "district": ["320505", "320205"],
    }


def test_a_request_is_refused_without_a_lock_or_a_change_or_a_reason(
    assessment, enterprise_a, admin_a, member_a
):
    from django.core.exceptions import PermissionDenied, ValidationError

    with pytest.raises(ValidationError, match="直接修改"):
        identity_services.identity_change_request(
            enterprise=enterprise_a, actor=admin_a, data={"name": "新名"}, reason="更名"
        )
    Assessment.objects.filter(pk=assessment.pk).update(state="submitted")
    with pytest.raises(PermissionDenied):
        identity_services.identity_change_request(
            enterprise=enterprise_a, actor=member_a, data={"name": "新名"}, reason="更名"
        )
    with pytest.raises(ValidationError) as nothing:
        identity_services.identity_change_request(
            enterprise=enterprise_a, actor=admin_a, data={"name": "甲企业"}, reason=""
        )
    assert set(nothing.value.message_dict) == {"name", "reason"}
    with pytest.raises(ValidationError) as bad_code:
        identity_services.identity_change_request(
            enterprise=enterprise_a, actor=admin_a, data={"credit_code": "123"}, reason="更正"
        )
    assert "credit_code" in bad_code.value.message_dict
    assert not IdentityChangeRequest.objects.exists()


def test_markup_in_a_request_and_its_refusal_is_shown_escaped(
    client, submitted, enterprise_a, admin_a, province_admin
):
    hostile = '<script>alert("x")</script>'
    change = identity_services.identity_change_request(
        enterprise=enterprise_a, actor=admin_a, data={"name": "甲企业二"}, reason=hostile
    )
    identity_services.identity_change_decide(
        change=change, actor=province_admin, approve=False, note=hostile
    )
    page = login(client, province_admin).get(reverse("identity-changes")).content.decode()
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page
