"""The ground floor's pages and API: health probes, enterprises and their members, invitations,
notifications, the account pages (the API tokens' among them), the account's security (the
second factor) and the API's token endpoints (the audit log's page is the reports app's: it
filters by batch)."""

from django.contrib.auth import urls as auth_urls
from django.urls import path
from rest_framework.routers import SimpleRouter

from . import apis, health_views, metrics_views, two_factor_views, views

urlpatterns = [
    path("health/", health_views.health, name="health"),
    path("health/db/", health_views.health_db, name="health-db"),
    path("health/worker/", health_views.health_worker, name="health-worker"),
    path("metrics/", metrics_views.metrics, name="metrics"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-page"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise-edit"),
    path(
        "enterprises/<int:pk>/identity-change/",
        views.identity_change_request,
        name="identity-change-request",
    ),
    path("identity-changes/", views.identity_changes, name="identity-changes"),
    path("districts/unmatched/", views.districts_unmatched, name="districts-unmatched"),
    path(
        "identity-changes/<int:pk>/decide/",
        views.identity_change_decide,
        name="identity-change-decide",
    ),
    path("enterprises/<int:pk>/members/", views.member_list, name="member-list"),
    path("enterprises/<int:pk>/members/invite/", views.member_invite, name="member-invite"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
    path("account/security/", two_factor_views.account_security, name="account-security"),
    path("account/two-factor/setup/", two_factor_views.setup, name="two-factor-setup"),
    path("account/two-factor/verify/", two_factor_views.verify, name="two-factor-verify"),
    path(
        "account/two-factor/recovery/",
        two_factor_views.verify,
        {"recovery": True},
        name="two-factor-recovery",
    ),
    path(
        "account/two-factor/recovery-codes/",
        two_factor_views.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("account/two-factor/disable/", two_factor_views.disable, name="two-factor-disable"),
]

# Django's account pages (under accounts/), ours where they do more: the password reset is
# throttled, and the two pages that set a password record it; and the user's API tokens.
_OURS = {
    "password_reset": views.PasswordResetView,
    "password_change": views.PasswordChangeView,
    "password_reset_confirm": views.PasswordResetConfirmView,
}
account_urlpatterns = [
    path(str(p.pattern), _OURS[p.name].as_view(), name=p.name) if p.name in _OURS else p
    for p in auth_urls.urlpatterns
] + [
    path("tokens/", views.account_tokens, name="account-tokens"),
    path("tokens/<int:pk>/revoke/", views.account_token_revoke, name="account-token-revoke"),
]

api_router = SimpleRouter()
api_router.register("auth/tokens", apis.ApiTokenViewSet, basename="auth-token")
api_router.register("enterprises", apis.EnterpriseViewSet, basename="enterprise")
api_router.register("notifications", apis.NotificationViewSet, basename="notification-api")

api_urlpatterns = [
    path("auth/token/", apis.TokenApi.as_view(), name="api-token"),
]
