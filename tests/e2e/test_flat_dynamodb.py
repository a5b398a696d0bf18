"""The embedded DynamoDB of the local runtime (infra/local/flat_dynamodb.py over moto).

Against a running runtime (subprocess, fixture app), through its real endpoint with boto3:
acknowledged writes survive concurrent failing transactions (moto as shipped loses some:
its transaction restores a copy of the whole table), transactions keep moto's semantics
(conditions, atomicity, cancellation reasons, GSIs, the answers' JSON) — compared item for item
with moto as shipped (mock_aws in the test process) on the same sequential scenario — and moto
still has the code this adapter replaces.
"""
import concurrent.futures
import hashlib
import inspect
import threading

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError


# sha256 (first 16 hex digits) of the source of every moto function infra/local/flat_dynamodb.py
# replaces or relies on, in moto 5.2.5. A change means: read the new moto code, adapt the adapter,
# then update the fingerprint.
MOTO_FINGERPRINTS = {
    ('moto.core.responses', 'BaseResponse', '_dispatch'): '446e22484251a00b',
    ('moto.dynamodb.models', 'DynamoDBBackend', 'transact_write_items'): '81db2cb7d94e39c9',
    ('moto.dynamodb.models', 'DynamoDBBackend', 'update_item'): '218984588dd689a5',
    ('moto.dynamodb.models.table', 'Table', 'query'): '002b4d00be6df07c',
    ('moto.dynamodb.models.table', 'Table', 'all_items'): 'c80d2ee3c896acd0',
    ('moto.dynamodb.models.table', 'Table', 'put_item'): 'de23933013ef8426',
    ('moto.dynamodb.models.table', 'Table', 'delete_item'): '1594f7b07616c8cb',
    ('moto.core.common_models', 'BaseModel', '__new__'): '08cf0ef20e88029a',
    ('moto.core.responses', 'BaseResponse', 'serialized'): 'af486a0ef1327162',
}


def test_moto_still_has_the_code_the_adapter_replaces():
    import importlib

    import moto
    from infra.local import flat_dynamodb
    assert moto.__version__ == flat_dynamodb.MOTO_VERSION
    changed = []
    for (module, cls, name), expected in MOTO_FINGERPRINTS.items():
        fn = getattr(importlib.import_module(module), cls).__dict__[name]
        digest = hashlib.sha256(inspect.getsource(fn).encode()).hexdigest()[:16]
        if digest != expected:
            changed.append('%s.%s.%s' % (module, cls, name))
    assert changed == [], 'moto changed what infra/local/flat_dynamodb.py replaces: %s' % changed
    # the hooks the adapter needs: query finds its items through all_items(), DynamoHandler inherits _dispatch
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler
    assert 'self.all_items()' in inspect.getsource(Table.query)
    assert '_dispatch' not in DynamoHandler.__dict__ and 'serialized' not in DynamoHandler.__dict__


def _clients(stack):
    session = boto3.session.Session(aws_access_key_id=stack['aws_access_key_id'],
                                    aws_secret_access_key=stack['aws_secret_access_key'],
                                    region_name=stack['region'])
    # no retries: a 500 must show, not be retried into a double write
    return session.client('dynamodb', endpoint_url=stack['aws_endpoint_url'],
                          config=Config(retries={'max_attempts': 1}, max_pool_connections=32))


@pytest.fixture(scope='module')
def stack(demo_stack):
    """The shared runtime of conftest.py: these tests write only their own keys into its table."""
    return demo_stack


def S(v):
    return {'S': v}


