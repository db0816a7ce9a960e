"""The 公示 pages through the Django test client: the province's publishing page (asking first,
warning of a partial publication), the public list with its period, status and objection form,
and the province's objection pages."""

import re
from datetime import timedelta
from html import unescape

import pytest
from rest_framework.throttling import SimpleRateThrottle

from evaluation.models import State
from review.models import Objection
from scenarios.models import Batch

from .conftest import login
from .publicity import approve, image_letter, letter, lodge, objection_data, publish_now
from .services.test_review_workflow import quick_assessment

pytestmark = pytest.mark.django_db

CONTACT = {"contact_department": "江苏省工业和信息化厅", "contact_phone": "025-83331234"}


def publish_url(batch) -> str:
    return f"/review/batches/{batch.pk}/publish/"


def public_url(batch) -> str:
    return f"/public/lists/{batch.pk}/"


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture
def approved(under_review, province_admin):
    return approve(under_review, province_admin)


@pytest.fixture
def published(approved, province_admin):
    publish_now(approved.batch, province_admin)
    approved.batch.refresh_from_db()
    return approved


# --- publishing ----------------------------------------------------------------------------------


def test_publishing_with_undecided_applications_asks_to_publish_without_them(
    client, approved, province_admin
):
    batch = approved.batch
    waiting = quick_assessment(batch, name="无锡丙精密有限公司")
    login(client, province_admin)
    html = html_of(client.get(publish_url(batch)))
    assert f'data-testid="undecided-{waiting.pk}"' in html and "无锡丙精密有限公司" in html
    form = html[html.index('data-testid="publish-form"') :].split(">", 1)[0]
    assert 'data-confirm-warning="1"' in form and "部分发布" in unescape(form)
    assert 'name="partial"' in html and 'value="025-83331234"' in html  # the default contact

    # not ticked: the page asks (saying it is partial), then the service refuses, naming them
    data = {"action": "publish", **CONTACT}
    asked = html_of(client.post(publish_url(batch), data))
    assert 'data-testid="confirmation-warning"' in asked and "部分发布" in asked
    refused = client.post(publish_url(batch), data | {"confirmed": "1"})
    assert refused.status_code == 409 and "无锡丙精密有限公司" in html_of(refused)
    assert Batch.objects.get(pk=batch.pk).list_published_at is None

    done = client.post(publish_url(batch), data | {"partial": "on", "confirmed": "1"})
    assert done.status_code == 302
    assert Batch.objects.get(pk=batch.pk).list_published_at is not None


def test_the_publishing_form_names_the_field_at_fault(client, approved, province_admin):
    login(client, province_admin)
    data = {"action": "publish", "confirmed": "1", "contact_department": "省工信厅"}
    response = client.post(publish_url(approved.batch), data | {"contact_phone": "电话"})
    html = html_of(response)
    assert response.status_code == 400 and "请填写有效的电话号码" in html
    assert 'id="error_1_id_contact_phone"' in html or "is-invalid" in html
    assert Batch.objects.get(pk=approved.batch_id).list_published_at is None


# --- the public page -----------------------------------------------------------------------------


def test_the_public_page_shows_the_period_and_takes_an_objection(client, published):
    batch = published.batch
    html = html_of(client.get(public_url(batch)))
    assert 'data-status="running"' in html and "公示中" in html
    assert batch.publicity_starts_on.isoformat() in html and "025-83331234" in html
    assert 'data-testid="objection-form"' in html and 'enctype="multipart/form-data"' in html

    data = objection_data(published) | {"letter": image_letter()}
    response = client.post(f"{public_url(batch)}objections/", data, follow=True)
    assert response.redirect_chain[-1][0] == f"{public_url(batch)}#objection"
    assert "您的异议已提交" in html_of(response)
    objection = Objection.objects.get()
    assert objection.letter_content_type == "image/png" and objection.objector_name == "王五"
    client.cookies["django_language"] = "en"
    html = html_of(client.get(public_url(batch)))
    assert "Open for objections" in html and "Lodge an objection" in html


def test_an_anonymous_objection_is_refused_with_the_fields_named(client, published):
    data = objection_data(published, objector_name="", phone="") | {"grounds": "有问题"}
    response = client.post(f"{public_url(published.batch)}objections/", data)
    html = html_of(response)
    assert response.status_code == 400 and not Objection.objects.exists()
    for message in ("请填写异议人姓名或单位名称", "请填写联系电话", "请上传签名"):
        assert message in html


