import json

from django import forms
from django.utils.translation import gettext_lazy as _

from .identity import IDENTITY_FIELDS
from .models import ENTERPRISE_PROFILE_FIELDS, ENTERPRISE_ROLES, ApiToken, District, Enterprise


def districts_of_city(form: forms.BaseForm, instance=None) -> None:
    """The district is chosen among the divisions of the city the form holds (as posted, else
    as stored): another city's is refused naming the field. A district typed as text before it
    was a choice, not matched to a division, is shown to be chosen again."""
    field = form.fields["district"]
    city = form.data.get(form.add_prefix("city")) if form.is_bound else None
    city = city or form.initial.get("city") or getattr(instance, "city", None)
    field.queryset = District.objects.filter(city=city or "")
    field.empty_label = _("请选择县（市、区）")
    if instance is not None and instance.pk and not instance.district_id and instance.district_text:
        field.help_text = _("原填写为“%(text)s”，未能对应到行政区划，请重新选择。") % {
            "text": instance.district_text
        }


class EnterpriseForm(forms.ModelForm):
    # the fields as this page loaded them (JSON): only what the editor changed is saved
    loaded = forms.CharField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Enterprise
        fields = ENTERPRISE_PROFILE_FIELDS
        widgets = {
            "established_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        districts_of_city(self, self.instance)

    def loaded_values(self) -> dict | None:
        try:
            loaded = json.loads(self.cleaned_data.get("loaded") or "null")
        except ValueError:
            return None
        return loaded if isinstance(loaded, dict) else None

    def profile(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "loaded"}


class ApiTokenForm(forms.ModelForm):
    class Meta:
        model = ApiToken
        fields = ("name",)
        help_texts = {
            "name": _("用途，如 MES、ERP。同名的原令牌将被替换（原令牌立即失效）。"),
        }


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("邮箱"))
    role = forms.ChoiceField(
        label=_("角色"), choices=[(r.value, r.label) for r in ENTERPRISE_ROLES]
    )


class InvitationAcceptForm(forms.Form):
    username = forms.RegexField(
        label=_("用户名"),
        max_length=150,
        regex=r"^[\w.@+-]+$",
        error_messages={"invalid": _("用户名只能包含字母、数字和 @/./+/-/_。")},
    )
    first_name = forms.CharField(label=_("姓名"), max_length=150, required=False)
    password1 = forms.CharField(label=_("密码"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("确认密码"), widget=forms.PasswordInput, strip=False)

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class IdentityChangeForm(forms.Form):
    """The identity fields as they should become, and why (a plain form: the model's own
    validation would refuse a locked identity; the service validates the new values)."""

    reason = forms.CharField(
        label=_("变更理由"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("如工商登记名称变更，请写明变更日期和登记机关，省级管理员核实后确认。"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = forms.fields_for_model(Enterprise, fields=IDENTITY_FIELDS)
        self.fields = {**fields, "reason": self.fields["reason"]}
        districts_of_city(self)


class IdentityDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("处理"),
        choices=[("1", _("确认变更")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("处理意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class SecondFactorCodeForm(forms.Form):
    """A code of the authenticator app (6 digits) or a recovery code; checked by the service."""

    code = forms.CharField(
        label=_("验证码"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )
