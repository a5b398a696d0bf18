"""The layers hold: the domain and the wire format import no AWS or framework code; arrows point down."""
import ast
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2] / 'chalicelib'
FORBIDDEN_IN_PURE = ('boto3', 'botocore', 'pynamodb', 'chalice', 'aws_lambda_powertools', 'chalicelib.adapters',
                     'chalicelib.usecases', 'chalicelib.bootstrap', 'chalicelib.unit_of_work', 'chalicelib.config')


def imports(path):
    tree = ast.parse(path.read_text())
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module


def modules(folder):
    return sorted((ROOT / folder).rglob('*.py'))


@pytest.mark.parametrize('path', modules('domain') + modules('protocol'), ids=lambda p: p.name)
def test_domain_and_protocol_are_pure(path):
    bad = [m for m in imports(path) if any(m == f or m.startswith(f + '.') for f in FORBIDDEN_IN_PURE)]
    assert not bad, bad


@pytest.mark.parametrize('path', modules('adapters'), ids=lambda p: p.name)
def test_adapters_use_no_use_case(path):
    bad = [m for m in imports(path) if m.startswith(('chalicelib.usecases', 'chalicelib.bootstrap'))]
    assert not bad, bad


def test_no_use_case_module_is_a_grab_bag():
    sizes = {p.name: len(p.read_text().splitlines()) for p in modules('usecases')}
    assert max(sizes.values()) <= 250, sizes


def test_the_write_retry_loop_exists_once():
    """Only the unit of work catches ConflictError to retry."""
    users = [p.relative_to(ROOT) for p in ROOT.rglob('*.py') if 'except (ConflictError' in p.read_text()]
    assert [str(p) for p in users] == ['unit_of_work.py']


def test_every_parsed_action_has_a_handler_and_back():
    from chalicelib.protocol.frames import ACTIONS
    from chalicelib.usecases.commands import HANDLERS
    parsed = {(role, action) for role, table in ACTIONS.items() for action in table}
    assert parsed == set(HANDLERS)
