"""DRF's token authentication, with two changes.

- A key that no token can have is refused before it reaches the database: a NUL character in
  ``Authorization: Token …`` was a 500 on PostgreSQL (text parameters cannot hold NUL); keys are 40
  hexadecimal digits (``Token.generate_key``), so anything else is simply an invalid token.
- The user's subscription and plan come in the same query as the token and the user, so the plan of the
  request (``subscriptions.selectors.plan_for_user``, read by the throttle and the orchestrator) costs no
  query of its own.
"""

import re
from typing import Any

from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

TOKEN_KEY = re.compile(r"[0-9a-fA-F]{1,40}")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if not TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        token = Token.objects.select_related("user__subscription__plan").filter(key=key).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        return token.user, token
