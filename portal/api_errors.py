"""How the API answers the services' errors, for every app: a ValidationError is a 400 naming
the field, a StateConflict (frozen or stale data) a 409."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers, status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import EditConflict, StateConflict


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The object changed or is not in a state that allows this."
    default_code = "conflict"


def _django_validation_detail(exc: DjangoValidationError):
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    """Turn the services' Django ValidationErrors into 400s (409 for frozen or stale data; a
    stale edit of one item answers which item, what it holds now and the version to send)."""
    if isinstance(exc, EditConflict):
        return Response(
            {"detail": exc.messages[0], "conflict": exc.as_json()}, status=status.HTTP_409_CONFLICT
        )
    if isinstance(exc, DjangoValidationError):
        detail = _django_validation_detail(exc)
        if isinstance(exc, StateConflict):
            exc = Conflict(detail=detail)
        else:
            exc = serializers.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)
