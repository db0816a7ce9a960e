from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import get_object_or_404, render

from . import selectors


def tier_rules(request):
    """The tier rules in force: the defaults and each batch's own (public, like the catalog)."""
    return render(
        request, "evaluation/tier_rules.html", {"rule_sets": selectors.tier_rules_overview()}
    )


@login_required
def evidence_download(request, pk: int):
    """An evidence file, to those who may see its assessment; always as a download."""
    evidence = get_object_or_404(selectors.evidence_for(request.user), pk=pk)
    response = FileResponse(
        evidence.file.open("rb"),
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    response["Content-Security-Policy"] = "sandbox"
    return response
