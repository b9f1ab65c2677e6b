"""Where `collect serve` listens: the socket (bound before the links are printed) and the warning when it
answers beyond this machine."""

from __future__ import annotations

import ipaddress
import socket

from crmcheck.errors import UsageError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, public_url: str | None) -> str | None:
    """What to say when the server listens beyond this machine: without TLS, or beside the TLS proxy."""
    if is_loopback(host):
        return None
    if (public_url or "").startswith("https://"):
        return (f"warning: listening on {host}, not only this machine: besides the TLS proxy at {public_url}, "
                "the server itself answers plain http from the network, where links and answers would cross "
                "unencrypted. Keep --host 127.0.0.1 with the proxy on this machine, or firewall the port")
    return (f"warning: listening on {host}, not only this machine, without --public-url https://...: links and "
            "answers would cross the network unencrypted. Put a TLS reverse proxy in front (see docs/collect.md) "
            "and give its address with --public-url https://...")


def bind(host: str, port: int) -> socket.socket:
    """The listening socket (port 0 picks a free port), made here so the printed links carry the real port."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM,
                                                              flags=socket.AI_PASSIVE)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(2048)
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock
