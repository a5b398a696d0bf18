"""Webhook destinations: which URLs and which addresses the server may ever call. Pure (no DNS, no I/O).

Used twice: when an admin saves `webhook_url` (syntax and literal addresses, refused with
`invalid_field`), and by the sender right before each delivery (adapters/webhooks.py), which resolves
the name itself and checks every address it got with `address_refusal` before connecting to one of
them. Browsers and libc read hosts more loosely than they look: `2130706433`, `0x7f000001`,
`0177.0.0.1` and `127.1` are all 127.0.0.1 (inet_aton and the WHATWG URL standard agree), `[::ffff:
127.0.0.1]` is too, a trailing dot names the same host, and `https://good.example@127.0.0.1/` goes to
127.0.0.1. Every such form is read the way a resolver would read it, then judged as the address it is.
"""
import ipaddress
import re
from dataclasses import dataclass
from typing import Optional
from urllib.parse import urlsplit

MAX_URL = 2000
# Instance metadata endpoints (AWS IMDS v4 and v6, ECS task metadata, GCP/Azure/Alibaba/Oracle). Most are
# link-local or private already; listed so the refusal names them and a future `ipaddress` change cannot
# let one through.
METADATA = frozenset(ipaddress.ip_address(a) for a in (
    '169.254.169.254', '169.254.170.2', '169.254.169.253', 'fd00:ec2::254', 'fd00:ec2::23', '100.100.100.200',
    '168.63.129.16', '192.0.0.192'))
NAT64 = (ipaddress.ip_network('64:ff9b::/96'), ipaddress.ip_network('64:ff9b:1::/48'))
# Names that are local by definition (RFC 6761, RFC 8375, cloud-internal zones), whatever DNS answers.
LOCAL_NAMES = ('localhost', 'localhost.localdomain', 'ip6-localhost', 'ip6-loopback')
LOCAL_SUFFIXES = ('.localhost', '.local', '.localdomain', '.internal', '.intranet', '.arpa', '.lan', '.corp',
                  '.home')
_LABEL = re.compile(r'(?!-)[a-z0-9-]{1,63}(?<!-)')
_NUMERIC_PART = re.compile(r'(?:0x[0-9a-f]*|[0-9]+)')
_CONTROL = re.compile(r'[\x00-\x20\x7f\\]')


class UrlRefused(ValueError):
    """A URL or an address the server will not call; str() says why, for the admin who typed it."""


@dataclass(frozen=True)
class Target:
    scheme: str                 # 'https', or 'http' to loopback where the local runtime allows it
    host: str                   # lower case, no trailing dot, IPv6 without brackets
    port: int
    path: str                   # path and query, at least '/'
    address: Optional[object]   # the ipaddress object when the host is an address literal

    @property
    def host_header(self):
        host = '[%s]' % self.host if ':' in self.host else self.host
        default = 443 if self.scheme == 'https' else 80
        return host if self.port == default else '%s:%d' % (host, self.port)


def legacy_ipv4(host):
    """The IPv4 address a host like `2130706433`, `0x7f.1`, `0177.0.0.1` or `127.1` denotes (inet_aton
    rules, as browsers apply them when the last label is a number), None if the host is a name.
    A host that looks numeric but is no valid address raises UrlRefused."""
    parts = host.split('.')
    if not _NUMERIC_PART.fullmatch(parts[-1]):
        return None
    if len(parts) > 4 or not all(_NUMERIC_PART.fullmatch(p) for p in parts):
        raise UrlRefused('%s is neither a host name nor an IP address' % host[:64])
    values = []
    for p in parts:
        if p.startswith('0x'):
            values.append(int(p[2:] or '0', 16))
        elif len(p) > 1 and p.startswith('0'):
            if not re.fullmatch(r'[0-7]+', p):
                raise UrlRefused('%s is neither a host name nor an IP address' % host[:64])
            values.append(int(p, 8))
        else:
            values.append(int(p))
    *head, last = values
    if any(v > 255 for v in head) or last >= 256 ** (5 - len(values)):
        raise UrlRefused('%s is not a valid IP address' % host[:64])
    number = last
    for i, v in enumerate(head):
        number += v << (8 * (3 - i))
    return ipaddress.IPv4Address(number)


