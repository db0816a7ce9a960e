from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SupportCategory, TierRule
from .services import EXPORT_FORMATS


class CatalogCloneForm(forms.Form):
    label = forms.CharField(label=_("新版本号"), max_length=30)


class CatalogImportForm(forms.Form):
    file = forms.FileField(
        label=_("文件"),
        help_text=_("由“导出”得到的 JSON 或 Excel（.xlsx）文件；导入将替换此草稿的全部内容。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        extension = upload.name.rsplit(".", 1)[-1].lower()
        if extension not in EXPORT_FORMATS:
            raise forms.ValidationError(_("只接受 .json 或 .xlsx 文件。"))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("文件过大（上限 5 MB）。"))
        self.file_format = extension
        return upload


class TierRuleForm(forms.ModelForm):
    """The support-element categories as tick boxes, stored as the same JSON list of values."""

    support_categories = forms.MultipleChoiceField(
        label=TierRule._meta.get_field("support_categories").verbose_name,
        choices=SupportCategory.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("所选每一类（装备、网络、平台）均须至少有一项支撑要素。"),
    )

    class Meta:
        model = TierRule
        fields = (
            "batch",
            "tier",
            "min_support_elements",
            "support_categories",
            "min_indicators_improved",
        )

    def clean_support_categories(self):
        chosen = set(self.cleaned_data["support_categories"])
        return [value for value in SupportCategory.values if value in chosen]
