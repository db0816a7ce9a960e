"""Reads of assessments. ``assessments_for`` is the tenancy gate for everything below it."""

import json
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from indicators.calculators import CALCULATOR_FOR_INPUT, kept_breakdown
from indicators.engine import applicable_input_codes, is_applicable
from indicators.models import IndicatorDefinition, InputDefinition
from portal.audit import SYSTEM_ACTOR, audit_action_label
from portal.models import AuditLog
from portal.selectors import REVIEWER_PRIVATE_ACTIONS, registration_submit_refusal
from scenarios.models import Batch, SupportCategory, Tier
from scenarios.selectors import catalog_dimensions, catalog_version_current

from .computation import AssessmentData, EvaluationContext, evaluate
from .flag_selectors import data_flags
from .item_versions import input_key, scenario_key, support_key
from .models import (
    EDITABLE_STATES,
    AnswerStatus,
    Assessment,
    DocumentKind,
    Evaluation,
    Evidence,
    ItemRevision,
    Period,
    ScenarioAnswer,
    State,
    SupportElementAnswer,
)
from .peer_cache import cached_adoption, cached_peer_group, peers_fingerprint
from .recommendations import recommendations_for, tiers_to_recommend
from .results import indicator_rows, tier_outcome
from .review_hooks import reached_city, reader_assessment_ids
from .snapshot import build_snapshot, content_digest
from .submission_window import submission_refusal
from .tiers import CatalogShape, RuleSet, TierOutcome, rules_for_batch


def local_reviewer_scope(user) -> Q | None:
    """The submissions a district or city reviewer sees, by the applicant's frozen identity:
    a district its district's; a city its city's, except, in a batch with the district step,
    those waiting for their district or returned that never reached the city (its district
    returned them before recommending them): those concern the district alone. None for
    anyone else."""
    if user.is_city_reviewer:
        district_only = (
            Q(batch__requires_district_step=True, state__in=(State.SUBMITTED, State.RETURNED))
            & ~reached_city()
        )
        return Q(applicant_city=user.city) & ~Q(state=State.DRAFT) & ~district_only
    if user.is_district_reviewer:
        return Q(applicant_district_code=user.district_id) & ~Q(state=State.DRAFT)
    return None


def assessments_for(user) -> QuerySet[Assessment]:
    """An enterprise its own; a district or city reviewer its submitted ones
    (``local_reviewer_scope``); the province all."""
    qs = Assessment.objects.select_related("enterprise", "batch")
    if not user.is_authenticated:
        return qs.none()
    if user.is_province_admin:
        return qs
    if (scope := local_reviewer_scope(user)) is not None:
        return qs.filter(scope)
    if user.is_enterprise_user:
        return qs.filter(enterprise_id=user.enterprise_id)
    return qs.none()


def evaluations_for(user) -> QuerySet[Evaluation]:
    return Evaluation.objects.filter(assessment__in=assessments_for(user))


def evidence_for(user) -> QuerySet[Evidence]:
    """Evidence of the assessments the user may see; files removed after a submission are
    kept for the reviewers of that snapshot but no longer listed for the enterprise. An expert
    gets the files of the assessments assigned to them (a reader the review app registers)."""
    through_reader = reader_assessment_ids(user)
    if through_reader is not None:
        return Evidence.objects.filter(assessment_id__in=through_reader)
    qs = Evidence.objects.filter(assessment__in=assessments_for(user)).select_related(
        "scenario", "support_element"
    )
    return qs.current() if user.is_enterprise_user else qs


@dataclass(frozen=True)
class Todo:
    """One thing keeping a draft from being submitted, and where it is done: the editor's tab
    (``STEPS``; empty: nowhere in the editor) and the URL of the page and field."""

    message: str
    step: str = ""
    url: str = ""


