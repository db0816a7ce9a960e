"""Schemathesis against /api/schema/: no 5xx, and every response as the schema documents it.

The schema is read from the WSGI app and every operation is called in-process, inside the
test's transaction, as a real user: an enterprise admin with a draft in an open batch, then the
province admin, while another enterprise's submission is under expert review. Half of the
generated cases address those real objects, so the authenticated code paths run, not only the
404s; both valid (positive) and invalid (negative) data are sent.

Schemathesis' own pytest integration (``from_fixture``) does not run on pytest 9, so one test
per user walks the operations itself, each under a bounded, derandomized Hypothesis run.
"""

from collections import Counter

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from evaluation import services
from evaluation.models import Evidence
from portal.models import ApiToken
from review import services as review_services
from review.models import ExpertAssignment

from ..conftest import api_token, draft_assessment
from ..services.conftest import DECLARED

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = {GenerationMode.POSITIVE: 8, GenerationMode.NEGATIVE: 4}
# Operations left out, each with its reason (none at present: the token endpoint's lockout and
# throttle answers, 400 and 429, are documented like any other).
EXCLUDED: dict[str, str] = {}


@pytest.fixture
def _one_connection():
    """The app runs in the test's thread and transaction: keep Django from closing the
    connection around each request (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(_one_connection):
    config = SchemathesisConfig.from_dict({"generation": {"with-security-parameters": False}})
    return schemathesis.openapi.from_wsgi("/api/schema/", WSGIHandler(), config=config)


@pytest.fixture
def in_review(
    open_batch,
    enterprise_b,
    admin_b,
    city_reviewer_nanjing,
    experts,
    province_admin,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    """Enterprise B's submission, evaluated, recommended and assigned to experts."""
    draft = draft_assessment(enterprise_b, open_batch, admin_b)
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=draft, actor=admin_b, declarations=DECLARED)
    review_services.assessment_recommend(assessment=draft, actor=city_reviewer_nanjing)
    review_services.formal_check_pass(assessment=draft, actor=province_admin)
    review_services.assignments_auto(batch=open_batch, actor=province_admin)
    return draft


@pytest.fixture
def real_ids(assessment, in_review):
    """The path parameters naming this test's objects, by the resource the path starts with."""
    return {
        "/api/v1/assessments/": {
            "id": assessment.pk,
            "evidence_id": Evidence.objects.filter(assessment=assessment).first().pk,
            "no": 1,
        },
        "/api/v1/review/assessments/": {"id": in_review.pk},
        "/api/v1/review/assignments/": {
            "id": ExpertAssignment.objects.filter(assessment=in_review).first().pk
        },
        "/api/v1/enterprises/": {"id": assessment.enterprise_id},
        "/api/v1/review/batches/": {"id": assessment.batch_id},
        "/api/v1/public/batches/": {"id": assessment.batch_id},
    }


def _real(real_ids: dict, operation) -> dict:
    ids = next((ids for prefix, ids in real_ids.items() if operation.path.startswith(prefix)), {})
    names = {p.name for p in operation.path_parameters}
    return {name: value for name, value in ids.items() if name in names}


