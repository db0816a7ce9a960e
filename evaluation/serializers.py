from datetime import date, datetime

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from indicators.calculators import CALCULATORS
from indicators.engine import Status
from scenarios.models import Batch, Tier

from . import review_hooks, submission_window
from .item_versions import person
from .models import AnswerStatus, Assessment, DocumentKind, Evaluation, Evidence, Period, State
from .peers import BANDS
from .results import indicator_rows, tier_outcome
from .selectors import calculator_breakdowns
from .snapshot import ANSWER_FIELDS


class StatusMapField(serializers.DictField):
    """``{"<no>": status}`` with numbers as keys (strings in JSON)."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.ChoiceField(choices=AnswerStatus.choices), **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        errors, out = {}, {}
        for key, status in value.items():
            try:
                out[int(key)] = status
            except (TypeError, ValueError):
                errors[key] = [_("编号应为整数。")]
        if errors:
            raise serializers.ValidationError(errors)
        return out


class TierRequestSerializer(serializers.Serializer):
    batch = serializers.PrimaryKeyRelatedField(
        queryset=Batch.objects.all(), required=False, allow_null=True
    )
    scenarios = StatusMapField()
    support_elements = StatusMapField(required=False, default=dict)
    indicators_improved = serializers.IntegerField(
        min_value=0, max_value=19, required=False, allow_null=True
    )


class GapSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    dimension = serializers.CharField(allow_blank=True)
    required = serializers.IntegerField()
    actual = serializers.IntegerField()
    missing = serializers.IntegerField()


class TierResultSerializer(serializers.Serializer):
    tier = serializers.ChoiceField(choices=Tier.choices)
    passed = serializers.BooleanField()
    gaps = GapSerializer(many=True)


class TierResponseSerializer(serializers.Serializer):
    highest_tier = serializers.ChoiceField(choices=Tier.choices, allow_null=True)
    tiers = TierResultSerializer(many=True)


class PeriodResultSerializer(serializers.Serializer):
    value = serializers.DecimalField(max_digits=None, decimal_places=None, allow_null=True)
    status = serializers.ChoiceField(choices=Status.choices)
    status_display = serializers.CharField()
    detail = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())


class IndicatorNamedSerializer(serializers.Serializer):
    """Which indicator a row is about."""

    no = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.CharField()
    decimals = serializers.IntegerField()


class IndicatorRowSerializer(IndicatorNamedSerializer):
    base = PeriodResultSerializer()
    current = PeriodResultSerializer()
    improvement = serializers.DecimalField(
        max_digits=None, decimal_places=None, allow_null=True, help_text="%"
    )
    improvement_detail = serializers.CharField()
    improved = serializers.BooleanField()


class RecommendationReasonSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=["gap", "weak_indicator", "guide", "peer_adoption", "catalog_order"]
    )
    text = serializers.CharField()
    source = serializers.ChoiceField(
        choices=["tier_rules", "peer_benchmark", "guide", "peer_adoption", "catalog_order"]
    )
    source_label = serializers.CharField()


class RecommendationSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    name = serializers.CharField()
    link = serializers.IntegerField()
    reason = serializers.CharField(help_text="The reasons in one sentence.")
    reasons = RecommendationReasonSerializer(many=True)


class EvaluationSerializer(serializers.ModelSerializer):
    catalog_version = serializers.CharField(source="catalog_version.label")
    indicators = serializers.SerializerMethodField()
    tier_result = serializers.SerializerMethodField()
    recommendations = serializers.SerializerMethodField()

    @extend_schema_field(IndicatorRowSerializer(many=True))
    def get_indicators(self, obj) -> list[dict]:
        return IndicatorRowSerializer(indicator_rows(obj), many=True).data

    @extend_schema_field(TierResponseSerializer)
    def get_tier_result(self, obj) -> dict:
        return (self.context.get("tier_outcome") or tier_outcome(obj)).as_json()

    class Meta:
        model = Evaluation
        fields = (
            "assessment",
            "catalog_version",
            "rules_source",
            "indicators",
            "tier_result",
            "highest_tier",
            "indicators_improved",
            "computed_at",
            "recommendations",
        )

    @extend_schema_field(
        serializers.DictField(
            child=RecommendationSerializer(many=True),
            help_text="For each tier not reached: the scenarios to implement next, ranked, "
            "each with its reasons and their sources.",
        )
    )
    def get_recommendations(self, obj) -> dict:
        return self.context.get("recommendations", {})


class AssessmentSerializer(serializers.ModelSerializer):
    """``submission_due``: the deadline of its (re)submission (after a return its own
    ``resubmit_by`` when later than the batch's closing); ``submission_open`` whether it may
    be submitted now for time; ``overdue`` still to be (re)submitted with that deadline past;
    ``valid_until`` the last day of an approval's recognition (null otherwise)."""

    submission_due = serializers.SerializerMethodField()
    valid_until = serializers.SerializerMethodField()
    submission_open = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    calculations = serializers.SerializerMethodField(
        help_text="The energy and CO2 calculators' lines kept with the inputs they filled, by "
        "period and input code, while the input still holds their total."
    )

    class Meta:
        model = Assessment
        fields = (
            "id",
            "enterprise",
            "batch",
            "state",
            "version",
            "base_year",
            "current_year",
            "cmmm_level",
            "self_test_score",
            "base_inputs",
            "current_inputs",
            "calculations",
            "submitted_at",
            "snapshot_sha256",
            "resubmit_by",
            "submission_due",
            "submission_open",
            "overdue",
            "valid_until",
        )
        read_only_fields = fields

    def get_calculations(self, obj) -> dict:
        shown = {}
        for calculator in CALCULATORS.values():
            for row in calculator_breakdowns(obj, calculator.input_code):
                kept = row["breakdown"]
                shown.setdefault(row["period"], {})[calculator.input_code] = {
                    "total": str(kept.total),
                    "lines": [line.stored() for line in kept.lines],
                }
        return shown

    def get_valid_until(self, obj) -> date | None:
        if obj.state != State.APPROVED:
            return None
        decision = review_hooks.decision_of(obj)
        return getattr(decision, "valid_until", None)

    def get_submission_due(self, obj) -> datetime:
        return serializers.DateTimeField().to_representation(submission_window.submission_due(obj))

    def get_submission_open(self, obj) -> bool:
        return obj.is_editable and submission_window.submission_open(obj)

    def get_overdue(self, obj) -> bool:
        return submission_window.submission_overdue(obj)


def _versions_field():
    return serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text="The versions of the items as the client read them (item_versions), by item key: "
        '{"input:<code>": 3, "years": 1}. An item changed by someone else since is refused '
        "(409, with its current value); an item not named is not checked.",
    )


