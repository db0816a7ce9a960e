from django.shortcuts import render

from . import selectors


def tier_rules(request):
    """The tier rules in force: the defaults and each batch's own (public, like the catalog)."""
    return render(
        request, "evaluation/tier_rules.html", {"rule_sets": selectors.tier_rules_overview()}
    )
