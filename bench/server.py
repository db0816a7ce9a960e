"""gunicorn serving the portal on a free loopback port, for the benchmarks that go over HTTP."""

import contextlib
import os
import socket
import subprocess
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def gunicorn(*, workers: int, env: dict | None = None, cwd: str | None = None):
    """Start gunicorn (sync workers) on 127.0.0.1, yield its port once it accepts, stop it;
    ``cwd``: serve the portal from that checkout (another commit, same database) with its own
    environment (``make install`` there: the editable install of this one would mix the two)."""
    port = _free_port()
    python = Path(cwd, ".venv", "bin", "python") if cwd else Path(sys.executable)
    if not python.exists():
        raise SystemExit(f"{cwd} has no environment of its own: run make install there")
    server = subprocess.Popen(
        [
            str(python),
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        env={**os.environ, **(env or {})},
        cwd=cwd,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)
