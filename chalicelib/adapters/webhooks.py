"""Signed outbound webhooks, sent only where the server may send them.

Signature: `X-Handoff-Signature: sha256=<hex HMAC-SHA256(secret, "{timestamp}.{body}")>` with the
agent's webhook secret, `X-Handoff-Timestamp` the Unix time it was signed. While a rotated secret is
still in its grace period the header carries one signature per valid secret, newest first, comma
separated (`sha256=<new>,sha256=<old>`): a receiver accepts the call if any one matches.

The sender (defence against server-side request forgery):
- the URL is checked again (protocol.urls.check_url: https, no credentials, no local names, no
  forbidden literal address in any notation);
- the host is resolved here, at send time, and EVERY address it resolves to must be public
  (protocol.urls.address_refusal: loopback, private, link-local, metadata, multicast, reserved,
  unspecified, IPv4-mapped, NAT64, 6to4/Teredo are refused);
- the connection goes to one of those checked addresses (no second lookup a rebinding DNS server could
  answer differently), with the name kept for the Host header, SNI and certificate verification;
- redirects are not followed, connect and each read time out after a few seconds, the whole exchange
  is cut off after DEADLINE seconds, and at most MAX_RESPONSE bytes of the answer are read. No proxy from the environment is used.
"""
import json
import logging
import threading
import time

from chalicelib.auth import webhook_signature
from chalicelib.protocol.urls import UrlRefused, address_refusal, check_url, is_loopback

logger = logging.getLogger(__name__)
USER_AGENT = 'handoff-webhook/1'
MAX_RESPONSE = 4096
CONNECT_TIMEOUT = 3.0
TIMEOUT = 5.0                   # per socket operation
DEADLINE = 10.0                 # the whole exchange: a receiver trickling bytes is cut off here


class WebhookError(Exception):
    """Delivery failed; worth retrying later (the SQS record is retried)."""


class WebhookRefused(WebhookError):
    """The destination is forbidden: retrying cannot help."""


def signature_header(secrets, timestamp, body):
    """One `sha256=` signature per secret (current first), comma separated."""
    return ','.join(webhook_signature(s, timestamp, body) for s in secrets)


def system_resolver(host, port):
    """Every address `host` resolves to (strings), as the OS resolver answers now."""
    import socket
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [info[4][0] for info in infos]


def checked_addresses(target, resolve, allow_loopback_http=False):
    """The addresses to connect to, all of them allowed; WebhookRefused if any one is not."""
    import ipaddress
    loopback_only = target.scheme == 'http'          # check_url admits http only to loopback, behind the flag
    if target.address is not None:
        found = [target.address]
    else:
        try:
            found = [ipaddress.ip_address(a.split('%', 1)[0]) for a in resolve(target.host, target.port)]
        except (OSError, UnicodeError) as exc:
            raise WebhookError('cannot resolve %s: %s' % (target.host, exc.__class__.__name__))
        except ValueError:
            raise WebhookRefused('%s resolved to something that is not an IP address' % target.host)
    if not found:
        raise WebhookError('%s resolved to no address' % target.host)
    for address in found:
        if loopback_only and not (allow_loopback_http and is_loopback(address)):
            raise WebhookRefused('http:// is only allowed to loopback in the local runtime')
        reason = address_refusal(address, allow_loopback=allow_loopback_http)
        if reason:
            raise WebhookRefused('%s resolves to %s' % (target.host, reason))
    return [str(a) for a in found]


def _connection(target, address, timeout):
    """An http.client connection to `address` that speaks to `target.host` (Host header, SNI, certificate)."""
    import http.client
    import socket
    import ssl

    def open_socket(port):
        sock = socket.create_connection((address, port), CONNECT_TIMEOUT)
        sock.settimeout(timeout)
        return sock

    if target.scheme == 'http':
        class Pinned(http.client.HTTPConnection):
            def connect(self):
                self.sock = open_socket(self.port)
        return Pinned(target.host, target.port, timeout=timeout)

    class PinnedTLS(http.client.HTTPSConnection):
        def connect(self):
            self.sock = self._context.wrap_socket(open_socket(self.port), server_hostname=self.host)
    return PinnedTLS(target.host, target.port, timeout=timeout, context=ssl.create_default_context())


