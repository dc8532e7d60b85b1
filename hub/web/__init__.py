"""HTTP endpoints: GraphQL, the OAuth2 token endpoint, health checks."""
