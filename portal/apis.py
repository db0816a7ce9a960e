"""The ground floor's endpoints: API tokens, the enterprises, the caller's notifications."""

from axes.handlers.proxy import AxesProxyHandler
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import Throttled
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services, tokens
from .models import Notification
from .openapi import CONFLICT
from .serializers import (
    ApiTokenIssuedSerializer,
    ApiTokenSerializer,
    EnterpriseSerializer,
    NotificationMarkedSerializer,
    NotificationReadSerializer,
    NotificationSerializer,
    TokenObtainSerializer,
)
from .throttling import ScopedRateThrottle


def _issued(token, raw: str) -> dict:
    return ApiTokenIssuedSerializer(token, context={"token": raw}).data


class TokenApi(APIView):
    """Exchange a username and password for a named API token, for scripts and MES/ERP pushes
    (django-axes locks the account after repeated failures, as on the login page)."""

    permission_classes = ()
    throttle_scope = "auth"
    throttle_classes = [ScopedRateThrottle]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        request=TokenObtainSerializer,
        responses={200: ApiTokenIssuedSerializer, 409: CONFLICT},
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        data = request.data if isinstance(request.data, dict) else {}
        if AxesProxyHandler.is_locked(request._request, {"username": data.get("username", "")}):
            raise Throttled(detail=_("连续多次密码错误，该账号已被暂时锁定，请稍后再试。"))
        serializer = TokenObtainSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        token, raw = tokens.token_create(
            user=serializer.validated_data["user"],
            name=serializer.validated_data["name"],
            via=tokens.TokenChannel.PASSWORD,
            request=request,
        )
        return Response(_issued(token, raw))


class ApiTokenViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's own API tokens: list them, issue a named one (the token itself is in that
    answer only), revoke one. Another user's token is a 404."""

    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        return selectors.api_tokens_for(self.request.user)

    @extend_schema(responses={201: ApiTokenIssuedSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token, raw = tokens.token_create(
            user=request.user,
            name=serializer.validated_data["name"],
            via=tokens.TokenChannel.API,
            request=request,
        )
        return Response(_issued(token, raw), status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        tokens.token_revoke(token=instance, actor=self.request.user, request=self.request)


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
