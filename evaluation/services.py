"""Writes of assessments: create, record answers and indicator data, submit, evaluate.

State changes of an assessment happen only here. Every item (an answer, an input, the
years) has its own version (``item_versions``): an edit made on an older version of the same
item is refused with both values (EditConflict → HTTP 409, the editor's choice), an edit of
another item goes through. Every write also bumps the assessment's ``version``, which only
submission compares: it submits the state its submitter saw.
"""

import logging
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.calculators import Breakdown, breakdown_record, kept_breakdown
from indicators.inputs import InputSpec, clean_inputs, serialize_inputs
from portal.exceptions import StateConflict
from portal.models import Enterprise
from portal.selectors import enterprise_users
from portal.services import audit_log_record, notify
from portal.task_queue import task_publish_on_commit
from scenarios.models import Scenario, SupportElement
from scenarios.services import batch_rules_fix

from .computation import EvaluationContext, evaluate
from .excel import field_label, import_changes, inputs_from_workbook
from .item_versions import (
    ELIGIBILITY,
    YEARS,
    input_key,
    item_check,
    item_stale,
    item_touch,
    rows_merged,
    scenario_key,
    support_key,
)
from .models import (
    APPLICANT_FIELDS,
    CMMM_LEVELS,
    DECLARATIONS,
    SELF_TEST_RANGE,
    AnswerStatus,
    Assessment,
    DocumentKind,
    Evaluation,
    Evidence,
    Period,
    ScenarioAnswer,
    SectionAssignment,
    State,
    SupportElementAnswer,
)
from .review_hooks import (
    assessment_submitted,
    assessment_withdrawn,
    resubmission_state,
    return_answers_record,
    returns_awaiting_answer,
)
from .sections import assignable_members, can_assign_sections, section_keys, section_label
from .selectors import assessment_data, submission_problems, submissions_awaiting_evaluation
from .snapshot import ANSWER_FIELDS, build_snapshot, snapshot_digest
from .submission_window import when, withdrawable
from .uploads import checked_upload, save_with_file, sha256_of

logger = logging.getLogger(__name__)


def is_enterprise_editor(actor, assessment: Assessment) -> bool:
    """A user of the assessment's enterprise: who fills it in and submits it."""
    return actor.is_enterprise_user and actor.enterprise_id == assessment.enterprise_id


def _require_enterprise_editor(actor, assessment: Assessment) -> None:
    if not is_enterprise_editor(actor, assessment):
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
            _("您打开页面后，这份自评估又有了修改，请刷新页面查看最新内容后再操作。"),
            code="stale_version",
        )
    return locked


def _bump_and_log(assessment: Assessment, actor, action: str, data: dict) -> None:
    """A new version, recorded in the audit log."""
    _bump(assessment)
    audit_log_record(
        actor=actor, action=action, target=assessment, enterprise=assessment.enterprise, data=data
    )


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


def _inputs_merged(
    assessment: Assessment, spec: InputSpec, period: str, values: dict, replace: bool
) -> dict:
    """One period's inputs with ``values`` merged in by code (or replacing them all), checked
    and serialized; not saved.

    A blank value clears that input. Every value is checked together with the
    ones already stored (a part may not exceed its whole); on any error nothing
    is saved and the errors name the field.
    """
    if period not in Period.values:
        raise ValidationError({"period": _("期间应为 base 或 current。")})
    if not isinstance(values, dict):
        raise ValidationError({"values": _("应为以输入代码为键的对象。")})
    merged = {} if replace else dict(assessment.inputs_for(period))
    merged.update(values)
    merged = {k: v for k, v in merged.items() if v not in (None, "", [])}
    cleaned, errors = clean_inputs(merged, spec)
    if errors:
        raise ValidationError(errors)
    return serialize_inputs(cleaned)


def _rows_merged(assessment, actor, stored, after, versions, loaded) -> None:
    """A table input saved by a colleague since its editor loaded it: merge the rows each side
    changed into ``after`` (rows are items of their own); a row both changed stays a conflict."""
    for code, periods in (loaded or {}).items():
        if not item_stale(
            assessment, input_key(code), (versions or {}).get(input_key(code)), actor=actor
        ):
            continue
        merged = {
            period: rows_merged(rows, after[period].get(code), stored[period].get(code))
            for period, rows in periods.items()
            if period in after and after[period] is not stored[period]
        }
        if merged and None not in merged.values():
            for period, rows in merged.items():
                after[period] = {k: v for k, v in {**after[period], code: rows}.items() if v}
            versions.pop(input_key(code))  # merged: nothing of the colleague's is overwritten


