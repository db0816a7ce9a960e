"""What each irreversible review action says before it is taken: the page's dialog and the
confirmation page without JavaScript both ask these (``portal.confirmation``)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.confirmation import Choices, Confirmation
from portal.selectors import experts
from scenarios.models import Tier

from . import guards, preferences, rules, services
from .deadlines import late_dues
from .models import Decision
from .selectors import waiting_for_experts
from .selectors.onboarding import may_decide_join_request, may_decide_registration


def recommend(actor, assessment) -> Confirmation | None:
    """None where the actor may not recommend: the service's refusal answers, not a question."""
    if not rules.can_recommend(actor, assessment):
        return None
    by_district = rules.acts_as_district(actor, assessment)
    warnings = ()
    if rules.reaches_no_tier(assessment):
        warnings = (
            _("该申报的自评估未达到任何层级（系统计算层级：未达到），仍推荐至设区市？")
            if by_district
            else _("该申报的自评估未达到任何层级（系统计算层级：未达到），仍推荐至省级？"),
        )
    name = {"name": assessment.applicant_name}
    if by_district:
        title = _("推荐“%(name)s”至设区市？") % name
        onwards = _("申报将提交设区市审核，县（市、区）不能再修改推荐意见。")
    else:
        title = _("推荐“%(name)s”至省级？") % name
        onwards = _("申报将提交省级评审，市级不能再修改推荐意见。")
    return Confirmation(
        title=title,
        consequences=(onwards, _("企业将收到推荐通知。")),
        action=_("确认推荐"),
        warnings=warnings,
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


def formal_check_pass(actor, assessment, checklist) -> Confirmation | None:
    if not rules.can_pass_formal_check(actor, assessment, checklist):
        return None
    warnings = ()
    if checklist.gates_below_computed:
        warnings = (
            _("申报门槛只允许认定至“%(tier)s”，低于系统计算层级。")
            % {"tier": checklist.allowed_tier_label or _("未达到")},
        )
    return Confirmation(
        title=_("“%(name)s”通过形式审查？") % {"name": assessment.applicant_name},
        consequences=(
            _("申报将进入专家评审，可为其分配评审专家。"),
            _("企业和所在市主管部门将收到通知。"),
        ),
        action=_("确认通过"),
        warnings=warnings,
    )


def formal_check_return(actor, assessment) -> Confirmation | None:
    if not rules.can_formally_check(actor, assessment):
        return None
    return Confirmation(
        title=_("退回“%(name)s”补正材料？") % {"name": assessment.applicant_name},
        consequences=(
            _("申报退回企业，企业须逐项答复所列缺失材料后重新提交。"),
            _("重新提交后直接回到形式审查，不再经市级推荐。"),
            _("企业和所在市主管部门将收到通知。"),
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
    phase = preferences.phase_of(batch)
    warnings = ()
    if preferences.phase_is_open(phase):
        warnings = (
            _("评审偏好征集尚未结束（截止 %(ends)s）：专家之后的标记不会影响这次分配。")
            % {"ends": timezone.localtime(phase.ends_at).strftime("%Y-%m-%d %H:%M")},
        )
    return Confirmation(
        title=_("自动分配“%(batch)s”的评审专家？") % {"batch": batch},
        consequences=tuple(consequences),
        action=_("确认自动分配"),
        warnings=warnings,
    )


def publish_list(actor, batch, *, approved: int, undecided: int) -> Confirmation | None:
    """Publishing the list; a partial publication (applications still undecided) warns."""
    if not rules.can_publish(actor, batch, approved):
        return None
    warnings = ()
    if undecided:
        warnings = (
            _(
                "部分发布：还有 %(n)s 份推荐的申报尚未作出认定决定，它们不在本次公示名单中；"
                "之后作出的决定须撤回并重新发布名单才会公示。"
            )
            % {"n": undecided},
        )
    return Confirmation(
        title=_("发布“%(batch)s”公示名单？") % {"batch": batch.name},
        consequences=(
            _("%(n)s 家认定企业的名称、所在地区和认定层级将在公示页面向社会公开。")
            % {"n": approved},
            _("公示期内，任何个人或单位可实名提交书面异议。"),
            _("列入名单的企业将收到通知。"),
        ),
        action=_("确认部分发布") if undecided else _("确认发布"),
        warnings=warnings,
    )


def withdraw_list(actor, batch) -> Confirmation | None:
    if not rules.can_withdraw(actor, batch):
        return None
    return Confirmation(
        title=_("撤回“%(batch)s”公示名单？") % {"batch": batch.name},
        consequences=(
            _("公示页面将不再显示该名单，公示期随之结束，不再受理异议。"),
            _("已收到的异议仍须处理；重新发布时将开始新的公示期。"),
        ),
        action=_("确认撤回"),
    )


def resolve_objection(actor, objection) -> Confirmation | None:
    if not rules.can_resolve(actor, objection):
        return None
    return Confirmation(
        title=_("处理对“%(enterprise)s”的公示异议？")
        % {"enterprise": objection.assessment.applicant_name},
        consequences=(
            _("异议不成立：公示结果不变。"),
            _("处理结果和理由将告知企业（不告知异议人身份），留有邮箱的异议人将收到邮件。"),
            _("处理后不能更改。"),
        ),
        warnings=(_("异议成立：该企业的认定决定将撤回，从公示名单中移除，由省级重新作出决定。"),),
        action=_("确认处理"),
    )


def _decision_said(assessment, outcome: str, tier: str) -> tuple[str, tuple[str, ...]]:
    """The question and what happens once a decision takes effect."""
    name = assessment.applicant_name
    if outcome == Decision.Outcome.APPROVED:
        title = _("认定“%(name)s”为%(tier)s？") % {"name": name, "tier": Tier(tier).label}
        listed = (_("公示名单发布后，该企业将列入公示名单。"),)
    else:
        title = _("对“%(name)s”作出不予认定的决定？") % {"name": name}
        listed = ()
    return title, (
        _("决定生效后申报状态随之改变，不能撤回。"),
        _("企业和所在市主管部门将收到认定结果通知。"),
        *listed,
    )


def _flag_warnings(flags, justification: str = "") -> tuple[str, ...]:
    if not flags:
        return ()
    said = (_("该决定将被标记：%(why)s") % {"why": "".join(guards.flag_texts(flags))},)
    if justification:
        return (*said, _("偏离说明：%(text)s") % {"text": justification})
    return (*said, _("须填写偏离说明，与决定一并记录。"))


def decide(actor, assessment) -> Choices | None:
    """One question per outcome and tier the form may choose: a flagged choice warns why, and
    under the batch's four-eyes rule the decision becomes a proposal awaiting a second admin."""
    if not rules.can_decide(actor, assessment):
        return None
    computed, recommended = services.decision_facts(assessment)
    choices = {}
    for outcome, tier in [(Decision.Outcome.APPROVED, t) for t in Tier.values] + [
        (Decision.Outcome.REJECTED, t) for t in ("", *Tier.values)
    ]:
        flags = guards.decision_flags(
            approved=outcome == Decision.Outcome.APPROVED,
            tier=tier,
            computed_tier=computed,
            recommended=recommended,
        )
        title, effects = _decision_said(assessment, outcome, tier)
        if rules.needs_second_admin(assessment.batch, flags):
            said = Confirmation(
                title=_("提出认定提议：%(title)s") % {"title": title},
                consequences=(
                    _(
                        "这是一项认定提议，须由另一位省级管理员确认后才生效；确认前申报状态不变，企业不会收到通知。"
                    ),
                    _("确认后：%(effects)s") % {"effects": "".join(effects)},
                ),
                action=_("提交提议"),
                warnings=_flag_warnings(flags),
            )
        else:
            said = Confirmation(
                title=title,
                consequences=effects,
                action=_("确认决定"),
                warnings=_flag_warnings(flags),
            )
        choices[(outcome, tier)] = said
    default = Confirmation(
        title=_("作出认定决定？"),
        consequences=(_("请先选择决定和认定层级。"),),
        action=_("确认决定"),
    )
    return Choices(fields=("outcome", "tier"), choices=choices, default=default)


def proposal_confirm(actor, proposal) -> Confirmation | None:
    """A second admin confirming a proposal: the decision takes effect, flagged or not."""
    if not rules.can_review_proposal(actor, proposal):
        return None
    title, effects = _decision_said(proposal.assessment, proposal.outcome, proposal.tier)
    return Confirmation(
        title=_("确认认定提议：%(title)s") % {"title": title},
        consequences=effects,
        action=_("确认提议"),
        warnings=_flag_warnings(proposal.flags, proposal.justification),
    )


def site_visit_submit(actor, visit) -> Confirmation | None:
    """The visiting experts' report: final once submitted."""
    if not rules.can_record_visit(actor, visit):
        return None
    return Confirmation(
        title=_("提交 %(reference)s 的现场核查报告？")
        % {"reference": visit.assessment.review_reference},
        consequences=(
            _("提交后核查记录、照片和核查结论不能再修改，其他核查专家也不能再修改。"),
            _("省级管理员将看到核查报告，并据此作出认定决定。"),
        ),
        action=_("确认提交核查报告"),
    )


def remind_late(actor, batch, stage) -> Confirmation | None:
    """Whom a reminder by hand reaches; None for anyone but the province or with nobody late
    at the stage (the button is not offered)."""
    if not actor.is_province_admin or stage is None or not stage.chased:
        return None
    people = {d.user.pk for d in late_dues(batch, stage)}
    if not people:
        return None
    return Confirmation(
        title=_("提醒“%(batch)s”%(stage)s逾期的人员？") % {"batch": batch, "stage": stage.label},
        consequences=(
            _("%(n)s 人将立即收到站内通知和邮件提醒。") % {"n": len(people)},
            _("本次提醒将记入操作日志。"),
        ),
        action=_("确认提醒"),
    )


def registration_decide(actor, registration) -> Choices | None:
    """Confirming or rejecting an enterprise's self-registration (``confirm``: 1 or 0)."""
    if not may_decide_registration(actor, registration):
        return None
    name = {"name": registration.name}
    confirm = Confirmation(
        title=_("确认“%(name)s”的注册？") % name,
        consequences=(
            _("请先核对营业执照与注册信息一致。"),
            _("确认后企业可以提交自评估申报，企业将收到通知。"),
        ),
        action=_("确认注册"),
    )
    reject = Confirmation(
        title=_("退回“%(name)s”的注册？") % name,
        consequences=(_("企业不能提交申报，企业将收到退回理由。"),),
        action=_("退回注册"),
    )
    return Choices(fields=("confirm",), choices={("1",): confirm, ("0",): reject}, default=reject)


def join_request_decide(actor, registration) -> Choices | None:
    """Approving or refusing a request to join the enterprise (``approve``: 1 or 0)."""
    if not may_decide_join_request(actor, registration):
        return None
    who = {"person": registration.contact_name, "email": registration.email}
    approve = Confirmation(
        title=_("同意 %(person)s（%(email)s）加入本企业？") % who,
        consequences=(_("将向该邮箱发送邀请，对方创建账号后成为企业成员。"),),
        action=_("同意加入"),
    )
    refuse = Confirmation(
        title=_("不同意 %(person)s（%(email)s）加入本企业？") % who,
        consequences=(_("对方将收到邮件通知。"),),
        action=_("不同意"),
    )
    return Choices(fields=("approve",), choices={("1",): approve, ("0",): refuse}, default=refuse)


def bulk_import(preview) -> Confirmation | None:
    """Importing a checked workbook (``review.services.bulk_import``): None while it has
    errors (nothing to confirm)."""
    if not preview.ok:
        return None
    n = {"n": len(preview.rows)}
    if preview.kind == "enterprises":
        return Confirmation(
            title=_("导入 %(n)s 家企业？") % n,
            consequences=(
                _("将创建 %(n)s 家企业，并向每家企业的联系人邮箱发送企业管理员邀请。") % n,
            ),
            action=_("确认导入"),
        )
    return Confirmation(
        title=_("导入 %(n)s 位评审专家？") % n,
        consequences=(_("将创建 %(n)s 个专家账号，并向每位专家发送设置密码的邮件。") % n,),
        action=_("确认导入"),
    )


def _plan_lines(plan) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each included item with what will happen; each left-out one with why."""
    done = tuple(f"{item.assessment.applicant_name}：{item.says}" for item in plan if item.included)
    left = tuple(
        _("不处理 %(name)s：%(why)s") % {"name": item.assessment.applicant_name, "why": item.says}
        for item in plan
        if not item.included
    )
    return done, left


def bulk_recommend(plan) -> Confirmation:
    """The one question before a bulk recommendation: each application and its outcome."""
    done, left = _plan_lines(plan)
    return Confirmation(
        title=_("批量推荐 %(n)s 份申报？") % {"n": len(done)},
        consequences=(*done, _("每份申报的企业和下一级审核部门将收到通知。")),
        action=_("确认批量推荐"),
        warnings=left,
    )


def bulk_decide(plan) -> Confirmation:
    """The one question before bulk decisions: each application and its decision (or
    proposal), and those left out."""
    done, left = _plan_lines(plan)
    return Confirmation(
        title=_("批量作出 %(n)s 项认定决定？") % {"n": len(done)},
        consequences=(
            *done,
            _("决定生效后申报状态随之改变，不能撤回；企业和所在市主管部门将收到认定结果通知。"),
        ),
        action=_("确认批量决定"),
        warnings=left,
    )


def discussion_open(actor, batch) -> Confirmation | None:
    if not rules.can_open_discussion(actor, batch):
        return None
    return Confirmation(
        title=_("开启“%(batch)s”的专家讨论？") % {"batch": batch.name},
        consequences=(
            _("全部专家已提交评审意见的申报进入讨论：其专家可在讨论区发言并修改自己的评分。"),
            _("每次修改都将保留，汇总按最新评分计算。"),
            _("相关专家将收到通知；企业看不到讨论。"),
        ),
        action=_("确认开启讨论"),
    )


def discussion_close(actor, batch) -> Confirmation | None:
    if not rules.can_close_discussion(actor, batch):
        return None
    return Confirmation(
        title=_("结束“%(batch)s”的专家讨论？") % {"batch": batch.name},
        consequences=(_("结束后不能再发言或修改评分，讨论记录仍可查看。"),),
        action=_("确认结束讨论"),
    )


def score_revise(actor, assignment) -> Confirmation | None:
    if not rules.can_revise(actor, assignment):
        return None
    return Confirmation(
        title=_("修改对 %(reference)s 的评分？") % {"reference": assignment.reference},
        consequences=(
            _("修改前的评分将保留在修改记录中，省级管理员可以看到每次修改及其理由。"),
            _("汇总和认定决定将按修改后的评分计算。"),
        ),
        action=_("确认修改评分"),
    )
