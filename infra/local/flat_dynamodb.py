"""Make the embedded DynamoDB (moto) correct under concurrency, flat in table size and bounded in memory.

moto 5.2.x, as the local runtime uses it (ThreadedMotoServer, one thread per request), has
three problems (measured in issue 15; NOTES.md, "The embedded DynamoDB (moto) under load"):

1. ``TransactWriteItems`` deep-copies every table a transaction touches, once per
   transaction item, and when a condition fails it *puts the copy back*. Under
   concurrent requests that restore discards what other threads wrote meanwhile:
   acknowledged PutItems and transactions vanish. Its copy can also raise
   ``RuntimeError: dictionary changed size during iteration``.
2. Its cost grows with the table (the copy; and every Query walks all items of the
   table, a GSI query too), so the runtime gets slower the more it stores.
3. Every model object moto creates is kept in a class-level list
   (``BaseModel.__new__`` -> ``instances_tracked``): table copies, and the item copies
   every Query returns, are never freed.

``install()`` replaces, in this process only:

* ``DynamoHandler._dispatch``: one lock around every DynamoDB request (parse, apply,
  serialize). DynamoDB requests are then atomic with respect to each other, as in
  DynamoDB itself; SQS and the other services are untouched (an SQS long poll must
  not hold it).
* ``DynamoDBBackend.transact_write_items``: checks every item's condition first,
  and only if all hold applies the writes, keeping a copy of *each item it changes*
  (not of the table) to undo them if an apply step fails. Cancellation reasons are
  moto's (one per item, in request order, ``ConditionalCheckFailed`` with the old
  item when ``ReturnValuesOnConditionCheckFailure`` asks for it); a duplicate key or
  a validation error is raised as moto raises it. moto has no idempotency tokens
  (``ClientRequestToken`` is ignored by moto too).
* ``Table.query``: a query reads only the candidate items (the partition for a table
  query; the index partition for a GSI query, from a hash map kept up to date on every
  write) instead of every item of the table. moto's own query code still sorts,
  filters, pages and projects them, so results are moto's.
* ``BaseModel.__new__``: no instance tracking (it only feeds moto's dashboard).
* ``DynamoHandler.serialized``: the answers of the item operations (GetItem, Query, PutItem,
  TransactWriteItems, ...) are already DynamoDB JSON; they are written with ``json.dumps``
  instead of moto's generic shape-walking serializer (a quarter of the runtime's CPU under
  load). Anything else, errors included, still goes through moto's serializer.

Everything here targets moto 5.2.5 exactly (``MOTO_VERSION``). tests/e2e/test_flat_dynamodb.py
checks that the replaced functions still have the signatures and the code this module
relies on, so an upgrade that changes them fails a test instead of silently changing
the runtime's behaviour.
"""
import base64
import copy
import json
import threading

MOTO_VERSION = '5.2.5'

LOCK = threading.RLock()
_installed = {}          # (owner, name) -> original attribute
_INHERITED = object()    # the attribute was inherited: uninstall deletes the override


def _originals():
    from moto.core.common_models import BaseModel
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler
    return {
        (DynamoHandler, '_dispatch'): DynamoHandler.__dict__.get('_dispatch', _INHERITED),
        (DynamoDBBackend, 'transact_write_items'): DynamoDBBackend.__dict__['transact_write_items'],
        (DynamoDBBackend, 'update_item'): DynamoDBBackend.__dict__['update_item'],
        (Table, 'query'): Table.__dict__['query'],
        (Table, 'all_items'): Table.__dict__['all_items'],
        (Table, 'put_item'): Table.__dict__['put_item'],
        (Table, 'delete_item'): Table.__dict__['delete_item'],
        (BaseModel, '__new__'): BaseModel.__dict__['__new__'],
        (DynamoHandler, 'serialized'): DynamoHandler.__dict__.get('serialized', _INHERITED),
    }


# Operations whose result is plain DynamoDB JSON (attribute values, counts, keys, capacity).
FAST_ACTIONS = frozenset(('GetItem', 'BatchGetItem', 'Query', 'Scan', 'PutItem', 'UpdateItem', 'DeleteItem',
                          'BatchWriteItem', 'TransactWriteItems', 'TransactGetItems'))


