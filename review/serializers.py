"""Shapes of the review API: what city reviewers, experts and the province admin read and send.

Output serializers only shape what the selectors return; the input serializers check types and
leave every rule of the workflow to ``review.services`` (whose errors name the field, e.g.
``comment``, ``scores.12``, ``verdicts.4.accepted``)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from evaluation.models import Assessment
from evaluation.serializers import ChecklistSerializer, EvaluationSerializer
from portal.selectors import experts
from scenarios.models import Batch, RubricCriterion, Tier

from .anonymity import identity_visible_to, snapshot_shown
from .deadlines import assessment_deadline, assignment_overdue
from .models import (
    TIER_RECOMMENDATIONS,
    AssignmentStatus,
    Decision,
    DecisionProposal,
    ExpertAssignment,
    Recommendation,
)
from .publicity_serializers import PublicitySerializer
from .services import BATCH_REVIEW_FIELDS


def _values(choices) -> str:
    return " | ".join(value for value, _label in choices)


# Plain strings (values listed in the description) where one field name carries several choice
# sets across the API ("status", "outcome"): enum components would collide in the schema.
ASSIGNMENT_STATUS_HELP = _values(AssignmentStatus.choices)


def _evaluation_of(assessment: Assessment):
    return getattr(assessment, "evaluation", None)


# --- shared pieces ------------------------------------------------------------------------------


class PlausibilityFlagSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="The check: sales_staff_vs_employees, peer_outlier…")
    subject = serializers.CharField(help_text="The input or indicator code it concerns.")
    period = serializers.CharField(help_text="base, current, or empty for a change between them.")
    message = serializers.CharField(help_text="What was compared, with the figures.")


class ReviewEnterpriseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    city = serializers.CharField(help_text=_("行政区划代码"))
    city_display = serializers.CharField(source="get_city_display")


class ReviewAggregateSerializer(serializers.Serializer):
    n = serializers.IntegerField(help_text=_("已提交的评审数"))
    mean = serializers.FloatField()
    normalised = serializers.FloatField()
    spread = serializers.FloatField()
    disagreement = serializers.BooleanField()
    method = serializers.CharField()


class RubricCriterionSerializer(serializers.ModelSerializer):
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = RubricCriterion
        fields = (
            "id",
            "no",
            "name",
            "name_en",
            "display_name",
            "description",
            "weight",
            "min_score",
            "max_score",
        )
        read_only_fields = fields


# --- the review queue: city reviewers and the province admin ------------------------------------


class DeadlineSerializer(serializers.Serializer):
    """The deadline of the stage an application waits at (``review.deadlines``)."""

    stage = serializers.CharField()
    label = serializers.CharField()
    due = serializers.DateTimeField()
    overdue = serializers.BooleanField()


class ReviewItemSerializer(serializers.ModelSerializer):
    """``deadline``: the deadline of the stage it waits at, null when that stage has none."""

    enterprise = ReviewEnterpriseSerializer(read_only=True)
    highest_tier = serializers.SerializerMethodField()
    deadline = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = (
            "id",
            "enterprise",
            "batch",
            "state",
            "submitted_at",
            "highest_tier",
            "version",
            "deadline",
        )
        read_only_fields = fields

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_deadline(self, obj) -> dict | None:
        deadline = assessment_deadline(obj)
        return DeadlineSerializer(deadline).data if deadline else None

    @extend_schema_field(serializers.ChoiceField(choices=Tier.choices, allow_null=True))
    def get_highest_tier(self, obj) -> str | None:
        evaluation = _evaluation_of(obj)
        return (evaluation.highest_tier or None) if evaluation else None


class ReviewRoundSerializer(serializers.ModelSerializer):
    reviewer = serializers.CharField(source="reviewer.username")
    reviewer_role = serializers.CharField(source="reviewer.role")
    reviewer_district = serializers.CharField(
        source="reviewer.district.name",
        allow_null=True,
        help_text=_("县（市、区）主管部门的县（市、区）；其他审核人为空"),
    )
    answer = serializers.CharField(
        read_only=True, help_text=_("企业重新提交时对退回意见的答复（退回的轮次）")
    )

    class Meta:
        model = Recommendation
        fields = (
            "id",
            "stage",
            "outcome",
            "item",
            "comment",
            "reviewer",
            "reviewer_role",
            "reviewer_district",
            "created_at",
            "answer",
            "answered_at",
        )
        read_only_fields = fields


class ReviewAssignmentBriefSerializer(serializers.ModelSerializer):
    expert = serializers.CharField(source="expert.username")
    status = serializers.CharField(help_text=ASSIGNMENT_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display")

    class Meta:
        model = ExpertAssignment
        fields = (
            "id",
            "expert",
            "status",
            "status_display",
            "method",
            "total",
            "recommended_tier",
            "assigned_at",
            "submitted_at",
        )
        read_only_fields = fields


class DecisionFlagSerializer(serializers.Serializer):
    """Why a decision is flagged: ``above_computed_tier``, ``experts_reject``,
    ``experts_lower``, ``experts_higher`` or ``experts_approve``, and in words."""

    code = serializers.CharField()
    text = serializers.CharField()


class FlaggedTermsSerializer(serializers.ModelSerializer):
    """The terms of a decision or a proposal: ``flags``, why a justification was needed."""

    outcome = serializers.CharField(help_text=_values(Decision.Outcome.choices))
    flags = serializers.SerializerMethodField()

    @extend_schema_field(DecisionFlagSerializer(many=True))
    def get_flags(self, obj) -> list[dict]:
        return [
            {"code": flag.get("code", ""), "text": text}
            for flag, text in zip(obj.flags, obj.flag_reasons, strict=True)
        ]


class ReviewDecisionSerializer(FlaggedTermsSerializer):
    """``decided_by`` proposed it under the batch's four-eyes rule, ``confirmed_by`` (else
    null) confirmed it; ``flags`` say why a justification was needed (empty if none)."""

    decided_by = serializers.CharField(source="decided_by.username")
    confirmed_by = serializers.CharField(source="confirmed_by.username", allow_null=True)

    class Meta:
        model = Decision
        fields = (
            "outcome",
            "tier",
            "reason",
            "justification",
            "summary",
            "flags",
            "figures",
            "decided_by",
            "confirmed_by",
            "decided_at",
            "valid_until",
        )
        read_only_fields = fields


class DecisionProposalSerializer(FlaggedTermsSerializer):
    """A decision proposed under the batch's four-eyes rule: it takes effect once a second
    province admin confirms it (``POST review/proposals/{id}/confirm/``)."""

    status = serializers.CharField(help_text=_values(DecisionProposal.Status.choices))
    proposed_by = serializers.CharField(source="proposed_by.username")
    reviewed_by = serializers.CharField(source="reviewed_by.username", allow_null=True)

    class Meta:
        model = DecisionProposal
        fields = (
            "id",
            "assessment",
            "status",
            "outcome",
            "tier",
            "reason",
            "justification",
            "summary",
            "flags",
            "figures",
            "proposed_by",
            "proposed_at",
            "reviewed_by",
            "reviewed_at",
            "rejection_reason",
        )
        read_only_fields = fields


class ReviewerSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    username = serializers.CharField()
    name = serializers.CharField(source="get_full_name")
    employer = serializers.CharField()


class CriterionScoreSerializer(serializers.Serializer):
    criterion = serializers.IntegerField(source="criterion_id")
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True)
    max_score = serializers.IntegerField()


class ScenarioVerdictSerializer(serializers.Serializer):
    scenario = serializers.IntegerField(source="no")
    name = serializers.CharField()
    accepted = serializers.BooleanField(allow_null=True)
    comment = serializers.CharField(allow_blank=True)


class ExpertReviewFullSerializer(serializers.Serializer):
    """One expert's submitted review in full, for the province deciding."""

    assignment = serializers.IntegerField(source="assignment_id")
    expert = ReviewerSerializer()
    total = serializers.DecimalField(max_digits=5, decimal_places=2, allow_null=True)
    recommended_tier = serializers.ChoiceField(choices=TIER_RECOMMENDATIONS)
    recommended_tier_display = serializers.CharField(source="recommended_label")
    opinion = serializers.CharField(allow_blank=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    scores = CriterionScoreSerializer(many=True)
    verdicts = ScenarioVerdictSerializer(many=True)


class SiteVisitFindingSerializer(serializers.Serializer):
    """A submitted site visit report's finding (the province reads it beside the experts')."""

    finding = serializers.CharField()
    finding_display = serializers.CharField(source="get_finding_display")
    finding_text = serializers.CharField()
    submitted_at = serializers.DateTimeField()


class SiteVisitCheckSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    name = serializers.CharField()
    result = serializers.CharField(help_text="matches / partly / differs, blank when not checked")
    notes = serializers.CharField()
    photos = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_photos(self, check) -> list[dict]:
        return [{"id": p.pk, "name": p.name, "caption": p.caption} for p in check.photos]


class SiteVisitReportSerializer(serializers.Serializer):
    """The site visit of one submission, for the province: its stage, who visited, each
    claimed scenario's check and the finding (null until the report is submitted)."""

    stage = serializers.CharField(allow_null=True)
    visitors = serializers.SerializerMethodField()
    checks = SiteVisitCheckSerializer(many=True)
    finding = serializers.SerializerMethodField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_visitors(self, report) -> list[str]:
        return [v.get_full_name() or v.username for v in report.visitors]

    @extend_schema_field(SiteVisitFindingSerializer(allow_null=True))
    def get_finding(self, report) -> dict | None:
        return SiteVisitFindingSerializer(report.visit).data if report.submitted else None


class ReviewDetailSerializer(ReviewItemSerializer):
    """Context: ``summary`` (``review_selectors.ReviewSummary``), ``reviews`` (the experts'
    reviews in full) and ``proposal`` (awaiting confirmation), for the province admin only;
    ``rounds``, ``decision`` and ``flags`` (the plausibility flags)."""

    snapshot = serializers.JSONField(read_only=True)
    snapshot_sha256 = serializers.CharField(read_only=True)
    evaluation = serializers.SerializerMethodField()
    rounds = serializers.SerializerMethodField()
    assignments = serializers.SerializerMethodField()
    aggregate = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField()
    decision = serializers.SerializerMethodField()
    proposal = serializers.SerializerMethodField()
    site_visit = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()

    class Meta(ReviewItemSerializer.Meta):
        fields = (
            *ReviewItemSerializer.Meta.fields,
            "snapshot",
            "snapshot_sha256",
            "evaluation",
            "flags",
            "rounds",
            "assignments",
            "aggregate",
            "reviews",
            "decision",
            "proposal",
            "site_visit",
        )
        read_only_fields = fields

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, obj) -> dict | None:
        evaluation = _evaluation_of(obj)
        return EvaluationSerializer(evaluation).data if evaluation else None

    @extend_schema_field(PlausibilityFlagSerializer(many=True))
    def get_flags(self, obj) -> list[dict]:
        """The plausibility flags (context ``flags``): figures to look at twice."""
        return PlausibilityFlagSerializer(self.context.get("flags", []), many=True).data

    @extend_schema_field(ReviewRoundSerializer(many=True))
    def get_rounds(self, obj) -> list[dict]:
        return ReviewRoundSerializer(self.context["rounds"], many=True).data

    @extend_schema_field(ReviewAssignmentBriefSerializer(many=True, allow_null=True))
    def get_assignments(self, obj) -> list[dict] | None:
        summary = self.context.get("summary")
        if summary is None:
            return None
        return ReviewAssignmentBriefSerializer(summary.assignments, many=True).data

    @extend_schema_field(ReviewAggregateSerializer(allow_null=True))
    def get_aggregate(self, obj) -> dict | None:
        summary = self.context.get("summary")
        if summary is None or summary.aggregate is None:
            return None
        return ReviewAggregateSerializer(summary.aggregate).data

    @extend_schema_field(ExpertReviewFullSerializer(many=True, allow_null=True))
    def get_reviews(self, obj) -> list[dict] | None:
        reviews = self.context.get("reviews")
        return None if reviews is None else ExpertReviewFullSerializer(reviews, many=True).data

    @extend_schema_field(ReviewDecisionSerializer(allow_null=True))
    def get_decision(self, obj) -> dict | None:
        decision = self.context.get("decision")
        return ReviewDecisionSerializer(decision).data if decision else None

    @extend_schema_field(DecisionProposalSerializer(allow_null=True))
    def get_proposal(self, obj) -> dict | None:
        proposal = self.context.get("proposal")
        return DecisionProposalSerializer(proposal).data if proposal else None

    @extend_schema_field(SiteVisitReportSerializer(allow_null=True))
    def get_site_visit(self, obj) -> dict | None:
        report = self.context.get("site_visit")
        return SiteVisitReportSerializer(report).data if report else None


class ReviewCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewRecommendSerializer(ReviewCommentSerializer):
    confirm_no_tier = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_(
            "Required true to recommend a submission whose evaluation reaches no tier "
            "(otherwise 409 naming confirm_no_tier)."
        ),
    )


class FormalCheckSerializer(serializers.Serializer):
    """An application's formal check: its checklist and what the caller may do now."""

    assessment = ReviewItemSerializer()
    checklist = ChecklistSerializer()
    cmmm_level = serializers.IntegerField(allow_null=True)
    self_test_score = serializers.DecimalField(max_digits=5, decimal_places=1, allow_null=True)
    can_pass = serializers.BooleanField()
    can_return = serializers.BooleanField()


class FormalCheckRowSerializer(serializers.Serializer):
    """One application of a batch's formal-check queue."""

    id = serializers.IntegerField()
    applicant_name = serializers.CharField()
    applicant_city = serializers.CharField()
    state = serializers.CharField()
    submitted_at = serializers.DateTimeField()
    complete = serializers.BooleanField()
    missing = serializers.ListField(child=serializers.CharField(), help_text="Checklist keys.")
    allowed_tier = serializers.CharField()


class FormalCheckReturnSerializer(serializers.Serializer):
    items = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=2000),
        help_text='The missing items by checklist key, each with what is missing: {"business_'
        'licence": "", "financial_statements": "2024 年度报表缺利润表"}; an empty note takes the '
        "checklist's own words (an item the checklist finds present needs one). 400 naming "
        "items.<key>.",
    )


