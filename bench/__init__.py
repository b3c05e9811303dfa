"""Benchmarks of the WebSocket gateway against a bare Starlette broadcast baseline.

Run with ``python -m bench`` (``make bench``), ``--quick`` for a one-minute version, ``--smoke``
for the tiny configuration CI runs. See bench/README.md.
"""
