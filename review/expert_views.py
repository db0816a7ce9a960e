"""Web pages of the experts: their assignments and the scoring page.

An expert reaches only their own live assignments (``assignments_for`` narrowed to the
expert), so another expert's task is a 404; other roles are refused. Draft saves come from a
plain POST (redirect back) or from htmx autosave (``HX-Request``: a small fragment with the new
version, or the errors with status 400 / 409).
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from portal.confirmation import confirmation_page, is_confirmed
from portal.exceptions import StateConflict

from . import confirmations
from . import selectors as review_selectors
from . import services as review_services
from .anonymity import identity_visible_to
from .deadlines import assignment_overdue
from .expert_forms import ConflictForm, ReviewForm
from .models import AssignmentStatus
from .preferences import open_phases


def expert_view(view):
    """Log-in required; experts only (every other role is refused)."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_expert:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _own_assignment(request, pk):
    """The expert's own live assignment: even the province admin does not score here."""
    return get_object_or_404(
        review_selectors.assignments_for(request.user).filter(expert=request.user), pk=pk
    )


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


@expert_view
def expert_assignments(request):
    """The expert's assignments: those still to review, then those submitted."""
    assignments = list(
        review_selectors.assignments_for(request.user)
        .filter(expert=request.user)
        .order_by("-assigned_at", "-pk")
    )
    for a in assignments:
        a.identity_visible = identity_visible_to(request.user, a.assessment)
        a.overdue = assignment_overdue(a)
    return render(
        request,
        "review/expert_assignments.html",
        {
            "preference_phases": open_phases().select_related("batch"),
            "sections": [
                {
                    "key": "pending",
                    "title": _("待评审"),
                    "icon": "bi-hourglass-split",
                    "rows": [a for a in assignments if a.status == AssignmentStatus.ACTIVE],
                    "empty": _("目前没有待评审的任务。"),
                },
                {
                    "key": "submitted",
                    "title": _("已提交"),
                    "icon": "bi-check2-circle",
                    "rows": [a for a in assignments if a.status == AssignmentStatus.SUBMITTED],
                    "empty": _("还没有提交过评审意见。"),
                },
            ],
        },
    )


def _review_form(assignment, data=None) -> ReviewForm:
    return ReviewForm(
        data,
        assignment=assignment,
        claimed=review_services.claimed_scenarios(assignment.assessment),
        criteria=assignment.assessment.batch.rubric.order_by("no"),
    )


def _page(
    request,
    assignment,
    *,
    form=None,
    conflict_form=None,
    conflict_message="",
    submitting=False,
    partly_saved=False,
    status=200,
):
    """The scoring page: the dossier with a verdict per claimed scenario, the rubric, the
    opinion and the tier recommended; read-only once submitted."""
    form = form or _review_form(assignment)
    dossier = review_selectors.dossier(assignment.assessment, request.user)
    claimed = set(dossier.claimed)
    for dimension in dossier.dimensions:
        for link in dimension["links"]:
            for row in link["scenarios"]:
                no = row["scenario"].no
                if no in claimed:
                    row["review"] = {
                        "accepted": form[f"verdict-{no}-accepted"],
                        "comment": form[f"verdict-{no}-comment"],
                    }
    readonly = assignment.is_final
    return render(
        request,
        "review/assignment.html",
        {
            "assignment": assignment,
            "dossier": dossier,
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "submitting": submitting,
            "partly_saved": partly_saved,
            "submit_confirmation": confirmations.review_submit(request.user, assignment),
            "rubric": [(c, form[f"score-{c.pk}"]) for c in form.criteria],
            "readonly": readonly,
            "conflict_form": None if readonly else (conflict_form or ConflictForm()),
            "conflict_message": conflict_message,
            "scenario_extra": "review/_verdict.html",
        },
        status=status,
    )


def _version_field(assignment):
    """The form's hidden version, swapped out of band: the next save is made on it."""
    return format_html(
        '<input type="hidden" name="version" value="{}" id="id_version" hx-swap-oob="true">',
        assignment.version,
    )


