import functools
import os
from pathlib import Path

import pytest
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection, transaction
from rest_framework.test import APIClient

from portal.models import City, Role
from scenarios.models import CatalogVersion

from .factories import EnterpriseFactory, UserFactory
from .flushing import rows_deleted_rather_than_truncated
from .template_database import create_test_database_from_template


def pytest_collection_modifyitems(items):
    """Tests in a browser or with a real Celery worker take seconds each: they are slow too
    (``-m "not slow"`` leaves them out). Slow tests run first, so that the test processes
    end together on short tests rather than one waiting for another's long one."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("worker"):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("slow") is None)


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """Each process's test database copied from a migrated template (tests/template_database.py);
    ``TEST_DATABASE_TEMPLATE=0`` or another database engine: pytest-django's own set-up."""
    if connection.vendor != "postgresql" or os.environ.get("TEST_DATABASE_TEMPLATE") == "0":
        yield from _pytest_django_db_setup(request, django_db_blocker)
        return
    with django_db_blocker.unblock():
        real_name = create_test_database_from_template()
    yield
    with django_db_blocker.unblock():
        connection.creation.destroy_test_db(real_name, verbosity=0)


def _pytest_django_db_setup(request, django_db_blocker):
    from django.test.utils import setup_databases, teardown_databases

    with django_db_blocker.unblock():
        config = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=0)


@pytest.fixture(scope="session", autouse=True)
def _cheap_flush():
    with rows_deleted_rather_than_truncated():
        yield


@pytest.fixture(autouse=True)
def _private_files(settings, tmp_path):
    """Evidence files go to a per-test folder, never into the checkout."""
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


@pytest.fixture(autouse=True)
def _chinese_first():
    """A request in English leaves English active in the thread: start every test in Chinese."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Every test creates accounts, and the production hasher is slow on purpose (~0.25 s an
    account here): tests hash cheaply. Nothing asserts the production hasher's strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_catalog_memos():
    """Each test loads the catalog anew (under the same ids): nothing built from an earlier
    test's catalog is reused."""
    from scenarios.frozen import clear_all

    clear_all()
    yield


@pytest.fixture(autouse=True)
def _publicity_contact(settings):
    """A list is published with a contact phone, which a deployment sets
    (PUBLICITY_CONTACT_PHONE has no default number)."""
    settings.PUBLICITY_CONTACT_PHONE = "025-83331234"


@pytest.fixture(autouse=True)
def _isolated_cache():
    """Throttling and lockouts live in the (Redis) cache: start every test clean."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@functools.cache
def _fixture_rows(name: str) -> dict[type, list]:
    """The objects of ``fixtures/<name>.json`` by model, read and parsed once per process."""
    rows: dict[type, list] = {}
    with open(FIXTURES / f"{name}.json", encoding="utf-8") as fixture:
        for deserialized in serializers.deserialize("json", fixture):
            assert not deserialized.m2m_data, "load_fixture writes no many-to-many rows"
            rows.setdefault(type(deserialized.object), []).append(deserialized.object)
    return rows


def load_fixture(name: str) -> None:
    """What ``loaddata fixtures/<name>.json`` writes — the same rows under the same ids, stored
    as they are written (raw: no ``save()``, no ``auto_now_add``, no history), the sequences
    moved past them — in one INSERT per model, from a file parsed once per process rather
    than once per test."""
    rows = _fixture_rows(name)
    with transaction.atomic():
        for model, objects in rows.items():
            model._base_manager._insert(objects, fields=model._meta.local_concrete_fields, raw=True)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(rows)):
                cursor.execute(sql)


@pytest.fixture
def catalog(db) -> CatalogVersion:
    load_fixture("catalog")
    return CatalogVersion.objects.get(pk=1)


@pytest.fixture
def enterprise_a(db):
    return EnterpriseFactory(name="甲企业", city=City.SUZHOU)


@pytest.fixture
def enterprise_b(db):
    return EnterpriseFactory(name="乙企业", city=City.NANJING)


@pytest.fixture
def admin_a(enterprise_a):
    return UserFactory(username="admin_a", role=Role.ENTERPRISE_ADMIN, enterprise=enterprise_a)


@pytest.fixture
def member_a(enterprise_a):
    return UserFactory(username="member_a", role=Role.ENTERPRISE_MEMBER, enterprise=enterprise_a)


@pytest.fixture
def admin_b(enterprise_b):
    return UserFactory(username="admin_b", role=Role.ENTERPRISE_ADMIN, enterprise=enterprise_b)


@pytest.fixture
def city_reviewer_suzhou(db):
    return UserFactory(username="city_sz", role=Role.CITY_REVIEWER, city=City.SUZHOU)


@pytest.fixture
def city_reviewer_nanjing(db):
    return UserFactory(username="city_nj", role=Role.CITY_REVIEWER, city=City.NANJING)


@pytest.fixture
def expert(db):
    return UserFactory(username="expert_x", role=Role.EXPERT, employer="某大学")


@pytest.fixture
def province_admin(db):
    from portal.services import user_create

    return user_create(username="prov", role=Role.PROVINCE_ADMIN, password="pass-for-tests-2026")


@pytest.fixture
def api_client():
    return APIClient()


def api_token(user, name: str = "tests") -> str:
    """A new API token of ``user``'s: the token itself, as its owner is given it (once)."""
    from portal.tokens import TokenChannel, token_create

    return token_create(user=user, name=name, via=TokenChannel.API)[1]


