"""The 19 indicators with hand-computed values, through the stateless compute endpoint."""

from decimal import Decimal

import pytest

from indicators.engine import IndicatorResult, Status, format_value, improvement

FULL = {
    "gross_output_value": "12000",
    "avg_employees": "400",
    "product_output_qty": "950",
    "raw_material_input_qty": "1000",
    "total_production_cost": "9000",
    "total_output_units": "30000",
    "inspected_defective": "25",
    "inspected_total": "5000",
    "quality_loss_cost": "60",
    "oee_availability": "90",
    "oee_performance": "95",
    "oee_quality": "98",
    "warehouses": [
        {"name": "原料库", "outbound": "1200", "average_inventory": "100"},
        {"name": "成品库", "outbound": "300", "average_inventory": "100"},
    ],
    "supplier_on_time_orders": "190",
    "supplier_total_orders": "200",
    "on_time_orders": "480",
    "total_orders": "500",
    "rd_projects": [
        {"name": "甲", "initiated_on": "2024-01-01", "accepted_on": "2024-04-10"},
        {"name": "乙", "initiated_on": "2024-02-01", "accepted_on": "2024-03-02"},
    ],
    "sales_revenue": "11000",
    "sales_headcount": "40",
    "total_energy_tce": "2400",
    "co2_emissions_t": "6000",
    "lost_time_incidents": "3",
    "actual_work_hours": "1200000",
    "replication_count": "4",
    "nc_processes": "36",
    "apc_processes": "30",
    "total_processes": "40",
    "networked_equipment": "180",
    "total_equipment": "200",
}

# Hand-computed from FULL.
EXPECTED = {
    "labor_productivity": Decimal("30"),  # 12000 / 400
    "resource_utilization": Decimal("95"),  # 950 / 1000 × 100
    "cost_to_output_ratio": Decimal("75"),  # 9000 / 12000 × 100
    "unit_product_cost": Decimal("0.3"),  # 9000 / 30000, no ×100 (seed error)
    "defect_rate": Decimal("0.5"),  # 25 / 5000 × 100: defective, not pass rate (seed error)
    "quality_loss_rate": Decimal("0.5"),  # 60 / 12000 × 100
    "oee": Decimal("83.79"),  # 0.90 × 0.95 × 0.98 = 0.8379
    "inventory_turnover": Decimal("7.5"),  # mean(12, 3), in 次 not % (seed error)
    "supplier_on_time_rate": Decimal("95"),
    "order_on_time_rate": Decimal("96"),
    "rd_cycle_days": Decimal("65"),  # mean(100 days, 30 days)
    "sales_per_capita": Decimal("275"),
    "energy_intensity": Decimal("0.2"),
    "co2_intensity": Decimal("0.5"),
    "lost_time_incident_rate": Decimal("0.5"),  # 3 × 200000 / 1200000 per 200k h (seed unit error)
    "replication_count": Decimal("4"),
    "nc_rate": Decimal("90"),
    "apc_rate": Decimal("75"),
    "equipment_networking_rate": Decimal("90"),
}


def compute(client, inputs, industry_type="mixed"):
    return client.post(
        "/api/v1/indicators/compute/",
        {"industry_type": industry_type, "inputs": inputs},
        format="json",
    )


@pytest.fixture
def client_(api_client, admin_a, catalog):
    api_client.force_authenticate(admin_a)
    return api_client


@pytest.mark.django_db
def test_all_19_hand_computed(client_):
    response = compute(client_, FULL)
    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["no"] for r in results] == list(range(1, 20))
    assert set(results[0]) == {"no", "code", "value", "unit", "status", "detail"}
    for r in results:
        assert r["status"] == "ok", r
        assert Decimal(r["value"]) == EXPECTED[r["code"]], r["code"]
    units = {r["code"]: r["unit"] for r in results}
    assert units["inventory_turnover"] == "次" and units["unit_product_cost"] == "万元/个"
    assert units["lost_time_incident_rate"] == "起/20万工时"


@pytest.mark.django_db
def test_not_applicable_by_industry_type(client_):
    by_code = {r["code"]: r for r in compute(client_, FULL, "discrete").json()["results"]}
    assert by_code["resource_utilization"]["status"] == "not_applicable"
    assert by_code["apc_rate"]["status"] == "not_applicable"
    assert by_code["nc_rate"]["status"] == "ok"
    assert by_code["apc_rate"]["value"] is None and "流程" in by_code["apc_rate"]["detail"]
    by_code = {r["code"]: r for r in compute(client_, FULL, "process").json()["results"]}
    assert by_code["nc_rate"]["status"] == "not_applicable"
    assert by_code["resource_utilization"]["status"] == "ok"