def submission_todo(assessment: Assessment) -> list[Todo]:
    """What keeps a draft from being submitted, each with where to fix it."""
    pk = assessment.pk
    todo = []
    if refusal := submission_refusal(assessment):
        todo.append(Todo(refusal))
    if refusal := registration_submit_refusal(assessment.enterprise):
        todo.append(Todo(refusal, url=reverse("enterprise-page", args=[assessment.enterprise_id])))
    if assessment.batch.requires_district_step and not assessment.enterprise.district_id:
        # its district recommends it first: the district must be one of the divisions
        todo.append(
            Todo(
                _("本批次须经县（市、区）推荐，请先在企业信息中选择所在县（市、区）。"),
                url=reverse("enterprise-page", args=[assessment.enterprise_id]),
            )
        )
    implemented = assessment.scenario_answers.filter(
        status=AnswerStatus.IMPLEMENTED
    ).select_related("scenario")
    scenarios_url = reverse("editor-scenarios", args=[pk])
    if not implemented:
        todo.append(Todo(_("至少需要一个“已实施”的典型场景。"), "scenarios", scenarios_url))
    current = assessment.evidence.current()
    if not current.filter(financial_year__isnull=False).exists():
        todo.append(
            Todo(
                _("请上传至少一个年度的财务报表（近三年），以证明企业正常经营。"),
                "submit",
                reverse("editor-submit", args=[pk]) + "#statements",
            )
        )
    with_evidence = set(current.values_list("scenario_id", flat=True))
    for answer in implemented:
        no = answer.scenario.no
        names = {"no": no, "name": answer.scenario.name}
        for gap in answer_gaps(answer, answer.scenario_id in with_evidence):
            anchor = f"#scenario-{no}-{GAP_FIELDS[gap]}"
            todo.append(Todo(GAP_PROBLEMS[gap] % names, "scenarios", scenarios_url + anchor))
    return todo


def submission_problems(assessment: Assessment) -> list[str]:
    """What keeps a draft from being submitted."""
    return [t.message for t in submission_todo(assessment)]


# What an implemented scenario still lacks: its card flags it, the submit page lists it.
GAP_DESCRIPTION, GAP_DATES, GAP_EVIDENCE = "description", "dates", "evidence"
GAP_PROBLEMS = {
    GAP_DESCRIPTION: gettext_lazy("场景 %(no)s“%(name)s”已实施，但未填写建设内容。"),
    GAP_DATES: gettext_lazy("场景 %(no)s“%(name)s”已实施，但未填写开始日期和完成日期。"),
    GAP_EVIDENCE: gettext_lazy("场景 %(no)s“%(name)s”已实施，但没有证明材料或系统说明。"),
}
GAP_FIELDS = {  # the field of the card each names (its element's id ends so)
    GAP_DESCRIPTION: "description",
    GAP_DATES: "started",
    GAP_EVIDENCE: "systems",
}
GAP_FLAGS = {  # the card's words
    GAP_DESCRIPTION: gettext_lazy("已实施的场景须填写建设内容。"),
    GAP_DATES: gettext_lazy("已实施的场景须填写开始日期和完成日期。"),
    GAP_EVIDENCE: gettext_lazy("已实施的场景须上传证明材料或填写系统说明。"),
}


def answer_gaps(answer, has_evidence: bool) -> list[str]:
    """What an implemented scenario's answer lacks before it can be submitted (``GAP_*``);
    nothing for any other status."""
    if answer.status != AnswerStatus.IMPLEMENTED:
        return []
    gaps = []
    if not answer.description.strip():
        gaps.append(GAP_DESCRIPTION)
    if not (answer.started_on and answer.completed_on):
        gaps.append(GAP_DATES)
    if not has_evidence and not answer.systems.strip():
        gaps.append(GAP_EVIDENCE)
    return gaps


def resubmission_unchanged(assessment: Assessment) -> bool:
    """Returned, and submitting now would freeze the very data of the submission that was
    returned (declarations aside): nothing has been changed since."""
    if assessment.state != State.RETURNED or not assessment.snapshot:
        return False
    return content_digest(build_snapshot(assessment)) == content_digest(assessment.snapshot)


@dataclass(frozen=True)
class Progress:
    """How far a self-assessment is, section by section."""

    scenarios_answered: int
    scenarios_implemented: int
    scenarios_total: int
    support_answered: int
    support_total: int
    inputs_filled: dict  # period → number of inputs with a value
    inputs_total: int
    evidence: int
    problems: list[str]


def assessment_progress(assessment: Assessment) -> Progress:
    version = assessment.batch.catalog_version
    answered = assessment.scenario_answers.exclude(status=AnswerStatus.NOT_STARTED)
    return Progress(
        scenarios_answered=answered.count(),
        scenarios_implemented=answered.filter(status=AnswerStatus.IMPLEMENTED).count(),
        scenarios_total=version.scenarios.count(),
        support_answered=assessment.support_answers.exclude(
            status=AnswerStatus.NOT_STARTED
        ).count(),
        support_total=version.support_elements.count(),
        inputs_filled={p: len(assessment.inputs_for(p)) for p in Period.values},
        inputs_total=version.inputs.count(),
        evidence=assessment.evidence.current().count(),
        problems=submission_problems(assessment) if assessment.is_editable else [],
    )


