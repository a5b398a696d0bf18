"""Count and time AWS calls from botocore's own events.

How the handlers reach every client
-----------------------------------
Each botocore ``Session`` has its own event emitter, and each client copies its session's
emitter when it is created. The app does not share one session: PynamoDB makes one per thread
(``botocore.session.get_session()``), the app's Sender and Notifier make theirs, boto3 makes one
per ``boto3.session.Session``. So ``Session.register`` on any one session reaches none of the
others, and registering on a client reaches only that client.

What does reach them all is ``botocore.handlers.BUILTIN_HANDLERS``: every new Session registers
each handler of that list on its emitter (moto's in-process mock hooks in the same way). We
append our handlers there, so every session created afterwards, and every client it creates,
emits to us. The price: ``install()`` must run before the first session exists. Every figure
runs in a fresh process and installs first, and ``cross_check()`` (the budget test's approach,
a patch of ``BaseClient._make_api_call``) confirms that no call escaped the events.

Events used, in the order botocore emits them for one API call::

    before-parameter-build   the API parameters (wire-format attribute values for PynamoDB)
    before-call              the request is about to be made      -> counted here, once per call
    before-send              one HTTP attempt starts (retries repeat it)
    before-parse             the HTTP response is in, parsing starts -> wire time = send..parse
    after-call / after-call-error   the parsed response (or the failure) is back
"""
import threading
import time
from collections import Counter
from contextlib import contextmanager

import botocore.client
import botocore.handlers

_installed = []


class Recorder:
    """Keeps one dict per API call: service, operation, params, timestamps (time.monotonic),
    the thread's CPU time at start and end (time.thread_time), attempts, the parsed response. Observers see each call when it starts and when it ends."""

    def __init__(self, keep_params=True):
        self.calls = []
        self.total = Counter()            # (service, operation) of every call since install, never reset
        self.keep_params = keep_params
        self.observers = []
        self._local = threading.local()
        self._lock = threading.Lock()
        self.enabled = True

    # ---- botocore handlers ----------------------------------------------------------------------

    def handlers(self):
        return [('before-parameter-build', self._on_build), ('before-call', self._on_call),
                ('before-send', self._on_send), ('before-parse', self._on_parse),
                ('after-call', self._on_after), ('after-call-error', self._on_error)]

    def _stack(self):
        stack = getattr(self._local, 'stack', None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    def _current(self):
        stack = self._stack()
        return stack[-1] if stack else None

    def _on_build(self, params=None, model=None, **_):
        if not self.enabled or model is None:
            return None
        call = {'service': model.service_model.service_name, 'operation': model.name,
                'params': params, 't_build': time.monotonic(), 't_call': None, 'sends': [],
                'parses': [], 't_done': None, 'parsed': None, 'error': None, 'cpu_build': time.thread_time(),
                'thread': threading.get_ident()}
        self._stack().append(call)
        for observer in self.observers:
            observer.on_start(call)
        return None

    def _on_call(self, **_):
        call = self._current()
        if call is not None:
            call['t_call'] = time.monotonic()
        return None

    def _on_send(self, **_):
        # must return None: a non-None answer from a before-send handler replaces the HTTP request
        call = self._current()
        if call is not None:
            call['sends'].append(time.monotonic())
        return None

    def _on_parse(self, **_):
        call = self._current()
        if call is not None:
            call['parses'].append(time.monotonic())
        return None

    def _finish(self, parsed=None, error=None):
        stack = self._stack()
        if not stack:
            return
        call = stack.pop()
        call['t_done'] = time.monotonic()
        call['cpu_done'] = time.thread_time()
        call['parsed'] = parsed
        call['error'] = error
        for observer in self.observers:
            observer.on_end(call)
        if not self.keep_params:
            call['params'] = None
            call['parsed'] = None
        with self._lock:
            self.calls.append(call)
            self.total[(call['service'], call['operation'])] += 1
        sink = getattr(self._local, 'sink', None)
        if sink is not None:
            sink.append(call)

    def _on_after(self, parsed=None, **_):
        self._finish(parsed=parsed, error=(parsed or {}).get('Error', {}).get('Code') if parsed else None)
        return None

    def _on_error(self, exception=None, **_):
        self._finish(error=type(exception).__name__ if exception is not None else 'error')
        return None

    # ---- reading ----------------------------------------------------------------------------------

    def reset(self):
        with self._lock:
            self.calls = []

    def take(self):
        with self._lock:
            calls, self.calls = self.calls, []
        return calls

    def counts(self, service=None, calls=None):
        calls = self.calls if calls is None else calls
        return Counter(c['operation'] for c in calls if service is None or c['service'] == service)

    @contextmanager
    def sink(self):
        """Also collect, in a list, the calls this thread makes inside the block."""
        collected = []
        previous = getattr(self._local, 'sink', None)
        self._local.sink = collected
        try:
            yield collected
        finally:
            self._local.sink = previous


def install(recorder):
    """Make every botocore session created from now on emit to `recorder`."""
    for spec in recorder.handlers():
        botocore.handlers.BUILTIN_HANDLERS.append(spec)
    _installed.append(recorder)
    return recorder


@contextmanager
def cross_check():
    """Count API calls the other way (a patch of BaseClient._make_api_call), to confirm the
    event handlers saw every call. Yields a Counter of (service, operation)."""
    seen = Counter()
    original = botocore.client.BaseClient._make_api_call

    def counting(client, operation_name, api_params):
        seen[(client.meta.service_model.service_name, operation_name)] += 1
        return original(client, operation_name, api_params)

    botocore.client.BaseClient._make_api_call = counting
    try:
        yield seen
    finally:
        botocore.client.BaseClient._make_api_call = original


def wire_intervals(call):
    """(start, end) of each HTTP attempt: before-send to before-parse (request out, response in)."""
    return list(zip(call['sends'], call['parses']))
