"""What is built from a published catalog version is built once per process; a draft's is
built afresh, so an edit shows at once."""

from django.utils import translation

from evaluation.tiers import CatalogShape
from indicators.engine import IndicatorSet
from indicators.inputs import InputSpec
from scenarios.models import Dimension
from scenarios.services import catalog_version_clone


def test_a_published_version_is_read_once(catalog, django_assert_num_queries):
    first = CatalogShape.for_version(catalog)
    indicators = IndicatorSet.for_version(catalog)
    spec = InputSpec.for_version(catalog)
    with django_assert_num_queries(0):
        assert CatalogShape.for_version(catalog) is first
        assert IndicatorSet.for_version(catalog) is indicators
        assert InputSpec.for_version(catalog) is spec
    with django_assert_num_queries(1):  # by id: only the version's status is read
        assert CatalogShape.for_version(catalog.pk) is first


def test_names_follow_the_reader_s_language(catalog):
    chinese = CatalogShape.for_version(catalog).dimension_names
    with translation.override("en"):
        english = CatalogShape.for_version(catalog).dimension_names
    assert chinese != english and set(chinese) == set(english)
    assert CatalogShape.for_version(catalog).dimension_names == chinese


def test_a_draft_is_built_afresh_so_edits_show(catalog, province_admin):
    draft = catalog_version_clone(version=catalog, label="2026.9-draft", actor=province_admin)
    before = CatalogShape.for_version(draft)
    dimension = Dimension.objects.get(version=draft, code=next(iter(before.dimension_names)))
    dimension.name = "改过的维度名称"
    dimension.save()
    after = CatalogShape.for_version(draft)
    assert after is not before
    assert after.dimension_names[dimension.code] == "改过的维度名称"
