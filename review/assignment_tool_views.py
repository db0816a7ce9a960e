"""The province's tools around the assignment of experts, and the experts' side of it: the
preference phase (experts mark applications, the province opens and closes the phase), the
expert × application matrix (several assignments added and withdrawn at once, after one
confirmation listing them) and the batch's progress at a glance."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.confirmation import Confirmation, unconfirmed_page
from portal.views import refusal_status

from . import preferences
from .expert_views import expert_view
from .models import ExpertPreference
from .selectors.matrix import assignment_matrix
from .selectors.preference_rows import phase_batch, preference_rows
from .selectors.progress import batch_progress
from .services.matrix import assignments_change
from .services.preferences import (
    preference_applications,
    preference_phase_close,
    preference_phase_open,
    preferences_set,
)
from .views import province_batch

CHOICE_FIELD = "choice-%s"


class PreferencePhaseForm(forms.Form):
    ends_at = forms.DateTimeField(
        label=_("偏好征集截止时间"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )


@expert_view
def expert_preferences(request, pk: int):
    batch = phase_batch(pk)
    phase = preferences.phase_of(batch)
    status, error = 200, ""
    if request.method == "POST":
        choices = {}
        for a in preference_applications(batch):
            value = request.POST.get(CHOICE_FIELD % a.pk)
            if value:
                choices[a.pk] = value
        try:
            n = preferences_set(batch=batch, actor=request.user, choices=choices)
        except ValidationError as exc:
            status, error = refusal_status(exc), " ".join(exc.messages)
        else:
            messages.success(request, _("已保存评审偏好（%(n)s 项有变化）。") % {"n": n})
            return redirect("expert-preferences", batch.pk)
    return render(
        request,
        "review/expert_preferences.html",
        {
            "batch": batch,
            "phase": phase,
            "open": preferences.phase_is_open(phase),
            "rows": preference_rows(batch, request.user),
            "choices": ExpertPreference.Choice.choices,
            "error": error,
        },
        status=status,
    )


@login_required
@require_POST
def batch_preference_phase(request, pk: int):
    """Open the preference phase until a date (or move its end), or close it now."""
    batch = province_batch(request, pk)
    try:
        if request.POST.get("action") == "close":
            preference_phase_close(batch=batch, actor=request.user)
            messages.success(request, _("评审偏好征集已结束。"))
        else:
            form = PreferencePhaseForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"ends_at": form.errors.get("ends_at", [])})
            preference_phase_open(
                batch=batch, ends_at=form.cleaned_data["ends_at"], actor=request.user
            )
            messages.success(request, _("已开放评审偏好征集，并通知评审专家。"))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("batch-matrix", batch.pk)
    return redirect("batch-matrix", batch.pk)


def _posted_changes(request) -> tuple[list[tuple[int, int]], list[int]]:
    add, withdraw = [], []
    try:
        for value in request.POST.getlist("add"):
            assessment_id, expert_id = value.split("-", 1)
            add.append((int(assessment_id), int(expert_id)))
    except ValueError:
        raise ValidationError({"add": _("要分配的评审任务格式不正确。")}) from None
    try:
        withdraw = [int(v) for v in request.POST.getlist("withdraw")]
    except ValueError:
        raise ValidationError({"withdraw": _("要撤销的评审任务格式不正确。")}) from None
    return add, withdraw


def matrix_confirmation(matrix, add, withdraw) -> Confirmation:
    """One confirmation listing every change the form asks for."""
    experts = {row.expert.pk: row.expert for row in matrix.rows}
    applications = {a.pk: a for a in matrix.applications}
    cells = {
        c.assignment.pk: c for row in matrix.rows for c in row.cells if c.assignment is not None
    }

    def name(expert_id):
        expert = experts.get(expert_id)
        return (expert.get_full_name() or expert.username) if expert else str(expert_id)

    def reference(assessment_id):
        a = applications.get(assessment_id)
        return a.applicant_name if a else str(assessment_id)

    lines = [
        _("分配：%(application)s → %(expert)s") % {"application": reference(a), "expert": name(e)}
        for a, e in add
    ]
    for pk in withdraw:
        cell = cells.get(pk)
        lines.append(
            _("撤销：%(application)s → %(expert)s")
            % {
                "application": reference(cell.assessment_id) if cell else pk,
                "expert": name(cell.expert_id) if cell else "?",
            }
        )
    lines.append(_("相关专家将收到通知；存在利益冲突的分配不会执行。"))
    return Confirmation(
        title=_("修改 %(n)s 项评审任务？") % {"n": len(add) + len(withdraw)},
        consequences=tuple(lines),
        action=_("确认修改"),
    )


@login_required
def batch_matrix(request, pk: int):
    batch = province_batch(request, pk)
    matrix, status = assignment_matrix(batch), 200
    if request.method == "POST":
        try:
            add, withdraw = _posted_changes(request)
            if add or withdraw:
                confirmation = matrix_confirmation(matrix, add, withdraw)
                cancel_url = request.path
                if asked := unconfirmed_page(request, confirmation, cancel_url=cancel_url):
                    return asked
            result = assignments_change(batch=batch, actor=request.user, add=add, withdraw=withdraw)
        except ValidationError as exc:
            status = refusal_status(exc)
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("已分配 %(added)s 项，撤销 %(withdrawn)s 项评审任务。")
                % {"added": len(result["added"]), "withdrawn": len(result["withdrawn"])},
            )
            return redirect("batch-matrix", batch.pk)
    phase = preferences.phase_of(batch)
    return render(
        request,
        "review/batch_matrix.html",
        {
            "batch": batch,
            "matrix": matrix,
            "phase": phase,
            "phase_open": preferences.phase_is_open(phase),
            "phase_form": PreferencePhaseForm(),
        },
        status=status,
    )


@login_required
@require_GET
def batch_progress_page(request, pk: int):
    batch = province_batch(request, pk)
    return render(request, "review/batch_progress.html", {"progress": batch_progress(batch)})
