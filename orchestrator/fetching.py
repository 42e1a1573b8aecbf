"""The guarded fetcher for job URLs: the server fetches a user's URL without becoming an SSRF proxy.

Rules (docs/architecture.md): http and https only; no credentials in the URL; every address the host resolves
to must be public (not loopback, private, link-local, multicast, reserved, unspecified, CGNAT, cloud
metadata — IPv4 and IPv6, IPv4-mapped/NAT64/6to4 forms unwrapped); redirects are followed by hand, at
most 3, each one validated like the first URL; 10 s for the whole fetch; 2 MB of body at most; HTML or
plain text only.

DNS rebinding: the host is resolved once per hop, every address is checked, and the connection goes to
the checked IP literal (urllib3 pool on the IP, with the original Host header, SNI and certificate
hostname), so no second lookup can swap the address. The address is checked again at connect time and
the socket's peer compared with it.

``settings.JOB_FETCH_ALLOW_PRIVATE_HOSTS`` switches the address checks off, for tests with a local
server only; the scheme, credential, size, type and redirect rules still hold.
"""

import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError

from core.db import db_connection_release
from orchestrator.errors import UrlFetchFailed, UrlNotAllowed

MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_SECONDS = 10.0
MAX_REDIRECTS = 3
ALLOWED_CONTENT_TYPES = frozenset({"text/html", "application/xhtml+xml", "text/plain"})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
USER_AGENT = "ai-orchestrator-job-fetcher/1.0"

META_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges the ipaddress properties do not all cover: CGNAT, and cloud metadata endpoints by name.
BLOCKED_NETWORKS = (
    ipaddress.ip_network("100.64.0.0/10"),  # carrier-grade NAT (RFC 6598)
    ipaddress.ip_network("169.254.0.0/16"),  # link-local, incl. 169.254.169.254 (AWS, GCP, Azure metadata)
    ipaddress.ip_network("100.100.100.200/32"),  # Alibaba Cloud metadata
    ipaddress.ip_network("fd00:ec2::254/128"),  # AWS metadata over IPv6
)


@dataclass(frozen=True)
class FetchedPage:
    url: str  # after redirects
    content_type: str
    charset: str | None
    body: bytes

    def text(self) -> str:
        """The body decoded with the header's charset, else a ``<meta charset>`` near the top, else UTF-8."""
        charset = self.charset
        if charset is None:
            declared = META_CHARSET.search(self.body[:4096])
            charset = declared.group(1).decode("ascii") if declared else "utf-8"
        try:
            return self.body.decode(charset, errors="replace")
        except LookupError:  # an unknown charset name
            return self.body.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        default_port = 443 if self.scheme == "https" else 80
        return host if self.port == default_port else f"{host}:{self.port}"