def _inputs_write(
    assessment: Assessment, actor, new: dict, versions: dict | None, loaded: dict | None = None
) -> bool:
    """Store the periods' inputs given in ``new`` on the locked assessment, each changed input
    checked against the version its editor loaded (``versions`` by item key; a table's rows
    merged when its editor says which rows it loaded, ``loaded`` by code and period); True if
    anything changed. The same values again change nothing, not even a version."""
    stored = {period: assessment.inputs_for(period) for period in Period.values}
    after = {**stored, **new}
    versions = dict(versions or {})
    _rows_merged(assessment, actor, stored, after, versions, loaded)
    changed = sorted(
        {
            code
            for period in new
            for code in set(stored[period]) | set(after[period])
            if stored[period].get(code) != after[period].get(code)
        }
    )
    for code in changed:
        item_check(
            assessment,
            input_key(code),
            versions.get(input_key(code)),
            actor=actor,
            yours={period: after[period].get(code) for period in Period.values},
            theirs={period: stored[period].get(code) for period in Period.values},
        )
    if not changed:
        return False
    fields = [f"{period}_inputs" for period in new]
    for period in new:
        setattr(assessment, f"{period}_inputs", after[period])
    assessment.save(update_fields=fields)
    for code in changed:
        item_touch(assessment, input_key(code), actor)
    return True


@transaction.atomic
def assessment_inputs_update(
    *,
    assessment: Assessment,
    actor,
    period: str,
    values: dict,
    versions: dict | None = None,
    replace: bool = False,
) -> Assessment:
    """Merge indicator input values of one period by code (``replace`` sets the whole period);
    ``versions`` (by item key, ``input:<code>``) are those the caller loaded."""
    _require_enterprise_editor(actor, assessment)
    assessment = _lock_for_edit(assessment, None)
    spec = InputSpec.for_version(assessment.batch.catalog_version)
    new = {period: _inputs_merged(assessment, spec, period, values, replace)}
    if _inputs_write(assessment, actor, new, versions):
        _bump(assessment)
    return assessment


@transaction.atomic
def assessment_calculator_apply(
    *,
    assessment: Assessment,
    actor,
    period: str,
    calculator,
    entries: list[dict],
    version: int | None = None,
) -> tuple[Assessment, Breakdown]:
    """Fill ``calculator``'s input of ``period`` with the total of ``entries`` and keep its
    breakdown (each line with its factor and result) with the input."""
    if period not in Period.values:
        raise ValidationError({"period": [_("请选择基准年或当年。")]})
    total, lines = calculator.calculate(entries)
    code = calculator.input_code
    assessment = assessment_inputs_update(
        assessment=assessment,
        actor=actor,
        period=period,
        values={code: str(total)},
        versions={input_key(code): version},
    )
    calculations = dict(assessment.calculations or {})
    calculations[period] = {
        **calculations.get(period, {}),
        code: breakdown_record(total, lines, assessment.inputs_for(period).get(code)),
    }
    assessment.calculations = calculations
    assessment.save(update_fields=["calculations"])
    return assessment, kept_breakdown(assessment, period, code)


