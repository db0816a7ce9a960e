"""API of the bulk actions and the discussion period, mirroring their pages: the same
services, the same gates (``review_queue_for``, ``discussions_for``), the same refusals."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from evaluation.models import Assessment

from . import rules
from . import services as review_services
from .apis import IsExpertOrProvinceAdmin, IsProvinceAdmin
from .discussion_serializers import (
    BulkAnswerSerializer,
    BulkDecideInputSerializer,
    BulkRecommendInputSerializer,
    DiscussionOpenSerializer,
    DiscussionPeriodSerializer,
    PostInputSerializer,
    ReviseInputSerializer,
    ThreadSerializer,
)
from .selectors import (
    discussion_thread,
    discussions_for,
    own_submitted_assignment,
    review_batches,
    review_queue_for,
)


class IsLocalReviewer(BasePermission):
    message = _("只有县（市、区）和设区市主管部门可以批量推荐。")

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_local_reviewer)


def chosen(queryset, ids: list[int]) -> list[Assessment]:
    """The applications asked for, each within the caller's gate: any other is a field error
    naming ``assessments`` (never a hint whether it exists)."""
    found = {a.pk: a for a in queryset.filter(pk__in=ids)}
    missing = [i for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {
                "assessments": _("以下申报不存在或不在您的处理范围内：%(ids)s")
                % {"ids": "、".join(map(str, missing))}
            }
        )
    return [found[i] for i in dict.fromkeys(ids)]


def bulk_answer(confirmed: bool, rows) -> Response:
    items = [
        {
            "assessment": r.assessment,
            "ok": getattr(r, "included", getattr(r, "done", False)),
            "says": r.says,
        }
        for r in rows
    ]
    return Response(BulkAnswerSerializer({"confirmed": confirmed, "items": items}).data)


class BulkRecommendViewSet(viewsets.ViewSet):
    """A district or city reviewer recommends several applications: without ``confirmed``
    the plan, with it each item's outcome (each through the single-item service)."""

    permission_classes = [IsAuthenticated, IsLocalReviewer]

    @extend_schema(request=BulkRecommendInputSerializer, responses=BulkAnswerSerializer)
    @action(detail=False, methods=["post"])
    def recommend(self, request):
        serializer = BulkRecommendInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessments = chosen(review_queue_for(request.user), data["assessments"])
        if not data["confirmed"]:
            return bulk_answer(
                False, review_services.recommend_plan(actor=request.user, assessments=assessments)
            )
        results = review_services.bulk_recommend(
            actor=request.user, assessments=assessments, comment=data["comment"]
        )
        return bulk_answer(True, results)


class DiscussionBatchViewSet(viewsets.GenericViewSet):
    """The province's bulk decisions and discussion period of a batch."""

    permission_classes = [IsAuthenticated, IsProvinceAdmin]

    def get_queryset(self):
        return review_batches()

    @extend_schema(request=BulkDecideInputSerializer, responses=BulkAnswerSerializer)
    @action(detail=True, methods=["post"], url_path="bulk-decide", url_name="bulk-decide")
    def bulk_decide(self, request, pk=None):
        """Decide several applications whose computed tier and experts' majority agree (the
        others are listed as left out with the reason); under the batch's four-eyes rule each
        becomes a proposal. Without ``confirmed`` the plan only."""
        batch = self.get_object()
        serializer = BulkDecideInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        assessments = chosen(
            Assessment.objects.filter(batch=batch).select_related("batch", "enterprise"),
            data["assessments"],
        )
        if not data["confirmed"]:
            return bulk_answer(
                False, review_services.decide_plan(actor=request.user, assessments=assessments)
            )
        results = review_services.bulk_decide(
            actor=request.user,
            assessments=assessments,
            reason=data["reason"],
            summary=data["summary"],
        )
        return bulk_answer(True, results)

    def _period(self, batch, status_code=status.HTTP_200_OK) -> Response:
        period = rules.discussion_of(batch)
        return Response(
            DiscussionPeriodSerializer(
                {
                    "ends_on": period.ends_on,
                    "opened_at": period.opened_at,
                    "closed_at": period.closed_at,
                    "running": rules.discussion_open(batch),
                }
            ).data,
            status=status_code,
        )

    @extend_schema(request=DiscussionOpenSerializer, responses=DiscussionPeriodSerializer)
    @action(detail=True, methods=["post"], url_path="discussion-open", url_name="discussion-open")
    def discussion_open(self, request, pk=None):
        """Open the discussion period until ``ends_on`` (409 while one runs, or with no
        application whose reviews are all in)."""
        batch = self.get_object()
        serializer = DiscussionOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review_services.discussion_open(
            batch=batch, actor=request.user, ends_on=serializer.validated_data["ends_on"]
        )
        return self._period(batch)

    @extend_schema(request=None, responses=DiscussionPeriodSerializer)
    @action(detail=True, methods=["post"], url_path="discussion-close", url_name="discussion-close")
    def discussion_close(self, request, pk=None):
        """End the period now (409 when none runs)."""
        batch = self.get_object()
        review_services.discussion_close(batch=batch, actor=request.user)
        return self._period(batch)


class DiscussionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An application's thread, by the application's id: for the province and the experts
    whose review of it is submitted (another expert: 404; other roles: 403). The enterprise
    never reads it."""

    permission_classes = [IsAuthenticated, IsExpertOrProvinceAdmin]
    serializer_class = ThreadSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        return discussions_for(self.request.user)

    def _thread(self, assessment, status_code=status.HTTP_200_OK) -> Response:
        thread = discussion_thread(assessment, self.request.user)
        period = thread.period
        data = {
            "assessment": assessment.pk,
            "label": thread.label,
            "me": thread.me,
            "period": {
                "ends_on": period.ends_on,
                "opened_at": period.opened_at,
                "closed_at": period.closed_at,
                "running": rules.discussion_open(assessment.batch),
            }
            if period
            else None,
            "posts": thread.posts,
            "revisions": [
                {
                    "expert": name,
                    **{
                        f: getattr(r, f)
                        for f in (
                            "scores",
                            "total",
                            "recommended_tier",
                            "opinion",
                            "reason",
                            "replaced",
                            "revised_at",
                        )
                    },
                }
                for name, r in thread.revisions
            ],
        }
        return Response(ThreadSerializer(data).data, status=status_code)

    def retrieve(self, request, pk=None):
        """The posts (authors as 专家 A/B/C or the province's role name) and, for the
        province, every revision of the experts' scores with the values it replaced."""
        return self._thread(self.get_object())

    @extend_schema(request=PostInputSerializer, responses=ThreadSerializer)
    @action(detail=True, methods=["post"])
    def posts(self, request, pk=None):
        """Post in the thread while the application is in discussion (409 otherwise)."""
        assessment = self.get_object()
        serializer = PostInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review_services.discussion_post(
            assessment=assessment, actor=request.user, body=serializer.validated_data["body"]
        )
        return self._thread(assessment, status.HTTP_201_CREATED)

    @extend_schema(request=ReviseInputSerializer, responses=ThreadSerializer)
    @action(detail=True, methods=["post"])
    def revise(self, request, pk=None):
        """The expert revises their own submitted review: ``scores`` by criterion id (the
        others kept), ``recommended_tier``, ``opinion``, and a ``reason`` (required). 403 for
        the province (an expert's own act), 409 outside the discussion period."""
        assessment = self.get_object()
        assignment = own_submitted_assignment(assessment, request.user)
        if assignment is None:
            raise PermissionDenied(_("只有该申报的评审专家可以修改自己的评分。"))
        serializer = ReviseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        review_services.score_revise(
            assignment=assignment, actor=request.user, data=serializer.validated_data
        )
        return self._thread(assessment)
