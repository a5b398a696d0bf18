"""Figure 2: the inbox stays flat as closed history grows.

The query measured is the one the app makes to list an agent's waiting conversations
(Repository.inbox(agent, 'pending', ...), used by the inbox route and by every inbox
notification), with 5 pending conversations and 100, then 10,000 resolved ones in the table.

moto answers ReturnConsumedCapacity=TOTAL with a constant (1.0 for any Query, whatever it read),
so the read units are computed from what the query read: the sizes of the items it returned
(it has no filter, so ScannedCount == Count), added up and rounded up to 4 KB, half a unit each
for an eventually consistent read (benchmarks.capacity). moto's constant is printed alongside.
"""
from benchmarks import harness  # noqa: F401  (environment before the app is imported)
from benchmarks import hooks
from benchmarks.capacity import CapacityMeter
from benchmarks.common import emit, fmt, row

PENDING = 5
SMALL, LARGE = 100, 10_000
TARGET = 1.05


def resolved_template(system):
    """A real resolved conversation (bot talk, handoff, operator reply, resolve), as stored."""
    from chalicelib.adapters.store.models import ConversationItem as Conversation
    system.visitor('v-template', name='Template Visitor', email='t@example.com')
    system.send('v-template', {'action': 'send', 'client_message_id': 't1', 'text': 'How long does shipping take?'})
    system.send('v-template', {'action': 'request_human'})
    alice = system.operators['Alice']
    conv_id = '%s.%s' % (system.agent_id, system.services.ctx.connections.get('v-template').visitor_id)
    system.rest('POST', '/conversations/%s/acknowledge' % conv_id, token=alice)
    system.rest('POST', '/conversations/%s/reply' % conv_id, token=alice,
                body={'client_message_id': 'r1', 'text': 'Your parcel left the warehouse this morning.'})
    system.rest('POST', '/conversations/%s/resolve' % conv_id, token=alice)
    item = Conversation.get('CONV#' + conv_id, 'META')
    assert item.status == 'resolved' and item.gsi1pk.endswith('#resolved'), (item.status, item.gsi1pk)
    return item


def seed_resolved(template, start, stop):
    from chalicelib.adapters.store.models import ConversationItem as Conversation, Entity
    attrs = template.attribute_values
    with Entity.batch_write() as batch:
        for i in range(start, stop):
            visitor_id = 'v_closed%012d' % i
            values = dict(attrs, pk='CONV#%s.%s' % (template.agent_id, visitor_id), sk='META',
                          visitor_id=visitor_id, connections=None,
                          gsi1sk='2026-01-01T00:00:00.000Z#%06d' % i)
            values.pop('kind', None)
            batch.save(Conversation(**values))


def resolved_count(system):
    from chalicelib.adapters.store.models import ConversationItem as Conversation
    return Conversation.inbox.count('INBOX#%s#resolved' % system.agent_id)


def measure(recorder, system):
    """(the pending query's call, the GET inbox route's DynamoDB calls)."""
    recorder.take()
    found = system.services.ctx.conversations.inbox_ids(system.agent_id, 'pending', 200, True)
    assert len(found) == PENDING, len(found)
    query = [c for c in recorder.take() if c['operation'] == 'Query']
    assert len(query) == 1, query
    status, body = system.rest('GET', '/agents/%s/inbox' % system.agent_id, token=system.operators['Alice'])
    assert status == 200 and body['counts']['pending'] == PENDING, body
    return query[0], [c for c in recorder.take() if c['service'] == 'dynamodb']


def main():
    meter = CapacityMeter(consumed_capacity=True)
    recorder = hooks.install(hooks.Recorder())
    recorder.observers.append(meter)
    with harness.System() as system:
        template = resolved_template(system)
        for i in range(PENDING):
            system.visitor('v-wait-%d' % i)
            system.send('v-wait-%d' % i, {'action': 'request_human'})
        recorder.enabled = False          # seeding is not measured (and is faster unobserved)
        seed_resolved(template, 0, SMALL - 1)      # + the template itself = SMALL
        counted_small = resolved_count(system)
        recorder.enabled = True
        small, small_route = measure(recorder, system)
        recorder.enabled = False
        seed_resolved(template, SMALL - 1, LARGE - 1)
        counted_large = resolved_count(system)
        recorder.enabled = True
        large, large_route = measure(recorder, system)

    def describe(call):
        p = call['parsed']
        return ('%s RRU (read %d items, %d bytes; ScannedCount %d; moto reported %s)'
                % (fmt(call['rru']), p['Count'], call['read_bytes'], p['ScannedCount'], call.get('reported_capacity')))

    ratio = large['rru'] / small['rru']
    route_small = sum(c['rru'] for c in small_route)
    route_large = sum(c['rru'] for c in large_route)
    rows = [row('2', 'Inbox query (pending) read units, %d vs %d resolved conversations' % (LARGE, SMALL),
                '%.3f x (%s vs %s RRU)' % (ratio, fmt(large['rru']), fmt(small['rru'])),
                '<= %s x' % fmt(TARGET), ratio <= TARGET, ratio,
                note='computed from bytes read: moto returns a constant ConsumedCapacity')]
    assert (counted_small, counted_large) == (SMALL, LARGE), (counted_small, counted_large)
    details = [
        'resolved conversations in the inbox index: %d, then %d (counted); pending: %d (made through the service)'
        % (counted_small, counted_large, PENDING),
        'pending query, %d resolved: %s' % (SMALL, describe(small)),
        'pending query, %d resolved: %s' % (LARGE, describe(large)),
        'whole GET /agents/{id}/inbox route (one query per status, limit 50 for closed ones): %s RRU vs %s RRU '
        '(%.3f x), %d vs %d DynamoDB requests' % (fmt(route_large), fmt(route_small), route_large / route_small,
                                               len(large_route), len(small_route)),
        'read units computed from item sizes (4 KB units, eventually consistent = 0.5); moto answers '
        'ReturnConsumedCapacity=TOTAL with a constant for every Query, so its number says nothing',
    ]
    emit(rows, details)


if __name__ == '__main__':
    main()
