"""The id of the HTTP request being served, for logs and the usage log.

``RequestIdMiddleware`` takes the client's (or the proxy's) ``X-Request-ID`` when it is a sane token
(1 to 64 characters of ``[A-Za-z0-9._-]``), else makes a uuid4 hex; binds it here for the request's duration
and returns it in the response's ``X-Request-ID``. The log filter (core.logging) adds it to every record.

Usage-log rows share it: ``request_uuid()`` is the default request id of an orchestrator call, so the id a
client sees in ``X-Request-ID`` is the one to search for in the usage log (the admin searches by it). A
client id that is not a UUID cannot be stored there (the column is a UUID); such a call gets its own.
"""

import re
import uuid
from contextvars import ContextVar, Token

SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[str | None] = ContextVar("request_id", default=None)


def request_id_from_header(value: str | None) -> str:
    return value if value and SANE_REQUEST_ID.fullmatch(value) else uuid.uuid4().hex


def request_id_bind(request_id: str) -> Token:
    return _current.set(request_id)


def request_id_unbind(token: Token) -> None:
    _current.reset(token)


def current_request_id() -> str | None:
    return _current.get()


def request_uuid() -> uuid.UUID:
    """The current HTTP request's id when it is a UUID (ours always are), else a new one."""
    current = _current.get()
    if current:
        try:
            return uuid.UUID(hex=current)
        except ValueError:
            pass
    return uuid.uuid4()
