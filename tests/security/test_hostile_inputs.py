"""Hostile input: markup in every text a user can type, shown in every page and in the PDF;
oversize, spoofed and oddly named uploads; a zip-bomb workbook; password guessing."""

import importlib
import inspect
import io
import zipfile
from datetime import timedelta

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.html import escape

from evaluation import services
from evaluation.models import Evidence
from portal.models import Invitation, Role
from portal.services import enterprise_update, invitation_accept
from reports import pdf as report_pdf
from reports.models import ReportStatus
from review import services as review_services
from review.models import ExpertAssignment

from ..conftest import login
from ..factories import PASSWORD, UserFactory
from ..services.conftest import DECLARED, IMPL, PDF, PNG, answers_to
from ..test_report import file_bytes, pdf_text, requested

# --- markup in every text field ------------------------------------------------------------

FORM_MODULES = [
    "portal.forms",
    "evaluation.forms",
    "review.forms",
    "review.expert_forms",
    "review.onboarding_forms",
    "review.discussion_forms",
    "review.publicity_forms",
    "review.site_visit_forms",
    "scenarios.forms",
]
# The publicity and site-visit forms' text fields are typed hostile in their own story.
REVIEW_FORMS_STORY = "typed hostile, shown escaped: tests/security/test_hostile_review_forms.py"
# Text fields that never reach a page as typed, each with its reason.
NOT_SHOWN = {
    "InvitationAcceptForm.username": "letters, digits and @.+-_ only",
    "InvitationAcceptForm.password1": "a password",
    "InvitationAcceptForm.password2": "a password",
    "InvitationForm.email": "an email address (validated)",
    "ScalarInputForm.base": "a number (tests/test_assessment_editor.py: refused, named)",
    "ScalarInputForm.current": "a number (tests/test_assessment_editor.py: refused, named)",
    "EligibilityForm.cmmm_level": "a number (tests/services/test_formal_check.py: refused, named)",
    "EligibilityForm.self_test_score": "a number (tests/services/test_formal_check.py: refused, "
    "named)",
    "CatalogCloneForm.label": "a version label typed by the province admin in the admin site",
    "EnterpriseForm.credit_code": "checksummed code: refused (test_a_refused_profile_…)",
    "RegistrationForm.name": "typed hostile, shown escaped: tests/test_onboarding.py",
    "RegistrationForm.contact_name": "typed hostile, shown escaped: tests/test_onboarding.py",
    "RegistrationForm.credit_code": "checksummed code: refused, named (tests/test_onboarding.py)",
    "RegistrationForm.industry_code": "GB/T 4754 code: refused, named (tests/test_onboarding.py)",
    "RegistrationForm.contact_phone": "a phone number: refused, named (tests/test_onboarding.py)",
    "RegistrationForm.email": "an email address: refused, named (tests/test_onboarding.py)",
    "RegistrationDecisionForm.reason": "typed hostile, shown escaped: tests/test_onboarding.py",
    "JoinDecisionForm.reason": "e-mailed as plain text to the requester, never shown on a page",
    "EnterpriseForm.industry_code": "GB/T 4754 code: refused (test_a_refused_profile_…)",
    "CommentForm.comment": "the form of RecommendForm/ReturnForm, covered as ReturnForm",
    "IdentityChangeForm.reason": "typed hostile, shown escaped: tests/test_applicant_identity.py",
    "IdentityDecisionForm.note": "typed hostile, shown escaped: tests/test_applicant_identity.py",
    "SecondFactorCodeForm.code": "a one-time or recovery code, checked; never shown but in its "
    "own field, escaped by the widget",
    "ApiTokenForm.name": "typed hostile, shown escaped: tests/test_api_tokens.py",
    "BulkRecommendForm.comment": "handed to the recommendation's own service, typed here as "
    "the recommendation",
    "BulkDecideForm.reason": "handed to the decision's own service, typed as DecideForm.reason",
    "BulkDecideForm.summary": "handed to the decision's own service, typed as DecideForm.summary",
    "ProposalRejectForm.reason": "typed hostile, shown escaped: tests/test_decision_pages.py",
    "BatchSettingsForm.reminder_days": "days separated by commas: anything else refused, named "
    "(tests/services/test_deadlines.py)",
    "EnterpriseForm.contact_phone": "a phone number: anything else refused, named "
    "(tests/test_journey_data.py)",
    "PublishForm.contact_department": REVIEW_FORMS_STORY,
    "PublishForm.contact_phone": "a phone number: anything else refused, named "
    "(tests/services/test_publicity.py)",
    "PublishForm.contact_email": "an email address: anything else refused, named "
    "(tests/services/test_publicity.py)",
    "ObjectionForm.objector_name": REVIEW_FORMS_STORY,
    "ObjectionForm.grounds": REVIEW_FORMS_STORY,
    "ObjectionForm.phone": "a phone number: anything else refused, named "
    "(tests/services/test_publicity.py)",
    "ObjectionForm.email": "an email address: anything else refused, named "
    "(tests/services/test_publicity.py)",
    "ResolveForm.reason": REVIEW_FORMS_STORY,
    "SiteVisitReportForm.finding_text": REVIEW_FORMS_STORY,
    "SiteVisitPhotoForm.caption": REVIEW_FORMS_STORY,
    "EnterpriseForm.loaded": "the profile as the page loaded it (JSON, a hidden field): compared, "
    "never shown but escaped in its own hidden input (tests/services/test_profile_merge.py)",
}
# Where the story below types each of the others.
TYPED = {
    "EnterpriseForm.name",
    "EnterpriseForm.address",
    "EnterpriseForm.contact_name",
    "EnterpriseForm.legal_representative",
    "EnterpriseForm.main_products",
    "InvitationAcceptForm.first_name",
    "AnswerForm.description",
    "AnswerForm.systems",
    "SubmitForm.signer",
    "ReturnForm.comment",
    "BatchSettingsForm.name",
    "CriterionForm.name",
    "CriterionForm.name_en",
    "CriterionForm.description",
    "ConflictForm.reason",
    "ReviewForm.opinion",
    "DecideForm.reason",
    "DecideForm.justification",
    "DecideForm.summary",
    "PostForm.body",
    "ReviseForm.opinion",
    "ReviseForm.reason",
}
EXTRA = [
    "recommendation",
    "support.description",
    "verdict.comment",
    "evidence.name",
    "return.answer",  # SubmitForm's answer-<return id>, one field per return comment
]
# What must never reach a page unescaped.
RAW = ["<script>alert(", "<svg onload=", '<img src="file:', 'href="javascript:', "</textarea><"]


