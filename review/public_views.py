"""Public pages without login: the published lists of approved enterprises (公示名单), with their
公示 period, contact and status, and the objection form while the period runs.

Only what ``review_selectors.public_list`` gives is shown: each listed enterprise's name,
city and tier. A batch whose list is not published is a 404.
"""

import math

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import throttling
from portal.views import apply_validation_error, refusal_status
from scenarios.models import Tier

from . import rules, services
from . import selectors as review_selectors
from .publicity_forms import ObjectionForm


@require_GET
def public_lists(request):
    """Every published list, newest first, with how many enterprises each names and where its
    公示 period stands."""
    batches = list(
        review_selectors.published_batches().annotate(
            approved=Count("assessments", filter=review_selectors.listed_count_filter())
        )
    )
    for batch in batches:
        batch.publicity = review_selectors.publicity_of(batch)
    return render(request, "public/lists.html", {"batches": batches})


def _list_page(request, batch, *, form=None, status: int = 200, error=None):
    """One batch's list, grouped by tier (highest first), its 公示 period and status, and the
    objection form while objections are received."""
    rows = review_selectors.public_list(batch)
    groups = []
    for tier in reversed(Tier.values):
        members = [r for r in rows if r["tier"] == tier]
        if members:
            groups.append({"tier": tier, "label": Tier(tier).label, "rows": members})
    open_ = rules.objections_open(batch)
    return render(
        request,
        "public/list.html",
        {
            "batch": batch,
            "groups": groups,
            "total": len(rows),
            "publicity": review_selectors.publicity_of(batch),
            "objection_form": (form or ObjectionForm(batch)) if open_ else None,
            "error": error,
        },
        status=status,
    )


@require_GET
def public_list(request, pk: int):
    batch = get_object_or_404(review_selectors.published_batches(), pk=pk)
    return _list_page(request, batch)


@require_POST
def public_objection(request, pk: int):
    """An objection to an enterprise on the list, with its signed letter: during the 公示
    period only, throttled per client (429 with the form again)."""
    batch = get_object_or_404(review_selectors.published_batches(), pk=pk)
    form = ObjectionForm(batch, request.POST, request.FILES)
    wait = throttling.client_wait(request, scope="objection")
    if wait is not None:
        error = _("提交过于频繁，请约 %(minutes)d 分钟后再试。") % {"minutes": math.ceil(wait / 60)}
        response = _list_page(request, batch, form=form, status=429, error=[error])
        response["Retry-After"] = str(wait)
        return response
    if not rules.objections_open(batch):
        error = services.objections_closed_message(batch)
        return _list_page(request, batch, status=409, error=[error])
    status = 400
    if form.is_valid():
        try:
            services.objection_lodge(
                batch=batch,
                data=form.service_data(),
                letter=form.cleaned_data["letter"],
                request=request,
            )
        except ValidationError as exc:
            status = refusal_status(exc)
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "您的异议已提交。我们将在核查后作出处理；如留有电子邮箱，处理结果将通过"
                    "邮件告知。"
                ),
            )
            return redirect(reverse("public-list", args=[batch.pk]) + "#objection")
    return _list_page(request, batch, form=form, status=status)
