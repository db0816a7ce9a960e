from django.core.exceptions import ValidationError


class StateConflict(ValidationError):
    """Refused because of the object's state: frozen, stale, or in the wrong lifecycle step.

    The API answers these with 409, the forms with a message asking to reload.
    """


class EditConflict(StateConflict):
    """Refused because the same item changed since the editor loaded it: someone else saved
    first. It carries both values so that the editor can choose (keep mine / take theirs) and
    the API can answer which item and what it holds now; nothing is saved."""

    def __init__(
        self, message, *, item: str, label: str, yours, theirs, version: int, by=None, at=None
    ):
        super().__init__(message, code="edit_conflict")
        self.item, self.label = item, label
        self.yours, self.theirs = yours, theirs
        self.version, self.by, self.at = version, by, at

    def as_json(self) -> dict:
        return {
            "item": self.item,
            "label": self.label,
            "version": self.version,
            "current": self.theirs,
            "yours": self.yours,
            "updated_by": str(self.by) if self.by else None,
            "updated_at": self.at.isoformat() if self.at else None,
        }