def _json_default(value):
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode('ascii')      # B and BS values, as the JSON protocol sends them
    raise TypeError(type(value).__name__)


def installed():
    return bool(_installed)


def install():
    """Patch moto in this process (idempotent). Returns ``uninstall``."""
    if _installed:
        return uninstall
    import moto
    from moto.core.common_models import BaseModel
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler
    if moto.__version__ != MOTO_VERSION:
        import warnings
        warnings.warn('infra.local.flat_dynamodb was written for moto %s, found %s: run tests/e2e/'
                      'test_flat_dynamodb.py' % (MOTO_VERSION, moto.__version__))
    originals = _originals()
    dispatch = DynamoHandler._dispatch          # BaseResponse._dispatch, inherited
    update_item = originals[(DynamoDBBackend, 'update_item')]
    query = originals[(Table, 'query')]
    all_items = originals[(Table, 'all_items')]
    put_item = originals[(Table, 'put_item')]
    delete_item = originals[(Table, 'delete_item')]

    def locked_dispatch(self, *args, **kwargs):
        with LOCK:
            return dispatch(self, *args, **kwargs)

    def table_put_item(self, item_attrs, *args, **kwargs):
        item = put_item(self, item_attrs, *args, **kwargs)
        _reindex(self, item.hash_key, item.range_key)
        return item

    def table_delete_item(self, hash_key, range_key):
        item = delete_item(self, hash_key, range_key)
        _reindex(self, hash_key, range_key)
        return item

    def backend_update_item(self, table_name, key, *args, **kwargs):
        try:
            return update_item(self, table_name, key, *args, **kwargs)
        finally:
            table = self.tables.get(table_name)
            if table is not None:
                try:
                    hash_value, range_value = _key_of(table, key)
                except Exception:
                    pass
                else:
                    _reindex(table, hash_value, range_value)

    def table_query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                    scan_index_forward, projection_expressions, index_name=None, consistent_read=False,
                    filter_expression=None, hash_key_conditions=None, range_key_conditions=None, **filter_kwargs):
        candidates = _candidates(self, hash_key, index_name, hash_key_conditions)
        if candidates is not None:
            self.__dict__['_flat_candidates'] = candidates
        try:
            return query(self, hash_key, range_comparison, range_objs, limit, exclusive_start_key,
                         scan_index_forward, projection_expressions, index_name, consistent_read,
                         filter_expression, hash_key_conditions=hash_key_conditions,
                         range_key_conditions=range_key_conditions, **filter_kwargs)
        finally:
            self.__dict__.pop('_flat_candidates', None)

    def table_all_items(self):
        candidates = self.__dict__.get('_flat_candidates')
        if candidates is not None:
            return list(candidates)
        return all_items(self)

    def untracked_new(cls, *args, **kwargs):
        return object.__new__(cls)

    serialized = DynamoHandler.serialized          # BaseResponse.serialized, inherited

    def fast_serialized(self, action_result):
        result = action_result.result
        if type(result) is dict and self._get_action() in FAST_ACTIONS:
            try:
                body = json.dumps(result, default=_json_default, separators=(',', ':'))
            except (TypeError, ValueError):
                pass
            else:
                headers = {'Content-Type': 'application/x-amz-json-1.0'}
                headers.update(self.response_headers)
                return 200, headers, body
        return serialized(self, action_result)

    patches = {
        (DynamoHandler, '_dispatch'): locked_dispatch,
        (DynamoDBBackend, 'transact_write_items'): transact_write_items,
        (DynamoDBBackend, 'update_item'): backend_update_item,
        (Table, 'query'): table_query,
        (Table, 'all_items'): table_all_items,
        (Table, 'put_item'): table_put_item,
        (Table, 'delete_item'): table_delete_item,
        (BaseModel, '__new__'): untracked_new,
        (DynamoHandler, 'serialized'): fast_serialized,
    }
    with LOCK:
        for (owner, name), fn in patches.items():
            _installed[(owner, name)] = originals[(owner, name)]
            setattr(owner, name, fn)
        # What was tracked before (tables created at start-up) is released too.
        from moto.core.model_instances import reset_model_data
        reset_model_data()
    return uninstall


