"""A fake vendor API on 127.0.0.1 that speaks OpenAI, Anthropic and Gemini on the wire.

The real SDKs send through ``httpx2``, which respx does not patch, so the backends are tested against
a real HTTP server instead. It records every request it receives and answers from a FIFO queue of
scripted replies; with the queue empty it answers like a healthy vendor (text ``"ok"``, models list).

    server = VendorServer().start()
    server.reply_json(vendor="openai", payload={"title": "Engineer"}, input_tokens=12, output_tokens=7)
    client = OpenAI(api_key="sk-…", base_url=server.base_url("openai"), max_retries=0)
    ...
    server.requests[0].json["model"]; server.requests[0].headers["authorization"]
    server.stop()

Misbehaving vendors (tests/faults): ``reply_trickling`` (a healthy answer a byte at a time, for longer than
any timeout), ``reply_flooding`` (an answer of tens of megabytes, sent as fast as the client reads) and
``reply_resetting`` (half an answer, then a TCP reset). Each stops as soon as the client hangs up.

Vendors are recognised by path (``/v1/chat/completions`` → openai, ``/v1/messages`` → anthropic,
``…:generateContent`` → gemini) and, for the models list, by auth header.
"""

import json
import re
import socket
import struct
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

VENDORS = ("openai", "anthropic", "gemini")
GEMINI_PATH = re.compile(r"^/(v1|v1beta)/models/(?P<model>[^/:]+):generateContent$")


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names
    body: bytes

    @cached_property
    def json(self) -> Any:
        return json.loads(self.body) if self.body else None

    @property
    def vendor(self) -> str:
        if self.path.startswith("/v1/chat/completions"):
            return "openai"
        if self.path.startswith("/v1/messages"):
            return "anthropic"
        if "x-goog-api-key" in self.headers or GEMINI_PATH.match(self.path.split("?")[0]):
            return "gemini"
        return "anthropic" if "anthropic-version" in self.headers else "openai"

    @property
    def requested_model(self) -> str:
        match = GEMINI_PATH.match(self.path.split("?")[0])
        if match:
            return match["model"]
        return (self.json or {}).get("model", "") if self.method == "POST" else ""