@transaction.atomic
def assessment_update(
    *,
    assessment: Assessment,
    actor,
    data: dict,
    versions: dict | None = None,
    replace: bool = False,
    loaded: dict | None = None,
) -> Assessment:
    """Years and both periods' inputs at once: each changed item checked against its version in
    ``versions`` (by item key: ``input:<code>``, ``years``), one new assessment version, or none.
    ``loaded``: a table input's rows as its editor loaded them, by code and period, so that
    rows colleagues changed are merged rather than refused.

    Inputs are merged by code, or with ``replace`` set as given (blank clears)."""
    _require_enterprise_editor(actor, assessment)
    assessment = _lock_for_edit(assessment, None)
    spec = InputSpec.for_version(assessment.batch.catalog_version)
    new, errors = {}, {}
    for period in Period.values:
        if f"{period}_inputs" not in data:
            continue
        try:
            new[period] = _inputs_merged(
                assessment, spec, period, data[f"{period}_inputs"], replace
            )
        except ValidationError as exc:
            errors.update({f"{period}_inputs.{k}": v for k, v in exc.message_dict.items()})
    stored_years = {k: getattr(assessment, k) for k in ("base_year", "current_year")}
    years = {**stored_years, **{k: data[k] for k in stored_years if k in data}}
    if years["base_year"] and years["current_year"] and years["base_year"] >= years["current_year"]:
        errors["base_year"] = [_("基准年应早于当年。")]
    stored_figures = {k: getattr(assessment, k) for k in ELIGIBILITY_FIELDS}
    try:
        figures = {**stored_figures, **eligibility_checked(data)}
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    changed = _inputs_write(assessment, actor, new, versions, loaded)
    if figures != stored_figures:
        _eligibility_write(assessment, actor, figures, stored_figures, versions)
        changed = True
    if years != stored_years:
        item_check(
            assessment,
            YEARS,
            (versions or {}).get(YEARS),
            actor=actor,
            yours=years,
            theirs=stored_years,
        )
        for name, value in years.items():
            setattr(assessment, name, value)
        assessment.save(update_fields=list(years))
        item_touch(assessment, YEARS, actor)
        changed = True
    if changed:
        _bump(assessment)
    return assessment


ELIGIBILITY_FIELDS = ("cmmm_level", "self_test_score")


def _number(value, field: str, *, integer: bool, low, high, message: str):
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        number = None
    if (
        number is None
        or not number.is_finite()
        or (integer and number != number.to_integral_value())
        or not low <= number <= high
        or number.as_tuple().exponent < -1
    ):
        raise ValidationError({field: [message]})
    return int(number) if integer else number.quantize(Decimal("0.1"))


def eligibility_checked(data: dict) -> dict:
    """The eligibility gates' figures among ``data`` (the CMMM level, 1–5; the self-test
    score, 0–100 with at most one decimal), checked; a blank clears one. Errors name each bad
    field."""
    checks = {
        "cmmm_level": {
            "integer": True,
            "low": CMMM_LEVELS[0],
            "high": CMMM_LEVELS[1],
            "message": _("CMMM 自评等级应为 %(low)s 到 %(high)s 的整数。")
            % {"low": CMMM_LEVELS[0], "high": CMMM_LEVELS[1]},
        },
        "self_test_score": {
            "integer": False,
            "low": SELF_TEST_RANGE[0],
            "high": SELF_TEST_RANGE[1],
            "message": _("在线自测得分应为 %(low)s 到 %(high)s 之间的数（最多一位小数）。")
            % {"low": SELF_TEST_RANGE[0], "high": SELF_TEST_RANGE[1]},
        },
    }
    figures, errors = {}, {}
    for name, check in checks.items():
        if name not in data:
            continue
        try:
            figures[name] = _number(data[name], name, **check)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    return figures


def _eligibility_write(assessment, actor, figures, stored, versions) -> None:
    item_check(
        assessment,
        ELIGIBILITY,
        (versions or {}).get(ELIGIBILITY),
        actor=actor,
        yours={k: _plain(v) for k, v in figures.items()},
        theirs={k: _plain(v) for k, v in stored.items()},
    )
    for name, value in figures.items():
        setattr(assessment, name, value)
    assessment.save(update_fields=list(figures))
    item_touch(assessment, ELIGIBILITY, actor)


def _plain(value):
    return str(value) if isinstance(value, Decimal) else value


def _answer_values(answer) -> dict:
    """An answer as JSON: what a conflict shows of each side."""
    return {
        name: value.isoformat() if hasattr(value, "isoformat") else value
        for name, value in ((n, getattr(answer, n)) for n in ANSWER_FIELDS)
    }


