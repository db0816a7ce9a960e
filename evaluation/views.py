from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.confirmation import unconfirmed_page
from portal.downloads import uploaded_file_response
from portal.selectors import enterprises_for
from portal.views import refusal_status

from . import carry_over, confirmations, peers, review_hooks, sections, selectors, services
from .comparison import enterprise_comparison
from .editor import journey
from .models import CarryOver, State
from .presence import presence_others, presence_touch


def tier_rules(request):
    """The tier rules in force: the defaults and each batch's own (public, like the catalog)."""
    return render(
        request, "evaluation/tier_rules.html", {"rule_sets": selectors.tier_rules_overview()}
    )


@login_required
def evidence_download(request, pk: int):
    """An evidence file, to those who may see its assessment; always as a download."""
    evidence = get_object_or_404(
        selectors.evidence_for(request.user).select_related("assessment__batch"), pk=pk
    )
    name = review_hooks.evidence_download_name(request.user, evidence)
    return uploaded_file_response(evidence.file, filename=name, content_type=evidence.content_type)


@login_required
@require_POST
def assessment_start(request):
    """Start this enterprise's assessment for an open batch."""
    if not request.user.is_enterprise_user:
        raise PermissionDenied
    batch = get_object_or_404(
        selectors.assessments_to_start(request.user), pk=request.POST.get("batch")
    )
    source = request.POST.get("source") or ""
    try:
        with transaction.atomic():  # started from an earlier one: both, or neither
            assessment = services.assessment_create(
                enterprise=request.user.enterprise, batch=batch, actor=request.user
            )
            if source:
                carry_over.assessment_carry_over(
                    assessment=assessment,
                    actor=request.user,
                    source=int(source) if source.isdigit() else -1,
                )
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect("home")
    messages.success(request, _("已创建自评估。"))
    if source:
        return redirect("carry-over-report", assessment.pk)
    return redirect("assessment-overview", assessment.pk)


@login_required
def carry_over_page(request, pk: int):
    """What was copied from the earlier application and what was not; the enterprise confirms
    it (keep) or undoes it (asked first) while nothing has been changed since."""
    assessment = get_object_or_404(selectors.assessments_for(request.user), pk=pk)
    carry = CarryOver.objects.filter(assessment=assessment).select_related("source__batch").first()
    own = services.is_enterprise_editor(request.user, assessment)
    if carry is None or not own:
        raise Http404
    back = redirect("carry-over-report", assessment.pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "confirm":
                carry_over.carry_over_confirm(carry=carry, actor=request.user)
                messages.success(request, _("已确认沿用上次申报的数据。"))
                return redirect("assessment-overview", assessment.pk)
            if action == "undo":
                if page := unconfirmed_page(
                    request, confirmations.carry_over_undo(), cancel_url=request.path
                ):
                    return page
                carry_over.carry_over_undo(carry=carry, actor=request.user)
                messages.success(request, _("已撤销复制，这份自评估恢复为空白草稿。"))
                return redirect("assessment-overview", assessment.pk)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return back
        messages.error(request, _("请选择确认或撤销。"))
        return back
    return render(
        request,
        "evaluation/carry_over.html",
        {
            "assessment": assessment,
            "carry": carry,
            "rows": carry_over.report_rows(carry),
            "undo_refusal": carry_over.undo_refusal(carry),
            "undo_confirmation": confirmations.carry_over_undo(),
        },
    )


@login_required
@require_GET
def comparison_page(request, pk: int):
    """The enterprise's applications side by side: each indicator and scenario per batch."""
    enterprise = get_object_or_404(enterprises_for(request.user), pk=pk)
    comparison = enterprise_comparison(
        selectors.assessments_for(request.user).filter(enterprise=enterprise)
    )
    return render(
        request,
        "evaluation/comparison.html",
        {"enterprise": enterprise, "comparison": comparison},
    )


@login_required
def assessment_overview(request, pk: int):
    """An assessment's overview: state, progress, what blocks submission, the evaluation; the
    comments of a return and the province's decision (never the experts or their scores)."""
    assessment = get_object_or_404(selectors.assessments_for(request.user), pk=pk)
    return _overview(request, assessment)


@login_required
@require_POST
def assessment_withdraw(request, pk: int):
    """The enterprise's administrator withdraws its submission (asked first, warned when the
    deadline has passed); refused (403, 409) on the overview with the reason."""
    assessment = get_object_or_404(selectors.assessments_for(request.user), pk=pk)
    overview = reverse("assessment-overview", args=[assessment.pk])
    confirmation = confirmations.withdraw(request.user, assessment)
    if asked := unconfirmed_page(request, confirmation, cancel_url=overview):
        return asked
    try:
        services.assessment_withdraw(assessment=assessment, actor=request.user)
    except PermissionDenied as exc:
        return _overview(request, assessment, errors=[str(exc)], status=403)
    except ValidationError as exc:
        return _overview(request, assessment, errors=exc.messages, status=refusal_status(exc))
    messages.success(request, _("已撤回申报，可以继续修改后重新提交。"))
    return redirect(overview)


def _overview(request, assessment, errors=(), status=200):
    own = request.user.is_enterprise_user and request.user.enterprise_id == assessment.enterprise_id
    decided = assessment.state in (State.APPROVED, State.REJECTED)
    results = selectors.assessment_results(assessment)
    progress = selectors.assessment_progress(assessment)
    if own:
        presence_touch(assessment_id=assessment.pk, user=request.user, section="overview")
    return render(
        request,
        "evaluation/assessment_detail.html",
        {
            "assessment": assessment,
            "section": "overview",
            "tabs": own,
            "editable": own and assessment.is_editable,
            "progress": progress,
            **(journey(assessment, "overview", progress) if own else {}),
            "results": results,
            "peers": results.standings if results else [],
            "min_peers": peers.MIN_PEERS,
            "peer_bands": peers.band_legend(),
            "history": selectors.assessment_history(assessment, request.user),
            "returns": review_hooks.returned_comments(assessment),
            "decision": review_hooks.decision_of(assessment) if decided else None,
            "withdrawal": confirmations.withdraw(request.user, assessment),
            "errors": errors,
            **(_teamwork(request.user, assessment) if own else {}),
        },
        status=status,
    )


def _teamwork(user, assessment) -> dict:
    """For the enterprise's own users: who else is in it now, each member's sections and
    progress, mine among them, and who changed each item last."""
    shown = sections.assessment_sections(assessment)
    return {
        "others": presence_others(assessment_id=assessment.pk, user=user),
        "members_progress": sections.members_progress(assessment, shown),
        "my_sections": list(sections.sections_of(user, shown).values()),
        "changes": sections.recent_changes(assessment),
    }
