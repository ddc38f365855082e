"""Loopback helpers: pick free ports and wait, with a bound, until a server accepts."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

LOOPBACK = "127.0.0.1"


def free_ports(count: int, host: str = LOOPBACK) -> list[int]:
    """Ports the kernel reports free right now; all are held open together so none repeats."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def port_accepts(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def wait_for_ports(host: str, ports: list[int], timeout: float, alive: Callable[[], bool] | None = None) -> list[int]:
    """Wait until every port accepts or ``timeout`` passes; return the ports still closed.

    ``alive`` is an optional callable; when it returns False the wait stops early (the server died).
    """
    deadline = time.monotonic() + timeout
    pending = list(ports)
    while pending and time.monotonic() < deadline:
        pending = [port for port in pending if not port_accepts(host, port)]
        if pending:
            if alive is not None and not alive():
                break
            time.sleep(0.05)
    return pending
