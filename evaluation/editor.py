"""The enterprise's self-assessment editor: its pages and the endpoints they autosave to.

Saves come from htmx (``HX-Request``): a success answers 200 with the new version
in ``X-Assessment-Version``; a refused save answers 422 (bad input, each message
naming its field) or 409 (someone saved first, or the assessment is no longer
editable) with the messages as an HTML fragment. Without JavaScript the same
endpoints redirect back with the messages.
"""

import re
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from indicators.calculators import CALCULATORS
from indicators.models import InputDefinition, InputKind
from portal.confirmation import confirmation_page, is_confirmed
from portal.exceptions import StateConflict

from . import confirmations, review_hooks, selectors, services
from .excel import inputs_template_download
from .forms import (
    AnswerForm,
    EvidenceForm,
    PeriodForm,
    ScalarInputForm,
    SubmitForm,
    WorkbookForm,
    YearsForm,
    table_rows,
)
from .models import AnswerStatus, Period

ROW_KEY = re.compile(
    r"^(?:(?P<period>base|current)_inputs\.)?(?P<code>[\w-]+)(?:\[(?P<row>\d+)\]\.(?P<col>\w+))?$"
)


def editor_view(view):
    """Log-in required; enterprise users only (every other role is refused, 403); the
    assessment must be the user's own enterprise's (404 otherwise)."""

    @login_required
    @wraps(view)
    def wrapper(request, pk, *args, **kwargs):
        if not request.user.is_enterprise_user:
            raise PermissionDenied
        assessment = get_object_or_404(selectors.editable_assessments_for(request.user), pk=pk)
        return view(request, assessment, *args, **kwargs)

    return wrapper


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _page(request, assessment, template: str, section: str, **context):
    return render(
        request,
        template,
        {
            "assessment": assessment,
            "section": section,
            "editable": assessment.is_editable,
            "tabs": True,
            "autosaves": True,
            "status_choices": AnswerStatus.choices,
            **context,
        },
    )


def _messages(exc: ValidationError, label) -> list[str]:
    if not hasattr(exc, "error_dict"):
        return list(exc.messages)
    return [
        f"{label(key)}：{message}" if key != "__all__" else message
        for key, messages_ in exc.message_dict.items()
        for message in messages_
    ]


def _refused(request, errors: list[str], status: int, back: str):
    if not _is_htmx(request):
        for error in errors:
            messages.error(request, error)
        return redirect(back)
    return render(request, "evaluation/editor/_errors.html", {"errors": errors}, status=status)


def _saved(request, assessment, back: str, response=None):
    assessment.refresh_from_db(fields=["version"])
    if not _is_htmx(request):
        messages.success(request, _("已保存。"))
        return redirect(back)
    response = response or HttpResponse("")
    response["X-Assessment-Version"] = str(assessment.version)
    return response


def _save(request, assessment, write, back: str, label=str, done=None):
    """Run a service write and answer as the module docstring says."""
    try:
        write()
    except StateConflict as exc:
        return _refused(request, list(exc.messages), 409, back)
    except ValidationError as exc:
        return _refused(request, _messages(exc, label), 422, back)
    return _saved(request, assessment, back, done() if done else None)


def _versioned_save(request, assessment, form, service, back: str, label, **data):
    """A service write made on the version the form was loaded with."""
    return _save(
        request,
        assessment,
        lambda: service(
            assessment=assessment,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            **data,
        ),
        back,
        label=label,
    )


def _field_labels(form):
    labels = {name: str(field.label) for name, field in form.fields.items()}
    return lambda key: labels.get(key, key)


def _form_refused(request, form, back: str):
    errors = _messages(ValidationError(form.errors.as_data()), _field_labels(form))
    return _refused(request, errors, 422, back)


# Pages


@require_GET
@editor_view
def scenarios_page(request, assessment):
    return _page(
        request,
        assessment,
        "evaluation/editor/scenarios.html",
        "scenarios",
        dimensions=selectors.editor_scenarios(assessment),
    )


@require_GET
@editor_view
def support_page(request, assessment):
    return _page(
        request,
        assessment,
        "evaluation/editor/support.html",
        "support",
        groups=selectors.editor_support(assessment),
    )


@require_GET
@editor_view
def indicators_page(request, assessment):
    return _page(
        request,
        assessment,
        "evaluation/editor/indicators.html",
        "indicators",
        indicators=selectors.editor_indicators(assessment),
    )


@require_GET
@editor_view
def preview(request, assessment):
    """The indicators and tier the draft would reach now, for the editor's side panel."""
    return render(
        request,
        "evaluation/editor/_preview.html",
        {"assessment": assessment, "results": selectors.assessment_results(assessment)},
    )


# Answers


