# Two entry points, both idempotent on a fresh machine:
#   make run   — set up, then start the whole system on loopback (embedded AWS, gateway, consumer, demo data)
#   make test  — set up, then run the full test suite
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: setup system-deps run test bench load package clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

# Debian's Chromium for the browser tests (Playwright drives /usr/bin/chromium; it cannot download its own).
system-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium; fi; }

setup: $(VENV)/.installed system-deps

run: $(VENV)/.installed
	$(PY) -m infra.local --port $(PORT)

test: setup
	$(PY) -m pytest

bench: $(VENV)/.installed
	$(PY) -m benchmarks.run

# The local runtime under load (loopback only, ~8 min): 200 visitors + 10 operator dashboards for 60 s;
# send->ack flat from an empty table to 20,000 items, RSS after 10,000 messages, SIGTERM stop time;
# then the fault run (>= 1,000 messages with aborted sockets, resends, duplicates, handoff races).
load: $(VENV)/.installed
	$(PY) -m benchmarks.load
	$(PY) -m benchmarks.fault

clean:
	rm -rf $(VENV) .pytest_cache build dist