class ReviewAssignSerializer(serializers.Serializer):
    expert = serializers.PrimaryKeyRelatedField(
        queryset=experts(), help_text=_("评审专家的用户编号")
    )


class ReviewDecideSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    tier = serializers.ChoiceField(
        choices=Tier.choices, required=False, allow_blank=True, default=""
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    justification = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_(
            "Required when the decision is flagged: a tier above the computed tier, or against "
            "most experts' recommendations (otherwise 400 naming justification)."
        ),
    )
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The province's summary of the experts' discussion, kept with the decision."),
    )


class ProposalRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


# --- the experts' assignments -------------------------------------------------------------------


class AssignmentSerializer(serializers.ModelSerializer):
    """``enterprise`` is null for an expert unless the batch lets experts see who applied."""

    status = serializers.CharField(read_only=True, help_text=ASSIGNMENT_STATUS_HELP)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    batch = serializers.IntegerField(source="assessment.batch_id", read_only=True)
    expert = serializers.CharField(source="expert.username", read_only=True)
    enterprise = serializers.SerializerMethodField()
    review_deadline = serializers.DateTimeField(
        source="assessment.batch.review_deadline", read_only=True, allow_null=True
    )
    overdue = serializers.SerializerMethodField(help_text=_("评审未提交且已过专家评审截止时间"))

    class Meta:
        model = ExpertAssignment
        fields = (
            "id",
            "reference",
            "status",
            "status_display",
            "batch",
            "expert",
            "assigned_at",
            "submitted_at",
            "enterprise",
            "review_deadline",
            "overdue",
        )
        read_only_fields = fields

    def get_overdue(self, obj) -> bool:
        return assignment_overdue(obj)

    @extend_schema_field(ReviewEnterpriseSerializer(allow_null=True))
    def get_enterprise(self, obj) -> dict | None:
        if not identity_visible_to(self.context["request"].user, obj.assessment):
            return None
        return ReviewEnterpriseSerializer(obj.assessment.enterprise).data


class ExpertReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExpertAssignment
        fields = ("verdicts", "scores", "opinion", "recommended_tier", "total", "version")
        read_only_fields = fields


class AssignmentReviewSerializer(AssignmentSerializer):
    review = ExpertReviewSerializer(source="*", read_only=True)

    class Meta(AssignmentSerializer.Meta):
        fields = (*AssignmentSerializer.Meta.fields, "review")
        read_only_fields = fields


class AssignmentDetailSerializer(AssignmentReviewSerializer):
    """Context: ``dossier`` (``review_selectors.dossier`` for the caller)."""

    identity_visible = serializers.SerializerMethodField()
    snapshot = serializers.SerializerMethodField()
    claimed = serializers.SerializerMethodField()
    rubric = serializers.SerializerMethodField()
    evaluation = serializers.SerializerMethodField()
    flags = serializers.SerializerMethodField()

    class Meta(AssignmentReviewSerializer.Meta):
        fields = (
            *AssignmentReviewSerializer.Meta.fields,
            "identity_visible",
            "snapshot",
            "claimed",
            "rubric",
            "evaluation",
            "flags",
        )
        read_only_fields = fields

    def get_identity_visible(self, obj) -> bool:
        return self.context["dossier"].identity_visible

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_snapshot(self, obj) -> dict:
        return snapshot_shown(obj.assessment.snapshot, self.context["dossier"].identity_visible)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField()))
    def get_claimed(self, obj) -> list[int]:
        return list(self.context["dossier"].claimed)

    @extend_schema_field(PlausibilityFlagSerializer(many=True))
    def get_flags(self, obj) -> list[dict]:
        """Figures to look at twice: its own inputs against each other, its indicators beyond
        the fences of its group, and changes from the base year, each with the figures."""
        return PlausibilityFlagSerializer(self.context["dossier"].flags, many=True).data

    @extend_schema_field(RubricCriterionSerializer(many=True))
    def get_rubric(self, obj) -> list[dict]:
        criteria = obj.assessment.batch.rubric.order_by("no")
        return RubricCriterionSerializer(criteria, many=True).data

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, obj) -> dict | None:
        dossier = self.context["dossier"]
        if dossier.evaluation is None:
            return None
        return EvaluationSerializer(
            dossier.evaluation, context={"tier_outcome": dossier.tiers}
        ).data


