"""Compute the 19 indicators for one set of inputs, and their improvement between two years.

The same compiled formulas serve the batch path (``indicators.batch``); this
module is the reference: Decimal arithmetic, one assessment at a time.
"""

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from scenarios.frozen import per_published_version

from .formula import Formula, Undefined
from .inputs import InputSpec
from .models import Applicability, Direction, IndicatorDefinition


class Status(models.TextChoices):
    OK = "ok", gettext_lazy("已计算")
    MISSING_INPUT = "missing_input", gettext_lazy("缺少输入")
    UNDEFINED = "undefined", gettext_lazy("无法计算")
    NOT_APPLICABLE = "not_applicable", gettext_lazy("不适用")


@dataclass(frozen=True)
class IndicatorResult:
    no: int
    code: str
    value: Decimal | None
    unit: str
    status: str
    detail: str
    missing: tuple[str, ...] = ()
    reason: str = ""  # why an undefined indicator is undefined (e.g. a zero denominator)

    def as_json(self) -> dict:
        data = asdict(self)
        del data["reason"]
        data["value"] = None if self.value is None else str(self.value)
        data["missing"] = list(self.missing)
        return data


def is_applicable(applicability: str, industry_type: str) -> bool:
    return applicability == Applicability.ALL or industry_type in ("mixed", applicability)


def applicable_input_codes(indicators, industry_type: str) -> set[str]:
    """The inputs that some indicator applying to ``industry_type`` reads: the others do not
    apply to an enterprise of that type."""
    return {
        code
        for indicator in indicators
        if is_applicable(indicator.applicability, industry_type)
        for code in indicator.inputs
    }


@dataclass(frozen=True)
class CompiledIndicator:
    definition: IndicatorDefinition
    formula: Formula

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(self.definition.inputs)

    @property
    def input_order(self) -> list[str]:
        """The inputs the formula reads: declared order first, then any others by name."""
        used = self.formula.inputs
        return [c for c in self.inputs if c in used] + sorted(used - set(self.inputs))


class DetailTexts:
    """Status details in the active language, shared by the single and the batch engine.

    Built once per use so a batch does not translate per row.
    """

    def __init__(self):
        self.not_applicable = _("该指标%(scope)s，不适用于本企业的行业类型。")
        self.missing = _("缺少输入：%(names)s")
        self.undefined = _("无法计算：%(reason)s。")
        self.incomplete = _("基准年或当年数据不完整")
        self.zero_base = _("基准年数值为 0，无法计算改善幅度")

    def missing_inputs(self, paths, names: dict[str, str]) -> str:
        return self.missing % {"names": "、".join(readable_input(p, names) for p in paths)}

    def detail(
        self, definition, status: str, missing=(), reason: str = "", names: dict | None = None
    ) -> str:
        """Why an indicator has no value; "" when it has one."""
        if status == Status.NOT_APPLICABLE:
            return self.not_applicable % {"scope": definition.get_applicability_display()}
        if status == Status.MISSING_INPUT:
            return self.missing_inputs(missing, names or {})
        if status == Status.UNDEFINED:
            return self.undefined % {"reason": reason}
        return ""

    def improvement_detail(self, base_status: str, current_status: str, base_is_zero: bool) -> str:
        """Why an indicator has no improvement figure; "" when it has one or does not apply."""
        if current_status == Status.NOT_APPLICABLE:
            return ""
        if base_status != Status.OK or current_status != Status.OK:
            return self.incomplete
        return self.zero_base if base_is_zero else ""


def readable_input(path: str, names: dict[str, str]) -> str:
    """``warehouses[0].outbound`` with the input code replaced by its name."""
    code = path.split("[", 1)[0]
    return path.replace(code, names.get(code, code), 1)


class IndicatorSet:
    """The indicators of one catalog version, formulas parsed once."""

    def __init__(self, definitions, spec: InputSpec):
        self.spec = spec
        self.indicators = [CompiledIndicator(d, spec.compile(d.formula)) for d in definitions]
        self.input_names = {code: d.name for code, d in spec.definitions.items()}

    @classmethod
    def for_version(cls, version) -> "IndicatorSet":
        return _indicator_set(version)

    @classmethod
    def build(cls, version) -> "IndicatorSet":
        definitions = IndicatorDefinition.objects.filter(version=version).order_by("no")
        return cls(list(definitions), InputSpec.for_version(version))

    def compute(self, values: dict, industry_type: str) -> list[IndicatorResult]:
        texts = DetailTexts()
        return [self.compute_one(c, values, industry_type, texts) for c in self.indicators]

    def compute_one(
        self, compiled: CompiledIndicator, values: dict, industry_type: str, texts: DetailTexts
    ) -> IndicatorResult:
        definition = compiled.definition

        def result(value, status, missing=(), reason=""):
            return IndicatorResult(
                no=definition.no,
                code=definition.code,
                value=value,
                unit=definition.unit,
                status=status,
                detail=texts.detail(definition, status, missing, reason, self.input_names),
                missing=tuple(missing),
                reason=reason,
            )

        if not is_applicable(definition.applicability, industry_type):
            return result(None, Status.NOT_APPLICABLE)
        missing = missing_inputs(compiled, values, self.spec)
        if missing:
            return result(None, Status.MISSING_INPUT, missing)
        try:
            value = compiled.formula.evaluate(values)
        except Undefined as exc:
            return result(None, Status.UNDEFINED, reason=str(exc))
        return result(value, Status.OK)


_indicator_set = per_published_version(IndicatorSet.build)


def missing_inputs(compiled: CompiledIndicator, values: dict, spec: InputSpec) -> list[str]:
    """The input codes (or table cells) the formula needs and the values lack."""
    missing = []
    for code in compiled.input_order:
        if code not in values:
            missing.append(code)
            continue
        if code in spec.tables:
            needed = spec.table_numeric_columns(code)
            for index, row in enumerate(values[code]):
                missing.extend(
                    f"{code}[{index}].{col}" for col in sorted(needed) if row.get(col) is None
                )
    return missing


def improvement(
    direction: str,
    base: IndicatorResult,
    current: IndicatorResult,
    texts: DetailTexts | None = None,
) -> tuple[Decimal | None, str]:
    """Relative change from the base year, in %, positive when the indicator got better."""
    texts = texts or DetailTexts()
    if base.status != Status.OK or current.status != Status.OK or base.value == 0:
        return None, texts.improvement_detail(base.status, current.status, base.value == 0)
    change = (current.value - base.value) / abs(base.value) * 100
    return (change if direction == Direction.HIGHER else -change), ""


def round_for_display(value: Decimal | None, decimals: int) -> Decimal | None:
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def shown_number(value, decimals: int) -> str:
    """A figure as pages, charts and the PDF show it: rounded half up (never truncated) to
    ``decimals`` places, then localised with grouping. The one rounding every table and chart
    uses, so a bar's label and its table cell agree."""
    if value is None or value == "":
        return "—"
    rounded = round_for_display(Decimal(str(value)), decimals)
    return number_format(rounded, decimal_pos=decimals, force_grouping=True)


def format_value(value: Decimal | None, decimals: int, unit: str = "") -> str:
    rounded = round_for_display(value, decimals)
    if rounded is None:
        return "—"
    text = f"{rounded:,.{decimals}f}"
    return f"{text} {unit}".strip()
