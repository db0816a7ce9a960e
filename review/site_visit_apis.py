"""The site visit through the API, as on its pages: the visiting experts' visits and their
report (saved as a draft, then submitted), and the province sending experts on a visit. The
services check everything and name the field at fault."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from portal.models import User

from . import services
from .anonymity import applicant_label
from .apis import IsExpertOrProvinceAdmin, IsProvinceAdmin
from .models import SiteVisit
from .selectors import review_queue_for
from .selectors.site_visits import site_visits_for


class SiteVisitSerializer(serializers.ModelSerializer):
    applicant = serializers.SerializerMethodField()
    batch = serializers.CharField(source="assessment.batch.name", read_only=True)
    claimed = serializers.SerializerMethodField(help_text="申报已实施、须逐一核查的场景编号")
    visitors = serializers.SerializerMethodField()

    class Meta:
        model = SiteVisit
        fields = [
            "id",
            "assessment",
            "applicant",
            "batch",
            "claimed",
            "visitors",
            "checks",
            "finding",
            "finding_text",
            "submitted_at",
        ]
        read_only_fields = fields

    def get_applicant(self, visit) -> str:
        return applicant_label(self.context["request"].user, visit.assessment)

    def get_claimed(self, visit) -> list[int]:
        return services.claimed_scenarios(visit.assessment)

    def get_visitors(self, visit) -> list[str]:
        visitors = sorted(visit.visitors.all(), key=lambda u: u.pk)  # prefetched by the list
        return [u.get_full_name() or u.get_username() for u in visitors]


class SiteVisitReportSerializer(serializers.Serializer):
    checks = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        help_text='每个场景的核查：{"3": {"result": "confirmed", "notes": "…"}}',
    )
    finding = serializers.CharField(required=False, allow_blank=True)
    finding_text = serializers.CharField(required=False, allow_blank=True)


class SiteVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An expert's site visits (the province: every one). ``report`` saves the report's draft,
    all of it or nothing; ``submit`` makes it final once every claimed scenario is checked and
    a finding given (400 naming each missing part; 409 once submitted)."""

    permission_classes = [IsAuthenticated, IsExpertOrProvinceAdmin]
    serializer_class = SiteVisitSerializer

    def get_queryset(self):
        return site_visits_for(self.request.user).prefetch_related("visitors").order_by("-pk")

    def _answer(self, visit):
        visit = self.get_queryset().get(pk=visit.pk)
        return Response(SiteVisitSerializer(visit, context={"request": self.request}).data)

    def _report(self, request) -> dict:
        serializer = SiteVisitReportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=SiteVisitReportSerializer, responses=SiteVisitSerializer)
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        visit = services.site_visit_save(
            visit=self.get_object(), actor=request.user, data=self._report(request)
        )
        return self._answer(visit)

    @extend_schema(request=SiteVisitReportSerializer, responses=SiteVisitSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        visit = services.site_visit_submit(
            visit=self.get_object(), actor=request.user, data=self._report(request)
        )
        return self._answer(visit)


class SiteVisitAssignSerializer(serializers.Serializer):
    experts = serializers.PrimaryKeyRelatedField(
        many=True, queryset=User.objects.all(), help_text="现场核查专家（用户 id）"
    )


class SiteVisitAssignViewSet(viewsets.GenericViewSet):
    """The province sends experts on the site visit of a submission whose batch requires one
    (400 naming ``experts`` for one who is not an expert or has a conflict of interest)."""

    permission_classes = [IsAuthenticated, IsProvinceAdmin]

    def get_queryset(self):
        return review_queue_for(self.request.user)

    @extend_schema(request=SiteVisitAssignSerializer, responses=SiteVisitSerializer)
    @action(detail=True, methods=["post"], url_path="site-visit")
    def assign(self, request, pk=None):
        serializer = SiteVisitAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        visit = services.site_visit_assign(
            assessment=self.get_object(),
            experts=serializer.validated_data["experts"],
            actor=request.user,
        )
        return Response(SiteVisitSerializer(visit, context={"request": request}).data)
