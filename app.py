"""Wiring only: every route, socket handler and queue consumer, each a few lines.

Each handler parses, calls one use case through chalicelib.bootstrap.Services, and returns; the
use cases live in chalicelib/usecases, the rules in chalicelib/domain.
"""
import json
import logging
import os
import threading

from aws_lambda_powertools import Logger
from aws_lambda_powertools.logging.utils import copy_config_to_registered_loggers
from chalice import Chalice, Rate, Response

from chalicelib import protocol, static_files
from chalicelib.config import current as config, webhook_secret
from chalicelib.errors import not_found
from chalicelib.web import framework_errors, json_errors, security_headers

app = Chalice(app_name='handoff')
app.experimental_feature_flags.update(['WEBSOCKETS'])
logger = Logger(service='handoff')           # JSON lines in CloudWatch, for the app and chalicelib
logging.getLogger('chalicelib')              # exists now, so its children inherit the JSON handler
copy_config_to_registered_loggers(source_logger=logger, include={'chalicelib'})
_services = None
_lock = threading.Lock()


def services():
    """Built on first use: no AWS client exists before a handler runs (moto, cold start)."""
    global _services
    with _lock:                                # the local runtime calls handlers from several threads
        if _services is None:
            from chalicelib.bootstrap import build
            _services = build(config())
    return _services


def _body():
    request = app.current_request
    return protocol.json_body(request.raw_body, request.headers.get('content-type'))


def _operator():
    return services().operator_from_header(app.current_request.headers.get('authorization'))


def _query():
    return app.current_request.query_params or {}


def _source_ip():
    """The visitor's address (behind CloudFront: the viewer's, see protocol.viewer_address)."""
    request = app.current_request
    caller = ((request.context or {}).get('identity') or {}).get('sourceIp')
    return protocol.viewer_address(request.headers, os.environ.get('EDGE_SECRET', ''), caller)


def route(path, **options):
    """app.route, with errors answered as JSON 4xx (see chalicelib.web)."""
    return lambda view: app.route(path, **options)(json_errors(view))


app.register_middleware(framework_errors, 'http')


# ---- visitor (public) -----------------------------------------------------------------------

@route('/visitor/session', methods=['POST'], cors=True)
def visitor_session():
    return services().create_session(_body(), _source_ip())


@route('/client-config', methods=['GET'], cors=True)
def client_config():
    return {'ws_url': os.environ.get('WS_PUBLIC_URL', '')}


# ---- operators ------------------------------------------------------------------------------

@route('/operator/me')
def operator_me():
    return services().operator_profile(_operator())


@route('/operator/socket-ticket', methods=['POST'])
def socket_ticket():
    """A single-use ticket (60 s) for `?ticket=` on the WebSocket URL, instead of the bearer token."""
    return services().socket_ticket(app.current_request.headers.get('authorization'))


@route('/agents/{agent_id}/inbox')
def inbox(agent_id):
    operator = _operator()
    query = _query()
    return services().inbox(operator, agent_id, protocol.query_statuses(query),
                            protocol.query_int(query, 'limit', 50, 1, 200))


@route('/conversations/{conversation_id}')
def conversation(conversation_id):
    return services().conversation(_operator(), conversation_id)


@route('/conversations/{conversation_id}/messages')
def messages(conversation_id):
    operator = _operator()
    query = _query()
    return services().history(operator, conversation_id, protocol.query_int(query, 'after', 0, 0, protocol.MAX_SEQ),
                              protocol.query_int(query, 'limit', 100, 1, 500))


@route('/conversations/{conversation_id}/reply', methods=['POST'])
def reply(conversation_id):
    operator = _operator()
    seq, duplicate = services().reply(operator, conversation_id, _body())
    return {'seq': seq, 'duplicate': duplicate}


def _transition(conversation_id, action):
    operator = _operator()
    return {'handoff': services().transition(operator, conversation_id, action, _body()).to_dict()}


@route('/conversations/{conversation_id}/acknowledge', methods=['POST'])
def acknowledge(conversation_id):
    return _transition(conversation_id, 'acknowledge')


@route('/conversations/{conversation_id}/resolve', methods=['POST'])
def resolve(conversation_id):
    return _transition(conversation_id, 'resolve')


@route('/conversations/{conversation_id}/cancel', methods=['POST'])
def cancel(conversation_id):
    return _transition(conversation_id, 'cancel')


