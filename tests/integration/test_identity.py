"""Verified visitor identity: per-agent identity secrets (shown once, rotatable) and POST /visitor/session
with user_id + user_hash."""
import hashlib
import hmac
import json
import time

from infra import admin


def user_hash(secret, user_id):
    """What a site's server computes (README, Security)."""
    return hmac.new(secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def new_secret(h, kind='identity', token=None, **body):
    status, issued = h.rest('POST', '/agents/shop/secrets/%s' % kind, token=token or h.alice, body=body)
    assert status == 201, issued
    return issued['secret']


def session(h, **body):
    return h.rest('POST', '/visitor/session', body=dict({'agent_id': 'shop'}, **body))


def conversation(h, cid):
    status, conv = h.rest('GET', '/conversations/%s' % cid, token=h.alice)
    assert status == 200, conv
    return conv.get('conversation', conv)


def test_a_secret_is_shown_once_and_never_again(h):
    status, issued = h.rest('POST', '/agents/shop/secrets/identity', token=h.alice, body={})
    assert status == 201 and issued['secret'].startswith('ids_') and len(issued['secret']) > 40
    assert issued['rotated'] is False and issued['kind'] == 'identity'
    secret = issued['secret']
    status, again = h.rest('POST', '/agents/shop/secrets/identity', token=h.alice, body={})
    assert status == 409 and again['error']['code'] == 'secret_exists'
    for path in ('/agents/shop/secrets', '/agents/shop/settings', '/operator/me', '/agents/shop/inbox'):
        status, body = h.rest('GET', path, token=h.alice)
        assert status == 200 and secret not in json.dumps(body), path
    status, listed = h.rest('GET', '/agents/shop/secrets', token=h.alice)
    assert listed['secrets']['identity']['set'] is True and listed['secrets']['webhook'] == {'kind': 'webhook',
                                                                                           'set': False}


def test_only_an_admin_of_the_agent_manages_secrets(h):
    for token, code in ((h.bob, 403), (h.mallory, 404), ('nope', 401)):
        for method, path in (('GET', '/agents/shop/secrets'), ('POST', '/agents/shop/secrets/identity'),
                             ('POST', '/agents/shop/secrets/webhook')):
            status, body = h.rest(method, path, token=token, body={})
            assert status == code, (token, path, body)
    status, body = h.rest('POST', '/agents/shop/secrets/password', token=h.alice, body={})
    assert status == 404
    status, body = h.rest('POST', '/agents/shop/secrets/identity', token=h.alice, body={'grace_hours': -1})
    assert status == 400 and body['error']['code'] == 'invalid_field'


def test_verified_user_finds_the_same_conversation_on_another_device(h):
    secret = new_secret(h)
    status, laptop = session(h, user_id='cus_42', user_hash=user_hash(secret, 'cus_42'),
                             attributes={'name': 'Ada', 'email': 'ada@example.com', 'plan': 'pro'})
    assert status == 200 and laptop['verified'] is True and laptop['visitor_id'].startswith('u_')
    h.connect('laptop', session=laptop['session'])
    h.send('laptop', {'action': 'send', 'client_message_id': 'c1', 'text': 'How long does shipping take?'})
    status, phone = session(h, user_id='cus_42', user_hash=user_hash(secret, 'cus_42'))   # no old session
    assert status == 200 and phone['conversation_id'] == laptop['conversation_id']
    visitor = conversation(h, phone['conversation_id'])['visitor']
    assert visitor['name'] == 'Ada' and visitor['verified'] is True and visitor['user_id'] == 'cus_42'
    # another user of the same site, or the same user id at another agent, is another conversation
    status, other = session(h, user_id='cus_43', user_hash=user_hash(secret, 'cus_43'))
    assert other['conversation_id'] != laptop['conversation_id']


def test_a_verified_visitor_may_update_their_details(h):
    secret = new_secret(h)
    good = user_hash(secret, 'cus_1')
    session(h, user_id='cus_1', user_hash=good, attributes={'name': 'Ada'})
    status, s = session(h, user_id='cus_1', user_hash=good, attributes={'name': 'Ada Lovelace', 'vip': True})
    visitor = conversation(h, s['conversation_id'])['visitor']
    assert visitor['name'] == 'Ada Lovelace' and visitor['vip'] is True


def test_wrong_hash_or_no_secret_is_refused(h):
    status, body = session(h, user_id='cus_42', user_hash='0' * 64)
    assert status == 401 and body['error']['code'] == 'invalid_identity'      # no identity secret yet
    secret = new_secret(h)
    for bad in (user_hash(secret, 'cus_41'), user_hash('ids_guess', 'cus_42'), 'zz', '', user_hash(secret, 'cus_42')[:-1]):
        status, body = session(h, user_id='cus_42', user_hash=bad, attributes={'vip': True})
        assert status == 401 and body['error']['code'] == 'invalid_identity', bad
    status, body = session(h, user_hash=user_hash(secret, 'x'))
    assert status == 400 and body['error']['code'] == 'invalid_field'
    status, body = session(h, user_id='x' * 129, user_hash=user_hash(secret, 'x' * 129))
    assert status == 400 and body['error']['code'] == 'invalid_field'


def test_uppercase_hex_is_accepted(h):
    secret = new_secret(h)
    status, s = session(h, user_id='cus_42', user_hash=user_hash(secret, 'cus_42').upper())
    assert status == 200 and s['verified'] is True


def test_an_unverified_vip_claim_never_triggers_the_vip_handoff(h):
    status, s = session(h, attributes={'name': 'Eve', 'vip': True})
    assert s['verified'] is False
    h.connect('eve', session=s['session'])
    h.send('eve', {'action': 'send', 'client_message_id': 'c1', 'text': 'hello there'})
    conv = conversation(h, s['conversation_id'])
    assert conv['status'] == 'bot' and conv['handoff'] is None
    assert conv['visitor'] == {'id': s['visitor_id'], 'name': 'Eve', 'claimed_vip': True, 'verified': False}


def test_a_verified_vip_does_trigger_it(h):
    secret = new_secret(h)
    status, s = session(h, user_id='cus_9', user_hash=user_hash(secret, 'cus_9'), attributes={'vip': True})
    h.connect('vip', session=s['session'])
    h.send('vip', {'action': 'send', 'client_message_id': 'c1', 'text': 'hello there'})
    conv = conversation(h, s['conversation_id'])
    assert conv['status'] == 'pending' and conv['handoff']['reason']['code'] == 'vip'


def test_reposting_a_session_cannot_rename_an_unverified_visitor(h):
    status, first = session(h, attributes={'name': 'Ada', 'email': 'ada@example.com'})
    status, again = session(h, session=first['session'], attributes={'name': 'Alice (staff)', 'email': 'x@evil',
                                                                       'vip': True})
    assert status == 200 and again['conversation_id'] == first['conversation_id']
    visitor = conversation(h, first['conversation_id'])['visitor']
    assert (visitor['name'], visitor['email'], visitor['verified']) == ('Ada', 'ada@example.com', False)
    assert 'vip' not in visitor and 'claimed_vip' not in visitor


def test_an_unverified_page_cannot_pass_as_a_verified_user(h):
    secret = new_secret(h)
    status, real = session(h, user_id='cus_42', user_hash=user_hash(secret, 'cus_42'), attributes={'name': 'Ada'})
    # claiming the user id without the hash: a new, unverified visitor; the claim is kept as such
    status, fake = session(h, user_id='cus_42', attributes={'name': 'Mallory', 'vip': True})
    assert status == 200 and fake['verified'] is False and fake['conversation_id'] != real['conversation_id']
    visitor = conversation(h, fake['conversation_id'])['visitor']
    assert visitor['claimed_user_id'] == 'cus_42' and 'user_id' not in visitor and visitor['verified'] is False
    # re-posting the verified user's own session token without proof does not resume (nor rewrite) it
    status, resumed = session(h, session=real['session'], attributes={'name': 'Mallory'})
    assert status == 200 and resumed['conversation_id'] != real['conversation_id'] and resumed['verified'] is False
    assert conversation(h, real['conversation_id'])['visitor']['name'] == 'Ada'


def test_rotation_keeps_the_previous_secret_for_the_grace_period(h):
    old = new_secret(h)
    status, rotated = h.rest('POST', '/agents/shop/secrets/identity', token=h.alice, body={'rotate': True})
    assert status == 201 and rotated['rotated'] is True and rotated['previous_valid_until'] > time.time() + 23 * 3600
    new = rotated['secret']
    for secret in (old, new):
        status, s = session(h, user_id='cus_1', user_hash=user_hash(secret, 'cus_1'))
        assert status == 200 and s['verified'] is True
    status, ended = h.rest('POST', '/agents/shop/secrets/identity', token=h.alice,
                           body={'rotate': True, 'grace_hours': 0})
    assert status == 201 and ended['previous_valid_until'] is None
    for secret in (old, new):
        status, body = session(h, user_id='cus_1', user_hash=user_hash(secret, 'cus_1'))
        assert status == 401 and body['error']['code'] == 'invalid_identity'
    status, s = session(h, user_id='cus_1', user_hash=user_hash(ended['secret'], 'cus_1'))
    assert status == 200


def test_the_admin_cli_creates_and_rotates(h, capsys):
    assert admin.main(['identity-secret', 'shop']) == 0
    secret = capsys.readouterr().out.strip()
    assert secret.startswith('ids_')
    assert admin.main(['identity-secret', 'shop']) == 2
    assert 'secret_exists' in capsys.readouterr().err
    assert admin.main(['identity-secret', 'shop', '--rotate', '--grace-hours', '2']) == 0
    out = capsys.readouterr()
    assert out.out.strip().startswith('ids_') and out.out.strip() != secret and 'verifies until' in out.err
    status, s = session(h, user_id='u', user_hash=user_hash(secret, 'u'))
    assert status == 200 and s['verified'] is True
    assert admin.main(['webhook-secret', 'nope']) == 2
