from django.utils.translation import gettext as _
from rest_framework import serializers

from scenarios.models import Batch, Tier

from .models import AnswerStatus, Assessment, Evaluation


class StatusMapField(serializers.DictField):
    """``{"<no>": status}`` with numbers as keys (strings in JSON)."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.ChoiceField(choices=AnswerStatus.choices), **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        errors, out = {}, {}
        for key, status in value.items():
            try:
                out[int(key)] = status
            except (TypeError, ValueError):
                errors[key] = [_("编号应为整数。")]
        if errors:
            raise serializers.ValidationError(errors)
        return out


class TierRequestSerializer(serializers.Serializer):
    batch = serializers.PrimaryKeyRelatedField(
        queryset=Batch.objects.all(), required=False, allow_null=True
    )
    scenarios = StatusMapField()
    support_elements = StatusMapField(required=False, default=dict)
    indicators_improved = serializers.IntegerField(
        min_value=0, max_value=19, required=False, allow_null=True
    )


class GapSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    dimension = serializers.CharField(allow_blank=True)
    required = serializers.IntegerField()
    actual = serializers.IntegerField()
    missing = serializers.IntegerField()


class TierResultSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=Tier.choices)
    passed = serializers.BooleanField()
    gaps = GapSerializer(many=True)


class TierResponseSerializer(serializers.Serializer):
    highest_tier = serializers.ChoiceField(choices=Tier.choices, allow_null=True)
    tiers = TierResultSerializer(many=True)


class EvaluationSerializer(serializers.ModelSerializer):
    catalog_version = serializers.CharField(source="catalog_version.label")
    recommendations = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = (
            "assessment",
            "catalog_version",
            "rules_source",
            "indicators",
            "tier_result",
            "highest_tier",
            "indicators_improved",
            "computed_at",
            "recommendations",
        )

    def get_recommendations(self, obj) -> dict:
        return self.context.get("recommendations", {})


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = (
            "id",
            "enterprise",
            "batch",
            "state",
            "version",
            "base_year",
            "current_year",
            "base_inputs",
            "current_inputs",
            "submitted_at",
            "snapshot_sha256",
        )
        read_only_fields = fields