def address_refusal(address, allow_loopback=False):
    """Why the server must not connect to `address` (an ipaddress object), or None if it is a public
    unicast address. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4, Teredo) are refused
    outright: the IPv4 inside could be anything."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            if allow_loopback and address.ipv4_mapped.is_loopback:
                return None
            return 'an IPv4-mapped IPv6 address'
        if any(address in net for net in NAT64):
            return 'a NAT64 address'
        if address.sixtofour is not None or address.teredo is not None:
            return 'a 6to4 or Teredo address'
        if address.scope_id:
            return 'an address with a zone'
    if address in METADATA:
        return 'a cloud metadata address'
    if address.is_loopback:
        return None if allow_loopback else 'a loopback address'
    if address.is_unspecified:
        return 'the unspecified address'
    if address.is_link_local:
        return 'a link-local address'
    if address.is_multicast:
        return 'a multicast address'
    if address.is_private:
        return 'a private address'
    if address.is_reserved:
        return 'a reserved address'
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return 'a site-local address'
    if not address.is_global:
        return 'not a public address'
    return None


def is_loopback(address):
    """127.0.0.0/8, ::1, or 127.x written as an IPv4-mapped IPv6 address."""
    mapped = getattr(address, 'ipv4_mapped', None)
    return (mapped or address).is_loopback


def is_local_name(host):
    return host in LOCAL_NAMES or host.endswith(LOCAL_SUFFIXES) or host == 'metadata'


def check_url(url, allow_loopback_http=False):
    """The Target a webhook URL names, or UrlRefused. https only; http only to a loopback address and
    only when `allow_loopback_http` (the local runtime). No user or password, no fragment, no
    backslash, control character or space anywhere; the host a DNS name of at least two labels or an
    address literal (any form) that is public."""
    if not isinstance(url, str) or not url:
        raise UrlRefused('webhook_url must be a URL')
    if len(url) > MAX_URL:
        raise UrlRefused('webhook_url is limited to %d characters' % MAX_URL)
    if _CONTROL.search(url) or not url.isascii():
        raise UrlRefused('webhook_url must be plain ASCII without spaces, control characters or backslashes '
                         '(write an international domain in its xn-- form)')
    match = re.match(r'([A-Za-z][A-Za-z0-9+.\-]*)://([^/?#]*)(.*)\Z', url, re.S)
    if not match:
        raise UrlRefused('webhook_url must be an https:// URL')
    scheme, netloc, rest = match.group(1).lower(), match.group(2), match.group(3)
    if scheme not in ('https', 'http'):
        raise UrlRefused('webhook_url must be an https:// URL')
    if '@' in netloc:
        raise UrlRefused('webhook_url must not carry a user name or password')
    if '#' in rest:
        raise UrlRefused('webhook_url must not have a fragment (#...)')
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UrlRefused('webhook_url has an invalid host or port')
    host = (parts.hostname or '').lower()
    if netloc.startswith('['):
        if '%' in host:
            raise UrlRefused('webhook_url must not name an IPv6 zone')
        try:
            address = ipaddress.IPv6Address(host)
        except ValueError:
            raise UrlRefused('webhook_url has an invalid IPv6 address')
    else:
        if host.endswith('.'):
            host = host[:-1]            # "example.com." is example.com to every resolver
        if not host:
            raise UrlRefused('webhook_url has no host')
        address = legacy_ipv4(host)
        if address is not None and host != str(address):
            reason = address_refusal(address)
            raise UrlRefused('webhook_url must not point to %s (%s)' % (reason, address) if reason else
                             'write an IP address in webhook_url as four decimal numbers (%s)' % address)
        if address is None:
            labels = host.split('.')
            if len(host) > 253 or not all(_LABEL.fullmatch(label) for label in labels):
                raise UrlRefused('webhook_url has an invalid host name')
    if port == 0:
        raise UrlRefused('webhook_url has an invalid port')
    loopback = is_loopback(address) if address is not None else host == 'localhost'
    if scheme == 'http' and not (allow_loopback_http and loopback):
        raise UrlRefused('webhook_url must be an https:// URL')
    if not (allow_loopback_http and loopback):
        if address is not None:
            reason = address_refusal(address)
            if reason:
                raise UrlRefused('webhook_url must not point to %s' % reason)
        elif is_local_name(host):
            raise UrlRefused('webhook_url must not point to a local host name')
        elif '.' not in host:
            raise UrlRefused('webhook_url must name a host by its full domain name')
    path = parts.path or '/'
    if parts.query:
        path += '?' + parts.query
    return Target(scheme, host, port or (443 if scheme == 'https' else 80), path, address)
