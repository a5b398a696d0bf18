"""The local runtime (infra.local) in this process, with AWS-call timing, for figure 3.

    python -m benchmarks.stack_probe --probe-out FILE [infra.local options: --port 0 --ready-file F ...]

Before the runtime starts, this installs benchmarks.hooks (botocore events, on every session the
runtime and the app create) and wraps the app's `$default` socket handler as the runtime loads
it (runtime.load_handlers, wrapped in this process only; the runtime's files are unchanged).
Each handler invocation is recorded with its start and end and the AWS calls made on its thread:
each call's before-parameter-build .. after-call span (the whole SDK call) and its HTTP attempts
(before-send .. before-parse: request out, response in), and the thread's CPU time in the handler
and in each call (time.thread_time: unlike wall time, not inflated by waiting for the GIL). Times are time.monotonic(), i.e.
CLOCK_MONOTONIC, one clock for every process of this machine (Linux), so the load generator
can line them up with the moments its sockets sent and received. When the runtime stops
(SIGTERM), the records are written to FILE as JSON lines.
"""
import functools
import json
import sys
import threading
import time

from benchmarks import hooks


def _take_option(argv, name):
    if name in argv:
        i = argv.index(name)
        value = argv[i + 1]
        del argv[i:i + 2]
        return value
    return None


def main(argv=None):
    argv = list(sys.argv[1:] if argv is None else argv)
    out_path = _take_option(argv, '--probe-out')
    if not out_path:
        raise SystemExit('usage: python -m benchmarks.stack_probe --probe-out FILE [infra.local options]')

    recorder = hooks.install(hooks.Recorder(keep_params=False))
    records = []
    lock = threading.Lock()

    def timed(fn):
        @functools.wraps(fn)
        def wrapper(event, context):
            body = event.get('body')
            try:
                parsed = json.loads(body) if isinstance(body, str) else {}
            except ValueError:
                parsed = {}
            parsed = parsed if isinstance(parsed, dict) else {}
            with recorder.sink() as calls:
                t_start, cpu_start = time.monotonic(), time.thread_time()
                try:
                    return fn(event, context)
                finally:
                    t_end, cpu_end = time.monotonic(), time.thread_time()
                    record = {'action': parsed.get('action'), 'cmid': parsed.get('client_message_id'),
                              'connection': event.get('requestContext', {}).get('connectionId'),
                              't_start': t_start, 't_end': t_end, 'cpu': cpu_end - cpu_start,
                              'calls': [{k: c[k] for k in ('service', 'operation', 't_build', 't_call', 'sends',
                                                           'parses', 't_done', 'error', 'cpu_build', 'cpu_done')}
                                        for c in calls]}
                    with lock:
                        records.append(record)
        return wrapper

    from infra.local import runtime
    original_load = runtime.load_handlers

    def load_handlers(module_name):
        handlers, on_notification = original_load(module_name)
        if handlers.ws_message is not None:
            handlers.ws_message = timed(handlers.ws_message)
        return handlers, on_notification

    runtime.load_handlers = load_handlers
    try:
        return runtime.main(argv)
    finally:
        with open(out_path, 'w') as f:
            with lock:
                for record in records:
                    f.write(json.dumps(record) + '\n')


if __name__ == '__main__':
    sys.exit(main())
