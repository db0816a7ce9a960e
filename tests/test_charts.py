"""The SVG charts' geometry, shared by the web pages and the PDF."""

from decimal import Decimal

from django.template.loader import render_to_string

from reports.charts import bar_chart, radar_chart


def test_bars_scale_to_the_largest_value_and_put_negatives_left_of_zero():
    chart = bar_chart([("a", 50), ("b", -25), ("c", None), ("d", Decimal("100"))], unit="%")
    a, b, c, d = chart.bars
    assert chart.zero_x == chart.label_width + chart.plot_width / 5  # span −25 … 100
    assert d.width == 2 * a.width == 4 * b.width
    assert a.x == d.x == chart.zero_x and not a.negative
    assert b.negative and b.x + b.width == chart.zero_x
    assert c.missing and c.width == 0 and c.text == "—"
    assert a.text == "50 %"


def test_bars_with_only_zeros_or_nothing_do_not_divide_by_zero():
    assert bar_chart([("a", 0)]).bars[0].width == 0
    assert bar_chart([]).bars == []


def test_long_labels_are_shortened_but_kept_whole_in_the_tooltip():
    chart = bar_chart([("一二三四五六七八九十一二三四五六七八", 1)], label_chars=6)
    assert chart.bars[0].label == "一二三四五…"
    svg = render_to_string("charts/bars.svg", {"chart": chart, "title": "t"})
    assert "一二三四五六七八九十一二三四五六七八" in svg and "<svg" in svg


def test_radar_spokes_start_at_the_top_and_values_are_clipped_to_the_scale():
    chart = radar_chart([("a", 100), ("b", 50), ("c", 0), ("d", 150)], max_value=100, size=200)
    radius = chart.center - 80
    top, right, bottom, left = chart.points
    assert top == (100.0, 100.0 - radius)  # first spoke straight up, full length
    assert right == (100.0 + radius / 2, 100.0)  # half of the radius to the right
    assert bottom == (100.0, 100.0)  # zero sits at the centre
    assert left == (100.0 - radius, 100.0)  # 150 of 100 is drawn at the edge
    assert [a.anchor for a in chart.axes] == ["middle", "start", "middle", "end"]
    assert len(chart.rings) == 4
    svg = render_to_string("charts/radar.svg", {"chart": chart})
    assert svg.count("<circle") == 4