def api_as(user) -> APIClient:
    """An API client calling with a new token of ``user``'s, as an ERP or a script would."""
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def login(client, user):
    """Signed in as after the password and, for whoever signs in with a second factor, its code:
    an official without an authenticator is given one (tests of the verify step itself sign in
    with ``client.force_login`` alone)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from portal.two_factor import second_factor_required, totp_device

    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    device = totp_device(user)
    if device is None and second_factor_required(user):
        device = authenticator_for(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def authenticator_for(user):
    """A confirmed authenticator (TOTP) of ``user``, with a random key."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def totp_code(device) -> str:
    """What the authenticator app shows now, computed from the device's key — or the next time
    step's when this one's code was used already (a code signs in once; the next is accepted)."""
    from django_otp.oath import TOTP

    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if totp.t() <= device.last_t:
        totp.time = totp.time + device.step * (device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture
def factors(db):
    load_fixture("calculator_factors")


@pytest.fixture
def default_rules(db):
    load_fixture("tier_rules")


@pytest.fixture
def open_batch(catalog, default_rules):
    from datetime import timedelta

    from django.utils import timezone

    from scenarios.models import Batch

    now = timezone.now()
    return Batch.objects.create(
        year=now.year,
        name="测试批次",
        catalog_version=catalog,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )


@pytest.fixture
def eager_celery():
    """Tasks run in the calling process (tests of the real worker live in tests/worker/)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before


DRAFT_SCENARIOS = (1, 2, 4, 5, 11, 13, 30)
DRAFT_SUPPORT_ELEMENTS = (1, 3)


def draft_inputs() -> dict:
    """Both years' indicator inputs of the complete draft, as the editor would send them."""
    from .test_indicators import FULL

    return {
        "base": FULL,
        "current": dict(FULL, gross_output_value="15000", inspected_defective="10"),
    }


def draft_assessment_by_services(enterprise, batch, actor):
    """The complete draft typed in through the editing services, one call per form save."""
    from evaluation import services

    from .services.conftest import IMPL, attach_application_papers, attach_statement

    a = services.assessment_create(enterprise=enterprise, batch=batch, actor=actor)
    for period, values in draft_inputs().items():
        services.assessment_inputs_update(assessment=a, actor=actor, period=period, values=values)
    for no in DRAFT_SCENARIOS:
        services.scenario_answer_set(assessment=a, actor=actor, scenario_no=no, data=IMPL)
    for no in DRAFT_SUPPORT_ELEMENTS:
        services.support_answer_set(assessment=a, actor=actor, element_no=no, data=IMPL)
    attach_statement(a, actor)
    attach_application_papers(a, actor)
    a.refresh_from_db()
    return a


def draft_assessment(enterprise, batch, actor):
    """A complete draft: both years' inputs, 7 implemented scenarios, 2 support elements, the
    last three years' financial statements and the papers and figures the formal check asks
    for (``attach_application_papers``).

    Most tests start from it rather than test typing it in, so its answers and files are
    written in one statement each, not through a service call each as
    ``draft_assessment_by_services`` does (a quarter of a second a test); the creation and the
    figures still go through their services. ``tests/services/test_draft_state.py`` checks
    that both give the same rows, so the shortcut cannot drift from what users produce."""
    from django.db.models import F
    from django.utils import timezone

    from evaluation import services
    from evaluation.models import Assessment, ScenarioAnswer, SupportElementAnswer
    from indicators.inputs import InputSpec, clean_inputs, serialize_inputs
    from review.management.demo_peers import ELIGIBLE
    from scenarios.models import Scenario, SupportElement

    from .services.conftest import IMPL

    a = services.assessment_create(enterprise=enterprise, batch=batch, actor=actor)
    version = batch.catalog_version
    spec = InputSpec.for_version(version)
    inputs = {}
    for period, values in draft_inputs().items():
        cleaned, errors = clean_inputs(values, spec)
        assert not errors, errors
        inputs[f"{period}_inputs"] = serialize_inputs(cleaned)
    scenarios = Scenario.objects.filter(version=version, no__in=DRAFT_SCENARIOS)
    ScenarioAnswer.objects.bulk_create(
        ScenarioAnswer(assessment=a, scenario=scenario, **IMPL) for scenario in scenarios
    )
    elements = SupportElement.objects.filter(version=version, no__in=DRAFT_SUPPORT_ELEMENTS)
    SupportElementAnswer.objects.bulk_create(
        SupportElementAnswer(assessment=a, support_element=element, **IMPL) for element in elements
    )
    saves = len(inputs) + len(DRAFT_SCENARIOS) + len(DRAFT_SUPPORT_ELEMENTS)  # one version each
    Assessment.objects.filter(pk=a.pk).update(
        **inputs, version=F("version") + saves, updated_at=timezone.now()
    )
    a.refresh_from_db()
    _papers_written(a, actor)
    services.assessment_update(assessment=a, actor=actor, data=ELIGIBLE)
    a.refresh_from_db()
    return a


def _papers_written(assessment, actor) -> None:
    """The files ``attach_statement`` and ``attach_application_papers`` upload, stored and
    recorded as ``evidence_upload`` stores and records each (same names, checks, digests,
    audit entries and versions), in one INSERT of the rows."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db.models import F
    from django.utils import timezone

    from evaluation import services
    from evaluation.models import Assessment, Evidence
    from portal.services import audit_log_record
    from review.management.demo_peers import application_paper_files

    from .services.conftest import PDF

    papers = [
        ("财务报表.pdf", {"financial_year": assessment.current_year}),  # attach_statement's
        *application_paper_files(assessment),
    ]
    rows = []
    for file_name, target in papers:
        uploaded = SimpleUploadedFile(file_name, PDF)
        evidence = services.evidence_checked(
            assessment=assessment, actor=actor, uploaded=uploaded, **target
        )
        evidence.file.save(evidence.original_name, uploaded, save=False)
        rows.append(evidence)
    Evidence.objects.bulk_create(rows)
    for evidence in rows:
        audit_log_record(
            actor=actor,
            action="evidence.upload",
            target=assessment,
            enterprise=assessment.enterprise,
            data={"name": evidence.original_name, "sha256": evidence.sha256},
        )
    Assessment.objects.filter(pk=assessment.pk).update(
        version=F("version") + len(rows), updated_at=timezone.now()
    )


@pytest.fixture
def assessment(open_batch, admin_a, enterprise_a):
    """Enterprise A's draft."""
    return draft_assessment(enterprise_a, open_batch, admin_a)


# --- the review workflow -------------------------------------------------------------------


@pytest.fixture
def experts(db):
    """Three experts with different employers and cities (none works for enterprise A)."""
    return [
        UserFactory(
            username=f"expert{i}",
            role=Role.EXPERT,
            employer=employer,
            city=city,
            email=f"expert{i}@example.com",
        )
        for i, (employer, city) in enumerate(
            [
                ("东南大学", City.NANJING),
                ("南京理工大学", City.NANJING),
                ("江苏大学", City.ZHENJIANG),
            ],
            1,
        )
    ]


@pytest.fixture
def submitted(assessment, admin_a, eager_celery, django_capture_on_commit_callbacks):
    """Enterprise A's assessment, submitted and evaluated (the on-commit task runs eagerly)."""
    from evaluation import services

    from .services.conftest import DECLARED

    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=assessment, actor=admin_a, declarations=DECLARED)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def recommended(submitted, city_reviewer_suzhou):
    from review import services as review_services

    review_services.assessment_recommend(
        assessment=submitted, actor=city_reviewer_suzhou, comment="材料齐全，同意推荐。"
    )
    submitted.refresh_from_db()
    return submitted


