"""A fake OpenAI-compatible upstream for the benchmark: answers every chat completion with the same valid
job-posting JSON after a fixed latency ± jitter, on one asyncio loop (a few thousand answers a second on one
core, so it is never what the benchmark measures).

    python -m bench.upstream --port 9100 --latency-ms 1000 --jitter-ms 200

``GET /_bench/latency?ms=…&jitter=…`` changes the latency of the running server (the driver does, per load).
``GET /_bench/last`` tells the model and the Authorization header of the last chat completion (for tests).
Any other request is a chat completion: the body is kept (for ``/_bench/last``), not parsed.
"""

import argparse
import asyncio
import json
import random
from urllib.parse import parse_qs, urlsplit

POSTING = {
    "title": "Senior Backend Engineer",
    "company": {"name": "Acme Analytics GmbH", "url": "https://acme.example"},
    "locations": [{"city": "Berlin", "region": None, "country_code": "DE", "raw": "Berlin, Germany"}],
    "work_mode": "hybrid",
    "employment_type": ["FULL_TIME"],
    "seniority": "senior",
    "salary": {"currency": "EUR", "min": 75000, "max": 90000, "period": "YEAR", "raw": "EUR 75,000-90,000 a year"},
    "skills_required": ["Python", "Django", "PostgreSQL", "Redis"],
    "skills_nice_to_have": ["Kubernetes"],
    "responsibilities": ["Design and run the data APIs", "Review code"],
    "requirements": ["5 years of backend development"],
    "benefits": ["30 days of holiday"],
    "keywords": ["backend", "python"],
    "date_posted": "2026-11-20",
    "application_deadline": None,
    "apply_url": "https://acme.example/jobs/42",
    "language": "en",
    "description_text": "Acme Analytics is hiring a senior backend engineer in Berlin to build its data APIs.",
}


def completion_body(model: str = "gpt-bench") -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": 1_764_000_000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": json.dumps(POSTING), "refusal": None},
                    "finish_reason": "stop",
                    "logprobs": None,
                }
            ],
            "usage": {"prompt_tokens": 820, "completion_tokens": 240, "total_tokens": 1060},
        }
    ).encode()


def http_response(status: str, body: bytes) -> bytes:
    head = f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    return head.encode() + body


COMPLETION = http_response("200 OK", completion_body())
NO_CONTENT = b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"


class Latency:
    ms = 0.0
    jitter_ms = 0.0

    @classmethod
    def draw(cls) -> float:
        """Seconds to wait for one answer: uniform in [ms - jitter, ms + jitter], never below 0."""
        return max(0.0, cls.ms + random.uniform(-cls.jitter_ms, cls.jitter_ms)) / 1000


class Last:
    """The last chat completion request: its head and body, parsed only when asked for."""

    head = ""
    body = b""

    @classmethod
    def described(cls) -> bytes:
        headers = dict(line.partition(":")[::2] for line in cls.head.split("\r\n")[1:])
        authorization = next((v.strip() for k, v in headers.items() if k.strip().lower() == "authorization"), "")
        model = json.loads(cls.body).get("model", "") if cls.body else ""
        return http_response("200 OK", json.dumps({"authorization": authorization, "model": model}).encode())


class UpstreamProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, one request at a time per connection (what the SDKs and wrk send)."""

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport
        self.buffer = b""

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].decode("latin-1")
            length = 0
            for line in head.split("\r\n")[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if len(self.buffer) < end + 4 + length:
                return
            body, self.buffer = self.buffer[end + 4 : end + 4 + length], self.buffer[end + 4 + length :]
            self.answer(head, body)

    def answer(self, head: str, body: bytes) -> None:
        target = head.split(" ", 2)[1]
        if target.startswith("/_bench/last"):
            self.transport.write(Last.described())
            return
        if target.startswith("/_bench/latency"):
            query = parse_qs(urlsplit(target).query)
            Latency.ms = float(query.get("ms", ["0"])[0])
            Latency.jitter_ms = float(query.get("jitter", ["0"])[0])
            self.transport.write(NO_CONTENT)
            return
        Last.head, Last.body = head, body
        delay = Latency.draw()
        if delay:
            asyncio.get_running_loop().call_later(delay, self.send, COMPLETION)
        else:
            self.send(COMPLETION)

    def send(self, response: bytes) -> None:
        if not self.transport.is_closing():
            self.transport.write(response)


async def serve(host: str, port: int) -> None:
    server = await asyncio.get_running_loop().create_server(UpstreamProtocol, host, port, backlog=4096)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    args = parser.parse_args()
    Latency.ms, Latency.jitter_ms = args.latency_ms, args.jitter_ms
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
