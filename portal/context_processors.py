from functools import cache

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .selectors import notifications_for
from .two_factor import second_factor_step


def navigation(request):
    """The navigation bar's entries for the signed-in user's role, and their unread count (none
    of the role's entries while the session still owes its second factor)."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    pending = signed_in and hasattr(user, "is_verified") and second_factor_step(request) is not None
    items = []
    if signed_in and not pending:
        items.append((_("工作台"), reverse("home"), "bi-speedometer2"))
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
        if user.is_city_reviewer or user.is_province_admin:
            items.append((_("审核"), reverse("review-queue"), "bi-inboxes"))
            items.append((_("统计看板"), reverse("dashboard"), "bi-graph-up"))
        if user.is_province_admin:
            items.append((_("评审批次"), reverse("review-batches"), "bi-collection"))
            items.append((_("信息变更"), reverse("identity-changes"), "bi-arrow-left-right"))
        if user.is_expert:
            items.append((_("评审任务"), reverse("expert-assignments"), "bi-clipboard-check"))
            items.append((_("现场核查"), reverse("site-visits"), "bi-geo-alt"))
    items += [
        (_("场景目录"), reverse("catalog"), "bi-diagram-3"),
        (_("层级规则"), reverse("tier-rules"), "bi-ladder"),
        (_("公示名单"), reverse("public-lists"), "bi-megaphone"),
    ]
    if signed_in and not pending:
        if user.is_province_admin or user.is_enterprise_admin:
            items.append((_("审计日志"), reverse("audit-log"), "bi-journal-text"))
        items.append((_("API 令牌"), reverse("account-tokens"), "bi-key"))
        if user.is_province_admin:
            items.append((_("管理后台"), reverse("admin:index"), "bi-gear"))

    unread = None
    if signed_in:
        # One COUNT query, made only when a template shows it, and at most once.
        @cache
        def unread():
            return notifications_for(user).filter(read_at=None).count()

    return {
        "nav_items": items,
        "unread_notifications": unread,
        "second_factor_pending": pending,
    }
