"""The self-assessment editor's forms: they parse a browser's POST into what the services take."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import DECLARATIONS, AnswerStatus, DocumentKind, Period
from .services import ANSWER_MAX_LENGTH, return_answers_check


class VersionedForm(forms.Form):
    """Every save names the version it was made on (an item's own version for the editor's
    forms, the assessment's for submission); a stale one is refused (409)."""

    version = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)


class AnswerForm(VersionedForm):
    status = forms.ChoiceField(label=_("状态"), choices=AnswerStatus.choices)
    description = forms.CharField(
        label=_("建设内容"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("建成了什么、解决了什么问题、取得了什么效果。"),
    )
    systems = forms.CharField(
        label=_("系统、装备与供应商"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("例如：MES（某软件公司）、AGV 12 台（某装备公司）。"),
    )
    started_on = forms.DateField(
        label=_("开始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    completed_on = forms.DateField(
        label=_("完成日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def answer(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class YearsForm(VersionedForm):
    base_year = forms.IntegerField(label=_("基准年"), min_value=2000, max_value=2100)
    current_year = forms.IntegerField(label=_("当年"), min_value=2000, max_value=2100)


class ScalarInputForm(VersionedForm):
    """One input's value in both years; a blank value clears it."""

    base = forms.CharField(label=Period.BASE.label, required=False, max_length=40)
    current = forms.CharField(label=Period.CURRENT.label, required=False, max_length=40)

    def inputs(self, code: str) -> dict:
        return {f"{period}_inputs": {code: self.cleaned_data[period]} for period in Period.values}


def table_rows(post, columns: list[dict]) -> list[dict]:
    """The rows of a table input as posted: one list per column ("col-<code>"), blank rows dropped."""
    lists = {c["code"]: post.getlist(f"col-{c['code']}") for c in columns}
    count = max((len(v) for v in lists.values()), default=0)
    rows = []
    for i in range(count):
        row = {
            code: (values[i] if i < len(values) else "").strip() for code, values in lists.items()
        }
        if any(row.values()):
            rows.append(row)
    return rows


class PeriodForm(VersionedForm):
    period = forms.ChoiceField(choices=Period.choices)


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("文件"), allow_empty_file=True)
    scenario = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    support_element = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    financial_year = forms.IntegerField(required=False, min_value=2000, max_value=2100)
    document = forms.ChoiceField(
        required=False, choices=[("", "")] + DocumentKind.choices, widget=forms.HiddenInput
    )


class EligibilityForm(forms.Form):
    """The eligibility gates' figures; checked by the service, which names the field."""

    cmmm_level = forms.CharField(
        label=_("智能制造能力成熟度（CMMM）自评等级（1–5 级）"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 1, "max": 5, "step": 1}),
    )
    self_test_score = forms.CharField(
        label=_("省级在线自测得分（0–100 分）"),
        required=False,
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": "0.1"}),
    )


class WorkbookForm(forms.Form):
    file = forms.FileField(
        label=_("填好的模板（.xlsx）"),
        help_text=_("导入将替换两个年度的全部指标数据；文件中有任何错误时不导入任何数据。"),
    )


def _answer_field(round_) -> str:
    return f"answer-{round_.pk}"


class SubmitForm(VersionedForm):
    """The declarations and, after a return, an answer to each return comment (``returns``:
    the rounds ``review_hooks.returns_awaiting_answer`` gives). An unanswered comment is the
    service's error, asked here before the confirmation."""

    signer = forms.CharField(label=_("承诺人（法定代表人或授权人）姓名"), max_length=50)

    def __init__(self, *args, returns=(), **kwargs):
        super().__init__(*args, **kwargs)
        for key, text in DECLARATIONS.items():
            self.fields[key] = forms.BooleanField(label=text, required=True)
        self.returns = list(returns)
        for round_ in self.returns:
            self.fields[_answer_field(round_)] = forms.CharField(
                label=_("您的答复"),
                required=False,
                widget=forms.Textarea(attrs={"rows": 3, "maxlength": ANSWER_MAX_LENGTH}),
            )
        self.order_fields([*DECLARATIONS, "signer"])

    @property
    def declaration_fields(self) -> list:
        return [self[key] for key in DECLARATIONS]

    @property
    def answer_fields(self) -> list:
        """(the return round, its answer's field), oldest first."""
        return [(round_, self[_answer_field(round_)]) for round_ in self.returns]

    def clean(self):
        data = super().clean()
        try:
            return_answers_check(self.returns, self.answers())
        except ValidationError as exc:
            for key, messages in exc.message_dict.items():
                self.add_error(f"answer-{key.removeprefix('answers.')}", messages)
        return data

    def declarations(self) -> dict:
        return {key: self.cleaned_data[key] for key in [*DECLARATIONS, "signer"]}

    def answers(self) -> dict:
        return {r.pk: self.cleaned_data.get(_answer_field(r), "") for r in self.returns}
