from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """Refused because of the object's state: frozen, stale, or in the wrong lifecycle step.

    The API answers these with 409, the forms with a message asking to reload.
    """
