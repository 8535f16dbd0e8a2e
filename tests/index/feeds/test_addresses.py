"""Only public addresses are fetched unless allowed: every address of the host is checked."""

from __future__ import annotations

import ipaddress

import pytest

from index.feeds.addresses import AddressPolicy, address_problem
from index.feeds.errors import BlockedAddressError, ResolveError


@pytest.mark.parametrize(("address", "problem"), [
    ("127.0.0.1", "loopback"),
    ("127.8.9.10", "loopback"),
    ("::1", "loopback"),
    ("10.1.2.3", "private"),
    ("172.16.0.1", "private"),
    ("192.168.1.1", "private"),
    ("fc00::1", "private"),
    ("169.254.169.254", "link-local"),  # cloud metadata
    ("fe80::1", "link-local"),
    ("100.64.0.1", "shared"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("240.0.0.1", "private"),  # reserved, which Python files under is_private
    ("192.0.2.1", "private"),  # documentation range
    ("fec0::1", "site-local"),
    ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
    ("::ffff:10.0.0.1", "private"),
    ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
])
def test_non_public_addresses_are_named(address, problem):
    assert problem in address_problem(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["8.8.8.8", "93.184.216.34", "2001:4860:4860::8888", "::ffff:8.8.8.8"])
def test_public_addresses_pass(address):
    assert address_problem(ipaddress.ip_address(address)) is None


def test_a_host_with_a_public_and_a_private_address_is_refused():
    policy = AddressPolicy()
    with pytest.raises(BlockedAddressError) as caught:
        policy.check("http://mixed.test/feed", "mixed.test", ["93.184.216.34", "10.0.0.5"])
    assert "10.0.0.5" in caught.value.reason and "private" in caught.value.reason
    assert "FEEDS_ALLOW_PRIVATE" in caught.value.reason
    assert caught.value.url == "http://mixed.test/feed"


def test_allow_private_and_named_private_hosts():
    addresses = ["127.0.0.1"]
    assert AddressPolicy(allow_private=True).check("http://x.test/", "x.test", addresses)
    exempt = AddressPolicy(private_hosts=frozenset({"intranet.test"}))
    assert exempt.check("http://intranet.test/", "INTRANET.test", addresses)
    with pytest.raises(BlockedAddressError):
        exempt.check("http://other.test/", "other.test", addresses)


def test_a_host_without_addresses_is_a_resolve_error():
    with pytest.raises(ResolveError):
        AddressPolicy().check("http://x.test/", "x.test", [])
