"""Per-agent secrets and identity verification (domain/keys.py): pure rules."""
import hashlib
import hmac
import re

from chalicelib.domain import keys
from chalicelib.domain.keys import SecretSet


def test_generated_secrets_name_their_use_and_are_random():
    a, b = keys.generate('identity'), keys.generate('identity')
    assert a.startswith('ids_') and keys.generate('webhook').startswith('whsec_') and a != b
    assert re.fullmatch(r'ids_[A-Za-z0-9_\-]{43}', a)          # 256 bits


def test_identity_hash_is_hex_hmac_sha256_of_the_user_id():
    assert keys.identity_hash('ids_s', 'cus_42') == hmac.new(b'ids_s', b'cus_42', hashlib.sha256).hexdigest()
    assert keys.identity_hash('ids_s', 'zoë') == hmac.new(b'ids_s', 'zoë'.encode(), hashlib.sha256).hexdigest()


def test_the_previous_secret_verifies_only_until_its_grace_ends():
    s = SecretSet('identity', 'new', '2026-01-01T00:00:00Z', previous='old', previous_until=1000)
    assert s.valid(999) == ['new', 'old'] and s.valid(1000) == ['new']
    good_old = keys.identity_hash('old', 'u')
    assert keys.verify_identity(s, 'u', good_old, 999) and not keys.verify_identity(s, 'u', good_old, 1000)
    assert keys.verify_identity(s, 'u', keys.identity_hash('new', 'u').upper(), 5000)
    assert not keys.verify_identity(None, 'u', good_old, 0)
    assert not keys.verify_identity(s, 'u', None, 0) and not keys.verify_identity(s, 'v', good_old, 0)


def test_the_view_never_shows_a_secret():
    s = SecretSet('webhook', 'whsec_new', 't', previous='whsec_old', previous_until=1000)
    assert 'whsec' not in str(s.view(0)) and s.view(0)['previous_valid_until'] == 1000
    assert s.view(2000)['previous_valid_until'] is None


def test_verified_visitor_ids_are_stable_opaque_and_fit_the_grammar():
    v = keys.verified_visitor_id('shop', 'cus_42')
    assert v == keys.verified_visitor_id('shop', 'cus_42') != keys.verified_visitor_id('other', 'cus_42')
    assert re.fullmatch(r'u_[0-9a-f]{32}', v) and 'cus' not in v and keys.is_verified_visitor_id(v)
    assert keys.verified_visitor_id('shop', 'ab') != keys.verified_visitor_id('shopa', 'b')   # agent ids have no NUL
    assert not keys.is_verified_visitor_id('v_123')


def test_unverified_records_keep_claims_apart():
    assert keys.visitor_record({'name': 'Eve', 'vip': True}, False, 'cus_1') == {
        'name': 'Eve', 'claimed_vip': True, 'claimed_user_id': 'cus_1', 'verified': False}
    assert keys.visitor_record({'name': 'Ada', 'vip': True}, True, 'cus_1') == {
        'name': 'Ada', 'vip': True, 'user_id': 'cus_1', 'verified': True}
