"""Calculators feeding indicators #13 (comprehensive energy, tce) and #14 (CO2, t).

Energy per GB/T 2589-2020: each carrier's quantity × its conversion coefficient
to standard coal. CO2: fuels × emission factors + purchased electricity (and
heat) × grid factor. The coefficient tables are data the province admin edits.
"""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from scenarios.models import BilingualMixin

from .inputs import clean_number
from .models import EmissionFactor, EnergyCarrier

THOUSAND = Decimal(1000)


@dataclass(frozen=True)
class CalculatorLine:
    code: str
    quantity: Decimal
    factor: Decimal
    result: Decimal  # tce or t CO2
    names: tuple[str, str]  # Chinese, English: as the factor table named it when computed
    units: tuple[str, str]

    @property
    def name(self) -> str:
        return BilingualMixin._pick(*self.names)

    @property
    def unit(self) -> str:
        return BilingualMixin._pick(*self.units)

    @property
    def factor_text(self) -> str:
        """The factor as its table gives it, without trailing zeros (0.1229, not 0.122900)."""
        return format(self.factor.normalize(), "f")

    def stored(self) -> dict:
        """As kept with the input (JSON): the factor used, whatever the table says later."""
        return {
            "code": self.code,
            "name": self.names[0],
            "name_en": self.names[1],
            "unit": self.units[0],
            "unit_en": self.units[1],
            "quantity": str(self.quantity),
            "factor": str(self.factor),
            "result": str(self.result),
        }

    @classmethod
    def from_stored(cls, row: dict) -> "CalculatorLine":
        return cls(
            code=row["code"],
            quantity=Decimal(row["quantity"]),
            factor=Decimal(row["factor"]),
            result=Decimal(row["result"]),
            names=(row["name"], row.get("name_en", "")),
            units=(row["unit"], row.get("unit_en", "")),
        )


def _lines(entries, factors: dict, factor_attr: str) -> list[CalculatorLine]:
    if not isinstance(entries, list) or not entries:
        raise ValidationError({"entries": [_("请至少填写一项。")]})
    errors, lines = {}, []
    for index, entry in enumerate(entries):
        code = entry.get("code") if isinstance(entry, dict) else None
        factor = factors.get(code)
        if factor is None:
            errors[f"entries[{index}].code"] = [_("未知的品种：%(code)s") % {"code": code}]
            continue
        quantity, error = clean_number(entry.get("quantity"), "number")
        if error:
            errors[f"entries[{index}].quantity"] = [error]
            continue
        coefficient = getattr(factor, factor_attr)
        lines.append(
            CalculatorLine(
                code=code,
                quantity=quantity,
                factor=coefficient,
                result=quantity * coefficient / THOUSAND,
                names=(factor.name, factor.name_en),
                units=(factor.unit, factor.unit_en),
            )
        )
    if errors:
        raise ValidationError(errors)
    return lines


def energy_total_tce(entries: list[dict]) -> tuple[Decimal, list[CalculatorLine]]:
    """Σ quantity × kgce per unit ÷ 1000, in tonnes of standard coal."""
    lines = _lines(entries, {c.code: c for c in EnergyCarrier.objects.all()}, "kgce_per_unit")
    return sum((line.result for line in lines), Decimal(0)), lines


def co2_total_t(entries: list[dict]) -> tuple[Decimal, list[CalculatorLine]]:
    """Σ quantity × kg CO2 per unit ÷ 1000, in tonnes of CO2."""
    lines = _lines(entries, {f.code: f for f in EmissionFactor.objects.all()}, "kgco2_per_unit")
    return sum((line.result for line in lines), Decimal(0)), lines


@dataclass(frozen=True)
class Calculator:
    """A calculator, the input it fills and its coefficient table."""

    kind: str
    input_code: str
    unit: str
    calculate: Callable[[list[dict]], tuple[Decimal, list[CalculatorLine]]]
    factors: type

    def choices(self) -> list:
        return list(self.factors.objects.order_by("pk"))


CALCULATORS = {
    "energy": Calculator("energy", "total_energy_tce", "tce", energy_total_tce, EnergyCarrier),
    "co2": Calculator("co2", "co2_emissions_t", "t", co2_total_t, EmissionFactor),
}
CALCULATOR_FOR_INPUT = {c.input_code: c for c in CALCULATORS.values()}


@dataclass(frozen=True)
class Breakdown:
    """A calculator's lines kept with the input it filled, for one year."""

    period: str
    total: Decimal
    lines: list[CalculatorLine]


def breakdown_record(total: Decimal, lines: list[CalculatorLine], stored_value) -> dict:
    """What is kept with the input: ``stored_value`` is the input as saved from ``total``."""
    return {"total": stored_value, "lines": [line.stored() for line in lines]}


def kept_breakdown(source, period: str, code: str) -> Breakdown | None:
    """The breakdown kept with input ``code`` of ``period`` in ``source`` (an assessment or a
    snapshot: ``{period}_inputs`` and ``calculations``) while the input still holds the total it
    gave; none once the value was typed over."""
    get = source.get if isinstance(source, dict) else lambda key, default: getattr(source, key)
    record = (get("calculations", None) or {}).get(period, {}).get(code)
    if not record or record.get("total") != (get(f"{period}_inputs", None) or {}).get(code):
        return None
    lines = [CalculatorLine.from_stored(row) for row in record["lines"]]
    return Breakdown(period, Decimal(str(record["total"])), lines)
