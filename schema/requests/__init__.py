"""Information requests and sharing decisions in the GraphQL layer (issue 5)."""