def uninstall():
    with LOCK:
        for (owner, name), original in list(_installed.items()):
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        _installed.clear()


# ---------------------------------------------------------------------------- keys and the GSI hash map

def _key_of(table, key):
    """(hash DynamoType, range DynamoType or None) of a key dict in request form."""
    from moto.dynamodb.models.dynamo_type import DynamoType
    hash_value = DynamoType(key[table.hash_key_attr])
    range_value = DynamoType(key[table.range_key_attr]) if table.range_key_attr else None
    return hash_value, range_value


class _IndexMap:
    """For each single-hash-key GSI of a table: index hash value -> {primary key: stored item}."""

    def __init__(self, table):
        self.items_ref = table.items
        self.names = [i.name for i in table.global_indexes or []]
        self.gsis = []
        for index in table.global_indexes or []:
            hash_attrs = [k['AttributeName'] for k in index.schema if k['KeyType'] == 'HASH']
            if len(hash_attrs) == 1:
                self.gsis.append((index.name, hash_attrs[0]))
        self.buckets = {name: {} for name, _ in self.gsis}
        self.placed = {name: {} for name, _ in self.gsis}
        for item in _every_item(table):
            self.place(item.hash_key, item.range_key, item)

    def place(self, hash_value, range_value, item):
        pkey = (hash_value, range_value)
        for name, attr in self.gsis:
            buckets, placed = self.buckets[name], self.placed[name]
            old = placed.pop(pkey, None)
            if old is not None:
                bucket = buckets.get(old)
                if bucket is not None:
                    bucket.pop(pkey, None)
                    if not bucket:
                        del buckets[old]
            value = item.attrs.get(attr) if item is not None else None
            if value is not None:
                buckets.setdefault(value, {})[pkey] = item
                placed[pkey] = value


def _every_item(table):
    items = []
    for hash_set in table.items.values():
        if table.range_key_attr:
            items.extend(hash_set.values())
        else:
            items.append(hash_set)
    return items


def _index_map(table):
    index_map = table.__dict__.get('_flat_index')
    names = [i.name for i in table.global_indexes or []]
    if index_map is None or index_map.items_ref is not table.items or index_map.names != names:
        index_map = _IndexMap(table)
        table.__dict__['_flat_index'] = index_map
    return index_map


def _stored(table, hash_value, range_value):
    bucket = table.items.get(hash_value)
    if bucket is None:
        return None
    if table.range_key_attr:
        return bucket.get(range_value)
    return bucket


def _reindex(table, hash_value, range_value):
    if not table.global_indexes:
        return
    _index_map(table).place(hash_value, range_value, _stored(table, hash_value, range_value))


def _candidates(table, hash_key, index_name, hash_key_conditions):
    """The items a query can match (a superset), or None to let moto look at every item."""
    if not index_name:
        if hash_key is None:
            return None
        bucket = table.items.get(hash_key)
        if bucket is None:
            return []
        return list(bucket.values()) if table.range_key_attr else [bucket]
    index = next((i for i in table.global_indexes or [] if i.name == index_name), None)
    if index is None:
        return None                               # an LSI, or an unknown name: moto decides
    index_map = _index_map(table)
    attr = dict(index_map.gsis).get(index_name)
    if attr is None:
        return None                               # multi-attribute hash key: not mapped
    conditions = dict(hash_key_conditions or [])
    value = conditions.get(attr, hash_key)
    if value is None:
        return None
    return list(index_map.buckets[index_name].get(value, {}).values())


# ---------------------------------------------------------------------------- transactions

