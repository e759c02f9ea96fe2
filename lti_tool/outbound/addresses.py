"""Which addresses Worklink may connect to when it fetches something on a platform's word.

A platform (or anyone who opens ``/lti/register``) chooses the URLs Worklink fetches, so every
address is judged before a socket opens to it:

- **never**: link-local (cloud metadata services live at 169.254.169.254), multicast, unspecified,
  reserved, broadcast, "this network", IPv6 site-local, and IPv6 forms that carry an IPv4 address
  inside them (IPv4-mapped ``::ffff:127.0.0.1``, IPv4-compatible ``::127.0.0.1``, 6to4, Teredo,
  NAT64), whatever the IPv4 address inside is: Python 3.11 calls ``::ffff:127.0.0.1`` neither
  loopback nor private, and the kernel connects it to 127.0.0.1;
- **loopback**: only where the operator lists a loopback network (the demo's sandbox LMS and the
  test suite's fake platforms live on 127.0.0.1); production mode refuses such a list at start;
- **private ranges** (10/8, 172.16/12, 192.168/16, 100.64/10, fc00::/7 …): only for a host name
  or a network the operator allows (``WORKLINK_OUTBOUND_ALLOW``: an on-premises Moodle);
- everything else (global unicast) is allowed.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import socket
from collections.abc import Iterable

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
_THIS_NETWORK = ipaddress.IPv4Network("0.0.0.0/8")
_LOOPBACK = (ipaddress.IPv4Network("127.0.0.0/8"), ipaddress.IPv6Network("::1/128"))


class AddressRefused(Exception):
    """The URL's host is, or resolves to, an address Worklink does not connect to."""

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host} is {reason}; Worklink does not connect there")
        self.host = host
        self.reason = reason


class HostUnresolved(Exception):
    """The host name does not resolve."""


def never_reason(address: IPAddress) -> str | None:
    """Why no allowance can make ``address`` reachable, or ``None``."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"an IPv4-mapped IPv6 address ({address})"
        if address.sixtofour is not None:
            return f"a 6to4 address ({address})"
        if address.teredo is not None:
            return f"a Teredo address ({address})"
        if any(address in network for network in _NAT64):
            return f"a NAT64 address ({address})"
        if int(address) >> 32 == 0 and int(address) > 1:
            return f"an IPv4-compatible IPv6 address ({address})"
        if address.is_site_local:
            return f"a site-local address ({address})"
    if address.is_loopback:
        return None  # refused unless listed (AddressPolicy.judge); ::1 also counts as reserved
    if address.is_unspecified:
        return f"an unspecified address ({address})"
    if address.is_link_local:
        return f"a link-local address ({address})"
    if address.is_multicast:
        return f"a multicast address ({address})"
    if isinstance(address, ipaddress.IPv4Address):
        if address in _THIS_NETWORK or address == ipaddress.IPv4Address("255.255.255.255"):
            return f"a reserved address ({address})"
    if address.is_reserved:
        return f"a reserved address ({address})"
    return None


def is_loopback_network(network: IPNetwork) -> bool:
    return any(network.version == lo.version and network.overlaps(lo) for lo in _LOOPBACK)


@dataclasses.dataclass(frozen=True)
class AddressPolicy:
    """The operator's allowances on top of the fixed rules above."""

    networks: tuple[IPNetwork, ...] = ()
    """Networks whose private (or loopback) addresses may be reached."""
    hosts: frozenset[str] = frozenset()
    """Host names (lower case) whose private addresses may be reached."""

    @classmethod
    def parse(cls, entries: Iterable[str]) -> AddressPolicy:
        """``10.0.0.0/8``, ``192.168.4.20``, ``moodle.school.internal``: raises ValueError."""
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for raw in entries:
            entry = raw.strip()
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
                continue
            except ValueError:
                pass
            if "/" in entry or ":" in entry or " " in entry:
                raise ValueError(f"{entry!r} is neither a network (10.0.0.0/8) nor a host name")
            hosts.add(entry.lower().rstrip("."))
        return cls(tuple(networks), frozenset(hosts))

    @property
    def allows_loopback(self) -> bool:
        return any(is_loopback_network(n) for n in self.networks)

    def judge(self, host: str, address: IPAddress) -> None:
        """Raise :class:`AddressRefused` unless ``host`` may be reached at ``address``."""
        reason = never_reason(address)
        if reason is not None:
            raise AddressRefused(host, reason)
        listed = any(address.version == n.version and address in n for n in self.networks)
        if address.is_loopback:
            if not listed:
                raise AddressRefused(host, f"a loopback address ({address})")
            return
        if address.is_global or listed or host.lower().rstrip(".") in self.hosts:
            return
        raise AddressRefused(
            host, f"a private address ({address}) that WORKLINK_OUTBOUND_ALLOW does not list")

    def resolve(self, host: str, port: int) -> IPAddress:
        """Resolve ``host`` once and judge every address it has; returns the one to connect to.

        Every address must pass: a name that resolves to a public and a private address is
        refused, since the connection could otherwise land on either.
        """
        literal = host.strip("[]")
        try:
            addresses = [ipaddress.ip_address(literal.split("%", 1)[0])]
        except ValueError:
            try:
                infos = socket.getaddrinfo(literal, port, type=socket.SOCK_STREAM)
            except (OSError, UnicodeError) as exc:
                raise HostUnresolved(f"{host} does not resolve ({exc})") from None
            addresses = list(dict.fromkeys(
                ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos))
            if not addresses:
                raise HostUnresolved(f"{host} does not resolve") from None
        for address in addresses:
            self.judge(host, address)
        return addresses[0]
