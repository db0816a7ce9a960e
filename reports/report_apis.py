"""The application report in the API: ``GET /api/v1/assessments/{id}/report.pdf``."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation.selectors import assessments_for

from . import services
from .selectors import report_download_name

RETRY_AFTER_SECONDS = 2

ReportPendingSerializer = inline_serializer(
    "ReportPending",
    {
        "status": serializers.ChoiceField(choices=["pending", "rendering"]),
        "retry_after": serializers.IntegerField(),
    },
)


class AssessmentReportApi(APIView):
    """The application report as a PDF. Rendered by a worker and cached per submission: when
    it is not ready yet the answer is 202 with ``Retry-After``; ask again to get the file."""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            202: ReportPendingSerializer,
            409: OpenApiTypes.OBJECT,
        }
    )
    def get(self, request, pk: int):
        assessment = get_object_or_404(assessments_for(request.user), pk=pk)
        report = services.report_request(assessment=assessment, actor=request.user)
        report.refresh_from_db()  # rendered already if the task ran eagerly at commit
        if report.is_ready:
            return FileResponse(
                report.file.open("rb"),
                as_attachment=True,
                filename=report_download_name(report),
                content_type="application/pdf",
            )
        return Response(
            {"status": report.status, "retry_after": RETRY_AFTER_SECONDS},
            status=status.HTTP_202_ACCEPTED,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )
