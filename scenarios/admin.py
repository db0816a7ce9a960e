"""Province admins edit the catalog here: drafts are editable, frozen versions read-only."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from portal.admin import AuditedAdminMixin
from portal.views import apply_validation_error

from . import services
from .forms import CatalogCloneForm, CatalogImportForm, TierRuleForm
from .models import (
    Batch,
    CatalogVersion,
    Dimension,
    Link,
    LinkOutcome,
    RubricCriterion,
    RulesFixed,
    Scenario,
    SupportCategory,
    SupportElement,
    TierRequirement,
    TierRule,
    VersionStatus,
)


def _frozen(obj) -> bool:
    version = obj if isinstance(obj, CatalogVersion) else getattr(obj, "version", None)
    return version is not None and version.pk is not None and not version.is_editable


class FrozenVersionMixin:
    """Read-only once the version is published or pinned by a batch."""

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)


class ItemInline(FrozenVersionMixin, admin.TabularInline):
    extra = 0
    show_change_link = True
    fields = ("no", "name", "name_en")
    ordering = ("no",)

    def has_add_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_add_permission(request, obj)


class DimensionInline(ItemInline):
    model = Dimension
    fields = ("no", "code", "name", "name_en")


class SupportElementInline(ItemInline):
    model = SupportElement
    fields = ("no", "category", "name", "name_en")


class LinkInline(ItemInline):
    model = Link
    fk_name = "dimension"


class ScenarioInline(ItemInline):
    model = Scenario
    fk_name = "link"


class LinkOutcomeInline(ItemInline):
    model = LinkOutcome
    fields = ("no", "name", "name_en", "indicator_code", "interpretation", "description")


class CatalogItemAdmin(AuditedAdminMixin, FrozenVersionMixin, SimpleHistoryAdmin):
    list_display = ("no", "name", "name_en", "version")
    list_display_links = ("no", "name")
    list_filter = ("version",)
    search_fields = ("name", "name_en", "description")
    ordering = ("version", "no")
    list_select_related = ("version",)

    def get_readonly_fields(self, request, obj=None):
        return ("version",) if obj is not None else ()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """New rows can only go into drafts."""
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "version":
            field.queryset = CatalogVersion.objects.filter(status=VersionStatus.DRAFT)
        elif field is not None and hasattr(field.queryset.model, "version"):
            field.queryset = field.queryset.filter(version__status=VersionStatus.DRAFT)
        return field


@admin.register(Dimension)
class DimensionAdmin(CatalogItemAdmin):
    inlines = [LinkInline]


@admin.register(Link)
class LinkAdmin(CatalogItemAdmin):
    list_display = ("no", "name", "dimension", "version")
    list_filter = ("version", "dimension__name")
    inlines = [ScenarioInline, LinkOutcomeInline]
    autocomplete_fields = ("dimension",)


@admin.register(Scenario)
class ScenarioAdmin(CatalogItemAdmin):
    list_display = ("no", "name", "link", "version")
    list_filter = ("version", "link__dimension__name")
    autocomplete_fields = ("link",)


@admin.register(SupportElement)
class SupportElementAdmin(CatalogItemAdmin):
    list_display = ("no", "name", "category", "version")
    list_filter = ("version", "category")


@admin.register(CatalogVersion)
class CatalogVersionAdmin(AuditedAdminMixin, FrozenVersionMixin, SimpleHistoryAdmin):
    list_display = ("label", "title", "status", "published_at", "in_use")
    list_filter = ("status",)
    search_fields = ("label", "title")
    readonly_fields = ("status", "cloned_from", "published_at", "created_at")
    inlines = [DimensionInline, SupportElementInline]
    change_form_template = "admin/scenarios/catalogversion/change_form.html"

    @admin.display(boolean=True, description=_("已被批次使用"))
    def in_use(self, obj):
        return obj.is_used_by_batch

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/clone/", wrap(self.clone_view), name="scenarios_catalogversion_clone"),
            path(
                "<int:pk>/publish/",
                wrap(self.publish_view),
                name="scenarios_catalogversion_publish",
            ),
            path(
                "<int:pk>/export/<str:file_format>/",
                wrap(self.export_view),
                name="scenarios_catalogversion_export",
            ),
            path(
                "<int:pk>/import/", wrap(self.import_view), name="scenarios_catalogversion_import"
            ),
            *super().get_urls(),
        ]

    def _version(self, request, pk):
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(CatalogVersion, pk=pk)

    def _change_url(self, version):
        return reverse("admin:scenarios_catalogversion_change", args=[version.pk])

    def clone_view(self, request, pk):
        version = self._version(request, pk)
        form = CatalogCloneForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                draft = services.catalog_version_clone(
                    version=version, label=form.cleaned_data["label"], actor=request.user
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                self.message_user(request, _("已复制为新草稿 %s。") % draft.label, messages.SUCCESS)
                return redirect(self._change_url(draft))
        return render(
            request,
            "admin/scenarios/catalogversion/action_form.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "version": version,
                "title": _("复制目录版本 %s") % version.label,
                "opts": self.model._meta,
            },
        )

    def publish_view(self, request, pk):
        """The change page's publish button posts here, from a form of its own."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(CatalogVersion, pk=pk)
        try:
            services.catalog_version_publish(version=version, actor=request.user)
        except ValidationError as exc:
            for message in exc.messages:
                self.message_user(request, message, messages.ERROR)
        else:
            self.message_user(request, _("目录版本 %s 已发布。") % version.label, messages.SUCCESS)
        return redirect(self._change_url(version))

    def export_view(self, request, pk, file_format):
        version = self._version(request, pk)
        try:
            content = services.catalog_version_export(version=version, file_format=file_format)
        except ValidationError as exc:
            self.message_user(request, "；".join(exc.messages), messages.ERROR)
            return redirect(self._change_url(version))
        content_type = {
            "json": "application/json",
            "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }[file_format]
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="catalog-{version.label}.{file_format}"'
        )
        return response

    def import_view(self, request, pk):
        version = self._version(request, pk)
        form = CatalogImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                counts = services.catalog_version_import(
                    version=version,
                    content=form.cleaned_data["file"].read(),
                    file_format=form.file_format,
                    actor=request.user,
                )
            except ValidationError as exc:
                apply_validation_error(
                    form, ValidationError(exc.messages[:50])
                )  # a page, not thousands
            else:
                self.message_user(
                    request,
                    _("导入完成：%s") % "，".join(f"{k} {v}" for k, v in counts.items()),
                    messages.SUCCESS,
                )
                return redirect(self._change_url(version))
        return render(
            request,
            "admin/scenarios/catalogversion/action_form.html",
            {
                **self.admin_site.each_context(request),
                "form": form,
                "version": version,
                "title": _("导入到目录版本 %s") % version.label,
                "opts": self.model._meta,
                "multipart": True,
            },
        )


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0
    fields = ("no", "name", "name_en", "description", "weight", "min_score", "max_score")


