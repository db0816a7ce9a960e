"""Filters of the review queue, shared by the web page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evaluation.models import State
from portal.models import City, IndustryType
from scenarios.models import Batch, Tier

from .selectors import awaiting_local_review, review_queue_for

NO_TIER_REACHED = "none"
AWAITING = "awaiting"  # what awaits the reviewer's own verdict (a district's or a city's)


class ReviewQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    state = django_filters.ChoiceFilter(
        choices=[(AWAITING, _("待本级审核")), *(c for c in State.choices if c[0] != State.DRAFT)],
        method="filter_state",
        label=_("状态"),
    )
    industry_type = django_filters.ChoiceFilter(
        field_name="applicant_industry_type", choices=IndustryType.choices, label=_("行业类型")
    )
    tier = django_filters.ChoiceFilter(
        choices=[*Tier.choices, (NO_TIER_REACHED, _("未达到任何层级"))],
        method="filter_tier",
        label=_("可申报层级"),
    )
    city = django_filters.ChoiceFilter(
        field_name="applicant_city", choices=City.choices, label=_("设区市")
    )
    batch = django_filters.ModelChoiceFilter(
        queryset=Batch.objects.order_by("-year"), label=_("申报批次")
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(applicant_name__icontains=value) | Q(applicant_credit_code__iexact=value)
        )

    def filter_state(self, queryset, name, value):
        if value == AWAITING:
            user = getattr(self, "request_user", None) or getattr(self.request, "user", None)
            return queryset.filter(awaiting_local_review(user))
        return queryset.filter(state=value)

    def filter_tier(self, queryset, name, value):
        """The tier the submission's evaluation says it reaches (what it applies for)."""
        if value == NO_TIER_REACHED:
            return queryset.filter(Q(evaluation__isnull=True) | Q(evaluation__highest_tier=""))
        return queryset.filter(evaluation__highest_tier=value)


def review_queue_filter(*, user, data) -> ReviewQueueFilter:
    """The queue's filters as the page applies them, newest submission first: a city reviewer
    sees what awaits it unless it asks for a state, and has no city to choose. The page and
    its export share this, so the export is exactly the filtered list."""
    data = data.copy()
    if user.is_local_reviewer and "state" not in data:
        data["state"] = AWAITING
    queue = review_queue_for(user).order_by("-submitted_at", "-pk")
    filters = ReviewQueueFilter(data, queryset=queue)
    filters.request_user = user
    if not user.is_local_reviewer:  # the province has no step of its own to wait on
        state = filters.filters["state"]
        state.extra["choices"] = [c for c in state.extra["choices"] if c[0] != AWAITING]
    if not user.is_province_admin:
        filters.filters.pop("city")
    return filters