def _answer_set(model, lookup: dict, key: str, *, assessment, actor, expected_version, data):
    """Set an answer's fields; ``expected_version`` is the answer's version its editor loaded."""
    _require_enterprise_editor(actor, assessment)
    assessment = _lock_for_edit(assessment, None)
    answer, created = model.objects.get_or_create(assessment=assessment, **lookup)
    before = _answer_values(answer)
    for name in ANSWER_FIELDS:
        if name in data:
            setattr(answer, name, data[name])
    answer.full_clean(exclude=["assessment", *lookup])
    if answer.started_on and answer.completed_on and answer.completed_on < answer.started_on:
        raise ValidationError({"completed_on": _("完成日期不能早于开始日期。")})
    if (
        answer.status == AnswerStatus.IMPLEMENTED
        and answer.completed_on
        and answer.completed_on > timezone.localdate()
    ):
        raise ValidationError({"completed_on": _("已实施的场景，完成日期不能晚于今天。")})
    after = _answer_values(answer)
    if not created and before == after:
        return answer  # idempotent: the same answer again is not a change
    item_check(assessment, key, expected_version, actor=actor, yours=after, theirs=before)
    answer.save()
    item_touch(assessment, key, actor)
    _bump(assessment)
    return answer


@transaction.atomic
def scenario_answer_set(*, assessment, actor, scenario_no: int, data: dict, expected_version=None):
    return _answer_set(
        ScenarioAnswer,
        {"scenario": _scenario(assessment, scenario_no)},
        scenario_key(scenario_no),
        assessment=assessment,
        actor=actor,
        expected_version=expected_version,
        data=data,
    )


@transaction.atomic
def support_answer_set(*, assessment, actor, element_no: int, data: dict, expected_version=None):
    return _answer_set(
        SupportElementAnswer,
        {"support_element": _support_element(assessment, element_no)},
        support_key(element_no),
        assessment=assessment,
        actor=actor,
        expected_version=expected_version,
        data=data,
    )


@transaction.atomic
def section_assign(*, assessment: Assessment, actor, section: str, assignee_id=None):
    """Give a section of the assessment to one of the enterprise's users, by id (``None`` takes
    it back); only the enterprise's admin, while the assessment is editable. The assignee is
    told."""
    if not can_assign_sections(actor, assessment):
        raise PermissionDenied(_("只有本企业管理员可以在填报期间分配填报任务。"))
    if section not in section_keys(assessment):
        raise ValidationError({"section": _("没有这个部分：%(section)s") % {"section": section}})
    current = SectionAssignment.objects.filter(assessment=assessment, section=section).first()
    if assignee_id in (None, ""):
        if current is not None:
            current.delete()
            audit_log_record(
                actor=actor,
                action="section.unassign",
                target=assessment,
                enterprise=assessment.enterprise,
                data={"section": section},
            )
        return None
    members = assignable_members(assessment)
    assignee = members.filter(pk=assignee_id).first() if str(assignee_id).isdigit() else None
    if assignee is None:
        raise ValidationError({"assignee": _("只能分配给本企业的成员。")})
    if current is not None and current.assignee_id == assignee.pk:
        return current
    assignment, _created = SectionAssignment.objects.update_or_create(
        assessment=assessment,
        section=section,
        defaults={"assignee": assignee, "assigned_by": actor},
    )
    audit_log_record(
        actor=actor,
        action="section.assign",
        target=assessment,
        enterprise=assessment.enterprise,
        data={"section": section, "name": assignee.get_username()},
    )
    notify(
        recipients=[assignee],
        kind="section.assign",
        title=gettext_lazy("您被分配了自评估的填报任务：%(section)s"),
        params={"section": section_label(assessment, section)},
        url=reverse("assessment-overview", args=[assessment.pk]),
    )
    return assignment


def _checked_declarations(declarations: dict) -> dict:
    errors = {
        f"declarations.{key}": [_("提交前须确认：%(text)s") % {"text": text}]
        for key, text in DECLARATIONS.items()
        if (declarations or {}).get(key) is not True
    }
    signer = str((declarations or {}).get("signer", "")).strip()
    if not signer:
        errors["declarations.signer"] = [_("请填写承诺人姓名。")]
    if errors:
        raise ValidationError(errors)
    return {**{key: True for key in DECLARATIONS}, "signer": signer[:50]}


ANSWER_MAX_LENGTH = 2000


