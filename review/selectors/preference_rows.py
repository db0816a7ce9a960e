"""What an expert sees of the applications of a batch in its preference phase."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from scenarios.models import Batch

from .. import preferences
from ..anonymity import applicant_label, identity_visible_to
from ..models import ExpertPreference
from ..services.expert_reviews import claimed_scenarios
from ..services.preferences import preference_applications


def preference_rows(batch: Batch, expert) -> list[dict]:
    """What the expert sees of each application to mark: never an identity the batch hides
    (``review.anonymity``), with their current choice."""
    chosen = dict(
        ExpertPreference.objects.filter(expert=expert, assessment__batch=batch).values_list(
            "assessment_id", "choice"
        )
    )
    rows = []
    for a in preference_applications(batch):
        rows.append(
            {
                "assessment": a,
                "label": applicant_label(expert, a),
                "identity_visible": identity_visible_to(expert, a),
                "industry": a.get_applicant_industry_type_display(),
                "size": a.get_applicant_size_display(),
                "city": a.get_applicant_city_display(),
                "scenarios": claimed_scenarios(a),
                "choice": chosen.get(a.pk, preferences.DEFAULT_CHOICE),
            }
        )
    return rows


def phase_batch(pk: int) -> Batch:
    """A batch whose preference phase was ever opened: every active expert is in its pool."""
    batch = get_object_or_404(Batch, pk=pk)
    if preferences.phase_of(batch) is None:
        raise Http404
    return batch
