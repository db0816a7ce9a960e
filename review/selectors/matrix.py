"""The batch's expert × application matrix for the province: each expert's load, and per
cell the assignment (with why the automatic assignment chose it), the expert's preference and
the conflicts of interest that forbid the pair, by the same rules the assignment applies."""

from dataclasses import dataclass, field

from portal.selectors import experts
from scenarios.models import Batch

from .. import preferences
from ..models import LIVE_ASSIGNMENT_STATES, AssignmentStatus, ExpertAssignment
from ..services.assignment import declared_conflicts, expert_conflicts
from ..services.preferences import preference_applications


@dataclass
class Cell:
    expert_id: int
    assessment_id: int
    choice: str
    choice_label: str
    conflicts: list[str]
    assignment: ExpertAssignment | None = None

    @property
    def live(self) -> bool:
        return self.assignment is not None and self.assignment.status in LIVE_ASSIGNMENT_STATES

    @property
    def withdrawable(self) -> bool:
        return self.assignment is not None and self.assignment.status == AssignmentStatus.ACTIVE

    @property
    def addable(self) -> bool:
        """Free to add: no conflict, never assigned (a withdrawn one may be added again)."""
        taken = self.assignment is not None and self.assignment.status != AssignmentStatus.REMOVED
        return not self.conflicts and not taken


@dataclass
class MatrixRow:
    expert: object
    load: int
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Matrix:
    batch: Batch
    applications: list
    rows: list[MatrixRow]


def assignment_matrix(batch: Batch) -> Matrix:
    applications = list(preference_applications(batch).select_related("enterprise"))
    pool = list(experts())
    choices = preferences.batch_choices(batch)
    declared = declared_conflicts(batch)
    assignments = {
        (a.expert_id, a.assessment_id): a
        for a in ExpertAssignment.objects.filter(assessment__batch=batch)
    }
    loads = {}
    for (expert_id, _assessment), a in assignments.items():
        loads[expert_id] = loads.get(expert_id, 0) + (a.status in LIVE_ASSIGNMENT_STATES)
    rows = []
    for expert in pool:
        row = MatrixRow(expert, loads.get(expert.pk, 0))
        for application in applications:
            choice = choices.get((expert.pk, application.pk)) or preferences.DEFAULT_CHOICE
            row.cells.append(
                Cell(
                    expert.pk,
                    application.pk,
                    choice,
                    preferences.choice_label(choice),
                    expert_conflicts(application, expert, declared),
                    assignments.get((expert.pk, application.pk)),
                )
            )
        rows.append(row)
    return Matrix(batch, applications, rows)
