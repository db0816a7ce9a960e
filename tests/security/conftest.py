"""One small world with an object behind every URL parameter, and a signed-in client per role.

Enterprise A (Suzhou) has a submission under expert review in one batch and a draft in a
second open batch; enterprise B is in Nanjing. Roles: anonymous, A's admin and member, B's
admin, the city reviewers of Nanjing (another city) and of Suzhou (A's city), an expert with no
assignment, an expert assigned to A's submission, the province admin, and the district reviewers
of A's district and of another district of Suzhou.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from evaluation import services
from evaluation.models import Assessment, State
from portal.models import City, IdentityChangeRequest, Invitation, Notification, Role
from portal.tokens import TokenChannel, token_create
from reports.models import Report, ReportStatus
from review.models import Objection
from scenarios.models import Batch

from ..conftest import api_token, login
from ..factories import UserFactory, district_of
from ..services.conftest import PDF, attach_statement

ROLES = (
    "anonymous",
    "admin_a",
    "member_a",
    "admin_b",
    "city_nj",
    "expert",
    "province",
    "city_sz",
    "expert_a",
    "district_sz",
    "district_wz",
)

# Tables a refused request may still write: the session of the client that made it.
VOLATILE_TABLES = {"django_session"}


@pytest.fixture
def quick_worker_ping(monkeypatch):
    """No worker listens here: the worker's health probe need not wait a second per role to
    find it out (who may reach the probe is the question, not how long it waits)."""
    monkeypatch.setattr("portal.health.WORKER_PING_TIMEOUT", 0.05)


@pytest.fixture
def schema_generated_once(monkeypatch):
    """The API schema is public and the same for every caller: build it once, not once per
    role (each build takes most of a second)."""
    from drf_spectacular.generators import SchemaGenerator

    build, built = SchemaGenerator.get_schema, {}

    def get_schema(self, request=None, public=False):
        if public not in built:
            built[public] = build(self, request=request, public=public)
        return built[public]

    monkeypatch.setattr(SchemaGenerator, "get_schema", get_schema)


@pytest.fixture
def throttles_for_every_role(monkeypatch):
    """The per-client rates of password resets and objections (10 an hour) count every role's
    request here as one client's: room for each role's (the rates are tested on their own)."""
    from rest_framework.throttling import SimpleRateThrottle

    for scope in ("password_reset", "objection", "registration", "registration_email"):
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "100/hour")


@pytest.fixture
def world(
    quick_worker_ping,
    schema_generated_once,
    throttles_for_every_role,
    factors,
    under_review,
    enterprise_a,
    enterprise_b,
    admin_a,
    member_a,
    admin_b,
    city_reviewer_suzhou,
    city_reviewer_nanjing,
    province_admin,
    catalog,
):
    submitted = under_review
    assignment = submitted.assignments.order_by("pk").first()
    unassigned = UserFactory(username="expert_free", role=Role.EXPERT, employer="某研究院")
    now = timezone.now()
    second_batch = Batch.objects.create(
        year=now.year + 1,
        name="第二批次",
        catalog_version=catalog,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )
    draft = services.assessment_create(enterprise=enterprise_a, batch=second_batch, actor=admin_a)
    draft_evidence = attach_statement(draft, admin_a)
    today = timezone.localdate()
    published = Batch.objects.create(
        year=now.year - 1,
        name="已公示批次",
        catalog_version=catalog,
        opens_at=now - timedelta(days=400),
        closes_at=now - timedelta(days=300),
        list_published_at=now - timedelta(days=1),
        publicity_starts_on=today - timedelta(days=1),  # its 公示 period runs
        publicity_ends_on=today + timedelta(days=6),
        publicity_contact_department="江苏省工业和信息化厅",
        publicity_contact_phone="025-83331234",
    )
    listed = Assessment.objects.create(  # B's enterprise, on the published list
        enterprise=enterprise_b,
        batch=published,
        current_year=published.year - 1,
        base_year=published.year - 2,
        state=State.APPROVED,
        decided_tier="workshop",
        decided_at=now - timedelta(days=2),
    )
    objection = Objection(
        batch=published,
        assessment=listed,
        objector_type=Objection.ObjectorType.PERSON,
        objector_name="王五",
        phone="13812345678",
        grounds="场景未投用。",
        letter_name="异议书.pdf",
        letter_content_type="application/pdf",
        letter_size=len(PDF),
        letter_sha256="0" * 64,
    )
    objection.letter.save("异议书.pdf", ContentFile(PDF), save=False)
    objection.save()
    report = Report(
        assessment=submitted,
        cache_key="security-matrix",
        digest=submitted.snapshot_sha256,
        language="zh-hans",
        status=ReportStatus.READY,
        requested_by=admin_a,
        requested_at=now,
        finished_at=now,
    )
    report.file.save("report.pdf", ContentFile(PDF), save=False)
    report.save()
    users = {
        "admin_a": admin_a,
        "member_a": member_a,
        "admin_b": admin_b,
        "city_nj": city_reviewer_nanjing,
        "expert": unassigned,
        "province": province_admin,
        "city_sz": city_reviewer_suzhou,
        "expert_a": assignment.expert,
        # the reviewers of A's district (its frozen one) and of another district of its city
        "district_sz": UserFactory(
            username="district_sz",
            role=Role.DISTRICT_REVIEWER,
            district=district_of(City.SUZHOU, submitted.applicant_district),
        ),
        "district_wz": UserFactory(
            username="district_wz",
            role=Role.DISTRICT_REVIEWER,
            district=district_of(City.SUZHOU, "吴中区"),
        ),
    }
    return SimpleNamespace(
        enterprise_a=enterprise_a,
        enterprise_b=enterprise_b,
        batch=submitted.batch,
        second_batch=second_batch,
        published=published,
        listed=listed,
        objection=objection,
        submitted=submitted,
        evidence=submitted.evidence.order_by("pk").first(),
        draft=draft,
        draft_evidence=draft_evidence,
        report=report,
        assignment=assignment,
        invitation=Invitation.objects.create(
            enterprise=enterprise_a, email="new@example.com", invited_by=admin_a
        ),
        identity_change=IdentityChangeRequest.objects.create(
            enterprise=enterprise_b,
            previous={"name": enterprise_b.name},
            changes={"name": "乙企业（更名）有限公司"},
            reason="工商登记更名",
            requested_by=admin_b,
        ),
        notification=Notification.objects.create(
            recipient=admin_a, kind="test", title="测试通知", url="/"
        ),
        token=api_token(admin_a),  # the token itself
        # a token of A's admin's to list and revoke, besides the one the API is called with
        erp_token=token_create(user=admin_a, name="ERP", via=TokenChannel.API)[0],
        users=users,
        clients=signed_in_clients(users),
    )


def signed_in_clients(users: dict) -> dict[str, APIClient]:
    """One client per role, signed in with a session, its second factor passed where the role
    has one (none for the anonymous)."""
    return {"anonymous": APIClient()} | {
        role: login(APIClient(), user) for role, user in users.items()
    }


def rows_written() -> dict[str, int]:
    """Rows inserted, updated or deleted so far in this transaction, per table (PostgreSQL's
    statistics count them even in a savepoint rolled back since): a table whose figure grows
    across a request was written by it."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
        )
        return {table: n for table, n in cursor.fetchall() if table not in VOLATILE_TABLES}


def tables_written_by(send) -> tuple[object, list[str]]:
    """``send()``'s result and the tables it wrote."""
    before = rows_written()
    result = send()
    after = rows_written()
    return result, sorted(t for t, n in after.items() if n != before.get(t, 0))
