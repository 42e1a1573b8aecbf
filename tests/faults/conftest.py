from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from rest_framework.authtoken.models import Token

from tests.factories import PlanFactory, ProviderConfigFactory, SubscriptionFactory
from tests.fakes.fixtures import refused_url, vendor_server  # noqa: F401 - fixtures used by this package
from tests.faults.processes import ServerProcess, TcpProxy

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="needs PostgreSQL: a server process must share the test database (set DATABASE_URL; .ci/run does)",
)


def database_url(*, host: str, port: int) -> str:
    """The test database's URL, at ``host:port`` (a proxy in front of it)."""
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def database_proxy() -> Iterator[TcpProxy]:
    """A TCP proxy on 127.0.0.1 in front of the test database, for a server process to connect through."""
    db = connection.settings_dict
    proxy = TcpProxy(db["HOST"] or "127.0.0.1", int(db["PORT"] or 5432)).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def subscriber(db: None) -> Any:
    """A user on a plan with room for a few calls, and the API token a separate process can use."""
    user = SubscriptionFactory(plan=PlanFactory(code="faults", daily_token_limit=100_000)).user
    user.token = Token.objects.create(user=user).key
    return user


@pytest.fixture
def server(database_proxy: TcpProxy, vendor_server: Any) -> Iterator[ServerProcess]:  # noqa: F811
    """A server process (not started) whose database is behind ``database_proxy`` and whose provider is the
    fake vendor's OpenAI; stopped after the test (SIGTERM, then SIGKILL)."""
    ProviderConfigFactory(provider_type="openai", base_url=vendor_server.base_url("openai"), is_default=True)
    server = ServerProcess(database_url=database_url(host="127.0.0.1", port=database_proxy.port))
    yield server
    server.stop()
