"""A batch's full data in the API: ``GET /api/v1/review/batches/{id}/export/?format=xlsx|csv``."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from review.apis import IsReviewer

from .export_job_apis import ExportJobSerializer, export_job_accepted
from .export_jobs import export_is_inline, export_job_start
from .export_sources import export_source
from .exports import CONTENT_TYPES, FORMATS, export_response
from .models import ExportKind


class _FileFormat(BaseRenderer):
    """Makes ``?format=`` a format the view accepts: the view writes the file itself, so this
    renderer only ever sees error bodies, which ``finalize_response`` sends as JSON."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return JSONRenderer().render(data)


class XlsxFormat(_FileFormat):
    media_type = CONTENT_TYPES["xlsx"]
    format = "xlsx"


class CsvFormat(_FileFormat):
    media_type = "text/csv"
    format = "csv"


class BatchDataExportApi(APIView):
    """One row per assessment of the batch the caller may see (the province admin all of them,
    a city reviewer its city's submissions): the enterprise profile, state, submission time,
    the tier applied for and the tier decided, each scenario's and support element's status,
    and each indicator's base-year and current-year value and improvement. The same file as
    the web page's export. More rows than ``EXPORT_INLINE_MAX_ROWS``: 202 with the export's
    job, built by a worker (follow ``status_url``, then ``download_url``)."""

    permission_classes = [IsAuthenticated, IsReviewer]
    renderer_classes = [JSONRenderer, XlsxFormat, CsvFormat]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "format", str, enum=list(FORMATS), default="xlsx", description="File format."
            )
        ],
        responses={
            (200, CONTENT_TYPES["xlsx"]): OpenApiTypes.BINARY,
            (200, "text/csv"): OpenApiTypes.BINARY,
            202: ExportJobSerializer,
        },
    )
    def get(self, request, pk: int):
        fmt = request.accepted_renderer.format
        fmt = fmt if fmt in FORMATS else "xlsx"
        params = {"batch": pk}
        source = export_source(ExportKind.BATCH_DATA, user=request.user, params=params)
        if export_is_inline(source):
            return export_response(
                source.frame(), fmt=fmt, filename=source.filename, sheet=source.sheet
            )
        job = export_job_start(
            kind=ExportKind.BATCH_DATA, actor=request.user, params=params, fmt=fmt
        )
        return export_job_accepted(request, job)

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response):  # an error: the file formats carry none
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        return super().finalize_response(request, response, *args, **kwargs)
