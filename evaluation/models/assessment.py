"""Assessments (one enterprise × one batch), their answers, and the computed evaluation."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.identity import IDENTITY_FIELDS
from portal.models import City, Enterprise, IndustryType, SizeClass
from scenarios.models import Batch, CatalogVersion, Scenario, SupportElement, Tier

from ..storage import private_files


class State(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    DISTRICT_RECOMMENDED = "district_recommended", _("区县已推荐")
    CITY_RECOMMENDED = "city_recommended", _("市级已推荐")
    FORMALLY_CHECKED = "formally_checked", _("形式审查通过")
    UNDER_REVIEW = "under_review", _("专家评审中")
    APPROVED = "approved", _("已认定")
    REJECTED = "rejected", _("未通过")


EDITABLE_STATES = (State.DRAFT, State.RETURNED)
# Submitted and not yet decided: the applicant's identity may not change (portal.identity).
IN_REVIEW_STATES = (
    State.SUBMITTED,
    State.DISTRICT_RECOMMENDED,
    State.CITY_RECOMMENDED,
    State.FORMALLY_CHECKED,
    State.UNDER_REVIEW,
)
# Assessment.applicant_<field> for each identity field of the enterprise, and the district's code.
APPLICANT_FIELDS = (*(f"applicant_{field}" for field in IDENTITY_FIELDS), "applicant_district_code")


def applicant_identity(enterprise: Enterprise) -> dict:
    """The enterprise's identity as the ``applicant_*`` fields of its assessments: the district
    as its name (as the report and the exports print it) and its code (which district reviews
    it); a district typed as text before it was a choice and not matched yet, that text."""
    identity = {f"applicant_{field}": getattr(enterprise, field) for field in IDENTITY_FIELDS}
    identity["applicant_district"] = enterprise.district_name
    identity["applicant_district_code"] = enterprise.district_id or ""
    return identity


FINANCIAL_YEARS = 3  # DESIGN §4a: normal operation shown by up to three years of statements
CMMM_LEVELS = (1, 5)  # GB/T 39116-2020 智能制造能力成熟度: levels 1 to 5
SELF_TEST_RANGE = (0, 100)  # the province's online self-test, scored out of 100


class DocumentKind(models.TextChoices):
    """The application's own papers, beside the evidence of scenarios and support elements and
    the financial statements: what the formal check (形式审查) looks for."""

    BUSINESS_LICENCE = "business_licence", _("营业执照")
    CMMM_REPORT = "cmmm_report", _("智能制造能力成熟度（CMMM）自评估报告")
    SELF_TEST_REPORT = "self_test_report", _("省级在线自测结果")


class AnswerStatus(models.TextChoices):
    NOT_STARTED = "not_started", _("未开展")
    PLANNED = "planned", _("已规划")
    IN_PROGRESS = "in_progress", _("实施中")
    IMPLEMENTED = "implemented", _("已实施")


DECLARATIONS = {  # DESIGN §4a: what an applicant confirms when submitting
    "no_major_accident": _("近三年未发生重大安全、环保、质量事故"),
    "not_dishonest": _("未被列入严重失信主体名单"),
    "truthful": _("所填报内容及提交材料真实、准确、完整（真实性承诺）"),
}


class Period(models.TextChoices):
    BASE = "base", _("基准年")
    CURRENT = "current", _("当年")


class Assessment(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("企业")
    )
    batch = models.ForeignKey(
        Batch, on_delete=models.PROTECT, related_name="assessments", verbose_name=_("申报批次")
    )
    state = models.CharField(
        _("状态"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    base_year = models.PositiveSmallIntegerField(_("基准年"), null=True, blank=True)
    current_year = models.PositiveSmallIntegerField(_("当年"), null=True, blank=True)
    base_inputs = models.JSONField(_("基准年指标数据"), default=dict, blank=True)
    current_inputs = models.JSONField(_("当年指标数据"), default=dict, blank=True)
    # by period and input code: the calculator lines that gave the input's value
    # (indicators.calculators.kept_breakdown)
    calculations = models.JSONField(_("计算器明细"), default=dict, blank=True, editable=False)
    declarations = models.JSONField(_("申报承诺"), default=dict, blank=True, editable=False)
    # The eligibility gates' figures, entered by the enterprise with their evidence
    # (DocumentKind.CMMM_REPORT, SELF_TEST_REPORT); the batch sets the minimum of each per tier.
    cmmm_level = models.PositiveSmallIntegerField(
        _("智能制造能力成熟度（CMMM）自评等级"),
        null=True,
        blank=True,
        validators=[MinValueValidator(CMMM_LEVELS[0]), MaxValueValidator(CMMM_LEVELS[1])],
        help_text=_("按 GB/T 39116-2020 自评的等级（1–5 级）"),
    )
    self_test_score = models.DecimalField(
        _("省级在线自测得分"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(SELF_TEST_RANGE[0]), MaxValueValidator(SELF_TEST_RANGE[1])],
        help_text=_("在省级平台在线自测的得分（0–100 分）"),
    )
    snapshot = models.JSONField(_("提交快照"), null=True, blank=True, editable=False)
    snapshot_sha256 = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    # Set when it is returned: until then it may be resubmitted, even after the batch closed.
    resubmit_by = models.DateTimeField(_("重新提交截止时间"), null=True, blank=True)
    decided_tier = models.CharField(_("认定层级"), max_length=10, choices=Tier.choices, blank=True)
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # The applicant as it applied: the enterprise's identity, frozen at submission (following
    # the profile while the assessment is editable). Routing to a city, conflicts of interest,
    # peer groups, the report and the exports read these, never the live profile.
    applicant_name = models.CharField(_("申报企业名称"), max_length=200, blank=True, editable=False)
    applicant_credit_code = models.CharField(
        _("申报时统一社会信用代码"), max_length=18, blank=True, editable=False
    )
    applicant_city = models.CharField(
        _("申报时所在设区市"),
        max_length=6,
        choices=City.choices,
        blank=True,
        db_index=True,
        editable=False,
    )
    applicant_district = models.CharField(
        _("申报时所在县（市、区）"), max_length=50, blank=True, editable=False
    )
    applicant_district_code = models.CharField(
        _("申报时所在县（市、区）代码"), max_length=6, blank=True, db_index=True, editable=False
    )
    applicant_industry_type = models.CharField(
        _("申报时行业类型"),
        max_length=10,
        choices=IndustryType.choices,
        blank=True,
        db_index=True,
        editable=False,
    )
    applicant_size = models.CharField(
        _("申报时企业规模"), max_length=10, choices=SizeClass.choices, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("自评估")
        verbose_name_plural = _("自评估")
        ordering = ["-updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "batch"], name="uniq_assessment_per_batch"
            )
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.batch}"

    def save(self, *args, **kwargs):
        if not self.applicant_credit_code and self.enterprise_id:
            self.applicant_take(self.enterprise)
        super().save(*args, **kwargs)

    def applicant_take(self, enterprise: Enterprise) -> None:
        """Take the enterprise's identity as the applicant's (not saved)."""
        for name, value in applicant_identity(enterprise).items():
            setattr(self, name, value)

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def review_reference(self) -> str:
        """The anonymous name reviewers see when the batch hides applicants' identities."""
        return f"SB-{self.batch.year}-{self.pk:05d}"

    @property
    def financial_years(self) -> list[int]:
        """The years whose financial statements may be uploaded, latest first."""
        if not self.current_year:
            return []
        return [self.current_year - i for i in range(FINANCIAL_YEARS)]

    def inputs_for(self, period: str) -> dict:
        return self.base_inputs if period == Period.BASE else self.current_inputs


