"""The admin site's view of the review: declared conflicts of interest are recorded here too
(e.g. an expert's known ties before any assignment); assignments, decisions, proposed
decisions, the discussion (periods, posts, revised reviews) and the experts' preferences are
read-only, they change only through the review pages."""

from django.contrib import admin

from portal.admin import AuditedAdminMixin, ReadOnlyAdmin
from scenarios.admin import BatchAdmin, RubricCriterionInline
from scenarios.models import Batch

from . import rules
from .models import (
    ConflictDeclaration,
    Decision,
    DecisionProposal,
    DiscussionPeriod,
    DiscussionPost,
    ExpertAssignment,
    ExpertPreference,
    PreferencePhase,
    ScoreRevision,
)


class FixedRubricInline(RubricCriterionInline):
    """The rubric, read-only from the batch's first expert assignment (``rules.rubric_locked``)."""

    def _fixed(self, obj) -> bool:
        return obj is not None and obj.pk is not None and rules.rubric_locked(obj)

    def has_add_permission(self, request, obj=None):
        return not self._fixed(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not self._fixed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self._fixed(obj) and super().has_delete_permission(request, obj)


admin.site.unregister(Batch)


@admin.register(Batch)
class ReviewBatchAdmin(BatchAdmin):
    inlines = [FixedRubricInline]


@admin.register(ConflictDeclaration)
class ConflictDeclarationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("expert", "enterprise", "reason", "declared_at")
    search_fields = ("expert__username", "expert__first_name", "enterprise__name")
    autocomplete_fields = ("enterprise",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "expert":
            from portal.selectors import experts

            kwargs["queryset"] = experts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ExpertAssignment)
class ExpertAssignmentAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "expert", "status", "method", "total", "assigned_at")
    list_filter = ("status", "method", "assessment__batch")
    search_fields = ("expert__username", "assessment__enterprise__name")


@admin.register(Decision)
class DecisionAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "outcome", "tier", "decided_by", "confirmed_by", "decided_at")
    list_filter = ("outcome", "tier", "assessment__batch")
    search_fields = ("assessment__enterprise__name",)


@admin.register(DecisionProposal)
class DecisionProposalAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "outcome", "tier", "status", "proposed_by", "reviewed_by")
    list_filter = ("status", "outcome", "assessment__batch")
    search_fields = ("assessment__enterprise__name",)


@admin.register(DiscussionPeriod)
class DiscussionPeriodAdmin(ReadOnlyAdmin):
    list_display = ("batch", "ends_on", "opened_by", "opened_at", "closed_by", "closed_at")


@admin.register(DiscussionPost)
class DiscussionPostAdmin(ReadOnlyAdmin):
    list_display = ("assessment", "author", "created_at")
    list_filter = ("assessment__batch",)
    search_fields = ("assessment__enterprise__name", "body")


@admin.register(ScoreRevision)
class ScoreRevisionAdmin(ReadOnlyAdmin):
    list_display = ("assignment", "total", "recommended_tier", "revised_at")
    list_filter = ("assignment__assessment__batch",)
    search_fields = ("assignment__expert__username", "assignment__assessment__enterprise__name")


@admin.register(PreferencePhase)
class PreferencePhaseAdmin(ReadOnlyAdmin):
    list_display = ("batch", "ends_at", "opened_by", "opened_at", "closed_at")


@admin.register(ExpertPreference)
class ExpertPreferenceAdmin(ReadOnlyAdmin):
    list_display = ("expert", "assessment", "choice", "updated_at")
    list_filter = ("choice", "assessment__batch")
    search_fields = ("expert__username", "assessment__enterprise__name")
