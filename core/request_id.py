"""The id of the HTTP request (or of the AI call) being served, for logs and the usage log.

``RequestIdMiddleware`` takes the client's (or the proxy's) ``X-Request-ID`` when it is a sane token
(1 to 64 characters of ``[A-Za-z0-9._-]``), else makes a uuid4 hex; binds it here for the request's duration
and returns it in the response's ``X-Request-ID``. The log filter (core.logging) adds it to every record.

Usage-log rows share it: ``request_uuid()`` is the id every orchestrator call writes, so the id a client
sees in ``X-Request-ID`` is the one to search for in the usage log (the admin searches by it). A client id
that is not a UUID cannot be stored there (the column is a UUID): such a request gets one UUID of its own,
fixed when the id is bound, so all the rows of that request still share it.

Nothing passes the id by hand: outside an HTTP request (a command, a test) ``request_id_scope()`` binds a
fresh one for the duration of a unit of work (``task_run``: the first call and its repair share it).
"""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass

SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")


@dataclass(frozen=True)
class _Bound:
    text: str  # as received or made: logged and echoed
    uuid: uuid.UUID  # as written to the usage log


_current: ContextVar[_Bound | None] = ContextVar("request_id", default=None)


def request_id_from_header(value: str | None) -> str:
    return value if value and SANE_REQUEST_ID.fullmatch(value) else uuid.uuid4().hex


def _as_uuid(request_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(hex=request_id)
    except ValueError:
        return uuid.uuid4()


def request_id_bind(request_id: str) -> Token:
    return _current.set(_Bound(request_id, _as_uuid(request_id)))


def request_id_unbind(token: Token) -> None:
    _current.reset(token)


@contextmanager
def request_id_scope() -> Iterator[None]:
    """Keep the bound id, or bind a fresh one until the block ends."""
    if _current.get() is not None:
        yield
        return
    token = request_id_bind(uuid.uuid4().hex)
    try:
        yield
    finally:
        request_id_unbind(token)


def current_request_id() -> str | None:
    bound = _current.get()
    return bound.text if bound else None


def request_uuid() -> uuid.UUID:
    """The bound request's UUID (see the module docstring); a new one when nothing is bound."""
    bound = _current.get()
    return bound.uuid if bound else uuid.uuid4()
