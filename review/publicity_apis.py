"""The province's objection endpoints: the objections to the published lists (filter by batch
and status), one objection, and its resolution. Objections are the province admin's only
(403 for everyone else): they name the objector."""

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from scenarios.models import Batch

from . import selectors as review_selectors
from . import services as review_services
from .apis import IsProvinceAdmin
from .models import Objection
from .publicity_serializers import ObjectionResolveSerializer, ObjectionSerializer


class ObjectionFilter(django_filters.FilterSet):
    batch = django_filters.ModelChoiceFilter(queryset=Batch.objects.all(), label=_("申报批次"))
    status = django_filters.ChoiceFilter(choices=Objection.Status.choices, label=_("处理状态"))

    class Meta:
        model = Objection
        fields = ("batch", "status")


class ObjectionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Objections to the published lists, newest first (filters: ``batch``, ``status``)."""

    permission_classes = [IsAuthenticated, IsProvinceAdmin]
    serializer_class = ObjectionSerializer
    filterset_class = ObjectionFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Objection.objects.none()
        return review_selectors.objections_for(self.request.user).order_by("-lodged_at", "-pk")

    @extend_schema(request=ObjectionResolveSerializer, responses=ObjectionSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        """Upheld (the enterprise's decision is withdrawn and taken again) or dismissed, with a
        reason; 409 once resolved. The enterprise and the objector (by email) are told."""
        serializer = ObjectionResolveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        objection = review_services.objection_resolve(
            objection=self.get_object(), actor=request.user, **serializer.validated_data
        )
        return Response(ObjectionSerializer(self.get_queryset().get(pk=objection.pk)).data)
