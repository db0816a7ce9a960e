"""Plausibility flags: figures a reviewer should look at twice, each saying what it compared and
the figures involved. A flag is a question, never a refusal (impossible input is refused by
``indicators.inputs``).

Two kinds:

- ``consistency_flags``: the enterprise's own inputs against each other (sales staff more than
  all employees, sales revenue far above gross output, an implemented scenario of a link the
  guide ties to energy with no energy data, defects or on-time orders without their totals or
  above them). Shown to the enterprise while it drafts and to its reviewers.
- ``outlier_flags`` and ``change_flags``: a current-year indicator beyond Tukey's fences of its
  group — the submitted assessments of the batch whose applicants share its industry type and
  size, itself included — ``PLAUSIBILITY_IQR_MULTIPLE`` interquartile ranges below the first or
  above the third quartile (only with at least ``MIN_PEERS`` others with a value); and an
  indicator that changed more than ``PLAUSIBILITY_CHANGE_FACTOR``-fold from the base year. For
  reviewers only (dossier, review API, the decisions export): the fences are figures of the
  peers, never shown to an enterprise.

All pure functions over plain data; ``evaluation.selectors`` reads the data.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from .peers import MIN_PEERS
from .tiers import IMPLEMENTED

PERIODS = ("base", "current")


@dataclass(frozen=True)
class Flag:
    code: str  # what kind of check
    subject: str  # the input or indicator code it concerns
    period: str  # base, current, or "" for both
    message: str  # what was compared, with the figures


def _number(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _fmt(value) -> str:
    """A figure as people write it: 12000, 1.5, 0.25 (no exponent, no trailing zeros)."""
    number = Decimal(str(value)).quantize(Decimal("0.01")).normalize()
    return f"{number:f}"


def _period_label(period: str) -> str:
    return _("基准年") if period == "base" else _("当年")


# (part, whole, the flag's code): a part of a total the guide's indicators divide by.
PART_OF_WHOLE = (
    ("inspected_defective", "inspected_total", "defects_vs_inspected"),
    ("on_time_orders", "total_orders", "on_time_vs_orders"),
    ("supplier_on_time_orders", "supplier_total_orders", "supplier_on_time_vs_orders"),
)


def consistency_flags(
    *,
    inputs: dict[str, dict],
    input_names: dict[str, str],
    scenario_status: dict,
    energy_scenarios: dict[int, str],
    sales_output_ratio: float | None = None,
) -> list[Flag]:
    """``inputs``: period → the period's inputs ({code: value}); ``input_names``: code → name;
    ``energy_scenarios``: the catalog's scenarios (no → name) of the links whose outcome is the
    energy indicator."""
    ratio_limit = Decimal(
        str(sales_output_ratio or settings.PLAUSIBILITY_SALES_OUTPUT_RATIO)
    ).normalize()
    flags = []
    for period in PERIODS:
        values = inputs.get(period) or {}
        year = _period_label(period)
        sales_staff = _number(values.get("sales_headcount"))
        employees = _number(values.get("avg_employees"))
        if sales_staff is not None and employees is not None and sales_staff > employees:
            flags.append(
                Flag(
                    "sales_staff_vs_employees",
                    "sales_headcount",
                    period,
                    _("%(year)s销售人数 %(sales)s 人多于职工平均人数 %(all)s 人")
                    % {"year": year, "sales": _fmt(sales_staff), "all": _fmt(employees)},
                )
            )
        revenue = _number(values.get("sales_revenue"))
        output = _number(values.get("gross_output_value"))
        if revenue is not None and output and revenue > ratio_limit * output:
            flags.append(
                Flag(
                    "sales_vs_output",
                    "sales_revenue",
                    period,
                    _(
                        "%(year)s销售收入 %(sales)s 万元是工业总产值 %(output)s 万元的 "
                        "%(ratio)s 倍（超过 %(limit)s 倍）"
                    )
                    % {
                        "year": year,
                        "sales": _fmt(revenue),
                        "output": _fmt(output),
                        "ratio": _fmt(revenue / output),
                        "limit": _fmt(ratio_limit),
                    },
                )
            )
        for part_code, whole_code, code in PART_OF_WHOLE:
            part, whole = _number(values.get(part_code)), _number(values.get(whole_code))
            if not part:
                continue
            names = {
                "year": year,
                "part": input_names.get(part_code, part_code),
                "whole": input_names.get(whole_code, whole_code),
                "n": _fmt(part),
            }
            if not whole:
                message = _("%(year)s填了%(part)s %(n)s，但%(whole)s为空或为 0") % names
            elif part > whole:
                message = _("%(year)s%(part)s %(n)s 大于%(whole)s %(total)s") % {
                    **names,
                    "total": _fmt(whole),
                }
            else:
                continue
            flags.append(Flag(code, part_code, period, message))
    implemented = {int(no) for no, status in scenario_status.items() if status == IMPLEMENTED}
    energy = [f"{no} {name}" for no, name in sorted(energy_scenarios.items()) if no in implemented]
    current = inputs.get("current") or {}
    if energy and _number(current.get("total_energy_tce")) is None:
        flags.append(
            Flag(
                "energy_scenario_without_energy_data",
                "total_energy_tce",
                "current",
                _("已实施能源管理相关场景（%(scenarios)s），但当年未填%(energy)s")
                % {
                    "scenarios": "、".join(energy),
                    "energy": input_names.get("total_energy_tce", "total_energy_tce"),
                },
            )
        )
    return flags


@dataclass(frozen=True)
class Fences:
    """Tukey's fences of one indicator in a group: ``multiple`` IQRs beyond the quartiles."""

    q1: float
    q3: float
    low: float
    high: float
    others: int  # values in the group besides the one judged
    multiple: float


