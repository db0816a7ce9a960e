"""The review of submitted assessments: the city's verdicts, expert assignments with their
scores, declared conflicts of interest, the province's decisions (proposed ones under a batch's
four-eyes rule) and the objections to the published list."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from evaluation.models import Assessment, private_storage
from portal.models import Enterprise
from scenarios.models import Batch, Tier

from .guards import flag_texts

NO_TIER = "none"
TIER_RECOMMENDATIONS = [*Tier.choices, (NO_TIER, _("不予认定"))]


class Recommendation(models.Model):
    """One round's verdict before the experts — the city's (recommended to the province, or
    returned) or the province's formal check (passed, or returned) — with comments, which the
    enterprise answers when it submits again (``answer``, beside the comment it answers). A
    formal check's return is one row per missing item of the checklist (``item``), so each is
    answered on its own. Every round is kept."""

    class Outcome(models.TextChoices):
        RECOMMENDED = "recommended", _("推荐至省级")
        RETURNED = "returned", _("退回修改")
        CHECKED = "checked", _("形式审查通过")

    class Stage(models.TextChoices):
        CITY = "city", _("市级审核")
        FORMAL_CHECK = "formal_check", _("形式审查")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="recommendations"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("审核人"),
    )
    outcome = models.CharField(_("审核结果"), max_length=12, choices=Outcome.choices)
    stage = models.CharField(
        _("审核环节"), max_length=12, choices=Stage.choices, default=Stage.CITY
    )
    item = models.CharField(_("形式审查项"), max_length=30, blank=True)
    comment = models.TextField(_("审核意见"), blank=True)
    snapshot_sha256 = models.CharField(_("所审快照"), max_length=64)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    answer = models.TextField(_("企业答复"), blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("市级审核")
        verbose_name_plural = _("市级审核")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.assessment_id} · {self.get_outcome_display()}"


class AssignmentStatus(models.TextChoices):
    ACTIVE = "active", _("待评审")
    SUBMITTED = "submitted", _("已提交评审")
    DECLINED = "declined", _("已申请回避")
    REMOVED = "removed", _("已撤销")


# Assignments that count: an expert's load, an assessment's reviewers.
LIVE_ASSIGNMENT_STATES = (AssignmentStatus.ACTIVE, AssignmentStatus.SUBMITTED)


class ExpertAssignment(models.Model):
    """An expert's task to review one assessment, with the review itself (a draft until
    submitted, then final)."""

    class Method(models.TextChoices):
        AUTO = "auto", _("自动分配")
        MANUAL = "manual", _("手动指定")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("申报")
    )
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("评审专家"),
    )
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=AssignmentStatus.choices,
        default=AssignmentStatus.ACTIVE,
        db_index=True,
    )
    method = models.CharField(_("分配方式"), max_length=6, choices=Method.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("分配时间"), auto_now_add=True)
    verdicts = models.JSONField(
        _("场景评审意见"), default=dict, blank=True
    )  # {"<scenario no>": {"accepted": bool, "comment": str}}
    scores = models.JSONField(_("评分"), default=dict, blank=True)  # {"<criterion id>": score}
    opinion = models.TextField(_("总体评审意见"), blank=True)
    recommended_tier = models.CharField(
        _("建议认定层级"), max_length=10, choices=TIER_RECOMMENDATIONS, blank=True
    )
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2, null=True, blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    conflict_reason = models.CharField(_("回避理由"), max_length=300, blank=True)
    # Why the automatic assignment chose this expert, for the province: the expert's mark in
    # the preference phase and the loads after the run ({"choice", "load", "most"}).
    choice_basis = models.JSONField(_("分配理由"), default=dict, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评审任务")
        verbose_name_plural = _("评审任务")
        ordering = ["-assigned_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "expert"], name="uniq_assignment_per_expert"
            )
        ]

    def __str__(self):
        return f"{self.assessment_id} · {self.expert}"

    @property
    def is_final(self) -> bool:
        return self.status != AssignmentStatus.ACTIVE

    @property
    def reference(self) -> str:
        """The anonymous name of the application an expert sees when identities are hidden."""
        return self.assessment.review_reference

    @property
    def choice_reason(self) -> str:
        """ "偏好：优先；负载 3/4" (in the reader's language), or "" when chosen by hand."""
        basis = self.choice_basis or {}
        if not basis:
            return ""
        choice = ExpertPreference.Choice(basis.get("choice") or ExpertPreference.Choice.WILLING)
        return gettext("偏好：%(choice)s；负载 %(load)s/%(most)s") % {
            "choice": choice.label,
            "load": basis.get("load", 0),
            "most": basis.get("most", 0),
        }


class ConflictDeclaration(models.Model):
    """An expert's declared conflict of interest with an enterprise: never assigned to it."""

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conflicts",
        verbose_name=_("评审专家"),
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="+", verbose_name=_("企业")
    )
    reason = models.CharField(_("回避理由"), max_length=300)
    declared_at = models.DateTimeField(_("申报时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("利益冲突申报")
        verbose_name_plural = _("利益冲突申报")
        constraints = [
            models.UniqueConstraint(fields=["expert", "enterprise"], name="uniq_conflict")
        ]

    def __str__(self):
        return f"{self.expert} ↔ {self.enterprise}"


class DecisionTerms(models.Model):
    """What the province decides on an assessment and why: kept on a decision, and on a
    proposal awaiting a second admin's confirmation under a batch's four-eyes rule. A
    decision above the computed tier or against most experts is flagged (``flags``, see
    ``review.guards``) and carries a written justification."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("认定")
        REJECTED = "rejected", _("不予认定")

    outcome = models.CharField(_("决定"), max_length=10, choices=Outcome.choices)
    tier = models.CharField(_("认定层级"), max_length=10, choices=Tier.choices, blank=True)
    reason = models.TextField(_("理由"))
    justification = models.TextField(_("偏离说明"), blank=True)
    # The province's summary of the experts' discussion, kept with what it decides.
    summary = models.TextField(_("讨论总结意见"), blank=True)
    flags = models.JSONField(_("标记"), default=list, blank=True)  # [{"code": …, params}]
    figures = models.JSONField(_("决定时的评分"), default=dict, blank=True)

    class Meta:
        abstract = True

    @property
    def flagged(self) -> bool:
        return bool(self.flags)

    @property
    def flag_reasons(self) -> list[str]:
        return flag_texts(self.flags)


class Decision(DecisionTerms):
    """The province's decision on an assessment, with the figures it was taken on. Under a
    batch's four-eyes rule ``decided_by`` proposed it and ``confirmed_by`` confirmed it."""

    # What the applicant never reads of its decision, wherever a record of it reaches the
    # enterprise: the scores it was taken on, and why it departs from the experts' advice.
    PROVINCE_ONLY_FIELDS = ("figures", "flags", "justification", "summary")

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="decision")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("决定时间"), auto_now_add=True)
    # An approval's recognition lasts the batch's validity period from the day it is decided.
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("确认人"),
    )

    class Meta:
        verbose_name = _("认定决定")
        verbose_name_plural = _("认定决定")

    def __str__(self):
        return f"{self.assessment_id} · {self.get_outcome_display()}"


