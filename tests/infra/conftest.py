"""The deployable stack, built offline once per test session: `infra/deploy package STAGE`
(chalice package + infra/template.json) into a temporary directory. No AWS account is involved."""
import pytest

from tests.infra.helpers import package


@pytest.fixture(scope='session')
def dev(tmp_path_factory):
    return package('dev', tmp_path_factory.mktemp('dev'))


@pytest.fixture(scope='session')
def prod(tmp_path_factory):
    return package('prod', tmp_path_factory.mktemp('prod'))
