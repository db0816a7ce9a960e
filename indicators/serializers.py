"""The catalog document of DESIGN.md §6: names as the seed writes them (Chinese)."""

from rest_framework import serializers


class CatalogScenarioSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()


class CatalogLinkSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    name = serializers.CharField()
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
