"""The launch-day load benchmark (`make bench`). See docs/performance.md."""