@admin.register(Batch)
class BatchAdmin(AuditedAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "year", "catalog_version", "opens_at", "closes_at", "list_published_at")
    list_filter = ("year",)
    search_fields = ("name",)
    filter_horizontal = ("direct_enterprises",)
    # publication and its 公示 period go through the publishing service (checked, audited)
    readonly_fields = (
        "list_published_at",
        "publicity_starts_on",
        "publicity_ends_on",
        "publicity_contact_department",
        "publicity_contact_phone",
        "publicity_contact_email",
        "rules_fixed_at",
    )
    inlines = [RubricCriterionInline]

    def get_readonly_fields(self, request, obj=None):
        """The catalog version, once the batch has a submission."""
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "catalog_version") if obj is not None and obj.rules_fixed else fields

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "catalog_version":
            kwargs["queryset"] = CatalogVersion.objects.filter(status=VersionStatus.PUBLISHED)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _rules_fixed(rule) -> bool:
    return rule is not None and rule.batch_id is not None and rule.batch.rules_fixed


class FixedRulesMixin:
    """Read-only once the rule's batch has had its first submission."""

    def has_change_permission(self, request, obj=None):
        return not _rules_fixed(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _rules_fixed(obj) and super().has_delete_permission(request, obj)


class TierRequirementInline(FixedRulesMixin, admin.TabularInline):
    model = TierRequirement
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _rules_fixed(obj) and super().has_add_permission(request, obj)


@admin.register(TierRule)
class TierRuleAdmin(AuditedAdminMixin, FixedRulesMixin, SimpleHistoryAdmin):
    """Rules with no batch are the province's defaults, used by every batch without its own
    until its first submission, when they are copied into the batch and fixed."""

    form = TierRuleForm
    list_display = (
        "tier",
        "scope",
        "min_support_elements",
        "categories",
        "min_indicators_improved",
        "fixed",
    )
    list_filter = ("tier", "batch")
    list_select_related = ("batch",)
    inlines = [TierRequirementInline]

    @admin.display(description=TierRule._meta.get_field("support_categories").verbose_name)
    def categories(self, obj):
        labels = dict(SupportCategory.choices)
        return "、".join(str(labels.get(c, c)) for c in obj.support_categories or ())

    @admin.display(description=_("适用范围"))
    def scope(self, obj):
        return obj.batch or _("默认规则")

    @admin.display(boolean=True, description=_("已固定"))
    def fixed(self, obj):
        return _rules_fixed(obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """No rules can be added to (or moved into) a batch whose rules are fixed."""
        if db_field.name == "batch":
            kwargs["queryset"] = Batch.objects.filter(rules_fixed_at=None)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        rule = self.get_object(request, object_id)
        if _rules_fixed(rule) and request.method == "GET":
            try:
                rule.assert_editable()
            except RulesFixed as exc:
                for message in exc.messages:
                    self.message_user(request, message, messages.WARNING)
        return super().change_view(request, object_id, form_url, extra_context)
