"""The API's token authentication: django-rest-knox's (hashed, expiring tokens), noting when each
token was last used."""

from django.utils.translation import gettext_lazy as _
from knox.auth import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .tokens import token_mark_used


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