class AnswerSerializer(serializers.Serializer):
    """One scenario's or support element's answer; ``version`` optional: the answer's item
    version as read (409 when someone else changed the answer since)."""

    status = serializers.ChoiceField(choices=AnswerStatus.choices, required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    systems = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    started_on = serializers.DateField(required=False, allow_null=True)
    completed_on = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(
        required=False,
        min_value=0,
        write_only=True,
        help_text='The answer\'s version as read (item_versions["scenario:<no>"] or '
        '["support_element:<no>"], 0 if absent).',
    )


class AnswerOutSerializer(serializers.Serializer):
    no = serializers.IntegerField()
    status = serializers.CharField()
    description = serializers.CharField()
    systems = serializers.CharField()
    started_on = serializers.DateField(allow_null=True)
    completed_on = serializers.DateField(allow_null=True)


class EvidenceSerializer(serializers.ModelSerializer):
    scenario = serializers.IntegerField(source="scenario.no", allow_null=True, read_only=True)
    support_element = serializers.IntegerField(
        source="support_element.no", allow_null=True, read_only=True
    )
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = (
            "id",
            "scenario",
            "support_element",
            "financial_year",
            "document",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_at",
            "download_url",
        )
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return reverse("evidence-download", args=[obj.pk])


class EvidenceUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True, use_url=False)
    scenario = serializers.IntegerField(required=False, min_value=1)
    support_element = serializers.IntegerField(required=False, min_value=1)
    financial_year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="财务报表所属年度"
    )
    document = serializers.ChoiceField(
        choices=DocumentKind.choices,
        required=False,
        help_text="One of the application's papers: the business licence, the CMMM "
        "self-assessment report, the online self-test result.",
    )


class ChecklistItemSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    ok = serializers.BooleanField()
    detail = serializers.CharField(help_text="What is missing, in words; empty when present.")


