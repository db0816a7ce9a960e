"""Filters of the audit log, shared by its page and its export: both read the same query
string through ``audit_log_filter``, so the download is exactly the filtered list."""

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from evaluation.models import Assessment
from portal.audit import SYSTEM_ACTOR, audit_action_choices
from portal.models import Enterprise, User
from portal.selectors import audit_log_for, enterprises_for
from scenarios.models import Batch

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
SYSTEM = "system"  # the actor filter's choice for the portal's own acts (no actor)


class AuditLogFilter(django_filters.FilterSet):
    actor = django_filters.ChoiceFilter(method="filter_actor", label=_("操作人"))
    action = django_filters.ChoiceFilter(choices=audit_action_choices(), label=_("操作"))
    enterprise = django_filters.ModelChoiceFilter(
        queryset=Enterprise.objects.none(),
        label=_("企业"),  # the user's: see __init__
    )
    batch = django_filters.ModelChoiceFilter(
        queryset=Batch.objects.order_by("-year", "-pk"), method="filter_batch", label=_("申报批次")
    )
    date_from = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__gte", label=_("起始日期"), widget=DATE
    )
    date_to = django_filters.DateFilter(
        field_name="created_at", lookup_expr="date__lte", label=_("截止日期"), widget=DATE
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        actors = User.objects.filter(
            pk__in=self.queryset.exclude(actor=None).values("actor_id")
        ).order_by("username")
        self.filters["actor"].extra["choices"] = [
            (SYSTEM, SYSTEM_ACTOR),
            *((str(u.pk), str(u)) for u in actors),
        ]
        self.filters["enterprise"].queryset = enterprises_for(user).order_by("name")

    def filter_actor(self, queryset, name, value):
        if value == SYSTEM:
            return queryset.filter(actor=None)
        return queryset.filter(actor_id=value)

    def filter_batch(self, queryset, name, batch):
        """Entries about the batch itself, about one of its applications, or about a thing
        of its own (its rubric, its tier rules: ``data.batch``)."""
        assessments = (
            Assessment.objects.filter(batch=batch)
            .annotate(key=Cast("pk", CharField()))
            .values("key")
        )
        return queryset.filter(
            Q(target_type=ContentType.objects.get_for_model(Batch), target_id=str(batch.pk))
            | Q(
                target_type=ContentType.objects.get_for_model(Assessment), target_id__in=assessments
            )
            | Q(data__batch=batch.pk)
        )


def audit_log_filter(*, user, data) -> AuditLogFilter:
    """The entries the user may see (``audit_log_for``), filtered by the query string,
    newest first."""
    entries = audit_log_for(user).select_related("actor", "enterprise")
    return AuditLogFilter(data, queryset=entries.order_by("-created_at", "-pk"), user=user)


def audit_log_filter_errors(filters: AuditLogFilter) -> list[str]:
    """The filters' errors, each naming its field, for a download that cannot show a form."""
    return [
        f"{filters.form.fields[name].label}：{message}" if name in filters.form.fields else message
        for name, messages in filters.errors.items()
        for message in messages
    ]
