"""The province's formal check (形式审查) pages: a batch's queue, and one application's checklist
with its pass and return forms."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from evaluation.eligibility import CHECKLIST_ITEMS, formal_checklist
from evaluation.models import DocumentKind
from portal.confirmation import unconfirmed_page
from portal.views import refusal_status

from . import confirmations, rules, services
from .forms import CommentForm
from .selectors import formal_check_rows, review_queue_for, review_rounds
from .views import province_batch, require_province


@login_required
@require_GET
def formal_check_queue(request, pk: int):
    batch = province_batch(request, pk)
    return render(
        request,
        "review/formal_check_queue.html",
        {"batch": batch, "rows": formal_check_rows(batch)},
    )


def _documents(assessment) -> list[dict]:
    """The application's papers and statements the checklist counts, with their files."""
    files = list(
        assessment.evidence.current()
        .exclude(financial_year=None, document="")
        .order_by("document", "-financial_year", "pk")
    )
    return [
        {"label": kind.label, "files": [f for f in files if f.document == kind]}
        for kind in DocumentKind
    ] + [
        {
            "label": _("%(year)s 年度财务报表") % {"year": year},
            "files": [f for f in files if f.financial_year == year],
        }
        for year in assessment.financial_years
    ]


def _return_items(post) -> dict:
    return {key: post.get(f"note-{key}", "") for key in post.getlist("items")}


@login_required
def formal_check_detail(request, pk: int):
    """GET: the checklist; POST ``action=pass`` (with an optional comment) or ``action=return``
    (``items`` ticked, a ``note-<item>`` each), after their confirmation."""
    require_province(request.user)
    assessment = get_object_or_404(review_queue_for(request.user), pk=pk)
    checklist = formal_checklist(assessment)
    user, status, errors = request.user, 200, []
    pass_form = CommentForm(request.POST or None, auto_id="pass_%s")
    chosen, notes = list(CHECKLIST_ITEMS), {}
    if request.method == "POST":
        action = request.POST.get("action")
        cancel_url = reverse("formal-check-detail", args=[assessment.pk])
        try:
            if action == "pass" and pass_form.is_valid():
                confirmation = confirmations.formal_check_pass(user, assessment, checklist)
                if asked := unconfirmed_page(request, confirmation, cancel_url=cancel_url):
                    return asked
                services.formal_check_pass(
                    assessment=assessment, actor=user, comment=pass_form.cleaned_data["comment"]
                )
                messages.success(request, _("已通过形式审查，可为其分配评审专家。"))
                return redirect("formal-check-queue", assessment.batch_id)
            if action == "return":
                items = _return_items(request.POST)
                chosen, notes = list(items), items
                confirmation = confirmations.formal_check_return(user, assessment)
                if items and (
                    asked := unconfirmed_page(request, confirmation, cancel_url=cancel_url)
                ):
                    return asked
                services.formal_check_return(assessment=assessment, actor=user, items=items)
                messages.success(request, _("已退回企业补正材料。"))
                return redirect("formal-check-queue", assessment.batch_id)
            status, errors = 400, [e for es in pass_form.errors.values() for e in es]
        except PermissionDenied as exc:
            status, errors = 403, [str(exc)]
        except ValidationError as exc:
            status, errors = refusal_status(exc), exc.messages
    missing = {item.key for item in checklist.missing}
    if request.method == "GET":
        chosen = [key for key in CHECKLIST_ITEMS if key in missing]
    return render(
        request,
        "review/formal_check.html",
        {
            "assessment": assessment,
            "batch": assessment.batch,
            "checklist": checklist,
            "documents": _documents(assessment),
            "rounds": review_rounds(assessment),
            "can_check": rules.can_formally_check(user, assessment),
            "can_pass": rules.can_pass_formal_check(user, assessment, checklist),
            "pass_form": pass_form,
            "pass_confirmation": confirmations.formal_check_pass(user, assessment, checklist),
            "return_confirmation": confirmations.formal_check_return(user, assessment),
            "return_items": [
                {
                    "key": item.key,
                    "label": item.label,
                    "ok": item.ok,
                    "detail": item.detail,
                    "chosen": item.key in chosen,
                    "note": notes.get(item.key, ""),
                }
                for item in checklist.items
            ],
            "errors": errors,
        },
        status=status,
    )
