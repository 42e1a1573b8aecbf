"""The provider contract: plain dataclasses in and out; no SDK type crosses this line.

Every backend (``providers/backends/<vendor>.py``) implements ``AIProvider`` and maps every SDK
failure onto ``ProviderError``. The orchestrator owns retries and fallback, so backends switch the
SDKs' own retries off and always pass an explicit timeout.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar


class ErrorCode:
    AUTH = "auth"
    RATE_LIMITED = "rate_limited"
    TIMEOUT = "timeout"
    UNAVAILABLE = "unavailable"
    BAD_RESPONSE = "bad_response"  # an answer broken off halfway or too large: a bad gateway, not an outage
    BAD_REQUEST = "bad_request"
    INVALID_OUTPUT = "invalid_output"


RETRYABLE_CODES = frozenset({ErrorCode.RATE_LIMITED, ErrorCode.TIMEOUT, ErrorCode.UNAVAILABLE, ErrorCode.BAD_RESPONSE})


class ProviderError(Exception):
    """The one error a backend raises. ``retryable`` tells the orchestrator to try the next config.

    ``input_tokens`` is what the vendor billed for a call that failed after reaching it (e.g. output
    that did not parse), so the quota can be settled to it.
    """

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retryable: bool | None = None,
        retry_after: float | None = None,
        input_tokens: int = 0,
    ) -> None:
        self.code = code
        self.message = message
        self.retryable = code in RETRYABLE_CODES if retryable is None else retryable
        self.retry_after = retry_after
        self.input_tokens = input_tokens
        super().__init__(f"{code}: {message}")


@dataclass(frozen=True)
class ImageInput:
    data: bytes
    mime_type: str  # image/png, image/jpeg or image/webp

    def __repr__(self) -> str:
        return f"ImageInput({self.mime_type}, {len(self.data)} bytes)"


@dataclass(frozen=True)
class GenerationRequest:
    model: str
    prompt: str
    system: str = ""
    images: tuple[ImageInput, ...] = ()
    output_schema: dict[str, Any] | None = None  # a JSON Schema; asks for the vendor's structured output
    schema_name: str = "output"
    max_output_tokens: int = 1024
    temperature: float | None = None
    timeout: float = 60.0  # seconds


@dataclass(frozen=True)
class GenerationResult:
    text: str
    input_tokens: int
    output_tokens: int
    model: str  # the model the vendor says it used
    latency_ms: int
    parsed: Any = None  # the decoded JSON when the request had an output_schema
    raw_finish_reason: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class AIProvider(ABC):
    """One configured vendor endpoint. Instances hold the decrypted key in memory only."""

    provider_type: ClassVar[str]
    is_llm: ClassVar[bool] = True

    def __init__(self, *, api_key: str, base_url: str = "", timeout: float = 60.0) -> None:
        self._api_key = api_key
        self.base_url = base_url
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<{type(self).__name__} base_url={self.base_url or 'default'!r}>"

    @abstractmethod
    def generate(self, request: GenerationRequest) -> GenerationResult:
        """One call to the vendor, no retries. Raises ProviderError."""

    @abstractmethod
    def validate_credentials(self) -> None:
        """A cheap authenticated call (e.g. list models). Raises ProviderError when it fails."""
