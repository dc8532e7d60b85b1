"""The access layer: how every way in (GraphQL, the portal, subscriptions, ingest, the worker, the CLI) opens
a request, and the gate through which that request reaches child data."""
