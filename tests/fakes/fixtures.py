"""pytest fixtures around the fake vendor server. Import them into a conftest.py to use them:

    from tests.fakes.fixtures import refused_url, vendor_server  # noqa: F401

``vendor_server`` is a started ``VendorServer`` (tests/fakes/vendor_server.py), fresh for each test:

    vendor_server.reply_json(vendor="openai", payload={"title": "Engineer"}, input_tokens=12, output_tokens=7)
    config = ProviderConfigFactory(provider_type="openai", base_url=vendor_server.base_url("openai"))
    ... call the code under test ...
    assert vendor_server.requests[0].json["model"] == "gpt-5-mini"

- ``reply_json`` / ``reply_text``: one successful generation in the vendor's wire format (usage and
  model included; the model defaults to the one requested).
- ``reply_error(vendor=, status=, message=, headers=)``: 401, 429 (``headers={"retry-after": "7"}``), 500 ….
- ``reply_malformed()``, ``reply_slowly(seconds)`` (forces a client timeout), ``reply(...)`` for raw replies.
- Nothing queued: it answers like a healthy vendor (generation text ``"ok"``; models list for GETs).
- ``.url`` is the server root; ``.base_url(vendor)`` is what that vendor's SDK / config expects
  (OpenAI's includes ``/v1``); ``.requests`` are the recorded requests (``.path``, ``.headers`` with
  lower-cased names, ``.json``).

``refused_url`` is an http://127.0.0.1 address where nothing listens (connection refused).
"""

import socket
from collections.abc import Iterator

import pytest

from tests.fakes.vendor_server import VendorServer


@pytest.fixture
def vendor_server() -> Iterator[VendorServer]:
    server = VendorServer().start()
    yield server
    server.stop()


@pytest.fixture
def refused_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
