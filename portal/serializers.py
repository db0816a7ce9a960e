from django.contrib.auth import authenticate
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import ENTERPRISE_PROFILE_FIELDS, ApiToken, District, Enterprise
from .tokens import DEFAULT_TOKEN_NAME


class EnterpriseSerializer(serializers.ModelSerializer):
    city_name = serializers.CharField(source="get_city_display", read_only=True)
    district = serializers.PrimaryKeyRelatedField(
        queryset=District.objects.all(),
        allow_null=False,
        help_text=_("所在县（市、区）的行政区划代码（GB/T 2260，如 320506），须属于所在设区市"),
    )
    district_name = serializers.CharField(read_only=True)
    district_text = serializers.CharField(
        read_only=True,
        help_text=_("改为从行政区划中选择之前填写的文字（未能对应到区划时待改正）"),
    )

    class Meta:
        model = Enterprise
        fields = ("id", *ENTERPRISE_PROFILE_FIELDS, "city_name", "district_name", "district_text")
        read_only_fields = ("id",)


class NotificationSerializer(serializers.Serializer):
    """Title and body in the reader's language."""

    id = serializers.IntegerField()
    kind = serializers.CharField()
    title = serializers.CharField(source="display_title")
    body = serializers.CharField(source="display_body")
    url = serializers.CharField()
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationReadSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        help_text=_("要标记为已读的通知编号；不填则全部标记为已读"),
    )


class NotificationMarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it, without the token itself (only its hash is kept)."""

    class Meta:
        model = ApiToken
        fields = ("id", "name", "created", "expiry", "last_used_at")
        read_only_fields = ("id", "created", "expiry", "last_used_at")


class ApiTokenIssuedSerializer(ApiTokenSerializer):
    """A token just issued, with the token itself: shown in this answer only."""

    token = serializers.SerializerMethodField(
        help_text=_("令牌本身，仅在此次返回；请求时以 Authorization: Token <令牌> 发送")
    )

    class Meta(ApiTokenSerializer.Meta):
        fields = (*ApiTokenSerializer.Meta.fields, "token")

    def get_token(self, obj) -> str:
        return self.context["token"]


class TokenObtainSerializer(serializers.Serializer):
    """A username and password (checked as the login page checks them, lockout included)."""

    username = serializers.CharField(write_only=True)
    password = serializers.CharField(
        write_only=True, trim_whitespace=False, style={"input_type": "password"}
    )
    name = serializers.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        required=False,
        default=DEFAULT_TOKEN_NAME,
        help_text=_("令牌名称，如 MES、ERP；同名的原令牌被替换"),
    )

    def validate(self, attrs):
        user = authenticate(
            request=self.context["request"],
            username=attrs["username"],
            password=attrs["password"],
        )
        if user is None:
            raise serializers.ValidationError(_("用户名或密码不正确。"), code="authorization")
        return {**attrs, "user": user}
