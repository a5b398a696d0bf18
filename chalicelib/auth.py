"""Who is calling: operators by bearer token (stored only as a hash), visitors by a signed session.

A visitor session is `base64url(payload).base64url(hmac_sha256(secret, payload))`: the server
keeps no session table, and a visitor cannot forge another visitor's id.
"""
import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from typing import Mapping, Tuple

from chalicelib.errors import AppError, not_found, unauthorized

ROLES = ('admin', 'operator')     # per agent: admins also change settings, the team and visitors' data


@dataclass(frozen=True)
class OperatorIdentity:
    id: str
    name: str
    agent_ids: Tuple[str, ...]
    roles: Mapping[str, str] = field(default_factory=dict, compare=False, hash=False)   # {agent_id: role}

    def check_agent(self, agent_id):
        if agent_id not in self.agent_ids:
            # 404, not 403: an operator learns nothing about other tenants' ids.
            raise not_found('agent or conversation')

    def role(self, agent_id):
        """'admin' or 'operator' (the default: an operator stored before roles existed is not an admin)."""
        return 'admin' if self.roles.get(agent_id) == 'admin' else 'operator'

    def require_admin(self, agent_id):
        """404 for another tenant's agent, 403 `forbidden_role` for an operator of this one."""
        self.check_agent(agent_id)
        if self.role(agent_id) != 'admin':
            raise AppError('forbidden_role', 'only an admin of agent %s may do this' % agent_id, 403,
                           required='admin')


def _b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode()


def _unb64(text):
    return base64.urlsafe_b64decode(text + '=' * (-len(text) % 4))


def sign_session(secret, agent_id, visitor_id, now=None):
    payload = json.dumps({'a': agent_id, 'v': visitor_id, 'iat': int(now or time.time())},
                         separators=(',', ':')).encode()
    mac = hmac.new(secret, payload, hashlib.sha256).digest()
    return '%s.%s' % (_b64(payload), _b64(mac))


def verify_session(secret, token, max_age, now=None):
    """(agent_id, visitor_id) from a session token, or an `unauthorized` error."""
    try:
        payload_b64, mac_b64 = token.split('.')
        payload = _unb64(payload_b64)
        good = hmac.compare_digest(hmac.new(secret, payload, hashlib.sha256).digest(), _unb64(mac_b64))
        data = json.loads(payload) if good else None
    except (ValueError, AttributeError, TypeError, RecursionError):
        data = None
    # Signed but malformed (a field missing or of the wrong type) is as unusable as unsigned: 401, never 500.
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) and data[k] for k in ('a', 'v')) \
            or isinstance(data.get('iat'), bool) or not isinstance(data.get('iat'), (int, float)):
        raise unauthorized('invalid visitor session')
    if (now or time.time()) - data['iat'] > max_age:
        raise unauthorized('visitor session expired')
    return data['a'], data['v']


def bearer(header):
    token = header[len('Bearer '):].strip() if header and header.startswith('Bearer ') else ''
    if not token or len(token) > 512:
        raise unauthorized()
    return token


def webhook_signature(secret, timestamp, body):
    """Receivers recompute HMAC-SHA256 over "{timestamp}.{body}" and compare (Stripe-style)."""
    return 'sha256=' + hmac.new(secret, b'%d.' % timestamp + body, hashlib.sha256).hexdigest()
