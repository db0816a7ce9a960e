"""The onboarding's forms: an enterprise's self-registration and the decisions on it. They
shape the input; the services (``review.services.onboarding``) decide what is right."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.uploads import upload_limits
from portal.models import District, EnterpriseRegistration

from .services.onboarding import LICENCE_EXTENSIONS, REGISTRATION_FIELDS


class RegistrationForm(forms.ModelForm):
    class Meta:
        model = EnterpriseRegistration
        fields = (*REGISTRATION_FIELDS, "licence")
        widgets = {
            "contact_phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        help_texts = {
            "email": _("验证链接将发送到此邮箱；验证后以此邮箱创建企业管理员账号。"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # every division, each named with its city (no script is needed to narrow the list
        # to the city chosen; the service refuses another city's)
        district = self.fields["district"]
        district.queryset = District.objects.order_by("city", "code")
        district.label_from_instance = lambda d: f"{d.get_city_display()} · {d.name}"
        district.empty_label = _("请选择县（市、区）")
        limits = upload_limits(LICENCE_EXTENSIONS)
        self.fields["licence"].widget.attrs["accept"] = limits["accept"]
        self.fields["licence"].help_text = _("%(ext)s，不超过 %(mb)s MB。") % {
            "ext": limits["extensions"],
            "mb": limits["max_mb"],
        }

    def _post_clean(self):
        """The service validates the registration (and the licence's content) as a whole."""

    def service_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "licence"}


class LicenceForm(forms.Form):
    """A new business licence, after a rejection (the service checks its content)."""

    licence = forms.FileField(label=_("营业执照"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limits = upload_limits(LICENCE_EXTENSIONS)
        self.fields["licence"].widget.attrs["accept"] = limits["accept"]
        self.fields["licence"].help_text = _("%(ext)s，不超过 %(mb)s MB。") % {
            "ext": limits["extensions"],
            "mb": limits["max_mb"],
        }


class RegistrationDecisionForm(forms.Form):
    confirm = forms.TypedChoiceField(
        label=_("处理"),
        choices=[("1", _("确认注册")), ("0", _("退回注册"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择确认注册或退回注册。")},
    )
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )


class JoinDecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("处理"),
        choices=[("1", _("同意加入")), ("0", _("不同意"))],
        coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
        error_messages={"required": _("请选择同意加入或不同意。")},
    )
    reason = forms.CharField(
        label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )
