"""The 公示 of a published list, service by service: the period in working days, publishing
(every recommended application decided, or an explicit partial publication), objections
lodged during the period only and never anonymously, their resolution (an upheld one reopens
the enterprise's decision), who is told what, and when the list is final."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from evaluation.models import State
from portal.exceptions import StateConflict
from portal.models import AuditLog, Notification
from review import rules
from review import selectors as sel
from review import services as rs
from review.models import Decision, Objection
from review.working_days import default_period, period_end, working_days_in
from scenarios.models import Batch

from ..publicity import approve, letter, lodge, objection_data, publish_now
from .test_review_workflow import quick_assessment, refused

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 3, 2)


@pytest.fixture
def approved(under_review, province_admin):
    return approve(under_review, province_admin)


@pytest.fixture
def published(approved, province_admin):
    publish_now(approved.batch, province_admin)
    approved.batch.refresh_from_db()
    return approved


# --- the period ----------------------------------------------------------------------------------


def test_five_working_days_skip_weekends_and_listed_holidays(settings):
    assert period_end(MONDAY, 5) == date(2026, 3, 6)  # Monday to Friday
    assert default_period(date(2026, 3, 7)) == (date(2026, 3, 9), date(2026, 3, 13))  # a Saturday
    settings.PUBLICITY_HOLIDAYS = frozenset({date(2026, 3, 4)})
    settings.PUBLICITY_MAKEUP_WORKDAYS = frozenset({date(2026, 3, 7)})  # a Saturday worked
    assert period_end(MONDAY, 5) == date(2026, 3, 7)
    assert working_days_in(MONDAY, date(2026, 3, 8)) == 5


def test_publishing_sets_the_default_period_and_contact(approved, province_admin, settings):
    rs.batch_list_publish(batch=approved.batch, actor=province_admin)
    batch = Batch.objects.get(pk=approved.batch_id)
    start, end = default_period(timezone.localdate())
    assert (batch.publicity_starts_on, batch.publicity_ends_on) == (start, end)
    assert working_days_in(start, end) == settings.PUBLICITY_WORKING_DAYS == 5
    assert batch.publicity_contact_department == settings.PUBLICITY_CONTACT_DEPARTMENT
    assert batch.publicity_contact_phone == "025-83331234"
    log = AuditLog.objects.get(action="batch.publish")
    assert log.data["period"] == {"start": start.isoformat(), "end": end.isoformat()}
    assert log.data["partial"] is False and log.data["undecided"] == []
    body = Notification.objects.get(kind="batch.publish").body
    assert start.isoformat() in body and end.isoformat() in body


def test_publishing_refuses_a_bad_period_and_contact_naming_each_field(approved, province_admin):
    today = timezone.localdate()
    with refused(ValidationError, "starts_on", "contact_phone", "contact_email"):
        rs.batch_list_publish(
            batch=approved.batch,
            actor=province_admin,
            starts_on=today - timedelta(days=1),
            contact_phone="12345",
            contact_email="not-an-address",
        )
    with refused(ValidationError, "ends_on", "contact_department"):
        rs.batch_list_publish(
            batch=approved.batch,
            actor=province_admin,
            starts_on=today + timedelta(days=3),
            ends_on=today + timedelta(days=2),
            contact_department=" ",
        )


def test_a_partial_publication_leaves_the_undecided_out_until_published_again(
    approved, province_admin, experts
):
    batch = approved.batch
    waiting = quick_assessment(batch, name="无锡丙精密有限公司")
    with refused(StateConflict, "partial") as refusal:
        rs.batch_list_publish(batch=batch, actor=province_admin)
    assert "无锡丙精密有限公司" in str(refusal.value)

    publish_now(batch, province_admin, partial=True)
    batch.refresh_from_db()
    # decided after the list went out: not on it without a publication of its own
    rs.assignment_add(assessment=waiting, expert=experts[0], actor=province_admin)
    approve(waiting, province_admin)
    assert [r["enterprise"] for r in sel.public_list(batch)] == ["甲企业"]
    rs.batch_list_withdraw(batch=batch, actor=province_admin)
    publish_now(batch, province_admin)
    batch.refresh_from_db()
    assert len(sel.public_list(batch)) == 2


# --- objections ----------------------------------------------------------------------------------


def test_objections_are_received_during_the_period_only(published, province_admin):
    batch = published.batch
    start, end = batch.publicity_starts_on, batch.publicity_ends_on
    assert not rules.objections_open(batch, start - timedelta(days=1))
    assert rules.objections_open(batch, start) and rules.objections_open(batch, end)
    assert not rules.objections_open(batch, end + timedelta(days=1))

    Batch.objects.filter(pk=batch.pk).update(publicity_ends_on=start - timedelta(days=1))
    with refused(StateConflict) as refusal:
        lodge(published)
    assert "目前不在公示期内，不受理异议" in str(refusal.value)
    assert not Objection.objects.exists()


def test_an_anonymous_objection_is_refused_naming_the_missing_fields(published):
    data = objection_data(published, objector_name=" ", phone="", objector_type="")
    with refused(ValidationError, "objector_name", "phone", "letter", "objector_type"):
        rs.objection_lodge(batch=published.batch, data=data, letter=None)
    with refused(ValidationError, "phone", "email", "assessment", "letter"):
        rs.objection_lodge(
            batch=published.batch,
            data=objection_data(published, phone="8888", email="x@", assessment="999999"),
            letter=letter("异议书.docx"),  # a letter is a PDF or an image
        )
    assert not Objection.objects.exists()


def test_an_objection_is_stored_privately_audited_and_the_province_told(
    published, province_admin, settings
):
    objection = lodge(published, phone="+86 138 1234 5678")
    assert objection.phone == "13812345678" and objection.status == Objection.Status.PENDING
    stored = settings.PRIVATE_MEDIA_ROOT.joinpath(objection.letter.name)
    assert stored.read_bytes().startswith(b"%PDF") and "/objections/" in str(stored)
    log = AuditLog.objects.get(action="objection.lodge")
    assert log.actor is None and log.enterprise is None  # not on the enterprise's own log
    assert "王五" not in log.summary
    assert list(
        Notification.objects.filter(kind="objection.lodge").values_list("recipient", flat=True)
    ) == [province_admin.pk]


def test_an_upheld_objection_reopens_the_decision_and_tells_both_sides(
    published, province_admin, admin_a, eager_celery, django_capture_on_commit_callbacks
):
    objection = lodge(published)
    decision = Decision.objects.get(assessment=published)
    with django_capture_on_commit_callbacks(execute=True):
        rs.objection_resolve(
            objection=objection, actor=province_admin, outcome="upheld", reason="排产场景未投用。"
        )
    published.refresh_from_db()
    assert published.state == State.UNDER_REVIEW and published.decided_at is None
    assert not Decision.objects.filter(assessment=published).exists()
    assert rules.can_decide(province_admin, published)  # the province decides again
    assert sel.public_list(published.batch) == []
    reopened = AuditLog.objects.get(action="review.reopen")
    assert reopened.data["withdrawn_decision"]["reason"] == decision.reason
    assert reopened.enterprise_id == published.enterprise_id  # on the enterprise's own log:
    assert "figures" not in reopened.data["withdrawn_decision"]  # never the scores
    assert not {"flags", "justification"} & set(reopened.data["withdrawn_decision"])
    assert reopened.data["objection"] == objection.pk and "王五" not in str(reopened.data)

    told = Notification.objects.get(kind="objection.resolve", recipient=admin_a)
    assert "原认定决定已撤回" in told.body and "排产场景未投用。" in told.body
    assert "王五" not in told.title + told.body and "13812345678" not in told.body
    [email] = [m for m in mail.outbox if m.to == ["wangwu@example.com"]]
    assert email.to == ["wangwu@example.com"] and "异议成立" in email.body
    assert Objection.objects.get(pk=objection.pk).objector_emailed_at is not None
    assert rs.objection_outcome_email_send(objection.pk) is False  # never twice

    with refused(StateConflict):
        rs.objection_resolve(
            objection=objection, actor=province_admin, outcome="dismissed", reason="再议"
        )


def test_a_dismissed_objection_leaves_the_list_and_needs_a_reason(
    published, province_admin, admin_a
):
    objection = lodge(published, email="")
    with refused(ValidationError, "outcome", "reason"):
        rs.objection_resolve(objection=objection, actor=province_admin, outcome="", reason=" ")
    with pytest.raises(PermissionDenied):
        rs.objection_resolve(objection=objection, actor=admin_a, outcome="dismissed", reason="否")
    rs.objection_resolve(
        objection=objection, actor=province_admin, outcome="dismissed", reason="经核查属实。"
    )
    assert [r["enterprise"] for r in sel.public_list(published.batch)] == ["甲企业"]
    assert "公示结果不变" in Notification.objects.get(kind="objection.resolve").body


def test_the_list_is_final_once_the_period_ended_and_every_objection_is_resolved(
    published, province_admin
):
    batch = published.batch
    objection = lodge(published)
    assert sel.publicity_of(batch).status == "running"
    after = batch.publicity_ends_on + timedelta(days=1)
    assert sel.publicity_of(batch, after).status == "reviewing"
    rs.objection_resolve(
        objection=objection, actor=province_admin, outcome="dismissed", reason="不属实。"
    )
    assert sel.publicity_of(batch, after).is_final
    assert sel.publicity_of(batch, batch.publicity_starts_on - timedelta(days=1)).status == (
        "upcoming"
    )


def test_the_email_sweep_sends_an_unsent_outcome_once(published, province_admin):
    mail.outbox.clear()  # the submission's receipt
    objection = lodge(published)
    rs.objection_resolve(
        objection=objection, actor=province_admin, outcome="dismissed", reason="不属实。"
    )  # its task is never run here: as if the broker had been down
    assert rs.objection_emails_sweep() == 0  # the task may still be on its way
    Objection.objects.filter(pk=objection.pk).update(
        resolved_at=timezone.now() - timedelta(hours=1)
    )
    assert rs.objection_emails_sweep() == 1
    assert [m.to for m in mail.outbox] == [["wangwu@example.com"]]
    assert rs.objection_emails_sweep() == 0
