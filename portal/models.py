import secrets
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from knox.models import AbstractAuthToken
from knox.settings import CONSTANTS as KNOX
from simple_history.models import HistoricalRecords

from .audit import audit_action_label, audit_changes
from .storage import private_files
from .validators import (
    normalize_phone,
    validate_credit_code,
    validate_manufacturing_industry_code,
    validate_phone,
)


class City(models.TextChoices):
    """Jiangsu's 13 prefecture-level cities, keyed by administrative division code."""

    NANJING = "320100", _("南京市")
    WUXI = "320200", _("无锡市")
    XUZHOU = "320300", _("徐州市")
    CHANGZHOU = "320400", _("常州市")
    SUZHOU = "320500", _("苏州市")
    NANTONG = "320600", _("南通市")
    LIANYUNGANG = "320700", _("连云港市")
    HUAIAN = "320800", _("淮安市")
    YANCHENG = "320900", _("盐城市")
    YANGZHOU = "321000", _("扬州市")
    ZHENJIANG = "321100", _("镇江市")
    TAIZHOU = "321200", _("泰州市")
    SUQIAN = "321300", _("宿迁市")


class District(models.Model):
    """A county-level division (区、县、县级市) of one of the 13 cities, by its GB/T 2260 code
    (the reference list ``fixtures/districts.json``, loaded by a migration)."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("市辖区")
        COUNTY = "county", _("县")
        COUNTY_CITY = "county_city", _("县级市")

    code = models.CharField(_("区划代码"), max_length=6, primary_key=True)
    name = models.CharField(_("名称"), max_length=30)
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    city = models.CharField(_("所属设区市"), max_length=6, choices=City.choices, db_index=True)

    class Meta:
        verbose_name = _("县（市、区）")
        verbose_name_plural = _("县（市、区）")
        ordering = ["code"]

    def __str__(self):
        return self.name


class IndustryType(models.TextChoices):
    DISCRETE = "discrete", _("离散型")
    PROCESS = "process", _("流程型")
    MIXED = "mixed", _("混合型")


class SizeClass(models.TextChoices):
    LARGE = "large", _("大型")
    MEDIUM = "medium", _("中型")
    SMALL = "small", _("小型")
    MICRO = "micro", _("微型")


class Role(models.TextChoices):
    ENTERPRISE_ADMIN = "enterprise_admin", _("企业管理员")
    ENTERPRISE_MEMBER = "enterprise_member", _("企业成员")
    DISTRICT_REVIEWER = "district_reviewer", _("县（市、区）主管部门")
    CITY_REVIEWER = "city_reviewer", _("市级主管部门")
    EXPERT = "expert", _("省级评审专家")
    PROVINCE_ADMIN = "province_admin", _("省级管理员")


ENTERPRISE_ROLES = (Role.ENTERPRISE_ADMIN, Role.ENTERPRISE_MEMBER)


# What an enterprise edits as its profile (the form, the service, the submitted snapshot).
ENTERPRISE_PROFILE_FIELDS = (
    "name",
    "credit_code",
    "city",
    "district",
    "address",
    "industry_code",
    "industry_type",
    "size",
    "contact_name",
    "contact_phone",
    # the facts an application form asks for, printed on the report's cover
    "established_on",
    "registered_capital",
    "legal_representative",
    "employees",
    "operating_revenue",
    "main_products",
)


# the profile's facts an application form asks for (not identity fields: editable while in review)
BUSINESS_FACT_FIELDS = ENTERPRISE_PROFILE_FIELDS[-6:]


def business_facts(profile: dict) -> list[tuple[str, str, str]]:
    """``(field, label, text)`` of each business fact filled in ``profile`` (as
    ``Enterprise.profile_values`` gives it, e.g. from a snapshot), for the profile page and the
    report's cover."""
    facts = []
    for field in BUSINESS_FACT_FIELDS:
        value = profile.get(field)
        if value in (None, ""):
            continue
        if field in ("registered_capital", "operating_revenue"):
            value = number_format(Decimal(str(value)), decimal_pos=2, force_grouping=True)
        elif field == "employees":
            value = number_format(int(value), force_grouping=True)
        label = Enterprise._meta.get_field(field).verbose_name
        facts.append((field, str(label), str(value)))
    return facts


