"""The catalog browser and the indicator API (catalog, computation, calculators)."""

from django.urls import path

from . import apis, views

urlpatterns = [
    path("catalog/", views.catalog_browser, name="catalog"),
]

api_urlpatterns = [
    path("catalog/", apis.CatalogApi.as_view(), name="api-catalog"),
    path("indicators/compute/", apis.IndicatorComputeApi.as_view(), name="api-compute"),
    path(
        "indicators/calculators/energy/",
        apis.EnergyCalculatorApi.as_view(),
        name="api-calculator-energy",
    ),
    path(
        "indicators/calculators/co2/",
        apis.Co2CalculatorApi.as_view(),
        name="api-calculator-co2",
    ),
]
