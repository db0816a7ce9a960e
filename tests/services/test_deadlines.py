"""Deadlines: the batch's deadline settings, the resubmission window after a return, the
reminders sent before each deadline (once per person, deadline and day, to those it concerns
only), the province's reminder by hand to those late, and how long an approval lasts. The clock
is moved by replacing ``django.utils.timezone.now``, as the other time-dependent tests do."""

from datetime import datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluation import services as ev
from evaluation.models import State
from evaluation.submission_window import submission_open
from portal.models import AuditLog, Notification, Role
from review import services as rs
from review.deadlines import STAGES, Due, Stage, assessment_deadline, stage_register
from review.models import DeadlineReminder
from scenarios.models import Batch

from ..conftest import complete_review
from ..factories import UserFactory, district_of
from .conftest import DECLARED, answers_to
from .test_review_workflow import refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)`` makes ``timezone.now()`` answer that moment from then on."""

    def set_to(moment: datetime):
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return set_to


def at_days_before(deadline: datetime, days: int) -> datetime:
    """Noon (local time), ``days`` calendar days before the deadline's day."""
    day = timezone.localdate(deadline) - timedelta(days=days)
    return timezone.make_aware(datetime(day.year, day.month, day.day, 12))


def reminded(stage: str | None = None) -> list[str]:
    qs = Notification.objects.filter(kind__startswith="deadline.")
    if stage:
        qs = qs.filter(kind=f"deadline.{stage}")
    return sorted(qs.values_list("recipient__username", flat=True))


def set_batch(batch: Batch, **fields) -> Batch:
    Batch.objects.filter(pk=batch.pk).update(**fields)
    batch.refresh_from_db()
    return batch


# --- settings ---------------------------------------------------------------------------------


def test_the_deadline_settings_are_saved_and_audited(open_batch, province_admin):
    city = open_batch.closes_at + timedelta(days=10)
    rs.batch_settings_update(
        batch=open_batch,
        actor=province_admin,
        data={
            "city_deadline": city,
            "review_deadline": city + timedelta(days=20),
            "resubmission_days": 5,
            "reminder_days": "3, 7,1",
            "validity_years": 2,
        },
    )
    open_batch.refresh_from_db()
    assert open_batch.city_deadline == city and open_batch.resubmission_days == 5
    assert open_batch.reminder_day_list == [7, 3, 1] and open_batch.validity_years == 2
    log = AuditLog.objects.get(action="batch.settings")
    assert {"city_deadline", "reminder_days", "validity_years"} <= set(log.data["changed"])


@pytest.mark.parametrize(
    "field, value",
    [
        ("reminder_days", "7,x"),
        ("reminder_days", "0"),
        ("resubmission_days", 0),
        ("validity_years", 0),
        ("city_deadline", lambda batch: batch.closes_at - timedelta(days=1)),
    ],
)
def test_bad_deadline_settings_are_named_and_nothing_is_saved(
    open_batch, province_admin, field, value
):
    value = value(open_batch) if callable(value) else value
    with refused(ValidationError, field) as info:
        rs.batch_settings_update(batch=open_batch, actor=province_admin, data={field: value})
    if value == "7,x":
        assert "“x”" in info.value.message_dict[field][0]


def test_a_later_stage_deadline_may_not_come_before_an_earlier_one(open_batch, province_admin):
    city = open_batch.closes_at + timedelta(days=10)
    with refused(ValidationError, "decision_deadline"):
        rs.batch_settings_update(
            batch=open_batch,
            actor=province_admin,
            data={"city_deadline": city, "decision_deadline": city - timedelta(days=1)},
        )


# --- the resubmission window ----------------------------------------------------------------


@pytest.fixture
def returned_after_closing(submitted, city_reviewer_suzhou, clock):
    """Returned by the city the day after the batch closed."""
    clock(submitted.batch.closes_at + timedelta(days=1))
    rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment="请补充材料。")
    submitted.refresh_from_db()
    return submitted


