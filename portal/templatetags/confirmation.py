import json

from django import template
from django.utils.html import format_html

from portal.confirmation import Choices

register = template.Library()


@register.simple_tag
def confirm_attrs(confirmation):
    """The attributes by which portal.js asks before the form is sent (nothing if None); for
    ``Choices``, the default's and every choice's, picked by the fields' values."""
    if confirmation is None:
        return ""
    if isinstance(confirmation, Choices):
        return format_html(
            '{} data-confirm-fields="{}" data-confirm-choices="{}"',
            confirm_attrs(confirmation.default),
            " ".join(confirmation.fields),
            json.dumps(
                {"|".join(key): _said(c) for key, c in confirmation.choices.items()},
                ensure_ascii=False,
            ),
        )
    said = _said(confirmation)
    return format_html(
        'data-confirm-title="{}" data-confirm-text="{}" data-confirm-action="{}"'
        ' data-confirm-warning="{}"',
        said["title"],
        said["text"],
        said["action"],
        said["warning"],
    )


def _said(confirmation) -> dict:
    """What the dialog says for one choice (``portal.js`` reads these keys)."""
    return {
        "title": str(confirmation.title),
        "text": confirmation.text(),
        "action": str(confirmation.action),
        "warning": "1" if confirmation.warnings else "",
    }