@dataclass
class ScriptedReply:
    """One answer: a status, a body (bytes, or built from the request) and headers, after a delay."""

    status: int = 200
    body: bytes | Callable[[RecordedRequest], bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering: longer than the client's timeout forces a timeout
    misbehave: str = ""  # "trickle" | "flood" | "reset"; see VendorServer.reply_trickling and the next two
    size: int = 0  # flood: bytes announced and sent
    interval: float = 0.0  # trickle: seconds between bytes


# Success envelopes, one per vendor, in each vendor's wire format.


def openai_completion(text: str, model: str, input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": 1_764_000_000,
        "model": model,
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {
            "prompt_tokens": input_tokens,
            "completion_tokens": output_tokens,
            "total_tokens": input_tokens + output_tokens,
        },
    }


def anthropic_message(text: str, model: str, input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "id": "msg_fake",
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": text}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
    }


def gemini_response(text: str, model: str, input_tokens: int, output_tokens: int) -> dict[str, Any]:
    return {
        "candidates": [{"content": {"role": "model", "parts": [{"text": text}]}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {
            "promptTokenCount": input_tokens,
            "candidatesTokenCount": output_tokens,
            "totalTokenCount": input_tokens + output_tokens,
        },
        "modelVersion": model,
        "responseId": "fake-response",
    }


ENVELOPES = {"openai": openai_completion, "anthropic": anthropic_message, "gemini": gemini_response}

MODELS_LISTS = {
    "openai": {"object": "list", "data": [{"id": "gpt-fake", "object": "model", "created": 0, "owned_by": "fake"}]},
    "anthropic": {
        "data": [
            {"id": "claude-fake", "type": "model", "display_name": "Claude Fake", "created_at": "2026-01-01T00:00:00Z"}
        ],
        "has_more": False,
        "first_id": "claude-fake",
        "last_id": "claude-fake",
    },
    "gemini": {"models": [{"name": "models/gemini-fake", "displayName": "Gemini Fake"}]},
}


def vendor_error(vendor: str, status: int, message: str) -> dict[str, Any]:
    """The error body each vendor sends (Gemini's 400 for a bad key carries reason API_KEY_INVALID)."""
    if vendor == "anthropic":
        kind = {401: "authentication_error", 429: "rate_limit_error", 529: "overloaded_error"}.get(status, "api_error")
        return {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_fake"}
    if vendor == "gemini":
        body: dict[str, Any] = {"code": status, "message": message, "status": _GOOGLE_STATUS.get(status, "UNKNOWN")}
        if status == 400 and "key" in message.lower():
            body["details"] = [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]
        return {"error": body}
    return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": None}}


_GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    503: "UNAVAILABLE",
}


def healthy_reply(request: RecordedRequest) -> bytes:
    """What a working vendor answers when nothing is queued: its models list, or the text "ok"."""
    if request.method == "GET":
        return json.dumps(MODELS_LISTS[request.vendor]).encode()
    envelope = ENVELOPES[request.vendor]
    return json.dumps(envelope("ok", request.requested_model or "fake-model", 5, 1)).encode()


class VendorServer:
    """A real HTTP server in a background thread; see the module docstring.

    ``url`` is ``http://127.0.0.1:<port>``; ``base_url(vendor)`` is what to give that vendor's SDK
    (or store in ``AIProviderConfig.base_url``): OpenAI's SDK expects the ``/v1`` in it, the others
    add their own version prefix. ``requests`` lists every request received, oldest first.
    """

    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.replies: deque[ScriptedReply] = deque()
        self._stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._httpd.daemon_threads = True
        self._httpd.block_on_close = False
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-vendor", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def base_url(self, vendor: str) -> str:
        return f"{self.url}/v1" if vendor == "openai" else self.url

    def start(self) -> "VendorServer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes handlers sleeping on a scripted delay
        self._httpd.shutdown()
        self._httpd.server_close()

    # Scripting: each call queues one reply for one request.

    def reply(
        self,
        status: int = 200,
        *,
        json_body: Any = None,
        body: bytes = b"",
        headers: dict | None = None,
        delay: float = 0.0,
    ) -> None:
        """Queue a raw reply: ``json_body`` (encoded) or ``body`` bytes as they are."""
        payload = json.dumps(json_body).encode() if json_body is not None else body
        self.replies.append(ScriptedReply(status, payload, dict(headers or {}), delay))

    def reply_text(
        self, *, vendor: str, text: str, input_tokens: int = 10, output_tokens: int = 5, model: str | None = None
    ) -> None:
        """Queue a successful generation in ``vendor``'s format; ``model`` defaults to the requested one."""
        envelope = ENVELOPES[vendor]

        def build(request: RecordedRequest) -> bytes:
            resolved = model or request.requested_model or "fake-model"
            return json.dumps(envelope(text, resolved, input_tokens, output_tokens)).encode()

        self.replies.append(ScriptedReply(200, build))

    def reply_json(
        self, *, vendor: str, payload: Any, input_tokens: int = 10, output_tokens: int = 5, model: str | None = None
    ) -> None:
        """Queue a successful generation whose text is ``payload`` as JSON (a structured output)."""
        self.reply_text(
            vendor=vendor, text=json.dumps(payload), input_tokens=input_tokens, output_tokens=output_tokens, model=model
        )

    def reply_error(
        self, *, vendor: str, status: int, message: str = "fake failure", headers: dict | None = None
    ) -> None:
        """Queue an error in ``vendor``'s error format (e.g. 401, 429 with ``{"retry-after": "7"}``, 500)."""
        self.reply(status, json_body=vendor_error(vendor, status, message), headers=headers)

    def reply_malformed(self, status: int = 200) -> None:
        """Queue a body that claims to be JSON and is not."""
        self.reply(status, body=b'{"choices": [ this is not json', headers={"content-type": "application/json"})

    def reply_slowly(self, seconds: float) -> None:
        """Queue a healthy reply sent only after ``seconds``: a client with a shorter timeout gives up."""
        self.replies.append(ScriptedReply(200, healthy_reply, delay=seconds))

    def reply_trickling(self, *, interval: float = 0.25) -> None:
        """Queue a healthy answer sent one byte every ``interval`` seconds: each read gets data well within a
        read timeout, the whole answer takes minutes."""
        self.replies.append(ScriptedReply(200, healthy_reply, misbehave="trickle", interval=interval))

    def reply_flooding(self, *, size: int = 50 * 1024 * 1024) -> None:
        """Queue a 200 of ``size`` bytes (a JSON string that never ends), written as fast as the client reads."""
        self.replies.append(ScriptedReply(200, b"", misbehave="flood", size=size))

    def reply_resetting(self) -> None:
        """Queue a healthy answer cut halfway by a TCP reset (RST), as a crashing vendor or proxy sends."""
        self.replies.append(ScriptedReply(200, healthy_reply, misbehave="reset"))

    # Called by the handler thread.

    def _answer(self, request: RecordedRequest) -> ScriptedReply:
        self.requests.append(request)
        reply = self.replies.popleft() if self.replies else ScriptedReply(200, healthy_reply)
        if reply.delay:
            self._stopping.wait(reply.delay)
        return reply


class _VendorHandler(BaseHTTPRequestHandler):
    """One request to the fake vendor: recorded, answered with the next scripted reply."""

    server_state: "VendorServer"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self._handle()

    def do_POST(self) -> None:
        self._handle()

    def _handle(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {name.lower(): value for name, value in self.headers.items()}
        request = RecordedRequest(self.command, self.path, headers, body)
        reply = self.server_state._answer(request)
        payload = reply.body(request) if callable(reply.body) else reply.body
        try:
            self.send_response(reply.status)
            reply_headers = {"content-type": "application/json", **reply.headers}
            for name, value in reply_headers.items():
                self.send_header(name, value)
            self.send_header("content-length", str(reply.size or len(payload)))
            self.end_headers()
            getattr(self, f"_send_{reply.misbehave or 'whole'}")(reply, payload)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client timed out and hung up: expected in timeout tests

    def _send_whole(self, reply: ScriptedReply, payload: bytes) -> None:
        self.wfile.write(payload)

    def _send_trickle(self, reply: ScriptedReply, payload: bytes) -> None:
        for index in range(len(payload)):
            if self.server_state._stopping.wait(reply.interval):
                return
            self.wfile.write(payload[index : index + 1])

    def _send_flood(self, reply: ScriptedReply, payload: bytes) -> None:
        chunk = b'{"text": "' + b"a" * (64 * 1024 - 10)
        for _ in range(reply.size // len(chunk)):
            if self.server_state._stopping.is_set():
                return
            self.wfile.write(chunk)
            chunk = b"a" * len(chunk)

    def _send_reset(self, reply: ScriptedReply, payload: bytes) -> None:
        self.wfile.write(payload[: len(payload) // 2])
        # Linger on with a zero timeout: close() sends a RST instead of a FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:
        pass


def _handler_for(server: VendorServer) -> type[BaseHTTPRequestHandler]:
    return type("Handler", (_VendorHandler,), {"server_state": server})
