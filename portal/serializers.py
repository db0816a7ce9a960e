from rest_framework import serializers

from .models import ENTERPRISE_PROFILE_FIELDS, Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    city_name = serializers.CharField(source="get_city_display", read_only=True)

    class Meta:
        model = Enterprise
        fields = ("id", *ENTERPRISE_PROFILE_FIELDS, "city_name")
        read_only_fields = ("id",)
