"""The launch benchmark: a simulated platform, baseline tools and the harness (never run as a test)."""