def test_a_return_sets_the_resubmission_deadline_from_the_batch_setting(
    returned_after_closing, admin_a
):
    a = returned_after_closing
    assert a.resubmit_by == timezone.now() + timedelta(days=7)
    log = AuditLog.objects.get(action="review.return")
    assert log.data["resubmit_by"] == a.resubmit_by.isoformat()
    body = Notification.objects.get(kind="review.return", recipient=admin_a).body
    assert timezone.localtime(a.resubmit_by).strftime("%Y-%m-%d %H:%M") in body
    assert assessment_deadline(a) == {
        "stage": "submission",
        "label": STAGES["submission"].label,
        "due": a.resubmit_by,
        "overdue": False,
    }


def test_resubmission_is_allowed_within_its_window_after_the_batch_closed(
    returned_after_closing, admin_a, clock
):
    a = returned_after_closing
    clock(a.resubmit_by - timedelta(minutes=1))
    assert submission_open(a)
    ev.assessment_submit(assessment=a, actor=admin_a, declarations=DECLARED, answers=answers_to(a))
    a.refresh_from_db()
    assert a.state == State.SUBMITTED


def test_resubmission_is_refused_after_its_window(returned_after_closing, admin_a, clock):
    a = returned_after_closing
    clock(a.resubmit_by)
    assert not submission_open(a)
    with pytest.raises(ValidationError) as info:
        ev.assessment_submit(
            assessment=a, actor=admin_a, declarations=DECLARED, answers=answers_to(a)
        )
    assert "重新提交期限已截止" in " ".join(info.value.messages)
    a.refresh_from_db()
    assert a.state == State.RETURNED


def test_a_return_before_closing_keeps_the_batch_deadline_when_it_is_later(
    submitted, city_reviewer_suzhou, admin_a, clock
):
    rs.assessment_return(assessment=submitted, actor=city_reviewer_suzhou, comment="请补充。")
    submitted.refresh_from_db()
    assert submitted.resubmit_by < submitted.batch.closes_at
    clock(submitted.resubmit_by + timedelta(days=1))
    assert submission_open(submitted)  # the batch is still open


def test_a_draft_is_refused_after_the_batch_closed(assessment, admin_a, clock):
    clock(assessment.batch.closes_at)
    with pytest.raises(ValidationError) as info:
        ev.assessment_submit(assessment=assessment, actor=admin_a, declarations=DECLARED)
    assert "申报批次已截止" in " ".join(info.value.messages)


# --- reminders --------------------------------------------------------------------------------


def test_enterprises_with_drafts_are_reminded_on_the_reminder_days_once(
    assessment, member_a, admin_b, enterprise_b, open_batch, clock
):
    """Reminded 7, 3 and 1 days before closing, once each however often beat runs; the other
    enterprise, whose draft is in a batch closing later, never on these days."""
    later = Batch.objects.create(
        year=open_batch.year,
        name="另一批次",
        catalog_version=open_batch.catalog_version,
        opens_at=open_batch.opens_at,
        closes_at=open_batch.closes_at + timedelta(days=20),
    )
    ev.assessment_create(enterprise=enterprise_b, batch=later, actor=admin_b)
    deadline = open_batch.closes_at
    sent = []
    for days in range(8, -1, -1):
        clock(at_days_before(deadline, days))
        sent.append(rs.deadline_reminders_send())
        assert rs.deadline_reminders_send() == 0  # a second run the same day sends nothing
    assert sent == [0, 2, 0, 0, 0, 2, 0, 2, 0]
    assert reminded("submission") == ["admin_a"] * 3 + ["member_a"] * 3
    n = Notification.objects.filter(recipient=member_a).order_by("pk").first()
    assert n.title == "测试批次：申报提交截止还有 7 天" and n.title_en
    assert n.url == f"/assessments/{assessment.pk}/"
    assert set(DeadlineReminder.objects.values_list("days_before", flat=True)) == {7, 3, 1}


