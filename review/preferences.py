"""The experts' preferences of a batch as the assignment reads them: whether the preference
phase is open, each expert's choice per application (none given: willing), its weight and the
conflicts it declares (which the assignment never overrides)."""

from django.utils import timezone

from .models import ExpertPreference, PreferencePhase

Choice = ExpertPreference.Choice

# The weight of each choice in the automatic assignment: lower is preferred.
WEIGHTS = {Choice.PREFER: 0, Choice.WILLING: 1, Choice.NOT_MY_FIELD: 3}
DEFAULT_CHOICE = Choice.WILLING


def phase_of(batch) -> PreferencePhase | None:
    return PreferencePhase.objects.filter(batch=batch).first()


def phase_is_open(phase: PreferencePhase | None) -> bool:
    return phase is not None and phase.closed_at is None and timezone.now() < phase.ends_at


def open_phases():
    """The preference phases open now (every active expert is in a batch's pool)."""
    return PreferencePhase.objects.filter(closed_at__isnull=True, ends_at__gt=timezone.now())


def batch_choices(batch) -> dict[tuple[int, int], str]:
    """(expert id, assessment id) → the choice the expert made (absent: willing)."""
    return {
        (expert, assessment): choice
        for expert, assessment, choice in ExpertPreference.objects.filter(
            assessment__batch=batch
        ).values_list("expert_id", "assessment_id", "choice")
    }


def preference_conflicts(batch) -> set[tuple[int, int]]:
    """(expert id, enterprise id) of the conflicts experts declared in the batch's phase."""
    return set(
        ExpertPreference.objects.filter(
            assessment__batch=batch, choice=Choice.CONFLICT
        ).values_list("expert_id", "assessment__enterprise_id")
    )


def choice_label(choice: str | None) -> str:
    return str(Choice(choice or DEFAULT_CHOICE).label)


def weight(choice: str | None) -> int:
    return WEIGHTS.get(choice or DEFAULT_CHOICE, WEIGHTS[DEFAULT_CHOICE])