STEPS = (  # the editor's tabs a draft is filled in on, in order: (key, label, URL name)
    ("scenarios", gettext_lazy("典型场景"), "editor-scenarios"),
    ("support", gettext_lazy("支撑要素"), "editor-support"),
    ("indicators", gettext_lazy("指标数据"), "editor-indicators"),
    ("submit", gettext_lazy("申报与提交"), "editor-submit"),
)


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    url: str
    done: bool
    todo: list  # its Todo items


def editor_steps(assessment: Assessment, progress: Progress, todo: list[Todo]) -> list[Step]:
    """Each tab of the editor, ticked when nothing is left to do on it: no submission problem
    on it (``submission_todo``, as listed on the submit page), and for the support elements
    and indicators, something answered / every input filled in both years. Once submitted,
    every step is done. ``todo``: its ``submission_todo`` (none once submitted)."""
    filled = {
        "scenarios": progress.scenarios_implemented > 0,
        "support": progress.support_answered > 0,
        "indicators": all(n >= progress.inputs_total for n in progress.inputs_filled.values()),
        "submit": not todo,
    }
    steps = []
    for key, label, name in STEPS:
        mine = [t for t in todo if t.step == key]
        done = not assessment.is_editable or (filled[key] and not mine)
        steps.append(Step(key, label, reverse(name, args=[assessment.pk]), done, mine))
    return steps


def continue_url(steps: list[Step], section: str = "") -> str:
    """Where to go on: the first thing to fix on the current tab, else on the first tab after
    it (else from the start) with something to fix, else the first tab not filled in, else the
    submit tab."""
    keys = [s.key for s in steps]
    here = keys.index(section) if section in keys else -1
    current = steps[here] if here >= 0 else None
    if current and current.todo and current.todo[0].url:
        return current.todo[0].url
    ahead = [s for s in steps[here + 1 :] + steps[: here + 1] if s.key != section]
    for step in ahead:  # something to fix first, then a tab not filled in yet
        if step.todo and step.todo[0].url:
            return step.todo[0].url
    return next((s.url for s in ahead if not s.done), steps[-1].url)


def assessments_to_start(user) -> QuerySet[Batch]:
    """Open batches in which the user's enterprise has no assessment yet."""
    if not user.is_authenticated or not user.is_enterprise_user:
        return Batch.objects.none()
    return Batch.objects.open_now().exclude(assessments__enterprise_id=user.enterprise_id)


def assessment_data_many(assessments: list[Assessment]) -> list[AssessmentData]:
    """``assessment_data`` for many at once, with two queries for all the drafts' answers."""
    drafts = [a.pk for a in assessments if not a.snapshot]
    scenarios, support = {}, {}
    if drafts:
        for aid, no, status in (
            ScenarioAnswer.objects.filter(assessment_id__in=drafts)
            .values_list("assessment_id", "scenario__no", "status")
            .iterator(chunk_size=20000)
        ):
            scenarios.setdefault(aid, {})[no] = status
        for aid, no, status in (
            SupportElementAnswer.objects.filter(assessment_id__in=drafts)
            .values_list("assessment_id", "support_element__no", "status")
            .iterator(chunk_size=20000)
        ):
            support.setdefault(aid, {})[no] = status
    return [
        assessment_data(a)
        if a.snapshot
        else AssessmentData(
            industry_type=a.enterprise.industry_type,
            scenario_status=scenarios.get(a.pk, {}),
            support_status=support.get(a.pk, {}),
            base_inputs=a.base_inputs,
            current_inputs=a.current_inputs,
        )
        for a in assessments
    ]


def assessment_data(assessment: Assessment) -> AssessmentData:
    """The data an evaluation reads: the frozen snapshot once submitted, else the live draft."""
    if assessment.snapshot:
        snap = assessment.snapshot
        return AssessmentData(
            industry_type=snap["enterprise"]["industry_type"],
            scenario_status={int(k): v["status"] for k, v in snap["scenarios"].items()},
            support_status={int(k): v["status"] for k, v in snap["support_elements"].items()},
            base_inputs=snap["base_inputs"],
            current_inputs=snap["current_inputs"],
        )
    return AssessmentData(
        industry_type=assessment.enterprise.industry_type,
        scenario_status=dict(assessment.scenario_answers.values_list("scenario__no", "status")),
        support_status=dict(
            assessment.support_answers.values_list("support_element__no", "status")
        ),
        base_inputs=assessment.base_inputs,
        current_inputs=assessment.current_inputs,
    )


