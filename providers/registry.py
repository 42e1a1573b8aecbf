"""provider_type → backend class, and the cache of live provider instances.

Backends are imported on first use (like healthchecks' TRANSPORTS), so a vendor SDK is loaded only
when a config of that vendor is used. Instances are reused per config version: an edit of the
config (``updated_at`` changes) builds a new one with the new key.
"""

from dataclasses import dataclass
from importlib import import_module
from threading import Lock

from django.conf import settings

from providers.base import AIProvider


@dataclass(frozen=True)
class ProviderSettings:
    """What a provider instance is built from: a stored config or the environment.

    ``version`` identifies the config's state (its id and updated_at); it keys the instance cache.
    """

    provider_type: str
    api_key: str
    base_url: str
    version: tuple

    def __repr__(self) -> str:
        return f"ProviderSettings({self.provider_type}, version={self.version})"


class ProviderFactory:
    PROVIDERS: dict[str, str] = {
        "gemini": "providers.backends.gemini.GeminiProvider",
        "openai": "providers.backends.openai.OpenAIProvider",
        "anthropic": "providers.backends.anthropic.AnthropicProvider",
        "mock": "providers.backends.mock.MockProvider",
    }

    _instances: dict[tuple, AIProvider] = {}
    _lock = Lock()

    @classmethod
    def backend_class(cls, provider_type: str) -> type[AIProvider]:
        module_path, _, class_name = cls.PROVIDERS[provider_type].rpartition(".")
        return getattr(import_module(module_path), class_name)

    @classmethod
    def cached(cls, provider_type: str, version: tuple) -> AIProvider | None:
        """The live instance of a config version, if this process has built one (no key needed)."""
        return cls._instances.get((provider_type, version))

    @classmethod
    def get(cls, spec: ProviderSettings) -> AIProvider:
        key = (spec.provider_type, spec.version)
        provider = cls.cached(*key)
        if provider is None:
            with cls._lock:
                provider = cls._instances.get(key) or cls._build(spec)
                cls._forget_older_versions(spec)
                cls._instances[key] = provider
        return provider

    @classmethod
    def _build(cls, spec: ProviderSettings) -> AIProvider:
        backend = cls.backend_class(spec.provider_type)
        return backend(api_key=spec.api_key, base_url=spec.base_url, timeout=settings.PROVIDER_TIMEOUT_SECONDS)

    @classmethod
    def _forget_older_versions(cls, spec: ProviderSettings) -> None:
        """Drop instances of earlier versions of the same config, so an old key leaves memory."""
        config_id = spec.version[0] if spec.version else None
        stale = [k for k in cls._instances if k[1] and k[1][0] == config_id and k[1] != spec.version]
        for k in stale:
            del cls._instances[k]

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls._instances.clear()
