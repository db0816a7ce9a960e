"""django-import-export resources for the catalog: one sheet per catalog part."""

from import_export import fields, resources, widgets

from .models import Dimension, Link, LinkOutcome, Scenario, SupportElement


class VersionScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """A parent referred to by its number within the version being imported."""

    def __init__(self, model):
        super().__init__(model, field="no")

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(version=kwargs["version"])


class CatalogItemResource(resources.ModelResource):
    """Rows are identified by their number; the version comes from the import call."""

    def __init__(self, version=None, **kwargs):
        super().__init__(**kwargs)
        self.version = version

    def before_import_row(self, row, **kwargs):
        # Spreadsheets give empty cells as None; the catalog's texts are "" when empty.
        for key, value in row.items():
            if value is None:
                row[key] = ""

    def init_instance(self, row=None):
        instance = super().init_instance(row)
        instance.version = self.version
        return instance

    class Meta:
        exclude = ("id", "version")
        import_id_fields = ("no",)
        skip_unchanged = False
        clean_model_instances = True

    def get_instance(self, instance_loader, row):
        return None  # an import always fills an emptied draft


BILINGUAL = ("name", "name_en", "description", "description_en")


class DimensionResource(CatalogItemResource):
    class Meta(CatalogItemResource.Meta):
        model = Dimension
        fields = ("no", "code", *BILINGUAL)


class LinkResource(CatalogItemResource):
    dimension = fields.Field(
        attribute="dimension",
        column_name="dimension",
        widget=VersionScopedForeignKeyWidget(Dimension),
    )

    class Meta(CatalogItemResource.Meta):
        model = Link
        fields = ("no", "dimension", *BILINGUAL)


class ScenarioResource(CatalogItemResource):
    link = fields.Field(
        attribute="link", column_name="link", widget=VersionScopedForeignKeyWidget(Link)
    )

    class Meta(CatalogItemResource.Meta):
        model = Scenario
        fields = ("no", "link", *BILINGUAL)


class SupportElementResource(CatalogItemResource):
    class Meta(CatalogItemResource.Meta):
        model = SupportElement
        fields = ("no", "category", *BILINGUAL)


class LinkOutcomeResource(CatalogItemResource):
    link = fields.Field(
        attribute="link", column_name="link", widget=VersionScopedForeignKeyWidget(Link)
    )

    class Meta(CatalogItemResource.Meta):
        model = LinkOutcome
        fields = ("no", "link", "indicator_code", "interpretation", *BILINGUAL)
