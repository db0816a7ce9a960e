"""``{% upload_limits as limits %}``: the evidence upload's accepted types and size limit, from
the checks the upload goes through (``evaluation.uploads``), shown before a file is chosen."""

from django import template

from evaluation.uploads import upload_limits as limits_of

register = template.Library()


@register.simple_tag
def upload_limits() -> dict:
    return limits_of()