def return_answers_check(returns, answers: dict | None) -> dict[int, str]:
    """An answer to each return comment in ``returns`` (those ``returns_awaiting_answer``
    gives), by round id; an error names each comment left unanswered (``answers.<id>``)."""
    given = {str(key): value for key, value in (answers or {}).items()}
    expected = {str(r.pk): r for r in returns}
    errors, checked = {}, {}
    for key in given.keys() - expected.keys():
        errors[f"answers.{key}"] = [_("没有需要答复的这条退回意见。")]
    for key, round_ in expected.items():
        answer = str(given.get(key) or "").strip()
        excerpt = Truncator(round_.comment).chars(40)
        if not answer:
            errors[f"answers.{key}"] = [_("请答复退回意见“%(comment)s”。") % {"comment": excerpt}]
        elif len(answer) > ANSWER_MAX_LENGTH:
            errors[f"answers.{key}"] = [
                _("对退回意见“%(comment)s”的答复不能超过 %(max)s 字。")
                % {"comment": excerpt, "max": ANSWER_MAX_LENGTH}
            ]
        else:
            checked[round_.pk] = answer
    if errors:
        raise ValidationError(errors)
    return checked


@transaction.atomic
def assessment_submit(
    *,
    assessment: Assessment,
    actor,
    declarations: dict,
    answers: dict | None = None,
    eligibility: dict | None = None,
    expected_version=None,
) -> Assessment:
    """Check completeness, the declarations and, after a return, an answer to each return
    comment; freeze the data into a snapshot, move to submitted (or, after a return by the
    formal check, straight back to it: ``review_hooks.resubmission_state``), keep the answers
    beside the comments, fix the batch's tier rules (at its first submission) and evaluate once
    committed. ``eligibility``: the CMMM level and self-test score, when given with the
    submission (else as saved before)."""
    _require_enterprise_editor(actor, assessment)
    assessment = _lock_for_edit(assessment, expected_version)
    problems = submission_problems(assessment)
    if problems:
        raise ValidationError(problems)
    errors, checked, answered = {}, {}, {}
    try:
        checked = _checked_declarations(declarations)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    awaiting = returns_awaiting_answer(assessment)
    try:
        answered = return_answers_check(awaiting, answers)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    figures = {}
    try:
        figures = eligibility_checked(eligibility or {})
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if figures:
        stored = {k: getattr(assessment, k) for k in ELIGIBILITY_FIELDS}
        if {**stored, **figures} != stored:
            _eligibility_write(assessment, actor, {**stored, **figures}, stored, None)
    next_state = resubmission_state(assessment, awaiting)
    assessment.declarations = {
        **checked,
        "at": timezone.now().isoformat(),
        "by": actor.get_username(),
    }
    # the profile row locked: a concurrent edit of it waits, then meets the identity lock
    assessment.enterprise = Enterprise.objects.select_for_update().get(pk=assessment.enterprise_id)
    assessment.applicant_take(assessment.enterprise)
    snapshot = build_snapshot(assessment)
    assessment.snapshot = snapshot
    assessment.snapshot_sha256 = snapshot_digest(snapshot)
    assessment.state = next_state
    assessment.submitted_at = timezone.now()
    assessment.save(
        update_fields=[
            "declarations",
            "snapshot",
            "snapshot_sha256",
            "state",
            "submitted_at",
            *APPLICANT_FIELDS,
        ]
    )
    return_answers_record(assessment, answered)
    logged = {"sha256": assessment.snapshot_sha256}
    if answered:
        logged["answers"] = {str(pk): answer for pk, answer in answered.items()}
    _bump_and_log(assessment, actor, "assessment.submit", logged)
    _receipt_notify(assessment)
    batch_rules_fix(batch=assessment.batch, actor=actor)
    evaluation_enqueue(assessment=assessment)
    assessment_submitted.send(sender=Assessment, assessment=assessment, actor=actor)
    return assessment


def _receipt_notify(assessment: Assessment) -> None:
    """The receipt (回执) of a submission, to the enterprise's users: in the portal and by email,
    with its verification code; the printable receipt is on the overview."""
    notify(
        recipients=enterprise_users(assessment.enterprise_id),
        kind="assessment.receipt",
        title=gettext_lazy("%(batch)s：申报已提交（回执）"),
        body=gettext_lazy(
            "您的自评估申报已于 %(at)s 提交，申报数据已冻结。验证码：%(code)s。"
            "可在概览页下载申报回执（PDF）。"
        ),
        params={
            "batch": assessment.batch.name,
            "at": when(assessment.submitted_at),
            "code": assessment.snapshot_sha256,
        },
        url=reverse("assessment-overview", args=[assessment.pk]),
    )


