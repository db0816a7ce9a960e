"""API plumbing shared by every app: error mapping and the token endpoint."""

from axes.handlers.proxy import AxesProxyHandler
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import APIException, Throttled
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import StateConflict


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object changed or is not in a state that allows this."
    default_code = "conflict"


def _django_validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    """Turn the services' Django ValidationErrors into 400s (409 for frozen or stale data)."""
    if isinstance(exc, DjangoValidationError):
        detail = _django_validation_detail(exc)
        if isinstance(exc, StateConflict):
            exc = Conflict(detail=detail)
        else:
            exc = serializers.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


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
        token, _created = Token.objects.get_or_create(user=serializer.validated_data["user"])
        return Response({"token": token.key})
