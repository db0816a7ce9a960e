from django import forms
from django.utils.translation import gettext_lazy as _

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
