"""The enterprise's self-assessment editor: its pages and the endpoints they autosave to.

Each form edits one item and names the item's version it was loaded with. Saves come from
htmx (``HX-Request``): a success answers 200 with the item's new version in ``X-Item-Version``
(and the assessment's in ``X-Assessment-Version``, for the submission form); a refused save
answers 422 (bad input, each message naming its field) or 409 with an HTML fragment: for a
colleague's newer save of the same item (``X-Conflict: item``) both values and the choice —
keep mine (save again on the current version) or take theirs (the item as it is now) —, else
(the assessment is no longer editable) the messages. Every response to htmx also carries who
else is editing (an out-of-band swap of ``#presence``). Without JavaScript the same endpoints
redirect back with the messages.

A successful save asked for by a page with the side panel (``X-Editor-Preview``) carries the
panel recomputed after the save too (out of band, ``#preview``): one request per save, not a
save and then the panel's own request.
"""

import json
import re
from functools import partial, wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from indicators.calculators import CALCULATORS
from indicators.models import InputDefinition, InputKind
from portal.confirmation import unconfirmed_page
from portal.exceptions import EditConflict, StateConflict
from portal.views import apply_validation_error

from . import confirmations, review_hooks, sections, selectors, services
from .eligibility import formal_checklist
from .excel import inputs_template_download
from .forms import (
    AnswerForm,
    EligibilityForm,
    EvidenceForm,
    PeriodForm,
    ScalarInputForm,
    SubmitForm,
    WorkbookForm,
    YearsForm,
    table_rows,
)
from .item_versions import YEARS, input_key, same_rows
from .models import AnswerStatus, Period
from .presence import SECTIONS, presence_others, presence_touch

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
        section = _section(request)
        if section:
            presence_touch(assessment_id=assessment.pk, user=request.user, section=section)
        response = view(request, assessment, *args, **kwargs)
        if _is_htmx(request) and response.get("Content-Type", "").startswith("text/html"):
            if _wants_preview(request, response):
                response.content += _preview(request, assessment, oob=True).encode()
            response.content += _presence(request, assessment, oob=True).encode()
        return response

    return wrapper


# Which section of the editor each endpoint belongs to (who else is where).
ENDPOINT_SECTIONS = {
    "editor-scenarios": "scenarios",
    "editor-scenario-save": "scenarios",
    "editor-support": "support",
    "editor-support-save": "support",
    "editor-indicators": "indicators",
    "editor-years-save": "indicators",
    "editor-input-save": "indicators",
    "editor-calculator": "indicators",
    "editor-import": "import",
    "editor-submit": "submit",
    "editor-assignments": "assignments",
}


def _section(request) -> str | None:
    name = request.resolver_match.url_name if request.resolver_match else None
    if name == "editor-preview":
        shown = request.GET.get("section")
        return shown if shown in SECTIONS else None
    if name == "editor-evidence-add":
        return next((EVIDENCE_SECTIONS[f] for f in EVIDENCE_SECTIONS if request.POST.get(f)), None)
    return ENDPOINT_SECTIONS.get(name)


EVIDENCE_SECTIONS = {
    "scenario": "scenarios",
    "support_element": "support",
    "financial_year": "submit",
}


def _presence(request, assessment, oob: bool = False) -> str:
    return render_to_string(
        "evaluation/editor/_presence.html",
        {
            "others": presence_others(assessment_id=assessment.pk, user=request.user),
            "oob": oob,
        },
        request=request,
    )


def _wants_preview(request, response) -> bool:
    """A save that changed the assessment, from a page showing the side panel."""
    return (
        request.headers.get("X-Editor-Preview") == "true"
        and 200 <= response.status_code < 300
        and response.has_header("X-Assessment-Version")
    )


def _preview(request, assessment, oob: bool = False) -> str:
    """The side panel: the indicators and tier the draft would reach now."""
    if oob:
        assessment.refresh_from_db()  # as the save left it
    return render_to_string(
        "evaluation/editor/_preview.html",
        {
            "assessment": assessment,
            "results": selectors.assessment_results(assessment),
            "oob": oob,
        },
        request=request,
    )


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def journey(assessment, section: str, progress=None) -> dict:
    """The step bar's context: each tab ticked or not, the checklist, the way on."""
    progress = progress or selectors.assessment_progress(assessment)
    todo = selectors.submission_todo(assessment) if assessment.is_editable else []
    steps = selectors.editor_steps(assessment, progress, todo)
    return {"steps": steps, "todo": todo, "continue_url": selectors.continue_url(steps, section)}