@route('/conversations/{conversation_id}/transfer', methods=['POST'])
def transfer(conversation_id):
    operator = _operator()
    return {'handoff': services().transfer(operator, conversation_id, _body()).to_dict()}


@route('/agents/{agent_id}/settings', methods=['GET'])
def get_settings(agent_id):
    return services().get_settings(_operator(), agent_id)


@route('/agents/{agent_id}/settings', methods=['PUT'])
def save_settings(agent_id):
    operator = _operator()
    return services().save_settings(operator, agent_id, _body())


@route('/agents/{agent_id}/knowledge', methods=['GET'])
def list_knowledge(agent_id):
    return services().list_knowledge(_operator(), agent_id)


@route('/agents/{agent_id}/knowledge', methods=['POST'])
def add_knowledge(agent_id):
    operator = _operator()
    return Response(services().put_knowledge(operator, agent_id, _body()), status_code=201)


@route('/agents/{agent_id}/knowledge/{entry_id}', methods=['PUT'])
def edit_knowledge(agent_id, entry_id):
    operator = _operator()
    return services().put_knowledge(operator, agent_id, _body(), entry_id)


@route('/agents/{agent_id}/knowledge/{entry_id}', methods=['DELETE'])
def delete_knowledge(agent_id, entry_id):
    services().delete_knowledge(_operator(), agent_id, entry_id)
    return Response('', status_code=204)


# ---- the team inbox: presence (every operator of the agent) -------------------------------------

@route('/agents/{agent_id}/presence', methods=['GET'])
def team_presence(agent_id):
    return services().team_presence(_operator(), agent_id)


@route('/agents/{agent_id}/presence', methods=['PUT'])
def set_presence(agent_id):
    operator = _operator()
    return services().set_presence(operator, agent_id, _body())


# ---- the team (admins only) --------------------------------------------------------------------

@route('/agents/{agent_id}/operators', methods=['GET'])
def team(agent_id):
    return services().team(_operator(), agent_id)


@route('/agents/{agent_id}/operators', methods=['POST'])
def invite_operator(agent_id):
    operator = _operator()
    return Response(services().invite_operator(operator, agent_id, _body()), status_code=201)


@route('/agents/{agent_id}/operators/{operator_id}', methods=['PUT'])
def set_operator_role(agent_id, operator_id):
    operator = _operator()
    return services().set_operator_role(operator, agent_id, operator_id, _body())


@route('/agents/{agent_id}/operators/{operator_id}', methods=['DELETE'])
def remove_operator(agent_id, operator_id):
    services().remove_operator(_operator(), agent_id, operator_id)
    return Response('', status_code=204)


# ---- per-agent secrets (admins): shown once when created or rotated, never again -------------------

@route('/agents/{agent_id}/secrets', methods=['GET'])
def secrets(agent_id):
    return services().secrets(_operator(), agent_id)


@route('/agents/{agent_id}/secrets/{kind}', methods=['POST'])
def issue_secret(agent_id, kind):
    operator = _operator()
    return Response(services().issue_secret(operator, agent_id, kind, _body()), status_code=201,
                    headers={'Cache-Control': 'no-store'})


# ---- a visitor's data (admins only) --------------------------------------------------------------

@route('/agents/{agent_id}/visitors/{visitor_id}/export', methods=['GET'])
def export_visitor(agent_id, visitor_id):
    return services().export_visitor(_operator(), agent_id, visitor_id)


@route('/agents/{agent_id}/visitors/{visitor_id}', methods=['DELETE'])
def erase_visitor(agent_id, visitor_id):
    services().erase_visitor(_operator(), agent_id, visitor_id)
    return Response('', status_code=204)


# ---- the team inbox: internal notes, read positions, saved replies ---------------------------------

@route('/conversations/{conversation_id}/notes', methods=['POST'])
def note(conversation_id):
    operator = _operator()
    return services().note(operator, conversation_id, _body())


@route('/conversations/{conversation_id}/read', methods=['POST'])
def read(conversation_id):
    operator = _operator()
    return services().read(operator, conversation_id, _body())


@route('/agents/{agent_id}/saved-replies', methods=['GET'])
def saved_replies(agent_id):
    return services().saved_replies(_operator(), agent_id)


@route('/agents/{agent_id}/saved-replies', methods=['POST'])
def create_saved_reply(agent_id):
    operator = _operator()
    return Response(services().create_saved_reply(operator, agent_id, _body()), status_code=201)


@route('/agents/{agent_id}/saved-replies/{reply_id}', methods=['PUT'])
def update_saved_reply(agent_id, reply_id):
    operator = _operator()
    return services().update_saved_reply(operator, agent_id, reply_id, _body())


