import json
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import identity_services, selectors, services, throttling, tokens
from .exceptions import EditConflict, StateConflict
from .forms import (
    ApiTokenForm,
    EnterpriseForm,
    IdentityChangeForm,
    IdentityDecisionForm,
    InvitationAcceptForm,
    InvitationForm,
)
from .identity import IDENTITY_FIELDS, identity_lock_reason
from .models import Enterprise, IdentityChangeRequest, Invitation, business_facts


def refusal_status(exc: Exception) -> int:
    """The status a page answers a service's refusal with: 409 for a wrong state or stale
    data (StateConflict subclasses ValidationError: checked first), 400 for bad input, 403."""
    if isinstance(exc, StateConflict):
        return 409
    if isinstance(exc, ValidationError):
        return 400
    return 403


def apply_validation_error(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it names one."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def enterprise_detail(request, pk):
    enterprise = get_object_or_404(selectors.enterprises_for(request.user), pk=pk)
    return render(
        request,
        "portal/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "members": selectors.enterprise_members(enterprise=enterprise),
            "can_edit": selectors.user_can_edit_enterprise(request.user, enterprise),
            "can_export": selectors.user_administers_enterprise(request.user, enterprise),
            "identity_locked": identity_lock_reason(enterprise),
            "registration_refusal": selectors.registration_submit_refusal(enterprise),
            "business_facts": business_facts(enterprise.profile_values()),
        },
    )


@login_required
def enterprise_edit(request, pk):
    """The profile form. It carries the values it was loaded with, so that only the fields the
    editor changed are saved; a field a colleague changed meanwhile is shown with both values:
    saving again keeps mine, "take theirs" keeps the colleague's (``take``)."""
    enterprise = get_object_or_404(selectors.enterprises_for(request.user), pk=pk)
    loaded = json.dumps(services.enterprise_profile_loaded(enterprise), ensure_ascii=False)
    form = EnterpriseForm(request.POST or None, instance=enterprise, initial={"loaded": loaded})
    conflict = None
    if request.method == "POST" and form.is_valid():
        data, was = form.profile(), form.loaded_values()
        for field in request.POST.getlist("take"):
            if was is not None and field in was:
                data[field] = was[field]  # as loaded: the stored value stays
        try:
            services.enterprise_update(
                enterprise=enterprise, actor=request.user, data=data, request=request, loaded=was
            )
        except EditConflict as exc:
            conflict = _profile_conflict(form, exc, pk, was)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("企业信息已保存。"))
            return redirect("enterprise-page", pk=enterprise.pk)
    elif not selectors.user_can_edit_enterprise(request.user, enterprise):
        raise PermissionDenied
    return render(
        request,
        "portal/enterprise_form.html",
        {"form": form, "enterprise": enterprise, "conflict": conflict},
        status=409 if conflict else 200,
    )


def _profile_conflict(form, exc: EditConflict, pk, was: dict) -> dict:
    """Both values of each field a colleague changed. The form now holds the stored values as
    loaded, and the colleague's values in the fields the editor left alone, so that saving again
    keeps the editor's changes and nothing of the colleague's but what conflicts."""
    stored = Enterprise.objects.get(pk=pk)
    now = services.enterprise_profile_loaded(stored)
    form.data = form.data.copy()
    for field, value in now.items():
        if form.data.get(field, "") == was.get(field):
            form.data[field] = value
    form.data["loaded"] = json.dumps(now, ensure_ascii=False)
    rows = []
    for field, mine in exc.yours.items():
        model_field = Enterprise._meta.get_field(field)
        theirs = (
            getattr(stored, f"get_{field}_display")() if model_field.choices else exc.theirs[field]
        )
        shown = dict(model_field.choices).get(mine, mine) if model_field.choices else mine
        rows.append(
            {"field": field, "label": model_field.verbose_name, "theirs": theirs, "yours": shown}
        )
    return {"message": exc.messages[0], "rows": rows}


def _member_page(request, enterprise, form=None, status=200):
    is_admin = selectors.user_administers_enterprise(request.user, enterprise)
    return render(
        request,
        "portal/member_list.html",
        {
            "enterprise": enterprise,
            "members": selectors.enterprise_members(enterprise=enterprise),
            "invitations": selectors.invitations_for(request.user).filter(accepted_at=None)
            if is_admin
            else [],
            "form": (form or InvitationForm()) if is_admin else None,
            "join_requests": selectors.join_requests_for(request.user) if is_admin else [],
        },
        status=status,
    )


@login_required
def member_list(request, pk):
    enterprise = get_object_or_404(selectors.enterprises_for(request.user), pk=pk)
    return _member_page(request, enterprise)