def test_acknowledged_writes_survive_concurrent_failing_transactions(stack):
    """Plain PutItems beside transactions whose condition fails: every acknowledged write stays.

    moto as shipped restores a whole-table copy when a transaction's condition fails, dropping
    what other threads wrote meanwhile (14-40 of 200 puts lost in issue 15's measurement).
    """
    ddb, table = _clients(stack), stack['table_name']
    ddb.put_item(TableName=table, Item={'pk': S('LOCK'), 'sk': S('LOCK'), 'n': {'N': '1'}})
    acked, errors = [], []
    stop = threading.Event()

    def writer(w):
        for i in range(150):
            key = {'pk': S('W#%d' % w), 'sk': S('%04d' % i)}
            try:
                ddb.put_item(TableName=table, Item=dict(key, v=S('x')))
                acked.append(key)
            except ClientError as e:
                errors.append(e.response['Error']['Code'])

    def failing_transactions():
        n = 0
        while not stop.is_set():
            n += 1
            try:
                ddb.transact_write_items(TransactItems=[
                    {'Put': {'TableName': table, 'Item': {'pk': S('T'), 'sk': S('%d' % n)}}},
                    {'ConditionCheck': {'TableName': table, 'Key': {'pk': S('LOCK'), 'sk': S('LOCK')},
                                        'ConditionExpression': 'n = :two', 'ExpressionAttributeValues': {':two': {'N': '2'}}}},
                ])
                errors.append('transaction unexpectedly succeeded')
            except ClientError as e:
                if e.response['Error']['Code'] != 'TransactionCanceledException':
                    errors.append(e.response['Error']['Code'])

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        txs = [pool.submit(failing_transactions) for _ in range(3)]
        for f in [pool.submit(writer, w) for w in range(4)]:
            f.result()
        stop.set()
        for f in txs:
            f.result()
    present = 0
    for w in range(4):
        pages = ddb.get_paginator('query').paginate(
            TableName=table, KeyConditionExpression='pk = :p', ExpressionAttributeValues={':p': S('W#%d' % w)},
            ConsistentRead=True)
        present += sum(page['Count'] for page in pages)
    assert present == len(acked), '%d acknowledged puts missing' % (len(acked) - present)
    assert errors == []
    assert len(acked) == 600
    leaked = ddb.query(TableName=table, KeyConditionExpression='pk = :p', ExpressionAttributeValues={':p': S('T')})
    assert leaked['Count'] == 0           # no failed transaction left its put behind


