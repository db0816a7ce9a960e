"""The ground floor's endpoints: the API token, the enterprises, the caller's notifications."""

from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, Throttled
from rest_framework.response import Response

from . import selectors, services, two_factor
from .models import Notification
from .serializers import (
    EnterpriseSerializer,
    NotificationMarkedSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
)
from .throttling import ScopedRateThrottle


class TokenApi(ObtainAuthToken):
    """Exchange a username and password for the API token used by scripts and MES/ERP pushes."""

    throttle_scope = "auth"
    throttle_classes = [ScopedRateThrottle]  # ObtainAuthToken turns throttling off

    @extend_schema(
        request=inline_serializer(
            "TokenRequest",
            {"username": serializers.CharField(), "password": serializers.CharField()},
        ),
        responses={200: inline_serializer("TokenResponse", {"token": serializers.CharField()})},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        credentials = {"username": request.data.get("username", "")}
        if AxesProxyHandler.is_locked(request._request, credentials):
            raise Throttled(detail=_("连续多次密码错误，该账号已被暂时锁定，请稍后再试。"))
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if not two_factor.password_token_allowed(serializer.validated_data["user"]):
            raise PermissionDenied(two_factor.PASSWORD_TOKEN_REFUSED)
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})


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


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's own notifications, newest first, in the caller's language."""

    serializer_class = NotificationSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        shown = selectors.notifications_for(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true", "True"):
            shown = shown.filter(read_at__isnull=True)
        return shown.order_by("-created_at", "-pk")

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="1: only the unread notifications"
            )
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=NotificationReadSerializer, responses=NotificationMarkedSerializer)
    @action(detail=False, methods=["post"])
    def read(self, request):
        """Mark the given notifications of the caller read (all of them without ``ids``)."""
        serializer = NotificationReadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        marked = services.notification_mark_read(
            user=request.user, notification_ids=serializer.validated_data.get("ids")
        )
        return Response({"marked": marked})
