"""Exports built by a worker, in the API: ``POST /api/v1/enterprises/{id}/export/`` starts the
enterprise's full data export, a large table's export answers 202 with its job, and
``/api/v1/exports/{id}/`` tells its progress until ``…/download/`` hands over the file. A job
is its requester's alone: anyone else gets a 404."""

from django.http import FileResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .export_jobs import (
    export_job_content_type,
    export_job_download_check,
    export_job_expires_at,
    export_job_start,
)
from .models import ExportJob, ExportKind
from .selectors import export_jobs_for

RETRY_AFTER_SECONDS = 2


class ExportJobSerializer(serializers.ModelSerializer):
    format = serializers.CharField(source="fmt")
    expires_at = serializers.SerializerMethodField()
    status_url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "kind",
            "format",
            "status",
            "progress",
            "rows",
            "size",
            "filename",
            "error",
            "requested_at",
            "finished_at",
            "expires_at",
            "status_url",
            "download_url",
        ]
        read_only_fields = fields

    def get_expires_at(self, job) -> str:
        return serializers.DateTimeField().to_representation(export_job_expires_at(job))

    def _url(self, name: str, job) -> str:
        return self.context["request"].build_absolute_uri(reverse(name, args=[job.pk]))

    def get_status_url(self, job) -> str:
        return self._url("api-export-job", job)

    def get_download_url(self, job) -> str | None:
        return self._url("api-export-job-download", job) if job.is_ready else None


def export_job_accepted(request, job: ExportJob) -> Response:
    """202: queued (or still being built), with where to ask how far it is."""
    data = ExportJobSerializer(job, context={"request": request}).data
    return Response(
        data,
        status=status.HTTP_202_ACCEPTED,
        headers={"Location": data["status_url"], "Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class ExportJobListApi(generics.ListAPIView):
    """The exports the caller asked for (kept ``EXPORT_RETENTION_HOURS`` hours), newest first."""

    serializer_class = ExportJobSerializer

    def get_queryset(self):
        return export_jobs_for(self.request.user)


class ExportJobApi(APIView):
    """How far an export is: ``status`` pending, running, ready (``download_url`` set) or
    failed (``error`` says why)."""

    @extend_schema(responses=ExportJobSerializer)
    def get(self, request, pk: int):
        job = get_object_or_404(export_jobs_for(request.user), pk=pk)
        export_job_download_check(job=job, user=request.user)
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class ExportJobDownloadApi(APIView):
    """The export's file once it is ready; 409 with its status before."""

    @extend_schema(
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 409: OpenApiTypes.OBJECT}
    )
    def get(self, request, pk: int):
        job = get_object_or_404(export_jobs_for(request.user), pk=pk)
        export_job_download_check(job=job, user=request.user)
        if not job.is_ready:
            return Response(
                {"detail": "not ready", "status": job.status, "error": job.error},
                status=status.HTTP_409_CONFLICT,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.filename,
            content_type=export_job_content_type(job),
        )


class EnterpriseExportApi(APIView):
    """Start the export of all of the enterprise's own data as one ZIP (JSON files plus the
    evidence files and rendered reports), for the enterprise's admin only: 202 with the job."""

    @extend_schema(request=None, responses={202: ExportJobSerializer})
    def post(self, request, pk: int):
        job = export_job_start(
            kind=ExportKind.ENTERPRISE,
            actor=request.user,
            params={"enterprise": pk},
            fmt="zip",
            request=request,
        )
        return export_job_accepted(request, job)