def _run(operation, mode, token: str, real: dict, statuses: Counter) -> list[str]:
    """One operation's bounded Hypothesis run; its failure, if any, as text."""

    @given(case=operation.as_strategy(generation_mode=mode), use_real=st.booleans())
    @settings(
        max_examples=EXAMPLES[mode],
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case, use_real):
        if use_real:
            case.path_parameters.update(real)
        response = case.call_and_validate(
            headers={"Authorization": f"Token {token}"}, checks=CHECKS
        )
        statuses[(operation.label, response.status_code)] += 1

    try:
        run()
    except (FailureGroup, AssertionError) as exc:
        return [f"{operation.label} ({mode}): {exc}"]
    return []


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("role", ["enterprise_admin", "province_admin"])
def test_every_operation_answers_as_documented(role, api_schema, real_ids, admin_a, province_admin):
    user = {"enterprise_admin": admin_a, "province_admin": province_admin}[role]
    token = api_token(user)
    # a token of the user's besides the one the calls are made with, for the revocation
    real_ids["/api/v1/auth/tokens/"] = {
        "id": ApiToken.objects.create(user=user, name="spare")[0].pk
    }
    operations = [result.ok() for result in api_schema.get_all_operations()]  # raises if invalid
    labels = {o.label for o in operations}
    assert set(EXCLUDED) <= labels, "an exclusion names an operation that no longer exists"
    failures, statuses = [], Counter()
    for operation in operations:
        if operation.label not in EXCLUDED:
            for mode in EXAMPLES:
                failures += _run(operation, mode, token, _real(real_ids, operation), statuses)
    assert not failures, "\n\n".join(failures)
    tested = {label for label, _status in statuses}
    assert tested == labels - set(EXCLUDED), "every operation was called"
    # The token was accepted everywhere and reached the user's own objects.
    assert not [key for key in statuses if key[1] == 401]
    assert statuses[("GET /api/v1/assessments/{id}/", 200)] > 0
    assert statuses[("GET /api/v1/review/batches/{id}/", 200 if role == "province_admin" else 403)]


# --- what the fuzzing found, one case each ------------------------------------------------


def _answer(api_schema, user, method: str, path: str, **case):
    """Call one operation as ``user`` and check the answer as the fuzzing does."""
    token = api_token(user)
    call = api_schema[path][method].Case(**case)
    response = call.call(headers={"Authorization": f"Token {token}"})
    call.validate_response(response, checks=CHECKS)
    return response


@pytest.mark.django_db
def test_error_answers_are_documented(api_schema, submitted, admin_a, province_admin):
    """Each operation documents its 400/401/403/404/409/415/429 (it documented only success)."""
    frozen = {"id": submitted.pk}
    submit = "/api/v1/assessments/{id}/submit/"
    again = {"declarations": DECLARED}
    assert (
        _answer(
            api_schema,
            admin_a,
            "POST",
            submit,
            path_parameters=frozen,
            body=again,
            media_type="application/json",
        ).status_code
        == 409
    )
    assert (
        _answer(api_schema, admin_a, "GET", "/api/v1/catalog/", query={"version": "9.9"})
    ).status_code == 404
    compute = api_schema["/api/v1/indicators/compute/"]["POST"]
    assert set(compute.definition.raw["responses"]) >= {"200", "400", "401", "415", "429"}
    review = api_schema["/api/v1/review/assessments/{id}/decide/"]["POST"].definition.raw
    assert set(review["responses"]) >= {"200", "400", "401", "403", "404", "409", "415", "429"}
    assert (
        _answer(
            api_schema,
            admin_a,
            "POST",
            "/api/v1/review/assessments/{id}/decide/",
            path_parameters=frozen,
            body={},
            media_type="application/json",
        ).status_code
        == 403
    )


@pytest.mark.django_db
def test_an_api_url_that_matches_no_route_is_a_json_404(client, admin_a):
    """A path parameter of the wrong shape used to get Django's HTML 404 page."""
    response = client.get("/api/v1/public/batches/not-a-number/list/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


@pytest.mark.django_db
def test_the_evidence_list_is_documented_as_the_list_it_is(api_schema, assessment, admin_a):
    """The schema described a paginated object; the answer is a plain list of files."""
    response = _answer(
        api_schema,
        admin_a,
        "GET",
        "/api/v1/assessments/{id}/evidence/",
        path_parameters={"id": assessment.pk},
    )
    assert (
        response.status_code == 200 and len(response.json()) == 6
    )  # statements of 3 years, 3 papers


@pytest.mark.django_db
def test_a_tier_not_yet_recommended_matches_the_schema(api_schema, in_review, province_admin):
    """A read-only choice left blank ("") was missing from its documented enum."""
    assignment = ExpertAssignment.objects.filter(assessment=in_review).first()
    for path, pk in [
        ("/api/v1/review/assignments/{id}/", assignment.pk),
        ("/api/v1/review/assessments/{id}/", in_review.pk),
    ]:
        response = _answer(api_schema, province_admin, "GET", path, path_parameters={"id": pk})
        assert response.status_code == 200
    assert response.json()["assignments"][0]["recommended_tier"] == ""