class TierGateSerializer(serializers.Serializer):
    tier = serializers.CharField()
    label = serializers.CharField()
    min_cmmm = serializers.IntegerField()
    min_self_test = serializers.IntegerField()
    cmmm_ok = serializers.BooleanField()
    self_test_ok = serializers.BooleanField()
    met = serializers.BooleanField()


class ChecklistSerializer(serializers.Serializer):
    """The formal check's checklist (evaluation.eligibility.formal_checklist)."""

    complete = serializers.BooleanField()
    items = ChecklistItemSerializer(many=True)
    gates = TierGateSerializer(many=True)
    allowed_tier = serializers.CharField(help_text="The highest tier the gates allow; empty: none.")
    computed_tier = serializers.CharField()
    statement_years = serializers.ListField(child=serializers.IntegerField())


class WorkbookImportSerializer(serializers.Serializer):
    file = serializers.FileField(use_url=False)


class AssessmentCreateSerializer(serializers.Serializer):
    batch = serializers.PrimaryKeyRelatedField(queryset=Batch.objects.all())
    base_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    current_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    carry_over_from = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text='Start from an earlier application: its id, or "last" for the most recent one '
        "(see carry-over/); blank starts empty.",
    )


class CarryOverRequestSerializer(serializers.Serializer):
    source = serializers.IntegerField(
        required=False, allow_null=True, help_text="An earlier application's id; default the last."
    )


class CarryOverSerializer(serializers.Serializer):
    """What was copied from the earlier application and what was not (by number or code)."""

    source = serializers.IntegerField(source="source_id")
    source_batch = serializers.CharField(source="source.batch.name")
    report = serializers.JSONField()
    created_at = serializers.DateTimeField()
    confirmed_at = serializers.DateTimeField()
    can_undo = serializers.SerializerMethodField()

    def get_can_undo(self, carry) -> bool:
        from .carry_over import undo_refusal

        return undo_refusal(carry) is None


# The eligibility figures reach the service as typed: it checks them, naming the field.
def _cmmm_field():
    return serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="CMMM (GB/T 39116-2020) self-assessment level, 1–5; blank or null clears.",
    )


def _score_field():
    return serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="The province's online self-test score, 0–100 (one decimal at most).",
    )


class AssessmentUpdateSerializer(serializers.Serializer):
    versions = _versions_field()
    base_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    current_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    cmmm_level = _cmmm_field()
    self_test_score = _score_field()
    base_inputs = serializers.DictField(required=False)
    current_inputs = serializers.DictField(required=False)


class InputsUpdateSerializer(serializers.Serializer):
    """Bulk update of one period's inputs by input code (what an MES/ERP pushes)."""

    period = serializers.ChoiceField(choices=Period.choices)
    values = serializers.DictField()
    replace = serializers.BooleanField(default=False)
    versions = _versions_field()


class SubmitSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False, min_value=1)
    cmmm_level = _cmmm_field()
    self_test_score = _score_field()
    declarations = serializers.DictField(
        help_text="no_major_accident, not_dishonest, truthful: true; signer: name"
    )
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, trim_whitespace=False),
        required=False,
        default=dict,
        help_text='After a return: {"<return id>": "answer"}, one for each of the '
        "assessment's returns awaiting an answer (``returns``); 400 naming answers.<id> "
        "for each one left out.",
    )


class ReturnRoundSerializer(serializers.Serializer):
    """A return of the assessment to the enterprise: the comment and the enterprise's answer."""

    id = serializers.IntegerField(source="pk")
    comment = serializers.CharField()
    created_at = serializers.DateTimeField()
    answer = serializers.CharField(help_text="Empty until the resubmission answers it.")
    answered_at = serializers.DateTimeField(allow_null=True)
    awaiting_answer = serializers.SerializerMethodField(
        help_text="The next submission must answer it (``answers`` of the submit call)."
    )

    def get_awaiting_answer(self, obj) -> bool:
        return obj.pk in self.context["awaiting"]


class ItemVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    updated_by = serializers.CharField(allow_null=True)
    updated_at = serializers.DateTimeField()


