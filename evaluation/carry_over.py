"""Starting an assessment from one of the enterprise's earlier applications (沿用上次申报).

What was submitted (the source's snapshot) is copied into a fresh draft of a later batch: the
scenario and support-element answers, the evidence (the stored files referenced, not copied:
``services.evidence_file_release`` deletes a file only once no row refers to it), and the
source's current-year inputs as the new base year's. Items are matched across catalog versions
by scenario number, support element number and input code, never by database id; what has no
match, or is no longer valid, is listed as not copied. The page, the API and ``seed_demo`` call
these functions.
"""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.inputs import InputSpec, clean_inputs, serialize_inputs
from indicators.models import InputDefinition
from portal.exceptions import StateConflict
from portal.services import audit_log_record
from scenarios.models import Scenario, SupportElement

from .models import (
    Assessment,
    CarryOver,
    DocumentKind,
    Evidence,
    ScenarioAnswer,
    State,
    SupportElementAnswer,
)
from .services import _bump, _lock_for_edit, _require_enterprise_editor, evidence_file_release

REASONS = {
    "no_match": gettext_lazy("新版目录中没有对应的编号或代码"),
    "invalid": gettext_lazy("不符合新版目录对该输入项的要求"),
    "year": gettext_lazy("年度不在本次申报的范围内"),
    "yearly": gettext_lazy("每年重新提供"),
}
# papers of the application that stay valid from one year to the next (the CMMM and self-test
# results are of a year)
LASTING_DOCUMENTS = (DocumentKind.BUSINESS_LICENCE,)


def carry_over_sources(enterprise, *, batch=None) -> QuerySet[Assessment]:
    """The enterprise's applications a new one may start from, the most recent first: those
    submitted at least once, in another (earlier) batch than ``batch``."""
    qs = Assessment.objects.filter(enterprise=enterprise, snapshot__isnull=False).select_related(
        "batch"
    )
    if batch is not None:
        qs = qs.exclude(batch=batch).filter(batch__year__lte=batch.year)
    return qs.order_by("-batch__year", "-submitted_at", "-pk")


def fresh_draft_problems(assessment: Assessment) -> dict[str, list[str]]:
    """Why data may not be copied into ``assessment``, by field: only a draft never submitted
    and still empty takes a copy (nothing typed in is ever overwritten)."""
    problems = {}
    if assessment.state != State.DRAFT or assessment.snapshot is not None:
        problems["state"] = [_("只能复制到尚未提交过的草稿。")]
    if hasattr(assessment, "carry_over"):
        problems["source"] = [_("这份自评估已从上次申报复制过数据。")]
    parts = {
        "scenarios": (assessment.scenario_answers.exists(), _("已填写典型场景")),
        "support_elements": (assessment.support_answers.exists(), _("已填写支撑要素")),
        "base_inputs": (bool(assessment.base_inputs), _("已填写基准年指标数据")),
        "current_inputs": (bool(assessment.current_inputs), _("已填写当年指标数据")),
        "evidence": (assessment.evidence.exists(), _("已上传证明材料")),
    }
    for field, (filled, what) in parts.items():
        if filled:
            problems[field] = [_("%(what)s，只能复制到尚未填写的新草稿。") % {"what": what}]
    return problems


def _answers(model, lookup: str, items: dict, given: dict, assessment) -> tuple[list, list]:
    """The answers of ``given`` (the snapshot's, by number) matched to ``items`` (the new
    catalog's, by number): rows to create, and the numbers not copied."""
    rows, missing = [], []
    for key, answer in sorted(given.items(), key=lambda kv: int(kv[0])):
        item = items.get(int(key))
        if item is None:
            missing.append({"no": int(key), "reason": "no_match"})
            continue
        values = {
            name: date.fromisoformat(value) if name.endswith("_on") and value else value
            for name, value in answer.items()
        }
        rows.append(model(assessment=assessment, **{lookup: item}, **values))
    return rows, missing


def _code_of(path: str) -> str:
    """The input code an error's path names: ``rd_projects[0].name`` → ``rd_projects``."""
    return re.split(r"[\[.]", path, maxsplit=1)[0]


def _base_inputs(source_inputs: dict, spec: InputSpec) -> tuple[dict, list]:
    """Last year's current-year inputs that the new catalog has and accepts, cleaned; and the
    codes left out, with why."""
    missing = [
        {"code": code, "reason": "no_match"}
        for code in sorted(source_inputs)
        if code not in spec.definitions
    ]
    values = {c: v for c, v in source_inputs.items() if c in spec.definitions}
    cleaned, errors = clean_inputs(values, spec)
    while errors:  # without the refused ones, the rest again (a part may lose its whole)
        refused = {_code_of(path) for path in errors} & set(values) or set(values)
        missing += [{"code": code, "reason": "invalid"} for code in sorted(refused)]
        values = {c: v for c, v in values.items() if c not in refused}
        cleaned, errors = clean_inputs(values, spec)
    return serialize_inputs(cleaned), missing


