from django.http import Http404
from django.shortcuts import render

from scenarios import selectors as catalog_selectors
from scenarios.models import CatalogVersion

from . import selectors


def catalog_browser(request):
    """Dimensions → links → scenarios, support elements and the 19 indicators."""
    label = request.GET.get("version")
    if label and request.user.is_authenticated and request.user.is_province_admin:
        version = CatalogVersion.objects.filter(label=label).first()  # admins preview drafts
    else:
        version = catalog_selectors.catalog_version_published(label=label)
    if version is None:
        raise Http404
    indicators = list(selectors.indicator_definitions(version=version))
    inputs = {i.code: i for i in selectors.input_definitions(version=version)}
    for indicator in indicators:
        indicator.input_definitions = [inputs[c] for c in indicator.inputs if c in inputs]
    return render(
        request,
        "catalog/browser.html",
        {
            "version": version,
            "dimensions": catalog_selectors.catalog_dimensions(version=version),
            "support_elements": version.support_elements.order_by("no"),
            "indicators": indicators,
            "versions": catalog_selectors.catalog_versions_visible(user=request.user),
        },
    )
