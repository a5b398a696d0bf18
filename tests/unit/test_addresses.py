"""Webhook destinations: the forbidden-URL matrix (save time) and the resolved-address check (send time).

Pure: names are "resolved" by a stub resolver, nothing touches the network.
"""
import ipaddress

import pytest

from chalicelib.adapters.webhooks import WebhookError, WebhookRefused, checked_addresses, post_webhook
from chalicelib.protocol import ProtocolError
from chalicelib.protocol.bodies import parse_settings
from chalicelib.protocol.urls import UrlRefused, address_refusal, check_url, legacy_ipv4

FORBIDDEN = [
    # loopback in every notation a resolver or browser accepts
    'https://127.0.0.1/hook', 'https://127.0.0.2/hook', 'https://2130706433/hook', 'https://0x7f000001/hook',
    'https://0x7F.0x0.0x0.0x1/hook', 'https://0177.0.0.1/hook', 'https://017700000001/hook', 'https://127.1/hook',
    'https://127.0.1/hook', 'https://[::1]/hook', 'https://[0:0:0:0:0:0:0:1]/hook', 'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:7f00:1]/hook', 'https://localhost/hook', 'https://localhost./hook', 'https://LOCALHOST/hook',
    'https://api.localhost/hook', 'https://localhost.localdomain/hook',
    # credentials and the user@host trick
    'https://user@hooks.example.com/hook', 'https://user:pass@hooks.example.com/hook',
    'https://hooks.example.com@127.0.0.1/hook', 'https://hooks.example.com\\@127.0.0.1/hook',
    'https://hooks.example.com%40127.0.0.1/hook', 'https://%31%32%37.0.0.1/hook',
    # metadata endpoints
    'https://169.254.169.254/latest/meta-data/', 'https://[fd00:ec2::254]/latest/meta-data/',
    'https://0xa9fea9fe/latest', 'https://2852039166/latest', 'https://169.254.170.2/v2/credentials',
    'https://metadata.google.internal/computeMetadata/v1/', 'https://100.100.100.200/latest',
    # private, link-local, shared, multicast, reserved, unspecified
    'https://10.0.0.1/hook', 'https://172.16.5.4/hook', 'https://192.168.1.1/hook', 'https://100.64.0.1/hook',
    'https://169.254.1.1/hook', 'https://[fe80::1]/hook', 'https://[fc00::1]/hook', 'https://[fd12:3456::1]/hook',
    'https://224.0.0.1/hook', 'https://[ff02::1]/hook', 'https://240.0.0.1/hook', 'https://255.255.255.255/hook',
    'https://0.0.0.0/hook', 'https://0/hook', 'https://[::]/hook', 'https://198.18.0.1/hook', 'https://192.0.2.1/hook',
    # IPv6 forms carrying an IPv4 address
    'https://[64:ff9b::7f00:1]/hook', 'https://[64:ff9b::a9fe:a9fe]/hook', 'https://[2002:7f00:1::]/hook',
    'https://[2001:0::1]/hook', 'https://[fe80::1%25eth0]/hook',
    # local names and single labels
    'https://printer.local/hook', 'https://db.internal/hook', 'https://intranet/hook', 'https://router.lan/hook',
    # not https, not a URL, not a host
    'http://hooks.example.com/hook', 'ftp://hooks.example.com/hook', 'javascript:alert(1)', 'hooks.example.com/hook',
    'https:///hook', 'https://exa mple.com/hook', 'https://example.com/hook\n', 'https://hooks.example.com/#frag',
    'https://1.2.3.4.5/hook', 'https://example.123/hook', 'https://0x/hook', 'https://08.0.0.1/hook',
    'https://256.1.1.1/hook', 'https://hooks.exámple.com/hook', 'https://-bad-.example.com/hook',
    'https://hooks.example.com:0/hook', 'https://hooks.example.com:99999/hook', 'https://[::1/hook',
    'https://example.com/' + 'a' * 2000,
]

ALLOWED = ['https://hooks.example.com/handoff', 'https://hooks.example.com:8443/a/b?c=d', 'https://8.8.8.8/hook',
           'https://[2606:4700:4700::1111]/hook', 'https://HOOKS.Example.COM./x', 'https://xn--bcher-kva.example/h']


def test_the_matrix_is_large():
    assert len(FORBIDDEN) >= 30


@pytest.mark.parametrize('url', FORBIDDEN)
def test_forbidden_urls_are_refused_at_save_time(url):
    with pytest.raises(UrlRefused):
        check_url(url)
    with pytest.raises(ProtocolError) as refused:
        parse_settings({'settings': {'webhook_url': url}, 'version': 1}, set())
    assert refused.value.code == 'invalid_field' and refused.value.status == 400


@pytest.mark.parametrize('url', ALLOWED)
def test_public_https_urls_are_accepted(url):
    target = check_url(url)
    assert target.scheme == 'https' and not target.host.endswith('.')


def test_the_target_keeps_the_name_for_host_and_sni():
    t = check_url('https://HOOKS.example.com.:8443/a?b=1')
    assert (t.host, t.port, t.path, t.host_header) == ('hooks.example.com', 8443, '/a?b=1', 'hooks.example.com:8443')
    assert check_url('https://[2606:4700:4700::1111]/').host_header == '[2606:4700:4700::1111]'


