from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.openapi import NOT_FOUND
from scenarios import selectors as catalog_selectors

from . import selectors
from .calculators import CALCULATORS, Calculator
from .engine import IndicatorSet
from .inputs import clean_inputs
from .serializers import (
    CalculatorRequestSerializer,
    CalculatorResponseSerializer,
    CatalogSerializer,
    ComputeRequestSerializer,
    ComputeResponseSerializer,
)


class CatalogApi(APIView):
    """The published catalog: 3 dimensions, 16 links, 45 scenarios, 8 support elements, 19 indicators."""

    permission_classes = [AllowAny]

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "version", str, description="A published version label; default the current one"
            )
        ],
        responses={200: CatalogSerializer, 404: NOT_FOUND},
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


def _current_version_or_404():
    version = catalog_selectors.catalog_version_current()
    if version is None:
        raise Http404("No published catalog version.")
    return version


class IndicatorComputeApi(APIView):
    """Stateless: the 19 indicators for one set of inputs (previews and integrations).

    Values are exact decimals, as strings. Impossible inputs are refused with 400
    and the errors keyed by input code (``inputs.<code>``).
    """

    throttle_scope = "compute"

    @extend_schema(request=ComputeRequestSerializer, responses=ComputeResponseSerializer)
    def post(self, request):
        serializer = ComputeRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        indicator_set = IndicatorSet.for_version(_current_version_or_404())
        values, errors = clean_inputs(serializer.validated_data["inputs"], indicator_set.spec)
        if errors:
            raise ValidationError({"inputs": errors})
        results = indicator_set.compute(values, serializer.validated_data["industry_type"])
        return Response(ComputeResponseSerializer({"results": results}).data)


class _CalculatorApi(APIView):
    calculator: Calculator

    @extend_schema(request=CalculatorRequestSerializer, responses=CalculatorResponseSerializer)
    def post(self, request):
        serializer = CalculatorRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        calculator = self.calculator
        total, lines = calculator.calculate(serializer.validated_data["entries"])
        return Response(
            CalculatorResponseSerializer(
                {
                    "total": total,
                    "unit": calculator.unit,
                    "input_code": calculator.input_code,
                    "lines": lines,
                }
            ).data
        )


class EnergyCalculatorApi(_CalculatorApi):
    """Comprehensive energy consumption per GB/T 2589-2020, in tce (feeds ``total_energy_tce``)."""

    calculator = CALCULATORS["energy"]


class Co2CalculatorApi(_CalculatorApi):
    """CO2 emissions from fuels and purchased electricity/heat, in t (feeds ``co2_emissions_t``)."""

    calculator = CALCULATORS["co2"]