def _page(request, assessment, template: str, section: str, **context):
    return render(
        request,
        template,
        {
            **journey(assessment, section, context.get("progress")),
            "assessment": assessment,
            "section": section,
            "editable": assessment.is_editable,
            "tabs": True,
            "autosaves": True,
            "status_choices": AnswerStatus.choices,
            "others": presence_others(assessment_id=assessment.pk, user=request.user),
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


def _saved(request, assessment, back: str, response=None, item: str | None = None):
    assessment.refresh_from_db(fields=["version"])
    if not _is_htmx(request):
        messages.success(request, _("已保存。"))
        return redirect(back)
    response = response or HttpResponse("")
    response["X-Assessment-Version"] = str(assessment.version)
    if item:
        response["X-Item-Version"] = str(selectors.item_version(assessment, item))
    return response


def _save(request, assessment, write, back: str, label=str, done=None, item=None, fresh=None):
    """Run a service write and answer as the module docstring says; ``item`` is the key of the
    item written, ``fresh`` renders it as it is now (for "take theirs")."""
    try:
        write()
    except EditConflict as exc:
        return _conflicted(request, exc, back, label, fresh)
    except StateConflict as exc:
        return _refused(request, list(exc.messages), 409, back)
    except ValidationError as exc:
        return _refused(request, _messages(exc, label), 422, back)
    return _saved(request, assessment, back, done() if done else None, item)


def _shown(value) -> str:
    """A value of either side of a conflict, as words."""
    if value in (None, ""):
        return "—"
    if isinstance(value, list):  # a table input's rows
        return "；".join(" / ".join(str(v) for v in row.values() if v) for row in value) or "—"
    if value in AnswerStatus.values:
        return str(AnswerStatus(value).label)
    return str(value)


def _conflicted(request, exc: EditConflict, back: str, label, fresh):
    """Both values of the item, side by side, with the choice; nothing was saved."""
    if not _is_htmx(request):
        messages.error(request, exc.messages[0])
        return redirect(back)
    rows = [
        (label(name), _shown(exc.theirs.get(name)), _shown(exc.yours.get(name)))
        for name in exc.yours
        if exc.yours.get(name) != exc.theirs.get(name)
    ]
    replace, html = fresh() if fresh else ("", "")
    response = render(
        request,
        "evaluation/editor/_conflict.html",
        {"conflict": exc, "rows": rows, "replace": replace, "fresh": html},
        status=409,
    )
    response["X-Conflict"] = "item"
    return response


def _field_labels(form):
    labels = {name: str(field.label) for name, field in form.fields.items()}
    return lambda key: labels.get(key, key)


def _form_refused(request, form, back: str):
    errors = _messages(ValidationError(form.errors.as_data()), _field_labels(form))
    return _refused(request, errors, 422, back)


# Pages


def _sections(assessment) -> dict:
    return {s.key: s for s in sections.assessment_sections(assessment)}


@require_GET
@editor_view
def scenarios_page(request, assessment):
    given = _sections(assessment)
    dimensions = selectors.editor_scenarios(assessment)
    for dimension in dimensions:
        for link in dimension["links"]:
            link["section"] = given.get(f"link:{link['link'].no}")
    return _page(
        request, assessment, "evaluation/editor/scenarios.html", "scenarios", dimensions=dimensions
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
        support_section=_sections(assessment).get(sections.SUPPORT),
    )


@require_GET
@editor_view
def indicators_page(request, assessment):
    given = _sections(assessment)
    indicators = selectors.editor_indicators(assessment)
    for entry in indicators:
        entry["section"] = given.get(f"indicators:{entry['indicator'].category}")
    return _page(
        request,
        assessment,
        "evaluation/editor/indicators.html",
        "indicators",
        indicators=indicators,
        years_revision=selectors.revisions_by_key(assessment).get(YEARS),
    )


@require_GET
@editor_view
def preview(request, assessment):
    """The indicators and tier the draft would reach now, for the editor's side panel."""
    return HttpResponse(_preview(request, assessment))


# Answers


ANSWER_KINDS = {  # kind → (the service, its number argument, the page, the save URL)
    "scenario": (
        services.scenario_answer_set,
        "scenario_no",
        "editor-scenarios",
        "editor-scenario-save",
    ),
    "support_element": (
        services.support_answer_set,
        "element_no",
        "editor-support",
        "editor-support-save",
    ),
}


def _answer_card(request, assessment, kind: str, no: int) -> tuple[str, str]:
    """The answer's card as it is saved now: (its element's id, its HTML)."""
    save_url = reverse(ANSWER_KINDS[kind][3], args=[assessment.pk, no])
    html = render_to_string(
        "evaluation/editor/_answer.html",
        {
            "assessment": assessment,
            "editable": assessment.is_editable,
            "status_choices": AnswerStatus.choices,
            "entry": selectors.editor_item(assessment, kind, no),
            "kind": kind,
            "save_url": save_url,
        },
        request=request,
    )
    return f"{kind}-{no}", html


def _answer_save(request, assessment, kind: str, no: int):
    setter, number_name, page, _url = ANSWER_KINDS[kind]
    back = reverse(page, args=[assessment.pk])
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _form_refused(request, form, back)
    return _save(
        request,
        assessment,
        lambda: setter(
            assessment=assessment,
            actor=request.user,
            data=form.answer(),
            expected_version=form.cleaned_data["version"],
            **{number_name: no},
        ),
        back,
        label=_field_labels(form),
        done=lambda: _answer_gaps(request, assessment, kind, no),
        item=f"{kind}:{no}",
        fresh=lambda: _answer_card(request, assessment, kind, no),
    )


def _answer_gaps(request, assessment, kind: str, no: int):
    """After a save: the card's gaps as they are now, swapped out of band."""
    context = {"entry": selectors.editor_item(assessment, kind, no), "kind": kind, "oob": True}
    return render(request, "evaluation/editor/_gaps.html", context)


@require_POST
@editor_view
def scenario_save(request, assessment, no: int):
    return _answer_save(request, assessment, "scenario", no)


@require_POST
@editor_view
def support_save(request, assessment, no: int):
    return _answer_save(request, assessment, "support_element", no)


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
    return _save(
        request,
        assessment,
        lambda: services.assessment_update(
            assessment=assessment,
            actor=request.user,
            data=data,
            versions={YEARS: form.cleaned_data["version"]},
        ),
        back,
        label=_field_labels(form),
        item=YEARS,
        fresh=lambda: _years_form(request, assessment),
    )


def _years_form(request, assessment) -> tuple[str, str]:
    assessment.refresh_from_db()
    html = render_to_string(
        "evaluation/editor/_years.html",
        {
            "assessment": assessment,
            "editable": assessment.is_editable,
            "years_revision": selectors.revisions_by_key(assessment).get(YEARS),
        },
        request=request,
    )
    return "years", html


def _input_form(request, assessment, definition) -> tuple[str, str]:
    """An input's form(s) as saved now: (the element's id, its HTML)."""
    assessment.refresh_from_db()
    field = selectors.input_field(assessment, definition)
    table = definition.kind == InputKind.TABLE
    html = render_to_string(
        "evaluation/editor/_table_input.html" if table else "evaluation/editor/_input_row.html",
        {"assessment": assessment, "editable": assessment.is_editable, "f": field},
        request=request,
    )
    return f"{'table-input' if table else 'input'}-{definition.code}", html


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
    table = definition.kind == InputKind.TABLE
    form = (PeriodForm if table else ScalarInputForm)(request.POST)
    if not form.is_valid():
        return _form_refused(request, form, back)
    loaded, done = None, None
    if table:
        period, rows = form.cleaned_data["period"], table_rows(request.POST, definition.fields)
        data = {f"{period}_inputs": {code: rows}}
        was = _loaded_rows(request.POST.get("loaded"))
        loaded = {code: {period: was}} if was is not None else None
        done = partial(_table_saved, request, assessment, definition, period, rows)
    else:
        data = form.inputs(code)
    return _save(
        request,
        assessment,
        lambda: services.assessment_update(
            assessment=assessment,
            actor=request.user,
            data=data,
            versions={input_key(code): form.cleaned_data["version"]},
            loaded=loaded,
        ),
        back,
        label=lambda key: str(Period(key).label) if key in Period.values else label(key),
        item=input_key(code),
        fresh=lambda: _input_form(request, assessment, definition),
        done=done,
    )


def _loaded_rows(posted: str | None) -> list | None:
    """A table form's rows as it loaded them (JSON); None when absent or not a list of rows."""
    try:
        rows = json.loads(posted or "null")
    except ValueError:
        return None
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        return None
    return rows


def _table_saved(request, assessment, definition, period: str, posted: list):
    """After a table's save, its form's loaded rows become the saved ones; when a colleague's
    rows were merged in, the whole table is shown again as saved (out of band)."""
    assessment.refresh_from_db()
    stored = assessment.inputs_for(period).get(definition.code) or []
    context = {"assessment": assessment, "editable": assessment.is_editable, "oob": True}
    if same_rows(stored, posted):
        context.update(
            code=definition.code, period=period, loaded=json.dumps(stored, ensure_ascii=False)
        )
        return render(request, "evaluation/editor/_rows_loaded.html", context)
    context["f"] = selectors.input_field(assessment, definition)
    return render(request, "evaluation/editor/_table_input.html", context)


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
    version = request.POST.get("version") or None
    back = reverse("editor-indicators", args=[assessment.pk])
    context["applied"] = Period(period).label
    definitions = _definitions(assessment)
    label = _input_label(definitions)

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
        lambda: services.assessment_calculator_apply(
            assessment=assessment,
            actor=request.user,
            period=period,
            calculator=calc,
            entries=entries,
            version=version,
        ),
        back,
        label=lambda key: str(Period(key).label) if key in Period.values else label(key),
        done=done,
        item=input_key(calc.input_code),
        fresh=lambda: _input_form(request, assessment, definitions[calc.input_code]),
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
    "document": "document",
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
    "document": "editor-submit",
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
            document=form.cleaned_data["document"] or None,
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
            "document": evidence.document,
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


def _imported_key(assessment) -> str:
    return f"inputs-imported-{assessment.pk}"


@editor_view
def import_page(request, assessment):
    """Upload a filled template; after an import, what it changed (shown once)."""
    form = WorkbookForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            imported = services.assessment_inputs_import(
                assessment=assessment,
                actor=request.user,
                uploaded=form.cleaned_data["file"],
            )
        except ValidationError as exc:  # a StateConflict too: the same list of messages
            errors = _messages(exc, str)
        else:
            messages.success(request, _("已导入两个年度的指标数据。"))
            request.session[_imported_key(assessment)] = imported.import_changes
            return redirect("editor-import", assessment.pk)
    status = 422 if request.method == "POST" else 200
    changes = request.session.pop(_imported_key(assessment), None) if status == 200 else None
    response = _page(
        request,
        assessment,
        "evaluation/editor/import.html",
        "import",
        form=form,
        errors=errors,
        changes=changes,
        autosaves=False,
    )
    response.status_code = status
    return response


@editor_view
def submit_page(request, assessment):
    """The declarations, an answer to each return comment after a return, and the submit,
    which asks first (the dialog, or without JavaScript the confirmation page)."""
    returns = review_hooks.returns_awaiting_answer(assessment)
    saving_figures = request.POST.get("action") == "eligibility"
    form = SubmitForm(None if saving_figures else request.POST or None, returns=returns)
    figures_form = EligibilityForm(
        request.POST if saving_figures else None,
        initial={
            "cmmm_level": assessment.cmmm_level,
            "self_test_score": assessment.self_test_score,
        },
    )
    confirmation = confirmations.submit(request.user, assessment)
    errors = []
    if saving_figures and figures_form.is_valid():
        try:
            services.assessment_update(
                assessment=assessment, actor=request.user, data=figures_form.cleaned_data
            )
        except ValidationError as exc:  # a StateConflict too
            apply_validation_error(figures_form, exc)
        else:
            messages.success(request, _("已保存 CMMM 自评等级和在线自测得分。"))
            return redirect("editor-submit", assessment.pk)
    elif request.method == "POST" and form.is_valid():
        cancel_url = reverse("editor-submit", args=[assessment.pk])
        if asked := unconfirmed_page(request, confirmation, cancel_url=cancel_url):
            return asked
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
        documents=selectors.application_documents(assessment),
        figures_form=figures_form,
        checklist=formal_checklist(assessment),
    )
    if request.method == "POST":
        response.status_code = 422
    return response


# Sections given to colleagues


@editor_view
def assignments_page(request, assessment):
    """The enterprise's admin gives sections to its users; everyone sees who has which."""
    may_assign = sections.can_assign_sections(request.user, assessment)
    if request.method == "POST" and not may_assign:
        raise PermissionDenied
    shown = sections.assessment_sections(assessment)
    errors = []
    if request.method == "POST":
        for section in shown:
            chosen = request.POST.get(f"section-{section.key}")
            if chosen is None:
                continue  # not in the form: left as it is
            now = str(section.assignee.pk) if section.assignee else ""
            if chosen == now:
                continue
            try:
                services.section_assign(
                    assessment=assessment,
                    actor=request.user,
                    section=section.key,
                    assignee_id=chosen or None,
                )
            except ValidationError as exc:
                errors += [f"{section.label}：{m}" for m in exc.messages]
        if not errors:
            messages.success(request, _("分工已保存。"))
            return redirect("editor-assignments", assessment.pk)
        shown = sections.assessment_sections(assessment)
    response = _page(
        request,
        assessment,
        "evaluation/editor/assignments.html",
        "assignments",
        sections=shown,
        members=sections.assignable_members(assessment),
        may_assign=may_assign,
        errors=errors,
        autosaves=False,
    )
    if errors:
        response.status_code = 422
    return response
