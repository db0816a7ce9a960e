"""Forms of the 公示: the province's publishing form, the public's objection form and the
province's resolution. They parse a browser's POST; the services check the rules (required
fields, the period, the phone number, the letter) and name the field at fault."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Objection
from .selectors import on_public_list

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PublishForm(forms.Form):
    """The 公示 period and contact (proposed: ``publication_defaults``), and, when applications
    are still undecided, the explicit choice to publish without them."""

    starts_on = forms.DateField(label=_("公示开始日期"), required=False, widget=DATE_INPUT)
    ends_on = forms.DateField(label=_("公示截止日期"), required=False, widget=DATE_INPUT)
    contact_department = forms.CharField(label=_("联系单位"), required=False, max_length=100)
    contact_phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    contact_email = forms.CharField(label=_("联系邮箱（选填）"), required=False, max_length=254)
    partial = forms.BooleanField(required=False)

    def __init__(self, *args, undecided: int = 0, working_days: int = 5, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ends_on"].help_text = _("默认 %(n)s 个工作日（周一至周五，节假日顺延）。") % {
            "n": working_days
        }
        if undecided:
            self.fields["partial"].label = _(
                "我确认发布部分名单：不含尚未作出认定决定的 %(n)s 份申报"
            ) % {"n": undecided}
        else:
            del self.fields["partial"]

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.fields} | {
            "partial": bool(self.cleaned_data.get("partial"))
        }


class ObjectionForm(forms.Form):
    """A member of the public's objection, with its signed letter."""

    objector_type = forms.ChoiceField(
        label=_("异议人类型"),
        choices=Objection.ObjectorType.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    objector_name = forms.CharField(label=_("姓名或单位名称"), required=False, max_length=100)
    phone = forms.CharField(label=_("联系电话"), required=False, max_length=30)
    email = forms.CharField(
        label=_("电子邮箱（选填，用于接收处理结果）"), required=False, max_length=254
    )
    assessment = forms.ChoiceField(label=_("异议涉及的企业"), required=False)
    grounds = forms.CharField(
        label=_("异议理由及事实依据"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    letter = forms.FileField(
        label=_("签名（盖章）的书面异议材料"),
        required=False,
        help_text=_("PDF 或图片（JPG/PNG）。个人须本人签名，单位须加盖公章。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )

    def __init__(self, batch, *args, **kwargs):
        super().__init__(*args, **kwargs)
        listed = on_public_list(batch).order_by("applicant_name", "pk")
        self.fields["assessment"].choices = [
            ("", _("请选择公示名单中的企业")),
            *listed.values_list("pk", "applicant_name"),
        ]

    def service_data(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "letter"}


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("处理结果"),
        choices=[
            (Objection.Status.UPHELD, _("异议成立（撤回该企业的认定决定，重新决定）")),
            (Objection.Status.DISMISSED, _("异议不成立（公示结果不变）")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("处理理由（必填）"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("理由将告知企业和异议人；请勿写入异议人的身份信息。"),
    )
