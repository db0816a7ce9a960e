from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ENTERPRISE_PROFILE_FIELDS, ENTERPRISE_ROLES, Enterprise


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ENTERPRISE_PROFILE_FIELDS


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
