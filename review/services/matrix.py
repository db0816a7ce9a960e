"""Several assignments added and withdrawn at once from the batch's expert × application
matrix: each through ``assignment_add`` / ``assignment_remove``, all or none."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation.models import Assessment
from portal.exceptions import StateConflict
from portal.selectors import experts
from scenarios.models import Batch

from ..models import ExpertAssignment
from .assignment import assignment_add, assignment_remove
from .common import require_province_admin


def _label(assessment, expert) -> str:
    return f"{assessment.review_reference} × {expert.get_full_name() or expert.username}"


@transaction.atomic
def assignments_change(
    *, batch: Batch, actor, add: list[tuple[int, int]], withdraw: list[int]
) -> dict:
    """Add the (application id, expert id) pairs and withdraw the assignments named, all in
    one go: any refusal (a conflict of interest with its reason, an application not awaiting
    experts, a review already submitted) refuses the whole change, naming each refused item
    under ``add`` or ``withdraw``. Returns the assignments added and withdrawn."""
    require_province_admin(actor)
    if not add and not withdraw:
        raise ValidationError({"add": _("请至少选择一项要分配或撤销的评审任务。")})
    assessments = Assessment.objects.filter(batch=batch).in_bulk({a for a, _e in add})
    people = experts().in_bulk({e for _a, e in add})
    assignments = ExpertAssignment.objects.filter(assessment__batch=batch).in_bulk(withdraw)
    errors = {"add": [], "withdraw": []}
    added, withdrawn = [], []
    for assessment_id, expert_id in add:
        assessment, expert = assessments.get(assessment_id), people.get(expert_id)
        if assessment is None or expert is None:
            errors["add"].append(
                _("%(pair)s：不是本批次的申报或评审专家。")
                % {"pair": f"{assessment_id}×{expert_id}"}
            )
            continue
        try:
            added.append(assignment_add(assessment=assessment, expert=expert, actor=actor))
        except (ValidationError, StateConflict) as exc:
            errors["add"].append(f"{_label(assessment, expert)}：{' '.join(exc.messages)}")
    for assignment_id in withdraw:
        assignment = assignments.get(assignment_id)
        if assignment is None:
            errors["withdraw"].append(_("%(id)s：不是本批次的评审任务。") % {"id": assignment_id})
            continue
        try:
            withdrawn.append(assignment_remove(assignment=assignment, actor=actor))
        except (ValidationError, StateConflict) as exc:
            label = _label(assignment.assessment, assignment.expert)
            errors["withdraw"].append(f"{label}：{' '.join(exc.messages)}")
    errors = {field: messages for field, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)
    return {"added": added, "withdrawn": withdrawn}
