"""An enterprise admin exports all of its enterprise's data as one ZIP, built by a worker (the
page's button and POST /api/v1/enterprises/{id}/export/): what the archive holds, what it must
never hold (another enterprise's data, password hashes, tokens, the experts and their scores),
who may start it and download it, and the audit entry it leaves."""

import io
import json
import zipfile

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from evaluation import services as evaluation_services
from evaluation.models import Evidence
from portal.models import ApiToken, AuditLog, Notification
from reports.models import ExportJob, Report, ReportStatus
from review import services as review_services

from .conftest import api_token, complete_review, draft_assessment, login
from .services.conftest import DECLARED, IMPL, PNG, answers_to

pytestmark = pytest.mark.django_db

REPORT_PDF = b"%PDF-1.4\n% the rendered application report\n%%EOF\n"
B_SECRET = b"%PDF-1.4\n% enterprise B's own statement\n%%EOF\n"


@pytest.fixture
def decided(
    submitted,
    admin_a,
    city_reviewer_suzhou,
    experts,
    province_admin,
    django_capture_on_commit_callbacks,
):
    """Enterprise A's assessment: returned once, submitted again, recommended, scored by three
    experts and approved; with a screenshot for scenario 1 and a rendered report."""
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        review_services.assessment_return(
            assessment=submitted, actor=city_reviewer_suzhou, comment="请补充场景 45 的说明。"
        )
    evaluation_services.scenario_answer_set(
        assessment=submitted, actor=admin_a, scenario_no=45, data=IMPL
    )
    evaluation_services.evidence_upload(
        assessment=submitted,
        actor=admin_a,
        uploaded=ContentFile(PNG, name="产线看板截图.png"),
        scenario_no=1,
    )
    with capture(execute=True):
        evaluation_services.assessment_submit(
            assessment=submitted,
            actor=admin_a,
            declarations=DECLARED,
            answers=answers_to(submitted),
        )
        review_services.assessment_recommend(
            assessment=submitted, actor=city_reviewer_suzhou, comment="同意推荐。"
        )
        review_services.formal_check_pass(assessment=submitted, actor=province_admin)
        review_services.assignments_auto(batch=submitted.batch, actor=province_admin)
        submitted.refresh_from_db()  # the reviewers read the new snapshot
        for assignment in submitted.assignments.all():
            complete_review(assignment, score=9)
        review_services.assessment_decide(
            assessment=submitted,
            actor=province_admin,
            outcome="approved",
            tier="workshop",
            reason="同意认定为智能车间。",
            figures={"mean": "9.00", "experts": [e.username for e in experts]},
        )
    submitted.refresh_from_db()
    report = Report.objects.create(
        assessment=submitted,
        cache_key="export-test",
        digest=submitted.snapshot_sha256,
        language="zh-hans",
        status=ReportStatus.READY,
        requested_at=timezone.now(),
        finished_at=timezone.now(),
        pages=1,
        size=len(REPORT_PDF),
    )
    report.file.save("report.pdf", ContentFile(REPORT_PDF))
    return submitted


@pytest.fixture
def other_enterprise(enterprise_b, admin_b, open_batch):
    """Enterprise B's own draft, evidence and notification: none of it may leak."""
    b = draft_assessment(enterprise_b, open_batch, admin_b)
    evaluation_services.evidence_upload(
        assessment=b,
        actor=admin_b,
        uploaded=ContentFile(B_SECRET, name="乙企业报表.pdf"),
        financial_year=b.current_year - 1,
    )
    Notification.objects.create(recipient=admin_b, kind="test", title="乙企业的通知")
    return b


def _archive(response) -> zipfile.ZipFile:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def _json(archive: zipfile.ZipFile, name: str):
    return json.loads(archive.read(name))


def _everything(archive: zipfile.ZipFile) -> bytes:
    return b"\n".join(archive.read(name) for name in archive.namelist())


@pytest.fixture
def _export(eager_celery, django_capture_on_commit_callbacks):
    """Start the export on the page as ``user``; once the worker (eager here) has built it,
    the download of its file (or the refusal to start it)."""

    def export(client, user, enterprise):
        with django_capture_on_commit_callbacks(execute=True):
            started = login(client, user).post(reverse("enterprise-export", args=[enterprise.pk]))
        if started.status_code != 302:
            return started
        job = ExportJob.objects.filter(requested_by=user).latest("pk")
        assert started["Location"] == reverse("export-job", args=[job.pk])
        return client.get(reverse("export-job-download", args=[job.pk]))

    return export


