"""Review endpoints of the API, mirroring the web workflow.

Every object is looked up through its gate selector (``review_queue_for``, ``assignments_for``),
so another city's submission or another expert's assignment is a 404. The role checks on whole
endpoints answer 403: the review queue is for city reviewers and the province admin (experts and
enterprise users get 403, not an empty list), the assignments for experts and the province admin,
the batches for the province admin only. Every write is one service call; its errors come back
as 400 naming the field, 403, or 409 for a wrong state or a stale version.
"""

import django_filters
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from evaluation.eligibility import formal_checklist
from evaluation.flag_selectors import reviewer_flags
from evaluation.models import Assessment
from scenarios.models import Batch

from . import rules as review_rules
from . import selectors as review_selectors
from . import services as review_services
from .deadlines import batch_deadlines
from .filters import ReviewQueueFilter
from .models import AssignmentStatus, DecisionProposal, ExpertAssignment
from .publicity_serializers import PublishInputSerializer
from .serializers import (
    AssignmentDetailSerializer,
    AssignmentReviewSerializer,
    AssignmentSerializer,
    AutoAssignResultSerializer,
    ConflictInputSerializer,
    ConflictResultSerializer,
    DecisionProposalSerializer,
    DecisionRowSerializer,
    ExpertLoadSerializer,
    ExpertReviewSerializer,
    FormalCheckReturnSerializer,
    FormalCheckRowSerializer,
    FormalCheckSerializer,
    ProposalRejectSerializer,
    PublicListSerializer,
    RemindLateInputSerializer,
    RemindLateResultSerializer,
    ReviewAssignSerializer,
    ReviewBatchSerializer,
    ReviewBatchUpdateSerializer,
    ReviewCommentSerializer,
    ReviewDecideSerializer,
    ReviewDetailSerializer,
    ReviewInputSerializer,
    ReviewItemSerializer,
    ReviewRecommendSerializer,
    StageDeadlineSerializer,
)

# --- who may call what --------------------------------------------------------------------------


class IsReviewer(BasePermission):
    message = _("只有县（市、区）、设区市主管部门或省级管理员可以访问评审接口。")

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_authenticated and (user.is_local_reviewer or user.is_province_admin))


class IsExpertOrProvinceAdmin(BasePermission):
    message = _("只有评审专家或省级管理员可以访问评审任务。")

    def has_permission(self, request, view):
        user = request.user
        return bool(user.is_authenticated and (user.is_expert or user.is_province_admin))


class IsProvinceAdmin(BasePermission):
    message = _("只有省级管理员可以执行此操作。")

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_province_admin)


# --- the review queue ---------------------------------------------------------------------------


class ReviewAssessmentViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Submissions for a city reviewer (own city) or the province admin (all); 403 for
    everyone else. Filters: q (name or credit code), state, industry_type, tier, city, batch."""

    permission_classes = [IsAuthenticated, IsReviewer]
    serializer_class = ReviewItemSerializer
    filterset_class = ReviewQueueFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Assessment.objects.none()
        return review_selectors.review_queue_for(self.request.user).order_by("-submitted_at", "-pk")

    def get_serializer_class(self):
        return ReviewDetailSerializer if self.action == "retrieve" else ReviewItemSerializer

    def _item(self, assessment, status_code=status.HTTP_200_OK):
        fresh = self.get_queryset().get(pk=assessment.pk)
        return Response(ReviewItemSerializer(fresh).data, status=status_code)

    @extend_schema(responses=ReviewDetailSerializer)
    def retrieve(self, request, pk=None):
        """The frozen snapshot, its evaluation and the review rounds; for the province admin
        also the experts' assignments, the aggregate of their totals, every submitted review
        in full (scores by criterion, scenario verdicts with their reasons, opinion and
        recommended tier), the decision (with its flags and justification) and a proposal
        awaiting confirmation, and the site visit (stage, checks, finding)."""
        assessment = self.get_object()
        user = request.user
        province = user.is_province_admin
        context = {
            "flags": reviewer_flags(assessment, getattr(assessment, "evaluation", None)),
            "rounds": review_selectors.review_rounds(assessment),
            "summary": review_selectors.review_summary(assessment) if province else None,
            "reviews": review_selectors.expert_reviews(assessment) if province else None,
            "decision": review_selectors.decision_of(assessment) if province else None,
            "proposal": review_selectors.pending_proposal(assessment) if province else None,
            "site_visit": review_selectors.site_visit_report(
                assessment, review_services.claimed_scenarios(assessment)
            )
            if province
            else None,
        }
        return Response(ReviewDetailSerializer(assessment, context=context).data)

    @extend_schema(request=ReviewRecommendSerializer, responses=ReviewItemSerializer)
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        """The city recommends the submission to the province. One whose evaluation reaches
        no tier needs ``"confirm_no_tier": true`` (else 409 naming ``confirm_no_tier``)."""
        serializer = ReviewRecommendSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = review_services.assessment_recommend(
            assessment=self.get_object(),
            actor=request.user,
            comment=serializer.validated_data["comment"],
            confirm_no_tier=serializer.validated_data["confirm_no_tier"],
        )
        return self._item(assessment)

    @extend_schema(request=ReviewCommentSerializer, responses=ReviewItemSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """Back to the enterprise with a comment (required)."""
        serializer = ReviewCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = review_services.assessment_return(
            assessment=self.get_object(),
            actor=request.user,
            comment=serializer.validated_data["comment"],
        )
        return self._item(assessment)

    def _formal_check(self, assessment):
        assessment = self.get_queryset().get(pk=assessment.pk)
        checklist = formal_checklist(assessment)
        user = self.request.user
        data = {
            "assessment": assessment,
            "checklist": checklist,
            "cmmm_level": assessment.cmmm_level,
            "self_test_score": assessment.self_test_score,
            "can_pass": review_rules.can_pass_formal_check(user, assessment, checklist),
            "can_return": review_rules.can_formally_check(user, assessment),
        }
        return Response(FormalCheckSerializer(data).data)

    @extend_schema(responses=FormalCheckSerializer)
    @action(
        detail=True,
        methods=["get"],
        url_path="formal-check",
        url_name="formal-check",
        permission_classes=[IsAuthenticated, IsProvinceAdmin],
    )
    def formal_check(self, request, pk=None):
        """The formal check's checklist of the application (province admins only)."""
        return self._formal_check(self.get_object())

    @extend_schema(request=ReviewCommentSerializer, responses=FormalCheckSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="formal-check/pass",
        url_name="formal-check-pass",
        permission_classes=[IsAuthenticated, IsProvinceAdmin],
    )
    def formal_check_pass(self, request, pk=None):
        """Passed: on to the experts. 400 naming ``checklist`` while anything is missing; 409
        outside the formal check."""
        serializer = ReviewCommentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = review_services.formal_check_pass(
            assessment=self.get_object(),
            actor=request.user,
            comment=serializer.validated_data["comment"],
        )
        return self._formal_check(assessment)

    @extend_schema(request=FormalCheckReturnSerializer, responses=FormalCheckSerializer)
    @action(
        detail=True,
        methods=["post"],
        url_path="formal-check/return",
        url_name="formal-check-return",
        permission_classes=[IsAuthenticated, IsProvinceAdmin],
    )
    def formal_check_return(self, request, pk=None):
        """Back to the enterprise with the missing items, each answered on resubmission, which
        comes straight back to the formal check."""
        serializer = FormalCheckReturnSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assessment = review_services.formal_check_return(
            assessment=self.get_object(),
            actor=request.user,
            items=serializer.validated_data["items"],
        )
        return self._formal_check(assessment)

    @extend_schema(request=ReviewAssignSerializer, responses={201: AssignmentSerializer})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsProvinceAdmin])
    def assignments(self, request, pk=None):
        """The province admin assigns a chosen expert."""
        assessment = self.get_object()
        serializer = ReviewAssignSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assignment = review_services.assignment_add(
            assessment=assessment, expert=serializer.validated_data["expert"], actor=request.user
        )
        shown = review_selectors.assignments_for(request.user).get(pk=assignment.pk)
        return Response(
            AssignmentSerializer(shown, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=ReviewDecideSerializer,
        responses={200: ReviewItemSerializer, 202: DecisionProposalSerializer},
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsProvinceAdmin])
    def decide(self, request, pk=None):
        """The province admin approves a tier or rejects, once every expert has submitted. A
        tier above the computed tier, or a decision against most experts, needs a
        ``justification`` and is flagged. Under the batch's four-eyes rule the answer is 202
        with the proposal, which takes effect once a second province admin confirms it."""
        assessment = self.get_object()
        serializer = ReviewDecideSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        result = review_services.assessment_decide(
            assessment=assessment,
            actor=request.user,
            outcome=data["outcome"],
            tier=data["tier"],
            reason=data["reason"],
            justification=data["justification"],
            figures=review_selectors.review_summary(assessment).figures(),
            summary=data["summary"],
        )
        if isinstance(result, DecisionProposal):
            return Response(
                DecisionProposalSerializer(result).data, status=status.HTTP_202_ACCEPTED
            )
        return self._item(assessment)


# --- proposals under a batch's four-eyes rule ---------------------------------------------------


