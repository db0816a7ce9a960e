"""The bulk import's pages: a city's enterprises (its city reviewer, or the province) and the
province's experts from Excel: the template, a preview with each row's errors, then the import
of the very workbook previewed (kept for a while under a key), after a confirmation."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from evaluation.uploads import check_size
from portal.confirmation import unconfirmed_page
from portal.views import refusal_status

from . import confirmations
from .services import bulk_import

KEPT_FOR = 30 * 60  # seconds a previewed workbook waits for its import
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URLS = {bulk_import.ENTERPRISES: "import-enterprises", bulk_import.EXPERTS: "import-experts"}


def _allowed(request, kind: str) -> None:
    if not bulk_import.may_import(request.user, kind):
        raise PermissionDenied


@login_required
@require_GET
def import_template(request, kind: str):
    _allowed(request, kind)
    response = HttpResponse(bulk_import.import_template(kind), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.xlsx"'
    return response


def _kept_key(request, kind: str, key: str) -> str:
    return f"bulk-import:{request.user.pk}:{kind}:{key}"


@login_required
def import_page(request, kind: str):
    _allowed(request, kind)
    context = {"kind": kind, "url_name": URLS[kind], "template_url": f"{URLS[kind]}-template"}
    if request.method != "POST":
        return render(request, "review/import.html", context)
    key = request.POST.get("key", "")
    if key:
        return _import(request, kind, key, context)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": _("请选择要导入的 Excel 文件（.xlsx）。")})
        check_size(upload, settings.EVIDENCE_MAX_BYTES, "file")
        content = upload.read()
        preview = bulk_import.import_preview(actor=request.user, kind=kind, upload=content)
    except ValidationError as exc:
        context["errors"] = exc.messages
        return render(request, "review/import.html", context, status=refusal_status(exc))
    if preview.ok:
        key = secrets.token_urlsafe(16)
        cache.set(_kept_key(request, kind, key), content, KEPT_FOR)
        context["key"] = key
    context["preview"] = preview
    context["confirmation"] = confirmations.bulk_import(preview)
    return render(request, "review/import.html", context, status=200 if preview.ok else 400)


def _import(request, kind: str, key: str, context):
    content = cache.get(_kept_key(request, kind, key))
    if content is None:
        context["errors"] = [_("预览已过期，请重新上传文件。")]
        return render(request, "review/import.html", context, status=400)
    preview = bulk_import.import_preview(actor=request.user, kind=kind, upload=content)
    confirmation = confirmations.bulk_import(preview)
    if confirmation is not None and (
        page := unconfirmed_page(request, confirmation, cancel_url=request.path)
    ):
        return page
    try:
        done = bulk_import.import_commit(
            actor=request.user, kind=kind, upload=content, request=request
        )
    except ValidationError as exc:  # a row that became wrong since the preview, say
        context["errors"] = exc.messages
        context["preview"] = getattr(exc, "preview", None) or bulk_import.import_preview(
            actor=request.user, kind=kind, upload=content
        )
        return render(request, "review/import.html", context, status=refusal_status(exc))
    cache.delete(_kept_key(request, kind, key))
    messages.success(request, _("已导入 %(n)s 条，邀请邮件已发送。") % {"n": done.imported})
    return redirect(URLS[kind])
