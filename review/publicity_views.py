"""The province's pages of the 公示: publishing a batch's list (its period and contact, the
applications still undecided) or withdrawing it, and the objections received (the list, one
objection with its letter, its resolution)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.confirmation import unconfirmed_page
from portal.downloads import uploaded_file_response
from portal.views import apply_validation_error, refusal_status

from . import confirmations, rules, services
from .models import Objection
from .publicity_forms import PublishForm, ResolveForm
from .selectors import objections_for, publication_defaults, publicity_of, undecided
from .selectors.publicity import approved
from .views import province_batch, require_province


def _publish_page(request, batch, *, form=None, status: int = 200, error=None):
    left_out = list(undecided(batch).order_by("applicant_name", "pk"))
    n_approved = approved(batch).count()
    if form is None:
        form = PublishForm(
            initial=publication_defaults(),
            undecided=len(left_out),
            working_days=settings.PUBLICITY_WORKING_DAYS,
        )
    return render(
        request,
        "review/batch_publish.html",
        {
            "batch": batch,
            "form": form,
            "approved": n_approved,
            "undecided": left_out,
            "publicity": publicity_of(batch),
            "can_publish": rules.can_publish(request.user, batch, n_approved),
            "can_withdraw": rules.can_withdraw(request.user, batch),
            "publish_confirmation": confirmations.publish_list(
                request.user, batch, approved=n_approved, undecided=len(left_out)
            ),
            "withdraw_confirmation": confirmations.withdraw_list(request.user, batch),
            "error": error,
        },
        status=status,
    )


@login_required
def batch_publish(request, pk: int):
    """The 公示 of a batch's list: publish it with its period and contact (asking first, and
    saying so when undecided applications are left out), or withdraw it."""
    batch = province_batch(request, pk)
    if request.method != "POST":
        return _publish_page(request, batch)
    cancel_url = reverse("batch-publish", args=[batch.pk])
    if request.POST.get("action") == "withdraw":
        confirmation = confirmations.withdraw_list(request.user, batch)
        if asked := unconfirmed_page(request, confirmation, cancel_url=cancel_url):
            return asked
        try:
            services.batch_list_withdraw(batch=batch, actor=request.user)
        except ValidationError as exc:
            return _publish_page(request, batch, status=refusal_status(exc), error=exc.messages)
        messages.success(request, _("已撤回公示名单。"))
        return redirect("batch-publish", batch.pk)
    left_out = undecided(batch).count()
    form = PublishForm(
        request.POST, undecided=left_out, working_days=settings.PUBLICITY_WORKING_DAYS
    )
    if not form.is_valid():
        return _publish_page(request, batch, form=form, status=400)
    confirmation = confirmations.publish_list(
        request.user, batch, approved=approved(batch).count(), undecided=left_out
    )
    if asked := unconfirmed_page(request, confirmation, cancel_url=cancel_url):
        return asked
    try:
        services.batch_list_publish(batch=batch, actor=request.user, **form.service_kwargs())
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _publish_page(request, batch, form=form, status=refusal_status(exc))
    messages.success(request, _("已发布公示名单。"))
    return redirect("batch-publish", batch.pk)


@login_required
@require_GET
def batch_objections(request, pk: int):
    """The objections to the batch's list, pending first."""
    batch = province_batch(request, pk)
    objections = objections_for(request.user).filter(batch=batch).order_by("-status", "-lodged_at")
    return render(
        request,
        "review/batch_objections.html",
        {"batch": batch, "objections": objections, "publicity": publicity_of(batch)},
    )


def _objection(request, pk: int) -> Objection:
    require_province(request.user)
    return get_object_or_404(objections_for(request.user), pk=pk)


def _objection_page(request, objection, *, form=None, status: int = 200):
    return render(
        request,
        "review/objection_detail.html",
        {
            "objection": objection,
            "batch": objection.batch,
            "form": form or ResolveForm(),
            "can_resolve": rules.can_resolve(request.user, objection),
            "resolve_confirmation": confirmations.resolve_objection(request.user, objection),
        },
        status=status,
    )


@login_required
@require_GET
def objection_detail(request, pk: int):
    return _objection_page(request, _objection(request, pk))


@login_required
@require_POST
def objection_resolve(request, pk: int):
    """Upheld or dismissed, with a reason; asked first."""
    objection = _objection(request, pk)
    form = ResolveForm(request.POST)
    if not form.is_valid():
        return _objection_page(request, objection, form=form, status=400)
    confirmation = confirmations.resolve_objection(request.user, objection)
    cancel_url = reverse("objection-detail", args=[objection.pk])
    if asked := unconfirmed_page(request, confirmation, cancel_url=cancel_url):
        return asked
    try:
        services.objection_resolve(
            objection=objection,
            actor=request.user,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _objection_page(request, objection, form=form, status=refusal_status(exc))
    messages.success(request, _("已处理该异议。"))
    return redirect("objection-detail", objection.pk)


@login_required
@require_GET
def objection_letter(request, pk: int):
    """The objector's signed letter, to the province admin only; always as a download."""
    objection = _objection(request, pk)
    return uploaded_file_response(
        objection.letter,
        filename=objection.letter_name,
        content_type=objection.letter_content_type,
    )