@login_required
@require_POST
def member_invite(request, pk):
    enterprise = get_object_or_404(selectors.enterprises_for(request.user), pk=pk)
    if not selectors.user_administers_enterprise(request.user, enterprise):
        raise PermissionDenied
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = services.invitation_create(
                enterprise=enterprise,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("已向 %(email)s 发送邀请。") % {"email": invitation.email})
            return redirect("member-list", pk=enterprise.pk)
    return _member_page(request, enterprise, form, status=400)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, throttled per client and per address (429 with the form again)."""

    def form_valid(self, form):
        wait = throttling.password_reset_wait(self.request, email=form.cleaned_data["email"])
        if wait is None:
            return super().form_valid(form)
        form.add_error(
            None,
            _("重置密码的请求过于频繁，请约 %(minutes)d 分钟后再试。")
            % {"minutes": math.ceil(wait / 60)},
        )
        response = self.render_to_response(self.get_context_data(form=form), status=429)
        response["Retry-After"] = str(wait)
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; the change goes on the audit log."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.user_password_record(user=form.user, actor=form.user, request=self.request)
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page (the emailed link); the new password goes on the audit log."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            services.user_password_record(
                user=form.user, actor=form.user, reset=True, request=self.request
            )
        return response


def invitation_accept(request, token):
    invitation = get_object_or_404(Invitation, token=token)
    if not invitation.is_usable:
        return render(request, "portal/invitation_invalid.html", status=410)
    form = InvitationAcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.invitation_accept(
                invitation=invitation,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                request=request,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request, _("欢迎加入 %(name)s。") % {"name": invitation.enterprise.name}
            )
            return redirect("home")
    return render(
        request, "portal/invitation_accept.html", {"form": form, "invitation": invitation}
    )


@login_required
def notifications(request):
    """The user's notifications, newest first, the unread ones highlighted."""
    page = Paginator(
        selectors.notifications_for(request.user).order_by("-created_at", "-pk"), 20
    ).get_page(request.GET.get("page"))
    return render(request, "portal/notifications.html", {"page": page})


def safe_url(request, url: str) -> bool:
    return bool(url) and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


@login_required
@require_POST
def notifications_read(request):
    """Mark one notification (``id``) or all of them read, then go back: to ``next``, else to
    the notification's own link, else to the list."""
    raw = request.POST.get("id", "").strip()
    notification = None
    if raw:
        if not raw.isdigit():
            raise Http404
        notification = get_object_or_404(selectors.notifications_for(request.user), pk=raw)
        services.notification_mark_read(user=request.user, notification_ids=[notification.pk])
    else:
        count = services.notification_mark_read(user=request.user)
        if count:
            messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    next_url = request.POST.get("next", "")
    if safe_url(request, next_url):
        return redirect(next_url)
    if notification is not None and safe_url(request, notification.url):
        return redirect(notification.url)
    return redirect("notifications")


@login_required
def identity_change_request(request, pk):
    """The enterprise's admin asks the province to confirm a change of its identity while a
    submission of it is in review."""
    enterprise = get_object_or_404(selectors.enterprises_for(request.user), pk=pk)
    if not selectors.user_administers_enterprise(request.user, enterprise):
        raise PermissionDenied
    initial = {f: getattr(enterprise, f) for f in IDENTITY_FIELDS}
    form = IdentityChangeForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
            try:
                identity_services.identity_change_request(
                    enterprise=enterprise,
                    actor=request.user,
                    data=data,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as exc:
                status = refusal_status(exc)
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("变更申请已提交，省级管理员确认后生效。"))
                return redirect("enterprise-page", pk=enterprise.pk)
    return render(
        request,
        "portal/identity_change_form.html",
        {
            "form": form,
            "enterprise": enterprise,
            "lock_reason": identity_lock_reason(enterprise),
            "pending": selectors.identity_changes_pending(enterprise),
        },
        status=status,
    )


@login_required
@require_GET
def districts_unmatched(request):
    """The province's list of enterprises whose district, typed as text before it was a
    choice, matched no division: each to be chosen on its profile page."""
    if not request.user.is_province_admin:
        raise PermissionDenied
    return render(
        request,
        "portal/districts_unmatched.html",
        {"enterprises": selectors.enterprises_without_district()},
    )


@login_required
@require_GET
def identity_changes(request):
    """The province's list of identity change requests, the pending ones first."""
    if not request.user.is_province_admin:
        raise PermissionDenied
    return render(
        request,
        "portal/identity_changes.html",
        {"changes": selectors.identity_changes_for_review(), "form": IdentityDecisionForm()},
    )


@login_required
@require_POST
def identity_change_decide(request, pk):
    if not request.user.is_province_admin:
        raise PermissionDenied
    change = get_object_or_404(IdentityChangeRequest, pk=pk)
    form = IdentityDecisionForm(request.POST)
    if form.is_valid():
        try:
            identity_services.identity_change_decide(
                change=change,
                actor=request.user,
                approve=form.cleaned_data["approve"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已处理企业信息变更申请。"))
    else:
        messages.error(request, _("请选择确认变更或不同意。"))
    return redirect("identity-changes")


@never_cache
@login_required
def account_tokens(request):
    """The user's own API tokens, and a form issuing a named one: the token itself is shown in
    the answer to that form only (never stored, so never shown again)."""
    form = ApiTokenForm(request.POST or None)
    issued, status = None, 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                issued = tokens.token_create(
                    user=request.user,
                    name=form.cleaned_data["name"],
                    via=tokens.TokenChannel.PAGE,
                    request=request,
                )
            except ValidationError as exc:
                status = refusal_status(exc)
                apply_validation_error(form, exc)
            else:
                form, status = ApiTokenForm(), 200
    return render(
        request,
        "portal/account_tokens.html",
        {
            "form": form,
            "issued": issued,
            "tokens": selectors.api_tokens_for(request.user),
            "ttl_days": settings.API_TOKEN_TTL_DAYS,
        },
        status=status,
    )


@login_required
@require_POST
def account_token_revoke(request, pk):
    token = get_object_or_404(selectors.api_tokens_for(request.user), pk=pk)
    tokens.token_revoke(token=token, actor=request.user, request=request)
    messages.success(request, _("已撤销 API 令牌「%(name)s」。") % {"name": token.name})
    return redirect("account-tokens")