@dataclass(frozen=True)
class RulesShown:
    """A rule set as the rules page shows it."""

    batch: Batch | None
    is_default: bool
    tiers: list[dict]


def _shown(batch, rules: RuleSet, dimension_names: dict[str, str]) -> RulesShown:
    tiers = [
        {
            "label": Tier(t.tier).label,
            "requirements": [
                {
                    "name": dimension_names.get(r.dimension, r.dimension),
                    "min_scenarios": r.min_scenarios,
                    "min_links": r.min_links,
                }
                for r in t.requirements
            ],
            "min_support_elements": t.min_support_elements,
            "category_labels": [str(SupportCategory(c).label) for c in t.support_categories],
            "min_indicators_improved": t.min_indicators_improved,
        }
        for t in rules.tiers
    ]
    return RulesShown(batch, rules.is_default, tiers)


def tier_rules_overview() -> list[RulesShown]:
    """The default rules first, then each batch's rules (its own, or the defaults it uses)."""
    current = catalog_version_current()
    names = CatalogShape.for_version(current).dimension_names if current else {}
    shown = [_shown(None, rules_for_batch(None), names)]
    for batch in Batch.objects.select_related("catalog_version").order_by("-year", "-opens_at"):
        shape = CatalogShape.for_version(batch.catalog_version)
        shown.append(_shown(batch, rules_for_batch(batch), shape.dimension_names))
    return shown


def editable_assessments_for(user) -> QuerySet[Assessment]:
    """The assessments whose editor pages the user may open: its own enterprise's only."""
    if not user.is_authenticated or not user.is_enterprise_user:
        return Assessment.objects.none()
    return (
        assessments_for(user)
        .filter(enterprise_id=user.enterprise_id)
        .select_related("batch__catalog_version")
    )


@dataclass
class EditorItem:
    """A scenario or support element with this assessment's answer and evidence files, and its
    item version (``revision``: the version an edit names, and who changed it last)."""

    item: object
    answer: object
    evidence: list
    revision: object = None

    @property
    def gaps(self) -> list[dict]:
        """A scenario's gaps (``answer_gaps``) as its card flags them: the field and the words."""
        if not isinstance(self.answer, ScenarioAnswer):
            return []
        return [
            {"gap": gap, "field": GAP_FIELDS[gap], "message": GAP_FLAGS[gap]}
            for gap in answer_gaps(self.answer, bool(self.evidence))
        ]


def _items(items, answers: dict, evidence: dict, model, revisions: dict, key) -> list[EditorItem]:
    return [
        EditorItem(
            item,
            answers.get(item.pk) or model(status=AnswerStatus.NOT_STARTED),
            evidence.get(item.pk, []),
            revisions.get(key(item.no)),
        )
        for item in items
    ]


def revisions_by_key(assessment: Assessment) -> dict:
    """Each changed item's ``ItemRevision`` (version, last editor), by item key."""
    return {
        r.key: r
        for r in ItemRevision.objects.filter(assessment=assessment).select_related("updated_by")
    }


def item_version(assessment: Assessment, key: str) -> int:
    """An item's version now (0: never changed): what its next edit names."""
    found = ItemRevision.objects.filter(assessment=assessment, key=key).values_list(
        "version", flat=True
    )
    return next(iter(found), 0)


def editor_item(assessment: Assessment, kind: str, no: int) -> EditorItem:
    """One scenario or support element as its editor card shows it (``kind``: ``scenario`` or
    ``support_element``)."""
    version = assessment.batch.catalog_version
    if kind == "scenario":
        item = version.scenarios.get(no=no)
        answers = {a.scenario_id: a for a in assessment.scenario_answers.filter(scenario=item)}
        model, key = ScenarioAnswer, scenario_key
    else:
        item = version.support_elements.get(no=no)
        answers = {
            a.support_element_id: a for a in assessment.support_answers.filter(support_element=item)
        }
        model, key = SupportElementAnswer, support_key
    evidence = _evidence_by(assessment, f"{kind}_id")
    return _items([item], answers, evidence, model, revisions_by_key(assessment), key)[0]


def _evidence_by(assessment: Assessment, attname: str) -> dict:
    """The current evidence files grouped by what they prove (a scenario's id, a year…)."""
    grouped = {}
    for e in assessment.evidence.current().exclude(**{attname: None}):
        grouped.setdefault(getattr(e, attname), []).append(e)
    return grouped


