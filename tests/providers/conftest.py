from collections.abc import Callable

import pytest

from providers.backends.anthropic import AnthropicProvider
from providers.backends.gemini import GeminiProvider
from providers.backends.openai import OpenAIProvider
from providers.base import AIProvider, GenerationRequest, ImageInput
from tests.fakes.fixtures import refused_url, vendor_server  # noqa: F401 - fixtures used by this package
from tests.fakes.vendor_server import VendorServer

API_KEY = "sk-test-secret-key-0123456789abcdef"
BACKENDS: dict[str, type[AIProvider]] = {
    "openai": OpenAIProvider,
    "anthropic": AnthropicProvider,
    "gemini": GeminiProvider,
}


@pytest.fixture
def make_backend(vendor_server: VendorServer) -> Callable[..., AIProvider]:  # noqa: F811 - the fixture above
    """A backend of ``vendor`` pointed at the fake server (or at ``base_url``), with a 5 s timeout."""

    def make(vendor: str, *, api_key: str = API_KEY, base_url: str | None = None, timeout: float = 5.0) -> AIProvider:
        url = vendor_server.base_url(vendor) if base_url is None else base_url
        return BACKENDS[vendor](api_key=api_key, base_url=url, timeout=timeout)

    return make


@pytest.fixture
def api_key() -> str:
    """The key the backends of ``make_backend`` hold; it must never show up in an error."""
    return API_KEY


@pytest.fixture
def full_request() -> Callable[..., GenerationRequest]:
    """A request using everything: system prompt, text, one image, a JSON schema, an output budget."""

    def make(*, model: str, image: ImageInput, **fields) -> GenerationRequest:
        defaults = {
            "system": "You extract job postings.",
            "prompt": "Read this screenshot.",
            "images": (image,),
            "output_schema": {"type": "object", "properties": {"title": {"type": "string"}}, "required": ["title"]},
            "max_output_tokens": 700,
        }
        return GenerationRequest(model=model, **{**defaults, **fields})

    return make
