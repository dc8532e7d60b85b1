"""Information requests and sharing decisions in the GraphQL layer."""
