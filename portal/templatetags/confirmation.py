from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def confirm_attrs(confirmation):
    """The attributes by which portal.js asks before the form is sent (nothing if None)."""
    if confirmation is None:
        return ""
    return format_html(
        'data-confirm-title="{}" data-confirm-text="{}" data-confirm-action="{}"'
        ' data-confirm-warning="{}"',
        confirmation.title,
        confirmation.text(),
        confirmation.action,
        "1" if confirmation.warnings else "",
    )
