"""An enterprise generates its application report in Chromium, downloads it and checks its
verification code on the public page."""

import pytest
from playwright.sync_api import expect

from ..factories import PASSWORD
from ..test_report import pdf_text
from .conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_enterprise_downloads_its_report_and_verifies_the_code(page, submitted, eager_celery):
    sign_in(page, "admin_a", PASSWORD)
    page.goto(f"/assessments/{submitted.pk}/")
    page.get_by_test_id("assessment-tabs").get_by_role("link", name="申报书").click()
    expect(page.get_by_test_id("coverage-chart").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("improvement-chart").locator("svg rect").first).to_be_visible()
    page.get_by_test_id("report-generate").click()
    download_link = page.get_by_test_id("report-download")
    expect(download_link).to_be_visible(timeout=60_000)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as f:
        text = pdf_text(f.read())
    assert submitted.enterprise.name in text and submitted.snapshot_sha256 in text

    page.get_by_test_id("report-code").click()
    expect(page.get_by_test_id("verify-result")).to_have_attribute("data-valid", "1")
    expect(page.get_by_test_id("verify-enterprise")).to_have_text(submitted.enterprise.name)