class DecisionProposal(DecisionTerms):
    """A decision one province admin proposes under the batch's four-eyes rule: it takes
    effect only once a second, different admin confirms it. A rejected proposal is kept with
    the reason, and the assessment is open to a new proposal."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("已驳回")

    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="decision_proposals",
        verbose_name=_("申报"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("提议人"),
    )
    proposed_at = models.DateTimeField(_("提议时间"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("复核人"),
    )
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    rejection_reason = models.TextField(_("驳回理由"), blank=True)

    class Meta:
        verbose_name = _("认定提议")
        verbose_name_plural = _("认定提议")
        ordering = ["-proposed_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(status="pending"),
                name="uniq_pending_decision_proposal",
            )
        ]

    def __str__(self):
        return f"{self.assessment_id} · {self.get_outcome_display()} · {self.get_status_display()}"


def objection_letter_path(instance, filename: str) -> str:
    """A fresh folder per letter: names never collide and never come from the objector alone."""
    return f"objections/{instance.batch_id}/{uuid.uuid4().hex}/{filename}"


class Objection(models.Model):
    """A written objection (异议) to an enterprise on a published list, lodged during the 公示
    period by a named person or organisation with a signed (or sealed) letter, and the
    province's resolution. Anonymous objections are not accepted. The letter is stored
    privately; the objector's identity is never shown to the enterprise."""

    class ObjectorType(models.TextChoices):
        PERSON = "person", _("个人")
        ORGANISATION = "organisation", pgettext_lazy("objector", "单位")

    class Status(models.TextChoices):
        PENDING = "pending", _("待处理")
        UPHELD = "upheld", _("异议成立")
        DISMISSED = "dismissed", _("异议不成立")

    batch = models.ForeignKey(
        Batch, on_delete=models.CASCADE, related_name="objections", verbose_name=_("申报批次")
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="objections",
        verbose_name=_("异议涉及的企业"),
    )
    objector_type = models.CharField(_("异议人类型"), max_length=12, choices=ObjectorType.choices)
    objector_name = models.CharField(_("异议人姓名或单位名称"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=30)
    email = models.EmailField(_("电子邮箱"), blank=True)
    grounds = models.TextField(_("异议理由"))
    letter = models.FileField(
        _("书面异议材料"), upload_to=objection_letter_path, storage=private_storage, max_length=300
    )
    letter_name = models.CharField(_("文件名"), max_length=120)
    letter_content_type = models.CharField(_("文件类型"), max_length=100)
    letter_size = models.PositiveBigIntegerField(_("大小（字节）"))
    letter_sha256 = models.CharField(max_length=64)
    lodged_at = models.DateTimeField(_("提交时间"), auto_now_add=True)
    status = models.CharField(
        _("处理状态"),
        max_length=10,
        choices=Status.choices,
        default=Status.PENDING,
        db_index=True,
    )
    resolution = models.TextField(_("处理理由"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    objector_emailed_at = models.DateTimeField(_("结果邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["-lodged_at", "-pk"]

    def __str__(self):
        return f"{self.batch_id} · {self.assessment_id} · {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class SiteVisit(models.Model):
    """The site visit (现场核查) of an assessment whose batch requires one, after the material
    review: the experts the province sends (``visitors``), what they saw of each claimed
    scenario (``checks``) with photos, and their overall finding. One report per visit, drafted
    by any of its visitors and final once submitted. The stage of the visit is read from this
    record (``review.selectors.site_visits``); the assessment stays under review."""

    class Result(models.TextChoices):
        MATCHES = "matches", _("与申报一致")
        PARTLY = "partly", _("部分一致")
        DIFFERS = "differs", _("与申报不符")

    class Finding(models.TextChoices):
        CONFIRMED = "confirmed", _("核查属实")
        RESERVATIONS = "reservations", _("基本属实，有保留意见")
        NOT_CONFIRMED = "not_confirmed", _("核查不属实")

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="site_visit", verbose_name=_("申报")
    )
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="SiteVisitor",
        through_fields=("visit", "expert"),
        related_name="site_visits",
        verbose_name=_("核查专家"),
    )
    checks = models.JSONField(
        _("场景核查记录"), default=dict, blank=True
    )  # {"<scenario no>": {"result": "matches|partly|differs", "notes": str}}
    finding = models.CharField(_("核查结论"), max_length=14, choices=Finding.choices, blank=True)
    finding_text = models.TextField(_("核查意见"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("现场核查")
        verbose_name_plural = _("现场核查")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.assessment_id} · {self.get_finding_display() or '—'}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class SiteVisitor(models.Model):
    """An expert sent on a site visit, by whom and when."""

    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="assignments")
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("核查专家"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(_("指派时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("核查专家")
        verbose_name_plural = _("核查专家")
        constraints = [
            models.UniqueConstraint(fields=["visit", "expert"], name="uniq_site_visitor")
        ]

    def __str__(self):
        return f"{self.visit_id} · {self.expert}"


def site_visit_photo_path(instance, filename: str) -> str:
    return f"site-visits/{instance.visit_id}/{uuid.uuid4().hex}/{filename}"


class SiteVisitPhoto(models.Model):
    """A photo taken on a site visit, of one claimed scenario (or of the site in general),
    stored privately."""

    visit = models.ForeignKey(SiteVisit, on_delete=models.CASCADE, related_name="photos")
    scenario_no = models.PositiveSmallIntegerField(_("场景序号"), null=True, blank=True)
    caption = models.CharField(_("照片说明"), max_length=200, blank=True)
    file = models.FileField(
        _("照片"), upload_to=site_visit_photo_path, storage=private_storage, max_length=300
    )
    name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("现场核查照片")
        verbose_name_plural = _("现场核查照片")
        ordering = ["scenario_no", "uploaded_at", "pk"]

    def __str__(self):
        return self.name


class DeadlineReminder(models.Model):
    """A reminder sent: one per person, stage, subject (the batch, or the application whose own
    deadline it is), deadline and day before it, so that a sweep running again sends none twice
    and a deadline moved later is reminded of anew."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    batch = models.ForeignKey(
        "scenarios.Batch", on_delete=models.CASCADE, related_name="deadline_reminders"
    )
    stage = models.CharField(_("阶段"), max_length=30)
    subject = models.CharField(_("对象"), max_length=40)  # "batch:<id>" or "assessment:<id>"
    due = models.DateField(_("截止日期"))
    days_before = models.PositiveSmallIntegerField(_("提前天数"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("截止提醒")
        verbose_name_plural = _("截止提醒")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "stage", "subject", "due", "days_before"],
                name="uniq_deadline_reminder",
            )
        ]

    def __str__(self):
        return f"{self.stage} {self.subject} {self.due} -{self.days_before}"


class DiscussionPeriod(models.Model):
    """A batch's discussion period, opened by the province once experts have submitted: each
    application whose reviews are all in gets a thread among its experts and the province, and
    its experts may revise their scores until the period ends (``ends_on``, included) or the
    province closes it. The enterprise sees nothing of it."""

    batch = models.OneToOneField(
        Batch, on_delete=models.CASCADE, related_name="discussion", verbose_name=_("申报批次")
    )
    ends_on = models.DateField(_("讨论截止日期"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("开启时间"))
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("专家讨论期")
        verbose_name_plural = _("专家讨论期")

    def __str__(self):
        return f"{self.batch_id} · {self.ends_on}"


class DiscussionPost(models.Model):
    """A message in an application's discussion thread, by one of its experts or the province.
    Who wrote it is shown as 专家 A/B/C or the province's role name (``review.discussion``)."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="discussion_posts"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("讨论内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("讨论发言")
        verbose_name_plural = _("讨论发言")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.assessment_id} · {self.author_id}"


class ScoreRevision(models.Model):
    """An expert's revision of a submitted review during the discussion: the new scores, total,
    recommended tier and opinion (also written to the assignment, which aggregation reads), and
    the values they replaced (``replaced``), so every version stays visible to the province."""

    assignment = models.ForeignKey(
        ExpertAssignment, on_delete=models.CASCADE, related_name="revisions"
    )
    scores = models.JSONField(_("评分"), default=dict)
    total = models.DecimalField(_("总分"), max_digits=5, decimal_places=2)
    recommended_tier = models.CharField(
        _("建议认定层级"), max_length=10, choices=TIER_RECOMMENDATIONS
    )
    opinion = models.TextField(_("总体评审意见"))
    reason = models.TextField(_("修改理由"))
    replaced = models.JSONField(_("修改前"), default=dict)  # scores, total, tier, opinion
    revised_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评分修改")
        verbose_name_plural = _("评分修改")
        ordering = ["revised_at", "pk"]

    def __str__(self):
        return f"{self.assignment_id} · {self.total}"


class PreferencePhase(models.Model):
    """A short phase before the automatic assignment in which the batch's experts say, for each
    application awaiting experts, whether they would like to review it (``ExpertPreference``).
    Open from ``opened_at`` until ``ends_at`` or until the province closes it."""

    batch = models.OneToOneField(
        Batch, on_delete=models.CASCADE, related_name="preference_phase", verbose_name=_("申报批次")
    )
    ends_at = models.DateTimeField(_("偏好征集截止时间"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    closed_at = models.DateTimeField(_("提前结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评审偏好征集")
        verbose_name_plural = _("评审偏好征集")

    def __str__(self):
        return f"{self.batch} · {self.ends_at:%Y-%m-%d}"


class ExpertPreference(models.Model):
    """What an expert said of reviewing one application: a weight for the automatic assignment,
    except a conflict, which it never overrides."""

    class Choice(models.TextChoices):
        PREFER = "prefer", _("优先")
        WILLING = "willing", _("愿意")
        NOT_MY_FIELD = "not_my_field", _("非本领域")
        CONFLICT = "conflict", _("利益冲突")

    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="review_preferences",
        verbose_name=_("评审专家"),
    )
    assessment = models.ForeignKey(
        Assessment,
        on_delete=models.CASCADE,
        related_name="expert_preferences",
        verbose_name=_("申报"),
    )
    choice = models.CharField(_("评审偏好"), max_length=12, choices=Choice.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("评审偏好")
        verbose_name_plural = _("评审偏好")
        constraints = [
            models.UniqueConstraint(fields=["expert", "assessment"], name="uniq_expert_preference")
        ]

    def __str__(self):
        return f"{self.expert} · {self.assessment_id} · {self.get_choice_display()}"
