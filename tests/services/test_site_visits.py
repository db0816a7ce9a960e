"""The site visit after the material review, through the services: who may be sent (the review
assignment's conflict rules), the report's checks per claimed scenario and its photos, the
submission that locks it, and the decision that waits for it when the batch requires it."""

from contextlib import contextmanager

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from portal.exceptions import StateConflict
from portal.models import AuditLog, City, Notification, Role
from review import rules
from review import selectors as sel
from review import services as rs
from review.models import Decision, SiteVisit, SiteVisitor, SiteVisitPhoto
from scenarios.models import Batch, SiteVisitRule

from ..conftest import complete_review
from ..factories import UserFactory
from .conftest import PDF, PNG

pytestmark = pytest.mark.django_db

WATCHED = (SiteVisit, SiteVisitor, SiteVisitPhoto, Decision, AuditLog, Notification)


def db_state() -> dict:
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in WATCHED}


@contextmanager
def refused(exc, *fields):
    """The call raises ``exc`` (exactly) naming ``fields``; no row of the visit changed."""
    before = db_state()
    with pytest.raises(exc) as info:
        yield info
    assert type(info.value) is exc
    if fields:
        assert set(fields) <= set(info.value.message_dict), info.value.message_dict
    assert db_state() == before


def visits(batch, rule, tier="") -> None:
    Batch.objects.filter(pk=batch.pk).update(site_visit=rule, site_visit_tier=tier)
    batch.refresh_from_db()


@pytest.fixture
def reviewed(under_review):
    """Computed 智能车间, every expert's review in; the batch requires a visit of everyone."""
    for assignment in under_review.assignments.all():
        complete_review(assignment)
    visits(under_review.batch, SiteVisitRule.ALL)
    under_review.refresh_from_db()
    return under_review


@pytest.fixture
def visitor(db):
    return UserFactory(
        username="visitor", role=Role.EXPERT, employer="常州大学", city=City.CHANGZHOU
    )


@pytest.fixture
def visit(reviewed, visitor, province_admin):
    return rs.site_visit_assign(assessment=reviewed, experts=[visitor], actor=province_admin)


def report(assessment, result="matches", finding="confirmed", text="") -> dict:
    return {
        "checks": {
            str(no): {"result": result, "notes": "产线运行正常。"}
            for no in rs.claimed_scenarios(assessment)
        },
        "finding": finding,
        "finding_text": text,
    }


DECISION = {"outcome": "approved", "tier": "workshop", "reason": "材料与现场一致。"}


def test_the_visit_waits_for_the_material_review(under_review, visitor, province_admin):
    visits(under_review.batch, SiteVisitRule.ALL)
    assert sel.site_visit_stage(under_review) == sel.SiteVisitStage.AWAITING_VISITORS
    with refused(StateConflict):
        rs.site_visit_assign(assessment=under_review, experts=[visitor], actor=province_admin)


def test_an_expert_with_a_conflict_of_interest_is_never_sent(reviewed, province_admin, visitor):
    insider = UserFactory(username="insider", role=Role.EXPERT, employer="甲企业")
    with refused(ValidationError, "experts") as info:
        rs.site_visit_assign(assessment=reviewed, experts=[visitor, insider], actor=province_admin)
    assert "专家的工作单位即申报企业" in str(info.value.message_dict["experts"])
    city = UserFactory(username="city_x", role=Role.CITY_REVIEWER, city=City.SUZHOU)
    with refused(PermissionDenied):
        rs.site_visit_assign(assessment=reviewed, experts=[visitor], actor=city)


def test_the_report_records_each_claimed_scenario_and_submitting_locks_it(
    visit, visitor, province_admin, experts
):
    assessment = visit.assessment
    claimed = rs.claimed_scenarios(assessment)
    assert sel.site_visit_stage(assessment) == sel.SiteVisitStage.VISITING
    first = str(claimed[0])
    with refused(ValidationError, f"checks.{first}.result"):
        rs.site_visit_save(
            visit=visit, actor=visitor, data={"checks": {first: {"result": "maybe"}}}
        )
    with refused(PermissionDenied):  # an expert not sent on this visit
        rs.site_visit_save(visit=visit, actor=experts[0], data=report(assessment))
    rs.site_visit_save(
        visit=visit, actor=visitor, data={"checks": {first: {"result": "partly", "notes": "部分"}}}
    )
    visit.refresh_from_db()
    assert visit.checks == {first: {"result": "partly", "notes": "部分"}}
    # incomplete: every claimed scenario and a finding; reservations need their text
    problems = rs.site_visit_problems(visit=visit, data=report(assessment, finding="reservations"))
    assert set(problems) == {"finding_text"}
    with refused(ValidationError, "finding", f"checks.{claimed[-1]}.result"):
        rs.site_visit_submit(
            visit=visit, actor=visitor, data={"checks": {first: {"result": "matches"}}}
        )
    data = report(assessment, finding="reservations", text="部分数据采集未覆盖夜班。")
    rs.site_visit_submit(visit=visit, actor=visitor, data=data)
    visit.refresh_from_db()
    assert visit.is_submitted and visit.finding == SiteVisit.Finding.RESERVATIONS
    assert sel.site_visit_stage(assessment) == sel.SiteVisitStage.REPORTED
    assert AuditLog.objects.filter(action="review.site_visit_submit").exists()
    assert Notification.objects.filter(
        kind="review.site_visit_submit", recipient=province_admin
    ).exists()
    with refused(StateConflict):
        rs.site_visit_save(visit=visit, actor=visitor, data=report(assessment))
    with refused(StateConflict):
        rs.site_visit_photo_add(
            visit=visit, actor=visitor, uploaded=SimpleUploadedFile("a.png", PNG)
        )