def form_text_fields() -> set[str]:
    """Every text field of every form of the portal, as ``Form.field``."""
    found = set()
    for name in FORM_MODULES:
        module = importlib.import_module(name)
        for form_name, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == name:
                found |= {
                    f"{form_name}.{field}"
                    for field, f in form.base_fields.items()
                    if isinstance(f, forms.CharField)
                }
    return found


def payload(key: str, max_length: int | None = 200) -> str:
    """Markup that would run if printed unescaped, tagged with ``key`` to find it again."""
    tag = key.replace(".", "_")  # no hyphen: a PDF line broken there loses it
    full = (
        f'</textarea><script>alert(1)</script><a href="javascript:alert(1)">{tag}</a>'
        f'"><img src="file:///etc/hostname" onerror=alert(1)>{{{{ 7*7 }}}}'
    )
    if max_length is None or len(full) <= max_length:
        return full
    return f'"><svg onload=alert(1)>{tag}'[:max_length]


def test_every_text_field_of_every_form_is_covered():
    """A new text field fails here until it is typed hostile below (or said why not)."""
    assert form_text_fields() == TYPED | set(NOT_SHOWN)


@pytest.fixture
def hostile(
    open_batch,
    enterprise_a,
    admin_a,
    city_reviewer_suzhou,
    experts,
    province_admin,
    eager_celery,
    django_capture_on_commit_callbacks,
):
    """Enterprise A's application, from draft to a published decision, with markup typed in
    every text field on the way. Returns ``(assessment, {field: payload})``."""
    from ..conftest import draft_assessment

    typed = {}

    def p(key, max_length=200):
        typed[key] = payload(key, max_length)
        return typed[key]

    profile = ("name", "address", "contact_name", "legal_representative", "main_products")
    enterprise_update(
        enterprise=enterprise_a,
        actor=admin_a,
        data={
            f: p(f"EnterpriseForm.{f}", enterprise_a._meta.get_field(f).max_length) for f in profile
        },
    )
    invitation = Invitation.objects.create(
        enterprise=enterprise_a, email="new@example.com", invited_by=admin_a
    )
    invitation_accept(
        invitation=invitation,
        username="newbie",
        password="Joiner-pass-2026",
        first_name=p("InvitationAcceptForm.first_name", 150),
    )
    review_services.batch_settings_update(
        batch=open_batch,
        actor=province_admin,
        data={"name": p("BatchSettingsForm.name")},
        criteria=[
            {
                "name": p("CriterionForm.name", 100),
                "name_en": p("CriterionForm.name_en", 100),
                "description": p("CriterionForm.description", 300),
                "weight": "100",
                "min_score": 0,
                "max_score": 10,
            }
        ],
    )
    a = draft_assessment(enterprise_a, open_batch, admin_a)
    answer = {"description": p("AnswerForm.description"), "systems": p("AnswerForm.systems")}
    services.scenario_answer_set(
        assessment=a, actor=admin_a, scenario_no=1, data={**IMPL, **answer}
    )
    services.support_answer_set(
        assessment=a,
        actor=admin_a,
        element_no=1,
        data={**IMPL, "description": p("support.description")},
    )
    services.evidence_upload(
        assessment=a,
        actor=admin_a,
        uploaded=SimpleUploadedFile('"><svg onload=alert(1)>证明.pdf', PDF),
        scenario_no=2,
    )
    typed["evidence.name"] = Evidence.objects.get(assessment=a, scenario__no=2).original_name
    declarations = {**DECLARED, "signer": p("SubmitForm.signer", 50)}
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(assessment=a, actor=admin_a, declarations=declarations)
        review_services.assessment_return(
            assessment=a, actor=city_reviewer_suzhou, comment=p("ReturnForm.comment")
        )
    a.refresh_from_db()
    answers = {pk: p("return.answer") for pk in answers_to(a)}
    with django_capture_on_commit_callbacks(execute=True):
        services.assessment_submit(
            assessment=a, actor=admin_a, declarations=declarations, answers=answers
        )
    review_services.assessment_recommend(
        assessment=a, actor=city_reviewer_suzhou, comment=p("recommendation")
    )
    review_services.formal_check_pass(assessment=a, actor=province_admin)
    review_services.assignments_auto(batch=open_batch, actor=province_admin)
    first, *others = ExpertAssignment.objects.filter(assessment=a).order_by("pk")
    review_services.conflict_declare(
        assignment=first, actor=first.expert, reason=p("ConflictForm.reason", 300)
    )
    for assignment in ExpertAssignment.objects.filter(assessment=a, status="active"):
        review_services.review_submit(
            assignment=assignment,
            actor=assignment.expert,
            data={
                "verdicts": {
                    str(no): {"accepted": True, "comment": p("verdict.comment")}
                    for no in review_services.claimed_scenarios(a)
                },
                "scores": {str(c.pk): 8 for c in open_batch.rubric.all()},
                "opinion": p("ReviewForm.opinion"),
                "recommended_tier": "workshop",
            },
        )
    review_services.discussion_open(
        batch=open_batch, actor=province_admin, ends_on=timezone.localdate() + timedelta(days=3)
    )
    review_services.discussion_post(assessment=a, actor=others[0].expert, body=p("PostForm.body"))
    review_services.score_revise(
        assignment=others[0],
        actor=others[0].expert,
        data={"opinion": p("ReviseForm.opinion"), "reason": p("ReviseForm.reason")},
    )
    review_services.discussion_close(batch=open_batch, actor=province_admin)
    a.refresh_from_db()
    review_services.assessment_decide(
        assessment=a,
        actor=province_admin,
        outcome="approved",
        tier="workshop",
        reason=p("DecideForm.reason"),
        justification=p("DecideForm.justification"),
        summary=p("DecideForm.summary"),
    )
    review_services.batch_list_publish(batch=open_batch, actor=province_admin)
    a.refresh_from_db()
    return a, typed


