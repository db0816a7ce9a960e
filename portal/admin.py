from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from . import rules
from .audit import audit_diff, audit_values
from .models import ApiToken, AuditLog, Enterprise, IdentityChangeRequest, Invitation, User
from .services import audit_log_record
from .two_factor_services import two_factor_reset

admin.site.site_header = _("智改数转网联自评估 · 省级管理")
admin.site.site_title = _("智改数转网联自评估")
admin.site.index_title = _("目录、批次与账户管理")


def _key(obj) -> tuple[str, str]:
    return obj._meta.label_lower, str(obj.pk)


class AuditedAdminMixin:
    """Every change saved in the admin site goes on the audit log: who, when, and each field
    before and after (``admin.add`` / ``admin.change`` / ``admin.delete``), the rows of its
    inlines each as an entry of their own. Every ModelAdmin of the project uses it (a test
    checks), so no change made here escapes the record."""

    def _audit_before(self, request) -> dict:
        """The fields of the objects this request loaded, as they were in the database."""
        if not hasattr(request, "_audit_before"):
            request._audit_before = {}
        return request._audit_before

    def _audit(self, request, obj, *, before, after, parent=None) -> None:
        action = (
            "admin.add" if before is None else "admin.delete" if after is None else "admin.change"
        )
        changed = audit_diff(before, after)
        if action == "admin.change" and not changed:
            return
        data = {"model": obj._meta.label_lower, "object": str(obj), "changed": changed}
        batch_id = getattr(obj, "batch_id", None) or getattr(parent, "batch_id", None)
        if batch_id:
            data["batch"] = batch_id
        enterprise = obj if isinstance(obj, Enterprise) else getattr(obj, "enterprise", None)
        audit_log_record(
            actor=request.user,
            action=action,
            target=obj,
            enterprise=enterprise if isinstance(enterprise, Enterprise) else None,
            summary=f"{obj._meta.verbose_name}：{obj}",
            data=data,
            request=request,
        )

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            self._audit_before(request)[_key(obj)] = audit_values(obj)
        return obj

    def save_model(self, request, obj, form, change):
        stash = self._audit_before(request)
        if change and _key(obj) not in stash:  # a list's editable columns load no object
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            stash[_key(obj)] = audit_values(stored) if stored is not None else None
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        """After the many-to-many fields and the inlines are saved: the object is complete."""
        super().save_related(request, form, formsets, change)
        obj = form.instance
        before = self._audit_before(request).pop(_key(obj), None) if change else None
        self._audit(request, obj, before=before, after=audit_values(obj))

    def log_change(self, request, obj, message):
        """A change saved without the change form (the password form, a revert to an earlier
        version): its object was loaded but not yet recorded."""
        before = self._audit_before(request).pop(_key(obj), None)
        if before is not None:
            self._audit(request, obj, before=before, after=audit_values(obj))
        return super().log_change(request, obj, message)

    def save_formset(self, request, form, formset, change):
        deleted = formset.deleted_forms
        touched = [
            f.instance.pk
            for f in formset.initial_forms
            if f.instance.pk is not None and (f.has_changed() or f in deleted)
        ]
        before = {
            o.pk: audit_values(o) for o in formset.model._default_manager.filter(pk__in=touched)
        }
        parent = form.instance
        for obj in [f.instance for f in deleted if f.instance.pk is not None]:
            self._audit(request, obj, before=before.get(obj.pk, {}), after=None, parent=parent)
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            self._audit(request, obj, before=None, after=audit_values(obj), parent=parent)
        for obj, _fields in formset.changed_objects:
            self._audit(
                request, obj, before=before.get(obj.pk, {}), after=audit_values(obj), parent=parent
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit(request, obj, before=audit_values(obj), after=None)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit(request, obj, before=audit_values(obj), after=None)
            super().delete_queryset(request, queryset)


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = (
        "name",
        "credit_code",
        "city",
        "district",
        "district_text",
        "industry_type",
        "size",
    )
    list_filter = ("city", ("district", admin.EmptyFieldListFilter), "industry_type", "size")
    search_fields = ("name", "credit_code", "industry_code")
    readonly_fields = ("district_text",)


@admin.register(User)
class UserAdmin(AuditedAdminMixin, DjangoUserAdmin):
    list_display = ("username", "get_full_name", "role", "enterprise", "city", "is_active")
    list_filter = ("role", "city", "district", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "enterprise__name")
    autocomplete_fields = ("enterprise",)
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (
            _("角色与归属"),
            {"fields": ("role", "enterprise", "city", "district", "employer", "phone")},
        ),
    )
    add_fieldsets = (
        *DjangoUserAdmin.add_fieldsets,
        (_("角色与归属"), {"fields": ("role", "enterprise", "city", "district", "employer")}),
    )
    actions = ["reset_second_factor"]

    @admin.action(description=_("重置所选用户的双因素认证（下次登录时重新绑定）"))
    def reset_second_factor(self, request, queryset):
        done = 0
        for user in queryset:
            try:
                two_factor_reset(user=user, actor=request.user, request=request)
            except PermissionDenied as exc:
                self.message_user(request, f"{user}: {exc}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(
                request,
                ngettext(
                    "已重置 %(n)d 个用户的双因素认证。",
                    "已重置 %(n)d 个用户的双因素认证。",
                    done,
                )
                % {"n": done},
                messages.SUCCESS,
            )

    # Privileges are a superuser's to give (portal.rules): a province admin sees them read-only,
    # a forged request setting one is refused, a privileged account is not theirs to change.

    def get_readonly_fields(self, request, obj=None):
        withheld = rules.withheld_fields(request.user, obj)
        return (*super().get_readonly_fields(request, obj), *withheld)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and rules.may_change_account(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and rules.may_change_account(
            request.user, obj
        )

    def get_form(self, request, obj=None, **kwargs):
        return _guarded_account_form(super().get_form(request, obj, **kwargs), request.user, obj)

    def save_model(self, request, obj, form, change):
        stored = type(obj).objects.filter(pk=obj.pk).first() if change else None
        changes = rules.privilege_changes(stored, obj)
        if rules.account_change_refusals(request.user, stored, changes):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


def _guarded_account_form(form_class, actor, target):
    """``form_class`` offering ``actor`` only the roles they may give, and refusing the guarded
    fields they may not change — also one the form does not hold (read-only for them), which
    only a forged request sends."""

    class GuardedAccountForm(form_class):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if "role" in self.fields:
                allowed = rules.assignable_roles(actor)
                self.fields["role"].choices = [
                    (value, label)
                    for value, label in self.fields["role"].choices
                    if value in allowed or value == ""
                ]

        def clean(self):
            cleaned = super().clean()
            attempted = {f: cleaned.get(f) for f in self.changed_data if f in rules.GUARDED_FIELDS}
            attempted |= {
                f: self.data.get(f)
                for f in rules.GUARDED_FIELDS
                if f not in self.fields and f in self.data
            }
            for field, message in rules.account_change_refusals(actor, target, attempted).items():
                self.add_error(field if field in self.fields else None, message)
            return cleaned

    GuardedAccountForm.__name__ = form_class.__name__
    return GuardedAccountForm


@admin.register(Invitation)
class InvitationAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("email", "enterprise", "role", "created_at", "expires_at", "accepted_at")
    search_fields = ("email", "enterprise__name")
    readonly_fields = ("token", "invited_by", "accepted_at", "accepted_by")


admin.site.unregister(Group)
# Authenticators and recovery codes are the user's own (their secrets are never shown here):
# enrolled on the account's security page, reset with the action on the user list.
admin.site.unregister(TOTPDevice)
admin.site.unregister(StaticDevice)


@admin.register(Group)
class GroupAdmin(AuditedAdminMixin, DjangoGroupAdmin):
    """A group's permissions are an account's rights: their changes go on the record too."""


class ReadOnlyAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Rows written only by the services: shown, never added, changed or deleted here
    (audited all the same, should a permission ever open it)."""

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


# knox registers its own token model, which portal.ApiToken replaces (KNOX_TOKEN_MODEL).
if admin.site.is_registered(AuthToken):
    admin.site.unregister(AuthToken)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Who holds which API token (never the token: only its hash is kept); the province may
    revoke one here (delete). Tokens are issued by their owners: the tokens page or the API."""

    list_display = ("name", "user", "created", "expiry", "last_used_at")
    search_fields = ("name", "user__username")
    fields = ("user", "name", "created", "expiry", "last_used_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
