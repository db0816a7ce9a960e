from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from indicators.calculators import co2_total_t, energy_total_tce
from indicators.models import EnergyCarrier


@pytest.mark.django_db
def test_energy_per_gb_t_2589(factors):
    # 1,000,000 kWh × 0.1229 kgce + 200,000 m³ gas × 1.2143 kgce + 50,000 kg diesel × 1.4571 kgce
    total, lines = energy_total_tce(
        [
            {"code": "electricity", "quantity": "1000000"},
            {"code": "natural_gas", "quantity": 200000},
            {"code": "diesel", "quantity": "50000"},
        ]
    )
    assert total == Decimal("122.9") + Decimal("242.86") + Decimal("72.855")
    assert [line.code for line in lines] == ["electricity", "natural_gas", "diesel"]


@pytest.mark.django_db
def test_coefficients_are_data(factors):
    EnergyCarrier.objects.filter(code="electricity").update(kgce_per_unit=Decimal("0.3"))
    total, _ = energy_total_tce([{"code": "electricity", "quantity": "1000"}])
    assert total == Decimal("0.3")


@pytest.mark.django_db
def test_co2_fuels_plus_grid_electricity(factors):
    total, _ = co2_total_t(
        [
            {"code": "natural_gas", "quantity": "100000"},  # × 2.1622 kg
            {"code": "grid_electricity", "quantity": "2000000"},  # × 0.5703 kg
        ]
    )
    assert total == Decimal("216.22") + Decimal("1140.6")


@pytest.mark.django_db
def test_bad_lines_are_named(factors):
    with pytest.raises(ValidationError) as exc:
        energy_total_tce(
            [{"code": "unobtainium", "quantity": 1}, {"code": "diesel", "quantity": "-3"}]
        )
    assert set(exc.value.message_dict) == {"entries[0].code", "entries[1].quantity"}
    with pytest.raises(ValidationError):
        energy_total_tce([])


@pytest.mark.django_db
def test_calculator_api(api_client, admin_a, factors):
    api_client.force_authenticate(admin_a)
    response = api_client.post(
        "/api/v1/indicators/calculators/energy/",
        {"entries": [{"code": "electricity", "quantity": "1000000"}]},
        format="json",
    )
    assert response.status_code == 200
    body = response.json()
    assert Decimal(body["total"]) == Decimal("122.9") and body["input_code"] == "total_energy_tce"
    response = api_client.post(
        "/api/v1/indicators/calculators/co2/",
        {"entries": [{"code": "x", "quantity": 1}]},
        format="json",
    )
    assert response.status_code == 400 and "entries[0].code" in response.json()
