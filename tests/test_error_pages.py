"""The 403, 404 and 500 pages: in the portal's layout and the visitor's language, with a way
home, under the Content-Security-Policy; JSON under /api/, like every other API error."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from portal.models import ENTERPRISE_PROFILE_FIELDS

from .conftest import login

LAYOUT = 'class="navbar'  # the portal's navigation bar: the page is in the base layout


def in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def assert_error_page(response, status: int, *texts: str) -> str:
    assert response.status_code == status
    assert response["Content-Type"].startswith("text/html")
    assert "Content-Security-Policy" in response
    html = response.content.decode()
    assert LAYOUT in html and 'data-testid="error-page"' in html
    assert f'href="{reverse("home")}" data-testid="error-home"' in html
    for text in texts:
        assert text in html
    return html


def assert_json_error(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.mark.django_db
def test_a_missing_page_is_the_portal_s_404_in_chinese_and_in_english(client, admin_a):
    assert_error_page(client.get("/no-such-page/"), 404, "页面不存在")
    login(client, admin_a)
    html = assert_error_page(in_english(client).get("/no-such-page/"), 404, "Page not found")
    assert 'data-testid="current-user"' in html  # the navigation, as on every page


@pytest.mark.django_db
def test_an_unknown_api_path_is_a_json_404(client):
    assert assert_json_error(client.get("/api/v1/no-such-endpoint/"), 404) == {"detail": "未找到。"}
    assert assert_json_error(client.get("/api/no-such-thing/"), 404) == {"detail": "未找到。"}


@pytest.mark.django_db
def test_a_refused_page_is_the_portal_s_403_naming_the_reason(client, admin_a, member_a):
    login(client, admin_a)
    assert_error_page(
        client.get(reverse("identity-changes")), 403, "无权访问", "没有访问此页面的权限"
    )
    assert_error_page(in_english(client).get(reverse("identity-changes")), 403, "Access denied")
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert_error_page(
        client.get(reverse("dashboard")), 403, "只有省级管理员和市级主管部门可以查看统计看板。"
    )
    # the service's reason, when it gives one: a member may not edit the enterprise's profile
    enterprise = member_a.enterprise
    profile = {
        f: enterprise.serializable_value(f)
        for f in ENTERPRISE_PROFILE_FIELDS
        if enterprise.serializable_value(f) is not None
    }
    refused = login(Client(), member_a).post(
        reverse("enterprise-edit", args=[enterprise.pk]), profile
    )
    assert_error_page(refused, 403, "只有本企业管理员可以修改企业信息。")


@pytest.mark.django_db
def test_a_refused_api_call_stays_json(api_client, admin_a):
    login(api_client, admin_a)
    assert "detail" in assert_json_error(api_client.get("/api/v1/review/batches/"), 403)


@pytest.mark.urls("tests.error_urls")
def test_a_refusal_under_api_outside_drf_is_json(client):
    body = assert_json_error(client.get("/api/v1/refuses/"), 403)
    assert body == {"detail": "您没有执行该操作的权限。"}


@pytest.mark.urls("tests.error_urls")
def test_a_failure_is_the_portal_s_500_without_the_database_or_the_context():
    """No database here (the test has no access to it): the page needs none. Nor does it use
    the context processors: the navigation's links, given to every page, are absent."""
    client = Client(raise_request_exception=False)
    html = assert_error_page(client.get("/fails/"), 500, "服务器内部错误")
    assert "an unexpected failure" not in html and "Traceback" not in html
    assert reverse("catalog") not in html  # the navigation context processor did not run
    assert_error_page(in_english(client).get("/fails/"), 500, "Server error")


@pytest.mark.urls("tests.error_urls")
def test_a_failure_under_api_is_a_json_500():
    client = Client(raise_request_exception=False)
    body = assert_json_error(client.get("/api/v1/fails/"), 500)
    assert body == {"detail": "服务器内部错误。"}


@pytest.mark.django_db
def test_a_post_without_its_csrf_token_is_the_portal_s_403(admin_a):
    client = login(Client(enforce_csrf_checks=True), admin_a)
    response = client.post(reverse("notifications"), {})
    assert_error_page(response, 403, "请求已失效")
