"""Starting this year's assessment from last year's application, and the comparison of an
enterprise's applications across batches."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from evaluation import carry_over, services
from evaluation.models import Assessment, Evidence, ScenarioAnswer
from indicators.models import IndicatorDefinition, InputDefinition
from portal.exceptions import StateConflict
from portal.models import AuditLog
from scenarios.models import Batch, Scenario, SupportElement
from scenarios.services import catalog_version_clone

from .conftest import api_token, login
from .services.conftest import DECLARED, IMPL, PDF

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_year(assessment, admin_a):
    """Enterprise A's application of the open batch, with evidence for scenarios 1 and 30,
    submitted."""
    for no in (1, 30):
        services.evidence_upload(
            assessment=assessment,
            actor=admin_a,
            uploaded=SimpleUploadedFile(f"场景{no}.pdf", PDF),
            scenario_no=no,
        )
    services.scenario_answer_set(
        assessment=assessment,
        actor=admin_a,
        scenario_no=2,
        data={**IMPL, "started_on": "2023-03-01", "completed_on": "2024-01-15"},
    )
    assessment.refresh_from_db()
    services.assessment_submit(assessment=assessment, actor=admin_a, declarations=DECLARED)
    assessment.refresh_from_db()
    return assessment


@pytest.fixture
def next_batch(catalog):
    """A later batch on a new catalog version: the items have new ids; scenario 30, support
    element 3 are gone, the input ``quality_loss_cost`` is now ``quality_loss``."""
    version = catalog_version_clone(version=catalog, label="2026.1")
    Scenario.objects.filter(version=version, no=30).delete()
    SupportElement.objects.filter(version=version, no=3).delete()
    InputDefinition.objects.filter(version=version, code="quality_loss_cost").update(
        code="quality_loss"
    )
    for indicator in IndicatorDefinition.objects.filter(
        version=version, inputs__contains=["quality_loss_cost"]
    ):
        indicator.formula = indicator.formula.replace("quality_loss_cost", "quality_loss")
        indicator.inputs = [
            c.replace("quality_loss_cost", "quality_loss") for c in indicator.inputs
        ]
        indicator.save()
    # and a new rule last year's figures break: no more units made than inspected
    InputDefinition.objects.filter(version=version, code="total_output_units").update(
        not_greater_than="inspected_total"
    )
    now = timezone.now()
    return Batch.objects.create(
        year=now.year + 1,
        name="下一年度批次",
        catalog_version=version,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=30),
    )


@pytest.fixture
def fresh(next_batch, enterprise_a, admin_a):
    return services.assessment_create(enterprise=enterprise_a, batch=next_batch, actor=admin_a)


def test_copies_by_number_and_code_across_catalog_versions(last_year, fresh, admin_a):
    carry = carry_over.assessment_carry_over(assessment=fresh, actor=admin_a)
    fresh.refresh_from_db()
    assert carry.source == last_year
    version = fresh.batch.catalog_version
    answers = {a.scenario.no: a for a in fresh.scenario_answers.select_related("scenario")}
    assert set(answers) == {1, 2, 4, 5, 11, 13}  # 30 is not in the new catalog
    assert all(a.scenario.version == version for a in answers.values())
    assert answers[2].completed_on.isoformat() == "2024-01-15"
    assert answers[2].description == IMPL["description"]
    assert set(fresh.support_answers.values_list("support_element__no", flat=True)) == {1}
    report = carry.report
    assert report["scenarios"]["not_copied"] == [{"no": 30, "reason": "no_match"}]
    assert report["support_elements"]["not_copied"] == [{"no": 3, "reason": "no_match"}]
    # last year's current-year inputs are this year's base year
    assert fresh.base_year == last_year.current_year
    left_out = {"quality_loss_cost", "total_output_units"}
    expected = {k: v for k, v in last_year.current_inputs.items() if k not in left_out}
    assert fresh.base_inputs == expected and fresh.current_inputs == {}
    assert sorted(report["inputs"]["not_copied"], key=lambda i: i["code"]) == [
        {"code": "quality_loss_cost", "reason": "no_match"},
        {"code": "total_output_units", "reason": "invalid"},
    ]
    # evidence: the scenario's where the scenario still exists, the statements still within
    # the last three years, the business licence; not the yearly papers
    copied = fresh.evidence.all()
    assert {e.scenario.no for e in copied if e.scenario} == {1}
    assert {e.financial_year for e in copied if e.financial_year} == {
        last_year.current_year,
        last_year.current_year - 1,
    }
    assert [e.document for e in copied if e.document] == ["business_licence"]
    not_copied = {e["name"]: e["reason"] for e in report["evidence"]["not_copied"]}
    assert not_copied["场景30.pdf"] == "no_match"
    assert not_copied["智能制造能力成熟度CMMM自评估报告.pdf"] == "yearly"  # stored name, sanitised
    assert not_copied[f"财务报表{last_year.current_year - 2}.pdf"] == "year"
    log = AuditLog.objects.get(action="assessment.carry_over")
    assert log.data["source"] == last_year.pk and log.data["scenarios"] == 6


def test_refused_into_a_draft_that_is_not_fresh(last_year, fresh, admin_a, admin_b):
    services.scenario_answer_set(assessment=fresh, actor=admin_a, scenario_no=7, data=IMPL)
    with pytest.raises(ValidationError) as exc:
        carry_over.assessment_carry_over(assessment=fresh, actor=admin_a)
    assert set(exc.value.message_dict) == {"scenarios"}
    assert fresh.scenario_answers.count() == 1 and not fresh.base_inputs
    with pytest.raises(ValidationError) as exc:  # not an earlier application of its own
        carry_over.assessment_carry_over(assessment=fresh, actor=admin_a, source=fresh.pk)
    assert "source" in exc.value.message_dict
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        carry_over.assessment_carry_over(assessment=fresh, actor=admin_b)


def test_evidence_files_stay_independent_and_undo(
    last_year, fresh, admin_a, django_capture_on_commit_callbacks
):
    carry = carry_over.assessment_carry_over(assessment=fresh, actor=admin_a)
    storage = storages["private"]
    copied = fresh.evidence.get(scenario__no=1)
    original = last_year.evidence.get(scenario__no=1)
    assert copied.file.name == original.file.name and storage.exists(original.file.name)
    # undo is refused once anything changed since: remove the copied file first
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_remove(evidence=copied, actor=admin_a)
    assert storage.exists(original.file.name)  # still last year's
    carry.refresh_from_db()
    with pytest.raises(StateConflict):
        carry_over.carry_over_undo(carry=carry, actor=admin_a)
    # a new copy, undone at once: the draft is empty again, every file still there
    other = Assessment.objects.create(
        enterprise=fresh.enterprise,
        batch=Batch.objects.create(
            year=fresh.batch.year,
            name="另一批次",
            catalog_version=fresh.batch.catalog_version,
            opens_at=fresh.batch.opens_at,
            closes_at=fresh.batch.closes_at,
        ),
        current_year=fresh.current_year,
        base_year=fresh.current_year - 1,
    )
    carry = carry_over.assessment_carry_over(assessment=other, actor=admin_a)
    with django_capture_on_commit_callbacks(execute=True):
        carry_over.carry_over_undo(carry=carry, actor=admin_a)
    other.refresh_from_db()
    assert not other.scenario_answers.exists() and not other.evidence.exists()
    assert other.base_inputs == {} and not hasattr(other, "carry_over")
    assert all(storage.exists(e.file.name) for e in last_year.evidence.all())
    assert carry_over.fresh_draft_problems(other) == {}
    assert AuditLog.objects.filter(action="assessment.carry_over_undo").count() == 1


def test_start_page_copies_then_lists_and_confirms(client, last_year, next_batch, admin_a):
    login(client, admin_a)
    home = client.get("/").content.decode()
    assert 'data-testid="carry-over-source-select"' in home and "从上次申报开始" in home
    response = client.post("/assessments/start/", {"batch": next_batch.pk, "source": last_year.pk})
    fresh = Assessment.objects.get(batch=next_batch)
    assert response.url == f"/assessments/{fresh.pk}/carry-over/"
    page = client.get(response.url).content.decode()
    assert "未复制" in page and "新版目录中没有对应的编号或代码" in page
    assert page.count('data-testid="not-copied"') == len(
        [
            i
            for part in fresh.carry_over.report.values()
            if isinstance(part, dict)
            for i in part["not_copied"]
        ]
    )
    assert 'data-testid="carry-over-undo"' in page
    # undo asks first (no JS: the confirmation page), then empties the draft
    asked = client.post(response.url, {"action": "undo"})
    assert asked.status_code == 200 and "撤销从上次申报复制的数据" in asked.content.decode()
    client.post(response.url, {"action": "undo", "confirmed": "1"})
    assert not fresh.scenario_answers.exists()
    assert client.get(response.url).status_code == 404
    # a bad source: nothing created, the error says why
    Assessment.objects.filter(pk=fresh.pk).delete()
    response = client.post("/assessments/start/", {"batch": next_batch.pk, "source": "x"})
    assert response.url == "/" and not Assessment.objects.filter(batch=next_batch).exists()


def test_api_create_with_carry_over_and_confirm(api_client, last_year, next_batch, admin_a):
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(admin_a)}")
    bad = api_client.post(
        "/api/v1/assessments/", {"batch": next_batch.pk, "carry_over_from": "999999"}, format="json"
    )
    assert bad.status_code == 400 and "carry_over_from" in bad.json()
    assert not Assessment.objects.filter(batch=next_batch).exists()
    created = api_client.post(
        "/api/v1/assessments/", {"batch": next_batch.pk, "carry_over_from": "last"}, format="json"
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    report = api_client.get(f"/api/v1/assessments/{pk}/carry-over/").json()
    assert report["source"] == last_year.pk and report["can_undo"] is True
    assert {"no": 30, "reason": "no_match"} in report["report"]["scenarios"]["not_copied"]
    again = api_client.post(f"/api/v1/assessments/{pk}/carry-over/", {}, format="json")
    assert again.status_code == 400  # not fresh any more
    confirmed = api_client.post(f"/api/v1/assessments/{pk}/carry-over/confirm/")
    assert confirmed.json()["confirmed_at"] and confirmed.json()["can_undo"] is False
    assert api_client.post(f"/api/v1/assessments/{pk}/carry-over/undo/").status_code == 409


def test_comparison_page_shows_each_batch_and_stays_in_its_tenant(
    client, last_year, next_batch, admin_a, admin_b, enterprise_a, province_admin
):
    fresh = services.assessment_create(enterprise=enterprise_a, batch=next_batch, actor=admin_a)
    carry_over.assessment_carry_over(assessment=fresh, actor=admin_a)
    login(client, admin_a)
    page = client.get(f"/enterprises/{enterprise_a.pk}/comparison/").content.decode()
    assert page.count('data-testid="indicator-') == 19
    assert page.count('data-testid="scenario-') == 44  # the latest catalog's (30 is gone)
    assert f'data-testid="column-{last_year.pk}"' in page
    assert f'data-testid="column-{fresh.pk}"' in page
    assert page.index(last_year.batch.name) < page.index(next_batch.name)
    assert "已实施" in page
    login(client, admin_b)
    assert client.get(f"/enterprises/{enterprise_a.pk}/comparison/").status_code == 404
    login(client, province_admin)
    page = client.get(f"/enterprises/{enterprise_a.pk}/comparison/").content.decode()
    assert f'data-testid="column-{last_year.pk}"' in page
    assert f'data-testid="column-{fresh.pk}"' in page  # the province sees drafts too
    assert ScenarioAnswer.objects.filter(assessment=fresh).exists()
    assert Evidence.objects.filter(assessment=fresh).exists()
