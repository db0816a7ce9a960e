"""The application report: the PDF's text and fonts, caching, verification, the pages and the
API, and who may get it."""

import re
import subprocess
from datetime import timedelta
from html import unescape

import pytest
from django.template.defaultfilters import floatformat
from django.utils import timezone

from evaluation import services as evaluation_services
from evaluation.models import Evaluation, State
from evaluation.results import indicator_rows
from reports import services
from reports.models import Report, ReportStatus
from scenarios.models import Scenario

from .conftest import complete_review, login
from .services.conftest import DECLARED, IMPL, answers_to


def pdf_text(content: bytes, mode: str = "-layout") -> str:
    return subprocess.run(
        ["pdftotext", mode, "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout.decode()


def requested(assessment, actor, capture, *, execute=True, **kwargs) -> Report:
    """Request the report; with ``execute`` the queued task runs (eagerly) at commit."""
    with capture(execute=execute):
        report = services.report_request(assessment=assessment, actor=actor, **kwargs)
    report.refresh_from_db()
    return report


def resubmitted(assessment, admin, city_reviewer, capture):
    """Returned by the city, one more scenario implemented, submitted again: a new snapshot."""
    from review import services as review_services

    with capture(execute=True):
        review_services.assessment_return(
            assessment=assessment, actor=city_reviewer, comment="请补充场景 45。"
        )
    evaluation_services.scenario_answer_set(
        assessment=assessment, actor=admin, scenario_no=45, data=IMPL
    )
    with capture(execute=True):
        evaluation_services.assessment_submit(
            assessment=assessment,
            actor=admin,
            declarations=DECLARED,
            answers=answers_to(assessment),
        )
    assessment.refresh_from_db()


def file_bytes(report: Report) -> bytes:
    with report.file.open("rb") as f:
        return f.read()


@pytest.fixture
def rendered(submitted, admin_a, eager_celery, django_capture_on_commit_callbacks):
    report = requested(submitted, admin_a, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY, report.error
    return report


# --- the PDF --------------------------------------------------------------------------------


@pytest.mark.slow
def test_pdf_holds_the_enterprise_scenarios_indicators_and_code_on_every_page(
    rendered, submitted, tmp_path
):
    content = file_bytes(rendered)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    enterprise = submitted.enterprise
    assert enterprise.name in text
    assert enterprise.credit_code in text
    assert submitted.batch.name in text
    for no in (1, 13, 30):  # claimed scenarios of the production and product dimensions
        name = Scenario.objects.get(version=submitted.batch.catalog_version, no=no).name
        assert name in text, name
    rows = {r["code"]: r for r in indicator_rows(Evaluation.objects.get(assessment=submitted))}
    productivity = rows["labor_productivity"]
    assert floatformat(productivity["current"]["value"], productivity["decimals"]) in text
    assert floatformat(productivity["base"]["value"], productivity["decimals"]) in text
    assert "财务报表.pdf" in text  # the evidence list
    assert "张三" in text  # the signer of the declarations
    # the verification code is printed in the footer of every page (and on the cover)
    assert rendered.digest == submitted.snapshot_sha256
    pages = [page for page in text.split("\f") if page.strip()]
    assert len(pages) == rendered.pages > 5
    assert all(rendered.digest in page for page in pages)
    assert f"第 1 页 / 共 {rendered.pages} 页" in text
    assert f"第 {rendered.pages} 页 / 共 {rendered.pages} 页" in text
    assert "草稿" not in text
    fonts = pdf_fonts(content, tmp_path)
    cjk = [line for line in fonts.splitlines() if "CJK" in line]
    assert cjk, fonts
    assert all("yes yes yes" in " ".join(line.split()) for line in cjk), fonts
    assert rendered.size == len(content) < 2 * 1024 * 1024


@pytest.mark.slow
def test_report_is_cached_per_snapshot_and_rendered_again_when_it_changes(
    rendered, submitted, admin_a, city_reviewer_suzhou, django_capture_on_commit_callbacks
):
    again = requested(submitted, city_reviewer_suzhou, django_capture_on_commit_callbacks)
    assert again.pk == rendered.pk and again.file.name == rendered.file.name
    assert Report.objects.count() == 1
    # a language is part of the key
    english = requested(submitted, admin_a, django_capture_on_commit_callbacks, language="en")
    assert english.pk != rendered.pk and english.status == ReportStatus.READY
    # returned, changed, resubmitted: a new snapshot, a new report; the old one is kept
    resubmitted(submitted, admin_a, city_reviewer_suzhou, django_capture_on_commit_callbacks)
    newer = requested(submitted, admin_a, django_capture_on_commit_callbacks)
    assert newer.pk != rendered.pk and newer.digest == submitted.snapshot_sha256
    assert newer.digest != rendered.digest
    assert Report.objects.filter(pk=rendered.pk, status=ReportStatus.READY).exists()


@pytest.mark.slow
def test_draft_report_is_watermarked_and_has_no_code(
    assessment, admin_a, eager_celery, django_capture_on_commit_callbacks
):
    report = requested(assessment, admin_a, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY and report.draft and report.digest == ""
    text = pdf_text(file_bytes(report))
    assert "草稿预览：未提交，不可用于申报，无验证码。" in text
    assert assessment.enterprise.name in text
    # editing the draft makes a new preview and forgets the old one
    evaluation_services.scenario_answer_set(
        assessment=assessment, actor=admin_a, scenario_no=40, data=IMPL
    )
    newer = requested(assessment, admin_a, django_capture_on_commit_callbacks)
    assert newer.pk != report.pk
    assert list(Report.objects.values_list("pk", flat=True)) == [newer.pk]


def test_user_text_is_printed_as_text_and_fetches_nothing(
    assessment, admin_a, eager_celery, django_capture_on_commit_callbacks
):
    payload = '<img src="file:///etc/hostname"><script>alert(1)</script>"; } body { display: none'
    evaluation_services.scenario_answer_set(
        assessment=assessment, actor=admin_a, scenario_no=1, data={**IMPL, "description": payload}
    )
    report = requested(assessment, admin_a, django_capture_on_commit_callbacks)
    text = pdf_text(file_bytes(report))
    assert '<img src="file:///etc/hostname">' in text
    assert "<script>alert(1)</script>" in text


def test_a_failed_rendering_is_recorded_and_can_be_requested_again(
    submitted, admin_a, eager_celery, django_capture_on_commit_callbacks, monkeypatch
):
    def broken(html):
        raise RuntimeError("font missing")

    monkeypatch.setattr("reports.services.html_to_pdf", broken)
    report = requested(submitted, admin_a, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.FAILED
    assert "font missing" in report.error
    monkeypatch.undo()
    report = requested(submitted, admin_a, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY and not report.error


def test_a_request_left_queued_too_long_is_queued_again(
    submitted, admin_a, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks() as queued:
        report = services.report_request(assessment=submitted, actor=admin_a)
    assert len(queued) == 1
    with django_capture_on_commit_callbacks() as queued:
        services.report_request(assessment=submitted, actor=admin_a)
    assert queued == []  # still waiting: not queued twice
    Report.objects.filter(pk=report.pk).update(
        requested_at=timezone.now() - timedelta(seconds=settings.REPORT_STALE_AFTER + 1)
    )
    with django_capture_on_commit_callbacks() as queued:
        services.report_request(assessment=submitted, actor=admin_a)
    assert len(queued) == 1


def test_running_the_task_twice_renders_once(rendered):
    first = rendered.file.name
    again = services.report_render(report_id=rendered.pk)
    assert again.file.name == first and again.status == ReportStatus.READY


def test_a_submitted_assessment_not_evaluated_yet_has_no_report(submitted, admin_a, api_client):
    Evaluation.objects.filter(assessment=submitted).delete()
    with pytest.raises(Exception, match="评估结果正在计算"):
        services.report_request(assessment=submitted, actor=admin_a)
    response = login(api_client, admin_a).get(f"/api/v1/assessments/{submitted.pk}/report.pdf")
    assert response.status_code == 409
    assert Report.objects.count() == 0


# --- verification ---------------------------------------------------------------------------


def test_verify_page_confirms_a_real_code_and_rejects_a_tampered_one(rendered, submitted, client):
    response = client.get(f"/verify/{rendered.digest}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-valid="1"' in html
    assert submitted.enterprise.name in html and submitted.batch.name in html
    assert timezone.localtime(submitted.submitted_at).strftime("%Y-%m-%d %H:%M") in html
    tampered = ("0" if rendered.digest[0] != "0" else "1") + rendered.digest[1:]
    for code in (tampered, "not-a-code", rendered.digest[:20]):
        response = client.get(f"/verify/{code}/")
        assert response.status_code == 404
        html = response.content.decode()
        assert "验证失败" in html and submitted.enterprise.name not in html
        assert submitted.applicant_credit_code not in html
    # the form sends the code as a query
    assert client.get("/verify/", {"code": rendered.digest.upper()}).status_code == 200
    assert client.get("/verify/").status_code == 200


def cover_of(content: bytes) -> dict[str, str]:
    """The rows of the report's cover (label → value) as the PDF's first page reads: between its
    title and the verification code, each line a label and its value."""
    text = pdf_text(content).split("\f")[0]
    table = text.split("典型场景自评估申报书", 1)[1].split("验证码", 1)[0]
    rows = [re.split(r"\s{2,}", line.strip()) for line in table.splitlines() if line.strip()]
    assert all(len(row) == 2 for row in rows), rows
    return dict(rows)


def facts_on(response) -> dict[str, str]:
    """The verification page's label → value pairs."""
    pairs = re.findall(
        r"<dt[^>]*>(.*?)</dt>\s*<dd[^>]*>(.*?)</dd>", response.content.decode(), re.S
    )
    return {unescape(label).strip(): unescape(value).strip() for label, value in pairs}


def test_verify_page_confirms_every_fact_the_cover_states(
    rendered,
    submitted,
    client,
    city_reviewer_suzhou,
    experts,
    province_admin,
    django_capture_on_commit_callbacks,
):
    """A reader compares the page with the paper: each fact of the printed cover, under its
    label; the province's decision once taken; nothing the report does not print."""
    content = file_bytes(rendered)
    cover = cover_of(content)
    assert len(cover) == 6, cover
    assert cover["统一社会信用代码"] == submitted.applicant_credit_code  # the frozen identity
    assert rendered.digest in pdf_text(content).split("\f")[0]
    url = f"/verify/{rendered.digest}/"
    shown = facts_on(client.get(url))
    assert {label: shown.get(label) for label in cover} == cover
    assert shown["验证码"] == rendered.digest
    assert "认定层级" not in shown and "认定时间" not in shown  # not decided yet

    from review import services as review_services

    with django_capture_on_commit_callbacks(execute=True):
        review_services.assessment_recommend(
            assessment=submitted, actor=city_reviewer_suzhou, comment="同意推荐。"
        )
        review_services.formal_check_pass(assessment=submitted, actor=province_admin)
        review_services.assignments_auto(batch=submitted.batch, actor=province_admin)
        for assignment in submitted.assignments.all():
            complete_review(assignment, score=7)
        review_services.assessment_decide(
            assessment=submitted,
            actor=province_admin,
            outcome="approved",
            tier="workshop",
            reason="同意认定为智能车间，理由保密。",
        )
    submitted.refresh_from_db()
    response = client.get(url)
    shown = facts_on(response)
    assert {label: shown.get(label) for label in cover} == cover
    assert shown["认定层级"] == "智能车间"
    assert shown["认定时间"] == timezone.localtime(submitted.decided_at).strftime("%Y-%m-%d %H:%M")
    html = response.content.decode()
    private = (
        ["理由保密", "同意推荐"] + [e.username for e in experts] + [e.employer for e in experts]
    )
    assert [text for text in private if text in html] == []


def test_verify_page_says_when_a_code_was_superseded(
    submitted, admin_a, city_reviewer_suzhou, client, django_capture_on_commit_callbacks
):
    first = submitted.snapshot_sha256
    resubmitted(submitted, admin_a, city_reviewer_suzhou, django_capture_on_commit_callbacks)
    assert submitted.snapshot_sha256 != first
    response = client.get(f"/verify/{first}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-valid="0"' in html and "较早的提交" in html


# --- pages and API --------------------------------------------------------------------------


def test_report_page_generates_shows_progress_and_downloads(
    submitted, member_a, client, django_capture_on_commit_callbacks, eager_celery
):
    login(client, member_a)
    base = f"/assessments/{submitted.pk}/report/"
    page = client.get(base)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="coverage-chart"' in html and "<svg" in html
    assert 'data-testid="report-generate"' in html
    assert submitted.snapshot_sha256 in html
    # queued but not run yet: the partial polls itself
    with django_capture_on_commit_callbacks(execute=False):
        partial = client.post(base + "generate/", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    report = Report.objects.get()
    assert 'data-status="pending"' in partial.content.decode()
    assert f"report/{report.pk}/status/" in partial.content.decode()
    services.report_render(report_id=report.pk)
    status = client.get(base + f"{report.pk}/status/").content.decode()
    assert 'data-status="ready"' in status and "hx-trigger" not in status
    download = client.get(base + f"{report.pk}.pdf")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_api_answers_202_until_rendered_then_the_pdf(
    submitted, admin_a, api_client, django_capture_on_commit_callbacks
):
    login(api_client, admin_a)
    url = f"/api/v1/assessments/{submitted.pk}/report.pdf"
    with django_capture_on_commit_callbacks(execute=False):
        pending = api_client.get(url)
    assert pending.status_code == 202
    assert pending["Retry-After"] == "2"
    assert pending.json() == {"status": "pending", "retry_after": 2}
    services.report_render(report_id=Report.objects.get().pk)
    ready = api_client.get(url)
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert b"".join(ready.streaming_content).startswith(b"%PDF")


@pytest.fixture
def all_users(
    admin_a, member_a, admin_b, city_reviewer_suzhou, city_reviewer_nanjing, expert, province_admin
):
    return {
        "admin_a": admin_a,
        "member_a": member_a,
        "admin_b": admin_b,
        "city_own": city_reviewer_suzhou,
        "city_other": city_reviewer_nanjing,
        "expert": expert,
        "province": province_admin,
    }


ALLOWED = {"admin_a", "member_a", "city_own", "province"}


def test_every_report_url_is_refused_to_those_who_may_not_see_the_assessment(
    rendered, submitted, all_users, client, api_client
):
    base = f"/assessments/{submitted.pk}/report/"
    gets = [base, base + f"{rendered.pk}/status/", base + f"{rendered.pk}.pdf"]
    api = f"/api/v1/assessments/{submitted.pk}/report.pdf"
    for url in [*gets, base + "generate/"]:
        response = client.get(url) if url in gets else client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    assert api_client.get(api).status_code == 401
    for name, user in all_users.items():
        login(client, user)
        login(api_client, user)
        expected = 200 if name in ALLOWED else 404
        for url in gets:
            assert client.get(url).status_code == expected, (name, url)
        assert api_client.get(api).status_code == expected, name
        generate = client.post(base + "generate/")
        assert generate.status_code == (302 if name in ALLOWED else 404), name
        client.logout()
        api_client.logout()
    assert Report.objects.count() == 1  # the refused requests queued nothing


def test_a_draft_report_is_the_enterprise_s_own(assessment, admin_b, city_reviewer_suzhou, client):
    for user in (admin_b, city_reviewer_suzhou):  # a city never sees drafts
        login(client, user)
        assert client.get(f"/assessments/{assessment.pk}/report/").status_code == 404
    assert assessment.state == State.DRAFT
