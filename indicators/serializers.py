"""The catalog document of DESIGN.md §6: names as the seed writes them (Chinese)."""

from rest_framework import serializers

from portal.models import IndustryType


class CatalogScenarioSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()


class CatalogLinkOutcomeSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="The outcome in the guide's words.")
    indicator = serializers.CharField(
        source="indicator_code",
        help_text="The indicator code it names; empty when it is none of the 19.",
    )
    interpretation = serializers.BooleanField(
        help_text="The mapping is the portal's reading, not the guide's words."
    )


class CatalogLinkSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    name = serializers.CharField()
    outcomes = CatalogLinkOutcomeSerializer(many=True, source="outcomes.all")
    scenarios = CatalogScenarioSerializer(many=True, source="scenarios.all")


class CatalogDimensionSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    name = serializers.CharField()
    links = CatalogLinkSerializer(many=True, source="links.all")


class CatalogSupportElementSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    category = serializers.CharField()
    name = serializers.CharField()
    description = serializers.CharField()


class CatalogIndicatorSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    category = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    applicability = serializers.CharField()
    inputs = serializers.ListField(child=serializers.CharField())


class CatalogSerializer(serializers.Serializer):
    version = serializers.CharField(source="version.label")
    dimensions = CatalogDimensionSerializer(many=True)
    support_elements = CatalogSupportElementSerializer(many=True)
    indicators = CatalogIndicatorSerializer(many=True)


class ComputeRequestSerializer(serializers.Serializer):
    industry_type = serializers.ChoiceField(choices=IndustryType.choices)
    inputs = serializers.DictField(child=serializers.JSONField(), allow_empty=True)


class IndicatorResultSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    code = serializers.CharField()
    value = serializers.DecimalField(
        max_digits=40,
        decimal_places=20,
        allow_null=True,
        coerce_to_string=True,
        normalize_output=True,
    )
    unit = serializers.CharField()
    status = serializers.ChoiceField(choices=["ok", "missing_input", "undefined", "not_applicable"])
    detail = serializers.CharField(allow_blank=True)


class ComputeResponseSerializer(serializers.Serializer):
    results = IndicatorResultSerializer(many=True)


class CalculatorRequestSerializer(serializers.Serializer):
    entries = serializers.ListField(child=serializers.DictField(), allow_empty=False)


class CalculatorLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    quantity = serializers.DecimalField(max_digits=40, decimal_places=10, normalize_output=True)
    unit = serializers.CharField()
    factor = serializers.DecimalField(max_digits=20, decimal_places=6, normalize_output=True)
    result = serializers.DecimalField(max_digits=40, decimal_places=10, normalize_output=True)


class CalculatorResponseSerializer(serializers.Serializer):
    total = serializers.DecimalField(max_digits=40, decimal_places=10, normalize_output=True)
    unit = serializers.CharField()
    input_code = serializers.CharField()
    lines = CalculatorLineSerializer(many=True)
