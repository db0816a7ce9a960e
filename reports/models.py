"""Rendered application reports (申报书), cached per snapshot, evaluation and language."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from evaluation.models import Assessment, private_storage


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RENDERING = "rendering", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


IN_PROGRESS = (ReportStatus.PENDING, ReportStatus.RENDERING)


def report_path(instance, filename: str) -> str:
    return f"reports/{instance.assessment_id}/{uuid.uuid4().hex}.pdf"


class Report(models.Model):
    """One rendering of an assessment's application report.

    ``cache_key`` names everything the PDF shows — the snapshot (or a draft's live data),
    the evaluation it prints and the language — so a rendered file is reused until one of
    them changes. ``digest`` is the snapshot's SHA-256: the verification code printed on
    every page (empty for a draft, which has nothing to verify).
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="reports")
    cache_key = models.CharField(max_length=64, unique=True)
    digest = models.CharField(_("验证码"), max_length=64, blank=True, db_index=True)
    draft = models.BooleanField(_("草稿预览"), default=False)
    language = models.CharField(_("语言"), max_length=10)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    file = models.FileField(
        _("文件"), upload_to=report_path, storage=private_storage, max_length=200, blank=True
    )
    size = models.PositiveIntegerField(_("大小（字节）"), default=0)
    pages = models.PositiveSmallIntegerField(_("页数"), default=0)
    render_ms = models.PositiveIntegerField(_("生成耗时（毫秒）"), default=0)
    error = models.TextField(_("错误"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    requested_at = models.DateTimeField(_("请求时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("申报书")
        verbose_name_plural = _("申报书")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"{self.assessment} · {self.get_status_display()}"

    @property
    def is_ready(self) -> bool:
        return self.status == ReportStatus.READY

    @property
    def in_progress(self) -> bool:
        return self.status in IN_PROGRESS


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class ExportKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业全部数据")
    REVIEW_QUEUE = "review_queue", _("申报审核列表")
    BATCH_DATA = "batch_data", _("批次完整数据")
    AUDIT_LOG = "audit_log", _("审计日志")
    DECISIONS = "decisions", _("认定决定")
    SUMMARY = "summary", _("批次汇总")


def export_path(instance, filename: str) -> str:
    return f"exports/{instance.requested_by_id}/{uuid.uuid4().hex}{filename[filename.rfind('.') :]}"


class ExportJob(models.Model):
    """An export built by a worker (the enterprise's full data, a large table): what was asked
    for (``kind``, ``params``, ``fmt``), by whom, how far along, and the file once it is ready.
    Only its requester downloads it, and only while they may still see what it holds; the file
    is removed ``EXPORT_RETENTION_HOURS`` after it was asked for."""

    kind = models.CharField(_("导出内容"), max_length=20, choices=ExportKind.choices)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    fmt = models.CharField(_("格式"), max_length=10)
    enterprise = models.ForeignKey(
        "portal.Enterprise", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs"
    )
    requested_at = models.DateTimeField(_("请求时间"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    rows = models.PositiveIntegerField(_("行数"), null=True, blank=True)
    file = models.FileField(
        _("文件"), upload_to=export_path, storage=private_storage, max_length=200, blank=True
    )
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    size = models.PositiveBigIntegerField(_("大小（字节）"), default=0)
    error = models.TextField(_("错误"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["status", "requested_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_status_display()}"

    @property
    def is_ready(self) -> bool:
        return self.status == ExportStatus.READY

    @property
    def in_progress(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)
