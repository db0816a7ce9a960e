"""The API's authentication: django-rest-knox's tokens (hashed, expiring), noting when each
was last used; and the session, refused while it still owes its second factor, so the API is no
way around the verify step. The token endpoint gives no token for a password alone to whoever
signs in with a second factor."""

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import AuthenticationFailed, PermissionDenied

from .tokens import token_mark_used
from .two_factor import SECOND_FACTOR_PENDING, second_factor_step


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate_credentials(self, token: bytes):
        # knox decodes the header's bytes unguarded: a byte not UTF-8 would be a 500, not a 401
        try:
            token.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed(_("Invalid token.")) from exc
        return super().authenticate_credentials(token)

    def validate_user(self, auth_token):
        user, token = super().validate_user(auth_token)
        token_mark_used(token)
        return user, token


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated is not None and second_factor_step(request._request) is not None:
            raise PermissionDenied(SECOND_FACTOR_PENDING)
        return authenticated
