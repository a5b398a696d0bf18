"""Visitor session tokens, bearer headers, webhook signatures."""
import base64
import hashlib
import hmac
import json

import pytest

from chalicelib.auth import OperatorIdentity, bearer, sign_session, verify_session, webhook_signature
from chalicelib.errors import AppError

SECRET = b'test-session-secret'
NOW = 1_790_000_000
DAY = 86400


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def unb64(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def rejected(token, now=NOW + 10, max_age=DAY, secret=SECRET):
    with pytest.raises(AppError) as info:
        verify_session(secret, token, max_age, now=now)
    assert info.value.code == 'unauthorized' and info.value.status == 401
    return info.value


# ---- sessions ----------------------------------------------------------------------------------

def test_round_trip():
    token = sign_session(SECRET, 'demo-shop', 'v_3f9c', now=NOW)
    assert verify_session(SECRET, token, DAY, now=NOW + 60) == ('demo-shop', 'v_3f9c')


def test_token_shape_is_url_safe_payload_dot_mac():
    token = sign_session(SECRET, 'demo-shop', 'v_1', now=NOW)
    payload_b64, mac_b64 = token.split('.')
    assert '=' not in token and '+' not in token and '/' not in token
    payload = unb64(payload_b64)
    assert json.loads(payload) == {'a': 'demo-shop', 'v': 'v_1', 'iat': NOW}
    assert unb64(mac_b64) == hmac.new(SECRET, payload, hashlib.sha256).digest()


def test_tampered_payload_with_old_mac():
    token = sign_session(SECRET, 'demo-shop', 'v_mine', now=NOW)
    forged = b64(json.dumps({'a': 'demo-shop', 'v': 'v_victim', 'iat': NOW}, separators=(',', ':')).encode())
    rejected(forged + '.' + token.split('.')[1])


def test_tampered_mac():
    payload_b64, mac_b64 = sign_session(SECRET, 'demo-shop', 'v_1', now=NOW).split('.')
    flipped = ('B' if mac_b64[0] == 'A' else 'A') + mac_b64[1:]
    rejected(payload_b64 + '.' + flipped)
    rejected(payload_b64 + '.')
    rejected(payload_b64 + '.' + mac_b64[:-4])


def test_other_secret():
    rejected(sign_session(b'other-secret', 'demo-shop', 'v_1', now=NOW))


def test_expired():
    token = sign_session(SECRET, 'demo-shop', 'v_1', now=NOW)
    assert verify_session(SECRET, token, DAY, now=NOW + DAY) == ('demo-shop', 'v_1')   # exactly max_age: still valid
    assert 'expired' in rejected(token, now=NOW + DAY + 1).message


@pytest.mark.parametrize('token', [None, '', 'garbage', 'a.b.c', '.', 'a.b', '%%%.%%%', 42, b'abc.def',
                                   'eyJhIjoxfQ.', '\u00e9\u00e9.\u00e9\u00e9'])
def test_garbage(token):
    rejected(token)


@pytest.mark.parametrize('payload', [b'[1, 2]', b'"v_1"', b'{}', b'not json', b'\xff'])
def test_correctly_signed_but_not_a_session_object(payload):
    rejected(b64(payload) + '.' + b64(hmac.new(SECRET, payload, hashlib.sha256).digest()))


# ---- bearer header -----------------------------------------------------------------------------

def test_bearer():
    assert bearer('Bearer tok_abc123') == 'tok_abc123'
    assert bearer('Bearer   tok_abc123  ') == 'tok_abc123'


@pytest.mark.parametrize('header', [None, '', 'tok_abc123', 'Basic dXNlcjpwYXNz', 'Bearer', 'Token tok',
                                    'Bearer ' + 'x' * 600])
def test_bad_bearer(header):
    with pytest.raises(AppError) as info:
        bearer(header)
    assert info.value.code == 'unauthorized' and info.value.status == 401


# ---- webhook signature ---------------------------------------------------------------------------

def test_webhook_signature_is_hmac_sha256_over_timestamp_dot_body():
    body = b'{"event":"handoff.requested","event_id":"e_1"}'
    expected = hmac.new(b'whsec', b'1790000000.' + body, hashlib.sha256).hexdigest()
    assert webhook_signature(b'whsec', 1790000000, body) == 'sha256=' + expected


def test_webhook_signature_depends_on_every_input():
    base = webhook_signature(b'whsec', 1, b'{}')
    assert base != webhook_signature(b'whsec', 2, b'{}')
    assert base != webhook_signature(b'whsec', 1, b'{} ')
    assert base != webhook_signature(b'other', 1, b'{}')
    assert len(base) == len('sha256=') + 64


# ---- operator identity ---------------------------------------------------------------------------

def test_operator_outside_its_agents_gets_not_found():
    alice = OperatorIdentity('op_alice', 'Alice', ('demo-shop',))
    assert alice.check_agent('demo-shop') is None
    with pytest.raises(AppError) as info:
        alice.check_agent('other-shop')
    assert info.value.status == 404
