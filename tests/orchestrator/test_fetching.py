"""The guarded URL fetcher: the SSRF table, redirects re-checked, and the size/type/time caps.

Address checks stay ON here (JOB_FETCH_ALLOW_PRIVATE_HOSTS is off by default) except where a test says
otherwise. ``no_dial`` makes any connection attempt a failure, so a refused URL provably sends nothing.
"""

import ipaddress
from typing import Any

import pytest

from orchestrator import fetching
from orchestrator.fetching import UrlFetchFailed, UrlNotAllowed, address_is_public, fetch_page
from tests.orchestrator.conftest import PUBLIC_TEST_ADDRESS, PUBLIC_TEST_HOST, PageServer


@pytest.fixture
def no_dial(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    dialled: list[str] = []

    def refuse(address: str, port: int, timeout: float | None) -> Any:
        dialled.append(address)
        raise AssertionError(f"the fetcher dialled {address}")

    monkeypatch.setattr(fetching, "dial", refuse)
    return dialled


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://localhost/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://[::ffff:127.0.0.1]/",
        "http://100.64.0.1/",
        "http://0.0.0.0/",
        "http://2130706433/",  # 127.0.0.1 as one decimal number
        "http://192.168.1.1:8080/",
        "http://224.0.0.1/",
    ],
)
def test_it_refuses_urls_that_point_at_non_public_addresses(url: str, no_dial: list[str]) -> None:
    with pytest.raises(UrlNotAllowed):
        fetch_page(url)
    assert no_dial == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("file:///etc/passwd", "scheme"),
        ("ftp://example.com/job.txt", "scheme"),
        ("gopher://example.com/", "scheme"),
        ("http://user:pass@example.com/", "credentials"),
        ("http://user@example.com/", "credentials"),
        ("http:///no-host", "invalid"),
    ],
)
def test_it_refuses_other_schemes_credentials_and_hostless_urls(url: str, reason: str, no_dial: list[str]) -> None:
    with pytest.raises(UrlNotAllowed) as refused:
        fetch_page(url)
    assert refused.value.details["reason"] == reason
    assert no_dial == []


def test_it_fetches_a_page_from_a_public_host(public_site: PageServer) -> None:
    public_site.page("/job", b"<html><body><h1>Engineer</h1></body></html>")

    page = fetch_page(public_site.url("/job", host=PUBLIC_TEST_HOST))

    assert page.content_type == "text/html"
    assert b"Engineer" in page.body
    assert public_site.dialled == [PUBLIC_TEST_ADDRESS]


@pytest.mark.parametrize(
    "target",
    ["http://127.0.0.1:{port}/secret", "http://internal.example.com/secret", "http://[::1]:{port}/secret",
     "http://169.254.169.254/latest/meta-data/"],
)
def test_it_refuses_a_redirect_from_an_allowed_host_to_a_private_one(public_site: PageServer, target: str) -> None:
    public_site.page("/secret", b"<p>internal</p>")
    public_site.redirect("/job", target.format(port=public_site.port))

    with pytest.raises(UrlNotAllowed):
        fetch_page(public_site.url("/job", host=PUBLIC_TEST_HOST))

    assert public_site.hits == ["/job"]
    assert public_site.dialled == [PUBLIC_TEST_ADDRESS]


def test_it_refuses_a_host_whose_addresses_include_a_private_one(public_site: PageServer) -> None:
    """DNS rebinding: one public and one loopback answer; every resolved address must be public."""
    with pytest.raises(UrlNotAllowed):
        fetch_page(public_site.url("/job", host="rebind.example.com"))
    assert public_site.dialled == []


def test_it_checks_the_address_again_at_connect_time(no_dial: list[str]) -> None:
    with pytest.raises(UrlNotAllowed):
        fetching._connect("127.0.0.1", 80, 1.0)
    assert no_dial == []


def test_it_follows_up_to_three_redirects_and_no_more(public_site: PageServer) -> None:
    base = f"http://{PUBLIC_TEST_HOST}:{public_site.port}"
    for hop in range(4):
        public_site.redirect(f"/r{hop}", f"{base}/r{hop + 1}")
    public_site.page("/r4", b"<p>too far</p>")
    public_site.page("/r3-ok", b"<p>Reached after three redirects</p>")

    with pytest.raises(UrlFetchFailed) as failed:
        fetch_page(f"{base}/r0")
    assert failed.value.details["reason"] == "too_many_redirects"

    public_site.redirect("/r2", "/r3-ok")  # a relative Location, third hop
    assert b"three redirects" in fetch_page(f"{base}/r0").body


def test_it_refuses_a_content_type_other_than_html_or_text(public_site: PageServer) -> None:
    public_site.page("/job.pdf", b"%PDF-1.7", content_type="application/pdf")

    with pytest.raises(UrlFetchFailed) as failed:
        fetch_page(public_site.url("/job.pdf", host=PUBLIC_TEST_HOST))

    assert failed.value.code == "url_fetch_failed"
    assert failed.value.details["content_type"] == "application/pdf"


def test_it_refuses_a_page_without_a_content_type(public_site: PageServer) -> None:
    public_site.routes["/bare"] = (200, {}, b"<p>no type</p>")
    with pytest.raises(UrlFetchFailed):
        fetch_page(public_site.url("/bare", host=PUBLIC_TEST_HOST))


