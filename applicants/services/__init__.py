"""Writes for the applicants app, split by topic (booking, rollover, queue, ...)."""
