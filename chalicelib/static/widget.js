/*
 * Visitor chat widget. The whole embed is one tag, on any site:
 *
 *   <script src="https://HOST/STAGE/widget.js" data-agent-id="demo-shop" async></script>
 *
 * Optional attributes: data-title (panel title), data-visitor-name, data-visitor-email,
 * data-open="true" (open the panel at once). Everything else comes from the API, whose base is
 * derived from this script's own URL (so it works under an API Gateway stage prefix such as /api/).
 *
 * This file is a small classic script (the tag needs no type="module"). It draws the chat bubble in
 * a shadow root, then imports the widget's ES modules (static/widget/, static/lib/) beside it: at
 * once for a returning visitor (to reconnect and count unread replies) or with data-open, otherwise
 * on the first click, so a page view that never opens the chat costs two requests (this file and
 * widget.css). The modules are served with Access-Control-Allow-Origin: * because module scripts
 * are fetched with CORS when the page is on another origin.
 */
(function () {
  'use strict';

  var script = document.currentScript ||
    document.querySelector('script[src*="widget.js"][data-agent-id]');
  if (!script) { return; }
  if (window.HandoffWidget && window.HandoffWidget.agentId) { return; } // embedded twice: keep the first

  var base = new URL('.', script.src).href;          // "https://host/api/" or "http://127.0.0.1:8000/"
  var queued = [];                                   // open()/close() called before the modules loaded
  var api = {
    agentId: script.getAttribute('data-agent-id') || '',
    base: base,
    open: function () { queued.push('open'); load(); },
    close: function () { queued.push('close'); }
  };
  window.HandoffWidget = api;

  var options = {
    agentId: api.agentId,
    base: base,
    title: script.getAttribute('data-title') || '',
    visitorName: script.getAttribute('data-visitor-name') || '',
    visitorEmail: script.getAttribute('data-visitor-email') || '',
    open: script.getAttribute('data-open') === 'true'
  };

  function stored(name) {
    try { return window.localStorage.getItem('handoff:' + api.agentId + ':' + name); } catch (e) { return null; }
  }

  var started = false;
  function load() {
    if (!api.ready) {
      api.ready = import(base + 'static/widget/main.js').then(function (widget) {
        started = true;
        widget.start(api, options, queued);
      });
      api.ready.catch(function (err) {
        api.ready = null;                 // the next click tries again
        if (window.console) { window.console.warn('Handoff widget could not load:', err); }
      });
    }
    return api.ready;
  }

  /* The bubble: the modules build the panel beside it in the same shadow root. */
  function drawLauncher() {
    var host = document.createElement('div');
    host.id = 'handoff-widget';
    host.setAttribute('data-agent-id', api.agentId);
    var root = host.attachShadow ? host.attachShadow({ mode: 'open' }) : host;
    var css = document.createElement('link');
    css.rel = 'stylesheet';
    css.href = base + 'static/widget.css';
    root.appendChild(css);
    var launcher = document.createElement('button');
    launcher.type = 'button';
    launcher.className = 'hw-launcher';
    launcher.setAttribute('aria-label', 'Open chat');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.setAttribute('aria-controls', 'hw-panel');
    var svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('focusable', 'false');
    var path = document.createElementNS('http://www.w3.org/2000/svg', 'path');
    path.setAttribute('d', 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z');
    svg.appendChild(path);
    var badge = document.createElement('span');
    badge.className = 'hw-badge';
    badge.hidden = true;
    badge.setAttribute('aria-hidden', 'true');
    launcher.appendChild(svg);
    launcher.appendChild(badge);
    root.appendChild(launcher);
    (document.body || document.documentElement).appendChild(host);
    options.shell = { host: host, root: root, launcher: launcher };
    launcher.addEventListener('click', function () {
      if (!started) { api.open(); }       // once loaded, the panel handles clicks itself
    });
  }

  function init() {
    drawLauncher();
    if (options.open || stored('session') !== null || stored('open') === 'true') { load(); }
  }

  if (document.body) { init(); } else { document.addEventListener('DOMContentLoaded', init); }
})();
