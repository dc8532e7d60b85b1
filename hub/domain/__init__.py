"""Domain types, free of storage, GraphQL and oso."""
