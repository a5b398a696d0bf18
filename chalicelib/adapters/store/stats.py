"""Analytics counters: per agent, per local day, a few small items of flat number attributes that only grow
by ADD (domain/analytics.py names them). Flat names because ADD creates a missing top-level attribute but
cannot create a key inside a map that does not exist yet.

  pk             sk                       what
  STATS#{agent}  DAY#{yyyy-mm-dd}         handoffs, reason.*, hour.*, acknowledged, resolved, cancelled,
                                          tta.{bucket}, ttr.{bucket}, csat.{1-5}, csat_sum   (< 2 KB)
  STATS#{agent}  DAY#{yyyy-mm-dd}#BOT     conversations, conv_hour.*, handed_off, bot_answered, bot_missed
  STATS#{agent}  DAY#{yyyy-mm-dd}#OP#{op} one operator: name, acknowledged, resolved, tta.*, ttr.*, csat.*
  NOTIFY#{event} analytics                the event was counted (the notification markers' TTL)

A range is ONE Query on STATS#{agent} between two day keys: days × (2 + operators active that day) items,
whatever the number of conversations. The low-level client is used because the attribute names are data.
"""
import time

from chalicelib.adapters.store.markers import NOTIFY_TTL
from chalicelib.adapters.store.models import Entity, key
from chalicelib.domain.analytics import Increment

STATS_TTL_DAYS = 400          # counters hold no personal data; kept a little over a year, for year-on-year views


def _sk(inc):
    return 'DAY#' + inc.day + ('#' + inc.part if inc.part else '')


class Stats:
    def __init__(self, connection):
        self.connection = connection

    @property
    def client(self):
        return self.connection.client

    @property
    def table(self):
        return Entity.Meta.table_name

    def _update(self, agent_id, inc):
        names, values, adds = {'#kind': 'kind', '#exp': 'expires_at'}, {':kind': {'S': 'stats'}}, []
        for i, (name, n) in enumerate(sorted(inc.counters.items())):
            names['#c%d' % i], values[':c%d' % i] = name, {'N': str(n)}
            adds.append('#c%d :c%d' % (i, i))
        sets = ['#kind = :kind', '#exp = if_not_exists(#exp, :exp)']
        values[':exp'] = {'N': str(int(time.time()) + STATS_TTL_DAYS * 86400)}
        for i, (name, v) in enumerate(sorted(inc.labels.items())):
            names['#l%d' % i], values[':l%d' % i] = name, {'S': v or '-'}
            sets.append('#l%d = :l%d' % (i, i))
        return {'TableName': self.table, 'Key': {'pk': {'S': key('STATS', agent_id)}, 'sk': {'S': _sk(inc)}},
                'UpdateExpression': 'SET %s ADD %s' % (', '.join(sets), ', '.join(adds)),
                'ExpressionAttributeNames': names, 'ExpressionAttributeValues': values}

    def record_once(self, agent_id, event_id, increments):
        """The increments of one event, counted once: the marker put (condition: absent) and every ADD in ONE
        transaction. False when the event was counted before (a redelivery)."""
        marker = {'Put': {'TableName': self.table, 'ConditionExpression': 'attribute_not_exists(pk)',
                          'Item': {'pk': {'S': key('NOTIFY', event_id)}, 'sk': {'S': 'analytics'},
                                   'kind': {'S': 'notified'},
                                   'expires_at': {'N': str(int(time.time()) + NOTIFY_TTL)}}}}
        items = [marker] + [{'Update': self._update(agent_id, inc)} for inc in increments if inc.counters]
        try:
            self.client.transact_write_items(TransactItems=items)
            return True
        except self.client.exceptions.TransactionCanceledException as exc:
            reasons = exc.response.get('CancellationReasons') or []
            if reasons and reasons[0].get('Code') == 'ConditionalCheckFailed':
                return False
            raise

    def add(self, agent_id, inc):
        """A plain ADD (no marker): for counts taken once per fresh commit (the bot's side of a turn)."""
        self.client.update_item(**self._update(agent_id, inc))

    def read(self, agent_id, first_day, last_day):
        """Every counter item of days first..last (inclusive): ONE Query (paged only past 1 MB). Returns
        (increments, consumed read units)."""
        params = {'TableName': self.table, 'KeyConditionExpression': 'pk = :pk AND sk BETWEEN :a AND :b',
                  'ExpressionAttributeValues': {':pk': {'S': key('STATS', agent_id)}, ':a': {'S': 'DAY#' + first_day},
                                                ':b': {'S': 'DAY#' + last_day + '#~'}},
                  'ReturnConsumedCapacity': 'TOTAL'}
        out, units = [], 0.0
        while True:
            page = self.client.query(**params)
            units += float((page.get('ConsumedCapacity') or {}).get('CapacityUnits') or 0)
            out += [_increment(item) for item in page.get('Items', [])]
            if 'LastEvaluatedKey' not in page:
                return out, units
            params['ExclusiveStartKey'] = page['LastEvaluatedKey']


def _increment(item):
    parts = item['sk']['S'].split('#', 2)           # DAY, date, [part]
    counters, labels = {}, {}
    for name, value in item.items():
        if name in ('pk', 'sk', 'kind', 'expires_at'):
            continue
        if 'N' in value:
            n = float(value['N'])
            counters[name] = int(n) if n.is_integer() else n
        elif 'S' in value:
            labels[name] = value['S']
    return Increment(parts[1], parts[2] if len(parts) > 2 else '', counters, labels)