def test_a_returned_application_is_reminded_of_its_own_resubmission_deadline(
    returned_after_closing, clock
):
    a = returned_after_closing
    clock(at_days_before(a.resubmit_by, 3))
    assert rs.deadline_reminders_send() == 1
    assert reminded("submission") == ["admin_a"]
    assert DeadlineReminder.objects.get().due == timezone.localdate(a.resubmit_by)


def test_no_reminders_without_reminder_days(assessment, open_batch, clock):
    set_batch(open_batch, reminder_days="")
    clock(at_days_before(open_batch.closes_at, 7))
    assert rs.deadline_reminders_send() == 0


def test_city_reviewers_of_waiting_applications_are_reminded(
    submitted, city_reviewer_suzhou, city_reviewer_nanjing, clock
):
    batch = set_batch(submitted.batch, city_deadline=submitted.batch.closes_at + timedelta(days=10))
    clock(at_days_before(batch.city_deadline, 1))
    rs.deadline_reminders_send()
    assert reminded() == ["city_sz"]  # not Nanjing's, not the enterprise (it has submitted)
    n = Notification.objects.get(recipient=city_reviewer_suzhou)
    assert "待处理：1 份申报" in n.body


def test_in_a_batch_with_the_district_step_the_district_is_reminded_then_the_city(
    submitted, city_reviewer_suzhou, admin_a, clock
):
    district = UserFactory(
        username="district_hq", role=Role.DISTRICT_REVIEWER, district=admin_a.enterprise.district
    )
    other = UserFactory(
        username="district_other",
        role=Role.DISTRICT_REVIEWER,
        district=district_of(admin_a.enterprise.city, "吴中区"),
    )
    closes = submitted.batch.closes_at
    batch = set_batch(
        submitted.batch,
        requires_district_step=True,
        district_deadline=closes + timedelta(days=5),
        city_deadline=closes + timedelta(days=10),
    )
    clock(at_days_before(batch.district_deadline, 1))
    rs.deadline_reminders_send()
    assert reminded() == ["district_hq"]  # not the other district's, not yet the city
    clock(at_days_before(batch.city_deadline, 1))
    rs.deadline_reminders_send()
    assert reminded("city") == []  # nothing the district recommended waits for the city
    rs.assessment_recommend(assessment=submitted, actor=district, confirm_no_tier=True)
    rs.deadline_reminders_send()
    assert reminded("city") == ["city_sz"]
    assert other.pk not in Notification.objects.values_list("recipient", flat=True)


def test_experts_with_unfinished_reviews_and_the_province_are_reminded(
    under_review, experts, province_admin, clock
):
    complete_review(under_review.assignments.get(expert=experts[0]))
    closes = under_review.batch.closes_at
    batch = set_batch(
        under_review.batch,
        review_deadline=closes + timedelta(days=20),
        decision_deadline=closes + timedelta(days=23),
    )
    clock(at_days_before(batch.review_deadline, 3))
    rs.deadline_reminders_send()
    assert reminded("review") == ["expert2", "expert3"]  # expert1 has submitted
    assert reminded("decision") == []  # its own day is later
    clock(at_days_before(batch.decision_deadline, 1))
    rs.deadline_reminders_send()
    assert reminded("decision") == [province_admin.username]


