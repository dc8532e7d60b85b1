"""The audit ledger: append-only, hash-chained events of every access."""
