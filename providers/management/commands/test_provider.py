"""``manage.py test_provider``: check provider credentials from the command line (exit 1 on any failure)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import QuerySet

from providers.models import AIProviderConfig
from providers.services import ProviderTestResult, provider_config_test


class Command(BaseCommand):
    help = (
        "Test provider configs: a cheap authenticated call to the vendor (listing models), and with "
        "--generate one tiny generation too. Prints one line per config, stores the outcome on the config "
        "(last_tested_at, last_test_ok, last_test_error) and exits with status 1 when any test failed. "
        "--all tests every active config; --id and --name test one config, active or not."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--id", type=int, dest="config_id", help="The config with this id.")
        which.add_argument("--name", help="The config with this name.")
        which.add_argument("--all", action="store_true", dest="all_active", help="Every active config.")
        parser.add_argument("--generate", action="store_true", help="Also make one tiny generation.")

    def handle(self, *args, config_id: int | None, name: str | None, all_active: bool, generate: bool, **options):
        configs = list(self._configs(config_id, name, all_active))
        if not configs:
            hint = " (--all tests active configs only.)" if all_active else ""
            raise CommandError(f"No matching provider config.{hint}")
        failed = 0
        for config in configs:
            result = provider_config_test(config=config, generate=generate)
            failed += not result.ok
            self.stdout.write(self._line(config, result))
        if failed:
            raise CommandError(f"{failed} of {len(configs)} provider configs failed.")

    @staticmethod
    def _configs(config_id: int | None, name: str | None, all_active: bool) -> QuerySet[AIProviderConfig]:
        configs = AIProviderConfig.objects.order_by("priority", "id")
        if all_active:
            return configs.filter(is_active=True)
        return configs.filter(pk=config_id) if config_id is not None else configs.filter(name=name)

    def _line(self, config: AIProviderConfig, result: ProviderTestResult) -> str:
        kind = "mock: not an LLM" if config.is_mock else config.provider_type
        line = f"{config.name} ({kind})  {result.latency_ms} ms"
        if result.ok:
            return self.style.SUCCESS("ok    ") + " " + line
        return self.style.ERROR("FAILED") + f" {line}  {result.error_code}: {result.error_message}"
