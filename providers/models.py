from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django_cryptography.fields import encrypt

from providers.crypto import provider_key_cipher


class ProviderType(models.TextChoices):
    GEMINI = "gemini", "Google Gemini"
    OPENAI = "openai", "OpenAI"
    ANTHROPIC = "anthropic", "Anthropic"
    MOCK = "mock", "Mock (offline test double, not an LLM)"


# The models a config, or the environment (``*_MODEL_FAST`` / ``*_MODEL_QUALITY``), leaves empty.
DEFAULT_MODELS: dict[str, dict[str, str]] = {
    ProviderType.GEMINI: {"fast": "gemini-2.5-flash", "quality": "gemini-2.5-pro"},
    ProviderType.OPENAI: {"fast": "gpt-5-mini", "quality": "gpt-5"},
    ProviderType.ANTHROPIC: {"fast": "claude-haiku-4-5", "quality": "claude-sonnet-5-5"},
    ProviderType.MOCK: {"fast": "mock-fast", "quality": "mock-quality"},
}


def default_model(provider_type: str, tier: str) -> str:
    """The model of a tier (``fast`` or ``quality``) when a config names none: the environment's, else the code's."""
    from_env = settings.PROVIDER_ENV.get(provider_type, {}).get(f"{tier}_model", "")
    return from_env or DEFAULT_MODELS.get(provider_type, {}).get(tier, "")


def mask_key(key: str) -> str:
    """``…abcd``: enough to tell two keys apart, never enough to use one."""
    if not key:
        return "(no key)"
    return f"…{key[-4:]}" if len(key) > 8 else "…"


# What a live provider instance is built from: a change to any of them must give the config a new version.
INSTANCE_FIELDS = frozenset({"provider_type", "api_key", "base_url", "is_active", "owner", "owner_id"})


class AIProviderConfigQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        """``updated_at`` moves with a bulk change of what an instance is built from, as with ``save()``: it
        is part of the version that keys the live provider instances (providers.registry), so a key changed
        by ``.update()`` is not kept. Recording a credential test's outcome leaves the version alone."""
        if INSTANCE_FIELDS & kwargs.keys():
            kwargs.setdefault("updated_at", timezone.now())
        return super().update(**kwargs)


class AIProviderConfig(models.Model):
    """One way to reach a vendor: its key (encrypted at rest), endpoint and models.

    ``owner`` set means a user's own key ("bring your own key"): it wins for that user only.
    Configs without an owner are global; at most one of them is the default.
    """

    name = models.CharField(max_length=100, unique=True)
    provider_type = models.CharField(max_length=20, choices=ProviderType.choices)
    api_key = encrypt(models.TextField(blank=True, default=""))
    base_url = models.URLField(blank=True, default="", help_text="OpenAI-compatible servers, gateways, tests.")
    fast_model = models.CharField(max_length=100, blank=True, default="")
    quality_model = models.CharField(max_length=100, blank=True, default="")
    is_active = models.BooleanField(default=True)
    is_default = models.BooleanField(default=False)
    priority = models.PositiveIntegerField(default=100, help_text="Fallback order: lower is tried first.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="provider_configs"
    )
    expires_at = models.DateTimeField(null=True, blank=True, help_text="When the credential expires (alerts).")
    last_tested_at = models.DateTimeField(null=True, blank=True)
    last_test_ok = models.BooleanField(null=True, blank=True)
    last_test_error = models.CharField(max_length=500, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AIProviderConfigQuerySet.as_manager()

    class Meta:
        ordering = ["priority", "id"]
        verbose_name = "AI provider config"
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True, owner__isnull=True),
                name="one_global_default_provider_config",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.provider_type}, key {self.masked_key})"

    def __repr__(self) -> str:
        return f"<AIProviderConfig id={self.pk} {self}>"

    @property
    def masked_key(self) -> str:
        return mask_key(self.api_key)

    @property
    def is_mock(self) -> bool:
        return self.provider_type == ProviderType.MOCK


# The field built its cipher (``_fernet``, used by both its encrypt and decrypt) when the class was created,
# with django-cryptography's default signer, which signs with SECRET_KEY: rotating SECRET_KEY would make every
# stored key unreadable. Ours encrypts and signs with CRYPTOGRAPHY_KEY alone (providers/crypto.py). The cipher
# is not part of the field's deconstruct(), so migrations do not see it; a migration's historical model does
# not have it either, so a data migration must not read or write api_key through apps.get_model().
AIProviderConfig._meta.get_field("api_key")._fernet = provider_key_cipher(settings.CRYPTOGRAPHY_KEY)
