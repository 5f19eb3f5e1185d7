"""Refuse fetches to private, loopback and link-local addresses (SSRF guard)."""

from __future__ import annotations

import asyncio
import ipaddress
import socket


class BlockedAddress(Exception):
    """The URL's host resolves to an address the portal must not fetch from."""


def is_public_address(address: str) -> bool:
    """Return True when ``address`` is a globally routable unicast address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def check_host_is_public(host: str, port: int) -> None:
    """Raise BlockedAddress when ``host`` resolves to any non-public address."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for *_, sockaddr in infos:
        address = str(sockaddr[0])
        if not is_public_address(address):
            raise BlockedAddress(
                f"refused: {host} resolves to the private address {address} "
                "(set LIVENEWS_ALLOW_PRIVATE_SOURCES=1 to allow it)"
            )
