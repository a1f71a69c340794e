"""The address of the client behind the TLS proxy: one function for throttles, event origins and django-axes.

Without configuration the client is ``REMOTE_ADDR`` and any forwarding header is ignored, since a client
can write it. With ``MOTCUA_TRUSTED_PROXIES`` set, a request that arrives from one of those proxies is
attributed to the address the proxies wrote into ``MOTCUA_CLIENT_IP_HEADER`` (django-ipware reads it),
counting ``MOTCUA_PROXY_COUNT`` entries from the right: the entries a client wrote itself lie further left.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings
from ipware import get_client_ip


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _from_trusted_proxy(peer: str) -> bool:
    networks = _networks(tuple(getattr(settings, "MOTCUA_TRUSTED_PROXIES", ())))
    if not networks or not peer:
        return False
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in networks)


def meta_key(header: str) -> str:
    """``X-Forwarded-For`` → ``HTTP_X_FORWARDED_FOR``, the key WSGI gives the header in ``request.META``."""
    return "HTTP_" + header.strip().upper().replace("-", "_")


def client_address(request: Any) -> str:
    """The client's IP address as text ('' when unknown): the peer, or the one its trusted proxy names."""
    meta = getattr(request, "META", None) or {}
    peer = str(meta.get("REMOTE_ADDR", "") or "")
    if not _from_trusted_proxy(peer):
        return peer
    header = meta_key(getattr(settings, "MOTCUA_CLIENT_IP_HEADER", "X-Forwarded-For"))
    proxy_count = max(int(getattr(settings, "MOTCUA_PROXY_COUNT", 1)), 1)
    # The last proxy is the peer itself; the header holds the client and the proxies before the last one.
    address, _routable = get_client_ip(
        request, proxy_count=proxy_count - 1, request_header_order=[header], strict=False
    )
    return address or peer
