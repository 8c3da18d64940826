from django.http import HttpRequest
from ninja.security import HttpBearer

from accounts.models import User
from accounts.services import api_token_authenticate


class BearerToken(HttpBearer):
    """`Authorization: Bearer <token>` for staff; see `manage.py api_token`."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = api_token_authenticate(token)
        if user is not None:
            request.user = user
        return user
