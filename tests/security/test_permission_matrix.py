"""Who may reach what: every route of the URL resolver × every method it handles × every role,
with the status each role must get.

The rules: the anonymous are sent to the login page by a web page (302) and get 401 from the
API; another tenant's object is a 404, never a 403 (which would tell it exists); a role that may
not use a page at all gets 403. A route in the resolver but not in ``MATRIX`` fails the test, as
does a row of ``MATRIX`` whose route is gone, or whose methods are not the ones its view
handles: no endpoint can be added without deciding who may use it.

Each request runs in a savepoint rolled back afterwards, so the allowed ones (a real save, a
submission) leave the world as it was for the next. A request answered with a 4xx, or sent to
the login page, must not have written a single row of any table (checked inside the savepoint).
"""

import copy
import itertools
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse

from ..services.conftest import DECLARED, IMPL, PDF
from .conftest import ROLES, tables_written_by
from .routes import all_routes

pytestmark = pytest.mark.django_db

LOGIN = "login"  # a 302 to the login page, to come back (``?next=``) once signed in


def web(default, *, anonymous=LOGIN, **roles) -> dict:
    """A web page's expected statuses: ``default`` for every signed-in role not named."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, unknown
    return {role: roles.get(role, default) for role in ROLES} | {"anonymous": anonymous}


def api(default, *, anonymous=401, **roles) -> dict:
    return web(default, anonymous=anonymous, **roles)


PUBLIC = web(200, anonymous=200)
SIGNED_IN = web(200)
API_PUBLIC = api(200, anonymous=200)
API_SIGNED_IN = api(200)


@dataclass(frozen=True)
class Call:
    """One request: the URL's kwargs and the body, each from the world, and the statuses."""

    expect: dict
    kwargs: Callable = lambda w: {}
    data: Callable | dict | None = None
    query: str = ""
    multipart: bool = False
    headers: dict = field(default_factory=dict)


def pk(name: str) -> Callable:
    return lambda w: {"pk": getattr(w, name).pk}


SUBMITTED, DRAFT = pk("submitted"), pk("draft")
ENTERPRISE_A, BATCH, PUBLISHED, ASSIGNMENT, OBJECTION = (
    pk("enterprise_a"),
    pk("batch"),
    pk("published"),
    pk("assignment"),
    pk("objection"),
)


def CODE(w) -> dict:
    return {"code": w.submitted.snapshot_sha256}


def fmt(kwargs=lambda w: {}, fmt="csv") -> Callable:
    return lambda w: {**kwargs(w), "fmt": fmt}


def statement(w) -> dict:
    return {
        "file": SimpleUploadedFile("报表.pdf", PDF, content_type="application/pdf"),
        "financial_year": w.draft.current_year,
    }


def workbook(w) -> dict:
    """Not a workbook at all: the import refuses it, after the permission checks."""
    return {"file": SimpleUploadedFile("数据.xlsx", PDF)}


def profile(w) -> dict:
    from portal.models import ENTERPRISE_PROFILE_FIELDS

    e = w.enterprise_a
    # not an identity field: A's identity is locked while its submission is in review
    return {
        f: e.serializable_value(f)
        for f in ENTERPRISE_PROFILE_FIELDS
        if e.serializable_value(f) is not None
    } | {"address": "星湖街 1 号"}


def PROPOSAL(w) -> dict:
    """A decision proposed on A's submission by a second province admin (made once per world):
    the world's province admin may confirm or reject it."""
    if not hasattr(w, "proposal"):
        from portal.models import Role
        from review.models import DecisionProposal

        from ..factories import UserFactory

        w.proposal = DecisionProposal.objects.create(
            assessment=w.submitted,
            outcome="approved",
            tier="workshop",
            reason="同意",
            proposed_by=UserFactory(username="prov2", role=Role.PROVINCE_ADMIN),
        )
    return {"pk": w.proposal.pk}


def CARRIED(w) -> dict:
    """A's fresh draft of a third open batch started from its submission (made once per
    world)."""
    if not hasattr(w, "carried"):
        from datetime import timedelta

        from django.utils import timezone

        from evaluation import carry_over, services
        from scenarios.models import Batch

        admin_a = w.users["admin_a"]
        now = timezone.now()
        batch = Batch.objects.create(
            year=now.year + 1,
            name="第三批次",
            catalog_version=w.batch.catalog_version,
            opens_at=now - timedelta(days=1),
            closes_at=now + timedelta(days=30),
        )
        w.carried = services.assessment_create(
            enterprise=w.enterprise_a, batch=batch, actor=admin_a
        )
        carry_over.assessment_carry_over(assessment=w.carried, actor=admin_a, source=w.submitted)
    return {"pk": w.carried.pk}


def THREAD(w) -> dict:
    """A discussion period on the published batch, and the world's assigned expert's submitted
    review of its listed (decided) application: expert_a reads the thread, which is closed to
    posts and revisions (made once per world)."""
    if not hasattr(w, "thread"):
        from datetime import timedelta

        from django.utils import timezone

        from review.models import DiscussionPeriod, ExpertAssignment

        province = w.users["province"]
        DiscussionPeriod.objects.create(
            batch=w.published,
            ends_on=timezone.localdate() + timedelta(days=3),
            opened_by=province,
            opened_at=timezone.now(),
        )
        ExpertAssignment.objects.create(
            assessment=w.listed,
            expert=w.users["expert_a"],
            status="submitted",
            method="manual",
            recommended_tier="workshop",
            opinion="同意。",
        )
        w.thread = w.listed
    return {"pk": w.thread.pk}


def in_three_days(w) -> dict:
    from datetime import timedelta

    from django.utils import timezone

    return {"ends_on": (timezone.localdate() + timedelta(days=3)).isoformat(), "confirmed": "1"}


def BULK_OF_A(w) -> dict:
    return {"assessments": [w.submitted.pk], "comment": "同意", "confirmed": "1"}


def DECIDE_A(w) -> dict:
    return {"assessments": [w.submitted.pk], "reason": "同意", "confirmed": "1"}


def api_bulk(body) -> Callable:
    """The same body for the API: ids as a list, ``confirmed`` a boolean."""
    return lambda w: {**body(w), "confirmed": True}


REVISION = {
    "recommended_tier": "workshop",
    "opinion": "同意。",
    "reason": "讨论后修改",
    "confirmed": "1",
}


def VISIT(w) -> dict:
    """A site visit of A's submission with the world's assigned expert sent on it and one
    photo (made once per world)."""
    if not hasattr(w, "visit"):
        from django.core.files.base import ContentFile

        from review.models import SiteVisit, SiteVisitor, SiteVisitPhoto

        from ..services.conftest import PNG

        w.visit = SiteVisit.objects.create(assessment=w.submitted)
        SiteVisitor.objects.create(visit=w.visit, expert=w.users["expert_a"])
        w.photo = SiteVisitPhoto(
            visit=w.visit,
            name="产线.png",
            content_type="image/png",
            size=len(PNG),
            sha256="0" * 64,
            uploaded_by=w.users["expert_a"],
        )
        w.photo.file.save("产线.png", ContentFile(PNG), save=False)
        w.photo.save()
    return {"pk": w.visit.pk}