def test_a_photo_must_be_an_image_of_a_claimed_scenario(visit, visitor, settings):
    claimed = rs.claimed_scenarios(visit.assessment)
    settings.SITE_VISIT_PHOTO_MAX_BYTES = len(PNG) - 1
    with refused(ValidationError, "photo") as info:
        rs.site_visit_photo_add(
            visit=visit, actor=visitor, uploaded=SimpleUploadedFile("a.png", PNG)
        )
    assert "文件过大" in str(info.value)
    settings.SITE_VISIT_PHOTO_MAX_BYTES = 2**20
    with refused(ValidationError, "photo") as info:
        rs.site_visit_photo_add(
            visit=visit, actor=visitor, uploaded=SimpleUploadedFile("a.pdf", PDF)
        )
    assert "JPG" in str(info.value)
    with refused(ValidationError, "photo"):  # a PDF under an image's name
        rs.site_visit_photo_add(
            visit=visit, actor=visitor, uploaded=SimpleUploadedFile("a.jpg", PDF)
        )
    unclaimed = next(no for no in range(1, 46) if no not in claimed)
    with refused(ValidationError, "scenario_no"):
        rs.site_visit_photo_add(
            visit=visit,
            actor=visitor,
            uploaded=SimpleUploadedFile("a.png", PNG),
            scenario_no=unclaimed,
        )
    photo = rs.site_visit_photo_add(
        visit=visit,
        actor=visitor,
        uploaded=SimpleUploadedFile("产线.png", PNG),
        scenario_no=claimed[0],
        caption="总装线",
    )
    assert photo.content_type == "image/png" and len(photo.sha256) == 64
    assert photo.file.read() == PNG


def test_no_decision_before_a_required_visit_report(visit, visitor, province_admin):
    assessment = visit.assessment
    assert rules.site_visit_pending(assessment) and not rules.can_decide(province_admin, assessment)
    with refused(StateConflict) as info:
        rs.assessment_decide(assessment=assessment, actor=province_admin, **DECISION)
    assert info.value.code == "site_visit_pending"
    rs.site_visit_submit(visit=visit, actor=visitor, data=report(assessment))
    assert rules.can_decide(province_admin, assessment)
    decision = rs.assessment_decide(assessment=assessment, actor=province_admin, **DECISION)
    assert decision.outcome == "approved"


def test_a_batch_visiting_from_a_higher_tier_decides_without_a_visit(reviewed, province_admin):
    visits(reviewed.batch, SiteVisitRule.FROM_TIER, "factory")  # computed: 智能车间
    reviewed.refresh_from_db()
    assert not rules.site_visit_required(reviewed)
    assert sel.site_visit_stage(reviewed) == sel.SiteVisitStage.NOT_REQUIRED
    rs.assessment_decide(assessment=reviewed, actor=province_admin, **DECISION)


def test_a_batch_visiting_from_the_computed_tier_requires_it(reviewed, province_admin):
    visits(reviewed.batch, SiteVisitRule.FROM_TIER, "workshop")
    reviewed.refresh_from_db()
    assert rules.site_visit_required(reviewed)
    with refused(StateConflict):
        rs.assessment_decide(assessment=reviewed, actor=province_admin, **DECISION)


def test_visiting_by_tier_needs_the_tier(reviewed, province_admin):
    with pytest.raises(ValidationError) as info:
        rs.batch_settings_update(
            batch=reviewed.batch, actor=province_admin, data={"site_visit": "from_tier"}
        )
    assert "site_visit_tier" in info.value.message_dict


def test_each_expert_sees_only_the_visits_they_are_sent_on(
    visit, visitor, experts, province_admin, admin_a, city_reviewer_suzhou
):
    assert list(sel.site_visits_for(visitor)) == [visit]
    assert list(sel.site_visits_for(province_admin)) == [visit]
    for user in (experts[0], admin_a, city_reviewer_suzhou):
        assert not sel.site_visits_for(user).exists()
    photo = rs.site_visit_photo_add(
        visit=visit, actor=visitor, uploaded=SimpleUploadedFile("a.png", PNG)
    )
    assert list(sel.site_visit_photos_for(visitor)) == [photo]
    assert not sel.site_visit_photos_for(experts[0]).exists()