def pages_of(a, users) -> dict[str, list[str]]:
    """Every page that shows the application's text, by who opens it."""
    own = f"/assessments/{a.pk}/"
    batch = f"/review/batches/{a.batch_id}/"
    return {
        "admin_a": [
            "/",
            own,
            *(f"{own}{p}" for p in ("scenarios/", "support/", "submit/", "report/")),
            f"/enterprises/{a.enterprise_id}/",
            f"/enterprises/{a.enterprise_id}/edit/",
            f"/enterprises/{a.enterprise_id}/members/",
            "/notifications/",
            "/audit-log/",
        ],
        "city_sz": ["/", "/review/", f"/review/assessments/{a.pk}/", "/dashboard/"],
        "expert": [
            "/review/assignments/",
            *users["assignments"],
            f"/review/discussions/{a.pk}/",
        ],
        "prov": [
            "/",
            "/review/",
            f"/review/assessments/{a.pk}/",
            "/review/batches/",
            f"{batch}settings/",
            f"{batch}assignments/",
            f"{batch}decisions/",
            f"{batch}discussion/",
            f"/review/discussions/{a.pk}/",
            "/notifications/",
            "/dashboard/",
            "/audit-log/",
            f"/enterprises/{a.enterprise_id}/",
        ],
        "anonymous": ["/public/lists/", f"/public/lists/{a.batch_id}/"],
    }


