"""The preference phase, the automatic assignment weighing the experts' marks, the matrix's
changes all or none, and the batch's progress."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from evaluation.models import Assessment, State
from portal.exceptions import StateConflict
from portal.models import AuditLog, City, Notification
from review import confirmations
from review import services as rs
from review.matching import improve_preferences
from review.models import AssignmentStatus, ExpertAssignment, ExpertPreference, Recommendation
from review.selectors.matrix import assignment_matrix
from review.selectors.progress import batch_progress
from review.services.matrix import assignments_change
from review.services.preferences import (
    preference_phase_close,
    preference_phase_open,
    preferences_set,
)

from .test_review_workflow import make_expert, quick_assessment

pytestmark = pytest.mark.django_db


def test_preferences_move_picks_without_unbalancing_the_loads():
    # Two applicants, two experts, one review each: "a" prefers expert 2, "b" expert 1.
    picks, eligible, load = {"a": [1], "b": [2]}, {"a": {1, 2}, "b": {1, 2}}, {1: 1, 2: 1}
    weights = {("a", 2): 0, ("b", 1): 0}
    improve_preferences(picks, eligible, load, lambda key, e: weights.get((key, e), 1))
    assert picks == {"a": [2], "b": [1]} and load == {1: 1, 2: 1}
    # An expert the applicant may not have is never swapped in, whatever the preference.
    picks, eligible = {"a": [1], "b": [2]}, {"a": {1}, "b": {1, 2}}
    improve_preferences(picks, eligible, load, lambda key, e: weights.get((key, e), 1))
    assert picks == {"a": [1], "b": [2]}


@pytest.fixture
def four(open_batch):
    open_batch.reviewers_per_assessment = 2
    open_batch.save()
    return [quick_assessment(open_batch, name=f"苏州{i}号精密制造有限公司") for i in range(4)]


@pytest.fixture
def panel(db):
    return [make_expert(f"pref{i}", employer=f"第{i}研究所") for i in range(4)]


@pytest.fixture
def phase(open_batch, four, panel, province_admin):
    return preference_phase_open(
        batch=open_batch, ends_at=timezone.now() + timedelta(days=2), actor=province_admin
    )


def test_opening_the_phase_checks_its_end_and_tells_the_experts(
    open_batch, four, panel, province_admin
):
    with pytest.raises(ValidationError) as exc:
        preference_phase_open(
            batch=open_batch, ends_at=timezone.now() - timedelta(hours=1), actor=province_admin
        )
    assert "ends_at" in exc.value.message_dict
    preference_phase_open(
        batch=open_batch, ends_at=timezone.now() + timedelta(days=1), actor=province_admin
    )
    assert Notification.objects.filter(kind="review.preferences").count() == len(panel)
    assert AuditLog.objects.filter(action="review.preferences_open").exists()
    # running the automatic assignment before the phase ends asks with a warning
    assert "偏好征集尚未结束" in confirmations.auto_assign(province_admin, open_batch).warnings[0]


def test_experts_mark_only_the_phase_applications_while_it_is_open(
    open_batch, four, panel, phase, province_admin
):
    other = quick_assessment(open_batch, state=State.SUBMITTED)  # not awaiting experts
    with pytest.raises(ValidationError) as exc:
        preferences_set(batch=open_batch, actor=panel[0], choices={other.pk: "prefer"})
    assert "choices" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        preferences_set(batch=open_batch, actor=panel[0], choices={four[0].pk: "maybe"})
    assert "choices" in exc.value.message_dict
    assert not ExpertPreference.objects.exists()  # nothing half-saved
    assert preferences_set(batch=open_batch, actor=panel[0], choices={four[0].pk: "prefer"}) == 1
    preference_phase_close(batch=open_batch, actor=province_admin)
    with pytest.raises(StateConflict):
        preferences_set(batch=open_batch, actor=panel[0], choices={four[1].pk: "prefer"})


def test_auto_assign_never_pairs_a_declared_conflict_and_follows_preferences(
    open_batch, four, panel, phase, province_admin
):
    a0, a1, a2, a3 = (a.pk for a in four)
    # The experts with the lowest ids would be chosen first without the marks.
    preferences_set(batch=open_batch, actor=panel[0], choices={a0: "conflict", a1: "not_my_field"})
    preferences_set(batch=open_batch, actor=panel[3], choices={a0: "prefer", a1: "prefer"})
    preferences_set(batch=open_batch, actor=panel[2], choices={a2: "prefer", a3: "prefer"})
    result = rs.assignments_auto(batch=open_batch, actor=province_admin)
    assert len(result["created"]) == 8 and result["short"] == []
    pairs = set(ExpertAssignment.objects.values_list("assessment_id", "expert__username"))
    assert (a0, "pref0") not in pairs and (a1, "pref0") not in pairs
    assert {(a0, "pref3"), (a1, "pref3"), (a2, "pref2"), (a3, "pref2")} <= pairs
    loads = [e.assignments.count() for e in panel]
    assert loads == [2, 2, 2, 2]
    chosen = ExpertAssignment.objects.get(assessment_id=a0, expert=panel[3])
    assert chosen.choice_reason == "偏好：优先；负载 2/2"
    with translation.override("en"):  # kept as data, said in the reader's language
        assert chosen.choice_reason == "Preference: Prefer; load 2/2"
    unmarked = ExpertAssignment.objects.filter(expert=panel[1]).first()
    assert unmarked.choice_reason.startswith("偏好：愿意")
    # The manual choice refuses the declared conflict too, saying why.
    ExpertAssignment.objects.filter(assessment_id=a1).update(status=AssignmentStatus.REMOVED)
    with pytest.raises(ValidationError) as exc:
        rs.assignment_add(assessment=four[0], expert=panel[0], actor=province_admin)
    assert "利益冲突" in exc.value.message_dict["expert"][0]


def test_matrix_changes_are_all_or_none(open_batch, four, panel, phase, province_admin):
    preferences_set(batch=open_batch, actor=panel[1], choices={four[1].pk: "conflict"})
    kept = rs.assignment_add(assessment=four[0], expert=panel[0], actor=province_admin)
    with pytest.raises(ValidationError) as exc:
        assignments_change(
            batch=open_batch,
            actor=province_admin,
            add=[(four[0].pk, panel[2].pk), (four[1].pk, panel[1].pk)],
            withdraw=[kept.pk],
        )
    assert "利益冲突" in exc.value.message_dict["add"][0]
    assert ExpertAssignment.objects.filter(status=AssignmentStatus.ACTIVE).count() == 1
    result = assignments_change(
        batch=open_batch,
        actor=province_admin,
        add=[(four[0].pk, panel[2].pk), (four[1].pk, panel[3].pk)],
        withdraw=[kept.pk],
    )
    assert len(result["added"]) == 2 and len(result["withdrawn"]) == 1
    kept.refresh_from_db()
    assert kept.status == AssignmentStatus.REMOVED
    matrix = assignment_matrix(open_batch)
    cell = {(c.assessment_id, c.expert_id): c for r in matrix.rows for c in r.cells}
    assert cell[(four[1].pk, panel[1].pk)].conflicts and not cell[(four[1].pk, panel[1].pk)].addable
    assert cell[(four[1].pk, panel[3].pk)].withdrawable
    assert {r.expert.username: r.load for r in matrix.rows}["pref3"] == 1


def test_progress_counts_overdue_reviews_and_each_city(
    open_batch, four, panel, province_admin, city_reviewer_suzhou
):
    rs.assignments_auto(batch=open_batch, actor=province_admin)
    first = ExpertAssignment.objects.filter(expert=panel[0]).first()
    ExpertAssignment.objects.filter(pk=first.pk).update(status=AssignmentStatus.SUBMITTED)
    open_batch.review_deadline = timezone.now() - timedelta(hours=1)
    open_batch.save()
    waiting = quick_assessment(open_batch, state=State.SUBMITTED, city=City.SUZHOU)
    returned = quick_assessment(open_batch, state=State.RETURNED, city=City.SUZHOU)
    Recommendation.objects.create(
        assessment=returned,
        reviewer=city_reviewer_suzhou,
        outcome=Recommendation.Outcome.RETURNED,
        comment="补充材料",
        snapshot_sha256=returned.snapshot_sha256,
    )
    progress = batch_progress(open_batch)
    rows = {e.expert.username: (e.submitted, e.assigned, e.overdue) for e in progress.experts}
    assert rows["pref0"] == (1, 2, 1) and rows["pref1"] == (0, 2, 2)
    suzhou = {p.code: p for p in progress.cities}[City.SUZHOU]
    assert (suzhou.waiting, suzhou.recommended, suzhou.returned) == (1, 0, 1)
    assert progress.stage == "专家评审"
    assert dict((v, n) for _label, v, n in progress.states)[State.UNDER_REVIEW] == 4
    assert Assessment.objects.get(pk=waiting.pk).state == State.SUBMITTED
