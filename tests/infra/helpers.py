"""Helpers for the infra tests: the packaged stack and the template's intrinsic functions."""
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / 'infra' / 'deploy'
CHALICE_CONFIG = json.loads((ROOT / '.chalice' / 'config.json').read_text())

# Fake physical values for resolving the template's intrinsic functions in tests.
ACCOUNT = '123456789012'
REGION = 'us-east-1'
STACK = 'handoff-dev'

FUNCTIONS = {  # logical id in the template -> Python handler in app.py
    'APIHandler': 'app', 'WebsocketConnect': 'ws_connect', 'WebsocketMessage': 'ws_message',
    'WebsocketDisconnect': 'ws_disconnect', 'OnNotification': 'on_notification', 'OnTimer': 'on_timer',
    'SweepOutbox': 'sweep_outbox'}
WS_STAGE = CHALICE_CONFIG['api_gateway_stage']


@dataclass
class Package:
    stage: str
    out: Path
    template: dict

    @property
    def zip_path(self):
        return self.out / 'deployment.zip'

    @property
    def resources(self):
        return self.template['Resources']

    def of_type(self, type_):
        return {k: v for k, v in self.resources.items() if v.get('Type') == type_}

    @property
    def functions(self):
        return self.of_type('AWS::Serverless::Function')

    def role_of(self, function_id):
        role = self.functions[function_id]['Properties']['Role']
        assert isinstance(role, dict) and list(role) == ['Fn::GetAtt'], '%s: Role is %r' % (function_id, role)
        logical, attr = role['Fn::GetAtt']
        assert attr == 'Arn'
        return logical

    def statements(self, role_id, parameters=None):
        """The role's statements for these parameter values (defaults otherwise): a statement
        under Fn::If is kept or dropped by its condition, as CloudFormation would."""
        out = []
        resolver = Resolver(self.template, parameters or {})
        for policy in self.resources[role_id]['Properties'].get('Policies', []):
            statements = policy['PolicyDocument']['Statement']
            for st in statements if isinstance(statements, list) else [statements]:
                if isinstance(st, dict) and list(st) == ['Fn::If']:
                    st = resolver.shallow_if(st)
                if st is not None:
                    out.append(st)
        return out


def package(stage, out):
    env = {k: v for k, v in os.environ.items() if k not in ('AWS_PROFILE', 'AWS_ENDPOINT_URL')}
    env.update(AWS_DEFAULT_REGION=REGION, AWS_REGION=REGION, PYTHON=sys.executable,
               CHALICE=str(Path(sys.executable).with_name('chalice')))
    proc = subprocess.run([str(DEPLOY), 'package', stage, '--out', str(out)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, 'infra/deploy package %s failed:\n%s\n%s' % (stage, proc.stdout, proc.stderr)
    assert proc.stdout.strip() == str(out / 'sam.json'), proc.stdout
    return Package(stage, out, json.loads((out / 'sam.json').read_text()))


# ---- intrinsic functions -------------------------------------------------------------------------

_SUB_VAR = re.compile(r'\$\{([^}!][^}]*)\}')
PSEUDO = {'AWS::Region': REGION, 'AWS::AccountId': ACCOUNT, 'AWS::StackName': STACK, 'AWS::Partition': 'aws',
          'AWS::URLSuffix': 'amazonaws.com', 'AWS::NoValue': None}


def references(value):
    """Every (logical id, attribute or None) that a value refers to through Ref, GetAtt or Sub."""
    found = []
    if isinstance(value, list):
        for v in value:
            found += references(v)
    elif isinstance(value, dict):
        if list(value) == ['Ref']:
            found.append((value['Ref'], None))
        elif list(value) == ['Fn::GetAtt']:
            arg = value['Fn::GetAtt']
            logical, attr = arg if isinstance(arg, list) else arg.split('.', 1)
            found.append((logical, attr))
        elif list(value) == ['Fn::Sub']:
            arg = value['Fn::Sub']
            text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], arg[1])
            for name in _SUB_VAR.findall(text):
                if name in extra:
                    continue
                logical, _, attr = name.partition('.')
                found.append((logical, attr or None))
            found += references(list(extra.values()))
        else:
            for v in value.values():
                found += references(v)
    return found


class Resolver:
    """Turns intrinsic functions into strings with made-up physical ids (`physical` maps
    'Logical' / 'Logical.Attr' to a value)."""

    def __init__(self, template, physical):
        self.template = template
        self.physical = dict(physical)

    def lookup(self, logical, attr=None):
        if attr is None and logical in PSEUDO:
            return PSEUDO[logical]
        key = logical if attr is None else '%s.%s' % (logical, attr)
        if key in self.physical:
            return self.physical[key]
        params = self.template.get('Parameters', {})
        if attr is None and logical in params:
            return params[logical].get('Default', '')
        raise KeyError('no physical value for %s in this test' % key)

    def condition(self, name):
        """A template condition evaluated with these parameter values (Default when not given)."""
        def evaluate(expr):
            (fn, arg), = expr.items()
            if fn == 'Condition':
                return self.condition(arg)
            if fn == 'Fn::Equals':
                return self(arg[0]) == self(arg[1])
            if fn == 'Fn::Not':
                return not evaluate(arg[0])
            if fn == 'Fn::And':
                return all(evaluate(a) for a in arg)
            if fn == 'Fn::Or':
                return any(evaluate(a) for a in arg)
            raise AssertionError('condition function %s: teach tests/infra/helpers.py' % fn)
        return evaluate(self.template['Conditions'][name])

    def shallow_if(self, value):
        """{'Fn::If': [condition, a, b]} -> a or b, unresolved inside (None for AWS::NoValue)."""
        name, when_true, when_false = value['Fn::If']
        chosen = when_true if self.condition(name) else when_false
        return None if chosen == {'Ref': 'AWS::NoValue'} else chosen

    def __call__(self, value):
        if isinstance(value, list):
            return [v for v in (self(v) for v in value) if v is not None]     # AWS::NoValue drops out
        if not isinstance(value, dict):
            return value
        if list(value) == ['Fn::If']:
            chosen = self.shallow_if(value)
            return None if chosen is None else self(chosen)
        if list(value) == ['Ref']:
            return self.lookup(value['Ref'])
        if list(value) == ['Fn::GetAtt']:
            arg = value['Fn::GetAtt']
            logical, attr = arg if isinstance(arg, list) else arg.split('.', 1)
            return self.lookup(logical, attr)
        if list(value) == ['Fn::Sub']:
            arg = value['Fn::Sub']
            text, extra = (arg, {}) if isinstance(arg, str) else (arg[0], {k: self(v) for k, v in arg[1].items()})

            def repl(m):
                name = m.group(1)
                if name in extra:
                    return str(extra[name])
                logical, _, attr = name.partition('.')
                return str(self.lookup(logical, attr or None))
            return _SUB_VAR.sub(repl, text)
        return {k: self(v) for k, v in value.items()}


def as_list(value):
    return value if isinstance(value, list) else [value]
