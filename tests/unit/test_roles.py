"""Roles on the operator identity and the Team/settings bodies (pure)."""
import pytest

from chalicelib import protocol
from chalicelib.auth import OperatorIdentity
from chalicelib.errors import AppError


def test_require_admin_is_per_agent():
    op = OperatorIdentity('op-1', 'Ada', ('shop', 'other'), {'shop': 'admin', 'other': 'operator'})
    op.require_admin('shop')
    with pytest.raises(AppError) as refused:
        op.require_admin('other')
    assert (refused.value.code, refused.value.status) == ('forbidden_role', 403)
    with pytest.raises(AppError) as foreign:
        op.require_admin('elsewhere')
    assert (foreign.value.code, foreign.value.status) == ('not_found', 404)     # other tenants stay unnamed


def test_no_roles_stored_means_operator():
    op = OperatorIdentity('op-1', 'Ada', ('shop',))
    assert op.role('shop') == 'operator'
    assert OperatorIdentity('op-1', 'Ada', ('shop',), {'shop': 'root'}).role('shop') == 'operator'


@pytest.mark.parametrize('body', [{}, {'role': 'owner'}, {'role': 'admin', 'x': 1}, {'role': None}])
def test_parse_role_refuses(body):
    with pytest.raises(AppError):
        protocol.parse_role(body)


def test_parse_invite():
    assert protocol.parse_invite({'name': ' Carol '}) == ('Carol', 'operator', None)
    assert protocol.parse_invite({'name': 'Dan', 'role': 'admin', 'expires_in_days': 30}) == ('Dan', 'admin', 30)
    for bad in ({'name': 'D', 'expires_in_days': True}, {'name': 'D', 'expires_in_days': 3651}, {'name': 'D', 'x': 1}):
        with pytest.raises(AppError):
            protocol.parse_invite(bad)


@pytest.mark.parametrize('days, ok', [(1, True), (365, True), (3650, True), (0, False), (3651, False), (True, False),
                                      (30.0, False), ('30', False)])
def test_retention_days_range(days, ok):
    body = {'settings': {'retention_days': days}, 'version': 1}
    if ok:
        assert protocol.parse_settings(body, set())[0] == {'retention_days': days}
    else:
        with pytest.raises(AppError):
            protocol.parse_settings(body, set())