def scenario(ddb, table):
    """A sequential scenario of transactions, conditions and GSI reads; returns what was observed."""
    out = []

    def note(label, fn):
        try:
            result = fn()
            out.append((label, 'ok', _strip(result)))
        except ClientError as e:
            reasons = e.response.get('CancellationReasons')
            out.append((label, e.response['Error']['Code'],
                        [{k: r.get(k) for k in ('Code', 'Item')} for r in reasons] if reasons else None))

    def gsi(value, **kw):
        return ddb.query(TableName=table, IndexName='inbox', KeyConditionExpression='gsi1pk = :p',
                         ExpressionAttributeValues={':p': S(value)}, **kw)

    def conv(n, status, seq):
        return {'pk': S('SCN#%d' % n), 'sk': S('META'), 'seq': {'N': str(seq)}, 'kind': S('conv'),
                'gsi1pk': S('INBOX#%s' % status), 'gsi1sk': S('%05d' % n)}

    for n in range(6):
        note('put %d' % n, lambda n=n: ddb.put_item(TableName=table, Item=conv(n, 'pending' if n % 2 else 'open', 0)))
    note('gsi pending at start', lambda: gsi('INBOX#pending'))
    note('gsi count', lambda: gsi('INBOX#open', Select='COUNT'))
    # a transaction that moves conversation 1 to acknowledged and appends a message
    note('tx ok', lambda: ddb.transact_write_items(TransactItems=[
        {'Update': {'TableName': table, 'Key': {'pk': S('SCN#1'), 'sk': S('META')},
                    'UpdateExpression': 'SET seq = seq + :one, gsi1pk = :ack',
                    'ConditionExpression': 'seq = :zero',
                    'ExpressionAttributeValues': {':one': {'N': '1'}, ':zero': {'N': '0'}, ':ack': S('INBOX#acknowledged')}}},
        {'Put': {'TableName': table, 'Item': {'pk': S('SCN#1'), 'sk': S('MSG#1'), 'text': S('hi')},
                 'ConditionExpression': 'attribute_not_exists(pk)'}},
    ]))
    # the same again: both conditions fail now; reasons per item, with the old item when asked
    note('tx conflict', lambda: ddb.transact_write_items(TransactItems=[
        {'Update': {'TableName': table, 'Key': {'pk': S('SCN#1'), 'sk': S('META')},
                    'UpdateExpression': 'SET seq = seq + :one', 'ConditionExpression': 'seq = :zero',
                    'ExpressionAttributeValues': {':one': {'N': '1'}, ':zero': {'N': '0'}},
                    'ReturnValuesOnConditionCheckFailure': 'ALL_OLD'}},
        {'Put': {'TableName': table, 'Item': {'pk': S('SCN#1'), 'sk': S('MSG#1'), 'text': S('again')},
                 'ConditionExpression': 'attribute_not_exists(pk)'}},
        {'Put': {'TableName': table, 'Item': {'pk': S('SCN#1'), 'sk': S('MSG#2'), 'text': S('new')}}},
    ]))
    # one failing condition cancels everything, the other items included (atomicity)
    note('tx partial', lambda: ddb.transact_write_items(TransactItems=[
        {'Put': {'TableName': table, 'Item': {'pk': S('SCN#2'), 'sk': S('MSG#1'), 'text': S('x')}}},
        {'Delete': {'TableName': table, 'Key': {'pk': S('SCN#3'), 'sk': S('META')}}},
        {'ConditionCheck': {'TableName': table, 'Key': {'pk': S('SCN#4'), 'sk': S('META')},
                            'ConditionExpression': 'seq = :nine', 'ExpressionAttributeValues': {':nine': {'N': '9'}}}},
    ]))
    # an apply-time failure (adding a number to a string) is undone too
    note('tx apply error', lambda: ddb.transact_write_items(TransactItems=[
        {'Put': {'TableName': table, 'Item': {'pk': S('SCN#5'), 'sk': S('MSG#1'), 'text': S('y')}}},
        {'Update': {'TableName': table, 'Key': {'pk': S('SCN#5'), 'sk': S('META')},
                    'UpdateExpression': 'SET kind = kind + :one', 'ExpressionAttributeValues': {':one': {'N': '1'}}}},
    ]))
    note('tx same key twice', lambda: ddb.transact_write_items(TransactItems=[
        {'Put': {'TableName': table, 'Item': {'pk': S('SCN#0'), 'sk': S('META')}}},
        {'Delete': {'TableName': table, 'Key': {'pk': S('SCN#0'), 'sk': S('META')}}},
    ]))
    note('tx delete + move', lambda: ddb.transact_write_items(TransactItems=[
        {'Delete': {'TableName': table, 'Key': {'pk': S('SCN#3'), 'sk': S('META')}}},
        {'Update': {'TableName': table, 'Key': {'pk': S('SCN#4'), 'sk': S('META')},
                    'UpdateExpression': 'REMOVE gsi1pk'}},
    ]))
    note('conditional put fails', lambda: ddb.put_item(
        TableName=table, Item=conv(0, 'open', 5), ConditionExpression='attribute_not_exists(pk)'))
    note('update moves index', lambda: ddb.update_item(
        TableName=table, Key={'pk': S('SCN#5'), 'sk': S('META')}, UpdateExpression='SET gsi1pk = :p',
        ExpressionAttributeValues={':p': S('INBOX#pending')}))
    for status in ('open', 'pending', 'acknowledged'):
        note('gsi %s' % status, lambda status=status: gsi('INBOX#' + status))
        note('gsi %s desc limit' % status, lambda status=status: gsi('INBOX#' + status, ScanIndexForward=False, Limit=1))
    for n in range(6):
        note('partition %d' % n, lambda n=n: ddb.query(
            TableName=table, KeyConditionExpression='pk = :p', ExpressionAttributeValues={':p': S('SCN#%d' % n)},
            ConsistentRead=True))
    # the other item operations, with every attribute type in the answers
    rich = {'pk': S('SCN#9'), 'sk': S('META'), 'n': {'N': '1.50'}, 'b': {'B': b'\x00\xff'}, 'bs': {'BS': [b'a', b'b']},
            'ss': {'SS': ['x', 'y']}, 'ns': {'NS': ['1', '2']}, 'l': {'L': [{'NULL': True}, {'BOOL': False}]},
            'm': {'M': {'k': {'S': 'v'}}}, 'gsi1pk': S('INBOX#rich'), 'gsi1sk': S('1')}
    note('put rich old', lambda: ddb.put_item(TableName=table, Item=rich, ReturnValues='ALL_OLD'))
    note('put rich again', lambda: ddb.put_item(TableName=table, Item=rich, ReturnValues='ALL_OLD'))
    note('get rich', lambda: ddb.get_item(TableName=table, Key={'pk': S('SCN#9'), 'sk': S('META')}))
    note('get projected', lambda: ddb.get_item(TableName=table, Key={'pk': S('SCN#9'), 'sk': S('META')},
                                               ProjectionExpression='n, m.k'))
    note('get missing', lambda: ddb.get_item(TableName=table, Key={'pk': S('nope'), 'sk': S('META')}))
    note('update new', lambda: ddb.update_item(TableName=table, Key={'pk': S('SCN#9'), 'sk': S('META')},
                                               UpdateExpression='SET n = n + :one ADD ss :z',
                                               ExpressionAttributeValues={':one': {'N': '1'}, ':z': {'SS': ['z']}},
                                               ReturnValues='ALL_NEW'))
    note('batch get', lambda: ddb.batch_get_item(RequestItems={table: {'Keys': [
        {'pk': S('SCN#9'), 'sk': S('META')}, {'pk': S('SCN#2'), 'sk': S('META')}, {'pk': S('nope'), 'sk': S('x')}]}}))
    note('batch write', lambda: ddb.batch_write_item(RequestItems={table: [
        {'PutRequest': {'Item': {'pk': S('SCN#8'), 'sk': S('M%d' % i)}}} for i in range(3)]}))
    note('query paged', lambda: ddb.query(TableName=table, KeyConditionExpression='pk = :p', Limit=2,
                                          ExpressionAttributeValues={':p': S('SCN#8')}))
    note('gsi rich', lambda: gsi('INBOX#rich'))
    note('delete old', lambda: ddb.delete_item(TableName=table, Key={'pk': S('SCN#8'), 'sk': S('M0')},
                                               ReturnValues='ALL_OLD'))
    note('messages of 1', lambda: ddb.query(
        TableName=table, KeyConditionExpression='pk = :p AND begins_with(sk, :m)',
        ExpressionAttributeValues={':p': S('SCN#1'), ':m': S('MSG#')}))
    return out


