"""The bulk import through the API, as on its pages: a workbook checked row by row (each
error by row and column, nothing written), then imported whole with ``confirmed`` — every
row, or none when any is wrong."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation.uploads import check_size

from .services import bulk_import


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="按模板填写的 Excel 工作簿（.xlsx）")
    confirmed = serializers.BooleanField(
        default=False, help_text="true：导入；否则只检查并列出每行的错误"
    )


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    column = serializers.CharField()
    message = serializers.CharField()


ImportAnswer = inline_serializer(
    "ImportAnswer",
    {
        "rows": serializers.IntegerField(),
        "errors": RowErrorSerializer(many=True),
        "imported": serializers.IntegerField(),
    },
)


class ImportApi(APIView):
    """``kind``: enterprises (a city reviewer for its own city, the province) or experts (the
    province). 200 with the rows checked, or the import's count once ``confirmed``; 400 naming
    ``file`` for a workbook that cannot be read or has errors (each listed in ``errors``)."""

    kind = ""
    permission_classes = [IsAuthenticated]
    parser_classes = [MultiPartParser, FormParser]

    def check_permissions(self, request):
        super().check_permissions(request)
        if not bulk_import.may_import(request.user, self.kind):
            raise PermissionDenied

    @extend_schema(request={"multipart/form-data": ImportInputSerializer}, responses=ImportAnswer)
    def post(self, request):
        serializer = ImportInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        check_size(upload, settings.EVIDENCE_MAX_BYTES, "file")
        content = upload.read()
        try:
            if serializer.validated_data["confirmed"]:
                preview = bulk_import.import_commit(
                    actor=request.user, kind=self.kind, upload=content, request=request
                )
            else:
                preview = bulk_import.import_preview(
                    actor=request.user, kind=self.kind, upload=content
                )
                if preview.errors:
                    raise bulk_import.ImportRefused(preview)
        except bulk_import.ImportRefused as refused:  # nothing imported: every error listed
            errors = RowErrorSerializer(refused.preview.errors, many=True).data
            return Response(
                {**refused.message_dict, "errors": errors}, status=status.HTTP_400_BAD_REQUEST
            )
        return Response({"rows": len(preview.rows), "errors": [], "imported": preview.imported})
