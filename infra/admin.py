"""Admin commands against the configured table (TABLE_NAME, AWS credentials / AWS_ENDPOINT_URL).

    python -m infra.admin create-agent demo-shop "Acme Outfitters" --allow-handoff [--replace]
    python -m infra.admin add-knowledge demo-shop "Do you ship abroad?" "Yes, to 30 countries."
    python -m infra.admin create-operator Alice demo-shop [other-agent ...] [--expires-in-days 90]
                                                # prints the operator id, then the token (shown once)
    python -m infra.admin revoke-operator op-1a2b3c4d5e

Not part of the Lambda package: operators are created by whoever runs the deployment.
"""
import argparse
import sys
import uuid

from chalicelib.adapters.store import AgentExists, Agents, Operators
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


def create_operator(name, agent_ids, expires_in_days=None, with_id=False):
    """The new operator's token (and id, `with_id`). The token is stored only as a hash."""
    operator_id, token = Operators().create(name, agent_ids,
                                            expires_in_seconds=expires_in_days * 86400 if expires_in_days else None)
    return (operator_id, token) if with_id else token


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
    p = sub.add_parser('revoke-operator')
    p.add_argument('operator_id')
    args = parser.parse_args(argv)
    try:
        if args.cmd == 'create-agent':
            print(create_agent(args.agent_id, args.name, args.allow_handoff, args.welcome, replace=args.replace))
        elif args.cmd == 'add-knowledge':
            print(add_knowledge(args.agent_id, args.question, args.answer, args.alternate, args.lang))
        elif args.cmd == 'create-operator':
            operator_id, token = create_operator(args.name, args.agent_ids, args.expires_in_days, with_id=True)
            print(operator_id)
            print(token)
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
