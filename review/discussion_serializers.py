"""The API's shapes of the bulk actions and the discussion period."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .models import TIER_RECOMMENDATIONS


class BulkInputSerializer(serializers.Serializer):
    assessments = serializers.ListField(
        child=serializers.IntegerField(), allow_empty=False, max_length=200
    )
    confirmed = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Without it the answer is the plan (what will happen to each application, or why "
            "it is left out) and nothing is done; true carries the plan out."
        ),
    )


class BulkRecommendInputSerializer(BulkInputSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class BulkDecideInputSerializer(BulkInputSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")


class BulkItemSerializer(serializers.Serializer):
    assessment = serializers.IntegerField(source="assessment.pk")
    name = serializers.CharField(source="assessment.applicant_name")
    ok = serializers.BooleanField(help_text=_("In a plan: included; in the results: done."))
    says = serializers.CharField(help_text=_("What will happen or happened, or why not."))


class BulkAnswerSerializer(serializers.Serializer):
    confirmed = serializers.BooleanField()
    items = BulkItemSerializer(many=True)


class DiscussionOpenSerializer(serializers.Serializer):
    ends_on = serializers.DateField()


class DiscussionPeriodSerializer(serializers.Serializer):
    ends_on = serializers.DateField()
    opened_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    running = serializers.BooleanField()


class PostInputSerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="")


class PostSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("专家 A/B/C, or the province's role name."))
    body = serializers.CharField()
    created_at = serializers.DateTimeField()
    own = serializers.BooleanField()


class RevisionSerializer(serializers.Serializer):
    expert = serializers.CharField(help_text=_("专家 A/B/C"))
    scores = serializers.DictField()
    total = serializers.DecimalField(max_digits=5, decimal_places=2)
    recommended_tier = serializers.CharField()
    opinion = serializers.CharField()
    reason = serializers.CharField()
    replaced = serializers.DictField()
    revised_at = serializers.DateTimeField()


class ThreadSerializer(serializers.Serializer):
    """An application's thread: the posts, and for the province every score revision."""

    assessment = serializers.IntegerField()
    label = serializers.CharField()
    me = serializers.CharField()
    period = DiscussionPeriodSerializer(allow_null=True)
    posts = PostSerializer(many=True)
    revisions = RevisionSerializer(many=True)


class ReviseInputSerializer(serializers.Serializer):
    scores = serializers.DictField(required=False, default=dict)
    recommended_tier = serializers.ChoiceField(
        choices=TIER_RECOMMENDATIONS, required=False, allow_blank=True, default=""
    )
    opinion = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")
