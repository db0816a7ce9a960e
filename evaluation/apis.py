from dataclasses import asdict

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from scenarios import selectors as catalog_selectors

from . import carry_over, selectors, services
from .eligibility import formal_checklist
from .excel import XLSX, inputs_template_download
from .models import CarryOver
from .peers import MIN_PEERS, band_legend
from .recommendations import recommendations_for
from .results import indicator_rows, tier_outcome
from .serializers import (
    AnswerSerializer,
    AssessmentCreateSerializer,
    AssessmentDetailSerializer,
    AssessmentSerializer,
    AssessmentUpdateSerializer,
    CarryOverRequestSerializer,
    CarryOverSerializer,
    ChecklistSerializer,
    EvaluationSerializer,
    EvidenceSerializer,
    EvidenceUploadSerializer,
    InputsImportedSerializer,
    InputsUpdateSerializer,
    PeerBenchmarkSerializer,
    SubmitSerializer,
    TierRequestSerializer,
    TierResponseSerializer,
    WorkbookImportSerializer,
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


class EnterpriseWrites(BasePermission):
    """Reading follows the tenancy gate; writing an assessment is for enterprise users only, so
    every other role is refused (403) before any lookup, as in the web editor. Queuing a
    recompute is not an edit of the enterprise's data."""

    message = gettext_lazy("只有企业用户可以填写自评估。")

    def has_permission(self, request, view):
        return (
            request.method in SAFE_METHODS
            or view.action == "evaluate"
            or request.user.is_enterprise_user
        )


class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's assessments (another enterprise's are 404).

    Each item (an answer, an input, the years) has its own version (``item_versions``): a
    write may name the versions it read (``version`` for an answer, ``versions`` by item key for
    inputs and years); an item someone else changed since is refused with 409 naming the item
    and giving its current value, and nothing is saved. Writes of other items never conflict.
    Submission takes the assessment's ``version``. Sending the same update twice changes nothing.
    """

    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]
    permission_classes = [IsAuthenticated, EnterpriseWrites]
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors.assessments_for(self.request.user).order_by("pk")

    def get_serializer_class(self):
        if self.action == "list":
            return AssessmentSerializer
        return AssessmentDetailSerializer

    def _detail(self, assessment, status_code=status.HTTP_200_OK):
        assessment.refresh_from_db()
        return Response(AssessmentDetailSerializer(assessment).data, status=status_code)

    @extend_schema(request=AssessmentCreateSerializer, responses={201: AssessmentDetailSerializer})
    def create(self, request):
        serializer = AssessmentCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = request.user
        if not user.is_enterprise_user:
            raise PermissionDenied(_("只有企业用户可以创建自评估。"))
        data = serializer.validated_data
        source = (data.get("carry_over_from") or "").strip()
        with transaction.atomic():  # started from an earlier one: both, or neither
            assessment = services.assessment_create(
                enterprise=user.enterprise,
                batch=data["batch"],
                actor=user,
                base_year=data.get("base_year"),
                current_year=data.get("current_year"),
            )
            if source:
                if source != "last" and not source.isdigit():
                    raise serializers.ValidationError(
                        {"carry_over_from": [_("应为往年申报的编号或 last。")]}
                    )
                try:
                    carry_over.assessment_carry_over(
                        assessment=assessment,
                        actor=user,
                        source=None if source == "last" else int(source),
                    )
                except DjangoValidationError as exc:
                    raise DjangoValidationError(
                        {
                            "carry_over_from" if k == "source" else k: v
                            for k, v in exc.message_dict.items()
                        }
                    ) from exc
        return self._detail(assessment, status.HTTP_201_CREATED)

    @extend_schema(methods=["GET"], responses=CarryOverSerializer)
    @extend_schema(
        methods=["POST"], request=CarryOverRequestSerializer, responses={201: CarryOverSerializer}
    )
    @action(detail=True, methods=["get", "post"], url_path="carry-over")
    def carry_over(self, request, pk=None):
        """What was copied from an earlier application (GET, 404 if nothing was); or copy one
        into this fresh draft (POST ``source``, by default the most recent), matched by
        scenario and support element number and input code."""
        assessment = self.get_object()
        if request.method == "GET":
            carry = get_object_or_404(
                CarryOver.objects.select_related("source__batch"), assessment=assessment
            )
            return Response(CarryOverSerializer(carry).data)
        serializer = CarryOverRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        carry = carry_over.assessment_carry_over(
            assessment=assessment,
            actor=request.user,
            source=serializer.validated_data.get("source"),
        )
        return Response(CarryOverSerializer(carry).data, status=status.HTTP_201_CREATED)

    def _carry(self, request):
        return get_object_or_404(
            CarryOver.objects.select_related("source__batch", "assessment"),
            assessment=self.get_object(),
        )

    @extend_schema(request=None, responses=CarryOverSerializer)
    @action(detail=True, methods=["post"], url_path="carry-over/confirm")
    def carry_over_confirm(self, request, pk=None):
        """Keep what was copied (idempotent)."""
        carry = carry_over.carry_over_confirm(carry=self._carry(request), actor=request.user)
        return Response(CarryOverSerializer(carry).data)

    @extend_schema(request=None, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"], url_path="carry-over/undo")
    def carry_over_undo(self, request, pk=None):
        """Remove what was copied (409 once confirmed or changed since)."""
        assessment = carry_over.carry_over_undo(carry=self._carry(request), actor=request.user)
        return self._detail(assessment)

    @extend_schema(request=AssessmentUpdateSerializer, responses=AssessmentDetailSerializer)
    def update(self, request, pk=None, partial=False):
        serializer = AssessmentUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        versions = data.pop("versions", None)
        assessment = services.assessment_update(
            assessment=self.get_object(), actor=request.user, data=data, versions=versions
        )
        return self._detail(assessment)

    @extend_schema(request=InputsUpdateSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post", "patch"])
    def inputs(self, request, pk=None):
        """Bulk update of one period's indicator inputs by input code."""
        serializer = InputsUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment = services.assessment_inputs_update(
            assessment=self.get_object(),
            actor=request.user,
            period=data["period"],
            values=data["values"],
            replace=data["replace"],
            versions=data.get("versions"),
        )
        return self._detail(assessment)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path="inputs/template")
    def inputs_template(self, request, pk=None):
        """The indicator-input workbook for both years, filled with what is saved."""
        return inputs_template_download(self.get_object())

    @extend_schema(request=WorkbookImportSerializer, responses=InputsImportedSerializer)
    @action(detail=True, methods=["post"], url_path="inputs/import")
    def inputs_import(self, request, pk=None):
        """Import a filled template: all or nothing; errors are keyed by "Sheet!Cell", each
        message naming the input. The answer lists what changed (``changes``: old → new)."""
        serializer = WorkbookImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = services.assessment_inputs_import(
            assessment=self.get_object(),
            actor=request.user,
            uploaded=serializer.validated_data["file"],
        )
        changes = assessment.import_changes
        assessment.refresh_from_db()
        assessment.import_changes = changes
        return Response(InputsImportedSerializer(assessment).data)

    def _answer(self, request, setter, number_name, number):
        serializer = AnswerSerializer(data=request.data, partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        version = data.pop("version", None)
        assessment = self.get_object()
        setter(
            assessment=assessment,
            actor=request.user,
            data=data,
            expected_version=version,
            **{number_name: int(number)},
        )
        return self._detail(assessment)

    @extend_schema(request=AnswerSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["put", "patch"], url_path=r"scenarios/(?P<no>\d+)")
    def scenario(self, request, pk=None, no=None):
        """Set the answer for one of the 45 scenarios."""
        return self._answer(request, services.scenario_answer_set, "scenario_no", no)

    @extend_schema(request=AnswerSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["put", "patch"], url_path=r"support-elements/(?P<no>\d+)")
    def support_element(self, request, pk=None, no=None):
        """Set the answer for one of the 8 support elements."""
        return self._answer(request, services.support_answer_set, "element_no", no)

    @extend_schema(
        methods=["POST"], request=EvidenceUploadSerializer, responses={201: EvidenceSerializer}
    )
    @extend_schema(methods=["GET"], responses=EvidenceSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # one assessment's files
    def evidence(self, request, pk=None):
        """The evidence files (GET), or upload one (multipart: file, and one of scenario,
        support_element, financial_year or document)."""
        assessment = self.get_object()
        if request.method == "GET":
            shown = selectors.evidence_for(request.user).filter(assessment=assessment)
            return Response(EvidenceSerializer(shown, many=True).data)
        serializer = EvidenceUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        evidence = services.evidence_upload(
            assessment=assessment,
            actor=request.user,
            uploaded=data["file"],
            scenario_no=data.get("scenario"),
            element_no=data.get("support_element"),
            financial_year=data.get("financial_year"),
            document=data.get("document"),
        )
        return Response(EvidenceSerializer(evidence).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["delete"], url_path=r"evidence/(?P<evidence_id>\d+)")
    def evidence_remove(self, request, pk=None, evidence_id=None):
        assessment = self.get_object()
        evidence = get_object_or_404(
            selectors.evidence_for(request.user), assessment=assessment, pk=evidence_id
        )
        services.evidence_remove(evidence=evidence, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=SubmitSerializer, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Check completeness and declarations (and, after a return, an answer to each return
        comment), freeze the snapshot, evaluate in the background."""
        serializer = SubmitSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessment = services.assessment_submit(
            assessment=self.get_object(),
            actor=request.user,
            declarations=data["declarations"],
            answers=data["answers"],
            eligibility={k: data[k] for k in ("cmmm_level", "self_test_score") if k in data},
            expected_version=data.get("version"),
        )
        return self._detail(assessment)

    @extend_schema(request=None, responses=AssessmentDetailSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """The enterprise's administrator withdraws its submission before any reviewer acted
        on it: a draft again (409 once a reviewer has acted; past the deadline it cannot be
        submitted again)."""
        assessment = services.assessment_withdraw(assessment=self.get_object(), actor=request.user)
        return self._detail(assessment)

    @extend_schema(responses=ChecklistSerializer)
    @action(detail=True, methods=["get"])
    def checklist(self, request, pk=None):
        """The formal check's checklist as the province will see it: each item present or
        missing (in words), the eligibility gates per tier and the highest tier they allow."""
        return Response(ChecklistSerializer(formal_checklist(self.get_object())).data)

    @extend_schema(responses=EvaluationSerializer)
    @action(detail=True, methods=["get"])
    def evaluation(self, request, pk=None):
        assessment = self.get_object()
        evaluation = get_object_or_404(
            selectors.evaluations_for(request.user), assessment=assessment
        )
        data = selectors.assessment_data(assessment)
        outcome = tier_outcome(evaluation)
        recommendations = recommendations_for(
            assessment=assessment,
            scenario_status=data.scenario_status,
            outcome=outcome,
            indicator_rows=indicator_rows(evaluation),
        )
        context = {
            "tier_outcome": outcome,
            "recommendations": {t: [asdict(r) for r in rs] for t, rs in recommendations.items()},
        }
        return Response(EvaluationSerializer(evaluation, context=context).data)

    @extend_schema(responses=PeerBenchmarkSerializer)
    @action(detail=True, methods=["get"])
    def benchmark(self, request, pk=None):
        """Which quarter of its peers (other submitted assessments of the batch whose
        applicants had the same industry type and size class) each current-year indicator
        falls in, given only when enough peers have a value; never a peer's value, a share, a
        median or a boundary."""
        assessment = self.get_object()
        results = selectors.assessment_results(assessment)
        standings = results.standings if results else []
        data = {
            "assessment": assessment,
            "min_peers": MIN_PEERS,
            "bands": band_legend(),
            "indicators": standings,
        }
        return Response(PeerBenchmarkSerializer(data).data)

    @extend_schema(request=None, responses={202: None})
    @action(detail=True, methods=["post"])
    def evaluate(self, request, pk=None):
        """Recompute this assessment's evaluation in the background."""
        services.evaluation_enqueue(assessment=self.get_object())
        return Response({"detail": "queued"}, status=status.HTTP_202_ACCEPTED)
