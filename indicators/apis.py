from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from scenarios import selectors as catalog_selectors

from . import selectors
from .serializers import CatalogSerializer


class CatalogApi(APIView):
    """The published catalog: 3 dimensions, 16 links, 45 scenarios, 8 support elements, 19 indicators."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version", str, description="A published version label; default the current one"
            )
        ],
        responses=CatalogSerializer,
    )
    def get(self, request):
        version = catalog_selectors.catalog_version_published(
            label=request.query_params.get("version")
        )
        if version is None:
            raise Http404("No published catalog version.")
        document = {
            "version": version,
            "dimensions": catalog_selectors.catalog_dimensions(version=version),
            "support_elements": version.support_elements.order_by("no"),
            "indicators": selectors.indicator_definitions(version=version),
        }
        return Response(CatalogSerializer(document).data)
