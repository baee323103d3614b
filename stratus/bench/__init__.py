"""`stratus bench`: the benchmarks of issue 7 (cold start, warm latency, calls per operation, scale, event
fan-out, gateway load), printed and written to docs/benchmarks.md."""
