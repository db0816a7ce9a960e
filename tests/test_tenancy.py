"""Enterprise A never sees or changes B's data, through the web or the API."""

import pytest

from portal.models import ENTERPRISE_PROFILE_FIELDS, AuditLog, Enterprise

from .conftest import api_token, login


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/enterprises/{pk}/", "/enterprises/{pk}/edit/", "/enterprises/{pk}/members/"]
)
def test_web_pages_of_another_enterprise_are_404(client, admin_a, enterprise_b, path):
    login(client, admin_a)
    assert client.get(path.format(pk=enterprise_b.pk)).status_code == 404


@pytest.mark.django_db
def test_posting_to_another_enterprise_is_404_and_changes_nothing(client, admin_a, enterprise_b):
    login(client, admin_a)
    name = enterprise_b.name
    response = client.post(f"/enterprises/{enterprise_b.pk}/edit/", {"name": "劫持"})
    assert response.status_code == 404
    response = client.post(
        f"/enterprises/{enterprise_b.pk}/members/invite/",
        {"email": "x@example.com", "role": "enterprise_member"},
    )
    assert response.status_code == 404
    enterprise_b.refresh_from_db()
    assert enterprise_b.name == name
    assert not enterprise_b.invitations.exists()


@pytest.mark.django_db
def test_api_lists_only_the_callers_enterprise(api_client, admin_a, enterprise_a, enterprise_b):
    api_client.force_authenticate(admin_a)
    body = api_client.get("/api/v1/enterprises/").json()
    assert body["count"] == 1
    assert [e["id"] for e in body["results"]] == [enterprise_a.pk]
    assert api_client.get(f"/api/v1/enterprises/{enterprise_b.pk}/").status_code == 404
    response = api_client.patch(
        f"/api/v1/enterprises/{enterprise_b.pk}/", {"name": "劫持"}, format="json"
    )
    assert response.status_code == 404
    assert Enterprise.objects.get(pk=enterprise_b.pk).name == "乙企业"


@pytest.mark.django_db
def test_api_with_token_is_scoped_the_same(api_client, admin_b, enterprise_a):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(admin_b)}")
    assert api_client.get(f"/api/v1/enterprises/{enterprise_a.pk}/").status_code == 404


@pytest.mark.django_db
def test_city_reviewer_sees_only_its_city(
    api_client, client, city_reviewer_nanjing, enterprise_a, enterprise_b
):
    api_client.force_authenticate(city_reviewer_nanjing)
    ids = [e["id"] for e in api_client.get("/api/v1/enterprises/").json()["results"]]
    assert ids == [enterprise_b.pk]
    assert api_client.get(f"/api/v1/enterprises/{enterprise_a.pk}/").status_code == 404
    login(client, city_reviewer_nanjing)
    assert client.get(f"/enterprises/{enterprise_a.pk}/").status_code == 404
    assert client.get(f"/enterprises/{enterprise_b.pk}/").status_code == 200
    # Reviewers read profiles; they do not edit them.
    assert (
        api_client.patch(
            f"/api/v1/enterprises/{enterprise_b.pk}/", {"name": "x"}, format="json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_expert_sees_no_enterprise_until_assigned(api_client, expert, enterprise_a):
    api_client.force_authenticate(expert)
    assert api_client.get("/api/v1/enterprises/").json()["count"] == 0


@pytest.mark.django_db
def test_province_admin_sees_all(api_client, province_admin, enterprise_a, enterprise_b):
    api_client.force_authenticate(province_admin)
    assert api_client.get("/api/v1/enterprises/").json()["count"] == 2


@pytest.mark.django_db
def test_member_reads_but_cannot_edit_own_enterprise(client, api_client, member_a, enterprise_a):
    login(client, member_a)
    assert client.get(f"/enterprises/{enterprise_a.pk}/").status_code == 200
    assert client.get(f"/enterprises/{enterprise_a.pk}/edit/").status_code == 403
    api_client.force_authenticate(member_a)
    assert (
        api_client.patch(
            f"/api/v1/enterprises/{enterprise_a.pk}/", {"district": "320506"}, format="json"
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_admin_edits_own_enterprise_with_field_errors_and_audit(
    client, api_client, admin_a, enterprise_a
):
    api_client.force_authenticate(admin_a)
    response = api_client.patch(
        f"/api/v1/enterprises/{enterprise_a.pk}/",
        {"credit_code": "91350100M000100Y40", "industry_code": "A01"},
        format="json",
    )
    assert response.status_code == 400
    assert {"credit_code", "industry_code"} <= set(response.json())
    response = api_client.patch(
        f"/api/v1/enterprises/{enterprise_a.pk}/", {"district": "320506"}, format="json"
    )
    assert response.status_code == 200 and response.json()["district"] == "320506"
    assert response.json()["district_name"] == "吴中区"
    assert AuditLog.objects.filter(action="enterprise.update", enterprise=enterprise_a).exists()
    login(client, admin_a)
    response = client.post(f"/enterprises/{enterprise_a.pk}/edit/", {"name": ""})
    assert response.status_code == 200
    assert "name" in response.context["form"].errors


@pytest.mark.django_db
def test_anonymous_is_sent_to_login_and_api_says_401(client, api_client, enterprise_a):
    response = client.get(f"/enterprises/{enterprise_a.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    response = api_client.get("/api/v1/enterprises/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"


@pytest.mark.django_db
def test_the_enterprise_pages_links_are_the_web_pages_not_the_api(client, admin_a, enterprise_a):
    """The web page and the API's detail route must not share a URL name."""
    login(client, admin_a)
    home = client.get("/").content.decode()
    assert f'href="/enterprises/{enterprise_a.pk}/"' in home
    assert f"/api/v1/enterprises/{enterprise_a.pk}/" not in home
    response = client.post(
        f"/enterprises/{enterprise_a.pk}/edit/",
        {
            **{
                f: enterprise_a.serializable_value(f)
                for f in ENTERPRISE_PROFILE_FIELDS
                if enterprise_a.serializable_value(f) is not None
            },
            "district": "320506",
        },
    )
    assert (
        response.status_code == 302 and response["Location"] == f"/enterprises/{enterprise_a.pk}/"
    )
