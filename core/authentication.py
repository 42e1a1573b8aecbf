"""DRF's token authentication, refusing a key that no token can have before it reaches the database.

A NUL character in ``Authorization: Token …`` was a 500 on PostgreSQL (text parameters cannot hold NUL);
keys are 40 hexadecimal digits (``Token.generate_key``), so anything else is simply an invalid token.
"""

import re
from typing import Any

from rest_framework import authentication, exceptions

TOKEN_KEY = re.compile(r"[0-9a-fA-F]{1,40}")


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if not TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)
