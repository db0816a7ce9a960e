"""The province dashboard page, for the province admin (everything) and city reviewers (their
own city's submissions)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

from review.selectors import review_batches
from scenarios.models import Batch

from . import dashboard as selectors
from .charts import BarChart, BoxChart, bar_chart, box_chart


def _adoption_bars(adoptions) -> BarChart:
    return bar_chart(
        [(f"{a.no} {a.name}", a.share) for a in adoptions], unit="%", decimals=1, label_width=260
    )


def _boxes(definition, quartiles) -> BoxChart:
    """The unit is in the chart's heading; each group is labelled with its number of values."""
    return box_chart(
        [(f"{q.group} · {q.n}", q.q1, q.median, q.q3) for q in quartiles],
        decimals=definition.decimals,
        label_width=110,
        label_chars=12,
    )


@login_required
def dashboard(request):
    if not selectors.can_view_dashboard(request.user):
        raise PermissionDenied(_("只有省级管理员和市级主管部门可以查看统计看板。"))
    try:
        batch = selectors.dashboard_batch(request.GET.get("batch"))
    except (Batch.DoesNotExist, ValueError) as exc:
        raise Http404 from exc
    context = {"batches": review_batches(), "batch": batch}
    if batch is not None:
        data = selectors.dashboard(user=request.user, batch=batch)
        counts = data.counts
        context |= {
            "data": data,
            "charts": {
                "state": bar_chart(counts.by_state, label_width=100),
                "city": bar_chart(counts.by_city, label_width=100),
                "tier_applied": bar_chart(counts.by_tier_applied, label_width=100),
                "tier_decided": bar_chart(counts.by_tier_decided, label_width=100),
                "most": _adoption_bars(data.adoption.most),
                "least": _adoption_bars(data.adoption.least),
            },
            "distributions": [
                {
                    "definition": d.definition,
                    "by_industry": _boxes(d.definition, d.by_industry),
                    "by_size": _boxes(d.definition, d.by_size),
                }
                for d in data.indicators
            ],
        }
    return render(request, "reports/dashboard.html", context)
