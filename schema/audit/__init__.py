"""The audit ledger in GraphQL, for information-governance officers."""
