"""DynamoDB capacity units of each call, computed from item sizes (on-demand billing rules).

moto does not compute consumed capacity: with ReturnConsumedCapacity it answers a constant
(1.0 for Query and PutItem, 0.5 for GetItem) whatever was read or written. So the units here
are computed from the items themselves, the way DynamoDB bills them:

* item size: attribute names + values (strings and binaries by length, numbers about one byte
  per two significant digits + 1, booleans and nulls 1 byte, lists and maps 3 bytes + 1 byte per
  element + their elements);
* reads: one read request unit per 4 KB for a strongly consistent read, half of it eventually
  consistent (PynamoDB's default); GetItem and each key of a BatchGetItem are rounded up
  separately, a Query adds up the sizes of everything it read and rounds up once; a key that is
  not found still costs the minimum;
* writes: one write request unit per 1 KB of the larger of the item before and after the write
  (at least 1), twice that inside TransactWriteItems; a failed conditional write still costs
  the write;
* the `inbox` GSI, with the projection read from infra/template.json: a write to an item that has
  gsi1pk in its old or new image writes the index only if the index's image of the item (table
  keys, index keys, projected attributes) changes: once if the index key stays, twice (delete +
  put) if it moves, each sized by the projected image. Index writes are counted at the standard
  rate, also inside a transaction.

Item images before and after each write are read from moto's in-process backend (no API call,
not counted). Only usable under moto's in-process mock (mock_aws).
"""
import base64
import math
from collections import defaultdict
from decimal import Decimal, InvalidOperation

GSI_KEYS = ('gsi1pk', 'gsi1sk')
TABLE_KEYS = ('pk', 'sk')


def _projection():
    """The inbox index's projected non-key attributes from the template; None means ALL."""
    from infra.resources import load_template
    props = load_template()['Resources']['HandoffTable']['Properties']
    index = [i for i in props['GlobalSecondaryIndexes'] if i['IndexName'] == 'inbox'][0]['Projection']
    if index['ProjectionType'] == 'ALL':
        return None
    return tuple(index.get('NonKeyAttributes', ()))


PROJECTED = _projection()
READ_OPS = ('GetItem', 'BatchGetItem', 'Query', 'Scan')
WRITE_OPS = ('PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems')


# ---- item sizes -----------------------------------------------------------------------------------

def _number_size(text):
    try:
        digits = Decimal(str(text)).normalize().as_tuple().digits
    except InvalidOperation:
        digits = str(text)
    significant = max(1, len(digits))
    return (significant + 1) // 2 + 1


def value_size(value):
    """Size in bytes of one attribute value, given in DynamoDB wire format ({'S': 'x'}) or as
    one of moto's DynamoType objects."""
    if hasattr(value, 'type') and hasattr(value, 'value'):
        kind, raw = value.type, value.value
    else:
        (kind, raw), = value.items()
    if kind == 'S':
        return len(raw.encode('utf-8'))
    if kind == 'N':
        return _number_size(raw)
    if kind == 'B':
        return len(raw) if isinstance(raw, (bytes, bytearray)) else len(base64.b64decode(raw))
    if kind in ('BOOL', 'NULL'):
        return 1
    if kind == 'SS':
        return sum(len(v.encode('utf-8')) for v in raw)
    if kind == 'NS':
        return sum(_number_size(v) for v in raw)
    if kind == 'BS':
        return sum(len(v) if isinstance(v, (bytes, bytearray)) else len(base64.b64decode(v)) for v in raw)
    if kind == 'L':
        return 3 + sum(1 + value_size(v) for v in raw)
    if kind == 'M':
        return 3 + sum(1 + len(k.encode('utf-8')) + value_size(v) for k, v in raw.items())
    raise ValueError('unknown attribute type %r' % kind)


def item_size(attributes):
    """Size in bytes of an item: {name: wire value or DynamoType}."""
    if attributes is None:
        return 0
    return sum(len(name.encode('utf-8')) + value_size(v) for name, v in attributes.items())


def read_units(size, consistent=False):
    units = max(1, math.ceil(size / 4096))
    return units * (1.0 if consistent else 0.5)


def write_units(size):
    return max(1, math.ceil(size / 1024))


# ---- per-call accounting -------------------------------------------------------------------------

