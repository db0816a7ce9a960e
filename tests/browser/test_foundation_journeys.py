import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_enterprise_user_logs_in_browses_the_catalog_and_switches_language(page, catalog, admin_a):
    sign_in(page, "admin_a", PASSWORD)
    expect(page.get_by_test_id("current-user")).to_contain_text("admin_a")
    expect(page.locator("main")).to_contain_text("甲企业")

    page.get_by_role("navigation").get_by_role("link", name="场景目录").click()
    expect(page.locator("h1")).to_contain_text("典型场景参考指引")
    scenario = page.get_by_test_id("scenario-2")
    expect(scenario).to_be_hidden()
    page.get_by_test_id("link-1").click()
    expect(scenario).to_be_visible()
    expect(scenario).to_contain_text("车间智能排产")
    expect(scenario).to_contain_text("高级计划排程系统（APS）")

    page.get_by_role("tab", name="成效指标").click()
    expect(page.get_by_test_id("indicator-15")).to_contain_text("起/20万工时")

    page.get_by_test_id("language-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(
        page.get_by_role("navigation").get_by_role("link", name="Scenario catalog")
    ).to_be_visible()
    page.get_by_test_id("link-1").click()
    expect(page.get_by_test_id("scenario-2")).to_contain_text("Intelligent shop-floor scheduling")

    page.get_by_test_id("language-zh-hans").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")


def test_wrong_password_keeps_the_user_on_the_login_page(page, admin_a):
    sign_in(page, "admin_a", "wrong-password")
    assert page.url.endswith("/accounts/login/")
    expect(page.locator(".alert-danger, .invalid-feedback, .errorlist").first).to_be_visible()
    expect(page.get_by_test_id("current-user")).to_have_count(0)


def test_the_api_docs_and_the_error_pages_work_under_the_content_security_policy(page):
    # Swagger UI's bundle (1.4 MB) and the schema, generated on this first request, take
    # seconds on a busy machine
    page.goto("/api/docs/", timeout=60_000)
    expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Self-Assessment Portal API", timeout=60_000
    )
    expect(page.locator(".opblock").first).to_be_visible()

    page.goto("/no-such-page/")
    expect(page.get_by_test_id("error-status")).to_have_text("404")
    page.get_by_test_id("error-home").click()
    expect(page.get_by_role("navigation").get_by_role("link", name="场景目录")).to_be_visible()


def test_an_official_enrols_at_the_first_sign_in_then_signs_in_with_a_recovery_code(
    page, city_reviewer_suzhou
):
    """The authenticator app is played by the test: it reads the secret the page shows."""
    from base64 import b32decode

    from django_otp.oath import TOTP

    page.goto("/accounts/login/")
    page.fill("input[name=username]", "city_sz")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url("**/account/two-factor/setup/**")
    expect(page.get_by_test_id("two-factor-qr").locator("svg")).to_be_visible()
    page.goto("/review/")  # nothing else until enrolled
    page.wait_for_url("**/account/two-factor/setup/?next=/review/")
    secret = page.get_by_test_id("two-factor-secret").inner_text().replace(" ", "")
    page.fill("input[name=code]", f"{TOTP(b32decode(secret)).token():06d}")
    page.get_by_role("button", name="确认绑定").click()
    codes = page.get_by_test_id("recovery-codes").locator("li")
    expect(codes).to_have_count(10)
    recovery = codes.first.inner_text()
    page.get_by_test_id("continue").click()
    page.wait_for_url("**/review/")
    expect(page.get_by_role("navigation").get_by_role("link", name="审核")).to_be_visible()

    page.locator("nav form[action='/accounts/logout/'] button").click()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "city_sz")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form").get_by_role("button").click()
    page.wait_for_url("**/account/two-factor/verify/**")
    page.get_by_test_id("use-recovery-code").click()
    page.fill("input[name=code]", recovery)
    page.get_by_role("button", name="验证").click()
    page.wait_for_url("**/account/security/")
    expect(page.locator(".alert-warning")).to_contain_text("还剩 9 个")
    expect(page.get_by_test_id("two-factor-replace")).to_be_visible()
