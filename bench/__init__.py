"""Benchmarks for livenews: figures as JSON under ``bench/results/``.

Speed is measured here, never asserted in tests. Each scenario compares the
project with a reference measured in the same run (nginx, nchan, or the
pipeline's own stages) and reports ratios, because the 2-core development
machine is shared and noisy. Load generators run as separate processes;
servers listen on 127.0.0.1 on free ports and are stopped by PID.

Scenarios: ``ingest`` (pipeline throughput), ``pages`` (front page req/s vs
nginx), ``sse`` (live fan-out latency and memory vs nginx+nchan).
"""
