from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import ENTERPRISE_PROFILE_FIELDS, Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    city_name = serializers.CharField(source="get_city_display", read_only=True)

    class Meta:
        model = Enterprise
        fields = ("id", *ENTERPRISE_PROFILE_FIELDS, "city_name")
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
