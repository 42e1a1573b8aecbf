"""OpenAI (and OpenAI-compatible servers, through ``base_url``) via the official ``openai`` SDK.

Chat completions, because every OpenAI-compatible server (vLLM, Ollama, gateways) speaks them.
JSON output uses ``response_format`` json_schema; ``strict`` is on only when the schema meets strict
mode's rules (every object closed and every property required), since strict mode rejects others.
``base_url`` is what the SDK expects, version included (``https://host/v1``).
"""

import json
import re
import time
from functools import cached_property, lru_cache
from typing import Any

import openai
from openai.types.chat import ChatCompletion

from providers.backends._common import (
    VALIDATE_TIMEOUT_SECONDS,
    build_result,
    call_stainless,
    check_images,
    data_url,
    effective_timeout,
    reading_response,
    stainless_client,
)
from providers.base import AIProvider, ErrorCode, GenerationRequest, GenerationResult, ProviderError


def meets_strict_mode(schema: Any) -> bool:
    """True when every object in the schema lists all its properties as required and allows no others."""
    if isinstance(schema, list):
        return all(meets_strict_mode(item) for item in schema)
    if not isinstance(schema, dict):
        return True
    if schema.get("type") == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        if schema.get("additionalProperties") is not False or set(schema.get("required", [])) != set(properties):
            return False
    return all(meets_strict_mode(value) for value in schema.values())


class OpenAIProvider(AIProvider):
    provider_type = "openai"

    @cached_property
    def _client(self) -> openai.OpenAI:
        return stainless_client(openai.OpenAI, openai.DefaultHttpxClient, provider=self)

    def generate(self, request: GenerationRequest) -> GenerationResult:
        check_images(request)
        timeout = effective_timeout(request.timeout, self.timeout)
        started = time.perf_counter()
        completion = call_stainless(
            openai,
            self._create_completion,
            api_key=self._api_key,
            timeout=timeout,
            **self._arguments(request),
        )
        with reading_response():
            choice, usage = completion.choices[0], completion.usage
            details = usage.prompt_tokens_details
            cached_tokens = (details.cached_tokens or 0) if details else 0
            text, finish_reason = choice.message.content or "", choice.finish_reason or ""
            refused = bool(choice.message.refusal) and not text
        if refused and request.output_schema is not None:
            refusal = "the model refused to answer"
            raise ProviderError(ErrorCode.INVALID_OUTPUT, refusal, retryable=False, input_tokens=usage.prompt_tokens)
        return build_result(
            request,
            started=started,
            text=text,
            input_tokens=usage.prompt_tokens,
            output_tokens=usage.completion_tokens,
            model=completion.model,
            finish_reason=finish_reason,
            cached_input_tokens=cached_tokens,
        )

    def _create_completion(self, *, timeout: float, **body: Any) -> ChatCompletion:
        """``POST /chat/completions`` through the SDK's client — its errors, timeout and response model — but
        without ``chat.completions.create``'s transform of typed arguments, which walks the parameter
        annotations and the whole output schema on every call (a tenth of an extraction request's CPU).
        The body is what ``create`` would send: the arguments are already plain JSON."""
        return self._client.post("/chat/completions", cast_to=ChatCompletion, body=body, options={"timeout": timeout})

    def validate_credentials(self) -> None:
        timeout = min(self.timeout, VALIDATE_TIMEOUT_SECONDS)
        call_stainless(openai, self._client.models.list, api_key=self._api_key, timeout=timeout)

    def _arguments(self, request: GenerationRequest) -> dict[str, Any]:
        messages: list[dict[str, Any]] = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages.append({"role": "user", "content": self._user_content(request)})
        arguments: dict[str, Any] = {
            "model": request.model,
            "messages": messages,
            "max_completion_tokens": request.max_output_tokens,
        }
        if request.temperature is not None:
            arguments["temperature"] = request.temperature
        if request.output_schema is not None:
            arguments["response_format"] = self._response_format(request)
        return arguments

    @staticmethod
    def _user_content(request: GenerationRequest) -> str | list[dict[str, Any]]:
        if not request.images:
            return request.prompt
        images = [{"type": "image_url", "image_url": {"url": data_url(image)}} for image in request.images]
        return [{"type": "text", "text": request.prompt}, *images]

    @staticmethod
    def _response_format(request: GenerationRequest) -> dict[str, Any]:
        name = re.sub(r"[^A-Za-z0-9_-]", "_", request.schema_name)[:64] or "output"
        schema = request.output_schema
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema, "strict": _strict_mode_allowed(json.dumps(schema))},
        }


@lru_cache(maxsize=64)
def _strict_mode_allowed(schema_json: str) -> bool:
    """``meets_strict_mode`` of a schema, once per distinct schema: the walk cost 4 % of a request's CPU."""
    return meets_strict_mode(json.loads(schema_json))
