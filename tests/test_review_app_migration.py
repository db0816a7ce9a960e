"""The review's models moved from ``evaluation`` to ``review`` without losing a row.

A full review cycle (the city's recommendation, three experts assigned of whom one declared a
conflict and was replaced, the reviews submitted, the province's decision, audit entries and
admin-site log entries pointing at the review's objects) is put back onto the schema the
project had before the move, where its rows live in the ``evaluation_*`` tables and its entries
point at ``evaluation`` content types; the migrations are then applied as on a database built
before the move, and every row, every entry's target and the province admins' permissions are
found again."""

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.forms.models import model_to_dict

from portal.models import AuditLog
from portal.services import PROVINCE_ADMIN_GROUP, audit_log_record, province_admin_group_sync
from review import services as review_services
from review.models import ConflictDeclaration, Decision, ExpertAssignment, Recommendation

from .conftest import complete_review

pytestmark = pytest.mark.slow

BEFORE_THE_MOVE = [("evaluation", "0006_scenario_answer_implemented_index"), ("review", None)]
MODELS = (Recommendation, ExpertAssignment, ConflictDeclaration, Decision)
# Columns a later migration added: going back before it drops them, and coming forward again
# gives them their default, which is not what the move is about.
ADDED_SINCE = {"recommendation": {"stage", "item"}, "expertassignment": {"choice_basis"}}


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    ContentType.objects.clear_cache()


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def tables() -> set[str]:
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


def count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (a table name of ours)
        return cursor.fetchone()[0]


def rows() -> dict[str, list[dict]]:
    return {
        m._meta.model_name: sorted(
            (
                {
                    k: v
                    for k, v in (model_to_dict(o) | {"id": o.pk}).items()
                    if k not in ADDED_SINCE.get(m._meta.model_name, ())
                }
                for o in m.objects.all()
            ),
            key=lambda r: r["id"],
        )
        for m in MODELS
    }


def audit_targets() -> list[tuple]:
    """Every audit-log and admin-log entry with a target: its model and the target's id."""
    audit = AuditLog.objects.filter(target_type__isnull=False).select_related("target_type")
    admin = LogEntry.objects.select_related("content_type")
    return sorted(
        [("audit", e.pk, e.target_type.model, e.target_id) for e in audit]
        + [("admin", e.pk, e.content_type.model, e.object_id) for e in admin]
    )


def resolves(model: str, target_id: str) -> bool:
    content_type = ContentType.objects.get(
        app_label__in=("portal", "scenarios", "indicators", "evaluation", "review", "reports"),
        model=model,
    )
    return content_type.model_class().objects.filter(pk=target_id).exists()


@pytest.fixture
def full_cycle(
    transactional_db,
    under_review,
    experts,
    expert,
    admin_a,
    city_reviewer_suzhou,
    province_admin,
    eager_celery,
):
    """Enterprise A's submission taken through every step the review has."""
    assessment = under_review
    first = assessment.assignments.order_by("pk").first()
    review_services.conflict_declare(assignment=first, actor=first.expert, reason="曾为其咨询")
    for assignment in assessment.assignments.filter(status="active"):
        complete_review(assignment)
    decision = review_services.assessment_decide(
        assessment=assessment,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason="同意",
    )
    audit_log_record(actor=province_admin, action="test.decision", target=decision)
    # a conflict the province recorded in the admin site before any assignment
    conflict = ConflictDeclaration.objects.create(
        expert=expert, enterprise=assessment.enterprise, reason="该企业顾问"
    )
    LogEntry.objects.log_actions(
        user_id=province_admin.pk,
        queryset=[conflict],
        action_flag=ADDITION,
        change_message="",
        single_object=True,
    )
    province_admin_group_sync()
    return assessment


def test_the_move_keeps_every_row_and_every_audit_target(full_cycle):
    expected_rows, expected_targets = rows(), audit_targets()
    assert all(expected_rows.values()), {k: len(v) for k, v in expected_rows.items()}
    assert {t[2] for t in expected_targets} >= {"assessment", "decision", "conflictdeclaration"}
    review_permissions = set(
        Group.objects.get(name=PROVINCE_ADMIN_GROUP)
        .permissions.filter(content_type__app_label="review")
        .values_list("codename", flat=True)
    )
    assert "view_decision" in review_permissions

    try:
        migrate(BEFORE_THE_MOVE)
        # the schema of before: the rows in evaluation's tables, the audit entries pointing
        # at evaluation's content types
        assert not {f"review_{m._meta.model_name}" for m in MODELS} & tables()
        for name, before in expected_rows.items():
            assert count(f"evaluation_{name}") == len(before)
        # (a model the review app gained later keeps its content type: not one of the moved)
        assert not ContentType.objects.filter(app_label="review", model__in=expected_rows).exists()
        moved = ContentType.objects.filter(app_label="evaluation", model__in=expected_rows)
        assert moved.count() == len(MODELS)
    finally:
        migrate(latest())

    assert rows() == expected_rows
    assert audit_targets() == expected_targets
    unresolved = [t for t in audit_targets() if not resolves(t[2], t[3])]
    assert not unresolved
    assert not ContentType.objects.filter(app_label="evaluation", model__in=expected_rows).exists()
    assert (
        set(
            Group.objects.get(name=PROVINCE_ADMIN_GROUP)
            .permissions.filter(content_type__app_label="review")
            .values_list("codename", flat=True)
        )
        == review_permissions
    )
    # and the moved rows serve the workflow on: the batch's list is published from them
    batch = review_services.batch_list_publish(
        batch=full_cycle.batch, actor=Decision.objects.get().decided_by
    )
    assert batch.list_published_at is not None
