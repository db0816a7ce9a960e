"""Forms of the bulk actions and the discussion period; each service checks again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TIER_RECOMMENDATIONS
from .services.discussion import POST_MAX, REASON_MAX


class BulkForm(forms.Form):
    """The applications chosen among ``candidates`` (the reader's gate): one outside it is a
    field error naming ``assessments``."""

    assessments = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("申报"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("请至少选择一份申报。")},
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessments"].queryset = candidates


class BulkRecommendForm(BulkForm):
    comment = forms.CharField(
        label=_("推荐意见"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )


class BulkDecideForm(BulkForm):
    reason = forms.CharField(
        label=_("决定理由（必填，适用于所选每份申报）"),
        max_length=5000,
        widget=forms.Textarea({"rows": 2}),
        error_messages={"required": _("请填写决定理由。")},
    )
    summary = forms.CharField(
        label=_("讨论总结意见"), required=False, max_length=5000, widget=forms.Textarea({"rows": 2})
    )


class DiscussionOpenForm(forms.Form):
    ends_on = forms.DateField(
        label=_("讨论截止日期"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": _("请选择讨论截止日期。")},
    )


class PostForm(forms.Form):
    body = forms.CharField(
        label=_("发言"),
        max_length=POST_MAX,
        widget=forms.Textarea({"rows": 3}),
        error_messages={"required": _("请填写讨论内容。")},
    )


class ReviseForm(forms.Form):
    """The expert's revision: a score per criterion (``score-<id>``), tier, opinion, reason."""

    recommended_tier = forms.ChoiceField(label=_("建议认定层级"), choices=TIER_RECOMMENDATIONS)
    opinion = forms.CharField(
        label=_("总体评审意见"), max_length=5000, widget=forms.Textarea({"rows": 3})
    )
    reason = forms.CharField(
        label=_("修改理由（必填）"),
        max_length=REASON_MAX,
        widget=forms.Textarea({"rows": 2}),
        error_messages={"required": _("请说明修改理由。")},
    )

    def __init__(self, *args, assignment, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(assignment.assessment.batch.rubric.order_by("no"))
        for c in self.criteria:
            self.fields[f"score-{c.pk}"] = forms.DecimalField(
                label=f"{c.name}（{c.min_score}–{c.max_score}）",
                initial=assignment.scores.get(str(c.pk)),
                required=False,
            )
        self.fields["recommended_tier"].initial = assignment.recommended_tier
        self.fields["opinion"].initial = assignment.opinion

    def service_data(self) -> dict:
        data = self.cleaned_data
        scores = {
            str(c.pk): data[f"score-{c.pk}"]
            for c in self.criteria
            if data.get(f"score-{c.pk}") is not None
        }
        return {
            "scores": scores,
            "recommended_tier": data["recommended_tier"],
            "opinion": data["opinion"],
            "reason": data["reason"],
        }
