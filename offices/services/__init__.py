"""Writes for the offices app, split by topic (capacity, calendar, ...)."""