def test_outside_the_period_the_page_offers_no_form_and_refuses_one(client, published):
    batch = published.batch
    Batch.objects.filter(pk=batch.pk).update(
        publicity_starts_on=batch.publicity_starts_on + timedelta(days=10),
        publicity_ends_on=batch.publicity_starts_on + timedelta(days=16),
    )
    html = html_of(client.get(public_url(batch)))
    assert 'data-status="upcoming"' in html and 'data-testid="objection-form"' not in html
    data = objection_data(published) | {"letter": letter()}
    response = client.post(f"{public_url(batch)}objections/", data)
    assert response.status_code == 409 and "目前不在公示期内，不受理异议" in html_of(response)
    assert not Objection.objects.exists()


def test_the_objection_form_is_throttled_per_client(client, published, monkeypatch):
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "objection", "1/hour")
    url = f"{public_url(published.batch)}objections/"
    assert client.post(url, {}).status_code == 400
    response = client.post(url, objection_data(published) | {"letter": letter()})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "提交过于频繁" in html_of(response) and not Objection.objects.exists()


def test_the_page_says_when_the_list_is_final(client, published, province_admin):
    batch = published.batch
    objection = lodge(published)
    Batch.objects.filter(pk=batch.pk).update(
        publicity_starts_on=batch.publicity_starts_on - timedelta(days=10),
        publicity_ends_on=batch.publicity_starts_on - timedelta(days=3),
    )
    html = html_of(client.get(public_url(batch)))
    assert 'data-status="reviewing"' in html and "异议正在核查处理" in html
    login(client, province_admin)
    client.post(
        f"/review/objections/{objection.pk}/resolve/",
        {"outcome": "dismissed", "reason": "经核查不属实。", "confirmed": "1"},
    )
    client.logout()
    html = html_of(client.get(public_url(batch)))
    assert 'data-testid="publicity-final"' in html and "名单为最终结果" in html
    assert "公示结束，名单为最终结果" in html_of(client.get("/public/lists/"))


# --- the province's objection pages ---------------------------------------------------------------


def test_the_province_reads_an_objection_with_its_letter_and_upholds_it(
    client, published, province_admin, admin_a
):
    objection = lodge(published)
    login(client, province_admin)
    listing = html_of(client.get(f"/review/batches/{published.batch_id}/objections/"))
    assert f'data-testid="objection-{objection.pk}"' in listing and "王五" in listing
    html = html_of(client.get(f"/review/objections/{objection.pk}/"))
    assert "13812345678" in html and f"/review/objections/{objection.pk}/letter/" in html
    form = html[html.index('data-testid="resolve-form"') :].split(">", 1)[0]
    assert "data-confirm-title=" in form and "认定决定将撤回" in unescape(form)

    letter_response = client.get(f"/review/objections/{objection.pk}/letter/")
    assert letter_response["Content-Disposition"].startswith("attachment")
    assert letter_response["Content-Security-Policy"] == "sandbox"
    assert b"".join(letter_response.streaming_content).startswith(b"%PDF")

    url = f"/review/objections/{objection.pk}/resolve/"
    data = {"outcome": "upheld", "reason": "排产场景未投用。"}
    assert 'data-testid="confirmation"' in html_of(client.post(url, data))
    assert Objection.objects.get().status == Objection.Status.PENDING
    assert client.post(url, data | {"confirmed": "1"}).status_code == 302
    assert Objection.objects.get().status == Objection.Status.UPHELD
    published.refresh_from_db()
    assert published.state == State.UNDER_REVIEW
    assert "甲企业" not in html_of(client.get(public_url(published.batch)))

    login(client, admin_a)  # the enterprise never reads the objection or its letter
    assert client.get(f"/review/objections/{objection.pk}/").status_code == 403
    assert client.get(f"/review/objections/{objection.pk}/letter/").status_code == 403
    assert "王五" not in html_of(client.get("/notifications/"))


def test_resolving_without_a_reason_names_the_field(client, published, province_admin):
    objection = lodge(published)
    login(client, province_admin)
    response = client.post(
        f"/review/objections/{objection.pk}/resolve/", {"outcome": "dismissed", "confirmed": "1"}
    )
    assert response.status_code == 400 and "请填写处理理由" in html_of(response)
    assert Objection.objects.get().is_pending


def test_the_batch_tabs_lead_to_the_publicity_pages(client, published, province_admin):
    login(client, province_admin)
    html = html_of(client.get(f"/review/batches/{published.batch_id}/decisions/"))
    tabs = html[html.index('data-testid="batch-tabs"') :]
    assert re.search(rf'href="{publish_url(published.batch)}" data-testid="tab-publish"', tabs)
    assert f"/review/batches/{published.batch_id}/objections/" in tabs