def _evidence(source: Assessment, assessment: Assessment, scenarios, elements):
    """The source's submitted evidence, as new rows of ``assessment`` referring to the same
    stored files; and those not copied."""
    cited = [e["id"] for e in source.snapshot.get("evidence", [])]
    rows, missing = [], []
    years = assessment.financial_years
    for e in (
        Evidence.objects.filter(assessment=source, pk__in=cited)
        .select_related("scenario", "support_element")
        .order_by("pk")
    ):
        target, reason = {}, None
        if e.scenario_id:
            target = {"scenario": scenarios.get(e.scenario.no)}
        elif e.support_element_id:
            target = {"support_element": elements.get(e.support_element.no)}
        elif e.financial_year:
            target = {"financial_year": e.financial_year if e.financial_year in years else None}
            reason = "year"
        elif e.document:
            target = {"document": e.document if e.document in LASTING_DOCUMENTS else None}
            reason = "yearly"
        if None in target.values():
            missing.append({"name": e.original_name, "reason": reason or "no_match"})
            continue
        rows.append(
            Evidence(
                assessment=assessment,
                file=e.file.name,
                original_name=e.original_name,
                content_type=e.content_type,
                size=e.size,
                sha256=e.sha256,
                uploaded_by=e.uploaded_by,
                **target,
            )
        )
    return rows, missing


@transaction.atomic
def assessment_carry_over(*, assessment: Assessment, actor, source=None) -> CarryOver:
    """Copy ``source`` (by default the enterprise's most recent application) into the fresh
    draft ``assessment``; refused, naming the field, if it is not a fresh draft or ``source``
    is not one of the enterprise's earlier applications. Returns the record of what was
    copied and what was not."""
    _require_enterprise_editor(actor, assessment)
    assessment = _lock_for_edit(assessment, None)
    sources = carry_over_sources(assessment.enterprise, batch=assessment.batch)
    if source is None:
        source = sources.first()
        if source is None:
            raise ValidationError({"source": [_("本企业没有可以沿用的往年申报。")]})
    elif not sources.filter(pk=getattr(source, "pk", source)).exists():
        raise ValidationError({"source": [_("只能沿用本企业在往年批次已提交的申报。")]})
    else:
        source = sources.get(pk=getattr(source, "pk", source))
    problems = fresh_draft_problems(assessment)
    if problems:
        raise ValidationError(problems)
    snap = source.snapshot
    version = assessment.batch.catalog_version
    scenarios = {s.no: s for s in Scenario.objects.filter(version=version)}
    elements = {s.no: s for s in SupportElement.objects.filter(version=version)}
    scenario_rows, scenarios_missing = _answers(
        ScenarioAnswer, "scenario", scenarios, snap.get("scenarios", {}), assessment
    )
    support_rows, support_missing = _answers(
        SupportElementAnswer,
        "support_element",
        elements,
        snap.get("support_elements", {}),
        assessment,
    )
    ScenarioAnswer.objects.bulk_create(scenario_rows)
    SupportElementAnswer.objects.bulk_create(support_rows)
    source_inputs, source_year = snap.get("current_inputs") or {}, snap.get("current_year")
    if source_year and assessment.current_year and source_year < assessment.current_year:
        base_inputs, inputs_missing = _base_inputs(source_inputs, InputSpec.for_version(version))
        assessment.base_inputs, assessment.base_year = base_inputs, source_year
        assessment.save(update_fields=["base_inputs", "base_year"])
    else:
        base_inputs = {}
        inputs_missing = [{"code": c, "reason": "year"} for c in sorted(source_inputs)]
    evidence_rows, evidence_missing = _evidence(source, assessment, scenarios, elements)
    Evidence.objects.bulk_create(evidence_rows)
    _bump(assessment)
    report = {
        "scenarios": {
            "copied": [row.scenario.no for row in scenario_rows],
            "not_copied": scenarios_missing,
        },
        "support_elements": {
            "copied": [row.support_element.no for row in support_rows],
            "not_copied": support_missing,
        },
        "inputs": {"copied": sorted(base_inputs), "not_copied": inputs_missing},
        "evidence": {
            "copied": [row.original_name for row in evidence_rows],
            "not_copied": evidence_missing,
        },
        "base_year": assessment.base_year,
    }
    carry = CarryOver.objects.create(
        assessment=assessment,
        source=source,
        report=report,
        version_after=assessment.version,
        created_by=actor,
    )
    audit_log_record(
        actor=actor,
        action="assessment.carry_over",
        target=assessment,
        enterprise=assessment.enterprise,
        data={
            "source": source.pk,
            **{part: len(report[part]["copied"]) for part in _PARTS},
            "not_copied": sum(len(report[part]["not_copied"]) for part in _PARTS),
        },
    )
    return carry


