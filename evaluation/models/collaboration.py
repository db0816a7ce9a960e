"""Several colleagues on one assessment: each item's own version, and who was given which section."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .assessment import Assessment


class ItemRevision(models.Model):
    """The version of one item of an assessment (a scenario's or support element's answer, an
    indicator input, the years) and who changed it last.

    An edit names the version it was made on; only a stale edit of the same item conflicts, so
    colleagues filling different items never stand in each other's way. ``key`` is the item's
    name in the API: ``scenario:<no>``, ``support_element:<no>``, ``input:<code>``, ``years``.
    """

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="item_revisions"
    )
    key = models.CharField(_("条目"), max_length=80)
    version = models.PositiveIntegerField(_("版本"), default=0)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("最后修改人"),
    )
    updated_at = models.DateTimeField(_("最后修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("条目版本")
        verbose_name_plural = _("条目版本")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "key"], name="uniq_item_revision")
        ]

    def __str__(self):
        return f"{self.assessment_id} · {self.key} · {self.version}"


class SectionAssignment(models.Model):
    """A section of an assessment (a link's scenarios, the support elements, an indicator
    category) that the enterprise's admin gave to one of its users to fill."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="section_assignments"
    )
    section = models.CharField(_("部分"), max_length=40)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="section_assignments",
        verbose_name=_("负责人"),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("分工")
        verbose_name_plural = _("分工")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "section"], name="uniq_section_assignment"
            )
        ]

    def __str__(self):
        return f"{self.assessment_id} · {self.section} → {self.assignee_id}"
