"""An enterprise admin's download of all its enterprise's data: the page's button and
``GET /api/v1/enterprises/{id}/export/``. Another enterprise is a 404; anyone else who may see
the enterprise but is not its admin gets a 403."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.views import APIView

from portal.selectors import enterprises_for

from .enterprise_export import enterprise_export_create


def _download(request, pk: int) -> FileResponse:
    enterprise = get_object_or_404(enterprises_for(request.user), pk=pk)
    archive, name = enterprise_export_create(
        enterprise=enterprise, actor=request.user, request=request
    )
    return FileResponse(archive, as_attachment=True, filename=name, content_type="application/zip")


@require_GET
@login_required
def enterprise_export(request, pk: int):
    return _download(request, pk)


class EnterpriseExportApi(APIView):
    """All of the enterprise's own data as one ZIP (JSON files plus the evidence files and
    rendered reports), for the enterprise's admin only."""

    @extend_schema(responses={(200, "application/zip"): OpenApiTypes.BINARY})
    def get(self, request, pk: int):
        return _download(request, pk)
