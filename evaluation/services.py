"""Writes of assessments: create, record answers and indicator data, submit, evaluate.

State changes of an assessment happen only here. Every write that changes an
assessment's data bumps its ``version``; a caller that read an older version
is refused (StateConflict → HTTP 409), so nothing is silently overwritten.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from indicators.inputs import InputSpec, clean_inputs, serialize_inputs
from portal.exceptions import StateConflict
from portal.services import audit_log_record
from scenarios.models import Scenario, SupportElement

from .computation import EvaluationContext, evaluate
from .models import (
    AnswerStatus,
    Assessment,
    Evaluation,
    Period,
    ScenarioAnswer,
    State,
    SupportElementAnswer,
)
from .selectors import assessment_data
from .snapshot import build_snapshot, snapshot_digest


def _require_enterprise_editor(actor, assessment: Assessment) -> None:
    if not (actor.is_enterprise_user and actor.enterprise_id == assessment.enterprise_id):
        raise PermissionDenied(_("只有本企业的用户可以填写自评估。"))


def _lock_for_edit(assessment: Assessment, expected_version: int | None) -> Assessment:
    locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not locked.is_editable:
        raise StateConflict(
            _("自评估当前状态为“%(state)s”，不能修改。") % {"state": locked.get_state_display()},
            code="not_editable",
        )
    if expected_version is not None and int(expected_version) != locked.version:
        raise StateConflict(
            _("数据已被他人修改（您的版本 %(mine)s，当前版本 %(now)s），请刷新后再保存。")
            % {"mine": expected_version, "now": locked.version},
            code="stale_version",
        )
    return locked


def _bump(assessment: Assessment) -> None:
    Assessment.objects.filter(pk=assessment.pk).update(
        version=F("version") + 1, updated_at=timezone.now()
    )
    assessment.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def assessment_create(*, enterprise, batch, actor, base_year=None, current_year=None) -> Assessment:
    if not (actor.is_enterprise_user and actor.enterprise_id == enterprise.pk):
        raise PermissionDenied(_("只有本企业的用户可以创建自评估。"))
    if not batch.is_open:
        raise ValidationError({"batch": _("该申报批次当前不在申报期内。")})
    if Assessment.objects.filter(enterprise=enterprise, batch=batch).exists():
        raise ValidationError({"batch": _("本企业在该批次已有自评估，每个批次只能有一份。")})
    current_year = current_year or batch.year - 1
    assessment = Assessment.objects.create(
        enterprise=enterprise,
        batch=batch,
        created_by=actor,
        current_year=current_year,
        base_year=base_year or current_year - 1,
    )
    audit_log_record(
        actor=actor, action="assessment.create", target=assessment, enterprise=enterprise
    )
    return assessment


@transaction.atomic
def assessment_inputs_update(
    *,
    assessment: Assessment,
    actor,
    period: str,
    values: dict,
    expected_version: int | None = None,
    replace: bool = False,
) -> Assessment:
    """Merge indicator input values by code (``replace`` sets the whole period).

    A blank value clears that input. Every value is checked together with the
    ones already stored (a part may not exceed its whole); on any error nothing
    is saved and the errors name the field.
    """
    _require_enterprise_editor(actor, assessment)
    if period not in Period.values:
        raise ValidationError({"period": _("期间应为 base 或 current。")})
    assessment = _lock_for_edit(assessment, expected_version)
    spec = InputSpec.for_version(assessment.batch.catalog_version)
    merged = {} if replace else dict(assessment.inputs_for(period))
    merged.update(values)
    merged = {k: v for k, v in merged.items() if v not in (None, "", [])}
    cleaned, errors = clean_inputs(merged, spec)
    if errors:
        raise ValidationError(errors)
    field = "base_inputs" if period == Period.BASE else "current_inputs"
    setattr(assessment, field, serialize_inputs(cleaned))
    assessment.save(update_fields=[field])
    _bump(assessment)
    return assessment


def _answer_set(model, lookup: dict, *, assessment, actor, expected_version, data: dict):
    _require_enterprise_editor(actor, assessment)
    assessment = _lock_for_edit(assessment, expected_version)
    answer, _created = model.objects.get_or_create(assessment=assessment, **lookup)
    for name in ("status", "description", "systems", "started_on", "completed_on"):
        if name in data:
            setattr(answer, name, data[name])
    answer.full_clean(exclude=["assessment", *lookup])
    if answer.started_on and answer.completed_on and answer.completed_on < answer.started_on:
        raise ValidationError({"completed_on": _("完成日期不能早于开始日期。")})
    answer.save()
    _bump(assessment)
    return answer


@transaction.atomic
def scenario_answer_set(*, assessment, actor, scenario_no: int, data: dict, expected_version=None):
    scenario = Scenario.objects.filter(
        version=assessment.batch.catalog_version, no=scenario_no
    ).first()
    if scenario is None:
        raise ValidationError(
            {"scenario": _("没有编号为 %(no)s 的典型场景。") % {"no": scenario_no}}
        )
    return _answer_set(
        ScenarioAnswer,
        {"scenario": scenario},
        assessment=assessment,
        actor=actor,
        expected_version=expected_version,
        data=data,
    )


@transaction.atomic
def support_answer_set(*, assessment, actor, element_no: int, data: dict, expected_version=None):
    element = SupportElement.objects.filter(
        version=assessment.batch.catalog_version, no=element_no
    ).first()
    if element is None:
        raise ValidationError(
            {"support_element": _("没有编号为 %(no)s 的支撑要素。") % {"no": element_no}}
        )
    return _answer_set(
        SupportElementAnswer,
        {"support_element": element},
        assessment=assessment,
        actor=actor,
        expected_version=expected_version,
        data=data,
    )


def submission_problems(assessment: Assessment) -> list[str]:
    """What keeps a draft from being submitted."""
    problems = []
    if not assessment.batch.is_open:
        problems.append(_("申报批次已截止或尚未开始，不能提交。"))
    if not assessment.scenario_answers.filter(status=AnswerStatus.IMPLEMENTED).exists():
        problems.append(_("至少需要一个“已实施”的典型场景。"))
    for answer in assessment.scenario_answers.filter(
        status=AnswerStatus.IMPLEMENTED, description=""
    ):
        problems.append(
            _("场景 %(no)s“%(name)s”已实施，但未填写建设内容。")
            % {"no": answer.scenario.no, "name": answer.scenario.name}
        )
    return problems


@transaction.atomic
def assessment_submit(*, assessment: Assessment, actor, expected_version=None) -> Assessment:
    """Freeze the data into a snapshot, move to submitted and evaluate once committed."""
    _require_enterprise_editor(actor, assessment)
    assessment = _lock_for_edit(assessment, expected_version)
    problems = submission_problems(assessment)
    if problems:
        raise ValidationError(problems)
    snapshot = build_snapshot(assessment)
    assessment.snapshot = snapshot
    assessment.snapshot_sha256 = snapshot_digest(snapshot)
    assessment.state = State.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.save(update_fields=["snapshot", "snapshot_sha256", "state", "submitted_at"])
    _bump(assessment)
    audit_log_record(
        actor=actor,
        action="assessment.submit",
        target=assessment,
        enterprise=assessment.enterprise,
        data={"sha256": assessment.snapshot_sha256},
    )
    evaluation_enqueue(assessment=assessment)
    return assessment


def evaluation_enqueue(*, assessment: Assessment) -> None:
    """Evaluate in a worker once the current transaction has committed."""
    from .tasks import evaluate_assessment

    pk = assessment.pk
    transaction.on_commit(lambda: evaluate_assessment.delay(pk))


@transaction.atomic
def evaluation_refresh(
    *, assessment: Assessment, context: EvaluationContext | None = None
) -> Evaluation:
    """Compute and store the assessment's evaluation; unchanged data → nothing rewritten."""
    assessment = (
        Assessment.objects.select_for_update()
        .select_related("enterprise", "batch__catalog_version")
        .get(pk=assessment.pk)
    )
    context = context or EvaluationContext.for_batch(assessment.batch)
    data = assessment_data(assessment)
    fingerprint = data.fingerprint(context)
    existing = Evaluation.objects.filter(assessment=assessment).first()
    if existing is not None and existing.input_fingerprint == fingerprint:
        return existing
    outcome = evaluate(context, data)
    evaluation, _created = Evaluation.objects.update_or_create(
        assessment=assessment,
        defaults={
            "catalog_version_id": context.catalog_version_id,
            "rules_source": context.rules_source,
            "input_fingerprint": fingerprint,
            "indicators": outcome.indicators,
            "tier_result": outcome.tiers.as_json(messages=False),
            "highest_tier": outcome.tiers.highest_tier or "",
            "indicators_improved": outcome.indicators_improved,
            "computed_at": timezone.now(),
            "computed_by": "single",
        },
    )
    return evaluation
