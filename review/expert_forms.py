"""The experts' forms: they parse a browser's POST of the scoring page into what the review
services take (``review_save`` / ``review_submit``) and show the services' errors next to the
fields they name."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import TIER_RECOMMENDATIONS

ACCEPTED_CHOICES = [("1", _("认可")), ("0", _("不认可"))]
ACCEPTED_VALUES = {"1": True, "0": False, "": None}


def _verdict_fields(no) -> tuple[str, str]:
    return f"verdict-{no}-accepted", f"verdict-{no}-comment"


def _score_field(criterion_id) -> str:
    return f"score-{criterion_id}"


class ReviewForm(forms.Form):
    """One expert's review: a verdict on each claimed scenario, a score per rubric criterion,
    the overall opinion and the tier recommended. Only the fields present in the POST are
    passed on, so a draft may be saved part by part."""

    version = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)
    opinion = forms.CharField(
        label=_("总体评审意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 5000, "class": "form-control"}),
    )
    recommended_tier = forms.ChoiceField(
        label=_("建议认定层级"),
        required=False,
        choices=[("", _("请选择")), *TIER_RECOMMENDATIONS],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, assignment, claimed, criteria, **kwargs):
        self.assignment = assignment
        self.claimed = list(claimed)
        self.criteria = list(criteria)
        kwargs.setdefault("initial", self._initial())
        super().__init__(*args, **kwargs)
        self._prefixes = {}
        for no in self.claimed:
            accepted, comment = _verdict_fields(no)
            self.fields[accepted] = forms.ChoiceField(
                label=_("场景 %(no)s") % {"no": no},
                required=False,
                choices=ACCEPTED_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[comment] = forms.CharField(
                label=_("场景 %(no)s 的意见") % {"no": no},
                required=False,
                widget=forms.Textarea(
                    attrs={"rows": 2, "maxlength": 1000, "class": "form-control form-control-sm"}
                ),
            )
            self._prefixes[accepted] = self._prefixes[comment] = str(self.fields[accepted].label)
        for c in self.criteria:
            name = _score_field(c.pk)
            self.fields[name] = forms.CharField(
                label=c.display_name,
                required=False,
                max_length=20,
                widget=forms.NumberInput(
                    attrs={
                        "min": c.min_score,
                        "max": c.max_score,
                        "step": "any",
                        "class": "form-control score-input",
                        "inputmode": "decimal",
                    }
                ),
            )
            # The services name a criterion by its (Chinese) name in their messages.
            self._prefixes[name] = c.name

    def _initial(self) -> dict:
        a = self.assignment
        initial = {
            "version": a.version,
            "opinion": a.opinion,
            "recommended_tier": a.recommended_tier,
        }
        for no in self.claimed:
            verdict = a.verdicts.get(str(no)) or {}
            accepted, comment = _verdict_fields(no)
            initial[accepted] = {True: "1", False: "0"}.get(verdict.get("accepted"), "")
            initial[comment] = verdict.get("comment", "")
        for c in self.criteria:
            value = a.scores.get(str(c.pk))
            if value is not None:
                initial[_score_field(c.pk)] = f"{value:g}" if isinstance(value, float) else value
        return initial

    # --- what the services take ------------------------------------------------------------

    @property
    def expected_version(self):
        return self.cleaned_data.get("version")

    def review_data(self) -> dict:
        """The parts of the review the POST carries, as the review services take them."""
        posted, cleaned = self.data, self.cleaned_data
        data = {}
        verdicts = {}
        for no in self.claimed:
            accepted, comment = _verdict_fields(no)
            if accepted not in posted and comment not in posted:
                continue
            current = self.assignment.verdicts.get(str(no)) or {}
            verdicts[str(no)] = {
                "accepted": ACCEPTED_VALUES[cleaned.get(accepted) or ""]
                if accepted in posted
                else current.get("accepted"),
                "comment": cleaned.get(comment, "")
                if comment in posted
                else current.get("comment", ""),
            }
        if verdicts:
            data["verdicts"] = verdicts
        scores = {
            str(c.pk): (cleaned.get(_score_field(c.pk)) or "").strip()
            for c in self.criteria
            if _score_field(c.pk) in posted
        }
        if scores:
            data["scores"] = scores
        for name in ("opinion", "recommended_tier"):
            if name in posted:
                data[name] = cleaned.get(name, "")
        return data

    # --- the services' errors ----------------------------------------------------------------

    def saved_as(self, assignment) -> None:
        """The draft was saved in part: the page shows what was posted, on the new version."""
        self.assignment = assignment
        self.data = self.data.copy()
        self.data["version"] = str(assignment.version)

    @staticmethod
    def field_for(key: str) -> str | None:
        """The form field a service's error key names (``verdicts.4.accepted``, ``scores.12``)."""
        parts = key.split(".")
        if parts[0] == "verdicts" and len(parts) >= 2:
            accepted, comment = _verdict_fields(parts[1])
            return comment if parts[-1] == "comment" else accepted
        if parts[0] == "scores" and len(parts) == 2:
            return _score_field(parts[1])
        return key

    def add_service_errors(self, exc: ValidationError) -> None:
        if not hasattr(exc, "error_dict"):
            self.add_error(None, exc.messages)
            return
        for key, messages in exc.message_dict.items():
            field = self.field_for(key)
            self.add_error(field if field in self.fields else None, messages)

    def error_summary(self) -> list[str]:
        """Every error, each naming the field it is about."""
        summary = []
        for name, errors in self.errors.items():
            if name == "__all__":
                summary += list(errors)
                continue
            prefix = self._prefixes.get(name) or str(self.fields[name].label or name)
            for message in errors:
                message = str(message)
                summary.append(message if message.startswith(prefix) else f"{prefix}：{message}")
        return summary


class ConflictForm(forms.Form):
    """An expert's declaration of a conflict of interest with the applicant."""

    reason = forms.CharField(
        label=_("回避理由"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 300, "class": "form-control"}),
        help_text=_("例如：曾为该企业提供咨询服务、与其存在雇佣或亲属关系。"),
        error_messages={"required": _("请说明回避理由。")},
    )