def test_it_refuses_a_page_over_two_megabytes(public_site: PageServer) -> None:
    public_site.page("/big", b"<p>" + b"x" * (2 * 1024 * 1024) + b"</p>")

    with pytest.raises(UrlFetchFailed) as failed:
        fetch_page(public_site.url("/big", host=PUBLIC_TEST_HOST))

    assert failed.value.details["reason"] == "too_large"


def test_it_stops_reading_a_page_that_hides_its_size(public_site: PageServer) -> None:
    """No Content-Length (a lying server): the cap is enforced while streaming."""
    body = b"<p>" + b"y" * (3 * 1024 * 1024)
    public_site.routes["/sneaky"] = (200, {"Content-Type": "text/html", "Connection": "close"}, body)

    with pytest.raises(UrlFetchFailed) as failed:
        fetch_page(public_site.url("/sneaky", host=PUBLIC_TEST_HOST))

    assert failed.value.details["reason"] == "too_large"


def test_it_gives_up_on_a_page_that_answers_too_slowly(public_site: PageServer, monkeypatch: Any) -> None:
    monkeypatch.setattr(fetching, "TIMEOUT_SECONDS", 0.5)
    public_site.page("/slow", b"<p>late</p>")
    public_site.delays["/slow"] = 5.0

    with pytest.raises(UrlFetchFailed) as failed:
        fetch_page(public_site.url("/slow", host=PUBLIC_TEST_HOST))

    assert failed.value.details["reason"] == "timeout"


def test_it_reports_an_error_status_as_fetch_failed(public_site: PageServer) -> None:
    with pytest.raises(UrlFetchFailed) as failed:
        fetch_page(public_site.url("/nowhere", host=PUBLIC_TEST_HOST))
    assert failed.value.details["status"] == 404


def test_it_reports_an_unresolvable_host_as_fetch_failed(public_site: PageServer) -> None:
    with pytest.raises(UrlFetchFailed) as failed:
        fetch_page("http://no-such-host.example.net/job")
    assert failed.value.details["reason"] == "dns"


def test_it_reports_a_refused_connection_as_fetch_failed(allow_private_hosts: None, refused_url: str) -> None:
    with pytest.raises(UrlFetchFailed) as failed:
        fetch_page(f"{refused_url}/job")
    assert failed.value.details["reason"] == "connection"


def test_it_reaches_a_local_server_only_when_the_test_setting_allows_it(
    page_server: PageServer, settings: Any
) -> None:
    url = page_server.page("/job", b"<p>local</p>")
    with pytest.raises(UrlNotAllowed):
        fetch_page(url)

    settings.JOB_FETCH_ALLOW_PRIVATE_HOSTS = True
    assert fetch_page(url).body == b"<p>local</p>"


def test_it_decodes_with_the_declared_or_meta_charset(public_site: PageServer) -> None:
    public_site.page("/latin", "<p>Café</p>".encode("latin-1"), content_type="text/html; charset=iso-8859-1")
    public_site.page("/meta", '<meta charset="iso-8859-1"><p>Crème</p>'.encode("latin-1"), content_type="text/html")

    assert "Café" in fetch_page(public_site.url("/latin", host=PUBLIC_TEST_HOST)).text()
    assert "Crème" in fetch_page(public_site.url("/meta", host=PUBLIC_TEST_HOST)).text()


def test_it_sends_the_original_host_header_to_the_pinned_address(public_site: PageServer, monkeypatch: Any) -> None:
    seen: dict[str, str] = {}
    original = fetching._open

    def spy(target: Any, address: str, deadline: float) -> Any:
        seen.update(host=target.host_header, address=address)
        return original(target, address, deadline)

    monkeypatch.setattr(fetching, "_open", spy)
    public_site.page("/job", b"<p>ok</p>")

    fetch_page(public_site.url("/job", host=PUBLIC_TEST_HOST))

    assert seen == {"host": f"{PUBLIC_TEST_HOST}:{public_site.port}", "address": PUBLIC_TEST_ADDRESS}


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:2800:220:1:248:1893:25c8:1946", True),
        ("127.0.0.1", False),
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.0.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),
        ("100.100.100.200", False),
        ("0.0.0.0", False),
        ("255.255.255.255", False),
        ("224.0.0.251", False),
        ("240.0.0.1", False),
        ("198.18.0.1", False),
        ("::1", False),
        ("::", False),
        ("fe80::1", False),
        ("fc00::1", False),
        ("fd00:ec2::254", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),
        ("64:ff9b::7f00:1", False),  # NAT64 form of 127.0.0.1
        ("2002:7f00:1::", False),  # 6to4 form of 127.0.0.1
    ],
)
def test_it_classifies_addresses(address: str, public: bool) -> None:
    assert address_is_public(ipaddress.ip_address(address)) is public


def test_an_https_connection_goes_to_the_checked_address_with_the_hosts_name_for_sni_and_certificate() -> None:
    pool = fetching._PinnedHTTPSPool(
        PUBLIC_TEST_ADDRESS, 443, server_hostname=PUBLIC_TEST_HOST, assert_hostname=PUBLIC_TEST_HOST, maxsize=1
    )
    connection = pool._new_conn()

    assert isinstance(connection, fetching._PinnedHTTPSConnection)
    assert connection.host == PUBLIC_TEST_ADDRESS
    assert (connection.server_hostname, connection.assert_hostname) == (PUBLIC_TEST_HOST, PUBLIC_TEST_HOST)
