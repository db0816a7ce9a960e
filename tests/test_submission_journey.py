"""After submitting: the receipt (a notification, an email and the printable PDF with the
verification code), withdrawing before the first reviewer acts, and the deadline's countdown."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from evaluation import confirmations, services
from evaluation.models import Assessment, State
from evaluation.submission_window import can_withdraw, days_left
from portal.exceptions import StateConflict
from portal.models import AuditLog, Notification
from review.models import Recommendation
from scenarios.models import Batch

from .conftest import login
from .test_report import pdf_text

pytestmark = pytest.mark.django_db


def close_batch(assessment):
    Batch.objects.filter(pk=assessment.batch_id).update(
        closes_at=timezone.now() - timedelta(hours=1)
    )
    assessment.batch.refresh_from_db()


def test_a_submission_s_receipt_is_a_notification_and_an_email_to_the_enterprise(
    member_a, submitted, admin_a, mailoutbox
):
    to = set(
        Notification.objects.filter(kind="assessment.receipt").values_list(
            "recipient__username", flat=True
        )
    )
    assert to == {admin_a.username, member_a.username}
    receipt = Notification.objects.filter(kind="assessment.receipt").first()
    assert submitted.snapshot_sha256 in receipt.body and receipt.url.endswith(
        f"/assessments/{submitted.pk}/"
    )
    assert any(submitted.snapshot_sha256 in m.body for m in mail.outbox)


def test_the_printable_receipt_states_what_was_submitted_with_its_verification_code(
    client, submitted, member_a
):
    login(client, member_a)
    overview = client.get(f"/assessments/{submitted.pk}/").content.decode()
    assert f"/assessments/{submitted.pk}/receipt.pdf" in overview
    response = client.get(f"/assessments/{submitted.pk}/receipt.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, "-raw")
    assert "自评估申报回执" in text and submitted.enterprise.name in text
    assert submitted.enterprise.credit_code in text and "测试批次" in text
    assert submitted.snapshot_sha256 in text.replace("\n", "")
    assert "已实施的典型场景 7" in text and "已具备的支撑要素 2" in text
    assert "承诺签署人 张三" in text


def test_the_administrator_withdraws_before_the_first_reviewer_acts(
    submitted, admin_a, member_a, city_reviewer_suzhou, django_capture_on_commit_callbacks
):
    digest = submitted.snapshot_sha256
    assert can_withdraw(admin_a, submitted) and not can_withdraw(member_a, submitted)
    assert not can_withdraw(city_reviewer_suzhou, submitted)
    with pytest.raises(PermissionDenied):
        services.assessment_withdraw(assessment=submitted, actor=member_a)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_withdraw(assessment=submitted, actor=admin_a)
    a = Assessment.objects.get(pk=submitted.pk)
    assert a.state == State.DRAFT and a.is_editable
    assert a.snapshot is None and a.snapshot_sha256 == "" and a.declarations == {}
    logged = AuditLog.objects.get(action="assessment.withdraw")
    assert logged.data == {"sha256": digest} and logged.actor == admin_a
    told = Notification.objects.get(kind="assessment.withdraw")
    assert told.recipient == city_reviewer_suzhou  # the one told of the submission
    assert not can_withdraw(admin_a, a)  # a draft is not withdrawn again


def test_once_a_reviewer_recorded_a_round_it_cannot_be_withdrawn(
    submitted, admin_a, city_reviewer_suzhou
):
    Recommendation.objects.create(
        assessment=submitted,
        reviewer=city_reviewer_suzhou,
        outcome=Recommendation.Outcome.RETURNED,
        snapshot_sha256=submitted.snapshot_sha256,
    )
    assert not can_withdraw(admin_a, submitted)
    assert confirmations.withdraw(admin_a, submitted) is None
    with pytest.raises(StateConflict):
        services.assessment_withdraw(assessment=submitted, actor=admin_a)
    assert Assessment.objects.get(pk=submitted.pk).state == State.SUBMITTED


def test_the_overview_offers_the_withdrawal_asks_first_and_warns_past_the_deadline(
    client, submitted, admin_a, member_a
):
    url = f"/assessments/{submitted.pk}/"
    login(client, member_a)
    assert 'data-testid="withdraw-form"' not in client.get(url).content.decode()
    client.logout()
    login(client, admin_a)
    html = client.get(url).content.decode()
    assert 'data-testid="withdraw-form"' in html and "确认撤回" in html
    assert 'data-testid="withdraw-warning"' not in html
    close_batch(submitted)
    asked = client.post(f"{url}withdraw/")
    assert asked.status_code == 200 and "撤回后将不能再次提交" in asked.content.decode()
    assert Assessment.objects.get(pk=submitted.pk).state == State.SUBMITTED
    assert 'data-testid="withdraw-warning"' in client.get(url).content.decode()
    done = client.post(f"{url}withdraw/", {"confirmed": "1"})
    assert done.status_code == 302 and done["Location"] == url
    assert Assessment.objects.get(pk=submitted.pk).state == State.DRAFT
    refused = client.post(f"{url}withdraw/", {"confirmed": "1"})
    assert refused.status_code == 409 and "不能撤回" in refused.content.decode()


def test_the_api_withdraws_as_the_service_does(api_client, submitted, admin_a):
    from .conftest import api_token

    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(admin_a)}")
    r = api_client.post(f"/api/v1/assessments/{submitted.pk}/withdraw/")
    assert r.status_code == 200 and r.json()["state"] == "draft"
    assert api_client.post(f"/api/v1/assessments/{submitted.pk}/withdraw/").status_code == 409


def test_a_batch_to_start_shows_its_countdown_on_the_home_page(client, open_batch, member_a):
    login(client, member_a)
    html = client.get("/").content.decode()
    assert "开始自评估" in html and 'data-testid="days-left"' in html


def test_the_countdown_to_the_deadline_on_the_home_page_and_the_overview(
    client, assessment, member_a
):
    left = days_left(assessment)
    assert left in (29, 30)  # the batch closes in 30 days (less a day across midnight)
    login(client, member_a)
    for page in ("/", f"/assessments/{assessment.pk}/", f"/assessments/{assessment.pk}/scenarios/"):
        html = client.get(page).content.decode()
        assert f"还剩 {left} 天" in html, page
    close_batch(assessment)
    assert days_left(assessment) is None
    assert "还剩" not in client.get("/").content.decode()


def test_the_step_bar_ticks_each_tab_and_the_checklist_links_to_the_field(
    client, assessment, admin_a, member_a
):
    from evaluation.selectors import assessment_progress, editor_steps, submission_todo

    steps = editor_steps(assessment, assessment_progress(assessment), [])
    assert [s.key for s in steps if not s.done] == []  # the complete draft
    services.scenario_answer_set(
        assessment=assessment, actor=admin_a, scenario_no=9, data={"status": "implemented"}
    )
    todo = submission_todo(assessment)
    assert {t.step for t in todo} == {"scenarios"}
    login(client, member_a)
    html = client.get(f"/assessments/{assessment.pk}/support/").content.decode()
    assert 'data-testid="step-scenarios" data-done="0"' in html
    assert 'data-testid="step-support" data-done="1"' in html
    link = f"/assessments/{assessment.pk}/scenarios/#scenario-9-description"
    assert f'href="{link}"' in html  # the checklist and the way on: back to the field
    assert html.split('data-testid="continue"')[0].rsplit("<a", 1)[1].count(link) == 1
    overview = client.get(f"/assessments/{assessment.pk}/").content.decode()
    assert f'href="{link}"' in overview


def test_the_upload_control_states_the_limits_the_upload_check_applies(
    client, assessment, member_a, settings
):
    settings.EVIDENCE_MAX_BYTES = 5 * 2**20
    login(client, member_a)
    html = client.get(f"/assessments/{assessment.pk}/scenarios/").content.decode()
    assert "PDF JPG PNG DOC DOCX XLS XLSX PPT PPTX，每个文件不超过 5.0 MB" in html
    assert 'accept=".pdf,.jpg,.png,.doc,.docx,.xls,.xlsx,.ppt,.pptx,.jpeg"' in html
    assert 'data-max-bytes="5242880"' in html and 'data-testid="upload-progress"' in html