class Answer(models.Model):
    status = models.CharField(
        _("状态"), max_length=12, choices=AnswerStatus.choices, default=AnswerStatus.NOT_STARTED
    )
    description = models.TextField(_("建设内容"), blank=True)
    systems = models.TextField(_("系统、装备与供应商"), blank=True)
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class ScenarioAnswer(Answer):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="scenario_answers"
    )
    scenario = models.ForeignKey(Scenario, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("场景填报")
        verbose_name_plural = _("场景填报")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "scenario"], name="uniq_scenario_answer")
        ]
        indexes = [
            # Counting a batch's implemented scenarios (the dashboard) reads this index alone
            # rather than every answer of every batch.
            models.Index(
                fields=["assessment", "scenario"],
                condition=models.Q(status="implemented"),
                name="scenario_answer_implemented",
            )
        ]

    def __str__(self):
        return f"{self.assessment_id} · {self.scenario} · {self.status}"


class SupportElementAnswer(Answer):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="support_answers"
    )
    support_element = models.ForeignKey(SupportElement, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("支撑要素填报")
        verbose_name_plural = _("支撑要素填报")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "support_element"], name="uniq_support_answer"
            )
        ]

    def __str__(self):
        return f"{self.assessment_id} · {self.support_element} · {self.status}"


