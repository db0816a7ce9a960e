"""Writes of the review workflow, one module per concern: the city's verdicts (``city``), the
province's formal check (``formal_check``), a batch's settings and rubric (``batches``), expert assignment and declared conflicts
(``assignment``), the experts' reviews (``expert_reviews``), the province's decision and
its confirmation by a second admin (``decisions``), the public list with its 公示 period
(``publication``), the objections to it (``objections``), the reopening of a decision an
upheld objection asks (``reopen``), the site visit after the material review
(``site_visits``) and the deadlines' reminders (``reminders``).

Every transition checks the actor's role, locks the assessment, is atomic, writes the audit
log and notifies the users it concerns (in the portal, and by email through a worker).
"""

from .assignment import (
    assignment_add,
    assignment_refusals,
    assignment_remove,
    assignments_auto,
    awaiting_experts,
    conflict_declare,
    expert_conflicts,
)
from .batches import (
    BATCH_REVIEW_FIELDS,
    DEFAULT_RUBRIC,
    FORMAL_CHECK_FIELDS,
    batch_settings_update,
    rubric_ensure,
)
from .bulk import (
    BULK_MAX,
    ItemResult,
    PlanItem,
    bulk_decide,
    bulk_recommend,
    decide_plan,
    recommend_plan,
)
from .city import (
    assessment_recommend,
    assessment_return,
    return_answers_record,
    submission_notify,
    withdrawal_notify,
)
from .decisions import (
    assessment_decide,
    decision_check,
    decision_facts,
    decision_proposal_confirm,
    decision_proposal_reject,
)
from .discussion import (
    discussion_close,
    discussion_open,
    discussion_post,
    score_revise,
)
from .expert_reviews import (
    ReviewErrors,
    claimed_in,
    claimed_scenarios,
    review_problems,
    review_save,
    review_submit,
)
from .formal_check import (
    formal_check_pass,
    formal_check_resumes,
    formal_check_return,
)
from .objections import (
    objection_emails_sweep,
    objection_lodge,
    objection_outcome_email_send,
    objection_resolve,
    objections_closed_message,
)
from .publication import (
    batch_list_publish,
    batch_list_withdraw,
)
from .reminders import (
    deadline_remind_late,
    deadline_reminders_send,
)
from .reopen import (
    decision_reopen,
)
from .site_visits import (
    site_visit_assign,
    site_visit_photo_add,
    site_visit_problems,
    site_visit_save,
    site_visit_submit,
)

__all__ = [
    "BULK_MAX",
    "ItemResult",
    "PlanItem",
    "bulk_decide",
    "bulk_recommend",
    "decide_plan",
    "recommend_plan",
    "discussion_close",
    "discussion_open",
    "discussion_post",
    "score_revise",
    "BATCH_REVIEW_FIELDS",
    "DEFAULT_RUBRIC",
    "FORMAL_CHECK_FIELDS",
    "ReviewErrors",
    "assessment_decide",
    "assessment_recommend",
    "assessment_return",
    "assignment_add",
    "assignment_refusals",
    "assignment_remove",
    "assignments_auto",
    "awaiting_experts",
    "batch_list_publish",
    "batch_list_withdraw",
    "batch_settings_update",
    "claimed_in",
    "claimed_scenarios",
    "conflict_declare",
    "decision_check",
    "decision_facts",
    "decision_proposal_confirm",
    "decision_proposal_reject",
    "formal_check_pass",
    "formal_check_resumes",
    "formal_check_return",
    "return_answers_record",
    "review_problems",
    "decision_reopen",
    "expert_conflicts",
    "site_visit_assign",
    "site_visit_photo_add",
    "site_visit_problems",
    "site_visit_save",
    "site_visit_submit",
    "deadline_remind_late",
    "deadline_reminders_send",
    "objection_emails_sweep",
    "objection_lodge",
    "objection_outcome_email_send",
    "objection_resolve",
    "objections_closed_message",
    "review_save",
    "review_submit",
    "rubric_ensure",
    "submission_notify",
    "withdrawal_notify",
]
