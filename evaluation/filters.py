"""Filters of the review queue, shared by the web page and the API."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import City, IndustryType
from scenarios.models import Batch, Tier

from .models import State

NO_TIER_REACHED = "none"


class ReviewQueueFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label=_("搜索"))
    state = django_filters.ChoiceFilter(
        choices=[c for c in State.choices if c[0] != State.DRAFT], label=_("状态")
    )
    industry_type = django_filters.ChoiceFilter(
        field_name="enterprise__industry_type", choices=IndustryType.choices, label=_("行业类型")
    )
    tier = django_filters.ChoiceFilter(
        choices=[*Tier.choices, (NO_TIER_REACHED, _("未达到任何层级"))],
        method="filter_tier",
        label=_("可申报层级"),
    )
    city = django_filters.ChoiceFilter(
        field_name="enterprise__city", choices=City.choices, label=_("设区市")
    )
    batch = django_filters.ModelChoiceFilter(
        queryset=Batch.objects.order_by("-year"), label=_("申报批次")
    )

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(enterprise__name__icontains=value) | Q(enterprise__credit_code__iexact=value)
        )

    def filter_tier(self, queryset, name, value):
        """The tier the submission's evaluation says it reaches (what it applies for)."""
        if value == NO_TIER_REACHED:
            return queryset.filter(Q(evaluation__isnull=True) | Q(evaluation__highest_tier=""))
        return queryset.filter(evaluation__highest_tier=value)
