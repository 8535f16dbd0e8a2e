"""Which network addresses the crawler may connect to.

A feed item can point anywhere, so by default only public (globally routable unicast)
addresses are fetched: a host that resolves to a loopback, private, link-local, shared
(carrier-grade NAT), reserved, multicast or unspecified address — IPv4 or IPv6, including
IPv4 addresses inside IPv6 (mapped, 6to4, NAT64, Teredo) — is refused. Every address a
host resolves to is checked, so a host with one public and one private address is refused
too. `FEEDS_ALLOW_PRIVATE=true` lifts the rule; `FEEDS_PRIVATE_HOSTS` lifts it for named hosts.

The crawler connects to the very address that was checked (see `client.py`), so a DNS
answer that changes between the check and the connection cannot slip a private address in.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from index.feeds.errors import BlockedAddressError, ResolveError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: host, port -> the IP addresses (as text) the host resolves to
Resolver = Callable[[str, int], Sequence[str]]

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
ALLOW_HINT = "set FEEDS_ALLOW_PRIVATE=true, or list the host in FEEDS_PRIVATE_HOSTS, to allow it"


def system_resolver(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (IPv4 and IPv6), in the system's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def address_problem(address: IPAddress) -> str | None:
    """Why `address` is not a public address ("a loopback address", …), or None when it is one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_problem(embedded)
    checks = (
        ("is_unspecified", "the unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    )
    for attribute, problem in checks:
        if getattr(address, attribute):
            return problem
    if isinstance(address, ipaddress.IPv4Address) and address in _SHARED:
        return "a shared (carrier-grade NAT) address"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "a site-local address"
    if not address.is_global:
        return "an address that is not publicly routable"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]  # the client's address
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


@dataclass(frozen=True)
class AddressPolicy:
    """Refuse non-public addresses unless `allow_private`, or the host is one of `private_hosts`."""

    allow_private: bool = False
    private_hosts: frozenset[str] = frozenset()

    def check(self, url: str, host: str, addresses: Sequence[str]) -> list[IPAddress]:
        """The parsed `addresses` of `host` (from `url`) if all may be connected to; else BlockedAddressError."""
        if not addresses:
            raise ResolveError(url, f"the host {host} has no address")
        parsed = [ipaddress.ip_address(a.split("%", 1)[0]) for a in addresses]
        if self.allow_private or host.lower().rstrip(".") in self.private_hosts:
            return parsed
        for address in parsed:
            problem = address_problem(address)
            if problem is not None:
                what = f"{address} is" if _is_literal(host) else f"{host} resolves to {address},"
                raise BlockedAddressError(url, f"{what} {problem}; only public addresses are fetched ({ALLOW_HINT})")
        return parsed


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
