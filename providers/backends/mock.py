"""An offline, deterministic test double. Not an LLM: it is labelled so wherever it is listed.

It answers any JSON schema with a schema-valid document and reports plausible token counts
(~4 characters a token). Tests can queue replies or errors with ``MockProvider.queue``.
"""

import json
import time
from collections import deque
from typing import Any

from providers.base import AIProvider, GenerationRequest, GenerationResult, ProviderError

CHARS_PER_TOKEN = 4


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if not ref:
        return schema
    node: Any = root
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def sample_for_schema(schema: dict[str, Any], root: dict[str, Any] | None = None, name: str = "value") -> Any:
    """A minimal document valid against ``schema`` (objects, arrays, enums, anyOf, $ref). A string says
    which field it fills ("mock title (not an LLM)"): what the demo saves reads as a labelled placeholder,
    never as a model's answer, and holds enough text for the next step (a job extracted by the mock is long
    enough to draft from)."""
    root = root if root is not None else schema
    schema = _resolve(schema, root)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [_resolve(s, root) for s in schema[key]]
            non_null = [s for s in options if s.get("type") != "null"]
            return sample_for_schema((non_null or options)[0], root, name)
    kind = schema.get("type", "object")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        props = schema.get("properties", {})
        return {prop: sample_for_schema(sub, root, prop) for prop, sub in props.items()}
    if kind == "array":
        return [sample_for_schema(schema["items"], root, name) for _ in range(schema.get("minItems", 0))]
    return {"string": f"mock {name} (not an LLM)", "integer": 0, "number": 0, "boolean": False, "null": None}[kind]


class MockProvider(AIProvider):
    provider_type = "mock"
    is_llm = False

    # Replies queued by tests: a str (the text returned) or a ProviderError (raised). FIFO, shared.
    queue: deque[str | ProviderError] = deque()

    def generate(self, request: GenerationRequest) -> GenerationResult:
        started = time.perf_counter()
        text = self._next_text(request)
        prompt_chars = len(request.system) + len(request.prompt) + 1000 * len(request.images)
        input_tokens = max(1, prompt_chars // CHARS_PER_TOKEN)
        return GenerationResult(
            text=text,
            parsed=self._parse(text, input_tokens) if request.output_schema is not None else None,
            input_tokens=input_tokens,
            output_tokens=max(1, len(text) // CHARS_PER_TOKEN),
            model=request.model or "mock-fast",
            latency_ms=int((time.perf_counter() - started) * 1000),
        )

    @staticmethod
    def _parse(text: str, input_tokens: int) -> Any:
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ProviderError("invalid_output", "The reply is not JSON.", input_tokens=input_tokens) from exc

    def _next_text(self, request: GenerationRequest) -> str:
        if self.queue:
            reply = self.queue.popleft()
            if isinstance(reply, ProviderError):
                raise reply
            return reply
        if request.output_schema is not None:
            return json.dumps(sample_for_schema(request.output_schema))
        return f"[mock reply to {len(request.prompt)} characters]"

    def validate_credentials(self) -> None:
        return None
