from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditLog, Enterprise, IdentityChangeRequest, Invitation, User

admin.site.site_header = _("智改数转网联自评估 · 省级管理")
admin.site.site_title = _("智改数转网联自评估")
admin.site.index_title = _("目录、批次与账户管理")


@admin.register(Enterprise)
class EnterpriseAdmin(SimpleHistoryAdmin):
    list_display = ("name", "credit_code", "city", "district", "industry_type", "size")
    list_filter = ("city", "industry_type", "size")
    search_fields = ("name", "credit_code", "industry_code")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "get_full_name", "role", "enterprise", "city", "is_active")
    list_filter = ("role", "city", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "enterprise__name")
    autocomplete_fields = ("enterprise",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("角色与归属"), {"fields": ("role", "enterprise", "city", "employer", "phone")}),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("角色与归属"), {"fields": ("role", "enterprise", "city", "employer")}),
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "enterprise", "role", "created_at", "expires_at", "accepted_at")
    search_fields = ("email", "enterprise__name")
    readonly_fields = ("token", "invited_by", "accepted_at", "accepted_by")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by the services: shown, never added, changed or deleted here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "enterprise", "summary")
    list_filter = ("action",)
    search_fields = ("summary", "actor__username", "enterprise__name")
    date_hierarchy = "created_at"


@admin.register(IdentityChangeRequest)
class IdentityChangeRequestAdmin(ReadOnlyAdmin):
    """Read-only here: requests are decided on the portal's page (identity-changes), where
    the decision goes through the service, its audit entry and its notifications."""

    list_display = ("enterprise", "status", "requested_by", "requested_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("enterprise__name", "enterprise__credit_code")
