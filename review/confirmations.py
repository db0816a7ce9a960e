"""What each irreversible review action says before it is taken: the page's dialog and the
confirmation page without JavaScript both ask these (``portal.confirmation``)."""

from django.utils.translation import gettext as _

from portal.confirmation import Confirmation

from . import rules


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
