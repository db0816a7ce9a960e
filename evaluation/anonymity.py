"""What an expert may know of the applicant. A batch hides who applied from its experts unless
it says otherwise; everyone else who reaches a submission through a gate sees who it is."""

import os

from django.utils.translation import gettext as _


def identity_visible_to(viewer, assessment) -> bool:
    """``viewer`` None is the applicant's own report: the identity is shown."""
    return viewer is None or not viewer.is_expert or assessment.batch.experts_see_identity


def anonymous_evidence_name(evidence_id: int, original_name: str) -> str:
    """A file's own name often names the company ("某某公司验收报告.pdf"): experts who may not
    know the applicant see a neutral one, with the same extension."""
    extension = os.path.splitext(original_name)[1].lower()
    return _("证明材料-%(id)s%(ext)s") % {"id": evidence_id, "ext": extension}


def evidence_shown(items: list[dict], identity_visible: bool) -> list[dict]:
    """A snapshot's evidence list as the viewer may read it."""
    if identity_visible:
        return items
    return [{**item, "name": anonymous_evidence_name(item["id"], item["name"])} for item in items]