def _cut_off(conn, fired):
    """Shut the connection's socket from another thread: a blocked read returns at once."""
    import socket
    fired.append(True)
    sock = conn.sock
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def post_webhook(url, payload, secrets, allow_loopback_http=False, resolve=system_resolver, timeout=TIMEOUT,
                 now=time.time, deadline=DEADLINE):
    """POST `payload` as signed JSON to `url`. Raises WebhookRefused for a forbidden destination,
    WebhookError for any other failure (including a non-2xx answer or a redirect)."""
    if isinstance(secrets, (bytes, bytearray)):
        secrets = [bytes(secrets)]
    try:
        target = check_url(url, allow_loopback_http)
    except UrlRefused as exc:
        raise WebhookRefused(str(exc))
    addresses = checked_addresses(target, resolve, allow_loopback_http)
    body = json.dumps(payload, separators=(',', ':')).encode()
    ts = int(now())
    headers = {'Content-Type': 'application/json', 'User-Agent': USER_AGENT, 'Connection': 'close',
               'X-Handoff-Event': payload['event'], 'X-Handoff-Event-Id': payload['event_id'],
               'X-Handoff-Timestamp': str(ts), 'X-Handoff-Signature': signature_header(secrets, ts, body)}
    return _exchange(target, addresses, body, headers, timeout, deadline)


def post_json(url, payload, allow_loopback_http=False, resolve=system_resolver, timeout=TIMEOUT, deadline=DEADLINE):
    """POST unsigned JSON (a Slack incoming webhook) under the same guard: WebhookRefused for a forbidden
    destination, WebhookError for any other failure."""
    try:
        target = check_url(url, allow_loopback_http)
    except UrlRefused as exc:
        raise WebhookRefused(str(exc))
    addresses = checked_addresses(target, resolve, allow_loopback_http)
    body = json.dumps(payload, separators=(',', ':')).encode()
    headers = {'Content-Type': 'application/json', 'User-Agent': USER_AGENT, 'Connection': 'close'}
    return _exchange(target, addresses, body, headers, timeout, deadline)


def _exchange(target, addresses, body, headers, timeout, deadline):
    """One POST to the first checked address that accepts a connection."""
    last_error = None
    for address in addresses:
        conn = _connection(target, address, timeout)
        timer = None
        try:
            try:
                conn.connect()
            except OSError as exc:                  # this address is down: the next one may answer
                last_error = exc
                continue
            fired = []
            timer = threading.Timer(deadline, _cut_off, (conn, fired))
            timer.daemon = True
            timer.start()
            conn.request('POST', target.path, body=body, headers=headers)
            response = conn.getresponse()
            response.read(MAX_RESPONSE)             # never more: the receiver's answer is not used
            if fired:                               # what was read may be cut anywhere: not an answer
                raise WebhookError('webhook took over %.0f s' % deadline)
            if 300 <= response.status < 400:
                raise WebhookError('webhook answered %d; redirects are not followed' % response.status)
            if not 200 <= response.status < 300:
                raise WebhookError('webhook answered %d' % response.status)
            return response.status
        except (OSError, ValueError) as exc:        # timeouts, TLS and protocol errors
            raise WebhookError('webhook failed: %s' % exc.__class__.__name__)
        except Exception as exc:                    # http.client.HTTPException and kin
            if isinstance(exc, WebhookError):
                raise
            raise WebhookError('webhook failed: %s' % exc.__class__.__name__)
        finally:
            if timer is not None:
                timer.cancel()
            conn.close()
    raise WebhookError('webhook failed: cannot connect (%s)' % (last_error.__class__.__name__ if last_error else '?'))