@pytest.mark.parametrize('host,address', [('2130706433', '127.0.0.1'), ('0x7f000001', '127.0.0.1'),
                                          ('0177.0.0.1', '127.0.0.1'), ('127.1', '127.0.0.1'),
                                          ('10.1', '10.0.0.1'), ('192.168.257', '192.168.1.1'),
                                          ('0xa9.0xfe.0xa9.0xfe', '169.254.169.254'), ('8.8.8.8', '8.8.8.8')])
def test_legacy_ipv4_notations_are_read_as_resolvers_read_them(host, address):
    assert str(legacy_ipv4(host)) == address


def test_names_are_not_addresses():
    assert legacy_ipv4('hooks.example.com') is None
    assert legacy_ipv4('1password.com') is None


def test_loopback_http_only_behind_the_local_flag():
    for url in ('http://127.0.0.1:9000/hook', 'http://localhost:9000/hook', 'http://[::1]:9000/hook'):
        with pytest.raises(UrlRefused):
            check_url(url)
        assert check_url(url, allow_loopback_http=True).scheme == 'http'
    for url in ('http://10.0.0.1/hook', 'http://hooks.example.com/hook', 'http://169.254.169.254/'):
        with pytest.raises(UrlRefused):
            check_url(url, allow_loopback_http=True)


@pytest.mark.parametrize('address', ['127.0.0.1', '10.1.2.3', '172.31.255.255', '192.168.0.10', '169.254.169.254',
                                     '100.64.1.1', '0.0.0.0', '224.1.1.1', '240.0.0.1', '::1', '::', 'fe80::1',
                                     'fd00:ec2::254', 'fc00::5', '::ffff:10.0.0.1', '::ffff:8.8.8.8',
                                     '64:ff9b::808:808', '2002:a00:1::1', '2001::1', 'ff05::1'])
def test_non_public_addresses_are_refused(address):
    assert address_refusal(ipaddress.ip_address(address))


@pytest.mark.parametrize('address', ['8.8.8.8', '93.184.216.34', '2606:4700:4700::1111'])
def test_public_addresses_pass(address):
    assert address_refusal(ipaddress.ip_address(address)) is None


# ---- send time: what the name resolves to NOW ---------------------------------------------------------------

def stub(table):
    calls = []

    def resolve(host, port):
        calls.append(host)
        if host not in table:
            raise OSError('NXDOMAIN')
        return table[host]
    resolve.calls = calls
    return resolve


PRIVATE_DNS = {
    'loopback.attacker.example': ['127.0.0.1'], 'v6loop.attacker.example': ['::1'],
    'private.attacker.example': ['10.0.0.7'], 'metadata.attacker.example': ['169.254.169.254'],
    'ec2v6.attacker.example': ['fd00:ec2::254'], 'mapped.attacker.example': ['::ffff:127.0.0.1'],
    'nat64.attacker.example': ['64:ff9b::a9fe:a9fe'], 'mixed.attacker.example': ['93.184.216.34', '192.168.0.1'],
    'zero.attacker.example': ['0.0.0.0'], 'cgnat.attacker.example': ['100.64.0.9'],
    'linklocal6.attacker.example': ['fe80::1%eth0'], 'notanip.attacker.example': ['not-an-ip'],
}


@pytest.mark.parametrize('host', sorted(PRIVATE_DNS))
def test_names_resolving_to_forbidden_addresses_are_refused_at_send_time(host):
    target = check_url('https://%s/hook' % host)             # a plausible name: accepted at save time
    with pytest.raises(WebhookRefused):
        checked_addresses(target, stub(PRIVATE_DNS))


@pytest.mark.parametrize('host', sorted(PRIVATE_DNS))
def test_post_refuses_before_connecting(host):
    resolve = stub(PRIVATE_DNS)
    with pytest.raises(WebhookRefused):
        post_webhook('https://%s/hook' % host, {'event': 'e', 'event_id': 'i'}, [b's'], resolve=resolve)
    assert resolve.calls == [host]                           # resolved once; nothing else happened


def test_a_public_name_yields_its_checked_addresses_and_is_resolved_once():
    resolve = stub({'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']})
    assert checked_addresses(check_url('https://hooks.example.com/h'), resolve) == [
        '93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946']
    assert resolve.calls == ['hooks.example.com']


def test_an_unresolvable_name_is_a_retryable_failure():
    with pytest.raises(WebhookError) as failed:
        checked_addresses(check_url('https://gone.example.com/h'), stub({}))
    assert not isinstance(failed.value, WebhookRefused)


def test_literal_addresses_are_not_resolved():
    resolve = stub({})
    assert checked_addresses(check_url('https://8.8.8.8/h'), resolve) == ['8.8.8.8']
    assert resolve.calls == []


def test_loopback_flag_admits_http_to_loopback_only():
    resolve = stub({'localhost': ['127.0.0.1', '::1'], 'evil.example.com': ['127.0.0.1']})
    assert checked_addresses(check_url('http://localhost:9/h', True), resolve, True) == ['127.0.0.1', '::1']
    # https to a name that resolves to loopback is refused without the flag
    with pytest.raises(WebhookRefused):
        checked_addresses(check_url('https://evil.example.com/h'), resolve, False)
