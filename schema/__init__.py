"""The GraphQL layer: strawberry types, queries and mutations over the hub's services."""
