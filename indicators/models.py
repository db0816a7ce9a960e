"""The 19 effectiveness indicators (成效评价) and the inputs they are computed from.

Both are part of a catalog version, so a correction to a formula is a new
catalog version and never changes the results of a batch already pinned.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from scenarios.models import BilingualMixin, CatalogItem, CatalogVersion


class IndicatorCategory(models.TextChoices):
    LEAN_OPERATIONS = "lean_operations", _("精益运营")
    VALUE_GROWTH = "value_growth", _("价值增长")
    SUSTAINABILITY = "sustainability", _("可持续发展")
    CAPABILITY = "capability", _("综合能力提升")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Applicability(models.TextChoices):
    ALL = "all", _("所有行业")
    PROCESS = "process", _("仅流程行业")
    DISCRETE = "discrete", _("仅离散行业")


class InputKind(models.TextChoices):
    NUMBER = "number", _("数值")
    COUNT = "count", _("计数（整数）")
    PERCENT = "percent", _("百分比（0–100）")
    TABLE = "table", _("明细表（多行）")


class InputDefinition(CatalogItem):
    """One input code (e.g. ``gross_output_value``) that indicator formulas refer to.

    ``fields`` describes the columns of a TABLE input, e.g. the warehouses of
    indicator #8: ``[{"code": "outbound", "name": "出库量", "kind": "number"}, ...]``.
    """

    version = models.ForeignKey(
        CatalogVersion,
        on_delete=models.CASCADE,
        related_name="inputs",
        verbose_name=_("目录版本"),
    )
    code = models.SlugField(_("输入代码"), max_length=50)
    unit = models.CharField(_("单位"), max_length=30, blank=True)
    unit_en = models.CharField(_("英文单位"), max_length=30, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=InputKind.choices)
    fields = models.JSONField(_("明细列"), default=list, blank=True)
    not_greater_than = models.SlugField(
        _("不得大于"),
        max_length=50,
        blank=True,
        help_text=_("部分不得大于整体：填写整体的输入代码，例如检验不合格数不得大于检验总数。"),
    )
    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("指标输入项")
        verbose_name_plural = _("指标输入项")
        constraints = [
            models.UniqueConstraint(fields=["version", "no"], name="uniq_inputdefinition_no"),
            models.UniqueConstraint(fields=["version", "code"], name="uniq_inputdefinition_code"),
        ]

    def __str__(self):
        return f"{self.code} · {self.display_name}"

    @property
    def display_unit(self) -> str:
        return self._pick(self.unit, self.unit_en)


class IndicatorDefinition(CatalogItem):
    """One of the 19 indicators; ``description`` holds the seed's definition text."""

    version = models.ForeignKey(
        CatalogVersion,
        on_delete=models.CASCADE,
        related_name="indicators",
        verbose_name=_("目录版本"),
    )
    code = models.SlugField(_("指标代码"), max_length=50)
    category = models.CharField(_("类别"), max_length=20, choices=IndicatorCategory.choices)
    unit = models.CharField(_("单位"), max_length=30)
    unit_en = models.CharField(_("英文单位"), max_length=30, blank=True)
    formula = models.CharField(
        _("计算公式"),
        max_length=500,
        blank=True,
        help_text=_("基于输入代码的算术表达式，例如 gross_output_value / avg_employees。"),
    )
    seed_formula = models.CharField(_("指引原文公式"), max_length=300, blank=True)
    direction = models.CharField(_("方向"), max_length=10, choices=Direction.choices)
    applicability = models.CharField(
        _("适用范围"), max_length=10, choices=Applicability.choices, default=Applicability.ALL
    )
    inputs = models.JSONField(_("输入代码"), default=list)
    decimals = models.PositiveSmallIntegerField(_("显示小数位"), default=2)
    correction_note = models.TextField(_("勘误说明"), blank=True)
    correction_note_en = models.TextField(_("英文勘误说明"), blank=True)
    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("成效指标")
        verbose_name_plural = _("成效指标")
        constraints = [
            models.UniqueConstraint(fields=["version", "no"], name="uniq_indicator_no"),
            models.UniqueConstraint(fields=["version", "code"], name="uniq_indicator_code"),
        ]

    def clean(self):
        super().clean()
        from .formula import FormulaError
        from .inputs import formula_for

        if self.formula and self.version_id:
            try:
                compiled = formula_for(self)
            except FormulaError as exc:
                raise ValidationError({"formula": str(exc)}) from exc
            undeclared = compiled.inputs - set(self.inputs)
            if undeclared:
                raise ValidationError(
                    {
                        "inputs": _("公式用到但未列出的输入：%(codes)s")
                        % {"codes": ", ".join(sorted(undeclared))}
                    }
                )

    @property
    def display_unit(self) -> str:
        return self._pick(self.unit, self.unit_en)

    @property
    def display_correction_note(self) -> str:
        return self._pick(self.correction_note, self.correction_note_en)


class CalculatorFactor(models.Model):
    """A row of a calculator's coefficient table: a named quantity with its unit and source."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=60, blank=True)
    unit = models.CharField(_("计量单位"), max_length=20)
    unit_en = models.CharField(_("英文计量单位"), max_length=20, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    ordering = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        abstract = True
        ordering = ["ordering", "code"]

    def __str__(self):
        return f"{self.name}（{self.unit}）"

    @property
    def display_name(self) -> str:
        return BilingualMixin._pick(self.name, self.name_en)

    @property
    def display_unit(self) -> str:
        return BilingualMixin._pick(self.unit, self.unit_en)


class EnergyCarrier(CalculatorFactor):
    """GB/T 2589-2020 conversion of one energy carrier to standard coal (kgce per unit)."""

    name = models.CharField(_("能源品种"), max_length=60)
    kgce_per_unit = models.DecimalField(
        _("折标准煤系数（kgce/单位）"), max_digits=12, decimal_places=6
    )
    history = HistoricalRecords()

    class Meta(CalculatorFactor.Meta):
        verbose_name = _("能源折标系数")
        verbose_name_plural = _("能源折标系数")


class EmissionSource(models.TextChoices):
    FUEL = "fuel", _("化石燃料燃烧")
    ELECTRICITY = "electricity", _("外购电力")
    HEAT = "heat", _("外购热力")


class EmissionFactor(CalculatorFactor):
    """CO2 emitted per unit of a fuel burnt or of purchased electricity or heat (kg CO2 per unit)."""

    source_kind = models.CharField(_("排放类型"), max_length=12, choices=EmissionSource.choices)
    kgco2_per_unit = models.DecimalField(
        _("排放因子（kgCO2/单位）"), max_digits=12, decimal_places=6
    )
    history = HistoricalRecords()

    class Meta(CalculatorFactor.Meta):
        verbose_name = _("碳排放因子")
        verbose_name_plural = _("碳排放因子")
