"""The wire: socket frames → typed commands (frames), REST bodies → values (bodies), events (events).
Pure: every rejection is a ProtocolError with a machine-readable code, raised before any write."""
from chalicelib.protocol.bodies import (RETENTION_DAYS, ROLES, SETTINGS_FIELDS, STATUSES, json_body, json_object, only,
                                        parse_invite, parse_knowledge, parse_knowledge_entry, parse_reply, parse_role,
                                        parse_session_request, parse_settings, parse_transition, query_int,
                                        query_statuses, viewer_address)
from chalicelib.protocol.events import (ack_event, chunk_messages, error_event, event, handoff_event, message_event,
                                        public_message, summary)
from chalicelib.protocol.fields import (MAX_FRAME, MAX_SEND, MAX_SEQ, MAX_TEXT, ProtocolError, bounded, id_field,
                                        text_field, valid_agent_id, valid_conversation_id, valid_id)
from chalicelib.protocol.frames import OPERATOR_ACTIONS, VISITOR_ACTIONS, parse_action, request_id_of

__all__ = ['MAX_FRAME', 'MAX_SEND', 'MAX_SEQ', 'MAX_TEXT', 'OPERATOR_ACTIONS', 'SETTINGS_FIELDS', 'STATUSES',
           'VISITOR_ACTIONS', 'ProtocolError', 'ack_event', 'bounded', 'chunk_messages', 'error_event', 'event',
           'handoff_event', 'id_field', 'json_body', 'json_object', 'message_event', 'only', 'parse_action',
           'parse_invite', 'parse_knowledge', 'parse_knowledge_entry', 'parse_reply', 'parse_role',
           'RETENTION_DAYS', 'ROLES', 'parse_session_request', 'parse_settings',
           'parse_transition', 'public_message', 'query_int', 'query_statuses', 'request_id_of', 'summary',
           'text_field', 'valid_agent_id', 'valid_conversation_id', 'valid_id', 'viewer_address']
