"""Plausibility flags: each says what it compared and the figures; the peers' fences need at
least five others; the settings move the thresholds."""

from decimal import Decimal

import pytest

from evaluation.plausibility import change_flags, consistency_flags, fences, outlier_flags

NAMES = {
    "inspected_defective": "检验不合格数",
    "inspected_total": "检验总数",
    "on_time_orders": "按时交付订单数",
    "total_orders": "订单总数",
    "total_energy_tce": "综合能耗",
}
ENERGY = {21: "能耗数据监测", 22: "能效平衡与优化"}
SOUND = {
    "avg_employees": "400",
    "sales_headcount": "40",
    "sales_revenue": "11000",
    "gross_output_value": "12000",
    "inspected_defective": "25",
    "inspected_total": "5000",
    "total_energy_tce": "2400",
}


def _flags(current, base=None, scenarios=None, **kwargs):
    return consistency_flags(
        inputs={"base": SOUND if base is None else base, "current": current},
        input_names=NAMES,
        scenario_status=scenarios or {},
        energy_scenarios=ENERGY,
        **kwargs,
    )


def test_sound_inputs_raise_nothing():
    assert _flags(SOUND, scenarios={21: "implemented"}) == []


def test_each_inconsistency_names_what_it_compared_with_the_figures():
    current = dict(
        SOUND,
        sales_headcount="450",
        sales_revenue="30000",
        inspected_total="",
        on_time_orders="520",
        total_orders="500",
        total_energy_tce="",
    )
    flags = {f.code: f for f in _flags(current, scenarios={22: "implemented", 21: "planned"})}
    assert flags["sales_staff_vs_employees"].message == "当年销售人数 450 人多于职工平均人数 400 人"
    assert flags["sales_vs_output"].message == (
        "当年销售收入 30000 万元是工业总产值 12000 万元的 2.5 倍（超过 2 倍）"
    )
    assert flags["defects_vs_inspected"].message == "当年填了检验不合格数 25，但检验总数为空或为 0"
    assert flags["on_time_vs_orders"].message == "当年按时交付订单数 520 大于订单总数 500"
    assert flags["energy_scenario_without_energy_data"].message == (
        "已实施能源管理相关场景（22 能效平衡与优化），但当年未填综合能耗"
    )
    assert all(f.period == "current" for f in flags.values())


def test_the_sales_to_output_limit_is_a_setting(settings):
    settings.PLAUSIBILITY_SALES_OUTPUT_RATIO = 0.5
    (flag,) = _flags(SOUND, base={})
    assert flag.code == "sales_vs_output" and "（超过 0.5 倍）" in flag.message


def _row(code, current, base=None, name="全员劳动生产率", unit="万元/人"):
    return {
        "code": code,
        "name": name,
        "unit": unit,
        "base": {"value": None if base is None else Decimal(base)},
        "current": {"value": None if current is None else Decimal(current)},
    }


def test_fences_need_five_others_and_a_spread():
    assert fences([10, 11, 12, 13, 100]) is None  # four others
    assert fences([10, 10, 10, 10, 10, 100]) is None  # no spread
    bounds = fences([10, 11, 12, 13, 14, 100])
    assert (bounds.q1, bounds.q3, bounds.others) == (11.25, 13.75, 5)
    assert (bounds.low, bounds.high) == (3.75, 21.25)  # 3 × IQR 2.5 beyond the quartiles


def test_a_value_beyond_the_fences_is_flagged_with_them(settings):
    group = fences([10, 11, 12, 13, 14, 100])
    rows = [_row("labor_productivity", "100"), _row("oee", "12", name="设备综合效率", unit="%")]
    (flag,) = outlier_flags(rows, {"labor_productivity": group, "oee": group})
    assert flag.subject == "labor_productivity"
    assert flag.message == (
        "当年全员劳动生产率 100 万元/人 超出同类企业（另 5 家）的合理范围 3.75–21.25"
        "（四分位数 11.25、13.75 外 3 倍四分位距）"
    )
    settings.PLAUSIBILITY_IQR_MULTIPLE = 40
    assert outlier_flags(rows, {"labor_productivity": fences([10, 11, 12, 13, 14, 100])}) == []


def test_a_more_than_tenfold_change_is_flagged(settings):
    rows = [
        _row("labor_productivity", "300", base="25"),  # twelvefold
        _row("oee", "0.8", base="9", name="设备综合效率", unit="%"),  # 11.25 times less
        _row("defect_rate", "2", base="10", name="产品不良率", unit="%"),
        _row("rd_cycle_days", "5", base=None, name="产品研制周期", unit="天"),
    ]
    flags = change_flags(rows)
    assert [f.subject for f in flags] == ["labor_productivity", "oee"]
    assert flags[0].message == (
        "全员劳动生产率从基准年 25 变为当年 300 万元/人，相差 12 倍（超过 10 倍）"
    )
    settings.PLAUSIBILITY_CHANGE_FACTOR = 4
    assert len(change_flags(rows)) == 3


@pytest.mark.django_db
def test_the_energy_scenarios_are_those_the_guide_ties_to_energy(catalog):
    from evaluation.flag_selectors import _energy_scenarios

    assert _energy_scenarios(catalog) == {21: "能耗数据监测", 22: "能效平衡与优化"}