def _answer_save(request, assessment, setter, number_name: str, number: int, section: str):
    back = reverse(section, args=[assessment.pk])
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, form, back)
    return _versioned_save(
        request,
        assessment,
        form,
        setter,
        back,
        _field_labels(form),
        data=form.answer(),
        **{number_name: number},
    )


@require_POST
@editor_view
def scenario_save(request, assessment, no: int):
    return _answer_save(
        request, assessment, services.scenario_answer_set, "scenario_no", no, "editor-scenarios"
    )


@require_POST
@editor_view
def support_save(request, assessment, no: int):
    return _answer_save(
        request, assessment, services.support_answer_set, "element_no", no, "editor-support"
    )


# Indicator data


def _input_label(definitions: dict):
    """'base_inputs.code' → '基准年 · 工业总产值'; 'code[0].col' → '… · 第 1 行 · 列名'."""

    def label(key: str) -> str:
        match = ROW_KEY.match(key)
        if not match:
            return key
        definition = definitions.get(match["code"])
        parts = []
        if match["period"]:
            parts.append(str(Period(match["period"]).label))
        parts.append(definition.display_name if definition else match["code"])
        if match["row"] is not None:
            parts.append(_("第 %(n)s 行") % {"n": int(match["row"]) + 1})
            columns = {c["code"]: c for c in (definition.fields if definition else [])}
            column = columns.get(match["col"], {"name": match["col"]})
            parts.append(definition._pick(column["name"], column.get("name_en", "")))
        return " · ".join(parts)

    return label


def _definitions(assessment) -> dict:
    return {
        d.code: d for d in InputDefinition.objects.filter(version=assessment.batch.catalog_version)
    }


@require_POST
@editor_view
def years_save(request, assessment):
    back = reverse("editor-indicators", args=[assessment.pk])
    form = YearsForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, form, back)
    data = {k: form.cleaned_data[k] for k in ("base_year", "current_year")}
    return _versioned_save(
        request, assessment, form, services.assessment_update, back, _field_labels(form), data=data
    )


@require_POST
@editor_view
def input_save(request, assessment, code: str):
    """One scalar input's two years, or one table input's rows in one year."""
    back = reverse("editor-indicators", args=[assessment.pk])
    definitions = _definitions(assessment)
    definition = definitions.get(code)
    if definition is None:
        raise Http404
    label = _input_label(definitions)
    if definition.kind == InputKind.TABLE:
        form = PeriodForm(request.POST)
        if not form.is_valid():
            return _form_refused(request, form, back)
        return _versioned_save(
            request,
            assessment,
            form,
            services.assessment_inputs_update,
            back,
            label,
            period=form.cleaned_data["period"],
            values={code: table_rows(request.POST, definition.fields)},
        )
    form = ScalarInputForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, form, back)
    return _versioned_save(
        request, assessment, form, services.assessment_update, back, label, data=form.inputs(code)
    )


@require_POST
@editor_view
def calculator(request, assessment, kind: str):
    """Compute energy or CO2 from the entered quantities; with ``period`` also save the total."""
    calc = CALCULATORS.get(kind)
    if calc is None:
        raise Http404
    entries = [
        {"code": code, "quantity": quantity}
        for code, quantity in zip(
            request.POST.getlist("code"), request.POST.getlist("quantity"), strict=False
        )
        if code or quantity.strip()
    ]
    context = {"assessment": assessment, "calculator": calc}
    try:
        total, lines = calc.calculate(entries)
    except ValidationError as exc:
        context["errors"] = _messages(exc, _calculator_label)
        return render(request, "evaluation/editor/_calculator_result.html", context, status=422)
    context.update(total=total, lines=lines)
    period = request.POST.get("period")
    if period not in Period.values:
        return render(request, "evaluation/editor/_calculator_result.html", context)
    back = reverse("editor-indicators", args=[assessment.pk])
    context["applied"] = Period(period).label
    definitions = _definitions(assessment)

    def done():
        assessment.refresh_from_db()
        field = selectors.input_field(assessment, definitions[calc.input_code])
        return render(
            request,
            "evaluation/editor/_calculator_result.html",
            {**context, "field": field, "editable": True},
        )

    return _save(
        request,
        assessment,
        lambda: services.assessment_inputs_update(
            assessment=assessment,
            actor=request.user,
            period=period,
            values={calc.input_code: str(total)},
            expected_version=request.POST.get("version") or None,
        ),
        back,
        label=_input_label(definitions),
        done=done,
    )


def _calculator_label(key: str) -> str:
    match = re.match(r"entries\[(\d+)\]\.(\w+)", key)
    if not match:
        return key
    column = _("品种") if match[2] == "code" else _("数量")
    return _("第 %(n)s 行") % {"n": int(match[1]) + 1} + " · " + column


# Evidence


EVIDENCE_TARGETS = {
    "scenario": "scenario__no",
    "support_element": "support_element__no",
    "financial_year": "financial_year",
}


