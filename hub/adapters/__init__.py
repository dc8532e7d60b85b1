"""The adapter contract and what the hub does with adapters: the registry, ingest and fetch."""
