"""Demo data for a fresh machine: a super-admin, a free and a pro end user (alice with a saved master
profile, so that drafts, the match score, interview prep and exports work at once), and an offline provider."""

import json
import secrets
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from orchestrator.models import Profile
from orchestrator.services.configs import env_candidates
from orchestrator.services.profiles import profile_validate
from providers.models import AIProviderConfig, ProviderType
from subscriptions.models import Plan, Subscription

DEMO_USERS = [
    # username, plan, is superuser
    ("admin", None, True),
    ("alice", "freemium", False),
    ("bob", "pro_monthly", False),
]
MOCK_CONFIG_NAME = "demo-mock (offline test double, not an LLM)"
DEMO_PROFILE = Path(__file__).resolve().parents[2] / "fixtures" / "demo_profile.json"
PROFILE_USER = "alice"


class Command(BaseCommand):
    help = (
        "Create the demo data: a super-admin, a free and a pro end user (alice with a master profile), and — "
        "when no vendor key is in the environment — one active mock provider config. Idempotent; new passwords "
        "are printed once."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--password", help="Use this password for the users created (default: random).")

    def handle(self, *args, password: str | None = None, **options) -> None:
        for username, plan_code, is_superuser in DEMO_USERS:
            self._ensure_user(username, plan_code, is_superuser, password)
        self._ensure_profile()
        self._ensure_mock_provider()

    def _ensure_profile(self) -> None:
        """alice's master profile, unless she has one (a profile she edited is hers)."""
        user = get_user_model().objects.get(username=PROFILE_USER)
        document = profile_validate(data=json.loads(DEMO_PROFILE.read_text(encoding="utf-8")))
        _, created = Profile.objects.get_or_create(owner=user, defaults={"data": document})
        self.stdout.write(f"profile of {PROFILE_USER}: {'created' if created else 'exists, left as it is'}")

    def _ensure_user(self, username: str, plan_code: str | None, is_superuser: bool, password: str | None) -> None:
        User = get_user_model()
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"email": f"{username}@example.com", "is_staff": is_superuser, "is_superuser": is_superuser},
        )
        if plan_code:
            Subscription.objects.get_or_create(user=user, defaults={"plan": Plan.objects.get(code=plan_code)})
        if not created:
            self.stdout.write(f"user {username}: exists, left as it is")
            return
        new_password = password or secrets.token_urlsafe(12)
        user.set_password(new_password)
        user.save(update_fields=["password"])
        role = "super-admin" if is_superuser else f"end user on {plan_code}"
        self.stdout.write(self.style.SUCCESS(f"user {username} ({role}) created, password: {new_password}"))

    def _ensure_mock_provider(self) -> None:
        if env_candidates():
            self.stdout.write("a vendor key is set in the environment: no mock provider created")
            return
        _, created = AIProviderConfig.objects.get_or_create(
            name=MOCK_CONFIG_NAME,
            defaults={
                "provider_type": ProviderType.MOCK,
                "fast_model": "mock-fast",
                "quality_model": "mock-quality",
                "is_active": True,
                "is_default": not AIProviderConfig.objects.filter(is_default=True, owner=None).exists(),
            },
        )
        self.stdout.write(f"provider {MOCK_CONFIG_NAME}: {'created' if created else 'exists'}")
