"""The editor's answer cards (45 scenarios, 8 support elements) from fragments cached per
published catalog version and language.

What a card shows of the catalog — number, name, description, labels, placeholders — is the
same for every enterprise: it is rendered once per process and kept with the version's id,
publication time and the language. What it shows of the assessment sits in ``{% live %}``
blocks of the card's template, rendered on every request into the cached text. The template
stays the one description of a card: rendered anywhere else (a conflict's "take theirs", a
draft catalog), ``{% live %}`` renders its content in place. ``EDITOR_CARD_CACHE`` off renders
every card in full (a benchmark's baseline).
"""

import re

from django import template
from django.conf import settings
from django.utils.safestring import mark_safe

from scenarios.frozen import new_memo, published_key

register = template.Library()

CARD = "evaluation/editor/_answer.html"
HOLES = "_live_blocks"  # while a card's fragments are built: the live blocks met so far
MARK = re.compile("\ue000(\\d+)\ue001")  # where a live block goes in the cached text
MAX_ENTRIES = 64  # (version, language, kind, editable); each holds that many cards

_recipes = new_memo()


class LiveNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        holes = context.get(HOLES)
        if holes is None:
            return self.nodelist.render(context)
        holes.append(self.nodelist)
        return f"\ue000{len(holes) - 1}\ue001"


@register.tag
def live(parser, token):
    """``{% live %}…{% endlive %}``: a part of a card that shows the assessment's own values
    (answer, version, last change, evidence, URLs, CSRF token); everything else in the card
    must depend only on the catalog item, the kind of card, ``editable`` and the language."""
    nodelist = parser.parse(("endlive",))
    parser.delete_first_token()
    return LiveNode(nodelist)


def _recipe(context, card, kind: str, no: int):
    """The card as cached text and live blocks, in order; None when nothing may be cached."""
    version = context["assessment"].batch.catalog_version
    key = published_key(version) if settings.EDITOR_CARD_CACHE else None
    if key is None:
        return None
    bucket = (*key, kind, bool(context.get("editable")))
    cards = _recipes.get(bucket)
    if cards is None:
        if len(_recipes) >= MAX_ENTRIES:
            _recipes.clear()
        cards = _recipes.setdefault(bucket, {})
    recipe = cards.get(no)
    if recipe is None:
        with context.push({HOLES: []}):
            text = card.render(context)
            holes = context[HOLES]
        parts = MARK.split(text)
        # the text between live blocks was escaped when the template rendered it
        recipe = [mark_safe(p) if i % 2 == 0 else holes[int(p)] for i, p in enumerate(parts)]  # noqa: S308
        cards[no] = recipe
    return recipe


@register.simple_tag(takes_context=True)
def answer_card(context, entry, kind: str, save_url: str):
    """One scenario's or support element's card (``_answer.html``) for ``entry`` (an
    ``EditorItem``): the catalog's part from the cache, the assessment's filled in."""
    card = context.template.engine.get_template(CARD)
    # a live block is rendered in this context, wherever it sits: the names the card's
    # evidence block (its include's ``with``) gives _evidence.html are set here too
    evidence = {"files": entry.evidence, "field": kind, "value": entry.item.no, "errors": None}
    with context.push(entry=entry, kind=kind, save_url=save_url, **evidence):
        recipe = _recipe(context, card, kind, entry.item.no)
        if recipe is None:
            return card.render(context)
        shown = "".join(p if isinstance(p, str) else p.render(context) for p in recipe)
        return mark_safe(shown)  # noqa: S308 — escaped as the template rendered each part
