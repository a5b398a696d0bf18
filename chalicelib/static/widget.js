/*
 * Visitor chat widget. The whole embed is one tag, on any site:
 *
 *   <script src="https://HOST/STAGE/widget.js" data-agent-id="demo-shop" async></script>
 *
 * Optional attributes: data-title (panel title), data-visitor-name, data-visitor-email,
 * data-open="true" (open the panel at once). Everything else comes from the API, whose base is
 * derived from this script's own URL (so it works under an API Gateway stage prefix such as /api/).
 *
 * This file is a small classic script (the tag needs no type="module"): it reads its own tag, then
 * imports the widget's ES modules from static/widget/ and static/lib/ beside it. They are served with
 * Access-Control-Allow-Origin: * because module scripts are fetched with CORS when the page is on
 * another origin.
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
    open: function () { queued.push('open'); },
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

  function start() {
    api.ready = import(base + 'static/widget/main.js').then(function (widget) {
      widget.start(api, options, queued);
    });
    api.ready.catch(function (err) {
      if (window.console) { window.console.warn('Handoff widget could not load:', err); }
    });
  }

  if (document.body) { start(); } else { document.addEventListener('DOMContentLoaded', start); }
})();
