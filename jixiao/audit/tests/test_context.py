"""The client address written into audit events and used by rate limits."""

import pytest

from jixiao.audit.middleware import client_ip


@pytest.mark.parametrize("peer, header, expected", [
    ("127.0.0.1", "203.0.113.9", "203.0.113.9"),   # through our nginx on the same host
    ("198.51.100.4", "203.0.113.9", "198.51.100.4"),  # straight from the internet: the header is a lie
    ("127.0.0.1", "", "127.0.0.1"),
])
def test_client_ip_trusts_x_real_ip_only_from_our_proxies(rf, peer, header, expected):
    extra = {"HTTP_X_REAL_IP": header} if header else {}
    assert client_ip(rf.get("/", REMOTE_ADDR=peer, **extra)) == expected


def test_trusted_proxies_come_from_the_setting(rf, settings):
    settings.TRUSTED_PROXIES = {"10.1.1.1"}
    assert client_ip(rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_REAL_IP="203.0.113.9")) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.9")) == "127.0.0.1"
