"""A batch's review settings and its rubric (fixed from the batch's first expert assignment)."""

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exceptions import StateConflict
from portal.selectors import province_admins
from portal.services import audit_log_record
from scenarios.models import Batch, DecisionConfirmation, RubricCriterion

from .. import rules
from .common import (
    require_province_admin,
)

DEFAULT_RUBRIC = [
    # (name, name_en, what to look at, weight, max score)
    (
        gettext_lazy("场景建设水平"),
        "Scenario implementation",
        gettext_lazy("已实施场景的深度、覆盖环节与集成程度"),
        30,
        10,
    ),
    (
        gettext_lazy("成效指标"),
        "Effectiveness indicators",
        gettext_lazy("指标较基准年的改善幅度及数据可信度"),
        25,
        10,
    ),
    (
        gettext_lazy("支撑要素"),
        "Support elements",
        gettext_lazy("装备、网络、平台等支撑要素的建设情况"),
        15,
        10,
    ),
    (
        gettext_lazy("材料真实完整"),
        "Evidence",
        gettext_lazy("证明材料与填报内容是否一致、完整"),
        15,
        10,
    ),
    (
        gettext_lazy("示范推广价值"),
        "Demonstration value",
        gettext_lazy("在行业内的示范带动和复制推广价值"),
        15,
        10,
    ),
]


def rubric_ensure(batch: Batch) -> list[RubricCriterion]:
    """The batch's rubric, created from the defaults when it has none yet."""
    criteria = list(batch.rubric.order_by("no"))
    if criteria:
        return criteria
    return RubricCriterion.objects.bulk_create(
        RubricCriterion(
            batch=batch,
            no=no,
            name=str(name),
            name_en=name_en,
            description=str(description),
            weight=Decimal(weight),
            min_score=0,
            max_score=max_score,
        )
        for no, (name, name_en, description, weight, max_score) in enumerate(DEFAULT_RUBRIC, 1)
    )


def rubric_assignment_start(batch: Batch) -> bool:
    """Before assigning experts: the batch row locked (a concurrent rubric change waits, and is
    refused once the assignments commit) and its rubric created from the defaults when it has
    none. True when the rubric is not fixed yet, so that the assignments to come fix it."""
    Batch.objects.select_for_update().get(pk=batch.pk)
    rubric_ensure(batch)
    return not rules.rubric_locked(batch)


def rubric_fixed_record(batch: Batch, actor) -> None:
    """The audit entry of the batch's first expert assignment fixing its rubric."""
    audit_log_record(
        actor=actor,
        action="batch.rubric_fix",
        target=batch,
        summary=_("首次分配评审专家，批次 %(batch)s 的评分标准自此固定") % {"batch": batch.name},
        data={
            "rubric": [
                [c.no, c.name, str(c.weight), c.min_score, c.max_score]
                for c in batch.rubric.order_by("no")
            ]
        },
    )


RUBRIC_FIXED_MESSAGE = gettext_lazy(
    "本批次已开始分配评审专家，评分标准自首次分配起固定，不能再修改。"
)

# What the formal check asks of the batch's applications (defaults named in scenarios.models).
FORMAL_CHECK_FIELDS = (
    "statement_years_required",
    "requires_business_licence",
    "min_cmmm_workshop",
    "min_cmmm_factory",
    "min_cmmm_benchmark",
    "min_self_test_workshop",
    "min_self_test_factory",
    "min_self_test_benchmark",
)

BATCH_REVIEW_FIELDS = (
    "name",
    "opens_at",
    "closes_at",
    "experts_see_identity",
    "reviewers_per_assessment",
    "avoid_same_city",
    "aggregation",
    "disagreement_threshold",
    "decision_confirmation",
    "requires_district_step",
    "site_visit",
    "site_visit_tier",
    "district_deadline",
    "city_deadline",
    "formal_check_deadline",
    "review_deadline",
    "decision_deadline",
    "resubmission_days",
    "reminder_days",
    "validity_years",
    *FORMAL_CHECK_FIELDS,
)


@transaction.atomic
def batch_settings_update(*, batch: Batch, actor, data: dict, criteria: list[dict] | None = None):
    """Dates and review settings of a batch, and its rubric (``criteria``: name, name_en,
    description, weight, min_score, max_score, in order). The rubric is fixed from the batch's
    first expert assignment."""
    require_province_admin(actor)
    batch = Batch.objects.select_for_update().get(pk=batch.pk)
    changed = {}
    for field in BATCH_REVIEW_FIELDS:
        if field in data and getattr(batch, field) != data[field]:
            changed[field] = [str(getattr(batch, field)), str(data[field])]
            setattr(batch, field, data[field])
    if "decision_confirmation" in changed:
        _second_admin_exists(batch)
    if changed:  # an unchanged save would still add a row to the batch's history
        batch.full_clean()
        batch.save()
    rubric_before = _rubric_text(batch) if criteria is not None else []
    if criteria is not None and _rubric_replace(batch, criteria):
        changed["rubric"] = [rubric_before, _rubric_text(batch)]
    if changed:
        audit_log_record(
            actor=actor,
            action="batch.settings",
            target=batch,
            summary=_("修改批次设置：%(fields)s") % {"fields": "、".join(changed)},
            data={"changed": changed},
        )
    return batch


def _second_admin_exists(batch: Batch) -> None:
    """A four-eyes rule needs two province admins, or no decision could ever be confirmed."""
    if batch.decision_confirmation != DecisionConfirmation.OFF and province_admins().count() < 2:
        raise ValidationError(
            {
                "decision_confirmation": _(
                    "认定决定复核须由两位省级管理员完成，目前只有一位省级管理员账户。"
                )
            }
        )


def _rubric_text(batch: Batch) -> list[str]:
    """The rubric in words for the audit log's before and after: name, weight, score range."""
    return [
        f"{c.name} {c.weight} [{c.min_score}–{c.max_score}]" for c in batch.rubric.order_by("no")
    ]


def _decimal_or_raw(value):
    """A weight as a Decimal, or as given when it is not a number, so that the model's
    validation reports it against its field instead of failing here."""
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def _rubric_replace(batch: Batch, criteria: list[dict]) -> bool:
    """Replace the rubric by ``criteria``; False when they are the rubric already."""
    current = [
        (c.name, c.name_en, c.description, c.weight, c.min_score, c.max_score)
        for c in batch.rubric.order_by("no")
    ]
    given = [
        (
            c.get("name", ""),
            c.get("name_en", ""),
            c.get("description", ""),
            _decimal_or_raw(c.get("weight")),
            c.get("min_score"),
            c.get("max_score"),
        )
        for c in criteria
    ]
    if given == current:
        return False
    if rules.rubric_locked(batch):
        raise StateConflict({"rubric": ValidationError(RUBRIC_FIXED_MESSAGE, code="rubric_fixed")})
    if not given:
        raise ValidationError({"rubric": _("评分标准至少需要一项。")})
    errors = {}
    rows = []
    for no, row in enumerate(given, 1):
        criterion = RubricCriterion(
            batch=batch,
            no=no,
            name=row[0],
            name_en=row[1],
            description=row[2],
            weight=row[3],
            min_score=row[4],
            max_score=row[5],
        )
        try:
            criterion.full_clean(exclude=["batch"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors[f"rubric.{no}.{field}"] = messages
        rows.append(criterion)
    if errors:
        raise ValidationError(errors)
    batch.rubric.all().delete()
    RubricCriterion.objects.bulk_create(rows)
    return True