@route('/agents/{agent_id}/saved-replies/{reply_id}', methods=['DELETE'])
def delete_saved_reply(agent_id, reply_id):
    services().delete_saved_reply(_operator(), agent_id, reply_id)
    return Response('', status_code=204)
# ---- analytics (every operator of the agent): JSON, or the same figures as CSV with format=csv ----------

@route('/agents/{agent_id}/analytics')
def analytics(agent_id):
    kind, body, filename = services().analytics(_operator(), agent_id, _query())
    if kind == 'csv':
        return Response(body, headers={'Content-Type': 'text/csv; charset=utf-8',
                                       'Content-Disposition': 'attachment; filename="%s"' % filename})
    return body
# ---- learning from handoffs: suggestions (Settings → Knowledge), summary, transcripts ----------------

@route('/agents/{agent_id}/suggestions', methods=['GET'])
def suggestions(agent_id):
    return services().suggestions(_operator(), agent_id)


@route('/agents/{agent_id}/suggestions/{group_id}/{action}', methods=['POST'])
def suggestion_action(agent_id, group_id, action):
    operator = _operator()
    if action not in ('accept', 'merge', 'dismiss'):
        raise not_found('suggestion action')
    result = services().suggestion_action(operator, agent_id, group_id, action, _body())
    return Response('', status_code=204) if result is None else result


@route('/conversations/{conversation_id}/summary')
def handoff_summary(conversation_id):
    return services().handoff_summary(_operator(), conversation_id)


@route('/conversations/{conversation_id}/transcript')
def transcript(conversation_id):
    body, content_type, filename = services().transcript(_operator(), conversation_id, _query())
    if not isinstance(body, str):
        body = json.dumps(body, ensure_ascii=False, indent=1)
    return Response(body, headers={'Content-Type': content_type, 'Cache-Control': 'no-store',
                                   'Content-Disposition': 'attachment; filename="%s"' % filename})


# ---- static dashboard and widget -----------------------------------------------------------------

def _static(name):
    found = static_files.load(name)
    if found is None:
        raise not_found('file')
    headers = dict(static_files.headers(found[1]),
                   **security_headers(found[1], found[0], os.environ.get('WS_PUBLIC_URL', '')))
    return Response(found[0], headers=headers)


@route('/')
def dashboard():
    return _static('dashboard.html')


@route('/demo')
def demo_page():
    return _static('demo.html')


@route('/widget.js')
def widget():
    return _static('widget.js')


@route('/static/{name}')
def static(name):
    return _static(name)


@route('/static/{folder}/{name}')
def static_in_folder(folder, name):
    return _static(folder + '/' + name)


# ---- WebSockets (must stay in app.py: Chalice cannot run them from a Blueprint) -------------------

@app.on_ws_connect()
def ws_connect(event):
    logger.append_keys(connection_id=event.connection_id)
    query = event.to_dict().get('queryStringParameters') or {}
    return {'statusCode': services().connect(event.connection_id, query)}


@app.on_ws_message()
def ws_message(event):
    logger.append_keys(connection_id=event.connection_id)
    services().on_frame(event.connection_id, event.body)


@app.on_ws_disconnect()
def ws_disconnect(event):
    services().disconnect(event.connection_id)


# ---- notifications ----------------------------------------------------------------------------

@app.on_sqs_message(queue=os.environ.get('NOTIFY_QUEUE_NAME', 'handoff-notifications'), batch_size=10)
def on_notification(event):
    """Partial batch response: one bad record is retried alone, not with its batch."""
    from chalicelib.usecases.notifications import consume_batch
    return consume_batch(event.to_dict(), event.context,
                         services().notification_consumer(lambda: webhook_secret(config())))


# ---- timed work (escalation ladder, inactivity) -------------------------------------------------------

@app.on_sqs_message(queue=os.environ.get('TIMERS_QUEUE_NAME', 'handoff-timers'), batch_size=10)
def on_timer(event):
    """Due timers (usecases/timers.py); partial batch response like the notifications."""
    return services().timers(event.to_dict(), event.context)
@app.schedule(Rate(1, unit=Rate.MINUTES))
def sweep_outbox(event):
    """Notifications that cannot be lost: events stored with their change but never delivered (SQS was
    unreachable at publish time, or every retry failed) are delivered from the outbox."""
    return services().sweep_outbox(lambda: webhook_secret(config()))
