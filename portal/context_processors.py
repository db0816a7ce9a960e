from django.urls import reverse
from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The navigation bar's entries for the signed-in user's role."""
    user = getattr(request, "user", None)
    items = [
        (_("场景目录"), reverse("catalog"), "bi-diagram-3"),
        (_("层级规则"), reverse("tier-rules"), "bi-ladder"),
    ]
    if user is not None and user.is_authenticated:
        items.insert(0, (_("工作台"), reverse("home"), "bi-speedometer2"))
        if user.is_enterprise_user:
            items.append(
                (
                    _("企业信息"),
                    reverse("enterprise-page", args=[user.enterprise_id]),
                    "bi-building",
                )
            )
            items.append(
                (_("成员管理"), reverse("member-list", args=[user.enterprise_id]), "bi-people")
            )
        if user.is_province_admin or user.is_enterprise_admin:
            items.append((_("审计日志"), reverse("audit-log"), "bi-journal-text"))
        if user.is_province_admin:
            items.append((_("管理后台"), reverse("admin:index"), "bi-gear"))
    return {"nav_items": items}
