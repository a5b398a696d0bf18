"""Admin commands against the configured table (TABLE_NAME, AWS credentials / AWS_ENDPOINT_URL).

    python -m infra.admin create-agent demo-shop "Acme Outfitters" --allow-handoff [--replace]
    python -m infra.admin add-knowledge demo-shop "Do you ship abroad?" "Yes, to 30 countries."
    python -m infra.admin create-operator Alice demo-shop [other-agent ...] [--role admin] [--expires-in-days 90]
                                                # prints the operator id, then the token (shown once)
    python -m infra.admin set-role op-1a2b3c4d5e demo-shop admin      # or operator
    python -m infra.admin revoke-operator op-1a2b3c4d5e
    python -m infra.admin identity-secret demo-shop [--rotate [--grace-hours 24]]   # prints the secret, once
    python -m infra.admin webhook-secret demo-shop [--rotate [--grace-hours 24]]    # prints the secret, once
    python -m infra.admin export-visitor demo-shop v_3f9c... > visitor.json    # everything stored about them
    python -m infra.admin erase-visitor demo-shop v_3f9c...                    # and delete it all
    python -m infra.admin erase-visitor demo-shop --user-id 42                 # a verified visitor, by user id

Not part of the Lambda package: operators are created by whoever runs the deployment.
"""
import argparse
import json
import sys
import uuid

from chalicelib.adapters.store import AgentExists, Agents, Operators
from chalicelib.adapters.store.operators import NoSuchMember
from chalicelib.auth import ROLES
from chalicelib.domain.settings import DEFAULT_SETTINGS
from chalicelib.protocol import valid_agent_id


def create_agent(agent_id, name, allow_human_handoff=False, welcome_message=None, webhook_url=None, replace=False):
    """A new agent; an existing one (and its settings) is kept and refused unless `replace`."""
    if not valid_agent_id(agent_id):
        raise ValueError('agent id must be 2-48 characters of a-z 0-9 -')
    settings = dict(DEFAULT_SETTINGS, allow_human_handoff=allow_human_handoff, welcome_message=welcome_message,
                    webhook_url=webhook_url)
    try:
        Agents().create(agent_id, name, settings, replace=replace)
    except AgentExists:
        raise ValueError('agent %s exists already; pass --replace to overwrite its name and settings' % agent_id)
    return agent_id


def add_knowledge(agent_id, question, answer, alternates=(), lang=None):
    entry_id = 'kb_' + uuid.uuid4().hex[:12]
    entry = {'question': question, 'answer': answer}
    if alternates:
        entry['alternates'] = list(alternates)
    if lang:
        entry['lang'] = lang
    Agents().put_entry(agent_id, entry_id, entry, must_exist=False)
    return entry_id


def create_operator(name, agent_ids, expires_in_days=None, with_id=False, role='operator'):
    """The new operator's token (and id, `with_id`). The token is stored only as a hash. `role` (admin or
    operator) applies to every agent given."""
    if role not in ROLES:
        raise ValueError('role must be admin or operator')
    operator_id, token = Operators().create(name, agent_ids, role=role,
                                            expires_in_seconds=expires_in_days * 86400 if expires_in_days else None)
    return (operator_id, token) if with_id else token


def set_role(operator_id, agent_id, role):
    """Make an operator admin or operator of one of their agents (also gives an operator created before
    roles existed its Team-page membership)."""
    if role not in ROLES:
        raise ValueError('role must be admin or operator')
    try:
        return Operators().set_role(agent_id, operator_id, role)
    except NoSuchMember:
        raise ValueError('%s is not an operator of %s' % (operator_id, agent_id))


def _as_admin(agent_id):
    """The privacy use cases, run by whoever holds the table's credentials (an admin of every agent)."""
    import types
    from chalicelib.adapters.store import Stores
    from chalicelib.auth import OperatorIdentity
    from chalicelib.usecases.context import now_iso
    stores = Stores()
    ctx = types.SimpleNamespace(stores=stores, conversations=stores.conversations, now=now_iso)
    return ctx, OperatorIdentity('admin-cli', 'admin CLI', (agent_id,), {agent_id: 'admin'})


def export_visitor(agent_id, visitor_id):
    """Everything stored about one visitor of an agent (conversations, messages, handoffs) as a dict."""
    from chalicelib.errors import AppError
    from chalicelib.usecases import privacy
    try:
        return privacy.export(*_as_admin(agent_id), agent_id, visitor_id)
    except AppError as err:
        raise ValueError('%s: %s' % (err.code, err.message))


def erase_visitor(agent_id, visitor_id):
    """Delete every item of one visitor; returns how many were deleted."""
    from chalicelib.errors import AppError
    from chalicelib.usecases import privacy
    try:
        return privacy.erase(*_as_admin(agent_id), agent_id, visitor_id)
    except AppError as err:
        raise ValueError('%s: %s' % (err.code, err.message))


