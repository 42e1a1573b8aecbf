"""One error catalogue: the classes are the source; docs/errors.md and the OpenAPI schema follow them."""

from pathlib import Path

from core.errors import AppError, error_catalogue
from core.management.commands.error_catalogue import catalogue_table
from core.schema import error_descriptions

DOC = Path(__file__).resolve().parents[2] / "docs" / "errors.md"


def test_every_code_has_one_status():
    statuses: dict[str, set[int]] = {}
    for cls in [AppError, *AppError.__subclasses__()]:
        statuses.setdefault(cls.code, set()).add(cls.http_status)
    codes = [entry.code for entry in error_catalogue()]

    assert len(codes) == len(set(codes))
    assert all(len(found) == 1 for found in statuses.values())


def test_docs_errors_md_holds_the_table_the_classes_make():
    """Regenerate it with `python manage.py error_catalogue` when an error class changes."""
    assert catalogue_table() in DOC.read_text()


def test_the_openapi_descriptions_name_every_code_of_their_status():
    descriptions = error_descriptions()

    for entry in error_catalogue():
        assert f"`{entry.code}`" in descriptions[entry.http_status]
