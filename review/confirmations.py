"""What each irreversible review action says before it is taken: the page's dialog and the
confirmation page without JavaScript both ask these (``portal.confirmation``)."""

from django.utils.translation import gettext as _

from portal.confirmation import Confirmation
from portal.selectors import experts

from . import rules
from .selectors import waiting_for_experts


def recommend(actor, assessment) -> Confirmation | None:
    """None where the actor may not recommend: the service's refusal answers, not a question."""
    if not rules.can_recommend(actor, assessment):
        return None
    return Confirmation(
        title=_("推荐“%(name)s”至省级？") % {"name": assessment.applicant_name},
        consequences=(
            _("申报将提交省级评审，市级不能再修改推荐意见。"),
            _("企业将收到推荐通知。"),
        ),
        action=_("确认推荐"),
    )


def return_to_applicant(actor, assessment) -> Confirmation | None:
    if not rules.can_return(actor, assessment):
        return None
    return Confirmation(
        title=_("退回“%(name)s”修改？") % {"name": assessment.applicant_name},
        consequences=(
            _("申报退回企业，企业修改后须重新提交。"),
            _("企业将看到退回意见并收到通知。"),
        ),
        action=_("确认退回"),
    )


def review_submit(actor, assignment) -> Confirmation | None:
    """The expert's review: final once submitted."""
    if not rules.can_review(actor, assignment):
        return None
    return Confirmation(
        title=_("提交对 %(reference)s 的评审意见？") % {"reference": assignment.reference},
        consequences=(
            _("提交后评审意见和评分不能再修改。"),
            _("系统将按评分标准的权重计算总分，省级管理员将看到您的评审意见。"),
        ),
        action=_("确认提交评审"),
    )


def auto_assign(actor, batch) -> Confirmation | None:
    """How many submissions get experts, chosen among how many experts; None with nothing
    waiting (the button is disabled) or for anyone but the province."""
    waiting = waiting_for_experts(batch).count() if actor.is_province_admin else 0
    if not waiting:
        return None
    consequences = [
        _(
            "将为 %(waiting)s 份待分配的申报补足评审专家（每份 %(per)s 位），"
            "从 %(experts)s 位评审专家中按工作量均衡选择，并避开利益冲突。"
        )
        % {
            "waiting": waiting,
            "per": batch.reviewers_per_assessment,
            "experts": experts().count(),
        },
        _("被分配的专家将收到通知。"),
    ]
    if not rules.rubric_locked(batch):
        consequences.append(_("本批次的评分标准将从首次分配起固定，不能再修改。"))
    return Confirmation(
        title=_("自动分配“%(batch)s”的评审专家？") % {"batch": batch},
        consequences=tuple(consequences),
        action=_("确认自动分配"),
    )