class ReviewInputSerializer(serializers.Serializer):
    """Any part of a review; what is left out stays as it was. ``version`` (optional) is the
    version last read: when stale the answer is 409 and nothing is saved."""

    verdicts = serializers.DictField(
        child=serializers.DictField(),
        required=False,
        help_text='{"<scenario no>": {"accepted": true|false|null, "comment": "…"}}',
    )
    scores = serializers.DictField(
        required=False, help_text='{"<criterion id>": number (null clears it)}'
    )
    opinion = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    recommended_tier = serializers.ChoiceField(
        choices=TIER_RECOMMENDATIONS, required=False, allow_blank=True
    )
    version = serializers.IntegerField(required=False, min_value=1)


class ConflictInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ConflictResultSerializer(serializers.Serializer):
    replacements = serializers.IntegerField(help_text=_("自动补派的专家数"))


# --- batches: review settings, assignment, decisions, the public list ---------------------------


class ReviewBatchSerializer(serializers.ModelSerializer):
    """A batch's review settings. ``rubric`` is empty until it is set or the first expert is
    assigned (which creates the default rubric)."""

    catalog_version = serializers.CharField(source="catalog_version.label", read_only=True)
    # a string, empty when no address was given (not documented as an e-mail address then)
    publicity_contact_email = serializers.CharField(read_only=True)
    rubric = serializers.SerializerMethodField()

    class Meta:
        model = Batch
        fields = (
            "id",
            "year",
            "catalog_version",
            *BATCH_REVIEW_FIELDS,
            "list_published_at",
            "publicity_starts_on",
            "publicity_ends_on",
            "publicity_contact_department",
            "publicity_contact_phone",
            "publicity_contact_email",
            "rubric",
        )
        read_only_fields = fields

    @extend_schema_field(PlausibilityFlagSerializer(many=True))
    def get_flags(self, obj) -> list[dict]:
        """Figures to look at twice: its own inputs against each other, its indicators beyond
        the fences of its group, and changes from the base year, each with the figures."""
        return PlausibilityFlagSerializer(self.context["dossier"].flags, many=True).data

    @extend_schema_field(RubricCriterionSerializer(many=True))
    def get_rubric(self, obj) -> list[dict]:
        criteria = sorted(obj.rubric.all(), key=lambda c: c.no)
        return RubricCriterionSerializer(criteria, many=True).data


class RubricCriterionInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_en = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    description = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default=""
    )
    weight = serializers.DecimalField(max_digits=5, decimal_places=2)
    min_score = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=0)
    max_score = serializers.IntegerField(min_value=0, max_value=32767, required=False, default=10)


