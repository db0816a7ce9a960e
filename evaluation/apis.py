from dataclasses import asdict

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from scenarios import selectors as catalog_selectors

from . import selectors, services
from .recommendations import recommend
from .results import tier_outcome
from .serializers import (
    AssessmentSerializer,
    EvaluationSerializer,
    TierRequestSerializer,
    TierResponseSerializer,
)
from .tiers import CatalogShape, evaluate_tiers, rules_for_batch


class TierApi(APIView):
    """Stateless: the tier a set of scenario and support-element statuses qualifies for, with gaps."""

    @extend_schema(request=TierRequestSerializer, responses=TierResponseSerializer)
    def post(self, request):
        serializer = TierRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        batch = data.get("batch")
        version = batch.catalog_version if batch else catalog_selectors.catalog_version_current()
        if version is None:
            raise serializers.ValidationError({"batch": ["没有已发布的目录版本。"]})
        shape = CatalogShape.for_version(version)
        unknown = {
            **{
                f"scenarios.{n}": ["没有该编号的典型场景。"]
                for n in data["scenarios"]
                if n not in shape.scenario_link
            },
            **{
                f"support_elements.{n}": ["没有该编号的支撑要素。"]
                for n in data["support_elements"]
                if n not in shape.support_category
            },
        }
        if unknown:
            raise serializers.ValidationError(unknown)
        outcome = evaluate_tiers(
            shape,
            rules_for_batch(batch),
            data["scenarios"],
            data["support_elements"],
            data.get("indicators_improved"),
        )
        return Response(outcome.as_json())


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's assessments (another enterprise's are 404)."""

    def get_queryset(self):
        return selectors.assessments_for(self.request.user).order_by("pk")

    serializer_class = AssessmentSerializer

    @extend_schema(responses=EvaluationSerializer)
    @action(detail=True, methods=["get"])
    def evaluation(self, request, pk=None):
        assessment = self.get_object()
        evaluation = get_object_or_404(
            selectors.evaluations_for(request.user), assessment=assessment
        )
        data = selectors.assessment_data(assessment)
        outcome = tier_outcome(evaluation)
        recommendations = recommend(
            catalog_version=assessment.batch.catalog_version,
            scenario_status=data.scenario_status,
            outcome=outcome,
        )
        context = {
            "tier_outcome": outcome,
            "recommendations": {t: [asdict(r) for r in rs] for t, rs in recommendations.items()},
        }
        return Response(EvaluationSerializer(evaluation, context=context).data)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        """Recompute this assessment's evaluation in the background."""
        services.evaluation_enqueue(assessment=self.get_object())
        return Response({"detail": "queued"}, status=status.HTTP_202_ACCEPTED)
