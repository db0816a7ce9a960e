from django.db.models import QuerySet

from scenarios.models import CatalogVersion

from .models import IndicatorDefinition, InputDefinition


def indicator_definitions(*, version: CatalogVersion) -> QuerySet[IndicatorDefinition]:
    return IndicatorDefinition.objects.filter(version=version).order_by("no")


def input_definitions(*, version: CatalogVersion) -> QuerySet[InputDefinition]:
    return InputDefinition.objects.filter(version=version).order_by("no")
