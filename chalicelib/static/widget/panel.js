/*
 * The widget's view: panel, transcript, banner, typing indicator, unread badge, built beside the
 * chat bubble that /widget.js drew in a shadow root (the host page's CSS cannot break it, nor it the
 * page's). It knows nothing of sockets or sessions: widget/main.js tells it what to show and hears
 * what the visitor does.
 *
 * Every piece of message text is rendered with textContent, never parsed as HTML.
 */
import { el, icon, insertBySeq, timeLabel } from '../lib/dom.js';

const ICON_CLOSE = 'M6 6l12 12M18 6L6 18';
const ICON_SEND = 'M3 20l18-8L3 4v6l12 2-12 2z';
const ROLE_LABEL = { visitor: 'You', bot: 'Assistant', system: '' };
const CONN_LABEL = { connecting: 'Connecting…', open: 'Online', reconnecting: 'Reconnecting…', offline: 'Offline', closed: '' };

export class Panel {
  /* shell: {host, root, launcher}, drawn by /widget.js (the bubble shows before the modules load).
     on: {submit(text), typing(), askHuman(), cancelHandoff(), dismissNotice(), opened(open)} */
  constructor({ shell, title }, on) {
    this.on = on;
    this.unread = 0;
    this.typingTimer = null;
    const root = shell.root;
    this.launcher = shell.launcher;
    this.badge = this.launcher.querySelector('.hw-badge');

    this.title = el('h2', { className: 'hw-title', id: 'hw-title', text: title || 'Chat with us' });
    this.conn = el('span', { className: 'hw-conn', 'data-state': 'idle', text: '' });
    this.closeBtn = el('button', { type: 'button', className: 'hw-close', 'aria-label': 'Close chat' }, [icon(ICON_CLOSE)]);
    const header = el('div', { className: 'hw-header' }, [
      el('div', { className: 'hw-heading' }, [this.title, this.conn]), this.closeBtn,
    ]);

    this.bannerText = el('span', { className: 'hw-banner-text' });
    this.cancelBtn = el('button', { type: 'button', className: 'hw-cancel', hidden: true, 'aria-label': 'Cancel request for a person', text: 'Cancel request' });
    this.dismissBtn = el('button', { type: 'button', className: 'hw-dismiss', hidden: true, 'aria-label': 'Dismiss notice' }, [icon(ICON_CLOSE)]);
    this.banner = el('div', { className: 'hw-banner', role: 'status', 'aria-live': 'polite', hidden: true }, [
      this.bannerText, this.cancelBtn, this.dismissBtn,
    ]);

    this.log = el('ol', { className: 'hw-log', role: 'log', 'aria-live': 'polite', 'aria-relevant': 'additions', 'aria-label': 'Conversation', tabindex: '0' });
    this.typing = el('div', { className: 'hw-typing', 'aria-live': 'polite', hidden: true });

    this.input = el('textarea', {
      className: 'hw-input', rows: '1', maxlength: '4000', 'aria-label': 'Message', placeholder: 'Type your message…',
    });
    this.sendBtn = el('button', { type: 'submit', className: 'hw-send', 'aria-label': 'Send message' }, [icon(ICON_SEND)]);
    this.form = el('form', { className: 'hw-composer' }, [this.input, this.sendBtn]);
    this.human = el('button', { type: 'button', className: 'hw-ask', 'aria-label': 'Talk to a person', text: 'Talk to a person' });

    this.panel = el('section', {
      id: 'hw-panel', className: 'hw-panel', role: 'dialog', 'aria-labelledby': 'hw-title', hidden: true,
    }, [header, this.banner, this.log, this.typing, this.form, el('div', { className: 'hw-actions' }, [this.human])]);

    root.insertBefore(this.panel, this.launcher);

    this.launcher.addEventListener('click', () => this.setOpen(this.panel.hidden));
    this.closeBtn.addEventListener('click', () => this.setOpen(false));
    this.panel.addEventListener('keydown', (e) => { if (e.key === 'Escape') { this.setOpen(false); } });
    this.form.addEventListener('submit', (e) => { e.preventDefault(); this._submit(); });
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); this._submit(); }
    });
    this.input.addEventListener('input', () => { this._autoGrow(); on.typing(); });
    this.human.addEventListener('click', () => {
      this.human.disabled = true;
      setTimeout(() => { this.human.disabled = false; }, 1500);
      on.askHuman();
    });
    this.cancelBtn.addEventListener('click', () => on.cancelHandoff());
    this.dismissBtn.addEventListener('click', () => on.dismissNotice());
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  setOpen(open) {
    this.panel.hidden = !open;
    this.launcher.setAttribute('aria-expanded', open ? 'true' : 'false');
    this.launcher.setAttribute('aria-label', open ? 'Close chat' : 'Open chat');
    if (open) {
      this.setUnread(0);
      setTimeout(() => { this.input.focus(); this.scrollDown(); }, 0);
    } else {
      this.launcher.focus();
    }
    this.on.opened(!!open);
  }

  setTitle(text) {
    this.title.textContent = text;
  }

  setConnState(s) {
    this.conn.setAttribute('data-state', s);
    this.conn.textContent = CONN_LABEL[s] || '';
    this.panel.setAttribute('data-conn', s);
  }

  setUnread(n) {
    this.unread = n;
    this.badge.hidden = n === 0;
    this.badge.textContent = n > 9 ? '9+' : String(n);
    this.launcher.setAttribute('aria-label', this.panel.hidden ? (n ? 'Open chat, ' + n + ' new' : 'Open chat') : 'Close chat');
  }

  scrollDown() {
    this.log.scrollTop = this.log.scrollHeight;
  }

  _submit() {
    const text = this.input.value.trim();
    if (!text) { return; }
    this.input.value = '';
    this._autoGrow();
    this.on.submit(text.slice(0, 4000));
  }

  _autoGrow() {
    this.input.style.height = 'auto';
    this.input.style.height = Math.min(this.input.scrollHeight, 120) + 'px';
  }

  // ---------------------------------------------------------------- messages

  _messageNode(m, pending) {
    const role = m.role || 'visitor';
    const who = role === 'human' ? (m.author || 'Team member') : (ROLE_LABEL[role] || '');
    const li = el('li', {
      className: 'hw-msg hw-' + role + (pending ? ' hw-pending' : ''),
      'data-seq': Number.isFinite(m.seq) ? String(m.seq) : null,
      'data-cmid': m.client_message_id || null,
    });
    if (role !== 'system') { li.appendChild(el('span', { className: 'hw-author', text: who })); }
    li.appendChild(el('p', { className: 'hw-text', text: m.text || '' }));
    const time = el('time', { text: timeLabel(m.created_at), datetime: m.created_at || null });
    const meta = el('span', { className: 'hw-meta' }, [time]);
    if (role === 'visitor') { meta.appendChild(el('span', { className: 'hw-state', text: pending ? ' · Sending…' : '' })); }
    li.appendChild(meta);
    return li;
  }

  /* A stored message, once: our own pending one takes its seq, anything else gets a node. */
  showMessage(m) {
    const own = m.role === 'visitor' && this.pendingNode(m.client_message_id);
    if (own) {
      this.markSent(m.client_message_id, m.seq);
    } else if (!this.log.querySelector('li[data-seq="' + Number(m.seq) + '"]')) {
      insertBySeq(this.log, this._messageNode(m, false), m.seq, '.hw-welcome');
    }
    this.removeWelcome();
  }

  /* A message typed by the visitor, not acknowledged yet. */
  showPending(o) {
    this.log.appendChild(this._messageNode({ role: 'visitor', text: o.text, created_at: o.created_at, client_message_id: o.client_message_id }, true));
    this.scrollDown();
  }

  pendingNode(cmid) {
    if (!cmid) { return null; }
    for (const node of this.log.querySelectorAll('li.hw-pending')) {
      if (node.getAttribute('data-cmid') === cmid) { return node; }
    }
    return null;
  }

  /* The server stored our message as `seq`: drop "Sending…" and move it into seq order. Returns
     the stored message's text and time (null when no such pending message is shown). */
  markSent(cmid, seq) {
    const node = this.pendingNode(cmid);
    if (!node) { return null; }
    node.classList.remove('hw-pending');
    node.querySelector('.hw-state').textContent = '';
    if (Number.isFinite(seq)) {
      node.setAttribute('data-seq', String(seq));
      node.remove();
      insertBySeq(this.log, node, seq, '.hw-welcome');   // a reply might already sit above it
    }
    const t = node.querySelector('time');
    return { text: node.querySelector('.hw-text').textContent, created_at: t && t.getAttribute('datetime') };
  }

  /* Still ours to send, later (rate limited): it stays pending with a note. */
  markWaiting(cmid, note) {
    const node = this.pendingNode(cmid);
    if (node) { node.querySelector('.hw-state').textContent = ' \u00b7 ' + note; }
  }

    markFailed(cmid, why) {
    const node = this.pendingNode(cmid);
    if (!node) { return; }
    node.classList.remove('hw-pending');
    node.classList.add('hw-failed');
    node.querySelector('.hw-state').textContent = ' · Not sent: ' + why;
  }

  clearLog() {
    while (this.log.firstChild) { this.log.removeChild(this.log.firstChild); }
  }

  /* The agent's welcome message, shown until the conversation has stored messages (the server
     stores it as the conversation's first bot message). */
  showWelcome(text) {
    this.removeWelcome();
    if (!text) { return; }
    const node = this._messageNode({ role: 'bot', text }, false);
    node.classList.add('hw-welcome');
    this.log.insertBefore(node, this.log.firstChild);
  }

  removeWelcome() {
    const welcome = this.log.querySelector('.hw-welcome');
    if (welcome) { welcome.remove(); }
  }

  // ---------------------------------------------------------------- banner and typing

  /* kind: '' | 'pending' | 'joined' | 'back' | 'declined' | 'error'; open: a handoff is open. */
  showBanner(kind, text, open, dismissible) {
    this.banner.hidden = !text;
    this.banner.setAttribute('data-kind', kind);
    this.bannerText.textContent = text;
    this.cancelBtn.hidden = !open;
    this.dismissBtn.hidden = open || !dismissible;
    this.human.hidden = open;
  }

  showTyping(name) {
    this.typing.textContent = (name || 'A team member') + ' is typing…';
    this.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), 8000);
  }

  hideTyping() {
    clearTimeout(this.typingTimer);
    this.typing.hidden = true;
    this.typing.textContent = '';
  }
}
