"""``manage.py rotate_encryption_key``: re-encrypt the stored provider keys under the current CRYPTOGRAPHY_KEY."""

import os

from django.core.management.base import BaseCommand, CommandError, CommandParser

from providers.errors import KeyRotationFailed
from providers.key_rotation import provider_keys_rotate


class Command(BaseCommand):
    help = (
        "Re-encrypt every stored provider API key from the old CRYPTOGRAPHY_KEY to the current one (the one in "
        "the environment now), in one transaction. The old key comes from OLD_CRYPTOGRAPHY_KEY (preferred: a "
        "command line shows in the process list and the shell history) or --old-key. SECRET_KEY plays no "
        "part: changing it needs no rotation. Keys already under the current key are left alone, so running it "
        "twice is harmless; a key that decrypts with neither stops the rotation with nothing changed (exit "
        "status 1). Never prints a key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--old-key", default="", help="The previous CRYPTOGRAPHY_KEY (else OLD_CRYPTOGRAPHY_KEY).")
        parser.add_argument("--dry-run", action="store_true", help="Check and count only; write nothing.")

    def handle(self, *args, old_key: str, dry_run: bool, **options) -> None:
        old_key = old_key or os.environ.get("OLD_CRYPTOGRAPHY_KEY", "")
        if not old_key:
            raise CommandError("Give the previous key in OLD_CRYPTOGRAPHY_KEY (or --old-key).")
        try:
            result = provider_keys_rotate(old_key=old_key, dry_run=dry_run)
        except KeyRotationFailed as exc:
            raise CommandError(exc.message) from None
        verb = "Would re-encrypt" if result.dry_run else "Re-encrypted"
        self.stdout.write(
            self.style.SUCCESS(f"{verb} {result.rotated} provider key(s) under the current CRYPTOGRAPHY_KEY; ")
            + f"{result.already_current} already under it."
            + (" Dry run: nothing was written." if result.dry_run else "")
        )
