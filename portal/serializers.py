from rest_framework import serializers

from .models import Enterprise


class EnterpriseSerializer(serializers.ModelSerializer):
    city_name = serializers.CharField(source="get_city_display", read_only=True)

    class Meta:
        model = Enterprise
        fields = (
            "id",
            "name",
            "credit_code",
            "city",
            "city_name",
            "district",
            "address",
            "industry_code",
            "industry_type",
            "size",
            "contact_name",
            "contact_phone",
        )
        read_only_fields = ("id",)
