"""Irreversible actions ask first, saying what will happen.

A page's form carries its ``Confirmation`` (``{% confirm_attrs %}``): with JavaScript a dialog
asks before the form is sent and adds ``confirmed=1``. Without it, the view finds the field
missing once the form is valid and answers the confirmation page, which posts the same fields
again with ``confirmed=1``. The form and the view take the ``Confirmation`` from the same
function, so the dialog and the page say the same thing. Where what will happen depends on
what the form chooses (a decision's outcome and tier), a ``Choices`` holds one
``Confirmation`` per combination of those fields' values: the dialog picks by the values
chosen when the form is sent, the page by the values posted.
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


@dataclass(frozen=True)
class Choices:
    fields: tuple[str, ...]  # the form fields whose values choose
    choices: dict[tuple[str, ...], Confirmation]  # their values, in order → what is said
    default: Confirmation  # for any other combination

    def chosen(self, data) -> Confirmation:
        """The confirmation of the values in ``data`` (a QueryDict or a dict)."""
        key = tuple(str(data.get(name) or "") for name in self.fields)
        return self.choices.get(key, self.default)


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


def unconfirmed_page(request, confirmation: Confirmation | None, *, cancel_url: str):
    """The confirmation page if the action asks first and this post has not confirmed it;
    None when the action may go ahead."""
    if confirmation is None or is_confirmed(request):
        return None
    return confirmation_page(request, confirmation, cancel_url=cancel_url)


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
