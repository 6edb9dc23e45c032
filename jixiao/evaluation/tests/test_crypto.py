import pytest

from jixiao.lib import crypto

KEY = bytes(range(16))


def test_sm4_gcm_round_trip_and_fresh_nonce():
    one = crypto.sm4_gcm_encrypt(KEY, b"13812345678", b"campaign:1")
    two = crypto.sm4_gcm_encrypt(KEY, b"13812345678", b"campaign:1")
    assert one != two  # random nonce
    assert crypto.sm4_gcm_decrypt(KEY, one, b"campaign:1") == b"13812345678"


@pytest.mark.parametrize("change", ["flip", "wrong_key", "wrong_context", "truncate"])
def test_sm4_gcm_refuses_tampering(change):
    blob = crypto.sm4_gcm_encrypt(KEY, b"13812345678", b"campaign:1")
    key, context = KEY, b"campaign:1"
    if change == "flip":
        blob = blob[:-1] + bytes([blob[-1] ^ 1])
    elif change == "wrong_key":
        key = bytes(16)
    elif change == "wrong_context":
        context = b"campaign:2"
    else:
        blob = blob[:10]
    with pytest.raises(crypto.CryptoError):
        crypto.sm4_gcm_decrypt(key, blob, context)


def test_sm3_matches_the_standard_test_vector():
    # GB/T 32905-2016, example 1: SM3("abc")
    assert crypto.sm3(b"abc") == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"


def test_hmac_keys_depend_on_the_key():
    assert crypto.hmac_sm3(b"a", b"138") == crypto.hmac_sm3(b"a", b"138")
    assert crypto.hmac_sm3(b"a", b"138") != crypto.hmac_sm3(b"b", b"138")
    assert crypto.derive_key(b"s", "one") != crypto.derive_key(b"s", "two")
    assert len(crypto.derive_key(b"s", "x", 40)) == 40


@pytest.mark.parametrize(("raw", "expected"), [
    ("138 1234 5678", "13812345678"), ("+86-138-1234-5678", "13812345678"), ("12812345678", ""),
    ("1381234567", ""), ("abc", ""), ("", ""),
])
def test_normalize_phone(raw, expected):
    assert crypto.normalize_phone(raw) == expected


def test_mask_phone():
    assert crypto.mask_phone("13812341234") == "138****1234"
