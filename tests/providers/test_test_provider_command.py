"""``manage.py test_provider``: one line per config, the outcome stored, exit status 1 on any failure."""

from io import StringIO

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError

from providers.models import AIProviderConfig
from tests.factories import ProviderConfigFactory

KEY = "sk-live-command-test-key-98765"


def run(*args: str) -> str:
    out = StringIO()
    call_command("test_provider", *args, stdout=out, no_color=True)
    return out.getvalue()


def exit_status(capsys, *args: str) -> tuple[int, str, str]:
    """Run it as ``manage.py`` does; returns the process exit status, stdout and stderr."""
    try:
        execute_from_command_line(["manage.py", "test_provider", "--no-color", *args])
    except SystemExit as exit_:
        status = exit_.code
    else:
        status = 0
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def openai_config(vendor_server, **fields) -> AIProviderConfig:
    defaults = {"name": "openai-main", "provider_type": "openai", "api_key": KEY}
    return ProviderConfigFactory(base_url=vendor_server.base_url("openai"), **{**defaults, **fields})


@pytest.mark.django_db(transaction=True)  # manage.py closes the DB connections when it finishes
def test_it_exits_0_when_every_config_passes(capsys, vendor_server):
    openai_config(vendor_server)
    ProviderConfigFactory(name="demo-mock", provider_type="mock")

    status, output, _ = exit_status(capsys, "--all")

    assert status == 0
    lines = output.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("ok     openai-main (openai)  ")
    assert lines[0].endswith(" ms")
    assert lines[1].startswith("ok     demo-mock (mock: not an LLM)")


@pytest.mark.django_db(transaction=True)
def test_it_exits_1_when_the_vendor_rejects_the_key_and_says_why_without_the_key(capsys, vendor_server):
    openai_config(vendor_server)
    vendor_server.reply_error(vendor="openai", status=401, message=f"Incorrect API key provided: {KEY}")

    status, output, errors = exit_status(capsys, "--name", "openai-main")

    assert status == 1
    assert output.startswith("FAILED openai-main (openai)")
    assert "auth: HTTP 401: Incorrect API key provided" in output
    assert "1 of 1 provider configs failed" in errors
    assert KEY not in output + errors
    assert KEY[-8:] not in output + errors


@pytest.mark.django_db
def test_it_stores_the_outcome_on_each_config(vendor_server):
    config = openai_config(vendor_server)
    vendor_server.reply_error(vendor="openai", status=500, message="boom")

    with pytest.raises(CommandError):
        run("--id", str(config.pk))

    config.refresh_from_db()
    assert config.last_test_ok is False
    assert config.last_test_error == "unavailable: HTTP 500: boom"
    assert config.last_tested_at is not None


@pytest.mark.django_db
def test_all_tests_only_active_configs_while_id_tests_an_inactive_one_too(vendor_server):
    inactive = openai_config(vendor_server, name="old-openai", is_active=False)
    ProviderConfigFactory(name="demo-mock", provider_type="mock")

    assert "old-openai" not in run("--all")
    assert run("--id", str(inactive.pk)).startswith("ok     old-openai (openai)")


@pytest.mark.django_db
def test_generate_also_makes_one_tiny_generation(vendor_server):
    openai_config(vendor_server, fast_model="gpt-5-nano")

    run("--name", "openai-main", "--generate")

    assert [(r.method, r.path) for r in vendor_server.requests] == [
        ("GET", "/v1/models"),
        ("POST", "/v1/chat/completions"),
    ]


@pytest.mark.django_db
def test_no_matching_config_is_a_clear_failure():
    with pytest.raises(CommandError, match="No matching provider config") as caught:
        run("--name", "nope")

    assert caught.value.returncode == 1


def test_it_needs_to_be_told_which_configs_to_test():
    with pytest.raises(CommandError, match="one of the arguments --id --name --all is required"):
        run()