@transaction.atomic
def assessment_withdraw(*, assessment: Assessment, actor) -> Assessment:
    """The enterprise's administrator takes its submission back before any reviewer acted on
    it (``submission_window.withdrawable``): a draft again, its snapshot and declarations
    cleared (signed again at the next submission), logged with the digest it had; whoever was
    told of the submission is told it was withdrawn. After the deadline it cannot be submitted
    again: the confirmation says so first."""
    if not (actor.is_enterprise_admin and actor.enterprise_id == assessment.enterprise_id):
        raise PermissionDenied(_("只有本企业的管理员可以撤回申报。"))
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if not withdrawable(assessment):
        raise StateConflict(
            _("申报已进入审核（或不是待审核状态），不能撤回。"), code="not_withdrawable"
        )
    logged = {"sha256": assessment.snapshot_sha256}
    assessment.state = State.DRAFT
    assessment.snapshot = None
    assessment.snapshot_sha256 = ""
    assessment.declarations = {}
    assessment.submitted_at = None
    assessment.save(
        update_fields=["state", "snapshot", "snapshot_sha256", "declarations", "submitted_at"]
    )
    _bump_and_log(assessment, actor, "assessment.withdraw", logged)
    assessment_withdrawn.send(sender=Assessment, assessment=assessment, actor=actor)
    return assessment


def evaluation_enqueue(*, assessment: Assessment) -> None:
    """Evaluate in a worker once the current transaction has committed."""
    from .tasks import evaluate_assessment

    task_publish_on_commit(evaluate_assessment, assessment.pk)


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
    if (
        existing is not None
        and existing.input_fingerprint == fingerprint
        and not _predates_submission(existing, assessment)
    ):
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


def _predates_submission(evaluation: Evaluation, assessment: Assessment) -> bool:
    """Computed before the latest submission (from the draft, say): the submission gets its
    own, or the sweep would keep finding it."""
    return assessment.submitted_at is not None and evaluation.computed_at < assessment.submitted_at


def evaluations_sweep(*, limit: int | None = None) -> list[int]:
    """Evaluate the submissions still without an evaluation of their own
    ``EVALUATION_STALE_AFTER`` seconds after submitting; returns their ids."""
    submitted_before = timezone.now() - timedelta(seconds=settings.EVALUATION_STALE_AFTER)
    pending = submissions_awaiting_evaluation(submitted_before=submitted_before)
    contexts: dict[int, EvaluationContext] = {}
    evaluated = []
    for assessment in pending[: limit or settings.SWEEP_BATCH_SIZE]:
        if assessment.batch_id not in contexts:
            contexts[assessment.batch_id] = EvaluationContext.for_batch(assessment.batch)
        try:
            evaluation_refresh(assessment=assessment, context=contexts[assessment.batch_id])
        except Exception:  # one that cannot be evaluated must not block those behind it
            logger.exception("sweep: assessment %s could not be evaluated", assessment.pk)
        else:
            evaluated.append(assessment.pk)
    if evaluated:
        logger.warning("sweep: evaluated %s submissions their task missed", len(evaluated))
    return evaluated


def _scenario(assessment, no):
    found = Scenario.objects.filter(version=assessment.batch.catalog_version, no=no).first()
    if found is None:
        raise ValidationError({"scenario": _("没有编号为 %(no)s 的典型场景。") % {"no": no}})
    return found


def _support_element(assessment, no):
    found = SupportElement.objects.filter(version=assessment.batch.catalog_version, no=no).first()
    if found is None:
        raise ValidationError({"support_element": _("没有编号为 %(no)s 的支撑要素。") % {"no": no}})
    return found


def _evidence_target(assessment, scenario_no, element_no, financial_year, document) -> dict:
    given = [x for x in (scenario_no, element_no, financial_year, document) if x not in (None, "")]
    if len(given) > 1:
        raise ValidationError(
            {
                "scenario": _(
                    "证明材料只能属于一个场景、一个支撑要素、一个年度的财务报表或一类申报材料。"
                )
            }
        )
    if document:
        if document not in DocumentKind.values:
            raise ValidationError(
                {
                    "document": _("申报材料类别应为 %(kinds)s 之一。")
                    % {"kinds": "、".join(DocumentKind.values)}
                }
            )
        return {"document": document}
    if scenario_no is not None:
        return {"scenario": _scenario(assessment, scenario_no)}
    if element_no is not None:
        return {"support_element": _support_element(assessment, element_no)}
    if financial_year is not None:
        if int(financial_year) not in assessment.financial_years:
            raise ValidationError(
                {
                    "financial_year": _("财务报表年度应为 %(years)s 之一。")
                    % {"years": "、".join(map(str, assessment.financial_years))}
                }
            )
        return {"financial_year": int(financial_year)}
    raise ValidationError(
        {"scenario": _("请指明证明材料所属的场景、支撑要素、财务报表年度或申报材料类别。")}
    )


