"""Print the API's error catalogue as the Markdown table of docs/errors.md."""

from django.core.management.base import BaseCommand

from core.errors import error_catalogue


def catalogue_table() -> str:
    lines = ["| status | code | default message |", "|---|---|---|"]
    lines += [f"| {entry.http_status} | `{entry.code}` | {entry.message} |" for entry in error_catalogue()]
    return "\n".join(lines) + "\n"


class Command(BaseCommand):
    help = "Print every error code of the API with its HTTP status, from the error classes (docs/errors.md)."

    def handle(self, *args, **options) -> None:
        self.stdout.write(catalogue_table(), ending="")