def editor_scenarios(assessment: Assessment) -> list[dict]:
    """Dimensions → links → scenarios, each with its answer and evidence, in catalog order."""
    answers = {a.scenario_id: a for a in assessment.scenario_answers.all()}
    evidence = _evidence_by(assessment, "scenario_id")
    revisions = revisions_by_key(assessment)
    return [
        {
            "dimension": dimension,
            "links": [
                {
                    "link": link,
                    "scenarios": _items(
                        link.scenarios.all(),
                        answers,
                        evidence,
                        ScenarioAnswer,
                        revisions,
                        scenario_key,
                    ),
                }
                for link in dimension.links.all()
            ],
        }
        for dimension in catalog_dimensions(version=assessment.batch.catalog_version)
    ]


def editor_support(assessment: Assessment) -> list[dict]:
    """Support elements by category (装备/网络/平台), each with its answer and evidence."""
    answers = {a.support_element_id: a for a in assessment.support_answers.all()}
    evidence = _evidence_by(assessment, "support_element_id")
    elements = assessment.batch.catalog_version.support_elements.order_by("no")
    groups = {}
    revisions = revisions_by_key(assessment)
    for entry in _items(elements, answers, evidence, SupportElementAnswer, revisions, support_key):
        groups.setdefault(entry.item.category, []).append(entry)
    return [
        {"category": SupportCategory(category).label, "elements": entries}
        for category, entries in groups.items()
    ]


def application_documents(assessment: Assessment) -> list[dict]:
    """Each kind of the application's papers (the business licence, the CMMM and self-test
    results), with the files uploaded for it."""
    files = _evidence_by(assessment, "document")
    return [
        {"kind": kind.value, "label": kind.label, "files": files.get(kind.value, [])}
        for kind in DocumentKind
    ]


def financial_statements(assessment: Assessment) -> list[dict]:
    """Each year whose statements may be uploaded, with the files uploaded for it."""
    files = _evidence_by(assessment, "financial_year")
    return [{"year": year, "files": files.get(year, [])} for year in assessment.financial_years]


@dataclass
class InputField:
    """One indicator input as the editor shows it: both years' saved values."""

    definition: InputDefinition
    base: object
    current: object
    applicable: bool
    calculator: object  # indicators.calculators.Calculator or None
    revision: object = None  # its ItemRevision: the version an edit names, the last editor
    breakdowns: list = ()  # the calculator's lines kept with each year's value

    def scalar_periods(self) -> list[tuple]:
        return [(Period.BASE.value, self.base), (Period.CURRENT.value, self.current)]

    def columns(self) -> list[tuple]:
        """For a table input: its columns with their label in the reader's language, as an
        empty row."""
        pick = self.definition._pick
        return [
            (dict(c, label=pick(c["name"], c.get("name_en", ""))), "")
            for c in self.definition.fields
        ]

    def periods(self) -> list[tuple]:
        """For a table input: (period, label, rows as [(column, value)], the rows as saved in
        JSON — what its form loaded, for merging a colleague's rows) for both years."""
        columns = [c for c, _blank in self.columns()]
        shown = []
        for period, saved in ((Period.BASE, self.base), (Period.CURRENT, self.current)):
            rows = [[(c, (row or {}).get(c["code"]) or "") for c in columns] for row in saved or []]
            loaded = json.dumps(saved or [], ensure_ascii=False)
            shown.append((period.value, period.label, rows, loaded))
        return shown


def input_field(
    assessment: Assessment, definition, *, applicable: bool = True, revisions=None
) -> InputField:
    code = definition.code
    if revisions is None:
        revisions = revisions_by_key(assessment)
    return InputField(
        definition,
        assessment.base_inputs.get(code),
        assessment.current_inputs.get(code),
        applicable,
        CALCULATOR_FOR_INPUT.get(code),
        revisions.get(input_key(code)),
        calculator_breakdowns(assessment, code),
    )


def calculator_breakdowns(source, code: str) -> list[dict]:
    """Each year's kept calculator breakdown of input ``code`` in ``source`` (an assessment or
    its snapshot), with the year's label."""
    shown = []
    for period in Period:
        kept = kept_breakdown(source, period.value, code)
        if kept is not None:
            shown.append({"period": period.value, "label": period.label, "breakdown": kept})
    return shown


