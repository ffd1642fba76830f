"""`unqa bench`: throughput, latency, cold start and scale figures for the search path."""
