"""The admin site's view of the review: declared conflicts of interest are recorded here too
(e.g. an expert's known ties before any assignment); assignments and decisions are read-only,
they change only through the review pages."""

from django.contrib import admin

from portal.admin import AuditedAdminMixin, ReadOnlyAdmin

from .models import ConflictDeclaration, Decision, ExpertAssignment


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
    list_display = ("assessment", "outcome", "tier", "decided_by", "decided_at")
    list_filter = ("outcome", "tier", "assessment__batch")
    search_fields = ("assessment__enterprise__name",)
