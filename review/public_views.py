"""Public pages without login: the published lists of approved enterprises (公示名单).

Only what ``review_selectors.public_list`` gives is shown: each approved enterprise's name,
city and tier. A batch whose list is not published is a 404.
"""

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from evaluation.models import State
from scenarios.models import Tier

from . import selectors as review_selectors


@require_GET
def public_lists(request):
    """Every published list, newest first, with how many enterprises each names."""
    batches = review_selectors.published_batches().annotate(
        approved=Count("assessments", filter=Q(assessments__state=State.APPROVED))
    )
    return render(request, "public/lists.html", {"batches": batches})


@require_GET
def public_list(request, pk: int):
    """One batch's list, grouped by tier (highest first)."""
    batch = get_object_or_404(review_selectors.published_batches(), pk=pk)
    rows = review_selectors.public_list(batch)
    groups = []
    for tier in reversed(Tier.values):
        members = [r for r in rows if r["tier"] == tier]
        if members:
            groups.append({"tier": tier, "label": Tier(tier).label, "rows": members})
    return render(
        request,
        "public/list.html",
        {"batch": batch, "groups": groups, "total": len(rows)},
    )
