"""What the enterprise's submission says before it is made: the page's dialog and the
confirmation page without JavaScript both ask this (``portal.confirmation``)."""

from django.utils.translation import gettext as _

from portal.confirmation import Confirmation

from .models import State
from .selectors import resubmission_unchanged, submission_problems
from .services import is_enterprise_editor
from .submission_window import can_withdraw, submission_due, submission_open, when


def submit(actor, assessment) -> Confirmation | None:
    """None where the service refuses whatever is confirmed (not the enterprise's, not
    editable, or not complete): its refusal answers, not a question. A resubmission with
    nothing changed since the return is warned about first."""
    if not (is_enterprise_editor(actor, assessment) and assessment.is_editable):
        return None
    if submission_problems(assessment):
        return None
    again = assessment.state == State.RETURNED
    consequences = [
        _("自评估数据将冻结为申报快照，提交后不能再修改（除非被退回）。"),
        _("所在市主管部门（直接向省级申报的企业为省级管理员）将收到通知并审核。"),
        _("系统将按提交的数据计算评价结果。"),
    ]
    if again:
        consequences.insert(1, _("对退回意见的答复将随申报提交，审核部门可以看到。"))
    warnings = ()
    if again and resubmission_unchanged(assessment):
        warnings = (_("与被退回时相比，申报内容没有任何修改。确定不作修改就重新提交吗？"),)
    title = _("重新提交“%(batch)s”的自评估申报？") if again else _("提交“%(batch)s”的自评估申报？")
    return Confirmation(
        title=title % {"batch": assessment.batch.name},
        consequences=tuple(consequences),
        action=_("确认提交"),
        warnings=warnings,
    )


def withdraw(actor, assessment) -> Confirmation | None:
    """None where the service refuses (``submission_window.can_withdraw``). Past the
    deadline the withdrawn draft could not be submitted again: the warning says so."""
    if not can_withdraw(actor, assessment):
        return None
    warnings = ()
    if not submission_open(assessment):
        warnings = (
            _("申报已于 %(due)s 截止：撤回后将不能再次提交，本批次的申报随之放弃。")
            % {"due": when(submission_due(assessment))},
        )
    return Confirmation(
        title=_("撤回“%(batch)s”的自评估申报？") % {"batch": assessment.batch.name},
        consequences=(
            _(
                "申报退回草稿状态，可以继续修改；申报快照和签署的承诺随之作废，重新提交时须再次签署。"
            ),
            _("已收到提交通知的审核部门将收到撤回通知。"),
        ),
        action=_("确认撤回"),
        warnings=warnings,
    )


def carry_over_undo() -> Confirmation:
    return Confirmation(
        title=_("撤销从上次申报复制的数据？"),
        consequences=(
            _("复制来的典型场景、支撑要素、证明材料和基准年指标数据将从这份自评估中删除。"),
            _("上次申报本身及其证明材料文件不受影响。"),
        ),
        action=_("确认撤销"),
    )
