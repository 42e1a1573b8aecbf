"""Gemini via the official ``google-genai`` SDK (not the end-of-life ``google-generativeai``).

google-genai has no default timeout and wraps neither timeouts nor connection failures, so the client
gets an explicit timeout and ``httpx2`` transport errors are mapped here. The client is kept on the
instance: a temporary ``genai.Client`` can be closed under a running call. JSON output uses
``response_mime_type="application/json"`` with ``response_json_schema`` (plain JSON Schema).
A wrong key may come back as 400 ``API_KEY_INVALID`` rather than 401: both are ``auth``.
"""

import json
import re
import time
from collections.abc import Callable
from functools import cached_property
from typing import Any

import httpx2
from google import genai
from google.genai import errors as genai_errors
from google.genai import types

from providers.backends._common import (
    MAX_RESPONSE_BYTES,
    VALIDATE_TIMEOUT_SECONDS,
    build_result,
    check_images,
    effective_timeout,
    reading_response,
    require_key,
    retry_after_seconds,
    status_error,
    timeout_error,
    transport_error,
    unreadable_response,
)
from providers.backends._http import budgeted_transport, call_budget
from providers.base import AIProvider, ErrorCode, GenerationRequest, GenerationResult, ProviderError

RETRY_DELAY = re.compile(r'"retryDelay":\s*"(?P<seconds>[\d.]+)s"')


class GeminiProvider(AIProvider):
    provider_type = "gemini"

    @cached_property
    def _client(self) -> genai.Client:
        require_key(self._api_key)
        options = types.HttpOptions(
            base_url=self.base_url or None,
            timeout=_milliseconds(self.timeout),
            httpx_client=httpx2.Client(transport=budgeted_transport()),
        )
        return genai.Client(api_key=self._api_key, vertexai=False, http_options=options)

    def generate(self, request: GenerationRequest) -> GenerationResult:
        check_images(request)
        timeout = effective_timeout(request.timeout, self.timeout)
        started = time.perf_counter()
        contents = [types.Part.from_bytes(data=image.data, mime_type=image.mime_type) for image in request.images]
        response = self._call(
            self._client.models.generate_content,
            timeout,
            model=request.model,
            contents=[*contents, request.prompt],
            config=self._config(request, timeout),
        )
        with reading_response():
            usage = response.usage_metadata
            # Thinking tokens are billed as output; the prompt count includes cached tokens.
            output_tokens = (usage.candidates_token_count or 0) + (usage.thoughts_token_count or 0)
            input_tokens, cached_tokens = usage.prompt_token_count or 0, usage.cached_content_token_count or 0
            finish = response.candidates[0].finish_reason if response.candidates else None
            finish_reason = str(getattr(finish, "value", finish or ""))
            text = response.text or ""
        return build_result(
            request,
            started=started,
            text=text,
            input_tokens=input_tokens,
            output_tokens=output_tokens,
            model=response.model_version or "",
            finish_reason=finish_reason,
            cached_input_tokens=cached_tokens,
        )

    def validate_credentials(self) -> None:
        timeout = min(self.timeout, VALIDATE_TIMEOUT_SECONDS)
        options = types.HttpOptions(timeout=_milliseconds(timeout))
        self._call(self._client.models.list, timeout, config={"page_size": 1, "http_options": options})

    def _call(self, method: Callable[..., Any], timeout: float, **arguments: Any) -> Any:
        try:
            with call_budget(seconds=timeout, max_bytes=MAX_RESPONSE_BYTES):
                return method(**arguments)
        except genai_errors.APIError as err:
            raise self._api_error(err) from None
        except httpx2.TimeoutException:
            raise timeout_error(timeout) from None
        except httpx2.TransportError as err:
            raise transport_error(err) from None
        except ValueError as err:  # a body that is not JSON, or not shaped like a response
            raise unreadable_response(err) from None

    def _api_error(self, err: genai_errors.APIError) -> ProviderError:
        details = json.dumps(err.details, default=str)
        if err.code == 400 and "API_KEY_INVALID" in details:
            return ProviderError(ErrorCode.AUTH, "HTTP 400: API key not valid")
        headers = getattr(err.response, "headers", None) or {}
        retry_after = retry_after_seconds(headers)
        if retry_after is None and (delay := RETRY_DELAY.search(details)):
            retry_after = float(delay["seconds"])  # google.rpc.RetryInfo in the error details
        return status_error(err.code or 0, err.message or "", api_key=self._api_key, retry_after=retry_after)

    @staticmethod
    def _config(request: GenerationRequest, timeout: float) -> types.GenerateContentConfig:
        config = types.GenerateContentConfig(
            system_instruction=request.system or None,
            max_output_tokens=request.max_output_tokens,
            temperature=request.temperature,
            http_options=types.HttpOptions(timeout=_milliseconds(timeout)),
        )
        if request.output_schema is not None:
            config.response_mime_type = "application/json"
            config.response_json_schema = request.output_schema
        return config


def _milliseconds(seconds: float) -> int:
    return max(1, int(seconds * 1000))