_PARTS = ("scenarios", "support_elements", "inputs", "evidence")


def undo_refusal(carry: CarryOver) -> str | None:
    """Why the copy may no longer be undone, or None: confirmed, or anything changed since."""
    if carry.confirmed_at is not None:
        return _("已确认沿用上次申报的数据，不能再撤销。")
    assessment = carry.assessment
    if assessment.state != State.DRAFT or assessment.version != carry.version_after:
        return _("复制后这份自评估已有修改，不能再撤销；请逐项修改。")
    return None


@transaction.atomic
def carry_over_confirm(*, carry: CarryOver, actor) -> CarryOver:
    """The enterprise has checked the list: keep the copy (idempotent)."""
    _require_enterprise_editor(actor, carry.assessment)
    carry = CarryOver.objects.select_for_update().get(pk=carry.pk)
    if carry.confirmed_at is None:
        carry.confirmed_at = timezone.now()
        carry.save(update_fields=["confirmed_at"])
        audit_log_record(
            actor=actor,
            action="assessment.carry_over_confirm",
            target=carry.assessment,
            enterprise=carry.assessment.enterprise,
            data={"source": carry.source_id},
        )
    return carry


@transaction.atomic
def carry_over_undo(*, carry: CarryOver, actor) -> Assessment:
    """Remove everything the copy wrote, leaving the fresh draft it found (the files stay:
    the source's rows still refer to them). Refused once confirmed or changed since."""
    _require_enterprise_editor(actor, carry.assessment)
    assessment = _lock_for_edit(carry.assessment, None)
    carry = CarryOver.objects.select_for_update().get(pk=carry.pk)
    carry.assessment = assessment
    if refusal := undo_refusal(carry):
        raise StateConflict(refusal, code="carry_over_final")
    assessment.scenario_answers.all().delete()
    assessment.support_answers.all().delete()
    for evidence in list(assessment.evidence.all()):
        evidence.delete()
        evidence_file_release(evidence.file)
    assessment.base_inputs = {}
    assessment.base_year = assessment.current_year - 1 if assessment.current_year else None
    assessment.save(update_fields=["base_inputs", "base_year"])
    source_id = carry.source_id
    carry.delete()
    _bump(assessment)
    audit_log_record(
        actor=actor,
        action="assessment.carry_over_undo",
        target=assessment,
        enterprise=assessment.enterprise,
        data={"source": source_id},
    )
    return assessment


def report_rows(carry: CarryOver) -> dict:
    """The record as the page shows it: each part's copied and not copied items with their
    names (the new catalog's for what was copied, the source's for what was not)."""
    report = carry.report
    new, old = carry.assessment.batch.catalog_version, carry.source.batch.catalog_version
    names = {}
    for model, part in ((Scenario, "scenarios"), (SupportElement, "support_elements")):
        names[part] = {
            "new": {i.no: i.display_name for i in model.objects.filter(version=new)},
            "old": {i.no: i.display_name for i in model.objects.filter(version=old)},
        }
    names["inputs"] = {
        "new": {d.code: d.display_name for d in InputDefinition.objects.filter(version=new)},
        "old": {d.code: d.display_name for d in InputDefinition.objects.filter(version=old)},
    }
    rows = {}
    for part in ("scenarios", "support_elements", "inputs"):
        rows[part] = {
            "copied": [
                {"key": key, "name": names[part]["new"].get(key, "")}
                for key in report[part]["copied"]
            ],
            "not_copied": [
                {
                    "key": item.get("no", item.get("code")),
                    "name": names[part]["old"].get(item.get("no", item.get("code")), ""),
                    "reason": REASONS[item["reason"]],
                }
                for item in report[part]["not_copied"]
            ],
        }
    rows["evidence"] = {
        "copied": [{"key": "", "name": name} for name in report["evidence"]["copied"]],
        "not_copied": [
            {"key": "", "name": item["name"], "reason": REASONS[item["reason"]]}
            for item in report["evidence"]["not_copied"]
        ],
    }
    return rows
