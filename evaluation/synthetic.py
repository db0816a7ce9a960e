"""Plausible indicator inputs for synthetic enterprises: the demo's peers and the benchmarks.

Values are random but consistent (a part never exceeds its whole, dates are in order), so
every indicator computes.
"""

import random
from datetime import date, timedelta


def full_inputs(rng: random.Random) -> dict:
    """Every input of the 19 indicators, consistent with each other."""
    employees = rng.randint(50, 5000)
    output = employees * rng.uniform(50, 300)
    inspected = rng.randint(1000, 500000)
    processes = rng.randint(10, 200)
    equipment = rng.randint(20, 3000)
    orders = rng.randint(100, 10000)
    values = {
        "gross_output_value": f"{output:.2f}",
        "avg_employees": str(employees),
        "product_output_qty": f"{rng.uniform(500, 1000):.1f}",
        "raw_material_input_qty": "1000",
        "total_production_cost": f"{output * rng.uniform(0.5, 0.95):.2f}",
        "total_output_units": str(rng.randint(1000, 10**6)),
        "inspected_defective": str(rng.randint(0, inspected // 20)),
        "inspected_total": str(inspected),
        "quality_loss_cost": f"{output * rng.uniform(0, 0.02):.2f}",
        "oee_availability": f"{rng.uniform(60, 99):.1f}",
        "oee_performance": f"{rng.uniform(60, 99):.1f}",
        "oee_quality": f"{rng.uniform(90, 100):.1f}",
        "warehouses": [
            {
                "name": f"库{i}",
                "outbound": str(rng.randint(100, 100000)),
                "average_inventory": str(rng.randint(0, 20000)),
            }
            for i in range(rng.randint(1, 3))
        ],
        "supplier_on_time_orders": str(orders - rng.randint(0, orders // 10)),
        "supplier_total_orders": str(orders),
        "on_time_orders": str(orders - rng.randint(0, orders // 10)),
        "total_orders": str(orders),
        "rd_projects": [
            {
                "name": f"项目{i}",
                "initiated_on": (
                    start := date(2023, 1, 1) + timedelta(days=rng.randint(0, 300))
                ).isoformat(),
                "accepted_on": (start + timedelta(days=rng.randint(30, 400))).isoformat(),
            }
            for i in range(rng.randint(0, 3))
        ],
        "sales_revenue": f"{output * rng.uniform(0.8, 1.1):.2f}",
        "sales_headcount": str(rng.randint(0, 200)),
        "total_energy_tce": f"{output * rng.uniform(0.01, 0.5):.2f}",
        "co2_emissions_t": f"{output * rng.uniform(0.02, 1.2):.2f}",
        "lost_time_incidents": str(rng.randint(0, 5)),
        "actual_work_hours": str(employees * 2000),
        "replication_count": str(rng.randint(0, 10)),
        "nc_processes": str(rng.randint(0, processes)),
        "apc_processes": str(rng.randint(0, processes)),
        "total_processes": str(processes),
        "networked_equipment": str(rng.randint(0, equipment)),
        "total_equipment": str(equipment),
    }
    return values