def issue_secret(agent_id, kind, rotate=False, grace_hours=24):
    """Create an agent's identity or webhook secret, or replace it (`rotate`: the previous one keeps
    verifying for `grace_hours`). Returns the usecase's answer, with the secret: shown this once."""
    from chalicelib.adapters.store import Secrets
    from chalicelib.domain.keys import MAX_GRACE_HOURS
    from chalicelib.errors import AppError
    from chalicelib.usecases.context import now_iso
    from chalicelib.usecases.secrets import issue
    if Agents().get(agent_id) is None:
        raise ValueError('no agent %s' % agent_id)
    if not 0 <= grace_hours <= MAX_GRACE_HOURS:
        raise ValueError('--grace-hours must be from 0 to %d' % MAX_GRACE_HOURS)
    try:
        return issue(Secrets(), agent_id, kind, rotate, grace_hours, now_iso())
    except AppError as err:
        raise ValueError('%s: %s' % (err.code, err.message))


def revoke_operator(operator_id):
    """Delete an operator's token: every later request or socket with it is refused (401)."""
    return Operators().revoke(operator_id)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m infra.admin')
    sub = parser.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('create-agent')
    p.add_argument('agent_id')
    p.add_argument('name')
    p.add_argument('--allow-handoff', action='store_true')
    p.add_argument('--welcome')
    p.add_argument('--replace', action='store_true', help='overwrite an existing agent and its settings')
    p = sub.add_parser('add-knowledge')
    p.add_argument('agent_id')
    p.add_argument('question')
    p.add_argument('answer')
    p.add_argument('--alternate', action='append', default=[], help='another phrasing (any language); repeatable')
    p.add_argument('--lang')
    p = sub.add_parser('create-operator')
    p.add_argument('name')
    p.add_argument('agent_ids', nargs='+')
    p.add_argument('--expires-in-days', type=int)
    p.add_argument('--role', choices=ROLES, default='operator', help='for every agent given (default operator)')
    p = sub.add_parser('set-role')
    p.add_argument('operator_id')
    p.add_argument('agent_id')
    p.add_argument('role', choices=ROLES)
    p = sub.add_parser('revoke-operator')
    p.add_argument('operator_id')
    for kind in ('identity', 'webhook'):
        p = sub.add_parser(kind + '-secret', help='create the agent\'s %s secret (printed once), or --rotate it' % kind)
        p.add_argument('agent_id')
        p.add_argument('--rotate', action='store_true', help='replace the existing secret')
        p.add_argument('--grace-hours', type=int, default=24,
                       help='how long the replaced secret still verifies (default 24, 0: not at all)')
    for name in ('export-visitor', 'erase-visitor'):
        p = sub.add_parser(name)
        p.add_argument('agent_id')
        p.add_argument('visitor_id', nargs='?', help='v_… or u_… (see the dashboard or the export)')
        p.add_argument('--user-id', help="a verified visitor by the site's own user id instead")
    args = parser.parse_args(argv)
    if args.cmd in ('export-visitor', 'erase-visitor'):
        if bool(args.visitor_id) == bool(args.user_id):
            parser.error('give a visitor id or --user-id (one of them)')
        if args.user_id:
            from chalicelib.domain.keys import verified_visitor_id
            args.visitor_id = verified_visitor_id(args.agent_id, args.user_id)
    try:
        if args.cmd == 'create-agent':
            print(create_agent(args.agent_id, args.name, args.allow_handoff, args.welcome, replace=args.replace))
        elif args.cmd == 'add-knowledge':
            print(add_knowledge(args.agent_id, args.question, args.answer, args.alternate, args.lang))
        elif args.cmd == 'create-operator':
            operator_id, token = create_operator(args.name, args.agent_ids, args.expires_in_days, with_id=True,
                                                 role=args.role)
            print(operator_id)
            print(token)
        elif args.cmd in ('identity-secret', 'webhook-secret'):
            issued = issue_secret(args.agent_id, args.cmd.split('-')[0], args.rotate, args.grace_hours)
            print(issued['secret'])
            note = 'store it now: it is not shown again'
            if issued['previous_valid_until']:
                from datetime import datetime, timezone
                until = datetime.fromtimestamp(issued['previous_valid_until'], timezone.utc)
                note += '; the previous secret verifies until %s' % until.isoformat(timespec='seconds')
            print(note, file=sys.stderr)
        elif args.cmd == 'export-visitor':
            print(json.dumps(export_visitor(args.agent_id, args.visitor_id), indent=2, ensure_ascii=False))
        elif args.cmd == 'erase-visitor':
            print('erased %s of %s: %d items' % (args.visitor_id, args.agent_id,
                                                 erase_visitor(args.agent_id, args.visitor_id)))
        elif args.cmd == 'set-role':
            member = set_role(args.operator_id, args.agent_id, args.role)
            print('%s is now %s of %s' % (member['id'], member['role'], args.agent_id))
        elif not revoke_operator(args.operator_id):
            print('no such operator (or already revoked): %s' % args.operator_id, file=sys.stderr)
            return 1
        else:
            print('revoked %s' % args.operator_id)
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main())
