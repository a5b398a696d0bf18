"""Admin commands against the configured table (TABLE_NAME, AWS credentials / AWS_ENDPOINT_URL).

    python -m infra.admin create-agent demo-shop "Acme Outfitters" --allow-handoff
    python -m infra.admin add-knowledge demo-shop "Do you ship abroad?" "Yes, to 30 countries."
    python -m infra.admin create-operator Alice demo-shop [other-agent ...]   # prints the token once

Not part of the Lambda package: operators are created by whoever runs the deployment.
"""
import argparse
import sys
import uuid

from chalicelib.protocol import valid_agent_id
from chalicelib.agents import DEFAULT_SETTINGS
from chalicelib.store import Repository


def create_agent(agent_id, name, allow_human_handoff=False, welcome_message=None, webhook_url=None):
    if not valid_agent_id(agent_id):
        raise ValueError('agent id must be 2-48 characters of a-z 0-9 -')
    settings = dict(DEFAULT_SETTINGS, allow_human_handoff=allow_human_handoff, welcome_message=welcome_message,
                    webhook_url=webhook_url)
    Repository().create_agent(agent_id, name, settings)
    return agent_id


def add_knowledge(agent_id, question, answer):
    entry_id = 'kb_' + uuid.uuid4().hex[:12]
    Repository().put_knowledge(agent_id, entry_id, question, answer, must_exist=False)
    return entry_id


def create_operator(name, agent_ids):
    return Repository().create_operator(name, agent_ids)


def main(argv=None):
    parser = argparse.ArgumentParser(prog='python -m infra.admin')
    sub = parser.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('create-agent')
    p.add_argument('agent_id')
    p.add_argument('name')
    p.add_argument('--allow-handoff', action='store_true')
    p.add_argument('--welcome')
    p = sub.add_parser('add-knowledge')
    p.add_argument('agent_id')
    p.add_argument('question')
    p.add_argument('answer')
    p = sub.add_parser('create-operator')
    p.add_argument('name')
    p.add_argument('agent_ids', nargs='+')
    args = parser.parse_args(argv)
    if args.cmd == 'create-agent':
        print(create_agent(args.agent_id, args.name, args.allow_handoff, args.welcome))
    elif args.cmd == 'add-knowledge':
        print(add_knowledge(args.agent_id, args.question, args.answer))
    else:
        print(create_operator(args.name, args.agent_ids))


if __name__ == '__main__':
    sys.exit(main())