def fences(values: Iterable[float], *, multiple: float | None = None) -> Fences | None:
    """The fences of ``values`` (the group's, the one judged included); None with fewer than
    ``MIN_PEERS`` others or no spread (IQR 0)."""
    array = np.asarray([v for v in values if v is not None and not np.isnan(v)], dtype=float)
    multiple = float(multiple or settings.PLAUSIBILITY_IQR_MULTIPLE)
    if len(array) - 1 < MIN_PEERS:
        return None
    q1, q3 = (float(q) for q in np.percentile(array, [25, 75]))
    iqr = q3 - q1
    if iqr <= 0:
        return None
    return Fences(q1, q3, q1 - multiple * iqr, q3 + multiple * iqr, len(array) - 1, multiple)


def outlier_flags(rows: list[dict], group_fences: dict[str, Fences | None]) -> list[Flag]:
    """``rows``: the assessment's indicator rows; ``group_fences``: code → its group's fences."""
    flags = []
    for row in rows:
        value, bounds = row["current"]["value"], group_fences.get(row["code"])
        if value is None or bounds is None or bounds.low <= float(value) <= bounds.high:
            continue
        flags.append(
            Flag(
                "peer_outlier",
                row["code"],
                "current",
                _(
                    "当年%(indicator)s %(value)s %(unit)s 超出同类企业（另 %(n)d 家）的合理范围 "
                    "%(low)s–%(high)s（四分位数 %(q1)s、%(q3)s 外 %(k)s 倍四分位距）"
                )
                % {
                    "indicator": row["name"],
                    "value": _fmt(value),
                    "unit": row["unit"],
                    "n": bounds.others,
                    "low": _fmt(bounds.low),
                    "high": _fmt(bounds.high),
                    "q1": _fmt(bounds.q1),
                    "q3": _fmt(bounds.q3),
                    "k": _fmt(bounds.multiple),
                },
            )
        )
    return flags


def change_flags(rows: list[dict], *, factor: float | None = None) -> list[Flag]:
    """Indicators whose current value is more than ``factor`` times the base year's, or less
    than its ``1/factor`` (both positive)."""
    factor = Decimal(str(factor or settings.PLAUSIBILITY_CHANGE_FACTOR)).normalize()
    flags = []
    for row in rows:
        base, current = row["base"]["value"], row["current"]["value"]
        if not base or not current or base < 0 or current < 0:
            continue
        ratio = max(base, current) / min(base, current)
        if ratio <= factor:
            continue
        flags.append(
            Flag(
                "base_to_current_change",
                row["code"],
                "",
                _(
                    "%(indicator)s从基准年 %(base)s 变为当年 %(current)s %(unit)s，"
                    "相差 %(ratio)s 倍（超过 %(limit)s 倍）"
                )
                % {
                    "indicator": row["name"],
                    "base": _fmt(base),
                    "current": _fmt(current),
                    "unit": row["unit"],
                    "ratio": _fmt(ratio),
                    "limit": _fmt(factor),
                },
            )
        )
    return flags
