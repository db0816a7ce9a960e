import json

from import_export import fields, widgets

from scenarios.resources import BILINGUAL, CatalogItemResource

from .models import IndicatorDefinition, InputDefinition


class JSONListWidget(widgets.JSONWidget):
    """A JSON list in one cell; an empty cell is an empty list, never null."""

    def render(self, value, obj=None, **kwargs):
        return json.dumps(value or [], ensure_ascii=False)

    def clean(self, value, row=None, **kwargs):
        return super().clean(value, row, **kwargs) or []


class InputDefinitionResource(CatalogItemResource):
    table_fields = fields.Field(attribute="fields", column_name="fields", widget=JSONListWidget())

    class Meta(CatalogItemResource.Meta):
        model = InputDefinition
        fields = (
            "no",
            "code",
            *BILINGUAL,
            "unit",
            "unit_en",
            "kind",
            "table_fields",
            "not_greater_than",
        )


class IndicatorDefinitionResource(CatalogItemResource):
    inputs = fields.Field(attribute="inputs", column_name="inputs", widget=JSONListWidget())

    class Meta(CatalogItemResource.Meta):
        model = IndicatorDefinition
        fields = (
            "no",
            "code",
            *BILINGUAL,
            "category",
            "unit",
            "unit_en",
            "seed_formula",
            "formula",
            "direction",
            "applicability",
            "inputs",
            "decimals",
            "correction_note",
            "correction_note_en",
        )
