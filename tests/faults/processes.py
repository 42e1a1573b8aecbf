"""Real processes and sockets the fault tests break on purpose: a redis-server of their own, a TCP proxy in
front of PostgreSQL, a server process. Everything on 127.0.0.1, every wait bounded."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

WAIT_SECONDS = 15.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], what: str, seconds: float = WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up after {seconds:g} s waiting for {what}")
        time.sleep(0.05)


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class RedisProcess:
    """``redis-server`` on a free port, without persistence: start, kill (SIGKILL), freeze (SIGSTOP), thaw
    (SIGCONT), and start again on the same port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @staticmethod
    def available() -> bool:
        return shutil.which("redis-server") is not None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> "RedisProcess":
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                   "--appendonly", "no", "--loglevel", "warning"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_until(lambda: port_open(self.port), f"redis-server on port {self.port}")
        return self

    def kill(self) -> None:
        if self.process is not None:
            self.thaw()
            self.process.kill()
            self.process.wait(timeout=WAIT_SECONDS)
            self.process = None

    def freeze(self) -> None:
        """The process stops; its socket stays open: connections are accepted and never answered."""
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        if self.process is not None:
            os.kill(self.process.pid, signal.SIGCONT)


class TcpProxy:
    """A TCP proxy on 127.0.0.1 to ``target``; ``cut()`` closes every connection and refuses new ones until
    ``restore()``, as a database restart or a network cut does to the service."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self._open = threading.Event()
        self._open.set()
        self._links: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._stopping = threading.Event()

    def start(self) -> "TcpProxy":
        self._listen()
        threading.Thread(target=self._accept_loop, daemon=True, name="tcp-proxy").start()
        return self

    def _listen(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        listener.settimeout(0.1)
        self._listener = listener

    def _accept_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            if not self._open.is_set():
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._links += [client, upstream]
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        source.settimeout(None)
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self._open.clear()
        with self._lock:
            links, self._links = self._links, []
        for sock in links:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    def restore(self) -> None:
        self._open.set()

    def stop(self) -> None:
        self._stopping.set()
        self.cut()
        self._listener.close()


def server_command(port: int) -> list[str]:
    """The production server when the venv has it (``make serve``), else Django's runserver."""
    root = Path(__file__).resolve().parents[2]
    gunicorn = root / ".venv" / "bin" / "gunicorn"
    if gunicorn.exists() and (root / "config" / "gunicorn.conf.py").exists():
        return [str(gunicorn), "-c", "config/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--workers", "1",
                "config.wsgi"]
    return [str(root / ".venv" / "bin" / "python"), "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"]


class ServerProcess:
    """The service in a process of its own (its own session: a SIGKILL takes the master and its workers
    together, like the kernel's OOM killer or a container stop), against the database at ``database_url``."""

    def __init__(self, *, database_url: str, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.root = Path(__file__).resolve().parents[2]
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "false",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "insecure-test-secret-key"),
            "CRYPTOGRAPHY_KEY": os.environ.get("CRYPTOGRAPHY_KEY", "insecure-test-cryptography-key"),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DATABASE_URL": database_url,
            "REDIS_URL": "",
            "WEB_CONCURRENCY": "1",
            "LOG_FORMAT": "json",
            **(env or {}),
        }
        self.env.pop("PROMETHEUS_MULTIPROC_DIR", None)
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "ServerProcess":
        self.process = subprocess.Popen(
            server_command(self.port), cwd=self.root, env=self.env, start_new_session=True,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_until(lambda: port_open(self.port), f"the server on port {self.port}", seconds=60)
        return self

    def kill(self) -> None:
        """SIGKILL to every process of the server at once: nothing runs a handler, nothing settles."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=WAIT_SECONDS)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()
