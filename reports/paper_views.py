"""Downloads of an authority's papers for a batch: its recommendation letter (PDF) and its
summary table (Excel), each of its own area only (``papers.paper_scope_for``); every other role
is refused (403) and a batch that does not exist is a 404."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from review.selectors import review_batches

from . import papers
from .exports import export_response


def _scoped(request, pk: int):
    scope = papers.paper_scope_for(request.user)
    if scope is None:
        raise PermissionDenied(
            _("只有市级或县（市、区）主管部门可以下载本地区的推荐函和推荐汇总表。")
        )
    return scope, get_object_or_404(review_batches(), pk=pk)


@require_GET
@login_required
def recommendation_letter(request, pk: int):
    scope, batch = _scoped(request, pk)
    pdf = papers.recommendation_letter(scope, batch)
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        True, f"{batch}-{scope.name}-{_('推荐函')}.pdf"
    )
    return response


@require_GET
@login_required
def recommendation_table(request, pk: int):
    scope, batch = _scoped(request, pk)
    title = _("推荐汇总表")
    return export_response(
        papers.recommendation_table(scope, batch),
        fmt="xlsx",
        filename=f"{batch}-{scope.name}-{title}",
        sheet=title,
    )
