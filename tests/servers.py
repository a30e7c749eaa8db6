"""Real server processes for tests: the site under gunicorn, and a TCP relay to cut its database.

Everything listens on 127.0.0.1 only. A test serves the test database (committed data, so a
`transaction=True` test) through `Gunicorn`, optionally with `TcpProxy` between the site and
PostgreSQL, which it can cut (every connection dropped, new ones refused) and restore.
"""

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def production_environ() -> dict:
    """This process's environment without what only the test process may set."""
    return {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class TcpProxy:
    """Relay 127.0.0.1:<port> to a server.

    `cut()` drops every connection and refuses new ones (a server that is down); `stall()` drops
    every connection and lets new ones hang unanswered (a server that cannot be reached);
    `restore()` relays again.
    """

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self._open = threading.Event()
        self._open.set()
        self._stalled = False
        self._lock = threading.Lock()
        self._sockets: set[socket.socket] = set()
        self._hanging: set[socket.socket] = set()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def cut(self, stall: bool = False):
        self._stalled = stall
        self._open.clear()
        with self._lock:
            sockets, self._sockets = self._sockets, set()
        for sock in sockets:
            _close(sock)

    def stall(self):
        self.cut(stall=True)

    def restore(self):
        self._open.set()
        with self._lock:
            hanging, self._hanging = self._hanging, set()
        for sock in hanging:
            _close(sock)

    def close(self):
        self.cut()
        self.restore()  # closes the hanging ones
        _close(self.listener)

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self._open.is_set():
                if self._stalled:
                    with self._lock:
                        self._hanging.add(client)  # accepted, never answered: the driver waits
                else:
                    _close(client)  # the database is "down": the driver sees the connection dropped
                continue
            try:
                upstream = socket.create_connection(self.target)
            except OSError:
                _close(client)
                continue
            with self._lock:
                self._sockets |= {client, upstream}
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source, destination):
        try:
            while data := source.recv(65536):
                destination.sendall(data)
        except OSError:
            pass
        finally:
            _close(source)
            _close(destination)
            with self._lock:
                self._sockets -= {source, destination}


def _close(sock: socket.socket):
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Gunicorn:
    """The site under gunicorn in production mode (DEBUG off) on a free loopback port."""

    def __init__(self, database_url: str, log_path: Path, extra_env: dict | None = None, threads: int = 4):
        """`extra_env` sets variables of the server's environment; a None value removes one."""
        self.port = free_port()
        self.threads = threads
        self.log_path = log_path
        env = {
            **production_environ(),
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Tests speak plain HTTP to it; requests that say they came through TLS get the HTTPS treatment.
            "SECURE_SSL_REDIRECT": "false",
            **(extra_env or {}),
        }
        self.env = {name: value for name, value in env.items() if value is not None}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60):
        command = [
            str(GUNICORN), "esfomo.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", "1", "--threads", str(self.threads), "--timeout", "60", "--graceful-timeout", "5",
        ]  # fmt: skip
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, cwd=BASE_DIR, env=self.env, stdout=self._log, stderr=self._log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not listen within {timeout} s:\n{self.log()}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def request(self, method: str, path: str, body=None, headers: dict | None = None, timeout: float = 30):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return Response(response.status, response.headers, response.read())
        finally:
            connection.close()

    def get(self, path: str, headers: dict | None = None, **kwargs) -> Response:
        return self.request("GET", path, headers=headers, **kwargs)
