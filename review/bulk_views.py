"""Bulk actions' pages: the district's or city's recommendations, the province's decisions of
a batch. The form posts the chosen applications; one confirmation lists what will happen to
each (the plan of ``review.services.bulk``), then a page lists each item's outcome."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from evaluation.models import State
from portal.confirmation import unconfirmed_page
from portal.views import apply_validation_error, refusal_status

from . import confirmations, rules, services
from .discussion_forms import BulkDecideForm, BulkRecommendForm
from .selectors import review_queue_for
from .views import province_batch


def _require_local_reviewer(user) -> None:
    if not user.is_local_reviewer:
        raise PermissionDenied(_("只有县（市、区）和设区市主管部门可以批量推荐。"))


def _recommendable(user):
    return (
        review_queue_for(user).filter(state__in=rules.RECOMMENDABLE).order_by("submitted_at", "pk")
    )


def _outcome_page(request, title: str, results, back: str):
    return render(
        request,
        "review/bulk_results.html",
        {
            "title": title,
            "results": results,
            "done": sum(r.done for r in results),
            "back": back,
        },
    )


def _run(request, form, plan, confirmation, run, *, title: str, back: str):
    """The confirmation with the plan until confirmed, then each item's outcome. A refusal
    of the whole (naming a field) is None, the error on the form with its status."""
    try:
        if asked := unconfirmed_page(request, confirmation(plan(form)), cancel_url=back):
            return asked
        return _outcome_page(request, title, run(form.cleaned_data), back)
    except ValidationError as exc:
        apply_validation_error(form, exc)
        form.refusal_status = refusal_status(exc)
        return None


@login_required
def bulk_recommend(request):
    """A district or city reviewer's applications awaiting its recommendation, several
    recommended at once."""
    user = request.user
    _require_local_reviewer(user)
    back = reverse("review-bulk-recommend")
    status = 200
    # any application of the queue may be chosen: one not awaiting it is listed as left out
    form = BulkRecommendForm(request.POST or None, candidates=review_queue_for(user))
    if request.method == "POST":
        status = 400
        if form.is_valid():
            answer = _run(
                request,
                form,
                lambda f: services.recommend_plan(
                    actor=user, assessments=f.cleaned_data["assessments"]
                ),
                confirmations.bulk_recommend,
                lambda data: services.bulk_recommend(
                    actor=user, assessments=data["assessments"], comment=data["comment"]
                ),
                title=_("批量推荐结果"),
                back=back,
            )
            if answer is not None:
                return answer
            status = form.refusal_status
    rows = [(a, rules.can_recommend(user, a)) for a in _recommendable(user)[: services.BULK_MAX]]
    return render(
        request,
        "review/bulk_recommend.html",
        {"form": form, "rows": rows, "actionable": any(can for _a, can in rows)},
        status=status,
    )


@login_required
def bulk_decide(request, pk: int):
    """The batch's applications in review, each with the decision its computed tier and
    experts' majority agree on (or why it is left out); those chosen decided at once."""
    batch = province_batch(request, pk)
    user = request.user
    candidates = batch.assessments.filter(state=State.UNDER_REVIEW).select_related(
        "batch", "enterprise", "evaluation"
    )
    back = reverse("batch-bulk-decide", args=[batch.pk])
    status = 200
    form = BulkDecideForm(request.POST or None, candidates=candidates)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            answer = _run(
                request,
                form,
                lambda f: services.decide_plan(
                    actor=user, assessments=f.cleaned_data["assessments"]
                ),
                confirmations.bulk_decide,
                lambda data: services.bulk_decide(
                    actor=user,
                    assessments=data["assessments"],
                    reason=data["reason"],
                    summary=data["summary"],
                ),
                title=_("批量认定结果"),
                back=back,
            )
            if answer is not None:
                return answer
            status = form.refusal_status
    shown = candidates[: services.BULK_MAX]
    plan = services.decide_plan(actor=user, assessments=shown) if shown else []
    return render(
        request,
        "review/bulk_decide.html",
        {
            "batch": batch,
            "form": form,
            "plan": plan,
            "actionable": any(item.included for item in plan),
        },
        status=status,
    )
