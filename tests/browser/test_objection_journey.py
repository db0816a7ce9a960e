"""A member of the public objects, in Chromium: on a list whose 公示 period runs, they name
themselves, pick the enterprise, give their grounds and upload their signed letter."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from evaluation.models import Assessment, State
from review.models import Objection
from scenarios.models import Batch

from ..services.conftest import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def listed(catalog, enterprise_a):
    """Enterprise A approved in a batch whose list is published, its period running."""
    now, today = timezone.now(), timezone.localdate()
    batch = Batch.objects.create(
        year=now.year,
        name="公示批次",
        catalog_version=catalog,
        opens_at=now - timedelta(days=90),
        closes_at=now - timedelta(days=60),
        list_published_at=now - timedelta(hours=1),
        publicity_starts_on=today,
        publicity_ends_on=today + timedelta(days=6),
        publicity_contact_department="江苏省工业和信息化厅",
        publicity_contact_phone="025-83331234",
    )
    return Assessment.objects.create(
        enterprise=enterprise_a,
        batch=batch,
        current_year=now.year - 1,
        base_year=now.year - 2,
        state=State.APPROVED,
        decided_tier="workshop",
        decided_at=now - timedelta(days=1),
    )


def test_a_member_of_the_public_lodges_a_signed_objection(page, listed, tmp_path):
    signed = tmp_path / "异议书.pdf"
    signed.write_bytes(PDF)
    page.goto(f"/public/lists/{listed.batch_id}/")
    expect(page.get_by_test_id("publicity-status")).to_have_text("公示中")
    form = page.get_by_test_id("objection-form")
    form.get_by_label("单位", exact=True).check()
    form.get_by_label("姓名或单位名称").fill("某某自动化有限公司")
    form.get_by_label("联系电话").fill("0512-66668888")
    form.get_by_label("异议涉及的企业").select_option(label="甲企业")
    form.get_by_label("异议理由及事实依据").fill("该企业的智能排产场景尚未投入使用。")
    form.get_by_label("签名（盖章）的书面异议材料").set_input_files(signed)
    page.get_by_test_id("objection-submit").click()
    expect(page.locator("main .alert-success")).to_contain_text("您的异议已提交")
    objection = Objection.objects.get()
    assert objection.objector_type == "organisation" and objection.letter_name == "异议书.pdf"