def editor_indicators(assessment: Assessment) -> list[dict]:
    """The 19 indicators, each with the inputs it introduces (an input read by several shows
    under the first applicable one; the others refer to it) and whether it applies to the
    enterprise's industry type."""
    version = assessment.batch.catalog_version
    industry = assessment.enterprise.industry_type
    inputs = {d.code: d for d in InputDefinition.objects.filter(version=version)}
    indicators = list(IndicatorDefinition.objects.filter(version=version).order_by("no"))
    applies = {i.code: is_applicable(i.applicability, industry) for i in indicators}
    owner = {}
    for indicator in sorted(indicators, key=lambda i: (not applies[i.code], i.no)):
        for code in indicator.inputs:
            owner.setdefault(code, indicator.code)
    applicable_inputs = applicable_input_codes(indicators, industry)
    revisions = revisions_by_key(assessment)
    shown = []
    for indicator in indicators:
        own = [c for c in indicator.inputs if owner[c] == indicator.code and c in inputs]
        shown.append(
            {
                "indicator": indicator,
                "applicable": applies[indicator.code],
                "inputs": [
                    input_field(
                        assessment,
                        inputs[c],
                        applicable=c in applicable_inputs,
                        revisions=revisions,
                    )
                    for c in own
                ],
                "shared": [inputs[c] for c in indicator.inputs if c not in own and c in inputs],
            }
        )
    return shown


@dataclass(frozen=True)
class Results:
    """An assessment's indicators and tiers: stored once evaluated after submission, computed
    live from the draft otherwise (a preview, never stored)."""

    evaluation: Evaluation
    live: bool
    indicators: list[dict]
    tiers: TierOutcome
    recommendations: dict
    flags: list  # its own inputs against each other (plausibility.consistency_flags)
    standings: list  # each indicator's band among its peers (peers.PeerStanding)


def assessment_results(assessment: Assessment) -> Results | None:
    data = assessment_data(assessment)
    if assessment.snapshot:
        evaluation = Evaluation.objects.filter(assessment=assessment).first()
        if evaluation is None:
            return None  # submitted, the worker has not evaluated it yet
        live = False
    else:
        context = EvaluationContext.for_batch(assessment.batch)
        outcome = evaluate(context, data)
        evaluation = Evaluation(
            assessment=assessment,
            catalog_version_id=context.catalog_version_id,
            rules_source=context.rules_source,
            indicators=outcome.indicators,
            tier_result=outcome.tiers.as_json(messages=False),
            highest_tier=outcome.tiers.highest_tier or "",
            indicators_improved=outcome.indicators_improved,
        )
        live = True
    tiers = tier_outcome(evaluation)
    rows = indicator_rows(evaluation)
    fingerprint = peers_fingerprint(assessment)
    group = cached_peer_group(assessment, [r["code"] for r in rows], fingerprint)
    standings = [group.standing(r) for r in rows]
    wanted = tiers_to_recommend(tiers)
    return Results(
        evaluation=evaluation,
        live=live,
        indicators=rows,
        tiers=tiers,
        recommendations=recommendations_for(
            assessment=assessment,
            scenario_status=data.scenario_status,
            outcome=tiers,
            indicator_rows=rows,
            standings=standings,
            adoption=cached_adoption(assessment, wanted, fingerprint) if wanted else {},
        ),
        flags=data_flags(assessment, data),
        standings=standings,
    )


def assessment_history(assessment: Assessment, viewer, limit: int = 50) -> list[dict]:
    """The assessment's recorded actions the viewer may see, newest first: every round of
    submission is kept."""
    entries = AuditLog.objects.filter(
        target_type=ContentType.objects.get_for_model(Assessment), target_id=str(assessment.pk)
    )
    if not viewer.is_province_admin:
        entries = entries.exclude(action__in=REVIEWER_PRIVATE_ACTIONS)
    entries = entries.select_related("actor").order_by("-created_at", "-pk")[:limit]
    return [
        {
            "at": e.created_at,
            "actor": e.actor or SYSTEM_ACTOR,
            "label": audit_action_label(e.action),
            "detail": e.data.get("name") or e.summary,
        }
        for e in entries
    ]


def submissions_awaiting_evaluation(*, submitted_before) -> QuerySet[Assessment]:
    """Submitted before the given time with no evaluation, or one computed before the
    submission: its task was never queued (the broker was down) or was lost. Oldest first."""
    return (
        Assessment.objects.exclude(state__in=EDITABLE_STATES)
        .filter(submitted_at__lt=submitted_before)
        .filter(Q(evaluation__isnull=True) | Q(evaluation__computed_at__lt=F("submitted_at")))
        .select_related("batch__catalog_version")
        .order_by("submitted_at", "pk")
    )