@pytest.fixture
def formally_checked(recommended, province_admin):
    """Recommended, and passed by the province's formal check."""
    from review import services as review_services

    review_services.formal_check_pass(assessment=recommended, actor=province_admin)
    recommended.refresh_from_db()
    return recommended


@pytest.fixture
def under_review(formally_checked, experts, province_admin):
    """Formally checked, with the batch's three reviewers assigned automatically."""
    from review import services as review_services

    review_services.assignments_auto(batch=formally_checked.batch, actor=province_admin)
    formally_checked.refresh_from_db()
    return formally_checked


def review_data(assessment, score: int = 8, tier: str = "workshop", accepted: bool = True):
    """A complete review of ``assessment``: every criterion scored ``score``, every claimed
    scenario accepted (or rejected), an opinion and the recommended tier."""
    from review import services as review_services

    return {
        "verdicts": {
            str(no): {"accepted": accepted, "comment": "" if accepted else "证据不足"}
            for no in review_services.claimed_scenarios(assessment)
        },
        "scores": {str(c.pk): score for c in assessment.batch.rubric.all()},
        "opinion": "建设成效明显。",
        "recommended_tier": tier,
    }


def complete_review(assignment, score: int = 8, tier: str = "workshop", accepted: bool = True):
    """Submit a complete review (``review_data``) of the assignment as its expert."""
    from review import services as review_services

    data = review_data(assignment.assessment, score, tier, accepted)
    return review_services.review_submit(assignment=assignment, actor=assignment.expert, data=data)