@pytest.mark.django_db
def test_markup_typed_anywhere_is_shown_escaped_on_every_page(
    hostile, client, admin_a, city_reviewer_suzhou, province_admin
):
    a, typed = hostile
    assignments = ExpertAssignment.objects.filter(assessment=a)
    users = {"admin_a": admin_a, "city_sz": city_reviewer_suzhou, "prov": province_admin}
    pages = pages_of(a, {"assignments": [f"/review/assignments/{x.pk}/" for x in assignments]})
    shown = ""
    for who, urls in pages.items():
        experts = {x.expert for x in assignments} if who == "expert" else [users.get(who)]
        for user in experts:
            client.logout()
            if user is not None:
                login(client, user)
            for url in urls:
                response = client.get(url)
                if who == "expert" and response.status_code == 404:
                    continue  # the declined expert's assignment is no longer theirs
                assert response.status_code == 200, (who, url)
                html = response.content.decode()
                for raw in RAW:
                    assert raw not in html, (who, url, raw)
                shown += html
    missing = [key for key, text in typed.items() if escape(text) not in shown]
    assert not missing, missing
    assert "{{ 7*7 }}" in shown  # printed as typed, never evaluated


@pytest.mark.slow
@pytest.mark.django_db
def test_the_pdf_prints_markup_as_text_and_fetches_nothing(
    hostile, admin_a, eager_celery, django_capture_on_commit_callbacks, monkeypatch
):
    a, typed = hostile
    fetched = []

    class Recording(report_pdf.URLFetcher):
        def fetch(self, url, headers=None):
            fetched.append(url)
            return super().fetch(url, headers)

    monkeypatch.setattr(report_pdf, "URLFetcher", Recording)
    report = requested(a, admin_a, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY, report.error
    # in reading order, without the line breaks of table cells
    text = "".join(pdf_text(file_bytes(report), "-raw").split())
    printed = [
        "EnterpriseForm.name",
        "EnterpriseForm.address",
        "EnterpriseForm.contact_name",
        "AnswerForm.description",
        "AnswerForm.systems",
        "support.description",
        "SubmitForm.signer",
        "evidence.name",
    ]
    for key in printed:
        assert "".join(typed[key].split()) in text, key
    assert all(url.startswith("data:") for url in fetched), fetched


@pytest.mark.django_db
def test_a_refused_profile_shows_what_was_typed_escaped(client, admin_a, enterprise_a):
    login(client, admin_a)
    data = {
        f: payload(f"EnterpriseForm.{f}", enterprise_a._meta.get_field(f).max_length)
        for f in ("name", "credit_code", "address", "industry_code")
    }
    data.update(city=enterprise_a.city, industry_type="discrete", size="large")
    response = client.post(f"/enterprises/{enterprise_a.pk}/edit/", data)
    assert response.status_code in (200, 400)
    form = response.context["form"]
    assert {"credit_code", "industry_code"} <= set(form.errors)
    html = response.content.decode()
    assert not [raw for raw in RAW if raw in html]
    assert escape(data["name"]) in html
    enterprise_a.refresh_from_db()
    assert enterprise_a.name == "甲企业"


# --- uploads (tests/test_assessment_api.py covers the API's basic refusals) -----------------


def _stored_files(settings) -> list:
    root = settings.PRIVATE_MEDIA_ROOT
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.django_db
def test_an_oversize_file_in_the_editor_is_a_field_error_and_stores_nothing(
    client, member_a, assessment, settings
):
    settings.EVIDENCE_MAX_BYTES = 1024
    before = (Evidence.objects.count(), _stored_files(settings))
    login(client, member_a)
    response = client.post(
        f"/assessments/{assessment.pk}/evidence/",
        {"scenario": 2, "file": SimpleUploadedFile("big.pdf", PDF + b"0" * 2048)},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 422 and "文件过大（上限 0.0 MB）" in response.content.decode()
    assert (Evidence.objects.count(), _stored_files(settings)) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),  # a Windows program
        ("page.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("photo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("report.pdf", PNG),
        ("report.pdf.exe", PDF),
        ("report", PDF),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(
    assessment, admin_a, settings, name, content
):
    before = (Evidence.objects.count(), _stored_files(settings))
    with pytest.raises(services.ValidationError) as refused:
        services.evidence_upload(
            assessment=assessment,
            actor=admin_a,
            uploaded=SimpleUploadedFile(name, content),
            scenario_no=2,
        )
    assert "file" in refused.value.message_dict
    assert (Evidence.objects.count(), _stored_files(settings)) == before


@pytest.mark.django_db
def test_the_declared_content_type_is_ignored_for_the_one_read_from_the_file(
    client, assessment, admin_a
):
    evidence = services.evidence_upload(
        assessment=assessment,
        actor=admin_a,
        uploaded=SimpleUploadedFile("scan.pdf", PDF, content_type="image/png"),
        scenario_no=2,
    )
    assert evidence.content_type == "application/pdf"
    login(client, admin_a)
    response = client.get(f"/evidence/{evidence.pk}/")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["Content-Disposition"].startswith("attachment")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\..\\windows\\win.ini.pdf",
        "/etc/passwd.pdf",
        "....//....//etc/shadow.pdf",
        "report\x00.exe.pdf",
        "\x00\x01\x1f.pdf",
        "..",
        "报" * 300 + ".pdf",
        '<img src=x onerror="alert(1)">.pdf',
        "\u202efdp.exe.pdf",  # right-to-left override
    ],
)
def test_hostile_file_names_are_stored_under_a_safe_name_inside_the_private_root(
    assessment, admin_a, settings, name
):
    root = settings.PRIVATE_MEDIA_ROOT.resolve()
    evidence = services.evidence_upload(
        assessment=assessment,
        actor=admin_a,
        uploaded=SimpleUploadedFile(name if name.endswith(".pdf") else f"{name}.pdf", PDF),
        scenario_no=2,
    )
    shown = evidence.original_name
    assert shown.endswith(".pdf") and len(shown) <= 120
    assert not set(shown) & set('/\\<>"\x00\u202e') and not shown.startswith(".")
    stored = settings.PRIVATE_MEDIA_ROOT.joinpath(evidence.file.name).resolve()
    assert stored.is_relative_to(root) and stored.read_bytes() == PDF
    assert [p.resolve() for p in _stored_files(settings) if p.name == stored.name] == [stored]


