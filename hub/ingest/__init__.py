"""Ingest: what adapters pull, written in the agency's name through the one door, idempotent and ordered."""
