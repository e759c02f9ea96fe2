"""The launch benchmark: simulated platform, baseline tools, harness (never run as a test)."""
