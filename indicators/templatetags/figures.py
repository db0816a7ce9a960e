from django import template

from indicators.engine import shown_number

register = template.Library()


@register.filter
def shown(value, decimals=0) -> str:
    """``{{ value|shown:2 }}``: the figure rounded as the charts round it."""
    return shown_number(value, int(decimals))
