"""The tables behind the exports, as DataFrames whose columns are the headers in the reader's
language. Each starts from the gate of the page it exports (``review_queue_filter``,
``assessments_for``, ``audit_log_for``…) and reads with a fixed number of queries, whatever
the number of rows."""

import pandas as pd
from django.contrib.contenttypes.models import ContentType
from django.db.models import Func, JSONField, QuerySet
from django.db.models.fields.json import KeyTransform
from django.utils.translation import gettext as _

from evaluation.flag_selectors import batch_reviewer_flags
from evaluation.models import (
    AnswerStatus,
    Assessment,
    Evaluation,
    ScenarioAnswer,
    State,
    SupportElementAnswer,
)
from evaluation.selectors import assessments_for
from indicators.models import IndicatorDefinition
from portal.audit import SYSTEM_ACTOR, audit_action_label, audit_changes_text
from portal.identity import IDENTITY_FIELDS
from portal.models import ENTERPRISE_PROFILE_FIELDS, AuditLog, City, Enterprise, IndustryType
from review.filters import review_queue_filter
from review.models import Decision
from review.selectors import (
    batch_expert_reviews,
    decision_rows,
    expert_loads,
    finding_text,
    pending_proposals,
    public_list,
    tier_label,
)
from scenarios.models import Batch, Tier

IMPROVEMENT_DECIMALS = 2  # the improvement is a percentage; the pages show one decimal


def _label(model, field: str) -> str:
    return str(model._meta.get_field(field).verbose_name)


def _labels(choices) -> dict:
    """Stored value → label in the reader's language; blank and missing stay blank."""
    return {value: str(label) for value, label in choices} | {"": "", None: ""}


def _read(queryset, *columns: str) -> pd.DataFrame:
    """The columns of every row of ``queryset``, in one query."""
    return pd.DataFrame.from_records(list(queryset.values_list(*columns)), columns=columns)


def _tier_labels() -> dict:
    """The tier an evaluation reaches; no evaluation yet is blank."""
    return {t: str(tier_label(t)) for t in [*Tier.values, ""]} | {None: ""}


# --- the review queue ------------------------------------------------------------------------


def review_queue_frame(*, user, data) -> pd.DataFrame:
    """Every row of the queue as the page filters it (all pages), in the page's columns."""
    frame = _read(
        review_queue_filter(user=user, data=data).qs,
        "applicant_name",
        "applicant_credit_code",
        "applicant_city",
        "applicant_industry_type",
        "batch__name",
        "submitted_at",
        "evaluation__highest_tier",
        "state",
    )
    return pd.DataFrame(
        {
            _("企业"): frame["applicant_name"],
            _label(Enterprise, "credit_code"): frame["applicant_credit_code"],
            _("设区市"): frame["applicant_city"].map(_labels(City.choices)),
            _label(Enterprise, "industry_type"): frame["applicant_industry_type"].map(
                _labels(IndustryType.choices)
            ),
            _label(Assessment, "batch"): frame["batch__name"],
            _label(Assessment, "submitted_at"): pd.to_datetime(frame["submitted_at"], utc=True),
            _label(Evaluation, "highest_tier"): frame["evaluation__highest_tier"].map(
                _tier_labels()
            ),
            _label(Assessment, "state"): frame["state"].map(_labels(State.choices)),
        }
    )


# --- a batch's decisions, expert loads and public list ---------------------------------------