def VISIT_PHOTO(w) -> dict:
    VISIT(w)
    return {"pk": w.photo.pk}


def EXPORT_JOB(w) -> dict:
    """A finished export of enterprise A's data asked for by A's admin (made once per world):
    only they may see or download it."""
    if not hasattr(w, "export_job"):
        from django.core.files.base import ContentFile
        from django.utils import timezone

        from reports.models import ExportJob, ExportStatus

        w.export_job = ExportJob(
            kind="enterprise",
            params={"enterprise": w.enterprise_a.pk},
            fmt="zip",
            enterprise=w.enterprise_a,
            requested_by=w.users["admin_a"],
            requested_at=timezone.now(),
            status=ExportStatus.READY,
            progress=100,
            filename="export.zip",
        )
        w.export_job.file.save("export.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
        w.export_job.save()
    return {"pk": w.export_job.pk}


def api_visit_report(w) -> dict:
    from review import services as review_services

    claimed = review_services.claimed_scenarios(w.submitted)
    return {"checks": {str(no): {"result": "matches"} for no in claimed}, "finding": "confirmed"}


def visit_report(w) -> dict:
    from review import services as review_services

    claimed = review_services.claimed_scenarios(w.submitted)
    return {
        **{f"check-{no}-result": "matches" for no in claimed},
        "finding": "confirmed",
        "confirmed": "1",
    }


def visit_photo(w) -> dict:
    from ..services.conftest import PNG

    return {"photo": SimpleUploadedFile("现场.png", PNG, content_type="image/png")}


def objection(w) -> dict:
    """A named objection with its signed letter to the enterprise on the published list."""
    return {
        "objector_type": "organisation",
        "objector_name": "某某科技有限公司",
        "phone": "025-83331234",
        "assessment": str(w.listed.pk),
        "grounds": "该企业的场景尚未投用。",
        "letter": SimpleUploadedFile("异议书.pdf", PDF, content_type="application/pdf"),
    }


def review_data(w) -> dict:
    from review import services as review_services

    claimed = review_services.claimed_scenarios(w.submitted)
    return {
        "opinion": "建设成效明显。",
        "recommended_tier": "workshop",
        **{f"verdict-{no}-accepted": "1" for no in claimed},
        **{f"score-{c.pk}": "8" for c in w.batch.rubric.all()},
        "confirmed": "1",  # the submit asks first; a draft save ignores it
    }


def _registration(w, credit_code: str):
    from portal.models import EnterpriseRegistration

    from ..services.conftest import PDF

    registration = EnterpriseRegistration(
        credit_code=credit_code,
        name="自助注册企业有限公司",
        city=w.enterprise_a.city,
        district=w.enterprise_a.district,
        industry_code="C3421",
        industry_type="discrete",
        size="small",
        contact_name="赵六",
        contact_phone="13812345678",
        email="zhao@example.com",
        licence_name="营业执照.pdf",
        licence_content_type="application/pdf",
        licence_size=len(PDF),
        licence_sha256="0" * 64,
    )
    from django.core.files.base import ContentFile

    registration.licence.save("营业执照.pdf", ContentFile(PDF), save=False)
    registration.save()
    return registration


def REGISTRATION(w) -> dict:
    """A new enterprise registered in A's district, its e-mail verified: awaiting confirmation
    (made once per world)."""
    if not hasattr(w, "registration"):
        from review.services import onboarding

        from ..factories import credit_code

        w.registration = _registration(w, credit_code())
        onboarding.registration_verify(
            registration=w.registration, username="zhao", password="Xq7-pass-2026!"
        )
    return {"pk": w.registration.pk}


def JOIN_REQUEST(w) -> dict:
    """A request to join A, its e-mail verified (made once per world)."""
    if not hasattr(w, "join_request"):
        from review.services import onboarding

        w.join_request = _registration(w, w.enterprise_a.credit_code)
        onboarding.join_request(registration=w.join_request)
    return {"pk": w.join_request.pk}


def VERIFY_LINK(w) -> dict:
    """The e-mailed link of a registration not verified yet (made once per world)."""
    if not hasattr(w, "unverified"):
        from ..factories import credit_code

        w.unverified = _registration(w, credit_code())
    from review.services.onboarding import registration_token

    return {"token": registration_token(w.unverified)}


def registration_form(w) -> dict:
    from ..factories import credit_code
    from ..services.conftest import PDF

    return {
        "name": "自助注册企业有限公司",
        "credit_code": credit_code(),
        "city": w.enterprise_a.city,
        "district": w.enterprise_a.district_id,
        "industry_code": "C3421",
        "industry_type": "discrete",
        "size": "small",
        "contact_name": "赵六",
        "contact_phone": "13812345678",
        "email": "zhao@example.com",
        "licence": SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf"),
    }


# Who sees enterprise A's submission: its own users, its district's and its city's reviewers and
# the province.
SEES_SUBMISSION = dict(admin_a=200, member_a=200, city_sz=200, district_sz=200, province=200)
# Who edits enterprise A's draft: its own users; every other role may not edit at all.
EDITS_DRAFT = dict(admin_a=200, member_a=200, admin_b=404)


def edits_draft(status: int) -> dict:
    """Enterprise A's users get ``status``, B's admin a 404, every other role a 403."""
    return api(403, admin_a=status, member_a=status, admin_b=404)


CITY_REVIEWERS = dict(city_nj=200, city_sz=200, province=200)
# the review's queue: the districts' reviewers too (each sees its own district's)
REVIEWERS = dict(CITY_REVIEWERS, district_sz=200, district_wz=200)
# an authority's papers (a city's or a district's), each of its own area
PAPERS = dict(city_nj=200, city_sz=200, district_sz=200, district_wz=200)
# A's submission to review: its district's reviewer sees it, another district's not
REVIEWS_A = dict(city_nj=404, city_sz=200, district_sz=200, district_wz=404, province=200)
ACCEPTS_SUBMISSION = {role: 202 for role in SEES_SUBMISSION}
EXPERTS = dict(expert=200, expert_a=200)


def PHASE(w) -> dict:
    """The batch of A's submission in its preference phase (opened once per world): every
    expert marks its applications awaiting experts."""
    if not hasattr(w, "phase"):
        from datetime import timedelta

        from django.utils import timezone

        from review.models import PreferencePhase

        w.phase = PreferencePhase.objects.create(
            batch=w.batch,
            ends_at=timezone.now() + timedelta(days=3),
            opened_by=w.users["province"],
        )
    return {"pk": w.batch.pk}


def preference_choice(w) -> dict:
    return {f"choice-{w.submitted.pk}": "prefer"}


def api_preference_choice(w) -> dict:
    return {"choices": {str(w.submitted.pk): "prefer"}}


MATRIX: dict[str, dict[str, Call]] = {
    # --- public pages and the accounts -------------------------------------------------------
    "home": {"GET": Call(PUBLIC), "POST": Call(PUBLIC, data={})},
    "catalog": {"GET": Call(PUBLIC), "POST": Call(PUBLIC, data={})},
    "tier-rules": {"GET": Call(PUBLIC), "POST": Call(PUBLIC, data={})},
    "verify-form": {"GET": Call(PUBLIC), "POST": Call(PUBLIC, data={})},
    "verify": {
        "GET": Call(PUBLIC, CODE),
        "POST": Call(PUBLIC, CODE, {}),
    },
    "public-lists": {"GET": Call(PUBLIC)},
    # health probes: public; no worker runs here, so the worker's answers 503 to everyone
    "health": {"GET": Call(PUBLIC)},
    "health-db": {"GET": Call(PUBLIC)},
    "health-worker": {"GET": Call(web(503, anonymous=503))},
    # Prometheus metrics: only with METRICS_TOKEN or from METRICS_ALLOWED_IPS (none set here)
    "metrics": {"GET": Call(web(403, anonymous=403))},
    "public-list": {"GET": Call(PUBLIC, PUBLISHED)},
    "public-list-export": {"GET": Call(PUBLIC, fmt(PUBLISHED))},
    # during the list's 公示 period anyone, signed in or not, lodges a named objection
    "public-objection": {
        "POST": Call(web(302, anonymous=302), PUBLISHED, objection, multipart=True)
    },
    # an enterprise registers itself: public, throttled; the e-mailed link verifies it
    "register": {
        "GET": Call(PUBLIC),
        "POST": Call(web(302, anonymous=302), data=registration_form, multipart=True),
    },
    "registration-sent": {"GET": Call(PUBLIC)},
    "registration-verify": {
        "GET": Call(PUBLIC, VERIFY_LINK),
        "POST": Call(
            web(302, anonymous=302),
            VERIFY_LINK,
            {"username": "newcomer", "password1": "Xq7-pass-2026!", "password2": "Xq7-pass-2026!"},
        ),
    },
    # the registrations a district or city reviewer confirms: its own area's (A's district)
    "registration-queue": {"GET": Call(web(403, **REVIEWERS))},
    "registration-licence": {"GET": Call(web(403, **REVIEWS_A), REGISTRATION)},
    "registration-decide": {
        "POST": Call(
            web(403, city_nj=404, city_sz=302, district_sz=302, district_wz=404, province=302),
            REGISTRATION,
            {"confirm": "1", "confirmed": "1"},
        )
    },
    # an enterprise admin sends a new licence after a rejection (A was never rejected: 404)
    "registration-resubmit": {
        "GET": Call(web(403, admin_a=404, admin_b=404), ENTERPRISE_A),
        "POST": Call(web(403, admin_a=404, admin_b=404), ENTERPRISE_A, {}, multipart=True),
    },
    # a request to join A: its admin decides
    "join-request-decide": {
        "POST": Call(
            web(403, admin_a=302, admin_b=404), JOIN_REQUEST, {"approve": "1", "confirmed": "1"}
        )
    },
    # bulk imports from Excel: a city's enterprises (its reviewer, the province), the experts
    # (the province); a file that is not a workbook is refused naming the field
    "import-enterprises": {
        "GET": Call(web(403, **CITY_REVIEWERS)),
        "POST": Call(
            web(403, city_nj=400, city_sz=400, province=400), data=workbook, multipart=True
        ),
    },
    "import-enterprises-template": {"GET": Call(web(403, **CITY_REVIEWERS))},
    "import-experts": {
        "GET": Call(web(403, province=200)),
        "POST": Call(web(403, province=400), data=workbook, multipart=True),
    },
    "import-experts-template": {"GET": Call(web(403, province=200))},
    # the same imports through the API (a file that is not a workbook: 400 naming it)
    "api-import-enterprises": {
        "POST": Call(
            api(403, city_nj=400, city_sz=400, province=400), data=workbook, multipart=True
        )
    },
    "api-import-experts": {"POST": Call(api(403, province=400), data=workbook, multipart=True)},
    "api-registration": {
        "POST": Call(api(202, anonymous=202), data=registration_form, multipart=True)
    },
    "invitation-accept": {
        "GET": Call(PUBLIC, lambda w: {"token": w.invitation.token}),
        "POST": Call(
            web(302, anonymous=302),
            lambda w: {"token": w.invitation.token},
            {"username": "newcomer", "password1": "Xq7-pass-2026!", "password2": "Xq7-pass-2026!"},
        ),
    },
    "login": {
        "GET": Call(PUBLIC),
        "POST": Call(PUBLIC, data={"username": "nobody", "password": "wrong"}),
    },
    "logout": {"POST": Call(web(302, anonymous=302))},
    "password_change": {"GET": Call(SIGNED_IN), "POST": Call(SIGNED_IN, data={})},
    "password_change_done": {"GET": Call(SIGNED_IN)},
    "password_reset": {
        "GET": Call(PUBLIC),
        # an address per request: each address has its own small reset rate
        "POST": Call(
            web(302, anonymous=302),
            data=lambda w, n=itertools.count(): {"email": f"nobody{next(n)}@example.com"},
        ),
    },
    "password_reset_done": {"GET": Call(PUBLIC)},
    "password_reset_confirm": {
        "GET": Call(PUBLIC, lambda w: {"uidb64": "MQ", "token": "set-password"}),
        "POST": Call(PUBLIC, lambda w: {"uidb64": "MQ", "token": "set-password"}, {}),
    },
    "password_reset_complete": {"GET": Call(PUBLIC)},
    # the second factor: every session here has passed it where it has one (the officials');
    # the enterprise users have not enrolled
    "account-security": {"GET": Call(SIGNED_IN)},
    "two-factor-setup": {
        "GET": Call(SIGNED_IN),
        "POST": Call(web(400), data={"code": "not-a-code"}),  # refused, nothing enrolled
    },
    # passed already (or nothing to pass): back where the user was going
    "two-factor-verify": {
        "GET": Call(web(302)),
        "POST": Call(web(302), data={"code": "000000"}),
    },
    "two-factor-recovery": {
        "GET": Call(web(302)),
        "POST": Call(web(302), data={"code": "abcdefgh"}),
    },
    # new recovery codes: written for the officials; refused with a message without a device
    "two-factor-recovery-codes": {"GET": Call(SIGNED_IN), "POST": Call(web(302))},
    # an official may not turn it off; an enterprise user may (it has nothing to remove here)
    "two-factor-disable": {
        "POST": Call(web(403, admin_a=302, member_a=302, admin_b=302)),
    },
    "set_language": {
        "GET": Call(web(302, anonymous=302)),
        "POST": Call(web(302, anonymous=302), data={"language": "en", "next": "/"}),
    },
    # --- enterprises, members, audit log, notifications ------------------------------------
    "enterprise-page": {
        "GET": Call(web(404, **SEES_SUBMISSION), ENTERPRISE_A),
        "POST": Call(web(404, **SEES_SUBMISSION), ENTERPRISE_A, {}),
    },
    "enterprise-edit": {
        "GET": Call(
            web(404, admin_a=200, member_a=403, city_sz=403, district_sz=403, province=200),
            ENTERPRISE_A,
        ),
        "POST": Call(
            web(404, admin_a=302, member_a=403, city_sz=403, district_sz=403, province=302),
            ENTERPRISE_A,
            profile,
        ),
    },
    # all of the enterprise's data as a ZIP: its own admin only
    "enterprise-export": {
        "GET": Call(
            web(404, admin_a=200, member_a=403, city_sz=403, district_sz=403, province=403),
            ENTERPRISE_A,
        ),
        "POST": Call(
            web(404, admin_a=302, member_a=403, city_sz=403, district_sz=403, province=403),
            ENTERPRISE_A,
            {},
        ),
    },
    # an export built by a worker: its requester's alone (here A's admin), anyone else a 404
    "export-jobs": {"GET": Call(SIGNED_IN)},
    "export-job": {"GET": Call(web(404, admin_a=200), EXPORT_JOB)},
    "export-job-status": {"GET": Call(web(404, admin_a=200), EXPORT_JOB)},
    "export-job-download": {"GET": Call(web(404, admin_a=200), EXPORT_JOB)},
    # A's submission is in review: its admin asks the province to confirm a new identity
    "identity-change-request": {
        "GET": Call(
            web(404, admin_a=200, member_a=403, city_sz=403, district_sz=403, province=403),
            ENTERPRISE_A,
        ),
        "POST": Call(
            web(404, admin_a=302, member_a=403, city_sz=403, district_sz=403, province=403),
            ENTERPRISE_A,
            lambda w: profile(w) | {"name": "甲企业（更名）有限公司", "reason": "工商登记更名"},
        ),
    },
    "identity-changes": {"GET": Call(web(403, province=200))},
    # enterprises whose district typed as text matched no division: the province corrects them
    "districts-unmatched": {"GET": Call(web(403, province=200))},
    "identity-change-decide": {
        "POST": Call(
            web(403, province=302),
            lambda w: {"pk": w.identity_change.pk},
            {"approve": "0", "note": "请补充登记证明"},
        )
    },
    "member-list": {
        "GET": Call(web(404, **SEES_SUBMISSION), ENTERPRISE_A),
        "POST": Call(web(404, **SEES_SUBMISSION), ENTERPRISE_A, {}),
    },
    "member-invite": {
        "POST": Call(
            web(404, admin_a=302, member_a=403, city_sz=403, district_sz=403, province=403),
            ENTERPRISE_A,
            {"email": "colleague@example.com", "role": "enterprise_member"},
        )
    },
    # an enterprise admin reads its own enterprise's entries
    "audit-log": {
        "GET": Call(web(403, admin_a=200, admin_b=200, province=200)),
        "POST": Call(web(403, admin_a=200, admin_b=200, province=200), data={}),
    },
    "audit-log-export": {
        "GET": Call(web(403, admin_a=200, admin_b=200, province=200), fmt()),
        # a worker builds it (asked for on the page offered when the log is large)
        "POST": Call(web(403, admin_a=302, admin_b=302, province=302), fmt(), {}),
    },
    # API tokens: everyone signed in holds their own; another's is a 404
    "account-tokens": {"GET": Call(SIGNED_IN), "POST": Call(SIGNED_IN, data={"name": "ERP 接口"})},
    "account-token-revoke": {
        "POST": Call(web(404, admin_a=302), lambda w: {"pk": w.erp_token.pk}, {})
    },
    "notifications": {"GET": Call(SIGNED_IN), "POST": Call(SIGNED_IN, data={})},
    "notifications-read": {
        "POST": Call(web(404, admin_a=302), data=lambda w: {"id": w.notification.pk})
    },
    "dashboard": {
        "GET": Call(web(403, **CITY_REVIEWERS)),
        "POST": Call(web(403, **CITY_REVIEWERS), data={}),
    },
    # --- an assessment: overview, evidence, report --------------------------------------------
    "assessment-start": {
        "POST": Call(
            web(403, admin_a=404, member_a=404, admin_b=302), data=lambda w: {"batch": w.batch.pk}
        )
    },
    # what was copied from an earlier application: the enterprise's own users only
    "carry-over-report": {
        "GET": Call(web(404, admin_a=200, member_a=200), CARRIED),
        "POST": Call(web(404, admin_a=302, member_a=302), CARRIED, {"action": "confirm"}),
    },
    # an enterprise's applications across batches: whoever sees the enterprise
    "enterprise-comparison": {"GET": Call(web(404, **SEES_SUBMISSION), ENTERPRISE_A)},
    "assessment-overview": {
        "GET": Call(web(404, **SEES_SUBMISSION), SUBMITTED),
        "POST": Call(web(404, **SEES_SUBMISSION), SUBMITTED, {}),
    },
    # A's submission is in review: its administrator is refused (409), a member or a reviewer
    # who sees it may not withdraw at all
    "overview-withdraw": {
        "POST": Call(
            web(404, admin_a=409, member_a=403, city_sz=403, district_sz=403, province=403),
            SUBMITTED,
            {"confirmed": "1"},
        )
    },
    "evidence-download": {
        "GET": Call(web(404, **SEES_SUBMISSION, expert_a=200), lambda w: {"pk": w.evidence.pk}),
        "POST": Call(
            web(404, **SEES_SUBMISSION, expert_a=200), lambda w: {"pk": w.evidence.pk}, {}
        ),
    },
    "assessment-report": {
        "GET": Call(web(404, **SEES_SUBMISSION), SUBMITTED),
        "POST": Call(web(404, **SEES_SUBMISSION), SUBMITTED, {}),
    },
    "assessment-report-generate": {
        "POST": Call(
            web(404, admin_a=302, member_a=302, city_sz=302, district_sz=302, province=302),
            SUBMITTED,
            {},
        )
    },
    "assessment-report-status": {
        "GET": Call(
            web(404, **SEES_SUBMISSION),
            lambda w: {"pk": w.submitted.pk, "report_id": w.report.pk},
        ),
        "POST": Call(
            web(404, **SEES_SUBMISSION),
            lambda w: {"pk": w.submitted.pk, "report_id": w.report.pk},
            {},
        ),
    },
    "assessment-receipt": {"GET": Call(web(404, **SEES_SUBMISSION), SUBMITTED)},
    "assessment-report-download": {
        "GET": Call(
            web(404, **SEES_SUBMISSION),
            lambda w: {"pk": w.submitted.pk, "report_id": w.report.pk},
        ),
        "POST": Call(
            web(404, **SEES_SUBMISSION),
            lambda w: {"pk": w.submitted.pk, "report_id": w.report.pk},
            {},
        ),
    },
    # --- the editor of enterprise A's draft ---------------------------------------------------
    "editor-scenarios": {"GET": Call(web(403, **EDITS_DRAFT), DRAFT)},
    "editor-support": {"GET": Call(web(403, **EDITS_DRAFT), DRAFT)},
    "editor-indicators": {"GET": Call(web(403, **EDITS_DRAFT), DRAFT)},
    "editor-preview": {"GET": Call(web(403, **EDITS_DRAFT), DRAFT)},
    "editor-workbook": {"GET": Call(web(403, **EDITS_DRAFT), DRAFT)},
    "editor-import": {
        "GET": Call(web(403, **EDITS_DRAFT), DRAFT),
        "POST": Call(web(403, admin_a=422, member_a=422, admin_b=404), DRAFT, {}),
    },
    "editor-submit": {
        "GET": Call(web(403, **EDITS_DRAFT), DRAFT),
        # the draft lacks what a submission needs: refused with the list of problems
        "POST": Call(web(403, admin_a=422, member_a=422, admin_b=404), DRAFT, {**DECLARED}),
    },
    "editor-scenario-save": {
        "POST": Call(
            web(403, admin_a=302, member_a=302, admin_b=404),
            lambda w: {"pk": w.draft.pk, "no": 1},
            IMPL,
        )
    },
    "editor-support-save": {
        "POST": Call(
            web(403, admin_a=302, member_a=302, admin_b=404),
            lambda w: {"pk": w.draft.pk, "no": 1},
            IMPL,
        )
    },
    "editor-years-save": {
        "POST": Call(
            web(403, admin_a=302, member_a=302, admin_b=404),
            DRAFT,
            {"base_year": "2024", "current_year": "2025"},
        )
    },
    "editor-input-save": {
        "POST": Call(
            web(403, admin_a=302, member_a=302, admin_b=404),
            lambda w: {"pk": w.draft.pk, "code": "gross_output_value"},
            {"base": "1000", "current": "1200"},
        )
    },
    "editor-calculator": {
        "POST": Call(
            web(403, admin_a=302, member_a=302, admin_b=404),
            lambda w: {"pk": w.draft.pk, "kind": "energy"},
            {"period": "current", "code": ["electricity"], "quantity": ["1000"]},
        )
    },
    "editor-evidence-add": {
        "POST": Call(
            web(403, admin_a=302, member_a=302, admin_b=404), DRAFT, statement, multipart=True
        )
    },
    "editor-evidence-delete": {
        "POST": Call(
            web(403, admin_a=302, member_a=302, admin_b=404),
            lambda w: {"pk": w.draft.pk, "evidence_id": w.draft_evidence.pk},
            {},
        )
    },
    # the enterprise's admin gives sections to its users; its members see who has which
    "editor-assignments": {
        "GET": Call(web(403, **EDITS_DRAFT), DRAFT),
        "POST": Call(
            web(403, admin_a=302, member_a=403, admin_b=404),
            DRAFT,
            lambda w: {"section-support": w.users["member_a"].pk},
        ),
    },
    # --- review: the queue and a submission -------------------------------------------------
    "review-queue": {
        "GET": Call(web(403, **REVIEWERS)),
        "POST": Call(web(403, **REVIEWERS), data={}),
    },
    "review-export": {
        "GET": Call(web(403, **REVIEWERS), fmt()),
        "POST": Call(web(403, **{role: 302 for role in REVIEWERS}), fmt(), {}),
    },
    "review-detail": {
        "GET": Call(web(403, **REVIEWS_A), SUBMITTED),
        "POST": Call(web(403, **REVIEWS_A), SUBMITTED, {}),
    },
    # several at once: one confirmation listing each item, then each item's outcome (here
    # A's submission, under review, is listed as left out); an id outside the queue is a 400
    "review-bulk-recommend": {
        "GET": Call(web(403, city_nj=200, city_sz=200, district_sz=200, district_wz=200)),
        "POST": Call(
            web(403, city_nj=400, city_sz=200, district_sz=200, district_wz=400), data=BULK_OF_A
        ),
    },
    "batch-bulk-decide": {
        "GET": Call(web(403, province=200), BATCH),
        "POST": Call(web(403, province=200), BATCH, DECIDE_A),
    },
    "batch-discussion": {"GET": Call(web(403, province=200), BATCH)},
    # nothing to discuss yet (no application with every review in): 409
    "batch-discussion-open": {"POST": Call(web(403, province=409), BATCH, in_three_days)},
    # none running: back to the tab with a message
    "batch-discussion-close": {"POST": Call(web(403, province=302), BATCH, {"confirmed": "1"})},
    # the thread of an application its expert reviewed; the period runs but the application is
    # decided: no post, no revision (409)
    "discussion-thread": {
        "GET": Call(web(403, expert=404, expert_a=200, province=200), THREAD),
        "POST": Call(web(403, expert=404, expert_a=409, province=409), THREAD, {"body": "意见"}),
    },
    "discussion-revise": {
        "POST": Call(web(403, expert=404, expert_a=409, province=403), THREAD, REVISION)
    },
    "review-recommend": {
        "POST": Call(
            web(403, city_nj=404, city_sz=409, district_sz=403, district_wz=404, province=403),
            SUBMITTED,
            {"comment": "同意", "confirmed": "1"},
        )
    },
    "review-return": {
        "POST": Call(
            web(403, city_nj=404, city_sz=409, district_sz=403, district_wz=404, province=409),
            SUBMITTED,
            {"comment": "退回", "confirmed": "1"},
        )
    },
    "review-assign": {
        "POST": Call(web(403, province=302), SUBMITTED, lambda w: {"expert": w.users["expert"].pk})
    },
    "review-decide": {
        "POST": Call(
            web(403, province=409),
            SUBMITTED,
            {"outcome": "approved", "tier": "workshop", "reason": "同意"},
        )
    },
    # a proposal under the four-eyes rule: A's reviews are not all in, so confirming is a 409
    "review-proposal-confirm": {"POST": Call(web(403, province=409), PROPOSAL, {"confirmed": "1"})},
    "review-proposal-reject": {
        "POST": Call(web(403, province=302), PROPOSAL, {"reason": "理由不充分"})
    },
    # --- review: the experts -------------------------------------------------------------------
    "expert-assignments": {
        "GET": Call(web(403, **EXPERTS)),
        "POST": Call(web(403, **EXPERTS), data={}),
    },
    "assignment-page": {
        "GET": Call(web(403, expert=404, expert_a=200), ASSIGNMENT),
        "POST": Call(web(403, expert=404, expert_a=302), ASSIGNMENT, review_data),
    },
    "assignment-submit": {
        "POST": Call(web(403, expert=404, expert_a=302), ASSIGNMENT, review_data)
    },
    "assignment-conflict": {
        "POST": Call(web(403, expert=404, expert_a=302), ASSIGNMENT, {"reason": "曾为其提供咨询"})
    },
    "review-unassign": {"POST": Call(web(403, province=302), ASSIGNMENT, {})},
    # --- review: the site visit ------------------------------------------------------------------
    # the batch requires no visit and A's reviews are not in: the province is refused (409)
    "site-visit-assign": {
        "POST": Call(
            web(403, province=409), SUBMITTED, lambda w: {"experts": [w.users["expert"].pk]}
        )
    },
    "site-visits": {"GET": Call(web(403, **EXPERTS))},
    "site-visit-page": {
        "GET": Call(web(403, expert=404, expert_a=200), VISIT),
        "POST": Call(web(403, expert=404, expert_a=302), VISIT, visit_report),
    },
    "site-visit-submit": {"POST": Call(web(403, expert=404, expert_a=302), VISIT, visit_report)},
    "site-visit-photo-upload": {
        "POST": Call(web(403, expert=404, expert_a=302), VISIT, visit_photo, multipart=True)
    },
    "site-visit-photo": {
        "GET": Call(web(403, expert=404, expert_a=200, province=200), VISIT_PHOTO)
    },
    # --- review: the province's batches ------------------------------------------------------
    "review-batches": {
        "GET": Call(web(403, province=200)),
        "POST": Call(web(403, province=200), data={}),
    },
    "batch-settings": {
        "GET": Call(web(403, province=200), BATCH),
        "POST": Call(web(403, province=400), BATCH, {}),
    },
    # the formal check: province admins only (403 before any lookup); the world's submission is
    # already in expert review, so a pass or a return is refused for its state
    "formal-check-queue": {"GET": Call(web(403, province=200), BATCH)},
    "formal-check-detail": {
        "GET": Call(web(403, province=200), SUBMITTED),
        "POST": Call(web(403, province=409), SUBMITTED, {"action": "pass", "confirmed": "1"}),
    },
    "batch-assignments": {
        "GET": Call(web(403, province=200), BATCH),
        "POST": Call(web(403, province=200), BATCH, {}),
    },
    "batch-auto-assign": {"POST": Call(web(403, province=302), BATCH, {"confirmed": "1"})},
    "batch-decisions": {
        "GET": Call(web(403, province=200), BATCH),
        "POST": Call(web(403, province=200), BATCH, {}),
    },
    "batch-deadlines": {"GET": Call(web(403, province=200), BATCH)},
    # nobody late: refused with a message, back to the deadlines tab
    "batch-remind-late": {
        "POST": Call(web(403, province=302), BATCH, {"stage": "city", "confirmed": "1"})
    },
    # nothing approved yet: refused naming the batch
    "batch-publish": {
        "GET": Call(web(403, province=200), BATCH),
        "POST": Call(web(403, province=400), BATCH, {"action": "publish"}),
    },
    # objections name the objector: the province's only
    "batch-objections": {"GET": Call(web(403, province=200), BATCH)},
    "objection-detail": {"GET": Call(web(403, province=200), OBJECTION)},
    "objection-letter": {"GET": Call(web(403, province=200), OBJECTION)},
    "objection-resolve": {
        "POST": Call(
            web(403, province=302),
            OBJECTION,
            {"outcome": "dismissed", "reason": "经核查不属实。", "confirmed": "1"},
        )
    },
    "batch-data-export": {
        "GET": Call(web(403, **REVIEWERS), fmt(BATCH)),
        "POST": Call(web(403, **{role: 302 for role in REVIEWERS}), fmt(BATCH), {}),
    },
    "batch-decisions-export": {
        "GET": Call(web(403, province=200), fmt(BATCH)),
        "POST": Call(web(403, province=302), fmt(BATCH), {}),
    },
    "batch-loads-export": {"GET": Call(web(403, province=200), fmt(BATCH))},
    "batch-summary-export": {
        "GET": Call(web(403, province=200), fmt(BATCH)),
        "POST": Call(web(403, province=302), fmt(BATCH), {}),
    },
    "batch-summary-pdf": {"GET": Call(web(403, province=200), BATCH)},
    # a city's or a district's papers: its own area's recommendations only, for its reviewers
    "city-recommendation-letter": {"GET": Call(web(403, **PAPERS), BATCH)},
    "city-recommendation-table": {"GET": Call(web(403, **PAPERS), BATCH)},
    # --- API: public and stateless -----------------------------------------------------------
    "api-root": {"GET": Call(API_SIGNED_IN)},
    "api-schema": {"GET": Call(API_PUBLIC)},
    "api-docs": {"GET": Call(API_PUBLIC)},
    "api-token": {
        "POST": Call(API_PUBLIC, data={"username": "admin_a", "password": "pass-for-tests-2026"})
    },
    "auth-token-list": {
        "GET": Call(API_SIGNED_IN),
        "POST": Call(api(201), data={"name": "ERP 接口"}),
    },
    "auth-token-detail": {"DELETE": Call(api(404, admin_a=204), lambda w: {"pk": w.erp_token.pk})},
    "api-catalog": {"GET": Call(API_PUBLIC)},
    "api-public-list": {"GET": Call(API_PUBLIC, PUBLISHED)},
    "api-compute": {"POST": Call(API_SIGNED_IN, data={"industry_type": "discrete", "inputs": {}})},
    "api-calculator-energy": {
        "POST": Call(API_SIGNED_IN, data={"entries": [{"code": "electricity", "quantity": 1000}]})
    },
    "api-calculator-co2": {
        "POST": Call(
            API_SIGNED_IN, data={"entries": [{"code": "grid_electricity", "quantity": 1000}]}
        )
    },
    "api-tier": {"POST": Call(API_SIGNED_IN, data={"scenarios": {"1": "implemented"}})},
    # --- API: enterprises and assessments ----------------------------------------------------
    "enterprise-list": {"GET": Call(API_SIGNED_IN)},
    "enterprise-detail": {
        "GET": Call(api(404, **SEES_SUBMISSION), ENTERPRISE_A),
        "PUT": Call(
            api(404, admin_a=200, member_a=403, city_sz=403, district_sz=403, province=200),
            ENTERPRISE_A,
            profile,
        ),
        "PATCH": Call(
            api(404, admin_a=200, member_a=403, city_sz=403, district_sz=403, province=200),
            ENTERPRISE_A,
            {"address": "星湖街 1 号"},
        ),
    },
    "api-enterprise-export": {
        "POST": Call(
            api(404, admin_a=202, member_a=403, city_sz=403, district_sz=403, province=403),
            ENTERPRISE_A,
            {},
        )
    },
    "api-export-job-list": {"GET": Call(API_SIGNED_IN)},
    "api-export-job": {"GET": Call(api(404, admin_a=200), EXPORT_JOB)},
    "api-export-job-download": {"GET": Call(api(404, admin_a=200), EXPORT_JOB)},
    "assessment-list": {
        "GET": Call(API_SIGNED_IN),
        "POST": Call(
            api(403, admin_a=400, member_a=400, admin_b=201), data=lambda w: {"batch": w.batch.pk}
        ),
    },
    "assessment-detail": {
        "GET": Call(api(404, **SEES_SUBMISSION), SUBMITTED),
        "PUT": Call(edits_draft(200), DRAFT, {"base_year": 2024}),
        "PATCH": Call(edits_draft(200), DRAFT, {"base_year": 2024}),
    },
    "assessment-benchmark": {"GET": Call(api(404, **SEES_SUBMISSION), SUBMITTED)},
    "assessment-evaluation": {"GET": Call(api(404, **SEES_SUBMISSION), SUBMITTED)},
    "assessment-checklist": {"GET": Call(api(404, **SEES_SUBMISSION), SUBMITTED)},
    "assessment-evaluate": {"POST": Call(api(404, **ACCEPTS_SUBMISSION), SUBMITTED, {})},
    # 202: queued for rendering (the world's report was rendered for another cache key)
    "api-assessment-report": {"GET": Call(api(404, **ACCEPTS_SUBMISSION), SUBMITTED)},
    "assessment-inputs": {
        "POST": Call(
            edits_draft(200),
            DRAFT,
            {"period": "base", "values": {"gross_output_value": "1000"}},
        ),
        "PATCH": Call(
            edits_draft(200),
            DRAFT,
            {"period": "base", "values": {"gross_output_value": "1000"}},
        ),
    },
    "assessment-inputs-template": {
        "GET": Call(api(404, admin_a=200, member_a=200, province=200), DRAFT)
    },
    "assessment-inputs-import": {"POST": Call(edits_draft(400), DRAFT, workbook, multipart=True)},
    "assessment-scenario": {
        "PUT": Call(
            edits_draft(200),
            lambda w: {"pk": w.draft.pk, "no": 1},
            IMPL,
        ),
        "PATCH": Call(
            edits_draft(200),
            lambda w: {"pk": w.draft.pk, "no": 1},
            IMPL,
        ),
    },
    "assessment-support-element": {
        "PUT": Call(
            edits_draft(200),
            lambda w: {"pk": w.draft.pk, "no": 1},
            IMPL,
        ),
        "PATCH": Call(
            edits_draft(200),
            lambda w: {"pk": w.draft.pk, "no": 1},
            IMPL,
        ),
    },
    "assessment-evidence": {
        "GET": Call(api(404, **SEES_SUBMISSION), SUBMITTED),
        "POST": Call(edits_draft(201), DRAFT, statement, multipart=True),
    },
    "assessment-evidence-remove": {
        "DELETE": Call(
            edits_draft(204),
            lambda w: {"pk": w.draft.pk, "evidence_id": w.draft_evidence.pk},
        )
    },
    "assessment-withdraw": {
        "POST": Call(
            api(403, admin_a=409, admin_b=404),
            SUBMITTED,
            {},
        )
    },
    "assessment-carry-over": {
        "GET": Call(api(404, admin_a=200, member_a=200, province=200), CARRIED),
        "POST": Call(edits_draft(400), DRAFT, {}),  # the draft has a file: not fresh
    },
    "assessment-carry-over-confirm": {"POST": Call(edits_draft(200), CARRIED, {})},
    "assessment-carry-over-undo": {"POST": Call(edits_draft(200), CARRIED, {})},
    "assessment-submit": {
        "POST": Call(
            edits_draft(400),
            DRAFT,
            {"declarations": DECLARED},
        )
    },
    # --- API: review ----------------------------------------------------------------------------
    "review-api-assessment-list": {"GET": Call(api(403, **REVIEWERS))},
    "review-api-assessment-detail": {"GET": Call(api(403, **REVIEWS_A), SUBMITTED)},
    "review-api-assessment-recommend": {
        "POST": Call(
            api(403, city_nj=404, city_sz=409, district_sz=403, district_wz=404, province=403),
            SUBMITTED,
            {"comment": "同意"},
        )
    },
    # the site visit through the API: its experts' visits (the province sees all, writes none)
    "review-api-site-visit-list": {"GET": Call(api(403, **EXPERTS, province=200))},
    "review-api-site-visit-detail": {
        "GET": Call(api(403, expert=404, expert_a=200, province=200), VISIT)
    },
    "review-api-site-visit-report": {
        "POST": Call(api(403, expert=404, expert_a=200), VISIT, api_visit_report)
    },
    "review-api-site-visit-submit": {
        "POST": Call(api(403, expert=404, expert_a=200), VISIT, api_visit_report)
    },
    "review-api-site-visit-assign-assign": {
        "POST": Call(
            api(403, province=409), SUBMITTED, lambda w: {"experts": [w.users["expert"].pk]}
        )
    },
    # the registrations a reviewer confirms, through the API as on the queue page
    "review-api-registration-list": {"GET": Call(api(403, **REVIEWERS))},
    "review-api-registration-detail": {"GET": Call(api(403, **REVIEWS_A), REGISTRATION)},
    "review-api-registration-licence": {"GET": Call(api(403, **REVIEWS_A), REGISTRATION)},
    "review-api-registration-decide": {
        "POST": Call(
            api(403, city_nj=404, city_sz=200, district_sz=200, district_wz=404, province=200),
            REGISTRATION,
            {"confirm": True},
        )
    },
    "review-api-bulk-recommend": {
        "POST": Call(
            api(403, city_nj=400, city_sz=200, district_sz=200, district_wz=400),
            data=api_bulk(BULK_OF_A),
        )
    },
    "review-api-batch-tools-bulk-decide": {
        "POST": Call(api(403, province=200), BATCH, api_bulk(DECIDE_A))
    },
    "review-api-batch-tools-discussion-open": {
        "POST": Call(api(403, province=409), BATCH, in_three_days)
    },
    "review-api-batch-tools-discussion-close": {"POST": Call(api(403, province=409), BATCH, {})},
    "review-api-discussion-detail": {
        "GET": Call(api(403, expert=404, expert_a=200, province=200), THREAD)
    },
    "review-api-discussion-posts": {
        "POST": Call(api(403, expert=404, expert_a=409, province=409), THREAD, {"body": "意见"})
    },
    "review-api-discussion-revise": {
        "POST": Call(api(403, expert=404, expert_a=409, province=403), THREAD, {"reason": "修改"})
    },
    "review-api-assessment-return": {
        "POST": Call(
            api(403, city_nj=404, city_sz=409, district_sz=403, district_wz=404, province=409),
            SUBMITTED,
            {"comment": "退回"},
        )
    },
    "review-api-assessment-formal-check": {"GET": Call(api(403, province=200), SUBMITTED)},
    "review-api-assessment-formal-check-pass": {
        "POST": Call(api(403, province=409), SUBMITTED, {"comment": ""})
    },
    "review-api-assessment-formal-check-return": {
        "POST": Call(
            api(403, province=409), SUBMITTED, {"items": {"business_licence": "复印件不清晰"}}
        )
    },
    "review-api-assessment-assignments": {
        "POST": Call(api(403, province=201), SUBMITTED, lambda w: {"expert": w.users["expert"].pk})
    },
    "review-api-assessment-decide": {
        "POST": Call(
            api(403, province=409),
            SUBMITTED,
            {"outcome": "approved", "tier": "workshop", "reason": "同意"},
        )
    },
    "review-api-proposal-confirm": {"POST": Call(api(403, province=409), PROPOSAL, {})},
    "review-api-proposal-reject": {
        "POST": Call(api(403, province=200), PROPOSAL, {"reason": "理由不充分"})
    },
    "review-api-assignment-list": {"GET": Call(api(403, **EXPERTS, province=200))},
    "review-api-assignment-detail": {
        "GET": Call(api(403, expert=404, expert_a=200, province=200), ASSIGNMENT),
        "DELETE": Call(api(403, expert=404, province=204), ASSIGNMENT),
    },
    "review-api-assignment-review": {
        "PATCH": Call(
            api(403, expert=404, expert_a=200, province=403), ASSIGNMENT, {"opinion": "良好"}
        )
    },
    "review-api-assignment-submit": {
        "POST": Call(api(403, expert=404, expert_a=400, province=403), ASSIGNMENT, {})
    },
    "review-api-assignment-conflict": {
        "POST": Call(
            api(403, expert=404, expert_a=200, province=403), ASSIGNMENT, {"reason": "曾为其咨询"}
        )
    },
    "review-api-batch-list": {"GET": Call(api(403, province=200))},
    "review-api-batch-detail": {
        "GET": Call(api(403, province=200), BATCH),
        "PATCH": Call(api(403, province=200), BATCH, {"experts_per_assessment": 3}),
    },
    "review-api-batch-experts": {"GET": Call(api(403, province=200), BATCH)},
    "review-api-batch-formal-check": {"GET": Call(api(403, province=200), BATCH)},
    "review-api-batch-auto-assign": {"POST": Call(api(403, province=200), BATCH, {})},
    "review-api-batch-decisions": {"GET": Call(api(403, province=200), BATCH)},
    "review-api-batch-deadlines": {"GET": Call(api(403, province=200), BATCH)},
    # nobody late at the stage: a field error naming it
    "review-api-batch-remind-late": {
        "POST": Call(api(403, province=400), BATCH, {"stage": "city"})
    },
    # nothing approved yet: a field error
    "review-api-batch-publish": {"POST": Call(api(403, province=400), BATCH, {"publish": True})},
    "review-api-objection-list": {"GET": Call(api(403, province=200))},
    "review-api-objection-detail": {"GET": Call(api(403, province=200), OBJECTION)},
    "review-api-objection-resolve": {
        "POST": Call(
            api(403, province=200), OBJECTION, {"outcome": "dismissed", "reason": "不属实。"}
        )
    },
    "api-batch-data-export": {"GET": Call(api(403, **REVIEWERS), BATCH, query="?format=csv")},
    "notification-api-list": {"GET": Call(API_SIGNED_IN)},
    "notification-api-read": {"POST": Call(API_SIGNED_IN, data={})},
    # the preference phase: experts mark the applications of a batch in its phase (any expert
    # of the pool, assigned or not); the province opens and closes it, sees the matrix and the
    # progress
    "expert-preferences": {
        "GET": Call(web(403, expert=200, expert_a=200), PHASE),
        "POST": Call(web(403, expert=302, expert_a=302), PHASE, preference_choice),
    },
    "batch-preference-phase": {"POST": Call(web(403, province=302), PHASE, {"action": "close"})},
    # nothing chosen: refused naming the field
    "batch-matrix": {
        "GET": Call(web(403, province=200), BATCH),
        "POST": Call(web(403, province=400), BATCH, {}),
    },
    "batch-progress": {"GET": Call(web(403, province=200), BATCH)},
    "review-api-preferences": {
        "GET": Call(api(403, expert=200, expert_a=200), PHASE),
        "POST": Call(api(403, expert=200, expert_a=200), PHASE, api_preference_choice),
    },
    "review-api-batch-preference-phase": {
        "POST": Call(api(403, province=200), PHASE, {"action": "close"})
    },
    "review-api-batch-matrix": {
        "GET": Call(api(403, province=200), BATCH),
        "POST": Call(api(403, province=400), BATCH, {}),
    },
    "review-api-batch-progress": {"GET": Call(api(403, province=200), BATCH)},
}


# --- running it ------------------------------------------------------------------------------


def request(client, method: str, url: str, call: Call, world, is_api: bool):
    data = call.data(world) if callable(call.data) else call.data
    send = getattr(client, method.lower())
    if method == "GET":
        return send(url, **call.headers)
    if is_api and not call.multipart:
        return send(url, data if data is not None else {}, format="json", **call.headers)
    return send(url, data if data is not None else {}, format="multipart", **call.headers)


def outcome(response) -> int | str:
    if response.status_code == 302 and response.get("Location", "").startswith(
        "/accounts/login/?next="
    ):
        return LOGIN
    return response.status_code


def is_refusal(result) -> bool:
    return result == LOGIN or (isinstance(result, int) and 400 <= result < 500)


def attempt(client, method: str, url: str, call: Call, world, is_api: bool):
    """Send the request in a savepoint rolled back afterwards, with the client's cookies put
    back (a login or a logout replaces them): the response and the tables it wrote."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response, written = tables_written_by(
            lambda: request(client, method, url, call, world, is_api)
        )
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, written


def url_of(key: str, call: Call, world) -> str:
    return reverse(key, kwargs=call.kwargs(world)) + call.query


def dump(observed: list[str]) -> None:
    """Append what each role got, a line per route, method and role, to the file named by
    PERMISSION_MATRIX_DUMP: two runs (before and after a refactoring) are compared with
    ``sort | diff``."""
    path = os.environ.get("PERMISSION_MATRIX_DUMP")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.writelines(line + "\n" for line in sorted(observed))


def run_matrix(world, keys) -> tuple[list[str], int]:
    """Every (route, method, role) of ``keys``: the mismatches and the refusals that wrote, and
    how many allowed requests were seen writing (the detector works)."""
    routes = all_routes()
    failures, writes_seen, observed = [], 0, []
    for key in keys:
        for method, call in MATRIX[key].items():
            url = url_of(key, call, world)
            for role in ROLES:
                response, written = attempt(
                    world.clients[role], method, url, call, world, routes[key].is_api
                )
                result, expected = outcome(response), call.expect[role]
                observed.append(f"{routes[key].pattern} {key} {method} {role} {result}")
                if result != expected:
                    failures.append(f"{method} {url} as {role}: expected {expected}, got {result}")
                if written and is_refusal(result):
                    failures.append(
                        f"{method} {url} as {role} refused ({result}) but wrote {written}"
                    )
                writes_seen += bool(written) and not is_refusal(result)
    dump(observed)
    return failures, writes_seen


def test_every_route_is_in_the_matrix_with_the_methods_its_view_handles():
    routes = all_routes()
    missing = sorted(set(routes) - set(MATRIX))
    assert not missing, f"routes without a row in MATRIX (who may use them?): {missing}"
    gone = sorted(set(MATRIX) - set(routes))
    assert not gone, f"MATRIX rows for routes that no longer exist: {gone}"
    wrong = {
        key: {"view handles": routes[key].methods, "matrix has": tuple(MATRIX[key])}
        for key in routes
        if set(routes[key].methods) != set(MATRIX[key])
    }
    assert not wrong, f"methods differ between the views and MATRIX: {wrong}"


@pytest.mark.slow
@pytest.mark.parametrize("is_api", [False, True], ids=["web", "api"])
def test_each_role_gets_the_status_the_matrix_says_and_refusals_write_nothing(world, is_api):
    """In two halves, the web pages and the API, which parallel test processes share out."""
    routes = all_routes()
    keys = [key for key, route in routes.items() if key in MATRIX and route.is_api == is_api]
    failures, writes_seen = run_matrix(world, keys)
    assert not failures, "\n".join(failures)
    assert writes_seen > 20  # the saves, submissions and decisions let through were seen writing
