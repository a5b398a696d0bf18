"""The embedded AWS in a process of its own: ``python -m infra.local.aws_process``.

The runtime (infra/local/runtime.py) starts this by default, so moto's work runs on another core
than the gateway and the handlers instead of competing with them for one interpreter lock.
It prints one JSON line, ``{"endpoint_url": ..., "pid": ...}``, once it serves, and stops when
its standard input closes (the runtime exited, however it exited) or on SIGTERM/SIGINT.
"""
import argparse
import json
import os
import signal
import sys
import threading


def main(argv=None):
    p = argparse.ArgumentParser(prog='python -m infra.local.aws_process')
    p.add_argument('--host', default='127.0.0.1')
    p.add_argument('--port', type=int, default=0)
    p.add_argument('--raw-moto', action='store_true', help="moto's DynamoDB as shipped (comparisons only)")
    args = p.parse_args(argv)
    sys.setswitchinterval(0.0005)
    from .aws import EmbeddedAWS
    aws = EmbeddedAWS(args.host, args.port, flat=not args.raw_moto)
    endpoint = aws.start()
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())

    def watch_stdin():
        try:
            while sys.stdin.buffer.read(4096):
                pass
        except (OSError, ValueError):
            pass
        done.set()
    threading.Thread(target=watch_stdin, daemon=True).start()
    sys.stdout.write(json.dumps({'endpoint_url': endpoint, 'pid': os.getpid()}) + '\n')
    sys.stdout.flush()
    while not done.wait(0.5):
        pass
    aws.stop()
    sys.stdout.flush()
    os._exit(0)          # skip tearing down a large heap object by object


if __name__ == '__main__':
    main()
