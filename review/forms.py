"""Forms of the city's and the province's review pages: they parse a browser's POST into what
``review.services`` takes; the services check the rules and name the field at fault."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.selectors import experts
from scenarios.models import STAGE_DEADLINE_FIELDS, Batch, Tier

from .models import Decision
from .services import (
    BATCH_REVIEW_FIELDS,
    DEFAULT_RUBRIC,
    FORMAL_CHECK_FIELDS,
    assignment_refusals,
    decision_check,
)
from .services.common import clean_comment

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class CommentForm(forms.Form):
    """The city's recommendation or a return; whether a comment is required is the service's
    rule (a return needs one)."""

    comment = forms.CharField(
        label=_("审核意见"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(CommentForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["comment"].label = _("退回意见（必填）")

    def clean(self):
        """The service's rule for a return's comment, asked before the confirmation."""
        data = super().clean()
        if "comment" in data:
            try:
                data["comment"] = clean_comment(data["comment"], required=True)
            except ValidationError as exc:
                self.add_error(None, exc)
        return data


class ExpertSelect(forms.Select):
    """The experts to choose from; those who may not be assigned stay listed, disabled, with
    the reason (``refusals``: expert id → reasons)."""

    def __init__(self, *args, refusals=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.refusals = refusals or {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        reasons = self.refusals.get(getattr(value, "value", value))
        if reasons:
            option["attrs"]["disabled"] = True
            option["label"] = _("%(expert)s — 不可指派：%(reasons)s") % {
                "expert": label,
                "reasons": "；".join(reasons),
            }
        return option


class AssignForm(forms.Form):
    """The province's manual choice of an expert for ``assessment``: those the service would
    refuse (``assignment_refusals``) are listed disabled, saying why; posted all the same,
    the service refuses them."""

    expert = forms.ModelChoiceField(
        label=_("评审专家"), queryset=experts(), empty_label=_("请选择专家")
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["expert"]
        field.label_from_instance = expert_label
        refusals = assignment_refusals(assessment, field.queryset)
        field.widget = ExpertSelect(choices=field.choices, refusals=refusals)


def expert_label(user) -> str:
    name = user.get_full_name() or user.username
    parts = [p for p in (user.employer, user.get_city_display() if user.city else "") if p]
    return f"{name}（{'，'.join(parts)}）" if parts else name


class DecideForm(forms.Form):
    """A decision (or, under the batch's four-eyes rule, a proposal). With the ``assessment``
    it asks the service's rule (``decision_check``) before the confirmation, so a flagged
    decision without its justification is named, not confirmed."""

    outcome = forms.ChoiceField(
        label=_("决定"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    tier = forms.ChoiceField(
        label=_("认定层级"),
        choices=[("", _("（不予认定时不选）")), *Tier.choices],
        required=False,
    )
    reason = forms.CharField(
        label=_("决定理由（必填）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    justification = forms.CharField(
        label=_("偏离说明"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("认定层级高于系统计算层级，或与多数专家的建议不一致时必填；该决定将被标记。"),
    )
    summary = forms.CharField(
        label=_("讨论总结意见"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("专家讨论后省级的总结意见，随决定一并记录，不向企业公开。"),
    )

    def __init__(self, *args, assessment=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.assessment = assessment

    def clean(self):
        data = super().clean()
        if self.assessment is not None and not self.errors:
            try:
                decision_check(assessment=self.assessment, **data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


class ProposalRejectForm(forms.Form):
    """A second admin rejects a proposal; the reason is required (the service's rule)."""

    reason = forms.CharField(
        label=_("驳回理由（必填）"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class BatchSettingsForm(forms.ModelForm):
    """The batch's dates and review settings; saved through ``batch_settings_update``. A post
    without the formal check's block (``FORMAL_CHECK_MARK``) keeps its settings as they are."""

    FORMAL_CHECK_MARK = "formal_check_settings"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.FORMAL_CHECK_MARK not in self.data:
            for name in FORMAL_CHECK_FIELDS:
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        if self.FORMAL_CHECK_MARK not in self.data:
            for name in FORMAL_CHECK_FIELDS:
                data[name] = getattr(self.instance, name)
        return data

    class Meta:
        model = Batch
        fields = BATCH_REVIEW_FIELDS
        widgets = {
            name: forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT)
            for name in ("opens_at", "closes_at", *STAGE_DEADLINE_FIELDS)
        }


CELL = {"class": "form-control form-control-sm"}


def _cell():
    return forms.TextInput(attrs=CELL)


class CriterionForm(forms.Form):
    """One row of the rubric. Ranges and weights are checked by the service (and named
    ``rubric.<n>.<field>``), so the form only parses."""

    name = forms.CharField(label=_("名称"), max_length=100, widget=_cell())
    name_en = forms.CharField(label=_("英文名称"), max_length=100, required=False, widget=_cell())
    description = forms.CharField(
        label=_("评分要点"), max_length=300, required=False, widget=_cell()
    )
    weight = forms.DecimalField(
        label=_("权重"),
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**CELL, "step": "0.01", "data-weight": ""}),
    )
    min_score = forms.IntegerField(
        label=_("最低分"), min_value=0, max_value=1000, widget=forms.NumberInput(attrs=CELL)
    )
    max_score = forms.IntegerField(
        label=_("最高分"), min_value=0, max_value=1000, widget=forms.NumberInput(attrs=CELL)
    )

    def criterion(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.fields}


CriterionFormSet = forms.formset_factory(CriterionForm, extra=1, can_delete=True)


def rubric_initial(batch: Batch) -> tuple[list[dict], bool]:
    """The rows the rubric form starts with: the batch's rubric, or the defaults (and True)
    when it has none yet. Default names are stored in Chinese, whatever the admin reads."""
    rows = [
        {
            "name": c.name,
            "name_en": c.name_en,
            "description": c.description,
            "weight": c.weight,
            "min_score": c.min_score,
            "max_score": c.max_score,
        }
        for c in batch.rubric.order_by("no")
    ]
    if rows:
        return rows, False
    with translation.override(settings.LANGUAGE_CODE):
        return [
            {
                "name": str(name),
                "name_en": name_en,
                "description": str(description),
                "weight": weight,
                "min_score": 0,
                "max_score": max_score,
            }
            for name, name_en, description, weight, max_score in DEFAULT_RUBRIC
        ], True
