"""The OpenAPI schema documents the error answers every operation can give.

drf-spectacular documents only the success; the error statuses follow from the view itself
(DESIGN §6): 400 for bad input, 401/403 for authentication and permission, 404 for an object
outside the caller's reach, 409 for a stale version or a transition not allowed, 429 when a
throttle applies (and 415 for a body in a format not accepted). An operation keeps whatever it declares
itself for a status.
The API token's security scheme is drf-spectacular's own for django-rest-knox.
"""

import copy

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from .authentication import VerifiedSessionAuthentication

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
JSON = "application/json"  # errors are JSON whatever the success renders


def _detail(name: str, description: str) -> OpenApiResponse:
    return OpenApiResponse(
        inline_serializer(name, {"detail": serializers.CharField()}), description=description
    )


# ``{"field": ["message", …]}`` (``detail`` or ``non_field_errors`` when not one field's).
BAD_INPUT = OpenApiResponse(OpenApiTypes.OBJECT, description="Bad input, by field.")
UNAUTHENTICATED = _detail("AuthenticationError", "Missing or invalid credentials.")
FORBIDDEN = _detail("PermissionError", "Not allowed for this user.")
NOT_FOUND = _detail("NotFoundError", "No such object within the caller's reach.")
CONFLICT = OpenApiResponse(
    OpenApiTypes.OBJECT, description="A stale version or a state that does not allow this."
)
UNSUPPORTED_MEDIA_TYPE = _detail("UnsupportedMediaTypeError", "A body in a format not accepted.")
THROTTLED = _detail("ThrottledError", "Too many requests, or a locked account.")


class ApiTokenScheme(KnoxTokenScheme):
    """knox's scheme (``Authorization: Token <token>``) for the portal's subclass of its
    authentication, under the name the schema has always given it."""

    target_class = "portal.authentication.ApiTokenAuthentication"
    name = "tokenAuth"


def _model_field(field):
    """The model field behind a ModelSerializer's field, or None."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or "." in field.source or field.source == "*":
        return None
    try:
        return model._meta.get_field(field.source)
    except FieldDoesNotExist:
        return None


class VerifiedSessionScheme(SessionScheme):
    """The session cookie, documented as DRF's own (the class only adds a refusal)."""

    target_class = "portal.authentication.VerifiedSessionAuthentication"


class AutoSchema(SpectacularAutoSchema):
    def _error_responses(self, operation: dict) -> dict:
        view = self.view
        has_input = "requestBody" in operation or any(
            p["in"] == "query" for p in operation.get("parameters", ())
        )
        permissions = view.get_permissions()
        authenticators = view.get_authenticators()
        # a view over stored objects, or one that says its writes may meet a state that
        # refuses them (``conflicts = True``)
        stored = (
            hasattr(view, "get_queryset")
            or hasattr(view, "queryset")
            or getattr(view, "conflicts", False)
        )
        rules = {
            "400": (has_input, BAD_INPUT),
            "401": (bool(authenticators), UNAUTHENTICATED),
            # a session that owes its second factor is refused even where anyone is allowed
            "403": (
                any(not isinstance(p, AllowAny) for p in permissions)
                or any(isinstance(a, VerifiedSessionAuthentication) for a in authenticators),
                FORBIDDEN,
            ),
            "404": (any(p["in"] == "path" for p in operation.get("parameters", ())), NOT_FOUND),
            "409": (self.method in UNSAFE and stored, CONFLICT),
            "415": ("requestBody" in operation, UNSUPPORTED_MEDIA_TYPE),
            "429": (bool(view.get_throttles()), THROTTLED),
        }
        return {code: response for code, (applies, response) in rules.items() if applies}

    def _map_serializer_field(self, field, direction, *args, **kwargs):
        # DRF drops allow_blank from read-only model fields, so a blank choice (a tier not
        # recommended or decided yet) would be missing from the documented enum.
        if isinstance(field, serializers.ChoiceField) and field.read_only and not field.allow_blank:
            model_field = _model_field(field)
            if model_field is not None and model_field.blank:
                field = copy.copy(field)
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, *args, **kwargs)

    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code, response in self._error_responses(operation).items():
            if code not in responses:
                responses[code] = self._get_response_for_code(response, code, [JSON])
        return operation