def _strip(result):
    return {k: v for k, v in (result or {}).items() if k not in ('ResponseMetadata', 'ConsumedCapacity')}


def test_transactions_conditions_and_indexes_behave_as_moto_does(stack):
    """The same scenario against the runtime and against moto as shipped (in this process, mock_aws)."""
    from moto import mock_aws

    from infra import resources
    flat = scenario(_clients(stack), stack['table_name'])
    with mock_aws():
        ddb = boto3.client('dynamodb', region_name=stack['region'], aws_access_key_id='testing',
                           aws_secret_access_key='testing')
        resources.create_table(ddb, stack['table_name'])
        raw = scenario(ddb, stack['table_name'])
    assert [label for label, _, _ in flat] == [label for label, _, _ in raw]
    for got, expected in zip(flat, raw):
        assert got == expected
    outcome = {label: (code, detail) for label, code, detail in flat}
    # and what that means, spelled out
    assert outcome['tx ok'][0] == 'ok'
    assert outcome['tx conflict'][0] == 'TransactionCanceledException'
    reasons = outcome['tx conflict'][1]
    assert [r['Code'] for r in reasons] == ['ConditionalCheckFailed', 'ConditionalCheckFailed', 'None']
    assert reasons[0]['Item']['seq'] == {'N': '1'}
    assert [r['Code'] for r in outcome['tx partial'][1]] == ['None', 'None', 'ConditionalCheckFailed']
    assert outcome['tx apply error'][0] == 'ValidationException'     # moto's answer; undone all the same
    assert outcome['tx same key twice'][0] == 'ValidationException'
    assert outcome['partition 2'][1]['Count'] == 1          # the cancelled put left nothing
    assert outcome['partition 5'][1]['Count'] == 1          # neither did the one undone at apply time
    assert outcome['partition 3'][1]['Count'] == 0          # deleted by the transaction that succeeded
    assert [i['pk']['S'] for i in outcome['gsi pending at start'][1]['Items']] == ['SCN#1', 'SCN#3', 'SCN#5']
    assert [i['pk']['S'] for i in outcome['gsi pending'][1]['Items']] == ['SCN#5']
    assert [i['pk']['S'] for i in outcome['gsi acknowledged'][1]['Items']] == ['SCN#1']
    assert [i['pk']['S'] for i in outcome['gsi open'][1]['Items']] == ['SCN#0', 'SCN#2']


def test_exported_moto_state_is_not_tracked(stack):
    """moto's instance tracking would keep every item copy a query returns: the runtime turns it off."""
    ddb, table = _clients(stack), stack['table_name']
    ddb.put_item(TableName=table, Item={'pk': S('TRACK'), 'sk': S('1'), 'gsi1pk': S('INBOX#track'),
                                        'gsi1sk': S('1')})
    for _ in range(50):
        ddb.query(TableName=table, KeyConditionExpression='pk = :p', ExpressionAttributeValues={':p': S('TRACK')})
    # moto's own dashboard lists tracked instances: with tracking off it has no DynamoDB items
    import json
    import urllib.request
    with urllib.request.urlopen(stack['aws_endpoint_url'] + '/moto-api/data.json', timeout=10) as resp:
        data = json.loads(resp.read())
    assert data.get('dynamodb', {}).get('Item', []) == []