class DecisionProposalViewSet(viewsets.GenericViewSet):
    """A second province admin confirms or rejects a proposed decision (never its proposer:
    403). Confirmed, the decision takes effect; rejected, the submission may be proposed
    anew. 409 once the proposal is closed or the experts' reviews changed since."""

    permission_classes = [IsAuthenticated, IsProvinceAdmin]
    serializer_class = DecisionProposalSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DecisionProposal.objects.none()
        return review_selectors.proposals_for(self.request.user)

    @extend_schema(request=None, responses=ReviewItemSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm the proposal: the decision takes effect as proposed."""
        proposal = self.get_object()
        review_services.decision_proposal_confirm(proposal=proposal, actor=request.user)
        fresh = review_selectors.review_queue_for(request.user).get(pk=proposal.assessment_id)
        return Response(ReviewItemSerializer(fresh).data)

    @extend_schema(request=ProposalRejectSerializer, responses=DecisionProposalSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject the proposal with a ``reason`` (required)."""
        serializer = ProposalRejectSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        proposal = review_services.decision_proposal_reject(
            proposal=self.get_object(),
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response(DecisionProposalSerializer(proposal).data)


# --- the experts' assignments -------------------------------------------------------------------


class AssignmentFilter(django_filters.FilterSet):
    batch = django_filters.ModelChoiceFilter(
        field_name="assessment__batch", queryset=Batch.objects.all(), label=_("申报批次")
    )
    status = django_filters.ChoiceFilter(choices=AssignmentStatus.choices, label=_("状态"))
    expert = django_filters.NumberFilter(field_name="expert_id", label=_("评审专家"))

    class Meta:
        model = ExpertAssignment
        fields = ("batch", "status", "expert")


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """An expert's own live assignments, or every assignment for the province admin (filter by
    batch, status, expert). The applicant's identity is null for an expert unless the batch
    lets experts see it; an expert never sees another expert's review."""

    permission_classes = [IsAuthenticated, IsExpertOrProvinceAdmin]
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExpertAssignment.objects.none()
        return review_selectors.assignments_for(self.request.user).order_by("-assigned_at", "-pk")

    def get_serializer_class(self):
        return AssignmentDetailSerializer if self.action == "retrieve" else AssignmentSerializer

    def _with_review(self, assignment):
        fresh = self.get_queryset().get(pk=assignment.pk)
        return Response(AssignmentReviewSerializer(fresh, context={"request": self.request}).data)

    @staticmethod
    def _review_input(request) -> tuple[dict, int | None]:
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        return data, data.pop("version", None)

    @extend_schema(responses=AssignmentDetailSerializer)
    def retrieve(self, request, pk=None):
        """The submission as the caller may read it, the claimed scenarios to judge, the rubric
        and the caller's own review."""
        assignment = self.get_object()
        context = {
            "request": request,
            "dossier": review_selectors.dossier(assignment.assessment, request.user),
        }
        return Response(AssignmentDetailSerializer(assignment, context=context).data)

    @staticmethod
    def _refused(exc: review_services.ReviewErrors) -> Response:
        """400: each refused part named, with the draft as it now stands (``review``: what
        was valid is saved, and its ``version`` is the one to send next)."""
        body = {**exc.message_dict, "review": ExpertReviewSerializer(exc.assignment).data}
        return Response(body, status=status.HTTP_400_BAD_REQUEST)

    @extend_schema(request=ReviewInputSerializer, responses=AssignmentReviewSerializer)
    @action(detail=True, methods=["patch"])
    def review(self, request, pk=None):
        """Save a draft of the review (any part of it). A bad value is refused alone: the
        answer is 400 naming it (``scores.12``…), the rest saved, and ``review`` the draft
        as saved."""
        data, version = self._review_input(request)
        try:
            assignment = review_services.review_save(
                assignment=self.get_object(),
                actor=request.user,
                data=data,
                expected_version=version,
            )
        except review_services.ReviewErrors as exc:
            return self._refused(exc)
        return self._with_review(assignment)

    @extend_schema(request=ReviewInputSerializer, responses=AssignmentReviewSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Save what is given, check the review is complete and make it final. Otherwise 400
        naming every bad value and every missing part at once (each under its field), with
        ``review``, the draft as saved."""
        data, version = self._review_input(request)
        try:
            assignment = review_services.review_submit(
                assignment=self.get_object(),
                actor=request.user,
                data=data or None,
                expected_version=version,
            )
        except review_services.ReviewErrors as exc:
            return self._refused(exc)
        return self._with_review(assignment)

    @extend_schema(request=ConflictInputSerializer, responses=ConflictResultSerializer)
    @action(detail=True, methods=["post"])
    def conflict(self, request, pk=None):
        """Declare a conflict of interest: the task is withdrawn and another expert assigned
        when one is free."""
        serializer = ConflictInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        replacements = review_services.conflict_declare(
            assignment=self.get_object(),
            actor=request.user,
            reason=serializer.validated_data["reason"],
        )
        return Response({"replacements": len(replacements)})

    @extend_schema(request=None, responses={204: None})
    def destroy(self, request, pk=None):
        """The province admin withdraws a task not yet submitted."""
        review_services.assignment_remove(assignment=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- batches ------------------------------------------------------------------------------------


class ReviewBatchViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The province admin's batches: review settings and rubric, expert loads, automatic
    assignment, the decision table and the public list."""

    permission_classes = [IsAuthenticated, IsProvinceAdmin]
    serializer_class = ReviewBatchSerializer

    def get_queryset(self):
        return (
            review_selectors.review_batches()
            .select_related("catalog_version")
            .prefetch_related("rubric")
        )

    def _detail(self, batch):
        return Response(ReviewBatchSerializer(self.get_queryset().get(pk=batch.pk)).data)

    @extend_schema(request=ReviewBatchUpdateSerializer, responses=ReviewBatchSerializer)
    def partial_update(self, request, pk=None):
        """Change any review setting; ``rubric`` replaces the whole rubric (409 once scored)."""
        batch = self.get_object()
        serializer = ReviewBatchUpdateSerializer(batch, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        criteria = data.pop("rubric", None)
        batch = review_services.batch_settings_update(
            batch=batch, actor=request.user, data=data, criteria=criteria
        )
        return self._detail(batch)

    @extend_schema(responses=ExpertLoadSerializer(many=True))
    @action(detail=True, methods=["get"])
    def experts(self, request, pk=None):
        """Each expert's assignments in the batch: to do, done, declined."""
        rows = review_selectors.expert_loads(self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ExpertLoadSerializer(page, many=True).data)

    @extend_schema(responses=FormalCheckRowSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="formal-check", url_name="formal-check")
    def formal_check(self, request, pk=None):
        """The batch's applications awaiting the formal check, each with what it misses."""
        rows = review_selectors.formal_check_rows(self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(FormalCheckRowSerializer(page, many=True).data)

    @extend_schema(request=None, responses=AutoAssignResultSerializer)
    @action(detail=True, methods=["post"], url_path="auto-assign")
    def auto_assign(self, request, pk=None):
        """Give every waiting submission the batch's number of reviewers."""
        result = review_services.assignments_auto(batch=self.get_object(), actor=request.user)
        return Response(
            {"created": len(result["created"]), "short": [a.pk for a in result["short"]]}
        )

    @extend_schema(responses=DecisionRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def decisions(self, request, pk=None):
        """Submissions in or past expert review with their aggregates, best first; each
        with its decision (flags, justification) or pending proposal, and every expert's
        review in full."""
        batch = self.get_object()
        rows = review_selectors.decision_rows(batch)
        page = self.paginate_queryset(rows)
        context = {
            "reviews": review_selectors.batch_expert_reviews(batch),
            "proposals": review_selectors.pending_proposals(batch),
        }
        return self.get_paginated_response(
            DecisionRowSerializer(page, many=True, context=context).data
        )

    @extend_schema(responses=StageDeadlineSerializer(many=True))
    @action(detail=True, methods=["get"])
    def deadlines(self, request, pk=None):
        """The batch's deadlines, stage by stage: how many applications wait at each and
        whether any is overdue."""
        page = self.paginate_queryset(batch_deadlines(self.get_object()))
        return self.get_paginated_response(StageDeadlineSerializer(page, many=True).data)

    @extend_schema(request=RemindLateInputSerializer, responses=RemindLateResultSerializer)
    @action(detail=True, methods=["post"], url_path="remind-late")
    def remind_late(self, request, pk=None):
        """Remind now everyone late at a stage (400 naming ``stage`` when nobody is); recorded
        in the audit log."""
        serializer = RemindLateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        n = review_services.deadline_remind_late(
            batch=self.get_object(), stage=serializer.validated_data["stage"], actor=request.user
        )
        return Response({"reminded": n})

    @extend_schema(request=PublishInputSerializer, responses=ReviewBatchSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        """Publish the public list for its 公示 period with a contact (missing ones take their
        defaults), or, with ``"publish": false``, withdraw it. 409 naming ``partial`` while a
        recommended application is undecided, unless ``"partial": true`` publishes without it."""
        serializer = PublishInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        batch = review_services.batch_list_publish(
            batch=self.get_object(), actor=request.user, **serializer.validated_data
        )
        return self._detail(batch)


# --- the public list ----------------------------------------------------------------------------


class PublicListApi(APIView):
    """The published list of a batch (公示名单): enterprise, city and tier, and its 公示 period,
    contact and status; no login needed. 404 while the batch's list is not published."""

    permission_classes = [AllowAny]
    authentication_classes = []

    @extend_schema(responses=PublicListSerializer, auth=[])
    def get(self, request, pk):
        batch = get_object_or_404(review_selectors.published_batches(), pk=pk)
        payload = {
            "batch": batch,
            "publicity": review_selectors.publicity_of(batch),
            "results": review_selectors.public_list(batch),
        }
        return Response(PublicListSerializer(payload).data)
