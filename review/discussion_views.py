"""The discussion period's pages: the province's tab of a batch (open, close, the threads),
and an application's thread, where its experts (as 专家 A/B/C) and the province post and an
expert revises their own score. Enterprises and other roles are refused (403), an expert
reaches only the threads of applications whose review they submitted (else 404)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.confirmation import unconfirmed_page
from portal.views import apply_validation_error, refusal_status

from . import confirmations, rules, services
from .discussion_forms import DiscussionOpenForm, PostForm, ReviseForm
from .models import AssignmentStatus
from .selectors import discussion_thread, discussions_for, own_submitted_assignment
from .views import province_batch


def _batch_page(request, batch, *, form=None, status: int = 200):
    period = rules.discussion_of(batch)
    threads = (
        discussions_for(request.user)
        .filter(batch=batch)
        .annotate(
            posts=Count("discussion_posts", distinct=True),
            revisions=Count("assignments__revisions", distinct=True),
            submitted=Count(
                "assignments",
                filter=Q(assignments__status=AssignmentStatus.SUBMITTED),
                distinct=True,
            ),
        )
        .filter(submitted__gt=0)
        .order_by("pk")
    )
    return render(
        request,
        "review/batch_discussion.html",
        {
            "batch": batch,
            "period": period,
            "running": rules.discussion_open(batch),
            "threads": threads,
            "open_form": form or DiscussionOpenForm(),
            "open_confirmation": confirmations.discussion_open(request.user, batch),
            "close_confirmation": confirmations.discussion_close(request.user, batch),
        },
        status=status,
    )


@login_required
@require_GET
def batch_discussion(request, pk: int):
    return _batch_page(request, province_batch(request, pk))


@login_required
@require_POST
def batch_discussion_open(request, pk: int):
    batch = province_batch(request, pk)
    form = DiscussionOpenForm(request.POST)
    if not form.is_valid():
        return _batch_page(request, batch, form=form, status=400)
    back = reverse("batch-discussion", args=[batch.pk])
    confirmation = confirmations.discussion_open(request.user, batch)
    if asked := unconfirmed_page(request, confirmation, cancel_url=back):
        return asked
    try:
        services.discussion_open(
            batch=batch, actor=request.user, ends_on=form.cleaned_data["ends_on"]
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return _batch_page(request, batch, form=form, status=refusal_status(exc))
    messages.success(request, _("已开启专家讨论，相关专家将收到通知。"))
    return redirect(back)


@login_required
@require_POST
def batch_discussion_close(request, pk: int):
    batch = province_batch(request, pk)
    back = reverse("batch-discussion", args=[batch.pk])
    confirmation = confirmations.discussion_close(request.user, batch)
    if asked := unconfirmed_page(request, confirmation, cancel_url=back):
        return asked
    try:
        services.discussion_close(batch=batch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("专家讨论已结束。"))
    return redirect(back)


def _discussed(request, pk: int):
    """The thread's application: 403 for a role that never takes part, 404 outside the gate."""
    if not (request.user.is_expert or request.user.is_province_admin):
        raise PermissionDenied(_("只有评审专家和省级管理员可以查看专家讨论。"))
    return get_object_or_404(discussions_for(request.user), pk=pk)


def _thread_page(request, assessment, *, post_form=None, revise_form=None, status: int = 200):
    user = request.user
    assignment = own_submitted_assignment(assessment, user)
    can_revise = assignment is not None and rules.can_revise(user, assignment)
    return render(
        request,
        "review/discussion.html",
        {
            "thread": discussion_thread(assessment, user),
            "can_post": rules.can_post(user, assessment),
            "post_form": post_form or PostForm(),
            "assignment": assignment,
            "can_revise": can_revise,
            "revise_form": revise_form
            or (ReviseForm(assignment=assignment) if can_revise else None),
            "revise_confirmation": confirmations.score_revise(user, assignment)
            if can_revise
            else None,
        },
        status=status,
    )


@login_required
def discussion_thread_page(request, pk: int):
    """The thread; a post is sent here (POST)."""
    assessment = _discussed(request, pk)
    if request.method != "POST":
        return _thread_page(request, assessment)
    form = PostForm(request.POST)
    if form.is_valid():
        try:
            services.discussion_post(
                assessment=assessment, actor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return _thread_page(request, assessment, post_form=form, status=refusal_status(exc))
        messages.success(request, _("已发言。"))
        return redirect("discussion-thread", assessment.pk)
    return _thread_page(request, assessment, post_form=form, status=400)


@login_required
@require_POST
def discussion_revise(request, pk: int):
    """The expert's revision of their own score, once confirmed."""
    assessment = _discussed(request, pk)
    assignment = own_submitted_assignment(assessment, request.user)
    if assignment is None:
        raise PermissionDenied(_("只有该申报的评审专家可以修改自己的评分。"))
    form = ReviseForm(request.POST, assignment=assignment)
    if not form.is_valid():
        return _thread_page(request, assessment, revise_form=form, status=400)
    back = reverse("discussion-thread", args=[assessment.pk])
    confirmation = confirmations.score_revise(request.user, assignment)
    if asked := unconfirmed_page(request, confirmation, cancel_url=back):
        return asked
    try:
        services.score_revise(assignment=assignment, actor=request.user, data=form.service_data())
    except ValidationError as exc:
        for field, errors in getattr(exc, "message_dict", {"": exc.messages}).items():
            name = field.replace("scores.", "score-")
            form.add_error(name if name in form.fields else None, errors)
        return _thread_page(request, assessment, revise_form=form, status=refusal_status(exc))
    messages.success(request, _("已修改评分，修改记录已保留。"))
    return redirect(back)