def _as_text(value):
    """A profile value as a snapshot (JSON) keeps it: a date in ISO form, a number as text."""
    if value is None:
        return ""
    if isinstance(value, (str, int)):
        return value
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class RegistrationStatus(models.TextChoices):
    """Whether the district (or city) has confirmed an enterprise that registered itself; one
    created by the province, a command or an import is confirmed from the start."""

    CONFIRMED = "confirmed", _("已确认")
    PENDING = "pending", _("待主管部门确认")
    REJECTED = "rejected", _("注册未通过")


class Enterprise(models.Model):
    """The tenant: every enterprise-owned row points at one of these."""

    name = models.CharField(_("企业名称"), max_length=200)
    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    city = models.CharField(_("所在设区市"), max_length=6, choices=City.choices, db_index=True)
    district = models.ForeignKey(
        District,
        verbose_name=_("所在县（市、区）"),
        on_delete=models.PROTECT,
        null=True,  # only an enterprise whose district typed as text matched no division
        related_name="enterprises",
    )
    district_text = models.CharField(
        _("原填报的县（市、区）"),
        max_length=50,
        blank=True,
        editable=False,
        help_text=_("所在县（市、区）改为从行政区划中选择之前填写的文字，未能对应到区划的待改正。"),
    )
    address = models.CharField(_("通讯地址"), max_length=200, blank=True)
    industry_code = models.CharField(
        _("国民经济行业代码"),
        max_length=5,
        validators=[validate_manufacturing_industry_code],
        help_text=_("GB/T 4754-2017 制造业代码，如 C3311。"),
    )
    industry_type = models.CharField(
        _("行业类型"), max_length=10, choices=IndustryType.choices, db_index=True
    )
    size = models.CharField(_("企业规模"), max_length=10, choices=SizeClass.choices)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(
        _("联系电话"), max_length=30, blank=True, validators=[validate_phone]
    )
    established_on = models.DateField(_("成立日期"), null=True, blank=True)
    registered_capital = models.DecimalField(
        _("注册资本（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    legal_representative = models.CharField(_("法定代表人"), max_length=50, blank=True)
    employees = models.PositiveIntegerField(_("从业人数"), null=True, blank=True)
    operating_revenue = models.DecimalField(
        _("营业收入（万元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("上一会计年度。"),
    )
    main_products = models.CharField(_("主要产品"), max_length=200, blank=True)
    registration_status = models.CharField(
        _("注册状态"),
        max_length=10,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.CONFIRMED,
        db_index=True,
        editable=False,
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("企业")
        verbose_name_plural = _("企业")
        ordering = ["city", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self._normalise_codes()
        super().save(*args, **kwargs)

    def _normalise_codes(self) -> None:
        self.credit_code = (self.credit_code or "").strip().upper()
        self.industry_code = (self.industry_code or "").strip().upper()
        self.contact_phone = normalize_phone(self.contact_phone)

    def profile_values(self) -> dict:
        """The profile as text, as a snapshot or an export keeps it: the district by its name
        (and its code, none for a text not matched to a division yet)."""
        values = {f: _as_text(getattr(self, f)) for f in ENTERPRISE_PROFILE_FIELDS}
        return values | {"district": self.district_name, "district_code": self.district_id or ""}

    @property
    def district_name(self) -> str:
        """The division's name, or the text typed before it was a choice (not matched yet)."""
        return self.district.name if self.district_id else self.district_text

    def clean(self):
        """The district lies in the city; the identity may not change while a submission of it
        is in review (``portal.identity``): the profile page, the API and the admin site all
        come here."""
        from .identity import LOCKED_MESSAGE, identity_changes, identity_lock_reason

        self._normalise_codes()  # a code typed in lower case is not a change
        if self.district_id and self.city and self.district.city != self.city:
            raise ValidationError(
                {
                    "district": _("“%(district)s”不属于%(city)s，请选择%(city)s的县（市、区）。")
                    % {"district": self.district.name, "city": City(self.city).label}
                }
            )
        if self.pk is None or getattr(self, "_identity_change_confirmed", False):
            return
        stored = type(self).objects.filter(pk=self.pk).first()
        changed = identity_changes(self, stored) if stored else {}
        if stored and stored.district_id is None:
            # a district typed as text that matched no division is chosen: a correction (the
            # submission keeps the district it was submitted with), not a change of identity
            changed.pop("district", None)
        reason = identity_lock_reason(self) if changed else None
        if reason:
            raise ValidationError(
                {
                    field: LOCKED_MESSAGE
                    % {"reason": reason, "field": self._meta.get_field(field).verbose_name}
                    for field in changed
                }
            )


class PortalUserManager(UserManager):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.PROVINCE_ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, db_index=True)
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("所属企业"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    city = models.CharField(
        _("负责设区市"),
        max_length=6,
        choices=City.choices,
        blank=True,
        help_text=_("市级主管部门负责的设区市；评审专家所在的设区市（用于同市回避）。"),
    )
    district = models.ForeignKey(
        District,
        verbose_name=_("负责县（市、区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("县（市、区）主管部门负责的县（市、区）。"),
    )
    employer = models.CharField(
        _("工作单位"), max_length=200, blank=True, help_text=_("评审专家的工作单位，用于回避。")
    )
    phone = models.CharField(_("手机号码"), max_length=30, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    @property
    def is_enterprise_user(self) -> bool:
        return self.role in ENTERPRISE_ROLES and self.enterprise_id is not None

    @property
    def is_enterprise_admin(self) -> bool:
        return self.role == Role.ENTERPRISE_ADMIN and self.enterprise_id is not None

    @property
    def is_city_reviewer(self) -> bool:
        return self.role == Role.CITY_REVIEWER and bool(self.city)

    @property
    def is_district_reviewer(self) -> bool:
        return self.role == Role.DISTRICT_REVIEWER and self.district_id is not None

    @property
    def is_local_reviewer(self) -> bool:
        """A reviewer of a city or of a district: reads and acts on the review's queue."""
        return self.is_city_reviewer or self.is_district_reviewer

    @property
    def is_expert(self) -> bool:
        return self.role == Role.EXPERT

    @property
    def is_province_admin(self) -> bool:
        return self.role == Role.PROVINCE_ADMIN or self.is_superuser


class ApiToken(AbstractAuthToken):
    """An API token of one user's integration (an MES/ERP push, a script), by name. knox keeps
    only its hash (``digest``) and its first characters (``token_key``, to find it); the token
    itself is shown once, when issued (``portal.tokens.token_create``)."""

    # knox keys tokens by their hash; a plain number names one in pages and the API instead
    id = models.BigAutoField(primary_key=True)
    digest = models.CharField(max_length=KNOX.DIGEST_LENGTH, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="one_api_token_per_name")
        ]

    def __str__(self):
        return f"{self.user} · {self.name}"


def _invitation_token() -> str:
    return secrets.token_urlsafe(32)


def _invitation_expiry():
    return timezone.now() + timedelta(days=7)


class Invitation(models.Model):
    """An enterprise admin's invitation for a colleague to join the enterprise."""

    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("企业")
    )
    email = models.EmailField(_("邮箱"))
    role = models.CharField(
        _("角色"),
        max_length=20,
        choices=[(r.value, r.label) for r in ENTERPRISE_ROLES],
        default=Role.ENTERPRISE_MEMBER,
    )
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=_invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("成员邀请")
        verbose_name_plural = _("成员邀请")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.email} → {self.enterprise}"

    @property
    def is_usable(self) -> bool:
        return self.accepted_at is None and self.expires_at > timezone.now()


class AuditLog(models.Model):
    """Append-only record of who did what; written by service functions."""

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("操作人"),
    )
    action = models.CharField(_("操作"), max_length=64, db_index=True)
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("企业"),
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.SET_NULL, null=True, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(_("摘要"), max_length=300, blank=True)
    data = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self):
        """The action in words in the reader's language (``review.decide`` → 作出认定决定)."""
        return audit_action_label(self.action)

    @property
    def changes(self) -> list[tuple[str, object, object]]:
        """Each changed field in words with its value before and after."""
        target = (
            ContentType.objects.get_for_id(self.target_type_id) if self.target_type_id else None
        )
        return audit_changes(self.data, target.model_class() if target else None)


class Notification(models.Model):
    """A message to one user about something that concerns them, shown in the portal and
    emailed by a worker. Written in both languages when created, so each reader gets theirs."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类型"), max_length=40)
    title = models.CharField(_("标题"), max_length=200)
    title_en = models.CharField(max_length=200, blank=True)
    body = models.TextField(_("内容"), blank=True)
    body_en = models.TextField(blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.title

    def _pick(self, zh: str, en: str) -> str:
        if en and (get_language() or "").startswith("en"):
            return en
        return zh

    @property
    def display_title(self) -> str:
        return self._pick(self.title, self.title_en)

    @property
    def display_body(self) -> str:
        return self._pick(self.body, self.body_en)


class IdentityChangeRequest(models.Model):
    """A change of an enterprise's identity while a submission of it is in review (a rename by
    the registry, a move): asked by the enterprise's admin, confirmed or refused by the
    province; confirmed, it changes the profile (the submission keeps the identity it was
    submitted under)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待确认")
        APPROVED = "approved", _("已确认")
        REJECTED = "rejected", _("未同意")

    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        related_name="identity_changes",
        verbose_name=_("企业"),
    )
    previous = models.JSONField(_("变更前"), default=dict)
    changes = models.JSONField(_("变更后"), default=dict)
    reason = models.TextField(_("变更理由"))
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decision_note = models.TextField(_("处理意见"), blank=True)

    class Meta:
        verbose_name = _("企业信息变更申请")
        verbose_name_plural = _("企业信息变更申请")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=models.Q(status="pending"),
                name="one_pending_identity_change",
            )
        ]

    def __str__(self):
        return f"{self.enterprise} · {self.get_status_display()}"

    def shown_changes(self) -> list[tuple[str, object, object]]:
        """Each field asked to change, with its value before and after as read: a division
        (kept by its code) by its name."""
        names = dict(
            District.objects.filter(pk__in=self._district_codes()).values_list("pk", "name")
        )

        def shown(field, value):
            return names.get(value, value) if field == "district" else value

        return [
            (field, shown(field, self.previous.get(field)), shown(field, new))
            for field, new in self.changes.items()
        ]

    def _district_codes(self) -> list:
        return [v for v in (self.previous.get("district"), self.changes.get("district")) if v]