# --- a zip-bomb workbook ---------------------------------------------------------------------

ROW = b'<row><c t="inlineStr"><is><t>gross_output_value</t></is></c></row>'


def zip_bomb(template: bytes, unpacked_mb: int) -> bytes:
    """The real template with its first sheet replaced by ``unpacked_mb`` MB of rows that
    deflate to almost nothing."""
    source = zipfile.ZipFile(io.BytesIO(template))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for member in source.infolist():
            if member.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(member, source.read(member))
                continue
            with bomb.open(member.filename, "w", force_zip64=True) as sheet:
                sheet.write(b'<?xml version="1.0"?><worksheet><sheetData>')
                chunk = ROW * (2**20 // len(ROW))
                for _ in range(unpacked_mb):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("unpacked_mb", [300, 20])  # over the cap; under it but 1000:1
def test_a_zip_bomb_workbook_is_refused_before_it_is_unpacked(
    api_client, admin_a, assessment, unpacked_mb
):
    import tracemalloc

    from evaluation.excel import MAX_BYTES, inputs_template

    bomb = zip_bomb(inputs_template(assessment), unpacked_mb)
    assert len(bomb) < MAX_BYTES  # small enough to pass the upload limit
    api_client.force_authenticate(admin_a)
    before = assessment.inputs_for("current")
    upload = SimpleUploadedFile("inputs.xlsx", bomb)
    tracemalloc.start()
    response = api_client.post(
        f"/api/v1/assessments/{assessment.pk}/inputs/import/", {"file": upload}, format="multipart"
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert response.status_code == 400
    assert "解压后过大" in " ".join(response.json()["file"])
    assert peak < 20 * 2**20, peak  # nothing near the unpacked size was ever held
    assessment.refresh_from_db()
    assert assessment.inputs_for("current") == before


# --- password guessing (tests/test_accounts.py: one channel's lockout each) --------------------


def _guess(client, username, password, api=False):
    if api:
        return client.post("/api/v1/auth/token/", {"username": username, "password": password})
    return client.post("/accounts/login/", {"username": username, "password": password})


@pytest.mark.django_db
@pytest.mark.parametrize("guessed_on", ["web", "api"])
def test_guesses_on_one_door_lock_both_until_the_cool_off(client, admin_a, settings, guessed_on):
    from axes.models import AccessAttempt
    from django.utils import timezone

    for _ in range(settings.AXES_FAILURE_LIMIT):
        _guess(client, "admin_a", "wrong", api=guessed_on == "api")
    assert _guess(client, "admin_a", PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    token = _guess(client, "admin_a", PASSWORD, api=True)
    assert token.status_code == 429 and "token" not in token.json()
    # someone else from the same address is not locked out with them
    UserFactory(username="colleague", role=Role.ENTERPRISE_MEMBER, enterprise=admin_a.enterprise)
    assert _guess(client, "colleague", PASSWORD, api=True).status_code == 200
    # once the cool-off has passed, the right password works again
    cool_off = timezone.timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(attempt_time=timezone.now() - cool_off - timezone.timedelta(1))
    assert _guess(client, "admin_a", PASSWORD).status_code == 302
    assert client.session["_auth_user_id"] == str(admin_a.pk)


@pytest.mark.django_db
def test_the_token_endpoint_throttles_guesses_spread_over_many_usernames(api_client, admin_a):
    """Each username stays under the lockout; the address is throttled (``auth`` rate)."""
    from rest_framework.throttling import ScopedRateThrottle

    limit = int(ScopedRateThrottle.THROTTLE_RATES["auth"].split("/")[0])
    answers = [
        api_client.post(
            "/api/v1/auth/token/", {"username": f"user{i}", "password": "x"}
        ).status_code
        for i in range(limit)
    ]
    assert answers == [400] * limit
    throttled = api_client.post(
        "/api/v1/auth/token/", {"username": "admin_a", "password": PASSWORD}
    )
    assert throttled.status_code == 429 and int(throttled["Retry-After"]) > 0
    assert "token" not in throttled.json()


@pytest.mark.django_db
def test_anonymous_api_calls_are_throttled_and_signed_in_ones_are_not(
    api_client, catalog, admin_a, monkeypatch
):
    from rest_framework.throttling import SimpleRateThrottle

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "5/minute")
    answers = [api_client.get("/api/v1/catalog/").status_code for _ in range(6)]
    assert answers == [200] * 5 + [429]
    api_client.force_authenticate(admin_a)
    assert api_client.get("/api/v1/catalog/").status_code == 200
