"""The API of the preference phase (experts mark applications; the province opens and closes
it), the batch's assignment matrix (several changes at once) and its progress. Each write is
one service call, as the pages make it."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import preferences
from .apis import IsProvinceAdmin
from .assignment_tool_serializers import (
    MatrixChangeResultSerializer,
    MatrixChangeSerializer,
    MatrixSerializer,
    PreferencePhaseInputSerializer,
    PreferencePhaseSerializer,
    PreferencesInputSerializer,
    PreferencesSerializer,
    ProgressSerializer,
)
from .selectors.matrix import assignment_matrix
from .selectors.preference_rows import phase_batch, preference_rows
from .selectors.progress import batch_progress
from .selectors.queues import review_batches
from .services.matrix import assignments_change
from .services.preferences import (
    preference_phase_close,
    preference_phase_open,
    preferences_set,
)


class IsExpert(BasePermission):
    message = _("只有评审专家可以标记评审偏好。")

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_expert)


def _preferences(request, batch) -> Response:
    phase = preferences.phase_of(batch)
    payload = {
        "phase": phase,
        "open": preferences.phase_is_open(phase),
        "rows": preference_rows(batch, request.user),
    }
    return Response(PreferencesSerializer(payload).data)


class PreferencesApi(APIView):
    """The expert's marks on the applications of a batch in its preference phase (404 for a
    batch that never had one): what the batch lets them see of each, and their choice
    (``willing`` until they make one)."""

    permission_classes = [IsAuthenticated, IsExpert]
    conflicts = True  # 409 once the phase has ended

    @extend_schema(responses=PreferencesSerializer)
    def get(self, request, pk):
        return _preferences(request, phase_batch(pk))

    @extend_schema(request=PreferencesInputSerializer, responses=PreferencesSerializer)
    def post(self, request, pk):
        """Mark applications: 400 naming ``choices`` for one the phase does not show, 409
        once the phase has ended."""
        batch = phase_batch(pk)
        serializer = PreferencesInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        preferences_set(
            batch=batch, actor=request.user, choices=serializer.validated_data["choices"]
        )
        return _preferences(request, batch)


def _province_batch(pk):
    return get_object_or_404(review_batches(), pk=pk)


class PreferencePhaseApi(APIView):
    permission_classes = [IsAuthenticated, IsProvinceAdmin]
    conflicts = True  # 409 closing a phase that is not open

    @extend_schema(request=PreferencePhaseInputSerializer, responses=PreferencePhaseSerializer)
    def post(self, request, pk):
        """Open the batch's preference phase until ``ends_at`` (or move its end), or with
        ``"action": "close"`` end it now (409 when it is not open)."""
        batch = _province_batch(pk)
        serializer = PreferencePhaseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["action"] == "close":
            phase = preference_phase_close(batch=batch, actor=request.user)
        else:
            phase = preference_phase_open(batch=batch, ends_at=data["ends_at"], actor=request.user)
        return Response(
            {
                "ends_at": phase.ends_at,
                "closed_at": phase.closed_at,
                "open": preferences.phase_is_open(phase),
            }
        )


class MatrixApi(APIView):
    permission_classes = [IsAuthenticated, IsProvinceAdmin]

    @extend_schema(responses=MatrixSerializer)
    def get(self, request, pk):
        """Every expert × every application awaiting experts: loads, preferences, conflicts
        (with their reasons) and assignments (with why the automatic assignment chose them)."""
        return Response(MatrixSerializer(assignment_matrix(_province_batch(pk))).data)

    @extend_schema(request=MatrixChangeSerializer, responses=MatrixChangeResultSerializer)
    def post(self, request, pk):
        """Add and withdraw several assignments at once, all or none: 400 naming ``add`` or
        ``withdraw`` with each refusal's reason (a conflict of interest, a submitted review)."""
        batch = _province_batch(pk)
        serializer = MatrixChangeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        result = assignments_change(
            batch=batch,
            actor=request.user,
            add=[tuple(pair) for pair in serializer.validated_data["add"]],
            withdraw=serializer.validated_data["withdraw"],
        )
        return Response(
            {
                "added": [a.pk for a in result["added"]],
                "withdrawn": [a.pk for a in result["withdrawn"]],
            }
        )


class ProgressApi(APIView):
    permission_classes = [IsAuthenticated, IsProvinceAdmin]

    @extend_schema(responses=ProgressSerializer)
    def get(self, request, pk):
        """The batch's stage, its applications per state, each expert's submitted / assigned /
        overdue and each district's and city's waiting / recommended / returned."""
        return Response(ProgressSerializer(batch_progress(_province_batch(pk))).data)