def private_storage():
    return private_files


def licence_path(instance, filename: str) -> str:
    """A fresh folder per file: names never collide and never come from the user alone."""
    return f"registrations/{secrets.token_hex(8)}/{filename}"


class EnterpriseRegistration(models.Model):
    """An enterprise registering itself: what it filled in and its business licence. Its
    e-mail verified, it becomes a new enterprise awaiting its district's (or city's)
    confirmation; or, when the credit code is already registered, a request to join that
    enterprise, decided by its admin."""

    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("待验证邮箱")
        PENDING = "pending", _("待主管部门确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("注册未通过")
        JOIN_PENDING = "join_pending", _("申请加入，待企业管理员处理")
        JOINED = "joined", _("已同意加入")
        JOIN_REFUSED = "join_refused", _("未同意加入")

    credit_code = models.CharField(
        _("统一社会信用代码"), max_length=18, validators=[validate_credit_code]
    )
    name = models.CharField(_("企业名称"), max_length=200)
    city = models.CharField(_("所在设区市"), max_length=6, choices=City.choices)
    district = models.ForeignKey(
        District, verbose_name=_("所在县（市、区）"), on_delete=models.PROTECT, related_name="+"
    )
    industry_code = models.CharField(
        _("国民经济行业代码"),
        max_length=5,
        validators=[validate_manufacturing_industry_code],
        help_text=_("GB/T 4754-2017 制造业代码，如 C3311。"),
    )
    industry_type = models.CharField(_("行业类型"), max_length=10, choices=IndustryType.choices)
    size = models.CharField(_("企业规模"), max_length=10, choices=SizeClass.choices)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=30, validators=[validate_phone])
    email = models.EmailField(_("联系人邮箱"))
    licence = models.FileField(
        _("营业执照"), upload_to=licence_path, storage=private_storage, max_length=300
    )
    licence_name = models.CharField(max_length=200)
    licence_content_type = models.CharField(max_length=100)
    licence_size = models.PositiveIntegerField(default=0)
    licence_sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("状态"), max_length=12, choices=Status.choices, default=Status.UNVERIFIED, db_index=True
    )
    enterprise = models.ForeignKey(
        Enterprise,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registrations",
        verbose_name=_("企业"),
    )
    created_at = models.DateTimeField(_("注册时间"), auto_now_add=True)
    verified_at = models.DateTimeField(_("邮箱验证时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(_("处理意见"), blank=True)

    class Meta:
        verbose_name = _("企业注册")
        verbose_name_plural = _("企业注册")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} · {self.get_status_display()}"

    @property
    def is_join_request(self) -> bool:
        return self.status in (
            self.Status.JOIN_PENDING,
            self.Status.JOINED,
            self.Status.JOIN_REFUSED,
        )
