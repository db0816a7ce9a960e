"""The onboarding's API: an enterprise registers itself (multipart, with its business licence),
as on the public page — the same answer whether its credit code is registered or not."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import throttling
from portal.downloads import uploaded_file_response
from portal.models import EnterpriseRegistration, IndustryType, SizeClass

from .apis import IsReviewer
from .selectors.onboarding import registrations_for
from .services import onboarding


class RegistrationSerializer(serializers.Serializer):
    """What a registration sends; the service checks each field (credit code checksum,
    district of the city, phone, the licence's type and size) and names the wrong ones."""

    name = serializers.CharField()
    credit_code = serializers.CharField()
    city = serializers.CharField(help_text="设区市区划代码，如 320500")
    district = serializers.CharField(help_text="县（市、区）区划代码，如 320505")
    industry_code = serializers.CharField()
    industry_type = serializers.ChoiceField(choices=IndustryType.choices)
    size = serializers.ChoiceField(choices=SizeClass.choices)
    contact_name = serializers.CharField()
    contact_phone = serializers.CharField()
    email = serializers.EmailField()
    licence = serializers.FileField()


class RegistrationApi(APIView):
    """Register an enterprise: 202, and a link to verify the e-mail address is sent there."""

    permission_classes = ()
    throttle_classes = [throttling.RegistrationThrottle]  # per client and per address
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": RegistrationSerializer},
        responses={
            202: inline_serializer("RegistrationAccepted", {"detail": serializers.CharField()})
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        data = {key: request.data.get(key) for key in onboarding.REGISTRATION_FIELDS}
        onboarding.registration_submit(
            data=data, licence=request.data.get("licence"), request=request
        )
        return Response(
            {"detail": _("已收到注册，请查收邮件并在邮件中的链接内完成验证。")},
            status=status.HTTP_202_ACCEPTED,
        )


# --- the confirmers' side -----------------------------------------------------------------


class RegistrationRowSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    district = serializers.CharField(source="district_id", read_only=True)
    enterprise = serializers.IntegerField(source="enterprise_id", read_only=True)

    class Meta:
        model = EnterpriseRegistration
        fields = [
            "id",
            "enterprise",
            *onboarding.REGISTRATION_FIELDS,
            "licence_name",
            "licence_content_type",
            "licence_size",
            "status",
            "status_display",
            "verified_at",
            "decided_at",
            "reason",
        ]
        read_only_fields = fields


class RegistrationDecisionSerializer(serializers.Serializer):
    confirm = serializers.BooleanField(help_text="true 确认注册；false 退回（须写明 reason）")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RegistrationReviewViewSet(viewsets.ReadOnlyModelViewSet):
    """The registrations a district, city or province reviewer confirms (``registrations_for``,
    as the web's queue): each one, its licence, and the decision — confirm, or reject with a
    reason (400 naming ``reason``; 409 once decided)."""

    permission_classes = [IsAuthenticated, IsReviewer]
    serializer_class = RegistrationRowSerializer

    def get_queryset(self):
        return registrations_for(self.request.user).order_by("-verified_at", "-pk")

    @extend_schema(request=RegistrationDecisionSerializer, responses=RegistrationRowSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        registration = self.get_object()
        serializer = RegistrationDecisionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        decided = onboarding.registration_decide(
            registration=registration,
            actor=request.user,
            confirm=serializer.validated_data["confirm"],
            reason=serializer.validated_data["reason"],
            request=request,
        )
        return Response(RegistrationRowSerializer(decided).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def licence(self, request, pk=None):
        registration = self.get_object()
        return uploaded_file_response(
            registration.licence,
            filename=registration.licence_name,
            content_type=registration.licence_content_type,
        )
