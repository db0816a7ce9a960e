"""Web pages of the city reviewers and the province admin: the review queue, a submission's
dossier with its actions, and the batch's settings, assignments, decisions and public list."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evaluation.models import State
from portal.confirmation import is_confirmed, unconfirmed_page
from portal.views import apply_validation_error, refusal_status
from scenarios.models import Batch, Tier

from . import confirmations, rules, services
from .deadlines import stage_deadlines_among
from .filters import review_queue_filter
from .forms import (
    AssignForm,
    BatchSettingsForm,
    CommentForm,
    CriterionFormSet,
    DecideForm,
    ProposalRejectForm,
    ReturnForm,
    expert_label,
    rubric_initial,
)
from .models import AssignmentStatus, DecisionProposal
from .selectors import (
    REVIEW_STATES,
    assignments_for,
    batch_expert_reviews,
    decision_of,
    decision_rows,
    dossier,
    expert_loads,
    expert_reviews,
    pending_proposal,
    pending_proposals,
    proposals_for,
    proposals_for_assessment,
    review_batches,
    review_queue_for,
    review_rounds,
    review_summary,
    site_visit_report,
    site_visit_stages,
    tier_label,
    waiting_for_experts,
)
from .site_visit_forms import SiteVisitAssignForm

PAGE_SIZE = 50
ACTION_FLAGS = {
    "recommend": "can_recommend",
    "return": "can_return",
    "assign": "can_assign",
    "decide": "can_decide",
    "site_visit_assign": "can_assign_visit",
    "proposal_confirm": "can_review_proposal",
    "proposal_reject": "can_review_proposal",
}


def require_reviewer(user) -> None:
    if not (user.is_local_reviewer or user.is_province_admin):
        raise PermissionDenied(_("只有县（市、区）、设区市主管部门和省级管理员可以查看评审任务。"))


def require_province(user) -> None:
    if not user.is_province_admin:
        raise PermissionDenied(_("只有省级管理员可以执行此操作。"))


def _reviewed(request, pk: int):
    """A submission in the reviewer's queue: other roles are refused (403) before any lookup,
    another city's submission is a 404."""
    require_reviewer(request.user)
    return get_object_or_404(review_queue_for(request.user), pk=pk)


def _evaluation(assessment):
    return getattr(assessment, "evaluation", None)


# --- the queue -------------------------------------------------------------------------------


