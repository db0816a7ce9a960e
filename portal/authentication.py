"""The API's session authentication: a session that still owes its second factor is refused, so
the API is no way around the verify step. Token requests are not concerned: the token endpoint
gives no token for a password alone to whoever signs in with a second factor."""

from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import PermissionDenied

from .two_factor import SECOND_FACTOR_PENDING, second_factor_step


class VerifiedSessionAuthentication(SessionAuthentication):
    def authenticate(self, request):
        authenticated = super().authenticate(request)
        if authenticated is not None and second_factor_step(request._request) is not None:
            raise PermissionDenied(SECOND_FACTOR_PENDING)
        return authenticated
