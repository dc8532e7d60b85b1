"""Cross-cutting GraphQL behaviour: limits, error masking, operation names. Registered as factories."""