def evidence_checked(*, assessment: Assessment, actor, uploaded, **target) -> Evidence:
    """The unsaved row of an upload whose size, name and real type were checked, for the
    ``target`` field (``_evidence_target``) it belongs to."""
    name, content_type = checked_upload(uploaded)
    return Evidence(
        assessment=assessment,
        original_name=name,
        content_type=content_type,
        size=uploaded.size,
        sha256=sha256_of(uploaded),
        uploaded_by=actor,
        **target,
    )


@transaction.atomic
def evidence_upload(
    *,
    assessment: Assessment,
    actor,
    uploaded,
    scenario_no=None,
    element_no=None,
    financial_year=None,
    document=None,
) -> Evidence:
    """Store an evidence file privately after checking its size, name and real type."""
    _require_enterprise_editor(actor, assessment)
    assessment = _lock_for_edit(assessment, None)
    target = _evidence_target(assessment, scenario_no, element_no, financial_year, document)
    evidence = evidence_checked(assessment=assessment, actor=actor, uploaded=uploaded, **target)
    save_with_file(evidence, "file", evidence.original_name, uploaded)
    _bump_and_log(
        assessment,
        actor,
        "evidence.upload",
        {"name": evidence.original_name, "sha256": evidence.sha256},
    )
    return evidence


def evidence_file_release(stored) -> None:
    """Delete a removed row's stored file once committed, unless another row still refers to
    it (an assessment started from an earlier one refers to the same files)."""
    name = stored.name

    def delete():
        if not Evidence.objects.filter(file=name).exists():
            stored.delete(save=False)

    transaction.on_commit(delete)


@transaction.atomic
def evidence_remove(*, evidence: Evidence, actor) -> None:
    """Remove a file from an editable assessment; one a snapshot cites is kept, hidden."""
    _require_enterprise_editor(actor, evidence.assessment)
    assessment = _lock_for_edit(evidence.assessment, None)
    if assessment.snapshot is not None:
        Evidence.objects.filter(pk=evidence.pk).update(removed_at=timezone.now())
    else:
        evidence.delete()
        evidence_file_release(evidence.file)
    _bump_and_log(assessment, actor, "evidence.remove", {"name": evidence.original_name})


def _same_number(a, b) -> bool:
    try:
        return a is not None and b is not None and Decimal(str(a)) == Decimal(str(b))
    except InvalidOperation:
        return False


@transaction.atomic
def assessment_inputs_import(*, assessment: Assessment, actor, uploaded) -> Assessment:
    """Both years' inputs from a filled template; every bad cell named with the input it holds,
    all or nothing. An import replaces every value by design (the page says so): no item's
    version is compared, and each input it changes is recorded as changed by the importer.
    The assessment returned carries ``import_changes``: each input changed, old → new."""
    _require_enterprise_editor(actor, assessment)
    values, cells = inputs_from_workbook(assessment, uploaded)
    data = {f"{period}_inputs": found for period, found in values.items()}
    spec = InputSpec.for_version(assessment.batch.catalog_version)
    locked = _lock_for_edit(assessment, None)
    before = {period: dict(locked.inputs_for(period)) for period in Period.values}
    for period, found in values.items():  # a numeric cell drops trailing zeros: 2.4433 is 2.443300
        for code, value in found.items():
            if code in spec.scalars and _same_number(value, before[period].get(code)):
                found[code] = before[period][code]
    try:
        assessment = assessment_update(
            assessment=assessment,
            actor=actor,
            data=data,
            replace=True,
        )
    except StateConflict:
        raise
    except ValidationError as exc:
        named = {}
        for path, messages in exc.message_dict.items():
            field = field_label(spec, path)
            named[cells.get(path, path)] = [
                _("%(field)s：%(message)s") % {"field": field, "message": m} if field else m
                for m in messages
            ]
        raise ValidationError(named) from exc
    assessment.import_changes = import_changes(assessment, before, spec)
    return assessment