class AssessmentDetailSerializer(AssessmentSerializer):
    scenario_answers = serializers.SerializerMethodField()
    support_answers = serializers.SerializerMethodField()
    evidence = serializers.SerializerMethodField()
    declarations = serializers.JSONField(read_only=True)
    returns = serializers.SerializerMethodField()
    item_versions = serializers.SerializerMethodField(
        help_text="Each item changed at least once, by key (scenario:<no>, support_element:<no>, "
        "input:<code>, years): its version, to send back with an edit of it, and who changed it "
        "last. An item not listed is at version 0."
    )

    class Meta(AssessmentSerializer.Meta):
        fields = (
            *AssessmentSerializer.Meta.fields,
            "declarations",
            "scenario_answers",
            "support_answers",
            "evidence",
            "returns",
            "item_versions",
        )
        read_only_fields = fields

    @extend_schema_field(ReturnRoundSerializer(many=True))
    def get_returns(self, obj) -> list[dict]:
        """Every return of the assessment, newest first, with the enterprise's answers."""
        awaiting = {r.pk for r in review_hooks.returns_awaiting_answer(obj)}
        return ReturnRoundSerializer(
            review_hooks.returned_comments(obj), many=True, context={"awaiting": awaiting}
        ).data

    @extend_schema_field(serializers.DictField(child=ItemVersionSerializer()))
    def get_item_versions(self, obj) -> dict:
        return {
            r.key: {
                "version": r.version,
                "updated_by": person(r.updated_by) if r.updated_by else None,
                "updated_at": r.updated_at,
            }
            for r in obj.item_revisions.select_related("updated_by").order_by("key")
        }

    @staticmethod
    def _answers(queryset, number: str) -> list[dict]:
        return [
            {"no": row.pop(number), **row}
            for row in queryset.order_by(number).values(number, *ANSWER_FIELDS)
        ]

    @extend_schema_field(AnswerOutSerializer(many=True))
    def get_scenario_answers(self, obj) -> list[dict]:
        return AnswerOutSerializer(
            self._answers(obj.scenario_answers, "scenario__no"), many=True
        ).data

    @extend_schema_field(AnswerOutSerializer(many=True))
    def get_support_answers(self, obj) -> list[dict]:
        return AnswerOutSerializer(
            self._answers(obj.support_answers, "support_element__no"), many=True
        ).data

    @extend_schema_field(EvidenceSerializer(many=True))
    def get_evidence(self, obj) -> list[dict]:
        shown = obj.evidence.current().select_related("scenario", "support_element")
        return EvidenceSerializer(shown, many=True).data


class PeerStandingSerializer(IndicatorNamedSerializer):
    value = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,
        allow_null=True,
        help_text="The enterprise's current-year value.",
    )
    comparable = serializers.BooleanField(
        help_text="Enough peers with a value (at least min_peers, not all equal) to band it."
    )
    band = serializers.ChoiceField(
        choices=BANDS,
        allow_null=True,
        help_text="The quarter of the peers the value falls in, by the indicator's direction "
        "(top: the best 25%); null unless comparable and the enterprise has a value. The "
        "boundaries lie between peers' values, never on one, and are not given.",
    )
    band_label = serializers.CharField(help_text="The band in words; empty when there is none.")


class PeerBandSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="A value of the indicators' band.")
    label = serializers.CharField()


class PeerBenchmarkSerializer(serializers.Serializer):
    industry_type = serializers.CharField(
        source="assessment.applicant_industry_type",
        help_text="The applicant's industry type (frozen at submission): the peer group's.",
    )
    size = serializers.CharField(
        source="assessment.applicant_size",
        help_text="The applicant's size class (frozen at submission): the peer group's.",
    )
    min_peers = serializers.IntegerField()
    bands = PeerBandSerializer(many=True, help_text="Every band, from the best to the worst.")
    indicators = PeerStandingSerializer(many=True)


class InputChangeSerializer(serializers.Serializer):
    period = serializers.ChoiceField(choices=Period.choices)
    year = serializers.CharField(help_text="The year's sheet, e.g. 基准年2024.")
    code = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    old = serializers.CharField(help_text="Blank when it was empty; a table input: its rows.")
    new = serializers.CharField()


class InputsImportedSerializer(AssessmentDetailSerializer):
    """The assessment after an import, with what the import changed."""

    changes = InputChangeSerializer(source="import_changes", many=True, read_only=True)

    class Meta(AssessmentDetailSerializer.Meta):
        fields = (*AssessmentDetailSerializer.Meta.fields, "changes")
        read_only_fields = fields
