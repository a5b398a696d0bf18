"""Saved replies: an agent's canned answers, with placeholders the dashboard fills in when inserting one.

Pure rules: which placeholders exist, what a list may hold (unique shortcuts, a bounded count and size),
and what a text becomes once expanded (the dashboard does the same in static/dashboard/saved_replies.js).
"""
import json
import re

from chalicelib.errors import AppError

PLACEHOLDERS = ('{visitor.name}', '{operator.name}')
MAX_REPLIES = 100
MAX_TITLE = 80
MAX_REPLY_TEXT = 1000
MAX_LIST_BYTES = 300 * 1024        # the whole list is one item: stay well under DynamoDB's 400 KB
SHORTCUT = re.compile(r'[a-z0-9][a-z0-9_-]{0,31}')
_BRACED = re.compile(r'\{[^{}\s]{0,40}\}')
VISITOR_FALLBACK = 'there'        # "Hi {visitor.name}!" for a visitor without a name: "Hi there!"


def unknown_placeholders(text):
    return sorted({p for p in _BRACED.findall(text) if p not in PLACEHOLDERS})


def expand(text, visitor_name=None, operator_name=None):
    return text.replace('{visitor.name}', visitor_name or VISITOR_FALLBACK).replace('{operator.name}',
                                                                                     operator_name or '')


def check_list(replies, reply_id, reply):
    """`replies` ({id: reply}) with `reply` stored under `reply_id`: refused if the shortcut is another
    reply's (409 shortcut_taken), past MAX_REPLIES or MAX_LIST_BYTES (409 too_many_saved_replies)."""
    for other_id, other in replies.items():
        if other_id != reply_id and other['shortcut'] == reply['shortcut']:
            raise AppError('shortcut_taken', 'the shortcut /%s is used by "%s"' % (reply['shortcut'],
                                                                                     other['title'][:40]), 409)
    merged = dict(replies, **{reply_id: reply})
    if len(merged) > MAX_REPLIES:
        raise AppError('too_many_saved_replies', 'an agent keeps at most %d saved replies' % MAX_REPLIES, 409)
    if len(json.dumps(merged, ensure_ascii=False).encode('utf-8')) > MAX_LIST_BYTES:
        raise AppError('too_many_saved_replies', 'the saved replies are limited to %d KB together'
                       % (MAX_LIST_BYTES // 1024), 409)
    return merged


def ordered(replies):
    """For listing: by shortcut."""
    return sorted(({'id': rid, **r} for rid, r in replies.items()), key=lambda r: (r['shortcut'], r['id']))
