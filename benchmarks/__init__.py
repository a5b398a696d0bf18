"""Benchmarks for the handoff service (issue 6). Not tests: `python -m benchmarks.run` (or `make bench`).

Each figure runs in a fresh Python process (its own moto state, PynamoDB connections and
environment) and prints one JSON result; benchmarks.run collects them into one table.
See README.md, Benchmarks.
"""
