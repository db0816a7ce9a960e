"""Shapes of the 公示 in the API: publishing a list with its period and contact, where a
published list's period stands, and the objections the province lists and resolves."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import Objection
from .selectors import PublicityStatus


class PublishInputSerializer(serializers.Serializer):
    """Every field but ``publish`` optional: a missing date or contact takes its default (the
    period of ``PUBLICITY_WORKING_DAYS`` working days from the first working day from today;
    the settings' contact)."""

    publish = serializers.BooleanField(
        required=False, default=True, help_text=_("false：撤回公示名单")
    )
    partial = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "true：确认发布不含尚未作出认定决定的申报的部分名单（否则有未决定的申报时 409）"
        ),
    )
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    contact_department = serializers.CharField(
        required=False, allow_blank=True, max_length=100, default=None
    )
    contact_phone = serializers.CharField(
        required=False, allow_blank=True, max_length=30, default=None
    )
    contact_email = serializers.CharField(
        required=False, allow_blank=True, max_length=254, default=None
    )


class PublicitySerializer(serializers.Serializer):
    """Where a published list's 公示 period stands."""

    status = serializers.ChoiceField(
        choices=list(PublicityStatus.LABELS.items()),
        help_text=_(
            "upcoming：即将公示；running：公示中，受理异议；reviewing：公示期已结束，"
            "异议处理中；final：名单为最终结果"
        ),
    )
    status_display = serializers.CharField(source="label")
    starts_on = serializers.DateField(allow_null=True)
    ends_on = serializers.DateField(allow_null=True)
    working_days = serializers.IntegerField(allow_null=True)
    contact_department = serializers.CharField(source="department")
    contact_phone = serializers.CharField(source="phone")
    contact_email = serializers.CharField(source="email")


class ObjectionSerializer(serializers.ModelSerializer):
    """An objection as the province reads it: who objects, to whom, why, the letter (a link to
    download it) and the resolution."""

    enterprise = serializers.CharField(source="assessment.applicant_name")
    letter_url = serializers.SerializerMethodField()
    resolved_by = serializers.CharField(source="resolved_by.username", allow_null=True)

    class Meta:
        model = Objection
        fields = (
            "id",
            "batch",
            "assessment",
            "enterprise",
            "objector_type",
            "objector_name",
            "phone",
            "email",
            "grounds",
            "letter_name",
            "letter_content_type",
            "letter_size",
            "letter_url",
            "lodged_at",
            "status",
            "resolution",
            "resolved_by",
            "resolved_at",
        )
        read_only_fields = fields

    def get_letter_url(self, obj) -> str:
        return reverse("objection-letter", args=[obj.pk])


class ObjectionResolveSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(
        choices=[Objection.Status.UPHELD, Objection.Status.DISMISSED],
        help_text=_("upheld：异议成立（撤回该企业的认定决定，重新决定）；dismissed：异议不成立"),
    )
    reason = serializers.CharField(max_length=2000, help_text=_("处理理由，将告知企业和异议人"))
