"""Irreversible actions ask first, saying what will happen.

A page's form carries its ``Confirmation`` (``{% confirm_attrs %}``): with JavaScript a dialog
asks before the form is sent and adds ``confirmed=1``. Without it, the view finds the field
missing once the form is valid and answers the confirmation page, which posts the same fields
again with ``confirmed=1``. The form and the view take the ``Confirmation`` from the same
function, so the dialog and the page say the same thing.
"""

from dataclasses import dataclass, field

from django.shortcuts import render

CONFIRMED_FIELD = "confirmed"
_NOT_REPOSTED = {CONFIRMED_FIELD, "csrfmiddlewaretoken"}


@dataclass(frozen=True)
class Confirmation:
    title: str  # the question: "推荐至省级？"
    consequences: tuple[str, ...]  # what will happen, one sentence each
    action: str  # the confirming button's label
    warnings: tuple[str, ...] = field(default=())  # what the user may not expect (shown first)

    def text(self) -> str:
        """Everything the dialog says below its title, one sentence per line."""
        return "\n".join((*self.warnings, *self.consequences))


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRMED_FIELD) == "1"


def reposted_fields(request) -> list[tuple[str, str]]:
    """The submitted fields the confirmation page sends again (the token is its own)."""
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in _NOT_REPOSTED
        for value in values
    ]


def confirmation_page(request, confirmation: Confirmation, *, cancel_url: str):
    """The page that asks without JavaScript: what will happen, confirm or go back."""
    context = {
        "confirmation": confirmation,
        "fields": reposted_fields(request),
        "action_url": request.get_full_path(),
        "cancel_url": cancel_url,
        "confirmed_field": CONFIRMED_FIELD,
    }
    return render(request, "confirm.html", context)
