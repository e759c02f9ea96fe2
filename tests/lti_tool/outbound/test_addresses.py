"""Which addresses the outbound client may connect to, judged before any socket opens."""

from __future__ import annotations

import ipaddress

import pytest

from lti_tool.config import Config, ConfigError
from lti_tool.outbound.addresses import AddressPolicy, AddressRefused

PRODUCTION = AddressPolicy()
"""What production starts with when WORKLINK_OUTBOUND_ALLOW is unset."""


@pytest.mark.parametrize(("address", "reason"), [
    ("::ffff:127.0.0.1", "IPv4-mapped"),
    ("::ffff:10.0.0.1", "IPv4-mapped"),
    ("::ffff:8.8.8.8", "IPv4-mapped"),       # even a public one: the form itself is refused
    ("::127.0.0.1", "IPv4-compatible"),
    ("2002:7f00:1::1", "6to4"),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", "Teredo"),
    ("64:ff9b::7f00:1", "NAT64"),
    ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("0.1.2.3", "reserved"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("fec0::1", "site-local"),
])
def test_special_addresses_are_refused_whatever_the_operator_allows(address: str,
                                                                    reason: str) -> None:
    everything = AddressPolicy.parse(["0.0.0.0/0", "::/0"])
    with pytest.raises(AddressRefused, match=reason):
        everything.judge("platform.example", ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["127.0.0.1", "127.8.9.10", "::1"])
def test_loopback_is_refused_unless_a_loopback_network_is_listed(address: str) -> None:
    with pytest.raises(AddressRefused, match="loopback"):
        PRODUCTION.judge("platform.example", ipaddress.ip_address(address))
    AddressPolicy.parse(["127.0.0.0/8", "::1"]).judge("x", ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["10.1.2.3", "172.16.5.4", "192.168.0.9", "100.64.0.1",
                                     "fd00::1"])
def test_private_addresses_need_an_allowance(address: str) -> None:
    with pytest.raises(AddressRefused, match="WORKLINK_OUTBOUND_ALLOW"):
        PRODUCTION.judge("moodle.school.internal", ipaddress.ip_address(address))
    by_name = AddressPolicy.parse(["Moodle.School.Internal"])
    by_name.judge("moodle.school.internal", ipaddress.ip_address(address))
    with pytest.raises(AddressRefused):
        by_name.judge("other.school.internal", ipaddress.ip_address(address))
    AddressPolicy.parse(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
                         "fd00::/8"]).judge("any", ipaddress.ip_address(address))


def test_a_named_host_never_unlocks_loopback() -> None:
    with pytest.raises(AddressRefused, match="loopback"):
        AddressPolicy.parse(["localhost"]).judge("localhost", ipaddress.ip_address("127.0.0.1"))


def test_public_addresses_are_allowed() -> None:
    PRODUCTION.judge("canvas.instructure.com", ipaddress.ip_address("52.1.2.3"))
    PRODUCTION.judge("moodle.example", ipaddress.ip_address("2600:1f18::1"))


def test_a_name_resolving_to_a_refused_address_is_refused() -> None:
    with pytest.raises(AddressRefused, match="loopback"):
        PRODUCTION.resolve("localhost", 443)


def test_production_starts_with_no_allowance(tmp_path) -> None:
    env = {"WORKLINK_MODE": "production", "WORKLINK_SECRET_KEY": "s" * 40,
           "WORKLINK_DATABASE_URL": "sqlite://", "WORKLINK_BASE_URL": "https://w.test",
           "WORKLINK_INSTANCE_DIR": str(tmp_path)}
    assert Config.from_env(env).outbound_policy == AddressPolicy()
    allowed = Config.from_env({**env, "WORKLINK_OUTBOUND_ALLOW": "10.2.0.0/16, moodle.internal"})
    assert allowed.outbound_policy.hosts == {"moodle.internal"}
    assert not Config.from_env(env).outbound_policy.allows_loopback
    with pytest.raises(ConfigError, match="OUTBOUND_ALLOW"):
        Config.from_env({**env, "WORKLINK_OUTBOUND_ALLOW": "not a host/"})


def test_dev_reaches_the_sandbox_on_loopback_by_default(tmp_path) -> None:
    config = Config.from_env({"WORKLINK_INSTANCE_DIR": str(tmp_path)})
    assert config.outbound_policy.allows_loopback