def test_the_archive_holds_the_enterprise_and_its_assessment(
    _export, client, member_a, decided, admin_a, enterprise_a, other_enterprise
):
    archive = _archive(_export(client, admin_a, enterprise_a))
    folder = f"assessments/{decided.pk}"

    meta = _json(archive, "export.json")
    assert meta["enterprise"] == enterprise_a.pk
    assert meta["exported_by"] == "admin_a"
    # the screenshot, three years' statements and the three papers the formal check asks for
    assert (meta["assessments"], meta["evidence_files"], meta["reports"]) == (1, 7, 1)

    profile = _json(archive, "enterprise.json")
    assert profile["name"] == "甲企业"
    assert profile["credit_code"] == enterprise_a.credit_code
    members = _json(archive, "members.json")
    assert sorted(m["username"] for m in members) == ["admin_a", "member_a"]
    assert all("password" not in m for m in members)

    data = _json(archive, f"{folder}/assessment.json")
    assert data["state"] == "approved"
    assert data["current_inputs"]["gross_output_value"] == "15000"
    scenarios = {s["no"]: s for s in data["scenarios"]}
    assert scenarios[45]["status"] == "implemented"
    assert scenarios[45]["description"] == IMPL["description"]
    assert data["declarations"]["signer"] == DECLARED["signer"]
    assert data["snapshot_sha256"] == decided.snapshot_sha256
    assert data["snapshot"]["scenarios"]["45"]["status"] == "implemented"
    assert data["evaluation"]["highest_tier"] == decided.evaluation.highest_tier
    assert len(data["evaluation"]["indicators"]["current"]["value"]) == 19
    assert data["review"]["returns"] == [
        {"comment": "请补充场景 45 的说明。", "at": data["review"]["returns"][0]["at"]}
    ]
    assert data["review"]["decision"]["outcome"] == "approved"
    assert data["review"]["decision"]["tier"] == "workshop"
    assert data["review"]["decision"]["reason"] == "同意认定为智能车间。"

    # the files themselves, byte for byte, named in the JSON
    files = {e["name"]: e for e in data["evidence"]}
    assert {"财务报表.pdf", "产线看板截图.png", "营业执照.pdf"} <= set(files)
    assert len(files) == 7
    screenshot = files["产线看板截图.png"]
    assert screenshot["scenario"] == 1
    assert archive.read(screenshot["file"]) == PNG
    statement = Evidence.objects.get(assessment=decided, original_name="财务报表.pdf")
    assert archive.read(files["财务报表.pdf"]["file"]) == statement.file.open("rb").read()
    [report] = data["reports"]
    assert report["verification_code"] == decided.snapshot_sha256
    assert archive.read(report["file"]) == REPORT_PDF

    notifications = _json(archive, "notifications.json")
    assert {n["recipient"] for n in notifications} == {"admin_a", "member_a"}
    assert any("退回" in n["title"] or "认定" in n["title"] for n in notifications)
    actions = {e["action"] for e in _json(archive, "audit_log.json")}
    assert {"assessment.create", "assessment.submit", "review.return", "review.decide"} <= actions


def test_the_archive_holds_nothing_of_another_enterprise_nor_any_secret(
    _export,
    client,
    decided,
    admin_a,
    member_a,
    enterprise_a,
    enterprise_b,
    admin_b,
    experts,
    other_enterprise,
):
    tokens = [api_token(u) for u in (admin_a, member_a, admin_b)]
    tokens += [t.digest for t in ApiToken.objects.all()]
    archive = _archive(_export(client, admin_a, enterprise_a))
    everything = _everything(archive)
    text = everything.decode("utf-8", errors="replace")

    assert B_SECRET not in everything
    for leak in [
        "乙企业",
        enterprise_b.credit_code,
        "admin_b",
        f"assessments/{other_enterprise.pk}/",
    ]:
        assert leak not in text, leak
    assert all(name.startswith(f"assessments/{decided.pk}/") or "/" not in name
               for name in archive.namelist())  # fmt: skip
    # no password hash, no API token
    assert admin_a.password and admin_a.password not in text
    assert not any(f"{algorithm}$" in text for algorithm in ("md5", "pbkdf2_sha256", "argon2"))
    for key in tokens:
        assert key not in text
    # nothing of the expert review: who, their scores, their opinions, the decision's figures
    for expert in experts:
        for trace in (expert.username, expert.email, expert.employer):
            assert trace not in text, trace
    for word in ("建设成效明显", '"scores"', '"verdicts"', '"opinion"', '"figures"', '"total"'):
        assert word not in text, word
    assert not {"review.assign", "review.submit"} & {
        e["action"] for e in _json(archive, "audit_log.json")
    }


def test_a_missing_file_is_listed_without_its_bytes(
    _export, client, assessment, admin_a, enterprise_a
):
    statement = Evidence.objects.get(assessment=assessment, original_name="财务报表.pdf")
    statement.file.storage.delete(statement.file.name)
    archive = _archive(_export(client, admin_a, enterprise_a))
    listed = _json(archive, f"assessments/{assessment.pk}/assessment.json")["evidence"]
    [missing] = [e for e in listed if e["file"] is None]
    assert missing["name"] == "财务报表.pdf" and len(listed) == 6


def test_the_export_is_audited(_export, client, assessment, admin_a, member_a, enterprise_a):
    _archive(_export(client, admin_a, enterprise_a))
    entry = AuditLog.objects.get(action="enterprise.export")
    assert entry.actor == admin_a and entry.enterprise == enterprise_a
    assert entry.data["job"] == ExportJob.objects.get().pk
    assert _export(client, member_a, enterprise_a).status_code == 403
    assert AuditLog.objects.filter(action="enterprise.export").count() == 1


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member_a", 403),
        ("admin_b", 404),
        ("city_reviewer_suzhou", 403),
        ("city_reviewer_nanjing", 404),
        ("expert", 404),
        ("province_admin", 403),
    ],
)
def test_only_the_enterprises_admin_may_export(
    _export, request, client, api_client, enterprise_a, who, status
):
    user = request.getfixturevalue(who)
    assert _export(client, user, enterprise_a).status_code == status
    api_client.force_authenticate(user)
    response = api_client.post(f"/api/v1/enterprises/{enterprise_a.pk}/export/")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert not ExportJob.objects.exists()


def test_the_anonymous_are_sent_to_log_in(client, api_client, enterprise_a):
    response = client.post(reverse("enterprise-export", args=[enterprise_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api_client.post(f"/api/v1/enterprises/{enterprise_a.pk}/export/").status_code == 401


def test_the_enterprise_page_offers_the_export_to_its_admin_only(
    client, admin_a, member_a, enterprise_a
):
    page = reverse("enterprise-page", args=[enterprise_a.pk])
    export = reverse("enterprise-export", args=[enterprise_a.pk])
    assert export in login(client, admin_a).get(page).content.decode()
    assert export not in login(client, member_a).get(page).content.decode()
