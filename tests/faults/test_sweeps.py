"""The periodic sweeps: what they pick up, what they leave alone, and that a second run
finds nothing left to do."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from evaluation import services
from evaluation.models import Assessment, Evaluation
from portal.models import Notification
from portal.services import notification_emails_sweep, notify
from reports.models import Report, ReportStatus
from reports.services import report_request, reports_sweep

from ..factories import UserFactory
from ..services.conftest import DECLARED


def submit(assessment, actor):
    """Submitted; the evaluation task is never queued (on-commit hooks do not run here)."""
    services.assessment_submit(assessment=assessment, actor=actor, declarations=DECLARED)
    assessment.refresh_from_db()
    return assessment


def test_the_evaluation_sweep_leaves_drafts_and_fresh_submissions_to_their_task(
    assessment, admin_a, settings
):
    settings.EVALUATION_STALE_AFTER = 120
    assert services.evaluations_sweep() == []  # a draft
    submit(assessment, admin_a)
    assert services.evaluations_sweep() == []  # its task may still be on the way

    Assessment.objects.filter(pk=assessment.pk).update(
        submitted_at=timezone.now() - timedelta(minutes=3)
    )
    assert services.evaluations_sweep() == [assessment.pk]
    assert Evaluation.objects.get(assessment=assessment).highest_tier == "workshop"
    assert services.evaluations_sweep() == []


def test_an_evaluation_of_the_draft_is_redone_for_the_submission_once(
    assessment, admin_a, settings
):
    settings.EVALUATION_STALE_AFTER = 0
    of_draft = services.evaluation_refresh(assessment=assessment)
    submit(assessment, admin_a)
    assert services.evaluations_sweep() == [assessment.pk]
    of_submission = Evaluation.objects.get(assessment=assessment)
    assert of_submission.computed_at > assessment.submitted_at > of_draft.computed_at
    # the same data, now under the batch's rules (fixed from the defaults at its submission)
    assert (of_draft.rules_source, of_submission.rules_source) == ("default", "batch")
    assert of_submission.input_fingerprint != of_draft.input_fingerprint
    assert services.evaluations_sweep() == []
    assert services.evaluation_refresh(assessment=assessment).computed_at == (
        of_submission.computed_at
    )


def test_one_assessment_that_fails_does_not_block_the_others(
    assessment, admin_a, settings, monkeypatch
):
    settings.EVALUATION_STALE_AFTER = 0
    submit(assessment, admin_a)
    monkeypatch.setattr(services, "evaluation_refresh", lambda **kw: 1 / 0)
    assert services.evaluations_sweep() == []
    monkeypatch.undo()
    assert services.evaluations_sweep() == [assessment.pk]


@pytest.mark.parametrize("status", [ReportStatus.PENDING, ReportStatus.RENDERING])
def test_the_report_sweep_queues_a_stale_request_again(
    status, submitted, admin_a, settings, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        report = report_request(assessment=submitted, actor=admin_a)
    assert len(queued) == 1  # published at commit; here, never
    Report.objects.filter(pk=report.pk).update(status=status)

    settings.REPORT_STALE_AFTER = 300
    assert reports_sweep() == []
    settings.REPORT_STALE_AFTER = 0
    with django_capture_on_commit_callbacks(execute=True):
        assert reports_sweep() == [report.pk]
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.pages > 5, report.error
    assert reports_sweep() == []
    assert Report.objects.filter(assessment=submitted).count() == 1


def test_the_email_sweep_sends_each_unsent_notification_once(db, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with_address = UserFactory(username="with_address")
    without_address = UserFactory(username="without_address", email="")
    inactive = UserFactory(username="inactive", is_active=True)
    notify(recipients=[with_address, without_address, inactive], kind="test", title="测试通知")
    inactive.is_active = False
    inactive.save()
    assert notification_emails_sweep() == 0  # the email task may still be on its way

    ago = timezone.now() - timedelta(seconds=settings.NOTIFICATION_EMAIL_RETRY_AFTER + 60)
    Notification.objects.update(created_at=ago)
    stale = notify(recipients=[with_address], kind="test", title="旧通知")[0]
    too_old = timezone.now() - timedelta(seconds=settings.NOTIFICATION_EMAIL_GIVE_UP_AFTER + 60)
    Notification.objects.filter(pk=stale.pk).update(created_at=too_old)

    assert notification_emails_sweep() == 1
    assert [m.to for m in mail.outbox] == [[with_address.email]]
    assert "测试通知" in mail.outbox[0].subject
    assert Notification.objects.get(recipient=with_address, title="测试通知").emailed_at
    assert notification_emails_sweep() == 0
    assert len(mail.outbox) == 1