def decisions_frame(*, batch: Batch) -> pd.DataFrame:
    """The decisions page's table: scores, computed and recommended tiers, state, decision
    (flagged with its reasons and justification, who decided and who confirmed), a proposal
    awaiting confirmation, the plausibility flags, then every expert's review in full — name, total, recommended
    tier, each criterion's score, the scenario verdicts with their reasons and the opinion —
    a group of columns per expert."""
    states = _labels(State.choices)
    reviews, proposals = batch_expert_reviews(batch), pending_proposals(batch)
    criteria = list(batch.rubric.order_by("no"))
    slots = max((len(r) for r in reviews.values()), default=0)
    records = []
    rows = decision_rows(batch)
    flags = batch_reviewer_flags(batch, [row.assessment for row in rows])
    for row in rows:
        a, agg = row.assessment, row.aggregate
        decision = getattr(a, "decision", None)
        proposal = proposals.get(a.pk)
        flagged = decision or proposal
        records.append(
            [
                a.applicant_name,
                a.applicant_credit_code,
                a.get_applicant_city_display(),
                row.reviews_done,
                row.reviews_total,
                agg.mean if agg else None,
                agg.normalised if agg else None,
                agg.spread if agg else None,
                (_("是") if agg.disagreement else _("否")) if agg else "",
                tier_label(row.computed_tier),
                "、".join(str(tier_label(t)) for t in row.recommended),
                _site_visit_cell(row),
                states[a.state],
                decision.get_tier_display() if decision else "",
                decision.reason if decision else "",
                "".join(flagged.flag_reasons) if flagged else "",
                flagged.justification if flagged else "",
                flagged.summary if flagged else "",
                _person(decision.decided_by) if decision else "",
                _person(decision.confirmed_by) if decision else "",
                _proposal_text(proposal),
                "；".join(f.message for f in flags[a.pk]),
                *_review_cells(reviews.get(a.pk, []), criteria, slots),
            ]
        )
    return pd.DataFrame.from_records(
        records,
        columns=[
            _("企业"),
            _label(Enterprise, "credit_code"),
            _("设区市"),
            _("已提交评审"),
            _("评审专家数"),
            _("平均分"),
            _("标准化得分"),
            _("极差"),
            _("存在分歧"),
            _("系统计算层级"),
            _("专家建议层级"),
            _("现场核查"),
            _label(Assessment, "state"),
            _label(Decision, "tier"),
            _("决定理由"),
            _("标记"),
            _("偏离说明"),
            _("讨论总结意见"),
            _("决定人"),
            _("确认人"),
            _("待确认的认定提议"),
            _("数据合理性提示"),
            *_review_headers(criteria, slots),
        ],
    )


def _site_visit_cell(row) -> str:
    """The submitted report's finding with its text, else where the visit stands (blank when
    none is required)."""
    if row.site_visit is not None:
        return finding_text(row.site_visit)
    stage = row.site_visit_stage
    return str(stage.label) if stage and stage != "not_required" else ""


def batch_summary_frame(*, batch: Batch) -> pd.DataFrame:
    """The province's summary of a batch for its decision meeting: each application in or
    past expert review with its applicant, city, computed tier, the experts' recommended
    tiers and mean score, the site visit's finding and the decision if any."""
    states = _labels(State.choices)
    records = []
    for no, row in enumerate(decision_rows(batch), 1):
        a, agg = row.assessment, row.aggregate
        decision = getattr(a, "decision", None)
        records.append(
            [
                no,
                a.applicant_name,
                a.applicant_credit_code,
                a.get_applicant_city_display(),
                tier_label(row.computed_tier),
                "、".join(str(tier_label(t)) for t in row.recommended),
                agg.mean if agg else None,
                _site_visit_cell(row),
                states[a.state],
                decision.get_outcome_display() if decision else "",
                decision.get_tier_display() if decision else "",
            ]
        )
    return pd.DataFrame.from_records(
        records,
        columns=[
            _("序号"),
            _("企业"),
            _label(Enterprise, "credit_code"),
            _("设区市"),
            _("系统计算层级"),
            _("专家建议层级"),
            _("平均分"),
            _("现场核查"),
            _label(Assessment, "state"),
            _("决定"),
            _label(Decision, "tier"),
        ],
    )


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def _proposal_text(proposal) -> str:
    if proposal is None:
        return ""
    tier = f" · {proposal.get_tier_display()}" if proposal.tier else ""
    return _("%(outcome)s%(tier)s（提议人 %(by)s）：%(reason)s") % {
        "outcome": proposal.get_outcome_display(),
        "tier": tier,
        "by": _person(proposal.proposed_by),
        "reason": proposal.reason,
    }


def _review_headers(criteria: list, slots: int) -> list[str]:
    headers = []
    for n in range(1, slots + 1):
        expert = _("专家 %(n)s") % {"n": n}
        headers += [
            expert,
            f"{expert} · {_('总分')}",
            f"{expert} · {_('建议认定层级')}",
            *(f"{expert} · {c.display_name}" for c in criteria),
            f"{expert} · {_('场景评审意见')}",
            f"{expert} · {_('总体评审意见')}",
        ]
    return headers


def _verdicts_text(review) -> str:
    """e.g. 场景 3 认可；场景 5 不认可：证据不足"""
    words = {True: _("认可"), False: _("不认可"), None: _("未评")}
    return "；".join(
        _("场景 %(no)s %(verdict)s") % {"no": v.no, "verdict": words[v.accepted]}
        + (f"：{v.comment}" if v.comment else "")
        for v in review.verdicts
    )