class CapacityMeter:
    """Observer for hooks.Recorder: adds 'rru', 'wru', 'gsi_wru' to each DynamoDB call, and keeps
    totals. `consumed_capacity=True` also asks every Query for ReturnConsumedCapacity=TOTAL (the
    answer, moto's constant, is kept in call['reported_capacity'] for the record)."""

    def __init__(self, account_id='123456789012', region='us-east-1', consumed_capacity=False):
        self.account_id = account_id
        self.region = region
        self.consumed_capacity = consumed_capacity
        self.totals = defaultdict(float)
        self.by_operation = defaultdict(lambda: defaultdict(float))

    def _backend(self):
        from moto.dynamodb.models import dynamodb_backends
        return dynamodb_backends[self.account_id][self.region]

    def _image(self, table, key):
        try:
            item = self._backend().get_item(table, key)
        except Exception:
            return None
        return dict(item.attrs) if item is not None else None

    def _key_of(self, table, item):
        t = self._backend().get_table(table)
        names = [t.hash_key_attr] + ([t.range_key_attr] if t.range_key_attr else [])
        return {n: item[n] for n in names if n in item}

    # ---- observer interface -----------------------------------------------------------------------

    def on_start(self, call):
        if call['service'] != 'dynamodb':
            return
        params, op = call['params'] or {}, call['operation']
        if self.consumed_capacity and op == 'Query':
            params['ReturnConsumedCapacity'] = 'TOTAL'
        if op in WRITE_OPS:
            call['writes'] = [dict(w, pre=self._image(w['table'], w['key'])) for w in self._writes(op, params)]

    def on_end(self, call):
        if call['service'] != 'dynamodb':
            return
        op, params, parsed = call['operation'], call['params'] or {}, call['parsed'] or {}
        rru = wru = gsi = 0.0
        if op == 'GetItem':
            rru = read_units(item_size(parsed.get('Item')), params.get('ConsistentRead', False))
        elif op == 'BatchGetItem':
            for table, request in params.get('RequestItems', {}).items():
                found = parsed.get('Responses', {}).get(table, [])
                consistent = request.get('ConsistentRead', False)
                rru += sum(read_units(item_size(i), consistent) for i in found)
                rru += (len(request.get('Keys', [])) - len(found)) * read_units(0, consistent)
        elif op in ('Query', 'Scan'):
            # everything read counts (a filter would not reduce it); all our queries return what they read
            scanned = sum(item_size(i) for i in parsed.get('Items', []))
            rru = read_units(scanned, params.get('ConsistentRead', False))
            call['read_bytes'] = scanned
            if 'ConsumedCapacity' in parsed:
                call['reported_capacity'] = parsed['ConsumedCapacity'].get('CapacityUnits')
        elif op in WRITE_OPS:
            factor = 2 if op == 'TransactWriteItems' else 1
            for w in call.get('writes', []):
                post = self._image(w['table'], w['key'])
                pre = w['pre']
                wru += factor * write_units(max(item_size(pre), item_size(post)))
                gsi += self._gsi_units(pre, post)
        call['rru'], call['wru'], call['gsi_wru'] = rru, wru, gsi
        self.totals['rru'] += rru
        self.totals['wru'] += wru + gsi
        self.totals['gsi_wru'] += gsi
        for name, value in (('rru', rru), ('wru', wru + gsi), ('gsi_wru', gsi)):
            self.by_operation[op][name] += value

    @staticmethod
    def _gsi_key(image):
        if not image or GSI_KEYS[0] not in image:
            return None
        return tuple(repr(getattr(image.get(k), 'value', image.get(k))) for k in GSI_KEYS)

    @staticmethod
    def _index_image(image):
        if PROJECTED is None:
            return image
        names = TABLE_KEYS + GSI_KEYS + PROJECTED
        return {k: v for k, v in image.items() if k in names}

    def _gsi_units(self, pre, post):
        before, after = self._gsi_key(pre), self._gsi_key(post)
        if before is None and after is None:
            return 0
        if before is None:
            return write_units(item_size(self._index_image(post)))
        if after is None:
            return write_units(item_size(self._index_image(pre)))
        old, new = self._index_image(pre), self._index_image(post)
        if before == after:
            if PROJECTED is not None and repr(sorted((k, repr(getattr(v, 'value', v))) for k, v in old.items())) == \
                    repr(sorted((k, repr(getattr(v, 'value', v))) for k, v in new.items())):
                return 0           # nothing the index holds changed: DynamoDB does not write it
            return write_units(max(item_size(old), item_size(new)))
        return write_units(item_size(old)) + write_units(item_size(new))

    def _writes(self, op, params):
        """[{table, key}] of every item a write request touches."""
        out = []
        if op == 'PutItem':
            out.append({'table': params['TableName'], 'key': self._key_of(params['TableName'], params['Item'])})
        elif op in ('UpdateItem', 'DeleteItem'):
            out.append({'table': params['TableName'], 'key': params['Key']})
        elif op == 'BatchWriteItem':
            for table, requests in params.get('RequestItems', {}).items():
                for r in requests:
                    if 'PutRequest' in r:
                        out.append({'table': table, 'key': self._key_of(table, r['PutRequest']['Item'])})
                    elif 'DeleteRequest' in r:
                        out.append({'table': table, 'key': r['DeleteRequest']['Key']})
        elif op == 'TransactWriteItems':
            for entry in params.get('TransactItems', []):
                (kind, body), = entry.items()
                if kind == 'Put':
                    out.append({'table': body['TableName'], 'key': self._key_of(body['TableName'], body['Item'])})
                elif kind in ('Update', 'Delete'):
                    out.append({'table': body['TableName'], 'key': body['Key']})
                # ConditionCheck: a read inside the transaction; our app uses none
        return out
