"""Forms of the site visit: the province's choice of the experts to send, the visiting
experts' report (a check per claimed scenario, the finding) and a photo. They only parse;
the services name what is wrong."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.selectors import experts

from .forms import expert_label
from .models import SiteVisit
from .services import expert_conflicts


class SiteVisitAssignForm(forms.Form):
    """Experts with a conflict of interest are listed with the reason; posted all the same,
    the service refuses them."""

    experts = forms.ModelMultipleChoiceField(
        label=_("现场核查专家"), queryset=experts(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, assessment, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["experts"]

        def label(user):
            reasons = expert_conflicts(assessment, user)
            text = expert_label(user)
            return f"{text} — {_('不可指派')}：{'；'.join(reasons)}" if reasons else text

        field.label_from_instance = label


class SiteVisitReportForm(forms.Form):
    """A check (result and notes) per claimed scenario, then the finding and its text."""

    finding = forms.ChoiceField(
        label=_("核查结论"),
        choices=[("", "—"), *SiteVisit.Finding.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    finding_text = forms.CharField(
        label=_("核查意见"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, claimed: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.claimed = claimed
        for no in claimed:
            self.fields[f"check-{no}-result"] = forms.ChoiceField(
                label=_("核查结果"),
                choices=[("", "—"), *SiteVisit.Result.choices],
                required=False,
                widget=forms.RadioSelect,
            )
            self.fields[f"check-{no}-notes"] = forms.CharField(
                label=_("核查记录"), required=False, widget=forms.Textarea(attrs={"rows": 2})
            )

    @classmethod
    def initial_of(cls, visit: SiteVisit) -> dict:
        initial = {"finding": visit.finding, "finding_text": visit.finding_text}
        for no, check in (visit.checks or {}).items():
            initial[f"check-{no}-result"] = check.get("result", "")
            initial[f"check-{no}-notes"] = check.get("notes", "")
        return initial

    def report_data(self) -> dict:
        data = self.cleaned_data
        return {
            "checks": {
                str(no): {
                    "result": data.get(f"check-{no}-result") or "",
                    "notes": data.get(f"check-{no}-notes") or "",
                }
                for no in self.claimed
            },
            "finding": data.get("finding") or "",
            "finding_text": data.get("finding_text") or "",
        }

    def add_service_errors(self, exc) -> None:
        """``checks.<no>.result`` → the scenario's field; the rest on their field or the form."""
        for key, messages in exc.message_dict.items():
            parts = key.split(".")
            name = f"check-{parts[1]}-{parts[2]}" if len(parts) == 3 else key
            self.add_error(name if name in self.fields else None, messages)


class SiteVisitPhotoForm(forms.Form):
    photo = forms.FileField(label=_("照片（JPG/PNG）"), required=False)
    scenario_no = forms.TypedChoiceField(
        label=_("所属场景"), coerce=int, empty_value=None, required=False
    )
    caption = forms.CharField(label=_("照片说明"), required=False, max_length=200)

    def __init__(self, *args, claimed: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario_no"].choices = [
            ("", _("现场总体")),
            *[(no, _("场景 %(no)s") % {"no": no}) for no in claimed],
        ]