def _review_cells(reviews: list, criteria: list, slots: int) -> list:
    cells = []
    for n in range(slots):
        if n >= len(reviews):
            cells += [None] * (5 + len(criteria))
            continue
        review = reviews[n]
        scores = {s.criterion_id: s.score for s in review.scores}
        cells += [
            review.expert_name,
            float(review.total) if review.total is not None else None,
            review.recommended_label,
            *(scores.get(c.pk) for c in criteria),
            _verdicts_text(review),
            review.opinion,
        ]
    return cells


def expert_loads_frame(*, batch: Batch) -> pd.DataFrame:
    """The assignments page's expert loads: to do, done, declined and the load."""
    return pd.DataFrame.from_records(
        [
            [
                load.expert.get_full_name() or load.expert.username,
                load.expert.employer,
                load.expert.get_city_display(),
                load.active,
                load.submitted,
                load.declined,
                load.load,
            ]
            for load in expert_loads(batch)
        ],
        columns=[
            _("评审专家"),
            _("工作单位"),
            _("所在市"),
            _("待评审"),
            _("已提交"),
            _("已回避"),
            _("工作量"),
        ],
    )


def public_list_frame(*, batch: Batch) -> pd.DataFrame:
    """The published list: what the public page shows, nothing more, in its order."""
    return pd.DataFrame.from_records(
        [[r["enterprise"], r["city"], r["tier_display"]] for r in public_list(batch)],
        columns=[_("企业名称"), _("所在地区"), _("认定层级")],
    )


# --- the audit log ---------------------------------------------------------------------------


def audit_log_frame(*, entries: QuerySet[AuditLog]) -> pd.DataFrame:
    """Every entry of ``entries`` (the page's filters, ``audit_log_filter``: all its pages),
    in its order: the action in words, no actor as the system, each changed field with its
    value before and after."""
    frame = _read(
        entries,
        "created_at",
        "actor__username",
        "action",
        "enterprise__name",
        "summary",
        "data",
        "target_type_id",
    )
    models = {
        pk: ContentType.objects.get_for_id(pk).model_class()
        for pk in frame["target_type_id"].dropna().unique()
    }
    return pd.DataFrame(
        {
            _label(AuditLog, "created_at"): pd.to_datetime(frame["created_at"], utc=True),
            _label(AuditLog, "actor"): frame["actor__username"].fillna(str(SYSTEM_ACTOR)),
            _label(AuditLog, "action"): frame["action"].map(lambda a: str(audit_action_label(a))),
            _label(AuditLog, "enterprise"): frame["enterprise__name"],
            _label(AuditLog, "summary"): frame["summary"],
            _label(AuditLog, "data"): [
                audit_changes_text(data, models.get(target))
                for data, target in zip(frame["data"], frame["target_type_id"], strict=True)
            ],
        }
    )


# --- a batch's full data ---------------------------------------------------------------------


