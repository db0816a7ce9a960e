"""The province's view of a batch's deadlines, stage by stage, with what is overdue, and its
reminder by hand to those late at a stage."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.confirmation import unconfirmed_page

from . import confirmations, services
from .deadlines import STAGES, batch_deadlines
from .views import province_batch


@login_required
@require_GET
def batch_deadlines_page(request, pk: int):
    batch = province_batch(request, pk)
    rows = [
        {
            "row": row,
            "confirmation": confirmations.remind_late(request.user, batch, row.stage)
            if row.overdue
            else None,
        }
        for row in batch_deadlines(batch)
    ]
    return render(request, "review/batch_deadlines.html", {"batch": batch, "rows": rows})


@login_required
@require_POST
def batch_remind_late(request, pk: int):
    batch = province_batch(request, pk)
    stage = STAGES.get(request.POST.get("stage", ""))
    back = reverse("batch-deadlines", args=[batch.pk])
    confirmation = confirmations.remind_late(request.user, batch, stage)
    if asked := unconfirmed_page(request, confirmation, cancel_url=back):
        return asked
    try:
        n = services.deadline_remind_late(
            batch=batch, stage=stage.key if stage else "", actor=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(back)
    messages.success(request, _("已提醒 %(n)s 人。") % {"n": n})
    return redirect(back)