def _saved_fragment(request, assignment, *, errors=(), conflict="", partly_saved=False, status=200):
    """The answer to an htmx autosave: where the draft stands, and when it was saved (even in
    part) the new version for the form's hidden field."""
    if conflict:
        body = format_html(
            '<div class="alert alert-danger py-2 mb-0" role="alert" data-testid="save-conflict">'
            '{} <a class="alert-link" href="{}">{}</a></div>',
            conflict,
            request.path,
            _("重新加载"),
        )
    elif errors:
        body = format_html(
            '<div class="alert alert-danger py-2 mb-0" role="alert" data-testid="save-errors">'
            '<div class="fw-medium">{}</div><ul class="mb-0 ps-3">{}</ul></div>{}',
            _("草稿其余内容已保存，以下内容未保存：") if partly_saved else _("草稿未保存："),
            format_html_join("", "<li>{}</li>", ((e,) for e in errors)),
            _version_field(assignment) if partly_saved else "",
        )
    else:
        body = format_html(
            '<span class="badge save-state save-state-saved" data-testid="save-state">{} {}</span>'
            "{}",
            _("草稿已自动保存"),
            date_format(timezone.localtime(), "H:i:s"),
            _version_field(assignment),
        )
    return HttpResponse(body, status=status)


def _write(request, assignment, service, success_message: str, submitting=False):
    """Parse the review form, run a review service on it and answer: the page again with the
    errors (400; what was valid in the post is saved all the same), the stale-version or
    final-review message (409), or a redirect back."""
    form = _review_form(assignment, request.POST)
    htmx = _is_htmx(request)
    partly_saved = False
    if form.is_valid():
        try:
            service(
                assignment=assignment,
                actor=request.user,
                data=form.review_data(),
                expected_version=form.expected_version,
            )
        except StateConflict as exc:
            assignment.refresh_from_db()
            message = " ".join(exc.messages)
            if htmx:
                return _saved_fragment(request, assignment, conflict=message, status=409)
            return _page(request, assignment, form=form, conflict_message=message, status=409)
        except review_services.ReviewErrors as exc:
            partly_saved = exc.assignment.version != assignment.version
            assignment = exc.assignment
            form.saved_as(assignment)
            form.add_service_errors(exc)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            assignment.refresh_from_db()
            if htmx:
                return _saved_fragment(request, assignment)
            messages.success(request, success_message)
            return redirect("assignment-page", pk=assignment.pk)
    if htmx:
        errors = form.error_summary()
        return _saved_fragment(
            request, assignment, errors=errors, partly_saved=partly_saved, status=400
        )
    return _page(
        request,
        assignment,
        form=form,
        submitting=submitting,
        partly_saved=partly_saved,
        status=400,
    )


@expert_view
@require_http_methods(["GET", "POST"])
def assignment_page(request, pk):
    assignment = _own_assignment(request, pk)
    if request.method == "POST":
        return _write(request, assignment, review_services.review_save, _("评审草稿已保存。"))
    return _page(request, assignment)


@expert_view
@require_POST
def assignment_submit(request, pk):
    """Submit the review. Unconfirmed (no JavaScript), a review that would be accepted gets
    the confirmation page first; one that would not gets its errors straight away."""
    assignment = _own_assignment(request, pk)
    confirmation = confirmations.review_submit(request.user, assignment)
    if confirmation and not is_confirmed(request):
        form = _review_form(assignment, request.POST)
        if form.is_valid() and not review_services.review_problems(
            assignment=assignment, data=form.review_data()
        ):
            return confirmation_page(
                request, confirmation, cancel_url=reverse("assignment-page", args=[pk])
            )
    return _write(
        request,
        assignment,
        review_services.review_submit,
        _("评审意见已提交，不能再修改。感谢您的评审。"),
        submitting=True,
    )


@expert_view
@require_POST
def assignment_conflict(request, pk):
    """Declare a conflict of interest: the task is withdrawn and another expert takes it."""
    assignment = _own_assignment(request, pk)
    form = ConflictForm(request.POST)
    if form.is_valid():
        try:
            review_services.conflict_declare(
                assignment=assignment, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except StateConflict as exc:
            return _page(request, assignment, conflict_message=" ".join(exc.messages), status=409)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("已申请回避 %(reference)s，该评审任务已从您的列表中撤回。")
                % {"reference": assignment.reference},
            )
            return redirect("expert-assignments")
    return _page(request, assignment, conflict_form=form, status=400)