@login_required
def review_queue(request):
    """Submissions to review: a city reviewer's own city (by default those awaiting it), or
    the whole province."""
    user = request.user
    require_reviewer(user)
    filters = review_queue_filter(user=user, data=request.GET)
    filters.form.fields["q"].widget.attrs["placeholder"] = _("企业名称或统一社会信用代码")
    for field in filters.form.fields.values():
        if hasattr(field, "empty_label"):
            field.empty_label = _("全部")
            field.widget.choices = list(field.choices)
    page = Paginator(filters.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    stages = site_visit_stages(page.object_list)
    for a in page.object_list:
        evaluation = _evaluation(a)
        a.tier_display = tier_label(evaluation.highest_tier) if evaluation else ""
        a.site_visit_stage = stages.get(a.pk)
    return render(
        request,
        "review/queue.html",
        {
            "filter": filters,
            "page": page,
            "showing_default": user.is_local_reviewer and "state" not in request.GET,
            "deadlines": stage_deadlines_among(
                "district" if user.is_district_reviewer else "city", review_queue_for(user)
            )
            if user.is_local_reviewer
            else [],
        },
    )


# --- one submission --------------------------------------------------------------------------


def _claimed_rows(the_dossier) -> dict:
    return {
        row["scenario"].no: row["scenario"]
        for d in the_dossier.dimensions
        for link in d["links"]
        for row in link["scenarios"]
    }


def _province_context(request_user, assessment, the_dossier, bound: dict) -> dict:
    summary = review_summary(assessment)
    scenarios = _claimed_rows(the_dossier)
    votes = [
        {
            "no": no,
            "scenario": scenarios.get(no),
            "accepted": summary.scenario_votes.get(no, (0, 0))[0],
            "rejected": summary.scenario_votes.get(no, (0, 0))[1],
        }
        for no in the_dossier.claimed
    ]
    suggested = next(
        (t for t in (summary.accepted_tier, summary.computed_tier) if t in Tier.values), ""
    )
    can_assign = rules.can_assign(request_user, assessment)
    assign_form = bound.get("assign")
    if assign_form is None and can_assign:
        assign_form = AssignForm(assessment=assessment)
    can_assign_visit = rules.can_assign_visit(request_user, assessment)
    visit_form = bound.get("site_visit_assign")
    if visit_form is None and can_assign_visit:
        visit_form = SiteVisitAssignForm(assessment=assessment)
    return {
        "site_visit": site_visit_report(assessment, the_dossier.claimed),
        "site_visit_required": rules.site_visit_required(assessment),
        "can_assign_visit": can_assign_visit,
        "site_visit_form": visit_form,
        **_proposal_context(request_user, assessment, bound),
        "summary": summary,
        "expert_reviews": expert_reviews(assessment),
        "decide_confirmation": confirmations.decide(request_user, assessment),
        "votes": votes,
        "recommended": [(tier_label(t), n) for t, n in summary.recommended.items()],
        "computed_tier_label": tier_label(summary.computed_tier),
        "accepted_tier_label": tier_label(summary.accepted_tier)
        if summary.accepted_tier is not None
        else "",
        "can_assign": can_assign,
        "can_decide": rules.can_decide(request_user, assessment),
        "assign_form": assign_form,
        "decide_form": bound.get("decide")
        or DecideForm(initial={"outcome": "approved", "tier": suggested}, assessment=assessment),
        "active_status": AssignmentStatus.ACTIVE,
        "submitted_status": AssignmentStatus.SUBMITTED,
    }


def _proposal_context(user, assessment, bound: dict) -> dict:
    """A proposal awaiting a second admin (its confirm and reject forms for whoever may review
    it), and the earlier ones with their outcome."""
    proposal = pending_proposal(assessment)
    can_review = proposal is not None and rules.can_review_proposal(user, proposal)
    return {
        "proposal": proposal,
        "past_proposals": [p for p in proposals_for_assessment(assessment) if p != proposal],
        "can_review_proposal": can_review,
        "proposal_confirmation": confirmations.proposal_confirm(user, proposal)
        if can_review
        else None,
        "proposal_confirm_form": bound.get("proposal_confirm"),
        "proposal_reject_form": bound.get("proposal_reject")
        or ProposalRejectForm(auto_id="proposal_reject_%s"),
    }


def _render_detail(
    request, assessment, *, status: int = 200, bound: dict | None = None, error=None
):
    """The detail page; ``bound`` holds a refused action's form, shown with its errors."""
    user, bound = request.user, bound or {}
    the_dossier = dossier(assessment, user)
    context = {
        "assessment": assessment,
        "dossier": the_dossier,
        "rounds": review_rounds(assessment),
        "decision": decision_of(assessment),
        "can_recommend": rules.can_recommend(user, assessment),
        "recommend_confirmation": confirmations.recommend(request.user, assessment),
        "return_confirmation": confirmations.return_to_applicant(request.user, assessment),
        "can_return": rules.can_return(user, assessment),
        "acts_as_district": rules.acts_as_district(user, assessment),
        "can_formally_check": rules.can_formally_check(user, assessment),
        "recommend_form": bound.get("recommend") or CommentForm(auto_id="recommend_%s"),
        "return_form": bound.get("return") or ReturnForm(auto_id="return_%s"),
        "error": error,
    }
    if user.is_province_admin:
        context.update(_province_context(user, assessment, the_dossier, bound))
    for key, form in bound.items():
        # a refused action whose form the page no longer offers (the state moved on): its
        # errors go to the top of the page
        if key in ACTION_FLAGS and not context.get(ACTION_FLAGS[key]) and form.errors:
            context["error"] = [e for errors in form.errors.values() for e in errors]
    return render(request, "review/detail.html", context, status=status)


@login_required
def review_detail(request, pk: int):
    assessment = _reviewed(request, pk)
    return _render_detail(request, assessment)


def _act(request, assessment, key: str, form, call, success, confirmation=None):
    """Run a service with a valid form; on success back to the detail page with a message
    (``success``, or what it says of the service's result when a function), else the page
    again with the error next to the field (400, 409 or 403). With a ``confirmation``, a valid
    form not yet confirmed gets the confirmation page first."""
    status = 400
    if form.is_valid():
        cancel_url = reverse("review-detail", args=[assessment.pk])
        if asked := unconfirmed_page(request, confirmation, cancel_url=cancel_url):
            return asked
        try:
            result = call(form.cleaned_data)
        except PermissionDenied as exc:
            status = 403
            form.add_error(None, str(exc) or _("您没有执行此操作的权限。"))
        except ValidationError as exc:
            status = refusal_status(exc)
            apply_validation_error(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect("review-detail", assessment.pk)
    return _render_detail(request, assessment, status=status, bound={key: form})


@login_required
@require_POST
def review_recommend(request, pk: int):
    assessment = _reviewed(request, pk)
    form = CommentForm(request.POST, auto_id="recommend_%s")
    return _act(
        request,
        assessment,
        "recommend",
        form,
        lambda data: services.assessment_recommend(
            assessment=assessment,
            actor=request.user,
            comment=data["comment"],
            # asked only once the confirmation, with its warning when no tier is reached, said yes
            confirm_no_tier=is_confirmed(request),
        ),
        _("已推荐至省级。"),
        confirmations.recommend(request.user, assessment),
    )


@login_required
@require_POST
def review_return(request, pk: int):
    assessment = _reviewed(request, pk)
    form = ReturnForm(request.POST, auto_id="return_%s")
    return _act(
        request,
        assessment,
        "return",
        form,
        lambda data: services.assessment_return(
            assessment=assessment, actor=request.user, comment=data["comment"]
        ),
        _("已退回企业修改。"),
        confirmations.return_to_applicant(request.user, assessment),
    )


@login_required
@require_POST
def review_assign(request, pk: int):
    require_province(request.user)
    assessment = _reviewed(request, pk)
    form = AssignForm(request.POST, assessment=assessment)
    return _act(
        request,
        assessment,
        "assign",
        form,
        lambda data: services.assignment_add(
            assessment=assessment, expert=data["expert"], actor=request.user
        ),
        _("已分配评审专家。"),
    )


@login_required
@require_POST
def review_decide(request, pk: int):
    """Decide, or under the batch's four-eyes rule propose a decision, once confirmed."""
    require_province(request.user)
    assessment = _reviewed(request, pk)
    form = DecideForm(request.POST, assessment=assessment)
    choices = confirmations.decide(request.user, assessment)

    def decide(data):
        return services.assessment_decide(
            assessment=assessment,
            actor=request.user,
            outcome=data["outcome"],
            tier=data["tier"],
            reason=data["reason"],
            justification=data["justification"],
            figures=review_summary(assessment).figures(),
            summary=data["summary"],
        )

    def said(result) -> str:
        if isinstance(result, DecisionProposal):
            return _("已提交认定提议，待另一位省级管理员确认后生效。")
        return _("已作出认定决定。")

    return _act(
        request,
        assessment,
        "decide",
        form,
        decide,
        said,
        choices and choices.chosen(request.POST),
    )


def _proposal(request, pk: int) -> DecisionProposal:
    """A proposal, for the province admin only (403 before any lookup for the other roles)."""
    require_province(request.user)
    return get_object_or_404(proposals_for(request.user), pk=pk)


@login_required
@require_POST
def review_proposal_confirm(request, pk: int):
    """A second province admin confirms a proposal, once confirmed: it takes effect."""
    proposal = _proposal(request, pk)
    return _act(
        request,
        proposal.assessment,
        "proposal_confirm",
        forms.Form(request.POST),
        lambda data: services.decision_proposal_confirm(proposal=proposal, actor=request.user),
        _("已确认认定提议，决定已生效。"),
        confirmations.proposal_confirm(request.user, proposal),
    )


@login_required
@require_POST
def review_proposal_reject(request, pk: int):
    """A second province admin rejects a proposal with a reason: it can be proposed anew."""
    proposal = _proposal(request, pk)
    return _act(
        request,
        proposal.assessment,
        "proposal_reject",
        ProposalRejectForm(request.POST, auto_id="proposal_reject_%s"),
        lambda data: services.decision_proposal_reject(
            proposal=proposal, actor=request.user, reason=data["reason"]
        ),
        _("已驳回认定提议。"),
    )


@login_required
@require_POST
def review_unassign(request, pk: int):
    """Withdraw an expert's unsubmitted task (the province admin only)."""
    require_province(request.user)
    assignment = get_object_or_404(assignments_for(request.user), pk=pk)
    assessment = get_object_or_404(review_queue_for(request.user), pk=assignment.assessment_id)
    try:
        services.assignment_remove(assignment=assignment, actor=request.user)
    except ValidationError as exc:
        return _render_detail(request, assessment, status=refusal_status(exc), error=exc.messages)
    messages.success(
        request,
        _("已撤销专家 %(expert)s 的评审任务。") % {"expert": expert_label(assignment.expert)},
    )
    return redirect("review-detail", assessment.pk)


# --- batches -----------------------------------------------------------------------------------


def province_batch(request, pk: int) -> Batch:
    require_province(request.user)
    return get_object_or_404(review_batches(), pk=pk)


@login_required
def batch_list(request):
    require_province(request.user)
    counts = {}
    for row in (
        review_queue_for(request.user)
        .order_by()
        .values("batch_id", "state")
        .annotate(n=Count("pk"))
    ):
        counts.setdefault(row["batch_id"], {})[row["state"]] = row["n"]
    batches = []
    for batch in review_batches().select_related("catalog_version"):
        by_state = counts.get(batch.pk, {})
        batches.append(
            {
                "batch": batch,
                "states": [(s.label, s.value, by_state.get(s.value, 0)) for s in REVIEW_STATES],
                "total": sum(by_state.values()),
            }
        )
    return render(request, "review/batch_list.html", {"batches": batches})


def _weight_sum(rows) -> float:
    total = 0
    for row in rows:
        try:
            total += float(row.get("weight") or 0)
        except (TypeError, ValueError):
            continue
    return total


@login_required
def batch_settings(request, pk: int):
    """The batch's dates, review settings and expert rubric."""
    batch = province_batch(request, pk)
    initial, defaults = rubric_initial(batch)
    locked = rules.rubric_locked(batch)
    status, rubric_errors = 200, []
    if request.method == "POST":
        form = BatchSettingsForm(request.POST, instance=Batch.objects.get(pk=batch.pk))
        with_rubric = "rubric-TOTAL_FORMS" in request.POST
        formset = CriterionFormSet(request.POST if with_rubric else None, prefix="rubric")
        if not with_rubric:
            formset = CriterionFormSet(initial=initial, prefix="rubric")
        status = 400
        if form.is_valid() and (not with_rubric or formset.is_valid()):
            rows = [
                f
                for f in formset.forms
                if with_rubric and f.cleaned_data and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.batch_settings_update(
                    batch=batch,
                    actor=request.user,
                    data={k: form.cleaned_data[k] for k in services.BATCH_REVIEW_FIELDS},
                    criteria=[f.criterion() for f in rows] if with_rubric else None,
                )
            except ValidationError as exc:
                status = refusal_status(exc)
                rubric_errors = _apply_settings_error(form, rows, exc)
            else:
                messages.success(request, _("已保存批次设置。"))
                return redirect("batch-settings", batch.pk)
        if with_rubric:
            formset.is_valid()  # its errors are shown even when the batch fields have some
            weights = [
                f.cleaned_data
                for f in formset.forms
                if getattr(f, "cleaned_data", None) and not f.cleaned_data.get("DELETE")
            ]
        else:
            weights = initial
    else:
        form = BatchSettingsForm(instance=batch)
        formset = CriterionFormSet(initial=initial, prefix="rubric")
        weights = initial
    return render(
        request,
        "review/batch_settings.html",
        {
            "batch": batch,
            "form": form,
            "formset": formset,
            "defaults": defaults,
            "locked": locked,
            "rubric": initial,
            "rubric_errors": rubric_errors,
            "weight_sum": _weight_sum(weights),
        },
        status=status,
    )


def _apply_settings_error(form, rows, exc: ValidationError) -> list:
    """Batch fields on the form, ``rubric.<n>.<field>`` on the n-th criterion row; the rest
    (a locked rubric, an empty one) returned to show above the rubric."""
    if not hasattr(exc, "error_dict"):
        return exc.messages
    rest = []
    for key, errors in exc.message_dict.items():
        parts = key.split(".")
        if parts[0] == "rubric" and len(parts) == 3 and parts[1].isdigit():
            n = int(parts[1])
            if 1 <= n <= len(rows):
                row = rows[n - 1]
                row.add_error(parts[2] if parts[2] in row.fields else None, errors)
                continue
        if key in form.fields:
            form.add_error(key, errors)
        else:
            rest += errors
    return rest


@login_required
def batch_assignments(request, pk: int):
    batch = province_batch(request, pk)
    return render(
        request,
        "review/batch_assignments.html",
        {
            "batch": batch,
            "loads": expert_loads(batch),
            "waiting": waiting_for_experts(batch),
            "auto_assign_confirmation": confirmations.auto_assign(request.user, batch),
        },
    )


@login_required
@require_POST
def batch_auto_assign(request, pk: int):
    batch = province_batch(request, pk)
    confirmation = confirmations.auto_assign(request.user, batch)
    cancel_url = reverse("batch-assignments", args=[batch.pk])
    if asked := unconfirmed_page(request, confirmation, cancel_url=cancel_url):
        return asked
    try:
        result = services.assignments_auto(batch=batch, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("batch-assignments", batch.pk)
    created, short = result["created"], result["short"]
    text = _("已分配 %(n)s 项，%(m)s 份申报仍缺少专家") % {"n": len(created), "m": len(short)}
    if short:
        names = "、".join(a.applicant_name for a in short)
        messages.warning(request, f"{text}：{names}")
    else:
        messages.success(request, text)
    return redirect("batch-assignments", batch.pk)


@login_required
def batch_decisions(request, pk: int):
    batch = province_batch(request, pk)
    reviews, proposals = batch_expert_reviews(batch), pending_proposals(batch)
    rows = []
    for row in decision_rows(batch):
        a = row.assessment
        rows.append(
            {
                "row": row,
                "assessment": a,
                "computed": tier_label(row.computed_tier),
                "recommended": [tier_label(t) for t in row.recommended],
                "decision": getattr(a, "decision", None),
                "proposal": proposals.get(a.pk),
                "reviews": reviews.get(a.pk, []),
            }
        )
    return render(
        request,
        "review/batch_decisions.html",
        {
            "batch": batch,
            "rows": rows,
            "approved": sum(r["assessment"].state == State.APPROVED for r in rows),
        },
    )
