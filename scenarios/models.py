"""The versioned catalog of the 《典型场景参考指引》 and the annual batches that pin it."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.exceptions import StateConflict


class CatalogLocked(StateConflict):
    """Raised when something tries to change a published or batch-pinned catalog version."""


class RulesFixed(StateConflict):
    """Raised when something tries to change the tier rules of a batch that has submissions."""


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class CatalogVersion(models.Model):
    label = models.CharField(_("版本号"), max_length=30, unique=True)
    title = models.CharField(_("标题"), max_length=200)
    status = models.CharField(
        _("状态"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    cloned_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clones",
        verbose_name=_("复制自"),
    )
    notes = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("目录版本")
        verbose_name_plural = _("目录版本")
        ordering = ["-published_at", "-created_at"]

    def __str__(self):
        return f"{self.label} · {self.get_status_display()}"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = CatalogVersion.objects.filter(pk=self.pk).first()
            if stored is not None:
                stored.assert_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.assert_editable()
        return super().delete(*args, **kwargs)

    @property
    def is_draft(self) -> bool:
        return self.status == VersionStatus.DRAFT

    @property
    def is_used_by_batch(self) -> bool:
        return self.pk is not None and self.batches.exists()

    @property
    def is_editable(self) -> bool:
        return self.is_draft and not self.is_used_by_batch

    def assert_editable(self):
        if self.is_used_by_batch:
            raise CatalogLocked(
                _("目录版本 %(label)s 已被申报批次使用，不可修改；请复制为新草稿后再编辑。"),
                code="catalog_in_use",
                params={"label": self.label},
            )
        if not self.is_draft:
            raise CatalogLocked(
                _("目录版本 %(label)s 已发布，不可修改；请复制为新草稿后再编辑。"),
                code="catalog_published",
                params={"label": self.label},
            )


class BilingualMixin(models.Model):
    """Names are Chinese first; the English text is optional and falls back to Chinese."""

    name = models.CharField(_("名称"), max_length=200)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    description = models.TextField(_("说明"), blank=True)
    description_en = models.TextField(_("英文说明"), blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def _pick(zh: str, en: str) -> str:
        if en and (get_language() or "").startswith("en"):
            return en
        return zh

    @property
    def display_name(self) -> str:
        return self._pick(self.name, self.name_en)

    @property
    def display_description(self) -> str:
        return self._pick(self.description, self.description_en)


class CatalogItem(BilingualMixin):
    """A numbered row of one catalog version; refuses changes once the version is frozen."""

    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="+", verbose_name=_("目录版本")
    )
    no = models.PositiveSmallIntegerField(_("序号"))

    # The parent whose version this row inherits, if any (e.g. "dimension" for a link).
    parent_field: str | None = None

    class Meta:
        abstract = True
        ordering = ["no"]

    def __str__(self):
        return f"{self.no}. {self.display_name}"

    def save(self, *args, **kwargs):
        if self.parent_field:
            self.version = getattr(self, self.parent_field).version
        self.version.assert_editable()
        if self.pk:
            stored_version_id = (
                type(self).objects.filter(pk=self.pk).values_list("version_id", flat=True).first()
            )
            if stored_version_id and stored_version_id != self.version_id:
                CatalogVersion.objects.get(pk=stored_version_id).assert_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.version.assert_editable()
        return super().delete(*args, **kwargs)

    def _effective_version(self):
        if self.parent_field and getattr(self, f"{self.parent_field}_id"):
            return getattr(self, self.parent_field).version
        return self.version if self.version_id else None

    def clean(self):
        super().clean()
        version = self._effective_version()
        if version is not None:
            try:
                version.assert_editable()
            except CatalogLocked as exc:
                raise ValidationError(exc.messages) from exc


def _version_unique(model_name: str):
    return [models.UniqueConstraint(fields=["version", "no"], name=f"uniq_{model_name}_no")]


class Dimension(CatalogItem):
    code = models.SlugField(_("代码"), max_length=30)
    version = models.ForeignKey(
        CatalogVersion,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=_("目录版本"),
    )
    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("维度")
        verbose_name_plural = _("维度")
        constraints = [
            *_version_unique("dimension"),
            models.UniqueConstraint(fields=["version", "code"], name="uniq_dimension_code"),
        ]


class Link(CatalogItem):
    """环节: numbered 1–16 across the whole catalog, as the seed numbers them."""

    version = models.ForeignKey(
        CatalogVersion, on_delete=models.CASCADE, related_name="links", verbose_name=_("目录版本")
    )
    dimension = models.ForeignKey(
        Dimension, on_delete=models.CASCADE, related_name="links", verbose_name=_("维度")
    )
    parent_field = "dimension"
    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("环节")
        verbose_name_plural = _("环节")
        constraints = _version_unique("link")


class Scenario(CatalogItem):
    """典型场景: numbered 1–45 across the whole catalog; the smallest unit of a tier."""

    version = models.ForeignKey(
        CatalogVersion,
        on_delete=models.CASCADE,
        related_name="scenarios",
        verbose_name=_("目录版本"),
    )
    link = models.ForeignKey(
        Link, on_delete=models.CASCADE, related_name="scenarios", verbose_name=_("环节")
    )
    parent_field = "link"
    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("典型场景")
        verbose_name_plural = _("典型场景")
        constraints = _version_unique("scenario")


class LinkOutcome(CatalogItem):
    """成效: one outcome the guide says a link improves ("提高劳动生产率"), in the guide's words.

    ``indicator_code`` names the indicator of the version it is (blank when the outcome is
    none of the 19, e.g. "降低运维成本"); ``interpretation`` marks a mapping the portal reads
    into the words rather than one the guide states (工艺设计's "降低生产成本" → 单位产品成本).
    Recommendations follow these links from a weak indicator to the scenarios that improve it.
    """

    version = models.ForeignKey(
        CatalogVersion,
        on_delete=models.CASCADE,
        related_name="link_outcomes",
        verbose_name=_("目录版本"),
    )
    link = models.ForeignKey(
        Link, on_delete=models.CASCADE, related_name="outcomes", verbose_name=_("环节")
    )
    indicator_code = models.SlugField(
        _("对应指标代码"),
        max_length=40,
        blank=True,
        help_text=_("留空：该成效不是 19 项成效指标之一，仅保留原文。"),
    )
    interpretation = models.BooleanField(
        _("解读"),
        default=False,
        help_text=_("对应关系是本系统的解读，而非《指引》原文所述。"),
    )
    parent_field = "link"
    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("环节成效")
        verbose_name_plural = _("环节成效")
        constraints = [
            *_version_unique("linkoutcome"),
            models.CheckConstraint(
                condition=models.Q(interpretation=False) | ~models.Q(indicator_code=""),
                name="linkoutcome_interpretation_names_indicator",
            ),
        ]


class SupportCategory(models.TextChoices):
    EQUIPMENT = "equipment", _("装备")
    NETWORK = "network", _("网络")
    PLATFORM = "platform", _("平台")


class SupportElement(CatalogItem):
    version = models.ForeignKey(
        CatalogVersion,
        on_delete=models.CASCADE,
        related_name="support_elements",
        verbose_name=_("目录版本"),
    )
    category = models.CharField(_("类别"), max_length=10, choices=SupportCategory.choices)
    history = HistoricalRecords()

    class Meta(CatalogItem.Meta):
        verbose_name = _("支撑要素")
        verbose_name_plural = _("支撑要素")
        constraints = _version_unique("supportelement")


class Aggregation(models.TextChoices):
    ZSCORE = "zscore", _("标准分校正（消除专家宽严差异）")
    TRIMMED = "trimmed", _("去掉最高分和最低分后取平均")


class DecisionConfirmation(models.TextChoices):
    """The four-eyes rule of a batch's decisions: which ones a second province admin confirms."""

    OFF = "off", _("不需要复核（决定即时生效）")
    ALL = "all", _("所有决定须另一位省级管理员确认")
    FLAGGED = "flagged", _("仅被标记的决定须另一位省级管理员确认")


# The eligibility gates a batch sets by default, per tier: the lowest CMMM (GB/T 39116-2020)
# self-assessment level and the lowest score of the province's online self-test. The province
# publishes no numbers beyond "CMMM level 2 or more"; these are the portal's defaults, editable
# per batch.
DEFAULT_MIN_CMMM = {"workshop": 2, "factory": 3, "benchmark": 3}
DEFAULT_MIN_SELF_TEST = {"workshop": 60, "factory": 70, "benchmark": 80}
# Years of financial statements the formal check asks for (the latest ones), by default.
DEFAULT_STATEMENT_YEARS = 3


def _gate_field(label, default: int, top: int):
    return models.PositiveSmallIntegerField(
        label, default=default, validators=[MinValueValidator(0), MaxValueValidator(top)]
    )


class SiteVisitRule(models.TextChoices):
    """Which applications of a batch get a site visit (现场核查) after the material review."""

    NEVER = "never", _("不安排现场核查")
    ALL = "all", _("所有申报均须现场核查")
    FROM_TIER = "from_tier", _("系统计算层级达到指定层级的申报须现场核查")


def tier_choices():
    return Tier.choices  # Tier is defined below Batch


def day_list(value: str) -> list[int]:
    """ "7,3,1" as [7, 3, 1]: days before a deadline, each a whole number from 1 to 366,
    largest first; an empty text is no day. Raises ValueError naming the bad part."""
    days = set()
    for part in (value or "").replace("，", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= 366:
            raise ValueError(part)
        days.add(int(part))
    return sorted(days, reverse=True)


def validate_day_list(value: str) -> None:
    try:
        day_list(value)
    except ValueError as exc:
        raise ValidationError(
            _("“%(part)s”不是 1 到 366 之间的天数；请填写以逗号分隔的天数，例如 7,3,1。"),
            code="invalid_day_list",
            params={"part": exc.args[0]},
        ) from None


# The batch's deadlines after the submission deadline (closes_at), in the order of the stages:
# each one set must not be earlier than the one before it.
STAGE_DEADLINE_FIELDS = (
    "district_deadline",
    "city_deadline",
    "formal_check_deadline",
    "review_deadline",
    "decision_deadline",
)


class BatchQuerySet(models.QuerySet):
    def open_now(self):
        now = timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)


class Batch(models.Model):
    """年度申报批次: pins one published catalog version (and, later, one set of tier rules)."""

    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("批次名称"), max_length=200)
    catalog_version = models.ForeignKey(
        CatalogVersion,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("目录版本"),
    )
    opens_at = models.DateTimeField(_("开始申报时间"))
    closes_at = models.DateTimeField(_("截止申报时间"))
    district_deadline = models.DateTimeField(_("区县推荐截止时间"), null=True, blank=True)
    city_deadline = models.DateTimeField(_("市级推荐截止时间"), null=True, blank=True)
    formal_check_deadline = models.DateTimeField(_("形式审查截止时间"), null=True, blank=True)
    review_deadline = models.DateTimeField(_("专家评审截止时间"), null=True, blank=True)
    decision_deadline = models.DateTimeField(_("认定决定截止时间"), null=True, blank=True)
    resubmission_days = models.PositiveSmallIntegerField(
        _("退回后重新提交期限（天）"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("退回时起算；期限内即使已过申报截止时间，企业仍可重新提交。"),
    )
    reminder_days = models.CharField(
        _("截止提醒（提前天数）"),
        max_length=50,
        default="7,3,1",
        blank=True,
        validators=[validate_day_list],
        help_text=_("在每个截止时间之前的这些天提醒相关人员，以逗号分隔，例如 7,3,1；留空不提醒。"),
    )
    validity_years = models.PositiveSmallIntegerField(
        _("认定有效期（年）"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
        help_text=_("认定决定自决定之日起的有效年数。"),
    )
    experts_see_identity = models.BooleanField(
        _("评审专家可见企业身份"),
        default=False,
        help_text=_("不勾选时，专家只看到申报编号、所在市、行业和规模，看不到企业名称和代码。"),
    )
    reviewers_per_assessment = models.PositiveSmallIntegerField(
        _("每份申报的评审专家数"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    avoid_same_city = models.BooleanField(
        _("回避同市专家"), default=False, help_text=_("不向企业所在市的专家分配该企业的评审。")
    )
    aggregation = models.CharField(
        _("评分汇总方式"),
        max_length=10,
        choices=Aggregation.choices,
        default=Aggregation.ZSCORE,
    )
    disagreement_threshold = models.DecimalField(
        _("分歧阈值（分）"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("15"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("专家总分（百分制）的极差超过该值时标记为存在分歧。"),
    )
    decision_confirmation = models.CharField(
        _("认定决定复核"),
        max_length=10,
        choices=DecisionConfirmation.choices,
        default=DecisionConfirmation.OFF,
        help_text=_(
            "需复核时，一位省级管理员提出认定提议，另一位省级管理员确认后决定才生效。"
            "被标记的决定：认定层级高于系统计算层级，或与多数专家的建议不一致。"
        ),
    )
    requires_district_step = models.BooleanField(
        _("须经县（市、区）推荐"),
        default=False,
        help_text=_(
            "勾选时，申报先由企业所在县（市、区）主管部门推荐或退回，经其推荐后才进入市级审核。"
        ),
    )
    site_visit = models.CharField(
        _("现场核查"),
        max_length=10,
        choices=SiteVisitRule.choices,
        default=SiteVisitRule.NEVER,
        help_text=_(
            "材料评审完成后由省级管理员指派专家现场核查；须核查的申报在核查报告提交前不能作出认定决定。"
            "按层级时，以系统计算层级（企业申报时的自评估结果）为准。"
        ),
    )
    site_visit_tier = models.CharField(
        _("现场核查起始层级"),
        max_length=10,
        choices=tier_choices,
        blank=True,
        help_text=_("仅在“按层级”时使用：系统计算层级达到该层级（含更高层级）的申报须现场核查。"),
    )
    direct_enterprises = models.ManyToManyField(
        "portal.Enterprise",
        blank=True,
        related_name="direct_batches",
        verbose_name=_("直报省级的企业"),
        help_text=_("这些企业的申报不经市级推荐，直接进入省级评审。"),
    )
    # The formal check (形式审查): what an application must carry to reach the experts.
    statement_years_required = models.PositiveSmallIntegerField(
        _("须提交的财务报表年数"),
        default=DEFAULT_STATEMENT_YEARS,
        validators=[MinValueValidator(1), MaxValueValidator(3)],
        help_text=_("形式审查要求最近几个年度的财务报表（默认 3 年）。"),
    )
    requires_business_licence = models.BooleanField(
        _("须提交营业执照"), default=True, help_text=_("形式审查要求上传营业执照（默认要求）。")
    )
    min_cmmm_workshop = _gate_field(
        _("智能车间：CMMM 自评等级最低"), DEFAULT_MIN_CMMM["workshop"], 5
    )
    min_cmmm_factory = _gate_field(_("智能工厂：CMMM 自评等级最低"), DEFAULT_MIN_CMMM["factory"], 5)
    min_cmmm_benchmark = _gate_field(
        _("标杆企业：CMMM 自评等级最低"), DEFAULT_MIN_CMMM["benchmark"], 5
    )
    min_self_test_workshop = _gate_field(
        _("智能车间：在线自测得分最低"),
        DEFAULT_MIN_SELF_TEST["workshop"],
        100,
    )
    min_self_test_factory = _gate_field(
        _("智能工厂：在线自测得分最低"),
        DEFAULT_MIN_SELF_TEST["factory"],
        100,
    )
    min_self_test_benchmark = _gate_field(
        _("标杆企业：在线自测得分最低"),
        DEFAULT_MIN_SELF_TEST["benchmark"],
        100,
    )
    list_published_at = models.DateTimeField(_("公示名单发布时间"), null=True, blank=True)
    # The 公示 period of the published list (objections are received from its first to its last
    # day, both included) and whom the public contacts; set when the list is published.
    publicity_starts_on = models.DateField(_("公示开始日期"), null=True, blank=True)
    publicity_ends_on = models.DateField(_("公示截止日期"), null=True, blank=True)
    publicity_contact_department = models.CharField(_("公示联系单位"), max_length=100, blank=True)
    publicity_contact_phone = models.CharField(_("公示联系电话"), max_length=30, blank=True)
    publicity_contact_email = models.EmailField(_("公示联系邮箱"), blank=True)
    rules_fixed_at = models.DateTimeField(
        _("层级规则固定时间"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("首次提交申报时，本批次的层级规则（或当时的默认规则）复制到本批次并固定。"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    objects = BatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("申报批次")
        verbose_name_plural = _("申报批次")
        ordering = ["-year", "-opens_at"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.assert_catalog_kept()
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = _("截止时间必须晚于开始时间。")
        if self.site_visit == SiteVisitRule.FROM_TIER and not self.site_visit_tier:
            errors["site_visit_tier"] = _("按层级安排现场核查时，请选择起始层级。")

        previous, previous_name = self.closes_at, "closes_at"
        for name in STAGE_DEADLINE_FIELDS:
            value = getattr(self, name)
            if value is None:
                continue
            if previous is not None and value < previous:
                errors[name] = _("不能早于“%(previous)s”。") % {
                    "previous": self._meta.get_field(previous_name).verbose_name
                }
            previous, previous_name = value, name
        if self.catalog_version_id and self.catalog_version.is_draft:
            errors["catalog_version"] = _("申报批次只能使用已发布的目录版本。")
        try:
            self.assert_catalog_kept()
        except StateConflict as exc:
            errors["catalog_version"] = exc.messages
        if errors:
            raise ValidationError(errors)

    def assert_catalog_kept(self):
        """The catalog version a batch pins cannot change once the batch has a submission."""
        if not self.pk:
            return
        stored = Batch.objects.filter(pk=self.pk).values("catalog_version_id", "rules_fixed_at")
        stored = stored.first()
        if (
            stored is not None
            and stored["rules_fixed_at"] is not None
            and stored["catalog_version_id"] != self.catalog_version_id
        ):
            raise CatalogLocked(
                _("申报批次“%(batch)s”已有申报提交，其目录版本不能更换。"),
                code="batch_catalog_fixed",
                params={"batch": self.name},
            )

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now() < self.closes_at

    @property
    def reminder_day_list(self) -> list[int]:
        try:
            return day_list(self.reminder_days)
        except ValueError:
            return []

    @property
    def rules_fixed(self) -> bool:
        return self.rules_fixed_at is not None

    def eligibility_gates(self) -> dict[str, tuple[int, int]]:
        """Per tier (lowest first): the lowest CMMM level and self-test score it admits."""
        return {
            tier: (getattr(self, f"min_cmmm_{tier}"), getattr(self, f"min_self_test_{tier}"))
            for tier in Tier.values
        }


def assert_batch_rules_editable(batch_id: int | None) -> None:
    """Refuse a change to the rules of a batch whose rules were fixed at its first submission
    (the defaults, ``batch_id`` None, stay editable: fixed batches hold their own copy)."""
    if batch_id is None:
        return
    batch = Batch.objects.filter(pk=batch_id, rules_fixed_at__isnull=False).first()
    if batch is not None:
        raise RulesFixed(
            _(
                "申报批次“%(batch)s”的层级规则自首次提交申报起已固定，不能修改；"
                "默认规则的修改也不影响该批次。"
            ),
            code="rules_fixed",
            params={"batch": batch.name},
        )


class Tier(models.TextChoices):
    """Ordered from the lowest: each tier requires the rules of the tiers below it."""

    WORKSHOP = "workshop", _("智能车间")
    FACTORY = "factory", _("智能工厂")
    BENCHMARK = "benchmark", _("标杆企业")


TIER_ORDER = [Tier.WORKSHOP, Tier.FACTORY, Tier.BENCHMARK]


class FixedRulesPart(models.Model):
    """A part of the tier rules: written (saved, deleted, validated) only while the batch it
    belongs to has not fixed its rules (``assert_editable``, defined by each part)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.assert_editable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self.assert_editable()
        return super().delete(*args, **kwargs)

    def assert_editable(self):
        raise NotImplementedError

    def clean(self):
        super().clean()
        try:
            self.assert_editable()
        except RulesFixed as exc:
            raise ValidationError(exc.messages) from exc


class TierRule(FixedRulesPart):
    """What one tier asks for, beyond the tiers below it.

    Rules with no batch are the province's defaults; a batch without rules of
    its own uses them.
    """

    batch = models.ForeignKey(
        Batch,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tier_rules",
        verbose_name=_("申报批次"),
        help_text=_("留空表示默认规则。"),
    )
    tier = models.CharField(_("层级"), max_length=10, choices=Tier.choices)
    min_support_elements = models.PositiveSmallIntegerField(_("至少已实施的支撑要素数"), default=0)
    support_categories = models.JSONField(
        _("须覆盖的支撑要素类别"),
        default=list,
        blank=True,
        help_text=_('例如 ["equipment", "network", "platform"]：装备、网络、平台各至少一项。'),
    )
    min_indicators_improved = models.PositiveSmallIntegerField(
        _("至少较基准年改善的指标数"), default=0
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("层级规则")
        verbose_name_plural = _("层级规则")
        ordering = ["batch_id", "tier"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "tier"], name="uniq_tier_rule_per_batch"),
            models.UniqueConstraint(
                fields=["tier"], condition=models.Q(batch=None), name="uniq_default_tier_rule"
            ),
        ]

    def __str__(self):
        scope = self.batch.name if self.batch_id else _("默认规则")
        return f"{scope} · {self.get_tier_display()}"

    def assert_editable(self):
        """Neither the batch it belongs to nor the one it is moved from may be fixed."""
        assert_batch_rules_editable(self.batch_id)
        if self.pk:
            stored = TierRule.objects.filter(pk=self.pk).values_list("batch_id", flat=True).first()
            if stored != self.batch_id:
                assert_batch_rules_editable(stored)

    def clean(self):
        super().clean()
        unknown = set(self.support_categories or []) - set(SupportCategory.values)
        if unknown:
            raise ValidationError(
                {"support_categories": _("未知的类别：%(c)s") % {"c": ", ".join(sorted(unknown))}}
            )


class TierRequirement(FixedRulesPart):
    """For one tier and one dimension: how many implemented scenarios, in how many links."""

    rule = models.ForeignKey(
        TierRule, on_delete=models.CASCADE, related_name="requirements", verbose_name=_("层级规则")
    )
    dimension_code = models.SlugField(
        _("维度代码"), max_length=30, help_text=_("production / product / supply_chain")
    )
    min_scenarios = models.PositiveSmallIntegerField(_("至少已实施场景数"))
    min_links = models.PositiveSmallIntegerField(_("至少覆盖环节数"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("维度要求")
        verbose_name_plural = _("维度要求")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "dimension_code"], name="uniq_requirement_dimension"
            )
        ]

    def __str__(self):
        return f"{self.dimension_code}: ≥{self.min_scenarios} / ≥{self.min_links}"

    def assert_editable(self):
        rule_ids = {self.rule_id}
        if self.pk:
            rule_ids.add(
                TierRequirement.objects.filter(pk=self.pk).values_list("rule_id", flat=True).first()
            )
        for batch_id in TierRule.objects.filter(pk__in=rule_ids - {None}).values_list(
            "batch_id", flat=True
        ):
            assert_batch_rules_editable(batch_id)


class RubricCriterion(models.Model):
    """One criterion of a batch's expert rubric; a review's total is the weighted mean of the
    criteria's scores, each scaled to its range, on 0–100."""

    batch = models.ForeignKey(
        Batch, on_delete=models.CASCADE, related_name="rubric", verbose_name=_("申报批次")
    )
    no = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)
    description = models.CharField(_("评分要点"), max_length=300, blank=True)
    weight = models.DecimalField(
        _("权重"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    min_score = models.PositiveSmallIntegerField(_("最低分"), default=0)
    max_score = models.PositiveSmallIntegerField(_("最高分"), default=10)

    class Meta:
        verbose_name = _("评分标准")
        verbose_name_plural = _("评分标准")
        ordering = ["batch_id", "no"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "no"], name="uniq_rubric_criterion_no"),
            models.CheckConstraint(
                condition=models.Q(max_score__gt=models.F("min_score")),
                name="rubric_range_not_empty",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def display_name(self) -> str:
        return BilingualMixin._pick(self.name, self.name_en)

    def clean(self):
        if None not in (self.min_score, self.max_score) and self.max_score <= self.min_score:
            raise ValidationError({"max_score": _("最高分必须大于最低分。")})