class Evaluation(models.Model):
    """The computed indicators and tier of one assessment; rewritten whole on every run."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="evaluation"
    )
    catalog_version = models.ForeignKey(CatalogVersion, on_delete=models.PROTECT, related_name="+")
    rules_source = models.CharField(_("规则来源"), max_length=40)
    input_fingerprint = models.CharField(max_length=64)
    indicators = models.JSONField(_("指标结果"), default=dict)  # see evaluation.results
    tier_result = models.JSONField(_("层级结果"), default=dict)
    highest_tier = models.CharField(
        _("可申报层级"), max_length=10, choices=Tier.choices, blank=True
    )
    indicators_improved = models.PositiveSmallIntegerField(_("改善指标数"), default=0)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.CharField(_("计算方式"), max_length=10, default="single")

    class Meta:
        verbose_name = _("评估结果")
        verbose_name_plural = _("评估结果")

    def __str__(self):
        return f"{self.assessment} · {self.highest_tier or '—'}"


def private_storage():
    """STORAGES["private"], looked up when a file is used (evaluation/storage.py)."""
    return private_files


def evidence_path(instance, filename: str) -> str:
    """A fresh folder per file: names never collide and never come from the user alone."""
    return f"evidence/{instance.assessment_id}/{uuid.uuid4().hex}/{filename}"


class EvidenceQuerySet(models.QuerySet):
    def current(self):
        """Not removed: what the enterprise sees and a new submission cites."""
        return self.filter(removed_at=None)


class Evidence(models.Model):
    """A file proving a scenario or support element was implemented, one year's financial
    statements (the enterprise is operating normally) or one of the application's papers
    (``document``: the business licence, the CMMM and self-test results); stored privately."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    scenario = models.ForeignKey(
        Scenario, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    support_element = models.ForeignKey(
        SupportElement, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    financial_year = models.PositiveSmallIntegerField(
        _("财务报表年度"), null=True, blank=True, help_text=_("证明企业正常经营的财务报表所属年度")
    )
    document = models.CharField(
        _("申报材料类别"), max_length=20, choices=DocumentKind.choices, blank=True
    )
    file = models.FileField(
        _("文件"), upload_to=evidence_path, storage=private_storage, max_length=300
    )
    original_name = models.CharField(_("文件名"), max_length=120)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_at = models.DateTimeField(_("移除时间"), null=True, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("证明材料")
        verbose_name_plural = _("证明材料")
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(scenario__isnull=True, support_element__isnull=True)
                    | models.Q(scenario__isnull=True, financial_year__isnull=True)
                    | models.Q(support_element__isnull=True, financial_year__isnull=True)
                ),
                name="evidence_for_one_item",
            ),
            models.CheckConstraint(
                condition=models.Q(document="")
                | models.Q(
                    scenario__isnull=True, support_element__isnull=True, financial_year__isnull=True
                ),
                name="evidence_document_alone",
            ),
        ]

    def __str__(self):
        return self.original_name


class CarryOver(models.Model):
    """An assessment started from one of the enterprise's earlier applications: what was
    copied and what was not (``evaluation.carry_over``), until the enterprise confirms it or
    undoes it (possible only while nothing has been changed since)."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, related_name="carry_over"
    )
    source = models.ForeignKey(
        Assessment, on_delete=models.PROTECT, related_name="+", verbose_name=_("复制自")
    )
    report = models.JSONField(_("复制清单"), default=dict)
    version_after = models.PositiveIntegerField(_("复制后的版本"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("复制时间"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("沿用上次申报")
        verbose_name_plural = _("沿用上次申报")

    def __str__(self):
        return f"{self.source_id} → {self.assessment_id}"
