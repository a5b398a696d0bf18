"""Demo saved replies for `make run`: type "/" in the dashboard's reply box to use them."""
from datetime import datetime, timezone

REPLIES = {
    'sr_demo_hello': {'title': 'Greeting', 'shortcut': 'hello',
                      'text': 'Hi {visitor.name}, this is {operator.name} from Acme Outfitters. How can I help?'},
    'sr_demo_refund': {'title': 'Refund timing', 'shortcut': 'refund',
                       'text': 'Refunds reach your original payment method within 5 business days after your '
                               'return arrives at our warehouse.'},
    'sr_demo_bye': {'title': 'Closing', 'shortcut': 'bye',
                    'text': 'Thanks {visitor.name}! If anything else comes up, just write here. Have a great day.'},
}


def seed(agent_id):
    """The demo agent's saved replies, unless it has some already."""
    from chalicelib.adapters.store.saved_replies import SavedReplies
    store = SavedReplies()
    replies, version = store.load(agent_id)
    if replies:
        return
    now = datetime.now(timezone.utc).isoformat(timespec='milliseconds').replace('+00:00', 'Z')
    store.save(agent_id, {rid: dict(r, created_at=now, updated_at=now) for rid, r in REPLIES.items()}, version)
