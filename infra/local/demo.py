"""Demo data for the local runtime: one fictional shop, its knowledge base, two operators.

Everything goes through the core's admin functions (infra/admin.py), i.e. the same
code an operator of a real deployment uses, against the embedded AWS.
"""
import importlib

AGENT_ID = 'demo-shop'
AGENT_NAME = 'Acme Outfitters'
WELCOME_MESSAGE = ("Hi! I'm the Acme Outfitters assistant. Ask me about shipping, returns, sizes, "
                   "payment or your order, or ask for a human at any time.")
OPERATORS = ('Alice', 'Bob')

KNOWLEDGE = [
    ('How long does shipping take?',
     'Standard shipping takes 3-5 business days within the country; express shipping arrives in 1-2 '
     'business days. Orders placed before 2 pm leave the warehouse the same day.'),
    ('How much does shipping cost?',
     'Standard shipping is free on orders over $50, otherwise $4.95. Express shipping costs $12.95.'),
    ('Do you ship internationally?',
     'Yes, we ship to 30 countries in Europe and North America. International delivery takes 6-10 '
     'business days and costs $19.95; duties are paid at delivery.'),
    ('What is your return policy?',
     'You can return unworn items with their tags within 30 days of delivery for a full refund. '
     'Returns are free: print the prepaid label from your order page.'),
    ('How long does a refund take?',
     'Refunds are issued within 5 business days after your return reaches our warehouse, to the '
     'original payment method.'),
    ('Can I exchange an item for a different size?',
     'Yes. Start a return on your order page and choose "exchange": we ship the new size as soon as '
     'the original is scanned by the carrier.'),
    ('How do I find my size?',
     'Each product page has a size chart in centimetres and inches. Our jackets run true to size; '
     'our hiking boots run half a size small, so order half a size up.'),
    ('What are your opening hours?',
     'Our online shop is open 24/7. Customer service answers Monday to Friday 9 am-6 pm and Saturday '
     '10 am-2 pm; the flagship store at 12 Harbor Street is open Monday to Saturday 10 am-7 pm.'),
    ('Which payment methods do you accept?',
     'We accept Visa, Mastercard, American Express, PayPal, Apple Pay and Google Pay, and gift cards. '
     'You can also pay in three instalments for orders over $150.'),
    ('How can I track my order?',
     'You receive a tracking link by email as soon as your order ships. You can also see the status '
     'under "My orders" in your account.'),
    ('Can I change or cancel my order?',
     'You can change or cancel an order within one hour of placing it from "My orders". After that '
     'it is already being packed, but you can return it for free.'),
    ('Do you have a loyalty program?',
     'Yes: Acme Trail Club members earn one point per dollar, get free express shipping and early '
     'access to sales. Joining is free from your account page.'),
    ('Are your products sustainable?',
     'Most of our jackets use recycled fabrics and PFC-free water repellents, and we repair worn gear '
     'for a small fee through our Repair Corner.'),
]


def operator_names(count=None):
    """Alice and Bob, then Operator3 … OperatorN when more are asked for (load and fault runs)."""
    count = len(OPERATORS) if count is None else max(1, int(count))
    return list(OPERATORS[:count]) + ['Operator%d' % n for n in range(len(OPERATORS) + 1, count + 1)]


def seed(admin=None, operators=None):
    """Create the demo agent, its knowledge base and the operators. Returns what clients need.

    ``operators``: how many operators (default: Alice and Bob)."""
    admin = admin or importlib.import_module('infra.admin')
    admin.create_agent(AGENT_ID, AGENT_NAME, allow_human_handoff=True, welcome_message=WELCOME_MESSAGE)
    for question, answer in KNOWLEDGE:
        admin.add_knowledge(AGENT_ID, question, answer)
    # Alice and Bob are the agent's admins (Settings, Team); Operator3… (load runs) only handle conversations
    # and the knowledge base.
    operators = {name: admin.create_operator(name, [AGENT_ID], role='admin' if name in OPERATORS else 'operator')
                 for name in operator_names(operators)}
    importlib.import_module('infra.local.demo_suggestions').seed(AGENT_ID)     # Suggestions
    importlib.import_module('infra.local.demo_saved_replies').seed(AGENT_ID)     # the "/" picker's demo replies
    seeded_at = __import__('infra.local.demo_history', fromlist=['seed']).seed(AGENT_ID, operators)  # Analytics
    return {'agent_id': AGENT_ID, 'agent_name': AGENT_NAME, 'operators': operators, 'history_seeded_at': seeded_at}