class ReviewBatchUpdateSerializer(serializers.ModelSerializer):
    """Any of the review settings; ``rubric`` (in order) replaces the whole rubric, refused
    with 409 once an expert has scored against it."""

    rubric = RubricCriterionInputSerializer(many=True, required=False)

    class Meta:
        model = Batch
        fields = (*BATCH_REVIEW_FIELDS, "rubric")
        extra_kwargs = {f: {"required": False} for f in BATCH_REVIEW_FIELDS}


class ExpertLoadSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="expert.pk")
    username = serializers.CharField(source="expert.username")
    name = serializers.CharField(source="expert.get_full_name")
    employer = serializers.CharField(source="expert.employer")
    city = serializers.CharField(source="expert.city")
    active = serializers.IntegerField()
    submitted = serializers.IntegerField()
    declined = serializers.IntegerField()
    load = serializers.IntegerField()


class AutoAssignResultSerializer(serializers.Serializer):
    created = serializers.IntegerField(help_text=_("新分配的评审任务数"))
    short = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("评审专家仍不足的申报编号")
    )


class DecisionRowSerializer(serializers.Serializer):
    """Context: ``reviews`` (the experts' reviews in full) and ``proposals`` (those awaiting
    confirmation), both by assessment id."""

    assessment = serializers.IntegerField(source="assessment.pk")
    enterprise = ReviewEnterpriseSerializer(source="assessment.enterprise")
    state = serializers.CharField(source="assessment.state")
    aggregate = ReviewAggregateSerializer(allow_null=True)
    reviews_done = serializers.IntegerField()
    reviews_total = serializers.IntegerField()
    recommended = serializers.ListField(child=serializers.CharField())
    computed_tier = serializers.CharField(allow_blank=True)
    decided_tier = serializers.CharField(source="assessment.decided_tier", allow_blank=True)
    site_visit_stage = serializers.CharField(allow_null=True)
    site_visit = SiteVisitFindingSerializer(allow_null=True, help_text=_("已提交的现场核查结论"))
    decision = serializers.SerializerMethodField()
    proposal = serializers.SerializerMethodField()
    reviews = serializers.SerializerMethodField()

    @extend_schema_field(ReviewDecisionSerializer(allow_null=True))
    def get_decision(self, row) -> dict | None:
        decision = getattr(row.assessment, "decision", None)
        return ReviewDecisionSerializer(decision).data if decision else None

    @extend_schema_field(DecisionProposalSerializer(allow_null=True))
    def get_proposal(self, row) -> dict | None:
        proposal = self.context["proposals"].get(row.assessment.pk)
        return DecisionProposalSerializer(proposal).data if proposal else None

    @extend_schema_field(ExpertReviewFullSerializer(many=True))
    def get_reviews(self, row) -> list[dict]:
        reviews = self.context["reviews"].get(row.assessment.pk, [])
        return ExpertReviewFullSerializer(reviews, many=True).data


# --- the public list ----------------------------------------------------------


class PublicBatchSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    year = serializers.IntegerField()
    name = serializers.CharField()
    published_at = serializers.DateTimeField(source="list_published_at")


class PublicListRowSerializer(serializers.Serializer):
    enterprise = serializers.CharField()
    city = serializers.CharField()
    city_code = serializers.CharField()
    tier = serializers.ChoiceField(choices=Tier.choices)
    tier_display = serializers.CharField()
    valid_until = serializers.DateField(allow_null=True, help_text=_("认定有效期至"))


class PublicListSerializer(serializers.Serializer):
    batch = PublicBatchSerializer()
    publicity = PublicitySerializer(help_text=_("公示期、联系方式和公示状态"))
    results = PublicListRowSerializer(many=True)


class StageDeadlineSerializer(serializers.Serializer):
    """One of a batch's deadlines: ``stage`` is null while no stage is registered for it (then
    ``waiting`` is null too); ``overdue`` when applications are still waiting after it."""

    field = serializers.CharField()
    label = serializers.CharField()
    deadline = serializers.DateTimeField(allow_null=True)
    stage = serializers.CharField(source="stage.key", allow_null=True, default=None)
    waiting = serializers.IntegerField(allow_null=True)
    late = serializers.IntegerField()
    overdue = serializers.BooleanField()


class RemindLateInputSerializer(serializers.Serializer):
    stage = serializers.CharField(help_text=_("阶段：city | review | decision"))


class RemindLateResultSerializer(serializers.Serializer):
    reminded = serializers.IntegerField(help_text=_("收到提醒的人数"))
