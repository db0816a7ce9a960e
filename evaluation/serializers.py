from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.engine import Status
from scenarios.models import Batch, Tier

from .models import AnswerStatus, Assessment, Evaluation
from .results import indicator_rows, tier_outcome


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


class PeriodResultSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField()
    detail = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())


class IndicatorRowSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    decimals = serializers.IntegerField()
    base = PeriodResultSerializer()
    current = PeriodResultSerializer()
    improvement = serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True, help_text="%"
    )
    improvement_detail = serializers.CharField()
    improved = serializers.BooleanField()


class EvaluationSerializer(serializers.ModelSerializer):
    catalog_version = serializers.CharField(source="catalog_version.label")
    indicators = serializers.SerializerMethodField()
    tier_result = serializers.SerializerMethodField()
    recommendations = serializers.SerializerMethodField()

    @extend_schema_field(IndicatorRowSerializer(many=True))
    def get_indicators(self, obj) -> list[dict]:
        return IndicatorRowSerializer(indicator_rows(obj), many=True).data

    @extend_schema_field(TierResponseSerializer)
    def get_tier_result(self, obj) -> dict:
        return (self.context.get("tier_outcome") or tier_outcome(obj)).as_json()

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
