"""The HTTP client under the vendor SDKs: an overall deadline and a maximum answer size per call.

The SDKs' timeouts are per socket operation: a vendor that sends a byte every few seconds never trips a
60-second read timeout, and an answer of tens of megabytes is read whole into memory. So every call runs
inside ``call_budget(seconds=…, max_bytes=…)``, and the sockets of the SDKs' clients check it on each
read, write and connect:

- each wait is cut to the time left, and past the deadline a read raises ``httpcore2.ReadTimeout``, which
  each SDK reports as its own timeout error (→ ``ProviderError`` timeout → 504), within the deadline;
- past ``max_bytes`` received (headers included, before any decompression) a read raises
  ``ResponseTooLarge``, so at most that much is ever buffered; the SDKs report it as a connection error
  whose causes ``_common.transport_error`` searches (retryable, like a vendor outage).

The budget is a context variable: per thread and per gevent greenlet, so calls in flight on one pooled
connection or client never share one. Outside a budget (nothing set) the sockets behave as usual.
"""

import ssl
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

import httpcore2
import httpx2


class ResponseTooLarge(httpcore2.ReadError):
    """A read error to httpx (it becomes ``httpx2.ReadError`` with this as its ``__cause__``), so that the SDKs
    treat it like any lost connection and close it; ``_common.transport_error`` tells it apart."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(f"the answer is larger than {max_bytes} bytes")
        self.max_bytes = max_bytes


@dataclass
class _Budget:
    deadline: float  # time.monotonic()
    max_bytes: int
    received: int = 0

    def wait(self, timeout: float | None, expired: type[Exception]) -> float:
        """The longest this socket operation may wait: its own timeout cut to the time left."""
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise expired("the call's deadline has passed")
        return left if timeout is None else min(timeout, left)


_budget: ContextVar[_Budget | None] = ContextVar("vendor_call_budget", default=None)


@contextmanager
def call_budget(*, seconds: float, max_bytes: int) -> Iterator[None]:
    """Bound every vendor request made inside: ``seconds`` in all from now, ``max_bytes`` received in all."""
    token = _budget.set(_Budget(deadline=time.monotonic() + seconds, max_bytes=max_bytes))
    try:
        yield
    finally:
        _budget.reset(token)


class _BudgetedStream(httpcore2.NetworkStream):
    def __init__(self, stream: httpcore2.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        budget = _budget.get()
        if budget is None:
            return self._stream.read(max_bytes, timeout)
        data = self._stream.read(max_bytes, budget.wait(timeout, httpcore2.ReadTimeout))
        budget.received += len(data)
        if budget.received > budget.max_bytes:
            raise ResponseTooLarge(budget.max_bytes)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        budget = _budget.get()
        if budget is not None:
            timeout = budget.wait(timeout, httpcore2.WriteTimeout)
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore2.NetworkStream:
        budget = _budget.get()
        if budget is not None:
            timeout = budget.wait(timeout, httpcore2.ConnectTimeout)
        return _BudgetedStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _BudgetedBackend(httpcore2.SyncBackend):
    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore2.NetworkStream:
        budget = _budget.get()
        if budget is not None:
            timeout = budget.wait(timeout, httpcore2.ConnectTimeout)
        return _BudgetedStream(super().connect_tcp(host, port, timeout, local_address, socket_options))


def budgeted_transport() -> httpx2.HTTPTransport:
    """httpx's default transport (TLS verified, HTTP/1.1, keep-alive pool) on budget-checking sockets.

    httpx has no option for a network backend, so the transport's connection pool is replaced by the same
    pool with one; the fault tests (tests/faults/test_provider_faults.py) catch a change of that attribute.
    """
    transport = httpx2.HTTPTransport()
    limits = httpx2.Limits(max_connections=1000, max_keepalive_connections=100, keepalive_expiry=5.0)
    transport._pool = httpcore2.ConnectionPool(
        ssl_context=httpx2.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_BudgetedBackend(),
    )
    return transport


def cut_off(err: BaseException | None) -> ResponseTooLarge | None:
    """The ``ResponseTooLarge`` behind an SDK's or httpx's error, if that is what it was."""
    while err is not None and not isinstance(err, ResponseTooLarge):
        err = err.__cause__
    return err