def _unwrap(address: IPAddress) -> IPAddress:
    """The IPv4 address inside an IPv4-mapped, NAT64 or 6to4 IPv6 address; else the address itself."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return address.ipv4_mapped
        if address.sixtofour:
            return address.sixtofour
        if address in ipaddress.ip_network("64:ff9b::/96"):
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address


def address_is_public(address: IPAddress) -> bool:
    """True only for a globally routable unicast address outside every blocked range."""
    for candidate in {address, _unwrap(address)}:
        if (
            candidate.is_private
            or candidate.is_loopback
            or candidate.is_link_local
            or candidate.is_multicast
            or candidate.is_reserved
            or candidate.is_unspecified
            or not candidate.is_global
            or any(candidate in network for network in BLOCKED_NETWORKS if network.version == candidate.version)
        ):
            return False
    return True


def _ensure_allowed(address: str) -> None:
    if settings.JOB_FETCH_ALLOW_PRIVATE_HOSTS:
        return
    if not address_is_public(ipaddress.ip_address(address.split("%", 1)[0])):
        raise UrlNotAllowed("This URL points to an address that is not public.", details={"reason": "address"})


def resolve_host(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (a test seam: tests swap it for a fake resolver)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def dial(address: str, port: int, timeout: float | None) -> socket.socket:
    """Open a TCP connection to an IP literal (a test seam: tests route a fake public IP to 127.0.0.1)."""
    return socket.create_connection((address, port), timeout=timeout)


def _connect(address: str, port: int, timeout: float | None) -> socket.socket:
    """The connect-time check: whatever asks for a connection, only a checked IP literal is dialled."""
    _ensure_allowed(address)
    return dial(address, port, timeout)


class _PinnedHTTPConnection(HTTPConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(self.host, self.port, self.timeout)


class _PinnedHTTPSConnection(HTTPSConnection):
    def _new_conn(self) -> socket.socket:
        return _connect(self.host, self.port, self.timeout)


class _PinnedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _PinnedHTTPConnection


class _PinnedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _PinnedHTTPSConnection


def _parse_target(url: str) -> _Target:
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise UrlNotAllowed("This URL is not valid.", details={"reason": "invalid"}) from exc
    if parts.scheme not in ("http", "https"):
        raise UrlNotAllowed("Only http and https URLs are allowed.", details={"reason": "scheme"})
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise UrlNotAllowed("URLs with credentials are not allowed.", details={"reason": "credentials"})
    if not parts.hostname:
        raise UrlNotAllowed("This URL has no host.", details={"reason": "invalid"})
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80), path)


def _resolve_allowed(target: _Target) -> str:
    """The address to connect to, after checking every address the host resolves to."""
    try:
        addresses = [str(ipaddress.ip_address(target.host))]
    except ValueError:
        try:
            addresses = resolve_host(target.host, target.port)
        except (OSError, UnicodeError) as exc:
            raise UrlFetchFailed("The host name could not be resolved.", details={"reason": "dns"}) from exc
    if not addresses:
        raise UrlFetchFailed("The host name could not be resolved.", details={"reason": "dns"})
    for address in addresses:
        _ensure_allowed(address)
    return addresses[0]


def _remaining(deadline: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise UrlFetchFailed("The page took too long to load.", details={"reason": "timeout"})
    return left


def _open(target: _Target, address: str, deadline: float) -> urllib3.BaseHTTPResponse:
    left = _remaining(deadline)
    if target.scheme == "https":
        pool: urllib3.HTTPConnectionPool = _PinnedHTTPSPool(
            address, target.port, server_hostname=target.host, assert_hostname=target.host, maxsize=1
        )
    else:
        pool = _PinnedHTTPPool(address, target.port, maxsize=1)
    headers = {
        "Host": target.host_header,
        "User-Agent": USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
        "Accept-Encoding": "identity",
    }
    return pool.urlopen(
        "GET", target.path, headers=headers, redirect=False, retries=False, preload_content=False,
        assert_same_host=False, timeout=urllib3.Timeout(connect=left, read=left),
    )


def _content_type(response: urllib3.BaseHTTPResponse) -> tuple[str, str | None]:
    message = Message()
    message["content-type"] = response.headers.get("Content-Type", "")
    charset = message.get_param("charset")
    return message.get_content_type(), charset if isinstance(charset, str) else None


def _read_capped(response: urllib3.BaseHTTPResponse, deadline: float) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > MAX_BYTES:
        raise UrlFetchFailed("The page is larger than 2 MB.", details={"reason": "too_large"})
    chunks: list[bytes] = []
    size = 0
    for chunk in response.stream(64 * 1024):
        size += len(chunk)
        if size > MAX_BYTES:
            raise UrlFetchFailed("The page is larger than 2 MB.", details={"reason": "too_large"})
        _remaining(deadline)
        chunks.append(chunk)
    return b"".join(chunks)


def _page_from(url: str, response: urllib3.BaseHTTPResponse, deadline: float) -> FetchedPage:
    if response.status >= 400 or response.status < 200:
        raise UrlFetchFailed(f"The page answered HTTP {response.status}.", details={"status": response.status})
    content_type, charset = _content_type(response)
    if "Content-Type" not in response.headers or content_type not in ALLOWED_CONTENT_TYPES:
        raise UrlFetchFailed(
            "The page is not HTML or plain text.", details={"reason": "content_type", "content_type": content_type}
        )
    return FetchedPage(url=url, content_type=content_type, charset=charset, body=_read_capped(response, deadline))


def fetch_page(url: str) -> FetchedPage:
    """GET ``url`` under the rules above. Raises UrlNotAllowed or UrlFetchFailed (both HTTP 422)."""
    db_connection_release()  # up to TIMEOUT_SECONDS of network: the pool's connection is not held through it
    deadline = time.monotonic() + TIMEOUT_SECONDS
    for _hop in range(MAX_REDIRECTS + 1):
        target = _parse_target(url)
        address = _resolve_allowed(target)
        try:
            response = _open(target, address, deadline)
            try:
                if response.status not in REDIRECT_STATUSES:
                    return _page_from(url, response, deadline)
                location = response.headers.get("Location", "")
            finally:
                response.release_conn()
                response.close()
        except (Urllib3TimeoutError, TimeoutError) as exc:
            raise UrlFetchFailed("The page took too long to load.", details={"reason": "timeout"}) from exc
        except (Urllib3Error, OSError) as exc:
            raise UrlFetchFailed("The page could not be reached.", details={"reason": "connection"}) from exc
        if not location:
            raise UrlFetchFailed("The page redirected without a location.", details={"reason": "redirect"})
        url = urljoin(url, location)
    raise UrlFetchFailed(f"More than {MAX_REDIRECTS} redirects.", details={"reason": "too_many_redirects"})
