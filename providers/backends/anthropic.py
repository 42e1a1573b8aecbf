"""Anthropic via the official ``anthropic`` SDK: the Messages API.

JSON output uses structured outputs (``output_config.format`` json_schema); the schema goes through the
SDK's own ``transform_schema``, which closes every object and moves unsupported constraints into
descriptions, as Anthropic requires. ``temperature`` is not sent: the SDK (2.x) has no such argument
and the API version it speaks (2026-10-21) answers 400 to any sampling parameter.
Images go before the text, as Anthropic recommends.
"""

import time
from functools import cached_property
from typing import Any

import anthropic

from providers.backends._common import (
    VALIDATE_TIMEOUT_SECONDS,
    base64_data,
    build_result,
    call_stainless,
    check_images,
    effective_timeout,
    reading_response,
    stainless_client,
)
from providers.base import AIProvider, ErrorCode, GenerationRequest, GenerationResult, ProviderError


class AnthropicProvider(AIProvider):
    provider_type = "anthropic"

    @cached_property
    def _client(self) -> anthropic.Anthropic:
        return stainless_client(anthropic.Anthropic, anthropic.DefaultHttpxClient, provider=self)

    def generate(self, request: GenerationRequest) -> GenerationResult:
        check_images(request)
        timeout = effective_timeout(request.timeout, self.timeout)
        started = time.perf_counter()
        message = call_stainless(
            anthropic, self._client.messages.create, api_key=self._api_key, timeout=timeout, **self._arguments(request)
        )
        with reading_response():
            text = "".join(block.text for block in message.content if block.type == "text")
            usage = message.usage
            cached_tokens = usage.cache_read_input_tokens or 0
            # input_tokens counts only the uncached part; the cache reads and writes are billed input too.
            input_tokens = usage.input_tokens + cached_tokens + (usage.cache_creation_input_tokens or 0)
        return build_result(
            request,
            started=started,
            text=text,
            input_tokens=input_tokens,
            output_tokens=usage.output_tokens,
            model=message.model,
            finish_reason=message.stop_reason or "",
            cached_input_tokens=cached_tokens,
        )

    def validate_credentials(self) -> None:
        timeout = min(self.timeout, VALIDATE_TIMEOUT_SECONDS)
        call_stainless(anthropic, self._client.models.list, api_key=self._api_key, timeout=timeout, limit=1)

    def _arguments(self, request: GenerationRequest) -> dict[str, Any]:
        images = [
            {"type": "image", "source": {"type": "base64", "media_type": image.mime_type, "data": base64_data(image)}}
            for image in request.images
        ]
        arguments: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_output_tokens,
            "messages": [{"role": "user", "content": [*images, {"type": "text", "text": request.prompt}]}],
        }
        if request.system:
            arguments["system"] = request.system
        if request.output_schema is not None:
            arguments["output_config"] = {"format": {"type": "json_schema", "schema": _strict(request.output_schema)}}
        return arguments


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    try:
        return anthropic.transform_schema(schema)
    except ValueError as err:
        raise ProviderError(ErrorCode.BAD_REQUEST, f"the output schema cannot be used: {err}") from None