def _evidence_target(data) -> tuple[str, str]:
    """Which item an evidence file belongs to: (field, number or year)."""
    for field in EVIDENCE_TARGETS:
        if data.get(field):
            return field, str(data[field])
    raise Http404


EVIDENCE_PAGES = {
    "scenario": "editor-scenarios",
    "support_element": "editor-support",
    "financial_year": "editor-submit",
}


def _evidence_block(request, assessment, target: tuple[str, str], errors=(), status=200):
    field, value = target
    if not _is_htmx(request):
        for error in errors:
            messages.error(request, error)
        return redirect(EVIDENCE_PAGES[field], assessment.pk)
    files = selectors.evidence_for(request.user).filter(
        assessment=assessment, **{EVIDENCE_TARGETS[field]: value}
    )
    response = render(
        request,
        "evaluation/editor/_evidence.html",
        {
            "assessment": assessment,
            "editable": assessment.is_editable,
            "files": files,
            "field": field,
            "value": value,
            "errors": errors,
        },
        status=status,
    )
    response["X-Assessment-Version"] = str(assessment.version)
    return response


@require_POST
@editor_view
def evidence_add(request, assessment):
    form = EvidenceForm(request.POST, request.FILES)
    target = _evidence_target(request.POST)
    if not form.is_valid():
        errors = [m for ms in form.errors.values() for m in ms]
        return _evidence_block(request, assessment, target, errors, 422)
    try:
        services.evidence_upload(
            assessment=assessment,
            actor=request.user,
            uploaded=form.cleaned_data["file"],
            scenario_no=form.cleaned_data["scenario"],
            element_no=form.cleaned_data["support_element"],
            financial_year=form.cleaned_data["financial_year"],
        )
    except StateConflict as exc:
        return _evidence_block(request, assessment, target, exc.messages, 409)
    except ValidationError as exc:
        return _evidence_block(request, assessment, target, exc.messages, 422)
    assessment.refresh_from_db(fields=["version"])
    return _evidence_block(request, assessment, target)


@require_POST
@editor_view
def evidence_delete(request, assessment, evidence_id: int):
    evidence = get_object_or_404(
        selectors.evidence_for(request.user), assessment=assessment, pk=evidence_id
    )
    target = _evidence_target(
        {
            "scenario": evidence.scenario and evidence.scenario.no,
            "support_element": evidence.support_element and evidence.support_element.no,
            "financial_year": evidence.financial_year,
        }
    )
    try:
        services.evidence_remove(evidence=evidence, actor=request.user)
    except StateConflict as exc:
        return _evidence_block(request, assessment, target, exc.messages, 409)
    assessment.refresh_from_db(fields=["version"])
    return _evidence_block(request, assessment, target)


# Excel and submission


@require_GET
@editor_view
def inputs_workbook(request, assessment):
    return inputs_template_download(assessment)


@editor_view
def import_page(request, assessment):
    form = WorkbookForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            services.assessment_inputs_import(
                assessment=assessment,
                actor=request.user,
                uploaded=form.cleaned_data["file"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:  # a StateConflict too: the same list of messages
            errors = _messages(exc, str)
        else:
            messages.success(request, _("已导入两个年度的指标数据。"))
            return redirect("editor-indicators", assessment.pk)
    status = 422 if request.method == "POST" else 200
    response = _page(
        request,
        assessment,
        "evaluation/editor/import.html",
        "import",
        form=form,
        errors=errors,
        autosaves=False,
    )
    response.status_code = status
    return response


@editor_view
def submit_page(request, assessment):
    """The declarations, an answer to each return comment after a return, and the submit,
    which asks first (the dialog, or without JavaScript the confirmation page)."""
    returns = review_hooks.returns_awaiting_answer(assessment)
    form = SubmitForm(request.POST or None, returns=returns)
    confirmation = confirmations.submit(request.user, assessment)
    errors = []
    if request.method == "POST" and form.is_valid():
        if confirmation and not is_confirmed(request):
            return confirmation_page(
                request, confirmation, cancel_url=reverse("editor-submit", args=[assessment.pk])
            )
        try:
            services.assessment_submit(
                assessment=assessment,
                actor=request.user,
                declarations=form.declarations(),
                answers=form.answers(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:  # a StateConflict too
            errors = exc.messages
        else:
            messages.success(request, _("已提交。提交后的数据已冻结，计算结果稍后显示。"))
            return redirect("assessment-overview", assessment.pk)
    response = _page(
        request,
        assessment,
        "evaluation/editor/submit.html",
        "submit",
        form=form,
        errors=errors,
        confirmation=confirmation,
        progress=selectors.assessment_progress(assessment),
        statements=selectors.financial_statements(assessment),
    )
    if request.method == "POST":
        response.status_code = 422
    return response
