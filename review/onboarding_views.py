"""The onboarding's pages: an enterprise's self-registration (public, throttled), the e-mailed
verification link, the reviewers' queue of registrations with the licence's download and their
decision, and an enterprise admin's decision on a request to join."""

import math

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal import throttling
from portal.confirmation import unconfirmed_page
from portal.downloads import uploaded_file_response
from portal.forms import InvitationAcceptForm
from portal.models import EnterpriseRegistration
from portal.selectors import enterprises_for, join_requests_for
from portal.views import apply_validation_error, refusal_status

from . import confirmations
from .onboarding_forms import (
    JoinDecisionForm,
    LicenceForm,
    RegistrationDecisionForm,
    RegistrationForm,
)
from .selectors.onboarding import may_decide_registration, registrations_for
from .services import onboarding


def _may_see_registrations(user) -> bool:
    return user.is_province_admin or user.is_local_reviewer


def register(request):
    """The public registration form; whether its credit code is registered or not, it ends on
    the same "check your e-mail" page."""
    form = RegistrationForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        wait = throttling.registration_wait(request, email=request.POST.get("email", ""))
        if wait is not None:
            form.add_error(
                None,
                _("提交过于频繁，请约 %(minutes)d 分钟后再试。")
                % {"minutes": math.ceil(wait / 60)},
            )
            response = render(request, "review/register.html", {"form": form}, status=429)
            response["Retry-After"] = str(wait)
            return response
        status = 400
        if form.is_valid():
            try:
                onboarding.registration_submit(
                    data=form.service_data(),
                    licence=form.cleaned_data["licence"],
                    request=request,
                )
            except ValidationError as exc:
                status = refusal_status(exc)
                apply_validation_error(form, exc)
            else:
                return redirect("registration-sent")
    return render(request, "review/register.html", {"form": form}, status=status)


@require_GET
def registration_sent(request):
    return render(request, "review/registration_sent.html")


def registration_verify(request, token):
    """The e-mailed link: set up the new enterprise's admin account, or — its credit code being
    registered — ask to join that enterprise."""
    try:
        registration = onboarding.registration_from_token(token)
    except ValidationError as exc:
        return render(
            request, "review/registration_invalid.html", {"message": exc.messages[0]}, status=410
        )
    existing = onboarding.registered_enterprise(registration)
    if existing is not None:
        return _join_page(request, registration, existing)
    form = InvitationAcceptForm(
        request.POST or None, initial={"first_name": registration.contact_name}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                user = onboarding.registration_verify(
                    registration=registration,
                    username=form.cleaned_data["username"],
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    request=request,
                )
            except ValidationError as exc:
                status = refusal_status(exc)
                apply_validation_error(form, exc)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(
                    request,
                    _("注册成功。主管部门确认前可以填报，但不能提交申报。"),
                )
                return redirect("enterprise-page", pk=user.enterprise_id)
    return render(
        request,
        "review/registration_verify.html",
        {"form": form, "registration": registration},
        status=status,
    )


def _join_page(request, registration, enterprise):
    if request.method == "POST":
        try:
            onboarding.join_request(registration=registration, request=request)
        except ValidationError as exc:
            return render(
                request,
                "review/registration_invalid.html",
                {"message": exc.messages[0]},
                status=refusal_status(exc),
            )
        return render(
            request,
            "review/registration_join.html",
            {"registration": registration, "enterprise": enterprise, "sent": True},
        )
    return render(
        request,
        "review/registration_join.html",
        {"registration": registration, "enterprise": enterprise},
    )


@login_required
@require_GET
def registration_queue(request):
    """The registrations of new enterprises the reviewer confirms, pending first."""
    if not _may_see_registrations(request.user):
        raise PermissionDenied
    return _queue_page(request)


def _queue_page(request, *, status: int = 200, errors=None):
    rows = list(registrations_for(request.user).order_by("-verified_at", "-pk")[:200])
    rows.sort(key=lambda r: r.status != r.Status.PENDING)
    for row in rows:
        row.confirmation = confirmations.registration_decide(request.user, row)
    return render(
        request,
        "review/registration_queue.html",
        {"registrations": rows, "form": RegistrationDecisionForm(), "errors": errors or []},
        status=status,
    )


def _registration(request, pk):
    if not _may_see_registrations(request.user):
        raise PermissionDenied
    return get_object_or_404(registrations_for(request.user), pk=pk)


@login_required
@require_GET
def registration_licence(request, pk):
    """The business licence a registration was made with, to its confirmers; as a download."""
    registration = _registration(request, pk)
    return uploaded_file_response(
        registration.licence,
        filename=registration.licence_name,
        content_type=registration.licence_content_type,
    )


@login_required
@require_POST
def registration_decide(request, pk):
    registration = _registration(request, pk)
    form = RegistrationDecisionForm(request.POST)
    if not form.is_valid():
        errors = [e for errors in form.errors.values() for e in errors]
        return _queue_page(request, status=400, errors=errors)
    if not may_decide_registration(request.user, registration):
        return _queue_page(request, status=409, errors=[_("该注册已处理。")])
    confirmation = confirmations.registration_decide(request.user, registration)
    if page := unconfirmed_page(
        request, confirmation.chosen(request.POST), cancel_url=reverse("registration-queue")
    ):
        return page
    try:
        onboarding.registration_decide(
            registration=registration,
            actor=request.user,
            confirm=form.cleaned_data["confirm"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        return _queue_page(request, status=refusal_status(exc), errors=exc.messages)
    messages.success(request, _("已处理“%(name)s”的注册。") % {"name": registration.name})
    return redirect("registration-queue")


@login_required
@require_POST
def join_request_decide(request, pk):
    if not request.user.is_enterprise_admin:
        raise PermissionDenied
    registration = get_object_or_404(join_requests_for(request.user), pk=pk)
    back = reverse("member-list", args=[registration.enterprise_id])
    form = JoinDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(back)
    confirmation = confirmations.join_request_decide(request.user, registration)
    if confirmation is None:
        messages.error(request, _("该申请已处理。"))
        return redirect(back)
    if page := unconfirmed_page(request, confirmation.chosen(request.POST), cancel_url=back):
        return page
    try:
        onboarding.join_request_decide(
            registration=registration,
            actor=request.user,
            approve=form.cleaned_data["approve"],
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("已处理 %(email)s 的加入申请。") % {"email": registration.email}
        )
    return redirect(back)


@login_required
def registration_resubmit(request, pk):
    """The admin of an enterprise whose registration was rejected: the reason, and a new
    business licence to send for confirmation again."""
    if not request.user.is_enterprise_admin:
        raise PermissionDenied
    enterprise = get_object_or_404(enterprises_for(request.user), pk=pk)
    registration = get_object_or_404(
        enterprise.registrations.filter(status=EnterpriseRegistration.Status.REJECTED)
    )
    form = LicenceForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                onboarding.registration_resubmit(
                    enterprise=enterprise,
                    actor=request.user,
                    licence=form.cleaned_data["licence"],
                    request=request,
                )
            except ValidationError as exc:
                status = refusal_status(exc)
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("已重新提交，请等待主管部门确认。"))
                return redirect("enterprise-page", pk=enterprise.pk)
    return render(
        request,
        "review/registration_resubmit.html",
        {"form": form, "enterprise": enterprise, "registration": registration},
        status=status,
    )