class StatusMap(Func):
    """``{"<no>": status}`` of a snapshot's answers, taken apart in the database: the rest of
    the snapshot (descriptions, inputs, evidence) is never sent. NULL without a snapshot."""

    output_field = JSONField()

    def as_postgresql(self, compiler, connection, **extra):
        template = (
            "(SELECT jsonb_object_agg(s.key, s.value->'status') FROM jsonb_each(%(expressions)s) s)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):
        template = (
            "(SELECT json_group_object(s.key, json_extract(s.value, '$.status')) "
            "FROM json_each(%(expressions)s) s)"
        )
        return self.as_sql(compiler, connection, template=template, **extra)


def _draft_statuses(assessments: QuerySet, model, item_field: str) -> dict[int, dict]:
    """The live answers of the assessments without a snapshot (drafts), one query."""
    statuses = {}
    for aid, no, status in (
        model.objects.filter(assessment__in=assessments.filter(snapshot__isnull=True))
        .values_list("assessment_id", f"{item_field}__no", "status")
        .iterator(chunk_size=20000)
    ):
        statuses.setdefault(aid, {})[str(no)] = status
    return statuses


def _answer_columns(maps: pd.Series, drafts: dict, items, header: str) -> dict:
    """One column per catalog item: each assessment's status label (not started when it has
    no answer)."""
    merged = [m if m is not None else drafts.get(aid, {}) for aid, m in maps.items()]
    wide = pd.DataFrame(merged, index=maps.index)
    labels = _labels(AnswerStatus.choices)
    not_started = labels[AnswerStatus.NOT_STARTED]
    columns = {}
    for item in items:
        key = str(item.no)
        status = wide[key] if key in wide else pd.Series(None, index=maps.index, dtype=object)
        name = header % {"no": item.no, "name": item.display_name}
        columns[name] = status.map(labels).fillna(not_started).replace("", not_started)
    return columns


def _indicator_columns(frame: pd.DataFrame, definitions: list) -> dict:
    """Base-year value, current-year value and improvement of each indicator, as numbers
    rounded as the pages show them; blank where the stored evaluation has none."""
    n = len(definitions)

    def matrix(key: str) -> pd.DataFrame:
        lists = [v if isinstance(v, list) and len(v) == n else [None] * n for v in frame[key]]
        values = pd.DataFrame(lists, index=frame.index, columns=range(n))
        return values.apply(pd.to_numeric, errors="coerce")

    base, current, change = matrix("base"), matrix("current"), matrix("improvement")
    columns = {}
    base_label, current_label, change_label = _("基准年"), _("当年"), _("改善（%）")
    for i, d in enumerate(definitions):
        name = _("指标 %(no)s %(name)s（%(unit)s）") % {
            "no": d.no,
            "name": d.display_name,
            "unit": d.display_unit,
        }
        columns[f"{name} · {base_label}"] = base[i].round(d.decimals)
        columns[f"{name} · {current_label}"] = current[i].round(d.decimals)
        columns[f"{name} · {change_label}"] = change[i].round(IMPROVEMENT_DECIMALS)
    return columns


def _profile_source(field: str) -> str:
    """The identity as the applicant applied (frozen at submission), the rest as it is now."""
    return f"applicant_{field}" if field in IDENTITY_FIELDS else f"enterprise__{field}"


def batch_data_frame(*, user, batch: Batch) -> pd.DataFrame:
    """One row per assessment of the batch the user may see: the enterprise profile, state,
    submission time, the tier applied for and the tier decided, each scenario's and support
    element's status and each indicator's values for both years with the improvement.

    Answers come from the frozen snapshot once submitted (what the evaluation was computed
    from), from the live answers of a draft. Six queries, whatever the size of the batch."""
    version = batch.catalog_version
    scenarios = list(version.scenarios.order_by("no"))
    elements = list(version.support_elements.order_by("no"))
    definitions = list(IndicatorDefinition.objects.filter(version=version).order_by("no"))
    assessments = assessments_for(user).filter(batch=batch)
    queryset = assessments.order_by("applicant_city", "applicant_name", "pk").annotate(
        scenarios=StatusMap(KeyTransform("scenarios", "snapshot")),
        support=StatusMap(KeyTransform("support_elements", "snapshot")),
        base=KeyTransform("value", KeyTransform("base", "evaluation__indicators")),
        current=KeyTransform("value", KeyTransform("current", "evaluation__indicators")),
        improvement=KeyTransform("improvement", "evaluation__indicators"),
    )
    frame = _read(
        queryset,
        "pk",
        *[_profile_source(f) for f in ENTERPRISE_PROFILE_FIELDS],
        "state",
        "submitted_at",
        "evaluation__id",
        "evaluation__highest_tier",
        "decided_tier",
        "scenarios",
        "support",
        "base",
        "current",
        "improvement",
    ).set_index("pk", drop=False)
    columns = {_("申报 ID"): frame["pk"]}
    for field in ENTERPRISE_PROFILE_FIELDS:
        model_field = Enterprise._meta.get_field(field)
        values = frame[_profile_source(field)]
        if model_field.choices:
            values = values.map(_labels(model_field.choices))
        columns[str(model_field.verbose_name)] = values
    columns[_label(Assessment, "state")] = frame["state"].map(_labels(State.choices))
    columns[_label(Assessment, "submitted_at")] = pd.to_datetime(frame["submitted_at"], utc=True)
    columns[_label(Evaluation, "highest_tier")] = (
        frame["evaluation__highest_tier"]
        .map(_tier_labels())
        .where(frame["evaluation__id"].notna(), "")
    )
    columns[_label(Assessment, "decided_tier")] = frame["decided_tier"].map(_labels(Tier.choices))
    columns |= _answer_columns(
        frame["scenarios"],
        _draft_statuses(assessments, ScenarioAnswer, "scenario"),
        scenarios,
        _("场景 %(no)s %(name)s"),
    )
    columns |= _answer_columns(
        frame["support"],
        _draft_statuses(assessments, SupportElementAnswer, "support_element"),
        elements,
        _("支撑要素 %(no)s %(name)s"),
    )
    columns |= _indicator_columns(frame, definitions)
    return pd.DataFrame(columns).reset_index(drop=True)
