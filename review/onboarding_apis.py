"""The onboarding's API: an enterprise registers itself (multipart, with its business licence),
as on the public page — the same answer whether its credit code is registered or not."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from portal import throttling
from portal.models import IndustryType, SizeClass

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