def transact_write_items(self, transact_items):
    """moto's TransactWriteItems without table copies: check every condition, then apply.

    Runs under LOCK (the request is dispatched under it), so nothing changes between the
    checks and the writes.
    """
    from moto.dynamodb.exceptions import (ConditionalCheckFailed, MockValidationException,
                                          MultipleTransactionsException, TooManyTransactionsException,
                                          TransactionCanceledException, TransactWriteSingleOpException)
    from moto.dynamodb.comparisons import get_filter_expression
    with LOCK:
        if len(transact_items) > 100:
            raise TooManyTransactionsException()
        target_items = set()
        errors, plan = [], []
        for item in transact_items:
            original_item = None
            if len(list(item.keys())) > 1:
                raise TransactWriteSingleOpException
            try:
                op_type, op = next(iter(item.items()))
                if op_type not in {'ConditionCheck', 'Put', 'Delete', 'Update'}:
                    raise ValueError('Unsupported transaction operation')
                table_name = op['TableName']
                if op_type == 'Put':
                    attrs = op['Item']
                    table = self.get_table(table_name)
                    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
                    if table.range_key_attr is not None:
                        key[table.range_key_attr] = attrs[table.range_key_attr]
                else:
                    key = op['Key']
                unique = (str(table_name), str(dict(sorted(key.items()))))
                if unique in target_items:
                    raise MultipleTransactionsException()
                target_items.add(unique)
                current = self.get_item(table_name, key)
                condition_expression = op.get('ConditionExpression')
                if condition_expression is not None:
                    condition_op = get_filter_expression(condition_expression, op.get('ExpressionAttributeNames'),
                                                         op.get('ExpressionAttributeValues'))
                    if not condition_op.expr(current):
                        if op.get('ReturnValuesOnConditionCheckFailure') == 'ALL_OLD' and current:
                            original_item = current.to_json()['Attributes']
                        raise ConditionalCheckFailed(item=original_item)
                plan.append((op_type, op, table_name, key))
                errors.append((None, None, None))
            except (MultipleTransactionsException, MockValidationException):
                raise
            except ConditionalCheckFailed as e:
                errors.append(('ConditionalCheckFailed', str(e.message), original_item))
            except Exception as e:  # noqa: BLE001 - moto reports any other failure as that item's reason
                errors.append((type(e).__name__, str(e), original_item))
        if any(code is not None for code, _, _ in errors):
            raise TransactionCanceledException(errors)

        undo = []          # (table, hash, range, copy of the stored item before the write or None)
        for position, (op_type, op, table_name, key) in enumerate(plan):
            if op_type == 'ConditionCheck':
                continue
            table = self.get_table(table_name)
            hash_value, range_value = _key_of(table, key)
            before = _stored(table, hash_value, range_value)
            undo.append((table, hash_value, range_value, copy.deepcopy(before) if before is not None else None))
            names, values = op.get('ExpressionAttributeNames'), op.get('ExpressionAttributeValues')
            try:
                if op_type == 'Put':
                    self.put_item(table_name, op['Item'], condition_expression=op.get('ConditionExpression'),
                                  expression_attribute_names=names, expression_attribute_values=values)
                elif op_type == 'Delete':
                    self.delete_item(table_name, key, condition_expression=op.get('ConditionExpression'),
                                     expression_attribute_names=names, expression_attribute_values=values)
                else:
                    self.update_item(table_name, key, update_expression=op['UpdateExpression'],
                                     condition_expression=op.get('ConditionExpression'),
                                     expression_attribute_names=names, expression_attribute_values=values)
            except BaseException as e:
                _undo(undo)
                if isinstance(e, (MultipleTransactionsException, MockValidationException)) or \
                        not isinstance(e, Exception):
                    raise
                reasons = [(None, None, None)] * len(errors)
                reasons[position] = (type(e).__name__, str(getattr(e, 'message', e)), None)
                raise TransactionCanceledException(reasons)


def _undo(undo):
    for table, hash_value, range_value, before in reversed(undo):
        if table.range_key_attr:
            bucket = table.items.get(hash_value)
            if before is None:
                if bucket is not None:
                    bucket.pop(range_value, None)
                    if not bucket:
                        del table.items[hash_value]
            else:
                table.items[hash_value][range_value] = before
        else:
            if before is None:
                table.items.pop(hash_value, None)
            else:
                table.items[hash_value] = before
        _reindex(table, hash_value, range_value)