def test_an_approval_records_its_validity_and_is_reminded_before_it_ends(
    under_review, experts, province_admin, admin_a, clock, settings
):
    set_batch(under_review.batch, validity_years=2)
    for e in experts:
        complete_review(under_review.assignments.get(expert=e))
    decision = rs.assessment_decide(
        assessment=under_review,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason="好",
    )
    today = timezone.localdate()
    assert decision.valid_until == today.replace(year=today.year + 2)
    settings.VALIDITY_REMINDER_DAYS = "90,30"
    until = timezone.make_aware(datetime.combine(decision.valid_until, datetime.min.time()))
    clock(at_days_before(until, 90))
    assert rs.deadline_reminders_send() == 1
    clock(at_days_before(until, 60))
    assert rs.deadline_reminders_send() == 0
    clock(at_days_before(until, 30))
    assert rs.deadline_reminders_send() == 1
    assert rs.deadline_reminders_send() == 0
    assert reminded("validity") == ["admin_a", "admin_a"]
    n = Notification.objects.filter(kind="deadline.validity").first()
    assert decision.valid_until.isoformat() in n.title and "以后的申报批次" in n.body


def test_a_rejection_has_no_validity(under_review, experts, province_admin):
    for e in experts:
        complete_review(under_review.assignments.get(expert=e))
    decision = rs.assessment_decide(
        assessment=under_review,
        actor=province_admin,
        outcome="rejected",
        reason="不足",
        justification="现场核查发现问题。",
    )
    assert decision.valid_until is None


def test_a_stage_registered_later_is_reminded_too(assessment, open_batch, clock, monkeypatch):
    """Another stage (here a made-up one) plugs into the same machinery by registering."""
    monkeypatch.setattr("review.deadlines.STAGES", dict(STAGES))
    from review import deadlines

    monkeypatch.setattr("review.services.reminders.STAGES", deadlines.STAGES)
    set_batch(open_batch, formal_check_deadline=open_batch.closes_at + timedelta(days=5))
    province = UserFactory(username="prov_x", role=Role.PROVINCE_ADMIN)
    stage_register(
        Stage(
            "formal_check",
            "形式审查",
            states=(State.DRAFT,),
            dues=lambda b: [Due(province, f"batch:{b.pk}", b.formal_check_deadline, "/")],
            field="formal_check_deadline",
        )
    )
    clock(at_days_before(open_batch.formal_check_deadline, 3))
    rs.deadline_reminders_send()
    assert reminded("formal_check") == ["prov_x"]


# --- the reminder by hand -------------------------------------------------------------------


def test_the_province_reminds_those_late_at_a_stage(
    submitted, city_reviewer_suzhou, city_reviewer_nanjing, province_admin, clock
):
    batch = set_batch(submitted.batch, city_deadline=submitted.batch.closes_at + timedelta(days=1))
    with refused(ValidationError, "stage"):  # nobody late yet
        rs.deadline_remind_late(batch=batch, stage="city", actor=province_admin)
    clock(batch.city_deadline + timedelta(hours=1))
    assert rs.deadline_remind_late(batch=batch, stage="city", actor=province_admin) == 1
    assert reminded("city.late") == ["city_sz"]
    log = AuditLog.objects.get(action="batch.remind_late")
    assert log.actor == province_admin and log.data == {"stage": "city", "recipients": ["city_sz"]}
    for stage in ("validity", "submission"):  # nothing the late could still do there
        with refused(ValidationError, "stage"):
            rs.deadline_remind_late(batch=batch, stage=stage, actor=province_admin)
    with refused(ValidationError, "stage"):
        rs.deadline_remind_late(batch=batch, stage="nonsense", actor=province_admin)


def test_only_the_province_reminds_by_hand(submitted, city_reviewer_suzhou):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        rs.deadline_remind_late(batch=submitted.batch, stage="city", actor=city_reviewer_suzhou)


def test_beat_runs_the_reminders(assessment, open_batch, clock, settings):
    from review.tasks import send_deadline_reminders

    entry = settings.CELERY_BEAT_SCHEDULE["deadline-reminders"]
    assert entry["task"] == "review.tasks.send_deadline_reminders"
    assert entry["schedule"] == settings.DEADLINE_REMINDER_INTERVAL
    clock(at_days_before(open_batch.closes_at, 1))
    assert send_deadline_reminders() == 1 and reminded() == ["admin_a"]
