from rest_framework import mixins, viewsets

from . import selectors, services
from .serializers import EnterpriseSerializer


class EnterpriseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The enterprises the caller may see: its own, its city's, or all for the province."""

    serializer_class = EnterpriseSerializer

    def get_queryset(self):
        return selectors.enterprises_for(self.request.user).order_by("pk")

    def perform_update(self, serializer):
        serializer.instance = services.enterprise_update(
            enterprise=serializer.instance,
            actor=self.request.user,
            data=serializer.validated_data,
            request=self.request,
        )