@pytest.mark.django_db
def test_missing_input_is_never_zero(client_):
    inputs = {k: v for k, v in FULL.items() if k not in ("avg_employees", "warehouses")}
    inputs["rd_projects"] = [{"name": "甲", "initiated_on": "2024-01-01"}]
    by_code = {r["code"]: r for r in compute(client_, inputs).json()["results"]}
    assert by_code["labor_productivity"]["status"] == "missing_input"
    assert by_code["labor_productivity"]["value"] is None
    assert "全部职工平均人数" in by_code["labor_productivity"]["detail"]
    assert by_code["inventory_turnover"]["status"] == "missing_input"
    assert by_code["rd_cycle_days"]["status"] == "missing_input"
    assert "accepted_on" in by_code["rd_cycle_days"]["detail"]
    assert by_code["defect_rate"]["status"] == "ok"


@pytest.mark.django_db
def test_zero_denominators_are_undefined_with_a_reason(client_):
    inputs = dict(
        FULL,
        avg_employees="0",
        inspected_total="0",
        inspected_defective="0",
        total_processes="0",
        nc_processes="0",
        apc_processes="0",
        actual_work_hours="0",
        warehouses=[{"outbound": "10", "average_inventory": "0"}],
    )
    by_code = {r["code"]: r for r in compute(client_, inputs).json()["results"]}
    for code in (
        "labor_productivity",
        "defect_rate",
        "nc_rate",
        "apc_rate",
        "lost_time_incident_rate",
        "inventory_turnover",
    ):
        assert by_code[code]["status"] == "undefined", code
        assert by_code[code]["value"] is None
        assert "为 0" in by_code[code]["detail"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"inspected_defective": "6000"}, "inspected_defective"),  # part > whole
        ({"on_time_orders": "501"}, "on_time_orders"),
        ({"supplier_on_time_orders": "201"}, "supplier_on_time_orders"),
        ({"networked_equipment": "201"}, "networked_equipment"),
        ({"nc_processes": "41"}, "nc_processes"),
        ({"apc_processes": "41"}, "apc_processes"),
        ({"oee_quality": "100.5"}, "oee_quality"),
        ({"oee_availability": "-1"}, "oee_availability"),
        ({"avg_employees": "-400"}, "avg_employees"),
        ({"lost_time_incidents": "2.5"}, "lost_time_incidents"),
        ({"gross_output_value": "abc"}, "gross_output_value"),
        ({"gross_output_value": "NaN"}, "gross_output_value"),
        ({"gross_output_value": "1e400"}, "gross_output_value"),
        (
            {"rd_projects": [{"initiated_on": "2024-05-01", "accepted_on": "2024-04-01"}]},
            "rd_projects[0].accepted_on",
        ),
        (
            {"rd_projects": [{"initiated_on": "2024-13-01", "accepted_on": "2024-04-01"}]},
            "rd_projects[0].initiated_on",
        ),
        ({"warehouses": [{"outbound": "-5", "average_inventory": "1"}]}, "warehouses[0].outbound"),
        ({"warehouses": "not a list"}, "warehouses"),
        ({"no_such_code": "1"}, "no_such_code"),
    ],
)
def test_impossible_inputs_are_refused_naming_the_field(client_, change, field):
    response = compute(client_, dict(FULL, **change))
    assert response.status_code == 400
    assert field in response.json()["inputs"], response.json()


@pytest.mark.django_db
def test_request_shape_errors(client_, api_client):
    assert client_.post(
        "/api/v1/indicators/compute/", {"inputs": {}}, format="json"
    ).json().keys() == {"industry_type"}
    assert compute(client_, {}, "steel").status_code == 400
    api_client.force_authenticate(None)
    assert compute(api_client, FULL).status_code == 401


@pytest.mark.django_db
def test_large_and_decimal_values_stay_exact(client_):
    inputs = dict(FULL, gross_output_value="123456789012.345", avg_employees="3")
    value = next(
        r for r in compute(client_, inputs).json()["results"] if r["code"] == "labor_productivity"
    )["value"]
    assert Decimal(value) == Decimal("41152263004.115")


def _result(value, status=Status.OK):
    return IndicatorResult(1, "x", None if value is None else Decimal(value), "", status, "")


def test_improvement_is_signed_by_direction():
    assert improvement("higher", _result("100"), _result("120"))[0] == Decimal("20")
    assert improvement("lower", _result("100"), _result("120"))[0] == Decimal("-20")
    assert improvement("lower", _result("2"), _result("1.5"))[0] == Decimal("25")
    assert improvement("higher", _result("-50"), _result("-25"))[0] == Decimal("50")
    change, detail = improvement("higher", _result("0"), _result("5"))
    assert change is None and "为 0" in detail
    change, detail = improvement("higher", _result(None, Status.MISSING_INPUT), _result("5"))
    assert change is None and detail


def test_display_rounds_only_at_the_end():
    assert format_value(Decimal("0.1") + Decimal("0.2"), 2, "%") == "0.30 %"
    assert format_value(Decimal("2.675"), 2) == "2.68"  # half up, no binary float surprise
    assert format_value(Decimal("1234567.891"), 1, "万元") == "1,234,567.9 万元"
    assert format_value(None, 2) == "—"
