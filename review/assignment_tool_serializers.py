"""What the API says of the preference phase, the assignment matrix and a batch's progress."""

from rest_framework import serializers

from .models import ExpertPreference


class PreferenceRowSerializer(serializers.Serializer):
    """An application as the expert may see it: ``name`` is null when the batch hides who
    applied (``review.anonymity``)."""

    id = serializers.IntegerField(source="assessment.pk")
    reference = serializers.CharField(source="assessment.review_reference")
    name = serializers.SerializerMethodField()
    industry = serializers.CharField()
    size = serializers.CharField()
    city = serializers.CharField()
    scenarios = serializers.ListField(child=serializers.IntegerField())
    choice = serializers.CharField()

    def get_name(self, row) -> str | None:
        return row["assessment"].applicant_name if row["identity_visible"] else None


class PreferencesSerializer(serializers.Serializer):
    ends_at = serializers.DateTimeField(source="phase.ends_at")
    open = serializers.BooleanField()
    applications = PreferenceRowSerializer(many=True, source="rows")


class PreferencesInputSerializer(serializers.Serializer):
    choices = serializers.DictField(
        child=serializers.ChoiceField(choices=ExpertPreference.Choice.choices),
        allow_empty=False,
        help_text="application id → prefer / willing / not_my_field / conflict",
    )

    def validate_choices(self, value):
        try:
            return {int(k): v for k, v in value.items()}
        except ValueError:
            raise serializers.ValidationError("keys must be application ids") from None


class PreferencePhaseInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["open", "close"], default="open")
    ends_at = serializers.DateTimeField(required=False)

    def validate(self, data):
        if data["action"] == "open" and "ends_at" not in data:
            raise serializers.ValidationError(
                {"ends_at": self.fields["ends_at"].error_messages["required"]}
            )
        return data


class PreferencePhaseSerializer(serializers.Serializer):
    ends_at = serializers.DateTimeField()
    closed_at = serializers.DateTimeField(allow_null=True)
    open = serializers.BooleanField()


class MatrixCellSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="assessment_id")
    choice = serializers.CharField()
    conflicts = serializers.ListField(child=serializers.CharField())
    assignment = serializers.IntegerField(source="assignment.pk", allow_null=True, default=None)
    status = serializers.CharField(source="assignment.status", allow_null=True, default=None)
    reason = serializers.CharField(source="assignment.choice_reason", allow_null=True, default=None)


class MatrixRowSerializer(serializers.Serializer):
    expert = serializers.IntegerField(source="expert.pk")
    username = serializers.CharField(source="expert.username")
    load = serializers.IntegerField()
    cells = MatrixCellSerializer(many=True)


class MatrixApplicationSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    reference = serializers.CharField(source="review_reference")
    name = serializers.CharField(source="applicant_name")
    state = serializers.CharField()


class MatrixSerializer(serializers.Serializer):
    applications = MatrixApplicationSerializer(many=True)
    experts = MatrixRowSerializer(many=True, source="rows")


class MatrixChangeSerializer(serializers.Serializer):
    add = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField(), min_length=2, max_length=2),
        default=list,
        help_text="[[application id, expert id], …]",
    )
    withdraw = serializers.ListField(child=serializers.IntegerField(), default=list)


class MatrixChangeResultSerializer(serializers.Serializer):
    added = serializers.ListField(child=serializers.IntegerField())
    withdrawn = serializers.ListField(child=serializers.IntegerField())


class ExpertProgressSerializer(serializers.Serializer):
    expert = serializers.CharField(source="expert.username")
    assigned = serializers.IntegerField()
    submitted = serializers.IntegerField()
    overdue = serializers.IntegerField()


class PlaceProgressSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    waiting = serializers.IntegerField()
    recommended = serializers.IntegerField()
    returned = serializers.IntegerField()


class StateCountSerializer(serializers.Serializer):
    state = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class ProgressSerializer(serializers.Serializer):
    stage = serializers.CharField()
    preference_open = serializers.BooleanField()
    states = serializers.SerializerMethodField()
    experts = ExpertProgressSerializer(many=True)
    districts = PlaceProgressSerializer(many=True)
    cities = PlaceProgressSerializer(many=True)

    def get_states(self, progress) -> list[dict]:
        return [
            {"state": value, "label": str(label), "count": n} for label, value, n in progress.states
        ]
