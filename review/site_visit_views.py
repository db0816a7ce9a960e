"""Web pages of the site visit: the visiting experts' list and report page (checks, photos,
the finding, the submission), the photos themselves, and the province's choice of experts.

An expert reaches only the visits they are sent on (``site_visits_for``): another's is a 404;
the enterprise and the city never reach a visit (403)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.confirmation import confirmation_page, is_confirmed
from portal.downloads import uploaded_file_response
from portal.views import apply_validation_error, refusal_status

from . import confirmations, rules, services
from .expert_views import expert_view
from .selectors import dossier, site_visit_photos_for, site_visit_report, site_visits_for
from .site_visit_forms import SiteVisitAssignForm, SiteVisitPhotoForm, SiteVisitReportForm
from .views import _act, _reviewed, require_province


@login_required
@require_POST
def site_visit_assign(request, pk: int):
    """The province sends experts on the visit of a submission whose batch requires one."""
    require_province(request.user)
    assessment = _reviewed(request, pk)
    form = SiteVisitAssignForm(request.POST, assessment=assessment)
    return _act(
        request,
        assessment,
        "site_visit_assign",
        form,
        lambda data: services.site_visit_assign(
            assessment=assessment, experts=data["experts"], actor=request.user
        ),
        _("已指派现场核查专家。"),
    )


@expert_view
@require_GET
def site_visits(request):
    """The expert's visits: those to report on, then those reported."""
    visits = list(
        site_visits_for(request.user).filter(assignments__expert=request.user).order_by("-pk")
    )
    return render(
        request,
        "review/site_visits.html",
        {
            "pending": [v for v in visits if not v.is_submitted],
            "reported": [v for v in visits if v.is_submitted],
        },
    )


def _own_visit(request, pk):
    return get_object_or_404(
        site_visits_for(request.user).filter(assignments__expert=request.user), pk=pk
    )


def _page(request, visit, *, form=None, photo_form=None, status=200, error=None):
    assessment = visit.assessment
    claimed = services.claimed_scenarios(assessment)
    editable = rules.can_record_visit(request.user, visit)
    form = form or SiteVisitReportForm(
        initial=SiteVisitReportForm.initial_of(visit), claimed=claimed
    )
    report = site_visit_report(assessment, claimed)
    claims = (assessment.snapshot or {}).get("scenarios", {})
    rows = [
        {
            "check": check,
            "claim": claims.get(str(check.no), {}),
            "result": form[f"check-{check.no}-result"],
            "notes": form[f"check-{check.no}-notes"],
        }
        for check in report.checks
    ]
    return render(
        request,
        "review/site_visit.html",
        {
            "visit": visit,
            "dossier": dossier(assessment, request.user),
            "rows": rows,
            "report": report,
            "form": form,
            "photo_form": photo_form or SiteVisitPhotoForm(claimed=claimed),
            "editable": editable,
            "submit_confirmation": confirmations.site_visit_submit(request.user, visit),
            "error": error,
        },
        status=status,
    )


def _write(request, visit, service, success: str, *, submitting=False):
    claimed = services.claimed_scenarios(visit.assessment)
    form = SiteVisitReportForm(request.POST, claimed=claimed)
    status = 400
    if form.is_valid():
        data = form.report_data()
        if (
            submitting
            and not is_confirmed(request)
            and not services.site_visit_problems(visit=visit, data=data)
        ):
            confirmation = confirmations.site_visit_submit(request.user, visit)
            if confirmation:
                return confirmation_page(
                    request, confirmation, cancel_url=reverse("site-visit-page", args=[visit.pk])
                )
        try:
            service(visit=visit, actor=request.user, data=data)
        except PermissionDenied:
            raise
        except ValidationError as exc:
            status = refusal_status(exc)
            if status == 409:
                return _page(request, visit, form=form, status=409, error=exc.messages)
            form.add_service_errors(exc)
        else:
            messages.success(request, success)
            return redirect("site-visit-page", visit.pk)
    return _page(request, visit, form=form, status=status)


@expert_view
@require_http_methods(["GET", "POST"])
def site_visit_page(request, pk: int):
    """The visit's report: the dossier's claims, a check per claimed scenario, photos and the
    finding; read-only once submitted."""
    visit = _own_visit(request, pk)
    if request.method == "POST":
        return _write(request, visit, services.site_visit_save, _("核查记录已保存。"))
    return _page(request, visit)


@expert_view
@require_POST
def site_visit_submit(request, pk: int):
    visit = _own_visit(request, pk)
    return _write(
        request,
        visit,
        services.site_visit_submit,
        _("现场核查报告已提交，不能再修改。"),
        submitting=True,
    )


@expert_view
@require_POST
def site_visit_photo_upload(request, pk: int):
    visit = _own_visit(request, pk)
    claimed = services.claimed_scenarios(visit.assessment)
    form = SiteVisitPhotoForm(request.POST, request.FILES, claimed=claimed)
    status = 400
    if form.is_valid():
        try:
            services.site_visit_photo_add(
                visit=visit,
                actor=request.user,
                uploaded=form.cleaned_data["photo"],
                scenario_no=form.cleaned_data["scenario_no"],
                caption=form.cleaned_data["caption"],
            )
        except ValidationError as exc:
            status = refusal_status(exc)
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("照片已上传。"))
            return redirect("site-visit-page", visit.pk)
    return _page(request, visit, photo_form=form, status=status)


@login_required
@require_GET
def site_visit_photo(request, pk: int):
    """A visit's photo, to its experts and the province; always as a download."""
    if not (request.user.is_expert or request.user.is_province_admin):
        raise PermissionDenied
    photo = get_object_or_404(site_visit_photos_for(request.user), pk=pk)
    return uploaded_file_response(photo.file, filename=photo.name, content_type=photo.content_type)
