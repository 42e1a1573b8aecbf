"""Provider services: the live provider of a stored config, and testing a config's credentials.

Used by ``manage.py test_provider``, the admin's "Test credentials" action and the super-admin API.
"""

import time
from dataclasses import dataclass

from django.utils import timezone

from providers.backends._common import elapsed_ms
from providers.base import AIProvider, GenerationRequest, ProviderError
from providers.models import AIProviderConfig, default_model
from providers.registry import ProviderFactory, ProviderSettings

TEST_PROMPT = "Reply with the single word: ok"
TEST_MAX_OUTPUT_TOKENS = 16
LAST_TEST_ERROR_LENGTH = AIProviderConfig._meta.get_field("last_test_error").max_length


@dataclass(frozen=True)
class ProviderTestResult:
    ok: bool
    latency_ms: int
    error_code: str = ""
    error_message: str = ""  # from ProviderError: never contains the key


def provider_for_config(config: AIProviderConfig) -> AIProvider:
    """The provider instance of ``config``, reused until the config is edited (its ``updated_at`` moves)."""
    spec = ProviderSettings(
        config.provider_type, config.api_key, config.base_url, version=(config.pk, config.updated_at)
    )
    return ProviderFactory.get(spec)


def provider_config_test(*, config: AIProviderConfig, generate: bool = False) -> ProviderTestResult:
    """Validate the credentials (and, with ``generate``, make one tiny generation); store and return the outcome.

    The outcome is stored with a queryset ``.update()``: it does not touch ``updated_at``, so the
    cached provider instance stays valid, and nothing else on the row is overwritten.
    """
    provider = provider_for_config(config)  # outside the timing: the first use imports the vendor's SDK
    started = time.perf_counter()
    try:
        provider.validate_credentials()
        if generate:
            provider.generate(_test_request(config))
    except ProviderError as err:
        result = ProviderTestResult(False, elapsed_ms(started), err.code, err.message)
    else:
        result = ProviderTestResult(True, elapsed_ms(started))
    _store_outcome(config, result)
    return result


def _test_request(config: AIProviderConfig) -> GenerationRequest:
    model = config.fast_model or config.quality_model or default_model(config.provider_type, "fast")
    return GenerationRequest(model=model, prompt=TEST_PROMPT, max_output_tokens=TEST_MAX_OUTPUT_TOKENS)


def _store_outcome(config: AIProviderConfig, result: ProviderTestResult) -> None:
    error = "" if result.ok else f"{result.error_code}: {result.error_message}"[:LAST_TEST_ERROR_LENGTH]
    fields = {"last_tested_at": timezone.now(), "last_test_ok": result.ok, "last_test_error": error}
    AIProviderConfig.objects.filter(pk=config.pk).update(**fields)
    for name, value in fields.items():  # the caller's object shows the stored outcome without a reload
        setattr(config, name, value)
